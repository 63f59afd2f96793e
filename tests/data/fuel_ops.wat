;; Fuel metering corpus (tests/test_fuel.c): straight-line code, calls (direct, indirect,
;; host, host calling back into Wasm), br_if taken and untaken, if/else both ways, if
;; without else, loops, br_table, traps mid-block and return mid-block. The fuel each
;; export costs under the `default` and `uniform` cost models is computed operator by
;; operator in tests/test_fuel.c.
;; Rebuild: wat2wasm --debug-names fuel_ops.wat -o fuel_ops.wasm
(module $fuel_ops
  (import "env" "triple" (func $triple (param i32) (result i32)))
  (import "env" "charge" (func $charge (param i32) (result i32)))
  ;; reenter(x) calls this module's export "call2" with x through wvm_func_call.
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  (type $i2i (func (param i32) (result i32)))
  (table $tab 4 funcref)
  (elem (table $tab) (i32.const 0) func $add1 $dbl)
  (elem (table $tab) (i32.const 3) func $triple)

  ;; Straight-line code, with a nop, a drop and a block nobody branches to.
  (func (export "straight") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add
    i32.const 3
    i32.mul
    nop
    nop
    block
      nop
    end
    local.get 0
    drop)

  (func $add1 (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))

  ;; Two nested direct calls: add1(add1(x)).
  (func (export "call2") (param i32) (result i32)
    (call $add1 (call $add1 (local.get 0))))

  ;; call_indirect through the table: slot 0 is add1, slot 1 dbl, 2 null, 3 the host's triple.
  (func (export "calli") (param $x i32) (param $slot i32) (result i32)
    (call_indirect $tab (type $i2i) (local.get $x) (local.get $slot)))

  ;; Host functions: triple(x) = 3x; charge(n) consumes n fuel and returns n.
  (func (export "call_triple") (param i32) (result i32)
    (call $triple (local.get 0)))
  (func (export "call_charge") (param i32) (result i32)
    (call $charge (local.get 0)))
  (func (export "call_reenter") (param i32) (result i32)
    (call $reenter (local.get 0)))

  ;; br_if carrying a value out of a block: taken when x != 0.
  (func (export "brif") (param $x i32) (result i32)
    (block $out (result i32)
      (i32.const 1)
      (br_if $out (local.get $x))
      (drop)
      (i32.const 2)))

  ;; if/else: 10 when x != 0, else 20 + 1.
  (func (export "ifelse") (param $x i32) (result i32)
    (if (result i32) (local.get $x)
      (then (i32.const 10))
      (else (i32.add (i32.const 20) (i32.const 1)))))

  ;; if without else: 5 when x != 0, else 0.
  (func (export "ifonly") (param $x i32) (result i32) (local $r i32)
    (if (local.get $x)
      (then (local.set $r (i32.const 5))))
    (local.get $r))

  ;; A do-while loop: the sum n + (n-1) + ... + 1 (n >= 1).
  (func (export "loop") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))

  ;; A while loop: br back to the loop, br_if out of the enclosing block; returns 2n.
  (func (export "while") (param $n i32) (result i32) (local $c i32)
    (block $exit
      (loop $top
        (br_if $exit (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (br $top)))
    (local.get $c))

  ;; A loop whose back edge is a br_table: counts x down to 0 and returns the count.
  (func (export "brtable_loop") (param $x i32) (result i32) (local $c i32)
    (block $done
      (loop $again
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (local.set $x (i32.sub (local.get $x) (i32.const 1)))
        (br_table $done $again (i32.ne (local.get $x) (i32.const 0)))))
    (local.get $c))

  ;; An if whose then-arm branches out of the enclosing block: 7 when x != 0, else 9.
  (func (export "ifbr") (param $x i32) (result i32)
    (block $out (result i32)
      (if (local.get $x)
        (then (br $out (i32.const 7)))
        (else (nop)))
      (i32.const 9)))

  ;; br_table as a C switch with fall-through: 0 -> 111, 1 -> 110, anything else -> 100.
  (func (export "brtable") (param $i i32) (result i32) (local $acc i32)
    (block $b2
      (block $b1
        (block $b0
          (br_table $b0 $b1 $b2 (local.get $i)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 1))))
      (local.set $acc (i32.add (local.get $acc) (i32.const 10))))
    (i32.add (local.get $acc) (i32.const 100)))

  ;; unreachable as the last live operator of the function.
  (func (export "unreachable_tail") (local $l i32)
    (local.set $l (i32.const 7))
    (unreachable))

  ;; unreachable inside a block nobody branches to, followed by more code in the same
  ;; metered block.
  (func (export "unreachable_mid") (result i32) (local $l i32)
    (local.set $l (i32.const 7))
    (block
      (unreachable))
    (i32.const 1))

  ;; Divides 1 by x, then computes 5 + 6: traps mid-block when x == 0.
  (func (export "div") (param $x i32) (result i32)
    (drop (i32.div_s (i32.const 1) (local.get $x)))
    (i32.add (i32.const 5) (i32.const 6)))

  ;; return from inside a block: 1 when x == 0 (the return), else 1 + 1 (falls off the end).
  (func (export "ret") (param $x i32) (result i32)
    (block
      (br_if 0 (local.get $x))
      (i32.const 1)
      (return))
    (i32.add (i32.const 1) (i32.const 1))))
