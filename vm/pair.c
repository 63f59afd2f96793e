/* The pairing pass (pairs.h): the last pass over a function's translated code. */
#include "code.h"

/* The pair opcode of instruction a followed by instruction b, or 0 when there is none. */
static uint32_t pair_opcode(uint32_t a, uint32_t b)
{
#define PAIR_SECOND_(x, y, ...)                                                                \
    case VM_OP_##y: return VM_OP_##x##__##y;
#define PAIR_FIRST_(x, ...)                                                                    \
    case VM_OP_##x:                                                                            \
        switch (b) {                                                                           \
            VM_PAIRS_##x(PAIR_SECOND_, )                                                       \
        default: return 0;                                                                     \
        }
    switch (a) {
        VM_PAIR_FIRSTS(PAIR_FIRST_, )
    default: return 0;
    }
#undef PAIR_FIRST_
#undef PAIR_SECOND_
}

/* Every instruction that has a pair with its successor becomes that pair, including the
 * second instruction of another pair: a pair runs its second instruction's own handler, so
 * the second instruction's opcode word only matters when control arrives there another way
 * (a branch to it), and then its own pairing saves that dispatch. */
void vm_code_pair(uint32_t *words, uint32_t nwords)
{
    uint32_t pc = 0;
    while (pc < nwords) {
        uint32_t next = pc + vm_insn_length(words, pc);
        if (next < nwords) {
            uint32_t pair = pair_opcode(words[pc], words[next]);
            if (pair)
                words[pc] = pair;
        }
        pc = next;
    }
}
