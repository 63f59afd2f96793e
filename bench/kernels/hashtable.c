/* Memory-heavy loop: an open-addressing hash table (linear probing, 64 Ki slots of key and
 * value, 512 KiB) filled to ~70 %, then probed with hits and misses; cleared between rounds. */
#include "kernel.h"

#define SLOTS (1u << 16)
#define FILL (SLOTS / 10 * 7)

static uint32_t keys[SLOTS];   /* 0 = empty */
static uint32_t values[SLOTS];

static uint32_t hash(uint32_t k)
{
    k ^= k >> 16;
    k *= 0x7feb352du;
    k ^= k >> 15;
    k *= 0x846ca68bu;
    return k ^ (k >> 16);
}

static void put(uint32_t k, uint32_t v)
{
    uint32_t i = hash(k) & (SLOTS - 1);
    while (keys[i] != 0 && keys[i] != k)
        i = (i + 1) & (SLOTS - 1);
    keys[i] = k;
    values[i] += v;
}

static uint32_t get(uint32_t k)
{
    uint32_t i = hash(k) & (SLOTS - 1);
    while (keys[i] != 0) {
        if (keys[i] == k)
            return values[i];
        i = (i + 1) & (SLOTS - 1);
    }
    return 0;
}

KERNEL_RUN(int32_t)
{
    uint32_t sum = 0;
    for (int32_t r = 0; r < n; r++) {
        k_memset(keys, 0, sizeof keys);
        k_memset(values, 0, sizeof values);
        uint32_t seed = 0x9e3779b9u + (uint32_t)r;
        for (uint32_t i = 0; i < FILL; i++)
            put((k_rand(&seed) & 0xfffff) | 1, i);
        seed = 0x9e3779b9u + (uint32_t)r;
        for (uint32_t i = 0; i < FILL; i++) {
            sum += get((k_rand(&seed) & 0xfffff) | 1);     /* present */
            sum ^= get((k_rand(&seed) & 0xfffff) << 12);   /* mostly absent */
        }
    }
    return (int32_t)sum;
}
