;; Fuel metering corpus (tests/test_fuel.c): the bulk memory and table operations, whose
;; dynamic cost is bulk_unit per byte or element, and memory.grow / table.grow, whose
;; dynamic cost is grow_page per page and bulk_unit per element requested. Every export is
;; one metered block: its parameters, the operation and the function's end.
;; Rebuild: wat2wasm --debug-names fuel_bulk.wat -o fuel_bulk.wasm
(module $fuel_bulk
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

  ;; table.fill with ref.func $f0 (one operator more than the memory ops).
  (func (export "tab_fill") (param $d i32) (param $n i32)
    (table.fill $tab (local.get $d) (ref.func $f0) (local.get $n)))
  (func (export "tab_copy") (param $d i32) (param $s i32) (param $n i32)
    (table.copy $tab $tab (local.get $d) (local.get $s) (local.get $n)))
  (func (export "tab_init") (param $d i32) (param $s i32) (param $n i32)
    (table.init $tab $e (local.get $d) (local.get $s) (local.get $n)))
  (func (export "tab_grow") (param $n i32) (result i32)
    (table.grow $tab (ref.null func) (local.get $n)))
  ;; 1 when table slot i holds a function, else 0.
  (func (export "tab_is_set") (param $i i32) (result i32)
    (i32.eqz (ref.is_null (table.get $tab (local.get $i))))))
