/* Storage of linear memories and tables: allocation, growth and release.
 *
 * Invariants kept here and relied on by the interpreter:
 *   - mem->data is never NULL once initialised (at least one byte is allocated even for a
 *     zero-page memory), so a zero-length memcpy/memmove/memset on it is well defined;
 *   - mem->size == (uint64_t)mem->pages * VM_PAGE_SIZE, pages <= max_pages;
 *   - tab->elems is never NULL once initialised; tab->size <= tab->max;
 *   - bytes and entries added by growth are zero / the given init value.
 */
#include "objects.h"

#include <stdlib.h>
#include <string.h>

/* Bytes to allocate for a memory of `pages` pages, or 0 when it does not fit in size_t. */
static size_t vm_memory_alloc_size(uint64_t pages)
{
    uint64_t bytes = pages * VM_PAGE_SIZE;
    if (bytes > SIZE_MAX)
        return 0;
    return bytes ? (size_t)bytes : 1;
}

bool vm_memory_init(vm_memory *mem, uint32_t pages, uint32_t max_pages, bool has_max,
                    uint32_t declared_max)
{
    memset(mem, 0, sizeof *mem);
    if (max_pages > VM_MAX_PAGES)
        max_pages = VM_MAX_PAGES;
    if (pages > max_pages)
        return false;
    size_t alloc = vm_memory_alloc_size(pages);
    if (!alloc)
        return false;
    mem->data = calloc(1, alloc);
    if (!mem->data)
        return false;
    mem->pages = pages;
    mem->size = (uint64_t)pages * VM_PAGE_SIZE;
    mem->max_pages = max_pages;
    mem->has_max = has_max;
    mem->declared_max = has_max ? declared_max : 0;
    return true;
}

void vm_memory_free(vm_memory *mem)
{
    free(mem->data);
    memset(mem, 0, sizeof *mem);
}

int64_t vm_memory_grow(vm_memory *mem, uint32_t delta)
{
    uint32_t old = mem->pages;
    if (delta == 0)
        return old;
    uint64_t new_pages = (uint64_t)old + delta;
    if (new_pages > mem->max_pages)
        return -1;
    size_t alloc = vm_memory_alloc_size(new_pages);
    if (!alloc)
        return -1;
    uint8_t *data = realloc(mem->data, alloc);
    if (!data)
        return -1;
    memset(data + mem->size, 0, (size_t)((uint64_t)delta * VM_PAGE_SIZE));
    mem->data = data;
    mem->pages = (uint32_t)new_pages;
    mem->size = new_pages * VM_PAGE_SIZE;
    return old;
}

/* Bytes to allocate for a table of `size` entries, or 0 when it does not fit in size_t. */
static size_t vm_table_alloc_size(uint64_t size)
{
    uint64_t bytes = size * sizeof(vm_slot);
    if (bytes > SIZE_MAX)
        return 0;
    return bytes ? (size_t)bytes : sizeof(vm_slot);
}

bool vm_table_init(vm_table *tab, uint8_t elemtype, uint32_t size, uint32_t max, bool has_max,
                   uint32_t declared_max, vm_slot init)
{
    memset(tab, 0, sizeof *tab);
    if (size > max)
        return false;
    size_t alloc = vm_table_alloc_size(size);
    if (!alloc)
        return false;
    tab->elems = malloc(alloc);
    if (!tab->elems)
        return false;
    for (uint32_t i = 0; i < size; i++)
        tab->elems[i] = init;
    tab->size = size;
    tab->max = max;
    tab->has_max = has_max;
    tab->declared_max = has_max ? declared_max : 0;
    tab->elemtype = elemtype;
    return true;
}

void vm_table_free(vm_table *tab)
{
    free(tab->elems);
    memset(tab, 0, sizeof *tab);
}

int64_t vm_table_grow(vm_table *tab, uint32_t delta, vm_slot init)
{
    uint32_t old = tab->size;
    if (delta == 0)
        return old;
    uint64_t new_size = (uint64_t)old + delta;
    if (new_size > tab->max)
        return -1;
    size_t alloc = vm_table_alloc_size(new_size);
    if (!alloc)
        return -1;
    vm_slot *elems = realloc(tab->elems, alloc);
    if (!elems)
        return -1;
    for (uint64_t i = old; i < new_size; i++)
        elems[i] = init;
    tab->elems = elems;
    tab->size = (uint32_t)new_size;
    return old;
}
