/* wvm_val constructors shared by the unit tests: a value of each kind, nothing else set. */
#ifndef WVM_TESTS_VALUES_H
#define WVM_TESTS_VALUES_H

#include <stdint.h>

#include "wvm.h"

static inline wvm_val val_i32(int32_t x) { return (wvm_val){.kind = WVM_I32, .of.i32 = x}; }
static inline wvm_val val_i64(int64_t x) { return (wvm_val){.kind = WVM_I64, .of.i64 = x}; }
static inline wvm_val val_f32_bits(uint32_t b) { return (wvm_val){.kind = WVM_F32, .of.f32_bits = b}; }
static inline wvm_val val_f64(double x) { return (wvm_val){.kind = WVM_F64, .of.f64 = x}; }
static inline wvm_val val_f64_bits(uint64_t b) { return (wvm_val){.kind = WVM_F64, .of.f64_bits = b}; }
static inline wvm_val val_func(wvm_func *f) { return (wvm_val){.kind = WVM_FUNCREF, .of.funcref = f}; }
static inline wvm_val val_ext(void *p) { return (wvm_val){.kind = WVM_EXTERNREF, .of.externref = p}; }

#endif
