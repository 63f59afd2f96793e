/* Criterion tests of the instruction pairs (vm/pairs.h): a pair opcode x+y has x's operands
 * and format; the translator pairs instructions that run one after the other; and paired
 * code computes the same results, traps at the same Wasm instructions (in either half of a
 * pair) and consumes the same fuel as unpaired code, also when a branch lands on the second
 * instruction of a pair or the second instruction is a `fuel` instruction.
 *
 * The module below was assembled with wat2wasm, then xxd -i:
 *
 * (module
 *   (memory (export "mem") 1)
 *   (func (export "count") (param $n i32) (result i32) (local $acc i32)
 *     (local.set $acc (i32.const 7))
 *     (loop $l
 *       (local.set $acc (i32.add (local.get $acc) (i32.const 3)))
 *       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *       (br_if $l (local.get $n)))
 *     (local.get $acc))
 *   (func (export "bump") (param $p i32) (param $x i32)
 *     (i32.store (local.get $p) (i32.add (local.get $x) (i32.const 1))))
 *   (func (export "fill") (param $p i32) (param $n i32) (result i32)
 *     (loop $l
 *       (i32.store offset=4 (local.get $p) (local.get $n))
 *       (local.set $p (i32.add (local.get $p) (i32.const 4)))
 *       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *       (br_if $l (local.get $n)))
 *     (local.get $p))
 *   (func (export "sum") (param $a i32) (param $b i32) (result i32)
 *     (i32.add (local.get $a) (local.get $b))))
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "wvm.h"
#include "module_env.h"
#include "values.h"
#include "../loader/module.h"
#include "../vm/code.h"

static const uint8_t wasm_pair[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x11, 0x03, 0x60,
  0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x02, 0x7f,
  0x7f, 0x01, 0x7f, 0x03, 0x05, 0x04, 0x00, 0x01, 0x02, 0x02, 0x05, 0x03,
  0x01, 0x00, 0x01, 0x07, 0x23, 0x05, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
  0x05, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x00, 0x00, 0x04, 0x62, 0x75, 0x6d,
  0x70, 0x00, 0x01, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x02, 0x03, 0x73,
  0x75, 0x6d, 0x00, 0x03, 0x0a, 0x57, 0x04, 0x1f, 0x01, 0x01, 0x7f, 0x41,
  0x07, 0x21, 0x01, 0x03, 0x40, 0x20, 0x01, 0x41, 0x03, 0x6a, 0x21, 0x01,
  0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x20, 0x00, 0x0d, 0x00, 0x0b,
  0x20, 0x01, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x41, 0x01, 0x6a,
  0x36, 0x02, 0x00, 0x0b, 0x20, 0x00, 0x03, 0x40, 0x20, 0x00, 0x20, 0x01,
  0x36, 0x02, 0x04, 0x20, 0x00, 0x41, 0x04, 0x6a, 0x21, 0x00, 0x20, 0x01,
  0x41, 0x01, 0x6b, 0x21, 0x01, 0x20, 0x01, 0x0d, 0x00, 0x0b, 0x20, 0x00,
  0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b
};

enum { FUNCS = 4 };

/* ---- helpers ---- */

/* The number of pair opcodes in function func_index's code, translated with `meter`. */
static size_t vp_count_pairs(uint32_t func_index, vm_meter_mode meter)
{
    wasm_module m;
    vm_code *code = module_translate(wasm_pair, sizeof wasm_pair, func_index, meter, NULL, &m);
    size_t pairs = 0;
    for (uint32_t pc = 0; pc < code->nwords; pc += vm_insn_length(code->words, pc))
        pairs += vm_op_unpaired(code->words[pc]) != code->words[pc];
    vm_code_free(code);
    loader_free(&m);
    return pairs;
}

typedef module_env vp_env;

static void vp_open(vp_env *e, wvm_meter_mode metering)
{
    module_env_open(e, wasm_pair, sizeof wasm_pair, metering);
}

static void vp_close(vp_env *e)
{
    module_env_close(e);
}

/* Calls export name with two i32 arguments (the first nargs of a, b); returns its status,
 * the result in *r (when not NULL) and the error in *err. */
static wvm_status vp_call(vp_env *e, const char *name, size_t nargs, int32_t a, int32_t b,
                          int32_t *r, wvm_error *err)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    wvm_val args[2] = {val_i32(a), val_i32(b)}, result;
    memset(err, 0, sizeof *err);
    wvm_status status = wvm_func_call(e->store, ext.of.func, args, nargs, &result, r ? 1 : 0, err);
    if (r && status == WVM_OK)
        *r = result.of.i32;
    return status;
}

/* The module offset of the only instruction encoded as bytes[0..n). */
static size_t vp_offset_of(const uint8_t *bytes, size_t n)
{
    return module_offset_of(wasm_pair, sizeof wasm_pair, bytes, n);
}

/* ---- tests ---- */

/* Every pair opcode (every opcode named x+y, or x+y^k: a forwarded pair, tests/test_vm_forward.c)
 * has the format and length of x; x is no pair. */
Test(vm_pair, opcodes_have_their_first_instruction_operands)
{
    size_t pairs = 0, named = 0;
    for (uint32_t op = 0; op < VM_OP_COUNT; op++) {
        named += strchr(vm_op_name[op], '+') != NULL;
        vm_opcode first = vm_op_unpaired(op);
        if (first == op || !strchr(vm_op_name[op], '+'))
            continue; /* (a forwarding variant y^k: tests/test_vm_forward.c) */
        pairs++;
        cr_assert_eq(vm_op_unpaired(first), first, "%s", vm_op_name[op]);
        cr_assert_str_eq(vm_op_format[op], vm_op_format[first], "%s", vm_op_name[op]);
        cr_assert_eq(vm_op_words[op], vm_op_words[first], "%s", vm_op_name[op]);
        size_t n = strlen(vm_op_name[first]);
        cr_assert(strncmp(vm_op_name[op], vm_op_name[first], n) == 0 && vm_op_name[op][n] == '+',
                  "%s does not name %s first", vm_op_name[op], vm_op_name[first]);
        bool second = false;
        for (uint32_t y = 0; y < VM_OP_COUNT && !second; y++)
            second = vm_op_unpaired(y) == y && strcmp(vm_op_name[op] + n + 1, vm_op_name[y]) == 0;
        for (uint32_t y = 0; y < VM_OP_COUNT && !second; y++) /* x+y^k: the variant y^k */
            second = vm_op_unpaired(y) != y && !strchr(vm_op_name[y], '+') &&
                     strcmp(vm_op_name[op] + n + 1, vm_op_name[y]) == 0;
        cr_assert(second, "%s: no instruction named after the +", vm_op_name[op]);
    }
    cr_assert_gt(pairs, 0);
    cr_assert_eq(pairs, named, "%zu pair opcodes by name, %zu by vm_op_unpaired", named, pairs);
}

/* The functions of the module are paired, so that the tests below run pairs: metered and
 * not (the second instruction of a pair may be a paying branch or a `fuel` instruction). */
Test(vm_pair, translation_pairs_instructions)
{
    for (uint32_t f = 0; f < FUNCS; f++) {
        cr_assert_gt(vp_count_pairs(f, VM_METER_OFF), 0, "function %u unmetered", f);
        cr_assert_gt(vp_count_pairs(f, VM_METER_BLOCKS), 0, "function %u metered", f);
    }
}

/* A loop whose back edge lands on the second instruction of a pair (count), a pair ending
 * in a return (sum), stores and adds in pairs (fill): the results, and the memory. */
Test(vm_pair, paired_code_computes_the_same)
{
    vp_env e;
    vp_open(&e, WVM_METER_OFF);
    wvm_error err;
    int32_t r;
    static const struct {
        int32_t n, want;
    } counts[] = {{1, 10}, {2, 13}, {10, 37}, {100000, 300007}};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        cr_assert_eq(vp_call(&e, "count", 1, counts[i].n, 0, &r, &err), WVM_OK);
        cr_assert_eq(r, counts[i].want, "count(%d) = %d", counts[i].n, r);
    }
    cr_assert_eq(vp_call(&e, "sum", 2, -5, 12, &r, &err), WVM_OK);
    cr_assert_eq(r, 7);
    cr_assert_eq(vp_call(&e, "fill", 2, 100, 3, &r, &err), WVM_OK);
    cr_assert_eq(r, 112);
    static const uint32_t filled[3] = {3, 2, 1}; /* at 104, 108, 112 */
    cr_assert_eq(memcmp(e.mem + 104, filled, sizeof filled), 0);
    cr_assert_eq(vp_call(&e, "bump", 2, 200, 41, NULL, &err), WVM_OK);
    cr_assert_eq(e.mem[200], 42);
    vp_close(&e);
}

/* A trap in the first instruction of a pair (fill's store, before its add) and in the
 * second one (bump's store, after its add) is reported at that instruction. */
Test(vm_pair, traps_name_their_own_instruction)
{
    static const uint8_t fill_store[] = {0x36, 0x02, 0x04}; /* i32.store offset=4 */
    static const uint8_t bump_store[] = {0x36, 0x02, 0x00}; /* i32.store */
    vp_env e;
    vp_open(&e, WVM_METER_OFF);
    wvm_error err;
    int32_t r;
    /* the first store writes 65532..65535, the second one would write 65536.. */
    cr_assert_eq(vp_call(&e, "fill", 2, 65536 - 8, 5, &r, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_MEMORY_OUT_OF_BOUNDS);
    cr_assert_eq(err.offset, vp_offset_of(fill_store, sizeof fill_store));
    uint32_t first;
    memcpy(&first, e.mem + 65532, sizeof first);
    cr_assert_eq(first, 5);
    cr_assert_eq(vp_call(&e, "bump", 2, 65536 - 2, 0, NULL, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_MEMORY_OUT_OF_BOUNDS);
    cr_assert_eq(err.offset, vp_offset_of(bump_store, sizeof bump_store));
    vp_close(&e);
}

/* With every budget from nothing to enough, count(3) stops where fuel.md says, and leaves what
 * it says: its charges are 2 (host entry), 3 (call entry and the function's first block, which
 * falls into the loop through a pair whose second instruction is the loop's `fuel`), 10 (each
 * of the loop body's three runs) and 1 (the rest). */
Test(vm_pair, fuel_is_charged_the_same)
{
    static const uint64_t charges[] = {2, 3, 10, 10, 10, 1};
    vp_env e;
    vp_open(&e, WVM_METER_NATIVE);
    for (uint64_t budget = 0; budget <= 40; budget++) {
        uint64_t paid = 0;
        size_t i = 0;
        while (i < sizeof charges / sizeof *charges && paid + charges[i] <= budget)
            paid += charges[i++];
        bool completes = i == sizeof charges / sizeof *charges;
        wvm_error err;
        int32_t r = 0;
        wvm_store_set_fuel(e.store, budget);
        wvm_status status = vp_call(&e, "count", 1, 3, 0, &r, &err);
        cr_assert_eq(status, completes ? WVM_OK : WVM_ERR_TRAP, "budget %llu",
                     (unsigned long long)budget);
        if (completes)
            cr_assert_eq(r, 16);
        else
            cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL);
        cr_assert_eq(wvm_store_fuel(e.store), budget - paid, "budget %llu: %llu left, want %llu",
                     (unsigned long long)budget, (unsigned long long)wvm_store_fuel(e.store),
                     (unsigned long long)(budget - paid));
    }
    vp_close(&e);
}
