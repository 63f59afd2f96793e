;; Already imports env.gas (param i64), the gas import's own type: already metered, so refused
;; by wvm_instrument; runs pre-metered. run(x) charges 3 and returns x + 1.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (import "env" "gas" (func $gas (param i64)))
  (func (export "run") (param i32) (result i32)
    (call $gas (i64.const 3))
    (i32.add (local.get 0) (i32.const 1))))
