/* --roundtrip: every binary module the runner loads goes through the loader's decoder and
 * encoder first (loader_decode, loader_encode), and the re-encoded bytes are what the file
 * then runs against. The re-encoded module must also be a fixed point of the pair:
 * encode(decode(encode(m))) == encode(m) byte for byte.
 *
 * Links the loader's internal (hidden-visibility) functions from build/libwvm.a: fine for a
 * static link, and this is a test of the loader itself rather than of the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../loader/encode.h"
#include "../loader/module.h"

/* Decodes then encodes bytes[0..len). Returns false with a reason when decoding succeeds
 * but encoding does not; *decoded tells whether decoding succeeded. */
static bool decode_encode(const uint8_t *bytes, size_t len, bool *decoded, uint8_t **out,
                          size_t *out_len, char *why, size_t why_len)
{
    wasm_module m;
    wasm_error err;
    wasm_error_clear(&err);
    *decoded = loader_decode(bytes, len, &m, &err) == WASM_OK;
    if (!*decoded)
        return true;
    wasm_status st = loader_encode(&m, out, out_len, &err);
    loader_free(&m);
    if (st != WASM_OK) {
        snprintf(why, why_len, "loader_encode failed: %s", err.message);
        return false;
    }
    return true;
}

roundtrip_outcome roundtrip_module(const uint8_t *bytes, size_t len, uint8_t **out,
                                   size_t *out_len, char *why, size_t why_len)
{
    uint8_t *again = NULL;
    size_t again_len = 0;
    bool decoded;
    *out = NULL;
    *out_len = 0;
    if (!decode_encode(bytes, len, &decoded, out, out_len, why, why_len))
        return ROUNDTRIP_FAILED;
    if (!decoded)
        return ROUNDTRIP_UNDECODABLE;
    if (!decode_encode(*out, *out_len, &decoded, &again, &again_len, why, why_len))
        goto fail;
    if (!decoded) {
        snprintf(why, why_len, "the re-encoded module does not decode");
        goto fail;
    }
    if (again_len != *out_len || memcmp(again, *out, again_len) != 0) {
        size_t at = 0;
        while (at < again_len && at < *out_len && again[at] == (*out)[at])
            at++;
        snprintf(why, why_len,
                 "re-encoding the re-encoded module differs (%zu vs %zu bytes, first "
                 "difference at byte %zu)",
                 *out_len, again_len, at);
        goto fail;
    }
    free(again);
    return ROUNDTRIP_ENCODED;

fail:
    free(again);
    free(*out);
    *out = NULL;
    *out_len = 0;
    return ROUNDTRIP_FAILED;
}
