/* Internals shared by the module-level validator (validate.c) and the function-body
 * validator (validate_code.c). Not for use outside loader_validate.
 */
#ifndef WVM_LOADER_VALIDATE_INTERNAL_H
#define WVM_LOADER_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "module.h"

struct vcode_frame;

/* Working storage of the body validator. One is created per loader_validate call and reused
 * for every function, so once the arrays have grown to the largest body's needs, validating a
 * function allocates nothing. */
typedef struct {
    uint8_t *vals;              /* operand stack of value types; 0 is the Unknown type */
    size_t nvals, cap_vals;
    struct vcode_frame *ctrls;  /* control frames, ctrls[0] the function's own frame */
    size_t nctrls, cap_ctrls;
    uint8_t *scratch;           /* br_table: the operand types popped for one label */
    size_t cap_scratch;
} vcode_state;

void vcode_state_init(vcode_state *s);
void vcode_state_free(vcode_state *s);

/* Validates the body of defined function `defined` (an index into m->funcs). Module-level
 * facts it relies on (type indices of all functions in range) must already be checked. */
wasm_status vcode_validate_func(vcode_state *s, const wasm_module *m, uint32_t defined,
                                wasm_error *err);

/* A decode-only pass over every body, for the error path: the spec decodes the whole module
 * before validating it, so a malformed body anywhere takes precedence over a validation error.
 * Returns WASM_ERR_MALFORMED with err filled for the first malformation found, else WASM_OK
 * (err untouched). */
wasm_status vcode_find_malformed(const wasm_module *m, wasm_error *err);

/* A function type's result types, without forming types + nparams when types is NULL (an
 * empty type), which would be undefined behaviour. */
static inline const uint8_t *vtype_results(const wasm_functype *t)
{
    return t->nresults ? t->types + t->nparams : NULL;
}

/* Text-format name of a value type byte ("i32", ..., "funcref"); "unknown" for 0. */
const char *vtype_name(uint8_t t);

#endif
