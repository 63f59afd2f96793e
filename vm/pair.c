/* The pairing pass (pairs.h): the last pass over a function's translated code. */
#include "code.h"

/* Dense indices of the first and of the second instructions of the pairs (0: none), and the
 * pair opcode of each combination (0: no such pair): small tables, so that the pass costs a
 * few loads per instruction (it runs over all code as it is loaded). */
enum {
    PAIR_NO_FIRST,
#define PAIR_FIRST_INDEX_(x, ...) PAIR_FIRST_##x,
    VM_PAIR_FIRSTS(PAIR_FIRST_INDEX_, ) PAIR_FIRSTS
};
enum {
    PAIR_NO_SECOND,
#define PAIR_SECOND_INDEX_(y, ...) PAIR_SECOND_##y,
    VM_PAIR_SECONDS(PAIR_SECOND_INDEX_, ) PAIR_SECONDS
};

static const uint8_t first_index[VM_OP_COUNT] = {
#define PAIR_FIRST_ENTRY_(x, ...) [VM_OP_##x] = PAIR_FIRST_##x,
    VM_PAIR_FIRSTS(PAIR_FIRST_ENTRY_, )
};
static const uint8_t second_index[VM_OP_COUNT] = {
#define PAIR_SECOND_ENTRY_(y, ...) [VM_OP_##y] = PAIR_SECOND_##y,
    VM_PAIR_SECONDS(PAIR_SECOND_ENTRY_, )
};
static const uint16_t pair_opcode[PAIR_FIRSTS][PAIR_SECONDS] = {
#define PAIR_ENTRY_(x, y, ...) [PAIR_FIRST_##x][PAIR_SECOND_##y] = VM_OP_##x##__##y,
    VM_PAIR_LIST(PAIR_ENTRY_, )
};
_Static_assert(PAIR_FIRSTS <= UINT8_MAX && PAIR_SECONDS <= UINT8_MAX, "index tables too narrow");
_Static_assert(VM_OP_COUNT <= UINT16_MAX, "pair table too narrow");

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
            uint32_t pair = pair_opcode[first_index[words[pc]]][second_index[words[next]]];
            if (pair)
                words[pc] = pair;
        }
        pc = next;
    }
}
