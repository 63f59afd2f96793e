/* Growable text buffer for the spec-test harness reports. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static bool strbuf_reserve(strbuf *sb, size_t extra)
{
    if (sb->oom || extra > SIZE_MAX / 2 - sb->len)
        return false;
    size_t need = sb->len + extra + 1;
    if (sb->data != NULL && need <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < need)
        cap *= 2;
    char *data = realloc(sb->data, cap);
    if (data == NULL) {
        sb->oom = true;
        return false;
    }
    if (sb->data == NULL)
        data[0] = '\0';
    sb->data = data;
    sb->cap = cap;
    return true;
}

void strbuf_append(strbuf *sb, const char *text, size_t len)
{
    if (!strbuf_reserve(sb, len))
        return;
    memcpy(sb->data + sb->len, text, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        strbuf_append(sb, small, (size_t)n);
        return;
    }
    if (!strbuf_reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void strbuf_free(strbuf *sb)
{
    free(sb->data);
    *sb = (strbuf){0};
}

const char *strbuf_str(const strbuf *sb)
{
    return sb->data ? sb->data : "";
}
