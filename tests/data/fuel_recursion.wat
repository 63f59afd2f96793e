;; Fuel metering corpus (tests/test_fuel.c): deep call chains and nested loops, to run out
;; of fuel (and resume) deep inside recursion and loops.
;; Rebuild: wat2wasm --debug-names fuel_recursion.wat -o fuel_recursion.wasm
(module $fuel_recursion
  ;; Doubly recursive Fibonacci: rfib(n) = n for n < 2, else rfib(n-1) + rfib(n-2).
  (func $rfib (export "rfib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $rfib (i32.sub (local.get $n) (i32.const 1)))
          (call $rfib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; A chain of n + 1 nested calls: deep(n) = n.
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))

  ;; Two nested do-while loops of n iterations each: nested(n) = n * n (n >= 1).
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    (local.set $i (local.get $n))
    (loop $outer
      (local.set $j (local.get $n))
      (loop $inner
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $inner (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
      (br_if $outer (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.get $s)))
