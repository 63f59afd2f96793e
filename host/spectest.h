/* The `spectest` host module the official WebAssembly test suite imports from. */
#ifndef WVM_HOST_SPECTEST_H
#define WVM_HOST_SPECTEST_H

#include "wvm.h"

/* Creates the spectest functions, globals, table and memory in store and defines them in
 * linker under module name "spectest":
 *   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64
 *     (all return nothing and print nothing),
 *   global_i32 = 666, global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6 (immutable),
 *   table: funcref {min 10, max 20}, memory: {min 1, max 2} pages. */
wvm_status spectest_define(wvm_linker *linker, wvm_store *store, wvm_error *err);

#endif
