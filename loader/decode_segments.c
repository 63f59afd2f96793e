/* Decoders of the element and data sections: every segment encoding of Wasm 2.0
 * (element flags 0-7, data flags 0-2), stored as module.h describes. */
#include "decode_internal.h"

/* Element segment flag bits (binary format 5.5.12). */
enum {
    ELEM_PASSIVE_OR_DECLARATIVE = 1, /* else active */
    ELEM_EXPLICIT_TABLE_OR_DECL = 2, /* active: explicit table index; else declarative */
    ELEM_EXPRESSIONS = 4,            /* items are expressions, not function indices */
};

static bool read_elemkind(wasm_reader *r, uint8_t *out)
{
    uint8_t kind;
    if (!reader_u8(r, &kind))
        return false;
    if (kind != 0x00)
        return loader_fail_at(r, reader_offset(r) - 1, "malformed element kind");
    *out = WASM_FUNCREF;
    return true;
}

static wasm_status decode_elem(loader_decoder *d, wasm_reader *r, wasm_elem *e)
{
    size_t at = reader_offset(r);
    uint32_t flags;
    if (!reader_u32(r, &flags))
        return loader_decoder_fail(d, r);
    if (flags > 7)
        return loader_decoder_fail_at(d, r, at, "malformed elements segment kind");
    bool ok = true;
    e->reftype = WASM_FUNCREF;
    if (flags & ELEM_PASSIVE_OR_DECLARATIVE) {
        e->mode = (flags & ELEM_EXPLICIT_TABLE_OR_DECL) ? WASM_SEGMENT_DECLARATIVE
                                                        : WASM_SEGMENT_PASSIVE;
    } else {
        e->mode = WASM_SEGMENT_ACTIVE;
        if (flags & ELEM_EXPLICIT_TABLE_OR_DECL)
            ok = reader_u32(r, &e->table);
        ok = ok && loader_read_constexpr(r, &e->offset);
    }
    /* flags 0 and 4 imply funcref; the others spell out an elemkind or a reftype */
    if (ok && (flags & (ELEM_PASSIVE_OR_DECLARATIVE | ELEM_EXPLICIT_TABLE_OR_DECL)))
        ok = (flags & ELEM_EXPRESSIONS) ? loader_read_reftype(r, &e->reftype)
                                        : read_elemkind(r, &e->reftype);
    uint32_t n;
    if (!ok || !loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    if (flags & ELEM_EXPRESSIONS) {
        e->exprs = loader_calloc(n, sizeof *e->exprs);
        if (n && !e->exprs)
            return loader_nomem(d, at);
        e->count = n;
        for (uint32_t i = 0; i < n; i++)
            if (!loader_read_constexpr(r, &e->exprs[i]))
                return loader_decoder_fail(d, r);
    } else {
        e->func_indices = loader_calloc(n, sizeof *e->func_indices);
        if (n && !e->func_indices)
            return loader_nomem(d, at);
        e->count = n;
        for (uint32_t i = 0; i < n; i++)
            if (!reader_u32(r, &e->func_indices[i]))
                return loader_decoder_fail(d, r);
    }
    return WASM_OK;
}

wasm_status loader_decode_elems(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    m->elems = loader_calloc(n, sizeof *m->elems);
    if (n && !m->elems)
        return loader_nomem(d, reader_offset(r));
    m->nelems = n;
    for (uint32_t i = 0; i < n; i++) {
        m->elems[i].offset_in_file = reader_offset(r);
        wasm_status st = decode_elem(d, r, &m->elems[i]);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

static bool decode_data(loader_decoder *d, wasm_reader *r, wasm_data *s)
{
    size_t at = reader_offset(r);
    uint32_t flags;
    if (!reader_u32(r, &flags))
        return false;
    switch (flags) {
    case 0:
        s->mode = WASM_SEGMENT_ACTIVE;
        if (!loader_read_constexpr(r, &s->offset))
            return false;
        break;
    case 1:
        s->mode = WASM_SEGMENT_PASSIVE;
        break;
    case 2:
        s->mode = WASM_SEGMENT_ACTIVE;
        if (!reader_u32(r, &s->memory) || !loader_read_constexpr(r, &s->offset))
            return false;
        break;
    default:
        return loader_fail_at(r, at, "malformed data segment kind");
    }
    return loader_read_len(r, d->size, &s->len) && reader_bytes(r, s->len, &s->bytes);
}

wasm_status loader_decode_datas(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    size_t at = reader_offset(r);
    uint32_t n;
    d->has_data = true;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    if (m->has_data_count && n != m->data_count)
        return wasm_error_set(d->err, WASM_ERR_MALFORMED, at, WASM_NO_FUNC,
                              "data count and data section have inconsistent lengths");
    m->datas = loader_calloc(n, sizeof *m->datas);
    if (n && !m->datas)
        return loader_nomem(d, reader_offset(r));
    m->ndatas = n;
    for (uint32_t i = 0; i < n; i++) {
        m->datas[i].offset_in_file = reader_offset(r);
        if (!decode_data(d, r, &m->datas[i]))
            return loader_decoder_fail(d, r);
    }
    return WASM_OK;
}
