/* The CLI command `instrument`: rewrites a module with wvm_instrument (include/wvm.h) and
 * writes the result, replacing OUT only once the new contents are completely written. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes data[0..size) to the open descriptor fd; false with errno set on failure. */
static bool cli_write_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= (size_t)n;
    }
    return true;
}

/* Writes data to path. A regular file (or a new one) is replaced by renaming a complete
 * temporary file "PATH.tmp.XXXXXX" over it, so that readers never see a partial module and
 * a failure leaves the old file as it was; the new file gets the permissions a plain
 * creation would give (0666 less the umask). Anything else that exists at path (/dev/null,
 * /dev/stdout, a FIFO) is written in place: renaming over it would replace it. On failure
 * prints "error: cannot write PATH: <reason>" and returns false. */
static bool cli_write_file(const char *path, const uint8_t *data, size_t size, FILE *errf)
{
    int saved_errno = 0;
    char *tmp = NULL;
    int fd = -1;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        fd = open(path, O_WRONLY | O_TRUNC);
        if (fd < 0 || !cli_write_all(fd, data, size))
            goto fail;
        if (close(fd) != 0) {
            fd = -1;
            goto fail;
        }
        return true;
    }

    static const char suffix[] = ".tmp.XXXXXX";
    size_t len = strlen(path);
    tmp = malloc(len + sizeof suffix);
    if (!tmp) {
        errno = ENOMEM;
        goto fail;
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, suffix, sizeof suffix);
    fd = mkstemp(tmp); /* mode 0600: widened below to what creating the file would give */
    if (fd < 0) {
        free(tmp);
        tmp = NULL; /* nothing to remove */
        goto fail;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !cli_write_all(fd, data, size))
        goto fail;
    int rc = close(fd);
    fd = -1;
    if (rc != 0 || rename(tmp, path) != 0)
        goto fail;
    free(tmp);
    return true;

fail:
    saved_errno = errno;
    if (fd >= 0)
        close(fd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    fprintf(errf, "error: cannot write %s: %s\n", path, strerror(saved_errno));
    return false;
}

int cli_cmd_instrument(const cli_options *opts, FILE *out, FILE *errf)
{
    (void)out;
    int rc = CLI_EXIT_ERROR;
    uint8_t *bytes = NULL, *result = NULL;
    size_t size = 0, result_size = 0;
    wvm_cost_model *model = NULL;
    char *gas_module = NULL;
    wvm_error err;
    cli_error_init(&err);

    if (!cli_read_file(opts->file, &bytes, &size, errf) ||
        !cli_load_cost_model(opts->cost_model, &model, errf))
        goto done;

    wvm_instrument_options io;
    wvm_instrument_options_default(&io);
    io.cost_model = model;
    io.backend = opts->backend;
    if (opts->gas_name) {
        /* --gas-import MODULE.NAME: NAME is NUL-terminated in argv, MODULE is copied. */
        gas_module = malloc(opts->gas_module_len + 1);
        if (!gas_module) {
            fprintf(errf, "error: out of memory\n");
            goto done;
        }
        memcpy(gas_module, opts->gas_module, opts->gas_module_len);
        gas_module[opts->gas_module_len] = '\0';
        io.gas_module = gas_module;
        io.gas_name = opts->gas_name;
    }
    if (opts->gas_global)
        io.gas_global = opts->gas_global;
    if (opts->backend == WVM_GAS_GLOBAL)
        io.gas_global_init = opts->gas_limit;

    wvm_status st = wvm_instrument(bytes, size, &io, &result, &result_size, &err);
    if (st != WVM_OK) {
        /* Errors about the module's bytes carry their offset; other errors (an unusable
         * cost model, a name clash found before any byte) only when they have one. */
        bool with_offset =
            st == WVM_ERR_MALFORMED || st == WVM_ERR_INVALID || err.offset != 0;
        rc = cli_report(&err, with_offset, errf);
        goto done;
    }
    if (!cli_write_file(opts->output, result, result_size, errf))
        goto done;
    rc = CLI_EXIT_OK;

done:
    free(result);
    free(gas_module);
    wvm_cost_model_delete(model);
    free(bytes);
    return rc;
}
