/* Allocation failures, one at a time: the whole embedding pipeline (engine, module, store,
 * linker, instance, a call) is run once to count its allocations, then once for each of them
 * with that allocation (and only it) failing. Every step must either succeed or report
 * WVM_ERR_NOMEM (a NULL handle for the constructors that return one), a run that gets to the
 * call must return the same result as the run without failures, and nothing may crash. Built
 * with the linker's --wrap for malloc, calloc and realloc (Makefile: alloc-check), so that it
 * sees the library's own allocations; under the sanitizers a leak on any error path fails it.
 *
 * usage: alloc-failures MODULE.wasm EXPORT N [MODULE.wasm EXPORT N ...]
 * Each module runs unmetered, metered natively and instrumented in-VM; EXPORT takes one i32,
 * N, and returns one value. A built-in module of one large function runs first. Exit status 0 when every failure was handled, 1 otherwise. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

/* ---- the allocator wrappers ---- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);

static uint64_t allocations; /* counted since the last reset */
static uint64_t fail_at;     /* the allocation that fails (1-based); 0: none */

static bool should_fail(void) { return ++allocations == fail_at; }

void *__wrap_malloc(size_t size) { return should_fail() ? NULL : __real_malloc(size); }
void *__wrap_calloc(size_t n, size_t size) { return should_fail() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

/* ---- one run of the pipeline ---- */

typedef enum { RUN_DONE, RUN_NOMEM, RUN_WRONG } run_outcome;

typedef struct {
    const uint8_t *bytes;
    size_t size;
    const char *export_name;
    int32_t n;
    wvm_meter_mode meter;
} run_spec;

static const char *meter_name(wvm_meter_mode m)
{
    return m == WVM_METER_OFF ? "unmetered" : m == WVM_METER_NATIVE ? "native" : "instrument";
}

/* What a step answered: done, out of memory, or anything else (a failure of the test). */
static run_outcome step(wvm_status st, const wvm_error *err, const char *what)
{
    if (st == WVM_OK)
        return RUN_DONE;
    if (st == WVM_ERR_NOMEM)
        return RUN_NOMEM;
    fprintf(stderr, "  %s: status %d: %s\n", what, (int)st, err ? err->message : "");
    return RUN_WRONG;
}

/* Runs the pipeline once; *result is the call's result when it returns RUN_DONE. */
static run_outcome run_once(const run_spec *r, wvm_val *result)
{
    wvm_config config;
    wvm_config_default(&config);
    config.metering = r->meter;
    wvm_engine *engine = wvm_engine_new(&config);
    if (!engine)
        return RUN_NOMEM;
    run_outcome out = RUN_NOMEM;
    wvm_module *module = NULL;
    wvm_store *store = NULL;
    wvm_linker *linker = NULL;
    wvm_instance *inst = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    if ((out = step(wvm_module_new(engine, r->bytes, r->size, &module, &err), &err,
                    "wvm_module_new")) != RUN_DONE)
        goto done;
    out = RUN_NOMEM;
    if (!(store = wvm_store_new(engine, NULL)) || !(linker = wvm_linker_new(engine)))
        goto done;
    if (r->meter != WVM_METER_OFF)
        wvm_store_set_fuel(store, UINT64_MAX / 2);
    if ((out = step(wvm_linker_instantiate(linker, store, module, &inst, &err), &err,
                    "wvm_linker_instantiate")) != RUN_DONE)
        goto done;
    wvm_func *func = wvm_instance_func(inst, r->export_name);
    if (!func) {
        fprintf(stderr, "  no exported function %s\n", r->export_name);
        out = RUN_WRONG;
        goto done;
    }
    wvm_val arg = {.kind = WVM_I32, .of.i32 = r->n};
    out = step(wvm_func_call(store, func, &arg, 1, result, 1, &err), &err, "wvm_func_call");
done:
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    wvm_module_delete(module);
    wvm_engine_delete(engine);
    return out;
}

static bool same_value(const wvm_val *a, const wvm_val *b)
{
    return a->kind == b->kind && memcmp(&a->of, &b->of, sizeof a->of) == 0;
}

/* Fails each allocation of the pipeline in turn. Returns the number of wrong outcomes. */
static unsigned check(const char *path, const run_spec *r)
{
    wvm_val expected, got;
    allocations = 0;
    fail_at = 0;
    if (run_once(r, &expected) != RUN_DONE) {
        fprintf(stderr, "%s (%s): fails without allocation failures\n", path,
                meter_name(r->meter));
        return 1;
    }
    uint64_t total = allocations;
    unsigned wrong = 0, done = 0;
    for (uint64_t i = 1; i <= total; i++) {
        allocations = 0;
        fail_at = i;
        memset(&got, 0, sizeof got);
        run_outcome out = run_once(r, &got);
        if (out == RUN_DONE && !same_value(&got, &expected)) {
            fprintf(stderr, "  a different result\n");
            out = RUN_WRONG;
        }
        done += out == RUN_DONE;
        if (out == RUN_WRONG) {
            fprintf(stderr, "%s (%s): allocation %" PRIu64 " of %" PRIu64 " failing\n", path,
                    meter_name(r->meter), i, total);
            wrong++;
        }
    }
    fail_at = 0;
    printf("%s (%s): %" PRIu64 " allocations, each failed in turn: %u runs still completed, "
           "%u wrong\n",
           path, meter_name(r->meter), total, done, wrong);
    return wrong;
}

/* A module of one function, export "f" (i32) -> i32, whose body is long enough for the
 * translator's and the pairing pass's buffers of large functions (some 12,000 words): a
 * loop, run once, around ADDS times `x = x + 1`, so f(n) = n + ADDS. Written to buf (at least
 * BIG_MODULE_MAX bytes); returns its size. */
enum { ADD_BYTES = 7, ADDS = 3000, BIG_MODULE_MAX = 64 + ADD_BYTES * ADDS };
static size_t big_module(uint8_t *buf)
{
    static const uint8_t head[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,       /* magic, version */
        0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,       /* type 0: (i32) -> i32 */
        0x03, 0x02, 0x01, 0x00,                               /* func 0: type 0 */
        0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,             /* export "f" = func 0 */
        0x0a,                                                 /* code section (size next) */
    };
    uint8_t body[8 + ADD_BYTES * ADDS];
    size_t n = 0;
    body[n++] = 0x00;                     /* no locals besides the parameter */
    body[n++] = 0x03, body[n++] = 0x40;   /* loop */
    for (int i = 0; i < ADDS; i++) {      /* local.get 0, i32.const 1, i32.add, local.set 0 */
        static const uint8_t add[ADD_BYTES] = {0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00};
        memcpy(body + n, add, sizeof add);
        n += sizeof add;
    }
    body[n++] = 0x0b;                     /* end (of the loop: falls through) */
    body[n++] = 0x20, body[n++] = 0x00;   /* local.get 0 */
    body[n++] = 0x0b;                     /* end */
    size_t m = 0;
    memcpy(buf, head, sizeof head);
    m = sizeof head;
    /* the code section: one body; LEB128 sizes of three bytes each */
    size_t body_size = n, section_size = 1 + 3 + body_size;
    buf[m++] = (uint8_t)(0x80 | (section_size & 0x7f));
    buf[m++] = (uint8_t)(0x80 | (section_size >> 7 & 0x7f));
    buf[m++] = (uint8_t)(section_size >> 14);
    buf[m++] = 0x01;
    buf[m++] = (uint8_t)(0x80 | (body_size & 0x7f));
    buf[m++] = (uint8_t)(0x80 | (body_size >> 7 & 0x7f));
    buf[m++] = (uint8_t)(body_size >> 14);
    memcpy(buf + m, body, n);
    return m + n;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = __real_malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (argc - 1) % 3 != 0) {
        fprintf(stderr, "usage: %s MODULE.wasm EXPORT N [MODULE.wasm EXPORT N ...]\n", argv[0]);
        return 2;
    }
    unsigned wrong = 0;
    /* the built-in module of one large function */
    static uint8_t big[BIG_MODULE_MAX];
    run_spec r = {.bytes = big, .size = big_module(big), .export_name = "f", .n = 7};
    for (wvm_meter_mode m = WVM_METER_OFF; m <= WVM_METER_NATIVE; m++) {
        wvm_val v;
        r.meter = m;
        fail_at = 0;
        if (run_once(&r, &v) != RUN_DONE || v.kind != WVM_I32 || v.of.i32 != 7 + ADDS) {
            fprintf(stderr, "the built-in module does not compute n + %d\n", ADDS);
            return 1;
        }
        wrong += check("(one function of 3,000 additions)", &r);
    }
    for (int a = 1; a + 2 < argc; a += 3) {
        run_spec r = {.export_name = argv[a + 1], .n = (int32_t)atoi(argv[a + 2])};
        uint8_t *bytes = read_file(argv[a], &r.size);
        if (!bytes) {
            fprintf(stderr, "error: cannot read %s\n", argv[a]);
            return 2;
        }
        r.bytes = bytes;
        const wvm_meter_mode meters[] = {WVM_METER_OFF, WVM_METER_NATIVE, WVM_METER_INSTRUMENT};
        for (size_t m = 0; m < sizeof meters / sizeof *meters; m++) {
            r.meter = meters[m];
            wrong += check(argv[a], &r);
        }
        free(bytes);
    }
    printf("alloc-failures: %s\n", wrong ? "FAILED" : "every failure handled");
    return wrong ? 1 : 0;
}
