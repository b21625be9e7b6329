/* Neuron unit: one lane of a hidden core's composite neurons (docs/bit-contract.md
 * §4.3, §4.5), and the evaluation every engine of the chip shares.
 *
 * neuron_fire() is one evaluation of a composite neuron's forward and derivative
 * units; the chip's hidden cores call it (models/core.c), and the neuron unit's
 * cycle model below calls it, so the RTL (rtl/neuron.sv) is checked against the
 * very code the chip runs. The cycle model is the RTL's microarchitecture: a lane
 * serving `slots` neurons, one evaluation per cycle, with each slot's two streams
 * and spikes; its ports and their rules are documented in rtl/neuron.sv. */
#ifndef NEURON_H
#define NEURON_H
#include <stdint.h>

#include "activation.h"
#include "rng.h"

/* Forward unit h = u16(fwd) < P and, when learning, derivative unit
 * d = h AND NOT (u16(deriv) < P) with P = sigmoid[s]; returns P (q0.16). Without
 * learning the derivative stream does not draw and d is left as it was. */
static inline uint32_t neuron_fire(const struct activation *a, int32_t s, int learn, uint32_t *fwd,
                                   uint32_t *deriv, uint8_t *h, uint8_t *d)
{
    uint32_t p = act_sigmoid(a, s);
    *h = rng_u16(fwd) < p;
    if (learn) *d = *h & (rng_u16(deriv) >= p);
    return p;
}

/* Gradient unit: a backward spike passes when the neuron's derivative spike is set. */
static inline int neuron_grad(uint8_t d) { return d != 0; }

/* Ports in of one cycle. */
struct neuron_in {
    int seed_fwd, seed_deriv, seed_idx;
    uint32_t seed;
    int fire, fire_idx, learn;
    int32_t membrane;
    int back, back_idx, back_neg;
};

struct neuron_unit {
    int slots;                      /* neurons this lane serves */
    const struct activation *act;
    uint32_t *fwd, *deriv;          /* stream registers of every slot */
    uint8_t *h, *d;                 /* spikes of every slot */
    /* registered outputs */
    int fire_valid, fire_idx, spike, deriv_out;
    uint32_t prob;
    int grad_valid, grad_idx, grad_pos, grad_neg;
};

int neuron_unit_init(struct neuron_unit *u, int slots, const struct activation *act);
void neuron_unit_free(struct neuron_unit *u);
void neuron_unit_reset(struct neuron_unit *u);
/* One rising edge. */
void neuron_unit_step(struct neuron_unit *u, const struct neuron_in *in);
#endif
