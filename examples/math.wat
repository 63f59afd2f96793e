;; math: a small library module for the linking example (examples/linking.c).
;; It imports nothing and exports two functions that another module links against.
(module
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))
  (func $square (export "square") (param $x i32) (result i32)
    (i32.mul (local.get $x) (local.get $x))))
