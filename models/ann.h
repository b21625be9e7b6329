/* The float ANN baseline: the same topology at any depth (sigmoid hidden layers,
 * softmax cross-entropy), the same initial weights (the golden model's initial
 * conductance states times dw_min) and the learning rates SSNN-BP realises in
 * expectation (T * dw_min * k * gate for W_out; for W^l that times the backward
 * gains of layers l..L, beta^(L-l+1) with a shared beta), trained by plain
 * per-sample backprop. It is the reference SSNN-BP accuracy is judged against. */
#ifndef ANN_H
#define ANN_H
#include <stddef.h>
#include <stdint.h>

#include "mem_account.h"

struct ann {
    int n_in, n_out, depth;
    int *width;     /* depth + 2 widths: input, hidden 1..L, output */
    float **w;      /* depth + 1 matrices W1..WL, W_out; (width[m] + 1) x width[m + 1], last row = bias */
    float **h;      /* activities of hidden layers 1..L */
    float **dh;     /* their deltas */
    float *v;       /* output membranes, then softmax */
};

struct ssnn;
/* Copies the golden model's initial weights. */
int ann_init_from(struct ann *a, const struct ssnn *s);
void ann_free(struct ann *a);
/* Adds what the baseline allocates to m (models/mem_account.h). */
void ann_account(const struct ann *a, struct mem_account *m);
/* One SGD step on one sample (pixels 0..255 scaled to [0,1]); lr[m] is the rate
 * of matrix m: lr[0..depth-1] for W1..WL, lr[depth] for W_out. */
void ann_train_sample(struct ann *a, const uint8_t *pixels, int label, const float *lr);
int ann_predict(struct ann *a, const uint8_t *pixels);

size_t ann_state_size(const struct ann *a);
void ann_state_save(const struct ann *a, uint8_t *buf);
void ann_state_load(struct ann *a, const uint8_t *buf);
#endif
