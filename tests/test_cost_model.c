/* Unit tests of the fuel cost model (loader/cost_model.c): the presets' values, the text
 * format (directives, groups, numbers, every error with its line), file loading, the writer's
 * round trip, and the forbidden-operator check on small modules (bytes from wat2wasm). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../loader/cost_model.h"

TestSuite(cost_model);

/* ---- helpers ---- */

static wasm_cost_model M;
static wasm_error E;

static wasm_status parse_str(const char *text)
{
    wasm_error_clear(&E);
    return wasm_cost_model_parse(&M, text, strlen(text), "costs.txt", &E);
}

static void expect_parsed(const char *text)
{
    wasm_status st = parse_str(text);
    cr_assert_eq(st, WASM_OK, "parse failed: %s", E.message);
}

/* The whole message must match: it carries the source name and the line number. */
static void expect_parse_error(const char *text, const char *message)
{
    wasm_status st = parse_str(text);
    cr_assert_eq(st, WASM_ERR_USAGE, "status %d for \"%s\"", st, text);
    cr_assert_eq(E.status, WASM_ERR_USAGE);
    cr_assert_str_eq(E.message, message);
    cr_assert_eq(E.func_index, WASM_NO_FUNC);
}

/* ---- presets ---- */

Test(cost_model, default_preset_sample)
{
    wasm_cost_model_default(&M);
    cr_assert_eq(M.op_cost[WASM_OP_nop], 0);
    cr_assert_eq(M.op_cost[WASM_OP_drop], 0);
    cr_assert_eq(M.op_cost[WASM_OP_block], 0);
    cr_assert_eq(M.op_cost[WASM_OP_loop], 0);
    cr_assert_eq(M.op_cost[WASM_OP_end], 0);
    cr_assert_eq(M.op_cost[WASM_OP_else], 0);
    cr_assert_eq(M.op_cost[WASM_OP_unreachable], 0);
    cr_assert_eq(M.op_cost[WASM_OP_return], 0);
    cr_assert_eq(M.op_cost[WASM_OP_if], 1);
    cr_assert_eq(M.op_cost[WASM_OP_br], 1);
    cr_assert_eq(M.op_cost[WASM_OP_br_table], 1);
    cr_assert_eq(M.op_cost[WASM_OP_call], 1);
    cr_assert_eq(M.op_cost[WASM_OP_i32_add], 1);
    cr_assert_eq(M.op_cost[WASM_OP_f64_div], 1);
    cr_assert_eq(M.op_cost[WASM_OP_select_t], 1);
    cr_assert_eq(M.op_cost[WASM_OP_memory_copy], 1);
    cr_assert_eq(M.op_cost[WASM_OP_table_fill], 1);
    cr_assert_eq(M.call_entry, 1);
    cr_assert_eq(M.host_entry, 2);
    cr_assert_eq(M.bulk_unit, 1);
    cr_assert_eq(M.grow_page, 1);
}

/* The preset is the default_cost column, and unassigned opcodes stay 0 and allowed. */
Test(cost_model, default_preset_is_the_opcodes_def_column)
{
    wasm_cost_model_default(&M);
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        uint64_t want = wasm_op_table[op].name ? wasm_op_table[op].default_cost : 0;
        cr_assert_eq(M.op_cost[op], want, "op 0x%x", op);
        cr_assert(!M.forbidden[op], "op 0x%x", op);
    }
    cr_assert_eq(M.op_cost[0x06], 0);   /* unassigned */
}

Test(cost_model, uniform_preset)
{
    wasm_cost_model_uniform(&M);
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        cr_assert_eq(M.op_cost[op], wasm_op_table[op].name ? 1u : 0u, "op 0x%x", op);
        cr_assert(!M.forbidden[op]);
    }
    cr_assert_eq(M.op_cost[WASM_OP_block], 1);
    cr_assert_eq(M.op_cost[WASM_OP_loop], 1);
    cr_assert_eq(M.op_cost[WASM_OP_if], 1);
    cr_assert_eq(M.op_cost[WASM_OP_else], 1);
    cr_assert_eq(M.op_cost[WASM_OP_end], 1);
    cr_assert_eq(M.op_cost[WASM_OP_return], 1);
    cr_assert_eq(M.op_cost[WASM_OP_nop], 1);
    cr_assert_eq(M.call_entry, 0);
    cr_assert_eq(M.host_entry, 0);
    cr_assert_eq(M.bulk_unit, 0);
    cr_assert_eq(M.grow_page, 0);
}

/* The issue's example: a start function setting a local to 10 and looping
 * `local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0` costs 2 + 1 + 2 + 10x5 = 55. */
Test(cost_model, issue_example_adds_up_to_55)
{
    wasm_cost_model_default(&M);
    const uint64_t *c = M.op_cost;
    uint64_t prologue = c[WASM_OP_i32_const] + c[WASM_OP_local_set] + c[WASM_OP_loop];
    uint64_t iteration = c[WASM_OP_local_get] + c[WASM_OP_i32_const] + c[WASM_OP_i32_sub] +
                         c[WASM_OP_local_tee] + c[WASM_OP_br_if];
    uint64_t total = M.host_entry + M.call_entry + prologue + 10 * iteration +
                     2 * c[WASM_OP_end];
    cr_assert_eq(prologue, 2);
    cr_assert_eq(iteration, 5);
    cr_assert_eq(total, 55);
}

/* ---- the float group ---- */

Test(cost_model, float_group_members)
{
    static const uint32_t in[] = {
        WASM_OP_f32_add, WASM_OP_f64_add, WASM_OP_f32_const, WASM_OP_f64_const,
        WASM_OP_f32_load, WASM_OP_f64_store, WASM_OP_f32_eq, WASM_OP_i32_trunc_f32_s,
        WASM_OP_i64_reinterpret_f64, WASM_OP_f64_reinterpret_i64, WASM_OP_f32_convert_i64_u,
        WASM_OP_f64_promote_f32, WASM_OP_i64_trunc_sat_f64_u, WASM_OP_i32_trunc_sat_f32_s,
    };
    static const uint32_t out[] = {
        WASM_OP_i32_add, WASM_OP_i64_const, WASM_OP_select, WASM_OP_select_t,
        WASM_OP_local_get, WASM_OP_i32_load, WASM_OP_i64_extend_i32_s, WASM_OP_memory_copy,
        WASM_OP_end, 0x06 /* unassigned */, WASM_OP_COUNT,
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        cr_assert(wasm_cost_op_is_float(in[i]), "%s", wasm_op_table[in[i]].name);
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
        cr_assert(!wasm_cost_op_is_float(out[i]), "op 0x%x", out[i]);
}

/* The name rule alone covers every operator with f32/f64 in its signature columns. */
Test(cost_model, float_name_rule_covers_signatures)
{
    size_t n = 0;
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        const wasm_op_info *i = wasm_op_lookup(op);
        if (!i)
            continue;
        bool sig = i->p0 == WASM_SIG_F32 || i->p0 == WASM_SIG_F64 || i->p1 == WASM_SIG_F32 ||
                   i->p1 == WASM_SIG_F64 || i->result == WASM_SIG_F32 ||
                   i->result == WASM_SIG_F64;
        bool name = strncmp(i->name, "f32.", 4) == 0 || strncmp(i->name, "f64.", 4) == 0 ||
                    strstr(i->name, "_f32") || strstr(i->name, "_f64");
        cr_assert(!sig || name, "%s", i->name);
        cr_assert_eq(wasm_cost_op_is_float(op), name, "%s", i->name);
        n += name;
    }
    /* 4 loads/stores, 2 consts, 12 comparisons, 28 arithmetic, 22 conversions and
     * reinterpretations, 8 trunc_sat */
    cr_assert_eq(n, 76);
}

/* ---- the text format ---- */

Test(cost_model, empty_and_comment_only_text_is_the_default)
{
    wasm_cost_model want;
    wasm_cost_model_default(&want);
    expect_parsed("");
    cr_assert(wasm_cost_model_equal(&M, &want));
    expect_parsed("\n  \n# a comment\n\t# another\n\r\n");
    cr_assert(wasm_cost_model_equal(&M, &want));
}

Test(cost_model, operator_costs_and_overrides)
{
    expect_parsed("i32.add 3\n"
                  "  f64.div\t40   # expensive\n"
                  "call 7\n"
                  "i32.add 4\n"     /* later lines override */
                  "nop 2");         /* no final newline */
    cr_assert_eq(M.op_cost[WASM_OP_i32_add], 4);
    cr_assert_eq(M.op_cost[WASM_OP_f64_div], 40);
    cr_assert_eq(M.op_cost[WASM_OP_call], 7);
    cr_assert_eq(M.op_cost[WASM_OP_nop], 2);
    cr_assert_eq(M.op_cost[WASM_OP_i32_sub], 1);    /* untouched: default */
    cr_assert_eq(M.op_cost[WASM_OP_block], 0);
    cr_assert_eq(M.host_entry, 2);
}

Test(cost_model, crlf_lines)
{
    expect_parsed("i32.add 3\r\ni32.sub 5\r\n");
    cr_assert_eq(M.op_cost[WASM_OP_i32_add], 3);
    cr_assert_eq(M.op_cost[WASM_OP_i32_sub], 5);
}

Test(cost_model, fc_prefixed_operators)
{
    expect_parsed("memory.copy 9\ntable.grow 4\ni32.trunc_sat_f32_s forbid");
    cr_assert_eq(M.op_cost[WASM_OP_memory_copy], 9);
    cr_assert_eq(M.op_cost[WASM_OP_table_grow], 4);
    cr_assert(M.forbidden[WASM_OP_i32_trunc_sat_f32_s]);
}

Test(cost_model, select_name_sets_both_opcodes)
{
    expect_parsed("select 6");
    cr_assert_eq(M.op_cost[WASM_OP_select], 6);
    cr_assert_eq(M.op_cost[WASM_OP_select_t], 6);
    expect_parsed("select forbid");
    cr_assert(M.forbidden[WASM_OP_select]);
    cr_assert(M.forbidden[WASM_OP_select_t]);
}

Test(cost_model, scalar_keys)
{
    expect_parsed("call_entry 10\nhost_entry 20\nbulk_unit 30\ngrow_page 40\n");
    cr_assert_eq(M.call_entry, 10);
    cr_assert_eq(M.host_entry, 20);
    cr_assert_eq(M.bulk_unit, 30);
    cr_assert_eq(M.grow_page, 40);
    cr_assert_eq(M.op_cost[WASM_OP_call], 1);
}

Test(cost_model, star_sets_every_operator)
{
    expect_parsed("* 7\ni32.add 2");
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        uint64_t want = !wasm_op_table[op].name ? 0 : op == WASM_OP_i32_add ? 2 : 7;
        cr_assert_eq(M.op_cost[op], want, "op 0x%x", op);
    }
    cr_assert_eq(M.call_entry, 1);  /* scalars are not operators */
}

Test(cost_model, float_group_cost_and_forbid)
{
    expect_parsed("float 5");
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        if (!wasm_op_table[op].name)
            continue;
        uint64_t want = wasm_cost_op_is_float(op) ? 5 : wasm_op_table[op].default_cost;
        cr_assert_eq(M.op_cost[op], want, "%s", wasm_op_table[op].name);
        cr_assert(!M.forbidden[op]);
    }
    expect_parsed("float 5\nfloat forbid\n");
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        cr_assert_eq(M.forbidden[op], wasm_cost_op_is_float(op), "op 0x%x", op);
        if (wasm_cost_op_is_float(op))
            cr_assert_eq(M.op_cost[op], 5, "forbidding keeps the cost");
    }
}

/* A later cost line lifts an earlier forbid; a later forbid wins over an earlier cost. */
Test(cost_model, later_lines_override_forbid)
{
    expect_parsed("float forbid\nf32.add 3\n");
    cr_assert(!M.forbidden[WASM_OP_f32_add]);
    cr_assert_eq(M.op_cost[WASM_OP_f32_add], 3);
    cr_assert(M.forbidden[WASM_OP_f32_sub]);
    expect_parsed("f32.add 3\n* forbid\n");
    cr_assert(M.forbidden[WASM_OP_f32_add]);
    cr_assert(M.forbidden[WASM_OP_i32_add]);
    expect_parsed("float forbid\n* 1\n");
    cr_assert(!M.forbidden[WASM_OP_f64_add]);
}

Test(cost_model, base_uniform)
{
    wasm_cost_model want;
    wasm_cost_model_uniform(&want);
    expect_parsed("# header comment\n\nbase uniform\n");
    cr_assert(wasm_cost_model_equal(&M, &want));
    expect_parsed("base uniform\nblock 5\ncall_entry 3\n");
    cr_assert_eq(M.op_cost[WASM_OP_block], 5);
    cr_assert_eq(M.op_cost[WASM_OP_loop], 1);
    cr_assert_eq(M.call_entry, 3);
    cr_assert_eq(M.host_entry, 0);
    expect_parsed("base default\n");
    wasm_cost_model_default(&want);
    cr_assert(wasm_cost_model_equal(&M, &want));
}

Test(cost_model, numbers)
{
    expect_parsed("i32.add 18446744073709551615\ni32.sub 1_000_000\ncall_entry 0\n"
                  "grow_page 18_446_744_073_709_551_615\ni32.mul 007");
    cr_assert_eq(M.op_cost[WASM_OP_i32_add], UINT64_MAX);
    cr_assert_eq(M.op_cost[WASM_OP_i32_sub], 1000000);
    cr_assert_eq(M.call_entry, 0);
    cr_assert_eq(M.grow_page, UINT64_MAX);
    cr_assert_eq(M.op_cost[WASM_OP_i32_mul], 7);
}

Test(cost_model, number_errors)
{
    expect_parse_error("i32.add 18446744073709551616",
                       "costs.txt:1: cost '18446744073709551616' is too large "
                       "(the maximum is 18446744073709551615)");
    expect_parse_error("\ncall_entry 99999999999999999999999",
                       "costs.txt:2: cost '99999999999999999999999' is too large "
                       "(the maximum is 18446744073709551615)");
    static const char *const bad[] = {"1e3", "-1", "+1", "_1", "1_", "1__0", "0x10", "1.5",
                                      "12a", "18446744073709551616x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[64], msg[128];
        snprintf(text, sizeof text, "i32.add %s", bad[i]);
        snprintf(msg, sizeof msg, "costs.txt:1: bad cost '%s' (expected a whole number)",
                 bad[i]);
        expect_parse_error(text, msg);
    }
}

Test(cost_model, parse_errors_carry_line_numbers)
{
    expect_parse_error("i32.add 1\n# two\ni32.ad 3\n", "costs.txt:3: unknown operator 'i32.ad'");
    cr_assert_eq(E.offset, 16, "offset of line 3");
    expect_parse_error("\n\n\n\ni32.add 1e3\n",
                       "costs.txt:5: bad cost '1e3' (expected a whole number)");
    expect_parse_error("a 1\n", "costs.txt:1: unknown operator 'a'");
    expect_parse_error("\n\n\n\n\n\ni32.add\n", "costs.txt:7: expected 'OPERATOR COST'");
    expect_parse_error("i32.add 1 2\n", "costs.txt:1: expected 'OPERATOR COST'");
    expect_parse_error("i32.add 1 # ok\ni32.sub # 2\n", "costs.txt:2: expected 'OPERATOR COST'");
    expect_parse_error("host_entry forbid", "costs.txt:1: 'host_entry' cannot be forbidden");
    expect_parse_error("bulk_unit x", "costs.txt:1: bad cost 'x' (expected a whole number)");
    expect_parse_error("i32.add 2\nbase uniform", "costs.txt:2: 'base' must be the first directive");
    expect_parse_error("base fast", "costs.txt:1: unknown base 'fast' "
                                    "(expected 'default' or 'uniform')");
    expect_parse_error("I32.ADD 1", "costs.txt:1: unknown operator 'I32.ADD'");
    expect_parse_error("floats forbid", "costs.txt:1: unknown operator 'floats'");
    expect_parse_error("select_t 1", "costs.txt:1: unknown operator 'select_t'");
}

Test(cost_model, long_tokens_are_cut_in_messages)
{
    char text[400];
    memset(text, 'x', 300);
    strcpy(text + 300, " 1");
    cr_assert_eq(parse_str(text), WASM_ERR_USAGE);
    cr_assert(strncmp(E.message, "costs.txt:1: unknown operator 'xxxx", 35) == 0);
    cr_assert(strlen(E.message) < 100, "%s", E.message);
}

Test(cost_model, default_source_name_and_unterminated_buffer)
{
    const char text[] = {'n', 'o', 'p', ' ', '4', '2'};   /* no NUL: len bounds the parse */
    cr_assert_eq(wasm_cost_model_parse(&M, text, sizeof text, NULL, &E), WASM_OK);
    cr_assert_eq(M.op_cost[WASM_OP_nop], 42);
    cr_assert_eq(wasm_cost_model_parse(&M, "nop", 3, NULL, &E), WASM_ERR_USAGE);
    cr_assert_str_eq(E.message, "<string>:1: expected 'OPERATOR COST'");
    cr_assert_eq(wasm_cost_model_parse(&M, "nop 1\0junk", 10, NULL, &E), WASM_ERR_USAGE);
    cr_assert_eq(wasm_cost_model_parse(&M, "nop 1\n", 6, NULL, NULL), WASM_OK);
    cr_assert_eq(wasm_cost_model_parse(&M, "nop x", 5, NULL, NULL), WASM_ERR_USAGE);
}

Test(cost_model, failed_parse_leaves_model_unchanged)
{
    wasm_cost_model before;
    wasm_cost_model_uniform(&M);
    M.op_cost[WASM_OP_i32_add] = 99;
    before = M;
    expect_parse_error("i32.add 5\ni32.sub 6\nbogus 1\n", "costs.txt:3: unknown operator 'bogus'");
    cr_assert(wasm_cost_model_equal(&M, &before));
}

/* ---- files ---- */

/* A temporary file holding text; its path in path (PATH_MAX-free: /tmp template). */
static void temp_file(char *path, const char *text)
{
    strcpy(path, "/tmp/wvm-cost-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    size_t n = strlen(text);
    cr_assert_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
}

Test(cost_model, load_file)
{
    char path[32], want[128];
    temp_file(path, "base uniform\nfloat forbid\ni64.mul 4\n\nbad line here\n");
    wasm_status st = wasm_cost_model_load_file(&M, path, &E);
    cr_assert_eq(st, WASM_ERR_USAGE);
    snprintf(want, sizeof want, "%s:5: expected 'OPERATOR COST'", path);
    cr_assert_str_eq(E.message, want);
    unlink(path);

    temp_file(path, "base uniform\nfloat forbid\ni64.mul 4\n");
    st = wasm_cost_model_load_file(&M, path, &E);
    cr_assert_eq(st, WASM_OK, "%s", E.message);
    cr_assert_eq(M.op_cost[WASM_OP_i64_mul], 4);
    cr_assert_eq(M.op_cost[WASM_OP_block], 1);
    cr_assert(M.forbidden[WASM_OP_f64_add]);
    unlink(path);
}

Test(cost_model, load_file_errors)
{
    char want[160];
    wasm_status st = wasm_cost_model_load_file(&M, "/nonexistent/costs.txt", &E);
    cr_assert_eq(st, WASM_ERR_USAGE);
    snprintf(want, sizeof want, "cannot open '/nonexistent/costs.txt': %s", strerror(ENOENT));
    cr_assert_str_eq(E.message, want);

    st = wasm_cost_model_load_file(&M, "/tmp", &E);
    cr_assert_eq(st, WASM_ERR_USAGE);
    cr_assert(strstr(E.message, "'/tmp'") != NULL, "%s", E.message);
    cr_assert(strstr(E.message, strerror(EISDIR)) != NULL, "%s", E.message);
}

/* ---- the writer ---- */

static void expect_round_trip(const wasm_cost_model *m)
{
    size_t n = wasm_cost_model_format(m, NULL, 0);
    char *text = malloc(n + 1);
    cr_assert_not_null(text);
    cr_assert_eq(wasm_cost_model_format(m, text, n + 1), n);
    cr_assert_eq(strlen(text), n);
    wasm_cost_model back;
    wasm_cost_model_uniform(&back);
    wasm_status st = wasm_cost_model_parse(&back, text, n, "written", &E);
    cr_assert_eq(st, WASM_OK, "%s", E.message);
    cr_assert(wasm_cost_model_equal(&back, m));
    free(text);
}

Test(cost_model, round_trip_presets)
{
    wasm_cost_model m;
    wasm_cost_model_default(&m);
    expect_round_trip(&m);
    wasm_cost_model_uniform(&m);
    expect_round_trip(&m);
}

Test(cost_model, round_trip_custom)
{
    expect_parsed("base uniform\nfloat 9\nf64.sqrt forbid\nselect 0\ni32.add 18446744073709551615\n"
                  "call_entry 5\nhost_entry 6\nbulk_unit 7\ngrow_page 65536\n* forbid\n"
                  "i32.sub 3\n");
    expect_round_trip(&M);
}

Test(cost_model, format_truncates_like_snprintf)
{
    wasm_cost_model_default(&M);
    size_t n = wasm_cost_model_format(&M, NULL, 0);
    char small[16];
    cr_assert_eq(wasm_cost_model_format(&M, small, sizeof small), n);
    cr_assert_eq(strlen(small), sizeof small - 1);
    cr_assert(strncmp(small, "# wvm cost model", 15) == 0);
    char one[1] = {'x'};
    cr_assert_eq(wasm_cost_model_format(&M, one, 1), n);
    cr_assert_eq(one[0], '\0');
}

Test(cost_model, write_to_file_matches_format)
{
    expect_parsed("float forbid\ni32.add 3\n");
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    cr_assert_eq(wasm_cost_model_write(&M, f, &E), WASM_OK);
    long n = ftell(f);
    size_t want = wasm_cost_model_format(&M, NULL, 0);
    cr_assert_eq((size_t)n, want);
    char *a = malloc(want + 1), *b = malloc(want + 1);
    rewind(f);
    cr_assert_eq(fread(a, 1, want, f), want);
    wasm_cost_model_format(&M, b, want + 1);
    cr_assert(memcmp(a, b, want) == 0);
    cr_assert(strstr(b, "\nselect                 1\n") != NULL, "select written once");
    cr_assert(strstr(strstr(b, "\nselect ") + 1, "\nselect ") == NULL);
    cr_assert(strstr(b, "\nf32.add                forbid\n") != NULL);
    free(a);
    free(b);
    fclose(f);
}

/* ---- forbidden operators in modules ---- */

/* (module (global i32 (i32.const 7))
 *   (func $start (local i32) i32.const 10 local.set 0
 *     loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end)
 *   (start $start)) */
static const uint8_t MOD_INT[] = {
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x03, 0x02, 0x01, 0x00, 0x06, 0x06, 0x01, 0x7F, 0x00, 0x41, 0x07, 0x0B, 0x08, 0x01,
    0x00, 0x0A, 0x16, 0x01, 0x14, 0x01, 0x01, 0x7F, 0x41, 0x0A, 0x21, 0x00, 0x03, 0x40,
    0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B, 0x0B,
};

/* (module (import "env" "f" (func)) (func (result i32) i32.const 1)
 *   (func (local i64) f64.const 1 f64.const 2 f64.add drop))
 * f64.add is at file offset 0x40, in function 2 (one import). */
static const uint8_t MOD_F64_ADD[] = {
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x00,
    0x60, 0x00, 0x01, 0x7F, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6E, 0x76, 0x01, 0x66, 0x00,
    0x00, 0x03, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x1F, 0x02, 0x04, 0x00, 0x41, 0x01, 0x0B,
    0x18, 0x01, 0x01, 0x7E, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x44,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0xA0, 0x1A, 0x0B,
};

/* (module (global f32 (f32.const 1.5)) (func)); f32.const at file offset 23. */
static const uint8_t MOD_F32_GLOBAL[] = {
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x06, 0x09, 0x01, 0x7D, 0x00, 0x43, 0x00, 0x00,
    0xC0, 0x3F, 0x0B, 0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
};

static wasm_module MOD;

static void load(const uint8_t *bytes, size_t n)
{
    wasm_error e;
    cr_assert_eq(loader_decode(bytes, n, &MOD, &e), WASM_OK, "%s", e.message);
    cr_assert_eq(loader_validate(&MOD, &e), WASM_OK, "%s", e.message);
}

static void unload(void) { loader_free(&MOD); }

static wasm_status check(void)
{
    wasm_error_clear(&E);
    return wasm_cost_model_check_module(&M, &MOD, &E);
}

Test(cost_model, check_accepts_float_free_module, .fini = unload)
{
    load(MOD_INT, sizeof MOD_INT);
    expect_parsed("float forbid\n");
    cr_assert_eq(check(), WASM_OK, "%s", E.message);
    wasm_cost_model_default(&M);
    cr_assert_eq(check(), WASM_OK, "%s", E.message);
}

Test(cost_model, check_rejects_f64_add, .fini = unload)
{
    load(MOD_F64_ADD, sizeof MOD_F64_ADD);
    wasm_cost_model_default(&M);
    cr_assert_eq(check(), WASM_OK, "%s", E.message);
    expect_parsed("float forbid\n");
    /* f64.const comes first in the body */
    cr_assert_eq(check(), WASM_ERR_INVALID);
    cr_assert_str_eq(E.message, "operator f64.const is forbidden by the cost model");
    cr_assert_eq(E.offset, 0x2E);
    cr_assert_eq(E.func_index, 2);

    expect_parsed("f64.add forbid\n");
    cr_assert_eq(check(), WASM_ERR_INVALID);
    cr_assert_eq(E.status, WASM_ERR_INVALID);
    cr_assert_str_eq(E.message, "operator f64.add is forbidden by the cost model");
    cr_assert_eq(E.offset, 0x40);
    cr_assert_eq(E.offset, MOD.funcs[1].code_offset + 18);
    cr_assert_eq(E.func_index, 2);

    expect_parsed("i32.const forbid\n");    /* in function 1 */
    cr_assert_eq(check(), WASM_ERR_INVALID);
    cr_assert_eq(E.offset, MOD.funcs[0].code_offset);
    cr_assert_eq(E.func_index, 1);
}

Test(cost_model, check_rejects_forbidden_global_initialiser, .fini = unload)
{
    load(MOD_F32_GLOBAL, sizeof MOD_F32_GLOBAL);
    expect_parsed("float forbid\n");
    cr_assert_eq(check(), WASM_ERR_INVALID);
    cr_assert_str_eq(E.message, "operator f32.const is forbidden by the cost model");
    cr_assert_eq(E.offset, 23);
    cr_assert_eq(E.offset, MOD.globals[0].init.offset);
    cr_assert_eq(E.func_index, WASM_NO_FUNC);
}

Test(cost_model, check_end_in_constexpr_before_code, .fini = unload)
{
    load(MOD_INT, sizeof MOD_INT);
    expect_parsed("end forbid\n");  /* first `end`: the global initialiser's */
    cr_assert_eq(check(), WASM_ERR_INVALID);
    cr_assert_str_eq(E.message, "operator end is forbidden by the cost model");
    cr_assert_eq(E.offset, 25);
    cr_assert_eq(E.func_index, WASM_NO_FUNC);
    expect_parsed("br_if forbid\n");
    cr_assert_eq(check(), WASM_ERR_INVALID);
    cr_assert_eq(E.offset, 49);
    cr_assert_eq(E.func_index, 0);
}

/* The complete example of docs/cost-model.md. */
Test(cost_model, documented_example)
{
    expect_parsed("# Costs for a float-free, memory-heavy workload.\n"
                  "base default                # start from the default preset\n"
                  "\n"
                  "call_entry 5\nhost_entry 20\nbulk_unit 1\ngrow_page 1_000\n"
                  "float forbid\n"
                  "i32.div_s 10\ni32.div_u 10\ni32.rem_s 10\ni32.rem_u 10\n"
                  "i64.div_s 20\ni64.div_u 20\ni64.rem_s 20\ni64.rem_u 20\n"
                  "call_indirect 3\nselect 2                    # both select opcodes\n"
                  "memory.grow 100\n");
    cr_assert_eq(M.grow_page, 1000);
    cr_assert_eq(M.host_entry, 20);
    cr_assert(M.forbidden[WASM_OP_f32_load]);
    cr_assert(!M.forbidden[WASM_OP_i32_load]);
    cr_assert_eq(M.op_cost[WASM_OP_i64_rem_u], 20);
    cr_assert_eq(M.op_cost[WASM_OP_select_t], 2);
    cr_assert_eq(M.op_cost[WASM_OP_memory_grow], 100);
    cr_assert_eq(M.op_cost[WASM_OP_end], 0);
}
