/* The runtime-free half of the CLI: command-line and argument-value parsing, value, signature
 * and error formatting, usage text. See cli.h. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- command line ---- */

#define CLI_CMD_BIT(c) (1u << (c))

/* One option of some commands. Adding an option = a field in cli_options, a row here and an
 * apply function. An option spelled the same by two commands with different rules (such as
 * --cost-model, which needs --fuel only in run) has a row per rule: a command sees only the
 * rows whose commands include it. */
typedef struct cli_option_def {
    const char *name;      /* "--invoke", or a one-letter "-o" (which has no "-o=VALUE" form) */
    unsigned commands;     /* CLI_CMD_BIT mask of the commands that accept it */
    bool takes_value;      /* "--name VALUE" or "--name=VALUE" */
    bool ends_options;     /* the argv entries after its value are the function's arguments,
                            * up to the first one that spells another option of the command
                            * (so `--invoke fib 46 --report-fuel` works) */
    const char *requires;  /* another option that must also be given, or NULL */
    /* Stores the option in opts; returns false with a reason in msg for a bad value. */
    bool (*apply)(cli_options *opts, const char *value, char *msg, size_t msg_size);
} cli_option_def;

static bool cli_opt_help(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    (void)value, (void)msg, (void)msg_size;
    opts->command = CLI_CMD_HELP;
    return true;
}

static bool cli_opt_invoke(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    if (value[0] == '\0') {
        snprintf(msg, msg_size, "--invoke needs a function name");
        return false;
    }
    opts->invoke = value;
    return true;
}

/* Parses an amount for option (--fuel, --gas-limit) into *out, or writes the reason. */
static bool cli_parse_amount(const char *option, const char *value, uint64_t *out, char *msg,
                             size_t msg_size)
{
    cli_fuel_status st = cli_parse_fuel(value, out);
    if (st == CLI_FUEL_OK)
        return true;
    char reason[192];
    cli_fuel_message(st, value, reason, sizeof reason);
    snprintf(msg, msg_size, "%s: %s", option, reason);
    return false;
}

/* --fuel turns metering on; it keeps a mode already chosen by an earlier --meter. */
static bool cli_opt_fuel(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    if (!cli_parse_amount("--fuel", value, &opts->fuel, msg, msg_size))
        return false;
    if (opts->metering == WVM_METER_OFF)
        opts->metering = WVM_METER_NATIVE;
    return true;
}

/* --meter sets the mode in either order with --fuel ("requires" rejects it alone). */
static bool cli_opt_meter(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    static const struct {
        const char *name;
        wvm_meter_mode mode;
    } modes[] = {
        {"native", WVM_METER_NATIVE},
        {"reference", WVM_METER_REFERENCE},
        {"instrument", WVM_METER_INSTRUMENT},
        {"premetered", WVM_METER_PREMETERED},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(value, modes[i].name) == 0) {
            opts->metering = modes[i].mode;
            opts->meter_given = true;
            return true;
        }
    }
    snprintf(msg, msg_size,
             "--meter: unknown mode '%.64s' (expected native, reference, instrument or "
             "premetered)",
             value);
    return false;
}

static bool cli_opt_cost_model(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    if (value[0] == '\0') {
        snprintf(msg, msg_size, "--cost-model needs default, uniform or a file name");
        return false;
    }
    opts->cost_model = value;
    return true;
}

static bool cli_opt_report_fuel(cli_options *opts, const char *value, char *msg,
                                size_t msg_size)
{
    (void)value, (void)msg, (void)msg_size;
    opts->report_fuel = true;
    return true;
}

static bool cli_opt_output(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    if (value[0] == '\0') {
        snprintf(msg, msg_size, "-o needs a file name");
        return false;
    }
    opts->output = value;
    return true;
}

static bool cli_opt_backend(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    if (strcmp(value, "import") == 0) {
        opts->backend = WVM_GAS_IMPORT;
    } else if (strcmp(value, "global") == 0) {
        opts->backend = WVM_GAS_GLOBAL;
    } else {
        snprintf(msg, msg_size, "--backend: unknown backend '%.64s' (expected import or global)",
                 value);
        return false;
    }
    return true;
}

/* MODULE.NAME, split at the first '.': the module name cannot contain one, the function
 * name can. */
static bool cli_opt_gas_import(cli_options *opts, const char *value, char *msg,
                               size_t msg_size)
{
    const char *dot = strchr(value, '.');
    const char *problem = NULL;
    if (!dot)
        problem = "has no '.' between the module and the function name";
    else if (dot == value)
        problem = "has an empty module name";
    else if (dot[1] == '\0')
        problem = "has an empty function name";
    if (problem) {
        snprintf(msg, msg_size, "--gas-import: '%.64s' %s (expected MODULE.NAME, e.g. env.gas)",
                 value, problem);
        return false;
    }
    opts->gas_module = value;
    opts->gas_module_len = (size_t)(dot - value);
    opts->gas_name = dot + 1;
    return true;
}

static bool cli_opt_gas_global(cli_options *opts, const char *value, char *msg,
                               size_t msg_size)
{
    if (value[0] == '\0') {
        snprintf(msg, msg_size, "--gas-global needs a name");
        return false;
    }
    opts->gas_global = value;
    return true;
}

static bool cli_opt_gas_limit(cli_options *opts, const char *value, char *msg, size_t msg_size)
{
    return cli_parse_amount("--gas-limit", value, &opts->gas_limit, msg, msg_size);
}

#define CLI_RUN CLI_CMD_BIT(CLI_CMD_RUN)
#define CLI_INSTRUMENT CLI_CMD_BIT(CLI_CMD_INSTRUMENT)
#define CLI_ALL (CLI_RUN | CLI_CMD_BIT(CLI_CMD_VALIDATE) | CLI_INSTRUMENT)

static const cli_option_def cli_option_table[] = {
    {"--help", CLI_ALL, false, false, NULL, cli_opt_help},
    {"--invoke", CLI_RUN, true, true, NULL, cli_opt_invoke},
    {"--fuel", CLI_RUN, true, false, NULL, cli_opt_fuel},
    {"--meter", CLI_RUN, true, false, "--fuel", cli_opt_meter},
    {"--cost-model", CLI_RUN, true, false, "--fuel", cli_opt_cost_model},
    {"--report-fuel", CLI_RUN, false, false, "--fuel", cli_opt_report_fuel},
    {"-o", CLI_INSTRUMENT, true, false, NULL, cli_opt_output},
    {"--cost-model", CLI_INSTRUMENT, true, false, NULL, cli_opt_cost_model},
    {"--backend", CLI_INSTRUMENT, true, false, NULL, cli_opt_backend},
    {"--gas-import", CLI_INSTRUMENT, true, false, NULL, cli_opt_gas_import},
    {"--gas-global", CLI_INSTRUMENT, true, false, NULL, cli_opt_gas_global},
    {"--gas-limit", CLI_INSTRUMENT, true, false, NULL, cli_opt_gas_limit},
};

#define CLI_NOPTIONS (sizeof cli_option_table / sizeof cli_option_table[0])

/* The row of command's option that arg spells ("--fuel", "--fuel=9"), or NULL; *inline_value
 * is the text after '=' in the second form. */
static const cli_option_def *cli_find_option(cli_command command, const char *arg,
                                             const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < CLI_NOPTIONS; i++) {
        const cli_option_def *def = &cli_option_table[i];
        if (!(def->commands & CLI_CMD_BIT(command)))
            continue;
        size_t len = strlen(def->name);
        if (strncmp(arg, def->name, len) != 0)
            continue;
        if (arg[len] == '\0')
            return def;
        if (arg[len] == '=' && def->takes_value && def->name[1] == '-') {
            *inline_value = arg + len + 1;
            return def;
        }
    }
    return NULL;
}

const char *cli_option_name(cli_command command, const char *arg)
{
    const char *value;
    const cli_option_def *def = cli_find_option(command, arg, &value);
    return def ? def->name : NULL;
}

static const struct {
    const char *name;
    cli_command command;
} cli_command_table[] = {
    {"run", CLI_CMD_RUN},
    {"validate", CLI_CMD_VALIDATE},
    {"instrument", CLI_CMD_INSTRUMENT},
};

/* Whether arg, met among a function's arguments, is rather an option of command given after
 * them: it must spell one exactly ("--report-fuel", "--fuel" or "--fuel=..."); --help is
 * not one. Numeric arguments never start with "--", so no argument a function could take is
 * lost. */
static bool cli_is_trailing_option(cli_command command, const char *arg)
{
    if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "--help") == 0)
        return false;
    const char *value;
    const cli_option_def *def = cli_find_option(command, arg, &value);
    return def && !def->ends_options;
}

/* Whether command's option `name` was given (seen is indexed like cli_option_table). */
static bool cli_given(const bool *seen, cli_command command, const char *name)
{
    const char *ignored;
    const cli_option_def *def = cli_find_option(command, name, &ignored);
    return def && seen[def - cli_option_table];
}

/* The rules of `instrument` between options: -o is required, and each backend's options
 * are errors with the other backend (they would be silently ignored). */
static bool cli_check_instrument(const cli_options *opts, const bool *seen, char *msg,
                                 size_t msg_size)
{
    cli_command c = CLI_CMD_INSTRUMENT;
    if (!opts->output) {
        snprintf(msg, msg_size, "missing -o OUT.wasm (the instrumented module's path)");
        return false;
    }
    if (opts->backend == WVM_GAS_IMPORT) {
        const char *global_only = cli_given(seen, c, "--gas-global")  ? "--gas-global"
                                  : cli_given(seen, c, "--gas-limit") ? "--gas-limit"
                                                                      : NULL;
        if (global_only) {
            snprintf(msg, msg_size,
                     "%s needs --backend global (the import backend has no gas global)",
                     global_only);
            return false;
        }
    } else if (cli_given(seen, c, "--gas-import")) {
        snprintf(msg, msg_size,
                 "--gas-import needs --backend import (the global backend imports nothing)");
        return false;
    }
    return true;
}

cli_parse_status cli_parse_options(int argc, char *const *argv, cli_options *opts, char *msg,
                                   size_t msg_size)
{
    memset(opts, 0, sizeof *opts);
    if (argc < 2) {
        snprintf(msg, msg_size, "missing command");
        return CLI_PARSE_SYNTAX;
    }
    const char *first = argv[1];
    bool help = strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0;
    if (help || strcmp(first, "--version") == 0) {
        if (argc > 2) {
            snprintf(msg, msg_size, "unexpected argument '%s'", argv[2]);
            return CLI_PARSE_SYNTAX;
        }
        opts->command = help ? CLI_CMD_HELP : CLI_CMD_VERSION;
        return CLI_PARSE_OK;
    }
    for (size_t i = 0; i < sizeof cli_command_table / sizeof cli_command_table[0]; i++)
        if (strcmp(first, cli_command_table[i].name) == 0)
            opts->command = cli_command_table[i].command;
    if (opts->command == CLI_CMD_NONE) {
        snprintf(msg, msg_size, first[0] == '-' ? "unknown option '%s'" : "unknown command '%s'",
                 first);
        return CLI_PARSE_SYNTAX;
    }

    cli_command command = opts->command;
    bool options_done = false; /* after "--" every argument is an operand */
    bool seen[CLI_NOPTIONS] = {false};
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "--") == 0) {
                options_done = true;
                continue;
            }
            const char *value;
            const cli_option_def *def = cli_find_option(command, arg, &value);
            if (!def) {
                snprintf(msg, msg_size, "unknown option '%s'", arg);
                return CLI_PARSE_SYNTAX;
            }
            /* A repeated option is an error rather than a silent override. */
            if (seen[def - cli_option_table]) {
                snprintf(msg, msg_size, "option %s given more than once", def->name);
                return CLI_PARSE_SYNTAX;
            }
            seen[def - cli_option_table] = true;
            if (def->takes_value && !value) {
                if (i + 1 >= argc) {
                    snprintf(msg, msg_size, "option %s needs a value", def->name);
                    return CLI_PARSE_SYNTAX;
                }
                value = argv[++i];
            }
            if (!def->apply(opts, value, msg, msg_size))
                return CLI_PARSE_SYNTAX;
            if (opts->command == CLI_CMD_HELP)
                return CLI_PARSE_OK;
            if (def->ends_options) {
                int first_arg = i + 1, end = first_arg;
                while (end < argc && !cli_is_trailing_option(command, argv[end]))
                    end++;
                opts->args = argv + first_arg;
                opts->nargs = end - first_arg;
                i = end - 1;
            }
            continue;
        }
        if (opts->file) {
            snprintf(msg, msg_size, "unexpected argument '%s'", arg);
            return CLI_PARSE_SYNTAX;
        }
        opts->file = arg;
    }
    if (!opts->file) {
        snprintf(msg, msg_size, "missing FILE operand");
        return CLI_PARSE_SYNTAX;
    }
    /* Options that would silently do nothing without another one are errors. */
    for (size_t i = 0; i < CLI_NOPTIONS; i++) {
        const char *needed = cli_option_table[i].requires;
        if (seen[i] && needed && !cli_given(seen, command, needed)) {
            snprintf(msg, msg_size, "%s needs %s", cli_option_table[i].name, needed);
            return CLI_PARSE_SYNTAX;
        }
    }
    if (command == CLI_CMD_INSTRUMENT && !cli_check_instrument(opts, seen, msg, msg_size))
        return CLI_PARSE_SYNTAX;
    return CLI_PARSE_OK;
}

#define CLI_SYNOPSIS                                                                            \
    "usage: wvm run [OPTION...] FILE.wasm [OPTION...] [--invoke NAME [ARG...] [OPTION...]]\n"  \
    "       wvm validate FILE.wasm\n"                                                          \
    "       wvm instrument [OPTION...] FILE.wasm -o OUT.wasm [OPTION...]\n"                    \
    "       wvm --help | --version\n"

void cli_print_usage(FILE *f)
{
    fputs(CLI_SYNOPSIS "run 'wvm --help' for details\n", f);
}

void cli_print_help(FILE *f)
{
    fputs(CLI_SYNOPSIS
          "\n"
          "commands:\n"
          "  run         instantiate FILE (running its start function); then call NAME with\n"
          "              the ARGs, or `_start` if the module exports it, and print the results\n"
          "  validate    check that FILE is a valid module; prints nothing when it is\n"
          "  instrument  write to OUT a copy of FILE that meters itself: it charges the gas of\n"
          "              each metered block through an imported function or an exported\n"
          "              global, so that it can run metered on any engine. A call from the\n"
          "              host charges wvm's native fuel less the model's host entry charge\n"
          "              (2 under default, 0 under uniform; docs/instrument.md)\n"
          "\n"
          "run options (before or after FILE, or after the ARGs; each at most once;\n"
          "--opt=VALUE also works):\n"
          "  --invoke NAME [ARG...]  call export NAME with the ARGs (up to the next option)\n"
          "  --fuel N            meter execution, starting with N fuel; running out is a trap\n"
          "                      (exit 1). N is a whole number from 0 to 2^64-1, written\n"
          "                      1000000, 1_000_000, 1e9 or 1.5e6. A module that imports a\n"
          "                      gas function (env.gas or metering.usegas, as `wvm instrument`\n"
          "                      writes) runs pre-metered, unless --meter says otherwise\n"
          "  --meter MODE        with --fuel: native (the default) charges per block;\n"
          "                      reference charges operator by operator (slow, for checking);\n"
          "                      instrument charges through code injected at load time;\n"
          "                      premetered charges what the module's own gas import is called\n"
          "                      with (the module must import one), plus the cost model's\n"
          "                      host entry charge for each call from the host\n"
          "  --cost-model MODEL  with --fuel: default (the default), uniform, or a cost file\n"
          "                      (docs/cost-model.md; write ./default for a file so named)\n"
          "  --report-fuel       with --fuel: print \"fuel consumed: X, remaining: Y\" on\n"
          "                      stderr after the run, also when it trapped\n"
          "\n"
          "instrument options (before or after FILE; each at most once; --opt=VALUE also\n"
          "works, but not -o=OUT):\n"
          "  -o OUT              write the instrumented module to OUT (required)\n"
          "  --cost-model MODEL  the gas of each operator: default (the default), uniform or a\n"
          "                      cost file, as for run\n"
          "  --backend KIND      import (the default): call an imported (func (param i64))\n"
          "                      with each charge; global: subtract each charge from an\n"
          "                      exported mutable i64 global, and trap with `unreachable`,\n"
          "                      setting it to 2^64-1, when a charge exceeds what is left\n"
          "  --gas-import MODULE.NAME  import backend: the gas function's import (env.gas);\n"
          "                      split at the first '.'\n"
          "  --gas-global NAME   global backend: the global's export name (gas_left)\n"
          "  --gas-limit N       global backend: the global's initial value (0), written as\n"
          "                      for --fuel\n"
          "\n"
          "arguments are parsed by the function's parameter types:\n"
          "  i32, i64   decimal or 0x-hex, optionally negative (unsigned values up to 2^N-1\n"
          "             are accepted and wrap)\n"
          "  f32, f64   decimal, scientific or hex float, inf, -inf, nan, nan:0xPAYLOAD\n"
          "  funcref, externref   null\n"
          "\n"
          "exit status: 0 success, 1 trap (including out of fuel), 2 any other error\n",
          f);
}

/* ---- fuel amounts ---- */

static bool cli_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Scans DIGITS at *p: decimal digits, an underscore allowed only between two digits. Sets
 * [*begin, *end) to the span (digits and underscores) and advances *p past it. An underscore
 * not followed by a digit is left at *p, where the caller's grammar rejects it. */
static bool cli_scan_digits(const char **p, const char **begin, const char **end)
{
    const char *s = *p;
    if (!cli_is_digit(*s))
        return false;
    *begin = s;
    for (;;) {
        while (cli_is_digit(*s))
            s++;
        if (s[0] != '_' || !cli_is_digit(s[1]))
            break;
        s++;
    }
    *end = s;
    *p = s;
    return true;
}

/* Exponents are saturated to +-CLI_EXP_LIMIT, which keeps the place arithmetic below inside
 * int64_t. Saturating does not change the outcome: a digit's place is less than the string's
 * length (far below 2^61) away from zero, so any exponent beyond the limit already gives
 * "too large" (positive) or "not a whole number" (negative). */
#define CLI_EXP_LIMIT ((int64_t)1 << 61)

cli_fuel_status cli_parse_fuel(const char *s, uint64_t *out)
{
    const char *p = s;
    char sign = 0;
    if (*p == '+' || *p == '-')
        sign = *p++;

    /* Syntax: DIGITS ['.' DIGITS] [('e' | 'E') ['+' | '-'] DIGITS], nothing else. */
    const char *span[2][2] = {{NULL, NULL}, {NULL, NULL}}; /* integer, fraction digits */
    const char *exp_begin = NULL, *exp_end = NULL;
    bool exp_negative = false;
    if (!cli_scan_digits(&p, &span[0][0], &span[0][1]))
        return CLI_FUEL_SYNTAX;
    if (*p == '.') {
        p++;
        if (!cli_scan_digits(&p, &span[1][0], &span[1][1]))
            return CLI_FUEL_SYNTAX;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            exp_negative = *p++ == '-';
        if (!cli_scan_digits(&p, &exp_begin, &exp_end))
            return CLI_FUEL_SYNTAX;
    }
    if (*p != '\0')
        return CLI_FUEL_SYNTAX;

    /* The mantissa is the digit sequence of both spans; the place of a digit is the power
     * of ten it stands for before the exponent (n_int - 1 for the first, -1 for the first
     * fraction digit). The number is mantissa(first..last nonzero) * 10^(last + exponent). */
    int64_t n_int = 0;
    for (const char *c = span[0][0]; c < span[0][1]; c++)
        n_int += *c != '_';
    int64_t place = n_int - 1, last_place = 0;
    bool nonzero = false;
    for (int k = 0; k < 2; k++) {
        for (const char *c = span[k][0]; c && c < span[k][1]; c++) {
            if (*c == '_')
                continue;
            if (*c != '0') {
                last_place = place;
                nonzero = true;
            }
            place--;
        }
    }
    if (sign)
        return sign == '-' && nonzero ? CLI_FUEL_NEGATIVE : CLI_FUEL_SIGN;
    if (!nonzero) {
        *out = 0; /* 0, 0.000, 0e99, 0e-99: zero whatever the exponent */
        return CLI_FUEL_OK;
    }

    int64_t exponent = 0;
    for (const char *c = exp_begin; c && c < exp_end; c++) {
        if (*c == '_')
            continue;
        if (exponent > CLI_EXP_LIMIT / 10)
            exponent = CLI_EXP_LIMIT; /* saturated: stays there */
        else
            exponent = exponent * 10 + (*c - '0');
    }
    if (exponent > CLI_EXP_LIMIT)
        exponent = CLI_EXP_LIMIT;
    if (exp_negative)
        exponent = -exponent;

    /* The last nonzero digit's power of ten is last_place + exponent. Below zero the number
     * has a nonzero fraction (that digit is not a multiple of 10); above 19 it is at least
     * 10^20 > UINT64_MAX. Compared without forming the sum, which could overflow. */
    if (last_place < -exponent)
        return CLI_FUEL_FRACTION;
    if (last_place > 19 - exponent)
        return CLI_FUEL_RANGE;
    int scale = (int)(last_place + exponent); /* 0..19 */

    uint64_t value = 0;
    bool started = false;
    place = n_int - 1;
    for (int k = 0; k < 2; k++) {
        for (const char *c = span[k][0]; c && c < span[k][1] && place >= last_place; c++) {
            if (*c == '_')
                continue;
            unsigned d = (unsigned)(*c - '0');
            place--;
            started = started || d != 0;
            if (!started)
                continue;
            if (value > (UINT64_MAX - d) / 10)
                return CLI_FUEL_RANGE;
            value = value * 10 + d;
        }
    }
    for (int i = 0; i < scale; i++) {
        if (value > UINT64_MAX / 10)
            return CLI_FUEL_RANGE;
        value *= 10;
    }
    *out = value;
    return CLI_FUEL_OK;
}

void cli_fuel_message(cli_fuel_status status, const char *s, char *msg, size_t msg_size)
{
    /* Long inputs are cut in the message; the diagnosis is for the whole value. */
    switch (status) {
    case CLI_FUEL_OK:
        snprintf(msg, msg_size, "'%.64s' is valid", s);
        return;
    case CLI_FUEL_SYNTAX:
        snprintf(msg, msg_size,
                 "'%.64s' is not a number (expected a whole number such as 1000000, "
                 "1_000_000 or 1e9)",
                 s);
        return;
    case CLI_FUEL_FRACTION:
        snprintf(msg, msg_size, "'%.64s' is not a whole number", s);
        return;
    case CLI_FUEL_NEGATIVE:
        snprintf(msg, msg_size, "'%.64s' is negative", s);
        return;
    case CLI_FUEL_SIGN:
        snprintf(msg, msg_size, "'%.64s' must be written without a sign", s);
        return;
    case CLI_FUEL_RANGE:
        snprintf(msg, msg_size, "'%.64s' is too large (the maximum is %" PRIu64 ")", s,
                 UINT64_MAX);
        return;
    }
    snprintf(msg, msg_size, "'%.64s' is not a valid fuel amount", s);
}

/* ---- integers ---- */

static int cli_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/* Parses [+-](digits | 0x hexdigits) into a sign and a magnitude <= limit (for the sign). */
static cli_parse_status cli_parse_magnitude(const char *s, bool *negative, uint64_t *mag,
                                            uint64_t pos_limit, uint64_t neg_limit)
{
    *negative = false;
    if (*s == '-' || *s == '+')
        *negative = *s++ == '-';
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0')
        return CLI_PARSE_SYNTAX;
    uint64_t value = 0;
    bool overflow = false;
    for (; *s; s++) {
        int d = cli_digit_value(*s);
        if (d >= (int)base)
            return CLI_PARSE_SYNTAX;
        if (value > (UINT64_MAX - (uint64_t)d) / base)
            overflow = true; /* keep scanning: garbage later is still a syntax error */
        else
            value = value * base + (uint64_t)d;
    }
    if (overflow || value > (*negative ? neg_limit : pos_limit))
        return CLI_PARSE_RANGE;
    *mag = value;
    return CLI_PARSE_OK;
}

cli_parse_status cli_parse_i32(const char *s, int32_t *out)
{
    bool negative;
    uint64_t mag;
    cli_parse_status st = cli_parse_magnitude(s, &negative, &mag, UINT32_MAX, 0x80000000u);
    if (st != CLI_PARSE_OK)
        return st;
    uint32_t bits = negative ? 0u - (uint32_t)mag : (uint32_t)mag;
    memcpy(out, &bits, sizeof bits); /* two's complement reinterpretation, no overflow */
    return CLI_PARSE_OK;
}

cli_parse_status cli_parse_i64(const char *s, int64_t *out)
{
    bool negative;
    uint64_t mag;
    cli_parse_status st =
        cli_parse_magnitude(s, &negative, &mag, UINT64_MAX, 0x8000000000000000ull);
    if (st != CLI_PARSE_OK)
        return st;
    uint64_t bits = negative ? 0u - mag : mag;
    memcpy(out, &bits, sizeof bits);
    return CLI_PARSE_OK;
}

/* ---- floats ---- */

/* Case-insensitive prefix test. */
static bool cli_has_prefix_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *prefix)
            return false;
    }
    return true;
}

/* Handles "nan" and "nan:0xPAYLOAD" (s is past the sign). Returns false when s is not a NaN
 * spelling at all; otherwise *st is the outcome and *payload the significand bits. */
static bool cli_parse_nan(const char *s, uint64_t payload_mask, uint64_t canonical,
                          uint64_t *payload, cli_parse_status *st)
{
    if (!cli_has_prefix_ci(s, "nan"))
        return false;
    s += 3;
    *st = CLI_PARSE_OK;
    if (*s == '\0') {
        *payload = canonical;
        return true;
    }
    if (s[0] != ':' || s[1] != '0' || (s[2] != 'x' && s[2] != 'X') || s[3] == '\0') {
        *st = CLI_PARSE_SYNTAX;
        return true;
    }
    uint64_t value = 0;
    bool too_big = false;
    for (s += 3; *s; s++) {
        int d = cli_digit_value(*s);
        if (d >= 16) {
            *st = CLI_PARSE_SYNTAX;
            return true;
        }
        if (value > payload_mask)
            too_big = true;
        else
            value = value * 16 + (uint64_t)d;
    }
    if (too_big || value == 0 || value > payload_mask)
        *st = CLI_PARSE_RANGE;
    *payload = value;
    return true;
}

cli_parse_status cli_parse_f32(const char *s, uint32_t *bits)
{
    if (*s == '\0' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
        return CLI_PARSE_SYNTAX;
    bool negative = *s == '-';
    const char *body = (*s == '-' || *s == '+') ? s + 1 : s;
    uint64_t payload;
    cli_parse_status st;
    if (cli_parse_nan(body, 0x7FFFFFu, 0x400000u, &payload, &st)) {
        if (st == CLI_PARSE_OK)
            *bits = (negative ? 0x80000000u : 0u) | 0x7F800000u | (uint32_t)payload;
        return st;
    }
    char *end;
    errno = 0;
    float f = strtof(s, &end);
    if (end == s || *end != '\0')
        return CLI_PARSE_SYNTAX;
    if (errno == ERANGE && isinf(f))
        return CLI_PARSE_RANGE;
    memcpy(bits, &f, sizeof f);
    return CLI_PARSE_OK;
}

cli_parse_status cli_parse_f64(const char *s, uint64_t *bits)
{
    if (*s == '\0' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
        return CLI_PARSE_SYNTAX;
    bool negative = *s == '-';
    const char *body = (*s == '-' || *s == '+') ? s + 1 : s;
    uint64_t payload;
    cli_parse_status st;
    if (cli_parse_nan(body, 0xFFFFFFFFFFFFFull, 0x8000000000000ull, &payload, &st)) {
        if (st == CLI_PARSE_OK)
            *bits = (negative ? 0x8000000000000000ull : 0u) | 0x7FF0000000000000ull | payload;
        return st;
    }
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0')
        return CLI_PARSE_SYNTAX;
    if (errno == ERANGE && isinf(d))
        return CLI_PARSE_RANGE;
    memcpy(bits, &d, sizeof d);
    return CLI_PARSE_OK;
}

/* ---- typed values ---- */

const char *cli_kind_name(wvm_valkind kind)
{
    switch (kind) {
    case WVM_I32: return "i32";
    case WVM_I64: return "i64";
    case WVM_F32: return "f32";
    case WVM_F64: return "f64";
    case WVM_FUNCREF: return "funcref";
    case WVM_EXTERNREF: return "externref";
    }
    return "?";
}

cli_parse_status cli_parse_value(wvm_valkind kind, const char *s, wvm_val *out, char *msg,
                                 size_t msg_size)
{
    cli_parse_status st;
    memset(out, 0, sizeof *out);
    out->kind = kind;
    switch (kind) {
    case WVM_I32: st = cli_parse_i32(s, &out->of.i32); break;
    case WVM_I64: st = cli_parse_i64(s, &out->of.i64); break;
    case WVM_F32: st = cli_parse_f32(s, &out->of.f32_bits); break;
    case WVM_F64: st = cli_parse_f64(s, &out->of.f64_bits); break;
    case WVM_FUNCREF:
    case WVM_EXTERNREF:
        st = strcmp(s, "null") == 0 ? CLI_PARSE_OK : CLI_PARSE_SYNTAX;
        break;
    default:
        snprintf(msg, msg_size, "unsupported parameter type 0x%02x", (unsigned)kind);
        return CLI_PARSE_SYNTAX;
    }
    if (st == CLI_PARSE_SYNTAX) {
        if (kind == WVM_FUNCREF || kind == WVM_EXTERNREF)
            snprintf(msg, msg_size, "invalid %s '%s' (only null is accepted)",
                     cli_kind_name(kind), s);
        else
            snprintf(msg, msg_size, "invalid %s '%s'", cli_kind_name(kind), s);
    } else if (st == CLI_PARSE_RANGE) {
        snprintf(msg, msg_size, "%s '%s' out of range", cli_kind_name(kind), s);
    }
    return st;
}

/* Writes nan / -nan / inf / -inf for non-finite values; returns false for finite ones. */
static bool cli_format_special(bool is_nan, bool is_inf, bool negative, char *buf, size_t size)
{
    if (!is_nan && !is_inf)
        return false;
    snprintf(buf, size, "%s%s", negative ? "-" : "", is_nan ? "nan" : "inf");
    return true;
}

void cli_format_value(const wvm_val *v, char *buf, size_t size)
{
    switch (v->kind) {
    case WVM_I32:
        snprintf(buf, size, "%" PRId32, v->of.i32);
        return;
    case WVM_I64:
        snprintf(buf, size, "%" PRId64, v->of.i64);
        return;
    case WVM_F32: {
        uint32_t b = v->of.f32_bits;
        bool is_nan = (b & 0x7F800000u) == 0x7F800000u && (b & 0x7FFFFFu) != 0;
        bool is_inf = (b & 0x7FFFFFFFu) == 0x7F800000u;
        if (!cli_format_special(is_nan, is_inf, b >> 31, buf, size))
            snprintf(buf, size, "%.9g", (double)v->of.f32);
        return;
    }
    case WVM_F64: {
        uint64_t b = v->of.f64_bits;
        bool is_nan = (b & 0x7FF0000000000000ull) == 0x7FF0000000000000ull &&
                      (b & 0xFFFFFFFFFFFFFull) != 0;
        bool is_inf = (b & 0x7FFFFFFFFFFFFFFFull) == 0x7FF0000000000000ull;
        if (!cli_format_special(is_nan, is_inf, b >> 63, buf, size))
            snprintf(buf, size, "%.17g", v->of.f64);
        return;
    }
    case WVM_FUNCREF:
        snprintf(buf, size, "%s", v->of.funcref ? "ref" : "null");
        return;
    case WVM_EXTERNREF:
        snprintf(buf, size, "%s", v->of.externref ? "ref" : "null");
        return;
    }
    snprintf(buf, size, "?");
}

/* ---- signatures and errors ---- */

/* Appends to buf[*len..size) like snprintf; *len may pass size to record truncation. */
static void cli_append(char *buf, size_t size, size_t *len, const char *text)
{
    if (*len < size)
        snprintf(buf + *len, size - *len, "%s", text);
    *len += strlen(text);
}

static void cli_append_kinds(char *buf, size_t size, size_t *len, const wvm_valkind *kinds,
                             uint32_t n)
{
    cli_append(buf, size, len, "[");
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            cli_append(buf, size, len, " ");
        cli_append(buf, size, len, cli_kind_name(kinds[i]));
        if (*len >= size)
            break;
    }
    cli_append(buf, size, len, "]");
}

void cli_format_signature(const wvm_valkind *params, uint32_t nparams,
                          const wvm_valkind *results, uint32_t nresults, char *buf,
                          size_t size)
{
    if (size == 0)
        return;
    size_t len = 0;
    buf[0] = '\0';
    cli_append_kinds(buf, size, &len, params, nparams);
    cli_append(buf, size, &len, " -> ");
    cli_append_kinds(buf, size, &len, results, nresults);
    if (len >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

static const char *cli_status_text(wvm_status status)
{
    switch (status) {
    case WVM_OK: return "success";
    case WVM_ERR_MALFORMED: return "malformed module";
    case WVM_ERR_INVALID: return "invalid module";
    case WVM_ERR_UNLINKABLE: return "unlinkable module";
    case WVM_ERR_TRAP: return "trap";
    case WVM_ERR_NOMEM: return "out of memory or resource limit reached";
    case WVM_ERR_UNSUPPORTED: return "unsupported feature";
    case WVM_ERR_USAGE: return "API usage error";
    case WVM_ERR_IO: return "I/O error";
    }
    return "unknown error";
}

void cli_format_error(const wvm_error *err, bool with_offset, char *buf, size_t size)
{
    if (size == 0)
        return;
    /* The message may fill its buffer without a terminator: bound every read. */
    int mlen = (int)strnlen(err->message, sizeof err->message);
    char message[sizeof err->message + 1];
    memcpy(message, err->message, (size_t)mlen);
    message[mlen] = '\0';
    const char *text = mlen ? message : cli_status_text(err->status);

    size_t len = 0;
    buf[0] = '\0';
    if (err->status == WVM_ERR_TRAP) {
        cli_append(buf, size, &len, "trap: ");
        cli_append(buf, size, &len, mlen ? message : "unknown trap");
        return;
    }
    cli_append(buf, size, &len, text);
    char extra[64];
    if (with_offset && !strstr(message, "at offset 0x")) {
        snprintf(extra, sizeof extra, " at offset 0x%" PRIx64, err->offset);
        cli_append(buf, size, &len, extra);
    }
    if (err->func_index != WVM_NO_FUNC && !strstr(message, "in function ")) {
        snprintf(extra, sizeof extra, " in function %" PRIu32, err->func_index);
        cli_append(buf, size, &len, extra);
    }
}
