/* The golden model and the cycle-level chip training the same samples, for the
 * benchmarks that set one against the other (bench_chip, bench_deep): the two
 * engines take turns over blocks of samples, each timed on its own clock, so that
 * load from elsewhere on a shared machine falls on both alike (timed one after
 * the other, the ratio moved between 5.5x and 11.7x). A benchmark of a wrong
 * simulator is worthless: both end with their weights' SHA-256 to compare. */
#ifndef BENCH_PAIR_H
#define BENCH_PAIR_H
#include "chip.h"
#include "config.h"
#include "dataset.h"
#include "progress.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_pair {
    struct ssnn g;              /* the golden model */
    struct ssnn h;              /* the chip's golden-model state (chip_init, chip_gather) */
    struct chip chip;
    double tg, tc;              /* seconds each spent training */
    char sha_g[65], sha_c[65];  /* their weights after training */
};

/* Both engines on cfg; exits 1 with the message if either cannot be built. */
static inline void bench_pair_init(struct bench_pair *p, const struct config *cfg)
{
    char err[1024];
    memset(p, 0, sizeof *p);
    if (ssnn_init(&p->g, cfg, err, sizeof err) || ssnn_init(&p->h, cfg, err, sizeof err) ||
        chip_init(&p->chip, cfg, &p->h, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
}

/* Trains samples [0, n) of d with T steps on both, in turns of `block` samples;
 * exits 1 with the chip's message if it fails. */
static inline void bench_pair_train(struct bench_pair *p, const struct dataset *d, int n, int T, int block)
{
    char err[1024];
    for (int b = 0; b < n; b += block) {
        int e = b + block < n ? b + block : n;
        double t0 = progress_now();
        for (int i = b; i < e; i++) ssnn_train_sample(&p->g, d->images + (size_t)i * d->pixels, d->labels[i], T, 65536);
        double t1 = progress_now();
        for (int i = b; i < e; i++) {
            const uint8_t *x = d->images + (size_t)i * d->pixels;
            if (chip_train_sample(&p->chip, x, d->labels[i], T, 65536, err, sizeof err) < 0) {
                fprintf(stderr, "%s\n", err);
                exit(1);
            }
        }
        p->tg += t1 - t0;
        p->tc += progress_now() - t1;
    }
    chip_gather(&p->chip, &p->h);
    ssnn_weights_sha256(&p->g, p->sha_g);
    ssnn_weights_sha256(&p->h, p->sha_c);
}

/* 1 when both ended on the same weights. */
static inline int bench_pair_same(const struct bench_pair *p)
{
    return !strcmp(p->sha_g, p->sha_c);
}

static inline void bench_pair_free(struct bench_pair *p)
{
    chip_free(&p->chip);
    ssnn_free(&p->g);
    ssnn_free(&p->h);
}
#endif
