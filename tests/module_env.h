/* A test's own module, translated (for tests of the translated code) or instantiated alone in a
 * new store (for tests that run it): shared by the unit tests of the VM. */
#ifndef WVM_TESTS_MODULE_ENV_H
#define WVM_TESTS_MODULE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "wvm.h"
#include "../loader/cost_model.h"
#include "../loader/module.h"
#include "../vm/code.h"

/* Decodes and validates the module bytes[0..size) into *m, then translates its function
 * func_index metered as `meter` with cost model `costs` (NULL: the default one); fails the
 * test if a step fails. The module must outlive the code: free the code (vm_code_free), then
 * the module (loader_free). */
vm_code *module_translate(const uint8_t *bytes, size_t size, uint32_t func_index,
                          vm_meter_mode meter, const wasm_cost_model *costs, wasm_module *m);

/* Fails the test, listing the code, unless function func_index of module bytes[0..size)
 * translates (unmetered) to code holding an instruction whose unpaired opcode is op: that the
 * instruction form a test means to exercise is the one that runs. */
void module_expect_op(const uint8_t *bytes, size_t size, uint32_t func_index, vm_opcode op);

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
