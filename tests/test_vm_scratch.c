/* Criterion tests of the translator's scratch (vm_scratch, vm/vm.h): the buffers a scratch
 * carries from one function to the next hold nothing of the function before. Every function
 * of real compiled modules (the benchmark kernels, large.wasm's 2,400 generated C functions
 * and Lua 5.4 in lua.wasm), translated in turn with one scratch, in module order and in
 * reverse, gets the code it gets translated alone, in each metering mode; and a gas function
 * (calls becoming charges) does too. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instrument_support.h"
#include "../loader/cost_model.h"
#include "../loader/module.h"
#include "../vm/code.h"
#include "../vm/vm.h"

/* Whether a and b are the same charge sites (field by field: a site has padding). */
static bool same_charges(const vm_code *a, const vm_code *b)
{
    for (uint32_t i = 0; i < a->ncharges; i++)
        if (a->charges[i].wasm_offset != b->charges[i].wasm_offset ||
            a->charges[i].else_arm != b->charges[i].else_arm ||
            a->charges[i].cost != b->charges[i].cost)
            return false;
    return true;
}

/* Whether a and b are the same translated code (every field, every array). */
static bool same_code(const vm_code *a, const vm_code *b)
{
    return a->nwords == b->nwords && a->nparams == b->nparams && a->nresults == b->nresults &&
           a->nlocals == b->nlocals && a->frame_slots == b->frame_slots &&
           a->frame_bytes == b->frame_bytes && a->entry - a->words == b->entry - b->words &&
           a->entry_cost == b->entry_cost && a->func_index == b->func_index &&
           a->nsrcmap == b->nsrcmap && a->ncharges == b->ncharges &&
           memcmp(a->words, b->words, a->nwords * sizeof *a->words) == 0 &&
           memcmp(a->srcmap, b->srcmap, a->nsrcmap * sizeof *a->srcmap) == 0 &&
           same_charges(a, b);
}

/* Translates every defined function of m alone, then all of them with one scratch, first to
 * last and then last to first, and checks that each gets the same code every time. */
static void check_module(const char *path, const wasm_module *m, const vm_translate_opts *alone)
{
    uint32_t n = m->nfuncs;
    vm_code **codes = calloc(n ? n : 1, sizeof *codes);
    cr_assert_not_null(codes);
    wasm_error err;
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(vm_translate_ex(m, m->nfunc_imports + i, alone, &codes[i], &err), WASM_OK,
                     "function %u: %s", m->nfunc_imports + i, err.message);
    vm_translate_opts shared = *alone;
    shared.scratch = vm_scratch_new();
    cr_assert_not_null(shared.scratch);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t k = 0; k < n; k++) {
            uint32_t i = pass == 0 ? k : n - 1 - k;
            vm_code *code = NULL;
            cr_assert_eq(vm_translate_ex(m, m->nfunc_imports + i, &shared, &code, &err),
                         WASM_OK, "function %u: %s", m->nfunc_imports + i, err.message);
            cr_assert(same_code(code, codes[i]),
                      "%s, metering mode %d: function %u (%s pass) differs when translated "
                      "after others", path, (int)alone->meter, m->nfunc_imports + i,
                      pass == 0 ? "forward" : "backward");
            vm_code_free(code);
        }
    }
    vm_scratch_free(shared.scratch);
    for (uint32_t i = 0; i < n; i++)
        vm_code_free(codes[i]);
    free(codes);
}

/* Reads the module at path (from the project root) and decodes and validates it into *m. */
static uint8_t *load(const char *path, wasm_module *m)
{
    size_t size = 0;
    uint8_t *bytes = read_file(path, &size);
    cr_assert_not_null(bytes, "cannot read %s", path);
    decode_valid(bytes, size, m);
    return bytes;
}

static const char *const modules[] = {
    "examples/fib.wasm",          "bench/wasm/fib_rec.wasm",  "bench/wasm/loops.wasm",
    "bench/wasm/sieve.wasm",      "bench/wasm/hashtable.wasm", "bench/wasm/i64math.wasm",
    "bench/wasm/nbody.wasm",      "bench/wasm/matmul.wasm",   "bench/wasm/dispatch.wasm",
    "bench/wasm/indirect.wasm",   "bench/wasm/bulkmem.wasm",  "bench/wasm/strings.wasm",
    "bench/wasm/coremark.wasm",   "bench/wasm/large.wasm",    "bench/wasm/lua.wasm",
};

Test(vm_scratch, every_function_translates_as_if_alone_in_every_metering_mode)
{
    wasm_cost_model costs;
    wasm_cost_model_default(&costs);
    const vm_meter_mode meters[] = {VM_METER_OFF, VM_METER_BLOCKS, VM_METER_PER_OPERATOR};
    for (size_t k = 0; k < sizeof modules / sizeof *modules; k++) {
        wasm_module m;
        uint8_t *bytes = load(modules[k], &m);
        for (size_t j = 0; j < sizeof meters / sizeof *meters; j++) {
            vm_translate_opts alone = {meters[j], &costs, VM_NO_GAS_FUNC, NULL};
            check_module(modules[k], &m, &alone);
        }
        loader_free(&m);
        free(bytes);
    }
}

/* An instrumented module (`wvm instrument`'s import backend): its gas calls become fuel
 * charges, so the translator's gas-function paths run with a scratch too. */
Test(vm_scratch, gas_function_calls_translate_as_if_alone)
{
    size_t size = 0, out_size = 0;
    uint8_t *bytes = read_file("tests/data/fuel_ops.wasm", &size);
    cr_assert_not_null(bytes);
    uint8_t *out = instrument_ok(bytes, size, NULL, &out_size);
    wasm_module m;
    decode_valid(out, out_size, &m);
    wasm_cost_model costs;
    wasm_cost_model_default(&costs);
    vm_translate_opts alone = {VM_METER_BLOCKS, &costs, last_func_import(&m), NULL};
    check_module("tests/data/fuel_ops.wasm, instrumented", &m, &alone);
    loader_free(&m);
    free(out);
    free(bytes);
}
