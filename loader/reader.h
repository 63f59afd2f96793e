/* A bounds-checked cursor over module bytes, with the binary format's LEB128 rules.
 *
 * Every read either succeeds or records the first malformation (message and file offset) in
 * the reader and returns false; later reads on a failed reader keep failing, so callers may
 * check once after a sequence of reads.
 */
#ifndef WVM_LOADER_READER_H
#define WVM_LOADER_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const uint8_t *base;    /* start of the whole module: offsets are relative to it */
    const uint8_t *pos;
    const uint8_t *end;     /* end of the region being read (a section, a body, ...) */
    const char *error;      /* first malformation, a static string; NULL while fine */
    size_t error_offset;
} wasm_reader;

static inline void reader_init(wasm_reader *r, const uint8_t *base, const uint8_t *pos,
                               const uint8_t *end)
{
    r->base = base;
    r->pos = pos;
    r->end = end;
    r->error = NULL;
    r->error_offset = 0;
}

static inline size_t reader_offset(const wasm_reader *r) { return (size_t)(r->pos - r->base); }
static inline bool reader_eof(const wasm_reader *r) { return r->pos >= r->end; }
static inline size_t reader_left(const wasm_reader *r) { return (size_t)(r->end - r->pos); }

static inline bool reader_fail(wasm_reader *r, const char *msg)
{
    if (!r->error) {
        r->error = msg;
        r->error_offset = reader_offset(r);
    }
    r->pos = r->end;
    return false;
}

static inline bool reader_u8(wasm_reader *r, uint8_t *out)
{
    if (r->pos >= r->end)
        return reader_fail(r, "unexpected end");
    *out = *r->pos++;
    return true;
}

static inline bool reader_bytes(wasm_reader *r, size_t n, const uint8_t **out)
{
    if (reader_left(r) < n)
        return reader_fail(r, "unexpected end");
    *out = r->pos;
    r->pos += n;
    return true;
}

/* The LEB128 readers take a one-byte encoding (the common case, and valid for every width
 * read here: 32, 33 or 64 bits) on a short path, before the general loop. */
static inline bool reader_one_byte(const wasm_reader *r)
{
    return __builtin_expect(r->pos < r->end && *r->pos < 0x80, 1);
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64). Rejects encodings longer than
 * ceil(bits/7) bytes ("integer representation too long") and unused bits set in the final
 * byte ("integer too large"). */
static inline bool reader_uleb_slow(wasm_reader *r, unsigned bits, uint64_t *out)
{
    uint64_t result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0;; i++) {
        uint8_t b;
        if (r->pos >= r->end)
            return reader_fail(r, i ? "unexpected end" : "unexpected end");
        b = *r->pos++;
        if (i == max_bytes - 1) {
            /* last permitted byte: continuation bit and unused high bits must be zero */
            if (b & 0x80)
                return r->pos--, reader_fail(r, "integer representation too long");
            unsigned used = bits - shift;
            if (used < 7 && (b >> used) != 0)
                return r->pos--, reader_fail(r, "integer too large");
        }
        result |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    *out = result;
    return true;
}

static inline bool reader_uleb(wasm_reader *r, unsigned bits, uint64_t *out)
{
    if (reader_one_byte(r)) {
        *out = *r->pos++;
        return true;
    }
    return reader_uleb_slow(r, bits, out);
}

/* Signed LEB128 of at most `bits` bits (32, 33 or 64). The unused bits of the final
 * permitted byte must all equal the sign bit. */
static inline bool reader_sleb_slow(wasm_reader *r, unsigned bits, int64_t *out)
{
    uint64_t result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    uint8_t b;
    for (unsigned i = 0;; i++) {
        if (r->pos >= r->end)
            return reader_fail(r, "unexpected end");
        b = *r->pos++;
        if (i == max_bytes - 1) {
            if (b & 0x80)
                return r->pos--, reader_fail(r, "integer representation too long");
            unsigned used = bits - shift; /* value bits in this byte, sign included */
            if (used < 7) {
                /* bits [used-1 .. 6] must be all zeros or all ones */
                uint8_t mask = (uint8_t)(0x7F & ~((1u << (used - 1)) - 1));
                uint8_t top = b & mask;
                if (top != 0 && top != mask)
                    return r->pos--, reader_fail(r, "integer too large");
            }
        }
        result |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (shift < 64 && (b & 0x40))
        result |= ~(uint64_t)0 << shift;
    *out = (int64_t)result;
    return true;
}

static inline bool reader_sleb(wasm_reader *r, unsigned bits, int64_t *out)
{
    if (reader_one_byte(r)) {
        uint8_t b = *r->pos++;
        *out = (int64_t)(b & 0x3F) - (int64_t)(b & 0x40); /* bit 6 is the sign */
        return true;
    }
    return reader_sleb_slow(r, bits, out);
}

static inline bool reader_u32(wasm_reader *r, uint32_t *out)
{
    uint64_t v = 0;
    if (!reader_uleb(r, 32, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static inline bool reader_s32(wasm_reader *r, int32_t *out)
{
    int64_t v = 0;
    if (!reader_sleb(r, 32, &v))
        return false;
    *out = (int32_t)v;
    return true;
}

static inline bool reader_s64(wasm_reader *r, int64_t *out) { return reader_sleb(r, 64, out); }

static inline bool reader_f32(wasm_reader *r, uint32_t *bits)
{
    const uint8_t *p;
    if (!reader_bytes(r, 4, &p))
        return false;
    *bits = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return true;
}

static inline bool reader_f64(wasm_reader *r, uint64_t *bits)
{
    const uint8_t *p;
    if (!reader_bytes(r, 8, &p))
        return false;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    *bits = v;
    return true;
}

#endif
