/* Indirect calls (call_indirect): a table of small functions called through pointers chosen
 * by data, n rounds over a 256-entry schedule. */
#include "kernel.h"

typedef uint32_t (*op_fn)(uint32_t, uint32_t);

static uint32_t f_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t f_sub(uint32_t a, uint32_t b) { return a - b; }
static uint32_t f_xor(uint32_t a, uint32_t b) { return a ^ b; }
static uint32_t f_mul(uint32_t a, uint32_t b) { return a * (b | 1); }
static uint32_t f_rotl(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> ((32 - b) & 31)); }
static uint32_t f_mix(uint32_t a, uint32_t b) { return (a ^ (b >> 7)) * 0x9e3779b1u; }
static uint32_t f_min(uint32_t a, uint32_t b) { return (a < b ? a : b) + 0x1234567u; }
static uint32_t f_avg(uint32_t a, uint32_t b) { return (a >> 1) + (b >> 1) + 1; }

static op_fn ops[8] = {f_add, f_sub, f_xor, f_mul, f_rotl, f_mix, f_min, f_avg};
static uint8_t schedule[256];

KERNEL_RUN(int32_t)
{
    uint32_t seed = 2463534242u;
    for (int i = 0; i < 256; i++)
        schedule[i] = (uint8_t)(k_rand(&seed) & 7);
    uint32_t acc = 1;
    for (int32_t r = 0; r < n; r++)
        for (int i = 0; i < 256; i++)
            acc = ops[schedule[i]](acc, (uint32_t)(r + i));
    return (int32_t)acc;
}
