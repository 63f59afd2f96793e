/* wasm32-wasi has no setjmp: Lua is built with LUAI_THROW trapping instead. */
typedef int jmp_buf[1];
