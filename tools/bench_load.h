/* What every benchmark starts from: a workload's config and the first samples
 * of its training split. A benchmark that cannot load its input has nothing to
 * measure: these print the message and exit 2. */
#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H
#include "config.h"
#include "dataset.h"

#include <stdio.h>
#include <stdlib.h>

/* Loads path with the overrides ov[0..n_ov) into cfg. */
static void bench_load_config(const char *path, const struct config_override *ov, int n_ov, struct config *cfg)
{
    char err[1024];
    if (config_load(path, ov, n_ov, cfg, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
}

/* The first `limit` samples of cfg's training split (all of them if it has fewer). */
static void bench_load_train(const struct config *cfg, int limit, struct dataset *d)
{
    char err[1024];
    struct dataset_spec spec = dataset_spec_of(&cfg->dataset, 0, limit);
    if (dataset_load(&spec, d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
}
/* A benchmark's command line, `WORKLOAD [SAMPLES [OVERRIDE...]]`: the workload
 * (default `path`) into cfg, with the --set overrides after SAMPLES (at most 8)
 * when `overrides`, and its first SAMPLES (default n) training samples into d.
 * Returns how many there are. */
static inline int bench_load_args(int argc, char **argv, const char *path, int n, int overrides, struct config *cfg,
                           struct dataset *d)
{
    struct config_override ov[8] = { { 0 } };
    int n_ov = 0;
    for (int a = 3; overrides && a < argc && n_ov < 8; a++) ov[n_ov++].text = argv[a];
    bench_load_config(argc > 1 ? argv[1] : path, ov, n_ov, cfg);
    bench_load_train(cfg, argc > 2 ? atoi(argv[2]) : n, d);
    return d->n;
}
#endif
