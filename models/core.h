/* A neuromorphic core of the cycle-level chip: a group of neurons of one layer
 * with their random streams, crossbar tiles and spike queues, and the per-step
 * protocol that moves it through the phases of an SSNN-BP time step:
 *
 *   input core   draws its Bernoulli encoders, sends x_i to every hidden core;
 *   hidden core  integrates x_i rows as they arrive (W1 tiles), fires forward and
 *                derivative units, sends h_j to the output core; then gates the
 *                backward spikes b+-_j with d_j and pulses its W1 columns;
 *   output core  integrates h_j rows (W2 tiles), draws the WTA winner, the update
 *                gate, the backward spikes through the transposed W2 read, sends
 *                b+-_j to the owning hidden cores and pulses W2.
 *
 * At depth L > 1 (docs/chip.md "Depth") hidden layer l's cores take layer l-1's
 * spikes and send theirs to layer l+1's cores (the top layer's to the output
 * core). Backward, a core of layer l >= 2 sends its gradient spikes g+-_m to every
 * core of layer l-1, which reads them through its mirror of W^l's rows (the
 * transposed copy of its neurons' rows of W^l, pulsed by the same coincidences),
 * runs its own backward generators and gates them with d.
 *
 * A phase ends when a core holds a PHASE_DONE from every sender of that phase and
 * as many spikes as those markers announce (markers carry counts, so flits that
 * overtake one another on different virtual channels cannot end a phase early).
 * Every core then sends BARRIER to the barrier master, whose RELEASE starts the
 * next step. Arithmetic and random draws follow docs/bit-contract.md exactly, so
 * the chip reproduces the golden model bit for bit. */
#ifndef CORE_H
#define CORE_H

struct core;
#include <stdint.h>

#include "activation.h"
#include "counter_list.h"
#include "crossbar.h"
#include "flit.h"
#include "ssnn.h"

enum core_role { CORE_INPUT, CORE_HIDDEN, CORE_OUTPUT };

/* What every core of a chip shares: layer sizes, tables, the map of who hosts
 * what, and the sample being presented. */
struct chip_shared {
    int n_in, n_h, n_out;
    const struct rpu_params *rp;    /* device model of every tile */
    const struct device_cfg *dev;
    uint64_t seed;
    int lanes;                      /* neuron units updated per cycle */
    int xbar_rows;                  /* rows per crossbar tile */
    const struct activation *act;
    uint64_t beta_q;
    int64_t noise_k;
    int n_input_cores, n_hidden_cores;
    int *input_nodes, *hidden_nodes;/* node of each input / hidden core */
    int *hidden_first;              /* first hidden neuron of each hidden core */
    int output_node, master_node;
    int hidden_per_core;            /* neurons per hidden core (the last may hold fewer) */
    /* Depth (docs/depth.md): 0 or 1 is one hidden layer, and then the fields below
     * may be left NULL; hidden cores are placed layer by layer, and n_h, beta_q
     * are the top layer's (what the output core reads and drives). */
    int depth;
    const int *width;               /* [n_in, hidden 1 .. L, n_out] */
    const int *layer_core0;         /* hidden layer l's cores: [layer_core0[l], layer_core0[l + 1]) */
    const uint64_t *beta_layer;     /* gain of hidden layer l's backward generators */
    /* the sample in presentation */
    const uint8_t *pixels;
    int label;                      /* < 0: inference */
    uint32_t gate_q;
    uint32_t step;                  /* id of the step in progress (unique over the run) */
};

/* Events of one core, named once (counter_list.h): the struct, the chip's sums
 * (core_counters_add: its totals, inference accounts) and MPI sharing expand
 * these lists.
 *   flits_sent, flits_received, local_deliveries
 *   unit evaluations, by unit (the energy model prices each):
 *   encoder_updates     input Bernoulli encoders
 *   fwd_unit_updates    hidden forward units
 *   deriv_unit_updates  hidden derivative units
 *   grad_unit_events    backward spikes gated by a gradient unit
 *   out_unit_updates    output membranes evaluated
 *   wta_decisions       WTA races run
 *   back_gen_updates    backward spike generators evaluated (every learning step: their draws run)
 *   back_gen_driven     of them, in a step an error (output core) or a gradient spike of the
 *                       layer above (a hidden core below the top) reached the core: the only
 *                       steps they compute, and the ones the energy model prices (issue 18)
 *   rng_fwd, rng_back   unit-stream draws serving the forward / backward phase
 *   busy_cycles         cycles spent computing
 *   barriers            BARRIER messages sent
 *   releases            RELEASE messages sent (master only)
 *   sent_local          flits to itself (no network)
 * and per traffic class (CORE_CLASS_COUNTERS, enum traffic_class), the traffic it
 * sent: what the energy model prices for its layer (chip.c counts it as it
 * dispatches): sent_hops_ew, sent_hops_ns, sent_routers; in a system of chips
 * also sent_interchip (CORE_SYSTEM_CLASS_COUNTERS: inter-chip link traversals,
 * written out only when there is more than one chip). */
#define CORE_COUNTERS(X)                                                                                \
    X(flits_sent) X(flits_received) X(local_deliveries) X(encoder_updates) X(fwd_unit_updates)          \
    X(deriv_unit_updates) X(grad_unit_events) X(out_unit_updates) X(wta_decisions) X(back_gen_updates) \
    X(rng_fwd) X(rng_back) X(busy_cycles) X(barriers) X(releases) X(sent_local) X(back_gen_driven)
#define CORE_CLASS_COUNTERS(X) X(sent_hops_ew) X(sent_hops_ns) X(sent_routers)
#define CORE_SYSTEM_CLASS_COUNTERS(X) X(sent_interchip)
#define CORE_ALL_CLASS_COUNTERS(X) CORE_CLASS_COUNTERS(X) CORE_SYSTEM_CLASS_COUNTERS(X)

struct core_counters {
    CORE_COUNTERS(COUNTER_FIELD)
    CORE_ALL_CLASS_COUNTERS(COUNTER_CLASS_FIELD)
};

COUNTER_ADD_FUNCTION(core_counters, CORE_COUNTERS, CORE_ALL_CLASS_COUNTERS)

/* Output of a core's cycle: flits to inject at its node. */
struct core_outbox {
    struct flit *f;
    int n, cap;
};

/* Events a core reports to an observer (the waveform dumper), if it has one:
 * (event, local neuron index, value, cycle). Models know nothing of waveforms. */
enum core_event {
    EV_INPUT,           /* input encoder fired */
    EV_FWD,             /* hidden forward unit fired */
    EV_DERIV,           /* hidden derivative unit fired */
    EV_MEMBRANE,        /* membrane sum of a hidden or output neuron (value) */
    EV_PROB,            /* firing probability, q0.16 (value) */
    EV_BACK_POS,        /* backward spike b+ arrived at hidden neuron */
    EV_BACK_NEG,
    EV_GRAD_POS,        /* gradient unit g+ fired (b+ AND d) */
    EV_GRAD_NEG,
    EV_WIN,             /* output neuron won the WTA race */
    EV_ERR_POS,         /* e+ at the winner */
    EV_ERR_NEG,         /* e- at the label */
    EV_PULSES,          /* coincidence pulses this core applied in a step (value) */
};
typedef void (*core_observer)(void *ctx, const struct core *k, int event, int neuron, int64_t value,
                              uint64_t cycle);

enum core_state { CS_WAIT_RELEASE, CS_COMPUTE, CS_FWD_IN, CS_BACK_IN, CS_DONE };

/* Hidden cores [*lo, *hi) of hidden layer l (0 = layer 1), and the hidden core
 * index that owns neuron j of that layer. */
void core_layer_cores(const struct chip_shared *sh, int l, int *lo, int *hi);
int core_owner(const struct chip_shared *sh, int l, int j);

struct core {
    enum core_role role;
    int node, index;                /* mesh node; index among cores of its role */
    int first, count;               /* neurons [first, first + count) of its layer */
    const struct chip_shared *sh;
    int layer;                      /* hidden layer (0 = layer 1); the output core: the top layer */
    /* crossbar tiles: W1 rows x this core's hidden columns, or W2 rows x outputs */
    struct crossbar *tiles;
    int n_tiles;
    /* a hidden core below the top: the mirror of W^(l+1)'s rows of its neurons,
     * transposed (row m: neuron m of the layer above, columns: this core's neurons) */
    struct crossbar *mirror;
    int n_mirror;
    uint32_t *rng_back, *rng_noise_b;   /* its own backward generators (kinds 4, 9) */
    int32_t *back;                  /* their read: sum of g+ rows minus g- rows */
    int grads_seen;                 /* gradient spikes from the layer above this step */
    int back_compute;               /* the computation in progress is the generators' */
    int pulse_scale, mirror_pulse_scale;    /* multiples of the epoch's pulse amplitude */
    /* unit streams (bit-contract §2), indexed by local neuron */
    uint32_t *rng_a, *rng_b, *rng_c;    /* input: in | hidden: fwd, deriv, noise | output: back, noise_b */
    uint32_t *rng_noise_o;              /* output: read noise per output */
    uint32_t rng_wta, rng_gate;
    /* step state */
    int32_t *acc;                   /* membranes (hidden: count, output: n_out) */
    uint8_t *h, *d;                 /* hidden: forward / derivative spikes */
    int32_t *rows;                  /* active rows this step (inputs or hidden) */
    /* hidden: where the gradient pulses land, mapped once the rows are in (finish_hidden) */
    int16_t **row_cells;            /* cells of each active row, then of the bias row */
    uint32_t *tile_rows;            /* how many of those rows each tile holds */
    int fast_pulses;                /* ideal device, one amplitude on every tile: pulses inline */
    int n_fired;                    /* hidden: neurons that fired forward this step */
    uint32_t *per_dest;             /* output: backward spikes sent to each hidden core */
    int n_rows;
    int winner, err;
    enum core_state state;
    uint32_t started;               /* id of the step this core last started */
    uint64_t busy_until;            /* cycle the current computation finishes */
    int markers_seen, markers_needed;
    uint64_t spikes_seen, spikes_announced;
    int barrier_count;              /* master: BARRIERs of this step */
    int n_cores;                    /* master: cores that report */
    char fault[200];                /* a flit this core could not accept, or "" */
    core_observer observe;          /* NULL: nobody watches */
    void *observe_ctx;
    struct ssnn_counters sc;        /* golden-model event counts of this core */
    struct ssnn_layer_counters lc;  /* the same, as its layer's share (the output core: the top layer's) */
    struct core_counters c;
};

int core_init(struct core *k, enum core_role role, int node, int index, int first, int count,
              const struct chip_shared *sh);
void core_free(struct core *k);
/* Adds what the core allocates (tiles, mirror, unit streams, step state) to m. */
void core_account(const struct core *k, struct mem_account *m);

/* Starts a time step (a RELEASE arrived). */
void core_start_step(struct core *k, uint64_t cycle, struct core_outbox *out);
/* Takes one delivered flit. */
void core_receive(struct core *k, const struct flit *f, uint64_t cycle, struct core_outbox *out);
/* Finishes a computation whose busy time has elapsed (cycle >= busy_until). */
void core_finish(struct core *k, uint64_t cycle, struct core_outbox *out);
/* The master's barrier: 1 when every core reported for this step. */
int core_barrier_complete(const struct core *k);

void outbox_push(struct core_outbox *o, const struct flit *f);

/* Cycles a computation takes beyond its lane groups because the RTL core's
 * units register their inputs and outputs (rtl/core.sv FinishLag*: input 0,
 * hidden 1 for the bias row, output 3 for the bias row, the WTA latch and its
 * done register). compute() adds it, so the chip counts the cycles the RTL takes;
 * the core lockstep bench fails if the RTL's localparams say otherwise. */
int core_finish_lag(enum core_role role);
#endif
