;; Import backend, exports: function exports shift (an exported import does not), memory
;; and global exports keep their indices. Indices: $hf 0, $a 1, $b 2.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (export "hf" (func $hf))
  (func $a (export "a") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (export "b") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (memory (export "mem") 1)
  (global (export "g") i32 (i32.const 7)))
