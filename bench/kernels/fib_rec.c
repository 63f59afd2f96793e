/* Recursive calls: the doubly recursive Fibonacci, fib(n) with about 1.6^n calls. */
#include "kernel.h"

static uint32_t __attribute__((noinline)) fib(uint32_t k)
{
    return k < 2 ? k : fib(k - 1) + fib(k - 2);
}

KERNEL_RUN(int32_t)
{
    return (int32_t)fib((uint32_t)n);
}
