/* Criterion tests of the runtime layer (include/wvm.h): linking and import matching,
 * instantiation order and traps, calls through the API, host functions, globals, memories
 * and tables, and the spectest host module.
 *
 * The modules are embedded as bytes; each is shown as the text it was assembled from
 * (wat2wasm --debug-names).
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wvm.h"
#include "values.h"
#include "../host/spectest.h"

/*
 * (module
 *   (func $add (export "add") (param i32 i32) (result i32)
 *     (i32.add (local.get 0) (local.get 1)))
 *   (func $boom (export "boom") unreachable)
 *   (global (export "answer") i32 (i32.const 42))
 *   (global (export "counter") (mut i64) (i64.const 7))
 *   (memory (export "mem") 1 3))
 */
static const uint8_t wasm_add[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60,
    0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00,
    0x01, 0x05, 0x04, 0x01, 0x01, 0x01, 0x03, 0x06, 0x0b, 0x02, 0x7f, 0x00,
    0x41, 0x2a, 0x0b, 0x7e, 0x01, 0x42, 0x07, 0x0b, 0x07, 0x27, 0x05, 0x03,
    0x61, 0x64, 0x64, 0x00, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x01,
    0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x03, 0x00, 0x07, 0x63, 0x6f,
    0x75, 0x6e, 0x74, 0x65, 0x72, 0x03, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02,
    0x00, 0x0a, 0x0d, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
    0x03, 0x00, 0x00, 0x0b, 0x00, 0x1a, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01,
    0x0c, 0x02, 0x00, 0x03, 0x61, 0x64, 0x64, 0x01, 0x04, 0x62, 0x6f, 0x6f,
    0x6d, 0x02, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
};

/*
 * (module
 *   (import "env" "mem" (memory 1))
 *   (data (i32.const 0) "ok")
 *   (data (i32.const 65535) "xy"))
 */
static const uint8_t wasm_data_trap[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0c, 0x01, 0x03,
    0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x0b, 0x11,
    0x02, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x6f, 0x6b, 0x00, 0x41, 0xff, 0xff,
    0x03, 0x0b, 0x02, 0x78, 0x79, 0x00, 0x08, 0x04, 0x6e, 0x61, 0x6d, 0x65,
    0x02, 0x01, 0x00,
};

/*
 * (module
 *   (import "env" "mul" (func $mul (param i32 i64) (result i64)))
 *   (import "env" "fail" (func $fail))
 *   (func (export "run") (param i32) (result i64)
 *     (call $mul (local.get 0) (i64.const 10)))
 *   (func (export "run_fail") (call $fail)))
 */
static const uint8_t wasm_hostcall[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x03, 0x60,
    0x02, 0x7f, 0x7e, 0x01, 0x7e, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x01,
    0x7e, 0x02, 0x16, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x75, 0x6c,
    0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x66, 0x61, 0x69, 0x6c, 0x00,
    0x01, 0x03, 0x03, 0x02, 0x02, 0x01, 0x07, 0x12, 0x02, 0x03, 0x72, 0x75,
    0x6e, 0x00, 0x02, 0x08, 0x72, 0x75, 0x6e, 0x5f, 0x66, 0x61, 0x69, 0x6c,
    0x00, 0x03, 0x0a, 0x0f, 0x02, 0x08, 0x00, 0x20, 0x00, 0x42, 0x0a, 0x10,
    0x00, 0x0b, 0x04, 0x00, 0x10, 0x01, 0x0b, 0x00, 0x1e, 0x04, 0x6e, 0x61,
    0x6d, 0x65, 0x01, 0x0c, 0x02, 0x00, 0x03, 0x6d, 0x75, 0x6c, 0x01, 0x04,
    0x66, 0x61, 0x69, 0x6c, 0x02, 0x09, 0x04, 0x00, 0x00, 0x01, 0x00, 0x02,
    0x00, 0x03, 0x00,
};

/*
 * (module (import "env" "f" (func (param i32) (result i32))))
 */
static const uint8_t wasm_imp_func[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01,
    0x66, 0x00, 0x00, 0x00, 0x0a, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x03,
    0x01, 0x00, 0x00,
};

/*
 * (module (import "env" "g" (global (mut i32))))
 */
static const uint8_t wasm_imp_global[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x01, 0x03,
    0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7f, 0x01, 0x00, 0x08, 0x04, 0x6e,
    0x61, 0x6d, 0x65, 0x02, 0x01, 0x00,
};

/*
 * (module (import "env" "mem" (memory 1 2)))
 */
static const uint8_t wasm_imp_mem[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0d, 0x01, 0x03,
    0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x01, 0x01, 0x02, 0x00,
    0x08, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x01, 0x00,
};

/*
 * (module (import "env" "tab" (table 2 funcref)))
 */
static const uint8_t wasm_imp_table[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0d, 0x01, 0x03,
    0x65, 0x6e, 0x76, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x02, 0x00,
    0x08, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x01, 0x00,
};

/*
 * (module (import "env" "tab" (table 2 5 funcref)))
 */
static const uint8_t wasm_imp_table_max[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0e, 0x01, 0x03,
    0x65, 0x6e, 0x76, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x01, 0x02, 0x05,
    0x00, 0x08, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x01, 0x00,
};

/*
 * (module
 *   (import "env" "base" (global i32))
 *   (table (export "tab") 4 funcref)
 *   (memory (export "mem") 1)
 *   (global (export "g") i32 (global.get 0))
 *   (global (export "fr") funcref (ref.func $seven))
 *   (func $seven (export "seven") (result i32) (i32.const 7))
 *   (elem (global.get 0) $seven)
 *   (data (global.get 0) "\2a")
 *   (func $start (i32.store8 (i32.const 100) (i32.const 9)))
 *   (start $start))
 */
static const uint8_t wasm_init[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60,
    0x00, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e,
    0x76, 0x04, 0x62, 0x61, 0x73, 0x65, 0x03, 0x7f, 0x00, 0x03, 0x03, 0x02,
    0x00, 0x01, 0x04, 0x04, 0x01, 0x70, 0x00, 0x04, 0x05, 0x03, 0x01, 0x00,
    0x01, 0x06, 0x0b, 0x02, 0x7f, 0x00, 0x23, 0x00, 0x0b, 0x70, 0x00, 0xd2,
    0x00, 0x0b, 0x07, 0x1e, 0x05, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00, 0x03,
    0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x67, 0x03, 0x01, 0x02, 0x66, 0x72,
    0x03, 0x02, 0x05, 0x73, 0x65, 0x76, 0x65, 0x6e, 0x00, 0x00, 0x08, 0x01,
    0x01, 0x09, 0x07, 0x01, 0x00, 0x23, 0x00, 0x0b, 0x01, 0x00, 0x0a, 0x11,
    0x02, 0x04, 0x00, 0x41, 0x07, 0x0b, 0x0a, 0x00, 0x41, 0xe4, 0x00, 0x41,
    0x09, 0x3a, 0x00, 0x00, 0x0b, 0x0b, 0x07, 0x01, 0x00, 0x23, 0x00, 0x0b,
    0x01, 0x2a, 0x00, 0x1d, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x0f, 0x02,
    0x00, 0x05, 0x73, 0x65, 0x76, 0x65, 0x6e, 0x01, 0x05, 0x73, 0x74, 0x61,
    0x72, 0x74, 0x02, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
};

/*
 * (module
 *   (import "env" "tab" (table 10 funcref))
 *   (import "env" "mem" (memory 1))
 *   (func $f (result i32) (i32.const 77))
 *   (elem (i32.const 0) $f)
 *   (elem (i32.const 9) $f $f)
 *   (data (i32.const 0) "hi"))
 */
static const uint8_t wasm_seg_trap[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60,
    0x00, 0x01, 0x7f, 0x02, 0x18, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x74,
    0x61, 0x62, 0x01, 0x70, 0x00, 0x0a, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d,
    0x65, 0x6d, 0x02, 0x00, 0x01, 0x03, 0x02, 0x01, 0x00, 0x09, 0x0e, 0x02,
    0x00, 0x41, 0x00, 0x0b, 0x01, 0x00, 0x00, 0x41, 0x09, 0x0b, 0x02, 0x00,
    0x00, 0x0a, 0x07, 0x01, 0x05, 0x00, 0x41, 0xcd, 0x00, 0x0b, 0x0b, 0x08,
    0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x68, 0x69, 0x00, 0x10, 0x04, 0x6e,
    0x61, 0x6d, 0x65, 0x01, 0x04, 0x01, 0x00, 0x01, 0x66, 0x02, 0x03, 0x01,
    0x00, 0x00,
};

/*
 * (module
 *   (import "spectest" "print" (func))
 *   (import "spectest" "print_i32" (func (param i32)))
 *   (import "spectest" "print_i64" (func (param i64)))
 *   (import "spectest" "print_f32" (func (param f32)))
 *   (import "spectest" "print_f64" (func (param f64)))
 *   (import "spectest" "print_i32_f32" (func (param i32 f32)))
 *   (import "spectest" "print_f64_f64" (func (param f64 f64)))
 *   (import "spectest" "global_i32" (global i32))
 *   (import "spectest" "global_i64" (global i64))
 *   (import "spectest" "global_f32" (global f32))
 *   (import "spectest" "global_f64" (global f64))
 *   (import "spectest" "table" (table 10 20 funcref))
 *   (import "spectest" "memory" (memory 1 2))
 *   (func (export "g") (result i32) (global.get 0))
 *   (func (export "p") (call 1 (i32.const 1)) (call 6 (f64.const 1) (f64.const 2))))
 */
static const uint8_t wasm_spectest_imports[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x22, 0x08, 0x60,
    0x00, 0x00, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7e, 0x00, 0x60, 0x01,
    0x7d, 0x00, 0x60, 0x01, 0x7c, 0x00, 0x60, 0x02, 0x7f, 0x7d, 0x00, 0x60,
    0x02, 0x7c, 0x7c, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x02, 0x9c, 0x02, 0x0d,
    0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x05, 0x70, 0x72,
    0x69, 0x6e, 0x74, 0x00, 0x00, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65,
    0x73, 0x74, 0x09, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x33, 0x32,
    0x00, 0x01, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x09,
    0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x36, 0x34, 0x00, 0x02, 0x08,
    0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x09, 0x70, 0x72, 0x69,
    0x6e, 0x74, 0x5f, 0x66, 0x33, 0x32, 0x00, 0x03, 0x08, 0x73, 0x70, 0x65,
    0x63, 0x74, 0x65, 0x73, 0x74, 0x09, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f,
    0x66, 0x36, 0x34, 0x00, 0x04, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65,
    0x73, 0x74, 0x0d, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x33, 0x32,
    0x5f, 0x66, 0x33, 0x32, 0x00, 0x05, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74,
    0x65, 0x73, 0x74, 0x0d, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x66, 0x36,
    0x34, 0x5f, 0x66, 0x36, 0x34, 0x00, 0x06, 0x08, 0x73, 0x70, 0x65, 0x63,
    0x74, 0x65, 0x73, 0x74, 0x0a, 0x67, 0x6c, 0x6f, 0x62, 0x61, 0x6c, 0x5f,
    0x69, 0x33, 0x32, 0x03, 0x7f, 0x00, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74,
    0x65, 0x73, 0x74, 0x0a, 0x67, 0x6c, 0x6f, 0x62, 0x61, 0x6c, 0x5f, 0x69,
    0x36, 0x34, 0x03, 0x7e, 0x00, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65,
    0x73, 0x74, 0x0a, 0x67, 0x6c, 0x6f, 0x62, 0x61, 0x6c, 0x5f, 0x66, 0x33,
    0x32, 0x03, 0x7d, 0x00, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73,
    0x74, 0x0a, 0x67, 0x6c, 0x6f, 0x62, 0x61, 0x6c, 0x5f, 0x66, 0x36, 0x34,
    0x03, 0x7c, 0x00, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74,
    0x05, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x01, 0x70, 0x01, 0x0a, 0x14, 0x08,
    0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x06, 0x6d, 0x65, 0x6d,
    0x6f, 0x72, 0x79, 0x02, 0x01, 0x01, 0x02, 0x03, 0x03, 0x02, 0x07, 0x00,
    0x07, 0x09, 0x02, 0x01, 0x67, 0x00, 0x07, 0x01, 0x70, 0x00, 0x08, 0x0a,
    0x21, 0x02, 0x04, 0x00, 0x23, 0x00, 0x0b, 0x1a, 0x00, 0x41, 0x01, 0x10,
    0x01, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x44, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x10, 0x06, 0x0b, 0x00, 0x1a,
    0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x13, 0x09, 0x00, 0x00, 0x01, 0x00,
    0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x00,
    0x08, 0x00,
};

/*
 * (module (table (export "tab") 10 funcref) (memory (export "mem") 1))
 */
static const uint8_t wasm_table_export[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x04, 0x04, 0x01, 0x70,
    0x00, 0x0a, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x0d, 0x02, 0x03, 0x74,
    0x61, 0x62, 0x01, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x00, 0x08,
    0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x01, 0x00,
};

/*
 * (module
 *   (import "env" "sum" (func $sum (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
 *                                         i64 i64 i64 i64 i64 f32 f32 f64 f64 i32)
 *                                  (result i64)))
 *   (func (export "run") (result i64)
 *     (call $sum (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
 *                (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 10)
 *                (i64.const 11) (i64.const 12) (i64.const 13) (i64.const 14) (i64.const 15)
 *                (f32.const 16) (f32.const 17) (f64.const 18) (f64.const 19) (i32.const -1))))
 */
static const uint8_t wasm_many[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1d, 0x02, 0x60,
    0x14, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7e,
    0x7e, 0x7e, 0x7e, 0x7e, 0x7d, 0x7d, 0x7c, 0x7c, 0x7f, 0x01, 0x7e, 0x60,
    0x00, 0x01, 0x7e, 0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x73,
    0x75, 0x6d, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x07, 0x07, 0x01, 0x03,
    0x72, 0x75, 0x6e, 0x00, 0x01, 0x0a, 0x42, 0x01, 0x40, 0x00, 0x41, 0x01,
    0x41, 0x02, 0x41, 0x03, 0x41, 0x04, 0x41, 0x05, 0x41, 0x06, 0x41, 0x07,
    0x41, 0x08, 0x41, 0x09, 0x41, 0x0a, 0x42, 0x0b, 0x42, 0x0c, 0x42, 0x0d,
    0x42, 0x0e, 0x42, 0x0f, 0x43, 0x00, 0x00, 0x80, 0x41, 0x43, 0x00, 0x00,
    0x88, 0x41, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x32, 0x40, 0x44,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x33, 0x40, 0x41, 0x7f, 0x10, 0x00,
    0x0b, 0x00, 0x14, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x06, 0x01, 0x00,
    0x03, 0x73, 0x75, 0x6d, 0x02, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
};

/*
 * (module
 *   (import "env" "cb" (func $cb (param i32) (result i32)))
 *   (func (export "double") (param i32) (result i32)
 *     (i32.mul (local.get 0) (i32.const 2)))
 *   (func (export "boom") (param i32) (result i32) unreachable)
 *   (func (export "outer") (param i32) (result i32)
 *     (i32.add (call $cb (local.get 0)) (i32.const 100)))
 *   (func (export "a\00b") (result i32) (i32.const 5)))
 */
static const uint8_t wasm_reenter[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x02, 0x0a, 0x01, 0x03,
    0x65, 0x6e, 0x76, 0x02, 0x63, 0x62, 0x00, 0x00, 0x03, 0x05, 0x04, 0x00,
    0x00, 0x00, 0x01, 0x07, 0x1f, 0x04, 0x06, 0x64, 0x6f, 0x75, 0x62, 0x6c,
    0x65, 0x00, 0x01, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x02, 0x05, 0x6f,
    0x75, 0x74, 0x65, 0x72, 0x00, 0x03, 0x03, 0x61, 0x00, 0x62, 0x00, 0x04,
    0x0a, 0x1d, 0x04, 0x07, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6c, 0x0b, 0x03,
    0x00, 0x00, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0xe4, 0x00,
    0x6a, 0x0b, 0x04, 0x00, 0x41, 0x05, 0x0b, 0x00, 0x19, 0x04, 0x6e, 0x61,
    0x6d, 0x65, 0x01, 0x05, 0x01, 0x00, 0x02, 0x63, 0x62, 0x02, 0x0b, 0x05,
    0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00,
};

/* ---- fixture ---- */

static wvm_engine *engine;
static wvm_store *store;
static wvm_linker *linker;

static void rt_setup(void)
{
    engine = wvm_engine_new(NULL);
    cr_assert_not_null(engine);
    store = wvm_store_new(engine, (void *)&engine);
    cr_assert_not_null(store);
    linker = wvm_linker_new(engine);
    cr_assert_not_null(linker);
}

static void rt_teardown(void)
{
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    wvm_engine_delete(engine);
}

TestSuite(runtime, .init = rt_setup, .fini = rt_teardown);

static wvm_module *load_bytes(const uint8_t *bytes, size_t size)
{
    wvm_module *module = NULL;
    wvm_error err;
    wvm_status st = wvm_module_new(engine, bytes, size, &module, &err);
    cr_assert_eq(st, WVM_OK, "wvm_module_new: %s", err.message);
    cr_assert_not_null(module);
    return module;
}

#define LOAD(arr) load_bytes(arr, sizeof arr)

/* Instantiates and deletes the module handle (the instance keeps what it needs). */
static wvm_status instantiate(const uint8_t *bytes, size_t size, wvm_instance **out,
                              wvm_error *err)
{
    wvm_module *module = load_bytes(bytes, size);
    memset(err, 0, sizeof *err);
    wvm_status st = wvm_linker_instantiate(linker, store, module, out, err);
    wvm_module_delete(module);
    return st;
}

#define INSTANTIATE(arr, out, err) instantiate(arr, sizeof arr, out, err)

static wvm_instance *instantiate_ok(const uint8_t *bytes, size_t size)
{
    wvm_instance *inst = NULL;
    wvm_error err;
    wvm_status st = instantiate(bytes, size, &inst, &err);
    cr_assert_eq(st, WVM_OK, "instantiate: %s", err.message);
    cr_assert_not_null(inst);
    return inst;
}

#define INSTANTIATE_OK(arr) instantiate_ok(arr, sizeof arr)

static wvm_extern get_export(wvm_instance *inst, const char *name, wvm_externkind kind)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(inst, name, &ext), "no export %s", name);
    cr_assert_eq(ext.kind, kind, "export %s has kind %d", name, ext.kind);
    return ext;
}

static void define(const char *module, const char *name, wvm_extern item)
{
    wvm_error err;
    cr_assert_eq(wvm_linker_define(linker, module, name, &item, &err), WVM_OK, "%s",
                 err.message);
}

static wvm_extern ext_memory(wvm_memory *m)
{
    cr_assert_not_null(m);
    return (wvm_extern){.kind = WVM_EXTERN_MEMORY, .of.memory = m};
}

static wvm_extern ext_table(wvm_table *t)
{
    cr_assert_not_null(t);
    return (wvm_extern){.kind = WVM_EXTERN_TABLE, .of.table = t};
}

static wvm_extern ext_global(wvm_global *g)
{
    cr_assert_not_null(g);
    return (wvm_extern){.kind = WVM_EXTERN_GLOBAL, .of.global = g};
}

static wvm_extern ext_func(wvm_func *f)
{
    cr_assert_not_null(f);
    return (wvm_extern){.kind = WVM_EXTERN_FUNC, .of.func = f};
}

static wvm_trap_code host_nop(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    (void)caller, (void)args, (void)results, (void)env;
    return WVM_TRAP_NONE;
}

static wvm_func *host_func(const wvm_valkind *params, uint32_t np, const wvm_valkind *results,
                           uint32_t nr)
{
    wvm_functype t = {.nparams = np, .nresults = nr, .params = params, .results = results};
    wvm_func *f = wvm_func_new(store, &t, host_nop, NULL, NULL);
    cr_assert_not_null(f);
    return f;
}

/* Expects instantiating bytes to fail as unlinkable with a message containing `needle`. */
static void expect_unlinkable(const uint8_t *bytes, size_t size, const char *needle)
{
    wvm_instance *inst = (wvm_instance *)&inst;
    wvm_error err;
    wvm_status st = instantiate(bytes, size, &inst, &err);
    cr_assert_eq(st, WVM_ERR_UNLINKABLE, "status %d: %s", st, err.message);
    cr_assert_eq(err.status, WVM_ERR_UNLINKABLE);
    cr_assert_null(inst);
    cr_assert(strstr(err.message, needle), "message \"%s\" lacks \"%s\"", err.message, needle);
}

#define EXPECT_UNLINKABLE(arr, needle) expect_unlinkable(arr, sizeof arr, needle)

/* ---- linker: resolution errors ---- */

Test(runtime, missing_import)
{
    EXPECT_UNLINKABLE(wasm_imp_func, "unknown import: \"env\" \"f\"");
    /* The same name under another module does not count. */
    static const wvm_valkind i32[] = {WVM_I32};
    define("other", "f", ext_func(host_func(i32, 1, i32, 1)));
    EXPECT_UNLINKABLE(wasm_imp_func, "unknown import");
}

Test(runtime, import_wrong_kind)
{
    wvm_val v = val_i32(1);
    define("env", "f", ext_global(wvm_global_new(store, WVM_I32, false, &v)));
    EXPECT_UNLINKABLE(wasm_imp_func, "incompatible import type");
    /* The message names the expected type. */
    EXPECT_UNLINKABLE(wasm_imp_func, "func [i32] -> [i32]");
}

Test(runtime, import_wrong_function_type)
{
    static const wvm_valkind i32[] = {WVM_I32}, i64[] = {WVM_I64};
    define("env", "f", ext_func(host_func(i64, 1, i32, 1)));
    EXPECT_UNLINKABLE(wasm_imp_func, "incompatible import type");
    define("env", "f", ext_func(host_func(i32, 1, NULL, 0)));
    EXPECT_UNLINKABLE(wasm_imp_func, "incompatible import type");
    define("env", "f", ext_func(host_func(i32, 1, i32, 1))); /* redefinition replaces */
    wvm_instance *inst = INSTANTIATE_OK(wasm_imp_func);
    cr_assert_not_null(inst);
}

Test(runtime, import_memory_limits)
{
    /* The import is (memory 1 2). */
    define("env", "mem", ext_memory(wvm_memory_new(store, 0, 2, true)));
    EXPECT_UNLINKABLE(wasm_imp_mem, "incompatible import type"); /* min too small */
    define("env", "mem", ext_memory(wvm_memory_new(store, 1, 0, false)));
    EXPECT_UNLINKABLE(wasm_imp_mem, "incompatible import type"); /* no max */
    define("env", "mem", ext_memory(wvm_memory_new(store, 1, 3, true)));
    EXPECT_UNLINKABLE(wasm_imp_mem, "memory {min 1, max 2}"); /* max too large */
    define("env", "mem", ext_memory(wvm_memory_new(store, 3, 3, true)));
    EXPECT_UNLINKABLE(wasm_imp_mem, "incompatible import type"); /* max too large */
    wvm_val v = val_i32(0);
    define("env", "mem", ext_global(wvm_global_new(store, WVM_I32, false, &v)));
    EXPECT_UNLINKABLE(wasm_imp_mem, "incompatible import type"); /* wrong kind */

    define("env", "mem", ext_memory(wvm_memory_new(store, 1, 2, true)));
    INSTANTIATE_OK(wasm_imp_mem);
    define("env", "mem", ext_memory(wvm_memory_new(store, 2, 2, true)));
    INSTANTIATE_OK(wasm_imp_mem);
    define("env", "mem", ext_memory(wvm_memory_new(store, 1, 1, true)));
    INSTANTIATE_OK(wasm_imp_mem);

    /* Matching uses the current size: a grown memory satisfies a larger minimum. */
    wvm_memory *grown = wvm_memory_new(store, 0, 2, true);
    define("env", "mem", ext_memory(grown));
    EXPECT_UNLINKABLE(wasm_imp_mem, "incompatible import type");
    uint32_t old = 99;
    cr_assert_eq(wvm_memory_grow(grown, 1, &old), WVM_OK);
    cr_assert_eq(old, 0);
    INSTANTIATE_OK(wasm_imp_mem);
}

Test(runtime, import_table_limits)
{
    /* (table 2 funcref): any max is fine, the minimum and element type must match. */
    define("env", "tab", ext_table(wvm_table_new(store, WVM_FUNCREF, 1, 0, false, NULL)));
    EXPECT_UNLINKABLE(wasm_imp_table, "incompatible import type");
    define("env", "tab", ext_table(wvm_table_new(store, WVM_EXTERNREF, 2, 0, false, NULL)));
    EXPECT_UNLINKABLE(wasm_imp_table, "incompatible import type");
    define("env", "tab", ext_table(wvm_table_new(store, WVM_FUNCREF, 2, 0, false, NULL)));
    INSTANTIATE_OK(wasm_imp_table);
    define("env", "tab", ext_table(wvm_table_new(store, WVM_FUNCREF, 5, 7, true, NULL)));
    INSTANTIATE_OK(wasm_imp_table);

    /* (table 2 5 funcref) */
    define("env", "tab", ext_table(wvm_table_new(store, WVM_FUNCREF, 2, 0, false, NULL)));
    EXPECT_UNLINKABLE(wasm_imp_table_max, "incompatible import type");
    define("env", "tab", ext_table(wvm_table_new(store, WVM_FUNCREF, 2, 6, true, NULL)));
    EXPECT_UNLINKABLE(wasm_imp_table_max, "incompatible import type");
    define("env", "tab", ext_table(wvm_table_new(store, WVM_FUNCREF, 3, 5, true, NULL)));
    INSTANTIATE_OK(wasm_imp_table_max);
    define("env", "tab", ext_table(wvm_table_new(store, WVM_FUNCREF, 2, 4, true, NULL)));
    INSTANTIATE_OK(wasm_imp_table_max);
}

Test(runtime, import_global_type)
{
    /* (global (mut i32)): same value type and same mutability. */
    wvm_val v32 = val_i32(5), v64 = val_i64(5);
    define("env", "g", ext_global(wvm_global_new(store, WVM_I32, false, &v32)));
    EXPECT_UNLINKABLE(wasm_imp_global, "global (mut i32)");
    define("env", "g", ext_global(wvm_global_new(store, WVM_I64, true, &v64)));
    EXPECT_UNLINKABLE(wasm_imp_global, "incompatible import type");
    define("env", "g", ext_global(wvm_global_new(store, WVM_I32, true, &v32)));
    INSTANTIATE_OK(wasm_imp_global);
}

Test(runtime, import_from_other_store)
{
    wvm_store *other = wvm_store_new(engine, NULL);
    cr_assert_not_null(other);
    define("env", "mem", ext_memory(wvm_memory_new(other, 1, 2, true)));
    wvm_instance *inst;
    wvm_error err;
    cr_assert_eq(INSTANTIATE(wasm_imp_mem, &inst, &err), WVM_ERR_USAGE, "%s", err.message);
    wvm_store_delete(other);
}

/* ---- calls ---- */

Test(runtime, func_call_checks_arguments)
{
    wvm_instance *inst = INSTANTIATE_OK(wasm_add);
    wvm_func *add = get_export(inst, "add", WVM_EXTERN_FUNC).of.func;
    cr_assert_eq(wvm_func_param_count(add), 2);
    cr_assert_eq(wvm_func_result_count(add), 1);
    cr_assert_eq(wvm_func_param_kind(add, 1), WVM_I32);
    cr_assert_eq(wvm_func_result_kind(add, 0), WVM_I32);

    wvm_val args[2] = {val_i32(2), val_i32(3)};
    wvm_val res[1];
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, add, args, 1, res, 1, &err), WVM_ERR_USAGE);
    cr_assert_eq(err.status, WVM_ERR_USAGE);
    cr_assert(strstr(err.message, "arguments"), "%s", err.message);
    cr_assert_eq(wvm_func_call(store, add, args, 2, res, 0, &err), WVM_ERR_USAGE);
    cr_assert(strstr(err.message, "results"), "%s", err.message);
    cr_assert_eq(wvm_func_call(store, add, args, 2, res, 2, &err), WVM_ERR_USAGE);
    wvm_val bad[2] = {val_i32(2), val_i64(3)};
    cr_assert_eq(wvm_func_call(store, add, bad, 2, res, 1, &err), WVM_ERR_USAGE);
    cr_assert(strstr(err.message, "argument 1"), "%s", err.message);

    wvm_store *other = wvm_store_new(engine, NULL);
    cr_assert_eq(wvm_func_call(other, add, args, 2, res, 1, &err), WVM_ERR_USAGE);
    wvm_store_delete(other);

    cr_assert_eq(wvm_func_call(store, add, args, 2, res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res[0].kind, WVM_I32);
    cr_assert_eq(res[0].of.i32, 5);
    args[0] = val_i32(INT32_MAX);
    args[1] = val_i32(1);
    cr_assert_eq(wvm_func_call(store, add, args, 2, res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res[0].of.i32, INT32_MIN);
}

Test(runtime, trap_report_names_function)
{
    wvm_instance *inst = INSTANTIATE_OK(wasm_add);
    wvm_func *boom = get_export(inst, "boom", WVM_EXTERN_FUNC).of.func;
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, boom, NULL, 0, NULL, 0, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.status, WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_UNREACHABLE);
    cr_assert_eq(err.func_index, 1);
    cr_assert(strstr(err.message, "unreachable in function $boom at offset 0x") == err.message,
              "%s", err.message);
    /* The store is still usable after a trap. */
    wvm_func *add = get_export(inst, "add", WVM_EXTERN_FUNC).of.func;
    wvm_val args[2] = {val_i32(1), val_i32(2)}, res[1];
    cr_assert_eq(wvm_func_call(store, add, args, 2, res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res[0].of.i32, 3);
}

Test(runtime, trap_names)
{
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_UNREACHABLE), "unreachable");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_MEMORY_OUT_OF_BOUNDS), "out of bounds memory access");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_TABLE_OUT_OF_BOUNDS), "out of bounds table access");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_INDIRECT_CALL_TO_NULL), "uninitialized element");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_BAD_SIGNATURE), "indirect call type mismatch");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_INT_DIVIDE_BY_ZERO), "integer divide by zero");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_INT_OVERFLOW), "integer overflow");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_INVALID_CONVERSION), "invalid conversion to integer");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_STACK_OVERFLOW), "call stack exhausted");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_OUT_OF_FUEL), "out of fuel");
    cr_assert_str_eq(wvm_trap_name(WVM_TRAP_HOST), "host error");
}

/* ---- host functions ---- */

typedef struct {
    int calls;
    wvm_instance *seen_instance;
    wvm_store *seen_store;
    int finalized;
} host_env;

static wvm_trap_code host_mul(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    host_env *h = env;
    h->calls++;
    h->seen_instance = wvm_caller_instance(caller);
    h->seen_store = wvm_caller_store(caller);
    if (args[0].kind != WVM_I32 || args[1].kind != WVM_I64 || results[0].kind != WVM_I64)
        return WVM_TRAP_HOST;
    results[0].of.i64 = (int64_t)args[0].of.i32 * args[1].of.i64;
    return WVM_TRAP_NONE;
}

static wvm_trap_code host_fail(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                               void *env)
{
    (void)args, (void)results, (void)env;
    wvm_caller_set_trap_message(caller, "the host says no");
    return WVM_TRAP_HOST;
}

static void host_finalize(void *env) { ((host_env *)env)->finalized++; }

Test(runtime, host_function_called_from_wasm)
{
    static const wvm_valkind mul_params[] = {WVM_I32, WVM_I64}, mul_results[] = {WVM_I64};
    host_env h = {0};
    wvm_functype mul_type = {2, 1, mul_params, mul_results};
    wvm_functype fail_type = {0, 0, NULL, NULL};
    wvm_func *mul = wvm_func_new(store, &mul_type, host_mul, &h, NULL);
    define("env", "mul", ext_func(mul));
    define("env", "fail", ext_func(wvm_func_new(store, &fail_type, host_fail, NULL, NULL)));
    wvm_instance *inst = INSTANTIATE_OK(wasm_hostcall);

    wvm_func *run = get_export(inst, "run", WVM_EXTERN_FUNC).of.func;
    wvm_val arg = val_i32(-4), res;
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, run, &arg, 1, &res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res.kind, WVM_I64);
    cr_assert_eq(res.of.i64, -40);
    cr_assert_eq(h.calls, 1);
    cr_assert_eq(h.seen_instance, inst);
    cr_assert_eq(h.seen_store, store);
    cr_assert_eq(wvm_store_user_data(h.seen_store), (void *)&engine);

    /* Called directly by the host, there is no calling instance. */
    wvm_val args[2] = {val_i32(6), val_i64(7)};
    cr_assert_eq(wvm_func_call(store, mul, args, 2, &res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res.of.i64, 42);
    cr_assert_null(h.seen_instance);

    /* A host trap unwinds the Wasm caller and carries the host's message. */
    wvm_func *run_fail = get_export(inst, "run_fail", WVM_EXTERN_FUNC).of.func;
    cr_assert_eq(wvm_func_call(store, run_fail, NULL, 0, NULL, 0, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_HOST);
    cr_assert(strstr(err.message, "host error"), "%s", err.message);
    cr_assert(strstr(err.message, "the host says no"), "%s", err.message);

    /* ... and does not leak into the next, successful call or the next trap. */
    cr_assert_eq(wvm_func_call(store, run, &arg, 1, &res, 1, &err), WVM_OK, "%s", err.message);
}

Test(runtime, host_finalizer_runs_at_store_delete)
{
    host_env h = {0};
    wvm_functype t = {0, 0, NULL, NULL};
    wvm_store *s = wvm_store_new(engine, NULL);
    cr_assert_not_null(wvm_func_new(s, &t, host_nop, &h, host_finalize));
    cr_assert_eq(h.finalized, 0);
    wvm_store_delete(s);
    cr_assert_eq(h.finalized, 1);
}

/* cb for wasm_reenter: calls back into the calling instance ("double", or "boom" when
 * *env is nonzero) through the caller's store. */
static wvm_trap_code host_reenter(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                  void *env)
{
    int *mode = env;
    wvm_instance *inst = wvm_caller_instance(caller);
    wvm_extern ext;
    if (!inst || !wvm_instance_export(inst, *mode ? "boom" : "double", &ext))
        return WVM_TRAP_HOST;
    wvm_val r;
    wvm_error err;
    wvm_status st = wvm_func_call(wvm_caller_store(caller), ext.of.func, args, 1, &r, 1, &err);
    if (st != WVM_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "nested call failed: %s", err.message);
        wvm_caller_set_trap_message(caller, msg);
        return WVM_TRAP_HOST;
    }
    results[0].of.i32 = r.of.i32 + 1;
    return WVM_TRAP_NONE;
}

Test(runtime, host_function_reenters_wasm)
{
    static const wvm_valkind i32[] = {WVM_I32};
    int mode = 0;
    wvm_functype t = {1, 1, i32, i32};
    define("env", "cb", ext_func(wvm_func_new(store, &t, host_reenter, &mode, NULL)));
    wvm_instance *inst = INSTANTIATE_OK(wasm_reenter);
    wvm_func *outer = get_export(inst, "outer", WVM_EXTERN_FUNC).of.func;
    wvm_val arg = val_i32(5), res;
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, outer, &arg, 1, &res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res.of.i32, 111);

    mode = 1;
    cr_assert_eq(wvm_func_call(store, outer, &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_HOST);
    cr_assert(strstr(err.message, "nested call failed: unreachable in function #2 at offset 0x"), "%s",
              err.message);

    mode = 0;
    cr_assert_eq(wvm_func_call(store, outer, &arg, 1, &res, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(res.of.i32, 111);
}

Test(runtime, export_name_with_nul)
{
    define("env", "cb", ext_func(host_func((const wvm_valkind[]){WVM_I32}, 1,
                                           (const wvm_valkind[]){WVM_I32}, 1)));
    wvm_instance *inst = INSTANTIATE_OK(wasm_reenter);
    wvm_extern ext;
    cr_assert(!wvm_instance_export(inst, "a", &ext));
    cr_assert(wvm_instance_export_n(inst, "a\0b", 3, &ext));
    cr_assert_eq(ext.kind, WVM_EXTERN_FUNC);
    wvm_val r;
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, ext.of.func, NULL, 0, &r, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(r.of.i32, 5);

    /* Re-exported under the same NUL-containing name through the linker. */
    cr_assert_eq(wvm_linker_define_instance(linker, "m", inst, &err), WVM_OK, "%s", err.message);
}

static wvm_trap_code host_sum(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    (void)caller, (void)env;
    int64_t sum = 0;
    for (int i = 0; i < 20; i++) {
        switch (args[i].kind) {
        case WVM_I32:
            sum += args[i].of.i32;
            break;
        case WVM_I64:
            sum += args[i].of.i64;
            break;
        case WVM_F32:
            sum += (int64_t)args[i].of.f32;
            break;
        case WVM_F64:
            sum += (int64_t)args[i].of.f64;
            break;
        default:
            return WVM_TRAP_HOST;
        }
    }
    results[0].of.i64 = sum;
    return WVM_TRAP_NONE;
}

Test(runtime, host_function_many_values)
{
    static const wvm_valkind params[20] = {
        WVM_I32, WVM_I32, WVM_I32, WVM_I32, WVM_I32, WVM_I32, WVM_I32, WVM_I32, WVM_I32, WVM_I32,
        WVM_I64, WVM_I64, WVM_I64, WVM_I64, WVM_I64, WVM_F32, WVM_F32, WVM_F64, WVM_F64, WVM_I32,
    };
    static const wvm_valkind results[] = {WVM_I64};
    wvm_functype t = {20, 1, params, results};
    define("env", "sum", ext_func(wvm_func_new(store, &t, host_sum, NULL, NULL)));
    wvm_instance *inst = INSTANTIATE_OK(wasm_many);
    wvm_val r;
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, get_export(inst, "run", WVM_EXTERN_FUNC).of.func, NULL, 0,
                               &r, 1, &err),
                 WVM_OK, "%s", err.message);
    cr_assert_eq(r.of.i64, 189);
}

/* A host function whose result has the wrong kind traps instead of passing garbage on. */
static wvm_trap_code host_bad_result(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                     void *env)
{
    (void)caller, (void)args, (void)env;
    results[0].kind = WVM_F64;
    results[0].of.f64 = 1.0;
    return WVM_TRAP_NONE;
}

Test(runtime, host_function_bad_result_kind)
{
    static const wvm_valkind i32[] = {WVM_I32};
    wvm_functype t = {1, 1, i32, i32};
    wvm_func *f = wvm_func_new(store, &t, host_bad_result, NULL, NULL);
    cr_assert_not_null(f);
    wvm_val arg = val_i32(1), res;
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, f, &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_HOST);
    cr_assert(strstr(err.message, "result 0"), "%s", err.message);
}

/* ---- globals ---- */

Test(runtime, global_set_rules)
{
    wvm_val v = val_i32(1), out;
    wvm_error err;
    wvm_global *imm = wvm_global_new(store, WVM_I32, false, &v);
    cr_assert_not_null(imm);
    v.of.i32 = 2;
    cr_assert_eq(wvm_global_set(imm, &v, &err), WVM_ERR_USAGE);
    cr_assert_eq(err.status, WVM_ERR_USAGE);
    wvm_global_get(imm, &out);
    cr_assert_eq(out.kind, WVM_I32);
    cr_assert_eq(out.of.i32, 1);

    wvm_global *mut = wvm_global_new(store, WVM_I32, true, &v);
    wvm_val wrong = val_i64(9);
    cr_assert_eq(wvm_global_set(mut, &wrong, &err), WVM_ERR_USAGE);
    v.of.i32 = 3;
    cr_assert_eq(wvm_global_set(mut, &v, &err), WVM_OK);
    wvm_global_get(mut, &out);
    cr_assert_eq(out.of.i32, 3);

    /* Exported globals follow their declared mutability. */
    wvm_instance *inst = INSTANTIATE_OK(wasm_add);
    wvm_global *answer = get_export(inst, "answer", WVM_EXTERN_GLOBAL).of.global;
    wvm_global_get(answer, &out);
    cr_assert_eq(out.of.i32, 42);
    cr_assert_eq(wvm_global_set(answer, &v, &err), WVM_ERR_USAGE);
    wvm_global *counter = get_export(inst, "counter", WVM_EXTERN_GLOBAL).of.global;
    wvm_global_get(counter, &out);
    cr_assert_eq(out.kind, WVM_I64);
    cr_assert_eq(out.of.i64, 7);
    wvm_val nv = val_i64(-1);
    cr_assert_eq(wvm_global_set(counter, &nv, &err), WVM_OK);
    wvm_global_get(counter, &out);
    cr_assert_eq(out.of.i64, -1);
}

/* ---- memories and tables ---- */

Test(runtime, memory_grow_limits)
{
    uint32_t old = 0;
    wvm_memory *mem = wvm_memory_new(store, 1, 2, true);
    cr_assert_not_null(mem);
    cr_assert_eq(wvm_memory_size_pages(mem), 1);
    cr_assert_eq(wvm_memory_size_bytes(mem), 65536);
    wvm_memory_data(mem)[65535] = 0xAB;
    cr_assert_eq(wvm_memory_grow(mem, 1, &old), WVM_OK);
    cr_assert_eq(old, 1);
    cr_assert_eq(wvm_memory_data(mem)[65535], 0xAB);
    cr_assert_eq(wvm_memory_data(mem)[65536], 0);
    cr_assert_eq(wvm_memory_grow(mem, 1, &old), WVM_ERR_NOMEM);
    cr_assert_eq(wvm_memory_size_pages(mem), 2);
    cr_assert_eq(wvm_memory_grow(mem, 0, &old), WVM_OK);
    cr_assert_eq(old, 2);
    cr_assert_eq(wvm_memory_grow(mem, UINT32_MAX, &old), WVM_ERR_NOMEM);

    /* Invalid limits are refused. */
    cr_assert_null(wvm_memory_new(store, 2, 1, true));
    cr_assert_null(wvm_memory_new(store, 65537, 0, false));

    /* A module's memory (memory 1 3). */
    wvm_instance *inst = INSTANTIATE_OK(wasm_add);
    wvm_memory *mmem = get_export(inst, "mem", WVM_EXTERN_MEMORY).of.memory;
    cr_assert_eq(wvm_memory_grow(mmem, 2, &old), WVM_OK);
    cr_assert_eq(wvm_memory_grow(mmem, 1, &old), WVM_ERR_NOMEM);
    cr_assert_eq(wvm_memory_size_pages(mmem), 3);
}

Test(runtime, memory_engine_cap)
{
    wvm_config config;
    wvm_config_default(&config);
    cr_assert_eq(config.max_memory_pages, 65536);
    cr_assert_eq(config.max_table_elems, 10000000);
    cr_assert_eq(config.max_call_depth, 10000);
    cr_assert_eq(config.value_stack_slots, 1u << 20);
    config.max_memory_pages = 2;
    wvm_engine *e = wvm_engine_new(&config);
    wvm_store *s = wvm_store_new(e, NULL);
    wvm_memory *mem = wvm_memory_new(s, 1, 0, false);
    uint32_t old;
    cr_assert_eq(wvm_memory_grow(mem, 1, &old), WVM_OK);
    cr_assert_eq(wvm_memory_grow(mem, 1, &old), WVM_ERR_NOMEM);
    cr_assert_null(wvm_memory_new(s, 3, 0, false));
    wvm_store_delete(s);
    wvm_engine_delete(e);
}

Test(runtime, table_api)
{
    wvm_table *tab = wvm_table_new(store, WVM_EXTERNREF, 2, 3, true, NULL);
    cr_assert_not_null(tab);
    cr_assert_eq(wvm_table_size(tab), 2);
    wvm_val v, ref = {.kind = WVM_EXTERNREF, .of.externref = &v};
    cr_assert_eq(wvm_table_get(tab, 0, &v), WVM_OK);
    cr_assert_eq(v.kind, WVM_EXTERNREF);
    cr_assert_null(v.of.externref);
    cr_assert_eq(wvm_table_set(tab, 1, &ref), WVM_OK);
    cr_assert_eq(wvm_table_get(tab, 1, &v), WVM_OK);
    cr_assert_eq(v.of.externref, &v);
    cr_assert_eq(wvm_table_set(tab, 2, &ref), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_get(tab, 2, &v), WVM_ERR_USAGE);
    wvm_val fnull = {.kind = WVM_FUNCREF, .of.funcref = NULL};
    cr_assert_eq(wvm_table_set(tab, 0, &fnull), WVM_ERR_USAGE);
    cr_assert_null(wvm_table_new(store, WVM_I32, 1, 0, false, NULL));
}

/* ---- instantiation ---- */

Test(runtime, instantiation_initialises_in_order)
{
    wvm_val base = val_i32(3);
    define("env", "base", ext_global(wvm_global_new(store, WVM_I32, false, &base)));
    wvm_instance *inst = INSTANTIATE_OK(wasm_init);
    wvm_val out;
    wvm_global_get(get_export(inst, "g", WVM_EXTERN_GLOBAL).of.global, &out);
    cr_assert_eq(out.of.i32, 3);

    wvm_func *seven = get_export(inst, "seven", WVM_EXTERN_FUNC).of.func;
    wvm_global_get(get_export(inst, "fr", WVM_EXTERN_GLOBAL).of.global, &out);
    cr_assert_eq(out.kind, WVM_FUNCREF);
    cr_assert_eq(out.of.funcref, seven);

    wvm_table *tab = get_export(inst, "tab", WVM_EXTERN_TABLE).of.table;
    cr_assert_eq(wvm_table_get(tab, 3, &out), WVM_OK);
    cr_assert_eq(out.of.funcref, seven);
    cr_assert_eq(wvm_table_get(tab, 2, &out), WVM_OK);
    cr_assert_null(out.of.funcref);

    uint8_t *mem = wvm_memory_data(get_export(inst, "mem", WVM_EXTERN_MEMORY).of.memory);
    cr_assert_eq(mem[3], 42);   /* data segment at global.get 0 */
    cr_assert_eq(mem[100], 9);  /* written by the start function */

    wvm_val r;
    wvm_error err;
    cr_assert_eq(wvm_func_call(store, seven, NULL, 0, &r, 1, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(r.of.i32, 7);
    cr_assert(!wvm_instance_export(inst, "nope", NULL));
}

Test(runtime, element_trap_keeps_earlier_writes)
{
    wvm_instance *owner = INSTANTIATE_OK(wasm_table_export);
    wvm_error err;
    cr_assert_eq(wvm_linker_define_instance(linker, "env", owner, &err), WVM_OK, "%s",
                 err.message);

    wvm_instance *inst = (wvm_instance *)&inst;
    cr_assert_eq(INSTANTIATE(wasm_seg_trap, &inst, &err), WVM_ERR_TRAP, "%s", err.message);
    cr_assert_null(inst);
    cr_assert_eq(err.trap, WVM_TRAP_TABLE_OUT_OF_BOUNDS);
    cr_assert_str_eq(err.message, "out of bounds table access");

    /* The first segment was written, and its function stays callable although its instance
     * failed to instantiate. The data segment was never reached. */
    wvm_table *tab = get_export(owner, "tab", WVM_EXTERN_TABLE).of.table;
    wvm_val f;
    cr_assert_eq(wvm_table_get(tab, 0, &f), WVM_OK);
    cr_assert_not_null(f.of.funcref);
    cr_assert_eq(wvm_table_get(tab, 9, &f), WVM_OK);
    cr_assert_null(f.of.funcref);
    cr_assert_eq(wvm_table_get(tab, 0, &f), WVM_OK);
    wvm_val r;
    cr_assert_eq(wvm_func_call(store, f.of.funcref, NULL, 0, &r, 1, &err), WVM_OK, "%s",
                 err.message);
    cr_assert_eq(r.of.i32, 77);
    uint8_t *mem = wvm_memory_data(get_export(owner, "mem", WVM_EXTERN_MEMORY).of.memory);
    cr_assert_eq(mem[0], 0);
}

Test(runtime, data_trap_keeps_earlier_writes)
{
    wvm_memory *mem = wvm_memory_new(store, 1, 0, false);
    define("env", "mem", ext_memory(mem));
    wvm_instance *inst;
    wvm_error err;
    cr_assert_eq(INSTANTIATE(wasm_data_trap, &inst, &err), WVM_ERR_TRAP, "%s", err.message);
    cr_assert_eq(err.trap, WVM_TRAP_MEMORY_OUT_OF_BOUNDS);
    cr_assert_str_eq(err.message, "out of bounds memory access");
    cr_assert_eq(memcmp(wvm_memory_data(mem), "ok", 2), 0);
    cr_assert_eq(wvm_memory_data(mem)[65535], 0);
}

Test(runtime, module_errors)
{
    static const uint8_t garbage[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
    wvm_module *m = (wvm_module *)&m;
    wvm_error err;
    cr_assert_eq(wvm_module_new(engine, garbage, sizeof garbage, &m, &err), WVM_ERR_MALFORMED);
    cr_assert_null(m);
    cr_assert_eq(err.status, WVM_ERR_MALFORMED);
    cr_assert_eq(wvm_module_validate(garbage, sizeof garbage, &err), WVM_ERR_MALFORMED);
    cr_assert_eq(wvm_module_validate(wasm_add, sizeof wasm_add, &err), WVM_OK, "%s",
                 err.message);
}

/* ---- the spectest host module ---- */

Test(runtime, spectest_module)
{
    wvm_error err;
    cr_assert_eq(spectest_define(linker, store, &err), WVM_OK, "%s", err.message);
    wvm_instance *inst = INSTANTIATE_OK(wasm_spectest_imports);
    wvm_val r;
    cr_assert_eq(wvm_func_call(store, get_export(inst, "g", WVM_EXTERN_FUNC).of.func, NULL, 0,
                               &r, 1, &err),
                 WVM_OK, "%s", err.message);
    cr_assert_eq(r.of.i32, 666);
    cr_assert_eq(wvm_func_call(store, get_export(inst, "p", WVM_EXTERN_FUNC).of.func, NULL, 0,
                               NULL, 0, &err),
                 WVM_OK, "%s", err.message);
}
