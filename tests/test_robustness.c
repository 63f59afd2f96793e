/* Criterion tests: malformed input never crashes the loader, the validator, the translator
 * or instantiation.
 *
 * A small corpus of real modules (tests/data/robust_*.wasm, assembled from the .wat beside
 * them with `wat2wasm --debug-names`, and examples/fib.wasm) is cut at every length and
 * mutated by single-bit flips and byte replacements chosen by a fixed-seed xorshift
 * generator. Every variant goes through wvm_module_new, which must either succeed or fail
 * with MALFORMED / INVALID / UNSUPPORTED, a message and an offset inside the input; its
 * verdict must agree with wvm_module_validate (a valid module always translates). Variants
 * that load are instantiated against the `spectest` host module, except those with a start
 * function: a mutated start function may loop forever, and nothing bounds execution yet.
 * No export of a mutated module is ever called.
 *
 * The paths are relative to the project root, where `make unit` runs the tests.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"
#include "../host/spectest.h"
#include "../loader/module.h"

/* Mutations per corpus module and kind. */
#define RB_BIT_FLIPS 5000
#define RB_BYTE_REPLACEMENTS 5000
/* Section boundaries recorded per module (header end + one per section). */
#define RB_MAX_BOUNDARIES 64

/* ---- the corpus ---- */

typedef struct {
    uint8_t *bytes;
    size_t size;
    const char *path;
} rb_file;

static rb_file rb_load(const char *path)
{
    rb_file f = {NULL, 0, path};
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp,
                       "cannot open %s: the unit tests must run from the project root "
                       "(as `make unit` does), and the corpus file must exist",
                       path);
    cr_assert_eq(fseek(fp, 0, SEEK_END), 0, "cannot seek in %s", path);
    long len = ftell(fp);
    cr_assert_gt(len, 8, "%s is too short to be a module", path);
    cr_assert_eq(fseek(fp, 0, SEEK_SET), 0, "cannot seek in %s", path);
    f.size = (size_t)len;
    f.bytes = malloc(f.size);
    cr_assert_not_null(f.bytes);
    cr_assert_eq(fread(f.bytes, 1, f.size, fp), f.size, "cannot read %s", path);
    fclose(fp);
    return f;
}

/* A section of a well-formed module, located without the loader. */
typedef struct {
    uint8_t id;
    size_t end;         /* offset just past the section */
} rb_section;

/* Reads an unsigned LEB128 u32 at b[*pos], advancing *pos; false when it runs off the end. */
static bool rb_leb_u32(const uint8_t *b, size_t n, size_t *pos, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*pos >= n)
            return false;
        uint8_t byte = b[(*pos)++];
        v |= (uint32_t)(byte & 0x7F) << shift;
        if (!(byte & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* The sections of the (unmutated) corpus module f, in order. */
static size_t rb_sections(const rb_file *f, rb_section *out, size_t cap)
{
    size_t n = 0, pos = 8;
    while (pos < f->size) {
        cr_assert_lt(n, cap, "%s: too many sections", f->path);
        uint8_t id = f->bytes[pos++];
        uint32_t len;
        cr_assert(rb_leb_u32(f->bytes, f->size, &pos, &len), "%s: bad section size", f->path);
        cr_assert_leq(len, f->size - pos, "%s: section past the end", f->path);
        pos += len;
        out[n++] = (rb_section){id, pos};
    }
    return n;
}

/* ---- the checks ---- */

/* Small limits, so that mutated sizes cannot make instantiation allocate much. */
static wvm_engine *rb_engine(void)
{
    wvm_config c;
    wvm_config_default(&c);
    c.max_memory_pages = 8;
    c.max_table_elems = 1024;
    c.max_call_depth = 1000;
    c.value_stack_slots = 1u << 14;
    wvm_engine *e = wvm_engine_new(&c);
    cr_assert_not_null(e);
    return e;
}

/* Counters of what the variants of one test did, so a test can show it was not vacuous. */
typedef struct {
    unsigned loaded;        /* wvm_module_new succeeded */
    unsigned rejected;      /* it failed (as allowed) */
    unsigned instantiated;  /* instantiation was attempted */
    unsigned skipped_start; /* loaded, but not instantiated because of a start function */
} rb_stats;

static bool rb_has_start(const uint8_t *bytes, size_t size)
{
    wasm_module m;
    wasm_error e;
    wasm_error_clear(&e);
    memset(&m, 0, sizeof m);
    cr_assert_eq(loader_decode(bytes, size, &m, &e), WASM_OK,
                 "loader_decode rejects a module wvm_module_new accepted: %s", e.message);
    bool has_start = m.has_start;
    loader_free(&m);
    return has_start;
}

/* Instantiates module in a fresh store whose linker holds the spectest definitions; returns
 * the status. */
static wvm_status rb_instantiate(wvm_engine *engine, const wvm_module *module, const char *what)
{
    wvm_store *store = wvm_store_new(engine, NULL);
    wvm_linker *linker = wvm_linker_new(engine);
    cr_assert(store && linker);
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(spectest_define(linker, store, &err), WVM_OK, "spectest: %s", err.message);
    wvm_instance *inst = NULL;
    memset(&err, 0, sizeof err);
    wvm_status st = wvm_linker_instantiate(linker, store, module, &inst, &err);
    cr_assert(st == WVM_OK || st == WVM_ERR_UNLINKABLE || st == WVM_ERR_TRAP ||
                  st == WVM_ERR_NOMEM,
              "%s: instantiation returned status %d (%s)", what, st, err.message);
    if (st == WVM_OK)
        cr_assert_not_null(inst, "%s: instantiation succeeded without an instance", what);
    else
        cr_assert_neq(err.message[0], '\0', "%s: instantiation failed (%d) without a message",
                      what, st);
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    return st;
}

/* Runs bytes[0..size) through wvm_module_new and checks the outcome; when it loads and
 * `run_start` allows it (or there is no start function), instantiates it too. Returns
 * wvm_module_new's status. */
static wvm_status rb_check(wvm_engine *engine, const uint8_t *bytes, size_t size,
                           bool run_start, const char *what, rb_stats *stats)
{
    wvm_module *module = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    err.offset = UINT64_MAX;
    wvm_status st = wvm_module_new(engine, bytes, size, &module, &err);
    wvm_error verr;
    memset(&verr, 0, sizeof verr);
    wvm_status vst = wvm_module_validate(bytes, size, &verr);

    if (st != WVM_OK) {
        cr_assert(st == WVM_ERR_MALFORMED || st == WVM_ERR_INVALID ||
                      st == WVM_ERR_UNSUPPORTED,
                  "%s: wvm_module_new returned status %d (%s)", what, st, err.message);
        cr_assert_null(module, "%s: a failed wvm_module_new left a module", what);
        cr_assert_eq(err.status, st, "%s: err.status %d, returned %d", what, err.status, st);
        cr_assert_neq(err.message[0], '\0', "%s: status %d without a message", what, st);
        cr_assert_lt(strnlen(err.message, sizeof err.message), sizeof err.message,
                     "%s: message not terminated", what);
        cr_assert_leq(err.offset, (uint64_t)size,
                      "%s: error offset %" PRIu64 " past the end (%zu bytes): %s", what,
                      err.offset, size, err.message);
        cr_assert_eq(vst, st,
                     "%s: wvm_module_validate says %d (%s) but wvm_module_new says %d (%s)",
                     what, vst, verr.message, st, err.message);
        stats->rejected++;
        return st;
    }
    cr_assert_not_null(module, "%s: success without a module", what);
    cr_assert_eq(vst, WVM_OK, "%s: wvm_module_new accepts but wvm_module_validate says %d (%s)",
                 what, vst, verr.message);
    stats->loaded++;
    if (!run_start && rb_has_start(bytes, size)) {
        stats->skipped_start++;
    } else {
        rb_instantiate(engine, module, what);
        stats->instantiated++;
    }
    wvm_module_delete(module);
    return WVM_OK;
}

/* ---- deterministic pseudo-random numbers (xorshift64) ---- */

static uint64_t rb_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* Byte values that often change the meaning of a module: LEB128 edges, `end`, common
 * opcodes and type codes. */
static const uint8_t rb_interesting[] = {0x00, 0x01, 0x02, 0x0B, 0x10, 0x20, 0x41, 0x60,
                                         0x6F, 0x70, 0x7B, 0x7F, 0x80, 0xC0, 0xFC, 0xFF};

/* ---- the tests, per corpus module ---- */

/* The unmutated module loads and validates, and instantiates against spectest with its
 * start function run. */
static void rb_test_loads(const char *path)
{
    rb_file f = rb_load(path);
    wvm_engine *engine = rb_engine();
    rb_stats stats = {0};
    cr_assert_eq(rb_check(engine, f.bytes, f.size, true, path, &stats), WVM_OK,
                 "%s does not load", path);
    cr_assert_eq(stats.instantiated, 1);

    wvm_module *module = NULL;
    cr_assert_eq(wvm_module_new(engine, f.bytes, f.size, &module, NULL), WVM_OK);
    cr_assert_eq(rb_instantiate(engine, module, path), WVM_OK, "%s does not instantiate",
                 path);
    wvm_module_delete(module);
    wvm_engine_delete(engine);
    free(f.bytes);
}

/* Every prefix. Cut inside the header or a section, the module is malformed; cut at a
 * section boundary it may be a smaller valid module, and it must be one when only custom
 * sections were cut off. */
static void rb_test_truncations(const char *path)
{
    rb_file f = rb_load(path);
    wvm_engine *engine = rb_engine();
    rb_section secs[RB_MAX_BOUNDARIES];
    size_t nsecs = rb_sections(&f, secs, RB_MAX_BOUNDARIES);
    cr_assert_gt(nsecs, 0);
    cr_assert_eq(secs[nsecs - 1].end, f.size);
    rb_stats stats = {0};
    char what[128];

    for (size_t len = 0; len < f.size; len++) {
        snprintf(what, sizeof what, "%s cut to %zu of %zu bytes", path, len, f.size);
        bool boundary = len == 8;
        bool only_custom_cut = true;
        for (size_t i = 0; i < nsecs; i++) {
            boundary = boundary || secs[i].end == len;
            if (secs[i].end > len && secs[i].id != 0)
                only_custom_cut = false;
        }
        /* A prefix holds only original code: if it loads, its start function may run. */
        wvm_status st = rb_check(engine, f.bytes, len, true, what, &stats);
        if (!boundary)
            cr_assert_eq(st, WVM_ERR_MALFORMED, "%s: status %d, want malformed", what, st);
        else if (only_custom_cut)
            cr_assert_eq(st, WVM_OK, "%s: only custom sections were cut off, yet status %d",
                         what, st);
    }
    cr_assert_gt(stats.rejected, f.size / 2, "%s: too few truncations rejected", path);
    wvm_engine_delete(engine);
    free(f.bytes);
}

/* Single-bit flips at pseudo-random positions. */
static void rb_test_bit_flips(const char *path, uint64_t seed)
{
    rb_file f = rb_load(path);
    wvm_engine *engine = rb_engine();
    uint8_t *buf = malloc(f.size);
    cr_assert_not_null(buf);
    memcpy(buf, f.bytes, f.size);
    rb_stats stats = {0};
    char what[128];
    uint64_t rng = seed;

    for (unsigned i = 0; i < RB_BIT_FLIPS; i++) {
        size_t pos = (size_t)(rb_next(&rng) % f.size);
        unsigned bit = (unsigned)(rb_next(&rng) % 8);
        buf[pos] ^= (uint8_t)(1u << bit);
        snprintf(what, sizeof what, "%s, bit %u of byte 0x%zx flipped (0x%02x -> 0x%02x)",
                 path, bit, pos, f.bytes[pos], buf[pos]);
        rb_check(engine, buf, f.size, false, what, &stats);
        buf[pos] = f.bytes[pos];
    }
    /* Some flips land in names, constants or data and keep the module valid; most do not. */
    cr_assert_gt(stats.loaded, 0, "%s: no flipped module loaded", path);
    cr_assert_gt(stats.rejected, 0, "%s: no flipped module was rejected", path);
    free(buf);
    wvm_engine_delete(engine);
    free(f.bytes);
}

/* Byte replacements at pseudo-random positions, by random or "interesting" values; one in
 * four variants replaces two bytes at once. */
static void rb_test_byte_replacements(const char *path, uint64_t seed)
{
    rb_file f = rb_load(path);
    wvm_engine *engine = rb_engine();
    uint8_t *buf = malloc(f.size);
    cr_assert_not_null(buf);
    memcpy(buf, f.bytes, f.size);
    rb_stats stats = {0};
    char what[160];
    uint64_t rng = seed;

    for (unsigned i = 0; i < RB_BYTE_REPLACEMENTS; i++) {
        size_t pos[2];
        unsigned n = (rb_next(&rng) % 4 == 0) ? 2 : 1;
        for (unsigned k = 0; k < n; k++) {
            pos[k] = (size_t)(rb_next(&rng) % f.size);
            uint64_t r = rb_next(&rng);
            uint8_t v = (r & 3) == 0 ? rb_interesting[(r >> 2) % sizeof rb_interesting]
                                     : (uint8_t)(r >> 8);
            if (v == f.bytes[pos[k]])
                v ^= 0x80;
            buf[pos[k]] = v;
        }
        if (n == 1)
            snprintf(what, sizeof what, "%s, byte 0x%zx replaced (0x%02x -> 0x%02x)", path,
                     pos[0], f.bytes[pos[0]], buf[pos[0]]);
        else
            snprintf(what, sizeof what,
                     "%s, bytes 0x%zx (0x%02x -> 0x%02x) and 0x%zx (0x%02x -> 0x%02x) replaced",
                     path, pos[0], f.bytes[pos[0]], buf[pos[0]], pos[1], f.bytes[pos[1]],
                     buf[pos[1]]);
        rb_check(engine, buf, f.size, false, what, &stats);
        for (unsigned k = 0; k < n; k++)
            buf[pos[k]] = f.bytes[pos[k]];
    }
    cr_assert_gt(stats.loaded, 0, "%s: no mutated module loaded", path);
    cr_assert_gt(stats.rejected, 0, "%s: no mutated module was rejected", path);
    free(buf);
    wvm_engine_delete(engine);
    free(f.bytes);
}

#define RB_CORPUS_TESTS(name, path, seed)                                                      \
    Test(robustness, name##_loads) { rb_test_loads(path); }                                    \
    Test(robustness, name##_truncations) { rb_test_truncations(path); }                        \
    Test(robustness, name##_bit_flips) { rb_test_bit_flips(path, seed); }                      \
    Test(robustness, name##_byte_replacements) { rb_test_byte_replacements(path, ~(seed)); }

RB_CORPUS_TESTS(imports, "tests/data/robust_imports.wasm", 0x9E3779B97F4A7C15ull)
RB_CORPUS_TESTS(defs, "tests/data/robust_defs.wasm", 0xD1B54A32D192ED03ull)
RB_CORPUS_TESTS(control, "tests/data/robust_control.wasm", 0x8CB92BA72F3D8DD7ull)
RB_CORPUS_TESTS(fib, "examples/fib.wasm", 0x2545F4914F6CDD1Dull)
