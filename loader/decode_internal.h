/* Shared state of the binary decoder (decode*.c, names.c): not for use outside loader_decode. */
#ifndef WVM_LOADER_DECODE_INTERNAL_H
#define WVM_LOADER_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "binary.h"
#include "error.h"
#include "module.h"
#include "reader.h"

typedef struct {
    wasm_module *m;         /* the module being filled; always safe to loader_free */
    wasm_error *err;
    size_t size;            /* file size (m->size) */
    /* Expanded local entries the remaining bodies may still allocate in total: bounds what a
     * small file can make us allocate through compressed local declarations. */
    uint64_t locals_budget;
    bool has_code;          /* a code section was present */
    bool has_data;          /* a data section was present */
    size_t data_count_at;   /* file offset of the data count section's count */
    uint32_t ncustoms_cap;  /* allocated entries of m->customs */
} loader_decoder;

/* Every section decoder reads the section's contents from r (bounded to the section) and
 * returns WASM_OK or an error status with d->err filled. The caller checks that the whole
 * section was consumed. */
wasm_status loader_decode_types(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_imports(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_functions(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_tables(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_memories(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_globals(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_exports(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_start(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_data_count(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_code(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_elems(loader_decoder *d, wasm_reader *r);
wasm_status loader_decode_datas(loader_decoder *d, wasm_reader *r);

/* Fills m->module_name / m->func_names from the custom section c when it is a well-formed
 * `name` section; a malformed one is ignored (WASM_OK). Fails only on allocation failure. */
wasm_status loader_decode_names(loader_decoder *d, const wasm_custom *c);

/* The reader's failure as a status (see loader_reader_status). */
static inline wasm_status loader_decoder_fail(loader_decoder *d, const wasm_reader *r)
{
    return loader_reader_status(r, d->size, d->err);
}

/* Records msg at offset `at` in r and returns it as a status. */
static inline wasm_status loader_decoder_fail_at(loader_decoder *d, wasm_reader *r, size_t at,
                                                 const char *msg)
{
    loader_fail_at(r, at, msg);
    return loader_decoder_fail(d, r);
}

static inline wasm_status loader_nomem(loader_decoder *d, size_t offset)
{
    return wasm_error_set(d->err, WASM_ERR_NOMEM, offset, WASM_NO_FUNC, "out of memory");
}

/* Zeroed array of n elements; NULL for n == 0 (so failure is `n && !p`). */
static inline void *loader_calloc(size_t n, size_t size) { return n ? calloc(n, size) : NULL; }

#endif
