/* The execution context's internals, shared by the call entry (exec.c) and the
 * interpreter loop (interp.c). */
#ifndef WVM_VM_EXEC_H
#define WVM_VM_EXEC_H

#include "code.h"
#include "vm.h"

/* A suspended caller: where to continue when the callee returns. */
typedef struct {
    const uint32_t *ret_pc; /* the caller's next instruction */
    vm_slot *fp;            /* the caller's frame */
    vm_func *func;          /* the caller */
} vm_frame;

struct vm_exec {
    vm_slot *stack;         /* the value stack: frames are windows into it */
    vm_slot *stack_end;
    vm_slot *top;           /* first slot no active frame uses: entry calls start here */
    vm_frame *frames;       /* suspended callers, frames[0 .. depth) */
    uint32_t depth;
    uint32_t max_depth;     /* nested Wasm calls allowed (capacity of frames) */
};

/* Runs f, whose frame at fp already holds the arguments, until it returns to the host.
 * Results are left in fp[0 .. nresults). */
int vm_run(vm_exec *ex, vm_func *f, vm_slot *fp, void *user, vm_trap *trap);

#endif
