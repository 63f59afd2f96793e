/* A CoreMark-like mix (not CoreMark itself): per iteration, linked-list work (find, reverse,
 * merge sort) over a 128-node list, small integer matrix operations, a state machine that
 * classifies numeric tokens, and a CRC-16 over the results of each part. */
#include "kernel.h"

/* ---- CRC-16 (CCITT, bitwise) ---- */

static uint16_t crc16_byte(uint16_t crc, uint8_t b)
{
    crc ^= (uint16_t)(b << 8);
    for (int i = 0; i < 8; i++)
        crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    return crc;
}

static uint16_t crc16_u32(uint16_t crc, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        crc = crc16_byte(crc, (uint8_t)(v >> (8 * i)));
    return crc;
}

/* ---- linked list ---- */

#define NODES 128

typedef struct node {
    struct node *next;
    int16_t value;
    uint16_t index;
} node;

static node pool[NODES];

static node *list_build(uint32_t seed)
{
    node *head = NULL;
    for (int i = NODES - 1; i >= 0; i--) {
        pool[i].value = (int16_t)(k_rand(&seed) & 0x7fff);
        pool[i].index = (uint16_t)i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static node *list_reverse(node *l)
{
    node *prev = NULL;
    while (l) {
        node *next = l->next;
        l->next = prev;
        prev = l;
        l = next;
    }
    return prev;
}

static const node *list_find(const node *l, int16_t value)
{
    while (l && (l->value & 0xff) != value)
        l = l->next;
    return l;
}

/* Bottom-up merge sort by value (then index), as CoreMark's list benchmark does. */
static node *list_sort(node *list, int by_index)
{
    for (int insize = 1;; insize *= 2) {
        node *p = list, *tail = NULL;
        int merges = 0;
        list = NULL;
        while (p) {
            merges++;
            node *q = p;
            int psize = 0, qsize = insize;
            while (psize < insize && q) {
                psize++;
                q = q->next;
            }
            while (psize > 0 || (qsize > 0 && q)) {
                node *e;
                int take_p;
                if (psize == 0)
                    take_p = 0;
                else if (qsize == 0 || !q)
                    take_p = 1;
                else if (by_index)
                    take_p = p->index <= q->index;
                else
                    take_p = p->value <= q->value;
                if (take_p) {
                    e = p;
                    p = p->next;
                    psize--;
                } else {
                    e = q;
                    q = q->next;
                    qsize--;
                }
                if (tail)
                    tail->next = e;
                else
                    list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1)
            return list;
    }
}

static uint16_t bench_list(uint16_t crc, uint32_t seed)
{
    node *l = list_build(seed);
    for (int16_t v = 0; v < 16; v++) {
        const node *f = list_find(l, (int16_t)(v * 13 & 0xff));
        crc = crc16_u32(crc, f ? f->index : 0xffffu);
    }
    l = list_reverse(l);
    l = list_sort(l, 0);
    crc = crc16_u32(crc, (uint32_t)l->value << 16 | l->index);
    l = list_sort(l, 1);
    for (const node *p = l; p; p = p->next)
        crc = crc16_byte(crc, (uint8_t)p->value);
    return crc;
}

/* ---- matrix ---- */

#define MDIM 12

static int16_t ma[MDIM][MDIM], mb[MDIM][MDIM];
static int32_t mc[MDIM][MDIM];

static uint16_t bench_matrix(uint16_t crc, uint32_t seed)
{
    for (int i = 0; i < MDIM; i++)
        for (int j = 0; j < MDIM; j++) {
            ma[i][j] = (int16_t)((k_rand(&seed) & 0xff) - 128);
            mb[i][j] = (int16_t)((k_rand(&seed) & 0xff) - 128);
        }
    int16_t c = (int16_t)(seed & 7);
    for (int i = 0; i < MDIM; i++) /* matrix + constant, matrix * constant */
        for (int j = 0; j < MDIM; j++)
            ma[i][j] = (int16_t)(ma[i][j] + c);
    for (int i = 0; i < MDIM; i++)
        for (int j = 0; j < MDIM; j++)
            mc[i][j] = ma[i][j] * (int32_t)c;
    for (int i = 0; i < MDIM; i++) { /* matrix * matrix, then extract bits */
        for (int j = 0; j < MDIM; j++) {
            int32_t s = 0;
            for (int k = 0; k < MDIM; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] += s;
        }
    }
    uint32_t acc = 0;
    for (int i = 0; i < MDIM; i++)
        for (int j = 0; j < MDIM; j++)
            acc += (uint32_t)((mc[i][j] >> 2) & 0xf) * (mc[i][j] > 0 ? 1u : 3u);
    return crc16_u32(crc, acc);
}

/* ---- state machine ---- */

enum { S_START, S_INT, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_INT, S_INVALID, S_COUNT };

static char input[512];

static void build_input(uint32_t seed)
{
    static const char *const tokens[] = {"5012", "1.25", "-874", "+122", "7.5e-3", "0x1f",
                                         "3.0E+21", "--1", "6.", "1e", "42", "-.5"};
    size_t pos = 0;
    while (pos < sizeof input - 16) {
        for (const char *t = tokens[k_rand(&seed) % 12]; *t; t++)
            input[pos++] = *t;
        input[pos++] = ',';
    }
    input[pos] = 0;
}

static uint16_t bench_state(uint16_t crc)
{
    uint32_t counts[S_COUNT] = {0}, transitions = 0;
    const char *p = input;
    while (*p) {
        int state = S_START;
        for (; *p && *p != ','; p++) {
            char ch = *p;
            int digit = ch >= '0' && ch <= '9';
            int next = state;
            switch (state) {
            case S_START:
                next = digit ? S_INT : (ch == '+' || ch == '-') ? S_START : ch == '.' ? S_FRAC
                                                                                     : S_INVALID;
                break;
            case S_INT:
                next = digit ? S_INT : ch == '.' ? S_FRAC : (ch == 'e' || ch == 'E') ? S_EXP
                                                                                    : S_INVALID;
                break;
            case S_FRAC:
                next = digit ? S_FRAC : (ch == 'e' || ch == 'E') ? S_EXP : S_INVALID;
                break;
            case S_EXP:
                next = (ch == '+' || ch == '-') ? S_EXP_SIGN : digit ? S_EXP_INT : S_INVALID;
                break;
            case S_EXP_SIGN:
            case S_EXP_INT:
                next = digit ? S_EXP_INT : S_INVALID;
                break;
            default:
                break;
            }
            transitions += next != state;
            state = next;
        }
        counts[state]++;
        if (*p == ',')
            p++;
    }
    for (int i = 0; i < S_COUNT; i++)
        crc = crc16_u32(crc, counts[i]);
    return crc16_u32(crc, transitions);
}

KERNEL_RUN(int32_t)
{
    uint16_t crc = 0;
    uint32_t result = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t seed = 0x66u + (uint32_t)i * 0x9e3779b9u;
        if (!seed)
            seed = 1;
        if ((i & 15) == 0)
            build_input(seed);
        crc = bench_list(crc, seed);
        crc = bench_matrix(crc, seed);
        crc = bench_state(crc);
        result = result * 33 + crc;
    }
    return (int32_t)result;
}
