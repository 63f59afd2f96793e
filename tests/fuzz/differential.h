/* The differential check of one module's bytes (tests/fuzz/differential.c), shared by the
 * libFuzzer target and the corpus replayer. */
#ifndef WVM_FUZZ_DIFFERENTIAL_H
#define WVM_FUZZ_DIFFERENTIAL_H

#include <stddef.h>
#include <stdint.h>

/* Loads the bytes as a module under every metering mode and, when they are a valid module,
 * instantiates it (every import defined by a stub) and calls its exported functions, then
 * checks that the modes agree: the same load errors, results, traps, memory and fuel, that a
 * run paid in small slices of fuel (resumed after each out-of-fuel stop) ends as one paid at
 * once, and that every error has a message. Returns the number of disagreements, each
 * printed on stderr with `name` (the input's name, for the report). */
unsigned fuzz_check_module(const uint8_t *bytes, size_t size, const char *name);

/* What the checks so far have covered, for the replayer's report. */
typedef struct {
    unsigned long valid;        /* modules that loaded */
    unsigned long instantiated; /* of those, modules that instantiated (start included) */
    unsigned long calls;        /* exported functions called (native run) */
} fuzz_coverage;
fuzz_coverage fuzz_coverage_so_far(void);

#endif
