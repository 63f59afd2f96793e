;; Import backend, call_indirect through a table filled by an active element segment.
;; Slots: 0 $a (x + 1), 1 $b (3x), 2 the import $hf (x + 100), 3 $c (x - 2).
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $a $b $hf $c)
  (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $c (param i32) (result i32) (i32.sub (local.get 0) (i32.const 2)))
  (func (export "dispatch") (param $x i32) (param $slot i32) (result i32)
    (call_indirect (type $t) (local.get $x) (local.get $slot))))
