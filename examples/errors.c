/* errors: how wvm reports errors, shown on examples/errors.wasm.
 *
 *   (a) instantiating a module whose import is not defined: WVM_ERR_UNLINKABLE;
 *   (b) a trap three calls deep: WVM_ERR_TRAP, the trap code, and a backtrace of Wasm frames;
 *   (c) calling a function with an argument of the wrong type: WVM_ERR_USAGE.
 * Every fallible call returns a wvm_status and fills a caller-owned wvm_error. The program
 * checks that each error is the one expected: it exits 0 if all three are, else 1.
 * Build: cc -Iinclude examples/errors.c build/libwvm.a -lm -o build/errors
 * Run from the project root: ./build/errors
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

/* Prints a function type as "func (i32) -> ()". */
static void print_functype(const wvm_functype *type)
{
    printf("func (");
    for (uint32_t i = 0; i < type->nparams; i++)
        printf("%s%s", i ? ", " : "", wvm_valkind_name(type->params[i]));
    printf(") -> (");
    for (uint32_t i = 0; i < type->nresults; i++)
        printf("%s%s", i ? ", " : "", wvm_valkind_name(type->results[i]));
    printf(")");
}

/* env.print(i32): prints its argument. */
static wvm_trap_code host_print(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                void *env)
{
    (void)caller;
    (void)results;
    (void)env;
    printf("print: %d\n", args[0].of.i32);
    return WVM_TRAP_NONE;
}

int main(void)
{
    int failures = 0, rc = 1;
    wvm_error err;
    wvm_status st;
    wvm_engine *engine = wvm_engine_new(NULL);
    wvm_store *store = wvm_store_new(engine, NULL);
    wvm_linker *linker = wvm_linker_new(engine);
    wvm_module *module = load_module(engine, "examples/errors.wasm");
    wvm_instance *inst = NULL;
    wvm_func *outer = NULL;
    if (!module)
        goto out;

    /* (a) The linker is still empty, so env.print cannot be resolved. */
    printf("(a) instantiate without env.print\n");
    st = wvm_linker_instantiate(linker, store, module, &inst, &err);
    if (st == WVM_ERR_UNLINKABLE) {
        printf("    unlinkable: %s\n", err.message);
        /* The module's imports and the types they require, by introspection. */
        for (uint32_t i = 0; i < wvm_module_import_count(module); i++) {
            wvm_importtype imp;
            wvm_module_import(module, i, &imp);
            printf("    import %u: \"%.*s\" \"%.*s\" expects ", i, (int)imp.module_len,
                   imp.module, (int)imp.name_len, imp.name);
            if (imp.type.kind == WVM_EXTERN_FUNC)
                print_functype(&imp.type.of.func);
            else
                printf("a table, memory or global");
            printf("\n");
        }
    } else {
        printf("    FAIL: expected WVM_ERR_UNLINKABLE, got status %d\n", st);
        failures++;
    }

    /* Define env.print, of type (i32) -> (): now the module instantiates. */
    static const wvm_valkind print_params[1] = {WVM_I32};
    wvm_functype print_type = {.nparams = 1, .nresults = 0, .params = print_params};
    if (wvm_linker_define_func(linker, store, "env", "print", &print_type, host_print, NULL,
                               NULL, &err) != WVM_OK ||
        wvm_linker_instantiate(linker, store, module, &inst, &err) != WVM_OK ||
        !(outer = wvm_instance_func(inst, "outer"))) {
        fprintf(stderr, "cannot instantiate errors.wasm\n");
        goto out;
    }

    /* (b) outer(0) -> middle(0) -> inner(0) divides by zero. The backtrace lists the Wasm
     *     frames innermost first: the trap site, then each caller at its call instruction. */
    printf("(b) outer(0)\n");
    wvm_val arg = {.kind = WVM_I32, .of.i32 = 0}, result;
    st = wvm_func_call(store, outer, &arg, 1, &result, 1, &err);
    if (st == WVM_ERR_TRAP && err.trap == WVM_TRAP_INT_DIVIDE_BY_ZERO &&
        err.backtrace_len == 3) {
        printf("    trap: %s\n", err.message);
        for (uint32_t i = 0; i < err.backtrace_len; i++) {
            const wvm_frame *f = &err.backtrace[i];
            /* f->name is not NUL-terminated, and NULL without a name section. */
            printf("    #%u %s%.*s (function %u, offset 0x%llx)\n", i, f->name ? "$" : "",
                   f->name ? (int)f->name_len : 1, f->name ? f->name : "?", f->func_index,
                   (unsigned long long)f->offset);
        }
    } else {
        printf("    FAIL: expected a divide-by-zero trap with 3 frames, got status %d\n", st);
        failures++;
    }

    /* (c) outer takes an i32; passing an i64 is a usage error, caught before any Wasm runs. */
    printf("(c) outer with an i64 argument\n");
    arg = (wvm_val){.kind = WVM_I64, .of.i64 = 7};
    st = wvm_func_call(store, outer, &arg, 1, &result, 1, &err);
    if (st == WVM_ERR_USAGE) {
        printf("    usage error: %s\n", err.message);
    } else {
        printf("    FAIL: expected WVM_ERR_USAGE, got status %d\n", st);
        failures++;
    }

    printf("%s\n", failures ? "some errors were not reported as expected"
                            : "all errors reported as expected");
    rc = failures ? 1 : 0;
out:
    wvm_module_delete(module);
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    wvm_engine_delete(engine);
    return rc;
}
