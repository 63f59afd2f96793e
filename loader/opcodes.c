/* The operator metadata table, expanded from opcodes.def. */
#include "opcodes.h"

#define I32 WASM_SIG_I32
#define I64 WASM_SIG_I64
#define F32 WASM_SIG_F32
#define F64 WASM_SIG_F64
#define X WASM_SIG_SPECIAL
#define _ WASM_SIG_NONE

const wasm_op_info wasm_op_table[WASM_OP_COUNT] = {
#define OP(code, id, text, imm, p0, p1, r, cost) [code] = {text, imm, p0, p1, r, cost},
#define OPFC(code, id, text, imm, p0, p1, r, cost) \
    [WASM_OP_FC_BASE + (code)] = {text, imm, p0, p1, r, cost},
#include "opcodes.def"
#undef OP
#undef OPFC
};
