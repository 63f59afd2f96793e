/* Unit tests of the binary decoder (loader/decode*.c, binary.c, instr_skip.c, names.c,
 * utf8.c) and of the LEB128 rules of loader/reader.h, on hand-assembled binaries. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/binary.h"
#include "../loader/module.h"
#include "../loader/opcodes.h"
#include "../loader/reader.h"

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00
/* type section: one type [] -> [] (bytes 8..13 right after HDR) */
#define TYPE_VOID 0x01, 0x04, 0x01, 0x60, 0x00, 0x00
/* function section: one function of type 0 (bytes 14..17 after HDR TYPE_VOID) */
#define FUNC_ONE 0x03, 0x02, 0x01, 0x00

/* ---- helpers ---- */

static void expect_failure(const uint8_t *bytes, size_t size, wasm_status status,
                           size_t offset, const char *message)
{
    wasm_module m;
    wasm_error e;
    wasm_error_clear(&e);
    memset(&m, 0x5A, sizeof m);
    wasm_status got = loader_decode(bytes, size, &m, &e);
    cr_assert_eq(got, status, "status %d, want %d (message: %s)", got, status, e.message);
    cr_assert_eq(e.status, status);
    cr_assert_eq(e.offset, offset, "offset %zu, want %zu (message: %s)", e.offset, offset,
                 e.message);
    cr_assert_str_eq(e.message, message);
    /* a failed decode leaves the module empty */
    cr_assert_null(m.bytes);
    cr_assert_eq(m.size, 0);
    cr_assert_null(m.types);
    cr_assert_eq(m.nfuncs, 0);
    cr_assert_null(m.customs);
    loader_free(&m); /* still safe */
}

#define FAILS(arr, status, offset, message) \
    expect_failure(arr, sizeof arr, status, offset, message)
#define MALFORMED(arr, offset, message) FAILS(arr, WASM_ERR_MALFORMED, offset, message)

static void decode_ok(const uint8_t *bytes, size_t size, wasm_module *m)
{
    wasm_error e;
    wasm_error_clear(&e);
    wasm_status st = loader_decode(bytes, size, m, &e);
    cr_assert_eq(st, WASM_OK, "decode failed: %s at %zu", e.message, e.offset);
}

#define DECODES(arr, m) decode_ok(arr, sizeof arr, m)

static wasm_reader reader_over(const uint8_t *b, size_t n)
{
    wasm_reader r;
    reader_init(&r, b, b, b + n);
    return r;
}

/* ---- LEB128 (reader.h) ---- */

Test(leb128, u32_max_and_padded_encodings)
{
    static const uint8_t max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
    static const uint8_t zero5[] = {0x80, 0x80, 0x80, 0x80, 0x00};
    static const uint8_t one2[] = {0x81, 0x00};
    uint32_t v;
    wasm_reader r = reader_over(max, sizeof max);
    cr_assert(reader_u32(&r, &v));
    cr_assert_eq(v, UINT32_MAX);
    cr_assert(reader_eof(&r));
    r = reader_over(zero5, sizeof zero5);
    cr_assert(reader_u32(&r, &v));
    cr_assert_eq(v, 0);
    cr_assert_eq(reader_offset(&r), 5);
    r = reader_over(one2, sizeof one2);
    cr_assert(reader_u32(&r, &v));
    cr_assert_eq(v, 1);
}

Test(leb128, u32_too_long)
{
    static const uint8_t b[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    uint32_t v;
    wasm_reader r = reader_over(b, sizeof b);
    cr_assert_not(reader_u32(&r, &v));
    cr_assert_str_eq(r.error, "integer representation too long");
    cr_assert_eq(r.error_offset, 4);
}

Test(leb128, u32_unused_bits_set)
{
    static const uint8_t b1[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
    static const uint8_t b2[] = {0x80, 0x80, 0x80, 0x80, 0x70};
    uint32_t v;
    wasm_reader r = reader_over(b1, sizeof b1);
    cr_assert_not(reader_u32(&r, &v));
    cr_assert_str_eq(r.error, "integer too large");
    cr_assert_eq(r.error_offset, 4);
    r = reader_over(b2, sizeof b2);
    cr_assert_not(reader_u32(&r, &v));
    cr_assert_str_eq(r.error, "integer too large");
}

Test(leb128, truncated)
{
    static const uint8_t b[] = {0x80, 0x80};
    uint32_t v;
    wasm_reader r = reader_over(b, sizeof b);
    cr_assert_not(reader_u32(&r, &v));
    cr_assert_str_eq(r.error, "unexpected end");
    cr_assert_eq(r.error_offset, 2);
    /* a failed reader keeps failing */
    cr_assert_not(reader_u32(&r, &v));
    cr_assert_eq(r.error_offset, 2);
}

Test(leb128, s32_values_and_sign_extension)
{
    struct {
        uint8_t b[5];
        size_t n;
        int32_t want;
    } cases[] = {
        {{0x7F}, 1, -1},
        {{0x3F}, 1, 63},
        {{0x40}, 1, -64},
        {{0xC0, 0x00}, 2, 64},
        {{0x80, 0x7F}, 2, -128},
        {{0xFF, 0xFF, 0xFF, 0xFF, 0x07}, 5, INT32_MAX},
        {{0x80, 0x80, 0x80, 0x80, 0x78}, 5, INT32_MIN},
        {{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 5, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t v;
        wasm_reader r = reader_over(cases[i].b, cases[i].n);
        cr_assert(reader_s32(&r, &v), "case %zu", i);
        cr_assert_eq(v, cases[i].want, "case %zu: %d", i, v);
        cr_assert(reader_eof(&r));
    }
}

Test(leb128, s32_unused_bits_must_match_sign)
{
    static const uint8_t pos[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}; /* bit 32 set on a positive */
    static const uint8_t neg[] = {0x80, 0x80, 0x80, 0x80, 0x70}; /* sign bit clear, high set */
    static const uint8_t longer[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    int32_t v;
    wasm_reader r = reader_over(pos, sizeof pos);
    cr_assert_not(reader_s32(&r, &v));
    cr_assert_str_eq(r.error, "integer too large");
    cr_assert_eq(r.error_offset, 4);
    r = reader_over(neg, sizeof neg);
    cr_assert_not(reader_s32(&r, &v));
    cr_assert_str_eq(r.error, "integer too large");
    r = reader_over(longer, sizeof longer);
    cr_assert_not(reader_s32(&r, &v));
    cr_assert_str_eq(r.error, "integer representation too long");
}

Test(leb128, s33_block_type_range)
{
    static const uint8_t max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}; /* 2^32 - 1 */
    static const uint8_t bad[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
    static const uint8_t neg[] = {0x80, 0x80, 0x80, 0x80, 0x70}; /* -2^32 */
    int64_t v;
    wasm_reader r = reader_over(max, sizeof max);
    cr_assert(reader_sleb(&r, 33, &v));
    cr_assert_eq(v, (int64_t)UINT32_MAX);
    r = reader_over(neg, sizeof neg);
    cr_assert(reader_sleb(&r, 33, &v));
    cr_assert_eq(v, -((int64_t)1 << 32));
    r = reader_over(bad, sizeof bad);
    cr_assert_not(reader_sleb(&r, 33, &v));
    cr_assert_str_eq(r.error, "integer too large");
}

Test(leb128, s64_extremes)
{
    static const uint8_t max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
    static const uint8_t min[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};
    static const uint8_t m1[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    static const uint8_t bad[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    static const uint8_t lng[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                  0x00};
    int64_t v;
    wasm_reader r = reader_over(max, sizeof max);
    cr_assert(reader_s64(&r, &v));
    cr_assert_eq(v, INT64_MAX);
    r = reader_over(min, sizeof min);
    cr_assert(reader_s64(&r, &v));
    cr_assert_eq(v, INT64_MIN);
    r = reader_over(m1, sizeof m1);
    cr_assert(reader_s64(&r, &v));
    cr_assert_eq(v, -1);
    r = reader_over(bad, sizeof bad);
    cr_assert_not(reader_s64(&r, &v));
    cr_assert_str_eq(r.error, "integer too large");
    cr_assert_eq(r.error_offset, 9);
    r = reader_over(lng, sizeof lng);
    cr_assert_not(reader_s64(&r, &v));
    cr_assert_str_eq(r.error, "integer representation too long");
    cr_assert_eq(r.error_offset, 9);
}

Test(leb128, u64_extremes)
{
    static const uint8_t max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    static const uint8_t bad[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
    uint64_t v;
    wasm_reader r = reader_over(max, sizeof max);
    cr_assert(reader_uleb(&r, 64, &v));
    cr_assert_eq(v, UINT64_MAX);
    r = reader_over(bad, sizeof bad);
    cr_assert_not(reader_uleb(&r, 64, &v));
    cr_assert_str_eq(r.error, "integer too large");
}

/* ---- UTF-8 ---- */

Test(utf8, well_formed_and_ill_formed)
{
    static const uint8_t good[] = {'a', 0xC2, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80,
                                   0xEF, 0xBF, 0xBF, 0xF4, 0x8F, 0xBF, 0xBF};
    cr_assert_eq(loader_utf8_check(good, sizeof good), sizeof good);
    struct {
        uint8_t b[4];
        size_t n;
    } bad[] = {
        {{0xC0, 0x80}, 2},             /* overlong NUL */
        {{0xC1, 0xBF}, 2},             /* overlong */
        {{0xE0, 0x9F, 0xBF}, 3},       /* overlong 3-byte */
        {{0xF0, 0x8F, 0xBF, 0xBF}, 4}, /* overlong 4-byte */
        {{0xED, 0xA0, 0x80}, 3},       /* surrogate D800 */
        {{0xED, 0xBF, 0xBF}, 3},       /* surrogate DFFF */
        {{0xF4, 0x90, 0x80, 0x80}, 4}, /* 110000 */
        {{0xF8, 0x88, 0x80, 0x80}, 4}, /* 5-byte lead */
        {{0x80}, 1},                   /* lone continuation */
        {{0xE2, 0x82}, 2},             /* truncated */
        {{0xE2, 0x28, 0xA1}, 3},       /* bad continuation */
        {{0xFF}, 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(loader_utf8_check(bad[i].b, bad[i].n), 0, "case %zu", i);
    static const uint8_t later[] = {'o', 'k', 0xC0, 0x80};
    cr_assert_eq(loader_utf8_check(later, sizeof later), 2);
}

/* ---- header and section framing ---- */

Test(decoder, minimal_module)
{
    static const uint8_t b[] = {HDR};
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.size, 8);
    cr_assert_eq(m.nfuncs_total, 0);
    cr_assert_not(m.has_start);
    loader_free(&m);
    loader_free(&m); /* idempotent on an emptied module */
}

Test(decoder, header_errors)
{
    static const uint8_t empty[1] = {0};
    expect_failure(empty, 0, WASM_ERR_MALFORMED, 0, "unexpected end");
    static const uint8_t short_magic[] = {0x00, 0x61, 0x73};
    MALFORMED(short_magic, 3, "unexpected end");
    static const uint8_t no_version[] = {0x00, 0x61, 0x73, 0x6D};
    MALFORMED(no_version, 4, "unexpected end");
    static const uint8_t short_version[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00};
    MALFORMED(short_version, 7, "unexpected end");
    static const uint8_t magic[] = {0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00};
    MALFORMED(magic, 0, "magic header not detected");
    static const uint8_t version[] = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
    MALFORMED(version, 4, "unknown binary version");
}

Test(decoder, section_framing_errors)
{
    static const uint8_t bad_id[] = {HDR, 0x0D, 0x00};
    MALFORMED(bad_id, 8, "malformed section id");
    static const uint8_t bad_id_high[] = {HDR, 0x81, 0x00, 0x01, 0x00};
    MALFORMED(bad_id_high, 8, "malformed section id");
    static const uint8_t no_size[] = {HDR, 0x01};
    MALFORMED(no_size, 9, "unexpected end");
    static const uint8_t too_big[] = {HDR, 0x01, 0x05, 0x01, 0x60};
    MALFORMED(too_big, 9, "length out of bounds");
    /* the type section holds one more byte than its contents */
    static const uint8_t mismatch[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00};
    MALFORMED(mismatch, 14, "section size mismatch");
    /* 5 types declared in a 2-byte section, followed by another section */
    static const uint8_t count[] = {HDR, 0x01, 0x02, 0x05, 0x60, 0x00, 0x01, 0x00};
    MALFORMED(count, 12, "unexpected end of section or function");
}

Test(decoder, section_order)
{
    static const uint8_t func_then_type[] = {HDR, 0x03, 0x01, 0x00, 0x01, 0x01, 0x00};
    MALFORMED(func_then_type, 11, "unexpected content after last section");
    static const uint8_t twice[] = {HDR, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00};
    MALFORMED(twice, 11, "unexpected content after last section");
    static const uint8_t dc_after_code[] = {HDR, 0x0A, 0x01, 0x00, 0x0C, 0x01, 0x00};
    MALFORMED(dc_after_code, 11, "unexpected content after last section");
    static const uint8_t data_before_code[] = {HDR, 0x0B, 0x01, 0x00, 0x0A, 0x01, 0x00};
    MALFORMED(data_before_code, 11, "unexpected content after last section");
    /* data count goes between element and code */
    static const uint8_t ok[] = {HDR, 0x09, 0x01, 0x00, 0x0C, 0x01, 0x00,
                                 0x0A, 0x01, 0x00, 0x0B, 0x01, 0x00};
    wasm_module m;
    DECODES(ok, &m);
    cr_assert(m.has_data_count);
    cr_assert_eq(m.data_count, 0);
    loader_free(&m);
}

Test(decoder, custom_sections_anywhere)
{
    static const uint8_t b[] = {HDR,
                                0x00, 0x02, 0x01, 'a',            /* before everything */
                                0x01, 0x01, 0x00,                 /* type */
                                0x00, 0x03, 0x01, 'b', 'x',       /* after type */
                                0x0A, 0x01, 0x00,                 /* code */
                                0x00, 0x01, 0x00,                 /* empty name, after code */
                                0x00, 0x03, 0x01, 'b', 'y'};      /* same name again */
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.ncustoms, 4);
    cr_assert_eq(m.customs[0].after_section, 0);
    cr_assert_eq(m.customs[0].name_len, 1);
    cr_assert_eq(m.customs[0].name[0], 'a');
    cr_assert_eq(m.customs[0].len, 0);
    cr_assert_eq(m.customs[1].after_section, 1);
    cr_assert_eq(m.customs[1].len, 1);
    cr_assert_eq(m.customs[1].data[0], 'x');
    cr_assert_eq(m.customs[1].offset, 19);
    cr_assert_eq(m.customs[2].after_section, 10);
    cr_assert_eq(m.customs[2].name_len, 0);
    cr_assert_eq(m.customs[3].data[0], 'y');
    loader_free(&m);
}

Test(decoder, custom_section_errors)
{
    static const uint8_t no_name[] = {HDR, 0x00, 0x00};
    MALFORMED(no_name, 10, "unexpected end");
    static const uint8_t name_too_long[] = {HDR, 0x00, 0x02, 0x05, 'a',
                                            0x00, 0x03, 0x00, 'x', 'y'};
    MALFORMED(name_too_long, 12, "unexpected end of section or function");
    static const uint8_t name_past_file[] = {HDR, 0x00, 0x02, 0x09, 'a'};
    MALFORMED(name_past_file, 10, "length out of bounds");
    static const uint8_t surrogate[] = {HDR, 0x00, 0x04, 0x03, 0xED, 0xA0, 0x80};
    MALFORMED(surrogate, 11, "malformed UTF-8 encoding");
    static const uint8_t bad_later[] = {HDR, 0x00, 0x04, 0x03, 'o', 0xC0, 0x80};
    MALFORMED(bad_later, 12, "malformed UTF-8 encoding");
}

Test(decoder, bytes_are_copied)
{
    static const uint8_t src[] = {HDR, 0x00, 0x05, 0x02, 'h', 'i', 'd', 'a'};
    uint8_t *b = malloc(sizeof src);
    cr_assert_not_null(b);
    memcpy(b, src, sizeof src);
    wasm_module m;
    decode_ok(b, sizeof src, &m);
    memset(b, 0xAA, sizeof src);
    free(b);
    cr_assert_eq(m.ncustoms, 1);
    cr_assert_eq(memcmp(m.customs[0].name, "hi", 2), 0);
    cr_assert_eq(memcmp(m.customs[0].data, "da", 2), 0);
    cr_assert((const uint8_t *)m.customs[0].name >= m.bytes &&
              (const uint8_t *)m.customs[0].name < m.bytes + m.size);
    loader_free(&m);
}

/* ---- types ---- */

Test(decoder, types)
{
    static const uint8_t b[] = {HDR, 0x01, 0x0F, 0x03,
                                0x60, 0x02, 0x7F, 0x6F, 0x01, 0x7C,
                                0x60, 0x00, 0x00,
                                0x60, 0x00, 0x02, 0x70, 0x7E};
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.ntypes, 3);
    cr_assert_eq(m.types[0].nparams, 2);
    cr_assert_eq(m.types[0].nresults, 1);
    cr_assert_eq(wasm_functype_params(&m.types[0])[1], WASM_EXTERNREF);
    cr_assert_eq(wasm_functype_results(&m.types[0])[0], WASM_F64);
    cr_assert_eq(m.types[1].nparams + m.types[1].nresults, 0);
    cr_assert_eq(wasm_functype_results(&m.types[2])[1], WASM_I64);
    cr_assert_not(wasm_functype_equal(&m.types[0], &m.types[2]));
    cr_assert(wasm_functype_equal(&m.types[1], &m.types[1]));
    wasm_functype same = {2, 1, (uint8_t[]){0x7F, 0x6F, 0x7C}};
    cr_assert(wasm_functype_equal(&m.types[0], &same));
    same.types[2] = 0x7D;
    cr_assert_not(wasm_functype_equal(&m.types[0], &same));
    loader_free(&m);
}

Test(decoder, type_errors)
{
    static const uint8_t form[] = {HDR, 0x01, 0x04, 0x01, 0x61, 0x00, 0x00};
    MALFORMED(form, 11, "malformed function type");
    static const uint8_t form_leb[] = {HDR, 0x01, 0x05, 0x01, 0xE0, 0x7F, 0x00, 0x00};
    MALFORMED(form_leb, 11, "integer representation too long");
    static const uint8_t v128[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7B, 0x00};
    FAILS(v128, WASM_ERR_UNSUPPORTED, 13, "SIMD is not supported");
    static const uint8_t valtype[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x40};
    MALFORMED(valtype, 14, "malformed value type");
    static const uint8_t params[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x09, 0x7F};
    MALFORMED(params, 14, "unexpected end");
}

/* ---- imports, tables, memories, globals, exports ---- */

Test(decoder, import_errors)
{
    static const uint8_t kind[] = {HDR, 0x02, 0x04, 0x01, 0x00, 0x00, 0x04};
    MALFORMED(kind, 13, "malformed import kind");
    static const uint8_t module_utf8[] = {HDR, 0x02, 0x07, 0x01, 0x02, 0xC0, 0x80,
                                          0x00, 0x00, 0x00};
    MALFORMED(module_utf8, 12, "malformed UTF-8 encoding");
    static const uint8_t field_utf8[] = {HDR, 0x02, 0x07, 0x01, 0x00, 0x02, 'a', 0xFF,
                                         0x00, 0x00};
    MALFORMED(field_utf8, 14, "malformed UTF-8 encoding");
    static const uint8_t mut[] = {HDR, 0x02, 0x06, 0x01, 0x00, 0x00, 0x03, 0x7F, 0x02};
    MALFORMED(mut, 15, "malformed mutability");
    static const uint8_t shared[] = {HDR, 0x02, 0x07, 0x01, 0x00, 0x00, 0x02, 0x03, 0x01, 0x02};
    FAILS(shared, WASM_ERR_UNSUPPORTED, 14, "shared memories are not supported");
}

Test(decoder, limits_and_table_errors)
{
    static const uint8_t table_flag[] = {HDR, 0x04, 0x04, 0x01, 0x70, 0x02, 0x00};
    MALFORMED(table_flag, 12, "integer too large");
    static const uint8_t table_shared[] = {HDR, 0x04, 0x05, 0x01, 0x70, 0x03, 0x00, 0x01};
    MALFORMED(table_shared, 12, "integer too large");
    static const uint8_t table_leb[] = {HDR, 0x04, 0x05, 0x01, 0x70, 0x81, 0x00, 0x00};
    MALFORMED(table_leb, 12, "integer representation too long");
    static const uint8_t reftype[] = {HDR, 0x04, 0x04, 0x01, 0x7F, 0x00, 0x00};
    MALFORMED(reftype, 11, "malformed reference type");
    static const uint8_t mem_flag[] = {HDR, 0x05, 0x03, 0x01, 0x02, 0x00};
    MALFORMED(mem_flag, 11, "integer too large");
    static const uint8_t mem_shared[] = {HDR, 0x05, 0x04, 0x01, 0x03, 0x01, 0x02};
    FAILS(mem_shared, WASM_ERR_UNSUPPORTED, 11, "shared memories are not supported");
    static const uint8_t mem_min[] = {HDR, 0x05, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70};
    MALFORMED(mem_min, 16, "integer too large");
    static const uint8_t mem_missing_max[] = {HDR, 0x05, 0x03, 0x01, 0x01, 0x00};
    MALFORMED(mem_missing_max, 13, "unexpected end");
}

Test(decoder, global_and_export_errors)
{
    static const uint8_t mut[] = {HDR, 0x06, 0x06, 0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B};
    MALFORMED(mut, 12, "malformed mutability");
    static const uint8_t no_end[] = {HDR, 0x06, 0x04, 0x01, 0x7F, 0x00, 0x01, 0x01, 0x01, 0x00};
    MALFORMED(no_end, 14, "unexpected end of section or function");
    static const uint8_t bad_op[] = {HDR, 0x06, 0x05, 0x01, 0x7F, 0x00, 0x06, 0x0B};
    MALFORMED(bad_op, 13, "illegal opcode");
    static const uint8_t simd[] = {HDR, 0x06, 0x05, 0x01, 0x7F, 0x00, 0xFD, 0x0B};
    FAILS(simd, WASM_ERR_UNSUPPORTED, 13, "SIMD is not supported");
    static const uint8_t kind[] = {HDR, 0x07, 0x05, 0x01, 0x01, 'e', 0x04, 0x00};
    MALFORMED(kind, 13, "malformed export kind");
    static const uint8_t name[] = {HDR, 0x07, 0x05, 0x01, 0x01, 0xC2, 0x00, 0x00};
    MALFORMED(name, 12, "malformed UTF-8 encoding");
}

Test(decoder, global_init_is_raw_bytes)
{
    /* a non-constant instruction is invalid, not malformed: it is kept for the validator;
     * a nested block ... end is part of the expression */
    static const uint8_t b[] = {HDR, 0x06, 0x0E, 0x02,
                                0x7E, 0x01, 0x42, 0x7F, 0x0B,
                                0x7F, 0x00, 0x02, 0x40, 0x0B, 0x41, 0x00, 0x0B};
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.nglobals, 2);
    cr_assert_eq(m.globals[0].type.valtype, WASM_I64);
    cr_assert(m.globals[0].type.mutable_);
    cr_assert_eq(m.globals[0].init.len, 3);
    cr_assert_eq(m.globals[0].init.offset, 13);
    cr_assert_eq(m.globals[0].init.code[2], 0x0B);
    cr_assert_eq(m.globals[1].init.len, 6);
    cr_assert_eq(m.globals[1].init.code[0], 0x02);
    cr_assert_eq(m.nglobals_total, 2);
    cr_assert_eq(m.global_types[1].valtype, WASM_I32);
    loader_free(&m);
}

Test(decoder, index_spaces_and_declared_funcs)
{
    static const uint8_t b[] = {
        HDR, TYPE_VOID,
        0x02, 0x1E, 0x04,                                   /* import section */
        0x01, 'm', 0x01, 'f', 0x00, 0x00,                   /* func, type 0 */
        0x01, 'm', 0x01, 't', 0x01, 0x70, 0x00, 0x01,       /* table funcref min 1 */
        0x01, 'm', 0x01, 'm', 0x02, 0x01, 0x01, 0x02,       /* memory 1..2 */
        0x01, 'm', 0x01, 'g', 0x03, 0x7E, 0x01,             /* global mut i64 */
        0x03, 0x04, 0x03, 0x00, 0x00, 0x00,                 /* three functions */
        0x04, 0x04, 0x01, 0x6F, 0x00, 0x05,                 /* table externref min 5 */
        0x06, 0x06, 0x01, 0x70, 0x00, 0xD2, 0x02, 0x0B,     /* global funcref = ref.func 2 */
        0x07, 0x05, 0x01, 0x01, 'e', 0x00, 0x01,            /* export func 1 */
        0x08, 0x01, 0x03,                                   /* start 3 */
        0x09, 0x05, 0x01, 0x01, 0x00, 0x01, 0x63,           /* passive elem: func 99 */
        0x0A, 0x0A, 0x03, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B,
    };
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.nimports, 4);
    cr_assert_eq(m.nfunc_imports, 1);
    cr_assert_eq(m.ntable_imports, 1);
    cr_assert_eq(m.nmemory_imports, 1);
    cr_assert_eq(m.nglobal_imports, 1);
    cr_assert_eq(m.imports[0].module_len, 1);
    cr_assert_eq(m.imports[0].name[0], 'f');
    cr_assert_eq(m.imports[0].offset, 17);
    cr_assert_eq(m.nfuncs, 3);
    cr_assert_eq(m.nfuncs_total, 4);
    for (uint32_t i = 0; i < 4; i++)
        cr_assert_eq(m.func_types[i], 0);
    cr_assert_eq(m.ntables, 2);
    cr_assert_eq(m.tables[0].elemtype, WASM_FUNCREF);
    cr_assert_eq(m.tables[0].limits.min, 1);
    cr_assert_eq(m.tables[1].elemtype, WASM_EXTERNREF);
    cr_assert_eq(m.tables[1].limits.min, 5);
    cr_assert_not(m.tables[1].limits.has_max);
    cr_assert_eq(m.nmemories, 1);
    cr_assert(m.memories[0].has_max);
    cr_assert_eq(m.memories[0].max, 2);
    cr_assert_eq(m.nglobals_total, 2);
    cr_assert_eq(m.global_types[0].valtype, WASM_I64);
    cr_assert(m.global_types[0].mutable_);
    cr_assert_eq(m.global_types[1].valtype, WASM_FUNCREF);
    cr_assert_not(m.global_types[1].mutable_);
    cr_assert(m.has_start);
    cr_assert_eq(m.start, 3);
    cr_assert_eq(m.nexports, 1);
    cr_assert_eq(m.exports[0].index, 1);
    cr_assert_not(m.declared_funcs[0]);
    cr_assert(m.declared_funcs[1]);     /* exported */
    cr_assert(m.declared_funcs[2]);     /* ref.func in a global */
    cr_assert_not(m.declared_funcs[3]); /* only the start function */
    cr_assert_eq(m.elems[0].func_indices[0], 99);
    loader_free(&m);
}

/* ---- code ---- */

Test(decoder, code_bodies_and_locals)
{
    static const uint8_t b[] = {HDR, TYPE_VOID, 0x03, 0x03, 0x02, 0x00, 0x00,
                                0x0A, 0x0E, 0x02,
                                0x07, 0x02, 0x02, 0x7F, 0x01, 0x7E, 0x01, 0x0B,
                                0x04, 0x01, 0x00, 0x7D, 0x0B};
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.nfuncs, 2);
    const wasm_func *f = &m.funcs[0];
    cr_assert_eq(f->nlocals, 3);
    cr_assert_eq(f->local_types[0], WASM_I32);
    cr_assert_eq(f->local_types[1], WASM_I32);
    cr_assert_eq(f->local_types[2], WASM_I64);
    cr_assert_eq(f->body_offset, 22);
    cr_assert_eq(f->code_offset, 28);
    cr_assert_eq(f->code_len, 2);
    cr_assert_eq(f->code[0], 0x01);
    cr_assert_eq(f->code[1], 0x0B);
    cr_assert_eq(m.funcs[1].nlocals, 0); /* a group of zero locals */
    cr_assert_eq(m.funcs[1].code_len, 1);
    loader_free(&m);
}

Test(decoder, function_code_count_mismatch)
{
    static const uint8_t no_code[] = {HDR, TYPE_VOID, FUNC_ONE};
    MALFORMED(no_code, 18, "function and code section have inconsistent lengths");
    static const uint8_t no_funcs[] = {HDR, TYPE_VOID, 0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B};
    MALFORMED(no_funcs, 16, "function and code section have inconsistent lengths");
    static const uint8_t more[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x07, 0x02,
                                   0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B};
    MALFORMED(more, 20, "function and code section have inconsistent lengths");
}

Test(decoder, code_errors)
{
    static const uint8_t no_end[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x05, 0x01,
                                     0x03, 0x00, 0x41, 0x00};
    wasm_error e;
    wasm_module m;
    cr_assert_eq(loader_decode(no_end, sizeof no_end, &m, &e), WASM_ERR_MALFORMED);
    cr_assert_str_eq(e.message, "END opcode expected");
    cr_assert_eq(e.offset, 24);
    cr_assert_eq(e.func_index, 0);
    static const uint8_t empty_body[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x02, 0x01, 0x00,
                                         0x00, 0x01, 0x00};
    MALFORMED(empty_body, 22, "unexpected end of section or function");
    static const uint8_t body_too_long[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x04, 0x01,
                                            0x05, 0x00, 0x0B, 0x00, 0x01, 0x00};
    MALFORMED(body_too_long, 24, "unexpected end of section or function");
    static const uint8_t local_type[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x06, 0x01,
                                         0x04, 0x01, 0x01, 0x7B, 0x0B};
    FAILS(local_type, WASM_ERR_UNSUPPORTED, 24, "SIMD is not supported");
}

Test(decoder, too_many_locals)
{
    static const uint8_t over_u32[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x0C, 0x01,
                                       0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F,
                                       0x02, 0x7E, 0x0B};
    MALFORMED(over_u32, 22, "too many locals");
    /* parameters count: (param i32 i32) + 2^32 - 2 locals */
    static const uint8_t with_params[] = {HDR, 0x01, 0x06, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x00,
                                          FUNC_ONE, 0x0A, 0x0A, 0x01,
                                          0x08, 0x01, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B};
    MALFORMED(with_params, 24, "too many locals");
    static const uint8_t limit[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x08, 0x01,
                                    0x06, 0x01, 0xD0, 0x86, 0x03, 0x7F, 0x0B}; /* 50000 */
    wasm_module m;
    DECODES(limit, &m);
    cr_assert_eq(m.funcs[0].nlocals, 50000);
    cr_assert_eq(m.funcs[0].local_types[49999], WASM_I32);
    loader_free(&m);
    static const uint8_t over[] = {HDR, TYPE_VOID, FUNC_ONE, 0x0A, 0x08, 0x01,
                                   0x06, 0x01, 0xD1, 0x86, 0x03, 0x7F, 0x0B}; /* 50001 */
    FAILS(over, WASM_ERR_UNSUPPORTED, 22, "too many locals (implementation limit 50000)");
    static const uint8_t over_with_param[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7F, 0x00,
                                              FUNC_ONE, 0x0A, 0x08, 0x01,
                                              0x06, 0x01, 0xD0, 0x86, 0x03, 0x7F, 0x0B};
    FAILS(over_with_param, WASM_ERR_UNSUPPORTED, 23,
          "too many locals (implementation limit 50000)");
}

/* n functions of type 0, each declaring 50000 i32 locals. */
static uint8_t *many_locals_module(uint32_t n, size_t *size)
{
    uint8_t *b = malloc(64 + (size_t)n * 8);
    cr_assert_not_null(b);
    size_t k = 0;
    static const uint8_t head[] = {HDR, TYPE_VOID};
    memcpy(b, head, sizeof head);
    k = sizeof head;
    /* function section: count (2-byte LEB) + n type indices */
    b[k++] = 0x03;
    b[k++] = (uint8_t)(0x80 | ((2 + n) & 0x7F));
    b[k++] = (uint8_t)((2 + n) >> 7);
    b[k++] = (uint8_t)(0x80 | (n & 0x7F));
    b[k++] = (uint8_t)(n >> 7);
    for (uint32_t i = 0; i < n; i++)
        b[k++] = 0x00;
    /* code section: count + n bodies of 7 bytes */
    uint32_t size_code = 2 + n * 7;
    b[k++] = 0x0A;
    b[k++] = (uint8_t)(0x80 | (size_code & 0x7F));
    b[k++] = (uint8_t)(0x80 | ((size_code >> 7) & 0x7F));
    b[k++] = (uint8_t)(size_code >> 14);
    b[k++] = (uint8_t)(0x80 | (n & 0x7F));
    b[k++] = (uint8_t)(n >> 7);
    for (uint32_t i = 0; i < n; i++) {
        static const uint8_t body[] = {0x06, 0x01, 0xD0, 0x86, 0x03, 0x7F, 0x0B};
        memcpy(b + k, body, sizeof body);
        k += sizeof body;
    }
    *size = k;
    return b;
}

Test(decoder, module_wide_locals_budget)
{
    size_t size;
    uint8_t *b = many_locals_module(300, &size); /* 15M locals: within the budget */
    wasm_module m;
    decode_ok(b, size, &m);
    cr_assert_eq(m.nfuncs, 300);
    cr_assert_eq(m.funcs[299].nlocals, 50000);
    loader_free(&m);
    free(b);
    b = many_locals_module(400, &size); /* 20M locals from a 3 KB file */
    wasm_error e;
    cr_assert_eq(loader_decode(b, size, &m, &e), WASM_ERR_UNSUPPORTED);
    cr_assert_str_eq(e.message, "too many locals in module (implementation limit)");
    cr_assert_null(m.funcs);
    free(b);
}

/* ---- element and data segments ---- */

Test(decoder, element_segment_encodings)
{
    static const uint8_t b[] = {
        HDR, TYPE_VOID, FUNC_ONE,
        0x09, 0x38, 0x08,
        0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,                         /* 0 */
        0x01, 0x00, 0x01, 0x00,                                     /* 1 */
        0x02, 0x01, 0x41, 0x01, 0x0B, 0x00, 0x01, 0x00,             /* 2 */
        0x03, 0x00, 0x01, 0x00,                                     /* 3 */
        0x04, 0x41, 0x02, 0x0B, 0x01, 0xD2, 0x00, 0x0B,             /* 4 */
        0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,                         /* 5 */
        0x06, 0x02, 0x41, 0x03, 0x0B, 0x70, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B, /* 6 */
        0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B,                         /* 7 */
        0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
    };
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.nelems, 8);
    static const uint8_t modes[8] = {
        WASM_SEGMENT_ACTIVE,  WASM_SEGMENT_PASSIVE, WASM_SEGMENT_ACTIVE,
        WASM_SEGMENT_DECLARATIVE, WASM_SEGMENT_ACTIVE, WASM_SEGMENT_PASSIVE,
        WASM_SEGMENT_ACTIVE, WASM_SEGMENT_DECLARATIVE};
    static const uint8_t reftypes[8] = {0x70, 0x70, 0x70, 0x70, 0x70, 0x6F, 0x70, 0x70};
    static const uint32_t tables[8] = {0, 0, 1, 0, 0, 0, 2, 0};
    static const uint32_t counts[8] = {1, 1, 1, 1, 1, 1, 2, 1};
    for (int i = 0; i < 8; i++) {
        const wasm_elem *e = &m.elems[i];
        cr_assert_eq(e->mode, modes[i], "segment %d", i);
        cr_assert_eq(e->reftype, reftypes[i], "segment %d", i);
        cr_assert_eq(e->table, tables[i], "segment %d", i);
        cr_assert_eq(e->count, counts[i], "segment %d", i);
        if (i < 4) {
            cr_assert_not_null(e->func_indices, "segment %d", i);
            cr_assert_null(e->exprs, "segment %d", i);
            cr_assert_eq(e->func_indices[0], 0);
        } else {
            cr_assert_null(e->func_indices, "segment %d", i);
            cr_assert_not_null(e->exprs, "segment %d", i);
        }
        if (e->mode == WASM_SEGMENT_ACTIVE) {
            cr_assert_eq(e->offset.len, 3, "segment %d", i);
            cr_assert_eq(e->offset.code[0], 0x41);
        } else {
            cr_assert_eq(e->offset.len, 0, "segment %d", i);
        }
    }
    cr_assert_eq(m.elems[0].offset_in_file, 21);
    cr_assert_eq(m.elems[0].offset.offset, 22);
    cr_assert_eq(m.elems[6].exprs[1].len, 3);
    cr_assert_eq(m.elems[6].exprs[1].code[0], 0xD0);
    cr_assert_eq(m.elems[4].exprs[0].code[0], 0xD2);
    cr_assert(m.declared_funcs[0]);
    loader_free(&m);
}

Test(decoder, element_errors)
{
    static const uint8_t flags[] = {HDR, 0x09, 0x02, 0x01, 0x08};
    MALFORMED(flags, 11, "malformed elements segment kind");
    static const uint8_t elemkind[] = {HDR, 0x09, 0x04, 0x01, 0x01, 0x01, 0x00};
    MALFORMED(elemkind, 12, "malformed element kind");
    static const uint8_t reftype[] = {HDR, 0x09, 0x07, 0x01, 0x05, 0x7F, 0x01, 0xD2, 0x00,
                                      0x0B};
    MALFORMED(reftype, 12, "malformed reference type");
    static const uint8_t opcode[] = {HDR, 0x09, 0x07, 0x01, 0x05, 0x70, 0x01, 0xF3, 0x00,
                                     0x0B};
    MALFORMED(opcode, 14, "illegal opcode");
    static const uint8_t count[] = {HDR, 0x09, 0x04, 0x01, 0x01, 0x00, 0x05, 0x00, 0x01, 0x00};
    MALFORMED(count, 14, "unexpected end of section or function");
}

Test(decoder, data_segment_encodings)
{
    static const uint8_t b[] = {HDR, 0x05, 0x03, 0x01, 0x00, 0x01,
                                0x0B, 0x11, 0x03,
                                0x00, 0x41, 0x00, 0x0B, 0x02, 'h', 'i',
                                0x01, 0x01, 'x',
                                0x02, 0x00, 0x41, 0x08, 0x0B, 0x00};
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.ndatas, 3);
    cr_assert_not(m.has_data_count);
    cr_assert_eq(m.datas[0].mode, WASM_SEGMENT_ACTIVE);
    cr_assert_eq(m.datas[0].memory, 0);
    cr_assert_eq(m.datas[0].offset.len, 3);
    cr_assert_eq(m.datas[0].len, 2);
    cr_assert_eq(memcmp(m.datas[0].bytes, "hi", 2), 0);
    cr_assert_eq(m.datas[0].offset_in_file, 16);
    cr_assert_eq(m.datas[1].mode, WASM_SEGMENT_PASSIVE);
    cr_assert_eq(m.datas[1].bytes[0], 'x');
    cr_assert_eq(m.datas[2].mode, WASM_SEGMENT_ACTIVE);
    cr_assert_eq(m.datas[2].offset.code[1], 0x08);
    cr_assert_eq(m.datas[2].len, 0);
    loader_free(&m);
}

Test(decoder, data_errors)
{
    static const uint8_t flags[] = {HDR, 0x0B, 0x02, 0x01, 0x03};
    MALFORMED(flags, 11, "malformed data segment kind");
    static const uint8_t len_section[] = {HDR, 0x0B, 0x04, 0x01, 0x01, 0x05, 'a',
                                          0x00, 0x05, 0x04, 'a', 'b', 'c', 'd'};
    MALFORMED(len_section, 14, "unexpected end of section or function");
    static const uint8_t len_file[] = {HDR, 0x0B, 0x04, 0x01, 0x01, 0x09, 'a'};
    MALFORMED(len_file, 12, "length out of bounds");
    static const uint8_t count_mismatch[] = {HDR, 0x0C, 0x01, 0x02, 0x0B, 0x01, 0x00};
    MALFORMED(count_mismatch, 13, "data count and data section have inconsistent lengths");
    static const uint8_t no_data[] = {HDR, 0x0C, 0x01, 0x01};
    MALFORMED(no_data, 10, "data count and data section have inconsistent lengths");
    static const uint8_t zero_no_data[] = {HDR, 0x0C, 0x01, 0x00};
    wasm_module m;
    DECODES(zero_no_data, &m);
    cr_assert(m.has_data_count);
    loader_free(&m);
}

/* ---- the name section ---- */

Test(decoder, name_section)
{
    static const uint8_t b[] = {HDR, TYPE_VOID, 0x03, 0x03, 0x02, 0x00, 0x00,
                                0x0A, 0x07, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B,
                                0x00, 0x17, 0x04, 'n', 'a', 'm', 'e',
                                0x00, 0x04, 0x03, 'm', 'o', 'd',
                                0x01, 0x07, 0x02, 0x01, 0x01, 'b', 0x00, 0x01, 'a',
                                0x02, 0x01, 0x00};
    wasm_module m;
    DECODES(b, &m);
    cr_assert_eq(m.module_name_len, 3);
    cr_assert_eq(memcmp(m.module_name, "mod", 3), 0);
    cr_assert_eq(m.nfunc_names, 2);
    cr_assert_eq(m.func_names[0].index, 0); /* sorted */
    uint32_t len = 99;
    const char *name = wasm_module_func_name(&m, 1, &len);
    cr_assert_not_null(name);
    cr_assert_eq(len, 1);
    cr_assert_eq(name[0], 'b');
    name = wasm_module_func_name(&m, 0, &len);
    cr_assert_eq(name[0], 'a');
    cr_assert_null(wasm_module_func_name(&m, 5, &len));
    cr_assert_eq(len, 0);
    cr_assert_eq(m.ncustoms, 1);
    loader_free(&m);
}

Test(decoder, malformed_name_section_is_ignored)
{
    /* subsections out of order */
    static const uint8_t order[] = {HDR, 0x00, 0x0F, 0x04, 'n', 'a', 'm', 'e',
                                    0x01, 0x04, 0x01, 0x00, 0x01, 'a',
                                    0x00, 0x02, 0x01, 'm'};
    /* a function name that is not UTF-8 */
    static const uint8_t utf8[] = {HDR, 0x00, 0x0B, 0x04, 'n', 'a', 'm', 'e',
                                   0x01, 0x04, 0x01, 0x00, 0x01, 0xFF};
    /* an index named twice */
    static const uint8_t twice[] = {HDR, 0x00, 0x0E, 0x04, 'n', 'a', 'm', 'e',
                                    0x01, 0x07, 0x02, 0x00, 0x01, 'a', 0x00, 0x01, 'b'};
    /* a subsection longer than the section */
    static const uint8_t size[] = {HDR, 0x00, 0x08, 0x04, 'n', 'a', 'm', 'e',
                                   0x00, 0x09, 0x01};
    const uint8_t *cases[] = {order, utf8, twice, size};
    size_t sizes[] = {sizeof order, sizeof utf8, sizeof twice, sizeof size};
    for (int i = 0; i < 4; i++) {
        wasm_module m;
        decode_ok(cases[i], sizes[i], &m);
        cr_assert_eq(m.ncustoms, 1, "case %d", i);
        cr_assert_null(m.module_name, "case %d", i);
        cr_assert_eq(m.nfunc_names, 0, "case %d", i);
        cr_assert_null(wasm_module_func_name(&m, 0, NULL), "case %d", i);
        loader_free(&m);
    }
}

/* ---- instruction skipping ---- */

static bool skip(const uint8_t *b, size_t n, uint32_t *op, wasm_reader *r)
{
    *r = reader_over(b, n);
    return loader_skip_instruction(r, op);
}

Test(skip_instruction, immediates)
{
    struct {
        uint8_t b[12];
        size_t n;
        uint32_t op;
    } cases[] = {
        {{0x0E, 0x02, 0x00, 0x01, 0x00}, 5, WASM_OP_br_table},
        {{0x1C, 0x01, 0x7F}, 3, WASM_OP_select_t},
        {{0x11, 0x01, 0x00}, 3, WASM_OP_call_indirect},
        {{0x28, 0x02, 0x80, 0x01}, 4, WASM_OP_i32_load},
        {{0x3F, 0x00}, 2, WASM_OP_memory_size},
        {{0x44, 1, 2, 3, 4, 5, 6, 7, 8}, 9, WASM_OP_f64_const},
        {{0x43, 1, 2, 3, 4}, 5, WASM_OP_f32_const},
        {{0x42, 0x80, 0x7F}, 3, WASM_OP_i64_const},
        {{0x02, 0x40}, 2, WASM_OP_block},
        {{0x02, 0x80, 0x00}, 3, WASM_OP_block}, /* type index 0, padded */
        {{0x04, 0x6F}, 2, WASM_OP_if},
        {{0xD0, 0x70}, 2, WASM_OP_ref_null},
        {{0xFC, 0x0A, 0x00, 0x00}, 4, WASM_OP_memory_copy},
        {{0xFC, 0x08, 0x05, 0x00}, 4, WASM_OP_memory_init},
        {{0xFC, 0x0E, 0x01, 0x02}, 4, WASM_OP_table_copy},
        {{0xFC, 0x80, 0x00}, 3, WASM_OP_i32_trunc_sat_f32_s},
        {{0xFC, 0x11, 0x00}, 3, WASM_OP_table_fill},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wasm_reader r;
        uint32_t op;
        cr_assert(skip(cases[i].b, cases[i].n, &op, &r), "case %zu: %s", i,
                  r.error ? r.error : "");
        cr_assert_eq(op, cases[i].op, "case %zu", i);
        cr_assert_eq(reader_offset(&r), cases[i].n, "case %zu", i);
    }
}

Test(skip_instruction, errors)
{
    struct {
        uint8_t b[8];
        size_t n;
        size_t offset;
        wasm_status status;
        const char *msg;
    } cases[] = {
        {{0x06}, 1, 0, WASM_ERR_MALFORMED, "illegal opcode"},
        {{0xFC, 0x12}, 2, 0, WASM_ERR_MALFORMED, "illegal opcode"},
        {{0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 6, 0, WASM_ERR_MALFORMED, "illegal opcode"},
        {{0xFC, 0x80, 0x80, 0x80, 0x80, 0x10}, 6, 5, WASM_ERR_MALFORMED, "integer too large"},
        {{0xFD, 0x0C}, 2, 0, WASM_ERR_UNSUPPORTED, "SIMD is not supported"},
        {{0x3F, 0x01}, 2, 1, WASM_ERR_MALFORMED, "zero byte expected"},
        {{0x40, 0x80, 0x00}, 3, 1, WASM_ERR_MALFORMED, "zero byte expected"},
        {{0xFC, 0x0B, 0x01}, 3, 2, WASM_ERR_MALFORMED, "zero byte expected"},
        {{0x02, 0x7B}, 2, 1, WASM_ERR_UNSUPPORTED, "SIMD is not supported"},
        {{0x02, 0x7A}, 2, 1, WASM_ERR_MALFORMED, "malformed block type"},
        {{0x1C, 0x01, 0x7B}, 3, 2, WASM_ERR_UNSUPPORTED, "SIMD is not supported"},
        {{0x0E, 0x05, 0x00}, 3, 3, WASM_ERR_MALFORMED, "unexpected end"},
        {{0xD0, 0x7F}, 2, 1, WASM_ERR_MALFORMED, "malformed reference type"},
        {{0x41, 0x80, 0x80, 0x80, 0x80, 0x80}, 6, 5, WASM_ERR_MALFORMED,
         "integer representation too long"},
        {{0x44, 1, 2}, 3, 1, WASM_ERR_MALFORMED, "unexpected end"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wasm_reader r;
        wasm_error e;
        uint32_t op;
        cr_assert_not(skip(cases[i].b, cases[i].n, &op, &r), "case %zu", i);
        wasm_status st = loader_reader_status(&r, cases[i].n, &e);
        cr_assert_eq(st, cases[i].status, "case %zu", i);
        cr_assert_str_eq(e.message, cases[i].msg, "case %zu", i);
        cr_assert_eq(e.offset, cases[i].offset, "case %zu: offset %zu", i, e.offset);
    }
}

Test(skip_instruction, constexpr_extent)
{
    static const uint8_t b[] = {0x23, 0x00, 0x41, 0x01, 0x6A, 0x0B, 0xAA};
    wasm_reader r = reader_over(b, sizeof b);
    wasm_constexpr e;
    cr_assert(loader_read_constexpr(&r, &e));
    cr_assert_eq(e.len, 6);
    cr_assert_eq(e.offset, 0);
    cr_assert_eq(reader_offset(&r), 6);
    static const uint8_t nested[] = {0x02, 0x40, 0x03, 0x40, 0x0B, 0x0B, 0x0B};
    r = reader_over(nested, sizeof nested);
    cr_assert(loader_read_constexpr(&r, &e));
    cr_assert_eq(e.len, 7);
    static const uint8_t open[] = {0x02, 0x40, 0x0B};
    r = reader_over(open, sizeof open);
    cr_assert_not(loader_read_constexpr(&r, &e));
    cr_assert_str_eq(r.error, "unexpected end");
}
