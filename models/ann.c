/* Float ANN baseline (see ann.h). Inputs are sparse (most pixels are 0), so the
 * first layer's forward pass and its update visit only the non-zero pixels. */
#include "ann.h"
#include "ssnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t matrix_size(const struct ann *a, int m)
{
    return (size_t)(a->width[m] + 1) * (size_t)a->width[m + 1];
}

int ann_init_from(struct ann *a, const struct ssnn *s)
{
    memset(a, 0, sizeof *a);
    a->n_in = s->n_in;
    a->n_out = s->n_out;
    a->depth = s->depth;
    int L = s->depth, bad = 0;
    a->width = malloc((size_t)(L + 2) * sizeof *a->width);
    a->w = calloc((size_t)L + 1, sizeof *a->w);
    a->h = calloc((size_t)L, sizeof *a->h);
    a->dh = calloc((size_t)L, sizeof *a->dh);
    a->v = malloc((size_t)a->n_out * sizeof *a->v);
    if (!a->width || !a->w || !a->h || !a->dh || !a->v) { ann_free(a); return -1; }
    a->width[0] = s->n_in;
    for (int l = 0; l < L; l++) a->width[l + 1] = s->layer[l].n;
    a->width[L + 1] = s->n_out;
    for (int m = 0; m <= L; m++) {
        const struct rpu_array *src = m < L ? &s->layer[m].w : &s->w_out;
        size_t n = matrix_size(a, m);
        if (!(a->w[m] = malloc(n * sizeof *a->w[m]))) { bad = 1; break; }
        for (size_t i = 0; i < n; i++) a->w[m][i] = (float)(src->w[i] * s->dw_min);
    }
    for (int l = 0; !bad && l < L; l++) {
        a->h[l] = malloc((size_t)a->width[l + 1] * sizeof *a->h[l]);
        a->dh[l] = malloc((size_t)a->width[l + 1] * sizeof *a->dh[l]);
        bad = !a->h[l] || !a->dh[l];
    }
    if (bad) { ann_free(a); return -1; }
    return 0;
}

void ann_account(const struct ann *a, struct mem_account *m)
{
    const int L = a->depth;
    for (int k = 0; k <= L; k++) m->synapse += matrix_size(a, k) * sizeof *a->w[k];
    for (int l = 0; l < L; l++) m->neuron += (uint64_t)a->width[l + 1] * (sizeof *a->h[l] + sizeof *a->dh[l]);
    m->neuron += (uint64_t)a->n_out * sizeof *a->v;
    m->fixed += (uint64_t)(L + 2) * sizeof *a->width + ((uint64_t)L + 1) * sizeof *a->w +
                2 * (uint64_t)L * sizeof *a->h;
}

void ann_free(struct ann *a)
{
    for (int m = 0; a->w && m <= a->depth; m++) free(a->w[m]);
    for (int l = 0; a->h && l < a->depth; l++) free(a->h[l]);
    for (int l = 0; a->dh && l < a->depth; l++) free(a->dh[l]);
    free(a->width);
    free(a->w);
    free(a->h);
    free(a->dh);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* Forward pass; leaves h and softmax(v) in the scratch. Returns argmax v. */
static int forward(struct ann *a, const uint8_t *px)
{
    const int L = a->depth, no = a->n_out;
    int nh = a->width[1];
    float *h = a->h[0], *v = a->v;
    memcpy(h, a->w[0] + (size_t)a->n_in * nh, (size_t)nh * sizeof *h);
    for (int i = 0; i < a->n_in; i++) {
        if (!px[i]) continue;
        float p = px[i] * (1.0f / 255.0f);
        const float *row = a->w[0] + (size_t)i * nh;
        for (int j = 0; j < nh; j++) h[j] += p * row[j];
    }
    for (int j = 0; j < nh; j++) h[j] = 1.0f / (1.0f + expf(-h[j]));
    for (int l = 1; l < L; l++) {
        const float *below = a->h[l - 1];
        int ni = nh;
        nh = a->width[l + 1];
        h = a->h[l];
        memcpy(h, a->w[l] + (size_t)ni * nh, (size_t)nh * sizeof *h);
        for (int i = 0; i < ni; i++) {
            const float *row = a->w[l] + (size_t)i * nh;
            for (int j = 0; j < nh; j++) h[j] += below[i] * row[j];
        }
        for (int j = 0; j < nh; j++) h[j] = 1.0f / (1.0f + expf(-h[j]));
    }
    const float *wo = a->w[L];
    memcpy(v, wo + (size_t)nh * no, (size_t)no * sizeof *v);
    for (int j = 0; j < nh; j++) {
        const float *row = wo + (size_t)j * no;
        for (int k = 0; k < no; k++) v[k] += h[j] * row[k];
    }
    int best = 0;
    for (int k = 1; k < no; k++)
        if (v[k] > v[best]) best = k;
    float m = v[best], sum = 0;
    for (int k = 0; k < no; k++) sum += v[k] = expf(v[k] - m);
    for (int k = 0; k < no; k++) v[k] /= sum;
    return best;
}

int ann_predict(struct ann *a, const uint8_t *pixels) { return forward(a, pixels); }

/* Matrix m = W^(l+1) (or W_out), inputs h (ni of them, + bias), outputs' deltas
 * `delta` (no of them): each row first feeds the delta of its input neuron back
 * (dbelow, when given: the row as it was), then takes its update. */
static void back_and_update(float *w, const float *h, int ni, const float *delta, int no, float lr, float *dbelow)
{
    for (int j = 0; j <= ni; j++) {
        float hj = j < ni ? h[j] : 1.0f;
        float *row = w + (size_t)j * no;
        if (j < ni && dbelow) {
            float back = 0;
            for (int k = 0; k < no; k++) back += row[k] * delta[k];
            dbelow[j] = back * hj * (1.0f - hj);
        }
        for (int k = 0; k < no; k++) row[k] -= lr * hj * delta[k];
    }
}

void ann_train_sample(struct ann *a, const uint8_t *px, int label, const float *lr)
{
    const int L = a->depth;
    forward(a, px);
    a->v[label] -= 1.0f;                    /* dCE/dv = softmax - y */
    back_and_update(a->w[L], a->h[L - 1], a->width[L], a->v, a->n_out, lr[L], a->dh[L - 1]);
    for (int l = L - 1; l >= 1; l--)        /* W^(l+1): inputs h^l, deltas of layer l+1 */
        back_and_update(a->w[l], a->h[l - 1], a->width[l], a->dh[l], a->width[l + 1], lr[l], a->dh[l - 1]);
    const int nh = a->width[1];
    const float *dh = a->dh[0];
    for (int i = 0; i <= a->n_in; i++) {
        float p = i < a->n_in ? px[i] * (1.0f / 255.0f) : 1.0f;
        if (p == 0.0f) continue;
        float *row = a->w[0] + (size_t)i * nh;
        float s = lr[0] * p;
        for (int j = 0; j < nh; j++) row[j] -= s * dh[j];
    }
}

size_t ann_state_size(const struct ann *a)
{
    size_t n = 0;
    for (int m = 0; m <= a->depth; m++) n += matrix_size(a, m);
    return n * sizeof(float);
}

void ann_state_save(const struct ann *a, uint8_t *buf)
{
    for (int m = 0; m <= a->depth; m++) {
        size_t n = matrix_size(a, m) * sizeof(float);
        memcpy(buf, a->w[m], n);
        buf += n;
    }
}

void ann_state_load(struct ann *a, const uint8_t *buf)
{
    for (int m = 0; m <= a->depth; m++) {
        size_t n = matrix_size(a, m) * sizeof(float);
        memcpy(a->w[m], buf, n);
        buf += n;
    }
}
