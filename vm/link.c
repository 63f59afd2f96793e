/* Linking a module's direct calls to their callees, once all its functions are translated. */
#include "code.h"

/* Writes the 64-bit value v into the words w[0] (low half) and w[1], as vm_imm64 reads it. */
static void put_imm64(uint32_t *w, uint64_t v)
{
    w[0] = (uint32_t)v;
    w[1] = (uint32_t)(v >> 32);
}

void vm_code_link_calls(vm_code *const *codes, uint32_t ncodes)
{
    for (uint32_t i = 0; i < ncodes; i++) {
        const vm_code *code = codes[i];
        /* (every instruction start is in the source map; a call keeps its opcode word when
         * it is the second instruction of a pair, and has no variants) */
        for (uint32_t k = 0; k < code->nsrcmap; k++) {
            uint32_t *insn = code->words + code->srcmap[k].pos;
            if (insn[0] != VM_OP_call)
                continue;
            const vm_code *callee = codes[insn[1]];
            put_imm64(insn + 3, (uint64_t)(uintptr_t)callee->entry);
            put_imm64(insn + 5, (uint64_t)(uintptr_t)callee);
        }
    }
}
