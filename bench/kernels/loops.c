/* Integer loops over locals: nested counted loops of i32 arithmetic, shifts, compares and
 * selects, with no memory traffic. */
#include "kernel.h"

KERNEL_RUN(int32_t)
{
    uint32_t acc = 0, x = 12345;
    for (int32_t i = 0; i < n; i++) {
        uint32_t steps = 0, v = (uint32_t)i | 1;
        /* A bounded Collatz walk: data-dependent branches. */
        for (int j = 0; j < 64 && v != 1; j++) {
            v = (v & 1) ? 3 * v + 1 : v >> 1;
            steps++;
        }
        /* A straight-line mix of the common operators. */
        for (int j = 0; j < 16; j++) {
            x = (x ^ (x << 7)) + (uint32_t)j;
            x = (x >> 3) | (x << 29);
            acc += (x & 0xff) < 0x80 ? x : ~x;
        }
        acc = acc * 31 + steps;
    }
    return (int32_t)acc;
}
