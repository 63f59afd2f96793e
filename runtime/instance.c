/* Instantiation (Wasm 2.0, section 4.5.4) and instances.
 *
 * Owns: wvm_linker_instantiate, the constant-expression evaluator, wvm_instance_export and
 * its kind-specific forms (wvm_instance_func / _memory / _table / _global), and the release
 * of an instance's objects.
 *
 * Order of instantiation, and where a failure leaves things:
 *   1. resolve and check every import              -> UNLINKABLE, nothing created
 *   2. allocate functions, tables, memories, globals (init expressions evaluated), element
 *      segments (items evaluated) and data segments -> NOMEM, nothing visible outside
 *   3. the instance is registered in the store: from here on it lives until the store dies,
 *      because the steps below may publish its functions (e.g. into an imported table)
 *   4. active element segments in order: bounds check, copy, drop; declarative ones dropped
 *   5. active data segments in order: bounds check, copy, drop
 *   6. the start function
 * A trap in 4-6 returns WVM_ERR_TRAP and leaves the writes already done in place.
 */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/opcodes.h"
#include "../loader/reader.h"

/* Operand stack depth of the constant-expression evaluator. Wasm 2.0 expressions need 1;
 * extended-const ones nest arithmetic and rarely need more than a few. */
#define RT_CONST_STACK 64

static wvm_status rt_const_fail(wvm_error *err, const wasm_constexpr *e, const char *what)
{
    return rt_error(err, WVM_ERR_INVALID, e->offset, WVM_NO_FUNC,
                    "constant expression: %s", what);
}

/* Evaluates e in the context of inst (whose funcs are all set and whose globals are set up to
 * the ones e may reference). */
static wvm_status rt_eval_const(const wvm_instance *inst, const wasm_constexpr *e, vm_slot *out,
                                wvm_error *err)
{
    const wasm_module *m = inst->vm.module;
    wasm_reader r;
    vm_slot stack[RT_CONST_STACK];
    uint32_t sp = 0;

    reader_init(&r, m->bytes, e->code, e->code + e->len);
    for (;;) {
        uint8_t op;
        vm_slot v = 0;
        if (!reader_u8(&r, &op))
            return rt_const_fail(err, e, "missing end");
        switch (op) {
        case WASM_OP_i32_const: {
            int32_t x;
            if (!reader_s32(&r, &x))
                return rt_const_fail(err, e, r.error);
            v = (uint32_t)x;
            break;
        }
        case WASM_OP_i64_const: {
            int64_t x;
            if (!reader_s64(&r, &x))
                return rt_const_fail(err, e, r.error);
            v = (uint64_t)x;
            break;
        }
        case WASM_OP_f32_const: {
            uint32_t bits;
            if (!reader_f32(&r, &bits))
                return rt_const_fail(err, e, r.error);
            v = bits;
            break;
        }
        case WASM_OP_f64_const:
            if (!reader_f64(&r, &v))
                return rt_const_fail(err, e, r.error);
            break;
        case WASM_OP_ref_null: {
            uint8_t type;
            if (!reader_u8(&r, &type))
                return rt_const_fail(err, e, r.error);
            v = 0;
            break;
        }
        case WASM_OP_ref_func: {
            uint32_t idx;
            if (!reader_u32(&r, &idx))
                return rt_const_fail(err, e, r.error);
            if (idx >= m->nfuncs_total)
                return rt_const_fail(err, e, "unknown function");
            v = (vm_slot)(uintptr_t)inst->vm.funcs[idx];
            break;
        }
        case WASM_OP_global_get: {
            uint32_t idx;
            if (!reader_u32(&r, &idx))
                return rt_const_fail(err, e, r.error);
            if (idx >= m->nglobals_total || !inst->vm.globals[idx])
                return rt_const_fail(err, e, "unknown global");
            v = inst->vm.globals[idx]->value;
            break;
        }
        case WASM_OP_i32_add:
        case WASM_OP_i32_sub:
        case WASM_OP_i32_mul:
        case WASM_OP_i64_add:
        case WASM_OP_i64_sub:
        case WASM_OP_i64_mul: {
            if (sp < 2)
                return rt_const_fail(err, e, "type mismatch");
            vm_slot b = stack[--sp], a = stack[--sp];
            uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
            switch (op) {
            case WASM_OP_i32_add:
                v = (uint32_t)(a32 + b32);
                break;
            case WASM_OP_i32_sub:
                v = (uint32_t)(a32 - b32);
                break;
            case WASM_OP_i32_mul:
                v = (uint32_t)(a32 * b32);
                break;
            case WASM_OP_i64_add:
                v = a + b;
                break;
            case WASM_OP_i64_sub:
                v = a - b;
                break;
            default:
                v = a * b;
                break;
            }
            break;
        }
        case WASM_OP_end:
            if (sp != 1)
                return rt_const_fail(err, e, "type mismatch");
            *out = stack[0];
            return WVM_OK;
        default:
            return rt_error(err, WVM_ERR_UNSUPPORTED, e->offset, WVM_NO_FUNC,
                            "constant expression: unsupported instruction 0x%02x", op);
        }
        if (sp == RT_CONST_STACK)
            return rt_error(err, WVM_ERR_UNSUPPORTED, e->offset, WVM_NO_FUNC,
                            "constant expression nests too deeply");
        stack[sp++] = v;
    }
}

/* ---- instance lifetime ---- */

void rt_instance_free(wvm_instance *inst)
{
    if (!inst)
        return;
    for (uint32_t i = 0; i < inst->ntables_ready; i++)
        vm_table_free(&inst->own_tables[i].vm);
    for (uint32_t i = 0; i < inst->nmemories_ready; i++)
        vm_memory_free(&inst->own_memories[i].vm);
    free(inst->elem_refs);
    free(inst->own_funcs);
    free(inst->own_tables);
    free(inst->own_memories);
    free(inst->own_globals);
    free(inst->vm.funcs);
    free(inst->vm.tables);
    free(inst->vm.memories);
    free(inst->vm.globals);
    free(inst->vm.elems);
    free(inst->vm.datas);
    if (inst->module)
        rt_module_release(inst->module);
    free(inst);
}

/* calloc that treats n == 0 as success (returning NULL). */
static bool rt_alloc_array(void *out, size_t n, size_t size)
{
    void *p = NULL;
    if (n) {
        p = calloc(n, size);
        if (!p)
            return false;
    }
    memcpy(out, &p, sizeof p);
    return true;
}

static wvm_status rt_instance_alloc(wvm_store *store, wvm_module *module, wvm_instance **out,
                                    wvm_error *err)
{
    const wasm_module *m = &module->m;
    wvm_instance *inst = calloc(1, sizeof *inst);
    if (!inst)
        return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    inst->store = store;
    inst->module = module;
    rt_module_retain(module);
    inst->vm.module = m;
    inst->vm.embedder = inst;
    if (!rt_alloc_array(&inst->vm.funcs, m->nfuncs_total, sizeof(vm_func *)) ||
        !rt_alloc_array(&inst->vm.tables, m->ntables, sizeof(vm_table *)) ||
        !rt_alloc_array(&inst->vm.memories, m->nmemories, sizeof(vm_memory *)) ||
        !rt_alloc_array(&inst->vm.globals, m->nglobals_total, sizeof(vm_global *)) ||
        !rt_alloc_array(&inst->vm.elems, m->nelems, sizeof(vm_elem_segment)) ||
        !rt_alloc_array(&inst->vm.datas, m->ndatas, sizeof(vm_data_segment)) ||
        !rt_alloc_array(&inst->own_funcs, m->nfuncs, sizeof(wvm_func)) ||
        !rt_alloc_array(&inst->own_tables, m->ntables - m->ntable_imports, sizeof(wvm_table)) ||
        !rt_alloc_array(&inst->own_memories, m->nmemories - m->nmemory_imports,
                        sizeof(wvm_memory)) ||
        !rt_alloc_array(&inst->own_globals, m->nglobals, sizeof(wvm_global))) {
        rt_instance_free(inst);
        return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    }
    *out = inst;
    return WVM_OK;
}

/* Step 1: imports into the low indices of each index space. */
static wvm_status rt_resolve_imports(wvm_linker *linker, wvm_instance *inst, wvm_error *err)
{
    const wasm_module *m = inst->vm.module;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasm_import *imp = &m->imports[i];
        if (i == inst->module->gas_import) {
            /* Bound to the store's fuel, whatever the linker defines. */
            const wasm_functype *t = &m->types[imp->desc.func_type];
            wvm_func *gas = rt_store_gas_func(inst->store, t->types[0]);
            if (!gas)
                return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
            inst->vm.funcs[nf++] = &gas->vm;
            continue;
        }
        const wvm_extern *item =
            rt_linker_lookup(linker, imp->module, imp->module_len, imp->name, imp->name_len);
        if (!item)
            return rt_error_unknown_import(err, m, imp);
        wvm_status st = rt_import_check(inst->store, m, imp, item, err);
        if (st != WVM_OK)
            return st;
        switch (imp->kind) {
        case WASM_EXTERN_FUNC:
            inst->vm.funcs[nf++] = &item->of.func->vm;
            break;
        case WASM_EXTERN_TABLE:
            inst->vm.tables[nt++] = &item->of.table->vm;
            break;
        case WASM_EXTERN_MEMORY:
            inst->vm.memories[nm++] = &item->of.memory->vm;
            break;
        case WASM_EXTERN_GLOBAL:
            inst->vm.globals[ng++] = &item->of.global->vm;
            break;
        }
    }
    return WVM_OK;
}

/* Step 2: the instance's own objects and its segments' contents. */
static wvm_status rt_allocate_defined(wvm_instance *inst, wvm_error *err)
{
    wvm_store *store = inst->store;
    const wasm_module *m = inst->vm.module;
    wvm_status st;

    for (uint32_t i = 0; i < m->nfuncs; i++) {
        uint32_t idx = m->nfunc_imports + i;
        wvm_func *f = &inst->own_funcs[i];
        f->vm.type = &m->types[m->func_types[idx]];
        f->vm.instance = &inst->vm;
        f->vm.code = inst->module->codes[i];
        f->vm.func_index = idx;
        f->vm.embedder = f;
        f->store = store;
        inst->vm.funcs[idx] = &f->vm;
    }

    for (uint32_t i = 0; i < m->ntables - m->ntable_imports; i++) {
        const wasm_tabletype *tt = &m->tables[m->ntable_imports + i];
        uint32_t cap = store->config.max_table_elems;
        if (tt->limits.has_max && tt->limits.max < cap)
            cap = tt->limits.max;
        if (tt->limits.min > cap)
            return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC,
                            "table of %u elements exceeds the limit of %u", tt->limits.min,
                            store->config.max_table_elems);
        wvm_table *t = &inst->own_tables[i];
        t->store = store;
        if (!vm_table_init(&t->vm, tt->elemtype, tt->limits.min, cap, tt->limits.has_max,
                           tt->limits.max, 0))
            return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        inst->ntables_ready++;
        inst->vm.tables[m->ntable_imports + i] = &t->vm;
    }

    for (uint32_t i = 0; i < m->nmemories - m->nmemory_imports; i++) {
        const wasm_limits *lim = &m->memories[m->nmemory_imports + i];
        uint32_t cap = store->config.max_memory_pages;
        if (lim->has_max && lim->max < cap)
            cap = lim->max;
        if (lim->min > cap)
            return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC,
                            "memory of %u pages exceeds the limit of %u", lim->min,
                            store->config.max_memory_pages);
        wvm_memory *mem = &inst->own_memories[i];
        mem->store = store;
        if (!vm_memory_init(&mem->vm, lim->min, cap, lim->has_max, lim->max))
            return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        inst->nmemories_ready++;
        inst->vm.memories[m->nmemory_imports + i] = &mem->vm;
    }
    inst->vm.memory0 = m->nmemories ? inst->vm.memories[0] : NULL;

    /* Each global is visible to the initialisers after it (extended-const allows global.get
     * of earlier defined globals; plain 2.0 validation only admits imported ones). */
    for (uint32_t i = 0; i < m->nglobals; i++) {
        const wasm_global *g = &m->globals[i];
        wvm_global *wg = &inst->own_globals[i];
        wg->store = store;
        wg->vm.type = g->type.valtype;
        wg->vm.mutable_ = g->type.mutable_;
        st = rt_eval_const(inst, &g->init, &wg->vm.value, err);
        if (st != WVM_OK)
            return st;
        inst->vm.globals[m->nglobal_imports + i] = &wg->vm;
    }

    uint64_t nrefs = 0;
    for (uint32_t i = 0; i < m->nelems; i++)
        if (m->elems[i].mode != WASM_SEGMENT_DECLARATIVE)
            nrefs += m->elems[i].count;
    if (nrefs > SIZE_MAX / sizeof(vm_slot) ||
        !rt_alloc_array(&inst->elem_refs, (size_t)nrefs, sizeof(vm_slot)))
        return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    vm_slot *refs = inst->elem_refs;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wasm_elem *e = &m->elems[i];
        vm_elem_segment *seg = &inst->vm.elems[i];
        if (e->mode == WASM_SEGMENT_DECLARATIVE)
            continue; /* dropped at instantiation: len stays 0 */
        seg->refs = refs;
        for (uint32_t j = 0; j < e->count; j++) {
            if (e->exprs) {
                st = rt_eval_const(inst, &e->exprs[j], &refs[j], err);
                if (st != WVM_OK)
                    return st;
            } else {
                refs[j] = (vm_slot)(uintptr_t)inst->vm.funcs[e->func_indices[j]];
            }
        }
        seg->len = e->count;
        if (e->count) /* refs is NULL when no segment has elements: no NULL + 0 */
            refs += e->count;
    }

    for (uint32_t i = 0; i < m->ndatas; i++) {
        inst->vm.datas[i].bytes = m->datas[i].bytes;
        inst->vm.datas[i].len = m->datas[i].len;
    }
    return WVM_OK;
}

static wvm_status rt_init_trap(wvm_error *err, wvm_trap_code code, uint64_t offset)
{
    if (err) {
        err->status = WVM_ERR_TRAP;
        err->trap = code;
        err->offset = offset;
        err->func_index = WVM_NO_FUNC;
        snprintf(err->message, sizeof err->message, "%s", wvm_trap_name(code));
    }
    return WVM_ERR_TRAP;
}

/* Steps 4 and 5. */
static wvm_status rt_init_segments(wvm_instance *inst, wvm_error *err)
{
    const wasm_module *m = inst->vm.module;
    wvm_status st;

    for (uint32_t i = 0; i < m->nelems; i++) {
        const wasm_elem *e = &m->elems[i];
        vm_elem_segment *seg = &inst->vm.elems[i];
        if (e->mode != WASM_SEGMENT_ACTIVE)
            continue;
        vm_slot offset;
        st = rt_eval_const(inst, &e->offset, &offset, err);
        if (st != WVM_OK)
            return st;
        vm_table *tab = inst->vm.tables[e->table];
        uint64_t start = (uint32_t)offset;
        if (start + seg->len > tab->size)
            return rt_init_trap(err, WVM_TRAP_TABLE_OUT_OF_BOUNDS, e->offset_in_file);
        if (seg->len)
            memcpy(tab->elems + start, seg->refs, (size_t)seg->len * sizeof(vm_slot));
        seg->len = 0;
    }

    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wasm_data *d = &m->datas[i];
        vm_data_segment *seg = &inst->vm.datas[i];
        if (d->mode != WASM_SEGMENT_ACTIVE)
            continue;
        vm_slot offset;
        st = rt_eval_const(inst, &d->offset, &offset, err);
        if (st != WVM_OK)
            return st;
        vm_memory *mem = inst->vm.memories[d->memory];
        uint64_t start = (uint32_t)offset;
        if (start + seg->len > mem->size)
            return rt_init_trap(err, WVM_TRAP_MEMORY_OUT_OF_BOUNDS, d->offset_in_file);
        if (seg->len)
            memcpy(mem->data + start, seg->bytes, seg->len);
        seg->len = 0;
    }
    return WVM_OK;
}

wvm_status wvm_linker_instantiate(wvm_linker *linker, wvm_store *store,
                                  const wvm_module *module, wvm_instance **out, wvm_error *err)
{
    wvm_instance *inst = NULL;
    wvm_status st;

    if (out)
        *out = NULL;
    if (!linker || !store || !module || !out)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "missing linker, store, module or output pointer");
    if (module->engine != store->engine)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC,
                        "the module was created by a different engine than the store");

    /* The instance holds a reference: the module object itself is never modified. */
    st = rt_instance_alloc(store, (wvm_module *)module, &inst, err);
    if (st != WVM_OK)
        return st;
    st = rt_resolve_imports(linker, inst, err);
    if (st != WVM_OK)
        goto fail;
    st = rt_allocate_defined(inst, err);
    if (st != WVM_OK)
        goto fail;
    if (!rt_store_add_instance(store, inst)) {
        st = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        goto fail;
    }

    /* The store owns the instance from here on, whatever happens. */
    st = rt_init_segments(inst, err);
    if (st != WVM_OK)
        return st;
    const wasm_module *m = inst->vm.module;
    if (m->has_start) {
        vm_slot none[1] = {0};
        st = rt_call_slots(store, inst->vm.funcs[m->start], none, none, err);
        if (st != WVM_OK)
            return st;
    }
    *out = inst;
    return WVM_OK;

fail:
    rt_instance_free(inst);
    return st;
}

/* ---- exports ---- */

void rt_instance_export_extern(const wvm_instance *inst, const wasm_export *exp,
                               wvm_extern *out)
{
    out->kind = (wvm_externkind)exp->kind;
    switch (exp->kind) {
    case WASM_EXTERN_FUNC:
        out->of.func = rt_func_of(inst->vm.funcs[exp->index]);
        break;
    case WASM_EXTERN_TABLE:
        out->of.table = rt_table_of(inst->vm.tables[exp->index]);
        break;
    case WASM_EXTERN_MEMORY:
        out->of.memory = rt_memory_of(inst->vm.memories[exp->index]);
        break;
    case WASM_EXTERN_GLOBAL:
        out->of.global = rt_global_of(inst->vm.globals[exp->index]);
        break;
    }
}

bool wvm_instance_export_n(const wvm_instance *instance, const char *name, size_t name_len,
                           wvm_extern *out)
{
    if (!instance || (!name && name_len))
        return false;
    const wasm_module *m = instance->vm.module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wasm_export *exp = &m->exports[i];
        if (exp->name_len == name_len &&
            (name_len == 0 || memcmp(exp->name, name, name_len) == 0)) {
            if (out)
                rt_instance_export_extern(instance, exp, out);
            return true;
        }
    }
    return false;
}

bool wvm_instance_export(const wvm_instance *instance, const char *name, wvm_extern *out)
{
    if (!name)
        return false;
    return wvm_instance_export_n(instance, name, strlen(name), out);
}

/* The export `name` if it is of `kind`. */
static bool rt_instance_export_kind(const wvm_instance *instance, const char *name,
                                    wvm_externkind kind, wvm_extern *out)
{
    return wvm_instance_export(instance, name, out) && out->kind == kind;
}

wvm_func *wvm_instance_func(const wvm_instance *instance, const char *name)
{
    wvm_extern ext;
    return rt_instance_export_kind(instance, name, WVM_EXTERN_FUNC, &ext) ? ext.of.func : NULL;
}

wvm_memory *wvm_instance_memory(const wvm_instance *instance, const char *name)
{
    wvm_extern ext;
    return rt_instance_export_kind(instance, name, WVM_EXTERN_MEMORY, &ext) ? ext.of.memory
                                                                            : NULL;
}

wvm_table *wvm_instance_table(const wvm_instance *instance, const char *name)
{
    wvm_extern ext;
    return rt_instance_export_kind(instance, name, WVM_EXTERN_TABLE, &ext) ? ext.of.table
                                                                           : NULL;
}

wvm_global *wvm_instance_global(const wvm_instance *instance, const char *name)
{
    wvm_extern ext;
    return rt_instance_export_kind(instance, name, WVM_EXTERN_GLOBAL, &ext) ? ext.of.global
                                                                            : NULL;
}
