/* Criterion tests of forwarding (vm/pairs.h): the forwarding variants y^k and forwarded pairs
 * x+y^k have the operands of their instructions; vm_forwarded_operand finds the operand of an
 * instruction that reads what the one before it wrote, of a class the two agree on; the
 * translator forwards only where no branch lands; and forwarded code computes what the Wasm
 * does, metered or not, including a loop head that reads a value written just before the loop
 * (from its back edge, the last value written is another).
 *
 * The module below was assembled with wat2wasm, then xxd -i:
 *
 * (module
 *   (memory (export "mem") 1)
 *   (func (export "fib") (param $n i32) (result i32) (local $a i32) (local $b i32) (local $t i32)
 *     (local.set $a (i32.const 0))
 *     (local.set $b (i32.const 1))
 *     (block $done
 *       (br_if $done (i32.eqz (local.get $n)))
 *       (loop $l
 *         (local.set $t (i32.add (local.get $a) (local.get $b)))
 *         (local.set $a (local.get $b))
 *         (local.set $b (local.get $t))
 *         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *         (br_if $l (local.get $n))))
 *     (local.get $a))
 *   (func (export "head") (param $n i32) (result i32) (local $a i32) (local $b i32) (local $c i32)
 *     (local.set $a (i32.add (local.get $n) (i32.const 1)))
 *     (loop $l
 *       (local.set $b (i32.add (local.get $b) (local.get $a)))
 *       (local.set $a (i32.sub (local.get $a) (i32.const 1)))
 *       (local.set $c (i32.mul (local.get $a) (i32.const 3)))
 *       (br_if $l (local.get $a)))
 *     (i32.add (local.get $b) (local.get $c)))
 *   (func (export "mix") (param $x f64) (param $y f64) (param $i i32) (result i64)
 *     (i64.add
 *       (i64.reinterpret_f64 (f64.mul (f64.add (local.get $x) (local.get $y)) (local.get $x)))
 *       (i64.trunc_f64_s (f64.sqrt (f64.add (f64.convert_i32_s (local.get $i)) (local.get $y)))))))
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "wvm.h"
#include "module_env.h"
#include "values.h"
#include "../loader/module.h"
#include "../vm/code.h"

static const uint8_t wasm_fwd[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x02, 0x60,
  0x01, 0x7f, 0x01, 0x7f, 0x60, 0x03, 0x7c, 0x7c, 0x7f, 0x01, 0x7e, 0x03,
  0x04, 0x03, 0x00, 0x00, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x1a,
  0x04, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x03, 0x66, 0x69, 0x62, 0x00,
  0x00, 0x04, 0x68, 0x65, 0x61, 0x64, 0x00, 0x01, 0x03, 0x6d, 0x69, 0x78,
  0x00, 0x02, 0x0a, 0x77, 0x03, 0x33, 0x01, 0x03, 0x7f, 0x41, 0x00, 0x21,
  0x01, 0x41, 0x01, 0x21, 0x02, 0x02, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x00,
  0x03, 0x40, 0x20, 0x01, 0x20, 0x02, 0x6a, 0x21, 0x03, 0x20, 0x02, 0x21,
  0x01, 0x20, 0x03, 0x21, 0x02, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00,
  0x20, 0x00, 0x0d, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b, 0x2c, 0x01, 0x03,
  0x7f, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x03, 0x40, 0x20, 0x02,
  0x20, 0x01, 0x6a, 0x21, 0x02, 0x20, 0x01, 0x41, 0x01, 0x6b, 0x21, 0x01,
  0x20, 0x01, 0x41, 0x03, 0x6c, 0x21, 0x03, 0x20, 0x01, 0x0d, 0x00, 0x0b,
  0x20, 0x02, 0x20, 0x03, 0x6a, 0x0b, 0x14, 0x00, 0x20, 0x00, 0x20, 0x01,
  0xa0, 0x20, 0x00, 0xa2, 0xbd, 0x20, 0x02, 0xb7, 0x20, 0x01, 0xa0, 0x9f,
  0xb0, 0x7c, 0x0b
};

enum { FUNCS = 3 };

/* ---- helpers ---- */

/* Whether op is a forwarding variant y^k or a forwarded pair x+y^k (by name, pairs.h). */
static bool vf_forwards(uint32_t op)
{
    return strchr(vm_op_name[op], '^') != NULL;
}

/* The forwarding opcodes in function func_index's code translated with `meter`; fails the test
 * if one is at a place a branch lands on (its target, or past a `fuel` instruction there). */
static size_t vf_count_forwarding(uint32_t func_index, vm_meter_mode meter)
{
    wasm_module m;
    vm_code *code = module_translate(wasm_fwd, sizeof wasm_fwd, func_index, meter, NULL, &m);
    bool *lands = calloc(code->nwords + FUEL_WORDS + 1, sizeof *lands);
    cr_assert_not_null(lands);
    for (uint32_t pc = 0; pc < code->nwords; pc += vm_insn_length(code->words, pc)) {
        const char *f = vm_op_format[code->words[pc]];
        for (uint32_t w = pc + 1; *f; f++, w += *f == 'l' ? 2 : 1) {
            if (*f == 'T') {
                for (uint32_t i = 0; i <= code->words[w]; i++) {
                    uint32_t t = w + 1 + i + (uint32_t)(int32_t)code->words[w + 1 + i];
                    lands[t] = true;
                    if (code->words[t] == VM_OP_fuel)
                        lands[t + FUEL_WORDS] = true;
                }
                break;
            }
            if (*f == 'o') {
                uint32_t t = w + (uint32_t)(int32_t)code->words[w];
                lands[t] = true;
                if (t >= FUEL_WORDS) /* (the paying forms' offsets point past the charge) */
                    lands[t - FUEL_WORDS] = true;
            }
        }
    }
    size_t n = 0;
    uint32_t previous = UINT32_MAX;
    for (uint32_t pc = 0; pc < code->nwords; pc += vm_insn_length(code->words, pc)) {
        uint32_t op = code->words[pc];
        bool pair = vm_op_unpaired(op) != op && strchr(vm_op_name[op], '+');
        if (vf_forwards(op) && !pair)
            cr_assert(!lands[pc] && previous != UINT32_MAX, "%s at %u is a landing",
                      vm_op_name[op], pc);
        if (vf_forwards(op) && pair) {
            uint32_t next = pc + vm_insn_length(code->words, pc);
            cr_assert(!lands[next], "%s at %u forwards to a landing", vm_op_name[op], pc);
        }
        n += vf_forwards(op);
        previous = pc;
    }
    free(lands);
    vm_code_free(code);
    loader_free(&m);
    return n;
}

/* Calls export name with the arguments args[0..nargs); returns the result. */
static wvm_val vf_call(module_env *e, const char *name, const wvm_val *args, size_t nargs)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, name, &ext), "no export %s", name);
    wvm_val result;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_func_call(e->store, ext.of.func, args, nargs, &result, 1, &err), WVM_OK,
                 "%s", err.message);
    return result;
}

/* The Wasm functions, in C. */
static int32_t vf_fib(int32_t n)
{
    uint32_t a = 0, b = 1;
    for (; n != 0; n--) {
        uint32_t t = a + b;
        a = b;
        b = t;
    }
    return (int32_t)a;
}

static int32_t vf_head(int32_t n)
{
    uint32_t a = (uint32_t)n + 1, b = 0, c;
    do {
        b += a;
        a--;
        c = a * 3;
    } while (a != 0);
    return (int32_t)(b + c);
}

static int64_t vf_mix(double x, double y, int32_t i)
{
    double p = (x + y) * x;
    uint64_t bits;
    memcpy(&bits, &p, sizeof bits);
    return (int64_t)(bits + (uint64_t)(int64_t)sqrt((double)i + y));
}

/* ---- tests ---- */

/* Every variant y^k has y's format and length, and k is one of y's source operands; every
 * forwarded pair x+y^k has x's, x+y is a pair, and y^k a variant. */
Test(vm_forward, opcodes_have_their_instruction_operands)
{
    size_t variants = 0, forwarded_pairs = 0;
    for (uint32_t op = 0; op < VM_OP_COUNT; op++) {
        if (!vf_forwards(op))
            continue;
        vm_opcode base = vm_op_unpaired(op);
        cr_assert_neq(base, op, "%s", vm_op_name[op]);
        cr_assert_str_eq(vm_op_format[op], vm_op_format[base], "%s", vm_op_name[op]);
        cr_assert_eq(vm_op_words[op], vm_op_words[base], "%s", vm_op_name[op]);
        const char *caret = strchr(vm_op_name[op], '^'), *plus = strchr(vm_op_name[op], '+');
        unsigned k = (unsigned)atoi(caret + 1);
        char pair[128], variant[128];
        if (!plus) {
            variants++;
            cr_assert(vm_op_source_words[base] >> k & 1, "%s: %u is no source", vm_op_name[op], k);
            continue;
        }
        forwarded_pairs++;
        snprintf(pair, sizeof pair, "%.*s", (int)(caret - vm_op_name[op]), vm_op_name[op]);
        snprintf(variant, sizeof variant, "%s", plus + 1);
        bool has_pair = false, has_variant = false;
        for (uint32_t o = 0; o < VM_OP_COUNT; o++) {
            has_pair |= strcmp(vm_op_name[o], pair) == 0;
            has_variant |= strcmp(vm_op_name[o], variant) == 0;
        }
        cr_assert(has_pair && has_variant, "%s: no pair %s or no variant %s", vm_op_name[op],
                  pair, variant);
    }
    cr_assert_gt(variants, 0);
    cr_assert_gt(forwarded_pairs, 0);
}

/* The operand forwarded between two instructions, on hand-made instruction words. */
Test(vm_forward, forwarded_operand_of_two_instructions)
{
    /* i32.add writes r5; the next reads it as its second operand (word 3) */
    const uint32_t add[] = {VM_OP_i32_add, 5, 1, 2}, reads[] = {VM_OP_i32_sub, 6, 4, 5};
    cr_assert_eq(vm_forwarded_operand(add, reads), 3);
    /* the first mention counts: r5 read as word 2 and 3 */
    const uint32_t twice[] = {VM_OP_i32_mul, 7, 5, 5};
    cr_assert_eq(vm_forwarded_operand(add, twice), 2);
    /* nothing read */
    const uint32_t other[] = {VM_OP_i32_sub, 6, 4, 3};
    cr_assert_eq(vm_forwarded_operand(add, other), 0);
    /* copy2 writes r5 before it reads it: no forwarding */
    const uint32_t clobber[] = {VM_OP_copy2, 5, 1, 6, 5};
    cr_assert_eq(vm_forwarded_operand(add, clobber), 0);
    const uint32_t late[] = {VM_OP_copy2, 6, 1, 7, 5};
    cr_assert_eq(vm_forwarded_operand(add, late), 4);
    /* two destinations (the last write is not word 1's), or none: no forwarding */
    const uint32_t moves[] = {VM_OP_copy2, 5, 1, 6, 2}, store[] = {VM_OP_i32_store, 5, 1, 0};
    cr_assert_eq(vm_forwarded_operand(moves, reads), 0);
    cr_assert_eq(vm_forwarded_operand(store, reads), 0);
    /* classes: an integer is not read as a float, nor a float as bits (a float's handler
     * leaves fwd as it was); a float is read as a float of its width */
    const uint32_t fadd[] = {VM_OP_f64_add, 5, 1, 2}, fmul[] = {VM_OP_f64_mul, 6, 5, 1};
    const uint32_t f32mul[] = {VM_OP_f32_mul, 6, 5, 1}, bits[] = {VM_OP_i64_reinterpret_f64, 6, 5};
    cr_assert_eq(vm_forwarded_operand(add, fmul), 0);
    cr_assert_eq(vm_forwarded_operand(fadd, fmul), 2);
    cr_assert_eq(vm_forwarded_operand(fadd, f32mul), 0);
    cr_assert_eq(vm_forwarded_operand(fadd, bits), 0);
    cr_assert_eq(vm_forwarded_operand(fadd, reads), 0);
}

/* The pass forwards to each variant's instruction after an i32 add writing its operand, unless
 * a branch lands on the instruction (then the add may not have run just before it). */
Test(vm_forward, pass_forwards_unless_a_branch_lands)
{
    size_t forwarded = 0;
    for (uint32_t v = 0; v < VM_OP_COUNT; v++) {
        if (!vf_forwards(v) || strchr(vm_op_name[v], '+'))
            continue;
        vm_opcode y = vm_op_unpaired(v);
        uint32_t k = (uint32_t)atoi(strchr(vm_op_name[v], '^') + 1), len = vm_op_words[y];
        const char *f = vm_op_format[y];
        if (!len || strpbrk(f, "oT"))
            continue; /* (no branches: their offsets would be more landings) */
        /* x, y, unreachable (which no pair has second: y stays itself), br */
        uint32_t words[32] = {VM_OP_i32_add_imm, 9, 1, 5, y}, ypos = 4, br = ypos + len + 1;
        words[br - 1] = VM_OP_unreachable;
        for (uint32_t i = 1; i < len; i++)
            words[ypos + i] = f[i - 1] == 'd' ? 8 : f[i - 1] == 's' ? (i == k ? 9 : 2) : 0;
        bool expected = vm_forwarded_operand(words, words + ypos) == k;
        for (int lands = 0; lands <= 1; lands++) {
            uint32_t code[32];
            memcpy(code, words, sizeof code);
            code[br] = VM_OP_br; /* to y, or to the add */
            code[br + 1] = (uint32_t)((lands ? (int32_t)ypos : 0) - (int32_t)(br + 1));
            uint32_t target = lands ? ypos : 0;
            const vm_srcmap_entry starts[] = {{0, 0}, {ypos, 0}, {br - 1, 0}, {br, 0}};
            cr_assert(vm_code_pair(code, br + 2, starts, 4, &target, 1));
            bool done = code[ypos] == v || strchr(vm_op_name[code[0]], '^');
            cr_assert_eq(done, expected && !lands, "%s, %s", vm_op_name[v],
                         lands ? "a branch lands on it" : "no branch lands on it");
            forwarded += done;
        }
    }
    cr_assert_gt(forwarded, 0);
}

/* The translator forwards in fib's loop and in mix, and never where a branch lands (head's
 * loop starts by reading what the instruction before the loop wrote). */
Test(vm_forward, translation_forwards_where_no_branch_lands)
{
    for (uint32_t f = 0; f < FUNCS; f++)
        for (vm_meter_mode meter = VM_METER_OFF; meter <= VM_METER_BLOCKS; meter++) {
            size_t n = vf_count_forwarding(f, meter);
            if (f != 1)
                cr_assert_gt(n, 0, "function %u, meter %d", f, (int)meter);
        }
}

/* Forwarded code computes what the Wasm does, metered and not. */
Test(vm_forward, forwarded_code_computes_the_same)
{
    static const wvm_meter_mode modes[] = {WVM_METER_OFF, WVM_METER_NATIVE};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        module_env e;
        module_env_open(&e, wasm_fwd, sizeof wasm_fwd, modes[m]);
        if (modes[m] != WVM_METER_OFF)
            wvm_store_set_fuel(e.store, UINT64_MAX);
        for (int32_t n = 0; n <= 47; n++) {
            wvm_val arg = val_i32(n);
            cr_assert_eq(vf_call(&e, "fib", &arg, 1).of.i32, vf_fib(n), "fib(%d)", n);
            cr_assert_eq(vf_call(&e, "head", &arg, 1).of.i32, vf_head(n), "head(%d)", n);
        }
        static const double xs[] = {0.5, -3.25, 1e300, 7.0};
        for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
            wvm_val args[3] = {val_f64(xs[i]), val_f64(2.5), val_i32((int32_t)i * 1000)};
            cr_assert_eq(vf_call(&e, "mix", args, 3).of.i64, vf_mix(xs[i], 2.5, (int32_t)i * 1000),
                         "mix(%g)", xs[i]);
        }
        module_env_close(&e);
    }
}
