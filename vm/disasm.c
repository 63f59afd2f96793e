/* Operand formats and names of the internal instructions, and a code listing for
 * debugging and tests. */
#include <stdio.h>
#include <string.h>

#include "code.h"

const char *const vm_op_format[VM_OP_COUNT] = {
#define VM_BIN(id, in, out, expr) [VM_OP_##id] = "dss",
#define VM_BINI(id, in, out, expr) [VM_OP_##id] = "dss", [VM_OP_##id##_imm] = "dsi",
#define VM_UN(id, in, out, expr) [VM_OP_##id] = "ds",
#define VM_LOAD(id, out, ctype)                                                                \
    [VM_OP_##id] = "dsi", [VM_OP_##id##_ai] = "dsii", [VM_OP_##id##_sx] = "dssiii",            \
    [VM_OP_##id##_si] = "dsiii",
#define VM_STORE(id, in, ctype)                                                                \
    [VM_OP_##id] = "ssi", [VM_OP_##id##_ai] = "ssii", [VM_OP_##id##_sx] = "sssiii",            \
    [VM_OP_##id##_si] = "ssiii", [VM_OP_##id##_ki] = "siii",
#define VM_OP(id, format) [VM_OP_##id] = format,
#include "vmops.def"
};

const char *const vm_op_name[VM_OP_COUNT] = {
#define VM_BIN(id, in, out, expr) [VM_OP_##id] = #id,
#define VM_BINI(id, in, out, expr) [VM_OP_##id] = #id, [VM_OP_##id##_imm] = #id "_imm",
#define VM_UN(id, in, out, expr) [VM_OP_##id] = #id,
#define VM_LOAD(id, out, ctype)                                                                \
    [VM_OP_##id] = #id, [VM_OP_##id##_ai] = #id "_ai", [VM_OP_##id##_sx] = #id "_sx",          \
    [VM_OP_##id##_si] = #id "_si",
#define VM_STORE(id, in, ctype) VM_LOAD(id, in, ctype)[VM_OP_##id##_ki] = #id "_ki",
#define VM_OP(id, format) [VM_OP_##id] = #id,
#include "vmops.def"
};

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
