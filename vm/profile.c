/* The dynamic instruction profile of a -DVM_PROFILE build, and the dispatch count of a
 * -DVM_COUNT_DISPATCHES one (profile.h). */
#include "profile.h"

#if defined(VM_PROFILE) || defined(VM_COUNT_DISPATCHES)
#include <stdio.h>
#include <stdlib.h>

/* Where a report goes at exit: the file named by WVM_PROFILE_OUT, else stderr; NULL when that
 * file cannot be opened. */
static FILE *report_open(void)
{
    const char *path = getenv("WVM_PROFILE_OUT");
    return path ? fopen(path, "w") : stderr;
}

static void report_close(FILE *f)
{
    if (f && f != stderr)
        fclose(f);
}
#endif

#ifdef VM_PROFILE
#include "code.h"

enum { TOP = 60 };             /* instructions listed */
enum { PAIRS_PER_MILLE = 1 };  /* pairs listed: those at least this share of the total, in ‰ */

static uint64_t op_count[VM_OP_COUNT];
static uint64_t pair_count[VM_OP_COUNT][VM_OP_COUNT];
/* pairs by forwarded operand (1 .. VM_FWD_OPERANDS - 1; 0 unused) */
static uint64_t (*forwarded_count)[VM_OP_COUNT][VM_FWD_OPERANDS];
static const uint32_t *previous; /* the previous instruction executed; NULL before the first */

void vm_profile_step(const uint32_t *pc)
{
    uint32_t op = *pc;
    op_count[op]++;
    if (previous) {
        pair_count[*previous][op]++;
        /* forwarding needs the previous instruction to fall through into this one */
        uint32_t k = previous + vm_insn_length(previous, 0) == pc
                         ? vm_forwarded_operand(previous, pc)
                         : 0;
        if (k && !forwarded_count)
            forwarded_count = calloc(VM_OP_COUNT, sizeof *forwarded_count);
        if (k && forwarded_count)
            forwarded_count[*previous][op][k]++;
    }
    previous = pc;
}

typedef struct {
    uint64_t count;
    uint32_t first, second; /* second == VM_OP_COUNT: a single instruction */
    uint32_t operand;       /* a forwarding pair's forwarded operand; else 0 */
} profile_entry;

static int by_count_descending(const void *a, const void *b)
{
    uint64_t x = ((const profile_entry *)a)->count, y = ((const profile_entry *)b)->count;
    return (x < y) - (x > y);
}

/* Prints the most frequent of n entries, as shares of total: the first `limit`, and only those
 * of at least min_count. */
static void print_top(FILE *f, profile_entry *e, size_t n, uint64_t total, size_t limit,
                      uint64_t min_count)
{
    qsort(e, n, sizeof *e, by_count_descending);
    for (size_t i = 0; i < n && i < limit && e[i].count && e[i].count >= min_count; i++) {
        fprintf(f, "%14llu %5.2f%%  %s", (unsigned long long)e[i].count,
                100.0 * (double)e[i].count / (double)total, vm_op_name[e[i].first]);
        if (e[i].second < VM_OP_COUNT)
            fprintf(f, " ; %s", vm_op_name[e[i].second]);
        if (e[i].operand)
            fprintf(f, " ^ %u", e[i].operand);
        fputc('\n', f);
    }
}

__attribute__((destructor)) static void profile_report(void)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < VM_OP_COUNT; i++)
        total += op_count[i];
    if (!total)
        return;
    FILE *f = report_open();
    profile_entry *e = malloc(sizeof *e * VM_OP_COUNT * VM_OP_COUNT);
    if (!f || !e)
        goto done;
    size_t n = 0;
    for (uint32_t i = 0; i < VM_OP_COUNT; i++)
        e[n++] = (profile_entry){op_count[i], i, VM_OP_COUNT, 0};
    fprintf(f, "instructions executed: %llu\n", (unsigned long long)total);
    print_top(f, e, n, total, TOP, 1);
    n = 0;
    for (uint32_t i = 0; i < VM_OP_COUNT; i++)
        for (uint32_t j = 0; j < VM_OP_COUNT; j++)
            if (pair_count[i][j])
                e[n++] = (profile_entry){pair_count[i][j], i, j, 0};
    fprintf(f, "\npairs:\n");
    print_top(f, e, n, total, n, total / 1000 * PAIRS_PER_MILLE);
    n = 0;
    for (uint32_t i = 0; forwarded_count && i < VM_OP_COUNT; i++)
        for (uint32_t j = 0; j < VM_OP_COUNT; j++)
            for (uint32_t k = 1; k < VM_FWD_OPERANDS; k++)
                if (forwarded_count[i][j][k] && n < (size_t)VM_OP_COUNT * VM_OP_COUNT)
                    e[n++] = (profile_entry){forwarded_count[i][j][k], i, j, k};
    fprintf(f, "\nforwarding pairs:\n");
    print_top(f, e, n, total, n, total / 1000 * PAIRS_PER_MILLE);
done:
    free(e);
    free(forwarded_count);
    report_close(f);
}
#endif

#ifdef VM_COUNT_DISPATCHES
uint64_t vm_dispatch_count;

__attribute__((destructor)) static void dispatch_report(void)
{
    FILE *f = report_open();
    if (f)
        fprintf(f, "dispatches: %llu\n", (unsigned long long)vm_dispatch_count);
    report_close(f);
}
#endif
