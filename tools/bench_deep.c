/* Benchmark at depth: the golden model and the cycle-level chip training the same
 * samples of a deep workload (784-500-500-10 for workloads/mnist-deep.yaml), taking
 * turns over blocks as bench_chip does, each on its own clock. Prints samples per
 * second of each, the slowdown (target <= 10x) and whether both ended on the same
 * weights; tools/bench puts tools/bench_numpy.py's figure for the same rule next to
 * the golden one. Extra arguments are --set overrides (chip.tiles_per_core=6: the
 * deep MNIST network needs six tiles a core, docs/chip.md "Depth"). Never asserts on
 * time. */
#include "bench_load.h"
#include "bench_pair.h"
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
    static struct config cfg;
    struct dataset d;
    const int n = bench_load_args(argc, argv, "workloads/mnist-deep.yaml", 300, 1, &cfg, &d);
    static struct bench_pair p;
    bench_pair_init(&p, &cfg);
    const int T = cfg.training.T;
    bench_pair_train(&p, &d, n, T, 25);
    const double tg = p.tg, tc = p.tc;
    char widths[256] = "";
    for (int l = 0; l < cfg.network.n_layers; l++) {
        size_t k = strlen(widths);
        snprintf(widths + k, sizeof widths - k, "%s%d", l ? "-" : "", cfg.network.layers[l]);
    }
    printf("depth %d: golden model and cycle-level chip, %s %s, T = %d, %d samples, %d cores\n",
           cfg.network.n_layers - 2, cfg.dataset.name, widths, T, n, p.chip.n_cores);
    /* tools/bench reads the golden figure from this line: keep its shape. */
    printf("  %-36s %10.1f samples/s\n", "golden model", n / tg);
    printf("  %-36s %10.1f samples/s   slowdown %.1fx (target <= 10x: %s)\n", "cycle-level chip", n / tc,
           tc / tg, tc / tg <= 10 ? "met" : "MISSED");
    printf("  weights identical: %s\n", bench_pair_same(&p) ? "yes" : "NO - the engines diverged");
    bench_pair_free(&p);
    dataset_free(&d);
    return bench_pair_same(&p) ? 0 : 1;
}
