/* The instrumenter's body rewriter: copies one function body instruction by instruction,
 * inserting the charges of its metered blocks, the dynamic costs of grow and bulk
 * operations, the tracking of dropped segments, and shifting function indices.
 *
 * Every insertion is stack-neutral and needs no label, so the rewritten body validates
 * wherever the original did, and branch depths are unchanged. Dead code is copied as it is
 * (the translator records no charge there, and injected dynamic code in dead code is valid
 * because the operand stack is polymorphic there).
 */
#include "instrument.h"

#include <stdlib.h>
#include <string.h>

#include "../loader/binary.h"
#include "../loader/opcodes.h"
#include "../loader/reader.h"

/* Opcodes of the instructions the injected code is made of. */
enum {
    OPC_UNREACHABLE = 0x00,
    OPC_IF = 0x04,
    OPC_ELSE = 0x05,
    OPC_END = 0x0B,
    OPC_CALL = 0x10,
    OPC_SELECT = 0x1B,
    OPC_LOCAL_GET = 0x20,
    OPC_LOCAL_SET = 0x21,
    OPC_LOCAL_TEE = 0x22,
    OPC_GLOBAL_GET = 0x23,
    OPC_GLOBAL_SET = 0x24,
    OPC_MEMORY_SIZE = 0x3F,
    OPC_I32_CONST = 0x41,
    OPC_I64_CONST = 0x42,
    OPC_I64_LE_U = 0x58,
    OPC_I32_AND = 0x71,
    OPC_I64_ADD = 0x7C,
    OPC_I64_MUL = 0x7E,
    OPC_I64_SHL = 0x86,
    OPC_I64_EXTEND_I32_U = 0xAD,
    OPC_REF_FUNC = 0xD2,
    OPC_PREFIX_FC = 0xFC,
    BLOCKTYPE_EMPTY = 0x40,
};

/* The scratch locals a body's injected code uses, allocated on first use after the
 * function's own locals (so no existing local index moves). */
typedef struct {
    uint32_t first;         /* index of the first added local: nparams + nlocals */
    uint32_t i32s;          /* the three i32 temporaries, or UINT32_MAX while unallocated */
    uint32_t ref[2];        /* one funcref and one externref temporary, likewise */
    uint8_t types[5];       /* the added locals' types, in index order */
    uint32_t ntypes;
} scratch_locals;

typedef struct {
    const rt_instr_ctx *c;
    wasm_writer w;
    scratch_locals locals;
    uint32_t func_index;    /* of the input module, for errors */
    rt_instr_offset *offsets;   /* one per input instruction copied so far */
    uint32_t noffsets, capoffsets;
    bool oom;
} body_writer;

/* Grows the offset map to hold cap (> capoffsets) entries; false (and oom set) if it cannot. */
__attribute__((noinline)) static bool grow_offsets(body_writer *b, uint32_t cap)
{
    rt_instr_offset *p = realloc(b->offsets, (size_t)cap * sizeof *p);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->offsets = p;
    b->capoffsets = cap;
    return true;
}

/* The offset map, its unused capacity given back. */
static rt_instr_offset *trim_offsets(body_writer *b)
{
    rt_instr_offset *p = b->noffsets ? realloc(b->offsets, b->noffsets * sizeof *p) : NULL;
    return p ? p : b->offsets;
}

/* Records that the input instruction at file offset in_offset starts here in the output. */
static inline void map_here(body_writer *b, size_t in_offset)
{
    if (__builtin_expect(b->noffsets == b->capoffsets, 0) &&
        !grow_offsets(b, b->capoffsets ? b->capoffsets * 2 : 64))
        return;
    b->offsets[b->noffsets++] = (rt_instr_offset){(uint32_t)b->w.len, (uint32_t)in_offset};
}

uint32_t rt_instr_input_offset(const rt_instr_offset *offsets, uint32_t n, uint32_t out_rel)
{
    uint32_t lo = 0, hi = n; /* the first entry with out_rel >= the one wanted */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (offsets[mid].out_rel < out_rel)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n)
        return n ? offsets[n - 1].in_offset : 0;
    return offsets[lo].in_offset;
}

wasm_status rt_instr_scan(const wasm_module *m, rt_instr_segment_use *use, wasm_error *err)
{
    for (uint32_t i = 0; i < m->nfuncs; i++) {
        const wasm_func *f = &m->funcs[i];
        wasm_reader r;
        reader_init(&r, m->bytes, f->code, f->code + f->code_len);
        while (!reader_eof(&r)) {
            const uint8_t *start = r.pos;
            uint32_t op, sub, seg = 0;
            if (!loader_skip_instruction(&r, &op))
                return loader_reader_status(&r, m->size, err);
            if (op != WASM_OP_data_drop && op != WASM_OP_memory_init &&
                op != WASM_OP_elem_drop && op != WASM_OP_table_init)
                continue;
            wasm_reader imm; /* the sub-opcode, then the segment index first */
            reader_init(&imm, m->bytes, start + 1, r.pos);
            reader_u32(&imm, &sub);
            reader_u32(&imm, &seg);
            if (op == WASM_OP_data_drop)
                use->data_dropped[seg] = true;
            else if (op == WASM_OP_memory_init)
                use->data_inited[seg] = true;
            else if (op == WASM_OP_elem_drop)
                use->elem_dropped[seg] = true;
            else
                use->elem_inited[seg] = true;
        }
    }
    return WASM_OK;
}

static uint32_t scratch_add(scratch_locals *s, uint8_t type)
{
    s->types[s->ntypes] = type;
    return s->first + s->ntypes++;
}

/* The first of three consecutive i32 scratch locals. */
static uint32_t scratch_i32s(scratch_locals *s)
{
    if (s->i32s == UINT32_MAX) {
        s->i32s = scratch_add(s, WASM_I32);
        scratch_add(s, WASM_I32);
        scratch_add(s, WASM_I32);
    }
    return s->i32s;
}

static uint32_t scratch_ref(scratch_locals *s, uint8_t reftype)
{
    uint32_t *slot = &s->ref[reftype == WASM_EXTERNREF];
    if (*slot == UINT32_MAX)
        *slot = scratch_add(s, reftype);
    return *slot;
}

/* ---- emitting instructions ---- */

static void op_u32(wasm_writer *w, uint8_t opcode, uint32_t imm)
{
    writer_u8(w, opcode);
    writer_u32(w, imm);
}

static void op_fc(wasm_writer *w, uint32_t sub, uint32_t imm)
{
    writer_u8(w, OPC_PREFIX_FC);
    writer_u32(w, sub);
    writer_u32(w, imm);
}

/* Pushes local i32 `local`, zero-extended to i64. */
static void get_u64(wasm_writer *w, uint32_t local)
{
    op_u32(w, OPC_LOCAL_GET, local);
    writer_u8(w, OPC_I64_EXTEND_I32_U);
}

/* `i64.const cost  call $gas`: charges a static cost (the bits of cost, read unsigned). */
static void charge_const(body_writer *b, uint64_t cost)
{
    writer_u8(&b->w, OPC_I64_CONST);
    writer_s64(&b->w, (int64_t)cost);
    op_u32(&b->w, OPC_CALL, b->c->gas_func);
}

/* Charges the i64 on the stack times unit (< 2^32, and the i64 is < 2^32: no overflow). */
static void charge_times(body_writer *b, uint64_t unit)
{
    if (unit != 1) {
        writer_u8(&b->w, OPC_I64_CONST);
        writer_s64(&b->w, (int64_t)unit);
        writer_u8(&b->w, OPC_I64_MUL);
    }
    op_u32(&b->w, OPC_CALL, b->c->gas_func);
}

/* Pushes (u64)a + (u64)n as an i64: the end of a range of n units from local a. */
static void range_end(wasm_writer *w, uint32_t a, uint32_t n)
{
    get_u64(w, a);
    get_u64(w, n);
    writer_u8(w, OPC_I64_ADD);
}

/* Pushes the byte size of memory 0 as an i64. */
static void memory_bytes(wasm_writer *w)
{
    writer_u8(w, OPC_MEMORY_SIZE);
    writer_u8(w, 0x00);
    writer_u8(w, OPC_I64_EXTEND_I32_U);
    writer_u8(w, OPC_I64_CONST);
    writer_s64(w, 16);
    writer_u8(w, OPC_I64_SHL);
}

static void table_elems(wasm_writer *w, uint32_t table)
{
    op_fc(w, WASM_OP_table_size - WASM_OP_FC_BASE, table);
    writer_u8(w, OPC_I64_EXTEND_I32_U);
}

/* Pushes the current length of a passive segment of `len` items as an i64: len while the
 * segment lives, 0 once dropped (when `live` tracks it). */
static void segment_len(wasm_writer *w, uint32_t len, uint32_t live)
{
    writer_u8(w, OPC_I64_CONST);
    writer_s64(w, len);
    if (live == RT_INSTR_NO_GLOBAL)
        return;
    writer_u8(w, OPC_I64_CONST);
    writer_s64(w, 0);
    op_u32(w, OPC_GLOBAL_GET, live);
    writer_u8(w, OPC_SELECT);
}

/* ---- dynamic costs ---- */

/* Before memory.grow / table.grow: the delta is on top of the stack; it is charged per unit
 * requested, whether the growth then succeeds or not. */
static void inject_grow(body_writer *b, uint64_t unit)
{
    uint32_t t = scratch_i32s(&b->locals);
    op_u32(&b->w, OPC_LOCAL_TEE, t);
    writer_u8(&b->w, OPC_I64_EXTEND_I32_U);
    charge_times(b, unit);
    op_u32(&b->w, OPC_LOCAL_GET, t);
}

/* The immediates of a bulk operation (read after its opcode). */
typedef struct {
    uint32_t x, y;  /* memory.init: segment; table.*: tables, or segment then table */
} bulk_imm;

/* Before a bulk operation with operands (a, mid, n) on the stack: saves them, charges
 * n * bulk_unit when the operation's bounds checks will pass (the checks of vm/interp.c:
 * each range [start, start + n) within its memory, table or segment), and pushes them back.
 * An operation that will trap is not charged, as in native metering. */
static void inject_bulk(body_writer *b, uint32_t op, bulk_imm imm)
{
    const wasm_module *m = b->c->m;
    wasm_writer *w = &b->w;
    uint32_t a = scratch_i32s(&b->locals), mid = a + 1, n = a + 2;
    if (op == WASM_OP_table_fill) /* the middle operand is the fill value */
        mid = scratch_ref(&b->locals, m->tables[imm.x].elemtype);
    op_u32(w, OPC_LOCAL_SET, n);
    op_u32(w, OPC_LOCAL_SET, mid);
    op_u32(w, OPC_LOCAL_SET, a);

    /* The condition: an i32, 1 when every range is in bounds. */
    range_end(w, a, n);
    switch (op) {
    case WASM_OP_memory_fill:
    case WASM_OP_memory_copy:
    case WASM_OP_memory_init:
        memory_bytes(w);
        break;
    default:
        table_elems(w, op == WASM_OP_table_init ? imm.y : imm.x);
        break;
    }
    writer_u8(w, OPC_I64_LE_U);
    if (op != WASM_OP_memory_fill && op != WASM_OP_table_fill) {
        range_end(w, mid, n);
        if (op == WASM_OP_memory_copy)
            memory_bytes(w);
        else if (op == WASM_OP_table_copy)
            table_elems(w, imm.y);
        else if (op == WASM_OP_memory_init)
            segment_len(w, m->datas[imm.x].len, b->c->data_live[imm.x]);
        else
            segment_len(w, m->elems[imm.x].count, b->c->elem_live[imm.x]);
        writer_u8(w, OPC_I64_LE_U);
        writer_u8(w, OPC_I32_AND);
    }
    writer_u8(w, OPC_IF);
    writer_u8(w, BLOCKTYPE_EMPTY);
    get_u64(w, n);
    charge_times(b, b->c->costs->bulk_unit);
    writer_u8(w, OPC_END);

    op_u32(w, OPC_LOCAL_GET, a);
    op_u32(w, OPC_LOCAL_GET, mid);
    op_u32(w, OPC_LOCAL_GET, n);
}

/* Whether a bulk operation can ever charge: an init from a segment that is dropped when the
 * module is instantiated (active, declarative) succeeds only when n is 0. */
static bool bulk_can_charge(const wasm_module *m, uint32_t op, bulk_imm imm)
{
    if (op == WASM_OP_memory_init)
        return m->datas[imm.x].mode == WASM_SEGMENT_PASSIVE;
    if (op == WASM_OP_table_init)
        return m->elems[imm.x].mode == WASM_SEGMENT_PASSIVE;
    return true;
}

/* ---- the body ---- */

static wasm_status rewrite(body_writer *b, const wasm_func *f, const vm_charge_site *sites,
                           uint32_t nsites, wasm_error *err)
{
    const rt_instr_ctx *c = b->c;
    const wasm_module *m = c->m;
    wasm_writer *w = &b->w;
    wasm_reader r;
    reader_init(&r, m->bytes, f->code, f->code + f->code_len);
    uint32_t next_site = 0;

    while (!reader_eof(&r)) {
        const uint8_t *start = r.pos;
        size_t offset = reader_offset(&r);

        /* The charges taken just before this instruction: the blocks starting here, then,
         * at the `end` of an `if` without `else`, the else arm the false path gets. */
        bool else_opened = false;
        for (; next_site < nsites && sites[next_site].wasm_offset == offset; next_site++) {
            const vm_charge_site *s = &sites[next_site];
            if (s->else_arm && !else_opened) {
                writer_u8(w, OPC_ELSE);
                else_opened = true;
            }
            if (s->cost)
                charge_const(b, s->cost);
        }

        uint32_t op;
        if (!loader_skip_instruction(&r, &op))
            return loader_reader_status(&r, m->size, err);
        wasm_reader imm_reader;
        reader_init(&imm_reader, m->bytes, start + 1, r.pos); /* after the opcode byte */
        uint32_t sub;
        if (op >= WASM_OP_FC_BASE)
            reader_u32(&imm_reader, &sub); /* the sub-opcode, already checked */

        uint64_t unit = 0;
        bulk_imm imm = {0, 0};
        switch (op) {
        case WASM_OP_call:
        case WASM_OP_ref_func: {
            uint32_t index = 0;
            reader_u32(&imm_reader, &index);
            map_here(b, offset);
            op_u32(w, *start, rt_instr_func_index(c, index));
            continue;
        }
        case WASM_OP_memory_grow:
        case WASM_OP_table_grow:
            unit = op == WASM_OP_memory_grow ? c->costs->grow_page : c->costs->bulk_unit;
            if (unit > UINT32_MAX)
                return wasm_error_set(err, WASM_ERR_UNSUPPORTED, offset, b->func_index,
                                      "cannot instrument %s: its cost per %s (%llu) does not "
                                      "fit in 32 bits",
                                      op == WASM_OP_memory_grow ? "memory.grow" : "table.grow",
                                      op == WASM_OP_memory_grow ? "page" : "element",
                                      (unsigned long long)unit);
            if (unit)
                inject_grow(b, unit);
            break;
        case WASM_OP_memory_fill:
        case WASM_OP_memory_copy:
        case WASM_OP_memory_init:
        case WASM_OP_table_fill:
        case WASM_OP_table_copy:
        case WASM_OP_table_init:
            unit = c->costs->bulk_unit;
            if (unit > UINT32_MAX)
                return wasm_error_set(err, WASM_ERR_UNSUPPORTED, offset, b->func_index,
                                      "cannot instrument bulk operations: their cost per byte "
                                      "or element (%llu) does not fit in 32 bits",
                                      (unsigned long long)unit);
            if (op != WASM_OP_memory_fill && op != WASM_OP_memory_copy)
                reader_u32(&imm_reader, &imm.x);
            if (op == WASM_OP_table_copy || op == WASM_OP_table_init)
                reader_u32(&imm_reader, &imm.y);
            if (unit && bulk_can_charge(m, op, imm))
                inject_bulk(b, op, imm);
            break;
        default:
            break;
        }
        map_here(b, offset);
        writer_bytes(w, start, (size_t)(r.pos - start));

        /* After a drop, the segment's tracked length becomes 0. */
        if (op == WASM_OP_data_drop || op == WASM_OP_elem_drop) {
            uint32_t seg = 0;
            reader_u32(&imm_reader, &seg);
            uint32_t live = op == WASM_OP_data_drop ? c->data_live[seg] : c->elem_live[seg];
            if (live != RT_INSTR_NO_GLOBAL) {
                writer_u8(w, OPC_I32_CONST);
                writer_s32(w, 0);
                op_u32(w, OPC_GLOBAL_SET, live);
            }
        }
    }
    if (next_site != nsites)
        return wasm_error_set(err, WASM_ERR_USAGE, sites[next_site].wasm_offset, b->func_index,
                              "internal error: charge site at offset %u is not at an "
                              "instruction",
                              (unsigned)sites[next_site].wasm_offset);
    return WASM_OK;
}

wasm_status rt_instrument_body(const rt_instr_ctx *c, uint32_t defined,
                               const vm_charge_site *sites, uint32_t nsites, rt_instr_body *out,
                               wasm_error *err)
{
    const wasm_module *m = c->m;
    const wasm_func *f = &m->funcs[defined];
    body_writer b = {.c = c, .func_index = m->nfunc_imports + defined};
    b.locals.first = m->types[f->type].nparams + f->nlocals;
    b.locals.i32s = b.locals.ref[0] = b.locals.ref[1] = UINT32_MAX;
    memset(out, 0, sizeof *out);
    /* Room for what compiled code needs, so that most bodies never grow them: the body and its
     * charges (some 5 bytes every 15 to 50 bytes), an offset per instruction (about one per
     * 2 bytes). The offset map is kept, so it is trimmed to size at the end. */
    uint32_t len = f->code_len < (1u << 24) ? f->code_len : (1u << 24); /* a hint */
    writer_reserve(&b.w, len + len / 4 + 16);
    grow_offsets(&b, len / 2 + 16);

    wasm_status st = rewrite(&b, f, sites, nsites, err);
    if (st != WASM_OK) {
        writer_free(&b.w);
        free(b.offsets);
        return st;
    }
    out->offsets = trim_offsets(&b);
    out->noffsets = b.noffsets;
    out->code = writer_take(&b.w, &out->code_len);
    if (!out->code || b.oom) {
        rt_instr_body_free(out);
        return wasm_error_set(err, WASM_ERR_NOMEM, f->code_offset, b.func_index,
                              "out of memory");
    }
    if (b.locals.ntypes) {
        out->extra_locals = malloc(b.locals.ntypes);
        if (!out->extra_locals) {
            rt_instr_body_free(out);
            return wasm_error_set(err, WASM_ERR_NOMEM, f->code_offset, b.func_index,
                                  "out of memory");
        }
        memcpy(out->extra_locals, b.locals.types, b.locals.ntypes);
        out->nextra_locals = b.locals.ntypes;
    }
    return WASM_OK;
}

void rt_instr_body_free(rt_instr_body *b)
{
    free(b->code);
    free(b->extra_locals);
    free(b->offsets);
    memset(b, 0, sizeof *b);
}
