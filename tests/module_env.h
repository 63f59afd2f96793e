/* A module instantiated for a test, alone in a new store (shared by the unit tests that run a
 * module of their own: tests/test_vm_fuse.c, tests/test_vm_pair.c). */
#ifndef WVM_TESTS_MODULE_ENV_H
#define WVM_TESTS_MODULE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "wvm.h"

typedef struct {
    wvm_engine *engine;
    wvm_store *store;
    wvm_instance *inst;
    uint8_t *mem; /* the data of the memory exported as "mem" */
} module_env;

/* Instantiates the module bytes[0..size), which exports its memory as "mem", in a new store
 * whose engine meters as `metering` (with the default cost model); fails the test if it
 * cannot. */
void module_env_open(module_env *e, const uint8_t *bytes, size_t size, wvm_meter_mode metering);
void module_env_close(module_env *e);

/* The offset in bytes[0..size) of the only occurrence of the instruction encoded as
 * instr[0..n); fails the test when it does not occur exactly once. */
size_t module_offset_of(const uint8_t *bytes, size_t size, const uint8_t *instr, size_t n);

#endif
