/* Criterion tests of fuel metering (include/wvm.h, docs/cost-model.md): the exact fuel each
 * kind of code consumes under the `default` and `uniform` cost models, traps and out-of-fuel
 * stops mid-block, the dynamic costs of bulk operations and growth, host functions charging
 * fuel, resumable calls stopped at every possible point, and determinism.
 *
 * Every expected number is computed by hand from the rules below, with the computation in a
 * comment beside it. Every test runs in both metering modes, WVM_METER_NATIVE (one charge
 * per metered block) and WVM_METER_REFERENCE (one charge per operator); they must agree on
 * every run that completes, and a completed run must also succeed with exactly the fuel it
 * consumes and run out of fuel with one unit less.
 *
 * Determinism across builds: the gcc, clang and sanitizer builds (and DISPATCH=switch) each
 * run these same tests with the same hard-coded numbers, so passing in every build is the
 * check that fuel does not depend on the compiler, the optimisation level, the sanitizers
 * or the dispatch mechanism.
 *
 * The rules (from the product issue):
 *   default: every operator costs 1, except nop drop block loop end else unreachable return
 *     (0); call_entry 1 on entry to every Wasm function; host_entry 2 more for a call from the
 *     host (an export through wvm_func_call, the start function); bulk_unit 1 per byte or
 *     element processed by memory.copy/fill/init and table.copy/fill/init and per element
 *     requested by table.grow; grow_page 1 per page requested by memory.grow. Host
 *     functions cost only the `call` operator that calls them.
 *   uniform: every operator costs 1 (block, loop, if, else, end, nop, ... included); no
 *     entry or dynamic costs.
 *   An operator counts when it executes: `end`/`else` when control falls through them (a
 *     branch out of a block does not execute its `end`); `loop` once on entry; `br_if`
 *     whether or not it branches; the function's final `end` when it falls off its end (not
 *     after `return`). Below, the then-arm of an if/else pays for its `else` and not for the
 *     `end`; the else-arm (and the missing else-arm of an `if` without `else`) pays for the
 *     `end`.
 *   Native mode charges a metered block (a maximal run of code that, absent traps, executes
 *     entirely or not at all) on entry; a trap mid-block has already paid for the rest of its
 *     block. Code that can never execute (after unreachable, br, br_table or return, and
 *     after the end of a block that control can neither branch to nor fall through) belongs
 *     to no block and costs nothing. Reference mode charges each operator just before it
 *     executes. Both stop with WVM_TRAP_OUT_OF_FUEL, consuming nothing, when the charge
 *     exceeds the fuel left.
 *
 * The modules are tests/data/fuel_*.wat (assembled into the .wasm beside them) and
 * examples/fib.wasm; the paths are relative to the project root, where `make unit` runs.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

/* fib(46) of examples/fib.wasm: F(47) mod 2^32 as a signed i32, and its cost. Default:
 * 2 host_entry + 1 call_entry + 10 before the loop (3 x (i32.const, local.set), block 0,
 * local.get, i32.const, i32.le_s, br_if) + 46 iterations x 13 operators (local.get, local.get,
 * i32.add, local.set, local.get, local.set, local.get, local.set, local.get, i32.const,
 * i32.sub, local.tee, br_if) + 1 (local.get; the ends are free) = 612. Uniform: 11 before
 * the loop (block now costs 1) + loop 1 + 46 x 13 + 4 (end of loop, end of block,
 * local.get, final end) = 614. */
#define FIB_N 46
#define FIB_RESULT (-1323752223)
#define FIB_FUEL_DEFAULT 612
#define FIB_FUEL_UNIFORM 614

/* Plenty of fuel for any run that is not meant to run out. */
#define FUEL_PLENTY UINT64_C(1000000000000)

/* ---- helpers ---- */

static const wvm_meter_mode fuel_modes[] = {WVM_METER_NATIVE, WVM_METER_REFERENCE};
#define FUEL_NMODES (sizeof fuel_modes / sizeof fuel_modes[0])

static const char *fuel_mode_name(wvm_meter_mode mode)
{
    return mode == WVM_METER_NATIVE ? "native" : "reference";
}

/* An engine metering with one mode and one preset, a store, a linker defining the host
 * functions env.triple, env.charge and env.reenter, and at most one instance. */
typedef struct {
    wvm_meter_mode mode;
    bool uniform;           /* the `uniform` preset, else `default` */
    char label[32];         /* "native/default", for messages */
    wvm_engine *engine;
    wvm_store *store;
    wvm_linker *linker;
    wvm_module *module;
    wvm_instance *instance;
} fuel_env;

/* env.triple(x) = 3x. */
static wvm_trap_code fuel_host_triple(wvm_caller *caller, const wvm_val *args,
                                      wvm_val *results, void *env)
{
    (void)caller;
    (void)env;
    results[0].kind = WVM_I32;
    results[0].of.i32 = args[0].of.i32 * 3;
    return WVM_TRAP_NONE;
}

/* env.charge(n) consumes n more fuel and returns n (or traps with OutOfFuel). */
static wvm_trap_code fuel_host_charge(wvm_caller *caller, const wvm_val *args,
                                      wvm_val *results, void *env)
{
    (void)env;
    wvm_trap_code trap = wvm_caller_consume_fuel(caller, (uint32_t)args[0].of.i32);
    if (trap != WVM_TRAP_NONE)
        return trap;
    results[0].kind = WVM_I32;
    results[0].of.i32 = args[0].of.i32;
    return WVM_TRAP_NONE;
}

/* env.reenter(x) calls the calling instance's export "call2" with x through wvm_func_call
 * (a call from the host into Wasm, host_entry included) and returns its result. */
static wvm_trap_code fuel_host_reenter(wvm_caller *caller, const wvm_val *args,
                                       wvm_val *results, void *env)
{
    (void)env;
    wvm_instance *instance = wvm_caller_instance(caller);
    wvm_extern ext;
    if (!instance || !wvm_instance_export(instance, "call2", &ext))
        return WVM_TRAP_HOST;
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_func_call(wvm_caller_store(caller), ext.of.func, args, 1, results, 1,
                                  &err);
    if (st != WVM_OK)
        return st == WVM_ERR_TRAP ? err.trap : WVM_TRAP_HOST;
    return WVM_TRAP_NONE;
}

static void fuel_define_host(fuel_env *e, const char *name, wvm_host_callback callback)
{
    static const wvm_valkind i32[] = {WVM_I32};
    const wvm_functype type = {1, 1, i32, i32};
    wvm_extern ext = {.kind = WVM_EXTERN_FUNC};
    ext.of.func = wvm_func_new(e->store, &type, callback, NULL, NULL);
    cr_assert_not_null(ext.of.func);
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_linker_define(e->linker, "env", name, &ext, &err), WVM_OK, "%s",
                 err.message);
}

static void fuel_open(fuel_env *e, wvm_meter_mode mode, bool uniform)
{
    memset(e, 0, sizeof *e);
    e->mode = mode;
    e->uniform = uniform;
    snprintf(e->label, sizeof e->label, "%s/%s", fuel_mode_name(mode),
             uniform ? "uniform" : "default");
    wvm_cost_model *model = wvm_cost_model_preset(uniform ? "uniform" : "default");
    cr_assert_not_null(model);
    wvm_config config;
    wvm_config_default(&config);
    config.metering = mode;
    config.cost_model = model;
    e->engine = wvm_engine_new(&config);
    wvm_cost_model_delete(model); /* the engine keeps its own copy */
    cr_assert_not_null(e->engine);
    e->store = wvm_store_new(e->engine, NULL);
    e->linker = wvm_linker_new(e->engine);
    cr_assert_not_null(e->store);
    cr_assert_not_null(e->linker);
    fuel_define_host(e, "triple", fuel_host_triple);
    fuel_define_host(e, "charge", fuel_host_charge);
    fuel_define_host(e, "reenter", fuel_host_reenter);
}

static void fuel_close(fuel_env *e)
{
    wvm_module_delete(e->module);
    wvm_linker_delete(e->linker);
    wvm_store_delete(e->store);
    wvm_engine_delete(e->engine);
}

/* Reads and compiles path (relative to the project root) into e->module. */
static void fuel_load(fuel_env *e, const char *path)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s: the unit tests run from the project root", path);
    cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
    long len = ftell(fp);
    cr_assert_gt(len, 8, "%s is too short to be a module", path);
    cr_assert_eq(fseek(fp, 0, SEEK_SET), 0);
    uint8_t *bytes = malloc((size_t)len);
    cr_assert_not_null(bytes);
    cr_assert_eq(fread(bytes, 1, (size_t)len, fp), (size_t)len, "cannot read %s", path);
    fclose(fp);
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_module_new(e->engine, bytes, (size_t)len, &e->module, &err);
    free(bytes);
    cr_assert_eq(st, WVM_OK, "%s: %s (offset 0x%llx)", path, err.message,
                 (unsigned long long)err.offset);
}

/* Instantiates e->module with `budget` fuel; returns the status, *consumed the fuel the
 * instantiation consumed (the start function's). */
static wvm_status fuel_instantiate(fuel_env *e, uint64_t budget, uint64_t *consumed,
                                   wvm_error *err)
{
    memset(err, 0, sizeof *err);
    wvm_store_set_fuel(e->store, budget);
    uint64_t before = wvm_store_fuel_consumed(e->store);
    wvm_status st = wvm_linker_instantiate(e->linker, e->store, e->module, &e->instance, err);
    *consumed = wvm_store_fuel_consumed(e->store) - before;
    cr_assert_eq(wvm_store_fuel(e->store), budget - *consumed,
                 "%s: fuel left + consumed must equal the budget", e->label);
    return st;
}

/* Opens an environment and instantiates path in it (with plenty of fuel). */
static void fuel_open_module(fuel_env *e, wvm_meter_mode mode, bool uniform, const char *path)
{
    fuel_open(e, mode, uniform);
    fuel_load(e, path);
    uint64_t consumed;
    wvm_error err;
    cr_assert_eq(fuel_instantiate(e, FUEL_PLENTY, &consumed, &err), WVM_OK, "%s: %s: %s",
                 e->label, path, err.message);
}

static wvm_func *fuel_export(fuel_env *e, const char *name)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->instance, name, &ext), "no export %s", name);
    cr_assert_eq(ext.kind, WVM_EXTERN_FUNC, "%s is not a function", name);
    return ext.of.func;
}

static uint8_t *fuel_memory(fuel_env *e)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->instance, "mem", &ext));
    cr_assert_eq(ext.kind, WVM_EXTERN_MEMORY);
    return wvm_memory_data(ext.of.memory);
}

static wvm_table *fuel_table(fuel_env *e)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->instance, "tab", &ext));
    cr_assert_eq(ext.kind, WVM_EXTERN_TABLE);
    return ext.of.table;
}

static void fuel_args(wvm_val *vals, const int32_t *args, size_t nargs)
{
    for (size_t i = 0; i < nargs; i++) {
        vals[i].kind = WVM_I32;
        vals[i].of.i32 = args[i];
    }
}

/* Calls export name(args) (i32 parameters, at most one i32 result) with wvm_func_call and
 * `budget` fuel. Returns the status; *consumed is the fuel the call consumed, *result its
 * result (when nresults == 1). Checks that fuel left + consumed == budget. */
static wvm_status fuel_call(fuel_env *e, const char *name, const int32_t *args, size_t nargs,
                            size_t nresults, uint64_t budget, int32_t *result,
                            uint64_t *consumed, wvm_error *err)
{
    wvm_func *f = fuel_export(e, name);
    wvm_val vals[4];
    wvm_val res[1];
    cr_assert_leq(nargs, 4);
    cr_assert_leq(nresults, 1);
    fuel_args(vals, args, nargs);
    memset(err, 0, sizeof *err);
    memset(res, 0, sizeof res);
    wvm_store_set_fuel(e->store, budget);
    uint64_t before = wvm_store_fuel_consumed(e->store);
    wvm_status st = wvm_func_call(e->store, f, vals, nargs, res, nresults, err);
    *consumed = wvm_store_fuel_consumed(e->store) - before;
    cr_assert_eq(wvm_store_fuel(e->store), budget - *consumed,
                 "%s: %s: fuel left + consumed must equal the budget", e->label, name);
    if (st == WVM_OK && nresults == 1)
        *result = res[0].of.i32;
    return st;
}

/* A call that completes, with its expected result and fuel under each preset. */
typedef struct {
    const char *name;
    int32_t args[3];
    size_t nargs;
    size_t nresults;        /* 0 or 1 */
    int32_t result;
    uint64_t fuel_default;
    uint64_t fuel_uniform;
} fuel_case;

/* Runs every case of the module at path in both modes under both presets: the result and
 * the consumed fuel must be exact; the same call must also complete with exactly that much
 * fuel (leaving 0) and run out of fuel, without a result, with one unit less. */
static void fuel_check_cases(const char *path, const fuel_case *cases, size_t ncases)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        for (int uniform = 0; uniform <= 1; uniform++) {
            fuel_env e;
            fuel_open_module(&e, fuel_modes[m], uniform, path);
            for (size_t i = 0; i < ncases; i++) {
                const fuel_case *c = &cases[i];
                uint64_t want = uniform ? c->fuel_uniform : c->fuel_default;
                int32_t result = 0;
                uint64_t consumed = 0;
                wvm_error err;
                wvm_status st = fuel_call(&e, c->name, c->args, c->nargs, c->nresults,
                                          FUEL_PLENTY, &result, &consumed, &err);
                cr_assert_eq(st, WVM_OK, "%s: %s(%d): %s", e.label, c->name, c->args[0],
                             err.message);
                if (c->nresults == 1)
                    cr_assert_eq(result, c->result, "%s: %s(%d) = %d, expected %d", e.label,
                                 c->name, c->args[0], result, c->result);
                cr_assert_eq(consumed, want, "%s: %s(%d) consumed %llu fuel, expected %llu",
                             e.label, c->name, c->args[0], (unsigned long long)consumed,
                             (unsigned long long)want);

                st = fuel_call(&e, c->name, c->args, c->nargs, c->nresults, want, &result,
                               &consumed, &err);
                cr_assert_eq(st, WVM_OK, "%s: %s(%d) with exactly %llu fuel: %s", e.label,
                             c->name, c->args[0], (unsigned long long)want, err.message);
                cr_assert_eq(consumed, want);
                cr_assert_eq(wvm_store_fuel(e.store), 0);

                st = fuel_call(&e, c->name, c->args, c->nargs, c->nresults, want - 1,
                               &result, &consumed, &err);
                cr_assert_eq(st, WVM_ERR_TRAP, "%s: %s(%d) with %llu fuel must run out",
                             e.label, c->name, c->args[0], (unsigned long long)(want - 1));
                cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL, "%s: %s: trap %d", e.label,
                             c->name, (int)err.trap);
                cr_assert_lt(consumed, want);
            }
            fuel_close(&e);
        }
    }
}

/* A call that traps, with the fuel consumed in each mode under each preset. */
typedef struct {
    const char *name;
    int32_t args[3];
    size_t nargs;
    size_t nresults;
    wvm_trap_code trap;
    uint64_t native_default;
    uint64_t native_uniform;
    uint64_t reference_default;
    uint64_t reference_uniform;
} fuel_trap_case;

static void fuel_check_traps(const char *path, const fuel_trap_case *cases, size_t ncases)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        for (int uniform = 0; uniform <= 1; uniform++) {
            fuel_env e;
            fuel_open_module(&e, fuel_modes[m], uniform, path);
            bool native = fuel_modes[m] == WVM_METER_NATIVE;
            for (size_t i = 0; i < ncases; i++) {
                const fuel_trap_case *c = &cases[i];
                uint64_t want = native ? (uniform ? c->native_uniform : c->native_default)
                                       : (uniform ? c->reference_uniform
                                                  : c->reference_default);
                int32_t result;
                uint64_t consumed = 0;
                wvm_error err;
                wvm_status st = fuel_call(&e, c->name, c->args, c->nargs, c->nresults,
                                          FUEL_PLENTY, &result, &consumed, &err);
                cr_assert_eq(st, WVM_ERR_TRAP, "%s: %s(%d) must trap", e.label, c->name,
                             c->args[0]);
                cr_assert_eq(err.trap, c->trap, "%s: %s(%d): trap %s, expected %s", e.label,
                             c->name, c->args[0], wvm_trap_name(err.trap),
                             wvm_trap_name(c->trap));
                cr_assert_eq(consumed, want, "%s: %s(%d) consumed %llu fuel, expected %llu",
                             e.label, c->name, c->args[0], (unsigned long long)consumed,
                             (unsigned long long)want);

                /* Exactly that much fuel reaches the same trap (a dynamic cost that is never
                 * charged must not be needed either). */
                st = fuel_call(&e, c->name, c->args, c->nargs, c->nresults, want, &result,
                               &consumed, &err);
                cr_assert_eq(st, WVM_ERR_TRAP);
                cr_assert_eq(err.trap, c->trap, "%s: %s(%d) with exactly %llu fuel: trap %s",
                             e.label, c->name, c->args[0], (unsigned long long)want,
                             wvm_trap_name(err.trap));
                cr_assert_eq(consumed, want);
            }
            fuel_close(&e);
        }
    }
}

#define FUEL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- straight-line code, calls, control flow (tests/data/fuel_ops.wat) ---- */

#define FUEL_OPS "tests/data/fuel_ops.wasm"

Test(fuel, straight_line)
{
    static const fuel_case cases[] = {
        /* (4 + 5) * 3. Default: 3 entry + local.get, local.get, i32.add, i32.const, i32.mul,
         * local.get (6; nop x3, block, end, drop and the final end are free) = 9. Uniform:
         * the 13 operators local.get, local.get, i32.add, i32.const, i32.mul, nop, nop,
         * block, nop, end, local.get, drop, end = 13. */
        {"straight", {4, 5}, 2, 1, 27, 9, 13},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, calls)
{
    static const fuel_case cases[] = {
        /* add1(add1(5)). Default: 3 entry + local.get, call, call (3) + 2 invocations of add1
         * x (1 call_entry + local.get, i32.const, i32.add) = 3 + 3 + 2 x 4 = 14. Uniform:
         * local.get, call, call, end (4) + 2 x (local.get, i32.const, i32.add, end) = 12. */
        {"call2", {5}, 1, 1, 7, 14, 12},
        /* call_indirect to add1 (slot 0) and dbl (slot 1). Default: 3 entry + local.get,
         * local.get, call_indirect (3) + callee (1 call_entry + 3 operators) = 10. Uniform:
         * local.get, local.get, call_indirect, end (4) + callee (3 operators + end) = 8. */
        {"calli", {5, 0}, 2, 1, 6, 10, 8},
        {"calli", {5, 1}, 2, 1, 10, 10, 8},
        /* call_indirect to the host function in slot 3: only the call_indirect is paid,
         * default 3 + 3 = 6, uniform 3 + end = 4. */
        {"calli", {5, 3}, 2, 1, 15, 6, 4},
        /* A host function costs only its `call`: default 3 entry + local.get, call = 5;
         * uniform local.get, call, end = 3. */
        {"call_triple", {7}, 1, 1, 21, 5, 3},
        /* The host function charges 10 more (whatever the preset): 5 + 10 and 3 + 10. */
        {"call_charge", {10}, 1, 1, 10, 15, 13},
        /* Charging 0 is allowed and free. */
        {"call_charge", {0}, 1, 1, 0, 5, 3},
        /* A host function calling an export back: the outer call (5 / 3, as call_triple)
         * + call2(5) through wvm_func_call, a call from the host with its host_entry
         * (14 / 12, above): 19 / 15. */
        {"call_reenter", {5}, 1, 1, 7, 19, 15},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, call_traps)
{
    static const fuel_trap_case cases[] = {
        /* Null slot and slot outside the table: call_indirect traps. The body is one metered
         * block (local.get, local.get, call_indirect, end): native pays all of it, default
         * 3 entry + 3 = 6, uniform 4; reference pays up to call_indirect, default 3 + 3 = 6,
         * uniform 3. No callee entry is charged. */
        {"calli", {5, 2}, 2, 1, WVM_TRAP_INDIRECT_CALL_TO_NULL, 6, 4, 6, 3},
        {"calli", {5, 9}, 2, 1, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 6, 4, 6, 3},
    };
    fuel_check_traps(FUEL_OPS, cases, FUEL_COUNT(cases));
}

/* A host function charging more than is left traps with OutOfFuel and charges nothing; the
 * Wasm code before it is paid. */
Test(fuel, host_charge_out_of_fuel)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        for (int uniform = 0; uniform <= 1; uniform++) {
            fuel_env e;
            fuel_open_module(&e, fuel_modes[m], uniform, FUEL_OPS);
            bool native = fuel_modes[m] == WVM_METER_NATIVE;
            /* call_charge(10) costs, before the host function runs, default 3 entry +
             * local.get, call = 5 in both modes (the end is free); uniform local.get, call =
             * 2 in reference, and local.get, call, end = 3 in native (one metered block,
             * paid on entry). With that + 9 fuel the host function finds 9 < 10 left
             * (native uniform: 8) and traps; the Wasm part stays paid. */
            uint64_t before_host = uniform ? 2 : 5;
            uint64_t budget = before_host + 9;
            uint64_t want = uniform && native ? 3 : before_host;
            int32_t arg = 10, result;
            uint64_t consumed;
            wvm_error err;
            wvm_status st = fuel_call(&e, "call_charge", &arg, 1, 1, budget, &result,
                                      &consumed, &err);
            cr_assert_eq(st, WVM_ERR_TRAP, "%s", e.label);
            cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL, "%s: %s", e.label,
                         wvm_trap_name(err.trap));
            cr_assert_eq(consumed, want, "%s: consumed %llu, expected %llu", e.label,
                         (unsigned long long)consumed, (unsigned long long)want);
            cr_assert_eq(wvm_store_fuel(e.store), budget - want);
            fuel_close(&e);
        }
    }
}

Test(fuel, br_if)
{
    static const fuel_case cases[] = {
        /* Taken: i32.const, local.get, br_if, leaving the block without executing its end.
         * Default: 3 entry + 3 = 6. Uniform: block, i32.const, local.get, br_if, final end
         * = 5. */
        {"brif", {1}, 1, 1, 1, 6, 5},
        /* Not taken (br_if still counts): i32.const, local.get, br_if, drop, i32.const, end,
         * end. Default: 3 + 4 (drop and the ends are free) = 7. Uniform: block + those 7 =
         * 8. */
        {"brif", {0}, 1, 1, 2, 7, 8},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, if_else)
{
    static const fuel_case cases[] = {
        /* Then-arm: local.get, if, i32.const, else. Default: 3 + 3 = 6. Uniform: those 4
         * + the final end = 5. */
        {"ifelse", {1}, 1, 1, 10, 6, 5},
        /* Else-arm: local.get, if, i32.const, i32.const, i32.add, end. Default: 3 + 5 = 8.
         * Uniform: those 6 + the final end = 7. */
        {"ifelse", {0}, 1, 1, 21, 8, 7},
        /* Then-arm branching out of the enclosing block: block, local.get, if, i32.const,
         * br; neither the else nor any end executes but the final one. Default: 3 + 4 = 7.
         * Uniform: 5 + final end = 6. */
        {"ifbr", {1}, 1, 1, 7, 7, 6},
        /* Else-arm: block, local.get, if, nop, end (of if), i32.const, end (of block),
         * final end. Default: 3 + local.get, if, i32.const = 6. Uniform: 8. */
        {"ifbr", {0}, 1, 1, 9, 6, 8},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, if_without_else)
{
    static const fuel_case cases[] = {
        /* True: local.get, if, i32.const, local.set, end, local.get, final end. Default:
         * 3 + 5 = 8. Uniform: 7. */
        {"ifonly", {1}, 1, 1, 5, 8, 7},
        /* False: local.get, if, end (the empty else-arm falls through it), local.get, final
         * end. Default: 3 + 3 = 6. Uniform: 5. */
        {"ifonly", {0}, 1, 1, 0, 6, 5},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, loops)
{
    static const fuel_case cases[] = {
        /* Do-while, n iterations of local.get, local.get, i32.add, local.set, local.get,
         * i32.const, i32.sub, local.tee, br_if (9). Default: 3 entry + 9n + local.get.
         * Uniform: loop (once) + 9n + end of loop + local.get + final end. Both 4 + 9n:
         * n = 5 -> 49, n = 1 -> 13. */
        {"loop", {5}, 1, 1, 15, 49, 49},
        {"loop", {1}, 1, 1, 1, 13, 13},
        /* While loop: n iterations of local.get, i32.eqz, br_if, local.get, i32.const,
         * i32.sub, local.set, local.get, i32.const, i32.add, local.set, br (12), then the
         * exit test (3, br_if leaves the block without its end), then local.get. Default:
         * 3 entry + 12n + 3 + 1. Uniform: block + loop (entered once; br back does not
         * re-execute it) + 12n + 3 + local.get + final end (the loop's end and the block's
         * end never execute). Both 7 + 12n: n = 4 -> 55, n = 0 -> 7. */
        {"while", {4}, 1, 1, 8, 55, 55},
        {"while", {0}, 1, 1, 0, 7, 7},
        /* A loop whose back edge is a br_table: x iterations of local.get, i32.const,
         * i32.add, local.set, local.get, i32.const, i32.sub, local.set, local.get,
         * i32.const, i32.ne, br_table (12); the last br_table leaves the block without its
         * end; then local.get. Default: 3 + 12x + 1. Uniform: block + loop + 12x + local.get
         * + final end. Both 4 + 12x: x = 3 -> 40. */
        {"brtable_loop", {3}, 1, 1, 3, 40, 40},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, br_table)
{
    static const fuel_case cases[] = {
        /* Every path: 3 blocks (free under default), local.get, br_table; the branch skips
         * the end of the block it targets. Each add to acc is local.get, i32.const, i32.add,
         * local.set (4); the tail is local.get, i32.const, i32.add (3) + final end.
         * Target $b0: 4 + end $b1 + 4 + end $b2 + 3 + end. Default: 3 entry + 2 + 11 = 16.
         * Uniform: 3 + 2 + 4 + 1 + 4 + 1 + 3 + 1 = 19. */
        {"brtable", {0}, 1, 1, 111, 16, 19},
        /* Target $b1: 4 + end $b2 + 3 + end. Default: 3 + 2 + 7 = 12. Uniform: 3 + 2 + 4 +
         * 1 + 3 + 1 = 14. */
        {"brtable", {1}, 1, 1, 110, 12, 14},
        /* Target $b2 (index 2, and the default for 7): 3 + end. Default: 3 + 2 + 3 = 8.
         * Uniform: 3 + 2 + 3 + 1 = 9. */
        {"brtable", {2}, 1, 1, 100, 8, 9},
        {"brtable", {7}, 1, 1, 100, 8, 9},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, return_mid_block)
{
    static const fuel_case cases[] = {
        /* return: block, local.get, br_if (not taken), i32.const, return; the final end is
         * not executed. Default: 3 + 3 = 6. Uniform: 5. */
        {"ret", {0}, 1, 1, 1, 6, 5},
        /* br_if taken to the block's end (not executed), then i32.const, i32.const,
         * i32.add and the final end. Default: 3 + 2 + 3 = 8. Uniform: 1 + 2 + 3 + 1 = 7. */
        {"ret", {1}, 1, 1, 2, 8, 7},
        /* Without a trap the same code completes: 1 / (x = 2), then 5 + 6. Default: 3 +
         * i32.const, local.get, i32.div_s, i32.const, i32.const, i32.add (6; drop and end
         * free) = 9. Uniform: those 6 + drop + end = 8. */
        {"div", {2}, 1, 1, 11, 9, 8},
    };
    fuel_check_cases(FUEL_OPS, cases, FUEL_COUNT(cases));
}

Test(fuel, traps_mid_block)
{
    static const fuel_trap_case cases[] = {
        /* i32.const, local.set, unreachable: the rest of the function is dead code. Default:
         * 3 entry + 2 = 5 in both modes; uniform: 3 in both. */
        {"unreachable_tail", {0}, 0, 0, WVM_TRAP_UNREACHABLE, 5, 3, 5, 3},
        /* i32.const, local.set, block, unreachable: the block's end and the i32.const after
         * it can never execute (nothing branches to that end and control cannot fall
         * through it), so they are dead code like the rest of the block and belong to no
         * metered block. Default: 3 + 2 = 5; uniform: 4; in both modes. */
        {"unreachable_mid", {0}, 0, 1, WVM_TRAP_UNREACHABLE, 5, 4, 5, 4},
        /* 1 / 0: native pays the whole block (see `div` above): default 9, uniform 8.
         * Reference pays i32.const, local.get, i32.div_s: default 3 + 3 = 6, uniform 3. */
        {"div", {0}, 1, 1, WVM_TRAP_INT_DIVIDE_BY_ZERO, 9, 8, 6, 3},
    };
    fuel_check_traps(FUEL_OPS, cases, FUEL_COUNT(cases));
}

/* ---- the start function (tests/data/fuel_start.wat) ---- */

#define FUEL_START "tests/data/fuel_start.wasm"

Test(fuel, start_function_55)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        for (int uniform = 0; uniform <= 1; uniform++) {
            bool native = fuel_modes[m] == WVM_METER_NATIVE;
            fuel_env e;
            fuel_open(&e, fuel_modes[m], uniform);
            fuel_load(&e, FUEL_START);
            uint64_t consumed;
            wvm_error err;

            /* Default: 2 host_entry + 1 call_entry + i32.const, local.set (2) + 10 x
             * (local.get, i32.const, i32.sub, local.tee, br_if) = 55 (loop and the ends are
             * free). Uniform: i32.const, local.set, loop (2 + 1) + 10 x 5 + end of loop +
             * final end (2) = 55. */
            cr_assert_eq(fuel_instantiate(&e, FUEL_PLENTY, &consumed, &err), WVM_OK, "%s: %s",
                         e.label, err.message);
            cr_assert_eq(consumed, 55, "%s: the start function consumed %llu, expected 55",
                         e.label, (unsigned long long)consumed);

            /* Exactly 55 is enough. */
            cr_assert_eq(fuel_instantiate(&e, 55, &consumed, &err), WVM_OK, "%s: %s", e.label,
                         err.message);
            cr_assert_eq(consumed, 55);

            /* With 54 the start function runs out of fuel. Default native: the entry (3) and
             * the block before the loop (2), then 9 loop bodies of 5 = 50; the 10th body
             * needs 5 and 4 remain. Default reference: operator by operator until the last
             * br_if finds 0 left = 54. Uniform native: the block before the loop (i32.const,
             * local.set, loop = 3) + 10 bodies of 5 = 53; the block after the last br_if (end
             * of loop, final end = 2) finds 1. Uniform reference: 53 + end of loop = 54. */
            uint64_t want = native ? (uniform ? 53 : 50) : 54;
            cr_assert_eq(fuel_instantiate(&e, 54, &consumed, &err), WVM_ERR_TRAP, "%s",
                         e.label);
            cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL, "%s: %s", e.label,
                         wvm_trap_name(err.trap));
            cr_assert_eq(consumed, want, "%s: consumed %llu, expected %llu", e.label,
                         (unsigned long long)consumed, (unsigned long long)want);

            /* With no fuel nothing runs and nothing is consumed. */
            cr_assert_eq(fuel_instantiate(&e, 0, &consumed, &err), WVM_ERR_TRAP, "%s",
                         e.label);
            cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
            cr_assert_eq(consumed, 0, "%s: consumed %llu with no fuel", e.label,
                         (unsigned long long)consumed);
            fuel_close(&e);
        }
    }
}

/* ---- bulk operations and growth (tests/data/fuel_bulk.wat) ---- */

#define FUEL_BULK "tests/data/fuel_bulk.wasm"

/* Every export of fuel_bulk is one metered block: n parameters read by local.get, the
 * operation and the free final end. Default: 3 entry + (n local.get + the operation) + the
 * dynamic cost; uniform: n + 1 + end, with no dynamic cost. */
Test(fuel, bulk_operations)
{
    static const fuel_case cases[] = {
        /* memory.fill of 10 bytes: 3 + 4 + 10 = 17; uniform 5. Of 0 bytes: 7. */
        {"mem_fill", {100, 0xAB, 10}, 3, 0, 0, 17, 5},
        {"mem_fill", {100, 0xAB, 0}, 3, 0, 0, 7, 5},
        /* memory.copy of 10 bytes: 3 + 4 + 10 = 17; uniform 5. */
        {"mem_copy", {200, 100, 10}, 3, 0, 0, 17, 5},
        /* memory.init of 5 bytes of the 8-byte passive segment: 3 + 4 + 5 = 12; uniform
         * 5. */
        {"mem_init", {300, 2, 5}, 3, 0, 0, 12, 5},
        /* table.fill of 3 elements: local.get, ref.func, local.get, table.fill: 3 + 4 + 3 =
         * 10; uniform 5. */
        {"tab_fill", {2, 3}, 2, 0, 0, 10, 5},
        /* table.copy of 3 elements: 3 + 4 + 3 = 10; uniform 5. */
        {"tab_copy", {0, 2, 3}, 3, 0, 0, 10, 5},
        /* table.init of the 3-element passive segment: 3 + 4 + 3 = 10; uniform 5. */
        {"tab_init", {5, 0, 3}, 3, 0, 0, 10, 5},
    };
    fuel_check_cases(FUEL_BULK, cases, FUEL_COUNT(cases));

    /* The operations did their work (checked once, in a fresh native/default instance). */
    fuel_env e;
    fuel_open_module(&e, WVM_METER_NATIVE, false, FUEL_BULK);
    for (size_t i = 0; i < FUEL_COUNT(cases); i++) {
        int32_t result;
        uint64_t consumed;
        wvm_error err;
        cr_assert_eq(fuel_call(&e, cases[i].name, cases[i].args, cases[i].nargs, 0,
                               FUEL_PLENTY, &result, &consumed, &err),
                     WVM_OK, "%s", err.message);
    }
    const uint8_t *mem = fuel_memory(&e);
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(mem[100 + i], 0xAB);
        cr_assert_eq(mem[200 + i], 0xAB);
    }
    cr_assert_eq(memcmp(mem + 300, "cdefg", 5), 0);
    /* tab_fill set 2..4, tab_copy copied 2..4 to 0..2, tab_init set 5..7. */
    wvm_table *tab = fuel_table(&e);
    for (uint32_t i = 0; i < 8; i++) {
        wvm_val v;
        cr_assert_eq(wvm_table_get(tab, i, &v), WVM_OK);
        cr_assert_not_null(v.of.funcref, "table slot %u is null", i);
    }
    fuel_close(&e);
}

Test(fuel, bulk_out_of_bounds_charges_no_dynamic_cost)
{
    static const fuel_trap_case cases[] = {
        /* The bounds check fails, so the 10 (or 5, 4) units are never charged: native pays
         * the block, default 3 + 4 = 7 (the end is free), uniform 5 (with the end);
         * reference pays up to the operation, default 7, uniform 4. */
        {"mem_fill", {65530, 1, 10}, 3, 0, WVM_TRAP_MEMORY_OUT_OF_BOUNDS, 7, 5, 7, 4},
        {"mem_copy", {0, 65530, 10}, 3, 0, WVM_TRAP_MEMORY_OUT_OF_BOUNDS, 7, 5, 7, 4},
        {"mem_init", {0, 5, 4}, 3, 0, WVM_TRAP_MEMORY_OUT_OF_BOUNDS, 7, 5, 7, 4},
        {"tab_fill", {6, 5}, 2, 0, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 7, 5, 7, 4},
        {"tab_copy", {6, 0, 5}, 3, 0, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 7, 5, 7, 4},
        {"tab_init", {0, 1, 3}, 3, 0, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 7, 5, 7, 4},
    };
    fuel_check_traps(FUEL_BULK, cases, FUEL_COUNT(cases));
}

Test(fuel, grow)
{
    static const fuel_case cases[] = {
        /* memory.grow: local.get, memory.grow + 1 per page requested. Memory 1..4 pages.
         * Grow by 2 (1 -> 3): 3 + 2 + 2 = 7; by 0: 5; by 10 (1 + 10 > 4) fails (-1), but
         * 10 pages were requested: 3 + 2 + 10 = 15. Uniform: local.get, memory.grow, end = 3. */
        {"mem_grow", {2}, 1, 1, 1, 7, 3},
        {"mem_grow", {0}, 1, 1, 1, 5, 3},
        {"mem_grow", {10}, 1, 1, -1, 15, 3},
        /* table.grow: ref.null, local.get, table.grow + 1 per element requested. Table
         * 8..16. Grow by 2 (8 -> 10): 3 + 3 + 2 = 8; by 100 fails: 3 + 3 + 100 = 106.
         * Uniform: 3 operators + end = 4. */
        {"tab_grow", {2}, 1, 1, 8, 8, 4},
        {"tab_grow", {100}, 1, 1, -1, 106, 4},
        /* Requesting 2^32 - 1 pages or elements fails, and costs what it requests:
         * 3 + 2 + 4294967295 and 3 + 3 + 4294967295. */
        {"mem_grow", {-1}, 1, 1, -1, UINT64_C(4294967300), 3},
        {"tab_grow", {-1}, 1, 1, -1, UINT64_C(4294967301), 4},
    };
    /* fuel_check_cases runs each call three times, so the sizes grow between rows: feed it
     * one row at a time in a fresh instance. */
    for (size_t i = 0; i < FUEL_COUNT(cases); i++)
        fuel_check_cases(FUEL_BULK, &cases[i], 1);
}

/* Out of fuel for the dynamic cost of a bulk operation: the operation does not happen,
 * memory is unchanged, and resuming completes it with the same total. */
Test(fuel, bulk_out_of_fuel_resumes)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        fuel_env e;
        fuel_open_module(&e, fuel_modes[m], false, FUEL_BULK);
        uint8_t *mem = fuel_memory(&e);
        for (int i = 0; i < 32; i++)
            mem[i] = (uint8_t)i;

        /* memory.fill(1000, 0x5A, 1000) costs 3 + 4 + 1000 = 1007: with 1006 the block (7)
         * is paid in both modes, then 1000 > 999 left. */
        wvm_func *fill = fuel_export(&e, "mem_fill");
        wvm_val args[3];
        fuel_args(args, (const int32_t[]){1000, 0x5A, 1000}, 3);
        wvm_store_set_fuel(e.store, 1006);
        uint64_t before = wvm_store_fuel_consumed(e.store);
        wvm_resumable *r = NULL;
        wvm_error err;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wvm_func_call_resumable(e.store, fill, args, 3, NULL, 0, &r, &err),
                     WVM_ERR_TRAP, "%s", e.label);
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL, "%s: %s", e.label,
                     wvm_trap_name(err.trap));
        cr_assert_not_null(r);
        cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, 7, "%s", e.label);
        cr_assert_eq(wvm_store_fuel(e.store), 999);
        for (int i = 1000; i < 2000; i++)
            cr_assert_eq(mem[i], 0, "%s: memory.fill wrote byte %d before being paid",
                         e.label, i);
        cr_assert_eq(wvm_store_add_fuel(e.store, 1), WVM_OK);
        cr_assert_eq(wvm_resumable_resume(r, NULL, 0, &err), WVM_OK, "%s: %s", e.label,
                     err.message);
        cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, 1007, "%s", e.label);
        cr_assert_eq(wvm_store_fuel(e.store), 0);
        for (int i = 1000; i < 2000; i++)
            cr_assert_eq(mem[i], 0x5A);

        /* An overlapping memory.copy(4, 0, 12) (3 + 4 + 12 = 19) with 18: unchanged; after
         * resuming, bytes 4..15 hold 0..11. */
        wvm_func *copy = fuel_export(&e, "mem_copy");
        fuel_args(args, (const int32_t[]){4, 0, 12}, 3);
        wvm_store_set_fuel(e.store, 18);
        before = wvm_store_fuel_consumed(e.store);
        cr_assert_eq(wvm_func_call_resumable(e.store, copy, args, 3, NULL, 0, &r, &err),
                     WVM_ERR_TRAP, "%s", e.label);
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        cr_assert_not_null(r);
        for (int i = 0; i < 32; i++)
            cr_assert_eq(mem[i], i, "%s: memory.copy changed byte %d unpaid", e.label, i);
        cr_assert_eq(wvm_store_add_fuel(e.store, 1), WVM_OK);
        cr_assert_eq(wvm_resumable_resume(r, NULL, 0, &err), WVM_OK, "%s", err.message);
        cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, 19, "%s", e.label);
        for (int i = 0; i < 4; i++)
            cr_assert_eq(mem[i], i);
        for (int i = 4; i < 16; i++)
            cr_assert_eq(mem[i], i - 4);
        for (int i = 16; i < 32; i++)
            cr_assert_eq(mem[i], i);

        /* memory.grow(2) (3 + 2 + 2 = 7) with 6: the memory keeps 1 page; then grows. */
        wvm_func *grow = fuel_export(&e, "mem_grow");
        fuel_args(args, (const int32_t[]){2}, 1);
        wvm_val res[1];
        wvm_store_set_fuel(e.store, 6);
        before = wvm_store_fuel_consumed(e.store);
        cr_assert_eq(wvm_func_call_resumable(e.store, grow, args, 1, res, 1, &r, &err),
                     WVM_ERR_TRAP, "%s", e.label);
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        wvm_extern ext;
        cr_assert(wvm_instance_export(e.instance, "mem", &ext));
        cr_assert_eq(wvm_memory_size_pages(ext.of.memory), 1);
        cr_assert_eq(wvm_store_add_fuel(e.store, 1), WVM_OK);
        cr_assert_eq(wvm_resumable_resume(r, res, 1, &err), WVM_OK, "%s", err.message);
        cr_assert_eq(res[0].of.i32, 1);
        cr_assert_eq(wvm_memory_size_pages(ext.of.memory), 3);
        cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, 7);

        /* table.grow(5) (3 + 3 + 5 = 11) with 10: the table keeps 8 elements. */
        wvm_func *tgrow = fuel_export(&e, "tab_grow");
        fuel_args(args, (const int32_t[]){5}, 1);
        wvm_store_set_fuel(e.store, 10);
        before = wvm_store_fuel_consumed(e.store);
        cr_assert_eq(wvm_func_call_resumable(e.store, tgrow, args, 1, res, 1, &r, &err),
                     WVM_ERR_TRAP, "%s", e.label);
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        cr_assert_eq(wvm_table_size(fuel_table(&e)), 8);
        cr_assert_eq(wvm_store_add_fuel(e.store, 1), WVM_OK);
        cr_assert_eq(wvm_resumable_resume(r, res, 1, &err), WVM_OK, "%s", err.message);
        cr_assert_eq(res[0].of.i32, 8);
        cr_assert_eq(wvm_table_size(fuel_table(&e)), 13);
        cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, 11);
        fuel_close(&e);
    }
}

/* ---- fib (examples/fib.wasm) and recursion (tests/data/fuel_recursion.wat) ---- */

#define FUEL_FIB "examples/fib.wasm"
#define FUEL_RECURSION "tests/data/fuel_recursion.wasm"

Test(fuel, fib)
{
    static const fuel_case cases[] = {
        {"fib", {FIB_N}, 1, 1, FIB_RESULT, FIB_FUEL_DEFAULT, FIB_FUEL_UNIFORM},
        /* fib(0): the br_if leaves $done at once. Default: 3 + 10 + local.get = 14.
         * Uniform: 11 + local.get + final end = 13. */
        {"fib", {0}, 1, 1, 1, 14, 13},
    };
    fuel_check_cases(FUEL_FIB, cases, FUEL_COUNT(cases));
}

Test(fuel, recursion)
{
    static const fuel_case cases[] = {
        /* rfib(15) = 610 makes 1973 invocations, 987 leaves (n < 2) and 986 inner ones.
         * Default, a leaf: call_entry + local.get, i32.const, i32.lt_s, if, local.get = 6
         * (else and the ends free); an inner one: 1 + 4 + local.get, i32.const, i32.sub,
         * call, local.get, i32.const, i32.sub, call, i32.add (9) = 14. Total 2 host_entry +
         * 987 x 6 + 986 x 14 = 19728. Uniform: a leaf 4 + local.get + else + final end = 7;
         * an inner one 4 + 9 + end of if + final end = 15: 987 x 7 + 986 x 15 = 21699. */
        {"rfib", {15}, 1, 1, 610, 19728, 21699},
        /* deep(1000) = 1000, 1001 nested invocations. Default: n > 0 costs call_entry +
         * local.get, if + local.get, i32.const, i32.sub, call, i32.const, i32.add = 9;
         * n = 0 costs 1 + 2 + i32.const = 4: 2 + 1000 x 9 + 4 = 9006. Uniform: n > 0 costs
         * 8 operators + else + final end = 10, n = 0 local.get, if, i32.const, end, final
         * end = 5: 10005. */
        {"deep", {1000}, 1, 1, 1000, 9006, 10005},
        /* nested(10) = 100. Default: 3 + local.get, local.set (2) + 10 outer x (local.get,
         * local.set (2) + 10 inner x 9 + local.get, i32.const, i32.sub, local.tee, br_if
         * (5)) + local.get = 6 + 7n + 9n^2 = 976. Uniform: 2 + outer loop + 10 x (2 + inner
         * loop + 9n + inner end + 5) + outer end + local.get + final end = 6 + 9n + 9n^2 =
         * 996. */
        {"nested", {10}, 1, 1, 100, 976, 996},
    };
    fuel_check_cases(FUEL_RECURSION, cases, FUEL_COUNT(cases));
}

/* ---- resumable calls ---- */

/* Calls f(arg) resumably with `budget` fuel, then adds `step` fuel and resumes after each
 * out-of-fuel stop until the call completes. Returns the result; *consumed is the total
 * fuel consumed, *stops the number of out-of-fuel stops. */
static int32_t fuel_run_sliced(fuel_env *e, wvm_func *f, int32_t arg, uint64_t budget,
                               uint64_t step, uint64_t *consumed, uint64_t *stops)
{
    wvm_val args[1];
    wvm_val res[1];
    fuel_args(args, &arg, 1);
    memset(res, 0, sizeof res);
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_resumable *r = NULL;
    wvm_store_set_fuel(e->store, budget);
    uint64_t before = wvm_store_fuel_consumed(e->store);
    uint64_t given = budget;
    *stops = 0;
    wvm_status st = wvm_func_call_resumable(e->store, f, args, 1, res, 1, &r, &err);
    while (st == WVM_ERR_TRAP && err.trap == WVM_TRAP_OUT_OF_FUEL) {
        cr_assert_not_null(r, "%s: out of fuel without a resumable handle", e->label);
        uint64_t so_far = wvm_store_fuel_consumed(e->store) - before;
        cr_assert_leq(so_far, given, "%s: consumed more than given", e->label);
        cr_assert_eq(wvm_store_fuel(e->store), given - so_far, "%s", e->label);
        if (budget == 0 && *stops == 0)
            cr_assert_eq(so_far, 0, "%s: budget 0 consumed %llu", e->label,
                         (unsigned long long)so_far);
        ++*stops;
        cr_assert_lt(*stops, 10000000, "%s: the call makes no progress", e->label);
        cr_assert_eq(wvm_store_add_fuel(e->store, step), WVM_OK);
        given += step;
        memset(&err, 0, sizeof err);
        st = wvm_resumable_resume(r, res, 1, &err);
    }
    cr_assert_eq(st, WVM_OK, "%s: budget %llu, %llu stops: %s (%s)", e->label,
                 (unsigned long long)budget, (unsigned long long)*stops, err.message,
                 wvm_trap_name(err.trap));
    *consumed = wvm_store_fuel_consumed(e->store) - before;
    cr_assert_eq(wvm_store_fuel(e->store), given - *consumed, "%s", e->label);
    return res[0].of.i32;
}

/* Runs export name(arg) with every budget in [0, max_budget] (in steps of budget_step),
 * resuming with `step` more fuel each time: the result and the total fuel are always those
 * of one uninterrupted run. Both modes, the given preset. */
static void fuel_check_resumption_preset(bool uniform, const char *path, const char *name,
                                         int32_t arg, int32_t result, uint64_t fuel,
                                         uint64_t max_budget, uint64_t budget_step,
                                         uint64_t step)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        fuel_env e;
        fuel_open_module(&e, fuel_modes[m], uniform, path);
        wvm_func *f = fuel_export(&e, name);
        for (uint64_t budget = 0; budget <= max_budget; budget += budget_step) {
            uint64_t consumed, stops;
            int32_t got = fuel_run_sliced(&e, f, arg, budget, step, &consumed, &stops);
            cr_assert_eq(got, result, "%s: %s(%d) with budget %llu = %d, expected %d", e.label,
                         name, arg, (unsigned long long)budget, got, result);
            cr_assert_eq(consumed, fuel,
                         "%s: %s(%d) with budget %llu (+%llu per resume, %llu stops) consumed "
                         "%llu, expected %llu",
                         e.label, name, arg, (unsigned long long)budget,
                         (unsigned long long)step, (unsigned long long)stops,
                         (unsigned long long)consumed, (unsigned long long)fuel);
            cr_assert_eq(stops == 0, budget >= fuel,
                         "%s: budget %llu: %llu stops for a %llu-fuel call", e.label,
                         (unsigned long long)budget, (unsigned long long)stops,
                         (unsigned long long)fuel);
        }
        fuel_close(&e);
    }
}

/* The same under the default preset. */
static void fuel_check_resumption(const char *path, const char *name, int32_t arg,
                                  int32_t result, uint64_t fuel, uint64_t max_budget,
                                  uint64_t budget_step, uint64_t step)
{
    fuel_check_resumption_preset(false, path, name, arg, result, fuel, max_budget, budget_step,
                                 step);
}

/* fib(46) stopped at every possible point: each budget from 0 to 700, then 1 more fuel per
 * resume. */
Test(fuel, resume_fib_every_budget)
{
    fuel_check_resumption(FUEL_FIB, "fib", FIB_N, FIB_RESULT, FIB_FUEL_DEFAULT, 700, 1, 1);
}

/* The same under the uniform preset: always 614. */
Test(fuel, resume_fib_every_budget_uniform)
{
    fuel_check_resumption_preset(true, FUEL_FIB, "fib", FIB_N, FIB_RESULT, FIB_FUEL_UNIFORM,
                                 700, 1, 1);
}

/* The same with larger resume steps (stops land on other block boundaries). */
Test(fuel, resume_fib_steps)
{
    static const uint64_t steps[] = {2, 3, 5, 7, 13, 64};
    for (size_t i = 0; i < FUEL_COUNT(steps); i++)
        fuel_check_resumption(FUEL_FIB, "fib", FIB_N, FIB_RESULT, FIB_FUEL_DEFAULT, 620, 1,
                              steps[i]);
}

/* Inside a recursive call tree (rfib(15), 19728 fuel, up to 15 frames deep), a 1001-deep
 * call chain (deep(1000), 9006 fuel) and nested loops (nested(10), 976 fuel); the numbers
 * are explained in the `recursion` test. */
Test(fuel, resume_recursion)
{
    /* rfib(6) = 8 at every budget, 1 fuel per resume: 25 invocations, 13 leaves and 12
     * inner ones, 2 + 13 x 6 + 12 x 14 = 248 (default); 13 x 7 + 12 x 15 = 271 (uniform). */
    fuel_check_resumption(FUEL_RECURSION, "rfib", 6, 8, 248, 260, 1, 1);
    fuel_check_resumption_preset(true, FUEL_RECURSION, "rfib", 6, 8, 271, 280, 1, 1);
    fuel_check_resumption(FUEL_RECURSION, "rfib", 15, 610, 19728, 19800, 997, 5);
    fuel_check_resumption(FUEL_RECURSION, "rfib", 15, 610, 19728, 200, 1, 1000);
    fuel_check_resumption(FUEL_RECURSION, "deep", 1000, 1000, 9006, 9100, 101, 3);
    fuel_check_resumption(FUEL_RECURSION, "deep", 1000, 1000, 9006, 300, 1, 500);
}

Test(fuel, resume_loops)
{
    fuel_check_resumption(FUEL_RECURSION, "nested", 10, 100, 976, 1000, 7, 1);
    fuel_check_resumption(FUEL_RECURSION, "nested", 10, 100, 976, 1000, 1, 11);
}

/* Budget 0: out of fuel before any code, nothing consumed; the handle can be abandoned and
 * the store keeps working. */
Test(fuel, out_of_fuel_before_any_code)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        fuel_env e;
        fuel_open_module(&e, fuel_modes[m], false, FUEL_FIB);
        wvm_func *fib = fuel_export(&e, "fib");
        wvm_val args[1];
        wvm_val res[1];
        fuel_args(args, (const int32_t[]){FIB_N}, 1);
        wvm_error err;
        memset(&err, 0, sizeof err);
        wvm_resumable *r = NULL;
        wvm_store_set_fuel(e.store, 0);
        uint64_t before = wvm_store_fuel_consumed(e.store);
        cr_assert_eq(wvm_func_call_resumable(e.store, fib, args, 1, res, 1, &r, &err),
                     WVM_ERR_TRAP, "%s", e.label);
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        cr_assert_not_null(r);
        cr_assert_eq(wvm_store_fuel_consumed(e.store), before, "%s", e.label);
        wvm_resumable_delete(r);

        /* A plain call with no fuel: the same trap, nothing consumed. */
        int32_t result;
        uint64_t consumed;
        cr_assert_eq(fuel_call(&e, "fib", (const int32_t[]){FIB_N}, 1, 1, 0, &result,
                               &consumed, &err),
                     WVM_ERR_TRAP);
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        cr_assert_eq(consumed, 0);

        /* The store still runs calls after the abandoned one. */
        cr_assert_eq(fuel_call(&e, "fib", (const int32_t[]){FIB_N}, 1, 1, FUEL_PLENTY, &result,
                               &consumed, &err),
                     WVM_OK, "%s: %s", e.label, err.message);
        cr_assert_eq(result, FIB_RESULT);
        cr_assert_eq(consumed, FIB_FUEL_DEFAULT);

        /* A call that completes has no handle. */
        r = (wvm_resumable *)&r;
        wvm_store_set_fuel(e.store, FUEL_PLENTY);
        cr_assert_eq(wvm_func_call_resumable(e.store, fib, args, 1, res, 1, &r, &err), WVM_OK);
        cr_assert_null(r);
        cr_assert_eq(res[0].of.i32, FIB_RESULT);
        fuel_close(&e);
    }
}

/* Suspended calls nest: while fib(46) is suspended, another fib(46) runs to completion;
 * then the first one resumes. Each consumes 612. Also abandoning a call suspended deep in
 * a recursion. */
Test(fuel, resume_after_other_calls)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        fuel_env e;
        fuel_open_module(&e, fuel_modes[m], false, FUEL_FIB);
        wvm_func *fib = fuel_export(&e, "fib");
        wvm_val args[1];
        wvm_val res[1];
        fuel_args(args, (const int32_t[]){FIB_N}, 1);
        wvm_error err;
        memset(&err, 0, sizeof err);
        wvm_resumable *r = NULL;
        wvm_store_set_fuel(e.store, 300);
        uint64_t before = wvm_store_fuel_consumed(e.store);
        cr_assert_eq(wvm_func_call_resumable(e.store, fib, args, 1, res, 1, &r, &err),
                     WVM_ERR_TRAP, "%s", e.label);
        cr_assert_not_null(r);
        uint64_t first = wvm_store_fuel_consumed(e.store) - before;

        int32_t result;
        uint64_t consumed;
        cr_assert_eq(fuel_call(&e, "fib", (const int32_t[]){FIB_N}, 1, 1, 1000, &result,
                               &consumed, &err),
                     WVM_OK, "%s: %s", e.label, err.message);
        cr_assert_eq(result, FIB_RESULT);
        cr_assert_eq(consumed, FIB_FUEL_DEFAULT);

        wvm_store_set_fuel(e.store, 1000);
        uint64_t mid = wvm_store_fuel_consumed(e.store);
        cr_assert_eq(wvm_resumable_resume(r, res, 1, &err), WVM_OK, "%s: %s", e.label,
                     err.message);
        cr_assert_eq(res[0].of.i32, FIB_RESULT);
        cr_assert_eq(first + wvm_store_fuel_consumed(e.store) - mid, FIB_FUEL_DEFAULT,
                     "%s", e.label);
        fuel_close(&e);

        /* Abandon deep(1000) suspended ~1000 frames deep, then run it again fully. */
        fuel_open_module(&e, fuel_modes[m], false, FUEL_RECURSION);
        wvm_func *deep = fuel_export(&e, "deep");
        fuel_args(args, (const int32_t[]){1000}, 1);
        wvm_store_set_fuel(e.store, 9000);
        cr_assert_eq(wvm_func_call_resumable(e.store, deep, args, 1, res, 1, &r, &err),
                     WVM_ERR_TRAP, "%s", e.label);
        cr_assert_not_null(r);
        wvm_resumable_delete(r);
        cr_assert_eq(fuel_call(&e, "deep", (const int32_t[]){1000}, 1, 1, FUEL_PLENTY,
                               &result, &consumed, &err),
                     WVM_OK, "%s: %s", e.label, err.message);
        cr_assert_eq(result, 1000);
        cr_assert_eq(consumed, 9006);
        fuel_close(&e);
    }
}

/* A resumed call that then traps for another reason reports that trap (the handle is freed
 * by the failed resume), and the fuel is that of an uninterrupted trapping run. */
Test(fuel, resume_then_trap)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        fuel_env e;
        fuel_open_module(&e, fuel_modes[m], false, FUEL_OPS);
        bool native = fuel_modes[m] == WVM_METER_NATIVE;
        wvm_func *div = fuel_export(&e, "div");
        wvm_val args[1];
        wvm_val res[1];
        fuel_args(args, (const int32_t[]){0}, 1);
        wvm_error err;
        memset(&err, 0, sizeof err);
        wvm_resumable *r = NULL;
        wvm_store_set_fuel(e.store, 0);
        uint64_t before = wvm_store_fuel_consumed(e.store);
        cr_assert_eq(wvm_func_call_resumable(e.store, div, args, 1, res, 1, &r, &err),
                     WVM_ERR_TRAP);
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        cr_assert_not_null(r);
        cr_assert_eq(wvm_store_add_fuel(e.store, 100), WVM_OK);
        memset(&err, 0, sizeof err);
        cr_assert_eq(wvm_resumable_resume(r, res, 1, &err), WVM_ERR_TRAP, "%s", e.label);
        cr_assert_eq(err.trap, WVM_TRAP_INT_DIVIDE_BY_ZERO, "%s: %s", e.label,
                     wvm_trap_name(err.trap));
        /* As in traps_mid_block: native 9, reference 6. */
        cr_assert_eq(wvm_store_fuel_consumed(e.store) - before, native ? 9 : 6, "%s",
                     e.label);
        fuel_close(&e);
    }
}

/* ---- determinism ---- */

/* The same program consumes the same fuel across repeated runs in one store and in new
 * engines and stores (and, through the hard-coded numbers, across the gcc, clang and
 * sanitizer builds, which all run this test). */
Test(fuel, deterministic)
{
    for (size_t m = 0; m < FUEL_NMODES; m++) {
        for (int round = 0; round < 3; round++) {
            fuel_env e;
            fuel_open_module(&e, fuel_modes[m], false, FUEL_RECURSION);
            for (int rep = 0; rep < 3; rep++) {
                int32_t result;
                uint64_t consumed;
                wvm_error err;
                cr_assert_eq(fuel_call(&e, "rfib", (const int32_t[]){15}, 1, 1, FUEL_PLENTY,
                                       &result, &consumed, &err),
                             WVM_OK, "%s", err.message);
                cr_assert_eq(consumed, 19728, "%s: round %d rep %d: %llu", e.label, round,
                             rep, (unsigned long long)consumed);
                cr_assert_eq(fuel_call(&e, "nested", (const int32_t[]){10}, 1, 1,
                                       FUEL_PLENTY, &result, &consumed, &err),
                             WVM_OK, "%s", err.message);
                cr_assert_eq(consumed, 976);
            }
            fuel_close(&e);

            fuel_open_module(&e, fuel_modes[m], false, FUEL_FIB);
            for (int rep = 0; rep < 3; rep++) {
                int32_t result;
                uint64_t consumed;
                wvm_error err;
                cr_assert_eq(fuel_call(&e, "fib", (const int32_t[]){FIB_N}, 1, 1, FUEL_PLENTY,
                                       &result, &consumed, &err),
                             WVM_OK, "%s", err.message);
                cr_assert_eq(consumed, FIB_FUEL_DEFAULT);
            }
            /* fuel_consumed counts everything since the store was created: 3 x 612. */
            cr_assert_eq(wvm_store_fuel_consumed(e.store), 3 * FIB_FUEL_DEFAULT, "%s",
                         e.label);
            fuel_close(&e);
        }
    }
}
