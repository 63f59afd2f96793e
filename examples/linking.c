/* linking: one Wasm module calling another through the linker.
 *
 * examples/math.wasm exports add and square. Once instantiated, its exports are registered in
 * the linker under the module name "math"; examples/calc.wasm imports "math" "add" and
 * "math" "square", so instantiating it with the same linker links its imports to math's
 * functions. The host then calls calc's export sum_of_squares(3, 4).
 * Build: cc -Iinclude examples/linking.c build/libwvm.a -lm -o build/linking
 * Run from the project root: ./build/linking
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "wvm.h"

/* Reads a .wasm file and compiles it; prints the error and returns NULL on failure. */
static wvm_module *load_module(wvm_engine *engine, const char *path)
{
    wvm_module *module = NULL;
    wvm_error err;
    if (wvm_module_load(engine, path, &module, &err) != WVM_OK)
        fprintf(stderr, "%s\n", err.message);
    return module;
}

int main(void)
{
    int rc = 1;
    wvm_error err;
    wvm_engine *engine = wvm_engine_new(NULL); /* default limits, no fuel metering */
    wvm_store *store = wvm_store_new(engine, NULL);
    wvm_linker *linker = wvm_linker_new(engine);
    wvm_module *math = load_module(engine, "examples/math.wasm");
    wvm_module *calc = load_module(engine, "examples/calc.wasm");
    wvm_instance *math_inst = NULL, *calc_inst = NULL;
    if (!math || !calc)
        goto out;

    /* 1. Instantiate math (it has no imports), then define all its exports in the linker
     *    as "math" "add" and "math" "square". */
    if (wvm_linker_instantiate(linker, store, math, &math_inst, &err) != WVM_OK ||
        wvm_linker_define_instance(linker, "math", math_inst, &err) != WVM_OK)
        goto fail;

    /* 2. Instantiate calc: the linker resolves its two imports to math's functions (and
     *    checks their types). Both instances live in the same store. */
    if (wvm_linker_instantiate(linker, store, calc, &calc_inst, &err) != WVM_OK)
        goto fail;

    /* 3. Look up calc's export and call it. Arguments and results are typed wvm_vals. */
    wvm_func *sum_of_squares = wvm_instance_func(calc_inst, "sum_of_squares");
    if (!sum_of_squares) {
        fprintf(stderr, "calc has no function sum_of_squares\n");
        goto out;
    }
    wvm_val args[2] = {{.kind = WVM_I32, .of.i32 = 3}, {.kind = WVM_I32, .of.i32 = 4}};
    wvm_val result;
    if (wvm_func_call(store, sum_of_squares, args, 2, &result, 1, &err) != WVM_OK)
        goto fail;
    printf("sum_of_squares(3, 4) = %d\n", result.of.i32);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "error: %s\n", err.message);
out:
    /* Modules and the linker are independent of the store; instances die with the store. */
    wvm_module_delete(calc);
    wvm_module_delete(math);
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    wvm_engine_delete(engine);
    return rc;
}
