/* Fuzz input as a file, for the readers that take a path (config, sweep, IDX,
 * checkpoint): the bytes written to /tmp/fuzz-TAG-PID.EXT, one file per fuzzing
 * process, rewritten for every input. */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* The file with the input in it, left open for more bytes; NULL when it cannot
 * be written. path: the harness's static buffer, named on the first call. */
static inline FILE *fuzz_file_open(char *path, size_t n, const char *tag, const char *ext, const uint8_t *data,
                                   size_t size)
{
    if (!path[0]) snprintf(path, n, "/tmp/fuzz-%s-%d.%s", tag, (int)getpid(), ext);
    FILE *f = fopen(path, "wb");
    if (f) fwrite(data, 1, size, f);
    return f;
}

/* The same, closed: 0, or -1 when it cannot be written. */
static inline int fuzz_file(char *path, size_t n, const char *tag, const char *ext, const uint8_t *data, size_t size)
{
    FILE *f = fuzz_file_open(path, n, tag, ext, data, size);
    return f && !fclose(f) ? 0 : -1;
}
#endif
