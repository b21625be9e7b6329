/* A resistive-processing-unit (RPU) cell array: the conductance states of one
 * weight matrix (or one crossbar tile of it) and the device model that moves them
 * (docs/learning-rule.md "Crossbar device", docs/bit-contract.md §5).
 *
 * A weight is an integer state n in [b_dn, b_up] (nominally +-nmax), w = n * dw_min.
 * A coincidence pulse moves one cell one device step. In the ideal device a step
 * is exactly one state; with device options on, the step of each cell has its own
 * up and down size (device-to-device variation, asymmetry), varies pulse by pulse
 * (cycle-to-cycle variation), may shrink towards the bound (soft bounds), and is
 * realised in whole states by stochastic rounding from the cell's own stream.
 * Bounds may vary per cell. Read noise belongs to the reads (see ssnn.c). */
#ifndef RPU_H
#define RPU_H
#include <stddef.h>
#include <stdint.h>

#include "mem_account.h"

struct device_cfg;

struct rpu_params {
    int16_t nmax;           /* nominal bound in states: round(w_max / dw_min) */
    int ideal;              /* every device option off: unit steps, hard bounds */
    int ctoc;               /* cycle-to-cycle variation on */
    int64_t ctoc_k;         /* q16 relative-step std per Irwin-Hall unit */
    int soft_bounds;
    int per_cell;           /* cells carry their own steps and bounds */
};

struct rpu_array {
    int rows, cols;                 /* this array (row-major, rows x cols) */
    int16_t *w;                     /* conductance states */
    /* device-to-device parameters, only when params->per_cell */
    uint16_t *step_up, *step_dn;    /* q8.8 states per pulse */
    int16_t *b_up, *b_dn;           /* per-cell bounds */
    uint32_t *cell_rng;             /* per-cell stream, only when !ideal */
    struct rpu_params p;             /* a copy: arrays move with their owner */
    int32_t pulse_steps;            /* device steps per coincidence (1; the amplitude schedule) */
    uint64_t pulses_up, pulses_down;/* coincidence pulses applied */
};

void rpu_params_init(struct rpu_params *p, const struct device_cfg *d);

/* Allocates the array and draws the initial states uniformly in +-limit (weight
 * units, Glorot) and the per-cell device parameters. The streams of cell (r, c)
 * are keyed by its place in the whole matrix: (row0 + r) * gcols + (col0 + c),
 * so a tile of a larger matrix draws exactly what the whole matrix would; they
 * live in `domain` (RNG_TRAIN, or a deep layer's, rng_layer_domain). */
int rpu_init(struct rpu_array *a, const struct rpu_params *p, const struct device_cfg *d,
             int rows, int cols, int row0, int col0, int gcols,
             double init_limit, uint64_t seed, int domain, int init_kind, int cell_kind);
void rpu_free(struct rpu_array *a);
/* Bytes a cell holds (its state, and its device parameters and stream when the
 * device has them); rpu_account adds the array's cells to m->synapse. */
size_t rpu_cell_bytes(const struct rpu_params *p);
void rpu_account(const struct rpu_array *a, struct mem_account *m);

void rpu_pulse_device(struct rpu_array *a, size_t cell, int up);

/* Pulse amplitude (bit-contract §5): every later coincidence moves its cell by
 * k device steps instead of one (training.pulse_steps, set per epoch). */
static inline void rpu_set_pulse_steps(struct rpu_array *a, int k) { a->pulse_steps = k; }

/* The ideal device's step rule, k >= 0 steps up or down with hard bounds +-m; a state
 * already at (or programmed beyond) its bound stays. Branch-free, so that the hot
 * loops of the golden model and the chip cores (which inline it) vectorise. */
static inline int16_t rpu_ideal_up(int32_t v, int32_t k, int32_t m)
{
    int32_t t = v + k < m ? v + k : m;
    return (int16_t)(t > v ? t : v);
}
static inline int16_t rpu_ideal_down(int32_t v, int32_t k, int32_t m)
{
    int32_t t = v - k > -m ? v - k : -m;
    return (int16_t)(t < v ? t : v);
}

/* One coincidence pulse on `cell`: up (+pulse_steps steps) or down (-pulse_steps). */
static inline void rpu_pulse(struct rpu_array *a, size_t cell, int up)
{
    if (a->p.ideal) {
        int32_t v = a->w[cell], m = a->p.nmax, k = a->pulse_steps;
        if (up) {
            a->pulses_up++;
            a->w[cell] = rpu_ideal_up(v, k, m);
        } else {
            a->pulses_down++;
            a->w[cell] = rpu_ideal_down(v, k, m);
        }
        return;
    }
    rpu_pulse_device(a, cell, up);
}
#endif
