/* The instrumenter: rewrites a decoded, validated module so that it meters itself with
 * injected gas calls (include/wvm.h, "instrumentation"; docs/instrument.md).
 *
 * instrument.c       the module: refusal checks, the gas import or global and function,
 *                    drop-tracking globals, index shifting outside code (exports, element
 *                    segments, start, constant expressions, the name section), encoding.
 * instrument_code.c  one function body: the charges of its metered blocks, dynamic costs,
 *                    drop tracking, and shifted indices inside code.
 *
 * The charges come from the translator (vm_translate with VM_METER_BLOCKS records every
 * metered block's charge site), so the injected gas and native fuel agree by construction.
 */
#ifndef WVM_RUNTIME_INSTRUMENT_H
#define WVM_RUNTIME_INSTRUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../loader/cost_model.h"
#include "../loader/error.h"
#include "../loader/module.h"
#include "../loader/writer.h"
#include "../vm/code.h"

/* No global tracks a segment (see rt_instr_ctx). */
#define RT_INSTR_NO_GLOBAL UINT32_MAX

/* How bodies are rewritten: shared by all functions of one module. */
typedef struct {
    const wasm_module *m;           /* the module being instrumented (decoded, valid) */
    const wasm_cost_model *costs;
    uint32_t gas_func;              /* the gas function's index in the output module */
    /* Function indices >= shift_from move up by one in the output (the import backend's new
     * import); UINT32_MAX when nothing moves. */
    uint32_t shift_from;
    /* Per data / element segment: the index of an i32 global of the output that is 1 while
     * the segment is alive and set to 0 by the injected code after its data.drop /
     * elem.drop, or RT_INSTR_NO_GLOBAL when no drop of it needs tracking. */
    const uint32_t *data_live;
    const uint32_t *elem_live;
} rt_instr_ctx;

/* A function index of the input module as it is numbered in the output. */
static inline uint32_t rt_instr_func_index(const rt_instr_ctx *c, uint32_t index)
{
    return index >= c->shift_from ? index + 1 : index;
}

/* Where an instruction of the input went: its offset in the output body's code, and its file
 * offset in the input module. */
typedef struct {
    uint32_t out_rel;
    uint32_t in_offset;
} rt_instr_offset;

/* A rewritten body: code (up to and including the final end), the locals it adds after the
 * function's own, and one offset entry per input instruction (out_rel ascending). All
 * malloc'd (NULL when empty); free with rt_instr_body_free. */
typedef struct rt_instr_body {
    uint8_t *code;
    size_t code_len;
    uint8_t *extra_locals;
    uint32_t nextra_locals;
    rt_instr_offset *offsets;
    uint32_t noffsets;
} rt_instr_body;

/* The input file offset of the code at output body offset out_rel: that of the instruction
 * there, or for injected code, of the input instruction it was injected for (the next one). */
uint32_t rt_instr_input_offset(const rt_instr_offset *offsets, uint32_t n, uint32_t out_rel);

/* Rewrites defined function `defined` (index into m->funcs) whose metered blocks' charges are
 * sites[0..nsites) (from vm_translate with VM_METER_BLOCKS, in code order). Returns WASM_OK,
 * WASM_ERR_NOMEM, or WASM_ERR_UNSUPPORTED for a dynamic cost that cannot be computed in 64
 * bits (a per-unit charge of 2^32 or more). */
wasm_status rt_instrument_body(const rt_instr_ctx *c, uint32_t defined,
                               const vm_charge_site *sites, uint32_t nsites, rt_instr_body *out,
                               wasm_error *err);
void rt_instr_body_free(rt_instr_body *b);

/* What the bodies of a module do with its segments (rt_instr_scan). */
typedef struct {
    bool *data_dropped, *data_inited;   /* per data segment: some data.drop / memory.init */
    bool *elem_dropped, *elem_inited;   /* per element segment: elem.drop / table.init */
} rt_instr_segment_use;

/* Records in *use (arrays of m->ndatas / m->nelems entries, zeroed by the caller) which
 * segments the bodies of m drop and initialise from. */
wasm_status rt_instr_scan(const wasm_module *m, rt_instr_segment_use *use, wasm_error *err);

/* The instrumenter's options (those of wvm_instrument, checked and with defaults). */
typedef struct {
    const wasm_cost_model *costs;
    bool global_backend;            /* else the import backend */
    const char *gas_module, *gas_name;  /* import backend; NUL-terminated */
    const char *gas_global;         /* global backend; NUL-terminated */
    uint64_t gas_global_init;
} rt_instr_options;

/* Instruments the decoded, valid module m into new bytes *out (malloc'd) of *out_size.
 * *gas_func (may be NULL) receives the gas function's index in the output. Errors as
 * wvm_instrument documents, in wasm_error form, with offsets into m. */
wasm_status rt_instrument_module(const wasm_module *m, const rt_instr_options *o, uint8_t **out,
                                 size_t *out_size, uint32_t *gas_func, wasm_error *err);

/* As rt_instrument_module, also handing over each defined function's offset map: *maps gets
 * m->nfuncs bodies whose offsets (only) are set; free with rt_instr_maps_free. */
wasm_status rt_instrument_module_mapped(const wasm_module *m, const rt_instr_options *o,
                                        uint8_t **out, size_t *out_size, uint32_t *gas_func,
                                        rt_instr_body **maps, wasm_error *err);
void rt_instr_maps_free(rt_instr_body *maps, uint32_t n);

/* The import of m that binds to a gas function ((env.gas (param i64)) or metering.usegas
 * with an i32 or i64 parameter, no results), as an index into m->imports; UINT32_MAX when
 * none. */
uint32_t rt_instr_find_gas_import(const wasm_module *m);

#endif
