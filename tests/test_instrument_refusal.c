/* Criterion suite `instrument`: what wvm_instrument refuses (modules importing its gas
 * import, its own output, a taken export name, dynamic units of 32 bits or more, operators
 * the model forbids, malformed and invalid modules, usage errors); and round trips: every
 * output validates, and the zero and uniform models keep every module's behaviour on both
 * backends and both engines.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

#include "../loader/binary.h"
#include "../loader/module.h"
#include "../loader/opcodes.h"
#include "../loader/reader.h"

#include "instrument_cases.h"
#include "instrument_support.h"

/* The file offset of the first `op` (a wasm_op) in defined function body i, or 0. */
static size_t code_find(const wasm_module *m, uint32_t i, uint32_t wanted)
{
    const wasm_func *f = &m->funcs[i];
    wasm_reader r;
    reader_init(&r, f->code, f->code, f->code + f->code_len);
    while (!reader_eof(&r)) {
        const uint8_t *at = r.pos;
        uint32_t op;
        cr_assert(loader_skip_instruction(&r, &op));
        if (op == wanted)
            return f->code_offset + (size_t)(at - f->code);
    }
    return 0;
}

/* Expects wvm_instrument to fail with status want; returns the error. */
static wvm_error instrument_fails(const uint8_t *wasm, size_t size,
                                  const wvm_instrument_options *opts, wvm_status want)
{
    uint8_t *out = (uint8_t *)&out; /* must be set to NULL */
    size_t n = 12345;
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_instrument(wasm, size, opts, &out, &n, &err);
    cr_assert_eq(st, want, "wvm_instrument: status %d, expected %d (%s)", (int)st, (int)want,
                 err.message);
    cr_assert_null(out, "*out must be NULL on failure");
    cr_assert_eq(err.status, want, "err.status %d", (int)err.status);
    cr_assert_neq(err.message[0], '\0', "the error has no message");
    return err;
}

/* ---- refusals ---- */

Test(instrument, refuses_module_importing_env_gas_with_another_type)
{
    wvm_error err = instrument_fails(MOD(gas_import_i32), NULL, WVM_ERR_UNSUPPORTED);
    assert_mentions(&err, "env");
    assert_mentions(&err, "gas");
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_IMPORT);
    err = instrument_fails(MOD(gas_import_i32), &opts, WVM_ERR_UNSUPPORTED);
    assert_mentions(&err, "gas");
    /* env.gas (param i64) (result i32) */
    err = instrument_fails(MOD(gas_import_result), NULL, WVM_ERR_UNSUPPORTED);
    assert_mentions(&err, "gas");
    /* the global backend imports nothing: no conflict */
    opts = opts_with(NULL, WVM_GAS_GLOBAL);
    size_t n;
    free(instrument_ok(MOD(gas_import_i32), &opts, &n));
}

Test(instrument, refuses_module_importing_env_gas_with_its_type)
{
    wvm_error err = instrument_fails(MOD(gas_import_i64), NULL, WVM_ERR_UNSUPPORTED);
    assert_mentions(&err, "env");
    assert_mentions(&err, "gas");
    /* a renamed gas import is matched by its configured name */
    wvm_instrument_options opts;
    wvm_instrument_options_default(&opts);
    opts.gas_module = "metering";
    opts.gas_name = "usegas";
    err = instrument_fails(MOD(premetered_usegas_i32), &opts, WVM_ERR_UNSUPPORTED);
    assert_mentions(&err, "usegas");
}

/* Its own output is already metered. */
Test(instrument, refuses_its_own_output)
{
    size_t n;
    uint8_t *out = instrument_ok(MOD(shift_call), NULL, &n);
    instrument_fails(out, n, NULL, WVM_ERR_UNSUPPORTED);
    free(out);
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
    out = instrument_ok(MOD(shift_call), &opts, &n);
    instrument_fails(out, n, &opts, WVM_ERR_UNSUPPORTED);
    free(out);
}

Test(instrument, refuses_global_backend_when_the_export_name_is_taken)
{
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
    wvm_error err = instrument_fails(MOD(exports_gas_left), &opts, WVM_ERR_UNSUPPORTED);
    assert_mentions(&err, "gas_left");
    /* the import backend has no such export: fine */
    size_t n;
    free(instrument_ok(MOD(exports_gas_left), NULL, &n));
    /* nor does the global backend under another name */
    opts.gas_global = "fuel_left";
    free(instrument_ok(MOD(exports_gas_left), &opts, &n));
}

/* Per byte / element (bulk_unit) and per page (grow_page) charges must fit in 32 bits for the
 * operations that use them: bulk_unit for the bulk operations and table.grow, grow_page for
 * memory.grow. (dyn uses them all.) The instrument engine refuses such modules likewise. */
Test(instrument, refuses_dynamic_units_of_32_bits_or_more)
{
    static const char *const models[] = {
        "bulk_unit 4294967296\n",
        "grow_page 4294967296\n",
        "bulk_unit 18446744073709551615\n",
        "grow_page 18446744073709551615\n",
    };
    for (size_t i = 0; i < COUNT(models); i++) {
        wvm_cost_model *model = model_make(models[i]);
        for (int b = 0; b <= 1; b++) {
            wvm_instrument_options opts = opts_with(model, b ? WVM_GAS_GLOBAL : WVM_GAS_IMPORT);
            wvm_error err = instrument_fails(MOD(dyn), &opts, WVM_ERR_UNSUPPORTED);
            assert_mentions(&err, "32 bits");
            bool bulk = models[i][0] == 'b';
            if (bulk) {
                instrument_fails(MOD(only_table_grow), &opts, WVM_ERR_UNSUPPORTED);
                instrument_fails(MOD(only_memory_fill), &opts, WVM_ERR_UNSUPPORTED);
            } else {
                instrument_fails(MOD(only_memory_grow), &opts, WVM_ERR_UNSUPPORTED);
            }
        }
        runner e;
        runner_open(&e, RUN_ENGINE, model);
        wvm_error err;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wvm_module_new(e.engine, MOD(dyn), &e.module, &err), WVM_ERR_UNSUPPORTED,
                     "%s", models[i]);
        cr_assert_null(e.module);
        runner_close(&e);
        wvm_cost_model_delete(model);
    }
}

/* The forbidden operator is reported where wvm_module_new reports it: its offset and its
 * function. */
static void check_forbidden(const char *model_text, uint32_t defined, uint32_t op,
                            const char *op_name)
{
    wasm_module o;
    decode_valid(MOD(forbid), &o);
    size_t offset = code_find(&o, defined, op);
    cr_assert_neq(offset, 0);
    uint32_t func = o.nfunc_imports + defined;
    loader_free(&o);

    wvm_cost_model *model = model_make(model_text);
    wvm_instrument_options opts = opts_with(model, WVM_GAS_IMPORT);
    wvm_error err = instrument_fails(MOD(forbid), &opts, WVM_ERR_INVALID);
    cr_assert_eq(err.func_index, func, "%s: function %u, expected %u", model_text,
                 err.func_index, func);
    cr_assert_eq(err.offset, offset, "%s: offset 0x%llx, expected 0x%zx", model_text,
                 (unsigned long long)err.offset, offset);
    assert_mentions(&err, op_name);

    /* the same as the engine's */
    wvm_config config;
    wvm_config_default(&config);
    config.metering = WVM_METER_NATIVE;
    config.cost_model = model;
    wvm_engine *engine = wvm_engine_new(&config);
    wvm_module *m = NULL;
    wvm_error err2;
    memset(&err2, 0, sizeof err2);
    wvm_status native_status = wvm_module_new(engine, MOD(forbid), &m, &err2);
    cr_assert_eq(native_status, WVM_ERR_INVALID);
    cr_assert_eq(err2.offset, err.offset);
    cr_assert_eq(err2.func_index, err.func_index);
    wvm_engine_delete(engine);
    /* and the instrument engine reports it as the native one does */
    config.metering = WVM_METER_INSTRUMENT;
    engine = wvm_engine_new(&config);
    wvm_error err3;
    memset(&err3, 0, sizeof err3);
    cr_assert_eq(wvm_module_new(engine, MOD(forbid), &m, &err3), native_status,
                 "instrument engine: status %d, native %d (%s)", (int)err3.status,
                 (int)native_status, err3.message);
    cr_assert_eq(err3.offset, err2.offset);
    cr_assert_eq(err3.func_index, err2.func_index);
    wvm_engine_delete(engine);
    wvm_cost_model_delete(model);
}

Test(instrument, refuses_operators_the_model_forbids)
{
    check_forbidden("i32.mul forbid\n", 1, WASM_OP_i32_mul, "i32.mul");
    check_forbidden("f32.add forbid\n", 2, WASM_OP_f32_add, "f32.add");
    /* the first float operator of function 3 is f32.const */
    check_forbidden("float forbid\n", 2, WASM_OP_f32_const, "f32.const");
    /* a model forbidding what the module does not use is fine */
    wvm_cost_model *model = model_make("i64.mul forbid\nfloat 3\n");
    wvm_instrument_options opts = opts_with(model, WVM_GAS_IMPORT);
    size_t n;
    free(instrument_ok(MOD(forbid), &opts, &n));
    wvm_cost_model_delete(model);
}

Test(instrument, refuses_malformed_bytes)
{
    static const uint8_t truncated_section[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
                                                0x01, 0x05, 0x01, 0x60, 0x00, 0x00};
    static const uint8_t bad_version[] = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
    static const uint8_t not_wasm[] = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
    const struct {
        const uint8_t *bytes;
        size_t size;
    } cases[] = {
        {truncated_section, sizeof truncated_section},
        {bad_version, sizeof bad_version},
        {not_wasm, sizeof not_wasm},
        {inst_shift_call, sizeof inst_shift_call - 3}, /* cut inside the name section */
        {inst_shift_call, 20},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        wvm_error want;
        memset(&want, 0, sizeof want);
        cr_assert_eq(wvm_module_validate(cases[i].bytes, cases[i].size, &want),
                     WVM_ERR_MALFORMED, "case %zu", i);
        wvm_error err = instrument_fails(cases[i].bytes, cases[i].size, NULL, WVM_ERR_MALFORMED);
        cr_assert_eq(err.offset, want.offset, "case %zu: offset 0x%llx, expected 0x%llx", i,
                     (unsigned long long)err.offset, (unsigned long long)want.offset);
        cr_assert_leq(err.offset, cases[i].size);
    }
}

Test(instrument, refuses_invalid_module)
{
    wvm_error want;
    memset(&want, 0, sizeof want);
    cr_assert_eq(wvm_module_validate(MOD(invalid), &want), WVM_ERR_INVALID);
    wvm_error err = instrument_fails(MOD(invalid), NULL, WVM_ERR_INVALID);
    cr_assert_eq(err.func_index, 2, "function %u, expected 2", err.func_index);
    cr_assert_eq(err.offset, want.offset);
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
    err = instrument_fails(MOD(invalid), &opts, WVM_ERR_INVALID);
    cr_assert_eq(err.func_index, 2);
}

Test(instrument, usage_errors)
{
    uint8_t *out = NULL;
    size_t n = 0;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_instrument(NULL, 100, NULL, &out, &n, &err), WVM_ERR_USAGE);
    cr_assert_null(out);
    cr_assert_eq(wvm_instrument(MOD(shift_call), NULL, NULL, &n, &err), WVM_ERR_USAGE);
    cr_assert_eq(wvm_instrument(MOD(shift_call), NULL, &out, NULL, &err), WVM_ERR_USAGE);
    cr_assert_null(out);
    /* a NULL error report is allowed, on success and on failure */
    cr_assert_eq(wvm_instrument(NULL, 100, NULL, &out, &n, NULL), WVM_ERR_USAGE);
    cr_assert_eq(wvm_instrument(MOD(invalid), NULL, &out, &n, NULL), WVM_ERR_INVALID);
    cr_assert_null(out);
    cr_assert_eq(wvm_instrument(MOD(shift_call), NULL, &out, &n, NULL), WVM_OK);
    cr_assert_not_null(out);
    free(out);

    wvm_instrument_options opts;
    wvm_instrument_options_default(&opts);
    opts.gas_module = "";
    instrument_fails(MOD(shift_call), &opts, WVM_ERR_USAGE);
    wvm_instrument_options_default(&opts);
    opts.gas_name = "";
    instrument_fails(MOD(shift_call), &opts, WVM_ERR_USAGE);
    opts = opts_with(NULL, WVM_GAS_GLOBAL);
    opts.gas_global = "";
    instrument_fails(MOD(shift_call), &opts, WVM_ERR_USAGE);
}

/* ---- round trips ---- */

/* Every valid module of the suite, instrumented with each backend under several models,
 * gives a valid module (instrument_ok validates it). */
Test(instrument, every_output_validates)
{
    static const char *const models[] = {"default", "uniform", MODEL_ZERO, MODEL_NO_DYNAMIC,
                                         MODEL_BIG_DYNAMIC, "call_entry 0\n* 7\n"};
    const struct {
        const uint8_t *wasm;
        size_t size;
    } modules[] = {
        {MOD(shift_call)},         {MOD(shift_reffunc)},        {MOD(shift_export)},
        {MOD(shift_elem_funcs)},   {MOD(shift_elem_exprs)},     {MOD(shift_start)},
        {MOD(shift_global)},       {MOD(shift_names)},          {MOD(shift_call_indirect)},
        {MOD(shift_mixed_imports)}, {MOD(gas_ops)},             {MOD(dyn)},
        {MOD(forbid)},             {MOD(exports_gas_left)},
        {MOD(premetered_usegas_i32)}, {MOD(premetered_usegas_i64)}, {MOD(dyn_edge)},
        {MOD(shift_many)},         {MOD(empty)},               {MOD(only_table_grow)},
        {MOD(only_memory_fill)},   {MOD(only_memory_grow)},
    };
    for (size_t m = 0; m < COUNT(models); m++) {
        wvm_cost_model *model = model_make(models[m]);
        for (size_t i = 0; i < COUNT(modules); i++) {
            for (int b = 0; b <= 1; b++) {
                if (b && modules[i].wasm == inst_exports_gas_left)
                    continue;
                wvm_instrument_options opts =
                    opts_with(model, b ? WVM_GAS_GLOBAL : WVM_GAS_IMPORT);
                size_t n;
                free(instrument_ok(modules[i].wasm, modules[i].size, &opts, &n));
            }
        }
        wvm_cost_model_delete(model);
    }
    /* and the two files of the fuel tests */
    const char *files[] = {FUEL_OPS_PATH, "tests/data/fuel_bulk.wasm",
                           "tests/data/fuel_start.wasm", "tests/data/fuel_recursion.wasm",
                           "examples/fib.wasm"};
    for (size_t i = 0; i < COUNT(files); i++) {
        size_t size, n;
        uint8_t *wasm = read_file(files[i], &size);
        free(instrument_ok(wasm, size, NULL, &n));
        wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
        free(instrument_ok(wasm, size, &opts, &n));
        free(wasm);
    }
}

/* With every cost 0 the output still behaves as the original: same results and traps, and
 * no gas at all, on both backends and both engines. */
Test(instrument, zero_model_keeps_behaviour)
{
    for (size_t i = 0; i < COUNT(corpus); i++)
        check_cases(corpus[i].wasm, corpus[i].size, MODEL_ZERO, corpus[i].cases,
                    corpus[i].ncases, K_ALL, corpus[i].start_gas, GAS_ALL_ZERO);
}

/* Unchanged behaviour under uniform too, against the unmetered original: every shift module's
 * results (the gas itself is compared with native fuel). */
Test(instrument, uniform_model_all_backends)
{
    for (size_t i = 0; i < COUNT(corpus); i++) {
        icase cases[48];
        cr_assert_leq(corpus[i].ncases, COUNT(cases));
        for (size_t c = 0; c < corpus[i].ncases; c++) {
            cases[c] = corpus[i].cases[c];
            cases[c].gas = GAS_ANY;
        }
        check_cases(corpus[i].wasm, corpus[i].size, "uniform", cases, corpus[i].ncases, K_ALL,
                    corpus[i].start_gas == NO_START ? NO_START : START_ANY, GAS_FROM_CASES);
    }
}
