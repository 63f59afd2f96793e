;; Robustness corpus (tests/test_robustness.c): control flow for the translator: nested
;; blocks with results, br_if / br_table carrying values, returns from nested blocks, dead
;; code after branches, local.tee chains, recursion and mutual calls. It imports a function,
;; a global, the table and the memory from `spectest` (one of each kind, like
;; robust_imports.wat, but without a start function, so that its mutants are instantiated).
;; Rebuild: wat2wasm --debug-names robust_control.wat -o robust_control.wasm
(module $robust_control
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i64" (global $g64 i64))
  (import "spectest" "memory" (memory 1))
  (import "spectest" "table" (table $tab 10 20 funcref))
  (type $i2i (func (param i32) (result i32)))
  (elem (table $tab) (i32.const 2) func $even $odd)

  (func $parity (export "parity") (param $n i32) (param $which i32) (result i32)
    (call_indirect $tab (type $i2i) (local.get $n)
      (i32.add (i32.const 2) (i32.and (local.get $which) (i32.const 1)))))
  (func $fact (export "fact") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fact (i64.sub (local.get $n) (i64.const 1)))))))

  (func $even (export "even") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get $n) (i32.const 1))))))

  (func $classify (export "classify") (param $x i32) (result i32)
    (block $other (result i32)
      (block $two (result i32)
        (block $one (result i32)
          (block $zero (result i32)
            (i32.const 100)
            (local.get $x)
            (br_table $zero $one $two $other))
          (return (i32.add (i32.const 1))))
        (return (i32.add (i32.const 2))))
      (return (i32.add (i32.const 3))))
    (i32.const 4)
    (i32.add))

  (func $collatz (export "collatz") (param $n i32) (result i32)
    (local $steps i32)
    (block $done
      (loop $next
        (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (if (i32.and (local.get $n) (i32.const 1))
          (then (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.const 1))))
          (else (local.set $n (i32.shr_u (local.get $n) (i32.const 1)))))
        (br $next)))
    (call $print (local.get $steps))
    (i64.store (i32.const 0) (global.get $g64))
    (local.get $steps))

  (func $tees (export "tees") (param $a i32) (result i32)
    (local $b i32) (local $c i32)
    (loop $l
      (br_if $l
        (i32.lt_s
          (local.tee $c (local.tee $b (i32.add (local.get $a) (local.get $b))))
          (i32.const 1000))))
    (i32.add (local.get $b) (local.get $c)))

  (func $early (export "early") (param $x i32) (result i32 i32)
    (block $b (result i32 i32)
      (local.get $x) (i32.const 7)
      (br_if $b (i32.gt_u (local.get $x) (i32.const 5)))
      (drop) (drop)
      (i32.const 1) (local.get $x)
      (br $b)
      (unreachable)
      (i32.const 99) (i32.const 98) (drop)))

  (func $dead (export "dead") (param $x i32) (result i32)
    (block $out (result i32)
      (loop $l (result i32)
        (local.get $x)
        (br $out)
        (block (result i64)
          (i64.const 5)
          (loop (param i64) (result i64) (br 0))
          (i64.const 1) (i64.add))
        (drop)
        (br_table $out $out (i32.const 0) (i32.const 1))
        (return (i32.const 3)))))

  (func $sum_table (export "sum_table") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (block $d (block $c (block $b (block $a
        (br_table $a $b $c $d (i32.and (local.get $n) (i32.const 3))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 1))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 10))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 100))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.ge_s (local.get $n) (i32.const 0))))
    (local.get $acc))

  (func $nested (export "nested") (param i32 i32 i32) (result i32)
    (block (result i32)
      (block (result i32)
        (block (result i32)
          (local.get 0)
          (if (param i32) (result i32) (local.get 1)
            (then (i32.const 1) (i32.add))
            (else (i32.const 2) (i32.sub)))
          (br_if 1 (local.get 2))
          (i32.const 10) (i32.mul))
        (i32.const 20) (i32.add))
      (i32.const 30) (i32.xor))))
