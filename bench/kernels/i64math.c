/* i64 arithmetic: splitmix64, 64-bit multiply-mix, rotations, and division and remainder by
 * variable 64-bit divisors (a modular exponentiation). */
#include "kernel.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* a * b mod m for m < 2^32 (the product fits in 64 bits). */
static uint64_t powmod(uint64_t base, uint64_t exp, uint64_t m)
{
    uint64_t r = 1 % m;
    base %= m;
    while (exp) {
        if (exp & 1)
            r = r * base % m;
        base = base * base % m;
        exp >>= 1;
    }
    return r;
}

KERNEL_RUN(int64_t)
{
    uint64_t s = 42, acc = 0;
    for (int32_t i = 0; i < n; i++) {
        uint64_t a = splitmix(&s), b = splitmix(&s);
        uint64_t m = (b >> 33) | 1;
        acc += powmod(a, b >> 48, m);
        acc ^= (a / ((b >> 20) | 1)) + (int64_t)a % (int64_t)((b >> 40) | 3);
        acc = (acc << 13) | (acc >> 51);
    }
    return (int64_t)acc;
}
