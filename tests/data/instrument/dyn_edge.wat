;; Dynamic costs at the edges: segments dropped at instantiation (an active data segment, an
;; active and a declarative element segment), bounds that overflow 32 bits (d + n, s + n past
;; 2^32), and bulk operations and growth whose operands have side effects and values below
;; them on the stack (the instrumented code must evaluate each operand once).
(module
  (memory $mem (export "mem") 1 4)
  (data $act (i32.const 0) "xyz")          ;; active: dropped after instantiation
  (data $pas "0123456789")                 ;; passive, 10 bytes
  (table $tab (export "tab") 4 funcref)
  (elem $eact (i32.const 0) func $f0)      ;; active: dropped after instantiation
  (elem $edecl declare func $f0)           ;; declarative: dropped after instantiation
  (elem $epas func $f0 $f0)                ;; passive, 2 elements
  (global $counter (mut i32) (i32.const 0))
  (func $f0)
  ;; returns the counter, then increments it
  (func $next (result i32) (local $v i32)
    (local.set $v (global.get $counter))
    (global.set $counter (i32.add (local.get $v) (i32.const 1)))
    (local.get $v))
  (func (export "counter") (result i32) (global.get $counter))
  (func (export "load") (param $a i32) (result i32) (i32.load8_u (local.get $a)))

  (func (export "init_active") (param i32 i32 i32)
    (memory.init $act (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_passive") (param i32 i32 i32)
    (memory.init $pas (local.get 0) (local.get 1) (local.get 2)))
  (func (export "tinit_active") (param i32 i32 i32)
    (table.init $tab $eact (local.get 0) (local.get 1) (local.get 2)))
  (func (export "tinit_declared") (param i32 i32 i32)
    (table.init $tab $edecl (local.get 0) (local.get 1) (local.get 2)))
  (func (export "tinit_passive") (param i32 i32 i32)
    (table.init $tab $epas (local.get 0) (local.get 1) (local.get 2)))
  (func (export "mem_fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "mem_copy") (param i32 i32 i32)
    (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "tab_fill") (param i32 i32)
    (table.fill $tab (local.get 0) (ref.null func) (local.get 1)))
  (func (export "tab_copy") (param i32 i32 i32)
    (table.copy $tab $tab (local.get 0) (local.get 1) (local.get 2)))

  ;; 1000 + the counter after: memory.fill(next(), 0x77, n + next()) under a value
  (func (export "fill_effects") (param $n i32) (result i32)
    (i32.const 1000)
    (memory.fill (call $next) (i32.const 0x77) (i32.add (local.get $n) (call $next)))
    (global.get $counter)
    (i32.add))
  ;; memory.copy(next(), 0, n + next()) under a value
  (func (export "copy_effects") (param $n i32) (result i32)
    (i32.const 2000)
    (memory.copy (call $next) (i32.const 0) (i32.add (local.get $n) (call $next)))
    (global.get $counter)
    (i32.add))
  ;; 1000 + memory.grow(n + next())
  (func (export "grow_in_expr") (param $n i32) (result i32)
    (i32.add (i32.const 1000) (memory.grow (i32.add (local.get $n) (call $next)))))
  ;; 1000 + table.grow(ref.func $f0, n + next())
  (func (export "tgrow_in_expr") (param $n i32) (result i32)
    (i32.add (i32.const 1000)
      (table.grow $tab (ref.func $f0) (i32.add (local.get $n) (call $next)))))
  ;; table.init from the passive segment with computed operands, under a value
  (func (export "tinit_effects") (param $n i32) (result i32)
    (i32.const 3000)
    (table.init $tab $epas (call $next) (i32.const 0) (i32.add (local.get $n) (call $next)))
    (global.get $counter)
    (i32.add)))
