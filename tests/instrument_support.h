/* Shared helpers of the Criterion suite `instrument` (tests/test_instrument_*.c), defined in
 * tests/instrument_support.c: the test modules, cost models, instrumenting and decoding,
 * reading function indices and names out of decoded modules, the structural checks of the
 * two backends, and running a module in every mode ("runners") and comparing the runs. */
#ifndef WVM_TESTS_INSTRUMENT_SUPPORT_H
#define WVM_TESTS_INSTRUMENT_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wvm.h"

#include "../loader/module.h"

/* The modules: the .wat files of tests/data/instrument as arrays inst_<file name>, with
 * their sizes (tests/data/instrument/gen.sh). MOD(name) is a module's bytes and size. */
#include "data/instrument/modules.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MOD(name) inst_##name, sizeof inst_##name

/* The gas left given to the global backend's global for runs that must not run out. */
#define GLOBAL_BUDGET (UINT64_C(1) << 62)

/* Reads a file of the project into a malloc'd buffer. */
uint8_t *read_file(const char *path, size_t *size);

/* ---- cost models ---- */

/* "default" / "uniform" (or NULL: default) name a preset; anything else is cost-model text
 * (docs/cost-model.md). */
wvm_cost_model *model_make(const char *spec);

/* Every operator and every scalar charge 0. */
#define MODEL_ZERO "* 0\ncall_entry 0\nhost_entry 0\nbulk_unit 0\ngrow_page 0\n"
/* The default model without dynamic costs. */
#define MODEL_NO_DYNAMIC "bulk_unit 0\ngrow_page 0\n"
/* Large dynamic costs: per byte / element 10^6, per page the largest accepted (2^32 - 1). */
#define MODEL_BIG_DYNAMIC "bulk_unit 1000000\ngrow_page 4294967295\n"

/* ---- instrumenting and decoding ---- */

void decode_ok(const uint8_t *bytes, size_t size, wasm_module *m);
/* Decodes and validates (loader_validate) bytes into m. */
void decode_valid(const uint8_t *bytes, size_t size, wasm_module *m);
/* Instruments wasm with opts (NULL: defaults) and checks the output is a valid module, by
 * loader_validate and by wvm_module_validate. The caller frees the result. */
uint8_t *instrument_ok(const uint8_t *wasm, size_t size, const wvm_instrument_options *opts,
                       size_t *out_size);
/* Options with the given model (borrowed) and backend, the other fields defaults. */
wvm_instrument_options opts_with(const wvm_cost_model *model, wvm_gas_backend backend);
/* Instruments with the import backend (default names) and decodes the output into m. */
void instrument_decode(const uint8_t *wasm, size_t size, const wvm_instrument_options *opts,
                       wasm_module *m);
/* Checks that err's message mentions what. */
void assert_mentions(const wvm_error *err, const char *what);

/* ---- reading function indices out of code ---- */

#define MAX_REFS 64

/* The references of one opcode in a body, as a list. */
typedef struct {
    uint32_t v[MAX_REFS];
    size_t n;
} ref_list;

/* The u32 immediates of every `opcode` (call 0x10, ref.func 0xD2) in defined function body
 * `defined`, in order. */
ref_list body_refs(const wasm_module *m, uint32_t defined, uint8_t opcode);
/* The ref.func immediates of a constant expression. */
ref_list expr_refs(const wasm_constexpr *e);
/* Removes every occurrence of value from l. */
ref_list refs_without(ref_list l, uint32_t value);
/* Keeps the values below limit. */
ref_list refs_below(ref_list l, uint32_t limit);
void assert_refs(ref_list got, const uint32_t *want, size_t nwant, const char *what);

#define ASSERT_REFS(got, what, ...)                                                        \
    do {                                                                                   \
        const uint32_t want_[] = {__VA_ARGS__};                                     \
        assert_refs(got, want_, COUNT(want_), what);                                       \
    } while (0)

/* ---- the name section's indirect maps (subsection 2 locals, 3 labels) ---- */

typedef struct {
    uint32_t func, index;
    const char *name;
    uint32_t len;
} name_entry;

#define MAX_NAMES 64

typedef struct {
    name_entry e[MAX_NAMES];
    size_t n;
    bool present;
} name_map;

/* The indirect name map of subsection `sub` of m's name section. */
name_map names_indirect(const wasm_module *m, uint8_t sub);
const name_entry *names_find(const name_map *map, uint32_t func, uint32_t index);
bool name_is(const char *name, uint32_t len, const char *want);

/* ---- structural checks of the two backends ---- */

bool import_is(const wasm_import *imp, const char *module, const char *name);
/* Index of the last function import of m among its imports (UINT32_MAX: none). */
uint32_t last_func_import(const wasm_module *m);
/* Checks every place of n, the import-backend output for o, against o: the gas import
 * gas_module.gas_name (i64)->() is the last function import, at index o->nfunc_imports;
 * the other imports are unchanged and in order; every function index k of o is shifted by
 * one past it in n (bodies, exports, start, element segments, global initialisers, function
 * and local names). */
void check_import_shift(const wasm_module *o, const wasm_module *n, const char *gas_module,
                        const char *gas_name);
/* Checks n, the global-backend output for o: no import added, every index of o unchanged,
 * one function and one global added after o's, the mutable i64 global exported as
 * `global_name`, o's exports kept, bodies calling only o's functions and the new one. */
void check_global_noshift(const wasm_module *o, const wasm_module *n, const char *global_name);
/* Instruments wasm with each backend (default options) and runs the structural check. */
void check_structure(const uint8_t *wasm, size_t size);
/* Index of the export called name in m. */
const wasm_export *find_export(const wasm_module *m, const char *name);

/* ---- running modules ---- */

typedef enum {
    RUN_NATIVE,     /* the original module, WVM_METER_NATIVE: the reference */
    RUN_IMPORT,     /* import-backend output, unmetered engine, host env.gas summing */
    RUN_GLOBAL,     /* global-backend output, unmetered engine, gas read from the global */
    RUN_ENGINE,     /* the original module, WVM_METER_INSTRUMENT */
    RUN_PREMETERED, /* import-backend output, WVM_METER_PREMETERED */
    RUN_KINDS
} run_kind;

#define K_IMPORT (1u << RUN_IMPORT)
#define K_GLOBAL (1u << RUN_GLOBAL)
#define K_ENGINE (1u << RUN_ENGINE)
#define K_PREMETERED (1u << RUN_PREMETERED)
#define K_ALL (K_IMPORT | K_GLOBAL | K_ENGINE | K_PREMETERED)

extern const char *const run_kind_names[RUN_KINDS];

/* What env.gas (or a renamed gas import) has received. */
typedef struct {
    uint64_t sum;           /* modulo 2^64 */
    uint64_t calls;
} gas_meter;

/* An engine, a store, a linker with the host functions, and at most one instance. */
typedef struct {
    run_kind kind;
    wvm_engine *engine;
    wvm_store *store;
    wvm_linker *linker;
    wvm_module *module;
    wvm_instance *inst;
    gas_meter meter;            /* RUN_IMPORT: what env.gas received */
    const char *global_name;    /* RUN_GLOBAL: the gas global's export */
    uint64_t global_init;       /* RUN_GLOBAL: its initial value */
} runner;

void runner_define(runner *r, const char *module, const char *name, const wvm_functype *type,
                   wvm_host_callback cb, void *env);
/* Defines a host gas function module.name (param i64) summing into r->meter. */
void runner_define_gas(runner *r, const char *module, const char *name);
/* Opens a runner of the given kind with model (borrowed; copied by the engine). The linker
 * defines host.f(x) = x + 100, host.g() = 42, host.mem (1 page, byte 0 = 9), host.glob (i32
 * 7), and tests/data/fuel_ops.wasm's env.triple(x) = 3x, env.charge(n) (consumes n fuel,
 * returns n) and env.reenter(x) (calls the caller's export "call2" with x from the host);
 * and for RUN_IMPORT only, gas_module.gas_name (param i64). */
void runner_open_named(runner *r, run_kind kind, const wvm_cost_model *model,
                       const char *gas_module, const char *gas_name);
/* runner_open_named with the gas import env.gas. */
void runner_open(runner *r, run_kind kind, const wvm_cost_model *model);
void runner_close(runner *r);
void runner_load(runner *r, const uint8_t *bytes, size_t size);
wvm_global *runner_gas_global(runner *r);
uint64_t global_u64(const wvm_global *g);
void global_set_u64(wvm_global *g, uint64_t value);
/* Instantiates r->module (all the fuel there is); *spent is what instantiation cost. */
wvm_status runner_instantiate(runner *r, uint64_t *spent, wvm_error *err);
void runner_instantiate_ok(runner *r);
wvm_func *runner_func(runner *r, const char *name);
/* Calls f with all the fuel there is (metered engines) or GLOBAL_BUDGET gas (the global
 * backend); *spent is what the call cost by r's counter. */
wvm_status runner_call_func(runner *r, wvm_func *f, const wvm_val *args, size_t nargs,
                            wvm_val *results, size_t nresults, uint64_t *spent, wvm_error *err);
/* Calls export name with i32 arguments and at most one i32 result. */
wvm_status runner_call(runner *r, const char *name, const int32_t *args, size_t nargs,
                       size_t nresults, int32_t *result, uint64_t *spent, wvm_error *err);
/* Calls export name(arg) -> i32, asserting that it completes; returns the result. */
int32_t runner_call_i32_ok(runner *r, const char *name, int32_t arg, uint64_t *spent);
/* Instruments wasm with opts (checked by instrument_ok) and loads the output into r. */
void runner_load_instrumented(runner *r, const uint8_t *wasm, size_t size,
                              const wvm_instrument_options *opts);
/* Opens a runner of kind for wasm: the output of wvm_instrument for the two backends and
 * PREMETERED, the module itself for NATIVE and ENGINE; loaded, not instantiated. */
void runner_open_module(runner *r, run_kind kind, const wvm_cost_model *model,
                        const uint8_t *wasm, size_t size);

/* ---- comparing runs ---- */

/* One call of an export, with i32 arguments and at most one i32 result. */
typedef struct {
    const char *name;
    uint32_t nargs;
    int32_t args[3];
    uint32_t nresults;      /* 0 or 1 */
    int32_t result;         /* when it completes */
    wvm_trap_code trap;     /* WVM_TRAP_NONE: it completes */
    uint64_t gas;           /* by hand: the native fuel minus the host entry; or GAS_ANY */
} icase;

#define GAS_ANY UINT64_MAX
/* start_gas of check_cases: no start function; a start function of unchecked gas */
#define NO_START UINT64_MAX
#define START_ANY (UINT64_MAX - 1)

/* Gas expectations of check_cases: the cases' own, or 0 for every call. */
typedef enum { GAS_FROM_CASES, GAS_ALL_ZERO } gas_rule;

/* Runs wasm under the model (a preset name or cost text) natively and as each kind of
 * `kinds`, calling the cases in order in every runner (each has its own store, so the calls
 * see the effects of the earlier ones). Every call must give the expected result or trap in
 * every runner; the native fuel minus the host entry must be the expected gas (checking the
 * hand computation against native metering); the backends must charge exactly that, the
 * two engines exactly the native fuel. start_gas is the start function's gas (NO_START: no
 * start function; START_ANY: not computed), compared the same way at instantiation. */
void check_cases(const uint8_t *wasm, size_t size, const char *model_spec, const icase *cases,
                 size_t ncases, unsigned kinds, uint64_t start_gas, gas_rule rule);

#endif
