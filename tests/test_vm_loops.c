/* Criterion tests of the loop cache (BRANCH_VIA in vm/interp.c): the last backward
 * conditional branch taken keeps its target in a register, and a branch taken again jumps
 * there without loading its offset. The module's loops make the entry change hands all the
 * time: two inner loops take turns inside an outer one, the first calls a function with a
 * loop of its own and branches forward over that call, the second loops back through a
 * br_table, and a loop with its exit in the middle loops back by an unconditional br (which
 * the cache leaves alone). Every result is checked against the same loops in C, unmetered,
 * with each kind of metering, and run a little fuel at a time (each stop and resume starting
 * over with an empty cache, some stops on a back edge the cache holds).
 *
 * The module below was assembled with wat2wasm, then xxd -i:
 *
 * (module
 *   (memory (export "mem") 1)
 *   (func $tri (param $k i32) (result i32) (local $s i32)
 *     (block $done
 *       (br_if $done (i32.le_s (local.get $k) (i32.const 0)))
 *       (loop $l
 *         (local.set $s (i32.add (local.get $s) (local.get $k)))
 *         (local.set $k (i32.sub (local.get $k) (i32.const 1)))
 *         (br_if $l (i32.gt_s (local.get $k) (i32.const 0)))))
 *     (local.get $s))
 *   (func (export "nested") (param $n i32) (result i32)
 *     (local $i i32) (local $j i32) (local $acc i32)
 *     (block $out
 *       (br_if $out (i32.le_s (local.get $n) (i32.const 0)))
 *       (loop $outer
 *         (local.set $j (i32.const 0))
 *         (loop $inner1
 *           (block $skip
 *             (br_if $skip (i32.and (local.get $j) (i32.const 1)))
 *             (local.set $acc (i32.add (local.get $acc) (call $tri (local.get $j)))))
 *           (local.set $acc (i32.xor (local.get $acc) (i32.mul (local.get $j) (i32.const 31))))
 *           (local.set $j (i32.add (local.get $j) (i32.const 1)))
 *           (br_if $inner1 (i32.lt_s (local.get $j) (local.get $i))))
 *         (local.set $j (local.get $i))
 *         (block $next
 *           (loop $inner2
 *             (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (local.get $j)))
 *             (local.set $j (i32.sub (local.get $j) (i32.const 1)))
 *             (br_table $inner2 $next (i32.le_s (local.get $j) (i32.const 0)))))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br_if $outer (i32.lt_s (local.get $i) (local.get $n)))))
 *     (local.get $acc))
 *   (func (export "mid_exit") (param $n i32) (result i32) (local $s i32)
 *     (block $done
 *       (loop $l
 *         (br_if $done (i32.eqz (local.get $n)))
 *         (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 7)) (local.get $n)))
 *         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *         (br $l)))
 *     (local.get $s)))
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "wvm.h"
#include "module_env.h"
#include "values.h"

static const uint8_t wasm_loops[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x00, 0x00, 0x05, 0x03,
    0x01, 0x00, 0x01, 0x07, 0x1b, 0x03, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
    0x06, 0x6e, 0x65, 0x73, 0x74, 0x65, 0x64, 0x00, 0x01, 0x08, 0x6d, 0x69,
    0x64, 0x5f, 0x65, 0x78, 0x69, 0x74, 0x00, 0x02, 0x0a, 0xc7, 0x01, 0x03,
    0x28, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x20, 0x00, 0x41, 0x00, 0x4c, 0x0d,
    0x00, 0x03, 0x40, 0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, 0x20, 0x00,
    0x41, 0x01, 0x6b, 0x21, 0x00, 0x20, 0x00, 0x41, 0x00, 0x4a, 0x0d, 0x00,
    0x0b, 0x0b, 0x20, 0x01, 0x0b, 0x77, 0x01, 0x03, 0x7f, 0x02, 0x40, 0x20,
    0x00, 0x41, 0x00, 0x4c, 0x0d, 0x00, 0x03, 0x40, 0x41, 0x00, 0x21, 0x02,
    0x03, 0x40, 0x02, 0x40, 0x20, 0x02, 0x41, 0x01, 0x71, 0x0d, 0x00, 0x20,
    0x03, 0x20, 0x02, 0x10, 0x00, 0x6a, 0x21, 0x03, 0x0b, 0x20, 0x03, 0x20,
    0x02, 0x41, 0x1f, 0x6c, 0x73, 0x21, 0x03, 0x20, 0x02, 0x41, 0x01, 0x6a,
    0x21, 0x02, 0x20, 0x02, 0x20, 0x01, 0x48, 0x0d, 0x00, 0x0b, 0x20, 0x01,
    0x21, 0x02, 0x02, 0x40, 0x03, 0x40, 0x20, 0x03, 0x41, 0x03, 0x6c, 0x20,
    0x02, 0x6a, 0x21, 0x03, 0x20, 0x02, 0x41, 0x01, 0x6b, 0x21, 0x02, 0x20,
    0x02, 0x41, 0x00, 0x4c, 0x0e, 0x01, 0x00, 0x01, 0x0b, 0x0b, 0x20, 0x01,
    0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x48, 0x0d, 0x00,
    0x0b, 0x0b, 0x20, 0x03, 0x0b, 0x24, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03,
    0x40, 0x20, 0x00, 0x45, 0x0d, 0x01, 0x20, 0x01, 0x41, 0x07, 0x6c, 0x20,
    0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c,
    0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b
};

/* What the module's functions compute (i32 arithmetic wraps: uint32_t here). */
static uint32_t ref_tri(int32_t k)
{
    uint32_t s = 0;
    if (k > 0) {
        do {
            s += (uint32_t)k;
            k--;
        } while (k > 0);
    }
    return s;
}

static int32_t ref_nested(int32_t n)
{
    uint32_t acc = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t j = 0;
        do {
            if (!(j & 1))
                acc += ref_tri(j);
            acc ^= (uint32_t)j * 31u;
            j++;
        } while (j < i);
        j = i;
        do {
            acc = acc * 3u + (uint32_t)j;
            j--;
        } while (!(j <= 0));
    }
    return (int32_t)acc;
}

static int32_t ref_mid_exit(int32_t n)
{
    uint32_t s = 0;
    for (; n != 0; n--)
        s = s * 7u + (uint32_t)n;
    return (int32_t)s;
}

/* Calls export name(arg), which must return an i32 (within the store's fuel, when metered). */
static int32_t call_i32(module_env *e, const char *name, int32_t arg)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    wvm_val a = val_i32(arg), r;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_func_call(e->store, ext.of.func, &a, 1, &r, 1, &err), WVM_OK, "%s(%d): %s",
                 name, arg, err.message);
    return r.of.i32;
}

/* Calls export name(arg) starting with `budget` fuel and adding `step` after each stop; returns
 * its result. */
static int32_t call_i32_sliced(module_env *e, const char *name, int32_t arg, uint64_t budget,
                               uint64_t step)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    wvm_val a = val_i32(arg), r = val_i32(0);
    wvm_resumable *resumable = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    wvm_store_set_fuel(e->store, budget);
    wvm_status st = wvm_func_call_resumable(e->store, ext.of.func, &a, 1, &r, 1, &resumable, &err);
    for (int stops = 0; st != WVM_OK; stops++) {
        cr_assert_eq(err.trap, WVM_TRAP_OUT_OF_FUEL, "%s(%d): %s", name, arg, err.message);
        cr_assert_lt(stops, 1000000, "%s(%d) does not finish", name, arg);
        cr_assert_eq(wvm_store_add_fuel(e->store, step), WVM_OK);
        st = wvm_resumable_resume(resumable, &r, 1, &err);
    }
    return r.of.i32;
}

/* (metered first: a wrong jump there ends out of fuel, not in the time limit) */
static const wvm_meter_mode modes[] = {WVM_METER_NATIVE, WVM_METER_REFERENCE, WVM_METER_INSTRUMENT,
                                       WVM_METER_OFF};

/* (A wrong target would most likely loop forever: metered runs have a budget, and the tests a
 * time limit.) */
Test(vm_loops, nested_loops_take_turns_in_the_cache, .timeout = 60)
{
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        module_env e;
        module_env_open(&e, wasm_loops, sizeof wasm_loops, modes[m]);
        wvm_store_set_fuel(e.store, 100000000);
        for (int32_t n = -1; n <= 24; n++)
            cr_assert_eq(call_i32(&e, "nested", n), ref_nested(n), "mode %d: nested(%d)",
                         (int)modes[m], n);
        for (int32_t n = 0; n <= 40; n++)
            cr_assert_eq(call_i32(&e, "mid_exit", n), ref_mid_exit(n), "mode %d: mid_exit(%d)",
                         (int)modes[m], n);
        module_env_close(&e);
    }
}

Test(vm_loops, stops_and_resumes_inside_cached_loops, .timeout = 60)
{
    static const uint64_t steps[] = {1, 3, 17, 100, 1000};
    module_env e;
    module_env_open(&e, wasm_loops, sizeof wasm_loops, WVM_METER_NATIVE);
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        for (uint64_t budget = 0; budget < 400; budget += 37) {
            cr_assert_eq(call_i32_sliced(&e, "nested", 12, budget, steps[s]), ref_nested(12),
                         "nested(12): budget %llu, step %llu", (unsigned long long)budget,
                         (unsigned long long)steps[s]);
            cr_assert_eq(call_i32_sliced(&e, "mid_exit", 30, budget, steps[s]),
                         ref_mid_exit(30), "mid_exit(30): budget %llu, step %llu",
                         (unsigned long long)budget, (unsigned long long)steps[s]);
        }
    }
    module_env_close(&e);
}
