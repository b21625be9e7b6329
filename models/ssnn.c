/* SSNN-BP golden model (SSNN-BP.md; the bit-level contract is docs/bit-contract.md,
 * whose section numbers the comments cite). One call of step() is one time step:
 * every read sees the weights as they were at the start of the step and every
 * update lands at its end (§4), which is what lets other engines evaluate the
 * same step in any order and agree bit for bit.
 *
 * Speed comes from sparsity: spikes are index lists, a forward read adds only the
 * rows of the inputs that fired, an update touches only coincident cells. */
#include "ssnn.h"
#include "config.h"
#include "hot_clones.h"
#include "rng.h"
#include "sha256.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRAD_NEG 0x80000000u   /* marks a g- spike in the gradient list */

static void *xcalloc(size_t n, size_t sz, int *bad)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) *bad = 1;
    return p;
}

int ssnn_streams_alloc(struct ssnn_streams *st, const struct ssnn *s)
{
    int bad = 0;
    memset(st, 0, sizeof *st);
    st->in = xcalloc((size_t)s->n_in, 4, &bad);
    st->fwd = xcalloc((size_t)s->n_h, 4, &bad);
    st->deriv = xcalloc((size_t)s->n_h, 4, &bad);
    st->back = xcalloc((size_t)s->n_h, 4, &bad);
    if (s->noise_k) {
        st->noise_h = xcalloc((size_t)s->n_h, 4, &bad);
        st->noise_o = xcalloc((size_t)s->n_out, 4, &bad);
        st->noise_b = xcalloc((size_t)s->n_h, 4, &bad);
    }
    return bad ? -1 : 0;
}

void ssnn_streams_free(struct ssnn_streams *st)
{
    free(st->in);
    free(st->fwd);
    free(st->deriv);
    free(st->back);
    free(st->noise_h);
    free(st->noise_o);
    free(st->noise_b);
    memset(st, 0, sizeof *st);
}

/* §2: every unit's stream from (run seed, domain, kind, unit index). */
void ssnn_streams_seed(struct ssnn_streams *st, const struct ssnn *s, int dom)
{
    for (int i = 0; i < s->n_in; i++) st->in[i] = rng_seed(s->seed, dom, RNG_INPUT, (uint64_t)i);
    for (int j = 0; j < s->n_h; j++) {
        st->fwd[j] = rng_seed(s->seed, dom, RNG_HID_FWD, (uint64_t)j);
        st->deriv[j] = rng_seed(s->seed, dom, RNG_HID_DERIV, (uint64_t)j);
        st->back[j] = rng_seed(s->seed, dom, RNG_HID_BACK, (uint64_t)j);
    }
    if (s->noise_k) {
        for (int j = 0; j < s->n_h; j++) {
            st->noise_h[j] = rng_seed(s->seed, dom, RNG_NOISE_HID, (uint64_t)j);
            st->noise_b[j] = rng_seed(s->seed, dom, RNG_NOISE_BACK, (uint64_t)j);
        }
        for (int k = 0; k < s->n_out; k++) st->noise_o[k] = rng_seed(s->seed, dom, RNG_NOISE_OUT, (uint64_t)k);
    }
    st->wta = rng_seed(s->seed, dom, RNG_WTA, 0);
    st->gate = rng_seed(s->seed, dom, RNG_GATE, 0);
}

int ssnn_init(struct ssnn *s, const struct config *cfg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->n_in = cfg->network.input;
    s->n_h = cfg->network.hidden;
    s->n_out = cfg->network.output;
    s->seed = (uint64_t)cfg->training.seed;
    s->dw_min = cfg->device.dw_min;
    const struct device_cfg *d = &cfg->device;
    rpu_params_init(&s->rp, d);
    /* §5: p_b = min(1, beta * |r| * dw_min) in q0.16, as |r| * beta_q >> 32. */
    s->beta_q = (uint64_t)llround(cfg->training.beta * d->dw_min * 65536.0 * 4294967296.0);
    /* §3: read noise in states per Irwin-Hall unit, q16. */
    s->noise_k = llround(d->read_noise / d->dw_min / RNG_IH_STD * 65536.0);
    s->rate_membrane = !strcmp(cfg->training.membrane, "rate");
    /* Glorot-uniform limits (§6); biases start at zero. */
    double l1 = sqrt(6.0 / (s->n_in + s->n_h)), l2 = sqrt(6.0 / (s->n_h + s->n_out));
    if (rpu_init(&s->w1, &s->rp, d, s->n_in + 1, s->n_h, 0, 0, s->n_h, l1, s->seed,
                 RNG_INIT_W1, RNG_CELL_W1) ||
        rpu_init(&s->w2, &s->rp, d, s->n_h + 1, s->n_out, 0, 0, s->n_out, l2, s->seed,
                 RNG_INIT_W2, RNG_CELL_W2) ||
        activation_init(&s->act, d->dw_min) || ssnn_streams_alloc(&s->train, s)) {
        snprintf(err, errlen, "out of memory building a %d-%d-%d network", s->n_in, s->n_h, s->n_out);
        ssnn_free(s);
        return -1;
    }
    for (int j = 0; j < s->n_h; j++) s->w1.w[(size_t)s->n_in * s->n_h + j] = 0;
    for (int k = 0; k < s->n_out; k++) s->w2.w[(size_t)s->n_h * s->n_out + k] = 0;
    ssnn_streams_seed(&s->train, s, RNG_TRAIN);
    int bad = 0;
    s->pq = xcalloc((size_t)s->n_in, sizeof *s->pq, &bad);
    s->bits = xcalloc((size_t)(s->n_in > s->n_h ? s->n_in : s->n_h), 1, &bad);
    s->xs = xcalloc((size_t)s->n_in + 1, sizeof *s->xs, &bad);
    s->acc = xcalloc((size_t)s->n_h, sizeof *s->acc, &bad);
    s->h = xcalloc((size_t)s->n_h, 1, &bad);
    s->d = xcalloc((size_t)s->n_h, 1, &bad);
    s->hs = xcalloc((size_t)s->n_h + 1, sizeof *s->hs, &bad);
    s->gs = xcalloc((size_t)s->n_h, sizeof *s->gs, &bad);
    s->v = xcalloc((size_t)s->n_out, sizeof *s->v, &bad);
    s->msum = xcalloc((size_t)s->n_h, sizeof *s->msum, &bad);
    s->wf = xcalloc((size_t)(s->n_in + 1) * (size_t)s->n_h, sizeof *s->wf, &bad);
    if (bad) {
        snprintf(err, errlen, "out of memory building a %d-%d-%d network", s->n_in, s->n_h, s->n_out);
        ssnn_free(s);
        return -1;
    }
    return 0;
}

void ssnn_free(struct ssnn *s)
{
    rpu_free(&s->w1);
    rpu_free(&s->w2);
    activation_free(&s->act);
    ssnn_streams_free(&s->train);
    free(s->pq);
    free(s->bits);
    free(s->xs);
    free(s->acc);
    free(s->h);
    free(s->d);
    free(s->hs);
    free(s->gs);
    free(s->v);
    free(s->msum);
    free(s->wf);
    memset(s, 0, sizeof *s);
}

/* §4a: the rate membrane's exact sums M_j = sum_i W1[i][j] * P_i for the
 * sample's pixels (the weights as they are now). */
static void rate_sums(struct ssnn *s)
{
    const int nh = s->n_h;
    int64_t *m = s->msum;
    memset(m, 0, (size_t)nh * sizeof *m);
    for (int i = 0; i < s->n_in; i++) {
        int64_t p = s->pq[i];
        if (!p) continue;
        const int16_t *row = s->w1.w + (size_t)i * nh;
        for (int j = 0; j < nh; j++) m[j] += p * row[j];
    }
}

/* §1: pixel p (0..255) fires with probability p * 257 / 65536. */
static void set_input(struct ssnn *s, const uint8_t *pixels)
{
    for (int i = 0; i < s->n_in; i++) s->pq[i] = (uint16_t)(pixels[i] * 257u);
    if (s->rate_membrane) rate_sums(s);
}

static inline int32_t read_noise(int64_t k, uint32_t *st)
{
    return (int32_t)((k * rng_irwin_hall(st)) >> 16);
}

/* §1: every input unit draws once per step; returns the active count (+ bias). */
static int draw_inputs(struct ssnn *s, struct ssnn_streams *st)
{
    uint32_t *rs = st->in;
    const uint16_t *pq = s->pq;
    uint8_t *bits = s->bits;
    for (int i = 0; i < s->n_in; i++) bits[i] = rng_u16(&rs[i]) < pq[i];
    int n = 0;
    for (int i = 0; i < s->n_in; i++)
        if (bits[i]) s->xs[n++] = i;
    s->xs[n] = s->n_in;     /* the always-on bias row */
    return n;
}

/* §2-3: membranes of the hidden layer from the active rows of W1, or (§4a, rate
 * membrane) from the exact pixel-weighted sums. */
static void forward_hidden(struct ssnn *s, struct ssnn_streams *st, int nx)
{
    const int nh = s->n_h;
    int32_t *acc = s->acc;
    const int16_t *bias = s->w1.w + (size_t)s->n_in * nh;
    if (s->rate_membrane) {
        for (int j = 0; j < nh; j++) acc[j] = bias[j] + (int32_t)(s->msum[j] >> 16);
    } else {
        for (int j = 0; j < nh; j++) acc[j] = bias[j];
        for (int a = 0; a < nx; a++) {
            const int16_t *row = s->w1.w + (size_t)s->xs[a] * nh;
            for (int j = 0; j < nh; j++) acc[j] += row[j];
        }
    }
    if (s->noise_k)
        for (int j = 0; j < nh; j++) acc[j] += read_noise(s->noise_k, &st->noise_h[j]);
}

/* §3: forward and derivative units of every hidden neuron. Returns active count. */
static int fire_hidden(struct ssnn *s, struct ssnn_streams *st, int learn)
{
    const int nh = s->n_h;
    uint8_t *h = s->h, *d = s->d;
    for (int j = 0; j < nh; j++) {
        uint32_t p = act_sigmoid(&s->act, s->acc[j]);
        h[j] = rng_u16(&st->fwd[j]) < p;
        if (learn) d[j] = h[j] & (rng_u16(&st->deriv[j]) >= p);
    }
    int n = 0;
    for (int j = 0; j < nh; j++)
        if (h[j]) s->hs[n++] = j;
    s->hs[n] = nh;
    return n;
}

/* §4: output membranes and the WTA draw: an inverse-CDF sample of the softmax
 * realised with the exp table. Returns the winner. */
static int forward_output(struct ssnn *s, struct ssnn_streams *st, int nhs)
{
    const int no = s->n_out;
    int32_t *v = s->v;
    const int16_t *w2 = s->w2.w;
    for (int k = 0; k < no; k++) v[k] = w2[(size_t)s->n_h * no + k];
    for (int a = 0; a < nhs; a++) {
        const int16_t *row = w2 + (size_t)s->hs[a] * no;
        for (int k = 0; k < no; k++) v[k] += row[k];
    }
    if (s->noise_k)
        for (int k = 0; k < no; k++) v[k] += read_noise(s->noise_k, &st->noise_o[k]);
    int32_t vmax = v[0];
    for (int k = 1; k < no; k++)
        if (v[k] > vmax) vmax = v[k];
    uint32_t e[1024];
    uint64_t total = 0;
    for (int k = 0; k < no; k++) total += e[k] = act_exp(&s->act, vmax - v[k]);
    uint64_t thr = ((uint64_t)xorshift32(&st->wta) * total) >> 32;
    uint64_t cum = 0;
    for (int k = 0; k < no; k++) {
        cum += e[k];
        if (cum > thr) return k;
    }
    return no - 1;   /* unreachable: cum reaches total > thr */
}

/* §5: backward read of W2 driven by e+ at `o` and e- at `y`, the backward spike
 * draws, and the gradient gates. Fills s->gs; returns its length. */
static int backward(struct ssnn *s, struct ssnn_streams *st, int o, int y, int err)
{
    const int nh = s->n_h, no = s->n_out;
    const int16_t *w2 = s->w2.w;
    int ng = 0;
    for (int j = 0; j < nh; j++) {
        uint32_t u = rng_u16(&st->back[j]);
        int32_t z = s->noise_k ? read_noise(s->noise_k, &st->noise_b[j]) : 0;
        if (!err) continue;
        int32_t r = (int32_t)w2[(size_t)j * no + o] - w2[(size_t)j * no + y] + z;
        uint64_t mag = (uint64_t)(r < 0 ? -(int64_t)r : r);
        uint64_t pb = (mag * s->beta_q) >> 32;
        if (pb > 65535) pb = 65535;
        if (u >= pb) continue;
        if (r > 0) s->c.back_pos++;
        else s->c.back_neg++;
        if (!s->d[j]) continue;
        s->gs[ng++] = (int32_t)((uint32_t)j | (r > 0 ? 0 : GRAD_NEG));
    }
    if (err) s->c.syn_ops_back += 2u * (uint64_t)nh;
    return ng;
}

/* §6: coincidence updates, all at the end of the step. */
static void update(struct ssnn *s, int o, int y, int nhs, int nx, int ng)
{
    const int nh = s->n_h, no = s->n_out;
    for (int a = 0; a <= nhs; a++) {          /* h_j AND e+_o: down; h_j AND e-_y: up */
        size_t row = (size_t)s->hs[a] * no;
        rpu_pulse(&s->w2, row + (size_t)o, 0);
        rpu_pulse(&s->w2, row + (size_t)y, 1);
    }
    s->c.w2_pulses += 2u * (uint64_t)(nhs + 1);
    for (int g = 0; g < ng; g++) {            /* x_i AND g+_j: down; x_i AND g-_j: up */
        uint32_t gj = (uint32_t)s->gs[g];
        size_t j = gj & ~GRAD_NEG;
        int up = (gj & GRAD_NEG) != 0;
        if (!s->rate_membrane) {
            for (int a = 0; a <= nx; a++) rpu_pulse(&s->w1, (size_t)s->xs[a] * nh + j, up);
            continue;
        }
        /* §4a: keep M_j exact as its weights move (the bias row is read directly). */
        for (int a = 0; a <= nx; a++) {
            size_t cell = (size_t)s->xs[a] * nh + j;
            int16_t before = s->w1.w[cell];
            rpu_pulse(&s->w1, cell, up);
            if (s->xs[a] < s->n_in) s->msum[j] += (int64_t)(s->w1.w[cell] - before) * s->pq[s->xs[a]];
        }
    }
    s->c.w1_pulses += (uint64_t)ng * (uint64_t)(nx + 1);
}

/* One time step (§4 gives the order). label < 0: learning off. */
static int step(struct ssnn *s, struct ssnn_streams *st, int label, uint32_t gate_q)
{
    int learn = label >= 0;
    int nx = draw_inputs(s, st);
    forward_hidden(s, st, nx);
    int nhs = fire_hidden(s, st, learn);
    int o = forward_output(s, st, nhs);
    s->c.steps++;
    s->c.input_spikes += (uint64_t)nx;
    s->c.hidden_spikes += (uint64_t)nhs;
    s->c.output_spikes++;
    s->c.syn_ops_w1 += (uint64_t)(nx + 1) * (uint64_t)s->n_h;
    s->c.syn_ops_w2 += (uint64_t)(nhs + 1) * (uint64_t)s->n_out;
    s->c.rng_draws += (uint64_t)s->n_in + (uint64_t)s->n_h + 1;
    if (s->noise_k) s->c.rng_draws += (uint64_t)s->n_h + (uint64_t)s->n_out;
    if (!learn) return o;
    for (int j = 0; j < s->n_h; j++) s->c.deriv_spikes += s->d[j];
    int gate_open = rng_u16(&st->gate) < gate_q;
    int err = gate_open && o != label;
    s->c.gate_closed += !gate_open;
    s->c.rng_draws += 2u * (uint64_t)s->n_h + 1 + (s->noise_k ? (uint64_t)s->n_h : 0);
    int ng = backward(s, st, o, label, err);
    if (!err) return o;
    s->c.err_pos++;
    s->c.err_neg++;
    for (int g = 0; g < ng; g++) {
        if ((uint32_t)s->gs[g] & GRAD_NEG) s->c.grad_neg++;
        else s->c.grad_pos++;
    }
    update(s, o, label, nhs, nx, ng);
    return o;
}

static int most_wins(const uint32_t *wins, int n)
{
    int best = 0;
    for (int k = 1; k < n; k++)
        if (wins[k] > wins[best]) best = k;
    return best;
}

HOT_CLONES int ssnn_train_sample(struct ssnn *s, const uint8_t *pixels, int label, int T, uint32_t gate_q)
{
    uint32_t wins[1024] = { 0 };
    set_input(s, pixels);
    for (int t = 0; t < T; t++) wins[step(s, &s->train, label, gate_q)]++;
    s->c.samples++;
    return most_wins(wins, s->n_out);
}

void ssnn_set_pulse_steps(struct ssnn *s, int k)
{
    rpu_set_pulse_steps(&s->w1, k);
    rpu_set_pulse_steps(&s->w2, k);
}

HOT_CLONES int ssnn_infer_wta(struct ssnn *s, struct ssnn_streams *st, const uint8_t *pixels, int T,
                   uint32_t *wins)
{
    /* Inference must not disturb the training counters. */
    struct ssnn_counters saved = s->c;
    set_input(s, pixels);
    memset(wins, 0, (size_t)s->n_out * sizeof *wins);
    for (int t = 0; t < T; t++) wins[step(s, st, -1, 0)]++;
    /* What it counted goes to its own account, as the chip's does. */
    uint64_t *in = (uint64_t *)&s->infer;
    const uint64_t *now = (const uint64_t *)&s->c, *was = (const uint64_t *)&saved;
    for (size_t i = 0; i < sizeof saved / sizeof(uint64_t); i++) in[i] += now[i] - was[i];
    s->c = saved;
    s->infer.samples++;
    return most_wins(wins, s->n_out);
}

void ssnn_rate_prepare(struct ssnn *s)
{
    size_t n = (size_t)(s->n_in + 1) * (size_t)s->n_h;
    for (size_t i = 0; i < n; i++) s->wf[i] = (float)s->w1.w[i];
}

int ssnn_infer_rate(const struct ssnn *s, const uint8_t *pixels, float *h)
{
    const int nh = s->n_h, no = s->n_out;
    const float dw = (float)s->dw_min;
    const float *bias = s->wf + (size_t)s->n_in * nh;
    for (int j = 0; j < nh; j++) h[j] = bias[j] * 255.0f;
    for (int i = 0; i < s->n_in; i++) {
        if (!pixels[i]) continue;
        const float *row = s->wf + (size_t)i * nh;
        float p = (float)pixels[i];
        for (int j = 0; j < nh; j++) h[j] += p * row[j];
    }
    float scale = dw / 255.0f;
    for (int j = 0; j < nh; j++) h[j] = 1.0f / (1.0f + expf(-h[j] * scale));
    int best = 0;
    float vbest = -INFINITY;
    for (int k = 0; k < no; k++) {
        float v = (float)s->w2.w[(size_t)nh * no + k];
        for (int j = 0; j < nh; j++) v += h[j] * (float)s->w2.w[(size_t)j * no + k];
        if (v > vbest) { vbest = v; best = k; }
    }
    return best;
}

void ssnn_weights_sha256(const struct ssnn *s, char hex[65])
{
    struct sha256 h;
    sha256_init(&h);
    const struct rpu_array *arr[2] = { &s->w1, &s->w2 };
    for (int m = 0; m < 2; m++) {
        size_t n = (size_t)arr[m]->rows * (size_t)arr[m]->cols;
        for (size_t i = 0; i < n; i++) {
            uint16_t v = (uint16_t)arr[m]->w[i];
            uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
            sha256_update(&h, b, 2);
        }
    }
    uint8_t dig[32];
    sha256_final(&h, dig);
    sha256_hex(dig, hex);
}

/* The checkpoint image is a flat copy of every piece of state, in a fixed order. */
struct blob { uint8_t *p; size_t n; int save; };

static void blob_io(struct blob *b, void *data, size_t n)
{
    if (!data || !n) return;
    if (b->p) {
        if (b->save) memcpy(b->p + b->n, data, n);
        else memcpy(data, b->p + b->n, n);
    }
    b->n += n;
}

static void rpu_io(struct blob *b, struct rpu_array *a)
{
    size_t n = (size_t)a->rows * (size_t)a->cols;
    blob_io(b, a->w, n * sizeof *a->w);
    if (a->step_up) {
        blob_io(b, a->step_up, n * sizeof *a->step_up);
        blob_io(b, a->step_dn, n * sizeof *a->step_dn);
        blob_io(b, a->b_up, n * sizeof *a->b_up);
        blob_io(b, a->b_dn, n * sizeof *a->b_dn);
    }
    if (a->cell_rng) blob_io(b, a->cell_rng, n * sizeof *a->cell_rng);
    blob_io(b, &a->pulses_up, sizeof a->pulses_up);
    blob_io(b, &a->pulses_down, sizeof a->pulses_down);
}

static void state_io(struct ssnn *s, struct blob *b)
{
    rpu_io(b, &s->w1);
    rpu_io(b, &s->w2);
    struct ssnn_streams *st = &s->train;
    blob_io(b, st->in, (size_t)s->n_in * 4);
    blob_io(b, st->fwd, (size_t)s->n_h * 4);
    blob_io(b, st->deriv, (size_t)s->n_h * 4);
    blob_io(b, st->back, (size_t)s->n_h * 4);
    if (s->noise_k) {
        blob_io(b, st->noise_h, (size_t)s->n_h * 4);
        blob_io(b, st->noise_o, (size_t)s->n_out * 4);
        blob_io(b, st->noise_b, (size_t)s->n_h * 4);
    }
    blob_io(b, &st->wta, 4);
    blob_io(b, &st->gate, 4);
    blob_io(b, &s->c, sizeof s->c);
}

size_t ssnn_state_size(const struct ssnn *s)
{
    struct blob b = { NULL, 0, 0 };
    state_io((struct ssnn *)s, &b);
    return b.n;
}

void ssnn_state_save(const struct ssnn *s, uint8_t *buf)
{
    struct blob b = { buf, 0, 1 };
    state_io((struct ssnn *)s, &b);
}

void ssnn_state_load(struct ssnn *s, const uint8_t *buf)
{
    struct blob b = { (uint8_t *)buf, 0, 0 };
    state_io(s, &b);
}
