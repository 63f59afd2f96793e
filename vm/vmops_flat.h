/* Spells out the instruction families of vmops.def (those it leaves empty by default) as
 * their members, each a plain VM_OP(id, format), for the expansions that treat every opcode
 * alike: the opcode enum and the format, length and name tables. Include it right before
 * vmops.def, with VM_OP defined; vmops.def #undefs these at its end, so every expansion
 * includes this again (hence no include guard). */
#define VM_BIN(id, in, out, expr) VM_OP(id, "dss")
#define VM_BINI(id, in, out, expr) VM_OP(id, "dss") VM_OP(id##_imm, "dsi")
#define VM_UN(id, in, out, expr) VM_OP(id, "ds")
#define VM_LOAD(id, out, ctype)                                                                \
    VM_OP(id, "dsi") VM_OP(id##_ai, "dsii") VM_OP(id##_sx, "dssiii") VM_OP(id##_si, "dsiii")   \
    VM_OP(id##_k, "dii")
#define VM_STORE(id, in, ctype)                                                                \
    VM_OP(id, "ssi") VM_OP(id##_ai, "ssii") VM_OP(id##_sx, "sssiii") VM_OP(id##_si, "ssiii")   \
    VM_OP(id##_ki, "siii") VM_OP(id##_k, "sii")
