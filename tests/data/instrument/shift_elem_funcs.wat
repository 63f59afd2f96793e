;; Import backend, element segments listing function indices: active (flags 0), passive
;; (flags 1), active with an explicit table (flags 2) and declarative (flags 3).
;; Indices: $hf 0, $a 1, $b 2, $c 3, $init 4, $calli 5, $get_c 6, $calli0 7.
;; a(x) = x + 1, b(x) = 3x, c(x) = x - 2, hf(x) = x + 100.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table $tab0 2 funcref)
  (table $tab (export "tab") 6 funcref)
  (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $c (param i32) (result i32) (i32.sub (local.get 0) (i32.const 2)))
  (elem (table $tab0) (i32.const 0) func $c $a)
  (elem $p func $b $c)
  (elem (table $tab) (i32.const 0) func $a $hf)
  (elem declare func $c)
  ;; slots 2 and 3 of $tab from the passive segment
  (func $init (export "init") (table.init $tab $p (i32.const 2) (i32.const 0) (i32.const 2)))
  (func $calli (export "calli") (param i32 i32) (result i32)
    (call_indirect $tab (type $t) (local.get 0) (local.get 1)))
  (func $get_c (export "get_c") (result funcref) (ref.func $c))
  ;; calls $tab0 slot i
  (func $calli0 (export "calli0") (param i32 i32) (result i32)
    (call_indirect $tab0 (type $t) (local.get 0) (local.get 1))))
