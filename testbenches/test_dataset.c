/* Labelled image sets: image and label files must agree, labels must land in
 * [0, classes) after the offset, EMNIST's column-major images come back
 * row-major, and a limit keeps the first samples. Fixtures are written with
 * idx_write into a fresh mkdtemp directory; the real MNIST and Fashion-MNIST
 * files are checked too when `make data` has fetched them. */
#include "check.h"
#include "scratch.h"

#include "dataset.h"
#include "idx.h"

#include <string.h>
#include <unistd.h>

struct tmp {
    char dir[64];
    char img[160], lab[160];
};

static void tmp_open(struct tmp *t)
{
    scratch_make(t->dir, sizeof t->dir, "dataset");
    path_in(t->img, sizeof t->img, t->dir, "images.idx");
    path_in(t->lab, sizeof t->lab, t->dir, "labels.idx");
}

/* Writes n images of rows x cols (as stored) and n labels; images may be NULL
 * for a deterministic pattern. Exits on failure: a broken fixture is no test. */
static void write_set(const struct tmp *t, int gz, uint32_t n, uint32_t rows, uint32_t cols,
                      const uint8_t *images, uint32_t nlabels, const uint8_t *labels)
{
    char err[512];
    uint32_t idims[3] = { n, rows, cols }, ldims[1] = { nlabels };
    size_t count = (size_t)n * rows * cols;
    uint8_t *pattern = NULL;
    if (!images) {
        pattern = malloc(count);
        for (size_t i = 0; i < count; i++) pattern[i] = (uint8_t)(i * 31 + i / 7);
        images = pattern;
    }
    if (idx_write(t->img, gz, 3, idims, images, err, sizeof err) ||
        idx_write(t->lab, gz, 1, ldims, labels, err, sizeof err)) {
        printf("fixture: %s\n", err);
        exit(2);
    }
    free(pattern);
}

static struct dataset_spec spec_for(const struct tmp *t, int classes)
{
    struct dataset_spec s = { 0 };
    s.images = t->img;
    s.labels = t->lab;
    s.classes = classes;
    return s;
}

/* Loads expecting failure with exactly `want` as the message; nothing may be left. */
static void expect_error(const struct dataset_spec *s, const char *want)
{
    struct dataset d;
    char err[512] = "";
    int rc = dataset_load(s, &d, err, sizeof err);
    CHECK(rc == -1, "loaded, expected \"%s\"", want);
    CHECK(!strcmp(err, want), "got \"%s\"\n     want \"%s\"", err, want);
    CHECK(d.images == NULL && d.labels == NULL && d.n == 0, "failed load left data");
    if (rc == 0) dataset_free(&d);
}

static void dataset_loads_matching_files(void)
{
    struct tmp t;
    tmp_open(&t);
    uint8_t img[5 * 3 * 4], lab[5] = { 4, 0, 9, 2, 7 };
    for (int i = 0; i < 60; i++) img[i] = (uint8_t)(250 - i * 3);
    write_set(&t, 0, 5, 3, 4, img, 5, lab);
    struct dataset_spec s = spec_for(&t, 10);
    s.rows = 3;
    s.cols = 4;
    struct dataset d;
    char err[512] = "";
    CHECK(dataset_load(&s, &d, err, sizeof err) == 0, "%s", err);
    CHECK(d.n == 5 && d.rows == 3 && d.cols == 4 && d.pixels == 12 && d.classes == 10,
          "n %d rows %d cols %d pixels %d classes %d", d.n, d.rows, d.cols, d.pixels, d.classes);
    CHECK(d.images && !memcmp(d.images, img, sizeof img), "images differ");
    CHECK(d.labels && !memcmp(d.labels, lab, sizeof lab), "labels differ");
    dataset_free(&d);
    CHECK(d.images == NULL && d.labels == NULL && d.n == 0, "dataset_free left fields set");
    dataset_free(&d);   /* freeing twice is harmless */
    scratch_remove(t.dir);
}

static void dataset_rejects_count_mismatch(void)
{
    struct tmp t;
    tmp_open(&t);
    uint8_t lab[4] = { 0, 1, 2, 3 };
    write_set(&t, 0, 5, 2, 2, NULL, 4, lab);
    struct dataset_spec s = spec_for(&t, 10);
    char want[512];
    snprintf(want, sizeof want, "%s holds 5 images but %s holds 4 labels", t.img, t.lab);
    expect_error(&s, want);
    scratch_remove(t.dir);
}

static void dataset_rejects_wrong_image_size(void)
{
    struct tmp t;
    tmp_open(&t);
    uint8_t lab[2] = { 0, 1 };
    write_set(&t, 0, 2, 28, 28, NULL, 2, lab);
    struct dataset_spec s = spec_for(&t, 10);
    s.rows = s.cols = 32;
    char want[512];
    snprintf(want, sizeof want, "%s: images are 28x28, expected 32x32", t.img);
    expect_error(&s, want);
    s.rows = 28;
    s.cols = 0;   /* 0 accepts any width */
    struct dataset d;
    char err[512] = "";
    CHECK(dataset_load(&s, &d, err, sizeof err) == 0, "28 x any: %s", err);
    dataset_free(&d);
    scratch_remove(t.dir);
}

static void dataset_rejects_label_out_of_range(void)
{
    struct tmp t;
    tmp_open(&t);
    uint8_t lab[4] = { 0, 9, 10, 2 };
    write_set(&t, 0, 4, 2, 2, NULL, 4, lab);
    struct dataset_spec s = spec_for(&t, 10);
    char want[512];
    snprintf(want, sizeof want, "%s: offset 10: sample 2 has label 10; minus the label offset 0 "
             "that is 10, outside [0, 10)", t.lab);
    expect_error(&s, want);
    /* The bad label is caught even when a limit would drop it. */
    s.limit = 1;
    expect_error(&s, want);
    scratch_remove(t.dir);
}

/* EMNIST letters are 1..26: a stored 0 is below the offset. */
static void dataset_rejects_label_below_offset(void)
{
    struct tmp t;
    tmp_open(&t);
    uint8_t lab[3] = { 1, 26, 0 };
    write_set(&t, 0, 3, 2, 2, NULL, 3, lab);
    struct dataset_spec s = spec_for(&t, 26);
    s.label_offset = 1;
    char want[512];
    snprintf(want, sizeof want, "%s: offset 10: sample 2 has label 0; minus the label offset 1 "
             "that is -1, outside [0, 26)", t.lab);
    expect_error(&s, want);
    scratch_remove(t.dir);
}

static void dataset_rejects_wrong_rank(void)
{
    struct tmp t;
    tmp_open(&t);
    char err[512], want[512];
    uint32_t dims[2] = { 3, 4 };
    uint8_t data[12] = { 0 };
    struct dataset_spec s = spec_for(&t, 10);
    /* Images given as a 2-D array. */
    CHECK(idx_write(t.img, 0, 2, dims, data, err, sizeof err) == 0, "%s", err);
    CHECK(idx_write(t.lab, 0, 1, dims, data, err, sizeof err) == 0, "%s", err);
    snprintf(want, sizeof want, "%s: offset 3: images have 2 dimensions, expected 3 "
             "(count x rows x cols)", t.img);
    expect_error(&s, want);
    /* Labels given as a 2-D array (and images fine). */
    write_set(&t, 0, 3, 2, 2, NULL, 3, data);
    CHECK(idx_write(t.lab, 0, 2, dims, data, err, sizeof err) == 0, "%s", err);
    snprintf(want, sizeof want, "%s: offset 3: labels have 2 dimensions, expected 1 (count)",
             t.lab);
    expect_error(&s, want);
    scratch_remove(t.dir);
}

static void dataset_reports_missing_file(void)
{
    struct tmp t;
    tmp_open(&t);
    uint8_t lab[2] = { 0, 1 };
    write_set(&t, 0, 2, 2, 2, NULL, 2, lab);
    unlink(t.lab);
    struct dataset_spec s = spec_for(&t, 10);
    char want[512];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", t.lab);
    expect_error(&s, want);
    scratch_remove(t.dir);
}

/* EMNIST letters: gzip files, images stored column-major, labels 1..26.
 * A pixel stored at (file row i, file col j) is image pixel (row j, col i). */
static void dataset_transposes_emnist_letters(void)
{
    struct tmp t;
    tmp_open(&t);
    enum { N = 3, S = 28 };
    static uint8_t img[N * S * S];
    uint8_t lab[N] = { 1, 26, 13 };
    memset(img, 0, sizeof img);
    for (int k = 0; k < N; k++) img[k * S * S + 5 * S + 20] = (uint8_t)(200 + k);   /* col 5, row 20 */
    write_set(&t, 1, N, S, S, img, N, lab);
    struct dataset_spec s = spec_for(&t, 26);
    s.label_offset = 1;
    s.transpose = 1;
    s.rows = s.cols = S;
    struct dataset d;
    char err[512] = "";
    CHECK(dataset_load(&s, &d, err, sizeof err) == 0, "%s", err);
    if (!d.images) {
        scratch_remove(t.dir);
        return;
    }
    for (int k = 0; k < N; k++) {
        const uint8_t *im = d.images + k * S * S;
        CHECK(im[20 * S + 5] == 200 + k, "sample %d: pixel (20,5) is %d, expected %d", k,
              im[20 * S + 5], 200 + k);
        int lit = 0;
        for (int i = 0; i < S * S; i++) lit += im[i] != 0;
        CHECK(lit == 1, "sample %d: %d pixels lit, expected 1", k, lit);
    }
    CHECK(d.labels[0] == 0 && d.labels[1] == 25 && d.labels[2] == 12,
          "labels %d %d %d, expected 0 25 12", d.labels[0], d.labels[1], d.labels[2]);
    dataset_free(&d);
    scratch_remove(t.dir);
}

/* A non-square image shows that the shape flips too: stored 3 x 5 becomes 5 x 3. */
static void dataset_transposes_non_square_images(void)
{
    struct tmp t;
    tmp_open(&t);
    uint8_t img[2 * 3 * 5], lab[2] = { 0, 1 };
    for (int i = 0; i < 30; i++) img[i] = (uint8_t)i;
    write_set(&t, 0, 2, 3, 5, img, 2, lab);
    struct dataset_spec s = spec_for(&t, 2);
    s.transpose = 1;
    s.rows = 5;
    s.cols = 3;
    struct dataset d;
    char err[512] = "";
    CHECK(dataset_load(&s, &d, err, sizeof err) == 0, "%s", err);
    if (!d.images) {
        scratch_remove(t.dir);
        return;
    }
    CHECK(d.rows == 5 && d.cols == 3 && d.pixels == 15, "shape %dx%d", d.rows, d.cols);
    for (int k = 0; k < 2; k++)
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 3; c++)
                CHECK(d.images[k * 15 + r * 3 + c] == img[k * 15 + c * 5 + r],
                      "sample %d (%d,%d): %d, expected %d", k, r, c, d.images[k * 15 + r * 3 + c],
                      img[k * 15 + c * 5 + r]);
    dataset_free(&d);
    s.rows = 3;
    s.cols = 5;   /* the stored shape is not the image shape */
    char want[512];
    snprintf(want, sizeof want, "%s: images are 5x3 (after transposing), expected 3x5", t.img);
    expect_error(&s, want);
    scratch_remove(t.dir);
}

/* EMNIST balanced: 47 classes, labels 0..46 stored as they are. */
static void dataset_loads_emnist_balanced_labels(void)
{
    struct tmp t;
    tmp_open(&t);
    enum { N = 94 };
    uint8_t lab[N];
    for (int i = 0; i < N; i++) lab[i] = (uint8_t)((i * 5) % 47);
    write_set(&t, 1, N, 28, 28, NULL, N, lab);
    struct dataset_spec s = spec_for(&t, 47);
    s.transpose = 1;
    s.rows = s.cols = 28;
    struct dataset d;
    char err[512] = "";
    CHECK(dataset_load(&s, &d, err, sizeof err) == 0, "%s", err);
    if (!d.labels) {
        scratch_remove(t.dir);
        return;
    }
    int seen[47] = { 0 };
    for (int i = 0; i < N; i++) {
        CHECK(d.labels[i] == lab[i], "label %d is %d, expected %d", i, d.labels[i], lab[i]);
        seen[d.labels[i] % 47]++;
    }
    for (int c = 0; c < 47; c++) CHECK(seen[c] == 2, "class %d seen %d times", c, seen[c]);
    dataset_free(&d);
    lab[N - 1] = 47;
    write_set(&t, 1, N, 28, 28, NULL, N, lab);
    char want[512];
    snprintf(want, sizeof want, "%s: offset %d: sample %d has label 47; minus the label offset 0 "
             "that is 47, outside [0, 47)", t.lab, 8 + N - 1, N - 1);
    expect_error(&s, want);
    scratch_remove(t.dir);
}

static void dataset_limit_keeps_first_samples(void)
{
    struct tmp t;
    tmp_open(&t);
    enum { N = 10, P = 6 };
    uint8_t img[N * P], lab[N];
    for (int i = 0; i < N * P; i++) img[i] = (uint8_t)(i * 3 + 1);
    for (int i = 0; i < N; i++) lab[i] = (uint8_t)(9 - i);
    write_set(&t, 0, N, 2, 3, img, N, lab);
    struct dataset_spec s = spec_for(&t, 10);
    static const int limits[] = { 4, 0, 25, 10, 1 }, expect[] = { 4, 10, 10, 10, 1 };
    for (int transpose = 0; transpose < 2; transpose++) {
        for (int k = 0; k < 5; k++) {
            s.limit = limits[k];
            s.transpose = transpose;
            struct dataset d;
            char err[512] = "";
            CHECK(dataset_load(&s, &d, err, sizeof err) == 0, "limit %d: %s", limits[k], err);
            if (!d.images) continue;
            CHECK(d.n == expect[k], "limit %d kept %d, expected %d", limits[k], d.n, expect[k]);
            for (int i = 0; i < d.n; i++) {
                CHECK(d.labels[i] == lab[i], "limit %d label %d: %d", limits[k], i, d.labels[i]);
                /* Pixel (row 0, col 1) as loaded; transposed, the stored 2x3 image
                 * holds it at file row 1, file col 0, i.e. stored index 3. */
                int want = transpose ? img[i * P + 3] : img[i * P + 1];
                CHECK(d.images[i * P + 1] == want, "limit %d transpose %d sample %d: %d vs %d",
                      limits[k], transpose, i, d.images[i * P + 1], want);
            }
            dataset_free(&d);
        }
    }
    scratch_remove(t.dir);
}

/* --- the real files, when fetched ------------------------------------------- */

struct real_split {
    const char *images, *labels;
    int n;
    int class_count[10];     /* published per-class sample counts */
    uint8_t first_labels[4];
    double mean_pixel;       /* published mean intensity x 255; < 0: not checked */
};

static void check_real(const struct real_split *r)
{
    struct dataset_spec s = { r->images, r->labels, 10, 0, 0, 28, 28, 0 };
    struct dataset d;
    char err[512] = "";
    CHECK(dataset_load(&s, &d, err, sizeof err) == 0, "%s", err);
    if (!d.images) return;
    CHECK(d.n == r->n && d.rows == 28 && d.cols == 28, "%s: %d x %dx%d, expected %d x 28x28",
          r->images, d.n, d.rows, d.cols, r->n);
    int count[10] = { 0 };
    for (int i = 0; i < d.n; i++) count[d.labels[i]]++;
    for (int c = 0; c < 10; c++)
        CHECK(count[c] == r->class_count[c], "%s: class %d has %d samples, expected %d",
              r->labels, c, count[c], r->class_count[c]);
    CHECK(!memcmp(d.labels, r->first_labels, 4), "%s: first labels %d %d %d %d", r->labels,
          d.labels[0], d.labels[1], d.labels[2], d.labels[3]);
    if (r->mean_pixel >= 0) {
        double sum = 0;
        for (size_t i = 0; i < (size_t)d.n * 784; i++) sum += d.images[i];
        double mean = sum / ((double)d.n * 784);
        CHECK(mean > r->mean_pixel - 0.5 && mean < r->mean_pixel + 0.5,
              "%s: mean pixel %.2f, expected about %.2f", r->images, mean, r->mean_pixel);
    }
    dataset_free(&d);
}

/* Runs the splits whose files exist; says so when none do. */
static void check_real_splits(const struct real_split *splits, int count, const char *dir)
{
    int ran = 0;
    for (int i = 0; i < count; i++) {
        if (access(splits[i].images, R_OK) || access(splits[i].labels, R_OK)) continue;
        check_real(&splits[i]);
        ran++;
    }
    if (!ran) printf("     skipped: not fetched (%s; make data)\n", dir);
}

static void dataset_loads_real_mnist_when_present(void)
{
    static const struct real_split splits[] = {
        { "data/mnist/train-images-idx3-ubyte", "data/mnist/train-labels-idx1-ubyte", 60000,
          { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, { 5, 0, 4, 1 },
          0.1307 * 255 },
        { "data/mnist/t10k-images-idx3-ubyte", "data/mnist/t10k-labels-idx1-ubyte", 10000,
          { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, { 7, 2, 1, 0 }, -1 },
    };
    check_real_splits(splits, 2, "data/mnist");
}

static void dataset_loads_real_fashion_mnist_when_present(void)
{
    static const struct real_split splits[] = {
        { "data/fashion-mnist/train-images-idx3-ubyte.gz",
          "data/fashion-mnist/train-labels-idx1-ubyte.gz", 60000,
          { 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000 }, { 9, 0, 0, 3 },
          0.2860 * 255 },
        { "data/fashion-mnist/t10k-images-idx3-ubyte.gz",
          "data/fashion-mnist/t10k-labels-idx1-ubyte.gz", 10000,
          { 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 }, { 9, 2, 1, 1 }, -1 },
    };
    check_real_splits(splits, 2, "data/fashion-mnist");
}

int main(void)
{
    RUN(dataset_loads_matching_files);
    RUN(dataset_rejects_count_mismatch);
    RUN(dataset_rejects_wrong_image_size);
    RUN(dataset_rejects_label_out_of_range);
    RUN(dataset_rejects_label_below_offset);
    RUN(dataset_rejects_wrong_rank);
    RUN(dataset_reports_missing_file);
    RUN(dataset_transposes_emnist_letters);
    RUN(dataset_transposes_non_square_images);
    RUN(dataset_loads_emnist_balanced_labels);
    RUN(dataset_limit_keeps_first_samples);
    RUN(dataset_loads_real_mnist_when_present);
    RUN(dataset_loads_real_fashion_mnist_when_present);
    CHECK_DONE();
}
