;; Import backend, element segments listing expressions: active (flags 4), passive (flags
;; 5), active with an explicit table (flags 6) and declarative (flags 7), with ref.func and
;; ref.null items (every segment has a ref.null, so that wat2wasm keeps the expression
;; encodings). Indices: $hf 0, $a 1, $b 2, $c 3, $init 4, $calli 5, $get_c 6, $calli1 7.
(module
  (import "host" "f" (func $hf (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table $tab (export "tab") 6 funcref)
  (table $tab1 3 funcref)
  (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $c (param i32) (result i32) (i32.sub (local.get 0) (i32.const 2)))
  (elem (table $tab) (i32.const 0) funcref (ref.func $a) (ref.func $hf) (ref.null func))
  (elem $p funcref (ref.func $b) (ref.func $c) (ref.null func))
  (elem (table $tab1) (i32.const 0) funcref (ref.func $c) (ref.func $b) (ref.null func))
  (elem declare funcref (ref.func $c) (ref.null func))
  ;; slots 3 and 4 of $tab from the passive segment
  (func $init (export "init") (table.init $tab $p (i32.const 3) (i32.const 0) (i32.const 2)))
  (func $calli (export "calli") (param i32 i32) (result i32)
    (call_indirect $tab (type $t) (local.get 0) (local.get 1)))
  (func $get_c (export "get_c") (result funcref) (ref.func $c))
  (func $calli1 (export "calli1") (param i32 i32) (result i32)
    (call_indirect $tab1 (type $t) (local.get 0) (local.get 1))))
