/* Unit tests for the runtime-free half of the CLI (host/cli.c): command-line parsing,
 * argument values of every type (boundaries, hex, negative, garbage, overflow), value,
 * signature and error formatting. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "../host/cli.h"

/* ---- i32 ---- */

static void expect_i32(const char *s, int32_t want)
{
    int32_t got = 12345;
    cli_parse_status st = cli_parse_i32(s, &got);
    cr_assert_eq(st, CLI_PARSE_OK, "cli_parse_i32(\"%s\") failed with %d", s, st);
    cr_assert_eq(got, want, "cli_parse_i32(\"%s\") = %d, want %d", s, got, want);
}

static void expect_i32_fail(const char *s, cli_parse_status want)
{
    int32_t got = 12345;
    cli_parse_status st = cli_parse_i32(s, &got);
    cr_assert_eq(st, want, "cli_parse_i32(\"%s\") returned %d, want %d", s, st, want);
    cr_assert_eq(got, 12345, "cli_parse_i32(\"%s\") wrote its output on failure", s);
}

Test(cli_i32, decimal)
{
    expect_i32("0", 0);
    expect_i32("-0", 0);
    expect_i32("+0", 0);
    expect_i32("46", 46);
    expect_i32("-46", -46);
    expect_i32("+7", 7);
    expect_i32("007", 7);
    expect_i32("2147483647", INT32_MAX);
    expect_i32("-2147483648", INT32_MIN);
    expect_i32("2147483648", INT32_MIN); /* unsigned spelling of the bit pattern */
    expect_i32("4294967295", -1);
    expect_i32("2971215073", -1323752223);
}

Test(cli_i32, hex)
{
    expect_i32("0x0", 0);
    expect_i32("0xff", 255);
    expect_i32("0XFF", 255);
    expect_i32("0xDeadBeef", (int32_t)0xDEADBEEFu);
    expect_i32("0x7fffffff", INT32_MAX);
    expect_i32("0x80000000", INT32_MIN);
    expect_i32("0xffffffff", -1);
    expect_i32("-0x1", -1);
    expect_i32("-0x80000000", INT32_MIN);
    expect_i32("0x00000000000000001", 1);
}

Test(cli_i32, out_of_range)
{
    expect_i32_fail("4294967296", CLI_PARSE_RANGE);
    expect_i32_fail("-2147483649", CLI_PARSE_RANGE);
    expect_i32_fail("0x100000000", CLI_PARSE_RANGE);
    expect_i32_fail("-0x80000001", CLI_PARSE_RANGE);
    expect_i32_fail("99999999999999999999999999", CLI_PARSE_RANGE);
    expect_i32_fail("-99999999999999999999999999", CLI_PARSE_RANGE);
    expect_i32_fail("0xffffffffffffffffffffffff", CLI_PARSE_RANGE);
}

Test(cli_i32, garbage)
{
    const char *bad[] = {"",    "-",    "+",     "0x",    "-0x",  "abc",  "12a",  " 1",
                         "1 ",  "1.0",  "1e3",   "--1",   "+-1",  "-+1",  "0x-1", "0xg",
                         "0b1", "1_000", "\t1",  "\xd9\xa1",     "0x 1", "- 1",  "nan",  "inf",
                         "99999999999999999999999x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_i32_fail(bad[i], CLI_PARSE_SYNTAX);
}

/* ---- fuel amounts ---- */

static void expect_fuel(const char *s, uint64_t want)
{
    uint64_t got = 12345;
    cli_fuel_status st = cli_parse_fuel(s, &got);
    cr_assert_eq(st, CLI_FUEL_OK, "cli_parse_fuel(\"%s\") failed with %d", s, st);
    cr_assert_eq(got, want, "cli_parse_fuel(\"%s\") = %llu, want %llu", s,
                 (unsigned long long)got, (unsigned long long)want);
}

static void expect_fuel_fail(const char *s, cli_fuel_status want)
{
    uint64_t got = 12345;
    cli_fuel_status st = cli_parse_fuel(s, &got);
    cr_assert_eq(st, want, "cli_parse_fuel(\"%s\") returned %d, want %d", s, st, want);
    cr_assert_eq(got, 12345u, "cli_parse_fuel(\"%s\") wrote its output on failure", s);
}

Test(cli_fuel, integers)
{
    expect_fuel("0", 0);
    expect_fuel("00", 0);
    expect_fuel("1", 1);
    expect_fuel("612", 612);
    expect_fuel("1000000", 1000000);
    expect_fuel("1_000_000", 1000000);
    expect_fuel("1_0", 10);
    expect_fuel("0_1", 1);
    expect_fuel("1_2_3_4", 1234);
    expect_fuel("000000000000000000000000000042", 42); /* leading zeros do not count */
    expect_fuel("18446744073709551615", UINT64_MAX);
    expect_fuel("18_446_744_073_709_551_615", UINT64_MAX);
    expect_fuel("018446744073709551615", UINT64_MAX);
    expect_fuel("18446744073709551614", UINT64_MAX - 1);
    expect_fuel("9007199254740993", 9007199254740993ull); /* 2^53 + 1: no double on the way */
}

Test(cli_fuel, scientific)
{
    expect_fuel("1e9", 1000000000ull);
    expect_fuel("1E9", 1000000000ull);
    expect_fuel("1e+9", 1000000000ull);
    expect_fuel("1e0", 1);
    expect_fuel("1e-0", 1);
    expect_fuel("1.5e6", 1500000);
    expect_fuel("1.25e2", 125);
    expect_fuel("2.50e1", 25);         /* trailing fraction zeros */
    expect_fuel("1.000", 1);
    expect_fuel("0.0", 0);
    expect_fuel("5.0e0", 5);
    expect_fuel("100e-2", 1);          /* a negative exponent can still give a whole number */
    expect_fuel("1200e-2", 12);
    expect_fuel("0e99999999999999999999999", 0);
    expect_fuel("0.000e-99999999999999999999", 0);
    expect_fuel("1e1_0", 10000000000ull);
    expect_fuel("1_000.000_000e0_3", 1000000);
    expect_fuel("1e19", 10000000000000000000ull);
    expect_fuel("1.8446744073709551615e19", UINT64_MAX);
    expect_fuel("184467440737095516150e-1", UINT64_MAX);
    expect_fuel("18446744073709551615000000000000e-12", UINT64_MAX);
    expect_fuel("1.8446744073709551615000e19", UINT64_MAX);
    expect_fuel("9.007199254740993e15", 9007199254740993ull); /* double would give ...992 */
    expect_fuel("123456789.123456789e9", 123456789123456789ull);
}

Test(cli_fuel, not_whole)
{
    expect_fuel_fail("1.25e1", CLI_FUEL_FRACTION);
    expect_fuel_fail("1e-3", CLI_FUEL_FRACTION);
    expect_fuel_fail("1.5", CLI_FUEL_FRACTION);
    expect_fuel_fail("0.1", CLI_FUEL_FRACTION);
    expect_fuel_fail("1.0000000000000000000000000000001", CLI_FUEL_FRACTION);
    expect_fuel_fail("12e-1", CLI_FUEL_FRACTION);
    expect_fuel_fail("1e-99999999999999999999999999", CLI_FUEL_FRACTION);
    expect_fuel_fail("1.8446744073709551615e18", CLI_FUEL_FRACTION);
    /* A fraction beyond the range is reported as the fraction. */
    expect_fuel_fail("100000000000000000000.5", CLI_FUEL_FRACTION);
}

Test(cli_fuel, too_large)
{
    expect_fuel_fail("18446744073709551616", CLI_FUEL_RANGE);
    expect_fuel_fail("18446744073709551620", CLI_FUEL_RANGE);
    expect_fuel_fail("99999999999999999999", CLI_FUEL_RANGE);
    expect_fuel_fail("100000000000000000000", CLI_FUEL_RANGE);
    expect_fuel_fail("1e20", CLI_FUEL_RANGE);
    expect_fuel_fail("2e19", CLI_FUEL_RANGE);
    expect_fuel_fail("1.8446744073709551616e19", CLI_FUEL_RANGE);
    expect_fuel_fail("184467440737095516160e-1", CLI_FUEL_RANGE);
    expect_fuel_fail("1e99999999999999999999999999", CLI_FUEL_RANGE);
    expect_fuel_fail("123456789012345678901234567890", CLI_FUEL_RANGE);
}

Test(cli_fuel, signs)
{
    expect_fuel_fail("-5", CLI_FUEL_NEGATIVE);
    expect_fuel_fail("-1e9", CLI_FUEL_NEGATIVE);
    expect_fuel_fail("-0.5", CLI_FUEL_NEGATIVE);
    expect_fuel_fail("-1e99", CLI_FUEL_NEGATIVE);
    expect_fuel_fail("-0", CLI_FUEL_SIGN);
    expect_fuel_fail("+5", CLI_FUEL_SIGN);
    expect_fuel_fail("+0", CLI_FUEL_SIGN);
    expect_fuel_fail("--5", CLI_FUEL_SYNTAX);
    expect_fuel_fail("-", CLI_FUEL_SYNTAX);
    expect_fuel_fail("-abc", CLI_FUEL_SYNTAX);
}

Test(cli_fuel, garbage)
{
    const char *bad[] = {"",      "abc",   "1e",   "1e+",   "1e-",    "1E",    "1__0",
                         "_1",    "1_",    "1_e3", "1e_3",  "1e3_",   "1._5",  "1_.5",
                         "1.",    ".5",    ".",    "e9",    "1.5.2",  "1e3e3", "1e3.5",
                         " 1",    "1 ",    "1\n",  "0x10",  "1k",     "1M",    "inf",
                         "nan",   "1,000", "1'000", "\xd9\xa1",     "1e9x",   "1..5",  "_",
                         "__",    "1 000", "\t1", "1ee9",  "1.5e-e"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_fuel_fail(bad[i], CLI_FUEL_SYNTAX);
}

Test(cli_fuel, messages)
{
    char msg[256];
    cli_fuel_message(CLI_FUEL_FRACTION, "1.25e1", msg, sizeof msg);
    cr_assert_str_eq(msg, "'1.25e1' is not a whole number");
    cli_fuel_message(CLI_FUEL_RANGE, "1e20", msg, sizeof msg);
    cr_assert_str_eq(msg, "'1e20' is too large (the maximum is 18446744073709551615)");
    cli_fuel_message(CLI_FUEL_NEGATIVE, "-5", msg, sizeof msg);
    cr_assert_str_eq(msg, "'-5' is negative");
    cli_fuel_message(CLI_FUEL_SIGN, "+5", msg, sizeof msg);
    cr_assert_str_eq(msg, "'+5' must be written without a sign");
    cli_fuel_message(CLI_FUEL_SYNTAX, "abc", msg, sizeof msg);
    cr_assert_str_eq(msg, "'abc' is not a number (expected a whole number such as 1000000, "
                          "1_000_000 or 1e9)");
    cli_fuel_message(CLI_FUEL_SYNTAX, "", msg, sizeof msg);
    cr_assert_eq(strncmp(msg, "'' is not a number", 18), 0);
    char tiny[6];
    cli_fuel_message(CLI_FUEL_FRACTION, "1.25e1", tiny, sizeof tiny);
    cr_assert_str_eq(tiny, "'1.25");
}

/* ---- i64 ---- */

static void expect_i64(const char *s, int64_t want)
{
    int64_t got = 12345;
    cli_parse_status st = cli_parse_i64(s, &got);
    cr_assert_eq(st, CLI_PARSE_OK, "cli_parse_i64(\"%s\") failed with %d", s, st);
    cr_assert_eq(got, want, "cli_parse_i64(\"%s\") = %lld", s, (long long)got);
}

static void expect_i64_fail(const char *s, cli_parse_status want)
{
    int64_t got = 12345;
    cli_parse_status st = cli_parse_i64(s, &got);
    cr_assert_eq(st, want, "cli_parse_i64(\"%s\") returned %d, want %d", s, st, want);
    cr_assert_eq(got, 12345);
}

Test(cli_i64, values)
{
    expect_i64("0", 0);
    expect_i64("-1", -1);
    expect_i64("4294967296", 4294967296ll);
    expect_i64("-4294967296", -4294967296ll);
    expect_i64("9223372036854775807", INT64_MAX);
    expect_i64("-9223372036854775808", INT64_MIN);
    expect_i64("9223372036854775808", INT64_MIN);
    expect_i64("18446744073709551615", -1);
    expect_i64("0x7fffffffffffffff", INT64_MAX);
    expect_i64("0x8000000000000000", INT64_MIN);
    expect_i64("0xFFFFFFFFFFFFFFFF", -1);
    expect_i64("-0x8000000000000000", INT64_MIN);
    expect_i64("-0x1", -1);
}

Test(cli_i64, failures)
{
    expect_i64_fail("18446744073709551616", CLI_PARSE_RANGE);
    expect_i64_fail("-9223372036854775809", CLI_PARSE_RANGE);
    expect_i64_fail("0x10000000000000000", CLI_PARSE_RANGE);
    expect_i64_fail("-0x8000000000000001", CLI_PARSE_RANGE);
    expect_i64_fail("184467440737095516150", CLI_PARSE_RANGE);
    expect_i64_fail("", CLI_PARSE_SYNTAX);
    expect_i64_fail("0x", CLI_PARSE_SYNTAX);
    expect_i64_fail("12 ", CLI_PARSE_SYNTAX);
    expect_i64_fail("1L", CLI_PARSE_SYNTAX);
    expect_i64_fail("18446744073709551616z", CLI_PARSE_SYNTAX);
}

/* ---- f32 ---- */

static void expect_f32(const char *s, uint32_t want)
{
    uint32_t got = 12345;
    cli_parse_status st = cli_parse_f32(s, &got);
    cr_assert_eq(st, CLI_PARSE_OK, "cli_parse_f32(\"%s\") failed with %d", s, st);
    cr_assert_eq(got, want, "cli_parse_f32(\"%s\") = 0x%08x, want 0x%08x", s, got, want);
}

static void expect_f32_fail(const char *s, cli_parse_status want)
{
    uint32_t got = 12345;
    cli_parse_status st = cli_parse_f32(s, &got);
    cr_assert_eq(st, want, "cli_parse_f32(\"%s\") returned %d, want %d", s, st, want);
    cr_assert_eq(got, 12345u);
}

Test(cli_f32, numbers)
{
    expect_f32("0", 0x00000000u);
    expect_f32("-0", 0x80000000u);
    expect_f32("-0.0", 0x80000000u);
    expect_f32("1.5", 0x3FC00000u);
    expect_f32("+1.5", 0x3FC00000u);
    expect_f32("-2", 0xC0000000u);
    expect_f32("0.1", 0x3DCCCCCDu);
    expect_f32(".5", 0x3F000000u);
    expect_f32("5.", 0x40A00000u);
    expect_f32("1e3", 0x447A0000u);
    expect_f32("1E-3", 0x3A83126Fu);
    expect_f32("16777217", 0x4B800000u);              /* ties to even */
    expect_f32("3.4028235e38", 0x7F7FFFFFu);          /* largest finite */
    expect_f32("3.40282356e38", 0x7F7FFFFFu);         /* below the overflow threshold */
    expect_f32("1.17549435e-38", 0x00800000u);        /* smallest normal */
    expect_f32("1.40129846e-45", 0x00000001u);        /* smallest subnormal */
    expect_f32("1e-50", 0x00000000u);                 /* underflow rounds to zero: accepted */
    expect_f32("0x1p-149", 0x00000001u);
    expect_f32("0x1.fffffep127", 0x7F7FFFFFu);
    /* Parsed directly as f32: rounding through f64 first would give 1.0 (0x3F800000). */
    expect_f32("1.00000005960464477539062500000001", 0x3F800001u);
}

Test(cli_f32, specials)
{
    expect_f32("inf", 0x7F800000u);
    expect_f32("+inf", 0x7F800000u);
    expect_f32("-inf", 0xFF800000u);
    expect_f32("Infinity", 0x7F800000u);
    expect_f32("nan", 0x7FC00000u);
    expect_f32("+nan", 0x7FC00000u);
    expect_f32("-nan", 0xFFC00000u);
    expect_f32("NaN", 0x7FC00000u);
    expect_f32("nan:0x200000", 0x7FA00000u);
    expect_f32("-nan:0x1", 0xFF800001u);
    expect_f32("nan:0x7fffff", 0x7FFFFFFFu);
    expect_f32("nan:0X400000", 0x7FC00000u);
}

Test(cli_f32, failures)
{
    expect_f32_fail("1e39", CLI_PARSE_RANGE);
    expect_f32_fail("-1e39", CLI_PARSE_RANGE);
    expect_f32_fail("3.4028236e38", CLI_PARSE_RANGE);
    expect_f32_fail("nan:0x0", CLI_PARSE_RANGE);
    expect_f32_fail("nan:0x800000", CLI_PARSE_RANGE);
    expect_f32_fail("nan:0xffffffffffffffffffff", CLI_PARSE_RANGE);
    const char *bad[] = {"",        " 1",    "1 ",     "\n1",   "abc",  "1.5f", "0x",
                         "1e",      "--1",   "nan:",   "nan:0x", "nan:12", "nan(1)", "nanx",
                         "inf:0x1", "infx",  "1,5",    "- 1",   "e5",   "."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_f32_fail(bad[i], CLI_PARSE_SYNTAX);
}

/* ---- f64 ---- */

static void expect_f64(const char *s, uint64_t want)
{
    uint64_t got = 12345;
    cli_parse_status st = cli_parse_f64(s, &got);
    cr_assert_eq(st, CLI_PARSE_OK, "cli_parse_f64(\"%s\") failed with %d", s, st);
    cr_assert_eq(got, want, "cli_parse_f64(\"%s\") = 0x%016llx, want 0x%016llx", s,
                 (unsigned long long)got, (unsigned long long)want);
}

static void expect_f64_fail(const char *s, cli_parse_status want)
{
    uint64_t got = 12345;
    cli_parse_status st = cli_parse_f64(s, &got);
    cr_assert_eq(st, want, "cli_parse_f64(\"%s\") returned %d, want %d", s, st, want);
    cr_assert_eq(got, 12345u);
}

Test(cli_f64, values)
{
    expect_f64("0", 0);
    expect_f64("-0", 0x8000000000000000ull);
    expect_f64("0.1", 0x3FB999999999999Aull);
    expect_f64("-2.5e-3", 0xBF647AE147AE147Bull);
    expect_f64("9007199254740993", 0x4340000000000000ull); /* 2^53 + 1 -> 2^53 */
    expect_f64("1.7976931348623157e308", 0x7FEFFFFFFFFFFFFFull);
    expect_f64("4.9406564584124654e-324", 0x0000000000000001ull);
    expect_f64("1e-400", 0);
    expect_f64("0x1p-1074", 0x0000000000000001ull);
    expect_f64("inf", 0x7FF0000000000000ull);
    expect_f64("-inf", 0xFFF0000000000000ull);
    expect_f64("nan", 0x7FF8000000000000ull);
    expect_f64("-nan", 0xFFF8000000000000ull);
    expect_f64("nan:0x4000000000000", 0x7FF4000000000000ull);
    expect_f64("-nan:0xfffffffffffff", 0xFFFFFFFFFFFFFFFFull);
    expect_f64("nan:0x1", 0x7FF0000000000001ull);
}

Test(cli_f64, failures)
{
    expect_f64_fail("1e309", CLI_PARSE_RANGE);
    expect_f64_fail("-1.8e308", CLI_PARSE_RANGE);
    expect_f64_fail("nan:0x10000000000000", CLI_PARSE_RANGE);
    expect_f64_fail("nan:0x0", CLI_PARSE_RANGE);
    expect_f64_fail("", CLI_PARSE_SYNTAX);
    expect_f64_fail("1.0.0", CLI_PARSE_SYNTAX);
    expect_f64_fail(" 0", CLI_PARSE_SYNTAX);
    expect_f64_fail("0x1p", CLI_PARSE_SYNTAX);
    expect_f64_fail("nan:0xz", CLI_PARSE_SYNTAX);
    expect_f64_fail("null", CLI_PARSE_SYNTAX);
}

/* ---- typed values ---- */

Test(cli_value, by_kind)
{
    wvm_val v;
    char msg[128];
    cr_assert_eq(cli_parse_value(WVM_I32, "-5", &v, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(v.kind, WVM_I32);
    cr_assert_eq(v.of.i32, -5);
    cr_assert_eq(cli_parse_value(WVM_I64, "0x10", &v, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(v.kind, WVM_I64);
    cr_assert_eq(v.of.i64, 16);
    cr_assert_eq(cli_parse_value(WVM_F32, "-1.5", &v, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(v.kind, WVM_F32);
    cr_assert_eq(v.of.f32_bits, 0xBFC00000u);
    cr_assert_eq(cli_parse_value(WVM_F64, "nan:0x1", &v, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(v.kind, WVM_F64);
    cr_assert_eq(v.of.f64_bits, 0x7FF0000000000001ull);
    cr_assert_eq(cli_parse_value(WVM_FUNCREF, "null", &v, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(v.kind, WVM_FUNCREF);
    cr_assert_null(v.of.funcref);
    cr_assert_eq(cli_parse_value(WVM_EXTERNREF, "null", &v, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(v.kind, WVM_EXTERNREF);
    cr_assert_null(v.of.externref);
}

Test(cli_value, messages)
{
    wvm_val v;
    char msg[128];
    cr_assert_eq(cli_parse_value(WVM_I32, "abc", &v, msg, sizeof msg), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "invalid i32 'abc'");
    cr_assert_eq(cli_parse_value(WVM_I32, "4294967296", &v, msg, sizeof msg), CLI_PARSE_RANGE);
    cr_assert_str_eq(msg, "i32 '4294967296' out of range");
    cr_assert_eq(cli_parse_value(WVM_F64, "1e999", &v, msg, sizeof msg), CLI_PARSE_RANGE);
    cr_assert_str_eq(msg, "f64 '1e999' out of range");
    cr_assert_eq(cli_parse_value(WVM_FUNCREF, "0", &v, msg, sizeof msg), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "invalid funcref '0' (only null is accepted)");
    cr_assert_eq(cli_parse_value(WVM_EXTERNREF, "NULL", &v, msg, sizeof msg), CLI_PARSE_SYNTAX);
    cr_assert_eq(cli_parse_value((wvm_valkind)0x7B, "1", &v, msg, sizeof msg),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unsupported parameter type 0x7b");
    /* A message buffer too small is truncated, not overrun. */
    char tiny[8];
    cr_assert_eq(cli_parse_value(WVM_I64, "garbage-garbage", &v, tiny, sizeof tiny),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(tiny, "invalid");
}

Test(cli_value, kind_names)
{
    cr_assert_str_eq(cli_kind_name(WVM_I32), "i32");
    cr_assert_str_eq(cli_kind_name(WVM_I64), "i64");
    cr_assert_str_eq(cli_kind_name(WVM_F32), "f32");
    cr_assert_str_eq(cli_kind_name(WVM_F64), "f64");
    cr_assert_str_eq(cli_kind_name(WVM_FUNCREF), "funcref");
    cr_assert_str_eq(cli_kind_name(WVM_EXTERNREF), "externref");
    cr_assert_str_eq(cli_kind_name((wvm_valkind)0), "?");
}

/* ---- output ---- */

static const char *fmt(wvm_valkind kind, uint64_t bits)
{
    static char buf[64];
    wvm_val v;
    memset(&v, 0, sizeof v);
    v.kind = kind;
    switch (kind) {
    case WVM_I32: v.of.i32 = (int32_t)(uint32_t)bits; break;
    case WVM_I64: v.of.i64 = (int64_t)bits; break;
    case WVM_F32: v.of.f32_bits = (uint32_t)bits; break;
    case WVM_F64: v.of.f64_bits = bits; break;
    case WVM_FUNCREF: v.of.funcref = bits ? (wvm_func *)&v : NULL; break;
    case WVM_EXTERNREF: v.of.externref = bits ? (void *)&v : NULL; break;
    }
    cli_format_value(&v, buf, sizeof buf);
    return buf;
}

Test(cli_format, integers)
{
    cr_assert_str_eq(fmt(WVM_I32, 0), "0");
    cr_assert_str_eq(fmt(WVM_I32, 0xFFFFFFFFu), "-1");
    cr_assert_str_eq(fmt(WVM_I32, 0x80000000u), "-2147483648");
    cr_assert_str_eq(fmt(WVM_I32, 2971215073u), "-1323752223");
    cr_assert_str_eq(fmt(WVM_I64, 0x8000000000000000ull), "-9223372036854775808");
    cr_assert_str_eq(fmt(WVM_I64, 0x7FFFFFFFFFFFFFFFull), "9223372036854775807");
}

Test(cli_format, floats)
{
    cr_assert_str_eq(fmt(WVM_F32, 0x3FC00000u), "1.5");
    cr_assert_str_eq(fmt(WVM_F32, 0x3DCCCCCDu), "0.100000001");
    cr_assert_str_eq(fmt(WVM_F32, 0x80000000u), "-0");
    cr_assert_str_eq(fmt(WVM_F32, 0x7F7FFFFFu), "3.40282347e+38");
    cr_assert_str_eq(fmt(WVM_F32, 0x00000001u), "1.40129846e-45");
    cr_assert_str_eq(fmt(WVM_F32, 0x7F800000u), "inf");
    cr_assert_str_eq(fmt(WVM_F32, 0xFF800000u), "-inf");
    cr_assert_str_eq(fmt(WVM_F32, 0x7FC00000u), "nan");
    cr_assert_str_eq(fmt(WVM_F32, 0xFFC00000u), "-nan");
    cr_assert_str_eq(fmt(WVM_F32, 0x7FA00000u), "nan");
    cr_assert_str_eq(fmt(WVM_F32, 0xFF800001u), "-nan");
    cr_assert_str_eq(fmt(WVM_F64, 0x3FB999999999999Aull), "0.10000000000000001");
    cr_assert_str_eq(fmt(WVM_F64, 0x4340000000000000ull), "9007199254740992");
    cr_assert_str_eq(fmt(WVM_F64, 0x8000000000000000ull), "-0");
    cr_assert_str_eq(fmt(WVM_F64, 0x0000000000000001ull), "4.9406564584124654e-324");
    cr_assert_str_eq(fmt(WVM_F64, 0x7FF0000000000000ull), "inf");
    cr_assert_str_eq(fmt(WVM_F64, 0xFFF0000000000000ull), "-inf");
    cr_assert_str_eq(fmt(WVM_F64, 0x7FF8000000000000ull), "nan");
    cr_assert_str_eq(fmt(WVM_F64, 0xFFF4000000000000ull), "-nan");
}

Test(cli_format, floats_round_trip)
{
    uint32_t b32[] = {0x3F800001u, 0x3DCCCCCDu, 0x00000001u, 0x007FFFFFu, 0x7F7FFFFFu,
                      0xC2F6E979u, 0x4B800001u, 0x33D6BF95u};
    for (size_t i = 0; i < sizeof b32 / sizeof b32[0]; i++) {
        uint32_t back = 0;
        cr_assert_eq(cli_parse_f32(fmt(WVM_F32, b32[i]), &back), CLI_PARSE_OK);
        cr_assert_eq(back, b32[i], "f32 0x%08x -> %s -> 0x%08x", b32[i], fmt(WVM_F32, b32[i]),
                     back);
    }
    uint64_t b64[] = {0x3FF0000000000001ull, 0x3FB999999999999Aull, 0x0000000000000001ull,
                      0x000FFFFFFFFFFFFFull, 0x7FEFFFFFFFFFFFFFull, 0xC00921FB54442D18ull};
    for (size_t i = 0; i < sizeof b64 / sizeof b64[0]; i++) {
        uint64_t back = 0;
        cr_assert_eq(cli_parse_f64(fmt(WVM_F64, b64[i]), &back), CLI_PARSE_OK);
        cr_assert_eq(back, b64[i]);
    }
}

Test(cli_format, references)
{
    cr_assert_str_eq(fmt(WVM_FUNCREF, 0), "null");
    cr_assert_str_eq(fmt(WVM_FUNCREF, 1), "ref");
    cr_assert_str_eq(fmt(WVM_EXTERNREF, 0), "null");
    cr_assert_str_eq(fmt(WVM_EXTERNREF, 1), "ref");
}

Test(cli_format, signatures)
{
    char buf[64];
    const wvm_valkind p[] = {WVM_I32, WVM_I64, WVM_EXTERNREF};
    const wvm_valkind r[] = {WVM_F32};
    cli_format_signature(p, 3, r, 1, buf, sizeof buf);
    cr_assert_str_eq(buf, "[i32 i64 externref] -> [f32]");
    cli_format_signature(NULL, 0, NULL, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "[] -> []");
    char small[12];
    cli_format_signature(p, 3, r, 1, small, sizeof small);
    cr_assert_str_eq(small, "[i32 i64...");
    wvm_valkind many[100];
    for (size_t i = 0; i < 100; i++)
        many[i] = WVM_F64;
    cli_format_signature(many, 100, many, 100, buf, sizeof buf);
    cr_assert_eq(strlen(buf), sizeof buf - 1);
    cr_assert_str_eq(buf + sizeof buf - 4, "...");
}

static wvm_error make_error(wvm_status status, uint64_t offset, uint32_t func,
                            const char *message)
{
    wvm_error e;
    memset(&e, 0, sizeof e);
    e.status = status;
    e.offset = offset;
    e.func_index = func;
    snprintf(e.message, sizeof e.message, "%s", message);
    return e;
}

Test(cli_format, errors)
{
    char buf[512];
    wvm_error e = make_error(WVM_ERR_MALFORMED, 0x1a, WVM_NO_FUNC, "magic header not detected");
    cli_format_error(&e, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "magic header not detected at offset 0x1a");
    cli_format_error(&e, false, buf, sizeof buf);
    cr_assert_str_eq(buf, "magic header not detected");

    e = make_error(WVM_ERR_INVALID, 0x40, 3, "type mismatch");
    cli_format_error(&e, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "type mismatch at offset 0x40 in function 3");

    e = make_error(WVM_ERR_INVALID, 0x40, 0, "");
    cli_format_error(&e, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "invalid module at offset 0x40 in function 0");

    e = make_error(WVM_ERR_MALFORMED, 0x9, 2, "bad thing at offset 0x9 in function 2");
    cli_format_error(&e, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "bad thing at offset 0x9 in function 2");

    e = make_error(WVM_ERR_UNLINKABLE, 0, WVM_NO_FUNC, "unknown import env.f");
    cli_format_error(&e, false, buf, sizeof buf);
    cr_assert_str_eq(buf, "unknown import env.f");

    e = make_error(WVM_ERR_TRAP, 0x55, 1, "unreachable in function fib at offset 0x55");
    cli_format_error(&e, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "trap: unreachable in function fib at offset 0x55");
}

Test(cli_format, error_message_without_terminator)
{
    wvm_error e = make_error(WVM_ERR_INVALID, 0x1, WVM_NO_FUNC, "");
    memset(e.message, 'x', sizeof e.message); /* no NUL anywhere */
    char buf[512];
    cli_format_error(&e, true, buf, sizeof buf);
    cr_assert_eq(strlen(buf), sizeof e.message + strlen(" at offset 0x1"));
    char tiny[16];
    cli_format_error(&e, true, tiny, sizeof tiny);
    cr_assert_eq(strlen(tiny), sizeof tiny - 1);
}

/* ---- command line ---- */

#define ARGV(...) ((char *[]){"wvm", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"wvm", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(opts, msg, ...)                                                                   \
    cli_parse_options(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (opts), (msg), sizeof(msg))

Test(cli_options, run)
{
    cli_options o;
    char msg[128];
    cr_assert_eq(PARSE(&o, msg, "run", "fib.wasm"), CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_RUN);
    cr_assert_str_eq(o.file, "fib.wasm");
    cr_assert_null(o.invoke);
    cr_assert_eq(o.nargs, 0);

    /* o.args points into argv, so argv must outlive the checks (not a compound literal
     * inside an assertion's block). */
    char *argv1[] = {"wvm", "run", "fib.wasm", "--invoke", "fib", "46", NULL};
    cr_assert_eq(cli_parse_options(6, argv1, &o, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_str_eq(o.file, "fib.wasm");
    cr_assert_str_eq(o.invoke, "fib");
    cr_assert_eq(o.nargs, 1);
    cr_assert_str_eq(o.args[0], "46");

    /* After NAME come the arguments, even when they look like options (-1, -inf), and
     * --help (which is not taken as a trailing option). */
    char *argv2[] = {"wvm", "run", "m.wasm", "--invoke", "f", "-1", "--help", "-inf", NULL};
    cr_assert_eq(cli_parse_options(8, argv2, &o, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(o.args, argv2 + 5);
    cr_assert_eq(o.command, CLI_CMD_RUN);
    cr_assert_eq(o.nargs, 3);
    cr_assert_str_eq(o.args[0], "-1");
    cr_assert_str_eq(o.args[1], "--help");
    cr_assert_str_eq(o.args[2], "-inf");

    cr_assert_eq(PARSE(&o, msg, "run", "m.wasm", "--invoke=f"), CLI_PARSE_OK);
    cr_assert_str_eq(o.invoke, "f");
    cr_assert_eq(o.nargs, 0);

    cr_assert_eq(PARSE(&o, msg, "run", "--invoke", "f", "m.wasm"), CLI_PARSE_SYNTAX,
                 "FILE must precede --invoke");
    cr_assert_str_eq(msg, "missing FILE operand");

    cr_assert_eq(PARSE(&o, msg, "run", "--", "-odd-name.wasm"), CLI_PARSE_OK);
    cr_assert_str_eq(o.file, "-odd-name.wasm");
    cr_assert_eq(PARSE(&o, msg, "run", "-"), CLI_PARSE_OK);
    cr_assert_str_eq(o.file, "-");
}

Test(cli_options, validate_help_version)
{
    cli_options o;
    char msg[128];
    cr_assert_eq(PARSE(&o, msg, "validate", "x.wasm"), CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_VALIDATE);
    cr_assert_str_eq(o.file, "x.wasm");
    cr_assert_eq(PARSE(&o, msg, "--help"), CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_HELP);
    cr_assert_eq(PARSE(&o, msg, "-h"), CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_HELP);
    cr_assert_eq(PARSE(&o, msg, "run", "--help"), CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_HELP);
    cr_assert_eq(PARSE(&o, msg, "validate", "x.wasm", "--help"), CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_HELP);
    cr_assert_eq(PARSE(&o, msg, "--version"), CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_VERSION);
}

Test(cli_options, usage_errors)
{
    cli_options o;
    char msg[128];
    cr_assert_eq(cli_parse_options(1, ARGV(NULL), &o, msg, sizeof msg), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "missing command");
    cr_assert_eq(PARSE(&o, msg, "frobnicate"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown command 'frobnicate'");
    cr_assert_eq(PARSE(&o, msg, "--frobnicate"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown option '--frobnicate'");
    cr_assert_eq(PARSE(&o, msg, "--version", "x"), CLI_PARSE_SYNTAX);
    cr_assert_eq(PARSE(&o, msg, "run"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "missing FILE operand");
    cr_assert_eq(PARSE(&o, msg, "validate"), CLI_PARSE_SYNTAX);
    cr_assert_eq(PARSE(&o, msg, "run", "a.wasm", "b.wasm"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unexpected argument 'b.wasm'");
    cr_assert_eq(PARSE(&o, msg, "validate", "a.wasm", "--fuel", "10"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown option '--fuel'");
    cr_assert_eq(PARSE(&o, msg, "run", "a.wasm", "--invoke"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --invoke needs a value");
    cr_assert_eq(PARSE(&o, msg, "run", "a.wasm", "--invoke="), CLI_PARSE_SYNTAX);
    cr_assert_eq(PARSE(&o, msg, "run", "a.wasm", "--invokefib"), CLI_PARSE_SYNTAX);
    cr_assert_eq(PARSE(&o, msg, "run", "a.wasm", "--help=1"), CLI_PARSE_SYNTAX);
    cr_assert_eq(PARSE(&o, msg, "validate", "a.wasm", "--invoke", "f"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown option '--invoke'");
    cr_assert_eq(PARSE(&o, msg, "run", "-x", "a.wasm"), CLI_PARSE_SYNTAX);
}

Test(cli_options, fuel)
{
    cli_options o;
    char msg[256];
    cr_assert_eq(PARSE(&o, msg, "run", "fib.wasm"), CLI_PARSE_OK);
    cr_assert_eq(o.metering, WVM_METER_OFF);
    cr_assert_eq(o.fuel, 0);
    cr_assert_null(o.cost_model);
    cr_assert_eq(o.report_fuel, false);

    cr_assert_eq(PARSE(&o, msg, "run", "fib.wasm", "--fuel", "1e9"), CLI_PARSE_OK);
    cr_assert_eq(o.metering, WVM_METER_NATIVE);
    cr_assert_eq(o.fuel, 1000000000ull);
    cr_assert_null(o.cost_model);
    cr_assert_eq(o.report_fuel, false);

    cr_assert_eq(PARSE(&o, msg, "run", "--fuel=1_000", "fib.wasm"), CLI_PARSE_OK);
    cr_assert_eq(o.metering, WVM_METER_NATIVE);
    cr_assert_eq(o.fuel, 1000);
    cr_assert_str_eq(o.file, "fib.wasm");

    cr_assert_eq(PARSE(&o, msg, "run", "fib.wasm", "--fuel", "0"), CLI_PARSE_OK);
    cr_assert_eq(o.metering, WVM_METER_NATIVE, "zero fuel still meters");
    cr_assert_eq(o.fuel, 0);

    cr_assert_eq(PARSE(&o, msg, "run", "fib.wasm", "--fuel", "18446744073709551615"),
                 CLI_PARSE_OK);
    cr_assert_eq(o.fuel, UINT64_MAX);
    cr_assert_eq(o.meter_given, false, "--fuel alone leaves the mode to wvm run");
}

Test(cli_options, meter_modes)
{
    cli_options o;
    char msg[256];
    static const struct {
        char *name;
        wvm_meter_mode mode;
    } modes[] = {
        {"native", WVM_METER_NATIVE},
        {"reference", WVM_METER_REFERENCE},
        {"instrument", WVM_METER_INSTRUMENT},
        {"premetered", WVM_METER_PREMETERED},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        /* Before and after --fuel, in both spellings. */
        cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1e9", "--meter", modes[i].name),
                     CLI_PARSE_OK, "%s", msg);
        cr_assert_eq(o.metering, modes[i].mode, "--meter %s", modes[i].name);
        cr_assert_eq(o.meter_given, true);
        char inline_form[64];
        snprintf(inline_form, sizeof inline_form, "--meter=%s", modes[i].name);
        cr_assert_eq(PARSE(&o, msg, "run", inline_form, "x.wasm", "--fuel=7"), CLI_PARSE_OK,
                     "%s", msg);
        cr_assert_eq(o.metering, modes[i].mode, "%s before --fuel", inline_form);
        cr_assert_eq(o.meter_given, true);
        cr_assert_eq(o.fuel, 7);
        /* Still needs --fuel. */
        cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--meter", modes[i].name),
                     CLI_PARSE_SYNTAX);
        cr_assert_str_eq(msg, "--meter needs --fuel");
    }
    /* Not an option of the other commands. */
    cr_assert_eq(PARSE(&o, msg, "instrument", "x.wasm", "-o", "y.wasm", "--meter", "native"),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown option '--meter'");
}

Test(cli_options, fuel_combinations)
{
    cli_options o;
    char msg[256];
    /* Everything, split around FILE, then --invoke with an argument that looks like an
     * option. */
    char *argv1[] = {"wvm",          "run",      "--meter", "reference", "--fuel",
                     "1.5e6",        "fib.wasm", "--cost-model=uniform", "--report-fuel",
                     "--invoke",     "fib",      "-46", NULL};
    cr_assert_eq(cli_parse_options(12, argv1, &o, msg, sizeof msg), CLI_PARSE_OK, "%s", msg);
    cr_assert_eq(o.metering, WVM_METER_REFERENCE, "--meter before --fuel is kept");
    cr_assert_eq(o.fuel, 1500000);
    cr_assert_str_eq(o.cost_model, "uniform");
    cr_assert_eq(o.report_fuel, true);
    cr_assert_str_eq(o.file, "fib.wasm");
    cr_assert_str_eq(o.invoke, "fib");
    cr_assert_eq(o.nargs, 1);
    cr_assert_str_eq(o.args[0], "-46");

    cr_assert_eq(PARSE(&o, msg, "run", "--fuel", "5", "--meter", "reference", "x.wasm"),
                 CLI_PARSE_OK);
    cr_assert_eq(o.metering, WVM_METER_REFERENCE, "--meter after --fuel applies");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--meter=native", "--fuel=5"), CLI_PARSE_OK);
    cr_assert_eq(o.metering, WVM_METER_NATIVE);

    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "9", "--cost-model", "costs.txt"),
                 CLI_PARSE_OK);
    cr_assert_str_eq(o.cost_model, "costs.txt");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "9", "--cost-model", "default"),
                 CLI_PARSE_OK);
    cr_assert_str_eq(o.cost_model, "default");
    /* A value that starts with '-' is still the option's value. */
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "9", "--cost-model", "-c.txt"),
                 CLI_PARSE_OK);
    cr_assert_str_eq(o.cost_model, "-c.txt");

    cr_assert_eq(PARSE(&o, msg, "run", "--report-fuel", "x.wasm", "--fuel", "9"),
                 CLI_PARSE_OK);
    cr_assert_eq(o.report_fuel, true);
    cr_assert_null(o.invoke);

    /* After "--" option-like words are operands; --fuel before it still counts. */
    cr_assert_eq(PARSE(&o, msg, "run", "--fuel", "7", "--", "--report-fuel"), CLI_PARSE_OK);
    cr_assert_str_eq(o.file, "--report-fuel");
    cr_assert_eq(o.report_fuel, false);

    /* --help wins over everything, even over a later bad value. */
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--report-fuel", "--help", "--fuel", "x"),
                 CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_HELP);
}

Test(cli_options, fuel_errors)
{
    cli_options o;
    char msg[256];
    /* char *, not const: the values go into an argv. */
    static const struct {
        char *value;
        const char *message;
    } bad[] = {
        {"1.25e1", "--fuel: '1.25e1' is not a whole number"},
        {"1e-3", "--fuel: '1e-3' is not a whole number"},
        {"-5", "--fuel: '-5' is negative"},
        {"1e20", "--fuel: '1e20' is too large (the maximum is 18446744073709551615)"},
        {"18446744073709551616",
         "--fuel: '18446744073709551616' is too large (the maximum is 18446744073709551615)"},
        {"abc", "--fuel: 'abc' is not a number (expected a whole number such as 1000000, "
                "1_000_000 or 1e9)"},
        {"", "--fuel: '' is not a number (expected a whole number such as 1000000, "
             "1_000_000 or 1e9)"},
        {"1e", "--fuel: '1e' is not a number (expected a whole number such as 1000000, "
               "1_000_000 or 1e9)"},
        {"1__0", "--fuel: '1__0' is not a number (expected a whole number such as 1000000, "
                 "1_000_000 or 1e9)"},
        {"_1", "--fuel: '_1' is not a number (expected a whole number such as 1000000, "
               "1_000_000 or 1e9)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", bad[i].value), CLI_PARSE_SYNTAX,
                     "--fuel '%s' accepted", bad[i].value);
        cr_assert_str_eq(msg, bad[i].message);
    }
    /* The inline form reports the same. */
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel=-5"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "--fuel: '-5' is negative");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel="), CLI_PARSE_SYNTAX);
    cr_assert_eq(strncmp(msg, "--fuel: '' is not a number", 26), 0);

    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --fuel needs a value");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--fuel", "2"),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --fuel given more than once");
    cr_assert_eq(PARSE(&o, msg, "run", "--fuel", "1", "x.wasm", "--fuel=1"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --fuel given more than once");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel1"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown option '--fuel1'");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fue", "1"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown option '--fue'");
    /* Run options may follow the function's arguments: the first one ends them. */
    char *trailing[] = {"wvm", "run", "x.wasm", "--invoke", "f", "7", "--fuel", "1", NULL};
    cr_assert_eq(cli_parse_options(8, trailing, &o, msg, sizeof msg), CLI_PARSE_OK);
    cr_assert_eq(o.metering, WVM_METER_NATIVE);
    cr_assert_eq(o.fuel, 1);
    cr_assert_eq(o.nargs, 1);
    cr_assert_str_eq(o.args[0], "7");
    /* Nothing but options may follow them. */
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--invoke", "f", "--fuel", "1", "7"),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unexpected argument '7'");
}

Test(cli_options, meter_cost_model_report_errors)
{
    cli_options o;
    char msg[256];
    const char *modes = "(expected native, reference, instrument or premetered)";
    char want[256];
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--meter", "instrumented"),
                 CLI_PARSE_SYNTAX);
    snprintf(want, sizeof want, "--meter: unknown mode 'instrumented' %s", modes);
    cr_assert_str_eq(msg, want);
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--meter", "Native"),
                 CLI_PARSE_SYNTAX);
    snprintf(want, sizeof want, "--meter: unknown mode 'Native' %s", modes);
    cr_assert_str_eq(msg, want);
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--meter="), CLI_PARSE_SYNTAX);
    snprintf(want, sizeof want, "--meter: unknown mode '' %s", modes);
    cr_assert_str_eq(msg, want);
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--meter", "pre-metered"),
                 CLI_PARSE_SYNTAX);
    snprintf(want, sizeof want, "--meter: unknown mode 'pre-metered' %s", modes);
    cr_assert_str_eq(msg, want);
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--meter"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --meter needs a value");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--meter", "native", "--meter",
                       "native"),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --meter given more than once");

    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--cost-model="),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "--cost-model needs default, uniform or a file name");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--cost-model"),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --cost-model needs a value");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--report-fuel",
                       "--report-fuel"),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "option --report-fuel given more than once");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--fuel", "1", "--report-fuel=yes"),
                 CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "unknown option '--report-fuel=yes'");

    /* Without --fuel each of them would silently do nothing. */
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--cost-model", "uniform"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "--cost-model needs --fuel");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--meter", "reference"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "--meter needs --fuel");
    cr_assert_eq(PARSE(&o, msg, "run", "--report-fuel", "x.wasm"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "--report-fuel needs --fuel");
    cr_assert_eq(PARSE(&o, msg, "run", "x.wasm", "--report-fuel", "--invoke", "f", "--fuel",
                       "1"),
                 CLI_PARSE_OK, "a --fuel after the arguments counts: %s", msg);
    cr_assert(o.report_fuel && o.metering == WVM_METER_NATIVE);
    cr_assert_eq(PARSE(&o, msg, "run", "--report-fuel"), CLI_PARSE_SYNTAX);
    cr_assert_str_eq(msg, "missing FILE operand");

    /* Fuel options belong to run only. */
    char *run_only[] = {"--meter=native", "--cost-model=uniform", "--report-fuel"};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(PARSE(&o, msg, "validate", "x.wasm", run_only[i]), CLI_PARSE_SYNTAX);
        cr_assert_eq(strncmp(msg, "unknown option", 14), 0);
    }
}

Test(cli_options, option_names)
{
    /* Used to explain an option misplaced after --invoke NAME. */
    cr_assert_str_eq(cli_option_name(CLI_CMD_RUN, "--fuel"), "--fuel");
    cr_assert_str_eq(cli_option_name(CLI_CMD_RUN, "--fuel=1e9"), "--fuel");
    cr_assert_str_eq(cli_option_name(CLI_CMD_RUN, "--report-fuel"), "--report-fuel");
    cr_assert_str_eq(cli_option_name(CLI_CMD_RUN, "--cost-model=x"), "--cost-model");
    cr_assert_str_eq(cli_option_name(CLI_CMD_RUN, "--meter"), "--meter");
    cr_assert_null(cli_option_name(CLI_CMD_RUN, "--report-fuel=1"));
    cr_assert_null(cli_option_name(CLI_CMD_RUN, "--fuelx"));
    cr_assert_null(cli_option_name(CLI_CMD_RUN, "-1"));
    cr_assert_null(cli_option_name(CLI_CMD_RUN, "46"));
    cr_assert_null(cli_option_name(CLI_CMD_VALIDATE, "--fuel"));
}

/* ---- instrument ---- */

Test(cli_instrument, defaults)
{
    cli_options o;
    char msg[256];
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm"), CLI_PARSE_OK, "%s",
                 msg);
    cr_assert_eq(o.command, CLI_CMD_INSTRUMENT);
    cr_assert_str_eq(o.file, "in.wasm");
    cr_assert_str_eq(o.output, "out.wasm");
    cr_assert_eq(o.backend, WVM_GAS_IMPORT);
    cr_assert_null(o.cost_model);
    cr_assert_null(o.gas_module);
    cr_assert_eq(o.gas_module_len, 0);
    cr_assert_null(o.gas_name);
    cr_assert_null(o.gas_global);
    cr_assert_eq(o.gas_limit, 0);
    cr_assert_eq(o.metering, WVM_METER_OFF);
    cr_assert_null(o.invoke);

    /* -o and the options before FILE; a value starting with '-' is still the value. */
    cr_assert_eq(PARSE(&o, msg, "instrument", "-o", "-out.wasm", "--cost-model", "uniform",
                       "in.wasm"),
                 CLI_PARSE_OK, "%s", msg);
    cr_assert_str_eq(o.output, "-out.wasm");
    cr_assert_str_eq(o.file, "in.wasm");
    cr_assert_str_eq(o.cost_model, "uniform", "--cost-model needs no --fuel here");
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm", "--cost-model=c.txt"),
                 CLI_PARSE_OK);
    cr_assert_str_eq(o.cost_model, "c.txt");
    cr_assert_eq(PARSE(&o, msg, "instrument", "-o", "out.wasm", "--", "-in.wasm"), CLI_PARSE_OK);
    cr_assert_str_eq(o.file, "-in.wasm");
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm", "--help"),
                 CLI_PARSE_OK);
    cr_assert_eq(o.command, CLI_CMD_HELP);
}

Test(cli_instrument, import_backend)
{
    cli_options o;
    char msg[256];
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm", "--backend", "import",
                       "--gas-import", "metering.usegas"),
                 CLI_PARSE_OK, "%s", msg);
    cr_assert_eq(o.backend, WVM_GAS_IMPORT);
    cr_assert_eq(o.gas_module_len, 8);
    cr_assert_eq(strncmp(o.gas_module, "metering", o.gas_module_len), 0);
    cr_assert_str_eq(o.gas_name, "usegas");

    /* Split at the first '.': the function name may contain more. */
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm", "--gas-import=a.b.c"),
                 CLI_PARSE_OK, "%s", msg);
    cr_assert_eq(o.gas_module_len, 1);
    cr_assert_eq(o.gas_module[0], 'a');
    cr_assert_str_eq(o.gas_name, "b.c");
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm", "--gas-import", "e.."),
                 CLI_PARSE_OK, "%s", msg);
    cr_assert_eq(o.gas_module_len, 1);
    cr_assert_str_eq(o.gas_name, ".");
}

Test(cli_instrument, global_backend)
{
    cli_options o;
    char msg[256];
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm", "--backend", "global"),
                 CLI_PARSE_OK, "%s", msg);
    cr_assert_eq(o.backend, WVM_GAS_GLOBAL);
    cr_assert_null(o.gas_global);
    cr_assert_eq(o.gas_limit, 0);

    /* --gas-limit is parsed like --fuel; the options may come in any order. */
    static const struct {
        char *text;
        uint64_t value;
    } limits[] = {
        {"1e9", 1000000000ull},
        {"1_000_000", 1000000ull},
        {"1.5e6", 1500000ull},
        {"0", 0},
        {"18446744073709551615", UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        cr_assert_eq(PARSE(&o, msg, "instrument", "--gas-limit", limits[i].text, "--gas-global",
                           "fuel", "in.wasm", "--backend=global", "-o", "out.wasm"),
                     CLI_PARSE_OK, "%s", msg);
        cr_assert_eq(o.gas_limit, limits[i].value, "--gas-limit %s", limits[i].text);
        cr_assert_str_eq(o.gas_global, "fuel");
        cr_assert_eq(o.backend, WVM_GAS_GLOBAL);
    }
    cr_assert_eq(PARSE(&o, msg, "instrument", "in.wasm", "-o", "out.wasm", "--backend", "global",
                       "--gas-limit=42"),
                 CLI_PARSE_OK, "%s", msg);
    cr_assert_eq(o.gas_limit, 42);
}

/* PARSE must give CLI_PARSE_SYNTAX with exactly the message want. */
#define EXPECT_SYNTAX(want, ...)                                                                \
    do {                                                                                        \
        cli_options o_;                                                                         \
        char msg_[256];                                                                         \
        cr_assert_eq(PARSE(&o_, msg_, __VA_ARGS__), CLI_PARSE_SYNTAX, "accepted: %s", want);   \
        cr_assert_str_eq(msg_, want);                                                           \
    } while (0)

Test(cli_instrument, usage_errors)
{
    EXPECT_SYNTAX("missing -o OUT.wasm (the instrumented module's path)", "instrument",
                  "in.wasm");
    EXPECT_SYNTAX("missing -o OUT.wasm (the instrumented module's path)", "instrument",
                  "in.wasm", "--backend", "global");
    EXPECT_SYNTAX("missing FILE operand", "instrument", "-o", "out.wasm");
    EXPECT_SYNTAX("missing FILE operand", "instrument");
    EXPECT_SYNTAX("option -o needs a value", "instrument", "in.wasm", "-o");
    EXPECT_SYNTAX("-o needs a file name", "instrument", "in.wasm", "-o", "");
    EXPECT_SYNTAX("option -o given more than once", "instrument", "in.wasm", "-o", "a.wasm",
                  "-o", "b.wasm");
    /* A one-letter option has no -o=VALUE form, and no -oVALUE form. */
    EXPECT_SYNTAX("unknown option '-o=out.wasm'", "instrument", "in.wasm", "-o=out.wasm");
    EXPECT_SYNTAX("unknown option '-oout.wasm'", "instrument", "in.wasm", "-oout.wasm");
    EXPECT_SYNTAX("unexpected argument 'b.wasm'", "instrument", "a.wasm", "b.wasm", "-o",
                  "out.wasm");
    EXPECT_SYNTAX("option --cost-model needs a value", "instrument", "in.wasm", "-o", "out.wasm",
                  "--cost-model");
    EXPECT_SYNTAX("--cost-model needs default, uniform or a file name", "instrument", "in.wasm",
                  "-o", "out.wasm", "--cost-model=");
    EXPECT_SYNTAX("option --cost-model given more than once", "instrument", "in.wasm", "-o",
                  "out.wasm", "--cost-model", "default", "--cost-model=uniform");

    /* run's options are not instrument's, and the other way round. */
    EXPECT_SYNTAX("unknown option '--fuel'", "instrument", "in.wasm", "-o", "out.wasm",
                  "--fuel", "1");
    EXPECT_SYNTAX("unknown option '--invoke'", "instrument", "in.wasm", "-o", "out.wasm",
                  "--invoke", "f");
    EXPECT_SYNTAX("unknown option '--report-fuel'", "instrument", "in.wasm", "-o", "out.wasm",
                  "--report-fuel");
    EXPECT_SYNTAX("unknown option '-o'", "run", "in.wasm", "-o", "out.wasm");
    EXPECT_SYNTAX("unknown option '-o'", "validate", "in.wasm", "-o", "out.wasm");
    EXPECT_SYNTAX("unknown option '--backend'", "run", "in.wasm", "--backend", "global");
    EXPECT_SYNTAX("unknown option '--gas-import'", "validate", "in.wasm", "--gas-import",
                  "env.gas");
    EXPECT_SYNTAX("unknown option '--gas-limit'", "run", "in.wasm", "--fuel", "1",
                  "--gas-limit", "1");
}

Test(cli_instrument, backend_errors)
{
    EXPECT_SYNTAX("--backend: unknown backend 'jit' (expected import or global)", "instrument",
                  "in.wasm", "-o", "out.wasm", "--backend", "jit");
    EXPECT_SYNTAX("--backend: unknown backend 'Global' (expected import or global)",
                  "instrument", "in.wasm", "-o", "out.wasm", "--backend", "Global");
    EXPECT_SYNTAX("--backend: unknown backend '' (expected import or global)", "instrument",
                  "in.wasm", "-o", "out.wasm", "--backend=");
    EXPECT_SYNTAX("option --backend needs a value", "instrument", "in.wasm", "-o", "out.wasm",
                  "--backend");
    EXPECT_SYNTAX("option --backend given more than once", "instrument", "in.wasm", "-o",
                  "out.wasm", "--backend", "global", "--backend", "global");

    /* Each backend's options are errors with the other backend, in any order. */
    const char *no_global = "needs --backend global (the import backend has no gas global)";
    char want[256];
    snprintf(want, sizeof want, "--gas-global %s", no_global);
    EXPECT_SYNTAX(want, "instrument", "in.wasm", "-o", "out.wasm", "--gas-global", "g");
    EXPECT_SYNTAX(want, "instrument", "in.wasm", "-o", "out.wasm", "--gas-global", "g",
                  "--backend", "import");
    snprintf(want, sizeof want, "--gas-limit %s", no_global);
    EXPECT_SYNTAX(want, "instrument", "in.wasm", "-o", "out.wasm", "--gas-limit", "1e9");
    EXPECT_SYNTAX(want, "instrument", "--backend=import", "in.wasm", "-o", "out.wasm",
                  "--gas-limit=0");
    const char *no_import =
        "--gas-import needs --backend import (the global backend imports nothing)";
    EXPECT_SYNTAX(no_import, "instrument", "in.wasm", "-o", "out.wasm", "--backend", "global",
                  "--gas-import", "env.gas");
    EXPECT_SYNTAX(no_import, "instrument", "--gas-import", "env.gas", "in.wasm", "-o",
                  "out.wasm", "--backend", "global", "--gas-limit", "5");
}

Test(cli_instrument, gas_option_errors)
{
    const char *expected = "(expected MODULE.NAME, e.g. env.gas)";
    static const struct {
        char *value;
        const char *problem;
    } bad[] = {
        {"envgas", "has no '.' between the module and the function name"},
        {"", "has no '.' between the module and the function name"},
        {".gas", "has an empty module name"},
        {".", "has an empty module name"},
        {"env.", "has an empty function name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[256];
        snprintf(want, sizeof want, "--gas-import: '%s' %s %s", bad[i].value, bad[i].problem,
                 expected);
        EXPECT_SYNTAX(want, "instrument", "in.wasm", "-o", "out.wasm", "--gas-import",
                      bad[i].value);
    }
    EXPECT_SYNTAX("option --gas-import needs a value", "instrument", "in.wasm", "-o",
                  "out.wasm", "--gas-import");
    EXPECT_SYNTAX("option --gas-import given more than once", "instrument", "in.wasm", "-o",
                  "out.wasm", "--gas-import", "a.b", "--gas-import=a.b");

    EXPECT_SYNTAX("--gas-global needs a name", "instrument", "in.wasm", "-o", "out.wasm",
                  "--backend", "global", "--gas-global", "");
    EXPECT_SYNTAX("option --gas-global given more than once", "instrument", "in.wasm", "-o",
                  "out.wasm", "--backend", "global", "--gas-global", "a", "--gas-global", "a");

    /* --gas-limit reports like --fuel. */
    static const struct {
        char *value;
        const char *message;
    } limits[] = {
        {"1.5", "--gas-limit: '1.5' is not a whole number"},
        {"-1", "--gas-limit: '-1' is negative"},
        {"+1", "--gas-limit: '+1' must be written without a sign"},
        {"1e20", "--gas-limit: '1e20' is too large (the maximum is 18446744073709551615)"},
        {"abc", "--gas-limit: 'abc' is not a number (expected a whole number such as 1000000, "
                "1_000_000 or 1e9)"},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        EXPECT_SYNTAX(limits[i].message, "instrument", "in.wasm", "-o", "out.wasm", "--backend",
                      "global", "--gas-limit", limits[i].value);
    EXPECT_SYNTAX("option --gas-limit needs a value", "instrument", "in.wasm", "-o", "out.wasm",
                  "--backend", "global", "--gas-limit");
}

Test(cli_instrument, option_names)
{
    cr_assert_str_eq(cli_option_name(CLI_CMD_INSTRUMENT, "-o"), "-o");
    cr_assert_str_eq(cli_option_name(CLI_CMD_INSTRUMENT, "--cost-model=x"), "--cost-model");
    cr_assert_str_eq(cli_option_name(CLI_CMD_INSTRUMENT, "--gas-limit=5"), "--gas-limit");
    cr_assert_str_eq(cli_option_name(CLI_CMD_INSTRUMENT, "--backend"), "--backend");
    cr_assert_null(cli_option_name(CLI_CMD_INSTRUMENT, "-o=x"));
    cr_assert_null(cli_option_name(CLI_CMD_INSTRUMENT, "--fuel"));
    cr_assert_null(cli_option_name(CLI_CMD_RUN, "-o"));
    cr_assert_null(cli_option_name(CLI_CMD_RUN, "--gas-import"));
    cr_assert_str_eq(cli_option_name(CLI_CMD_RUN, "--cost-model"), "--cost-model");
}

Test(cli_usage, help_documents_instrument)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cli_print_help(f);
    fclose(f);
    const char *needles[] = {"instrument",        "-o OUT",        "--backend KIND",
                             "import",            "global",        "--gas-import MODULE.NAME",
                             "--gas-global NAME", "--gas-limit N", "premetered",
                             "2^64-1",            "host entry"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        cr_assert_not_null(strstr(text, needles[i]), "help lacks '%s'", needles[i]);
    free(text);
}

Test(cli_usage, help_documents_fuel)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cli_print_help(f);
    fclose(f);
    const char *needles[] = {"--fuel N", "1_000_000", "1e9", "--meter MODE", "native",
                             "reference", "--cost-model MODEL", "uniform", "--report-fuel",
                             "fuel consumed: X, remaining: Y", "1 trap (including out of fuel)"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        cr_assert_not_null(strstr(text, needles[i]), "help lacks '%s'", needles[i]);
    free(text);
}

Test(cli_usage, mentions_commands)
{
    void (*printers[])(FILE *) = {cli_print_usage, cli_print_help};
    for (size_t i = 0; i < 2; i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        cr_assert_not_null(f);
        printers[i](f);
        fclose(f);
        cr_assert_not_null(
            strstr(text, "wvm run [OPTION...] FILE.wasm [OPTION...] [--invoke NAME [ARG...] [OPTION...]]"));
        cr_assert_not_null(strstr(text, "wvm validate FILE.wasm"));
        cr_assert_not_null(
            strstr(text, "wvm instrument [OPTION...] FILE.wasm -o OUT.wasm [OPTION...]"));
        cr_assert_not_null(strstr(text, "--version"));
        free(text);
    }
}
