;; Import backend, the name section (assembled with --debug-names): the module name, function
;; names (subsection 1) and local names (subsection 2). Indices: $hf 0, $alpha 1, $beta 2,
;; $run 3. run(x) = alpha(x) + beta(x, 1); beta traps (unreachable) when x == 0.
(module $named
  (import "host" "f" (func $hf (param $hx i32) (result i32)))
  (func $alpha (param $x i32) (result i32) (local $tmp i32)
    (local.set $tmp (call $hf (local.get $x)))
    (i32.add (local.get $tmp) (i32.const 1)))
  (func $beta (param $y i32) (param $z i32) (result i32) (local $p i64) (local $q i32)
    (if (i32.eqz (local.get $y)) (then (unreachable)))
    (i32.mul (local.get $y) (local.get $z)))
  (func $run (export "run") (param $v i32) (result i32)
    (i32.add (call $alpha (local.get $v)) (call $beta (local.get $v) (i32.const 1)))))
