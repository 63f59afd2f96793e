/* The charge sites the translator records for the instrumenter: one per metered block, at the
 * Wasm offset of the block's first instruction, with the block's full cost. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "../loader/cost_model.h"
#include "../loader/module.h"
#include "../vm/code.h"
#include "module_env.h"

/* Decodes, validates and translates function 0 (no imports) with metering per block. */
static vm_code *translate_metered(const uint8_t *bytes, size_t size, bool uniform,
                                  wasm_module *m)
{
    wasm_cost_model costs;
    if (uniform)
        wasm_cost_model_uniform(&costs);
    else
        wasm_cost_model_default(&costs);
    return module_translate(bytes, size, 0, VM_METER_BLOCKS, &costs, m);
}

static void expect_sites(const vm_code *code, const vm_charge_site *want, uint32_t n)
{
    cr_assert_eq(code->ncharges, n, "%u charge sites, expected %u", code->ncharges, n);
    for (uint32_t i = 0; i < n; i++) {
        const vm_charge_site *got = &code->charges[i];
        cr_assert_eq(got->wasm_offset, want[i].wasm_offset, "site %u at 0x%x, expected 0x%x", i,
                     got->wasm_offset, want[i].wasm_offset);
        cr_assert_eq(got->cost, want[i].cost, "site %u costs %llu, expected %llu", i,
                     (unsigned long long)got->cost, (unsigned long long)want[i].cost);
        cr_assert_eq(got->else_arm, want[i].else_arm, "site %u else_arm", i);
    }
}

/* examples/fib.wasm, offsets from `wasm-objdump -d`: the entry block (call entry 1, three
 * i32.const + local.set pairs, and local.get, i32.const, i32.le_s, br_if) = 11 at 0x24; the
 * loop body (13 operators) at 0x3b; after the block: local.get and the final end = 1 at 0x55.
 * 2 (host entry) + 11 + 46 x 13 + 1 = 612. */
Test(charge_sites, fib_default)
{
    FILE *f = fopen("examples/fib.wasm", "rb");
    cr_assert_not_null(f, "run from the project root");
    uint8_t bytes[256];
    size_t size = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    wasm_module m;
    vm_code *code = translate_metered(bytes, size, false, &m);
    static const vm_charge_site want[] = {{0x24, false, 11}, {0x3b, false, 13},
                                          {0x55, false, 1}};
    expect_sites(code, want, 3);
    vm_code_free(code);
    loader_free(&m);
}

/* (func (param i32) (result i32) (local i32)
 *   (if (local.get 0) (then (local.set 1 (i32.const 5)))) (local.get 1)) */
static const uint8_t if_without_else[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x11, 0x01,
    0x0f, 0x01, 0x01, 0x7f, 0x20, 0x00, 0x04, 0x40, 0x41, 0x05, 0x21, 0x01, 0x0b, 0x20, 0x01,
    0x0b};

/* Uniform: local.get + if = 2 at 0x22; the then arm (i32.const, local.set, end) = 3 at 0x26;
 * the false path's empty else arm pays the end: 1, placed at the end (0x2a) as an else arm;
 * after it, local.get and the final end = 2 at 0x2b. */
Test(charge_sites, if_without_else_uniform)
{
    wasm_module m;
    vm_code *code = translate_metered(if_without_else, sizeof if_without_else, true, &m);
    static const vm_charge_site want[] = {
        {0x22, false, 2}, {0x26, false, 3}, {0x2a, true, 1}, {0x2b, false, 2}};
    expect_sites(code, want, 4);
    vm_code_free(code);
    loader_free(&m);
}

/* Default: `end` is free, so there is no else arm: entry 1 + local.get + if = 3 at 0x22; then
 * arm i32.const + local.set = 2 at 0x26; local.get = 1 at 0x2b. */
Test(charge_sites, if_without_else_default)
{
    wasm_module m;
    vm_code *code = translate_metered(if_without_else, sizeof if_without_else, false, &m);
    static const vm_charge_site want[] = {{0x22, false, 3}, {0x26, false, 2}, {0x2b, false, 1}};
    expect_sites(code, want, 3);
    vm_code_free(code);
    loader_free(&m);
}
