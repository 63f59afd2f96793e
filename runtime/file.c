/* Reading whole files for the API's path-taking functions (modules, cost models). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

wvm_status rt_read_file(const char *path, size_t max, const char *what, uint8_t **data,
                        size_t *len, wvm_error *err)
{
    wvm_status st = WVM_OK;
    size_t cap = 4096, n = 0;
    uint8_t *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return rt_error(err, WVM_ERR_IO, 0, WVM_NO_FUNC, "cannot open '%s': %s", path,
                        strerror(errno));
    buf = malloc(cap);
    if (!buf)
        goto nomem;
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (ferror(f)) {
            int e = errno;
            st = rt_error(err, WVM_ERR_IO, 0, WVM_NO_FUNC, "cannot read '%s': %s", path,
                          strerror(e));
            goto fail;
        }
        if (n < cap)
            break; /* a short read without an error: the end of the file */
        if (n > max) {
            st = rt_error(err, WVM_ERR_IO, 0, WVM_NO_FUNC,
                          "'%s' is too large for %s (over %zu bytes)", path, what, max);
            goto fail;
        }
        /* One byte past the limit tells a file of exactly the limit from a larger one. */
        size_t ncap = cap * 2 > max ? max + 1 : cap * 2;
        uint8_t *nbuf = realloc(buf, ncap);
        if (!nbuf)
            goto nomem;
        buf = nbuf;
        cap = ncap;
    }
    fclose(f);
    *data = buf;
    *len = n;
    return WVM_OK;

nomem:
    st = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory reading '%s'", path);
fail:
    free(buf);
    fclose(f);
    return st;
}

wvm_status wvm_module_load(wvm_engine *engine, const char *path, wvm_module **out,
                           wvm_error *err)
{
    if (out)
        *out = NULL;
    if (!engine || !path || !out)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wvm_module_load: engine, path and out must not be NULL");
    uint8_t *bytes;
    size_t size;
    wvm_status st = rt_read_file(path, RT_MODULE_FILE_MAX, "a module", &bytes, &size, err);
    if (st != WVM_OK)
        return st;
    st = wvm_module_new(engine, bytes, size, out, err);
    free(bytes);
    return st;
}
