/* The calls of the Criterion suite `instrument` shared by several of its files, with their
 * gas computed by hand, and the corpus of every module with its cases: defined in
 * tests/instrument_cases.c, where each table's computation is. The array sizes are the
 * tables' (COUNT() needs them here); the compiler checks them against the definitions. */
#ifndef WVM_TESTS_INSTRUMENT_CASES_H
#define WVM_TESTS_INSTRUMENT_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "wvm.h"

#include "instrument_support.h"

/* Calls of one or two i32 arguments with an i32 result, completing or trapping; calls of
 * three i32 arguments without results (dyn, dyn_edge), completing or trapping. */
#define OK1(name, a0, res, gas) {name, 1, {a0}, 1, res, WVM_TRAP_NONE, gas}
#define OK2(name, a0, a1, res, gas) {name, 2, {a0, a1}, 1, res, WVM_TRAP_NONE, gas}
#define TRAP2(name, a0, a1, trap, gas) {name, 2, {a0, a1}, 1, 0, trap, gas}
#define CALL3(name, a0, a1, a2, gas) {name, 3, {a0, a1, a2}, 0, 0, WVM_TRAP_NONE, gas}
#define OOB3(name, a0, a1, a2, trap, gas) {name, 3, {a0, a1, a2}, 0, 0, trap, gas}
#define MEM_OOB WVM_TRAP_MEMORY_OUT_OF_BOUNDS
#define TAB_OOB WVM_TRAP_TABLE_OUT_OF_BOUNDS

/* shift_start's start function under `default`: entry + i32.const, call, global.set = 4. */
#define SHIFT_START_GAS 4

/* The module of cases_fuel_ops_*, read from the project root. */
#define FUEL_OPS_PATH "tests/data/fuel_ops.wasm"

/* The largest per-page cost accepted, 2^32 - 1 (MODEL_BIG_DYNAMIC's grow_page). */
#define BIG_PAGE UINT64_C(4294967295)

/* The modules' calls under `default` (unless named otherwise). */
extern const icase cases_shift_call[2];
extern const icase cases_shift_reffunc[1];
extern const icase cases_shift_export[2];
extern const icase cases_shift_elem_funcs[9];
extern const icase cases_shift_elem_exprs[12];
extern const icase cases_shift_global[1];
extern const icase cases_shift_names[2];
extern const icase cases_shift_call_indirect[6];
extern const icase cases_shift_mixed_imports[1];
extern const icase cases_shift_many[6];
extern const icase cases_gas_ops_default[12];
extern const icase cases_gas_ops_uniform[12];
extern const icase cases_fuel_ops_default[31];
extern const icase cases_fuel_ops_uniform[31];
extern const icase cases_dyn_bulk[17];
extern const icase cases_dyn_oob[12];
extern const icase cases_dyn_dropped[11];
extern const icase cases_dyn_grow[12];
extern const icase cases_dyn_edge[33];
/* dyn under MODEL_BIG_DYNAMIC; the largest growth alone (fresh stores), since it nearly
 * fills a 64-bit fuel counter. */
extern const icase cases_dyn_big[13];
extern const icase cases_dyn_big_grow_max[1];

/* Every module with its cases under `default`, for the tests that run them all. */
typedef struct {
    const char *name;
    const uint8_t *wasm;
    size_t size;
    const icase *cases;
    size_t ncases;
    uint64_t start_gas;
} corpus_entry;

extern const corpus_entry corpus[18];

/* Runs every corpus entry under `default` as the given kinds. */
void check_corpus(unsigned kinds);

#endif
