/* host_string: a host function that reads a string from the calling module's memory.
 *
 * examples/greet.wasm imports env.log(ptr i32, len i32) and calls it with the address and
 * length of a UTF-8 string in its memory ("Hello from Wasm!", from a data segment). The host
 * function finds the caller's exported memory, checks that [ptr, ptr + len) lies inside it
 * and prints the bytes. A range outside the memory makes it trap with WVM_TRAP_HOST and a
 * message, which the host sees in the wvm_error of the call (greet.wasm's bad_log does that).
 * Build: cc -Iinclude examples/host_string.c build/libwvm.a -lm -o build/host_string
 * Run from the project root: ./build/host_string
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

/* env.log(ptr, len): args are exactly the declared parameters (two i32s); no results. */
static wvm_trap_code host_log(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    (void)results;
    (void)env;
    /* Wasm addresses are unsigned: reinterpret the i32s. */
    uint32_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
    /* The caller's memory: the calling instance's export named "memory". */
    wvm_memory *mem = wvm_caller_memory(caller, "memory");
    if (!mem) {
        wvm_caller_set_trap_message(caller, "log: the caller exports no memory");
        return WVM_TRAP_HOST;
    }
    /* Bounds check in 64 bits, so that ptr + len cannot wrap around. */
    if ((uint64_t)ptr + len > wvm_memory_size_bytes(mem)) {
        char msg[96];
        snprintf(msg, sizeof msg, "log: string [%u, %llu) is outside the %zu-byte memory", ptr,
                 (unsigned long long)ptr + len, wvm_memory_size_bytes(mem));
        wvm_caller_set_trap_message(caller, msg);
        return WVM_TRAP_HOST;
    }
    /* The data pointer is only valid until the memory grows: use it right away. */
    const char *text = (const char *)wvm_memory_data(mem) + ptr;
    printf("log: %.*s\n", (int)len, text);
    return WVM_TRAP_NONE;
}

int main(void)
{
    int rc = 1;
    wvm_error err = {0};
    wvm_engine *engine = wvm_engine_new(NULL);
    wvm_store *store = wvm_store_new(engine, NULL);
    wvm_linker *linker = wvm_linker_new(engine);
    wvm_module *module = load_module(engine, "examples/greet.wasm");
    wvm_instance *inst = NULL;
    wvm_func *greet, *bad_log;
    if (!module)
        goto out;

    /* Define env.log as a host function of type (i32, i32) -> (). The function is created
     * in (and owned by) the store; the linker only names it. */
    static const wvm_valkind log_params[2] = {WVM_I32, WVM_I32};
    wvm_functype log_type = {.nparams = 2, .nresults = 0, .params = log_params};
    if (wvm_linker_define_func(linker, store, "env", "log", &log_type, host_log, NULL, NULL,
                               &err) != WVM_OK ||
        wvm_linker_instantiate(linker, store, module, &inst, &err) != WVM_OK)
        goto fail;
    greet = wvm_instance_func(inst, "greet");
    bad_log = wvm_instance_func(inst, "bad_log");
    if (!greet || !bad_log) {
        fprintf(stderr, "greet.wasm lacks its exports\n");
        goto out;
    }

    /* greet() logs the greeting. */
    if (wvm_func_call(store, greet, NULL, 0, NULL, 0, &err) != WVM_OK)
        goto fail;

    /* bad_log() passes a string that runs off the end of memory: log traps, and the call
     * fails with WVM_ERR_TRAP, trap code WVM_TRAP_HOST and the host's message. */
    wvm_status st = wvm_func_call(store, bad_log, NULL, 0, NULL, 0, &err);
    if (st != WVM_ERR_TRAP || err.trap != WVM_TRAP_HOST) {
        fprintf(stderr, "bad_log: expected a host trap\n");
        goto out;
    }
    printf("bad_log trapped (%s): %s\n", wvm_trap_name(err.trap), err.message);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "error: %s\n", err.message[0] ? err.message : "out of memory");
out:
    wvm_module_delete(module);
    wvm_linker_delete(linker);
    wvm_store_delete(store); /* frees the instance and the host function */
    wvm_engine_delete(engine);
    return rc;
}
