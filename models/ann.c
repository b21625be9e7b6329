/* Float ANN baseline (see ann.h). Inputs are sparse (most pixels are 0), so the
 * forward pass and the W1 update visit only the non-zero pixels. */
#include "ann.h"
#include "ssnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ann_init_from(struct ann *a, const struct ssnn *s)
{
    memset(a, 0, sizeof *a);
    a->n_in = s->n_in;
    a->n_h = s->n_h;
    a->n_out = s->n_out;
    size_t n1 = (size_t)(a->n_in + 1) * (size_t)a->n_h, n2 = (size_t)(a->n_h + 1) * (size_t)a->n_out;
    a->w1 = malloc(n1 * sizeof *a->w1);
    a->w2 = malloc(n2 * sizeof *a->w2);
    a->h = malloc((size_t)a->n_h * sizeof *a->h);
    a->dh = malloc((size_t)a->n_h * sizeof *a->dh);
    a->v = malloc((size_t)a->n_out * sizeof *a->v);
    if (!a->w1 || !a->w2 || !a->h || !a->dh || !a->v) { ann_free(a); return -1; }
    for (size_t i = 0; i < n1; i++) a->w1[i] = (float)(s->w1.w[i] * s->dw_min);
    for (size_t i = 0; i < n2; i++) a->w2[i] = (float)(s->w2.w[i] * s->dw_min);
    return 0;
}

void ann_free(struct ann *a)
{
    free(a->w1);
    free(a->w2);
    free(a->h);
    free(a->dh);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* Forward pass; leaves h and softmax(v) in the scratch. Returns argmax v. */
static int forward(struct ann *a, const uint8_t *px)
{
    const int nh = a->n_h, no = a->n_out;
    float *h = a->h, *v = a->v;
    memcpy(h, a->w1 + (size_t)a->n_in * nh, (size_t)nh * sizeof *h);
    for (int i = 0; i < a->n_in; i++) {
        if (!px[i]) continue;
        float p = px[i] * (1.0f / 255.0f);
        const float *row = a->w1 + (size_t)i * nh;
        for (int j = 0; j < nh; j++) h[j] += p * row[j];
    }
    for (int j = 0; j < nh; j++) h[j] = 1.0f / (1.0f + expf(-h[j]));
    memcpy(v, a->w2 + (size_t)nh * no, (size_t)no * sizeof *v);
    for (int j = 0; j < nh; j++) {
        const float *row = a->w2 + (size_t)j * no;
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

void ann_train_sample(struct ann *a, const uint8_t *px, int label, float lr1, float lr2)
{
    const int nh = a->n_h, no = a->n_out;
    forward(a, px);
    float *v = a->v, *h = a->h, *dh = a->dh;
    v[label] -= 1.0f;                       /* dCE/dv = softmax - y */
    for (int j = 0; j <= nh; j++) {
        float hj = j < nh ? h[j] : 1.0f;
        float *row = a->w2 + (size_t)j * no;
        if (j < nh) {
            float back = 0;
            for (int k = 0; k < no; k++) back += row[k] * v[k];
            dh[j] = back * hj * (1.0f - hj);
        }
        for (int k = 0; k < no; k++) row[k] -= lr2 * hj * v[k];
    }
    for (int i = 0; i <= a->n_in; i++) {
        float p = i < a->n_in ? px[i] * (1.0f / 255.0f) : 1.0f;
        if (p == 0.0f) continue;
        float *row = a->w1 + (size_t)i * nh;
        float s = lr1 * p;
        for (int j = 0; j < nh; j++) row[j] -= s * dh[j];
    }
}

size_t ann_state_size(const struct ann *a)
{
    return ((size_t)(a->n_in + 1) * (size_t)a->n_h + (size_t)(a->n_h + 1) * (size_t)a->n_out) * sizeof(float);
}

void ann_state_save(const struct ann *a, uint8_t *buf)
{
    size_t n1 = (size_t)(a->n_in + 1) * (size_t)a->n_h * sizeof(float);
    memcpy(buf, a->w1, n1);
    memcpy(buf + n1, a->w2, ann_state_size(a) - n1);
}

void ann_state_load(struct ann *a, const uint8_t *buf)
{
    size_t n1 = (size_t)(a->n_in + 1) * (size_t)a->n_h * sizeof(float);
    memcpy(a->w1, buf, n1);
    memcpy(a->w2, buf + n1, ann_state_size(a) - n1);
}
