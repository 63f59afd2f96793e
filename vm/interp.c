/* The interpreter loop: one handler per internal instruction (vmops.def), written once and
 * dispatched either by computed goto (default, gcc/clang) or by a portable switch
 * (-DVM_DISPATCH_SWITCH).
 *
 * Registers of the loop: pc (next word), fp (current frame), fuel, mem/mem_size (memory 0 of
 * the current instance: reloaded after anything that may change or move it — calls and
 * returns that change instance, host calls, memory.grow) and inst (the running function's
 * instance; the function itself is found from inst and pc when a trap needs it, vm_func_at).
 * Calls push a vm_frame and switch frames in place: no C recursion per Wasm call.
 */
#include <string.h>

#include "exec.h"
#include "numeric.h"
#include "../loader/hints.h"
#include "profile.h"

/* Slot access by value type. */
#define CT_u32 uint32_t
#define CT_u64 uint64_t
#define CT_f32 float
#define CT_f64 double
/* Slot reads and writes. Forwarding (pairs.h): every write of a slot also leaves the value in
 * a variable of its class that the compiler keeps in a register: an integer's (or a
 * reference's) bits in fwd, a float in fwd_f32 or fwd_f64. In a forwarding variant's scope
 * the constant fwd_pos names the operand word whose read takes the value the variable of its
 * class held on entry (fwd_in...) instead of the slot; elsewhere it is 0, the opcode word: no
 * operand. vm_forwarded_operand forwards a read only from a write of its class: a float write
 * leaves fwd as it was, so that the handlers computing floats (the hot ones of float code)
 * need no move of their result to a general register; the few readers of a float's bits
 * (stores, copies) read its slot. */
#define FORWARDED(s) (&(s) == pc + fwd_pos)
/* An f64 slot is read in place as a double (slots hold any type's bits, hence may_alias): a
 * float load, where num_f64_from_bits made gcc load the operands of the arithmetic's asm
 * (numeric.h) through a general register. */
typedef double slot_f64 __attribute__((may_alias));
#define RD_u32(s) ((uint32_t)RD_u64(s))
#define RD_u64(s) (FORWARDED(s) ? FWD_CHECKED(s, fwd_in, ) : fp[s])
#define RD_f32(s)                                                                              \
    (FORWARDED(s) ? FWD_CHECKED(s, fwd_in_f32, num_f32_bits) : num_f32_from_bits((uint32_t)fp[s]))
#define RD_f64(s)                                                                              \
    (FORWARDED(s) ? FWD_CHECKED(s, fwd_in_f64, num_f64_bits) : *(const slot_f64 *)&fp[s])
#define WR_u32(s, v) (fp[s] = fwd = (uint32_t)(v))
#define WR_u64(s, v) (fp[s] = fwd = (uint64_t)(v))
#define WR_f32(s, v) (fp[s] = num_f32_bits(fwd_f32 = (v)))
#define WR_f64(s, v) (fp[s] = num_f64_bits(fwd_f64 = (v)))
#ifdef VM_FWD_CHECK
/* (a checking build: a forwarded value must be the slot's, else the process aborts) */
#define FWD_CHECKED(s, value, bits)                                                            \
    ((uint64_t)bits(value) == fp[s] ? (value) : (fwd_mismatch(pc, bits(value), fp[s]), (value)))
#include <stdlib.h>
static void fwd_mismatch(const uint32_t *pc, vm_slot fwd, vm_slot slot)
{
    fprintf(stderr, "wvm: forwarded operand mismatch at opcode %u: %llx, slot holds %llx\n",
            (unsigned)*pc, (unsigned long long)fwd, (unsigned long long)slot);
    abort();
}
#else
#define FWD_CHECKED(s, value, bits) (value)
#endif

/* Branch to the offset stored in word w (relative to w itself). */
#define JUMP_VIA(w) (pc = (w) + (int32_t) * (w))

/* JUMP_VIA for the conditional branches and br_table, through the loop cache (loop_src,
 * loop_dst: locals of vm_run).
 *
 * Every handler loads its operands through pc, so after a taken branch the next instructions
 * wait for the new pc, which comes from a load of the branch's offset. Branch prediction does
 * not break that chain the way it does for the jump to the next handler: in a small loop,
 * pc -> offset -> pc is one load latency on the critical path of every iteration
 * (bench/RESULTS.md, fifteenth round). So the last backward branch taken, a loop's back edge,
 * is remembered: its offset word in loop_src and its target in loop_dst. When that branch is
 * taken again, pc is loop_dst, a register, and the next iteration needs no load to begin; the
 * comparison only steers a predicted branch. Code does not change once translated and lives
 * as long as it can run, so an entry stays right for the whole activation.
 * - Forward branches leave the entry alone, so that the ifs inside a loop keep its back edge.
 * - Unconditional branches (br, and the instructions ending a block that also branch) neither
 *   use nor replace it: a loop's own back edge is the conditional branch at its bottom in the
 *   code compilers emit, while a backward br is typically one of the many `continue`s to an
 *   interpreter's dispatch loop, between which one entry would thrash (measured: Lua 5.4 5 %
 *   and the dispatch kernel 9 % slower when they take part). */
#define BRANCH_VIA(w)                                                                          \
    do {                                                                                       \
        const uint32_t *w_ = (w);                                                              \
        if (likely(w_ == loop_src)) {                                                          \
            pc = loop_dst;                                                                     \
        } else {                                                                               \
            int32_t o_ = (int32_t)*w_;                                                         \
            pc = w_ + o_;                                                                      \
            if (o_ < 0) {                                                                      \
                loop_src = w_;                                                                 \
                loop_dst = pc;                                                                 \
            }                                                                                  \
        }                                                                                      \
    } while (0)

/* Charges cost to *fuel when it holds enough, else leaves it as it is; true when charged.
 * (A subtraction and a test of its borrow: the cheapest check there is.) */
static inline bool charge(uint64_t *fuel, uint64_t cost)
{
    if (likely(!__builtin_sub_overflow(*fuel, cost, fuel)))
        return true;
    *fuel += cost;
    return false;
}

/* Enters the metered block whose `fuel` instruction is at w (the paying branch forms of
 * vmops.def): pays its charge and continues after it, or, when the fuel is short, lands on it
 * so that it stops there as usual. */
#define ENTER_PAYING(w)                                                                        \
    do {                                                                                       \
        const uint32_t *at_ = (w);                                                             \
        pc = charge(&fuel, vm_imm64(at_ + 1)) ? at_ + FUEL_WORDS : at_;                        \
    } while (0)

/* Enters, by a branch that pays when taken, the metered block whose `fuel` instruction ends
 * just before the target of the offset word w (fold moved the branch's offset past it,
 * vmops.def), branching by `jump` (JUMP_VIA or BRANCH_VIA): pays the charge and continues at
 * the target, or, when the fuel is short, lands on the `fuel` instruction so that it stops
 * there as usual. */
#define ENTER_PAID(jump, w)                                                                    \
    do {                                                                                       \
        jump(w);                                                                               \
        if (unlikely(!charge(&fuel, vm_imm64(pc - 2))))                                        \
            pc -= FUEL_WORDS;                                                                  \
    } while (0)

/* The four forms of a conditional branch (VM_BR in vmops.def): after `decls`, it branches
 * when `cond` holds to the offset in word pc[off]; the instruction is len words long. */
#define BRANCH_CASES(id, decls, cond, off, len)                                                \
    HANDLER(id, decls if (cond) BRANCH_VIA(pc + (off)); else pc += (len); NEXT();)              \
    HANDLER(id##_pt, decls if (cond) ENTER_PAID(BRANCH_VIA, pc + (off));                       \
            else pc += (len); NEXT();)                                                         \
    HANDLER(id##_pf, decls if (cond) BRANCH_VIA(pc + (off)); else ENTER_PAYING(pc + (len));     \
            NEXT();)                                                                           \
    HANDLER(id##_pb, decls if (cond) ENTER_PAID(BRANCH_VIA, pc + (off));                       \
            else ENTER_PAYING(pc + (len)); NEXT();)

#ifdef VM_PROFILE
#define PROFILE_STEP() vm_profile_step(pc)
#elif defined(VM_COUNT_DISPATCHES)
#define PROFILE_STEP() (vm_dispatch_count++)
#else
#define PROFILE_STEP() ((void)0)
#endif

#ifdef VM_DISPATCH_SWITCH
#define DISPATCH_BEGIN() dispatch: PROFILE_STEP(); switch ((vm_opcode)*pc) {
#define DISPATCH_END() default: TRAP(VM_TRAP_UNREACHABLE); }
/* (the labels are for the pair handlers' jumps, SIMPLE) */
#define CASE(op) case VM_OP_##op: L_##op: __attribute__((unused));
#define NEXT() goto dispatch
#else
#define DISPATCH_BEGIN() NEXT();
#define DISPATCH_END()
#define CASE(op) L_##op:
#define NEXT()                                                                                 \
    do {                                                                                       \
        PROFILE_STEP();                                                                        \
        goto *dispatch_table[*pc];                                                             \
    } while (0)
#endif

/* A trap named name (VM_TRAP_*): a jump to that code's exit (TRAP_EXIT, after the
 * handlers), which records it in *trap. The trap's code and Wasm offset go to memory, not to
 * variables: gcc if-converts a jump to a block that only sets variables, moving the settings
 * in front of the jump, into the handler's hot path; it cannot move a store there. */
#define TRAP(name) goto trap_##name
/* A trap whose code is computed (not a VM_TRAP_* name). */
#define TRAP_CODE(value)                                                                       \
    do {                                                                                       \
        trap->code = (value);                                                                  \
        goto trapped;                                                                          \
    } while (0)
/* A trap of the second Wasm instruction fused into one internal instruction, whose Wasm offset
 * the instruction holds (the source map has the first one's). */
#define TRAP_AT(name, wasm_offset)                                                             \
    do {                                                                                       \
        trap->code = (name);                                                                   \
        trap->offset = (wasm_offset);                                                          \
        goto trapped_at;                                                                       \
    } while (0)

#define SYNC_DEPTH() (ex->depth = (uint32_t)(frame_top - ex->frames))

/* Enters the Wasm function whose code is c (its arguments at callee_fp) from the call
 * instruction at pc, which continues at return_pc: traps when the frame stack or the value
 * stack is full, else pushes the caller's frame, zeroes the declared locals and starts the
 * code, paying its entry charge (metered code starts with `fuel`, vm_code.entry) to save that
 * instruction's dispatch; when short, the code starts on it and stops there as usual. (The
 * caller switches inst when the callee's differs.) */
#define ENTER_FUNCTION(c, callee_fp, return_pc)                                                \
    ENTER_FUNCTION_AT(c, (c)->entry, callee_fp, return_pc)
/* ENTER_FUNCTION given where the call enters, c->entry, which a direct call has at hand
 * (vm_code_link_calls) without the loads that find c: the code that follows waits for pc,
 * which so waits for one load instead of three. pc comes from there alone, with no selection
 * that would make it wait for the charge too (a branch, where the fuel is short). */
#define ENTER_FUNCTION_AT(c, entry_pc, callee_fp, return_pc)                                   \
    do {                                                                                       \
        if (unlikely(frame_top == frame_limit ||                                              \
                     (uintptr_t)stack_end - (uintptr_t)(callee_fp) < (c)->frame_bytes))         \
            TRAP(VM_TRAP_STACK_OVERFLOW);                                                      \
        *frame_top++ = (vm_frame){(return_pc), fp, inst};                                      \
        fp = (callee_fp);                                                                      \
        /* Most functions have a few locals: a loop, not a call to memset. */                 \
        for (vm_slot *l = fp + (c)->nparams, *end = fp + (c)->nlocals; l < end; l++) {         \
            OPAQUE(l);                                                                         \
            *l = 0;                                                                            \
        }                                                                                      \
        pc = (entry_pc);                                                                       \
        if (unlikely(!charge(&fuel, (c)->entry_cost)))                                         \
            pc = (c)->words;                                                                   \
    } while (0)

#define REFRESH_MEMORY()                                                                       \
    do {                                                                                       \
        const vm_memory *m0_ = inst->memory0;                                                  \
        mem = m0_ ? m0_->data : NULL;                                                          \
        mem_size = m0_ ? m0_->size : 0;                                                        \
    } while (0)

/* Effective address ea of a memory access of `size` bytes at the u32 address addr, trapping
 * when out of bounds. The instruction's offset word holds the Wasm offset plus size - 1
 * (vmops.def), so that addr + that word is the address of the access's last byte, which a
 * single compare tests against the memory's size: no addition of the size (an instruction in
 * every access but the byte-wide ones). It is below 2^33, and the access starts size - 1
 * bytes before it. */
#define EFFECTIVE_ADDRESS(ea, addr, last_offset, size)                                         \
    uint64_t ea##_last = (uint64_t)(uint32_t)(addr) + (last_offset);                           \
    if (unlikely(ea##_last >= mem_size))                                                       \
        TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);                                                    \
    uint64_t ea = ea##_last - ((size) - 1);

/* Dynamic fuel: units x unit_cost, charged after the operation's own checks passed and
 * before it has any effect; when short, out of fuel at this instruction (resumable). */
#define CHARGE_DYNAMIC(units, unit_cost)                                                       \
    do {                                                                                       \
        uint64_t cost_;                                                                        \
        if (metered && (__builtin_mul_overflow((uint64_t)(units), (unit_cost), &cost_) ||      \
                        fuel < cost_))                                                         \
            TRAP(VM_TRAP_OUT_OF_FUEL);                                                         \
        if (metered)                                                                           \
            fuel -= cost_;                                                                     \
    } while (0)

const vm_func *vm_func_at(const vm_instance *inst, const uint32_t *pc)
{
    const wasm_module *m = inst->module;
    for (uint32_t i = m->nfunc_imports; i < m->nfunc_imports + m->nfuncs; i++) {
        const vm_code *c = inst->funcs[i]->code;
        if (c && pc >= c->words && pc < c->words + c->nwords)
            return inst->funcs[i];
    }
    return NULL;
}

/* Completes *trap for a trap at pc in a function of inst (frame fp), trap->code and
 * trap->offset (SIZE_MAX: the source map's) being set, ex->depth and ex->fuel current: the
 * trapping function and Wasm offset, and the backtrace. An out-of-fuel trap with susp keeps
 * every frame for resuming (at pc); any other unwinds to base_depth. Returns the code. (Out of
 * line and cold: a trap path inside the interpreter loop shapes its register allocation.) */
__attribute__((noinline, cold)) static int record_trap(vm_exec *ex, const vm_instance *inst,
                                                      const uint32_t *pc, vm_slot *fp,
                                                      uint32_t base_depth, vm_trap *trap,
                                                      vm_suspension *susp)
{
    /* the running function: pc is in its code (NULL could only mean a bug: it is reported as
     * an unknown function with no backtrace, whose frames all need a function, and the trap
     * cannot be resumed) */
    const vm_func *running = vm_func_at(inst, pc);
    trap->func = running;
    trap->nframes = 0;
    if (!running) {
        trap->offset = 0;
        ex->depth = base_depth;
        return trap->code;
    }
    if (trap->offset == SIZE_MAX)
        trap->offset = vm_code_wasm_offset(running->code, (uint32_t)(pc - running->code->words));
    trap->frames[trap->nframes++] = (vm_backtrace_frame){running, trap->offset};
    for (uint32_t d = ex->depth; d > base_depth && trap->nframes < VM_BACKTRACE_MAX; d--) {
        const vm_frame *fr = &ex->frames[d - 1];
        /* ret_pc follows the caller's call instruction: report the call itself */
        const vm_func *caller = vm_func_at(fr->inst, fr->ret_pc - 1);
        if (!caller)
            break;
        const vm_code *c = caller->code;
        uint32_t pos = (uint32_t)(fr->ret_pc - c->words) - 1;
        trap->frames[trap->nframes++] = (vm_backtrace_frame){caller, vm_code_wasm_offset(c, pos)};
    }
    if (trap->code == VM_TRAP_OUT_OF_FUEL && susp) {
        /* Keep every frame: resuming retries the instruction at pc. */
        susp->active = true;
        susp->func = (vm_func *)running;
        susp->pc = pc;
        susp->fp = fp;
        susp->depth = ex->depth;
        susp->reserved_top = fp + running->code->frame_slots;
        ex->top = susp->reserved_top;
        return trap->code;
    }
    ex->depth = base_depth;
    return trap->code;
}

int vm_run(vm_exec *ex, vm_func *func, vm_slot *fp, const uint32_t *pc, uint32_t base_depth,
           void *user, vm_trap *trap, vm_suspension *susp)
{
#ifndef VM_DISPATCH_SWITCH
    static const void *const dispatch_table[VM_OP_COUNT] = {
#define VM_BIN(id, in, out, expr) [VM_OP_##id] = &&L_##id,
#define VM_BINI(id, in, out, expr) [VM_OP_##id] = &&L_##id, [VM_OP_##id##_imm] = &&L_##id##_imm,
#define VM_UN(id, in, out, expr) [VM_OP_##id] = &&L_##id,
#define VM_LOAD(id, out, ctype)                                                                \
    [VM_OP_##id] = &&L_##id, [VM_OP_##id##_ai] = &&L_##id##_ai,                                \
    [VM_OP_##id##_sx] = &&L_##id##_sx, [VM_OP_##id##_si] = &&L_##id##_si,                      \
    [VM_OP_##id##_k] = &&L_##id##_k,
#define VM_STORE(id, in, ctype) VM_LOAD(id, in, ctype)[VM_OP_##id##_ki] = &&L_##id##_ki,
#define VM_OP(id, format) [VM_OP_##id] = &&L_##id,
#include "vmops.def"
#define PAIR_TABLE_ENTRY(x, y, ...) [VM_OP_##x##__##y] = &&L_##x##__##y,
        VM_PAIR_LIST(PAIR_TABLE_ENTRY, )
#undef PAIR_TABLE_ENTRY
#define FWD_TABLE_ENTRY(x, y, k, ...) [VM_OP_##x##__##y##__f##k] = &&L_##x##__##y##__f##k,
        VM_FWD_LIST(FWD_TABLE_ENTRY, )
#undef FWD_TABLE_ENTRY
#define VARIANT_TABLE_ENTRY(y, k, ...) [VM_OP_##y##__f##k] = &&L_##y##__f##k,
        VM_VARIANT_LIST(VARIANT_TABLE_ENTRY, )
#undef VARIANT_TABLE_ENTRY
    };
#endif
    vm_instance *inst = func->instance;
    uint64_t fuel = ex->fuel;       /* written back to ex->fuel whenever it can be observed */
    const bool metered = ex->metered;
    uint8_t *mem;
    uint64_t mem_size;
    vm_func *callee;
    vm_slot *callee_fp;
    const uint32_t *return_pc;
    /* The frame stack: suspended callers are frames[base_depth .. frame_top - frames); ex->depth
     * is brought up to date (SYNC_DEPTH) before anything else can read it: host calls and
     * traps. */
    vm_frame *frame_top = ex->frames + ex->depth;
    vm_frame *const frame_base = ex->frames + base_depth;
    vm_frame *const frame_limit = ex->frames + ex->max_depth;
    vm_slot *const stack_end = ex->stack_end;
    REFRESH_MEMORY();
    /* Forwarding (pairs.h, RD_u64): the value last written to a slot, and the operand of the
     * running handler that reads it (none here; the variants redeclare fwd_pos). */
    vm_slot fwd = 0;
    float fwd_f32 = 0;
    double fwd_f64 = 0;
    enum { fwd_pos = 0 };
    __attribute__((unused)) const vm_slot fwd_in = 0;
    __attribute__((unused)) const float fwd_in_f32 = 0;
    __attribute__((unused)) const double fwd_in_f64 = 0;
    /* The loop cache (BRANCH_VIA): the offset word of the last backward conditional branch
     * taken, and its target. */
    const uint32_t *loop_src = NULL, *loop_dst = NULL;

    DISPATCH_BEGIN()

    /* A handler: its case, and its forwarding variants (pairs.h): y^k, the same work with its
     * operand k read from fwd. The work is `...`, which ends in NEXT() or another jump. */
#define HANDLER(id, ...)                                                                       \
    CASE(id) { __VA_ARGS__ }                                                                   \
    VM_VARIANTS_OF(id, VARIANT_CASE, __VA_ARGS__)
#define VARIANT_CASE(y, k, ...)                                                                \
    CASE(y##__f##k)                                                                            \
    {                                                                                          \
        enum { fwd_pos = k };                                                                  \
        __attribute__((unused)) const vm_slot fwd_in = fwd;                                    \
        __attribute__((unused)) const float fwd_in_f32 = fwd_f32;                              \
        __attribute__((unused)) const double fwd_in_f64 = fwd_f64;                             \
        __VA_ARGS__                                                                            \
    }
    /* A handler that always continues with the next instruction, len words on: its case and
     * variants, and the case of each pair it begins (pairs.h), which does the same work and
     * then jumps straight to the handler of the pair's second instruction, y, or, for a
     * forwarded pair x+y^k, to y's variant y^k (x's work left its result in fwd). The work is
     * `...`. */
#define SIMPLE(id, len, ...)                                                                   \
    HANDLER(id, __VA_ARGS__ pc += (len); NEXT();)                                              \
    VM_PAIRS_OF(id, PAIR_CASE, len, __VA_ARGS__)                                               \
    VM_FWDS_OF(id, FWD_PAIR_CASE, len, __VA_ARGS__)
#define PAIR_CASE(x, y, len, ...)                                                              \
    CASE(x##__##y) { __VA_ARGS__ pc += (len); goto L_##y; }
#define FWD_PAIR_CASE(x, y, k, len, ...)                                                       \
    CASE(x##__##y##__f##k) { __VA_ARGS__ pc += (len); goto L_##y##__f##k; }

    /* ---- families generated from vmops.def ---- */
#define VM_BIN(id, in, out, expr)                                                              \
    SIMPLE(id, 4, CT_##in a = RD_##in(pc[2]); CT_##in b = RD_##in(pc[3]);                     \
           WR_##out(pc[1], (expr));)
#define VM_BINI(id, in, out, expr)                                                             \
    VM_BIN(id, in, out, expr)                                                                  \
    SIMPLE(id##_imm, 4, CT_##in a = RD_##in(pc[2]); CT_##in b = (CT_##in)(int32_t)pc[3];      \
           WR_##out(pc[1], (expr));)
/* b: the 64-bit immediate in pc[3], pc[4] (low first) */
#define IMM_u64(bits) (bits)
#define IMM_f64(bits) num_f64_from_bits(bits)
#define BINL_CASE(id, in, out, expr)                                                           \
    SIMPLE(id##_l, 5, CT_##in a = RD_##in(pc[2]); CT_##in b = IMM_##in(vm_imm64(pc + 3));     \
           WR_##out(pc[1], (expr));)
#define VM_BINL(id, in, out, expr) VM_BIN(id, in, out, expr) BINL_CASE(id, in, out, expr)
#define VM_BINIL(id, in, out, expr) VM_BINI(id, in, out, expr) BINL_CASE(id, in, out, expr)
#define VM_CMP(id, in, expr, negated)                                                          \
    VM_BINI(id, in, u32, expr)                                                                 \
    BRANCH_CASES(br_##id, CT_##in a = RD_##in(pc[1]); CT_##in b = RD_##in(pc[2]);, expr, 3, 4) \
    BRANCH_CASES(br_##id##_imm, CT_##in a = RD_##in(pc[1]);                                    \
                 CT_##in b = (CT_##in)(int32_t)pc[2];, expr, 3, 4)                             \
    BRANCH_CASES(br_##id##_add, CT_##in a = RD_##in(pc[2]) + (CT_##in)(int32_t)pc[3];          \
                 WR_##in(pc[1], a); CT_##in b = RD_##in(pc[4]);, expr, 5, 6)                  \
    BRANCH_CASES(br_##id##_imm_add, CT_##in a = RD_##in(pc[2]) + (CT_##in)(int32_t)pc[3];      \
                 WR_##in(pc[1], a); CT_##in b = (CT_##in)(int32_t)pc[4];, expr, 5, 6)          \
    BRANCH_CASES(br_##id##_radd, CT_##in a = RD_##in(pc[2]) + RD_##in(pc[3]);                  \
                 WR_##in(pc[1], a); CT_##in b = RD_##in(pc[4]);, expr, 5, 6)                  \
    BRANCH_CASES(br_##id##_imm_radd, CT_##in a = RD_##in(pc[2]) + RD_##in(pc[3]);              \
                 WR_##in(pc[1], a); CT_##in b = (CT_##in)(int32_t)pc[4];, expr, 5, 6)          \
    SIMPLE(select_##id, 6, CT_##in a = RD_##in(pc[4]); CT_##in b = RD_##in(pc[5]);            \
           WR_u64(pc[1], (expr) ? RD_u64(pc[2]) : RD_u64(pc[3]));)                             \
    SIMPLE(select_##id##_imm, 6, CT_##in a = RD_##in(pc[4]);                                   \
           CT_##in b = (CT_##in)(int32_t)pc[5];                                                 \
           WR_u64(pc[1], (expr) ? RD_u64(pc[2]) : RD_u64(pc[3]));)
/* An operand in memory at p (any alignment) read in place as its operator's type: for floats
 * a float load (a memcpy into a double made gcc load the first operand of the arithmetic's
 * asm, numeric.h, through a general register). */
typedef uint32_t mem_u32 __attribute__((may_alias, aligned(1)));
typedef uint64_t mem_u64 __attribute__((may_alias, aligned(1)));
typedef float mem_f32 __attribute__((may_alias, aligned(1)));
typedef double mem_f64 __attribute__((may_alias, aligned(1)));
#define MEM_OPERAND(in, p) (*(const mem_##in *)(p))
#define VM_BINM(id, in, expr)                                                                  \
    SIMPLE(id##_m, 6, EFFECTIVE_ADDRESS(ea, RD_u32(pc[3]) + pc[4], pc[5], sizeof(CT_##in))    \
           CT_##in b = MEM_OPERAND(in, mem + ea); CT_##in a = RD_##in(pc[2]);                  \
           WR_##in(pc[1], (expr));)                                                            \
    SIMPLE(id##_mm, 9, EFFECTIVE_ADDRESS(ea, RD_u32(pc[2]) + pc[3], pc[4], sizeof(CT_##in))   \
           uint64_t eb_last = (uint64_t)(uint32_t)(RD_u32(pc[5]) + pc[6]) + pc[7];             \
           if (unlikely(eb_last >= mem_size))                                                  \
               TRAP_AT(VM_TRAP_MEMORY_OUT_OF_BOUNDS, pc[8]); /* b's load */                    \
           uint64_t eb = eb_last - (sizeof(CT_##in) - 1);                                      \
           CT_##in a = MEM_OPERAND(in, mem + ea); CT_##in b = MEM_OPERAND(in, mem + eb);       \
           WR_##in(pc[1], (expr));)
#define VM_CHAIN(id, in, expr)                                                                 \
    SIMPLE(id, 5, CT_##in a = RD_##in(pc[2]); CT_##in b = RD_##in(pc[3]);                     \
           CT_##in c = RD_##in(pc[4]); WR_##in(pc[1], (expr));)
#define VM_MASKED(id, expr)                                                                    \
    SIMPLE(id, 5, uint32_t a = RD_u32(pc[2]); uint32_t k = pc[3]; uint32_t m = pc[4];         \
           WR_u32(pc[1], (expr));)
#define VM_BINSH(id, in, expr)                                                                 \
    SIMPLE(id, 5, CT_##in a = RD_##in(pc[2]); CT_##in b = RD_##in(pc[3]); uint32_t k = pc[4]; \
           WR_##in(pc[1], (expr));)
#define VM_UN(id, in, out, expr)                                                               \
    SIMPLE(id, 3, CT_##in a = RD_##in(pc[2]); WR_##out(pc[1], (expr));)
/* One load or store form: `addr` is its u32 address before the offset, in word pc[off]. */
#define LOAD_CASE(name, out, ctype, addr, off)                                                 \
    SIMPLE(name, (off) + 1, EFFECTIVE_ADDRESS(ea, addr, pc[off], sizeof(ctype)) ctype v;       \
           memcpy(&v, mem + ea, sizeof v); WR_##out(pc[1], v);)
#define STORE_CASE(name, in, ctype, addr, off) STORE_VALUE_CASE(name, ctype, addr, off, RD_##in(pc[2]))
/* value: the stored value (of the operand type) */
#define STORE_VALUE_CASE(name, ctype, addr, off, value)                                        \
    SIMPLE(name, (off) + 1, EFFECTIVE_ADDRESS(ea, addr, pc[off], sizeof(ctype))               \
           ctype v = (ctype)(value); memcpy(mem + ea, &v, sizeof v);)
/* The address forms (vmops.def); b is the word of the base (or index) slot, the operands
 * after the value of a store (or the base of a load) start at word r. */
#define ADDR_PLAIN(b, r) RD_u32(pc[b])
#define ADDR_AI(b, r) RD_u32(pc[b]) + pc[r]
#define ADDR_SX(b, r) RD_u32(pc[b]) + (RD_u32(pc[r]) << (pc[(r) + 1] & 31)) + pc[(r) + 2]
#define ADDR_SI(b, r) (RD_u32(pc[b]) << (pc[r] & 31)) + pc[(r) + 1]
#define VM_LOAD(id, out, ctype)                                                                \
    LOAD_CASE(id, out, ctype, ADDR_PLAIN(2, 3), 3)                                             \
    LOAD_CASE(id##_ai, out, ctype, ADDR_AI(2, 3), 4)                                           \
    LOAD_CASE(id##_sx, out, ctype, ADDR_SX(2, 3), 6)                                           \
    LOAD_CASE(id##_si, out, ctype, ADDR_SI(2, 3), 5)                                           \
    LOAD_CASE(id##_k, out, ctype, pc[2], 3)
#define VM_STORE(id, in, ctype)                                                                \
    STORE_CASE(id, in, ctype, ADDR_PLAIN(1, 3), 3)                                             \
    STORE_CASE(id##_ai, in, ctype, ADDR_AI(1, 3), 4)                                           \
    STORE_CASE(id##_sx, in, ctype, ADDR_SX(1, 3), 6)                                           \
    STORE_CASE(id##_si, in, ctype, ADDR_SI(1, 3), 5)                                           \
    STORE_VALUE_CASE(id##_ki, ctype, ADDR_AI(1, 3), 4, (CT_##in)(int32_t)pc[2])                \
    STORE_VALUE_CASE(id##_k, ctype, pc[2], 3, RD_##in(pc[1]))
#include "vmops.def"

    /* ---- data movement ---- */
    /* (the work of copy and copy2, which copy_br and copy2_br do before they branch) */
#define COPY_WORK WR_u64(pc[1], RD_u64(pc[2]));
#define COPY2_WORK COPY_WORK WR_u64(pc[3], RD_u64(pc[4]));
    SIMPLE(copy, 3, COPY_WORK)
    SIMPLE(copy2, 5, COPY2_WORK)
    SIMPLE(const32, 3, WR_u64(pc[1], pc[2]);)
    SIMPLE(const64, 4, WR_u64(pc[1], vm_imm64(pc + 2));)
    SIMPLE(i32_mul_imm_add, 5, WR_u32(pc[1], RD_u32(pc[2]) * pc[3] + RD_u32(pc[4]));)
    SIMPLE(i32_lea, 6, WR_u32(pc[1], RD_u32(pc[2]) + (RD_u32(pc[3]) << (pc[4] & 31)) + pc[5]);)
    SIMPLE(select, 5, WR_u64(pc[1], RD_u32(pc[4]) ? RD_u64(pc[2]) : RD_u64(pc[3]));)
    SIMPLE(select_test_imm, 6,
           WR_u64(pc[1], (RD_u32(pc[4]) & pc[5]) ? RD_u64(pc[2]) : RD_u64(pc[3]));)

    /* ---- fuel ---- */
    SIMPLE(fuel, 3, if (unlikely(!charge(&fuel, vm_imm64(pc + 1)))) TRAP(VM_TRAP_OUT_OF_FUEL);)
    /* Charges computed by the program (calls to the gas function of instrumented modules):
     * as `fuel`, so that a short charge stops here and resuming retries it. */
#define FUEL_DYN_CASE(id, in)                                                                  \
    CASE(id)                                                                                   \
    {                                                                                          \
        if (unlikely(!charge(&fuel, RD_##in(pc[1]))))                                           \
            TRAP(VM_TRAP_OUT_OF_FUEL);                                                         \
        pc += 2;                                                                               \
        NEXT();                                                                                \
    }
    FUEL_DYN_CASE(fuel_dyn64, u64)
    FUEL_DYN_CASE(fuel_dyn32, u32)
#undef FUEL_DYN_CASE

    /* ---- control ---- */
    CASE(unreachable) { TRAP(VM_TRAP_UNREACHABLE); }
    CASE(memory_out_of_bounds) { TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS); }
    /* The unconditional branches: br, and the instructions ending a block that also branch
     * (vmops.def), each after its own work (`effect`), to the offset in word pc[off]; and the
     * paying form of each (the next opcode), which enters the target's metered block. */
#define JUMP_CASES(id, effect, off)                                                            \
    HANDLER(id, effect JUMP_VIA(pc + (off)); NEXT();)                                          \
    HANDLER(id##_pt, effect ENTER_PAID(JUMP_VIA, pc + (off)); NEXT();)
    JUMP_CASES(br, , 1)
    JUMP_CASES(copy_br, COPY_WORK, 3)
    JUMP_CASES(copy2_br, COPY2_WORK, 5)
    JUMP_CASES(i32_add_imm_br, WR_u32(pc[1], RD_u32(pc[2]) + pc[3]);, 4)
#undef JUMP_CASES
    /* The single-slot conditional branches: the condition on the slot pc[1]. */
    BRANCH_CASES(br_if, , RD_u32(pc[1]), 2, 3)
    BRANCH_CASES(br_ifz, , !RD_u32(pc[1]), 2, 3)
    BRANCH_CASES(br_if64z, , !RD_u64(pc[1]), 2, 3)
    BRANCH_CASES(br_if64nz, , RD_u64(pc[1]), 2, 3)
    /* The masked equality tests: a's masked value against b. */
#define MASKED(b_value) uint32_t a = RD_u32(pc[1]) & pc[2], b = (b_value);
    BRANCH_CASES(br_i32_eq_and, MASKED(RD_u32(pc[3])), a == b, 4, 5)
    BRANCH_CASES(br_i32_ne_and, MASKED(RD_u32(pc[3])), a != b, 4, 5)
    BRANCH_CASES(br_i32_eq_and_imm, MASKED(pc[3]), a == b, 4, 5)
    BRANCH_CASES(br_i32_ne_and_imm, MASKED(pc[3]), a != b, 4, 5)
#undef MASKED
    /* The loads testing their value: `ctype` is the memory type. */
#define LOADED(ctype)                                                                          \
    EFFECTIVE_ADDRESS(ea, RD_u32(pc[2]) + pc[3], pc[4], sizeof(ctype))                         \
    ctype v;                                                                                   \
    memcpy(&v, mem + ea, sizeof v);                                                            \
    WR_u32(pc[1], v);
    BRANCH_CASES(br_i32_load8_u_nz, LOADED(uint8_t), v != 0, 5, 6)
    BRANCH_CASES(br_i32_load8_u_z, LOADED(uint8_t), v == 0, 5, 6)
    BRANCH_CASES(br_i32_load_nz, LOADED(uint32_t), v != 0, 5, 6)
    BRANCH_CASES(br_i32_load_z, LOADED(uint32_t), v == 0, 5, 6)
#undef LOADED
    HANDLER(br_table, uint32_t i = RD_u32(pc[1]); uint32_t n = pc[2]; if (i > n) i = n;
            BRANCH_VIA(pc + 3 + i); NEXT();)
    HANDLER(br_table_pt, uint32_t i = RD_u32(pc[1]); uint32_t n = pc[2]; if (i > n) i = n;
            BRANCH_VIA(pc + 3 + i); if (*pc == VM_OP_fuel) ENTER_PAYING(pc); NEXT();)
    HANDLER(ret1, fp[0] = RD_u64(pc[1]); goto do_return;)
    CASE(ret)
    {
    do_return:
        if (frame_top == frame_base) {
            ex->fuel = fuel;
            ex->depth = base_depth;
            return VM_TRAP_NONE;
        }
        {
            const vm_frame *fr = --frame_top;
            pc = fr->ret_pc;
            fp = fr->fp;
            /* mem and mem_size are current for the callee's instance (memory.grow and host
             * calls refresh them): the same instance needs no reload. */
            if (fr->inst != inst) {
                inst = fr->inst;
                REFRESH_MEMORY();
            }
        }
        NEXT();
    }
    CASE(call)
    {
        /* a function of this module: Wasm code, and this instance; where it enters and its
         * code are linked into the instruction (vmops.def) */
        const vm_code *c = (const vm_code *)(uintptr_t)vm_imm64(pc + 5);
        ENTER_FUNCTION_AT(c, (const uint32_t *)(uintptr_t)vm_imm64(pc + 3), fp + pc[2], pc + 7);
        NEXT();
    }
    CASE(call_import)
    {
        callee = inst->funcs[pc[1]];
        callee_fp = fp + pc[2];
        return_pc = pc + 3;
        goto do_call;
    }
    CASE(call_indirect)
    {
        const vm_table *tab = inst->tables[pc[2]];
        uint32_t i = RD_u32(pc[3]);
        if (unlikely(i >= tab->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        callee = (vm_func *)(uintptr_t)tab->elems[i];
        if (unlikely(!callee))
            TRAP(VM_TRAP_INDIRECT_CALL_TO_NULL);
        const wasm_functype *expected = &inst->module->types[pc[1]];
        if (unlikely(callee->type != expected && !wasm_functype_equal(callee->type, expected)))
            TRAP(VM_TRAP_BAD_SIGNATURE);
        if (likely(callee->instance == inst)) { /* a function of this instance: Wasm code */
            const vm_code *c = callee->code;
            ENTER_FUNCTION(c, fp + pc[4], pc + 5);
            NEXT();
        }
        callee_fp = fp + pc[4];
        return_pc = pc + 5;
        goto do_call;
    }

    /* ---- variables ---- */
    SIMPLE(global_get, 3, WR_u64(pc[1], inst->globals[pc[2]]->value);)
    SIMPLE(global_set, 3, inst->globals[pc[1]]->value = fp[pc[2]];)

    /* ---- references and tables ---- */
    CASE(ref_func)
    {
        WR_u64(pc[1], (vm_slot)(uintptr_t)inst->funcs[pc[2]]);
        pc += 3;
        NEXT();
    }
    CASE(ref_is_null)
    {
        WR_u64(pc[1], fp[pc[2]] == 0);
        pc += 3;
        NEXT();
    }
    CASE(table_get)
    {
        const vm_table *tab = inst->tables[pc[3]];
        uint32_t i = RD_u32(pc[2]);
        if (unlikely(i >= tab->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        WR_u64(pc[1], tab->elems[i]);
        pc += 4;
        NEXT();
    }
    CASE(table_set)
    {
        vm_table *tab = inst->tables[pc[3]];
        uint32_t i = RD_u32(pc[1]);
        if (unlikely(i >= tab->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        tab->elems[i] = fp[pc[2]];
        pc += 4;
        NEXT();
    }
    CASE(table_size)
    {
        WR_u64(pc[1], inst->tables[pc[2]]->size);
        pc += 3;
        NEXT();
    }
    CASE(table_grow)
    {
        vm_table *tab = inst->tables[pc[4]];
        uint32_t n = RD_u32(pc[3]);
        CHARGE_DYNAMIC(n, ex->bulk_unit); /* per element requested, even if it fails */
        int64_t old = vm_table_grow(tab, n, fp[pc[2]]);
        WR_u32(pc[1], (uint32_t)old);
        pc += 5;
        NEXT();
    }
    CASE(table_fill)
    {
        vm_table *tab = inst->tables[pc[4]];
        uint32_t i = RD_u32(pc[1]), n = RD_u32(pc[3]);
        vm_slot v = fp[pc[2]];
        if (unlikely((uint64_t)i + n > tab->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        CHARGE_DYNAMIC(n, ex->bulk_unit);
        for (uint32_t k = 0; k < n; k++)
            tab->elems[i + k] = v;
        pc += 5;
        NEXT();
    }
    CASE(table_copy)
    {
        vm_table *dt = inst->tables[pc[4]];
        const vm_table *st = inst->tables[pc[5]];
        uint32_t d = RD_u32(pc[1]), s = RD_u32(pc[2]), n = RD_u32(pc[3]);
        if (unlikely((uint64_t)d + n > dt->size || (uint64_t)s + n > st->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        CHARGE_DYNAMIC(n, ex->bulk_unit);
        if (n)
            memmove(dt->elems + d, st->elems + s, (size_t)n * sizeof *dt->elems);
        pc += 6;
        NEXT();
    }
    CASE(table_init)
    {
        vm_table *tab = inst->tables[pc[4]];
        const vm_elem_segment *seg = &inst->elems[pc[5]];
        uint32_t d = RD_u32(pc[1]), s = RD_u32(pc[2]), n = RD_u32(pc[3]);
        if (unlikely((uint64_t)d + n > tab->size || (uint64_t)s + n > seg->len))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        CHARGE_DYNAMIC(n, ex->bulk_unit);
        if (n)
            memcpy(tab->elems + d, seg->refs + s, (size_t)n * sizeof *tab->elems);
        pc += 6;
        NEXT();
    }
    CASE(elem_drop)
    {
        inst->elems[pc[1]].len = 0;
        pc += 2;
        NEXT();
    }

    /* ---- memory ---- */
    CASE(memory_size)
    {
        WR_u64(pc[1], inst->memory0->pages);
        pc += 2;
        NEXT();
    }
    CASE(memory_grow)
    {
        vm_memory *m0 = inst->memory0;
        uint32_t delta = RD_u32(pc[2]);
        CHARGE_DYNAMIC(delta, ex->grow_page); /* per page requested, even if it fails */
        int64_t old = vm_memory_grow(m0, delta);
        WR_u32(pc[1], (uint32_t)old);
        REFRESH_MEMORY();
        pc += 3;
        NEXT();
    }
    CASE(memory_fill)
    {
        uint32_t d = RD_u32(pc[1]), n = RD_u32(pc[3]);
        if (unlikely((uint64_t)d + n > mem_size))
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHARGE_DYNAMIC(n, ex->bulk_unit);
        if (n)
            memset(mem + d, (int)(uint8_t)RD_u32(pc[2]), n);
        pc += 4;
        NEXT();
    }
    CASE(memory_copy)
    {
        uint32_t d = RD_u32(pc[1]), s = RD_u32(pc[2]), n = RD_u32(pc[3]);
        if (unlikely((uint64_t)d + n > mem_size || (uint64_t)s + n > mem_size))
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHARGE_DYNAMIC(n, ex->bulk_unit);
        if (n)
            memmove(mem + d, mem + s, n);
        pc += 4;
        NEXT();
    }
    CASE(memory_init)
    {
        const vm_data_segment *seg = &inst->datas[pc[4]];
        uint32_t d = RD_u32(pc[1]), s = RD_u32(pc[2]), n = RD_u32(pc[3]);
        if (unlikely((uint64_t)d + n > mem_size || (uint64_t)s + n > seg->len))
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHARGE_DYNAMIC(n, ex->bulk_unit);
        if (n)
            memcpy(mem + d, seg->bytes + s, n);
        pc += 5;
        NEXT();
    }
    CASE(data_drop)
    {
        inst->datas[pc[1]].len = 0;
        pc += 2;
        NEXT();
    }

    /* ---- trapping integer arithmetic ---- */
    /* Division and remainder of width W (st: the signed type, min: its minimum). */
#define DIVISION_CASES(W, st, min)                                                             \
    SIMPLE(i##W##_div_s, 4, st a = (st)RD_u##W(pc[2]); st b = (st)RD_u##W(pc[3]);             \
           if (unlikely(b == 0)) TRAP(VM_TRAP_INT_DIVIDE_BY_ZERO);                            \
           if (unlikely(a == (min) && b == -1)) TRAP(VM_TRAP_INT_OVERFLOW);                   \
           WR_u##W(pc[1], a / b);)                                                             \
    SIMPLE(i##W##_div_u, 4, uint##W##_t a = RD_u##W(pc[2]); uint##W##_t b = RD_u##W(pc[3]);   \
           if (unlikely(b == 0)) TRAP(VM_TRAP_INT_DIVIDE_BY_ZERO);                            \
           WR_u##W(pc[1], a / b);)                                                             \
    SIMPLE(i##W##_rem_s, 4, st a = (st)RD_u##W(pc[2]); st b = (st)RD_u##W(pc[3]);             \
           if (unlikely(b == 0)) TRAP(VM_TRAP_INT_DIVIDE_BY_ZERO);                            \
           WR_u##W(pc[1], b == -1 ? 0 : a % b); /* min % -1 would overflow in C */)           \
    SIMPLE(i##W##_rem_u, 4, uint##W##_t a = RD_u##W(pc[2]); uint##W##_t b = RD_u##W(pc[3]);   \
           if (unlikely(b == 0)) TRAP(VM_TRAP_INT_DIVIDE_BY_ZERO);                            \
           WR_u##W(pc[1], a % b);)
    DIVISION_CASES(32, int32_t, INT32_MIN)
    DIVISION_CASES(64, int64_t, INT64_MIN)
#undef DIVISION_CASES

    /* ---- trapping conversions ---- */
#define TRUNC_CASE(id, in, ctype)                                                              \
    SIMPLE(id, 3, ctype v; int rc = num_##id(RD_##in(pc[2]), &v);                             \
           if (unlikely(rc)) TRAP_CODE(rc);                                                    \
           WR_u64(pc[1], (sizeof(ctype) == 4) ? (uint64_t)(uint32_t)v : (uint64_t)v);)
    TRUNC_CASE(i32_trunc_f32_s, f32, int32_t)
    TRUNC_CASE(i32_trunc_f32_u, f32, uint32_t)
    TRUNC_CASE(i32_trunc_f64_s, f64, int32_t)
    TRUNC_CASE(i32_trunc_f64_u, f64, uint32_t)
    TRUNC_CASE(i64_trunc_f32_s, f32, int64_t)
    TRUNC_CASE(i64_trunc_f32_u, f32, uint64_t)
    TRUNC_CASE(i64_trunc_f64_s, f64, int64_t)
    TRUNC_CASE(i64_trunc_f64_u, f64, uint64_t)
#undef TRUNC_CASE

    DISPATCH_END()

do_call:
    /* callee, callee_fp (its arguments) and return_pc are set; pc is the call instruction. */
    if (!callee->code) {
        SYNC_DEPTH(); /* the host may call Wasm code, which runs above these frames */
        vm_slot *saved_top = ex->top;
        uint32_t np = callee->type->nparams, nr = callee->type->nresults;
        ex->top = callee_fp + (np > nr ? np : nr);
        vm_caller caller = {ex, inst, user};
        ex->fuel = fuel;
        int rc = callee->host(&caller, callee_fp, callee_fp, callee->host_env);
        fuel = ex->fuel;
        ex->top = saved_top;
        if (unlikely(rc))
            TRAP_CODE(rc);
        REFRESH_MEMORY();
        pc = return_pc;
        NEXT();
    }
    {
        const vm_code *c = callee->code;
        ENTER_FUNCTION(c, callee_fp, return_pc);
        if (callee->instance != inst) {
            inst = callee->instance;
            REFRESH_MEMORY();
        }
        NEXT();
    }

#define TRAP_EXIT(name)                                                                        \
    trap_##name : __attribute__((unused));                                                     \
    trap->code = name;                                                                         \
    goto trapped;
    TRAP_EXIT(VM_TRAP_UNREACHABLE)
    TRAP_EXIT(VM_TRAP_MEMORY_OUT_OF_BOUNDS)
    TRAP_EXIT(VM_TRAP_TABLE_OUT_OF_BOUNDS)
    TRAP_EXIT(VM_TRAP_INDIRECT_CALL_TO_NULL)
    TRAP_EXIT(VM_TRAP_BAD_SIGNATURE)
    TRAP_EXIT(VM_TRAP_INT_DIVIDE_BY_ZERO)
    TRAP_EXIT(VM_TRAP_INT_OVERFLOW)
    TRAP_EXIT(VM_TRAP_INVALID_CONVERSION)
    TRAP_EXIT(VM_TRAP_STACK_OVERFLOW)
    TRAP_EXIT(VM_TRAP_OUT_OF_FUEL)
#undef TRAP_EXIT
trapped: /* trap->code is set; trap->offset, the source map's */
    trap->offset = SIZE_MAX;
trapped_at: /* trap->code and trap->offset are set */
    SYNC_DEPTH();
    ex->fuel = fuel;
    return record_trap(ex, inst, pc, fp, base_depth, trap, susp);
}
