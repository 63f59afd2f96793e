/* The spectest host module (see spectest.h), built on the public API only. It is quiet: the
 * print functions accept their arguments and do nothing, so test output stays clean. */
#include "spectest.h"

#include <stdio.h>
#include <string.h>

static wvm_trap_code spectest_print(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                    void *env)
{
    (void)caller;
    (void)args;
    (void)results;
    (void)env;
    return WVM_TRAP_NONE;
}

static wvm_status spectest_fail(wvm_error *err, const char *what)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->status = WVM_ERR_NOMEM;
        err->func_index = WVM_NO_FUNC;
        snprintf(err->message, sizeof err->message, "spectest: cannot create %s", what);
    }
    return WVM_ERR_NOMEM;
}

static wvm_status spectest_define_func(wvm_linker *linker, wvm_store *store, const char *name,
                                       const wvm_valkind *params, uint32_t nparams,
                                       wvm_error *err)
{
    wvm_functype type = {.nparams = nparams, .nresults = 0, .params = params, .results = NULL};
    wvm_extern item = {.kind = WVM_EXTERN_FUNC};
    item.of.func = wvm_func_new(store, &type, spectest_print, NULL, NULL);
    if (!item.of.func)
        return spectest_fail(err, name);
    return wvm_linker_define(linker, "spectest", name, &item, err);
}

static wvm_status spectest_define_global(wvm_linker *linker, wvm_store *store, const char *name,
                                         const wvm_val *value, wvm_error *err)
{
    wvm_extern item = {.kind = WVM_EXTERN_GLOBAL};
    item.of.global = wvm_global_new(store, value->kind, false, value);
    if (!item.of.global)
        return spectest_fail(err, name);
    return wvm_linker_define(linker, "spectest", name, &item, err);
}

wvm_status spectest_define(wvm_linker *linker, wvm_store *store, wvm_error *err)
{
    static const wvm_valkind p_i32[] = {WVM_I32};
    static const wvm_valkind p_i64[] = {WVM_I64};
    static const wvm_valkind p_f32[] = {WVM_F32};
    static const wvm_valkind p_f64[] = {WVM_F64};
    static const wvm_valkind p_i32_f32[] = {WVM_I32, WVM_F32};
    static const wvm_valkind p_f64_f64[] = {WVM_F64, WVM_F64};
    static const struct {
        const char *name;
        const wvm_valkind *params;
        uint32_t nparams;
    } funcs[] = {
        {"print", NULL, 0},
        {"print_i32", p_i32, 1},
        {"print_i64", p_i64, 1},
        {"print_f32", p_f32, 1},
        {"print_f64", p_f64, 1},
        {"print_i32_f32", p_i32_f32, 2},
        {"print_f64_f64", p_f64_f64, 2},
    };
    wvm_status st;

    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        st = spectest_define_func(linker, store, funcs[i].name, funcs[i].params,
                                  funcs[i].nparams, err);
        if (st != WVM_OK)
            return st;
    }

    wvm_val v;
    v.kind = WVM_I32;
    v.of.i32 = 666;
    if ((st = spectest_define_global(linker, store, "global_i32", &v, err)) != WVM_OK)
        return st;
    v.kind = WVM_I64;
    v.of.i64 = 666;
    if ((st = spectest_define_global(linker, store, "global_i64", &v, err)) != WVM_OK)
        return st;
    v.kind = WVM_F32;
    v.of.f32 = 666.6f;
    if ((st = spectest_define_global(linker, store, "global_f32", &v, err)) != WVM_OK)
        return st;
    v.kind = WVM_F64;
    v.of.f64 = 666.6;
    if ((st = spectest_define_global(linker, store, "global_f64", &v, err)) != WVM_OK)
        return st;

    wvm_extern item = {.kind = WVM_EXTERN_TABLE};
    item.of.table = wvm_table_new(store, WVM_FUNCREF, 10, 20, true, NULL);
    if (!item.of.table)
        return spectest_fail(err, "table");
    if ((st = wvm_linker_define(linker, "spectest", "table", &item, err)) != WVM_OK)
        return st;

    item.kind = WVM_EXTERN_MEMORY;
    item.of.memory = wvm_memory_new(store, 1, 2, true);
    if (!item.of.memory)
        return spectest_fail(err, "memory");
    return wvm_linker_define(linker, "spectest", "memory", &item, err);
}
