/* loader_validate: module-level validation (Wasm 2.0) — import and function types, limits,
 * constant expressions (global initialisers, segment offsets, element items), element and
 * data segments, start function, exports — and the driver that validates every function body
 * (validate_code.c). Checks run in the order of the spec interpreter's check_module.
 */
#include "validate_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "opcodes.h"
#include "reader.h"

#define MAX_PAGES 65536u

/* File offset of entry `index` of section `id` (of the section's contents for the start
 * section), found by walking the binary: the decoded module keeps no offsets for these
 * entries, and this runs only on the error path. 0 when it cannot be found. */
static size_t entry_offset(const wasm_module *m, uint8_t id, uint32_t index)
{
    if (!m->bytes || m->size < 8)
        return 0;
    wasm_reader r;
    reader_init(&r, m->bytes, m->bytes + 8, m->bytes + m->size);
    while (!reader_eof(&r)) {
        uint8_t sid;
        uint32_t len, n;
        const uint8_t *p = NULL;
        if (!reader_u8(&r, &sid) || !reader_u32(&r, &len) || !reader_bytes(&r, len, &p))
            return 0;
        if (sid != id)
            continue;
        wasm_reader s;
        reader_init(&s, m->bytes, p, p + len);
        if (id == SEC_START)
            return reader_offset(&s);
        if (!reader_u32(&s, &n))
            return 0;
        for (uint32_t i = 0; i < index && i < n; i++) {
            uint32_t v;
            uint8_t t;
            wasm_limits lim;
            bool ok = id == SEC_FUNCTION ? reader_u32(&s, &v)
                      : id == SEC_TABLE  ? reader_u8(&s, &t) && loader_read_limits(&s, false, &lim)
                                         : loader_read_limits(&s, true, &lim);
            if (!ok)
                return 0;
        }
        return reader_offset(&s);
    }
    return 0;
}

__attribute__((format(printf, 3, 4))) static wasm_status invalid(wasm_error *err, size_t offset,
                                                                  const char *fmt, ...)
{
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return wasm_error_set(err, WASM_ERR_INVALID, offset, WASM_NO_FUNC, "%s", msg);
}

/* ---- limits ---- */

static wasm_status check_limits(const wasm_limits *l, uint32_t range, const char *range_msg,
                                size_t offset, wasm_error *err)
{
    if (l->min > range || (l->has_max && l->max > range))
        return wasm_error_set(err, WASM_ERR_INVALID, offset, WASM_NO_FUNC, "%s", range_msg);
    if (l->has_max && l->min > l->max)
        return wasm_error_set(err, WASM_ERR_INVALID, offset, WASM_NO_FUNC,
                              "size minimum must not be greater than maximum");
    return WASM_OK;
}

static wasm_status check_table_limits(const wasm_limits *l, size_t offset, wasm_error *err)
{
    return check_limits(l, UINT32_MAX, "table size must be at most 2^32-1", offset, err);
}

static wasm_status check_memory_limits(const wasm_limits *l, size_t offset, wasm_error *err)
{
    return check_limits(l, MAX_PAGES, "memory size must be at most 65536 pages (4GiB)", offset,
                        err);
}

/* ---- constant expressions ---- */

/* Validates constant expression e, which must produce exactly one value of type `want`.
 * In Wasm 2.0 only t.const, ref.null, ref.func and global.get of an immutable imported
 * global are constant; ref.func needs no declaration here (these expressions declare). */
static wasm_status check_const(const wasm_module *m, const wasm_constexpr *e, uint8_t want,
                               wasm_error *err)
{
    wasm_reader r;
    uint32_t depth = 0;     /* values produced so far */
    uint8_t first = 0;      /* the type of the first one */
    reader_init(&r, e->code, e->code, e->code + e->len);
    while (!reader_eof(&r)) {
        size_t at = e->offset + reader_offset(&r);
        uint8_t op, t = 0;
        uint32_t x;
        const uint8_t *p = NULL;
        reader_u8(&r, &op);
        switch (op) {
        case WASM_OP_i32_const: {
            int32_t v;
            if (!reader_s32(&r, &v))
                goto malformed;
            t = WASM_I32;
            break;
        }
        case WASM_OP_i64_const: {
            int64_t v;
            if (!reader_s64(&r, &v))
                goto malformed;
            t = WASM_I64;
            break;
        }
        case WASM_OP_f32_const:
            if (!reader_bytes(&r, 4, &p))
                goto malformed;
            t = WASM_F32;
            break;
        case WASM_OP_f64_const:
            if (!reader_bytes(&r, 8, &p))
                goto malformed;
            t = WASM_F64;
            break;
        case WASM_OP_ref_null:
            if (!loader_read_reftype(&r, &t))
                goto malformed;
            break;
        case WASM_OP_ref_func:
            if (!reader_u32(&r, &x))
                goto malformed;
            if (x >= m->nfuncs_total)
                return invalid(err, at, "unknown function %u", x);
            t = WASM_FUNCREF;
            break;
        case WASM_OP_global_get:
            if (!reader_u32(&r, &x))
                goto malformed;
            /* only imported globals are visible to constant expressions in Wasm 2.0 */
            if (x >= m->nglobal_imports)
                return invalid(err, at, "unknown global %u", x);
            if (m->global_types[x].mutable_)
                return invalid(err, at,
                               "constant expression required: global %u is mutable", x);
            t = m->global_types[x].valtype;
            break;
        case WASM_OP_end:
            if (depth != 1 || first != want)
                return wasm_error_set(err, WASM_ERR_INVALID, at, WASM_NO_FUNC,
                                      "type mismatch: constant expression must produce one "
                                      "%s, produces %u value(s)%s%s",
                                      vtype_name(want), depth, depth ? " starting with " : "",
                                      depth ? vtype_name(first) : "");
            return WASM_OK;
        case 0xFD:
            loader_fail_at(&r, at - e->offset, loader_msg_simd);
            goto malformed;
        case 0xFC:
            if (!reader_u32(&r, &x))
                goto malformed;
            if (x >= WASM_OP_COUNT - WASM_OP_FC_BASE) {
                loader_fail_at(&r, at - e->offset, "illegal opcode");
                goto malformed;
            }
            return invalid(err, at, "constant expression required");
        default:
            if (!wasm_op_lookup(op)) {
                loader_fail_at(&r, at - e->offset, "illegal opcode");
                goto malformed;
            }
            return invalid(err, at, "constant expression required");
        }
        if (depth++ == 0)
            first = t;
    }
    loader_fail_at(&r, e->len, "END opcode expected");
malformed: {
    wasm_reader tmp = r;
    tmp.error_offset += e->offset;
    return loader_reader_status(&tmp, m->size, err);
}
}

/* ---- sections ---- */

static wasm_status check_imports_and_funcs(const wasm_module *m, wasm_error *err)
{
    wasm_status st;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasm_import *im = &m->imports[i];
        switch (im->kind) {
        case WASM_EXTERN_FUNC:
            if (im->desc.func_type >= m->ntypes)
                return invalid(err, im->offset, "unknown type %u", im->desc.func_type);
            break;
        case WASM_EXTERN_TABLE:
            if ((st = check_table_limits(&im->desc.table.limits, im->offset, err)))
                return st;
            break;
        case WASM_EXTERN_MEMORY:
            if ((st = check_memory_limits(&im->desc.memory, im->offset, err)))
                return st;
            break;
        default:
            break;
        }
    }
    for (uint32_t i = 0; i < m->nfuncs; i++) {
        uint32_t t = m->func_types[m->nfunc_imports + i];
        if (t >= m->ntypes)
            return invalid(err, entry_offset(m, SEC_FUNCTION, i), "unknown type %u", t);
    }
    return WASM_OK;
}

static wasm_status check_elems(const wasm_module *m, wasm_error *err)
{
    wasm_status st;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wasm_elem *e = &m->elems[i];
        for (uint32_t k = 0; k < e->count; k++) {
            if (e->func_indices) {
                if (e->func_indices[k] >= m->nfuncs_total)
                    return invalid(err, e->offset_in_file, "unknown function %u",
                                   e->func_indices[k]);
                if (e->reftype != WASM_FUNCREF)
                    return invalid(err, e->offset_in_file,
                                   "type mismatch: function indices in a segment of element "
                                   "type externref (segment %u)",
                                   i);
            } else if (e->exprs && (st = check_const(m, &e->exprs[k], e->reftype, err))) {
                return st;
            }
        }
        if (e->mode != WASM_SEGMENT_ACTIVE)
            continue;
        if (e->table >= m->ntables)
            return invalid(err, e->offset_in_file, "unknown table %u", e->table);
        if (m->tables[e->table].elemtype != e->reftype)
            return wasm_error_set(err, WASM_ERR_INVALID, e->offset_in_file, WASM_NO_FUNC,
                                  "type mismatch: element segment's type %s does not match "
                                  "table's element type %s",
                                  vtype_name(e->reftype),
                                  vtype_name(m->tables[e->table].elemtype));
        if ((st = check_const(m, &e->offset, WASM_I32, err)))
            return st;
    }
    return WASM_OK;
}

static wasm_status check_datas(const wasm_module *m, wasm_error *err)
{
    wasm_status st;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wasm_data *d = &m->datas[i];
        if (d->mode != WASM_SEGMENT_ACTIVE)
            continue;
        if (d->memory >= m->nmemories)
            return invalid(err, d->offset_in_file, "unknown memory %u", d->memory);
        if ((st = check_const(m, &d->offset, WASM_I32, err)))
            return st;
    }
    return WASM_OK;
}

static wasm_status check_funcs(const wasm_module *m, wasm_error *err)
{
    vcode_state s;
    wasm_status st = WASM_OK;
    vcode_state_init(&s);
    for (uint32_t i = 0; i < m->nfuncs && st == WASM_OK; i++)
        st = vcode_validate_func(&s, m, i, err);
    vcode_state_free(&s);
    return st;
}

static wasm_status check_start(const wasm_module *m, wasm_error *err)
{
    if (!m->has_start)
        return WASM_OK;
    if (m->start >= m->nfuncs_total)
        return invalid(err, entry_offset(m, SEC_START, 0), "unknown function %u", m->start);
    const wasm_functype *t = &m->types[m->func_types[m->start]];
    if (t->nparams || t->nresults)
        return invalid(err, entry_offset(m, SEC_START, 0),
                       "start function must not have parameters or results (function %u)",
                       m->start);
    return WASM_OK;
}

/* An export's name, for sorting. */
typedef struct {
    const char *name;
    uint32_t len;
    uint32_t index; /* position in m->exports */
} export_name;

static int export_name_cmp(const void *pa, const void *pb)
{
    const export_name *a = pa, *b = pb;
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->name, b->name, n) : 0;
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static wasm_status check_exports(const wasm_module *m, wasm_error *err)
{
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wasm_export *e = &m->exports[i];
        switch (e->kind) {
        case WASM_EXTERN_FUNC:
            if (e->index >= m->nfuncs_total)
                return invalid(err, e->offset, "unknown function %u", e->index);
            break;
        case WASM_EXTERN_TABLE:
            if (e->index >= m->ntables)
                return invalid(err, e->offset, "unknown table %u", e->index);
            break;
        case WASM_EXTERN_MEMORY:
            if (e->index >= m->nmemories)
                return invalid(err, e->offset, "unknown memory %u", e->index);
            break;
        default:
            if (e->index >= m->nglobals_total)
                return invalid(err, e->offset, "unknown global %u", e->index);
            break;
        }
    }
    if (m->nexports < 2)
        return WASM_OK;
    /* duplicates: sort by (name, position); the error is reported at the earliest export
     * whose name an earlier export already has */
    export_name *v = malloc(m->nexports * sizeof *v);
    if (!v)
        return wasm_error_set(err, WASM_ERR_NOMEM, 0, WASM_NO_FUNC, "out of memory");
    for (uint32_t i = 0; i < m->nexports; i++)
        v[i] = (export_name){m->exports[i].name, m->exports[i].name_len, i};
    qsort(v, m->nexports, sizeof *v, export_name_cmp);
    uint32_t dup = UINT32_MAX;
    for (uint32_t i = 1; i < m->nexports; i++) {
        bool same = v[i].len == v[i - 1].len &&
                    (!v[i].len || !memcmp(v[i].name, v[i - 1].name, v[i].len));
        if (same && v[i].index < dup)
            dup = v[i].index;
    }
    free(v);
    if (dup != UINT32_MAX) {
        const wasm_export *e = &m->exports[dup];
        int shown = (int)(e->name_len > 64 ? 64 : e->name_len);
        return wasm_error_set(err, WASM_ERR_INVALID, e->offset, WASM_NO_FUNC,
                              "duplicate export name \"%.*s\"", shown, e->name);
    }
    return WASM_OK;
}

/* Where the module's second memory is declared: an import or a memory section entry. */
static size_t second_memory_offset(const wasm_module *m)
{
    if (m->nmemory_imports < 2)
        return entry_offset(m, SEC_MEMORY, 1 - m->nmemory_imports);
    for (uint32_t i = 0, k = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WASM_EXTERN_MEMORY && k++ == 1)
            return m->imports[i].offset;
    return 0;
}

static wasm_status validate_module(const wasm_module *m, wasm_error *err)
{
    wasm_status st;
    if ((st = check_imports_and_funcs(m, err)))
        return st;
    for (uint32_t i = 0; i < m->nglobals; i++)
        if ((st = check_const(m, &m->globals[i].init, m->globals[i].type.valtype, err)))
            return st;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
        if ((st = check_table_limits(&m->tables[i].limits,
                                     entry_offset(m, SEC_TABLE, i - m->ntable_imports), err)))
            return st;
    for (uint32_t i = m->nmemory_imports; i < m->nmemories; i++)
        if ((st = check_memory_limits(&m->memories[i],
                                      entry_offset(m, SEC_MEMORY, i - m->nmemory_imports), err)))
            return st;
    if ((st = check_elems(m, err)) || (st = check_datas(m, err)) || (st = check_funcs(m, err)) ||
        (st = check_start(m, err)) || (st = check_exports(m, err)))
        return st;
    if (m->nmemories > 1)
        return invalid(err, second_memory_offset(m), "multiple memories");
    return WASM_OK;
}

wasm_status loader_validate(const wasm_module *m, wasm_error *err)
{
    wasm_error_clear(err);
    wasm_status st = validate_module(m, err);
    if (st != WASM_OK && st != WASM_ERR_MALFORMED && st != WASM_ERR_NOMEM) {
        /* the spec decodes the whole module before validating: a malformed body anywhere
         * wins over a validation error */
        wasm_error first_malformed;
        wasm_error_clear(&first_malformed);
        if (vcode_find_malformed(m, &first_malformed) == WASM_ERR_MALFORMED) {
            if (err)
                *err = first_malformed;
            st = WASM_ERR_MALFORMED;
        }
    }
    return st;
}
