/* A small generated dataset for end-to-end tests: 8x8 images of four bars (top,
 * bottom, left, right) with noise, labels 0..3, written as IDX files
 * DIR/NAME-images.idx and DIR/NAME-labels.idx, and a workload BARS.yaml that
 * extends the repository's base.yaml and reads them (paths relative to DIR). */
#ifndef BARS_H
#define BARS_H
#include "idx.h"
#include "rng.h"

#include <stdio.h>
#include <stdlib.h>

/* n images of 64 pixels into img, labels i % 4 into lab, drawn from seed: a
 * pixel of the bar is 155..254, one off it u * noise_gain when the draw u (0..255)
 * is below noise_below, else 0. The files below: (30, 4); test_chip's and
 * test_energy's in-memory sets: (40, 3). */
static inline void bars_make(uint8_t *img, uint8_t *lab, int n, uint32_t seed, uint32_t noise_below,
                             uint32_t noise_gain)
{
    for (int i = 0; i < n; i++) {
        int y = i % 4;
        lab[i] = (uint8_t)y;
        for (int p = 0; p < 64; p++) {
            int r = p / 8, c = p % 8;
            int on = (y == 0 && r < 2) || (y == 1 && r > 5) || (y == 2 && c < 2) || (y == 3 && c > 5);
            uint32_t u = xorshift32(&seed) & 255;
            img[i * 64 + p] = (uint8_t)(on ? 155 + u % 100 : (u < noise_below ? u * noise_gain : 0));
        }
    }
}

static inline int bars_write(const char *dir, const char *name, int n, uint32_t seed)
{
    uint8_t *img = malloc((size_t)n * 64), *lab = malloc((size_t)n);
    if (!img || !lab) return -1;
    bars_make(img, lab, n, seed, 30, 4);
    char path[2048], err[256];
    uint32_t di[3] = { (uint32_t)n, 8, 8 }, dl[1] = { (uint32_t)n };
    int rc = 0;
    snprintf(path, sizeof path, "%s/%s-images.idx", dir, name);
    if (idx_write(path, 0, 3, di, img, err, sizeof err)) rc = -1;
    snprintf(path, sizeof path, "%s/%s-labels.idx", dir, name);
    if (!rc && idx_write(path, 0, 1, dl, lab, err, sizeof err)) rc = -1;
    if (rc) printf("fixture: %s\n", err);
    free(img);
    free(lab);
    return rc;
}

/* DIR/bars.yaml: the network `layers` ("[64, 32, 4]"; 64 inputs, 4 classes) on
 * the train/test splits above; `training` is a YAML flow mapping of extra
 * training keys ("{ T: 8 }"). */
static inline int bars_workload_layers(const char *dir, const char *repo, const char *layers, const char *training)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/bars.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f,
            "extends: %s/workloads/base.yaml\n"
            "network: { layers: %s, init: glorot_uniform }\n"
            "training: %s\n"
            "dataset:\n  name: bars\n  train_images: train-images.idx\n  train_labels: train-labels.idx\n"
            "  test_images: test-images.idx\n  test_labels: test-labels.idx\n"
            "  classes: 4\n  label_offset: 0\n  transpose: false\n  rows: 8\n  cols: 8\n",
            repo, layers, training);
    return fclose(f) ? -1 : 0;
}

/* DIR/bars.yaml: 64-32-4. */
static inline int bars_workload(const char *dir, const char *repo, const char *training)
{
    return bars_workload_layers(dir, repo, "[64, 32, 4]", training);
}
#endif
