/* loader_decode: the module header, the section sequence (order, sizes, custom sections),
 * the cross-section consistency checks of the binary format, and the derived index spaces.
 * Also loader_free and wasm_functype_equal. The sections' contents are decoded by
 * decode_sections.c, decode_code.c, decode_segments.c and names.c. */
#include "decode_internal.h"
#include "opcodes.h"

#include <string.h>

/* Position of each non-custom section in the required order (data count sits between
 * element and code). */
static const uint8_t section_rank[13] = {
    [SEC_TYPE] = 1,     [SEC_IMPORT] = 2,  [SEC_FUNCTION] = 3, [SEC_TABLE] = 4,
    [SEC_MEMORY] = 5,   [SEC_GLOBAL] = 6,  [SEC_EXPORT] = 7,   [SEC_START] = 8,
    [SEC_ELEMENT] = 9,  [SEC_DATA_COUNT] = 10, [SEC_CODE] = 11, [SEC_DATA] = 12,
};

/* Expanded local entries a module may allocate: 16 MiB plus 16 per byte of the file. */
#define LOCALS_BUDGET_BASE ((uint64_t)1 << 24)
#define LOCALS_BUDGET_PER_BYTE 16u

bool wasm_functype_equal(const wasm_functype *a, const wasm_functype *b)
{
    if (a->nparams != b->nparams || a->nresults != b->nresults)
        return false;
    size_t n = (size_t)a->nparams + a->nresults;
    return n == 0 || memcmp(a->types, b->types, n) == 0;
}

void loader_free(wasm_module *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->ntypes; i++)
        free(m->types[i].types);
    free(m->types);
    free(m->imports);
    free(m->func_types);
    for (uint32_t i = 0; i < m->nfuncs; i++)
        free(m->funcs[i].local_types);
    free(m->funcs);
    free(m->tables);
    free(m->memories);
    free(m->global_types);
    free(m->globals);
    free(m->exports);
    for (uint32_t i = 0; i < m->nelems; i++) {
        free(m->elems[i].func_indices);
        free(m->elems[i].exprs);
    }
    free(m->elems);
    free(m->datas);
    free(m->customs);
    free(m->func_names);
    free(m->declared_funcs);
    free(m->bytes);
    memset(m, 0, sizeof *m);
}

static wasm_status decode_header(loader_decoder *d, wasm_reader *r)
{
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
    static const uint8_t version[4] = {0x01, 0x00, 0x00, 0x00};
    const uint8_t *p;
    if (reader_left(r) < 4)
        return loader_decoder_fail_at(d, r, d->size, "unexpected end");
    (void)reader_bytes(r, 4, &p);
    if (memcmp(p, magic, 4) != 0)
        return loader_decoder_fail_at(d, r, 0, "magic header not detected");
    if (reader_left(r) < 4)
        return loader_decoder_fail_at(d, r, d->size, "unexpected end");
    (void)reader_bytes(r, 4, &p);
    if (memcmp(p, version, 4) != 0)
        return loader_decoder_fail_at(d, r, 4, "unknown binary version");
    return WASM_OK;
}

static wasm_status decode_custom(loader_decoder *d, wasm_reader *s, uint8_t after_section)
{
    wasm_module *m = d->m;
    wasm_custom c = {.after_section = after_section};
    if (!loader_read_name(s, d->size, &c.name, &c.name_len))
        return loader_decoder_fail(d, s);
    c.data = s->pos;
    c.len = (uint32_t)reader_left(s);
    c.offset = reader_offset(s);
    s->pos = s->end;
    if (m->ncustoms == d->ncustoms_cap) {
        uint32_t cap = d->ncustoms_cap ? d->ncustoms_cap * 2 : 4;
        wasm_custom *grown = realloc(m->customs, (size_t)cap * sizeof *grown);
        if (!grown)
            return loader_nomem(d, c.offset);
        m->customs = grown;
        d->ncustoms_cap = cap;
    }
    m->customs[m->ncustoms++] = c;
    return WASM_OK;
}

static wasm_status decode_section(loader_decoder *d, uint8_t id, wasm_reader *s)
{
    switch (id) {
    case SEC_TYPE: return loader_decode_types(d, s);
    case SEC_IMPORT: return loader_decode_imports(d, s);
    case SEC_FUNCTION: return loader_decode_functions(d, s);
    case SEC_TABLE: return loader_decode_tables(d, s);
    case SEC_MEMORY: return loader_decode_memories(d, s);
    case SEC_GLOBAL: return loader_decode_globals(d, s);
    case SEC_EXPORT: return loader_decode_exports(d, s);
    case SEC_START: return loader_decode_start(d, s);
    case SEC_ELEMENT: return loader_decode_elems(d, s);
    case SEC_CODE: return loader_decode_code(d, s);
    case SEC_DATA: return loader_decode_datas(d, s);
    case SEC_DATA_COUNT: return loader_decode_data_count(d, s);
    default: return loader_decoder_fail_at(d, s, reader_offset(s), "malformed section id");
    }
}

static wasm_status decode_sections(loader_decoder *d, wasm_reader *r)
{
    uint8_t last_rank = 0, last_id = 0;
    while (!reader_eof(r)) {
        size_t id_at = reader_offset(r);
        uint8_t id;
        uint32_t size;
        (void)reader_u8(r, &id);
        if (id >= sizeof section_rank)
            return loader_decoder_fail_at(d, r, id_at, "malformed section id");
        if (id != SEC_CUSTOM && section_rank[id] <= last_rank)
            return loader_decoder_fail_at(d, r, id_at, "unexpected content after last section");
        if (!loader_read_len(r, d->size, &size))
            return loader_decoder_fail(d, r);
        wasm_reader s;
        reader_init(&s, r->base, r->pos, r->pos + size);
        r->pos += size;
        wasm_status st;
        if (id == SEC_CUSTOM) {
            st = decode_custom(d, &s, last_id);
        } else {
            last_rank = section_rank[id];
            last_id = id;
            st = decode_section(d, id, &s);
        }
        if (st != WASM_OK)
            return st;
        if (!reader_eof(&s))
            return loader_decoder_fail_at(d, &s, reader_offset(&s), "section size mismatch");
    }
    return WASM_OK;
}

static void mark_expr_refs(wasm_module *m, const wasm_constexpr *e)
{
    if (!e->len)
        return;
    wasm_reader r;
    reader_init(&r, m->bytes, e->code, e->code + e->len);
    while (!reader_eof(&r)) {
        const uint8_t *insn = r.pos;
        uint32_t op, index;
        if (!loader_skip_instruction(&r, &op))
            return;
        if (op != WASM_OP_ref_func)
            continue;
        wasm_reader imm;
        reader_init(&imm, m->bytes, insn + 1, r.pos);
        if (reader_u32(&imm, &index) && index < m->nfuncs_total)
            m->declared_funcs[index] = true;
    }
}

/* declared_funcs: the functions exports, element segments and constant expressions
 * mention (C.refs). Out-of-range indices are left for the validator to report. */
static void mark_declared_funcs(wasm_module *m)
{
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == WASM_EXTERN_FUNC && m->exports[i].index < m->nfuncs_total)
            m->declared_funcs[m->exports[i].index] = true;
    for (uint32_t i = 0; i < m->nglobals; i++)
        mark_expr_refs(m, &m->globals[i].init);
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wasm_elem *e = &m->elems[i];
        mark_expr_refs(m, &e->offset);
        for (uint32_t k = 0; e->func_indices && k < e->count; k++)
            if (e->func_indices[k] < m->nfuncs_total)
                m->declared_funcs[e->func_indices[k]] = true;
        for (uint32_t k = 0; e->exprs && k < e->count; k++)
            mark_expr_refs(m, &e->exprs[k]);
    }
    for (uint32_t i = 0; i < m->ndatas; i++)
        mark_expr_refs(m, &m->datas[i].offset);
}

/* Checks that need the whole module, then builds the function and global index spaces. */
static wasm_status finish_module(loader_decoder *d)
{
    wasm_module *m = d->m;
    if (!d->has_code && m->nfuncs > 0)
        return wasm_error_set(d->err, WASM_ERR_MALFORMED, d->size, WASM_NO_FUNC,
                              "function and code section have inconsistent lengths");
    if (m->has_data_count && !d->has_data && m->data_count != 0)
        return wasm_error_set(d->err, WASM_ERR_MALFORMED, d->data_count_at, WASM_NO_FUNC,
                              "data count and data section have inconsistent lengths");

    uint64_t nfuncs = (uint64_t)m->nfunc_imports + m->nfuncs;
    uint64_t nglobals = (uint64_t)m->nglobal_imports + m->nglobals;
    if (nfuncs > UINT32_MAX || nglobals > UINT32_MAX)
        return wasm_error_set(d->err, WASM_ERR_UNSUPPORTED, d->size, WASM_NO_FUNC,
                              "index space too large");
    m->nfuncs_total = (uint32_t)nfuncs;
    m->nglobals_total = (uint32_t)nglobals;
    m->func_types = loader_calloc(m->nfuncs_total, sizeof *m->func_types);
    m->declared_funcs = loader_calloc(m->nfuncs_total, sizeof *m->declared_funcs);
    m->global_types = loader_calloc(m->nglobals_total, sizeof *m->global_types);
    if ((m->nfuncs_total && (!m->func_types || !m->declared_funcs)) ||
        (m->nglobals_total && !m->global_types))
        return loader_nomem(d, d->size);
    uint32_t f = 0, g = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        if (m->imports[i].kind == WASM_EXTERN_FUNC)
            m->func_types[f++] = m->imports[i].desc.func_type;
        else if (m->imports[i].kind == WASM_EXTERN_GLOBAL)
            m->global_types[g++] = m->imports[i].desc.global;
    }
    for (uint32_t i = 0; i < m->nfuncs; i++)
        m->func_types[f++] = m->funcs[i].type;
    for (uint32_t i = 0; i < m->nglobals; i++)
        m->global_types[g++] = m->globals[i].type;

    mark_declared_funcs(m);

    for (uint32_t i = 0; i < m->ncustoms; i++) {
        const wasm_custom *c = &m->customs[i];
        if (c->name_len == 4 && memcmp(c->name, "name", 4) == 0)
            return loader_decode_names(d, c);
    }
    return WASM_OK;
}

wasm_status loader_decode(const uint8_t *bytes, size_t size, wasm_module *out, wasm_error *err)
{
    memset(out, 0, sizeof *out);
    loader_decoder d = {
        .m = out,
        .err = err,
        .size = size,
        .locals_budget = LOCALS_BUDGET_BASE + (uint64_t)size * LOCALS_BUDGET_PER_BYTE,
    };
    wasm_status st;
    out->bytes = malloc(size ? size : 1);
    if (!out->bytes)
        return loader_nomem(&d, 0);
    if (size)
        memcpy(out->bytes, bytes, size);
    out->size = size;

    wasm_reader r;
    reader_init(&r, out->bytes, out->bytes, out->bytes + size);
    st = decode_header(&d, &r);
    if (st != WASM_OK)
        goto fail;
    st = decode_sections(&d, &r);
    if (st != WASM_OK)
        goto fail;
    st = finish_module(&d);
    if (st != WASM_OK)
        goto fail;
    return WASM_OK;

fail:
    loader_free(out);
    return st;
}
