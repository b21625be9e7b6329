/* SSNN-BP golden model (docs/learning-rule.md; the bit-level contract is docs/bit-contract.md,
 * whose section numbers the comments cite; §8 is any depth). One call of step()
 * is one time step: every read, of every layer, forward and backward, sees the
 * weights as they were at the start of the step and every update lands at its
 * end (§4), which is what lets other engines evaluate the same step in any order
 * and agree bit for bit.
 *
 * Speed comes from sparsity: spikes are index lists, a forward read adds only the
 * rows of the inputs that fired, an update touches only coincident cells. */
#include "ssnn.h"
#include "device_cfg.h"
#include "ssnn_cfg.h"
#include "hot_clones.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    st->hid = xcalloc((size_t)s->depth, sizeof *st->hid, &bad);
    if (!st->hid) return -1;
    st->depth = s->depth;
    for (int l = 0; l < s->depth; l++) {
        struct ssnn_layer_streams *ls = &st->hid[l];
        size_t n = (size_t)s->layer[l].n;
        ls->fwd = xcalloc(n, 4, &bad);
        ls->deriv = xcalloc(n, 4, &bad);
        ls->back = xcalloc(n, 4, &bad);
        if (s->noise_k) {
            ls->noise_h = xcalloc(n, 4, &bad);
            ls->noise_b = xcalloc(n, 4, &bad);
        }
    }
    if (s->noise_k) st->noise_o = xcalloc((size_t)s->n_out, 4, &bad);
    return bad ? -1 : 0;
}

void ssnn_streams_account(const struct ssnn *s, struct mem_account *m)
{
    uint64_t per_unit = 4 * (3 + (s->noise_k ? 2 : 0));     /* fwd, deriv, back (+ noise_h, noise_b) */
    m->neuron += 4 * (uint64_t)s->n_in + (s->noise_k ? 4 * (uint64_t)s->n_out : 0);
    for (int l = 0; l < s->depth; l++) m->neuron += per_unit * (uint64_t)s->layer[l].n;
    m->fixed += (uint64_t)s->depth * sizeof(struct ssnn_layer_streams);
}

void ssnn_streams_free(struct ssnn_streams *st)
{
    free(st->in);
    for (int l = 0; l < st->depth; l++) {
        struct ssnn_layer_streams *ls = &st->hid[l];
        free(ls->fwd);
        free(ls->deriv);
        free(ls->back);
        free(ls->noise_h);
        free(ls->noise_b);
    }
    free(st->hid);
    free(st->noise_o);
    memset(st, 0, sizeof *st);
}

/* §2: every unit's stream from (run seed, domain, kind, unit index); hidden
 * layer l >= 2 in its own domain (§8). */
void ssnn_streams_seed(struct ssnn_streams *st, const struct ssnn *s, int dom)
{
    for (int i = 0; i < s->n_in; i++) st->in[i] = rng_seed(s->seed, dom, RNG_INPUT, (uint64_t)i);
    for (int l = 0; l < s->depth; l++) {
        struct ssnn_layer_streams *ls = &st->hid[l];
        int ld = rng_layer_domain(dom, l + 1);
        for (int j = 0; j < s->layer[l].n; j++) {
            ls->fwd[j] = rng_seed(s->seed, ld, RNG_HID_FWD, (uint64_t)j);
            ls->deriv[j] = rng_seed(s->seed, ld, RNG_HID_DERIV, (uint64_t)j);
            ls->back[j] = rng_seed(s->seed, ld, RNG_HID_BACK, (uint64_t)j);
            if (s->noise_k) {
                ls->noise_h[j] = rng_seed(s->seed, ld, RNG_NOISE_HID, (uint64_t)j);
                ls->noise_b[j] = rng_seed(s->seed, ld, RNG_NOISE_BACK, (uint64_t)j);
            }
        }
    }
    if (s->noise_k)
        for (int k = 0; k < s->n_out; k++) st->noise_o[k] = rng_seed(s->seed, dom, RNG_NOISE_OUT, (uint64_t)k);
    st->wta = rng_seed(s->seed, dom, RNG_WTA, 0);
    st->gate = rng_seed(s->seed, dom, RNG_GATE, 0);
}

/* §5: p_b = min(1, beta * |r| * dw_min) in q0.16, as |r| * beta_q >> 32. */
static uint64_t beta_q_of(double beta, double dw_min)
{
    return (uint64_t)llround(beta * dw_min * 65536.0 * 4294967296.0);
}

static int init_layer(struct ssnn *s, int l, const struct ssnn_cfg *cfg)
{
    struct ssnn_layer *y = &s->layer[l];
    y->n_in = cfg->layers[l];
    y->n = cfg->layers[l + 1];
    y->beta_q = beta_q_of(cfg->n_beta_layers ? cfg->beta_layers[l] : cfg->beta, s->dw_min);
    y->pulse_scale = cfg->n_pulse_layers ? (int)cfg->pulse_steps_layers[l] : 1;
    /* Glorot-uniform limits (§6); biases start at zero. W1 keeps kinds 12/10 in
     * domain 0; W^l, l >= 2, the same kinds in its layer's domain (§8). */
    double lim = sqrt(6.0 / (y->n_in + y->n));
    if (rpu_init(&y->w, &s->rp, cfg->device, y->n_in + 1, y->n, 0, 0, y->n, lim, s->seed,
                 rng_layer_domain(RNG_TRAIN, l + 1), RNG_INIT_W1, RNG_CELL_W1))
        return -1;
    for (int j = 0; j < y->n; j++) y->w.w[(size_t)y->n_in * y->n + j] = 0;
    int bad = 0;
    y->acc = xcalloc((size_t)y->n, sizeof *y->acc, &bad);
    y->h = xcalloc((size_t)y->n, 1, &bad);
    y->d = xcalloc((size_t)y->n, 1, &bad);
    y->hs = xcalloc((size_t)y->n + 1, sizeof *y->hs, &bad);
    y->gp = xcalloc((size_t)y->n, sizeof *y->gp, &bad);
    y->gn = xcalloc((size_t)y->n, sizeof *y->gn, &bad);
    y->draw = xcalloc((size_t)y->n, sizeof *y->draw, &bad);
    y->wf = xcalloc((size_t)(y->n_in + 1) * (size_t)y->n, sizeof *y->wf, &bad);
    return bad ? -1 : 0;
}

static void free_layer(struct ssnn_layer *y)
{
    rpu_free(&y->w);
    free(y->acc);
    free(y->h);
    free(y->d);
    free(y->hs);
    free(y->gp);
    free(y->gn);
    free(y->draw);
    free(y->wf);
}

static void shape_text(const struct ssnn_cfg *cfg, char *buf, size_t n)
{
    size_t at = 0;
    for (int i = 0; i < cfg->n_layers && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%d", i ? "-" : "", cfg->layers[i]);
}

int ssnn_build(struct ssnn *s, const struct ssnn_cfg *cfg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    const struct device_cfg *d = cfg->device;
    s->n_in = cfg->layers[0];
    s->n_out = cfg->layers[cfg->n_layers - 1];
    s->depth = cfg->n_layers - 2;
    s->seed = (uint64_t)cfg->seed;
    s->dw_min = d->dw_min;
    rpu_params_init(&s->rp, d);
    /* §3: read noise in states per Irwin-Hall unit, q16. */
    s->noise_k = llround(d->read_noise / d->dw_min / RNG_IH_STD * 65536.0);
    s->rate_membrane = cfg->rate_membrane;
    s->out_pulse_scale = cfg->n_pulse_layers ? (int)cfg->pulse_steps_layers[s->depth] : 1;
    int bad = 0;
    s->layer = xcalloc((size_t)s->depth, sizeof *s->layer, &bad);
    for (int l = 0; !bad && l < s->depth; l++) bad = init_layer(s, l, cfg);
    const struct ssnn_layer *top = bad ? NULL : ssnn_top(s);
    if (!bad) {
        double lo = sqrt(6.0 / (top->n + s->n_out));
        bad = rpu_init(&s->w_out, &s->rp, d, top->n + 1, s->n_out, 0, 0, s->n_out, lo, s->seed, RNG_TRAIN,
                       RNG_INIT_W2, RNG_CELL_W2) ||
              activation_init(&s->act, d->dw_min) || ssnn_streams_alloc(&s->train, s);
    }
    if (!bad) {
        for (int k = 0; k < s->n_out; k++) s->w_out.w[(size_t)top->n * s->n_out + k] = 0;
        ssnn_streams_seed(&s->train, s, RNG_TRAIN);
        s->pq = xcalloc((size_t)s->n_in, sizeof *s->pq, &bad);
        s->bits = xcalloc((size_t)s->n_in, 1, &bad);
        s->xs = xcalloc((size_t)s->n_in + 1, sizeof *s->xs, &bad);
        s->v = xcalloc((size_t)s->n_out, sizeof *s->v, &bad);
        s->msum = xcalloc((size_t)s->layer[0].n, sizeof *s->msum, &bad);
    }
    if (bad) {
        char shape[400];
        shape_text(cfg, shape, sizeof shape);
        snprintf(err, errlen, "out of memory building a %s network", shape);
        ssnn_free(s);
        return -1;
    }
    return 0;
}

/* What ssnn_build allocates: per layer what init_layer asks for, then W_out,
 * the tables, the training streams and the step's scratch. */
void ssnn_account(const struct ssnn *s, struct mem_account *m)
{
    for (int l = 0; l < s->depth; l++) {
        const struct ssnn_layer *y = &s->layer[l];
        uint64_t n = (uint64_t)y->n;
        rpu_account(&y->w, m);
        m->synapse += (uint64_t)(y->n_in + 1) * n * sizeof *y->wf;
        /* acc, h, d, hs (n + 1), gp, gn, draw */
        m->neuron += n * (sizeof *y->acc + 2 + sizeof *y->gp + sizeof *y->gn + sizeof *y->draw) +
                     (n + 1) * sizeof *y->hs;
    }
    rpu_account(&s->w_out, m);
    m->fixed += (uint64_t)s->depth * sizeof *s->layer + activation_bytes(&s->act);
    ssnn_streams_account(s, m);
    m->neuron += (uint64_t)s->n_in * (sizeof *s->pq + sizeof *s->bits) + ((uint64_t)s->n_in + 1) * sizeof *s->xs +
                 (uint64_t)s->n_out * sizeof *s->v + (uint64_t)s->layer[0].n * sizeof *s->msum;
}

void ssnn_free(struct ssnn *s)
{
    for (int l = 0; s->layer && l < s->depth; l++) free_layer(&s->layer[l]);
    free(s->layer);
    rpu_free(&s->w_out);
    activation_free(&s->act);
    ssnn_streams_free(&s->train);
    free(s->pq);
    free(s->bits);
    free(s->xs);
    free(s->v);
    free(s->msum);
    memset(s, 0, sizeof *s);
}

/* §4a: the rate membrane's exact sums M_j = sum_i W1[i][j] * P_i for the
 * sample's pixels (the weights as they are now). */
static void rate_sums(struct ssnn *s)
{
    const struct ssnn_layer *y = &s->layer[0];
    const int nh = y->n;
    int64_t *m = s->msum;
    memset(m, 0, (size_t)nh * sizeof *m);
    for (int i = 0; i < s->n_in; i++) {
        int64_t p = s->pq[i];
        if (!p) continue;
        const int16_t *row = y->w.w + (size_t)i * nh;
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

/* Appends the indices of the set flags to `list` without a branch on the flag
 * (spikes are coin flips: a branch on each one mispredicts half the time);
 * list needs n entries. Returns the count. */
static inline int flag_list(const uint8_t *flag, int n, int32_t *list)
{
    int c = 0;
    for (int i = 0; i < n; i++) {
        list[c] = i;
        c += flag[i];
    }
    return c;
}

/* §1: every input unit draws once per step; returns the active count (+ bias). */
HOT_CLONES static int draw_inputs(struct ssnn *s, struct ssnn_streams *st)
{
    uint32_t *rs = st->in;
    const uint16_t *pq = s->pq;
    uint8_t *bits = s->bits;
    for (int i = 0; i < s->n_in; i++) bits[i] = rng_u16(&rs[i]) < pq[i];
    int n = flag_list(bits, s->n_in, s->xs);
    s->xs[n] = s->n_in;     /* the always-on bias row */
    return n;
}

/* §2-3 (§8: layer l reads layer l-1's spikes of this step): membranes of hidden
 * layer l from the active rows `rows` (n_rows of them, + the bias row) of W^l,
 * or (§4a, rate membrane, layer 1) from the exact pixel-weighted sums. Rows are
 * added eight (then four) at a time: one pass over the membranes instead of
 * eight (integer sums: the same bits in any order). */
HOT_CLONES static void forward_hidden(struct ssnn *s, int l, struct ssnn_layer_streams *ls, const int32_t *rows,
                                      int n_rows)
{
    struct ssnn_layer *y = &s->layer[l];
    const int nh = y->n;
    int32_t *restrict acc = y->acc;
    const int16_t *bias = y->w.w + (size_t)y->n_in * nh;
    if (l == 0 && s->rate_membrane) {
        for (int j = 0; j < nh; j++) acc[j] = bias[j] + (int32_t)(s->msum[j] >> 16);
    } else {
        for (int j = 0; j < nh; j++) acc[j] = bias[j];
        int a = 0;
        for (; a + 8 <= n_rows; a += 8) {
            const int16_t *restrict r0 = y->w.w + (size_t)rows[a] * nh;
            const int16_t *restrict r1 = y->w.w + (size_t)rows[a + 1] * nh;
            const int16_t *restrict r2 = y->w.w + (size_t)rows[a + 2] * nh;
            const int16_t *restrict r3 = y->w.w + (size_t)rows[a + 3] * nh;
            const int16_t *restrict r4 = y->w.w + (size_t)rows[a + 4] * nh;
            const int16_t *restrict r5 = y->w.w + (size_t)rows[a + 5] * nh;
            const int16_t *restrict r6 = y->w.w + (size_t)rows[a + 6] * nh;
            const int16_t *restrict r7 = y->w.w + (size_t)rows[a + 7] * nh;
            for (int j = 0; j < nh; j++)
                acc[j] += ((int32_t)r0[j] + r1[j] + r2[j] + r3[j]) + ((int32_t)r4[j] + r5[j] + r6[j] + r7[j]);
        }
        for (; a + 4 <= n_rows; a += 4) {
            const int16_t *restrict r0 = y->w.w + (size_t)rows[a] * nh;
            const int16_t *restrict r1 = y->w.w + (size_t)rows[a + 1] * nh;
            const int16_t *restrict r2 = y->w.w + (size_t)rows[a + 2] * nh;
            const int16_t *restrict r3 = y->w.w + (size_t)rows[a + 3] * nh;
            for (int j = 0; j < nh; j++) acc[j] += (int32_t)r0[j] + r1[j] + r2[j] + r3[j];
        }
        for (; a < n_rows; a++) {
            const int16_t *restrict row = y->w.w + (size_t)rows[a] * nh;
            for (int j = 0; j < nh; j++) acc[j] += row[j];
        }
    }
    if (s->noise_k)
        for (int j = 0; j < nh; j++) acc[j] += read_noise(s->noise_k, &ls->noise_h[j]);
}

/* §3: forward and derivative units of every neuron of one hidden layer; fills
 * its active list. Returns the active count. The table look-ups first, then each
 * stream's draws over the whole layer: loops the compiler vectorises. */
HOT_CLONES static int fire_hidden(struct ssnn *s, struct ssnn_layer *y, struct ssnn_layer_streams *ls, int learn)
{
    const int nh = y->n;
    uint8_t *restrict h = y->h, *restrict d = y->d;
    uint32_t *restrict p = y->draw;
    const int32_t *restrict acc = y->acc;
    const int32_t smax = s->act.smax;
    const uint16_t *sig = s->act.sigmoid;
    for (int j = 0; j < nh; j++) {
        int32_t a = acc[j] > smax ? smax : acc[j] < -smax ? -smax : acc[j];
        p[j] = sig[a + smax];
    }
    uint32_t *restrict fwd = ls->fwd;
    for (int j = 0; j < nh; j++) h[j] = rng_u16(&fwd[j]) < p[j];
    if (learn) {
        uint32_t *restrict deriv = ls->deriv;
        for (int j = 0; j < nh; j++) d[j] = h[j] & (rng_u16(&deriv[j]) >= p[j]);
    }
    int n = flag_list(h, nh, y->hs);
    y->hs[n] = nh;
    return y->nhs = n;
}

/* §4: output membranes and the WTA draw: an inverse-CDF sample of the softmax
 * realised with the exp table. Returns the winner. */
static int forward_output(struct ssnn *s, struct ssnn_streams *st, const struct ssnn_layer *top)
{
    const int no = s->n_out;
    int32_t *v = s->v;
    const int16_t *w2 = s->w_out.w;
    for (int k = 0; k < no; k++) v[k] = w2[(size_t)top->n * no + k];
    for (int a = 0; a < top->nhs; a++) {
        const int16_t *row = w2 + (size_t)top->hs[a] * no;
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

/* §5: every backward generator of a layer draws, every step, whether or not it
 * is driven: first the draws (vectorised), into y->draw; the read noise into r. */
static void backward_draws(struct ssnn *s, struct ssnn_layer *y, struct ssnn_layer_streams *ls, int32_t *r)
{
    uint32_t *restrict u = y->draw, *restrict back = ls->back;
    for (int j = 0; j < y->n; j++) u[j] = rng_u16(&back[j]);
    if (s->noise_k)
        for (int j = 0; j < y->n; j++) r[j] = read_noise(s->noise_k, &ls->noise_b[j]);
    else
        memset(r, 0, (size_t)y->n * sizeof *r);
}

/* §5: the generators and gradient units of a driven layer: r (states) -> b+- ->
 * g+- gated by d, into the layer's g+ and g- lists; counts the backward spikes.
 * Branch-free: whether a generator fires is a coin flip. */
static void backward_units(struct ssnn *s, struct ssnn_layer *y, const int32_t *r)
{
    const uint32_t *u = y->draw;
    const uint8_t *d = y->d;
    int ngp = 0, ngn = 0;
    uint64_t bp = 0, bn = 0;
    for (int j = 0; j < y->n; j++) {
        uint64_t mag = (uint64_t)(r[j] < 0 ? -(int64_t)r[j] : r[j]);
        uint64_t pb = (mag * y->beta_q) >> 32;
        if (pb > 65535) pb = 65535;
        uint32_t fire = u[j] < pb, pos = r[j] > 0;   /* fire implies r != 0 */
        bp += fire & pos;
        bn += fire & !pos;
        uint32_t g = fire & d[j];
        y->gp[ngp] = j;
        ngp += (int)(g & pos);
        y->gn[ngn] = j;
        ngn += (int)(g & !pos);
    }
    y->ngp = ngp;
    y->ngn = ngn;
    s->c.back_pos += bp;
    s->c.back_neg += bn;
    y->c.back_pos += bp;
    y->c.back_neg += bn;
}

/* §5: the top hidden layer's streams: the backward read of W_out driven by e+ at
 * `o` and e- at `y`. Every generator draws whether or not errors fired. */
HOT_CLONES static void backward_top(struct ssnn *s, struct ssnn_layer_streams *ls, int o, int label, int err)
{
    struct ssnn_layer *y = ssnn_top(s);
    const int nh = y->n, no = s->n_out;
    const int16_t *w2 = s->w_out.w;
    int32_t *r = y->acc;     /* the membranes are spent: the backward read reuses them */
    backward_draws(s, y, ls, r);
    y->ngp = y->ngn = 0;
    if (!err) return;
    for (int j = 0; j < nh; j++) r[j] += (int32_t)w2[(size_t)j * no + o] - w2[(size_t)j * no + label];
    backward_units(s, y, r);
    s->c.syn_ops_back += 2u * (uint64_t)nh;
    y->c.syn_ops_back += 2u * (uint64_t)nh;
}

/* §8: hidden layer l < L from layer l+1's gradient spikes read back through the
 * columns of W^(l+1): r_j = sum over g+ columns m of W^(l+1)[j][m] minus the
 * sum over g- columns (+ read noise). Every generator draws every step; with no
 * gradient spike above, no column is driven and nothing is read. */
HOT_CLONES static void backward_hidden(struct ssnn *s, int l, struct ssnn_layer_streams *ls)
{
    struct ssnn_layer *y = &s->layer[l];
    const struct ssnn_layer *up = &s->layer[l + 1];
    const int nh = y->n, nu = up->n;
    const int16_t *w = up->w.w;
    int32_t *r = y->acc;
    backward_draws(s, y, ls, r);
    y->ngp = y->ngn = 0;
    const int ngp = up->ngp, ngn = up->ngn;
    if (!ngp && !ngn) return;
    const int32_t *gp = up->gp, *gn = up->gn;
    int j = 0;
    for (; j + 2 <= nh; j += 2) {       /* two rows a pass: each column index loaded once */
        const int16_t *r0 = w + (size_t)j * nu, *r1 = r0 + nu;
        int32_t s0 = r[j], s1 = r[j + 1];
        for (int g = 0; g < ngp; g++) s0 += r0[gp[g]], s1 += r1[gp[g]];
        for (int g = 0; g < ngn; g++) s0 -= r0[gn[g]], s1 -= r1[gn[g]];
        r[j] = s0;
        r[j + 1] = s1;
    }
    for (; j < nh; j++) {
        const int16_t *row = w + (size_t)j * nu;
        int32_t sum = r[j];
        for (int g = 0; g < ngp; g++) sum += row[gp[g]];
        for (int g = 0; g < ngn; g++) sum -= row[gn[g]];
        r[j] = sum;
    }
    backward_units(s, y, r);
    uint64_t cells = (uint64_t)(ngp + ngn) * (uint64_t)nh;
    s->c.syn_ops_back += cells;
    y->c.syn_ops_back += cells;
}

/* Rows ahead the update asks the cache for: the backward read in between has
 * pushed the rows the forward read brought in out of it. */
#define PULSE_PREFETCH_ROWS 4

/* §6: W^l's coincidences: every gradient spike of layer l against the active
 * rows of its input (layer l-1's spikes, or the inputs) and the bias row.
 * Row by row (each cell is pulsed at most once a step, and its device draws
 * come from its own stream, so the order changes no bit): the cells of one row
 * are near each other, where a gradient spike's column strides the matrix. */
HOT_CLONES static void update_hidden(struct ssnn *s, int l, const int32_t *rows, int n_rows)
{
    struct ssnn_layer *y = &s->layer[l];
    const int nh = y->n;
    const int ngp = y->ngp, ngn = y->ngn;
    const int32_t *gp = y->gp, *gn = y->gn;
    struct rpu_array *w = &y->w;
    if (w->p.ideal && !(l == 0 && s->rate_membrane)) {
        /* x_i AND g+_j: down; x_i AND g-_j: up; the ideal device's step, as rpu_pulse. */
        const int32_t m = w->p.nmax, k = w->pulse_steps;
        for (int a = 0; a <= n_rows; a++) {
            int16_t *row = w->w + (size_t)rows[a] * nh;
            if (a + PULSE_PREFETCH_ROWS <= n_rows) {
                const char *next = (const char *)(w->w + (size_t)rows[a + PULSE_PREFETCH_ROWS] * nh);
                for (size_t b = 0; b < (size_t)nh * 2; b += 64) __builtin_prefetch(next + b, 1);
            }
            for (int g = 0; g < ngp; g++) row[gp[g]] = rpu_ideal_down(row[gp[g]], k, m);
            for (int g = 0; g < ngn; g++) row[gn[g]] = rpu_ideal_up(row[gn[g]], k, m);
        }
        w->pulses_down += (uint64_t)ngp * (uint64_t)(n_rows + 1);
        w->pulses_up += (uint64_t)ngn * (uint64_t)(n_rows + 1);
    } else {
        /* The device model; §4a: with the rate membrane keep M_j exact as its
         * weights move (the bias row is read directly). */
        const int keep_msum = l == 0 && s->rate_membrane;
        for (int a = 0; a <= n_rows; a++) {
            size_t row = (size_t)rows[a] * nh;
            for (int sign = 0; sign < 2; sign++) {
                const int32_t *gl = sign ? gn : gp;
                for (int g = 0, ng = sign ? ngn : ngp; g < ng; g++) {
                    size_t cell = row + (size_t)gl[g];
                    int16_t before = w->w[cell];
                    rpu_pulse(w, cell, sign);
                    if (keep_msum && rows[a] < s->n_in)
                        s->msum[gl[g]] += (int64_t)(w->w[cell] - before) * s->pq[rows[a]];
                }
            }
        }
    }
    uint64_t pulses = (uint64_t)(ngp + ngn) * (uint64_t)(n_rows + 1);
    s->c.w1_pulses += pulses;
    y->c.pulses += pulses;
}

/* §6: all coincidences of the step, after every read of it (§8). */
static void update(struct ssnn *s, int o, int label, int nx)
{
    const struct ssnn_layer *top = ssnn_top(s);
    const int no = s->n_out;
    for (int a = 0; a <= top->nhs; a++) {          /* h_j AND e+_o: down; h_j AND e-_y: up */
        size_t row = (size_t)top->hs[a] * no;
        rpu_pulse(&s->w_out, row + (size_t)o, 0);
        rpu_pulse(&s->w_out, row + (size_t)label, 1);
    }
    s->c.w2_pulses += 2u * (uint64_t)(top->nhs + 1);
    for (int l = 0; l < s->depth; l++)
        if (l == 0) update_hidden(s, 0, s->xs, nx);
        else update_hidden(s, l, s->layer[l - 1].hs, s->layer[l - 1].nhs);
}

/* One time step (§4 gives the order, §8 the layers). label < 0: learning off. */
static int step(struct ssnn *s, struct ssnn_streams *st, int label, uint32_t gate_q)
{
    int learn = label >= 0;
    int nx = draw_inputs(s, st);
    uint64_t neurons = 0;
    for (int l = 0; l < s->depth; l++) {
        struct ssnn_layer *y = &s->layer[l];
        if (l == 0) forward_hidden(s, 0, &st->hid[0], s->xs, nx);
        else forward_hidden(s, l, &st->hid[l], s->layer[l - 1].hs, s->layer[l - 1].nhs);
        int nhs = fire_hidden(s, y, &st->hid[l], learn);
        uint64_t reads = (uint64_t)((l == 0 ? nx : s->layer[l - 1].nhs) + 1) * (uint64_t)y->n;
        s->c.hidden_spikes += (uint64_t)nhs;
        s->c.syn_ops_w1 += reads;
        y->c.hidden_spikes += (uint64_t)nhs;
        y->c.syn_ops_fwd += reads;
        neurons += (uint64_t)y->n;
    }
    const struct ssnn_layer *top = ssnn_top(s);
    int o = forward_output(s, st, top);
    s->c.steps++;
    s->c.input_spikes += (uint64_t)nx;
    s->c.output_spikes++;
    s->c.syn_ops_w2 += (uint64_t)(top->nhs + 1) * (uint64_t)s->n_out;
    s->c.rng_draws += (uint64_t)s->n_in + neurons + 1;
    if (s->noise_k) s->c.rng_draws += neurons + (uint64_t)s->n_out;
    if (!learn) return o;
    for (int l = 0; l < s->depth; l++) {
        struct ssnn_layer *y = &s->layer[l];
        uint64_t nd = 0;
        for (int j = 0; j < y->n; j++) nd += y->d[j];
        s->c.deriv_spikes += nd;
        y->c.deriv_spikes += nd;
    }
    int gate_open = rng_u16(&st->gate) < gate_q;
    int err = gate_open && o != label;
    s->c.gate_closed += !gate_open;
    s->c.rng_draws += 2u * neurons + 1 + (s->noise_k ? neurons : 0);
    backward_top(s, &st->hid[s->depth - 1], o, label, err);
    for (int l = s->depth - 2; l >= 0; l--) backward_hidden(s, l, &st->hid[l]);
    if (!err) return o;
    s->c.err_pos++;
    s->c.err_neg++;
    for (int l = 0; l < s->depth; l++) {
        struct ssnn_layer *y = &s->layer[l];
        s->c.grad_pos += (uint64_t)y->ngp;
        s->c.grad_neg += (uint64_t)y->ngn;
        y->c.grad_pos += (uint64_t)y->ngp;
        y->c.grad_neg += (uint64_t)y->ngn;
    }
    update(s, o, label, nx);
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
    for (int l = 0; l < s->depth; l++) rpu_set_pulse_steps(&s->layer[l].w, k * s->layer[l].pulse_scale);
    rpu_set_pulse_steps(&s->w_out, k * s->out_pulse_scale);
}

/* Adds what a counter struct gained since `was` to `acc`, and rewinds it. */
#define MOVE_GAIN(acc, now, was)                                                          \
    do {                                                                                  \
        uint64_t *a_ = (uint64_t *)&(acc);                                                \
        const uint64_t *n_ = (const uint64_t *)&(now), *w_ = (const uint64_t *)&(was);    \
        for (size_t i_ = 0; i_ < sizeof(was) / sizeof(uint64_t); i_++) a_[i_] += n_[i_] - w_[i_]; \
        (now) = (was);                                                                    \
    } while (0)

HOT_CLONES int ssnn_infer_wta(struct ssnn *s, struct ssnn_streams *st, const uint8_t *pixels, int T,
                   uint32_t *wins)
{
    /* Inference must not disturb the training counters. */
    struct ssnn_counters saved = s->c;
    struct ssnn_layer_counters lsaved[s->depth];
    for (int l = 0; l < s->depth; l++) lsaved[l] = s->layer[l].c;
    set_input(s, pixels);
    memset(wins, 0, (size_t)s->n_out * sizeof *wins);
    for (int t = 0; t < T; t++) wins[step(s, st, -1, 0)]++;
    /* What it counted goes to its own account, as the chip's does. */
    MOVE_GAIN(s->infer, s->c, saved);
    for (int l = 0; l < s->depth; l++) MOVE_GAIN(s->layer[l].infer, s->layer[l].c, lsaved[l]);
    s->infer.samples++;
    return most_wins(wins, s->n_out);
}

void ssnn_rate_prepare(struct ssnn *s)
{
    for (int l = 0; l < s->depth; l++) {
        struct ssnn_layer *y = &s->layer[l];
        size_t n = (size_t)(y->n_in + 1) * (size_t)y->n;
        for (size_t i = 0; i < n; i++) y->wf[i] = (float)y->w.w[i];
    }
}

size_t ssnn_rate_scratch(const struct ssnn *s)
{
    size_t n = 0;
    for (int l = 0; l < s->depth; l++) n += (size_t)s->layer[l].n;
    return n;
}

int ssnn_infer_rate(const struct ssnn *s, const uint8_t *pixels, float *hbuf)
{
    const int no = s->n_out;
    const float dw = (float)s->dw_min;
    /* Layer 1 from the pixels (the sum in pixel units, scaled once). */
    const struct ssnn_layer *y = &s->layer[0];
    float *h = hbuf;
    const float *bias = y->wf + (size_t)y->n_in * y->n;
    for (int j = 0; j < y->n; j++) h[j] = bias[j] * 255.0f;
    for (int i = 0; i < s->n_in; i++) {
        if (!pixels[i]) continue;
        const float *row = y->wf + (size_t)i * y->n;
        float p = (float)pixels[i];
        for (int j = 0; j < y->n; j++) h[j] += p * row[j];
    }
    float scale = dw / 255.0f;
    for (int j = 0; j < y->n; j++) h[j] = 1.0f / (1.0f + expf(-h[j] * scale));
    /* Layers 2..L from the activities below. */
    for (int l = 1; l < s->depth; l++) {
        const float *below = h;
        y = &s->layer[l];
        h += y->n_in;
        bias = y->wf + (size_t)y->n_in * y->n;
        for (int j = 0; j < y->n; j++) h[j] = bias[j];
        for (int i = 0; i < y->n_in; i++) {
            const float *row = y->wf + (size_t)i * y->n;
            for (int j = 0; j < y->n; j++) h[j] += below[i] * row[j];
        }
        for (int j = 0; j < y->n; j++) h[j] = 1.0f / (1.0f + expf(-h[j] * dw));
    }
    const int nh = y->n;
    int best = 0;
    float vbest = -INFINITY;
    for (int k = 0; k < no; k++) {
        float v = (float)s->w_out.w[(size_t)nh * no + k];
        for (int j = 0; j < nh; j++) v += h[j] * (float)s->w_out.w[(size_t)j * no + k];
        if (v > vbest) { vbest = v; best = k; }
    }
    return best;
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

/* Fixed order: W1..WL, W_out; the input streams, each layer's forward,
 * derivative and backward streams; read noise (each layer's hidden columns,
 * the output columns, each layer's backward reads); WTA, gate; the counters,
 * and at depth > 1 each layer's. For L = 1 this is the image it always was. */
static void state_io(struct ssnn *s, struct blob *b)
{
    for (int l = 0; l < s->depth; l++) rpu_io(b, &s->layer[l].w);
    rpu_io(b, &s->w_out);
    struct ssnn_streams *st = &s->train;
    blob_io(b, st->in, (size_t)s->n_in * 4);
    for (int l = 0; l < s->depth; l++) {
        size_t n = (size_t)s->layer[l].n * 4;
        blob_io(b, st->hid[l].fwd, n);
        blob_io(b, st->hid[l].deriv, n);
        blob_io(b, st->hid[l].back, n);
    }
    if (s->noise_k) {
        for (int l = 0; l < s->depth; l++) blob_io(b, st->hid[l].noise_h, (size_t)s->layer[l].n * 4);
        blob_io(b, st->noise_o, (size_t)s->n_out * 4);
        for (int l = 0; l < s->depth; l++) blob_io(b, st->hid[l].noise_b, (size_t)s->layer[l].n * 4);
    }
    blob_io(b, &st->wta, 4);
    blob_io(b, &st->gate, 4);
    blob_io(b, &s->c, sizeof s->c);
    for (int l = 0; s->depth > 1 && l < s->depth; l++) blob_io(b, &s->layer[l].c, sizeof s->layer[l].c);
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
