/* WTA block of the output core (docs/bit-contract.md §4.4-4.5): the race that picks
 * the one output neuron that fires, the update gate, the error spikes, and the
 * backward spike generators of the hidden rows.
 *
 * The arithmetic helpers are what every engine shares: models/core.c decides its
 * winner with wta_race() and fires its backward spikes with wta_back_spike(), and
 * the cycle model below (the microarchitecture of rtl/wta.sv) is built on the
 * same helpers, so the RTL is checked against the code the chip runs.
 *
 * Cycle model: IDLE -> start: latch the membranes, vmax -> EXP, `lanes` race weights
 * a cycle into the running sums cum[k] = E_0 + ... + E_k -> DRAW: the WTA draw, the
 * winner (first k with cum[k] > thr), and when learning the gate and the errors ->
 * BACK (learning only): `lanes` backward generators a cycle -> IDLE. Ports and rules:
 * rtl/wta.sv. */
#ifndef WTA_H
#define WTA_H
#include <stdint.h>

#include "activation.h"
#include "rng.h"

/* Race weight of an output E_k = exp[vmax - v_k] (q16.16). */
static inline uint64_t wta_weight(const struct activation *a, int32_t vmax, int32_t v)
{
    return act_exp(a, vmax - v);
}

/* The race threshold: the WTA draw u scaled onto [0, total). */
static inline uint64_t wta_threshold(uint32_t u, uint64_t total) { return ((uint64_t)u * total) >> 32; }

static inline int32_t wta_vmax(const int32_t *v, int n)
{
    int32_t m = v[0];
    for (int k = 1; k < n; k++)
        if (v[k] > m) m = v[k];
    return m;
}

/* §4.4 in one go: draws the WTA stream once, returns the winner. */
static inline int wta_race(const struct activation *a, const int32_t *v, int n, uint32_t *rng)
{
    int32_t vmax = wta_vmax(v, n);
    uint64_t total = 0, cum = 0;
    for (int k = 0; k < n; k++) total += wta_weight(a, vmax, v[k]);
    uint64_t thr = wta_threshold(xorshift32(rng), total);
    for (int k = 0; k < n; k++) {
        cum += wta_weight(a, vmax, v[k]);
        if (cum > thr) return k;
    }
    return n - 1;
}

/* §4.5: backward generator of a row with backward read r and draw u (q0.16):
 * +1 for b+, -1 for b-, 0 for none. */
static inline int wta_back_spike(int32_t r, uint64_t beta_q, uint32_t u)
{
    uint64_t mag = (uint64_t)(r < 0 ? -(int64_t)r : r);
    uint64_t pb = (mag * beta_q) >> 32;
    if (pb > 65535) pb = 65535;
    if (u >= pb) return 0;
    return r > 0 ? 1 : -1;
}

enum wta_phase { WTA_IDLE, WTA_EXP, WTA_DRAW, WTA_BACK };

/* Ports in of one cycle. */
struct wta_in {
    int seed_wta, seed_gate, seed_back, seed_idx;
    uint32_t seed;
    int start, learn, label;
    uint32_t gate_q;                /* q0.16, 65536 = always open */
    uint64_t beta_q;
    const int32_t *v;               /* membranes [outputs], taken at start */
    const int32_t *back_r;          /* backward read [hidden], read in BACK */
};

struct wta {
    int outputs, hidden, lanes;
    const struct activation *act;
    uint32_t rng_wta, rng_gate, *rng_back;  /* streams (kinds 5, 6, 4) */
    /* race state */
    enum wta_phase phase;
    int group;                      /* lane group in EXP or BACK */
    int32_t *v, vmax;
    uint64_t *cum;
    int learn, label;
    uint32_t gate_q;
    uint64_t beta_q;
    /* registered outputs */
    int winner, gate_open, err, decided, done;
    uint8_t *fire;                  /* output spikes: the winner alone */
    uint8_t *b_pos, *b_neg;         /* backward spikes of every hidden row */
};

int wta_init(struct wta *w, int outputs, int hidden, int lanes, const struct activation *act);
void wta_free(struct wta *w);
void wta_reset(struct wta *w);
/* One rising edge. */
void wta_step(struct wta *w, const struct wta_in *in);
#endif
