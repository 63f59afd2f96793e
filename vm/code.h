/* Translated code: the internal instruction set (from vmops.def) and the per-function
 * code object produced by the translator and run by the interpreter. */
#ifndef WVM_VM_CODE_H
#define WVM_VM_CODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pairs.h"
#include "vm.h"

typedef enum {
#include "vmops_flat.h"
#define VM_OP(id, format) VM_OP_##id,
#include "vmops.def"
/* the pair opcodes (pairs.h): x+y is VM_OP_x__y */
#define VM_PAIR_ENUM_(x, y, ...) VM_OP_##x##__##y,
    VM_PAIR_LIST(VM_PAIR_ENUM_, )
#undef VM_PAIR_ENUM_
/* the forwarding variants y^k and the forwarded pairs x+y^k (pairs.h) */
#define VM_VARIANT_ENUM_(y, k, ...) VM_OP_##y##__f##k,
    VM_VARIANT_LIST(VM_VARIANT_ENUM_, )
#undef VM_VARIANT_ENUM_
#define VM_FWD_ENUM_(x, y, k, ...) VM_OP_##x##__##y##__f##k,
    VM_FWD_LIST(VM_FWD_ENUM_, )
#undef VM_FWD_ENUM_
    VM_OP_COUNT
} vm_opcode;

/* The first instruction of a pair opcode (pairs.h), whose operands it has; any other opcode
 * itself. */
vm_opcode vm_op_unpaired(uint32_t op);

/* Operand format string of each internal opcode (see vmops.def for the letters). */
extern const char *const vm_op_format[VM_OP_COUNT];
extern const char *const vm_op_name[VM_OP_COUNT];
/* Length in words of each internal instruction, opcode included, from its format; 0 when the
 * length varies (a 'T' operand). */
extern const uint8_t vm_op_words[VM_OP_COUNT];

/* The words of an instruction (bit i: word i, the opcode being word 0) that hold its
 * destination slots ('d') and its source slots ('s'), up to its first operand of other than
 * one word ('l', 'T'). (A pair opcode has its first instruction's, a variant its
 * instruction's.) */
extern const uint8_t vm_op_dest_words[VM_OP_COUNT];
extern const uint8_t vm_op_source_words[VM_OP_COUNT];
/* The word of an instruction holding its first branch offset ('o'), the opcode being word 0;
 * 0 when it has none. */
extern const uint8_t vm_op_offset_word[VM_OP_COUNT];

/* The length in words of the instruction at words[pc], read from its format (the slow path of
 * vm_insn_length; right for any instruction). */
uint32_t vm_insn_length_from_format(const uint32_t *words, uint32_t pc);

/* The length in words of the instruction at words[pc]. */
static inline uint32_t vm_insn_length(const uint32_t *words, uint32_t pc)
{
    uint32_t n = vm_op_words[words[pc]];
    return n ? n : vm_insn_length_from_format(words, pc);
}

/* Maps a code position back to the Wasm instruction it was translated from. */
typedef struct {
    uint32_t pos;           /* word index of an internal instruction */
    uint32_t wasm_offset;   /* module byte offset of the Wasm instruction */
} vm_srcmap_entry;

/* Where a metered block's charge sits in the Wasm code (VM_METER_BLOCKS only), so that the
 * instrumenter can inject the very same charges at the very same places. */
typedef struct {
    uint32_t wasm_offset;   /* the charge is taken just before the instruction at this offset */
    bool else_arm;          /* the instruction is the `end` of an `if` without `else`: the
                             * charge belongs in an empty else arm added before that `end` */
    uint64_t cost;
} vm_charge_site;

/* (Its arrays, words, srcmap and charges, are in the same allocation: vm_code_free.) */
struct vm_code {
    uint32_t *words;        /* the instruction stream */
    uint32_t nwords;
    uint32_t nparams;
    uint32_t nresults;
    uint32_t nlocals;       /* parameters + declared locals: fp[0..nlocals) */
    uint32_t frame_slots;   /* slots the frame needs: locals, operand stack, results */
    size_t frame_bytes;     /* frame_slots * sizeof(vm_slot), for the check of a call */
    /* Where a call enters: past the `fuel` instruction that begins metered code, whose charge,
     * entry_cost, the call pays (saving that instruction's dispatch); else the first word,
     * and entry_cost is 0. */
    const uint32_t *entry;
    uint64_t entry_cost;
    uint32_t func_index;    /* in the module's function index space */
    vm_srcmap_entry *srcmap;/* sorted by pos; one entry per instruction */
    uint32_t nsrcmap;
    vm_charge_site *charges;/* VM_METER_BLOCKS: every metered block's charge, in code order */
    uint32_t ncharges;
};

/* Links the `call` instructions of codes[0..ncodes), the translated functions a module
 * defines, to their callees among them (vmops.def): writes into each the callee's entry and
 * vm_code, so that a call finds where to go with one load, not three (a table of the codes,
 * then the callee's vm_code, then its entry). The codes must not move or be freed while they
 * can run, which holds for a module's: they live as long as it does. */
void vm_code_link_calls(vm_code *const *codes, uint32_t ncodes);

/* The Wasm byte offset of the instruction at word position pos. */
size_t vm_code_wasm_offset(const vm_code *code, uint32_t pos);

/* The 64-bit immediate in the words w[0] (low half) and w[1] (an 'l' operand): one load where
 * the host is little-endian (gcc does not merge the two 32-bit loads by itself when w is
 * below the interpreter's pc). */
static inline uint64_t vm_imm64(const uint32_t *w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, w, sizeof v);
    return v;
#else
    return (uint64_t)w[0] | (uint64_t)w[1] << 32;
#endif
}

/* Writes v as a 64-bit immediate into the words w[0] (low half) and w[1], as vm_imm64 reads
 * it. */
static inline void vm_put_imm64(uint32_t *w, uint64_t v)
{
    w[0] = (uint32_t)v;
    w[1] = (uint32_t)(v >> 32);
}

/* The length in words of a `fuel` instruction: the opcode and a 64-bit charge. */
#define FUEL_WORDS 3

/* Lets branches pay the charges of the metered blocks they enter (the paying forms of
 * vmops.def): run once on a function's complete code. starts[0..nstarts) are the positions of
 * all its instructions, in order (its source map, which has one entry per instruction), so
 * that the passes need not decode instruction lengths one after another. */
void vm_code_fold_charges(uint32_t *words, uint32_t nwords, const vm_srcmap_entry *starts,
                          uint32_t nstarts);
/* Turns each instruction that has a pair opcode with the instruction after it into that pair,
 * and forwards values (pairs.h); starts as for vm_code_fold_charges, and targets[0..ntargets)
 * are the targets of the code's branches (repeats allowed). Runs last, on the complete code of
 * a function: no other pass reads opcodes after it. False when out of memory (the code is then
 * unchanged or partly paired, and runs the same). */
bool vm_code_pair(uint32_t *words, uint32_t nwords, const vm_srcmap_entry *starts,
                  uint32_t nstarts, const uint32_t *targets, uint32_t ntargets);
/* Words that must be readable past the end of the code passed to vm_code_pair. */
#define VM_FWD_PADDING VM_FWD_OPERANDS
/* Operands a forwarded pair may forward to: words 1 .. VM_FWD_OPERANDS - 1. */
#define VM_FWD_OPERANDS 8
/* The operand k of the instruction at y, its successor, that reads the slot the instruction
 * at x writes (its operand 1), and that y does not write before: what a forwarded pair x+y^k
 * forwards (pairs.h); 0 when there is none. */
uint32_t vm_forwarded_operand(const uint32_t *x, const uint32_t *y);

/* Writes a human-readable listing of code to f (for debugging and tests). */
void vm_code_dump(const vm_code *code, FILE *f);

#endif
