/* A growable byte buffer with the binary format's LEB128 writers: the encoder's counterpart
 * of reader.h.
 *
 * Every write either succeeds or sets the sticky `oom` flag and drops the bytes; later writes
 * on a failed writer do nothing, so callers may check once after a sequence of writes. All
 * integers are written in their minimal LEB128 form (the shortest encoding, which reader.h
 * accepts for every value of the integer's width).
 */
#ifndef WVM_LOADER_WRITER_H
#define WVM_LOADER_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *data;  /* NULL or cap allocated bytes, of which the first len are written */
    size_t len;
    size_t cap;
    bool oom;       /* an allocation failed: data holds what was written before it */
} wasm_writer;

/* A zeroed writer is a valid empty one; writer_init only spells that out. */
static inline void writer_init(wasm_writer *w) { memset(w, 0, sizeof *w); }

static inline void writer_free(wasm_writer *w)
{
    free(w->data);
    writer_init(w);
}

/* Hands the written bytes over to the caller (who frees them) and empties the writer. Never
 * NULL on success, even for no bytes. Returns NULL (and frees everything) after an oom. */
static inline uint8_t *writer_take(wasm_writer *w, size_t *len)
{
    if (w->oom || (!w->data && !(w->data = malloc(1)))) {
        writer_free(w);
        *len = 0;
        return NULL;
    }
    uint8_t *p = w->data;
    *len = w->len;
    writer_init(w);
    return p;
}

/* Makes room for n more bytes. */
static inline bool writer_reserve(wasm_writer *w, size_t n)
{
    if (w->oom)
        return false;
    if (n <= w->cap - w->len)
        return true;
    if (n > SIZE_MAX / 2 - w->len) {
        w->oom = true;
        return false;
    }
    size_t cap = w->cap ? w->cap : 64;
    while (cap - w->len < n)
        cap *= 2;
    uint8_t *p = realloc(w->data, cap);
    if (!p) {
        w->oom = true;
        return false;
    }
    w->data = p;
    w->cap = cap;
    return true;
}

static inline void writer_u8(wasm_writer *w, uint8_t b)
{
    if (writer_reserve(w, 1))
        w->data[w->len++] = b;
}

static inline void writer_bytes(wasm_writer *w, const void *p, size_t n)
{
    if (n && writer_reserve(w, n)) {
        memcpy(w->data + w->len, p, n);
        w->len += n;
    }
}

/* Bytes of the minimal unsigned LEB128 encoding of v (1 to 10). */
static inline size_t writer_uleb_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Encodes v as minimal unsigned LEB128 into out (at least 10 bytes); returns the length. */
static inline size_t writer_encode_uleb(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        out[n++] = v ? (uint8_t)(b | 0x80) : b;
    } while (v);
    return n;
}

static inline void writer_uleb(wasm_writer *w, uint64_t v)
{
    uint8_t buf[10];
    writer_bytes(w, buf, writer_encode_uleb(buf, v));
}

/* Minimal signed LEB128: stops as soon as the remaining bits are all copies of the sign bit
 * of the last byte written. */
static inline void writer_sleb(wasm_writer *w, int64_t v)
{
    uint8_t buf[10];
    size_t n = 0;
    for (;;) {
        uint8_t b = (uint8_t)((uint64_t)v & 0x7F);
        /* arithmetic shift, spelled out: >> on a negative int64_t is implementation-defined */
        v = v < 0 ? ~(~v >> 7) : v >> 7;
        bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
        buf[n++] = done ? b : (uint8_t)(b | 0x80);
        if (done)
            break;
    }
    writer_bytes(w, buf, n);
}

static inline void writer_u32(wasm_writer *w, uint32_t v) { writer_uleb(w, v); }
static inline void writer_s32(wasm_writer *w, int32_t v) { writer_sleb(w, v); }
static inline void writer_s64(wasm_writer *w, int64_t v) { writer_sleb(w, v); }

/* Inserts the minimal unsigned LEB128 of v at position at (<= len), moving the bytes after
 * it: how a section or body gets its size prefix once its contents are written. */
static inline void writer_insert_uleb(wasm_writer *w, size_t at, uint64_t v)
{
    uint8_t buf[10];
    size_t n = writer_encode_uleb(buf, v);
    if (!writer_reserve(w, n))
        return;
    memmove(w->data + at + n, w->data + at, w->len - at);
    memcpy(w->data + at, buf, n);
    w->len += n;
}

#endif
