/* Passes over a function's complete translated code: folding block charges into the
 * branches that enter the blocks (the paying forms of vmops.def). */
#include "code.h"

/* What the fold may do with each opcode: pick a paying form for the plain form of a branch
 * (a VM_BR conditional branch, whose paying forms follow it; an unconditional branch, whose
 * paying form is the next opcode; br_table). */
enum { FOLD_NONE, FOLD_COND, FOLD_BR, FOLD_BR_TABLE };

static const uint8_t fold_kind[VM_OP_COUNT] = {
#define VM_BR(id, format) [VM_OP_##id] = FOLD_COND,
#include "vmops.def"
    [VM_OP_br] = FOLD_BR,
    [VM_OP_copy_br] = FOLD_BR,
    [VM_OP_copy2_br] = FOLD_BR,
    [VM_OP_i32_add_imm_br] = FOLD_BR,
    [VM_OP_br_table] = FOLD_BR_TABLE,
};

static bool is_charge(const uint32_t *words, uint32_t nwords, uint32_t pos)
{
    return pos < nwords && words[pos] == VM_OP_fuel;
}

/* Every `fuel` instruction charges the block it starts on each entry, whichever way control
 * arrives, so a branch may pay it on the way in and skip it: the fuel consumed, and where a
 * short charge stops, are the same. Branch targets and the instruction after a branch are
 * instruction starts, so reading their opcode is sound. A branch that pays when taken has its
 * offset moved past the `fuel` instruction (FUEL_WORDS words), where it continues when paid,
 * so the interpreter needs no extra step for that; it reads the charge just before it.
 * (br_table_pt keeps its offsets: its targets may or may not be charges.) */
void vm_code_fold_charges(uint32_t *words, uint32_t nwords, const vm_srcmap_entry *starts,
                          uint32_t nstarts)
{
    for (uint32_t i = 0; i < nstarts; i++) {
        uint32_t pc = starts[i].pos, op = words[pc];
        switch (fold_kind[op]) {
        case FOLD_COND: {
            uint32_t off = pc + vm_op_offset_word[op];
            uint32_t target = off + (uint32_t)(int32_t)words[off];
            uint32_t next = i + 1 < nstarts ? starts[i + 1].pos : nwords;
            bool taken = is_charge(words, nwords, target);
            bool fallthrough = is_charge(words, nwords, next);
            /* id, id_pt, id_pf, id_pb are consecutive (vmops.def) */
            words[pc] = op + (taken ? 1 : 0) + (fallthrough ? 2 : 0);
            if (taken)
                words[off] += FUEL_WORDS;
            break;
        }
        case FOLD_BR: {
            uint32_t off = pc + vm_op_offset_word[op];
            if (is_charge(words, nwords, off + (uint32_t)(int32_t)words[off])) {
                words[pc] = op + 1;
                words[off] += FUEL_WORDS;
            }
            break;
        }
        case FOLD_BR_TABLE: {
            uint32_t n = words[pc + 2];
            for (uint32_t j = 0; j <= n; j++) {
                uint32_t w = pc + 3 + j;
                if (is_charge(words, nwords, w + (uint32_t)(int32_t)words[w])) {
                    words[pc] = VM_OP_br_table_pt;
                    break;
                }
            }
            break;
        }
        default:
            break;
        }
    }
}
