/* Stores and the objects they own, host functions, and calls through the public API.
 *
 * Owns: wvm_store_* (the vm_exec and every object created in the store, all freed together;
 * the fuel functions are in fuel.c), wvm_func_new and the adapter that runs a
 * wvm_host_callback as a vm_host_fn, wvm_caller_* (but wvm_caller_consume_fuel), wvm_func_*
 * (type queries and wvm_func_call; the resumable calls are in fuel.c; wvm_func_type is in
 * introspect.c), wvm_caller_export / wvm_caller_memory, and the host-facing memory / table /
 * global functions (including wvm_table_grow and the kind / limit queries).
 *
 * Host traps: a callback that returns a trap code may leave a message with
 * wvm_caller_set_trap_message; it waits in store->host_trap until the innermost enclosing
 * wvm_func_call (or instantiation) reports the trap, which consumes it.
 */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls with at most this many values convert on the C stack. */
#define RT_SMALL_VALS 16

/* ---- store ---- */

wvm_store *wvm_store_new(wvm_engine *engine, void *user_data)
{
    if (!engine)
        return NULL;
    wvm_store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    store->engine = engine;
    store->config = engine->config;
    store->user_data = user_data;
    vm_limits limits = {
        .max_call_depth = store->config.max_call_depth,
        .value_stack_slots = store->config.value_stack_slots,
    };
    store->exec = vm_exec_new(&limits);
    if (!store->exec) {
        free(store);
        return NULL;
    }
    /* The store's own copy of the model outlives exec's use of it (both die in
     * wvm_store_delete), whatever happens to the engine. */
    store->cost_model = engine->cost_model;
    if (store->config.metering == WVM_METER_INSTRUMENT ||
        store->config.metering == WVM_METER_PREMETERED) {
        /* The code charges the dynamic costs itself, through its gas calls; the VM charges
         * only what no code can see, the host entry. */
        store->cost_model.bulk_unit = 0;
        store->cost_model.grow_page = 0;
    }
    if (store->config.metering != WVM_METER_OFF)
        vm_exec_set_metering(store->exec, &store->cost_model);
    return store;
}

void wvm_store_delete(wvm_store *store)
{
    if (!store)
        return;
    rt_store_free_resumables(store);
    for (size_t i = 0; i < store->instances.len; i++)
        rt_instance_free(store->instances.items[i]);
    for (size_t i = 0; i < store->funcs.len; i++) {
        wvm_func *f = store->funcs.items[i];
        if (f->finalizer)
            f->finalizer(f->env);
        free(f);
    }
    for (size_t i = 0; i < store->memories.len; i++) {
        wvm_memory *mem = store->memories.items[i];
        vm_memory_free(&mem->vm);
        free(mem);
    }
    for (size_t i = 0; i < store->tables.len; i++) {
        wvm_table *tab = store->tables.items[i];
        vm_table_free(&tab->vm);
        free(tab);
    }
    for (size_t i = 0; i < store->globals.len; i++)
        free(store->globals.items[i]);
    rt_ptrvec_free(&store->instances);
    rt_ptrvec_free(&store->funcs);
    rt_ptrvec_free(&store->memories);
    rt_ptrvec_free(&store->tables);
    rt_ptrvec_free(&store->globals);
    vm_exec_free(store->exec);
    free(store);
}

void *wvm_store_user_data(const wvm_store *store) { return store ? store->user_data : NULL; }

bool rt_store_add_instance(wvm_store *store, wvm_instance *inst)
{
    return rt_ptrvec_push(&store->instances, inst);
}

/* ---- host functions ---- */

static bool rt_valkind_ok(wvm_valkind k)
{
    switch (k) {
    case WVM_I32:
    case WVM_I64:
    case WVM_F32:
    case WVM_F64:
    case WVM_FUNCREF:
    case WVM_EXTERNREF:
        return true;
    }
    return false;
}

static void rt_host_trap_set(wvm_store *store, const char *message)
{
    snprintf(store->host_trap.message, sizeof store->host_trap.message, "%s", message);
}

/* The vm_host_fn of every host function: converts the slots to wvm_vals and back. */
static int rt_host_trampoline(vm_caller *vc, const vm_slot *args, vm_slot *results, void *env)
{
    wvm_func *f = env;
    wvm_store *store = f->store;
    const wasm_functype *t = &f->host_type;
    const uint8_t *ptypes = wasm_functype_params(t);
    const uint8_t *rtypes = wasm_functype_results(t);
    wvm_val small[RT_SMALL_VALS];
    wvm_val *vals = small;
    size_t n = (size_t)t->nparams + t->nresults;

    store->host_trap.pending = false;
    store->host_trap.message[0] = 0;
    if (n > RT_SMALL_VALS) {
        vals = malloc(n * sizeof *vals);
        if (!vals) {
            rt_host_trap_set(store, "out of memory");
            store->host_trap.pending = true;
            return VM_TRAP_HOST;
        }
    }
    wvm_val *argv = vals;
    wvm_val *resv = vals + t->nparams;
    for (uint32_t i = 0; i < t->nparams; i++)
        rt_val_from_slot(ptypes[i], args[i], &argv[i]);
    for (uint32_t i = 0; i < t->nresults; i++) {
        memset(&resv[i], 0, sizeof resv[i]);
        resv[i].kind = (wvm_valkind)rtypes[i];
    }

    wvm_caller caller = {.vm = vc, .store = store};
    wvm_trap_code rc = f->callback(&caller, argv, resv, f->env);
    if (store->resumables.len)
        rt_resumables_strand(store);
    if (rc == WVM_TRAP_NONE) {
        for (uint32_t i = 0; i < t->nresults; i++) {
            if (!rt_val_fits(store, rtypes[i], &resv[i])) {
                char msg[96];
                snprintf(msg, sizeof msg, "host function result %u is not a valid %s", i,
                         rt_valtype_name(rtypes[i]));
                rt_host_trap_set(store, msg);
                rc = WVM_TRAP_HOST;
                break;
            }
            results[i] = rt_slot_from_val(&resv[i]);
        }
    } else if ((unsigned)rc > WVM_TRAP_HOST) {
        rc = WVM_TRAP_HOST;
    }
    if (rc != WVM_TRAP_NONE)
        store->host_trap.pending = true;
    if (vals != small)
        free(vals);
    return (int)rc;
}

bool rt_functype_ok(const wvm_functype *type)
{
    if (!type)
        return false;
    if ((type->nparams && !type->params) || (type->nresults && !type->results))
        return false;
    for (uint32_t i = 0; i < type->nparams; i++)
        if (!rt_valkind_ok(type->params[i]))
            return false;
    for (uint32_t i = 0; i < type->nresults; i++)
        if (!rt_valkind_ok(type->results[i]))
            return false;
    return true;
}

wvm_func *wvm_func_new(wvm_store *store, const wvm_functype *type, wvm_host_callback callback,
                       void *env, wvm_finalizer finalizer)
{
    if (!store || !callback || !rt_functype_ok(type))
        return NULL;
    /* One block: the func, its public kinds (wvm_func_type), its type bytes (the VM's). */
    uint64_t ntypes = (uint64_t)type->nparams + type->nresults;
    if (ntypes > (SIZE_MAX - sizeof(wvm_func)) / (sizeof(wvm_valkind) + 1))
        return NULL;

    wvm_func *f = calloc(1, sizeof *f + (size_t)ntypes * (sizeof(wvm_valkind) + 1));
    if (!f)
        return NULL;
    wvm_valkind *kinds = (wvm_valkind *)(void *)(f + 1);
    uint8_t *types = (uint8_t *)(kinds + ntypes);
    for (uint32_t i = 0; i < type->nparams; i++) {
        kinds[i] = type->params[i];
        types[i] = (uint8_t)type->params[i];
    }
    for (uint32_t i = 0; i < type->nresults; i++) {
        kinds[type->nparams + i] = type->results[i];
        types[type->nparams + i] = (uint8_t)type->results[i];
    }
    f->host_pub_type.nparams = type->nparams;
    f->host_pub_type.nresults = type->nresults;
    f->host_pub_type.params = type->nparams ? kinds : NULL;
    f->host_pub_type.results = type->nresults ? kinds + type->nparams : NULL;
    f->host_type.nparams = type->nparams;
    f->host_type.nresults = type->nresults;
    f->host_type.types = types;
    f->vm.type = &f->host_type;
    f->vm.instance = NULL;
    f->vm.code = NULL;
    f->vm.func_index = UINT32_MAX;
    f->vm.host = rt_host_trampoline;
    f->vm.host_env = f;
    f->vm.embedder = f;
    f->store = store;
    f->callback = callback;
    f->env = env;
    f->finalizer = finalizer;
    if (!rt_ptrvec_push(&store->funcs, f)) {
        free(f);
        return NULL;
    }
    return f;
}

void rt_func_discard(wvm_func *f)
{
    wvm_store *store = f->store;
    if (store->funcs.len && store->funcs.items[store->funcs.len - 1] == f)
        store->funcs.len--;
    free(f);
}

wvm_store *wvm_caller_store(wvm_caller *caller) { return caller ? caller->store : NULL; }

wvm_instance *wvm_caller_instance(wvm_caller *caller)
{
    if (!caller || !caller->vm || !caller->vm->instance)
        return NULL;
    return caller->vm->instance->embedder;
}

bool wvm_caller_export(wvm_caller *caller, const char *name, wvm_extern *out)
{
    wvm_instance *inst = wvm_caller_instance(caller);
    return inst && name && wvm_instance_export(inst, name, out);
}

wvm_memory *wvm_caller_memory(wvm_caller *caller, const char *name)
{
    wvm_extern ext;
    if (!wvm_caller_export(caller, name, &ext) || ext.kind != WVM_EXTERN_MEMORY)
        return NULL;
    return ext.of.memory;
}

void wvm_caller_set_trap_message(wvm_caller *caller, const char *message)
{
    if (caller && caller->store)
        rt_host_trap_set(caller->store, message ? message : "");
}

/* ---- calls ---- */

wvm_status rt_call_slots(wvm_store *store, vm_func *f, const vm_slot *args, vm_slot *results,
                         wvm_error *err)
{
    vm_trap trap;
    memset(&trap, 0, sizeof trap);
    /* vm_call runs host functions too (then with no calling instance). */
    store->calls_running++;
    int rc = vm_call(store->exec, f, args, results, store, &trap);
    store->calls_running--;
    if (store->resumables.len)
        rt_resumables_settle(store);
    if (rc != VM_TRAP_NONE) {
        if (trap.code == VM_TRAP_NONE)
            trap.code = rc;
        return rt_error_trap(store, err, &trap);
    }
    store->host_trap.pending = false;
    store->host_trap.message[0] = 0;
    return WVM_OK;
}

uint32_t wvm_func_param_count(const wvm_func *func) { return func ? func->vm.type->nparams : 0; }

uint32_t wvm_func_result_count(const wvm_func *func)
{
    return func ? func->vm.type->nresults : 0;
}

wvm_valkind wvm_func_param_kind(const wvm_func *func, uint32_t i)
{
    if (!func || i >= func->vm.type->nparams)
        return (wvm_valkind)0;
    return (wvm_valkind)wasm_functype_params(func->vm.type)[i];
}

wvm_valkind wvm_func_result_kind(const wvm_func *func, uint32_t i)
{
    if (!func || i >= func->vm.type->nresults)
        return (wvm_valkind)0;
    return (wvm_valkind)wasm_functype_results(func->vm.type)[i];
}

wvm_status rt_call_check(const wvm_store *store, const wvm_func *func, const wvm_val *args,
                         size_t nargs, const wvm_val *results, size_t nresults, wvm_error *err)
{
    if (!store || !func)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no store or no function");
    if (func->store != store)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "the function belongs to a different store");
    const wasm_functype *t = func->vm.type;
    const uint8_t *ptypes = wasm_functype_params(t);
    if (nargs != t->nparams)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wrong number of arguments: the function takes %u, %zu given",
                        t->nparams, nargs);
    if (nargs && !args)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no argument array");
    for (uint32_t i = 0; i < t->nparams; i++) {
        if ((uint8_t)args[i].kind != ptypes[i] || (int)args[i].kind != ptypes[i])
            return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                            "argument %u has the wrong type: expected %s, got %s", i,
                            rt_valtype_name(ptypes[i]), rt_valtype_name((uint8_t)args[i].kind));
        if (!rt_val_fits(store, ptypes[i], &args[i]))
            return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                            "argument %u is a function of a different store", i);
    }
    if (nresults != t->nresults)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wrong number of results: the function returns %u, room for %zu given",
                        t->nresults, nresults);
    if (nresults && !results)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no result array");
    return WVM_OK;
}

wvm_status wvm_func_call(wvm_store *store, wvm_func *func, const wvm_val *args, size_t nargs,
                         wvm_val *results, size_t nresults, wvm_error *err)
{
    wvm_status st = rt_call_check(store, func, args, nargs, results, nresults, err);
    if (st != WVM_OK)
        return st;
    const uint8_t *rtypes = wasm_functype_results(func->vm.type);
    vm_slot small[RT_SMALL_VALS];
    vm_slot *slots = small;
    size_t n = nargs + nresults;
    if (n > RT_SMALL_VALS) {
        slots = malloc(n * sizeof *slots);
        if (!slots)
            return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    }
    vm_slot *arg_slots = slots;
    vm_slot *res_slots = slots + nargs;
    for (size_t i = 0; i < nargs; i++)
        arg_slots[i] = rt_slot_from_val(&args[i]);
    st = rt_call_slots(store, &func->vm, arg_slots, res_slots, err);
    if (st == WVM_OK)
        for (size_t i = 0; i < nresults; i++)
            rt_val_from_slot(rtypes[i], res_slots[i], &results[i]);
    if (slots != small)
        free(slots);
    return st;
}

/* ---- memories ---- */

wvm_memory *wvm_memory_new(wvm_store *store, uint32_t min_pages, uint32_t max_pages,
                           bool has_max)
{
    if (!store || min_pages > VM_MAX_PAGES)
        return NULL;
    if (has_max && (max_pages < min_pages || max_pages > VM_MAX_PAGES))
        return NULL;
    uint32_t cap = store->config.max_memory_pages;
    if (has_max && max_pages < cap)
        cap = max_pages;
    if (min_pages > cap)
        return NULL;
    wvm_memory *mem = calloc(1, sizeof *mem);
    if (!mem)
        return NULL;
    mem->store = store;
    if (!vm_memory_init(&mem->vm, min_pages, cap, has_max, max_pages))
        goto fail;
    if (!rt_ptrvec_push(&store->memories, mem))
        goto fail;
    return mem;

fail:
    vm_memory_free(&mem->vm);
    free(mem);
    return NULL;
}

uint8_t *wvm_memory_data(wvm_memory *memory) { return memory ? memory->vm.data : NULL; }

size_t wvm_memory_size_bytes(const wvm_memory *memory)
{
    return memory ? (size_t)memory->vm.size : 0;
}

uint32_t wvm_memory_size_pages(const wvm_memory *memory) { return memory ? memory->vm.pages : 0; }

uint32_t wvm_memory_max_pages(const wvm_memory *memory, bool *has_max)
{
    bool declared = memory && memory->vm.has_max;
    if (has_max)
        *has_max = declared;
    if (!memory)
        return 0;
    return declared ? memory->vm.declared_max : VM_MAX_PAGES;
}

wvm_status wvm_memory_grow(wvm_memory *memory, uint32_t delta, uint32_t *old_pages)
{
    if (!memory)
        return WVM_ERR_USAGE;
    int64_t old = vm_memory_grow(&memory->vm, delta);
    if (old < 0)
        return WVM_ERR_NOMEM;
    if (old_pages)
        *old_pages = (uint32_t)old;
    return WVM_OK;
}

/* ---- tables ---- */

wvm_table *wvm_table_new(wvm_store *store, wvm_valkind elem_kind, uint32_t min, uint32_t max,
                         bool has_max, const wvm_val *init)
{
    if (!store || (elem_kind != WVM_FUNCREF && elem_kind != WVM_EXTERNREF))
        return NULL;
    if (has_max && max < min)
        return NULL;
    if (init && !rt_val_fits(store, (uint8_t)elem_kind, init))
        return NULL;
    uint32_t cap = store->config.max_table_elems;
    if (has_max && max < cap)
        cap = max;
    if (min > cap)
        return NULL;
    wvm_table *tab = calloc(1, sizeof *tab);
    if (!tab)
        return NULL;
    tab->store = store;
    vm_slot fill = init ? rt_slot_from_val(init) : 0;
    if (!vm_table_init(&tab->vm, (uint8_t)elem_kind, min, cap, has_max, max, fill))
        goto fail;
    if (!rt_ptrvec_push(&store->tables, tab))
        goto fail;
    return tab;

fail:
    vm_table_free(&tab->vm);
    free(tab);
    return NULL;
}

uint32_t wvm_table_size(const wvm_table *table) { return table ? table->vm.size : 0; }

wvm_valkind wvm_table_elem_kind(const wvm_table *table)
{
    return table ? (wvm_valkind)table->vm.elemtype : (wvm_valkind)0;
}

wvm_status wvm_table_grow(wvm_table *table, uint32_t delta, const wvm_val *init,
                          uint32_t *old_size)
{
    if (!table)
        return WVM_ERR_USAGE;
    if (init && !rt_val_fits(table->store, table->vm.elemtype, init))
        return WVM_ERR_USAGE;
    int64_t old = vm_table_grow(&table->vm, delta, init ? rt_slot_from_val(init) : 0);
    if (old < 0)
        return WVM_ERR_NOMEM;
    if (old_size)
        *old_size = (uint32_t)old;
    return WVM_OK;
}

wvm_status wvm_table_get(const wvm_table *table, uint32_t index, wvm_val *out)
{
    if (!table || !out || index >= table->vm.size)
        return WVM_ERR_USAGE;
    rt_val_from_slot(table->vm.elemtype, table->vm.elems[index], out);
    return WVM_OK;
}

wvm_status wvm_table_set(wvm_table *table, uint32_t index, const wvm_val *value)
{
    if (!table || index >= table->vm.size)
        return WVM_ERR_USAGE;
    if (!rt_val_fits(table->store, table->vm.elemtype, value))
        return WVM_ERR_USAGE;
    table->vm.elems[index] = rt_slot_from_val(value);
    return WVM_OK;
}

/* ---- globals ---- */

wvm_global *wvm_global_new(wvm_store *store, wvm_valkind kind, bool mutable_,
                           const wvm_val *value)
{
    if (!store || !rt_valkind_ok(kind))
        return NULL;
    if (value && !rt_val_fits(store, (uint8_t)kind, value))
        return NULL;
    wvm_global *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->store = store;
    g->vm.type = (uint8_t)kind;
    g->vm.mutable_ = mutable_;
    g->vm.value = value ? rt_slot_from_val(value) : 0;
    if (!rt_ptrvec_push(&store->globals, g)) {
        free(g);
        return NULL;
    }
    return g;
}

void wvm_global_get(const wvm_global *global, wvm_val *out)
{
    if (!global || !out)
        return;
    rt_val_from_slot(global->vm.type, global->vm.value, out);
}

wvm_valkind wvm_global_kind(const wvm_global *global)
{
    return global ? (wvm_valkind)global->vm.type : (wvm_valkind)0;
}

bool wvm_global_is_mutable(const wvm_global *global) { return global && global->vm.mutable_; }

wvm_status wvm_global_set(wvm_global *global, const wvm_val *value, wvm_error *err)
{
    if (!global || !value)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no global or no value");
    if (!global->vm.mutable_)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "the global is immutable");
    if ((uint8_t)value->kind != global->vm.type || (int)value->kind != global->vm.type)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "wrong value type: the global holds %s, got %s",
                        rt_valtype_name(global->vm.type), rt_valtype_name((uint8_t)value->kind));
    if (!rt_val_fits(global->store, global->vm.type, value))
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "the function belongs to a different store");
    global->vm.value = rt_slot_from_val(value);
    return WVM_OK;
}
