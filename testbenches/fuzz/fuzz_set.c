/* libFuzzer harness: command-line overrides (--set key=value, also what a sweep
 * point applies) on the shipped MNIST workload, one override per input line.
 * Every input must load or fail with one "file:line:col: message" line. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char text[4097];
    memcpy(text, data, size);
    text[size] = 0;
    struct config_override ov[16];
    int n = 0;
    for (char *save, *line = strtok_r(text, "\n", &save); line && n < 16; line = strtok_r(NULL, "\n", &save))
        ov[n++] = (struct config_override){ .text = line };
    static struct config cfg;
    char err[1024];
    if (config_load("workloads/mnist.yaml", ov, n, &cfg, err, sizeof err)) {
        if (!strchr(err, ':') || strchr(err, '\n')) abort();
    }
    return 0;
}
