/* The fuel cost model: presets, the text format's parser and writer, and the check for
 * forbidden operators (see cost_model.h and docs/cost-model.md). */
#include "cost_model.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"

/* Largest cost file wasm_cost_model_load_file reads: a complete model is about 8 KiB. */
#define COST_FILE_MAX (1u << 20)

/* Longest token quoted in a message; longer ones are cut (the message has 256 bytes). */
#define COST_QUOTE_MAX 48

/* ---- presets ---- */

static void model_zero(wasm_cost_model *m)
{
    memset(m, 0, sizeof *m);
}

void wasm_cost_model_default(wasm_cost_model *m)
{
    model_zero(m);
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++)
        if (wasm_op_table[op].name)
            m->op_cost[op] = wasm_op_table[op].default_cost;
    m->call_entry = 1;
    m->host_entry = 2;
    m->bulk_unit = 1;
    m->grow_page = 1;
}

void wasm_cost_model_uniform(wasm_cost_model *m)
{
    model_zero(m);
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++)
        if (wasm_op_table[op].name)
            m->op_cost[op] = 1;
}

bool wasm_cost_model_equal(const wasm_cost_model *a, const wasm_cost_model *b)
{
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++)
        if (a->op_cost[op] != b->op_cost[op] || a->forbidden[op] != b->forbidden[op])
            return false;
    return a->call_entry == b->call_entry && a->host_entry == b->host_entry &&
           a->bulk_unit == b->bulk_unit && a->grow_page == b->grow_page;
}

static bool sig_is_float(uint8_t t) { return t == WASM_SIG_F32 || t == WASM_SIG_F64; }

bool wasm_cost_op_is_float(uint32_t op)
{
    const wasm_op_info *info = wasm_op_lookup(op);
    if (!info)
        return false;
    const char *n = info->name;
    if (strncmp(n, "f32.", 4) == 0 || strncmp(n, "f64.", 4) == 0 || strstr(n, "_f32") ||
        strstr(n, "_f64"))
        return true;
    return sig_is_float(info->p0) || sig_is_float(info->p1) || sig_is_float(info->result);
}

/* ---- the text format: tokens and numbers ---- */

/* A slice of the input text. */
typedef struct {
    const char *p;
    size_t len;
} cost_tok;

static bool tok_is(cost_tok t, const char *s)
{
    return t.len == strlen(s) && memcmp(t.p, s, t.len) == 0;
}

/* Length of t as quoted in messages. */
static int tok_qlen(cost_tok t) { return (int)(t.len < COST_QUOTE_MAX ? t.len : COST_QUOTE_MAX); }

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Splits line[0..len) (no newline; the comment already cut) into at most max tokens;
 * returns how many it found, counting one more than max when there are more. */
static size_t split_line(const char *line, size_t len, cost_tok *toks, size_t max)
{
    size_t n = 0, i = 0;
    for (;;) {
        while (i < len && is_space(line[i]))
            i++;
        if (i == len)
            return n;
        if (n == max)
            return n + 1;
        size_t start = i;
        while (i < len && !is_space(line[i]))
            i++;
        toks[n++] = (cost_tok){line + start, i - start};
    }
}

typedef enum { NUM_OK, NUM_BAD, NUM_OVERFLOW } num_result;

/* A decimal u64: digits, with single underscores allowed between two digits (as in the
 * Wasm text format); no sign, no other characters. */
static num_result parse_u64(cost_tok t, uint64_t *out)
{
    uint64_t v = 0;
    bool overflow = false;
    if (t.len == 0)
        return NUM_BAD;
    for (size_t i = 0; i < t.len; i++) {
        char c = t.p[i];
        if (c == '_') {
            /* between two digits: not first, not last, not after another '_' */
            if (i == 0 || i + 1 == t.len || t.p[i - 1] == '_')
                return NUM_BAD;
            continue;
        }
        if (c < '0' || c > '9')
            return NUM_BAD;
        unsigned d = (unsigned)(c - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = true;    /* keep scanning: a later bad character is a bad number */
        else
            v = v * 10 + d;
    }
    if (overflow)
        return NUM_OVERFLOW;
    *out = v;
    return NUM_OK;
}

/* ---- the parser ---- */

/* One parse in progress. The model is built in a copy so that a failed parse leaves the
 * caller's model untouched. */
typedef struct {
    wasm_cost_model m;
    const char *source;     /* for messages */
    size_t line_no;         /* 1-based number of the line being parsed */
    size_t line_at;         /* offset of that line in text */
    bool seen_directive;    /* a directive came before this line (so `base` is too late) */
    wasm_error *err;
} cost_parser;

/* Fails the parse with "source:line: <message>", offset = the current line's. */
__attribute__((format(printf, 2, 3))) static wasm_status parse_fail(cost_parser *ps,
                                                                    const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return wasm_error_set(ps->err, WASM_ERR_USAGE, ps->line_at, WASM_NO_FUNC, "%s:%zu: %s",
                          ps->source, ps->line_no, msg);
}

/* The value of a cost (or scalar) token, or a failure naming it. */
static wasm_status parse_cost(cost_parser *ps, cost_tok t, uint64_t *out)
{
    switch (parse_u64(t, out)) {
    case NUM_OK:
        return WASM_OK;
    case NUM_OVERFLOW:
        return parse_fail(ps, "cost '%.*s' is too large (the maximum is %" PRIu64 ")",
                          tok_qlen(t), t.p, UINT64_MAX);
    case NUM_BAD:
        break;
    }
    return parse_fail(ps, "bad cost '%.*s' (expected a whole number)", tok_qlen(t), t.p);
}

/* `base default|uniform`: only as the first directive, since it replaces the whole model. */
static wasm_status parse_base(cost_parser *ps, cost_tok value)
{
    if (ps->seen_directive)
        return parse_fail(ps, "'base' must be the first directive");
    if (tok_is(value, "default"))
        wasm_cost_model_default(&ps->m);
    else if (tok_is(value, "uniform"))
        wasm_cost_model_uniform(&ps->m);
    else
        return parse_fail(ps, "unknown base '%.*s' (expected 'default' or 'uniform')",
                          tok_qlen(value), value.p);
    return WASM_OK;
}

/* The scalar key named by t, or NULL. */
static uint64_t *scalar_field(wasm_cost_model *m, cost_tok t)
{
    if (tok_is(t, "call_entry"))
        return &m->call_entry;
    if (tok_is(t, "host_entry"))
        return &m->host_entry;
    if (tok_is(t, "bulk_unit"))
        return &m->bulk_unit;
    if (tok_is(t, "grow_page"))
        return &m->grow_page;
    return NULL;
}

static wasm_status parse_scalar(cost_parser *ps, cost_tok key, cost_tok value, uint64_t *field)
{
    if (tok_is(value, "forbid"))
        return parse_fail(ps, "'%.*s' cannot be forbidden", tok_qlen(key), key.p);
    return parse_cost(ps, value, field);
}

/* Whether operator op (assigned) is selected by key: `*`, `float`, or its text name (one
 * name may select several opcodes: `select` is 0x1B and 0x1C). */
static bool key_selects(cost_tok key, uint32_t op)
{
    if (tok_is(key, "*"))
        return true;
    if (tok_is(key, "float"))
        return wasm_cost_op_is_float(op);
    return tok_is(key, wasm_op_table[op].name);
}

/* `KEY COST` or `KEY forbid` for an operator or a group. Setting a cost also lifts a
 * forbid of an earlier line (later lines override earlier ones); forbidding keeps the cost. */
static wasm_status parse_ops(cost_parser *ps, cost_tok key, cost_tok value)
{
    bool forbid = tok_is(value, "forbid");
    uint64_t cost = 0;
    if (!forbid) {
        wasm_status st = parse_cost(ps, value, &cost);
        if (st != WASM_OK)
            return st;
    }
    bool any = false;
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        if (!wasm_op_table[op].name || !key_selects(key, op))
            continue;
        any = true;
        if (forbid) {
            ps->m.forbidden[op] = true;
        } else {
            ps->m.op_cost[op] = cost;
            ps->m.forbidden[op] = false;
        }
    }
    if (!any)
        return parse_fail(ps, "unknown operator '%.*s'", tok_qlen(key), key.p);
    return WASM_OK;
}

/* One line, without its newline. */
static wasm_status parse_line(cost_parser *ps, const char *line, size_t len)
{
    const char *hash = memchr(line, '#', len);
    if (hash)
        len = (size_t)(hash - line);
    cost_tok t[2];
    size_t n = split_line(line, len, t, 2);
    if (n == 0)
        return WASM_OK;
    if (n != 2)
        return parse_fail(ps, "expected 'OPERATOR COST'");
    wasm_status st;
    uint64_t *field = scalar_field(&ps->m, t[0]);
    if (tok_is(t[0], "base"))
        st = parse_base(ps, t[1]);
    else if (field)
        st = parse_scalar(ps, t[0], t[1], field);
    else
        st = parse_ops(ps, t[0], t[1]);
    ps->seen_directive = true;
    return st;
}

wasm_status wasm_cost_model_parse(wasm_cost_model *m, const char *text, size_t len,
                                  const char *source_name, wasm_error *err)
{
    cost_parser ps = {.source = source_name ? source_name : "<string>", .err = err};
    wasm_cost_model_default(&ps.m);
    size_t at = 0;
    for (ps.line_no = 1; at < len; ps.line_no++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        ps.line_at = at;
        wasm_status st = parse_line(&ps, text + at, end - at);
        if (st != WASM_OK)
            return st;
        at = end + 1;
    }
    *m = ps.m;
    return WASM_OK;
}

/* ---- reading a file ---- */

/* Reads all of f into a malloc'd *buf (*len bytes). */
static wasm_status read_all(FILE *f, const char *path, char **buf, size_t *len,
                            wasm_error *err)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    if (!b)
        goto nomem;
    for (;;) {
        n += fread(b + n, 1, cap - n, f);
        if (ferror(f)) {
            int e = errno;
            free(b);
            return wasm_error_set(err, WASM_ERR_USAGE, 0, WASM_NO_FUNC, "cannot read '%s': %s",
                                  path, strerror(e));
        }
        if (feof(f))
            break;
        if (cap == COST_FILE_MAX) {
            free(b);
            return wasm_error_set(err, WASM_ERR_USAGE, 0, WASM_NO_FUNC,
                                  "'%s' is too large for a cost model (over %u bytes)", path,
                                  COST_FILE_MAX);
        }
        char *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            goto nomem;
        }
        b = nb;
        cap *= 2;
    }
    *buf = b;
    *len = n;
    return WASM_OK;
nomem:
    return wasm_error_set(err, WASM_ERR_NOMEM, 0, WASM_NO_FUNC,
                          "out of memory reading '%s'", path);
}

wasm_status wasm_cost_model_load_file(wasm_cost_model *m, const char *path, wasm_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return wasm_error_set(err, WASM_ERR_USAGE, 0, WASM_NO_FUNC, "cannot open '%s': %s",
                              path, strerror(errno));
    wasm_status st = read_all(f, path, &text, &len, err);
    fclose(f);
    if (st != WASM_OK)
        goto done;
    st = wasm_cost_model_parse(m, text, len, path, err);
done:
    free(text);
    return st;
}

/* ---- the writer ---- */

/* Where formatted text goes: a buffer (snprintf semantics: len counts everything, even
 * what did not fit) or a FILE. */
typedef struct {
    char *buf;
    size_t size;
    size_t len;
    FILE *out;
    bool failed;    /* a write to out failed */
} cost_sink;

__attribute__((format(printf, 2, 3))) static void emit(cost_sink *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n;
    if (s->out) {
        n = vfprintf(s->out, fmt, ap);
    } else {
        char *at = s->len < s->size ? s->buf + s->len : NULL;
        n = vsnprintf(at, at ? s->size - s->len : 0, fmt, ap);
    }
    va_end(ap);
    if (n < 0)
        s->failed = true;
    else
        s->len += (size_t)n;
}

/* True for the first opcode carrying op's name (the one the writer prints). */
static bool first_of_name(uint32_t op)
{
    for (uint32_t o = 0; o < op; o++)
        if (wasm_op_table[o].name && strcmp(wasm_op_table[o].name, wasm_op_table[op].name) == 0)
            return false;
    return true;
}

static void format_model(const wasm_cost_model *m, cost_sink *s)
{
    emit(s, "# wvm cost model: every operator is listed, so the base does not matter\n");
    emit(s, "base default\n");
    emit(s, "call_entry %" PRIu64 "\n", m->call_entry);
    emit(s, "host_entry %" PRIu64 "\n", m->host_entry);
    emit(s, "bulk_unit %" PRIu64 "\n", m->bulk_unit);
    emit(s, "grow_page %" PRIu64 "\n", m->grow_page);
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++) {
        const char *name = wasm_op_table[op].name;
        if (!name || !first_of_name(op))
            continue;
        emit(s, "%-22s %" PRIu64 "\n", name, m->op_cost[op]);
        if (m->forbidden[op])
            emit(s, "%-22s forbid\n", name);
    }
}

size_t wasm_cost_model_format(const wasm_cost_model *m, char *buf, size_t size)
{
    cost_sink s = {.buf = buf, .size = buf ? size : 0};
    if (s.size)
        buf[0] = '\0';
    format_model(m, &s);
    return s.len;
}

wasm_status wasm_cost_model_write(const wasm_cost_model *m, FILE *out, wasm_error *err)
{
    cost_sink s = {.out = out};
    format_model(m, &s);
    if (s.failed || fflush(out) != 0 || ferror(out))
        return wasm_error_set(err, WASM_ERR_USAGE, 0, WASM_NO_FUNC,
                              "cannot write the cost model: %s", strerror(errno));
    return WASM_OK;
}

/* ---- forbidden operators in a module ---- */

/* Scans the instructions code[0..len) (a function body or a constant expression, inside
 * mod->bytes so that reader offsets are file offsets) for a forbidden operator. */
static wasm_status check_code(const wasm_cost_model *m, const wasm_module *mod,
                              const uint8_t *code, size_t len, uint32_t func_index,
                              wasm_error *err)
{
    wasm_reader r;
    reader_init(&r, mod->bytes, code, code + len);
    while (!reader_eof(&r)) {
        size_t at = reader_offset(&r);
        uint32_t op;
        if (!loader_skip_instruction(&r, &op)) {
            wasm_status st = loader_reader_status(&r, mod->size, err);
            if (err)
                err->func_index = func_index;
            return st;
        }
        if (m->forbidden[op])
            return wasm_error_set(err, WASM_ERR_INVALID, at, func_index,
                                  "operator %s is forbidden by the cost model",
                                  wasm_op_table[op].name);
    }
    return WASM_OK;
}

static wasm_status check_expr(const wasm_cost_model *m, const wasm_module *mod,
                              const wasm_constexpr *e, wasm_error *err)
{
    if (!e->code)
        return WASM_OK;
    return check_code(m, mod, e->code, e->len, WASM_NO_FUNC, err);
}

/* Element segments: the active offset, then the item expressions (flags 4-7). */
static wasm_status check_elem(const wasm_cost_model *m, const wasm_module *mod,
                              const wasm_elem *e, wasm_error *err)
{
    wasm_status st = WASM_OK;
    if (e->mode == WASM_SEGMENT_ACTIVE)
        st = check_expr(m, mod, &e->offset, err);
    for (uint32_t k = 0; st == WASM_OK && e->exprs && k < e->count; k++)
        st = check_expr(m, mod, &e->exprs[k], err);
    return st;
}

static bool forbids_any(const wasm_cost_model *m)
{
    for (uint32_t op = 0; op < WASM_OP_COUNT; op++)
        if (m->forbidden[op])
            return true;
    return false;
}

/* Sections in file order: global (6), element (9), code (10), data (11). A model that forbids
 * nothing (both presets) accepts every module unread. */
wasm_status wasm_cost_model_check_module(const wasm_cost_model *m, const wasm_module *mod,
                                         wasm_error *err)
{
    if (!forbids_any(m))
        return WASM_OK;
    wasm_status st = WASM_OK;
    for (uint32_t i = 0; st == WASM_OK && i < mod->nglobals; i++)
        st = check_expr(m, mod, &mod->globals[i].init, err);
    for (uint32_t i = 0; st == WASM_OK && i < mod->nelems; i++)
        st = check_elem(m, mod, &mod->elems[i], err);
    for (uint32_t i = 0; st == WASM_OK && i < mod->nfuncs; i++) {
        const wasm_func *f = &mod->funcs[i];
        st = check_code(m, mod, f->code, f->code_len, mod->nfunc_imports + i, err);
    }
    for (uint32_t i = 0; st == WASM_OK && i < mod->ndatas; i++)
        if (mod->datas[i].mode == WASM_SEGMENT_ACTIVE)
            st = check_expr(m, mod, &mod->datas[i].offset, err);
    return st;
}
