/* A labelled image set (train or test split) loaded from an IDX image file and
 * an IDX label file: MNIST, Fashion-MNIST, EMNIST (letters, balanced, ...).
 * Checks that the two files agree on the sample count, that the images have the
 * expected size and that every label, after the offset, is inside [0, classes). */
#ifndef DATASET_H
#define DATASET_H
#include <stddef.h>
#include <stdint.h>

struct dataset {
    int n;              /* samples */
    int rows, cols;     /* image shape */
    int pixels;         /* rows * cols */
    int classes;
    uint8_t *images;    /* n * pixels, row-major per image (transposed if asked) */
    uint8_t *labels;    /* n, already shifted into [0, classes) */
};

struct dataset_spec {
    const char *images;     /* path to the IDX image file */
    const char *labels;     /* path to the IDX label file */
    int classes;            /* number of classes the labels must fall into */
    int label_offset;       /* subtracted from each stored label (EMNIST letters: 1) */
    int transpose;          /* EMNIST stores images column-major: transpose on load */
    int rows, cols;         /* expected image shape; 0 accepts what the file says */
    int limit;              /* keep only the first `limit` samples; 0 keeps all */
};

struct dataset_cfg;

/* The spec of a workload's training split (test = 0) or test split (test = 1),
 * keeping the first `limit` samples (0: all). */
struct dataset_spec dataset_spec_of(const struct dataset_cfg *c, int test, int limit);

/* Returns 0, or -1 with a message naming the file (and byte offset or sample index). */
int dataset_load(const struct dataset_spec *spec, struct dataset *out,
                 char *err, size_t errlen);
void dataset_free(struct dataset *d);

/* After dataset_load(spec) failed with err: when the file it could not find lies in
 * the directory tools/get-datasets fills (path.h), one line into hint on how to get
 * it, and 1; otherwise 0: err names the file, which is all there is to say. */
int dataset_missing_hint(const struct dataset_spec *spec, const char *err, char *hint, size_t n);
#endif
