/* Instruction skipping from the opcode metadata (opcodes.def), and the extent of constant
 * expressions. Only the encoding is checked here; what the instructions mean is the
 * validator's business. */
#include "binary.h"
#include "opcodes.h"

/* A 2.0 memory index immediate: a single reserved 0x00 byte (not a LEB128 u32). */
static bool skip_zero_byte(wasm_reader *r)
{
    uint8_t b;
    if (!reader_u8(r, &b))
        return false;
    if (b != 0)
        return loader_fail_at(r, reader_offset(r) - 1, "zero byte expected");
    return true;
}

static bool skip_u32(wasm_reader *r)
{
    uint32_t v;
    return reader_u32(r, &v);
}

/* blocktype: 0x40, a value type (one byte), or a non-negative s33 type index. */
static bool skip_blocktype(wasm_reader *r)
{
    size_t at = reader_offset(r);
    int64_t v;
    if (!reader_sleb(r, 33, &v))
        return false;
    if (v >= 0)
        return true;
    uint8_t b = r->base[at];
    if (reader_offset(r) - at == 1) {
        if (b == 0x40 || b == WASM_I32 || b == WASM_I64 || b == WASM_F32 || b == WASM_F64 ||
            b == WASM_FUNCREF || b == WASM_EXTERNREF)
            return true;
        if (b == WASM_V128)
            return loader_fail_at(r, at, loader_msg_simd);
    }
    return loader_fail_at(r, at, "malformed block type");
}

bool loader_skip_instruction(wasm_reader *r, uint32_t *op_out)
{
    size_t at = reader_offset(r);
    uint8_t b;
    uint32_t op;
    if (!reader_u8(r, &b))
        return false;
    if (b == 0xFC) {
        uint32_t sub;
        if (!reader_u32(r, &sub))
            return false;
        if (sub >= WASM_OP_COUNT - WASM_OP_FC_BASE)
            return loader_fail_at(r, at, "illegal opcode");
        op = WASM_OP_FC_BASE + sub;
    } else if (b == 0xFD) {
        return loader_fail_at(r, at, loader_msg_simd);
    } else {
        op = b;
    }
    const wasm_op_info *info = wasm_op_lookup(op);
    if (!info)
        return loader_fail_at(r, at, "illegal opcode");
    *op_out = op;

    int64_t i64;
    int32_t i32;
    uint32_t n;
    uint8_t t;
    const uint8_t *p;
    switch ((wasm_imm_kind)info->imm) {
    case IMM_NONE:
        return true;
    case IMM_BLOCKTYPE:
        return skip_blocktype(r);
    case IMM_LABEL:
    case IMM_FUNC:
    case IMM_LOCAL:
    case IMM_GLOBAL:
    case IMM_TABLE:
    case IMM_DATA:
    case IMM_ELEM:
        return skip_u32(r);
    case IMM_BR_TABLE:
        if (!loader_read_count(r, &n))
            return false;
        for (uint32_t i = 0; i < n; i++)
            if (!skip_u32(r))
                return false;
        return skip_u32(r);
    case IMM_CALL_INDIRECT:
    case IMM_MEMARG:
    case IMM_ELEM_TABLE:
    case IMM_TABLE_TABLE:
        return skip_u32(r) && skip_u32(r);
    case IMM_SELECT_T:
        if (!loader_read_count(r, &n))
            return false;
        for (uint32_t i = 0; i < n; i++)
            if (!loader_read_valtype(r, &t))
                return false;
        return true;
    case IMM_MEMORY:
        return skip_zero_byte(r);
    case IMM_DATA_MEMORY:
        return skip_u32(r) && skip_zero_byte(r);
    case IMM_MEMORY_MEMORY:
        return skip_zero_byte(r) && skip_zero_byte(r);
    case IMM_I32:
        return reader_s32(r, &i32);
    case IMM_I64:
        return reader_s64(r, &i64);
    case IMM_F32:
        return reader_bytes(r, 4, &p);
    case IMM_F64:
        return reader_bytes(r, 8, &p);
    case IMM_REFTYPE:
        return loader_read_reftype(r, &t);
    }
    return loader_fail_at(r, at, "illegal opcode");
}

bool loader_read_constexpr(wasm_reader *r, wasm_constexpr *out)
{
    const uint8_t *start = r->pos;
    uint32_t depth = 0; /* open block/loop/if instructions */
    for (;;) {
        uint32_t op;
        if (!loader_skip_instruction(r, &op))
            return false;
        if (op == WASM_OP_block || op == WASM_OP_loop || op == WASM_OP_if) {
            depth++;
        } else if (op == WASM_OP_end) {
            if (depth == 0)
                break;
            depth--;
        }
    }
    out->code = start;
    out->len = (uint32_t)(r->pos - start);
    out->offset = (size_t)(start - r->base);
    return true;
}
