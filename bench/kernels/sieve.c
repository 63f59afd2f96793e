/* Memory-heavy loop: the sieve of Eratosthenes over a 1 MiB byte array, n passes with a
 * varying limit; strided stores and a sequential counting scan. */
#include "kernel.h"

#define SIEVE_SIZE (1u << 20)

static uint8_t composite[SIEVE_SIZE];

static uint32_t count_primes(uint32_t limit)
{
    k_memset(composite, 0, limit);
    uint32_t count = 0;
    for (uint32_t i = 2; i < limit; i++) {
        if (composite[i])
            continue;
        count++;
        for (uint32_t j = i * 2; j < limit; j += i)
            composite[j] = 1;
    }
    return count;
}

KERNEL_RUN(int32_t)
{
    uint32_t sum = 0;
    for (int32_t r = 0; r < n; r++)
        sum = sum * 7 + count_primes(SIEVE_SIZE - 4096 * (uint32_t)(r & 63));
    return (int32_t)sum;
}
