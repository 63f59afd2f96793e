;; Dynamic costs: the bulk memory and table operations, memory.grow and table.grow, and the
;; drops. Every export but the drops is one metered block: its local.gets, its operation (and
;; a ref.func or ref.null) and the final end, as tests/data/fuel_bulk.wat.
(module
  (memory $mem (export "mem") 1 4)
  (data $d "abcdefgh")                 ;; passive, 8 bytes
  (table $tab (export "tab") 8 16 funcref)
  (elem $e func $f0 $f1 $f2)           ;; passive, 3 elements
  (func $f0) (func $f1) (func $f2)

  (func (export "mem_fill") (param $d i32) (param $v i32) (param $n i32)
    (memory.fill (local.get $d) (local.get $v) (local.get $n)))
  (func (export "mem_copy") (param $d i32) (param $s i32) (param $n i32)
    (memory.copy (local.get $d) (local.get $s) (local.get $n)))
  (func (export "mem_init") (param $d i32) (param $s i32) (param $n i32)
    (memory.init $d (local.get $d) (local.get $s) (local.get $n)))
  (func (export "mem_grow") (param $n i32) (result i32)
    (memory.grow (local.get $n)))
  (func (export "tab_fill") (param $d i32) (param $n i32)
    (table.fill $tab (local.get $d) (ref.func $f0) (local.get $n)))
  (func (export "tab_copy") (param $d i32) (param $s i32) (param $n i32)
    (table.copy $tab $tab (local.get $d) (local.get $s) (local.get $n)))
  (func (export "tab_init") (param $d i32) (param $s i32) (param $n i32)
    (table.init $tab $e (local.get $d) (local.get $s) (local.get $n)))
  (func (export "tab_grow") (param $n i32) (result i32)
    (table.grow $tab (ref.null func) (local.get $n)))
  (func (export "data_drop") (data.drop $d))
  (func (export "elem_drop") (elem.drop $e))
  ;; the byte at address a, the number of pages, the table size, whether slot i is set
  (func (export "load") (param $a i32) (result i32) (i32.load8_u (local.get $a)))
  (func (export "pages") (result i32) (memory.size))
  (func (export "tab_size") (result i32) (table.size $tab))
  (func (export "tab_is_set") (param $i i32) (result i32)
    (i32.eqz (ref.is_null (table.get $tab (local.get $i))))))
