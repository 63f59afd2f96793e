/* Shared by every benchmark kernel: the entry point and a few helpers. Each kernel is one C
 * file compiled twice from the same source: to wasm32 by clang (no libc; build-kernels.sh),
 * exporting `run`, and natively by gcc with native_main.c, which calls bench_run.
 *
 * Kernels must compute the same checksum on both targets: they use only fixed-width types
 * (long and pointers differ between wasm32 and x86-64), unsigned arithmetic wherever it may
 * wrap, and no library calls but the builtins below (memory.copy / memory.fill in Wasm). */
#ifndef BENCH_KERNEL_H
#define BENCH_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* KERNEL_RUN(type) { body } defines `type run(int32_t n)`, the exported entry point, whose
 * result (i32 or i64) is the checksum. Natively it also defines bench_run, which widens the
 * result (sign-extending an i32, as the wvm CLI prints it) for native_main.c. */
#ifdef __wasm__
#define KERNEL_RUN(type) type run(int32_t n)
#else
#define KERNEL_RUN(type)                                                                       \
    type run(int32_t n);                                                                       \
    int64_t bench_run(int32_t n);                                                              \
    int64_t bench_run(int32_t n) { return run(n); }                                            \
    type run(int32_t n)
#endif

#define k_memcpy(d, s, len) __builtin_memcpy((d), (s), (len))
#define k_memset(d, c, len) __builtin_memset((d), (c), (len))
#define k_memmove(d, s, len) __builtin_memmove((d), (s), (len))

/* A small deterministic generator (xorshift32); state must not be 0. */
static inline uint32_t k_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* FNV-1a step over a 32-bit value, for checksums. */
static inline uint32_t k_mix(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 16777619u;
    }
    return h;
}

static inline uint64_t k_f64_bits(double d)
{
    uint64_t u;
    k_memcpy(&u, &d, sizeof u);
    return u;
}

#endif
