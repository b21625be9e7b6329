/* Benchmark of the golden model: SSNN-BP training throughput at T = 16 and T = 64
 * (784-500-10, one thread) next to the float ANN baseline's on the same samples,
 * measured side by side in one run. Prints figures and ratios; never asserts
 * (speed is not a test: these machines are noisy). */
#include "ann.h"
#include "bench_load.h"
#include "config.h"
#include "dataset.h"
#include "progress.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdio.h>
#include <stdlib.h>

static double bench_ssnn(const struct config *cfg, const struct dataset *d, int T, int n)
{
    struct ssnn s;
    char err[256];
    if (ssnn_init(&s, cfg, err, sizeof err)) { fprintf(stderr, "%s\n", err); exit(1); }
    double t0 = progress_now();
    for (int i = 0; i < n; i++)
        ssnn_train_sample(&s, d->images + (size_t)i * d->pixels, d->labels[i], T, 65536);
    double dt = progress_now() - t0;
    ssnn_free(&s);
    return n / dt;
}

static double bench_infer(const struct config *cfg, const struct dataset *d, int T, int n)
{
    struct ssnn s;
    struct ssnn_streams st;
    char err[256];
    uint32_t wins[16];
    if (ssnn_init(&s, cfg, err, sizeof err) || ssnn_streams_alloc(&st, &s)) exit(1);
    ssnn_streams_seed(&st, &s, 1);
    double t0 = progress_now();
    for (int i = 0; i < n; i++) ssnn_infer_wta(&s, &st, d->images + (size_t)i * d->pixels, T, wins);
    double dt = progress_now() - t0;
    ssnn_streams_free(&st);
    ssnn_free(&s);
    return n / dt;
}

static double bench_ann(const struct config *cfg, const struct dataset *d, int n)
{
    struct ssnn s;
    struct ann a;
    char err[256];
    if (ssnn_init(&s, cfg, err, sizeof err) || ann_init_from(&a, &s)) exit(1);
    float lr[2] = { 0.064f, 0.016f };   /* W1, W_out: the default rule's rates (beta 4) */
    double t0 = progress_now();
    for (int i = 0; i < n; i++) ann_train_sample(&a, d->images + (size_t)i * d->pixels, d->labels[i], lr);
    double dt = progress_now() - t0;
    ann_free(&a);
    ssnn_free(&s);
    return n / dt;
}

int main(int argc, char **argv)
{
    static struct config cfg;
    struct dataset d;
    const int n = bench_load_args(argc, argv, "workloads/mnist.yaml", 6000, 0, &cfg, &d);
    printf("golden model, %s %d-%d-%d, %d training samples, one thread\n", cfg.dataset.name,
           cfg.network.input, cfg.network.hidden, cfg.network.output, n);
    double ann = bench_ann(&cfg, &d, n);
    double s16 = bench_ssnn(&cfg, &d, 16, n);
    double s64 = bench_ssnn(&cfg, &d, 64, n / 4);
    double i64 = bench_infer(&cfg, &d, 64, n / 4);
    printf("  %-34s %10.0f samples/s\n", "float ANN baseline (train)", ann);
    printf("  %-34s %10.0f samples/s   %.2fx the ANN's time\n", "SSNN-BP train, T = 16", s16, ann / s16);
    printf("  %-34s %10.0f samples/s   %.2fx the ANN's time\n", "SSNN-BP train, T = 64", s64, ann / s64);
    printf("  %-34s %10.0f samples/s\n", "SSNN-BP WTA inference, T = 64", i64);
    printf("  full 60k-sample epoch at T = 16:   %.1f s   (target < 30 s: %s)\n", 60000 / s16,
           60000 / s16 < 30 ? "met" : "MISSED");
    printf("  time steps per second at T = 16:   %.0f\n", s16 * 16);
    dataset_free(&d);
    return 0;
}
