;; calc: imports math's functions (linked by examples/linking.c under the module name
;; "math") and exports sum_of_squares(a, b) = a*a + b*b, computed by calling them.
(module
  (import "math" "add" (func $add (param i32 i32) (result i32)))
  (import "math" "square" (func $square (param i32) (result i32)))
  (func $sum_of_squares (export "sum_of_squares") (param $a i32) (param $b i32) (result i32)
    (call $add (call $square (local.get $a)) (call $square (local.get $b)))))
