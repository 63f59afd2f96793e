/* Operand formats, lengths and names of the internal instructions, and a code listing for
 * debugging and tests. */
#include <stdio.h>
#include <string.h>

#include "code.h"

/* A pair opcode x+y has x's operands (pairs.h). */
#define PAIR_ENTRY_(x, y, value) [VM_OP_##x##__##y] = value,

const char *const vm_op_format[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define VM_OP(id, format) [VM_OP_##id] = format, VM_PAIRS_OF(id, PAIR_ENTRY_, format)
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
    [VM_OP_##id] = OP_WORDS(format), VM_PAIRS_OF(id, PAIR_ENTRY_, OP_WORDS(format))
#include "vmops.def"
};

const char *const vm_op_name[VM_OP_COUNT] = {
#include "vmops_flat.h"
#define VM_OP(id, format) [VM_OP_##id] = #id,
#include "vmops.def"
#define PAIR_NAME_(x, y, ...) [VM_OP_##x##__##y] = #x "+" #y,
    VM_PAIR_LIST(PAIR_NAME_, )
};

vm_opcode vm_op_unpaired(uint32_t op)
{
    /* the first instruction plus one (opcode 0 begins pairs too); 0: op is no pair */
    static const uint16_t first_plus_one[VM_OP_COUNT] = {
#define PAIR_FIRST_(x, y, ...) [VM_OP_##x##__##y] = VM_OP_##x + 1,
        VM_PAIR_LIST(PAIR_FIRST_, )
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
            switch (*fmt) {
            case 'd': fprintf(f, " ->r%u", v); w++; break;
            case 's': fprintf(f, " r%u", v); w++; break;
            case 'i': fprintf(f, " #%d", (int32_t)v); w++; break;
            case 'l':
                fprintf(f, " #0x%llx", (unsigned long long)v |
                                          (unsigned long long)code->words[w + 1] << 32);
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
