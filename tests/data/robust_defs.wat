;; Robustness corpus (tests/test_robustness.c): a module that defines its own memory, tables
;; and globals of every type and exercises multi-value functions and blocks, loop parameters,
;; every load and store width, integer / float arithmetic and conversions, select and
;; reference operators. It imports nothing and has no start function.
;; Rebuild: wat2wasm --debug-names robust_defs.wat -o robust_defs.wasm
(module $robust_defs
  (type $pair (func (param i32 i32) (result i32 i32)))
  (memory $m (export "mem") 1 4)
  (table $ft (export "ftab") 4 8 funcref)
  (table $et 2 externref)
  (global $g32 (export "g32") (mut i32) (i32.const -1))
  (global $g64 (mut i64) (i64.const -0x8000000000000000))
  (global $gf32 (mut f32) (f32.const 1.5))
  (global $gf64 (mut f64) (f64.const -0x1.fffffffffffffp+1023))
  (global $gext (mut externref) (ref.null extern))
  (data (memory $m) (i32.const 0) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f")
  (data (memory $m) (i32.const 65520) "end of page one")
  (elem (table $ft) (i32.const 1) func $swap $rot)

  (func $swap (export "swap") (type $pair) (local.get 1) (local.get 0))

  (func $rot (export "rot") (param i32 i32) (result i32 i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32)
      (local.set 0)
      (local.set 1)
      (local.get 0)
      (local.get 1)))

  (func $three (export "three") (param i64 f32 f64) (result f64 i64 f32)
    (local.get 2) (local.get 0) (local.get 1))

  (func $loads (export "loads") (param $a i32) (result i64)
    (i64.add
      (i64.add
        (i64.add (i64.extend_i32_u (i32.load (local.get $a)))
                 (i64.load offset=8 align=4 (local.get $a)))
        (i64.add (i64.extend_i32_s (i32.load8_s offset=1 (local.get $a)))
                 (i64.extend_i32_u (i32.load8_u offset=2 (local.get $a)))))
      (i64.add
        (i64.add (i64.extend_i32_s (i32.load16_s offset=3 (local.get $a)))
                 (i64.extend_i32_u (i32.load16_u offset=5 align=1 (local.get $a))))
        (i64.add
          (i64.add (i64.load8_s (local.get $a)) (i64.load8_u (local.get $a)))
          (i64.add
            (i64.add (i64.load16_s (local.get $a)) (i64.load16_u (local.get $a)))
            (i64.add (i64.load32_s (local.get $a))
                     (i64.add (i64.load32_u (local.get $a))
                              (i64.trunc_f64_s (f64.load (local.get $a))))))))))

  (func $stores (export "stores") (param $a i32) (param $v i64)
    (i32.store (local.get $a) (i32.wrap_i64 (local.get $v)))
    (i64.store offset=8 (local.get $a) (local.get $v))
    (f32.store offset=16 (local.get $a) (f32.convert_i64_s (local.get $v)))
    (f64.store offset=24 (local.get $a) (f64.convert_i64_u (local.get $v)))
    (i32.store8 offset=32 (local.get $a) (i32.const 0x1ff))
    (i32.store16 offset=34 (local.get $a) (i32.const 0x1ffff))
    (i64.store8 offset=36 (local.get $a) (local.get $v))
    (i64.store16 offset=38 (local.get $a) (local.get $v))
    (i64.store32 offset=40 (local.get $a) (local.get $v)))

  (func $ints (export "ints") (param $x i64) (param $y i64) (result i64)
    (local $i i32)
    (local.set $i (i32.wrap_i64 (local.get $x)))
    (i64.xor
      (i64.add
        (i64.div_s (local.get $x) (i64.or (local.get $y) (i64.const 1)))
        (i64.rem_u (local.get $x) (i64.or (local.get $y) (i64.const 1))))
      (i64.add
        (i64.rotl (i64.shl (local.get $x) (i64.const 3)) (local.get $y))
        (i64.extend_i32_s
          (i32.add
            (i32.add (i32.clz (local.get $i)) (i32.ctz (local.get $i)))
            (i32.add (i32.popcnt (local.get $i))
                     (i32.extend8_s (i32.shr_s (local.get $i) (i32.const 0x7fffffff)))))))))

  (func $floats (export "floats") (param $a f32) (param $b f64) (result f64)
    (f64.add
      (f64.promote_f32
        (f32.copysign (f32.min (local.get $a) (f32.sqrt (local.get $a)))
                      (f32.demote_f64 (local.get $b))))
      (f64.add
        (f64.nearest (f64.div (local.get $b) (f64.const 3)))
        (f64.convert_i32_s
          (i32.add (i32.trunc_sat_f64_s (local.get $b))
                   (i32.add (f64.lt (local.get $b) (f64.const 0))
                            (f32.ge (local.get $a) (f32.const 2.5))))))))

  (func $sel (export "sel") (param $c i32) (result i64)
    (local $f f32)
    (local.set $f (select (result f32) (f32.const 1) (f32.const -1) (local.get $c)))
    (select
      (i64.const 0x7fffffff00000001)
      (i64.trunc_sat_f32_u (local.get $f))
      (i32.eqz (local.get $c))))

  (func $loop_params (export "loop_params") (param $n i32) (result i32 i32)
    (i32.const 0) (i32.const 1)
    (loop $l (param i32 i32) (result i32 i32)
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (call $swap)
      (br_if $l (i32.gt_s (local.get 0) (i32.const 0)))))

  (func $ifelse (export "ifelse") (param $c i32) (param $x i32) (result i32)
    (if (result i32) (local.get $c)
      (then (i32.mul (local.get $x) (i32.const 3)))
      (else (if (result i32) (i32.lt_u (local.get $x) (i32.const 10))
              (then (i32.const 10))
              (else (local.get $x))))))

  (func $refs (export "refs") (param $e externref) (result i32)
    (table.set $et (i32.const 1) (local.get $e))
    (global.set $gext (table.get $et (i32.const 1)))
    (i32.add
      (ref.is_null (global.get $gext))
      (i32.add (table.size $et)
               (ref.is_null (table.get $ft (i32.const 0))))))

  (func $indirect (export "indirect") (param $i i32) (param $a i32) (param $b i32)
    (result i32 i32)
    (call_indirect $ft (type $pair) (local.get $a) (local.get $b) (local.get $i)))

  (func $globals (export "globals") (result i32)
    (global.set $g64 (i64.add (global.get $g64) (i64.const 1)))
    (global.set $gf32 (f32.neg (global.get $gf32)))
    (global.set $gf64 (f64.abs (global.get $gf64)))
    (global.set $g32 (i32.add (global.get $g32) (i32.wrap_i64 (global.get $g64))))
    (global.get $g32))

  (func $grow (export "grow") (param $d i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (local.get $d)))
    (if (i32.ge_s (local.get $old) (i32.const 0))
      (then (i32.store (i32.mul (local.get $old) (i32.const 65536)) (i32.const 7))))
    (local.get $old))

  (func $unreach (export "unreach") unreachable))
