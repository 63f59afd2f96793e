/* Criterion suite `instrument`: wvm_instrument (include/wvm.h) and the two metering modes
 * built on it, WVM_METER_INSTRUMENT and WVM_METER_PREMETERED.
 *
 *   - Index shifting of the import backend, one test per place a function index appears
 *     (call, ref.func, exports, element segments of both encodings and every mode, the start
 *     function, global initialisers, the name section, call_indirect through a table), each
 *     checked on the decoded output (loader/module.h) and by running it.
 *   - Gas amounts, computed by hand (docs/fuel.md), against native metering: for every call
 *     from the host, gas charged == native fuel - wvm_cost_model_host_entry.
 *   - The global backend, dynamic costs (growth, bulk operations in and out of bounds,
 *     dropped segments, custom models), the refusal cases, round trips, and the two engines.
 *
 * The modules are the .wat files of tests/data/instrument, assembled into
 * tests/data/instrument/modules.inc (arrays inst_<file name>) by
 * tests/data/instrument/gen.sh. tests/data/fuel_*.wasm and examples/fib.wasm are read from
 * the project root (where `make unit` runs), for their fuel already computed by hand in
 * tests/test_fuel.c.
 *
 * How a module is run: a "runner" is an engine, a store, a linker with the host functions
 * below, and one instance. IMPORT runs the import-backend output on an unmetered engine with
 * a host gas function summing its arguments; GLOBAL runs the global-backend output on an
 * unmetered engine and reads the exported global; NATIVE runs the original module with
 * WVM_METER_NATIVE (the reference); ENGINE runs the original with WVM_METER_INSTRUMENT;
 * PREMETERED runs the import-backend output with WVM_METER_PREMETERED.
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
#include "../loader/opcodes.h"
#include "../loader/reader.h"

#include "data/instrument/modules.inc"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MOD(name) inst_##name, sizeof inst_##name

/* The gas left given to the global backend's global for runs that must not run out. */
#define GLOBAL_BUDGET (UINT64_C(1) << 62)

/* ---- host functions ---- */

/* What env.gas (or a renamed gas import) has received. */
typedef struct {
    uint64_t sum;           /* modulo 2^64 */
    uint64_t calls;
} gas_meter;

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
static const wvm_valkind k_i64[] = {WVM_I64};
static const wvm_functype t_i32_i32 = {1, 1, k_i32, k_i32};
static const wvm_functype t_void_i32 = {0, 1, NULL, k_i32};
static const wvm_functype t_i64_void = {1, 0, k_i64, NULL};
static const wvm_functype t_i32_void = {1, 0, k_i32, NULL};

/* ---- cost models ---- */

/* "default" / "uniform" (or NULL: default) name a preset; anything else is cost-model text
 * (docs/cost-model.md). */
static wvm_cost_model *model_make(const char *spec)
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

/* Every operator and every scalar charge 0. */
#define MODEL_ZERO "* 0\ncall_entry 0\nhost_entry 0\nbulk_unit 0\ngrow_page 0\n"
/* The default model without dynamic costs. */
#define MODEL_NO_DYNAMIC "bulk_unit 0\ngrow_page 0\n"
/* Large dynamic costs: per byte / element 10^6, per page the largest accepted (2^32 - 1). */
#define MODEL_BIG_DYNAMIC "bulk_unit 1000000\ngrow_page 4294967295\n"

/* ---- instrumenting and decoding ---- */

static void decode_ok(const uint8_t *bytes, size_t size, wasm_module *m)
{
    wasm_error e;
    wasm_error_clear(&e);
    cr_assert_eq(loader_decode(bytes, size, m, &e), WASM_OK, "decode: %s at 0x%zx", e.message,
                 e.offset);
}

/* Decodes and validates (loader_validate) bytes into m. */
static void decode_valid(const uint8_t *bytes, size_t size, wasm_module *m)
{
    decode_ok(bytes, size, m);
    wasm_error e;
    wasm_error_clear(&e);
    cr_assert_eq(loader_validate(m, &e), WASM_OK,
                 "instrumented output is invalid: %s at 0x%zx (function %u)", e.message,
                 e.offset, e.func_index);
}

/* Instruments wasm with opts (NULL: defaults) and checks the output is a valid module, by
 * loader_validate and by wvm_module_validate. The caller frees the result. */
static uint8_t *instrument_ok(const uint8_t *wasm, size_t size,
                              const wvm_instrument_options *opts, size_t *out_size)
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

/* Options with the given model (borrowed) and backend, the other fields defaults. */
static wvm_instrument_options opts_with(const wvm_cost_model *model, wvm_gas_backend backend)
{
    wvm_instrument_options o;
    wvm_instrument_options_default(&o);
    o.cost_model = model;
    o.backend = backend;
    if (backend == WVM_GAS_GLOBAL)
        o.gas_global_init = GLOBAL_BUDGET;
    return o;
}

/* Instruments with the import backend (default names) and decodes the output into m. */
static void instrument_decode(const uint8_t *wasm, size_t size,
                              const wvm_instrument_options *opts, wasm_module *m)
{
    size_t n;
    uint8_t *out = instrument_ok(wasm, size, opts, &n);
    decode_ok(out, n, m); /* m keeps its own copy of the bytes */
    free(out);
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

#define MAX_REFS 64

/* The references of one opcode in a body, as a list. */
typedef struct {
    uint32_t v[MAX_REFS];
    size_t n;
} ref_list;

static ref_list body_refs(const wasm_module *m, uint32_t defined, uint8_t opcode)
{
    ref_list l;
    const wasm_func *f = &m->funcs[defined];
    l.n = code_refs(f->code, f->code_len, opcode, l.v, MAX_REFS);
    return l;
}

static ref_list expr_refs(const wasm_constexpr *e)
{
    ref_list l;
    l.n = code_refs(e->code, e->len, 0xD2, l.v, MAX_REFS);
    return l;
}

/* Removes every occurrence of value from l. */
static ref_list refs_without(ref_list l, uint32_t value)
{
    ref_list r = {.n = 0};
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i] != value)
            r.v[r.n++] = l.v[i];
    return r;
}

/* Keeps the values below limit. */
static ref_list refs_below(ref_list l, uint32_t limit)
{
    ref_list r = {.n = 0};
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i] < limit)
            r.v[r.n++] = l.v[i];
    return r;
}

static void assert_refs(ref_list got, const uint32_t *want, size_t nwant, const char *what)
{
    cr_assert_eq(got.n, nwant, "%s: %zu references, expected %zu", what, got.n, nwant);
    for (size_t i = 0; i < nwant; i++)
        cr_assert_eq(got.v[i], want[i], "%s: reference %zu is %u, expected %u", what, i,
                     got.v[i], want[i]);
}

#define ASSERT_REFS(got, what, ...)                                                        \
    do {                                                                                   \
        const uint32_t want_[] = {__VA_ARGS__};                                     \
        assert_refs(got, want_, COUNT(want_), what);                                       \
    } while (0)

/* ---- the name section's indirect maps (subsection 2 locals, 3 labels) ---- */

typedef struct {
    uint32_t func, index;
    const char *name;
    uint32_t len;
} name_entry;

#define MAX_NAMES 64

typedef struct {
    name_entry e[MAX_NAMES];
    size_t n;
    bool present;
} name_map;

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

/* The indirect name map of subsection `sub` of m's name section. */
static name_map names_indirect(const wasm_module *m, uint8_t sub)
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

static const name_entry *names_find(const name_map *map, uint32_t func, uint32_t index)
{
    for (size_t i = 0; i < map->n; i++)
        if (map->e[i].func == func && map->e[i].index == index)
            return &map->e[i];
    return NULL;
}

static bool name_is(const char *name, uint32_t len, const char *want)
{
    return name && len == strlen(want) && !memcmp(name, want, len);
}

static void assert_func_name(const wasm_module *m, uint32_t index, const char *want)
{
    uint32_t len;
    const char *name = wasm_module_func_name(m, index, &len);
    cr_assert(name_is(name, len, want), "function %u is named '%.*s', expected '%s'", index,
              name ? (int)len : 6, name ? name : "(none)", want);
}

/* ---- structural checks of the two backends ---- */

static bool import_is(const wasm_import *imp, const char *module, const char *name)
{
    return name_is(imp->module, imp->module_len, module) &&
           name_is(imp->name, imp->name_len, name);
}

/* Index of the last function import of m among its imports (UINT32_MAX: none). */
static uint32_t last_func_import(const wasm_module *m)
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

/* Checks every place of n, the import-backend output for o, against o: the gas import
 * gas_module.gas_name (i64)->() is the last function import, at index o->nfunc_imports;
 * the other imports are unchanged and in order; every function index k of o is shifted(k)
 * in n (bodies, exports, start, element segments, global initialisers, function and local
 * names). */
static void check_import_shift(const wasm_module *o, const wasm_module *n,
                               const char *gas_module, const char *gas_name)
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

/* Checks n, the global-backend output for o: no import added, every index of o unchanged,
 * one function and one global added after o's, the mutable i64 global exported as
 * `global_name`, o's exports kept, bodies calling only o's functions and the new one. */
static void check_global_noshift(const wasm_module *o, const wasm_module *n,
                                 const char *global_name)
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

/* Instruments wasm with each backend (default options) and runs the structural check. */
static void check_structure(const uint8_t *wasm, size_t size)
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

/* ---- running modules ---- */

typedef enum {
    RUN_NATIVE,     /* the original module, WVM_METER_NATIVE: the reference */
    RUN_IMPORT,     /* import-backend output, unmetered engine, host env.gas summing */
    RUN_GLOBAL,     /* global-backend output, unmetered engine, gas read from the global */
    RUN_ENGINE,     /* the original module, WVM_METER_INSTRUMENT */
    RUN_PREMETERED, /* import-backend output, WVM_METER_PREMETERED */
    RUN_KINDS
} run_kind;

#define K_IMPORT (1u << RUN_IMPORT)
#define K_GLOBAL (1u << RUN_GLOBAL)
#define K_ENGINE (1u << RUN_ENGINE)
#define K_PREMETERED (1u << RUN_PREMETERED)
#define K_ALL (K_IMPORT | K_GLOBAL | K_ENGINE | K_PREMETERED)

static const char *const run_kind_names[RUN_KINDS] = {"native", "import backend",
                                                      "global backend", "instrument engine",
                                                      "premetered engine"};

/* An engine, a store, a linker with the host functions, and at most one instance. */
typedef struct {
    run_kind kind;
    wvm_engine *engine;
    wvm_store *store;
    wvm_linker *linker;
    wvm_module *module;
    wvm_instance *inst;
    gas_meter meter;            /* RUN_IMPORT: what env.gas received */
    const char *global_name;    /* RUN_GLOBAL: the gas global's export */
    uint64_t global_init;       /* RUN_GLOBAL: its initial value */
} runner;

static void runner_define(runner *r, const char *module, const char *name,
                          const wvm_functype *type, wvm_host_callback cb, void *env)
{
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_linker_define_func(r->linker, r->store, module, name, type, cb, env, NULL,
                                        &err),
                 WVM_OK, "define %s.%s: %s", module, name, err.message);
}

/* Defines a host gas function module.name (param i64) summing into r->meter. */
static void runner_define_gas(runner *r, const char *module, const char *name)
{
    runner_define(r, module, name, &t_i64_void, host_gas, &r->meter);
}

/* Opens a runner of the given kind with model (borrowed; copied by the engine). The linker
 * defines host.f, host.g, host.mem (1 page, byte 0 = 9), host.glob (i32 7), env.triple,
 * env.charge, env.reenter; and for RUN_IMPORT only, gas_module.gas_name (param i64). */
static void runner_open_named(runner *r, run_kind kind, const wvm_cost_model *model,
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

static void runner_open(runner *r, run_kind kind, const wvm_cost_model *model)
{
    runner_open_named(r, kind, model, "env", "gas");
}

static void runner_close(runner *r)
{
    wvm_module_delete(r->module);
    wvm_linker_delete(r->linker);
    wvm_store_delete(r->store);
    wvm_engine_delete(r->engine);
    memset(r, 0, sizeof *r);
}

static void runner_load(runner *r, const uint8_t *bytes, size_t size)
{
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_module_new(r->engine, bytes, size, &r->module, &err);
    cr_assert_eq(st, WVM_OK, "%s: wvm_module_new: status %d: %s", run_kind_names[r->kind],
                 (int)st, err.message);
}

static wvm_global *runner_gas_global(runner *r)
{
    wvm_global *g = wvm_instance_global(r->inst, r->global_name);
    cr_assert_not_null(g, "no exported global '%s'", r->global_name);
    return g;
}

static uint64_t global_u64(const wvm_global *g)
{
    wvm_val v;
    memset(&v, 0, sizeof v);
    wvm_global_get(g, &v);
    cr_assert_eq(v.kind, WVM_I64);
    return (uint64_t)v.of.i64;
}

static void global_set_u64(wvm_global *g, uint64_t value)
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

/* Instantiates r->module (all the fuel there is); *spent is what instantiation cost. */
static wvm_status runner_instantiate(runner *r, uint64_t *spent, wvm_error *err)
{
    memset(err, 0, sizeof *err);
    if (r->kind != RUN_IMPORT && r->kind != RUN_GLOBAL)
        wvm_store_set_fuel(r->store, UINT64_MAX);
    uint64_t before = runner_counter(r);
    wvm_status st = wvm_linker_instantiate(r->linker, r->store, r->module, &r->inst, err);
    *spent = st == WVM_OK || r->kind != RUN_GLOBAL ? runner_counter(r) - before : 0;
    return st;
}

static void runner_instantiate_ok(runner *r)
{
    uint64_t spent;
    wvm_error err;
    wvm_status st = runner_instantiate(r, &spent, &err);
    cr_assert_eq(st, WVM_OK, "%s: instantiate: status %d: %s", run_kind_names[r->kind],
                 (int)st, err.message);
}

static wvm_func *runner_func(runner *r, const char *name)
{
    wvm_func *f = wvm_instance_func(r->inst, name);
    cr_assert_not_null(f, "%s: no exported function '%s'", run_kind_names[r->kind], name);
    return f;
}

/* Calls f with all the fuel there is (metered engines) or GLOBAL_BUDGET gas (the global
 * backend); *spent is what the call cost by r's counter. */
static wvm_status runner_call_func(runner *r, wvm_func *f, const wvm_val *args, size_t nargs,
                                   wvm_val *results, size_t nresults, uint64_t *spent,
                                   wvm_error *err)
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

/* Calls export name with i32 arguments and at most one i32 result. */
static wvm_status runner_call(runner *r, const char *name, const int32_t *args, size_t nargs,
                              size_t nresults, int32_t *result, uint64_t *spent,
                              wvm_error *err)
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

/* Opens a runner of kind for wasm: the output of wvm_instrument for the two backends and
 * PREMETERED, the module itself for NATIVE and ENGINE; loaded, not instantiated. */
static void runner_open_module(runner *r, run_kind kind, const wvm_cost_model *model,
                               const uint8_t *wasm, size_t size)
{
    runner_open(r, kind, model);
    if (kind == RUN_NATIVE || kind == RUN_ENGINE) {
        runner_load(r, wasm, size);
        return;
    }
    wvm_instrument_options opts =
        opts_with(model, kind == RUN_GLOBAL ? WVM_GAS_GLOBAL : WVM_GAS_IMPORT);
    size_t n;
    uint8_t *out = instrument_ok(wasm, size, &opts, &n);
    runner_load(r, out, n);
    free(out);
}

/* ---- comparing runs ---- */

/* One call of an export, with i32 arguments and at most one i32 result. */
typedef struct {
    const char *name;
    uint32_t nargs;
    int32_t args[3];
    uint32_t nresults;      /* 0 or 1 */
    int32_t result;         /* when it completes */
    wvm_trap_code trap;     /* WVM_TRAP_NONE: it completes */
    uint64_t gas;           /* by hand: the native fuel minus the host entry; or GAS_ANY */
} icase;

#define GAS_ANY UINT64_MAX
/* start_gas of check_cases: no start function; a start function of unchecked gas */
#define NO_START UINT64_MAX
#define START_ANY (UINT64_MAX - 1)

/* Gas expectations of check_cases: the cases' own, or 0 for every call. */
typedef enum { GAS_FROM_CASES, GAS_ALL_ZERO } gas_rule;

/* Runs wasm under the model (a preset name or cost text) natively and as each kind of
 * `kinds`, calling the cases in order in every runner (each has its own store, so the calls
 * see the effects of the earlier ones). Every call must give the expected result or trap in
 * every runner; the native fuel minus the host entry must be the expected gas (checking the
 * hand computation against native metering); the backends must charge exactly that, the
 * two engines exactly the native fuel. start_gas is the start function's gas (NO_START: no
 * start function; START_ANY: not computed), compared the same way at instantiation. */
static void check_cases(const uint8_t *wasm, size_t size, const char *model_spec,
                        const icase *cases, size_t ncases, unsigned kinds, uint64_t start_gas,
                        gas_rule rule)
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

/* ---- the cases, with their gas under `default` computed by hand ----
 *
 * Under `default` a function's first metered block includes its call entry (1); `block`,
 * `loop`, `end`, `else`, `drop`, `nop`, `unreachable` and `return` cost 0, every other
 * operator 1; a host function costs only its call. The gas is the native fuel minus the host
 * entry (2). Below, "entry" is the call entry of the exported function. */

#define OK1(name, a0, res, gas) {name, 1, {a0}, 1, res, WVM_TRAP_NONE, gas}
#define OK2(name, a0, a1, res, gas) {name, 2, {a0, a1}, 1, res, WVM_TRAP_NONE, gas}
#define TRAP2(name, a0, a1, trap, gas) {name, 2, {a0, a1}, 1, 0, trap, gas}

/* run: entry + local.get, call, call, call = 5; a and b: entry + local.get, i32.const,
 * i32.add/mul = 4 each; host.f 0. 13. */
static const icase cases_shift_call[] = {
    OK1("run", 5, 318, 13),
    OK1("run", 0, 303, 13),
};

/* run: entry + 2 x (i32.const, ref.func, table.set) + local.get, i32.const, call_indirect,
 * i32.const, call_indirect = 12; a 4, host.f 0. 16. */
static const icase cases_shift_reffunc[] = {
    OK1("run", 5, 106, 16),
};

static const icase cases_shift_export[] = {
    OK1("a", 5, 6, 4),
    OK1("b", 5, 15, 4),
};

/* calli / calli0: entry + local.get, local.get, call_indirect = 4, + the callee (4, or 0 for
 * the host function), also when call_indirect traps. init: entry + 3 i32.const + table.init
 * = 5, + 2 elements. */
static const icase cases_shift_elem_funcs[] = {
    OK2("calli", 5, 0, 6, 8),
    OK2("calli", 5, 1, 105, 4),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli", 5, 6, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
    {"init", 0, {0}, 0, 0, WVM_TRAP_NONE, 7},
    OK2("calli", 5, 2, 15, 8),
    OK2("calli", 5, 3, 3, 8),
    OK2("calli0", 5, 0, 3, 8),
    OK2("calli0", 5, 1, 6, 8),
};

/* As cases_shift_elem_funcs; init copies 2 elements to slots 3 and 4. */
static const icase cases_shift_elem_exprs[] = {
    OK2("calli", 5, 0, 6, 8),
    OK2("calli", 5, 1, 105, 4),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli", 5, 3, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    {"init", 0, {0}, 0, 0, WVM_TRAP_NONE, 7},
    OK2("calli", 5, 3, 15, 8),
    OK2("calli", 5, 4, 3, 8),
    TRAP2("calli", 5, 5, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    OK2("calli1", 5, 0, 3, 8),
    OK2("calli1", 5, 1, 15, 8),
    TRAP2("calli1", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli1", 5, 3, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
};

/* The start function: entry + i32.const, call, global.set = 4. */
#define SHIFT_START_GAS 4

/* call_gb: entry + i32.const, global.get, table.set, local.get, i32.const, call_indirect = 7,
 * + b 4. */
static const icase cases_shift_global[] = {
    OK1("call_gb", 5, 15, 11),
};

/* run: entry + local.get, call, local.get, i32.const, call, i32.add = 7; alpha: entry +
 * local.get, call, local.set, local.get, i32.const, i32.add = 7; beta: entry + local.get,
 * i32.eqz, if = 4, then (y != 0) local.get, local.get, i32.mul = 3. 21. With v = 0 beta
 * traps in its then-arm (unreachable costs 0): 7 + 7 + 4 = 18. */
static const icase cases_shift_names[] = {
    OK1("run", 5, 111, 21),
    {"run", 1, {0}, 1, 0, WVM_TRAP_UNREACHABLE, 18},
};

/* dispatch: entry + local.get, local.get, call_indirect = 4, + the callee. */
static const icase cases_shift_call_indirect[] = {
    OK2("dispatch", 5, 0, 6, 8),
    OK2("dispatch", 5, 1, 15, 8),
    OK2("dispatch", 5, 2, 105, 4),
    OK2("dispatch", 5, 3, 3, 8),
    TRAP2("dispatch", 5, 4, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
    TRAP2("dispatch", 5, -1, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
};

/* run: entry + local.get, call, call, i32.const, i32.load8_u, i32.add = 7; a: entry +
 * local.get, call, i32.add, global.get, i32.add = 6. run(5) = (105 + 42 + 7) + 9. */
static const icase cases_shift_mixed_imports[] = {
    OK1("run", 5, 163, 13),
};

/* gas_ops under `default`:
 * sumsq(n): entry 1; each iteration: local.get, i32.eqz, br_if (3) + local.get, local.get,
 *   call, i32.add, local.set (5) + local.get, i32.const, i32.sub, local.set (4) + br (1) + sq
 *   (entry + local.get, local.get, i32.mul = 4) = 17; the exit test 3; local.get 1. 5 + 17n.
 * classify(x): entry + local.get, br_table = 3; x = 0: i32.const, local.set, br (3); x = 1:
 *   i32.const, local.set (2); the first if: local.get, i32.const, i32.gt_u, if (4) + its
 *   then-arm local.get, i32.const, i32.add, local.set (4) when x > 5; the second if: 4 + an
 *   arm of 3. x = 0: 3 + 3 + 4 + 4 + 3 = 17; x = 1: 3 + 2 + 4 + 4 + 3 = 16; x = 7: 3 + 4 + 4
 *   + 4 + 3 = 18; x = 2: 3 + 4 + 4 + 3 = 14.
 * countdown(n): entry 1; each iteration: local.get, i32.const, i32.add, local.set (4) +
 *   local.get, i32.const, i32.eq, br_if (4) + local.get, i32.const, i32.sub, local.tee, br_if
 *   (5) = 13; local.get 1. 2 + 13n; n = 100 leaves in the first iteration after 8: 10.
 * div(x): entry + i32.const, local.get, i32.div_u, i32.const, i32.add = 6, all paid on entry
 *   to the block, also when the division traps. */
static const icase cases_gas_ops_default[] = {
    OK1("sumsq", 0, 0, 5),
    OK1("sumsq", 3, 14, 56),
    OK1("sumsq", 10, 385, 175),
    OK1("classify", 0, 9, 17),
    OK1("classify", 1, 21, 16),
    OK1("classify", 7, 101, 18),
    OK1("classify", 2, -1, 14),
    OK1("countdown", 4, 4, 54),
    OK1("countdown", 1, 1, 15),
    OK1("countdown", 100, 1, 10),
    OK1("div", 4, 26, 6),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 6},
};

/* gas_ops under `uniform` (every operator 1, no entry or dynamic costs; gas = native fuel):
 * sumsq(n): block, loop (2) + 17n (sq: 3 operators + end) + exit test 3 + local.get, end
 *   (2) = 7 + 17n.
 * classify(x): block x 3, local.get, br_table (5); x = 0: i32.const, local.set, br (3);
 *   x = 1: i32.const, local.set, end of $b2 (3); the first if: 4 + its end (1, on both
 *   paths) + 4 when taken; the second if: 4 + 3 + the else (then-arm) or the end (else-arm)
 *   1; the final end 1. x = 0: 5 + 3 + 5 + 8 + 1 = 22; x = 1: 5 + 3 + 5 + 8 + 1 = 22; x = 7:
 *   5 + 9 + 8 + 1 = 23; x = 2: 5 + 5 + 8 + 1 = 19.
 * countdown(n): block, loop (2) + 13n + end of loop, end of block (2) + local.get, end (2)
 *   = 6 + 13n; n = 100: 2 + 8 + local.get, end = 12.
 * div(x): 5 operators + end = 6. */
static const icase cases_gas_ops_uniform[] = {
    OK1("sumsq", 0, 0, 7),
    OK1("sumsq", 3, 14, 58),
    OK1("sumsq", 10, 385, 177),
    OK1("classify", 0, 9, 22),
    OK1("classify", 1, 21, 22),
    OK1("classify", 7, 101, 23),
    OK1("classify", 2, -1, 19),
    OK1("countdown", 4, 4, 58),
    OK1("countdown", 1, 1, 19),
    OK1("countdown", 100, 1, 12),
    OK1("div", 4, 26, 6),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 6},
};

/* tests/data/fuel_ops.wasm: the native fuel computed by hand in tests/test_fuel.c, minus the
 * host entry (2 under `default`, 0 under `uniform`). */
#define FUEL_OPS_PATH "tests/data/fuel_ops.wasm"
static const icase cases_fuel_ops_default[] = {
    OK2("straight", 4, 5, 27, 9 - 2),
    OK1("call2", 5, 7, 14 - 2),
    OK2("calli", 5, 0, 6, 10 - 2),
    OK2("calli", 5, 1, 10, 10 - 2),
    OK2("calli", 5, 3, 15, 6 - 2),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 6 - 2),
    TRAP2("calli", 5, 9, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 6 - 2),
    OK1("call_triple", 7, 21, 5 - 2),
    OK1("brif", 1, 1, 6 - 2),
    OK1("brif", 0, 2, 7 - 2),
    OK1("ifelse", 1, 10, 6 - 2),
    OK1("ifelse", 0, 21, 8 - 2),
    OK1("ifbr", 1, 7, 7 - 2),
    OK1("ifbr", 0, 9, 6 - 2),
    OK1("ifonly", 1, 5, 8 - 2),
    OK1("ifonly", 0, 0, 6 - 2),
    OK1("loop", 5, 15, 49 - 2),
    OK1("loop", 1, 1, 13 - 2),
    OK1("while", 4, 8, 55 - 2),
    OK1("while", 0, 0, 7 - 2),
    OK1("brtable_loop", 3, 3, 40 - 2),
    OK1("brtable", 0, 111, 16 - 2),
    OK1("brtable", 1, 110, 12 - 2),
    OK1("brtable", 2, 100, 8 - 2),
    OK1("brtable", 7, 100, 8 - 2),
    OK1("ret", 0, 1, 6 - 2),
    OK1("ret", 1, 2, 8 - 2),
    OK1("div", 2, 11, 9 - 2),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 9 - 2},
    {"unreachable_tail", 0, {0}, 0, 0, WVM_TRAP_UNREACHABLE, 5 - 2},
    {"unreachable_mid", 0, {0}, 1, 0, WVM_TRAP_UNREACHABLE, 5 - 2},
};
static const icase cases_fuel_ops_uniform[] = {
    OK2("straight", 4, 5, 27, 13),
    OK1("call2", 5, 7, 12),
    OK2("calli", 5, 0, 6, 8),
    OK2("calli", 5, 1, 10, 8),
    OK2("calli", 5, 3, 15, 4),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli", 5, 9, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
    OK1("call_triple", 7, 21, 3),
    OK1("brif", 1, 1, 5),
    OK1("brif", 0, 2, 8),
    OK1("ifelse", 1, 10, 5),
    OK1("ifelse", 0, 21, 7),
    OK1("ifbr", 1, 7, 6),
    OK1("ifbr", 0, 9, 8),
    OK1("ifonly", 1, 5, 7),
    OK1("ifonly", 0, 0, 5),
    OK1("loop", 5, 15, 49),
    OK1("loop", 1, 1, 13),
    OK1("while", 4, 8, 55),
    OK1("while", 0, 0, 7),
    OK1("brtable_loop", 3, 3, 40),
    OK1("brtable", 0, 111, 19),
    OK1("brtable", 1, 110, 14),
    OK1("brtable", 2, 100, 9),
    OK1("brtable", 7, 100, 9),
    OK1("ret", 0, 1, 5),
    OK1("ret", 1, 2, 7),
    OK1("div", 2, 11, 8),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 8},
    {"unreachable_tail", 0, {0}, 0, 0, WVM_TRAP_UNREACHABLE, 3},
    {"unreachable_mid", 0, {0}, 1, 0, WVM_TRAP_UNREACHABLE, 4},
};

/* dyn under `default`: every export is one block, entry + its operators, then the dynamic
 * cost (1 per byte, element or page) only once the bounds checks pass; growth is charged
 * per page / element requested, also when it fails.
 * mem_fill / mem_copy / mem_init / tab_copy / tab_init: entry + 3 local.get + the operation
 *   = 5; tab_fill: entry + local.get, ref.func, local.get, table.fill = 5; mem_grow: entry +
 *   local.get, memory.grow = 3; tab_grow: entry + ref.null, local.get, table.grow = 4;
 *   load: entry + local.get, i32.load8_u = 3; data_drop / elem_drop / pages / tab_size: 2;
 *   tab_is_set: entry + local.get, table.get, ref.is_null, i32.eqz = 5. */
#define CALL3(name, a0, a1, a2, gas) {name, 3, {a0, a1, a2}, 0, 0, WVM_TRAP_NONE, gas}
#define OOB3(name, a0, a1, a2, trap, gas) {name, 3, {a0, a1, a2}, 0, 0, trap, gas}
#define MEM_OOB WVM_TRAP_MEMORY_OUT_OF_BOUNDS
#define TAB_OOB WVM_TRAP_TABLE_OUT_OF_BOUNDS

static const icase cases_dyn_bulk[] = {
    CALL3("mem_fill", 100, 0xAB, 10, 5 + 10),
    OK1("load", 109, 0xAB, 3),
    CALL3("mem_fill", 100, 0xCD, 0, 5),
    OK1("load", 100, 0xAB, 3),
    CALL3("mem_fill", 65536, 1, 0, 5),      /* n = 0 at the end of memory: in bounds */
    CALL3("mem_copy", 200, 100, 10, 5 + 10),
    OK1("load", 209, 0xAB, 3),
    CALL3("mem_init", 300, 2, 5, 5 + 5),
    OK1("load", 300, 'c', 3),
    OK1("load", 304, 'g', 3),
    {"tab_fill", 2, {2, 3}, 0, 0, WVM_TRAP_NONE, 5 + 3},
    OK1("tab_is_set", 4, 1, 5),
    OK1("tab_is_set", 5, 0, 5),
    CALL3("tab_copy", 0, 2, 3, 5 + 3),
    OK1("tab_is_set", 0, 1, 5),
    CALL3("tab_init", 5, 0, 3, 5 + 3),
    OK1("tab_is_set", 7, 1, 5),
};

/* Out of bounds: the trap comes before the dynamic charge, so only the block is paid. */
static const icase cases_dyn_oob[] = {
    OOB3("mem_fill", 65530, 1, 10, MEM_OOB, 5),
    OOB3("mem_fill", 65537, 1, 0, MEM_OOB, 5),
    OOB3("mem_copy", 0, 65530, 10, MEM_OOB, 5),
    OOB3("mem_copy", 65530, 0, 10, MEM_OOB, 5),
    OOB3("mem_init", 0, 5, 4, MEM_OOB, 5),
    OOB3("mem_init", 65535, 0, 2, MEM_OOB, 5),
    {"tab_fill", 2, {6, 5}, 0, 0, TAB_OOB, 5},
    OOB3("tab_copy", 6, 0, 5, TAB_OOB, 5),
    OOB3("tab_init", 0, 1, 3, TAB_OOB, 5),
    OOB3("tab_init", 9, 0, 0, TAB_OOB, 5),
    OK1("load", 65530, 0, 3),               /* nothing was written */
    OK1("tab_is_set", 0, 0, 5),
};

/* After data.drop / elem.drop a segment has length 0: n = 0 at in-bounds offsets succeeds
 * and costs no dynamic charge; n > 0 (or a source offset > 0) traps. */
static const icase cases_dyn_dropped[] = {
    {"data_drop", 0, {0}, 0, 0, WVM_TRAP_NONE, 2},
    CALL3("mem_init", 0, 0, 0, 5),
    CALL3("mem_init", 65536, 0, 0, 5),
    OOB3("mem_init", 0, 0, 1, MEM_OOB, 5),
    OOB3("mem_init", 0, 1, 0, MEM_OOB, 5),
    {"elem_drop", 0, {0}, 0, 0, WVM_TRAP_NONE, 2},
    CALL3("tab_init", 0, 0, 0, 5),
    CALL3("tab_init", 8, 0, 0, 5),
    OOB3("tab_init", 0, 0, 1, TAB_OOB, 5),
    OOB3("tab_init", 0, 1, 0, TAB_OOB, 5),
    {"data_drop", 0, {0}, 0, 0, WVM_TRAP_NONE, 2}, /* dropping again is allowed */
};

/* Memory 1..4 pages, table 8..16 elements. */
static const icase cases_dyn_grow[] = {
    OK1("mem_grow", 2, 1, 3 + 2),
    {"pages", 0, {0}, 1, 3, WVM_TRAP_NONE, 2},
    OK1("mem_grow", 0, 3, 3),
    OK1("mem_grow", 10, -1, 3 + 10),        /* fails, charged all the same */
    OK1("mem_grow", -1, -1, UINT64_C(3) + 4294967295u),
    {"pages", 0, {0}, 1, 3, WVM_TRAP_NONE, 2},
    OK1("tab_grow", 2, 8, 4 + 2),
    {"tab_size", 0, {0}, 1, 10, WVM_TRAP_NONE, 2},
    OK1("tab_grow", 100, -1, 4 + 100),
    OK1("tab_grow", -1, -1, UINT64_C(4) + 4294967295u),
    {"tab_size", 0, {0}, 1, 10, WVM_TRAP_NONE, 2},
    /* the memory has 3 pages now: what was out of bounds is not */
    CALL3("mem_fill", 65530, 1, 10, 5 + 10),
};

/* The same operations without dynamic costs (MODEL_NO_DYNAMIC): only the blocks. */
static const icase cases_dyn_no_dynamic[] = {
    CALL3("mem_fill", 100, 0xAB, 10, 5),
    CALL3("mem_copy", 200, 100, 10, 5),
    CALL3("mem_init", 300, 2, 5, 5),
    OK1("load", 304, 'g', 3),
    {"tab_fill", 2, {2, 3}, 0, 0, WVM_TRAP_NONE, 5},
    CALL3("tab_copy", 0, 2, 3, 5),
    CALL3("tab_init", 5, 0, 3, 5),
    OK1("tab_is_set", 7, 1, 5),
    OOB3("mem_fill", 65530, 1, 10, MEM_OOB, 5),
    OOB3("tab_init", 0, 1, 3, TAB_OOB, 5),
    OK1("mem_grow", 2, 1, 3),
    OK1("mem_grow", -1, -1, 3),
    OK1("tab_grow", 2, 8, 4),
    OK1("tab_grow", -1, -1, 4),
};

/* MODEL_BIG_DYNAMIC: 10^6 per byte or element, 2^32 - 1 per page. */
#define BIG_PAGE UINT64_C(4294967295)
static const icase cases_dyn_big[] = {
    CALL3("mem_fill", 100, 0xAB, 10, 5 + 10 * UINT64_C(1000000)),
    CALL3("mem_copy", 200, 100, 10, 5 + 10 * UINT64_C(1000000)),
    CALL3("mem_init", 300, 2, 5, 5 + 5 * UINT64_C(1000000)),
    {"tab_fill", 2, {2, 3}, 0, 0, WVM_TRAP_NONE, 5 + 3 * UINT64_C(1000000)},
    CALL3("tab_copy", 0, 2, 3, 5 + 3 * UINT64_C(1000000)),
    CALL3("tab_init", 5, 0, 3, 5 + 3 * UINT64_C(1000000)),
    OOB3("mem_fill", 65530, 1, 10, MEM_OOB, 5),
    OOB3("mem_init", 0, 5, 4, MEM_OOB, 5),
    OOB3("tab_copy", 6, 0, 5, TAB_OOB, 5),
    OK1("mem_grow", 2, 1, 3 + 2 * BIG_PAGE),
    OK1("mem_grow", 10, -1, 3 + 10 * BIG_PAGE),
    OK1("tab_grow", 2, 8, 4 + 2 * UINT64_C(1000000)),
    OK1("tab_grow", -1, -1, 4 + BIG_PAGE * UINT64_C(1000000)),
};

/* Alone (fresh stores), since it nearly fills a 64-bit fuel counter: 3 + (2^32 - 1)^2. */
static const icase cases_dyn_big_grow_max[] = {
    OK1("mem_grow", -1, -1, 3 + BIG_PAGE * BIG_PAGE),
};

/* dyn_edge under `default`. The one-block exports of three local.gets and an operation cost
 * 5 (+ the dynamic cost); tab_fill 5 (local.get, ref.null, local.get, table.fill); load 3.
 * next(): entry + global.get, local.set, local.get, i32.const, i32.add, global.set,
 * local.get = 8. fill_effects, copy_effects, tinit_effects: one block of entry + 9 operators
 * = 10, + 2 calls of next (16), + the dynamic cost. grow_in_expr: entry + 6 operators = 7,
 * + next 8 + pages; tgrow_in_expr: entry + 7 = 8, + next 8 + elements. */
static const icase cases_dyn_edge[] = {
    OK1("load", 0, 'x', 3),                        /* the active segment was applied */
    /* dropped at instantiation: only n = 0 at in-bounds offsets, free */
    CALL3("init_active", 0, 0, 0, 5),
    CALL3("init_active", 65536, 0, 0, 5),
    OOB3("init_active", 0, 0, 1, MEM_OOB, 5),
    CALL3("tinit_active", 0, 0, 0, 5),
    OOB3("tinit_active", 0, 0, 1, TAB_OOB, 5),
    CALL3("tinit_declared", 4, 0, 0, 5),
    OOB3("tinit_declared", 0, 0, 1, TAB_OOB, 5),
    CALL3("init_passive", 100, 2, 3, 5 + 3),
    OK1("load", 100, '2', 3),
    CALL3("tinit_passive", 2, 0, 2, 5 + 2),
    /* d + n or s + n beyond 2^32: out of bounds, not wrapped around */
    OOB3("init_passive", 0, -1, 2, MEM_OOB, 5),
    OOB3("init_passive", -2, 0, 5, MEM_OOB, 5),
    OOB3("tinit_passive", 0, -1, 2, TAB_OOB, 5),
    OOB3("tinit_passive", -1, 0, 2, TAB_OOB, 5),
    OOB3("mem_fill", -16, 1, 32, MEM_OOB, 5),
    OOB3("mem_fill", 0, 1, -1, MEM_OOB, 5),
    OOB3("mem_copy", 0, -16, 32, MEM_OOB, 5),
    OOB3("mem_copy", -16, 0, 32, MEM_OOB, 5),
    {"tab_fill", 2, {-1, 2}, 0, 0, TAB_OOB, 5},
    OOB3("tab_copy", -1, 0, 2, TAB_OOB, 5),
    OOB3("tab_copy", 0, -1, 2, TAB_OOB, 5),
    OK1("load", 2, 'z', 3),                        /* nothing written */
    /* operands with side effects, evaluated once: memory.fill(0, 0x77, 10 + 1) */
    OK1("fill_effects", 10, 1002, 10 + 16 + 11),
    OK1("load", 10, 0x77, 3),
    OK1("load", 11, 0, 3),
    /* memory.copy(2, 0, 5 + 3) */
    OK1("copy_effects", 5, 2004, 10 + 16 + 8),
    /* memory.grow(0 + 4) fails (1 + 4 > 4 pages) but is charged; memory.grow(-3 + 5) */
    OK1("grow_in_expr", 0, 999, 7 + 8 + 4),
    OK1("grow_in_expr", -3, 1001, 7 + 8 + 2),
    /* table.grow(ref.func, 0 + 6): 4 -> 10 elements */
    OK1("tgrow_in_expr", 0, 1004, 8 + 8 + 6),
    /* table.init(7, 0, 0 + 8) from a 2-element segment: out of bounds, no dynamic cost */
    {"tinit_effects", 1, {0}, 1, 0, TAB_OOB, 10 + 16},
    /* table.init(9, 0, -9 + 10) */
    OK1("tinit_effects", -9, 3011, 10 + 16 + 1),
    {"counter", 0, {0}, 1, 11, WVM_TRAP_NONE, 2},
};

/* shift_many: call126 / call127: entry + call = 2, + the callee's entry + i32.const 2;
 * calli: entry + local.get, call_indirect = 3, + 2. */
static const icase cases_shift_many[] = {
    {"call126", 0, {0}, 1, 126, WVM_TRAP_NONE, 4},
    {"call127", 0, {0}, 1, 127, WVM_TRAP_NONE, 4},
    {"f127", 0, {0}, 1, 127, WVM_TRAP_NONE, 2},
    OK1("calli", 0, 126, 5),
    OK1("calli", 1, 127, 5),
    OK1("calli", 2, 130, 5),
};

/* Every module with its cases under `default`, for the tests that run them all. */
typedef struct {
    const char *name;
    const uint8_t *wasm;
    size_t size;
    const icase *cases;
    size_t ncases;
    uint64_t start_gas;
} corpus_entry;

#define ENTRY(mod, cases, start) {#mod, MOD(mod), cases, COUNT(cases), start}
static const corpus_entry corpus[] = {
    ENTRY(shift_call, cases_shift_call, NO_START),
    ENTRY(shift_reffunc, cases_shift_reffunc, NO_START),
    ENTRY(shift_export, cases_shift_export, NO_START),
    ENTRY(shift_elem_funcs, cases_shift_elem_funcs, NO_START),
    ENTRY(shift_elem_exprs, cases_shift_elem_exprs, NO_START),
    {"shift_start", MOD(shift_start), NULL, 0, SHIFT_START_GAS},
    ENTRY(shift_global, cases_shift_global, NO_START),
    ENTRY(shift_names, cases_shift_names, NO_START),
    ENTRY(shift_call_indirect, cases_shift_call_indirect, NO_START),
    ENTRY(shift_mixed_imports, cases_shift_mixed_imports, NO_START),
    ENTRY(gas_ops, cases_gas_ops_default, NO_START),
    ENTRY(dyn, cases_dyn_bulk, NO_START),
    ENTRY(dyn, cases_dyn_oob, NO_START),
    ENTRY(dyn, cases_dyn_dropped, NO_START),
    ENTRY(dyn, cases_dyn_grow, NO_START),
    ENTRY(dyn_edge, cases_dyn_edge, NO_START),
    ENTRY(shift_many, cases_shift_many, NO_START),
    {"empty", MOD(empty), NULL, 0, NO_START},
};

/* Runs every corpus entry under `default` as the given kinds. */
static void check_corpus(unsigned kinds)
{
    for (size_t i = 0; i < COUNT(corpus); i++)
        check_cases(corpus[i].wasm, corpus[i].size, "default", corpus[i].cases,
                    corpus[i].ncases, kinds, corpus[i].start_gas, GAS_FROM_CASES);
}

/* Reads a file of the project into a malloc'd buffer. */
static uint8_t *read_file(const char *path, size_t *size)
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

/* ---- import backend: index shifting, one place per test ---- */

/* Decodes the module and its import-backend output (default options), checks every place
 * generically (check_import_shift); the caller checks its own place explicitly, then frees
 * both. */
static void shift_decode(const uint8_t *wasm, size_t size, wasm_module *o, wasm_module *n)
{
    decode_valid(wasm, size, o);
    instrument_decode(wasm, size, NULL, n);
    check_import_shift(o, n, "env", "gas");
}

/* Index of the export called name in m. */
static const wasm_export *find_export(const wasm_module *m, const char *name)
{
    for (uint32_t i = 0; i < m->nexports; i++)
        if (name_is(m->exports[i].name, m->exports[i].name_len, name))
            return &m->exports[i];
    cr_assert_fail("no export '%s'", name);
    return NULL;
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
    int32_t res = 0;
    uint64_t spent;
    wvm_error err;
    int32_t arg = 5;
    cr_assert_eq(runner_call(&r, "hf", &arg, 1, 1, &res, &spent, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res, 105);
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
    size_t size;
    uint8_t *out = instrument_ok(MOD(shift_call), &opts, &size);
    runner_load(&r, out, size);
    free(out);
    runner_instantiate_ok(&r);
    int32_t arg = 5, res = 0;
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_call(&r, "run", &arg, 1, 1, &res, &spent, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res, 318);
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
    size_t size;
    uint8_t *out = instrument_ok(MOD(gas_import_i32), &opts, &size);
    runner_load(&r, out, size);
    free(out);
    runner_instantiate_ok(&r);
    int32_t arg = 5, res = 0;
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_call(&r, "run", &arg, 1, 1, &res, &spent, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res, 6);
    /* entry + i32.const, call, local.get, i32.const, i32.add */
    cr_assert_eq(spent, 6);
    runner_close(&r);
}

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

/* ---- dynamic costs ---- */

Test(instrument, dynamic_bulk_in_bounds)
{
    check_cases(MOD(dyn), "default", cases_dyn_bulk, COUNT(cases_dyn_bulk), K_IMPORT, NO_START,
                GAS_FROM_CASES);
}

Test(instrument, dynamic_bulk_out_of_bounds_charges_only_the_block)
{
    check_cases(MOD(dyn), "default", cases_dyn_oob, COUNT(cases_dyn_oob), K_IMPORT, NO_START,
                GAS_FROM_CASES);
}

Test(instrument, dynamic_dropped_segments)
{
    check_cases(MOD(dyn), "default", cases_dyn_dropped, COUNT(cases_dyn_dropped), K_IMPORT,
                NO_START, GAS_FROM_CASES);
}

Test(instrument, dynamic_growth_charged_as_requested)
{
    check_cases(MOD(dyn), "default", cases_dyn_grow, COUNT(cases_dyn_grow), K_IMPORT, NO_START,
                GAS_FROM_CASES);
}

Test(instrument, dynamic_edges)
{
    check_cases(MOD(dyn_edge), "default", cases_dyn_edge, COUNT(cases_dyn_edge), K_IMPORT,
                NO_START, GAS_FROM_CASES);
}

Test(instrument, dynamic_units_zero)
{
    check_cases(MOD(dyn), MODEL_NO_DYNAMIC, cases_dyn_no_dynamic, COUNT(cases_dyn_no_dynamic),
                K_IMPORT | K_GLOBAL, NO_START, GAS_FROM_CASES);
}

Test(instrument, dynamic_units_large)
{
    check_cases(MOD(dyn), MODEL_BIG_DYNAMIC, cases_dyn_big, COUNT(cases_dyn_big),
                K_IMPORT | K_GLOBAL, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), MODEL_BIG_DYNAMIC, cases_dyn_big_grow_max,
                COUNT(cases_dyn_big_grow_max), K_IMPORT, NO_START, GAS_FROM_CASES);
}

/* The largest units accepted, 2^32 - 1 per byte / element and per page: the largest charges
 * still fit in 64 bits. */
Test(instrument, dynamic_units_at_the_32_bit_limit)
{
    static const char model[] = "bulk_unit 4294967295\ngrow_page 4294967295\n";
    static const icase fill[] = {CALL3("mem_fill", 0, 7, 10, 5 + 10 * BIG_PAGE)};
    static const icase tgrow[] = {OK1("tab_grow", -1, -1, 4 + BIG_PAGE * BIG_PAGE)};
    static const icase mgrow[] = {OK1("mem_grow", -1, -1, 3 + BIG_PAGE * BIG_PAGE)};
    check_cases(MOD(dyn), model, fill, 1, K_IMPORT, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), model, tgrow, 1, K_IMPORT, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), model, mgrow, 1, K_IMPORT, NO_START, GAS_FROM_CASES);
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
    size_t n;
    uint8_t *out = instrument_ok(wasm, size, &opts, &n);
    runner_load(r, out, n);
    free(out);
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

/* ---- refusals ---- */

static void assert_mentions(const wvm_error *err, const char *what)
{
    cr_assert_not_null(strstr(err->message, what), "the message '%s' does not mention '%s'",
                       err->message, what);
}

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
    int32_t arg = 3, res = 0;
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_call(&e, "sumsq", &arg, 1, 1, &res, &spent, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res, 14);
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
    int32_t arg = 1, res = 0;
    uint64_t spent;
    wvm_error err;
    cr_assert_eq(runner_call(&r, "run", &arg, 1, 1, &res, &spent, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(res, 2);
    cr_assert_eq(spent, he + run_gas, "run cost %llu, expected %llu", (unsigned long long)spent,
                 (unsigned long long)(he + run_gas));

    if (has_burn) {
        /* burn(-1): 2^32 - 1, not 2^64 - 1 */
        arg = -1;
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
