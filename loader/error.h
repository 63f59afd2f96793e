/* Diagnostics shared by every layer: an error value with its location. */
#ifndef WVM_LOADER_ERROR_H
#define WVM_LOADER_ERROR_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    WASM_OK = 0,
    WASM_ERR_MALFORMED,   /* the bytes are not a well-formed binary module */
    WASM_ERR_INVALID,     /* well-formed, but fails validation */
    WASM_ERR_UNLINKABLE,  /* an import cannot be resolved or has the wrong type */
    WASM_ERR_TRAP,        /* execution trapped (including during instantiation) */
    WASM_ERR_NOMEM,       /* allocation failed or a resource limit was exceeded */
    WASM_ERR_UNSUPPORTED, /* a feature wvm does not implement yet (e.g. SIMD) */
    WASM_ERR_USAGE,       /* the embedder called an API incorrectly */
} wasm_status;

#define WASM_NO_FUNC UINT32_MAX

typedef struct {
    wasm_status status;
    size_t offset;        /* byte offset in the module binary the error refers to */
    uint32_t func_index;  /* function index for errors in code, else WASM_NO_FUNC */
    char message[256];
} wasm_error;

/* Fills err (which may be NULL) and returns status. The message is printf-formatted. */
wasm_status wasm_error_set(wasm_error *err, wasm_status status, size_t offset,
                           uint32_t func_index, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

void wasm_error_clear(wasm_error *err);

#endif
