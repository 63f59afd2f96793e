/* --instrument: modules metered by wvm_instrument and run on an unmetered engine, their gas
 * counted by the harness.
 *
 * Every module file is rewritten by wvm_instrument (the import or the global backend, with
 * the run's cost model) before it is compiled. The harness then measures what the injected
 * code charges, per store (one per file):
 *   - import backend: the linker defines `env.gas (param i64)` as a host function adding its
 *     argument to gas_meter.imported (trapping "out of fuel" beyond RUNNER_AMPLE_FUEL, the
 *     budget a metered store gets, so the sum cannot overflow);
 *   - global backend: every instance exports its own `gas_left`, starting at
 *     RUNNER_AMPLE_FUEL; an invocation may run code of several instances (through imports
 *     and shared tables), so the gas charged so far is the sum over all of them of
 *     RUNNER_AMPLE_FUEL - gas_left.
 * Injected code cannot see the host entering Wasm: the runner adds the model's host entry
 * charge (wvm_cost_model_host_entry) for each call from the host into a Wasm function (an
 * invoke of one, a start function), and then the fuel logged equals native fuel. A call of
 * a host function from the host runs no Wasm and costs nothing natively: the spectest
 * functions are found by instantiating a probe module that imports and re-exports them all
 * (a function's wvm_func is the same whoever imports it). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The probe:
 * (module
 *   (import "spectest" "print" (func))
 *   (import "spectest" "print_i32" (func (param i32)))
 *   (import "spectest" "print_i64" (func (param i64)))
 *   (import "spectest" "print_f32" (func (param f32)))
 *   (import "spectest" "print_f64" (func (param f64)))
 *   (import "spectest" "print_i32_f32" (func (param i32 f32)))
 *   (import "spectest" "print_f64_f64" (func (param f64 f64)))
 *   (export "0" (func 0)) ... (export "6" (func 6)))
 * host/spectest.h lists the functions; a new one must be added here. */
static const uint8_t probe_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1e, 0x07, 0x60, 0x00, 0x00, 0x60,
    0x01, 0x7f, 0x00, 0x60, 0x01, 0x7e, 0x00, 0x60, 0x01, 0x7d, 0x00, 0x60, 0x01, 0x7c, 0x00,
    0x60, 0x02, 0x7f, 0x7d, 0x00, 0x60, 0x02, 0x7c, 0x7c, 0x00, 0x02, 0x98, 0x01, 0x07, 0x08,
    0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x05, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x00,
    0x00, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x09, 0x70, 0x72, 0x69, 0x6e,
    0x74, 0x5f, 0x69, 0x33, 0x32, 0x00, 0x01, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73,
    0x74, 0x09, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x36, 0x34, 0x00, 0x02, 0x08, 0x73,
    0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x09, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x66,
    0x33, 0x32, 0x00, 0x03, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x09, 0x70,
    0x72, 0x69, 0x6e, 0x74, 0x5f, 0x66, 0x36, 0x34, 0x00, 0x04, 0x08, 0x73, 0x70, 0x65, 0x63,
    0x74, 0x65, 0x73, 0x74, 0x0d, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x33, 0x32, 0x5f,
    0x66, 0x33, 0x32, 0x00, 0x05, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x0d,
    0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x66, 0x36, 0x34, 0x5f, 0x66, 0x36, 0x34, 0x00, 0x06,
    0x07, 0x1d, 0x07, 0x01, 0x30, 0x00, 0x00, 0x01, 0x31, 0x00, 0x01, 0x01, 0x32, 0x00, 0x02,
    0x01, 0x33, 0x00, 0x03, 0x01, 0x34, 0x00, 0x04, 0x01, 0x35, 0x00, 0x05, 0x01, 0x36, 0x00,
    0x06,
};
#define PROBE_FUNCS 7

const char *runner_instrument_name(runner_instrument backend)
{
    switch (backend) {
    case RUNNER_INSTRUMENT_NONE: return "none";
    case RUNNER_INSTRUMENT_IMPORT: return "import";
    case RUNNER_INSTRUMENT_GLOBAL: return "global";
    }
    return "?";
}

wvm_status gas_instrument(const uint8_t *bytes, size_t len, runner_instrument backend,
                          const wvm_cost_model *model, uint8_t **out, size_t *out_len,
                          wvm_error *err)
{
    wvm_instrument_options opts;
    wvm_instrument_options_default(&opts);
    opts.cost_model = model;
    opts.backend = backend == RUNNER_INSTRUMENT_GLOBAL ? WVM_GAS_GLOBAL : WVM_GAS_IMPORT;
    opts.gas_global_init = RUNNER_AMPLE_FUEL;
    return wvm_instrument(bytes, len, &opts, out, out_len, err);
}

/* env.gas: charges its argument (unsigned) to the meter. */
static wvm_trap_code gas_callback(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                  void *env)
{
    (void)results;
    gas_meter *m = env;
    uint64_t amount = (uint64_t)args[0].of.i64;
    if (amount > RUNNER_AMPLE_FUEL - m->imported) {
        wvm_caller_set_trap_message(caller, "out of gas (the harness's budget per file)");
        return WVM_TRAP_OUT_OF_FUEL;
    }
    m->imported += amount;
    return WVM_TRAP_NONE;
}

wvm_status gas_meter_define(gas_meter *m, wvm_engine *engine, wvm_linker *linker,
                            wvm_store *store, wvm_error *err)
{
    static const wvm_valkind i64 = WVM_I64;
    const wvm_functype gas_type = {.nparams = 1, .params = &i64};
    wvm_func *gas = wvm_func_new(store, &gas_type, gas_callback, m, NULL);
    if (gas == NULL) {
        *err = (wvm_error){.status = WVM_ERR_NOMEM, .func_index = WVM_NO_FUNC};
        snprintf(err->message, sizeof err->message, "cannot create env.gas");
        return WVM_ERR_NOMEM;
    }
    m->host_funcs[m->nhost++] = gas;
    const wvm_extern item = {.kind = WVM_EXTERN_FUNC, .of.func = gas};
    wvm_status status = wvm_linker_define(linker, "env", "gas", &item, err);
    if (status != WVM_OK)
        return status;

    wvm_module *probe = NULL;
    wvm_instance *instance = NULL;
    status = wvm_module_new(engine, probe_wasm, sizeof probe_wasm, &probe, err);
    if (status == WVM_OK)
        status = wvm_linker_instantiate(linker, store, probe, &instance, err);
    wvm_module_delete(probe);
    if (status != WVM_OK) {
        char why[sizeof err->message];
        memcpy(why, err->message, sizeof why);
        snprintf(err->message, sizeof err->message,
                 "the probe of the spectest functions failed (spec-tests/gas.c): %.180s", why);
        return status;
    }
    for (unsigned i = 0; i < PROBE_FUNCS; i++) {
        char name[2] = {(char)('0' + i), '\0'};
        wvm_func *f = wvm_instance_func(instance, name);
        if (f != NULL && m->nhost < GAS_HOST_FUNCS_MAX)
            m->host_funcs[m->nhost++] = f;
    }
    return WVM_OK;
}

bool gas_meter_track(gas_meter *m, wvm_instance *instance, char *why, size_t why_len)
{
    wvm_global *g = wvm_instance_global(instance, "gas_left");
    if (g == NULL || wvm_global_kind(g) != WVM_I64 || !wvm_global_is_mutable(g)) {
        snprintf(why, why_len, "the instance has no mutable i64 export \"gas_left\"");
        return false;
    }
    wvm_global **globals = realloc(m->globals, (m->nglobals + 1) * sizeof *globals);
    if (globals == NULL) {
        snprintf(why, why_len, "out of memory");
        return false;
    }
    m->globals = globals;
    m->globals[m->nglobals++] = g;
    return true;
}

uint64_t gas_meter_total(const gas_meter *m)
{
    uint64_t total = m->imported;
    for (size_t i = 0; i < m->nglobals; i++) {
        wvm_val v = {.kind = WVM_I64};
        wvm_global_get(m->globals[i], &v);
        /* Wraps when the instance ran out (gas_left = 2^64 - 1): only a trapped invocation
         * sees that, and its fuel is not compared. */
        total += RUNNER_AMPLE_FUEL - (uint64_t)v.of.i64;
    }
    return total;
}

bool gas_meter_is_host(const gas_meter *m, const wvm_func *func)
{
    for (size_t i = 0; i < m->nhost; i++)
        if (m->host_funcs[i] == func)
            return true;
    return false;
}

void gas_meter_free(gas_meter *m)
{
    free(m->globals);
    *m = (gas_meter){0};
}
