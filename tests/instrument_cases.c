/* The calls of the Criterion suite `instrument` (tests/test_instrument_*.c) shared by several
 * of its files, with their expected results and gas computed by hand, and the corpus of
 * every module with its cases (declared in tests/instrument_cases.h).
 *
 * Under `default` a function's first metered block includes its call entry (1); `block`,
 * `loop`, `end`, `else`, `drop`, `nop`, `unreachable` and `return` cost 0, every other
 * operator 1; a host function costs only its call. The gas is the native fuel minus the host
 * entry (2). Below, "entry" is the call entry of the exported function. */
#include <stddef.h>
#include <stdint.h>

#include "wvm.h"

#include "instrument_cases.h"
#include "instrument_support.h"

/* run: entry + local.get, call, call, call = 5; a and b: entry + local.get, i32.const,
 * i32.add/mul = 4 each; host.f 0. 13. */
const icase cases_shift_call[] = {
    OK1("run", 5, 318, 13),
    OK1("run", 0, 303, 13),
};

/* run: entry + 2 x (i32.const, ref.func, table.set) + local.get, i32.const, call_indirect,
 * i32.const, call_indirect = 12; a 4, host.f 0. 16. */
const icase cases_shift_reffunc[] = {
    OK1("run", 5, 106, 16),
};

const icase cases_shift_export[] = {
    OK1("a", 5, 6, 4),
    OK1("b", 5, 15, 4),
};

/* calli / calli0: entry + local.get, local.get, call_indirect = 4, + the callee (4, or 0 for
 * the host function), also when call_indirect traps. init: entry + 3 i32.const + table.init
 * = 5, + 2 elements. */
const icase cases_shift_elem_funcs[] = {
    OK2("calli", 5, 0, 6, 8),
    OK2("calli", 5, 1, 105, 4),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli", 5, 6, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
    {"init", 0, {0}, 0, 0, WVM_TRAP_NONE, 7},
    OK2("calli", 5, 2, 15, 8),
    OK2("calli", 5, 3, 3, 8),
    OK2("calli0", 5, 0, 3, 8),
    OK2("calli0", 5, 1, 6, 8),
};

/* As cases_shift_elem_funcs; init copies 2 elements to slots 3 and 4. */
const icase cases_shift_elem_exprs[] = {
    OK2("calli", 5, 0, 6, 8),
    OK2("calli", 5, 1, 105, 4),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli", 5, 3, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    {"init", 0, {0}, 0, 0, WVM_TRAP_NONE, 7},
    OK2("calli", 5, 3, 15, 8),
    OK2("calli", 5, 4, 3, 8),
    TRAP2("calli", 5, 5, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    OK2("calli1", 5, 0, 3, 8),
    OK2("calli1", 5, 1, 15, 8),
    TRAP2("calli1", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli1", 5, 3, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
};

/* call_gb: entry + i32.const, global.get, table.set, local.get, i32.const, call_indirect = 7,
 * + b 4. */
const icase cases_shift_global[] = {
    OK1("call_gb", 5, 15, 11),
};

/* run: entry + local.get, call, local.get, i32.const, call, i32.add = 7; alpha: entry +
 * local.get, call, local.set, local.get, i32.const, i32.add = 7; beta: entry + local.get,
 * i32.eqz, if = 4, then (y != 0) local.get, local.get, i32.mul = 3. 21. With v = 0 beta
 * traps in its then-arm (unreachable costs 0): 7 + 7 + 4 = 18. */
const icase cases_shift_names[] = {
    OK1("run", 5, 111, 21),
    {"run", 1, {0}, 1, 0, WVM_TRAP_UNREACHABLE, 18},
};

/* dispatch: entry + local.get, local.get, call_indirect = 4, + the callee. */
const icase cases_shift_call_indirect[] = {
    OK2("dispatch", 5, 0, 6, 8),
    OK2("dispatch", 5, 1, 15, 8),
    OK2("dispatch", 5, 2, 105, 4),
    OK2("dispatch", 5, 3, 3, 8),
    TRAP2("dispatch", 5, 4, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
    TRAP2("dispatch", 5, -1, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
};

/* run: entry + local.get, call, call, i32.const, i32.load8_u, i32.add = 7; a: entry +
 * local.get, call, i32.add, global.get, i32.add = 6. run(5) = (105 + 42 + 7) + 9. */
const icase cases_shift_mixed_imports[] = {
    OK1("run", 5, 163, 13),
};

/* gas_ops under `default`:
 * sumsq(n): entry 1; each iteration: local.get, i32.eqz, br_if (3) + local.get, local.get,
 *   call, i32.add, local.set (5) + local.get, i32.const, i32.sub, local.set (4) + br (1) + sq
 *   (entry + local.get, local.get, i32.mul = 4) = 17; the exit test 3; local.get 1. 5 + 17n.
 * classify(x): entry + local.get, br_table = 3; x = 0: i32.const, local.set, br (3); x = 1:
 *   i32.const, local.set (2); the first if: local.get, i32.const, i32.gt_u, if (4) + its
 *   then-arm local.get, i32.const, i32.add, local.set (4) when x > 5; the second if: 4 + an
 *   arm of 3. x = 0: 3 + 3 + 4 + 4 + 3 = 17; x = 1: 3 + 2 + 4 + 4 + 3 = 16; x = 7: 3 + 4 + 4
 *   + 4 + 3 = 18; x = 2: 3 + 4 + 4 + 3 = 14.
 * countdown(n): entry 1; each iteration: local.get, i32.const, i32.add, local.set (4) +
 *   local.get, i32.const, i32.eq, br_if (4) + local.get, i32.const, i32.sub, local.tee, br_if
 *   (5) = 13; local.get 1. 2 + 13n; n = 100 leaves in the first iteration after 8: 10.
 * div(x): entry + i32.const, local.get, i32.div_u, i32.const, i32.add = 6, all paid on entry
 *   to the block, also when the division traps. */
const icase cases_gas_ops_default[] = {
    OK1("sumsq", 0, 0, 5),
    OK1("sumsq", 3, 14, 56),
    OK1("sumsq", 10, 385, 175),
    OK1("classify", 0, 9, 17),
    OK1("classify", 1, 21, 16),
    OK1("classify", 7, 101, 18),
    OK1("classify", 2, -1, 14),
    OK1("countdown", 4, 4, 54),
    OK1("countdown", 1, 1, 15),
    OK1("countdown", 100, 1, 10),
    OK1("div", 4, 26, 6),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 6},
};

/* gas_ops under `uniform` (every operator 1, no entry or dynamic costs; gas = native fuel):
 * sumsq(n): block, loop (2) + 17n (sq: 3 operators + end) + exit test 3 + local.get, end
 *   (2) = 7 + 17n.
 * classify(x): block x 3, local.get, br_table (5); x = 0: i32.const, local.set, br (3);
 *   x = 1: i32.const, local.set, end of $b2 (3); the first if: 4 + its end (1, on both
 *   paths) + 4 when taken; the second if: 4 + 3 + the else (then-arm) or the end (else-arm)
 *   1; the final end 1. x = 0: 5 + 3 + 5 + 8 + 1 = 22; x = 1: 5 + 3 + 5 + 8 + 1 = 22; x = 7:
 *   5 + 9 + 8 + 1 = 23; x = 2: 5 + 5 + 8 + 1 = 19.
 * countdown(n): block, loop (2) + 13n + end of loop, end of block (2) + local.get, end (2)
 *   = 6 + 13n; n = 100: 2 + 8 + local.get, end = 12.
 * div(x): 5 operators + end = 6. */
const icase cases_gas_ops_uniform[] = {
    OK1("sumsq", 0, 0, 7),
    OK1("sumsq", 3, 14, 58),
    OK1("sumsq", 10, 385, 177),
    OK1("classify", 0, 9, 22),
    OK1("classify", 1, 21, 22),
    OK1("classify", 7, 101, 23),
    OK1("classify", 2, -1, 19),
    OK1("countdown", 4, 4, 58),
    OK1("countdown", 1, 1, 19),
    OK1("countdown", 100, 1, 12),
    OK1("div", 4, 26, 6),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 6},
};

/* tests/data/fuel_ops.wasm: the native fuel computed by hand in tests/test_fuel.c, minus the
 * host entry (2 under `default`, 0 under `uniform`). */
const icase cases_fuel_ops_default[] = {
    OK2("straight", 4, 5, 27, 9 - 2),
    OK1("call2", 5, 7, 14 - 2),
    OK2("calli", 5, 0, 6, 10 - 2),
    OK2("calli", 5, 1, 10, 10 - 2),
    OK2("calli", 5, 3, 15, 6 - 2),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 6 - 2),
    TRAP2("calli", 5, 9, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 6 - 2),
    OK1("call_triple", 7, 21, 5 - 2),
    OK1("brif", 1, 1, 6 - 2),
    OK1("brif", 0, 2, 7 - 2),
    OK1("ifelse", 1, 10, 6 - 2),
    OK1("ifelse", 0, 21, 8 - 2),
    OK1("ifbr", 1, 7, 7 - 2),
    OK1("ifbr", 0, 9, 6 - 2),
    OK1("ifonly", 1, 5, 8 - 2),
    OK1("ifonly", 0, 0, 6 - 2),
    OK1("loop", 5, 15, 49 - 2),
    OK1("loop", 1, 1, 13 - 2),
    OK1("while", 4, 8, 55 - 2),
    OK1("while", 0, 0, 7 - 2),
    OK1("brtable_loop", 3, 3, 40 - 2),
    OK1("brtable", 0, 111, 16 - 2),
    OK1("brtable", 1, 110, 12 - 2),
    OK1("brtable", 2, 100, 8 - 2),
    OK1("brtable", 7, 100, 8 - 2),
    OK1("ret", 0, 1, 6 - 2),
    OK1("ret", 1, 2, 8 - 2),
    OK1("div", 2, 11, 9 - 2),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 9 - 2},
    {"unreachable_tail", 0, {0}, 0, 0, WVM_TRAP_UNREACHABLE, 5 - 2},
    {"unreachable_mid", 0, {0}, 1, 0, WVM_TRAP_UNREACHABLE, 5 - 2},
};
const icase cases_fuel_ops_uniform[] = {
    OK2("straight", 4, 5, 27, 13),
    OK1("call2", 5, 7, 12),
    OK2("calli", 5, 0, 6, 8),
    OK2("calli", 5, 1, 10, 8),
    OK2("calli", 5, 3, 15, 4),
    TRAP2("calli", 5, 2, WVM_TRAP_INDIRECT_CALL_TO_NULL, 4),
    TRAP2("calli", 5, 9, WVM_TRAP_TABLE_OUT_OF_BOUNDS, 4),
    OK1("call_triple", 7, 21, 3),
    OK1("brif", 1, 1, 5),
    OK1("brif", 0, 2, 8),
    OK1("ifelse", 1, 10, 5),
    OK1("ifelse", 0, 21, 7),
    OK1("ifbr", 1, 7, 6),
    OK1("ifbr", 0, 9, 8),
    OK1("ifonly", 1, 5, 7),
    OK1("ifonly", 0, 0, 5),
    OK1("loop", 5, 15, 49),
    OK1("loop", 1, 1, 13),
    OK1("while", 4, 8, 55),
    OK1("while", 0, 0, 7),
    OK1("brtable_loop", 3, 3, 40),
    OK1("brtable", 0, 111, 19),
    OK1("brtable", 1, 110, 14),
    OK1("brtable", 2, 100, 9),
    OK1("brtable", 7, 100, 9),
    OK1("ret", 0, 1, 5),
    OK1("ret", 1, 2, 7),
    OK1("div", 2, 11, 8),
    {"div", 1, {0}, 1, 0, WVM_TRAP_INT_DIVIDE_BY_ZERO, 8},
    {"unreachable_tail", 0, {0}, 0, 0, WVM_TRAP_UNREACHABLE, 3},
    {"unreachable_mid", 0, {0}, 1, 0, WVM_TRAP_UNREACHABLE, 4},
};

/* dyn under `default`: every export is one block, entry + its operators, then the dynamic
 * cost (1 per byte, element or page) only once the bounds checks pass; growth is charged
 * per page / element requested, also when it fails.
 * mem_fill / mem_copy / mem_init / tab_copy / tab_init: entry + 3 local.get + the operation
 *   = 5; tab_fill: entry + local.get, ref.func, local.get, table.fill = 5; mem_grow: entry +
 *   local.get, memory.grow = 3; tab_grow: entry + ref.null, local.get, table.grow = 4;
 *   load: entry + local.get, i32.load8_u = 3; data_drop / elem_drop / pages / tab_size: 2;
 *   tab_is_set: entry + local.get, table.get, ref.is_null, i32.eqz = 5. */
const icase cases_dyn_bulk[] = {
    CALL3("mem_fill", 100, 0xAB, 10, 5 + 10),
    OK1("load", 109, 0xAB, 3),
    CALL3("mem_fill", 100, 0xCD, 0, 5),
    OK1("load", 100, 0xAB, 3),
    CALL3("mem_fill", 65536, 1, 0, 5),      /* n = 0 at the end of memory: in bounds */
    CALL3("mem_copy", 200, 100, 10, 5 + 10),
    OK1("load", 209, 0xAB, 3),
    CALL3("mem_init", 300, 2, 5, 5 + 5),
    OK1("load", 300, 'c', 3),
    OK1("load", 304, 'g', 3),
    {"tab_fill", 2, {2, 3}, 0, 0, WVM_TRAP_NONE, 5 + 3},
    OK1("tab_is_set", 4, 1, 5),
    OK1("tab_is_set", 5, 0, 5),
    CALL3("tab_copy", 0, 2, 3, 5 + 3),
    OK1("tab_is_set", 0, 1, 5),
    CALL3("tab_init", 5, 0, 3, 5 + 3),
    OK1("tab_is_set", 7, 1, 5),
};

/* Out of bounds: the trap comes before the dynamic charge, so only the block is paid. */
const icase cases_dyn_oob[] = {
    OOB3("mem_fill", 65530, 1, 10, MEM_OOB, 5),
    OOB3("mem_fill", 65537, 1, 0, MEM_OOB, 5),
    OOB3("mem_copy", 0, 65530, 10, MEM_OOB, 5),
    OOB3("mem_copy", 65530, 0, 10, MEM_OOB, 5),
    OOB3("mem_init", 0, 5, 4, MEM_OOB, 5),
    OOB3("mem_init", 65535, 0, 2, MEM_OOB, 5),
    {"tab_fill", 2, {6, 5}, 0, 0, TAB_OOB, 5},
    OOB3("tab_copy", 6, 0, 5, TAB_OOB, 5),
    OOB3("tab_init", 0, 1, 3, TAB_OOB, 5),
    OOB3("tab_init", 9, 0, 0, TAB_OOB, 5),
    OK1("load", 65530, 0, 3),               /* nothing was written */
    OK1("tab_is_set", 0, 0, 5),
};

/* After data.drop / elem.drop a segment has length 0: n = 0 at in-bounds offsets succeeds
 * and costs no dynamic charge; n > 0 (or a source offset > 0) traps. */
const icase cases_dyn_dropped[] = {
    {"data_drop", 0, {0}, 0, 0, WVM_TRAP_NONE, 2},
    CALL3("mem_init", 0, 0, 0, 5),
    CALL3("mem_init", 65536, 0, 0, 5),
    OOB3("mem_init", 0, 0, 1, MEM_OOB, 5),
    OOB3("mem_init", 0, 1, 0, MEM_OOB, 5),
    {"elem_drop", 0, {0}, 0, 0, WVM_TRAP_NONE, 2},
    CALL3("tab_init", 0, 0, 0, 5),
    CALL3("tab_init", 8, 0, 0, 5),
    OOB3("tab_init", 0, 0, 1, TAB_OOB, 5),
    OOB3("tab_init", 0, 1, 0, TAB_OOB, 5),
    {"data_drop", 0, {0}, 0, 0, WVM_TRAP_NONE, 2}, /* dropping again is allowed */
};

/* Memory 1..4 pages, table 8..16 elements. */
const icase cases_dyn_grow[] = {
    OK1("mem_grow", 2, 1, 3 + 2),
    {"pages", 0, {0}, 1, 3, WVM_TRAP_NONE, 2},
    OK1("mem_grow", 0, 3, 3),
    OK1("mem_grow", 10, -1, 3 + 10),        /* fails, charged all the same */
    OK1("mem_grow", -1, -1, UINT64_C(3) + 4294967295u),
    {"pages", 0, {0}, 1, 3, WVM_TRAP_NONE, 2},
    OK1("tab_grow", 2, 8, 4 + 2),
    {"tab_size", 0, {0}, 1, 10, WVM_TRAP_NONE, 2},
    OK1("tab_grow", 100, -1, 4 + 100),
    OK1("tab_grow", -1, -1, UINT64_C(4) + 4294967295u),
    {"tab_size", 0, {0}, 1, 10, WVM_TRAP_NONE, 2},
    /* the memory has 3 pages now: what was out of bounds is not */
    CALL3("mem_fill", 65530, 1, 10, 5 + 10),
};

/* MODEL_BIG_DYNAMIC: 10^6 per byte or element, 2^32 - 1 per page. */
const icase cases_dyn_big[] = {
    CALL3("mem_fill", 100, 0xAB, 10, 5 + 10 * UINT64_C(1000000)),
    CALL3("mem_copy", 200, 100, 10, 5 + 10 * UINT64_C(1000000)),
    CALL3("mem_init", 300, 2, 5, 5 + 5 * UINT64_C(1000000)),
    {"tab_fill", 2, {2, 3}, 0, 0, WVM_TRAP_NONE, 5 + 3 * UINT64_C(1000000)},
    CALL3("tab_copy", 0, 2, 3, 5 + 3 * UINT64_C(1000000)),
    CALL3("tab_init", 5, 0, 3, 5 + 3 * UINT64_C(1000000)),
    OOB3("mem_fill", 65530, 1, 10, MEM_OOB, 5),
    OOB3("mem_init", 0, 5, 4, MEM_OOB, 5),
    OOB3("tab_copy", 6, 0, 5, TAB_OOB, 5),
    OK1("mem_grow", 2, 1, 3 + 2 * BIG_PAGE),
    OK1("mem_grow", 10, -1, 3 + 10 * BIG_PAGE),
    OK1("tab_grow", 2, 8, 4 + 2 * UINT64_C(1000000)),
    OK1("tab_grow", -1, -1, 4 + BIG_PAGE * UINT64_C(1000000)),
};

/* Alone (fresh stores), since it nearly fills a 64-bit fuel counter: 3 + (2^32 - 1)^2. */
const icase cases_dyn_big_grow_max[] = {
    OK1("mem_grow", -1, -1, 3 + BIG_PAGE * BIG_PAGE),
};

/* dyn_edge under `default`. The one-block exports of three local.gets and an operation cost
 * 5 (+ the dynamic cost); tab_fill 5 (local.get, ref.null, local.get, table.fill); load 3.
 * next(): entry + global.get, local.set, local.get, i32.const, i32.add, global.set,
 * local.get = 8. fill_effects, copy_effects, tinit_effects: one block of entry + 9 operators
 * = 10, + 2 calls of next (16), + the dynamic cost. grow_in_expr: entry + 6 operators = 7,
 * + next 8 + pages; tgrow_in_expr: entry + 7 = 8, + next 8 + elements. */
const icase cases_dyn_edge[] = {
    OK1("load", 0, 'x', 3),                        /* the active segment was applied */
    /* dropped at instantiation: only n = 0 at in-bounds offsets, free */
    CALL3("init_active", 0, 0, 0, 5),
    CALL3("init_active", 65536, 0, 0, 5),
    OOB3("init_active", 0, 0, 1, MEM_OOB, 5),
    CALL3("tinit_active", 0, 0, 0, 5),
    OOB3("tinit_active", 0, 0, 1, TAB_OOB, 5),
    CALL3("tinit_declared", 4, 0, 0, 5),
    OOB3("tinit_declared", 0, 0, 1, TAB_OOB, 5),
    CALL3("init_passive", 100, 2, 3, 5 + 3),
    OK1("load", 100, '2', 3),
    CALL3("tinit_passive", 2, 0, 2, 5 + 2),
    /* d + n or s + n beyond 2^32: out of bounds, not wrapped around */
    OOB3("init_passive", 0, -1, 2, MEM_OOB, 5),
    OOB3("init_passive", -2, 0, 5, MEM_OOB, 5),
    OOB3("tinit_passive", 0, -1, 2, TAB_OOB, 5),
    OOB3("tinit_passive", -1, 0, 2, TAB_OOB, 5),
    OOB3("mem_fill", -16, 1, 32, MEM_OOB, 5),
    OOB3("mem_fill", 0, 1, -1, MEM_OOB, 5),
    OOB3("mem_copy", 0, -16, 32, MEM_OOB, 5),
    OOB3("mem_copy", -16, 0, 32, MEM_OOB, 5),
    {"tab_fill", 2, {-1, 2}, 0, 0, TAB_OOB, 5},
    OOB3("tab_copy", -1, 0, 2, TAB_OOB, 5),
    OOB3("tab_copy", 0, -1, 2, TAB_OOB, 5),
    OK1("load", 2, 'z', 3),                        /* nothing written */
    /* operands with side effects, evaluated once: memory.fill(0, 0x77, 10 + 1) */
    OK1("fill_effects", 10, 1002, 10 + 16 + 11),
    OK1("load", 10, 0x77, 3),
    OK1("load", 11, 0, 3),
    /* memory.copy(2, 0, 5 + 3) */
    OK1("copy_effects", 5, 2004, 10 + 16 + 8),
    /* memory.grow(0 + 4) fails (1 + 4 > 4 pages) but is charged; memory.grow(-3 + 5) */
    OK1("grow_in_expr", 0, 999, 7 + 8 + 4),
    OK1("grow_in_expr", -3, 1001, 7 + 8 + 2),
    /* table.grow(ref.func, 0 + 6): 4 -> 10 elements */
    OK1("tgrow_in_expr", 0, 1004, 8 + 8 + 6),
    /* table.init(7, 0, 0 + 8) from a 2-element segment: out of bounds, no dynamic cost */
    {"tinit_effects", 1, {0}, 1, 0, TAB_OOB, 10 + 16},
    /* table.init(9, 0, -9 + 10) */
    OK1("tinit_effects", -9, 3011, 10 + 16 + 1),
    {"counter", 0, {0}, 1, 11, WVM_TRAP_NONE, 2},
};

/* shift_many: call126 / call127: entry + call = 2, + the callee's entry + i32.const 2;
 * calli: entry + local.get, call_indirect = 3, + 2. */
const icase cases_shift_many[] = {
    {"call126", 0, {0}, 1, 126, WVM_TRAP_NONE, 4},
    {"call127", 0, {0}, 1, 127, WVM_TRAP_NONE, 4},
    {"f127", 0, {0}, 1, 127, WVM_TRAP_NONE, 2},
    OK1("calli", 0, 126, 5),
    OK1("calli", 1, 127, 5),
    OK1("calli", 2, 130, 5),
};

/* ---- the corpus ---- */

#define ENTRY(mod, cases, start) {#mod, MOD(mod), cases, COUNT(cases), start}
const corpus_entry corpus[] = {
    ENTRY(shift_call, cases_shift_call, NO_START),
    ENTRY(shift_reffunc, cases_shift_reffunc, NO_START),
    ENTRY(shift_export, cases_shift_export, NO_START),
    ENTRY(shift_elem_funcs, cases_shift_elem_funcs, NO_START),
    ENTRY(shift_elem_exprs, cases_shift_elem_exprs, NO_START),
    {"shift_start", MOD(shift_start), NULL, 0, SHIFT_START_GAS},
    ENTRY(shift_global, cases_shift_global, NO_START),
    ENTRY(shift_names, cases_shift_names, NO_START),
    ENTRY(shift_call_indirect, cases_shift_call_indirect, NO_START),
    ENTRY(shift_mixed_imports, cases_shift_mixed_imports, NO_START),
    ENTRY(gas_ops, cases_gas_ops_default, NO_START),
    ENTRY(dyn, cases_dyn_bulk, NO_START),
    ENTRY(dyn, cases_dyn_oob, NO_START),
    ENTRY(dyn, cases_dyn_dropped, NO_START),
    ENTRY(dyn, cases_dyn_grow, NO_START),
    ENTRY(dyn_edge, cases_dyn_edge, NO_START),
    ENTRY(shift_many, cases_shift_many, NO_START),
    {"empty", MOD(empty), NULL, 0, NO_START},
};

void check_corpus(unsigned kinds)
{
    for (size_t i = 0; i < COUNT(corpus); i++)
        check_cases(corpus[i].wasm, corpus[i].size, "default", corpus[i].cases,
                    corpus[i].ncases, kinds, corpus[i].start_gas, GAS_FROM_CASES);
}
