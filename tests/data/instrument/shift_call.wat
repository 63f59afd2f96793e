;; Import backend, `call` in bodies: an imported function keeps its index, every defined one
;; shifts by one. Indices: $hf 0, $a 1, $b 2, $run 3 (after: $hf 0, gas 1, $a 2, $b 3, $run 4).
;; host.f(x) = x + 100, so run(x) = (x + 101) * 3.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $run (export "run") (param i32) (result i32)
    (call $b (call $a (call $hf (local.get 0))))))
