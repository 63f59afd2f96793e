/* Decoders of the module-level sections: type, import, function, table, memory, global,
 * export, start and data count. Each reads one section's contents into the module. */
#include "decode_internal.h"

#include <string.h>

static bool read_globaltype(wasm_reader *r, wasm_globaltype *out)
{
    uint8_t mut;
    if (!loader_read_valtype(r, &out->valtype) || !reader_u8(r, &mut))
        return false;
    if (mut > 1)
        return loader_fail_at(r, reader_offset(r) - 1, "malformed mutability");
    out->mutable_ = mut == 1;
    return true;
}

static bool read_tabletype(wasm_reader *r, wasm_tabletype *out)
{
    return loader_read_reftype(r, &out->elemtype) && loader_read_limits(r, false, &out->limits);
}

/* The index space size imports + defined, which must fit the u32 indices. */
static wasm_status index_space(loader_decoder *d, uint32_t nimported, uint32_t ndefined,
                               size_t at, uint32_t *total)
{
    uint64_t sum = (uint64_t)nimported + ndefined;
    if (sum > UINT32_MAX)
        return wasm_error_set(d->err, WASM_ERR_UNSUPPORTED, at, WASM_NO_FUNC,
                              "index space too large");
    *total = (uint32_t)sum;
    return WASM_OK;
}

wasm_status loader_decode_types(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    m->types = loader_calloc(n, sizeof *m->types);
    if (n && !m->types)
        return loader_nomem(d, reader_offset(r));
    m->ntypes = n;
    for (uint32_t i = 0; i < n; i++) {
        wasm_functype *t = &m->types[i];
        size_t at = reader_offset(r);
        uint8_t form, vt;
        uint32_t np, nr;
        if (!reader_u8(r, &form))
            return loader_decoder_fail(d, r);
        if (form & 0x80)
            return loader_decoder_fail_at(d, r, at, "integer representation too long");
        if (form != 0x60)
            return loader_decoder_fail_at(d, r, at, "malformed function type");
        if (!loader_read_count(r, &np))
            return loader_decoder_fail(d, r);
        const uint8_t *params = r->pos;
        for (uint32_t k = 0; k < np; k++)
            if (!loader_read_valtype(r, &vt))
                return loader_decoder_fail(d, r);
        if (!loader_read_count(r, &nr))
            return loader_decoder_fail(d, r);
        const uint8_t *results = r->pos;
        for (uint32_t k = 0; k < nr; k++)
            if (!loader_read_valtype(r, &vt))
                return loader_decoder_fail(d, r);
        size_t total = (size_t)np + nr;
        t->types = loader_calloc(total, 1);
        if (total && !t->types)
            return loader_nomem(d, at);
        if (np)
            memcpy(t->types, params, np);
        if (nr)
            memcpy(t->types + np, results, nr);
        t->nparams = np;
        t->nresults = nr;
    }
    return WASM_OK;
}

/* Starts the table and memory index spaces with the imported ones. */
static wasm_status copy_imported_spaces(loader_decoder *d, size_t at)
{
    wasm_module *m = d->m;
    m->tables = loader_calloc(m->ntable_imports, sizeof *m->tables);
    m->memories = loader_calloc(m->nmemory_imports, sizeof *m->memories);
    if ((m->ntable_imports && !m->tables) || (m->nmemory_imports && !m->memories))
        return loader_nomem(d, at);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasm_import *im = &m->imports[i];
        if (im->kind == WASM_EXTERN_TABLE)
            m->tables[m->ntables++] = im->desc.table;
        else if (im->kind == WASM_EXTERN_MEMORY)
            m->memories[m->nmemories++] = im->desc.memory;
    }
    return WASM_OK;
}

wasm_status loader_decode_imports(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    m->imports = loader_calloc(n, sizeof *m->imports);
    if (n && !m->imports)
        return loader_nomem(d, reader_offset(r));
    m->nimports = n;
    for (uint32_t i = 0; i < n; i++) {
        wasm_import *im = &m->imports[i];
        im->offset = reader_offset(r);
        if (!loader_read_name(r, d->size, &im->module, &im->module_len) ||
            !loader_read_name(r, d->size, &im->name, &im->name_len) ||
            !reader_u8(r, &im->kind))
            return loader_decoder_fail(d, r);
        bool ok;
        switch (im->kind) {
        case WASM_EXTERN_FUNC:
            ok = reader_u32(r, &im->desc.func_type);
            m->nfunc_imports++;
            break;
        case WASM_EXTERN_TABLE:
            ok = read_tabletype(r, &im->desc.table);
            m->ntable_imports++;
            break;
        case WASM_EXTERN_MEMORY:
            ok = loader_read_limits(r, true, &im->desc.memory);
            m->nmemory_imports++;
            break;
        case WASM_EXTERN_GLOBAL:
            ok = read_globaltype(r, &im->desc.global);
            m->nglobal_imports++;
            break;
        default:
            ok = loader_fail_at(r, reader_offset(r) - 1, "malformed import kind");
            break;
        }
        if (!ok)
            return loader_decoder_fail(d, r);
    }
    return copy_imported_spaces(d, reader_offset(r));
}

wasm_status loader_decode_functions(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    m->funcs = loader_calloc(n, sizeof *m->funcs);
    if (n && !m->funcs)
        return loader_nomem(d, reader_offset(r));
    m->nfuncs = n;
    for (uint32_t i = 0; i < n; i++)
        if (!reader_u32(r, &m->funcs[i].type))
            return loader_decoder_fail(d, r);
    return WASM_OK;
}

wasm_status loader_decode_tables(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n, total = 0;
    size_t at = reader_offset(r);
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    wasm_status st = index_space(d, m->ntables, n, at, &total);
    if (st != WASM_OK)
        return st;
    if (n) {
        wasm_tabletype *t = realloc(m->tables, (size_t)total * sizeof *t);
        if (!t)
            return loader_nomem(d, at);
        m->tables = t;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!read_tabletype(r, &m->tables[m->ntables]))
            return loader_decoder_fail(d, r);
        m->ntables++;
    }
    return WASM_OK;
}

wasm_status loader_decode_memories(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n, total = 0;
    size_t at = reader_offset(r);
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    wasm_status st = index_space(d, m->nmemories, n, at, &total);
    if (st != WASM_OK)
        return st;
    if (n) {
        wasm_limits *l = realloc(m->memories, (size_t)total * sizeof *l);
        if (!l)
            return loader_nomem(d, at);
        m->memories = l;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!loader_read_limits(r, true, &m->memories[m->nmemories]))
            return loader_decoder_fail(d, r);
        m->nmemories++;
    }
    return WASM_OK;
}

wasm_status loader_decode_globals(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    m->globals = loader_calloc(n, sizeof *m->globals);
    if (n && !m->globals)
        return loader_nomem(d, reader_offset(r));
    m->nglobals = n;
    for (uint32_t i = 0; i < n; i++)
        if (!read_globaltype(r, &m->globals[i].type) ||
            !loader_read_constexpr(r, &m->globals[i].init))
            return loader_decoder_fail(d, r);
    return WASM_OK;
}

wasm_status loader_decode_exports(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    uint32_t n;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    m->exports = loader_calloc(n, sizeof *m->exports);
    if (n && !m->exports)
        return loader_nomem(d, reader_offset(r));
    m->nexports = n;
    for (uint32_t i = 0; i < n; i++) {
        wasm_export *ex = &m->exports[i];
        ex->offset = reader_offset(r);
        if (!loader_read_name(r, d->size, &ex->name, &ex->name_len) ||
            !reader_u8(r, &ex->kind))
            return loader_decoder_fail(d, r);
        if (ex->kind > WASM_EXTERN_GLOBAL)
            return loader_decoder_fail_at(d, r, reader_offset(r) - 1, "malformed export kind");
        if (!reader_u32(r, &ex->index))
            return loader_decoder_fail(d, r);
    }
    return WASM_OK;
}

wasm_status loader_decode_start(loader_decoder *d, wasm_reader *r)
{
    if (!reader_u32(r, &d->m->start))
        return loader_decoder_fail(d, r);
    d->m->has_start = true;
    return WASM_OK;
}

wasm_status loader_decode_data_count(loader_decoder *d, wasm_reader *r)
{
    d->data_count_at = reader_offset(r);
    if (!reader_u32(r, &d->m->data_count))
        return loader_decoder_fail(d, r);
    d->m->has_data_count = true;
    return WASM_OK;
}
