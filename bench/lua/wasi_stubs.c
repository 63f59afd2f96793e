/* The WASI functions wasi-libc imports, defined here so that bench/wasm/lua.wasm imports
 * nothing and runs on any engine (a defined symbol takes the place of wasi-libc's import).
 * Lua only reaches them through stdio and the clock, which the benchmark does not use for its
 * result: output is discarded, input is empty, the clock stands at 0 (deterministic), and
 * everything else reports EBADF, as for a process with no files. */
#include <stdint.h>

#define WASI_ERRNO_BADF 8
#define WASI(name) __imported_wasi_snapshot_preview1_##name

int32_t WASI(clock_time_get)(int32_t id, int64_t precision, int32_t time_out)
{
    *(uint64_t *)(uintptr_t)time_out = 0;
    return 0;
}

/* Writes nothing, reporting every byte of the iovecs (ptr, len pairs) written. */
int32_t WASI(fd_write)(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten_out)
{
    const uint32_t *iov = (const uint32_t *)(uintptr_t)iovs;
    uint32_t total = 0;
    for (int32_t i = 0; i < iovs_len; i++)
        total += iov[2 * i + 1];
    *(uint32_t *)(uintptr_t)nwritten_out = total;
    return 0;
}

int32_t WASI(fd_read)(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread_out)
{
    *(uint32_t *)(uintptr_t)nread_out = 0;
    return 0;
}

int32_t WASI(fd_close)(int32_t fd) { return WASI_ERRNO_BADF; }
int32_t WASI(fd_fdstat_get)(int32_t fd, int32_t out) { return WASI_ERRNO_BADF; }
int32_t WASI(fd_fdstat_set_flags)(int32_t fd, int32_t flags) { return WASI_ERRNO_BADF; }
int32_t WASI(fd_prestat_get)(int32_t fd, int32_t out) { return WASI_ERRNO_BADF; }
int32_t WASI(fd_prestat_dir_name)(int32_t fd, int32_t path, int32_t len)
{
    return WASI_ERRNO_BADF;
}
int32_t WASI(fd_renumber)(int32_t fd, int32_t to) { return WASI_ERRNO_BADF; }
int32_t WASI(fd_seek)(int32_t fd, int64_t offset, int32_t whence, int32_t out)
{
    return WASI_ERRNO_BADF;
}
int32_t WASI(path_open)(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                        int32_t oflags, int64_t rights, int64_t inheriting, int32_t fdflags,
                        int32_t fd_out)
{
    return WASI_ERRNO_BADF;
}

_Noreturn void WASI(proc_exit)(int32_t code) { __builtin_trap(); }
