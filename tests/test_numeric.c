/* Unit tests for vm/numeric.h: boundaries of every trapping and saturating conversion,
 * min/max with NaNs and signed zeros, rounding functions, int -> float rounding, bit ops.
 * Many expectations are taken from the official suite (conversions.wast, f32.wast,
 * f64.wast). Inputs go through volatile variables so the compiler's run-time conversion code
 * is tested, not its constant folding. */
#include <criterion/criterion.h>

#include "../vm/numeric.h"

/* Run-time values (defeat constant folding). */
static float vf(float x)
{
    volatile float v = x;
    return v;
}

static double vd(double x)
{
    volatile double v = x;
    return v;
}

static uint64_t vu64(uint64_t x)
{
    volatile uint64_t v = x;
    return v;
}

static bool f32_is_canonical_nan(float x)
{
    return num_f32_abs_bits(num_f32_bits(x)) == NUM_F32_CANONICAL_NAN;
}

static bool f64_is_canonical_nan(double x)
{
    return num_f64_abs_bits(num_f64_bits(x)) == NUM_F64_CANONICAL_NAN;
}

static bool f32_is_arithmetic_nan(float x)
{
    return isnan(x) && (num_f32_bits(x) & NUM_F32_QUIET);
}

static bool f64_is_arithmetic_nan(double x)
{
    return isnan(x) && (num_f64_bits(x) & NUM_F64_QUIET);
}

#define F32_NAN num_f32_from_bits(0x7FC00000u)
#define F32_NNAN num_f32_from_bits(0xFFC00000u)
#define F32_SNAN num_f32_from_bits(0x7FA00000u)  /* nan:0x200000, signalling */
#define F32_PNAN num_f32_from_bits(0x7FE00000u)  /* nan:0x600000, quiet, non-canonical */
#define F64_NAN num_f64_from_bits(0x7FF8000000000000ull)
#define F64_NNAN num_f64_from_bits(0xFFF8000000000000ull)
#define F64_SNAN num_f64_from_bits(0x7FF4000000000000ull) /* nan:0x4000000000000 */
#define F64_PNAN num_f64_from_bits(0x7FFC000000000000ull)

#define ASSERT_F32_BITS(got, want_bits)                                                          \
    cr_assert_eq(num_f32_bits(got), (uint32_t)(want_bits), "got 0x%08x want 0x%08x",            \
                 num_f32_bits(got), (uint32_t)(want_bits))
#define ASSERT_F64_BITS(got, want_bits)                                                          \
    cr_assert_eq(num_f64_bits(got), (uint64_t)(want_bits), "got 0x%016llx want 0x%016llx",      \
                 (unsigned long long)num_f64_bits(got), (unsigned long long)(want_bits))
#define ASSERT_F32(got, want) ASSERT_F32_BITS(got, num_f32_bits(want))
#define ASSERT_F64(got, want) ASSERT_F64_BITS(got, num_f64_bits(want))

/* ---- trapping truncations ---- */

#define TRUNC_OK(fn, type, x, want)                                                              \
    do {                                                                                        \
        type out_ = (type)0x5A;                                                                 \
        int rc_ = fn((x), &out_);                                                               \
        cr_assert_eq(rc_, VM_TRAP_NONE, "%s(%a) trapped %d", #fn, (double)(x), rc_);            \
        cr_assert_eq(out_, (type)(want), "%s(%a) = %lld", #fn, (double)(x), (long long)out_);   \
    } while (0)
#define TRUNC_TRAP(fn, type, x, code)                                                            \
    do {                                                                                        \
        type out_ = (type)0x5A;                                                                 \
        int rc_ = fn((x), &out_);                                                               \
        cr_assert_eq(rc_, (code), "%s(%a) returned %d", #fn, (double)(x), rc_);                 \
        cr_assert_eq(out_, (type)0x5A, "%s wrote its output on a trap", #fn);                   \
    } while (0)

Test(numeric_trunc, i32_trunc_f32_s)
{
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(0.0f), 0);
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(-0.0f), 0);
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(0x1p-149f), 0);
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(-0x1p-149f), 0);
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(1.5f), 1);
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(-1.9f), -1);
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(2147483520.0f), 2147483520);
    TRUNC_OK(num_i32_trunc_f32_s, int32_t, vf(-2147483648.0f), INT32_MIN);
    TRUNC_TRAP(num_i32_trunc_f32_s, int32_t, vf(2147483648.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_s, int32_t, vf(-2147483904.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_s, int32_t, vf(INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_s, int32_t, vf(-INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_s, int32_t, vf(F32_NAN), VM_TRAP_INVALID_CONVERSION);
    TRUNC_TRAP(num_i32_trunc_f32_s, int32_t, vf(F32_NNAN), VM_TRAP_INVALID_CONVERSION);
    TRUNC_TRAP(num_i32_trunc_f32_s, int32_t, vf(F32_SNAN), VM_TRAP_INVALID_CONVERSION);
}

Test(numeric_trunc, i32_trunc_f32_u)
{
    TRUNC_OK(num_i32_trunc_f32_u, uint32_t, vf(-0.0f), 0);
    TRUNC_OK(num_i32_trunc_f32_u, uint32_t, vf(-0x1p-149f), 0);
    TRUNC_OK(num_i32_trunc_f32_u, uint32_t, vf(1.9f), 1);
    TRUNC_OK(num_i32_trunc_f32_u, uint32_t, vf(2147483648.0f), 0x80000000u);
    TRUNC_OK(num_i32_trunc_f32_u, uint32_t, vf(4294967040.0f), 0xFFFFFF00u);
    TRUNC_OK(num_i32_trunc_f32_u, uint32_t, vf(-0x1.ccccccp-1f), 0);
    TRUNC_OK(num_i32_trunc_f32_u, uint32_t, vf(-0x1.fffffep-1f), 0);
    TRUNC_TRAP(num_i32_trunc_f32_u, uint32_t, vf(4294967296.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_u, uint32_t, vf(-1.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_u, uint32_t, vf(-INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_u, uint32_t, vf(INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f32_u, uint32_t, vf(F32_NNAN), VM_TRAP_INVALID_CONVERSION);
}

Test(numeric_trunc, i32_trunc_f64_s)
{
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(-0.0), 0);
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(0x0.0000000000001p-1022), 0);
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(-1.5), -1);
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(2147483647.0), INT32_MAX);
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(2147483647.9), INT32_MAX);
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(-2147483648.0), INT32_MIN);
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(-2147483648.9), INT32_MIN);
    TRUNC_OK(num_i32_trunc_f64_s, int32_t, vd(-0x1.00000001fffffp31), INT32_MIN);
    TRUNC_TRAP(num_i32_trunc_f64_s, int32_t, vd(2147483648.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_s, int32_t, vd(-2147483649.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_s, int32_t, vd(INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_s, int32_t, vd(F64_SNAN), VM_TRAP_INVALID_CONVERSION);
    TRUNC_TRAP(num_i32_trunc_f64_s, int32_t, vd(F64_NNAN), VM_TRAP_INVALID_CONVERSION);
}

Test(numeric_trunc, i32_trunc_f64_u)
{
    TRUNC_OK(num_i32_trunc_f64_u, uint32_t, vd(-0.9), 0);
    TRUNC_OK(num_i32_trunc_f64_u, uint32_t, vd(-0x1.fffffffffffffp-1), 0);
    TRUNC_OK(num_i32_trunc_f64_u, uint32_t, vd(1e8), 100000000u);
    TRUNC_OK(num_i32_trunc_f64_u, uint32_t, vd(2147483648.0), 0x80000000u);
    TRUNC_OK(num_i32_trunc_f64_u, uint32_t, vd(4294967295.0), UINT32_MAX);
    TRUNC_OK(num_i32_trunc_f64_u, uint32_t, vd(4294967295.9), UINT32_MAX);
    TRUNC_TRAP(num_i32_trunc_f64_u, uint32_t, vd(4294967296.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_u, uint32_t, vd(-1.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_u, uint32_t, vd(1e16), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_u, uint32_t, vd(9223372036854775808.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_u, uint32_t, vd(-INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i32_trunc_f64_u, uint32_t, vd(F64_NAN), VM_TRAP_INVALID_CONVERSION);
}

Test(numeric_trunc, i64_trunc_f32_s)
{
    TRUNC_OK(num_i64_trunc_f32_s, int64_t, vf(-0x1p-149f), 0);
    TRUNC_OK(num_i64_trunc_f32_s, int64_t, vf(-1.9f), -1);
    TRUNC_OK(num_i64_trunc_f32_s, int64_t, vf(4294967296.0f), 4294967296ll);
    TRUNC_OK(num_i64_trunc_f32_s, int64_t, vf(-4294967296.0f), -4294967296ll);
    TRUNC_OK(num_i64_trunc_f32_s, int64_t, vf(9223371487098961920.0f), 9223371487098961920ll);
    TRUNC_OK(num_i64_trunc_f32_s, int64_t, vf(-9223372036854775808.0f), INT64_MIN);
    TRUNC_TRAP(num_i64_trunc_f32_s, int64_t, vf(9223372036854775808.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f32_s, int64_t, vf(-9223373136366403584.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f32_s, int64_t, vf(-INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f32_s, int64_t, vf(F32_PNAN), VM_TRAP_INVALID_CONVERSION);
}

Test(numeric_trunc, i64_trunc_f32_u)
{
    TRUNC_OK(num_i64_trunc_f32_u, uint64_t, vf(-0x1.fffffep-1f), 0);
    TRUNC_OK(num_i64_trunc_f32_u, uint64_t, vf(4294967296.0f), 4294967296ull);
    TRUNC_OK(num_i64_trunc_f32_u, uint64_t, vf(18446742974197923840.0f), 0xFFFFFF0000000000ull);
    TRUNC_TRAP(num_i64_trunc_f32_u, uint64_t, vf(18446744073709551616.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f32_u, uint64_t, vf(-1.0f), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f32_u, uint64_t, vf(INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f32_u, uint64_t, vf(F32_SNAN), VM_TRAP_INVALID_CONVERSION);
}

Test(numeric_trunc, i64_trunc_f64_s)
{
    TRUNC_OK(num_i64_trunc_f64_s, int64_t, vd(-0x0.0000000000001p-1022), 0);
    TRUNC_OK(num_i64_trunc_f64_s, int64_t, vd(-1.9), -1);
    TRUNC_OK(num_i64_trunc_f64_s, int64_t, vd(9223372036854774784.0), 9223372036854774784ll);
    TRUNC_OK(num_i64_trunc_f64_s, int64_t, vd(-9223372036854775808.0), INT64_MIN);
    TRUNC_TRAP(num_i64_trunc_f64_s, int64_t, vd(9223372036854775808.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f64_s, int64_t, vd(-9223372036854777856.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f64_s, int64_t, vd(INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f64_s, int64_t, vd(F64_NNAN), VM_TRAP_INVALID_CONVERSION);
}

Test(numeric_trunc, i64_trunc_f64_u)
{
    TRUNC_OK(num_i64_trunc_f64_u, uint64_t, vd(-0.9), 0);
    TRUNC_OK(num_i64_trunc_f64_u, uint64_t, vd(-0x1.fffffffffffffp-1), 0);
    TRUNC_OK(num_i64_trunc_f64_u, uint64_t, vd(1e8), 100000000ull);
    TRUNC_OK(num_i64_trunc_f64_u, uint64_t, vd(1e16), 10000000000000000ull);
    TRUNC_OK(num_i64_trunc_f64_u, uint64_t, vd(9223372036854775808.0), 0x8000000000000000ull);
    TRUNC_OK(num_i64_trunc_f64_u, uint64_t, vd(18446744073709549568.0), 0xFFFFFFFFFFFFF800ull);
    TRUNC_TRAP(num_i64_trunc_f64_u, uint64_t, vd(18446744073709551616.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f64_u, uint64_t, vd(-1.0), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f64_u, uint64_t, vd(-INFINITY), VM_TRAP_INT_OVERFLOW);
    TRUNC_TRAP(num_i64_trunc_f64_u, uint64_t, vd(F64_PNAN), VM_TRAP_INVALID_CONVERSION);
}

/* ---- saturating truncations ---- */

Test(numeric_trunc_sat, i32_from_f32)
{
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(-1.9f)), -1);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(2147483520.0f)), 2147483520);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(-2147483648.0f)), INT32_MIN);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(2147483648.0f)), INT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(-2147483904.0f)), INT32_MIN);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(INFINITY)), INT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(-INFINITY)), INT32_MIN);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(F32_NAN)), 0);
    cr_assert_eq(num_i32_trunc_sat_f32_s(vf(F32_NNAN)), 0);

    cr_assert_eq(num_i32_trunc_sat_f32_u(vf(-0x1.fffffep-1f)), 0u);
    cr_assert_eq(num_i32_trunc_sat_f32_u(vf(-1.0f)), 0u);
    cr_assert_eq(num_i32_trunc_sat_f32_u(vf(4294967040.0f)), 0xFFFFFF00u);
    cr_assert_eq(num_i32_trunc_sat_f32_u(vf(4294967296.0f)), UINT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f32_u(vf(INFINITY)), UINT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f32_u(vf(-INFINITY)), 0u);
    cr_assert_eq(num_i32_trunc_sat_f32_u(vf(F32_SNAN)), 0u);
}

Test(numeric_trunc_sat, i32_from_f64)
{
    cr_assert_eq(num_i32_trunc_sat_f64_s(vd(2147483647.9)), INT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f64_s(vd(2147483648.0)), INT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f64_s(vd(-2147483648.9)), INT32_MIN);
    cr_assert_eq(num_i32_trunc_sat_f64_s(vd(-2147483649.0)), INT32_MIN);
    cr_assert_eq(num_i32_trunc_sat_f64_s(vd(-1e300)), INT32_MIN);
    cr_assert_eq(num_i32_trunc_sat_f64_s(vd(F64_SNAN)), 0);

    cr_assert_eq(num_i32_trunc_sat_f64_u(vd(-0.9)), 0u);
    cr_assert_eq(num_i32_trunc_sat_f64_u(vd(-1.0)), 0u);
    cr_assert_eq(num_i32_trunc_sat_f64_u(vd(4294967295.9)), UINT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f64_u(vd(4294967296.0)), UINT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f64_u(vd(1e30)), UINT32_MAX);
    cr_assert_eq(num_i32_trunc_sat_f64_u(vd(1e8)), 100000000u);
    cr_assert_eq(num_i32_trunc_sat_f64_u(vd(F64_NNAN)), 0u);
}

Test(numeric_trunc_sat, i64_from_f32)
{
    cr_assert_eq(num_i64_trunc_sat_f32_s(vf(9223371487098961920.0f)), 9223371487098961920ll);
    cr_assert_eq(num_i64_trunc_sat_f32_s(vf(9223372036854775808.0f)), INT64_MAX);
    cr_assert_eq(num_i64_trunc_sat_f32_s(vf(-9223372036854775808.0f)), INT64_MIN);
    cr_assert_eq(num_i64_trunc_sat_f32_s(vf(-9223373136366403584.0f)), INT64_MIN);
    cr_assert_eq(num_i64_trunc_sat_f32_s(vf(-INFINITY)), INT64_MIN);
    cr_assert_eq(num_i64_trunc_sat_f32_s(vf(F32_NAN)), 0);

    cr_assert_eq(num_i64_trunc_sat_f32_u(vf(18446742974197923840.0f)), 0xFFFFFF0000000000ull);
    cr_assert_eq(num_i64_trunc_sat_f32_u(vf(18446744073709551616.0f)), UINT64_MAX);
    cr_assert_eq(num_i64_trunc_sat_f32_u(vf(-0x1.fffffep-1f)), 0u);
    cr_assert_eq(num_i64_trunc_sat_f32_u(vf(-1.0f)), 0u);
    cr_assert_eq(num_i64_trunc_sat_f32_u(vf(INFINITY)), UINT64_MAX);
    cr_assert_eq(num_i64_trunc_sat_f32_u(vf(F32_NNAN)), 0u);
}

Test(numeric_trunc_sat, i64_from_f64)
{
    cr_assert_eq(num_i64_trunc_sat_f64_s(vd(9223372036854774784.0)), 9223372036854774784ll);
    cr_assert_eq(num_i64_trunc_sat_f64_s(vd(9223372036854775808.0)), INT64_MAX);
    cr_assert_eq(num_i64_trunc_sat_f64_s(vd(-9223372036854775808.0)), INT64_MIN);
    cr_assert_eq(num_i64_trunc_sat_f64_s(vd(-9223372036854777856.0)), INT64_MIN);
    cr_assert_eq(num_i64_trunc_sat_f64_s(vd(INFINITY)), INT64_MAX);
    cr_assert_eq(num_i64_trunc_sat_f64_s(vd(F64_PNAN)), 0);

    cr_assert_eq(num_i64_trunc_sat_f64_u(vd(18446744073709549568.0)), 0xFFFFFFFFFFFFF800ull);
    cr_assert_eq(num_i64_trunc_sat_f64_u(vd(18446744073709551616.0)), UINT64_MAX);
    cr_assert_eq(num_i64_trunc_sat_f64_u(vd(-0.9)), 0u);
    cr_assert_eq(num_i64_trunc_sat_f64_u(vd(-1.0)), 0u);
    cr_assert_eq(num_i64_trunc_sat_f64_u(vd(1e100)), UINT64_MAX);
    cr_assert_eq(num_i64_trunc_sat_f64_u(vd(F64_NAN)), 0u);
}

/* ---- min / max ---- */

Test(numeric_minmax, signed_zeros)
{
    ASSERT_F32_BITS(num_f32_min(vf(0.0f), vf(-0.0f)), 0x80000000u);
    ASSERT_F32_BITS(num_f32_min(vf(-0.0f), vf(0.0f)), 0x80000000u);
    ASSERT_F32_BITS(num_f32_max(vf(0.0f), vf(-0.0f)), 0x00000000u);
    ASSERT_F32_BITS(num_f32_max(vf(-0.0f), vf(0.0f)), 0x00000000u);
    ASSERT_F32_BITS(num_f32_min(vf(-0.0f), vf(-0.0f)), 0x80000000u);
    ASSERT_F32_BITS(num_f32_max(vf(0.0f), vf(0.0f)), 0x00000000u);
    ASSERT_F64_BITS(num_f64_min(vd(0.0), vd(-0.0)), 0x8000000000000000ull);
    ASSERT_F64_BITS(num_f64_min(vd(-0.0), vd(0.0)), 0x8000000000000000ull);
    ASSERT_F64_BITS(num_f64_max(vd(0.0), vd(-0.0)), 0);
    ASSERT_F64_BITS(num_f64_max(vd(-0.0), vd(0.0)), 0);
}

Test(numeric_minmax, ordinary)
{
    ASSERT_F32(num_f32_min(vf(1.0f), vf(-2.5f)), -2.5f);
    ASSERT_F32(num_f32_max(vf(1.0f), vf(-2.5f)), 1.0f);
    ASSERT_F32(num_f32_min(vf(-INFINITY), vf(0x1p-149f)), -INFINITY);
    ASSERT_F32(num_f32_max(vf(INFINITY), vf(0x1.fffffep127f)), INFINITY);
    ASSERT_F32(num_f32_min(vf(3.0f), vf(3.0f)), 3.0f);
    ASSERT_F64(num_f64_min(vd(0x1p-1074), vd(-0x1p-1074)), -0x1p-1074);
    ASSERT_F64(num_f64_max(vd(0x1p-1074), vd(-0x1p-1074)), 0x1p-1074);
    ASSERT_F64(num_f64_max(vd(-INFINITY), vd(-0x1.fffffffffffffp1023)), -0x1.fffffffffffffp1023);
}

Test(numeric_minmax, nan)
{
    /* Canonical in, canonical out (either operand, either sign). */
    cr_assert(f32_is_canonical_nan(num_f32_min(vf(F32_NAN), vf(0.0f))));
    cr_assert(f32_is_canonical_nan(num_f32_min(vf(-0.0f), vf(F32_NNAN))));
    cr_assert(f32_is_canonical_nan(num_f32_max(vf(F32_NNAN), vf(F32_NAN))));
    cr_assert(f32_is_canonical_nan(num_f32_max(vf(INFINITY), vf(F32_NAN))));
    cr_assert(f64_is_canonical_nan(num_f64_min(vd(F64_NAN), vd(1.0))));
    cr_assert(f64_is_canonical_nan(num_f64_max(vd(-INFINITY), vd(F64_NNAN))));
    /* Signalling / non-canonical in: a quiet (arithmetic) NaN out. */
    cr_assert(f32_is_arithmetic_nan(num_f32_min(vf(F32_SNAN), vf(1.0f))));
    cr_assert(f32_is_arithmetic_nan(num_f32_max(vf(1.0f), vf(F32_SNAN))));
    cr_assert(f32_is_arithmetic_nan(num_f32_min(vf(F32_SNAN), vf(F32_SNAN))));
    ASSERT_F32_BITS(num_f32_max(vf(F32_SNAN), vf(0.0f)), 0x7FE00000u);
    cr_assert(f64_is_arithmetic_nan(num_f64_min(vd(F64_SNAN), vd(1.0))));
    cr_assert(f64_is_arithmetic_nan(num_f64_max(vd(1.0), vd(F64_SNAN))));
    ASSERT_F64_BITS(num_f64_min(vd(0.0), vd(F64_SNAN)), 0x7FFC000000000000ull);
}

/* ---- rounding and sqrt ---- */

Test(numeric_round, nearest_ties_to_even)
{
    ASSERT_F32(num_f32_nearest(vf(0.5f)), 0.0f);
    ASSERT_F32(num_f32_nearest(vf(-0.5f)), -0.0f);
    ASSERT_F32(num_f32_nearest(vf(1.5f)), 2.0f);
    ASSERT_F32(num_f32_nearest(vf(2.5f)), 2.0f);
    ASSERT_F32(num_f32_nearest(vf(-2.5f)), -2.0f);
    ASSERT_F32(num_f32_nearest(vf(3.5f)), 4.0f);
    ASSERT_F32(num_f32_nearest(vf(-3.5f)), -4.0f);
    ASSERT_F32(num_f32_nearest(vf(0x1.fffffep-2f)), 0.0f); /* just below 0.5 */
    ASSERT_F32(num_f32_nearest(vf(-0x1p-149f)), -0.0f);
    ASSERT_F32(num_f32_nearest(vf(-0.0f)), -0.0f);
    ASSERT_F32(num_f32_nearest(vf(4194303.5f)), 4194304.0f);  /* 2^22 - 0.5 */
    ASSERT_F32(num_f32_nearest(vf(8388607.5f)), 8388608.0f);  /* 2^23 - 0.5: last fraction */
    ASSERT_F32(num_f32_nearest(vf(8388609.0f)), 8388609.0f);  /* >= 2^23: integral */
    ASSERT_F32(num_f32_nearest(vf(0x1.fffffep127f)), 0x1.fffffep127f);
    ASSERT_F32(num_f32_nearest(vf(-INFINITY)), -INFINITY);

    ASSERT_F64(num_f64_nearest(vd(0.5)), 0.0);
    ASSERT_F64(num_f64_nearest(vd(-0.5)), -0.0);
    ASSERT_F64(num_f64_nearest(vd(2.5)), 2.0);
    ASSERT_F64(num_f64_nearest(vd(-3.5)), -4.0);
    ASSERT_F64(num_f64_nearest(vd(0x1.fffffffffffffp-2)), 0.0);
    ASSERT_F64(num_f64_nearest(vd(4503599627370495.5)), 4503599627370496.0); /* 2^52 - 0.5 */
    ASSERT_F64(num_f64_nearest(vd(-4503599627370495.5)), -4503599627370496.0);
    ASSERT_F64(num_f64_nearest(vd(4503599627370497.0)), 4503599627370497.0);
    ASSERT_F64(num_f64_nearest(vd(0x1.fffffffffffffp1023)), 0x1.fffffffffffffp1023);
    ASSERT_F64(num_f64_nearest(vd(INFINITY)), INFINITY);
}

Test(numeric_round, ceil_floor_trunc)
{
    ASSERT_F32(num_f32_ceil(vf(-0.5f)), -0.0f);
    ASSERT_F32(num_f32_ceil(vf(0x1p-149f)), 1.0f);
    ASSERT_F32(num_f32_ceil(vf(-1.5f)), -1.0f);
    ASSERT_F32(num_f32_floor(vf(0.5f)), 0.0f);
    ASSERT_F32(num_f32_floor(vf(-0x1p-149f)), -1.0f);
    ASSERT_F32(num_f32_floor(vf(-0.0f)), -0.0f);
    ASSERT_F32(num_f32_trunc(vf(-0.9f)), -0.0f);
    ASSERT_F32(num_f32_trunc(vf(8388607.5f)), 8388607.0f);
    ASSERT_F32(num_f32_trunc(vf(-INFINITY)), -INFINITY);
    ASSERT_F64(num_f64_ceil(vd(-0.5)), -0.0);
    ASSERT_F64(num_f64_ceil(vd(0x1p-1074)), 1.0);
    ASSERT_F64(num_f64_floor(vd(-0x1p-1074)), -1.0);
    ASSERT_F64(num_f64_floor(vd(4503599627370495.5)), 4503599627370495.0);
    ASSERT_F64(num_f64_trunc(vd(-4503599627370495.5)), -4503599627370495.0);
    ASSERT_F64(num_f64_trunc(vd(0x1.fffffffffffffp1023)), 0x1.fffffffffffffp1023);
}

Test(numeric_round, nan_inputs_give_quiet_nans)
{
    float (*f32_ops[])(float) = {num_f32_ceil, num_f32_floor, num_f32_trunc, num_f32_nearest,
                                 num_f32_sqrt};
    double (*f64_ops[])(double) = {num_f64_ceil, num_f64_floor, num_f64_trunc, num_f64_nearest,
                                   num_f64_sqrt};
    for (size_t i = 0; i < sizeof f32_ops / sizeof f32_ops[0]; i++) {
        cr_assert(f32_is_canonical_nan(f32_ops[i](vf(F32_NAN))), "f32 op %zu", i);
        cr_assert(f32_is_canonical_nan(f32_ops[i](vf(F32_NNAN))), "f32 op %zu", i);
        ASSERT_F32_BITS(f32_ops[i](vf(F32_SNAN)), 0x7FE00000u);
        ASSERT_F32_BITS(f32_ops[i](vf(num_f32_from_bits(0xFF800001u))), 0xFFC00001u);
    }
    for (size_t i = 0; i < sizeof f64_ops / sizeof f64_ops[0]; i++) {
        cr_assert(f64_is_canonical_nan(f64_ops[i](vd(F64_NAN))), "f64 op %zu", i);
        cr_assert(f64_is_canonical_nan(f64_ops[i](vd(F64_NNAN))), "f64 op %zu", i);
        ASSERT_F64_BITS(f64_ops[i](vd(F64_SNAN)), 0x7FFC000000000000ull);
        ASSERT_F64_BITS(f64_ops[i](vd(num_f64_from_bits(0xFFF0000000000001ull))),
                        0xFFF8000000000001ull);
    }
}

Test(numeric_round, sqrt)
{
    ASSERT_F32(num_f32_sqrt(vf(-0.0f)), -0.0f);
    ASSERT_F32(num_f32_sqrt(vf(4.0f)), 2.0f);
    ASSERT_F32(num_f32_sqrt(vf(INFINITY)), INFINITY);
    ASSERT_F32(num_f32_sqrt(vf(0x1.fffffep127f)), 0x1.fffffep63f);
    ASSERT_F32(num_f32_sqrt(vf(0x1p-149f)), 0x1.6a09e6p-75f);
    cr_assert_eq(num_f32_bits(num_f32_sqrt(vf(-0x1p-149f))), NUM_F32_DEFAULT_NAN);
    cr_assert(f32_is_canonical_nan(num_f32_sqrt(vf(-INFINITY))));
    ASSERT_F64(num_f64_sqrt(vd(-0.0)), -0.0);
    ASSERT_F64(num_f64_sqrt(vd(2.0)), 0x1.6a09e667f3bcdp0);
    ASSERT_F64(num_f64_sqrt(vd(0x1.fffffffffffffp1023)), 0x1.fffffffffffffp511);
    cr_assert_eq(num_f64_bits(num_f64_sqrt(vd(-1.0))), NUM_F64_DEFAULT_NAN);
    cr_assert(f64_is_canonical_nan(num_f64_sqrt(vd(-0x1p-1074))));
}

/* ---- arithmetic: NaN results ---- */

/* The handlers' forms (an x86 instruction each on x86-64) give the portable forms' bits on
 * every pair of a set of special values, NaNs of both signs and kinds included, in both
 * orders; and the rule itself: the first NaN operand quieted, else the default NaN. */
Test(numeric_arith, handler_forms_follow_the_nan_rule)
{
    static const uint32_t f32s[] = {0x00000000u, 0x80000000u, 0x3F800000u, 0x7F800000u,
                                    0xFF800000u, 0x7FC00000u, 0xFFC00000u, 0x7FA00001u,
                                    0xFFA00002u, 0x7FE00003u, 0x00000001u, 0x7F7FFFFFu};
    static const uint64_t f64s[] = {0, 1ull << 63, 0x3FF0000000000000ull, 0x7FF0000000000000ull,
                                    0xFFF0000000000000ull, 0x7FF8000000000000ull,
                                    0xFFF8000000000000ull, 0x7FF4000000000001ull,
                                    0xFFF4000000000002ull, 0x7FFC000000000003ull, 1,
                                    0x7FEFFFFFFFFFFFFFull};
    float (*const f32_fast[])(float, float) = {num_f32_add, num_f32_sub, num_f32_mul, num_f32_div};
    float (*const f32_portable[])(float, float) = {num_f32_add_portable, num_f32_sub_portable,
                                                   num_f32_mul_portable, num_f32_div_portable};
    double (*const f64_fast[])(double, double) = {num_f64_add, num_f64_sub, num_f64_mul,
                                                  num_f64_div};
    double (*const f64_portable[])(double, double) = {num_f64_add_portable, num_f64_sub_portable,
                                                      num_f64_mul_portable, num_f64_div_portable};
    size_t n32 = sizeof f32s / sizeof f32s[0], n64 = sizeof f64s / sizeof f64s[0];
    for (size_t op = 0; op < 4; op++)
        for (size_t i = 0; i < n32; i++)
            for (size_t j = 0; j < n32; j++) {
                float a = vf(num_f32_from_bits(f32s[i])), b = vf(num_f32_from_bits(f32s[j]));
                uint32_t fast = num_f32_bits(f32_fast[op](a, b));
                uint32_t portable = num_f32_bits(f32_portable[op](a, b));
                cr_assert_eq(fast, portable, "f32 op %zu (%#x, %#x): %#x vs %#x", op, f32s[i],
                             f32s[j], fast, portable);
                uint32_t want = isnan(a)   ? f32s[i] | NUM_F32_QUIET
                                : isnan(b) ? f32s[j] | NUM_F32_QUIET
                                : isnan(num_f32_from_bits(fast)) ? NUM_F32_DEFAULT_NAN
                                                                 : fast;
                cr_assert_eq(fast, want, "f32 op %zu (%#x, %#x)", op, f32s[i], f32s[j]);
            }
    for (size_t op = 0; op < 4; op++)
        for (size_t i = 0; i < n64; i++)
            for (size_t j = 0; j < n64; j++) {
                double a = vd(num_f64_from_bits(f64s[i])), b = vd(num_f64_from_bits(f64s[j]));
                uint64_t fast = num_f64_bits(f64_fast[op](a, b));
                uint64_t portable = num_f64_bits(f64_portable[op](a, b));
                cr_assert_eq(fast, portable, "f64 op %zu (%#llx, %#llx): %#llx vs %#llx", op,
                             (unsigned long long)f64s[i], (unsigned long long)f64s[j],
                             (unsigned long long)fast, (unsigned long long)portable);
                uint64_t want = isnan(a)   ? f64s[i] | NUM_F64_QUIET
                                : isnan(b) ? f64s[j] | NUM_F64_QUIET
                                : isnan(num_f64_from_bits(fast)) ? NUM_F64_DEFAULT_NAN
                                                                 : fast;
                cr_assert_eq(fast, want, "f64 op %zu (%#llx, %#llx)", op,
                             (unsigned long long)f64s[i], (unsigned long long)f64s[j]);
            }
    /* created NaNs: inf - inf, 0 * inf, 0 / 0 */
    cr_assert_eq(num_f64_bits(num_f64_sub(vd(INFINITY), vd(INFINITY))), NUM_F64_DEFAULT_NAN);
    cr_assert_eq(num_f64_bits(num_f64_mul_portable(vd(0.0), vd(INFINITY))), NUM_F64_DEFAULT_NAN);
    cr_assert_eq(num_f32_bits(num_f32_div(vf(0.0f), vf(0.0f))), NUM_F32_DEFAULT_NAN);
    cr_assert_eq(num_f32_bits(num_f32_add_portable(vf(-INFINITY), vf(INFINITY))),
                 NUM_F32_DEFAULT_NAN);
}

/* ---- sign-bit operations ---- */

Test(numeric_bits, abs_neg_copysign)
{
    cr_assert_eq(num_f32_abs_bits(0xFFA00001u), 0x7FA00001u); /* payload kept, stays signalling */
    cr_assert_eq(num_f32_abs_bits(0x80000000u), 0u);
    cr_assert_eq(num_f32_neg_bits(0x7FA00001u), 0xFFA00001u);
    cr_assert_eq(num_f32_neg_bits(0x00000000u), 0x80000000u);
    cr_assert_eq(num_f32_copysign_bits(0x3F800000u, 0x80000000u), 0xBF800000u);
    cr_assert_eq(num_f32_copysign_bits(0xFFC00000u, 0x00000001u), 0x7FC00000u);
    cr_assert_eq(num_f32_copysign_bits(0x7F800000u, 0xFFFFFFFFu), 0xFF800000u);
    cr_assert_eq(num_f64_abs_bits(0xFFF4000000000001ull), 0x7FF4000000000001ull);
    cr_assert_eq(num_f64_neg_bits(0x7FF4000000000001ull), 0xFFF4000000000001ull);
    cr_assert_eq(num_f64_neg_bits(0x8000000000000000ull), 0u);
    cr_assert_eq(num_f64_copysign_bits(0x3FF0000000000000ull, 0x8000000000000000ull),
                 0xBFF0000000000000ull);
    cr_assert_eq(num_f64_copysign_bits(0xFFF8000000000000ull, 0x7FFFFFFFFFFFFFFFull),
                 0x7FF8000000000000ull);
}

Test(numeric_bits, bit_casts_round_trip)
{
    uint32_t b32[] = {0u, 0x80000000u, 0x7FA00001u, 0xFFC00000u, 0x00000001u, 0x7F7FFFFFu};
    uint64_t b64[] = {0u, 0x8000000000000000ull, 0x7FF4000000000001ull, 0x0000000000000001ull};
    for (size_t i = 0; i < sizeof b32 / sizeof b32[0]; i++)
        cr_assert_eq(num_f32_bits(num_f32_from_bits(b32[i])), b32[i]);
    for (size_t i = 0; i < sizeof b64 / sizeof b64[0]; i++)
        cr_assert_eq(num_f64_bits(num_f64_from_bits(b64[i])), b64[i]);
    cr_assert_eq(num_f32_bits(1.0f), 0x3F800000u);
    cr_assert_eq(num_f64_bits(-2.0), 0xC000000000000000ull);
}

/* ---- int -> float ---- */

Test(numeric_convert, u64_rounding)
{
    ASSERT_F32(num_f32_convert_u64(vu64(0)), 0.0f);
    ASSERT_F32(num_f32_convert_u64(vu64(0x7FFFFFFFFFFFFFFFull)), 0x1p63f);
    ASSERT_F32(num_f32_convert_u64(vu64(0x8000000000000000ull)), 0x1p63f);
    ASSERT_F32(num_f32_convert_u64(vu64(0xFFFFFFFFFFFFFFFFull)), 0x1p64f);
    ASSERT_F32(num_f32_convert_u64(vu64(16777217)), 16777216.0f);
    ASSERT_F32(num_f32_convert_u64(vu64(16777219)), 16777220.0f);
    ASSERT_F32(num_f32_convert_u64(vu64(0x0020000020000001ull)), 0x1.000002p53f);
    ASSERT_F32(num_f32_convert_u64(vu64(0x7FFFFFBFFFFFFFFFull)), 0x1.fffffep62f);
    /* Double rounding through f64 would give 0x1p63 here. */
    ASSERT_F32(num_f32_convert_u64(vu64(0x8000008000000001ull)), 0x1.000002p63f);
    ASSERT_F32(num_f32_convert_u64(vu64(0x8000008000000000ull)), 0x1p63f); /* tie -> even */
    ASSERT_F32(num_f32_convert_u64(vu64(0x8000018000000000ull)), 0x1.000004p63f);
    ASSERT_F32(num_f32_convert_u64(vu64(0xFFFFFE8000000001ull)), 0x1.fffffep63f);

    ASSERT_F64(num_f64_convert_u64(vu64(0x7FFFFFFFFFFFFFFFull)), 0x1p63);
    ASSERT_F64(num_f64_convert_u64(vu64(0xFFFFFFFFFFFFFFFFull)), 0x1p64);
    ASSERT_F64(num_f64_convert_u64(vu64((1ull << 53) + 1)), 0x1p53); /* tie -> even */
    ASSERT_F64(num_f64_convert_u64(vu64((1ull << 53) + 3)), 0x1p53 + 4);
    ASSERT_F64(num_f64_convert_u64(vu64(0x8000000000000400ull)), 0x1p63);
    ASSERT_F64(num_f64_convert_u64(vu64(0x8000000000000401ull)), 0x1.0000000000001p63);
    ASSERT_F64(num_f64_convert_u64(vu64(0x8000000000000402ull)), 0x1.0000000000001p63);
    ASSERT_F64(num_f64_convert_u64(vu64(0xFFFFFFFFFFFFF400ull)), 0x1.ffffffffffffep63);
    ASSERT_F64(num_f64_convert_u64(vu64(0xFFFFFFFFFFFFF401ull)), 0x1.fffffffffffffp63);
    ASSERT_F64(num_f64_convert_u64(vu64(0xFFFFFFFFFFFFFC00ull)), 0x1p64); /* tie -> even */
}

Test(numeric_convert, signed_and_32bit)
{
    volatile int32_t i32min = INT32_MIN, i32big = 16777217;
    volatile uint32_t u32max = UINT32_MAX, u32tie = 0x80000080u;
    volatile int64_t i64min = INT64_MIN, i64max = INT64_MAX;
    volatile int64_t i64a = 0x7FFFFF4000000001ll, i64b = (int64_t)0x8000004000000001ull;
    volatile int64_t i64c = 9007199254740993ll, i64d = -9007199254740995ll;

    ASSERT_F32(num_f32_convert_i32(i32min), -0x1p31f);
    ASSERT_F32(num_f32_convert_i32(i32big), 16777216.0f);
    ASSERT_F32(num_f32_convert_u32(u32max), 0x1p32f);
    ASSERT_F32(num_f32_convert_u32(u32tie), 0x1p31f);
    ASSERT_F32(num_f32_convert_i64(i64min), -0x1p63f);
    ASSERT_F32(num_f32_convert_i64(i64max), 0x1p63f);
    ASSERT_F32(num_f32_convert_i64(i64a), 0x1.fffffep62f);
    ASSERT_F32(num_f32_convert_i64(i64b), -0x1.fffffep62f);
    ASSERT_F64(num_f64_convert_i32(i32min), -2147483648.0);
    ASSERT_F64(num_f64_convert_u32(u32max), 4294967295.0);
    ASSERT_F64(num_f64_convert_i64(i64min), -0x1p63);
    ASSERT_F64(num_f64_convert_i64(i64max), 0x1p63);
    ASSERT_F64(num_f64_convert_i64(i64c), 9007199254740992.0);
    ASSERT_F64(num_f64_convert_i64(i64d), -9007199254740996.0);
}

/* ---- float <-> float ---- */

Test(numeric_convert, demote)
{
    ASSERT_F32(num_f32_demote_f64(vd(-0.0)), -0.0f);
    ASSERT_F32(num_f32_demote_f64(vd(-0x0.0000000000001p-1022)), -0.0f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1.fffffe0000000p-127)), 0x1p-126f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1.fffffdfffffffp-127)), 0x1.fffffcp-127f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1p-149)), 0x1p-149f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1p-150)), 0.0f);             /* tie -> even (0) */
    ASSERT_F32(num_f32_demote_f64(vd(0x1.0000000000001p-150)), 0x1p-149f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1.fffffd0000000p127)), 0x1.fffffcp127f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1.fffffd0000001p127)), 0x1.fffffep127f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1.fffffefffffffp127)), 0x1.fffffep127f);
    ASSERT_F32(num_f32_demote_f64(vd(0x1.ffffffp127)), INFINITY);
    ASSERT_F32(num_f32_demote_f64(vd(-0x1.ffffffp127)), -INFINITY);
    ASSERT_F32(num_f32_demote_f64(vd(0x1p1023)), INFINITY);
    ASSERT_F32(num_f32_demote_f64(vd(-INFINITY)), -INFINITY);
    ASSERT_F32(num_f32_demote_f64(vd(0x1.4p0)), 1.25f);
    cr_assert(f32_is_canonical_nan(num_f32_demote_f64(vd(F64_NAN))));
    ASSERT_F32_BITS(num_f32_demote_f64(vd(F64_NNAN)), 0xFFC00000u);
    ASSERT_F32_BITS(num_f32_demote_f64(vd(F64_SNAN)), 0x7FE00000u);
    ASSERT_F32_BITS(num_f32_demote_f64(vd(num_f64_from_bits(0x7FF0000000000001ull))),
                    0x7FC00000u); /* low payload bits dropped: still quiet */
}

Test(numeric_convert, promote)
{
    ASSERT_F64(num_f64_promote_f32(vf(-0.0f)), -0.0);
    ASSERT_F64(num_f64_promote_f32(vf(0x1p-149f)), 0x1p-149);
    ASSERT_F64(num_f64_promote_f32(vf(0x1.fffffep127f)), 0x1.fffffep127);
    ASSERT_F64(num_f64_promote_f32(vf(0x1.8f867ep125f)), 6.6382536710104395e+37);
    ASSERT_F64(num_f64_promote_f32(vf(-INFINITY)), -INFINITY);
    ASSERT_F64_BITS(num_f64_promote_f32(vf(F32_NAN)), 0x7FF8000000000000ull);
    ASSERT_F64_BITS(num_f64_promote_f32(vf(F32_NNAN)), 0xFFF8000000000000ull);
    ASSERT_F64_BITS(num_f64_promote_f32(vf(F32_SNAN)), 0x7FFC000000000000ull);
    ASSERT_F64_BITS(num_f64_promote_f32(vf(num_f32_from_bits(0x7F800001u))),
                    0x7FF8000020000000ull);
}

/* ---- integer bit operations ---- */

Test(numeric_int, clz_ctz_popcnt)
{
    cr_assert_eq(num_i32_clz(0), 32u);
    cr_assert_eq(num_i32_clz(1), 31u);
    cr_assert_eq(num_i32_clz(0x80000000u), 0u);
    cr_assert_eq(num_i32_clz(0x00008000u), 16u);
    cr_assert_eq(num_i32_ctz(0), 32u);
    cr_assert_eq(num_i32_ctz(1), 0u);
    cr_assert_eq(num_i32_ctz(0x80000000u), 31u);
    cr_assert_eq(num_i32_ctz(0x00010000u), 16u);
    cr_assert_eq(num_i32_popcnt(0), 0u);
    cr_assert_eq(num_i32_popcnt(0xFFFFFFFFu), 32u);
    cr_assert_eq(num_i32_popcnt(0x55555555u), 16u);
    cr_assert_eq(num_i32_popcnt(0x80008000u), 2u);

    cr_assert_eq(num_i64_clz(0), 64u);
    cr_assert_eq(num_i64_clz(1), 63u);
    cr_assert_eq(num_i64_clz(0x8000000000000000ull), 0u);
    cr_assert_eq(num_i64_clz(0x00000000FFFFFFFFull), 32u);
    cr_assert_eq(num_i64_ctz(0), 64u);
    cr_assert_eq(num_i64_ctz(0x8000000000000000ull), 63u);
    cr_assert_eq(num_i64_ctz(0x0000000100000000ull), 32u);
    cr_assert_eq(num_i64_popcnt(0), 0u);
    cr_assert_eq(num_i64_popcnt(0xFFFFFFFFFFFFFFFFull), 64u);
    cr_assert_eq(num_i64_popcnt(0xDEADBEEFDEADBEEFull), 48u);
}

Test(numeric_int, rotations)
{
    /* Values from i32.wast / i64.wast. */
    cr_assert_eq(num_i32_rotl(0xfe00dc00u, 4), 0xe00dc00fu);
    cr_assert_eq(num_i32_rotl(0xabcd9876u, 1), 0x579b30edu);
    cr_assert_eq(num_i32_rotl(0x00008000u, 37), 0x00100000u);
    cr_assert_eq(num_i32_rotl(0x769abcdfu, 0x8000000du), 0x579beed3u);
    cr_assert_eq(num_i32_rotl(1, 31), 0x80000000u);
    cr_assert_eq(num_i32_rotl(0x12345678u, 0), 0x12345678u);
    cr_assert_eq(num_i32_rotl(0x12345678u, 32), 0x12345678u);
    cr_assert_eq(num_i32_rotr(0xb0c1d2e3u, 0x0005u), 0x1d860e97u);
    cr_assert_eq(num_i32_rotr(0xff00cc00u, 1), 0x7f806600u);
    cr_assert_eq(num_i32_rotr(0x00080000u, 4), 0x00008000u);
    cr_assert_eq(num_i32_rotr(0x769abcdfu, 0xffffffedu), 0xe6fbb4d5u);
    cr_assert_eq(num_i32_rotr(1, 1), 0x80000000u);
    cr_assert_eq(num_i32_rotr(0x12345678u, 0), 0x12345678u);

    cr_assert_eq(num_i64_rotl(1, 1), 2u);
    cr_assert_eq(num_i64_rotl(1, 0), 1u);
    cr_assert_eq(num_i64_rotl(1, 64), 1u);
    cr_assert_eq(num_i64_rotl(0xabcd987602468aceull, 1), 0x579b30ec048d159dull);
    cr_assert_eq(num_i64_rotl(0xfe000000dc000000ull, 4), 0xe000000dc000000full);
    cr_assert_eq(num_i64_rotl(0xabd1234ef567809cull, 63), 0x55e891a77ab3c04eull);
    cr_assert_eq(num_i64_rotl(0xabd1234ef567809cull, 0x800000000000003full), 0x55e891a77ab3c04eull);
    cr_assert_eq(num_i64_rotr(1, 1), 0x8000000000000000ull);
    cr_assert_eq(num_i64_rotr(1, 0), 1u);
    cr_assert_eq(num_i64_rotr(0xabcd987602468aceull, 1), 0x55e6cc3b01234567ull);
    cr_assert_eq(num_i64_rotr(0xfe000000dc000000ull, 4), 0x0fe000000dc00000ull);
    cr_assert_eq(num_i64_rotr(0xabcd1234ef567809ull, 53), 0x6891a77ab3c04d5eull);
    cr_assert_eq(num_i64_rotr(0xabcd1234ef567809ull, 0xf5), 0x6891a77ab3c04d5eull);
    cr_assert_eq(num_i64_rotr(0xabd1234ef567809cull, 63), 0x57a2469deacf0139ull);
    cr_assert_eq(num_i64_rotr(0xabcd7294ef567809ull, 0xffffffffffffffedull),
                 0x94a77ab3c04d5e6bull);
    cr_assert_eq(num_i64_rotl(0xabcd7294ef567809ull, 0xffffffffffffffedull),
                 0xcf013579ae529deaull);
}
