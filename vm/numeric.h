/* Spec-exact WebAssembly numeric helpers used by the interpreter's handlers: integer bit
 * counting and rotations, float min/max/rounding/sqrt with the spec's NaN and signed-zero
 * rules, sign-bit operations on raw bits, trapping and saturating float -> int truncations,
 * and int <-> float conversions.
 *
 * Everything here is free of undefined behaviour for every input: no shift by the bit width,
 * no __builtin_clz(0), and no float -> int cast outside the target's range (the range is
 * checked first against bounds that are exactly representable in the source float type).
 *
 * NaN results: every operation that returns a float for a NaN operand returns a quiet NaN
 * (an "arithmetic NaN" in spec terms) by setting the quiet bit of an input NaN, the first
 * NaN operand in Wasm operand order when both are NaNs; an input with the canonical payload
 * therefore yields the canonical payload. NaNs created from non-NaN operands (inf - inf,
 * 0 * inf, 0 / 0, sqrt of a negative number) are the negative canonical NaN (the "default
 * NaN", as x86 creates it; other processors create the positive one). This does not depend
 * on the processor, the compiler or libm: which of two NaN operands a machine instruction
 * returns differs between processors, and the compiler may swap the operands of + and *.
 *
 * Assumptions (checked below): IEEE 754 binary32/binary64 floats, FLT_EVAL_METHOD 0 (no
 * excess precision), and the default round-to-nearest-even mode, which wvm never changes.
 */
#ifndef WVM_VM_NUMERIC_H
#define WVM_VM_NUMERIC_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "trap.h"
#include "../loader/hints.h"

_Static_assert(sizeof(float) == 4 && FLT_MANT_DIG == 24, "float must be IEEE binary32");
_Static_assert(sizeof(double) == 8 && DBL_MANT_DIG == 53, "double must be IEEE binary64");
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "wvm needs FLT_EVAL_METHOD == 0 (e.g. SSE2 floating point, not x87)"
#endif

#define NUM_F32_SIGN 0x80000000u
#define NUM_F32_QUIET 0x00400000u           /* the quiet bit: top bit of the payload */
#define NUM_F32_CANONICAL_NAN 0x7FC00000u
#define NUM_F64_SIGN 0x8000000000000000ull
#define NUM_F64_QUIET 0x0008000000000000ull
#define NUM_F64_CANONICAL_NAN 0x7FF8000000000000ull
/* The NaN an operation creates from non-NaN operands: the negative canonical NaN, which is
 * the one x86 creates (NaN results below). */
#define NUM_F32_DEFAULT_NAN 0xFFC00000u
#define NUM_F64_DEFAULT_NAN 0xFFF8000000000000ull

/* ---- bit casts ---- */

static inline float num_f32_from_bits(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline uint32_t num_f32_bits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

static inline double num_f64_from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static inline uint64_t num_f64_bits(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bits;
}

/* ---- integer bit operations ---- */

static inline uint32_t num_i32_clz(uint32_t x)
{
    return x ? (uint32_t)__builtin_clz(x) : 32u;
}

static inline uint32_t num_i32_ctz(uint32_t x)
{
    return x ? (uint32_t)__builtin_ctz(x) : 32u;
}

static inline uint32_t num_i32_popcnt(uint32_t x)
{
    return (uint32_t)__builtin_popcount(x);
}

/* The count is taken modulo 32; a count of 0 must not shift by 32. */
static inline uint32_t num_i32_rotl(uint32_t x, uint32_t n)
{
    n &= 31u;
    return (x << n) | (x >> ((32u - n) & 31u));
}

static inline uint32_t num_i32_rotr(uint32_t x, uint32_t n)
{
    n &= 31u;
    return (x >> n) | (x << ((32u - n) & 31u));
}

static inline uint64_t num_i64_clz(uint64_t x)
{
    return x ? (uint64_t)__builtin_clzll(x) : 64u;
}

static inline uint64_t num_i64_ctz(uint64_t x)
{
    return x ? (uint64_t)__builtin_ctzll(x) : 64u;
}

static inline uint64_t num_i64_popcnt(uint64_t x)
{
    return (uint64_t)__builtin_popcountll(x);
}

static inline uint64_t num_i64_rotl(uint64_t x, uint64_t n)
{
    n &= 63u;
    return (x << n) | (x >> ((64u - n) & 63u));
}

static inline uint64_t num_i64_rotr(uint64_t x, uint64_t n)
{
    n &= 63u;
    return (x >> n) | (x << ((64u - n) & 63u));
}

/* ---- sign-bit operations on raw bits (never touch the payload, even of a NaN) ---- */

static inline uint32_t num_f32_abs_bits(uint32_t x)
{
    return x & ~NUM_F32_SIGN;
}

static inline uint32_t num_f32_neg_bits(uint32_t x)
{
    return x ^ NUM_F32_SIGN;
}

static inline uint32_t num_f32_copysign_bits(uint32_t mag, uint32_t sign)
{
    return (mag & ~NUM_F32_SIGN) | (sign & NUM_F32_SIGN);
}

static inline uint64_t num_f64_abs_bits(uint64_t x)
{
    return x & ~NUM_F64_SIGN;
}

static inline uint64_t num_f64_neg_bits(uint64_t x)
{
    return x ^ NUM_F64_SIGN;
}

static inline uint64_t num_f64_copysign_bits(uint64_t mag, uint64_t sign)
{
    return (mag & ~NUM_F64_SIGN) | (sign & NUM_F64_SIGN);
}

/* ---- NaN helpers ---- */

/* x is a NaN; returns it with the quiet bit set (sign and payload kept). */
static inline float num_f32_quiet(float x)
{
    return num_f32_from_bits(num_f32_bits(x) | NUM_F32_QUIET);
}

static inline double num_f64_quiet(double x)
{
    return num_f64_from_bits(num_f64_bits(x) | NUM_F64_QUIET);
}

/* ---- arithmetic: + - * / ---- */

/* The NaN result of a binary operator on a and b (NaN results above): the first NaN operand,
 * quieted, else the default NaN. Out of line: inlined, its bit operations on the operands
 * made gcc load every float operand through a general register. */
__attribute__((noinline, cold)) static float num_f32_nan_result(float a, float b)
{
    if (isnan(a))
        return num_f32_quiet(a);
    if (isnan(b))
        return num_f32_quiet(b);
    return num_f32_from_bits(NUM_F32_DEFAULT_NAN);
}

__attribute__((noinline, cold)) static double num_f64_nan_result(double a, double b)
{
    if (isnan(a))
        return num_f64_quiet(a);
    if (isnan(b))
        return num_f64_quiet(b);
    return num_f64_from_bits(NUM_F64_DEFAULT_NAN);
}

/* num_f32_add_portable ... num_f64_div_portable: the operator in C, its result replaced by
 * the rule's when it is a NaN (a compare and a branch not taken on the usual path). */
#define NUM_ARITH_PORTABLE(t, name, type, op)                                                  \
    static inline type num_##t##_##name##_portable(type a, type b)                             \
    {                                                                                          \
        type r = a op b;                                                                       \
        return likely(!isnan(r)) ? r : num_##t##_nan_result(a, b);                             \
    }
NUM_ARITH_PORTABLE(f32, add, float, +)
NUM_ARITH_PORTABLE(f32, sub, float, -)
NUM_ARITH_PORTABLE(f32, mul, float, *)
NUM_ARITH_PORTABLE(f32, div, float, /)
NUM_ARITH_PORTABLE(f64, add, double, +)
NUM_ARITH_PORTABLE(f64, sub, double, -)
NUM_ARITH_PORTABLE(f64, mul, double, *)
NUM_ARITH_PORTABLE(f64, div, double, /)
#undef NUM_ARITH_PORTABLE

/* num_f32_add ... num_f64_div: what the handlers use. On x86-64 one SSE (or AVX) instruction
 * with a as its first source operand, which follows the rule by itself: of two NaNs it
 * returns the first source quieted, of one NaN that one quieted, and it creates the default
 * NaN; no check is needed. (Plain C would not do: the compiler may swap the operands of + and
 * *.) Elsewhere the portable form. tests/test_numeric.c holds the two to the same bits.
 * Not with clang: clang 14 miscompiled the tied operand of the SSE form in vm_run (f64_mul_l
 * multiplied its immediate by itself, its first operand left in another register; seen when a
 * change to vm/pairs.def reshaped the function, and caught by tests/test_vm_fuse.c,
 * long_immediates), so clang builds take the portable form. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#ifdef __AVX__
#define NUM_ARITH(t, name, type, insn)                                                         \
    static inline type num_##t##_##name(type a, type b)                                        \
    {                                                                                          \
        type r;                                                                                \
        __asm__("v" insn " %2, %1, %0" : "=x"(r) : "x"(a), "xm"(b));                           \
        return r;                                                                              \
    }
#else
#define NUM_ARITH(t, name, type, insn)                                                         \
    static inline type num_##t##_##name(type a, type b)                                        \
    {                                                                                          \
        __asm__(insn " %1, %0" : "+x"(a) : "xm"(b));                                           \
        return a;                                                                              \
    }
#endif
#else
#define NUM_ARITH(t, name, type, insn)                                                         \
    static inline type num_##t##_##name(type a, type b)                                        \
    {                                                                                          \
        return num_##t##_##name##_portable(a, b);                                              \
    }
#endif
NUM_ARITH(f32, add, float, "addss")
NUM_ARITH(f32, sub, float, "subss")
NUM_ARITH(f32, mul, float, "mulss")
NUM_ARITH(f32, div, float, "divss")
NUM_ARITH(f64, add, double, "addsd")
NUM_ARITH(f64, sub, double, "subsd")
NUM_ARITH(f64, mul, double, "mulsd")
NUM_ARITH(f64, div, double, "divsd")
#undef NUM_ARITH

/* ---- f32 operations ---- */

/* NaN if either operand is NaN (the first NaN operand, quieted); -0 < +0. */
static inline float num_f32_min(float a, float b)
{
    if (isnan(a))
        return num_f32_quiet(a);
    if (isnan(b))
        return num_f32_quiet(b);
    if (a == b) /* equal values differ at most in the sign of a zero: -0 wins */
        return num_f32_from_bits(num_f32_bits(a) | num_f32_bits(b));
    return a < b ? a : b;
}

static inline float num_f32_max(float a, float b)
{
    if (isnan(a))
        return num_f32_quiet(a);
    if (isnan(b))
        return num_f32_quiet(b);
    if (a == b) /* +0 wins */
        return num_f32_from_bits(num_f32_bits(a) & num_f32_bits(b));
    return a > b ? a : b;
}

/* The rounding functions keep the sign of a zero result (ceil(-0.5) = -0) as libm does. */
static inline float num_f32_ceil(float x)
{
    return isnan(x) ? num_f32_quiet(x) : ceilf(x);
}

static inline float num_f32_floor(float x)
{
    return isnan(x) ? num_f32_quiet(x) : floorf(x);
}

static inline float num_f32_trunc(float x)
{
    return isnan(x) ? num_f32_quiet(x) : truncf(x);
}

/* Round to nearest, ties to even: nearbyintf in the default rounding mode. */
static inline float num_f32_nearest(float x)
{
    return isnan(x) ? num_f32_quiet(x) : nearbyintf(x);
}

static inline float num_f32_sqrt(float x)
{
    if (isnan(x))
        return num_f32_quiet(x);
    if (x < 0.0f) /* -0 is not < 0: sqrt(-0) = -0 */
        return num_f32_from_bits(NUM_F32_DEFAULT_NAN);
    return sqrtf(x);
}

/* ---- f64 operations ---- */

static inline double num_f64_min(double a, double b)
{
    if (isnan(a))
        return num_f64_quiet(a);
    if (isnan(b))
        return num_f64_quiet(b);
    if (a == b)
        return num_f64_from_bits(num_f64_bits(a) | num_f64_bits(b));
    return a < b ? a : b;
}

static inline double num_f64_max(double a, double b)
{
    if (isnan(a))
        return num_f64_quiet(a);
    if (isnan(b))
        return num_f64_quiet(b);
    if (a == b)
        return num_f64_from_bits(num_f64_bits(a) & num_f64_bits(b));
    return a > b ? a : b;
}

static inline double num_f64_ceil(double x)
{
    return isnan(x) ? num_f64_quiet(x) : ceil(x);
}

static inline double num_f64_floor(double x)
{
    return isnan(x) ? num_f64_quiet(x) : floor(x);
}

static inline double num_f64_trunc(double x)
{
    return isnan(x) ? num_f64_quiet(x) : trunc(x);
}

static inline double num_f64_nearest(double x)
{
    return isnan(x) ? num_f64_quiet(x) : nearbyint(x);
}

static inline double num_f64_sqrt(double x)
{
    if (isnan(x))
        return num_f64_quiet(x);
    if (x < 0.0)
        return num_f64_from_bits(NUM_F64_DEFAULT_NAN);
    return sqrt(x);
}

/* ---- trapping truncation (float -> int) ----
 *
 * x is in range iff trunc(x) fits the target. With exactly representable bounds:
 *   signed N bits:   x > -2^(N-1) - 1 and x < 2^(N-1); when -2^(N-1) - 1 is not representable
 *                    in the source type (i32 from f32, i64 from f32/f64) the next float below
 *                    -2^(N-1) is already out of range, so the lower test is x >= -2^(N-1).
 *   unsigned N bits: x > -1 and x < 2^N (so -1 < x < 0 truncates to 0).
 * NaN fails both comparisons, so it is tested first. Inside the range the C conversion
 * (which truncates toward zero) is defined. */

#define NUM_TRUNC_BODY(lo_ok, hi_ok, type)                                                      \
    do {                                                                                        \
        if (isnan(x))                                                                           \
            return VM_TRAP_INVALID_CONVERSION;                                                  \
        if (!((lo_ok) && (hi_ok)))                                                              \
            return VM_TRAP_INT_OVERFLOW;                                                        \
        *out = (type)x;                                                                         \
        return VM_TRAP_NONE;                                                                    \
    } while (0)

static inline int num_i32_trunc_f32_s(float x, int32_t *out)
{
    NUM_TRUNC_BODY(x >= -0x1p31f, x < 0x1p31f, int32_t);
}

static inline int num_i32_trunc_f32_u(float x, uint32_t *out)
{
    NUM_TRUNC_BODY(x > -1.0f, x < 0x1p32f, uint32_t);
}

static inline int num_i32_trunc_f64_s(double x, int32_t *out)
{
    NUM_TRUNC_BODY(x > -2147483649.0, x < 2147483648.0, int32_t);
}

static inline int num_i32_trunc_f64_u(double x, uint32_t *out)
{
    NUM_TRUNC_BODY(x > -1.0, x < 4294967296.0, uint32_t);
}

static inline int num_i64_trunc_f32_s(float x, int64_t *out)
{
    NUM_TRUNC_BODY(x >= -0x1p63f, x < 0x1p63f, int64_t);
}

static inline int num_i64_trunc_f32_u(float x, uint64_t *out)
{
    NUM_TRUNC_BODY(x > -1.0f, x < 0x1p64f, uint64_t);
}

static inline int num_i64_trunc_f64_s(double x, int64_t *out)
{
    NUM_TRUNC_BODY(x >= -0x1p63, x < 0x1p63, int64_t);
}

static inline int num_i64_trunc_f64_u(double x, uint64_t *out)
{
    NUM_TRUNC_BODY(x > -1.0, x < 0x1p64, uint64_t);
}

#undef NUM_TRUNC_BODY

/* ---- saturating truncation: NaN -> 0, below range -> min, above range -> max ---- */

#define NUM_TRUNC_SAT_BODY(lo_ok, hi_ok, type, min, max)                                       \
    do {                                                                                        \
        if (isnan(x))                                                                           \
            return 0;                                                                           \
        if (!(lo_ok))                                                                           \
            return (min);                                                                       \
        if (!(hi_ok))                                                                           \
            return (max);                                                                       \
        return (type)x;                                                                         \
    } while (0)

static inline int32_t num_i32_trunc_sat_f32_s(float x)
{
    NUM_TRUNC_SAT_BODY(x >= -0x1p31f, x < 0x1p31f, int32_t, INT32_MIN, INT32_MAX);
}

static inline uint32_t num_i32_trunc_sat_f32_u(float x)
{
    NUM_TRUNC_SAT_BODY(x > -1.0f, x < 0x1p32f, uint32_t, 0u, UINT32_MAX);
}

static inline int32_t num_i32_trunc_sat_f64_s(double x)
{
    NUM_TRUNC_SAT_BODY(x > -2147483649.0, x < 2147483648.0, int32_t, INT32_MIN, INT32_MAX);
}

static inline uint32_t num_i32_trunc_sat_f64_u(double x)
{
    NUM_TRUNC_SAT_BODY(x > -1.0, x < 4294967296.0, uint32_t, 0u, UINT32_MAX);
}

static inline int64_t num_i64_trunc_sat_f32_s(float x)
{
    NUM_TRUNC_SAT_BODY(x >= -0x1p63f, x < 0x1p63f, int64_t, INT64_MIN, INT64_MAX);
}

static inline uint64_t num_i64_trunc_sat_f32_u(float x)
{
    NUM_TRUNC_SAT_BODY(x > -1.0f, x < 0x1p64f, uint64_t, 0u, UINT64_MAX);
}

static inline int64_t num_i64_trunc_sat_f64_s(double x)
{
    NUM_TRUNC_SAT_BODY(x >= -0x1p63, x < 0x1p63, int64_t, INT64_MIN, INT64_MAX);
}

static inline uint64_t num_i64_trunc_sat_f64_u(double x)
{
    NUM_TRUNC_SAT_BODY(x > -1.0, x < 0x1p64, uint64_t, 0u, UINT64_MAX);
}

#undef NUM_TRUNC_SAT_BODY

/* ---- int -> float conversions ----
 *
 * All are correctly rounded (ties to even). i32/u32 -> f64 are exact. The others rely on
 * C's conversion rounding in the current (default nearest) mode, which gcc and clang
 * implement correctly on x86-64 and AArch64, including u64 -> f32/f64 (checked in
 * tests/test_numeric.c at run time, e.g. 0x8000008000000001 -> 0x1.000002p63, where
 * rounding through double first would give 0x1p63). */

static inline float num_f32_convert_i32(int32_t x)
{
    return (float)x;
}

static inline float num_f32_convert_u32(uint32_t x)
{
    return (float)x;
}

static inline float num_f32_convert_i64(int64_t x)
{
    return (float)x;
}

static inline float num_f32_convert_u64(uint64_t x)
{
    return (float)x;
}

static inline double num_f64_convert_i32(int32_t x)
{
    return (double)x;
}

static inline double num_f64_convert_u32(uint32_t x)
{
    return (double)x;
}

static inline double num_f64_convert_i64(int64_t x)
{
    return (double)x;
}

static inline double num_f64_convert_u64(uint64_t x)
{
    return (double)x;
}

/* ---- float <-> float ---- */

/* Correctly rounded; values beyond the f32 range round to +-inf (IEEE semantics, which gcc
 * and clang give; the float -> float cast is not UB under Annex F). A NaN keeps its sign and
 * the top 22 payload bits and becomes quiet, so a canonical NaN stays canonical. */
static inline float num_f32_demote_f64(double x)
{
    if (isnan(x)) {
        uint64_t b = num_f64_bits(x);
        uint32_t sign = (uint32_t)(b >> 32) & NUM_F32_SIGN;
        uint32_t payload = (uint32_t)((b & 0x000FFFFFFFFFFFFFull) >> 29);
        return num_f32_from_bits(sign | 0x7F800000u | NUM_F32_QUIET | payload);
    }
    return (float)x;
}

/* Exact; a NaN keeps its sign and payload (shifted to the top) and becomes quiet. */
static inline double num_f64_promote_f32(float x)
{
    if (isnan(x)) {
        uint32_t b = num_f32_bits(x);
        uint64_t sign = (uint64_t)(b & NUM_F32_SIGN) << 32;
        uint64_t payload = (uint64_t)(b & 0x007FFFFFu) << 29;
        return num_f64_from_bits(sign | 0x7FF0000000000000ull | NUM_F64_QUIET | payload);
    }
    return (double)x;
}

#endif
