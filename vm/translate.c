/* Translation of one validated Wasm function body into register-style internal code.
 *
 * Frame layout: fp[0 .. nlocals) are the parameters and locals; the Wasm operand stack
 * entry at height h lives in fp[nlocals + h] (its "natural slot"). Branch targets and stack
 * heights are therefore fixed at translation time.
 *
 * The translator tracks where each operand-stack value currently is:
 *   VAL_SLOT   in its natural slot (computed by an emitted instruction),
 *   VAL_LOCAL  still in local x (a local.get that emitted no code),
 *   VAL_CONST  a constant not yet written anywhere,
 *   VAL_ADDR   i32 arithmetic not yet computed: base + (index << shift) + imm (an address,
 *              usually), over locals and the entry's own natural slot only.
 * Deferred values are materialised into their natural slots when they must be: when local x
 * is about to be written while a VAL_LOCAL x is pending, at the entry of every block (so that
 * all paths through a block agree on where the values below it live), before calls, and when
 * an operator cannot take them as operands. Instructions then address locals directly, so
 * local.get / local.set mostly disappear into operands: local.set retargets the destination
 * of the instruction that produced the value. A VAL_ADDR that ends up as the address of a load
 * or store costs no instruction of its own, even when other code ran between its computation
 * and the access (a store's value, computed after its address).
 *
 * Invariant: at every label (block end, loop head, else), every value below the label's
 * height is VAL_SLOT or VAL_CONST, and the label's values are in their natural slots.
 */
#include <stdlib.h>
#include <string.h>

#include "../loader/binary.h"
#include "../loader/blocktype.h"
#include "../loader/cost_model.h"
#include "../loader/opcodes.h"
#include "../loader/reader.h"
#include "code.h"
#include "../loader/hints.h"

enum { VAL_SLOT, VAL_LOCAL, VAL_CONST, VAL_ADDR };

#define NO_POS UINT32_MAX

/* i32 arithmetic in the shape of an address: (u32)(base + (index << shift) + imm), base and
 * index (slots) each optional; shift < 32. */
typedef struct {
    uint32_t base, index, imm;
    uint8_t shift;
    bool has_base, has_index;
} tr_addr;

typedef struct {
    uint8_t type;       /* wasm_valtype */
    uint8_t kind;       /* VAL_* */
    uint32_t origin;    /* VAL_ADDR: Wasm offset of the operator that computed it (last) */
    union {
        uint32_t local; /* VAL_LOCAL: the local index */
        uint64_t bits;  /* VAL_CONST: the value */
        tr_addr addr;   /* VAL_ADDR: the arithmetic; its slots are locals or the entry's own
                         * natural slot, which nothing else writes while the entry exists */
    };
} tr_val;

typedef struct {
    uint16_t op;            /* WASM_OP_block / loop / if / else, or WASM_OP_end for the body */
    bool unreachable;       /* the rest of this frame's code is dead */
    uint32_t height;        /* operand height at entry, below the parameters */
    uint32_t nparams, nresults;
    const uint8_t *params, *results;
    uint32_t loop_pos;      /* loop: code position of the head */
    uint32_t fixups;        /* chain of offset words to patch with the end position */
    uint32_t else_fixup;    /* if: the offset word of the branch to the else arm */
} tr_frame;

typedef struct {
    const wasm_module *m;
    uint32_t func_index;
    const wasm_functype *type;
    uint32_t nlocals;
    uint32_t caplocals;     /* elements allocated of local_types, pending and zero */
    uint8_t *local_types;
    wasm_reader r;
    size_t op_offset;       /* file offset of the instruction being translated */

    uint32_t *code;
    uint32_t ncode, capcode;
    vm_srcmap_entry *map;
    uint32_t nmap, capmap;

    tr_val *vals;
    uint32_t nvals, capvals;
    uint32_t max_height;
    uint32_t *pending;      /* per local: VAL_LOCAL and VAL_ADDR entries reading it on the
                             * stack (an entry reading it twice counts twice) */
    uint32_t naddr;         /* VAL_ADDR entries on the stack */
    /* Per local: still zero, as every call starts declared locals (not parameters), on every
     * path to this point: set for declared locals at entry, cleared when the local is written
     * and for all at the first place control can join (a loop's head, an else arm, the end of
     * a block). Writing zero to such a local emits nothing. */
    bool *zero;
    bool at_entry;          /* no join yet: the code so far runs straight from the entry,
                             * whatever branched away from it */

    tr_frame *frames;
    uint32_t nframes, capframes;
    uint32_t dead_depth;    /* nesting depth of blocks inside dead code */

    /* The last emitted instruction, when it wrote a single value to a slot that may be
     * retargeted (local.set) or fused into a following branch; NO_POS otherwise. */
    uint32_t last_pos;
    uint32_t last_dst_word;
    /* The last emitted instruction when it is a `copy` that a next copy may join into a
     * copy2 (no label between them); NO_POS otherwise. */
    uint32_t copy_pos;
    /* The last emitted i32/i64 add or add_imm, which a conditional branch on its result right
     * after it (no label between) may do itself (the _radd and _add forms of vmops.def);
     * NO_POS when none. */
    uint32_t add_pos;
    /* The code position of the last label: instructions from there on run in sequence
     * whenever the last of them runs, so they may be fused into one. */
    uint32_t label_pos;

    /* Metering: how charges are emitted, from which model. */
    vm_meter_mode meter;
    const wasm_cost_model *costs;
    uint32_t fuel_word;     /* VM_METER_BLOCKS: the cost words (low, high) of the open metered
                             * block's charge, which grows as its operators are translated */
    bool fuel_pending;      /* a block is open but its charge not yet emitted: it is emitted
                             * before the block's first instruction or first costly operator,
                             * so blocks that cost nothing and run no code need none */
    /* Charge sites recorded for the instrumenter: wasm_offset and else_arm are set when the
     * charge is placed; site_words[i] holds the position of charge i's cost words, whose
     * final value is read when translation ends. */
    vm_charge_site *sites;
    uint32_t *site_words;
    uint32_t nsites, capsites;  /* capsites: of both arrays */
    bool in_else_arm;       /* translating the empty else arm given to an `if` without one */
    uint32_t gas_func;      /* direct calls to it become fuel charges (VM_NO_GAS_FUNC: none) */
    /* The target of every branch offset written (patch), for the pairing pass (forwarding
     * must know where branches land); a target may repeat. */
    uint32_t *targets;
    uint32_t ntargets, captargets;

    bool oom;
} tr_state;

/* The buffers of tr_state that outlive one function when a scratch is given (vm.h), each
 * with its capacity: BUF(type, field) names a buffer and CAP(field) a capacity (uint32_t),
 * fields of both structs. The next translation reuses them, discarding what they hold. */
#define SCRATCH_FIELDS(BUF, CAP)                                                               \
    BUF(uint32_t *, code) CAP(capcode)                                                         \
    BUF(vm_srcmap_entry *, map) CAP(capmap)                                                    \
    BUF(tr_val *, vals) CAP(capvals)                                                           \
    BUF(tr_frame *, frames) CAP(capframes)                                                     \
    BUF(vm_charge_site *, sites) BUF(uint32_t *, site_words) CAP(capsites)                     \
    BUF(uint32_t *, targets) CAP(captargets)                                                   \
    BUF(uint8_t *, local_types) BUF(uint32_t *, pending) BUF(bool *, zero) CAP(caplocals)

struct vm_scratch {
#define SCRATCH_BUF(type, name) type name;
#define SCRATCH_CAP(name) uint32_t name;
    SCRATCH_FIELDS(SCRATCH_BUF, SCRATCH_CAP)
#undef SCRATCH_BUF
#undef SCRATCH_CAP
};

vm_scratch *vm_scratch_new(void) { return calloc(1, sizeof(vm_scratch)); }

/* Frees the buffers of s, not s. */
static void scratch_release(vm_scratch *s)
{
#define FREE_BUF(type, name) free(s->name);
#define NO_CAP(name)
    SCRATCH_FIELDS(FREE_BUF, NO_CAP)
#undef FREE_BUF
#undef NO_CAP
    memset(s, 0, sizeof *s);
}

void vm_scratch_free(vm_scratch *s)
{
    if (s) {
        scratch_release(s);
        free(s);
    }
}

/* Moves the buffers of s into t (which holds none), and back (scratch_keep). */
static void scratch_lend(tr_state *t, vm_scratch *s)
{
#define LEND_BUF(type, name) t->name = s->name;
#define LEND_CAP(name) t->name = s->name;
    SCRATCH_FIELDS(LEND_BUF, LEND_CAP)
#undef LEND_BUF
#undef LEND_CAP
    memset(s, 0, sizeof *s);
}

static void scratch_keep(vm_scratch *s, const tr_state *t)
{
#define KEEP_BUF(type, name) s->name = t->name;
#define KEEP_CAP(name) s->name = t->name;
    SCRATCH_FIELDS(KEEP_BUF, KEEP_CAP)
#undef KEEP_BUF
#undef KEEP_CAP
}

/* ---- growable buffers ----
 * The buffers start at a capacity estimated from the function's size (vm_translate_ex), so
 * that most functions never grow them: the checks are inline, the growth out of line. */

/* Reallocates array *p of *cap elements of elem bytes to hold need (> *cap) elements: twice
 * the capacity, or need if that is more. */
__attribute__((noinline)) static bool grow_to(void **p, uint32_t *cap, uint32_t need,
                                              size_t elem)
{
    uint32_t ncap = *cap ? *cap * 2 : 16;
    if (ncap < need)
        ncap = need;
    void *q = realloc(*p, (size_t)ncap * elem);
    if (!q)
        return false;
    *p = q;
    *cap = ncap;
    return true;
}

/* Makes room for need elements in array *p of *cap elements of elem bytes. */
static inline bool grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    return likely(need <= *cap) || grow_to(p, cap, need, elem);
}

/* The translated function in one allocation: the vm_code, then its charge sites, its words
 * and its source map, copied from t's buffers (each array NULL when empty); NULL when out of
 * memory. vm_code_free frees it all. */
_Static_assert(sizeof(vm_code) % _Alignof(vm_charge_site) == 0 &&
                   sizeof(vm_charge_site) % _Alignof(uint32_t) == 0 &&
                   sizeof(uint32_t) % _Alignof(vm_srcmap_entry) == 0,
               "each array of a vm_code's allocation is aligned where the one before ends");
static vm_code *code_alloc(const tr_state *t)
{
    size_t charges = (size_t)t->nsites * sizeof *t->sites;
    size_t words = (size_t)t->ncode * sizeof *t->code;
    size_t map = (size_t)t->nmap * sizeof *t->map;
    vm_code *code = malloc(sizeof *code + charges + words + map);
    if (!code)
        return NULL;
    memset(code, 0, sizeof *code);
    char *at = (char *)(code + 1);
    if (charges) {
        code->charges = memcpy(at, t->sites, charges);
        at += charges;
    }
    if (words) {
        code->words = memcpy(at, t->code, words);
        at += words;
    }
    if (map)
        code->srcmap = memcpy(at, t->map, map);
    code->ncharges = t->nsites;
    code->nwords = t->ncode;
    code->nsrcmap = t->nmap;
    return code;
}

/* ---- emission ---- */

static inline void emit_word(tr_state *t, uint32_t w)
{
    if (unlikely(!grow((void **)&t->code, &t->capcode, t->ncode + 1, sizeof *t->code))) {
        t->oom = true;
        return;
    }
    t->code[t->ncode++] = w;
}

/* Emits a 64-bit immediate: two words, low half first (vm_imm64). */
static void emit_imm64(tr_state *t, uint64_t v)
{
    emit_word(t, (uint32_t)v);
    emit_word(t, (uint32_t)(v >> 32));
}

static void flush_fuel(tr_state *t);

/* Starts an instruction: records its source position and forgets the previous producer. */
static uint32_t emit_op(tr_state *t, vm_opcode op)
{
    if (t->fuel_pending && op != VM_OP_fuel)
        flush_fuel(t);
    uint32_t pos = t->ncode;
    if (likely(grow((void **)&t->map, &t->capmap, t->nmap + 1, sizeof *t->map)))
        t->map[t->nmap++] = (vm_srcmap_entry){pos, (uint32_t)t->op_offset};
    else
        t->oom = true;
    emit_word(t, op);
    t->last_pos = NO_POS;
    return pos;
}

/* Removes the instructions from pos (an instruction start) on, for fusion. */
static void unemit(tr_state *t, uint32_t pos)
{
    t->ncode = pos;
    while (t->nmap && t->map[t->nmap - 1].pos >= pos)
        t->nmap--;
    t->last_pos = NO_POS;
    if (t->copy_pos != NO_POS && t->copy_pos >= pos)
        t->copy_pos = NO_POS;
    if (t->add_pos != NO_POS && t->add_pos >= pos)
        t->add_pos = NO_POS;
}

/* Marks the instruction at pos, whose destination operand is the word just emitted, as a
 * producer that later code may retarget or fuse. */
static void mark_producer(tr_state *t, uint32_t pos)
{
    t->last_pos = pos;
    t->last_dst_word = t->ncode - 1;
}

/* A position other code may jump to: nothing before it may be rewritten. */
static void place_label(tr_state *t)
{
    t->last_pos = NO_POS;
    t->copy_pos = NO_POS;
    t->add_pos = NO_POS;
    t->label_pos = t->ncode;
    t->at_entry = false;
}

/* ---- metering ----
 * Fuel is defined on Wasm operators. With VM_METER_BLOCKS each metered block starts with a
 * `fuel` instruction whose cost is the sum of the costs of the block's operators (and the
 * call entry cost, for the first block); a new block starts where control can enter other
 * than by falling through: loop heads, if/else arms, the end of a block a branch targets,
 * the end of every if, and after br_if. Code that follows a branch, return or unreachable
 * is dead and never charged. With VM_METER_PER_OPERATOR (the reference) every operator is
 * charged by its own instruction, placed where the operator executes. */

static void emit_fuel(tr_state *t, uint64_t cost)
{
    emit_op(t, VM_OP_fuel);
    emit_imm64(t, cost);
}

/* Grows both charge site arrays to hold need (> capsites) sites. */
__attribute__((noinline)) static bool grow_sites(tr_state *t, uint32_t need)
{
    uint32_t cap = t->capsites;
    return grow_to((void **)&t->sites, &cap, need, sizeof *t->sites) &&
           grow_to((void **)&t->site_words, &t->capsites, need, sizeof *t->site_words);
}

/* Records where the charge just placed (cost words at fuel_word) sits in the Wasm code: before
 * the instruction being translated. */
static void record_site(tr_state *t)
{
    if (t->oom)
        return;
    if (unlikely(t->nsites == t->capsites) && !grow_sites(t, t->nsites + 1)) {
        t->oom = true;
        return;
    }
    t->sites[t->nsites] = (vm_charge_site){(uint32_t)t->op_offset, t->in_else_arm, 0};
    t->site_words[t->nsites++] = t->fuel_word;
}

/* Emits the open block's charge, a `fuel` instruction whose cost keeps growing until the
 * block ends. (Branches into the block and the one whose not-taken path falls into it may
 * pay it themselves: vm_code_fold_charges, once the code is complete.) */
static void flush_fuel(tr_state *t)
{
    t->fuel_pending = false;
    emit_fuel(t, 0);
    t->fuel_word = t->ncode - 2;
    record_site(t);
}

/* Starts a metered block here (VM_METER_BLOCKS only). Every way into the block enters at
 * this position, and any later label starts another block, so emitting the charge lazily
 * (at the first instruction or costly operator) still charges every entry. */
static void open_metered_block(tr_state *t)
{
    if (t->meter == VM_METER_BLOCKS)
        t->fuel_pending = true;
}

/* Adds cost to the open block's emitted charge. */
static void add_to_charge(tr_state *t, uint64_t cost)
{
    if (t->oom)
        return;
    uint32_t *w = &t->code[t->fuel_word];
    uint64_t sum = vm_imm64(w) + cost;
    if (sum < cost)
        sum = UINT64_MAX; /* saturate: such a block can never be paid for */
    vm_put_imm64(w, sum);
}

/* Accounts for operator op executing at this point of the code. */
static inline void charge_op(tr_state *t, uint32_t op)
{
    if (t->meter == VM_METER_OFF || t->oom)
        return;
    uint64_t cost = t->costs->op_cost[op];
    if (t->meter == VM_METER_PER_OPERATOR) {
        if (cost)
            emit_fuel(t, cost);
        return;
    }
    if (cost == 0)
        return;
    if (t->fuel_pending)
        flush_fuel(t);
    add_to_charge(t, cost);
}

/* Writes the branch offset word at `word` so that it reaches `target`. Offsets are relative
 * to the offset word itself. */
static void patch(tr_state *t, uint32_t word, uint32_t target)
{
    t->code[word] = (uint32_t)((int32_t)target - (int32_t)word);
    if (unlikely(!grow((void **)&t->targets, &t->captargets, t->ntargets + 1,
                       sizeof *t->targets))) {
        t->oom = true;
        return;
    }
    t->targets[t->ntargets++] = target;
}

/* Emits an offset word that branches to frame f's label. */
static void emit_target(tr_state *t, tr_frame *f)
{
    if (f->op == WASM_OP_loop) {
        uint32_t word = t->ncode;
        emit_word(t, 0);
        if (!t->oom)
            patch(t, word, f->loop_pos);
    } else {
        /* forward: chain through the not-yet-patched words */
        uint32_t word = t->ncode;
        emit_word(t, f->fixups);
        f->fixups = word;
    }
}

static void resolve_fixups(tr_state *t, uint32_t chain, uint32_t target)
{
    while (chain != NO_POS && !t->oom) {
        uint32_t next = t->code[chain];
        patch(t, chain, target);
        chain = next;
    }
}

/* ---- operand stack ---- */

static uint32_t natural_slot(const tr_state *t, uint32_t height) { return t->nlocals + height; }

/* Adds delta to the pending reads of the locals entry v reads (and to naddr for a VAL_ADDR
 * entry): +1 when it is pushed, -1 when it is popped or computed into its slot. */
static inline void count_reads(tr_state *t, const tr_val *v, uint32_t delta)
{
    if (v->kind == VAL_LOCAL) {
        t->pending[v->local] += delta;
    } else if (v->kind == VAL_ADDR) {
        t->naddr += delta;
        if (v->addr.has_base && v->addr.base < t->nlocals)
            t->pending[v->addr.base] += delta;
        if (v->addr.has_index && v->addr.index < t->nlocals)
            t->pending[v->addr.index] += delta;
    }
}

/* Whether entry v reads local x. */
static bool reads_local(const tr_val *v, uint32_t x)
{
    if (v->kind == VAL_LOCAL)
        return v->local == x;
    return v->kind == VAL_ADDR && ((v->addr.has_base && v->addr.base == x) ||
                                   (v->addr.has_index && v->addr.index == x));
}

static inline void push_val(tr_state *t, tr_val v)
{
    if (unlikely(!grow((void **)&t->vals, &t->capvals, t->nvals + 1, sizeof *t->vals))) {
        t->oom = true;
        return;
    }
    count_reads(t, &v, 1);
    t->vals[t->nvals++] = v;
    if (t->nvals > t->max_height)
        t->max_height = t->nvals;
}

static void push_slot(tr_state *t, uint8_t type)
{
    push_val(t, (tr_val){.type = type, .kind = VAL_SLOT});
}

/* Pops the top entry; the pointer to it stays valid until the next push. */
static inline const tr_val *pop_val(tr_state *t)
{
    const tr_val *v = &t->vals[--t->nvals];
    count_reads(t, v, (uint32_t)-1);
    return v;
}

static void truncate_vals(tr_state *t, uint32_t height)
{
    while (t->nvals > height)
        pop_val(t);
}

static void emit_const(tr_state *t, uint32_t dst, uint64_t bits)
{
    if (bits <= UINT32_MAX) {
        emit_op(t, VM_OP_const32);
        emit_word(t, dst);
        emit_word(t, (uint32_t)bits);
    } else {
        emit_op(t, VM_OP_const64);
        emit_word(t, dst);
        emit_imm64(t, bits);
    }
}

static void emit_copy(tr_state *t, uint32_t dst, uint32_t src)
{
    if (dst == src)
        return;
    if (t->copy_pos != NO_POS && t->copy_pos + 3 == t->ncode && !t->fuel_pending) {
        /* right after another copy: one copy2 instruction */
        uint32_t pos = t->copy_pos;
        t->code[pos] = VM_OP_copy2;
        emit_word(t, dst);
        mark_producer(t, pos);
        emit_word(t, src);
        t->copy_pos = NO_POS;
        return;
    }
    uint32_t pos = emit_op(t, VM_OP_copy);
    emit_word(t, dst);
    mark_producer(t, pos);
    emit_word(t, src);
    t->copy_pos = pos;
}

/* Emits dst = src + imm (i32), a producer that a branch may fuse (add_pos). */
static void emit_add_imm(tr_state *t, uint32_t dst, uint32_t src, uint32_t imm)
{
    uint32_t pos = emit_op(t, VM_OP_i32_add_imm);
    emit_word(t, dst);
    mark_producer(t, pos);
    emit_word(t, src);
    emit_word(t, imm);
    t->add_pos = pos;
}

/* Computes the deferred arithmetic of entry v into slot dst: one instruction (i32_lea for
 * all three terms), or two for an index and an immediate without a base (the second adds
 * it). The last one is marked as the producer of dst, for retargeting and fusion. The code
 * maps back to the Wasm operator that computed v. */
static void emit_address_value(tr_state *t, uint32_t dst, const tr_val *v)
{
    size_t op_offset = t->op_offset;
    t->op_offset = v->origin;
    const tr_addr *a = &v->addr;
    uint32_t pos, imm = a->imm;
    if (a->has_base && a->has_index && imm) {
        pos = emit_op(t, VM_OP_i32_lea);
        emit_word(t, dst);
        mark_producer(t, pos);
        emit_word(t, a->base);
        emit_word(t, a->index);
        emit_word(t, a->shift);
        emit_word(t, imm);
    } else if (a->has_index) {
        vm_opcode op = !a->has_base ? VM_OP_i32_shl_imm
                       : a->shift   ? VM_OP_i32_add_shl
                                    : VM_OP_i32_add;
        pos = emit_op(t, op);
        emit_word(t, dst);
        mark_producer(t, pos);
        emit_word(t, a->has_base ? a->base : a->index);
        if (a->has_base)
            emit_word(t, a->index);
        if (op != VM_OP_i32_add)
            emit_word(t, a->shift);
        else
            t->add_pos = pos;
        if (imm) /* index << shift, plus imm */
            emit_add_imm(t, dst, dst, imm);
    } else {
        emit_add_imm(t, dst, a->base, imm);
    }
    t->op_offset = op_offset;
}

/* Moves stack entry i into its natural slot. */
static void materialize(tr_state *t, uint32_t i)
{
    tr_val *v = &t->vals[i];
    if (v->kind == VAL_LOCAL) {
        t->pending[v->local]--;
        emit_copy(t, natural_slot(t, i), v->local);
    } else if (v->kind == VAL_CONST) {
        emit_const(t, natural_slot(t, i), v->bits);
    } else if (v->kind == VAL_ADDR) {
        count_reads(t, v, (uint32_t)-1);
        emit_address_value(t, natural_slot(t, i), v);
    }
    v->kind = VAL_SLOT;
}

/* Materialises the VAL_ADDR entries from stack entry `from` up. */
static void materialize_addresses(tr_state *t, uint32_t from)
{
    for (uint32_t i = from; t->naddr && i < t->nvals; i++)
        if (t->vals[i].kind == VAL_ADDR)
            materialize(t, i);
}

/* The slot holding stack entry i, materialising constants. */
static uint32_t operand_slot(tr_state *t, uint32_t i)
{
    tr_val *v = &t->vals[i];
    if (v->kind == VAL_LOCAL)
        return v->local;
    if (v->kind == VAL_CONST || v->kind == VAL_ADDR)
        materialize(t, i);
    return natural_slot(t, i);
}

/* Pops the top entry and returns its slot. */
static uint32_t pop_slot(tr_state *t)
{
    uint32_t s = operand_slot(t, t->nvals - 1);
    pop_val(t);
    return s;
}

/* Before local x is written: pending reads of it must take their copies now. */
static void flush_local(tr_state *t, uint32_t x, uint32_t below)
{
    for (uint32_t i = 0; t->pending[x] && i < below; i++)
        if (reads_local(&t->vals[i], x))
            materialize(t, i);
}

/* At block entry: every deferred local read is materialised; constants may stay deferred
 * below the block's parameters since they cannot change. */
static void settle_stack(tr_state *t, uint32_t params_from)
{
    for (uint32_t i = 0; i < t->nvals; i++)
        if (t->vals[i].kind == VAL_LOCAL || t->vals[i].kind == VAL_ADDR ||
            (i >= params_from && t->vals[i].kind != VAL_SLOT))
            materialize(t, i);
}

/* ---- branches ---- */

static uint32_t label_arity(const tr_frame *f)
{
    return f->op == WASM_OP_loop ? f->nparams : f->nresults;
}

/* Whether branching to f needs value moves first. */
static bool branch_needs_moves(const tr_state *t, const tr_frame *f)
{
    if (f->op == WASM_OP_end)
        return true; /* function label: a return sequence */
    uint32_t n = label_arity(f);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = t->nvals - n + i;
        if (t->vals[k].kind != VAL_SLOT || k != f->height + i)
            return true;
    }
    return false;
}

/* Copies the top n values into the slots of frame f's values, f->height + i (ascending
 * order is safe: each source sits at or above its destination). Branches move the label's
 * arity; falling through `else`/`end` moves the block's results. */
static void move_to_frame(tr_state *t, const tr_frame *f, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = t->nvals - n + i;
        uint32_t dst = natural_slot(t, f->height + i);
        tr_val *v = &t->vals[k];
        if (v->kind == VAL_CONST)
            emit_const(t, dst, v->bits);
        else
            emit_copy(t, dst, v->kind == VAL_LOCAL ? v->local : natural_slot(t, k));
    }
}

/* Returns from the function with the top nresults values. Emits code only: the operand
 * stack is left as it is, since this also serves branches taken on one path only. */
static void emit_return(tr_state *t)
{
    uint32_t n = t->type->nresults;
    uint32_t first = t->nvals - n;
    if (n == 1 && t->vals[first].kind != VAL_CONST) {
        const tr_val *v = &t->vals[first];
        emit_op(t, VM_OP_ret1);
        emit_word(t, v->kind == VAL_LOCAL ? v->local : natural_slot(t, first));
        return;
    }
    /* Result i goes to fp[i], in ascending order. Stack sources sit at or above their
     * destination, so they are safe; a source in local l < n other than i would be
     * overwritten by result l first, so it is copied to its natural slot beforehand. */
    for (uint32_t i = 0; i < n; i++) {
        const tr_val *v = &t->vals[first + i];
        if (v->kind == VAL_LOCAL && v->local < n && v->local != i)
            emit_copy(t, natural_slot(t, first + i), v->local);
    }
    for (uint32_t i = 0; i < n; i++) {
        const tr_val *v = &t->vals[first + i];
        if (v->kind == VAL_CONST)
            emit_const(t, i, v->bits);
        else if (v->kind == VAL_LOCAL && !(v->local < n && v->local != i))
            emit_copy(t, i, v->local);
        else
            emit_copy(t, i, natural_slot(t, first + i));
    }
    emit_op(t, VM_OP_ret);
}

/* Emits an unconditional branch to frame f: a br, or, right after a copy, copy2 or i32
 * add_imm (nothing between them may be a label), the form of it that also branches. */
static void emit_jump(tr_state *t, tr_frame *f)
{
    static const struct {
        vm_opcode op, with_br;
    } forms[] = {
        {VM_OP_copy, VM_OP_copy_br},
        {VM_OP_copy2, VM_OP_copy2_br},
        {VM_OP_i32_add_imm, VM_OP_i32_add_imm_br},
    };
    uint32_t pos = t->nmap && !t->fuel_pending ? t->map[t->nmap - 1].pos : NO_POS;
    for (size_t i = 0; pos != NO_POS && pos >= t->label_pos && i < sizeof forms / sizeof *forms;
         i++) {
        if (t->code[pos] == (uint32_t)forms[i].op && pos + vm_op_words[forms[i].op] == t->ncode) {
            t->code[pos] = forms[i].with_br;
            t->last_pos = NO_POS;
            t->copy_pos = NO_POS;
            t->add_pos = NO_POS;
            emit_target(t, f);
            return;
        }
    }
    emit_op(t, VM_OP_br);
    emit_target(t, f);
}

/* Unconditional branch to frame f (values on top of the stack). */
static void emit_branch(tr_state *t, tr_frame *f)
{
    if (f->op == WASM_OP_end) {
        emit_return(t);
        return;
    }
    move_to_frame(t, f, label_arity(f));
    emit_jump(t, f);
}

static void set_unreachable(tr_state *t)
{
    tr_frame *f = &t->frames[t->nframes - 1];
    truncate_vals(t, f->height);
    f->unreachable = true;
}

/* ---- conditions and fusion ---- */

/* A branch condition: a plain slot tested for (non-)zero, a fused comparison, or a fused
 * load tested for (non-)zero. */
typedef struct {
    vm_opcode branch_op;    /* br_if/br_ifz/br_if64z/br_if64nz, a br_<cmp>[_imm], or a
                             * br_i32_load*_nz/_z */
    uint32_t a, b;          /* operand words (b unused for single-operand branches); for a
                             * load: its destination, and the words of its _ai address */
    bool has_b;
    uint32_t base, imm, offset; /* a load's address (base, imm, offset) */
    uint32_t wasm_offset;   /* a load's Wasm offset, which the branch keeps (it may trap) */
} tr_cond;

static vm_opcode negate_branch(vm_opcode op)
{
    switch (op) {
    case VM_OP_br_if: return VM_OP_br_ifz;
    case VM_OP_br_ifz: return VM_OP_br_if;
    case VM_OP_br_if64z: return VM_OP_br_if64nz;
    case VM_OP_br_if64nz: return VM_OP_br_if64z;
    case VM_OP_br_i32_load8_u_nz: return VM_OP_br_i32_load8_u_z;
    case VM_OP_br_i32_load8_u_z: return VM_OP_br_i32_load8_u_nz;
    case VM_OP_br_i32_load_nz: return VM_OP_br_i32_load_z;
    case VM_OP_br_i32_load_z: return VM_OP_br_i32_load_nz;
    case VM_OP_br_i32_eq_and: return VM_OP_br_i32_ne_and;
    case VM_OP_br_i32_ne_and: return VM_OP_br_i32_eq_and;
    case VM_OP_br_i32_eq_and_imm: return VM_OP_br_i32_ne_and_imm;
    case VM_OP_br_i32_ne_and_imm: return VM_OP_br_i32_eq_and_imm;
#define VM_CMP(id, in, expr, negated)                                                          \
    case VM_OP_br_##id: return VM_OP_br_##negated;                                             \
    case VM_OP_br_##id##_imm: return VM_OP_br_##negated##_imm;
#include "vmops.def"
    default: return op;
    }
}

/* The fused branch form of a comparison instruction, or 0 when op is not one. */
static vm_opcode fused_branch(vm_opcode op)
{
    switch (op) {
#define VM_CMP(id, in, expr, negated)                                                          \
    case VM_OP_##id: return VM_OP_br_##id;                                                     \
    case VM_OP_##id##_imm: return VM_OP_br_##id##_imm;
#include "vmops.def"
    default: return (vm_opcode)0;
    }
}

/* Whether op (a plain form) is a branch testing a loaded value. */
static bool is_load_branch(vm_opcode op)
{
    return op == VM_OP_br_i32_load8_u_nz || op == VM_OP_br_i32_load8_u_z ||
           op == VM_OP_br_i32_load_nz || op == VM_OP_br_i32_load_z;
}

/* The branch testing the value loaded by the instruction at pos for non-zero, with its
 * operands in *c; false when that instruction is not an i32.load8_u or i32.load (plain or
 * _ai form) ending the code. */
static bool load_branch(const tr_state *t, uint32_t pos, tr_cond *c)
{
    static const struct {
        vm_opcode load, load_ai, branch;
    } forms[] = {
        {VM_OP_i32_load8_u, VM_OP_i32_load8_u_ai, VM_OP_br_i32_load8_u_nz},
        {VM_OP_i32_load, VM_OP_i32_load_ai, VM_OP_br_i32_load_nz},
    };
    const uint32_t *w = &t->code[pos];
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        bool ai = w[0] == (uint32_t)forms[i].load_ai && pos + 5 == t->ncode;
        if (ai || (w[0] == (uint32_t)forms[i].load && pos + 4 == t->ncode)) {
            *c = (tr_cond){.branch_op = forms[i].branch, .a = w[1], .base = w[2],
                           .imm = ai ? w[3] : 0, .offset = ai ? w[4] : w[3],
                           .wasm_offset = t->map[t->nmap - 1].wasm_offset};
            return true;
        }
    }
    return false;
}

/* The masked form of branch op (an i32 eq or ne, of two slots or with an immediate), or 0. */
static vm_opcode masked_branch(vm_opcode op)
{
    switch (op) {
    case VM_OP_br_i32_eq: return VM_OP_br_i32_eq_and;
    case VM_OP_br_i32_ne: return VM_OP_br_i32_ne_and;
    case VM_OP_br_i32_eq_imm: return VM_OP_br_i32_eq_and_imm;
    case VM_OP_br_i32_ne_imm: return VM_OP_br_i32_ne_and_imm;
    default: return (vm_opcode)0;
    }
}

/* Joins to the equality test c, whose comparison was the instruction at pos (and is gone),
 * the i32.and of a constant just before it that computed one of its operands into a
 * temporary nothing else reads (a natural slot at or above `free`, the stack height after
 * the test): c becomes the masked form (br_i32_eq_and, ...) and the and goes. */
static void join_mask(tr_state *t, uint32_t pos, uint32_t free, tr_cond *c)
{
    vm_opcode form = masked_branch(c->branch_op);
    if (!form || t->nmap < 1 || t->map[t->nmap - 1].pos + 4 != pos)
        return;
    uint32_t and_pos = t->map[t->nmap - 1].pos;
    const uint32_t *w = &t->code[and_pos];
    if (and_pos < t->label_pos || w[0] != VM_OP_i32_and_imm || w[1] < natural_slot(t, free))
        return;
    bool slot_b = c->branch_op == VM_OP_br_i32_eq || c->branch_op == VM_OP_br_i32_ne;
    if (slot_b && c->b == w[1] && c->a != w[1]) { /* eq and ne commute */
        c->b = c->a;
        c->a = w[1];
    }
    if (c->a != w[1] || (slot_b && c->b == w[1]))
        return;
    uint32_t x = w[2], mask = w[3];
    unemit(t, and_pos);
    *c = (tr_cond){.branch_op = form, .a = x, .imm = mask, .b = c->b, .has_b = true};
}

/* Pops an i32 condition, fusing it with the comparison that just produced it, or with the
 * load that just loaded it (into a temporary, or into a local whose value the condition is).
 * The returned condition branches when the Wasm condition is true. */
static tr_cond pop_cond(tr_state *t)
{
    tr_cond c = {.branch_op = VM_OP_br_if};
    uint32_t top = t->nvals - 1;
    const tr_val *v = &t->vals[top];
    if (t->last_pos != NO_POS && t->nmap && t->map[t->nmap - 1].pos == t->last_pos &&
        ((v->kind == VAL_SLOT && t->code[t->last_dst_word] == natural_slot(t, top)) ||
         (v->kind == VAL_LOCAL && t->code[t->last_dst_word] == v->local)) &&
        load_branch(t, t->last_pos, &c)) {
        unemit(t, t->last_pos);
        pop_val(t);
        return c;
    }
    if (t->vals[top].kind == VAL_SLOT && t->last_pos != NO_POS &&
        t->code[t->last_dst_word] == natural_slot(t, top)) {
        uint32_t pos = t->last_pos;
        vm_opcode op = (vm_opcode)t->code[pos];
        vm_opcode fused = fused_branch(op);
        if (fused) {
            c = (tr_cond){.branch_op = fused, .a = t->code[pos + 2], .b = t->code[pos + 3],
                          .has_b = true};
            unemit(t, pos);
            pop_val(t);
            join_mask(t, pos, top, &c);
            return c;
        }
        if (op == VM_OP_i32_eqz || op == VM_OP_i64_eqz) {
            c = (tr_cond){.branch_op = op == VM_OP_i32_eqz ? VM_OP_br_ifz : VM_OP_br_if64z,
                          .a = t->code[pos + 2]};
            unemit(t, pos);
            pop_val(t);
            /* the eqz of a value loaded just before: the load tests it for zero */
            tr_cond lc;
            if (op == VM_OP_i32_eqz && t->nmap && t->map[t->nmap - 1].pos >= t->label_pos &&
                load_branch(t, t->map[t->nmap - 1].pos, &lc) && lc.a == c.a) {
                unemit(t, t->map[t->nmap - 1].pos);
                lc.branch_op = negate_branch(lc.branch_op);
                return lc;
            }
            return c;
        }
    }
    c.a = pop_slot(t);
    return c;
}

/* The add-and-branch forms of conditional branch op: imm_form takes an i32 or i64 add_imm
 * (add_imm_op), reg_form the add of two slots (add_op); false when op has none. Testing a
 * slot for (non-)zero is comparing it with an immediate 0. */
typedef struct {
    vm_opcode add_imm_op, imm_form; /* d = s + imm, then the branch */
    vm_opcode add_op, reg_form;     /* d = s1 + s2, then the branch */
} tr_add_branch;

static bool add_branch(vm_opcode op, tr_add_branch *ab)
{
#define ADD_FORMS(in, imm_form, reg_form)                                                      \
    *ab = (tr_add_branch){ADD_IMM_##in, imm_form, ADD_##in, reg_form};                         \
    return true
#define ADD_IMM_u32 VM_OP_i32_add_imm
#define ADD_IMM_u64 VM_OP_i64_add_imm
#define ADD_u32 VM_OP_i32_add
#define ADD_u64 VM_OP_i64_add
    switch (op) {
    case VM_OP_br_if: ADD_FORMS(u32, VM_OP_br_i32_ne_imm_add, VM_OP_br_i32_ne_imm_radd);
    case VM_OP_br_ifz: ADD_FORMS(u32, VM_OP_br_i32_eq_imm_add, VM_OP_br_i32_eq_imm_radd);
    case VM_OP_br_if64nz: ADD_FORMS(u64, VM_OP_br_i64_ne_imm_add, VM_OP_br_i64_ne_imm_radd);
    case VM_OP_br_if64z: ADD_FORMS(u64, VM_OP_br_i64_eq_imm_add, VM_OP_br_i64_eq_imm_radd);
#define VM_CMP(id, in, expr, negated)                                                          \
    case VM_OP_br_##id: ADD_FORMS(in, VM_OP_br_##id##_add, VM_OP_br_##id##_radd);              \
    case VM_OP_br_##id##_imm: ADD_FORMS(in, VM_OP_br_##id##_imm_add, VM_OP_br_##id##_imm_radd);
#include "vmops.def"
    default: return false;
    }
#undef ADD_FORMS
#undef ADD_IMM_u32
#undef ADD_IMM_u64
#undef ADD_u32
#undef ADD_u64
}

static bool is_masked_branch(vm_opcode op)
{
    return op == VM_OP_br_i32_eq_and || op == VM_OP_br_i32_ne_and ||
           op == VM_OP_br_i32_eq_and_imm || op == VM_OP_br_i32_ne_and_imm;
}

/* Emits conditional branch op on c's operands (without the offset word). When the
 * instruction just before is the add (of an immediate or of two slots) that computed the
 * tested slot, the branch does the addition itself (its _add or _radd form) and the add
 * goes. */
static void emit_cond_op(tr_state *t, vm_opcode op, tr_cond c)
{
    if (is_load_branch(c.branch_op)) {
        size_t op_offset = t->op_offset;
        t->op_offset = c.wasm_offset; /* the load's: only it can trap */
        emit_op(t, op);
        t->op_offset = op_offset;
        emit_word(t, c.a);
        emit_word(t, c.base);
        emit_word(t, c.imm);
        emit_word(t, c.offset);
        return;
    }
    if (is_masked_branch(c.branch_op)) {
        emit_op(t, op);
        emit_word(t, c.a);
        emit_word(t, c.imm);
        emit_word(t, c.b);
        return;
    }
    tr_add_branch ab;
    uint32_t pos = t->add_pos;
    if (add_branch(op, &ab) && pos != NO_POS && pos + 4 == t->ncode && !t->fuel_pending &&
        (t->code[pos] == (uint32_t)ab.add_imm_op || t->code[pos] == (uint32_t)ab.add_op) &&
        t->code[pos + 1] == c.a) {
        vm_opcode fused = t->code[pos] == (uint32_t)ab.add_op ? ab.reg_form : ab.imm_form;
        uint32_t s1 = t->code[pos + 2], s2_or_imm = t->code[pos + 3];
        unemit(t, pos);
        t->add_pos = NO_POS;
        emit_op(t, fused);
        emit_word(t, c.a);
        emit_word(t, s1);
        emit_word(t, s2_or_imm);
        emit_word(t, c.has_b ? c.b : 0);
        return;
    }
    emit_op(t, op);
    emit_word(t, c.a);
    if (c.has_b)
        emit_word(t, c.b);
}

/* Emits a conditional branch on c (negated when `negate`) and returns its offset word
 * (not yet pointing anywhere). */
static uint32_t emit_cond_branch(tr_state *t, tr_cond c, bool negate)
{
    emit_cond_op(t, negate ? negate_branch(c.branch_op) : c.branch_op, c);
    uint32_t word = t->ncode;
    emit_word(t, NO_POS);
    return word;
}

/* ---- block types ---- */

static void read_blocktype(tr_state *t, tr_frame *f)
{
    int64_t bt = LOADER_BLOCKTYPE_EMPTY;
    loader_read_blocktype(&t->r, &bt);
    if (!loader_blocktype(t->m, bt, &f->nparams, &f->params, &f->nresults, &f->results))
        reader_fail(&t->r, "malformed block type");
}

static tr_frame *push_frame(tr_state *t, uint16_t op)
{
    if (!grow((void **)&t->frames, &t->capframes, t->nframes + 1, sizeof *t->frames)) {
        t->oom = true;
        return NULL;
    }
    tr_frame *f = &t->frames[t->nframes++];
    memset(f, 0, sizeof *f);
    f->op = op;
    f->fixups = NO_POS;
    f->else_fixup = NO_POS;
    return f;
}

static void push_types(tr_state *t, uint32_t n, const uint8_t *types)
{
    for (uint32_t i = 0; i < n; i++)
        push_slot(t, types[i]);
}

/* ---- the main loop ---- */

static vm_opcode vm_op_for_wasm(uint32_t op, bool imm)
{
    switch (op) {
#define VM_BIN(id, in, out, expr) case WASM_OP_##id: return imm ? 0 : VM_OP_##id;
#define VM_BINI(id, in, out, expr) case WASM_OP_##id: return imm ? VM_OP_##id##_imm : VM_OP_##id;
#define VM_CMP(id, in, expr, negated) VM_BINI(id, in, u32, expr)
#define VM_UN(id, in, out, expr) case WASM_OP_##id: return imm ? 0 : VM_OP_##id;
#define VM_LOAD(id, out, ctype) case WASM_OP_##id: return VM_OP_##id;
#define VM_STORE(id, in, ctype) case WASM_OP_##id: return VM_OP_##id;
#include "vmops.def"
    case WASM_OP_i32_div_s: return imm ? 0 : VM_OP_i32_div_s;
    case WASM_OP_i32_div_u: return imm ? 0 : VM_OP_i32_div_u;
    case WASM_OP_i32_rem_s: return imm ? 0 : VM_OP_i32_rem_s;
    case WASM_OP_i32_rem_u: return imm ? 0 : VM_OP_i32_rem_u;
    case WASM_OP_i64_div_s: return imm ? 0 : VM_OP_i64_div_s;
    case WASM_OP_i64_div_u: return imm ? 0 : VM_OP_i64_div_u;
    case WASM_OP_i64_rem_s: return imm ? 0 : VM_OP_i64_rem_s;
    case WASM_OP_i64_rem_u: return imm ? 0 : VM_OP_i64_rem_u;
    case WASM_OP_i32_trunc_f32_s: return imm ? 0 : VM_OP_i32_trunc_f32_s;
    case WASM_OP_i32_trunc_f32_u: return imm ? 0 : VM_OP_i32_trunc_f32_u;
    case WASM_OP_i32_trunc_f64_s: return imm ? 0 : VM_OP_i32_trunc_f64_s;
    case WASM_OP_i32_trunc_f64_u: return imm ? 0 : VM_OP_i32_trunc_f64_u;
    case WASM_OP_i64_trunc_f32_s: return imm ? 0 : VM_OP_i64_trunc_f32_s;
    case WASM_OP_i64_trunc_f32_u: return imm ? 0 : VM_OP_i64_trunc_f32_u;
    case WASM_OP_i64_trunc_f64_s: return imm ? 0 : VM_OP_i64_trunc_f64_s;
    case WASM_OP_i64_trunc_f64_u: return imm ? 0 : VM_OP_i64_trunc_f64_u;
    default: return 0;
    }
}

/* The form of Wasm binary operator op with a 64-bit immediate right operand (id_l), or 0. */
static vm_opcode long_imm_op(uint32_t op)
{
    switch (op) {
#define VM_BINL(id, in, out, expr) case WASM_OP_##id: return VM_OP_##id##_l;
#define VM_BINIL(id, in, out, expr) VM_BINL(id, in, out, expr)
#include "vmops.def"
    default: return 0;
    }
}

static bool is_commutative(uint32_t op)
{
    switch (op) {
    case WASM_OP_i32_add: case WASM_OP_i32_mul: case WASM_OP_i32_and: case WASM_OP_i32_or:
    case WASM_OP_i32_xor: case WASM_OP_i32_eq: case WASM_OP_i32_ne:
    case WASM_OP_i64_add: case WASM_OP_i64_mul: case WASM_OP_i64_and: case WASM_OP_i64_or:
    case WASM_OP_i64_xor: case WASM_OP_i64_eq: case WASM_OP_i64_ne:
        return true;
    default:
        return false;
    }
}

static uint8_t sig_type(uint8_t tok)
{
    switch (tok) {
    case WASM_SIG_I32: return WASM_I32;
    case WASM_SIG_I64: return WASM_I64;
    case WASM_SIG_F32: return WASM_F32;
    default: return WASM_F64;
    }
}

/* The address form of load or store op for address a (vmops.def). */
static vm_opcode address_form(vm_opcode op, const tr_addr *a)
{
    int form = a->has_index ? (a->has_base ? 2 : 3) : a->imm ? 1 : 0;
    switch (op) {
#define VM_LOAD(id, out, ctype)                                                                \
    case VM_OP_##id:                                                                           \
        return (vm_opcode[]){VM_OP_##id, VM_OP_##id##_ai, VM_OP_##id##_sx, VM_OP_##id##_si}[form];
#define VM_STORE(id, in, ctype) VM_LOAD(id, in, ctype)
#include "vmops.def"
    default: return op;
    }
}

/* The form of store op that stores an immediate (id_ki). */
static vm_opcode const_store(vm_opcode op)
{
    switch (op) {
#define VM_STORE(id, in, ctype) case VM_OP_##id: return VM_OP_##id##_ki;
#include "vmops.def"
    default: return op;
    }
}

/* The form of load or store op whose address is a constant (id_k). */
static vm_opcode constant_address_form(vm_opcode op)
{
    switch (op) {
#define VM_LOAD(id, out, ctype) case VM_OP_##id: return VM_OP_##id##_k;
#define VM_STORE(id, in, ctype) case VM_OP_##id: return VM_OP_##id##_k;
#include "vmops.def"
    default: return op;
    }
}

/* Emits the operands of address a after the base (or index) word, as address_form's form
 * reads them. */
static void emit_address_rest(tr_state *t, const tr_addr *a)
{
    if (a->has_index && a->has_base) {
        emit_word(t, a->index);
        emit_word(t, a->shift);
        emit_word(t, a->imm);
    } else if (a->has_index) {
        emit_word(t, a->shift);
        emit_word(t, a->imm);
    } else if (a->imm) {
        emit_word(t, a->imm);
    }
}

/* The instruction before the one at map entry m (counting from 1), when no label lies
 * between them and it writes slot `dst`, a temporary at or above slot `low`; NO_POS
 * otherwise. Such an instruction's result is read only by the instructions after it up to
 * the access: they may be folded into the access. */
static uint32_t producer_before(const tr_state *t, uint32_t *m, uint32_t dst, uint32_t low)
{
    if (*m == 0)
        return NO_POS;
    uint32_t pos = t->map[*m - 1].pos;
    if (pos < t->label_pos || dst < low || t->code[pos + 1] != dst)
        return NO_POS;
    (*m)--;
    return pos;
}

/* Folds into a memory access the i32 arithmetic just emitted that computes its address,
 * stack entry i: an add of an immediate (last), before it an add of two slots or a shift of
 * one by a constant, and before such an add, a shift of one of its operands. Those
 * instructions write only temporaries (natural slots from entry i's up), which the access
 * alone reads, so they go: a dispatch and a slot write each. Slot `avoid` (NO_POS: none) is
 * about to be overwritten before the access and must not be an operand of it. Returns false
 * when nothing was folded (*out is then left as it is). */
static bool fold_address(tr_state *t, uint32_t i, uint32_t avoid, tr_addr *out)
{
    uint32_t low = natural_slot(t, i);
    tr_addr a = {.has_base = true, .base = low};
    if (t->oom || t->vals[i].kind != VAL_SLOT)
        return false;
    uint32_t m = t->nmap, from = NO_POS, pos;
    if ((pos = producer_before(t, &m, a.base, low)) != NO_POS &&
        t->code[pos] == VM_OP_i32_add_imm) {
        a.base = t->code[pos + 2];
        a.imm = t->code[pos + 3];
        from = pos;
    } else {
        m = t->nmap;
    }
    if ((pos = producer_before(t, &m, a.base, low)) != NO_POS) {
        if (t->code[pos] == VM_OP_i32_add) {
            a.base = t->code[pos + 2];
            a.index = t->code[pos + 3];
            a.has_index = true;
            from = pos;
            uint32_t m2 = m, pos2;
            if ((pos2 = producer_before(t, &m2, a.index, low)) == NO_POS &&
                (pos2 = producer_before(t, &m2, a.base, low)) != NO_POS) {
                uint32_t b = a.base; /* the shifted operand first: index */
                a.base = a.index;
                a.index = b;
            }
            if (pos2 != NO_POS && t->code[pos2] == VM_OP_i32_shl_imm) {
                a.index = t->code[pos2 + 2];
                a.shift = t->code[pos2 + 3] & 31;
                from = pos2;
            }
        } else if (t->code[pos] == VM_OP_i32_add_shl) { /* the add and shift above, fused */
            a.base = t->code[pos + 2];
            a.index = t->code[pos + 3];
            a.shift = t->code[pos + 4] & 31;
            a.has_index = true;
            from = pos;
        } else if (t->code[pos] == VM_OP_i32_shl_imm) {
            a.has_base = false;
            a.has_index = true;
            a.index = t->code[pos + 2];
            a.shift = t->code[pos + 3] & 31;
            from = pos;
        }
    }
    if (from == NO_POS || (avoid != NO_POS && ((a.has_base && a.base == avoid) ||
                                                (a.has_index && a.index == avoid))))
        return false;
    unemit(t, from);
    *out = a;
    return true;
}

/* Whether the instruction at pos (the last one emitted) computed stack entry i into its
 * natural slot: the entry's only use is still to come, so it may be fused into it. */
static bool computed_by(const tr_state *t, uint32_t pos, uint32_t i)
{
    return t->vals[i].kind == VAL_SLOT && t->code[pos + 1] == natural_slot(t, i);
}

/* For a binary operator one of whose operands the last instruction (at pos) computed: finds
 * that operand (the right one, or either when either_side) and puts the stack index of the
 * other in *other. False when there is none, or when the other is a pending constant (its
 * slot would need code after pos). */
static bool fusable_operands(const tr_state *t, uint32_t pos, bool either_side, uint32_t *other)
{
    uint32_t nb = t->nvals - 1, na = nb - 1;
    if (computed_by(t, pos, nb))
        *other = na;
    else if (either_side && computed_by(t, pos, na))
        *other = nb;
    else
        return false;
    return t->vals[*other].kind == VAL_SLOT || t->vals[*other].kind == VAL_LOCAL;
}

/* Replaces the last instruction (at pos, which computed one of the top two stack entries) and
 * the binary operator taking both entries by one fused instruction `form`: pops the entries
 * and emits form and its destination; the caller emits the other operands. */
static void emit_fused_binary(tr_state *t, uint32_t pos, vm_opcode form)
{
    unemit(t, pos);
    pop_val(t);
    pop_val(t);
    uint32_t fused = emit_op(t, form);
    emit_word(t, natural_slot(t, t->nvals));
    mark_producer(t, fused);
}

/* Replaces the last instruction (at pos, four words: opcode, destination, two operand words,
 * computing one of the top two stack entries) and the binary operator taking both entries by
 * one fused instruction `form`: its destination, the producer's two operand words, and
 * `extra` before them (extra_first) or after them. */
static void fuse_producer(tr_state *t, uint32_t pos, vm_opcode form, uint32_t extra,
                          bool extra_first)
{
    uint32_t x = t->code[pos + 2], y = t->code[pos + 3];
    emit_fused_binary(t, pos, form);
    if (extra_first)
        emit_word(t, extra);
    emit_word(t, x);
    emit_word(t, y);
    if (!extra_first)
        emit_word(t, extra);
}

/* The memory-operand form (VM_BINM) of Wasm operator op, with the load it takes the place
 * of (plain or _ai form); NULL when op has none. */
typedef struct {
    vm_opcode fused, fused_both;    /* the _m and _mm forms; 0 for operators without them */
    vm_opcode load, load_ai;
} tr_memory_form;

static const tr_memory_form *memory_form(uint32_t op)
{
#define MEMORY_FORM(id, type)                                                                  \
    [WASM_OP_##id] = {VM_OP_##id##_m, VM_OP_##id##_mm, VM_OP_##type##_load,                  \
                      VM_OP_##type##_load_ai}
    static const tr_memory_form forms[WASM_OP_COUNT] = {
        MEMORY_FORM(i32_add, i32), MEMORY_FORM(i32_sub, i32), MEMORY_FORM(i32_mul, i32),
        MEMORY_FORM(i32_and, i32), MEMORY_FORM(i32_or, i32),  MEMORY_FORM(i32_xor, i32),
        MEMORY_FORM(i64_add, i64), MEMORY_FORM(i64_sub, i64), MEMORY_FORM(i64_mul, i64),
        MEMORY_FORM(i64_and, i64), MEMORY_FORM(i64_or, i64),  MEMORY_FORM(i64_xor, i64),
        MEMORY_FORM(f32_add, f32), MEMORY_FORM(f32_sub, f32), MEMORY_FORM(f32_mul, f32),
        MEMORY_FORM(f64_add, f64), MEMORY_FORM(f64_sub, f64), MEMORY_FORM(f64_mul, f64),
    };
#undef MEMORY_FORM
    return op < WASM_OP_COUNT && forms[op].fused ? &forms[op] : NULL;
}

/* The address of a load emitted at pos, of the plain or _ai form of `form` and ending at
 * `end`: false when the instruction there is neither. */
typedef struct {
    uint32_t base, imm, offset;
} tr_load_address;

static bool load_address(const tr_state *t, const tr_memory_form *form, uint32_t pos,
                         uint32_t end, tr_load_address *out)
{
    if (t->code[pos] == (uint32_t)form->load_ai && pos + 5 == end)
        *out = (tr_load_address){t->code[pos + 2], t->code[pos + 3], t->code[pos + 4]};
    else if (t->code[pos] == (uint32_t)form->load && pos + 4 == end)
        *out = (tr_load_address){t->code[pos + 2], 0, t->code[pos + 3]};
    else
        return false;
    return true;
}

/* A binary operator of two slots whose right operand (or either, for commutative integer
 * operators) the instruction just before loaded from memory: pops both operands and emits
 * one memory-operand instruction instead of the load and the operator (the loaded value is
 * used only here: it is a stack value). The fused instruction keeps the load's Wasm offset:
 * only the load can trap. When the other operand was loaded by the instruction before that
 * (two loads in a row, then the operator), all three become one id_mm instruction, which
 * keeps the first load's offset and holds the second's. Returns false, having done nothing,
 * when none of that applies. */
static bool translate_memory_operand(tr_state *t, uint32_t op)
{
    const tr_memory_form *form = memory_form(op);
    uint32_t pos = t->last_pos, other;
    tr_load_address b, a;
    if (!form || pos == NO_POS || t->nmap == 0 || t->map[t->nmap - 1].pos != pos ||
        !load_address(t, form, pos, t->ncode, &b) ||
        !fusable_operands(t, pos, is_commutative(op), &other))
        return false;
    const vm_srcmap_entry *first = t->nmap >= 2 ? &t->map[t->nmap - 2] : NULL;
    /* Both loaded: the first load computed the left operand (it was pushed first), and the
     * second's address must not be the first's result, which the fused form never writes. */
    bool both = first && first->pos >= t->label_pos && other == t->nvals - 2 &&
                load_address(t, form, first->pos, pos, &a) && computed_by(t, first->pos, other) &&
                b.base != natural_slot(t, other);
    size_t op_offset = t->op_offset;
    if (both) {
        uint32_t second_offset = t->map[t->nmap - 1].wasm_offset;
        t->op_offset = first->wasm_offset;
        emit_fused_binary(t, first->pos, form->fused_both);
        emit_word(t, a.base);
        emit_word(t, a.imm);
        emit_word(t, a.offset);
        emit_word(t, b.base);
        emit_word(t, b.imm);
        emit_word(t, b.offset);
        emit_word(t, second_offset);
    } else {
        uint32_t slot = operand_slot(t, other);
        t->op_offset = t->map[t->nmap - 1].wasm_offset; /* the load's */
        emit_fused_binary(t, pos, form->fused);
        emit_word(t, slot);
        emit_word(t, b.base);
        emit_word(t, b.imm);
        emit_word(t, b.offset);
    }
    t->op_offset = op_offset;
    return true;
}

/* The chained form (VM_CHAIN) of the Wasm operator op taking the result of the internal
 * instruction `inner` as its left operand (or its right one, when right); 0 when there is
 * none. */
static vm_opcode chained_form(uint32_t op, uint32_t inner, bool right)
{
    if (op == WASM_OP_i32_add) /* commutes exactly: one form for both orders */
        return inner == VM_OP_i32_mul       ? VM_OP_i32_mul_add
               : inner == VM_OP_i32_mul_imm ? VM_OP_i32_mul_imm_add
                                            : (vm_opcode)0;
    static const uint16_t outer_ops[] = {WASM_OP_f64_add, WASM_OP_f64_sub, WASM_OP_f64_mul};
    static const vm_opcode inner_ops[] = {VM_OP_f64_add, VM_OP_f64_sub, VM_OP_f64_mul};
    /* [inner][outer][right], in the order of vmops.def */
    static const vm_opcode forms[3][3][2] = {
        {{VM_OP_f64_add_add, VM_OP_f64_add_add_r},
         {VM_OP_f64_add_sub, VM_OP_f64_add_sub_r},
         {VM_OP_f64_add_mul, VM_OP_f64_add_mul_r}},
        {{VM_OP_f64_sub_add, VM_OP_f64_sub_add_r},
         {VM_OP_f64_sub_sub, VM_OP_f64_sub_sub_r},
         {VM_OP_f64_sub_mul, VM_OP_f64_sub_mul_r}},
        {{VM_OP_f64_mul_add, VM_OP_f64_mul_add_r},
         {VM_OP_f64_mul_sub, VM_OP_f64_mul_sub_r},
         {VM_OP_f64_mul_mul, VM_OP_f64_mul_mul_r}},
    };
    for (size_t i = 0; i < 3; i++)
        for (size_t o = 0; o < 3; o++)
            if (inner == (uint32_t)inner_ops[i] && op == outer_ops[o])
                return forms[i][o][right];
    return (vm_opcode)0;
}

/* A binary f64 add, sub or mul of two slots, one of which the instruction just before
 * computed by a plain f64 add, sub or mul, or an i32 add of two slots, one of which it
 * computed by an i32 mul (of a slot or an immediate): pops both operands and emits one
 * chained instruction instead of the two (the first one's result is used only here: it is a
 * stack value). Returns false, having done nothing, when that does not apply. */
static bool translate_chained(tr_state *t, uint32_t op)
{
    uint32_t pos = t->last_pos, other;
    if ((op != WASM_OP_f64_add && op != WASM_OP_f64_sub && op != WASM_OP_f64_mul &&
         op != WASM_OP_i32_add) ||
        pos == NO_POS || pos + 4 != t->ncode || !fusable_operands(t, pos, true, &other))
        return false;
    vm_opcode form = chained_form(op, t->code[pos], other == t->nvals - 2);
    if (!form)
        return false;
    fuse_producer(t, pos, form, operand_slot(t, other), false); /* a, b, then c */
    return true;
}

/* An i32.and with the immediate mask whose other operand, stack entry i, the instruction
 * just before computed by an i32 shr_u, shl or add of an immediate: pops both operands and
 * emits one masked instruction (VM_MASKED) instead of the two. Returns false, having done
 * nothing, when that does not apply. */
static bool translate_masked(tr_state *t, uint32_t i, uint32_t mask)
{
    uint32_t pos = t->last_pos;
    if (pos == NO_POS || pos + 4 != t->ncode || !computed_by(t, pos, i))
        return false;
    vm_opcode form;
    switch (t->code[pos]) {
    case VM_OP_i32_shr_u_imm: form = VM_OP_i32_shr_u_and; break;
    case VM_OP_i32_shl_imm: form = VM_OP_i32_shl_and; break;
    case VM_OP_i32_add_imm: form = VM_OP_i32_add_and; break;
    default: return false;
    }
    fuse_producer(t, pos, form, mask, false); /* a, k, then m */
    return true;
}

/* The shifted-operand form (VM_BINSH) of Wasm operator op with an operand computed by
 * shift, an i32/i64 shl_imm or shr_u_imm; 0 when there is none. */
static vm_opcode shifted_form(uint32_t op, uint32_t shift)
{
    static const struct {
        uint16_t wasm_op;
        vm_opcode shl, shr_u;
    } forms[] = {
        {WASM_OP_i32_add, VM_OP_i32_add_shl, VM_OP_i32_add_shr_u},
        {WASM_OP_i32_or, VM_OP_i32_or_shl, VM_OP_i32_or_shr_u},
        {WASM_OP_i32_xor, VM_OP_i32_xor_shl, VM_OP_i32_xor_shr_u},
        {WASM_OP_i64_add, VM_OP_i64_add_shl, VM_OP_i64_add_shr_u},
        {WASM_OP_i64_or, VM_OP_i64_or_shl, VM_OP_i64_or_shr_u},
        {WASM_OP_i64_xor, VM_OP_i64_xor_shl, VM_OP_i64_xor_shr_u},
    };
    bool shl = shift == VM_OP_i32_shl_imm || shift == VM_OP_i64_shl_imm;
    if (!shl && shift != VM_OP_i32_shr_u_imm && shift != VM_OP_i64_shr_u_imm)
        return (vm_opcode)0;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (forms[i].wasm_op == op)
            return shl ? forms[i].shl : forms[i].shr_u;
    return (vm_opcode)0;
}

/* A binary add, or or xor (all commutative) of two slots, one of which the instruction just
 * before computed by a shift by a constant: pops both operands and emits one shifted-operand
 * instruction instead of the shift and the operator (the shift's result is used only here:
 * it is a stack value). Returns false, having done nothing, when that does not apply. */
static bool translate_shifted_operand(tr_state *t, uint32_t op)
{
    uint32_t pos = t->last_pos;
    if (pos == NO_POS || pos + 4 != t->ncode)
        return false;
    vm_opcode form = shifted_form(op, t->code[pos]);
    uint32_t other;
    if (!form || !fusable_operands(t, pos, true, &other))
        return false;
    fuse_producer(t, pos, form, operand_slot(t, other), true); /* a, then b and k */
    return true;
}

/* Stack entry i as address arithmetic that an entry at height h may hold (its slots are
 * locals or natural slot h): a slot is a base, a constant an immediate. */
static bool as_address(const tr_state *t, uint32_t i, uint32_t h, tr_addr *out)
{
    const tr_val *v = &t->vals[i];
    switch (v->kind) {
    case VAL_CONST: *out = (tr_addr){.imm = (uint32_t)v->bits}; return true;
    case VAL_LOCAL: *out = (tr_addr){.has_base = true, .base = v->local}; return true;
    case VAL_SLOT:
        *out = (tr_addr){.has_base = true, .base = natural_slot(t, i)};
        return i == h;
    default:
        *out = v->addr;
        return i == h || ((!out->has_base || out->base < t->nlocals) &&
                          (!out->has_index || out->index < t->nlocals));
    }
}

/* a + b as address arithmetic into *a: false when the sum has more than two slots, or two
 * that are both shifted. */
static bool add_addresses(tr_addr *a, const tr_addr *b)
{
    uint32_t slot[4], shift[4], n = 0;
    const tr_addr *parts[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        if (parts[k]->has_base)
            slot[n] = parts[k]->base, shift[n++] = 0;
        if (parts[k]->has_index)
            slot[n] = parts[k]->index, shift[n++] = parts[k]->shift;
    }
    if (n > 2 || (n == 2 && shift[0] && shift[1]))
        return false;
    tr_addr sum = {.imm = a->imm + b->imm};
    for (uint32_t k = 0; k < n; k++) {
        if (!shift[k] && !sum.has_base) {
            sum.has_base = true;
            sum.base = slot[k];
        } else {
            sum.has_index = true;
            sum.index = slot[k];
            sum.shift = shift[k];
        }
    }
    *a = sum;
    return true;
}

/* An i32 add, a sub or shl of a constant, whose operands are locals, constants, the slot of
 * the result's height or such arithmetic: defers it as a VAL_ADDR entry (no code yet), so
 * that a load or store using it as its address computes it itself. Returns false, having
 * done nothing, when that does not apply. */
static bool defer_address_arithmetic(tr_state *t, uint32_t op)
{
    if (op != WASM_OP_i32_add && op != WASM_OP_i32_sub && op != WASM_OP_i32_shl)
        return false;
    uint32_t na = t->nvals - 2, nb = na + 1;
    tr_addr a, b;
    if (!as_address(t, na, na, &a) || !as_address(t, nb, na, &b))
        return false;
    if (op == WASM_OP_i32_add) {
        /* A computed value stays an operand of the add, which may fuse with its producer
         * (VM_BINM, VM_CHAIN, VM_BINSH): only its sum with a constant is deferred. */
        if ((t->vals[na].kind == VAL_SLOT && t->vals[nb].kind != VAL_CONST) ||
            !add_addresses(&a, &b))
            return false;
    } else if (t->vals[nb].kind != VAL_CONST) {
        return false;
    } else if (op == WASM_OP_i32_sub) {
        a.imm -= b.imm;
    } else { /* shl: of a single slot */
        if (!a.has_base || a.has_index || a.imm)
            return false;
        a = (tr_addr){.has_index = true, .index = a.base, .shift = b.imm & 31};
    }
    if (!a.has_index && (!a.has_base || !a.imm))
        return false; /* a constant, or a slot plus zero: nothing to defer */
    pop_val(t);
    pop_val(t);
    push_val(t, (tr_val){.type = WASM_I32, .kind = VAL_ADDR, .addr = a,
                         .origin = (uint32_t)t->op_offset});
    return true;
}

/* A load or store that traps whatever its address: its operands are consumed and a load's
 * result pushed as usual (the code after it is never run, but stays well formed). */
static void translate_out_of_bounds(tr_state *t, const wasm_op_info *info)
{
    bool store = info->result == WASM_SIG_NONE;
    pop_val(t);
    if (store)
        pop_val(t);
    emit_op(t, VM_OP_memory_out_of_bounds);
    if (!store)
        push_slot(t, sig_type(info->result));
}

/* Operators with a fixed [p0 p1] -> [r] signature: numeric operators, loads and stores. */
static void translate_simple(tr_state *t, uint32_t op, const wasm_op_info *info)
{
    uint32_t offset = 0;
    if (info->imm == IMM_MEMARG) {
        uint32_t align;
        reader_u32(&t->r, &align);
        reader_u32(&t->r, &offset);
        /* The offset word of a load or store holds the offset of its last byte (vmops.def);
         * when that exceeds 2^32 - 1, no memory (at most 4 GiB) has the access in bounds. */
        uint32_t last = (1u << wasm_access_size_log2(op)) - 1;
        if (offset > UINT32_MAX - last) {
            translate_out_of_bounds(t, info);
            return;
        }
        offset += last;
    }
    if (info->imm == IMM_MEMORY) { /* memory.size / memory.grow */
        uint32_t mem;
        reader_u32(&t->r, &mem);
        if (op == WASM_OP_memory_size) {
            uint32_t pos = emit_op(t, VM_OP_memory_size);
            emit_word(t, natural_slot(t, t->nvals));
            push_slot(t, WASM_I32);
            mark_producer(t, pos);
        } else {
            uint32_t delta = pop_slot(t);
            uint32_t pos = emit_op(t, VM_OP_memory_grow);
            emit_word(t, natural_slot(t, t->nvals));
            push_slot(t, WASM_I32);
            mark_producer(t, pos);
            emit_word(t, delta);
        }
        return;
    }
    if (info->p1 != WASM_SIG_NONE && info->result == WASM_SIG_NONE) { /* store */
        uint32_t na = t->nvals - 2;
        if (t->vals[na].kind == VAL_CONST && t->vals[na + 1].kind != VAL_CONST) {
            /* a constant address (a constant value takes the id_ki form below) */
            uint32_t value = pop_slot(t);
            uint32_t addr = (uint32_t)pop_val(t)->bits;
            emit_op(t, constant_address_form(vm_op_for_wasm(op, false)));
            emit_word(t, value);
            emit_word(t, addr);
            emit_word(t, offset);
            return;
        }
        tr_addr a = {.has_base = true};
        /* A deferred address is the access's own; a computed one may be folded into it. A
         * constant value is written to its slot first, which must not be an operand. (The
         * slots of a deferred address are never the value's.) */
        bool deferred = t->vals[na].kind == VAL_ADDR;
        if (deferred)
            a = t->vals[na].addr;
        bool folded = deferred || fold_address(t, na,
                                               t->vals[na + 1].kind == VAL_CONST
                                                   ? natural_slot(t, na + 1)
                                                   : NO_POS,
                                               &a);
        const tr_val *v = &t->vals[na + 1];
        if (v->kind == VAL_CONST && !a.has_index &&
            (v->type != WASM_I64 || (int64_t)v->bits == (int64_t)(int32_t)v->bits) &&
            (v->type != WASM_F64 || v->bits == 0)) {
            /* a constant that fits an immediate: the id_ki form, which stores it */
            uint32_t bits = (uint32_t)v->bits;
            pop_val(t);
            uint32_t addr = deferred ? (pop_val(t), 0) : pop_slot(t);
            emit_op(t, const_store(vm_op_for_wasm(op, false)));
            emit_word(t, folded ? a.base : addr);
            emit_word(t, bits);
            emit_word(t, a.imm);
            emit_word(t, offset);
            return;
        }
        uint32_t value = pop_slot(t);
        uint32_t addr = deferred ? (pop_val(t), 0) : pop_slot(t);
        if (!folded)
            a.base = addr;
        emit_op(t, address_form(vm_op_for_wasm(op, false), &a));
        emit_word(t, a.has_base ? a.base : a.index);
        emit_word(t, value);
        emit_address_rest(t, &a);
        emit_word(t, offset);
        return;
    }
    if (info->p1 != WASM_SIG_NONE) { /* binary */
        if (defer_address_arithmetic(t, op))
            return;
        /* Deferred operands are computed first, the right one last, for the fusions below. */
        materialize_addresses(t, t->nvals - 2);
        uint32_t nb = t->nvals - 1, na = t->nvals - 2;
        /* A constant operand becomes an immediate when the operator has that form; for a
         * commutative operator the constant may be on either side. (Entries are never
         * swapped on the stack: a VAL_SLOT entry's location is its height.) */
        uint32_t nconst = nb, nother = na;
        if (t->vals[na].kind == VAL_CONST && t->vals[nb].kind != VAL_CONST && is_commutative(op)) {
            nconst = na;
            nother = nb;
        }
        const tr_val *c = &t->vals[nconst];
        vm_opcode imm_op = vm_op_for_wasm(op, true);
        bool fits = c->kind == VAL_CONST &&
                    (c->type == WASM_I32 || (int64_t)c->bits == (int64_t)(int32_t)c->bits);
        if (imm_op && fits && imm_op == VM_OP_i32_and_imm &&
            translate_masked(t, nother, (uint32_t)c->bits)) {
            /* done: the and joined the operator before it */
        } else if (imm_op && fits) {
            uint32_t imm = (uint32_t)c->bits;
            uint32_t a = operand_slot(t, nother);
            pop_val(t);
            pop_val(t);
            if (imm_op == VM_OP_i32_sub_imm ||
                (imm_op == VM_OP_i64_sub_imm && imm != UINT32_C(0x80000000))) {
                /* x - c is x + -c: one form for loop counters to fuse with branches */
                imm_op = imm_op == VM_OP_i32_sub_imm ? VM_OP_i32_add_imm : VM_OP_i64_add_imm;
                imm = 0u - imm;
            }
            uint32_t pos = emit_op(t, imm_op);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, a);
            emit_word(t, imm);
            if (imm_op == VM_OP_i32_add_imm || imm_op == VM_OP_i64_add_imm)
                t->add_pos = pos;
        } else if (c->kind == VAL_CONST &&
                   (long_imm_op(op) || (op == WASM_OP_i64_sub && nconst == nb)) &&
                   (nconst == nb || is_commutative(op))) {
            /* a 64-bit constant: the id_l form (x - c is x + -c, as above) */
            uint64_t bits = c->bits;
            vm_opcode lop = long_imm_op(op);
            if (op == WASM_OP_i64_sub) {
                lop = VM_OP_i64_add_l;
                bits = 0u - bits;
            }
            uint32_t a = operand_slot(t, nother);
            pop_val(t);
            pop_val(t);
            uint32_t pos = emit_op(t, lop);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, a);
            emit_imm64(t, bits);
        } else if (!translate_memory_operand(t, op) && !translate_shifted_operand(t, op) &&
                   !translate_chained(t, op)) {
            uint32_t bs = pop_slot(t);
            uint32_t as = pop_slot(t);
            vm_opcode vop = vm_op_for_wasm(op, false);
            uint32_t pos = emit_op(t, vop);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, as);
            emit_word(t, bs);
            if (vop == VM_OP_i32_add || vop == VM_OP_i64_add)
                t->add_pos = pos;
        }
        push_slot(t, sig_type(info->result));
        return;
    }
    /* unary or load */
    if (info->imm == IMM_MEMARG && t->vals[t->nvals - 1].kind == VAL_CONST) {
        uint32_t addr = (uint32_t)pop_val(t)->bits; /* a constant address */
        uint32_t pos = emit_op(t, constant_address_form(vm_op_for_wasm(op, false)));
        emit_word(t, natural_slot(t, t->nvals));
        mark_producer(t, pos);
        emit_word(t, addr);
        emit_word(t, offset);
        push_slot(t, sig_type(info->result));
        return;
    }
    tr_addr addr = {.has_base = true};
    bool deferred = info->imm == IMM_MEMARG && t->vals[t->nvals - 1].kind == VAL_ADDR;
    if (deferred)
        addr = t->vals[t->nvals - 1].addr;
    bool folded = deferred ||
                  (info->imm == IMM_MEMARG && fold_address(t, t->nvals - 1, NO_POS, &addr));
    uint32_t a = deferred ? (pop_val(t), 0) : pop_slot(t);
    if (!folded)
        addr.base = a;
    vm_opcode vop = vm_op_for_wasm(op, false);
    uint32_t pos = emit_op(t, info->imm == IMM_MEMARG ? address_form(vop, &addr) : vop);
    emit_word(t, natural_slot(t, t->nvals));
    mark_producer(t, pos);
    if (info->imm == IMM_MEMARG) {
        emit_word(t, addr.has_base ? addr.base : addr.index);
        emit_address_rest(t, &addr);
        emit_word(t, offset);
    } else {
        emit_word(t, a);
    }
    push_slot(t, sig_type(info->result));
}

static void translate_local_set(tr_state *t, uint32_t x, bool tee)
{
    uint32_t top = t->nvals - 1;
    tr_val v = t->vals[top];
    if (v.kind == VAL_LOCAL && v.local == x) {
        if (!tee)
            pop_val(t);
        return;
    }
    flush_local(t, x, top);
    if (t->at_entry && t->zero[x] && v.kind == VAL_CONST && v.bits == 0) {
        if (!tee) /* the local stays zero */
            pop_val(t);
        return;
    }
    t->zero[x] = false;
    if (v.kind == VAL_SLOT && t->last_pos != NO_POS &&
        t->code[t->last_dst_word] == natural_slot(t, top)) {
        t->code[t->last_dst_word] = x;
        /* A tee keeps the producer known: it computed the local now on the stack, for a
         * branch on it (pop_cond); fusions of temporaries see it writes no temporary. */
        if (!tee)
            t->last_pos = NO_POS;
        pop_val(t);
        if (tee)
            push_val(t, (tr_val){.type = v.type, .kind = VAL_LOCAL, .local = x});
        return;
    }
    if (v.kind == VAL_ADDR) { /* computed right into x, retargetable as any producer */
        pop_val(t);
        emit_address_value(t, x, &v);
        if (tee)
            push_val(t, (tr_val){.type = v.type, .kind = VAL_LOCAL, .local = x});
        return;
    }
    if (v.kind == VAL_CONST)
        emit_const(t, x, v.bits);
    else
        emit_copy(t, x, v.kind == VAL_LOCAL ? v.local : natural_slot(t, top));
    t->last_pos = NO_POS;
    if (!tee)
        pop_val(t);
}

/* A direct call to the gas function: a fuel charge of its argument instead of a call. A
 * constant becomes a `fuel` instruction (an i32 zero-extended, as deferred i32 constants
 * are); anything else a fuel_dyn instruction reading its slot. The charge is a separate
 * instruction even when the code is metered per block, so that a short charge stops before
 * it (resumable there) and the metered blocks and their charge sites stay as they are; the
 * block's own charge, if still pending, is placed first. */
static void translate_gas_call(tr_state *t)
{
    tr_val v = t->vals[t->nvals - 1];
    if (t->fuel_pending)
        flush_fuel(t);
    if (v.kind == VAL_CONST) {
        pop_val(t);
        if (v.bits)
            emit_fuel(t, v.type == WASM_I32 ? (uint32_t)v.bits : v.bits);
        return;
    }
    uint32_t s = pop_slot(t);
    emit_op(t, v.type == WASM_I32 ? VM_OP_fuel_dyn32 : VM_OP_fuel_dyn64);
    emit_word(t, s);
}

static void translate_call(tr_state *t, uint32_t func_index, const wasm_functype *ft,
                           bool indirect, uint32_t table, uint32_t type_index)
{
    if (!indirect && func_index == t->gas_func) {
        translate_gas_call(t);
        return;
    }
    uint32_t index_slot = 0;
    if (indirect)
        index_slot = pop_slot(t);
    uint32_t first_arg = t->nvals - ft->nparams;
    for (uint32_t i = first_arg; i < t->nvals; i++)
        materialize(t, i);
    uint32_t base = natural_slot(t, first_arg);
    truncate_vals(t, first_arg);
    if (indirect) {
        emit_op(t, VM_OP_call_indirect);
        emit_word(t, type_index);
        emit_word(t, table);
        emit_word(t, index_slot);
        emit_word(t, base);
    } else {
        bool import = func_index < t->m->nfunc_imports;
        emit_op(t, import ? VM_OP_call_import : VM_OP_call);
        /* (a defined function by its index among them: vm_code_link_calls finds its code) */
        emit_word(t, import ? func_index : func_index - t->m->nfunc_imports);
        emit_word(t, base);
        if (!import) { /* the callee's entry and code, filled in by vm_code_link_calls */
            emit_imm64(t, 0);
            emit_imm64(t, 0);
        }
    }
    push_types(t, ft->nresults, wasm_functype_results(ft));
}

static void translate_block(tr_state *t, uint32_t op)
{
    tr_frame tmp;
    read_blocktype(t, &tmp);
    tr_cond cond = {0};
    if (op == WASM_OP_if)
        cond = pop_cond(t);
    uint32_t height = t->nvals - tmp.nparams;
    settle_stack(t, height);
    tr_frame *f = push_frame(t, (uint16_t)op);
    if (!f)
        return;
    f->nparams = tmp.nparams;
    f->params = tmp.params;
    f->nresults = tmp.nresults;
    f->results = tmp.results;
    f->height = height;
    if (op == WASM_OP_if)
        f->else_fixup = emit_cond_branch(t, cond, true);
    f->loop_pos = t->ncode;
    /* Only a loop's start is a branch target: control enters a block or an if arm from just
     * before it alone, so the locals still zero stay known there. */
    bool at_entry = t->at_entry && op != WASM_OP_loop;
    place_label(t);
    t->at_entry = at_entry;
    if (op == WASM_OP_loop || op == WASM_OP_if)
        open_metered_block(t); /* the loop body, charged per iteration; the then arm */
}

/* Starts the else arm. has_op is false for the empty else arm given to an `if` without one
 * (see translate_end): then the then arm falls through `end`, not `else`. */
static void translate_else(tr_state *t, bool has_op)
{
    tr_frame *f = &t->frames[t->nframes - 1];
    if (!f->unreachable) {
        charge_op(t, has_op ? WASM_OP_else : WASM_OP_end); /* the then arm falls through it */
        move_to_frame(t, f, f->nresults);
        emit_jump(t, f);
    }
    if (f->else_fixup != NO_POS && !t->oom)
        patch(t, f->else_fixup, t->ncode);
    f->else_fixup = NO_POS;
    f->op = WASM_OP_else;
    f->unreachable = false;
    truncate_vals(t, f->height);
    push_types(t, f->nparams, f->params);
    place_label(t);
    open_metered_block(t);
}

/* Returns true when the function body's final end was reached. */
static bool translate_end(tr_state *t)
{
    tr_frame *f = &t->frames[t->nframes - 1];
    if (f->op == WASM_OP_end) {
        if (!f->unreachable) {
            charge_op(t, WASM_OP_end);
            emit_return(t);
        }
        t->nframes--;
        return true;
    }
    if (f->op == WASM_OP_if && f->else_fixup != NO_POS && t->meter != VM_METER_OFF &&
        t->costs->op_cost[WASM_OP_end] > 0) {
        /* An `if` without `else`: when the condition is false, control enters the empty
         * else arm and falls through `end`, which then costs fuel on that path as well:
         * give the false path an arm of its own to charge it in. */
        translate_else(t, false);
        f = &t->frames[t->nframes - 1];
        t->in_else_arm = true; /* the arm's charge (of `end`) is placed just below */
    }
    bool falls_through = !f->unreachable;
    bool is_target = f->fixups != NO_POS || f->else_fixup != NO_POS;
    bool merges = is_target || f->op == WASM_OP_if || f->op == WASM_OP_else;
    if (falls_through) {
        charge_op(t, WASM_OP_end);
        move_to_frame(t, f, f->nresults);
    }
    t->in_else_arm = false;
    if (!t->oom) {
        resolve_fixups(t, f->fixups, t->ncode);
        if (f->else_fixup != NO_POS)
            patch(t, f->else_fixup, t->ncode);
    }
    truncate_vals(t, f->height);
    uint32_t n = f->nresults;
    const uint8_t *types = f->results;
    t->nframes--;
    push_types(t, n, types);
    place_label(t);
    if (!falls_through && !is_target)
        set_unreachable(t); /* nothing reaches the code after this end */
    else if (merges)
        open_metered_block(t);
    return false;
}

static void translate_br_if(tr_state *t, uint32_t depth)
{
    tr_frame *f = &t->frames[t->nframes - 1 - depth];
    tr_cond cond = pop_cond(t);
    /* The code after runs only when the branch is not taken: a new metered block. */
    if (!branch_needs_moves(t, f)) {
        emit_cond_op(t, cond.branch_op, cond);
        emit_target(t, f);
        open_metered_block(t);
    } else {
        uint32_t skip = emit_cond_branch(t, cond, true);
        emit_branch(t, f);
        if (!t->oom)
            patch(t, skip, t->ncode);
        place_label(t);
        open_metered_block(t);
    }
}

static void translate_br_table(tr_state *t)
{
    uint32_t n = 0;
    reader_u32(&t->r, &n);
    if (t->r.error || n >= reader_left(&t->r))
        return (void)reader_fail(&t->r, "unexpected end");
    uint32_t index = pop_slot(t);
    emit_op(t, VM_OP_br_table);
    emit_word(t, index);
    emit_word(t, n);
    /* Targets that need value moves get a trampoline after the table, patched in below. */
    uint32_t first = t->ncode;
    uint32_t *depths = malloc(((size_t)n + 1) * sizeof *depths);
    bool *needs_tramp = calloc((size_t)n + 1, sizeof *needs_tramp);
    if (!depths || !needs_tramp) {
        free(depths);
        free(needs_tramp);
        t->oom = true;
        return;
    }
    for (uint32_t i = 0; i <= n; i++) {
        reader_u32(&t->r, &depths[i]);
        if (t->r.error)
            break;
        tr_frame *f = &t->frames[t->nframes - 1 - depths[i]];
        needs_tramp[i] = branch_needs_moves(t, f);
        if (needs_tramp[i])
            emit_word(t, 0);
        else
            emit_target(t, f);
    }
    for (uint32_t i = 0; i <= n && !t->oom && !t->r.error; i++) {
        if (!needs_tramp[i])
            continue;
        /* One trampoline per distinct depth: later entries with the same depth share it. */
        uint32_t tramp = t->ncode;
        for (uint32_t j = i; j <= n; j++) {
            if (needs_tramp[j] && depths[j] == depths[i]) {
                patch(t, first + j, tramp);
                needs_tramp[j] = false;
            }
        }
        emit_branch(t, &t->frames[t->nframes - 1 - depths[i]]);
    }
    free(needs_tramp);
    free(depths);
}

/* The select form (vmops.def) whose condition is computed by internal instruction op: a
 * comparison (select_<cmp>[_imm]) or an i32.and of a constant (select_test_imm); 0 when op
 * has none. */
static vm_opcode select_form(uint32_t op)
{
    switch (op) {
#define VM_CMP(id, in, expr, negated)                                                          \
    case VM_OP_##id: return VM_OP_select_##id;                                                 \
    case VM_OP_##id##_imm: return VM_OP_select_##id##_imm;
#include "vmops.def"
    case VM_OP_i32_and_imm: return VM_OP_select_test_imm;
    default: return (vm_opcode)0;
    }
}

/* select: when the instruction just before computed the condition (a temporary used only
 * here) by a comparison or an i32.and of a constant, the select does it itself; by an
 * i32.eqz, the select tests its operand with the values swapped. The values may still need
 * computing (constants, deferred arithmetic): that code replaces the condition's, which read
 * none of the slots it writes (the values' own). */
static void translate_select(tr_state *t)
{
    uint32_t top = t->nvals - 1, pos = t->last_pos;
    bool fusable = pos != NO_POS && computed_by(t, pos, top);
    vm_opcode form = (vm_opcode)0;
    uint32_t x = 0, y = 0; /* the condition's operands */
    bool swap = false;
    if (fusable && pos + 4 == t->ncode && (form = select_form(t->code[pos]))) {
        x = t->code[pos + 2];
        y = t->code[pos + 3];
    } else if (fusable && t->code[pos] == VM_OP_i32_eqz && pos + 3 == t->ncode) {
        form = VM_OP_select; /* eqz(x) ? a : b is x ? b : a */
        x = t->code[pos + 2];
        swap = true;
    }
    uint32_t c = 0;
    if (form) {
        unemit(t, pos);
        pop_val(t);
    } else {
        c = pop_slot(t);
    }
    uint32_t b = pop_slot(t);
    uint8_t type = t->vals[t->nvals - 1].type;
    uint32_t a = pop_slot(t);
    uint32_t at = emit_op(t, form ? form : VM_OP_select);
    emit_word(t, natural_slot(t, t->nvals));
    mark_producer(t, at);
    emit_word(t, swap ? b : a);
    emit_word(t, swap ? a : b);
    emit_word(t, form ? x : c);
    if (form && !swap)
        emit_word(t, y);
    push_slot(t, type);
}

/* Whether Wasm operator op starts or ends a block or branches. */
static bool changes_control(uint32_t op)
{
    switch (op) {
    case WASM_OP_block: case WASM_OP_loop: case WASM_OP_if: case WASM_OP_else:
    case WASM_OP_end: case WASM_OP_br: case WASM_OP_br_if: case WASM_OP_br_table:
    case WASM_OP_return:
        return true;
    default:
        return false;
    }
}

static bool translate_body(tr_state *t)
{
    wasm_reader *r = &t->r;
    for (;;) {
        if (t->oom || r->error)
            return false;
        if (reader_eof(r))
            return false;
        t->op_offset = reader_offset(r);
        uint8_t byte = 0;
        reader_u8(r, &byte);
        uint32_t op = byte;
        if (byte == 0xFC) {
            uint32_t sub = UINT32_MAX;
            reader_u32(r, &sub);
            op = WASM_OP_FC_BASE + sub;
        }
        const wasm_op_info *info = wasm_op_lookup(op);
        if (!info)
            return false;

        tr_frame *cur = &t->frames[t->nframes - 1];
        if (cur->unreachable) {
            /* Dead code emits nothing; only its block structure is followed. */
            bool closes_frame = t->dead_depth == 0 && (op == WASM_OP_end || op == WASM_OP_else);
            if (!closes_frame) {
                if (op == WASM_OP_block || op == WASM_OP_loop || op == WASM_OP_if)
                    t->dead_depth++;
                else if (op == WASM_OP_end)
                    t->dead_depth--;
                r->pos = r->base + t->op_offset;
                loader_skip_instruction(r, &op);
                continue;
            }
        }

        if (op != WASM_OP_else && op != WASM_OP_end)
            charge_op(t, op); /* else and end are charged only when control falls through */
        if (t->naddr && changes_control(op))
            materialize_addresses(t, 0); /* branches and labels take values in slots */

        uint32_t x = 0, y = 0;
        switch (op) {
        case WASM_OP_unreachable:
            emit_op(t, VM_OP_unreachable);
            set_unreachable(t);
            break;
        case WASM_OP_nop:
            break;
        case WASM_OP_block:
        case WASM_OP_loop:
        case WASM_OP_if:
            translate_block(t, op);
            break;
        case WASM_OP_else:
            translate_else(t, true);
            break;
        case WASM_OP_end:
            if (translate_end(t))
                return true;
            break;
        case WASM_OP_br:
            reader_u32(r, &x);
            emit_branch(t, &t->frames[t->nframes - 1 - x]);
            set_unreachable(t);
            break;
        case WASM_OP_br_if:
            reader_u32(r, &x);
            translate_br_if(t, x);
            break;
        case WASM_OP_br_table:
            translate_br_table(t);
            set_unreachable(t);
            break;
        case WASM_OP_return:
            emit_return(t);
            set_unreachable(t);
            break;
        case WASM_OP_call:
            reader_u32(r, &x);
            translate_call(t, x, &t->m->types[t->m->func_types[x]], false, 0, 0);
            break;
        case WASM_OP_call_indirect:
            reader_u32(r, &x);
            reader_u32(r, &y);
            translate_call(t, 0, &t->m->types[x], true, y, x);
            break;
        case WASM_OP_drop:
            pop_val(t);
            break;
        case WASM_OP_select:
        case WASM_OP_select_t: {
            if (op == WASM_OP_select_t) {
                uint32_t n = 0;
                uint8_t type;
                reader_u32(r, &n);
                while (n-- && !r->error)
                    reader_u8(r, &type);
            }
            translate_select(t);
            break;
        }
        case WASM_OP_local_get:
            reader_u32(r, &x);
            push_val(t, (tr_val){.type = t->local_types[x], .kind = VAL_LOCAL, .local = x});
            break;
        case WASM_OP_local_set:
        case WASM_OP_local_tee:
            reader_u32(r, &x);
            translate_local_set(t, x, op == WASM_OP_local_tee);
            break;
        case WASM_OP_global_get: {
            reader_u32(r, &x);
            uint32_t pos = emit_op(t, VM_OP_global_get);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, x);
            push_slot(t, t->m->global_types[x].valtype);
            break;
        }
        case WASM_OP_global_set: {
            reader_u32(r, &x);
            uint32_t s = pop_slot(t);
            emit_op(t, VM_OP_global_set);
            emit_word(t, x);
            emit_word(t, s);
            break;
        }
        case WASM_OP_table_get: {
            reader_u32(r, &x);
            uint32_t i = pop_slot(t);
            uint32_t pos = emit_op(t, VM_OP_table_get);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, i);
            emit_word(t, x);
            push_slot(t, t->m->tables[x].elemtype);
            break;
        }
        case WASM_OP_table_set: {
            reader_u32(r, &x);
            uint32_t v = pop_slot(t);
            uint32_t i = pop_slot(t);
            emit_op(t, VM_OP_table_set);
            emit_word(t, i);
            emit_word(t, v);
            emit_word(t, x);
            break;
        }
        case WASM_OP_i32_const: {
            int32_t v = 0;
            reader_s32(r, &v);
            push_val(t, (tr_val){.type = WASM_I32, .kind = VAL_CONST, .bits = (uint32_t)v});
            break;
        }
        case WASM_OP_i64_const: {
            int64_t v = 0;
            reader_s64(r, &v);
            push_val(t, (tr_val){.type = WASM_I64, .kind = VAL_CONST, .bits = (uint64_t)v});
            break;
        }
        case WASM_OP_f32_const: {
            uint32_t v = 0;
            reader_f32(r, &v);
            push_val(t, (tr_val){.type = WASM_F32, .kind = VAL_CONST, .bits = v});
            break;
        }
        case WASM_OP_f64_const: {
            uint64_t v = 0;
            reader_f64(r, &v);
            push_val(t, (tr_val){.type = WASM_F64, .kind = VAL_CONST, .bits = v});
            break;
        }
        case WASM_OP_ref_null: {
            uint8_t type = 0;
            reader_u8(r, &type);
            push_val(t, (tr_val){.type = type, .kind = VAL_CONST, .bits = 0});
            break;
        }
        case WASM_OP_ref_is_null: {
            uint32_t a = pop_slot(t);
            uint32_t pos = emit_op(t, VM_OP_ref_is_null);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, a);
            push_slot(t, WASM_I32);
            break;
        }
        case WASM_OP_ref_func: {
            reader_u32(r, &x);
            uint32_t pos = emit_op(t, VM_OP_ref_func);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, x);
            push_slot(t, WASM_FUNCREF);
            break;
        }
        case WASM_OP_memory_init: {
            reader_u32(r, &x);
            reader_u32(r, &y);
            uint32_t n = pop_slot(t), s = pop_slot(t), d = pop_slot(t);
            emit_op(t, VM_OP_memory_init);
            emit_word(t, d);
            emit_word(t, s);
            emit_word(t, n);
            emit_word(t, x);
            break;
        }
        case WASM_OP_data_drop:
            reader_u32(r, &x);
            emit_op(t, VM_OP_data_drop);
            emit_word(t, x);
            break;
        case WASM_OP_memory_copy:
        case WASM_OP_memory_fill: {
            reader_u32(r, &x);
            if (op == WASM_OP_memory_copy)
                reader_u32(r, &y);
            uint32_t n = pop_slot(t), s = pop_slot(t), d = pop_slot(t);
            emit_op(t, op == WASM_OP_memory_copy ? VM_OP_memory_copy : VM_OP_memory_fill);
            emit_word(t, d);
            emit_word(t, s);
            emit_word(t, n);
            break;
        }
        case WASM_OP_table_init:
        case WASM_OP_table_copy: {
            reader_u32(r, &x);
            reader_u32(r, &y);
            uint32_t n = pop_slot(t), s = pop_slot(t), d = pop_slot(t);
            emit_op(t, op == WASM_OP_table_init ? VM_OP_table_init : VM_OP_table_copy);
            emit_word(t, d);
            emit_word(t, s);
            emit_word(t, n);
            if (op == WASM_OP_table_init) {
                emit_word(t, y); /* table */
                emit_word(t, x); /* segment */
            } else {
                emit_word(t, x); /* destination table */
                emit_word(t, y); /* source table */
            }
            break;
        }
        case WASM_OP_elem_drop:
            reader_u32(r, &x);
            emit_op(t, VM_OP_elem_drop);
            emit_word(t, x);
            break;
        case WASM_OP_table_grow: {
            reader_u32(r, &x);
            uint32_t n = pop_slot(t), v = pop_slot(t);
            uint32_t pos = emit_op(t, VM_OP_table_grow);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, v);
            emit_word(t, n);
            emit_word(t, x);
            push_slot(t, WASM_I32);
            break;
        }
        case WASM_OP_table_size: {
            reader_u32(r, &x);
            uint32_t pos = emit_op(t, VM_OP_table_size);
            emit_word(t, natural_slot(t, t->nvals));
            mark_producer(t, pos);
            emit_word(t, x);
            push_slot(t, WASM_I32);
            break;
        }
        case WASM_OP_table_fill: {
            reader_u32(r, &x);
            uint32_t n = pop_slot(t), v = pop_slot(t), i = pop_slot(t);
            emit_op(t, VM_OP_table_fill);
            emit_word(t, i);
            emit_word(t, v);
            emit_word(t, n);
            emit_word(t, x);
            break;
        }
        default:
            if (info->p0 == WASM_SIG_SPECIAL)
                return false;
            translate_simple(t, op, info);
            break;
        }
    }
}

/* Sizes the buffers for a body of code_len bytes from what compiled code needs (measured:
 * 0.6 to 1 word and 0.15 to 0.3 instructions per Wasm byte, more in tiny bodies; a metered
 * block's charge every 15 to 50 bytes; operand stacks seldom 30 deep), so that most functions
 * never grow them, and the per-local arrays for t->nlocals locals. Buffers from a scratch are
 * only grown. What the code keeps is copied out at the end. */
static bool reserve_buffers(tr_state *t, uint32_t code_len)
{
    uint32_t len = code_len < (1u << 24) ? code_len : (1u << 24); /* a hint: keep it sane */
    uint32_t nlocals = t->nlocals + 1; /* (never 0) */
    if (nlocals > t->caplocals) {
        uint32_t cap = t->caplocals, cap2 = t->caplocals;
        if (!grow_to((void **)&t->local_types, &cap, nlocals, sizeof *t->local_types) ||
            !grow_to((void **)&t->pending, &cap2, nlocals, sizeof *t->pending) ||
            !grow_to((void **)&t->zero, &t->caplocals, nlocals, sizeof *t->zero))
            return false;
    }
    return grow((void **)&t->code, &t->capcode, len + 16, sizeof *t->code) &&
           grow((void **)&t->map, &t->capmap, len / 2 + 8, sizeof *t->map) &&
           grow((void **)&t->vals, &t->capvals, 32, sizeof *t->vals) &&
           (t->meter != VM_METER_BLOCKS || t->capsites >= len / 16 + 8 ||
            grow_sites(t, len / 16 + 8));
}

/* Whether function x of m is an import of type (i64) -> () or (i32) -> (). */
static bool is_gas_func(const wasm_module *m, uint32_t x)
{
    if (x >= m->nfunc_imports)
        return false;
    const wasm_functype *ft = &m->types[m->func_types[x]];
    if (ft->nparams != 1 || ft->nresults != 0)
        return false;
    uint8_t p = wasm_functype_params(ft)[0];
    return p == WASM_I64 || p == WASM_I32;
}

wasm_status vm_translate(const wasm_module *m, uint32_t func_index, vm_meter_mode meter,
                         const wasm_cost_model *costs, vm_code **out, wasm_error *err)
{
    vm_translate_opts opts = {meter, costs, VM_NO_GAS_FUNC, NULL};
    return vm_translate_ex(m, func_index, &opts, out, err);
}

#ifdef VM_FWD_CHECK
/* The passes over the finished code (fold, pairs) take the instruction starts from the source
 * map instead of decoding lengths: the checking build verifies that it holds every start. */
static void check_starts(const tr_state *t)
{
    uint32_t pc = 0, i = 0;
    for (; pc < t->ncode && i < t->nmap; i++, pc += vm_insn_length(t->code, pc))
        if (t->map[i].pos != pc)
            break;
    if (pc != t->ncode || i != t->nmap) {
        fprintf(stderr, "wvm: source map entry %u is not the instruction start %u\n", i, pc);
        abort();
    }
}
#endif

wasm_status vm_translate_ex(const wasm_module *m, uint32_t func_index,
                            const vm_translate_opts *opts, vm_code **out, wasm_error *err)
{
    *out = NULL;
    const wasm_func *fn = &m->funcs[func_index - m->nfunc_imports];
    const wasm_functype *type = &m->types[fn->type];
    const wasm_cost_model *costs = opts->costs;
    if (opts->gas_func != VM_NO_GAS_FUNC && !is_gas_func(m, opts->gas_func))
        return wasm_error_set(err, WASM_ERR_USAGE, fn->code_offset, func_index,
                              "gas function %u is not an imported (i64) -> () or "
                              "(i32) -> () function", opts->gas_func);
    tr_state t;
    memset(&t, 0, sizeof t);
    t.m = m;
    t.func_index = func_index;
    t.type = type;
    t.nlocals = type->nparams + fn->nlocals;
    t.last_pos = NO_POS;
    t.copy_pos = NO_POS;
    t.add_pos = NO_POS;
    t.meter = costs ? opts->meter : VM_METER_OFF;
    t.costs = costs;
    t.gas_func = opts->gas_func;
    wasm_status status = WASM_ERR_NOMEM;
    vm_code *code = NULL;
    vm_scratch own = {0}; /* the buffers of this call alone, without a scratch */
    vm_scratch *scratch = opts->scratch ? opts->scratch : &own;

    scratch_lend(&t, scratch);
    if (!reserve_buffers(&t, fn->code_len))
        goto fail;
    /* (pending is back to zero where a translation ends, but not where one failed) */
    memset(t.pending, 0, ((size_t)t.nlocals + 1) * sizeof *t.pending);
    memset(t.zero, 0, ((size_t)t.nlocals + 1) * sizeof *t.zero);
    t.at_entry = true;
    for (uint32_t i = type->nparams; i < t.nlocals; i++)
        t.zero[i] = true;
    if (type->nparams)
        memcpy(t.local_types, wasm_functype_params(type), type->nparams);
    if (fn->nlocals)
        memcpy(t.local_types + type->nparams, fn->local_types, fn->nlocals);

    tr_frame *f = push_frame(&t, WASM_OP_end);
    if (!f)
        goto fail;
    f->nresults = type->nresults;
    f->results = wasm_functype_results(type);

    t.op_offset = fn->code_offset; /* the entry charge sits before the first instruction */
    if (t.meter == VM_METER_BLOCKS) {
        open_metered_block(&t);
        flush_fuel(&t); /* the entry charge is taken even when the body is free */
        add_to_charge(&t, costs->call_entry);
    } else if (t.meter == VM_METER_PER_OPERATOR && costs->call_entry) {
        emit_fuel(&t, costs->call_entry);
    }

    reader_init(&t.r, m->bytes, fn->code, fn->code + fn->code_len);
    if (!translate_body(&t)) {
        if (t.oom)
            goto fail;
        status = wasm_error_set(err, WASM_ERR_MALFORMED,
                                t.r.error ? t.r.error_offset : t.op_offset, func_index,
                                "cannot translate function: %s",
                                t.r.error ? t.r.error : "unexpected instruction");
        goto fail;
    }
    if (t.oom)
        goto fail;
#ifdef VM_FWD_CHECK
    check_starts(&t);
#endif
    if (t.meter != VM_METER_OFF || t.gas_func != VM_NO_GAS_FUNC) /* else there is no `fuel` */
        vm_code_fold_charges(t.code, t.ncode, t.map, t.nmap);
#ifndef VM_PROFILE /* a profile is for choosing the pairs: it counts the unpaired code */
    if (!grow((void **)&t.code, &t.capcode, t.ncode + VM_FWD_PADDING, sizeof *t.code))
        goto fail;
    memset(t.code + t.ncode, 0, VM_FWD_PADDING * sizeof *t.code);
    if (!vm_code_pair(t.code, t.ncode, t.map, t.nmap, t.targets, t.ntargets))
        goto fail; /* (out of memory) */
#endif

    for (uint32_t i = 0; i < t.nsites; i++)
        t.sites[i].cost = vm_imm64(&t.code[t.site_words[i]]);
    code = code_alloc(&t);
    if (!code)
        goto fail;
    code->nparams = type->nparams;
    code->nresults = type->nresults;
    code->nlocals = t.nlocals;
    code->func_index = func_index;
    uint64_t slots = (uint64_t)t.nlocals + t.max_height;
    if (slots < type->nresults)
        slots = type->nresults;
    code->frame_slots = (uint32_t)slots;
    code->frame_bytes = (size_t)slots * sizeof(vm_slot);
    code->entry = code->words;
    if (code->nwords >= FUEL_WORDS && vm_op_unpaired(code->words[0]) == VM_OP_fuel) {
        code->entry_cost = vm_imm64(code->words + 1);
        code->entry = code->words + FUEL_WORDS;
    }
    *out = code;
    status = WASM_OK;
fail:
    if (status == WASM_ERR_NOMEM)
        wasm_error_set(err, WASM_ERR_NOMEM, fn->code_offset, func_index,
                       "out of memory while translating function %u", func_index);
    scratch_keep(scratch, &t);
    scratch_release(&own);
    return status;
}

void vm_code_free(vm_code *code)
{
    free(code); /* (with its arrays: code_alloc) */
}

size_t vm_code_wasm_offset(const vm_code *code, uint32_t pos)
{
    uint32_t lo = 0, hi = code->nsrcmap;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (code->srcmap[mid].pos <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return code->nsrcmap ? code->srcmap[lo].wasm_offset : 0;
}
