;; A pre-metered module charging through metering.usegas (param i32): run(x) charges 5 and
;; returns x + 1; burn(n) charges n (unsigned).
(module
  (import "metering" "usegas" (func $gas (param i32)))
  (func (export "run") (param i32) (result i32)
    (call $gas (i32.const 5))
    (i32.add (local.get 0) (i32.const 1)))
  (func (export "burn") (param i32) (call $gas (local.get 0))))
