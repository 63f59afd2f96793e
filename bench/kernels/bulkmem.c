/* Bulk memory: memcpy, memmove (overlapping) and memset (memory.copy / memory.fill) of sizes
 * from 1 byte to 64 KiB over a 1 MiB buffer, with a sampled checksum. */
#include "kernel.h"

#define BUF_SIZE (1u << 20)

static uint8_t buf[BUF_SIZE];
static uint8_t pattern[1u << 16];

KERNEL_RUN(int32_t)
{
    uint32_t seed = 88172645u, h = 2166136261u;
    for (uint32_t i = 0; i < BUF_SIZE; i += 4) {
        uint32_t v = k_rand(&seed);
        k_memcpy(&buf[i], &v, 4);
    }
    for (uint32_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(i * 7 + (i >> 8));
    for (int32_t r = 0; r < n; r++) {
        uint32_t x = k_rand(&seed);
        uint32_t len = 1u << (x & 15);          /* 1 B .. 32 KiB */
        len += (x >> 4) & (len - 1);
        uint32_t src = (x >> 8) % (BUF_SIZE - 2 * len);
        uint32_t dst = k_rand(&seed) % (BUF_SIZE - 2 * len);
        switch ((x >> 28) & 3) {
        case 0:
            k_memset(&buf[dst], (int)(x & 0xff), len);
            break;
        case 1:
            k_memmove(&buf[dst], &buf[src], len);
            break;
        default:
            k_memcpy(&buf[dst], &pattern[(sizeof pattern - len) & src], len);
            break;
        }
        h = k_mix(h, buf[(dst + len / 2) % BUF_SIZE]);
    }
    for (uint32_t i = 0; i < BUF_SIZE; i += 4093)
        h = k_mix(h, buf[i]);
    return (int32_t)h;
}
