/* Unit tests of the spec-test harness (spec-tests/): value parsing and matching, trap message
 * mapping, the expected-failures list, and whole runs of harness_main on small scripts
 * written here (a wrong expectation must fail the run; an expected failure must not; an
 * unexpected pass must; odd input must give a clear error, not a crash). Then fuel: the
 * --meter / --cost-model options, the --fuel-log lines of metered runs, and the comparison
 * of two fuel logs (a mismatch must fail it). Then instrumentation: --meter instrument |
 * premetered and --instrument import | global must run the scripts as the plain run does and
 * log native's fuel, also across modules (register, imports, a shared table holding a
 * function of a module whose instantiation trapped) and for a host function invoked
 * directly. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../spec-tests/harness.h"

/* (module
 *   (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
 *   (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
 *   (global (export "g") i32 (i32.const 42))) */
static const unsigned char arith_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
    0x7f, 0x01, 0x7f, 0x03, 0x03, 0x02, 0x00, 0x00, 0x06, 0x06, 0x01, 0x7f, 0x00, 0x41,
    0x2a, 0x0b, 0x07, 0x11, 0x03, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x03, 0x64, 0x69,
    0x76, 0x00, 0x01, 0x01, 0x67, 0x03, 0x00, 0x0a, 0x11, 0x02, 0x07, 0x00, 0x20, 0x00,
    0x20, 0x01, 0x6a, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b,
};

/* (module (func (result i32))): well-formed, but the body leaves no i32 (invalid). */
static const unsigned char invalid_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00,
    0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
};

/* (module (func (export "spin") (loop (br 0)))): never returns. */
static const unsigned char spin_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e,
    0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b,
};

/* (module (func $s i32.const 1 drop) (start $s)): the start function costs, in the default
 * model, host_entry 2 + call_entry 1 + i32.const 1 (drop and end are free) = 4. */
static const unsigned char start_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x08, 0x01, 0x00, 0x0a, 0x07, 0x01, 0x05, 0x00,
    0x41, 0x01, 0x1a, 0x0b,
};

/* Three modules linked together (linking_commands below):
 * (module $A
 *   (type $t (func (param i32) (result i32)))
 *   (table (export "tab") 2 funcref)
 *   (func (export "inc") (type $t) local.get 0 i32.const 1 i32.add)
 *   (func (export "call") (type $t) i32.const 5 local.get 0 call_indirect (type $t))
 *   (func (export "nop"))) */
static const unsigned char link_a_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x00, 0x00, 0x03, 0x04, 0x03, 0x00, 0x00, 0x01, 0x04, 0x04, 0x01,
    0x70, 0x00, 0x02, 0x07, 0x1a, 0x04, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00, 0x03, 0x69,
    0x6e, 0x63, 0x00, 0x00, 0x04, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x01, 0x03, 0x6e, 0x6f,
    0x70, 0x00, 0x02, 0x0a, 0x16, 0x03, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b,
    0x09, 0x00, 0x41, 0x05, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x0b,
};

/* (module $B
 *   (import "A" "inc" (func $inc (param i32) (result i32)))
 *   (import "spectest" "print_i32" (func $print (param i32)))
 *   (import "spectest" "print" (func $print0))
 *   (export "print" (func $print))
 *   (export "print0" (func $print0))
 *   (global $g (mut i32) (i32.const 0))
 *   (func $start i32.const 41 call $inc global.set $g)
 *   (start $start)
 *   (func (export "twice") (param i32) (result i32) local.get 0 call $inc call $inc)
 *   (func (export "g") (result i32) global.get $g)) */
static const unsigned char link_b_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x11, 0x04, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x02,
    0x2f, 0x03, 0x01, 0x41, 0x03, 0x69, 0x6e, 0x63, 0x00, 0x00, 0x08, 0x73, 0x70, 0x65,
    0x63, 0x74, 0x65, 0x73, 0x74, 0x09, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x33,
    0x32, 0x00, 0x01, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x05, 0x70,
    0x72, 0x69, 0x6e, 0x74, 0x00, 0x02, 0x03, 0x04, 0x03, 0x02, 0x00, 0x03, 0x06, 0x06,
    0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b, 0x07, 0x1e, 0x04, 0x05, 0x70, 0x72, 0x69, 0x6e,
    0x74, 0x00, 0x01, 0x06, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x30, 0x00, 0x02, 0x05, 0x74,
    0x77, 0x69, 0x63, 0x65, 0x00, 0x04, 0x01, 0x67, 0x00, 0x05, 0x08, 0x01, 0x03, 0x0a,
    0x18, 0x03, 0x08, 0x00, 0x41, 0x29, 0x10, 0x00, 0x24, 0x00, 0x0b, 0x08, 0x00, 0x20,
    0x00, 0x10, 0x00, 0x10, 0x00, 0x0b, 0x04, 0x00, 0x23, 0x00, 0x0b,
};

/* Puts $f into A's table, then traps in its start function (so the instance is never
 * returned, yet $f stays callable through the table):
 * (module
 *   (table (import "A" "tab") 2 funcref)
 *   (func $f (param i32) (result i32) local.get 0 i32.const 100 i32.add)
 *   (elem (i32.const 0) $f)
 *   (func $boom unreachable)
 *   (start $boom)) */
static const unsigned char link_c_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x0b, 0x01, 0x01, 0x41, 0x03, 0x74, 0x61, 0x62,
    0x01, 0x70, 0x00, 0x02, 0x03, 0x03, 0x02, 0x00, 0x01, 0x08, 0x01, 0x01, 0x09, 0x07,
    0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00, 0x0a, 0x0e, 0x02, 0x08, 0x00, 0x20, 0x00,
    0x41, 0xe4, 0x00, 0x6a, 0x0b, 0x03, 0x00, 0x00, 0x0b,
};

/* Start functions that are imports: (module (import "B" "print0" (func $p)) (start $p)),
 * the same with (import "A" "nop" ...) and with (import "spectest" "print" ...). */
static const unsigned char start_b_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x0c, 0x01, 0x01, 0x42, 0x06, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x30, 0x00, 0x00,
    0x08, 0x01, 0x00,
};
static const unsigned char start_a_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x09, 0x01, 0x01, 0x41, 0x03, 0x6e, 0x6f, 0x70, 0x00, 0x00, 0x08, 0x01, 0x00,
};
static const unsigned char start_spectest_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x12, 0x01, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x05, 0x70,
    0x72, 0x69, 0x6e, 0x74, 0x00, 0x00, 0x08, 0x01, 0x00,
};

/* (module (global (export "gas_left") (mut i64) (i64.const 7)) (func (export "f"))): the
 * global backend's export name is taken. */
static const unsigned char gas_left_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x03, 0x02, 0x01, 0x00, 0x06, 0x06, 0x01, 0x7e, 0x01, 0x42, 0x07, 0x0b, 0x07, 0x10,
    0x02, 0x08, 0x67, 0x61, 0x73, 0x5f, 0x6c, 0x65, 0x66, 0x74, 0x03, 0x00, 0x01, 0x66,
    0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
};

/* A bad magic number (malformed). */
static const unsigned char malformed_wasm[] = {0x00, 0x61, 0x73, 0x00, 0x01, 0x00, 0x00, 0x00};

/* Every command kind the scripts below use; expectations all correct. 7 counted commands
 * pass; the text-format assert_malformed is skipped. */
#define GOOD_COMMANDS                                                                          \
    "{\"type\": \"module\", \"line\": 1, \"name\": \"$M\", \"filename\": \"m.0.wasm\"},\n"     \
    "{\"type\": \"assert_return\", \"line\": 2, \"action\": {\"type\": \"invoke\", "           \
    "\"field\": \"add\", \"args\": [{\"type\": \"i32\", \"value\": \"1\"}, "                   \
    "{\"type\": \"i32\", \"value\": \"4294967295\"}]}, "                                       \
    "\"expected\": [{\"type\": \"i32\", \"value\": \"0\"}]},\n"                                \
    "{\"type\": \"assert_return\", \"line\": 3, \"action\": {\"type\": \"get\", "              \
    "\"module\": \"$M\", \"field\": \"g\"}, \"expected\": [{\"type\": \"i32\", \"value\": "    \
    "\"42\"}]},\n"                                                                             \
    "{\"type\": \"assert_trap\", \"line\": 4, \"action\": {\"type\": \"invoke\", \"field\": "  \
    "\"div\", \"args\": [{\"type\": \"i32\", \"value\": \"1\"}, {\"type\": \"i32\", "          \
    "\"value\": \"0\"}]}, \"text\": \"integer divide by zero\", \"expected\": [{\"type\": "    \
    "\"i32\"}]},\n"                                                                            \
    "{\"type\": \"action\", \"line\": 5, \"action\": {\"type\": \"invoke\", \"field\": "       \
    "\"add\", \"args\": [{\"type\": \"i32\", \"value\": \"2\"}, {\"type\": \"i32\", "          \
    "\"value\": \"3\"}]}, \"expected\": [{\"type\": \"i32\"}]},\n"                             \
    "{\"type\": \"assert_invalid\", \"line\": 6, \"filename\": \"m.1.wasm\", \"text\": "       \
    "\"type mismatch\", \"module_type\": \"binary\"},\n"                                       \
    "{\"type\": \"assert_malformed\", \"line\": 7, \"filename\": \"m.2.wasm\", \"text\": "     \
    "\"magic header not detected\", \"module_type\": \"binary\"},\n"                           \
    "{\"type\": \"assert_malformed\", \"line\": 8, \"filename\": \"m.3.wat\", \"text\": "      \
    "\"unexpected token\", \"module_type\": \"text\"}"

/* add(1, 2) expected to be 4: a deliberately wrong expectation on line 9. */
#define WRONG_RETURN                                                                           \
    "{\"type\": \"assert_return\", \"line\": 9, \"action\": {\"type\": \"invoke\", "           \
    "\"field\": \"add\", \"args\": [{\"type\": \"i32\", \"value\": \"1\"}, "                   \
    "{\"type\": \"i32\", \"value\": \"2\"}]}, "                                                \
    "\"expected\": [{\"type\": \"i32\", \"value\": \"4\"}]}"

/* div(1, 0) expected to trap with the wrong kind, on line 10. */
#define WRONG_TRAP                                                                             \
    "{\"type\": \"assert_trap\", \"line\": 10, \"action\": {\"type\": \"invoke\", "            \
    "\"field\": \"div\", \"args\": [{\"type\": \"i32\", \"value\": \"1\"}, {\"type\": "        \
    "\"i32\", \"value\": \"0\"}]}, \"text\": \"integer overflow\", \"expected\": []}"

static char tmpdir[64];

static void write_file(const char *name, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    write_file(name, text, strlen(text));
}

/* Writes NAME.json with the given commands, and the modules they name. */
static void write_script(const char *name, const char *commands)
{
    char json_name[128];
    snprintf(json_name, sizeof json_name, "%s.json", name);
    size_t len = strlen(commands) + 256;
    char *json = malloc(len);
    cr_assert_not_null(json);
    snprintf(json, len, "{\"source_filename\": \"%s.wast\",\n \"commands\": [\n%s]}\n", name,
             commands);
    write_text(json_name, json);
    free(json);
}

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/wvm-harness-test-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    write_file("m.0.wasm", arith_wasm, sizeof arith_wasm);
    write_file("m.1.wasm", invalid_wasm, sizeof invalid_wasm);
    write_file("m.2.wasm", malformed_wasm, sizeof malformed_wasm);
    write_file("spin.wasm", spin_wasm, sizeof spin_wasm);
    write_file("start.wasm", start_wasm, sizeof start_wasm);
    write_file("link_a.wasm", link_a_wasm, sizeof link_a_wasm);
    write_file("link_b.wasm", link_b_wasm, sizeof link_b_wasm);
    write_file("link_c.wasm", link_c_wasm, sizeof link_c_wasm);
    write_file("start_b.wasm", start_b_wasm, sizeof start_b_wasm);
    write_file("start_a.wasm", start_a_wasm, sizeof start_a_wasm);
    write_file("start_spectest.wasm", start_spectest_wasm, sizeof start_spectest_wasm);
    write_file("gas_left.wasm", gas_left_wasm, sizeof gas_left_wasm);
    write_script("good", GOOD_COMMANDS);
    write_script("wrong", GOOD_COMMANDS ",\n" WRONG_RETURN);
    write_script("wrongtrap", GOOD_COMMANDS ",\n" WRONG_TRAP);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    if (tmpdir[0])
        nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* The result of one harness_main call. */
typedef struct run {
    int rc;
    char *out;    /* everything written to the report stream */
    char *err;    /* everything written to the error stream */
    char last[256]; /* the last line of out */
} run;

/* The buffers of the last run, kept reachable so that a failed assertion (which leaves the
 * test before run_free) does not add a LeakSanitizer report to the failure. */
static char *live_out, *live_err;

/* Runs harness_main with argv = {"spectest-run", args..., NULL}; "@" in an argument is
 * replaced by the temporary directory. */
static run harness(const char *first, ...)
{
    char *argv[32];
    char storage[32][256];
    int argc = 0;
    argv[argc++] = "spectest-run";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        cr_assert_lt(argc, 31);
        const char *at = strchr(a, '@');
        if (at)
            snprintf(storage[argc], sizeof storage[argc], "%.*s%s%s", (int)(at - a), a, tmpdir,
                     at + 1);
        else
            snprintf(storage[argc], sizeof storage[argc], "%s", a);
        argv[argc] = storage[argc];
        argc++;
    }
    va_end(ap);
    argv[argc] = NULL;

    run r = {0};
    size_t out_len = 0, err_len = 0;
    FILE *out = open_memstream(&r.out, &out_len);
    FILE *err = open_memstream(&r.err, &err_len);
    cr_assert(out && err);
    r.rc = harness_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    live_out = r.out;
    live_err = r.err;
    size_t n = strlen(r.out);
    while (n > 0 && r.out[n - 1] == '\n')
        n--;
    size_t start = n;
    while (start > 0 && r.out[start - 1] != '\n')
        start--;
    snprintf(r.last, sizeof r.last, "%.*s", (int)(n - start), r.out + start);
    return r;
}

static void run_free(run *r)
{
    free(r->out);
    free(r->err);
    live_out = live_err = NULL;
}

#define ASSERT_CONTAINS(haystack, needle)                                                      \
    cr_assert(strstr((haystack), (needle)) != NULL, "expected \"%s\" in:\n%s", (needle),       \
              (haystack))

/* ---- pieces without the runtime ---- */

static spec_value parse_ok(const char *json_text, bool expectation)
{
    json_error_t jerr;
    json_t *j = json_loads(json_text, 0, &jerr);
    cr_assert_not_null(j, "bad test JSON %s", json_text);
    spec_value v;
    char why[256];
    cr_assert(spec_value_parse(j, expectation, &v, why, sizeof why), "%s: %s", json_text, why);
    json_decref(j);
    return v;
}

static bool parse_fails(const char *json_text, bool expectation)
{
    json_error_t jerr;
    json_t *j = json_loads(json_text, 0, &jerr);
    cr_assert_not_null(j, "bad test JSON %s", json_text);
    spec_value v;
    char why[256] = "";
    bool ok = spec_value_parse(j, expectation, &v, why, sizeof why);
    json_decref(j);
    if (!ok)
        cr_assert(why[0] != '\0', "no reason given for %s", json_text);
    return !ok;
}

Test(harness_values, integers_and_floats_are_bit_patterns)
{
    spec_value v = parse_ok("{\"type\": \"i32\", \"value\": \"4294967295\"}", false);
    cr_assert_eq(v.val.kind, WVM_I32);
    cr_assert_eq(v.val.of.i32, -1);
    v = parse_ok("{\"type\": \"i64\", \"value\": \"18446744073709551615\"}", false);
    cr_assert_eq(v.val.of.i64, -1);
    v = parse_ok("{\"type\": \"f32\", \"value\": \"2143289344\"}", false);
    cr_assert_eq(v.val.of.f32_bits, 0x7fc00000u);
    v = parse_ok("{\"type\": \"f64\", \"value\": \"9221120237041090561\"}", false);
    cr_assert_eq(v.val.of.f64_bits, UINT64_C(0x7ff8000000000001));

    cr_assert(parse_fails("{\"type\": \"i32\", \"value\": \"4294967296\"}", false));
    cr_assert(parse_fails("{\"type\": \"i64\", \"value\": \"18446744073709551616\"}", false));
    cr_assert(parse_fails("{\"type\": \"i32\", \"value\": \"-1\"}", false));
    cr_assert(parse_fails("{\"type\": \"i32\", \"value\": \"\"}", false));
    cr_assert(parse_fails("{\"type\": \"i32\"}", false));
    cr_assert(parse_fails("{\"type\": \"i32\", \"value\": 5}", false));
    cr_assert(parse_fails("{\"type\": \"f32\", \"value\": \"nan:canonical\"}", false));
    cr_assert(parse_fails("{\"type\": \"v128\", \"lane_type\": \"i32\", \"value\": "
                          "[\"0\", \"0\", \"0\", \"0\"]}",
                          true));
    cr_assert(parse_fails("{\"type\": \"anyref\", \"value\": \"null\"}", true));
    cr_assert(parse_fails("[1]", true));
}

Test(harness_values, nan_patterns)
{
    spec_value canon = parse_ok("{\"type\": \"f32\", \"value\": \"nan:canonical\"}", true);
    spec_value arith = parse_ok("{\"type\": \"f32\", \"value\": \"nan:arithmetic\"}", true);
    spec_value canon64 = parse_ok("{\"type\": \"f64\", \"value\": \"nan:canonical\"}", true);
    spec_value arith64 = parse_ok("{\"type\": \"f64\", \"value\": \"nan:arithmetic\"}", true);
    wvm_val got = {.kind = WVM_F32};

    got.of.f32_bits = 0x7fc00000u; /* canonical */
    cr_assert(spec_value_matches(&canon, &got));
    cr_assert(spec_value_matches(&arith, &got));
    got.of.f32_bits = 0xffc00000u; /* canonical, negative */
    cr_assert(spec_value_matches(&canon, &got));
    got.of.f32_bits = 0x7fc00001u; /* arithmetic, not canonical */
    cr_assert_not(spec_value_matches(&canon, &got));
    cr_assert(spec_value_matches(&arith, &got));
    got.of.f32_bits = 0x7f800001u; /* signalling */
    cr_assert_not(spec_value_matches(&arith, &got));
    got.of.f32_bits = 0x7f800000u; /* infinity */
    cr_assert_not(spec_value_matches(&arith, &got));
    cr_assert_not(spec_value_matches(&canon64, &got)); /* wrong kind */

    got = (wvm_val){.kind = WVM_F64, .of.f64_bits = UINT64_C(0xfff8000000000000)};
    cr_assert(spec_value_matches(&canon64, &got));
    got.of.f64_bits = UINT64_C(0x7ff8000000000001);
    cr_assert_not(spec_value_matches(&canon64, &got));
    cr_assert(spec_value_matches(&arith64, &got));
    got.of.f64_bits = UINT64_C(0x7ff4000000000000);
    cr_assert_not(spec_value_matches(&arith64, &got));

    /* An exact NaN expectation compares bits. */
    spec_value exact = parse_ok("{\"type\": \"f32\", \"value\": \"2143289345\"}", true);
    got = (wvm_val){.kind = WVM_F32, .of.f32_bits = 0x7fc00001u};
    cr_assert(spec_value_matches(&exact, &got));
    got.of.f32_bits = 0x7fc00000u;
    cr_assert_not(spec_value_matches(&exact, &got));
}

Test(harness_values, references)
{
    spec_value v = parse_ok("{\"type\": \"externref\", \"value\": \"0\"}", false);
    cr_assert_eq(v.val.of.externref, (void *)(uintptr_t)1, "ref.extern 0 must not be null");
    cr_assert_eq(v.val.of.externref, spec_externref(0));
    spec_value null_ext = parse_ok("{\"type\": \"externref\", \"value\": \"null\"}", true);
    spec_value null_func = parse_ok("{\"type\": \"funcref\", \"value\": \"null\"}", true);
    spec_value any_func = parse_ok("{\"type\": \"funcref\"}", true);
    spec_value any_ext = parse_ok("{\"type\": \"externref\"}", true);
    cr_assert(parse_fails("{\"type\": \"funcref\"}", false));

    wvm_val got = {.kind = WVM_EXTERNREF, .of.externref = spec_externref(0)};
    cr_assert(spec_value_matches(&v, &got));
    cr_assert(spec_value_matches(&any_ext, &got));
    cr_assert_not(spec_value_matches(&null_ext, &got));
    got.of.externref = spec_externref(1);
    cr_assert_not(spec_value_matches(&v, &got));
    got.of.externref = NULL;
    cr_assert(spec_value_matches(&null_ext, &got));
    cr_assert_not(spec_value_matches(&any_ext, &got));
    cr_assert_not(spec_value_matches(&null_func, &got)); /* funcref vs externref */

    got = (wvm_val){.kind = WVM_FUNCREF, .of.funcref = NULL};
    cr_assert(spec_value_matches(&null_func, &got));
    cr_assert_not(spec_value_matches(&any_func, &got));
    got.of.funcref = (wvm_func *)&got; /* any non-null pointer */
    cr_assert(spec_value_matches(&any_func, &got));
    cr_assert_not(spec_value_matches(&null_func, &got));

    char buf[64];
    got = (wvm_val){.kind = WVM_EXTERNREF, .of.externref = spec_externref(7)};
    spec_value_format(&got, buf, sizeof buf);
    cr_assert_str_eq(buf, "externref:7");
}

Test(harness_values, trap_messages)
{
    static const struct {
        const char *text;
        wvm_trap_code code;
    } cases[] = {
        {"integer divide by zero", WVM_TRAP_INT_DIVIDE_BY_ZERO},
        {"integer overflow", WVM_TRAP_INT_OVERFLOW},
        {"invalid conversion to integer", WVM_TRAP_INVALID_CONVERSION},
        {"out of bounds memory access", WVM_TRAP_MEMORY_OUT_OF_BOUNDS},
        {"out of bounds table access", WVM_TRAP_TABLE_OUT_OF_BOUNDS},
        {"undefined element", WVM_TRAP_TABLE_OUT_OF_BOUNDS},
        {"uninitialized element", WVM_TRAP_INDIRECT_CALL_TO_NULL},
        {"uninitialized element 2", WVM_TRAP_INDIRECT_CALL_TO_NULL},
        {"indirect call type mismatch", WVM_TRAP_BAD_SIGNATURE},
        {"unreachable", WVM_TRAP_UNREACHABLE},
        {"call stack exhausted", WVM_TRAP_STACK_OVERFLOW},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wvm_trap_code code = WVM_TRAP_NONE;
        cr_assert(spec_trap_from_text(cases[i].text, &code), "%s", cases[i].text);
        cr_assert_eq(code, cases[i].code, "%s", cases[i].text);
    }
    wvm_trap_code code;
    cr_assert_not(spec_trap_from_text("something else", &code));
    cr_assert_not(spec_trap_from_text("", &code));
    cr_assert_not(spec_trap_from_text(NULL, &code));
}

Test(harness_expect, parse_list)
{
    expect_list list;
    char why[256];
    cr_assert(expect_list_parse(&list,
                                "# comment\n\n  simd_add.wast  # trailing comment\n"
                                "\tnames.wast\r\nlast.wast",
                                "list", why, sizeof why),
              "%s", why);
    cr_assert_eq(list.count, 3);
    cr_assert(expect_list_contains(&list, "simd_add.wast"));
    cr_assert(expect_list_contains(&list, "names.wast"));
    cr_assert(expect_list_contains(&list, "last.wast"));
    cr_assert_not(expect_list_contains(&list, "i32.wast"));
    cr_assert_not(expect_list_contains(&list, "simd_add"));
    expect_list_free(&list);

    cr_assert(expect_list_parse(&list, "", "list", why, sizeof why));
    cr_assert_eq(list.count, 0);
    expect_list_free(&list);

    cr_assert_not(expect_list_parse(&list, "a.wast\nb.wast\na.wast\n", "list", why, sizeof why));
    ASSERT_CONTAINS(why, "list:3: duplicate");
    cr_assert_eq(list.count, 0);
    cr_assert_not(expect_list_parse(&list, "a.wast b.wast\n", "list", why, sizeof why));
    ASSERT_CONTAINS(why, "list:1:");
    cr_assert_not(expect_list_parse(&list, "x\n\ni32\n", "list", why, sizeof why));
    ASSERT_CONTAINS(why, "list:1:");
    cr_assert_not(expect_list_parse(&list, "dir/i32.wast\n", "list", why, sizeof why));
    cr_assert_not(expect_list_load(&list, "/nonexistent/expected.txt", why, sizeof why));
    ASSERT_CONTAINS(why, "/nonexistent/expected.txt");
}

Test(harness_expect, verdicts)
{
    expect_list list;
    char why[256];
    cr_assert(expect_list_parse(&list, "listed.wast\nother.wast\n", "list", why, sizeof why));
    cr_assert_eq(expect_judge(&list, "free.wast", 0, false), EXPECT_PASS);
    cr_assert_eq(expect_judge(&list, "free.wast", 3, false), EXPECT_UNEXPECTED_FAILURE);
    cr_assert_eq(expect_judge(&list, "listed.wast", 3, false), EXPECT_EXPECTED_FAILURE);
    cr_assert_eq(expect_judge(&list, "listed.wast", 0, false), EXPECT_UNEXPECTED_PASS);
    /* A file that did not run to the end fails the run even when listed. */
    cr_assert_eq(expect_judge(&list, "listed.wast", 1, true), EXPECT_UNEXPECTED_FAILURE);
    cr_assert(list.seen[0]);
    cr_assert_not(list.seen[1]);
    cr_assert_not(expect_verdict_is_error(EXPECT_PASS));
    cr_assert_not(expect_verdict_is_error(EXPECT_EXPECTED_FAILURE));
    cr_assert(expect_verdict_is_error(EXPECT_UNEXPECTED_FAILURE));
    cr_assert(expect_verdict_is_error(EXPECT_UNEXPECTED_PASS));
    expect_list_free(&list);
}

Test(harness_expect, file_names)
{
    char name[64];
    runner_file_name("build/spec-json/i32/i32.json", name, sizeof name);
    cr_assert_str_eq(name, "i32.wast");
    runner_file_name("plain.json", name, sizeof name);
    cr_assert_str_eq(name, "plain.wast");
    runner_file_name("dir/noext", name, sizeof name);
    cr_assert_str_eq(name, "noext.wast");
}

/* ---- whole runs (need the runtime) ---- */

TestSuite(harness_run, .init = setup, .fini = teardown);

Test(harness_run, correct_script_passes)
{
    for (int fork_mode = 0; fork_mode < 2; fork_mode++) {
        run r = fork_mode ? harness("@/good.json", NULL) : harness("--no-fork", "@/good.json", NULL);
        cr_assert_eq(r.rc, 0, "rc %d, output:\n%s%s", r.rc, r.out, r.err);
        ASSERT_CONTAINS(r.out, "good.wast: 7 passed, 0 failed, 1 skipped\n");
        cr_assert_str_eq(r.last, "7 passed, 0 failed, 1 skipped");
        run_free(&r);
    }
}

/* --roundtrip runs the same script on re-encoded modules (the malformed one as it is). */
Test(harness_run, roundtrip_passes_the_same_script)
{
    run r = harness("--roundtrip", "--no-fork", "@/good.json", NULL);
    cr_assert_eq(r.rc, 0, "rc %d, output:\n%s%s", r.rc, r.out, r.err);
    ASSERT_CONTAINS(r.out, "good.wast: 7 passed, 0 failed, 1 skipped\n");
    run_free(&r);
}

Test(harness_run, wrong_expectation_fails_the_run)
{
    for (int fork_mode = 0; fork_mode < 2; fork_mode++) {
        run r = fork_mode ? harness("@/wrong.json", NULL) : harness("--no-fork", "@/wrong.json", NULL);
        cr_assert_eq(r.rc, 1, "a wrong expectation must fail the run; output:\n%s", r.out);
        ASSERT_CONTAINS(r.out, "wrong.wast: 7 passed, 1 failed, 1 skipped");
        ASSERT_CONTAINS(r.out, "wrong.wast:9: assert_return: result 0: expected i32:4, got [i32:3]");
        ASSERT_CONTAINS(r.out, "FAILED");
        cr_assert_str_eq(r.last, "7 passed, 1 failed, 1 skipped");
        run_free(&r);
    }
}

Test(harness_run, wrong_trap_kind_fails_the_run)
{
    run r = harness("@/wrongtrap.json", NULL);
    cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "wrongtrap.wast:10: assert_trap: expected trap");
    cr_assert_str_eq(r.last, "7 passed, 1 failed, 1 skipped");
    run_free(&r);
}

Test(harness_run, totals_add_up_over_files)
{
    run r = harness("-j", "2", "@/good.json", "@/wrong.json", "@/wrongtrap.json", NULL);
    cr_assert_eq(r.rc, 1);
    cr_assert_str_eq(r.last, "21 passed, 2 failed, 3 skipped");
    /* Reported in command-line order. */
    char *good = strstr(r.out, "good.wast:"), *wrong = strstr(r.out, "wrong.wast:"),
         *trap = strstr(r.out, "wrongtrap.wast:");
    cr_assert(good && wrong && trap && good < wrong && wrong < trap, "%s", r.out);
    run_free(&r);
}

Test(harness_run, listed_failure_is_expected)
{
    write_text("expected.txt", "# test list\nwrong.wast\n");
    run r = harness("--expected-failures", "@/expected.txt", "@/good.json", "@/wrong.json", NULL);
    cr_assert_eq(r.rc, 0, "output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "wrong.wast: 7 passed, 1 failed, 1 skipped (expected failure)");
    /* The listed file's assertions are reported apart; the total covers the others. */
    ASSERT_CONTAINS(r.out, "their assertions: 7 passed, 1 failed, 1 skipped (not in the total");
    cr_assert_str_eq(r.last, "7 passed, 0 failed, 1 skipped");
    run_free(&r);
}

Test(harness_run, unexpected_pass_fails_the_run)
{
    write_text("expected.txt", "good.wast\nwrong.wast\n");
    run r = harness("--expected-failures", "@/expected.txt", "@/good.json", "@/wrong.json", NULL);
    cr_assert_eq(r.rc, 1, "an unexpected pass must fail the run; output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "good.wast: 7 passed, 0 failed, 1 skipped (UNEXPECTED PASS");
    ASSERT_CONTAINS(r.out, "delete their lines from it: good.wast");
    /* good.wast is judged an unexpected pass, so it counts in the total; wrong.wast failed
     * as listed and is reported apart. */
    cr_assert_str_eq(r.last, "7 passed, 0 failed, 1 skipped");
    run_free(&r);
}

Test(harness_run, odd_input_is_an_error_not_a_crash)
{
    /* Missing JSON file, bad JSON, JSON without commands: the file fails, the run fails. */
    write_text("bad.json", "{\"commands\": [");
    write_text("nocmds.json", "{\"x\": 1}");
    write_text("junk.json", "{\"commands\": [1, {\"type\": 5}, {\"type\": \"bogus\"}, "
                            "{\"type\": \"module\", \"line\": 3, \"filename\": \"nope.wasm\"}, "
                            "{\"type\": \"assert_return\", \"line\": 4, \"action\": "
                            "{\"type\": \"invoke\", \"field\": \"f\", \"args\": []}, "
                            "\"expected\": []}, "
                            "{\"type\": \"register\", \"line\": 5, \"as\": \"x\"}, "
                            "{\"type\": \"assert_trap\", \"line\": 6}]}");
    for (int fork_mode = 0; fork_mode < 2; fork_mode++) {
        const char *mode = fork_mode ? "-j1" : "--no-fork";
        run r = harness(mode, "@/missing.json", "@/bad.json", "@/nocmds.json", NULL);
        cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
        ASSERT_CONTAINS(r.out, "missing.wast: 0 passed, 1 failed, 0 skipped");
        ASSERT_CONTAINS(r.out, "bad.wast: 0 passed, 1 failed, 0 skipped");
        ASSERT_CONTAINS(r.out, "nocmds.wast: 0 passed, 1 failed, 0 skipped");
        cr_assert_str_eq(r.last, "0 passed, 3 failed, 0 skipped");
        run_free(&r);

        /* A broken file fails the run even when listed. */
        write_text("expected.txt", "missing.wast\n");
        r = harness(mode, "--expected-failures", "@/expected.txt", "@/missing.json", NULL);
        cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
        run_free(&r);

        /* Bad commands count as failures, one each, and the file goes on. */
        r = harness(mode, "@/junk.json", NULL);
        cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
        cr_assert_str_eq(r.last, "0 passed, 7 failed, 0 skipped", "output:\n%s", r.out);
        ASSERT_CONTAINS(r.out, "junk.wast:3: module: nope.wasm failed to load");
        ASSERT_CONTAINS(r.out, "junk.wast:4: assert_return: no current module");
        run_free(&r);
    }
}

Test(harness_run, hung_file_times_out_even_when_listed)
{
    write_script("spin",
                 "{\"type\": \"module\", \"line\": 1, \"filename\": \"spin.wasm\"},\n"
                 "{\"type\": \"assert_return\", \"line\": 2, \"action\": {\"type\": "
                 "\"invoke\", \"field\": \"spin\", \"args\": []}, \"expected\": []}");
    write_text("expected.txt", "spin.wast\n");
    run r = harness("--timeout", "1", "--expected-failures", "@/expected.txt", "@/spin.json",
                    "@/good.json", NULL);
    cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
    /* The module before the hang still counts (published by the child as it goes). */
    ASSERT_CONTAINS(r.out, "spin.wast: 1 passed, 1 failed, 0 skipped (FAILED: did not run to the end)");
    ASSERT_CONTAINS(r.out, "spin.wast: timed out after 1 s in the command at line 2");
    ASSERT_CONTAINS(r.out, "good.wast: 7 passed, 0 failed, 1 skipped\n");
    cr_assert_str_eq(r.last, "8 passed, 1 failed, 1 skipped");
    run_free(&r);
}

Test(harness_run, usage_errors)
{
    run r = harness(NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "no input files");
    run_free(&r);
    r = harness("--bogus", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    run_free(&r);
    r = harness("-j", "0", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    run_free(&r);
    r = harness("--expected-failures", "@/no-such-list.txt", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "no-such-list.txt");
    run_free(&r);
    write_text("badlist.txt", "good.wast extra\n");
    r = harness("--expected-failures", "@/badlist.txt", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "badlist.txt:1:");
    run_free(&r);
    r = harness("--help", NULL);
    cr_assert_eq(r.rc, 0);
    ASSERT_CONTAINS(r.out, "usage:");
    run_free(&r);
}

Test(harness_run, quiet_lists_only_files_that_miss_expectations)
{
    run r = harness("-q", "@/good.json", "@/wrong.json", NULL);
    cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
    cr_assert_null(strstr(r.out, "good.wast"), "output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "wrong.wast: 7 passed, 1 failed, 1 skipped (FAILED)");
    ASSERT_CONTAINS(r.out, "wrong.wast:9: assert_return:");
    cr_assert_str_eq(r.last, "14 passed, 1 failed, 2 skipped");
    run_free(&r);
}

/* ---- fuel ---- */

/* The text of a file of the temporary directory, kept reachable like the run buffers. */
static char *live_text;

static const char *read_text(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    free(live_text);
    live_text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&live_text, &len);
    cr_assert_not_null(mem);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(f);
    fclose(mem);
    return live_text;
}

static void free_text(void)
{
    free(live_text);
    live_text = NULL;
}

/* A start function (line 1), a module without one (2), a call that returns (3), a global
 * read (4: not an invocation, no line), a call that traps (5), an action (6). */
#define FUEL_COMMANDS                                                                          \
    "{\"type\": \"module\", \"line\": 1, \"filename\": \"start.wasm\"},\n"                     \
    "{\"type\": \"module\", \"line\": 2, \"filename\": \"m.0.wasm\"},\n"                       \
    "{\"type\": \"assert_return\", \"line\": 3, \"action\": {\"type\": \"invoke\", "           \
    "\"field\": \"add\", \"args\": [{\"type\": \"i32\", \"value\": \"1\"}, "                   \
    "{\"type\": \"i32\", \"value\": \"2\"}]}, "                                                \
    "\"expected\": [{\"type\": \"i32\", \"value\": \"3\"}]},\n"                                \
    "{\"type\": \"assert_return\", \"line\": 4, \"action\": {\"type\": \"get\", "              \
    "\"field\": \"g\"}, \"expected\": [{\"type\": \"i32\", \"value\": \"42\"}]},\n"            \
    "{\"type\": \"assert_trap\", \"line\": 5, \"action\": {\"type\": \"invoke\", \"field\": "  \
    "\"div\", \"args\": [{\"type\": \"i32\", \"value\": \"1\"}, {\"type\": \"i32\", "          \
    "\"value\": \"0\"}]}, \"text\": \"integer divide by zero\", \"expected\": [{\"type\": "    \
    "\"i32\"}]},\n"                                                                            \
    "{\"type\": \"action\", \"line\": 6, \"action\": {\"type\": \"invoke\", \"field\": "       \
    "\"add\", \"args\": [{\"type\": \"i32\", \"value\": \"2\"}, {\"type\": \"i32\", "          \
    "\"value\": \"3\"}]}, \"expected\": [{\"type\": \"i32\"}]}"

/* Checks the fuel log of fuel.json: start_fuel for the start function, call_fuel for each
 * call of add, the trap line's format. */
static void check_fuel_log(const char *log, uint64_t start_fuel, uint64_t call_fuel)
{
    char head[256], tail[128];
    snprintf(head, sizeof head,
             "fuel.wast:1 fuel=%" PRIu64 " module\n"
             "fuel.wast:2 fuel=0 module\n"
             "fuel.wast:3 fuel=%" PRIu64 "\n"
             "fuel.wast:5 fuel=",
             start_fuel, call_fuel);
    snprintf(tail, sizeof tail, " trap=integer divide by zero\nfuel.wast:6 fuel=%" PRIu64 "\n",
             call_fuel);
    size_t n = strlen(log), nh = strlen(head), nt = strlen(tail);
    cr_assert(n > nh + nt && strncmp(log, head, nh) == 0 && strcmp(log + n - nt, tail) == 0,
              "fuel log:\n%s\nexpected:\n%sN%s", log, head, tail);
    for (const char *p = log + nh; p < log + n - nt; p++)
        cr_assert(*p >= '0' && *p <= '9', "fuel log:\n%s", log);
}

Test(harness_run, meter_and_cost_model_options)
{
    write_text("badcosts.txt", "base default\ni32.ad 3\n");
    write_text("costs.txt", "i32.add 10\n");
    run r = harness("--meter", "fast", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "bad --meter \"fast\"");
    run_free(&r);
    r = harness("--meter", "NATIVE", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    run_free(&r);
    r = harness("@/good.json", "--meter", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "--meter needs a value");
    run_free(&r);
    r = harness("--meter", "native", "--cost-model", "@/no-such-costs.txt", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "bad --cost-model");
    ASSERT_CONTAINS(r.err, "no-such-costs.txt");
    run_free(&r);
    /* Checked even without metering. */
    r = harness("--cost-model", "@/badcosts.txt", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "badcosts.txt:2");
    run_free(&r);
    r = harness("--cost-model", "", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    run_free(&r);
    r = harness("--cost-model", "Default", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    run_free(&r);
    r = harness("--meter", "native", "--fuel-log", "@/no-such-dir/fuel.log", "@/good.json",
                NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "no-such-dir/fuel.log");
    run_free(&r);
    r = harness("--compare-fuel", "@/a.log", NULL);
    cr_assert_eq(r.rc, 2);
    run_free(&r);
    r = harness("--compare-fuel", "@/a.log", "@/b.log", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "takes no input files");
    run_free(&r);

    /* Every mode and model runs the script as the unmetered run does. */
    static const char *const meters[] = {"off", "native", "reference"};
    static const char *const models[] = {"default", "uniform", "@/costs.txt"};
    for (size_t m = 0; m < 3; m++) {
        for (size_t c = 0; c < 3; c++) {
            r = harness("--meter", meters[m], "--cost-model", models[c], "@/good.json", NULL);
            cr_assert_eq(r.rc, 0, "--meter %s --cost-model %s: rc %d, output:\n%s%s", meters[m],
                         models[c], r.rc, r.out, r.err);
            cr_assert_str_eq(r.last, "7 passed, 0 failed, 1 skipped");
            if (m > 0)
                ASSERT_CONTAINS(r.out, "metering: ");
            run_free(&r);
        }
    }
    r = harness("--meter", "reference", "--no-fork", "@/good.json", NULL);
    cr_assert_eq(r.rc, 0, "output:\n%s%s", r.out, r.err);
    ASSERT_CONTAINS(r.out, "metering: reference, cost model default");
    run_free(&r);
}

Test(harness_run, fuel_log_lines)
{
    write_script("fuel", FUEL_COMMANDS);
    write_text("costs.txt", "# add is dear, host calls free\ni32.add 10\nhost_entry 0\n");
    static const struct {
        const char *model;
        uint64_t start_fuel, call_fuel; /* docs/cost-model.md */
    } cases[] = {
        /* host_entry 2 + call_entry 1 + i32.const 1 (drop, end free);
         * 2 + 1 + local.get 1 + local.get 1 + i32.add 1 (end free) */
        {"default", 4, 6},
        /* i32.const + drop + end; local.get + local.get + i32.add + end (no entry charges) */
        {"uniform", 3, 4},
        {"@/costs.txt", 2, 13},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int mode = 0; mode < 4; mode++) {
            const char *meter = mode & 1 ? "reference" : "native";
            const char *fork = mode & 2 ? "--no-fork" : "-j2";
            run r = harness(fork, "--meter", meter, "--cost-model", cases[c].model,
                            "--fuel-log", "@/fuel.log", "@/fuel.json", NULL);
            cr_assert_eq(r.rc, 0, "%s %s: output:\n%s%s", meter, cases[c].model, r.out, r.err);
            cr_assert_str_eq(r.last, "6 passed, 0 failed, 0 skipped");
            run_free(&r);
            check_fuel_log(read_text("fuel.log"), cases[c].start_fuel, cases[c].call_fuel);
        }
    }
    /* Without metering nothing is charged. */
    run r = harness("--fuel-log", "@/fuel.log", "@/fuel.json", NULL);
    cr_assert_eq(r.rc, 0);
    run_free(&r);
    check_fuel_log(read_text("fuel.log"), 0, 0);
    free_text();
}

Test(harness_run, fuel_log_follows_the_command_line_order)
{
    write_script("fuel", FUEL_COMMANDS);
    write_script("spin", "{\"type\": \"module\", \"line\": 1, \"filename\": \"spin.wasm\"}");
    /* Whichever child finishes first, the lines follow the command line. */
    write_script("first", "{\"type\": \"module\", \"line\": 7, \"filename\": \"m.0.wasm\"},\n"
                         "{\"type\": \"module\", \"line\": 8, \"filename\": \"start.wasm\"}");
    char *logs[2];
    for (int fork_mode = 0; fork_mode < 2; fork_mode++) {
        run r = harness(fork_mode ? "-j3" : "--no-fork", "--meter", "native", "--fuel-log",
                        "@/order.log", "@/first.json", "@/fuel.json", "@/spin.json", NULL);
        cr_assert_eq(r.rc, 0, "output:\n%s%s", r.out, r.err);
        run_free(&r);
        logs[fork_mode] = strdup(read_text("order.log"));
    }
    const char *log = logs[0];
    const char *first = "first.wast:7 fuel=0 module\nfirst.wast:8 fuel=4 module\nfuel.wast:1 ";
    cr_assert(strncmp(log, first, strlen(first)) == 0, "%s", log);
    size_t n = strlen(log);
    const char *last = "\nspin.wast:1 fuel=0 module\n";
    cr_assert(n > strlen(last) && strcmp(log + n - strlen(last), last) == 0, "%s", log);
    cr_assert_str_eq(logs[0], logs[1], "the log depends on forking");
    free(logs[0]);
    free(logs[1]);
    free_text();
}

/* ---- instrumentation ---- */

/* The ways of metering that must log native's fuel, as harness options (NULL-padded). */
static const char *const instrumented_modes[][4] = {
    {"--meter", "instrument"},
    {"--instrument", "import"},
    {"--instrument", "global"},
    {"--meter", "premetered", "--instrument", "import"},
};
#define N_INSTRUMENTED_MODES (sizeof instrumented_modes / sizeof instrumented_modes[0])

/* harness() with a mode's options first, then a0... (up to 8, ended by the first NULL). */
static run harness_mode(const char *const mode[4], const char *a0, const char *a1,
                        const char *a2, const char *a3, const char *a4, const char *a5,
                        const char *a6, const char *a7)
{
    if (mode[2] == NULL)
        return harness(mode[0], mode[1], a0, a1, a2, a3, a4, a5, a6, a7, NULL);
    return harness(mode[0], mode[1], mode[2], mode[3], a0, a1, a2, a3, a4, a5, a6, a7, NULL);
}

static void describe_mode(const char *const mode[4], char *buf, size_t len)
{
    snprintf(buf, len, "%s %s%s%s%s%s", mode[0], mode[1], mode[2] ? " " : "",
             mode[2] ? mode[2] : "", mode[3] ? " " : "", mode[3] ? mode[3] : "");
}

/* True when log equals pattern, where "fuel=*" in the pattern stands for any fuel. */
static bool log_matches(const char *log, const char *pattern)
{
    while (*pattern) {
        if (strncmp(pattern, "fuel=*", 6) == 0) {
            if (strncmp(log, "fuel=", 5) != 0 || log[5] < '0' || log[5] > '9')
                return false;
            log += 5;
            while (*log >= '0' && *log <= '9')
                log++;
            pattern += 6;
        } else if (*log++ != *pattern++) {
            return false;
        }
    }
    return *log == '\0';
}

/* The script must pass as the plain run does, assert_invalid and assert_malformed included
 * (wvm_instrument rejects those modules with the same statuses). */
Test(harness_run, instrumented_modes_pass_the_same_script)
{
    for (size_t m = 0; m < N_INSTRUMENTED_MODES; m++) {
        for (int fork_mode = 0; fork_mode < 2; fork_mode++) {
            char what[128];
            describe_mode(instrumented_modes[m], what, sizeof what);
            run r = harness_mode(instrumented_modes[m], fork_mode ? "-j2" : "--no-fork",
                                 "--cost-model", "uniform", "@/good.json", NULL, NULL, NULL,
                                 NULL);
            cr_assert_eq(r.rc, 0, "%s: rc %d, output:\n%s%s", what, r.rc, r.out, r.err);
            cr_assert_str_eq(r.last, "7 passed, 0 failed, 1 skipped", "%s: %s", what, r.out);
            run_free(&r);
            /* And a wrong expectation still fails. */
            r = harness_mode(instrumented_modes[m], fork_mode ? "-j2" : "--no-fork",
                             "@/wrong.json", NULL, NULL, NULL, NULL, NULL, NULL);
            cr_assert_eq(r.rc, 1, "%s: output:\n%s", what, r.out);
            ASSERT_CONTAINS(r.out, "wrong.wast:9: assert_return: result 0: expected i32:4");
            run_free(&r);
        }
    }
    run r = harness("--instrument", "global", "@/good.json", NULL);
    ASSERT_CONTAINS(r.out, "instrumented: global backend, cost model default, gas counted by "
                           "the harness");
    run_free(&r);
    r = harness("--meter", "instrument", "--no-fork", "@/good.json", NULL);
    ASSERT_CONTAINS(r.out, "metering: instrument, cost model default");
    run_free(&r);
}

/* fuel.json's log (a start function, calls, a trap) is native's in every mode and model. */
Test(harness_run, instrumented_fuel_log_is_native)
{
    write_script("fuel", FUEL_COMMANDS);
    write_text("costs.txt", "# add is dear, host calls free\ni32.add 10\nhost_entry 0\n");
    static const struct {
        const char *model;
        uint64_t start_fuel, call_fuel; /* as in fuel_log_lines */
    } cases[] = {{"default", 4, 6}, {"uniform", 3, 4}, {"@/costs.txt", 2, 13}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        run r = harness("--meter", "native", "--cost-model", cases[c].model, "--fuel-log",
                        "@/native.log", "@/fuel.json", NULL);
        cr_assert_eq(r.rc, 0, "output:\n%s%s", r.out, r.err);
        run_free(&r);
        for (size_t m = 0; m < N_INSTRUMENTED_MODES; m++) {
            char what[128];
            describe_mode(instrumented_modes[m], what, sizeof what);
            r = harness_mode(instrumented_modes[m], "--cost-model", cases[c].model,
                             "--fuel-log", "@/fuel.log", "@/fuel.json", NULL, NULL, NULL);
            cr_assert_eq(r.rc, 0, "%s %s: output:\n%s%s", what, cases[c].model, r.out, r.err);
            cr_assert_str_eq(r.last, "6 passed, 0 failed, 0 skipped");
            run_free(&r);
            check_fuel_log(read_text("fuel.log"), cases[c].start_fuel, cases[c].call_fuel);
            r = harness("--compare-fuel", "@/native.log", "@/fuel.log", "--compare-label",
                        instrumented_modes[m][1], NULL);
            cr_assert_eq(r.rc, 0, "%s %s: output:\n%s", what, cases[c].model, r.out);
            cr_assert_str_eq(r.last, "4 passed, 0 failed, 1 skipped", "%s", r.out);
            run_free(&r);
        }
    }
    free_text();
}

/* $A registered as "A"; $B imports it and calls it from its start function; a re-exported
 * spectest function invoked directly (no Wasm runs: 0 fuel); a module that writes its
 * function into A's table and traps in its start function; that function called through
 * the table; a global read through a function; start functions that are imports: a
 * spectest function re-exported by B (0 fuel), A's nop (Wasm), a spectest function (0). */
#define LINKING_COMMANDS                                                                       \
    "{\"type\": \"module\", \"line\": 1, \"name\": \"$A\", \"filename\": \"link_a.wasm\"},\n" \
    "{\"type\": \"register\", \"line\": 2, \"name\": \"$A\", \"as\": \"A\"},\n"              \
    "{\"type\": \"module\", \"line\": 3, \"name\": \"$B\", \"filename\": \"link_b.wasm\"},\n" \
    "{\"type\": \"assert_return\", \"line\": 4, \"action\": {\"type\": \"invoke\", "           \
    "\"field\": \"twice\", \"args\": [{\"type\": \"i32\", \"value\": \"1\"}]}, "                 \
    "\"expected\": [{\"type\": \"i32\", \"value\": \"3\"}]},\n"                                \
    "{\"type\": \"assert_return\", \"line\": 5, \"action\": {\"type\": \"invoke\", "           \
    "\"field\": \"print\", \"args\": [{\"type\": \"i32\", \"value\": \"7\"}]}, "                 \
    "\"expected\": []},\n"                                                                    \
    "{\"type\": \"assert_trap\", \"line\": 6, \"filename\": \"link_c.wasm\", \"text\": "       \
    "\"unreachable\", \"module_type\": \"binary\"},\n"                                           \
    "{\"type\": \"assert_return\", \"line\": 7, \"action\": {\"type\": \"invoke\", "           \
    "\"module\": \"$A\", \"field\": \"call\", \"args\": [{\"type\": \"i32\", \"value\": "       \
    "\"0\"}]}, \"expected\": [{\"type\": \"i32\", \"value\": \"105\"}]},\n"                      \
    "{\"type\": \"assert_return\", \"line\": 8, \"action\": {\"type\": \"invoke\", "           \
    "\"module\": \"$B\", \"field\": \"g\", \"args\": []}, \"expected\": [{\"type\": "         \
    "\"i32\", \"value\": \"42\"}]},\n"                                                     \
    "{\"type\": \"register\", \"line\": 9, \"name\": \"$B\", \"as\": \"B\"},\n"              \
    "{\"type\": \"module\", \"line\": 10, \"filename\": \"start_b.wasm\"},\n"                 \
    "{\"type\": \"module\", \"line\": 11, \"filename\": \"start_a.wasm\"},\n"                 \
    "{\"type\": \"module\", \"line\": 12, \"filename\": \"start_spectest.wasm\"}"

Test(harness_run, instrumented_fuel_across_modules)
{
    write_script("link", LINKING_COMMANDS);
    /* docs/cost-model.md. default: $B's start 2 (host entry) + 1 (call entry) + i32.const 1
     * + call 1 + inc 4 (call entry, local.get, i32.const, i32.add) + global.set 1 = 10;
     * twice 2 + 1 + local.get 1 + 2 x (call 1 + inc 4) = 14; call 2 + 1 + i32.const 1 +
     * local.get 1 + call_indirect 1 + $f 4 = 10; g 2 + 1 + global.get 1 = 4; nop as a
     * start function 2 + 1 = 3.
     * uniform (1 per operator, `end` included, no entry charges): 8, 12, 8, 2, 1. */
    static const struct {
        const char *model;
        const char *log;
    } cases[] = {
        {"default", "link.wast:1 fuel=0 module\nlink.wast:3 fuel=10 module\n"
                    "link.wast:4 fuel=14\nlink.wast:5 fuel=0\n"
                    "link.wast:6 fuel=* module trap=unreachable\n"
                    "link.wast:7 fuel=10\nlink.wast:8 fuel=4\n"
                    "link.wast:10 fuel=0 module\nlink.wast:11 fuel=3 module\n"
                    "link.wast:12 fuel=0 module\n"},
        {"uniform", "link.wast:1 fuel=0 module\nlink.wast:3 fuel=8 module\n"
                    "link.wast:4 fuel=12\nlink.wast:5 fuel=0\n"
                    "link.wast:6 fuel=* module trap=unreachable\n"
                    "link.wast:7 fuel=8\nlink.wast:8 fuel=2\n"
                    "link.wast:10 fuel=0 module\nlink.wast:11 fuel=1 module\n"
                    "link.wast:12 fuel=0 module\n"},
    };
    static const char *const native[4] = {"--meter", "native"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t m = 0; m <= N_INSTRUMENTED_MODES; m++) {
            const char *const *mode = m == 0 ? native : instrumented_modes[m - 1];
            char what[128];
            describe_mode(mode, what, sizeof what);
            run r = harness_mode(mode, "--no-fork", "--cost-model", cases[c].model,
                                 "--fuel-log", "@/link.log", "@/link.json", NULL, NULL);
            cr_assert_eq(r.rc, 0, "%s %s: output:\n%s%s", what, cases[c].model, r.out, r.err);
            cr_assert_str_eq(r.last, "10 passed, 0 failed, 0 skipped", "%s: %s", what, r.out);
            run_free(&r);
            const char *log = read_text("link.log");
            cr_assert(log_matches(log, cases[c].log), "%s %s: fuel log:\n%s\nexpected:\n%s",
                      what, cases[c].model, log, cases[c].log);
        }
    }
    free_text();
}

Test(harness_run, instrumentation_usage_and_refusals)
{
    run r = harness("--instrument", "imports", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "bad --instrument \"imports\"");
    run_free(&r);
    r = harness("@/good.json", "--instrument", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "--instrument needs a value");
    run_free(&r);
    /* Instrumented modules metered again, or a mode that needs a gas import without one. */
    static const char *const bad[][4] = {
        {"--instrument", "import", "--meter", "native"},
        {"--instrument", "global", "--meter", "reference"},
        {"--instrument", "import", "--meter", "instrument"},
        {"--instrument", "global", "--meter", "premetered"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = harness(bad[i][0], bad[i][1], bad[i][2], bad[i][3], "@/good.json", NULL);
        cr_assert_eq(r.rc, 2, "%s %s %s %s", bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
        ASSERT_CONTAINS(r.err, "needs --meter off");
        run_free(&r);
    }
    r = harness("--meter", "premetered", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "--meter premetered needs --instrument import");
    run_free(&r);
    r = harness("--compare-label", "import", "@/good.json", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "--compare-label goes with --compare-fuel");
    run_free(&r);
    r = harness("--compare-label", "two words", "--compare-fuel", "@/a.log", "@/b.log", NULL);
    cr_assert_eq(r.rc, 2);
    run_free(&r);

    /* A module that exports "gas_left" cannot take the global backend: the command fails
     * and says why; the import backend does not mind. */
    write_script("gasleft",
                 "{\"type\": \"module\", \"line\": 1, \"filename\": \"gas_left.wasm\"},\n"
                 "{\"type\": \"assert_return\", \"line\": 2, \"action\": {\"type\": "
                 "\"invoke\", \"field\": \"f\", \"args\": []}, \"expected\": []}");
    r = harness("--instrument", "global", "@/gasleft.json", NULL);
    cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "gasleft.wast:1: module: gas_left.wasm failed to load: "
                           "WVM_ERR_UNSUPPORTED: wvm_instrument (global backend): ");
    cr_assert_str_eq(r.last, "0 passed, 2 failed, 0 skipped");
    run_free(&r);
    r = harness("--instrument", "import", "@/gasleft.json", NULL);
    cr_assert_eq(r.rc, 0, "output:\n%s", r.out);
    run_free(&r);
}

TestSuite(harness_fuel, .init = setup, .fini = teardown);

Test(harness_fuel, parse_lines)
{
    fuel_entry e;
    const char *line = "i32.wast:12 fuel=6";
    cr_assert(fuel_log_parse_line(line, strlen(line), &e));
    cr_assert_eq(e.key_len, strlen("i32.wast:12"));
    cr_assert_eq(e.fuel, 6);
    cr_assert_not(e.module);
    cr_assert_null(e.outcome);
    line = "a b.wast:3 fuel=18446744073709551615 module trap=out of bounds memory access";
    /* A space in the file name is not supported: the key is what precedes the first one. */
    cr_assert_not(fuel_log_parse_line(line, strlen(line), &e));
    line = "b.wast:3 fuel=18446744073709551615 module trap=out of bounds memory access";
    cr_assert(fuel_log_parse_line(line, strlen(line), &e));
    cr_assert_eq(e.fuel, UINT64_MAX);
    cr_assert(e.module);
    cr_assert_eq(e.outcome_len, strlen("trap=out of bounds memory access"));
    cr_assert_eq(strncmp(e.outcome, "trap=out of bounds", 18), 0);
    line = "c.wast:4 fuel=0 error=WVM_ERR_USAGE";
    cr_assert(fuel_log_parse_line(line, strlen(line), &e));
    cr_assert_not(e.module);
    cr_assert_eq(e.outcome_len, strlen("error=WVM_ERR_USAGE"));

    static const char *const bad[] = {
        "", "i32.wast:12", "i32.wast fuel=1", "i32.wast: fuel=1", ":12 fuel=1",
        "i32.wast:12 fuel=", "i32.wast:12 fuel=x", "i32.wast:12 fuel=-1",
        "i32.wast:12 fuel=18446744073709551616", "i32.wast:12 fuel=1 trap=",
        "i32.wast:12 fuel=1 bogus", "i32.wast:12 fuel=1 modules", "i32.wast:12 fuel=1x",
        "i32.wast:12  fuel=1", "i32.wast:12 fuel=1 module module",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_not(fuel_log_parse_line(bad[i], strlen(bad[i]), &e), "\"%s\"", bad[i]);

    /* What fuel_log_append writes parses back. */
    strbuf sb = {0};
    wvm_error err = {.trap = WVM_TRAP_UNREACHABLE};
    fuel_log_append(&sb, "x.wast", 9, true, 77, WVM_ERR_TRAP, &err);
    cr_assert_str_eq(strbuf_str(&sb), "x.wast:9 fuel=77 module trap=unreachable\n");
    cr_assert(fuel_log_parse_line(sb.data, sb.len - 1, &e));
    cr_assert(e.module);
    cr_assert_eq(e.fuel, 77);
    strbuf_free(&sb);
    fuel_log_append(&sb, "x.wast", 10, false, 5, WVM_OK, NULL);
    fuel_log_append(&sb, "x.wast", 11, false, 0, WVM_ERR_USAGE, NULL);
    cr_assert_str_eq(strbuf_str(&sb), "x.wast:10 fuel=5\nx.wast:11 fuel=0 error=WVM_ERR_USAGE\n");
    strbuf_free(&sb);
}

#define NATIVE_LOG                                                                             \
    "a.wast:1 fuel=4 module\n"                                                                 \
    "a.wast:3 fuel=6\n"                                                                        \
    "a.wast:5 fuel=6 trap=integer divide by zero\n"                                            \
    "a.wast:6 fuel=6\n"                                                                        \
    "b.wast:1 fuel=0 module\n"

Test(harness_fuel, equal_logs_pass)
{
    write_text("native.log", NATIVE_LOG);
    /* The trapped call may differ (the native mode prepays the rest of the block). */
    write_text("reference.log", "a.wast:1 fuel=4 module\na.wast:3 fuel=6\n"
                                "a.wast:5 fuel=5 trap=integer divide by zero\n"
                                "a.wast:6 fuel=6\r\nb.wast:1 fuel=0 module");
    run r = harness("--compare-fuel", "@/native.log", "@/reference.log", NULL);
    cr_assert_eq(r.rc, 0, "output:\n%s%s", r.out, r.err);
    ASSERT_CONTAINS(r.out, "4 completed invocations compared");
    cr_assert_null(strstr(r.out, "FAILED"), "%s", r.out);
    cr_assert_str_eq(r.last, "4 passed, 0 failed, 1 skipped");
    run_free(&r);
}

Test(harness_fuel, mismatches_fail)
{
    write_text("native.log", NATIVE_LOG);
    /* A different fuel. */
    write_text("reference.log", "a.wast:1 fuel=4 module\na.wast:3 fuel=6\n"
                                "a.wast:5 fuel=5 trap=integer divide by zero\n"
                                "a.wast:6 fuel=7\nb.wast:1 fuel=0 module\n");
    run r = harness("--compare-fuel", "@/native.log", "@/reference.log", NULL);
    cr_assert_eq(r.rc, 1, "a fuel mismatch must fail; output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "  a.wast:6: native fuel=6, reference fuel=7\n");
    ASSERT_CONTAINS(r.out, "4 completed invocations compared: 3 with equal fuel, 1 with different fuel");
    ASSERT_CONTAINS(r.out, "FAILED");
    cr_assert_str_eq(r.last, "3 passed, 1 failed, 1 skipped");
    run_free(&r);

    /* --compare-label names the other mode in the report. */
    r = harness("--compare-fuel", "@/native.log", "@/reference.log", "--compare-label",
                "global", NULL);
    cr_assert_eq(r.rc, 1);
    ASSERT_CONTAINS(r.out, "(native) vs ");
    ASSERT_CONTAINS(r.out, " (global)\n");
    ASSERT_CONTAINS(r.out, "  a.wast:6: native fuel=6, global fuel=7\n");
    ASSERT_CONTAINS(r.out, "mismatch(es) between native and global metering");
    run_free(&r);

    /* A different outcome, a missing invocation, an extra one and a malformed line. */
    write_text("reference.log", "a.wast:1 fuel=4 module\na.wast:3 fuel=6 trap=unreachable\n"
                                "a.wast:5 fuel=5 trap=integer divide by zero\n"
                                "b.wast:1 fuel=0\nb.wast:1 fuel=0 module\nnonsense\n");
    r = harness("--compare-fuel", "@/native.log", "@/reference.log", NULL);
    cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "  a.wast:3: native fuel=6, reference fuel=6 trap=unreachable "
                           "(different outcomes)\n");
    ASSERT_CONTAINS(r.out, "  a.wast:6: only in the native log (fuel=6)\n");
    ASSERT_CONTAINS(r.out, "  b.wast:1: only in the reference log (fuel=0)\n");
    ASSERT_CONTAINS(r.out, "reference.log:6: malformed line \"nonsense\"\n");
    cr_assert_str_eq(r.last, "2 passed, 4 failed, 1 skipped");
    run_free(&r);

    /* --details limits the mismatches described, not the count. */
    r = harness("--details", "1", "--compare-fuel", "@/native.log", "@/reference.log", NULL);
    cr_assert_eq(r.rc, 1);
    ASSERT_CONTAINS(r.out, "... and 3 more mismatches");
    cr_assert_null(strstr(r.out, "only in the native log"), "%s", r.out);
    cr_assert_str_eq(r.last, "2 passed, 4 failed, 1 skipped");
    run_free(&r);

    /* Nothing compared proves nothing. */
    write_text("empty.log", "");
    r = harness("--compare-fuel", "@/empty.log", "@/empty.log", NULL);
    cr_assert_eq(r.rc, 1, "output:\n%s", r.out);
    ASSERT_CONTAINS(r.out, "no completed invocation");
    cr_assert_str_eq(r.last, "0 passed, 0 failed, 0 skipped");
    run_free(&r);

    r = harness("--compare-fuel", "@/native.log", "@/missing.log", NULL);
    cr_assert_eq(r.rc, 2);
    ASSERT_CONTAINS(r.err, "missing.log");
    run_free(&r);
}

Test(harness_fuel, repeated_keys_pair_in_order)
{
    /* The same file run twice: occurrences pair up in log order. */
    write_text("native.log", "a.wast:3 fuel=1\na.wast:3 fuel=2\n");
    write_text("reference.log", "a.wast:3 fuel=1\na.wast:3 fuel=3\n");
    run r = harness("--compare-fuel", "@/native.log", "@/reference.log", NULL);
    cr_assert_eq(r.rc, 1);
    ASSERT_CONTAINS(r.out, "a.wast:3: native fuel=2, reference fuel=3");
    cr_assert_str_eq(r.last, "1 passed, 1 failed, 0 skipped");
    run_free(&r);
}
