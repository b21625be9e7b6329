/* The SSNN-BP golden model: the learning rule of docs/learning-rule.md in the chip's own
 * integer arithmetic and random streams, with no notion of time below a step.
 * It defines the bits; the cycle-level chip and the RTL must reproduce them.
 * Every operation follows docs/bit-contract.md, whose section numbers the code
 * cites. Any depth L >= 1 (docs/depth.md): hidden matrices W1 (input+bias ->
 * hidden 1) .. WL, and W_out (hidden L+bias -> output); L = 1 is W1, W2. */
#ifndef SSNN_H
#define SSNN_H
#include <stddef.h>
#include <stdint.h>

#include "activation.h"
#include "counter_list.h"
#include "rpu.h"

struct ssnn_cfg;

/* Event counts: every figure the energy model and the engines compare. At depth
 * L > 1 each is the total over the layers (docs/depth.md): hidden, derivative,
 * backward and gradient spikes of every hidden layer; syn_ops_w1 and w1_pulses
 * for the hidden matrices W1..WL, syn_ops_w2 and w2_pulses for W_out;
 * syn_ops_back for every backward read (of W_out, and of W2..WL).
 *
 * Named once, in this list: the struct, the sums and the result JSON expand it.
 *   samples, steps        samples trained or evaluated, time steps run
 *   input_spikes          x_i(t) = 1
 *   hidden_spikes         forward units h_j(t) = 1
 *   deriv_spikes          derivative units d_j(t) = 1
 *   output_spikes         WTA winners (one per step)
 *   err_pos, err_neg      e+_k, e-_k
 *   back_pos, back_neg    b+_j, b-_j
 *   grad_pos, grad_neg    g+_j, g-_j
 *   gate_closed           steps whose error spikes the update gate suppressed
 *   syn_ops_w1            cells read in W1 forward reads
 *   syn_ops_w2            cells read in W2 forward reads
 *   syn_ops_back          cells read in W2 backward reads
 *   w1_pulses, w2_pulses  coincidence pulses (device steps) applied
 *   rng_draws             draws from all unit streams (not cell streams) */
#define SSNN_COUNTERS(X)                                                                              \
    X(samples) X(steps) X(input_spikes) X(hidden_spikes) X(deriv_spikes) X(output_spikes) X(err_pos) \
    X(err_neg) X(back_pos) X(back_neg) X(grad_pos) X(grad_neg) X(gate_closed) X(syn_ops_w1)           \
    X(syn_ops_w2) X(syn_ops_back) X(w1_pulses) X(w2_pulses) X(rng_draws)

struct ssnn_counters {
    SSNN_COUNTERS(COUNTER_FIELD)
};

COUNTER_ADD_FUNCTION(ssnn_counters, SSNN_COUNTERS, COUNTER_NO_CLASS)

/* One hidden layer's share of the totals above (reported only when L > 1):
 *   syn_ops_fwd   cells read in forward reads of this layer's W
 *   syn_ops_back  cells read in the backward read that feeds this layer
 *   pulses        coincidence pulses on this layer's W */
#define SSNN_LAYER_COUNTERS(X)                                                                  \
    X(hidden_spikes) X(deriv_spikes) X(back_pos) X(back_neg) X(grad_pos) X(grad_neg) X(syn_ops_fwd) \
    X(syn_ops_back) X(pulses)

struct ssnn_layer_counters {
    SSNN_LAYER_COUNTERS(COUNTER_FIELD)
};

COUNTER_ADD_FUNCTION(ssnn_layer_counters, SSNN_LAYER_COUNTERS, COUNTER_NO_CLASS)

/* The streams of one hidden layer's units (§2: layer l's domain, docs/depth.md). */
struct ssnn_layer_streams {
    uint32_t *fwd, *deriv, *back;   /* per neuron */
    uint32_t *noise_h, *noise_b;    /* read noise, when enabled */
};

/* The per-unit random streams of one engine context (§2). */
struct ssnn_streams {
    uint32_t *in;                   /* per input unit */
    int depth;                      /* entries of hid */
    struct ssnn_layer_streams *hid; /* per hidden layer, layer 1 first */
    uint32_t *noise_o;              /* read noise of the output columns, when enabled */
    uint32_t wta, gate;
};

/* Hidden layer l: composite neurons fed by layer l-1 (the inputs for l = 1)
 * through W^l, and the scratch of one step. */
struct ssnn_layer {
    int n_in, n;                /* fan-in (width of layer l-1) and width */
    struct rpu_array w;         /* W^l: (n_in + 1) x n, row n_in = bias */
    uint64_t beta_q;            /* gain of this layer's backward generators (§5) */
    int pulse_scale;            /* this matrix's multiple of the epoch's pulse amplitude */
    struct ssnn_layer_counters c, infer;
    int32_t *acc;               /* membranes */
    uint8_t *h, *d;             /* forward and derivative spikes */
    int32_t *hs;                /* active neuron indices (+ bias) */
    int nhs;
    int32_t *gp, *gn;           /* neurons with a g+ spike, with a g- spike (n entries each) */
    int ngp, ngn;
    uint32_t *draw;             /* one step's per-neuron scratch: firing probabilities, then backward draws */
    float *wf;                  /* float copy of W for the rate read-out */
};

struct ssnn {
    int n_in, n_out;
    int depth;                  /* L: hidden layers */
    struct ssnn_layer *layer;   /* layer[0] is hidden layer 1 */
    struct rpu_array w_out;     /* (n_L + 1) x n_out, row n_L = bias */
    int out_pulse_scale;
    struct rpu_params rp;
    struct activation act;
    struct ssnn_streams train;  /* training streams: continue across samples */
    uint64_t seed;
    double dw_min;              /* weight of one device state */
    int64_t noise_k;            /* read noise: states = z * noise_k >> 16 */
    int rate_membrane;          /* training.membrane = rate: layer 1 reads the pixels, not the spikes */
    struct ssnn_counters c;
    struct ssnn_counters infer;   /* what WTA inference counted (ssnn_infer_wta), kept out of c */
    /* scratch of one step */
    uint16_t *pq;               /* input firing probabilities, q0.16 */
    uint8_t *bits;              /* input draws */
    int32_t *xs;                /* active input indices (+ bias) */
    int32_t *v;                 /* output membranes */
    int64_t *msum;              /* rate membrane: sum_i W1[i][j] * P_i, q0.16 states, kept exact */
};

/* The top hidden layer, which the output reads. */
static inline struct ssnn_layer *ssnn_top(const struct ssnn *s) { return &s->layer[s->depth - 1]; }

/* Builds the model from its parameters (sim/ssnn_setup.h: from a workload). */
int ssnn_build(struct ssnn *s, const struct ssnn_cfg *cfg, char *err, size_t errlen);
void ssnn_free(struct ssnn *s);
/* Adds what the model allocates to m (models/mem_account.h). */
void ssnn_account(const struct ssnn *s, struct mem_account *m);

/* Streams for one evaluation pass: reseeded from the run seed in the eval domain,
 * so evaluating never disturbs training and always gives the same answer. */
int ssnn_streams_alloc(struct ssnn_streams *st, const struct ssnn *s);
void ssnn_streams_seed(struct ssnn_streams *st, const struct ssnn *s, int domain);
void ssnn_streams_free(struct ssnn_streams *st);
/* Adds what one set of streams of s allocates to m. */
void ssnn_streams_account(const struct ssnn *s, struct mem_account *m);

/* Presents one training sample for T steps; gate_q is the update gate, q0.16
 * (65536 = always open). Returns the output with the most WTA wins over the
 * sample's steps (lowest index on ties): the online training prediction. */
int ssnn_train_sample(struct ssnn *s, const uint8_t *pixels, int label, int T, uint32_t gate_q);

/* Pulse amplitude of every later coincidence, in device steps (bit-contract §5;
 * training.pulse_steps of the epoch, 1 by default), times each matrix's
 * training.pulse_steps_layers entry when given. */
void ssnn_set_pulse_steps(struct ssnn *s, int k);

/* WTA read-out: T steps with learning off on the given streams; wins[k] counts
 * the steps output k won. Returns the class with the most wins (lowest on ties). */
int ssnn_infer_wta(struct ssnn *s, struct ssnn_streams *st, const uint8_t *pixels, int T,
                   uint32_t *wins);

/* Rate read-out: argmax_k v_k with h^l = sigma(W^l h^(l-1) + b^l), h^0 = p, in
 * floating point from the integer weights. ssnn_rate_prepare refreshes the
 * float copies of W1..WL. hbuf holds ssnn_rate_scratch(s) floats. */
void ssnn_rate_prepare(struct ssnn *s);
size_t ssnn_rate_scratch(const struct ssnn *s);
int ssnn_infer_rate(const struct ssnn *s, const uint8_t *pixels, float *hbuf);

/* Checkpoint image: states, device parameters, streams and counters. */
size_t ssnn_state_size(const struct ssnn *s);
void ssnn_state_save(const struct ssnn *s, uint8_t *buf);
void ssnn_state_load(struct ssnn *s, const uint8_t *buf);
#endif
