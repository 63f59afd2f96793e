/* Execution contexts, fuel accounting, and the entry from the host into Wasm (or into a host
 * function): plain calls, resumable calls and their resumption. */
#include <stdlib.h>
#include <string.h>

#include "../loader/cost_model.h"
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

/* ---- fuel ---- */

void vm_exec_set_metering(vm_exec *ex, const wasm_cost_model *model)
{
    ex->metered = model != NULL;
    ex->host_entry = model ? model->host_entry : 0;
    ex->bulk_unit = model ? model->bulk_unit : 0;
    ex->grow_page = model ? model->grow_page : 0;
}

uint64_t vm_exec_fuel(const vm_exec *ex) { return ex->fuel; }

void vm_exec_set_fuel(vm_exec *ex, uint64_t fuel)
{
    uint64_t consumed = ex->credited - ex->fuel;
    ex->fuel = fuel;
    ex->credited = consumed + fuel;
}

uint64_t vm_exec_fuel_consumed(const vm_exec *ex) { return ex->credited - ex->fuel; }

int vm_exec_consume_fuel(vm_exec *ex, uint64_t amount)
{
    if (!ex->metered)
        return VM_TRAP_NONE;
    if (ex->fuel < amount)
        return VM_TRAP_OUT_OF_FUEL;
    ex->fuel -= amount;
    return VM_TRAP_NONE;
}

/* ---- calls from the host ---- */

static int trap_at(vm_trap *trap, int code, const vm_func *f)
{
    trap->code = code;
    trap->func = f;
    trap->offset = 0;
    trap->nframes = 0;
    return code;
}

/* The charge for entering Wasm from the host, taken before the callee's own charges. */
static bool pay_host_entry(vm_exec *ex)
{
    if (!ex->metered)
        return true;
    if (ex->fuel < ex->host_entry)
        return false;
    ex->fuel -= ex->host_entry;
    return true;
}

/* Copies the results out of the entry frame and releases the call's stack space. */
static int finish_call(vm_exec *ex, const vm_suspension *s, vm_slot *results, int rc)
{
    ex->top = s->saved_top;
    ex->depth = s->base_depth;
    uint32_t nr = s->entry->type->nresults;
    if (rc == VM_TRAP_NONE && nr)
        memcpy(results, s->entry_fp, (size_t)nr * sizeof *results);
    return rc;
}

/* Suspends before the host-entry charge: nothing has run yet. */
static int suspend_at_entry(vm_exec *ex, vm_suspension *s, vm_trap *trap)
{
    s->active = true;
    s->func = s->entry;
    s->pc = NULL;
    s->fp = s->entry_fp;
    s->depth = ex->depth;
    s->reserved_top = s->entry_fp + s->entry->code->frame_slots;
    ex->top = s->reserved_top;
    return trap_at(trap, VM_TRAP_OUT_OF_FUEL, s->entry);
}

int vm_call_resumable(vm_exec *ex, vm_func *f, const vm_slot *args, vm_slot *results,
                      void *user, vm_trap *trap, vm_suspension *susp)
{
    uint32_t np = f->type->nparams, nr = f->type->nresults;
    uint32_t needed = f->code ? f->code->frame_slots : (np > nr ? np : nr);
    vm_slot *fp = ex->top;
    if ((size_t)(ex->stack_end - fp) < needed || ex->depth >= ex->max_depth)
        return trap_at(trap, VM_TRAP_STACK_OVERFLOW, f);
    if (np)
        memcpy(fp, args, (size_t)np * sizeof *fp);
    vm_suspension local;
    vm_suspension *s = susp ? susp : &local;
    *s = (vm_suspension){.entry = f, .entry_fp = fp, .base_depth = ex->depth,
                         .saved_top = ex->top};
    int rc;
    if (!f->code) {
        ex->top = fp + needed;
        vm_caller caller = {ex, NULL, user};
        rc = f->host(&caller, fp, fp, f->host_env);
        if (rc)
            trap_at(trap, rc, f);
        return finish_call(ex, s, results, rc);
    }
    memset(fp + np, 0, (size_t)(f->code->nlocals - np) * sizeof *fp);
    if (!pay_host_entry(ex)) {
        if (susp)
            return suspend_at_entry(ex, s, trap);
        return finish_call(ex, s, results, trap_at(trap, VM_TRAP_OUT_OF_FUEL, f));
    }
    rc = vm_run(ex, f, fp, f->code->words, s->base_depth, user, trap, susp);
    if (susp && susp->active)
        return rc;
    return finish_call(ex, s, results, rc);
}

int vm_call(vm_exec *ex, vm_func *f, const vm_slot *args, vm_slot *results, void *user,
            vm_trap *trap)
{
    return vm_call_resumable(ex, f, args, results, user, trap, NULL);
}

static bool is_latest(const vm_exec *ex, const vm_suspension *s)
{
    return s->active && ex->depth == s->depth && ex->top == s->reserved_top;
}

int vm_resume(vm_exec *ex, vm_suspension *susp, vm_slot *results, void *user, vm_trap *trap)
{
    if (!is_latest(ex, susp))
        return VM_RESUME_NOT_LATEST;
    const uint32_t *pc = susp->pc;
    if (!pc) {
        if (!pay_host_entry(ex))
            return trap_at(trap, VM_TRAP_OUT_OF_FUEL, susp->entry);
        pc = susp->entry->code->words;
    }
    susp->active = false;
    int rc = vm_run(ex, susp->func, susp->fp, pc, susp->base_depth, user, trap, susp);
    if (susp->active)
        return rc;
    return finish_call(ex, susp, results, rc);
}

bool vm_suspension_drop(vm_exec *ex, vm_suspension *susp)
{
    if (!is_latest(ex, susp))
        return false;
    susp->active = false;
    ex->top = susp->saved_top;
    ex->depth = susp->base_depth;
    return true;
}
