/* libFuzzer harness: command-line overrides (--set key=value, also what a sweep
 * point applies) on the shipped MNIST workload, one override per input line.
 * Every input must load or fail with one "file:line:col: message" line. */
#include "fuzz_overrides.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct config cfg;
    fuzz_load_overrides(data, size, NULL, &cfg);
    return 0;
}
