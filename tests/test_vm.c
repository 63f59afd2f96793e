/* Criterion tests of the interpreter and the translator (vm/), through the public API:
 * trap kinds and their reported location (trap code, function index and module byte offset
 * of the trapping instruction, as `wasm-objdump -d` prints them), call stack exhaustion and
 * recovery, multi-value returns and blocks (parallel-move hazards), br_table carrying values,
 * local.tee / local.set chains, select with constants, 64-bit immediates, memory growth seen
 * by Wasm and by the host, call_indirect across instances sharing a table; and, through
 * vm/code.h, the shape of translated code (operands instead of copies, fused branches).
 *
 * Each module is embedded as bytes (wat2wasm, then xxd -i) below the text it was assembled
 * from; the modules whose traps report names were assembled with --debug-names.
 */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wvm.h"
#include "module_env.h"
#include "values.h"
#include "../loader/module.h"
#include "../vm/code.h"

/* ---- helpers ---- */

/* An engine, one store and one linker. */
typedef struct {
    wvm_engine *engine;
    wvm_store *store;
    wvm_linker *linker;
} vt_env;

static void vt_open(vt_env *e, const wvm_config *config)
{
    e->engine = wvm_engine_new(config);
    cr_assert_not_null(e->engine);
    e->store = wvm_store_new(e->engine, NULL);
    e->linker = wvm_linker_new(e->engine);
    cr_assert_not_null(e->store);
    cr_assert_not_null(e->linker);
}

static void vt_close(vt_env *e)
{
    wvm_linker_delete(e->linker);
    wvm_store_delete(e->store);
    wvm_engine_delete(e->engine);
}

/* Compiles and instantiates bytes against e's linker; the instance keeps the module. */
static wvm_instance *vt_instantiate(vt_env *e, const uint8_t *bytes, size_t size)
{
    wvm_module *module = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_module_new(e->engine, bytes, size, &module, &err), WVM_OK,
                 "module: %s (offset 0x%llx)", err.message, (unsigned long long)err.offset);
    wvm_instance *inst = NULL;
    cr_assert_eq(wvm_linker_instantiate(e->linker, e->store, module, &inst, &err), WVM_OK,
                 "instantiation: %s", err.message);
    wvm_module_delete(module);
    return inst;
}

#define VT_INSTANTIATE(e, arr) vt_instantiate(e, arr, sizeof arr)

static wvm_func *vt_func(const wvm_instance *inst, const char *name)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(inst, name, &ext), "no export \"%s\"", name);
    cr_assert_eq(ext.kind, WVM_EXTERN_FUNC, "\"%s\" is not a function", name);
    return ext.of.func;
}

/* Calls export `name` and asserts that it returns normally. */
static void vt_call(vt_env *e, wvm_instance *inst, const char *name, const wvm_val *args,
                    size_t nargs, wvm_val *results, size_t nresults)
{
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_func_call(e->store, vt_func(inst, name), args, nargs, results, nresults,
                                  &err);
    cr_assert_eq(st, WVM_OK, "%s: status %d: %s", name, st, err.message);
}

/* Calls export `name` with nargs i32 arguments (the variadic ints) and returns its single
 * i32 result. */
static int32_t vt_call_i32(vt_env *e, wvm_instance *inst, const char *name, size_t nargs, ...)
{
    wvm_val args[8];
    cr_assert_leq(nargs, 8);
    va_list ap;
    va_start(ap, nargs);
    for (size_t i = 0; i < nargs; i++)
        args[i] = val_i32((int32_t)va_arg(ap, int));
    va_end(ap);
    wvm_val r;
    vt_call(e, inst, name, args, nargs, &r, 1);
    cr_assert_eq(r.kind, WVM_I32, "%s: result kind %d", name, r.kind);
    return r.of.i32;
}

/* Calls export `name` with one i64 argument and returns its single i64 result. */
static int64_t vt_call_i64(vt_env *e, wvm_instance *inst, const char *name, int64_t a)
{
    wvm_val arg = val_i64(a), r;
    vt_call(e, inst, name, &arg, 1, &r, 1);
    cr_assert_eq(r.kind, WVM_I64, "%s: result kind %d", name, r.kind);
    return r.of.i64;
}

/* Calls export `name`, which must trap with `trap` in function func_index at module byte
 * offset `offset`. */
static void vt_expect_trap(vt_env *e, wvm_instance *inst, const char *name, const wvm_val *args,
                           size_t nargs, size_t nresults, wvm_trap_code trap,
                           uint32_t func_index, uint64_t offset)
{
    wvm_val results[4];
    cr_assert_leq(nresults, 4);
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_func_call(e->store, vt_func(inst, name), args, nargs, results,
                                  nresults, &err);
    cr_assert_eq(st, WVM_ERR_TRAP, "%s: status %d (%s), want a trap", name, st, err.message);
    cr_assert_eq(err.status, WVM_ERR_TRAP, "%s: err.status %d", name, err.status);
    cr_assert_eq(err.trap, trap, "%s: trap %d (%s), want %d (%s)", name, err.trap,
                 wvm_trap_name(err.trap), trap, wvm_trap_name(trap));
    cr_assert_eq(err.func_index, func_index, "%s: function %u, want %u (%s)", name,
                 err.func_index, func_index, err.message);
    cr_assert_eq(err.offset, offset, "%s: offset 0x%llx, want 0x%llx (%s)", name,
                 (unsigned long long)err.offset, (unsigned long long)offset, err.message);
    cr_assert_not_null(strstr(err.message, wvm_trap_name(trap)), "%s: message \"%s\"", name,
                       err.message);
}

/* The `args, nargs` pair of an argument list written inline: VT_ARGS(val_i32(1), val_i64(2)). */
#define VT_ARGS(...)                                                                           \
    ((const wvm_val[]){__VA_ARGS__}),                                                          \
        (sizeof((const wvm_val[]){__VA_ARGS__}) / sizeof(wvm_val))
#define VT_NOARGS NULL, 0

/* ---- traps: kind and location ---- */

/*
 * (module
 *   (type $v2i (func (result i32)))
 *   (type $i2i (func (param i32) (result i32)))
 *   (memory 1)
 *   (table $t 4 funcref)
 *   (elem (i32.const 0) $ret7 $id)
 *   (elem $seg func $ret7)
 *   (data $d "abc")
 *   (func $ret7 (type $v2i) (i32.const 7))
 *   (func $id (type $i2i) (local.get 0))
 *   (func (export "unreachable") (param i32) (result i32)
 *     (drop (i32.add (local.get 0) (i32.const 1)))
 *     (unreachable))
 *   (func (export "load") (param i32) (result i32)
 *     (i32.load offset=4 (local.get 0)))
 *   (func (export "store") (param i32)
 *     (i64.store (local.get 0) (i64.const 1)))
 *   (func (export "fill") (param i32)
 *     (memory.fill (local.get 0) (i32.const 0) (i32.const 16)))
 *   (func (export "copy") (param i32)
 *     (memory.copy (i32.const 0) (local.get 0) (i32.const 16)))
 *   (func (export "init") (param i32)
 *     (memory.init $d (i32.const 0) (local.get 0) (i32.const 2)))
 *   (func (export "call_oob") (param i32) (result i32)
 *     (call_indirect (type $v2i) (local.get 0)))
 *   (func (export "call_null") (result i32)
 *     (call_indirect (type $v2i) (i32.const 2)))
 *   (func (export "call_sig") (result i32)
 *     (call_indirect (type $v2i) (i32.const 1)))
 *   (func (export "table_get") (param i32) (result i32)
 *     (ref.is_null (table.get $t (local.get 0))))
 *   (func (export "table_set") (param i32)
 *     (table.set $t (local.get 0) (ref.null func)))
 *   (func (export "table_fill") (param i32)
 *     (table.fill $t (local.get 0) (ref.null func) (i32.const 2)))
 *   (func (export "table_copy") (param i32)
 *     (table.copy (i32.const 0) (local.get 0) (i32.const 2)))
 *   (func (export "table_init") (param i32)
 *     (table.init $t $seg (local.get 0) (i32.const 0) (i32.const 1)))
 *   (func $div (export "div") (param i32 i32) (result i32)
 *     (i32.div_u (local.get 0) (local.get 1)))
 *   (func (export "div_const") (param i32) (result i32)
 *     (i32.div_s (local.get 0) (i32.const 0)))
 *   (func (export "rem64") (param i64) (result i64)
 *     (i64.rem_s (i64.const 0x100000000) (local.get 0)))
 *   (func (export "overflow") (param i32) (result i32)
 *     (i32.div_s (local.get 0) (i32.const -1)))
 *   (func (export "overflow64") (param i64) (result i64)
 *     (i64.div_s (local.get 0) (i64.const -1)))
 *   (func (export "trunc_nan") (param f32) (result i32)
 *     (i32.trunc_f32_s (local.get 0)))
 *   (func (export "trunc_big") (param f64) (result i64)
 *     (i64.trunc_f64_u (local.get 0)))
 *   (func (export "nested") (param i32) (result i32)
 *     (i32.add (i32.const 1) (call $div (i32.const 10) (local.get 0)))))
 */
static const uint8_t wasm_traps[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x23, 0x07, 0x60,
    0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00,
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7e, 0x60,
    0x01, 0x7d, 0x01, 0x7f, 0x60, 0x01, 0x7c, 0x01, 0x7e, 0x03, 0x19, 0x18,
    0x00, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x01, 0x00, 0x00, 0x01,
    0x02, 0x02, 0x02, 0x02, 0x03, 0x01, 0x04, 0x01, 0x04, 0x05, 0x06, 0x01,
    0x04, 0x04, 0x01, 0x70, 0x00, 0x04, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07,
    0xe7, 0x01, 0x16, 0x0b, 0x75, 0x6e, 0x72, 0x65, 0x61, 0x63, 0x68, 0x61,
    0x62, 0x6c, 0x65, 0x00, 0x02, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x03,
    0x05, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x04, 0x04, 0x66, 0x69, 0x6c,
    0x6c, 0x00, 0x05, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x06, 0x04, 0x69,
    0x6e, 0x69, 0x74, 0x00, 0x07, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x6f,
    0x6f, 0x62, 0x00, 0x08, 0x09, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x6e, 0x75,
    0x6c, 0x6c, 0x00, 0x09, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x73, 0x69,
    0x67, 0x00, 0x0a, 0x09, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x5f, 0x67, 0x65,
    0x74, 0x00, 0x0b, 0x09, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x5f, 0x73, 0x65,
    0x74, 0x00, 0x0c, 0x0a, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x5f, 0x66, 0x69,
    0x6c, 0x6c, 0x00, 0x0d, 0x0a, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x5f, 0x63,
    0x6f, 0x70, 0x79, 0x00, 0x0e, 0x0a, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x5f,
    0x69, 0x6e, 0x69, 0x74, 0x00, 0x0f, 0x03, 0x64, 0x69, 0x76, 0x00, 0x10,
    0x09, 0x64, 0x69, 0x76, 0x5f, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x00, 0x11,
    0x05, 0x72, 0x65, 0x6d, 0x36, 0x34, 0x00, 0x12, 0x08, 0x6f, 0x76, 0x65,
    0x72, 0x66, 0x6c, 0x6f, 0x77, 0x00, 0x13, 0x0a, 0x6f, 0x76, 0x65, 0x72,
    0x66, 0x6c, 0x6f, 0x77, 0x36, 0x34, 0x00, 0x14, 0x09, 0x74, 0x72, 0x75,
    0x6e, 0x63, 0x5f, 0x6e, 0x61, 0x6e, 0x00, 0x15, 0x09, 0x74, 0x72, 0x75,
    0x6e, 0x63, 0x5f, 0x62, 0x69, 0x67, 0x00, 0x16, 0x06, 0x6e, 0x65, 0x73,
    0x74, 0x65, 0x64, 0x00, 0x17, 0x09, 0x0c, 0x02, 0x00, 0x41, 0x00, 0x0b,
    0x02, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 0x0c, 0x01, 0x01, 0x0a, 0xe0,
    0x01, 0x18, 0x04, 0x00, 0x41, 0x07, 0x0b, 0x04, 0x00, 0x20, 0x00, 0x0b,
    0x09, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x1a, 0x00, 0x0b, 0x07, 0x00,
    0x20, 0x00, 0x28, 0x02, 0x04, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x42, 0x01,
    0x37, 0x03, 0x00, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x41, 0x00, 0x41, 0x10,
    0xfc, 0x0b, 0x00, 0x0b, 0x0c, 0x00, 0x41, 0x00, 0x20, 0x00, 0x41, 0x10,
    0xfc, 0x0a, 0x00, 0x00, 0x0b, 0x0c, 0x00, 0x41, 0x00, 0x20, 0x00, 0x41,
    0x02, 0xfc, 0x08, 0x00, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x11, 0x00,
    0x00, 0x0b, 0x07, 0x00, 0x41, 0x02, 0x11, 0x00, 0x00, 0x0b, 0x07, 0x00,
    0x41, 0x01, 0x11, 0x00, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x25, 0x00,
    0xd1, 0x0b, 0x08, 0x00, 0x20, 0x00, 0xd0, 0x70, 0x26, 0x00, 0x0b, 0x0b,
    0x00, 0x20, 0x00, 0xd0, 0x70, 0x41, 0x02, 0xfc, 0x11, 0x00, 0x0b, 0x0c,
    0x00, 0x41, 0x00, 0x20, 0x00, 0x41, 0x02, 0xfc, 0x0e, 0x00, 0x00, 0x0b,
    0x0c, 0x00, 0x20, 0x00, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x0c, 0x01, 0x00,
    0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6e, 0x0b, 0x07, 0x00, 0x20,
    0x00, 0x41, 0x00, 0x6d, 0x0b, 0x0b, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80,
    0x10, 0x20, 0x00, 0x81, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x41, 0x7f, 0x6d,
    0x0b, 0x07, 0x00, 0x20, 0x00, 0x42, 0x7f, 0x7f, 0x0b, 0x05, 0x00, 0x20,
    0x00, 0xa8, 0x0b, 0x05, 0x00, 0x20, 0x00, 0xb1, 0x0b, 0x0b, 0x00, 0x41,
    0x01, 0x41, 0x0a, 0x20, 0x00, 0x10, 0x10, 0x6a, 0x0b, 0x0b, 0x06, 0x01,
    0x01, 0x03, 0x61, 0x62, 0x63, 0x00, 0x6b, 0x04, 0x6e, 0x61, 0x6d, 0x65,
    0x01, 0x10, 0x03, 0x00, 0x04, 0x72, 0x65, 0x74, 0x37, 0x01, 0x02, 0x69,
    0x64, 0x10, 0x03, 0x64, 0x69, 0x76, 0x02, 0x31, 0x18, 0x00, 0x00, 0x01,
    0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07,
    0x00, 0x08, 0x00, 0x09, 0x00, 0x0a, 0x00, 0x0b, 0x00, 0x0c, 0x00, 0x0d,
    0x00, 0x0e, 0x00, 0x0f, 0x00, 0x10, 0x00, 0x11, 0x00, 0x12, 0x00, 0x13,
    0x00, 0x14, 0x00, 0x15, 0x00, 0x16, 0x00, 0x17, 0x00, 0x04, 0x0b, 0x02,
    0x00, 0x03, 0x76, 0x32, 0x69, 0x01, 0x03, 0x69, 0x32, 0x69, 0x05, 0x04,
    0x01, 0x00, 0x01, 0x74, 0x08, 0x06, 0x01, 0x01, 0x03, 0x73, 0x65, 0x67,
    0x09, 0x04, 0x01, 0x00, 0x01, 0x64,
};

/* Function indices and byte offsets of the trapping instructions in wasm_traps. */
enum {
    VT_F_UNREACHABLE = 2, VT_F_LOAD, VT_F_STORE, VT_F_FILL, VT_F_COPY, VT_F_INIT, VT_F_CALL_OOB,
    VT_F_CALL_NULL, VT_F_CALL_SIG, VT_F_TABLE_GET, VT_F_TABLE_SET, VT_F_TABLE_FILL,
    VT_F_TABLE_COPY, VT_F_TABLE_INIT, VT_F_DIV, VT_F_DIV_CONST, VT_F_REM64, VT_F_OVERFLOW,
    VT_F_OVERFLOW64, VT_F_TRUNC_NAN, VT_F_TRUNC_BIG,
};

Test(vm, trap_unreachable)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    vt_expect_trap(&e, inst, "unreachable", VT_ARGS(val_i32(1)), 1, WVM_TRAP_UNREACHABLE,
                   VT_F_UNREACHABLE, 0x164);
    vt_close(&e);
}

Test(vm, trap_memory_out_of_bounds)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    /* the last accesses that fit in the page succeed */
    cr_assert_eq(vt_call_i32(&e, inst, "load", 1, 65528), 0);
    vt_call(&e, inst, "store", VT_ARGS(val_i32(65528)), NULL, 0);
    cr_assert_eq(vt_call_i32(&e, inst, "load", 1, 65524), 1);
    vt_call(&e, inst, "fill", VT_ARGS(val_i32(65520)), NULL, 0);
    vt_call(&e, inst, "copy", VT_ARGS(val_i32(65520)), NULL, 0);
    vt_call(&e, inst, "init", VT_ARGS(val_i32(1)), NULL, 0);

    vt_expect_trap(&e, inst, "load", VT_ARGS(val_i32(65529)), 1,
                   WVM_TRAP_MEMORY_OUT_OF_BOUNDS, VT_F_LOAD, 0x16a);
    /* address + offset does not wrap around at 2^32 */
    vt_expect_trap(&e, inst, "load", VT_ARGS(val_i32(-1)), 1, WVM_TRAP_MEMORY_OUT_OF_BOUNDS,
                   VT_F_LOAD, 0x16a);
    vt_expect_trap(&e, inst, "store", VT_ARGS(val_i32(65529)), 0,
                   WVM_TRAP_MEMORY_OUT_OF_BOUNDS, VT_F_STORE, 0x174);
    vt_expect_trap(&e, inst, "fill", VT_ARGS(val_i32(65521)), 0,
                   WVM_TRAP_MEMORY_OUT_OF_BOUNDS, VT_F_FILL, 0x180);
    vt_expect_trap(&e, inst, "copy", VT_ARGS(val_i32(65521)), 0,
                   WVM_TRAP_MEMORY_OUT_OF_BOUNDS, VT_F_COPY, 0x18c);
    vt_expect_trap(&e, inst, "init", VT_ARGS(val_i32(2)), 0, WVM_TRAP_MEMORY_OUT_OF_BOUNDS,
                   VT_F_INIT, 0x199);
    vt_close(&e);
}

Test(vm, trap_table_out_of_bounds)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    cr_assert_eq(vt_call_i32(&e, inst, "call_oob", 1, 0), 7);
    cr_assert_eq(vt_call_i32(&e, inst, "table_get", 1, 3), 1);
    cr_assert_eq(vt_call_i32(&e, inst, "table_get", 1, 0), 0);
    vt_expect_trap(&e, inst, "call_oob", VT_ARGS(val_i32(4)), 1, WVM_TRAP_TABLE_OUT_OF_BOUNDS,
                   VT_F_CALL_OOB, 0x1a2);
    vt_expect_trap(&e, inst, "call_oob", VT_ARGS(val_i32(-1)), 1, WVM_TRAP_TABLE_OUT_OF_BOUNDS,
                   VT_F_CALL_OOB, 0x1a2);
    vt_expect_trap(&e, inst, "table_get", VT_ARGS(val_i32(4)), 1, WVM_TRAP_TABLE_OUT_OF_BOUNDS,
                   VT_F_TABLE_GET, 0x1ba);
    vt_expect_trap(&e, inst, "table_set", VT_ARGS(val_i32(4)), 0, WVM_TRAP_TABLE_OUT_OF_BOUNDS,
                   VT_F_TABLE_SET, 0x1c4);
    vt_expect_trap(&e, inst, "table_fill", VT_ARGS(val_i32(3)), 0,
                   WVM_TRAP_TABLE_OUT_OF_BOUNDS, VT_F_TABLE_FILL, 0x1cf);
    vt_expect_trap(&e, inst, "table_copy", VT_ARGS(val_i32(3)), 0,
                   WVM_TRAP_TABLE_OUT_OF_BOUNDS, VT_F_TABLE_COPY, 0x1db);
    vt_expect_trap(&e, inst, "table_init", VT_ARGS(val_i32(4)), 0,
                   WVM_TRAP_TABLE_OUT_OF_BOUNDS, VT_F_TABLE_INIT, 0x1e8);
    /* the in-bounds forms work, and table_init really copied $ret7 to slot 3 */
    vt_call(&e, inst, "table_init", VT_ARGS(val_i32(3)), NULL, 0);
    cr_assert_eq(vt_call_i32(&e, inst, "call_oob", 1, 3), 7);
    vt_call(&e, inst, "table_fill", VT_ARGS(val_i32(2)), NULL, 0);
    cr_assert_eq(vt_call_i32(&e, inst, "table_get", 1, 3), 1);
    vt_close(&e);
}

Test(vm, trap_indirect_call_to_null_and_bad_signature)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    vt_expect_trap(&e, inst, "call_null", VT_NOARGS, 1, WVM_TRAP_INDIRECT_CALL_TO_NULL,
                   VT_F_CALL_NULL, 0x1aa);
    vt_expect_trap(&e, inst, "call_sig", VT_NOARGS, 1, WVM_TRAP_BAD_SIGNATURE, VT_F_CALL_SIG,
                   0x1b2);
    vt_close(&e);
}

Test(vm, trap_integer_divide_by_zero)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    cr_assert_eq(vt_call_i32(&e, inst, "div", 2, 10, 3), 3);
    cr_assert_eq(vt_call_i64(&e, inst, "rem64", 7), 4); /* 2^32 mod 7 */
    cr_assert_eq(vt_call_i64(&e, inst, "rem64", -1), 0);
    vt_expect_trap(&e, inst, "div", VT_ARGS(val_i32(1), val_i32(0)), 1,
                   WVM_TRAP_INT_DIVIDE_BY_ZERO, VT_F_DIV, 0x1f3);
    /* a constant divisor is materialised by an extra instruction, mapped to the same
     * Wasm instruction */
    vt_expect_trap(&e, inst, "div_const", VT_ARGS(val_i32(5)), 1, WVM_TRAP_INT_DIVIDE_BY_ZERO,
                   VT_F_DIV_CONST, 0x1fb);
    vt_expect_trap(&e, inst, "rem64", VT_ARGS(val_i64(0)), 1, WVM_TRAP_INT_DIVIDE_BY_ZERO,
                   VT_F_REM64, 0x207);
    vt_close(&e);
}

Test(vm, trap_integer_overflow)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    cr_assert_eq(vt_call_i32(&e, inst, "overflow", 1, 7), -7);
    vt_expect_trap(&e, inst, "overflow", VT_ARGS(val_i32(INT32_MIN)), 1, WVM_TRAP_INT_OVERFLOW,
                   VT_F_OVERFLOW, 0x20f);
    vt_expect_trap(&e, inst, "overflow64", VT_ARGS(val_i64(INT64_MIN)), 1,
                   WVM_TRAP_INT_OVERFLOW, VT_F_OVERFLOW64, 0x217);
    /* float -> integer out of range is an overflow too */
    vt_expect_trap(&e, inst, "trunc_big", VT_ARGS(val_f64(1e30)), 1, WVM_TRAP_INT_OVERFLOW,
                   VT_F_TRUNC_BIG, 0x223);
    vt_expect_trap(&e, inst, "trunc_big", VT_ARGS(val_f64(-1.0)), 1, WVM_TRAP_INT_OVERFLOW,
                   VT_F_TRUNC_BIG, 0x223);
    wvm_val r;
    vt_call(&e, inst, "trunc_big", VT_ARGS(val_f64(-0.75)), &r, 1);
    cr_assert_eq(r.of.i64, 0);
    vt_close(&e);
}

Test(vm, trap_invalid_conversion)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    vt_expect_trap(&e, inst, "trunc_nan", VT_ARGS(val_f32_bits(0x7FC00000)), 1,
                   WVM_TRAP_INVALID_CONVERSION, VT_F_TRUNC_NAN, 0x21d);
    vt_expect_trap(&e, inst, "trunc_nan", VT_ARGS(val_f32_bits(0xFFA00001)), 1,
                   WVM_TRAP_INVALID_CONVERSION, VT_F_TRUNC_NAN, 0x21d);
    wvm_val r;
    vt_call(&e, inst, "trunc_nan", VT_ARGS(val_f32_bits(0xC0600000)), &r, 1); /* -3.5 */
    cr_assert_eq(r.of.i32, -3);
    vt_close(&e);
}

/* A trap in a callee is reported in the callee, not in the exported caller; the store stays
 * usable after any number of traps. */
Test(vm, trap_in_callee_and_store_reuse)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_traps);
    cr_assert_eq(vt_call_i32(&e, inst, "nested", 1, 5), 3);
    for (int i = 0; i < 3; i++) {
        vt_expect_trap(&e, inst, "nested", VT_ARGS(val_i32(0)), 1, WVM_TRAP_INT_DIVIDE_BY_ZERO,
                       VT_F_DIV, 0x1f3);
        cr_assert_eq(vt_call_i32(&e, inst, "nested", 1, 2), 6);
    }
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_val r;
    cr_assert_eq(wvm_func_call(e.store, vt_func(inst, "nested"), VT_ARGS(val_i32(0)), &r, 1,
                               &err),
                 WVM_ERR_TRAP);
    cr_assert_not_null(strstr(err.message, "$div"), "message \"%s\" does not name $div",
                       err.message);
    cr_assert_not_null(strstr(err.message, "0x1f3"), "message \"%s\" has no offset",
                       err.message);
    vt_close(&e);
}

/*
 * (module
 *   (import "env" "fail" (func $fail (param i32)))
 *   (import "env" "grow" (func $grow (param i32) (result i32)))
 *   (memory (export "mem") 1 64)
 *   (func (export "call_fail") (param i32)
 *     (call $fail (i32.add (local.get 0) (i32.const 1))))
 *   (func (export "grow_store") (param $pages i32) (result i32)
 *     (local $addr i32)
 *     (i32.store (i32.const 0) (i32.const 11))
 *     (drop (call $grow (local.get $pages)))
 *     (local.set $addr (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))
 *     (i32.store (local.get $addr) (i32.const 0x5eed))
 *     (i32.add (i32.load (local.get $addr)) (i32.load (i32.const 0)))))
 */
static const uint8_t wasm_host[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60,
    0x01, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0x17, 0x02, 0x03,
    0x65, 0x6e, 0x76, 0x04, 0x66, 0x61, 0x69, 0x6c, 0x00, 0x00, 0x03, 0x65,
    0x6e, 0x76, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x01, 0x03, 0x03, 0x02,
    0x00, 0x01, 0x05, 0x04, 0x01, 0x01, 0x01, 0x40, 0x07, 0x20, 0x03, 0x03,
    0x6d, 0x65, 0x6d, 0x02, 0x00, 0x09, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x66,
    0x61, 0x69, 0x6c, 0x00, 0x02, 0x0a, 0x67, 0x72, 0x6f, 0x77, 0x5f, 0x73,
    0x74, 0x6f, 0x72, 0x65, 0x00, 0x03, 0x0a, 0x3c, 0x02, 0x09, 0x00, 0x20,
    0x00, 0x41, 0x01, 0x6a, 0x10, 0x00, 0x0b, 0x30, 0x01, 0x01, 0x7f, 0x41,
    0x00, 0x41, 0x0b, 0x36, 0x02, 0x00, 0x20, 0x00, 0x10, 0x01, 0x1a, 0x3f,
    0x00, 0x41, 0x80, 0x80, 0x04, 0x6c, 0x41, 0x04, 0x6b, 0x21, 0x01, 0x20,
    0x01, 0x41, 0xed, 0xbd, 0x01, 0x36, 0x02, 0x00, 0x20, 0x01, 0x28, 0x02,
    0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x6a, 0x0b,
};

typedef struct {
    uint8_t *data_before, *data_after; /* memory data pointer around the host's grow */
    uint32_t old_pages;
    wvm_status grow_status;
    int calls;
} vt_host_state;

static wvm_trap_code vt_host_fail(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                  void *env)
{
    char msg[64];
    snprintf(msg, sizeof msg, "host refused %d", (int)args[0].of.i32);
    wvm_caller_set_trap_message(caller, msg);
    return WVM_TRAP_HOST;
}

/* Grows the calling instance's exported memory by args[0] pages. */
static wvm_trap_code vt_host_grow(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                  void *env)
{
    vt_host_state *s = env;
    s->calls++;
    wvm_extern ext;
    wvm_instance *inst = wvm_caller_instance(caller);
    if (!inst || !wvm_instance_export(inst, "mem", &ext) || ext.kind != WVM_EXTERN_MEMORY)
        return WVM_TRAP_HOST;
    s->data_before = wvm_memory_data(ext.of.memory);
    s->grow_status = wvm_memory_grow(ext.of.memory, (uint32_t)args[0].of.i32, &s->old_pages);
    s->data_after = wvm_memory_data(ext.of.memory);
    results[0] = val_i32(s->grow_status == WVM_OK ? (int32_t)s->old_pages : -1);
    return WVM_TRAP_NONE;
}

static void vt_define_host(vt_env *e, vt_host_state *state)
{
    static const wvm_valkind i32[] = {WVM_I32};
    wvm_functype fail_type = {1, 0, i32, NULL};
    wvm_functype grow_type = {1, 1, i32, i32};
    wvm_extern ext = {.kind = WVM_EXTERN_FUNC};
    ext.of.func = wvm_func_new(e->store, &fail_type, vt_host_fail, NULL, NULL);
    cr_assert_not_null(ext.of.func);
    cr_assert_eq(wvm_linker_define(e->linker, "env", "fail", &ext, NULL), WVM_OK);
    ext.of.func = wvm_func_new(e->store, &grow_type, vt_host_grow, state, NULL);
    cr_assert_not_null(ext.of.func);
    cr_assert_eq(wvm_linker_define(e->linker, "env", "grow", &ext, NULL), WVM_OK);
}

/* A host function's trap is located at the Wasm call instruction that called it (function
 * indices count the imports), and carries the host's message. */
Test(vm, trap_host)
{
    vt_env e;
    vt_open(&e, NULL);
    vt_host_state state = {0};
    vt_define_host(&e, &state);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_host);
    vt_expect_trap(&e, inst, "call_fail", VT_ARGS(val_i32(1)), 0, WVM_TRAP_HOST, 2, 0x64);
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_func_call(e.store, vt_func(inst, "call_fail"), VT_ARGS(val_i32(41)), NULL,
                               0, &err),
                 WVM_ERR_TRAP);
    cr_assert_not_null(strstr(err.message, "host refused 42"), "message \"%s\"", err.message);
    vt_close(&e);
}

/* The host grows the caller's memory (which may move it); the caller then stores to and
 * loads from the new last page, and still sees what it stored before the call. */
Test(vm, host_grows_memory)
{
    vt_env e;
    vt_open(&e, NULL);
    vt_host_state state = {0};
    vt_define_host(&e, &state);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_host);
    wvm_extern mem;
    cr_assert(wvm_instance_export(inst, "mem", &mem));
    cr_assert_eq(vt_call_i32(&e, inst, "grow_store", 1, 40), 0x5eed + 11);
    cr_assert_eq(state.calls, 1);
    cr_assert_eq(state.grow_status, WVM_OK);
    cr_assert_eq(state.old_pages, 1);
    cr_assert_eq(wvm_memory_size_pages(mem.of.memory), 41);
    uint8_t *data = wvm_memory_data(mem.of.memory);
    cr_assert_eq(data, state.data_after);
    uint32_t v;
    memcpy(&v, data + 41u * 65536 - 4, 4);
    cr_assert_eq(v, 0x5eed);
    memcpy(&v, data, 4);
    cr_assert_eq(v, 11);
    /* growing past the maximum (64) fails in the host; the caller still works */
    cr_assert_eq(vt_call_i32(&e, inst, "grow_store", 1, 24), 0x5eed + 11);
    cr_assert_neq(state.grow_status, WVM_OK);
    cr_assert_eq(wvm_memory_size_pages(mem.of.memory), 41);
    cr_assert_eq(vt_call_i32(&e, inst, "grow_store", 1, 23), 0x5eed + 11);
    cr_assert_eq(wvm_memory_size_pages(mem.of.memory), 64);
    vt_close(&e);
}

/* ---- call stack exhaustion ---- */

/*
 * (module
 *   (func $inf (export "inf") (param i32) (result i32)
 *     (i32.add (call $inf (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
 *   (func $depth (export "depth") (param i32) (result i32)
 *     (if (result i32) (i32.eqz (local.get 0))
 *       (then (i32.const 0))
 *       (else (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
 *   (func $wide (export "wide") (param i32) (result i32)
 *     (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
 *            i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
 *            i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
 *            i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
 *     (if (result i32) (i32.eqz (local.get 0))
 *       (then (i32.const 0))
 *       (else (i32.add (call $wide (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))
 */
static const uint8_t wasm_rec[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x00, 0x00, 0x07, 0x16,
    0x03, 0x03, 0x69, 0x6e, 0x66, 0x00, 0x00, 0x05, 0x64, 0x65, 0x70, 0x74,
    0x68, 0x00, 0x01, 0x04, 0x77, 0x69, 0x64, 0x65, 0x00, 0x02, 0x0a, 0x3c,
    0x03, 0x0c, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x10, 0x00, 0x41, 0x01,
    0x6a, 0x0b, 0x15, 0x00, 0x20, 0x00, 0x45, 0x04, 0x7f, 0x41, 0x00, 0x05,
    0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x01, 0x41, 0x01, 0x6a, 0x0b, 0x0b,
    0x17, 0x01, 0x40, 0x7e, 0x20, 0x00, 0x45, 0x04, 0x7f, 0x41, 0x00, 0x05,
    0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x02, 0x41, 0x01, 0x6a, 0x0b, 0x0b,
};

static int32_t vt_depth(vt_env *e, wvm_instance *inst, const char *name, int32_t n)
{
    return vt_call_i32(e, inst, name, 1, n);
}

Test(vm, unbounded_recursion_exhausts_the_stack)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_rec);
    vt_expect_trap(&e, inst, "inf", VT_ARGS(val_i32(0)), 1, WVM_TRAP_STACK_OVERFLOW, 0, 0x38);
    /* the store is usable afterwards, with its whole stack */
    cr_assert_eq(vt_depth(&e, inst, "depth", 100), 100);
    vt_expect_trap(&e, inst, "inf", VT_ARGS(val_i32(0)), 1, WVM_TRAP_STACK_OVERFLOW, 0, 0x38);
    cr_assert_eq(vt_depth(&e, inst, "depth", 5000), 5000);
    vt_close(&e);
}

Test(vm, deep_bounded_recursion)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_rec);
    cr_assert_eq(vt_depth(&e, inst, "depth", 5000), 5000);
    cr_assert_eq(vt_depth(&e, inst, "depth", 9000), 9000);
    cr_assert_eq(vt_depth(&e, inst, "wide", 5000), 5000);
    vt_close(&e);
}

/* Frames with many locals exhaust the value stack before the call depth limit. */
Test(vm, value_stack_exhaustion)
{
    wvm_config c;
    wvm_config_default(&c);
    c.value_stack_slots = 4096;
    vt_env e;
    vt_open(&e, &c);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_rec);
    cr_assert_eq(vt_depth(&e, inst, "wide", 10), 10);
    vt_expect_trap(&e, inst, "wide", VT_ARGS(val_i32(1000)), 1, WVM_TRAP_STACK_OVERFLOW, 2,
                   0x65);
    cr_assert_eq(vt_depth(&e, inst, "wide", 10), 10);
    cr_assert_eq(vt_depth(&e, inst, "depth", 500), 500);
    vt_close(&e);
}

Test(vm, call_depth_limit)
{
    wvm_config c;
    wvm_config_default(&c);
    c.max_call_depth = 100;
    vt_env e;
    vt_open(&e, &c);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_rec);
    cr_assert_eq(vt_depth(&e, inst, "depth", 50), 50);
    vt_expect_trap(&e, inst, "depth", VT_ARGS(val_i32(200)), 1, WVM_TRAP_STACK_OVERFLOW, 1,
                   0x4d);
    cr_assert_eq(vt_depth(&e, inst, "depth", 90), 90);
    vt_close(&e);
}

/* ---- multiple values ---- */

/*
 * (module
 *   (func $swap3 (export "swap3") (param i32 i32 i32) (result i32 i32 i32)
 *     (local.get 1) (local.get 0) (local.get 2) (return))
 *   (func (export "rot3") (param i32 i32 i32) (result i32 i32 i32)
 *     (local.get 1) (local.get 2) (local.get 0))
 *   (func (export "rev3") (param i64 i64 i64) (result i64 i64 i64)
 *     (local.get 2) (local.get 1) (local.get 0) (return))
 *   (func (export "dup") (param i32) (result i32 i32 i32)
 *     (local.get 0) (i32.const 5) (local.get 0))
 *   (func (export "mixed") (param i32 f64 i64) (result i64 i32 f64)
 *     (local.get 2) (local.get 0) (local.get 1))
 *   (func (export "extra") (param i32 i32 i32 i32) (result i32 i32)
 *     (local.get 3) (local.get 0))
 *   (func (export "block_swap") (param i32 i32) (result i32 i32)
 *     (block (result i32 i32) (local.get 1) (local.get 0)))
 *   (func (export "br_ret") (param i32 i32 i32) (result i32 i32 i32)
 *     (block
 *       (local.get 2) (local.get 0) (local.get 1)
 *       (br_if 1 (local.get 0))
 *       (drop) (drop) (drop))
 *     (local.get 1) (local.get 2) (local.get 0))
 *   (func (export "br_block") (param i32 i32 i32) (result i32 i32 i32)
 *     (block (result i32 i32 i32)
 *       (local.get 2) (local.get 0) (local.get 1)
 *       (br_if 0 (local.get 0))
 *       (drop) (drop) (drop)
 *       (local.get 1) (local.get 2) (local.get 0)))
 *   (func (export "call_swap") (param i32 i32 i32) (result i32 i32 i32)
 *     (call $swap3 (local.get 2) (local.get 1) (local.get 0)))
 *   (func (export "loop_swap") (param $n i32) (param i32 i32) (result i32 i32)
 *     (local.get 1) (local.get 2)
 *     (loop $l (param i32 i32) (result i32 i32)
 *       (local.set 2) (local.set 1)
 *       (local.get 2) (local.get 1)
 *       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *       (br_if $l (local.get $n)))))
 */
static const uint8_t wasm_multi[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x46, 0x09, 0x60,
    0x03, 0x7f, 0x7f, 0x7f, 0x03, 0x7f, 0x7f, 0x7f, 0x60, 0x03, 0x7e, 0x7e,
    0x7e, 0x03, 0x7e, 0x7e, 0x7e, 0x60, 0x01, 0x7f, 0x03, 0x7f, 0x7f, 0x7f,
    0x60, 0x03, 0x7f, 0x7c, 0x7e, 0x03, 0x7e, 0x7f, 0x7c, 0x60, 0x04, 0x7f,
    0x7f, 0x7f, 0x7f, 0x02, 0x7f, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x02, 0x7f,
    0x7f, 0x60, 0x00, 0x02, 0x7f, 0x7f, 0x60, 0x00, 0x03, 0x7f, 0x7f, 0x7f,
    0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x02, 0x7f, 0x7f, 0x03, 0x0c, 0x0b, 0x00,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00, 0x08, 0x07, 0x66,
    0x0b, 0x05, 0x73, 0x77, 0x61, 0x70, 0x33, 0x00, 0x00, 0x04, 0x72, 0x6f,
    0x74, 0x33, 0x00, 0x01, 0x04, 0x72, 0x65, 0x76, 0x33, 0x00, 0x02, 0x03,
    0x64, 0x75, 0x70, 0x00, 0x03, 0x05, 0x6d, 0x69, 0x78, 0x65, 0x64, 0x00,
    0x04, 0x05, 0x65, 0x78, 0x74, 0x72, 0x61, 0x00, 0x05, 0x0a, 0x62, 0x6c,
    0x6f, 0x63, 0x6b, 0x5f, 0x73, 0x77, 0x61, 0x70, 0x00, 0x06, 0x06, 0x62,
    0x72, 0x5f, 0x72, 0x65, 0x74, 0x00, 0x07, 0x08, 0x62, 0x72, 0x5f, 0x62,
    0x6c, 0x6f, 0x63, 0x6b, 0x00, 0x08, 0x09, 0x63, 0x61, 0x6c, 0x6c, 0x5f,
    0x73, 0x77, 0x61, 0x70, 0x00, 0x09, 0x09, 0x6c, 0x6f, 0x6f, 0x70, 0x5f,
    0x73, 0x77, 0x61, 0x70, 0x00, 0x0a, 0x0a, 0x9b, 0x01, 0x0b, 0x09, 0x00,
    0x20, 0x01, 0x20, 0x00, 0x20, 0x02, 0x0f, 0x0b, 0x08, 0x00, 0x20, 0x01,
    0x20, 0x02, 0x20, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x02, 0x20, 0x01, 0x20,
    0x00, 0x0f, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x41, 0x05, 0x20, 0x00, 0x0b,
    0x08, 0x00, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0x0b, 0x06, 0x00, 0x20,
    0x03, 0x20, 0x00, 0x0b, 0x09, 0x00, 0x02, 0x06, 0x20, 0x01, 0x20, 0x00,
    0x0b, 0x0b, 0x18, 0x00, 0x02, 0x40, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01,
    0x20, 0x00, 0x0d, 0x01, 0x1a, 0x1a, 0x1a, 0x0b, 0x20, 0x01, 0x20, 0x02,
    0x20, 0x00, 0x0b, 0x18, 0x00, 0x02, 0x07, 0x20, 0x02, 0x20, 0x00, 0x20,
    0x01, 0x20, 0x00, 0x0d, 0x00, 0x1a, 0x1a, 0x1a, 0x20, 0x01, 0x20, 0x02,
    0x20, 0x00, 0x0b, 0x0b, 0x0a, 0x00, 0x20, 0x02, 0x20, 0x01, 0x20, 0x00,
    0x10, 0x00, 0x0b, 0x1c, 0x00, 0x20, 0x01, 0x20, 0x02, 0x03, 0x05, 0x21,
    0x02, 0x21, 0x01, 0x20, 0x02, 0x20, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b,
    0x21, 0x00, 0x20, 0x00, 0x0d, 0x00, 0x0b, 0x0b,
};

/* Calls export `name` with three i32 arguments and checks its three i32 results. */
static void vt_check3(vt_env *e, wvm_instance *inst, const char *name, int32_t a, int32_t b,
                      int32_t c, int32_t r0, int32_t r1, int32_t r2)
{
    wvm_val r[3];
    vt_call(e, inst, name, VT_ARGS(val_i32(a), val_i32(b), val_i32(c)), r, 3);
    cr_assert(r[0].of.i32 == r0 && r[1].of.i32 == r1 && r[2].of.i32 == r2,
              "%s(%d, %d, %d) = (%d, %d, %d), want (%d, %d, %d)", name, a, b, c, r[0].of.i32,
              r[1].of.i32, r[2].of.i32, r0, r1, r2);
}

Test(vm, multi_value_returns)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_multi);
    vt_check3(&e, inst, "swap3", 1, 2, 3, 2, 1, 3);
    vt_check3(&e, inst, "rot3", 1, 2, 3, 2, 3, 1);
    vt_check3(&e, inst, "call_swap", 1, 2, 3, 2, 3, 1);

    wvm_val r[3];
    vt_call(&e, inst, "rev3", VT_ARGS(val_i64(1), val_i64(INT64_MIN), val_i64(0x300000000)), r, 3);
    cr_assert(r[0].of.i64 == 0x300000000 && r[1].of.i64 == INT64_MIN && r[2].of.i64 == 1);

    vt_call(&e, inst, "dup", VT_ARGS(val_i32(9)), r, 3);
    cr_assert(r[0].of.i32 == 9 && r[1].of.i32 == 5 && r[2].of.i32 == 9);

    vt_call(&e, inst, "mixed", VT_ARGS(val_i32(-4), val_f64(2.5), val_i64(1LL << 40)), r, 3);
    cr_assert_eq(r[0].kind, WVM_I64);
    cr_assert_eq(r[0].of.i64, 1LL << 40);
    cr_assert_eq(r[1].kind, WVM_I32);
    cr_assert_eq(r[1].of.i32, -4);
    cr_assert_eq(r[2].kind, WVM_F64);
    cr_assert_eq(r[2].of.f64, 2.5);

    vt_call(&e, inst, "extra", VT_ARGS(val_i32(1), val_i32(2), val_i32(3), val_i32(4)), r, 2);
    cr_assert(r[0].of.i32 == 4 && r[1].of.i32 == 1);
    vt_close(&e);
}

Test(vm, multi_value_blocks_and_branches)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_multi);
    wvm_val r[2];
    vt_call(&e, inst, "block_swap", VT_ARGS(val_i32(1), val_i32(2)), r, 2);
    cr_assert(r[0].of.i32 == 2 && r[1].of.i32 == 1);
    /* taken: (l2, l0, l1); not taken: (l1, l2, l0) */
    vt_check3(&e, inst, "br_ret", 1, 2, 3, 3, 1, 2);
    vt_check3(&e, inst, "br_ret", 0, 2, 3, 2, 3, 0);
    vt_check3(&e, inst, "br_block", 7, 2, 3, 3, 7, 2);
    vt_check3(&e, inst, "br_block", 0, 2, 3, 2, 3, 0);
    /* each loop iteration swaps the two loop parameters */
    for (int n = 1; n <= 5; n++) {
        vt_call(&e, inst, "loop_swap", VT_ARGS(val_i32(n), val_i32(10), val_i32(20)), r, 2);
        int32_t want0 = (n % 2) ? 20 : 10;
        cr_assert(r[0].of.i32 == want0 && r[1].of.i32 == 30 - want0,
                  "loop_swap(%d) = (%d, %d)", n, r[0].of.i32, r[1].of.i32);
    }
    vt_close(&e);
}

/* ---- control flow and operand tracking ---- */

/*
 * (module
 *   (func (export "bt") (param $n i32) (result i32)
 *     (local $acc i32)
 *     (block $exit (result i32)
 *       (loop $top
 *         (block $odd (result i32)
 *           (block $even (result i32)
 *             (local.get $acc)
 *             (br_table $even $odd $exit
 *               (select (i32.const 2) (i32.and (local.get $n) (i32.const 1))
 *                       (i32.eqz (local.get $n)))))
 *           (i32.add (i32.add (local.get $n) (i32.const 100)))
 *           (local.set $acc)
 *           (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *           (br $top))
 *         (i32.sub (i32.mul (local.get $n) (i32.const 3)))
 *         (local.set $acc)
 *         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *         (br $top))
 *       (unreachable)))
 *   (func (export "bt_loop") (param $n i32) (result i32)
 *     (local $acc i32)
 *     (i32.const 0)
 *     (loop $l (param i32) (result i32)
 *       (local.set $acc (i32.add (local.get $n)))
 *       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *       (local.get $acc)
 *       (br_table 1 $l (i32.gt_s (local.get $n) (i32.const 0)))))
 *   (func (export "tee_chain") (param $n i32) (result i32)
 *     (local $a i32) (local $b i32) (local $cnt i32)
 *     (block $done
 *       (loop $l
 *         (br_if $done (local.tee $b (local.tee $a (i32.lt_s (local.get $n) (i32.const 1)))))
 *         (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
 *         (local.set $n (i32.sub (local.get $n) (i32.const 2)))
 *         (br $l)))
 *     (i32.add (i32.mul (local.get $cnt) (i32.const 100)) (i32.add (local.get $a) (local.get $b))))
 *   (func (export "pending") (param $x i32) (result i32)
 *     (local.get $x)
 *     (local.set $x (i32.add (local.get $x) (i32.const 10)))
 *     (local.get $x)
 *     (i32.mul))
 *   (func (export "pending_const") (param $x i32) (result i32)
 *     (local.get $x)
 *     (local.set $x (i32.const 5))
 *     (local.get $x)
 *     (i32.sub))
 *   (func (export "brif_val") (param $x i32) (param $y i32) (result i32)
 *     (block $b (result i32)
 *       (local.get $x)
 *       (local.set $x (i32.mul (local.get $y) (i32.const 2)))
 *       (br_if $b (i32.lt_s (local.get $x) (local.get $y)))
 *       (local.get $x)
 *       (i32.add)))
 *   (func (export "set_chain") (param $x i32) (result i32)
 *     (local $a i32) (local $b i32) (local $c i32)
 *     (local.set $c (local.tee $b (local.tee $a (i32.add (local.get $x) (i32.const 1)))))
 *     (local.set $a (local.get $b))
 *     (local.set $b (local.get $x))
 *     (if (result i32) (i32.ne (local.get $a) (local.get $c))
 *       (then (i32.const -1))
 *       (else (i32.add (i32.mul (local.get $a) (i32.const 1000)) (local.get $b)))))
 *   (func (export "sel") (param $c i32) (result i32)
 *     (select (i32.const 11) (i32.const 22) (local.get $c)))
 *   (func (export "sel64") (param $c i32) (result i64)
 *     (select (i64.const 0x123456789) (i64.const -5) (local.get $c)))
 *   (func (export "sel_f64") (param $c i32) (result f64)
 *     (select (f64.const 1.5) (f64.const -0.0) (local.get $c)))
 *   (func (export "sel_const_cond") (param $a i32) (param $b i32) (result i32)
 *     (i32.sub (select (local.get $a) (local.get $b) (i32.const 0))
 *              (select (local.get $a) (local.get $b) (i32.const 7))))
 *   (func (export "sel_same") (param $a i32) (param $c i32) (result i32)
 *     (local.set $a (select (i32.const 3) (local.get $a) (local.get $c)))
 *     (local.get $a)))
 */
static const uint8_t wasm_control[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x16, 0x04, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01,
    0x7f, 0x01, 0x7e, 0x60, 0x01, 0x7f, 0x01, 0x7c, 0x03, 0x0d, 0x0c, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x03, 0x01, 0x01, 0x07,
    0x81, 0x01, 0x0c, 0x02, 0x62, 0x74, 0x00, 0x00, 0x07, 0x62, 0x74, 0x5f,
    0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x01, 0x09, 0x74, 0x65, 0x65, 0x5f, 0x63,
    0x68, 0x61, 0x69, 0x6e, 0x00, 0x02, 0x07, 0x70, 0x65, 0x6e, 0x64, 0x69,
    0x6e, 0x67, 0x00, 0x03, 0x0d, 0x70, 0x65, 0x6e, 0x64, 0x69, 0x6e, 0x67,
    0x5f, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x00, 0x04, 0x08, 0x62, 0x72, 0x69,
    0x66, 0x5f, 0x76, 0x61, 0x6c, 0x00, 0x05, 0x09, 0x73, 0x65, 0x74, 0x5f,
    0x63, 0x68, 0x61, 0x69, 0x6e, 0x00, 0x06, 0x03, 0x73, 0x65, 0x6c, 0x00,
    0x07, 0x05, 0x73, 0x65, 0x6c, 0x36, 0x34, 0x00, 0x08, 0x07, 0x73, 0x65,
    0x6c, 0x5f, 0x66, 0x36, 0x34, 0x00, 0x09, 0x0e, 0x73, 0x65, 0x6c, 0x5f,
    0x63, 0x6f, 0x6e, 0x73, 0x74, 0x5f, 0x63, 0x6f, 0x6e, 0x64, 0x00, 0x0a,
    0x08, 0x73, 0x65, 0x6c, 0x5f, 0x73, 0x61, 0x6d, 0x65, 0x00, 0x0b, 0x0a,
    0xcb, 0x02, 0x0c, 0x46, 0x01, 0x01, 0x7f, 0x02, 0x7f, 0x03, 0x40, 0x02,
    0x7f, 0x02, 0x7f, 0x20, 0x01, 0x41, 0x02, 0x20, 0x00, 0x41, 0x01, 0x71,
    0x20, 0x00, 0x45, 0x1b, 0x0e, 0x02, 0x00, 0x01, 0x03, 0x0b, 0x20, 0x00,
    0x41, 0xe4, 0x00, 0x6a, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b,
    0x21, 0x00, 0x0c, 0x01, 0x0b, 0x20, 0x00, 0x41, 0x03, 0x6c, 0x6b, 0x21,
    0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x00,
    0x0b, 0x0b, 0x20, 0x01, 0x01, 0x7f, 0x41, 0x00, 0x03, 0x00, 0x20, 0x00,
    0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x20, 0x01,
    0x20, 0x00, 0x41, 0x00, 0x4a, 0x0e, 0x01, 0x01, 0x00, 0x0b, 0x0b, 0x31,
    0x01, 0x03, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x48,
    0x22, 0x01, 0x22, 0x02, 0x0d, 0x01, 0x20, 0x03, 0x41, 0x01, 0x6a, 0x21,
    0x03, 0x20, 0x00, 0x41, 0x02, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b,
    0x20, 0x03, 0x41, 0xe4, 0x00, 0x6c, 0x20, 0x01, 0x20, 0x02, 0x6a, 0x6a,
    0x0b, 0x0e, 0x00, 0x20, 0x00, 0x20, 0x00, 0x41, 0x0a, 0x6a, 0x21, 0x00,
    0x20, 0x00, 0x6c, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x41, 0x05, 0x21, 0x00,
    0x20, 0x00, 0x6b, 0x0b, 0x18, 0x00, 0x02, 0x7f, 0x20, 0x00, 0x20, 0x01,
    0x41, 0x02, 0x6c, 0x21, 0x00, 0x20, 0x00, 0x20, 0x01, 0x48, 0x0d, 0x00,
    0x20, 0x00, 0x6a, 0x0b, 0x0b, 0x2b, 0x01, 0x03, 0x7f, 0x20, 0x00, 0x41,
    0x01, 0x6a, 0x22, 0x01, 0x22, 0x02, 0x21, 0x03, 0x20, 0x02, 0x21, 0x01,
    0x20, 0x00, 0x21, 0x02, 0x20, 0x01, 0x20, 0x03, 0x47, 0x04, 0x7f, 0x41,
    0x7f, 0x05, 0x20, 0x01, 0x41, 0xe8, 0x07, 0x6c, 0x20, 0x02, 0x6a, 0x0b,
    0x0b, 0x09, 0x00, 0x41, 0x0b, 0x41, 0x16, 0x20, 0x00, 0x1b, 0x0b, 0x0d,
    0x00, 0x42, 0x89, 0xcf, 0x95, 0x9a, 0x12, 0x42, 0x7b, 0x20, 0x00, 0x1b,
    0x0b, 0x17, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f,
    0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x20, 0x00, 0x1b,
    0x0b, 0x11, 0x00, 0x20, 0x00, 0x20, 0x01, 0x41, 0x00, 0x1b, 0x20, 0x00,
    0x20, 0x01, 0x41, 0x07, 0x1b, 0x6b, 0x0b, 0x0d, 0x00, 0x41, 0x03, 0x20,
    0x00, 0x20, 0x01, 0x1b, 0x21, 0x00, 0x20, 0x00, 0x0b,
};

/* What "bt" computes. */
static int32_t vt_ref_bt(int32_t n)
{
    uint32_t acc = 0;
    for (; n != 0; n--)
        acc = (n & 1) ? acc - 3u * (uint32_t)n : acc + (uint32_t)n + 100u;
    return (int32_t)acc;
}

Test(vm, br_table_values_in_loop)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_control);
    cr_assert_eq(vt_call_i32(&e, inst, "bt", 1, 10), 455);
    for (int32_t n = 0; n <= 40; n++)
        cr_assert_eq(vt_call_i32(&e, inst, "bt", 1, n), vt_ref_bt(n), "bt(%d)", n);
    for (int32_t n = -3; n <= 40; n++) {
        int32_t want = n <= 0 ? n : n * (n + 1) / 2;
        cr_assert_eq(vt_call_i32(&e, inst, "bt_loop", 1, n), want, "bt_loop(%d)", n);
    }
    vt_close(&e);
}

Test(vm, tee_and_set_chains)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_control);
    for (int32_t n = -2; n <= 9; n++) {
        int32_t cnt = n > 0 ? (n + 1) / 2 : 0;
        cr_assert_eq(vt_call_i32(&e, inst, "tee_chain", 1, n), cnt * 100 + 2, "tee_chain(%d)",
                     n);
    }
    /* a pending read of a local survives a later write of that local */
    cr_assert_eq(vt_call_i32(&e, inst, "pending", 1, 3), 39);
    cr_assert_eq(vt_call_i32(&e, inst, "pending", 1, -10), 0);
    cr_assert_eq(vt_call_i32(&e, inst, "pending_const", 1, 12), 7);
    cr_assert_eq(vt_call_i32(&e, inst, "brif_val", 2, 5, 7), 19);
    cr_assert_eq(vt_call_i32(&e, inst, "brif_val", 2, 5, -7), 5);
    cr_assert_eq(vt_call_i32(&e, inst, "brif_val", 2, 5, 0), 5);
    cr_assert_eq(vt_call_i32(&e, inst, "set_chain", 1, 4), 5004);
    cr_assert_eq(vt_call_i32(&e, inst, "set_chain", 1, -1), -1);
    vt_close(&e);
}

Test(vm, select_with_constants)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_control);
    cr_assert_eq(vt_call_i32(&e, inst, "sel", 1, 0), 22);
    cr_assert_eq(vt_call_i32(&e, inst, "sel", 1, 1), 11);
    cr_assert_eq(vt_call_i32(&e, inst, "sel", 1, -5), 11);
    wvm_val r;
    vt_call(&e, inst, "sel64", VT_ARGS(val_i32(1)), &r, 1);
    cr_assert_eq(r.of.i64, 0x123456789);
    vt_call(&e, inst, "sel64", VT_ARGS(val_i32(0)), &r, 1);
    cr_assert_eq(r.of.i64, -5);
    vt_call(&e, inst, "sel_f64", VT_ARGS(val_i32(1)), &r, 1);
    cr_assert_eq(r.of.f64, 1.5);
    vt_call(&e, inst, "sel_f64", VT_ARGS(val_i32(0)), &r, 1);
    cr_assert_eq(r.of.f64_bits, 0x8000000000000000ull); /* -0.0 */
    cr_assert_eq(vt_call_i32(&e, inst, "sel_const_cond", 2, 3, 10), 7);
    cr_assert_eq(vt_call_i32(&e, inst, "sel_same", 2, 9, 0), 9);
    cr_assert_eq(vt_call_i32(&e, inst, "sel_same", 2, 9, 1), 3);
    vt_close(&e);
}

/*
 * (module
 *   (func (export "add_big") (param i64) (result i64)
 *     (i64.add (local.get 0) (i64.const 0x100000000)))
 *   (func (export "and_u32max") (param i64) (result i64)
 *     (i64.and (local.get 0) (i64.const 0xFFFFFFFF)))
 *   (func (export "sub_2p31") (param i64) (result i64)
 *     (i64.sub (local.get 0) (i64.const 0x80000000)))
 *   (func (export "xor_m2") (param i64) (result i64)
 *     (i64.xor (local.get 0) (i64.const -2)))
 *   (func (export "add_min32") (param i64) (result i64)
 *     (i64.add (local.get 0) (i64.const -0x80000000)))
 *   (func (export "mul_left") (param i64) (result i64)
 *     (i64.mul (i64.const 0x100000001) (local.get 0)))
 *   (func (export "lt_big") (param i64) (result i32)
 *     (i64.lt_s (local.get 0) (i64.const 0x7FFFFFFF00000000)))
 *   (func (export "br_gt_u32max") (param i64) (result i32)
 *     (block (br_if 0 (i64.gt_u (local.get 0) (i64.const 0xFFFFFFFF))) (return (i32.const 0)))
 *     (i32.const 1))
 *   (func (export "const_ret") (result i64)
 *     (i64.const 0xDEADBEEFCAFEBABE))
 *   (func (export "const_u32max") (result i64)
 *     (i64.const 0xFFFFFFFF))
 *   (func (export "i32_ops") (param i32) (result i32)
 *     (i32.xor (i32.add (local.get 0) (i32.const 0x80000000)) (i32.const 0xFFFFFFFF))))
 */
static const uint8_t wasm_i64imm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x14, 0x04, 0x60,
    0x01, 0x7e, 0x01, 0x7e, 0x60, 0x01, 0x7e, 0x01, 0x7f, 0x60, 0x00, 0x01,
    0x7e, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x0c, 0x0b, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x02, 0x03, 0x07, 0x80, 0x01, 0x0b,
    0x07, 0x61, 0x64, 0x64, 0x5f, 0x62, 0x69, 0x67, 0x00, 0x00, 0x0a, 0x61,
    0x6e, 0x64, 0x5f, 0x75, 0x33, 0x32, 0x6d, 0x61, 0x78, 0x00, 0x01, 0x08,
    0x73, 0x75, 0x62, 0x5f, 0x32, 0x70, 0x33, 0x31, 0x00, 0x02, 0x06, 0x78,
    0x6f, 0x72, 0x5f, 0x6d, 0x32, 0x00, 0x03, 0x09, 0x61, 0x64, 0x64, 0x5f,
    0x6d, 0x69, 0x6e, 0x33, 0x32, 0x00, 0x04, 0x08, 0x6d, 0x75, 0x6c, 0x5f,
    0x6c, 0x65, 0x66, 0x74, 0x00, 0x05, 0x06, 0x6c, 0x74, 0x5f, 0x62, 0x69,
    0x67, 0x00, 0x06, 0x0c, 0x62, 0x72, 0x5f, 0x67, 0x74, 0x5f, 0x75, 0x33,
    0x32, 0x6d, 0x61, 0x78, 0x00, 0x07, 0x09, 0x63, 0x6f, 0x6e, 0x73, 0x74,
    0x5f, 0x72, 0x65, 0x74, 0x00, 0x08, 0x0c, 0x63, 0x6f, 0x6e, 0x73, 0x74,
    0x5f, 0x75, 0x33, 0x32, 0x6d, 0x61, 0x78, 0x00, 0x09, 0x07, 0x69, 0x33,
    0x32, 0x5f, 0x6f, 0x70, 0x73, 0x00, 0x0a, 0x0a, 0x91, 0x01, 0x0b, 0x0b,
    0x00, 0x20, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7c, 0x0b, 0x0b,
    0x00, 0x20, 0x00, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83, 0x0b, 0x0b,
    0x00, 0x20, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7d, 0x0b, 0x07,
    0x00, 0x20, 0x00, 0x42, 0x7e, 0x85, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x42,
    0x80, 0x80, 0x80, 0x80, 0x78, 0x7c, 0x0b, 0x0b, 0x00, 0x42, 0x81, 0x80,
    0x80, 0x80, 0x10, 0x20, 0x00, 0x7e, 0x0b, 0x10, 0x00, 0x20, 0x00, 0x42,
    0x80, 0x80, 0x80, 0x80, 0xf0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x53, 0x0b,
    0x15, 0x00, 0x02, 0x40, 0x20, 0x00, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f,
    0x56, 0x0d, 0x00, 0x41, 0x00, 0x0f, 0x0b, 0x41, 0x01, 0x0b, 0x0c, 0x00,
    0x42, 0xbe, 0xf5, 0xfa, 0xd7, 0xfc, 0xdd, 0xef, 0xd6, 0x5e, 0x0b, 0x08,
    0x00, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b, 0x0e, 0x00, 0x20, 0x00,
    0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x6a, 0x41, 0x7f, 0x73, 0x0b,
};

Test(vm, i64_immediates_wider_than_32_bits)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_i64imm);
    cr_assert_eq(vt_call_i64(&e, inst, "add_big", 5), 0x100000005);
    cr_assert_eq(vt_call_i64(&e, inst, "and_u32max", -1), 0xFFFFFFFF);
    cr_assert_eq(vt_call_i64(&e, inst, "sub_2p31", 0), -0x80000000LL);
    cr_assert_eq(vt_call_i64(&e, inst, "xor_m2", 0), -2);
    cr_assert_eq(vt_call_i64(&e, inst, "add_min32", 0), -0x80000000LL);
    cr_assert_eq(vt_call_i64(&e, inst, "mul_left", 3), 0x300000003);
    wvm_val arg = val_i64(0x7FFFFFFEFFFFFFFF), r;
    vt_call(&e, inst, "lt_big", &arg, 1, &r, 1);
    cr_assert_eq(r.of.i32, 1);
    arg = val_i64(0x7FFFFFFF00000000);
    vt_call(&e, inst, "lt_big", &arg, 1, &r, 1);
    cr_assert_eq(r.of.i32, 0);
    static const int64_t gt_in[] = {0xFFFFFFFF, 0x100000000, -1, 0, 0x7FFFFFFF};
    static const int32_t gt_out[] = {0, 1, 1, 0, 0};
    for (size_t i = 0; i < sizeof gt_in / sizeof gt_in[0]; i++) {
        arg = val_i64(gt_in[i]);
        vt_call(&e, inst, "br_gt_u32max", &arg, 1, &r, 1);
        cr_assert_eq(r.of.i32, gt_out[i], "br_gt_u32max(%lld)", (long long)gt_in[i]);
    }
    vt_call(&e, inst, "const_ret", VT_NOARGS, &r, 1);
    cr_assert_eq((uint64_t)r.of.i64, 0xDEADBEEFCAFEBABEull);
    vt_call(&e, inst, "const_u32max", VT_NOARGS, &r, 1);
    cr_assert_eq(r.of.i64, 0xFFFFFFFF);
    cr_assert_eq(vt_call_i32(&e, inst, "i32_ops", 1, 1), 0x7FFFFFFE);
    vt_close(&e);
}

/* ---- memory growth ---- */

/*
 * (module
 *   (memory 1 4)
 *   (func (export "grow_use") (param $d i32) (result i32)
 *     (local $end i32)
 *     (i32.store (i32.const 100) (i32.const 1234))
 *     (if (i32.eq (memory.grow (local.get $d)) (i32.const -1))
 *       (then (return (i32.const -1))))
 *     (local.set $end (i32.mul (memory.size) (i32.const 65536)))
 *     (i64.store offset=0 (i32.sub (local.get $end) (i32.const 8)) (i64.const 0x0102030405060708))
 *     (i32.add (i32.load (i32.const 100))
 *              (i32.wrap_i64 (i64.load (i32.sub (local.get $end) (i32.const 8))))))
 *   (func (export "size") (result i32) (memory.size))
 *   (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
 */
static const uint8_t wasm_grow[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00,
    0x01, 0x00, 0x05, 0x04, 0x01, 0x01, 0x01, 0x04, 0x07, 0x1a, 0x03, 0x08,
    0x67, 0x72, 0x6f, 0x77, 0x5f, 0x75, 0x73, 0x65, 0x00, 0x00, 0x04, 0x73,
    0x69, 0x7a, 0x65, 0x00, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x02,
    0x0a, 0x54, 0x03, 0x45, 0x01, 0x01, 0x7f, 0x41, 0xe4, 0x00, 0x41, 0xd2,
    0x09, 0x36, 0x02, 0x00, 0x20, 0x00, 0x40, 0x00, 0x41, 0x7f, 0x46, 0x04,
    0x40, 0x41, 0x7f, 0x0f, 0x0b, 0x3f, 0x00, 0x41, 0x80, 0x80, 0x04, 0x6c,
    0x21, 0x01, 0x20, 0x01, 0x41, 0x08, 0x6b, 0x42, 0x88, 0x8e, 0x98, 0xa8,
    0xc0, 0xe0, 0x80, 0x81, 0x01, 0x37, 0x03, 0x00, 0x41, 0xe4, 0x00, 0x28,
    0x02, 0x00, 0x20, 0x01, 0x41, 0x08, 0x6b, 0x29, 0x03, 0x00, 0xa7, 0x6a,
    0x0b, 0x04, 0x00, 0x3f, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02,
    0x00, 0x0b,
};

Test(vm, memory_grow_then_access_new_pages)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_grow);
    vt_expect_trap(&e, inst, "load", VT_ARGS(val_i32(65536)), 1, WVM_TRAP_MEMORY_OUT_OF_BOUNDS,
                   2, 0x8e);
    cr_assert_eq(vt_call_i32(&e, inst, "grow_use", 1, 2), 1234 + 0x05060708);
    cr_assert_eq(vt_call_i32(&e, inst, "size", 0), 3);
    cr_assert_eq(vt_call_i32(&e, inst, "load", 1, 3 * 65536 - 8), 0x05060708);
    cr_assert_eq(vt_call_i32(&e, inst, "load", 1, 3 * 65536 - 4), 0x01020304);
    cr_assert_eq(vt_call_i32(&e, inst, "load", 1, 65536), 0); /* new pages are zeroed */
    cr_assert_eq(vt_call_i32(&e, inst, "load", 1, 100), 1234);
    vt_expect_trap(&e, inst, "load", VT_ARGS(val_i32(3 * 65536 - 3)), 1,
                   WVM_TRAP_MEMORY_OUT_OF_BOUNDS, 2, 0x8e);
    /* past the maximum of 4 pages: memory.grow returns -1 and nothing changes */
    cr_assert_eq(vt_call_i32(&e, inst, "grow_use", 1, 2), -1);
    cr_assert_eq(vt_call_i32(&e, inst, "size", 0), 3);
    cr_assert_eq(vt_call_i32(&e, inst, "grow_use", 1, 1), 1234 + 0x05060708);
    cr_assert_eq(vt_call_i32(&e, inst, "size", 0), 4);
    cr_assert_eq(vt_call_i32(&e, inst, "load", 1, 3 * 65536 - 8), 0x05060708);
    vt_close(&e);
}

/* ---- call_indirect across instances ---- */

/*
 * (module
 *   (type $i2i (func (param i32) (result i32)))
 *   (memory 1)
 *   (global $g (mut i32) (i32.const 100))
 *   (table $t (export "tab") 4 funcref)
 *   (data (i32.const 0) "\0a\00\00\00\01\00\00\00")
 *   (elem (i32.const 0) $a_fn)
 *   (func $a_fn (type $i2i)
 *     (i32.add (local.get 0) (i32.add (i32.load (i32.const 0)) (global.get $g))))
 *   (func (export "call") (param $i i32) (param $x i32) (result i32)
 *     (i32.add (call_indirect $t (type $i2i) (local.get $x) (local.get $i))
 *              (i32.load (i32.const 4)))))
 */
static const uint8_t wasm_shareA[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x02, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x03,
    0x02, 0x00, 0x01, 0x04, 0x04, 0x01, 0x70, 0x00, 0x04, 0x05, 0x03, 0x01,
    0x00, 0x01, 0x06, 0x07, 0x01, 0x7f, 0x01, 0x41, 0xe4, 0x00, 0x0b, 0x07,
    0x0e, 0x02, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00, 0x04, 0x63, 0x61, 0x6c,
    0x6c, 0x00, 0x01, 0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,
    0x0a, 0x1f, 0x02, 0x0d, 0x00, 0x20, 0x00, 0x41, 0x00, 0x28, 0x02, 0x00,
    0x23, 0x00, 0x6a, 0x6a, 0x0b, 0x0f, 0x00, 0x20, 0x01, 0x20, 0x00, 0x11,
    0x00, 0x00, 0x41, 0x04, 0x28, 0x02, 0x00, 0x6a, 0x0b, 0x0b, 0x0e, 0x01,
    0x00, 0x41, 0x00, 0x0b, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00,
};

/*
 * (module
 *   (type $other (func (param f32)))
 *   (type $i2i (func (param i32) (result i32)))
 *   (type $v2i (func (result i32)))
 *   (import "A" "tab" (table $t 4 funcref))
 *   (memory 1)
 *   (global $g (mut i32) (i32.const 5000))
 *   (data (i32.const 0) "\14\00\00\00\02\00\00\00")
 *   (elem (i32.const 1) $b_fn $b_div)
 *   (func $b_fn (type $i2i)
 *     (i32.mul (local.get 0) (i32.add (i32.load (i32.const 0)) (global.get $g))))
 *   (func $b_div (type $i2i)
 *     (i32.div_u (i32.const 1000) (local.get 0)))
 *   (func (export "call") (param $i i32) (param $x i32) (result i32)
 *     (i32.add (call_indirect $t (type $i2i) (local.get $x) (local.get $i))
 *              (i32.load (i32.const 4))))
 *   (func (export "call_wrong") (param $i i32) (result i32)
 *     (call_indirect $t (type $v2i) (local.get $i))))
 */
static const uint8_t wasm_shareB[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x14, 0x04, 0x60,
    0x01, 0x7d, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f,
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x02, 0x0b, 0x01, 0x01, 0x41, 0x03,
    0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x04, 0x03, 0x05, 0x04, 0x01, 0x01,
    0x03, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x06, 0x07, 0x01, 0x7f, 0x01,
    0x41, 0x88, 0x27, 0x0b, 0x07, 0x15, 0x02, 0x04, 0x63, 0x61, 0x6c, 0x6c,
    0x00, 0x02, 0x0a, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x77, 0x72, 0x6f, 0x6e,
    0x67, 0x00, 0x03, 0x09, 0x08, 0x01, 0x00, 0x41, 0x01, 0x0b, 0x02, 0x00,
    0x01, 0x0a, 0x30, 0x04, 0x0d, 0x00, 0x20, 0x00, 0x41, 0x00, 0x28, 0x02,
    0x00, 0x23, 0x00, 0x6a, 0x6c, 0x0b, 0x08, 0x00, 0x41, 0xe8, 0x07, 0x20,
    0x00, 0x6e, 0x0b, 0x0f, 0x00, 0x20, 0x01, 0x20, 0x00, 0x11, 0x01, 0x00,
    0x41, 0x04, 0x28, 0x02, 0x00, 0x6a, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x11,
    0x02, 0x00, 0x0b, 0x0b, 0x0e, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x08, 0x14,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
};

/* B stores its functions into A's table: each instance calls the other's functions through
 * it, and each function runs with its own instance's memory and globals (also after
 * returning into the caller, which reads its own memory). */
Test(vm, call_indirect_across_instances_sharing_a_table)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *a = VT_INSTANTIATE(&e, wasm_shareA);
    cr_assert_eq(wvm_linker_define_instance(e.linker, "A", a, NULL), WVM_OK);
    wvm_instance *b = VT_INSTANTIATE(&e, wasm_shareB);

    cr_assert_eq(vt_call_i32(&e, a, "call", 2, 0, 1), 1 + 10 + 100 + 1);
    cr_assert_eq(vt_call_i32(&e, a, "call", 2, 1, 2), 2 * (20 + 5000) + 1);
    cr_assert_eq(vt_call_i32(&e, a, "call", 2, 2, 4), 1000 / 4 + 1);
    cr_assert_eq(vt_call_i32(&e, b, "call", 2, 0, 1), 1 + 10 + 100 + 2);
    cr_assert_eq(vt_call_i32(&e, b, "call", 2, 1, 3), 3 * (20 + 5000) + 2);

    /* a trap in B's function called from A is located in B's module */
    vt_expect_trap(&e, a, "call", VT_ARGS(val_i32(2), val_i32(0)), 1,
                   WVM_TRAP_INT_DIVIDE_BY_ZERO, 1, 0x79);
    vt_expect_trap(&e, a, "call", VT_ARGS(val_i32(3), val_i32(0)), 1,
                   WVM_TRAP_INDIRECT_CALL_TO_NULL, 1, 0x5f);
    vt_expect_trap(&e, b, "call", VT_ARGS(val_i32(4), val_i32(0)), 1,
                   WVM_TRAP_TABLE_OUT_OF_BOUNDS, 2, 0x81);
    vt_expect_trap(&e, b, "call_wrong", VT_ARGS(val_i32(0)), 1, WVM_TRAP_BAD_SIGNATURE, 3,
                   0x8f);
    cr_assert_eq(vt_call_i32(&e, b, "call", 2, 1, 1), 20 + 5000 + 2);
    vt_close(&e);
}

/* ---- more control flow, traps and host functions ---- */

/*
 * (module
 *   (type $ii2i (func (param i32 i32) (result i32)))
 *   (import "env" "add" (func $add (type $ii2i)))
 *   (memory 1)
 *   (table $t (export "tab") 3 funcref)
 *   (elem (i32.const 1) $add)
 *   (func (export "fill_until_trap") (param $addr i32)
 *     (loop $l
 *       (i32.store (local.get $addr) (local.get $addr))
 *       (local.set $addr (i32.add (local.get $addr) (i32.const 4096)))
 *       (br $l)))
 *   (func (export "pick") (param $i i32) (result i32)
 *     (block $d (result i32)
 *       (block $c (result i32)
 *         (block $b (result i32)
 *           (block $a (result i32)
 *             (i32.const 10)
 *             (local.get $i)
 *             (br_table $a $b $c $d $d $a $d))
 *           (return (i32.add (i32.const 1))))
 *         (return (i32.add (i32.const 2))))
 *       (return (i32.add (i32.const 3))))
 *     (i32.add (i32.const 4)))
 *   (func (export "call_table") (param $i i32) (param $a i32) (param $b i32) (result i32)
 *     (i32.mul (call_indirect $t (type $ii2i) (local.get $a) (local.get $b) (local.get $i))
 *              (i32.const 10))))
 */
static const uint8_t wasm_misc[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x17, 0x04, 0x60,
    0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x02, 0x0b, 0x01,
    0x03, 0x65, 0x6e, 0x76, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x03, 0x04,
    0x03, 0x01, 0x02, 0x03, 0x04, 0x04, 0x01, 0x70, 0x00, 0x03, 0x05, 0x03,
    0x01, 0x00, 0x01, 0x07, 0x2d, 0x04, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00,
    0x0f, 0x66, 0x69, 0x6c, 0x6c, 0x5f, 0x75, 0x6e, 0x74, 0x69, 0x6c, 0x5f,
    0x74, 0x72, 0x61, 0x70, 0x00, 0x01, 0x04, 0x70, 0x69, 0x63, 0x6b, 0x00,
    0x02, 0x0a, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x74, 0x61, 0x62, 0x6c, 0x65,
    0x00, 0x03, 0x09, 0x07, 0x01, 0x00, 0x41, 0x01, 0x0b, 0x01, 0x00, 0x0a,
    0x52, 0x03, 0x16, 0x00, 0x03, 0x40, 0x20, 0x00, 0x20, 0x00, 0x36, 0x02,
    0x00, 0x20, 0x00, 0x41, 0x80, 0x20, 0x6a, 0x21, 0x00, 0x0c, 0x00, 0x0b,
    0x0b, 0x2a, 0x00, 0x02, 0x7f, 0x02, 0x7f, 0x02, 0x7f, 0x02, 0x7f, 0x41,
    0x0a, 0x20, 0x00, 0x0e, 0x06, 0x00, 0x01, 0x02, 0x03, 0x03, 0x00, 0x03,
    0x0b, 0x41, 0x01, 0x6a, 0x0f, 0x0b, 0x41, 0x02, 0x6a, 0x0f, 0x0b, 0x41,
    0x03, 0x6a, 0x0f, 0x0b, 0x41, 0x04, 0x6a, 0x0b, 0x0e, 0x00, 0x20, 0x01,
    0x20, 0x02, 0x20, 0x00, 0x11, 0x00, 0x00, 0x41, 0x0a, 0x6c, 0x0b,
};

static wvm_trap_code vt_host_add(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                 void *env)
{
    results[0] = val_i32((int32_t)((uint32_t)args[0].of.i32 + (uint32_t)args[1].of.i32));
    return WVM_TRAP_NONE;
}

static wvm_trap_code vt_host_sub(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                 void *env)
{
    results[0] = val_i32((int32_t)((uint32_t)args[0].of.i32 - (uint32_t)args[1].of.i32));
    return WVM_TRAP_NONE;
}

static wvm_func *vt_define_binop(vt_env *e, const char *name, wvm_host_callback cb)
{
    static const wvm_valkind kinds[] = {WVM_I32, WVM_I32};
    wvm_functype type = {2, 1, kinds, kinds};
    wvm_extern ext = {.kind = WVM_EXTERN_FUNC};
    ext.of.func = wvm_func_new(e->store, &type, cb, NULL, NULL);
    cr_assert_not_null(ext.of.func);
    if (name)
        cr_assert_eq(wvm_linker_define(e->linker, "env", name, &ext, NULL), WVM_OK);
    return ext.of.func;
}

/* A trap several iterations into a loop is located at the trapping instruction. */
Test(vm, trap_location_inside_a_loop)
{
    vt_env e;
    vt_open(&e, NULL);
    vt_define_binop(&e, "add", vt_host_add);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_misc);
    vt_expect_trap(&e, inst, "fill_until_trap", VT_ARGS(val_i32(0)), 0,
                   WVM_TRAP_MEMORY_OUT_OF_BOUNDS, 1, 0x82);
    vt_expect_trap(&e, inst, "fill_until_trap", VT_ARGS(val_i32(65533)), 0,
                   WVM_TRAP_MEMORY_OUT_OF_BOUNDS, 1, 0x82);
    vt_close(&e);
}

/* br_table with repeated targets, the default, and out-of-range indices. */
Test(vm, br_table_default_and_repeated_targets)
{
    vt_env e;
    vt_open(&e, NULL);
    vt_define_binop(&e, "add", vt_host_add);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_misc);
    static const int32_t index[] = {0, 1, 2, 3, 4, 5, 6, 7, 1000, -1, INT32_MIN};
    static const int32_t want[] = {11, 12, 13, 14, 14, 11, 14, 14, 14, 14, 14};
    for (size_t i = 0; i < sizeof index / sizeof index[0]; i++)
        cr_assert_eq(vt_call_i32(&e, inst, "pick", 1, index[i]), want[i], "pick(%d)", index[i]);
    vt_close(&e);
}

/* call_indirect reaches host functions in a table: one imported and placed by an element
 * segment, one stored by the embedder. */
Test(vm, call_indirect_to_host_functions)
{
    vt_env e;
    vt_open(&e, NULL);
    vt_define_binop(&e, "add", vt_host_add);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_misc);
    wvm_extern tab;
    cr_assert(wvm_instance_export(inst, "tab", &tab));
    cr_assert_eq(tab.kind, WVM_EXTERN_TABLE);
    wvm_val f = {.kind = WVM_FUNCREF};
    f.of.funcref = vt_define_binop(&e, NULL, vt_host_sub);
    cr_assert_eq(wvm_table_set(tab.of.table, 0, &f), WVM_OK);
    cr_assert_eq(vt_call_i32(&e, inst, "call_table", 3, 1, 5, 3), 80);
    cr_assert_eq(vt_call_i32(&e, inst, "call_table", 3, 0, 5, 3), 20);
    vt_expect_trap(&e, inst, "call_table", VT_ARGS(val_i32(2), val_i32(5), val_i32(3)), 1,
                   WVM_TRAP_INDIRECT_CALL_TO_NULL, 3, 0xc4);
    vt_expect_trap(&e, inst, "call_table", VT_ARGS(val_i32(3), val_i32(5), val_i32(3)), 1,
                   WVM_TRAP_TABLE_OUT_OF_BOUNDS, 3, 0xc4);
    cr_assert_eq(vt_call_i32(&e, inst, "call_table", 3, 0, 3, 5), -20);
    vt_close(&e);
}

/*
 * (module
 *   (memory (export "mem") 1)
 *   (func $start
 *     (i32.store (i32.const 0) (i32.const 1))
 *     (i32.store (i32.const 65536) (i32.const 2)))
 *   (start $start))
 */
static const uint8_t wasm_start[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
    0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07,
    0x07, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x08, 0x01, 0x00, 0x0a,
    0x14, 0x01, 0x12, 0x00, 0x41, 0x00, 0x41, 0x01, 0x36, 0x02, 0x00, 0x41,
    0x80, 0x80, 0x04, 0x41, 0x02, 0x36, 0x02, 0x00, 0x0b,
};

/* A trap in the start function fails instantiation with the trap's kind and location; the
 * write before it stays visible. */
Test(vm, trap_in_start_function)
{
    vt_env e;
    vt_open(&e, NULL);
    wvm_module *module = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_module_new(e.engine, wasm_start, sizeof wasm_start, &module, &err), WVM_OK,
                 "%s", err.message);
    wvm_instance *inst = NULL;
    cr_assert_eq(wvm_linker_instantiate(e.linker, e.store, module, &inst, &err), WVM_ERR_TRAP,
                 "%s", err.message);
    cr_assert_eq(err.trap, WVM_TRAP_MEMORY_OUT_OF_BOUNDS, "%s", err.message);
    cr_assert_eq(err.func_index, 0, "%s", err.message);
    cr_assert_eq(err.offset, 0x35, "offset 0x%llx (%s)", (unsigned long long)err.offset,
                 err.message);
    wvm_module_delete(module);
    vt_close(&e);
}

/* ---- the translator's output (vm/code.h) ---- */

/*
 * (module
 *   (func (export "add_set") (param i32 i32) (local i32)
 *     local.get 0
 *     local.get 1
 *     i32.add
 *     local.set 2)
 *   (func (export "count") (param $n i32) (result i32) (local $i i32)
 *     (loop $l
 *       (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *       (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
 *     (local.get $i))
 *   (func (export "count10") (result i32) (local $i i32)
 *     (loop $l
 *       (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *       (br_if $l (i32.lt_s (local.get $i) (i32.const 10))))
 *     (local.get $i)))
 */
static const uint8_t wasm_tr[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x03, 0x60,
    0x02, 0x7f, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01,
    0x7f, 0x03, 0x04, 0x03, 0x00, 0x01, 0x02, 0x07, 0x1d, 0x03, 0x07, 0x61,
    0x64, 0x64, 0x5f, 0x73, 0x65, 0x74, 0x00, 0x00, 0x05, 0x63, 0x6f, 0x75,
    0x6e, 0x74, 0x00, 0x01, 0x07, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x31, 0x30,
    0x00, 0x02, 0x0a, 0x3d, 0x03, 0x0b, 0x01, 0x01, 0x7f, 0x20, 0x00, 0x20,
    0x01, 0x6a, 0x21, 0x02, 0x0b, 0x17, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20,
    0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x48, 0x0d,
    0x00, 0x0b, 0x20, 0x01, 0x0b, 0x17, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20,
    0x00, 0x41, 0x01, 0x6a, 0x21, 0x00, 0x20, 0x00, 0x41, 0x0a, 0x48, 0x0d,
    0x00, 0x0b, 0x20, 0x00, 0x0b,
};

/* Decodes, validates and translates function func_index of bytes, unmetered. The module must
 * outlive the code: release both with vt_code_free. */
static vm_code *vt_translate(const uint8_t *bytes, size_t size, wasm_module *m,
                             uint32_t func_index)
{
    return module_translate(bytes, size, func_index, VM_METER_OFF, NULL, m);
}

static void vt_code_free(vm_code *code, wasm_module *m)
{
    vm_code_free(code);
    loader_free(m);
}

/* Splits code into instructions: pos[i] is the word position of instruction i. Returns the
 * count. Fails the test on a malformed instruction stream. */
static size_t vt_instructions(const vm_code *code, uint32_t *pos, size_t cap)
{
    size_t n = 0;
    uint32_t pc = 0;
    while (pc < code->nwords) {
        uint32_t op = code->words[pc];
        cr_assert_lt(op, VM_OP_COUNT, "bad opcode %u at %u", op, pc);
        cr_assert_lt(n, cap);
        pos[n++] = pc;
        uint32_t w = pc + 1;
        for (const char *f = vm_op_format[op]; *f; f++) {
            cr_assert_lt(w, code->nwords, "%s at %u runs past the end", vm_op_name[op], pc);
            if (*f == 'l')
                w += 2;
            else if (*f == 'T')
                w += 1 + code->words[w] + 1; /* n, then n + 1 offsets */
            else
                w++;
        }
        pc = w;
    }
    cr_assert_eq(pc, code->nwords);
    return n;
}

/* How many instructions of code have opcode op. */
static unsigned vt_count_op(const vm_code *code, vm_opcode op)
{
    uint32_t pos[256];
    size_t n = vt_instructions(code, pos, 256);
    unsigned count = 0;
    for (size_t i = 0; i < n; i++)
        count += code->words[pos[i]] == (uint32_t)op;
    return count;
}

/* The instruction lengths computed from the formats at compile time (vm_op_words) agree
 * with the formats, read letter by letter: fixed, or varying exactly with a 'T' operand. */
Test(vm, instruction_lengths_match_formats)
{
    uint32_t words[16];
    for (uint32_t op = 0; op < VM_OP_COUNT; op++) {
        const char *f = vm_op_format[op];
        cr_assert(f, "opcode %u has no format", op);
        cr_assert_leq(strlen(f), 8, "%s: format too long for vm_op_words", vm_op_name[op]);
        words[0] = op;
        for (size_t i = 1; i < 16; i++)
            words[i] = 2; /* a 'T' count: n = 2, then 3 offsets */
        uint32_t want = 1;
        bool varying = false;
        for (; *f; f++) {
            want += *f == 'l' ? 2 : *f == 'T' ? 1 + 2 + 1 : 1;
            varying |= *f == 'T';
        }
        cr_assert_eq(vm_op_words[op], varying ? 0 : want, "%s", vm_op_name[op]);
        cr_assert_eq(vm_insn_length(words, 0), want, "%s", vm_op_name[op]);
    }
}

/* The offset words computed from the formats at compile time (vm_op_offset_word) are where the
 * formats put their first 'o', every letter before it being one word. */
Test(vm, offset_words_match_formats)
{
    size_t branches = 0;
    for (uint32_t op = 0; op < VM_OP_COUNT; op++) {
        const char *f = vm_op_format[op], *o = strchr(f, 'o');
        cr_assert_eq(vm_op_offset_word[op], o ? (uint32_t)(o - f) + 1 : 0, "%s", vm_op_name[op]);
        branches += o != NULL;
        for (const char *p = f; o && p < o; p++)
            cr_assert(*p != 'l' && *p != 'T', "%s: a letter of two or more words before 'o'",
                      vm_op_name[op]);
    }
    cr_assert_gt(branches, 50);
}

/* local.get / local.set produce no code of their own: the add reads the parameters and
 * writes the local directly. */
Test(vm, translator_locals_become_operands)
{
    wasm_module m;
    vm_code *code = vt_translate(wasm_tr, sizeof wasm_tr, &m, 0);
    uint32_t pos[16];
    size_t n = vt_instructions(code, pos, 16);
    if (n != 2 || code->words[pos[0]] != VM_OP_i32_add)
        vm_code_dump(code, stderr);
    cr_assert_eq(vt_count_op(code, VM_OP_copy), 0, "the code has copies");
    cr_assert_eq(n, 2, "%zu instructions, want i32_add and ret", n);
    cr_assert_str_eq(vm_op_name[code->words[pos[0]]], "i32_add");
    cr_assert_eq(code->words[pos[0] + 1], 2, "destination r%u, want the local r2",
                 code->words[pos[0] + 1]);
    cr_assert_eq(code->words[pos[0] + 2], 0);
    cr_assert_eq(code->words[pos[0] + 3], 1);
    cr_assert_eq(code->words[pos[1]], VM_OP_ret);
    /* the instruction maps back to the i32.add */
    cr_assert_eq(vm_code_wasm_offset(code, pos[0]), 0x49);
    vt_code_free(code, &m);
}

/* i32.lt_s followed by br_if becomes one compare-and-branch instruction that jumps back to
 * the loop head; with a constant operand, its immediate form. The loop counter's increment
 * just before it joins it too (its _add form): the whole loop is one instruction. */
Test(vm, translator_fuses_compare_and_branch)
{
    static const struct {
        uint32_t func;
        vm_opcode fused;
        uint32_t b;         /* the compared operand word: a slot or the immediate */
    } cases[] = {
        {1, VM_OP_br_i32_lt_s_add, 0},
        {2, VM_OP_br_i32_lt_s_imm_add, 10},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wasm_module m;
        vm_code *code = vt_translate(wasm_tr, sizeof wasm_tr, &m, cases[k].func);
        uint32_t pos[16];
        size_t n = vt_instructions(code, pos, 16);
        bool ok = vt_count_op(code, cases[k].fused) == 1 &&
                  vt_count_op(code, VM_OP_i32_lt_s) == 0 &&
                  vt_count_op(code, VM_OP_i32_lt_s_imm) == 0 &&
                  vt_count_op(code, VM_OP_i32_add_imm) == 0 &&
                  vt_count_op(code, VM_OP_br_if) == 0 && vt_count_op(code, VM_OP_br_ifz) == 0 &&
                  vt_count_op(code, VM_OP_copy) == 0;
        if (!ok)
            vm_code_dump(code, stderr);
        cr_assert(ok, "function %u: want one %s, no separate add, compare, br_if or copy",
                  cases[k].func, vm_op_name[cases[k].fused]);
        /* the loop (add into the local, compare, branch), then the return */
        cr_assert_eq(n, 2, "function %u: %zu instructions", cases[k].func, n);
        uint32_t br = pos[0];
        cr_assert_eq(code->words[br], (uint32_t)cases[k].fused);
        uint32_t i_slot = cases[k].func == 1 ? 1 : 0;
        cr_assert_eq(code->words[br + 1], i_slot); /* destination */
        cr_assert_eq(code->words[br + 2], i_slot); /* source */
        cr_assert_eq(code->words[br + 3], 1);      /* the step */
        cr_assert_eq(code->words[br + 4], cases[k].b);
        /* the offset word is relative to itself; the target is the loop head */
        int64_t target = (int64_t)(br + 5) + (int32_t)code->words[br + 5];
        cr_assert_eq(target, 0, "function %u: branch to %lld, want the loop head",
                     cases[k].func, (long long)target);
        vt_code_free(code, &m);
    }

    vt_env e;
    vt_open(&e, NULL);
    wvm_instance *inst = VT_INSTANTIATE(&e, wasm_tr);
    cr_assert_eq(vt_call_i32(&e, inst, "count", 1, 5), 5);
    cr_assert_eq(vt_call_i32(&e, inst, "count", 1, -3), 1);
    cr_assert_eq(vt_call_i32(&e, inst, "count10", 0), 10);
    vt_close(&e);
}
