/* wvm — a WebAssembly interpreter with built-in fuel metering.
 *
 * This header is the whole public API. Every symbol is prefixed wvm_ / WVM_.
 *
 * Object model (wasmi-style):
 *   wvm_engine   configuration and limits; shared, immutable after creation.
 *   wvm_module   a decoded, validated and translated module; immutable, may be instantiated
 *                any number of times, in any number of stores of the same engine.
 *   wvm_store    owns every runtime object (instances, functions, memories, tables,
 *                globals) created in it; they all die with the store.
 *   wvm_linker   a name space of (module, name) -> extern definitions used to resolve imports.
 *   wvm_instance an instantiated module, living in a store.
 *
 * Ownership: objects returned by *_new must be released with the matching *_delete.
 * Objects obtained from a store (instances, funcs, memories, tables, globals, externs) are
 * borrowed: valid until the store is deleted, never freed individually.
 *
 * Errors: fallible functions return wvm_status and fill a caller-owned wvm_error (may be NULL)
 * with a message and a location. Nothing aborts on bad input.
 */
#ifndef WVM_H
#define WVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WVM_API __attribute__((visibility("default")))
#else
#define WVM_API
#endif

typedef enum {
    WVM_OK = 0,
    WVM_ERR_MALFORMED,   /* the bytes are not a well-formed module */
    WVM_ERR_INVALID,     /* well-formed but not valid */
    WVM_ERR_UNLINKABLE,  /* an import is missing or has an incompatible type */
    WVM_ERR_TRAP,        /* execution trapped; see wvm_error.trap */
    WVM_ERR_NOMEM,       /* out of memory or a configured resource limit */
    WVM_ERR_UNSUPPORTED, /* a feature wvm does not implement (e.g. SIMD) */
    WVM_ERR_USAGE,       /* the API was used incorrectly (wrong argument count/type, ...) */
    WVM_ERR_IO,          /* a file could not be read */
} wvm_status;

typedef enum {
    WVM_TRAP_NONE = 0,
    WVM_TRAP_UNREACHABLE,           /* "unreachable" */
    WVM_TRAP_MEMORY_OUT_OF_BOUNDS,  /* "out of bounds memory access" */
    WVM_TRAP_TABLE_OUT_OF_BOUNDS,   /* "out of bounds table access" / "undefined element" */
    WVM_TRAP_INDIRECT_CALL_TO_NULL, /* "uninitialized element" */
    WVM_TRAP_BAD_SIGNATURE,         /* "indirect call type mismatch" */
    WVM_TRAP_INT_DIVIDE_BY_ZERO,    /* "integer divide by zero" */
    WVM_TRAP_INT_OVERFLOW,          /* "integer overflow" */
    WVM_TRAP_INVALID_CONVERSION,    /* "invalid conversion to integer" */
    WVM_TRAP_STACK_OVERFLOW,        /* "call stack exhausted" */
    WVM_TRAP_OUT_OF_FUEL,           /* "out of fuel" */
    WVM_TRAP_HOST,                  /* a host function reported an error */
} wvm_trap_code;

#define WVM_NO_FUNC UINT32_MAX

#define WVM_BACKTRACE_MAX 16

/* One Wasm frame of a trap's backtrace. */
typedef struct wvm_frame {
    uint32_t func_index;    /* in its module's function index space */
    uint64_t offset;        /* module byte offset of the frame's instruction (for a caller,
                             * its call instruction) */
    const char *name;       /* from the module's name section, or NULL; not NUL-terminated:
                             * use name_len. Valid while the store that ran it is alive. */
    uint32_t name_len;
} wvm_frame;

/* A caller-owned error report. */
typedef struct wvm_error {
    wvm_status status;
    wvm_trap_code trap;     /* when status == WVM_ERR_TRAP */
    uint64_t offset;        /* module byte offset (load errors, trap site), if known */
    uint32_t func_index;    /* function index of the error site, or WVM_NO_FUNC */
    char message[256];
    /* For traps: the Wasm frames, innermost first; at most WVM_BACKTRACE_MAX (beyond that
     * the outermost are left out). 0 for other errors. */
    uint32_t backtrace_len;
    wvm_frame backtrace[WVM_BACKTRACE_MAX];
} wvm_error;

/* Short text of a trap code ("unreachable", "out of bounds memory access", ...). */
WVM_API const char *wvm_trap_name(wvm_trap_code code);

/* ---- values ---- */

typedef enum {
    WVM_I32 = 0x7F,
    WVM_I64 = 0x7E,
    WVM_F32 = 0x7D,
    WVM_F64 = 0x7C,
    WVM_FUNCREF = 0x70,
    WVM_EXTERNREF = 0x6F,
} wvm_valkind;

typedef struct wvm_func wvm_func;
typedef struct wvm_memory wvm_memory;
typedef struct wvm_table wvm_table;
typedef struct wvm_global wvm_global;

/* A typed value. Floats may be read either as numbers or as raw bits (NaN payloads are
 * preserved bit-exactly). A null reference is NULL. */
typedef struct wvm_val {
    wvm_valkind kind;
    union {
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        uint32_t f32_bits;
        uint64_t f64_bits;
        wvm_func *funcref;
        void *externref;
    } of;
} wvm_val;

/* ---- engine ---- */

/* ---- fuel ----
 *
 * With metering on, every executed Wasm operator costs fuel from a cost model defined on Wasm
 * operators, so the fuel a run consumes depends only on the module, its inputs and the model.
 * Each store holds a 64-bit fuel counter (0 in a new store). Code is charged per metered
 * block (a run of operators that executes entirely or not at all) on entry to the block; if
 * the remaining fuel is less than the charge, execution stops with WVM_TRAP_OUT_OF_FUEL
 * before the block runs and without consuming anything, and the call can be resumed after
 * adding fuel (wvm_func_call_resumable). See docs/fuel.md. */

typedef enum {
    WVM_METER_OFF = 0,    /* no metering: fuel is neither charged nor checked */
    WVM_METER_NATIVE,     /* charge per metered block (the fast path) */
    WVM_METER_REFERENCE,  /* charge operator by operator: slow, for testing the native mode */
} wvm_meter_mode;

/* A cost model: the fuel of every operator, operators a module may not use, and the extra
 * charges for calls, bulk operations and growth (docs/cost-model.md). */
typedef struct wvm_cost_model wvm_cost_model;

/* "default" or "uniform"; NULL for another name. */
WVM_API wvm_cost_model *wvm_cost_model_preset(const char *name);
/* Parses the text format; errors carry the line number (source_name names the text). */
WVM_API wvm_status wvm_cost_model_parse(const char *text, size_t len, const char *source_name,
                                        wvm_cost_model **out, wvm_error *err);
WVM_API wvm_status wvm_cost_model_load(const char *path, wvm_cost_model **out, wvm_error *err);
WVM_API void wvm_cost_model_delete(wvm_cost_model *model);

typedef struct wvm_config {
    uint32_t max_memory_pages;  /* cap on any memory's size in 64 KiB pages (<= 65536) */
    uint32_t max_table_elems;   /* cap on any table's size */
    uint32_t max_call_depth;    /* nested Wasm calls before WVM_TRAP_STACK_OVERFLOW */
    uint32_t value_stack_slots; /* 8-byte value slots per store; overflow traps likewise */
    wvm_meter_mode metering;    /* WVM_METER_OFF by default */
    /* The cost model when metering (NULL: the default preset). Borrowed: the engine copies
     * it in wvm_engine_new. */
    const wvm_cost_model *cost_model;
} wvm_config;

/* The defaults: 65536 pages, 10,000,000 table elements, 10,000 calls, 1 Mi slots. */
WVM_API void wvm_config_default(wvm_config *config);

typedef struct wvm_engine wvm_engine;

/* config may be NULL for the defaults. Returns NULL when out of memory or when
 * config->metering is not a wvm_meter_mode. */
WVM_API wvm_engine *wvm_engine_new(const wvm_config *config);
WVM_API void wvm_engine_delete(wvm_engine *engine);

/* ---- modules ---- */

typedef struct wvm_module wvm_module;

typedef enum {
    WVM_EXTERN_FUNC = 0,
    WVM_EXTERN_TABLE = 1,
    WVM_EXTERN_MEMORY = 2,
    WVM_EXTERN_GLOBAL = 3,
} wvm_externkind;

/* Decodes, validates and translates bytes[0..size). The bytes are copied. */
WVM_API wvm_status wvm_module_new(wvm_engine *engine, const uint8_t *bytes, size_t size,
                                  wvm_module **out, wvm_error *err);
/* Decodes and validates only (no translation, no module object). */
WVM_API wvm_status wvm_module_validate(const uint8_t *bytes, size_t size, wvm_error *err);
WVM_API void wvm_module_delete(wvm_module *module);

/* ---- function types ---- */

/* A function type, written by the embedder: params[0..nparams), results[0..nresults). */
typedef struct wvm_functype {
    uint32_t nparams;
    uint32_t nresults;
    const wvm_valkind *params;
    const wvm_valkind *results;
} wvm_functype;

/* ---- store ---- */

typedef struct wvm_store wvm_store;

WVM_API wvm_store *wvm_store_new(wvm_engine *engine, void *user_data);
WVM_API void wvm_store_delete(wvm_store *store);
WVM_API void *wvm_store_user_data(const wvm_store *store);

/* Fuel of the store (meaningful when the engine meters). set_fuel sets the remaining fuel;
 * add_fuel adds to it (WVM_ERR_USAGE on overflow). fuel_consumed counts every unit charged
 * since the store was created. */
WVM_API void wvm_store_set_fuel(wvm_store *store, uint64_t fuel);
WVM_API wvm_status wvm_store_add_fuel(wvm_store *store, uint64_t fuel);
WVM_API uint64_t wvm_store_fuel(const wvm_store *store);
WVM_API uint64_t wvm_store_fuel_consumed(const wvm_store *store);

/* ---- host functions ---- */

typedef struct wvm_caller wvm_caller;
typedef struct wvm_instance wvm_instance;

/* A host function. args has the declared parameter count and types; results must be filled
 * with the declared result count and types. Returns WVM_TRAP_NONE to return normally, or a
 * trap code (usually WVM_TRAP_HOST) to trap; message (may be left empty) goes into the
 * caller's error report. */
typedef wvm_trap_code (*wvm_host_callback)(wvm_caller *caller, const wvm_val *args,
                                           wvm_val *results, void *env);
typedef void (*wvm_finalizer)(void *env);

/* The store of the call in progress. */
WVM_API wvm_store *wvm_caller_store(wvm_caller *caller);
/* The calling Wasm instance (NULL when the host function is called directly by the host). */
WVM_API wvm_instance *wvm_caller_instance(wvm_caller *caller);
/* Charges amount fuel to the caller's store. When less remains, nothing is charged and the
 * function returns WVM_TRAP_OUT_OF_FUEL, which the host function should return to trap.
 * Without metering it always succeeds. */
WVM_API wvm_trap_code wvm_caller_consume_fuel(wvm_caller *caller, uint64_t amount);
/* Sets the message reported with the trap a host callback is about to return (copied; call
 * it just before returning the trap code). */
WVM_API void wvm_caller_set_trap_message(wvm_caller *caller, const char *message);

/* Creates a host function in store. The finalizer (may be NULL) runs on env when the store
 * is deleted. */
WVM_API wvm_func *wvm_func_new(wvm_store *store, const wvm_functype *type,
                               wvm_host_callback callback, void *env, wvm_finalizer finalizer);

/* ---- externs ---- */

typedef struct wvm_extern {
    wvm_externkind kind;
    union {
        wvm_func *func;
        wvm_table *table;
        wvm_memory *memory;
        wvm_global *global;
    } of;
} wvm_extern;

/* Host-created memories, tables and globals (e.g. for the spec test `spectest` module). */
WVM_API wvm_memory *wvm_memory_new(wvm_store *store, uint32_t min_pages, uint32_t max_pages,
                                   bool has_max);
WVM_API wvm_table *wvm_table_new(wvm_store *store, wvm_valkind elem_kind, uint32_t min,
                                 uint32_t max, bool has_max, const wvm_val *init);
WVM_API wvm_global *wvm_global_new(wvm_store *store, wvm_valkind kind, bool mutable_,
                                   const wvm_val *value);

/* ---- linker ---- */

typedef struct wvm_linker wvm_linker;

WVM_API wvm_linker *wvm_linker_new(wvm_engine *engine);
WVM_API void wvm_linker_delete(wvm_linker *linker);
/* Defines (module, name) -> item. Redefinition replaces the previous item. */
WVM_API wvm_status wvm_linker_define(wvm_linker *linker, const char *module, const char *name,
                                     const wvm_extern *item, wvm_error *err);
/* Defines every export of instance under module name `module`. */
WVM_API wvm_status wvm_linker_define_instance(wvm_linker *linker, const char *module,
                                              wvm_instance *instance, wvm_error *err);
/* Resolves module's imports against the linker, creates an instance in store, initialises
 * segments and runs the start function. On a trap during initialisation the returned status
 * is WVM_ERR_TRAP (the writes done before the trap stay visible in shared memories/tables). */
WVM_API wvm_status wvm_linker_instantiate(wvm_linker *linker, wvm_store *store,
                                          const wvm_module *module, wvm_instance **out,
                                          wvm_error *err);

/* ---- instances ---- */

/* Looks up an export by name. Returns false when there is none. */
WVM_API bool wvm_instance_export(const wvm_instance *instance, const char *name,
                                 wvm_extern *out);
/* The same with an explicit name length: export names may contain NUL bytes. */
WVM_API bool wvm_instance_export_n(const wvm_instance *instance, const char *name,
                                   size_t name_len, wvm_extern *out);

/* ---- functions ---- */

WVM_API uint32_t wvm_func_param_count(const wvm_func *func);
WVM_API uint32_t wvm_func_result_count(const wvm_func *func);
WVM_API wvm_valkind wvm_func_param_kind(const wvm_func *func, uint32_t i);
WVM_API wvm_valkind wvm_func_result_kind(const wvm_func *func, uint32_t i);

/* Calls func with args[0..nargs) and stores its results in results[0..nresults). A wrong
 * argument count or type, or a result buffer of the wrong size, is WVM_ERR_USAGE. A trap is
 * WVM_ERR_TRAP with err->trap set. */
WVM_API wvm_status wvm_func_call(wvm_store *store, wvm_func *func, const wvm_val *args,
                                 size_t nargs, wvm_val *results, size_t nresults,
                                 wvm_error *err);

/* A call that ran out of fuel and can be resumed. The handle belongs to the call's store:
 * it is freed when the call finishes or fails in wvm_resumable_resume, by
 * wvm_resumable_delete, or by wvm_store_delete, which frees every handle of the store still
 * alive (a handle must not be used, not even deleted, after its store is gone). */
typedef struct wvm_resumable wvm_resumable;

/* As wvm_func_call, but when the call runs out of fuel it returns WVM_ERR_TRAP with
 * err->trap == WVM_TRAP_OUT_OF_FUEL and *resumable set to a handle (otherwise *resumable is
 * NULL). Add fuel and call wvm_resumable_resume: the call continues from the metered block
 * that could not be paid, and finishes with the same results and the same total fuel as one
 * uninterrupted run. Suspended calls of one store nest: other calls may run meanwhile, but
 * only the most recently suspended one can be resumed, and not from a host function called
 * by a newer call. A call suspended inside a host callback must be resumed before that
 * callback returns: when it returns, the suspension is discarded and the handle can only be
 * deleted. */
WVM_API wvm_status wvm_func_call_resumable(wvm_store *store, wvm_func *func,
                                           const wvm_val *args, size_t nargs, wvm_val *results,
                                           size_t nresults, wvm_resumable **resumable,
                                           wvm_error *err);
/* Continues a suspended call. On WVM_OK the results are stored and the handle is freed; on
 * another out-of-fuel trap the handle stays valid; on another trap it is freed. Misuse (a
 * wrong result count, a call that is not the most recent suspension, a discarded one) is
 * WVM_ERR_USAGE and, like WVM_ERR_NOMEM, leaves the handle as it was. */
WVM_API wvm_status wvm_resumable_resume(wvm_resumable *resumable, wvm_val *results,
                                        size_t nresults, wvm_error *err);
/* Abandons a suspended call and frees the handle, which must not be used afterwards.
 * Handles may be deleted in any order: the frames of a call deleted while a newer suspended
 * call of its store is alive (or while a newer call runs) are released once they are the
 * most recent. */
WVM_API void wvm_resumable_delete(wvm_resumable *resumable);

/* ---- memories, tables, globals ---- */

WVM_API uint8_t *wvm_memory_data(wvm_memory *memory);      /* may move on grow */
WVM_API size_t wvm_memory_size_bytes(const wvm_memory *memory);
WVM_API uint32_t wvm_memory_size_pages(const wvm_memory *memory);
/* Grows by delta pages; *old_pages receives the previous size. */
WVM_API wvm_status wvm_memory_grow(wvm_memory *memory, uint32_t delta, uint32_t *old_pages);

WVM_API void wvm_global_get(const wvm_global *global, wvm_val *out);
WVM_API wvm_status wvm_global_set(wvm_global *global, const wvm_val *value, wvm_error *err);

WVM_API uint32_t wvm_table_size(const wvm_table *table);
WVM_API wvm_status wvm_table_get(const wvm_table *table, uint32_t index, wvm_val *out);
WVM_API wvm_status wvm_table_set(wvm_table *table, uint32_t index, const wvm_val *value);

#ifdef __cplusplus
}
#endif

#endif
