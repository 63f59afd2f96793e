;; Well-formed but invalid (assembled with --no-check): function 2 (the import is 0) adds an
;; i64 to an i32.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (func (export "ok") (param i32) (result i32) (local.get 0))
  (func (export "bad") (result i32) (i32.add (i32.const 1) (i64.const 2))))
