/* Unit tests of the binary encoder (loader/encode.c) and of the LEB128 writers of
 * loader/writer.h, read back through loader/reader.h and loader_decode. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/encode.h"
#include "../loader/module.h"
#include "../loader/reader.h"
#include "../loader/writer.h"

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00

/* ---- helpers ---- */

static void decode_ok(const uint8_t *bytes, size_t size, wasm_module *m)
{
    wasm_error e;
    wasm_error_clear(&e);
    wasm_status st = loader_decode(bytes, size, m, &e);
    cr_assert_eq(st, WASM_OK, "decode failed: %s at %zu", e.message, e.offset);
}

/* Encodes m; the caller frees *out. */
static void encode_ok(const wasm_module *m, const loader_encode_options *opts, uint8_t **out,
                      size_t *size)
{
    wasm_error e;
    wasm_error_clear(&e);
    wasm_status st = loader_encode_with(m, opts, out, size, &e);
    cr_assert_eq(st, WASM_OK, "encode failed: %s", e.message);
    cr_assert_not_null(*out);
}

/* decode(bytes) then encode: the caller frees the result. */
static uint8_t *reencode(const uint8_t *bytes, size_t size, size_t *out_size)
{
    wasm_module m;
    uint8_t *out;
    decode_ok(bytes, size, &m);
    encode_ok(&m, NULL, &out, out_size);
    loader_free(&m);
    return out;
}

static void assert_bytes(const uint8_t *got, size_t got_size, const uint8_t *want,
                         size_t want_size)
{
    cr_assert_eq(got_size, want_size, "size %zu, want %zu", got_size, want_size);
    for (size_t i = 0; i < want_size; i++)
        cr_assert_eq(got[i], want[i], "byte %zu: 0x%02X, want 0x%02X", i, got[i], want[i]);
}

/* A minimally encoded module must come back byte for byte. */
static void assert_identical(const uint8_t *bytes, size_t size)
{
    size_t n;
    uint8_t *out = reencode(bytes, size, &n);
    assert_bytes(out, n, bytes, size);
    free(out);
}

#define IDENTICAL(arr) assert_identical(arr, sizeof arr)

/* Writes v with `write`, checks the length and reads it back with `read`. */
#define LEB_CASE(write, read, type, v, want_len)                                          \
    do {                                                                                  \
        wasm_writer w = {0};                                                              \
        write(&w, v);                                                                     \
        cr_assert(!w.oom);                                                                \
        cr_assert_eq(w.len, (size_t)(want_len), #write "(%s): %zu bytes, want %d", #v,    \
                     w.len, (int)(want_len));                                             \
        wasm_reader r;                                                                    \
        reader_init(&r, w.data, w.data, w.data + w.len);                                  \
        type got;                                                                         \
        cr_assert(read(&r, &got), #read " of " #v ": %s", r.error);                       \
        cr_assert_eq(got, (type)(v));                                                     \
        cr_assert(reader_eof(&r));                                                        \
        writer_free(&w);                                                                  \
    } while (0)

static bool read_u64(wasm_reader *r, uint64_t *out) { return reader_uleb(r, 64, out); }

/* ---- LEB128 writers ---- */

Test(encoder, leb_unsigned_edges)
{
    LEB_CASE(writer_u32, reader_u32, uint32_t, 0u, 1);
    LEB_CASE(writer_u32, reader_u32, uint32_t, 127u, 1);
    LEB_CASE(writer_u32, reader_u32, uint32_t, 128u, 2);
    LEB_CASE(writer_u32, reader_u32, uint32_t, 16383u, 2);
    LEB_CASE(writer_u32, reader_u32, uint32_t, 16384u, 3);
    LEB_CASE(writer_u32, reader_u32, uint32_t, UINT32_MAX, 5);
    LEB_CASE(writer_uleb, read_u64, uint64_t, UINT64_MAX, 10);
    LEB_CASE(writer_uleb, read_u64, uint64_t, (uint64_t)1 << 63, 10);
    cr_assert_eq(writer_uleb_size(0), 1);
    cr_assert_eq(writer_uleb_size(UINT32_MAX), 5);

    /* the exact bytes of two boundaries */
    wasm_writer w = {0};
    writer_u32(&w, 128);
    writer_u32(&w, UINT32_MAX);
    static const uint8_t want[] = {0x80, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
    assert_bytes(w.data, w.len, want, sizeof want);
    writer_free(&w);
}

Test(encoder, leb_signed_edges)
{
    LEB_CASE(writer_s32, reader_s32, int32_t, 0, 1);
    LEB_CASE(writer_s32, reader_s32, int32_t, -1, 1);
    LEB_CASE(writer_s32, reader_s32, int32_t, 63, 1);
    LEB_CASE(writer_s32, reader_s32, int32_t, 64, 2); /* bit 6 set: needs a sign byte */
    LEB_CASE(writer_s32, reader_s32, int32_t, -64, 1);
    LEB_CASE(writer_s32, reader_s32, int32_t, -65, 2);
    LEB_CASE(writer_s32, reader_s32, int32_t, 8191, 2);
    LEB_CASE(writer_s32, reader_s32, int32_t, -8193, 3);
    LEB_CASE(writer_s32, reader_s32, int32_t, INT32_MAX, 5);
    LEB_CASE(writer_s32, reader_s32, int32_t, INT32_MIN, 5);
    LEB_CASE(writer_s64, reader_s64, int64_t, INT64_MAX, 10);
    LEB_CASE(writer_s64, reader_s64, int64_t, INT64_MIN, 10);
    LEB_CASE(writer_s64, reader_s64, int64_t, (int64_t)INT32_MIN - 1, 5);
    /* 9 bytes hold 63 bits: -2^62 .. 2^62-1 */
    LEB_CASE(writer_s64, reader_s64, int64_t, ((int64_t)1 << 62) - 1, 9);
    LEB_CASE(writer_s64, reader_s64, int64_t, (int64_t)1 << 62, 10);
    LEB_CASE(writer_s64, reader_s64, int64_t, -((int64_t)1 << 62), 9);
    LEB_CASE(writer_s64, reader_s64, int64_t, -((int64_t)1 << 62) - 1, 10);

    wasm_writer w = {0};
    writer_s32(&w, INT32_MIN);
    writer_s32(&w, -65);
    static const uint8_t want[] = {0x80, 0x80, 0x80, 0x80, 0x78, 0xBF, 0x7F};
    assert_bytes(w.data, w.len, want, sizeof want);
    writer_free(&w);
}

Test(encoder, writer_insert_and_take)
{
    wasm_writer w = {0};
    size_t n = 99;
    uint8_t *p = writer_take(&w, &n); /* nothing written: an empty, non-NULL buffer */
    cr_assert_not_null(p);
    cr_assert_eq(n, 0);
    free(p);

    writer_u8(&w, 0xAA);
    for (int i = 0; i < 200; i++)
        writer_u8(&w, (uint8_t)i);
    writer_insert_uleb(&w, 1, 200); /* a size prefix in front of the 200 bytes */
    cr_assert_eq(w.len, 203);
    cr_assert_eq(w.data[0], 0xAA);
    cr_assert_eq(w.data[1], 0xC8);
    cr_assert_eq(w.data[2], 0x01);
    cr_assert_eq(w.data[3], 0);
    cr_assert_eq(w.data[202], 199);
    p = writer_take(&w, &n);
    cr_assert_eq(n, 203);
    cr_assert_null(w.data);
    free(p);
}

/* ---- element segments: every encoding ---- */

/* HDR + an element section holding one segment seg[0..len) (len < 126). */
static size_t elem_module(uint8_t *buf, const uint8_t *seg, size_t len)
{
    static const uint8_t hdr[] = {HDR};
    memcpy(buf, hdr, 8);
    buf[8] = 0x09;
    buf[9] = (uint8_t)(len + 1);
    buf[10] = 0x01;
    memcpy(buf + 11, seg, len);
    return 11 + len;
}

static void assert_same_elem(const wasm_elem *a, const wasm_elem *b)
{
    cr_assert_eq(a->mode, b->mode);
    cr_assert_eq(a->reftype, b->reftype);
    cr_assert_eq(a->table, b->table);
    cr_assert_eq(a->count, b->count);
    cr_assert_eq(a->offset.len, b->offset.len);
    if (a->offset.len)
        cr_assert_arr_eq(a->offset.code, b->offset.code, a->offset.len);
    cr_assert_eq(a->func_indices == NULL, b->func_indices == NULL);
    cr_assert_eq(a->exprs == NULL, b->exprs == NULL);
    for (uint32_t i = 0; i < a->count; i++) {
        if (a->func_indices)
            cr_assert_eq(a->func_indices[i], b->func_indices[i]);
        if (a->exprs) {
            cr_assert_eq(a->exprs[i].len, b->exprs[i].len);
            cr_assert_arr_eq(a->exprs[i].code, b->exprs[i].code, a->exprs[i].len);
        }
    }
}

/* The segment decodes, encodes to `want` (the same segment when want is NULL) and decodes
 * back to an equal wasm_elem. */
static void check_elem(const uint8_t *seg, size_t len, const uint8_t *want, size_t want_len)
{
    uint8_t in[160], expect[160];
    size_t n = elem_module(in, seg, len);
    size_t expect_n = want ? elem_module(expect, want, want_len) : elem_module(expect, seg, len);
    wasm_module a, b;
    decode_ok(in, n, &a);
    uint8_t *out;
    size_t out_n;
    encode_ok(&a, NULL, &out, &out_n);
    assert_bytes(out, out_n, expect, expect_n);
    decode_ok(out, out_n, &b);
    cr_assert_eq(a.nelems, 1);
    cr_assert_eq(b.nelems, 1);
    assert_same_elem(&a.elems[0], &b.elems[0]);
    loader_free(&a);
    loader_free(&b);
    free(out);
}

#define ELEM_SAME(...)                                         \
    do {                                                       \
        static const uint8_t seg[] = {__VA_ARGS__};            \
        check_elem(seg, sizeof seg, NULL, 0);                  \
    } while (0)

Test(encoder, elem_all_eight_encodings)
{
    /* 0: active table 0, offset, function indices */
    ELEM_SAME(0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x01);
    /* 1: passive, elemkind, function indices */
    ELEM_SAME(0x01, 0x00, 0x01, 0x05);
    /* 2: active table 1, offset, elemkind, function indices */
    ELEM_SAME(0x02, 0x01, 0x41, 0x07, 0x0B, 0x00, 0x01, 0x00);
    /* 3: declarative, elemkind, function indices */
    ELEM_SAME(0x03, 0x00, 0x01, 0x00);
    /* 4: active table 0, offset, expressions (funcref) */
    ELEM_SAME(0x04, 0x41, 0x00, 0x0B, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B);
    /* 5: passive, reftype, expressions */
    ELEM_SAME(0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B);
    /* 6: active table 2, offset, reftype, expressions */
    ELEM_SAME(0x06, 0x02, 0x41, 0x00, 0x0B, 0x70, 0x01, 0xD2, 0x00, 0x0B);
    /* 6 with table 0: externref cannot use flags 4 */
    ELEM_SAME(0x06, 0x00, 0x41, 0x00, 0x0B, 0x6F, 0x01, 0xD0, 0x6F, 0x0B);
    /* 7: declarative, reftype, expressions */
    ELEM_SAME(0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B);
    /* empty segments: no item array at all after decoding */
    ELEM_SAME(0x01, 0x00, 0x00);
    ELEM_SAME(0x05, 0x6F, 0x00);
    ELEM_SAME(0x00, 0x41, 0x00, 0x0B, 0x00);
}

Test(encoder, elem_redundant_encodings_become_the_shortest)
{
    /* 2 with table 0 -> 0 */
    static const uint8_t t0[] = {0x02, 0x00, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x03};
    static const uint8_t t0_want[] = {0x00, 0x41, 0x00, 0x0B, 0x01, 0x03};
    check_elem(t0, sizeof t0, t0_want, sizeof t0_want);
    /* 6 with table 0 and funcref -> 4 */
    static const uint8_t e0[] = {0x06, 0x00, 0x41, 0x00, 0x0B, 0x70, 0x01, 0xD2, 0x00, 0x0B};
    static const uint8_t e0_want[] = {0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B};
    check_elem(e0, sizeof e0, e0_want, sizeof e0_want);
    /* 5 with funcref and no items -> 1 (the same empty funcref segment) */
    static const uint8_t p0[] = {0x05, 0x70, 0x00};
    static const uint8_t p0_want[] = {0x01, 0x00, 0x00};
    check_elem(p0, sizeof p0, p0_want, sizeof p0_want);
    /* padded LEB128 flags and index -> minimal */
    static const uint8_t pad[] = {0x81, 0x00, 0x00, 0x01, 0x85, 0x80, 0x00};
    static const uint8_t pad_want[] = {0x01, 0x00, 0x01, 0x05};
    check_elem(pad, sizeof pad, pad_want, sizeof pad_want);
}

/* ---- code: locals compression and overrides ---- */

/* type () -> (), one function whose body declares locals (2 i32)(0 i64)(1 i32)(3 f32)(1 f32)
 * and is `nop end`. */
static const uint8_t locals_module[] = {
    HDR,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,       /* type */
    0x03, 0x02, 0x01, 0x00,                   /* function */
    0x0A, 0x0F, 0x01,                         /* code: 1 body */
    0x0D, 0x05, 0x02, 0x7F, 0x00, 0x7E, 0x01, 0x7F, 0x03, 0x7D, 0x01, 0x7D, 0x01, 0x0B,
};

Test(encoder, locals_compressed_into_runs)
{
    static const uint8_t want[] = {
        HDR,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x00,
        0x0A, 0x09, 0x01,
        0x07, 0x02, 0x03, 0x7F, 0x04, 0x7D, 0x01, 0x0B,
    };
    size_t n;
    uint8_t *out = reencode(locals_module, sizeof locals_module, &n);
    assert_bytes(out, n, want, sizeof want);
    wasm_module m;
    decode_ok(out, n, &m);
    static const uint8_t types[] = {0x7F, 0x7F, 0x7F, 0x7D, 0x7D, 0x7D, 0x7D};
    cr_assert_eq(m.funcs[0].nlocals, 7);
    cr_assert_arr_eq(m.funcs[0].local_types, types, 7);
    loader_free(&m);
    free(out);
}

Test(encoder, code_override_and_extra_locals)
{
    wasm_module m;
    decode_ok(locals_module, sizeof locals_module, &m);
    static const uint8_t code[] = {0x20, 0x07, 0x1A, 0x0B}; /* local.get 7 drop end */
    static const uint8_t extra[] = {0x7D, 0x7E};            /* f32 joins the last run */
    loader_func_override ov = {.code = code, .code_len = sizeof code,
                               .extra_locals = extra, .nextra_locals = 2};
    loader_encode_options opts = {.funcs = &ov};
    uint8_t *out;
    size_t n;
    encode_ok(&m, &opts, &out, &n);
    static const uint8_t want[] = {
        HDR,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x00,
        0x0A, 0x0D, 0x01,
        0x0B, 0x03, 0x03, 0x7F, 0x05, 0x7D, 0x01, 0x7E, 0x20, 0x07, 0x1A, 0x0B,
    };
    assert_bytes(out, n, want, sizeof want);
    wasm_module b;
    decode_ok(out, n, &b);
    cr_assert_eq(b.funcs[0].nlocals, 9);
    cr_assert_eq(b.funcs[0].local_types[8], 0x7E);
    cr_assert_eq(b.funcs[0].code_len, sizeof code);
    cr_assert_arr_eq(b.funcs[0].code, code, sizeof code);
    loader_free(&b);
    free(out);

    /* a zeroed override changes nothing */
    loader_func_override none = {0};
    opts.funcs = &none;
    encode_ok(&m, &opts, &out, &n);
    size_t plain_n;
    uint8_t *plain = reencode(locals_module, sizeof locals_module, &plain_n);
    assert_bytes(out, n, plain, plain_n);
    free(plain);
    free(out);
    loader_free(&m);
}

/* ---- custom sections ---- */

Test(encoder, customs_keep_their_places)
{
    static const uint8_t b[] = {
        HDR,
        0x00, 0x03, 0x01, 'a', 0x01,              /* custom "a" first */
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,       /* type */
        0x00, 0x03, 0x01, 'b', 0x02,              /* custom "b" after type */
        0x00, 0x02, 0x01, 'c',                    /* custom "c" after type, empty */
        0x03, 0x02, 0x01, 0x00,                   /* function */
        0x05, 0x03, 0x01, 0x00, 0x01,             /* memory */
        0x0C, 0x01, 0x01,                         /* data count */
        0x00, 0x03, 0x01, 'd', 0x03,              /* custom "d" after data count */
        0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,       /* code */
        0x00, 0x03, 0x01, 'e', 0x04,              /* custom "e" after code */
        0x0B, 0x04, 0x01, 0x01, 0x01, 0x2A,       /* data: passive, 1 byte */
        0x00, 0x03, 0x01, 'f', 0x05,              /* custom "f" last */
        /* a well-formed name section: module name "m", function 0 named "g" */
        0x00, 0x0F, 0x04, 'n', 'a', 'm', 'e',
        0x00, 0x02, 0x01, 'm',
        0x01, 0x04, 0x01, 0x00, 0x01, 'g',
    };
    IDENTICAL(b);
    wasm_module m;
    decode_ok(b, sizeof b, &m);
    cr_assert_eq(m.ncustoms, 7);
    cr_assert_eq(m.module_name_len, 1);
    cr_assert_eq(m.nfunc_names, 1);
    loader_free(&m);
}

Test(encoder, custom_after_an_absent_section)
{
    /* A built module: customs after sections that are not written (start, element) land in
     * the slot of that section; customs of one slot keep their array order. */
    static const uint8_t t_types[] = {0};
    wasm_functype type = {.types = (uint8_t *)t_types};
    wasm_custom customs[] = {
        {.name = "z", .name_len = 1, .after_section = 11},
        {.name = "x", .name_len = 1, .after_section = 8},
        {.name = "y", .name_len = 1, .after_section = 8},
        {.name = "w", .name_len = 1, .after_section = 1},
        {.name = "v", .name_len = 1, .after_section = 0},
    };
    wasm_module m = {.types = &type, .ntypes = 1, .customs = customs, .ncustoms = 5};
    uint8_t *out;
    size_t n;
    encode_ok(&m, NULL, &out, &n);
    static const uint8_t want[] = {
        HDR,
        0x00, 0x02, 0x01, 'v',
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x00, 0x02, 0x01, 'w',
        0x00, 0x02, 0x01, 'x',
        0x00, 0x02, 0x01, 'y',
        0x00, 0x02, 0x01, 'z',
    };
    assert_bytes(out, n, want, sizeof want);
    free(out);
}

/* ---- a module with every section ---- */

Test(encoder, every_section_byte_for_byte)
{
    static const uint8_t b[] = {
        HDR,
        0x00, 0x04, 0x03, 'h', 'i', '!',
        /* type: () -> (), (i32 i64) -> (f32) */
        0x01, 0x0A, 0x02, 0x60, 0x00, 0x00, 0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D,
        /* import: func "m" "f" type 0, table "m" "t" funcref 1..2, memory "m" "mem" 1,
         * global "m" "g" mut i32 */
        0x02, 0x20, 0x04,
        0x01, 'm', 0x01, 'f', 0x00, 0x00,
        0x01, 'm', 0x01, 't', 0x01, 0x70, 0x01, 0x01, 0x02,
        0x01, 'm', 0x03, 'm', 'e', 'm', 0x02, 0x00, 0x01,
        0x01, 'm', 0x01, 'g', 0x03, 0x7F, 0x01,
        /* function: 2 of type 0, 1 */
        0x03, 0x03, 0x02, 0x00, 0x01,
        /* table: externref 0 */
        0x04, 0x04, 0x01, 0x6F, 0x00, 0x00,
        /* memory: 0..65536 (a multi-byte max) */
        0x05, 0x06, 0x01, 0x01, 0x00, 0x80, 0x80, 0x04,
        /* global: i64 const -129, f32 0.0 */
        0x06, 0x0F, 0x02, 0x7E, 0x00, 0x42, 0xFF, 0x7E, 0x0B, 0x7D, 0x01, 0x43, 0x00, 0x00,
        0x00, 0x00, 0x0B,
        /* export: "e" func 1, "mem" memory 0 */
        0x07, 0x0B, 0x02, 0x01, 'e', 0x00, 0x01, 0x03, 'm', 'e', 'm', 0x02, 0x00,
        /* start: 1 */
        0x08, 0x01, 0x01,
        0x00, 0x02, 0x01, 's',
        /* element: flags 0 and 3 */
        0x09, 0x0A, 0x02, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x02, 0x03, 0x00, 0x00,
        /* data count: 2 */
        0x0C, 0x01, 0x02,
        /* code: body 0 has (1 i32)(2 f64); body 1 none */
        0x0A, 0x0E, 0x02,
        0x08, 0x02, 0x01, 0x7F, 0x02, 0x7C, 0x01, 0x01, 0x0B,
        0x03, 0x00, 0x01, 0x0B,
        /* data: active memory 0 "ab", passive "" */
        0x0B, 0x0A, 0x02, 0x00, 0x41, 0x10, 0x0B, 0x02, 'a', 'b', 0x01, 0x00,
        0x00, 0x02, 0x01, 'z',
    };
    IDENTICAL(b);
}

Test(encoder, reencoding_is_a_fixed_point)
{
    /* A module that is not minimal (padded LEB, split local runs) changes once, then not. */
    size_t n1, n2;
    uint8_t *once = reencode(locals_module, sizeof locals_module, &n1);
    uint8_t *twice = reencode(once, n1, &n2);
    assert_bytes(twice, n2, once, n1);
    cr_assert_lt(n1, sizeof locals_module);
    free(once);
    free(twice);
}

Test(encoder, empty_module)
{
    static const uint8_t b[] = {HDR};
    IDENTICAL(b);
    /* empty sections are left out */
    static const uint8_t empties[] = {HDR, 0x01, 0x01, 0x00, 0x03, 0x01, 0x00, 0x0A, 0x01, 0x00};
    size_t n;
    uint8_t *out = reencode(empties, sizeof empties, &n);
    assert_bytes(out, n, b, sizeof b);
    free(out);
}

/* ---- errors ---- */

static void expect_usage(const wasm_module *m, const loader_encode_options *opts,
                         uint32_t func_index, const char *needle)
{
    wasm_error e;
    wasm_error_clear(&e);
    uint8_t *out = (uint8_t *)&e;
    size_t n = 42;
    wasm_status st = loader_encode_with(m, opts, &out, &n, &e);
    cr_assert_eq(st, WASM_ERR_USAGE, "status %d (%s)", st, e.message);
    cr_assert_eq(e.status, WASM_ERR_USAGE);
    cr_assert_eq(e.func_index, func_index);
    cr_assert(strstr(e.message, needle), "message \"%s\" lacks \"%s\"", e.message, needle);
    cr_assert_null(out);
    cr_assert_eq(n, 0);
}

Test(encoder, null_arguments)
{
    wasm_module m = {0};
    uint8_t *out;
    size_t n;
    wasm_error e;
    wasm_error_clear(&e);
    cr_assert_eq(loader_encode(NULL, &out, &n, &e), WASM_ERR_USAGE);
    cr_assert_null(out);
    cr_assert_eq(loader_encode(&m, NULL, &n, &e), WASM_ERR_USAGE);
    cr_assert_eq(loader_encode(&m, &out, NULL, NULL), WASM_ERR_USAGE);
}

Test(encoder, inconsistent_modules)
{
    wasm_module m;
    decode_ok(locals_module, sizeof locals_module, &m);

    /* an override that does not end with end */
    static const uint8_t bad_code[] = {0x01};
    loader_func_override ov = {.code = bad_code, .code_len = 1};
    loader_encode_options opts = {.funcs = &ov};
    expect_usage(&m, &opts, 0, "does not end with end");
    /* an empty override */
    ov.code_len = 0;
    expect_usage(&m, &opts, 0, "does not end with end");
    /* an extra local that is not a value type */
    static const uint8_t bad_local[] = {0x40};
    ov = (loader_func_override){.extra_locals = bad_local, .nextra_locals = 1};
    expect_usage(&m, &opts, 0, "not a value type");
    ov = (loader_func_override){.nextra_locals = 1};
    expect_usage(&m, &opts, 0, "no local types");

    /* import counts that do not match the imports */
    m.nfunc_imports = 1;
    expect_usage(&m, NULL, WASM_NO_FUNC, "import counts");
    m.nfunc_imports = 0;
    /* a data count that is not the number of segments */
    m.has_data_count = true;
    m.data_count = 1;
    expect_usage(&m, NULL, WASM_NO_FUNC, "data_count");
    m.has_data_count = false;
    /* a custom section after an unknown section */
    wasm_custom c = {.name = "x", .name_len = 1, .after_section = 13};
    m.customs = &c;
    m.ncustoms = 1;
    expect_usage(&m, NULL, WASM_NO_FUNC, "unknown section");
    m.customs = NULL;
    m.ncustoms = 0;
    /* a non-empty array that is NULL */
    m.nexports = 1;
    expect_usage(&m, NULL, WASM_NO_FUNC, "NULL");
    m.nexports = 0;
    loader_free(&m);
}

Test(encoder, inconsistent_segments)
{
    static const uint8_t off[] = {0x41, 0x00, 0x0B};
    uint32_t idx[] = {0};
    wasm_constexpr expr = {.code = off, .len = 3};
    wasm_elem elem = {.mode = WASM_SEGMENT_PASSIVE, .reftype = WASM_EXTERNREF, .count = 1,
                      .func_indices = idx};
    wasm_module m = {.elems = &elem, .nelems = 1};
    expect_usage(&m, NULL, WASM_NO_FUNC, "non-funcref");
    elem.reftype = WASM_FUNCREF;
    elem.exprs = &expr;
    expect_usage(&m, NULL, WASM_NO_FUNC, "both item arrays");
    elem.exprs = NULL;
    elem.func_indices = NULL;
    expect_usage(&m, NULL, WASM_NO_FUNC, "no item array");
    elem.func_indices = idx;
    elem.mode = 7;
    expect_usage(&m, NULL, WASM_NO_FUNC, "bad mode");
    elem.mode = WASM_SEGMENT_ACTIVE; /* no offset expression */
    expect_usage(&m, NULL, WASM_NO_FUNC, "constant expression");
    elem.offset = expr;
    uint8_t *out;
    size_t n;
    encode_ok(&m, NULL, &out, &n);
    free(out);

    wasm_data data = {.mode = WASM_SEGMENT_DECLARATIVE};
    wasm_module d = {.datas = &data, .ndatas = 1};
    expect_usage(&d, NULL, WASM_NO_FUNC, "bad mode");
    data = (wasm_data){.mode = WASM_SEGMENT_PASSIVE, .len = 2};
    expect_usage(&d, NULL, WASM_NO_FUNC, "no bytes");
}
