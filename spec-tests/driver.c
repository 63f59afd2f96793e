/* The spec-test driver: command line, one child process per JSON file, reports and the exit
 * status.
 *
 * Each file runs in a forked child (up to -j at a time) so that a crash, a sanitizer abort
 * or an endless loop in wvm costs that file only: the parent reports it as a broken file
 * (with the line of the command in progress, published through a shared page) and goes on.
 * The child sends its counts, failure details and fuel log lines through a pipe:
 *     "WVMR2 <passed> <failed> <skipped> <broken> <dropped> <details bytes> <fuel log bytes>\n"
 *     <details> <fuel log>
 * The child's stderr goes to a temporary file, shown under the file's report when the file
 * broke (a sanitizer report, say) or with -v, so parallel children do not interleave.
 * Files are reported, and their fuel log lines written to --fuel-log, in command-line order
 * whatever order they finish in. --no-fork runs everything in this process instead (for
 * debuggers).
 *
 * --meter and --cost-model configure every file's engine (the cost model is loaded once,
 * here, before the children fork); --instrument has every module instrumented by
 * wvm_instrument (gas.c). --compare-fuel compares two fuel logs instead of running files
 * (fuellog.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define HARNESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HARNESS_ASAN 1
#endif
#endif
#ifdef HARNESS_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#define DEFAULT_TIMEOUT_S 60
#define DEFAULT_DETAILS 20
#define STDERR_MAX_LINES 200

typedef struct options {
    const char *expected_path; /* NULL: no expected-failures list */
    wvm_meter_mode metering;   /* of every file's engine */
    const char *cost_name;     /* --cost-model as given: "default", "uniform" or a path */
    wvm_cost_model *cost_model; /* owned: cost_name loaded */
    const char *fuel_log_path; /* NULL: no fuel log */
    FILE *fuel_log;            /* fuel_log_path, open for writing */
    const char *compare[2];    /* --compare-fuel NATIVE OTHER: compare, run nothing */
    const char *compare_label; /* --compare-label: the OTHER log's mode ("reference") */
    runner_instrument instrument; /* --instrument */
    bool quiet;                /* report only the files that do not meet expectations */
    unsigned jobs;             /* children at a time; 0 = run in this process */
    unsigned timeout_s;        /* per file, 0 = none (children only) */
    size_t details;            /* failures described per unexpectedly failing file */
    bool verbose;              /* every detail; keep the children's stdout */
    bool full_suite;           /* the files are the whole suite: warn about stale list entries */
    bool leak_check;           /* children run LeakSanitizer before _exit (ASan builds) */
    bool roundtrip;            /* --roundtrip: modules decoded and re-encoded before loading */
    char **files;              /* JSON paths (points into argv) */
    size_t nfiles;
} options;

/* One input file, from start to report. */
typedef struct file_job {
    const char *path;
    char name[256];            /* "i32.wast" */
    size_t detail_limit;
    runner_result result;
    bool done;                 /* result is final */
    pid_t pid;                 /* child running it, or 0 */
    int fd;                    /* read end of its pipe, or -1 */
    strbuf raw;                /* what the child sent so far */
    FILE *errf;                /* the child's stderr (a temporary file), or NULL */
    strbuf stderr_text;        /* what the child wrote to stderr */
    runner_progress *progress; /* shared with the child, or NULL */
} file_job;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: spectest-run [options] FILE.json...\n"
            "Runs wast2json scripts (the .wasm files beside them) against wvm.\n"
            "  --expected-failures PATH  files expected to fail, one NAME.wast per line\n"
            "  -j N, --jobs N            files run in parallel (default: online CPUs)\n"
            "  --no-fork                 run in this process, one file after another\n"
            "  --timeout S               seconds per file before it counts as hung (default "
            "%d, 0 = none)\n"
            "  --details N|all           failures described per failing file (default %d)\n"
            "  -v, --verbose             describe every failure, show spectest print output\n"
            "  --full-suite              warn about list entries that were not run\n"
            "  -q, --quiet               list only the files that do not meet expectations\n"
            "  --meter off|native|reference|instrument|premetered\n"
            "                            fuel metering of every engine (default off); when on,\n"
            "                            each file's store gets %" PRIu64 " fuel;\n"
            "                            premetered needs --instrument import\n"
            "  --cost-model default|uniform|FILE\n"
            "                            the cost model when metering or instrumenting\n"
            "                            (default: default)\n"
            "  --instrument import|global\n"
            "                            load every module rewritten by wvm_instrument with that\n"
            "                            gas backend; with --meter off (the default) the harness\n"
            "                            counts the gas (fuel = gas + host entries)\n"
            "  --fuel-log PATH           write one line per invocation that ran, in command\n"
            "                            order: FILE.wast:LINE fuel=N [module] [trap=...]\n"
            "  --roundtrip               load every module decoded and re-encoded by the loader\n"
            "                            (checking that re-encoding is a fixed point)\n"
            "  --compare-fuel NATIVE OTHER\n"
            "                            compare two fuel logs (--meter native and another\n"
            "                            mode) instead of running files; --details applies\n"
            "  --compare-label NAME      the OTHER log's mode in the comparison (reference)\n"
            "Exit status: 0 when every file meets expectations (or the fuel logs agree), 1\n"
            "when not, 2 on usage errors.\n",
            DEFAULT_TIMEOUT_S, DEFAULT_DETAILS, RUNNER_AMPLE_FUEL);
}

static bool parse_unsigned(const char *s, unsigned long max, unsigned long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* True unless this process has several threads (as inside a Criterion test). A child forked
 * from such a process has only the forking thread, and LeakSanitizer, which still sees the
 * others, may then report false leaks. */
static bool single_threaded(void)
{
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL)
        return true;
    unsigned threads = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        if (e->d_name[0] != '.')
            threads++;
    closedir(dir);
    return threads <= 1;
}

/* Loads o->cost_name into o->cost_model. Returns false with a message on err. */
static bool load_cost_model(options *o, FILE *err)
{
    o->cost_model = wvm_cost_model_preset(o->cost_name);
    if (o->cost_model != NULL)
        return true;
    wvm_error e = {.func_index = WVM_NO_FUNC};
    wvm_status status = wvm_cost_model_load(o->cost_name, &o->cost_model, &e);
    if (status == WVM_OK && o->cost_model != NULL)
        return true;
    o->cost_model = NULL;
    fprintf(err, "spectest-run: bad --cost-model \"%s\" (default, uniform or a cost file): %s\n",
            o->cost_name, e.message[0] ? e.message : spec_status_name(status));
    return false;
}

static bool parse_meter(const char *s, wvm_meter_mode *out)
{
    if (strcmp(s, "off") == 0)
        *out = WVM_METER_OFF;
    else if (strcmp(s, "native") == 0)
        *out = WVM_METER_NATIVE;
    else if (strcmp(s, "reference") == 0)
        *out = WVM_METER_REFERENCE;
    else if (strcmp(s, "instrument") == 0)
        *out = WVM_METER_INSTRUMENT;
    else if (strcmp(s, "premetered") == 0)
        *out = WVM_METER_PREMETERED;
    else
        return false;
    return true;
}

static const char *meter_name(wvm_meter_mode mode)
{
    switch (mode) {
    case WVM_METER_OFF: return "off";
    case WVM_METER_NATIVE: return "native";
    case WVM_METER_REFERENCE: return "reference";
    case WVM_METER_INSTRUMENT: return "instrument";
    case WVM_METER_PREMETERED: return "premetered";
    }
    return "?";
}

static bool parse_instrument(const char *s, runner_instrument *out)
{
    if (strcmp(s, "import") == 0)
        *out = RUNNER_INSTRUMENT_IMPORT;
    else if (strcmp(s, "global") == 0)
        *out = RUNNER_INSTRUMENT_GLOBAL;
    else
        return false;
    return true;
}

/* --meter and --instrument together: --instrument runs on an unmetered engine (the harness
 * counts the gas) or, with the import backend, on a premetered one (the engine does). */
static bool check_meter_instrument(const options *o, FILE *err)
{
    if (o->instrument == RUNNER_INSTRUMENT_NONE && o->metering != WVM_METER_PREMETERED)
        return true;
    if (o->instrument == RUNNER_INSTRUMENT_NONE) {
        fprintf(err, "spectest-run: --meter premetered needs --instrument import (the suite's "
                     "modules have no gas import)\n");
        return false;
    }
    if (o->metering == WVM_METER_OFF ||
        (o->metering == WVM_METER_PREMETERED && o->instrument == RUNNER_INSTRUMENT_IMPORT))
        return true;
    fprintf(err, "spectest-run: --instrument %s needs --meter off%s, not --meter %s\n",
            runner_instrument_name(o->instrument),
            o->instrument == RUNNER_INSTRUMENT_IMPORT ? " or premetered" : "",
            meter_name(o->metering));
    return false;
}

/* Returns 0, or 2 (usage error, reported on err), or -1 for --help. */
static int parse_options(int argc, char **argv, options *o, FILE *out, FILE *err)
{
    *o = (options){.jobs = default_jobs(), .timeout_s = DEFAULT_TIMEOUT_S,
                   .details = DEFAULT_DETAILS, .cost_name = "default"};
    o->files = calloc((size_t)(argc > 0 ? argc : 1), sizeof *o->files);
    if (o->files == NULL) {
        fprintf(err, "spectest-run: out of memory\n");
        return 2;
    }
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = NULL;
        unsigned long n;
        if (options_done || a[0] != '-' || a[1] == '\0') {
            o->files[o->nfiles++] = argv[i];
            continue;
        }
#define TAKE_VALUE()                                                              \
    do {                                                                          \
        if (i + 1 >= argc) {                                                      \
            fprintf(err, "spectest-run: %s needs a value\n", a);                  \
            return 2;                                                             \
        }                                                                         \
        value = argv[++i];                                                        \
    } while (0)
        if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(out);
            return -1;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = true;
        } else if (strcmp(a, "--no-fork") == 0) {
            o->jobs = 0;
        } else if (strcmp(a, "--roundtrip") == 0) {
            o->roundtrip = true;
        } else if (strcmp(a, "--full-suite") == 0) {
            o->full_suite = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (strcmp(a, "--meter") == 0) {
            TAKE_VALUE();
            if (!parse_meter(value, &o->metering)) {
                fprintf(err,
                        "spectest-run: bad --meter \"%s\" (off, native, reference, "
                        "instrument or premetered)\n",
                        value);
                return 2;
            }
        } else if (strcmp(a, "--instrument") == 0) {
            TAKE_VALUE();
            if (!parse_instrument(value, &o->instrument)) {
                fprintf(err, "spectest-run: bad --instrument \"%s\" (import or global)\n",
                        value);
                return 2;
            }
        } else if (strcmp(a, "--compare-label") == 0) {
            TAKE_VALUE();
            if (value[0] == '\0' || strpbrk(value, " \t\n") != NULL) {
                fprintf(err, "spectest-run: bad --compare-label \"%s\" (one word)\n", value);
                return 2;
            }
            o->compare_label = value;
        } else if (strcmp(a, "--cost-model") == 0) {
            TAKE_VALUE();
            if (value[0] == '\0') {
                fprintf(err, "spectest-run: empty --cost-model\n");
                return 2;
            }
            o->cost_name = value;
        } else if (strcmp(a, "--fuel-log") == 0) {
            TAKE_VALUE();
            if (value[0] == '\0') {
                fprintf(err, "spectest-run: empty --fuel-log\n");
                return 2;
            }
            o->fuel_log_path = value;
        } else if (strcmp(a, "--compare-fuel") == 0) {
            TAKE_VALUE();
            o->compare[0] = value;
            TAKE_VALUE();
            o->compare[1] = value;
        } else if (strcmp(a, "--expected-failures") == 0) {
            TAKE_VALUE();
            o->expected_path = value;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0 ||
                   (strncmp(a, "-j", 2) == 0 && a[2] != '\0')) {
            if (a[1] == 'j' && a[2] != '\0')
                value = a + 2;
            else
                TAKE_VALUE();
            if (!parse_unsigned(value, 1024, &n) || n == 0) {
                fprintf(err, "spectest-run: bad job count \"%s\"\n", value);
                return 2;
            }
            o->jobs = (unsigned)n;
        } else if (strcmp(a, "--timeout") == 0) {
            TAKE_VALUE();
            if (!parse_unsigned(value, 86400, &n)) {
                fprintf(err, "spectest-run: bad timeout \"%s\"\n", value);
                return 2;
            }
            o->timeout_s = (unsigned)n;
        } else if (strcmp(a, "--details") == 0) {
            TAKE_VALUE();
            if (strcmp(value, "all") == 0)
                o->details = SIZE_MAX;
            else if (parse_unsigned(value, ULONG_MAX, &n))
                o->details = (size_t)n;
            else {
                fprintf(err, "spectest-run: bad --details \"%s\"\n", value);
                return 2;
            }
        } else {
            fprintf(err, "spectest-run: unknown option %s\n", a);
            usage(err);
            return 2;
        }
#undef TAKE_VALUE
    }
    o->leak_check = single_threaded();
    if (o->compare[0] != NULL) {
        if (o->nfiles != 0) {
            fprintf(err, "spectest-run: --compare-fuel takes no input files\n");
            return 2;
        }
        return 0;
    }
    if (o->compare_label != NULL) {
        fprintf(err, "spectest-run: --compare-label goes with --compare-fuel\n");
        return 2;
    }
    if (o->nfiles == 0) {
        fprintf(err, "spectest-run: no input files\n");
        usage(err);
        return 2;
    }
    if (!check_meter_instrument(o, err))
        return 2;
    /* Loaded (and so checked) even without metering, where the engine ignores it. */
    if (!load_cost_model(o, err))
        return 2;
    if (o->fuel_log_path != NULL) {
        o->fuel_log = fopen(o->fuel_log_path, "w");
        if (o->fuel_log == NULL) {
            fprintf(err, "spectest-run: cannot create the fuel log %s: %s\n",
                    o->fuel_log_path, strerror(errno));
            return 2;
        }
    }
    return 0;
}

/* How each file runs. */
static runner_options runner_options_for(const options *o, const file_job *job)
{
    return (runner_options){
        .detail_limit = job->detail_limit,
        .metering = o->metering,
        .cost_model = o->cost_model,
        .fuel_log = o->fuel_log != NULL,
        .roundtrip = o->roundtrip,
        .instrument = o->instrument,
    };
}

/* ---- child side ---- */

static bool write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static void child_run(const options *o, file_job *job, int fd)
{
    if (!o->verbose) {
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) {
            dup2(null_fd, STDOUT_FILENO);
            close(null_fd);
        }
    }
    if (job->errf != NULL) {
        fflush(stderr);
        dup2(fileno(job->errf), STDERR_FILENO);
    }
    signal(SIGALRM, SIG_DFL);
    if (o->timeout_s)
        alarm(o->timeout_s);
    runner_result r = {0};
    runner_options ropts = runner_options_for(o, job);
    runner_run_file(job->path, &ropts, job->progress, &r);
    char header[192];
    int n = snprintf(header, sizeof header,
                     "WVMR2 %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %" PRIu64 " %zu %zu\n",
                     r.counts.passed, r.counts.failed, r.counts.skipped, r.broken ? 1 : 0,
                     r.dropped, r.details.len, r.fuel_log.len);
    bool ok = n > 0 && write_all(fd, header, (size_t)n) &&
              write_all(fd, strbuf_str(&r.details), r.details.len) &&
              write_all(fd, strbuf_str(&r.fuel_log), r.fuel_log.len);
    runner_result_free(&r);
    close(fd);
    fflush(stdout);
    fflush(stderr);
#ifdef HARNESS_ASAN
    /* _exit skips LeakSanitizer's exit-time check; leaks in wvm must still be reported. */
    if (o->leak_check)
        __lsan_do_leak_check();
#endif
    _exit(ok ? 0 : 3);
}

/* ---- parent side ---- */

static void job_fail(file_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void job_fail(file_job *job, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    job->result.broken = true;
    job->result.counts.failed++;
    strbuf_printf(&job->result.details, "  %s: %s\n", job->name, reason);
}

/* Parses what the child sent. Returns false when it is not a complete report. */
static bool job_parse_report(file_job *job)
{
    const char *raw = strbuf_str(&job->raw);
    const char *nl = memchr(raw, '\n', job->raw.len);
    if (nl == NULL)
        return false;
    uint64_t passed, failed, skipped, dropped;
    int is_broken;
    size_t len, fuel_len;
    if (sscanf(raw, "WVMR2 %" SCNu64 " %" SCNu64 " %" SCNu64 " %d %" SCNu64 " %zu %zu", &passed,
               &failed, &skipped, &is_broken, &dropped, &len, &fuel_len) != 7)
        return false;
    const char *details = nl + 1;
    size_t body = (size_t)(job->raw.data + job->raw.len - details);
    if (len > body || body - len != fuel_len)
        return false;
    job->result.counts = (spec_counts){passed, failed, skipped};
    job->result.broken = is_broken != 0;
    job->result.dropped = dropped;
    strbuf_append(&job->result.details, details, len);
    strbuf_append(&job->result.fuel_log, details + len, fuel_len);
    return true;
}

static void job_finish_child(file_job *job, int status, unsigned timeout_s)
{
    bool reported = job_parse_report(job);
    uint32_t line = job->progress ? job->progress->line : 0;
    if (!reported && job->progress) {
        job->result.counts = (spec_counts){job->progress->passed, job->progress->failed,
                                           job->progress->skipped};
    }
    char where[64] = "";
    if (!reported && line)
        snprintf(where, sizeof where, " in the command at line %" PRIu32, line);
    else if (reported)
        snprintf(where, sizeof where, " after reporting its results");
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGALRM)
            job_fail(job, "timed out after %u s%s", timeout_s, where);
        else
            job_fail(job, "crashed with signal %d (%s)%s", sig, strsignal(sig), where);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        job_fail(job, "child exited with status %d%s (see stderr: sanitizer report?)",
                 WEXITSTATUS(status), where);
    } else if (!reported) {
        job_fail(job, "child sent no complete report");
    }
    strbuf_free(&job->raw);
    job->done = true;
}

static void job_start(const options *o, file_job *jobs, size_t index)
{
    file_job *job = &jobs[index];
    int fds[2];
    if (pipe(fds) != 0) {
        job_fail(job, "pipe: %s", strerror(errno));
        job->done = true;
        return;
    }
    job->errf = tmpfile();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        if (job->errf != NULL)
            fclose(job->errf);
        job->errf = NULL;
        job_fail(job, "fork: %s", strerror(errno));
        job->done = true;
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        /* Read ends of the other running jobs' pipes are not ours. */
        for (size_t i = 0; i < index; i++) {
            if (jobs[i].fd >= 0)
                close(jobs[i].fd);
            if (jobs[i].errf != NULL)
                close(fileno(jobs[i].errf));
        }
        child_run(o, job, fds[1]);
    }
    close(fds[1]);
    job->pid = pid;
    job->fd = fds[0];
}

/* Reads from one child; on end of file reaps it. Returns true when the job finished. */
static bool job_pump(file_job *job, unsigned timeout_s)
{
    char buf[65536];
    ssize_t n = read(job->fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return false;
    if (n > 0) {
        strbuf_append(&job->raw, buf, (size_t)n);
        return false;
    }
    close(job->fd);
    job->fd = -1;
    int status = 0;
    while (waitpid(job->pid, &status, 0) < 0) {
        if (errno != EINTR) {
            status = 0;
            break;
        }
    }
    job->pid = 0;
    if (job->errf != NULL) {
        char chunk[4096];
        size_t got;
        rewind(job->errf);
        while ((got = fread(chunk, 1, sizeof chunk, job->errf)) > 0 &&
               job->stderr_text.len < (1u << 20))
            strbuf_append(&job->stderr_text, chunk, got);
        fclose(job->errf);
        job->errf = NULL;
    }
    job_finish_child(job, status, timeout_s);
    return true;
}

/* ---- reports ---- */

typedef struct summary {
    spec_counts total;          /* files expected to pass (the closing total line) */
    spec_counts expected;       /* files listed as expected failures, reported apart */
    strbuf unexpected_failures; /* " a.wast b.wast" */
    strbuf unexpected_passes;
    size_t n_unexpected_failures;
    size_t n_unexpected_passes;
    size_t n_expected_failures;
} summary;

/* The child's stderr, each line prefixed with "  | ", at most STDERR_MAX_LINES lines. */
static void print_stderr(FILE *out, const file_job *job)
{
    fprintf(out, "  stderr of %s:\n", job->name);
    const char *p = strbuf_str(&job->stderr_text);
    unsigned lines = 0;
    while (*p && lines < STDERR_MAX_LINES) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "  | %.*s\n", (int)len, p);
        lines++;
        p += len + (nl != NULL);
    }
    if (*p) {
        unsigned more = 0;
        for (; *p; p++)
            more += *p == '\n' || p[1] == '\0';
        fprintf(out, "  | ... (%u more lines)\n", more);
    }
}

static void report_file(FILE *out, const options *o, expect_list *list, file_job *job,
                        summary *sum)
{
    bool verbose = o->verbose;
    runner_result *r = &job->result;
    expect_verdict v = expect_judge(list, job->name, r->counts.failed, r->broken);
    const char *note = "";
    switch (v) {
    case EXPECT_PASS:
        break;
    case EXPECT_EXPECTED_FAILURE:
        note = " (expected failure)";
        sum->n_expected_failures++;
        break;
    case EXPECT_UNEXPECTED_FAILURE:
        note = r->broken ? " (FAILED: did not run to the end)" : " (FAILED)";
        sum->n_unexpected_failures++;
        strbuf_printf(&sum->unexpected_failures, " %s", job->name);
        break;
    case EXPECT_UNEXPECTED_PASS:
        note = " (UNEXPECTED PASS: delete its line from the expected-failures list)";
        sum->n_unexpected_passes++;
        strbuf_printf(&sum->unexpected_passes, " %s", job->name);
        break;
    }
    if (o->fuel_log != NULL)
        fwrite(strbuf_str(&r->fuel_log), 1, r->fuel_log.len, o->fuel_log);
    bool listed = !o->quiet || expect_verdict_is_error(v);
    if (listed)
        fprintf(out, "%s: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped%s\n",
                job->name, r->counts.passed, r->counts.failed, r->counts.skipped, note);
    if (listed && v != EXPECT_PASS) {
        fputs(strbuf_str(&r->details), out);
        if (r->dropped)
            fprintf(out, "  ... and %" PRIu64 " more failures (-v or --details all shows them)\n",
                    r->dropped);
    }
    if (listed && job->stderr_text.len > 0 && (r->broken || verbose))
        print_stderr(out, job);
    fflush(out);
    spec_counts *into = v == EXPECT_EXPECTED_FAILURE ? &sum->expected : &sum->total;
    into->passed += r->counts.passed;
    into->failed += r->counts.failed;
    into->skipped += r->counts.skipped;
}

static int report_summary(FILE *out, const options *o, const expect_list *list, summary *sum)
{
    const char *list_name = o->expected_path ? o->expected_path : "the expected-failures list";
    if (sum->n_unexpected_failures)
        fprintf(out, "FAILED: %zu file(s) failed unexpectedly:%s\n", sum->n_unexpected_failures,
                strbuf_str(&sum->unexpected_failures));
    if (sum->n_unexpected_passes)
        fprintf(out,
                "FAILED: %zu file(s) listed in %s now pass; delete their lines from it:%s\n",
                sum->n_unexpected_passes, list_name, strbuf_str(&sum->unexpected_passes));
    if (sum->n_expected_failures)
        fprintf(out,
                "%zu file(s) failed as expected (listed in %s); their assertions: %" PRIu64
                " passed, %" PRIu64 " failed, %" PRIu64 " skipped (not in the total below)\n",
                sum->n_expected_failures, list_name, sum->expected.passed, sum->expected.failed,
                sum->expected.skipped);
    if (o->full_suite) {
        size_t stale = 0;
        for (size_t i = 0; i < list->count; i++)
            stale += !list->seen[i];
        if (stale) {
            fprintf(out, "warning: %zu entries of %s name files that are not in the suite:",
                    stale, list_name);
            for (size_t i = 0; i < list->count; i++)
                if (!list->seen[i])
                    fprintf(out, " %s", list->names[i]);
            fprintf(out, "\n");
        }
    }
    fprintf(out, "%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n",
            sum->total.passed, sum->total.failed, sum->total.skipped);
    fflush(out);
    return sum->n_unexpected_failures || sum->n_unexpected_passes ? 1 : 0;
}

/* Runs every job in children, at most o->jobs at a time, reporting in order. */
static void run_children(const options *o, file_job *jobs, size_t n, expect_list *list,
                         summary *sum, FILE *out)
{
    struct pollfd *pfds = calloc(o->jobs, sizeof *pfds);
    size_t *owners = calloc(o->jobs, sizeof *owners);
    size_t next = 0, reported = 0, running = 0;
    if (pfds == NULL || owners == NULL) {
        for (size_t i = 0; i < n; i++) {
            job_fail(&jobs[i], "out of memory");
            jobs[i].done = true;
        }
    }
    while (reported < n) {
        while (pfds && owners && running < o->jobs && next < n) {
            job_start(o, jobs, next);
            if (!jobs[next].done)
                running++;
            next++;
        }
        while (reported < n && jobs[reported].done)
            report_file(out, o, list, &jobs[reported++], sum);
        if (running == 0)
            continue;
        size_t np = 0;
        for (size_t i = reported; i < next; i++) {
            if (jobs[i].fd >= 0) {
                pfds[np] = (struct pollfd){.fd = jobs[i].fd, .events = POLLIN};
                owners[np++] = i;
            }
        }
        int ready = poll(pfds, (nfds_t)np, -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            /* Cannot wait on several pipes: drain them one by one (blocking reads). */
            for (size_t k = 0; k < np; k++)
                while (!job_pump(&jobs[owners[k]], o->timeout_s))
                    ;
            running -= np;
            continue;
        }
        for (size_t k = 0; k < np; k++)
            if (pfds[k].revents && job_pump(&jobs[owners[k]], o->timeout_s))
                running--;
    }
    free(pfds);
    free(owners);
}

/* Releases what parse_options acquired. Returns rc, or 1 when the fuel log could not be
 * written completely. */
static int options_free(options *o, int rc, FILE *err)
{
    if (o->fuel_log != NULL) {
        bool failed = ferror(o->fuel_log) != 0;
        failed |= fclose(o->fuel_log) != 0;
        if (failed) {
            fprintf(err, "spectest-run: error writing the fuel log %s\n", o->fuel_log_path);
            rc = rc ? rc : 1;
        }
        o->fuel_log = NULL;
    }
    if (o->cost_model != NULL)
        wvm_cost_model_delete(o->cost_model);
    o->cost_model = NULL;
    free(o->files);
    o->files = NULL;
    return rc;
}

int harness_main(int argc, char **argv, FILE *out, FILE *err)
{
    options o;
    int rc = parse_options(argc, argv, &o, out, err);
    if (rc != 0)
        return options_free(&o, rc < 0 ? 0 : rc, err);
    if (o.compare[0] != NULL) {
        rc = fuel_compare_files(o.compare[0], o.compare[1], o.compare_label,
                                o.verbose ? SIZE_MAX : o.details, out, err);
        return options_free(&o, rc, err);
    }
    expect_list list = {0};
    if (o.expected_path) {
        char why[512];
        if (!expect_list_load(&list, o.expected_path, why, sizeof why)) {
            fprintf(err, "spectest-run: %s\n", why);
            return options_free(&o, 2, err);
        }
    }
    file_job *jobs = calloc(o.nfiles, sizeof *jobs);
    runner_progress *progress = NULL;
    size_t progress_len = o.nfiles * sizeof *progress;
    if (jobs == NULL) {
        fprintf(err, "spectest-run: out of memory\n");
        expect_list_free(&list);
        return options_free(&o, 2, err);
    }
    if (o.instrument != RUNNER_INSTRUMENT_NONE && o.metering == WVM_METER_OFF) {
        fprintf(out,
                "instrumented: %s backend, cost model %s, gas counted by the harness (%" PRIu64
                " per file)\n",
                runner_instrument_name(o.instrument), o.cost_name, RUNNER_AMPLE_FUEL);
    } else if (o.metering != WVM_METER_OFF) {
        fprintf(out, "metering: %s%s%s, cost model %s, %" PRIu64 " fuel per file\n",
                meter_name(o.metering), o.instrument ? ", modules instrumented: " : "",
                o.instrument ? runner_instrument_name(o.instrument) : "", o.cost_name,
                RUNNER_AMPLE_FUEL);
    }
    fflush(out);
    if (o.jobs > 0) {
        void *p = mmap(NULL, progress_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
        progress = p == MAP_FAILED ? NULL : p;
    }
    for (size_t i = 0; i < o.nfiles; i++) {
        file_job *job = &jobs[i];
        job->path = o.files[i];
        job->fd = -1;
        job->progress = progress ? &progress[i] : NULL;
        runner_file_name(job->path, job->name, sizeof job->name);
        bool listed = expect_list_contains(&list, job->name);
        job->detail_limit = o.verbose ? SIZE_MAX : listed ? 1 : o.details;
    }

    summary sum = {0};
    if (o.jobs == 0) {
        for (size_t i = 0; i < o.nfiles; i++) {
            runner_options ropts = runner_options_for(&o, &jobs[i]);
            runner_run_file(jobs[i].path, &ropts, NULL, &jobs[i].result);
            jobs[i].done = true;
            report_file(out, &o, &list, &jobs[i], &sum);
        }
    } else {
        run_children(&o, jobs, o.nfiles, &list, &sum, out);
    }
    rc = report_summary(out, &o, &list, &sum);

    for (size_t i = 0; i < o.nfiles; i++) {
        runner_result_free(&jobs[i].result);
        strbuf_free(&jobs[i].raw);
        strbuf_free(&jobs[i].stderr_text);
    }
    if (progress)
        munmap(progress, progress_len);
    free(jobs);
    strbuf_free(&sum.unexpected_failures);
    strbuf_free(&sum.unexpected_passes);
    expect_list_free(&list);
    return options_free(&o, rc, err);
}
