/* Neuron unit cycle model (see neuron.h and rtl/neuron.sv). */
#include "neuron.h"

#include <stdlib.h>
#include <string.h>

int neuron_unit_init(struct neuron_unit *u, int slots, const struct activation *act)
{
    memset(u, 0, sizeof *u);
    u->slots = slots;
    u->act = act;
    u->fwd = calloc((size_t)slots, sizeof *u->fwd);
    u->deriv = calloc((size_t)slots, sizeof *u->deriv);
    u->h = calloc((size_t)slots, 1);
    u->d = calloc((size_t)slots, 1);
    if (!u->fwd || !u->deriv || !u->h || !u->d) {
        neuron_unit_free(u);
        return -1;
    }
    neuron_unit_reset(u);
    return 0;
}

void neuron_unit_free(struct neuron_unit *u)
{
    free(u->fwd);
    free(u->deriv);
    free(u->h);
    free(u->d);
    memset(u, 0, sizeof *u);
}

void neuron_unit_reset(struct neuron_unit *u)
{
    for (int n = 0; n < u->slots; n++) u->fwd[n] = u->deriv[n] = RNG_ZERO_FIX;
    memset(u->h, 0, (size_t)u->slots);
    memset(u->d, 0, (size_t)u->slots);
    u->fire_valid = u->fire_idx = u->spike = u->deriv_out = 0;
    u->prob = 0;
    u->grad_valid = u->grad_idx = u->grad_pos = u->grad_neg = 0;
}

static int slot_ok(const struct neuron_unit *u, int i) { return i >= 0 && i < u->slots; }

void neuron_unit_step(struct neuron_unit *u, const struct neuron_in *in)
{
    /* The gradient unit sees d as it was before this edge. */
    int back = in->back && slot_ok(u, in->back_idx);
    int gate = back && neuron_grad(u->d[in->back_idx]);
    u->grad_valid = back;
    if (back) {
        u->grad_idx = in->back_idx;
        u->grad_pos = gate && !in->back_neg;
        u->grad_neg = gate && in->back_neg;
    }
    int fire = in->fire && slot_ok(u, in->fire_idx);
    u->fire_valid = fire;
    if (fire) {
        int j = in->fire_idx;
        u->prob = neuron_fire(u->act, in->membrane, in->learn, &u->fwd[j], &u->deriv[j], &u->h[j], &u->d[j]);
        u->fire_idx = j;
        u->spike = u->h[j];
        u->deriv_out = u->d[j];
    }
    /* A load wins over the draw of the same stream in the same cycle. */
    if (slot_ok(u, in->seed_idx)) {
        struct rng_unit r;
        if (in->seed_fwd) {
            r.state = u->fwd[in->seed_idx];
            rng_unit_step(&r, 1, in->seed, 0);
            u->fwd[in->seed_idx] = r.state;
        }
        if (in->seed_deriv) {
            r.state = u->deriv[in->seed_idx];
            rng_unit_step(&r, 1, in->seed, 0);
            u->deriv[in->seed_idx] = r.state;
        }
    }
}
