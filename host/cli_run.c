/* The CLI commands `run` and `validate` and the helpers every command shares, written
 * against the public API (include/wvm.h) only. Every failure is reported on errf as
 * "error: ..." and mapped to an exit code (see cli.h); nothing here aborts on user input. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

bool cli_read_file(const char *path, uint8_t **out, size_t *out_size, FILE *errf)
{
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0;
    int saved_errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        saved_errno = errno;
        goto fail;
    }
    for (;;) {
        if (size == cap) {
            size_t new_cap = cap ? cap * 2 : 64 * 1024;
            uint8_t *p = new_cap > cap ? realloc(buf, new_cap) : NULL;
            if (!p) {
                saved_errno = ENOMEM;
                goto fail;
            }
            buf = p;
            cap = new_cap;
        }
        size_t n = fread(buf + size, 1, cap - size, f);
        size += n;
        if (n == 0) {
            if (ferror(f)) {
                saved_errno = errno ? errno : EIO;
                goto fail;
            }
            break;
        }
    }
    fclose(f);
    *out = buf;
    *out_size = size;
    return true;

fail:
    if (f)
        fclose(f);
    free(buf);
    fprintf(errf, "error: cannot read %s: %s\n", path, strerror(saved_errno));
    return false;
}

void cli_error_init(wvm_error *err)
{
    memset(err, 0, sizeof *err);
    err->func_index = WVM_NO_FUNC;
}

int cli_report(const wvm_error *err, bool with_offset, FILE *errf)
{
    wvm_error copy = *err;
    if (copy.status == WVM_ERR_TRAP && copy.message[0] == '\0')
        snprintf(copy.message, sizeof copy.message, "%s", wvm_trap_name(copy.trap));
    char text[512];
    cli_format_error(&copy, with_offset, text, sizeof text);
    fprintf(errf, "error: %s\n", text);
    /* A trap below the first frame also shows how it was reached, innermost call first. */
    if (copy.backtrace_len > 1) {
        for (uint32_t i = 0; i < copy.backtrace_len; i++) {
            const wvm_frame *f = &copy.backtrace[i];
            if (f->name)
                fprintf(errf, "  at $%.*s (function %" PRIu32 ", offset 0x%" PRIx64 ")\n",
                        (int)f->name_len, f->name, f->func_index, f->offset);
            else
                fprintf(errf, "  at function %" PRIu32 " (offset 0x%" PRIx64 ")\n",
                        f->func_index, f->offset);
        }
    }
    return copy.status == WVM_ERR_TRAP ? CLI_EXIT_TRAP : CLI_EXIT_ERROR;
}

static const char *cli_extern_kind_name(wvm_externkind kind)
{
    switch (kind) {
    case WVM_EXTERN_FUNC: return "a function";
    case WVM_EXTERN_TABLE: return "a table";
    case WVM_EXTERN_MEMORY: return "a memory";
    case WVM_EXTERN_GLOBAL: return "a global";
    }
    return "not a function";
}

/* Calls export `name` of inst with the argument strings args[0..nargs), parsed by the
 * function's parameter types, and prints each result on its own line. */
static int cli_invoke(wvm_store *store, wvm_instance *inst, const char *name,
                      char *const *args, int nargs, FILE *out, FILE *errf)
{
    int rc = CLI_EXIT_ERROR;
    wvm_valkind *kinds = NULL;
    wvm_val *vals = NULL;
    wvm_error err;
    cli_error_init(&err);

    wvm_extern ext;
    if (!wvm_instance_export(inst, name, &ext)) {
        fprintf(errf, "error: the module has no export named '%s'\n", name);
        goto done;
    }
    if (ext.kind != WVM_EXTERN_FUNC) {
        fprintf(errf, "error: export '%s' is %s, not a function\n", name,
                cli_extern_kind_name(ext.kind));
        goto done;
    }
    wvm_func *func = ext.of.func;
    uint32_t nparams = wvm_func_param_count(func);
    uint32_t nresults = wvm_func_result_count(func);

    /* One allocation each for the kinds (params then results) and the values. */
    size_t total = (size_t)nparams + nresults;
    kinds = malloc((total ? total : 1) * sizeof *kinds);
    vals = malloc((total ? total : 1) * sizeof *vals);
    if (!kinds || !vals) {
        fprintf(errf, "error: out of memory\n");
        goto done;
    }
    for (uint32_t i = 0; i < nparams; i++)
        kinds[i] = wvm_func_param_kind(func, i);
    for (uint32_t i = 0; i < nresults; i++)
        kinds[nparams + i] = wvm_func_result_kind(func, i);

    if ((uint32_t)nargs != nparams) {
        char sig[256];
        cli_format_signature(kinds, nparams, kinds + nparams, nresults, sig, sizeof sig);
        fprintf(errf, "error: '%s' expects %" PRIu32 " argument%s, got %d\n", name, nparams,
                nparams == 1 ? "" : "s", nargs);
        fprintf(errf, "usage: wvm run FILE --invoke %s%s  (%s: %s)\n", name,
                nparams ? " ARG..." : "", name, sig);
        goto done;
    }
    for (uint32_t i = 0; i < nparams; i++) {
        char msg[320];
        if (cli_parse_value(kinds[i], args[i], &vals[i], msg, sizeof msg) != CLI_PARSE_OK) {
            fprintf(errf, "error: argument %" PRIu32 " of '%s': %s\n", i + 1, name, msg);
            goto done;
        }
    }

    wvm_val *results = vals + nparams;
    if (wvm_func_call(store, func, vals, nparams, results, nresults, &err) != WVM_OK) {
        rc = cli_report(&err, false, errf);
        goto done;
    }
    for (uint32_t i = 0; i < nresults; i++) {
        char text[64];
        cli_format_value(&results[i], text, sizeof text);
        fprintf(out, "%s\n", text);
    }
    rc = CLI_EXIT_OK;

done:
    free(vals);
    free(kinds);
    return rc;
}

bool cli_load_cost_model(const char *name, wvm_cost_model **out, FILE *errf)
{
    *out = NULL;
    if (!name)
        return true;
    if (strcmp(name, "default") == 0 || strcmp(name, "uniform") == 0) {
        *out = wvm_cost_model_preset(name);
        if (!*out) {
            fprintf(errf, "error: out of memory\n");
            return false;
        }
        return true;
    }
    wvm_error err;
    cli_error_init(&err);
    if (wvm_cost_model_load(name, out, &err) != WVM_OK) {
        /* The loader's messages name the file (and line): "costs.txt:3: ...". */
        char text[512];
        cli_format_error(&err, false, text, sizeof text);
        if (strstr(text, name))
            fprintf(errf, "error: --cost-model: %s\n", text);
        else
            fprintf(errf, "error: --cost-model: %s: %s\n", name, text);
        return false;
    }
    return true;
}

/* Creates the engine for metering mode `metering` (WVM_METER_OFF without --fuel) and the
 * cost model of --cost-model. Returns CLI_EXIT_OK, or prints the error and returns its exit
 * code. */
static int cli_new_engine(const cli_options *opts, wvm_meter_mode metering, wvm_engine **out,
                          FILE *errf)
{
    wvm_config config;
    wvm_config_default(&config);
    wvm_cost_model *model = NULL;
    if (metering != WVM_METER_OFF) {
        config.metering = metering;
        if (!cli_load_cost_model(opts->cost_model, &model, errf))
            return CLI_EXIT_ERROR;
        config.cost_model = model; /* NULL: the default preset */
    }
    *out = wvm_engine_new(&config);
    wvm_cost_model_delete(model); /* the engine keeps a copy */
    if (!*out) {
        fprintf(errf, "error: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

/* After the module failed to load in the instrument or premetered mode: if it loads in the
 * native mode, the mode was the problem (a module imports a gas function or not); says which
 * mode fits. */
static void cli_explain_meter_mode(wvm_meter_mode metering, const uint8_t *bytes, size_t size,
                                   FILE *errf)
{
    if (metering != WVM_METER_INSTRUMENT && metering != WVM_METER_PREMETERED)
        return;
    wvm_config config;
    wvm_config_default(&config);
    config.metering = WVM_METER_NATIVE;
    wvm_engine *engine = wvm_engine_new(&config);
    wvm_module *module = NULL;
    wvm_error err;
    cli_error_init(&err);
    if (engine && wvm_module_new(engine, bytes, size, &module, &err) == WVM_OK) {
        bool gas = wvm_module_gas_import(module, NULL);
        if (metering == WVM_METER_INSTRUMENT && gas)
            fprintf(errf, "note: the module is pre-metered (it imports a gas function): run it "
                          "with --meter premetered, or with --fuel and no --meter\n");
        else if (metering == WVM_METER_PREMETERED && !gas)
            fprintf(errf, "note: the module imports no gas function: run it with --meter "
                          "native, or instrument it first (wvm instrument FILE -o OUT)\n");
    }
    wvm_module_delete(module);
    wvm_engine_delete(engine);
}

/* Creates the engine and the module for opts. --fuel without --meter meters natively, but a
 * module that imports a gas function was metered by an instrumenter (`wvm instrument` or
 * another one): it is loaded again with WVM_METER_PREMETERED, which binds that import to the
 * store's fuel. *metering is the mode used. Returns CLI_EXIT_OK, or prints the error and
 * returns its exit code (*engine may then need deleting). */
static int cli_load_module(const cli_options *opts, const uint8_t *bytes, size_t size,
                           wvm_engine **engine, wvm_module **module, wvm_meter_mode *metering,
                           FILE *errf)
{
    *metering = opts->metering;
    int rc = cli_new_engine(opts, *metering, engine, errf);
    if (rc != CLI_EXIT_OK)
        return rc;
    wvm_error err;
    cli_error_init(&err);
    if (wvm_module_new(*engine, bytes, size, module, &err) != WVM_OK) {
        rc = cli_report(&err, true, errf);
        cli_explain_meter_mode(*metering, bytes, size, errf);
        return rc;
    }
    if (*metering != WVM_METER_NATIVE || opts->meter_given ||
        !wvm_module_gas_import(*module, NULL))
        return CLI_EXIT_OK;

    wvm_module_delete(*module);
    *module = NULL;
    wvm_engine_delete(*engine);
    *engine = NULL;
    *metering = WVM_METER_PREMETERED;
    rc = cli_new_engine(opts, *metering, engine, errf);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_error_init(&err);
    if (wvm_module_new(*engine, bytes, size, module, &err) != WVM_OK)
        return cli_report(&err, true, errf);
    return CLI_EXIT_OK;
}

/* After a failed instantiation: when what could not be linked is the module's gas import
 * (the linker's message names it as "MODULE" "NAME"), says how to run the module. The CLI's
 * linker defines nothing, so that import links only in a mode that binds it to fuel. */
static void cli_explain_gas_import(wvm_meter_mode metering, const wvm_module *module,
                                   const wvm_error *err, FILE *errf)
{
    uint32_t index;
    wvm_importtype imp;
    bool binds = metering == WVM_METER_PREMETERED || metering == WVM_METER_INSTRUMENT;
    if (binds || err->status != WVM_ERR_UNLINKABLE || !wvm_module_gas_import(module, &index) ||
        !wvm_module_import(module, index, &imp))
        return;
    char message[sizeof err->message + 1]; /* err->message may lack a terminator */
    snprintf(message, sizeof message, "%.*s", (int)sizeof err->message, err->message);
    char quoted[160];
    snprintf(quoted, sizeof quoted, "\"%.*s\" \"%.*s\"", (int)imp.module_len, imp.module,
             (int)imp.name_len, imp.name);
    if (!strstr(message, quoted))
        return;
    fprintf(errf,
            "note: %.*s.%.*s is the gas import of a pre-metered module (instrumented by `wvm "
            "instrument` or another instrumenter): ",
            (int)imp.module_len, imp.module, (int)imp.name_len, imp.name);
    if (metering == WVM_METER_OFF)
        fprintf(errf, "run it with --fuel N to bind the import to fuel\n");
    else
        fprintf(errf, "use --meter premetered instead of --meter %s to bind it to fuel\n",
                metering == WVM_METER_NATIVE ? "native" : "reference");
}

int cli_cmd_run(const cli_options *opts, FILE *out, FILE *errf)
{
    int rc = CLI_EXIT_ERROR;
    uint8_t *bytes = NULL;
    size_t size = 0;
    wvm_engine *engine = NULL;
    wvm_module *module = NULL;
    wvm_store *store = NULL;
    wvm_linker *linker = NULL;
    wvm_instance *inst = NULL;
    wvm_error err;
    cli_error_init(&err);

    wvm_meter_mode metering = opts->metering;
    if (!cli_read_file(opts->file, &bytes, &size, errf))
        goto done;
    rc = cli_load_module(opts, bytes, size, &engine, &module, &metering, errf);
    if (rc != CLI_EXIT_OK)
        goto done;
    rc = CLI_EXIT_ERROR;
    store = wvm_store_new(engine, NULL);
    linker = wvm_linker_new(engine); /* nothing defined: any import is unlinkable */
    if (!store || !linker)
        goto nomem;
    if (opts->metering != WVM_METER_OFF)
        wvm_store_set_fuel(store, opts->fuel); /* before instantiation: start costs fuel */
    cli_error_init(&err);
    if (wvm_linker_instantiate(linker, store, module, &inst, &err) != WVM_OK) {
        rc = cli_report(&err, false, errf);
        cli_explain_gas_import(metering, module, &err, errf);
        goto done;
    }

    if (opts->invoke) {
        rc = cli_invoke(store, inst, opts->invoke, opts->args, opts->nargs, out, errf);
    } else {
        wvm_extern start;
        if (wvm_instance_export(inst, "_start", &start) && start.kind == WVM_EXTERN_FUNC)
            rc = cli_invoke(store, inst, "_start", NULL, 0, out, errf);
        else
            rc = CLI_EXIT_OK;
    }
    goto done;

nomem:
    fprintf(errf, "error: out of memory\n");
done:
    /* After every outcome of the run (success, trap, out of fuel, bad argument), once a
     * store exists: the start function may have consumed fuel even if no call followed. */
    if (opts->report_fuel && store)
        fprintf(errf, "fuel consumed: %" PRIu64 ", remaining: %" PRIu64 "\n",
                wvm_store_fuel_consumed(store), wvm_store_fuel(store));
    /* Instances live in the store; the store may refer to the module and the engine. */
    if (linker)
        wvm_linker_delete(linker);
    if (store)
        wvm_store_delete(store);
    if (module)
        wvm_module_delete(module);
    if (engine)
        wvm_engine_delete(engine);
    free(bytes);
    return rc;
}

int cli_cmd_validate(const cli_options *opts, FILE *out, FILE *errf)
{
    (void)out;
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (!cli_read_file(opts->file, &bytes, &size, errf))
        return CLI_EXIT_ERROR;
    wvm_error err;
    cli_error_init(&err);
    int rc = CLI_EXIT_OK;
    if (wvm_module_validate(bytes, size, &err) != WVM_OK)
        rc = cli_report(&err, true, errf);
    free(bytes);
    return rc;
}
