/* Criterion suite `instrument`: the dynamic costs in wvm_instrument's output (per byte or
 * element of a bulk operation, per page or element requested by growth): in and out of
 * bounds, dropped segments, failed growth, operands with side effects, and models without,
 * with large and with the largest accepted dynamic costs.
 */
#include <criterion/criterion.h>

#include <stdint.h>

#include "wvm.h"

#include "instrument_cases.h"
#include "instrument_support.h"

/* The same operations without dynamic costs (MODEL_NO_DYNAMIC): only the blocks. */
static const icase cases_dyn_no_dynamic[] = {
    CALL3("mem_fill", 100, 0xAB, 10, 5),
    CALL3("mem_copy", 200, 100, 10, 5),
    CALL3("mem_init", 300, 2, 5, 5),
    OK1("load", 304, 'g', 3),
    {"tab_fill", 2, {2, 3}, 0, 0, WVM_TRAP_NONE, 5},
    CALL3("tab_copy", 0, 2, 3, 5),
    CALL3("tab_init", 5, 0, 3, 5),
    OK1("tab_is_set", 7, 1, 5),
    OOB3("mem_fill", 65530, 1, 10, MEM_OOB, 5),
    OOB3("tab_init", 0, 1, 3, TAB_OOB, 5),
    OK1("mem_grow", 2, 1, 3),
    OK1("mem_grow", -1, -1, 3),
    OK1("tab_grow", 2, 8, 4),
    OK1("tab_grow", -1, -1, 4),
};


/* ---- dynamic costs ---- */

Test(instrument, dynamic_bulk_in_bounds)
{
    check_cases(MOD(dyn), "default", cases_dyn_bulk, COUNT(cases_dyn_bulk), K_IMPORT, NO_START,
                GAS_FROM_CASES);
}

Test(instrument, dynamic_bulk_out_of_bounds_charges_only_the_block)
{
    check_cases(MOD(dyn), "default", cases_dyn_oob, COUNT(cases_dyn_oob), K_IMPORT, NO_START,
                GAS_FROM_CASES);
}

Test(instrument, dynamic_dropped_segments)
{
    check_cases(MOD(dyn), "default", cases_dyn_dropped, COUNT(cases_dyn_dropped), K_IMPORT,
                NO_START, GAS_FROM_CASES);
}

Test(instrument, dynamic_growth_charged_as_requested)
{
    check_cases(MOD(dyn), "default", cases_dyn_grow, COUNT(cases_dyn_grow), K_IMPORT, NO_START,
                GAS_FROM_CASES);
}

Test(instrument, dynamic_edges)
{
    check_cases(MOD(dyn_edge), "default", cases_dyn_edge, COUNT(cases_dyn_edge), K_IMPORT,
                NO_START, GAS_FROM_CASES);
}

Test(instrument, dynamic_units_zero)
{
    check_cases(MOD(dyn), MODEL_NO_DYNAMIC, cases_dyn_no_dynamic, COUNT(cases_dyn_no_dynamic),
                K_IMPORT | K_GLOBAL, NO_START, GAS_FROM_CASES);
}

Test(instrument, dynamic_units_large)
{
    check_cases(MOD(dyn), MODEL_BIG_DYNAMIC, cases_dyn_big, COUNT(cases_dyn_big),
                K_IMPORT | K_GLOBAL, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), MODEL_BIG_DYNAMIC, cases_dyn_big_grow_max,
                COUNT(cases_dyn_big_grow_max), K_IMPORT, NO_START, GAS_FROM_CASES);
}

/* The largest units accepted, 2^32 - 1 per byte / element and per page: the largest charges
 * still fit in 64 bits. */
Test(instrument, dynamic_units_at_the_32_bit_limit)
{
    static const char model[] = "bulk_unit 4294967295\ngrow_page 4294967295\n";
    static const icase fill[] = {CALL3("mem_fill", 0, 7, 10, 5 + 10 * BIG_PAGE)};
    static const icase tgrow[] = {OK1("tab_grow", -1, -1, 4 + BIG_PAGE * BIG_PAGE)};
    static const icase mgrow[] = {OK1("mem_grow", -1, -1, 3 + BIG_PAGE * BIG_PAGE)};
    check_cases(MOD(dyn), model, fill, 1, K_IMPORT, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), model, tgrow, 1, K_IMPORT, NO_START, GAS_FROM_CASES);
    check_cases(MOD(dyn), model, mgrow, 1, K_IMPORT, NO_START, GAS_FROM_CASES);
}
