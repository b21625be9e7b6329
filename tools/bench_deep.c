/* Benchmark at depth: the golden model and the cycle-level chip training the same
 * samples of a deep workload (784-500-500-10 for workloads/mnist-deep.yaml), taking
 * turns over blocks as bench_chip does, each on its own clock. Prints samples per
 * second of each, the slowdown (target <= 10x) and whether both ended on the same
 * weights; tools/bench puts tools/bench_numpy.py's figure for the same rule next to
 * the golden one. Extra arguments are --set overrides (chip.tiles_per_core=6: the
 * deep MNIST network needs six tiles a core, docs/chip.md "Depth"). Never asserts on
 * time. */
#include "bench_load.h"
#include "chip.h"
#include "config.h"
#include "dataset.h"
#include "progress.h"
#include "ssnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "workloads/mnist-deep.yaml";
    int n = argc > 2 ? atoi(argv[2]) : 300;
    struct config_override ov[8] = { { 0 } };
    int n_ov = 0;
    for (int a = 3; a < argc && n_ov < 8; a++) ov[n_ov++].text = argv[a];
    static struct config cfg;
    bench_load_config(path, ov, n_ov, &cfg);
    struct dataset d;
    bench_load_train(&cfg, n, &d);
    n = d.n;
    char err[1024];
    struct ssnn g, h;
    struct chip chip;
    if (ssnn_init(&g, &cfg, err, sizeof err) || ssnn_init(&h, &cfg, err, sizeof err) ||
        chip_init(&chip, &cfg, &h, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const int T = cfg.training.T;
    enum { BLOCK = 25 };
    double tg = 0, tc = 0;
    for (int b = 0; b < n; b += BLOCK) {
        int e = b + BLOCK < n ? b + BLOCK : n;
        double t0 = progress_now();
        for (int i = b; i < e; i++) ssnn_train_sample(&g, d.images + (size_t)i * d.pixels, d.labels[i], T, 65536);
        double t1 = progress_now();
        for (int i = b; i < e; i++)
            if (chip_train_sample(&chip, d.images + (size_t)i * d.pixels, d.labels[i], T, 65536, err, sizeof err) < 0) {
                fprintf(stderr, "%s\n", err);
                return 1;
            }
        tg += t1 - t0;
        tc += progress_now() - t1;
    }
    chip_gather(&chip, &h);
    char sa[65], sb[65];
    ssnn_weights_sha256(&g, sa);
    ssnn_weights_sha256(&h, sb);
    char widths[256] = "";
    for (int l = 0; l < cfg.network.n_layers; l++) {
        size_t k = strlen(widths);
        snprintf(widths + k, sizeof widths - k, "%s%d", l ? "-" : "", cfg.network.layers[l]);
    }
    printf("depth %d: golden model and cycle-level chip, %s %s, T = %d, %d samples, %d cores\n",
           cfg.network.n_layers - 2, cfg.dataset.name, widths, T, n, chip.n_cores);
    /* tools/bench reads the golden figure from this line: keep its shape. */
    printf("  %-36s %10.1f samples/s\n", "golden model", n / tg);
    printf("  %-36s %10.1f samples/s   slowdown %.1fx (target <= 10x: %s)\n", "cycle-level chip", n / tc,
           tc / tg, tc / tg <= 10 ? "met" : "MISSED");
    printf("  weights identical: %s\n", strcmp(sa, sb) ? "NO - the engines diverged" : "yes");
    chip_free(&chip);
    ssnn_free(&g);
    ssnn_free(&h);
    dataset_free(&d);
    return strcmp(sa, sb) ? 1 : 0;
}
