;; The same with metering.usegas (param i64): burn(n) charges n (as an i64 zero-extended
;; from i32 x, so the host can ask for 2^32 - 1 with x = -1).
(module
  (import "metering" "usegas" (func $gas (param i64)))
  (func (export "run") (param i32) (result i32)
    (call $gas (i64.const 5))
    (i32.add (local.get 0) (i32.const 1)))
  (func (export "burn") (param i32) (call $gas (i64.extend_i32_u (local.get 0)))))
