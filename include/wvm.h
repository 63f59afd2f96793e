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
 * Ownership and lifetime (each object's section repeats the details):
 *   - wvm_engine, wvm_module, wvm_store, wvm_linker, wvm_cost_model: created by the user with
 *     *_new (or *_parse / *_load / *_preset), released by the user with the matching
 *     *_delete (which all accept NULL). A module keeps its engine's settings, not a pointer
 *     the user must keep alive beyond this: delete modules and stores before their engine.
 *   - Everything created in a store (instances, funcs, memories, tables, globals) and every
 *     object obtained from one (wvm_extern, exports, the caller's exports) is borrowed: valid
 *     until the store is deleted, never freed individually.
 *   - A module may be deleted while instances of it are alive: the instances keep what they
 *     need until their store goes.
 *   - Pointers returned inside output structs (names, type arrays) are borrowed from the
 *     object they describe and stay valid as long as it does (stated per function).
 *   - wvm_error is plain caller-owned data; its wvm_frame names point into the module of the
 *     frame and are valid while the store that ran it is alive.
 *
 * Threads: wvm has no locks and no global mutable state. A store and everything in it (its
 * instances, funcs, memories, tables, globals, resumable calls, and any linker holding items
 * of it) must be used by one thread at a time. Engines, modules and cost models are immutable
 * after creation and may be shared read-only by any number of threads (a module's reference
 * count, changed when instances of it are created in stores on other threads, is atomic);
 * deleting one must not race with its use. A linker is mutable: one thread at a time.
 *
 * Errors: fallible functions return wvm_status and fill a caller-owned wvm_error (may be NULL)
 * with a message and a location; lookups return NULL / false instead. Nothing aborts on bad
 * input; NULL handles are answered with WVM_ERR_USAGE, NULL, false or 0 as each function
 * states.
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

#define WVM_VERSION_MAJOR 0
#define WVM_VERSION_MINOR 1
#define WVM_VERSION_PATCH 0
#define WVM_VERSION_STRING "0.1.0"

/* The library's version, "major.minor.patch" ("0.1.0"): static storage, never NULL. Compare
 * with WVM_VERSION_STRING to detect a header / library mismatch. */
WVM_API const char *wvm_version(void);

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

/* Short text of a trap code ("unreachable", "out of bounds memory access", ...): static
 * storage; "unknown trap" for a value that is not a wvm_trap_code. */
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

/* The text-format name of a value kind ("i32", "funcref", ...): static storage; "unknown"
 * for a value that is not a wvm_valkind. */
WVM_API const char *wvm_valkind_name(wvm_valkind kind);

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
    /* Charge through injected code: every module is instrumented at load time (as by
     * wvm_instrument with the import backend and the engine's cost model) and its gas import
     * is bound to the store's fuel. Same results, traps and fuel as WVM_METER_NATIVE. The
     * module's introspection and the linker see the module as it was: the injected import
     * needs no definition. A module that already imports a gas function fails to load (it is
     * pre-metered: use WVM_METER_PREMETERED). */
    WVM_METER_INSTRUMENT,
    /* Run modules metered by an instrumenter before loading ("pre-metered"): the module's
     * own gas import, `env.gas (param i64)` or `metering.usegas (param i32|i64)`, is bound
     * to the store's fuel (the argument, unsigned, is charged; out of fuel traps before the
     * call consumes anything), and nothing else is metered but the host entry charge. The
     * fuel is then only as sound as that instrumentation: use this mode for modules whose
     * instrumenter you trust. A module with no gas import fails to load. */
    WVM_METER_PREMETERED,
} wvm_meter_mode;

/* A cost model: the fuel of every operator, operators a module may not use, and the extra
 * charges for calls, bulk operations and growth (docs/cost-model.md). */
typedef struct wvm_cost_model wvm_cost_model;

/* Cost models are created by the functions below and freed by the user with
 * wvm_cost_model_delete (NULL accepted). Engines copy the model they are given, so it may be
 * deleted right after wvm_engine_new. Immutable: may be shared read-only across threads. */

/* A new copy of the preset "default" or "uniform"; NULL for another name, a NULL name, or
 * when out of memory. */
WVM_API wvm_cost_model *wvm_cost_model_preset(const char *name);
/* Parses the text format into a new model in *out (NULL on failure); errors carry the line
 * number (source_name, may be NULL, names the text). WVM_ERR_MALFORMED / WVM_ERR_INVALID for
 * bad text, WVM_ERR_USAGE for NULL arguments, WVM_ERR_NOMEM when out of memory. */
WVM_API wvm_status wvm_cost_model_parse(const char *text, size_t len, const char *source_name,
                                        wvm_cost_model **out, wvm_error *err);
/* wvm_cost_model_parse on the contents of the file at path; WVM_ERR_IO when it cannot be
 * read. */
WVM_API wvm_status wvm_cost_model_load(const char *path, wvm_cost_model **out, wvm_error *err);
WVM_API void wvm_cost_model_delete(wvm_cost_model *model);
/* The model's extra charge for a call from the host into Wasm (an exported function called
 * through wvm_func_call, a start function); 0 for NULL. Injected metering (wvm_instrument)
 * cannot see such calls: the fuel of a native run equals the gas an instrumented module
 * charges plus this, once per call from the host. */
WVM_API uint64_t wvm_cost_model_host_entry(const wvm_cost_model *model);

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

/* An engine holds a copy of its configuration and cost model. Created and deleted by the
 * user; immutable, so it may be shared read-only across threads. Its modules and stores keep
 * their own copies of its settings, but a module is matched with a store by the engine's
 * address: delete the engine after every module and store made from it. */

/* config may be NULL for the defaults (config is copied). Returns NULL when out of memory or
 * when config->metering is not a wvm_meter_mode. */
WVM_API wvm_engine *wvm_engine_new(const wvm_config *config);
/* Frees the engine (NULL accepted). */
WVM_API void wvm_engine_delete(wvm_engine *engine);

/* ---- modules ---- */

typedef struct wvm_module wvm_module;

typedef enum {
    WVM_EXTERN_FUNC = 0,
    WVM_EXTERN_TABLE = 1,
    WVM_EXTERN_MEMORY = 2,
    WVM_EXTERN_GLOBAL = 3,
} wvm_externkind;

/* A module is created by wvm_module_new and released by the user with wvm_module_delete
 * (NULL accepted). Immutable after creation: it may be instantiated from any number of
 * threads at once, each into its own store (its reference count is atomic). Deleting it
 * while instances are alive is allowed: the last instance frees it. */

/* Decodes, validates and translates bytes[0..size) into a new module in *out (NULL on
 * failure). The bytes are copied. WVM_ERR_MALFORMED / WVM_ERR_INVALID for bad bytes,
 * WVM_ERR_INVALID also for an operator the engine's cost model forbids (when metering),
 * WVM_ERR_UNSUPPORTED for an unimplemented feature or a module the metering mode cannot run
 * (WVM_METER_INSTRUMENT, WVM_METER_PREMETERED), WVM_ERR_USAGE for NULL arguments,
 * WVM_ERR_NOMEM when out of memory. */
WVM_API wvm_status wvm_module_new(wvm_engine *engine, const uint8_t *bytes, size_t size,
                                  wvm_module **out, wvm_error *err);
/* wvm_module_new on the contents of the file at path (at most 1 GiB); WVM_ERR_IO when it
 * cannot be read. */
WVM_API wvm_status wvm_module_load(wvm_engine *engine, const char *path, wvm_module **out,
                                   wvm_error *err);
/* Decodes and validates only (no translation, no module object); the statuses are those of
 * wvm_module_new. */
WVM_API wvm_status wvm_module_validate(const uint8_t *bytes, size_t size, wvm_error *err);
/* Drops the user's reference (NULL accepted). */
WVM_API void wvm_module_delete(wvm_module *module);

/* ---- instrumentation ----
 *
 * wvm_instrument rewrites a module so that it meters itself: at the start of every metered
 * block (the blocks of WVM_METER_NATIVE, built by the same code from the same cost model) it
 * inserts `i64.const COST  call $gas`, and before every memory.grow, table.grow and bulk
 * memory or table operation it inserts code that computes the operation's dynamic cost from
 * its operands and charges it (bulk operations only when their bounds checks will pass, as
 * native metering does). The output runs on any engine; for every call from the host that
 * completes, the gas it charges equals wvm's native fuel minus the model's host entry
 * charge (wvm_cost_model_host_entry). docs/instrument.md has the details. */

typedef enum {
    /* Import `(func (param i64))` (default "env" "gas"), called with each charge; the host
     * counts or limits. Every function index after the new import shifts by one. */
    WVM_GAS_IMPORT = 0,
    /* Export a mutable i64 global (default "gas_left") holding the gas left, and add a
     * function that subtracts each charge from it, or sets it to all ones (2^64 - 1) and
     * executes `unreachable` when the charge exceeds what is left. No index shifts. */
    WVM_GAS_GLOBAL = 1,
} wvm_gas_backend;

typedef struct wvm_instrument_options {
    const wvm_cost_model *cost_model;   /* NULL: the default preset */
    wvm_gas_backend backend;            /* WVM_GAS_IMPORT by default */
    const char *gas_module;             /* import backend: the import's module ("env") */
    const char *gas_name;               /* import backend: the import's name ("gas") */
    const char *gas_global;             /* global backend: the export's name ("gas_left") */
    uint64_t gas_global_init;           /* global backend: the global's initial value (0) */
} wvm_instrument_options;

/* The defaults above. */
WVM_API void wvm_instrument_options_default(wvm_instrument_options *options);

/* Instruments the module bytes[0..size) (options NULL: the defaults) into a new buffer
 * *out of *out_size bytes, malloc'd: free it with free(). On failure *out is NULL and:
 * WVM_ERR_MALFORMED / WVM_ERR_INVALID for a bad module, WVM_ERR_INVALID also for an
 * operator the cost model forbids (as wvm_module_new); WVM_ERR_UNSUPPORTED for a module that
 * cannot be metered soundly -- one that already imports the gas function (with any type: it
 * is already metered, or would call the meter), or already exports the gas global's name,
 * or has an operation whose per-byte, per-element or per-page charge in the cost model does
 * not fit in 32 bits; WVM_ERR_USAGE for NULL arguments or empty names; WVM_ERR_NOMEM.
 * Errors carry the offset and function index where they apply. */
WVM_API wvm_status wvm_instrument(const uint8_t *bytes, size_t size,
                                  const wvm_instrument_options *options, uint8_t **out,
                                  size_t *out_size, wvm_error *err);

/* ---- function types ---- */

/* A function type, written by the embedder: params[0..nparams), results[0..nresults). */
typedef struct wvm_functype {
    uint32_t nparams;
    uint32_t nresults;
    const wvm_valkind *params;
    const wvm_valkind *results;
} wvm_functype;

/* ---- module introspection ----
 *
 * The types of a module's imports and exports. Every pointer in these structs (names, the
 * params/results arrays) is owned by the module and valid until wvm_module_delete; the
 * structs themselves are caller-owned copies. The functions never fail on a valid module
 * (the conversions are done once, in wvm_module_new). */

/* Size limits of a table (elements) or memory (64 KiB pages). */
typedef struct wvm_limits {
    uint32_t min;
    uint32_t max;           /* meaningful only when has_max */
    bool has_max;
} wvm_limits;

/* The type of an import or export. */
typedef struct wvm_externtype {
    wvm_externkind kind;    /* selects the member of `of` */
    union {
        wvm_functype func;  /* WVM_EXTERN_FUNC */
        struct {
            wvm_valkind elem_kind;  /* WVM_FUNCREF or WVM_EXTERNREF */
            wvm_limits limits;
        } table;            /* WVM_EXTERN_TABLE */
        wvm_limits memory;  /* WVM_EXTERN_MEMORY */
        struct {
            wvm_valkind kind;
            bool mutable_;
        } global;           /* WVM_EXTERN_GLOBAL */
    } of;
} wvm_externtype;

/* An import: (module, name) and the type it requires. Names are UTF-8, NOT NUL-terminated
 * and may contain NUL bytes: use the lengths. */
typedef struct wvm_importtype {
    const char *module;
    size_t module_len;
    const char *name;
    size_t name_len;
    wvm_externtype type;
} wvm_importtype;

/* An export: its name (UTF-8, not NUL-terminated; use name_len) and type. */
typedef struct wvm_exporttype {
    const char *name;
    size_t name_len;
    wvm_externtype type;
} wvm_exporttype;

/* Number of imports (0 for NULL), in the module's order. */
WVM_API uint32_t wvm_module_import_count(const wvm_module *module);
/* Fills *out with import `index`. False (out untouched) when module/out is NULL or index is
 * out of range. */
WVM_API bool wvm_module_import(const wvm_module *module, uint32_t index, wvm_importtype *out);
/* Number of exports (0 for NULL), in the module's order. */
WVM_API uint32_t wvm_module_export_count(const wvm_module *module);
/* Fills *out with export `index`. False (out untouched) when module/out is NULL or index is
 * out of range. */
WVM_API bool wvm_module_export(const wvm_module *module, uint32_t index, wvm_exporttype *out);

/* True when the module has a start function. *import_index (may be NULL) is then its index
 * among the module's imports when the start function is imported, else UINT32_MAX (a function
 * the module defines). False for NULL. */
WVM_API bool wvm_module_start(const wvm_module *module, uint32_t *import_index);

/* True when the module imports a gas function that WVM_METER_PREMETERED binds to fuel
 * (`env.gas (param i64)`, or `metering.usegas (param i32)` or `(param i64)`, no results);
 * *import_index (may be NULL) is then its index among the module's imports. False for NULL
 * and for a module loaded with WVM_METER_INSTRUMENT (its injected import is not its own). */
WVM_API bool wvm_module_gas_import(const wvm_module *module, uint32_t *import_index);

/* ---- store ---- */

typedef struct wvm_store wvm_store;

/* A store is created and deleted by the user. It owns every instance, func, memory, table,
 * global and resumable call created in it: wvm_store_delete frees them all (running the
 * host functions' finalizers) and every pointer to them becomes invalid. Not thread-safe:
 * a store and its objects are used by one thread at a time (different stores may run on
 * different threads at once). user_data is borrowed, never freed by wvm. */

/* Returns NULL for a NULL engine or when out of memory. */
WVM_API wvm_store *wvm_store_new(wvm_engine *engine, void *user_data);
/* Frees the store and everything in it (NULL accepted). Must not be called from a host
 * callback running in that store. */
WVM_API void wvm_store_delete(wvm_store *store);
/* The user_data given to wvm_store_new (NULL for a NULL store). */
WVM_API void *wvm_store_user_data(const wvm_store *store);

/* Fuel of the store (meaningful when the engine meters). set_fuel sets the remaining fuel;
 * add_fuel adds to it (WVM_ERR_USAGE on overflow). fuel_consumed counts every unit charged
 * since the store was created. */
/* (Each ignores / answers 0 for a NULL store; add_fuel then returns WVM_ERR_USAGE.) */
WVM_API void wvm_store_set_fuel(wvm_store *store, uint64_t fuel);
WVM_API wvm_status wvm_store_add_fuel(wvm_store *store, uint64_t fuel);
WVM_API uint64_t wvm_store_fuel(const wvm_store *store);
WVM_API uint64_t wvm_store_fuel_consumed(const wvm_store *store);

/* ---- host functions ---- */

typedef struct wvm_caller wvm_caller;
typedef struct wvm_instance wvm_instance;
typedef struct wvm_extern wvm_extern;

/* A host function. args has the declared parameter count and types; results must be filled
 * with the declared result count and types. Returns WVM_TRAP_NONE to return normally, or a
 * trap code (usually WVM_TRAP_HOST) to trap; message (may be left empty) goes into the
 * caller's error report. */
typedef wvm_trap_code (*wvm_host_callback)(wvm_caller *caller, const wvm_val *args,
                                           wvm_val *results, void *env);
typedef void (*wvm_finalizer)(void *env);

/* A wvm_caller is borrowed by a host callback for the duration of that call only: it must
 * not be kept or used after the callback returns. */

/* The store of the call in progress (NULL for a NULL caller). */
WVM_API wvm_store *wvm_caller_store(wvm_caller *caller);
/* The calling Wasm instance (NULL when the host function is called directly by the host). */
WVM_API wvm_instance *wvm_caller_instance(wvm_caller *caller);
/* Looks up an export of the calling instance by name (NUL-terminated). False (out untouched)
 * when the host function was called directly by the host, the caller or name is NULL, or the
 * instance has no such export. The extern is borrowed from the store. */
WVM_API bool wvm_caller_export(wvm_caller *caller, const char *name, wvm_extern *out);
/* The calling instance's exported memory `name` (e.g. "memory"), or NULL as for
 * wvm_caller_export or when that export is not a memory. Borrowed from the store; its data
 * pointer may move when the memory grows (re-read it after calling back into Wasm). */
WVM_API wvm_memory *wvm_caller_memory(wvm_caller *caller, const char *name);
/* Charges amount fuel to the caller's store. When less remains, nothing is charged and the
 * function returns WVM_TRAP_OUT_OF_FUEL, which the host function should return to trap.
 * Without metering it always succeeds. */
WVM_API wvm_trap_code wvm_caller_consume_fuel(wvm_caller *caller, uint64_t amount);
/* Sets the message reported with the trap a host callback is about to return (copied; call
 * it just before returning the trap code). */
WVM_API void wvm_caller_set_trap_message(wvm_caller *caller, const char *message);

/* Creates a host function in store, which owns it (borrowed by the caller until the store is
 * deleted). type is copied. The finalizer (may be NULL) runs on env exactly once, when the
 * store is deleted. Returns NULL (and does not run the finalizer) when store, type or
 * callback is NULL, a kind in type is not a wvm_valkind, or out of memory. */
WVM_API wvm_func *wvm_func_new(wvm_store *store, const wvm_functype *type,
                               wvm_host_callback callback, void *env, wvm_finalizer finalizer);

/* ---- externs ---- */

/* A borrowed reference to a store's object of any kind. */
struct wvm_extern {
    wvm_externkind kind;    /* selects the member of `of` */
    union {
        wvm_func *func;
        wvm_table *table;
        wvm_memory *memory;
        wvm_global *global;
    } of;
};

/* Host-created memories, tables and globals (e.g. for the spec test `spectest` module),
 * owned by the store (borrowed by the caller until it is deleted). Each returns NULL when
 * store is NULL, the limits are inconsistent or above the engine's caps, a kind or init value
 * does not fit (funcrefs must belong to store), or out of memory. */
WVM_API wvm_memory *wvm_memory_new(wvm_store *store, uint32_t min_pages, uint32_t max_pages,
                                   bool has_max);
WVM_API wvm_table *wvm_table_new(wvm_store *store, wvm_valkind elem_kind, uint32_t min,
                                 uint32_t max, bool has_max, const wvm_val *init);
WVM_API wvm_global *wvm_global_new(wvm_store *store, wvm_valkind kind, bool mutable_,
                                   const wvm_val *value);

/* ---- linker ---- */

typedef struct wvm_linker wvm_linker;

WVM_API wvm_linker *wvm_linker_new(wvm_engine *engine);
/* Frees the linker and its copies of the names (NULL accepted); the items are not touched. */
WVM_API void wvm_linker_delete(wvm_linker *linker);
/* A linker is created and deleted by the user (wvm_linker_delete accepts NULL). It copies
 * the names it is given and borrows the items: an item must not be used to instantiate after
 * its store is deleted. Items of several stores may be defined; instantiation rejects those
 * of another store (WVM_ERR_USAGE). wvm_linker_new returns NULL for a NULL engine or when out
 * of memory. */

/* Defines (module, name) -> item. Redefinition replaces the previous item. WVM_ERR_USAGE
 * for a NULL argument or an extern with a NULL object, WVM_ERR_NOMEM when out of memory. */
WVM_API wvm_status wvm_linker_define(wvm_linker *linker, const char *module, const char *name,
                                     const wvm_extern *item, wvm_error *err);
/* Defines every export of instance under module name `module`. WVM_ERR_USAGE for a NULL
 * argument, WVM_ERR_NOMEM when out of memory (the exports defined until then stay). */
WVM_API wvm_status wvm_linker_define_instance(wvm_linker *linker, const char *module,
                                              wvm_instance *instance, wvm_error *err);
/* Creates a host function in store (as wvm_func_new) and defines it as (module, name).
 * On success the function is owned by store and the finalizer runs when the store is
 * deleted. On failure nothing is created or defined and the finalizer (if any) has already
 * run on env when this returns: it runs exactly once either way. WVM_ERR_USAGE for a NULL
 * linker, store, name, type or callback or an invalid type, WVM_ERR_NOMEM when out of
 * memory. */
WVM_API wvm_status wvm_linker_define_func(wvm_linker *linker, wvm_store *store,
                                          const char *module, const char *name,
                                          const wvm_functype *type, wvm_host_callback callback,
                                          void *env, wvm_finalizer finalizer, wvm_error *err);
/* Resolves module's imports against the linker, creates an instance in store (which owns it;
 * *out is borrowed until the store is deleted, NULL on failure), initialises segments and
 * runs the start function. WVM_ERR_UNLINKABLE for a missing or mismatched import,
 * WVM_ERR_USAGE for NULL arguments, an engine mismatch or an import of another store,
 * WVM_ERR_NOMEM beyond the engine's limits or when out of memory. On a trap during
 * initialisation the returned status is WVM_ERR_TRAP (the writes done before the trap stay
 * visible in shared memories/tables). */
WVM_API wvm_status wvm_linker_instantiate(wvm_linker *linker, wvm_store *store,
                                          const wvm_module *module, wvm_instance **out,
                                          wvm_error *err);

/* ---- instances ----
 *
 * An instance is owned by its store (there is no wvm_instance_delete) and borrowed until the
 * store is deleted; so are the objects its exports return. */

/* Looks up an export by name (NUL-terminated). Returns false (out untouched) when there is
 * none or instance/name is NULL; out may be NULL to test for presence. */
WVM_API bool wvm_instance_export(const wvm_instance *instance, const char *name,
                                 wvm_extern *out);
/* The same with an explicit name length: export names may contain NUL bytes. */
WVM_API bool wvm_instance_export_n(const wvm_instance *instance, const char *name,
                                   size_t name_len, wvm_extern *out);
/* The export `name` when it is of the function / memory / table / global kind; NULL when
 * there is no such export, it is of another kind, or instance/name is NULL. */
WVM_API wvm_func *wvm_instance_func(const wvm_instance *instance, const char *name);
WVM_API wvm_memory *wvm_instance_memory(const wvm_instance *instance, const char *name);
WVM_API wvm_table *wvm_instance_table(const wvm_instance *instance, const char *name);
WVM_API wvm_global *wvm_instance_global(const wvm_instance *instance, const char *name);

/* ---- functions ----
 *
 * A wvm_func is a Wasm function of an instance or a host function (wvm_func_new); either is
 * owned by its store. The queries return 0 for a NULL func or an index out of range. */

WVM_API uint32_t wvm_func_param_count(const wvm_func *func);
WVM_API uint32_t wvm_func_result_count(const wvm_func *func);
WVM_API wvm_valkind wvm_func_param_kind(const wvm_func *func, uint32_t i);
WVM_API wvm_valkind wvm_func_result_kind(const wvm_func *func, uint32_t i);
/* Fills *out with the function's type; the arrays are owned by the function (or its
 * module) and valid while the function's store lives. False (out untouched) for NULL
 * arguments. */
WVM_API bool wvm_func_type(const wvm_func *func, wvm_functype *out);

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

/* All owned by their store (instance-defined or host-created), borrowed until it is deleted.
 * Queries on a NULL object return NULL / 0 / false. */

/* The memory's bytes (NULL for a NULL memory). The pointer may move when the memory grows,
 * by wvm_memory_grow or by Wasm code: re-read it after either. */
WVM_API uint8_t *wvm_memory_data(wvm_memory *memory);
WVM_API size_t wvm_memory_size_bytes(const wvm_memory *memory);
WVM_API uint32_t wvm_memory_size_pages(const wvm_memory *memory);
/* The maximum its type declares: *has_max (may be NULL) tells whether there is one; without
 * one it returns 65536 (the 4 GiB limit). Growth is also capped by the engine's
 * max_memory_pages. 0 and *has_max false for a NULL memory. */
WVM_API uint32_t wvm_memory_max_pages(const wvm_memory *memory, bool *has_max);
/* Grows by delta pages; *old_pages (may be NULL) receives the previous size. WVM_ERR_USAGE
 * for a NULL memory, WVM_ERR_NOMEM beyond the maximum or when out of memory (the memory is
 * unchanged then). */
WVM_API wvm_status wvm_memory_grow(wvm_memory *memory, uint32_t delta, uint32_t *old_pages);

/* Reads the value (out untouched when global or out is NULL). */
WVM_API void wvm_global_get(const wvm_global *global, wvm_val *out);
/* WVM_ERR_USAGE for NULL arguments, an immutable global, a value of another kind or a
 * funcref of another store. */
WVM_API wvm_status wvm_global_set(wvm_global *global, const wvm_val *value, wvm_error *err);
/* The global's value kind ((wvm_valkind)0 for NULL) and mutability (false for NULL). */
WVM_API wvm_valkind wvm_global_kind(const wvm_global *global);
WVM_API bool wvm_global_is_mutable(const wvm_global *global);

WVM_API uint32_t wvm_table_size(const wvm_table *table);
/* WVM_FUNCREF or WVM_EXTERNREF ((wvm_valkind)0 for NULL). */
WVM_API wvm_valkind wvm_table_elem_kind(const wvm_table *table);
/* WVM_ERR_USAGE for a NULL table/out or an index out of range. */
WVM_API wvm_status wvm_table_get(const wvm_table *table, uint32_t index, wvm_val *out);
/* WVM_ERR_USAGE for a NULL table, an index out of range, or a value that is not of the
 * table's element kind (funcrefs must belong to the table's store). */
WVM_API wvm_status wvm_table_set(wvm_table *table, uint32_t index, const wvm_val *value);
/* Grows by delta elements set to *init (NULL: null references); *old_size (may be NULL)
 * receives the previous size. WVM_ERR_USAGE for a NULL table or an init value that does
 * not fit, WVM_ERR_NOMEM beyond the table's maximum, the engine's max_table_elems, or when
 * out of memory (the table is unchanged then). */
WVM_API wvm_status wvm_table_grow(wvm_table *table, uint32_t delta, const wvm_val *init,
                                  uint32_t *old_size);

#ifdef __cplusplus
}
#endif

#endif
