/* Benchmark of the SystemC engine against the native chip engine it must equal:
 * the same samples trained on both in one run (the native chip first, then the
 * same chip with its steps run as SystemC modules), samples/s and simulated
 * cycles/s side by side, and the cost of the shim as a slowdown. A third argument
 * (e.g. "[router]") runs those routers as the Verilated RTL. Checks that both
 * ended on the same weights and cycle count; asserts nothing about time.
 *   bench_systemc CONFIG SAMPLES [RTL-LIST] */
#include "bench_load.h"
#include "chip.h"
#include "config.h"
#include "dataset.h"
#include "progress.h"
#include "sc_chip.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Trains n samples on a fresh chip (SystemC-clocked when sc); seconds, weights, cycles. */
static double train(const struct config *cfg, const struct dataset *d, int n, int sc, char sha[65], uint64_t *cycles)
{
    char err[1024];
    static struct ssnn h;
    static struct chip chip;
    if (ssnn_init(&h, cfg, err, sizeof err) || chip_init(&chip, cfg, &h, err, sizeof err) ||
        (sc && sc_chip_attach(&chip, err, sizeof err))) {
        fprintf(stderr, "bench_systemc: %s\n", err);
        exit(1);
    }
    double t0 = progress_now();
    for (int i = 0; i < n; i++)
        if (chip_train_sample(&chip, d->images + (size_t)i * d->pixels, d->labels[i], cfg->training.T, 65536, err,
                              sizeof err) < 0) {
            fprintf(stderr, "bench_systemc: %s\n", err);
            exit(1);
        }
    double t = progress_now() - t0;
    chip_gather(&chip, &h);
    ssnn_weights_sha256(&h, sha);
    *cycles = chip.c.cycles;
    chip_free(&chip);
    ssnn_free(&h);
    return t;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "workloads/mnist.yaml";
    int n = argc > 2 ? atoi(argv[2]) : 200;
    char rtl[200] = "chip.rtl=[]";
    if (argc > 3) snprintf(rtl, sizeof rtl, "chip.rtl=%s", argv[3]);
    struct config_override ov = { .text = rtl };
    static struct config cfg, native_cfg;
    bench_load_config(path, &ov, 1, &cfg);
    bench_load_config(path, NULL, 0, &native_cfg);
    struct dataset d;
    bench_load_train(&cfg, n, &d);
    n = d.n;
    char sa[65], sb[65];
    uint64_t ca, cb;
    double ta = train(&native_cfg, &d, n, 0, sa, &ca);
    double tb = train(&cfg, &d, n, 1, sb, &cb);
    printf("SystemC engine vs native chip engine, %s %d-%d-%d, T = %d, %d samples, routers %s\n", cfg.dataset.name,
           cfg.network.input, cfg.network.hidden, cfg.network.output, cfg.training.T, n,
           cfg.chip.n_rtl ? argv[3] : "C (models/router.c)");
    printf("  %-36s %10.1f samples/s %10.3g cycles/s\n", "native chip engine (sim/chip.c)", n / ta, ca / ta);
    printf("  %-36s %10.1f samples/s %10.3g cycles/s   slowdown %.1fx\n",
           cfg.chip.n_rtl ? "SystemC engine, RTL routers" : "SystemC engine (sim/systemc)", n / tb, cb / tb, tb / ta);
    printf("  same weights and cycles: %s\n", strcmp(sa, sb) || ca != cb ? "NO - the engines diverged" : "yes");
    dataset_free(&d);
    return strcmp(sa, sb) || ca != cb ? 1 : 0;
}
