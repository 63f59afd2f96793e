/* The decoded form of a WebAssembly binary module (Wasm 2.0), and the loader's entry points.
 *
 * A wasm_module owns a private copy of the binary; every pointer into code, names and data
 * below points into that copy and lives as long as the module. After loader_decode succeeds
 * the module is well-formed; after loader_validate succeeds it is valid, and every later layer
 * (translator, instantiation) may rely on validity without re-checking.
 */
#ifndef WVM_LOADER_MODULE_H
#define WVM_LOADER_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Value types, by their binary encoding. */
typedef enum {
    WASM_I32 = 0x7F,
    WASM_I64 = 0x7E,
    WASM_F32 = 0x7D,
    WASM_F64 = 0x7C,
    WASM_V128 = 0x7B,
    WASM_FUNCREF = 0x70,
    WASM_EXTERNREF = 0x6F,
} wasm_valtype;

static inline bool wasm_is_reftype(uint8_t t) { return t == WASM_FUNCREF || t == WASM_EXTERNREF; }

/* Section ids of the binary format. */
typedef enum {
    SEC_CUSTOM = 0,
    SEC_TYPE = 1,
    SEC_IMPORT = 2,
    SEC_FUNCTION = 3,
    SEC_TABLE = 4,
    SEC_MEMORY = 5,
    SEC_GLOBAL = 6,
    SEC_EXPORT = 7,
    SEC_START = 8,
    SEC_ELEMENT = 9,
    SEC_CODE = 10,
    SEC_DATA = 11,
    SEC_DATA_COUNT = 12,
} wasm_section_id;

typedef enum {
    WASM_EXTERN_FUNC = 0,
    WASM_EXTERN_TABLE = 1,
    WASM_EXTERN_MEMORY = 2,
    WASM_EXTERN_GLOBAL = 3,
} wasm_externkind;

typedef struct {
    uint32_t nparams;
    uint32_t nresults;
    uint8_t *types;     /* nparams parameter types followed by nresults result types */
} wasm_functype;

static inline const uint8_t *wasm_functype_params(const wasm_functype *t) { return t->types; }
static inline const uint8_t *wasm_functype_results(const wasm_functype *t)
{
    return t->types ? t->types + t->nparams : NULL; /* types is NULL for [] -> [] */
}
bool wasm_functype_equal(const wasm_functype *a, const wasm_functype *b);

typedef struct {
    uint32_t min;
    uint32_t max;       /* meaningful only when has_max */
    bool has_max;
} wasm_limits;

typedef struct {
    uint8_t elemtype;   /* WASM_FUNCREF or WASM_EXTERNREF */
    wasm_limits limits;
} wasm_tabletype;

typedef struct {
    uint8_t valtype;
    bool mutable_;
} wasm_globaltype;

/* A constant expression, kept as its raw bytes (validated by loader_validate, evaluated at
 * instantiation). code[0..len) includes the terminating `end` (0x0B). */
typedef struct {
    const uint8_t *code;
    uint32_t len;
    size_t offset;      /* file offset of code[0] */
} wasm_constexpr;

typedef struct {
    const char *module; /* UTF-8, not NUL-terminated; use module_len */
    uint32_t module_len;
    const char *name;
    uint32_t name_len;
    uint8_t kind;       /* wasm_externkind */
    union {
        uint32_t func_type;     /* WASM_EXTERN_FUNC: type index */
        wasm_tabletype table;
        wasm_limits memory;
        wasm_globaltype global;
    } desc;
    size_t offset;      /* file offset of the import entry */
} wasm_import;

typedef struct {
    const char *name;   /* UTF-8, not NUL-terminated */
    uint32_t name_len;
    uint8_t kind;       /* wasm_externkind */
    uint32_t index;     /* into the index space of that kind (imports first) */
    size_t offset;
} wasm_export;

typedef struct {
    wasm_globaltype type;
    wasm_constexpr init;
} wasm_global;

typedef enum {
    WASM_SEGMENT_ACTIVE,
    WASM_SEGMENT_PASSIVE,
    WASM_SEGMENT_DECLARATIVE,   /* element segments only */
} wasm_segment_mode;

typedef struct {
    uint8_t mode;           /* wasm_segment_mode */
    uint8_t reftype;        /* WASM_FUNCREF or WASM_EXTERNREF */
    uint32_t table;         /* active only */
    wasm_constexpr offset;  /* active only */
    uint32_t count;         /* number of items */
    /* Exactly one of the two item arrays is used: func_indices for the encodings that list
     * function indices (flags 0-3), exprs for those that list expressions (flags 4-7). */
    uint32_t *func_indices;
    wasm_constexpr *exprs;
    size_t offset_in_file;
} wasm_elem;

typedef struct {
    uint8_t mode;           /* WASM_SEGMENT_ACTIVE or WASM_SEGMENT_PASSIVE */
    uint32_t memory;        /* active only */
    wasm_constexpr offset;  /* active only */
    const uint8_t *bytes;
    uint32_t len;
    size_t offset_in_file;
} wasm_data;

/* One defined (non-imported) function. */
typedef struct {
    uint32_t type;          /* type index */
    uint32_t nlocals;       /* declared locals, excluding parameters */
    uint8_t *local_types;   /* nlocals entries, expanded from the compressed groups */
    const uint8_t *code;    /* the instruction sequence, up to and including the final end */
    uint32_t code_len;
    size_t code_offset;     /* file offset of code[0] */
    size_t body_offset;     /* file offset of the body's size field */
} wasm_func;

typedef struct {
    const char *name;       /* UTF-8, not NUL-terminated */
    uint32_t name_len;
    const uint8_t *data;
    uint32_t len;
    size_t offset;          /* file offset of data[0] */
    uint8_t after_section;  /* id of the last non-custom section before it (0 = none) */
} wasm_custom;

/* A function name from the `name` custom section (subsection 1). */
typedef struct {
    uint32_t index;
    const char *name;
    uint32_t name_len;
} wasm_funcname;

typedef struct wasm_module {
    uint8_t *bytes;         /* the module's own copy of the binary */
    size_t size;

    wasm_functype *types;
    uint32_t ntypes;

    wasm_import *imports;
    uint32_t nimports;
    /* Number of imports of each kind; imports occupy the low indices of each index space. */
    uint32_t nfunc_imports, ntable_imports, nmemory_imports, nglobal_imports;

    /* Function index space: imported functions then defined ones. func_types[i] is the type
     * index of function i (imported or defined); funcs[i - nfunc_imports] its body. */
    uint32_t *func_types;
    uint32_t nfuncs_total;
    wasm_func *funcs;
    uint32_t nfuncs;        /* defined functions */

    /* Table / memory / global index spaces, imports included (copied from the imports). */
    wasm_tabletype *tables;
    uint32_t ntables;
    wasm_limits *memories;
    uint32_t nmemories;
    wasm_globaltype *global_types;
    uint32_t nglobals_total;
    wasm_global *globals;   /* defined globals only: index i - nglobal_imports */
    uint32_t nglobals;

    wasm_export *exports;
    uint32_t nexports;

    bool has_start;
    uint32_t start;

    wasm_elem *elems;
    uint32_t nelems;

    wasm_data *datas;
    uint32_t ndatas;
    bool has_data_count;
    uint32_t data_count;

    wasm_custom *customs;
    uint32_t ncustoms;

    /* From the `name` section, when present and well-formed (a broken name section is
     * ignored, as the spec requires of custom sections). Sorted by index. */
    const char *module_name;
    uint32_t module_name_len;
    wasm_funcname *func_names;
    uint32_t nfunc_names;

    /* Function indices that may be referenced by ref.func inside function bodies: those
     * mentioned in exports, element segments and global initialisers (C.ref in the spec).
     * declared_funcs[i] is true for such i; filled by loader_decode, used by validation. */
    bool *declared_funcs;
} wasm_module;

/* Decodes bytes[0..size) into *out (copying the bytes). On failure returns
 * WASM_ERR_MALFORMED (or WASM_ERR_UNSUPPORTED / WASM_ERR_NOMEM) with err's offset set, and
 * leaves *out empty. */
wasm_status loader_decode(const uint8_t *bytes, size_t size, wasm_module *out, wasm_error *err);

/* Validates a decoded module per the spec (module level and every function body).
 * Returns WASM_ERR_INVALID with offset (and func_index inside code) on failure. Code bodies
 * may also contain malformations that are only detected while decoding instructions; those
 * are reported as WASM_ERR_MALFORMED. */
wasm_status loader_validate(const wasm_module *m, wasm_error *err);

void loader_free(wasm_module *m);

/* The function's name from the name section, or NULL (name_len set to 0). */
const char *wasm_module_func_name(const wasm_module *m, uint32_t func_index, uint32_t *name_len);

#endif
