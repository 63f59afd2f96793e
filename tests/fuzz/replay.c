/* Runs the differential check (differential.h) over files and directories of modules: the
 * committed corpus in `make test`, or what a fuzzing campaign found.
 *
 * usage: fuzz-replay PATH...   (a directory stands for the .wasm files in it, not its
 *                              subfolders; a file named on the command line is read whatever
 *                              its name)
 * Exit status 0 when every module passed, 1 when one failed, 2 for an unreadable path. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "differential.h"

typedef struct {
    unsigned modules, failed, unreadable;
} tally;

static void check_file(const char *path, tally *t)
{
    FILE *f = fopen(path, "rb");
    uint8_t *bytes = NULL;
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        bytes = malloc(size ? (size_t)size : 1);
    if (!bytes || fread(bytes, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: cannot read\n", path);
        t->unreadable++;
    } else {
        t->modules++;
        t->failed += fuzz_check_module(bytes, (size_t)size, path) != 0;
    }
    free(bytes);
    if (f)
        fclose(f);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_wasm_name(const char *name)
{
    size_t len = strlen(name);
    return len > 5 && strcmp(name + len - 5, ".wasm") == 0;
}

/* The regular .wasm files of a directory, in name order (a stable report). */
static void check_dir(const char *path, tally *t)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "%s: cannot open\n", path);
        t->unreadable++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || !is_wasm_name(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        size_t dir_len = strlen(path);
        while (dir_len > 1 && path[dir_len - 1] == '/')
            dir_len--;
        size_t len = dir_len + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len)))
            break;
        snprintf(names[n++], len, "%.*s/%s", (int)dir_len, path, e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            check_file(names[i], t);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH...  (module files, or directories of them)\n", argv[0]);
        return 2;
    }
    tally t = {0, 0, 0};
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            check_dir(argv[i], &t);
        else
            check_file(argv[i], &t);
    }
    fuzz_coverage c = fuzz_coverage_so_far();
    printf("differential check: %u modules (%lu valid, %lu instantiated, %lu calls), %u failed, "
           "%u unreadable\n",
           t.modules, c.valid, c.instantiated, c.calls, t.failed, t.unreadable);
    return t.unreadable ? 2 : t.failed ? 1 : 0;
}
