/* Unit tests of the validator (loader/validate.c, validate_code.c, blocktype.c): every error
 * path on small hand-assembled modules (decoded, then validated), asserting status, message,
 * offset and function index; and valid modules exercising the tricky typing rules
 * (unreachable polymorphism, br_table with Unknown operands, multi-value block types). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/blocktype.h"
#include "../loader/module.h"

/* ---- module builder ---- */

/* One section: id and contents. CODE entries are function bodies (local declarations then
 * instructions); consecutive CODE entries are gathered into one code section. */
typedef struct {
    int id;
    const uint8_t *b;
    size_t n;
} vsec;

#define BODY_ID 100
#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
#define SEC(id, ...) ((vsec){(id), BYTES(__VA_ARGS__)})
#define CODE(...) ((vsec){BODY_ID, BYTES(__VA_ARGS__)})

/* Common sections. */
#define TYPE_V_V SEC(1, 0x01, 0x60, 0x00, 0x00)             /* type 0: [] -> [] */
#define TYPE_V_I32 SEC(1, 0x01, 0x60, 0x00, 0x01, 0x7F)     /* type 0: [] -> [i32] */
#define FUNC1 SEC(3, 0x01, 0x00)                            /* one function of type 0 */
#define MEM1 SEC(5, 0x01, 0x00, 0x01)                       /* memory 0: min 1 page */
#define TABLE_FUNCREF SEC(4, 0x01, 0x70, 0x00, 0x01)        /* table 0: funcref, min 1 */
#define TABLE_EXTERNREF SEC(4, 0x01, 0x6F, 0x00, 0x01)      /* table 0: externref, min 1 */

static size_t put_uleb(uint8_t *o, size_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        o[n++] = (uint8_t)(v ? b | 0x80 : b);
    } while (v);
    return n;
}

static size_t build(uint8_t *out, const vsec *s, size_t ns)
{
    static const uint8_t hdr[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    size_t n = sizeof hdr;
    memcpy(out, hdr, n);
    for (size_t i = 0; i < ns; i++) {
        if (s[i].id != BODY_ID) {
            out[n++] = (uint8_t)s[i].id;
            n += put_uleb(out + n, s[i].n);
            memcpy(out + n, s[i].b, s[i].n);
            n += s[i].n;
            continue;
        }
        if (i > 0 && s[i - 1].id == BODY_ID)
            continue;
        static uint8_t tmp[4096];
        size_t j = i, tn;
        while (j < ns && s[j].id == BODY_ID)
            j++;
        tn = put_uleb(tmp, j - i);
        for (size_t k = i; k < j; k++) {
            tn += put_uleb(tmp + tn, s[k].n);
            memcpy(tmp + tn, s[k].b, s[k].n);
            tn += s[k].n;
        }
        out[n++] = 10;
        n += put_uleb(out + n, tn);
        memcpy(out + n, tmp, tn);
        n += tn;
    }
    return n;
}

/* A decoded module and the outcome of validating it. */
typedef struct {
    wasm_module m;
    wasm_error e;
    wasm_status st;
} loaded;

static loaded L;

static void unload(void) { loader_free(&L.m); }

TestSuite(validator, .fini = unload);

static wasm_status load_secs(const vsec *s, size_t ns)
{
    static uint8_t bin[8192];
    size_t n = build(bin, s, ns);
    wasm_error_clear(&L.e);
    wasm_status st = loader_decode(bin, n, &L.m, &L.e);
    cr_assert_eq(st, WASM_OK, "decode failed: %s at %zu", L.e.message, L.e.offset);
    L.st = loader_validate(&L.m, &L.e);
    cr_assert_eq(L.e.status, L.st);
    return L.st;
}

#define LOAD(...)                                                                         \
    load_secs((const vsec[]){__VA_ARGS__}, sizeof((const vsec[]){__VA_ARGS__}) / sizeof(vsec))

/* File offset of byte k of defined function i's instructions. */
static size_t code_at(uint32_t i, size_t k) { return L.m.funcs[i].code_offset + k; }

static void expect_valid(void)
{
    cr_assert_eq(L.st, WASM_OK, "expected valid, got %d: %s at %zu", L.st, L.e.message,
                 L.e.offset);
    cr_assert_eq(L.e.func_index, WASM_NO_FUNC);
}

/* status, message prefix, offset and function index of the failure */
static void expect_error(wasm_status st, const char *msg, size_t offset, uint32_t func_index)
{
    cr_assert_eq(L.st, st, "status %d, want %d (%s)", L.st, st, L.e.message);
    cr_assert(strncmp(L.e.message, msg, strlen(msg)) == 0, "message \"%s\", want \"%s...\"",
              L.e.message, msg);
    cr_assert_eq(L.e.offset, offset, "offset %zu, want %zu (%s)", L.e.offset, offset,
                 L.e.message);
    cr_assert_eq(L.e.func_index, func_index, "func_index %u, want %u", L.e.func_index,
                 func_index);
}

/* An error inside function 0 (no imports) at instruction byte k. */
static void expect_code_error(wasm_status st, const char *msg, size_t k)
{
    expect_error(st, msg, code_at(0, k), 0);
}

#define INVALID_AT(msg, k) expect_code_error(WASM_ERR_INVALID, msg, k)
#define MALFORMED_AT(msg, k) expect_code_error(WASM_ERR_MALFORMED, msg, k)

/* ---- operand typing ---- */

Test(validator, operand_type_mismatch)
{
    /* i32.const 0; i64.const 0; i32.add */
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x00, 0x42, 0x00, 0x6A, 0x1A, 0x0B));
    INVALID_AT("type mismatch", 4);
}

Test(validator, operand_missing)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x00, 0x6A, 0x1A, 0x0B));
    INVALID_AT("type mismatch", 2);
}

Test(validator, func_index_counts_imports)
{
    /* one imported function then the defined one: index 1 */
    LOAD(TYPE_V_V, SEC(2, 0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x00), FUNC1,
         CODE(0x00, 0x6A, 0x0B));
    expect_error(WASM_ERR_INVALID, "type mismatch", code_at(0, 0), 1);
}

Test(validator, result_missing_at_function_end)
{
    LOAD(TYPE_V_I32, FUNC1, CODE(0x00, 0x0B));
    INVALID_AT("type mismatch", 0);
}

Test(validator, block_leaves_extra_value)
{
    /* block; i32.const 0; end */
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x02, 0x40, 0x41, 0x00, 0x0B, 0x0B));
    INVALID_AT("type mismatch", 4);
}

Test(validator, if_without_else_needs_matching_types)
{
    /* i32.const 1; if (result i32) i32.const 2 end; drop */
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x01, 0x04, 0x7F, 0x41, 0x02, 0x0B, 0x1A, 0x0B));
    INVALID_AT("type mismatch", 6);
}

Test(validator, ref_is_null_needs_reference)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x00, 0xD1, 0x1A, 0x0B));
    INVALID_AT("type mismatch", 2);
}

Test(validator, untyped_select_rejects_references)
{
    /* ref.null func; ref.null func; i32.const 0; select */
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A, 0x0B));
    INVALID_AT("type mismatch", 6);
}

Test(validator, untyped_select_operands_differ)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x00, 0x42, 0x00, 0x41, 0x00, 0x1B, 0x1A, 0x0B));
    INVALID_AT("type mismatch", 6);
}

Test(validator, typed_select_arity)
{
    /* select (result i32 i32) */
    LOAD(TYPE_V_V, FUNC1,
         CODE(0x00, 0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1C, 0x02, 0x7F, 0x7F, 0x1A, 0x0B));
    INVALID_AT("invalid result arity", 6);
}

Test(validator, typed_select_references_ok)
{
    LOAD(TYPE_V_V, FUNC1,
         CODE(0x00, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x70, 0x1A, 0x0B));
    expect_valid();
}

/* ---- index spaces ---- */

Test(validator, unknown_local)
{
    /* param-less, one i64 local: local.get 0 is fine, local.get 1 is not */
    LOAD(TYPE_V_V, FUNC1, CODE(0x01, 0x01, 0x7E, 0x20, 0x00, 0x1A, 0x20, 0x01, 0x1A, 0x0B));
    INVALID_AT("unknown local", 3);
}

Test(validator, local_types_include_params)
{
    /* [i32] -> [i32] with an f32 local: local.get 0 is i32, local.get 1 is f32 */
    LOAD(SEC(1, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F), FUNC1,
         CODE(0x01, 0x01, 0x7D, 0x20, 0x01, 0x1A, 0x20, 0x00, 0x0B));
    expect_valid();
    loader_free(&L.m);
    LOAD(SEC(1, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F), FUNC1, CODE(0x01, 0x01, 0x7D, 0x20, 0x01,
                                                               0x0B));
    INVALID_AT("type mismatch", 2);
}

Test(validator, unknown_global)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x23, 0x00, 0x1A, 0x0B));
    INVALID_AT("unknown global", 0);
}

Test(validator, global_is_immutable)
{
    LOAD(TYPE_V_V, FUNC1, SEC(6, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B),
         CODE(0x00, 0x41, 0x01, 0x24, 0x00, 0x0B));
    INVALID_AT("global is immutable", 2);
}

Test(validator, unknown_function)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x10, 0x05, 0x0B));
    INVALID_AT("unknown function", 0);
}

Test(validator, call_indirect_unknown_table)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0B));
    INVALID_AT("unknown table", 2);
}

Test(validator, call_indirect_needs_funcref_table)
{
    LOAD(TYPE_V_V, FUNC1, TABLE_EXTERNREF, CODE(0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0B));
    INVALID_AT("type mismatch", 2);
}

Test(validator, call_indirect_unknown_type)
{
    LOAD(TYPE_V_V, FUNC1, TABLE_FUNCREF, CODE(0x00, 0x41, 0x00, 0x11, 0x05, 0x00, 0x0B));
    INVALID_AT("unknown type", 2);
}

Test(validator, block_type_unknown_type)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x02, 0x05, 0x0B, 0x0B));
    INVALID_AT("unknown type", 0);
}

Test(validator, unknown_label)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x0C, 0x01, 0x0B));
    INVALID_AT("unknown label", 0);
}

Test(validator, br_table_arity_mismatch)
{
    /* block (result i32) i32.const 0 i32.const 0 br_table [0] 1 end drop: label 0 takes one
     * value, the default (the function) none */
    LOAD(TYPE_V_V, FUNC1,
         CODE(0x00, 0x02, 0x7F, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A,
              0x0B));
    INVALID_AT("type mismatch", 6);
}

Test(validator, br_table_label_types_checked_against_operands)
{
    /* [] -> [i32]: block f64 (block f32 (f32.const 0; i32.const 1; br_table 0 1 1)) ...:
     * label 1 wants f64 but the operand is an f32 */
    LOAD(TYPE_V_I32, FUNC1,
         CODE(0x00, 0x02, 0x7C, 0x02, 0x7D, 0x43, 0x00, 0x00, 0x00, 0x00, 0x41, 0x01, 0x0E,
              0x02, 0x00, 0x01, 0x01, 0x0B, 0x1A, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B, 0x1A,
              0x41, 0x00, 0x0B));
    INVALID_AT("type mismatch", 11);
}

/* ---- memories, tables, segments ---- */

Test(validator, load_needs_memory)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B));
    INVALID_AT("unknown memory", 2);
}

Test(validator, memory_size_needs_memory)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x3F, 0x00, 0x1A, 0x0B));
    INVALID_AT("unknown memory", 0);
}

Test(validator, memory_fill_needs_memory)
{
    LOAD(TYPE_V_V, FUNC1,
         CODE(0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00, 0x0B));
    INVALID_AT("unknown memory", 6);
}

Test(validator, alignment_larger_than_natural)
{
    LOAD(TYPE_V_V, FUNC1, MEM1, CODE(0x00, 0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B));
    INVALID_AT("alignment must not be larger than natural", 2);
}

Test(validator, natural_alignment_ok)
{
    /* i64.load align=8, i32.store16 align=2 */
    LOAD(TYPE_V_V, FUNC1, MEM1,
         CODE(0x00, 0x41, 0x00, 0x29, 0x03, 0x00, 0x1A, 0x41, 0x00, 0x41, 0x00, 0x3B, 0x01,
              0x00, 0x0B));
    expect_valid();
}

Test(validator, memory_reserved_byte)
{
    LOAD(TYPE_V_V, FUNC1, MEM1, CODE(0x00, 0x3F, 0x01, 0x1A, 0x0B));
    MALFORMED_AT("zero byte expected", 1);
}

Test(validator, unknown_elem_segment)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0xFC, 0x0D, 0x00, 0x0B));
    INVALID_AT("unknown elem segment", 0);
}

Test(validator, unknown_data_segment)
{
    /* data count 1, one passive segment; data.drop 1 */
    LOAD(TYPE_V_V, FUNC1, MEM1, SEC(12, 0x01), CODE(0x00, 0xFC, 0x09, 0x01, 0x0B),
         SEC(11, 0x01, 0x01, 0x01, 'x'));
    INVALID_AT("unknown data segment", 0);
}

Test(validator, data_count_section_required)
{
    /* a data segment but no data count section: memory.init is malformed */
    LOAD(TYPE_V_V, FUNC1, MEM1,
         CODE(0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B),
         SEC(11, 0x01, 0x01, 0x01, 'x'));
    MALFORMED_AT("data count section required", 6);
}

Test(validator, data_drop_without_any_data)
{
    /* no data segments at all: no index can be valid, reported as such */
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0xFC, 0x09, 0x00, 0x0B));
    INVALID_AT("unknown data segment", 0);
}

Test(validator, memory_init_ok)
{
    LOAD(TYPE_V_V, FUNC1, MEM1, SEC(12, 0x01),
         CODE(0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0xFC, 0x09,
              0x00, 0x0B),
         SEC(11, 0x01, 0x01, 0x01, 'x'));
    expect_valid();
}

Test(validator, table_copy_element_types)
{
    LOAD(TYPE_V_V, FUNC1, SEC(4, 0x02, 0x70, 0x00, 0x01, 0x6F, 0x00, 0x01),
         CODE(0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, 0x0B));
    INVALID_AT("type mismatch", 6);
}

Test(validator, table_init_element_types)
{
    /* externref table, passive funcref segment (flags 1, elemkind 0, [func 0]) */
    LOAD(TYPE_V_V, FUNC1, TABLE_EXTERNREF, SEC(9, 0x01, 0x01, 0x00, 0x01, 0x00),
         CODE(0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x00, 0x0B));
    INVALID_AT("type mismatch", 6);
}

Test(validator, table_operations_typed_by_element_type)
{
    /* externref table: table.grow takes an externref, table.get gives one */
    LOAD(TYPE_V_V, FUNC1, TABLE_EXTERNREF,
         CODE(0x00, 0xD0, 0x6F, 0x41, 0x01, 0xFC, 0x0F, 0x00, 0x1A, 0x41, 0x00, 0x25, 0x00,
              0xD1, 0x1A, 0x0B));
    expect_valid();
    loader_free(&L.m);
    LOAD(TYPE_V_V, FUNC1, TABLE_EXTERNREF,
         CODE(0x00, 0xD0, 0x70, 0x41, 0x01, 0xFC, 0x0F, 0x00, 0x1A, 0x0B));
    INVALID_AT("type mismatch", 4);
}

Test(validator, ref_func_needs_declaration)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0xD2, 0x00, 0x1A, 0x0B));
    INVALID_AT("undeclared function reference", 0);
}

Test(validator, ref_func_declared_by_export)
{
    LOAD(TYPE_V_V, FUNC1, SEC(7, 0x01, 0x01, 'f', 0x00, 0x00), CODE(0x00, 0xD2, 0x00, 0x1A, 0x0B));
    expect_valid();
}

Test(validator, ref_func_declared_by_global)
{
    /* a global's initialiser declares the function (and needs no declaration itself) */
    LOAD(TYPE_V_V, FUNC1, SEC(6, 0x01, 0x70, 0x00, 0xD2, 0x00, 0x0B),
         CODE(0x00, 0xD2, 0x00, 0x1A, 0x0B));
    expect_valid();
}

/* ---- encoding errors found while validating bodies ---- */

Test(validator, else_without_if)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x05, 0x0B));
    MALFORMED_AT("END opcode expected", 0);
}

Test(validator, second_else)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x00, 0x04, 0x40, 0x05, 0x05, 0x0B, 0x0B));
    MALFORMED_AT("END opcode expected", 5);
}

Test(validator, bytes_after_final_end)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x0B, 0x0B));
    MALFORMED_AT("section size mismatch", 1);
}

Test(validator, body_without_final_end)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x02, 0x40, 0x0B));
    MALFORMED_AT("unexpected end", 3);
}

Test(validator, illegal_opcodes)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x01, 0x06, 0x0B));
    MALFORMED_AT("illegal opcode", 1);
    loader_free(&L.m);
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0xFC, 0x12, 0x0B));
    MALFORMED_AT("illegal opcode", 0);
}

Test(validator, simd_unsupported)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0xFD, 0x0C, 0x0B));
    expect_code_error(WASM_ERR_UNSUPPORTED, "SIMD", 0);
}

Test(validator, leb_too_long_in_code)
{
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B));
    MALFORMED_AT("integer representation too long", 5);
}

Test(validator, block_type_encoding)
{
    /* a one-byte negative that is no value type */
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x02, 0x41, 0x0B, 0x0B));
    MALFORMED_AT("malformed block type", 1);
}

Test(validator, malformed_body_wins_over_invalid_one)
{
    /* function 0 is ill-typed, function 1 has an illegal opcode: the module is malformed */
    LOAD(TYPE_V_V, SEC(3, 0x02, 0x00, 0x00), CODE(0x00, 0x6A, 0x0B), CODE(0x00, 0x06, 0x0B));
    expect_error(WASM_ERR_MALFORMED, "illegal opcode", code_at(1, 0), 1);
}

/* ---- valid tricky cases ---- */

Test(validator, unreachable_is_polymorphic)
{
    /* [] -> [i32]: unreachable; i32.add */
    LOAD(TYPE_V_I32, FUNC1, CODE(0x00, 0x00, 0x6A, 0x0B));
    expect_valid();
    loader_free(&L.m);
    /* unreachable; select (Unknown result) satisfies the i32 result */
    LOAD(TYPE_V_I32, FUNC1, CODE(0x00, 0x00, 0x1B, 0x0B));
    expect_valid();
    loader_free(&L.m);
    /* unreachable; i64.const 0; i64.add leaves an i64: the result is still checked */
    LOAD(TYPE_V_I32, FUNC1, CODE(0x00, 0x00, 0x42, 0x00, 0x7C, 0x0B));
    INVALID_AT("type mismatch", 4);
    loader_free(&L.m);
    /* br makes the rest of the block polymorphic; values pushed after it still count */
    LOAD(TYPE_V_V, FUNC1, CODE(0x00, 0x0C, 0x00, 0x41, 0x00, 0x0B));
    INVALID_AT("type mismatch", 4);
}

Test(validator, br_table_with_unknown_operands)
{
    /* [] -> [i32]: block f64 (block f32 (unreachable; i32.const 1; br_table 0 1 1); drop;
     * f64.const 0); drop; i32.const 0 -- labels of different types, fine when unreachable */
    LOAD(TYPE_V_I32, FUNC1,
         CODE(0x00, 0x02, 0x7C, 0x02, 0x7D, 0x00, 0x41, 0x01, 0x0E, 0x02, 0x00, 0x01, 0x01,
              0x0B, 0x1A, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B, 0x1A, 0x41, 0x00, 0x0B));
    expect_valid();
}

Test(validator, multi_value_blocks)
{
    /* types: 0 [] -> [i32], 1 [i32 i32] -> [i32], 2 [i32] -> [i32] */
#define MV_TYPES                                                                          \
    SEC(1, 0x03, 0x60, 0x00, 0x01, 0x7F, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F, 0x60, 0x01,    \
        0x7F, 0x01, 0x7F)
    /* i32.const 1; i32.const 2; block (type 1) i32.add end */
    LOAD(MV_TYPES, FUNC1, CODE(0x00, 0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A, 0x0B, 0x0B));
    expect_valid();
    loader_free(&L.m);
    /* if (type 1) with params: i32.add else i32.sub */
    LOAD(MV_TYPES, FUNC1,
         CODE(0x00, 0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x04, 0x01, 0x6A, 0x05, 0x6B, 0x0B,
              0x0B));
    expect_valid();
    loader_free(&L.m);
    /* loop (type 2): a branch to a loop takes its parameters */
    LOAD(MV_TYPES, FUNC1, CODE(0x00, 0x41, 0x01, 0x03, 0x02, 0x0C, 0x00, 0x0B, 0x0B));
    expect_valid();
    loader_free(&L.m);
    /* if (type 2) without else: params == results */
    LOAD(MV_TYPES, FUNC1, CODE(0x00, 0x41, 0x01, 0x41, 0x00, 0x04, 0x02, 0x0B, 0x0B));
    expect_valid();
    loader_free(&L.m);
    /* block (type 1) with one operand: the params are popped from the outer stack */
    LOAD(MV_TYPES, FUNC1, CODE(0x00, 0x41, 0x01, 0x02, 0x01, 0x6A, 0x0B, 0x0B));
    INVALID_AT("type mismatch", 2);
#undef MV_TYPES
}

Test(validator, multi_value_return_and_br_if)
{
    /* [] -> [i32 i64]: i32.const 1; i64.const 2; return */
    LOAD(SEC(1, 0x01, 0x60, 0x00, 0x02, 0x7F, 0x7E), FUNC1,
         CODE(0x00, 0x41, 0x01, 0x42, 0x02, 0x0F, 0x0B));
    expect_valid();
    loader_free(&L.m);
    /* br_if leaves the label's types: block (result i32) i32.const 1 i32.const 0 br_if 0 end */
    LOAD(TYPE_V_I32, FUNC1, CODE(0x00, 0x02, 0x7F, 0x41, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B,
                                 0x0B));
    expect_valid();
}

/* ---- module level ---- */

Test(validator, multiple_memories)
{
    LOAD(SEC(5, 0x02, 0x00, 0x01, 0x00, 0x01));
    cr_assert_eq(L.st, WASM_ERR_INVALID, "%s", L.e.message);
    cr_assert_str_eq(L.e.message, "multiple memories");
}

Test(validator, memory_limits)
{
    LOAD(SEC(5, 0x01, 0x00, 0x81, 0x80, 0x04)); /* 65537 pages */
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert_str_eq(L.e.message, "memory size must be at most 65536 pages (4GiB)");
    cr_assert_eq(L.e.offset, 11); /* the memory entry, after the section header and count */
    loader_free(&L.m);
    LOAD(SEC(5, 0x01, 0x01, 0x02, 0x01));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert_str_eq(L.e.message, "size minimum must not be greater than maximum");
    loader_free(&L.m);
    LOAD(SEC(5, 0x01, 0x01, 0x00, 0x80, 0x80, 0x04)); /* max 65536 is fine */
    expect_valid();
}

Test(validator, table_limits)
{
    LOAD(SEC(4, 0x01, 0x70, 0x01, 0x02, 0x01));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert_str_eq(L.e.message, "size minimum must not be greater than maximum");
}

Test(validator, imported_memory_limits)
{
    LOAD(SEC(2, 0x01, 0x01, 'm', 0x01, 'm', 0x02, 0x01, 0x03, 0x02));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert_str_eq(L.e.message, "size minimum must not be greater than maximum");
    cr_assert_eq(L.e.offset, L.m.imports[0].offset);
}

Test(validator, function_type_index)
{
    LOAD(TYPE_V_V, SEC(3, 0x01, 0x05), CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown type", 12) == 0, "%s", L.e.message);
}

Test(validator, global_initialisers)
{
    /* i32.const 0; i32.const 0; i32.add is not constant in Wasm 2.0 */
    LOAD(SEC(6, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert_str_eq(L.e.message, "constant expression required");
    cr_assert_eq(L.e.offset, L.m.globals[0].init.offset + 4);
    loader_free(&L.m);
    /* wrong type; no value; two values */
    LOAD(SEC(6, 0x01, 0x7F, 0x00, 0x42, 0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "type mismatch", 13) == 0, "%s", L.e.message);
    loader_free(&L.m);
    LOAD(SEC(6, 0x01, 0x7F, 0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "type mismatch", 13) == 0, "%s", L.e.message);
    loader_free(&L.m);
    LOAD(SEC(6, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "type mismatch", 13) == 0, "%s", L.e.message);
}

Test(validator, global_get_in_initialisers)
{
    /* a defined global is not visible to another's initialiser */
    LOAD(SEC(6, 0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00, 0x23, 0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown global", 14) == 0, "%s", L.e.message);
    loader_free(&L.m);
    /* an imported mutable global is not constant */
    LOAD(SEC(2, 0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7F, 0x01),
         SEC(6, 0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "constant expression required", 28) == 0, "%s",
              L.e.message);
    loader_free(&L.m);
    /* an imported immutable one is */
    LOAD(SEC(2, 0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7F, 0x00),
         SEC(6, 0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B));
    expect_valid();
}

Test(validator, element_segments)
{
    /* active segment without a table */
    LOAD(TYPE_V_V, FUNC1, SEC(9, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00), CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown table", 13) == 0, "%s", L.e.message);
    cr_assert_eq(L.e.offset, L.m.elems[0].offset_in_file);
    loader_free(&L.m);
    /* funcref segment into an externref table */
    LOAD(TYPE_V_V, FUNC1, TABLE_EXTERNREF, SEC(9, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00),
         CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "type mismatch", 13) == 0, "%s", L.e.message);
    loader_free(&L.m);
    /* i64 offset */
    LOAD(TYPE_V_V, FUNC1, TABLE_FUNCREF, SEC(9, 0x01, 0x00, 0x42, 0x00, 0x0B, 0x00),
         CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "type mismatch", 13) == 0, "%s", L.e.message);
    loader_free(&L.m);
    /* function index out of range */
    LOAD(TYPE_V_V, FUNC1, TABLE_FUNCREF, SEC(9, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x05),
         CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown function", 16) == 0, "%s", L.e.message);
    loader_free(&L.m);
    /* passive funcref segment of expressions holding ref.null extern (flags 5) */
    LOAD(TYPE_V_V, FUNC1, SEC(9, 0x01, 0x05, 0x70, 0x01, 0xD0, 0x6F, 0x0B), CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "type mismatch", 13) == 0, "%s", L.e.message);
    loader_free(&L.m);
    /* valid: active funcref segment [ref.func 0] (flags 4) */
    LOAD(TYPE_V_V, FUNC1, TABLE_FUNCREF, SEC(9, 0x01, 0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00,
                                             0x0B),
         CODE(0x00, 0x0B));
    expect_valid();
}

Test(validator, data_segments)
{
    LOAD(SEC(11, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown memory", 14) == 0, "%s", L.e.message);
    cr_assert_eq(L.e.offset, L.m.datas[0].offset_in_file);
    loader_free(&L.m);
    LOAD(MEM1, SEC(11, 0x01, 0x00, 0x42, 0x00, 0x0B, 0x00));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "type mismatch", 13) == 0, "%s", L.e.message);
}

Test(validator, exports)
{
    LOAD(TYPE_V_V, FUNC1, SEC(7, 0x02, 0x01, 'a', 0x00, 0x00, 0x01, 'a', 0x00, 0x00),
         CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "duplicate export name", 21) == 0, "%s", L.e.message);
    cr_assert_eq(L.e.offset, L.m.exports[1].offset);
    loader_free(&L.m);
    LOAD(TYPE_V_V, FUNC1, SEC(7, 0x01, 0x01, 'a', 0x00, 0x05), CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown function", 16) == 0, "%s", L.e.message);
    loader_free(&L.m);
    LOAD(SEC(7, 0x01, 0x01, 'm', 0x02, 0x00));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown memory", 14) == 0, "%s", L.e.message);
    loader_free(&L.m);
    /* same names of different lengths / distinct names are fine */
    LOAD(TYPE_V_V, FUNC1,
         SEC(7, 0x03, 0x01, 'a', 0x00, 0x00, 0x02, 'a', 'a', 0x00, 0x00, 0x00, 0x00, 0x00),
         CODE(0x00, 0x0B));
    expect_valid();
}

Test(validator, start_function)
{
    LOAD(TYPE_V_V, FUNC1, SEC(8, 0x05), CODE(0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "unknown function", 16) == 0, "%s", L.e.message);
    loader_free(&L.m);
    LOAD(TYPE_V_I32, FUNC1, SEC(8, 0x00), CODE(0x00, 0x41, 0x00, 0x0B));
    cr_assert_eq(L.st, WASM_ERR_INVALID);
    cr_assert(strncmp(L.e.message, "start function", 14) == 0, "%s", L.e.message);
    loader_free(&L.m);
    LOAD(TYPE_V_V, FUNC1, SEC(8, 0x00), CODE(0x00, 0x0B));
    expect_valid();
}

/* ---- helpers and hand-filled modules ---- */

Test(validator, blocktype_helper)
{
    uint8_t ty[3] = {WASM_I32, WASM_I64, WASM_F64};
    wasm_functype t = {.nparams = 2, .nresults = 1, .types = ty};
    wasm_module m;
    memset(&m, 0, sizeof m);
    m.types = &t;
    m.ntypes = 1;
    uint32_t np, nr;
    const uint8_t *p, *r;
    cr_assert(loader_blocktype(&m, LOADER_BLOCKTYPE_EMPTY, &np, &p, &nr, &r));
    cr_assert_eq(np, 0);
    cr_assert_eq(nr, 0);
    cr_assert(loader_blocktype(&m, -1, &np, &p, &nr, &r)); /* 0x7F */
    cr_assert_eq(np, 0);
    cr_assert_eq(nr, 1);
    cr_assert_eq(r[0], WASM_I32);
    cr_assert(loader_blocktype(&m, -17, &np, &p, &nr, &r)); /* 0x6F */
    cr_assert_eq(r[0], WASM_EXTERNREF);
    cr_assert(loader_blocktype(&m, 0, &np, &p, &nr, &r));
    cr_assert_eq(np, 2);
    cr_assert_eq(p[1], WASM_I64);
    cr_assert_eq(nr, 1);
    cr_assert_eq(r[0], WASM_F64);
    cr_assert_not(loader_blocktype(&m, 1, &np, &p, &nr, &r));
    cr_assert_not(loader_blocktype(&m, -2 - 0x40, &np, &p, &nr, &r)); /* below 0x40 */
    cr_assert_not(loader_blocktype(&m, 0x41 - 0x80, &np, &p, &nr, &r)); /* not a type */

    static const uint8_t enc[] = {0x40, 0x7E, 0x80, 0x01, 0xFF, 0x7F};
    wasm_reader rd;
    int64_t bt;
    reader_init(&rd, enc, enc, enc + sizeof enc);
    cr_assert(loader_read_blocktype(&rd, &bt) && bt == LOADER_BLOCKTYPE_EMPTY);
    cr_assert(loader_read_blocktype(&rd, &bt) && bt == -2);
    cr_assert(loader_read_blocktype(&rd, &bt) && bt == 128);
    cr_assert_not(loader_read_blocktype(&rd, &bt)); /* 0xFF 0x7F: -1 in two bytes */
    cr_assert_str_eq(rd.error, "malformed block type");
}

Test(validator, hand_filled_module_offsets)
{
    /* a body that does not live in m->bytes: offsets come from code_offset */
    static const uint8_t code[] = {0x41, 0x00, 0x42, 0x00, 0x6A, 0x1A, 0x0B};
    wasm_functype t = {0};
    uint32_t func_types[1] = {0};
    bool declared[1] = {false};
    wasm_func f = {.type = 0, .code = code, .code_len = sizeof code, .code_offset = 1000};
    wasm_module m;
    memset(&m, 0, sizeof m);
    m.types = &t;
    m.ntypes = 1;
    m.func_types = func_types;
    m.nfuncs_total = 1;
    m.funcs = &f;
    m.nfuncs = 1;
    m.declared_funcs = declared;
    wasm_error e;
    cr_assert_eq(loader_validate(&m, &e), WASM_ERR_INVALID);
    cr_assert_eq(e.offset, 1004);
    cr_assert_eq(e.func_index, 0);
    f.code_len = 2; /* cut after i32.const 0: no final end */
    cr_assert_eq(loader_validate(&m, &e), WASM_ERR_MALFORMED);
    cr_assert_eq(e.offset, 1002);
}
