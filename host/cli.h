/* The wvm command-line interface.
 *
 * cli.c      option parsing, argument-value parsing by type, result and error formatting,
 *            usage text. Pure: it uses only types from include/wvm.h, never a runtime
 *            function, so it links (and is unit-tested) without the runtime.
 * cli_run.c  the commands `run` and `validate`, and the helpers every command shares (reading
 *            a file, loading a cost model, reporting an error), against the public API only.
 * cli_instrument.c  the command `instrument` (wvm_instrument), likewise.
 * main.c     main(): parses argv and dispatches.
 *
 * Exit codes: 0 success, 1 the program trapped, 2 any other error (usage, I/O, malformed,
 * invalid or unlinkable module, bad arguments).
 */
#ifndef WVM_HOST_CLI_H
#define WVM_HOST_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wvm.h"

#define CLI_VERSION "0.1.0"

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_TRAP = 1,
    CLI_EXIT_ERROR = 2,
};

typedef enum {
    CLI_CMD_NONE = 0,
    CLI_CMD_HELP,
    CLI_CMD_VERSION,
    CLI_CMD_RUN,
    CLI_CMD_VALIDATE,
    CLI_CMD_INSTRUMENT,
} cli_command;

/* The parsed command line. Strings are borrowed from argv. */
typedef struct cli_options {
    cli_command command;
    const char *file;        /* the module path (run, validate, instrument); NULL otherwise */
    const char *invoke;      /* run: the export named by --invoke, or NULL */
    char *const *args;       /* run: the ARG strings following --invoke NAME */
    int nargs;               /* number of entries in args (0 when there is no --invoke) */
    /* Fuel (run). metering is WVM_METER_OFF unless --fuel was given; --fuel alone means
     * WVM_METER_NATIVE (switched to WVM_METER_PREMETERED by `wvm run` when the module
     * imports a gas function, see meter_given). --meter, --cost-model and --report-fuel are
     * rejected without --fuel, so when metering is off they keep their zero values. */
    wvm_meter_mode metering; /* --meter (native, reference, instrument, premetered) */
    bool meter_given;        /* --meter was given: the mode is the user's, never switched */
    uint64_t fuel;           /* --fuel N: the store's initial fuel */
    /* run (with --fuel) and instrument: "default", "uniform" or a file; NULL = default */
    const char *cost_model;
    bool report_fuel;        /* --report-fuel: print consumed/remaining fuel after the run */
    /* Instrumentation (instrument). --gas-import and --gas-global are rejected with the other
     * backend, --gas-limit with the import backend, so unused fields keep their zero values. */
    const char *output;      /* -o OUT: the instrumented module's path (required) */
    wvm_gas_backend backend; /* --backend import (the default) or global */
    /* --gas-import MODULE.NAME split at its first '.': the module name is the gas_module_len
     * bytes at gas_module (not NUL-terminated), the function name gas_name; NULL when not
     * given (the default env.gas). */
    const char *gas_module;
    size_t gas_module_len;
    const char *gas_name;
    const char *gas_global;  /* --gas-global NAME: the global's export name, or NULL */
    uint64_t gas_limit;      /* --gas-limit N: the global's initial value (0 when not given) */
} cli_options;

/* Outcome of parsing one value or the command line. */
typedef enum {
    CLI_PARSE_OK = 0,
    CLI_PARSE_SYNTAX, /* not a value of the requested type / not a valid command line */
    CLI_PARSE_RANGE,  /* well-formed but out of the type's range */
} cli_parse_status;

/* Parses the whole command line (argv[0] is the program name). Options may come before or
 * after FILE, until --invoke NAME (every later entry is an ARG); "--" makes every later entry
 * an operand. An option given twice, a bad option value (--fuel, --meter, --backend,
 * --gas-import, --gas-limit...), an option whose prerequisite is missing (--meter,
 * --cost-model, --report-fuel without --fuel; instrument without -o) and an option of the
 * other gas backend are errors. On failure returns CLI_PARSE_SYNTAX and writes a one-line
 * reason (without "error: ") into msg, e.g. "--fuel: '1.25e1' is not a whole number". */
cli_parse_status cli_parse_options(int argc, char *const *argv, cli_options *opts, char *msg,
                                   size_t msg_size);

/* The name of the option of command that arg spells ("--fuel" for "--fuel" or "--fuel=9"),
 * or NULL. `wvm run` uses it to explain an option misplaced after --invoke NAME, where it is
 * an argument of the function. */
const char *cli_option_name(cli_command command, const char *arg);

/* The synopsis (printed on stderr after a usage error). */
void cli_print_usage(FILE *f);
/* The full help text (--help, on stdout). */
void cli_print_help(FILE *f);

/* ---- values ---- */

/* Outcome of cli_parse_fuel, one per diagnostic. */
typedef enum {
    CLI_FUEL_OK = 0,
    CLI_FUEL_SYNTAX,   /* not a number of the grammar below */
    CLI_FUEL_FRACTION, /* a number, but not a whole one: 1.5, 1e-3, 1.25e1 */
    CLI_FUEL_NEGATIVE, /* '-' and a nonzero number */
    CLI_FUEL_SIGN,     /* '+' and a number, or '-' and zero: the grammar has no sign */
    CLI_FUEL_RANGE,    /* a whole number above UINT64_MAX */
} cli_fuel_status;

/* A fuel amount: DIGITS ['.' DIGITS] [('e' | 'E') ['+' | '-'] DIGITS], where DIGITS is
 * decimal digits with single underscores allowed between two digits (1_000_000), whose exact
 * value is a whole number from 0 to UINT64_MAX: 1e9, 1.5e6, 2.50e1, 0e99 and 100e-2 are
 * whole, 1.25e1 and 1e-3 are not. The value is computed exactly with integer arithmetic (no
 * rounding through double). On failure *out is untouched; a '+' or '-' sign in front of an
 * otherwise valid number gives CLI_FUEL_SIGN or CLI_FUEL_NEGATIVE rather than SYNTAX. */
cli_fuel_status cli_parse_fuel(const char *s, uint64_t *out);

/* Writes the diagnostic for status and input s (without "error: " or the option name), e.g.
 * "'1.25e1' is not a whole number". */
void cli_fuel_message(cli_fuel_status status, const char *s, char *msg, size_t msg_size);

/* Integers: an optional '-' or '+', then decimal digits or 0x/0X and hex digits; nothing
 * else (no spaces, no underscores). i32 accepts -2147483648..4294967295 (values above
 * INT32_MAX wrap to their two's complement bit pattern), i64 -2^63..2^64-1 likewise. */
cli_parse_status cli_parse_i32(const char *s, int32_t *out);
cli_parse_status cli_parse_i64(const char *s, int64_t *out);

/* Floats, as raw bits: anything strtof/strtod consumes entirely (decimal, scientific, hex
 * floats, inf, infinity) except leading spaces, plus nan, nan:0x<payload> (payload nonzero
 * and fitting the significand), each optionally signed. Plain "nan" is the canonical NaN.
 * A finite literal that rounds to infinity is CLI_PARSE_RANGE. */
cli_parse_status cli_parse_f32(const char *s, uint32_t *bits);
cli_parse_status cli_parse_f64(const char *s, uint64_t *bits);

/* Parses s as a value of the given kind into out (kind set). Reference kinds accept only
 * "null". On failure writes a reason such as "invalid i32 'abc'" into msg. */
cli_parse_status cli_parse_value(wvm_valkind kind, const char *s, wvm_val *out, char *msg,
                                 size_t msg_size);

/* "i32", "i64", "f32", "f64", "funcref", "externref" ("?" for anything else). */
const char *cli_kind_name(wvm_valkind kind);

/* Formats a value for output: integers as signed decimal, floats with enough digits to
 * round-trip ("%.9g" / "%.17g"), NaN and infinities as nan, -nan, inf, -inf, references as
 * null or ref. */
void cli_format_value(const wvm_val *v, char *buf, size_t size);

/* Formats a function type as "[i32 i64] -> [f32]". Truncated output ends in "...". */
void cli_format_signature(const wvm_valkind *params, uint32_t nparams,
                          const wvm_valkind *results, uint32_t nresults, char *buf,
                          size_t size);

/* Formats an error report (without the "error: " prefix). A trap is "trap: <message>" as
 * is (the runtime's trap message already names the function and offset). Otherwise
 * with_offset (for load errors) appends " at offset 0x<hex>" and a function index other
 * than WVM_NO_FUNC appends " in function <n>", each unless the message already contains
 * that phrase. An empty message is replaced by a description of the status. */
void cli_format_error(const wvm_error *err, bool with_offset, char *buf, size_t size);

/* ---- commands (cli_run.c; need the runtime) ---- */

/* `wvm run`: returns the exit code; results go to out, diagnostics to errf. With --fuel the
 * engine meters (opts->metering, opts->cost_model loaded by name or from its file) and the
 * store starts with opts->fuel; without --meter, a module that imports a gas function
 * (wvm_module_gas_import) runs with WVM_METER_PREMETERED instead of WVM_METER_NATIVE. With
 * --report-fuel the fuel line is the last line on errf whenever a store was created (after
 * any trap or argument error). When the module's gas import is what could not be linked, or
 * the explicit mode does not fit the module, a "note:" line after the error says which mode
 * does. */
int cli_cmd_run(const cli_options *opts, FILE *out, FILE *errf);
/* `wvm validate`: prints nothing on success. */
int cli_cmd_validate(const cli_options *opts, FILE *out, FILE *errf);
/* `wvm instrument` (cli_instrument.c): instruments opts->file with wvm_instrument and writes
 * the result to opts->output through a temporary file in the same directory, renamed over
 * it only once complete (a failed run leaves no partial OUT). Prints nothing on success. */
int cli_cmd_instrument(const cli_options *opts, FILE *out, FILE *errf);

/* ---- helpers shared by the commands (cli_run.c) ---- */

/* Reads the whole file into a malloc'ed buffer (never NULL on success, even when empty).
 * On failure prints "error: cannot read PATH: <strerror>" and returns false. */
bool cli_read_file(const char *path, uint8_t **out, size_t *out_size, FILE *errf);
/* Clears err: no message, no function index. */
void cli_error_init(wvm_error *err);
/* Prints err as "error: ..." (with_offset as in cli_format_error), and for a trap its
 * backtrace; returns the exit code for it (1 for a trap, else 2). */
int cli_report(const wvm_error *err, bool with_offset, FILE *errf);
/* Loads the cost model named by --cost-model into *out: NULL gives NULL (the default
 * preset), "default" and "uniform" a copy of that preset, anything else a cost file. On
 * failure prints "error: --cost-model: ..." (naming the file) and returns false. The caller
 * frees *out with wvm_cost_model_delete. */
bool cli_load_cost_model(const char *name, wvm_cost_model **out, FILE *errf);

#endif
