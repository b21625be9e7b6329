/* Golden-model tests: the statistical identities SSNN-BP rests on (checked with
 * fixed seeds and tolerances derived from the sample count), the device model,
 * and the end-to-end properties of a run (learning, determinism, resume). */
#include "bars.h"
#include "check.h"
#include "scratch.h"
#include "config.h"
#include "idx.h"
#include "rng.h"
#include "ssnn.h"
#include "ssnn_setup.h"
#include "train.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A config for model-level tests: no YAML, only what ssnn_init reads. */
static struct config tiny_config(int n_in, int n_h, int n_out)
{
    struct config c;
    memset(&c, 0, sizeof c);
    c.network.input = n_in;
    c.network.hidden = n_h;
    c.network.output = n_out;
    c.network.n_layers = 3;
    c.network.layers[0] = n_in;
    c.network.layers[1] = n_h;
    c.network.layers[2] = n_out;
    c.training.seed = 7;
    c.training.beta = 4.0;
    c.device.dw_min = 0.001;
    c.device.w_max = 0.6;
    return c;
}

static struct ssnn make_net(const struct config *c)
{
    struct ssnn s;
    char err[256];
    if (ssnn_init(&s, c, err, sizeof err)) {
        fprintf(stderr, "ssnn_init: %s\n", err);
        exit(1);
    }
    return s;
}

/* |count - n p| within 5 binomial standard deviations (plus a slack for the
 * quantisation of the tables, given as an absolute probability). */
static int within(double count, double n, double p, double slack)
{
    double sd = sqrt(n * p * (1 - p)) + 1;
    return fabs(count - n * p) <= 5 * sd + slack * n;
}

static void derivative_unit_fires_with_sigma_times_one_minus_sigma(void)
{
    const int32_t S[] = { -2500, -700, 0, 900, 3000 };
    const int N = 200000;
    for (size_t t = 0; t < sizeof S / sizeof S[0]; t++) {
        struct config c = tiny_config(4, 1, 2);
        struct ssnn s = make_net(&c);
        s.layer[0].w.w[4] = (int16_t)S[t];               /* the bias row drives the membrane */
        uint8_t px[4] = { 0, 0, 0, 0 };
        ssnn_train_sample(&s, px, 0, N, 0);       /* gate closed: no weight changes */
        double p = act_sigmoid(&s.act, S[t]) / 65536.0;
        double exact = 1.0 / (1.0 + exp(-S[t] * 0.001));
        CHECK(within((double)s.c.deriv_spikes, N, p * (1 - p), 0),
              "S=%d: %llu derivative spikes in %d steps, expected %.1f (sigma' = %.5f)", S[t],
              (unsigned long long)s.c.deriv_spikes, N, N * p * (1 - p), p * (1 - p));
        CHECK(within((double)s.c.hidden_spikes, N, p, 0), "S=%d: %llu forward spikes, expected %.1f",
              S[t], (unsigned long long)s.c.hidden_spikes, N * p);
        CHECK(fabs(p - exact) < 2e-5, "S=%d: table gives %.6f, sigma is %.6f", S[t], p, exact);
        CHECK(s.layer[0].w.w[4] == S[t], "closed gate still changed a weight");
        ssnn_free(&s);
    }
}

static void softmax_of(const int32_t *v, int n, double *out)
{
    double m = v[0], z = 0;
    for (int k = 1; k < n; k++) m = fmax(m, v[k]);
    for (int k = 0; k < n; k++) z += out[k] = exp((v[k] - m) * 0.001);
    for (int k = 0; k < n; k++) out[k] /= z;
}

static void wta_winner_is_a_softmax_sample(void)
{
    const int32_t v[4] = { 0, 300, -400, 1000 };
    const int N = 200000;
    struct config c = tiny_config(4, 3, 4);
    struct ssnn s = make_net(&c);
    memset(s.w_out.w, 0, (size_t)4 * 4 * sizeof *s.w_out.w);
    for (int k = 0; k < 4; k++) s.w_out.w[3 * 4 + k] = (int16_t)v[k];
    struct ssnn_streams st;
    ssnn_streams_alloc(&st, &s);
    ssnn_streams_seed(&st, &s, RNG_EVAL);
    uint32_t wins[4];
    uint8_t px[4] = { 0 };
    ssnn_infer_wta(&s, &st, px, N, wins);
    double sm[4];
    softmax_of(v, 4, sm);
    for (int k = 0; k < 4; k++)
        CHECK(within(wins[k], N, sm[k], 1e-4), "output %d won %u of %d steps, softmax says %.1f", k,
              wins[k], N, N * sm[k]);
    ssnn_streams_free(&st);
    ssnn_free(&s);
}

/* Runs `n` single-step samples, restoring the weights after each so every step
 * sees the same network; returns per-cell sums of the changes. */
static void sample_updates(struct ssnn *s, const uint8_t *px, int y, int n, double *d1, double *d2,
                           uint64_t *winners)
{
    size_t n1 = (size_t)s->layer[0].w.rows * s->layer[0].w.cols, n2 = (size_t)s->w_out.rows * s->w_out.cols;
    int16_t *w1 = malloc(n1 * 2), *w2 = malloc(n2 * 2);
    memcpy(w1, s->layer[0].w.w, n1 * 2);
    memcpy(w2, s->w_out.w, n2 * 2);
    for (int i = 0; i < n; i++) {
        int o = ssnn_train_sample(s, px, y, 1, 65536);
        if (winners) winners[o]++;
        for (size_t c = 0; c < n1; c++) d1[c] += s->layer[0].w.w[c] - w1[c];
        for (size_t c = 0; c < n2; c++) d2[c] += s->w_out.w[c] - w2[c];
        memcpy(s->layer[0].w.w, w1, n1 * 2);
        memcpy(s->w_out.w, w2, n2 * 2);
    }
    free(w1);
    free(w2);
}

static void error_streams_average_softmax_minus_label(void)
{
    const int32_t v[3] = { 200, -300, 500 };
    const int N = 100000, y = 0;
    struct config c = tiny_config(2, 2, 3);
    struct ssnn s = make_net(&c);
    memset(s.w_out.w, 0, sizeof(int16_t) * 3 * 3);
    for (int k = 0; k < 3; k++) s.w_out.w[2 * 3 + k] = (int16_t)v[k];
    uint64_t winners[3] = { 0 };
    double d1[3 * 2] = { 0 }, d2[3 * 3] = { 0 };
    uint8_t px[2] = { 0, 0 };
    uint64_t e0 = s.c.err_pos;
    sample_updates(&s, px, y, N, d1, d2, winners);
    double sm[3];
    softmax_of(v, 3, sm);
    /* e+_k - e-_k per step: o_k for k != y, -(1 - o_y) for k == y. */
    for (int k = 0; k < 3; k++) {
        double e = k == y ? -(double)(N - winners[y]) : (double)winners[k];
        double want = sm[k] - (k == y);
        CHECK(fabs(e / N - want) <= 5 * sqrt(fabs(want) * (1 - fabs(want)) / N) + 1e-4,
              "k=%d: mean e+ - e- = %.5f, softmax - y = %.5f", k, e / N, want);
        /* The bias row of W2 is driven every step: its update is exactly -(e+ - e-). */
        CHECK(d2[2 * 3 + k] == -e, "k=%d: bias update %.0f != -(e+ - e-) = %.0f", k, d2[2 * 3 + k], -e);
    }
    CHECK(s.c.err_pos - e0 == (uint64_t)(N - (int)winners[y]) && s.c.err_pos == s.c.err_neg,
          "error counters %llu/%llu, wrong winners %llu", (unsigned long long)s.c.err_pos,
          (unsigned long long)s.c.err_neg, (unsigned long long)(N - winners[y]));
    ssnn_free(&s);
}

/* Exact expected update per step of a 0-input, 3-hidden, 3-output net (only bias
 * rows drive it), by enumerating hidden spike patterns and winners. */
static void exact_expectation(const struct ssnn *s, int y, double *e1, double *e2, double *grad1)
{
    const int nh = 3, no = 3;
    double p[3];
    for (int j = 0; j < nh; j++) p[j] = act_sigmoid(&s->act, s->layer[0].w.w[(size_t)s->n_in * nh + j]) / 65536.0;
    memset(e1, 0, sizeof(double) * nh);
    memset(e2, 0, sizeof(double) * (nh + 1) * no);
    memset(grad1, 0, sizeof(double) * nh);
    for (int m = 0; m < 8; m++) {
        double ph = 1;
        int h[3];
        for (int j = 0; j < nh; j++) {
            h[j] = (m >> j) & 1;
            ph *= h[j] ? p[j] : 1 - p[j];
        }
        int32_t v[3];
        for (int k = 0; k < no; k++) {
            v[k] = s->w_out.w[nh * no + k];
            for (int j = 0; j < nh; j++) v[k] += h[j] * s->w_out.w[j * no + k];
        }
        int32_t vmax = v[0];
        for (int k = 1; k < no; k++) vmax = v[k] > vmax ? v[k] : vmax;
        double E[3], tot = 0;
        for (int k = 0; k < no; k++) tot += E[k] = act_exp(&s->act, vmax - v[k]);
        for (int o = 0; o < no; o++) {
            double po = ph * E[o] / tot;
            if (o == y) continue;
            for (int j = 0; j <= nh; j++) {
                int hj = j < nh ? h[j] : 1;
                e2[j * no + o] -= po * hj;
                e2[j * no + y] += po * hj;
            }
            for (int j = 0; j < nh; j++) {
                int32_t r = s->w_out.w[j * no + o] - s->w_out.w[j * no + y];
                uint64_t pb = ((uint64_t)(r < 0 ? -r : r) * s->layer[0].beta_q) >> 32;
                double pbf = (pb > 65535 ? 65535 : pb) / 65536.0;
                double pd = h[j] * (1 - p[j]);
                e1[j] += po * pd * pbf * (r > 0 ? -1 : r < 0 ? 1 : 0);
            }
        }
    }
    /* Mean-field backprop direction for the hidden biases: -sigma' * sum_k W2 (softmax - y). */
    double hm[3], v[3], sm[3], z = 0, vmax = -1e30;
    for (int j = 0; j < nh; j++) hm[j] = p[j];
    for (int k = 0; k < no; k++) {
        v[k] = s->w_out.w[nh * no + k];
        for (int j = 0; j < nh; j++) v[k] += hm[j] * s->w_out.w[j * no + k];
        vmax = fmax(vmax, v[k]);
    }
    for (int k = 0; k < no; k++) z += sm[k] = exp((v[k] - vmax) * 0.001);
    for (int j = 0; j < nh; j++) {
        double back = 0;
        for (int k = 0; k < no; k++) back += s->w_out.w[j * no + k] * (sm[k] / z - (k == y));
        grad1[j] = -p[j] * (1 - p[j]) * back;
    }
}

static void expected_update_is_the_exact_expectation_and_descends(void)
{
    const int N = 300000, y = 1;
    struct config c = tiny_config(1, 3, 3);
    struct ssnn s = make_net(&c);
    const int16_t w2[12] = { 300, -200, 100, -250, 400, 0, 150, 150, -300, 50, -50, 0 };
    memcpy(s.w_out.w, w2, sizeof w2);
    const int16_t b1[3] = { 500, -300, 450 };
    memcpy(s.layer[0].w.w + 3, b1, sizeof b1);
    double d1[6] = { 0 }, d2[12] = { 0 }, e1[3], e2[12], g1[3];
    uint8_t px[1] = { 0 };
    exact_expectation(&s, y, e1, e2, g1);
    sample_updates(&s, px, y, N, d1, d2, NULL);
    for (int cell = 0; cell < 12; cell++)
        CHECK(fabs(d2[cell] / N - e2[cell]) <= 5.0 / sqrt(N) + 1e-4,
              "W2 cell %d: mean update %.5f, exact expectation %.5f", cell, d2[cell] / N, e2[cell]);
    double dot = 0, na = 0, nb = 0;
    for (int j = 0; j < 3; j++) {
        CHECK(fabs(d1[3 + j] / N - e1[j]) <= 5.0 / sqrt(N) + 1e-4,
              "W1 bias %d: mean update %.5f, exact expectation %.5f", j, d1[3 + j] / N, e1[j]);
        dot += e1[j] * g1[j];
        na += e1[j] * e1[j];
        nb += g1[j] * g1[j];
    }
    double cosine = dot / sqrt(na * nb);
    CHECK(cosine > 0.9, "W1 expected update vs -gradient: cosine %.3f", cosine);
    ssnn_free(&s);
}

static void ideal_pulse_moves_one_state_and_stops_at_the_bound(void)
{
    struct config c = tiny_config(2, 2, 2);
    struct ssnn s = make_net(&c);
    s.layer[0].w.w[0] = 598;
    for (int i = 0; i < 5; i++) rpu_pulse(&s.layer[0].w, 0, 1);
    CHECK(s.layer[0].w.w[0] == 600, "after 5 up pulses from 598: %d (bound 600)", s.layer[0].w.w[0]);
    s.layer[0].w.w[1] = 10;
    rpu_pulse(&s.layer[0].w, 1, 0);
    CHECK(s.layer[0].w.w[1] == 9, "one down pulse from 10 gave %d", s.layer[0].w.w[1]);
    CHECK(s.layer[0].w.pulses_up == 5 && s.layer[0].w.pulses_down == 1, "pulse counters %llu/%llu",
          (unsigned long long)s.layer[0].w.pulses_up, (unsigned long long)s.layer[0].w.pulses_down);
    ssnn_free(&s);
}

static void pulse_amplitude_moves_k_states_and_stops_at_the_bound(void)
{
    struct config c = tiny_config(2, 2, 2);
    struct ssnn s = make_net(&c);
    ssnn_set_pulse_steps(&s, 3);
    s.layer[0].w.w[0] = 595;
    rpu_pulse(&s.layer[0].w, 0, 1);
    CHECK(s.layer[0].w.w[0] == 598, "one up pulse of amplitude 3 from 595 gave %d", s.layer[0].w.w[0]);
    rpu_pulse(&s.layer[0].w, 0, 1);
    CHECK(s.layer[0].w.w[0] == 600, "one up pulse of amplitude 3 from 598 gave %d (bound 600)", s.layer[0].w.w[0]);
    s.w_out.w[1] = -598;
    rpu_pulse(&s.w_out, 1, 0);
    CHECK(s.w_out.w[1] == -600, "W2 down pulse of amplitude 3 from -598 gave %d (bound -600)", s.w_out.w[1]);
    CHECK(s.layer[0].w.pulses_up == 2 && s.w_out.pulses_down == 1, "pulse counters %llu/%llu (one per coincidence)",
          (unsigned long long)s.layer[0].w.pulses_up, (unsigned long long)s.w_out.pulses_down);
    ssnn_free(&s);
}

/* bit-contract §5: on a non-ideal device, a coincidence of amplitude k is k
 * single device steps in a row, draws included. */
static void device_pulse_of_amplitude_k_is_k_single_steps(void)
{
    struct config c = tiny_config(30, 20, 2);
    c.device.step_dtod = 0.3;
    c.device.step_ctoc = 0.3;
    c.device.asymmetry = 0.2;
    c.device.soft_bounds = 1;
    struct ssnn a = make_net(&c), b = make_net(&c);
    ssnn_set_pulse_steps(&a, 4);
    size_t n = (size_t)31 * 20;
    for (size_t cell = 0; cell < n; cell++) {
        int up = (int)(cell % 3 != 0);
        rpu_pulse(&a.layer[0].w, cell, up);
        for (int i = 0; i < 4; i++) rpu_pulse(&b.layer[0].w, cell, up);
    }
    size_t differ = 0;
    for (size_t cell = 0; cell < n; cell++) differ += a.layer[0].w.w[cell] != b.layer[0].w.w[cell];
    CHECK(!differ, "amplitude-4 pulses and 4 single pulses disagree on %zu of %zu cells", differ, n);
    CHECK(!memcmp(a.layer[0].w.cell_rng, b.layer[0].w.cell_rng, n * sizeof *a.layer[0].w.cell_rng), "cell streams drew differently");
    CHECK(a.layer[0].w.pulses_up + a.layer[0].w.pulses_down == n && b.layer[0].w.pulses_up + b.layer[0].w.pulses_down == 4 * n,
          "pulse counts %llu and %llu", (unsigned long long)(a.layer[0].w.pulses_up + a.layer[0].w.pulses_down),
          (unsigned long long)(b.layer[0].w.pulses_up + b.layer[0].w.pulses_down));
    ssnn_free(&a);
    ssnn_free(&b);
}

/* One learning step from the same weights draws the same spikes whatever the
 * amplitude (streams advance per step), so amplitude k moves every cell exactly
 * k times as far as amplitude 1 (away from the bounds). */
static void amplitude_scales_a_steps_updates_by_k(void)
{
    struct config c = tiny_config(16, 12, 3);
    c.training.beta = 40;     /* enough backward spikes that W1 moves too */
    uint8_t px[16];
    for (int i = 0; i < 16; i++) px[i] = (uint8_t)(i * 17);
    int moved1 = 0, moved2 = 0;
    for (int y = 0; y < 3 && !moved1; y++) {
        struct ssnn s0 = make_net(&c), s1 = make_net(&c), s3 = make_net(&c);
        ssnn_set_pulse_steps(&s3, 3);
        ssnn_train_sample(&s1, px, y, 1, 65536);
        ssnn_train_sample(&s3, px, y, 1, 65536);
        int bad = 0;
        for (size_t i = 0; i < (size_t)17 * 12; i++) {
            int d1 = s1.layer[0].w.w[i] - s0.layer[0].w.w[i], d3 = s3.layer[0].w.w[i] - s0.layer[0].w.w[i];
            bad += d3 != 3 * d1;
            moved1 += d1 != 0;
        }
        for (size_t i = 0; i < (size_t)13 * 3; i++) {
            int d1 = s1.w_out.w[i] - s0.w_out.w[i], d3 = s3.w_out.w[i] - s0.w_out.w[i];
            bad += d3 != 3 * d1;
            moved2 += d1 != 0;
        }
        CHECK(!bad, "label %d: %d cells did not move 3x as far with amplitude 3", y, bad);
        CHECK(!memcmp(&s1.c, &s3.c, sizeof s1.c), "label %d: amplitude changed the spike counts", y);
        ssnn_free(&s0);
        ssnn_free(&s1);
        ssnn_free(&s3);
    }
    CHECK(moved1 > 0 && moved2 > 0, "no step updated both layers (W1 %d, W2 %d cells moved)", moved1, moved2);
}

/* training.membrane = rate (bit-contract §4a): the hidden membrane is the exact
 * pixel-weighted read floor(sum W1 P / 2^16), so a unit fires at sigma of the mean
 * drive, not at the mean of sigma over input spikes as the spike membrane does. */
static void rate_membrane_fires_at_sigma_of_the_pixel_weighted_sum(void)
{
    const int N = 100000;
    double rate[2];
    for (int m = 0; m < 2; m++) {
        struct config c = tiny_config(1, 1, 2);
        snprintf(c.training.membrane, sizeof c.training.membrane, "%s", m ? "rate" : "spikes");
        struct ssnn s = make_net(&c);
        s.layer[0].w.w[0] = 3000;     /* one input at p = 128 (P = 32896) */
        s.layer[0].w.w[1] = 0;        /* bias */
        uint8_t px[1] = { 128 };
        ssnn_train_sample(&s, px, 0, N, 0);       /* gate closed: weights stay */
        rate[m] = (double)s.c.hidden_spikes / N;
        ssnn_free(&s);
    }
    struct config c = tiny_config(1, 1, 2);
    struct ssnn s = make_net(&c);
    double pr = act_sigmoid(&s.act, (3000 * 32896) >> 16) / 65536.0;
    double pp = 32896 / 65536.0, ps = pp * act_sigmoid(&s.act, 3000) / 65536.0 + (1 - pp) * 0.5;
    ssnn_free(&s);
    CHECK(within(rate[1] * N, N, pr, 0), "rate membrane fires at %.4f, sigma[floor(3000 P / 2^16)] = %.4f", rate[1], pr);
    CHECK(within(rate[0] * N, N, ps, 0), "spike membrane fires at %.4f, E[sigma] = %.4f", rate[0], ps);
}

/* The rate membrane's sums follow every pulse exactly: after learning they equal
 * a fresh sum over the moved weights (what a recomputation would read). */
static void rate_membrane_sums_track_the_weights_exactly(void)
{
    struct config c = tiny_config(16, 12, 3);
    c.training.beta = 40;
    snprintf(c.training.membrane, sizeof c.training.membrane, "rate");
    struct ssnn s = make_net(&c);
    ssnn_set_pulse_steps(&s, 2);
    uint8_t px[16];
    for (int i = 0; i < 16; i++) px[i] = (uint8_t)(i * 17);
    ssnn_train_sample(&s, px, 1, 64, 65536);
    int bad = 0;
    for (int j = 0; j < 12; j++) {
        int64_t m = 0;
        for (int i = 0; i < 16; i++) m += (int64_t)s.layer[0].w.w[(size_t)i * 12 + j] * (px[i] * 257);
        bad += m != s.msum[j];
    }
    CHECK(s.c.w1_pulses > 0, "no W1 pulse in 64 learning steps");
    CHECK(!bad, "%d of 12 membrane sums differ from a recomputation after %llu W1 pulses", bad,
          (unsigned long long)s.c.w1_pulses);
    ssnn_free(&s);
}

/* Mean and variance of single-pulse steps over cells of a device, from mid-range. */
struct step_stats { double up_mean, dn_mean, up_var, cell_mean_sd; };

static struct step_stats measure_steps(const struct device_cfg *d)
{
    struct config c = tiny_config(99, 100, 2);
    c.device = *d;
    struct ssnn s = make_net(&c);
    const int cells = 100 * 100, reps = 20;
    double su = 0, sd = 0, su2 = 0, cm = 0, cm2 = 0;
    for (int cell = 0; cell < cells; cell++) {
        double cell_sum = 0;
        for (int r = 0; r < reps; r++) {
            s.layer[0].w.w[cell] = 0;
            rpu_pulse(&s.layer[0].w, (size_t)cell, 1);
            double u = s.layer[0].w.w[cell];
            s.layer[0].w.w[cell] = 0;
            rpu_pulse(&s.layer[0].w, (size_t)cell, 0);
            double dn = -s.layer[0].w.w[cell];
            su += u;
            su2 += u * u;
            sd += dn;
            cell_sum += u;
        }
        cm += cell_sum / reps;
        cm2 += (cell_sum / reps) * (cell_sum / reps);
    }
    double n = (double)cells * reps;
    struct step_stats st = { su / n, sd / n, su2 / n - (su / n) * (su / n), 0 };
    st.cell_mean_sd = sqrt(cm2 / cells - (cm / cells) * (cm / cells));
    ssnn_free(&s);
    return st;
}

static struct device_cfg ideal_device(void)
{
    struct device_cfg d;
    memset(&d, 0, sizeof d);
    d.dw_min = 0.001;
    d.w_max = 0.6;
    return d;
}

/* Initial states of W1 under a device, to check an option leaves them alone. */
static int same_initial_weights(const struct device_cfg *d)
{
    struct config a = tiny_config(50, 40, 3), b = a;
    b.device = *d;
    struct ssnn x = make_net(&a), y = make_net(&b);
    int same = !memcmp(x.layer[0].w.w, y.layer[0].w.w, (size_t)51 * 40 * 2) && !memcmp(x.w_out.w, y.w_out.w, (size_t)41 * 3 * 2);
    ssnn_free(&x);
    ssnn_free(&y);
    return same;
}

static void device_asymmetry_changes_up_and_down_steps_only(void)
{
    struct device_cfg d = ideal_device();
    d.asymmetry = 0.4;
    struct step_stats s = measure_steps(&d);
    CHECK(fabs(s.up_mean - 1.2) < 0.02 && fabs(s.dn_mean - 0.8) < 0.02, "up %.3f down %.3f, want 1.2/0.8",
          s.up_mean, s.dn_mean);
    CHECK(s.cell_mean_sd < 0.15, "asymmetry alone made cells differ: sd of cell means %.3f", s.cell_mean_sd);
    CHECK(same_initial_weights(&d), "asymmetry changed the initial weights");
}

static void device_step_dtod_varies_cells_not_pulses(void)
{
    struct device_cfg d = ideal_device();
    d.step_dtod = 0.3;
    struct step_stats s = measure_steps(&d);
    CHECK(fabs(s.up_mean - 1.0) < 0.02, "mean up step %.3f, want 1", s.up_mean);
    /* Per-cell means spread by ~0.3 (plus the rounding noise of 20 pulses). */
    CHECK(s.cell_mean_sd > 0.25 && s.cell_mean_sd < 0.4, "sd of cell means %.3f, want ~0.3", s.cell_mean_sd);
    CHECK(same_initial_weights(&d), "step variation changed the initial weights");
}

static void device_step_ctoc_varies_pulses_around_one(void)
{
    struct device_cfg d = ideal_device();
    d.step_ctoc = 0.3;
    struct step_stats s = measure_steps(&d);
    CHECK(fabs(s.up_mean - 1.0) < 0.02 && fabs(s.dn_mean - 1.0) < 0.02, "mean steps %.3f/%.3f, want 1",
          s.up_mean, s.dn_mean);
    CHECK(s.up_var > 0.05, "pulse-to-pulse variance %.3f: no cycle-to-cycle variation", s.up_var);
    CHECK(s.cell_mean_sd < 0.15, "cycle-to-cycle variation made cells differ: %.3f", s.cell_mean_sd);
    CHECK(same_initial_weights(&d), "cycle-to-cycle variation changed the initial weights");
}

static void device_bound_dtod_moves_bounds_only(void)
{
    struct device_cfg d = ideal_device();
    d.bound_dtod = 0.3;
    struct config c = tiny_config(99, 100, 2);
    c.device = d;
    struct ssnn s = make_net(&c);
    double m = 0, m2 = 0;
    const int cells = 100 * 100;
    for (int i = 0; i < cells; i++) {
        m += s.layer[0].w.b_up[i];
        m2 += (double)s.layer[0].w.b_up[i] * s.layer[0].w.b_up[i];
    }
    m /= cells;
    double sd = sqrt(m2 / cells - m * m);
    CHECK(fabs(m - 600) < 10 && fabs(sd - 180) < 15, "upper bounds mean %.1f sd %.1f, want 600 / 180", m, sd);
    int over = 0;
    for (int i = 0; i < cells; i++) {
        for (int r = 0; r < 2000 && s.layer[0].w.w[i] < s.layer[0].w.b_up[i]; r++) rpu_pulse(&s.layer[0].w, (size_t)i, 1);
        over += s.layer[0].w.w[i] != s.layer[0].w.b_up[i];
    }
    CHECK(over == 0, "%d cells did not stop exactly at their own bound", over);
    struct step_stats st = measure_steps(&d);
    CHECK(fabs(st.up_mean - 1.0) < 0.01 && st.up_var < 1e-9, "bound variation changed steps: %.3f var %.3g",
          st.up_mean, st.up_var);
    ssnn_free(&s);
}

static void device_soft_bounds_shrink_steps_towards_the_bound(void)
{
    struct device_cfg d = ideal_device();
    d.soft_bounds = 1;
    struct config c = tiny_config(99, 100, 2);
    c.device = d;
    struct ssnn s = make_net(&c);
    double near = 0, mid = 0;
    for (int i = 0; i < 10000; i++) {
        s.layer[0].w.w[i] = 450;                 /* step expected 1 - 450/600 = 0.25 */
        rpu_pulse(&s.layer[0].w, (size_t)i, 1);
        near += s.layer[0].w.w[i] - 450;
        s.layer[0].w.w[i] = 0;
        rpu_pulse(&s.layer[0].w, (size_t)i, 1);
        mid += s.layer[0].w.w[i];
    }
    CHECK(fabs(near / 10000 - 0.25) < 0.02 && fabs(mid / 10000 - 1.0) < 0.02,
          "soft-bound steps: %.3f at 450, %.3f at 0 (want 0.25, 1)", near / 10000, mid / 10000);
    int16_t v = 0;
    s.layer[0].w.w[0] = 0;
    for (int r = 0; r < 20000; r++) rpu_pulse(&s.layer[0].w, 0, 1);
    v = s.layer[0].w.w[0];
    CHECK(v <= 600 && v > 550, "after 20000 up pulses: %d (bound 600, approached asymptotically)", v);
    CHECK(same_initial_weights(&d), "soft bounds changed the initial weights");
    ssnn_free(&s);
}

static void device_read_noise_perturbs_reads_not_weights(void)
{
    struct device_cfg d = ideal_device();
    d.read_noise = 0.2;
    CHECK(same_initial_weights(&d), "read noise changed the initial weights");
    struct step_stats st = measure_steps(&d);
    CHECK(st.up_mean == 1.0 && st.dn_mean == 1.0, "read noise changed pulse steps: %.3f/%.3f", st.up_mean,
          st.dn_mean);
    /* Output 0 leads by 0.5 in weight units: noise of 0.2 per read flattens the softmax a little. */
    int won[2] = { 0, 0 };
    for (int noisy = 0; noisy < 2; noisy++) {
        struct config c = tiny_config(2, 2, 2);
        if (noisy) c.device = d;
        struct ssnn s = make_net(&c);
        memset(s.w_out.w, 0, sizeof(int16_t) * 6);
        s.w_out.w[2 * 2 + 0] = 500;
        struct ssnn_streams stm;
        ssnn_streams_alloc(&stm, &s);
        ssnn_streams_seed(&stm, &s, RNG_EVAL);
        uint32_t wins[2];
        uint8_t px[2] = { 0, 0 };
        ssnn_infer_wta(&s, &stm, px, 100000, wins);
        won[noisy] = (int)wins[0];
        ssnn_streams_free(&stm);
        ssnn_free(&s);
    }
    double p = 1 / (1 + exp(-0.5));
    CHECK(within(won[0], 100000, p, 1e-4), "noiseless: output 0 won %d, expected %.0f", won[0], 1e5 * p);
    CHECK(won[1] != won[0], "read noise changed no WTA decision");
}

/* ---- end-to-end on a generated dataset ----------------------------------- */

static char tmpdir[256];

/* Four classes of 8x8 images: a bar in one of four places, plus noise. */
static int load_bars(struct config *cfg, const char *file, const char *extra)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    /* Dataset paths in the file are relative to the working directory: run in tmpdir. */
    struct config_override ov[3] = { { "training.epochs=3", NULL, 0, 0, 0 },
                                     { "training.T=8", NULL, 0, 0, 0 }, { extra, NULL, 0, 0, 0 } };
    if (config_load(path, ov, extra ? 3 : 2, cfg, err, sizeof err)) {
        printf("config: %s\n", err);
        return -1;
    }
    return 0;
}

static struct run_summary train_bars_file(const char *file, const char *extra, const char *ckpt,
                                          const char *resume, const char *out)
{
    static struct config cfg;
    struct run_summary sum;
    memset(&sum, 0, sizeof sum);
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd) || load_bars(&cfg, file, extra)) return sum;
    if (chdir(tmpdir)) return sum;
    struct run_opts o = { .engine = "golden", .quiet = 1, .checkpoint = ckpt, .resume = resume, .out = out };
    int rc = train_run(&cfg, &o, &sum);
    if (chdir(cwd)) exit(1);
    if (rc) printf("train_run returned %d\n", rc);
    return sum;
}

static struct run_summary train_bars(const char *extra, const char *ckpt, const char *resume,
                                     const char *out)
{
    return train_bars_file("bars.yaml", extra, ckpt, resume, out);
}

static void learns_a_small_generated_dataset(void)
{
    struct run_summary s = train_bars(NULL, NULL, NULL, NULL);
    CHECK(s.epochs_done == 3, "epochs done %d", s.epochs_done);
    CHECK(s.test_rate > 0.9 && s.test_wta > 0.9, "test accuracy rate %.3f wta %.3f (chance 0.25)", s.test_rate,
          s.test_wta);
    CHECK(s.ann_test > 0.9, "ANN baseline %.3f", s.ann_test);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(1 << 20);
    *n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void same_seed_gives_byte_identical_results(void)
{
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a.json", tmpdir);
    snprintf(b, sizeof b, "%s/b.json", tmpdir);
    struct run_summary x = train_bars(NULL, NULL, NULL, a), y = train_bars(NULL, NULL, NULL, b);
    struct run_summary z = train_bars("training.seed=8", NULL, NULL, NULL);
    CHECK(!strcmp(x.weights_sha256, y.weights_sha256), "same seed, different weights: %s vs %s",
          x.weights_sha256, y.weights_sha256);
    CHECK(strcmp(x.weights_sha256, z.weights_sha256), "seed 7 and 8 gave the same weights");
    size_t na, nb;
    char *ta = slurp(a, &na), *tb = slurp(b, &nb);
    CHECK(ta && tb && na == nb && !memcmp(ta, tb, na), "result files differ (%zu vs %zu bytes)", na, nb);
    CHECK(ta && strstr(ta, x.weights_sha256), "result file lacks the weights hash");
    free(ta);
    free(tb);
}

static void resume_reaches_the_same_weights(void)
{
    char ck[600];
    snprintf(ck, sizeof ck, "%s/run.ckpt", tmpdir);
    struct run_summary full = train_bars(NULL, NULL, NULL, NULL);
    /* Stop after one epoch, then resume to three. */
    struct run_summary part = train_bars("training.epochs=1", ck, NULL, NULL);
    struct run_summary rest = train_bars(NULL, ck, ck, NULL);
    CHECK(part.epochs_done == 1 && rest.epochs_done == 3, "epochs %d then %d", part.epochs_done,
          rest.epochs_done);
    CHECK(!strcmp(full.weights_sha256, rest.weights_sha256), "resumed %s, uninterrupted %s",
          rest.weights_sha256, full.weights_sha256);
    CHECK(strcmp(part.weights_sha256, full.weights_sha256), "one epoch already gave the final weights");
}

/* An amplitude schedule changes the run, learns, and resumes to the same weights
 * (the amplitude of an epoch comes from the config, not from the checkpoint). */
static void pulse_schedule_learns_and_resumes_to_the_same_weights(void)
{
    char path[600], ck[600];
    snprintf(path, sizeof path, "%s/bars-pulse.yaml", tmpdir);
    snprintf(ck, sizeof ck, "%s/pulse.ckpt", tmpdir);
    FILE *f = fopen(path, "w");
    if (!f) { CHECK(0, "cannot write %s", path); return; }
    fprintf(f, "extends: bars.yaml\ntraining:\n  pulse_steps: [3, 2, 1]\n");
    fclose(f);
    struct run_summary plain = train_bars(NULL, NULL, NULL, NULL);
    struct run_summary full = train_bars_file("bars-pulse.yaml", NULL, NULL, NULL, NULL);
    struct run_summary part = train_bars_file("bars-pulse.yaml", "training.epochs=2", ck, NULL, NULL);
    struct run_summary rest = train_bars_file("bars-pulse.yaml", NULL, ck, ck, NULL);
    CHECK(strcmp(plain.weights_sha256, full.weights_sha256), "pulse_steps [3, 2, 1] gave the default weights");
    CHECK(full.test_rate > 0.9 && full.ann_test > 0.9, "with the schedule: rate %.3f, ANN %.3f (chance 0.25)",
          full.test_rate, full.ann_test);
    CHECK(part.epochs_done == 2 && rest.epochs_done == 3 && !strcmp(full.weights_sha256, rest.weights_sha256),
          "resumed %s after %d+%d epochs, uninterrupted %s", rest.weights_sha256, part.epochs_done,
          rest.epochs_done, full.weights_sha256);
}

/* CPU seconds (user + system) process pid has used so far, from /proc; -1 when gone. */
static double cpu_seconds_of(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')');     /* the name may hold spaces; fields 3.. follow it */
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double cpu_of(const struct rusage *r)
{
    return (double)(r->ru_utime.tv_sec + r->ru_stime.tv_sec) + 1e-6 * (double)(r->ru_utime.tv_usec + r->ru_stime.tv_usec);
}

/* Runs the CLI on the generated dataset inside tmpdir. With interrupt_at_cpu > 0 it
 * sends SIGINT once the run has used that many CPU seconds: a point inside the run
 * on a fast machine, a slow one or a sanitizer build alike, where a wall-clock delay
 * either came before training started or after it ended. Returns the exit status
 * (128 + signal for a crash) and, in *cpu, the CPU seconds the run used. */
static int cli(const char *args, double interrupt_at_cpu, double *cpu)
{
    const char *bin = getenv("SSNNSIM") ? getenv("SSNNSIM") : "build/ssnnsim";
    char cwd[512], exe[1024], cmd[2400];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    if (bin[0] == '/') snprintf(exe, sizeof exe, "%s", bin);
    else snprintf(exe, sizeof exe, "%s/%s", cwd, bin);
    snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s' train bars.yaml --quiet %s", tmpdir, exe, args);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int st = 0, signalled = 0;
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    const struct timespec ms = { 0, 1000 * 1000 };
    while (waitpid(pid, &st, WNOHANG) != pid) {
        if (interrupt_at_cpu > 0 && !signalled && cpu_seconds_of(pid) >= interrupt_at_cpu) {
            kill(pid, SIGINT);
            signalled = 1;
        }
        nanosleep(&ms, NULL);
    }
    getrusage(RUSAGE_CHILDREN, &after);
    if (cpu) *cpu = cpu_of(&after) - cpu_of(&before);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *json_sha(const char *path, char out[65])
{
    size_t n;
    char *t = slurp(path, &n);
    out[0] = 0;
    if (!t) return out;
    t[n < (1 << 20) ? n : (1 << 20) - 1] = 0;
    char *p = strstr(t, "\"weights_sha256\": \"");
    if (p) snprintf(out, 65, "%s", p + 19);
    free(t);
    return out;
}

static void interrupted_run_checkpoints_and_resumes_to_the_same_weights(void)
{
    const char *common = "--set training.epochs=30 --set training.T=32";
    char args[600], full[65], resumed[65];
    double full_cpu = 0;
    snprintf(args, sizeof args, "%s --out full.json", common);
    CHECK(cli(args, 0, &full_cpu) == 0, "uninterrupted run failed");
    char fp[600];
    snprintf(fp, sizeof fp, "%s/full.json", tmpdir);
    json_sha(fp, full);
    char ckpt[600];
    snprintf(ckpt, sizeof ckpt, "%s/int.ckpt", tmpdir);
    /* The signal halfway through the uninterrupted run's CPU time (start-up is a few
     * milliseconds of it); a run that still finished first (this process starved of
     * CPU while it ran) is tried again with an earlier signal. */
    static const double at[] = { 0.5, 0.3, 0.15 };
    int interrupted = 0, rc = -1;
    for (int attempt = 0; attempt < 3 && !interrupted; attempt++) {
        unlink(ckpt);
        snprintf(args, sizeof args, "%s --checkpoint int.ckpt", common);
        rc = cli(args, at[attempt] * full_cpu, NULL);
        interrupted = rc == 128 + 2 && access(ckpt, F_OK) == 0;
    }
    CHECK(interrupted, "the run was not interrupted with a checkpoint: exit %d (130 expected), checkpoint %s; "
          "the uninterrupted run took %.3f CPU-s", rc, access(ckpt, F_OK) ? "missing" : "written", full_cpu);
    snprintf(args, sizeof args, "%s --resume int.ckpt --checkpoint int.ckpt --out resumed.json", common);
    CHECK(cli(args, 0, NULL) == 0, "resume failed");
    snprintf(fp, sizeof fp, "%s/resumed.json", tmpdir);
    json_sha(fp, resumed);
    CHECK(full[0] && !strcmp(full, resumed), "uninterrupted %s, interrupted+resumed %s", full, resumed);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ssnn-test-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd) || bars_write(tmpdir, "train", 400, 1) || bars_write(tmpdir, "test", 100, 3) ||
        bars_workload(tmpdir, cwd, "{}"))
        return 1;
    RUN(derivative_unit_fires_with_sigma_times_one_minus_sigma);
    RUN(wta_winner_is_a_softmax_sample);
    RUN(error_streams_average_softmax_minus_label);
    RUN(expected_update_is_the_exact_expectation_and_descends);
    RUN(ideal_pulse_moves_one_state_and_stops_at_the_bound);
    RUN(pulse_amplitude_moves_k_states_and_stops_at_the_bound);
    RUN(device_pulse_of_amplitude_k_is_k_single_steps);
    RUN(amplitude_scales_a_steps_updates_by_k);
    RUN(rate_membrane_fires_at_sigma_of_the_pixel_weighted_sum);
    RUN(rate_membrane_sums_track_the_weights_exactly);
    RUN(device_asymmetry_changes_up_and_down_steps_only);
    RUN(device_step_dtod_varies_cells_not_pulses);
    RUN(device_step_ctoc_varies_pulses_around_one);
    RUN(device_bound_dtod_moves_bounds_only);
    RUN(device_soft_bounds_shrink_steps_towards_the_bound);
    RUN(device_read_noise_perturbs_reads_not_weights);
    RUN(learns_a_small_generated_dataset);
    RUN(same_seed_gives_byte_identical_results);
    RUN(resume_reaches_the_same_weights);
    RUN(pulse_schedule_learns_and_resumes_to_the_same_weights);
    RUN(interrupted_run_checkpoints_and_resumes_to_the_same_weights);
    if (scratch_remove_tree(tmpdir)) return 1;
    CHECK_DONE();
}
