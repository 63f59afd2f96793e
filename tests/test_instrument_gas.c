/* Criterion suite `instrument`: gas amounts computed by hand (docs/fuel.md) against native
 * metering (for every call from the host, gas charged == native fuel -
 * wvm_cost_model_host_entry) under the presets and custom models; and the global backend
 * (its exported global, exhaustion, unsigned amounts, custom names, no index shifting, the
 * start function). tests/data/fuel_*.wasm and examples/fib.wasm are read from the project
 * root (where `make unit` runs), for their fuel already computed by hand in
 * tests/test_fuel.c.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

#include "../loader/module.h"

#include "instrument_cases.h"
#include "instrument_support.h"

/* ---- gas amounts ---- */

Test(instrument, gas_by_hand_default)
{
    check_cases(MOD(gas_ops), "default", cases_gas_ops_default, COUNT(cases_gas_ops_default),
                K_IMPORT, NO_START, GAS_FROM_CASES);
}

Test(instrument, gas_by_hand_uniform)
{
    check_cases(MOD(gas_ops), "uniform", cases_gas_ops_uniform, COUNT(cases_gas_ops_uniform),
                K_IMPORT, NO_START, GAS_FROM_CASES);
}

Test(instrument, host_entry_of_the_presets)
{
    wvm_cost_model *d = model_make("default"), *u = model_make("uniform");
    cr_assert_eq(wvm_cost_model_host_entry(d), 2);
    cr_assert_eq(wvm_cost_model_host_entry(u), 0);
    cr_assert_eq(wvm_cost_model_host_entry(NULL), 0);
    wvm_cost_model_delete(d);
    wvm_cost_model_delete(u);
    wvm_cost_model *c = model_make("host_entry 7\n");
    cr_assert_eq(wvm_cost_model_host_entry(c), 7);
    wvm_cost_model_delete(c);
}

/* A custom model changing the call entry and the host entry: the gas moves with the call
 * entry and never includes the host entry. sumsq(3) under default is 56 with 1 + 3 call
 * entries (run + 3 calls of sq); with call_entry 10 it is 56 + 4 x 9 = 92. */
Test(instrument, gas_with_custom_entries)
{
    static const icase cases[] = {
        OK1("sumsq", 3, 14, 92),
        OK1("sumsq", 0, 0, 5 + 9),
    };
    check_cases(MOD(gas_ops), "call_entry 10\nhost_entry 1000\n", cases, COUNT(cases),
                K_IMPORT | K_GLOBAL, NO_START, GAS_FROM_CASES);
}

Test(instrument, gas_of_fuel_ops_default)
{
    size_t size;
    uint8_t *wasm = read_file(FUEL_OPS_PATH, &size);
    check_cases(wasm, size, "default", cases_fuel_ops_default, COUNT(cases_fuel_ops_default),
                K_IMPORT, NO_START, GAS_FROM_CASES);
    free(wasm);
}

Test(instrument, gas_of_fuel_ops_uniform)
{
    size_t size;
    uint8_t *wasm = read_file(FUEL_OPS_PATH, &size);
    check_cases(wasm, size, "uniform", cases_fuel_ops_uniform, COUNT(cases_fuel_ops_uniform),
                K_IMPORT, NO_START, GAS_FROM_CASES);
    free(wasm);
}

/* examples/fib.wasm, fib(46): native fuel 612 under default, 614 under uniform
 * (docs/fuel.md), so the gas is 610 and 614. */
Test(instrument, gas_of_fib)
{
    size_t size;
    uint8_t *wasm = read_file("examples/fib.wasm", &size);
    static const icase def[] = {OK1("fib", 46, -1323752223, 610), OK1("fib", 0, 1, 12)};
    static const icase uni[] = {OK1("fib", 46, -1323752223, 614)};
    check_cases(wasm, size, "default", def, COUNT(def), K_ALL, NO_START, GAS_FROM_CASES);
    check_cases(wasm, size, "uniform", uni, COUNT(uni), K_ALL, NO_START, GAS_FROM_CASES);
    free(wasm);
}

/* tests/data/fuel_start.wasm: its start function costs 55 natively under both presets
 * (tests/test_fuel.c), so 53 gas under default and 55 under uniform. */
Test(instrument, gas_of_start_function)
{
    size_t size;
    uint8_t *wasm = read_file("tests/data/fuel_start.wasm", &size);
    check_cases(wasm, size, "default", NULL, 0, K_ALL, 53, GAS_FROM_CASES);
    check_cases(wasm, size, "uniform", NULL, 0, K_ALL, 55, GAS_FROM_CASES);
    free(wasm);
}

/* ---- the global backend ---- */

/* An instantiated global-backend runner of wasm, the global starting at init. */
static void global_runner(runner *r, const uint8_t *wasm, size_t size, const char *model_spec,
                          const char *global_name, uint64_t init)
{
    wvm_cost_model *model = model_make(model_spec);
    runner_open(r, RUN_GLOBAL, model);
    r->global_name = global_name ? global_name : "gas_left";
    r->global_init = init;
    wvm_instrument_options opts = opts_with(model, WVM_GAS_GLOBAL);
    if (global_name)
        opts.gas_global = global_name;
    opts.gas_global_init = init;
    runner_load_instrumented(r, wasm, size, &opts);
    wvm_cost_model_delete(model);
}

/* Calls export name(arg) -> i32 directly, leaving the gas global as it is. */
static wvm_status call_raw(runner *r, const char *name, int32_t arg, int32_t *res,
                           wvm_error *err)
{
    wvm_val a = {.kind = WVM_I32, .of.i32 = arg}, out = {.kind = WVM_I32};
    memset(err, 0, sizeof *err);
    wvm_status st = wvm_func_call(r->store, runner_func(r, name), &a, 1, &out, 1, err);
    *res = out.of.i32;
    return st;
}

Test(instrument, global_backend_exports_mutable_i64)
{
    wasm_module o, n;
    decode_valid(MOD(gas_ops), &o);
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
    instrument_decode(MOD(gas_ops), &opts, &n);
    check_global_noshift(&o, &n, "gas_left");
    loader_free(&o);
    loader_free(&n);

    runner r;
    global_runner(&r, MOD(gas_ops), "default", NULL, 12345);
    runner_instantiate_ok(&r);
    wvm_extern ext;
    cr_assert(wvm_instance_export(r.inst, "gas_left", &ext));
    cr_assert_eq(ext.kind, WVM_EXTERN_GLOBAL);
    cr_assert_eq(wvm_global_kind(ext.of.global), WVM_I64);
    cr_assert(wvm_global_is_mutable(ext.of.global));
    cr_assert_eq(global_u64(ext.of.global), 12345, "initial value %llu",
                 (unsigned long long)global_u64(ext.of.global));
    /* sumsq(3) costs 56 */
    int32_t res;
    wvm_error err;
    cr_assert_eq(call_raw(&r, "sumsq", 3, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res, 14);
    cr_assert_eq(global_u64(ext.of.global), 12345 - 56);
    runner_close(&r);
}

Test(instrument, global_backend_default_initial_value_is_zero)
{
    wvm_instrument_options opts;
    wvm_instrument_options_default(&opts);
    cr_assert_eq(opts.backend, WVM_GAS_IMPORT);
    cr_assert_null(opts.cost_model);
    cr_assert_str_eq(opts.gas_module, "env");
    cr_assert_str_eq(opts.gas_name, "gas");
    cr_assert_str_eq(opts.gas_global, "gas_left");
    cr_assert_eq(opts.gas_global_init, 0);

    /* With 0 gas the first charge fails. */
    runner r;
    global_runner(&r, MOD(gas_ops), "default", NULL, 0);
    runner_instantiate_ok(&r);
    cr_assert_eq(global_u64(runner_gas_global(&r)), 0);
    int32_t res;
    wvm_error err;
    cr_assert_eq(call_raw(&r, "sumsq", 0, &res, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_UNREACHABLE);
    cr_assert_eq(global_u64(runner_gas_global(&r)), UINT64_MAX);
    runner_close(&r);
}

Test(instrument, global_backend_charges_native_fuel_minus_host_entry)
{
    check_corpus(K_GLOBAL);
    check_cases(MOD(gas_ops), "uniform", cases_gas_ops_uniform, COUNT(cases_gas_ops_uniform),
                K_GLOBAL, NO_START, GAS_FROM_CASES);
}

Test(instrument, global_backend_exhaustion)
{
    runner r;
    global_runner(&r, MOD(gas_ops), "default", NULL, 56);
    runner_instantiate_ok(&r);
    wvm_global *g = runner_gas_global(&r);
    int32_t res;
    wvm_error err;

    /* Exactly enough: sumsq(3) costs 56 and leaves 0. */
    cr_assert_eq(call_raw(&r, "sumsq", 3, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res, 14);
    cr_assert_eq(global_u64(g), 0);

    /* Nothing left: traps as unreachable, the global all ones. */
    cr_assert_eq(call_raw(&r, "sumsq", 3, &res, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_UNREACHABLE, "trap '%s'", wvm_trap_name(err.trap));
    cr_assert_eq(global_u64(g), UINT64_MAX, "gas_left = 0x%llx after exhaustion",
                 (unsigned long long)global_u64(g));

    /* One unit short. */
    global_set_u64(g, 55);
    cr_assert_eq(call_raw(&r, "sumsq", 3, &res, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_UNREACHABLE);
    cr_assert_eq(global_u64(g), UINT64_MAX);

    /* One unit more than needed. */
    global_set_u64(g, 57);
    cr_assert_eq(call_raw(&r, "sumsq", 3, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(global_u64(g), 1);

    /* A dynamic charge equal to what is left: mem_grow(2) costs 3 + 2 in dyn. */
    runner_close(&r);
    global_runner(&r, MOD(dyn), "default", NULL, 5);
    runner_instantiate_ok(&r);
    g = runner_gas_global(&r);
    cr_assert_eq(call_raw(&r, "mem_grow", 2, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res, 1);
    cr_assert_eq(global_u64(g), 0);
    /* mem_grow(1) with 3 left: the block (3) is paid, the page is not, nothing grows */
    global_set_u64(g, 3);
    cr_assert_eq(call_raw(&r, "mem_grow", 1, &res, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_UNREACHABLE);
    cr_assert_eq(global_u64(g), UINT64_MAX);
    cr_assert_eq(wvm_memory_size_pages(wvm_instance_memory(r.inst, "mem")), 3,
                 "memory.grow ran without being paid");
    runner_close(&r);
}

/* Gas amounts above 2^63 are compared unsigned. */
Test(instrument, global_backend_is_unsigned)
{
    runner r;
    global_runner(&r, MOD(gas_ops), "default", NULL, (UINT64_C(1) << 63) + 10);
    runner_instantiate_ok(&r);
    int32_t res;
    wvm_error err;
    cr_assert_eq(call_raw(&r, "sumsq", 3, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(global_u64(runner_gas_global(&r)), (UINT64_C(1) << 63) + 10 - 56);
    runner_close(&r);

    /* memory.grow(2^32 - 1) under 2^32 - 1 per page: 3 + (2^32 - 1)^2 from 2^64 - 2. */
    global_runner(&r, MOD(dyn), MODEL_BIG_DYNAMIC, NULL, UINT64_MAX - 1);
    runner_instantiate_ok(&r);
    cr_assert_eq(call_raw(&r, "mem_grow", -1, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res, -1);
    cr_assert_eq(global_u64(runner_gas_global(&r)),
                 UINT64_MAX - 1 - (3 + BIG_PAGE * BIG_PAGE));
    runner_close(&r);
}

Test(instrument, global_backend_custom_name)
{
    runner r;
    global_runner(&r, MOD(gas_ops), "default", "fuel_left", 1000);
    runner_instantiate_ok(&r);
    cr_assert_null(wvm_instance_global(r.inst, "gas_left"), "gas_left exported anyway");
    wvm_global *g = wvm_instance_global(r.inst, "fuel_left");
    cr_assert_not_null(g);
    cr_assert_eq(global_u64(g), 1000);
    int32_t res;
    wvm_error err;
    cr_assert_eq(call_raw(&r, "classify", 7, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res, 101);
    cr_assert_eq(global_u64(g), 1000 - 18);
    runner_close(&r);

    /* A module exporting "gas_left" can use another name. */
    global_runner(&r, MOD(exports_gas_left), "default", "fuel_left", 100);
    runner_instantiate_ok(&r);
    cr_assert_eq(call_raw(&r, "run", 1, &res, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res, 2);
    cr_assert_eq(global_u64(runner_gas_global(&r)), 100 - 4);
    runner_close(&r);
}

/* No function index moves: the structure of every shift module, and their behaviour. */
Test(instrument, global_backend_shifts_nothing)
{
    for (size_t i = 0; i < COUNT(corpus); i++)
        check_structure(corpus[i].wasm, corpus[i].size);
    wasm_module o, n;
    decode_valid(MOD(shift_reffunc), &o);
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
    instrument_decode(MOD(shift_reffunc), &opts, &n);
    ASSERT_REFS(body_refs(&n, 2, 0xD2), "ref.func in run", 1, 0);
    cr_assert_eq(refs_below(body_refs(&n, 2, 0x10), 5).n, 0, "run calls a function of its own");
    cr_assert_eq(find_export(&n, "run")->index, 3);
    cr_assert_eq(find_export(&n, "get_b")->index, 4);
    loader_free(&o);
    loader_free(&n);
}

Test(instrument, global_backend_start_function)
{
    runner r;
    global_runner(&r, MOD(shift_start), "default", NULL, SHIFT_START_GAS);
    runner_instantiate_ok(&r);
    cr_assert_eq(global_u64(runner_gas_global(&r)), 0);
    wvm_val v;
    wvm_global_get(wvm_instance_global(r.inst, "g"), &v);
    cr_assert_eq(v.of.i32, 101);
    runner_close(&r);

    global_runner(&r, MOD(shift_start), "default", NULL, SHIFT_START_GAS - 1);
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_instantiate(&r, &spent, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_UNREACHABLE);
    runner_close(&r);
}
