;; errors: the module of the error-handling example (examples/errors.c).
;; It imports env.print(i32), which the example first leaves undefined to show the linker's
;; error, then defines. outer(x) prints x and calls middle(x), which calls inner(x), which
;; computes 100 / x: outer(0) traps with "integer divide by zero" three calls deep, and the
;; trap's backtrace names all three functions.
(module
  (import "env" "print" (func $print (param i32)))
  (func $inner (param $x i32) (result i32)
    (i32.div_s (i32.const 100) (local.get $x)))
  (func $middle (param $x i32) (result i32)
    (i32.add (call $inner (local.get $x)) (i32.const 1)))
  (func $outer (export "outer") (param $x i32) (result i32)
    (call $print (local.get $x))
    (call $middle (local.get $x))))
