/* Labelled image sets: see dataset.h. Pairs an IDX image file (n x rows x cols)
 * with an IDX label file (n), checks that they describe the same samples, and
 * hands back row-major images and labels already shifted into [0, classes).
 * EMNIST stores each image transposed (column-major), so it is flipped on load;
 * the shape reported and checked against the spec is the shape after flipping. */
#include "dataset.h"
#include "config.h"

#include "idx.h"
#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* IDX header bytes before the payload: magic(2), type, ndim, 4 per dimension. */
static size_t header_bytes(const struct idx_array *a)
{
    return 4 + 4 * (size_t)a->ndim;
}

/* The stored image is d1 x d2 with element [i][j] holding pixel (row j, col i),
 * so the true image is d2 rows by d1 columns. */
static void transpose(uint8_t *dst, const uint8_t *src, int d1, int d2)
{
    for (int r = 0; r < d2; r++)
        for (int c = 0; c < d1; c++) dst[(size_t)r * d1 + c] = src[(size_t)c * d2 + r];
}

static int check_spec(const struct dataset_spec *s, char *err, size_t errlen)
{
    if (!s->images || !s->labels)
        snprintf(err, errlen, "dataset: both an image file and a label file are needed");
    else if (s->classes < 1 || s->classes > 256)   /* labels are bytes */
        snprintf(err, errlen, "%s: classes must be 1 to 256, got %d", s->labels, s->classes);
    else if (s->limit < 0 || s->rows < 0 || s->cols < 0)
        snprintf(err, errlen, "%s: limit, rows and cols must not be negative", s->images);
    else
        return 0;
    return -1;
}

/* Long because it is one straight sequence -- open both files, check their
 * headers against each other and the config, copy, transpose, shift labels --
 * each step's failure naming its file; split, the steps would pass that state around. */
int dataset_load(const struct dataset_spec *spec, struct dataset *out,
                 char *err, size_t errlen)
{
    struct idx_array img, lab;
    memset(out, 0, sizeof *out);
    memset(&img, 0, sizeof img);
    memset(&lab, 0, sizeof lab);
    if (check_spec(spec, err, errlen)) return -1;

    if (idx_load(spec->images, &img, err, errlen)) goto fail;
    if (img.ndim != 3) {
        snprintf(err, errlen, "%s: offset 3: images have %d dimensions, expected 3 "
                 "(count x rows x cols)", spec->images, img.ndim);
        goto fail;
    }
    if (idx_load(spec->labels, &lab, err, errlen)) goto fail;
    if (lab.ndim != 1) {
        snprintf(err, errlen, "%s: offset 3: labels have %d dimensions, expected 1 (count)",
                 spec->labels, lab.ndim);
        goto fail;
    }
    if (img.dims[0] != lab.dims[0]) {
        snprintf(err, errlen, "%s holds %u images but %s holds %u labels",
                 spec->images, img.dims[0], spec->labels, lab.dims[0]);
        goto fail;
    }
    /* idx_load keeps every payload under 2^31 bytes, so these all fit an int. */
    int n = (int)img.dims[0], d1 = (int)img.dims[1], d2 = (int)img.dims[2];
    int rows = spec->transpose ? d2 : d1, cols = spec->transpose ? d1 : d2;
    if ((spec->rows && rows != spec->rows) || (spec->cols && cols != spec->cols)) {
        snprintf(err, errlen, "%s: images are %dx%d%s, expected %dx%d", spec->images, rows,
                 cols, spec->transpose ? " (after transposing)" : "",
                 spec->rows ? spec->rows : rows, spec->cols ? spec->cols : cols);
        goto fail;
    }
    /* Every label is checked, not just the kept ones: a bad byte anywhere means
     * the file is not what we think it is. */
    for (int i = 0; i < n; i++) {
        int v = (int)lab.data[i] - spec->label_offset;
        if (v < 0 || v >= spec->classes) {
            snprintf(err, errlen, "%s: offset %zu: sample %d has label %d; minus the label "
                     "offset %d that is %d, outside [0, %d)", spec->labels,
                     header_bytes(&lab) + (size_t)i, i, lab.data[i], spec->label_offset, v,
                     spec->classes);
            goto fail;
        }
    }

    int keep = spec->limit && spec->limit < n ? spec->limit : n;
    size_t pixels = (size_t)rows * (size_t)cols;
    out->labels = malloc((size_t)keep);
    if (spec->transpose) {
        out->images = malloc((size_t)keep * pixels);
        if (out->images)
            for (int i = 0; i < keep; i++)
                transpose(out->images + i * pixels, img.data + i * pixels, d1, d2);
    } else {
        /* Take the payload as it is; give back the tail a limit cut off. */
        out->images = img.data;
        img.data = NULL;
        uint8_t *shrunk = realloc(out->images, (size_t)keep * pixels);
        if (shrunk) out->images = shrunk;
    }
    if (!out->images || !out->labels) {
        snprintf(err, errlen, "%s: cannot allocate %d samples of %zu pixels", spec->images,
                 keep, pixels);
        goto fail;
    }
    for (int i = 0; i < keep; i++) out->labels[i] = (uint8_t)(lab.data[i] - spec->label_offset);
    out->n = keep;
    out->rows = rows;
    out->cols = cols;
    out->pixels = (int)pixels;
    out->classes = spec->classes;
    idx_free(&img);
    idx_free(&lab);
    return 0;

fail:
    idx_free(&img);
    idx_free(&lab);
    dataset_free(out);
    return -1;
}

void dataset_free(struct dataset *d)
{
    free(d->images);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

struct dataset_spec dataset_spec_of(const struct dataset_cfg *c, int test, int limit)
{
    return (struct dataset_spec){
        .images = test ? c->test_images : c->train_images,
        .labels = test ? c->test_labels : c->train_labels,
        .classes = c->classes, .label_offset = c->label_offset, .transpose = c->transpose,
        .rows = c->rows, .cols = c->cols, .limit = limit,
    };
}

/* The files tools/get-datasets writes, under its data directory. */
static const char *const fetched[] = {
    "mnist/train-images-idx3-ubyte", "mnist/train-labels-idx1-ubyte",
    "mnist/t10k-images-idx3-ubyte", "mnist/t10k-labels-idx1-ubyte",
    "fashion-mnist/train-images-idx3-ubyte.gz", "fashion-mnist/train-labels-idx1-ubyte.gz",
    "fashion-mnist/t10k-images-idx3-ubyte.gz", "fashion-mnist/t10k-labels-idx1-ubyte.gz",
    NULL
};

/* The file of the split that err says could not be opened, if it does not exist. */
static const char *missing_file(const struct dataset_spec *s, const char *err)
{
    const char *files[2] = { s->images, s->labels };
    for (int i = 0; i < 2; i++) {
        size_t k = files[i] ? strlen(files[i]) : 0;
        if (k && !strncmp(err, files[i], k) && !strncmp(err + k, ": cannot open", 13) &&
            access(files[i], F_OK) && errno == ENOENT)
            return files[i];
    }
    return NULL;
}

int dataset_missing_hint(const struct dataset_spec *spec, const char *err, char *hint, size_t n)
{
    const char *file = missing_file(spec, err);
    const char *rest = file ? path_in_data_dir(file) : NULL;
    if (!rest) return 0;
    int dir = (int)(rest - file);               /* the data directory, as the path spells it */
    for (int i = 0; fetched[i]; i++) {
        if (strcmp(rest, fetched[i])) continue;
        if (getenv("SSNNSIM_DATA") && *getenv("SSNNSIM_DATA"))
            snprintf(hint, n, "fetch the datasets into $SSNNSIM_DATA with 'make data' (tools/get-datasets)");
        else if (dir > 5)   /* a checkout other than the working directory: ROOT/data/ */
            snprintf(hint, n, "fetch the datasets with 'make data' in %.*s (tools/get-datasets)",
                     dir > 6 ? dir - 6 : 1, file);
        else
            snprintf(hint, n, "fetch the datasets with 'make data' (tools/get-datasets)");
        return 1;
    }
    if (strncmp(rest, "emnist/", 7)) return 0;
    snprintf(hint, n, "EMNIST cannot be fetched here (no package ships it): put its IDX files in %.*s, or "
             "point dataset.train_images, train_labels, test_images and test_labels at them "
             "(in the workload, or --set dataset.train_images=FILE ...)", dir + 7, file);
    return 1;
}
