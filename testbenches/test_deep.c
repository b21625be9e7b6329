/* Deep SSNN-BP (docs/bit-contract.md §8): the golden model at L = 2 and 3 hidden
 * layers. The gradient spikes of every layer carry backprop's delta scaled by
 * beta once per level below the output; a deep network learns the bars; a deep
 * run resumes to the weights of an uninterrupted one; the chip maps depth when
 * its cores hold the mirrors (test_chip compares it with the golden model). */
#include "bars.h"
#include "check.h"
#include "scratch.h"
#include "chip.h"
#include "config.h"
#include "rng.h"
#include "ssnn.h"
#include "ssnn_setup.h"
#include "train.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

/* A model-level config: only what ssnn_init reads. */
static struct config deep_config(const int *widths, int n, double beta)
{
    struct config c;
    memset(&c, 0, sizeof c);
    c.network.n_layers = n;
    for (int i = 0; i < n; i++) c.network.layers[i] = widths[i];
    c.network.input = widths[0];
    c.network.hidden = widths[1];
    c.network.output = widths[n - 1];
    c.training.seed = 11;
    c.training.beta = beta;
    c.device.dw_min = 0.001;
    c.device.w_max = 0.6;
    return c;
}

static double sigmoid(double u) { return 1.0 / (1.0 + exp(-u)); }

/* Mean-field float backprop through the golden model's current weights for a
 * deterministic input x (0/1): delta[l][j] of every hidden layer (weight units). */
static void float_deltas(const struct ssnn *s, const uint8_t *x, int y, double delta[][64])
{
    double h[8][64], sp[8][64];
    const double dw = s->dw_min;
    for (int l = 0; l < s->depth; l++) {
        const struct ssnn_layer *ly = &s->layer[l];
        for (int j = 0; j < ly->n; j++) {
            double u = ly->w.w[(size_t)ly->n_in * ly->n + j];
            for (int i = 0; i < ly->n_in; i++)
                u += (l == 0 ? x[i] : h[l - 1][i]) * ly->w.w[(size_t)i * ly->n + j];
            h[l][j] = sigmoid(u * dw);
            sp[l][j] = h[l][j] * (1 - h[l][j]);
        }
    }
    const struct ssnn_layer *top = ssnn_top(s);
    double v[16], z = 0, vmax = -1e30, dout[16];
    for (int k = 0; k < s->n_out; k++) {
        v[k] = s->w_out.w[(size_t)top->n * s->n_out + k];
        for (int j = 0; j < top->n; j++) v[k] += h[s->depth - 1][j] * s->w_out.w[(size_t)j * s->n_out + k];
        v[k] *= dw;
        vmax = fmax(vmax, v[k]);
    }
    for (int k = 0; k < s->n_out; k++) z += exp(v[k] - vmax);
    for (int k = 0; k < s->n_out; k++) dout[k] = exp(v[k] - vmax) / z - (k == y);
    for (int j = 0; j < top->n; j++) {
        double back = 0;
        for (int k = 0; k < s->n_out; k++) back += s->w_out.w[(size_t)j * s->n_out + k] * dw * dout[k];
        delta[s->depth - 1][j] = sp[s->depth - 1][j] * back;
    }
    for (int l = s->depth - 2; l >= 0; l--) {
        const struct ssnn_layer *up = &s->layer[l + 1];
        for (int j = 0; j < s->layer[l].n; j++) {
            double back = 0;
            for (int m = 0; m < up->n; m++) back += up->w.w[(size_t)j * up->n + m] * dw * delta[l + 1][m];
            delta[l][j] = sp[l][j] * back;
        }
    }
}

/* Mean of g+ - g- per neuron of every layer over n one-step samples, read off
 * the bias row of each W^l (a g+ moves it down one state, a g- up; the weights
 * are put back after every step, so every step sees the same network). */
static void measured_gradients(struct ssnn *s, const uint8_t *px, int y, int n, double g[][64])
{
    int16_t *saved[8];
    for (int l = 0; l < s->depth; l++) {
        struct rpu_array *w = &s->layer[l].w;
        saved[l] = malloc((size_t)w->rows * w->cols * 2);
        memcpy(saved[l], w->w, (size_t)w->rows * w->cols * 2);
        memset(g[l], 0, sizeof g[l]);
    }
    size_t nout = (size_t)s->w_out.rows * s->w_out.cols;
    int16_t *wout = malloc(nout * 2);
    memcpy(wout, s->w_out.w, nout * 2);
    for (int t = 0; t < n; t++) {
        ssnn_train_sample(s, px, y, 1, 65536);
        for (int l = 0; l < s->depth; l++) {
            struct rpu_array *w = &s->layer[l].w;
            size_t bias = (size_t)(w->rows - 1) * w->cols;
            for (int j = 0; j < w->cols; j++) g[l][j] -= w->w[bias + j] - saved[l][bias + j];
            memcpy(w->w, saved[l], (size_t)w->rows * w->cols * 2);
        }
        memcpy(s->w_out.w, wout, nout * 2);
    }
    for (int l = 0; l < s->depth; l++) {
        for (int j = 0; j < s->layer[l].n; j++) g[l][j] /= n;
        free(saved[l]);
    }
    free(wout);
}

/* Least-squares slope through the origin of measured on predicted, and their
 * correlation (through the origin too: both are zero-mean in expectation). */
static void fit(const double *pred, const double *meas, int n, double *slope, double *corr)
{
    double pp = 0, pm = 0, mm = 0;
    for (int j = 0; j < n; j++) {
        pp += pred[j] * pred[j];
        pm += pred[j] * meas[j];
        mm += meas[j] * meas[j];
    }
    *slope = pp > 0 ? pm / pp : 0;
    *corr = pp > 0 && mm > 0 ? pm / sqrt(pp * mm) : 0;
}

/* E[g+ - g-] of layer l ~ beta^(L-l+1) * delta^l (docs/depth.md). The
 * weights are small enough that no backward probability clips at 1; the
 * tolerance allows for the mean-field approximation of the stochastic hidden
 * layers (E sigma(u) is not sigma(E u)) and the coupling of d and b through h. */
static void gradient_spikes_track_the_float_delta_at_every_depth(void)
{
    const int shapes[2][6] = { { 10, 12, 12, 4 }, { 10, 12, 12, 12, 4 } };
    const int n_widths[2] = { 4, 5 };
    const double beta = 2.0;
    const int N = 400000, y = 2;
    uint8_t px[10];
    for (int i = 0; i < 10; i++) px[i] = i % 3 ? 255 : 0;
    for (int s_i = 0; s_i < 2; s_i++) {
        struct config c = deep_config(shapes[s_i], n_widths[s_i], beta);
        struct ssnn s;
        char err[256];
        if (ssnn_init(&s, &c, err, sizeof err)) { CHECK(0, "%s", err); return; }
        /* Varied, small weights: |W| <= 0.25 keeps beta * |r| below 1. */
        uint32_t r = 99 + (uint32_t)s_i;
        for (int l = 0; l <= s.depth; l++) {
            struct rpu_array *w = l < s.depth ? &s.layer[l].w : &s.w_out;
            for (int cell = 0; cell < w->rows * w->cols; cell++)
                w->w[cell] = (int16_t)((int)(xorshift32(&r) % 501) - 250);
        }
        double delta[8][64], g[8][64];
        uint8_t x[10];
        for (int i = 0; i < 10; i++) x[i] = px[i] == 255;
        float_deltas(&s, x, y, delta);
        measured_gradients(&s, px, y, N, g);
        for (int l = 0; l < s.depth; l++) {
            double pred[64], slope, corr, scale = pow(beta, s.depth - l);
            for (int j = 0; j < s.layer[l].n; j++) pred[j] = scale * delta[l][j];
            fit(pred, g[l], s.layer[l].n, &slope, &corr);
            printf("  L = %d, layer %d: E[g+ - g-] = %.3f x beta^%d delta (correlation %.3f)\n", s.depth, l + 1,
                   slope, s.depth - l, corr);
            CHECK(slope > 0.7 && slope < 1.3 && corr > 0.9,
                  "L = %d, layer %d: measured gradient spikes = %.3f x beta^%d delta, correlation %.3f "
                  "(want 0.7..1.3, > 0.9)", s.depth, l + 1, slope, s.depth - l, corr);
        }
        ssnn_free(&s);
    }
}

/* bars.yaml with the given layers, trained in tmpdir (its dataset paths are relative). */
static struct run_summary train_deep_bars(const char *layers, const char *extra, const char *ckpt,
                                          const char *resume)
{
    static struct config cfg;
    struct run_summary sum;
    memset(&sum, 0, sizeof sum);
    char cwd[512], path[600], err[512];
    if (!getcwd(cwd, sizeof cwd) || bars_workload_layers(tmpdir, cwd, layers, "{}")) return sum;
    snprintf(path, sizeof path, "%s/bars.yaml", tmpdir);
    struct config_override ov[3] = { { "training.epochs=4", NULL, 0, 0, 0 }, { "training.T=8", NULL, 0, 0, 0 },
                                     { extra, NULL, 0, 0, 0 } };
    if (config_load(path, ov, extra ? 3 : 2, &cfg, err, sizeof err)) {
        printf("config: %s\n", err);
        return sum;
    }
    if (chdir(tmpdir)) return sum;
    struct run_opts o = { .engine = "golden", .quiet = 1, .checkpoint = ckpt, .resume = resume };
    int rc = train_run(&cfg, &o, &sum);
    if (chdir(cwd)) exit(1);
    if (rc) printf("train_run returned %d\n", rc);
    return sum;
}

static void deep_networks_learn_the_bars(void)
{
    /* Three stochastic layers pass less of the input to the output per step: the
     * deeper net learns slower (docs/accuracy.md) and gets longer trains. */
    const char *shapes[2] = { "[64, 32, 32, 4]", "[64, 32, 32, 32, 4]" };
    const char *extra[2] = { NULL, "training={epochs: 8, T: 16}" };
    const int epochs[2] = { 4, 8 };
    for (int i = 0; i < 2; i++) {
        struct run_summary s = train_deep_bars(shapes[i], extra[i], NULL, NULL);
        printf("  %s: rate %.3f, WTA %.3f, ANN %.3f\n", shapes[i], s.test_rate, s.test_wta, s.ann_test);
        CHECK(s.epochs_done == epochs[i] && s.test_rate > 0.9 && s.test_wta > 0.9,
              "%s: %d epochs, test accuracy rate %.3f wta %.3f (chance 0.25)", shapes[i], s.epochs_done, s.test_rate,
              s.test_wta);
        CHECK(s.ann_test > 0.9, "%s: ANN baseline %.3f", shapes[i], s.ann_test);
    }
}

static void deep_run_resumes_to_the_same_weights(void)
{
    char ck[600];
    snprintf(ck, sizeof ck, "%s/deep.ckpt", tmpdir);
    const char *shape = "[64, 24, 16, 4]";
    struct run_summary full = train_deep_bars(shape, NULL, NULL, NULL);
    struct run_summary part = train_deep_bars(shape, "training.epochs=2", ck, NULL);
    struct run_summary rest = train_deep_bars(shape, NULL, ck, ck);
    CHECK(part.epochs_done == 2 && rest.epochs_done == 4, "epochs %d then %d", part.epochs_done, rest.epochs_done);
    CHECK(!strcmp(full.weights_sha256, rest.weights_sha256), "resumed %s, uninterrupted %s", rest.weights_sha256,
          full.weights_sha256);
    CHECK(strcmp(part.weights_sha256, full.weights_sha256), "two epochs already gave the final weights");
}

/* The chip maps depth (docs/chip.md "Depth"), and a deep network that does not
 * fit is refused at the key that limits it: on the default chip, a core of
 * hidden layer 1 needs W1's 4 tiles and the mirror of its rows of W2. */
static void the_default_chip_needs_tiles_for_the_mirror(void)
{
    static struct config cfg;
    char err[1024];
    const char *const shapes[] = { "network.layers=[784, 40, 30, 10]", "chip.tiles_per_core=5" };
    for (int fits = 0; fits < 2; fits++) {
        const struct config_override ov[] = { { shapes[0], NULL, 0, 0, 0 }, { shapes[1], NULL, 0, 0, 0 } };
        if (config_load("workloads/mnist.yaml", ov, 1 + fits, &cfg, err, sizeof err)) { CHECK(0, "%s", err); return; }
        struct ssnn g;
        struct chip chip;
        if (ssnn_init(&g, &cfg, err, sizeof err)) { CHECK(0, "%s", err); return; }
        err[0] = 0;
        int rc = chip_init(&chip, &cfg, &g, err, sizeof err);
        if (fits) CHECK(rc == 0 && chip.n_cores == 4 + 1 + 1 + 1, "784-40-30-10 on 5 tiles a core: rc %d, '%s'", rc, err);
        else
            CHECK(rc == -1 && strstr(err, "mesh4x4.yaml:") && strstr(err, "the mirror of their rows of W2 for the backward "
                                                                      "read (30 rows, 1 tile): 5 tiles, but a core has 4"),
                  "784-40-30-10 on the default chip: rc %d, '%s'", rc, err);
        if (rc == 0) chip_free(&chip);
        ssnn_free(&g);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ssnn-deep-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    if (bars_write(tmpdir, "train", 400, 1) || bars_write(tmpdir, "test", 100, 3)) return 1;
    RUN(gradient_spikes_track_the_float_delta_at_every_depth);
    RUN(deep_networks_learn_the_bars);
    RUN(deep_run_resumes_to_the_same_weights);
    RUN(the_default_chip_needs_tiles_for_the_mirror);
    if (scratch_remove_tree(tmpdir)) return 1;
    CHECK_DONE();
}
