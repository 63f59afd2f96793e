/* Runs one wast2json script in the current process.
 *
 * A file gets one engine, one store and one linker. The linker holds the `spectest` host
 * module and every module the script registers; each module command is instantiated through
 * it. The "current module" is the last one instantiated (NULL when that failed, so that the
 * commands aimed at it fail instead of silently using an older instance).
 *
 * Counting: every module command, action and assertion counts as passed, failed or skipped
 * (assert_malformed on text modules is skipped: wvm reads binaries only). A register command
 * counts only when it fails.
 *
 * Metering (runner_options.metering): the engine meters with the given cost model and the
 * store starts with RUNNER_AMPLE_FUEL. With runner_options.fuel_log every invocation that
 * ran (each `invoke`, each instantiation that got as far as running code) adds a line with
 * the fuel it consumed to the result's fuel log (fuellog.c).
 *
 * With runner_options.roundtrip every module file is decoded and re-encoded by the loader
 * (roundtrip.c) and the re-encoded bytes are compiled instead; a round trip that goes wrong
 * counts as one more failure of the command that loaded the module.
 *
 * With runner_options.instrument every module file (after the round trip) is rewritten by
 * wvm_instrument; its errors stand for the compilation's (a malformed or invalid module
 * gives the same status). When the engine does not meter, the harness counts the gas the
 * injected code charges (gas.c) and logs gas + the host entry charge of each call from the
 * host into Wasm, which must equal native fuel. Global backend: an instance whose
 * instantiation fails is not returned, so its gas_left cannot be read, yet its functions may
 * already sit in a shared table and run later (linking.wast); the modules of commands whose
 * instantiation must trap (assert_trap on a module, assert_uninstantiable) therefore use the
 * import backend, whose gas the harness sees wherever it is charged. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../host/spectest.h"

/* A module name from the script (`$M`) and its instance. */
typedef struct named_instance {
    char *name;            /* owned */
    wvm_instance *instance; /* NULL: the module command for this name failed */
} named_instance;

typedef struct run_state {
    const char *file_name;  /* "i32.wast", the prefix of every report line */
    char *dir;              /* owned: directory of the JSON file, where the .wasm files are */
    wvm_engine *engine;
    wvm_store *store;       /* one store for the whole file */
    wvm_linker *linker;
    wvm_instance *current;  /* the current module; NULL after a failed module command */
    uint32_t current_line;  /* line of the module command that set `current` */
    named_instance *named;
    size_t named_count;
    named_instance *registered; /* `register` commands: name (as) -> instance, in order */
    size_t registered_count;
    wvm_module **modules;   /* every compiled module; deleted after the store */
    size_t module_count;
    uint32_t line;          /* line of the command in progress */
    const char *command;    /* type of the command in progress */
    size_t detail_limit;    /* failures to describe in res->details */
    size_t details_written;
    bool fuel_log;          /* log every invocation to res->fuel_log */
    bool roundtrip;         /* compile modules re-encoded by roundtrip_module */
    runner_instrument instrument; /* instrument every module file with this backend */
    const wvm_cost_model *cost_model; /* of the engine and of the instrumentation; borrowed */
    bool count_gas;         /* the engine does not meter: fuel is st->gas (gas.c) */
    uint64_t host_entry;    /* the model's host entry charge, added when count_gas */
    gas_meter gas;          /* when count_gas */
    runner_result *res;
} run_state;

/* ---- reporting ---- */

static void report_failure(run_state *st, const char *fmt, va_list ap)
{
    runner_result *res = st->res;
    res->counts.failed++;
    if (st->details_written >= st->detail_limit) {
        res->dropped++;
        return;
    }
    st->details_written++;
    char reason[1024];
    vsnprintf(reason, sizeof reason, fmt, ap);
    for (char *p = reason; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    strbuf_printf(&res->details, "  %s:%u: %s: %s\n", st->file_name, st->line, st->command,
                  reason);
}

static void fail(run_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(run_state *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_failure(st, fmt, ap);
    va_end(ap);
}

static void pass(run_state *st)
{
    st->res->counts.passed++;
}

static void skip(run_state *st)
{
    st->res->counts.skipped++;
}

/* "WVM_ERR_TRAP (integer divide by zero): <message>" */
static void describe_error(wvm_status status, const wvm_error *err, char *buf, size_t len)
{
    const char *message = err->message[0] ? err->message : "(no message)";
    if (status == WVM_ERR_TRAP)
        snprintf(buf, len, "%s (%s): %.256s", spec_status_name(status),
                 wvm_trap_name(err->trap), message);
    else
        snprintf(buf, len, "%s: %.256s", spec_status_name(status), message);
}

static void format_values(const wvm_val *vals, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    used += (size_t)snprintf(buf, len, "[");
    for (size_t i = 0; i < n && used < len; i++) {
        char one[96];
        spec_value_format(&vals[i], one, sizeof one);
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", one);
    }
    if (used < len)
        snprintf(buf + used, len - used, "]");
}

/* ---- fuel ---- */

/* The fuel consumed so far: the store's, or with count_gas the gas charged by the injected
 * code. */
static uint64_t fuel_now(const run_state *st)
{
    return st->count_gas ? gas_meter_total(&st->gas) : wvm_store_fuel_consumed(st->store);
}

/* Logs the invocation of the command in progress that started when fuel_now was `before`
 * and ended with status/err. entered: it was a call from the host into Wasm (with
 * count_gas, the host entry charge is added: injected code cannot see it). */
static void log_fuel(run_state *st, bool module, uint64_t before, bool entered,
                     wvm_status status, const wvm_error *err)
{
    if (!st->fuel_log)
        return;
    uint64_t fuel = fuel_now(st) - before;
    if (st->count_gas && entered)
        fuel += st->host_entry;
    fuel_log_append(&st->res->fuel_log, st->file_name, st->line, module, fuel, status, err);
}

/* True when a failed instantiation may have run code (the start function, or a segment
 * initialisation that trapped): its fuel is logged. Other failures (unlinkable, out of
 * memory) happen before anything runs. */
static bool instantiation_ran(wvm_status status)
{
    return status == WVM_OK || status == WVM_ERR_TRAP;
}

/* ---- module names ---- */

static bool bind_name(run_state *st, const char *name, wvm_instance *instance)
{
    if (name == NULL)
        return true;
    for (size_t i = 0; i < st->named_count; i++) {
        if (strcmp(st->named[i].name, name) == 0) {
            st->named[i].instance = instance;
            return true;
        }
    }
    named_instance *named = realloc(st->named, (st->named_count + 1) * sizeof *named);
    if (named == NULL)
        return false;
    st->named = named;
    char *copy = strdup(name);
    if (copy == NULL)
        return false;
    st->named[st->named_count++] = (named_instance){.name = copy, .instance = instance};
    return true;
}

/* The instance a command names (or the current one). NULL with a reason in why. */
static wvm_instance *resolve_instance(run_state *st, const char *name, char *why, size_t len)
{
    if (name == NULL) {
        if (st->current == NULL) {
            if (st->current_line)
                snprintf(why, len, "no current module (the module at line %u failed)",
                         st->current_line);
            else
                snprintf(why, len, "no current module");
        }
        return st->current;
    }
    for (size_t i = 0; i < st->named_count; i++) {
        if (strcmp(st->named[i].name, name) == 0) {
            if (st->named[i].instance == NULL)
                snprintf(why, len, "module %s failed to instantiate", name);
            return st->named[i].instance;
        }
    }
    snprintf(why, len, "unknown module name %s", name);
    return NULL;
}

/* ---- modules ---- */

static bool read_file(const char *path, strbuf *out, char *why, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(why, len, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(out, chunk, n);
    bool ok = !ferror(f) && !out->oom;
    fclose(f);
    if (!ok)
        snprintf(why, len, "cannot read %s", path);
    return ok;
}

/* True when the module's start function is Wasm code, so that instantiating it enters Wasm
 * from the host: one the module defines, or an import resolved (through the registered
 * modules, as the linker resolves it) to a function that is not a host function. The
 * spectest functions and env.gas are host functions. Only needed with count_gas. */
static bool start_runs_wasm(const run_state *st, const wvm_module *module)
{
    uint32_t import_index;
    if (!wvm_module_start(module, &import_index))
        return false;
    wvm_importtype imp;
    if (import_index == UINT32_MAX || !wvm_module_import(module, import_index, &imp))
        return import_index == UINT32_MAX;
    for (size_t i = st->registered_count; i-- > 0;) {
        const named_instance *r = &st->registered[i];
        if (strlen(r->name) != imp.module_len || memcmp(r->name, imp.module, imp.module_len) != 0)
            continue;
        wvm_extern ext;
        if (!wvm_instance_export_n(r->instance, imp.name, imp.name_len, &ext) ||
            ext.kind != WVM_EXTERN_FUNC)
            return false; /* the instantiation will fail to link */
        return !gas_meter_is_host(&st->gas, ext.of.func);
    }
    return false; /* "spectest", "env" (or unlinkable) */
}

/* Compiles the script's module file `filename`, instrumented with `backend` (NONE: as it
 * is). On WVM_OK the module is in st->modules and in *out, and *enters (may be NULL) tells
 * whether instantiating it will enter Wasm (start_runs_wasm). A file that cannot be read is
 * WVM_ERR_IO with the reason in err; an instrumentation failure is wvm_instrument's
 * status. */
static wvm_status load_module(run_state *st, const char *filename, runner_instrument backend,
                              wvm_module **out, bool *enters, wvm_error *err)
{
    *out = NULL;
    if (enters)
        *enters = false;
    *err = (wvm_error){.func_index = WVM_NO_FUNC};
    strbuf path = {0};
    strbuf bytes = {0};
    uint8_t *reencoded = NULL; /* --roundtrip: the bytes compiled instead of the file's */
    uint8_t *instrumented = NULL; /* --instrument: likewise, after the round trip */
    strbuf_printf(&path, "%s/%s", st->dir, filename);
    wvm_status status = WVM_ERR_IO;
    if (path.oom) {
        snprintf(err->message, sizeof err->message, "out of memory");
        goto done;
    }
    if (!read_file(strbuf_str(&path), &bytes, err->message, sizeof err->message))
        goto done;
    wvm_module **modules = realloc(st->modules, (st->module_count + 1) * sizeof *modules);
    if (modules == NULL) {
        status = WVM_ERR_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
        goto done;
    }
    st->modules = modules;
    const uint8_t *data = bytes.data ? (const uint8_t *)bytes.data : (const uint8_t *)"";
    size_t size = bytes.len;
    if (st->roundtrip) {
        char why[512];
        switch (roundtrip_module(data, size, &reencoded, &size, why, sizeof why)) {
        case ROUNDTRIP_ENCODED: data = reencoded; break;
        case ROUNDTRIP_UNDECODABLE: size = bytes.len; break;
        case ROUNDTRIP_FAILED:
            fail(st, "%s: round trip: %s", filename, why);
            size = bytes.len;
            break;
        }
    }
    if (backend != RUNNER_INSTRUMENT_NONE) {
        status = gas_instrument(data, size, backend, st->cost_model, &instrumented, &size, err);
        if (status == WVM_OK && instrumented == NULL) {
            status = WVM_ERR_USAGE;
            snprintf(err->message, sizeof err->message, "wvm_instrument gave no bytes");
        }
        if (status != WVM_OK) {
            char why[sizeof err->message];
            memcpy(why, err->message, sizeof why);
            snprintf(err->message, sizeof err->message, "wvm_instrument (%s backend): %.200s",
                     runner_instrument_name(backend), why);
            goto done;
        }
        data = instrumented;
    }
    wvm_module *module = NULL;
    status = wvm_module_new(st->engine, data, size, &module, err);
    if (status == WVM_OK && module == NULL) {
        status = WVM_ERR_USAGE;
        snprintf(err->message, sizeof err->message, "wvm_module_new returned WVM_OK and no module");
    }
    if (status == WVM_OK) {
        st->modules[st->module_count++] = module;
        *out = module;
        if (enters)
            *enters = start_runs_wasm(st, module);
    } else if (module != NULL) {
        wvm_module_delete(module);
    }
done:
    free(instrumented);
    free(reencoded);
    strbuf_free(&path);
    strbuf_free(&bytes);
    return status;
}

static bool is_text_module(const json_t *cmd)
{
    const char *type = json_string_value(json_object_get(cmd, "module_type"));
    return type != NULL && strcmp(type, "text") == 0;
}

static const char *cmd_filename(run_state *st, const json_t *cmd)
{
    const char *filename = json_string_value(json_object_get(cmd, "filename"));
    if (filename == NULL)
        fail(st, "command has no \"filename\"");
    return filename;
}

/* Instantiates module through the linker and logs the fuel of the instantiation when it
 * ran code (enters: its start function is Wasm code, see start_runs_wasm). With the
 * global backend the new instance's gas_left joins the meter (a missing one fails the
 * command: false). */
static bool instantiate(run_state *st, const wvm_module *module, bool enters,
                        wvm_instance **instance, wvm_status *status, wvm_error *err)
{
    *instance = NULL;
    *err = (wvm_error){.func_index = WVM_NO_FUNC};
    uint64_t before = fuel_now(st);
    *status = wvm_linker_instantiate(st->linker, st->store, module, instance, err);
    bool tracked = true;
    char why[256] = "";
    if (st->count_gas && *instance != NULL && st->instrument == RUNNER_INSTRUMENT_GLOBAL)
        tracked = gas_meter_track(&st->gas, *instance, why, sizeof why);
    /* The start function ran (and the host entered Wasm) when the instantiation succeeded,
     * or trapped with Wasm frames (a trap in a segment comes before the start function). */
    bool entered = enters && (*status == WVM_OK || err->backtrace_len > 0);
    if (instantiation_ran(*status))
        log_fuel(st, true, before, entered, *status, err);
    if (!tracked)
        fail(st, "cannot meter the instance: %s", why);
    return tracked;
}

static void cmd_module(run_state *st, const json_t *cmd)
{
    const char *name = json_string_value(json_object_get(cmd, "name"));
    const char *filename = cmd_filename(st, cmd);
    st->current = NULL;
    st->current_line = st->line;
    if (filename == NULL) {
        bind_name(st, name, NULL);
        return;
    }
    char why[512];
    wvm_error err;
    wvm_module *module;
    bool enters;
    wvm_status status = load_module(st, filename, st->instrument, &module, &enters, &err);
    if (status != WVM_OK) {
        describe_error(status, &err, why, sizeof why);
        fail(st, "%s failed to load: %s", filename, why);
        bind_name(st, name, NULL);
        return;
    }
    wvm_instance *instance;
    if (!instantiate(st, module, enters, &instance, &status, &err)) {
        bind_name(st, name, NULL);
        return;
    }
    if (status != WVM_OK || instance == NULL) {
        if (status == WVM_OK)
            snprintf(why, sizeof why, "WVM_OK but no instance");
        else
            describe_error(status, &err, why, sizeof why);
        fail(st, "%s failed to instantiate: %s", filename, why);
        bind_name(st, name, NULL);
        return;
    }
    st->current = instance;
    if (!bind_name(st, name, instance)) {
        fail(st, "out of memory");
        return;
    }
    pass(st);
}

static void cmd_register(run_state *st, const json_t *cmd)
{
    const char *as = json_string_value(json_object_get(cmd, "as"));
    const char *name = json_string_value(json_object_get(cmd, "name"));
    char why[512];
    if (as == NULL) {
        fail(st, "register has no \"as\"");
        return;
    }
    wvm_instance *instance = resolve_instance(st, name, why, sizeof why);
    if (instance == NULL) {
        fail(st, "%s", why);
        return;
    }
    wvm_error err = {.func_index = WVM_NO_FUNC};
    wvm_status status = wvm_linker_define_instance(st->linker, as, instance, &err);
    if (status != WVM_OK) {
        describe_error(status, &err, why, sizeof why);
        fail(st, "wvm_linker_define_instance(\"%s\"): %s", as, why);
        return;
    }
    named_instance *registered =
        realloc(st->registered, (st->registered_count + 1) * sizeof *registered);
    char *copy = strdup(as);
    if (registered != NULL)
        st->registered = registered;
    if (registered == NULL || copy == NULL) {
        free(copy);
        fail(st, "out of memory");
        return;
    }
    st->registered[st->registered_count++] = (named_instance){.name = copy, .instance = instance};
}

/* assert_invalid / assert_malformed: compilation must fail with `want`. */
static void cmd_assert_compile_error(run_state *st, const json_t *cmd, wvm_status want)
{
    if (is_text_module(cmd)) {
        skip(st);
        return;
    }
    const char *filename = cmd_filename(st, cmd);
    if (filename == NULL)
        return;
    const char *text = json_string_value(json_object_get(cmd, "text"));
    wvm_error err;
    wvm_module *module;
    wvm_status status = load_module(st, filename, st->instrument, &module, NULL, &err);
    if (status == want) {
        pass(st);
        return;
    }
    char why[512];
    if (status == WVM_OK)
        snprintf(why, sizeof why, "the module compiled");
    else
        describe_error(status, &err, why, sizeof why);
    fail(st, "%s: expected %s (\"%s\"), got %s", filename, spec_status_name(want),
         text ? text : "", why);
}

/* assert_unlinkable / assert_uninstantiable (and assert_trap on a module): the module must
 * compile and its instantiation fail with `want` (for WVM_ERR_TRAP, with the trap of the
 * message). */
static void cmd_assert_instantiate_error(run_state *st, const json_t *cmd, wvm_status want)
{
    if (is_text_module(cmd)) {
        skip(st);
        return;
    }
    const char *filename = cmd_filename(st, cmd);
    if (filename == NULL)
        return;
    const char *text = json_string_value(json_object_get(cmd, "text"));
    wvm_trap_code want_trap = WVM_TRAP_NONE;
    if (want == WVM_ERR_TRAP && !spec_trap_from_text(text, &want_trap)) {
        fail(st, "unknown trap message \"%s\"", text ? text : "");
        return;
    }
    char why[512];
    wvm_error err;
    wvm_module *module;
    bool enters;
    /* An instance whose instantiation fails cannot be read: see the top of the file. */
    runner_instrument backend = st->instrument;
    if (backend == RUNNER_INSTRUMENT_GLOBAL && want == WVM_ERR_TRAP)
        backend = RUNNER_INSTRUMENT_IMPORT;
    wvm_status status = load_module(st, filename, backend, &module, &enters, &err);
    if (status != WVM_OK) {
        describe_error(status, &err, why, sizeof why);
        fail(st, "%s failed to load: %s", filename, why);
        return;
    }
    wvm_instance *instance;
    if (!instantiate(st, module, enters, &instance, &status, &err))
        return;
    if (status == want && (want != WVM_ERR_TRAP || err.trap == want_trap)) {
        pass(st);
        return;
    }
    if (status == WVM_OK)
        snprintf(why, sizeof why, "it instantiated");
    else
        describe_error(status, &err, why, sizeof why);
    if (want == WVM_ERR_TRAP)
        fail(st, "%s: expected %s (%s: \"%s\"), got %s", filename, spec_status_name(want),
             wvm_trap_name(want_trap), text, why);
    else
        fail(st, "%s: expected %s (\"%s\"), got %s", filename, spec_status_name(want),
             text ? text : "", why);
}

/* ---- actions ---- */

typedef struct action_result {
    wvm_status status; /* of the call; WVM_OK when it returned */
    wvm_error err;
    wvm_val *results;  /* owned, nresults values when status == WVM_OK */
    size_t nresults;
} action_result;

static void action_result_free(action_result *r)
{
    free(r->results);
    r->results = NULL;
}

/* Performs an "invoke" or "get". Returns false when the action could not be attempted (a
 * harness-level reason, in why); otherwise the outcome is in *out. */
static bool run_action(run_state *st, const json_t *action, action_result *out, char *why,
                       size_t len)
{
    *out = (action_result){.err = {.func_index = WVM_NO_FUNC}};
    if (!json_is_object(action)) {
        snprintf(why, len, "command has no \"action\"");
        return false;
    }
    const char *type = json_string_value(json_object_get(action, "type"));
    const json_t *jfield = json_object_get(action, "field");
    const char *field = json_string_value(jfield);
    if (type == NULL || field == NULL) {
        snprintf(why, len, "action without \"type\" or \"field\"");
        return false;
    }
    wvm_instance *instance =
        resolve_instance(st, json_string_value(json_object_get(action, "module")), why, len);
    if (instance == NULL)
        return false;
    wvm_extern ext;
    if (!wvm_instance_export_n(instance, field, json_string_length(jfield), &ext)) {
        snprintf(why, len, "no export \"%.200s\"", field);
        return false;
    }

    if (strcmp(type, "get") == 0) {
        if (ext.kind != WVM_EXTERN_GLOBAL) {
            snprintf(why, len, "export \"%.200s\" is not a global", field);
            return false;
        }
        out->results = calloc(1, sizeof *out->results);
        if (out->results == NULL) {
            snprintf(why, len, "out of memory");
            return false;
        }
        wvm_global_get(ext.of.global, &out->results[0]);
        out->nresults = 1;
        out->status = WVM_OK;
        return true;
    }
    if (strcmp(type, "invoke") != 0) {
        snprintf(why, len, "unknown action type \"%s\"", type);
        return false;
    }
    if (ext.kind != WVM_EXTERN_FUNC) {
        snprintf(why, len, "export \"%.200s\" is not a function", field);
        return false;
    }
    const json_t *jargs = json_object_get(action, "args");
    if (jargs != NULL && !json_is_array(jargs)) {
        snprintf(why, len, "\"args\" is not an array");
        return false;
    }
    size_t nargs = json_array_size(jargs);
    size_t nresults = wvm_func_result_count(ext.of.func);
    wvm_val *args = calloc(nargs ? nargs : 1, sizeof *args);
    out->results = calloc(nresults ? nresults : 1, sizeof *out->results);
    if (args == NULL || out->results == NULL) {
        free(args);
        action_result_free(out);
        snprintf(why, len, "out of memory");
        return false;
    }
    for (size_t i = 0; i < nargs; i++) {
        spec_value v;
        char reason[256];
        if (!spec_value_parse(json_array_get(jargs, i), false, &v, reason, sizeof reason)) {
            snprintf(why, len, "argument %zu: %s", i, reason);
            free(args);
            action_result_free(out);
            return false;
        }
        args[i] = v.val;
    }
    out->nresults = nresults;
    uint64_t before = fuel_now(st);
    out->status = wvm_func_call(st->store, ext.of.func, args, nargs, out->results, nresults,
                                &out->err);
    bool entered = !st->count_gas || !gas_meter_is_host(&st->gas, ext.of.func);
    log_fuel(st, false, before, entered, out->status, &out->err);
    free(args);
    return true;
}

static void cmd_action(run_state *st, const json_t *cmd)
{
    action_result r;
    char why[512];
    if (!run_action(st, json_object_get(cmd, "action"), &r, why, sizeof why)) {
        fail(st, "%s", why);
        return;
    }
    if (r.status == WVM_OK) {
        pass(st);
    } else {
        describe_error(r.status, &r.err, why, sizeof why);
        fail(st, "expected the action to return, got %s", why);
    }
    action_result_free(&r);
}

static void cmd_assert_return(run_state *st, const json_t *cmd)
{
    action_result r;
    char why[512];
    if (!run_action(st, json_object_get(cmd, "action"), &r, why, sizeof why)) {
        fail(st, "%s", why);
        return;
    }
    if (r.status != WVM_OK) {
        describe_error(r.status, &r.err, why, sizeof why);
        fail(st, "expected a return, got %s", why);
        goto done;
    }
    const json_t *jexp = json_object_get(cmd, "expected");
    size_t nexp = json_is_array(jexp) ? json_array_size(jexp) : 0;
    char got[512];
    format_values(r.results, r.nresults, got, sizeof got);
    if (nexp != r.nresults) {
        fail(st, "expected %zu results, got %zu: %s", nexp, r.nresults, got);
        goto done;
    }
    for (size_t i = 0; i < nexp; i++) {
        spec_value expected;
        if (!spec_value_parse(json_array_get(jexp, i), true, &expected, why, sizeof why)) {
            fail(st, "expected value %zu: %s", i, why);
            goto done;
        }
        if (!spec_value_matches(&expected, &r.results[i])) {
            char want[128];
            spec_expected_format(&expected, want, sizeof want);
            fail(st, "result %zu: expected %s, got %s", i, want, got);
            goto done;
        }
    }
    pass(st);
done:
    action_result_free(&r);
}

/* assert_trap / assert_exhaustion on an action: the call must trap with `want`. */
static void expect_action_trap(run_state *st, const json_t *cmd, wvm_trap_code want,
                               const char *text)
{
    action_result r;
    char why[512];
    if (!run_action(st, json_object_get(cmd, "action"), &r, why, sizeof why)) {
        fail(st, "%s", why);
        return;
    }
    if (r.status == WVM_ERR_TRAP && r.err.trap == want) {
        pass(st);
    } else {
        if (r.status == WVM_OK)
            format_values(r.results, r.nresults, why, sizeof why);
        else
            describe_error(r.status, &r.err, why, sizeof why);
        fail(st, "expected trap %s (\"%s\"), got %s%s", wvm_trap_name(want), text,
             r.status == WVM_OK ? "a return: " : "", why);
    }
    action_result_free(&r);
}

static void cmd_assert_trap(run_state *st, const json_t *cmd)
{
    if (json_object_get(cmd, "action") == NULL && json_object_get(cmd, "filename") != NULL) {
        cmd_assert_instantiate_error(st, cmd, WVM_ERR_TRAP);
        return;
    }
    const char *text = json_string_value(json_object_get(cmd, "text"));
    wvm_trap_code want;
    if (!spec_trap_from_text(text, &want)) {
        fail(st, "unknown trap message \"%s\"", text ? text : "");
        return;
    }
    expect_action_trap(st, cmd, want, text);
}

static void cmd_assert_exhaustion(run_state *st, const json_t *cmd)
{
    const char *text = json_string_value(json_object_get(cmd, "text"));
    expect_action_trap(st, cmd, WVM_TRAP_STACK_OVERFLOW, text ? text : "");
}

static void cmd_assert_invalid(run_state *st, const json_t *cmd)
{
    cmd_assert_compile_error(st, cmd, WVM_ERR_INVALID);
}

static void cmd_assert_malformed(run_state *st, const json_t *cmd)
{
    cmd_assert_compile_error(st, cmd, WVM_ERR_MALFORMED);
}

static void cmd_assert_unlinkable(run_state *st, const json_t *cmd)
{
    cmd_assert_instantiate_error(st, cmd, WVM_ERR_UNLINKABLE);
}

static void cmd_assert_uninstantiable(run_state *st, const json_t *cmd)
{
    cmd_assert_instantiate_error(st, cmd, WVM_ERR_TRAP);
}

static const struct {
    const char *type;
    void (*run)(run_state *st, const json_t *cmd);
} commands[] = {
    {"module", cmd_module},
    {"register", cmd_register},
    {"action", cmd_action},
    {"assert_return", cmd_assert_return},
    {"assert_trap", cmd_assert_trap},
    {"assert_exhaustion", cmd_assert_exhaustion},
    {"assert_invalid", cmd_assert_invalid},
    {"assert_malformed", cmd_assert_malformed},
    {"assert_unlinkable", cmd_assert_unlinkable},
    {"assert_uninstantiable", cmd_assert_uninstantiable},
};

static void run_command(run_state *st, const json_t *cmd, size_t index)
{
    st->line = 0;
    st->command = "command";
    if (!json_is_object(cmd)) {
        fail(st, "command %zu is not a JSON object", index);
        return;
    }
    const json_t *jline = json_object_get(cmd, "line");
    if (json_is_integer(jline) && json_integer_value(jline) > 0 &&
        json_integer_value(jline) <= UINT32_MAX)
        st->line = (uint32_t)json_integer_value(jline);
    const char *type = json_string_value(json_object_get(cmd, "type"));
    if (type == NULL) {
        fail(st, "command %zu has no \"type\"", index);
        return;
    }
    st->command = type;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(type, commands[i].type) == 0) {
            commands[i].run(st, cmd);
            return;
        }
    }
    fail(st, "unknown command type");
}

/* ---- files ---- */

void runner_file_name(const char *json_path, char *buf, size_t len)
{
    const char *base = strrchr(json_path, '/');
    base = base ? base + 1 : json_path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    snprintf(buf, len, "%.*s.wast", (int)(n > 200 ? 200 : n), base);
}

/* A failure that stops the file: counted once, always reported. */
static void broken(run_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void broken(run_state *st, const char *fmt, ...)
{
    st->res->broken = true;
    st->detail_limit = SIZE_MAX;
    va_list ap;
    va_start(ap, fmt);
    report_failure(st, fmt, ap);
    va_end(ap);
}

void runner_run_file(const char *json_path, const runner_options *opts,
                     runner_progress *progress, runner_result *out)
{
    char file_name[256];
    runner_file_name(json_path, file_name, sizeof file_name);
    run_state st = {
        .file_name = file_name,
        .command = "file",
        .detail_limit = opts->detail_limit,
        .fuel_log = opts->fuel_log,
        .roundtrip = opts->roundtrip,
        .instrument = opts->instrument,
        .cost_model = opts->cost_model,
        .count_gas = opts->instrument != RUNNER_INSTRUMENT_NONE &&
                     opts->metering == WVM_METER_OFF,
        .host_entry = wvm_cost_model_host_entry(opts->cost_model),
        .res = out,
    };
    json_t *root = NULL;

    const char *slash = strrchr(json_path, '/');
    st.dir = slash ? strndup(json_path, (size_t)(slash - json_path + (slash == json_path)))
                   : strdup(".");
    if (st.dir == NULL) {
        broken(&st, "out of memory");
        goto done;
    }
    json_error_t jerr;
    root = json_load_file(json_path, JSON_ALLOW_NUL, &jerr);
    if (root == NULL) {
        broken(&st, "cannot load %s: %s (line %d)", json_path, jerr.text, jerr.line);
        goto done;
    }
    const json_t *cmds = json_object_get(root, "commands");
    if (!json_is_array(cmds)) {
        broken(&st, "%s has no \"commands\" array", json_path);
        goto done;
    }
    wvm_config config;
    wvm_config_default(&config);
    config.metering = opts->metering;
    config.cost_model = opts->cost_model;
    st.engine = wvm_engine_new(&config);
    st.store = st.engine ? wvm_store_new(st.engine, NULL) : NULL;
    st.linker = st.engine ? wvm_linker_new(st.engine) : NULL;
    if (st.store == NULL || st.linker == NULL) {
        broken(&st, "cannot create the engine, store or linker (out of memory)");
        goto done;
    }
    if (opts->metering != WVM_METER_OFF)
        wvm_store_set_fuel(st.store, RUNNER_AMPLE_FUEL);
    wvm_error err = {.func_index = WVM_NO_FUNC};
    wvm_status status = spectest_define(st.linker, st.store, &err);
    if (status != WVM_OK) {
        char why[512];
        describe_error(status, &err, why, sizeof why);
        broken(&st, "spectest_define failed: %s", why);
        goto done;
    }
    if (st.count_gas) {
        status = gas_meter_define(&st.gas, st.engine, st.linker, st.store, &err);
        if (status != WVM_OK) {
            char why[512];
            describe_error(status, &err, why, sizeof why);
            broken(&st, "cannot set up the gas meter: %s", why);
            goto done;
        }
    }
    for (size_t i = 0; i < json_array_size(cmds); i++) {
        const json_t *cmd = json_array_get(cmds, i);
        if (progress) {
            const json_t *jline = json_object_get(cmd, "line");
            progress->line = json_is_integer(jline) ? (uint32_t)json_integer_value(jline) : 0;
        }
        run_command(&st, cmd, i);
        if (progress) {
            progress->passed = out->counts.passed;
            progress->failed = out->counts.failed;
            progress->skipped = out->counts.skipped;
        }
    }

done:
    if (st.linker)
        wvm_linker_delete(st.linker);
    if (st.store)
        wvm_store_delete(st.store);
    for (size_t i = 0; i < st.module_count; i++)
        wvm_module_delete(st.modules[i]);
    free(st.modules);
    if (st.engine)
        wvm_engine_delete(st.engine);
    gas_meter_free(&st.gas);
    for (size_t i = 0; i < st.named_count; i++)
        free(st.named[i].name);
    free(st.named);
    for (size_t i = 0; i < st.registered_count; i++)
        free(st.registered[i].name);
    free(st.registered);
    free(st.dir);
    json_decref(root);
    if (out->fuel_log.oom)
        broken(&st, "out of memory for the fuel log");
    if (out->details.oom)
        out->broken = true;
}

void runner_result_free(runner_result *result)
{
    strbuf_free(&result->details);
    strbuf_free(&result->fuel_log);
    *result = (runner_result){0};
}
