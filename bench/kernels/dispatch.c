/* A switch-heavy dispatch loop (br_table): a tiny stack-machine interpreter running a
 * bytecode program (a loop summing a polynomial), n iterations of its outer loop. */
#include "kernel.h"

enum {
    OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHL, OP_SHR,
    OP_DUP, OP_SWAP, OP_JNZ, OP_JMP, OP_DEC, OP_HALT, OP_NOP
};

/* Registers r0..r3. r0 = loop counter (set from n), r1 = accumulator, r2 = x. Each loop
 * iteration: x = x * 5 + counter; acc += (x ^ (x >> 3)) & 0xffff; acc <<= 1 / >> 1 mix. */
static const int32_t program[] = {
    OP_PUSH, 0, OP_STORE, 1,                    /* 0: acc = 0 */
    OP_PUSH, 7, OP_STORE, 2,                    /* 4: x = 7 */
    OP_LOAD, 2, OP_PUSH, 5, OP_MUL, OP_LOAD, 0, OP_ADD, OP_DUP, OP_STORE, 2, /* 8: x = x*5+c */
    OP_DUP, OP_PUSH, 3, OP_SHR, OP_XOR, OP_PUSH, 0xffff, OP_AND,         /* 19 */
    OP_LOAD, 1, OP_ADD, OP_PUSH, 1, OP_SHL, OP_LOAD, 1, OP_XOR, OP_STORE, 1, /* 27 */
    OP_NOP, OP_LOAD, 0, OP_DEC, OP_DUP, OP_STORE, 0, OP_JNZ, 8,          /* 38 */
    OP_LOAD, 1, OP_HALT,                                                 /* 47 */
};

static int32_t interpret(const int32_t *code, int32_t counter)
{
    int32_t stack[16], regs[4] = {counter, 0, 0, 0};
    int sp = 0, pc = 0;
    for (;;) {
        int32_t t;
        switch (code[pc++]) {
        case OP_PUSH: stack[sp++] = code[pc++]; break;
        case OP_LOAD: stack[sp++] = regs[code[pc++]]; break;
        case OP_STORE: regs[code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); break;
        case OP_SUB: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); break;
        case OP_MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] << (stack[sp] & 31)); break;
        case OP_SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> (stack[sp] & 31)); break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break;
        case OP_JNZ: t = code[pc++]; if (stack[--sp] != 0) pc = t; break;
        case OP_JMP: pc = code[pc]; break;
        case OP_DEC: stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - 1); break;
        case OP_HALT: return stack[sp - 1];
        case OP_NOP: break;
        default: return -1;
        }
    }
}

KERNEL_RUN(int32_t)
{
    return n > 0 ? interpret(program, n) : 0;
}
