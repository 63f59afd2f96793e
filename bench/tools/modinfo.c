/* Load-time and code-size measurements of one module, for bench/run.py.
 *
 *   modinfo FILE.wasm [REPS]
 *   modinfo --dump FILE.wasm [--fuel]   (the translated code of every function, for study)
 *   modinfo --formats                   (every internal opcode's name and operand format)
 *
 * Times wvm_module_validate (decode + validate) and wvm_module_new (decode + validate +
 * translate) REPS times each (default 21), unmetered and with native metering, and reports
 * the medians and the throughput in MB/s of the code section. Reports the size of the
 * translated code, the sum of vm_code.nwords * 4 over the module's functions, per byte of
 * the code section. It reads the module's internals (runtime/rt.h, vm/code.h), so it links
 * statically against build/libwvm.a. Output: one `key value` pair per line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wvm.h"

#include "../../runtime/rt.h"
#include "../../vm/code.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The payload size of the code section (id 10), or 0 when there is none or the binary is
 * malformed. */
static size_t code_section_size(const uint8_t *bytes, size_t size)
{
    size_t pos = 8;
    while (pos < size) {
        uint8_t id = bytes[pos++];
        uint64_t len = 0;
        for (unsigned shift = 0; pos < size && shift < 35; shift += 7) {
            uint8_t b = bytes[pos++];
            len |= (uint64_t)(b & 0x7f) << shift;
            if (!(b & 0x80))
                break;
        }
        if (len > size - pos)
            return 0;
        if (id == 10)
            return (size_t)len;
        pos += (size_t)len;
    }
    return 0;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *bytes = NULL;
    long len;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (bytes = malloc((size_t)len)) && fread(bytes, 1, (size_t)len, f) == (size_t)len) {
        *size = (size_t)len;
    } else {
        free(bytes);
        bytes = NULL;
    }
    fclose(f);
    return bytes;
}

/* Times REPS wvm_module_new calls with the given metering into *seconds (the median) and
 * sums the translated code of the last module into *code_bytes. Returns 0 on success. */
static int measure_new(const uint8_t *bytes, size_t size, wvm_meter_mode metering, int reps,
                       double *seconds, uint64_t *code_bytes)
{
    wvm_config config;
    wvm_error err;
    wvm_config_default(&config);
    config.metering = metering;
    wvm_engine *engine = wvm_engine_new(&config);
    double *times = calloc((size_t)reps, sizeof *times);
    int rc = 1;
    if (!engine || !times)
        goto fail;
    for (int i = 0; i < reps; i++) {
        wvm_module *module = NULL;
        double t0 = now_seconds();
        if (wvm_module_new(engine, bytes, size, &module, &err) != WVM_OK) {
            fprintf(stderr, "error: %s\n", err.message);
            goto fail;
        }
        times[i] = now_seconds() - t0;
        if (i == reps - 1) {
            *code_bytes = 0;
            for (uint32_t f = 0; f < module->m.nfuncs; f++)
                *code_bytes += (uint64_t)module->codes[f]->nwords * 4;
        }
        wvm_module_delete(module);
    }
    *seconds = median(times, reps);
    rc = 0;
fail:
    free(times);
    wvm_engine_delete(engine);
    return rc;
}

/* Prints the translated code of every function of the module, unmetered or metered. */
static int dump(const char *path, bool metered)
{
    size_t size = 0;
    uint8_t *bytes = read_file(path, &size);
    wvm_config config;
    wvm_error err;
    wvm_config_default(&config);
    config.metering = metered ? WVM_METER_NATIVE : WVM_METER_OFF;
    wvm_engine *engine = wvm_engine_new(&config);
    wvm_module *module = NULL;
    int rc = 1;
    if (!bytes || !engine) {
        fprintf(stderr, "error: cannot read %s\n", path);
    } else if (wvm_module_new(engine, bytes, size, &module, &err) != WVM_OK) {
        fprintf(stderr, "error: %s\n", err.message);
    } else {
        for (uint32_t f = 0; f < module->m.nfuncs; f++)
            vm_code_dump(module->codes[f], stdout);
        rc = 0;
    }
    wvm_module_delete(module);
    wvm_engine_delete(engine);
    free(bytes);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--formats") == 0) {
        for (uint32_t op = 0; op < VM_OP_COUNT; op++)
            printf("%s %s\n", vm_op_name[op], vm_op_format[op][0] ? vm_op_format[op] : "-");
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "--dump") == 0)
        return dump(argv[2], argc == 4 && strcmp(argv[3], "--fuel") == 0);
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s FILE.wasm [REPS]\n", argv[0]);
        return 2;
    }
    int reps = argc == 3 ? atoi(argv[2]) : 21;
    size_t size = 0;
    uint8_t *bytes = read_file(argv[1], &size);
    double *times = calloc(reps > 0 ? (size_t)reps : 1, sizeof *times);
    int rc = 1;
    if (reps <= 0 || !bytes || !times) {
        fprintf(stderr, "error: cannot read %s or bad REPS\n", argv[1]);
        goto done;
    }
    size_t code_size = code_section_size(bytes, size);
    for (int i = 0; i < reps; i++) {
        wvm_error err;
        double t0 = now_seconds();
        if (wvm_module_validate(bytes, size, &err) != WVM_OK) {
            fprintf(stderr, "error: %s\n", err.message);
            goto done;
        }
        times[i] = now_seconds() - t0;
    }
    double validate_s = median(times, reps), new_s, fuel_s;
    uint64_t words_off, words_fuel;
    if (measure_new(bytes, size, WVM_METER_OFF, reps, &new_s, &words_off) ||
        measure_new(bytes, size, WVM_METER_NATIVE, reps, &fuel_s, &words_fuel))
        goto done;
    double code_mb = (double)code_size / 1e6;
    printf("file_bytes %zu\ncode_bytes %zu\n", size, code_size);
    printf("validate_ms %.3f\nvalidate_mbs %.1f\n", validate_s * 1e3, code_mb / validate_s);
    printf("load_ms %.3f\nload_mbs %.1f\n", new_s * 1e3, code_mb / new_s);
    printf("load_fuel_ms %.3f\nload_fuel_mbs %.1f\n", fuel_s * 1e3, code_mb / fuel_s);
    printf("translated_bytes %llu\ntranslated_per_byte %.2f\n", (unsigned long long)words_off,
           code_size ? (double)words_off / (double)code_size : 0.0);
    printf("translated_fuel_bytes %llu\ntranslated_fuel_per_byte %.2f\n",
           (unsigned long long)words_fuel,
           code_size ? (double)words_fuel / (double)code_size : 0.0);
    rc = 0;
done:
    free(times);
    free(bytes);
    return rc;
}
