/* Construction of wasm_error values. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

wasm_status wasm_error_set(wasm_error *err, wasm_status status, size_t offset,
                           uint32_t func_index, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    err->offset = offset;
    err->func_index = func_index;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void wasm_error_clear(wasm_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->func_index = WASM_NO_FUNC;
}
