/* Criterion tests of the embedding API (include/wvm.h) as a whole: every function's documented
 * error paths (NULL and invalid arguments, wrong kinds, out-of-range indices, unknown names,
 * store and engine mismatches, redefinitions), the allowed deletion orders, and values of
 * every kind (NaN payloads and references included) round-tripping through calls, globals
 * and tables. The inventory below maps every WVM_API function to the tests that cover it,
 * here and in the other suites; keep it in step with the header.
 *
 * Inventory, every WVM_API function -> tests covering it (suite/test; +N: N more tests):
 *   wvm_version                 api/version_matches_header, api_intro/version
 *   wvm_trap_name               api/trap_name_of_every_code, runtime/trap_names +23
 *   wvm_valkind_name            api/valkind_names
 *   wvm_cost_model_preset       fuel_api/presets_by_name, api/delete_cost_model_after_engine_new
 *                               +4
 *   wvm_cost_model_parse        fuel_api/parsed_model_matches_preset,
 *                               fuel_api/parse_errors_carry_line_numbers +1
 *   wvm_cost_model_load         fuel_api/load_from_files
 *   wvm_cost_model_delete       api/delete_null_handles, fuel_api/presets_by_name +7
 *   wvm_cost_model_host_entry   instrument/host_entry_of_the_presets,
 *                               instrument/global_backend_charges_native_fuel_minus_host_entry
 *   wvm_instrument_options_default  instrument/usage_errors, and every test of suite instrument
 *                               through tests/instrument_support.c
 *   wvm_instrument              instrument/usage_errors, and every test of suite instrument
 *                               through tests/instrument_support.c
 *   wvm_config_default          api/config_default_values, fuel_api/config_defaults +24
 *   wvm_engine_new              api/engine_config_is_copied_and_applied +53
 *   wvm_engine_delete           api/delete_null_handles, api/delete_cost_model_after_engine_new
 *                               +48
 *   wvm_module_new              api/module_new_argument_errors, api/module_statuses,
 *                               api/module_copies_its_bytes +30
 *   wvm_module_load             api/module_load_from_files
 *   wvm_module_validate         api/module_statuses, runtime/module_errors +2
 *   wvm_module_delete           api/delete_module_before_instance, api/delete_null_handles,
 *                               api_intro/func_type_outlives_module_handle +30
 *   wvm_module_import_count     api/module_introspection_argument_errors, api_intro/import_types
 *   wvm_module_import           api/module_introspection_argument_errors, api_intro/import_types
 *   wvm_module_export_count     api/module_introspection_argument_errors, api_intro/export_types
 *   wvm_module_export           api/module_introspection_argument_errors, api_intro/export_types
 *   wvm_module_start            api_intro/start_function, harness (--instrument start functions)
 *   wvm_module_gas_import       instrument/gas_import_queries, instrument/premetered_reports_the_gas_import
 *   wvm_store_new               api/store_arguments +63
 *   wvm_store_delete            api/delete_store_before_module_and_linker,
 *                               api/delete_null_handles +63
 *   wvm_store_user_data         api/store_arguments, runtime/host_function_called_from_wasm
 *   wvm_store_set_fuel          fuel_api/store_fuel_accounting +22
 *   wvm_store_add_fuel          fuel_api/store_fuel_accounting, fuel_api/resumable_host_function
 *                               +3
 *   wvm_store_fuel              fuel_api/store_fuel_accounting +26
 *   wvm_store_fuel_consumed     fuel_api/store_fuel_accounting +15
 *   wvm_caller_store            api/caller_queries, runtime/host_function_called_from_wasm
 *   wvm_caller_instance         api/caller_queries, runtime/host_function_reenters_wasm
 *   wvm_caller_export           api/caller_queries, api_intro/caller_exports_without_instance
 *   wvm_caller_memory           api/caller_queries, api_intro/caller_exports_without_instance
 *   wvm_caller_consume_fuel     fuel_api/host_consume_fuel
 *   wvm_caller_set_trap_message api/host_trap_codes_and_messages, api/caller_queries
 *   wvm_func_new                api/func_new_argument_errors,
 *                               api/finalizers_run_once_per_function +43
 *   wvm_memory_new              api/memory_api_edges, runtime/memory_grow_limits,
 *                               api_intro/global_and_memory_queries +9
 *   wvm_table_new               api/table_new_errors, api/table_init_and_access,
 *                               api_intro/table_grow_and_kinds +8
 *   wvm_global_new              api/global_new_errors, api/global_kinds_and_access_errors,
 *                               api_intro/global_and_memory_queries +14
 *   wvm_linker_new              api/linker_argument_errors +49
 *   wvm_linker_delete           api/delete_store_before_module_and_linker,
 *                               api/delete_null_handles +44
 *   wvm_linker_define           api/linker_argument_errors, api/linker_redefinition_replaces,
 *                               api_intro/define_func_and_caller_exports +44
 *   wvm_linker_define_instance  api/linker_redefinition_replaces,
 *                               api/linker_items_of_another_store +4
 *   wvm_linker_define_func      api/linker_define_func_errors_run_the_finalizer_once,
 *                               api_intro/define_func_finalizer_runs_once +9
 *   wvm_linker_instantiate      api/linker_argument_errors, api/module_of_another_engine,
 *                               api/linker_items_of_another_store +35
 *   wvm_instance_export         api/export_lookups, api_intro/export_lookups_by_kind +23
 *   wvm_instance_export_n       api/export_lookups, runtime/export_name_with_nul
 *   wvm_instance_func           api/export_lookups, api_intro/export_lookups_by_kind +4
 *   wvm_instance_memory         api/export_lookups, api_intro/export_lookups_by_kind +1
 *   wvm_instance_table          api/export_lookups, api_intro/table_grow_and_kinds +1
 *   wvm_instance_global         api/export_lookups, api_intro/export_lookups_by_kind +1
 *   wvm_func_param_count        api/func_type_queries, runtime/func_call_checks_arguments
 *   wvm_func_result_count       api/func_type_queries, runtime/func_call_checks_arguments
 *   wvm_func_param_kind         api/func_type_queries, runtime/func_call_checks_arguments
 *   wvm_func_result_kind        api/func_type_queries, runtime/func_call_checks_arguments
 *   wvm_func_type               api/func_type_queries, api_intro/func_types +1
 *   wvm_func_call               api/func_call_argument_errors,
 *                               api/every_kind_round_trips_through_calls,
 *                               api/many_values_round_trip +64
 *   wvm_func_call_resumable     fuel_api/resumable_call_without_suspension,
 *                               fuel_api/resumable_delete +8
 *   wvm_resumable_resume        fuel_api/resumable_delete,
 *                               fuel_api/resumable_call_finishes_after_refuel +6
 *   wvm_resumable_delete        api/delete_null_handles, fuel_api/resumable_delete +4
 *   wvm_memory_data             api/memory_api_edges, runtime/memory_grow_limits +6
 *   wvm_memory_size_bytes       api/memory_api_edges, runtime/memory_grow_limits
 *   wvm_memory_size_pages       api/memory_api_edges, runtime/memory_grow_limits +2
 *   wvm_memory_max_pages        api/memory_api_edges, api_intro/global_and_memory_queries
 *   wvm_memory_grow             api/memory_api_edges, runtime/memory_engine_cap +2
 *   wvm_global_get              api/global_kinds_and_access_errors,
 *                               api/globals_shared_with_wasm_keep_every_bit +4
 *   wvm_global_set              api/global_kinds_and_access_errors,
 *                               api/globals_shared_with_wasm_keep_every_bit +2
 *   wvm_global_kind             api/global_kinds_and_access_errors,
 *                               api_intro/global_and_memory_queries
 *   wvm_global_is_mutable       api/global_kinds_and_access_errors,
 *                               api_intro/global_and_memory_queries +1
 *   wvm_table_size              api/table_new_errors, api_intro/table_grow_and_kinds +4
 *   wvm_table_elem_kind         api/table_new_errors, api_intro/table_grow_and_kinds +2
 *   wvm_table_get               api/table_init_and_access, api/tables_shared_with_wasm,
 *                               api_intro/table_grow_and_kinds +4
 *   wvm_table_set               api/table_init_and_access, api/tables_shared_with_wasm +2
 *   wvm_table_grow              api/table_init_and_access, api_intro/table_grow_and_kinds +2
 * (Listed by the functions called in each test body; callbacks add more.)
 *
 * The modules are embedded as bytes; each is shown as the text it was assembled from
 * (wat2wasm --debug-names; wasm_invalid with --no-check).
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wvm.h"
#include "values.h"

/*
 * (module
 *   (type $ft (func (param i32) (result i32)))
 *   (func $id_all (export "id_all")
 *     (param i32 i64 f32 f64 funcref externref)
 *     (result i32 i64 f32 f64 funcref externref)
 *     (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5))
 *   (func (export "id_many")
 *     (param i32 i64 f32 f64 i32 i64 f32 f64 i32)
 *     (result i32 i64 f32 f64 i32 i64 f32 f64 i32)
 *     (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
 *     (local.get 5) (local.get 6) (local.get 7) (local.get 8))
 *   (func $inc (export "inc") (param i32) (result i32)
 *     (i32.add (local.get 0) (i32.const 1)))
 *   (func (export "f32_bits") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
 *   (func (export "f64_bits") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
 *   (func (export "bits_f32") (param i32) (result f32) (f32.reinterpret_i32 (local.get 0)))
 *   (func (export "bits_f64") (param i64) (result f64) (f64.reinterpret_i64 (local.get 0)))
 *   (func (export "ref_inc") (result funcref) (ref.func $inc))
 *   (func (export "is_null_ext") (param externref) (result i32) (ref.is_null (local.get 0)))
 *   (func (export "is_null_func") (param funcref) (result i32) (ref.is_null (local.get 0)))
 *   (global $gi32 (export "gi32") (mut i32) (i32.const -7))
 *   (global $gi64 (export "gi64") (mut i64) (i64.const 0x123456789))
 *   (global $gf32 (export "gf32") (mut f32) (f32.const 1.5))
 *   (global $gf64 (export "gf64") (mut f64) (f64.const -2.25))
 *   (global $gfunc (export "gfunc") (mut funcref) (ref.null func))
 *   (global $gext (export "gext") (mut externref) (ref.null extern))
 *   (global (export "const_f64") f64 (f64.const nan:0x4000000000001))
 *   (func (export "read_gf32") (result i32) (i32.reinterpret_f32 (global.get $gf32)))
 *   (func (export "read_gf64") (result i64) (i64.reinterpret_f64 (global.get $gf64)))
 *   (func (export "read_gi64") (result i64) (global.get $gi64))
 *   (func (export "read_gext") (result externref) (global.get $gext))
 *   (func (export "read_gfunc") (result funcref) (global.get $gfunc))
 *   (func (export "write_gf64") (param i64) (global.set $gf64 (f64.reinterpret_i64 (local.get 0))))
 *   (func (export "write_gext") (param externref) (global.set $gext (local.get 0)))
 *   (func (export "write_gfunc") (param funcref) (global.set $gfunc (local.get 0)))
 *   (table $t (export "tab") 2 10 funcref)
 *   (table $e (export "etab") 2 externref)
 *   (func (export "tab_get") (param i32) (result funcref) (table.get $t (local.get 0)))
 *   (func (export "etab_get") (param i32) (result externref) (table.get $e (local.get 0)))
 *   (func (export "etab_set") (param i32 externref) (table.set $e (local.get 0) (local.get 1)))
 *   (func (export "call_tab") (param i32 i32) (result i32)
 *     (call_indirect $t (type $ft) (local.get 1) (local.get 0)))
 *   (elem declare func $inc)
 *   (memory (export "mem") 1 2)
 *   (export "" (func $inc)))
 */
static const uint8_t wasm_values[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x79, 0x14, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x06, 0x7f, 0x7e, 0x7d, 0x7c, 0x70, 0x6f,
    0x06, 0x7f, 0x7e, 0x7d, 0x7c, 0x70, 0x6f, 0x60, 0x09, 0x7f, 0x7e, 0x7d,
    0x7c, 0x7f, 0x7e, 0x7d, 0x7c, 0x7f, 0x09, 0x7f, 0x7e, 0x7d, 0x7c, 0x7f,
    0x7e, 0x7d, 0x7c, 0x7f, 0x60, 0x01, 0x7d, 0x01, 0x7f, 0x60, 0x01, 0x7c,
    0x01, 0x7e, 0x60, 0x01, 0x7f, 0x01, 0x7d, 0x60, 0x01, 0x7e, 0x01, 0x7c,
    0x60, 0x00, 0x01, 0x70, 0x60, 0x01, 0x6f, 0x01, 0x7f, 0x60, 0x01, 0x70,
    0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7e, 0x60, 0x00,
    0x01, 0x6f, 0x60, 0x01, 0x7e, 0x00, 0x60, 0x01, 0x6f, 0x00, 0x60, 0x01,
    0x70, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x70, 0x60, 0x01, 0x7f, 0x01, 0x6f,
    0x60, 0x02, 0x7f, 0x6f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03,
    0x17, 0x16, 0x01, 0x02, 0x00, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
    0x0a, 0x0b, 0x0b, 0x0c, 0x07, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
    0x04, 0x08, 0x02, 0x70, 0x01, 0x02, 0x0a, 0x6f, 0x00, 0x02, 0x05, 0x04,
    0x01, 0x01, 0x01, 0x02, 0x06, 0x39, 0x07, 0x7f, 0x01, 0x41, 0x79, 0x0b,
    0x7e, 0x01, 0x42, 0x89, 0xcf, 0x95, 0x9a, 0x12, 0x0b, 0x7d, 0x01, 0x43,
    0x00, 0x00, 0xc0, 0x3f, 0x0b, 0x7c, 0x01, 0x44, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x02, 0xc0, 0x0b, 0x70, 0x01, 0xd0, 0x70, 0x0b, 0x6f, 0x01,
    0xd0, 0x6f, 0x0b, 0x7c, 0x00, 0x44, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xf4, 0x7f, 0x0b, 0x07, 0xca, 0x02, 0x21, 0x06, 0x69, 0x64, 0x5f, 0x61,
    0x6c, 0x6c, 0x00, 0x00, 0x07, 0x69, 0x64, 0x5f, 0x6d, 0x61, 0x6e, 0x79,
    0x00, 0x01, 0x03, 0x69, 0x6e, 0x63, 0x00, 0x02, 0x08, 0x66, 0x33, 0x32,
    0x5f, 0x62, 0x69, 0x74, 0x73, 0x00, 0x03, 0x08, 0x66, 0x36, 0x34, 0x5f,
    0x62, 0x69, 0x74, 0x73, 0x00, 0x04, 0x08, 0x62, 0x69, 0x74, 0x73, 0x5f,
    0x66, 0x33, 0x32, 0x00, 0x05, 0x08, 0x62, 0x69, 0x74, 0x73, 0x5f, 0x66,
    0x36, 0x34, 0x00, 0x06, 0x07, 0x72, 0x65, 0x66, 0x5f, 0x69, 0x6e, 0x63,
    0x00, 0x07, 0x0b, 0x69, 0x73, 0x5f, 0x6e, 0x75, 0x6c, 0x6c, 0x5f, 0x65,
    0x78, 0x74, 0x00, 0x08, 0x0c, 0x69, 0x73, 0x5f, 0x6e, 0x75, 0x6c, 0x6c,
    0x5f, 0x66, 0x75, 0x6e, 0x63, 0x00, 0x09, 0x04, 0x67, 0x69, 0x33, 0x32,
    0x03, 0x00, 0x04, 0x67, 0x69, 0x36, 0x34, 0x03, 0x01, 0x04, 0x67, 0x66,
    0x33, 0x32, 0x03, 0x02, 0x04, 0x67, 0x66, 0x36, 0x34, 0x03, 0x03, 0x05,
    0x67, 0x66, 0x75, 0x6e, 0x63, 0x03, 0x04, 0x04, 0x67, 0x65, 0x78, 0x74,
    0x03, 0x05, 0x09, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x5f, 0x66, 0x36, 0x34,
    0x03, 0x06, 0x09, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x67, 0x66, 0x33, 0x32,
    0x00, 0x0a, 0x09, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x67, 0x66, 0x36, 0x34,
    0x00, 0x0b, 0x09, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x67, 0x69, 0x36, 0x34,
    0x00, 0x0c, 0x09, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x67, 0x65, 0x78, 0x74,
    0x00, 0x0d, 0x0a, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x67, 0x66, 0x75, 0x6e,
    0x63, 0x00, 0x0e, 0x0a, 0x77, 0x72, 0x69, 0x74, 0x65, 0x5f, 0x67, 0x66,
    0x36, 0x34, 0x00, 0x0f, 0x0a, 0x77, 0x72, 0x69, 0x74, 0x65, 0x5f, 0x67,
    0x65, 0x78, 0x74, 0x00, 0x10, 0x0b, 0x77, 0x72, 0x69, 0x74, 0x65, 0x5f,
    0x67, 0x66, 0x75, 0x6e, 0x63, 0x00, 0x11, 0x03, 0x74, 0x61, 0x62, 0x01,
    0x00, 0x04, 0x65, 0x74, 0x61, 0x62, 0x01, 0x01, 0x07, 0x74, 0x61, 0x62,
    0x5f, 0x67, 0x65, 0x74, 0x00, 0x12, 0x08, 0x65, 0x74, 0x61, 0x62, 0x5f,
    0x67, 0x65, 0x74, 0x00, 0x13, 0x08, 0x65, 0x74, 0x61, 0x62, 0x5f, 0x73,
    0x65, 0x74, 0x00, 0x14, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x74, 0x61,
    0x62, 0x00, 0x15, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x00, 0x00, 0x02,
    0x09, 0x05, 0x01, 0x03, 0x00, 0x01, 0x02, 0x0a, 0xa8, 0x01, 0x16, 0x0e,
    0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x20, 0x03, 0x20, 0x04, 0x20,
    0x05, 0x0b, 0x14, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x20, 0x03,
    0x20, 0x04, 0x20, 0x05, 0x20, 0x06, 0x20, 0x07, 0x20, 0x08, 0x0b, 0x07,
    0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x05, 0x00, 0x20, 0x00, 0xbc,
    0x0b, 0x05, 0x00, 0x20, 0x00, 0xbd, 0x0b, 0x05, 0x00, 0x20, 0x00, 0xbe,
    0x0b, 0x05, 0x00, 0x20, 0x00, 0xbf, 0x0b, 0x04, 0x00, 0xd2, 0x02, 0x0b,
    0x05, 0x00, 0x20, 0x00, 0xd1, 0x0b, 0x05, 0x00, 0x20, 0x00, 0xd1, 0x0b,
    0x05, 0x00, 0x23, 0x02, 0xbc, 0x0b, 0x05, 0x00, 0x23, 0x03, 0xbd, 0x0b,
    0x04, 0x00, 0x23, 0x01, 0x0b, 0x04, 0x00, 0x23, 0x05, 0x0b, 0x04, 0x00,
    0x23, 0x04, 0x0b, 0x07, 0x00, 0x20, 0x00, 0xbf, 0x24, 0x03, 0x0b, 0x06,
    0x00, 0x20, 0x00, 0x24, 0x05, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x24, 0x04,
    0x0b, 0x06, 0x00, 0x20, 0x00, 0x25, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x00,
    0x25, 0x01, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0x26, 0x01, 0x0b,
    0x09, 0x00, 0x20, 0x01, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b, 0x00, 0x7c,
    0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x0e, 0x02, 0x00, 0x06, 0x69, 0x64,
    0x5f, 0x61, 0x6c, 0x6c, 0x02, 0x03, 0x69, 0x6e, 0x63, 0x02, 0x2d, 0x16,
    0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00,
    0x06, 0x00, 0x07, 0x00, 0x08, 0x00, 0x09, 0x00, 0x0a, 0x00, 0x0b, 0x00,
    0x0c, 0x00, 0x0d, 0x00, 0x0e, 0x00, 0x0f, 0x00, 0x10, 0x00, 0x11, 0x00,
    0x12, 0x00, 0x13, 0x00, 0x14, 0x00, 0x15, 0x00, 0x04, 0x05, 0x01, 0x00,
    0x02, 0x66, 0x74, 0x05, 0x07, 0x02, 0x00, 0x01, 0x74, 0x01, 0x01, 0x65,
    0x07, 0x26, 0x06, 0x00, 0x04, 0x67, 0x69, 0x33, 0x32, 0x01, 0x04, 0x67,
    0x69, 0x36, 0x34, 0x02, 0x04, 0x67, 0x66, 0x33, 0x32, 0x03, 0x04, 0x67,
    0x66, 0x36, 0x34, 0x04, 0x05, 0x67, 0x66, 0x75, 0x6e, 0x63, 0x05, 0x04,
    0x67, 0x65, 0x78, 0x74,
};

/*
 * (module
 *   (import "env" "inc" (func $inc (param i32) (result i32)))
 *   (import "env" "gi32" (global $g (mut i32)))
 *   (func (export "call_inc") (param i32) (result i32) (call $inc (local.get 0)))
 *   (func (export "read_g") (result i32) (global.get $g)))
 */
static const uint8_t wasm_importer[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x02, 0x17, 0x02, 0x03,
    0x65, 0x6e, 0x76, 0x03, 0x69, 0x6e, 0x63, 0x00, 0x00, 0x03, 0x65, 0x6e,
    0x76, 0x04, 0x67, 0x69, 0x33, 0x32, 0x03, 0x7f, 0x01, 0x03, 0x03, 0x02,
    0x00, 0x01, 0x07, 0x15, 0x02, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x69,
    0x6e, 0x63, 0x00, 0x01, 0x06, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x67, 0x00,
    0x02, 0x0a, 0x0d, 0x02, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x04,
    0x00, 0x23, 0x00, 0x0b, 0x00, 0x1c, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01,
    0x06, 0x01, 0x00, 0x03, 0x69, 0x6e, 0x63, 0x02, 0x07, 0x03, 0x00, 0x00,
    0x01, 0x00, 0x02, 0x00, 0x07, 0x04, 0x01, 0x00, 0x01, 0x67,
};

/*
 * (module
 *   (import "env" "h" (func $h (param i32) (result i32)))
 *   (func (export "run") (param i32) (result i32) (call $h (local.get 0))))
 */
static const uint8_t wasm_host_calls[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01,
    0x68, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72,
    0x75, 0x6e, 0x00, 0x01, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x10,
    0x00, 0x0b, 0x00, 0x12, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x04, 0x01,
    0x00, 0x01, 0x68, 0x02, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
};

/*
 * (module (func (result i32) (i64.const 0)))
 */
static const uint8_t wasm_invalid[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60,
    0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00,
    0x42, 0x00, 0x0b,
};

/*
 * (module (func (result v128) (v128.const i32x4 1 2 3 4)))
 */
static const uint8_t wasm_simd[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60,
    0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x16, 0x01, 0x14, 0x00,
    0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00,
    0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0b,
};

/* ---- fixture ---- */

static wvm_engine *engine;
static wvm_store *store;
static wvm_linker *linker;

static void api_setup(void)
{
    engine = wvm_engine_new(NULL);
    cr_assert_not_null(engine);
    store = wvm_store_new(engine, NULL);
    cr_assert_not_null(store);
    linker = wvm_linker_new(engine);
    cr_assert_not_null(linker);
}

static void api_teardown(void)
{
    wvm_linker_delete(linker);
    wvm_store_delete(store);
    wvm_engine_delete(engine);
}

TestSuite(api, .init = api_setup, .fini = api_teardown);

static wvm_module *load_in(wvm_engine *e, const uint8_t *bytes, size_t size)
{
    wvm_module *module = NULL;
    wvm_error err;
    wvm_status st = wvm_module_new(e, bytes, size, &module, &err);
    cr_assert_eq(st, WVM_OK, "wvm_module_new: %s", err.message);
    cr_assert_not_null(module);
    return module;
}

/* Instantiates bytes in s through l (the module handle is deleted at once). */
static wvm_instance *instantiate_in(wvm_linker *l, wvm_store *s, const uint8_t *bytes,
                                    size_t size)
{
    wvm_module *module = load_in(engine, bytes, size);
    wvm_instance *inst = NULL;
    wvm_error err;
    wvm_status st = wvm_linker_instantiate(l, s, module, &inst, &err);
    wvm_module_delete(module);
    cr_assert_eq(st, WVM_OK, "instantiate: %s", err.message);
    cr_assert_not_null(inst);
    return inst;
}

#define INSTANTIATE(arr) instantiate_in(linker, store, arr, sizeof arr)

static wvm_extern get_export(const wvm_instance *inst, const char *name, wvm_externkind kind)
{
    wvm_extern ext;
    cr_assert(wvm_instance_export(inst, name, &ext), "no export %s", name);
    cr_assert_eq(ext.kind, kind, "export %s has kind %d", name, ext.kind);
    return ext;
}

static wvm_func *get_func(const wvm_instance *inst, const char *name)
{
    return get_export(inst, name, WVM_EXTERN_FUNC).of.func;
}

static wvm_global *get_global(const wvm_instance *inst, const char *name)
{
    return get_export(inst, name, WVM_EXTERN_GLOBAL).of.global;
}

static wvm_table *get_table(const wvm_instance *inst, const char *name)
{
    return get_export(inst, name, WVM_EXTERN_TABLE).of.table;
}

/* Calls f with args, expecting success and nres results. */
static void call_ok(wvm_store *s, wvm_func *f, const wvm_val *args, size_t nargs,
                    wvm_val *res, size_t nres)
{
    wvm_error err;
    wvm_status st = wvm_func_call(s, f, args, nargs, res, nres, &err);
    cr_assert_eq(st, WVM_OK, "wvm_func_call: %d %s", st, err.message);
}

/* A poisoned error report: every field a failing call must fill is wrong beforehand. */
static wvm_error poisoned_error(void)
{
    wvm_error err;
    memset(&err, 0xA5, sizeof err);
    err.message[sizeof err.message - 1] = 0;
    return err;
}

/* Checks a WVM_ERR_USAGE report: status, no trap, no function, a message. */
static void expect_usage_report(wvm_status st, const wvm_error *err)
{
    cr_assert_eq(st, WVM_ERR_USAGE, "status %d: %s", st, err->message);
    cr_assert_eq(err->status, WVM_ERR_USAGE);
    cr_assert_eq(err->trap, WVM_TRAP_NONE);
    cr_assert_eq(err->func_index, WVM_NO_FUNC);
    cr_assert_eq(err->backtrace_len, 0);
    cr_assert_gt(strlen(err->message), 0);
}

static wvm_trap_code host_nop(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                              void *env)
{
    (void)caller, (void)args, (void)results, (void)env;
    return WVM_TRAP_NONE;
}

/* Copies every argument to the result of the same position (same type lists). */
static wvm_trap_code host_echo(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                               void *env)
{
    uint32_t *n = env;
    (void)caller;
    for (uint32_t i = 0; i < *n; i++)
        results[i] = args[i];
    return WVM_TRAP_NONE;
}

/* (i32) -> (i32): returns its argument times 100. */
static wvm_trap_code host_times100(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                   void *env)
{
    (void)caller, (void)env;
    results[0].of.i32 = args[0].of.i32 * 100;
    return WVM_TRAP_NONE;
}

static const wvm_valkind k_i32[] = {WVM_I32};

static wvm_func *new_i32_func(wvm_store *s, wvm_host_callback cb, void *env)
{
    wvm_functype t = {1, 1, k_i32, k_i32};
    wvm_func *f = wvm_func_new(s, &t, cb, env, NULL);
    cr_assert_not_null(f);
    return f;
}

/* ---- version, trap names, config ---- */

Test(api, version_matches_header)
{
    const char *v = wvm_version();
    cr_assert_not_null(v);
    cr_assert_str_eq(v, WVM_VERSION_STRING);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", WVM_VERSION_MAJOR, WVM_VERSION_MINOR,
             WVM_VERSION_PATCH);
    cr_assert_str_eq(v, expected);
    cr_assert_eq(wvm_version(), v, "static storage: the same pointer every time");
}

Test(api, trap_name_of_every_code)
{
    static const struct {
        wvm_trap_code code;
        const char *name;
    } names[] = {
        {WVM_TRAP_UNREACHABLE, "unreachable"},
        {WVM_TRAP_MEMORY_OUT_OF_BOUNDS, "out of bounds memory access"},
        {WVM_TRAP_TABLE_OUT_OF_BOUNDS, "out of bounds table access"},
        {WVM_TRAP_INDIRECT_CALL_TO_NULL, "uninitialized element"},
        {WVM_TRAP_BAD_SIGNATURE, "indirect call type mismatch"},
        {WVM_TRAP_INT_DIVIDE_BY_ZERO, "integer divide by zero"},
        {WVM_TRAP_INT_OVERFLOW, "integer overflow"},
        {WVM_TRAP_INVALID_CONVERSION, "invalid conversion to integer"},
        {WVM_TRAP_STACK_OVERFLOW, "call stack exhausted"},
        {WVM_TRAP_OUT_OF_FUEL, "out of fuel"},
        {WVM_TRAP_HOST, "host error"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_assert_str_eq(wvm_trap_name(names[i].code), names[i].name, "code %d", names[i].code);

    /* WVM_TRAP_NONE has a name of its own, distinct from every trap's. */
    const char *none = wvm_trap_name(WVM_TRAP_NONE);
    cr_assert_not_null(none);
    cr_assert_gt(strlen(none), 0);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_assert_str_neq(none, names[i].name);

    /* Values that are not trap codes. */
    cr_assert_str_eq(wvm_trap_name((wvm_trap_code)(WVM_TRAP_HOST + 1)), "unknown trap");
    cr_assert_str_eq(wvm_trap_name((wvm_trap_code)1000), "unknown trap");
    cr_assert_str_eq(wvm_trap_name((wvm_trap_code)-1), "unknown trap");
}

Test(api, config_default_values)
{
    wvm_config config;
    memset(&config, 0x5A, sizeof config);
    wvm_config_default(&config);
    cr_assert_eq(config.max_memory_pages, 65536);
    cr_assert_eq(config.max_table_elems, 10000000);
    cr_assert_eq(config.max_call_depth, 10000);
    cr_assert_eq(config.value_stack_slots, 1u << 20);
    cr_assert_eq(config.metering, WVM_METER_OFF);
    cr_assert_null(config.cost_model);
}

/* ---- engine and config ---- */

Test(api, engine_config_is_copied_and_applied)
{
    wvm_config config;
    wvm_config_default(&config);
    config.max_table_elems = 4;
    wvm_engine *e = wvm_engine_new(&config);
    cr_assert_not_null(e);
    /* Copied: later changes to the struct do not reach the engine. */
    config.max_table_elems = 1000;
    wvm_store *s = wvm_store_new(e, NULL);
    cr_assert_not_null(s);
    cr_assert_not_null(wvm_table_new(s, WVM_FUNCREF, 4, 0, false, NULL));
    cr_assert_null(wvm_table_new(s, WVM_FUNCREF, 5, 0, false, NULL));
    wvm_table *t = wvm_table_new(s, WVM_EXTERNREF, 3, 0, false, NULL);
    cr_assert_not_null(t);
    uint32_t old = 99;
    cr_assert_eq(wvm_table_grow(t, 1, NULL, &old), WVM_OK);
    cr_assert_eq(old, 3);
    cr_assert_eq(wvm_table_grow(t, 1, NULL, &old), WVM_ERR_NOMEM);
    cr_assert_eq(wvm_table_size(t), 4);
    wvm_store_delete(s);
    wvm_engine_delete(e);

    /* Every metering mode is accepted; anything else is refused. */
    wvm_meter_mode modes[] = {WVM_METER_OFF, WVM_METER_NATIVE, WVM_METER_REFERENCE,
                              WVM_METER_INSTRUMENT, WVM_METER_PREMETERED};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        wvm_config_default(&config);
        config.metering = modes[i];
        e = wvm_engine_new(&config);
        cr_assert_not_null(e, "mode %d", modes[i]);
        wvm_engine_delete(e);
    }
    config.metering = (wvm_meter_mode)(WVM_METER_PREMETERED + 1);
    cr_assert_null(wvm_engine_new(&config));
    config.metering = (wvm_meter_mode)-1;
    cr_assert_null(wvm_engine_new(&config));
}

/* ---- modules ---- */

Test(api, module_new_argument_errors)
{
    wvm_module *m = (wvm_module *)&m;
    wvm_error err = poisoned_error();
    /* No output pointer. */
    expect_usage_report(wvm_module_new(engine, wasm_values, sizeof wasm_values, NULL, &err),
                        &err);
    /* No engine: *out is reset. */
    err = poisoned_error();
    expect_usage_report(wvm_module_new(NULL, wasm_values, sizeof wasm_values, &m, &err), &err);
    cr_assert_null(m);
    /* No bytes but a size. */
    m = (wvm_module *)&m;
    err = poisoned_error();
    expect_usage_report(wvm_module_new(engine, NULL, 8, &m, &err), &err);
    cr_assert_null(m);
    /* err may be NULL. */
    cr_assert_eq(wvm_module_new(engine, NULL, 8, &m, NULL), WVM_ERR_USAGE);
    cr_assert_eq(wvm_module_new(engine, wasm_invalid, sizeof wasm_invalid, &m, NULL),
                 WVM_ERR_INVALID);
    cr_assert_null(m);
    /* No bytes and no size: an empty file, not a usage error. */
    err = poisoned_error();
    cr_assert_eq(wvm_module_new(engine, NULL, 0, &m, &err), WVM_ERR_MALFORMED);
    cr_assert_eq(err.status, WVM_ERR_MALFORMED);
    cr_assert_null(m);
    cr_assert_eq(wvm_module_validate(NULL, 0, NULL), WVM_ERR_MALFORMED);
    cr_assert_eq(wvm_module_validate(NULL, 8, NULL), WVM_ERR_USAGE);
    err = poisoned_error();
    expect_usage_report(wvm_module_validate(NULL, 8, &err), &err);
}

Test(api, module_statuses)
{
    wvm_module *m = (wvm_module *)&m;
    wvm_error err = poisoned_error();

    /* Malformed: a truncated header. */
    cr_assert_eq(wvm_module_new(engine, wasm_values, 6, &m, &err), WVM_ERR_MALFORMED);
    cr_assert_eq(err.status, WVM_ERR_MALFORMED);
    cr_assert_eq(err.trap, WVM_TRAP_NONE);
    cr_assert_eq(err.backtrace_len, 0);
    cr_assert_null(m);
    cr_assert_eq(wvm_module_validate(wasm_values, 6, &err), WVM_ERR_MALFORMED);

    /* Invalid: a body of the wrong type. The report points into the code section. */
    err = poisoned_error();
    cr_assert_eq(wvm_module_new(engine, wasm_invalid, sizeof wasm_invalid, &m, &err),
                 WVM_ERR_INVALID);
    cr_assert_null(m);
    cr_assert_eq(err.status, WVM_ERR_INVALID);
    cr_assert_eq(err.trap, WVM_TRAP_NONE);
    cr_assert(strstr(err.message, "type mismatch"), "%s", err.message);
    cr_assert_gt(err.offset, 8);
    cr_assert_lt(err.offset, sizeof wasm_invalid);
    cr_assert_eq(err.func_index, 0);
    err = poisoned_error();
    cr_assert_eq(wvm_module_validate(wasm_invalid, sizeof wasm_invalid, &err), WVM_ERR_INVALID);
    cr_assert_eq(err.status, WVM_ERR_INVALID);

    /* Unsupported: SIMD. */
    err = poisoned_error();
    cr_assert_eq(wvm_module_new(engine, wasm_simd, sizeof wasm_simd, &m, &err),
                 WVM_ERR_UNSUPPORTED);
    cr_assert_null(m);
    cr_assert_eq(err.status, WVM_ERR_UNSUPPORTED);
    cr_assert(strstr(err.message, "SIMD"), "%s", err.message);
    cr_assert_eq(wvm_module_validate(wasm_simd, sizeof wasm_simd, NULL), WVM_ERR_UNSUPPORTED);

    /* Valid. */
    cr_assert_eq(wvm_module_validate(wasm_values, sizeof wasm_values, NULL), WVM_OK);
    cr_assert_eq(wvm_module_new(engine, wasm_values, sizeof wasm_values, &m, NULL), WVM_OK);
    cr_assert_not_null(m);
    wvm_module_delete(m);
    wvm_module_delete(NULL);
}

Test(api, module_copies_its_bytes)
{
    uint8_t *copy = malloc(sizeof wasm_values);
    cr_assert_not_null(copy);
    memcpy(copy, wasm_values, sizeof wasm_values);
    wvm_module *m = load_in(engine, copy, sizeof wasm_values);
    /* Scribbled over and freed: ASan reports any later read of it. */
    memset(copy, 0, sizeof wasm_values);
    free(copy);
    wvm_instance *inst = NULL;
    wvm_error err;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &inst, &err), WVM_OK, "%s",
                 err.message);
    wvm_module_delete(m);
    wvm_val arg = val_i32(41), res;
    call_ok(store, get_func(inst, "inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 42);
}

Test(api, module_in_many_stores)
{
    wvm_module *m = load_in(engine, wasm_values, sizeof wasm_values);
    wvm_store *s2 = wvm_store_new(engine, NULL);
    cr_assert_not_null(s2);
    wvm_instance *a = NULL, *b = NULL, *c = NULL;
    wvm_error err;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &a, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &b, &err), WVM_OK, "%s", err.message);
    cr_assert_eq(wvm_linker_instantiate(linker, s2, m, &c, &err), WVM_OK, "%s", err.message);
    cr_assert(a != b && a != c && b != c);
    wvm_module_delete(m);

    /* Each instance has its own globals. */
    wvm_val v = val_i32(1), out;
    cr_assert_eq(wvm_global_set(get_global(a, "gi32"), &v, &err), WVM_OK, "%s", err.message);
    v.of.i32 = 3;
    cr_assert_eq(wvm_global_set(get_global(c, "gi32"), &v, &err), WVM_OK, "%s", err.message);
    wvm_global_get(get_global(a, "gi32"), &out);
    cr_assert_eq(out.of.i32, 1);
    wvm_global_get(get_global(b, "gi32"), &out);
    cr_assert_eq(out.of.i32, -7);
    wvm_global_get(get_global(c, "gi32"), &out);
    cr_assert_eq(out.of.i32, 3);

    /* A function of one store cannot be called in another. */
    wvm_val arg = val_i32(1), res;
    err = poisoned_error();
    expect_usage_report(wvm_func_call(s2, get_func(a, "inc"), &arg, 1, &res, 1, &err), &err);
    call_ok(s2, get_func(c, "inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 2);
    wvm_store_delete(s2);
}

Test(api, module_of_another_engine)
{
    wvm_engine *e2 = wvm_engine_new(NULL);
    cr_assert_not_null(e2);
    wvm_module *m = load_in(e2, wasm_values, sizeof wasm_values);
    wvm_instance *inst = (wvm_instance *)&inst;
    wvm_error err = poisoned_error();
    expect_usage_report(wvm_linker_instantiate(linker, store, m, &inst, &err), &err);
    cr_assert_null(inst);
    cr_assert(strstr(err.message, "engine"), "%s", err.message);
    wvm_module_delete(m);
    wvm_engine_delete(e2);
}

/* ---- stores ---- */

Test(api, store_arguments)
{
    cr_assert_null(wvm_store_new(NULL, NULL));
    cr_assert_null(wvm_store_user_data(NULL));
    cr_assert_null(wvm_store_user_data(store));
    int token;
    wvm_store *s = wvm_store_new(engine, &token);
    cr_assert_not_null(s);
    cr_assert_eq(wvm_store_user_data(s), &token);
    wvm_store_delete(s);
    wvm_store_delete(NULL);
}

/* ---- deletion orders ---- */

static int finalized;
static void count_finalize(void *env)
{
    (void)env;
    finalized++;
}

/* Builds a store with an instance importing a host function, and returns the pieces. */
static void build_world(wvm_engine *e, wvm_store **s, wvm_linker **l, wvm_module **m,
                        wvm_instance **inst)
{
    *s = wvm_store_new(e, NULL);
    *l = wvm_linker_new(e);
    cr_assert(*s && *l);
    wvm_functype t = {1, 1, k_i32, k_i32};
    wvm_error err;
    cr_assert_eq(wvm_linker_define_func(*l, *s, "env", "inc", &t, host_times100, NULL,
                                        count_finalize, &err),
                 WVM_OK, "%s", err.message);
    wvm_val v = val_i32(5);
    wvm_extern g = {.kind = WVM_EXTERN_GLOBAL,
                    .of.global = wvm_global_new(*s, WVM_I32, true, &v)};
    cr_assert_eq(wvm_linker_define(*l, "env", "gi32", &g, &err), WVM_OK, "%s", err.message);
    *m = load_in(e, wasm_importer, sizeof wasm_importer);
    cr_assert_eq(wvm_linker_instantiate(*l, *s, *m, inst, &err), WVM_OK, "%s", err.message);
    wvm_val arg = val_i32(3), res;
    call_ok(*s, get_func(*inst, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 300);
}

Test(api, delete_module_before_instance)
{
    wvm_engine *e = wvm_engine_new(NULL);
    wvm_store *s;
    wvm_linker *l;
    wvm_module *m;
    wvm_instance *inst;
    finalized = 0;
    build_world(e, &s, &l, &m, &inst);
    wvm_module_delete(m);
    wvm_linker_delete(l);
    /* The instance keeps its code, names and imports. */
    wvm_val arg = val_i32(4), res;
    call_ok(s, get_func(inst, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 400);
    call_ok(s, get_func(inst, "read_g"), NULL, 0, &res, 1);
    cr_assert_eq(res.of.i32, 5);
    cr_assert_eq(finalized, 0);
    wvm_store_delete(s);
    cr_assert_eq(finalized, 1);
    wvm_engine_delete(e);
}

Test(api, delete_store_before_module_and_linker)
{
    wvm_engine *e = wvm_engine_new(NULL);
    wvm_store *s;
    wvm_linker *l;
    wvm_module *m;
    wvm_instance *inst;
    finalized = 0;
    build_world(e, &s, &l, &m, &inst);
    wvm_store_delete(s);
    cr_assert_eq(finalized, 1);
    /* The linker still names the dead store's items; deleting it does not touch them. */
    wvm_linker_delete(l);
    /* The module outlives the instance that held a reference to it, and is still usable. */
    wvm_store *s2 = wvm_store_new(e, NULL);
    wvm_linker *l2 = wvm_linker_new(e);
    wvm_instance *inst2 = NULL;
    wvm_error err;
    cr_assert_eq(wvm_linker_instantiate(l2, s2, m, &inst2, &err), WVM_ERR_UNLINKABLE);
    cr_assert_null(inst2);
    wvm_module_delete(m);
    wvm_linker_delete(l2);
    wvm_store_delete(s2);
    wvm_engine_delete(e);
}

Test(api, delete_linker_first_then_module_then_store)
{
    wvm_engine *e = wvm_engine_new(NULL);
    wvm_store *s;
    wvm_linker *l;
    wvm_module *m;
    wvm_instance *inst;
    finalized = 0;
    build_world(e, &s, &l, &m, &inst);
    wvm_linker_delete(l);
    wvm_module_delete(m);
    wvm_val arg = val_i32(-1), res;
    call_ok(s, get_func(inst, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, -100);
    wvm_store_delete(s);
    cr_assert_eq(finalized, 1);
    wvm_engine_delete(e);
}

Test(api, delete_cost_model_after_engine_new)
{
    wvm_cost_model *model = wvm_cost_model_preset("uniform");
    cr_assert_not_null(model);
    wvm_config config;
    wvm_config_default(&config);
    config.metering = WVM_METER_NATIVE;
    config.cost_model = model;
    wvm_engine *e = wvm_engine_new(&config);
    cr_assert_not_null(e);
    wvm_cost_model_delete(model);
    wvm_store *s = wvm_store_new(e, NULL);
    wvm_linker *l = wvm_linker_new(e);
    wvm_module *m = load_in(e, wasm_values, sizeof wasm_values);
    wvm_instance *inst = NULL;
    wvm_error err;
    cr_assert_eq(wvm_linker_instantiate(l, s, m, &inst, &err), WVM_OK, "%s", err.message);
    wvm_store_set_fuel(s, 100);
    wvm_val arg = val_i32(1), res;
    call_ok(s, get_func(inst, "inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 2);
    cr_assert_lt(wvm_store_fuel(s), 100);
    /* Stores and modules go before their engine. */
    wvm_linker_delete(l);
    wvm_store_delete(s);
    wvm_module_delete(m);
    wvm_engine_delete(e);
}

Test(api, delete_null_handles)
{
    /* Every *_delete accepts NULL. */
    wvm_engine_delete(NULL);
    wvm_module_delete(NULL);
    wvm_store_delete(NULL);
    wvm_linker_delete(NULL);
    wvm_cost_model_delete(NULL);
    wvm_resumable_delete(NULL);
    /* The fixture's objects are untouched. */
    wvm_module *m = load_in(engine, wasm_values, sizeof wasm_values);
    cr_assert_not_null(m);
    wvm_module_delete(m);
}

/* ---- linker ---- */

Test(api, linker_argument_errors)
{
    cr_assert_null(wvm_linker_new(NULL));
    wvm_func *f = new_i32_func(store, host_times100, NULL);
    wvm_extern item = {.kind = WVM_EXTERN_FUNC, .of.func = f};
    wvm_error err = poisoned_error();
    expect_usage_report(wvm_linker_define(NULL, "env", "inc", &item, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define(linker, NULL, "inc", &item, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define(linker, "env", NULL, &item, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define(linker, "env", "inc", NULL, &err), &err);
    cr_assert_eq(wvm_linker_define(linker, "env", "inc", NULL, NULL), WVM_ERR_USAGE);

    /* An extern with a NULL object, of every kind, or of no kind at all. */
    wvm_externkind kinds[] = {WVM_EXTERN_FUNC, WVM_EXTERN_TABLE, WVM_EXTERN_MEMORY,
                              WVM_EXTERN_GLOBAL};
    for (size_t i = 0; i < 4; i++) {
        wvm_extern empty = {.kind = kinds[i], .of.func = NULL};
        err = poisoned_error();
        expect_usage_report(wvm_linker_define(linker, "env", "inc", &empty, &err), &err);
    }
    wvm_extern bogus = {.kind = (wvm_externkind)7, .of.func = f};
    err = poisoned_error();
    expect_usage_report(wvm_linker_define(linker, "env", "inc", &bogus, &err), &err);

    /* None of the failures defined anything. */
    wvm_module *m = load_in(engine, wasm_importer, sizeof wasm_importer);
    wvm_instance *inst = (wvm_instance *)&inst;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &inst, &err), WVM_ERR_UNLINKABLE);
    cr_assert_null(inst);
    cr_assert(strstr(err.message, "\"env\" \"inc\""), "%s", err.message);

    /* define_instance. */
    wvm_instance *values = INSTANTIATE(wasm_values);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_instance(NULL, "env", values, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_instance(linker, NULL, values, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_instance(linker, "env", NULL, &err), &err);

    /* instantiate. */
    inst = (wvm_instance *)&inst;
    err = poisoned_error();
    expect_usage_report(wvm_linker_instantiate(NULL, store, m, &inst, &err), &err);
    cr_assert_null(inst);
    inst = (wvm_instance *)&inst;
    err = poisoned_error();
    expect_usage_report(wvm_linker_instantiate(linker, NULL, m, &inst, &err), &err);
    cr_assert_null(inst);
    inst = (wvm_instance *)&inst;
    err = poisoned_error();
    expect_usage_report(wvm_linker_instantiate(linker, store, NULL, &inst, &err), &err);
    cr_assert_null(inst);
    err = poisoned_error();
    expect_usage_report(wvm_linker_instantiate(linker, store, m, NULL, &err), &err);
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, NULL, NULL), WVM_ERR_USAGE);
    wvm_module_delete(m);
}

Test(api, linker_redefinition_replaces)
{
    wvm_module *m = load_in(engine, wasm_importer, sizeof wasm_importer);
    wvm_val v = val_i32(11), arg = val_i32(7), res;
    wvm_extern g = {.kind = WVM_EXTERN_GLOBAL,
                    .of.global = wvm_global_new(store, WVM_I32, true, &v)};
    wvm_error err;
    cr_assert_eq(wvm_linker_define(linker, "env", "gi32", &g, &err), WVM_OK, "%s", err.message);

    /* First a host function. */
    wvm_extern host = {.kind = WVM_EXTERN_FUNC,
                       .of.func = new_i32_func(store, host_times100, NULL)};
    cr_assert_eq(wvm_linker_define(linker, "env", "inc", &host, &err), WVM_OK, "%s",
                 err.message);
    wvm_instance *first = NULL;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &first, &err), WVM_OK, "%s",
                 err.message);
    call_ok(store, get_func(first, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 700);

    /* Then every export of an instance, "inc" and "gi32" among them, replaces it. */
    wvm_instance *values = INSTANTIATE(wasm_values);
    cr_assert_eq(wvm_linker_define_instance(linker, "env", values, &err), WVM_OK, "%s",
                 err.message);
    wvm_instance *second = NULL;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &second, &err), WVM_OK, "%s",
                 err.message);
    call_ok(store, get_func(second, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 8);
    call_ok(store, get_func(second, "read_g"), NULL, 0, &res, 1);
    cr_assert_eq(res.of.i32, -7);
    /* The earlier instance keeps what it was linked with. */
    call_ok(store, get_func(first, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 700);
    call_ok(store, get_func(first, "read_g"), NULL, 0, &res, 1);
    cr_assert_eq(res.of.i32, 11);

    /* And a single definition replaces one export again. */
    cr_assert_eq(wvm_linker_define(linker, "env", "inc", &host, &err), WVM_OK, "%s",
                 err.message);
    wvm_instance *third = NULL;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &third, &err), WVM_OK, "%s",
                 err.message);
    call_ok(store, get_func(third, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 700);
    call_ok(store, get_func(third, "read_g"), NULL, 0, &res, 1);
    cr_assert_eq(res.of.i32, -7);
    wvm_module_delete(m);
}

Test(api, linker_items_of_another_store)
{
    wvm_store *other = wvm_store_new(engine, NULL);
    cr_assert_not_null(other);
    wvm_module *m = load_in(engine, wasm_importer, sizeof wasm_importer);
    /* Through define_instance: an instance of the other store. */
    wvm_instance *values = instantiate_in(linker, other, wasm_values, sizeof wasm_values);
    wvm_error err;
    cr_assert_eq(wvm_linker_define_instance(linker, "env", values, &err), WVM_OK, "%s",
                 err.message);
    wvm_instance *inst = (wvm_instance *)&inst;
    err = poisoned_error();
    wvm_status st = wvm_linker_instantiate(linker, store, m, &inst, &err);
    cr_assert_eq(st, WVM_ERR_USAGE, "%d: %s", st, err.message);
    cr_assert_eq(err.status, WVM_ERR_USAGE);
    cr_assert(strstr(err.message, "different store"), "%s", err.message);
    cr_assert_null(inst);
    /* The same linker instantiates into the other store. */
    cr_assert_eq(wvm_linker_instantiate(linker, other, m, &inst, &err), WVM_OK, "%s",
                 err.message);
    wvm_val arg = val_i32(1), res;
    call_ok(other, get_func(inst, "call_inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 2);
    wvm_module_delete(m);
    wvm_store_delete(other);
}

/* ---- instances and exports ---- */

Test(api, export_lookups)
{
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_extern ext, untouched;
    memset(&untouched, 0x3C, sizeof untouched);

    /* Unknown names, NULL instance or name: false, out untouched. */
    ext = untouched;
    cr_assert(!wvm_instance_export(inst, "no such export", &ext));
    cr_assert(!wvm_instance_export(inst, "INC", &ext));
    cr_assert(!wvm_instance_export(NULL, "inc", &ext));
    cr_assert(!wvm_instance_export(inst, NULL, &ext));
    cr_assert(!wvm_instance_export_n(inst, NULL, 3, &ext));
    cr_assert(!wvm_instance_export_n(NULL, "inc", 3, &ext));
    cr_assert(!wvm_instance_export_n(inst, "inc", 2, &ext), "a prefix is not a name");
    cr_assert(!wvm_instance_export_n(inst, "incx", 4, &ext));
    cr_assert_eq(memcmp(&ext, &untouched, sizeof ext), 0);

    /* Presence without an output. */
    cr_assert(wvm_instance_export(inst, "inc", NULL));
    cr_assert(wvm_instance_export_n(inst, "incx", 3, NULL));

    /* The empty name is a name like any other. */
    cr_assert(wvm_instance_export(inst, "", &ext));
    cr_assert_eq(ext.kind, WVM_EXTERN_FUNC);
    cr_assert_eq(ext.of.func, get_func(inst, "inc"));
    cr_assert(wvm_instance_export_n(inst, "", 0, &ext));
    cr_assert_eq(ext.of.func, get_func(inst, "inc"));

    /* Every kind, and the same object on every lookup. */
    cr_assert_eq(get_export(inst, "mem", WVM_EXTERN_MEMORY).of.memory,
                 get_export(inst, "mem", WVM_EXTERN_MEMORY).of.memory);
    cr_assert_not_null(get_table(inst, "tab"));
    cr_assert_not_null(get_global(inst, "gi32"));

    /* The typed lookups: NULL for another kind, an unknown name, NULL arguments. */
    cr_assert_eq(wvm_instance_func(inst, "inc"), get_func(inst, "inc"));
    cr_assert_null(wvm_instance_func(inst, "mem"));
    cr_assert_null(wvm_instance_func(inst, "nope"));
    cr_assert_null(wvm_instance_func(NULL, "inc"));
    cr_assert_null(wvm_instance_func(inst, NULL));
    cr_assert_eq(wvm_instance_memory(inst, "mem"),
                 get_export(inst, "mem", WVM_EXTERN_MEMORY).of.memory);
    cr_assert_null(wvm_instance_memory(inst, "tab"));
    cr_assert_null(wvm_instance_memory(NULL, "mem"));
    cr_assert_null(wvm_instance_memory(inst, NULL));
    cr_assert_eq(wvm_instance_table(inst, "etab"), get_table(inst, "etab"));
    cr_assert_null(wvm_instance_table(inst, "gi32"));
    cr_assert_null(wvm_instance_table(NULL, "tab"));
    cr_assert_null(wvm_instance_table(inst, NULL));
    cr_assert_eq(wvm_instance_global(inst, "gf64"), get_global(inst, "gf64"));
    cr_assert_null(wvm_instance_global(inst, "inc"));
    cr_assert_null(wvm_instance_global(NULL, "gi32"));
    cr_assert_null(wvm_instance_global(inst, NULL));
}

/* ---- function types ---- */

Test(api, func_type_queries)
{
    static const wvm_valkind all[] = {WVM_I32,  WVM_I64,     WVM_F32,
                                      WVM_F64,  WVM_FUNCREF, WVM_EXTERNREF};
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_func *id = get_func(inst, "id_all");
    uint32_t n = 6;
    wvm_functype t = {6, 6, all, all};
    wvm_func *host = wvm_func_new(store, &t, host_echo, &n, NULL);
    cr_assert_not_null(host);
    wvm_func *funcs[] = {id, host};
    for (size_t f = 0; f < 2; f++) {
        cr_assert_eq(wvm_func_param_count(funcs[f]), 6);
        cr_assert_eq(wvm_func_result_count(funcs[f]), 6);
        for (uint32_t i = 0; i < 6; i++) {
            cr_assert_eq(wvm_func_param_kind(funcs[f], i), all[i]);
            cr_assert_eq(wvm_func_result_kind(funcs[f], i), all[i]);
        }
        /* Out of range. */
        cr_assert_eq(wvm_func_param_kind(funcs[f], 6), 0);
        cr_assert_eq(wvm_func_result_kind(funcs[f], 6), 0);
        cr_assert_eq(wvm_func_param_kind(funcs[f], UINT32_MAX), 0);
        wvm_functype out;
        cr_assert(wvm_func_type(funcs[f], &out));
        cr_assert_eq(out.nparams, 6);
        cr_assert_eq(out.nresults, 6);
        cr_assert_arr_eq(out.params, all, sizeof all);
        cr_assert_arr_eq(out.results, all, sizeof all);
    }
    /* NULL func. */
    cr_assert_eq(wvm_func_param_count(NULL), 0);
    cr_assert_eq(wvm_func_result_count(NULL), 0);
    cr_assert_eq(wvm_func_param_kind(NULL, 0), 0);
    cr_assert_eq(wvm_func_result_kind(NULL, 0), 0);
    wvm_functype untouched = {99, 98, NULL, NULL}, out = untouched;
    cr_assert(!wvm_func_type(NULL, &out));
    cr_assert(!wvm_func_type(id, NULL));
    cr_assert_eq(out.nparams, 99);
    cr_assert_eq(out.nresults, 98);

    /* The type was copied by wvm_func_new: the caller's arrays may change. */
    wvm_valkind mutable_kinds[] = {WVM_I64};
    wvm_functype t2 = {1, 0, mutable_kinds, NULL};
    wvm_func *h2 = wvm_func_new(store, &t2, host_nop, NULL, NULL);
    cr_assert_not_null(h2);
    mutable_kinds[0] = WVM_F32;
    cr_assert_eq(wvm_func_param_kind(h2, 0), WVM_I64);
    cr_assert_eq(wvm_func_result_count(h2), 0);
}

/* ---- host functions ---- */

Test(api, func_new_argument_errors)
{
    static const wvm_valkind bad[] = {WVM_I32, (wvm_valkind)0x7B /* v128 */};
    static const wvm_valkind wide[] = {(wvm_valkind)(0x100 | WVM_I32)};
    wvm_functype t = {1, 1, k_i32, k_i32};
    finalized = 0;
    cr_assert_null(wvm_func_new(NULL, &t, host_nop, NULL, count_finalize));
    cr_assert_null(wvm_func_new(store, NULL, host_nop, NULL, count_finalize));
    cr_assert_null(wvm_func_new(store, &t, NULL, NULL, count_finalize));
    wvm_functype no_params = {1, 0, NULL, NULL};
    cr_assert_null(wvm_func_new(store, &no_params, host_nop, NULL, count_finalize));
    wvm_functype no_results = {0, 1, NULL, NULL};
    cr_assert_null(wvm_func_new(store, &no_results, host_nop, NULL, count_finalize));
    wvm_functype bad_param = {2, 0, bad, NULL};
    cr_assert_null(wvm_func_new(store, &bad_param, host_nop, NULL, count_finalize));
    wvm_functype bad_result = {0, 2, NULL, bad};
    cr_assert_null(wvm_func_new(store, &bad_result, host_nop, NULL, count_finalize));
    wvm_functype wide_param = {1, 0, wide, NULL};
    cr_assert_null(wvm_func_new(store, &wide_param, host_nop, NULL, count_finalize));
    /* The finalizer of a function that was never created never runs. */
    wvm_store *s = wvm_store_new(engine, NULL);
    cr_assert_null(wvm_func_new(s, &bad_param, host_nop, NULL, count_finalize));
    wvm_store_delete(s);
    cr_assert_eq(finalized, 0);

    /* An empty type, with NULL arrays, is fine; so is a NULL finalizer. */
    wvm_functype empty = {0, 0, NULL, NULL};
    wvm_func *f = wvm_func_new(store, &empty, host_nop, NULL, NULL);
    cr_assert_not_null(f);
    call_ok(store, f, NULL, 0, NULL, 0);
}

typedef struct {
    int calls;
    int finalized;
} fin_env;

static void fin_count(void *env) { ((fin_env *)env)->finalized++; }

Test(api, finalizers_run_once_per_function)
{
    fin_env a = {0}, b = {0};
    wvm_store *s = wvm_store_new(engine, NULL);
    wvm_functype t = {0, 0, NULL, NULL};
    /* Two functions sharing one env, one never called. */
    wvm_func *f1 = wvm_func_new(s, &t, host_nop, &a, fin_count);
    wvm_func *f2 = wvm_func_new(s, &t, host_nop, &a, fin_count);
    cr_assert(f1 && f2 && f1 != f2);
    cr_assert_not_null(wvm_func_new(s, &t, host_nop, &b, fin_count));
    call_ok(s, f1, NULL, 0, NULL, 0);
    cr_assert_eq(a.finalized, 0);
    wvm_store_delete(s);
    cr_assert_eq(a.finalized, 2);
    cr_assert_eq(b.finalized, 1);
}

/* A host function returning the trap code in *env after setting a message. */
typedef struct {
    wvm_trap_code code;
    const char *message; /* NULL: wvm_caller_set_trap_message(caller, NULL) */
    bool set_message;
} trap_env;

static wvm_trap_code host_trap(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                               void *env)
{
    trap_env *t = env;
    (void)args, (void)results;
    if (t->set_message) {
        /* The message is copied: this buffer is gone when the trap is reported. */
        char buf[600];
        if (t->message) {
            snprintf(buf, sizeof buf, "%s", t->message);
            wvm_caller_set_trap_message(caller, buf);
            memset(buf, 'X', sizeof buf - 1);
            buf[sizeof buf - 1] = 0;
        } else {
            wvm_caller_set_trap_message(caller, NULL);
        }
    }
    return t->code;
}

Test(api, host_trap_codes_and_messages)
{
    trap_env t = {WVM_TRAP_NONE, NULL, false};
    wvm_func *h = new_i32_func(store, host_trap, &t);
    wvm_extern item = {.kind = WVM_EXTERN_FUNC, .of.func = h};
    wvm_error err;
    cr_assert_eq(wvm_linker_define(linker, "env", "h", &item, &err), WVM_OK, "%s", err.message);
    wvm_instance *inst = INSTANTIATE(wasm_host_calls);
    wvm_func *run = get_func(inst, "run");
    wvm_val arg = val_i32(1), res;

    /* Any trap code passes through, called from Wasm or directly. */
    for (int code = WVM_TRAP_UNREACHABLE; code <= WVM_TRAP_HOST; code++) {
        t = (trap_env){(wvm_trap_code)code, "custom reason", true};
        wvm_func *targets[] = {run, h};
        for (size_t i = 0; i < 2; i++) {
            err = poisoned_error();
            cr_assert_eq(wvm_func_call(store, targets[i], &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
            cr_assert_eq(err.status, WVM_ERR_TRAP);
            cr_assert_eq((int)err.trap, code, "code %d, got %d", code, (int)err.trap);
            cr_assert(strstr(err.message, "custom reason"), "%s", err.message);
            cr_assert_null(strstr(err.message, "XXX"), "%s", err.message);
        }
    }
    /* A value that is not a trap code is a host error. */
    t = (trap_env){(wvm_trap_code)77, "odd code", true};
    cr_assert_eq(wvm_func_call(store, run, &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_HOST);

    /* A message longer than the report is cut, not overflowed (ASan watches). */
    char longmsg[500];
    memset(longmsg, 'm', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = 0;
    t = (trap_env){WVM_TRAP_HOST, longmsg, true};
    cr_assert_eq(wvm_func_call(store, run, &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_HOST);
    cr_assert_lt(strlen(err.message), sizeof err.message);
    cr_assert(strstr(err.message, "mmmm"), "%s", err.message);

    /* A NULL message, or none: the trap is reported without a stale message. */
    t = (trap_env){WVM_TRAP_HOST, NULL, true};
    cr_assert_eq(wvm_func_call(store, run, &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_HOST);
    cr_assert_null(strstr(err.message, "mmmm"), "%s", err.message);
    t = (trap_env){WVM_TRAP_HOST, NULL, false};
    cr_assert_eq(wvm_func_call(store, run, &arg, 1, &res, 1, &err), WVM_ERR_TRAP);
    cr_assert_null(strstr(err.message, "custom reason"), "%s", err.message);

    /* And the function works again. */
    t = (trap_env){WVM_TRAP_NONE, NULL, false};
    cr_assert_eq(wvm_func_call(store, run, &arg, 1, &res, 1, &err), WVM_OK, "%s", err.message);
}

/* Records what the caller functions answer inside a callback. */
typedef struct {
    wvm_store *store;
    wvm_instance *instance;
    bool has_mem;
    bool has_inc;
    wvm_memory *mem;
    wvm_memory *not_memory;
    bool untouched;
} caller_seen;

static wvm_trap_code host_inspect(wvm_caller *caller, const wvm_val *args, wvm_val *results,
                                  void *env)
{
    caller_seen *s = env;
    (void)args;
    s->store = wvm_caller_store(caller);
    s->instance = wvm_caller_instance(caller);
    wvm_extern ext, poison;
    memset(&poison, 0x77, sizeof poison);
    ext = poison;
    s->has_inc = wvm_caller_export(caller, "run", &ext) && ext.kind == WVM_EXTERN_FUNC;
    wvm_extern ext2 = poison;
    bool found = wvm_caller_export(caller, "nope", &ext2) || wvm_caller_export(caller, NULL, &ext2);
    s->untouched = !found && memcmp(&ext2, &poison, sizeof poison) == 0;
    s->mem = wvm_caller_memory(caller, "memory");
    s->not_memory = wvm_caller_memory(caller, "run");
    s->has_mem = s->mem != NULL;
    results[0].of.i32 = 0;
    return WVM_TRAP_NONE;
}

Test(api, caller_queries)
{
    /* Called directly by the host: a store but no instance, no exports. */
    caller_seen seen;
    memset(&seen, 0, sizeof seen);
    wvm_func *h = new_i32_func(store, host_inspect, &seen);
    wvm_val arg = val_i32(0), res;
    call_ok(store, h, &arg, 1, &res, 1);
    cr_assert_eq(seen.store, store);
    cr_assert_null(seen.instance);
    cr_assert(!seen.has_inc);
    cr_assert_null(seen.mem);
    cr_assert(seen.untouched);

    /* Called from Wasm: the calling instance's exports (wasm_host_calls has no memory). */
    wvm_extern item = {.kind = WVM_EXTERN_FUNC, .of.func = h};
    cr_assert_eq(wvm_linker_define(linker, "env", "h", &item, NULL), WVM_OK);
    wvm_instance *inst = INSTANTIATE(wasm_host_calls);
    memset(&seen, 0, sizeof seen);
    call_ok(store, get_func(inst, "run"), &arg, 1, &res, 1);
    cr_assert_eq(seen.store, store);
    cr_assert_eq(seen.instance, inst);
    cr_assert(seen.has_inc);
    cr_assert_null(seen.mem);
    cr_assert_null(seen.not_memory);
    cr_assert(seen.untouched);

    /* NULL callers. */
    cr_assert_null(wvm_caller_store(NULL));
    cr_assert_null(wvm_caller_instance(NULL));
    wvm_extern ext;
    cr_assert(!wvm_caller_export(NULL, "run", &ext));
    cr_assert_null(wvm_caller_memory(NULL, "memory"));
    wvm_caller_set_trap_message(NULL, "ignored");
}

/* ---- calls and values ---- */

Test(api, func_call_argument_errors)
{
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_func *inc = get_func(inst, "inc");
    wvm_val arg = val_i32(1), res;
    wvm_error err = poisoned_error();
    expect_usage_report(wvm_func_call(NULL, inc, &arg, 1, &res, 1, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_func_call(store, NULL, &arg, 1, &res, 1, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_func_call(store, inc, NULL, 1, &res, 1, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_func_call(store, inc, &arg, 1, NULL, 1, &err), &err);
    cr_assert(strstr(err.message, "result"), "%s", err.message);
    cr_assert_eq(wvm_func_call(store, inc, &arg, 1, NULL, 1, NULL), WVM_ERR_USAGE);
    /* A kind whose low byte is right but which is not a wvm_valkind. */
    wvm_val wide = {.kind = (wvm_valkind)(0x100 | WVM_I32), .of.i32 = 1};
    err = poisoned_error();
    expect_usage_report(wvm_func_call(store, inc, &wide, 1, &res, 1, &err), &err);
    cr_assert(strstr(err.message, "argument 0"), "%s", err.message);

    /* A funcref argument of another store. */
    wvm_store *other = wvm_store_new(engine, NULL);
    wvm_func *foreign = new_i32_func(other, host_times100, NULL);
    wvm_func *is_null = get_func(inst, "is_null_func");
    wvm_val fr = val_func(foreign);
    err = poisoned_error();
    expect_usage_report(wvm_func_call(store, is_null, &fr, 1, &res, 1, &err), &err);
    cr_assert(strstr(err.message, "different store"), "%s", err.message);
    wvm_store_delete(other);

    /* None of it ran anything: the function still works. */
    call_ok(store, inc, &arg, 1, &res, 1);
    cr_assert_eq(res.kind, WVM_I32);
    cr_assert_eq(res.of.i32, 2);
}

/* The bit patterns of the round trips: NaNs with payloads (quiet and signalling, both
 * signs), infinities, negative zero, subnormals. */
static const uint32_t f32_patterns[] = {
    0x7fc00000, 0x7fa00001, 0xffc12345, 0xff800001, 0x7f800000,
    0x80000000, 0x00000001, 0x3fc00000, 0x7fbfffff,
};
static const uint64_t f64_patterns[] = {
    0x7ff8000000000000, 0x7ff4000000000001, 0xfff8000000abcdef, 0xfff0000000000001,
    0x7ff0000000000000, 0x8000000000000000, 0x0000000000000001, 0x3ff8000000000000,
    0x7ff7ffffffffffff,
};
#define NPATTERNS (sizeof f32_patterns / sizeof f32_patterns[0])

Test(api, float_bits_round_trip_through_calls)
{
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_func *f32_bits = get_func(inst, "f32_bits"), *f64_bits = get_func(inst, "f64_bits");
    wvm_func *bits_f32 = get_func(inst, "bits_f32"), *bits_f64 = get_func(inst, "bits_f64");
    for (size_t i = 0; i < NPATTERNS; i++) {
        /* Host -> Wasm: the argument's bits reach the code. */
        wvm_val arg = val_f32_bits(f32_patterns[i]), res;
        call_ok(store, f32_bits, &arg, 1, &res, 1);
        cr_assert_eq(res.kind, WVM_I32);
        cr_assert_eq((uint32_t)res.of.i32, f32_patterns[i], "%08x", f32_patterns[i]);
        arg = val_f64_bits(f64_patterns[i]);
        call_ok(store, f64_bits, &arg, 1, &res, 1);
        cr_assert_eq(res.kind, WVM_I64);
        cr_assert_eq((uint64_t)res.of.i64, f64_patterns[i], "%016llx",
                     (unsigned long long)f64_patterns[i]);
        /* Wasm -> host: the result's bits reach the caller. */
        arg = val_i32((int32_t)f32_patterns[i]);
        call_ok(store, bits_f32, &arg, 1, &res, 1);
        cr_assert_eq(res.kind, WVM_F32);
        cr_assert_eq(res.of.f32_bits, f32_patterns[i], "%08x", f32_patterns[i]);
        arg = val_i64((int64_t)f64_patterns[i]);
        call_ok(store, bits_f64, &arg, 1, &res, 1);
        cr_assert_eq(res.kind, WVM_F64);
        cr_assert_eq(res.of.f64_bits, f64_patterns[i], "%016llx",
                     (unsigned long long)f64_patterns[i]);
    }
}

Test(api, every_kind_round_trips_through_calls)
{
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_func *id_all = get_func(inst, "id_all"), *inc = get_func(inst, "inc");
    static const wvm_valkind all[] = {WVM_I32,  WVM_I64,     WVM_F32,
                                      WVM_F64,  WVM_FUNCREF, WVM_EXTERNREF};
    uint32_t n = 6;
    wvm_functype t = {6, 6, all, all};
    wvm_func *echo = wvm_func_new(store, &t, host_echo, &n, NULL);
    cr_assert_not_null(echo);
    int token;
    wvm_func *targets[] = {id_all, echo};
    for (size_t f = 0; f < 2; f++) {
        for (int nulls = 0; nulls < 2; nulls++) {
            wvm_val args[6] = {
                val_i32(INT32_MIN),
                val_i64(INT64_MIN + 3),
                val_f32_bits(0x7fa00001),
                val_f64_bits(0xfff4000000000001),
                val_func(nulls ? NULL : inc),
                val_ext(nulls ? NULL : &token),
            };
            wvm_val res[6];
            memset(res, 0xEE, sizeof res);
            call_ok(store, targets[f], args, 6, res, 6);
            for (int i = 0; i < 6; i++)
                cr_assert_eq(res[i].kind, all[i], "result %d", i);
            cr_assert_eq(res[0].of.i32, INT32_MIN);
            cr_assert_eq(res[1].of.i64, INT64_MIN + 3);
            cr_assert_eq(res[2].of.f32_bits, 0x7fa00001);
            cr_assert_eq(res[3].of.f64_bits, 0xfff4000000000001);
            cr_assert_eq(res[4].of.funcref, nulls ? NULL : inc);
            cr_assert_eq(res[5].of.externref, nulls ? NULL : (void *)&token);
        }
    }

    /* A funcref made by Wasm is the export itself, and callable. */
    wvm_val r;
    call_ok(store, get_func(inst, "ref_inc"), NULL, 0, &r, 1);
    cr_assert_eq(r.kind, WVM_FUNCREF);
    cr_assert_eq(r.of.funcref, inc);
    wvm_val arg = val_i32(9);
    call_ok(store, r.of.funcref, &arg, 1, &r, 1);
    cr_assert_eq(r.of.i32, 10);

    /* Null references are nulls to Wasm. */
    wvm_val en = val_ext(NULL), fn = val_func(NULL), ex = val_ext(&token), fx = val_func(inc);
    call_ok(store, get_func(inst, "is_null_ext"), &en, 1, &r, 1);
    cr_assert_eq(r.of.i32, 1);
    call_ok(store, get_func(inst, "is_null_ext"), &ex, 1, &r, 1);
    cr_assert_eq(r.of.i32, 0);
    call_ok(store, get_func(inst, "is_null_func"), &fn, 1, &r, 1);
    cr_assert_eq(r.of.i32, 1);
    call_ok(store, get_func(inst, "is_null_func"), &fx, 1, &r, 1);
    cr_assert_eq(r.of.i32, 0);
}

Test(api, many_values_round_trip)
{
    /* 9 arguments and 9 results: more than the calls convert on the C stack. */
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_func *id_many = get_func(inst, "id_many");
    wvm_val args[9] = {
        val_i32(1),
        val_i64(-2),
        val_f32_bits(0x7fc00001),
        val_f64_bits(0x1),
        val_i32(-5),
        val_i64(INT64_MAX),
        val_f32_bits(0x80000000),
        val_f64_bits(0x7ff0000000000001),
        val_i32(9),
    };
    wvm_val res[9];
    call_ok(store, id_many, args, 9, res, 9);
    for (int i = 0; i < 9; i++) {
        cr_assert_eq(res[i].kind, args[i].kind, "result %d", i);
        switch (args[i].kind) {
        case WVM_I32:
            cr_assert_eq(res[i].of.i32, args[i].of.i32, "result %d", i);
            break;
        case WVM_I64:
            cr_assert_eq(res[i].of.i64, args[i].of.i64, "result %d", i);
            break;
        case WVM_F32:
            cr_assert_eq(res[i].of.f32_bits, args[i].of.f32_bits, "result %d", i);
            break;
        default:
            cr_assert_eq(res[i].of.f64_bits, args[i].of.f64_bits, "result %d", i);
            break;
        }
    }
    wvm_error err = poisoned_error();
    expect_usage_report(wvm_func_call(store, id_many, args, 9, res, 8, &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_func_call(store, id_many, args, 8, res, 9, &err), &err);
}

/* ---- globals ---- */

Test(api, global_new_errors)
{
    wvm_val v = val_i32(1);
    cr_assert_null(wvm_global_new(NULL, WVM_I32, false, &v));
    cr_assert_null(wvm_global_new(store, (wvm_valkind)0x7B, false, NULL));
    cr_assert_null(wvm_global_new(store, (wvm_valkind)0, false, NULL));
    /* A value of another kind. */
    cr_assert_null(wvm_global_new(store, WVM_I64, false, &v));
    wvm_val wide = {.kind = (wvm_valkind)(0x100 | WVM_I32), .of.i32 = 1};
    cr_assert_null(wvm_global_new(store, WVM_I32, false, &wide));
    wvm_val ext = val_ext(NULL);
    cr_assert_null(wvm_global_new(store, WVM_FUNCREF, true, &ext));
    /* A funcref of another store. */
    wvm_store *other = wvm_store_new(engine, NULL);
    wvm_val fr = val_func(new_i32_func(other, host_times100, NULL));
    cr_assert_null(wvm_global_new(store, WVM_FUNCREF, true, &fr));
    cr_assert_not_null(wvm_global_new(other, WVM_FUNCREF, true, &fr));
    wvm_store_delete(other);
}

Test(api, global_kinds_and_access_errors)
{
    static const wvm_valkind all[] = {WVM_I32,  WVM_I64,     WVM_F32,
                                      WVM_F64,  WVM_FUNCREF, WVM_EXTERNREF};
    wvm_func *f = new_i32_func(store, host_times100, NULL);
    int token;
    wvm_val vals[6] = {val_i32(-3),           val_i64(1LL << 40), val_f32_bits(0xffc00001),
                       val_f64_bits(0x7ff4000000000002), val_func(f), val_ext(&token)};
    for (int i = 0; i < 6; i++) {
        for (int mut = 0; mut < 2; mut++) {
            wvm_global *g = wvm_global_new(store, all[i], mut, &vals[i]);
            cr_assert_not_null(g, "kind %d", all[i]);
            cr_assert_eq(wvm_global_kind(g), all[i]);
            cr_assert_eq(wvm_global_is_mutable(g), mut);
            wvm_val out;
            memset(&out, 0, sizeof out);
            wvm_global_get(g, &out);
            cr_assert_eq(out.kind, all[i]);
            cr_assert_eq(memcmp(&out.of, &vals[i].of,
                                all[i] == WVM_I32 || all[i] == WVM_F32 ? 4 : sizeof out.of),
                         0, "kind %d", all[i]);
            /* Setting: a value of every other kind is refused. */
            wvm_error err;
            for (int j = 0; j < 6; j++) {
                if (j == i)
                    continue;
                err = poisoned_error();
                expect_usage_report(wvm_global_set(g, &vals[j], &err), &err);
            }
            err = poisoned_error();
            wvm_status st = wvm_global_set(g, &vals[i], &err);
            if (mut) {
                cr_assert_eq(st, WVM_OK, "%s", err.message);
            } else {
                expect_usage_report(st, &err);
                cr_assert(strstr(err.message, "immutable"), "%s", err.message);
            }
        }
    }

    /* NULL arguments. */
    wvm_global *g = wvm_global_new(store, WVM_I32, true, &vals[0]);
    wvm_val out = val_i64(77);
    wvm_global_get(NULL, &out);
    cr_assert_eq(out.kind, WVM_I64);
    cr_assert_eq(out.of.i64, 77);
    wvm_global_get(g, NULL);
    wvm_error err = poisoned_error();
    expect_usage_report(wvm_global_set(NULL, &vals[0], &err), &err);
    err = poisoned_error();
    expect_usage_report(wvm_global_set(g, NULL, &err), &err);
    cr_assert_eq(wvm_global_set(g, NULL, NULL), WVM_ERR_USAGE);
    cr_assert_eq(wvm_global_kind(NULL), 0);
    cr_assert(!wvm_global_is_mutable(NULL));

    /* A funcref of another store. */
    wvm_store *other = wvm_store_new(engine, NULL);
    wvm_val foreign = val_func(new_i32_func(other, host_times100, NULL));
    wvm_global *gf = wvm_global_new(store, WVM_FUNCREF, true, NULL);
    err = poisoned_error();
    expect_usage_report(wvm_global_set(gf, &foreign, &err), &err);
    wvm_global_get(gf, &out);
    cr_assert_null(out.of.funcref);
    wvm_store_delete(other);
}

Test(api, globals_shared_with_wasm_keep_every_bit)
{
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_error err;
    wvm_val v, r;

    /* Initialised by the module with a signalling NaN: the payload survives. */
    wvm_global_get(get_global(inst, "const_f64"), &v);
    cr_assert_eq(v.kind, WVM_F64);
    cr_assert_eq(v.of.f64_bits, 0x7ff4000000000001);
    cr_assert(!wvm_global_is_mutable(get_global(inst, "const_f64")));

    for (size_t i = 0; i < NPATTERNS; i++) {
        /* Host writes, Wasm reads. */
        v = val_f32_bits(f32_patterns[i]);
        cr_assert_eq(wvm_global_set(get_global(inst, "gf32"), &v, &err), WVM_OK, "%s",
                     err.message);
        call_ok(store, get_func(inst, "read_gf32"), NULL, 0, &r, 1);
        cr_assert_eq((uint32_t)r.of.i32, f32_patterns[i]);
        v = val_f64_bits(f64_patterns[i]);
        cr_assert_eq(wvm_global_set(get_global(inst, "gf64"), &v, &err), WVM_OK, "%s",
                     err.message);
        call_ok(store, get_func(inst, "read_gf64"), NULL, 0, &r, 1);
        cr_assert_eq((uint64_t)r.of.i64, f64_patterns[i]);
        /* Wasm writes, host reads. */
        v = val_i64((int64_t)f64_patterns[NPATTERNS - 1 - i]);
        call_ok(store, get_func(inst, "write_gf64"), &v, 1, NULL, 0);
        wvm_global_get(get_global(inst, "gf64"), &r);
        cr_assert_eq(r.kind, WVM_F64);
        cr_assert_eq(r.of.f64_bits, f64_patterns[NPATTERNS - 1 - i]);
    }

    v = val_i64(INT64_MIN);
    cr_assert_eq(wvm_global_set(get_global(inst, "gi64"), &v, &err), WVM_OK, "%s", err.message);
    call_ok(store, get_func(inst, "read_gi64"), NULL, 0, &r, 1);
    cr_assert_eq(r.of.i64, INT64_MIN);

    /* References, both ways, null included. */
    int token;
    wvm_func *inc = get_func(inst, "inc");
    v = val_ext(&token);
    cr_assert_eq(wvm_global_set(get_global(inst, "gext"), &v, &err), WVM_OK, "%s", err.message);
    call_ok(store, get_func(inst, "read_gext"), NULL, 0, &r, 1);
    cr_assert_eq(r.kind, WVM_EXTERNREF);
    cr_assert_eq(r.of.externref, &token);
    v = val_ext(NULL);
    call_ok(store, get_func(inst, "write_gext"), &v, 1, NULL, 0);
    wvm_global_get(get_global(inst, "gext"), &r);
    cr_assert_null(r.of.externref);

    wvm_global_get(get_global(inst, "gfunc"), &r);
    cr_assert_eq(r.kind, WVM_FUNCREF);
    cr_assert_null(r.of.funcref);
    v = val_func(inc);
    call_ok(store, get_func(inst, "write_gfunc"), &v, 1, NULL, 0);
    wvm_global_get(get_global(inst, "gfunc"), &r);
    cr_assert_eq(r.of.funcref, inc);
    wvm_func *host = new_i32_func(store, host_times100, NULL);
    v = val_func(host);
    cr_assert_eq(wvm_global_set(get_global(inst, "gfunc"), &v, &err), WVM_OK, "%s",
                 err.message);
    call_ok(store, get_func(inst, "read_gfunc"), NULL, 0, &r, 1);
    cr_assert_eq(r.of.funcref, host);
    v = val_func(NULL);
    cr_assert_eq(wvm_global_set(get_global(inst, "gfunc"), &v, &err), WVM_OK, "%s",
                 err.message);
    call_ok(store, get_func(inst, "read_gfunc"), NULL, 0, &r, 1);
    cr_assert_null(r.of.funcref);
}

/* ---- tables ---- */

Test(api, table_new_errors)
{
    wvm_val f = val_func(NULL), e = val_ext(NULL), i = val_i32(0);
    cr_assert_null(wvm_table_new(NULL, WVM_FUNCREF, 1, 0, false, NULL));
    cr_assert_null(wvm_table_new(store, WVM_I64, 1, 0, false, NULL));
    cr_assert_null(wvm_table_new(store, (wvm_valkind)0, 1, 0, false, NULL));
    cr_assert_null(wvm_table_new(store, WVM_FUNCREF, 3, 2, true, NULL));
    cr_assert_null(wvm_table_new(store, WVM_FUNCREF, 1, 0, false, &e));
    cr_assert_null(wvm_table_new(store, WVM_EXTERNREF, 1, 0, false, &f));
    cr_assert_null(wvm_table_new(store, WVM_EXTERNREF, 1, 0, false, &i));
    cr_assert_null(wvm_table_new(store, WVM_FUNCREF, 10000001, 0, false, NULL));
    wvm_store *other = wvm_store_new(engine, NULL);
    wvm_val foreign = val_func(new_i32_func(other, host_times100, NULL));
    cr_assert_null(wvm_table_new(store, WVM_FUNCREF, 1, 0, false, &foreign));
    wvm_store_delete(other);
    /* Without a maximum, max is ignored. */
    wvm_table *t = wvm_table_new(store, WVM_FUNCREF, 2, 1, false, &f);
    cr_assert_not_null(t);
    cr_assert_eq(wvm_table_size(t), 2);
    cr_assert_eq(wvm_table_elem_kind(t), WVM_FUNCREF);
}

Test(api, table_init_and_access)
{
    int token;
    wvm_func *h = new_i32_func(store, host_times100, NULL);
    wvm_val init = val_func(h), ext = val_ext(&token), out;
    wvm_table *t = wvm_table_new(store, WVM_FUNCREF, 3, 5, true, &init);
    cr_assert_not_null(t);
    cr_assert_eq(wvm_table_elem_kind(t), WVM_FUNCREF);
    for (uint32_t i = 0; i < 3; i++) {
        cr_assert_eq(wvm_table_get(t, i, &out), WVM_OK);
        cr_assert_eq(out.kind, WVM_FUNCREF);
        cr_assert_eq(out.of.funcref, h);
    }
    /* Out of range, wrong kinds, NULLs. */
    out = val_i64(5);
    cr_assert_eq(wvm_table_get(t, 3, &out), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_get(t, UINT32_MAX, &out), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_get(t, 0, NULL), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_get(NULL, 0, &out), WVM_ERR_USAGE);
    cr_assert_eq(out.kind, WVM_I64);
    cr_assert_eq(wvm_table_set(t, 3, &init), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_set(NULL, 0, &init), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_set(t, 0, NULL), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_set(t, 0, &ext), WVM_ERR_USAGE);
    wvm_val i32 = val_i32(0);
    cr_assert_eq(wvm_table_set(t, 0, &i32), WVM_ERR_USAGE);
    wvm_store *other = wvm_store_new(engine, NULL);
    wvm_val foreign = val_func(new_i32_func(other, host_times100, NULL));
    cr_assert_eq(wvm_table_set(t, 0, &foreign), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_grow(t, 1, &foreign, NULL), WVM_ERR_USAGE);
    wvm_store_delete(other);
    cr_assert_eq(wvm_table_size(t), 3);
    cr_assert_eq(wvm_table_get(t, 0, &out), WVM_OK);
    cr_assert_eq(out.of.funcref, h, "failed sets change nothing");

    /* Null. */
    wvm_val null = val_func(NULL);
    cr_assert_eq(wvm_table_set(t, 1, &null), WVM_OK);
    cr_assert_eq(wvm_table_get(t, 1, &out), WVM_OK);
    cr_assert_null(out.of.funcref);

    /* Growth up to the declared maximum, with and without an init value. */
    uint32_t old = 0;
    cr_assert_eq(wvm_table_grow(t, 1, NULL, &old), WVM_OK);
    cr_assert_eq(old, 3);
    cr_assert_eq(wvm_table_get(t, 3, &out), WVM_OK);
    cr_assert_null(out.of.funcref);
    cr_assert_eq(wvm_table_grow(t, 1, &init, NULL), WVM_OK);
    cr_assert_eq(wvm_table_get(t, 4, &out), WVM_OK);
    cr_assert_eq(out.of.funcref, h);
    old = 1234;
    cr_assert_eq(wvm_table_grow(t, 1, NULL, &old), WVM_ERR_NOMEM);
    cr_assert_eq(old, 1234);
    cr_assert_eq(wvm_table_grow(t, UINT32_MAX, NULL, &old), WVM_ERR_NOMEM);
    cr_assert_eq(wvm_table_size(t), 5);
    cr_assert_eq(wvm_table_grow(t, 0, NULL, &old), WVM_OK);
    cr_assert_eq(old, 5);
    cr_assert_eq(wvm_table_grow(NULL, 1, NULL, &old), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_grow(t, 0, &ext, &old), WVM_ERR_USAGE);
    cr_assert_eq(wvm_table_size(NULL), 0);
    cr_assert_eq(wvm_table_elem_kind(NULL), 0);
}

Test(api, tables_shared_with_wasm)
{
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_table *tab = get_table(inst, "tab"), *etab = get_table(inst, "etab");
    cr_assert_eq(wvm_table_elem_kind(tab), WVM_FUNCREF);
    cr_assert_eq(wvm_table_elem_kind(etab), WVM_EXTERNREF);
    wvm_func *inc = get_func(inst, "inc"), *call_tab = get_func(inst, "call_tab");
    wvm_func *host = new_i32_func(store, host_times100, NULL);
    wvm_val v, r, args[2];
    wvm_error err;

    /* Elements start null: calling through them traps. */
    args[0] = val_i32(0);
    args[1] = val_i32(5);
    cr_assert_eq(wvm_func_call(store, call_tab, args, 2, &r, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_INDIRECT_CALL_TO_NULL);

    /* Host-set elements, Wasm and host functions, are called by Wasm. */
    v = val_func(inc);
    cr_assert_eq(wvm_table_set(tab, 0, &v), WVM_OK);
    v = val_func(host);
    cr_assert_eq(wvm_table_set(tab, 1, &v), WVM_OK);
    call_ok(store, call_tab, args, 2, &r, 1);
    cr_assert_eq(r.of.i32, 6);
    args[0] = val_i32(1);
    call_ok(store, call_tab, args, 2, &r, 1);
    cr_assert_eq(r.of.i32, 500);
    /* ... and read back by Wasm. */
    v = val_i32(1);
    call_ok(store, get_func(inst, "tab_get"), &v, 1, &r, 1);
    cr_assert_eq(r.kind, WVM_FUNCREF);
    cr_assert_eq(r.of.funcref, host);

    /* A function of another type traps with a signature mismatch. */
    v = val_func(get_func(inst, "f32_bits"));
    cr_assert_eq(wvm_table_set(tab, 1, &v), WVM_OK);
    cr_assert_eq(wvm_func_call(store, call_tab, args, 2, &r, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_BAD_SIGNATURE);

    /* Grown by the host, the new elements are visible to Wasm. */
    uint32_t old;
    v = val_func(inc);
    cr_assert_eq(wvm_table_grow(tab, 3, &v, &old), WVM_OK);
    cr_assert_eq(old, 2);
    args[0] = val_i32(4);
    call_ok(store, call_tab, args, 2, &r, 1);
    cr_assert_eq(r.of.i32, 6);
    args[0] = val_i32(5);
    cr_assert_eq(wvm_func_call(store, call_tab, args, 2, &r, 1, &err), WVM_ERR_TRAP);
    cr_assert_eq(err.trap, WVM_TRAP_TABLE_OUT_OF_BOUNDS);

    /* externref elements, both ways. */
    int a, b;
    v = val_ext(&a);
    cr_assert_eq(wvm_table_set(etab, 1, &v), WVM_OK);
    v = val_i32(1);
    call_ok(store, get_func(inst, "etab_get"), &v, 1, &r, 1);
    cr_assert_eq(r.kind, WVM_EXTERNREF);
    cr_assert_eq(r.of.externref, &a);
    wvm_val set_args[2] = {val_i32(0), val_ext(&b)};
    call_ok(store, get_func(inst, "etab_set"), set_args, 2, NULL, 0);
    cr_assert_eq(wvm_table_get(etab, 0, &r), WVM_OK);
    cr_assert_eq(r.kind, WVM_EXTERNREF);
    cr_assert_eq(r.of.externref, &b);
    set_args[1] = val_ext(NULL);
    call_ok(store, get_func(inst, "etab_set"), set_args, 2, NULL, 0);
    cr_assert_eq(wvm_table_get(etab, 0, &r), WVM_OK);
    cr_assert_null(r.of.externref);
}

/* ---- memories ---- */

Test(api, memory_api_edges)
{
    cr_assert_null(wvm_memory_new(NULL, 1, 0, false));
    cr_assert_null(wvm_memory_new(store, 0, 65537, true));
    cr_assert_null(wvm_memory_new(store, 65537, 0, false));
    cr_assert_null(wvm_memory_new(store, 2, 1, true));

    /* Zero pages. */
    wvm_memory *m0 = wvm_memory_new(store, 0, 0, true);
    cr_assert_not_null(m0);
    cr_assert_eq(wvm_memory_size_pages(m0), 0);
    cr_assert_eq(wvm_memory_size_bytes(m0), 0);
    uint32_t old = 77;
    cr_assert_eq(wvm_memory_grow(m0, 1, &old), WVM_ERR_NOMEM);
    cr_assert_eq(old, 77, "unchanged on failure");
    cr_assert_eq(wvm_memory_grow(m0, 0, &old), WVM_OK);
    cr_assert_eq(old, 0);
    bool has_max = false;
    cr_assert_eq(wvm_memory_max_pages(m0, &has_max), 0);
    cr_assert(has_max);

    /* Without a maximum (max_pages is ignored), and old_pages may be NULL. */
    wvm_memory *m = wvm_memory_new(store, 1, 0, false);
    cr_assert_not_null(m);
    has_max = true;
    cr_assert_eq(wvm_memory_max_pages(m, &has_max), 65536);
    cr_assert(!has_max);
    cr_assert_eq(wvm_memory_max_pages(m, NULL), 65536);
    cr_assert_eq(wvm_memory_grow(m, 2, NULL), WVM_OK);
    cr_assert_eq(wvm_memory_size_pages(m), 3);
    cr_assert_eq(wvm_memory_size_bytes(m), 3 * 65536);
    uint8_t *data = wvm_memory_data(m);
    cr_assert_not_null(data);
    data[3 * 65536 - 1] = 0x5A; /* the last byte is addressable (ASan) */
    cr_assert_eq(wvm_memory_grow(m, 65536, &old), WVM_ERR_NOMEM);
    cr_assert_eq(wvm_memory_size_pages(m), 3);

    /* NULL memory. */
    cr_assert_null(wvm_memory_data(NULL));
    cr_assert_eq(wvm_memory_size_bytes(NULL), 0);
    cr_assert_eq(wvm_memory_size_pages(NULL), 0);
    cr_assert_eq(wvm_memory_grow(NULL, 1, &old), WVM_ERR_USAGE);
    has_max = true;
    cr_assert_eq(wvm_memory_max_pages(NULL, &has_max), 0);
    cr_assert(!has_max);

    /* A module's memory (memory 1 2). */
    wvm_instance *inst = INSTANTIATE(wasm_values);
    wvm_memory *mm = get_export(inst, "mem", WVM_EXTERN_MEMORY).of.memory;
    cr_assert_eq(wvm_memory_max_pages(mm, &has_max), 2);
    cr_assert(has_max);
    cr_assert_eq(wvm_memory_grow(mm, 1, &old), WVM_OK);
    cr_assert_eq(old, 1);
    cr_assert_eq(wvm_memory_grow(mm, 1, &old), WVM_ERR_NOMEM);
}

/* ---- module introspection: argument errors ---- */

Test(api, module_introspection_argument_errors)
{
    wvm_module *m = load_in(engine, wasm_importer, sizeof wasm_importer);
    cr_assert_eq(wvm_module_import_count(m), 2);
    cr_assert_eq(wvm_module_export_count(m), 2);
    cr_assert_eq(wvm_module_import_count(NULL), 0);
    cr_assert_eq(wvm_module_export_count(NULL), 0);
    wvm_importtype imp, imp_untouched;
    memset(&imp_untouched, 0x42, sizeof imp_untouched);
    imp = imp_untouched;
    cr_assert(!wvm_module_import(m, 2, &imp));
    cr_assert(!wvm_module_import(m, UINT32_MAX, &imp));
    cr_assert(!wvm_module_import(NULL, 0, &imp));
    cr_assert(!wvm_module_import(m, 0, NULL));
    cr_assert_eq(memcmp(&imp, &imp_untouched, sizeof imp), 0);
    wvm_exporttype exp, exp_untouched;
    memset(&exp_untouched, 0x42, sizeof exp_untouched);
    exp = exp_untouched;
    cr_assert(!wvm_module_export(m, 2, &exp));
    cr_assert(!wvm_module_export(NULL, 0, &exp));
    cr_assert(!wvm_module_export(m, 0, NULL));
    cr_assert_eq(memcmp(&exp, &exp_untouched, sizeof exp), 0);

    /* The in-range ones. */
    cr_assert(wvm_module_import(m, 1, &imp));
    cr_assert_eq(imp.module_len, 3);
    cr_assert_eq(memcmp(imp.module, "env", 3), 0);
    cr_assert_eq(imp.name_len, 4);
    cr_assert_eq(memcmp(imp.name, "gi32", 4), 0);
    cr_assert_eq(imp.type.kind, WVM_EXTERN_GLOBAL);
    cr_assert_eq(imp.type.of.global.kind, WVM_I32);
    cr_assert(imp.type.of.global.mutable_);
    cr_assert(wvm_module_export(m, 0, &exp));
    cr_assert_eq(exp.name_len, 8);
    cr_assert_eq(memcmp(exp.name, "call_inc", 8), 0);
    cr_assert_eq(exp.type.kind, WVM_EXTERN_FUNC);
    cr_assert_eq(exp.type.of.func.nparams, 1);
    cr_assert_eq(exp.type.of.func.params[0], WVM_I32);
    wvm_module_delete(m);
}

/* ---- linker_define_func: error paths ---- */

static int define_fin_count;
static void define_fin(void *env)
{
    define_fin_count++;
    cr_assert_eq(env, &define_fin_count);
}

Test(api, linker_define_func_errors_run_the_finalizer_once)
{
    wvm_functype t = {1, 1, k_i32, k_i32};
    static const wvm_valkind bad[] = {(wvm_valkind)0x7B};
    wvm_functype bad_t = {1, 0, bad, NULL};
    void *env = &define_fin_count;
    define_fin_count = 0;
    wvm_error err = poisoned_error();
    expect_usage_report(wvm_linker_define_func(NULL, store, "env", "inc", &t, host_times100,
                                               env, define_fin, &err),
                        &err);
    cr_assert_eq(define_fin_count, 1);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_func(linker, NULL, "env", "inc", &t, host_times100,
                                               env, define_fin, &err),
                        &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_func(linker, store, NULL, "inc", &t, host_times100,
                                               env, define_fin, &err),
                        &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_func(linker, store, "env", NULL, &t, host_times100,
                                               env, define_fin, &err),
                        &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_func(linker, store, "env", "inc", NULL,
                                               host_times100, env, define_fin, &err),
                        &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_func(linker, store, "env", "inc", &t, NULL, env,
                                               define_fin, &err),
                        &err);
    err = poisoned_error();
    expect_usage_report(wvm_linker_define_func(linker, store, "env", "inc", &bad_t,
                                               host_times100, env, define_fin, &err),
                        &err);
    cr_assert_eq(define_fin_count, 7);
    cr_assert_eq(wvm_linker_define_func(linker, store, "env", "inc", NULL, host_times100, env,
                                        NULL, NULL),
                 WVM_ERR_USAGE);

    /* Nothing was defined. */
    wvm_module *m = load_in(engine, wasm_host_calls, sizeof wasm_host_calls);
    wvm_instance *inst = NULL;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &inst, &err), WVM_ERR_UNLINKABLE);

    /* Success: the finalizer waits for the store; redefinition replaces. */
    cr_assert_eq(wvm_linker_define_func(linker, store, "env", "h", &t, host_nop, env,
                                        define_fin, &err),
                 WVM_OK, "%s", err.message);
    cr_assert_eq(wvm_linker_define_func(linker, store, "env", "h", &t, host_times100, env,
                                        define_fin, &err),
                 WVM_OK, "%s", err.message);
    cr_assert_eq(define_fin_count, 7);
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &inst, &err), WVM_OK, "%s",
                 err.message);
    wvm_val arg = val_i32(2), res;
    call_ok(store, get_func(inst, "run"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 200);
    wvm_module_delete(m);
    wvm_store_delete(store);
    store = NULL;
    cr_assert_eq(define_fin_count, 9);
}

/* ---- value kind names, loading modules from files ---- */

Test(api, valkind_names)
{
    cr_assert_str_eq(wvm_valkind_name(WVM_I32), "i32");
    cr_assert_str_eq(wvm_valkind_name(WVM_I64), "i64");
    cr_assert_str_eq(wvm_valkind_name(WVM_F32), "f32");
    cr_assert_str_eq(wvm_valkind_name(WVM_F64), "f64");
    cr_assert_str_eq(wvm_valkind_name(WVM_FUNCREF), "funcref");
    cr_assert_str_eq(wvm_valkind_name(WVM_EXTERNREF), "externref");
    cr_assert_str_eq(wvm_valkind_name((wvm_valkind)0), "unknown");
    cr_assert_str_eq(wvm_valkind_name((wvm_valkind)0x7B), "unknown");
    cr_assert_str_eq(wvm_valkind_name((wvm_valkind)(0x100 | WVM_I32)), "unknown");
}

/* Writes size bytes to a new temporary file; returns its path (static buffer). */
static const char *temp_file(const void *bytes, size_t size)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/wvm-test-api-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, bytes, size), (ssize_t)size);
    close(fd);
    return path;
}

Test(api, module_load_from_files)
{
    wvm_module *m = (wvm_module *)&m;
    wvm_error err = poisoned_error();
    /* NULL arguments. */
    expect_usage_report(wvm_module_load(NULL, "examples/fib.wasm", &m, &err), &err);
    cr_assert_null(m);
    m = (wvm_module *)&m;
    err = poisoned_error();
    expect_usage_report(wvm_module_load(engine, NULL, &m, &err), &err);
    cr_assert_null(m);
    cr_assert_eq(wvm_module_load(engine, "examples/fib.wasm", NULL, NULL), WVM_ERR_USAGE);

    /* Unreadable: a missing file, a directory. */
    m = (wvm_module *)&m;
    err = poisoned_error();
    cr_assert_eq(wvm_module_load(engine, "/nonexistent/no.wasm", &m, &err), WVM_ERR_IO);
    cr_assert_eq(err.status, WVM_ERR_IO);
    cr_assert(strstr(err.message, "/nonexistent/no.wasm"), "%s", err.message);
    cr_assert_null(m);
    cr_assert_eq(wvm_module_load(engine, "/tmp", &m, NULL), WVM_ERR_IO);
    cr_assert_null(m);

    /* A file with bad bytes has the statuses of wvm_module_new. */
    const char *path = temp_file(wasm_invalid, sizeof wasm_invalid);
    err = poisoned_error();
    cr_assert_eq(wvm_module_load(engine, path, &m, &err), WVM_ERR_INVALID);
    cr_assert(strstr(err.message, "type mismatch"), "%s", err.message);
    cr_assert_null(m);
    unlink(path);
    path = temp_file(wasm_values, 7);
    cr_assert_eq(wvm_module_load(engine, path, &m, &err), WVM_ERR_MALFORMED);
    unlink(path);
    path = temp_file("", 0);
    cr_assert_eq(wvm_module_load(engine, path, &m, &err), WVM_ERR_MALFORMED);
    unlink(path);

    /* A good file, deleted once loaded: the module does not need it. */
    path = temp_file(wasm_values, sizeof wasm_values);
    cr_assert_eq(wvm_module_load(engine, path, &m, &err), WVM_OK, "%s", err.message);
    unlink(path);
    cr_assert_not_null(m);
    wvm_instance *inst = NULL;
    cr_assert_eq(wvm_linker_instantiate(linker, store, m, &inst, &err), WVM_OK, "%s",
                 err.message);
    wvm_module_delete(m);
    wvm_val arg = val_i32(1), res;
    call_ok(store, get_func(inst, "inc"), &arg, 1, &res, 1);
    cr_assert_eq(res.of.i32, 2);
}
