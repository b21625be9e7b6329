/* A labelled set of MNIST's shape and no content: n 28x28 images of seeded
 * noise, labels i % 10, written as an IDX image file and an IDX label file.
 * For command-line tests that run the real workloads/mnist.yaml network and
 * chip on a handful of samples, where only the shape matters. */
#ifndef NOISE_SET_H
#define NOISE_SET_H
#include "idx.h"
#include "scratch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* sparse: a pixel lights only when the generator's top byte exceeds 160 (about
 * 37% of them), for fewer spikes and shorter runs; otherwise every pixel is the
 * top byte. Returns 0, or -1 with err filled. */
static inline int noise_set_write(const char *images, const char *labels, int n, uint32_t seed, int sparse,
                                  char *err, size_t errlen)
{
    size_t count = (size_t)n * 28 * 28;
    uint8_t *px = malloc(count), *l = malloc((size_t)n);
    uint32_t x = seed;
    for (size_t i = 0; i < count; i++) {
        x = x * 1103515245u + 12345u;
        px[i] = sparse ? (uint8_t)((x >> 24) > 160 ? x >> 16 : 0) : (uint8_t)(x >> 24);
    }
    for (int i = 0; i < n; i++) l[i] = (uint8_t)(i % 10);
    uint32_t idims[3] = { (uint32_t)n, 28, 28 }, ldims[1] = { (uint32_t)n };
    int rc = idx_write(images, 0, 3, idims, px, err, errlen) || idx_write(labels, 0, 1, ldims, l, err, errlen) ? -1 : 0;
    free(px);
    free(l);
    return rc;
}

/* A workload at `path` extending the repository's workloads/mnist.yaml with the
 * YAML `sections` (none of them `dataset`), trained and tested on the set. */
static inline void noise_set_config(const char *path, const char *repo, const char *images, const char *labels,
                                    const char *sections)
{
    write_file(path,
               "extends: '%s/workloads/mnist.yaml'\n%s"
               "dataset:\n  train_images: '%s'\n  train_labels: '%s'\n"
               "  test_images: '%s'\n  test_labels: '%s'\n",
               repo, sections, images, labels, images, labels);
}
/* The fixture of a command-line test: the set (n images of `seed`, `sparse`) as
 * dir/images.idx and dir/labels.idx, their paths into img and lab, and the
 * workload dir/tiny.yaml on it with `sections`, its path into cfg (600 bytes
 * each). A set that cannot be written is no test: exits 2. */
static inline void noise_workload(const char *dir, const char *repo, int n, uint32_t seed, int sparse,
                                  const char *sections, char *img, char *lab, char *cfg)
{
    char err[512];
    path_in(img, 600, dir, "images.idx");
    path_in(lab, 600, dir, "labels.idx");
    if (noise_set_write(img, lab, n, seed, sparse, err, sizeof err)) {
        printf("fixture: %s\n", err);
        exit(2);
    }
    path_in(cfg, 600, dir, "tiny.yaml");
    noise_set_config(cfg, repo, img, lab, sections);
}
#endif
