/* Criterion tests of the translator's fused forms (vm/vmops.def) through vm/code.h and the
 * public API: array indexing folded into loads and stores (id_sx, id_si), constant addresses
 * (id_k), stores of a constant (id_ki), 64-bit immediate operands (id_l), a loop's step in a slot joining its
 * compare-and-branch (br_id_radd), shifts by a constant joining the add, or or xor that
 * uses them (VM_BINSH), loads joining the operator that uses them (VM_BINM), an i32.and of
 * a constant joining the shift or add before it (VM_MASKED), two loads joining the operator
 * that uses both (id_mm), an f64 operator taking the result of the one before and an i32 add
 * taking a product (VM_CHAIN),
 * address arithmetic deferred to the store that uses it after its value is computed (and
 * computed at once when a local it reads is written first, or as one i32_lea into a local),
 * loads whose value a branch tests (br_i32_load*), selects on a comparison or a bit test
 * (select_<cmp>, select_test_imm), equality branches on a masked value (br_i32_eq_and, ...),
 * copies and adds of an immediate joining the br after them (copy_br, copy2_br,
 * i32_add_imm_br), and writes of zero to declared locals that are still zero, also past a
 * block's start and a br_if (no code). Each case checks the shape of the code and the
 * result, including the 32-bit wrap-around of the fused address arithmetic.
 *
 * The module below was assembled with wat2wasm, then xxd -i:
 *
 * (module
 *   (memory (export "mem") 1)
 *   (func (export "load_sx") (param $base i32) (param $i i32) (result i32)
 *     (i32.load offset=4 (i32.add (i32.add (local.get $base)
 *                                          (i32.shl (local.get $i) (i32.const 2)))
 *                                 (i32.const 8))))
 *   (func (export "load_si") (param $i i32) (result i32)
 *     (i32.load (i32.add (i32.shl (local.get $i) (i32.const 3)) (i32.const 16))))
 *   (func (export "store_sx") (param $base i32) (param $i i32) (param $v i32)
 *     (i32.store (i32.add (i32.shl (local.get $i) (i32.const 2)) (local.get $base))
 *                (local.get $v)))
 *   (func (export "store_ki") (param $a i32)
 *     (i64.store offset=8 (i32.add (local.get $a) (i32.const 4)) (i64.const -1))
 *     (i32.store8 (local.get $a) (i32.const 0x1ff)))
 *   (func (export "mix") (param $x i64) (result i64)
 *     (i64.sub (i64.mul (local.get $x) (i64.const 0x9e3779b97f4a7c15))
 *              (i64.const 0x123456789)))
 *   (func (export "half") (param $x f64) (result f64)
 *     (f64.div (f64.mul (local.get $x) (f64.const 3.0)) (f64.const 2.0)))
 *   (func (export "zero") (param $n i32) (result i32) (local $acc i32) (local $k i32)
 *     (local.set $acc (i32.const 0))
 *     (loop $l
 *       (local.set $acc (i32.add (local.get $acc) (local.get $n)))
 *       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *       (br_if $l (local.get $n)))
 *     (local.set $k (i32.const 0))
 *     (i32.add (local.get $acc) (local.get $k)))
 *   (func (export "stride") (param $n i32) (param $k i32) (result i32)
 *     (local $i i32) (local $c i32)
 *     (loop $l
 *       (local.set $c (i32.add (local.get $c) (i32.const 1)))
 *       (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $k)))
 *                           (local.get $n))))
 *     (local.get $c))
 *   (func (export "xorshift") (param $x i32) (result i32)
 *     (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
 *     (local.set $x (i32.xor (i32.shr_u (local.get $x) (i32.const 17)) (local.get $x)))
 *     (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
 *   (func (export "pack") (param $hi i64) (param $lo i64) (result i64)
 *     (i64.or (local.get $lo) (i64.shl (local.get $hi) (i64.const 96))))
 *   (func (export "scale") (param $x f64) (param $p i32) (result f64)
 *     (f64.mul (local.get $x) (f64.load offset=40 (local.get $p))))
 *   (func (export "sum_at") (param $p i32) (param $y i32) (result i32)
 *     (i32.add (i32.load offset=4 (i32.add (local.get $p) (i32.const 8))) (local.get $y)))
 *   (func (export "diff") (param $p i32) (param $x f64) (result f64)
 *     (f64.sub (f64.load (local.get $p)) (local.get $x)))
 *   (func (export "statics") (param $v i32) (result i32)
 *     (i32.store offset=4 (i32.const 16) (local.get $v))
 *     (i32.load offset=4 (i32.const 16)))
 *   (func (export "far") (result i32)
 *     (i32.load offset=1 (i32.const -1)))
 *   (func (export "field") (param $x i32) (result i32)
 *     (i32.and (i32.shr_u (local.get $x) (i32.const 4)) (i32.const 0xff)))
 *   (func (export "ring") (param $i i32) (result i32)
 *     (i32.and (i32.add (local.get $i) (i32.const 1)) (i32.const 15)))
 *   (func (export "nibble") (param $x i32) (result i32)
 *     (i32.and (i32.const 0xf0) (i32.shl (local.get $x) (i32.const 36))))
 *   (func (export "dot") (param $p i32) (param $q i32) (result f64)
 *     (f64.mul (f64.load offset=8 (local.get $p))
 *              (f64.load offset=4 (i32.add (local.get $q) (i32.const 16)))))
 *   (func (export "residual") (param $x f64) (param $y f64) (param $z f64) (result f64)
 *     (f64.sub (local.get $z) (f64.mul (local.get $x) (local.get $y))))
 *   (func (export "scaled_sum") (param $x f64) (param $y f64) (param $z f64) (result f64)
 *     (f64.mul (f64.add (local.get $x) (local.get $y)) (local.get $z)))
 *   (func (export "push") (param $sp i32) (param $i i32) (param $x i32)
 *     (i32.store offset=16 (i32.add (local.get $sp) (i32.shl (local.get $i) (i32.const 2)))
 *                (i32.mul (local.get $x) (i32.const 5))))
 *   (func (export "stale_base") (param $p i32) (param $v i32)
 *     (i32.store (i32.add (local.get $p) (i32.const 8))
 *                (i32.add (local.tee $p (i32.const 100)) (local.get $v))))
 *   (func (export "lea") (param $a i32) (param $b i32) (result i32) (local $q i32)
 *     (local.set $q (i32.add (i32.add (local.get $a) (i32.shl (local.get $b) (i32.const 3)))
 *                            (i32.const 12)))
 *     (local.get $q))
 *   (func (export "count_nonzero") (param $p i32) (result i32) (local $n i32)
 *     (block $done
 *       (loop $l
 *         (br_if $done (i32.eqz (i32.load8_u offset=1 (local.get $p))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 1)))
 *         (local.set $n (i32.add (local.get $n) (i32.const 1)))
 *         (br $l)))
 *     (local.get $n))
 *   (func (export "list_length") (param $node i32) (result i32) (local $n i32)
 *     (loop $l
 *       (local.set $n (i32.add (local.get $n) (i32.const 1)))
 *       (br_if $l (local.tee $node (i32.load offset=20 (local.get $node)))))
 *     (local.get $n))
 *   (func (export "clamp_low") (param $x i32) (param $lo i32) (result i32)
 *     (select (local.get $lo) (local.get $x) (i32.lt_s (local.get $x) (local.get $lo))))
 *   (func (export "collatz_step") (param $n i32) (result i32)
 *     (select (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.const 1))
 *             (i32.shr_u (local.get $n) (i32.const 1))
 *             (i32.and (local.get $n) (i32.const 1))))
 *   (func (export "pick_zero") (param $x i32) (param $a i64) (param $b i64) (result i64)
 *     (select (local.get $a) (local.get $b) (i32.eqz (local.get $x))))
 *   (func (export "below_100") (param $a i64) (param $b i64) (result i64)
 *     (select (local.get $a) (local.get $b) (i64.lt_u (local.get $a) (i64.const 100))))
 *   (func (export "hash_step") (param $h i32) (param $c i32) (result i32)
 *     (i32.add (i32.mul (local.get $h) (i32.const 33)) (local.get $c)))
 *   (func (export "index2d") (param $i i32) (param $n i32) (param $j i32) (result i32)
 *     (i32.add (local.get $j) (i32.mul (local.get $i) (local.get $n))))
 *   (func (export "low_byte_is") (param $x i32) (param $b i32) (result i32)
 *     (if (result i32) (i32.eq (local.get $b) (i32.and (local.get $x) (i32.const 255)))
 *       (then (i32.const 1)) (else (i32.const 0))))
 *   (func (export "field_is_5") (param $x i32) (result i32)
 *     (block $no
 *       (br_if $no (i32.ne (i32.and (local.get $x) (i32.const 0xf0)) (i32.const 0x50)))
 *       (return (i32.const 1)))
 *     (i32.const 0))
 *   (func (export "rotate") (param $n i32) (result i32) (local $a i32) (local $b i32)
 *     (local $t i32)
 *     (local.set $a (i32.const 1))
 *     (block $done
 *       (loop $l
 *         (br_if $done (i32.eqz (local.get $n)))
 *         (local.set $n (i32.add (local.get $n) (i32.const -1)))
 *         (local.set $t (i32.add (local.get $a) (local.get $b)))
 *         (local.set $b (local.get $a))
 *         (local.set $a (local.get $t))
 *         (br $l)))
 *     (local.get $a))
 *   (func (export "guarded_sum") (param $n i32) (result i32) (local $acc i32)
 *     (block $done
 *       (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
 *       (local.set $acc (i32.const 0))
 *       (if (i32.eq (local.get $n) (i32.const 1))
 *         (then (local.set $acc (i32.const 0))))
 *       (loop $l
 *         (local.set $acc (i32.add (local.get $acc) (local.get $n)))
 *         (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
 *     (local.get $acc)))
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "wvm.h"
#include "module_env.h"
#include "values.h"
#include "../loader/module.h"
#include "../vm/code.h"

static const uint8_t wasm_fuse[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x56, 0x0f, 0x60,
  0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x03,
  0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7e, 0x01,
  0x7e, 0x60, 0x01, 0x7c, 0x01, 0x7c, 0x60, 0x02, 0x7e, 0x7e, 0x01, 0x7e,
  0x60, 0x02, 0x7c, 0x7f, 0x01, 0x7c, 0x60, 0x02, 0x7f, 0x7c, 0x01, 0x7c,
  0x60, 0x00, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7c, 0x60, 0x03,
  0x7c, 0x7c, 0x7c, 0x01, 0x7c, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x03,
  0x7f, 0x7e, 0x7e, 0x01, 0x7e, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
  0x03, 0x25, 0x24, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x01, 0x00, 0x01,
  0x06, 0x07, 0x00, 0x08, 0x01, 0x09, 0x01, 0x01, 0x01, 0x0a, 0x0b, 0x0b,
  0x02, 0x0c, 0x00, 0x01, 0x01, 0x00, 0x01, 0x0d, 0x06, 0x00, 0x0e, 0x00,
  0x01, 0x01, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0xf1, 0x02, 0x25,
  0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x07, 0x6c, 0x6f, 0x61, 0x64, 0x5f,
  0x73, 0x78, 0x00, 0x00, 0x07, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x73, 0x69,
  0x00, 0x01, 0x08, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f, 0x73, 0x78, 0x00,
  0x02, 0x08, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f, 0x6b, 0x69, 0x00, 0x03,
  0x03, 0x6d, 0x69, 0x78, 0x00, 0x04, 0x04, 0x68, 0x61, 0x6c, 0x66, 0x00,
  0x05, 0x04, 0x7a, 0x65, 0x72, 0x6f, 0x00, 0x06, 0x06, 0x73, 0x74, 0x72,
  0x69, 0x64, 0x65, 0x00, 0x07, 0x08, 0x78, 0x6f, 0x72, 0x73, 0x68, 0x69,
  0x66, 0x74, 0x00, 0x08, 0x04, 0x70, 0x61, 0x63, 0x6b, 0x00, 0x09, 0x05,
  0x73, 0x63, 0x61, 0x6c, 0x65, 0x00, 0x0a, 0x06, 0x73, 0x75, 0x6d, 0x5f,
  0x61, 0x74, 0x00, 0x0b, 0x04, 0x64, 0x69, 0x66, 0x66, 0x00, 0x0c, 0x07,
  0x73, 0x74, 0x61, 0x74, 0x69, 0x63, 0x73, 0x00, 0x0d, 0x03, 0x66, 0x61,
  0x72, 0x00, 0x0e, 0x05, 0x66, 0x69, 0x65, 0x6c, 0x64, 0x00, 0x0f, 0x04,
  0x72, 0x69, 0x6e, 0x67, 0x00, 0x10, 0x06, 0x6e, 0x69, 0x62, 0x62, 0x6c,
  0x65, 0x00, 0x11, 0x03, 0x64, 0x6f, 0x74, 0x00, 0x12, 0x08, 0x72, 0x65,
  0x73, 0x69, 0x64, 0x75, 0x61, 0x6c, 0x00, 0x13, 0x0a, 0x73, 0x63, 0x61,
  0x6c, 0x65, 0x64, 0x5f, 0x73, 0x75, 0x6d, 0x00, 0x14, 0x04, 0x70, 0x75,
  0x73, 0x68, 0x00, 0x15, 0x0a, 0x73, 0x74, 0x61, 0x6c, 0x65, 0x5f, 0x62,
  0x61, 0x73, 0x65, 0x00, 0x16, 0x03, 0x6c, 0x65, 0x61, 0x00, 0x17, 0x0d,
  0x63, 0x6f, 0x75, 0x6e, 0x74, 0x5f, 0x6e, 0x6f, 0x6e, 0x7a, 0x65, 0x72,
  0x6f, 0x00, 0x18, 0x0b, 0x6c, 0x69, 0x73, 0x74, 0x5f, 0x6c, 0x65, 0x6e,
  0x67, 0x74, 0x68, 0x00, 0x19, 0x09, 0x63, 0x6c, 0x61, 0x6d, 0x70, 0x5f,
  0x6c, 0x6f, 0x77, 0x00, 0x1a, 0x0c, 0x63, 0x6f, 0x6c, 0x6c, 0x61, 0x74,
  0x7a, 0x5f, 0x73, 0x74, 0x65, 0x70, 0x00, 0x1b, 0x09, 0x70, 0x69, 0x63,
  0x6b, 0x5f, 0x7a, 0x65, 0x72, 0x6f, 0x00, 0x1c, 0x09, 0x62, 0x65, 0x6c,
  0x6f, 0x77, 0x5f, 0x31, 0x30, 0x30, 0x00, 0x1d, 0x09, 0x68, 0x61, 0x73,
  0x68, 0x5f, 0x73, 0x74, 0x65, 0x70, 0x00, 0x1e, 0x07, 0x69, 0x6e, 0x64,
  0x65, 0x78, 0x32, 0x64, 0x00, 0x1f, 0x0b, 0x6c, 0x6f, 0x77, 0x5f, 0x62,
  0x79, 0x74, 0x65, 0x5f, 0x69, 0x73, 0x00, 0x20, 0x0a, 0x66, 0x69, 0x65,
  0x6c, 0x64, 0x5f, 0x69, 0x73, 0x5f, 0x35, 0x00, 0x21, 0x06, 0x72, 0x6f,
  0x74, 0x61, 0x74, 0x65, 0x00, 0x22, 0x0b, 0x67, 0x75, 0x61, 0x72, 0x64,
  0x65, 0x64, 0x5f, 0x73, 0x75, 0x6d, 0x00, 0x23, 0x0a, 0xc2, 0x05, 0x24,
  0x10, 0x00, 0x20, 0x00, 0x20, 0x01, 0x41, 0x02, 0x74, 0x6a, 0x41, 0x08,
  0x6a, 0x28, 0x02, 0x04, 0x0b, 0x0d, 0x00, 0x20, 0x00, 0x41, 0x03, 0x74,
  0x41, 0x10, 0x6a, 0x28, 0x02, 0x00, 0x0b, 0x0f, 0x00, 0x20, 0x01, 0x41,
  0x02, 0x74, 0x20, 0x00, 0x6a, 0x20, 0x02, 0x36, 0x02, 0x00, 0x0b, 0x14,
  0x00, 0x20, 0x00, 0x41, 0x04, 0x6a, 0x42, 0x7f, 0x37, 0x03, 0x08, 0x20,
  0x00, 0x41, 0xff, 0x03, 0x3a, 0x00, 0x00, 0x0b, 0x17, 0x00, 0x20, 0x00,
  0x42, 0x95, 0xf8, 0xa9, 0xfa, 0x97, 0xb7, 0xde, 0x9b, 0x9e, 0x7f, 0x7e,
  0x42, 0x89, 0xcf, 0x95, 0x9a, 0x12, 0x7d, 0x0b, 0x18, 0x00, 0x20, 0x00,
  0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40, 0xa2, 0x44, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0xa3, 0x0b, 0x26, 0x01, 0x02,
  0x7f, 0x41, 0x00, 0x21, 0x01, 0x03, 0x40, 0x20, 0x01, 0x20, 0x00, 0x6a,
  0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x20, 0x00, 0x0d,
  0x00, 0x0b, 0x41, 0x00, 0x21, 0x02, 0x20, 0x01, 0x20, 0x02, 0x6a, 0x0b,
  0x1c, 0x01, 0x02, 0x7f, 0x03, 0x40, 0x20, 0x03, 0x41, 0x01, 0x6a, 0x21,
  0x03, 0x20, 0x02, 0x20, 0x01, 0x6a, 0x22, 0x02, 0x20, 0x00, 0x49, 0x0d,
  0x00, 0x0b, 0x20, 0x03, 0x0b, 0x1e, 0x00, 0x20, 0x00, 0x20, 0x00, 0x41,
  0x0d, 0x74, 0x73, 0x21, 0x00, 0x20, 0x00, 0x41, 0x11, 0x76, 0x20, 0x00,
  0x73, 0x21, 0x00, 0x20, 0x00, 0x20, 0x00, 0x41, 0x05, 0x74, 0x73, 0x0b,
  0x0b, 0x00, 0x20, 0x01, 0x20, 0x00, 0x42, 0xe0, 0x00, 0x86, 0x84, 0x0b,
  0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0x2b, 0x03, 0x28, 0xa2, 0x0b, 0x0d,
  0x00, 0x20, 0x00, 0x41, 0x08, 0x6a, 0x28, 0x02, 0x04, 0x20, 0x01, 0x6a,
  0x0b, 0x0a, 0x00, 0x20, 0x00, 0x2b, 0x03, 0x00, 0x20, 0x01, 0xa1, 0x0b,
  0x0e, 0x00, 0x41, 0x10, 0x20, 0x00, 0x36, 0x02, 0x04, 0x41, 0x10, 0x28,
  0x02, 0x04, 0x0b, 0x07, 0x00, 0x41, 0x7f, 0x28, 0x02, 0x01, 0x0b, 0x0b,
  0x00, 0x20, 0x00, 0x41, 0x04, 0x76, 0x41, 0xff, 0x01, 0x71, 0x0b, 0x0a,
  0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x41, 0x0f, 0x71, 0x0b, 0x0b, 0x00,
  0x41, 0xf0, 0x01, 0x20, 0x00, 0x41, 0x24, 0x74, 0x71, 0x0b, 0x10, 0x00,
  0x20, 0x00, 0x2b, 0x03, 0x08, 0x20, 0x01, 0x41, 0x10, 0x6a, 0x2b, 0x03,
  0x04, 0xa2, 0x0b, 0x0a, 0x00, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0xa2,
  0xa1, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0xa0, 0x20, 0x02, 0xa2,
  0x0b, 0x12, 0x00, 0x20, 0x00, 0x20, 0x01, 0x41, 0x02, 0x74, 0x6a, 0x20,
  0x02, 0x41, 0x05, 0x6c, 0x36, 0x02, 0x10, 0x0b, 0x12, 0x00, 0x20, 0x00,
  0x41, 0x08, 0x6a, 0x41, 0xe4, 0x00, 0x22, 0x00, 0x20, 0x01, 0x6a, 0x36,
  0x02, 0x00, 0x0b, 0x13, 0x01, 0x01, 0x7f, 0x20, 0x00, 0x20, 0x01, 0x41,
  0x03, 0x74, 0x6a, 0x41, 0x0c, 0x6a, 0x21, 0x02, 0x20, 0x02, 0x0b, 0x24,
  0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x2d, 0x00, 0x01,
  0x45, 0x0d, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00, 0x20, 0x01,
  0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b,
  0x19, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21,
  0x01, 0x20, 0x00, 0x28, 0x02, 0x14, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20,
  0x01, 0x0b, 0x0c, 0x00, 0x20, 0x01, 0x20, 0x00, 0x20, 0x00, 0x20, 0x01,
  0x48, 0x1b, 0x0b, 0x15, 0x00, 0x20, 0x00, 0x41, 0x03, 0x6c, 0x41, 0x01,
  0x6a, 0x20, 0x00, 0x41, 0x01, 0x76, 0x20, 0x00, 0x41, 0x01, 0x71, 0x1b,
  0x0b, 0x0a, 0x00, 0x20, 0x01, 0x20, 0x02, 0x20, 0x00, 0x45, 0x1b, 0x0b,
  0x0d, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x00, 0x42, 0xe4, 0x00, 0x54,
  0x1b, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x41, 0x21, 0x6c, 0x20, 0x01, 0x6a,
  0x0b, 0x0a, 0x00, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0x6c, 0x6a, 0x0b,
  0x13, 0x00, 0x20, 0x01, 0x20, 0x00, 0x41, 0xff, 0x01, 0x71, 0x46, 0x04,
  0x7f, 0x41, 0x01, 0x05, 0x41, 0x00, 0x0b, 0x0b, 0x16, 0x00, 0x02, 0x40,
  0x20, 0x00, 0x41, 0xf0, 0x01, 0x71, 0x41, 0xd0, 0x00, 0x47, 0x0d, 0x00,
  0x41, 0x01, 0x0f, 0x0b, 0x41, 0x00, 0x0b, 0x2d, 0x01, 0x03, 0x7f, 0x41,
  0x01, 0x21, 0x01, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x01,
  0x20, 0x00, 0x41, 0x7f, 0x6a, 0x21, 0x00, 0x20, 0x01, 0x20, 0x02, 0x6a,
  0x21, 0x03, 0x20, 0x01, 0x21, 0x02, 0x20, 0x03, 0x21, 0x01, 0x0c, 0x00,
  0x0b, 0x0b, 0x20, 0x01, 0x0b, 0x33, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x20,
  0x00, 0x41, 0x00, 0x4c, 0x0d, 0x00, 0x41, 0x00, 0x21, 0x01, 0x20, 0x00,
  0x41, 0x01, 0x46, 0x04, 0x40, 0x41, 0x00, 0x21, 0x01, 0x0b, 0x03, 0x40,
  0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b,
  0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b
};

/* ---- helpers ---- */

static vm_code *vf_translate(wasm_module *m, uint32_t func_index)
{
    return module_translate(wasm_fuse, sizeof wasm_fuse, func_index, VM_METER_OFF, NULL, m);
}

/* The opcodes of code's instructions, in order, into ops (at most cap); returns the count.
 * A pair opcode (vm/pairs.h, tested in test_vm_pair.c) counts as its first instruction. */
static size_t vf_ops(const vm_code *code, vm_opcode *ops, size_t cap)
{
    size_t n = 0;
    uint32_t pc = 0;
    while (pc < code->nwords) {
        uint32_t op = code->words[pc];
        cr_assert_lt(op, VM_OP_COUNT);
        cr_assert_lt(n, cap);
        ops[n++] = vm_op_unpaired(op);
        uint32_t w = pc + 1;
        for (const char *f = vm_op_format[op]; *f; f++)
            w += *f == 'l' ? 2 : *f == 'T' ? 2 + code->words[w] : 1;
        pc = w;
    }
    return n;
}

/* Function func_index translates to exactly the instructions want (nwant of them). */
static void vf_expect_ops(uint32_t func_index, const vm_opcode *want, size_t nwant)
{
    wasm_module m;
    vm_code *code = vf_translate(&m, func_index);
    vm_opcode ops[32];
    size_t n = vf_ops(code, ops, 32);
    bool same = n == nwant && memcmp(ops, want, n * sizeof *ops) == 0;
    if (!same)
        vm_code_dump(code, stderr);
    vm_code_free(code);
    loader_free(&m);
    cr_assert(same, "function %u: unexpected code (dumped above)", func_index);
}

/* Function func_index translates to code with exactly `want` instructions `op`. */
static void vf_expect_count(uint32_t func_index, vm_opcode op, size_t want)
{
    wasm_module m;
    vm_code *code = vf_translate(&m, func_index);
    vm_opcode ops[32];
    size_t n = vf_ops(code, ops, 32), count = 0;
    for (size_t i = 0; i < n; i++)
        count += ops[i] == op;
    if (count != want)
        vm_code_dump(code, stderr);
    vm_code_free(code);
    loader_free(&m);
    cr_assert_eq(count, want, "function %u: %zu %s, want %zu (code dumped above)", func_index,
                 count, vm_op_name[op], want);
}

typedef module_env vf_env;

/* Instantiates the module in a new store whose engine meters as `metering`. */
static void vf_open_metered(vf_env *e, wvm_meter_mode metering)
{
    module_env_open(e, wasm_fuse, sizeof wasm_fuse, metering);
}

static void vf_open(vf_env *e)
{
    vf_open_metered(e, WVM_METER_OFF);
}

static void vf_close(vf_env *e)
{
    module_env_close(e);
}

/* Calls export name; returns its status (results into r when it has one). */
static wvm_status vf_call(vf_env *e, const char *name, const wvm_val *args, size_t nargs,
                          wvm_val *r, size_t nr)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    wvm_error err;
    memset(&err, 0, sizeof err);
    return wvm_func_call(e->store, ext.of.func, args, nargs, r, nr, &err);
}

/* The module offset of the only instruction encoded as bytes[0..n). */
static size_t vf_offset_of(const uint8_t *bytes, size_t n)
{
    return module_offset_of(wasm_fuse, sizeof wasm_fuse, bytes, n);
}

/* Calls export name expecting a trap with code `trap` at module offset `offset`. */
static void vf_expect_trap(vf_env *e, const char *name, const wvm_val *args, size_t nargs,
                           wvm_trap_code trap, size_t offset)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_val r;
    cr_assert_eq(wvm_func_call(e->store, ext.of.func, args, nargs, &r, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, trap);
    cr_assert_eq(err.offset, (uint64_t)offset, "%s: trap at %#llx, want %#zx", name,
                 (unsigned long long)err.offset, offset);
}

/* The u32 in memory at addr. */
static uint32_t vf_u32_at(const vf_env *e, uint32_t addr)
{
    uint32_t v;
    memcpy(&v, e->mem + addr, sizeof v);
    return v;
}

/* ---- tests ---- */

/* base + (i << 2) + 8 feeding a load: one load_sx, no shift or adds. */
Test(vm_fuse, load_scaled_index)
{
    static const vm_opcode want[] = {VM_OP_i32_load_sx, VM_OP_ret1};
    vf_expect_ops(0, want, 2);
    vf_env e;
    vf_open(&e);
    uint32_t v = 0x11223344;
    memcpy(e.mem + 100 + 3 * 4 + 8 + 4, &v, 4);
    wvm_val args[2] = {val_i32(100), val_i32(3)}, r;
    cr_assert_eq(vf_call(&e, "load_sx", args, 2, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, v);
    /* the sum wraps at 32 bits before the offset is added: -12 + 4 + 8 = 0, then + 4 */
    memcpy(e.mem + 4, &v, 4);
    args[0] = val_i32(-12);
    args[1] = val_i32(1);
    cr_assert_eq(vf_call(&e, "load_sx", args, 2, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, v);
    /* past the end: a trap, not a wrapped access */
    args[0] = val_i32(65536 - 12);
    args[1] = val_i32(0);
    cr_assert_eq(vf_call(&e, "load_sx", args, 2, &r, 1), WVM_ERR_TRAP);
    vf_close(&e);
}

/* (i << 3) + 16 feeding a load: one load_si. */
Test(vm_fuse, load_static_array)
{
    static const vm_opcode want[] = {VM_OP_i32_load_si, VM_OP_ret1};
    vf_expect_ops(1, want, 2);
    vf_env e;
    vf_open(&e);
    uint32_t v = 0xcafe;
    memcpy(e.mem + 16 + 5 * 8, &v, 4);
    wvm_val arg = val_i32(5), r;
    cr_assert_eq(vf_call(&e, "load_si", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, v);
    /* (0x20000000 << 3) wraps to 0 */
    memcpy(e.mem + 16, &v, 4);
    arg = val_i32(0x20000000);
    cr_assert_eq(vf_call(&e, "load_si", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, v);
    vf_close(&e);
}

/* (i << 2) + base as a store's address, the shifted operand first: one store_sx. */
Test(vm_fuse, store_scaled_index)
{
    static const vm_opcode want[] = {VM_OP_i32_store_sx, VM_OP_ret};
    vf_expect_ops(2, want, 2);
    vf_env e;
    vf_open(&e);
    wvm_val args[3] = {val_i32(200), val_i32(7), val_i32(0x5a5a5a5a)};
    cr_assert_eq(vf_call(&e, "store_sx", args, 3, NULL, 0), WVM_OK);
    cr_assert_eq(vf_u32_at(&e, 200 + 28), 0x5a5a5a5a);
    vf_close(&e);
}

/* Stores of constants: the value is an immediate (sign-extended for i64, truncated by
 * store8), no const instruction. */
Test(vm_fuse, store_constant)
{
    static const vm_opcode want[] = {VM_OP_i64_store_ki, VM_OP_i32_store8_ki, VM_OP_ret};
    vf_expect_ops(3, want, 3);
    vf_env e;
    vf_open(&e);
    memset(e.mem + 300, 0x77, 32);
    wvm_val arg = val_i32(300);
    cr_assert_eq(vf_call(&e, "store_ki", &arg, 1, NULL, 0), WVM_OK);
    uint64_t w;
    memcpy(&w, e.mem + 312, 8);
    cr_assert_eq(w, UINT64_MAX);
    cr_assert_eq(e.mem[300], 0xff);
    cr_assert_eq(e.mem[301], 0x77);
    cr_assert_eq(e.mem[311], 0x77);
    cr_assert_eq(e.mem[320], 0x77);
    vf_close(&e);
}

/* 64-bit constants that do not fit an imm32 are immediates of the operator (x - c as
 * x + -c), for i64 and f64 alike. */
Test(vm_fuse, long_immediates)
{
    static const vm_opcode mix[] = {VM_OP_i64_mul_l, VM_OP_i64_add_l, VM_OP_ret1};
    static const vm_opcode half[] = {VM_OP_f64_mul_l, VM_OP_f64_div_l, VM_OP_ret1};
    vf_expect_ops(4, mix, 3);
    vf_expect_ops(5, half, 3);
    vf_env e;
    vf_open(&e);
    wvm_val arg, r;
    memset(&arg, 0, sizeof arg);
    arg.kind = WVM_I64;
    arg.of.i64 = 12345;
    cr_assert_eq(vf_call(&e, "mix", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq((uint64_t)r.of.i64,
                 UINT64_C(12345) * UINT64_C(0x9e3779b97f4a7c15) - UINT64_C(0x123456789));
    arg.kind = WVM_F64;
    arg.of.f64 = 5.0;
    cr_assert_eq(vf_call(&e, "half", &arg, 1, &r, 1), WVM_OK);
    cr_assert(r.of.f64 == 7.5);
    vf_close(&e);
}

/* Zero written to a declared local before the first label emits nothing (every call starts
 * it at zero); after a label it is a real write. */
Test(vm_fuse, zero_locals)
{
    vf_expect_count(6, VM_OP_const32, 1); /* the write of $k after the loop */
    vf_env e;
    vf_open(&e);
    wvm_val arg = val_i32(4), r;
    for (int k = 0; k < 2; k++) { /* the second call sees fresh zero locals too */
        cr_assert_eq(vf_call(&e, "zero", &arg, 1, &r, 1), WVM_OK);
        cr_assert_eq(r.of.i32, 10);
    }
    vf_close(&e);
}

/* Locals stay known to be zero past the start of a block or an if arm and past a br_if (only
 * joins forget it): writes of zero there emit nothing. */
Test(vm_fuse, zero_locals_past_forward_branches)
{
    vf_expect_count(35, VM_OP_const32, 0);
    vf_env e;
    vf_open(&e);
    static const int32_t args[][2] = {{4, 10}, {1, 1}, {0, 0}, {-3, 0}};
    for (int k = 0; k < 2; k++) /* the second round starts from fresh zero locals too */
        for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
            wvm_val arg = val_i32(args[i][0]), r;
            cr_assert_eq(vf_call(&e, "guarded_sum", &arg, 1, &r, 1), WVM_OK);
            cr_assert_eq(r.of.i32, args[i][1], "guarded_sum(%d)", args[i][0]);
        }
    vf_close(&e);
}

/* i += k; if (i < n) loop: the add of two slots joins the compare-and-branch after it (its
 * _radd form), which writes the sum to the local before comparing it; the sum wraps at 32
 * bits. */
Test(vm_fuse, register_step_joins_branch)
{
    static const vm_opcode stride[] = {VM_OP_i32_add_imm, VM_OP_br_i32_lt_u_radd, VM_OP_ret1};
    vf_expect_ops(7, stride, 3);
    wasm_module m;
    vm_code *code = vf_translate(&m, 7);
    const uint32_t *br = &code->words[4]; /* after the 4-word add_imm */
    cr_assert_eq(br[1], 2, "destination r%u, want the local $i (r2)", br[1]);
    cr_assert_eq(br[2], 2);
    cr_assert_eq(br[3], 1, "step r%u, want the parameter $k (r1)", br[3]);
    cr_assert_eq(br[4], 0, "bound r%u, want the parameter $n (r0)", br[4]);
    vm_code_free(code);
    loader_free(&m);

    vf_env e;
    vf_open(&e);
    static const struct {
        int32_t n, k, want;
    } cases[] = {
        {10, 3, 4},          /* i = 3, 6, 9, 12 */
        {10, 20, 1},         /* the first step already passes n */
        /* n = 0xa0000000, k = 0x90000000: i = 0x90000000, then 0x20000000 (the sum wraps;
         * unwrapped it would end the loop), then 0xb0000000 */
        {(int32_t)0xa0000000u, (int32_t)0x90000000u, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wvm_val args[2] = {val_i32(cases[i].n), val_i32(cases[i].k)}, r;
        cr_assert_eq(vf_call(&e, "stride", args, 2, &r, 1), WVM_OK);
        cr_assert_eq(r.of.i32, cases[i].want, "stride(%d, %d) = %d, want %d", cases[i].n,
                     cases[i].k, r.of.i32, cases[i].want);
    }
    vf_close(&e);
}

/* x ^= x << 13; x ^= x >> 17 (the shift on the left); x ^ (x << 5): each shift joins the
 * xor; and an i64 shift count of 96 is taken modulo 64, as by i64.shl. */
Test(vm_fuse, shift_joins_operator)
{
    static const vm_opcode xorshift[] = {VM_OP_i32_xor_shl, VM_OP_i32_xor_shr_u,
                                         VM_OP_i32_xor_shl, VM_OP_ret1};
    static const vm_opcode pack[] = {VM_OP_i64_or_shl, VM_OP_ret1};
    vf_expect_ops(8, xorshift, 4);
    vf_expect_ops(9, pack, 2);
    vf_env e;
    vf_open(&e);
    uint32_t x = 0x12345678u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    wvm_val arg = val_i32(0x12345678), r;
    cr_assert_eq(vf_call(&e, "xorshift", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, x, "xorshift: %#x, want %#x", (uint32_t)r.of.i32, x);
    wvm_val args[2];
    memset(args, 0, sizeof args);
    args[0].kind = args[1].kind = WVM_I64;
    args[0].of.i64 = 0x7;
    args[1].of.i64 = 0x5;
    cr_assert_eq(vf_call(&e, "pack", args, 2, &r, 1), WVM_OK);
    cr_assert_eq((uint64_t)r.of.i64, (UINT64_C(7) << 32) | 5);
    vf_close(&e);
}

/* A load feeding an operator becomes the operator's memory operand: the right operand, or
 * either for a commutative integer operator (the load keeps its address form); not the left
 * operand of f64.sub. A fused access out of bounds traps at the load's offset. */
Test(vm_fuse, load_joins_operator)
{
    static const vm_opcode scale[] = {VM_OP_f64_mul_m, VM_OP_ret1};
    static const vm_opcode sum_at[] = {VM_OP_i32_add_m, VM_OP_ret1};
    static const vm_opcode diff[] = {VM_OP_f64_load, VM_OP_f64_sub, VM_OP_ret1};
    vf_expect_ops(10, scale, 2);
    vf_expect_ops(11, sum_at, 2);
    vf_expect_ops(12, diff, 3);

    vf_env e;
    vf_open(&e);
    double f = 2.5;
    memcpy(e.mem + 48, &f, sizeof f);
    uint32_t v = 0x11223344u;
    memcpy(e.mem + 112, &v, sizeof v);
    f = 5.0;
    memcpy(e.mem + 200, &f, sizeof f);
    wvm_val args[2] = {val_f64(4.0), val_i32(8)}, r;
    cr_assert_eq(vf_call(&e, "scale", args, 2, &r, 1), WVM_OK);
    cr_assert(r.of.f64 == 10.0, "scale: %g", r.of.f64);
    args[0] = val_i32(100);
    args[1] = val_i32(7);
    cr_assert_eq(vf_call(&e, "sum_at", args, 2, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, 0x1122334bu);
    args[0] = val_i32(200);
    args[1] = val_f64(1.5);
    cr_assert_eq(vf_call(&e, "diff", args, 2, &r, 1), WVM_OK);
    cr_assert(r.of.f64 == 3.5, "diff: %g", r.of.f64);

    /* p + 40 = 65529: the 8 bytes end past the 64 KiB memory */
    static const uint8_t load_bytes[] = {0x2b, 0x03, 0x28}; /* f64.load align=3 offset=40 */
    args[0] = val_f64(1.0);
    args[1] = val_i32(65489);
    vf_expect_trap(&e, "scale", args, 2, WVM_TRAP_MEMORY_OUT_OF_BOUNDS,
                   vf_offset_of(load_bytes, sizeof load_bytes));
    vf_close(&e);
}

/* A constant address is an immediate of the load or store (id_k); the offset is added to it
 * without wrapping, so -1 + 1 is out of bounds rather than address 0. */
Test(vm_fuse, constant_address)
{
    static const vm_opcode statics[] = {VM_OP_i32_store_k, VM_OP_i32_load_k, VM_OP_ret1};
    static const vm_opcode far[] = {VM_OP_i32_load_k, VM_OP_ret1};
    vf_expect_ops(13, statics, 3);
    vf_expect_ops(14, far, 2);
    vf_env e;
    vf_open(&e);
    wvm_val arg = val_i32(-123456), r;
    cr_assert_eq(vf_call(&e, "statics", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, -123456);
    int32_t stored;
    memcpy(&stored, e.mem + 20, sizeof stored);
    cr_assert_eq(stored, -123456);
    cr_assert_eq(vf_call(&e, "far", NULL, 0, &r, 1), WVM_ERR_TRAP);
    vf_close(&e);
}

/* (x >> 4) & 0xff, (i + 1) & 15 and 0xf0 & (x << 36): the and of a constant joins the
 * operator before it, the mask on either side; the shift count is taken modulo 32. */
Test(vm_fuse, mask_joins_operator)
{
    static const vm_opcode field[] = {VM_OP_i32_shr_u_and, VM_OP_ret1};
    static const vm_opcode ring[] = {VM_OP_i32_add_and, VM_OP_ret1};
    static const vm_opcode nibble[] = {VM_OP_i32_shl_and, VM_OP_ret1};
    vf_expect_ops(15, field, 2);
    vf_expect_ops(16, ring, 2);
    vf_expect_ops(17, nibble, 2);
    vf_env e;
    vf_open(&e);
    wvm_val arg = val_i32((int32_t)0xdeadbeefu), r;
    cr_assert_eq(vf_call(&e, "field", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 0xee);
    arg = val_i32(15);
    cr_assert_eq(vf_call(&e, "ring", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 0);
    arg = val_i32(0x1b);
    cr_assert_eq(vf_call(&e, "nibble", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 0xb0);
    vf_close(&e);
}

/* Two loads in a row feeding one operator: one id_mm instruction, which reports the trap of
 * either load at that load's own offset. */
Test(vm_fuse, two_loads_join_operator)
{
    static const vm_opcode dot[] = {VM_OP_f64_mul_mm, VM_OP_ret1};
    vf_expect_ops(18, dot, 2);
    vf_env e;
    vf_open(&e);
    double x = 2.5, y = -4.0;
    memcpy(e.mem + 108, &x, sizeof x);
    memcpy(e.mem + 220, &y, sizeof y);
    wvm_val args[2] = {val_i32(100), val_i32(200)}, r;
    cr_assert_eq(vf_call(&e, "dot", args, 2, &r, 1), WVM_OK);
    cr_assert(r.of.f64 == -10.0, "dot: %g", r.of.f64);

    static const uint8_t first[] = {0x2b, 0x03, 0x08};  /* f64.load align=3 offset=8 */
    static const uint8_t second[] = {0x2b, 0x03, 0x04}; /* f64.load align=3 offset=4 */
    args[0] = val_i32(65521); /* 65529 + 8 > 65536; the second is out of bounds too */
    args[1] = val_i32(65520);
    vf_expect_trap(&e, "dot", args, 2, WVM_TRAP_MEMORY_OUT_OF_BOUNDS,
                   vf_offset_of(first, sizeof first));
    args[0] = val_i32(0);
    vf_expect_trap(&e, "dot", args, 2, WVM_TRAP_MEMORY_OUT_OF_BOUNDS,
                   vf_offset_of(second, sizeof second));
    args[1] = val_i32(-16); /* q + 16 wraps to 0: the add wraps at 32 bits, as unfused */
    cr_assert_eq(vf_call(&e, "dot", args, 2, &r, 1), WVM_OK);
    vf_close(&e);
}

/* An f64 operator taking the result of the one before (VM_CHAIN): one instruction, in the
 * original operand order, each operation rounded on its own (no fused multiply-add). */
Test(vm_fuse, chained_float_operators)
{
    static const vm_opcode residual[] = {VM_OP_f64_mul_sub_r, VM_OP_ret1};
    static const vm_opcode scaled_sum[] = {VM_OP_f64_add_mul, VM_OP_ret1};
    vf_expect_ops(19, residual, 2);
    vf_expect_ops(20, scaled_sum, 2);
    vf_env e;
    vf_open(&e);
    wvm_val args[3] = {val_f64(2.0), val_f64(3.0), val_f64(10.0)}, r;
    cr_assert_eq(vf_call(&e, "residual", args, 3, &r, 1), WVM_OK);
    cr_assert(r.of.f64 == 4.0, "10 - 2 * 3: %g", r.of.f64);
    /* (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60 rounds to 1: the residual is 0, where a fused
     * multiply-add would give 2^-60 */
    args[0] = val_f64(1.0 + 0x1p-30);
    args[1] = val_f64(1.0 - 0x1p-30);
    args[2] = val_f64(1.0);
    cr_assert_eq(vf_call(&e, "residual", args, 3, &r, 1), WVM_OK);
    cr_assert(r.of.f64 == 0.0, "residual: %a", r.of.f64);
    args[0] = val_f64(1.0);
    args[1] = val_f64(2.0);
    args[2] = val_f64(-4.0);
    cr_assert_eq(vf_call(&e, "scaled_sum", args, 3, &r, 1), WVM_OK);
    cr_assert(r.of.f64 == -12.0, "(1 + 2) * -4: %g", r.of.f64);
    vf_close(&e);
}

/* A store's address computed before its value (a stack push: sp[i] = x * 5) costs no
 * instruction of its own: the store computes it, with the same 32-bit wrap-around. */
Test(vm_fuse, address_waits_for_store)
{
    static const vm_opcode push[] = {VM_OP_i32_mul_imm, VM_OP_i32_store_sx, VM_OP_ret};
    vf_expect_ops(21, push, 3);
    vf_env e;
    vf_open(&e);
    wvm_val args[3] = {val_i32(100), val_i32(3), val_i32(7)};
    cr_assert_eq(vf_call(&e, "push", args, 3, NULL, 0), WVM_OK);
    cr_assert_eq(vf_u32_at(&e, 100 + 3 * 4 + 16), 35);
    args[0] = val_i32(-16); /* -16 + 5 * 4 wraps to 4, then offset 16: address 20 */
    args[1] = val_i32(5);
    args[2] = val_i32(-1);
    cr_assert_eq(vf_call(&e, "push", args, 3, NULL, 0), WVM_OK);
    cr_assert_eq(vf_u32_at(&e, 20), (uint32_t)-5);
    vf_close(&e);
}

/* A deferred address whose local is written before the access is computed first, from the
 * local's old value; arithmetic of three terms into a local is one i32_lea. */
Test(vm_fuse, deferred_address_reads_old_local)
{
    static const vm_opcode stale_base[] = {VM_OP_i32_add_imm, VM_OP_const32, VM_OP_i32_add_imm,
                                           VM_OP_i32_store, VM_OP_ret};
    static const vm_opcode lea[] = {VM_OP_i32_lea, VM_OP_ret1};
    vf_expect_ops(22, stale_base, 5);
    vf_expect_ops(23, lea, 2);
    vf_env e;
    vf_open(&e);
    wvm_val args[2] = {val_i32(200), val_i32(7)}, r;
    cr_assert_eq(vf_call(&e, "stale_base", args, 2, NULL, 0), WVM_OK);
    cr_assert_eq(vf_u32_at(&e, 208), 107, "not stored at the old p + 8");
    cr_assert_eq(vf_u32_at(&e, 108), 0, "stored at the new p + 8");
    args[0] = val_i32(1000);
    args[1] = val_i32(-1); /* 1000 - 8 + 12 */
    cr_assert_eq(vf_call(&e, "lea", args, 2, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 1004);
    vf_close(&e);
}

/* A load whose value a branch tests becomes one instruction: through an i32.eqz (the zero
 * form), and through a local.tee (the loaded value still reaches the local). It traps at the
 * load's offset. */
Test(vm_fuse, branch_tests_loaded_value)
{
    static const vm_opcode count_nonzero[] = {VM_OP_br_i32_load8_u_z, VM_OP_i32_add_imm,
                                              VM_OP_i32_add_imm_br, VM_OP_ret1};
    static const vm_opcode list_length[] = {VM_OP_i32_add_imm, VM_OP_br_i32_load_nz,
                                            VM_OP_ret1};
    vf_expect_ops(24, count_nonzero, 4);
    vf_expect_ops(25, list_length, 3);
    vf_env e;
    vf_open(&e);
    memcpy(e.mem + 600, "abc", 4);
    wvm_val arg = val_i32(599), r;
    cr_assert_eq(vf_call(&e, "count_nonzero", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 3);
    static const uint32_t next[][2] = {{320, 400}, {420, 500}, {520, 0}}; /* node + 20 */
    for (size_t i = 0; i < 3; i++)
        memcpy(e.mem + next[i][0], &next[i][1], 4);
    arg = val_i32(300);
    cr_assert_eq(vf_call(&e, "list_length", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 3);
    static const uint8_t load_bytes[] = {0x28, 0x02, 0x14}; /* i32.load align=2 offset=20 */
    arg = val_i32(65513); /* 65513 + 20 + 4 > 65536 */
    vf_expect_trap(&e, "list_length", &arg, 1, WVM_TRAP_MEMORY_OUT_OF_BOUNDS,
                   vf_offset_of(load_bytes, sizeof load_bytes));
    vf_close(&e);
}

/* A select whose condition the instruction before computed does the comparison (or the bit
 * test) itself; on an i32.eqz it swaps its values. Values still to be computed (deferred
 * arithmetic) come before it. */
Test(vm_fuse, select_takes_condition)
{
    static const vm_opcode clamp_low[] = {VM_OP_select_i32_lt_s, VM_OP_ret1};
    static const vm_opcode collatz_step[] = {VM_OP_i32_mul_imm, VM_OP_i32_shr_u_imm,
                                             VM_OP_i32_add_imm, VM_OP_select_test_imm,
                                             VM_OP_ret1};
    static const vm_opcode pick_zero[] = {VM_OP_select, VM_OP_ret1};
    static const vm_opcode below_100[] = {VM_OP_select_i64_lt_u_imm, VM_OP_ret1};
    vf_expect_ops(26, clamp_low, 2);
    vf_expect_ops(27, collatz_step, 5);
    vf_expect_ops(28, pick_zero, 2);
    vf_expect_ops(29, below_100, 2);
    vf_env e;
    vf_open(&e);
    static const struct {
        int32_t x, lo, want;
    } clamps[] = {{5, 10, 10}, {20, 10, 20}, {-5, 0, 0}, {INT32_MIN, -1, -1}};
    wvm_val args[3], r;
    for (size_t i = 0; i < sizeof clamps / sizeof clamps[0]; i++) {
        args[0] = val_i32(clamps[i].x);
        args[1] = val_i32(clamps[i].lo);
        cr_assert_eq(vf_call(&e, "clamp_low", args, 2, &r, 1), WVM_OK);
        cr_assert_eq(r.of.i32, clamps[i].want, "clamp_low(%d, %d)", clamps[i].x, clamps[i].lo);
    }
    args[0] = val_i32(7);
    cr_assert_eq(vf_call(&e, "collatz_step", args, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 22);
    args[0] = val_i32(6);
    cr_assert_eq(vf_call(&e, "collatz_step", args, 1, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 3);
    args[1] = val_i64(111);
    args[2] = val_i64(222);
    args[0] = val_i32(0);
    cr_assert_eq(vf_call(&e, "pick_zero", args, 3, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i64, 111);
    args[0] = val_i32(5);
    cr_assert_eq(vf_call(&e, "pick_zero", args, 3, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i64, 222);
    args[0] = val_i64(50);
    args[1] = val_i64(-1);
    cr_assert_eq(vf_call(&e, "below_100", args, 2, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i64, 50);
    args[0] = val_i64(-50); /* unsigned: not below 100 */
    cr_assert_eq(vf_call(&e, "below_100", args, 2, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i64, -1);
    vf_close(&e);
}

/* An i32 add of a product (of a slot or an immediate) is one instruction, in either order,
 * wrapping at 32 bits. */
Test(vm_fuse, multiply_add)
{
    static const vm_opcode hash_step[] = {VM_OP_i32_mul_imm_add, VM_OP_ret1};
    static const vm_opcode index2d[] = {VM_OP_i32_mul_add, VM_OP_ret1};
    vf_expect_ops(30, hash_step, 2);
    vf_expect_ops(31, index2d, 2);
    vf_env e;
    vf_open(&e);
    wvm_val args[3] = {val_i32(5381), val_i32('a')}, r;
    cr_assert_eq(vf_call(&e, "hash_step", args, 2, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 5381 * 33 + 'a');
    args[0] = val_i32(INT32_MAX);
    args[1] = val_i32(1);
    cr_assert_eq(vf_call(&e, "hash_step", args, 2, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, (uint32_t)INT32_MAX * 33u + 1u);
    args[0] = val_i32(7);
    args[1] = val_i32(64);
    args[2] = val_i32(5);
    cr_assert_eq(vf_call(&e, "index2d", args, 3, &r, 1), WVM_OK);
    cr_assert_eq(r.of.i32, 7 * 64 + 5);
    vf_close(&e);
}

/* An i32.eq or i32.ne of a masked value (an i32.and of a constant) and a slot or an immediate
 * is one branch, the masked operand on either side; the mask applies before the test. */
Test(vm_fuse, masked_equality_branches)
{
    static const vm_opcode low_byte_is[] = {VM_OP_br_i32_ne_and, VM_OP_const32, VM_OP_br,
                                            VM_OP_const32, VM_OP_ret1};
    static const vm_opcode field_is_5[] = {VM_OP_br_i32_ne_and_imm, VM_OP_const32, VM_OP_ret,
                                           VM_OP_const32, VM_OP_ret};
    vf_expect_ops(32, low_byte_is, 5);
    vf_expect_ops(33, field_is_5, 5);
    vf_env e;
    vf_open(&e);
    static const struct {
        int32_t x, b, want;
    } bytes[] = {{0x1261, 0x61, 1}, {0x1261, 0x1261, 0}, {-1, 255, 1}, {0x100, 0, 1}};
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++) {
        wvm_val args[2] = {val_i32(bytes[i].x), val_i32(bytes[i].b)}, r;
        cr_assert_eq(vf_call(&e, "low_byte_is", args, 2, &r, 1), WVM_OK);
        cr_assert_eq(r.of.i32, bytes[i].want, "low_byte_is(%#x, %#x)", bytes[i].x, bytes[i].b);
    }
    static const struct {
        int32_t x, want;
    } fields[] = {{0x50, 1}, {0x5f, 1}, {0xff5a, 1}, {0x5, 0}, {0x150, 1}, {0x60, 0}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        wvm_val arg = val_i32(fields[i].x), r;
        cr_assert_eq(vf_call(&e, "field_is_5", &arg, 1, &r, 1), WVM_OK);
        cr_assert_eq(r.of.i32, fields[i].want, "field_is_5(%#x)", fields[i].x);
    }
    vf_close(&e);
}

/* Copies or an add of an immediate ending a loop body join its br (copy2_br, i32_add_imm_br;
 * their paying forms when the branch pays the loop's charge): the same results, and the same
 * fuel as charging operator by operator. */
Test(vm_fuse, block_end_joins_branch)
{
    static const vm_opcode rotate[] = {VM_OP_const32, VM_OP_br_ifz, VM_OP_i32_add_imm,
                                       VM_OP_i32_add, VM_OP_copy2_br, VM_OP_ret1};
    vf_expect_ops(34, rotate, 6);
    static const wvm_meter_mode modes[] = {WVM_METER_OFF, WVM_METER_NATIVE,
                                           WVM_METER_REFERENCE};
    enum { CALLS = 5 };
    uint64_t consumed[3][CALLS];
    for (size_t m = 0; m < 3; m++) {
        vf_env e;
        vf_open_metered(&e, modes[m]);
        memcpy(e.mem + 600, "abc\0", 4);
        static const struct {
            const char *name;
            int32_t arg, want;
        } calls[CALLS] = {
            {"rotate", 0, 1}, {"rotate", 1, 1}, {"rotate", 10, 89}, /* F(n + 1) */
            {"count_nonzero", 599, 3}, {"count_nonzero", 602, 0},  /* p[1] onwards */
        };
        for (size_t i = 0; i < CALLS; i++) {
            if (modes[m] != WVM_METER_OFF)
                wvm_store_set_fuel(e.store, 1000000);
            uint64_t before = wvm_store_fuel_consumed(e.store);
            wvm_val arg = val_i32(calls[i].arg), r;
            cr_assert_eq(vf_call(&e, calls[i].name, &arg, 1, &r, 1), WVM_OK);
            cr_assert_eq(r.of.i32, calls[i].want, "%s(%d) in mode %zu", calls[i].name,
                         calls[i].arg, m);
            consumed[m][i] = wvm_store_fuel_consumed(e.store) - before;
        }
        vf_close(&e);
    }
    for (size_t i = 0; i < CALLS; i++)
        cr_assert_eq(consumed[1][i], consumed[2][i], "fuel, call %zu: native %llu, reference %llu",
                     i, (unsigned long long)consumed[1][i], (unsigned long long)consumed[2][i]);
    cr_assert_gt(consumed[1][2], consumed[1][1]); /* the loops are charged */
    cr_assert_gt(consumed[1][3], consumed[1][4]);
}
