/* Shared helpers of the Criterion suite `instrument` (tests/test_instrument_*.c), declared
 * in tests/instrument_support.h, and the test modules: the .wat files of
 * tests/data/instrument, assembled into tests/data/instrument/modules.inc (arrays
 * inst_<file name>, compiled here once) by tests/data/instrument/gen.sh.
 *
 * How a module is run: a "runner" is an engine, a store, a linker with the host functions
 * below, and one instance. IMPORT runs the import-backend output on an unmetered engine with
 * a host gas function summing its arguments; GLOBAL runs the global-backend output on an
 * unmetered engine and reads the exported global; NATIVE runs the original module with
 * WVM_METER_NATIVE (the reference); ENGINE runs the original with WVM_METER_INSTRUMENT;
 * PREMETERED runs the import-backend output with WVM_METER_PREMETERED. check_cases runs a
 * module's calls in several of them and compares their results and costs.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

#include "../loader/binary.h"
#include "../loader/module.h"
#include "../loader/reader.h"

#include "instrument_support.h"

#include "data/instrument/modules.inc"

/* ---- host functions ---- */

/* The gas import of RUN_IMPORT: sums its argument into the gas_meter env. */
static wvm_trap_code host_gas(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    gas_meter *m = env;
    m->sum += (uint64_t)args[0].of.i64;
    m->calls++;
    return WVM_TRAP_NONE;
}

/* host.f(x) = x + 100 */
static wvm_trap_code host_f(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                            void *env)
{
    results[0].kind = WVM_I32;
    results[0].of.i32 = args[0].of.i32 + 100;
    return WVM_TRAP_NONE;
}

/* host.g() = 42 */
static wvm_trap_code host_g(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                            void *env)
{
    results[0].kind = WVM_I32;
    results[0].of.i32 = 42;
    return WVM_TRAP_NONE;
}

/* tests/data/fuel_ops.wasm's imports: env.triple(x) = 3x; env.charge(n) consumes n fuel
 * (wvm_caller_consume_fuel: free without metering) and returns n; env.reenter(x) calls the
 * caller's export "call2" with x through wvm_func_call (a call from the host) and returns
 * its result. */
static wvm_trap_code host_triple(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                 void *env)
{
    results[0].kind = WVM_I32;
    results[0].of.i32 = args[0].of.i32 * 3;
    return WVM_TRAP_NONE;
}

static wvm_trap_code host_charge(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                 void *env)
{
    wvm_trap_code trap = wvm_caller_consume_fuel(caller, (uint32_t)args[0].of.i32);
    if (trap != WVM_TRAP_NONE)
        return trap;
    results[0] = args[0];
    return WVM_TRAP_NONE;
}

static wvm_trap_code host_reenter(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                  void *env)
{
    wvm_extern ext;
    if (!wvm_caller_export(caller, "call2", &ext) || ext.kind != WVM_EXTERN_FUNC)
        return WVM_TRAP_HOST;
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_func_call(wvm_caller_store(caller), ext.of.func, args, 1, results, 1,
                                  &err);
    if (st != WVM_OK)
        return st == WVM_ERR_TRAP ? err.trap : WVM_TRAP_HOST;
    return WVM_TRAP_NONE;
}

static const wvm_valkind k_i32[] = {WVM_I32};
static const wvm_valkind k_i64[] = {WVM_I64};
static const wvm_functype t_i32_i32 = {1, 1, k_i32, k_i32};
static const wvm_functype t_void_i32 = {0, 1, NULL, k_i32};
static const wvm_functype t_i64_void = {1, 0, k_i64, NULL};

/* ---- cost models ---- */

wvm_cost_model *model_make(const char *spec)
{
    if (!spec)
        spec = "default";
    if (!strcmp(spec, "default") || !strcmp(spec, "uniform")) {
        wvm_cost_model *m = wvm_cost_model_preset(spec);
        cr_assert_not_null(m);
        return m;
    }
    wvm_cost_model *m = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_cost_model_parse(spec, strlen(spec), "test", &m, &err), WVM_OK,
                 "cost model: %s", err.message);
    cr_assert_not_null(m);
    return m;
}

/* ---- instrumenting and decoding ---- */

void decode_ok(const uint8_t *bytes, size_t size, wasm_module *m)
{
    wasm_error e;
    wasm_error_clear(&e);
    cr_assert_eq(loader_decode(bytes, size, m, &e), WASM_OK, "decode: %s at 0x%zx", e.message,
                 e.offset);
}

void decode_valid(const uint8_t *bytes, size_t size, wasm_module *m)
{
    decode_ok(bytes, size, m);
    wasm_error e;
    wasm_error_clear(&e);
    cr_assert_eq(loader_validate(m, &e), WASM_OK,
                 "instrumented output is invalid: %s at 0x%zx (function %u)", e.message,
                 e.offset, e.func_index);
}

uint8_t *instrument_ok(const uint8_t *wasm, size_t size, const wvm_instrument_options *opts,
                       size_t *out_size)
{
    uint8_t *out = NULL;
    *out_size = 0;
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_instrument(wasm, size, opts, &out, out_size, &err);
    cr_assert_eq(st, WVM_OK, "wvm_instrument: status %d: %s (offset 0x%llx, function %u)",
                 (int)st, err.message, (unsigned long long)err.offset, err.func_index);
    cr_assert_not_null(out);
    cr_assert_gt(*out_size, 8);
    wasm_module m;
    decode_valid(out, *out_size, &m);
    loader_free(&m);
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_module_validate(out, *out_size, &err), WVM_OK, "%s", err.message);
    return out;
}

wvm_instrument_options opts_with(const wvm_cost_model *model, wvm_gas_backend backend)
{
    wvm_instrument_options o;
    wvm_instrument_options_default(&o);
    o.cost_model = model;
    o.backend = backend;
    if (backend == WVM_GAS_GLOBAL)
        o.gas_global_init = GLOBAL_BUDGET;
    return o;
}

void instrument_decode(const uint8_t *wasm, size_t size, const wvm_instrument_options *opts,
                       wasm_module *m)
{
    size_t n;
    uint8_t *out = instrument_ok(wasm, size, opts, &n);
    decode_ok(out, n, m); /* m keeps its own copy of the bytes */
    free(out);
}

void assert_mentions(const wvm_error *err, const char *what)
{
    cr_assert_not_null(strstr(err->message, what), "the message '%s' does not mention '%s'",
                       err->message, what);
}

/* ---- reading function indices out of code ---- */

/* The u32 immediates of every `opcode` (a one-byte opcode with a u32 immediate: call,
 * ref.func) in code[0..len), in order; returns their number. */
static size_t code_refs(const uint8_t *code, uint32_t len, uint8_t opcode, uint32_t *out,
                        size_t max)
{
    wasm_reader r;
    reader_init(&r, code, code, code + len);
    size_t n = 0;
    while (!reader_eof(&r)) {
        const uint8_t *at = r.pos;
        uint32_t op;
        cr_assert(loader_skip_instruction(&r, &op), "cannot skip instruction at +%zu: %s",
                  (size_t)(at - code), r.error ? r.error : "?");
        if (op == opcode) {
            wasm_reader imm;
            uint32_t idx;
            reader_init(&imm, code, at + 1, r.pos);
            cr_assert(reader_u32(&imm, &idx));
            cr_assert_lt(n, max, "too many references");
            out[n++] = idx;
        }
    }
    return n;
}

ref_list body_refs(const wasm_module *m, uint32_t defined, uint8_t opcode)
{
    ref_list l;
    const wasm_func *f = &m->funcs[defined];
    l.n = code_refs(f->code, f->code_len, opcode, l.v, MAX_REFS);
    return l;
}

ref_list expr_refs(const wasm_constexpr *e)
{
    ref_list l;
    l.n = code_refs(e->code, e->len, 0xD2, l.v, MAX_REFS);
    return l;
}

ref_list refs_without(ref_list l, uint32_t value)
{
    ref_list r = {.n = 0};
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i] != value)
            r.v[r.n++] = l.v[i];
    return r;
}

ref_list refs_below(ref_list l, uint32_t limit)
{
    ref_list r = {.n = 0};
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i] < limit)
            r.v[r.n++] = l.v[i];
    return r;
}

void assert_refs(ref_list got, const uint32_t *want, size_t nwant, const char *what)
{
    cr_assert_eq(got.n, nwant, "%s: %zu references, expected %zu", what, got.n, nwant);
    for (size_t i = 0; i < nwant; i++)
        cr_assert_eq(got.v[i], want[i], "%s: reference %zu is %u, expected %u", what, i,
                     got.v[i], want[i]);
}

/* ---- the name section's indirect maps (subsection 2 locals, 3 labels) ---- */

static uint32_t leb_u32(const uint8_t **p, const uint8_t *end)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        cr_assert_lt(*p, end, "name section: truncated LEB128");
        uint8_t b = *(*p)++;
        v |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
    }
    cr_assert_fail("name section: LEB128 too long");
    return 0;
}

name_map names_indirect(const wasm_module *m, uint8_t sub)
{
    name_map map = {.n = 0, .present = false};
    for (uint32_t c = 0; c < m->ncustoms; c++) {
        const wasm_custom *cs = &m->customs[c];
        if (cs->name_len != 4 || memcmp(cs->name, "name", 4))
            continue;
        const uint8_t *p = cs->data, *end = cs->data + cs->len;
        while (p < end) {
            uint8_t id = *p++;
            uint32_t size = leb_u32(&p, end);
            const uint8_t *sub_end = p + size;
            cr_assert_leq(sub_end, end);
            if (id == sub) {
                map.present = true;
                uint32_t nf = leb_u32(&p, sub_end);
                for (uint32_t i = 0; i < nf; i++) {
                    uint32_t func = leb_u32(&p, sub_end);
                    uint32_t nn = leb_u32(&p, sub_end);
                    for (uint32_t j = 0; j < nn; j++) {
                        cr_assert_lt(map.n, MAX_NAMES);
                        name_entry *e = &map.e[map.n++];
                        e->func = func;
                        e->index = leb_u32(&p, sub_end);
                        e->len = leb_u32(&p, sub_end);
                        e->name = (const char *)p;
                        p += e->len;
                        cr_assert_leq(p, sub_end);
                    }
                }
            }
            p = sub_end;
        }
    }
    return map;
}

const name_entry *names_find(const name_map *map, uint32_t func, uint32_t index)
{
    for (size_t i = 0; i < map->n; i++)
        if (map->e[i].func == func && map->e[i].index == index)
            return &map->e[i];
    return NULL;
}

bool name_is(const char *name, uint32_t len, const char *want)
{
    return name && len == strlen(want) && !memcmp(name, want, len);
}

/* ---- structural checks of the two backends ---- */

bool import_is(const wasm_import *imp, const char *module, const char *name)
{
    return name_is(imp->module, imp->module_len, module) &&
           name_is(imp->name, imp->name_len, name);
}

uint32_t last_func_import(const wasm_module *m)
{
    uint32_t last = UINT32_MAX;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WASM_EXTERN_FUNC)
            last = i;
    return last;
}

static bool functype_is(const wasm_module *m, uint32_t type, uint32_t nparams,
                        const uint8_t *params, uint32_t nresults)
{
    cr_assert_lt(type, m->ntypes);
    const wasm_functype *t = &m->types[type];
    return t->nparams == nparams && t->nresults == nresults &&
           (!nparams || !memcmp(t->types, params, nparams));
}

/* The function index of o in the instrumented module n of the import backend. */
static uint32_t shifted(const wasm_module *o, uint32_t k)
{
    return k < o->nfunc_imports ? k : k + 1;
}

static ref_list refs_shifted(const wasm_module *o, ref_list l)
{
    for (size_t i = 0; i < l.n; i++)
        l.v[i] = shifted(o, l.v[i]);
    return l;
}

static void assert_same_refs(ref_list got, ref_list want, const char *what, uint32_t which)
{
    cr_assert_eq(got.n, want.n, "%s %u: %zu references, expected %zu", what, which, got.n,
                 want.n);
    for (size_t i = 0; i < want.n; i++)
        cr_assert_eq(got.v[i], want.v[i], "%s %u: reference %zu is %u, expected %u", what,
                     which, i, got.v[i], want.v[i]);
}

void check_import_shift(const wasm_module *o, const wasm_module *n, const char *gas_module,
                        const char *gas_name)
{
    const uint32_t gas = o->nfunc_imports;

    /* imports */
    cr_assert_eq(n->nimports, o->nimports + 1, "one import added");
    cr_assert_eq(n->nfunc_imports, o->nfunc_imports + 1);
    uint32_t li = last_func_import(n);
    cr_assert_neq(li, UINT32_MAX);
    const wasm_import *g = &n->imports[li];
    cr_assert(import_is(g, gas_module, gas_name), "the last function import is %.*s.%.*s",
              (int)g->module_len, g->module, (int)g->name_len, g->name);
    static const uint8_t i64[] = {WASM_I64};
    cr_assert(functype_is(n, g->desc.func_type, 1, i64, 0), "the gas import's type");
    cr_assert(functype_is(n, n->func_types[gas], 1, i64, 0),
              "function %u (the gas import) is not (i64) -> ()", gas);
    for (uint32_t i = 0, j = 0; i < o->nimports; i++, j++) {
        if (j == li)
            j++;
        const wasm_import *a = &o->imports[i], *b = &n->imports[j];
        cr_assert_eq(a->kind, b->kind, "import %u", i);
        cr_assert(a->module_len == b->module_len && !memcmp(a->module, b->module, a->module_len)
                      && a->name_len == b->name_len && !memcmp(a->name, b->name, a->name_len),
                  "import %u renamed or reordered", i);
    }
    for (uint32_t k = 0; k < o->nfuncs_total; k++)
        cr_assert(wasm_functype_equal(&o->types[o->func_types[k]],
                                      &n->types[n->func_types[shifted(o, k)]]),
                  "function %u changed type", k);

    /* bodies: calls and ref.func, the original locals kept as a prefix */
    cr_assert_eq(n->nfuncs, o->nfuncs);
    cr_assert_eq(n->nfuncs_total, o->nfuncs_total + 1);
    for (uint32_t i = 0; i < o->nfuncs; i++) {
        uint32_t k = o->nfunc_imports + i;
        assert_same_refs(refs_without(body_refs(n, i, 0x10), gas),
                         refs_shifted(o, body_refs(o, i, 0x10)), "calls of function", k);
        assert_same_refs(body_refs(n, i, 0xD2), refs_shifted(o, body_refs(o, i, 0xD2)),
                         "ref.func of function", k);
        cr_assert_geq(n->funcs[i].nlocals, o->funcs[i].nlocals);
        cr_assert(!o->funcs[i].nlocals || !memcmp(n->funcs[i].local_types,
                                                  o->funcs[i].local_types,
                                                  o->funcs[i].nlocals),
                  "function %u: its locals changed", k);
    }

    /* exports */
    cr_assert_eq(n->nexports, o->nexports);
    for (uint32_t i = 0; i < o->nexports; i++) {
        const wasm_export *a = &o->exports[i], *b = &n->exports[i];
        cr_assert(a->name_len == b->name_len && !memcmp(a->name, b->name, a->name_len));
        cr_assert_eq(a->kind, b->kind);
        uint32_t want = a->kind == WASM_EXTERN_FUNC ? shifted(o, a->index) : a->index;
        cr_assert_eq(b->index, want, "export '%.*s' has index %u, expected %u",
                     (int)a->name_len, a->name, b->index, want);
    }

    /* start */
    cr_assert_eq(n->has_start, o->has_start);
    if (o->has_start)
        cr_assert_eq(n->start, shifted(o, o->start), "start %u, expected %u", n->start,
                     shifted(o, o->start));

    /* element segments */
    cr_assert_eq(n->nelems, o->nelems);
    for (uint32_t s = 0; s < o->nelems; s++) {
        const wasm_elem *a = &o->elems[s], *b = &n->elems[s];
        cr_assert_eq(a->mode, b->mode, "segment %u changed mode", s);
        cr_assert_eq(a->count, b->count);
        cr_assert_eq(!a->func_indices, !b->func_indices, "segment %u changed encoding", s);
        for (uint32_t i = 0; i < a->count; i++) {
            if (a->func_indices) {
                cr_assert_eq(b->func_indices[i], shifted(o, a->func_indices[i]),
                             "segment %u item %u: %u, expected %u", s, i, b->func_indices[i],
                             shifted(o, a->func_indices[i]));
            } else {
                assert_same_refs(expr_refs(&b->exprs[i]),
                                 refs_shifted(o, expr_refs(&a->exprs[i])),
                                 "element segment expression of segment", s);
            }
        }
    }

    /* globals: o's keep their indices (the instrumenter may add its own after them) */
    cr_assert_eq(n->nglobal_imports, o->nglobal_imports);
    cr_assert_geq(n->nglobals, o->nglobals);
    for (uint32_t k = 0; k < o->nglobals_total; k++)
        cr_assert(n->global_types[k].valtype == o->global_types[k].valtype &&
                      n->global_types[k].mutable_ == o->global_types[k].mutable_,
                  "global %u changed", k);
    for (uint32_t i = 0; i < o->nglobals; i++)
        assert_same_refs(expr_refs(&n->globals[i].init),
                         refs_shifted(o, expr_refs(&o->globals[i].init)),
                         "initialiser of defined global", i);

    /* names */
    cr_assert_eq(n->module_name_len, o->module_name_len);
    for (uint32_t i = 0; i < o->nfunc_names; i++) {
        const wasm_funcname *fn = &o->func_names[i];
        uint32_t len;
        const char *name = wasm_module_func_name(n, shifted(o, fn->index), &len);
        cr_assert(name && len == fn->name_len && !memcmp(name, fn->name, len),
                  "function %u's name '%.*s' is not at index %u", fn->index,
                  (int)fn->name_len, fn->name, shifted(o, fn->index));
    }
    for (uint8_t sub = 2; sub <= 3; sub++) {
        name_map a = names_indirect(o, sub), b = names_indirect(n, sub);
        cr_assert_eq(b.present, a.present, "name subsection %u", sub);
        for (size_t i = 0; i < a.n; i++) {
            const name_entry *e = names_find(&b, shifted(o, a.e[i].func), a.e[i].index);
            cr_assert(e && e->len == a.e[i].len && !memcmp(e->name, a.e[i].name, e->len),
                      "name subsection %u: function %u entry %u '%.*s' is not at function "
                      "%u", sub, a.e[i].func, a.e[i].index, (int)a.e[i].len, a.e[i].name,
                      shifted(o, a.e[i].func));
        }
    }
}

void check_global_noshift(const wasm_module *o, const wasm_module *n, const char *global_name)
{
    cr_assert_eq(n->nimports, o->nimports, "the global backend adds no import");
    cr_assert_eq(n->nfunc_imports, o->nfunc_imports);
    cr_assert_eq(n->nfuncs_total, o->nfuncs_total + 1, "one function added");
    /* the gas global, and possibly globals of the instrumenter's own, after o's */
    cr_assert_gt(n->nglobals_total, o->nglobals_total, "no global added");
    for (uint32_t k = 0; k < o->nglobals_total; k++)
        cr_assert(n->global_types[k].valtype == o->global_types[k].valtype &&
                      n->global_types[k].mutable_ == o->global_types[k].mutable_,
                  "global %u changed", k);
    for (uint32_t k = 0; k < o->nfuncs_total; k++)
        cr_assert(wasm_functype_equal(&o->types[o->func_types[k]],
                                      &n->types[n->func_types[k]]),
                  "function %u changed type", k);
    const uint32_t added = o->nfuncs_total;
    for (uint32_t i = 0; i < o->nfuncs; i++) {
        uint32_t k = o->nfunc_imports + i;
        ref_list calls = body_refs(n, i, 0x10);
        assert_same_refs(refs_below(calls, added), body_refs(o, i, 0x10), "calls of function",
                         k);
        for (size_t c = 0; c < calls.n; c++)
            cr_assert_leq(calls.v[c], added, "function %u calls %u", k, calls.v[c]);
        assert_same_refs(body_refs(n, i, 0xD2), body_refs(o, i, 0xD2), "ref.func of function",
                         k);
    }
    cr_assert_eq(n->nexports, o->nexports + 1, "one export added");
    for (uint32_t i = 0; i < o->nexports; i++) {
        const wasm_export *a = &o->exports[i];
        bool found = false;
        for (uint32_t j = 0; j < n->nexports && !found; j++) {
            const wasm_export *b = &n->exports[j];
            if (a->name_len == b->name_len && !memcmp(a->name, b->name, a->name_len)) {
                found = true;
                cr_assert_eq(b->kind, a->kind);
                cr_assert_eq(b->index, a->index, "export '%.*s' moved from %u to %u",
                             (int)a->name_len, a->name, a->index, b->index);
            }
        }
        cr_assert(found, "export '%.*s' lost", (int)a->name_len, a->name);
    }
    bool found = false;
    for (uint32_t j = 0; j < n->nexports; j++) {
        const wasm_export *b = &n->exports[j];
        if (name_is(b->name, b->name_len, global_name)) {
            found = true;
            cr_assert_eq(b->kind, WASM_EXTERN_GLOBAL, "'%s' is not a global", global_name);
            cr_assert_lt(b->index, n->nglobals_total);
            cr_assert_eq(n->global_types[b->index].valtype, WASM_I64);
            cr_assert(n->global_types[b->index].mutable_, "'%s' is immutable", global_name);
        }
    }
    cr_assert(found, "no export '%s'", global_name);
    cr_assert_eq(n->has_start, o->has_start);
    if (o->has_start)
        cr_assert_eq(n->start, o->start);
    cr_assert_eq(n->nelems, o->nelems);
    for (uint32_t s = 0; s < o->nelems; s++)
        for (uint32_t i = 0; i < o->elems[s].count; i++) {
            if (o->elems[s].func_indices)
                cr_assert_eq(n->elems[s].func_indices[i], o->elems[s].func_indices[i]);
            else
                assert_same_refs(expr_refs(&n->elems[s].exprs[i]),
                                 expr_refs(&o->elems[s].exprs[i]), "segment", s);
        }
    for (uint32_t i = 0; i < o->nglobals; i++)
        assert_same_refs(expr_refs(&n->globals[i].init), expr_refs(&o->globals[i].init),
                         "initialiser of defined global", i);
    for (uint32_t i = 0; i < o->nfunc_names; i++) {
        const wasm_funcname *fn = &o->func_names[i];
        uint32_t len;
        const char *name = wasm_module_func_name(n, fn->index, &len);
        cr_assert(name && len == fn->name_len && !memcmp(name, fn->name, len),
                  "function %u lost its name '%.*s'", fn->index, (int)fn->name_len, fn->name);
    }
}

void check_structure(const uint8_t *wasm, size_t size)
{
    wasm_module o, n;
    decode_valid(wasm, size, &o);
    instrument_decode(wasm, size, NULL, &n);
    check_import_shift(&o, &n, "env", "gas");
    loader_free(&n);
    wvm_instrument_options opts = opts_with(NULL, WVM_GAS_GLOBAL);
    instrument_decode(wasm, size, &opts, &n);
    check_global_noshift(&o, &n, "gas_left");
    loader_free(&n);
    loader_free(&o);
}

const wasm_export *find_export(const wasm_module *m, const char *name)
{
    for (uint32_t i = 0; i < m->nexports; i++)
        if (name_is(m->exports[i].name, m->exports[i].name_len, name))
            return &m->exports[i];
    cr_assert_fail("no export '%s'", name);
    return NULL;
}

/* ---- running modules ---- */

const char *const run_kind_names[RUN_KINDS] = {"native", "import backend", "global backend",
                                               "instrument engine", "premetered engine"};

void runner_define(runner *r, const char *module, const char *name, const wvm_functype *type,
                   wvm_host_callback cb, void *env)
{
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_linker_define_func(r->linker, r->store, module, name, type, cb, env, NULL,
                                        &err),
                 WVM_OK, "define %s.%s: %s", module, name, err.message);
}

void runner_define_gas(runner *r, const char *module, const char *name)
{
    runner_define(r, module, name, &t_i64_void, host_gas, &r->meter);
}

void runner_open_named(runner *r, run_kind kind, const wvm_cost_model *model,
                       const char *gas_module, const char *gas_name)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->global_name = "gas_left";
    r->global_init = GLOBAL_BUDGET;
    wvm_config config;
    wvm_config_default(&config);
    config.metering = kind == RUN_NATIVE       ? WVM_METER_NATIVE
                      : kind == RUN_ENGINE     ? WVM_METER_INSTRUMENT
                      : kind == RUN_PREMETERED ? WVM_METER_PREMETERED
                                               : WVM_METER_OFF;
    config.cost_model = model;
    r->engine = wvm_engine_new(&config);
    cr_assert_not_null(r->engine);
    r->store = wvm_store_new(r->engine, NULL);
    r->linker = wvm_linker_new(r->engine);
    cr_assert_not_null(r->store);
    cr_assert_not_null(r->linker);
    runner_define(r, "host", "f", &t_i32_i32, host_f, NULL);
    runner_define(r, "host", "g", &t_void_i32, host_g, NULL);
    runner_define(r, "env", "triple", &t_i32_i32, host_triple, NULL);
    runner_define(r, "env", "charge", &t_i32_i32, host_charge, NULL);
    runner_define(r, "env", "reenter", &t_i32_i32, host_reenter, NULL);
    wvm_extern ext = {.kind = WVM_EXTERN_MEMORY};
    ext.of.memory = wvm_memory_new(r->store, 1, 1, true);
    cr_assert_not_null(ext.of.memory);
    wvm_memory_data(ext.of.memory)[0] = 9;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_linker_define(r->linker, "host", "mem", &ext, &err), WVM_OK);
    wvm_val seven = {.kind = WVM_I32, .of.i32 = 7};
    ext.kind = WVM_EXTERN_GLOBAL;
    ext.of.global = wvm_global_new(r->store, WVM_I32, false, &seven);
    cr_assert_not_null(ext.of.global);
    cr_assert_eq(wvm_linker_define(r->linker, "host", "glob", &ext, &err), WVM_OK);
    if (kind == RUN_IMPORT)
        runner_define_gas(r, gas_module, gas_name);
}

void runner_open(runner *r, run_kind kind, const wvm_cost_model *model)
{
    runner_open_named(r, kind, model, "env", "gas");
}

void runner_close(runner *r)
{
    wvm_module_delete(r->module);
    wvm_linker_delete(r->linker);
    wvm_store_delete(r->store);
    wvm_engine_delete(r->engine);
    memset(r, 0, sizeof *r);
}

void runner_load(runner *r, const uint8_t *bytes, size_t size)
{
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_module_new(r->engine, bytes, size, &r->module, &err);
    cr_assert_eq(st, WVM_OK, "%s: wvm_module_new: status %d: %s", run_kind_names[r->kind],
                 (int)st, err.message);
}

wvm_global *runner_gas_global(runner *r)
{
    wvm_global *g = wvm_instance_global(r->inst, r->global_name);
    cr_assert_not_null(g, "no exported global '%s'", r->global_name);
    return g;
}

uint64_t global_u64(const wvm_global *g)
{
    wvm_val v;
    memset(&v, 0, sizeof v);
    wvm_global_get(g, &v);
    cr_assert_eq(v.kind, WVM_I64);
    return (uint64_t)v.of.i64;
}

void global_set_u64(wvm_global *g, uint64_t value)
{
    wvm_val v = {.kind = WVM_I64, .of.i64 = (int64_t)value};
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_global_set(g, &v, &err), WVM_OK, "%s", err.message);
}

/* The runner's cost counter: fuel consumed, gas received, or the gas global's deficit. */
static uint64_t runner_counter(runner *r)
{
    switch (r->kind) {
    case RUN_IMPORT:
        return r->meter.sum;
    case RUN_GLOBAL:
        return r->inst ? 0 - global_u64(runner_gas_global(r)) : 0 - r->global_init;
    default:
        return wvm_store_fuel_consumed(r->store);
    }
}

wvm_status runner_instantiate(runner *r, uint64_t *spent, wvm_error *err)
{
    memset(err, 0, sizeof *err);
    if (r->kind != RUN_IMPORT && r->kind != RUN_GLOBAL)
        wvm_store_set_fuel(r->store, UINT64_MAX);
    uint64_t before = runner_counter(r);
    wvm_status st = wvm_linker_instantiate(r->linker, r->store, r->module, &r->inst, err);
    *spent = st == WVM_OK || r->kind != RUN_GLOBAL ? runner_counter(r) - before : 0;
    return st;
}

void runner_instantiate_ok(runner *r)
{
    uint64_t spent;
    wvm_error err;
    wvm_status st = runner_instantiate(r, &spent, &err);
    cr_assert_eq(st, WVM_OK, "%s: instantiate: status %d: %s", run_kind_names[r->kind],
                 (int)st, err.message);
}

wvm_func *runner_func(runner *r, const char *name)
{
    wvm_func *f = wvm_instance_func(r->inst, name);
    cr_assert_not_null(f, "%s: no exported function '%s'", run_kind_names[r->kind], name);
    return f;
}

wvm_status runner_call_func(runner *r, wvm_func *f, const wvm_val *args, size_t nargs,
                            wvm_val *results, size_t nresults, uint64_t *spent, wvm_error *err)
{
    memset(err, 0, sizeof *err);
    if (r->kind == RUN_GLOBAL)
        global_set_u64(runner_gas_global(r), GLOBAL_BUDGET);
    else if (r->kind != RUN_IMPORT)
        wvm_store_set_fuel(r->store, UINT64_MAX);
    uint64_t before = runner_counter(r);
    wvm_status st = wvm_func_call(r->store, f, args, nargs, results, nresults, err);
    *spent = runner_counter(r) - before;
    return st;
}

wvm_status runner_call(runner *r, const char *name, const int32_t *args, size_t nargs,
                       size_t nresults, int32_t *result, uint64_t *spent, wvm_error *err)
{
    wvm_val vals[3], res[1];
    cr_assert_leq(nargs, 3);
    cr_assert_leq(nresults, 1);
    for (size_t i = 0; i < nargs; i++) {
        vals[i].kind = WVM_I32;
        vals[i].of.i32 = args[i];
    }
    memset(res, 0, sizeof res);
    wvm_status st =
        runner_call_func(r, runner_func(r, name), vals, nargs, res, nresults, spent, err);
    if (st == WVM_OK && nresults)
        *result = res[0].of.i32;
    return st;
}

int32_t runner_call_i32_ok(runner *r, const char *name, int32_t arg, uint64_t *spent)
{
    int32_t res = 0;
    wvm_error err;
    cr_assert_eq(runner_call(r, name, &arg, 1, 1, &res, spent, &err), WVM_OK, "%s(%d): %s",
                 name, arg, err.message);
    return res;
}

void runner_load_instrumented(runner *r, const uint8_t *wasm, size_t size,
                              const wvm_instrument_options *opts)
{
    size_t n;
    uint8_t *out = instrument_ok(wasm, size, opts, &n);
    runner_load(r, out, n);
    free(out);
}

void runner_open_module(runner *r, run_kind kind, const wvm_cost_model *model,
                        const uint8_t *wasm, size_t size)
{
    runner_open(r, kind, model);
    if (kind == RUN_NATIVE || kind == RUN_ENGINE) {
        runner_load(r, wasm, size);
        return;
    }
    wvm_instrument_options opts =
        opts_with(model, kind == RUN_GLOBAL ? WVM_GAS_GLOBAL : WVM_GAS_IMPORT);
    runner_load_instrumented(r, wasm, size, &opts);
}

/* ---- comparing runs ---- */

void check_cases(const uint8_t *wasm, size_t size, const char *model_spec, const icase *cases,
                 size_t ncases, unsigned kinds, uint64_t start_gas, gas_rule rule)
{
    wvm_cost_model *model = model_make(model_spec);
    const char *mname = model_spec && strlen(model_spec) < 16 ? model_spec : "custom";
    const uint64_t he = wvm_cost_model_host_entry(model);
    runner rs[RUN_KINDS];
    kinds |= 1u << RUN_NATIVE;
    uint64_t native_start = 0;
    for (int k = 0; k < RUN_KINDS; k++) { /* RUN_NATIVE first */
        if (!(kinds & (1u << k)))
            continue;
        runner_open_module(&rs[k], (run_kind)k, model, wasm, size);
        uint64_t spent;
        wvm_error err;
        wvm_status st = runner_instantiate(&rs[k], &spent, &err);
        cr_assert_eq(st, WVM_OK, "%s/%s: instantiate: status %d: %s", run_kind_names[k], mname,
                     (int)st, err.message);
        uint64_t want;
        if (k == RUN_NATIVE) {
            native_start = spent;
            if (start_gas == START_ANY)
                continue;
            want = rule == GAS_ALL_ZERO || start_gas == NO_START ? 0 : he + start_gas;
        } else if (k == RUN_IMPORT || k == RUN_GLOBAL) {
            want = start_gas == NO_START ? 0 : native_start - he;
        } else {
            want = native_start;
        }
        cr_assert_eq(spent, want, "%s/%s: instantiation cost %llu, expected %llu",
                     run_kind_names[k], mname, (unsigned long long)spent,
                     (unsigned long long)want);
    }
    for (size_t i = 0; i < ncases; i++) {
        const icase *c = &cases[i];
        char label[96];
        snprintf(label, sizeof label, "%s(%d, %d, %d) [case %zu, %s]", c->name, c->args[0],
                 c->args[1], c->args[2], i, mname);
        uint64_t native_spent = 0;
        for (int k = 0; k < RUN_KINDS; k++) {
            if (!(kinds & (1u << k)))
                continue;
            int32_t result = 0;
            uint64_t spent = 0;
            wvm_error err;
            wvm_status st = runner_call(&rs[k], c->name, c->args, c->nargs, c->nresults,
                                        &result, &spent, &err);
            if (c->trap == WVM_TRAP_NONE) {
                cr_assert_eq(st, WVM_OK, "%s: %s: status %d: %s", run_kind_names[k], label,
                             (int)st, err.message);
                if (c->nresults)
                    cr_assert_eq(result, c->result, "%s: %s = %d, expected %d",
                                 run_kind_names[k], label, result, c->result);
            } else {
                cr_assert_eq(st, WVM_ERR_TRAP, "%s: %s must trap (status %d)",
                             run_kind_names[k], label, (int)st);
                cr_assert_eq(err.trap, c->trap, "%s: %s: trap '%s', expected '%s'",
                             run_kind_names[k], label, wvm_trap_name(err.trap),
                             wvm_trap_name(c->trap));
            }
            if (k == RUN_NATIVE) {
                native_spent = spent;
                uint64_t want = rule == GAS_ALL_ZERO ? 0 : c->gas;
                cr_assert_geq(spent, he, "native: %s", label);
                if (want != GAS_ANY)
                    cr_assert_eq(spent - he, want,
                                 "native: %s: fuel %llu - host entry %llu != %llu computed "
                                 "by hand (the test's computation or native metering is "
                                 "wrong)",
                                 label, (unsigned long long)spent, (unsigned long long)he,
                                 (unsigned long long)want);
            } else {
                uint64_t want = k == RUN_ENGINE || k == RUN_PREMETERED ? native_spent
                                                                       : native_spent - he;
                cr_assert_eq(spent, want,
                             "%s: %s cost %llu, expected %llu (native fuel %llu, host entry "
                             "%llu)",
                             run_kind_names[k], label, (unsigned long long)spent,
                             (unsigned long long)want, (unsigned long long)native_spent,
                             (unsigned long long)he);
            }
        }
    }
    for (int k = 0; k < RUN_KINDS; k++)
        if (kinds & (1u << k))
            runner_close(&rs[k]);
    wvm_cost_model_delete(model);
}

/* ---- files ---- */

uint8_t *read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s: the unit tests run from the project root", path);
    cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
    long len = ftell(fp);
    cr_assert_gt(len, 8);
    cr_assert_eq(fseek(fp, 0, SEEK_SET), 0);
    uint8_t *bytes = malloc((size_t)len);
    cr_assert_not_null(bytes);
    cr_assert_eq(fread(bytes, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *size = (size_t)len;
    return bytes;
}
