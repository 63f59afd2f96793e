/* Internal interface of the spec-test harness (build/spectest-run).
 *
 * The harness runs wast2json output (a JSON command script plus the .wasm files beside it)
 * against the public API in include/wvm.h and the `spectest` host module. Its pieces:
 *   strbuf.c   growable text buffer used for reports
 *   values.c   JSON value <-> wvm_val: parsing, matching (NaN patterns), formatting
 *   expect.c   the expected-failures list and the per-file verdict
 *   runner.c   runs one JSON file in the current process and counts its assertions
 *   fuellog.c  the fuel log (one line per invocation, with metering) and the comparison of
 *              a native-mode log with a reference-mode one
 *   roundtrip.c --roundtrip: modules decoded and re-encoded by the loader before they run
 *   gas.c      --instrument: modules instrumented by wvm_instrument, their gas counted by
 *              the harness
 *   driver.c   command line, one child process per file (crash/timeout isolation,
 *              parallelism), per-file lines, summary and exit status
 *   main.c     main() only, so the unit tests can link everything else
 */
#ifndef WVM_SPEC_HARNESS_H
#define WVM_SPEC_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "wvm.h"

/* ---- strbuf.c ---- */

/* A NUL-terminated growable string. A zeroed strbuf is a valid empty buffer. If an
 * allocation fails the buffer keeps what it had and sets `oom` (reports are best effort). */
typedef struct strbuf {
    char *data; /* NULL or a NUL-terminated string of len bytes */
    size_t len;
    size_t cap; /* allocated bytes, >= len + 1 when data != NULL */
    bool oom;   /* an append was dropped for lack of memory */
} strbuf;

void strbuf_append(strbuf *sb, const char *text, size_t len);
void strbuf_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_free(strbuf *sb);
/* Never NULL. */
const char *strbuf_str(const strbuf *sb);

/* ---- values.c ---- */

/* How an expected value is compared with a result. */
typedef enum {
    SPEC_MATCH_EXACT,         /* same kind; numbers bit-identical, refs pointer-identical */
    SPEC_MATCH_NAN_CANONICAL, /* f32/f64 canonical NaN of either sign */
    SPEC_MATCH_NAN_ARITH,     /* f32/f64 NaN with the quiet bit set (any payload, sign) */
    SPEC_MATCH_NONNULL_REF,   /* funcref/externref that is not null (`ref.func`, `ref.extern`) */
} spec_match;

/* A value from the JSON script: an argument (always SPEC_MATCH_EXACT) or an expectation. */
typedef struct spec_value {
    spec_match match;
    wvm_val val; /* val.kind is always set; the payload only for SPEC_MATCH_EXACT */
} spec_value;

/* The host pointer standing for `ref.extern N` (N + 1, so that 0 is not null). */
void *spec_externref(uint64_t n);

/* Parses {"type": ..., "value": ...}. expectation allows NaN patterns and value-less
 * references. Returns false with a reason in why[0..why_len) on anything else (including
 * v128, which wvm does not support). */
bool spec_value_parse(const json_t *json, bool expectation, spec_value *out, char *why,
                      size_t why_len);
bool spec_value_matches(const spec_value *expected, const wvm_val *got);
/* "i32:4294967295", "f32:0x7fc00000 (nan)", "externref:3", "funcref:null", ... */
void spec_value_format(const wvm_val *val, char *buf, size_t len);
void spec_expected_format(const spec_value *expected, char *buf, size_t len);

/* The trap code a spec message stands for ("uninitialized element 2" matches by prefix).
 * Returns false for an unknown message. */
bool spec_trap_from_text(const char *text, wvm_trap_code *out);
/* "WVM_ERR_TRAP", ... */
const char *spec_status_name(wvm_status status);

/* ---- expect.c ---- */

/* The expected-failures list: names of .wast files with at least one failing assertion. */
typedef struct expect_list {
    char **names;  /* owned, no duplicates */
    size_t count;
    bool *seen;    /* seen[i]: names[i] was judged in this run */
} expect_list;

/* Parses the list text: one `name.wast` per line, `#` starts a comment, blank lines are
 * ignored. origin names the text in errors. Returns false with a message (with line number)
 * in why on a malformed entry or a duplicate; the list is then empty. */
bool expect_list_parse(expect_list *list, const char *text, const char *origin, char *why,
                       size_t why_len);
bool expect_list_load(expect_list *list, const char *path, char *why, size_t why_len);
void expect_list_free(expect_list *list);
bool expect_list_contains(const expect_list *list, const char *file_name);

typedef enum {
    EXPECT_PASS,                /* not listed, no failure */
    EXPECT_EXPECTED_FAILURE,    /* listed, at least one failure */
    EXPECT_UNEXPECTED_FAILURE,  /* not listed and failed, or the file could not run at all */
    EXPECT_UNEXPECTED_PASS,     /* listed but no failure: the line must be deleted */
} expect_verdict;

/* Judges one file and marks it seen. broken: the file could not be run to the end (bad
 * JSON, crash, timeout); that is never an expected failure. */
expect_verdict expect_judge(expect_list *list, const char *file_name, uint64_t failed,
                            bool broken);
/* True for verdicts that make the run fail. */
bool expect_verdict_is_error(expect_verdict verdict);

typedef struct spec_counts {
    uint64_t passed;
    uint64_t failed;
    uint64_t skipped;
} spec_counts;

/* ---- fuellog.c ---- */

/* The fuel log has one line per invocation that ran (an invoke action of any command, or the
 * instantiation of a module, whose start function, if any, ran), in command order:
 *     FILE.wast:LINE fuel=N [module] [trap=TRAP TEXT | error=WVM_ERR_...]
 * N is the fuel the invocation consumed (wvm_store_fuel_consumed after minus before);
 * `module` marks an instantiation; `trap=` (the rest of the line is wvm_trap_name) or
 * `error=` (a status name) marks one that did not return normally. */

/* Appends the line of one invocation. status and err are the call's; err is only read
 * when status is WVM_ERR_TRAP. */
void fuel_log_append(strbuf *log, const char *file_name, uint32_t line, bool module,
                     uint64_t fuel, wvm_status status, const wvm_error *err);

/* One parsed line. */
typedef struct fuel_entry {
    const char *key;      /* "FILE.wast:LINE" (not NUL-terminated: key_len bytes) */
    size_t key_len;
    bool module;          /* an instantiation */
    uint64_t fuel;
    const char *outcome;  /* NULL when it returned normally, else "trap=..."/"error=..." */
    size_t outcome_len;
} fuel_entry;

/* Parses one line (without its newline) of len bytes; the entry points into it. Returns
 * false when the line is not in the format above. */
bool fuel_log_parse_line(const char *line, size_t len, fuel_entry *out);

/* Compares a log written with --meter native against one written another way (same files,
 * same cost model): --meter reference, instrument or premetered, or --instrument. other_label
 * names the other mode in the report ("reference", "import", ...). Invocations are matched
 * by FILE.wast:LINE (and `module`), in order; an invocation that returned normally in both
 * logs passes when both consumed the same fuel; one that trapped (or failed) in both with
 * the same outcome is skipped (a trap in the middle of a metered block leaves the rest of
 * the block charged in native mode); anything else fails: different fuel, different
 * outcomes, an invocation in one log only, or a malformed line. Writes at most detail_limit
 * failures in detail, a summary and a last line "N passed, N failed, N skipped" to out.
 * Returns 0 when nothing failed and at least one invocation was compared, 1 when not, 2
 * when a log cannot be read (on err). */
int fuel_compare_files(const char *native_path, const char *other_path, const char *other_label,
                       size_t detail_limit, FILE *out, FILE *err);

/* ---- roundtrip.c ---- */

typedef enum {
    ROUNDTRIP_ENCODED,     /* *out holds the re-encoded module (malloc'd, the caller frees) */
    ROUNDTRIP_UNDECODABLE, /* loader_decode rejects the bytes: use them as they are */
    ROUNDTRIP_FAILED,      /* decoded, but encoding failed, the result did not decode again,
                            * or re-encoding it gave other bytes: the reason is in why */
} roundtrip_outcome;

/* Decodes bytes[0..len) with loader_decode and encodes the module with loader_encode, then
 * checks that decoding and encoding the result gives the same bytes again. *out is NULL
 * unless ROUNDTRIP_ENCODED. */
roundtrip_outcome roundtrip_module(const uint8_t *bytes, size_t len, uint8_t **out,
                                   size_t *out_len, char *why, size_t why_len);

/* ---- runner.c ---- */

/* The fuel every store gets when metering is on: far more than the whole suite uses, so no
 * spec command runs out. */
#define RUNNER_AMPLE_FUEL UINT64_C(1000000000000000)

/* --instrument: every module file is rewritten by wvm_instrument before it is compiled. */
typedef enum runner_instrument {
    RUNNER_INSTRUMENT_NONE = 0,
    RUNNER_INSTRUMENT_IMPORT, /* WVM_GAS_IMPORT: the module calls env.gas (param i64) */
    RUNNER_INSTRUMENT_GLOBAL, /* WVM_GAS_GLOBAL: the module exports its gas_left global */
} runner_instrument;

/* How runner_run_file runs a file. A zeroed struct is the unmetered run with no details. */
typedef struct runner_options {
    size_t detail_limit;              /* failures written to details (SIZE_MAX for all) */
    wvm_meter_mode metering;          /* the engine's; when on, the store gets
                                       * RUNNER_AMPLE_FUEL */
    const wvm_cost_model *cost_model; /* the engine's (NULL: its default); borrowed */
    bool fuel_log;                    /* write one line per invocation to result.fuel_log */
    bool roundtrip;                   /* load every module through roundtrip_module; a
                                       * ROUNDTRIP_FAILED counts as a failure (the original
                                       * bytes are then loaded) */
    runner_instrument instrument;     /* instrument every module (after the round trip) with
                                       * cost_model (NULL: default). With metering off the
                                       * harness counts the gas (gas.c): fuel logged = gas
                                       * charged + host entries. With WVM_METER_PREMETERED
                                       * (import backend) the engine binds env.gas to the
                                       * store's fuel. */
} runner_options;

/* The outcome of one file. */
typedef struct runner_result {
    spec_counts counts;
    bool broken;          /* the file could not be run to the end; counts are partial */
    strbuf details;       /* one line per reported failure, "  file.wast:LINE: ..." */
    uint64_t dropped;     /* failures counted but not written to details (limit reached) */
    strbuf fuel_log;      /* fuel log lines (runner_options.fuel_log), see fuellog.c */
} runner_result;

/* Where the runner publishes the command in progress and the counts so far (read by the
 * driver when a child process dies, to say where and keep the partial counts). */
typedef struct runner_progress {
    volatile uint32_t line;
    volatile uint64_t passed, failed, skipped;
} runner_progress;

/* "dir/i32.json" -> "i32.wast" into buf. */
void runner_file_name(const char *json_path, char *buf, size_t len);

/* Runs every command of json_path in one fresh engine + store configured by opts.
 * progress may be NULL. Never aborts; *out must be zeroed by the caller and is released
 * with runner_result_free. */
void runner_run_file(const char *json_path, const runner_options *opts,
                     runner_progress *progress, runner_result *out);
void runner_result_free(runner_result *result);

/* ---- gas.c ---- */

/* "none", "import", "global". */
const char *runner_instrument_name(runner_instrument backend);

/* wvm_instrument with the backend (IMPORT or GLOBAL), the model, and the gas global starting
 * at RUNNER_AMPLE_FUEL; the result as wvm_instrument's. */
wvm_status gas_instrument(const uint8_t *bytes, size_t len, runner_instrument backend,
                          const wvm_cost_model *model, uint8_t **out, size_t *out_len,
                          wvm_error *err);


#define GAS_HOST_FUNCS_MAX 16

/* The gas charged by instrumented modules in one store (zeroed = nothing charged yet). */
typedef struct gas_meter {
    uint64_t imported;     /* charged through env.gas, at most RUNNER_AMPLE_FUEL */
    wvm_global **globals;  /* owned array: gas_left of every instance of the global backend */
    size_t nglobals;
    wvm_func *host_funcs[GAS_HOST_FUNCS_MAX]; /* env.gas and the spectest functions */
    size_t nhost;
} gas_meter;

/* Defines env.gas in linker (a host function of store charging to m; m must stay where it
 * is while the store lives) and finds the spectest functions (spectest_define must have run)
 * with a probe module compiled by engine, which must not meter. */
wvm_status gas_meter_define(gas_meter *m, wvm_engine *engine, wvm_linker *linker,
                            wvm_store *store, wvm_error *err);
/* Adds the instance's gas_left global to the sum. False with a reason when it has none (or
 * out of memory). */
bool gas_meter_track(gas_meter *m, wvm_instance *instance, char *why, size_t why_len);
/* The gas charged so far: env.gas's sum plus RUNNER_AMPLE_FUEL - gas_left over the tracked
 * instances. The difference of two readings is the gas of what ran between them. */
uint64_t gas_meter_total(const gas_meter *m);
/* True for env.gas and the spectest functions: calling them from the host runs no Wasm. */
bool gas_meter_is_host(const gas_meter *m, const wvm_func *func);
void gas_meter_free(gas_meter *m);

/* ---- driver.c ---- */

/* The whole program: argv as for main; reports go to out, usage errors to err.
 * Returns 0 when every file met expectations, 1 when not, 2 on a usage error. */
int harness_main(int argc, char **argv, FILE *out, FILE *err);

#endif
