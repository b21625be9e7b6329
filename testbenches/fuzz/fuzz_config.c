/* libFuzzer harness: the YAML config loader on arbitrary bytes. Every input must
 * load or fail with one "file:line:col: message" line: never crash, leak or hang. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz-config-%d.yaml", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    static struct config cfg;
    char err[1024];
    if (config_load(path, NULL, 0, &cfg, err, sizeof err)) {
        if (!strchr(err, ':') || strchr(err, '\n')) abort();   /* messages are one positioned line */
    }
    return 0;
}
