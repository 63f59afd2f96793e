/* Linking a module's direct calls to their callees, once all its functions are translated. */
#include "code.h"

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
            vm_put_imm64(insn + 3, (uint64_t)(uintptr_t)callee->entry);
            vm_put_imm64(insn + 5, (uint64_t)(uintptr_t)callee);
        }
    }
}
