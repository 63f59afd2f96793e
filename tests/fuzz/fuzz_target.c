/* The libFuzzer entry point (make fuzz): every input is a module for the differential check;
 * a disagreement aborts, which libFuzzer reports with the input that caused it. */
#include <stdlib.h>

#include "differential.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_check_module(data, size, "input"))
        abort();
    return 0;
}
