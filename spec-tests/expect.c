/* The expected-failures list (spec-tests/expected-failures.txt) and the per-file verdict.
 *
 * A listed file is expected to have at least one failing assertion. The list can only
 * shrink: a listed file that passes completely fails the run until its line is deleted, and
 * a file that cannot be run to the end (bad JSON, crash, timeout) always fails the run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

void expect_list_free(expect_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
    free(list->seen);
    *list = (expect_list){0};
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool expect_list_add(expect_list *list, const char *name, size_t len)
{
    char **names = realloc(list->names, (list->count + 1) * sizeof *names);
    if (names == NULL)
        return false;
    list->names = names;
    bool *seen = realloc(list->seen, (list->count + 1) * sizeof *seen);
    if (seen == NULL)
        return false;
    list->seen = seen;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return false;
    memcpy(copy, name, len);
    copy[len] = '\0';
    list->names[list->count] = copy;
    list->seen[list->count] = false;
    list->count++;
    return true;
}

bool expect_list_parse(expect_list *list, const char *text, const char *origin, char *why,
                       size_t why_len)
{
    *list = (expect_list){0};
    unsigned line_no = 0;
    const char *p = text;
    while (*p) {
        line_no++;
        const char *end = strchr(p, '\n');
        if (end == NULL)
            end = p + strlen(p);
        const char *hash = memchr(p, '#', (size_t)(end - p));
        const char *stop = hash ? hash : end;
        while (p < stop && is_space(*p))
            p++;
        while (stop > p && is_space(stop[-1]))
            stop--;
        size_t len = (size_t)(stop - p);
        if (len > 0) {
            bool one_word = true;
            for (const char *q = p; q < stop; q++)
                if (is_space(*q) || *q == '/')
                    one_word = false;
            if (!one_word || !ends_with(p, len, ".wast") || len == strlen(".wast")) {
                snprintf(why, why_len, "%s:%u: expected one file name like \"i32.wast\", got \"%.*s\"",
                         origin, line_no, (int)(len > 80 ? 80 : len), p);
                goto fail;
            }
            for (size_t i = 0; i < list->count; i++) {
                if (strlen(list->names[i]) == len && memcmp(list->names[i], p, len) == 0) {
                    snprintf(why, why_len, "%s:%u: duplicate entry \"%.*s\"", origin, line_no,
                             (int)len, p);
                    goto fail;
                }
            }
            if (!expect_list_add(list, p, len)) {
                snprintf(why, why_len, "%s: out of memory", origin);
                goto fail;
            }
        }
        p = *end ? end + 1 : end;
    }
    return true;
fail:
    expect_list_free(list);
    return false;
}

bool expect_list_load(expect_list *list, const char *path, char *why, size_t why_len)
{
    *list = (expect_list){0};
    strbuf text = {0};
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&text, chunk, n);
    bool read_error = ferror(f);
    fclose(f);
    if (read_error || text.oom) {
        snprintf(why, why_len, "cannot read %s", path);
        strbuf_free(&text);
        return false;
    }
    if (strlen(strbuf_str(&text)) != text.len) {
        snprintf(why, why_len, "%s: contains a NUL byte", path);
        strbuf_free(&text);
        return false;
    }
    bool ok = expect_list_parse(list, strbuf_str(&text), path, why, why_len);
    strbuf_free(&text);
    return ok;
}

static size_t expect_list_find(const expect_list *list, const char *file_name)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->names[i], file_name) == 0)
            return i;
    return SIZE_MAX;
}

bool expect_list_contains(const expect_list *list, const char *file_name)
{
    return expect_list_find(list, file_name) != SIZE_MAX;
}

expect_verdict expect_judge(expect_list *list, const char *file_name, uint64_t failed,
                            bool broken)
{
    size_t i = expect_list_find(list, file_name);
    if (i != SIZE_MAX)
        list->seen[i] = true;
    if (broken)
        return EXPECT_UNEXPECTED_FAILURE;
    if (i == SIZE_MAX)
        return failed ? EXPECT_UNEXPECTED_FAILURE : EXPECT_PASS;
    return failed ? EXPECT_EXPECTED_FAILURE : EXPECT_UNEXPECTED_PASS;
}

bool expect_verdict_is_error(expect_verdict verdict)
{
    return verdict == EXPECT_UNEXPECTED_FAILURE || verdict == EXPECT_UNEXPECTED_PASS;
}
