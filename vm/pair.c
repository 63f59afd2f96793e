/* The pairing pass (pairs.h): the last pass over a function's translated code. */
#include <stdlib.h>
#include <string.h>

#include "code.h"

/* Dense indices of the first and of the second instructions of the pairs and forwarded pairs
 * (0: none), and the pair opcode of each combination (0: no such pair): small tables, so that
 * the pass costs a few loads per instruction (it runs over all code as it is loaded). */
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
/* The forwarded pair x+y^k (0: none). */
static const uint16_t forwarded_pair_opcode[PAIR_FIRSTS][PAIR_SECONDS][VM_FWD_OPERANDS] = {
#define FWD_ENTRY_(x, y, k, ...)                                                               \
    [PAIR_FIRST_##x][PAIR_SECOND_##y][k] = VM_OP_##x##__##y##__f##k,
    VM_FWD_LIST(FWD_ENTRY_, )
};

/* Dense indices of the instructions that have forwarding variants (0: none), and the variant
 * y^k of each (0: none). */
enum {
    NO_VARIANTS,
#define VARIANT_INDEX_(y, ...) VARIANTS_OF_##y,
    VM_VARIANT_OPS(VARIANT_INDEX_, ) VARIANT_OPS
};
static const uint8_t variant_index[VM_OP_COUNT] = {
#define VARIANT_INDEX_ENTRY_(y, ...) [VM_OP_##y] = VARIANTS_OF_##y,
    VM_VARIANT_OPS(VARIANT_INDEX_ENTRY_, )
};
/* (one row more than used, so that the table is never empty of used rows) */
static const uint16_t variant_opcode[VARIANT_OPS + 1][VM_FWD_OPERANDS] = {
#define VARIANT_ENTRY_(y, k, ...) [VARIANTS_OF_##y][k] = VM_OP_##y##__f##k,
    VM_VARIANT_LIST(VARIANT_ENTRY_, )
};
_Static_assert(PAIR_FIRSTS <= UINT8_MAX && PAIR_SECONDS <= UINT8_MAX &&
                   VARIANT_OPS <= UINT8_MAX,
               "index tables too narrow");
_Static_assert(VM_OP_COUNT <= UINT16_MAX, "pair table too narrow");

/* The class of each instruction's result and of each of its operand words (the forwarding
 * variables their handlers write and read, vm/interp.c), from the types of the families of
 * vmops.def: integers (and references: the default), read and written as a slot's bits, or
 * floats of either width. */
enum { CLASS_INT, CLASS_F32, CLASS_F64 };
#define CLASS_u32 CLASS_INT
#define CLASS_u64 CLASS_INT
#define CLASS_f32 CLASS_F32
#define CLASS_f64 CLASS_F64
static const uint8_t result_class[VM_OP_COUNT] = {
#define VM_BIN(id, in, out, expr) [VM_OP_##id] = CLASS_##out,
#define VM_BINI(id, in, out, expr) [VM_OP_##id] = CLASS_##out, [VM_OP_##id##_imm] = CLASS_##out,
#define VM_BINL(id, in, out, expr) [VM_OP_##id] = CLASS_##out, [VM_OP_##id##_l] = CLASS_##out,
#define VM_BINIL(id, in, out, expr)                                                            \
    VM_BINI(id, in, out, expr)[VM_OP_##id##_l] = CLASS_##out,
#define VM_UN(id, in, out, expr) [VM_OP_##id] = CLASS_##out,
#define VM_BINM(id, in, expr) [VM_OP_##id##_m] = CLASS_##in, [VM_OP_##id##_mm] = CLASS_##in,
#define VM_CHAIN(id, in, expr) [VM_OP_##id] = CLASS_##in,
#include "vmops.def"
};
/* The class of each operand word k of each instruction, in bits 2k and 2k + 1. */
#define AT_(k, class) ((uint16_t)(class) << 2 * (k))
static const uint16_t operand_classes[VM_OP_COUNT] = {
#define VM_BIN(id, in, out, expr) [VM_OP_##id] = AT_(2, CLASS_##in) | AT_(3, CLASS_##in),
#define VM_BINI(id, in, out, expr)                                                             \
    VM_BIN(id, in, out, expr)[VM_OP_##id##_imm] = AT_(2, CLASS_##in),
#define VM_BINL(id, in, out, expr)                                                             \
    VM_BIN(id, in, out, expr)[VM_OP_##id##_l] = AT_(2, CLASS_##in),
#define VM_BINIL(id, in, out, expr)                                                            \
    VM_BINI(id, in, out, expr)[VM_OP_##id##_l] = AT_(2, CLASS_##in),
#define VM_UN(id, in, out, expr) [VM_OP_##id] = AT_(2, CLASS_##in),
#define VM_BINM(id, in, expr) [VM_OP_##id##_m] = AT_(2, CLASS_##in),
#define VM_CHAIN(id, in, expr)                                                                 \
    [VM_OP_##id] = AT_(2, CLASS_##in) | AT_(3, CLASS_##in) | AT_(4, CLASS_##in),
#include "vmops.def"
    /* (hand-written handlers reading floats) */
    [VM_OP_i32_trunc_f32_s] = AT_(2, CLASS_F32), [VM_OP_i32_trunc_f32_u] = AT_(2, CLASS_F32),
    [VM_OP_i64_trunc_f32_s] = AT_(2, CLASS_F32), [VM_OP_i64_trunc_f32_u] = AT_(2, CLASS_F32),
    [VM_OP_i32_trunc_f64_s] = AT_(2, CLASS_F64), [VM_OP_i32_trunc_f64_u] = AT_(2, CLASS_F64),
    [VM_OP_i64_trunc_f64_s] = AT_(2, CLASS_F64), [VM_OP_i64_trunc_f64_u] = AT_(2, CLASS_F64),
};

/* vm_forwarded_operand, for instructions x and y whose unpaired opcodes are x_op and y_op.
 * Computed without branches (the pass runs over all code as it is loaded, and branches on
 * operands mispredict): y's words 1 .. VM_FWD_OPERANDS - 1 must be readable (VM_FWD_PADDING);
 * those past its end are masked out. */
static inline uint32_t forwarded_operand(uint32_t x_op, const uint32_t *x, uint32_t y_op,
                                         const uint32_t *y)
{
    uint32_t slot = x[1], match = 0;
    for (uint32_t k = 1; k < VM_FWD_OPERANDS; k++)
        match |= (uint32_t)(y[k] == slot) << k;
    /* the first mention of the slot among y's slot words (bit VM_FWD_OPERANDS: none) */
    match &= (uint32_t)(vm_op_source_words[y_op] | vm_op_dest_words[y_op]);
    uint32_t k = (uint32_t)__builtin_ctz(match | 1u << VM_FWD_OPERANDS);
    /* x writes one slot, in its word 1 (its handler's last slot write, which leaves the value
     * in the interpreter's forwarding variable of x's class); the first mention of it in y is
     * a source (not a destination y writes before), read in that class */
    uint32_t y_class = (uint32_t)operand_classes[y_op] >> 2 * k & 3;
    bool ok = vm_op_dest_words[x_op] == 1u << 1 && (vm_op_source_words[y_op] >> k & 1) &&
              y_class == result_class[x_op];
    return ok ? k : 0;
}

uint32_t vm_forwarded_operand(const uint32_t *x, const uint32_t *y)
{
    /* (either may be a pair or variant opcode, which has its instruction's operands: the
     * tables want the unpaired one; y's words are copied to where its unused ones read 0) */
    uint32_t unpaired_y[VM_FWD_OPERANDS] = {vm_op_unpaired(y[0])};
    for (uint32_t i = 1, n = vm_insn_length(y, 0); i < n && i < VM_FWD_OPERANDS; i++)
        unpaired_y[i] = y[i];
    return forwarded_operand(vm_op_unpaired(x[0]), x, unpaired_y[0], unpaired_y);
}

/* Every instruction that has a pair with its successor becomes that pair, including the
 * second instruction of another pair: a pair runs its second instruction's own handler, so
 * the second instruction's opcode word only matters when control arrives there another way
 * (a branch to it), and then its own pairing saves that dispatch.
 *
 * Forwarding: an instruction y that reads what its predecessor x wrote (vm_forwarded_operand),
 * that no branch targets (so that x always runs just before it: a branch paying the charge of
 * a `fuel` instruction lands after it, where no forwarding is, since `fuel` writes no slot),
 * and that has a forwarding variant y^k: when x+y is a pair, x becomes the forwarded pair
 * x+y^k (there is one for every pair and variant, pairs.h); else y becomes y^k, unless y
 * becomes a pair itself. */
bool vm_code_pair(uint32_t *words, uint32_t nwords, const vm_srcmap_entry *starts,
                  uint32_t nstarts, const uint32_t *targets, uint32_t ntargets)
{
    /* the landing bitmap: on the stack for most functions */
    uint64_t small[64], *landing = small;
    size_t nlanding = nwords / 64 + 1;
    if (nlanding > sizeof small / sizeof *small && !(landing = malloc(nlanding * sizeof *landing)))
        return false;
    memset(landing, 0, nlanding * sizeof *landing);
    for (uint32_t i = 0; i < ntargets; i++)
        if (targets[i] < nwords)
            landing[targets[i] / 64] |= 1ull << (targets[i] % 64);
    /* (the instruction starts come from the translator's source map: no pass over the code
     * has to decode lengths, a chain of dependent loads per instruction) */
    uint32_t x = nstarts ? words[starts[0].pos] : 0; /* the opcode at pc, before this pass */
    for (uint32_t i = 0; i + 1 < nstarts; i++) {
        uint32_t pc = starts[i].pos, next = starts[i + 1].pos;
        uint32_t y = words[next], vi = variant_index[y];
        uint32_t pair = pair_opcode[first_index[x]][second_index[y]];
        /* the operand forwarded to y (0: none), looked for only where it may be found */
        uint32_t k = 0;
        bool lands = landing[next / 64] >> (next % 64) & 1;
        if ((vi != 0) & (vm_op_dest_words[x] == 1u << 1) & !lands)
            k = forwarded_operand(x, words + pc, y, words + next);
        uint32_t y_variant = variant_opcode[vi][k];
        if (pair)
            words[pc] = y_variant ? forwarded_pair_opcode[first_index[x]][second_index[y]][k]
                                  : pair;
        else if (y_variant)
            words[next] = y_variant;
        x = y;
    }
    if (landing != small)
        free(landing);
    return true;
}
