/* The wvm command-line interface.
 *
 * cli.c      option parsing, argument-value parsing by type, result and error formatting,
 *            usage text. Pure: it uses only types from include/wvm.h, never a runtime
 *            function, so it links (and is unit-tested) without the runtime.
 * cli_run.c  the commands (`run`, `validate`), written against the public API only.
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
} cli_command;

/* The parsed command line. Strings are borrowed from argv. */
typedef struct cli_options {
    cli_command command;
    const char *file;        /* the module path (run, validate); NULL otherwise */
    const char *invoke;      /* run: the export named by --invoke, or NULL */
    char *const *args;       /* run: the ARG strings following --invoke NAME */
    int nargs;               /* number of entries in args (0 when there is no --invoke) */
    /* Later options (--fuel, --cost-model, --report-fuel, --meter) add their fields here and
     * one row each to the option table in cli.c. */
} cli_options;

/* Outcome of parsing one value or the command line. */
typedef enum {
    CLI_PARSE_OK = 0,
    CLI_PARSE_SYNTAX, /* not a value of the requested type / not a valid command line */
    CLI_PARSE_RANGE,  /* well-formed but out of the type's range */
} cli_parse_status;

/* Parses the whole command line (argv[0] is the program name). On failure returns
 * CLI_PARSE_SYNTAX and writes a one-line reason (without "error: ") into msg. */
cli_parse_status cli_parse_options(int argc, char *const *argv, cli_options *opts, char *msg,
                                   size_t msg_size);

/* The synopsis (printed on stderr after a usage error). */
void cli_print_usage(FILE *f);
/* The full help text (--help, on stdout). */
void cli_print_help(FILE *f);

/* ---- values ---- */

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

/* `wvm run`: returns the exit code; results go to out, diagnostics to errf. */
int cli_cmd_run(const cli_options *opts, FILE *out, FILE *errf);
/* `wvm validate`: prints nothing on success. */
int cli_cmd_validate(const cli_options *opts, FILE *out, FILE *errf);

#endif
