/* The golden model from a configuration, and its weights' digest (ssnn_setup.h). */
#include "ssnn_setup.h"
#include "config.h"
#include "sha256.h"
#include "ssnn_cfg.h"

#include <string.h>

int ssnn_init(struct ssnn *s, const struct config *cfg, char *err, size_t errlen)
{
    const struct training_cfg *t = &cfg->training;
    const struct ssnn_cfg c = {
        .n_layers = cfg->network.n_layers,
        .layers = cfg->network.layers,
        .seed = t->seed,
        .rate_membrane = !strcmp(t->membrane, "rate"),
        .beta = t->beta,
        .n_beta_layers = t->n_beta_layers,
        .beta_layers = t->beta_layers,
        .n_pulse_layers = t->n_pulse_layers,
        .pulse_steps_layers = t->pulse_steps_layers,
        .device = &cfg->device,
    };
    return ssnn_build(s, &c, err, errlen);
}

static void hash_matrix(struct sha256 *h, const struct rpu_array *a)
{
    size_t n = (size_t)a->rows * (size_t)a->cols;
    for (size_t i = 0; i < n; i++) {
        uint16_t v = (uint16_t)a->w[i];
        uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
        sha256_update(h, b, 2);
    }
}

void ssnn_weights_sha256(const struct ssnn *s, char hex[65])
{
    struct sha256 h;
    sha256_init(&h);
    for (int l = 0; l < s->depth; l++) hash_matrix(&h, &s->layer[l].w);
    hash_matrix(&h, &s->w_out);
    uint8_t dig[32];
    sha256_final(&h, dig);
    sha256_hex(dig, hex);
}
