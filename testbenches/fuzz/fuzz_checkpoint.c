/* libFuzzer harness: the checkpoint reader on arbitrary bytes. A checkpoint ends
 * in a SHA-256 of its contents, which random bytes never match; so inputs whose
 * first byte is odd get a correct checksum appended, and the fuzzer reaches the
 * parser behind the check too. */
#include "checkpoint.h"
#include "fuzz_file.h"
#include "sha256.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    FILE *f = fuzz_file_open(path, sizeof path, "ckpt", "ckpt", data, size);
    if (!f) return 0;
    if (size && (data[0] & 1)) {
        struct sha256 h;
        uint8_t dig[32];
        sha256_init(&h);
        sha256_update(&h, data, size);
        sha256_final(&h, dig);
        fwrite(dig, 1, 32, f);
    }
    fclose(f);
    struct checkpoint c;
    char err[512];
    if (checkpoint_read(path, &c, err, sizeof err) == 0) checkpoint_free(&c);
    return 0;
}
