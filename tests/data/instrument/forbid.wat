;; Uses i32.mul in function 2 (the import is 0) and f32.add in function 3, for cost models
;; that forbid them.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (func (export "add") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "mul") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "fadd") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1))))
