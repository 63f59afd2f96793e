/* Criterion suite `instrument`: index shifting by wvm_instrument's import backend, one test
 * per place a function index appears (call, ref.func, exports, element segments of both
 * encodings and every mode, the start function, global initialisers, the name section,
 * call_indirect through a table, references crossing the LEB128 boundary), each checked on
 * the decoded output (loader/module.h) and by running it; a module without functions; and
 * custom gas import names.
 * Helpers: tests/instrument_support.h; the calls and their gas: tests/instrument_cases.c.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

#include "../loader/module.h"

#include "instrument_cases.h"
#include "instrument_support.h"

/* A host function of any type that does nothing (its results, if any, are 0). */
static wvm_trap_code host_nop(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    const wvm_functype *type = env;
    for (uint32_t i = 0; i < type->nresults; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].kind = type->results[i];
    }
    return WVM_TRAP_NONE;
}

static const wvm_valkind k_i32[] = {WVM_I32};
static const wvm_functype t_i32_void = {1, 0, k_i32, NULL};

static void assert_func_name(const wasm_module *m, uint32_t index, const char *want)
{
    uint32_t len;
    const char *name = wasm_module_func_name(m, index, &len);
    cr_assert(name_is(name, len, want), "function %u is named '%.*s', expected '%s'", index,
              name ? (int)len : 6, name ? name : "(none)", want);
}

/* Decodes the module and its import-backend output (default options), checks every place
 * generically (check_import_shift); the caller checks its own place explicitly, then frees
 * both. */
static void shift_decode(const uint8_t *wasm, size_t size, wasm_module *o, wasm_module *n)
{
    decode_valid(wasm, size, o);
    instrument_decode(wasm, size, NULL, n);
    check_import_shift(o, n, "env", "gas");
}

/* Calls a funcref-returning export of an instantiated runner, then the function it returned
 * with x; returns that call's result. *gas_callee (may be NULL) gets the second call's
 * cost. */
static int32_t call_returned_func(runner *r, const char *getter, int32_t x, uint64_t *gas_callee)
{
    wvm_val res = {.kind = WVM_FUNCREF}, arg = {.kind = WVM_I32, .of.i32 = x};
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_call_func(r, runner_func(r, getter), NULL, 0, &res, 1, &spent, &err),
                 WVM_OK, "%s: %s", getter, err.message);
    cr_assert_eq(res.kind, WVM_FUNCREF);
    cr_assert_not_null(res.of.funcref, "%s returned a null reference", getter);
    wvm_val out = {.kind = WVM_I32};
    cr_assert_eq(runner_call_func(r, res.of.funcref, &arg, 1, &out, 1, &spent, &err), WVM_OK,
                 "calling what %s returned: %s", getter, err.message);
    if (gas_callee)
        *gas_callee = spent;
    return out.of.i32;
}

/* An instantiated import-backend runner of wasm under `default`. */
static void import_runner(runner *r, const uint8_t *wasm, size_t size)
{
    runner_open_module(r, RUN_IMPORT, NULL, wasm, size);
    runner_instantiate_ok(r);
}

Test(instrument, shift_call_in_bodies)
{
    wasm_module o, n;
    shift_decode(MOD(shift_call), &o, &n);
    cr_assert_eq(o.nfunc_imports, 1);
    cr_assert_eq(n.nfunc_imports, 2);
    cr_assert(import_is(&n.imports[0], "host", "f"), "host.f keeps index 0");
    cr_assert(import_is(&n.imports[1], "env", "gas"));
    /* run (defined function 2) calls hf, a, b: 0, 1, 2 before, 0, 2, 3 after */
    ASSERT_REFS(body_refs(&o, 2, 0x10), "calls of run (original)", 0, 1, 2);
    ASSERT_REFS(refs_without(body_refs(&n, 2, 0x10), 1), "calls of run", 0, 2, 3);
    cr_assert_gt(body_refs(&n, 2, 0x10).n, 3, "run never calls the gas import");
    cr_assert_eq(find_export(&n, "run")->index, 4);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_call), "default", cases_shift_call, COUNT(cases_shift_call), K_IMPORT,
                NO_START, GAS_FROM_CASES);
}

Test(instrument, shift_ref_func_in_bodies)
{
    wasm_module o, n;
    shift_decode(MOD(shift_reffunc), &o, &n);
    /* run (defined 2): ref.func $a, ref.func $hf; get_b (defined 3): ref.func $b */
    ASSERT_REFS(body_refs(&o, 2, 0xD2), "ref.func in run (original)", 1, 0);
    ASSERT_REFS(body_refs(&n, 2, 0xD2), "ref.func in run", 2, 0);
    ASSERT_REFS(body_refs(&n, 3, 0xD2), "ref.func in get_b", 3);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_reffunc), "default", cases_shift_reffunc,
                COUNT(cases_shift_reffunc), K_IMPORT, NO_START, GAS_FROM_CASES);

    /* The reference get_b returns is b: b(5) = 15, costing b's 4. */
    runner r;
    import_runner(&r, MOD(shift_reffunc));
    uint64_t gas;
    cr_assert_eq(call_returned_func(&r, "get_b", 5, &gas), 15);
    cr_assert_eq(gas, 4);
    runner_close(&r);
}

Test(instrument, shift_exports)
{
    wasm_module o, n;
    shift_decode(MOD(shift_export), &o, &n);
    cr_assert_eq(find_export(&n, "hf")->index, 0, "an exported import keeps its index");
    cr_assert_eq(find_export(&n, "a")->index, 2);
    cr_assert_eq(find_export(&n, "b")->index, 3);
    cr_assert_eq(find_export(&n, "mem")->kind, WASM_EXTERN_MEMORY);
    cr_assert_eq(find_export(&n, "mem")->index, 0);
    cr_assert_eq(find_export(&n, "g")->kind, WASM_EXTERN_GLOBAL);
    cr_assert_eq(find_export(&n, "g")->index, 0);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_export), "default", cases_shift_export, COUNT(cases_shift_export),
                K_IMPORT, NO_START, GAS_FROM_CASES);

    /* The exported import is still host.f. */
    runner r;
    import_runner(&r, MOD(shift_export));
    uint64_t spent;
    cr_assert_eq(runner_call_i32_ok(&r, "hf", 5, &spent), 105);
    cr_assert_eq(spent, 0, "a host function charges no gas");
    runner_close(&r);
}

Test(instrument, shift_element_segments_with_function_indices)
{
    wasm_module o, n;
    shift_decode(MOD(shift_elem_funcs), &o, &n);
    cr_assert_eq(n.nelems, 4);
    static const uint8_t modes[] = {WASM_SEGMENT_ACTIVE, WASM_SEGMENT_PASSIVE,
                                    WASM_SEGMENT_ACTIVE, WASM_SEGMENT_DECLARATIVE};
    static const uint32_t want[4][2] = {{4, 2}, {3, 4}, {2, 0}, {4, 0}};
    static const uint32_t counts[] = {2, 2, 2, 1};
    for (uint32_t s = 0; s < 4; s++) {
        cr_assert_eq(n.elems[s].mode, modes[s], "segment %u mode", s);
        cr_assert_not_null(n.elems[s].func_indices, "segment %u lost its encoding", s);
        cr_assert_eq(n.elems[s].count, counts[s]);
        for (uint32_t i = 0; i < counts[s]; i++)
            cr_assert_eq(n.elems[s].func_indices[i], want[s][i],
                         "segment %u item %u: %u, expected %u", s, i,
                         n.elems[s].func_indices[i], want[s][i]);
    }
    cr_assert_eq(n.elems[2].table, 1);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_elem_funcs), "default", cases_shift_elem_funcs,
                COUNT(cases_shift_elem_funcs), K_IMPORT, NO_START, GAS_FROM_CASES);

    runner r;
    import_runner(&r, MOD(shift_elem_funcs));
    cr_assert_eq(call_returned_func(&r, "get_c", 5, NULL), 3);
    runner_close(&r);
}

Test(instrument, shift_element_segments_with_expressions)
{
    wasm_module o, n;
    shift_decode(MOD(shift_elem_exprs), &o, &n);
    cr_assert_eq(n.nelems, 4);
    static const uint8_t modes[] = {WASM_SEGMENT_ACTIVE, WASM_SEGMENT_PASSIVE,
                                    WASM_SEGMENT_ACTIVE, WASM_SEGMENT_DECLARATIVE};
    /* the ref.func of each item; UINT32_MAX for ref.null */
    static const uint32_t want[4][3] = {
        {2, 0, UINT32_MAX}, {3, 4, UINT32_MAX}, {4, 3, UINT32_MAX}, {4, UINT32_MAX, 0}};
    static const uint32_t counts[] = {3, 3, 3, 2};
    for (uint32_t s = 0; s < 4; s++) {
        cr_assert_eq(n.elems[s].mode, modes[s], "segment %u mode", s);
        cr_assert_not_null(n.elems[s].exprs, "segment %u lost its encoding", s);
        cr_assert_eq(n.elems[s].count, counts[s]);
        for (uint32_t i = 0; i < counts[s]; i++) {
            ref_list l = expr_refs(&n.elems[s].exprs[i]);
            if (want[s][i] == UINT32_MAX)
                cr_assert_eq(l.n, 0, "segment %u item %u", s, i);
            else
                assert_refs(l, &want[s][i], 1, "element expression");
        }
    }
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_elem_exprs), "default", cases_shift_elem_exprs,
                COUNT(cases_shift_elem_exprs), K_IMPORT, NO_START, GAS_FROM_CASES);
}

Test(instrument, shift_start_function)
{
    wasm_module o, n;
    shift_decode(MOD(shift_start), &o, &n);
    cr_assert(o.has_start && n.has_start);
    cr_assert_eq(o.start, 2);
    cr_assert_eq(n.start, 3);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_start), "default", NULL, 0, K_IMPORT, SHIFT_START_GAS,
                GAS_FROM_CASES);

    /* The start function that ran is $s (g = hf(1) = 101), not $other (99). */
    runner r;
    runner_open_module(&r, RUN_IMPORT, NULL, MOD(shift_start));
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_instantiate(&r, &spent, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(spent, SHIFT_START_GAS);
    wvm_val v;
    wvm_global_get(wvm_instance_global(r.inst, "g"), &v);
    cr_assert_eq(v.of.i32, 101, "g = %d: the start function is not $s", v.of.i32);
    runner_close(&r);
}

Test(instrument, shift_global_initialisers)
{
    wasm_module o, n;
    shift_decode(MOD(shift_global), &o, &n);
    ASSERT_REFS(expr_refs(&n.globals[0].init), "global ga", 2);
    ASSERT_REFS(expr_refs(&n.globals[1].init), "global gb", 3);
    ASSERT_REFS(expr_refs(&n.globals[2].init), "global gh", 0);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_global), "default", cases_shift_global, COUNT(cases_shift_global),
                K_IMPORT, NO_START, GAS_FROM_CASES);

    /* ga holds a (a(5) = 6), gh holds host.f (105). */
    runner r;
    import_runner(&r, MOD(shift_global));
    const char *names[] = {"ga", "gh"};
    const int32_t want[] = {6, 105};
    for (int i = 0; i < 2; i++) {
        wvm_val v;
        memset(&v, 0, sizeof v);
        wvm_global_get(wvm_instance_global(r.inst, names[i]), &v);
        cr_assert_eq(v.kind, WVM_FUNCREF);
        cr_assert_not_null(v.of.funcref);
        wvm_val arg = {.kind = WVM_I32, .of.i32 = 5}, out = {.kind = WVM_I32};
        uint64_t spent;
        wvm_error err;
        cr_assert_eq(runner_call_func(&r, v.of.funcref, &arg, 1, &out, 1, &spent, &err),
                     WVM_OK, "%s", err.message);
        cr_assert_eq(out.of.i32, want[i], "global %s holds the wrong function (%d)", names[i],
                     out.of.i32);
    }
    runner_close(&r);
}

Test(instrument, shift_name_section)
{
    wasm_module o, n;
    shift_decode(MOD(shift_names), &o, &n);
    cr_assert(name_is(n.module_name, n.module_name_len, "named"));
    assert_func_name(&n, 0, "hf");
    assert_func_name(&n, 2, "alpha");
    assert_func_name(&n, 3, "beta");
    assert_func_name(&n, 4, "run");
    uint32_t len;
    const char *gas_name = wasm_module_func_name(&n, 1, &len);
    cr_assert(!name_is(gas_name, len, "alpha"), "the gas import took alpha's name");
    name_map locals = names_indirect(&n, 2);
    cr_assert(locals.present, "the local names are gone");
    static const struct {
        uint32_t func, local;
        const char *name;
    } want[] = {{0, 0, "hx"}, {2, 0, "x"}, {2, 1, "tmp"}, {3, 0, "y"}, {3, 1, "z"},
                {3, 2, "p"},  {3, 3, "q"}, {4, 0, "v"}};
    for (size_t i = 0; i < COUNT(want); i++) {
        const name_entry *e = names_find(&locals, want[i].func, want[i].local);
        cr_assert(e && name_is(e->name, e->len, want[i].name),
                  "local %u of function %u is not named %s", want[i].local, want[i].func,
                  want[i].name);
    }
    for (size_t i = 0; i < locals.n; i++)
        cr_assert_neq(locals.e[i].func, 1, "local names given to the gas import");
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_names), "default", cases_shift_names, COUNT(cases_shift_names),
                K_IMPORT, NO_START, GAS_FROM_CASES);

    /* A trap's backtrace names the shifted functions. */
    runner r;
    import_runner(&r, MOD(shift_names));
    int32_t arg = 0, res;
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_call(&r, "run", &arg, 1, 1, &res, &spent, &err), WVM_ERR_TRAP);
    cr_assert_geq(err.backtrace_len, 2);
    cr_assert_eq(err.backtrace[0].func_index, 3);
    cr_assert(name_is(err.backtrace[0].name, err.backtrace[0].name_len, "beta"),
              "innermost frame named '%.*s'", (int)err.backtrace[0].name_len,
              err.backtrace[0].name ? err.backtrace[0].name : "");
    cr_assert_eq(err.backtrace[1].func_index, 4);
    cr_assert(name_is(err.backtrace[1].name, err.backtrace[1].name_len, "run"));
    runner_close(&r);
}

Test(instrument, shift_call_indirect_through_element_segment)
{
    wasm_module o, n;
    shift_decode(MOD(shift_call_indirect), &o, &n);
    cr_assert_eq(n.elems[0].count, 4);
    static const uint32_t want[] = {2, 3, 0, 4};
    for (uint32_t i = 0; i < 4; i++)
        cr_assert_eq(n.elems[0].func_indices[i], want[i]);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_call_indirect), "default", cases_shift_call_indirect,
                COUNT(cases_shift_call_indirect), K_IMPORT, NO_START, GAS_FROM_CASES);
}

Test(instrument, shift_keeps_earlier_function_imports)
{
    wasm_module o, n;
    shift_decode(MOD(shift_mixed_imports), &o, &n);
    cr_assert_eq(o.nimports, 4);
    cr_assert_eq(n.nfunc_imports, 3);
    cr_assert(import_is(&n.imports[0], "host", "f"));
    cr_assert(import_is(&n.imports[1], "host", "mem"));
    cr_assert(import_is(&n.imports[2], "host", "g"));
    uint32_t li = last_func_import(&n);
    cr_assert(import_is(&n.imports[li], "env", "gas"));
    cr_assert_eq(n.nmemories, 1);
    cr_assert_eq(n.nglobal_imports, 1);
    /* a (defined 0) calls host.g (1, unchanged); run (defined 1) calls hf (0) and a (2 -> 3) */
    ASSERT_REFS(refs_without(body_refs(&n, 0, 0x10), 2), "calls of a", 1);
    ASSERT_REFS(refs_without(body_refs(&n, 1, 0x10), 2), "calls of run", 0, 3);
    cr_assert_eq(find_export(&n, "run")->index, 4);
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_mixed_imports), "default", cases_shift_mixed_imports,
                COUNT(cases_shift_mixed_imports), K_IMPORT, NO_START, GAS_FROM_CASES);
}

/* References to function 127 become 128: their LEB128 encodings grow by a byte. */
Test(instrument, shift_across_the_leb128_boundary)
{
    wasm_module o, n;
    shift_decode(MOD(shift_many), &o, &n);
    cr_assert_eq(find_export(&n, "f127")->index, 128);
    cr_assert_eq(find_export(&n, "call127")->index, 133);
    static const uint32_t want[] = {127, 128, 131};
    for (uint32_t i = 0; i < 3; i++)
        cr_assert_eq(n.elems[0].func_indices[i], want[i]);
    /* call127 is defined function 131 */
    ASSERT_REFS(refs_without(body_refs(&n, 131, 0x10), 1), "calls of call127", 128);
    assert_func_name(&n, 128, "f127");
    loader_free(&o);
    loader_free(&n);
    check_cases(MOD(shift_many), "default", cases_shift_many, COUNT(cases_shift_many),
                K_IMPORT, NO_START, GAS_FROM_CASES);
}

/* A module without functions is instrumented into a valid module, which instantiates. */
Test(instrument, module_without_functions)
{
    check_structure(MOD(empty));
    check_cases(MOD(empty), "default", NULL, 0, K_ALL, NO_START, GAS_FROM_CASES);
}

Test(instrument, custom_gas_import_names)
{
    wasm_module o, n;
    wvm_instrument_options opts;
    wvm_instrument_options_default(&opts);
    opts.gas_module = "metering";
    opts.gas_name = "charge";
    decode_valid(MOD(shift_call), &o);
    instrument_decode(MOD(shift_call), &opts, &n);
    check_import_shift(&o, &n, "metering", "charge");
    for (uint32_t i = 0; i < n.nimports; i++)
        cr_assert(!import_is(&n.imports[i], "env", "gas"), "env.gas imported anyway");
    loader_free(&o);
    loader_free(&n);

    /* Runs with only metering.charge defined. */
    runner r;
    runner_open_named(&r, RUN_IMPORT, NULL, "metering", "charge");
    runner_load_instrumented(&r, MOD(shift_call), &opts);
    runner_instantiate_ok(&r);
    uint64_t spent;
    cr_assert_eq(runner_call_i32_ok(&r, "run", 5, &spent), 318);
    cr_assert_eq(spent, 13);
    runner_close(&r);
}

/* A module importing env.gas with another type may be instrumented under another gas name:
 * its own env.gas import stays function 0. */
Test(instrument, custom_gas_name_beside_a_foreign_env_gas)
{
    wvm_instrument_options opts;
    wvm_instrument_options_default(&opts);
    opts.gas_name = "gas2";
    wasm_module o, n;
    decode_valid(MOD(gas_import_i32), &o);
    instrument_decode(MOD(gas_import_i32), &opts, &n);
    check_import_shift(&o, &n, "env", "gas2");
    cr_assert(import_is(&n.imports[0], "env", "gas"));
    loader_free(&o);
    loader_free(&n);

    runner r;
    runner_open_named(&r, RUN_IMPORT, NULL, "env", "gas2");
    runner_define(&r, "env", "gas", &t_i32_void, host_nop, (void *)&t_i32_void);
    runner_load_instrumented(&r, MOD(gas_import_i32), &opts);
    runner_instantiate_ok(&r);
    uint64_t spent;
    cr_assert_eq(runner_call_i32_ok(&r, "run", 5, &spent), 6);
    /* entry + i32.const, call, local.get, i32.const, i32.add */
    cr_assert_eq(spent, 6);
    runner_close(&r);
}
