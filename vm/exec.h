/* The execution context's internals, shared by the call entry (exec.c) and the
 * interpreter loop (interp.c). */
#ifndef WVM_VM_EXEC_H
#define WVM_VM_EXEC_H

#include "code.h"
#include "vm.h"

/* A suspended caller: where to continue when the callee returns. (Which function it is
 * follows from its instance and ret_pc, vm_func_at: the interpreter does not track it.) */
typedef struct {
    const uint32_t *ret_pc; /* the caller's next instruction */
    vm_slot *fp;            /* the caller's frame */
    vm_instance *inst;      /* the caller's instance */
} vm_frame;

struct vm_exec {
    vm_slot *stack;         /* the value stack: frames are windows into it */
    vm_slot *stack_end;
    vm_slot *top;           /* first slot no active frame uses: entry calls start here */
    vm_frame *frames;       /* suspended callers, frames[0 .. depth) */
    uint32_t depth;
    uint32_t max_depth;     /* nested Wasm calls allowed (capacity of frames) */

    /* Fuel. The interpreter keeps the counter in a local while it runs and writes it back
     * here before anything else can observe it (host calls, returns, traps). */
    bool metered;           /* charge dynamic and host-entry costs (static charges are in the
                             * translated code itself) */
    uint64_t fuel;          /* remaining */
    uint64_t credited;      /* fuel ever given; consumed = credited - fuel */
    uint64_t host_entry;    /* cost model scalars, copied by vm_exec_set_metering */
    uint64_t bulk_unit;
    uint64_t grow_page;
};

/* The function of instance inst whose code holds pc; NULL when none does. */
const vm_func *vm_func_at(const vm_instance *inst, const uint32_t *pc);

/* Runs func from pc with frame fp until the call that began at frame-stack depth
 * base_depth returns to the host. Results are left in the entry frame's slots. On an
 * out-of-fuel stop with susp non-NULL, the state goes to *susp and nothing is unwound. */
int vm_run(vm_exec *ex, vm_func *func, vm_slot *fp, const uint32_t *pc, uint32_t base_depth,
           void *user, vm_trap *trap, vm_suspension *susp);

#endif
