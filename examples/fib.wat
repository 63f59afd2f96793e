;; Iterative Fibonacci, the classic fuel-metering test program.
;; fib(n) runs the loop n times and returns F(n+1) (fib(0) = fib(1) = 1, fib(2) = 2, ...),
;; wrapping modulo 2^32: fib(46) = F(47) = 2971215073, i.e. -1323752223 as a signed i32.
;; n <= 0 returns 1 without entering the loop. Each iteration executes 13 operators, so
;; fib(46) costs 612 fuel under the `default` cost model (2 host entry + 1 function entry +
;; 10 before the loop + 46 x 13 + 1) and 614 under `uniform`.
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    (local.set $a (i32.const 1))   ;; F(k+1)
    (local.set $b (i32.const 0))   ;; F(k)
    (local.set $t (i32.const 1))   ;; scratch: a + b
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $next
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $b (local.get $a))
        (local.set $a (local.get $t))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $a)))
