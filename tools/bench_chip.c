/* Benchmark of the cycle-level chip against the golden model: the same samples
 * trained on both in one run, the slowdown (target <= 10x), simulated cycles per
 * second and spike events per second. Checks that both ended on the same weights
 * (a benchmark of a wrong simulator is worthless) but asserts nothing about time. */
#include "bench_load.h"
#include "bench_pair.h"
#include "chip.h"
#include "chip_waves.h"
#include "config.h"
#include "dataset.h"
#include "progress.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    static struct config cfg;
    struct dataset d;
    const int n = bench_load_args(argc, argv, "workloads/mnist.yaml", 1000, 0, &cfg, &d);
    char err[1024];
    static struct bench_pair p;
    bench_pair_init(&p, &cfg);
    const int T = cfg.training.T;
    bench_pair_train(&p, &d, n, T, 50);
    const struct ssnn *g = &p.g;
    const struct chip *chip = &p.chip;
    const double tg = p.tg, tc = p.tc;
    double t0;
    const struct mesh_counters *m = mesh_counters(chip->mesh);
    uint64_t spikes = g->c.input_spikes + g->c.hidden_spikes + g->c.back_pos + g->c.back_neg + g->c.output_spikes;
    printf("cycle-level chip vs golden model, %s %d-%d-%d, T = %d, %d samples, %dx%d mesh, %d cores\n",
           cfg.dataset.name, cfg.network.input, cfg.network.hidden, cfg.network.output, T, n, chip->mesh_x,
           chip->mesh_y, chip->n_cores);
    printf("  %-36s %10.0f samples/s\n", "golden model", n / tg);
    printf("  %-36s %10.0f samples/s   slowdown %.1fx (target <= 10x: %s)\n", "cycle-level chip", n / tc,
           tc / tg, tc / tg <= 10 ? "met" : "MISSED");
    printf("  %-36s %10.3g cycles/s   (%.0f cycles per step)\n", "simulated", chip->c.cycles / tc,
           (double)chip->c.cycles / chip->c.steps);
    printf("  %-36s %10.3g events/s   (%.3g flits/s through routers)\n", "spike events", spikes / tc,
           m->flits_injected / tc);
    printf("  weights identical: %s\n", bench_pair_same(&p) ? "yes" : "NO - the engines diverged");

    /* The same samples again with waveform dumps: the default selection (every
     * core, 8 neurons each, the first 2 samples) and every sample. */
    for (int every = 0; every < 2; every++) {
        struct ssnn h2;
        struct chip chip2;
        if (ssnn_init(&h2, &cfg, err, sizeof err) || chip_init(&chip2, &cfg, &h2, err, sizeof err)) return 1;
        struct wave_select sel = { "all", 8, 0, every ? 0 : 2, 0, 0 };
        chip2.waves = chip_waves_open(&chip2, "/tmp/ssnnsim-bench.fst", &sel, err, sizeof err);
        if (!chip2.waves) { fprintf(stderr, "%s\n", err); return 1; }
        t0 = progress_now();
        for (int i = 0; i < n; i++)
            chip_train_sample(&chip2, d.images + (size_t)i * d.pixels, d.labels[i], T, 65536, err, sizeof err);
        chip_waves_close(chip2.waves, err, sizeof err);
        double tw = progress_now() - t0;
        chip2.waves = NULL;
        FILE *wf = fopen("/tmp/ssnnsim-bench.fst", "rb");
        long wsize = 0;
        if (wf) { fseek(wf, 0, SEEK_END); wsize = ftell(wf); fclose(wf); }
        if (!every)
            printf("  %-36s %10.0f samples/s   overhead %.2fx (target <= 3x: %s), %.2f MB\n",
                   "chip + FST dump, default selection", n / tw, tw / tc, tw / tc <= 3 ? "met" : "MISSED", wsize / 1e6);
        else
            printf("  %-36s %10.0f samples/s   overhead %.2fx, %.1f MB for %d samples\n",
                   "chip + FST dump of every sample", n / tw, tw / tc, wsize / 1e6, n);
        chip_free(&chip2);
        ssnn_free(&h2);
    }
    bench_pair_free(&p);
    dataset_free(&d);
    return bench_pair_same(&p) ? 0 : 1;
}
