/* Criterion suite api_intro: the embedding API's introspection and convenience functions
 * (include/wvm.h): module import/export types, kind-specific export lookups, function types,
 * wvm_linker_define_func and its finalizer, table growth, global and memory queries, and a
 * host function reaching its caller's exports.
 *
 * The module is embedded as bytes, assembled (wat2wasm) from:
 *
 * (module
 *   (import "env" "f" (func $f (param i32 i64) (result f32)))
 *   (import "env" "t" (table 2 10 funcref))
 *   (import "env" "m" (memory 1 4))
 *   (import "env" "g" (global (mut f64)))
 *   (import "host" "gx" (global externref))
 *   (import "env" "cb" (func $cb (param i32) (result i32)))
 *   (table $tab (export "tab") 3 externref)
 *   (global $glob (export "glob") i64 (i64.const -5))
 *   (global $mglob (export "mglob") (mut i32) (i32.const 1))
 *   (func $run (export "run") (param i32) (result i32)
 *     (call $cb (local.get 0)))
 *   (func $multi (export "multi") (param f64 externref funcref) (result i64 i32)
 *     (i64.const 1) (i32.const 2))
 *   (export "mem" (memory 0))
 *   (export "f" (func $f))
 *   (export "t" (table 0))
 *   (export "g" (global 0))
 *   (data (i32.const 0) "hi"))
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "wvm.h"

static const uint8_t wasm_intro[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x14, 0x03, 0x60,
    0x02, 0x7f, 0x7e, 0x01, 0x7d, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x03,
    0x7c, 0x6f, 0x70, 0x02, 0x7e, 0x7f, 0x02, 0x3b, 0x06, 0x03, 0x65, 0x6e,
    0x76, 0x01, 0x66, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x74, 0x01,
    0x70, 0x01, 0x02, 0x0a, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x6d, 0x02, 0x01,
    0x01, 0x04, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7c, 0x01, 0x04,
    0x68, 0x6f, 0x73, 0x74, 0x02, 0x67, 0x78, 0x03, 0x6f, 0x00, 0x03, 0x65,
    0x6e, 0x76, 0x02, 0x63, 0x62, 0x00, 0x01, 0x03, 0x03, 0x02, 0x01, 0x02,
    0x04, 0x04, 0x01, 0x6f, 0x00, 0x03, 0x06, 0x0b, 0x02, 0x7e, 0x00, 0x42,
    0x7b, 0x0b, 0x7f, 0x01, 0x41, 0x01, 0x0b, 0x07, 0x36, 0x09, 0x03, 0x74,
    0x61, 0x62, 0x01, 0x01, 0x04, 0x67, 0x6c, 0x6f, 0x62, 0x03, 0x02, 0x05,
    0x6d, 0x67, 0x6c, 0x6f, 0x62, 0x03, 0x03, 0x03, 0x72, 0x75, 0x6e, 0x00,
    0x02, 0x05, 0x6d, 0x75, 0x6c, 0x74, 0x69, 0x00, 0x03, 0x03, 0x6d, 0x65,
    0x6d, 0x02, 0x00, 0x01, 0x66, 0x00, 0x00, 0x01, 0x74, 0x01, 0x00, 0x01,
    0x67, 0x03, 0x00, 0x0a, 0x0f, 0x02, 0x06, 0x00, 0x20, 0x00, 0x10, 0x01,
    0x0b, 0x06, 0x00, 0x42, 0x01, 0x41, 0x02, 0x0b, 0x0b, 0x08, 0x01, 0x00,
    0x41, 0x00, 0x0b, 0x02, 0x68, 0x69,
};

/* Whether the counted string (s, len) equals the C string want. */
static bool intro_name_is(const char *s, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(s, want, len) == 0;
}

static wvm_engine *intro_engine;
static wvm_module *intro_module;
static wvm_store *intro_store;
static wvm_linker *intro_linker;

static void intro_setup(void)
{
    wvm_error err = {0};
    intro_engine = wvm_engine_new(NULL);
    cr_assert_not_null(intro_engine);
    cr_assert_eq(wvm_module_new(intro_engine, wasm_intro, sizeof wasm_intro, &intro_module,
                                &err),
                 WVM_OK, "%s", err.message);
    intro_store = wvm_store_new(intro_engine, NULL);
    intro_linker = wvm_linker_new(intro_engine);
    cr_assert(intro_store && intro_linker);
}

static void intro_teardown(void)
{
    wvm_linker_delete(intro_linker);
    wvm_store_delete(intro_store);
    wvm_module_delete(intro_module);
    wvm_engine_delete(intro_engine);
}

TestSuite(api_intro, .init = intro_setup, .fini = intro_teardown);

static void assert_limits(wvm_limits l, uint32_t min, bool has_max, uint32_t max)
{
    cr_assert_eq(l.min, min);
    cr_assert_eq(l.has_max, has_max);
    if (has_max)
        cr_assert_eq(l.max, max);
}

Test(api_intro, version)
{
    cr_assert_str_eq(wvm_version(), "0.1.0");
    cr_assert_str_eq(wvm_version(), WVM_VERSION_STRING);
}

Test(api_intro, import_types)
{
    wvm_importtype it;
    cr_assert_eq(wvm_module_import_count(intro_module), 6);

    cr_assert(wvm_module_import(intro_module, 0, &it));
    cr_assert(intro_name_is(it.module, it.module_len, "env"));
    cr_assert(intro_name_is(it.name, it.name_len, "f"));
    cr_assert_eq(it.type.kind, WVM_EXTERN_FUNC);
    cr_assert_eq(it.type.of.func.nparams, 2);
    cr_assert_eq(it.type.of.func.params[0], WVM_I32);
    cr_assert_eq(it.type.of.func.params[1], WVM_I64);
    cr_assert_eq(it.type.of.func.nresults, 1);
    cr_assert_eq(it.type.of.func.results[0], WVM_F32);

    cr_assert(wvm_module_import(intro_module, 1, &it));
    cr_assert(intro_name_is(it.module, it.module_len, "env"));
    cr_assert(intro_name_is(it.name, it.name_len, "t"));
    cr_assert_eq(it.type.kind, WVM_EXTERN_TABLE);
    cr_assert_eq(it.type.of.table.elem_kind, WVM_FUNCREF);
    assert_limits(it.type.of.table.limits, 2, true, 10);

    cr_assert(wvm_module_import(intro_module, 2, &it));
    cr_assert(intro_name_is(it.name, it.name_len, "m"));
    cr_assert_eq(it.type.kind, WVM_EXTERN_MEMORY);
    assert_limits(it.type.of.memory, 1, true, 4);

    cr_assert(wvm_module_import(intro_module, 3, &it));
    cr_assert(intro_name_is(it.name, it.name_len, "g"));
    cr_assert_eq(it.type.kind, WVM_EXTERN_GLOBAL);
    cr_assert_eq(it.type.of.global.kind, WVM_F64);
    cr_assert(it.type.of.global.mutable_);

    cr_assert(wvm_module_import(intro_module, 4, &it));
    cr_assert(intro_name_is(it.module, it.module_len, "host"));
    cr_assert(intro_name_is(it.name, it.name_len, "gx"));
    cr_assert_eq(it.type.kind, WVM_EXTERN_GLOBAL);
    cr_assert_eq(it.type.of.global.kind, WVM_EXTERNREF);
    cr_assert_not(it.type.of.global.mutable_);

    cr_assert(wvm_module_import(intro_module, 5, &it));
    cr_assert(intro_name_is(it.name, it.name_len, "cb"));
    cr_assert_eq(it.type.kind, WVM_EXTERN_FUNC);
    cr_assert_eq(it.type.of.func.nparams, 1);
    cr_assert_eq(it.type.of.func.params[0], WVM_I32);
    cr_assert_eq(it.type.of.func.nresults, 1);
    cr_assert_eq(it.type.of.func.results[0], WVM_I32);

    /* Out of range and NULL arguments leave the output alone. */
    memset(&it, 0xAB, sizeof it);
    cr_assert_not(wvm_module_import(intro_module, 6, &it));
    cr_assert_eq(it.name_len, (size_t)0xABABABABABABABABull);
    cr_assert_not(wvm_module_import(NULL, 0, &it));
    cr_assert_not(wvm_module_import(intro_module, 0, NULL));
    cr_assert_eq(wvm_module_import_count(NULL), 0);
}

Test(api_intro, export_types)
{
    wvm_exporttype et;
    cr_assert_eq(wvm_module_export_count(intro_module), 9);

    cr_assert(wvm_module_export(intro_module, 0, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "tab"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_TABLE);
    cr_assert_eq(et.type.of.table.elem_kind, WVM_EXTERNREF);
    assert_limits(et.type.of.table.limits, 3, false, 0);

    cr_assert(wvm_module_export(intro_module, 1, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "glob"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_GLOBAL);
    cr_assert_eq(et.type.of.global.kind, WVM_I64);
    cr_assert_not(et.type.of.global.mutable_);

    cr_assert(wvm_module_export(intro_module, 2, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "mglob"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_GLOBAL);
    cr_assert_eq(et.type.of.global.kind, WVM_I32);
    cr_assert(et.type.of.global.mutable_);

    cr_assert(wvm_module_export(intro_module, 3, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "run"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_FUNC);
    cr_assert_eq(et.type.of.func.nparams, 1);
    cr_assert_eq(et.type.of.func.params[0], WVM_I32);
    cr_assert_eq(et.type.of.func.nresults, 1);
    cr_assert_eq(et.type.of.func.results[0], WVM_I32);

    cr_assert(wvm_module_export(intro_module, 4, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "multi"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_FUNC);
    cr_assert_eq(et.type.of.func.nparams, 3);
    cr_assert_eq(et.type.of.func.params[0], WVM_F64);
    cr_assert_eq(et.type.of.func.params[1], WVM_EXTERNREF);
    cr_assert_eq(et.type.of.func.params[2], WVM_FUNCREF);
    cr_assert_eq(et.type.of.func.nresults, 2);
    cr_assert_eq(et.type.of.func.results[0], WVM_I64);
    cr_assert_eq(et.type.of.func.results[1], WVM_I32);

    /* Re-exported imports carry the import's type. */
    cr_assert(wvm_module_export(intro_module, 5, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "mem"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_MEMORY);
    assert_limits(et.type.of.memory, 1, true, 4);

    cr_assert(wvm_module_export(intro_module, 6, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "f"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_FUNC);
    cr_assert_eq(et.type.of.func.nparams, 2);
    cr_assert_eq(et.type.of.func.params[1], WVM_I64);
    cr_assert_eq(et.type.of.func.results[0], WVM_F32);

    cr_assert(wvm_module_export(intro_module, 7, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "t"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_TABLE);
    cr_assert_eq(et.type.of.table.elem_kind, WVM_FUNCREF);
    assert_limits(et.type.of.table.limits, 2, true, 10);

    cr_assert(wvm_module_export(intro_module, 8, &et));
    cr_assert(intro_name_is(et.name, et.name_len, "g"));
    cr_assert_eq(et.type.kind, WVM_EXTERN_GLOBAL);
    cr_assert_eq(et.type.of.global.kind, WVM_F64);
    cr_assert(et.type.of.global.mutable_);

    cr_assert_not(wvm_module_export(intro_module, 9, &et));
    cr_assert_not(wvm_module_export(NULL, 0, &et));
    cr_assert_eq(wvm_module_export_count(NULL), 0);
}

/* Types given to host functions. */
static const wvm_valkind intro_i32_i64[] = {WVM_I32, WVM_I64};
static const wvm_valkind intro_f32[] = {WVM_F32};
static const wvm_valkind intro_i32[] = {WVM_I32};
static const wvm_functype intro_type_f = {2, 1, intro_i32_i64, intro_f32};
static const wvm_functype intro_type_i32_i32 = {1, 1, intro_i32, intro_i32};

static wvm_trap_code intro_f(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                             void *env)
{
    results[0].of.f32 = (float)args[0].of.i32 + (float)args[1].of.i64;
    return WVM_TRAP_NONE;
}

/* What the callback below saw of its caller. */
typedef struct {
    int calls;
    bool export_found;      /* wvm_caller_export(caller, "glob") */
    int64_t glob;           /* its value */
    bool memory_found;      /* wvm_caller_memory(caller, "mem") */
    char data[3];           /* the first two bytes of that memory */
    bool wrong_kind_null;   /* wvm_caller_memory(caller, "glob") == NULL */
    bool missing_null;      /* wvm_caller_export(caller, "nope") == false */
} intro_seen;

/* env.cb: looks at the caller's exports and returns its argument + 1. */
static wvm_trap_code intro_cb(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    intro_seen *seen = env;
    seen->calls++;
    wvm_extern ext;
    seen->export_found = wvm_caller_export(caller, "glob", &ext);
    if (seen->export_found && ext.kind == WVM_EXTERN_GLOBAL) {
        wvm_val v;
        wvm_global_get(ext.of.global, &v);
        seen->glob = v.of.i64;
    }
    wvm_memory *mem = wvm_caller_memory(caller, "mem");
    seen->memory_found = mem != NULL;
    if (mem && wvm_memory_size_bytes(mem) >= 2)
        memcpy(seen->data, wvm_memory_data(mem), 2);
    seen->wrong_kind_null = wvm_caller_memory(caller, "glob") == NULL;
    seen->missing_null = !wvm_caller_export(caller, "nope", &ext);
    results[0].of.i32 = args[0].of.i32 + 1;
    return WVM_TRAP_NONE;
}

static int intro_finalized;

static void intro_finalize(void *env)
{
    intro_finalized++;
    (void)env;
}

/* Host objects for every import, the callback with `seen` as env; instantiates. */
static wvm_instance *intro_instantiate(intro_seen *seen)
{
    wvm_error err = {0};
    wvm_val null_ref = {.kind = WVM_FUNCREF, .of.funcref = NULL};
    wvm_val g = {.kind = WVM_F64, .of.f64 = 2.5};
    wvm_val gx = {.kind = WVM_EXTERNREF, .of.externref = (void *)&intro_finalized};
    wvm_extern t = {.kind = WVM_EXTERN_TABLE,
                    .of.table = wvm_table_new(intro_store, WVM_FUNCREF, 2, 10, true, &null_ref)};
    wvm_extern m = {.kind = WVM_EXTERN_MEMORY,
                    .of.memory = wvm_memory_new(intro_store, 1, 4, true)};
    wvm_extern gg = {.kind = WVM_EXTERN_GLOBAL,
                     .of.global = wvm_global_new(intro_store, WVM_F64, true, &g)};
    wvm_extern ggx = {.kind = WVM_EXTERN_GLOBAL,
                      .of.global = wvm_global_new(intro_store, WVM_EXTERNREF, false, &gx)};
    cr_assert(t.of.table && m.of.memory && gg.of.global && ggx.of.global);
    cr_assert_eq(wvm_linker_define(intro_linker, "env", "t", &t, &err), WVM_OK);
    cr_assert_eq(wvm_linker_define(intro_linker, "env", "m", &m, &err), WVM_OK);
    cr_assert_eq(wvm_linker_define(intro_linker, "env", "g", &gg, &err), WVM_OK);
    cr_assert_eq(wvm_linker_define(intro_linker, "host", "gx", &ggx, &err), WVM_OK);
    cr_assert_eq(wvm_linker_define_func(intro_linker, intro_store, "env", "f", &intro_type_f,
                                        intro_f, NULL, NULL, &err),
                 WVM_OK, "%s", err.message);
    cr_assert_eq(wvm_linker_define_func(intro_linker, intro_store, "env", "cb",
                                        &intro_type_i32_i32, intro_cb, seen, intro_finalize,
                                        &err),
                 WVM_OK, "%s", err.message);
    wvm_instance *inst = NULL;
    cr_assert_eq(wvm_linker_instantiate(intro_linker, intro_store, intro_module, &inst, &err),
                 WVM_OK, "%s", err.message);
    return inst;
}

Test(api_intro, export_lookups_by_kind)
{
    intro_seen seen = {0};
    wvm_instance *inst = intro_instantiate(&seen);

    wvm_extern ext;
    cr_assert(wvm_instance_export(inst, "run", &ext));
    cr_assert_eq(wvm_instance_func(inst, "run"), ext.of.func);
    cr_assert(wvm_instance_export(inst, "mem", &ext));
    cr_assert_eq(wvm_instance_memory(inst, "mem"), ext.of.memory);
    cr_assert(wvm_instance_export(inst, "tab", &ext));
    cr_assert_eq(wvm_instance_table(inst, "tab"), ext.of.table);
    cr_assert(wvm_instance_export(inst, "glob", &ext));
    cr_assert_eq(wvm_instance_global(inst, "glob"), ext.of.global);
    cr_assert_not_null(wvm_instance_func(inst, "f"));
    cr_assert_not_null(wvm_instance_table(inst, "t"));
    cr_assert_not_null(wvm_instance_global(inst, "g"));

    /* Another kind, a missing name, NULL arguments. */
    cr_assert_null(wvm_instance_func(inst, "mem"));
    cr_assert_null(wvm_instance_memory(inst, "run"));
    cr_assert_null(wvm_instance_table(inst, "glob"));
    cr_assert_null(wvm_instance_global(inst, "tab"));
    cr_assert_null(wvm_instance_func(inst, "nope"));
    cr_assert_null(wvm_instance_memory(inst, NULL));
    cr_assert_null(wvm_instance_global(NULL, "glob"));
}

Test(api_intro, func_types)
{
    intro_seen seen = {0};
    wvm_instance *inst = intro_instantiate(&seen);
    wvm_functype t;

    cr_assert(wvm_func_type(wvm_instance_func(inst, "multi"), &t));
    cr_assert_eq(t.nparams, 3);
    cr_assert_eq(t.params[0], WVM_F64);
    cr_assert_eq(t.params[1], WVM_EXTERNREF);
    cr_assert_eq(t.params[2], WVM_FUNCREF);
    cr_assert_eq(t.nresults, 2);
    cr_assert_eq(t.results[0], WVM_I64);
    cr_assert_eq(t.results[1], WVM_I32);

    /* A host function (re-exported "f"): its own copy of the type it was created with. */
    wvm_func *f = wvm_instance_func(inst, "f");
    cr_assert(wvm_func_type(f, &t));
    cr_assert_eq(t.nparams, 2);
    cr_assert_eq(t.params[0], WVM_I32);
    cr_assert_eq(t.params[1], WVM_I64);
    cr_assert_eq(t.nresults, 1);
    cr_assert_eq(t.results[0], WVM_F32);
    cr_assert_neq(t.params, intro_type_f.params);

    cr_assert_not(wvm_func_type(NULL, &t));
    cr_assert_not(wvm_func_type(f, NULL));
}

/* Host functions defined with wvm_linker_define_func are called by Wasm and see the calling
 * instance's exports. */
Test(api_intro, define_func_and_caller_exports)
{
    intro_seen seen = {0};
    wvm_instance *inst = intro_instantiate(&seen);
    wvm_error err = {0};
    wvm_val arg = {.kind = WVM_I32, .of.i32 = 41}, res;

    cr_assert_eq(wvm_func_call(intro_store, wvm_instance_func(inst, "run"), &arg, 1, &res, 1,
                               &err),
                 WVM_OK, "%s", err.message);
    cr_assert_eq(res.of.i32, 42);
    cr_assert_eq(seen.calls, 1);
    cr_assert(seen.export_found);
    cr_assert_eq(seen.glob, -5);
    cr_assert(seen.memory_found);
    cr_assert_str_eq(seen.data, "hi");
    cr_assert(seen.wrong_kind_null);
    cr_assert(seen.missing_null);

    /* The finalizer has not run yet: it runs with the store. */
    cr_assert_eq(intro_finalized, 0);
}

/* Called directly by the host, a host function sees no caller exports. */
Test(api_intro, caller_exports_without_instance)
{
    intro_seen seen = {0};
    seen.export_found = seen.memory_found = true;
    wvm_func *cb = wvm_func_new(intro_store, &intro_type_i32_i32, intro_cb, &seen, NULL);
    cr_assert_not_null(cb);
    wvm_error err = {0};
    wvm_val arg = {.kind = WVM_I32, .of.i32 = 1}, res;
    cr_assert_eq(wvm_func_call(intro_store, cb, &arg, 1, &res, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res.of.i32, 2);
    cr_assert_eq(seen.calls, 1);
    cr_assert_not(seen.export_found);
    cr_assert_not(seen.memory_found);
    cr_assert(seen.missing_null);
    cr_assert_not(wvm_caller_export(NULL, "glob", NULL));
    cr_assert_null(wvm_caller_memory(NULL, "mem"));
}

Test(api_intro, define_func_finalizer_runs_once)
{
    wvm_error err = {0};

    /* Success: the finalizer waits for the store. */
    intro_finalized = 0;
    cr_assert_eq(wvm_linker_define_func(intro_linker, intro_store, "env", "ok",
                                        &intro_type_i32_i32, intro_cb, NULL, intro_finalize,
                                        &err),
                 WVM_OK);
    cr_assert_eq(intro_finalized, 0);

    /* An invalid type: WVM_ERR_USAGE, finalizer run at once, nothing defined. */
    static const wvm_valkind bad[] = {(wvm_valkind)0x40};
    wvm_functype bad_type = {1, 0, bad, NULL};
    cr_assert_eq(wvm_linker_define_func(intro_linker, intro_store, "env", "bad", &bad_type,
                                        intro_cb, NULL, intro_finalize, &err),
                 WVM_ERR_USAGE);
    cr_assert_eq(err.status, WVM_ERR_USAGE);
    cr_assert_eq(intro_finalized, 1);

    /* Missing arguments likewise, even with no linker or store at all. */
    cr_assert_eq(wvm_linker_define_func(NULL, intro_store, "env", "x", &intro_type_i32_i32,
                                        intro_cb, NULL, intro_finalize, &err),
                 WVM_ERR_USAGE);
    cr_assert_eq(intro_finalized, 2);
    cr_assert_eq(wvm_linker_define_func(intro_linker, NULL, "env", "x", &intro_type_i32_i32,
                                        intro_cb, NULL, intro_finalize, NULL),
                 WVM_ERR_USAGE);
    cr_assert_eq(intro_finalized, 3);
    cr_assert_eq(wvm_linker_define_func(intro_linker, intro_store, "env", "x",
                                        &intro_type_i32_i32, NULL, NULL, intro_finalize, &err),
                 WVM_ERR_USAGE);
    cr_assert_eq(intro_finalized, 4);
    /* A failure without a finalizer is fine too. */
    cr_assert_eq(wvm_linker_define_func(intro_linker, intro_store, "env", "bad", &bad_type,
                                        intro_cb, NULL, NULL, &err),
                 WVM_ERR_USAGE);

    /* The failed definitions left nothing: instantiating still misses "env" "f". */
    wvm_instance *inst = NULL;
    cr_assert_eq(wvm_linker_instantiate(intro_linker, intro_store, intro_module, &inst, &err),
                 WVM_ERR_UNLINKABLE);

    /* The successful one is finalized exactly once, with the store. */
    wvm_store_delete(intro_store);
    intro_store = NULL;
    cr_assert_eq(intro_finalized, 5);
}

Test(api_intro, table_grow_and_kinds)
{
    intro_seen seen = {0};
    wvm_instance *inst = intro_instantiate(&seen);
    int marker;

    /* The module's own externref table: 3 elements, no maximum. */
    wvm_table *tab = wvm_instance_table(inst, "tab");
    cr_assert_not_null(tab);
    cr_assert_eq(wvm_table_elem_kind(tab), WVM_EXTERNREF);
    cr_assert_eq(wvm_table_size(tab), 3);
    wvm_val init = {.kind = WVM_EXTERNREF, .of.externref = &marker};
    uint32_t old = 0;
    cr_assert_eq(wvm_table_grow(tab, 2, &init, &old), WVM_OK);
    cr_assert_eq(old, 3);
    cr_assert_eq(wvm_table_size(tab), 5);
    wvm_val v;
    cr_assert_eq(wvm_table_get(tab, 2, &v), WVM_OK);
    cr_assert_null(v.of.externref);
    cr_assert_eq(wvm_table_get(tab, 3, &v), WVM_OK);
    cr_assert_eq(v.of.externref, &marker);
    cr_assert_eq(wvm_table_get(tab, 4, &v), WVM_OK);
    cr_assert_eq(v.of.externref, &marker);
    /* NULL init: null references; NULL old_size is allowed. */
    cr_assert_eq(wvm_table_grow(tab, 1, NULL, NULL), WVM_OK);
    cr_assert_eq(wvm_table_get(tab, 5, &v), WVM_OK);
    cr_assert_null(v.of.externref);
    /* A value of another kind, NULL table. */
    wvm_val wrong = {.kind = WVM_I32, .of.i32 = 1};
    cr_assert_eq(wvm_table_grow(tab, 1, &wrong, &old), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_size(tab), 6);
    cr_assert_eq(wvm_table_grow(NULL, 1, NULL, &old), WVM_ERR_USAGE);

    /* The imported funcref table 2..10: growth within the maximum, then past it. */
    wvm_table *t = wvm_instance_table(inst, "t");
    cr_assert_eq(wvm_table_elem_kind(t), WVM_FUNCREF);
    wvm_val fref = {.kind = WVM_FUNCREF, .of.funcref = wvm_instance_func(inst, "run")};
    cr_assert_eq(wvm_table_grow(t, 8, &fref, &old), WVM_OK);
    cr_assert_eq(old, 2);
    cr_assert_eq(wvm_table_size(t), 10);
    cr_assert_eq(wvm_table_get(t, 9, &v), WVM_OK);
    cr_assert_eq(v.of.funcref, fref.of.funcref);
    cr_assert_eq(wvm_table_grow(t, 1, NULL, &old), WVM_ERR_NOMEM);
    cr_assert_eq(wvm_table_size(t), 10);
    cr_assert_eq(wvm_table_grow(t, 0, NULL, &old), WVM_OK);
    cr_assert_eq(old, 10);
    cr_assert_eq(wvm_table_elem_kind(NULL), (wvm_valkind)0);
}

Test(api_intro, global_and_memory_queries)
{
    intro_seen seen = {0};
    wvm_instance *inst = intro_instantiate(&seen);

    wvm_global *glob = wvm_instance_global(inst, "glob");
    wvm_global *mglob = wvm_instance_global(inst, "mglob");
    wvm_global *g = wvm_instance_global(inst, "g");
    cr_assert_eq(wvm_global_kind(glob), WVM_I64);
    cr_assert_not(wvm_global_is_mutable(glob));
    cr_assert_eq(wvm_global_kind(mglob), WVM_I32);
    cr_assert(wvm_global_is_mutable(mglob));
    cr_assert_eq(wvm_global_kind(g), WVM_F64);
    cr_assert(wvm_global_is_mutable(g));
    cr_assert_eq(wvm_global_kind(NULL), (wvm_valkind)0);
    cr_assert_not(wvm_global_is_mutable(NULL));

    bool has_max = false;
    wvm_memory *mem = wvm_instance_memory(inst, "mem");
    cr_assert_eq(wvm_memory_max_pages(mem, &has_max), 4);
    cr_assert(has_max);
    cr_assert_eq(wvm_memory_max_pages(mem, NULL), 4);
    wvm_memory *unbounded = wvm_memory_new(intro_store, 0, 0, false);
    cr_assert_not_null(unbounded);
    has_max = true;
    cr_assert_eq(wvm_memory_max_pages(unbounded, &has_max), 65536);
    cr_assert_not(has_max);
    has_max = true;
    cr_assert_eq(wvm_memory_max_pages(NULL, &has_max), 0);
    cr_assert_not(has_max);
}

/* The introspection results stay valid after the module is deleted while an instance of it
 * lives (the instance keeps the module). */
Test(api_intro, func_type_outlives_module_handle)
{
    intro_seen seen = {0};
    wvm_instance *inst = intro_instantiate(&seen);
    wvm_module_delete(intro_module);
    intro_module = NULL;
    wvm_functype t;
    cr_assert(wvm_func_type(wvm_instance_func(inst, "multi"), &t));
    cr_assert_eq(t.nparams, 3);
    cr_assert_eq(t.params[2], WVM_FUNCREF);
    cr_assert_eq(t.results[1], WVM_I32);
}

/* (module (import "m" "mem" (memory 1)) (import "a" "g" (global i32))
 *         (import "h" "f" (func)) (import "h" "s" (func)) (start 1)) */
static const uint8_t wasm_start_imported[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02,
    0x1d, 0x04, 0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x01, 0x61, 0x01, 0x67,
    0x03, 0x7f, 0x00, 0x01, 0x68, 0x01, 0x66, 0x00, 0x00, 0x01, 0x68, 0x01, 0x73, 0x00, 0x00,
    0x08, 0x01, 0x01};
/* (module (import "h" "f" (func)) (func $main) (start $main)) */
static const uint8_t wasm_start_defined[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x07, 0x01, 0x01, 0x68, 0x01, 0x66, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x08,
    0x01, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

/* The start function of a module compiled by an engine metering with mode. */
static bool start_of(wvm_meter_mode mode, const uint8_t *bytes, size_t size, uint32_t *index)
{
    wvm_config config;
    wvm_config_default(&config);
    config.metering = mode;
    wvm_engine *e = wvm_engine_new(&config);
    wvm_module *m = NULL;
    wvm_error err = {0};
    cr_assert_eq(wvm_module_new(e, bytes, size, &m, &err), WVM_OK, "%s", err.message);
    *index = 12345;
    bool has = wvm_module_start(m, index);
    wvm_module_delete(m);
    wvm_engine_delete(e);
    return has;
}

Test(api_intro, start_function)
{
    uint32_t index = 12345;
    /* wasm_intro has none */
    cr_assert(!wvm_module_start(intro_module, &index));
    cr_assert_eq(index, 12345);
    cr_assert(!wvm_module_start(NULL, &index));

    /* imported: the index counts every import, not only functions */
    cr_assert(start_of(WVM_METER_OFF, wasm_start_imported, sizeof wasm_start_imported, &index));
    cr_assert_eq(index, 3);
    cr_assert(wvm_module_start(intro_module, NULL) == false);

    /* defined, also as the user sees it when wvm instrumented the module at load (the start
     * function's index moved past the injected import) */
    cr_assert(start_of(WVM_METER_OFF, wasm_start_defined, sizeof wasm_start_defined, &index));
    cr_assert_eq(index, UINT32_MAX);
    cr_assert(start_of(WVM_METER_INSTRUMENT, wasm_start_defined, sizeof wasm_start_defined,
                       &index));
    cr_assert_eq(index, UINT32_MAX);
    cr_assert(start_of(WVM_METER_INSTRUMENT, wasm_start_imported, sizeof wasm_start_imported,
                       &index));
    cr_assert_eq(index, 3);
}
