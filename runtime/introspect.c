/* Module introspection: the public types of a module's imports and exports.
 *
 * Owns: rt_module_types (run once by wvm_module_new: converts the module's type bytes into
 * the wvm_valkind arrays and wvm_importtype / wvm_exporttype records the API hands out, so
 * that later queries neither allocate nor fail), rt_module_types_free, wvm_module_import*,
 * wvm_module_export*, wvm_module_start, wvm_module_gas_import and wvm_version.
 */
#include "rt.h"

#include "instrument.h"

#include <stdlib.h>
#include <string.h>

const char *wvm_version(void) { return WVM_VERSION_STRING; }

static wvm_limits rt_limits_pub(const wasm_limits *l)
{
    return (wvm_limits){.min = l->min, .max = l->has_max ? l->max : 0, .has_max = l->has_max};
}

/* The public type of the extern of `kind` described by the module's own records. For
 * functions, type_index names the type; for the others the type struct is given. */
static void rt_externtype_func(const wvm_module *module, uint32_t type_index,
                               wvm_externtype *out)
{
    out->kind = WVM_EXTERN_FUNC;
    out->of.func = module->functypes[type_index];
}

static void rt_externtype_table(const wasm_tabletype *t, wvm_externtype *out)
{
    out->kind = WVM_EXTERN_TABLE;
    out->of.table.elem_kind = (wvm_valkind)t->elemtype;
    out->of.table.limits = rt_limits_pub(&t->limits);
}

static void rt_externtype_memory(const wasm_limits *l, wvm_externtype *out)
{
    out->kind = WVM_EXTERN_MEMORY;
    out->of.memory = rt_limits_pub(l);
}

static void rt_externtype_global(const wasm_globaltype *g, wvm_externtype *out)
{
    out->kind = WVM_EXTERN_GLOBAL;
    out->of.global.kind = (wvm_valkind)g->valtype;
    out->of.global.mutable_ = g->mutable_;
}

/* calloc of n items that treats n == 0 as success (NULL). */
static bool rt_calloc_n(void *out, size_t n, size_t size)
{
    void *p = NULL;
    if (n) {
        if (n > SIZE_MAX / size)
            return false;
        p = calloc(n, size);
        if (!p)
            return false;
    }
    memcpy(out, &p, sizeof p);
    return true;
}

bool rt_module_types(wvm_module *module)
{
    const wasm_module *m = &module->m;
    size_t nkinds = 0;
    for (uint32_t i = 0; i < m->ntypes; i++)
        nkinds += (size_t)m->types[i].nparams + m->types[i].nresults;
    if (!rt_calloc_n(&module->functypes, m->ntypes, sizeof *module->functypes) ||
        !rt_calloc_n(&module->valkinds, nkinds, sizeof *module->valkinds) ||
        !rt_calloc_n(&module->imports, m->nimports, sizeof *module->imports) ||
        !rt_calloc_n(&module->exports, m->nexports, sizeof *module->exports))
        return false;

    /* valkinds is NULL when no type has a parameter or result: only a type with some
     * indexes it (never NULL + 0) */
    size_t at = 0;
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const wasm_functype *t = &m->types[i];
        wvm_functype *pt = &module->functypes[i];
        size_t n = (size_t)t->nparams + t->nresults;
        for (size_t j = 0; j < n; j++)
            module->valkinds[at + j] = (wvm_valkind)t->types[j];
        pt->nparams = t->nparams;
        pt->nresults = t->nresults;
        pt->params = t->nparams ? &module->valkinds[at] : NULL;
        pt->results = t->nresults ? &module->valkinds[at + t->nparams] : NULL;
        at += n;
    }

    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasm_import *imp = &m->imports[i];
        wvm_importtype *out = &module->imports[i];
        out->module = imp->module;
        out->module_len = imp->module_len;
        out->name = imp->name;
        out->name_len = imp->name_len;
        switch (imp->kind) {
        case WASM_EXTERN_FUNC:
            rt_externtype_func(module, imp->desc.func_type, &out->type);
            break;
        case WASM_EXTERN_TABLE:
            rt_externtype_table(&imp->desc.table, &out->type);
            break;
        case WASM_EXTERN_MEMORY:
            rt_externtype_memory(&imp->desc.memory, &out->type);
            break;
        case WASM_EXTERN_GLOBAL:
            rt_externtype_global(&imp->desc.global, &out->type);
            break;
        }
    }

    /* Exports index the module's index spaces, which list imports first. */
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wasm_export *exp = &m->exports[i];
        wvm_exporttype *out = &module->exports[i];
        out->name = exp->name;
        out->name_len = exp->name_len;
        switch (exp->kind) {
        case WASM_EXTERN_FUNC:
            rt_externtype_func(module, m->func_types[exp->index], &out->type);
            break;
        case WASM_EXTERN_TABLE:
            rt_externtype_table(&m->tables[exp->index], &out->type);
            break;
        case WASM_EXTERN_MEMORY:
            rt_externtype_memory(&m->memories[exp->index], &out->type);
            break;
        case WASM_EXTERN_GLOBAL:
            rt_externtype_global(&m->global_types[exp->index], &out->type);
            break;
        }
    }
    return true;
}

void rt_module_types_free(wvm_module *module)
{
    free(module->functypes);
    free(module->valkinds);
    free(module->imports);
    free(module->exports);
    module->functypes = NULL;
    module->valkinds = NULL;
    module->imports = NULL;
    module->exports = NULL;
}

uint32_t wvm_module_import_count(const wvm_module *module)
{
    /* An import wvm injected is the last one: hiding it leaves the user's numbering. */
    return module ? module->m.nimports - module->gas_injected : 0;
}

bool wvm_module_import(const wvm_module *module, uint32_t index, wvm_importtype *out)
{
    if (!module || !out || index >= wvm_module_import_count(module))
        return false;
    *out = module->imports[index];
    return true;
}

uint32_t wvm_module_export_count(const wvm_module *module)
{
    return module ? module->m.nexports : 0;
}

bool wvm_module_export(const wvm_module *module, uint32_t index, wvm_exporttype *out)
{
    if (!module || !out || index >= module->m.nexports)
        return false;
    *out = module->exports[index];
    return true;
}

/* The public type of a function: a host function's own copy, or its module's. */
bool wvm_func_type(const wvm_func *func, wvm_functype *out)
{
    if (!func || !out)
        return false;
    if (!func->vm.instance) {
        *out = func->host_pub_type;
        return true;
    }
    const wvm_instance *inst = func->vm.instance->embedder;
    const wvm_module *module = inst->module;
    *out = module->functypes[func->vm.type - module->m.types];
    return true;
}

bool wvm_module_gas_import(const wvm_module *module, uint32_t *import_index)
{
    if (!module || module->gas_injected)
        return false;
    uint32_t i = rt_instr_find_gas_import(&module->m);
    if (i == UINT32_MAX)
        return false;
    if (import_index)
        *import_index = i;
    return true;
}

/* The index among m's imports of function func_index, or UINT32_MAX for a defined function
 * (function imports take the low function indices, in import order). */
static uint32_t rt_func_import(const wasm_module *m, uint32_t func_index)
{
    if (func_index >= m->nfunc_imports)
        return UINT32_MAX;
    for (uint32_t i = 0, funcs = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WASM_EXTERN_FUNC && funcs++ == func_index)
            return i;
    return UINT32_MAX; /* not reached in a decoded module */
}

bool wvm_module_start(const wvm_module *module, uint32_t *import_index)
{
    if (!module || !module->m.has_start)
        return false;
    if (import_index)
        *import_index = rt_func_import(&module->m, module->m.start);
    return true;
}
