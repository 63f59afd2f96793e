;; Import backend with function imports before the gas import and imports of other kinds
;; between them: host.f and host.g keep indices 0 and 1, the gas import is the last function
;; import (index 2), $a 2 -> 3, $run 3 -> 4. host.g() = 42; the memory and global imports
;; keep their indices. run(x) = hf(x) + 42 + glob + mem[0].
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (import "host" "mem" (memory 1))
  (import "host" "g" (func $hg (result i32)))
  (import "host" "glob" (global $glob i32))
  (func $a (param i32) (result i32)
    (i32.add (i32.add (local.get 0) (call $hg)) (global.get $glob)))
  (func $run (export "run") (param i32) (result i32)
    (i32.add (call $a (call $hf (local.get 0))) (i32.load8_u (i32.const 0)))))
