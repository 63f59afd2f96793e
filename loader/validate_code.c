/* Validation of function bodies: the spec's validation algorithm (Wasm 2.0 appendix,
 * "Validation Algorithm") run over the instruction stream, with an operand stack of value
 * types (0 standing for the Unknown type of unreachable code) and a stack of control frames.
 *
 * Operators with a fixed [p0 p1] -> [r] signature are typed from the opcodes.def metadata;
 * only those marked X have rules of their own below. The decoder does not parse bodies, so the
 * instruction-level malformations (LEB128 encodings, illegal opcodes, reserved bytes, missing
 * or misplaced end/else, data count section required) are detected here as well.
 */
#include "validate_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "blocktype.h"
#include "hints.h"
#include "opcodes.h"
#include "reader.h"

#define VT_UNKNOWN 0

/* One open structured instruction (or the function itself, ctrls[0]). */
typedef struct vcode_frame {
    const uint8_t *params;  /* start types: popped on entry, pushed back inside */
    const uint8_t *results; /* end types */
    uint32_t nparams, nresults;
    size_t height;          /* operand stack height at entry, below the parameters */
    uint8_t opcode;         /* WASM_OP_block (also the function's frame), _loop, _if, _else */
    bool unreachable;       /* after br/return/unreachable...: the stack above height is
                             * polymorphic (pops below it yield Unknown) */
} vcode_frame;

/* Everything the validation of one body needs. */
typedef struct {
    vcode_state *s;
    const wasm_module *m;
    wasm_error *err;
    wasm_reader r;              /* over the body; reader offsets + adjust = file offsets */
    size_t adjust;
    const uint8_t *ins;         /* first byte of the instruction being validated */
    uint32_t func_index;        /* in the function index space (imports first) */
    const wasm_functype *type;
    const wasm_func *fn;
    size_t height;              /* top frame's height, cached for the pops */
    wasm_status status;         /* set by the failures that do not go through the reader */
} vctx;

/* WASM_SIG_* token -> value type byte (WASM_SIG_NONE -> 0). */
static const uint8_t sig_vt[] = {0, WASM_I32, WASM_I64, WASM_F32, WASM_F64};

const char *vtype_name(uint8_t t)
{
    switch (t) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_V128: return "v128";
    case WASM_FUNCREF: return "funcref";
    case WASM_EXTERNREF: return "externref";
    default: return "unknown";
    }
}

/* ---- failures ---- */

static size_t ins_offset(const vctx *c) { return (size_t)(c->ins - c->r.base) + c->adjust; }

__attribute__((noinline, cold, format(printf, 3, 4))) static bool
vfail(vctx *c, wasm_status status, const char *fmt, ...)
{
    char msg[sizeof c->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->status = wasm_error_set(c->err, status, ins_offset(c), c->func_index, "%s", msg);
    return false;
}

#define INVALID(...) vfail(c, WASM_ERR_INVALID, __VA_ARGS__)

/* A malformation at the current instruction, recorded in the reader like a LEB128 error. */
static bool malformed_here(vctx *c, const char *msg)
{
    return loader_fail_at(&c->r, (size_t)(c->ins - c->r.base), msg);
}

__attribute__((noinline, cold)) static bool nomem(vctx *c)
{
    return vfail(c, WASM_ERR_NOMEM, "out of memory");
}

/* ---- growable arrays ---- */

/* Reallocates array p (of *cap elements of elem bytes) to hold at least `need` elements,
 * doubling; returns the new array (and updates *cap), or NULL with p untouched. */
static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return NULL;
        n *= 2;
    }
    void *q = realloc(p, n * elem);
    if (q)
        *cap = n;
    return q;
}

/* Room for n more operand types. */
static inline bool reserve_vals(vctx *c, size_t n)
{
    vcode_state *s = c->s;
    if (likely(s->cap_vals - s->nvals >= n))
        return true;
    uint8_t *v = n > SIZE_MAX - s->nvals ? NULL : grow(s->vals, &s->cap_vals, s->nvals + n, 1);
    if (!v)
        return nomem(c);
    s->vals = v;
    return true;
}

void vcode_state_init(vcode_state *s) { memset(s, 0, sizeof *s); }

void vcode_state_free(vcode_state *s)
{
    free(s->vals);
    free(s->ctrls);
    free(s->scratch);
    memset(s, 0, sizeof *s);
}

/* ---- the operand stack ---- */

static inline vcode_frame *top_frame(vctx *c) { return &c->s->ctrls[c->s->nctrls - 1]; }

/* Pops one operand expected to be of type `expect` (VT_UNKNOWN: any type); *actual receives
 * what was popped (VT_UNKNOWN below the base of an unreachable frame). */
static bool pop_slow(vctx *c, uint8_t expect, uint8_t *actual)
{
    vcode_state *s = c->s;
    vcode_frame *f = top_frame(c);
    if (s->nvals == f->height) {
        if (f->unreachable) {
            *actual = VT_UNKNOWN;
            return true;
        }
        if (expect == VT_UNKNOWN)
            return INVALID("type mismatch: expected a value, found an empty stack");
        return INVALID("type mismatch: expected %s, found an empty stack", vtype_name(expect));
    }
    uint8_t a = s->vals[--s->nvals];
    if (a != expect && a != VT_UNKNOWN && expect != VT_UNKNOWN)
        return INVALID("type mismatch: expected %s, found %s", vtype_name(expect),
                       vtype_name(a));
    *actual = a;
    return true;
}

static inline bool pop_expect(vctx *c, uint8_t expect)
{
    vcode_state *s = c->s;
    if (likely(s->nvals > c->height && s->vals[s->nvals - 1] == expect)) {
        s->nvals--;
        return true;
    }
    uint8_t a;
    return pop_slow(c, expect, &a);
}

static inline bool pop_any(vctx *c, uint8_t *actual)
{
    vcode_state *s = c->s;
    if (likely(s->nvals > c->height)) {
        *actual = s->vals[--s->nvals];
        return true;
    }
    return pop_slow(c, VT_UNKNOWN, actual);
}

static inline bool push(vctx *c, uint8_t t)
{
    if (!reserve_vals(c, 1))
        return false;
    c->s->vals[c->s->nvals++] = t;
    return true;
}

static inline bool push_n(vctx *c, const uint8_t *ts, uint32_t n)
{
    if (n == 0)
        return true;
    if (!reserve_vals(c, n))
        return false;
    memcpy(c->s->vals + c->s->nvals, ts, n);
    c->s->nvals += n;
    return true;
}

/* Pops ts[0..n) (ts[n-1] on top). */
static inline bool pop_n(vctx *c, const uint8_t *ts, uint32_t n)
{
    vcode_state *s = c->s;
    if (n == 0)
        return true;
    if (likely(s->nvals - c->height >= n &&
               memcmp(s->vals + s->nvals - n, ts, n) == 0)) {
        s->nvals -= n;
        return true;
    }
    for (uint32_t i = n; i-- > 0;)
        if (!pop_expect(c, ts[i]))
            return false;
    return true;
}

/* Pops ts[0..n) like pop_n, storing the types actually popped in out[0..n). */
static bool pop_n_into(vctx *c, const uint8_t *ts, uint32_t n, uint8_t *out)
{
    for (uint32_t i = n; i-- > 0;)
        if (!pop_slow(c, ts[i], &out[i]))
            return false;
    return true;
}

/* The rest of the current frame is unreachable. */
static inline void set_unreachable(vctx *c)
{
    vcode_frame *f = top_frame(c);
    c->s->nvals = f->height;
    f->unreachable = true;
}

/* ---- the control stack ---- */

static bool push_ctrl(vctx *c, uint8_t opcode, const uint8_t *params, uint32_t nparams,
                      const uint8_t *results, uint32_t nresults)
{
    vcode_state *s = c->s;
    if (unlikely(s->nctrls == s->cap_ctrls)) {
        vcode_frame *v = grow(s->ctrls, &s->cap_ctrls, s->nctrls + 1, sizeof *s->ctrls);
        if (!v)
            return nomem(c);
        s->ctrls = v;
    }
    vcode_frame *f = &s->ctrls[s->nctrls++];
    f->params = params;
    f->results = results;
    f->nparams = nparams;
    f->nresults = nresults;
    f->height = c->height = s->nvals;
    f->opcode = opcode;
    f->unreachable = false;
    return push_n(c, params, nparams);
}

/* Closes the current frame: its results must be exactly what is left on its stack. */
static bool pop_ctrl(vctx *c, vcode_frame *out)
{
    vcode_frame *f = top_frame(c);
    if (!pop_n(c, f->results, f->nresults))
        return false;
    if (c->s->nvals != f->height)
        return INVALID("type mismatch: %zu value(s) left on the stack at the end of a block",
                       c->s->nvals - f->height);
    *out = *f;
    if (--c->s->nctrls)
        c->height = c->s->ctrls[c->s->nctrls - 1].height;
    return true;
}

/* The types a branch to frame f must provide. */
static inline void label_types(const vcode_frame *f, const uint8_t **ts, uint32_t *n)
{
    if (f->opcode == WASM_OP_loop) {
        *ts = f->params;
        *n = f->nparams;
    } else {
        *ts = f->results;
        *n = f->nresults;
    }
}

/* The frame that label depth l refers to; NULL (error set) when there is none. */
static inline const vcode_frame *label_frame(vctx *c, uint32_t l)
{
    if (unlikely(l >= c->s->nctrls)) {
        INVALID("unknown label %u", l);
        return NULL;
    }
    return &c->s->ctrls[c->s->nctrls - 1 - l];
}

/* ---- index spaces ---- */

static inline bool local_type(vctx *c, uint32_t x, uint8_t *t)
{
    uint32_t np = c->type->nparams;
    if (x < np) {
        *t = c->type->types[x];
        return true;
    }
    if ((uint64_t)x - np < c->fn->nlocals) {
        *t = c->fn->local_types[x - np];
        return true;
    }
    return INVALID("unknown local %u", x);
}

static inline bool need_memory(vctx *c, uint32_t x)
{
    if (likely(x < c->m->nmemories))
        return true;
    return INVALID("unknown memory %u", x);
}

static inline bool need_table(vctx *c, uint32_t x)
{
    if (likely(x < c->m->ntables))
        return true;
    return INVALID("unknown table %u", x);
}

static inline bool need_global(vctx *c, uint32_t x)
{
    if (likely(x < c->m->nglobals_total))
        return true;
    return INVALID("unknown global %u", x);
}

static inline bool need_func(vctx *c, uint32_t x)
{
    if (likely(x < c->m->nfuncs_total))
        return true;
    return INVALID("unknown function %u", x);
}

/* memory.init and data.drop need the data count section: without it the module is malformed
 * ("data count section required"). Exception: a module with no data segments at all, where
 * no index can be valid, gets the validation error ("unknown data segment", or "unknown
 * memory" first for memory.init), as the spec suite's text modules converted to binary expect
 * (a text module has no data count section to omit). */
static inline bool data_count_missing(const wasm_module *m)
{
    return !m->has_data_count && m->ndatas > 0;
}

static bool need_data(vctx *c, uint32_t x)
{
    if (data_count_missing(c->m))
        return malformed_here(c, "data count section required");
    if (x >= (c->m->has_data_count ? c->m->data_count : 0))
        return INVALID("unknown data segment %u", x);
    return true;
}

static bool need_elem(vctx *c, uint32_t x)
{
    if (x >= c->m->nelems)
        return INVALID("unknown elem segment %u", x);
    return true;
}

/* The reserved memory index byte of the 2.0 memory instructions. */
static inline bool read_zero(wasm_reader *r)
{
    uint8_t b = 0;
    if (!reader_u8(r, &b))
        return false;
    if (b != 0)
        return loader_fail_at(r, reader_offset(r) - 1, "zero byte expected");
    return true;
}

static bool same_types(const uint8_t *a, uint32_t na, const uint8_t *b, uint32_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

/* ---- operators with their own typing rules (marked X in opcodes.def) ---- */

static bool op_block(vctx *c, uint32_t op)
{
    int64_t bt;
    uint32_t np, nr;
    const uint8_t *pt, *rt;
    if (!loader_read_blocktype(&c->r, &bt))
        return false;
    if (!loader_blocktype(c->m, bt, &np, &pt, &nr, &rt))
        return INVALID("unknown type %" PRId64, bt);
    if (op == WASM_OP_if && !pop_expect(c, WASM_I32))
        return false;
    return pop_n(c, pt, np) && push_ctrl(c, (uint8_t)op, pt, np, rt, nr);
}

static bool op_br_table(vctx *c)
{
    wasm_reader *r = &c->r;
    vcode_state *s = c->s;
    uint32_t n, l = 0, dflt;
    if (!loader_read_count(r, &n))
        return false;
    const uint8_t *labels = r->pos;
    for (uint32_t i = 0; i < n; i++)
        if (!reader_u32(r, &l))
            return false;
    if (!reader_u32(r, &dflt))
        return false;
    if (!pop_expect(c, WASM_I32))
        return false;
    const vcode_frame *f;
    const uint8_t *dts, *ts;
    uint32_t arity, k;
    if (!(f = label_frame(c, dflt)))
        return false;
    label_types(f, &dts, &arity);
    if (arity > s->cap_scratch) {
        uint8_t *v = grow(s->scratch, &s->cap_scratch, arity, 1);
        if (!v)
            return nomem(c);
        s->scratch = v;
    }
    wasm_reader lr;
    reader_init(&lr, r->base, labels, r->end);
    for (uint32_t i = 0; i < n; i++) {
        reader_u32(&lr, &l); /* already read once above */
        if (!(f = label_frame(c, l)))
            return false;
        label_types(f, &ts, &k);
        if (k != arity)
            return INVALID("type mismatch: br_table label %u has %u value(s), the default "
                           "label %u",
                           l, k, arity);
        /* the spec pops the label's types and pushes back what it popped, so that Unknown
         * operands stay Unknown for the next label */
        if (k && !(pop_n_into(c, ts, k, s->scratch) && push_n(c, s->scratch, k)))
            return false;
    }
    if (!pop_n(c, dts, arity))
        return false;
    set_unreachable(c);
    return true;
}

static bool op_call_indirect(vctx *c)
{
    uint32_t ti, tab;
    if (!reader_u32(&c->r, &ti) || !reader_u32(&c->r, &tab))
        return false;
    if (!need_table(c, tab))
        return false;
    if (ti >= c->m->ntypes)
        return INVALID("unknown type %u", ti);
    if (c->m->tables[tab].elemtype != WASM_FUNCREF)
        return INVALID("type mismatch: call_indirect requires a table of funcref, table %u has "
                       "%s",
                       tab, vtype_name(c->m->tables[tab].elemtype));
    const wasm_functype *ft = &c->m->types[ti];
    return pop_expect(c, WASM_I32) && pop_n(c, ft->types, ft->nparams) &&
           push_n(c, vtype_results(ft), ft->nresults);
}

static bool op_select(vctx *c, bool typed)
{
    uint8_t t1, t2;
    if (typed) {
        uint32_t n;
        uint8_t t = 0, ty;
        if (!loader_read_count(&c->r, &n))
            return false;
        for (uint32_t i = 0; i < n; i++) {
            if (!loader_read_valtype(&c->r, &ty))
                return false;
            if (i == 0)
                t = ty;
        }
        if (n != 1)
            return INVALID("invalid result arity");
        return pop_expect(c, WASM_I32) && pop_expect(c, t) && pop_expect(c, t) && push(c, t);
    }
    if (!pop_expect(c, WASM_I32) || !pop_any(c, &t1) || !pop_any(c, &t2))
        return false;
    if (wasm_is_reftype(t1) || wasm_is_reftype(t2))
        return INVALID("type mismatch: select without a type needs numeric operands, found %s",
                       vtype_name(wasm_is_reftype(t1) ? t1 : t2));
    if (t1 != t2 && t1 != VT_UNKNOWN && t2 != VT_UNKNOWN)
        return INVALID("type mismatch: select operands %s and %s differ", vtype_name(t2),
                       vtype_name(t1));
    return push(c, t1 == VT_UNKNOWN ? t2 : t1);
}

/* The 0xFC operators marked X: bulk memory and table operations. */
static bool op_fc(vctx *c, uint32_t op)
{
    wasm_reader *r = &c->r;
    const wasm_module *m = c->m;
    uint32_t x, y;
    uint8_t t;
    switch (op) {
    case WASM_OP_memory_init:
        if (!reader_u32(r, &x) || !read_zero(r))
            return false;
        if (data_count_missing(m))
            return malformed_here(c, "data count section required");
        if (!need_memory(c, 0) || !need_data(c, x))
            return false;
        return pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32);
    case WASM_OP_data_drop:
        return reader_u32(r, &x) && need_data(c, x);
    case WASM_OP_memory_copy:
        if (!read_zero(r) || !read_zero(r))
            return false;
        goto three_i32;
    case WASM_OP_memory_fill:
        if (!read_zero(r))
            return false;
    three_i32:
        if (!need_memory(c, 0))
            return false;
        return pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32);
    case WASM_OP_table_init:
        if (!reader_u32(r, &x) || !reader_u32(r, &y))
            return false;
        if (!need_table(c, y) || !need_elem(c, x))
            return false;
        if (m->tables[y].elemtype != m->elems[x].reftype)
            return INVALID("type mismatch: elem segment %u of type %s, table %u of type %s", x,
                           vtype_name(m->elems[x].reftype), y,
                           vtype_name(m->tables[y].elemtype));
        return pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32);
    case WASM_OP_elem_drop:
        return reader_u32(r, &x) && need_elem(c, x);
    case WASM_OP_table_copy:
        if (!reader_u32(r, &x) || !reader_u32(r, &y))
            return false;
        if (!need_table(c, x) || !need_table(c, y))
            return false;
        if (m->tables[x].elemtype != m->tables[y].elemtype)
            return INVALID("type mismatch: table.copy from table %u of type %s to table %u of "
                           "type %s",
                           y, vtype_name(m->tables[y].elemtype), x,
                           vtype_name(m->tables[x].elemtype));
        return pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32) && pop_expect(c, WASM_I32);
    case WASM_OP_table_grow:
        if (!reader_u32(r, &x) || !need_table(c, x))
            return false;
        t = m->tables[x].elemtype;
        return pop_expect(c, WASM_I32) && pop_expect(c, t) && push(c, WASM_I32);
    case WASM_OP_table_size:
        return reader_u32(r, &x) && need_table(c, x) && push(c, WASM_I32);
    case WASM_OP_table_fill:
        if (!reader_u32(r, &x) || !need_table(c, x))
            return false;
        t = m->tables[x].elemtype;
        return pop_expect(c, WASM_I32) && pop_expect(c, t) && pop_expect(c, WASM_I32);
    default:
        return malformed_here(c, "illegal opcode");
    }
}

/* Every other operator marked X, but local.get, local.set and local.tee, which validate_body
 * checks itself, ahead of the table. Returns false on failure; *done is set after the
 * function's final end. */
static bool op_special(vctx *c, uint32_t op, bool *done)
{
    wasm_reader *r = &c->r;
    vcode_state *s = c->s;
    const wasm_module *m = c->m;
    const vcode_frame *f;
    const uint8_t *ts;
    uint32_t x, n;
    uint8_t t;
    switch (op) {
    case WASM_OP_unreachable:
        set_unreachable(c);
        return true;
    case WASM_OP_block:
    case WASM_OP_loop:
    case WASM_OP_if:
        return op_block(c, op);
    case WASM_OP_else: {
        vcode_frame fr;
        if (top_frame(c)->opcode != WASM_OP_if)
            return malformed_here(c, "END opcode expected");
        if (!pop_ctrl(c, &fr))
            return false;
        return push_ctrl(c, WASM_OP_else, fr.params, fr.nparams, fr.results, fr.nresults);
    }
    case WASM_OP_end: {
        vcode_frame fr;
        if (!pop_ctrl(c, &fr))
            return false;
        if (fr.opcode == WASM_OP_if &&
            !same_types(fr.params, fr.nparams, fr.results, fr.nresults))
            return INVALID("type mismatch: if without else must have the same parameter and "
                           "result types");
        if (s->nctrls == 0) {
            if (!reader_eof(r))
                return loader_fail_at(r, reader_offset(r), "section size mismatch");
            *done = true;
            return true;
        }
        return push_n(c, fr.results, fr.nresults);
    }
    case WASM_OP_br:
        if (!reader_u32(r, &x) || !(f = label_frame(c, x)))
            return false;
        label_types(f, &ts, &n);
        if (!pop_n(c, ts, n))
            return false;
        set_unreachable(c);
        return true;
    case WASM_OP_br_if:
        if (!reader_u32(r, &x) || !(f = label_frame(c, x)))
            return false;
        label_types(f, &ts, &n);
        return pop_expect(c, WASM_I32) && pop_n(c, ts, n) && push_n(c, ts, n);
    case WASM_OP_br_table:
        return op_br_table(c);
    case WASM_OP_return:
        if (!pop_n(c, s->ctrls[0].results, s->ctrls[0].nresults))
            return false;
        set_unreachable(c);
        return true;
    case WASM_OP_call: {
        if (!reader_u32(r, &x) || !need_func(c, x))
            return false;
        const wasm_functype *ft = &m->types[m->func_types[x]];
        return pop_n(c, ft->types, ft->nparams) &&
               push_n(c, vtype_results(ft), ft->nresults);
    }
    case WASM_OP_call_indirect:
        return op_call_indirect(c);
    case WASM_OP_drop:
        return pop_any(c, &t);
    case WASM_OP_select:
        return op_select(c, false);
    case WASM_OP_select_t:
        return op_select(c, true);
    case WASM_OP_global_get:
        return reader_u32(r, &x) && need_global(c, x) && push(c, m->global_types[x].valtype);
    case WASM_OP_global_set:
        if (!reader_u32(r, &x) || !need_global(c, x))
            return false;
        if (!m->global_types[x].mutable_)
            return INVALID("global is immutable: global %u", x);
        return pop_expect(c, m->global_types[x].valtype);
    case WASM_OP_table_get:
        if (!reader_u32(r, &x) || !need_table(c, x))
            return false;
        return pop_expect(c, WASM_I32) && push(c, m->tables[x].elemtype);
    case WASM_OP_table_set:
        if (!reader_u32(r, &x) || !need_table(c, x))
            return false;
        return pop_expect(c, m->tables[x].elemtype) && pop_expect(c, WASM_I32);
    case WASM_OP_ref_null:
        return loader_read_reftype(r, &t) && push(c, t);
    case WASM_OP_ref_is_null:
        if (!pop_any(c, &t))
            return false;
        if (t != VT_UNKNOWN && !wasm_is_reftype(t))
            return INVALID("type mismatch: ref.is_null expects a reference, found %s",
                           vtype_name(t));
        return push(c, WASM_I32);
    case WASM_OP_ref_func:
        if (!reader_u32(r, &x) || !need_func(c, x))
            return false;
        if (!m->declared_funcs || !m->declared_funcs[x])
            return INVALID("undeclared function reference %u", x);
        return push(c, WASM_FUNCREF);
    default:
        if (op >= WASM_OP_FC_BASE)
            return op_fc(c, op);
        return malformed_here(c, "illegal opcode");
    }
}

/* ---- the instruction loop ---- */

static bool validate_body(vctx *c)
{
    wasm_reader *r = &c->r;
    const wasm_functype *ft = c->type;
    bool done = false;
    c->s->nvals = 0;
    c->s->nctrls = 0;
    if (!push_ctrl(c, WASM_OP_block, NULL, 0, vtype_results(ft), ft->nresults))
        return false;
    for (;;) {
        if (unlikely(r->pos >= r->end)) {
            c->ins = r->pos; /* the body ends inside a block */
            return malformed_here(c, "unexpected end of section or function");
        }
        c->ins = r->pos;
        uint32_t op = *r->pos++;
        /* local.get, local.set and local.tee (about a third of compiled code), ahead of the
         * table and of op_special */
        if (op - WASM_OP_local_get <= WASM_OP_local_tee - WASM_OP_local_get) {
            uint32_t x;
            uint8_t t = VT_UNKNOWN;
            if (!reader_u32(r, &x) || !local_type(c, x, &t) ||
                (op != WASM_OP_local_get && !pop_expect(c, t)) ||
                (op != WASM_OP_local_set && !push(c, t)))
                return false;
            continue;
        }
        if (unlikely(op >= 0xFC)) {
            if (op == 0xFC) {
                uint32_t sub;
                if (!reader_u32(r, &sub))
                    return false;
                if (sub >= WASM_OP_COUNT - WASM_OP_FC_BASE)
                    return malformed_here(c, "illegal opcode");
                op = WASM_OP_FC_BASE + sub;
            } else if (op == 0xFD) {
                return malformed_here(c, loader_msg_simd);
            }
        }
        const wasm_op_info *info = &wasm_op_table[op];
        if (unlikely(!info->name))
            return malformed_here(c, "illegal opcode");
        if (info->result == WASM_SIG_SPECIAL) {
            if (!op_special(c, op, &done))
                return false;
            if (done)
                return true;
            continue;
        }
        /* a fixed signature [p0 p1] -> [result] */
        switch (info->imm) {
        case IMM_NONE:
            break;
        case IMM_MEMARG: {
            uint32_t align, offset;
            if (!reader_u32(r, &align) || !reader_u32(r, &offset) || !need_memory(c, 0))
                return false;
            if (align > wasm_access_size_log2(op))
                return INVALID("alignment must not be larger than natural");
            break;
        }
        case IMM_MEMORY:
            if (!read_zero(r) || !need_memory(c, 0))
                return false;
            break;
        case IMM_I32: {
            int32_t v;
            if (!reader_s32(r, &v))
                return false;
            break;
        }
        case IMM_I64: {
            int64_t v;
            if (!reader_s64(r, &v))
                return false;
            break;
        }
        case IMM_F32:
        case IMM_F64: {
            const uint8_t *p;
            if (!reader_bytes(r, info->imm == IMM_F32 ? 4 : 8, &p))
                return false;
            break;
        }
        default:
            return malformed_here(c, "illegal opcode"); /* no such fixed-signature operator */
        }
        if (info->p1 && !pop_expect(c, sig_vt[info->p1]))
            return false;
        if (info->p0 && !pop_expect(c, sig_vt[info->p0]))
            return false;
        if (info->result && !push(c, sig_vt[info->result]))
            return false;
    }
}

/* A reader over fn's body whose offsets are file offsets when the body lies in m->bytes at
 * its recorded offset (the decoder's modules), else body-relative plus *adjust. */
static void body_reader(const wasm_module *m, const wasm_func *fn, wasm_reader *r,
                        size_t *adjust)
{
    uintptr_t code = (uintptr_t)fn->code, bytes = (uintptr_t)m->bytes;
    if (m->bytes && code >= bytes && code - bytes == fn->code_offset &&
        fn->code_offset + fn->code_len <= m->size) {
        reader_init(r, m->bytes, fn->code, fn->code + fn->code_len);
        *adjust = 0;
    } else {
        reader_init(r, fn->code, fn->code, fn->code + fn->code_len);
        *adjust = fn->code_offset;
    }
}

/* Converts a failure recorded in body reader r into *err. */
static wasm_status reader_failure(const wasm_module *m, const wasm_reader *r, size_t adjust,
                                  uint32_t func_index, wasm_error *err)
{
    wasm_reader tmp = *r;
    tmp.error_offset += adjust;
    wasm_status st = loader_reader_status(&tmp, m->size, err);
    if (err)
        err->func_index = func_index;
    return st;
}

wasm_status vcode_validate_func(vcode_state *s, const wasm_module *m, uint32_t defined,
                                wasm_error *err)
{
    vctx c;
    c.s = s;
    c.m = m;
    c.err = err;
    c.fn = &m->funcs[defined];
    c.func_index = m->nfunc_imports + defined;
    c.type = &m->types[m->func_types[c.func_index]];
    c.status = WASM_OK;
    body_reader(m, c.fn, &c.r, &c.adjust);
    c.ins = c.r.pos;
    if (validate_body(&c))
        return WASM_OK;
    if (c.r.error)
        return reader_failure(m, &c.r, c.adjust, c.func_index, err);
    if (c.status == WASM_OK) /* every failure path records one; never report success here */
        return wasm_error_set(err, WASM_ERR_INVALID, ins_offset(&c), c.func_index,
                              "validation failed");
    return c.status;
}

/* ---- decode-only pass (error path) ---- */

/* Scans defined function i for malformations only. Returns WASM_ERR_MALFORMED with err
 * filled, WASM_OK when none was found (including when the scan had to stop early at an
 * unsupported instruction, or could not allocate its nesting stack). */
static wasm_status scan_func(const wasm_module *m, uint32_t i, uint8_t **kinds, size_t *cap,
                             wasm_error *err)
{
    const wasm_func *fn = &m->funcs[i];
    wasm_reader r;
    size_t adjust;
    size_t depth = 0;
    body_reader(m, fn, &r, &adjust);
    /* kinds[d]: 1 for an open `if` that may still take an else, 0 for any other frame */
    uint8_t *v;
    if (!*cap) {
        if (!(v = grow(*kinds, cap, 1, 1)))
            return WASM_OK;
        *kinds = v;
    }
    (*kinds)[depth++] = 0;
    while (depth > 0) {
        size_t at = reader_offset(&r);
        uint32_t op;
        if (reader_eof(&r)) {
            loader_fail_at(&r, at, "unexpected end of section or function");
            break;
        }
        if (!loader_skip_instruction(&r, &op))
            break;
        switch (op) {
        case WASM_OP_block:
        case WASM_OP_loop:
        case WASM_OP_if:
            if (depth == *cap) {
                if (!(v = grow(*kinds, cap, depth + 1, 1)))
                    return WASM_OK;
                *kinds = v;
            }
            (*kinds)[depth++] = op == WASM_OP_if;
            break;
        case WASM_OP_else:
            if (!(*kinds)[depth - 1])
                loader_fail_at(&r, at, "END opcode expected");
            (*kinds)[depth - 1] = 0;
            break;
        case WASM_OP_end:
            if (--depth == 0 && !reader_eof(&r))
                loader_fail_at(&r, reader_offset(&r), "section size mismatch");
            break;
        case WASM_OP_memory_init:
        case WASM_OP_data_drop:
            if (data_count_missing(m))
                loader_fail_at(&r, at, "data count section required");
            break;
        default:
            break;
        }
        if (r.error)
            break;
    }
    if (!r.error || r.error == loader_msg_simd)
        return WASM_OK;
    return reader_failure(m, &r, adjust, m->nfunc_imports + i, err);
}

wasm_status vcode_find_malformed(const wasm_module *m, wasm_error *err)
{
    uint8_t *kinds = NULL;
    size_t cap = 0;
    wasm_status st = WASM_OK;
    for (uint32_t i = 0; i < m->nfuncs && st == WASM_OK; i++)
        st = scan_func(m, i, &kinds, &cap, err);
    free(kinds);
    return st;
}
