;; Import backend, `ref.func` in bodies. Indices: $hf 0, $a 1, $b 2, $run 3, $get_b 4.
;; run(x) stores ref.func $a and ref.func $hf in the table and calls a(hf(x)) = x + 101
;; through it; get_b returns ref.func $b (b(x) = 3x), which the host calls.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (elem declare func $a $hf $b)
  (func $run (export "run") (param i32) (result i32)
    (table.set 0 (i32.const 0) (ref.func $a))
    (table.set 0 (i32.const 1) (ref.func $hf))
    (call_indirect (type $t)
      (call_indirect (type $t) (local.get 0) (i32.const 1))
      (i32.const 0)))
  (func $get_b (export "get_b") (result funcref) (ref.func $b)))
