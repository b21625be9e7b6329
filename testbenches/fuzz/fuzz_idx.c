/* libFuzzer harness: the IDX reader (plain and gzip) on arbitrary bytes. */
#include "fuzz_file.h"
#include "idx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (fuzz_file(path, sizeof path, "idx", "idx", data, size)) return 0;
    struct idx_array a;
    char err[512];
    if (idx_load(path, &a, err, sizeof err) == 0) {
        size_t n = 1;
        for (int i = 0; i < a.ndim; i++) n *= a.dims[i];
        if (n != a.count) abort();
        idx_free(&a);
    }
    return 0;
}
