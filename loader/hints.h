/* Compiler hints shared by the loader, the translator and the interpreter. */
#ifndef WVM_LOADER_HINTS_H
#define WVM_LOADER_HINTS_H

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
/* Hides a variable's value from the optimiser (no instruction is emitted): keeps a short loop
 * a loop instead of a call to a library function. */
#define OPAQUE(x) __asm__("" : "+r"(x))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define OPAQUE(x) ((void)0)
#endif

#endif
