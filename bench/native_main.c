/* Native driver of a benchmark kernel: `NAME N` calls the kernel's run(N) (through
 * bench_run, see kernels/kernel.h) and prints the checksum as a signed decimal, as
 * `wvm run --invoke` prints the Wasm export's result. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int64_t bench_run(int32_t n);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    printf("%" PRId64 "\n", bench_run((int32_t)strtol(argv[1], NULL, 0)));
    return 0;
}
