;; greet: passes a string to the host (examples/host_string.c). The host provides
;; env.log(ptr, len), which prints the len bytes of UTF-8 at ptr in this module's memory;
;; the memory is exported as "memory" so that the host can read it.
(module
  (import "env" "log" (func $log (param $ptr i32) (param $len i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello from Wasm!")  ;; 16 bytes at offset 16
  ;; greet(): logs the greeting.
  (func $greet (export "greet")
    (call $log (i32.const 16) (i32.const 16)))
  ;; bad_log(): a buggy call whose string runs past the end of the 64 KiB memory, so that
  ;; the host function refuses it and traps.
  (func $bad_log (export "bad_log")
    (call $log (i32.const 65530) (i32.const 16))))
