;; Import backend, the start function: $s (index 2, after: 3) sets g to hf(1) = 101; $other
;; (index 1, after: 2) would set it to 99.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $other (global.set $g (i32.const 99)))
  (func $s (global.set $g (call $hf (i32.const 1))))
  (start $s))
