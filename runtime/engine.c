/* Engines, modules, error reports and value conversions of the public API.
 *
 * Owns: wvm_config_default, wvm_engine_*, wvm_module_* (decode + validate + check against the
 * cost model when metering + translate every defined function, metered per the engine's
 * mode), the mapping of loader/VM statuses and trap codes to the public ones, and
 * the vm_slot <-> wvm_val conversions.
 */
#include "rt.h"

#include "instrument.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The loader's statuses and the VM's trap codes pass through the API unchanged. */
_Static_assert((int)WASM_OK == (int)WVM_OK, "status mapping");
_Static_assert((int)WASM_ERR_MALFORMED == (int)WVM_ERR_MALFORMED, "status mapping");
_Static_assert((int)WASM_ERR_INVALID == (int)WVM_ERR_INVALID, "status mapping");
_Static_assert((int)WASM_ERR_UNLINKABLE == (int)WVM_ERR_UNLINKABLE, "status mapping");
_Static_assert((int)WASM_ERR_TRAP == (int)WVM_ERR_TRAP, "status mapping");
_Static_assert((int)WASM_ERR_NOMEM == (int)WVM_ERR_NOMEM, "status mapping");
_Static_assert((int)WASM_ERR_UNSUPPORTED == (int)WVM_ERR_UNSUPPORTED, "status mapping");
_Static_assert((int)WASM_ERR_USAGE == (int)WVM_ERR_USAGE, "status mapping");

_Static_assert(VM_TRAP_NONE == (int)WVM_TRAP_NONE, "trap mapping");
_Static_assert(VM_TRAP_UNREACHABLE == (int)WVM_TRAP_UNREACHABLE, "trap mapping");
_Static_assert(VM_TRAP_MEMORY_OUT_OF_BOUNDS == (int)WVM_TRAP_MEMORY_OUT_OF_BOUNDS, "trap mapping");
_Static_assert(VM_TRAP_TABLE_OUT_OF_BOUNDS == (int)WVM_TRAP_TABLE_OUT_OF_BOUNDS, "trap mapping");
_Static_assert(VM_TRAP_INDIRECT_CALL_TO_NULL == (int)WVM_TRAP_INDIRECT_CALL_TO_NULL,
               "trap mapping");
_Static_assert(VM_TRAP_BAD_SIGNATURE == (int)WVM_TRAP_BAD_SIGNATURE, "trap mapping");
_Static_assert(VM_TRAP_INT_DIVIDE_BY_ZERO == (int)WVM_TRAP_INT_DIVIDE_BY_ZERO, "trap mapping");
_Static_assert(VM_TRAP_INT_OVERFLOW == (int)WVM_TRAP_INT_OVERFLOW, "trap mapping");
_Static_assert(VM_TRAP_INVALID_CONVERSION == (int)WVM_TRAP_INVALID_CONVERSION, "trap mapping");
_Static_assert(VM_TRAP_STACK_OVERFLOW == (int)WVM_TRAP_STACK_OVERFLOW, "trap mapping");
_Static_assert(VM_TRAP_OUT_OF_FUEL == (int)WVM_TRAP_OUT_OF_FUEL, "trap mapping");
_Static_assert(VM_TRAP_HOST == (int)WVM_TRAP_HOST, "trap mapping");

/* Value kinds are the binary encodings on both sides. */
_Static_assert((int)WVM_I32 == WASM_I32 && (int)WVM_I64 == WASM_I64, "valtype mapping");
_Static_assert((int)WVM_F32 == WASM_F32 && (int)WVM_F64 == WASM_F64, "valtype mapping");
_Static_assert((int)WVM_FUNCREF == WASM_FUNCREF && (int)WVM_EXTERNREF == WASM_EXTERNREF,
               "valtype mapping");
_Static_assert((int)WVM_EXTERN_FUNC == WASM_EXTERN_FUNC, "externkind mapping");
_Static_assert((int)WVM_EXTERN_TABLE == WASM_EXTERN_TABLE, "externkind mapping");
_Static_assert((int)WVM_EXTERN_MEMORY == WASM_EXTERN_MEMORY, "externkind mapping");
_Static_assert((int)WVM_EXTERN_GLOBAL == WASM_EXTERN_GLOBAL, "externkind mapping");

/* Public objects embed their VM object first (rt.h relies on it for the casts). */
_Static_assert(offsetof(struct wvm_func, vm) == 0, "layout");
_Static_assert(offsetof(struct wvm_memory, vm) == 0, "layout");
_Static_assert(offsetof(struct wvm_table, vm) == 0, "layout");
_Static_assert(offsetof(struct wvm_global, vm) == 0, "layout");
_Static_assert(offsetof(struct wvm_instance, vm) == 0, "layout");

/* ---- pointer vectors ---- */

bool rt_ptrvec_reserve(rt_ptrvec *v, size_t n)
{
    const size_t max = SIZE_MAX / sizeof *v->items;
    if (n <= v->cap - v->len)
        return true;
    if (n > max - v->len)
        return false;
    size_t need = v->len + n;
    size_t cap = v->cap ? v->cap : 8;
    while (cap < need)
        cap = cap > max / 2 ? need : cap * 2;
    void **items = realloc(v->items, cap * sizeof *items);
    if (!items)
        return false;
    v->items = items;
    v->cap = cap;
    return true;
}

bool rt_ptrvec_push(rt_ptrvec *v, void *item)
{
    if (!rt_ptrvec_reserve(v, 1))
        return false;
    v->items[v->len++] = item;
    return true;
}

void rt_ptrvec_free(rt_ptrvec *v)
{
    free(v->items);
    memset(v, 0, sizeof *v);
}

/* ---- errors ---- */

static const char *const rt_trap_names[] = {
    [WVM_TRAP_NONE] = "no trap",
    [WVM_TRAP_UNREACHABLE] = "unreachable",
    [WVM_TRAP_MEMORY_OUT_OF_BOUNDS] = "out of bounds memory access",
    [WVM_TRAP_TABLE_OUT_OF_BOUNDS] = "out of bounds table access",
    [WVM_TRAP_INDIRECT_CALL_TO_NULL] = "uninitialized element",
    [WVM_TRAP_BAD_SIGNATURE] = "indirect call type mismatch",
    [WVM_TRAP_INT_DIVIDE_BY_ZERO] = "integer divide by zero",
    [WVM_TRAP_INT_OVERFLOW] = "integer overflow",
    [WVM_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [WVM_TRAP_STACK_OVERFLOW] = "call stack exhausted",
    [WVM_TRAP_OUT_OF_FUEL] = "out of fuel",
    [WVM_TRAP_HOST] = "host error",
};

const char *wvm_trap_name(wvm_trap_code code)
{
    if ((unsigned)code >= sizeof rt_trap_names / sizeof rt_trap_names[0])
        return "unknown trap";
    return rt_trap_names[code];
}

const char *wvm_valkind_name(wvm_valkind kind)
{
    switch (kind) {
    case WVM_I32: return "i32";
    case WVM_I64: return "i64";
    case WVM_F32: return "f32";
    case WVM_F64: return "f64";
    case WVM_FUNCREF: return "funcref";
    case WVM_EXTERNREF: return "externref";
    }
    return "unknown";
}

wvm_status rt_error(wvm_error *err, wvm_status status, uint64_t offset, uint32_t func_index,
                    const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    err->trap = WVM_TRAP_NONE;
    err->offset = offset;
    err->func_index = func_index;
    err->backtrace_len = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

wvm_status rt_error_from_wasm(wvm_error *err, const wasm_error *werr)
{
    wvm_status status = (wvm_status)werr->status;
    if (!err)
        return status;
    err->status = status;
    err->trap = WVM_TRAP_NONE;
    err->offset = werr->offset;
    err->func_index = werr->func_index;
    err->backtrace_len = 0;
    snprintf(err->message, sizeof err->message, "%s", werr->message);
    return status;
}

/* The function index of a Wasm function as its module's user numbers it. */
static uint32_t rt_frame_func_index(const vm_func *f)
{
    const wvm_instance *inst = f->instance->embedder;
    return rt_user_func_index(inst->module, f->func_index);
}

/* A code offset in Wasm function f as the user's module has it (modules instrumented at load
 * run other code: offsets are mapped back to the user's instructions). */
static size_t rt_frame_offset(const vm_func *f, size_t offset)
{
    const wvm_instance *inst = f->instance->embedder;
    const wvm_module *module = inst->module;
    if (!module->offset_maps || f->func_index < module->m.nfunc_imports)
        return offset;
    uint32_t defined = f->func_index - module->m.nfunc_imports;
    const rt_instr_body *map = &module->offset_maps[defined];
    size_t start = module->m.funcs[defined].code_offset;
    if (offset < start)
        return offset;
    return rt_instr_input_offset(map->offsets, map->noffsets, (uint32_t)(offset - start));
}

wvm_status rt_error_trap(wvm_store *store, wvm_error *err, const vm_trap *trap)
{
    rt_host_trap *ht = &store->host_trap;
    bool host_message = ht->pending && ht->message[0];
    char message[sizeof ht->message];
    if (host_message)
        memcpy(message, ht->message, sizeof message);
    ht->pending = false;
    ht->message[0] = 0;
    if (!err)
        return WVM_ERR_TRAP;

    wvm_trap_code code = (wvm_trap_code)trap->code;
    const char *name = wvm_trap_name(code);
    err->status = WVM_ERR_TRAP;
    err->trap = code;
    err->offset = 0;
    err->func_index = WVM_NO_FUNC;
    err->backtrace_len = 0;
    for (uint32_t i = 0; i < trap->nframes && i < WVM_BACKTRACE_MAX; i++) {
        const vm_backtrace_frame *vf = &trap->frames[i];
        wvm_frame *wf = &err->backtrace[err->backtrace_len++];
        wf->func_index = rt_frame_func_index(vf->func);
        wf->offset = rt_frame_offset(vf->func, vf->offset);
        wf->name = wasm_module_func_name(vf->func->instance->module, vf->func->func_index,
                                         &wf->name_len);
    }
    const vm_func *f = trap->func;
    int n;
    if (f && !f->host && f->instance) {
        const wasm_module *m = f->instance->module;
        uint32_t len = 0;
        const char *fname = wasm_module_func_name(m, f->func_index, &len);
        err->offset = rt_frame_offset(f, trap->offset);
        err->func_index = rt_frame_func_index(f);
        if (fname)
            n = snprintf(err->message, sizeof err->message, "%s in function $%.*s at offset 0x%zx",
                         name, (int)len, fname, (size_t)err->offset);
        else
            n = snprintf(err->message, sizeof err->message, "%s in function #%u at offset 0x%zx",
                         name, err->func_index, (size_t)err->offset);
    } else {
        n = snprintf(err->message, sizeof err->message, "%s", name);
    }
    /* A host callback's own message follows the location. */
    (void)n;
    if (host_message) {
        /* appended by hand: it is truncated on purpose when the report is full */
        size_t used = strlen(err->message);
        if (used + 3 < sizeof err->message) {
            memcpy(err->message + used, ": ", 2);
            used += 2;
            size_t k = strnlen(message, sizeof err->message - 1 - used);
            memcpy(err->message + used, message, k);
            err->message[used + k] = '\0';
        }
    }
    return WVM_ERR_TRAP;
}

/* ---- values ---- */

vm_slot rt_slot_from_val(const wvm_val *v)
{
    switch (v->kind) {
    case WVM_I32:
        return (uint32_t)v->of.i32;
    case WVM_I64:
        return (uint64_t)v->of.i64;
    case WVM_F32:
        return v->of.f32_bits;
    case WVM_F64:
        return v->of.f64_bits;
    case WVM_FUNCREF:
        return v->of.funcref ? (vm_slot)(uintptr_t)&v->of.funcref->vm : 0;
    case WVM_EXTERNREF:
        return (vm_slot)(uintptr_t)v->of.externref;
    }
    return 0;
}

void rt_val_from_slot(uint8_t type, vm_slot s, wvm_val *out)
{
    memset(out, 0, sizeof *out);
    out->kind = (wvm_valkind)type;
    switch (type) {
    case WASM_I32:
        out->of.i32 = (int32_t)(uint32_t)s;
        break;
    case WASM_I64:
        out->of.i64 = (int64_t)s;
        break;
    case WASM_F32:
        out->of.f32_bits = (uint32_t)s;
        break;
    case WASM_F64:
        out->of.f64_bits = s;
        break;
    case WASM_FUNCREF:
        out->of.funcref = rt_func_of((const vm_func *)(uintptr_t)s);
        break;
    case WASM_EXTERNREF:
        out->of.externref = (void *)(uintptr_t)s;
        break;
    }
}

bool rt_val_fits(const wvm_store *store, uint8_t type, const wvm_val *v)
{
    if (!v || (uint8_t)v->kind != type || (int)v->kind != (int)(uint8_t)v->kind)
        return false;
    if (type == WASM_FUNCREF && v->of.funcref && v->of.funcref->store != store)
        return false;
    return true;
}

const char *rt_valtype_name(uint8_t type)
{
    switch (type) {
    case WASM_I32:
        return "i32";
    case WASM_I64:
        return "i64";
    case WASM_F32:
        return "f32";
    case WASM_F64:
        return "f64";
    case WASM_V128:
        return "v128";
    case WASM_FUNCREF:
        return "funcref";
    case WASM_EXTERNREF:
        return "externref";
    }
    return "?";
}

/* ---- engine ---- */

void wvm_config_default(wvm_config *config)
{
    config->max_memory_pages = 65536;
    config->max_table_elems = 10000000;
    config->max_call_depth = 10000;
    config->value_stack_slots = 1u << 20;
    config->metering = WVM_METER_OFF;
    config->cost_model = NULL;
}

wvm_engine *wvm_engine_new(const wvm_config *config)
{
    if (config && (unsigned)config->metering > WVM_METER_PREMETERED)
        return NULL;
    wvm_engine *engine = calloc(1, sizeof *engine);
    if (!engine)
        return NULL;
    if (config)
        engine->config = *config;
    else
        wvm_config_default(&engine->config);
    if (engine->config.max_memory_pages > VM_MAX_PAGES)
        engine->config.max_memory_pages = VM_MAX_PAGES;
    /* The model is copied even when metering is off (it is small), so that the engine never
     * keeps the borrowed pointer. */
    if (engine->config.cost_model)
        engine->cost_model = engine->config.cost_model->m;
    else
        wasm_cost_model_default(&engine->cost_model);
    engine->config.cost_model = NULL;
    return engine;
}

void wvm_engine_delete(wvm_engine *engine) { free(engine); }

/* ---- modules ---- */

/* How the translator meters code for an engine's metering mode. */
static vm_meter_mode rt_vm_meter_mode(wvm_meter_mode mode)
{
    switch (mode) {
    case WVM_METER_NATIVE:
        return VM_METER_BLOCKS;
    case WVM_METER_REFERENCE:
        return VM_METER_PER_OPERATOR;
    case WVM_METER_OFF:
    case WVM_METER_INSTRUMENT:  /* the charges are the gas calls in the code */
    case WVM_METER_PREMETERED:
        break;
    }
    return VM_METER_OFF;
}

/* The function index of import `import` of m (a function import). */
static uint32_t rt_import_func_index(const wasm_module *m, uint32_t import)
{
    uint32_t index = 0;
    for (uint32_t i = 0; i < import; i++)
        index += m->imports[i].kind == WASM_EXTERN_FUNC;
    return index;
}

/* WVM_METER_INSTRUMENT: replaces module->m (decoded and valid) by its instrumented form. */
static wasm_status rt_module_instrument(const wvm_engine *engine, wvm_module *module,
                                        wasm_error *err)
{
    wasm_module *m = &module->m;
    uint32_t own = rt_instr_find_gas_import(m);
    if (own != UINT32_MAX) {
        const wasm_import *imp = &m->imports[own];
        return wasm_error_set(err, WASM_ERR_UNSUPPORTED, imp->offset, WASM_NO_FUNC,
                              "the module is already metered: it imports \"%.*s\" \"%.*s\" "
                              "(import %u); load it with WVM_METER_PREMETERED",
                              (int)imp->module_len, imp->module, (int)imp->name_len, imp->name,
                              own);
    }
    rt_instr_options o = {.costs = &engine->cost_model, .gas_module = "env", .gas_name = "gas"};
    uint8_t *bytes;
    size_t size;
    uint32_t gas_func;
    wasm_status st = rt_instrument_module_mapped(m, &o, &bytes, &size, &gas_func,
                                                 &module->offset_maps, err);
    if (st != WASM_OK)
        return st;
    uint32_t nfuncs = m->nfuncs; /* the maps' count, the same in the output */
    loader_free(m);
    memset(m, 0, sizeof *m);
    st = loader_decode(bytes, size, m, err);
    if (st == WASM_OK)
        st = loader_validate(m, err);
    free(bytes);
    if (st != WASM_OK) { /* a bug: the instrumenter's output must be valid */
        rt_instr_maps_free(module->offset_maps, nfuncs);
        module->offset_maps = NULL;
        return wasm_error_set(err, st, err->offset, err->func_index,
                              "internal error: the instrumented module is not valid: %s",
                              err->message);
    }
    module->gas_injected = true;
    module->gas_import = m->nimports - 1;
    module->gas_func = gas_func;
    return WASM_OK;
}

/* WVM_METER_PREMETERED: finds the module's own gas import. */
static wasm_status rt_module_premetered(wvm_module *module, wasm_error *err)
{
    const wasm_module *m = &module->m;
    module->gas_import = rt_instr_find_gas_import(m);
    if (module->gas_import == UINT32_MAX)
        return wasm_error_set(err, WASM_ERR_UNSUPPORTED, 0, WASM_NO_FUNC,
                              "the module is not metered: it imports no gas function "
                              "(\"env\" \"gas\" (param i64), or \"metering\" \"usegas\" "
                              "(param i32 or i64)) for WVM_METER_PREMETERED to bind to fuel");
    module->gas_func = rt_import_func_index(m, module->gas_import);
    return WASM_OK;
}

wvm_status wvm_module_validate(const uint8_t *bytes, size_t size, wvm_error *err)
{
    wasm_module m;
    wasm_error werr;
    wasm_error_clear(&werr);
    memset(&m, 0, sizeof m);
    if (!bytes && size)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no module bytes");
    wasm_status st = loader_decode(bytes, size, &m, &werr);
    if (st != WASM_OK)
        return rt_error_from_wasm(err, &werr);
    st = loader_validate(&m, &werr);
    loader_free(&m);
    if (st != WASM_OK)
        return rt_error_from_wasm(err, &werr);
    return WVM_OK;
}

static void rt_module_free(wvm_module *module)
{
    if (module->codes) {
        for (uint32_t i = 0; i < module->m.nfuncs; i++)
            if (module->codes[i])
                vm_code_free(module->codes[i]);
        free(module->codes);
    }
    rt_module_types_free(module);
    rt_instr_maps_free(module->offset_maps, module->m.nfuncs);
    loader_free(&module->m);
    free(module);
}

wvm_status wvm_module_new(wvm_engine *engine, const uint8_t *bytes, size_t size,
                          wvm_module **out, wvm_error *err)
{
    wasm_error werr;
    wasm_status st;
    wvm_status status;
    wvm_module *module = NULL;

    if (!out)
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no output pointer");
    *out = NULL;
    if (!engine || (!bytes && size))
        return rt_error(err, WVM_ERR_USAGE, 0, WVM_NO_FUNC, "no engine or no module bytes");

    module = calloc(1, sizeof *module);
    if (!module)
        return rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
    module->engine = engine;
    atomic_init(&module->refs, 1);
    wasm_error_clear(&werr);

    st = loader_decode(bytes, size, &module->m, &werr);
    if (st != WASM_OK) {
        free(module);
        return rt_error_from_wasm(err, &werr);
    }
    st = loader_validate(&module->m, &werr);
    if (st != WASM_OK)
        goto fail_wasm;
    module->gas_import = UINT32_MAX;
    if (engine->config.metering == WVM_METER_INSTRUMENT)
        st = rt_module_instrument(engine, module, &werr);
    else if (engine->config.metering == WVM_METER_PREMETERED)
        st = rt_module_premetered(module, &werr);
    if (st != WASM_OK)
        goto fail_wasm;

    if (module->m.nfuncs) {
        module->codes = calloc(module->m.nfuncs, sizeof *module->codes);
        if (!module->codes) {
            status = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
            goto fail;
        }
    }
    if (!rt_module_types(module)) {
        status = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        goto fail;
    }
    vm_translate_opts topts = {
        .meter = rt_vm_meter_mode(engine->config.metering),
        .costs = &engine->cost_model,
        .gas_func = module->gas_import != UINT32_MAX ? module->gas_func : VM_NO_GAS_FUNC,
    };
    /* (The instrumenter checked the model already, on the user's module.) */
    if (topts.meter != VM_METER_OFF || engine->config.metering == WVM_METER_PREMETERED) {
        st = wasm_cost_model_check_module(&engine->cost_model, &module->m, &werr);
        if (st != WASM_OK)
            goto fail_wasm;
    }
    topts.scratch = vm_scratch_new();
    if (!topts.scratch) {
        status = rt_error(err, WVM_ERR_NOMEM, 0, WVM_NO_FUNC, "out of memory");
        goto fail;
    }
    st = WASM_OK;
    for (uint32_t i = 0; i < module->m.nfuncs && st == WASM_OK; i++)
        st = vm_translate_ex(&module->m, module->m.nfunc_imports + i, &topts, &module->codes[i],
                             &werr);
    vm_scratch_free(topts.scratch);
    if (st != WASM_OK)
        goto fail_wasm;
    vm_code_link_calls(module->codes, module->m.nfuncs);
    *out = module;
    return WVM_OK;

fail_wasm:
    status = rt_error_from_wasm(err, &werr);
fail:
    rt_module_free(module);
    return status;
}

void rt_module_retain(wvm_module *module) { atomic_fetch_add(&module->refs, 1); }

void rt_module_release(wvm_module *module)
{
    if (atomic_fetch_sub(&module->refs, 1) == 1)
        rt_module_free(module);
}

void wvm_module_delete(wvm_module *module)
{
    if (module)
        rt_module_release(module);
}
