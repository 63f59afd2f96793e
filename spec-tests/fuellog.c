/* The fuel log (one line per invocation, format in harness.h) and the comparison of a log
 * written with --meter native against one written another way (--meter reference by
 * default; --meter instrument, --instrument import|global, ...).
 *
 * The comparison is the proof that native metering (one charge per metered block) equals
 * the operator-by-operator reference count, and that injected metering charges what native
 * metering does: over the whole suite, every invocation that returned normally must have
 * consumed exactly the same fuel in both modes. Invocations that trapped are only checked
 * for the same outcome: native mode charges a metered block on entry, so a trap in the
 * middle of a block leaves the rest of the block paid for. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

void fuel_log_append(strbuf *log, const char *file_name, uint32_t line, bool module,
                     uint64_t fuel, wvm_status status, const wvm_error *err)
{
    strbuf_printf(log, "%s:%" PRIu32 " fuel=%" PRIu64 "%s", file_name, line, fuel,
                  module ? " module" : "");
    if (status == WVM_ERR_TRAP)
        strbuf_printf(log, " trap=%s", wvm_trap_name(err->trap));
    else if (status != WVM_OK)
        strbuf_printf(log, " error=%s", spec_status_name(status));
    strbuf_printf(log, "\n");
}

/* True when text[0..len) starts with prefix; *rest is then what follows it. */
static bool starts_with(const char *text, size_t len, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (len < n || memcmp(text, prefix, n) != 0)
        return false;
    *rest = text + n;
    return true;
}

bool fuel_log_parse_line(const char *line, size_t len, fuel_entry *out)
{
    const char *end = line + len;
    const char *sp = memchr(line, ' ', len);
    if (sp == NULL || sp == line)
        return false;
    /* The key ends in ":LINE" with at least one digit. */
    const char *colon = sp;
    while (colon > line && colon[-1] >= '0' && colon[-1] <= '9')
        colon--;
    if (colon == sp || colon == line || colon[-1] != ':' || colon - 1 == line)
        return false;
    *out = (fuel_entry){.key = line, .key_len = (size_t)(sp - line)};

    const char *p;
    if (!starts_with(sp, (size_t)(end - sp), " fuel=", &p) || p == end || *p < '0' ||
        *p > '9')
        return false;
    uint64_t fuel = 0;
    for (; p < end && *p >= '0' && *p <= '9'; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (fuel > (UINT64_MAX - digit) / 10)
            return false;
        fuel = fuel * 10 + digit;
    }
    out->fuel = fuel;
    const char *rest;
    if (starts_with(p, (size_t)(end - p), " module", &rest) &&
        (rest == end || *rest == ' ')) {
        out->module = true;
        p = rest;
    }
    if (p == end)
        return true;
    if (*p != ' ')
        return false;
    p++;
    if ((!starts_with(p, (size_t)(end - p), "trap=", &rest) &&
         !starts_with(p, (size_t)(end - p), "error=", &rest)) ||
        rest == end)
        return false;
    out->outcome = p;
    out->outcome_len = (size_t)(end - p);
    return true;
}

/* ---- comparison ---- */

/* One log file, read whole, and its lines. */
typedef struct fuel_log {
    const char *path;
    strbuf text;
    fuel_entry *entries; /* entries[i] is line lines[i] of the file */
    size_t *lines;       /* 1-based line numbers */
    bool *valid;         /* the line parsed */
    size_t count;
    size_t *order;       /* indexes of the valid entries, sorted by key, stable */
    size_t norder;
    size_t *match;       /* match[i]: index of the other log's entry, or SIZE_MAX */
} fuel_log;

static void fuel_log_free(fuel_log *log)
{
    strbuf_free(&log->text);
    free(log->entries);
    free(log->lines);
    free(log->valid);
    free(log->order);
    free(log->match);
}

/* Reads and parses path into *log (zeroed by the caller; fuel_log_free it in any case).
 * Returns false with a message on err when the file cannot be read. */
static bool fuel_log_read(fuel_log *log, const char *path, FILE *err)
{
    log->path = path;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(err, "spectest-run: cannot open fuel log %s: %s\n", path, strerror(errno));
        return false;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&log->text, chunk, n);
    bool ok = !ferror(f) && !log->text.oom;
    fclose(f);
    if (!ok) {
        fprintf(err, "spectest-run: cannot read fuel log %s\n", path);
        return false;
    }
    const char *text = strbuf_str(&log->text);
    size_t len = log->text.len, max = 1;
    for (size_t i = 0; i < len; i++)
        max += text[i] == '\n';
    log->entries = calloc(max, sizeof *log->entries);
    log->lines = calloc(max, sizeof *log->lines);
    log->valid = calloc(max, sizeof *log->valid);
    log->order = calloc(max, sizeof *log->order);
    log->match = calloc(max, sizeof *log->match);
    if (!log->entries || !log->lines || !log->valid || !log->order || !log->match) {
        fprintf(err, "spectest-run: out of memory reading %s\n", path);
        return false;
    }
    size_t line_no = 0;
    for (const char *p = text; p < text + len;) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t raw_len = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        size_t n_line = raw_len;
        line_no++;
        if (n_line > 0 && p[n_line - 1] == '\r')
            n_line--;
        if (n_line > 0) {
            size_t i = log->count++;
            log->lines[i] = line_no;
            log->valid[i] = fuel_log_parse_line(p, n_line, &log->entries[i]);
            if (!log->valid[i]) /* kept for the report */
                log->entries[i] = (fuel_entry){.key = p, .key_len = n_line};
            log->match[i] = SIZE_MAX;
            if (log->valid[i])
                log->order[log->norder++] = i;
        }
        p += raw_len + (nl != NULL);
    }
    return true;
}

static int entry_key_cmp(const fuel_entry *a, const fuel_entry *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    if (c != 0)
        return c;
    if (a->key_len != b->key_len)
        return a->key_len < b->key_len ? -1 : 1;
    return (int)a->module - (int)b->module;
}

/* qsort has no context argument: the log being sorted. */
static const fuel_log *sorting;

static int order_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int c = entry_key_cmp(&sorting->entries[a], &sorting->entries[b]);
    if (c != 0)
        return c;
    return a < b ? -1 : a > b; /* keeps repeated keys in log order */
}

static void sort_entries(fuel_log *log)
{
    sorting = log;
    qsort(log->order, log->norder, sizeof *log->order, order_cmp);
    sorting = NULL;
}

/* Pairs the entries of a and b with the same key, the k-th occurrence in a with the k-th in
 * b. */
static void match_entries(fuel_log *a, fuel_log *b)
{
    sort_entries(a);
    sort_entries(b);
    size_t i = 0, j = 0;
    while (i < a->norder && j < b->norder) {
        size_t ia = a->order[i], jb = b->order[j];
        int c = entry_key_cmp(&a->entries[ia], &b->entries[jb]);
        if (c == 0) {
            a->match[ia] = jb;
            b->match[jb] = ia;
            i++, j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
}

/* Failures written so far and the limit. */
typedef struct compare_report {
    FILE *out;
    size_t limit;
    size_t written;
    uint64_t dropped;
} compare_report;

static void mismatch(compare_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void mismatch(compare_report *rep, const char *fmt, ...)
{
    if (rep->written >= rep->limit) {
        rep->dropped++;
        return;
    }
    rep->written++;
    va_list ap;
    va_start(ap, fmt);
    fputs("  ", rep->out);
    vfprintf(rep->out, fmt, ap);
    fputc('\n', rep->out);
    va_end(ap);
}

/* "i32.wast:12" or "i32.wast:12 (module)" for reports. */
static void describe_key(const fuel_entry *e, char *buf, size_t len)
{
    snprintf(buf, len, "%.*s%s", (int)(e->key_len > 300 ? 300 : e->key_len), e->key,
             e->module ? " (module)" : "");
}

/* "fuel=12" or "fuel=12 trap=unreachable". */
static void describe_outcome(const fuel_entry *e, char *buf, size_t len)
{
    snprintf(buf, len, "fuel=%" PRIu64 "%s%.*s", e->fuel, e->outcome ? " " : "",
             e->outcome ? (int)(e->outcome_len > 200 ? 200 : e->outcome_len) : 0,
             e->outcome ? e->outcome : "");
}

int fuel_compare_files(const char *native_path, const char *other_path,
                       const char *other_label, size_t detail_limit, FILE *out, FILE *err)
{
    const char *label = other_label ? other_label : "reference";
    fuel_log native = {0}, other = {0};
    int rc = 2;
    if (!fuel_log_read(&native, native_path, err) || !fuel_log_read(&other, other_path, err))
        goto done;
    match_entries(&native, &other);

    compare_report rep = {.out = out, .limit = detail_limit};
    spec_counts counts = {0};
    uint64_t mismatched_fuel = 0;
    fprintf(out, "fuel comparison: %s (native) vs %s (%s)\n", native_path, other_path, label);
    char key[320], got_n[256], got_o[256];
    for (size_t i = 0; i < native.count; i++) {
        const fuel_entry *n = &native.entries[i];
        if (!native.valid[i]) {
            counts.failed++;
            mismatch(&rep, "%s:%zu: malformed line \"%.*s\"", native_path, native.lines[i],
                     (int)(n->key_len > 200 ? 200 : n->key_len), n->key);
            continue;
        }
        describe_key(n, key, sizeof key);
        if (native.match[i] == SIZE_MAX) {
            counts.failed++;
            describe_outcome(n, got_n, sizeof got_n);
            mismatch(&rep, "%s: only in the native log (%s)", key, got_n);
            continue;
        }
        const fuel_entry *r = &other.entries[native.match[i]];
        bool same_outcome = n->outcome_len == r->outcome_len &&
                            (n->outcome == NULL ||
                             memcmp(n->outcome, r->outcome, n->outcome_len) == 0);
        if (same_outcome && n->outcome != NULL) {
            counts.skipped++;
        } else if (same_outcome && n->fuel == r->fuel) {
            counts.passed++;
        } else {
            counts.failed++;
            mismatched_fuel += same_outcome;
            describe_outcome(n, got_n, sizeof got_n);
            describe_outcome(r, got_o, sizeof got_o);
            mismatch(&rep, "%s: native %s, %s %s%s", key, got_n, label, got_o,
                     same_outcome ? "" : " (different outcomes)");
        }
    }
    for (size_t j = 0; j < other.count; j++) {
        const fuel_entry *r = &other.entries[j];
        if (!other.valid[j]) {
            counts.failed++;
            mismatch(&rep, "%s:%zu: malformed line \"%.*s\"", other_path, other.lines[j],
                     (int)(r->key_len > 200 ? 200 : r->key_len), r->key);
        } else if (other.match[j] == SIZE_MAX) {
            counts.failed++;
            describe_key(r, key, sizeof key);
            describe_outcome(r, got_o, sizeof got_o);
            mismatch(&rep, "%s: only in the %s log (%s)", key, label, got_o);
        }
    }
    if (rep.dropped)
        fprintf(out, "  ... and %" PRIu64 " more mismatches (--details all shows them)\n",
                rep.dropped);
    uint64_t compared = counts.passed + mismatched_fuel;
    fprintf(out,
            "%" PRIu64 " completed invocations compared: %" PRIu64 " with equal fuel, %" PRIu64
            " with different fuel; %" PRIu64 " that trapped in both modes skipped\n",
            compared, counts.passed, mismatched_fuel, counts.skipped);
    if (counts.failed)
        fprintf(out, "FAILED: %" PRIu64 " mismatch(es) between native and %s metering\n",
                counts.failed, label);
    if (compared == 0)
        fprintf(out, "FAILED: no completed invocation to compare (are the logs empty?)\n");
    fprintf(out, "%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n",
            counts.passed, counts.failed, counts.skipped);
    fflush(out);
    rc = counts.failed || compared == 0 ? 1 : 0;
done:
    fuel_log_free(&native);
    fuel_log_free(&other);
    return rc;
}
