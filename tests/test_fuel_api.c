/* Criterion tests of the fuel API of include/wvm.h: cost model objects (presets, the parser
 * and file loader with their errors), engines that meter and reject forbidden operators, the
 * store's fuel counter, fuel charged by host functions, resumable calls and the lifetime of
 * their handles (out-of-order deletion, store deletion, calls suspended inside host
 * callbacks), and the start function running out of fuel.
 *
 * Exact fuel amounts are tests/test_fuel.c's business: these tests check properties (fuel
 * decreases, consumed + remaining is what was given, a resumed call costs what an
 * uninterrupted one does, the two metering modes agree).
 *
 * The modules are embedded as bytes; each is shown as the text it was assembled from
 * (wat2wasm --debug-names).
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wvm.h"
#include "values.h"

/*
 * (module
 *   (func $add (export "add") (param f64 f64) (result f64)
 *     (f64.add (local.get 0) (local.get 1))))
 */
static const uint8_t wasm_float[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60,
    0x02, 0x7c, 0x7c, 0x01, 0x7c, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01,
    0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20,
    0x00, 0x20, 0x01, 0xa0, 0x0b, 0x00, 0x12, 0x04, 0x6e, 0x61, 0x6d, 0x65,
    0x01, 0x06, 0x01, 0x00, 0x03, 0x61, 0x64, 0x64, 0x02, 0x03, 0x01, 0x00,
    0x00,
};

/* File offset of the f64.add operator in wasm_float. */
#define WASM_FLOAT_ADD_OFFSET 0x27

/*
 * (module
 *   (import "env" "burn" (func $burn (param i64)))
 *   (import "env" "hook" (func $hook (result i32)))
 *   (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
 *     (block $done
 *       (loop $l
 *         (br_if $done (i32.eqz (local.get $n)))
 *         (local.set $acc (i32.add (local.get $acc) (local.get $n)))
 *         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *         (br $l)))
 *     (local.get $acc))
 *   (func (export "burn") (param i64) (call $burn (local.get 0)))
 *   (func (export "hook_then_sum") (param i32) (result i32)
 *     (i32.add (call $hook) (call $sum (local.get 0))))
 *   (func (export "boom") (unreachable)))
 */
static const uint8_t wasm_work[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x11, 0x04, 0x60,
    0x01, 0x7e, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x60, 0x00, 0x00, 0x02, 0x17, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x62,
    0x75, 0x72, 0x6e, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x68, 0x6f,
    0x6f, 0x6b, 0x00, 0x01, 0x03, 0x05, 0x04, 0x02, 0x00, 0x02, 0x03, 0x07,
    0x25, 0x04, 0x03, 0x73, 0x75, 0x6d, 0x00, 0x02, 0x04, 0x62, 0x75, 0x72,
    0x6e, 0x00, 0x03, 0x0d, 0x68, 0x6f, 0x6f, 0x6b, 0x5f, 0x74, 0x68, 0x65,
    0x6e, 0x5f, 0x73, 0x75, 0x6d, 0x00, 0x04, 0x04, 0x62, 0x6f, 0x6f, 0x6d,
    0x00, 0x05, 0x0a, 0x38, 0x04, 0x21, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03,
    0x40, 0x20, 0x00, 0x45, 0x0d, 0x01, 0x20, 0x01, 0x20, 0x00, 0x6a, 0x21,
    0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b,
    0x20, 0x01, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x09, 0x00,
    0x10, 0x01, 0x20, 0x00, 0x10, 0x02, 0x6a, 0x0b, 0x03, 0x00, 0x00, 0x0b,
    0x00, 0x30, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x12, 0x03, 0x00, 0x04,
    0x62, 0x75, 0x72, 0x6e, 0x01, 0x04, 0x68, 0x6f, 0x6f, 0x6b, 0x02, 0x03,
    0x73, 0x75, 0x6d, 0x02, 0x15, 0x06, 0x00, 0x00, 0x01, 0x00, 0x02, 0x02,
    0x00, 0x01, 0x6e, 0x01, 0x03, 0x61, 0x63, 0x63, 0x03, 0x00, 0x04, 0x00,
    0x05, 0x00,
};

/*
 * (module
 *   (global $done (export "done") (mut i32) (i32.const 0))
 *   (func $start (local i32)
 *     (local.set 0 (i32.const 10))
 *     (loop
 *       (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
 *       (br_if 0))
 *     (global.set $done (i32.const 1)))
 *   (start $start))
 */
static const uint8_t wasm_start[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
    0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41,
    0x00, 0x0b, 0x07, 0x08, 0x01, 0x04, 0x64, 0x6f, 0x6e, 0x65, 0x03, 0x00,
    0x08, 0x01, 0x00, 0x0a, 0x1a, 0x01, 0x18, 0x01, 0x01, 0x7f, 0x41, 0x0a,
    0x21, 0x00, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d,
    0x00, 0x0b, 0x41, 0x01, 0x24, 0x00, 0x0b, 0x00, 0x1d, 0x04, 0x6e, 0x61,
    0x6d, 0x65, 0x01, 0x08, 0x01, 0x00, 0x05, 0x73, 0x74, 0x61, 0x72, 0x74,
    0x02, 0x03, 0x01, 0x00, 0x00, 0x07, 0x07, 0x01, 0x00, 0x04, 0x64, 0x6f,
    0x6e, 0x65,
};

/* ---- fixture: an engine, the work module instantiated in one store ---- */

/* What the "env" "hook" host function does when called. */
typedef enum {
    HOOK_NONE,          /* returns 0 */
    HOOK_REFUEL,        /* sets the store's fuel to 1,000,000 */
    HOOK_NESTED_RESUME, /* runs sum(100) resumably on little fuel, refuels, resumes it */
    HOOK_NESTED_LEAVE,  /* runs sum(100) resumably on little fuel and leaves it suspended */
    HOOK_RESUME_OUTER,  /* tries to resume and to delete the handle `outer` */
} hook_mode;

typedef struct {
    wvm_engine *engine;
    wvm_store *store;
    wvm_linker *linker;
    wvm_module *module;
    wvm_instance *inst;
    wvm_func *sum, *burn, *hook_then_sum, *boom; /* exports of wasm_work */
    wvm_func *host_burn;    /* "env" "burn": charges its argument with consume_fuel */
    wvm_func *host_hook;    /* "env" "hook": per `mode` */
    int burn_calls;         /* calls of host_burn's callback */
    wvm_trap_code burn_rc;  /* what consume_fuel returned last */
    hook_mode mode;
    wvm_resumable *outer;   /* HOOK_RESUME_OUTER: a handle made outside the hook */
    wvm_resumable *left;    /* HOOK_NESTED_LEAVE: the handle left suspended */
    wvm_status hook_st[4];  /* statuses the hook observed */
    int32_t hook_result;    /* HOOK_NESTED_RESUME: the nested call's result */
} fixture;

static fixture fx;

static wvm_trap_code cb_burn(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                             void *env)
{
    fixture *f = env;
    f->burn_calls++;
    f->burn_rc = wvm_caller_consume_fuel(caller, (uint64_t)args[0].of.i64);
    return f->burn_rc;
}

static wvm_trap_code cb_hook(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                             void *env)
{
    fixture *f = env;
    wvm_store *s = wvm_caller_store(caller);
    wvm_val n = {.kind = WVM_I32, .of.i32 = 100}, res = {.kind = WVM_I32};
    wvm_resumable *r = NULL;
    wvm_error err;
    results[0].of.i32 = 0;
    switch (f->mode) {
    case HOOK_NONE:
        break;
    case HOOK_REFUEL:
        wvm_store_set_fuel(s, 1000000);
        break;
    case HOOK_NESTED_RESUME:
        wvm_store_set_fuel(s, 3);
        f->hook_st[0] = wvm_func_call_resumable(s, f->sum, &n, 1, &res, 1, &r, &err);
        if (!r)
            return WVM_TRAP_HOST;
        f->hook_st[1] = wvm_store_add_fuel(s, 1000000);
        f->hook_st[2] = wvm_resumable_resume(r, &res, 1, &err);
        f->hook_result = res.of.i32;
        results[0].of.i32 = res.of.i32;
        break;
    case HOOK_NESTED_LEAVE:
        wvm_store_set_fuel(s, 3);
        f->hook_st[0] = wvm_func_call_resumable(s, f->sum, &n, 1, &res, 1, &r, &err);
        f->left = r;
        wvm_store_set_fuel(s, 1000000);
        break;
    case HOOK_RESUME_OUTER:
        f->hook_st[0] = wvm_resumable_resume(f->outer, &res, 1, &err);
        break;
    }
    return WVM_TRAP_NONE;
}

static wvm_func *get_func(wvm_instance *inst, const char *name)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(inst, name, &ext), "no export %s", name);
    cr_assert_eq(ext.kind, WVM_EXTERN_FUNC);
    return ext.of.func;
}

/* Opens the fixture with an engine of the given metering mode and cost model (may be
 * NULL). */
static void fx_open(wvm_meter_mode metering, const wvm_cost_model *model)
{
    static const wvm_valkind burn_params[] = {WVM_I64}, hook_results[] = {WVM_I32};
    wvm_functype burn_type = {1, 0, burn_params, NULL};
    wvm_functype hook_type = {0, 1, NULL, hook_results};
    wvm_config config;
    wvm_error err;

    memset(&fx, 0, sizeof fx);
    wvm_config_default(&config);
    config.metering = metering;
    config.cost_model = model;
    fx.engine = wvm_engine_new(&config);
    cr_assert_not_null(fx.engine);
    fx.store = wvm_store_new(fx.engine, &fx);
    cr_assert_not_null(fx.store);
    fx.linker = wvm_linker_new(fx.engine);
    cr_assert_not_null(fx.linker);
    fx.host_burn = wvm_func_new(fx.store, &burn_type, cb_burn, &fx, NULL);
    fx.host_hook = wvm_func_new(fx.store, &hook_type, cb_hook, &fx, NULL);
    cr_assert(fx.host_burn && fx.host_hook);
    wvm_extern e = {.kind = WVM_EXTERN_FUNC, .of.func = fx.host_burn};
    cr_assert_eq(wvm_linker_define(fx.linker, "env", "burn", &e, &err), WVM_OK);
    e.of.func = fx.host_hook;
    cr_assert_eq(wvm_linker_define(fx.linker, "env", "hook", &e, &err), WVM_OK);
    cr_assert_eq(wvm_module_new(fx.engine, wasm_work, sizeof wasm_work, &fx.module, &err),
                 WVM_OK, "%s", err.message);
    cr_assert_eq(wvm_linker_instantiate(fx.linker, fx.store, fx.module, &fx.inst, &err), WVM_OK,
                 "%s", err.message);
    fx.sum = get_func(fx.inst, "sum");
    fx.burn = get_func(fx.inst, "burn");
    fx.hook_then_sum = get_func(fx.inst, "hook_then_sum");
    fx.boom = get_func(fx.inst, "boom");
}

static void fx_close(void)
{
    wvm_module_delete(fx.module);
    wvm_linker_delete(fx.linker);
    wvm_store_delete(fx.store);
    wvm_engine_delete(fx.engine);
    memset(&fx, 0, sizeof fx);
}

TestSuite(fuel_api, .fini = fx_close);

/* Calls sum(n) in fx.store and returns its result (asserting success). */
static int32_t call_sum(int32_t n)
{
    wvm_val arg = val_i32(n), res;
    wvm_error err;
    cr_assert_eq(wvm_func_call(fx.store, fx.sum, &arg, 1, &res, 1, &err), WVM_OK, "%s",
                 err.message);
    return res.of.i32;
}

/* The fuel export `name` of wasm_work consumes when called with one argument, uninterrupted,
 * in a fresh store of fx.engine. */
static uint64_t fuel_of(const char *name, wvm_val arg, size_t nresults)
{
    wvm_linker *l = wvm_linker_new(fx.engine);
    wvm_store *s = wvm_store_new(fx.engine, NULL);
    wvm_instance *inst;
    wvm_error err;
    cr_assert(l && s);
    wvm_extern e = {.kind = WVM_EXTERN_FUNC};
    wvm_functype burn_type = {1, 0, (const wvm_valkind[]){WVM_I64}, NULL};
    wvm_functype hook_type = {0, 1, NULL, (const wvm_valkind[]){WVM_I32}};
    e.of.func = wvm_func_new(s, &burn_type, cb_burn, &fx, NULL);
    wvm_linker_define(l, "env", "burn", &e, NULL);
    e.of.func = wvm_func_new(s, &hook_type, cb_hook, &fx, NULL);
    wvm_linker_define(l, "env", "hook", &e, NULL);
    wvm_store_set_fuel(s, UINT64_MAX);
    cr_assert_eq(wvm_linker_instantiate(l, s, fx.module, &inst, &err), WVM_OK, "%s",
                 err.message);
    uint64_t before = wvm_store_fuel_consumed(s);
    wvm_val res;
    cr_assert_eq(wvm_func_call(s, get_func(inst, name), &arg, 1, &res, nresults, &err), WVM_OK,
                 "%s", err.message);
    uint64_t used = wvm_store_fuel_consumed(s) - before;
    wvm_store_delete(s);
    wvm_linker_delete(l);
    return used;
}

static uint64_t fuel_of_sum(int32_t n) { return fuel_of("sum", val_i32(n), 1); }

/* ---- cost model objects ---- */

Test(fuel_api, presets_by_name)
{
    wvm_cost_model *d = wvm_cost_model_preset("default");
    wvm_cost_model *u = wvm_cost_model_preset("uniform");
    cr_assert_not_null(d);
    cr_assert_not_null(u);
    cr_assert_null(wvm_cost_model_preset("fast"));
    cr_assert_null(wvm_cost_model_preset("Default"));
    cr_assert_null(wvm_cost_model_preset(""));
    cr_assert_null(wvm_cost_model_preset(NULL));

    /* The presets differ where docs/cost-model.md says: calling `burn` (local.get, call, end)
     * from the host costs host_entry 2 + call_entry 1 + 2 (end is free) by default, and 3
     * (no entry charges, end costs 1) when uniform... */
    fx_open(WVM_METER_NATIVE, d);
    uint64_t with_default = fuel_of("burn", val_i64(0), 0);
    uint64_t sum_default = fuel_of_sum(50);
    fx_close();
    fx_open(WVM_METER_NATIVE, u);
    uint64_t with_uniform = fuel_of("burn", val_i64(0), 0);
    fx_close();
    cr_assert_gt(with_uniform, 0);
    cr_assert_gt(with_default, with_uniform);

    /* ... and an engine without a model uses the default preset. */
    fx_open(WVM_METER_NATIVE, NULL);
    cr_assert_eq(fuel_of("burn", val_i64(0), 0), with_default);
    cr_assert_eq(fuel_of_sum(50), sum_default);
    fx_close();

    wvm_cost_model_delete(d);
    wvm_cost_model_delete(u);
    wvm_cost_model_delete(NULL);
}

Test(fuel_api, parsed_model_matches_preset)
{
    static const char text[] = "# comment\nbase uniform\n";
    wvm_cost_model *u = wvm_cost_model_preset("uniform"), *p = NULL;
    wvm_error err;
    cr_assert_eq(wvm_cost_model_parse(text, strlen(text), "t", &p, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_not_null(p);
    fx_open(WVM_METER_NATIVE, u);
    uint64_t preset = fuel_of_sum(20);
    fx_close();
    fx_open(WVM_METER_NATIVE, p);
    cr_assert_eq(fuel_of_sum(20), preset);
    fx_close();

    /* Costs are taken from the text: doubling every operator raises the bill. */
    static const char doubled[] = "base uniform\n* 2\n";
    wvm_cost_model *p2 = NULL;
    cr_assert_eq(wvm_cost_model_parse(doubled, strlen(doubled), NULL, &p2, &err), WVM_OK, "%s",
                 err.message);
    fx_open(WVM_METER_NATIVE, p2);
    cr_assert_eq(fuel_of_sum(20), 2 * preset);
    fx_close();

    /* An empty text is the default preset. */
    wvm_cost_model *empty = NULL;
    cr_assert_eq(wvm_cost_model_parse(NULL, 0, NULL, &empty, &err), WVM_OK, "%s", err.message);
    cr_assert_not_null(empty);

    wvm_cost_model_delete(u);
    wvm_cost_model_delete(p);
    wvm_cost_model_delete(p2);
    wvm_cost_model_delete(empty);
}

Test(fuel_api, parse_errors_carry_line_numbers)
{
    static const char bad_op[] = "i32.add 1\ni32.ad 3\n";
    wvm_cost_model *m = (wvm_cost_model *)&m; /* must be reset to NULL */
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_cost_model_parse(bad_op, strlen(bad_op), "costs.txt", &m, &err),
                 WVM_ERR_USAGE);
    cr_assert_null(m);
    cr_assert_eq(err.status, WVM_ERR_USAGE);
    cr_assert_eq(err.trap, WVM_TRAP_NONE);
    cr_assert_eq(err.func_index, WVM_NO_FUNC);
    cr_assert_eq(err.offset, 10, "offset of line 2, got %llu", (unsigned long long)err.offset);
    cr_assert_str_eq(err.message, "costs.txt:2: unknown operator 'i32.ad'");

    /* Without a source name the text is called <string>. */
    static const char bad_num[] = "\n\n# x\ni32.add 1e3";
    cr_assert_eq(wvm_cost_model_parse(bad_num, strlen(bad_num), NULL, &m, &err), WVM_ERR_USAGE);
    cr_assert_null(m);
    cr_assert(strncmp(err.message, "<string>:4: ", 12) == 0, "%s", err.message);
    cr_assert(strstr(err.message, "1e3"), "%s", err.message);

    /* len bounds the text: the bad second line is not seen. */
    cr_assert_eq(wvm_cost_model_parse(bad_op, 10, "costs.txt", &m, &err), WVM_OK, "%s",
                 err.message);
    wvm_cost_model_delete(m);

    static const char forbid_scalar[] = "host_entry forbid\n";
    cr_assert_eq(wvm_cost_model_parse(forbid_scalar, strlen(forbid_scalar), "c", &m, &err),
                 WVM_ERR_USAGE);
    cr_assert(strncmp(err.message, "c:1: ", 5) == 0, "%s", err.message);

    /* Misuse. */
    cr_assert_eq(wvm_cost_model_parse("x", 1, NULL, NULL, &err), WVM_ERR_USAGE);
    cr_assert_eq(wvm_cost_model_parse(NULL, 3, NULL, &m, &err), WVM_ERR_USAGE);
    cr_assert_null(m);
    cr_assert_eq(wvm_cost_model_parse(bad_op, strlen(bad_op), NULL, &m, NULL), WVM_ERR_USAGE);
}

Test(fuel_api, load_from_files)
{
    wvm_cost_model *m = (wvm_cost_model *)&m;
    wvm_error err;

    /* A missing file is an I/O error naming the path. */
    cr_assert_eq(wvm_cost_model_load("/nonexistent/dir/costs.txt", &m, &err), WVM_ERR_IO);
    cr_assert_null(m);
    cr_assert_eq(err.status, WVM_ERR_IO);
    cr_assert(strstr(err.message, "cannot open '/nonexistent/dir/costs.txt'"), "%s",
              err.message);
    cr_assert_eq(wvm_cost_model_load(NULL, &m, &err), WVM_ERR_USAGE);
    cr_assert_eq(wvm_cost_model_load("x", NULL, &err), WVM_ERR_USAGE);

    /* A good file... */
    char path[] = "/tmp/wvm-fuel-api-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    static const char good[] = "base uniform\r\n* 2   # everything doubled\n";
    cr_assert_eq(write(fd, good, strlen(good)), (ssize_t)strlen(good));
    close(fd);
    cr_assert_eq(wvm_cost_model_load(path, &m, &err), WVM_OK, "%s", err.message);
    cr_assert_not_null(m);
    wvm_cost_model *u = wvm_cost_model_preset("uniform");
    fx_open(WVM_METER_NATIVE, u);
    uint64_t uniform = fuel_of_sum(7);
    fx_close();
    fx_open(WVM_METER_NATIVE, m);
    cr_assert_eq(fuel_of_sum(7), 2 * uniform);
    fx_close();
    wvm_cost_model_delete(m);
    wvm_cost_model_delete(u);

    /* ... and a bad one, whose errors are named after the path. */
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("call_entry 1\ncall_entry 2\nbase default\n", f);
    fclose(f);
    m = (wvm_cost_model *)&m;
    cr_assert_eq(wvm_cost_model_load(path, &m, &err), WVM_ERR_USAGE);
    cr_assert_null(m);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s:3: ", path);
    cr_assert(strncmp(err.message, prefix, strlen(prefix)) == 0, "%s", err.message);

    /* A directory opens but cannot be read. */
    cr_assert_neq(wvm_cost_model_load("/tmp", &m, &err), WVM_OK);
    cr_assert_null(m);
    unlink(path);
}

/* ---- engines ---- */

Test(fuel_api, config_defaults)
{
    wvm_config config;
    memset(&config, 0xAB, sizeof config);
    wvm_config_default(&config);
    cr_assert_eq(config.metering, WVM_METER_OFF);
    cr_assert_null(config.cost_model);

    /* An unknown metering mode is refused. */
    config.metering = (wvm_meter_mode)7;
    cr_assert_null(wvm_engine_new(&config));
}

Test(fuel_api, engine_copies_the_model)
{
    wvm_cost_model *m = wvm_cost_model_preset("uniform");
    wvm_config config;
    wvm_config_default(&config);
    config.metering = WVM_METER_NATIVE;
    config.cost_model = m;
    wvm_engine *e = wvm_engine_new(&config);
    cr_assert_not_null(e);
    /* The model may go at once (ASan would catch a borrowed pointer). */
    wvm_cost_model_delete(m);
    wvm_module *mod = NULL;
    wvm_error err;
    cr_assert_eq(wvm_module_new(e, wasm_float, sizeof wasm_float, &mod, &err), WVM_OK, "%s",
                 err.message);
    wvm_store *s = wvm_store_new(e, NULL);
    wvm_linker *l = wvm_linker_new(e);
    wvm_instance *inst;
    cr_assert_eq(wvm_linker_instantiate(l, s, mod, &inst, &err), WVM_OK, "%s", err.message);
    wvm_store_set_fuel(s, 100);
    wvm_val args[2] = {{.kind = WVM_F64, .of.f64 = 1.5}, {.kind = WVM_F64, .of.f64 = 2.25}}, res;
    wvm_linker_delete(l);
    cr_assert_eq(wvm_func_call(s, get_func(inst, "add"), args, 2, &res, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res.of.f64, 3.75);
    cr_assert_lt(wvm_store_fuel(s), 100);
    /* The header's order: the engine after every module and store made from it. */
    wvm_store_delete(s);
    wvm_module_delete(mod);
    wvm_engine_delete(e);
}

Test(fuel_api, forbidden_operator_rejects_module)
{
    static const char text[] = "float forbid\n";
    wvm_cost_model *m = NULL;
    wvm_error err;
    cr_assert_eq(wvm_cost_model_parse(text, strlen(text), "nofloat", &m, &err), WVM_OK);

    wvm_config config;
    wvm_config_default(&config);
    config.cost_model = m;
    wvm_meter_mode modes[] = {WVM_METER_NATIVE, WVM_METER_REFERENCE};
    for (size_t i = 0; i < 2; i++) {
        config.metering = modes[i];
        wvm_engine *e = wvm_engine_new(&config);
        cr_assert_not_null(e);
        wvm_module *mod = (wvm_module *)&mod;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wvm_module_new(e, wasm_float, sizeof wasm_float, &mod, &err),
                     WVM_ERR_INVALID);
        cr_assert_null(mod);
        cr_assert_eq(err.status, WVM_ERR_INVALID);
        cr_assert(strstr(err.message, "f64.add"), "%s", err.message);
        cr_assert(strstr(err.message, "forbidden"), "%s", err.message);
        cr_assert_eq(err.offset, WASM_FLOAT_ADD_OFFSET);
        cr_assert_eq(err.func_index, 0);
        /* Validation alone does not know about cost models. */
        cr_assert_eq(wvm_module_validate(wasm_float, sizeof wasm_float, &err), WVM_OK);
        /* Modules without float operators still load. */
        cr_assert_eq(wvm_module_new(e, wasm_start, sizeof wasm_start, &mod, &err), WVM_OK, "%s",
                     err.message);
        wvm_module_delete(mod);
        wvm_engine_delete(e);
    }

    /* Without metering the model is not applied. */
    config.metering = WVM_METER_OFF;
    wvm_engine *e = wvm_engine_new(&config);
    wvm_module *mod = NULL;
    cr_assert_eq(wvm_module_new(e, wasm_float, sizeof wasm_float, &mod, &err), WVM_OK, "%s",
                 err.message);
    wvm_module_delete(mod);
    wvm_engine_delete(e);
    wvm_cost_model_delete(m);
}

Test(fuel_api, metering_modes_agree)
{
    fx_open(WVM_METER_REFERENCE, NULL);
    uint64_t reference = fuel_of_sum(30);
    fx_close();
    fx_open(WVM_METER_NATIVE, NULL);
    uint64_t native = fuel_of_sum(30);
    fx_close();
    cr_assert_gt(native, 30);
    cr_assert_eq(native, reference);
    fx_open(WVM_METER_OFF, NULL);
    cr_assert_eq(fuel_of_sum(30), 0);
}

/* ---- the store's fuel ---- */

Test(fuel_api, store_fuel_accounting)
{
    fx_open(WVM_METER_NATIVE, NULL);
    cr_assert_eq(wvm_store_fuel(fx.store), 0);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), 0);

    /* No fuel: the call traps before running. */
    wvm_val arg = val_i32(10), res;
    wvm_error err;
    cr_assert_eq(wvm_func_call(fx.store, fx.sum, &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
    cr_assert(strstr(err.message, "out of fuel"), "%s", err.message);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), 0);

    wvm_store_set_fuel(fx.store, 10000);
    cr_assert_eq(wvm_store_fuel(fx.store), 10000);
    cr_assert_eq(call_sum(10), 55);
    uint64_t left = wvm_store_fuel(fx.store);
    cr_assert_lt(left, 10000);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store) + left, 10000);
    cr_assert_eq(call_sum(10), 55);
    cr_assert_eq(left - wvm_store_fuel(fx.store), 10000 - left, "same call, same cost");

    /* set_fuel replaces the remaining fuel and keeps the consumed count. */
    uint64_t consumed = wvm_store_fuel_consumed(fx.store);
    wvm_store_set_fuel(fx.store, 5);
    cr_assert_eq(wvm_store_fuel(fx.store), 5);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), consumed);

    /* add_fuel adds, up to the 64-bit limit. */
    cr_assert_eq(wvm_store_add_fuel(fx.store, 7), WVM_OK);
    cr_assert_eq(wvm_store_fuel(fx.store), 12);
    wvm_store_set_fuel(fx.store, UINT64_MAX - 5);
    cr_assert_eq(wvm_store_add_fuel(fx.store, 6), WVM_ERR_USAGE);
    cr_assert_eq(wvm_store_fuel(fx.store), UINT64_MAX - 5);
    cr_assert_eq(wvm_store_add_fuel(fx.store, UINT64_MAX), WVM_ERR_USAGE);
    cr_assert_eq(wvm_store_add_fuel(fx.store, 5), WVM_OK);
    cr_assert_eq(wvm_store_fuel(fx.store), UINT64_MAX);
    cr_assert_eq(wvm_store_add_fuel(fx.store, 0), WVM_OK);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), consumed);

    /* Each store has its own counter. */
    wvm_store *other = wvm_store_new(fx.engine, NULL);
    cr_assert_eq(wvm_store_fuel(other), 0);
    wvm_store_delete(other);

    /* NULL stores. */
    wvm_store_set_fuel(NULL, 1);
    cr_assert_eq(wvm_store_add_fuel(NULL, 1), WVM_ERR_USAGE);
    cr_assert_eq(wvm_store_fuel(NULL), 0);
    cr_assert_eq(wvm_store_fuel_consumed(NULL), 0);
}

Test(fuel_api, unmetered_store_ignores_fuel)
{
    fx_open(WVM_METER_OFF, NULL);
    cr_assert_eq(call_sum(100), 5050);
    cr_assert_eq(wvm_store_fuel(fx.store), 0);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), 0);
    wvm_store_set_fuel(fx.store, 10);
    wvm_val arg = val_i64(1000);
    wvm_error err;
    cr_assert_eq(wvm_func_call(fx.store, fx.burn, &arg, 1, NULL, 0, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(fx.burn_rc, WVM_TRAP_NONE);
    cr_assert_eq(wvm_store_fuel(fx.store), 10);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), 0);
}

/* ---- host functions ---- */

Test(fuel_api, host_consume_fuel)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_error err;
    wvm_store_set_fuel(fx.store, 1000);

    /* Called directly, the host function costs exactly what it consumes. */
    wvm_val arg = val_i64(7);
    cr_assert_eq(wvm_func_call(fx.store, fx.host_burn, &arg, 1, NULL, 0, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(fx.burn_rc, WVM_TRAP_NONE);
    cr_assert_eq(wvm_store_fuel(fx.store), 993);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), 7);

    /* Too much: nothing is charged, and returning the code traps. */
    arg = val_i64(994);
    cr_assert_eq(wvm_func_call(fx.store, fx.host_burn, &arg, 1, NULL, 0, &err), WVM_ERR_TRAP);
    cr_assert_eq(fx.burn_rc, WVM_TRAP_OUT_OF_FUEL);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
    cr_assert_eq(wvm_store_fuel(fx.store), 993);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), 7);

    /* Everything that is left. */
    arg = val_i64(993);
    cr_assert_eq(wvm_func_call(fx.store, fx.host_burn, &arg, 1, NULL, 0, &err), WVM_OK);
    cr_assert_eq(wvm_store_fuel(fx.store), 0);
    cr_assert_eq(wvm_caller_consume_fuel(NULL, 1), WVM_TRAP_HOST);

    /* Through Wasm: the host's charge comes on top of the Wasm code's. */
    wvm_store_set_fuel(fx.store, 1000);
    arg = val_i64(100);
    cr_assert_eq(wvm_func_call(fx.store, fx.burn, &arg, 1, NULL, 0, &err), WVM_OK, "%s",
                 err.message);
    uint64_t after = wvm_store_fuel(fx.store);
    cr_assert_lt(after, 900);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), 7 + 993 + (1000 - after));
    arg = val_i64(100000);
    cr_assert_eq(wvm_func_call(fx.store, fx.burn, &arg, 1, NULL, 0, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
    cr_assert_eq(fx.burn_rc, WVM_TRAP_OUT_OF_FUEL);
    cr_assert_leq(wvm_store_fuel(fx.store), after);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store) + wvm_store_fuel(fx.store), 7 + 993 + 1000);
}

Test(fuel_api, host_refuels_during_call)
{
    fx_open(WVM_METER_NATIVE, NULL);
    fx.mode = HOOK_REFUEL;
    wvm_store_set_fuel(fx.store, 1000);
    wvm_val arg = val_i32(10), res;
    wvm_error err;
    cr_assert_eq(wvm_func_call(fx.store, fx.hook_then_sum, &arg, 1, &res, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res.of.i32, 55);
    /* The Wasm code after the host call runs on the fuel the host set. */
    uint64_t left = wvm_store_fuel(fx.store);
    cr_assert_gt(left, 999000);
    cr_assert_lt(left, 1000000);
}

/* ---- resumable calls ---- */

Test(fuel_api, resumable_call_finishes_after_refuel)
{
    fx_open(WVM_METER_NATIVE, NULL);
    uint64_t whole = fuel_of_sum(100);
    wvm_val arg = val_i32(100), res = val_i32(-1);
    wvm_resumable *r = (wvm_resumable *)&r;
    wvm_error err;

    wvm_store_set_fuel(fx.store, 5);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r, &err),
                 WVM_ERR_TRAP);
    cr_assert_eq(err.status, WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
    cr_assert(strstr(err.message, "out of fuel"), "%s", err.message);
    cr_assert_not_null(r);
    cr_assert_eq(res.of.i32, -1, "no results yet");

    /* A wrong result count is refused and keeps the handle. */
    cr_assert_eq(wvm_resumable_resume(r, &res, 0, &err), WVM_ERR_USAGE);
    cr_assert_eq(wvm_resumable_resume(r, NULL, 1, &err), WVM_ERR_USAGE);
    cr_assert_eq(wvm_resumable_resume(NULL, &res, 1, &err), WVM_ERR_USAGE);

    /* Little by little: each resume runs as far as the fuel goes. */
    int resumes = 0;
    wvm_status st;
    do {
        cr_assert_eq(wvm_store_add_fuel(fx.store, 10), WVM_OK);
        st = wvm_resumable_resume(r, &res, 1, &err);
        resumes++;
        if (st != WVM_OK) {
            cr_assert_eq(st, WVM_ERR_TRAP, "%s", err.message);
            cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        }
        cr_assert_lt(resumes, 10000);
    } while (st != WVM_OK);
    cr_assert_gt(resumes, 5);
    cr_assert_eq(res.kind, WVM_I32);
    cr_assert_eq(res.of.i32, 5050);
    /* The same fuel as one uninterrupted run. */
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), whole);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store) + wvm_store_fuel(fx.store),
                 5 + 10 * (uint64_t)resumes);

    /* The store is usable as before. */
    wvm_store_set_fuel(fx.store, 100000);
    cr_assert_eq(call_sum(100), 5050);
}

Test(fuel_api, resumable_call_without_suspension)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_val arg = val_i32(10), res;
    wvm_resumable *r = (wvm_resumable *)&r;
    wvm_error err;

    /* Enough fuel: a plain call. */
    wvm_store_set_fuel(fx.store, 100000);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r, &err), WVM_OK,
                 "%s", err.message);
    cr_assert_null(r);
    cr_assert_eq(res.of.i32, 55);

    /* Another trap: no handle. */
    r = (wvm_resumable *)&r;
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.boom, NULL, 0, NULL, 0, &r, &err),
                 WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_UNREACHABLE);
    cr_assert_null(r);

    /* Argument errors as in wvm_func_call. */
    r = (wvm_resumable *)&r;
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, NULL, 0, &res, 1, &r, &err),
                 WVM_ERR_USAGE);
    cr_assert_null(r);
    wvm_val wrong = val_i64(1);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &wrong, 1, &res, 1, &r, &err),
                 WVM_ERR_USAGE);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 0, &r, &err),
                 WVM_ERR_USAGE);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, NULL, &err),
                 WVM_ERR_USAGE);
    cr_assert_eq(wvm_func_call_resumable(NULL, fx.sum, &arg, 1, &res, 1, &r, &err),
                 WVM_ERR_USAGE);

    /* Without metering nothing suspends. */
    fx_close();
    fx_open(WVM_METER_OFF, NULL);
    r = (wvm_resumable *)&r;
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r, &err), WVM_OK,
                 "%s", err.message);
    cr_assert_null(r);
    cr_assert_eq(res.of.i32, 55);
}

Test(fuel_api, resumable_host_function)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_resumable *r = (wvm_resumable *)&r;
    wvm_error err;
    wvm_val arg = val_i64(50);

    /* A host function called directly cannot be suspended: it just traps. */
    wvm_store_set_fuel(fx.store, 10);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.host_burn, &arg, 1, NULL, 0, &r, &err),
                 WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
    cr_assert_null(r);
    cr_assert_eq(wvm_store_fuel(fx.store), 10);

    /* Called from Wasm, its out-of-fuel suspends the call; resuming calls it again. */
    uint64_t consumed = wvm_store_fuel_consumed(fx.store);
    wvm_store_set_fuel(fx.store, 40);
    fx.burn_calls = 0;
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.burn, &arg, 1, NULL, 0, &r, &err),
                 WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
    cr_assert_not_null(r);
    cr_assert_eq(fx.burn_calls, 1);
    uint64_t left = wvm_store_fuel(fx.store);
    cr_assert_eq(wvm_store_add_fuel(fx.store, 50), WVM_OK);
    cr_assert_eq(wvm_resumable_resume(r, NULL, 0, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(fx.burn_calls, 2);
    cr_assert_eq(fx.burn_rc, WVM_TRAP_NONE);
    cr_assert_leq(wvm_store_fuel(fx.store), left);
    cr_assert_eq(wvm_store_fuel_consumed(fx.store) + wvm_store_fuel(fx.store),
                 consumed + 40 + 50);
}

Test(fuel_api, resumable_delete)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_val arg = val_i32(100), res;
    wvm_resumable *r = NULL;
    wvm_error err;

    wvm_store_set_fuel(fx.store, 20);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r, &err),
                 WVM_ERR_TRAP);
    cr_assert_not_null(r);
    uint64_t consumed = wvm_store_fuel_consumed(fx.store);
    wvm_resumable_delete(r);
    wvm_resumable_delete(NULL);
    /* Abandoning refunds nothing, and the stack is whole again. */
    cr_assert_eq(wvm_store_fuel_consumed(fx.store), consumed);
    wvm_store_set_fuel(fx.store, 1000000);
    cr_assert_eq(call_sum(100), 5050);

    /* A call suspended while another is suspended nests above it; the host may run other
     * calls meanwhile. */
    wvm_resumable *r1 = NULL, *r2 = NULL;
    wvm_val arg2 = val_i32(50), res2;
    wvm_store_set_fuel(fx.store, 20);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r1, &err),
                 WVM_ERR_TRAP);
    wvm_store_set_fuel(fx.store, 1000000);
    cr_assert_eq(call_sum(20), 210);
    wvm_store_set_fuel(fx.store, 30);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg2, 1, &res2, 1, &r2, &err),
                 WVM_ERR_TRAP);
    cr_assert(r1 && r2 && r1 != r2);

    /* Only the newest can be resumed; the older is left as it was. */
    wvm_store_set_fuel(fx.store, 1000000);
    cr_assert_eq(wvm_resumable_resume(r1, &res, 1, &err), WVM_ERR_USAGE);
    cr_assert(strstr(err.message, "most recently"), "%s", err.message);

    /* Deleting out of order is allowed: r1 goes once r2 is gone. */
    wvm_resumable_delete(r1);
    cr_assert_eq(wvm_resumable_resume(r2, &res2, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res2.of.i32, 1275);
    cr_assert_eq(call_sum(100), 5050);

    /* In order, with a plain call between. */
    wvm_store_set_fuel(fx.store, 20);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r1, &err),
                 WVM_ERR_TRAP);
    wvm_store_set_fuel(fx.store, 30);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg2, 1, &res2, 1, &r2, &err),
                 WVM_ERR_TRAP);
    wvm_resumable_delete(r2);
    wvm_store_set_fuel(fx.store, 1000000);
    cr_assert_eq(wvm_resumable_resume(r1, &res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res.of.i32, 5050);
    cr_assert_eq(call_sum(100), 5050);
}

Test(fuel_api, store_delete_with_live_handles)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_val arg = val_i32(100), res;
    wvm_resumable *r1 = NULL, *r2 = NULL, *r3 = NULL;
    wvm_error err;
    wvm_store_set_fuel(fx.store, 20);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r1, &err),
                 WVM_ERR_TRAP);
    wvm_store_set_fuel(fx.store, 30);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r2, &err),
                 WVM_ERR_TRAP);
    wvm_store_set_fuel(fx.store, 40);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &r3, &err),
                 WVM_ERR_TRAP);
    cr_assert(r1 && r2 && r3);
    /* r1 abandoned but not yet droppable; r2 and r3 live: the store frees all three (the
     * sanitizer build checks that nothing leaks and nothing is touched twice). */
    wvm_resumable_delete(r1);
    wvm_store_delete(fx.store);
    fx.store = NULL;
}

Test(fuel_api, nested_resumable_in_host_callback)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_val arg = val_i32(10), res;
    wvm_error err;

    /* Suspended and resumed inside the callback. */
    fx.mode = HOOK_NESTED_RESUME;
    wvm_store_set_fuel(fx.store, 1000);
    cr_assert_eq(wvm_func_call(fx.store, fx.hook_then_sum, &arg, 1, &res, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(fx.hook_st[0], WVM_ERR_TRAP);
    cr_assert_eq(fx.hook_st[1], WVM_OK);
    cr_assert_eq(fx.hook_st[2], WVM_OK);
    cr_assert_eq(fx.hook_result, 5050);
    cr_assert_eq(res.of.i32, 5050 + 55);

    /* Left suspended when the callback returns: the Wasm caller goes on undisturbed, the
     * handle is dead but still deletable. */
    fx.mode = HOOK_NESTED_LEAVE;
    cr_assert_eq(wvm_func_call(fx.store, fx.hook_then_sum, &arg, 1, &res, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(fx.hook_st[0], WVM_ERR_TRAP);
    cr_assert_not_null(fx.left);
    cr_assert_eq(res.of.i32, 0 + 55);
    cr_assert_eq(wvm_resumable_resume(fx.left, &res, 1, &err), WVM_ERR_USAGE);
    cr_assert_eq(call_sum(100), 5050);
    wvm_resumable_delete(fx.left);
    fx.left = NULL;

    /* Left suspended again, and never deleted: the store frees it. */
    cr_assert_eq(wvm_func_call(fx.store, fx.hook_then_sum, &arg, 1, &res, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_not_null(fx.left);
    cr_assert_eq(call_sum(100), 5050);
}

Test(fuel_api, callback_cannot_resume_outer_call)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_val arg = val_i32(100), res;
    wvm_error err;
    wvm_store_set_fuel(fx.store, 20);
    cr_assert_eq(wvm_func_call_resumable(fx.store, fx.sum, &arg, 1, &res, 1, &fx.outer, &err),
                 WVM_ERR_TRAP);
    cr_assert_not_null(fx.outer);

    /* A newer call runs on top of the suspended frames: its callback may not resume them. */
    fx.mode = HOOK_RESUME_OUTER;
    wvm_store_set_fuel(fx.store, 1000000);
    wvm_val small = val_i32(3);
    cr_assert_eq(wvm_func_call(fx.store, fx.hook_then_sum, &small, 1, &res, 1, &err), WVM_OK,
                 "%s", err.message);
    cr_assert_eq(fx.hook_st[0], WVM_ERR_USAGE);
    cr_assert_eq(res.of.i32, 6);

    /* Back at the host, it can. */
    cr_assert_eq(wvm_resumable_resume(fx.outer, &res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res.of.i32, 5050);
}

/* ---- instantiation ---- */

Test(fuel_api, start_function_out_of_fuel)
{
    fx_open(WVM_METER_NATIVE, NULL);
    wvm_module *mod = NULL;
    wvm_instance *inst = NULL;
    wvm_error err;
    cr_assert_eq(wvm_module_new(fx.engine, wasm_start, sizeof wasm_start, &mod, &err), WVM_OK,
                 "%s", err.message);

    wvm_store_set_fuel(fx.store, 10);
    cr_assert_eq(wvm_linker_instantiate(fx.linker, fx.store, mod, &inst, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.status, WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
    cr_assert(strstr(err.message, "out of fuel"), "%s", err.message);
    cr_assert_null(inst);
    cr_assert_leq(wvm_store_fuel(fx.store), 10);

    wvm_store_set_fuel(fx.store, 100000);
    uint64_t before = wvm_store_fuel_consumed(fx.store);
    cr_assert_eq(wvm_linker_instantiate(fx.linker, fx.store, mod, &inst, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_gt(wvm_store_fuel_consumed(fx.store), before);
    wvm_extern done;
    wvm_val v;
    cr_assert(wvm_instance_export(inst, "done", &done));
    wvm_global_get(done.of.global, &v);
    cr_assert_eq(v.of.i32, 1);

    /* After a failed instantiation, the store still works. */
    cr_assert_eq(call_sum(10), 55);
    wvm_module_delete(mod);
}
