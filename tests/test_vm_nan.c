/* Criterion tests of NaN results of float arithmetic through the interpreter (vm/numeric.h,
 * "NaN results"): an operator creating a NaN from non-NaN operands gives the default NaN (the
 * negative canonical one), and one with two NaN operands gives the first in Wasm operand order,
 * quieted, in every instruction form: plain, fused with the operator before it (VM_CHAIN),
 * with an operand loaded from memory (VM_BINM) and with a constant operand (VM_BINL), and in
 * every metering mode. Plain C would not do that: which of two NaNs a machine instruction
 * returns depends on how the compiler ordered its operands (the differential fuzzer found a
 * fused form disagreeing with the plain one), and processors differ in the NaN they create.
 *
 * The module below was assembled with wat2wasm, then xxd -i:
 *
 * (module
 *   (memory (export "mem") 1)
 *   (func (export "f32_add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
 *   (func (export "f32_sub") (param f32 f32) (result f32) (f32.sub (local.get 0) (local.get 1)))
 *   (func (export "f32_mul") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
 *   (func (export "f32_div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
 *   (func (export "f64_add") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
 *   (func (export "f64_sub") (param f64 f64) (result f64) (f64.sub (local.get 0) (local.get 1)))
 *   (func (export "f64_mul") (param f64 f64) (result f64) (f64.mul (local.get 0) (local.get 1)))
 *   (func (export "f64_div") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
 *   (func (export "acc_plus_product") (param $a f64) (param $b f64) (param $c f64) (result f64)
 *     (f64.add (local.get $c) (f64.mul (local.get $a) (local.get $b))))
 *   (func (export "product_plus_acc") (param $a f64) (param $b f64) (param $c f64) (result f64)
 *     (f64.add (f64.mul (local.get $a) (local.get $b)) (local.get $c)))
 *   (func (export "plus_loaded") (param $x f64) (param $p i32) (result f64)
 *     (f64.add (local.get $x) (f64.load (local.get $p))))
 *   (func (export "plus_nan_constant") (param $x f64) (result f64)
 *     (f64.add (local.get $x) (f64.const nan:0x4000000000000))))
 */
#include <criterion/criterion.h>
#include <string.h>

#include "module_env.h"
#include "values.h"

static const uint8_t wasm_nan[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1f, 0x05, 0x60,
  0x02, 0x7d, 0x7d, 0x01, 0x7d, 0x60, 0x02, 0x7c, 0x7c, 0x01, 0x7c, 0x60,
  0x03, 0x7c, 0x7c, 0x7c, 0x01, 0x7c, 0x60, 0x02, 0x7c, 0x7f, 0x01, 0x7c,
  0x60, 0x01, 0x7c, 0x01, 0x7c, 0x03, 0x0d, 0x0c, 0x00, 0x00, 0x00, 0x00,
  0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x03, 0x04, 0x05, 0x03, 0x01, 0x00,
  0x01, 0x07, 0x9f, 0x01, 0x0d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x07,
  0x66, 0x33, 0x32, 0x5f, 0x61, 0x64, 0x64, 0x00, 0x00, 0x07, 0x66, 0x33,
  0x32, 0x5f, 0x73, 0x75, 0x62, 0x00, 0x01, 0x07, 0x66, 0x33, 0x32, 0x5f,
  0x6d, 0x75, 0x6c, 0x00, 0x02, 0x07, 0x66, 0x33, 0x32, 0x5f, 0x64, 0x69,
  0x76, 0x00, 0x03, 0x07, 0x66, 0x36, 0x34, 0x5f, 0x61, 0x64, 0x64, 0x00,
  0x04, 0x07, 0x66, 0x36, 0x34, 0x5f, 0x73, 0x75, 0x62, 0x00, 0x05, 0x07,
  0x66, 0x36, 0x34, 0x5f, 0x6d, 0x75, 0x6c, 0x00, 0x06, 0x07, 0x66, 0x36,
  0x34, 0x5f, 0x64, 0x69, 0x76, 0x00, 0x07, 0x10, 0x61, 0x63, 0x63, 0x5f,
  0x70, 0x6c, 0x75, 0x73, 0x5f, 0x70, 0x72, 0x6f, 0x64, 0x75, 0x63, 0x74,
  0x00, 0x08, 0x10, 0x70, 0x72, 0x6f, 0x64, 0x75, 0x63, 0x74, 0x5f, 0x70,
  0x6c, 0x75, 0x73, 0x5f, 0x61, 0x63, 0x63, 0x00, 0x09, 0x0b, 0x70, 0x6c,
  0x75, 0x73, 0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x65, 0x64, 0x00, 0x0a, 0x11,
  0x70, 0x6c, 0x75, 0x73, 0x5f, 0x6e, 0x61, 0x6e, 0x5f, 0x63, 0x6f, 0x6e,
  0x73, 0x74, 0x61, 0x6e, 0x74, 0x00, 0x0b, 0x0a, 0x71, 0x0c, 0x07, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x92, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01,
  0x93, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x94, 0x0b, 0x07, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x95, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01,
  0xa0, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0xa1, 0x0b, 0x07, 0x00,
  0x20, 0x00, 0x20, 0x01, 0xa2, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01,
  0xa3, 0x0b, 0x0a, 0x00, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0xa2, 0xa0,
  0x0b, 0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0xa2, 0x20, 0x02, 0xa0, 0x0b,
  0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0x2b, 0x03, 0x00, 0xa0, 0x0b, 0x0e,
  0x00, 0x20, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x7f,
  0xa0, 0x0b
};

#define F32_DEFAULT 0xFFC00000u
#define F32_NAN_A 0x7FA00001u /* signalling: quieted to 0x7FE00001 */
#define F32_NAN_B 0xFFC00002u /* quiet, negative */
#define F64_DEFAULT 0xFFF8000000000000ull
#define F64_NAN_A 0x7FF4000000000001ull /* signalling: quieted to 0x7FFC000000000001 */
#define F64_NAN_B 0xFFF8000000000002ull /* quiet, negative */
#define F32_QUIET_A 0x7FE00001u
#define F64_QUIET_A 0x7FFC000000000001ull
#define F32_INF 0x7F800000u
#define F64_INF 0x7FF0000000000000ull

static const wvm_meter_mode modes[] = {WVM_METER_OFF, WVM_METER_NATIVE, WVM_METER_REFERENCE,
                                       WVM_METER_INSTRUMENT};

/* Calls export name of the open module with args; returns its one result's bits. */
static uint64_t call_bits(module_env *e, const char *name, const wvm_val *args, size_t nargs)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    wvm_store_set_fuel(e->store, 1000); /* (ignored when unmetered) */
    wvm_error err;
    wvm_val r;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_func_call(e->store, ext.of.func, args, nargs, &r, 1, &err), WVM_OK,
                 "%s: %s", name, err.message);
    return r.kind == WVM_F32 ? r.of.f32_bits : r.of.f64_bits;
}

/* Export `name` called with (a, b) of its type (f32 when `wide` is false) returns `want`. */
static void expect_binary(module_env *e, const char *name, bool wide, uint64_t a, uint64_t b,
                          uint64_t want)
{
    wvm_val args[2] = {wide ? val_f64_bits(a) : val_f32_bits((uint32_t)a),
                       wide ? val_f64_bits(b) : val_f32_bits((uint32_t)b)};
    uint64_t got = call_bits(e, name, args, 2);
    cr_assert_eq(got, want, "%s(%#llx, %#llx) = %#llx, want %#llx", name,
                 (unsigned long long)a, (unsigned long long)b, (unsigned long long)got,
                 (unsigned long long)want);
}

/* Export name (f64 parameters a, b, c) returns want. */
static void expect_ternary(module_env *e, const char *name, uint64_t a, uint64_t b, uint64_t c,
                           uint64_t want)
{
    wvm_val args[3] = {val_f64_bits(a), val_f64_bits(b), val_f64_bits(c)};
    uint64_t got = call_bits(e, name, args, 3);
    cr_assert_eq(got, want, "%s: %#llx, want %#llx", name, (unsigned long long)got,
                 (unsigned long long)want);
}

Test(vm_nan, created_nans_are_the_default_nan)
{
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        module_env e;
        module_env_open(&e, wasm_nan, sizeof wasm_nan, modes[i]);
        expect_binary(&e, "f32_add", false, F32_INF, F32_INF | 0x80000000u, F32_DEFAULT);
        expect_binary(&e, "f32_sub", false, F32_INF, F32_INF, F32_DEFAULT);
        expect_binary(&e, "f32_mul", false, 0, F32_INF | 0x80000000u, F32_DEFAULT);
        expect_binary(&e, "f32_div", false, 0x80000000u, 0, F32_DEFAULT);
        expect_binary(&e, "f64_add", true, F64_INF | 1ull << 63, F64_INF, F64_DEFAULT);
        expect_binary(&e, "f64_sub", true, F64_INF, F64_INF, F64_DEFAULT);
        expect_binary(&e, "f64_mul", true, F64_INF, 0, F64_DEFAULT);
        expect_binary(&e, "f64_div", true, F64_INF, F64_INF | 1ull << 63, F64_DEFAULT);
        module_env_close(&e);
    }
}

Test(vm_nan, first_nan_operand_wins)
{
    static const char *const ops[] = {"add", "sub", "mul", "div"};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        module_env e;
        module_env_open(&e, wasm_nan, sizeof wasm_nan, modes[i]);
        for (size_t k = 0; k < 4; k++) {
            char f32[16], f64[16];
            snprintf(f32, sizeof f32, "f32_%s", ops[k]);
            snprintf(f64, sizeof f64, "f64_%s", ops[k]);
            expect_binary(&e, f32, false, F32_NAN_A, F32_NAN_B, F32_QUIET_A);
            expect_binary(&e, f32, false, F32_NAN_B, F32_NAN_A, F32_NAN_B);
            expect_binary(&e, f32, false, 0x3F800000u, F32_NAN_A, F32_QUIET_A); /* 1, NaN */
            expect_binary(&e, f64, true, F64_NAN_A, F64_NAN_B, F64_QUIET_A);
            expect_binary(&e, f64, true, F64_NAN_B, F64_NAN_A, F64_NAN_B);
            expect_binary(&e, f64, true, F64_NAN_A, 0x3FF0000000000000ull, F64_QUIET_A);
        }
        module_env_close(&e);
    }
}

Test(vm_nan, fused_forms_keep_operand_order)
{
    module_expect_op(wasm_nan, sizeof wasm_nan, 8, VM_OP_f64_mul_add_r);
    module_expect_op(wasm_nan, sizeof wasm_nan, 9, VM_OP_f64_mul_add);
    module_expect_op(wasm_nan, sizeof wasm_nan, 10, VM_OP_f64_add_m);
    module_expect_op(wasm_nan, sizeof wasm_nan, 11, VM_OP_f64_add_l);
    const uint64_t one = 0x3FF0000000000000ull;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        module_env e;
        module_env_open(&e, wasm_nan, sizeof wasm_nan, modes[i]);
        /* c + a * b: c is the add's first operand */
        expect_ternary(&e, "acc_plus_product", F64_NAN_A, one, F64_NAN_B, F64_NAN_B);
        expect_ternary(&e, "acc_plus_product", F64_NAN_B, one, F64_NAN_A, F64_QUIET_A);
        expect_ternary(&e, "acc_plus_product", F64_INF, 0, one, F64_DEFAULT);
        /* a * b + c: the product is */
        expect_ternary(&e, "product_plus_acc", F64_NAN_A, one, F64_NAN_B, F64_QUIET_A);
        expect_ternary(&e, "product_plus_acc", one, F64_NAN_B, F64_NAN_A, F64_NAN_B);
        /* x + a loaded NaN, x + a NaN constant */
        uint64_t loaded = F64_NAN_B;
        memcpy(e.mem + 64, &loaded, sizeof loaded);
        wvm_val args[2] = {val_f64_bits(F64_NAN_A), val_i32(64)};
        cr_assert_eq(call_bits(&e, "plus_loaded", args, 2), F64_QUIET_A);
        args[0] = val_f64_bits(one);
        cr_assert_eq(call_bits(&e, "plus_loaded", args, 2), F64_NAN_B);
        args[0] = val_f64_bits(F64_NAN_B);
        cr_assert_eq(call_bits(&e, "plus_nan_constant", args, 1), F64_NAN_B);
        args[0] = val_f64_bits(one);
        cr_assert_eq(call_bits(&e, "plus_nan_constant", args, 1), 0x7FFC000000000000ull);
        module_env_close(&e);
    }
}
