;; Import backend, global initialisers with ref.func. Indices: $hf 0, $a 1, $b 2, $call_gb 3.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (global $ga (export "ga") funcref (ref.func $a))
  (global $gb (mut funcref) (ref.func $b))
  (global $gh (export "gh") funcref (ref.func $hf))
  ;; calls the function in $gb through the table
  (func $call_gb (export "call_gb") (param i32) (result i32)
    (table.set 0 (i32.const 0) (global.get $gb))
    (call_indirect (type $t) (local.get 0) (i32.const 0))))
