/* fuel_slices: runs an exported function in slices of fuel, pausing and resuming it.
 *
 * Usage: fuel_slices [FILE [EXPORT [N [SLICE]]]]
 *   defaults: examples/fib.wasm fib 46 100. EXPORT takes one i32 (N) and returns one i32.
 *
 * Each slice adds SLICE fuel and runs the call until it completes or runs out of fuel; an
 * out-of-fuel call is resumed in the next slice, and finishes with the same result and the
 * same total fuel as one uninterrupted run.
 * Build: cc -Iinclude examples/fuel_slices.c build/libwvm.a -lm -o build/fuel_slices
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "wvm.h"

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "examples/fib.wasm";
    const char *name = argc > 2 ? argv[2] : "fib";
    int32_t n = argc > 3 ? (int32_t)strtol(argv[3], NULL, 0) : 46;
    uint64_t slice = argc > 4 ? strtoull(argv[4], NULL, 0) : 100;
    if (slice == 0) {
        fprintf(stderr, "usage: %s [FILE [EXPORT [N [SLICE]]]] (SLICE > 0)\n", argv[0]);
        return 2;
    }
    int rc = 1;
    wvm_error err = {0};

    wvm_config config;
    wvm_config_default(&config);
    config.metering = WVM_METER_NATIVE; /* with the default cost model */
    wvm_engine *engine = wvm_engine_new(&config);
    wvm_store *store = wvm_store_new(engine, NULL);
    wvm_linker *linker = wvm_linker_new(engine);
    wvm_module *module = NULL;
    wvm_instance *instance = NULL;
    wvm_extern ext;

    /* Load the file and instantiate it (no imports). */
    wvm_status st = wvm_module_load(engine, path, &module, &err);
    if (st == WVM_OK)
        st = wvm_linker_instantiate(linker, store, module, &instance, &err);
    if (st != WVM_OK) {
        fprintf(stderr, "%s\n", err.message);
        goto out;
    }
    if (!wvm_instance_export(instance, name, &ext) || ext.kind != WVM_EXTERN_FUNC) {
        fprintf(stderr, "%s: no function export '%s'\n", path, name);
        goto out;
    }

    /* The slice loop: start the call, then add fuel and resume while it runs out. */
    wvm_val arg = {.kind = WVM_I32, .of.i32 = n}, result;
    wvm_resumable *call = NULL;
    uint64_t start = wvm_store_fuel_consumed(store);
    unsigned slices = 1;
    wvm_store_add_fuel(store, slice);
    st = wvm_func_call_resumable(store, ext.of.func, &arg, 1, &result, 1, &call, &err);
    for (;;) {
        printf("slice %u: consumed %llu fuel so far\n", slices,
               (unsigned long long)(wvm_store_fuel_consumed(store) - start));
        if (!call)
            break;
        slices++;
        wvm_store_add_fuel(store, slice);
        st = wvm_resumable_resume(call, &result, 1, &err);
        if (st != WVM_ERR_TRAP || err.trap != WVM_TRAP_OUT_OF_FUEL)
            call = NULL; /* completed or failed: the handle is gone */
    }
    if (st != WVM_OK) {
        fprintf(stderr, "%s: %s\n", name, err.message);
        goto out;
    }
    printf("%s(%d) = %d: %llu fuel in %u slice%s of %llu\n", name, n, result.of.i32,
           (unsigned long long)(wvm_store_fuel_consumed(store) - start), slices,
           slices == 1 ? "" : "s", (unsigned long long)slice);
    rc = 0;
out:
    wvm_module_delete(module);
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    wvm_engine_delete(engine);
    return rc;
}
