/* The `name` custom section (module name and function names; other subsections are
 * skipped) and lookups of function names. A malformed name section is ignored as a whole,
 * as the spec requires of custom sections. */
#include "decode_internal.h"

#include <string.h>

enum {
    NAME_SUB_MODULE = 0,
    NAME_SUB_FUNCTIONS = 1,
};

/* What a successful parse produces; committed to the module only when all of it is fine. */
typedef struct {
    const char *module_name;
    uint32_t module_name_len;
    wasm_funcname *funcs;
    uint32_t nfuncs;
} name_info;

static int cmp_funcname(const void *a, const void *b)
{
    uint32_t x = ((const wasm_funcname *)a)->index, y = ((const wasm_funcname *)b)->index;
    return x < y ? -1 : x > y;
}

/* Returns WASM_OK with *ok false for a malformed map, WASM_ERR_NOMEM on allocation failure. */
static wasm_status parse_func_names(loader_decoder *d, wasm_reader *r, name_info *out, bool *ok)
{
    uint32_t n;
    *ok = false;
    if (!loader_read_count(r, &n))
        return WASM_OK;
    out->funcs = loader_calloc(n, sizeof *out->funcs);
    if (n && !out->funcs)
        return loader_nomem(d, reader_offset(r));
    out->nfuncs = n;
    bool sorted = true;
    for (uint32_t i = 0; i < n; i++) {
        wasm_funcname *f = &out->funcs[i];
        if (!reader_u32(r, &f->index) || !loader_read_name(r, d->size, &f->name, &f->name_len))
            return WASM_OK;
        if (i > 0 && f->index <= out->funcs[i - 1].index)
            sorted = false;
    }
    if (!sorted) {
        qsort(out->funcs, n, sizeof *out->funcs, cmp_funcname);
        for (uint32_t i = 1; i < n; i++)
            if (out->funcs[i].index == out->funcs[i - 1].index)
                return WASM_OK; /* an index named twice */
    }
    *ok = reader_eof(r);
    return WASM_OK;
}

static wasm_status parse_names(loader_decoder *d, const wasm_custom *c, name_info *out, bool *ok)
{
    wasm_reader r;
    int last_id = -1;
    *ok = false;
    if (!c->len) {
        *ok = true;
        return WASM_OK;
    }
    reader_init(&r, d->m->bytes, c->data, c->data + c->len);
    while (!reader_eof(&r)) {
        uint8_t id;
        uint32_t size;
        if (!reader_u8(&r, &id) || !loader_read_len(&r, d->size, &size) || (int)id <= last_id)
            return WASM_OK;
        last_id = id;
        wasm_reader sub;
        reader_init(&sub, r.base, r.pos, r.pos + size);
        r.pos += size;
        if (id == NAME_SUB_MODULE) {
            if (!loader_read_name(&sub, d->size, &out->module_name, &out->module_name_len) ||
                !reader_eof(&sub))
                return WASM_OK;
        } else if (id == NAME_SUB_FUNCTIONS) {
            bool sub_ok;
            wasm_status st = parse_func_names(d, &sub, out, &sub_ok);
            if (st != WASM_OK || !sub_ok)
                return st;
        }
    }
    *ok = true;
    return WASM_OK;
}

wasm_status loader_decode_names(loader_decoder *d, const wasm_custom *c)
{
    name_info info = {0};
    bool ok;
    wasm_status st = parse_names(d, c, &info, &ok);
    if (st != WASM_OK || !ok) {
        free(info.funcs);
        return st;
    }
    wasm_module *m = d->m;
    m->module_name = info.module_name;
    m->module_name_len = info.module_name_len;
    m->func_names = info.funcs;
    m->nfunc_names = info.nfuncs;
    return WASM_OK;
}

const char *wasm_module_func_name(const wasm_module *m, uint32_t func_index, uint32_t *name_len)
{
    uint32_t lo = 0, hi = m->nfunc_names;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const wasm_funcname *f = &m->func_names[mid];
        if (f->index == func_index) {
            if (name_len)
                *name_len = f->name_len;
            return f->name;
        }
        if (f->index < func_index)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (name_len)
        *name_len = 0;
    return NULL;
}
