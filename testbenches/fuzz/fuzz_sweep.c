/* libFuzzer harness: the sweep file checker on arbitrary bytes. Every input must
 * check or fail with one "file:line:col: message" line: never crash, leak or hang. */
#include "fuzz_file.h"
#include "sweep.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (fuzz_file(path, sizeof path, "sweep", "yaml", data, size)) return 0;
    char err[1024];
    int points = 0;
    if (sweep_check_file(path, &points, err, sizeof err)) {
        if (!strchr(err, ':') || strchr(err, '\n')) abort();   /* messages are one positioned line */
    } else if (points < 1 || points > 65536) {
        abort();
    }
    return 0;
}
