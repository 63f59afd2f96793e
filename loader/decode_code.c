/* Decoder of the code section: per body its size, its local declarations (expanded into
 * local_types) and the extent of its instructions. The instructions themselves are decoded
 * by the validator. */
#include "decode_internal.h"

#include <string.h>

/* Decodes one body from b (bounded to the body). func is m->funcs[i]. */
static wasm_status decode_body(loader_decoder *d, wasm_reader *b, wasm_func *func)
{
    const wasm_module *m = d->m;
    size_t locals_at = reader_offset(b);
    uint32_t ngroups, count = 0;
    uint8_t type = 0;
    if (!loader_read_count(b, &ngroups))
        return loader_decoder_fail(d, b);
    const uint8_t *groups = b->pos;
    uint64_t nparams = func->type < m->ntypes ? m->types[func->type].nparams : 0;
    uint64_t declared = 0;
    for (uint32_t g = 0; g < ngroups; g++) {
        if (!reader_u32(b, &count) || !loader_read_valtype(b, &type))
            return loader_decoder_fail(d, b);
        declared += count;
    }
    if (nparams + declared > UINT32_MAX)
        return loader_decoder_fail_at(d, b, locals_at, "too many locals");
    if (nparams + declared > LOADER_MAX_LOCALS)
        return loader_decoder_fail_at(d, b, locals_at, loader_msg_too_many_locals);
    if (declared > d->locals_budget)
        return loader_decoder_fail_at(d, b, locals_at, loader_msg_locals_budget);
    d->locals_budget -= declared;

    func->local_types = loader_calloc((size_t)declared, 1);
    if (declared && !func->local_types)
        return loader_nomem(d, locals_at);
    func->nlocals = (uint32_t)declared;
    /* second pass over the groups, already checked */
    wasm_reader g;
    reader_init(&g, b->base, groups, b->pos);
    uint32_t k = 0;
    for (uint32_t i = 0; i < ngroups; i++) {
        (void)reader_u32(&g, &count);
        (void)reader_u8(&g, &type);
        if (count) {
            memset(func->local_types + k, type, count);
            k += count;
        }
    }

    func->code = b->pos;
    func->code_len = (uint32_t)reader_left(b);
    func->code_offset = reader_offset(b);
    if (func->code_len == 0)
        return loader_decoder_fail_at(d, b, reader_offset(b), "unexpected end");
    if (b->end[-1] != 0x0B)
        return loader_decoder_fail_at(d, b, (size_t)(b->end - b->base) - 1,
                                      "END opcode expected");
    b->pos = b->end;
    return WASM_OK;
}

wasm_status loader_decode_code(loader_decoder *d, wasm_reader *r)
{
    wasm_module *m = d->m;
    size_t at = reader_offset(r);
    uint32_t n;
    d->has_code = true;
    if (!loader_read_count(r, &n))
        return loader_decoder_fail(d, r);
    if (n != m->nfuncs)
        return wasm_error_set(d->err, WASM_ERR_MALFORMED, at, WASM_NO_FUNC,
                              "function and code section have inconsistent lengths");
    for (uint32_t i = 0; i < n; i++) {
        wasm_func *func = &m->funcs[i];
        uint32_t size;
        func->body_offset = reader_offset(r);
        if (!loader_read_len(r, d->size, &size))
            return loader_decoder_fail(d, r);
        wasm_reader b;
        reader_init(&b, r->base, r->pos, r->pos + size);
        r->pos += size;
        wasm_status st = decode_body(d, &b, func);
        if (st != WASM_OK) {
            if (d->err && st != WASM_ERR_NOMEM)
                d->err->func_index = m->nfunc_imports + i;
            return st;
        }
    }
    return WASM_OK;
}
