/* Block types of structured instructions (block, loop, if): reading the immediate and
 * resolving it to parameter and result types. Shared by the validator and the translator.
 *
 * A block type immediate is kept as its s33 value: -64 (byte 0x40) for [] -> [], a negative
 * one-byte value for [] -> [t] (the value type byte is bt & 0x7F, e.g. -1 = 0x7F = i32), or a
 * non-negative type index for a function type [params] -> [results].
 */
#ifndef WVM_LOADER_BLOCKTYPE_H
#define WVM_LOADER_BLOCKTYPE_H

#include <stdbool.h>
#include <stdint.h>

#include "binary.h"
#include "module.h"
#include "reader.h"

#define LOADER_BLOCKTYPE_EMPTY (-64)

/* Reads a block type immediate: 0x40, a one-byte value type, or a non-negative s33 type
 * index. Any other encoding is malformed ("malformed block type"); v128 fails with
 * loader_msg_simd (unsupported). Does not check that a type index exists. */
static inline bool loader_read_blocktype(wasm_reader *r, int64_t *bt)
{
    if (r->pos < r->end && (*r->pos & 0xC0) == 0x40) {
        /* one byte, sign bit set, no continuation: the empty type or a value type */
        uint8_t b = *r->pos;
        switch (b) {
        case 0x40:
        case WASM_I32:
        case WASM_I64:
        case WASM_F32:
        case WASM_F64:
        case WASM_FUNCREF:
        case WASM_EXTERNREF:
            r->pos++;
            *bt = (int64_t)b - 0x80;
            return true;
        case WASM_V128:
            return loader_fail_at(r, reader_offset(r), loader_msg_simd);
        default:
            return loader_fail_at(r, reader_offset(r), "malformed block type");
        }
    }
    size_t at = reader_offset(r);
    if (!reader_sleb(r, 33, bt))
        return false;
    if (*bt < 0)
        return loader_fail_at(r, at, "malformed block type");
    return true;
}

/* Resolves block type bt (as read by loader_read_blocktype) in module m. params/results point
 * into the module's type section or into static storage, and live as long as m. Returns false
 * when bt is a type index out of range or not a block type encoding. */
bool loader_blocktype(const wasm_module *m, int64_t bt, uint32_t *nparams,
                      const uint8_t **params, uint32_t *nresults, const uint8_t **results);

#endif
