/* Trap codes raised by the VM. The numbering equals wvm_trap_code in include/wvm.h (the
 * runtime asserts this at compile time), so codes pass through the API unchanged. */
#ifndef WVM_VM_TRAP_H
#define WVM_VM_TRAP_H

enum {
    VM_TRAP_NONE = 0,
    VM_TRAP_UNREACHABLE,
    VM_TRAP_MEMORY_OUT_OF_BOUNDS,
    VM_TRAP_TABLE_OUT_OF_BOUNDS,
    VM_TRAP_INDIRECT_CALL_TO_NULL,
    VM_TRAP_BAD_SIGNATURE,
    VM_TRAP_INT_DIVIDE_BY_ZERO,
    VM_TRAP_INT_OVERFLOW,
    VM_TRAP_INVALID_CONVERSION,
    VM_TRAP_STACK_OVERFLOW,
    VM_TRAP_OUT_OF_FUEL,
    VM_TRAP_HOST,
};

#endif
