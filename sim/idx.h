/* IDX files (the MNIST/Fashion-MNIST/EMNIST container), plain or gzip-compressed.
 * Reads the whole file through zlib's gzread (which passes plain files through),
 * checks the magic number, the element type, the dimensions and the payload size,
 * and refuses truncated, oversized or inconsistent files with a message naming the
 * file and the byte offset. Only unsigned-byte payloads (type 0x08) are accepted:
 * every dataset we read is uint8. */
#ifndef IDX_H
#define IDX_H
#include <stddef.h>
#include <stdint.h>

#define IDX_MAX_DIMS 4

struct idx_array {
    int ndim;                   /* 1 for labels, 3 for images */
    uint32_t dims[IDX_MAX_DIMS];
    size_t count;               /* product of dims */
    uint8_t *data;              /* count bytes, row-major as stored */
};

/* Returns 0 on success; on failure -1 with "path: offset N: message" in err. */
int idx_load(const char *path, struct idx_array *out, char *err, size_t errlen);
void idx_free(struct idx_array *a);

/* Writes a uint8 IDX file (gzip-compressed when gz is non-zero); used by tests
 * and tools to make small datasets. Returns 0 or -1 with a message. */
int idx_write(const char *path, int gz, int ndim, const uint32_t *dims,
              const uint8_t *data, char *err, size_t errlen);
#endif
