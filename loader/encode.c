/* The binary encoder: loader_encode writes a wasm_module as a binary module (see encode.h for
 * what it reads and the layout it produces). Sections are written in place and get their
 * size prefix inserted in front once their contents are known (writer_insert_uleb), as do
 * function bodies. */
#include "encode.h"

#include <string.h>

#include "writer.h"

/* The non-custom sections in the order the format requires (data count before code). */
static const uint8_t section_order[] = {
    SEC_TYPE,   SEC_IMPORT, SEC_FUNCTION, SEC_TABLE,      SEC_MEMORY, SEC_GLOBAL,
    SEC_EXPORT, SEC_START,  SEC_ELEMENT,  SEC_DATA_COUNT, SEC_CODE,   SEC_DATA,
};

/* Element segment flag bits (binary format 5.5.12), as in decode_segments.c. */
enum {
    ELEM_PASSIVE_OR_DECLARATIVE = 1, /* else active */
    ELEM_EXPLICIT_TABLE_OR_DECL = 2, /* active: explicit table index; else declarative */
    ELEM_EXPRESSIONS = 4,            /* items are expressions, not function indices */
};

typedef struct {
    const wasm_module *m;
    const loader_func_override *overrides; /* NULL or m->nfuncs entries */
    wasm_writer w;
    wasm_error *err;
} encoder;

static wasm_status usage(encoder *e, uint32_t func_index, const char *what)
{
    return wasm_error_set(e->err, WASM_ERR_USAGE, 0, func_index, "loader_encode: %s", what);
}

static bool is_valtype(uint8_t t)
{
    return (t >= WASM_V128 && t <= WASM_I32) || wasm_is_reftype(t);
}

/* A constant expression or body as the decoder leaves it: non-empty, ending in `end`. */
static bool ends_with_end(const uint8_t *code, uint32_t len)
{
    return code && len > 0 && code[len - 1] == 0x0B;
}

/* ---- checks of the fields the encoder reads ---- */

static wasm_status check_counts(encoder *e)
{
    const wasm_module *m = e->m;
    if ((m->ntypes && !m->types) || (m->nimports && !m->imports) || (m->nfuncs && !m->funcs) ||
        (m->ntables && !m->tables) || (m->nmemories && !m->memories) ||
        (m->nglobals && !m->globals) || (m->nexports && !m->exports) ||
        (m->nelems && !m->elems) || (m->ndatas && !m->datas) || (m->ncustoms && !m->customs))
        return usage(e, WASM_NO_FUNC, "a non-empty array is NULL");
    uint32_t nkind[4] = {0};
    for (uint32_t i = 0; i < m->nimports; i++) {
        if (m->imports[i].kind > WASM_EXTERN_GLOBAL)
            return usage(e, WASM_NO_FUNC, "bad import kind");
        nkind[m->imports[i].kind]++;
    }
    if (nkind[WASM_EXTERN_FUNC] != m->nfunc_imports ||
        nkind[WASM_EXTERN_TABLE] != m->ntable_imports ||
        nkind[WASM_EXTERN_MEMORY] != m->nmemory_imports ||
        nkind[WASM_EXTERN_GLOBAL] != m->nglobal_imports || m->ntables < m->ntable_imports ||
        m->nmemories < m->nmemory_imports)
        return usage(e, WASM_NO_FUNC, "import counts do not match the imports");
    if (m->has_data_count && m->data_count != m->ndatas)
        return usage(e, WASM_NO_FUNC, "data_count differs from ndatas");
    return WASM_OK;
}

/* ---- pieces ---- */

static void write_name(wasm_writer *w, const char *name, uint32_t len)
{
    writer_u32(w, len);
    writer_bytes(w, name, len);
}

static void write_limits(wasm_writer *w, const wasm_limits *l)
{
    writer_u8(w, l->has_max ? 0x01 : 0x00);
    writer_u32(w, l->min);
    if (l->has_max)
        writer_u32(w, l->max);
}

static void write_tabletype(wasm_writer *w, const wasm_tabletype *t)
{
    writer_u8(w, t->elemtype);
    write_limits(w, &t->limits);
}

static void write_globaltype(wasm_writer *w, const wasm_globaltype *g)
{
    writer_u8(w, g->valtype);
    writer_u8(w, g->mutable_ ? 1 : 0);
}

static wasm_status write_constexpr(encoder *e, const wasm_constexpr *c)
{
    if (!ends_with_end(c->code, c->len))
        return usage(e, WASM_NO_FUNC, "a constant expression does not end with end");
    writer_bytes(&e->w, c->code, c->len);
    return WASM_OK;
}

/* Inserts the size of everything written since `start` in front of it. */
static wasm_status close_sized(encoder *e, size_t start, uint32_t func_index)
{
    size_t size = e->w.len - start;
    if (size > UINT32_MAX)
        return wasm_error_set(e->err, WASM_ERR_UNSUPPORTED, 0, func_index,
                              "loader_encode: a section or body is larger than 4 GiB");
    writer_insert_uleb(&e->w, start, size);
    return WASM_OK;
}

/* ---- sections ---- */

static wasm_status write_types(encoder *e)
{
    const wasm_module *m = e->m;
    writer_u32(&e->w, m->ntypes);
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const wasm_functype *t = &m->types[i];
        if ((t->nparams || t->nresults) && !t->types)
            return usage(e, WASM_NO_FUNC, "a function type has no types array");
        writer_u8(&e->w, 0x60);
        writer_u32(&e->w, t->nparams);
        writer_bytes(&e->w, t->types, t->nparams);
        writer_u32(&e->w, t->nresults);
        writer_bytes(&e->w, t->types ? t->types + t->nparams : NULL, t->nresults);
    }
    return WASM_OK;
}

static wasm_status write_imports(encoder *e)
{
    const wasm_module *m = e->m;
    writer_u32(&e->w, m->nimports);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasm_import *im = &m->imports[i];
        write_name(&e->w, im->module, im->module_len);
        write_name(&e->w, im->name, im->name_len);
        writer_u8(&e->w, im->kind);
        switch (im->kind) {
        case WASM_EXTERN_FUNC: writer_u32(&e->w, im->desc.func_type); break;
        case WASM_EXTERN_TABLE: write_tabletype(&e->w, &im->desc.table); break;
        case WASM_EXTERN_MEMORY: write_limits(&e->w, &im->desc.memory); break;
        default: write_globaltype(&e->w, &im->desc.global); break;
        }
    }
    return WASM_OK;
}

static wasm_status write_functions(encoder *e)
{
    writer_u32(&e->w, e->m->nfuncs);
    for (uint32_t i = 0; i < e->m->nfuncs; i++)
        writer_u32(&e->w, e->m->funcs[i].type);
    return WASM_OK;
}

static wasm_status write_tables(encoder *e)
{
    const wasm_module *m = e->m;
    writer_u32(&e->w, m->ntables - m->ntable_imports);
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
        write_tabletype(&e->w, &m->tables[i]);
    return WASM_OK;
}

static wasm_status write_memories(encoder *e)
{
    const wasm_module *m = e->m;
    writer_u32(&e->w, m->nmemories - m->nmemory_imports);
    for (uint32_t i = m->nmemory_imports; i < m->nmemories; i++)
        write_limits(&e->w, &m->memories[i]);
    return WASM_OK;
}

static wasm_status write_globals(encoder *e)
{
    writer_u32(&e->w, e->m->nglobals);
    for (uint32_t i = 0; i < e->m->nglobals; i++) {
        write_globaltype(&e->w, &e->m->globals[i].type);
        wasm_status st = write_constexpr(e, &e->m->globals[i].init);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

static wasm_status write_exports(encoder *e)
{
    writer_u32(&e->w, e->m->nexports);
    for (uint32_t i = 0; i < e->m->nexports; i++) {
        const wasm_export *ex = &e->m->exports[i];
        write_name(&e->w, ex->name, ex->name_len);
        writer_u8(&e->w, ex->kind);
        writer_u32(&e->w, ex->index);
    }
    return WASM_OK;
}

static wasm_status write_start(encoder *e)
{
    writer_u32(&e->w, e->m->start);
    return WASM_OK;
}

/* The encoding of one segment, chosen so that decoding gives back an equal wasm_elem:
 *   items                  active, table 0          active, other table   passive  declarative
 *   function indices       0 (funcref implied)      2 + elemkind 0x00     1        3
 *   expressions, funcref   4 (funcref implied)      6 + reftype           5        7
 *   expressions, externref 6 (table 0 spelled out)  6 + reftype           5        7
 * A segment without items and without arrays (as decoded from any flags) is written with
 * function indices when funcref, with expressions when externref. */
static wasm_status write_elem(encoder *e, const wasm_elem *s)
{
    wasm_writer *w = &e->w;
    if (s->func_indices && s->exprs)
        return usage(e, WASM_NO_FUNC, "an element segment has both item arrays");
    if (s->count && !s->func_indices && !s->exprs)
        return usage(e, WASM_NO_FUNC, "an element segment has items but no item array");
    if (!wasm_is_reftype(s->reftype))
        return usage(e, WASM_NO_FUNC, "an element segment has a bad reference type");
    bool exprs = s->exprs || (!s->func_indices && s->reftype != WASM_FUNCREF);
    if (!exprs && s->reftype != WASM_FUNCREF)
        return usage(e, WASM_NO_FUNC, "function indices in a non-funcref element segment");
    uint32_t flags = exprs ? ELEM_EXPRESSIONS : 0;
    switch (s->mode) {
    case WASM_SEGMENT_ACTIVE:
        if (s->table != 0 || s->reftype != WASM_FUNCREF)
            flags |= ELEM_EXPLICIT_TABLE_OR_DECL;
        break;
    case WASM_SEGMENT_PASSIVE: flags |= ELEM_PASSIVE_OR_DECLARATIVE; break;
    case WASM_SEGMENT_DECLARATIVE:
        flags |= ELEM_PASSIVE_OR_DECLARATIVE | ELEM_EXPLICIT_TABLE_OR_DECL;
        break;
    default: return usage(e, WASM_NO_FUNC, "an element segment has a bad mode");
    }
    writer_u32(w, flags);
    if (s->mode == WASM_SEGMENT_ACTIVE) {
        if (flags & ELEM_EXPLICIT_TABLE_OR_DECL)
            writer_u32(w, s->table);
        wasm_status st = write_constexpr(e, &s->offset);
        if (st != WASM_OK)
            return st;
    }
    /* flags 0 and 4 imply funcref; the others spell out an elemkind or a reftype */
    if (flags & (ELEM_PASSIVE_OR_DECLARATIVE | ELEM_EXPLICIT_TABLE_OR_DECL))
        writer_u8(w, exprs ? s->reftype : 0x00);
    writer_u32(w, s->count);
    for (uint32_t i = 0; i < s->count; i++) {
        if (!exprs) {
            writer_u32(w, s->func_indices[i]);
            continue;
        }
        wasm_status st = write_constexpr(e, &s->exprs[i]);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

static wasm_status write_elems(encoder *e)
{
    writer_u32(&e->w, e->m->nelems);
    for (uint32_t i = 0; i < e->m->nelems; i++) {
        wasm_status st = write_elem(e, &e->m->elems[i]);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

static wasm_status write_data_count(encoder *e)
{
    writer_u32(&e->w, e->m->data_count);
    return WASM_OK;
}

/* Local i of a body: the function's own locals, then the override's extra ones. */
static uint8_t local_at(const wasm_func *f, const loader_func_override *o, uint64_t i)
{
    return i < f->nlocals ? f->local_types[i] : o->extra_locals[i - f->nlocals];
}

/* One body: its size, its locals as runs of equal types, its code. */
static wasm_status write_body(encoder *e, uint32_t i)
{
    static const loader_func_override none = {0};
    const wasm_func *f = &e->m->funcs[i];
    const loader_func_override *o = e->overrides ? &e->overrides[i] : &none;
    uint32_t func_index = e->m->nfunc_imports + i;
    const uint8_t *code = o->code ? o->code : f->code;
    uint32_t code_len = o->code ? o->code_len : f->code_len;
    if (!ends_with_end(code, code_len))
        return usage(e, func_index, "a function body does not end with end");
    if ((f->nlocals && !f->local_types) || (o->nextra_locals && !o->extra_locals))
        return usage(e, func_index, "a function has locals but no local types");
    uint64_t nlocals = (uint64_t)f->nlocals + o->nextra_locals;
    if (nlocals > UINT32_MAX)
        return usage(e, func_index, "more than 2^32-1 locals");
    uint32_t ngroups = 0;
    for (uint64_t k = 0; k < nlocals; k++) {
        uint8_t t = local_at(f, o, k);
        if (!is_valtype(t))
            return usage(e, func_index, "a local type is not a value type");
        if (k == 0 || t != local_at(f, o, k - 1))
            ngroups++;
    }

    size_t start = e->w.len;
    writer_u32(&e->w, ngroups);
    for (uint64_t k = 0; k < nlocals;) {
        uint8_t t = local_at(f, o, k);
        uint64_t run = 1;
        while (k + run < nlocals && local_at(f, o, k + run) == t)
            run++;
        writer_u32(&e->w, (uint32_t)run);
        writer_u8(&e->w, t);
        k += run;
    }
    writer_bytes(&e->w, code, code_len);
    return close_sized(e, start, func_index);
}

static wasm_status write_code(encoder *e)
{
    writer_u32(&e->w, e->m->nfuncs);
    for (uint32_t i = 0; i < e->m->nfuncs; i++) {
        wasm_status st = write_body(e, i);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

static wasm_status write_data(encoder *e, const wasm_data *d)
{
    wasm_writer *w = &e->w;
    if (d->len && !d->bytes)
        return usage(e, WASM_NO_FUNC, "a data segment has no bytes");
    if (d->mode == WASM_SEGMENT_PASSIVE) {
        writer_u32(w, 1);
    } else if (d->mode == WASM_SEGMENT_ACTIVE) {
        writer_u32(w, d->memory == 0 ? 0 : 2);
        if (d->memory != 0)
            writer_u32(w, d->memory);
        wasm_status st = write_constexpr(e, &d->offset);
        if (st != WASM_OK)
            return st;
    } else {
        return usage(e, WASM_NO_FUNC, "a data segment has a bad mode");
    }
    writer_u32(w, d->len);
    writer_bytes(w, d->bytes, d->len);
    return WASM_OK;
}

static wasm_status write_datas(encoder *e)
{
    writer_u32(&e->w, e->m->ndatas);
    for (uint32_t i = 0; i < e->m->ndatas; i++) {
        wasm_status st = write_data(e, &e->m->datas[i]);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

/* Writes section `id` when the module has anything for it. */
static wasm_status write_section(encoder *e, uint8_t id)
{
    const wasm_module *m = e->m;
    wasm_status (*write)(encoder *) = NULL;
    bool present = false;
    switch (id) {
    case SEC_TYPE: present = m->ntypes > 0, write = write_types; break;
    case SEC_IMPORT: present = m->nimports > 0, write = write_imports; break;
    case SEC_FUNCTION: present = m->nfuncs > 0, write = write_functions; break;
    case SEC_TABLE: present = m->ntables > m->ntable_imports, write = write_tables; break;
    case SEC_MEMORY: present = m->nmemories > m->nmemory_imports, write = write_memories; break;
    case SEC_GLOBAL: present = m->nglobals > 0, write = write_globals; break;
    case SEC_EXPORT: present = m->nexports > 0, write = write_exports; break;
    case SEC_START: present = m->has_start, write = write_start; break;
    case SEC_ELEMENT: present = m->nelems > 0, write = write_elems; break;
    case SEC_DATA_COUNT: present = m->has_data_count, write = write_data_count; break;
    case SEC_CODE: present = m->nfuncs > 0, write = write_code; break;
    case SEC_DATA: present = m->ndatas > 0, write = write_datas; break;
    }
    if (!present)
        return WASM_OK;
    writer_u8(&e->w, id);
    size_t start = e->w.len;
    wasm_status st = write(e);
    return st != WASM_OK ? st : close_sized(e, start, WASM_NO_FUNC);
}

/* Writes, in array order, the custom sections placed after section `after` (0: first). */
static wasm_status write_customs(encoder *e, uint8_t after)
{
    for (uint32_t i = 0; i < e->m->ncustoms; i++) {
        const wasm_custom *c = &e->m->customs[i];
        if (c->after_section != after)
            continue;
        if ((c->name_len && !c->name) || (c->len && !c->data))
            return usage(e, WASM_NO_FUNC, "a custom section has no name or data bytes");
        writer_u8(&e->w, 0);
        size_t start = e->w.len;
        write_name(&e->w, c->name, c->name_len);
        writer_bytes(&e->w, c->data, c->len);
        wasm_status st = close_sized(e, start, WASM_NO_FUNC);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

static wasm_status encode_module(encoder *e)
{
    static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    wasm_status st = check_counts(e);
    if (st != WASM_OK)
        return st;
    for (uint32_t i = 0; i < e->m->ncustoms; i++) {
        uint8_t a = e->m->customs[i].after_section;
        if (a > SEC_DATA_COUNT)
            return usage(e, WASM_NO_FUNC, "a custom section follows an unknown section id");
    }
    writer_bytes(&e->w, header, sizeof header);
    st = write_customs(e, 0);
    for (size_t k = 0; st == WASM_OK && k < sizeof section_order; k++) {
        st = write_section(e, section_order[k]);
        if (st == WASM_OK)
            st = write_customs(e, section_order[k]);
    }
    return st;
}

wasm_status loader_encode_with(const wasm_module *m, const loader_encode_options *opts,
                               uint8_t **out, size_t *out_size, wasm_error *err)
{
    if (out)
        *out = NULL;
    if (out_size)
        *out_size = 0;
    if (!m || !out || !out_size)
        return wasm_error_set(err, WASM_ERR_USAGE, 0, WASM_NO_FUNC,
                              "loader_encode: NULL module or output");
    encoder e = {.m = m, .overrides = opts ? opts->funcs : NULL, .err = err};
    wasm_status st = encode_module(&e);
    if (st == WASM_OK && e.w.oom)
        st = wasm_error_set(err, WASM_ERR_NOMEM, 0, WASM_NO_FUNC, "out of memory");
    if (st != WASM_OK)
        goto fail;
    *out = writer_take(&e.w, out_size);
    if (!*out) {
        st = wasm_error_set(err, WASM_ERR_NOMEM, 0, WASM_NO_FUNC, "out of memory");
        goto fail;
    }
    return WASM_OK;

fail:
    writer_free(&e.w);
    return st;
}

wasm_status loader_encode(const wasm_module *m, uint8_t **out, size_t *out_size,
                          wasm_error *err)
{
    return loader_encode_with(m, NULL, out, out_size, err);
}
