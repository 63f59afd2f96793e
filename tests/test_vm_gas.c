/* Criterion tests of vm_translate_ex's gas function (vm/vm.h): direct calls to an imported
 * (i64) -> () or (i32) -> () function translated into fuel charges of their argument, with
 * constant and computed arguments, unmetered and metered code, out of fuel before the charge
 * and resumption there. The modules run on a minimal hand-built instance through the VM's
 * own entry points (vm_call_resumable / vm_resume), since the runtime decides elsewhere when
 * a module has a gas function.
 *
 * The modules are embedded as bytes (wat2wasm, then xxd -i) below the text they come from.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "../loader/cost_model.h"
#include "../loader/module.h"
#include "../vm/code.h"

/*
 * (module
 *   (import "env" "gas" (func $gas (param i64)))
 *   (func (export "const") (result i32)
 *     (call $gas (i64.const 100))
 *     (i32.const 7))
 *   (func (export "dyn") (param i64) (result i32)
 *     (call $gas (local.get 0))
 *     (i32.const 7))
 *   (func (export "two") (param i64 i64) (result i32)
 *     (call $gas (i64.add (local.get 0) (i64.const 5)))
 *     (call $gas (local.get 1))
 *     (i32.const 7))
 *   (func (export "loop") (param $n i32) (result i32) (local $i i32)
 *     (loop $l
 *       (call $gas (i64.extend_i32_u (local.get $i)))
 *       (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *       (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
 *     (local.get $i)))
 */
static const uint8_t wasm_gas64[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x19, 0x05, 0x60,
    0x01, 0x7e, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7f,
    0x60, 0x02, 0x7e, 0x7e, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02,
    0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x67, 0x61, 0x73, 0x00, 0x00,
    0x03, 0x05, 0x04, 0x01, 0x02, 0x03, 0x04, 0x07, 0x1c, 0x04, 0x05, 0x63,
    0x6f, 0x6e, 0x73, 0x74, 0x00, 0x01, 0x03, 0x64, 0x79, 0x6e, 0x00, 0x02,
    0x03, 0x74, 0x77, 0x6f, 0x00, 0x03, 0x04, 0x6c, 0x6f, 0x6f, 0x70, 0x00,
    0x04, 0x0a, 0x41, 0x04, 0x09, 0x00, 0x42, 0xe4, 0x00, 0x10, 0x00, 0x41,
    0x07, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x07, 0x0b, 0x0f,
    0x00, 0x20, 0x00, 0x42, 0x05, 0x7c, 0x10, 0x00, 0x20, 0x01, 0x10, 0x00,
    0x41, 0x07, 0x0b, 0x1c, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0xad,
    0x10, 0x00, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20,
    0x00, 0x49, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b,
};

/* Function indices in wasm_gas64 (0 is the import). */
enum { G64_CONST = 1, G64_DYN, G64_TWO, G64_LOOP, G64_NFUNCS };

/* Offsets of the calls to $gas in wasm_gas64 (wasm-objdump -d). */
#define G64_TWO_CALL1 0x72
#define G64_TWO_CALL2 0x76

/*
 * (module
 *   (import "env" "gas" (func $gas (param i32)))
 *   (func (export "const") (result i32)
 *     (call $gas (i32.const -1))
 *     (i32.const 7))
 *   (func (export "dyn") (param i32) (result i32)
 *     (call $gas (local.get 0))
 *     (i32.const 7)))
 */
static const uint8_t wasm_gas32[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0e, 0x03, 0x60,
    0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x67, 0x61, 0x73, 0x00,
    0x00, 0x03, 0x03, 0x02, 0x01, 0x02, 0x07, 0x0f, 0x02, 0x05, 0x63, 0x6f,
    0x6e, 0x73, 0x74, 0x00, 0x01, 0x03, 0x64, 0x79, 0x6e, 0x00, 0x02, 0x0a,
    0x13, 0x02, 0x08, 0x00, 0x41, 0x7f, 0x10, 0x00, 0x41, 0x07, 0x0b, 0x08,
    0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x07, 0x0b,
};

enum { G32_CONST = 1, G32_DYN, G32_NFUNCS };

/* ---- a minimal instance ---- */

#define GT_MAX_FUNCS 8

typedef struct {
    wasm_module m;
    wasm_cost_model costs;
    vm_code *codes[GT_MAX_FUNCS];
    vm_func funcs[GT_MAX_FUNCS];
    vm_func *func_ptrs[GT_MAX_FUNCS];
    vm_instance inst;
    vm_exec *ex;
} gt_env;

/* The imported gas function itself: never reached by a direct call. */
static int gt_gas_host(vm_caller *caller, const vm_slot *args, vm_slot *results, void *env)
{
    (*(unsigned *)env)++;
    return VM_TRAP_HOST;
}

static unsigned gt_host_calls;

/* Decodes bytes, translates its defined functions with function 0 as the gas function and
 * the given metering (under the uniform model: no host-entry or call-entry charges, so fuel
 * is exactly the operators plus the gas), and builds an instance and a metered context. */
static void gt_open(gt_env *e, const uint8_t *bytes, size_t size, vm_meter_mode meter)
{
    memset(e, 0, sizeof *e);
    wasm_error err;
    wasm_error_clear(&err);
    cr_assert_eq(loader_decode(bytes, size, &e->m, &err), WASM_OK, "decode: %s", err.message);
    cr_assert_eq(loader_validate(&e->m, &err), WASM_OK, "validate: %s", err.message);
    wasm_cost_model_uniform(&e->costs);
    uint32_t nfuncs = e->m.nfunc_imports + e->m.nfuncs;
    cr_assert_leq(nfuncs, GT_MAX_FUNCS);
    vm_translate_opts opts = {meter, &e->costs, 0, NULL};
    gt_host_calls = 0;
    for (uint32_t i = 0; i < nfuncs; i++) {
        vm_func *f = &e->funcs[i];
        f->type = &e->m.types[e->m.func_types[i]];
        f->func_index = i;
        if (i < e->m.nfunc_imports) {
            f->host = gt_gas_host;
            f->host_env = &gt_host_calls;
        } else {
            cr_assert_eq(vm_translate_ex(&e->m, i, &opts, &e->codes[i], &err), WASM_OK,
                         "translate %u: %s", i, err.message);
            f->code = e->codes[i];
            f->instance = &e->inst;
        }
        e->func_ptrs[i] = f;
    }
    e->inst.module = &e->m;
    e->inst.funcs = e->func_ptrs;
    vm_code_link_calls(e->codes + e->m.nfunc_imports, e->m.nfuncs);
    e->ex = vm_exec_new(&(vm_limits){0, 0});
    cr_assert_not_null(e->ex);
    vm_exec_set_metering(e->ex, &e->costs);
}

static void gt_close(gt_env *e)
{
    cr_assert_eq(gt_host_calls, 0, "the gas import was called");
    for (uint32_t i = 0; i < GT_MAX_FUNCS; i++)
        vm_code_free(e->codes[i]);
    vm_exec_free(e->ex);
    loader_free(&e->m);
}

static void gt_add_fuel(gt_env *e, uint64_t amount)
{
    vm_exec_set_fuel(e->ex, vm_exec_fuel(e->ex) + amount);
}

/* Calls function f with fuel, expecting it to return 7; returns the fuel it consumed. */
static uint64_t gt_run(gt_env *e, uint32_t f, const vm_slot *args, uint64_t fuel)
{
    vm_exec_set_fuel(e->ex, fuel);
    uint64_t before = vm_exec_fuel_consumed(e->ex);
    vm_slot result = 0;
    vm_trap trap;
    int rc = vm_call(e->ex, &e->funcs[f], args, &result, NULL, &trap);
    cr_assert_eq(rc, VM_TRAP_NONE, "function %u trapped with %d", f, rc);
    cr_assert_eq(result, 7);
    return vm_exec_fuel_consumed(e->ex) - before;
}

/* How many instructions of code have opcode op. */
static unsigned gt_count_op(const vm_code *code, vm_opcode op)
{
    unsigned count = 0;
    uint32_t pc = 0;
    while (pc < code->nwords) {
        uint32_t w = pc + 1;
        cr_assert_lt(code->words[pc], VM_OP_COUNT);
        for (const char *f = vm_op_format[code->words[pc]]; *f; f++)
            w += *f == 'l' ? 2 : *f == 'T' ? 2 + code->words[w] : 1;
        count += code->words[pc] == (uint32_t)op;
        pc = w;
    }
    return count;
}

/* The direct calls in code, to defined and to imported functions. */
static unsigned gt_count_calls(const vm_code *code)
{
    return gt_count_op(code, VM_OP_call) + gt_count_op(code, VM_OP_call_import);
}

/* ---- tests ---- */

/* Unmetered code charges exactly the gas: a constant argument, and computed ones read from
 * a local or from a computed slot. No call instruction remains. */
Test(vm_gas, i64_charges_unmetered)
{
    gt_env e;
    gt_open(&e, wasm_gas64, sizeof wasm_gas64, VM_METER_OFF);
    for (uint32_t f = G64_CONST; f < G64_NFUNCS; f++) {
        cr_assert_eq(gt_count_calls(e.codes[f]), 0, "function %u calls", f);
        cr_assert_eq(gt_count_op(e.codes[f], VM_OP_fuel_dyn32), 0);
    }
    cr_assert_eq(gt_count_op(e.codes[G64_CONST], VM_OP_fuel), 1);
    cr_assert_eq(gt_count_op(e.codes[G64_DYN], VM_OP_fuel_dyn64), 1);
    cr_assert_eq(gt_count_op(e.codes[G64_TWO], VM_OP_fuel_dyn64), 2);

    cr_assert_eq(gt_run(&e, G64_CONST, NULL, 1000), 100);
    vm_slot big[1] = {UINT64_C(0x123456789)};
    cr_assert_eq(gt_run(&e, G64_DYN, big, UINT64_C(0x200000000)), UINT64_C(0x123456789));
    vm_slot zero[1] = {0};
    cr_assert_eq(gt_run(&e, G64_DYN, zero, 0), 0);
    vm_slot two[2] = {10, 20};
    cr_assert_eq(gt_run(&e, G64_TWO, two, 1000), 35);
    gt_close(&e);
}

/* i32 arguments are unsigned: -1 charges 2^32 - 1, as a constant and computed. */
Test(vm_gas, i32_charges_zero_extended)
{
    gt_env e;
    gt_open(&e, wasm_gas32, sizeof wasm_gas32, VM_METER_OFF);
    cr_assert_eq(gt_count_op(e.codes[G32_CONST], VM_OP_fuel), 1);
    cr_assert_eq(gt_count_op(e.codes[G32_DYN], VM_OP_fuel_dyn32), 1);
    cr_assert_eq(gt_count_calls(e.codes[G32_DYN]), 0);
    cr_assert_eq(gt_run(&e, G32_CONST, NULL, UINT64_C(1) << 40), UINT32_MAX);
    vm_slot minus1[1] = {UINT32_MAX};
    cr_assert_eq(gt_run(&e, G32_DYN, minus1, UINT64_C(1) << 40), UINT32_MAX);
    vm_slot five[1] = {5};
    cr_assert_eq(gt_run(&e, G32_DYN, five, 5), 5);
    gt_close(&e);
}

/* Metered code charges its operators as usual (the call operator included, under the
 * uniform model) plus the gas; both metering modes agree. "loop" with n = 4: `loop` 1,
 * 11 operators per iteration, the loop's `end`, local.get and the final end 3, and gas
 * 0 + 1 + 2 + 3. */
Test(vm_gas, metered_operators_plus_gas)
{
    const vm_meter_mode modes[] = {VM_METER_BLOCKS, VM_METER_PER_OPERATOR};
    for (size_t k = 0; k < 2; k++) {
        gt_env e;
        gt_open(&e, wasm_gas64, sizeof wasm_gas64, modes[k]);
        cr_assert_eq(gt_run(&e, G64_CONST, NULL, 1000), 4 + 100);
        vm_slot two[2] = {10, 20};
        cr_assert_eq(gt_run(&e, G64_TWO, two, 1000), 8 + 35);
        vm_slot n[1] = {4};
        vm_exec_set_fuel(e.ex, 1000);
        vm_slot result = 0;
        vm_trap trap;
        cr_assert_eq(vm_call(e.ex, &e.funcs[G64_LOOP], n, &result, NULL, &trap), VM_TRAP_NONE);
        cr_assert_eq(result, 4);
        cr_assert_eq(vm_exec_fuel(e.ex), 1000 - (1 + 4 * 11 + 3 + 6), "mode %zu", k);
        gt_close(&e);
    }
}

/* A short charge stops before it, charging nothing, at the call's offset; resuming retries
 * it (and only it: the first charge is not taken again). */
Test(vm_gas, out_of_fuel_and_resume)
{
    const vm_meter_mode modes[] = {VM_METER_OFF, VM_METER_BLOCKS};
    for (size_t k = 0; k < 2; k++) {
        gt_env e;
        gt_open(&e, wasm_gas64, sizeof wasm_gas64, modes[k]);
        uint64_t ops = modes[k] == VM_METER_OFF ? 0 : 8; /* "two", uniform, metered */
        vm_slot args[2] = {10, 20};
        /* enough for the operators and the first charge (15), 1 short of the second */
        vm_exec_set_fuel(e.ex, ops + 15 + 19);
        vm_slot result = 0;
        vm_trap trap;
        vm_suspension susp;
        int rc = vm_call_resumable(e.ex, &e.funcs[G64_TWO], args, &result, NULL, &trap, &susp);
        cr_assert_eq(rc, VM_TRAP_OUT_OF_FUEL);
        cr_assert(susp.active);
        cr_assert_eq(trap.offset, G64_TWO_CALL2, "stopped at 0x%zx", trap.offset);
        cr_assert_eq(vm_exec_fuel(e.ex), 19, "the short charge took fuel");
        cr_assert_eq(vm_exec_fuel_consumed(e.ex), ops + 15);
        /* still short */
        cr_assert_eq(vm_resume(e.ex, &susp, &result, NULL, &trap), VM_TRAP_OUT_OF_FUEL);
        cr_assert(susp.active);
        cr_assert_eq(vm_exec_fuel(e.ex), 19);
        gt_add_fuel(&e, 1);
        cr_assert_eq(vm_resume(e.ex, &susp, &result, NULL, &trap), VM_TRAP_NONE);
        cr_assert(!susp.active);
        cr_assert_eq(result, 7);
        cr_assert_eq(vm_exec_fuel(e.ex), 0);
        cr_assert_eq(vm_exec_fuel_consumed(e.ex), ops + 35);

        /* a constant charge stops the same way, before anything after it */
        vm_exec_set_fuel(e.ex, 99);
        rc = vm_call_resumable(e.ex, &e.funcs[G64_CONST], NULL, &result, NULL, &trap, &susp);
        if (modes[k] == VM_METER_OFF) {
            cr_assert_eq(rc, VM_TRAP_OUT_OF_FUEL);
            cr_assert_eq(vm_exec_fuel(e.ex), 99);
            gt_add_fuel(&e, 1);
            cr_assert_eq(vm_resume(e.ex, &susp, &result, NULL, &trap), VM_TRAP_NONE);
            cr_assert_eq(vm_exec_fuel(e.ex), 0);
        } else { /* the entry block (4) is paid, then the charge is short */
            cr_assert_eq(rc, VM_TRAP_OUT_OF_FUEL);
            cr_assert_eq(vm_exec_fuel(e.ex), 95);
            cr_assert(vm_suspension_drop(e.ex, &susp));
        }
        gt_close(&e);
    }
}

/* Running "loop" in slices, adding one unit of fuel at every stop, consumes exactly what one
 * uninterrupted run does, in both metering modes and unmetered. */
Test(vm_gas, slices_cost_what_one_run_costs)
{
    const vm_meter_mode modes[] = {VM_METER_OFF, VM_METER_BLOCKS, VM_METER_PER_OPERATOR};
    const uint64_t want[] = {0 + 1 + 2 + 3 + 4, 1 + 5 * 11 + 3 + 10, 1 + 5 * 11 + 3 + 10};
    for (size_t k = 0; k < 3; k++) {
        gt_env e;
        gt_open(&e, wasm_gas64, sizeof wasm_gas64, modes[k]);
        vm_slot n[1] = {5};
        vm_slot result = 0;
        vm_trap trap;
        vm_suspension susp;
        vm_exec_set_fuel(e.ex, 0);
        int rc = vm_call_resumable(e.ex, &e.funcs[G64_LOOP], n, &result, NULL, &trap, &susp);
        unsigned stops = 0;
        while (rc == VM_TRAP_OUT_OF_FUEL) {
            stops++;
            cr_assert_leq(stops, 1000);
            gt_add_fuel(&e, 1);
            rc = vm_resume(e.ex, &susp, &result, NULL, &trap);
        }
        cr_assert_eq(rc, VM_TRAP_NONE);
        cr_assert_eq(result, 5);
        cr_assert_eq(vm_exec_fuel_consumed(e.ex), want[k], "mode %zu: %llu", k,
                     (unsigned long long)vm_exec_fuel_consumed(e.ex));
        cr_assert_eq(vm_exec_fuel(e.ex), 0);
        gt_close(&e);
    }
}

/* Without a gas function the call stays a call (and reaches the import); a gas function that
 * is not an imported (i64) -> () or (i32) -> () function is refused. */
Test(vm_gas, only_the_gas_function)
{
    wasm_module m;
    wasm_error err;
    wasm_error_clear(&err);
    cr_assert_eq(loader_decode(wasm_gas64, sizeof wasm_gas64, &m, &err), WASM_OK);
    cr_assert_eq(loader_validate(&m, &err), WASM_OK);
    vm_code *code = NULL;
    cr_assert_eq(vm_translate(&m, G64_DYN, VM_METER_OFF, NULL, &code, &err), WASM_OK);
    cr_assert_eq(gt_count_op(code, VM_OP_call_import), 1); /* the gas import */
    cr_assert_eq(gt_count_op(code, VM_OP_fuel_dyn64), 0);
    vm_code_free(code);
    code = NULL;
    vm_translate_opts opts = {VM_METER_OFF, NULL, G64_CONST, NULL}; /* defined, () -> i32 */
    cr_assert_neq(vm_translate_ex(&m, G64_DYN, &opts, &code, &err), WASM_OK);
    cr_assert_null(code);
    loader_free(&m);
}
