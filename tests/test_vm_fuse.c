/* Criterion tests of the translator's fused forms (vm/vmops.def) through vm/code.h and the
 * public API: array indexing folded into loads and stores (id_sx, id_si), stores of a
 * constant (id_ki), 64-bit immediate operands (id_l), and writes of zero to declared locals
 * that are still zero (no code). Each case checks the shape of the code and the result,
 * including the 32-bit wrap-around of the fused address arithmetic.
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
 *     (i32.add (local.get $acc) (local.get $k))))
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "wvm.h"
#include "../loader/module.h"
#include "../vm/code.h"

static const uint8_t wasm_fuse[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x20, 0x06, 0x60,
  0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x03,
  0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7e, 0x01,
  0x7e, 0x60, 0x01, 0x7c, 0x01, 0x7c, 0x03, 0x08, 0x07, 0x00, 0x01, 0x02,
  0x03, 0x04, 0x05, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x45, 0x08,
  0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x07, 0x6c, 0x6f, 0x61, 0x64, 0x5f,
  0x73, 0x78, 0x00, 0x00, 0x07, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x73, 0x69,
  0x00, 0x01, 0x08, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f, 0x73, 0x78, 0x00,
  0x02, 0x08, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x5f, 0x6b, 0x69, 0x00, 0x03,
  0x03, 0x6d, 0x69, 0x78, 0x00, 0x04, 0x04, 0x68, 0x61, 0x6c, 0x66, 0x00,
  0x05, 0x04, 0x7a, 0x65, 0x72, 0x6f, 0x00, 0x06, 0x0a, 0x9d, 0x01, 0x07,
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
  0x00, 0x0b, 0x41, 0x00, 0x21, 0x02, 0x20, 0x01, 0x20, 0x02, 0x6a, 0x0b
};

/* ---- helpers ---- */

static vm_code *vf_translate(wasm_module *m, uint32_t func_index)
{
    wasm_error err;
    wasm_error_clear(&err);
    memset(m, 0, sizeof *m);
    cr_assert_eq(loader_decode(wasm_fuse, sizeof wasm_fuse, m, &err), WASM_OK, "decode: %s",
                 err.message);
    cr_assert_eq(loader_validate(m, &err), WASM_OK, "validate: %s", err.message);
    vm_code *code = NULL;
    cr_assert_eq(vm_translate(m, func_index, VM_METER_OFF, NULL, &code, &err), WASM_OK,
                 "translate: %s", err.message);
    return code;
}

/* The opcodes of code's instructions, in order, into ops (at most cap); returns the count. */
static size_t vf_ops(const vm_code *code, vm_opcode *ops, size_t cap)
{
    size_t n = 0;
    uint32_t pc = 0;
    while (pc < code->nwords) {
        uint32_t op = code->words[pc];
        cr_assert_lt(op, VM_OP_COUNT);
        cr_assert_lt(n, cap);
        ops[n++] = (vm_opcode)op;
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

typedef struct {
    wvm_engine *engine;
    wvm_store *store;
    wvm_instance *inst;
    uint8_t *mem;
} vf_env;

static void vf_open(vf_env *e)
{
    e->engine = wvm_engine_new(NULL);
    cr_assert_not_null(e->engine);
    e->store = wvm_store_new(e->engine, NULL);
    wvm_linker *linker = wvm_linker_new(e->engine);
    wvm_module *module = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_module_new(e->engine, wasm_fuse, sizeof wasm_fuse, &module, &err), WVM_OK,
                 "module: %s", err.message);
    cr_assert_eq(wvm_linker_instantiate(linker, e->store, module, &e->inst, &err), WVM_OK,
                 "instantiation: %s", err.message);
    wvm_module_delete(module);
    wvm_linker_delete(linker);
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, "mem", &ext));
    e->mem = wvm_memory_data(ext.of.memory);
    cr_assert_not_null(e->mem);
}

static void vf_close(vf_env *e)
{
    wvm_store_delete(e->store);
    wvm_engine_delete(e->engine);
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

static wvm_val vf_i32(int32_t v)
{
    wvm_val x;
    memset(&x, 0, sizeof x);
    x.kind = WVM_I32;
    x.of.i32 = v;
    return x;
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
    wvm_val args[2] = {vf_i32(100), vf_i32(3)}, r;
    cr_assert_eq(vf_call(&e, "load_sx", args, 2, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, v);
    /* the sum wraps at 32 bits before the offset is added: -12 + 4 + 8 = 0, then + 4 */
    memcpy(e.mem + 4, &v, 4);
    args[0] = vf_i32(-12);
    args[1] = vf_i32(1);
    cr_assert_eq(vf_call(&e, "load_sx", args, 2, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, v);
    /* past the end: a trap, not a wrapped access */
    args[0] = vf_i32(65536 - 12);
    args[1] = vf_i32(0);
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
    wvm_val arg = vf_i32(5), r;
    cr_assert_eq(vf_call(&e, "load_si", &arg, 1, &r, 1), WVM_OK);
    cr_assert_eq((uint32_t)r.of.i32, v);
    /* (0x20000000 << 3) wraps to 0 */
    memcpy(e.mem + 16, &v, 4);
    arg = vf_i32(0x20000000);
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
    wvm_val args[3] = {vf_i32(200), vf_i32(7), vf_i32(0x5a5a5a5a)};
    cr_assert_eq(vf_call(&e, "store_sx", args, 3, NULL, 0), WVM_OK);
    uint32_t v;
    memcpy(&v, e.mem + 200 + 28, 4);
    cr_assert_eq(v, 0x5a5a5a5a);
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
    wvm_val arg = vf_i32(300);
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
    wasm_module m;
    vm_code *code = vf_translate(&m, 6);
    vm_opcode ops[32];
    size_t n = vf_ops(code, ops, 32), consts = 0;
    for (size_t i = 0; i < n; i++)
        consts += ops[i] == VM_OP_const32;
    if (consts != 1)
        vm_code_dump(code, stderr);
    vm_code_free(code);
    loader_free(&m);
    cr_assert_eq(consts, 1, "%zu const32, want 1 (the write of $k after the loop)", consts);
    vf_env e;
    vf_open(&e);
    wvm_val arg = vf_i32(4), r;
    for (int k = 0; k < 2; k++) { /* the second call sees fresh zero locals too */
        cr_assert_eq(vf_call(&e, "zero", &arg, 1, &r, 1), WVM_OK);
        cr_assert_eq(r.of.i32, 10);
    }
    vf_close(&e);
}
