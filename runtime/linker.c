/* The linker: a name space of (module, name) -> extern definitions, and import matching.
 *
 * Owns: wvm_linker_* except instantiation (instance.c; wvm_linker_define_func creates its
 * host function through wvm_func_new), rt_linker_lookup and rt_import_check
 * (the Wasm 2.0 import subtyping rules, with the error messages the spec suite expects).
 *
 * Names are kept with explicit lengths, not as C strings: an instance's export names may
 * contain NUL bytes and must still match the import names of a later module. Lookup is a
 * linear scan: linkers hold tens to hundreds of definitions and each import is resolved once
 * per instantiation.
 */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *module;           /* module_len bytes, owned */
    size_t module_len;
    char *name;             /* name_len bytes, owned */
    size_t name_len;
    wvm_extern item;        /* borrowed from its store */
} rt_linker_entry;

struct wvm_linker {
    const wvm_engine *engine;
    rt_linker_entry *entries;
    size_t len;
    size_t cap;
};

wvm_linker *wvm_linker_new(wvm_engine *engine)
{
    if (!engine)
        return NULL;
    wvm_linker *linker = calloc(1, sizeof *linker);
    if (!linker)
        return NULL;
    linker->engine = engine;
    return linker;
}

void wvm_linker_delete(wvm_linker *linker)
{
    if (!linker)
        return;
    for (size_t i = 0; i < linker->len; i++) {
        free(linker->entries[i].module);
        free(linker->entries[i].name);
    }
    free(linker->entries);
    free(linker);
}

static rt_linker_entry *rt_linker_find(const wvm_linker *linker, const char *module,
                                       size_t module_len, const char *name, size_t name_len)
{
    for (size_t i = 0; i < linker->len; i++) {
        rt_linker_entry *e = &linker->entries[i];
        if (rt_name_eq(e->module, e->module_len, module, module_len) &&
            rt_name_eq(e->name, e->name_len, name, name_len))
            return e;
    }
    return NULL;
}

const wvm_extern *rt_linker_lookup(const wvm_linker *linker, const char *module,
                                   size_t module_len, const char *name, size_t name_len)
{
    rt_linker_entry *e = rt_linker_find(linker, module, module_len, name, name_len);
    return e ? &e->item : NULL;
}

static char *rt_memdup(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = 0;
    return p;
}

static bool rt_extern_ok(const wvm_extern *item)
{
    switch (item->kind) {
    case WVM_EXTERN_FUNC:
        return item->of.func != NULL;
    case WVM_EXTERN_TABLE:
        return item->of.table != NULL;
    case WVM_EXTERN_MEMORY:
        return item->of.memory != NULL;
    case WVM_EXTERN_GLOBAL:
        return item->of.global != NULL;
    }
    return false;
}

static wvm_status rt_linker_define(wvm_linker *linker, const char *module,
                                   size_t module_len, const char *name, size_t name_len,
                                   const wvm_extern *item, wvm_error *err)
{
    rt_linker_entry *e = rt_linker_find(linker, module, module_len, name, name_len);
    if (e) {
        e->item = *item;
        return WVM_OK;
    }
    if (linker->len == linker->cap) {
        size_t cap = linker->cap ? linker->cap * 2 : 16;
        rt_linker_entry *entries = realloc(linker->entries, cap * sizeof *entries);
        if (!entries)
            return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        linker->entries = entries;
        linker->cap = cap;
    }
    char *m = rt_memdup(module, module_len);
    char *n = rt_memdup(name, name_len);
    if (!m || !n) {
        free(m);
        free(n);
        return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    }
    linker->entries[linker->len++] = (rt_linker_entry){
        .module = m, .module_len = module_len, .name = n, .name_len = name_len, .item = *item};
    return WVM_OK;
}

wvm_status wvm_linker_define(wvm_linker *linker, const char *module, const char *name,
                             const wvm_extern *item, wvm_error *err)
{
    if (!linker || !module || !name || !item)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "missing linker, name or item");
    if (!rt_extern_ok(item))
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "invalid extern for \"%s\" \"%s\"",
                        module, name);
    return rt_linker_define(linker, module, strlen(module), name, strlen(name), item, err);
}

wvm_status wvm_linker_define_instance(wvm_linker *linker, const char *module,
                                      wvm_instance *instance, wvm_error *err)
{
    if (!linker || !module || !instance)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "missing linker, name or instance");
    const wasm_module *m = instance->vm.module;
    size_t module_len = strlen(module);
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wasm_export *exp = &m->exports[i];
        wvm_extern item;
        rt_instance_export_extern(instance, exp, &item);
        wvm_status st =
            rt_linker_define(linker, module, module_len, exp->name, exp->name_len, &item, err);
        if (st != WVM_OK)
            return st;
    }
    return WVM_OK;
}

wvm_status wvm_linker_define_func(wvm_linker *linker, wvm_store *store, const char *module,
                                  const char *name, const wvm_functype *type,
                                  wvm_host_callback callback, void *env, wvm_finalizer finalizer,
                                  wvm_error *err)
{
    wvm_status st;
    wvm_func *f = NULL;
    if (!linker || !store || !module || !name || !type || !callback) {
        st = rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                      "missing linker, store, name, type or callback");
        goto fail;
    }
    if (!rt_functype_ok(type)) {
        st = rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                      "invalid function type for \"%s\" \"%s\"", module, name);
        goto fail;
    }
    /* The finalizer is attached only once the definition exists, so that a failure below
     * runs it here, exactly once. */
    f = wvm_func_new(store, type, callback, env, NULL);
    if (!f) {
        st = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        goto fail;
    }
    wvm_extern item = {.kind = WVM_EXTERN_FUNC, .of.func = f};
    st = rt_linker_define(linker, module, strlen(module), name, strlen(name), &item, err);
    if (st != WVM_OK) {
        /* Nothing refers to f yet: it can leave the store again. */
        rt_func_discard(f);
        goto fail;
    }
    f->finalizer = finalizer;
    return WVM_OK;

fail:
    if (finalizer)
        finalizer(env);
    return st;
}

/* ---- import matching ---- */

/* A small string builder over a fixed buffer (truncates silently). */
typedef struct {
    char *buf;
    size_t cap;
    size_t len;
} rt_sbuf;

static void rt_sbuf_printf(rt_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rt_sbuf_printf(rt_sbuf *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    b->len += (size_t)n;
    if (b->len >= b->cap)
        b->len = b->cap - 1;
}

static void rt_describe_limits(rt_sbuf *b, uint32_t min, bool has_max, uint32_t max)
{
    if (has_max)
        rt_sbuf_printf(b, " {min %u, max %u}", min, max);
    else
        rt_sbuf_printf(b, " {min %u, no max}", min);
}

static void rt_describe_functype(rt_sbuf *b, const wasm_functype *t)
{
    rt_sbuf_printf(b, "func [");
    for (uint32_t i = 0; i < t->nparams; i++)
        rt_sbuf_printf(b, "%s%s", i ? " " : "", rt_valtype_name(wasm_functype_params(t)[i]));
    rt_sbuf_printf(b, "] -> [");
    for (uint32_t i = 0; i < t->nresults; i++)
        rt_sbuf_printf(b, "%s%s", i ? " " : "", rt_valtype_name(wasm_functype_results(t)[i]));
    rt_sbuf_printf(b, "]");
}

static void rt_describe_global(rt_sbuf *b, uint8_t type, bool mutable_)
{
    if (mutable_)
        rt_sbuf_printf(b, "global (mut %s)", rt_valtype_name(type));
    else
        rt_sbuf_printf(b, "global %s", rt_valtype_name(type));
}

/* The type an import declares. */
static void rt_describe_import(rt_sbuf *b, const wasm_module *m, const wasm_import *imp)
{
    switch (imp->kind) {
    case WASM_EXTERN_FUNC:
        rt_describe_functype(b, &m->types[imp->desc.func_type]);
        break;
    case WASM_EXTERN_TABLE:
        rt_sbuf_printf(b, "table %s", rt_valtype_name(imp->desc.table.elemtype));
        rt_describe_limits(b, imp->desc.table.limits.min, imp->desc.table.limits.has_max,
                           imp->desc.table.limits.max);
        break;
    case WASM_EXTERN_MEMORY:
        rt_sbuf_printf(b, "memory");
        rt_describe_limits(b, imp->desc.memory.min, imp->desc.memory.has_max,
                           imp->desc.memory.max);
        break;
    case WASM_EXTERN_GLOBAL:
        rt_describe_global(b, imp->desc.global.valtype, imp->desc.global.mutable_);
        break;
    }
}

wvm_status rt_error_unknown_import(wvm_error *err, const wasm_module *m, const wasm_import *imp)
{
    char expected[96];
    rt_sbuf eb = {expected, sizeof expected, 0};
    expected[0] = 0;
    rt_describe_import(&eb, m, imp);
    return rt_error(err, WVM_ERR_UNLINKABLE, imp->offset, WVM_NO_FUNC,
                    "unknown import: \"%.*s\" \"%.*s\" (expects %s)", (int)imp->module_len,
                    imp->module, (int)imp->name_len, imp->name, expected);
}

/* The current type of a definition (tables and memories by their current size). */
static void rt_describe_extern(rt_sbuf *b, const wvm_extern *item)
{
    switch (item->kind) {
    case WVM_EXTERN_FUNC:
        rt_describe_functype(b, item->of.func->vm.type);
        break;
    case WVM_EXTERN_TABLE: {
        const vm_table *t = &item->of.table->vm;
        rt_sbuf_printf(b, "table %s", rt_valtype_name(t->elemtype));
        rt_describe_limits(b, t->size, t->has_max, t->declared_max);
        break;
    }
    case WVM_EXTERN_MEMORY: {
        const vm_memory *mem = &item->of.memory->vm;
        rt_sbuf_printf(b, "memory");
        rt_describe_limits(b, mem->pages, mem->has_max, mem->declared_max);
        break;
    }
    case WVM_EXTERN_GLOBAL:
        rt_describe_global(b, item->of.global->vm.type, item->of.global->vm.mutable_);
        break;
    }
}

static bool rt_functype_eq(const wasm_functype *a, const wasm_functype *b)
{
    if (a->nparams != b->nparams || a->nresults != b->nresults)
        return false;
    size_t n = (size_t)a->nparams + a->nresults;
    return n == 0 || memcmp(a->types, b->types, n) == 0;
}

/* Limits subtyping: the actual limits {amin, amax?} match the expected {emin, emax?}. */
static bool rt_limits_match(uint32_t amin, bool ahas_max, uint32_t amax, const wasm_limits *e)
{
    if (amin < e->min)
        return false;
    if (e->has_max && (!ahas_max || amax > e->max))
        return false;
    return true;
}

static wvm_store *rt_extern_store(const wvm_extern *item)
{
    switch (item->kind) {
    case WVM_EXTERN_FUNC:
        return item->of.func->store;
    case WVM_EXTERN_TABLE:
        return item->of.table->store;
    case WVM_EXTERN_MEMORY:
        return item->of.memory->store;
    case WVM_EXTERN_GLOBAL:
        return item->of.global->store;
    }
    return NULL;
}

wvm_status rt_import_check(const wvm_store *store, const wasm_module *m, const wasm_import *imp,
                           const wvm_extern *item, wvm_error *err)
{
    bool ok = false;
    if ((int)item->kind == (int)imp->kind) {
        switch (imp->kind) {
        case WASM_EXTERN_FUNC:
            ok = rt_functype_eq(&m->types[imp->desc.func_type], item->of.func->vm.type);
            break;
        case WASM_EXTERN_TABLE: {
            const vm_table *t = &item->of.table->vm;
            ok = t->elemtype == imp->desc.table.elemtype &&
                 rt_limits_match(t->size, t->has_max, t->declared_max, &imp->desc.table.limits);
            break;
        }
        case WASM_EXTERN_MEMORY: {
            const vm_memory *mem = &item->of.memory->vm;
            ok = rt_limits_match(mem->pages, mem->has_max, mem->declared_max, &imp->desc.memory);
            break;
        }
        case WASM_EXTERN_GLOBAL: {
            const vm_global *g = &item->of.global->vm;
            ok = g->type == imp->desc.global.valtype && g->mutable_ == imp->desc.global.mutable_;
            break;
        }
        }
    }
    if (!ok) {
        char expected[96], actual[96];
        rt_sbuf eb = {expected, sizeof expected, 0}, ab = {actual, sizeof actual, 0};
        expected[0] = actual[0] = 0;
        rt_describe_import(&eb, m, imp);
        rt_describe_extern(&ab, item);
        return rt_error(err, WVM_ERR_UNLINKABLE, imp->offset, WVM_NO_FUNC,
                        "incompatible import type: \"%.*s\" \"%.*s\" expects %s, got %s",
                        (int)imp->module_len, imp->module, (int)imp->name_len, imp->name,
                        expected, actual);
    }
    if (rt_extern_store(item) != store)
        return rt_error(err, WVM_ERR_USAGE, imp->offset, WVM_NO_FUNC,
                        "import \"%.*s\" \"%.*s\" belongs to a different store",
                        (int)imp->module_len, imp->module, (int)imp->name_len, imp->name);
    return WVM_OK;
}
