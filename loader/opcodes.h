/* Operator identities and metadata, expanded from opcodes.def (the one list). */
#ifndef WVM_LOADER_OPCODES_H
#define WVM_LOADER_OPCODES_H

#include <stdint.h>

/* What follows an opcode in the binary format. */
typedef enum {
    IMM_NONE,
    IMM_BLOCKTYPE,      /* s33 block type: 0x40, a value type, or a type index */
    IMM_LABEL,          /* u32 label depth */
    IMM_BR_TABLE,       /* vec(u32 label) then u32 default label */
    IMM_FUNC,           /* u32 function index */
    IMM_CALL_INDIRECT,  /* u32 type index, u32 table index */
    IMM_SELECT_T,       /* vec(valtype), length must be 1 */
    IMM_LOCAL,          /* u32 local index */
    IMM_GLOBAL,         /* u32 global index */
    IMM_TABLE,          /* u32 table index */
    IMM_MEMARG,         /* u32 alignment exponent, u32 offset */
    IMM_MEMORY,         /* u32 memory index (must be 0 without multi-memory) */
    IMM_I32,            /* s32 LEB */
    IMM_I64,            /* s64 LEB */
    IMM_F32,            /* 4 raw little-endian bytes */
    IMM_F64,            /* 8 raw little-endian bytes */
    IMM_REFTYPE,        /* one reference type byte */
    IMM_DATA_MEMORY,    /* u32 data index, u32 memory index */
    IMM_DATA,           /* u32 data index */
    IMM_MEMORY_MEMORY,  /* u32 destination memory, u32 source memory */
    IMM_ELEM_TABLE,     /* u32 element index, u32 table index */
    IMM_ELEM,           /* u32 element index */
    IMM_TABLE_TABLE,    /* u32 destination table, u32 source table */
} wasm_imm_kind;

/* Operator numbering: one-byte opcodes keep their byte value (0x00..0xFF); 0xFC-prefixed
 * opcodes are numbered WASM_OP_FC_BASE + their sub-opcode. */
#define WASM_OP_FC_BASE 0x100
#define WASM_OP_COUNT (WASM_OP_FC_BASE + 18)

typedef enum {
#define OP(code, id, text, imm, p0, p1, r, cost) WASM_OP_##id = (code),
#define OPFC(code, id, text, imm, p0, p1, r, cost) WASM_OP_##id = WASM_OP_FC_BASE + (code),
#include "opcodes.def"
#undef OP
#undef OPFC
} wasm_op;

/* Operand/result tokens of the signature columns. */
typedef enum {
    WASM_SIG_NONE = 0,   /* "_": no operand / no result */
    WASM_SIG_I32,
    WASM_SIG_I64,
    WASM_SIG_F32,
    WASM_SIG_F64,
    WASM_SIG_SPECIAL,    /* "X": typed by hand in the validator */
} wasm_sig_token;

typedef struct {
    const char *name;       /* text-format name; NULL for an unassigned opcode */
    uint8_t imm;            /* wasm_imm_kind */
    uint8_t p0, p1, result; /* wasm_sig_token; p1 is the top of the stack */
    uint8_t default_cost;   /* fuel under the `default` preset */
} wasm_op_info;

/* Metadata for op (a wasm_op value); entries for unassigned opcodes have name == NULL. */
extern const wasm_op_info wasm_op_table[WASM_OP_COUNT];

/* Maps an opcode byte (or 0xFC sub-opcode via WASM_OP_FC_BASE + n) to its info, or NULL
 * when the opcode is not assigned. */
static inline const wasm_op_info *wasm_op_lookup(uint32_t op)
{
    if (op >= WASM_OP_COUNT || !wasm_op_table[op].name)
        return 0;
    return &wasm_op_table[op];
}

/* log2 of the size in bytes of the memory access of a load or store op (i32.load ..
 * i64.store32), which is also its natural alignment; 0 for any other op. */
static inline uint32_t wasm_access_size_log2(uint32_t op)
{
    static const uint8_t size_log2[WASM_OP_i64_store32 - WASM_OP_i32_load + 1] = {
        2, 3, 2, 3,       /* i32/i64/f32/f64.load */
        0, 0, 1, 1,       /* i32.load8_s/u, i32.load16_s/u */
        0, 0, 1, 1, 2, 2, /* i64.load8_s/u, 16_s/u, 32_s/u */
        2, 3, 2, 3,       /* i32/i64/f32/f64.store */
        0, 1,             /* i32.store8/16 */
        0, 1, 2,          /* i64.store8/16/32 */
    };
    return op >= WASM_OP_i32_load && op <= WASM_OP_i64_store32
               ? size_log2[op - WASM_OP_i32_load]
               : 0;
}

#endif
