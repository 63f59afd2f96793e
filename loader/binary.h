/* Binary-format reading helpers shared by the decoder and the validator, built on reader.h:
 * value/reference types, byte lengths, names (UTF-8 checked), instruction skipping,
 * constant-expression extents, and the conversion of a reader failure into a wasm_error.
 *
 * Like the reader, every helper returns false after recording the first problem in the
 * reader (message + offset); loader_reader_status() turns that into a status and an error.
 */
#ifndef WVM_LOADER_BINARY_H
#define WVM_LOADER_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "module.h"
#include "reader.h"

/* Messages for features wvm does not implement. A reader failing with one of these maps to
 * WASM_ERR_UNSUPPORTED instead of WASM_ERR_MALFORMED (compared by address). */
extern const char loader_msg_simd[];            /* "SIMD is not supported" */
extern const char loader_msg_shared_memory[];   /* "shared memories are not supported" */
extern const char loader_msg_too_many_locals[]; /* per-function implementation limit */
extern const char loader_msg_locals_budget[];   /* per-module implementation limit */

/* Most locals (parameters included) one function may have: an implementation limit. */
#define LOADER_MAX_LOCALS 50000u

/* Records msg at `offset` (rather than at the current position) unless an error is already
 * recorded; always returns false. */
static inline bool loader_fail_at(wasm_reader *r, size_t offset, const char *msg)
{
    if (!r->error) {
        r->error = msg;
        r->error_offset = offset;
    }
    r->pos = r->end;
    return false;
}

/* Converts the reader's recorded failure into *err and returns its status:
 * WASM_ERR_UNSUPPORTED for the loader_msg_* messages above, else WASM_ERR_MALFORMED.
 * "unexpected end" in a reader whose region (r->end) stops before the end of the file, i.e.
 * a section or body, is reported as "unexpected end of section or function". file_size is
 * the module's size. */
wasm_status loader_reader_status(const wasm_reader *r, size_t file_size, wasm_error *err);

/* A vector length: every element of every vector in the format takes at least one byte, so
 * a count larger than the bytes left in the region is rejected here ("unexpected end", at
 * the region's end) before anyone allocates for it. */
bool loader_read_count(wasm_reader *r, uint32_t *n);

/* A byte length (of a name, section, body or data segment) followed by that many bytes in
 * the region: "length out of bounds" when it exceeds the rest of the file, "unexpected end"
 * when it only exceeds the region. */
bool loader_read_len(wasm_reader *r, size_t file_size, uint32_t *n);

/* A name: a byte length then that many bytes of well-formed UTF-8. */
bool loader_read_name(wasm_reader *r, size_t file_size, const char **name, uint32_t *len);

/* Returns the index of the first byte of s[0..len) that does not start a well-formed UTF-8
 * sequence (overlong forms, surrogates D800-DFFF, code points above 10FFFF and truncated
 * sequences are ill-formed), or len when all of s is well-formed. */
size_t loader_utf8_check(const uint8_t *s, size_t len);

/* One value type byte (i32 i64 f32 f64 funcref externref); v128 is unsupported. */
bool loader_read_valtype(wasm_reader *r, uint8_t *out);

/* One reference type byte (funcref, externref). */
bool loader_read_reftype(wasm_reader *r, uint8_t *out);

/* Limits of a table (memory = false) or memory (memory = true): flags 0x00 (min) or 0x01
 * (min, max); flags 0x03 on a memory is a shared memory (unsupported). */
bool loader_read_limits(wasm_reader *r, bool memory, wasm_limits *out);

/* Skips one instruction: its opcode (0xFC prefix + u32 sub-opcode included) and its
 * immediates, as described by opcodes.def. *op_out receives the wasm_op number (the byte, or
 * WASM_OP_FC_BASE + sub-opcode). Unknown opcodes are "illegal opcode"; 0xFD (SIMD) is
 * unsupported. Checks only the encoding of immediates (LEB rules, zero bytes where 2.0
 * requires a reserved 0x00 memory index, value/reference type bytes), not their meaning. */
bool loader_skip_instruction(wasm_reader *r, uint32_t *op_out);

/* Reads a constant expression up to and including its final `end`, without checking that
 * its instructions are constant (that is validation). Nested block/loop/if ... end pairs are
 * skipped as a whole, as the spec's decoder does. */
bool loader_read_constexpr(wasm_reader *r, wasm_constexpr *out);

#endif
