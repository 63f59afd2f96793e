/* Spec-script values: parsing wast2json's {"type", "value"} objects into wvm_val, matching
 * results against expectations (including the NaN patterns), formatting them for reports, and
 * the mapping from spec trap messages to wvm trap codes.
 *
 * wast2json writes i32/i64 as unsigned decimal strings, f32/f64 as the unsigned decimal of
 * their bit patterns (so NaN payloads survive), references as "null" or, for externref, a
 * decimal N that stands for host pointer N + 1 (keeping N = 0 distinct from null). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void *spec_externref(uint64_t n)
{
    return (void *)(uintptr_t)(n + 1);
}

/* Strict unsigned decimal: digits only, no sign, no overflow past max. */
static bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s == '\0')
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool kind_from_name(const char *name, wvm_valkind *out)
{
    static const struct {
        const char *name;
        wvm_valkind kind;
    } kinds[] = {
        {"i32", WVM_I32},         {"i64", WVM_I64},           {"f32", WVM_F32},
        {"f64", WVM_F64},         {"funcref", WVM_FUNCREF},   {"externref", WVM_EXTERNREF},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(name, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return true;
        }
    }
    return false;
}

bool spec_value_parse(const json_t *json, bool expectation, spec_value *out, char *why,
                      size_t why_len)
{
    *out = (spec_value){.match = SPEC_MATCH_EXACT};
    if (!json_is_object(json)) {
        snprintf(why, why_len, "value is not a JSON object");
        return false;
    }
    const char *type = json_string_value(json_object_get(json, "type"));
    if (type == NULL) {
        snprintf(why, why_len, "value has no \"type\"");
        return false;
    }
    if (strcmp(type, "v128") == 0) {
        snprintf(why, why_len, "v128 values are not supported (no SIMD)");
        return false;
    }
    wvm_valkind kind;
    if (!kind_from_name(type, &kind)) {
        snprintf(why, why_len, "unknown value type \"%s\"", type);
        return false;
    }
    out->val.kind = kind;
    const json_t *jv = json_object_get(json, "value");
    const char *text = json_string_value(jv);
    bool is_ref = kind == WVM_FUNCREF || kind == WVM_EXTERNREF;

    if (jv == NULL) {
        /* Only `(ref.func)` / `(ref.extern)` expectations come without a value. */
        if (expectation && is_ref) {
            out->match = SPEC_MATCH_NONNULL_REF;
            return true;
        }
        snprintf(why, why_len, "%s value has no \"value\"", type);
        return false;
    }
    if (text == NULL) {
        snprintf(why, why_len, "%s value is not a string", type);
        return false;
    }
    if (expectation && (kind == WVM_F32 || kind == WVM_F64)) {
        if (strcmp(text, "nan:canonical") == 0) {
            out->match = SPEC_MATCH_NAN_CANONICAL;
            return true;
        }
        if (strcmp(text, "nan:arithmetic") == 0) {
            out->match = SPEC_MATCH_NAN_ARITH;
            return true;
        }
    }
    if (is_ref && strcmp(text, "null") == 0) {
        if (kind == WVM_FUNCREF)
            out->val.of.funcref = NULL;
        else
            out->val.of.externref = NULL;
        return true;
    }

    uint64_t n;
    uint64_t max = (kind == WVM_I32 || kind == WVM_F32) ? UINT32_MAX : UINT64_MAX;
    if (kind == WVM_EXTERNREF)
        max = (uint64_t)UINTPTR_MAX - 1;
    if (!parse_decimal(text, max, &n)) {
        snprintf(why, why_len, "bad %s value \"%s\"", type, text);
        return false;
    }
    switch (kind) {
    case WVM_I32: out->val.of.i32 = (int32_t)(uint32_t)n; break;
    case WVM_I64: out->val.of.i64 = (int64_t)n; break;
    case WVM_F32: out->val.of.f32_bits = (uint32_t)n; break;
    case WVM_F64: out->val.of.f64_bits = n; break;
    case WVM_EXTERNREF: out->val.of.externref = spec_externref(n); break;
    case WVM_FUNCREF:
        /* Function identity cannot be named in a script: only non-null is checkable. */
        if (!expectation) {
            snprintf(why, why_len, "a non-null funcref argument cannot be built");
            return false;
        }
        out->match = SPEC_MATCH_NONNULL_REF;
        break;
    }
    return true;
}

bool spec_value_matches(const spec_value *expected, const wvm_val *got)
{
    if (got->kind != expected->val.kind)
        return false;
    switch (expected->match) {
    case SPEC_MATCH_NAN_CANONICAL:
        if (got->kind == WVM_F32)
            return (got->of.f32_bits & 0x7fffffffu) == 0x7fc00000u;
        if (got->kind == WVM_F64)
            return (got->of.f64_bits & UINT64_C(0x7fffffffffffffff)) ==
                   UINT64_C(0x7ff8000000000000);
        return false;
    case SPEC_MATCH_NAN_ARITH:
        if (got->kind == WVM_F32)
            return (got->of.f32_bits & 0x7fc00000u) == 0x7fc00000u;
        if (got->kind == WVM_F64)
            return (got->of.f64_bits & UINT64_C(0x7ff8000000000000)) ==
                   UINT64_C(0x7ff8000000000000);
        return false;
    case SPEC_MATCH_NONNULL_REF:
        if (got->kind == WVM_FUNCREF)
            return got->of.funcref != NULL;
        if (got->kind == WVM_EXTERNREF)
            return got->of.externref != NULL;
        return false;
    case SPEC_MATCH_EXACT:
        break;
    }
    switch (got->kind) {
    case WVM_I32: return got->of.i32 == expected->val.of.i32;
    case WVM_I64: return got->of.i64 == expected->val.of.i64;
    case WVM_F32: return got->of.f32_bits == expected->val.of.f32_bits;
    case WVM_F64: return got->of.f64_bits == expected->val.of.f64_bits;
    case WVM_FUNCREF: return got->of.funcref == expected->val.of.funcref;
    case WVM_EXTERNREF: return got->of.externref == expected->val.of.externref;
    }
    return false;
}

void spec_value_format(const wvm_val *val, char *buf, size_t len)
{
    switch (val->kind) {
    case WVM_I32:
        snprintf(buf, len, "i32:%" PRIu32, (uint32_t)val->of.i32);
        return;
    case WVM_I64:
        snprintf(buf, len, "i64:%" PRIu64, (uint64_t)val->of.i64);
        return;
    case WVM_F32:
        snprintf(buf, len, "f32:0x%08" PRIx32 " (%.9g)", val->of.f32_bits, (double)val->of.f32);
        return;
    case WVM_F64:
        snprintf(buf, len, "f64:0x%016" PRIx64 " (%.17g)", val->of.f64_bits, val->of.f64);
        return;
    case WVM_FUNCREF:
        snprintf(buf, len, "funcref:%s", val->of.funcref ? "non-null" : "null");
        return;
    case WVM_EXTERNREF:
        if (val->of.externref == NULL)
            snprintf(buf, len, "externref:null");
        else
            snprintf(buf, len, "externref:%" PRIuPTR, (uintptr_t)val->of.externref - 1);
        return;
    }
    snprintf(buf, len, "<bad kind 0x%x>", (unsigned)val->kind);
}

void spec_expected_format(const spec_value *expected, char *buf, size_t len)
{
    const char *type = expected->val.kind == WVM_F32 ? "f32" : "f64";
    switch (expected->match) {
    case SPEC_MATCH_NAN_CANONICAL:
        snprintf(buf, len, "%s:nan:canonical", type);
        return;
    case SPEC_MATCH_NAN_ARITH:
        snprintf(buf, len, "%s:nan:arithmetic", type);
        return;
    case SPEC_MATCH_NONNULL_REF:
        snprintf(buf, len, "%s:non-null",
                 expected->val.kind == WVM_FUNCREF ? "funcref" : "externref");
        return;
    case SPEC_MATCH_EXACT:
        break;
    }
    spec_value_format(&expected->val, buf, len);
}

bool spec_trap_from_text(const char *text, wvm_trap_code *out)
{
    static const struct {
        const char *prefix;
        wvm_trap_code code;
    } traps[] = {
        {"unreachable", WVM_TRAP_UNREACHABLE},
        {"out of bounds memory access", WVM_TRAP_MEMORY_OUT_OF_BOUNDS},
        {"out of bounds table access", WVM_TRAP_TABLE_OUT_OF_BOUNDS},
        {"undefined element", WVM_TRAP_TABLE_OUT_OF_BOUNDS},
        {"uninitialized element", WVM_TRAP_INDIRECT_CALL_TO_NULL},
        {"indirect call type mismatch", WVM_TRAP_BAD_SIGNATURE},
        {"integer divide by zero", WVM_TRAP_INT_DIVIDE_BY_ZERO},
        {"integer overflow", WVM_TRAP_INT_OVERFLOW},
        {"invalid conversion to integer", WVM_TRAP_INVALID_CONVERSION},
        {"call stack exhausted", WVM_TRAP_STACK_OVERFLOW},
        {"out of fuel", WVM_TRAP_OUT_OF_FUEL},
    };
    if (text == NULL)
        return false;
    for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++) {
        if (strncmp(text, traps[i].prefix, strlen(traps[i].prefix)) == 0) {
            *out = traps[i].code;
            return true;
        }
    }
    return false;
}

const char *spec_status_name(wvm_status status)
{
    switch (status) {
    case WVM_OK: return "WVM_OK";
    case WVM_ERR_MALFORMED: return "WVM_ERR_MALFORMED";
    case WVM_ERR_INVALID: return "WVM_ERR_INVALID";
    case WVM_ERR_UNLINKABLE: return "WVM_ERR_UNLINKABLE";
    case WVM_ERR_TRAP: return "WVM_ERR_TRAP";
    case WVM_ERR_NOMEM: return "WVM_ERR_NOMEM";
    case WVM_ERR_UNSUPPORTED: return "WVM_ERR_UNSUPPORTED";
    case WVM_ERR_USAGE: return "WVM_ERR_USAGE";
    case WVM_ERR_IO: return "WVM_ERR_IO";
    }
    return "WVM_ERR_<unknown>";
}
