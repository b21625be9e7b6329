/* Benchmark of the cycle-level chip against the golden model: the same samples
 * trained on both in one run, the slowdown (target <= 10x), simulated cycles per
 * second and spike events per second. Checks that both ended on the same weights
 * (a benchmark of a wrong simulator is worthless) but asserts nothing about time. */
#include "bench_load.h"
#include "chip.h"
#include "chip_waves.h"
#include "config.h"
#include "dataset.h"
#include "progress.h"
#include "ssnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "workloads/mnist.yaml";
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    static struct config cfg;
    bench_load_config(path, NULL, 0, &cfg);
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
    /* The two engines take turns over blocks of samples, each timed on its own
     * clock, so that load from elsewhere on a shared machine falls on both alike
     * (timed one after the other, the ratio moved between 5.5x and 11.7x). */
    enum { BLOCK = 50 };
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
    double t0;
    chip_gather(&chip, &h);
    char sa[65], sb[65];
    ssnn_weights_sha256(&g, sa);
    ssnn_weights_sha256(&h, sb);
    const struct mesh_counters *m = mesh_counters(chip.mesh);
    uint64_t spikes = g.c.input_spikes + g.c.hidden_spikes + g.c.back_pos + g.c.back_neg + g.c.output_spikes;
    printf("cycle-level chip vs golden model, %s %d-%d-%d, T = %d, %d samples, %dx%d mesh, %d cores\n",
           cfg.dataset.name, cfg.network.input, cfg.network.hidden, cfg.network.output, T, n, chip.mesh_x,
           chip.mesh_y, chip.n_cores);
    printf("  %-36s %10.0f samples/s\n", "golden model", n / tg);
    printf("  %-36s %10.0f samples/s   slowdown %.1fx (target <= 10x: %s)\n", "cycle-level chip", n / tc,
           tc / tg, tc / tg <= 10 ? "met" : "MISSED");
    printf("  %-36s %10.3g cycles/s   (%.0f cycles per step)\n", "simulated", chip.c.cycles / tc,
           (double)chip.c.cycles / chip.c.steps);
    printf("  %-36s %10.3g events/s   (%.3g flits/s through routers)\n", "spike events", spikes / tc,
           m->flits_injected / tc);
    printf("  weights identical: %s\n", strcmp(sa, sb) ? "NO - the engines diverged" : "yes");

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
    chip_free(&chip);
    ssnn_free(&g);
    ssnn_free(&h);
    dataset_free(&d);
    return strcmp(sa, sb) ? 1 : 0;
}
