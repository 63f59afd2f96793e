/* Resolution of block type immediates to their parameter and result types (blocktype.h). */
#include "blocktype.h"

/* Storage for the one-result form: single_valtype[b] == b for each value type byte b, so a
 * result list of length one can point at it. */
static const uint8_t single_valtype[0x80] = {
    [WASM_I32] = WASM_I32,
    [WASM_I64] = WASM_I64,
    [WASM_F32] = WASM_F32,
    [WASM_F64] = WASM_F64,
    [WASM_V128] = WASM_V128,
    [WASM_FUNCREF] = WASM_FUNCREF,
    [WASM_EXTERNREF] = WASM_EXTERNREF,
};

bool loader_blocktype(const wasm_module *m, int64_t bt, uint32_t *nparams,
                      const uint8_t **params, uint32_t *nresults, const uint8_t **results)
{
    if (bt >= 0) {
        if (bt >= (int64_t)m->ntypes)
            return false;
        const wasm_functype *t = &m->types[bt];
        *nparams = t->nparams;
        *params = t->types;
        *nresults = t->nresults;
        *results = t->nresults ? t->types + t->nparams : NULL; /* types may be NULL */
        return true;
    }
    *nparams = 0;
    *params = NULL;
    if (bt == LOADER_BLOCKTYPE_EMPTY) {
        *nresults = 0;
        *results = NULL;
        return true;
    }
    if (bt < -0x40)
        return false;
    uint8_t b = (uint8_t)(bt + 0x80);
    if (single_valtype[b] != b)
        return false;
    *nresults = 1;
    *results = &single_valtype[b];
    return true;
}
