/* The fuel cost model: what each Wasm operator costs, which operators are forbidden, and the
 * extra charges on calls, bulk operations and growth. Two presets (`default`, `uniform`), a
 * small text format to customise them (docs/cost-model.md), a writer for that format, and a
 * check that a module uses no forbidden operator.
 *
 * The model is plain data: the interpreter's metering reads op_cost[] and the scalar charges;
 * nothing here allocates except wasm_cost_model_load_file (its read buffer, freed before it
 * returns).
 */
#ifndef WVM_LOADER_COST_MODEL_H
#define WVM_LOADER_COST_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "module.h"
#include "opcodes.h"

typedef struct wasm_cost_model {
    /* Fuel charged for executing operator op (a wasm_op). Entries of unassigned opcodes
     * (wasm_op_lookup() == NULL) are 0 and never read. */
    uint64_t op_cost[WASM_OP_COUNT];
    /* Operators a module may not contain (wasm_cost_model_check_module). Independent of
     * op_cost: forbidding an operator keeps its cost. Always false for unassigned opcodes. */
    bool forbidden[WASM_OP_COUNT];
    uint64_t call_entry;    /* on entry to every Wasm function invocation (host functions
                             * cost only the `call` operator that calls them) */
    uint64_t host_entry;    /* extra, for a call from the host into wasm (export, start) */
    /* extra per byte (memory.copy/fill/init) or element (table.copy/fill/init) processed,
     * and per element requested by table.grow */
    uint64_t bulk_unit;
    uint64_t grow_page;     /* extra per page requested by memory.grow */
} wasm_cost_model;

/* `default`: every operator costs its default_cost column of opcodes.def (1, or 0 for
 * nop drop block loop end else unreachable return); call_entry 1, host_entry 2,
 * bulk_unit 1, grow_page 1. Nothing forbidden. */
void wasm_cost_model_default(wasm_cost_model *m);

/* `uniform`: every operator costs 1 (structural ones included); the four scalar charges
 * are 0. Nothing forbidden. */
void wasm_cost_model_uniform(wasm_cost_model *m);

/* True when a and b describe the same model (field by field; padding is ignored). */
bool wasm_cost_model_equal(const wasm_cost_model *a, const wasm_cost_model *b);

/* Membership of the `float` group: operators whose text name starts with "f32." or "f64."
 * or contains "_f32" or "_f64", plus any operator with f32/f64 in its signature columns
 * (the name rule already covers those; the union keeps the group safe if opcodes.def grows).
 * False for unassigned opcodes. */
bool wasm_cost_op_is_float(uint32_t op);

/* Parses a cost model from text[0..len) (need not be NUL-terminated) into *m. The model
 * starts from the `default` preset, or the one named by a leading `base` directive.
 * source_name (NULL: "<string>") prefixes messages: "costs.txt:3: unknown operator 'x'".
 * On failure returns WASM_ERR_USAGE with err->offset = byte offset in text of the offending
 * line, func_index WASM_NO_FUNC, and leaves *m unchanged. */
wasm_status wasm_cost_model_parse(wasm_cost_model *m, const char *text, size_t len,
                                  const char *source_name, wasm_error *err);

/* Reads the file at path (at most 1 MiB) and parses it with the path as source name.
 * File errors are WASM_ERR_USAGE ("cannot open 'p': <strerror>"), WASM_ERR_NOMEM when
 * the buffer cannot be allocated. *m is unchanged on failure. */
wasm_status wasm_cost_model_load_file(wasm_cost_model *m, const char *path, wasm_error *err);

/* Formats m in the text format, snprintf-style: writes at most size bytes (NUL-terminated
 * when size > 0) and returns the full length excluding the NUL. buf may be NULL if size is
 * 0. The output lists every operator explicitly, so wasm_cost_model_parse() of it gives back
 * m -- except that the two `select` opcodes share one name and are written with the cost
 * and flag of 0x1B (models from the presets and the parser always agree on both). */
size_t wasm_cost_model_format(const wasm_cost_model *m, char *buf, size_t size);

/* Writes the same text to out. WASM_ERR_USAGE with strerror on an I/O error. */
wasm_status wasm_cost_model_write(const wasm_cost_model *m, FILE *out, wasm_error *err);

/* Fails on the first forbidden operator of mod, in file order: in constant expressions
 * (global initialisers, element offsets and items, data offsets; func_index WASM_NO_FUNC)
 * and in function bodies (func_index in the function index space, imports first), with
 * WASM_ERR_INVALID, "operator f32.add is forbidden by the cost model" and the operator's
 * file offset. mod must have been decoded (loader_decode); when m forbids some operator, an
 * instruction that fails to decode is reported as the loader would (WASM_ERR_MALFORMED /
 * UNSUPPORTED). When m forbids nothing, the code is not read and the result is WASM_OK. */
wasm_status wasm_cost_model_check_module(const wasm_cost_model *m, const wasm_module *mod,
                                         wasm_error *err);

#endif
