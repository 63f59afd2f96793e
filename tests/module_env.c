/* A module instantiated for a test (module_env.h). */
#include "module_env.h"

#include <criterion/criterion.h>
#include <string.h>

vm_code *module_translate(const uint8_t *bytes, size_t size, uint32_t func_index,
                          vm_meter_mode meter, const wasm_cost_model *costs, wasm_module *m)
{
    wasm_error err;
    wasm_error_clear(&err);
    memset(m, 0, sizeof *m);
    cr_assert_eq(loader_decode(bytes, size, m, &err), WASM_OK, "decode: %s", err.message);
    cr_assert_eq(loader_validate(m, &err), WASM_OK, "validate: %s", err.message);
    vm_code *code = NULL;
    cr_assert_eq(vm_translate(m, func_index, meter, costs, &code, &err), WASM_OK,
                 "translate: %s", err.message);
    cr_assert_not_null(code);
    return code;
}

void module_expect_op(const uint8_t *bytes, size_t size, uint32_t func_index, vm_opcode op)
{
    wasm_module m;
    vm_code *code = module_translate(bytes, size, func_index, VM_METER_OFF, NULL, &m);
    bool found = false;
    for (uint32_t pc = 0; pc < code->nwords; pc += vm_insn_length(code->words, pc))
        found |= vm_op_unpaired(code->words[pc]) == op;
    if (!found)
        vm_code_dump(code, stderr);
    vm_code_free(code);
    loader_free(&m);
    cr_assert(found, "function %u: no %s (code dumped above)", func_index, vm_op_name[op]);
}

void module_env_open(module_env *e, const uint8_t *bytes, size_t size, wvm_meter_mode metering)
{
    wvm_config config;
    wvm_config_default(&config);
    config.metering = metering;
    e->engine = wvm_engine_new(&config);
    cr_assert_not_null(e->engine);
    e->store = wvm_store_new(e->engine, NULL);
    wvm_linker *linker = wvm_linker_new(e->engine);
    wvm_module *module = NULL;
    wvm_error err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(wvm_module_new(e->engine, bytes, size, &module, &err), WVM_OK, "module: %s",
                 err.message);
    cr_assert_eq(wvm_linker_instantiate(linker, e->store, module, &e->inst, &err), WVM_OK,
                 "instantiation: %s", err.message);
    wvm_module_delete(module);
    wvm_linker_delete(linker);
    wvm_extern ext;
    cr_assert(wvm_instance_export(e->inst, "mem", &ext));
    e->mem = wvm_memory_data(ext.of.memory);
    cr_assert_not_null(e->mem);
}

void module_env_close(module_env *e)
{
    wvm_store_delete(e->store);
    wvm_engine_delete(e->engine);
}

size_t module_offset_of(const uint8_t *bytes, size_t size, const uint8_t *instr, size_t n)
{
    size_t at = 0, found = 0;
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(bytes + i, instr, n) == 0) {
            at = i;
            found++;
        }
    cr_assert_eq(found, 1, "the instruction occurs %zu times", found);
    return at;
}
