/* The float ANN baseline: the same 2-layer topology, sigmoid hidden layer,
 * softmax cross-entropy, the same initial weights (the golden model's initial
 * conductance states times dw_min) and the learning rates SSNN-BP realises in
 * expectation (T * dw_min * gate for W2, times beta for W1), trained by plain
 * per-sample backprop. It is the reference SSNN-BP accuracy is judged against. */
#ifndef ANN_H
#define ANN_H
#include <stddef.h>
#include <stdint.h>

struct ann {
    int n_in, n_h, n_out;
    float *w1;      /* (n_in + 1) x n_h, row n_in = bias */
    float *w2;      /* (n_h + 1) x n_out, row n_h = bias */
    float *h, *dh, *v;  /* scratch */
};

struct ssnn;
/* Copies the golden model's initial weights. */
int ann_init_from(struct ann *a, const struct ssnn *s);
void ann_free(struct ann *a);
/* One SGD step on one sample (pixels 0..255 scaled to [0,1]). */
void ann_train_sample(struct ann *a, const uint8_t *pixels, int label, float lr1, float lr2);
int ann_predict(struct ann *a, const uint8_t *pixels);

size_t ann_state_size(const struct ann *a);
void ann_state_save(const struct ann *a, uint8_t *buf);
void ann_state_load(struct ann *a, const uint8_t *buf);
#endif
