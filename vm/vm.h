/* The execution layer: runtime objects as the interpreter sees them, translated code, and
 * the entry point that runs a function.
 *
 * Ownership is not decided here: the runtime layer (store) allocates and frees these objects;
 * the VM only reads and mutates them while executing.
 */
#ifndef WVM_VM_H
#define WVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../loader/module.h"
#include "trap.h"

/* One value slot of a frame. Numbers are stored as their bit patterns (i32 zero-extended,
 * f32 in the low 32 bits); references as pointers (NULL is the null reference): funcref as a
 * vm_func *, externref as the embedder's opaque pointer. */
typedef uint64_t vm_slot;

#define VM_PAGE_SIZE 65536u

typedef struct vm_memory {
    uint8_t *data;          /* size bytes; may move when the memory grows */
    uint64_t size;          /* current size in bytes (pages * 64 KiB) */
    uint32_t pages;
    uint32_t max_pages;     /* effective cap: min(declared max, engine limit) */
    bool has_max;           /* whether the type declares a maximum (for import matching) */
    uint32_t declared_max;  /* the type's maximum when has_max */
} vm_memory;

typedef struct vm_table {
    vm_slot *elems;         /* size entries: references */
    uint32_t size;
    uint32_t max;           /* effective cap */
    bool has_max;
    uint32_t declared_max;
    uint8_t elemtype;       /* WASM_FUNCREF or WASM_EXTERNREF */
} vm_table;

typedef struct vm_global {
    vm_slot value;
    uint8_t type;           /* wasm_valtype */
    bool mutable_;
} vm_global;

struct vm_instance;
struct vm_caller;

/* A host function callback in VM terms: args and results are slots (types per `type`).
 * Returns VM_TRAP_NONE to continue or a VM_TRAP_* code to trap. */
typedef int (*vm_host_fn)(struct vm_caller *caller, const vm_slot *args, vm_slot *results,
                          void *env);

typedef struct vm_code vm_code;

typedef struct vm_func {
    const wasm_functype *type;      /* owned by the module or the host definition */
    struct vm_instance *instance;   /* defining instance; NULL for host functions */
    const vm_code *code;            /* translated body; NULL for host functions */
    uint32_t func_index;            /* index in the defining module (for traps/backtraces) */
    vm_host_fn host;                /* host functions only */
    void *host_env;
    void *embedder;                 /* back pointer for the public API (wvm_func) */
} vm_func;

/* A passive (or not yet dropped) element segment, evaluated at instantiation. */
typedef struct {
    vm_slot *refs;
    uint32_t len;           /* 0 once dropped */
} vm_elem_segment;

typedef struct {
    const uint8_t *bytes;
    uint32_t len;           /* 0 once dropped */
} vm_data_segment;

/* An instance's index spaces, resolved to objects. */
typedef struct vm_instance {
    const wasm_module *module;
    vm_func **funcs;                /* nfuncs_total entries */
    vm_table **tables;
    vm_memory **memories;
    vm_memory *memory0;             /* memories[0], or NULL when the module has no memory */
    vm_global **globals;
    vm_elem_segment *elems;         /* one per element segment */
    vm_data_segment *datas;         /* one per data segment */
    void *embedder;                 /* back pointer for the public API (wvm_instance) */
} vm_instance;

#define VM_BACKTRACE_MAX 16

/* One Wasm frame of a backtrace. */
typedef struct {
    const vm_func *func;
    size_t offset;          /* module byte offset of the frame's current instruction (for a
                             * caller: its call instruction) */
} vm_backtrace_frame;

/* Where a trap happened, for messages and backtraces. */
typedef struct {
    int code;               /* VM_TRAP_* */
    const vm_func *func;    /* the function executing (NULL if unknown) */
    size_t offset;          /* module byte offset of the trapping instruction */
    /* The Wasm frames of the call that trapped, innermost first (frames[0] is func/offset);
     * when there are more than VM_BACKTRACE_MAX, the outermost ones are left out. */
    uint32_t nframes;
    vm_backtrace_frame frames[VM_BACKTRACE_MAX];
} vm_trap;

/* Execution context: the value stack and the frame stack. One per store; reentrant for host
 * functions that call back into Wasm (nested runs use the stack above the caller's). */
typedef struct vm_exec vm_exec;

typedef struct vm_limits {
    uint32_t max_call_depth;
    uint32_t value_stack_slots;
} vm_limits;

struct wasm_cost_model;

vm_exec *vm_exec_new(const vm_limits *limits);
void vm_exec_free(vm_exec *ex);

/* Passed to host functions. */
typedef struct vm_caller {
    vm_exec *exec;
    vm_instance *instance;  /* the calling Wasm instance, NULL when called from the host */
    void *user;             /* the runtime's context (the store) */
} vm_caller;

/* ---- fuel ----
 * Metering is decided when code is translated (vm_translate with a cost model emits the
 * charges); the exec context holds the counter and the model's dynamic costs. */

/* Turns metering on for this context (model is borrowed; NULL turns it off). */
void vm_exec_set_metering(vm_exec *ex, const struct wasm_cost_model *model);
uint64_t vm_exec_fuel(const vm_exec *ex);
void vm_exec_set_fuel(vm_exec *ex, uint64_t fuel);
/* Total fuel charged so far. */
uint64_t vm_exec_fuel_consumed(const vm_exec *ex);
/* Charges amount; returns VM_TRAP_OUT_OF_FUEL (charging nothing) when less remains. */
int vm_exec_consume_fuel(vm_exec *ex, uint64_t amount);

/* The state of a call stopped by VM_TRAP_OUT_OF_FUEL, from which it can be resumed. While a
 * suspension is active its frames stay reserved on the stacks; other calls run above them.
 * Suspensions of one context nest: only the most recent one may be resumed or dropped. */
typedef struct vm_suspension {
    bool active;
    vm_func *entry;         /* the function the host called */
    vm_func *func;          /* the function that ran out of fuel */
    const uint32_t *pc;     /* the charge to retry; NULL: the host-entry charge */
    vm_slot *fp;            /* its frame */
    vm_slot *entry_fp;      /* the entry function's frame (results are read from it) */
    uint32_t base_depth;    /* frame-stack depth when the call began */
    uint32_t depth;         /* frame-stack depth at the suspension */
    vm_slot *saved_top;     /* ex->top before the call */
    vm_slot *reserved_top;  /* ex->top while suspended */
} vm_suspension;

/* As vm_call, but an out-of-fuel stop fills *susp (which becomes active) instead of
 * unwinding, so that vm_resume can continue the call. */
int vm_call_resumable(vm_exec *ex, vm_func *f, const vm_slot *args, vm_slot *results,
                      void *user, vm_trap *trap, vm_suspension *susp);
/* Continues an active suspension (the most recent one of ex). Returns like vm_call; on
 * another out-of-fuel stop *susp stays active, else it becomes inactive. Returns
 * VM_RESUME_NOT_LATEST (touching nothing) if susp is not the most recent suspension. */
#define VM_RESUME_NOT_LATEST (-1)
int vm_resume(vm_exec *ex, vm_suspension *susp, vm_slot *results, void *user, vm_trap *trap);
/* Abandons an active suspension, releasing its frames (must be the most recent). Returns
 * false when it is not. */
bool vm_suspension_drop(vm_exec *ex, vm_suspension *susp);

/* Calls f with args (f->type->nparams slots); on success writes nresults slots to results.
 * Returns VM_TRAP_NONE or a VM_TRAP_* code, with *trap filled on a trap. `user` is handed to host
 * functions through their caller. */
int vm_call(vm_exec *ex, vm_func *f, const vm_slot *args, vm_slot *results, void *user,
            vm_trap *trap);

/* ---- translation ---- */

/* How vm_translate meters the code it emits. */
typedef enum {
    VM_METER_OFF,           /* no fuel instructions */
    VM_METER_BLOCKS,        /* one charge per metered block */
    VM_METER_PER_OPERATOR,  /* one charge per operator (reference mode, for tests) */
} vm_meter_mode;

/* Translates function `func_index` (a defined function) of a valid module. costs is the
 * cost model (ignored with VM_METER_OFF). */
wasm_status vm_translate(const wasm_module *m, uint32_t func_index, vm_meter_mode meter,
                         const struct wasm_cost_model *costs, vm_code **out, wasm_error *err);

/* Options of vm_translate_ex. */
typedef struct {
    vm_meter_mode meter;
    const struct wasm_cost_model *costs;    /* ignored with VM_METER_OFF */
    /* VM_NO_GAS_FUNC, or the index of an imported function of type (i64) -> () or
     * (i32) -> () that is bound to the store's fuel (instrumented and pre-metered modules):
     * every direct `call` to it is translated into a fuel charge of its argument (unsigned;
     * an i32 is zero-extended), which traps with VM_TRAP_OUT_OF_FUEL, charging nothing and
     * resumable at that charge, when less fuel remains. Indirect calls reach the imported
     * function itself, which the runtime binds to the same charge. */
    uint32_t gas_func;
    /* NULL, or working memory kept from one call to the next (vm_scratch_new): translating
     * every function of a module with the same scratch allocates the translator's buffers
     * once instead of once per function. */
    struct vm_scratch *scratch;
} vm_translate_opts;
#define VM_NO_GAS_FUNC UINT32_MAX

/* The translator's working memory (vm_translate_opts.scratch); NULL when out of memory. */
typedef struct vm_scratch vm_scratch;
vm_scratch *vm_scratch_new(void);
void vm_scratch_free(vm_scratch *s);

/* vm_translate with options (vm_translate is this with gas_func = VM_NO_GAS_FUNC). */
wasm_status vm_translate_ex(const wasm_module *m, uint32_t func_index,
                            const vm_translate_opts *opts, vm_code **out, wasm_error *err);
void vm_code_free(vm_code *code);

/* ---- memory and table operations shared with the runtime (instantiation, API) ---- */

/* Grows memory by delta pages; returns the old page count or -1 on failure. */
int64_t vm_memory_grow(vm_memory *mem, uint32_t delta);
/* Grows table by delta entries, filled with init; returns old size or -1. */
int64_t vm_table_grow(vm_table *tab, uint32_t delta, vm_slot init);

#endif
