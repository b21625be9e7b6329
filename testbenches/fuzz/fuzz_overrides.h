/* Fuzz input read as --set lines (one override per line, at most 16) over
 * workloads/mnist.yaml, after `first` when given: fuzz_set and fuzz_chip. Returns
 * config_load's result; a refusal must be one positioned line, or it aborts. */
#ifndef FUZZ_OVERRIDES_H
#define FUZZ_OVERRIDES_H
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int fuzz_load_overrides(const uint8_t *data, size_t size, const char *first, struct config *cfg)
{
    if (size > 4096) return -1;
    char text[4097], err[1024];
    memcpy(text, data, size);
    text[size] = 0;
    struct config_override ov[17];
    int n = 0;
    if (first) ov[n++] = (struct config_override){ .text = first };
    for (char *save, *line = strtok_r(text, "\n", &save); line && n < 17; line = strtok_r(NULL, "\n", &save))
        ov[n++] = (struct config_override){ .text = line };
    int rc = config_load("workloads/mnist.yaml", ov, n, cfg, err, sizeof err);
    if (rc && (!strchr(err, ':') || strchr(err, '\n'))) abort();
    return rc;
}
#endif
