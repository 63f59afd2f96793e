/* Internal definitions of the runtime layer: the structures behind the public handles of
 * include/wvm.h, and helpers shared by the runtime's files.
 *
 * Mapping between public and VM objects: every public object embeds its VM object as its
 * first member (wvm_func.vm, wvm_memory.vm, ...), so the VM's pointers (vm_func *, vm_table *,
 * ...) convert back with the rt_*_of helpers below; vm_func.embedder and
 * vm_instance.embedder also point back at the public object.
 */
#ifndef WVM_RUNTIME_RT_H
#define WVM_RUNTIME_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wvm.h"

#include "../loader/cost_model.h"
#include "../loader/error.h"
#include "../loader/module.h"
#include "../vm/objects.h"
#include "../vm/vm.h"

/* A growable array of pointers. */
typedef struct {
    void **items;
    size_t len;
    size_t cap;
} rt_ptrvec;

bool rt_ptrvec_push(rt_ptrvec *v, void *item);
/* Makes room for n more items, so that the next n pushes cannot fail. */
bool rt_ptrvec_reserve(rt_ptrvec *v, size_t n);
void rt_ptrvec_free(rt_ptrvec *v);

/* A public cost model is the loader's plain-data model (copied by value everywhere). */
struct wvm_cost_model {
    wasm_cost_model m;
};

struct wvm_engine {
    /* Validated copy of the user's config. config.cost_model is always NULL here: the user's
     * model is borrowed only during wvm_engine_new and copied into cost_model. */
    wvm_config config;
    /* The model modules are translated and checked with (the default preset when the config
     * named none). Read only when config.metering != WVM_METER_OFF. */
    wasm_cost_model cost_model;
};

struct wvm_module {
    const wvm_engine *engine;   /* the engine it was compiled for (compared, never read) */
    wasm_module m;              /* decoded and validated */
    vm_code **codes;            /* m.nfuncs translated bodies, by defined-function index */
    /* The public view of the module's types, built once by wvm_module_new (rt_module_types)
     * so that the introspection functions never allocate. */
    wvm_functype *functypes;    /* m.ntypes, by type index; arrays point into valkinds */
    wvm_valkind *valkinds;      /* every functype's params then results, type after type */
    wvm_importtype *imports;    /* m.nimports; names point into m's bytes */
    wvm_exporttype *exports;    /* m.nexports; likewise */
    /* The import bound to the store's fuel (WVM_METER_INSTRUMENT, WVM_METER_PREMETERED): an
     * index into m.imports, or UINT32_MAX. */
    uint32_t gas_import;
    /* WVM_METER_INSTRUMENT: m is the instrumented module, and gas_import the import wvm
     * added (the last import, function index gas_func). It is hidden from introspection, and
     * function indices above gas_func are shown one lower, as in the user's module. */
    bool gas_injected;
    uint32_t gas_func;          /* function index of gas_import when there is one */
    /* gas_injected: per defined function, where each instruction of the user's module went
     * (its offsets only; see rt_instr_body), so that trap reports give the user's offsets. */
    struct rt_instr_body *offset_maps;
    /* Instances share the module's bytes, types and code: the module is freed when the user
     * has deleted it and the last instance using it is gone. Atomic because instances of one
     * module may live in stores used by different threads. */
    _Atomic uint32_t refs;
};

struct wvm_func {
    vm_func vm;                 /* must stay first (see rt_func_of) */
    wvm_store *store;
    /* Host functions only: */
    wvm_host_callback callback;
    void *env;
    wvm_finalizer finalizer;
    wasm_functype host_type;    /* vm.type points here; types[] is allocated with the func */
    /* The public type (wvm_func_type); its arrays are allocated with the func too. */
    wvm_functype host_pub_type;
};

struct wvm_memory {
    vm_memory vm;               /* must stay first */
    wvm_store *store;
};

struct wvm_table {
    vm_table vm;                /* must stay first */
    wvm_store *store;
};

struct wvm_global {
    vm_global vm;               /* must stay first */
    wvm_store *store;
};

struct wvm_instance {
    vm_instance vm;             /* must stay first; vm.embedder points here */
    wvm_store *store;
    wvm_module *module;         /* holds a reference */
    /* The objects this instance defined (the index spaces in vm point into these arrays or
     * at imported objects): */
    wvm_func *own_funcs;        /* module->m.nfuncs */
    wvm_table *own_tables;      /* ntables - ntable_imports */
    wvm_memory *own_memories;   /* nmemories - nmemory_imports */
    wvm_global *own_globals;    /* nglobals */
    vm_slot *elem_refs;         /* the items of every non-declarative element segment, in one
                                 * block: vm.elems[i].refs point into it */
    uint32_t ntables_ready, nmemories_ready; /* initialised entries (for cleanup) */
};

/* Where a host callback's trap message is kept until the enclosing wvm_func_call reports
 * it. */
typedef struct {
    bool pending;               /* a host callback trapped and the trap is not yet reported */
    char message[256];          /* set by wvm_caller_set_trap_message; "" if none */
} rt_host_trap;

struct wvm_store {
    const wvm_engine *engine;
    wvm_config config;          /* copy of the engine's, so the engine may go first */
    void *user_data;
    vm_exec *exec;
    /* Copy of the engine's cost model, for the same reason: when config.metering is on, exec
     * borrows it (vm_exec_set_metering) for the dynamic charges, for the store's lifetime. */
    wasm_cost_model cost_model;
    /* Every wvm_resumable handle of this store not yet freed, in the order they were
     * suspended. Live ones (not `dead`) hold an active suspension; the last live one is the
     * VM's most recent suspension. Handles the user deleted while they could not be dropped
     * stay here, `abandoned`, until they can (rt_resumables_settle). wvm_store_delete frees
     * whatever is left. */
    rt_ptrvec resumables;
    /* Calls into the VM made through the API and still running (nested through host
     * functions that call back into Wasm): the nesting level of the code running now. */
    uint32_t calls_running;
    rt_ptrvec instances;        /* wvm_instance * */
    rt_ptrvec funcs;            /* host wvm_func * */
    rt_ptrvec memories;         /* host-created wvm_memory * */
    rt_ptrvec tables;           /* host-created wvm_table * */
    rt_ptrvec globals;          /* host-created wvm_global * */
    rt_host_trap host_trap;
    /* The host functions gas imports are bound to (rt_store_gas_func), created on first use:
     * [0] takes an i64, [1] an i32. Also listed in funcs. */
    wvm_func *gas_funcs[2];
};

struct wvm_caller {
    vm_caller *vm;
    wvm_store *store;
};

/* A call suspended by VM_TRAP_OUT_OF_FUEL (wvm_func_call_resumable). Heap-allocated, in its
 * store's `resumables` list from its first suspension until it is freed: when the call
 * finishes or fails, when the user deletes it (at once, or once it can be dropped), or with
 * the store.
 * Invariants: susp.active == !dead (except while the call runs in wvm_resumable_resume);
 * a live handle's frames lie above those of every older
 * live handle; level <= store->calls_running while it is live. */
struct wvm_resumable {
    wvm_store *store;
    wvm_func *func;             /* the function the host called (its result types) */
    vm_suspension susp;         /* the VM's state; its address must not change while active */
    /* store->calls_running when the call was made: it may be resumed or dropped only at that
     * level (below it, newer calls are running on top of its frames). */
    uint32_t level;
    /* Made inside a host callback that has since returned: the suspension was dropped then
     * (the caller's code reuses that stack), only deleting the handle remains. */
    bool dead;
    /* Deleted by the user but not yet droppable: freed by rt_resumables_settle. */
    bool abandoned;
};

static inline wvm_func *rt_func_of(const vm_func *f) { return f ? (wvm_func *)f->embedder : NULL; }
static inline wvm_table *rt_table_of(vm_table *t) { return (wvm_table *)(void *)t; }
static inline wvm_memory *rt_memory_of(vm_memory *m) { return (wvm_memory *)(void *)m; }
static inline wvm_global *rt_global_of(vm_global *g) { return (wvm_global *)(void *)g; }

/* ---- names ---- */

/* Whether names a[0..alen) and b[0..blen) (UTF-8, possibly with NUL bytes) are equal. */
static inline bool rt_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* Whether name s[0..len) is the NUL-terminated `want`. */
static inline bool rt_name_is(const char *s, size_t len, const char *want)
{
    return rt_name_eq(s, len, want, strlen(want));
}

/* ---- errors ---- */

/* Fills err (may be NULL) with a non-trap error; returns status. */
wvm_status rt_error(wvm_error *err, wvm_status status, uint64_t offset, uint32_t func_index,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Converts a loader/VM wasm_error into err (may be NULL); returns the status. */
wvm_status rt_error_from_wasm(wvm_error *err, const wasm_error *werr);
/* Fills err with a trap report from the VM's trap record; returns WVM_ERR_TRAP. */
wvm_status rt_error_trap(wvm_store *store, wvm_error *err, const vm_trap *trap);

/* ---- values ---- */

/* Converts a value of kind `type` to a slot / back. */
vm_slot rt_slot_from_val(const wvm_val *v);
void rt_val_from_slot(uint8_t type, vm_slot s, wvm_val *out);
/* Whether v is a valid value of kind `type` for store (funcrefs must belong to store). */
bool rt_val_fits(const wvm_store *store, uint8_t type, const wvm_val *v);
const char *rt_valtype_name(uint8_t type);
/* Reads the whole file at path into a malloc'd *data (*len bytes, at most max; `what` names
 * the content in messages). WVM_ERR_IO when unreadable or too large, WVM_ERR_NOMEM. */
wvm_status rt_read_file(const char *path, size_t max, const char *what, uint8_t **data,
                        size_t *len, wvm_error *err);
#define RT_MODULE_FILE_MAX ((size_t)1 << 30)

/* WVM_ERR_UNLINKABLE for an import the linker does not define, naming the type it expects. */
wvm_status rt_error_unknown_import(wvm_error *err, const wasm_module *m, const wasm_import *imp);

/* ---- metering through gas imports (fuel.c) ---- */

/* The store's host function for a gas import whose parameter is of type param (WASM_I64 or
 * WASM_I32): charges its argument (unsigned) to the store's fuel, trapping out of fuel
 * without charging when less remains. NULL when out of memory. */
wvm_func *rt_store_gas_func(wvm_store *store, uint8_t param);

/* The function index the user knows for function index `index` of module (different only
 * for modules instrumented at load). */
static inline uint32_t rt_user_func_index(const wvm_module *module, uint32_t index)
{
    return module->gas_injected && index > module->gas_func ? index - 1 : index;
}

/* ---- calls ---- */

/* Checks the arguments of a call through the API (store and func given and matching, nargs
 * arguments of the parameter types, room for exactly the results): WVM_ERR_USAGE if not. */
wvm_status rt_call_check(const wvm_store *store, const wvm_func *func, const wvm_val *args,
                         size_t nargs, const wvm_val *results, size_t nresults, wvm_error *err);
/* Calls f with slot arguments; on a trap fills err and returns WVM_ERR_TRAP. */
wvm_status rt_call_slots(wvm_store *store, vm_func *f, const vm_slot *args, vm_slot *results,
                         wvm_error *err);

/* ---- store ownership ---- */

bool rt_store_add_instance(wvm_store *store, wvm_instance *inst);
/* Whether type is a valid host function type (no NULL arrays, only wvm_valkind values). */
bool rt_functype_ok(const wvm_functype *type);
/* Removes f, the host function most recently created in its store and not yet referenced by
 * anything, from the store and frees it without running its finalizer. */
void rt_func_discard(wvm_func *f);
/* Frees every resumable handle still owned by store (from wvm_store_delete: the handles'
 * frames die with the exec context, no VM call is needed). */
void rt_store_free_resumables(wvm_store *store);
/* Drops and frees the abandoned handles that have become droppable. Called whenever a call
 * through the API returns. */
void rt_resumables_settle(wvm_store *store);
/* Discards the suspensions made at nesting level store->calls_running or deeper: called when
 * a host callback returns, since the Wasm code that called it reuses their stack space. */
void rt_resumables_strand(wvm_store *store);
/* Frees an instance (not registered in any store, or from wvm_store_delete). */
void rt_instance_free(wvm_instance *inst);

/* ---- linking and instances ---- */

/* The definition of (module, name), or NULL. */
const wvm_extern *rt_linker_lookup(const wvm_linker *linker, const char *module,
                                   size_t module_len, const char *name, size_t name_len);
/* Checks that item may satisfy import imp of m in store: WVM_ERR_UNLINKABLE on a kind or
 * type mismatch, WVM_ERR_USAGE when item lives in another store. */
wvm_status rt_import_check(const wvm_store *store, const wasm_module *m, const wasm_import *imp,
                           const wvm_extern *item, wvm_error *err);
/* The extern an export of inst refers to. */
void rt_instance_export_extern(const wvm_instance *inst, const wasm_export *exp,
                               wvm_extern *out);

/* ---- modules ---- */

void rt_module_retain(wvm_module *module);
/* Builds module's public types (functypes, valkinds, imports, exports) from module->m;
 * false when out of memory (what was allocated is freed by rt_module_types_free). */
bool rt_module_types(wvm_module *module);
void rt_module_types_free(wvm_module *module);
void rt_module_release(wvm_module *module);

#endif
