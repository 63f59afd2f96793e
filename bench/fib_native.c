/* The native counterpart of examples/fib.wasm (examples/fib.wat): the iterative Fibonacci,
 * fib(n) = F(n+1) modulo 2^32 after n loop iterations (1 for n <= 0). */
#include "kernels/kernel.h"

KERNEL_RUN(int32_t)
{
    uint32_t a = 1, b = 0, t;
    while (n > 0) {
        t = a + b;
        b = a;
        a = t;
        n--;
    }
    return (int32_t)a;
}
