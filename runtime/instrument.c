/* The instrumenter's module level (see instrument.h): builds the output module around the
 * rewritten bodies and encodes it, and the public wvm_instrument.
 *
 * The output module is the input's wasm_module with some arrays replaced (the encoder reads
 * only the fields loader/encode.h lists): a type (i64) -> () if the module has none, the gas
 * import (import backend) or the gas global, its export and the gas function (global
 * backend), one i32 global per dropped segment that bulk charges must track, and, with the
 * import backend, every function index outside code shifted past the new import.
 */
#include "instrument.h"

#include <stdlib.h>
#include <string.h>

#include "../loader/binary.h"
#include "../loader/encode.h"
#include "../loader/reader.h"
#include "../vm/vm.h"
#include "rt.h"

/* Allocations that live until the output is encoded. */
typedef struct {
    void **ptrs;
    size_t len, cap;
    bool oom;
} arena;

static void *arena_alloc(arena *a, size_t size)
{
    if (a->oom)
        return NULL;
    if (a->len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void **p = realloc(a->ptrs, cap * sizeof *p);
        if (!p) {
            a->oom = true;
            return NULL;
        }
        a->ptrs = p;
        a->cap = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        a->oom = true;
        return NULL;
    }
    a->ptrs[a->len++] = p;
    return p;
}

static void *arena_copy(arena *a, const void *src, size_t size)
{
    void *p = arena_alloc(a, size);
    if (p && size)
        memcpy(p, src, size);
    return p;
}

/* Hands a writer's bytes over to the arena. */
static uint8_t *arena_take(arena *a, wasm_writer *w, size_t *len)
{
    uint8_t *p = arena_copy(a, w->data, w->len);
    *len = w->len;
    if (w->oom)
        a->oom = true;
    writer_free(w);
    return p;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->len; i++)
        free(a->ptrs[i]);
    free(a->ptrs);
}

/* ---- gas imports ---- */

uint32_t rt_instr_find_gas_import(const wasm_module *m)
{
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasm_import *imp = &m->imports[i];
        if (imp->kind != WASM_EXTERN_FUNC)
            continue;
        bool env_gas = rt_name_is(imp->module, imp->module_len, "env") &&
                       rt_name_is(imp->name, imp->name_len, "gas");
        bool usegas = rt_name_is(imp->module, imp->module_len, "metering") &&
                      rt_name_is(imp->name, imp->name_len, "usegas");
        const wasm_functype *t = &m->types[imp->desc.func_type];
        if (!(env_gas || usegas) || t->nparams != 1 || t->nresults != 0)
            continue;
        if (t->types[0] == WASM_I64 || (usegas && t->types[0] == WASM_I32))
            return i;
    }
    return UINT32_MAX;
}

/* ---- refusals ---- */

static wasm_status check_meterable(const wasm_module *m, const rt_instr_options *o,
                                   wasm_error *err)
{
    if (!o->global_backend) {
        for (uint32_t i = 0; i < m->nimports; i++) {
            const wasm_import *imp = &m->imports[i];
            if (rt_name_is(imp->module, imp->module_len, o->gas_module) &&
                rt_name_is(imp->name, imp->name_len, o->gas_name))
                return wasm_error_set(err, WASM_ERR_UNSUPPORTED, imp->offset, WASM_NO_FUNC,
                                      "cannot instrument: the module already imports "
                                      "\"%s\" \"%s\" (import %u), the gas function's name: "
                                      "it is already metered, or would call the meter itself",
                                      o->gas_module, o->gas_name, i);
        }
    } else {
        for (uint32_t i = 0; i < m->nexports; i++) {
            const wasm_export *e = &m->exports[i];
            if (rt_name_is(e->name, e->name_len, o->gas_global))
                return wasm_error_set(err, WASM_ERR_UNSUPPORTED, e->offset, WASM_NO_FUNC,
                                      "cannot instrument: the module already exports \"%s\" "
                                      "(export %u), the gas global's name",
                                      o->gas_global, i);
        }
    }
    return WASM_OK;
}

/* ---- function indices outside code ---- */

/* A copy of constant expression e with ref.func indices shifted (e itself when nothing
 * moves). */
static wasm_status shift_constexpr(const rt_instr_ctx *c, arena *a, wasm_constexpr *e,
                                   wasm_error *err)
{
    if (c->shift_from == UINT32_MAX)
        return WASM_OK;
    wasm_writer w;
    writer_init(&w);
    wasm_reader r;
    reader_init(&r, c->m->bytes, e->code, e->code + e->len);
    while (!reader_eof(&r)) {
        const uint8_t *start = r.pos;
        uint32_t op;
        if (!loader_skip_instruction(&r, &op)) {
            writer_free(&w);
            return loader_reader_status(&r, c->m->size, err);
        }
        if (op == WASM_OP_ref_func) {
            wasm_reader imm;
            uint32_t index = 0;
            reader_init(&imm, c->m->bytes, start + 1, r.pos);
            reader_u32(&imm, &index);
            writer_u8(&w, *start);
            writer_u32(&w, rt_instr_func_index(c, index));
        } else {
            writer_bytes(&w, start, (size_t)(r.pos - start));
        }
    }
    size_t len;
    const uint8_t *code = arena_take(a, &w, &len);
    e->code = code;
    e->len = (uint32_t)len;
    return WASM_OK;
}

/* Name subsections that map function indices (the outer index of 2 and 3). */
enum { NAME_FUNCTIONS = 1, NAME_LOCALS = 2, NAME_LABELS = 3 };

/* Copies a name map entry's name: u32 length, bytes. */
static bool copy_name(wasm_reader *r, wasm_writer *w)
{
    uint32_t len;
    const uint8_t *p;
    if (!reader_u32(r, &len) || !reader_bytes(r, len, &p))
        return false;
    writer_u32(w, len);
    writer_bytes(w, p, len);
    return true;
}

/* Rewrites a `name` section's contents with function indices shifted into w. False when it
 * is malformed (it is then left out, as a malformed custom section may be ignored). */
static bool shift_names(const rt_instr_ctx *c, const wasm_custom *cs, wasm_writer *w)
{
    wasm_reader r;
    reader_init(&r, cs->data, cs->data, cs->data + cs->len);
    while (!reader_eof(&r)) {
        uint8_t id;
        uint32_t size;
        const uint8_t *body;
        if (!reader_u8(&r, &id) || !reader_u32(&r, &size) || !reader_bytes(&r, size, &body))
            return false;
        writer_u8(w, id);
        if (id != NAME_FUNCTIONS && id != NAME_LOCALS && id != NAME_LABELS) {
            writer_u32(w, size);
            writer_bytes(w, body, size);
            continue;
        }
        wasm_writer sub;
        writer_init(&sub);
        wasm_reader s;
        reader_init(&s, body, body, body + size);
        uint32_t n = 0;
        bool ok = reader_u32(&s, &n);
        writer_u32(&sub, n);
        for (uint32_t i = 0; ok && i < n; i++) {
            uint32_t index = 0;
            ok = reader_u32(&s, &index);
            writer_u32(&sub, rt_instr_func_index(c, index));
            if (ok && id == NAME_FUNCTIONS) {
                ok = copy_name(&s, &sub);
                continue;
            }
            uint32_t inner = 0;
            ok = ok && reader_u32(&s, &inner);
            writer_u32(&sub, inner);
            for (uint32_t j = 0; ok && j < inner; j++) {
                uint32_t local = 0; /* or label: the inner indices do not move */
                ok = reader_u32(&s, &local);
                writer_u32(&sub, local);
                ok = ok && copy_name(&s, &sub);
            }
        }
        ok = ok && reader_eof(&s);
        if (!ok || sub.oom) {
            writer_free(&sub);
            return false;
        }
        writer_u32(w, (uint32_t)sub.len);
        writer_bytes(w, sub.data, sub.len);
        writer_free(&sub);
    }
    return true;
}

/* ---- the output module ---- */

/* The index of a type (i64) -> () in m, or m->ntypes when it has none. */
static uint32_t find_gas_type(const wasm_module *m)
{
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const wasm_functype *t = &m->types[i];
        if (t->nparams == 1 && t->nresults == 0 && t->types[0] == WASM_I64)
            return i;
    }
    return m->ntypes;
}

/* The global backend's gas function: subtracts its argument from the gas global, or sets the
 * global to all ones and traps when the argument exceeds it. */
static const uint8_t *gas_function_code(arena *a, uint32_t global, uint32_t *len)
{
    wasm_writer w;
    writer_init(&w);
    writer_u8(&w, 0x23); /* global.get $gas_left */
    writer_u32(&w, global);
    writer_u8(&w, 0x20); /* local.get $charge */
    writer_u32(&w, 0);
    writer_u8(&w, 0x54); /* i64.lt_u */
    writer_u8(&w, 0x04); /* if */
    writer_u8(&w, 0x40);
    writer_u8(&w, 0x42); /* i64.const -1 */
    writer_s64(&w, -1);
    writer_u8(&w, 0x24); /* global.set $gas_left */
    writer_u32(&w, global);
    writer_u8(&w, 0x00); /* unreachable */
    writer_u8(&w, 0x0B); /* end */
    writer_u8(&w, 0x23); /* global.get $gas_left */
    writer_u32(&w, global);
    writer_u8(&w, 0x20); /* local.get $charge */
    writer_u32(&w, 0);
    writer_u8(&w, 0x7D); /* i64.sub */
    writer_u8(&w, 0x24); /* global.set $gas_left */
    writer_u32(&w, global);
    writer_u8(&w, 0x0B); /* end */
    size_t n;
    const uint8_t *code = arena_take(a, &w, &n);
    *len = (uint32_t)n;
    return code;
}

/* A constant expression `i32.const v end` or `i64.const v end`. */
static wasm_constexpr const_expr(arena *a, uint8_t type, int64_t v)
{
    wasm_writer w;
    writer_init(&w);
    writer_u8(&w, type == WASM_I64 ? 0x42 : 0x41);
    writer_s64(&w, v);
    writer_u8(&w, 0x0B);
    size_t n;
    wasm_constexpr e = {0};
    e.code = arena_take(a, &w, &n);
    e.len = (uint32_t)n;
    return e;
}

/* Everything the output needs besides the bodies. */
typedef struct {
    const rt_instr_options *o;
    rt_instr_ctx ctx;
    wasm_module out;        /* starts as a shallow copy of the input */
    arena a;
    loader_func_override *overrides;
    rt_instr_body *bodies;
} instrumenter;

static wasm_status nomem(wasm_error *err)
{
    return wasm_error_set(err, WASM_ERR_NOMEM, 0, WASM_NO_FUNC, "out of memory");
}

static bool has_passive_segment(const wasm_module *m)
{
    for (uint32_t i = 0; i < m->ndatas; i++)
        if (m->datas[i].mode == WASM_SEGMENT_PASSIVE)
            return true;
    for (uint32_t i = 0; i < m->nelems; i++)
        if (m->elems[i].mode == WASM_SEGMENT_PASSIVE)
            return true;
    return false;
}

/* Adds one i32 global per passive segment that is both dropped and initialised from (its
 * length then depends on whether the drop ran), recording their indices in the context. */
static wasm_status add_live_globals(instrumenter *in, uint32_t *nglobals, wasm_global *globals,
                                    wasm_error *err)
{
    const wasm_module *m = in->ctx.m;
    rt_instr_segment_use use = {
        .data_dropped = arena_alloc(&in->a, m->ndatas),
        .data_inited = arena_alloc(&in->a, m->ndatas),
        .elem_dropped = arena_alloc(&in->a, m->nelems),
        .elem_inited = arena_alloc(&in->a, m->nelems),
    };
    uint32_t *data_live = arena_alloc(&in->a, m->ndatas * sizeof *data_live);
    uint32_t *elem_live = arena_alloc(&in->a, m->nelems * sizeof *elem_live);
    if (in->a.oom)
        return nomem(err);
    /* Only passive segments are tracked, and only when bulk operations are charged: without
     * them, what the bodies do with segments does not matter (and `use` stays all false). */
    if (in->o->costs->bulk_unit && has_passive_segment(m)) {
        wasm_status st = rt_instr_scan(m, &use, err);
        if (st != WASM_OK)
            return st;
    }
    for (uint32_t i = 0; i < m->ndatas + m->nelems; i++) {
        bool data = i < m->ndatas;
        uint32_t k = data ? i : i - m->ndatas;
        bool tracked = data ? m->datas[k].mode == WASM_SEGMENT_PASSIVE && use.data_dropped[k] &&
                                  use.data_inited[k]
                            : m->elems[k].mode == WASM_SEGMENT_PASSIVE && use.elem_dropped[k] &&
                                  use.elem_inited[k];
        uint32_t index = RT_INSTR_NO_GLOBAL;
        if (tracked && in->o->costs->bulk_unit) {
            index = m->nglobals_total + (*nglobals - m->nglobals);
            globals[(*nglobals)++] =
                (wasm_global){{WASM_I32, true}, const_expr(&in->a, WASM_I32, 1)};
        }
        (data ? data_live : elem_live)[k] = index;
    }
    in->ctx.data_live = data_live;
    in->ctx.elem_live = elem_live;
    return in->a.oom ? nomem(err) : WASM_OK;
}

/* Rewrites every body (charge sites from the translator's metered blocks). */
static wasm_status rewrite_bodies(instrumenter *in, wasm_error *err)
{
    const wasm_module *m = in->ctx.m;
    vm_translate_opts topts = {VM_METER_BLOCKS, in->o->costs, VM_NO_GAS_FUNC, vm_scratch_new()};
    if (!topts.scratch)
        return nomem(err);
    wasm_status st = WASM_OK;
    for (uint32_t i = 0; i < m->nfuncs; i++) {
        vm_code *code = NULL;
        st = vm_translate_ex(m, m->nfunc_imports + i, &topts, &code, err);
        if (st != WASM_OK)
            break;
        st = rt_instrument_body(&in->ctx, i, code->charges, code->ncharges, &in->bodies[i], err);
        vm_code_free(code);
        if (st != WASM_OK)
            break;
        in->overrides[i] = (loader_func_override){
            .code = in->bodies[i].code,
            .code_len = (uint32_t)in->bodies[i].code_len,
            .extra_locals = in->bodies[i].extra_locals,
            .nextra_locals = in->bodies[i].nextra_locals,
        };
    }
    vm_scratch_free(topts.scratch);
    return st;
}

/* Shifts the function indices of exports, element segments, global initialisers, the
 * start function and the name section (import backend). */
static wasm_status shift_outside_code(instrumenter *in, wasm_error *err)
{
    const rt_instr_ctx *c = &in->ctx;
    wasm_module *out = &in->out;
    wasm_status st;
    for (uint32_t i = 0; i < out->nexports; i++)
        if (out->exports[i].kind == WASM_EXTERN_FUNC)
            out->exports[i].index = rt_instr_func_index(c, out->exports[i].index);
    for (uint32_t i = 0; i < out->nglobals; i++)
        if ((st = shift_constexpr(c, &in->a, &out->globals[i].init, err)) != WASM_OK)
            return st;
    for (uint32_t i = 0; i < out->nelems; i++) {
        wasm_elem *e = &out->elems[i];
        if (e->mode == WASM_SEGMENT_ACTIVE &&
            (st = shift_constexpr(c, &in->a, &e->offset, err)) != WASM_OK)
            return st;
        if (e->func_indices) {
            uint32_t *idx = arena_copy(&in->a, e->func_indices, e->count * sizeof *idx);
            if (!idx)
                return nomem(err);
            for (uint32_t k = 0; k < e->count; k++)
                idx[k] = rt_instr_func_index(c, idx[k]);
            e->func_indices = idx;
        }
        if (e->exprs) {
            wasm_constexpr *ex = arena_copy(&in->a, e->exprs, e->count * sizeof *ex);
            if (!ex)
                return nomem(err);
            e->exprs = ex;
            for (uint32_t k = 0; k < e->count; k++)
                if ((st = shift_constexpr(c, &in->a, &ex[k], err)) != WASM_OK)
                    return st;
        }
    }
    for (uint32_t i = 0; i < out->ndatas; i++)
        if (out->datas[i].mode == WASM_SEGMENT_ACTIVE &&
            (st = shift_constexpr(c, &in->a, &out->datas[i].offset, err)) != WASM_OK)
            return st;
    if (out->has_start)
        out->start = rt_instr_func_index(c, out->start);

    /* The name section: shifted, or left out when malformed. */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < out->ncustoms; i++) {
        wasm_custom cs = out->customs[i];
        if (rt_name_is(cs.name, cs.name_len, "name")) {
            wasm_writer w;
            writer_init(&w);
            if (!shift_names(c, &cs, &w)) {
                writer_free(&w);
                continue;
            }
            size_t len;
            cs.data = arena_take(&in->a, &w, &len);
            cs.len = (uint32_t)len;
        }
        out->customs[kept++] = cs;
    }
    out->ncustoms = kept;
    return in->a.oom ? nomem(err) : WASM_OK;
}

/* Copies array `src` of n elements into the arena with room for `extra` more. */
static void *grow_copy(arena *a, const void *src, size_t n, size_t extra, size_t elem)
{
    void *p = arena_alloc(a, (n + extra) * elem);
    if (p && n)
        memcpy(p, src, n * elem);
    return p;
}

static wasm_status build(instrumenter *in, uint32_t *gas_func, wasm_error *err)
{
    const rt_instr_options *o = in->o;
    const wasm_module *m = in->ctx.m;
    wasm_module *out = &in->out;
    arena *a = &in->a;
    wasm_status st;

    /* Arrays that get new entries, copied with room for them (globals: one per segment at
     * most, plus the gas global). */
    out->types = grow_copy(a, m->types, m->ntypes, 1, sizeof *m->types);
    out->imports = grow_copy(a, m->imports, m->nimports, 1, sizeof *m->imports);
    out->funcs = grow_copy(a, m->funcs, m->nfuncs, 1, sizeof *m->funcs);
    out->globals = grow_copy(a, m->globals, m->nglobals, (size_t)m->ndatas + m->nelems + 1,
                             sizeof *m->globals);
    out->exports = grow_copy(a, m->exports, m->nexports, 1, sizeof *m->exports);
    out->elems = grow_copy(a, m->elems, m->nelems, 0, sizeof *m->elems);
    out->datas = grow_copy(a, m->datas, m->ndatas, 0, sizeof *m->datas);
    out->customs = grow_copy(a, m->customs, m->ncustoms, 0, sizeof *m->customs);
    in->overrides = arena_alloc(a, (m->nfuncs + 1) * sizeof *in->overrides);
    in->bodies = arena_alloc(a, (m->nfuncs + 1) * sizeof *in->bodies);
    if (a->oom)
        return nomem(err);

    uint32_t gas_type = find_gas_type(m);
    if (gas_type == m->ntypes) {
        uint8_t *types = arena_alloc(a, 1);
        if (!types)
            return nomem(err);
        types[0] = WASM_I64;
        out->types[out->ntypes++] = (wasm_functype){1, 0, types};
    }

    uint32_t nglobals = m->nglobals;
    if ((st = add_live_globals(in, &nglobals, out->globals, err)) != WASM_OK)
        return st;

    if (!o->global_backend) {
        in->ctx.gas_func = m->nfunc_imports;
        in->ctx.shift_from = m->nfunc_imports;
        wasm_import imp = {.kind = WASM_EXTERN_FUNC};
        imp.module = o->gas_module;
        imp.module_len = (uint32_t)strlen(o->gas_module);
        imp.name = o->gas_name;
        imp.name_len = (uint32_t)strlen(o->gas_name);
        imp.desc.func_type = gas_type;
        out->imports[out->nimports++] = imp;
        out->nfunc_imports++;
    } else {
        in->ctx.gas_func = m->nfuncs_total;
        in->ctx.shift_from = UINT32_MAX;
        uint32_t global = m->nglobals_total + (nglobals - m->nglobals);
        out->globals[nglobals++] = (wasm_global){
            {WASM_I64, true}, const_expr(a, WASM_I64, (int64_t)o->gas_global_init)};
        wasm_export e = {.kind = WASM_EXTERN_GLOBAL, .index = global};
        e.name = o->gas_global;
        e.name_len = (uint32_t)strlen(o->gas_global);
        out->exports[out->nexports++] = e;
        wasm_func gas = {.type = gas_type};
        gas.code = gas_function_code(a, global, &gas.code_len);
        out->funcs[out->nfuncs++] = gas;
    }
    out->nglobals = nglobals;
    if (a->oom)
        return nomem(err);

    if ((st = rewrite_bodies(in, err)) != WASM_OK)
        return st;
    if ((st = shift_outside_code(in, err)) != WASM_OK)
        return st;
    if (gas_func)
        *gas_func = in->ctx.gas_func;
    return WASM_OK;
}

wasm_status rt_instrument_module(const wasm_module *m, const rt_instr_options *o, uint8_t **out,
                                 size_t *out_size, uint32_t *gas_func, wasm_error *err)
{
    return rt_instrument_module_mapped(m, o, out, out_size, gas_func, NULL, err);
}

void rt_instr_maps_free(rt_instr_body *maps, uint32_t n)
{
    if (!maps)
        return;
    for (uint32_t i = 0; i < n; i++)
        rt_instr_body_free(&maps[i]);
    free(maps);
}

wasm_status rt_instrument_module_mapped(const wasm_module *m, const rt_instr_options *o,
                                        uint8_t **out, size_t *out_size, uint32_t *gas_func,
                                        rt_instr_body **maps, wasm_error *err)
{
    if (maps)
        *maps = NULL;
    *out = NULL;
    *out_size = 0;
    wasm_status st = wasm_cost_model_check_module(o->costs, m, err);
    if (st != WASM_OK)
        return st;
    if ((st = check_meterable(m, o, err)) != WASM_OK)
        return st;

    instrumenter in = {.o = o, .out = *m};
    in.ctx.m = m;
    in.ctx.costs = o->costs;
    st = build(&in, gas_func, err);
    if (st == WASM_OK) {
        loader_encode_options eo = {.funcs = in.overrides};
        st = loader_encode_with(&in.out, &eo, out, out_size, err);
    }
    if (st == WASM_OK && maps) {
        /* Hand the offset maps over; the rest of each body goes. */
        *maps = calloc(m->nfuncs ? m->nfuncs : 1, sizeof **maps);
        if (!*maps) {
            free(*out);
            *out = NULL;
            *out_size = 0;
            st = nomem(err);
        }
        for (uint32_t i = 0; *maps && i < m->nfuncs; i++) {
            (*maps)[i].offsets = in.bodies[i].offsets;
            (*maps)[i].noffsets = in.bodies[i].noffsets;
            in.bodies[i].offsets = NULL;
        }
    }
    if (in.bodies)
        for (uint32_t i = 0; i < m->nfuncs; i++)
            rt_instr_body_free(&in.bodies[i]);
    arena_free(&in.a);
    return st;
}

/* ---- the public API ---- */

void wvm_instrument_options_default(wvm_instrument_options *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof *options);
    options->backend = WVM_GAS_IMPORT;
    options->gas_module = "env";
    options->gas_name = "gas";
    options->gas_global = "gas_left";
}

wvm_status wvm_instrument(const uint8_t *bytes, size_t size,
                          const wvm_instrument_options *options, uint8_t **out,
                          size_t *out_size, wvm_error *err)
{
    if (out)
        *out = NULL;
    if (out_size)
        *out_size = 0;
    if (!out || !out_size || (!bytes && size))
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wvm_instrument: no module bytes or no output pointer");
    wvm_instrument_options defaults;
    wvm_instrument_options_default(&defaults);
    const wvm_instrument_options *opts = options ? options : &defaults;
    if (opts->backend != WVM_GAS_IMPORT && opts->backend != WVM_GAS_GLOBAL)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wvm_instrument: unknown backend %d", (int)opts->backend);
    bool global = opts->backend == WVM_GAS_GLOBAL;
    if (global ? !opts->gas_global || !*opts->gas_global
               : !opts->gas_module || !*opts->gas_module || !opts->gas_name ||
                     !*opts->gas_name)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wvm_instrument: the gas %s name is missing or empty",
                        global ? "global's" : "import's");

    wasm_cost_model costs;
    if (opts->cost_model)
        costs = opts->cost_model->m;
    else
        wasm_cost_model_default(&costs);
    rt_instr_options o = {
        .costs = &costs,
        .global_backend = global,
        .gas_module = opts->gas_module,
        .gas_name = opts->gas_name,
        .gas_global = opts->gas_global,
        .gas_global_init = opts->gas_global_init,
    };

    wasm_module m;
    wasm_error werr;
    wasm_error_clear(&werr);
    memset(&m, 0, sizeof m);
    wasm_status st = loader_decode(bytes, size, &m, &werr);
    if (st == WASM_OK)
        st = loader_validate(&m, &werr);
    if (st == WASM_OK)
        st = rt_instrument_module(&m, &o, out, out_size, NULL, &werr);
    loader_free(&m);
    return st == WASM_OK ? WVM_OK : rt_error_from_wasm(err, &werr);
}
