/* String processing: builds a text of pseudo-random words, then n rounds of tokenising it,
 * hashing and comparing words (strcmp-like), counting a substring by naive search,
 * upper-casing and reversing a copy. */
#include "kernel.h"

#define TEXT_SIZE 16384

static char text[TEXT_SIZE + 1];
static char work[TEXT_SIZE + 1];

static size_t k_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

static int k_strncmp(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (a[i] != b[i] || a[i] == 0)
            return (unsigned char)a[i] - (unsigned char)b[i];
    }
    return 0;
}

static uint32_t count_substr(const char *hay, const char *needle)
{
    size_t nl = k_strlen(needle);
    uint32_t count = 0;
    for (const char *p = hay; *p; p++)
        if (*p == needle[0] && k_strncmp(p, needle, nl) == 0)
            count++;
    return count;
}

static void build_text(void)
{
    static const char syll[][4] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi",
                                   "an", "el", "or", "us", "qua", "zen", "bri", "fo"};
    uint32_t seed = 1234567u;
    size_t pos = 0;
    while (pos < TEXT_SIZE - 16) {
        uint32_t nsyl = 1 + (k_rand(&seed) & 3);
        for (uint32_t s = 0; s < nsyl; s++)
            for (const char *c = syll[k_rand(&seed) & 15]; *c; c++)
                text[pos++] = *c;
        text[pos++] = (k_rand(&seed) & 7) == 0 ? '\n' : ' ';
    }
    text[pos] = 0;
}

KERNEL_RUN(int32_t)
{
    build_text();
    uint32_t h = 2166136261u;
    for (int32_t r = 0; r < n; r++) {
        /* Tokenise; hash each word; compare it with the previous one. */
        const char *p = text, *prev = "", *word;
        size_t prev_len = 0;
        uint32_t words = 0, less = 0;
        while (*p) {
            while (*p == ' ' || *p == '\n')
                p++;
            word = p;
            uint32_t wh = 5381;
            while (*p && *p != ' ' && *p != '\n')
                wh = wh * 33 + (unsigned char)*p++;
            size_t len = (size_t)(p - word);
            if (len == 0)
                break;
            size_t m = len < prev_len ? len : prev_len;
            less += k_strncmp(word, prev, m) < 0;
            prev = word;
            prev_len = len;
            words++;
            h = (h ^ wh) * 16777619u;
        }
        h += words * 3 + less;
        /* Substring counts; a copy upper-cased and reversed. */
        h += count_substr(text, (r & 1) ? "ka" : "quazen");
        size_t len = k_strlen(text);
        for (size_t i = 0; i < len; i++) {
            char c = text[len - 1 - i];
            work[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
        work[len] = 0;
        h = k_mix(h, (uint32_t)(unsigned char)work[(uint32_t)r % len]);
        text[(uint32_t)r % len] = work[(uint32_t)r * 7 % len] | 0x20; /* evolve the text */
    }
    return (int32_t)h;
}
