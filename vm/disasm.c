/* Operand formats, lengths and names of the internal instructions, and a code listing for
 * debugging and tests. */
#include <stdio.h>
#include <string.h>

#include "code.h"

/* A pair opcode x+y has x's operands (pairs.h). */
#define PAIR_ENTRY_(x, y, value) [VM_OP_##x##__##y] = value,
#define FWD_ENTRY_(x, y, k, value) [VM_OP_##x##__##y##__f##k] = value,
/* A forwarding variant y^k has y's operands. */
#define VARIANT_ENTRY_(y, k, value) [VM_OP_##y##__f##k] = value,

const char *const vm_op_format[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define VM_OP(id, format)                                                                      \
    [VM_OP_##id] = format, VM_PAIRS_OF(id, PAIR_ENTRY_, format)                                \
        VM_FWDS_OF(id, FWD_ENTRY_, format) VM_VARIANTS_OF(id, VARIANT_ENTRY_, format)
#include "vmops.def"
};

/* The instruction lengths are computed from the format strings at compile time: letter i of
 * format f (a string literal; '\0' past its end), the words it takes, and the sum over a
 * format's letters. 'T' adds FORMAT_VARYING, more than any fixed length, which marks the
 * length as varying. Formats have at most 8 letters (the unit tests check every entry against
 * vm_insn_length_from_format). */
#define FORMAT_VARYING 0x100
#define FORMAT_AT(f, i) ((i) + 1 < sizeof(f) ? (f)[(i) + 1 < sizeof(f) ? (i) : 0] : '\0')
#define LETTER_WORDS(c) ((c) == 'l' ? 2 : (c) == 'T' ? FORMAT_VARYING : (c) != '\0')
#define LETTER(f, i) LETTER_WORDS(FORMAT_AT(f, i))
#define FORMAT_WORDS(f)                                                                        \
    (1 + LETTER(f, 0) + LETTER(f, 1) + LETTER(f, 2) + LETTER(f, 3) + LETTER(f, 4) +            \
     LETTER(f, 5) + LETTER(f, 6) + LETTER(f, 7))

const uint8_t vm_op_words[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define OP_WORDS(format)                                                                       \
    (uint8_t)(FORMAT_WORDS(format) < FORMAT_VARYING ? FORMAT_WORDS(format) : 0)
#define VM_OP(id, format)                                                                      \
    [VM_OP_##id] = OP_WORDS(format), VM_PAIRS_OF(id, PAIR_ENTRY_, OP_WORDS(format))            \
        VM_FWDS_OF(id, FWD_ENTRY_, OP_WORDS(format))                                           \
            VM_VARIANTS_OF(id, VARIANT_ENTRY_, OP_WORDS(format))
#include "vmops.def"
};

/* The masks of the words (bit i: word i) holding destination ('d') and source ('s') slots, up
 * to the first operand that is not one word ('l', 'T'), also from the formats at compile
 * time. */
#define LETTER_IS(f, i, c) (FORMAT_AT(f, i) == (c))
#define ONE_WORD_LETTERS(f)                                                                    \
    (LETTER_IS(f, 0, 'l') || LETTER_IS(f, 0, 'T')   ? 0                                        \
     : LETTER_IS(f, 1, 'l') || LETTER_IS(f, 1, 'T') ? 1                                        \
     : LETTER_IS(f, 2, 'l') || LETTER_IS(f, 2, 'T') ? 2                                        \
     : LETTER_IS(f, 3, 'l') || LETTER_IS(f, 3, 'T') ? 3                                        \
     : LETTER_IS(f, 4, 'l') || LETTER_IS(f, 4, 'T') ? 4                                        \
     : LETTER_IS(f, 5, 'l') || LETTER_IS(f, 5, 'T') ? 5                                        \
     : LETTER_IS(f, 6, 'l') || LETTER_IS(f, 6, 'T') ? 6                                        \
     : 7)
#define LETTER_MASK(f, c)                                                                      \
    (uint8_t)(((LETTER_IS(f, 0, c) << 1 | LETTER_IS(f, 1, c) << 2 | LETTER_IS(f, 2, c) << 3 |  \
                LETTER_IS(f, 3, c) << 4 | LETTER_IS(f, 4, c) << 5 | LETTER_IS(f, 5, c) << 6 |  \
                LETTER_IS(f, 6, c) << 7) &                                                     \
               ((2u << ONE_WORD_LETTERS(f)) - 1)))
#define OP_MASKS(id, mask)                                                                     \
    [VM_OP_##id] = mask, VM_PAIRS_OF(id, PAIR_ENTRY_, mask) VM_FWDS_OF(id, FWD_ENTRY_, mask)   \
        VM_VARIANTS_OF(id, VARIANT_ENTRY_, mask)
const uint8_t vm_op_dest_words[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define VM_OP(id, format) OP_MASKS(id, LETTER_MASK(format, 'd'))
#include "vmops.def"
};
const uint8_t vm_op_source_words[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define VM_OP(id, format) OP_MASKS(id, LETTER_MASK(format, 's'))
#include "vmops.def"
};

/* The word holding each instruction's first branch offset ('o'; 0: none), also from the
 * formats at compile time; every letter before it must be one word (the unit tests check). */
#define LETTER_WORD(f, c)                                                                      \
    (uint8_t)(LETTER_IS(f, 0, c)   ? 1                                                          \
              : LETTER_IS(f, 1, c) ? 2                                                          \
              : LETTER_IS(f, 2, c) ? 3                                                          \
              : LETTER_IS(f, 3, c) ? 4                                                          \
              : LETTER_IS(f, 4, c) ? 5                                                          \
              : LETTER_IS(f, 5, c) ? 6                                                          \
              : LETTER_IS(f, 6, c) ? 7                                                          \
              : LETTER_IS(f, 7, c) ? 8                                                          \
                                   : 0)
const uint8_t vm_op_offset_word[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define VM_OP(id, format) OP_MASKS(id, LETTER_WORD(format, 'o'))
#include "vmops.def"
};

const char *const vm_op_name[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define VM_OP(id, format) [VM_OP_##id] = #id,
#include "vmops.def"
#define PAIR_NAME_(x, y, ...) [VM_OP_##x##__##y] = #x "+" #y,
    VM_PAIR_LIST(PAIR_NAME_, )
#define FWD_NAME_(x, y, k, ...) [VM_OP_##x##__##y##__f##k] = #x "+" #y "^" #k,
    VM_FWD_LIST(FWD_NAME_, )
#define VARIANT_NAME_(y, k, ...) [VM_OP_##y##__f##k] = #y "^" #k,
    VM_VARIANT_LIST(VARIANT_NAME_, )
};

vm_opcode vm_op_unpaired(uint32_t op)
{
    /* the first instruction plus one (opcode 0 begins pairs too); 0: op is no pair */
    static const uint16_t first_plus_one[VM_OP_COUNT] = {
#define PAIR_FIRST_(x, y, ...) [VM_OP_##x##__##y] = VM_OP_##x + 1,
        VM_PAIR_LIST(PAIR_FIRST_, )
#define FWD_FIRST_(x, y, k, ...) [VM_OP_##x##__##y##__f##k] = VM_OP_##x + 1,
        VM_FWD_LIST(FWD_FIRST_, )
#define VARIANT_BASE_(y, k, ...) [VM_OP_##y##__f##k] = VM_OP_##y + 1,
        VM_VARIANT_LIST(VARIANT_BASE_, )
    };
    return op < VM_OP_COUNT && first_plus_one[op] ? (vm_opcode)(first_plus_one[op] - 1)
                                                  : (vm_opcode)op;
}

uint32_t vm_insn_length_from_format(const uint32_t *words, uint32_t pc)
{
    uint32_t w = pc + 1;
    for (const char *f = vm_op_format[words[pc]]; *f; f++)
        w += *f == 'l' ? 2 : *f == 'T' ? 2 + words[w] : 1;
    return w - pc;
}

void vm_code_dump(const vm_code *code, FILE *f)
{
    fprintf(f, "func %u: %u params, %u locals, %u results, %u frame slots\n", code->func_index,
            code->nparams, code->nlocals, code->nresults, code->frame_slots);
    uint32_t pc = 0;
    while (pc < code->nwords) {
        uint32_t op = code->words[pc];
        if (op >= VM_OP_COUNT) {
            fprintf(f, "%6u  <bad opcode %u>\n", pc, op);
            return;
        }
        fprintf(f, "%6u  %-22s", pc, vm_op_name[op]);
        uint32_t w = pc + 1;
        for (const char *fmt = vm_op_format[op]; *fmt && w < code->nwords; fmt++) {
            uint32_t v = code->words[w];
            if (op == VM_OP_call && w >= pc + 3) { /* (the linked addresses: not shown) */
                w += 2;
                continue;
            }
            switch (*fmt) {
            case 'd': fprintf(f, " ->r%u", v); w++; break;
            case 's': fprintf(f, " r%u", v); w++; break;
            case 'i': fprintf(f, " #%d", (int32_t)v); w++; break;
            case 'l':
                fprintf(f, " #0x%llx", (unsigned long long)vm_imm64(code->words + w));
                w += 2;
                break;
            case 'o': fprintf(f, " @%d", (int32_t)(w + (int32_t)v)); w++; break;
            case 'T': {
                uint32_t n = v;
                w++;
                fprintf(f, " [");
                for (uint32_t i = 0; i <= n && w < code->nwords; i++, w++)
                    fprintf(f, "%s@%d", i ? " " : "", (int32_t)(w + (int32_t)code->words[w]));
                fprintf(f, "]");
                break;
            }
            default: fprintf(f, " %u", v); w++; break;
            }
        }
        fputc('\n', f);
        pc = w;
    }
}
