/* Small binary-format readers shared by the decoder and the validator (see binary.h):
 * lengths, names, value/reference types, limits, and reader-error conversion. */
#include "binary.h"

#include <string.h>

const char loader_msg_simd[] = "SIMD is not supported";
const char loader_msg_shared_memory[] = "shared memories are not supported";
const char loader_msg_too_many_locals[] = "too many locals (implementation limit 50000)";
const char loader_msg_locals_budget[] = "too many locals in module (implementation limit)";

wasm_status loader_reader_status(const wasm_reader *r, size_t file_size, wasm_error *err)
{
    const char *msg = r->error ? r->error : "malformed module";
    wasm_status status = WASM_ERR_MALFORMED;
    if (msg == loader_msg_simd || msg == loader_msg_shared_memory ||
        msg == loader_msg_too_many_locals || msg == loader_msg_locals_budget)
        status = WASM_ERR_UNSUPPORTED;
    else if (strcmp(msg, "unexpected end") == 0 && (size_t)(r->end - r->base) < file_size)
        msg = "unexpected end of section or function";
    return wasm_error_set(err, status, r->error_offset, WASM_NO_FUNC, "%s", msg);
}

bool loader_read_count(wasm_reader *r, uint32_t *n)
{
    if (!reader_u32(r, n))
        return false;
    if (*n > reader_left(r))
        return loader_fail_at(r, (size_t)(r->end - r->base), "unexpected end");
    return true;
}

bool loader_read_len(wasm_reader *r, size_t file_size, uint32_t *n)
{
    size_t at = reader_offset(r);
    if (!reader_u32(r, n))
        return false;
    size_t here = reader_offset(r);
    if (*n > file_size - here)
        return loader_fail_at(r, at, "length out of bounds");
    if (*n > reader_left(r))
        return loader_fail_at(r, (size_t)(r->end - r->base), "unexpected end");
    return true;
}

bool loader_read_name(wasm_reader *r, size_t file_size, const char **name, uint32_t *len)
{
    const uint8_t *p;
    if (!loader_read_len(r, file_size, len) || !reader_bytes(r, *len, &p))
        return false;
    size_t bad = loader_utf8_check(p, *len);
    if (bad != *len)
        return loader_fail_at(r, (size_t)(p - r->base) + bad, "malformed UTF-8 encoding");
    *name = (const char *)p;
    return true;
}

/* Type bytes are one-byte signed LEB128 values in the format: a set continuation bit makes
 * the encoding too long rather than an unknown type. */
static bool read_type_byte(wasm_reader *r, uint8_t *out)
{
    if (!reader_u8(r, out))
        return false;
    if (*out & 0x80)
        return loader_fail_at(r, reader_offset(r) - 1, "integer representation too long");
    return true;
}

bool loader_read_valtype(wasm_reader *r, uint8_t *out)
{
    if (!read_type_byte(r, out))
        return false;
    switch (*out) {
    case WASM_I32:
    case WASM_I64:
    case WASM_F32:
    case WASM_F64:
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
        return true;
    case WASM_V128:
        return loader_fail_at(r, reader_offset(r) - 1, loader_msg_simd);
    default:
        return loader_fail_at(r, reader_offset(r) - 1, "malformed value type");
    }
}

bool loader_read_reftype(wasm_reader *r, uint8_t *out)
{
    if (!read_type_byte(r, out))
        return false;
    if (!wasm_is_reftype(*out))
        return loader_fail_at(r, reader_offset(r) - 1, "malformed reference type");
    return true;
}

bool loader_read_limits(wasm_reader *r, bool memory, wasm_limits *out)
{
    uint8_t flags;
    /* the flags are a one-byte unsigned LEB128 value */
    if (!reader_u8(r, &flags))
        return false;
    size_t at = reader_offset(r) - 1;
    if (flags & 0x80)
        return loader_fail_at(r, at, "integer representation too long");
    if (memory && flags == 0x03)
        return loader_fail_at(r, at, loader_msg_shared_memory);
    if (flags > 0x01)
        return loader_fail_at(r, at, "integer too large");
    out->has_max = flags == 0x01;
    out->max = 0;
    if (!reader_u32(r, &out->min))
        return false;
    if (out->has_max && !reader_u32(r, &out->max))
        return false;
    return true;
}
