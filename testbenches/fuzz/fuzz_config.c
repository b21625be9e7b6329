/* libFuzzer harness: the YAML config loader on arbitrary bytes. Every input must
 * load or fail with one "file:line:col: message" line: never crash, leak or hang. */
#include "config.h"
#include "fuzz_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (fuzz_file(path, sizeof path, "config", "yaml", data, size)) return 0;
    static struct config cfg;
    char err[1024];
    if (config_load(path, NULL, 0, &cfg, err, sizeof err)) {
        if (!strchr(err, ':') || strchr(err, '\n')) abort();   /* messages are one positioned line */
    }
    return 0;
}
