;; Already imports env.gas, with another type than the gas import's (param i64): refused by
;; wvm_instrument (unless the gas import is given another name); not a pre-metered module.
(module
  (import "env" "gas" (func $gas (param i32)))
  (func (export "run") (param i32) (result i32)
    (call $gas (i32.const 1))
    (i32.add (local.get 0) (i32.const 1))))
