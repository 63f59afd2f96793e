/* Fuel through the public API: cost models, the store's fuel counter, fuel charged by host
 * functions, and resumable calls.
 *
 * Owns: wvm_cost_model_*, wvm_store_{set_fuel,add_fuel,fuel,fuel_consumed},
 * wvm_caller_consume_fuel, the host functions gas imports are bound to (rt_store_gas_func),
 * wvm_func_call_resumable, wvm_resumable_* and the store's list of suspended calls
 * (store->resumables).
 *
 * Resumable handles. The VM keeps a suspended call's frames reserved on the store's stacks;
 * suspensions nest, and only the most recent one may be resumed or dropped. The runtime adds
 * two rules on top, so that a handle can never make the VM run stale frames:
 *   - a suspension is resumed or dropped only at the API nesting level where it was made
 *     (store->calls_running): from a host callback of a newer call, its frames lie below
 *     the running call's and are left alone;
 *   - a suspension made inside a host callback is dropped when that callback returns (the
 *     Wasm code that called the callback reuses that stack space); its handle becomes `dead`
 *     and stays allocated until the user deletes it or the store dies.
 * Deleting a live handle that cannot be dropped yet marks it `abandoned`; it is dropped and
 * freed as soon as it can be (rt_resumables_settle, after every call through the API).
 */
#include "rt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls with at most this many values convert on the C stack. */
#define RT_SMALL_VALS 16

/* Largest cost file wvm_cost_model_load reads (as loader/cost_model.c documents). */
#define RT_COST_FILE_MAX (1u << 20)

/* ---- cost models ---- */

wvm_cost_model *wvm_cost_model_preset(const char *name)
{
    void (*init)(wasm_cost_model *) = NULL;
    if (!name)
        return NULL;
    if (strcmp(name, "default") == 0)
        init = wasm_cost_model_default;
    else if (strcmp(name, "uniform") == 0)
        init = wasm_cost_model_uniform;
    else
        return NULL;
    wvm_cost_model *model = malloc(sizeof *model);
    if (!model)
        return NULL;
    init(&model->m);
    return model;
}

wvm_status wvm_cost_model_parse(const char *text, size_t len, const char *source_name,
                                wvm_cost_model **out, wvm_error *err)
{
    if (!out)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no output pointer");
    *out = NULL;
    if (!text && len)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no cost model text");
    wvm_cost_model *model = malloc(sizeof *model);
    if (!model)
        return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    wasm_error werr;
    wasm_error_clear(&werr);
    wasm_cost_model_default(&model->m);
    /* Parse errors are WASM_ERR_USAGE "name:line: ...", with the line's byte offset. */
    if (wasm_cost_model_parse(&model->m, text ? text : "", len, source_name, &werr) != WASM_OK) {
        free(model);
        return rt_error_from_wasm(err, &werr);
    }
    *out = model;
    return WVM_OK;
}


wvm_status wvm_cost_model_load(const char *path, wvm_cost_model **out, wvm_error *err)
{
    if (!out)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no output pointer");
    *out = NULL;
    if (!path)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no path");
    char *text = NULL;
    size_t len = 0;
    wvm_status st = rt_read_file(path, RT_COST_FILE_MAX, "a cost model", (uint8_t **)&text, &len, err);
    if (st != WVM_OK)
        return st;
    st = wvm_cost_model_parse(text, len, path, out, err);
    free(text);
    return st;
}

void wvm_cost_model_delete(wvm_cost_model *model) { free(model); }

/* ---- the store's fuel ---- */

void wvm_store_set_fuel(wvm_store *store, uint64_t fuel)
{
    if (store)
        vm_exec_set_fuel(store->exec, fuel);
}

wvm_status wvm_store_add_fuel(wvm_store *store, uint64_t fuel)
{
    if (!store)
        return WVM_ERR_USAGE;
    uint64_t now = vm_exec_fuel(store->exec);
    if (fuel > UINT64_MAX - now)
        return WVM_ERR_USAGE;
    vm_exec_set_fuel(store->exec, now + fuel);
    return WVM_OK;
}

uint64_t wvm_store_fuel(const wvm_store *store) { return store ? vm_exec_fuel(store->exec) : 0; }

uint64_t wvm_store_fuel_consumed(const wvm_store *store)
{
    return store ? vm_exec_fuel_consumed(store->exec) : 0;
}

wvm_trap_code wvm_caller_consume_fuel(wvm_caller *caller, uint64_t amount)
{
    /* Without a caller there is nothing to charge: trapping is the safe answer. */
    if (!caller || !caller->store)
        return WVM_TRAP_HOST;
    if (caller->store->config.metering == WVM_METER_OFF)
        return WVM_TRAP_NONE;
    if (vm_exec_consume_fuel(caller->store->exec, amount) != VM_TRAP_NONE)
        return WVM_TRAP_OUT_OF_FUEL;
    return WVM_TRAP_NONE;
}

/* ---- gas imports bound to fuel ---- */

static wvm_trap_code rt_gas_callback(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                     void *env)
{
    uint64_t amount = args[0].kind == WVM_I32 ? (uint64_t)(uint32_t)args[0].of.i32
                                              : (uint64_t)args[0].of.i64;
    return wvm_caller_consume_fuel(caller, amount);
}

wvm_func *rt_store_gas_func(wvm_store *store, uint8_t param)
{
    wvm_func **slot = &store->gas_funcs[param == WASM_I32];
    if (!*slot) {
        wvm_valkind kind = param == WASM_I32 ? WVM_I32 : WVM_I64;
        wvm_functype type = {.nparams = 1, .params = &kind};
        *slot = wvm_func_new(store, &type, rt_gas_callback, NULL, NULL);
    }
    return *slot;
}

uint64_t wvm_cost_model_host_entry(const wvm_cost_model *model)
{
    return model ? model->m.host_entry : 0;
}

/* ---- the store's list of suspended calls ---- */

/* Index of r in store->resumables, or SIZE_MAX. */
static size_t rt_resumable_index(const wvm_store *store, const wvm_resumable *r)
{
    for (size_t i = store->resumables.len; i-- > 0;)
        if (store->resumables.items[i] == r)
            return i;
    return SIZE_MAX;
}

static void rt_resumable_remove(wvm_store *store, size_t i)
{
    rt_ptrvec *v = &store->resumables;
    memmove(&v->items[i], &v->items[i + 1], (v->len - i - 1) * sizeof *v->items);
    v->len--;
}

/* Removes r from its store's list and frees it (its suspension must be inactive). */
static void rt_resumable_free(wvm_resumable *r)
{
    size_t i = rt_resumable_index(r->store, r);
    if (i != SIZE_MAX)
        rt_resumable_remove(r->store, i);
    free(r);
}

/* The most recent live handle of store, or NULL. */
static wvm_resumable *rt_resumable_latest(const wvm_store *store)
{
    for (size_t i = store->resumables.len; i-- > 0;) {
        wvm_resumable *r = store->resumables.items[i];
        if (!r->dead)
            return r;
    }
    return NULL;
}

void rt_resumables_settle(wvm_store *store)
{
    for (;;) {
        wvm_resumable *r = rt_resumable_latest(store);
        if (!r || !r->abandoned || r->level != store->calls_running)
            return;
        if (!vm_suspension_drop(store->exec, &r->susp))
            return; /* not expected: the invariants make it the VM's most recent */
        rt_resumable_free(r);
    }
}

void rt_resumables_strand(wvm_store *store)
{
    for (size_t i = store->resumables.len; i-- > 0;) {
        wvm_resumable *r = store->resumables.items[i];
        if (r->dead || r->level < store->calls_running)
            continue;
        /* Newest first, so each is the most recent when dropped; if one were not, the VM's
         * own check leaves the stacks alone and the handle still dies. */
        vm_suspension_drop(store->exec, &r->susp);
        r->susp.active = false;
        if (r->abandoned) {
            rt_resumable_remove(store, i);
            free(r);
        } else {
            r->dead = true;
        }
    }
}

void rt_store_free_resumables(wvm_store *store)
{
    for (size_t i = 0; i < store->resumables.len; i++)
        free(store->resumables.items[i]);
    rt_ptrvec_free(&store->resumables);
}

/* ---- resumable calls ---- */

/* After a run of r (the first call or a resume) returned rc: keeps r in the list if it is
 * suspended, else frees it. Reports the trap (when rc is one) into err. */
static wvm_status rt_resumable_outcome(wvm_resumable *r, int rc, vm_trap *trap, wvm_error *err)
{
    wvm_store *store = r->store;
    wvm_status st = WVM_OK;
    if (rc == VM_TRAP_NONE) {
        store->host_trap.pending = false;
        store->host_trap.message[0] = 0;
    } else {
        if (trap->code == VM_TRAP_NONE)
            trap->code = rc;
        st = rt_error_trap(store, err, trap);
    }
    if (!r->susp.active)
        rt_resumable_free(r);
    if (store->resumables.len)
        rt_resumables_settle(store);
    return st;
}

wvm_status wvm_func_call_resumable(wvm_store *store, wvm_func *func, const wvm_val *args,
                                   size_t nargs, wvm_val *results, size_t nresults,
                                   wvm_resumable **resumable, wvm_error *err)
{
    if (!resumable)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no handle pointer");
    *resumable = NULL;
    wvm_status st = rt_call_check(store, func, args, nargs, results, nresults, err);
    if (st != WVM_OK)
        return st;

    vm_slot small[RT_SMALL_VALS];
    vm_slot *slots = small;
    size_t n = nargs + nresults;
    wvm_resumable *r = calloc(1, sizeof *r);
    if (n > RT_SMALL_VALS)
        slots = malloc(n * sizeof *slots);
    /* Room in the list now, so that keeping a suspended call cannot fail afterwards (unless
     * a host callback fills it meanwhile: handled below). */
    if (!r || !slots || !rt_ptrvec_reserve(&store->resumables, 1)) {
        st = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        goto done;
    }
    r->store = store;
    r->func = func;
    r->level = store->calls_running;
    vm_slot *arg_slots = slots;
    vm_slot *res_slots = slots + nargs;
    for (size_t i = 0; i < nargs; i++)
        arg_slots[i] = rt_slot_from_val(&args[i]);

    vm_trap trap;
    memset(&trap, 0, sizeof trap);
    store->calls_running++;
    int rc = vm_call_resumable(store->exec, &func->vm, arg_slots, res_slots, store, &trap,
                               &r->susp);
    store->calls_running--;
    if (r->susp.active && !rt_ptrvec_push(&store->resumables, r)) {
        /* It is the most recent suspension: nothing ran after it. */
        vm_suspension_drop(store->exec, &r->susp);
        store->host_trap.pending = false;
        st = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        goto done;
    }
    if (rc == VM_TRAP_NONE) {
        const uint8_t *rtypes = wasm_functype_results(func->vm.type);
        for (size_t i = 0; i < nresults; i++)
            rt_val_from_slot(rtypes[i], res_slots[i], &results[i]);
    }
    if (r->susp.active)
        *resumable = r;
    st = rt_resumable_outcome(r, rc, &trap, err);
    r = NULL; /* kept in the list or freed */

done:
    free(r);
    if (slots != small)
        free(slots);
    return st;
}

wvm_status wvm_resumable_resume(wvm_resumable *resumable, wvm_val *results, size_t nresults,
                                wvm_error *err)
{
    wvm_resumable *r = resumable;
    if (!r)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no suspended call");
    wvm_store *store = r->store;
    if (r->dead)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "the suspended call was discarded when the host function that made "
                        "it returned");
    if (r->abandoned)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "the suspended call was deleted");
    if (r != rt_resumable_latest(store))
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "only the most recently suspended call of a store can be resumed");
    if (r->level != store->calls_running)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "a suspended call cannot be resumed while a newer call runs");
    const wasm_functype *t = r->func->vm.type;
    if (nresults != t->nresults)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wrong number of results: the function returns %u, room for %zu given",
                        t->nresults, nresults);
    if (nresults && !results)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no result array");

    vm_slot small[RT_SMALL_VALS];
    vm_slot *res_slots = small;
    if (nresults > RT_SMALL_VALS) {
        res_slots = malloc(nresults * sizeof *res_slots);
        if (!res_slots)
            return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    }
    vm_trap trap;
    memset(&trap, 0, sizeof trap);
    store->calls_running++;
    int rc = vm_resume(store->exec, &r->susp, res_slots, store, &trap);
    store->calls_running--;
    wvm_status st;
    if (rc == VM_RESUME_NOT_LATEST) {
        /* Not expected (the checks above mirror the VM's); the handle stays as it was. */
        st = rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                      "only the most recently suspended call of a store can be resumed");
    } else {
        if (rc == VM_TRAP_NONE) {
            const uint8_t *rtypes = wasm_functype_results(t);
            for (size_t i = 0; i < nresults; i++)
                rt_val_from_slot(rtypes[i], res_slots[i], &results[i]);
        }
        st = rt_resumable_outcome(r, rc, &trap, err);
    }
    if (res_slots != small)
        free(res_slots);
    return st;
}

void wvm_resumable_delete(wvm_resumable *resumable)
{
    wvm_resumable *r = resumable;
    if (!r)
        return;
    wvm_store *store = r->store;
    if (r->dead) {
        rt_resumable_free(r);
        return;
    }
    r->abandoned = true;
    rt_resumables_settle(store);
}
