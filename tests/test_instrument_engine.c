/* Criterion suite `instrument`: the two metering modes built on wvm_instrument.
 * WVM_METER_INSTRUMENT: the same fuel as native metering, the same out-of-fuel stops and
 * resumptions, the same traps and backtraces, call depth limit, imports and exports, the
 * injected gas import hidden. WVM_METER_PREMETERED: instrumented output and hand-written
 * pre-metered modules run at native fuel, and the gas import it requires
 * (wvm_module_gas_import).
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

#include "../loader/module.h"

#include "instrument_cases.h"
#include "instrument_support.h"

/* ---- WVM_METER_INSTRUMENT ---- */

Test(instrument, engine_instrument_matches_native)
{
    check_corpus(K_ENGINE);
    check_cases(MOD(gas_ops), "uniform", cases_gas_ops_uniform, COUNT(cases_gas_ops_uniform),
                K_ENGINE, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), MODEL_BIG_DYNAMIC, cases_dyn_big, COUNT(cases_dyn_big), K_ENGINE,
                NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), MODEL_BIG_DYNAMIC, cases_dyn_big_grow_max,
                COUNT(cases_dyn_big_grow_max), K_ENGINE, NO_START, GAS_FROM_CASES);
    size_t size;
    uint8_t *wasm = read_file(FUEL_OPS_PATH, &size);
    check_cases(wasm, size, "default", cases_fuel_ops_default, COUNT(cases_fuel_ops_default),
                K_ENGINE, NO_START, GAS_FROM_CASES);
    check_cases(wasm, size, "uniform", cases_fuel_ops_uniform, COUNT(cases_fuel_ops_uniform),
                K_ENGINE, NO_START, GAS_FROM_CASES);
    free(wasm);
}

/* A resumable call given `budget` fuel, then `step` more at every stop until it ends. */
typedef struct {
    wvm_status first;           /* status of the first call */
    wvm_trap_code first_trap;
    uint32_t first_func;        /* the first trap's function and offset */
    uint64_t first_offset;
    uint64_t first_consumed;    /* fuel consumed until the first stop (or the end) */
    uint32_t stops;             /* out-of-fuel stops */
    wvm_status last;            /* status at the end */
    uint64_t total;             /* fuel consumed in all */
    int32_t result;
} sliced_run;

static sliced_run run_sliced(runner *r, const char *name, const int32_t *args, size_t nargs,
                             size_t nresults, uint64_t budget, uint64_t step)
{
    sliced_run out;
    memset(&out, 0, sizeof out);
    wvm_val vals[3], res[1];
    for (size_t i = 0; i < nargs; i++) {
        vals[i].kind = WVM_I32;
        vals[i].of.i32 = args[i];
    }
    memset(res, 0, sizeof res);
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_store_set_fuel(r->store, budget);
    uint64_t before = wvm_store_fuel_consumed(r->store);
    wvm_resumable *h = NULL;
    wvm_status st = wvm_func_call_resumable(r->store, runner_func(r, name), vals, nargs, res,
                                            nresults, &h, &err);
    out.first = st;
    out.first_trap = st == WVM_ERR_TRAP ? err.trap : WVM_TRAP_NONE;
    out.first_func = err.func_index;
    out.first_offset = err.offset;
    out.first_consumed = wvm_store_fuel_consumed(r->store) - before;
    while (st == WVM_ERR_TRAP && err.trap == WVM_TRAP_OUT_OF_FUEL) {
        cr_assert_not_null(h, "%s: out of fuel without a handle", run_kind_names[r->kind]);
        cr_assert_lt(++out.stops, 100000);
        cr_assert_eq(wvm_store_add_fuel(r->store, step), WVM_OK);
        st = wvm_resumable_resume(h, res, nresults, &err);
    }
    out.last = st;
    out.total = wvm_store_fuel_consumed(r->store) - before;
    out.result = nresults ? res[0].of.i32 : 0;
    return out;
}

/* Runs one call sliced in a native and an instrument-engine runner, at every budget from 0
 * to the full cost (at most max_budget_scan), resumed with steps of 1, 2, 3, 7 and 1000 fuel
 * (those of at least min_step): both must stop at the same points and end with the same
 * result and total. */
static void check_same_stops(const uint8_t *wasm, size_t size, const char *model_spec,
                             const char *name, const int32_t *args, size_t nargs,
                             size_t nresults, uint64_t max_budget_scan, uint64_t min_step)
{
    static const uint64_t steps[] = {1, 2, 3, 7, 1000};
    wvm_cost_model *model = model_make(model_spec);
    for (size_t s = 0; s < COUNT(steps); s++) {
        if (steps[s] < min_step)
            continue;
        /* fresh instances for every budget: the calls may change memory */
        for (uint64_t budget = 0; budget <= max_budget_scan; budget++) {
            runner n, e;
            runner_open_module(&n, RUN_NATIVE, model, wasm, size);
            runner_open_module(&e, RUN_ENGINE, model, wasm, size);
            runner_instantiate_ok(&n);
            runner_instantiate_ok(&e);
            sliced_run a = run_sliced(&n, name, args, nargs, nresults, budget, steps[s]);
            sliced_run b = run_sliced(&e, name, args, nargs, nresults, budget, steps[s]);
            const char *m = model_spec ? model_spec : "default";
            cr_assert_eq(a.last, WVM_OK, "native %s(%d) did not complete", name, args[0]);
            cr_assert_eq(b.first, a.first, "%s/%s budget %llu: first status %d, native %d",
                         name, m, (unsigned long long)budget, (int)b.first, (int)a.first);
            cr_assert_eq(b.first_trap, a.first_trap, "%s/%s budget %llu: trap %s, native %s",
                         name, m, (unsigned long long)budget, wvm_trap_name(b.first_trap),
                         wvm_trap_name(a.first_trap));
            if (a.first == WVM_ERR_TRAP) {
                cr_assert_eq(b.first_func, a.first_func,
                             "%s/%s budget %llu: stopped in function %u, native in %u", name,
                             m, (unsigned long long)budget, b.first_func, a.first_func);
                cr_assert_eq(b.first_offset, a.first_offset,
                             "%s/%s budget %llu: stopped at 0x%llx, native at 0x%llx", name, m,
                             (unsigned long long)budget, (unsigned long long)b.first_offset,
                             (unsigned long long)a.first_offset);
            }
            cr_assert_eq(b.first_consumed, a.first_consumed,
                         "%s/%s budget %llu: stopped after %llu fuel, native after %llu", name,
                         m, (unsigned long long)budget, (unsigned long long)b.first_consumed,
                         (unsigned long long)a.first_consumed);
            cr_assert_eq(b.stops, a.stops, "%s/%s budget %llu step %llu: %u stops, native %u",
                         name, m, (unsigned long long)budget, (unsigned long long)steps[s],
                         b.stops, a.stops);
            cr_assert_eq(b.last, WVM_OK, "%s/%s budget %llu: did not complete after resuming",
                         name, m, (unsigned long long)budget);
            cr_assert_eq(b.total, a.total, "%s/%s budget %llu: total %llu, native %llu", name,
                         m, (unsigned long long)budget, (unsigned long long)b.total,
                         (unsigned long long)a.total);
            cr_assert_eq(b.result, a.result);
            runner_close(&n);
            runner_close(&e);
            if (a.stops == 0)
                break; /* the budget covered the whole call */
        }
    }
    wvm_cost_model_delete(model);
}

Test(instrument, engine_instrument_out_of_fuel_and_resume)
{
    static const int32_t three = 3, seven = 7, four = 4, ten = 10;
    check_same_stops(MOD(gas_ops), "default", "sumsq", &three, 1, 1, 100, 1);
    check_same_stops(MOD(gas_ops), "uniform", "sumsq", &three, 1, 1, 100, 1);
    check_same_stops(MOD(gas_ops), "default", "classify", &seven, 1, 1, 100, 1);
    check_same_stops(MOD(gas_ops), "uniform", "countdown", &four, 1, 1, 100, 1);
    static const int32_t fill[] = {1000, 0x5A, 20};
    check_same_stops(MOD(dyn), "default", "mem_fill", fill, 3, 0, 40, 1);
    static const int32_t grow = 1;
    check_same_stops(MOD(dyn), "default", "mem_grow", &grow, 1, 1, 100, 1);
    size_t size;
    uint8_t *fib = read_file("examples/fib.wasm", &size);
    check_same_stops(fib, size, "default", "fib", &ten, 1, 1, 200, 1);
    free(fib);
}

/* Out of fuel before a bulk operation's dynamic charge: nothing is written until it is
 * paid, in both modes. */
Test(instrument, engine_instrument_bulk_out_of_fuel_writes_nothing)
{
    runner e;
    runner_open_module(&e, RUN_ENGINE, NULL, MOD(dyn));
    runner_instantiate_ok(&e);
    static const int32_t fill[] = {1000, 0x5A, 1000};
    wvm_val vals[3];
    for (int i = 0; i < 3; i++)
        vals[i] = (wvm_val){.kind = WVM_I32, .of.i32 = fill[i]};
    /* 2 host entry + 5 block + 1000: with 1006 the block is paid, not the 1000 bytes */
    wvm_store_set_fuel(e.store, 1006);
    uint64_t before = wvm_store_fuel_consumed(e.store);
    wvm_resumable *h = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_func_call_resumable(e.store, runner_func(&e, "mem_fill"), vals, 3, NULL,
                                         0, &h, &err),
                 WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL, "trap %s", wvm_trap_name(err.trap));
    cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, 7);
    const uint8_t *mem = wvm_memory_data(wvm_instance_memory(e.inst, "mem"));
    for (int i = 1000; i < 2000; i++)
        cr_assert_eq(mem[i], 0, "byte %d written before being paid", i);
    cr_assert_eq(wvm_store_add_fuel(e.store, 1), WVM_OK);
    cr_assert_eq(wvm_resumable_resume(h, NULL, 0, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, 1007);
    mem = wvm_memory_data(wvm_instance_memory(e.inst, "mem"));
    for (int i = 1000; i < 2000; i++)
        cr_assert_eq(mem[i], 0x5A);
    runner_close(&e);
}

/* Host functions charging fuel themselves and calling back into Wasm: the same fuel under
 * both engines as natively (fuel_ops: call_charge(n) costs 5 + n, call_reenter(5) 5 + 14
 * with its own host entry; tests/test_fuel.c), and the same out-of-fuel stops. */
Test(instrument, engines_with_fuel_charging_host_functions)
{
    static const icase cases[] = {
        OK1("call_charge", 10, 10, 15 - 2),
        OK1("call_charge", 0, 0, 5 - 2),
        OK1("call_reenter", 5, 7, 19 - 2),
    };
    size_t size;
    uint8_t *wasm = read_file(FUEL_OPS_PATH, &size);
    check_cases(wasm, size, "default", cases, COUNT(cases), K_ENGINE | K_PREMETERED, NO_START,
                GAS_FROM_CASES);
    static const int32_t ten = 10, five = 5;
    check_same_stops(wasm, size, "default", "call_charge", &ten, 1, 1, 20, 1);
    check_same_stops(wasm, size, "uniform", "call_charge", &ten, 1, 1, 20, 1);
    /* (a call from the host inside the host function restarts on every resume, so small
     * steps would never finish it) */
    check_same_stops(wasm, size, "default", "call_reenter", &five, 1, 1, 25, 1000);
    free(wasm);
}

/* A trapping call reports the same trap, location and backtrace as natively: the engine
 * maps the instrumented code back to the module as it was. */
static void check_same_trap(const uint8_t *wasm, size_t size, const char *name,
                            const int32_t *args, size_t nargs, size_t nresults)
{
    runner n, e;
    runner_open_module(&n, RUN_NATIVE, NULL, wasm, size);
    runner_open_module(&e, RUN_ENGINE, NULL, wasm, size);
    runner_instantiate_ok(&n);
    runner_instantiate_ok(&e);
    int32_t res;
    uint64_t sn, se;
    wvm_error a, b;
    cr_assert_eq(runner_call(&n, name, args, nargs, nresults, &res, &sn, &a), WVM_ERR_TRAP);
    cr_assert_eq(runner_call(&e, name, args, nargs, nresults, &res, &se, &b), WVM_ERR_TRAP,
                 "%s: no trap under the instrument engine", name);
    cr_assert_eq(b.trap, a.trap, "%s: trap %s, native %s", name, wvm_trap_name(b.trap),
                 wvm_trap_name(a.trap));
    cr_assert_eq(se, sn, "%s: fuel %llu, native %llu", name, (unsigned long long)se,
                 (unsigned long long)sn);
    cr_assert_eq(b.func_index, a.func_index, "%s: function %u, native %u", name, b.func_index,
                 a.func_index);
    cr_assert_eq(b.offset, a.offset, "%s: offset 0x%llx, native 0x%llx", name,
                 (unsigned long long)b.offset, (unsigned long long)a.offset);
    cr_assert_eq(b.backtrace_len, a.backtrace_len, "%s: %u frames, native %u", name,
                 b.backtrace_len, a.backtrace_len);
    for (uint32_t i = 0; i < a.backtrace_len; i++) {
        const wvm_frame *fa = &a.backtrace[i], *fb = &b.backtrace[i];
        cr_assert_eq(fb->func_index, fa->func_index, "%s: frame %u in function %u, native %u",
                     name, i, fb->func_index, fa->func_index);
        cr_assert_eq(fb->offset, fa->offset, "%s: frame %u at 0x%llx, native 0x%llx", name, i,
                     (unsigned long long)fb->offset, (unsigned long long)fa->offset);
        cr_assert_eq(fb->name_len, fa->name_len);
        cr_assert(!fa->name_len || !memcmp(fb->name, fa->name, fa->name_len));
    }
    runner_close(&n);
    runner_close(&e);
}

Test(instrument, engine_instrument_traps_like_native)
{
    static const int32_t zero[] = {0, 0, 0};
    check_same_trap(MOD(shift_names), "run", zero, 1, 1);
    check_same_trap(MOD(gas_ops), "div", zero, 1, 1);
    static const int32_t oob_fill[] = {65530, 1, 10}, oob_call[] = {5, 4};
    check_same_trap(MOD(dyn), "mem_fill", oob_fill, 3, 0);
    check_same_trap(MOD(shift_call_indirect), "dispatch", oob_call, 2, 1);
    static const int32_t wrap[] = {0, -1, 2};
    check_same_trap(MOD(dyn_edge), "init_passive", wrap, 3, 0);
    size_t size;
    uint8_t *wasm = read_file(FUEL_OPS_PATH, &size);
    check_same_trap(wasm, size, "unreachable_mid", zero, 0, 1);
    check_same_trap(wasm, size, "unreachable_tail", zero, 0, 0);
    static const int32_t null_slot[] = {5, 2};
    check_same_trap(wasm, size, "calli", null_slot, 2, 1);
    free(wasm);
    /* the call stack exhausted at the same depth */
    wasm = read_file("tests/data/fuel_recursion.wasm", &size);
    static const int32_t deep[] = {10001};
    check_same_trap(wasm, size, "deep", deep, 1, 1);
    free(wasm);
}

/* Running out of call stack: the calls that complete natively complete instrumented, at the
 * same fuel (gas), and the deepest that does not traps at the same fuel. (The global
 * backend's gas function takes a frame of its own, so it is left out.) */
Test(instrument, stack_depth_limit_unchanged)
{
    size_t size;
    uint8_t *wasm = read_file("tests/data/fuel_recursion.wasm", &size);
    /* deep(n) is n + 1 nested calls; each costs entry + local.get, if, then local.get,
     * i32.const, i32.sub, call, i32.const, i32.add = 9; the last entry + local.get, if,
     * i32.const = 4. With the default 10,000 calls, deep(10000) is the deepest that
     * completes: 2 + 9 x 10000 + 4 = 90006. */
    wvm_config config;
    wvm_config_default(&config);
    cr_assert_eq(config.max_call_depth, 10000);
    static const icase cases[] = {
        OK1("deep", 10000, 10000, 9 * 10000 + 4),
        {"deep", 1, {10001}, 1, 0, WVM_TRAP_STACK_OVERFLOW, GAS_ANY},
        OK1("deep", 3, 3, 9 * 3 + 4),
    };
    check_cases(wasm, size, "default", cases, COUNT(cases), K_IMPORT | K_ENGINE | K_PREMETERED,
                NO_START, GAS_FROM_CASES);
    free(wasm);
}

static bool externtype_kind_equal(const wvm_externtype *a, const wvm_externtype *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == WVM_EXTERN_FUNC)
        return a->of.func.nparams == b->of.func.nparams &&
               a->of.func.nresults == b->of.func.nresults;
    return true;
}

Test(instrument, engine_instrument_hides_the_injected_import)
{
    static const struct {
        const uint8_t *wasm;
        size_t size;
    } modules[] = {{MOD(shift_mixed_imports)}, {MOD(shift_call)}, {MOD(gas_ops)}};
    for (size_t i = 0; i < COUNT(modules); i++) {
        runner n, e;
        runner_open_module(&n, RUN_NATIVE, NULL, modules[i].wasm, modules[i].size);
        runner_open_module(&e, RUN_ENGINE, NULL, modules[i].wasm, modules[i].size);
        cr_assert_eq(wvm_module_import_count(e.module), wvm_module_import_count(n.module),
                     "module %zu: %u imports, the module has %u", i,
                     wvm_module_import_count(e.module), wvm_module_import_count(n.module));
        for (uint32_t k = 0; k < wvm_module_import_count(n.module); k++) {
            wvm_importtype a, b;
            cr_assert(wvm_module_import(n.module, k, &a));
            cr_assert(wvm_module_import(e.module, k, &b));
            cr_assert(a.module_len == b.module_len && !memcmp(a.module, b.module, a.module_len)
                          && a.name_len == b.name_len && !memcmp(a.name, b.name, a.name_len),
                      "import %u differs", k);
            cr_assert(externtype_kind_equal(&a.type, &b.type), "import %u's type differs", k);
        }
        wvm_importtype extra;
        cr_assert(!wvm_module_import(e.module, wvm_module_import_count(n.module), &extra));
        cr_assert_eq(wvm_module_export_count(e.module), wvm_module_export_count(n.module));
        for (uint32_t k = 0; k < wvm_module_export_count(n.module); k++) {
            wvm_exporttype a, b;
            cr_assert(wvm_module_export(n.module, k, &a));
            cr_assert(wvm_module_export(e.module, k, &b));
            cr_assert(a.name_len == b.name_len && !memcmp(a.name, b.name, a.name_len));
            cr_assert(externtype_kind_equal(&a.type, &b.type));
        }
        cr_assert(!wvm_module_gas_import(e.module, NULL),
                  "the injected import is reported as the module's gas import");
        /* the linker has no env.gas: instantiation needs none */
        runner_instantiate_ok(&e);
        runner_close(&n);
        runner_close(&e);
    }
}

Test(instrument, engine_instrument_refuses_modules_importing_gas)
{
    const struct {
        const uint8_t *wasm;
        size_t size;
    } modules[] = {{MOD(gas_import_i64)}, {MOD(gas_import_i32)}};
    for (size_t i = 0; i < COUNT(modules); i++) {
        runner e;
        runner_open(&e, RUN_ENGINE, NULL);
        wvm_error err;
        memset(&err, 0, sizeof err);
        wvm_status st = wvm_module_new(e.engine, modules[i].wasm, modules[i].size, &e.module,
                                       &err);
        cr_assert_neq(st, WVM_OK, "module %zu loaded", i);
        cr_assert_null(e.module);
        assert_mentions(&err, "gas");
        runner_close(&e);
    }
}

/* The injected import is bound to fuel, not to the linker: a linker defining env.gas does
 * not take it over. */
Test(instrument, engine_instrument_ignores_a_linker_env_gas)
{
    runner e;
    runner_open_module(&e, RUN_ENGINE, NULL, MOD(gas_ops));
    runner_define_gas(&e, "env", "gas");
    runner_instantiate_ok(&e);
    uint64_t spent;
    cr_assert_eq(runner_call_i32_ok(&e, "sumsq", 3, &spent), 14);
    cr_assert_eq(spent, 58);
    cr_assert_eq(e.meter.calls, 0, "the linker's env.gas was called");
    runner_close(&e);
}

/* ---- WVM_METER_PREMETERED ---- */

Test(instrument, premetered_runs_instrumented_output_at_native_fuel)
{
    check_corpus(K_PREMETERED);
    check_cases(MOD(gas_ops), "uniform", cases_gas_ops_uniform, COUNT(cases_gas_ops_uniform),
                K_PREMETERED, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), MODEL_BIG_DYNAMIC, cases_dyn_big_grow_max,
                COUNT(cases_dyn_big_grow_max), K_PREMETERED, NO_START, GAS_FROM_CASES);
}

/* A module loaded in an engine of the given mode (NULL on failure, *st the status). */
static wvm_module *load_in(wvm_meter_mode mode, const uint8_t *wasm, size_t size,
                           wvm_engine **engine, wvm_status *st)
{
    wvm_config config;
    wvm_config_default(&config);
    config.metering = mode;
    *engine = wvm_engine_new(&config);
    cr_assert_not_null(*engine);
    wvm_module *m = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    *st = wvm_module_new(*engine, wasm, size, &m, &err);
    return m;
}

Test(instrument, premetered_reports_the_gas_import)
{
    /* the instrumenter's import, after two function imports and two of other kinds */
    size_t n;
    uint8_t *out = instrument_ok(MOD(shift_mixed_imports), NULL, &n);
    wasm_module d;
    decode_ok(out, n, &d);
    uint32_t li = last_func_import(&d);
    loader_free(&d);
    wvm_engine *engine;
    wvm_status st;
    wvm_module *m = load_in(WVM_METER_PREMETERED, out, n, &engine, &st);
    cr_assert_eq(st, WVM_OK);
    uint32_t index = UINT32_MAX;
    cr_assert(wvm_module_gas_import(m, &index));
    cr_assert_eq(index, li, "gas import %u, expected %u", index, li);
    cr_assert(wvm_module_gas_import(m, NULL));
    wvm_module_delete(m);
    wvm_engine_delete(engine);
    free(out);

    /* renamed to metering.usegas, which is recognised too */
    wvm_instrument_options opts;
    wvm_instrument_options_default(&opts);
    opts.gas_module = "metering";
    opts.gas_name = "usegas";
    out = instrument_ok(MOD(shift_call), &opts, &n);
    m = load_in(WVM_METER_PREMETERED, out, n, &engine, &st);
    cr_assert_eq(st, WVM_OK);
    cr_assert(wvm_module_gas_import(m, &index));
    cr_assert_eq(index, 1);
    wvm_module_delete(m);
    wvm_engine_delete(engine);
    free(out);
}

/* wvm_module_gas_import in the other modes: true for env.gas (i64) and metering.usegas (i32
 * or i64) without results, false for anything else and under WVM_METER_INSTRUMENT. */
Test(instrument, gas_import_queries)
{
    const struct {
        const uint8_t *wasm;
        size_t size;
        bool has;
        uint32_t index;
    } cases[] = {
        {MOD(gas_import_i64), true, 1},        {MOD(premetered_usegas_i32), true, 0},
        {MOD(premetered_usegas_i64), true, 0}, {MOD(gas_import_i32), false, 0},
        {MOD(gas_import_result), false, 0},    {MOD(shift_call), false, 0},
    };
    static const wvm_meter_mode modes[] = {WVM_METER_OFF, WVM_METER_NATIVE,
                                           WVM_METER_REFERENCE};
    for (size_t mo = 0; mo < COUNT(modes); mo++) {
        for (size_t i = 0; i < COUNT(cases); i++) {
            wvm_engine *engine;
            wvm_status st;
            wvm_module *m = load_in(modes[mo], cases[i].wasm, cases[i].size, &engine, &st);
            cr_assert_eq(st, WVM_OK, "mode %d case %zu", (int)modes[mo], i);
            uint32_t index = 777;
            cr_assert_eq(wvm_module_gas_import(m, &index), cases[i].has, "mode %d case %zu",
                         (int)modes[mo], i);
            if (cases[i].has)
                cr_assert_eq(index, cases[i].index, "case %zu: index %u", i, index);
            else
                cr_assert_eq(index, 777, "case %zu: index written", i);
            wvm_module_delete(m);
            wvm_engine_delete(engine);
        }
    }
    cr_assert(!wvm_module_gas_import(NULL, NULL));
    /* A WVM_METER_INSTRUMENT module has no gas import of its own. */
    wvm_engine *engine;
    wvm_status st;
    wvm_module *m = load_in(WVM_METER_INSTRUMENT, MOD(shift_call), &engine, &st);
    cr_assert_eq(st, WVM_OK);
    cr_assert(!wvm_module_gas_import(m, NULL));
    wvm_module_delete(m);
    wvm_engine_delete(engine);
}

Test(instrument, premetered_requires_a_gas_import)
{
    const struct {
        const uint8_t *wasm;
        size_t size;
    } modules[] = {{MOD(shift_call)}, {MOD(gas_import_i32)}, {MOD(gas_import_result)},
                   {MOD(gas_ops)}};
    /* the global backend's output has no gas import either */
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
    size_t n;
    uint8_t *out = instrument_ok(MOD(gas_ops), &opts, &n);
    wvm_engine *engine;
    wvm_status st;
    cr_assert_null(load_in(WVM_METER_PREMETERED, out, n, &engine, &st));
    cr_assert_neq(st, WVM_OK);
    wvm_engine_delete(engine);
    free(out);
    for (size_t i = 0; i < COUNT(modules); i++) {
        wvm_engine *engine;
        wvm_status st;
        wvm_module *m = load_in(WVM_METER_PREMETERED, modules[i].wasm, modules[i].size,
                                &engine, &st);
        cr_assert_neq(st, WVM_OK, "module %zu without a gas import loaded", i);
        cr_assert_null(m);
        wvm_engine_delete(engine);
    }
}

/* Hand-written pre-metered modules: run(x) charges 5 (3 for gas_import_i64) through its gas
 * import and returns x + 1; burn(n) charges n, unsigned. The host entry is charged too. */
static void check_premetered(const uint8_t *wasm, size_t size, const char *model_spec,
                             uint64_t run_gas, bool has_burn)
{
    wvm_cost_model *model = model_make(model_spec);
    const uint64_t he = wvm_cost_model_host_entry(model);
    runner r;
    runner_open(&r, RUN_PREMETERED, model);
    runner_load(&r, wasm, size);
    runner_instantiate_ok(&r);
    uint64_t spent;
    cr_assert_eq(runner_call_i32_ok(&r, "run", 1, &spent), 2);
    cr_assert_eq(spent, he + run_gas, "run cost %llu, expected %llu", (unsigned long long)spent,
                 (unsigned long long)(he + run_gas));

    if (has_burn) {
        /* burn(-1): 2^32 - 1, not 2^64 - 1 */
        int32_t arg = -1, res;
        wvm_error err;
        cr_assert_eq(runner_call(&r, "burn", &arg, 1, 0, &res, &spent, &err), WVM_OK, "%s",
                     err.message);
        cr_assert_eq(spent, he + UINT64_C(4294967295), "burn(-1) cost %llu",
                     (unsigned long long)spent);
    }

    /* One unit short: the host entry is paid, the charge is not; resuming completes. */
    sliced_run s = run_sliced(&r, "run", (const int32_t[]){1}, 1, 1, he + run_gas - 1, 1);
    cr_assert_eq(s.first, WVM_ERR_TRAP);
    cr_assert_eq(s.first_trap, WVM_TRAP_OUT_OF_FUEL, "trap %s", wvm_trap_name(s.first_trap));
    cr_assert_eq(s.first_consumed, he, "consumed %llu before the charge, expected %llu",
                 (unsigned long long)s.first_consumed, (unsigned long long)he);
    cr_assert_eq(s.stops, 1);
    cr_assert_eq(s.last, WVM_OK);
    cr_assert_eq(s.total, he + run_gas);
    cr_assert_eq(s.result, 2);
    runner_close(&r);
    wvm_cost_model_delete(model);
}

Test(instrument, premetered_usegas_i32)
{
    check_premetered(MOD(premetered_usegas_i32), "default", 5, true);
    check_premetered(MOD(premetered_usegas_i32), "uniform", 5, true);
}

Test(instrument, premetered_usegas_i64)
{
    check_premetered(MOD(premetered_usegas_i64), "default", 5, true);
    check_premetered(MOD(premetered_usegas_i64), "uniform", 5, true);
}

Test(instrument, premetered_env_gas)
{
    check_premetered(MOD(gas_import_i64), "default", 3, false);
}
