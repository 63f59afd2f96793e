/* loader_encode: a wasm_module back to a binary module (Wasm 2.0), the inverse of
 * loader_decode. The building block of instrumentation: decode, transform, encode.
 *
 * What the encoder reads from the module (everything else, e.g. m->bytes, func_types,
 * global_types, declared_funcs, func_names and the file offsets, is ignored):
 *   types, imports (and nfunc/ntable/nmemory/nglobal_imports, which must count them),
 *   funcs[i].type / local_types / code, tables[ntable_imports..ntables),
 *   memories[nmemory_imports..nmemories), globals, exports, has_start/start, elems,
 *   has_data_count/data_count, datas, customs.
 * So a transformer may build or edit a module freely (pointers may point anywhere) as long
 * as those fields are consistent.
 *
 * The output: magic, version, then the non-empty sections in canonical order (type, import,
 * function, table, memory, global, export, start, element, data count, code, data). The data
 * count section is written when has_data_count, and then data_count must equal ndatas. Each
 * custom section (name and bytes verbatim, `name` included) is written right after the slot
 * of the section named by its after_section, customs of one slot in their array order: so
 * decoding keeps them where they were relative to the other sections. Every integer is in
 * minimal LEB128. Constant expressions and code bytes are copied verbatim; locals are written
 * as runs of equal types. Element and data segments use the encoding (flags) that decodes
 * back to an equal segment (encode.c lists the choice).
 *
 * encode(decode(encode(m))) == encode(m) byte for byte, for every module loader_decode
 * accepts.
 */
#ifndef WVM_LOADER_ENCODE_H
#define WVM_LOADER_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "module.h"

/* A replacement for one defined function's body, for instrumentation. */
typedef struct {
    /* New instruction bytes, up to and including the final `end` (0x0B), written instead of
     * the function's code; NULL keeps funcs[i].code. Copied verbatim. */
    const uint8_t *code;
    uint32_t code_len;
    /* Types of locals declared after the function's own local_types (indices from
     * nparams + nlocals on): the locals the new code uses. May be NULL when 0. */
    const uint8_t *extra_locals;
    uint32_t nextra_locals;
} loader_func_override;

typedef struct {
    /* NULL, or m->nfuncs entries indexed by defined-function index (function index minus
     * nfunc_imports); a zeroed entry changes nothing. */
    const loader_func_override *funcs;
} loader_encode_options;

/* Encodes m into a new malloc'd buffer *out of *out_size bytes (the caller frees it).
 * Returns WASM_OK, WASM_ERR_USAGE (with a message) for a module whose fields are
 * inconsistent (see above and loader_encode_with), WASM_ERR_UNSUPPORTED for a section or body
 * larger than the format's 4 GiB, or WASM_ERR_NOMEM; *out is NULL and *out_size 0 then. */
wasm_status loader_encode(const wasm_module *m, uint8_t **out, size_t *out_size,
                          wasm_error *err);

/* loader_encode with options (opts may be NULL). Fails with WASM_ERR_USAGE (func_index set)
 * on a code override that is empty or does not end in 0x0B, or on local types that are not
 * value types. */
wasm_status loader_encode_with(const wasm_module *m, const loader_encode_options *opts,
                               uint8_t **out, size_t *out_size, wasm_error *err);

#endif
