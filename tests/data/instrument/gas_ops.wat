;; Gas amounts (tests/instrument_cases.c computes each export's cost by hand under `default`
;; and `uniform`): a while loop with a call in its body, nested blocks with br_table,
;; if without else, if/else, a do-while loop with br_if out of an enclosing block, and a
;; division that traps mid-block.
(module
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))

  ;; 1^2 + 2^2 + ... + n^2
  (func (export "sumsq") (param $n i32) (result i32) (local $s i32)
    (block $exit
      (loop $top
        (br_if $exit (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (call $sq (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $s))

  ;; r = 10 for x = 0, 20 for x = 1, else 0; + 100 when x > 5; then + 1 when x is odd,
  ;; else - 1.
  (func (export "classify") (param $x i32) (result i32) (local $r i32)
    (block $b2
      (block $b1
        (block $b0
          (br_table $b0 $b1 $b2 (local.get $x)))
        (local.set $r (i32.const 10))
        (br $b2))
      (local.set $r (i32.const 20)))
    (if (i32.gt_u (local.get $x) (i32.const 5))
      (then (local.set $r (i32.add (local.get $r) (i32.const 100)))))
    (if (result i32) (i32.and (local.get $x) (i32.const 1))
      (then (i32.add (local.get $r) (i32.const 1)))
      (else (i32.sub (local.get $r) (i32.const 1)))))

  ;; Counts the iterations of a do-while loop over n (n >= 1), leaving early through the
  ;; enclosing block when n == 100.
  (func (export "countdown") (param $n i32) (result i32) (local $c i32)
    (block $early
      (loop $l
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $early (i32.eq (local.get $n) (i32.const 100)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $c))

  ;; 100 / x + 1: traps mid-block when x == 0.
  (func (export "div") (param $x i32) (result i32)
    (i32.add (i32.div_u (i32.const 100) (local.get $x)) (i32.const 1))))
