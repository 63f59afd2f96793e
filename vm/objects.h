/* Construction and destruction of the VM's memory and table objects.
 *
 * The runtime layer decides ownership (a store owns every object); these helpers only manage
 * the storage behind a vm_memory / vm_table. Growth (vm_memory_grow, vm_table_grow) is
 * declared in vm.h because the interpreter uses it too.
 */
#ifndef WVM_VM_OBJECTS_H
#define WVM_VM_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* The largest memory a 32-bit address space allows: 65536 pages (4 GiB). */
#define VM_MAX_PAGES 65536u

/* Initialises mem with `pages` zeroed pages. max_pages is the effective cap (already limited
 * by the engine; pages <= max_pages <= VM_MAX_PAGES); has_max/declared_max are the type's
 * maximum, kept for import matching. Returns false when out of memory (mem left empty and
 * safe to free). */
bool vm_memory_init(vm_memory *mem, uint32_t pages, uint32_t max_pages, bool has_max,
                    uint32_t declared_max);
void vm_memory_free(vm_memory *mem);

/* Initialises tab with `size` entries set to init. max is the effective cap
 * (size <= max). Returns false when out of memory (tab left empty and safe to free). */
bool vm_table_init(vm_table *tab, uint8_t elemtype, uint32_t size, uint32_t max, bool has_max,
                   uint32_t declared_max, vm_slot init);
void vm_table_free(vm_table *tab);

#endif
