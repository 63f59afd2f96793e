/* The differential check of one module (differential.h): the same bytes through every
 * metering mode must give the same outcome, and the fuel of the native mode must be the
 * reference count, the instrumented count, and the sum of any slicing of it.
 *
 * A run loads the module, instantiates it with every import defined by a stub (memories,
 * tables and globals are created to the imported type; functions return values derived from
 * their arguments, below), and makes up to MAX_CALLS calls of the exported functions in
 * export order, each with CALL_FUEL fuel (the start function too): every function with zero
 * arguments, and one that has parameters a second time with arguments derived from the
 * module's bytes. Derived values (derived_value) are edge cases of their type more often
 * than not (0, -1, the extremes, NaNs, infinities, shift counts, page sizes): the same in
 * every mode, so the runs stay comparable. What it records: statuses, trap codes, results
 * (raw bits), the fuel each step consumed, and the final contents of the exported memories
 * and globals. The unmetered run stops before the first step that ran out of fuel metered
 * (it could run forever); every comparison stops at the first step a mode ended with a stack
 * overflow, whose depth may differ between modes (their frames differ in size). */
#include "differential.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wvm.h"

enum {
    MAX_CALLS = 128,    /* calls of exported functions */
    MAX_ARGS = 64,      /* parameters of a function called (one with more is not called) */
    MAX_RESULTS = 16,   /* results recorded per call (bits) */
    CALL_FUEL = 10000,  /* fuel of each step */
    MEMORY_PAGES = 64,  /* cap on memories (4 MiB): the runs stay quick */
    CALL_DEPTH = 500,
};

/* The outcome of one step: the start function (in instantiation) or one call. */
typedef struct {
    wvm_status status;             /* WVM_OK, or WVM_ERR_TRAP (trap set), or another error */
    wvm_trap_code trap;
    uint32_t nresults;
    uint64_t results[MAX_RESULTS]; /* raw bits; references as 0 (null) or 1 */
    uint64_t fuel;                 /* consumed by the step (0 unmetered) */
} step_record;

typedef struct {
    wvm_status load;        /* wvm_module_new's status; nothing else is set unless WVM_OK */
    bool loaded;
    uint32_t nsteps;        /* steps[0] is instantiation (with the start function) */
    step_record steps[1 + MAX_CALLS];
    uint64_t state_hash;    /* exported memories and globals after the last step */
    bool state_complete;    /* every step ran: state_hash is comparable */
} run_record;

typedef enum { SLICES_NONE, SLICES_ON } slicing;

/* ---- stubs for the imports ---- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t value_bits(const wvm_val *v)
{
    switch (v->kind) {
    case WVM_I32: return (uint32_t)v->of.i32;
    case WVM_F32: return v->of.f32_bits;
    case WVM_I64: return (uint64_t)v->of.i64;
    case WVM_F64: return v->of.f64_bits;
    default: return v->of.funcref != NULL; /* references: null or not */
    }
}

/* A value of the kind chosen by the seed h: in 5 cases of 8 one of its type's edge cases,
 * else bits of h (a small number for integers half the time). References are null. */
static wvm_val derived_value(wvm_valkind kind, uint64_t h)
{
    static const uint32_t edge_i32[] = {0, 1, 2, 7, 31, 32, 0xff, 0x100, 0xffff, 0x10000,
                                        0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};
    static const uint64_t edge_i64[] = {0, 1, 63, 64, 0xffffffff, 0x100000000,
                                        0x7fffffffffffffff, 0x8000000000000000,
                                        0xfffffffffffffffe, 0xffffffffffffffff};
    static const uint32_t edge_f32[] = {0x00000000, 0x80000000, 0x3f800000, 0xbf800000,
                                        0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
                                        0x7fa00000, 0x00000001, 0x7f7fffff, 0x4f000000,
                                        0xcf000001, 0x3fc00000};
    static const uint64_t edge_f64[] = {0, 0x8000000000000000, 0x3ff0000000000000,
                                        0xbff0000000000000, 0x7ff0000000000000,
                                        0xfff0000000000000, 0x7ff8000000000000,
                                        0xfff8000000000000, 0x7ff4000000000000, 1,
                                        0x7fefffffffffffff, 0x41e0000000000000,
                                        0xc3e0000000000001, 0x3ff8000000000000};
#define PICK(table) table[(h >> 3) % (sizeof table / sizeof table[0])]
    bool edge = (h & 7) < 5;
    uint64_t bits = h >> 8;
    if (!edge && (h & 0x80))
        bits %= 100; /* a small number */
    wvm_val v;
    memset(&v, 0, sizeof v);
    v.kind = kind;
    switch (kind) {
    case WVM_I32: v.of.i32 = (int32_t)(edge ? PICK(edge_i32) : (uint32_t)bits); break;
    case WVM_I64: v.of.i64 = (int64_t)(edge ? PICK(edge_i64) : bits * 0x9e3779b97f4a7c15ull); break;
    case WVM_F32: v.of.f32_bits = edge ? PICK(edge_f32) : (uint32_t)bits; break;
    case WVM_F64: v.of.f64_bits = edge ? PICK(edge_f64) : bits * 0x9e3779b97f4a7c15ull; break;
    default: break;
    }
#undef PICK
    return v;
}

/* A stub's results are derived from its arguments: the same call gives the same results in
 * every mode. */
static wvm_trap_code stub_function(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                   void *env)
{
    const wvm_functype *type = env;
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t i = 0; i < type->nparams; i++) {
        uint64_t bits = value_bits(&args[i]);
        h = fnv1a(h, &bits, sizeof bits);
    }
    for (uint32_t i = 0; i < type->nresults; i++)
        results[i] = derived_value(type->results[i], fnv1a(h, &i, sizeof i));
    return WVM_TRAP_NONE;
}

/* A NUL-terminated copy of a name, or NULL when it holds a NUL byte (such an import stays
 * undefined, and instantiation fails the same way in every mode). */
static char *terminated(const char *s, size_t len)
{
    if (memchr(s, 0, len))
        return NULL;
    char *c = malloc(len + 1);
    if (c) {
        memcpy(c, s, len);
        c[len] = 0;
    }
    return c;
}

/* Defines the import with a stub of its type; an import left undefined (a name with a NUL,
 * limits no stub can have) fails instantiation the same way in every mode. */
static void define_import(wvm_linker *linker, wvm_store *store, const wvm_importtype *imp)
{
    char *module = terminated(imp->module, imp->module_len);
    char *name = terminated(imp->name, imp->name_len);
    wvm_extern item = {.kind = imp->type.kind};
    wvm_val null_ref = {.kind = WVM_FUNCREF};
    switch (imp->type.kind) {
    case WVM_EXTERN_FUNC: {
        /* the stub's copy of the type; its arrays belong to the module, which outlives the
         * store */
        wvm_functype *type = malloc(sizeof *type);
        if (type) {
            *type = imp->type.of.func;
            item.of.func = wvm_func_new(store, type, stub_function, type, free);
            if (!item.of.func)
                free(type);
        }
        break;
    }
    case WVM_EXTERN_MEMORY:
        item.of.memory = wvm_memory_new(store, imp->type.of.memory.min,
                                        imp->type.of.memory.max, imp->type.of.memory.has_max);
        break;
    case WVM_EXTERN_TABLE:
        null_ref.kind = imp->type.of.table.elem_kind;
        item.of.table = wvm_table_new(store, null_ref.kind, imp->type.of.table.limits.min,
                                      imp->type.of.table.limits.max,
                                      imp->type.of.table.limits.has_max, &null_ref);
        break;
    case WVM_EXTERN_GLOBAL:
        null_ref.kind = imp->type.of.global.kind;
        item.of.global = wvm_global_new(store, null_ref.kind, imp->type.of.global.mutable_,
                                        &null_ref);
        break;
    }
    if (module && name && item.of.func) {
        wvm_error err;
        wvm_linker_define(linker, module, name, &item, &err);
    }
    free(module);
    free(name);
}

/* ---- one run ---- */

/* The exported memories' bytes and sizes and the exported globals' values. */
static uint64_t state_hash(const wvm_module *module, const wvm_instance *inst)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t i = 0; i < wvm_module_export_count(module); i++) {
        wvm_exporttype ex;
        wvm_extern item;
        if (!wvm_module_export(module, i, &ex) ||
            !wvm_instance_export_n(inst, ex.name, ex.name_len, &item))
            continue;
        if (item.kind == WVM_EXTERN_MEMORY) {
            size_t size = wvm_memory_size_bytes(item.of.memory);
            h = fnv1a(h, &size, sizeof size);
            h = fnv1a(h, wvm_memory_data(item.of.memory), size);
        } else if (item.kind == WVM_EXTERN_GLOBAL) {
            wvm_val v;
            wvm_global_get(item.of.global, &v);
            uint64_t bits = value_bits(&v);
            h = fnv1a(h, &bits, sizeof bits);
        }
    }
    return h;
}

/* Records what a finished step returned. */
static void record_step(step_record *s, wvm_status st, const wvm_error *err,
                        const wvm_val *results, uint32_t nresults)
{
    s->status = st;
    s->trap = st == WVM_ERR_TRAP ? err->trap : WVM_TRAP_NONE;
    s->nresults = st == WVM_OK ? nresults : 0;
    for (uint32_t i = 0; i < s->nresults && i < MAX_RESULTS; i++)
        s->results[i] = value_bits(&results[i]);
}

/* Calls func with CALL_FUEL fuel and zero arguments, or, when seed is not 0, arguments
 * derived from it; with slices, the fuel is given `slice` at a time and the call resumed
 * after each out-of-fuel stop until CALL_FUEL is spent. */
static void call_export(wvm_store *store, wvm_func *func, uint64_t seed, bool metered,
                        uint64_t slice, step_record *s)
{
    wvm_val args[MAX_ARGS], results[MAX_RESULTS];
    uint32_t np = wvm_func_param_count(func), nr = wvm_func_result_count(func);
    if (np > MAX_ARGS || nr > MAX_RESULTS) {
        s->status = WVM_ERR_USAGE; /* not called, in every mode alike */
        return;
    }
    for (uint32_t i = 0; i < np; i++)
        args[i] = derived_value(wvm_func_param_kind(func, i),
                                seed ? fnv1a(seed, &i, sizeof i) : 0);
    wvm_error err;
    uint64_t given = slice ? slice : CALL_FUEL;
    if (metered)
        wvm_store_set_fuel(store, given);
    wvm_status st;
    if (!slice) {
        st = wvm_func_call(store, func, args, np, results, nr, &err);
    } else {
        wvm_resumable *r = NULL;
        st = wvm_func_call_resumable(store, func, args, np, results, nr, &r, &err);
        while (r && given < CALL_FUEL) {
            uint64_t more = CALL_FUEL - given < slice ? CALL_FUEL - given : slice;
            wvm_store_add_fuel(store, more);
            given += more;
            st = wvm_resumable_resume(r, results, nr, &err);
            if (st != WVM_ERR_TRAP || err.trap != WVM_TRAP_OUT_OF_FUEL)
                r = NULL; /* finished: the handle is freed */
        }
        if (r)
            wvm_resumable_delete(r);
    }
    record_step(s, st, &err, results, nr);
    s->fuel = metered ? given - wvm_store_fuel(store) : 0;
}

/* One run of the module under `mode`, at most max_steps steps (instantiation included);
 * seed (not 0) derives the second calls' arguments. */
static void run_module(const uint8_t *bytes, size_t size, uint64_t seed, wvm_meter_mode mode,
                       uint32_t max_steps, uint64_t slice, run_record *rec)
{
    memset(rec, 0, sizeof *rec);
    wvm_config config;
    wvm_config_default(&config);
    config.metering = mode;
    config.max_memory_pages = MEMORY_PAGES;
    config.max_call_depth = CALL_DEPTH;
    wvm_engine *engine = wvm_engine_new(&config);
    wvm_module *module = NULL;
    wvm_store *store = NULL;
    wvm_linker *linker = NULL;
    wvm_instance *inst = NULL;
    wvm_error err;
    bool metered = mode != WVM_METER_OFF;
    if (!engine)
        goto done;
    rec->load = wvm_module_new(engine, bytes, size, &module, &err);
    rec->loaded = rec->load == WVM_OK;
    if (!rec->loaded || max_steps == 0)
        goto done;
    store = wvm_store_new(engine, NULL);
    linker = wvm_linker_new(engine);
    if (!store || !linker)
        goto done;
    for (uint32_t i = 0; i < wvm_module_import_count(module); i++) {
        wvm_importtype imp;
        if (wvm_module_import(module, i, &imp))
            define_import(linker, store, &imp);
    }
    if (metered)
        wvm_store_set_fuel(store, CALL_FUEL);
    wvm_status st = wvm_linker_instantiate(linker, store, module, &inst, &err);
    record_step(&rec->steps[0], st, &err, NULL, 0);
    rec->steps[0].fuel = metered ? CALL_FUEL - wvm_store_fuel(store) : 0;
    rec->nsteps = 1;
    if (st != WVM_OK)
        goto done;
    if (max_steps > 1 + MAX_CALLS)
        max_steps = 1 + MAX_CALLS; /* (the size of rec->steps) */
    for (uint32_t i = 0; i < wvm_module_export_count(module) && rec->nsteps < max_steps; i++) {
        wvm_exporttype ex;
        wvm_extern item;
        if (!wvm_module_export(module, i, &ex) || ex.type.kind != WVM_EXTERN_FUNC ||
            !wvm_instance_export_n(inst, ex.name, ex.name_len, &item))
            continue;
        call_export(store, item.of.func, 0, metered, slice, &rec->steps[rec->nsteps++]);
        if (wvm_func_param_count(item.of.func) && rec->nsteps < max_steps)
            call_export(store, item.of.func, fnv1a(seed, &i, sizeof i), metered, slice,
                        &rec->steps[rec->nsteps++]);
    }
    rec->state_hash = state_hash(module, inst);
    rec->state_complete = true;
done:
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    wvm_module_delete(module);
    wvm_engine_delete(engine);
}

/* ---- comparison ---- */

static bool stack_overflow(const step_record *s)
{
    return s->status == WVM_ERR_TRAP && s->trap == WVM_TRAP_STACK_OVERFLOW;
}

static const char *step_name(uint32_t i) { return i ? "call" : "instantiation"; }

/* How two runs' fuel compares. */
typedef enum {
    FUEL_EQUAL,     /* on every step: native against instrumented, or paid in slices */
    FUEL_COMPLETED, /* on steps that complete: native against reference, whose charges are
                     * per operator, so that a trap mid-block consumed less and an out-of-fuel
                     * stop comes later (leaving a different state behind: the comparison
                     * ends there) */
    FUEL_NONE,      /* one run is unmetered */
} fuel_rule;

/* Compares two runs step by step (see the file's comment). Returns 1 when they disagree
 * (reported), else 0. */
static unsigned compare_runs(const char *name, const char *what, const run_record *a,
                             const run_record *b, fuel_rule rule)
{
    if (a->load != b->load) {
        fprintf(stderr, "%s: %s: load status %d vs %d\n", name, what, (int)a->load,
                (int)b->load);
        return 1;
    }
    uint32_t n = a->nsteps < b->nsteps ? a->nsteps : b->nsteps;
    for (uint32_t i = 0; i < n; i++) {
        const step_record *x = &a->steps[i], *y = &b->steps[i];
        if (stack_overflow(x) || stack_overflow(y))
            return 0;
        bool fuel_compared = rule == FUEL_EQUAL || (rule == FUEL_COMPLETED && x->status == WVM_OK);
        bool same = x->status == y->status && x->trap == y->trap &&
                    x->nresults == y->nresults &&
                    memcmp(x->results, y->results, sizeof x->results) == 0 &&
                    (!fuel_compared || x->fuel == y->fuel);
        if (!same) {
            fprintf(stderr,
                    "%s: %s: %s %u differs: status %d/%d, trap %s/%s, fuel %" PRIu64
                    "/%" PRIu64 ", result[0] %#" PRIx64 "/%#" PRIx64 "\n",
                    name, what, step_name(i), i, (int)x->status, (int)y->status,
                    wvm_trap_name(x->trap), wvm_trap_name(y->trap), x->fuel, y->fuel,
                    x->results[0], y->results[0]);
            return 1;
        }
        if (rule == FUEL_COMPLETED && x->trap == WVM_TRAP_OUT_OF_FUEL)
            return 0;
    }
    if (a->nsteps == b->nsteps && a->state_complete && b->state_complete &&
        a->state_hash != b->state_hash) {
        fprintf(stderr, "%s: %s: exported memories or globals differ\n", name, what);
        return 1;
    }
    return 0;
}

/* The steps the unmetered run may take: those before the first one the metered run did not
 * finish within its fuel, or where it overflowed the stack. */
static uint32_t finished_steps(const run_record *metered)
{
    for (uint32_t i = 0; i < metered->nsteps; i++) {
        const step_record *s = &metered->steps[i];
        if (s->status == WVM_ERR_TRAP &&
            (s->trap == WVM_TRAP_OUT_OF_FUEL || s->trap == WVM_TRAP_STACK_OVERFLOW))
            return i;
    }
    return metered->nsteps;
}

/* A load error (malformed, invalid, or a feature wvm lacks) must carry a message and an
 * offset within the input. */
static unsigned check_load_error(const uint8_t *bytes, size_t size, const char *name,
                                 wvm_status *status)
{
    wvm_error err;
    memset(&err, 0, sizeof err);
    *status = wvm_module_validate(bytes, size, &err);
    if (*status == WVM_OK)
        return 0;
    if ((*status != WVM_ERR_MALFORMED && *status != WVM_ERR_INVALID &&
         *status != WVM_ERR_UNSUPPORTED) ||
        !err.message[0] ||
        err.offset > size) {
        fprintf(stderr, "%s: bad load error: status %d, offset %" PRIu64 " of %zu, \"%s\"\n",
                name, (int)*status, err.offset, size, err.message);
        return 1;
    }
    return 0;
}

static fuzz_coverage coverage;

fuzz_coverage fuzz_coverage_so_far(void) { return coverage; }

unsigned fuzz_check_module(const uint8_t *bytes, size_t size, const char *name)
{
    wvm_status valid;
    unsigned wrong = check_load_error(bytes, size, name, &valid);
    /* (static: five records of about 10 KB each, kept off the stack) */
    static run_record native, reference, instrumented, sliced, unmetered;
    uint64_t seed = fnv1a(0xcbf29ce484222325ull, bytes, size) | 1; /* (never 0: zeros) */
    run_module(bytes, size, seed, WVM_METER_NATIVE, 1 + MAX_CALLS, 0, &native);
    if (native.load != valid) {
        fprintf(stderr, "%s: wvm_module_validate says %d, wvm_module_new %d\n", name,
                (int)valid, (int)native.load);
        wrong++;
    }
    run_module(bytes, size, seed, WVM_METER_REFERENCE, 1 + MAX_CALLS, 0, &reference);
    wrong += compare_runs(name, "native vs reference", &native, &reference, FUEL_COMPLETED);
    if (!native.loaded)
        return wrong;
    coverage.valid++;
    coverage.instantiated += native.nsteps && native.steps[0].status == WVM_OK;
    coverage.calls += native.nsteps ? native.nsteps - 1 : 0;
    /* The instrumenter refuses some valid modules (one that imports a gas function already,
     * one it would make too large): those are left out. */
    run_module(bytes, size, seed, WVM_METER_INSTRUMENT, 1 + MAX_CALLS, 0, &instrumented);
    if (instrumented.loaded)
        wrong += compare_runs(name, "native vs instrumented", &native, &instrumented, FUEL_EQUAL);
    uint64_t slice = 1 + seed % 53;
    run_module(bytes, size, seed, WVM_METER_NATIVE, 1 + MAX_CALLS, slice, &sliced);
    wrong += compare_runs(name, "native vs sliced", &native, &sliced, FUEL_EQUAL);
    run_module(bytes, size, seed, WVM_METER_OFF, finished_steps(&native), 0, &unmetered);
    wrong += compare_runs(name, "native vs unmetered", &native, &unmetered, FUEL_NONE);
    return wrong;
}
