/* Execution contexts and the entry from the host into Wasm (or into a host function). */
#include <stdlib.h>
#include <string.h>

#include "exec.h"

vm_exec *vm_exec_new(const vm_limits *limits)
{
    vm_exec *ex = calloc(1, sizeof *ex);
    if (!ex)
        return NULL;
    uint32_t slots = limits->value_stack_slots ? limits->value_stack_slots : 1u << 20;
    ex->max_depth = limits->max_call_depth ? limits->max_call_depth : 10000;
    ex->stack = malloc((size_t)slots * sizeof *ex->stack);
    ex->frames = malloc((size_t)ex->max_depth * sizeof *ex->frames);
    if (!ex->stack || !ex->frames) {
        vm_exec_free(ex);
        return NULL;
    }
    ex->stack_end = ex->stack + slots;
    ex->top = ex->stack;
    return ex;
}

void vm_exec_free(vm_exec *ex)
{
    if (!ex)
        return;
    free(ex->stack);
    free(ex->frames);
    free(ex);
}

static int trap_at(vm_trap *trap, int code, const vm_func *f)
{
    trap->code = code;
    trap->func = f;
    trap->offset = 0;
    return code;
}

int vm_call(vm_exec *ex, vm_func *f, const vm_slot *args, vm_slot *results, void *user,
            vm_trap *trap)
{
    uint32_t np = f->type->nparams, nr = f->type->nresults;
    uint32_t needed = f->code ? f->code->frame_slots : (np > nr ? np : nr);
    vm_slot *fp = ex->top;
    if ((size_t)(ex->stack_end - fp) < needed || ex->depth >= ex->max_depth)
        return trap_at(trap, VM_TRAP_STACK_OVERFLOW, f);
    if (np)
        memcpy(fp, args, (size_t)np * sizeof *fp);
    vm_slot *saved_top = ex->top;
    uint32_t saved_depth = ex->depth;
    int rc;
    if (!f->code) {
        ex->top = fp + needed;
        vm_caller caller = {ex, NULL, user};
        rc = f->host(&caller, fp, fp, f->host_env);
        if (rc)
            trap_at(trap, rc, f);
    } else {
        memset(fp + np, 0, (size_t)(f->code->nlocals - np) * sizeof *fp);
        rc = vm_run(ex, f, fp, user, trap);
    }
    ex->top = saved_top;
    ex->depth = saved_depth;
    if (rc == VM_TRAP_NONE && nr)
        memcpy(results, fp, (size_t)nr * sizeof *fp);
    return rc;
}
