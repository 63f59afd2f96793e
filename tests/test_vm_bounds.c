/* Criterion tests of memory bounds at the end of memory (vm/interp.c, EFFECTIVE_ADDRESS): an
 * access whose last byte is the memory's last byte succeeds, and one byte further traps, with
 * nothing written, for every access size and every instruction form of loads and stores (plain,
 * with fused address arithmetic, with a constant address or value, as a memory operand, as a
 * branch on the loaded value). The translated offset word holds the offset of the access's
 * last byte (vmops.def), so these are the edges where an off-by-one would show. Also: offsets
 * so large that no access can be in bounds (a trap instruction in their place), and the
 * largest offsets that can be, at the end of a 4 GiB memory.
 *
 * The modules below were assembled with wat2wasm, then xxd -i:
 *
 * (module
 *   (memory (export "mem") 1)
 *   ;; loads: the address in a parameter (plain form), and as (a - 16) + 16 with offset 16 (_ai)
 *   (func (export "i32_load8_u") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load8_u (local.get $a))))
 *   (func (export "i32_load8_u_ai") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load8_u offset=16 (i32.add (local.get $a) (i32.const -16)))))
 *   (func (export "i32_load16_s") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load16_s (local.get $a))))
 *   (func (export "i32_load16_s_ai") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load16_s offset=16 (i32.add (local.get $a) (i32.const -16)))))
 *   (func (export "i32_load") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load (local.get $a))))
 *   (func (export "i32_load_ai") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load offset=16 (i32.add (local.get $a) (i32.const -16)))))
 *   (func (export "i64_load") (param $a i32) (result i64)
 *     (i64.load (local.get $a)))
 *   (func (export "i64_load_ai") (param $a i32) (result i64)
 *     (i64.load offset=16 (i32.add (local.get $a) (i32.const -16))))
 *   (func (export "f32_load") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.reinterpret_f32 (f32.load (local.get $a)))))
 *   (func (export "f32_load_ai") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.reinterpret_f32
 *       (f32.load offset=16 (i32.add (local.get $a) (i32.const -16))))))
 *   (func (export "f64_load") (param $a i32) (result i64)
 *     (i64.reinterpret_f64 (f64.load (local.get $a))))
 *   (func (export "f64_load_ai") (param $a i32) (result i64)
 *     (i64.reinterpret_f64 (f64.load offset=16 (i32.add (local.get $a) (i32.const -16)))))
 *   (func (export "i64_load32_u") (param $a i32) (result i64)
 *     (i64.load32_u (local.get $a)))
 *   (func (export "i64_load32_u_ai") (param $a i32) (result i64)
 *     (i64.load32_u offset=16 (i32.add (local.get $a) (i32.const -16))))
 *   ;; stores, likewise
 *   (func (export "i32_store8") (param $a i32) (param $v i64)
 *     (i32.store8 (local.get $a) (i32.wrap_i64 (local.get $v))))
 *   (func (export "i32_store8_ai") (param $a i32) (param $v i64)
 *     (i32.store8 offset=16 (i32.add (local.get $a) (i32.const -16))
 *       (i32.wrap_i64 (local.get $v))))
 *   (func (export "i32_store16") (param $a i32) (param $v i64)
 *     (i32.store16 (local.get $a) (i32.wrap_i64 (local.get $v))))
 *   (func (export "i32_store16_ai") (param $a i32) (param $v i64)
 *     (i32.store16 offset=16 (i32.add (local.get $a) (i32.const -16))
 *       (i32.wrap_i64 (local.get $v))))
 *   (func (export "i32_store") (param $a i32) (param $v i64)
 *     (i32.store (local.get $a) (i32.wrap_i64 (local.get $v))))
 *   (func (export "i32_store_ai") (param $a i32) (param $v i64)
 *     (i32.store offset=16 (i32.add (local.get $a) (i32.const -16)) (i32.wrap_i64 (local.get $v))))
 *   (func (export "i64_store") (param $a i32) (param $v i64)
 *     (i64.store (local.get $a) (local.get $v)))
 *   (func (export "i64_store_ai") (param $a i32) (param $v i64)
 *     (i64.store offset=16 (i32.add (local.get $a) (i32.const -16)) (local.get $v)))
 *   (func (export "f64_store") (param $a i32) (param $v i64)
 *     (f64.store (local.get $a) (f64.reinterpret_i64 (local.get $v))))
 *   (func (export "f64_store_ai") (param $a i32) (param $v i64)
 *     (f64.store offset=16 (i32.add (local.get $a) (i32.const -16))
 *       (f64.reinterpret_i64 (local.get $v))))
 *   (func (export "i64_store32") (param $a i32) (param $v i64)
 *     (i64.store32 (local.get $a) (local.get $v)))
 *   (func (export "i64_store32_ai") (param $a i32) (param $v i64)
 *     (i64.store32 offset=16 (i32.add (local.get $a) (i32.const -16)) (local.get $v)))
 *   ;; array indexing: base + (index << 3) + 4 (_sx), (index << 1) + 8 + 4 (_si)
 *   (func (export "i32_load_sx") (param $b i32) (param $i i32) (result i64)
 *     (i64.extend_i32_u
 *       (i32.load offset=4 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3))))))
 *   (func (export "i64_store_sx") (param $b i32) (param $i i32) (param $v i64)
 *     (i64.store offset=4 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))
 *       (local.get $v)))
 *   (func (export "i32_load_si") (param $i i32) (result i64)
 *     (i64.extend_i32_u
 *       (i32.load offset=4 (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 8)))))
 *   ;; constant addresses (_k): the last word, and one byte further
 *   (func (export "i32_load_k_last") (result i64)
 *     (i64.extend_i32_u (i32.load (i32.const 65532))))
 *   (func (export "i32_load_k_past") (result i64)
 *     (i64.extend_i32_u (i32.load (i32.const 65533))))
 *   (func (export "i64_store_k_last") (param $v i64)
 *     (i64.store (i32.const 65528) (local.get $v)))
 *   (func (export "i64_store_k_past") (param $v i64)
 *     (i64.store (i32.const 65529) (local.get $v)))
 *   ;; a constant stored (_ki)
 *   (func (export "i32_store_ki") (param $a i32)
 *     (i32.store offset=16 (i32.add (local.get $a) (i32.const -16)) (i32.const 0x11223344)))
 *   ;; memory operands (_m, _mm)
 *   (func (export "i64_add_m") (param $x i64) (param $a i32) (result i64)
 *     (i64.add (local.get $x) (i64.load (local.get $a))))
 *   (func (export "f64_mul_mm") (param $a i32) (param $b i32) (result i64)
 *     (i64.reinterpret_f64 (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
 *   ;; branches on a loaded value
 *   (func (export "br_load8") (param $a i32) (result i32)
 *     (if (result i32) (i32.load8_u (local.get $a)) (then (i32.const 1)) (else (i32.const 2))))
 *   (func (export "br_load") (param $a i32) (result i32)
 *     (if (result i32) (i32.load (local.get $a)) (then (i32.const 1)) (else (i32.const 2))))
 *   ;; offsets no access within 4 GiB can have: the last byte would be past 2^32 - 1
 *   (func (export "huge_offset_load") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load offset=0xfffffffd (local.get $a))))
 *   (func (export "huge_offset_store") (param $a i32)
 *     (i64.store offset=0xfffffff9 (local.get $a) (i64.const 1)))
 *   (func (export "byte_at_max_offset") (param $a i32) (result i64)
 *     (i64.extend_i32_u (i32.load8_u offset=0xffffffff (local.get $a))))
 * )
 *
 * (module
 *   (memory (export "mem") 65536)
 *   ;; the last bytes of a 4 GiB memory, reached through the largest offsets that can be in bounds
 *   (func (export "load_last4") (param $a i32) (result i32)
 *     (i32.load offset=0xfffffffc (local.get $a)))
 *   (func (export "load_last8") (param $a i32) (result i64)
 *     (i64.load offset=0xfffffff8 (local.get $a)))
 *   (func (export "store_last8") (param $a i32) (param $v i64)
 *     (i64.store offset=0xfffffff8 (local.get $a) (local.get $v)))
 *   (func (export "load_last1") (param $a i32) (result i32)
 *     (i32.load8_u offset=0xffffffff (local.get $a)))
 * )
 */
#include <criterion/criterion.h>
#include <string.h>

#include "module_env.h"
#include "values.h"

static const uint8_t wasm_bounds[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x2e, 0x09, 0x60,
  0x01, 0x7f, 0x01, 0x7e, 0x60, 0x02, 0x7f, 0x7e, 0x00, 0x60, 0x02, 0x7f,
  0x7f, 0x01, 0x7e, 0x60, 0x03, 0x7f, 0x7f, 0x7e, 0x00, 0x60, 0x00, 0x01,
  0x7e, 0x60, 0x01, 0x7e, 0x00, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x02, 0x7e,
  0x7f, 0x01, 0x7e, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x2a, 0x29, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
  0x01, 0x02, 0x03, 0x00, 0x04, 0x04, 0x05, 0x05, 0x06, 0x07, 0x02, 0x08,
  0x08, 0x00, 0x06, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0xe6, 0x04,
  0x2a, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x0b, 0x69, 0x33, 0x32, 0x5f,
  0x6c, 0x6f, 0x61, 0x64, 0x38, 0x5f, 0x75, 0x00, 0x00, 0x0e, 0x69, 0x33,
  0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x38, 0x5f, 0x75, 0x5f, 0x61, 0x69,
  0x00, 0x01, 0x0c, 0x69, 0x33, 0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x31,
  0x36, 0x5f, 0x73, 0x00, 0x02, 0x0f, 0x69, 0x33, 0x32, 0x5f, 0x6c, 0x6f,
  0x61, 0x64, 0x31, 0x36, 0x5f, 0x73, 0x5f, 0x61, 0x69, 0x00, 0x03, 0x08,
  0x69, 0x33, 0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x04, 0x0b, 0x69,
  0x33, 0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x61, 0x69, 0x00, 0x05,
  0x08, 0x69, 0x36, 0x34, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x06, 0x0b,
  0x69, 0x36, 0x34, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x61, 0x69, 0x00,
  0x07, 0x08, 0x66, 0x33, 0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x08,
  0x0b, 0x66, 0x33, 0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x61, 0x69,
  0x00, 0x09, 0x08, 0x66, 0x36, 0x34, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x00,
  0x0a, 0x0b, 0x66, 0x36, 0x34, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x61,
  0x69, 0x00, 0x0b, 0x0c, 0x69, 0x36, 0x34, 0x5f, 0x6c, 0x6f, 0x61, 0x64,
  0x33, 0x32, 0x5f, 0x75, 0x00, 0x0c, 0x0f, 0x69, 0x36, 0x34, 0x5f, 0x6c,
  0x6f, 0x61, 0x64, 0x33, 0x32, 0x5f, 0x75, 0x5f, 0x61, 0x69, 0x00, 0x0d,
  0x0a, 0x69, 0x33, 0x32, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x38, 0x00,
  0x0e, 0x0d, 0x69, 0x33, 0x32, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x38,
  0x5f, 0x61, 0x69, 0x00, 0x0f, 0x0b, 0x69, 0x33, 0x32, 0x5f, 0x73, 0x74,
  0x6f, 0x72, 0x65, 0x31, 0x36, 0x00, 0x10, 0x0e, 0x69, 0x33, 0x32, 0x5f,
  0x73, 0x74, 0x6f, 0x72, 0x65, 0x31, 0x36, 0x5f, 0x61, 0x69, 0x00, 0x11,
  0x09, 0x69, 0x33, 0x32, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x12,
  0x0c, 0x69, 0x33, 0x32, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f, 0x61,
  0x69, 0x00, 0x13, 0x09, 0x69, 0x36, 0x34, 0x5f, 0x73, 0x74, 0x6f, 0x72,
  0x65, 0x00, 0x14, 0x0c, 0x69, 0x36, 0x34, 0x5f, 0x73, 0x74, 0x6f, 0x72,
  0x65, 0x5f, 0x61, 0x69, 0x00, 0x15, 0x09, 0x66, 0x36, 0x34, 0x5f, 0x73,
  0x74, 0x6f, 0x72, 0x65, 0x00, 0x16, 0x0c, 0x66, 0x36, 0x34, 0x5f, 0x73,
  0x74, 0x6f, 0x72, 0x65, 0x5f, 0x61, 0x69, 0x00, 0x17, 0x0b, 0x69, 0x36,
  0x34, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x33, 0x32, 0x00, 0x18, 0x0e,
  0x69, 0x36, 0x34, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x33, 0x32, 0x5f,
  0x61, 0x69, 0x00, 0x19, 0x0b, 0x69, 0x33, 0x32, 0x5f, 0x6c, 0x6f, 0x61,
  0x64, 0x5f, 0x73, 0x78, 0x00, 0x1a, 0x0c, 0x69, 0x36, 0x34, 0x5f, 0x73,
  0x74, 0x6f, 0x72, 0x65, 0x5f, 0x73, 0x78, 0x00, 0x1b, 0x0b, 0x69, 0x33,
  0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x73, 0x69, 0x00, 0x1c, 0x0f,
  0x69, 0x33, 0x32, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x6b, 0x5f, 0x6c,
  0x61, 0x73, 0x74, 0x00, 0x1d, 0x0f, 0x69, 0x33, 0x32, 0x5f, 0x6c, 0x6f,
  0x61, 0x64, 0x5f, 0x6b, 0x5f, 0x70, 0x61, 0x73, 0x74, 0x00, 0x1e, 0x10,
  0x69, 0x36, 0x34, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f, 0x6b, 0x5f,
  0x6c, 0x61, 0x73, 0x74, 0x00, 0x1f, 0x10, 0x69, 0x36, 0x34, 0x5f, 0x73,
  0x74, 0x6f, 0x72, 0x65, 0x5f, 0x6b, 0x5f, 0x70, 0x61, 0x73, 0x74, 0x00,
  0x20, 0x0c, 0x69, 0x33, 0x32, 0x5f, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f,
  0x6b, 0x69, 0x00, 0x21, 0x09, 0x69, 0x36, 0x34, 0x5f, 0x61, 0x64, 0x64,
  0x5f, 0x6d, 0x00, 0x22, 0x0a, 0x66, 0x36, 0x34, 0x5f, 0x6d, 0x75, 0x6c,
  0x5f, 0x6d, 0x6d, 0x00, 0x23, 0x08, 0x62, 0x72, 0x5f, 0x6c, 0x6f, 0x61,
  0x64, 0x38, 0x00, 0x24, 0x07, 0x62, 0x72, 0x5f, 0x6c, 0x6f, 0x61, 0x64,
  0x00, 0x25, 0x10, 0x68, 0x75, 0x67, 0x65, 0x5f, 0x6f, 0x66, 0x66, 0x73,
  0x65, 0x74, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x26, 0x11, 0x68, 0x75,
  0x67, 0x65, 0x5f, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74, 0x5f, 0x73, 0x74,
  0x6f, 0x72, 0x65, 0x00, 0x27, 0x12, 0x62, 0x79, 0x74, 0x65, 0x5f, 0x61,
  0x74, 0x5f, 0x6d, 0x61, 0x78, 0x5f, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74,
  0x00, 0x28, 0x0a, 0xf3, 0x03, 0x29, 0x08, 0x00, 0x20, 0x00, 0x2d, 0x00,
  0x00, 0xad, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x41, 0x70, 0x6a, 0x2d, 0x00,
  0x10, 0xad, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x2e, 0x01, 0x00, 0xad, 0x0b,
  0x0b, 0x00, 0x20, 0x00, 0x41, 0x70, 0x6a, 0x2e, 0x01, 0x10, 0xad, 0x0b,
  0x08, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0xad, 0x0b, 0x0b, 0x00, 0x20,
  0x00, 0x41, 0x70, 0x6a, 0x28, 0x02, 0x10, 0xad, 0x0b, 0x07, 0x00, 0x20,
  0x00, 0x29, 0x03, 0x00, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x41, 0x70, 0x6a,
  0x29, 0x03, 0x10, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x2a, 0x02, 0x00, 0xbc,
  0xad, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x41, 0x70, 0x6a, 0x2a, 0x02, 0x10,
  0xbc, 0xad, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x2b, 0x03, 0x00, 0xbd, 0x0b,
  0x0b, 0x00, 0x20, 0x00, 0x41, 0x70, 0x6a, 0x2b, 0x03, 0x10, 0xbd, 0x0b,
  0x07, 0x00, 0x20, 0x00, 0x35, 0x02, 0x00, 0x0b, 0x0a, 0x00, 0x20, 0x00,
  0x41, 0x70, 0x6a, 0x35, 0x02, 0x10, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x20,
  0x01, 0xa7, 0x3a, 0x00, 0x00, 0x0b, 0x0d, 0x00, 0x20, 0x00, 0x41, 0x70,
  0x6a, 0x20, 0x01, 0xa7, 0x3a, 0x00, 0x10, 0x0b, 0x0a, 0x00, 0x20, 0x00,
  0x20, 0x01, 0xa7, 0x3b, 0x01, 0x00, 0x0b, 0x0d, 0x00, 0x20, 0x00, 0x41,
  0x70, 0x6a, 0x20, 0x01, 0xa7, 0x3b, 0x01, 0x10, 0x0b, 0x0a, 0x00, 0x20,
  0x00, 0x20, 0x01, 0xa7, 0x36, 0x02, 0x00, 0x0b, 0x0d, 0x00, 0x20, 0x00,
  0x41, 0x70, 0x6a, 0x20, 0x01, 0xa7, 0x36, 0x02, 0x10, 0x0b, 0x09, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x37, 0x03, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00,
  0x41, 0x70, 0x6a, 0x20, 0x01, 0x37, 0x03, 0x10, 0x0b, 0x0a, 0x00, 0x20,
  0x00, 0x20, 0x01, 0xbf, 0x39, 0x03, 0x00, 0x0b, 0x0d, 0x00, 0x20, 0x00,
  0x41, 0x70, 0x6a, 0x20, 0x01, 0xbf, 0x39, 0x03, 0x10, 0x0b, 0x09, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x3e, 0x02, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00,
  0x41, 0x70, 0x6a, 0x20, 0x01, 0x3e, 0x02, 0x10, 0x0b, 0x0e, 0x00, 0x20,
  0x00, 0x20, 0x01, 0x41, 0x03, 0x74, 0x6a, 0x28, 0x02, 0x04, 0xad, 0x0b,
  0x0f, 0x00, 0x20, 0x00, 0x20, 0x01, 0x41, 0x03, 0x74, 0x6a, 0x20, 0x02,
  0x37, 0x03, 0x04, 0x0b, 0x0e, 0x00, 0x20, 0x00, 0x41, 0x01, 0x74, 0x41,
  0x08, 0x6a, 0x28, 0x02, 0x04, 0xad, 0x0b, 0x0a, 0x00, 0x41, 0xfc, 0xff,
  0x03, 0x28, 0x02, 0x00, 0xad, 0x0b, 0x0a, 0x00, 0x41, 0xfd, 0xff, 0x03,
  0x28, 0x02, 0x00, 0xad, 0x0b, 0x0b, 0x00, 0x41, 0xf8, 0xff, 0x03, 0x20,
  0x00, 0x37, 0x03, 0x00, 0x0b, 0x0b, 0x00, 0x41, 0xf9, 0xff, 0x03, 0x20,
  0x00, 0x37, 0x03, 0x00, 0x0b, 0x10, 0x00, 0x20, 0x00, 0x41, 0x70, 0x6a,
  0x41, 0xc4, 0xe6, 0x88, 0x89, 0x01, 0x36, 0x02, 0x10, 0x0b, 0x0a, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x29, 0x03, 0x00, 0x7c, 0x0b, 0x0e, 0x00, 0x20,
  0x00, 0x2b, 0x03, 0x00, 0x20, 0x01, 0x2b, 0x03, 0x00, 0xa2, 0xbd, 0x0b,
  0x0f, 0x00, 0x20, 0x00, 0x2d, 0x00, 0x00, 0x04, 0x7f, 0x41, 0x01, 0x05,
  0x41, 0x02, 0x0b, 0x0b, 0x0f, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x04,
  0x7f, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0b, 0x0b, 0x0c, 0x00, 0x20, 0x00,
  0x28, 0x02, 0xfd, 0xff, 0xff, 0xff, 0x0f, 0xad, 0x0b, 0x0d, 0x00, 0x20,
  0x00, 0x42, 0x01, 0x37, 0x03, 0xf9, 0xff, 0xff, 0xff, 0x0f, 0x0b, 0x0c,
  0x00, 0x20, 0x00, 0x2d, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xad, 0x0b
};

static const uint8_t wasm_top[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x03, 0x60,
  0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7e, 0x60, 0x02, 0x7f,
  0x7e, 0x00, 0x03, 0x05, 0x04, 0x00, 0x01, 0x02, 0x00, 0x05, 0x05, 0x01,
  0x00, 0x80, 0x80, 0x04, 0x07, 0x3c, 0x05, 0x03, 0x6d, 0x65, 0x6d, 0x02,
  0x00, 0x0a, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x6c, 0x61, 0x73, 0x74, 0x34,
  0x00, 0x00, 0x0a, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x6c, 0x61, 0x73, 0x74,
  0x38, 0x00, 0x01, 0x0b, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f, 0x6c, 0x61,
  0x73, 0x74, 0x38, 0x00, 0x02, 0x0a, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x6c,
  0x61, 0x73, 0x74, 0x31, 0x00, 0x03, 0x0a, 0x33, 0x04, 0x0b, 0x00, 0x20,
  0x00, 0x28, 0x02, 0xfc, 0xff, 0xff, 0xff, 0x0f, 0x0b, 0x0b, 0x00, 0x20,
  0x00, 0x29, 0x03, 0xf8, 0xff, 0xff, 0xff, 0x0f, 0x0b, 0x0d, 0x00, 0x20,
  0x00, 0x20, 0x01, 0x37, 0x03, 0xf8, 0xff, 0xff, 0xff, 0x0f, 0x0b, 0x0b,
  0x00, 0x20, 0x00, 0x2d, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b
};

enum { PAGE = 65536 };

/* The `args, nargs` pair of an argument list written inline. */
#define ARGS(...)                                                                              \
    ((const wvm_val[]){__VA_ARGS__}), (sizeof((const wvm_val[]){__VA_ARGS__}) / sizeof(wvm_val))

static const wvm_meter_mode modes[] = {WVM_METER_OFF, WVM_METER_NATIVE, WVM_METER_REFERENCE,
                                       WVM_METER_INSTRUMENT};

/* A load or store of the module: its export, function index, the module byte offset of its
 * Wasm load or store (where it traps), the bytes it accesses, and the instruction form it
 * translates to. Loads take the address and return the loaded value as an i64 (i32 results
 * zero-extended, floats as their bits); stores take the address and an i64 value. */
typedef struct {
    const char *name;
    uint32_t func;
    uint32_t at;
    uint32_t size;
    vm_opcode form;
} access;

static const access loads[] = {
    {"i32_load8_u", 0, 0x2da, 1, VM_OP_i32_load8_u},
    {"i32_load8_u_ai", 1, 0x2e6, 1, VM_OP_i32_load8_u_ai},
    {"i32_load16_s", 2, 0x2ef, 2, VM_OP_i32_load16_s},
    {"i32_load16_s_ai", 3, 0x2fb, 2, VM_OP_i32_load16_s_ai},
    {"i32_load", 4, 0x304, 4, VM_OP_i32_load},
    {"i32_load_ai", 5, 0x310, 4, VM_OP_i32_load_ai},
    {"i64_load", 6, 0x319, 8, VM_OP_i64_load},
    {"i64_load_ai", 7, 0x324, 8, VM_OP_i64_load_ai},
    {"f32_load", 8, 0x32c, 4, VM_OP_f32_load},
    {"f32_load_ai", 9, 0x339, 4, VM_OP_f32_load_ai},
    {"f64_load", 10, 0x343, 8, VM_OP_f64_load},
    {"f64_load_ai", 11, 0x34f, 8, VM_OP_f64_load_ai},
    {"i64_load32_u", 12, 0x358, 4, VM_OP_i64_load32_u},
    {"i64_load32_u_ai", 13, 0x363, 4, VM_OP_i64_load32_u_ai},
};

static const access stores[] = {
    {"i32_store8", 14, 0x36e, 1, VM_OP_i32_store8},
    {"i32_store8_ai", 15, 0x37c, 1, VM_OP_i32_store8_ai},
    {"i32_store16", 16, 0x387, 2, VM_OP_i32_store16},
    {"i32_store16_ai", 17, 0x395, 2, VM_OP_i32_store16_ai},
    {"i32_store", 18, 0x3a0, 4, VM_OP_i32_store},
    {"i32_store_ai", 19, 0x3ae, 4, VM_OP_i32_store_ai},
    {"i64_store", 20, 0x3b8, 8, VM_OP_i64_store},
    {"i64_store_ai", 21, 0x3c5, 8, VM_OP_i64_store_ai},
    {"f64_store", 22, 0x3d0, 8, VM_OP_f64_store},
    {"f64_store_ai", 23, 0x3de, 8, VM_OP_f64_store_ai},
    {"i64_store32", 24, 0x3e8, 4, VM_OP_i64_store32},
    {"i64_store32_ai", 25, 0x3f5, 4, VM_OP_i64_store32_ai},
};

static wvm_func *export_func(module_env *e, const char *name)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    cr_assert_eq(ext.kind, WVM_EXTERN_FUNC, "%s is not a function", name);
    return ext.of.func;
}

/* Calls export name with args; returns its result (nresults 0 or 1), which must come. */
static wvm_val call(module_env *e, const char *name, const wvm_val *args, size_t nargs,
                    size_t nresults)
{
    wvm_store_set_fuel(e->store, 1000); /* (ignored when unmetered) */
    wvm_error err;
    wvm_val r = val_i64(0);
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_func_call(e->store, export_func(e, name), args, nargs, &r, nresults,
                                  &err);
    cr_assert_eq(st, WVM_OK, "%s: status %d: %s", name, st, err.message);
    return r;
}

/* Calls export name with args, which must trap out of bounds in function func at module byte
 * offset at. */
static void expect_trap(module_env *e, const char *name, const wvm_val *args, size_t nargs,
                        size_t nresults, uint32_t func, uint32_t at)
{
    wvm_store_set_fuel(e->store, 1000);
    wvm_error err;
    wvm_val r;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_func_call(e->store, export_func(e, name), args, nargs, &r, nresults,
                                  &err);
    cr_assert_eq(st, WVM_ERR_TRAP, "%s: status %d (%s), want a trap", name, st, err.message);
    cr_assert_eq(err.trap, WVM_TRAP_MEMORY_OUT_OF_BOUNDS, "%s: trap %s", name,
                 wvm_trap_name(err.trap));
    cr_assert_eq(err.func_index, func, "%s: function %u, want %u", name, err.func_index, func);
    cr_assert_eq(err.offset, at, "%s: offset 0x%llx, want 0x%x", name,
                 (unsigned long long)err.offset, at);
}

/* The little-endian value of the size bytes at p, zero-extended. */
static uint64_t bytes_value(const uint8_t *p, uint32_t size)
{
    uint64_t v = 0;
    for (uint32_t i = size; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* Fills the last 64 bytes of the memory with distinct non-zero bytes. */
static void fill_tail(module_env *e)
{
    for (uint32_t i = PAGE - 64; i < PAGE; i++)
        e->mem[i] = (uint8_t)(0x80 + i % 64 * 3);
}

Test(vm_bounds, forms)
{
    /* the functions after the loads and stores, and the form each exercises */
    static const struct {
        uint32_t func;
        vm_opcode form;
    } others[] = {
        {26, VM_OP_i32_load_sx},   {27, VM_OP_i64_store_sx},
        {28, VM_OP_i32_load_si},   {29, VM_OP_i32_load_k},
        {31, VM_OP_i64_store_k},   {33, VM_OP_i32_store_ki},
        {34, VM_OP_i64_add_m},     {35, VM_OP_f64_mul_mm},
        {36, VM_OP_br_i32_load8_u_z}, {37, VM_OP_br_i32_load_z},
        {38, VM_OP_memory_out_of_bounds}, {39, VM_OP_memory_out_of_bounds},
        {40, VM_OP_i32_load8_u},
    };
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++)
        module_expect_op(wasm_bounds, sizeof wasm_bounds, loads[i].func, loads[i].form);
    for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++)
        module_expect_op(wasm_bounds, sizeof wasm_bounds, stores[i].func, stores[i].form);
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        module_expect_op(wasm_bounds, sizeof wasm_bounds, others[i].func, others[i].form);
}

Test(vm_bounds, loads_at_the_end_of_memory)
{
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        module_env e;
        module_env_open(&e, wasm_bounds, sizeof wasm_bounds, modes[m]);
        fill_tail(&e);
        for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
            const access *l = &loads[i];
            uint32_t last = PAGE - l->size;
            uint64_t want = bytes_value(e.mem + last, l->size);
            if (l->form == VM_OP_i32_load16_s || l->form == VM_OP_i32_load16_s_ai)
                want = (uint32_t)(int32_t)(int16_t)want;
            wvm_val got = call(&e, l->name, ARGS(val_i32((int32_t)last)), 1);
            cr_assert_eq((uint64_t)got.of.i64, want, "%s(%u) = %#llx, want %#llx", l->name,
                         last, (unsigned long long)got.of.i64, (unsigned long long)want);
            /* one byte further, at the end, and at 2^32 - 1 (address + offset does not wrap) */
            const uint32_t past[] = {last + 1, PAGE, UINT32_MAX};
            for (size_t k = 0; k < 3; k++)
                expect_trap(&e, l->name, ARGS(val_i32((int32_t)past[k])), 1, l->func, l->at);
        }
        module_env_close(&e);
    }
}

Test(vm_bounds, stores_at_the_end_of_memory)
{
    const uint64_t value = 0x8877665544332211ull;
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        module_env e;
        module_env_open(&e, wasm_bounds, sizeof wasm_bounds, modes[m]);
        for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++) {
            const access *s = &stores[i];
            uint32_t last = PAGE - s->size;
            fill_tail(&e);
            uint8_t before[64];
            memcpy(before, e.mem + PAGE - 64, 64);
            call(&e, s->name, ARGS(val_i32((int32_t)last), val_i64((int64_t)value)), 0);
            cr_assert_eq(bytes_value(e.mem + last, s->size), bytes_value((const uint8_t *)&value,
                                                                          s->size),
                         "%s(%u)", s->name, last);
            cr_assert_eq(e.mem[last - 1], before[64 - s->size - 1], "%s wrote before", s->name);
            /* one byte further: a trap, and nothing written */
            fill_tail(&e);
            expect_trap(&e, s->name, ARGS(val_i32((int32_t)last + 1), val_i64((int64_t)value)), 0,
                        s->func, s->at);
            cr_assert_eq(memcmp(e.mem + PAGE - 64, before, 64), 0, "%s wrote bytes", s->name);
        }
        module_env_close(&e);
    }
}

/* The other forms: the last access in bounds, then the first one past it. */
Test(vm_bounds, fused_forms_at_the_end_of_memory)
{
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        module_env e;
        module_env_open(&e, wasm_bounds, sizeof wasm_bounds, modes[m]);
        fill_tail(&e);
        uint64_t last4 = bytes_value(e.mem + PAGE - 4, 4), last8 = bytes_value(e.mem + PAGE - 8, 8);
        /* base + (index << 3) + 4 */
        cr_assert_eq(call(&e, "i32_load_sx", ARGS(val_i32(PAGE - 8 - 16), val_i32(2)), 1).of.i64,
                     (int64_t)last4);
        expect_trap(&e, "i32_load_sx", ARGS(val_i32(PAGE - 7 - 16), val_i32(2)), 1, 26, 0x403);
        call(&e, "i64_store_sx", ARGS(val_i32(PAGE - 12 - 16), val_i32(2), val_i64(-2)), 0);
        cr_assert_eq(bytes_value(e.mem + PAGE - 8, 8), (uint64_t)-2);
        expect_trap(&e, "i64_store_sx", ARGS(val_i32(PAGE - 11 - 16), val_i32(2), val_i64(-3)),
                    0, 27, 0x414);
        cr_assert_eq(bytes_value(e.mem + PAGE - 8, 8), (uint64_t)-2);
        /* (index << 1) + 8 + 4: even addresses only */
        fill_tail(&e);
        cr_assert_eq(call(&e, "i32_load_si", ARGS(val_i32((PAGE - 4 - 12) / 2)), 1).of.i64,
                     (int64_t)last4);
        expect_trap(&e, "i32_load_si", ARGS(val_i32((PAGE - 2 - 12) / 2)), 1, 28, 0x422);
        /* constant addresses */
        cr_assert_eq(call(&e, "i32_load_k_last", NULL, 0, 1).of.i64, (int64_t)last4);
        expect_trap(&e, "i32_load_k_past", NULL, 0, 1, 30, 0x438);
        call(&e, "i64_store_k_last", ARGS(val_i64(-4)), 0);
        cr_assert_eq(bytes_value(e.mem + PAGE - 8, 8), (uint64_t)-4);
        expect_trap(&e, "i64_store_k_past", ARGS(val_i64(-5)), 0, 32, 0x451);
        cr_assert_eq(bytes_value(e.mem + PAGE - 8, 8), (uint64_t)-4);
        /* a constant value */
        call(&e, "i32_store_ki", ARGS(val_i32(PAGE - 4)), 0);
        cr_assert_eq(bytes_value(e.mem + PAGE - 4, 4), 0x11223344u);
        expect_trap(&e, "i32_store_ki", ARGS(val_i32(PAGE - 3)), 0, 33, 0x462);
        /* memory operands: x + load, load * load (the second load's own offset when it traps) */
        fill_tail(&e);
        last8 = bytes_value(e.mem + PAGE - 8, 8);
        cr_assert_eq(call(&e, "i64_add_m", ARGS(val_i64(5), val_i32(PAGE - 8)), 1).of.i64,
                     (int64_t)(last8 + 5));
        expect_trap(&e, "i64_add_m", ARGS(val_i64(5), val_i32(PAGE - 7)), 1, 34, 0x46c);
        double one = 1.0;
        memcpy(e.mem, &one, sizeof one);
        cr_assert_eq(call(&e, "f64_mul_mm", ARGS(val_i32(PAGE - 8), val_i32(0)), 1).of.i64,
                     (int64_t)last8);
        cr_assert_eq(call(&e, "f64_mul_mm", ARGS(val_i32(0), val_i32(PAGE - 8)), 1).of.i64,
                     (int64_t)last8);
        expect_trap(&e, "f64_mul_mm", ARGS(val_i32(PAGE - 7), val_i32(0)), 1, 35, 0x475);
        expect_trap(&e, "f64_mul_mm", ARGS(val_i32(0), val_i32(PAGE - 7)), 1, 35, 0x47a);
        /* branches on a loaded value */
        e.mem[PAGE - 1] = 0;
        cr_assert_eq(call(&e, "br_load8", ARGS(val_i32(PAGE - 1)), 1).of.i32, 2);
        e.mem[PAGE - 1] = 9;
        cr_assert_eq(call(&e, "br_load8", ARGS(val_i32(PAGE - 1)), 1).of.i32, 1);
        expect_trap(&e, "br_load8", ARGS(val_i32(PAGE)), 1, 36, 0x484);
        cr_assert_eq(call(&e, "br_load", ARGS(val_i32(PAGE - 4)), 1).of.i32, 1);
        expect_trap(&e, "br_load", ARGS(val_i32(PAGE - 3)), 1, 37, 0x494);
        module_env_close(&e);
    }
}

/* An access whose last byte would be past 2^32 - 1 traps wherever it is; an access of one
 * byte at offset 2^32 - 1 is an ordinary access (in bounds only in a 4 GiB memory). */
Test(vm_bounds, offsets_no_memory_can_hold)
{
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        module_env e;
        module_env_open(&e, wasm_bounds, sizeof wasm_bounds, modes[m]);
        expect_trap(&e, "huge_offset_load", ARGS(val_i32(0)), 1, 38, 0x4a4);
        expect_trap(&e, "huge_offset_store", ARGS(val_i32(0)), 0, 39, 0x4b3);
        expect_trap(&e, "byte_at_max_offset", ARGS(val_i32(0)), 1, 40, 0x4bf);
        module_env_close(&e);
    }
}

/* The largest offsets that can be in bounds, at the end of a 4 GiB memory (65536 pages,
 * allocated lazily: the pages are never touched but the last). */
Test(vm_bounds, the_end_of_a_4_gib_memory)
{
    module_env e;
    module_env_open(&e, wasm_top, sizeof wasm_top, WVM_METER_OFF);
    cr_assert_eq(call(&e, "load_last4", ARGS(val_i32(0)), 1).of.i32, 0);
    call(&e, "store_last8", ARGS(val_i32(0), val_i64(0x0102030405060708)), 0);
    cr_assert_eq(call(&e, "load_last8", ARGS(val_i32(0)), 1).of.i64, 0x0102030405060708);
    cr_assert_eq(call(&e, "load_last4", ARGS(val_i32(0)), 1).of.i32, 0x01020304);
    cr_assert_eq(call(&e, "load_last1", ARGS(val_i32(0)), 1).of.i32, 0x01);
    expect_trap(&e, "load_last4", ARGS(val_i32(1)), 1, 0, 0x6d);
    expect_trap(&e, "load_last8", ARGS(val_i32(1)), 1, 1, 0x79);
    expect_trap(&e, "store_last8", ARGS(val_i32(1), val_i64(0)), 0, 2, 0x87);
    expect_trap(&e, "load_last1", ARGS(val_i32(1)), 1, 3, 0x93);
    cr_assert_eq(call(&e, "load_last8", ARGS(val_i32(0)), 1).of.i64, 0x0102030405060708);
    module_env_close(&e);
}
