/* The smallest complete embedding of wvm (shown in the README): load examples/fib.wasm,
 * instantiate it, call fib(46) and print the result. Run from the project root. */
#include <stdio.h>

#include "wvm.h"

int main(void)
{
    wvm_error err;
    wvm_engine *engine = wvm_engine_new(NULL); /* default limits, no metering */
    wvm_store *store = wvm_store_new(engine, NULL);
    wvm_linker *linker = wvm_linker_new(engine);
    wvm_module *module = NULL;
    wvm_instance *instance = NULL;
    wvm_func *fib = NULL;
    int rc = 1;
    if (wvm_module_load(engine, "examples/fib.wasm", &module, &err) != WVM_OK ||
        wvm_linker_instantiate(linker, store, module, &instance, &err) != WVM_OK) {
        fprintf(stderr, "error: %s\n", err.message);
    } else if (!(fib = wvm_instance_func(instance, "fib"))) {
        fprintf(stderr, "error: no function export 'fib'\n");
    } else {
        wvm_val arg = {.kind = WVM_I32, .of.i32 = 46}, result;
        if (wvm_func_call(store, fib, &arg, 1, &result, 1, &err) == WVM_OK) {
            printf("fib(46) = %d\n", result.of.i32);
            rc = 0;
        } else {
            fprintf(stderr, "error: %s\n", err.message);
        }
    }
    wvm_module_delete(module);  /* instances keep what they need */
    wvm_linker_delete(linker);
    wvm_store_delete(store);    /* frees every instance, function and memory in it */
    wvm_engine_delete(engine);
    return rc;
}
