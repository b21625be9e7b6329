/* The cycle-level chip: cores (models/core.c) with their crossbar tiles on the
 * nodes of a mesh NoC (models/mesh.c), assembled from the YAML chip description,
 * clocked cycle by cycle. It trains exactly as the golden model does (it starts
 * from a golden model's state and can hand its state back), while counting every
 * cycle, flit and event. */
#ifndef CHIP_H
#define CHIP_H
#include <stddef.h>
#include <stdint.h>

#include "activation.h"
#include "chip_counters.h"
#include "core.h"
#include "mesh.h"
#include "rpu.h"
#include "ssnn.h"

struct config;
struct chip_waves;
struct chip_partition;
struct chip_sync;

struct chip_fifo { struct flit *f; int head, n, cap; };
/* Where a core's flits wait: those it sent itself and the mesh's ejection queue
 * (its count read inline, so a poll that finds nothing costs no call). */
struct chip_door { struct chip_fifo *local; const struct flitq *ej; };

/* What one core counted in the inference account: its own counters and those of
 * its tiles and mirror tiles, summed. */
struct chip_core_account {
    struct core_counters core;
    struct crossbar_counters tiles, mirror;
};

/* Another clock for the same chip: the SystemC engine (sim/systemc/) runs each
 * time step through its modules in place of the loop in chip.c, and owns the
 * network then. Everything else (mapping, state exchange, counters) is chip.c's. */
struct chip_engine {
    void *ctx;
    /* Step t of the sample, from the RELEASE to the completed barrier, counting
     * c->c.cycles as chip.c does. */
    int (*run_step)(void *ctx, uint32_t t, char *err, size_t errlen);
    const struct mesh_counters *(*noc_counters)(void *ctx);
    void (*free)(void *ctx);
};

struct chip {
    struct chip_shared sh;
    struct rpu_params rp;
    struct activation act;
    int mesh_x, mesh_y;             /* the whole system's mesh (one chip's unless system.chips) */
    /* A system of chips (docs/system.md): chips_x x chips_y chips of chip_w x
     * chip_h routers each; an inter-chip hop spends xlink_cycles on its link. */
    int chips_x, chips_y, chip_w, chip_h, xlink_cycles;
    /* A system's clock (docs/system.md "Barrier"): the step ends barrier_cycles
     * after the master saw the last report, and the processes agree once per
     * `window` cycles (at most barrier_cycles and the inter-chip link's latency).
     * 0 on one chip: the clock agrees every cycle and ends the step at once. */
    uint64_t barrier_cycles, window;
    int *node_of;                   /* per core: its node under system.placement spread (NULL: fill) */
    struct core *cores;
    int n_cores;
    struct core **at;               /* node -> core (NULL: empty node) */
    struct core *master, *output;
    struct mesh *mesh;
    struct core_outbox out;
    struct chip_fifo *local;        /* per node: flits a core sent itself (no network) */
    struct chip_door *door;         /* per core: where its flits wait, polled every cycle */
    uint16_t (*xy)[2];              /* per node: its x and y (no divide per flit counted) */
    uint32_t step_id;               /* steps ever started: tags every flit with its step */
    int check;                      /* assert conservation at every step boundary */
    struct chip_waves *waves;       /* waveform dump, or NULL */
    const struct config *cfg;       /* the configuration it was built from */
    uint64_t wave_sample;           /* samples presented so far (train and infer) */
    struct ssnn_counters base;      /* golden counters carried in from the state */
    uint64_t base_w1[2], base_w2[2];/* device pulse counts carried in (up, down) */
    /* depth: the layer widths, hidden cores per layer and generator gains in
     * c->sh; what each hidden layer carried in (its counters, its W's pulses) */
    int *width, *layer_core0;
    uint64_t *beta_layer;
    struct ssnn_layer_counters *base_layer;
    uint64_t (*base_pulses)[2];
    struct ssnn_layer_counters *save_lc;
    struct ssnn_layer_counters *infer_lc;   /* per core: its layer's share of what inference cost */
    struct ssnn_streams saved;      /* training streams parked during inference */
    struct chip_counters c;
    struct chip_totals infer;       /* what inference cost (kept out of the training counts) */
    struct chip_core_account *infer_core;   /* the same, per core (energy by layer) */
    struct core_counters *save_c;   /* counters parked during inference */
    struct ssnn_counters *save_sc;
    struct crossbar_counters *save_x;
    int n_tiles_total;
    struct chip_engine engine;      /* run_step NULL: the native clock below */
    /* MPI partition (sim/chip_partition.c): this rank clocks the n_own cores
     * own[] (ascending; mine[k]: core k is one of them); NULL and every core in
     * a single process. */
    struct chip_partition *part;
    int *own, n_own;
    uint8_t *mine;
    const struct chip_sync *sync;   /* how the clock reads the whole chip: one process or the ranks */
};

/* The message of a chip in which nothing moves and the step has not ended:
 * `why` (a broken balance, or "" to name the first core still waiting). */
void chip_stall_message(const struct chip *c, uint64_t now, const char *why, char *err, size_t errlen);

/* Maps the configured network onto the configured chip and loads the golden
 * model's state. A network that does not fit returns -1 with
 * "file:line:col: message" in err. */
int chip_init(struct chip *c, const struct config *cfg, const struct ssnn *g, char *err, size_t errlen);
void chip_free(struct chip *c);
/* Adds what the chip allocates to m (models/mem_account.h); g is the golden model
 * it was built from. */
void chip_account(const struct chip *c, const struct ssnn *g, struct mem_account *m);

/* One training sample of T steps; returns the WTA read-out (most wins), or -1
 * with a message (watchdog, conservation) in err. */
int chip_train_sample(struct chip *c, const uint8_t *pixels, int label, int T, uint32_t gate_q,
                      char *err, size_t errlen);
/* WTA inference on the given streams (counters and training streams untouched). */
int chip_infer_wta(struct chip *c, struct ssnn_streams *st, const uint8_t *pixels, int T, uint32_t *wins,
                   char *err, size_t errlen);

/* The network's event counters, from whichever engine clocks it. */
const struct mesh_counters *chip_noc_counters(const struct chip *c);

/* Sums the training counters of every core and tile. */
void chip_totals(const struct chip *c, struct chip_totals *t);

/* Each hidden layer's share of what inference cost (depth entries, layer 1 first),
 * the chip's counterpart of the golden model's layer[l].infer. */
void chip_infer_layers(const struct chip *c, struct ssnn_layer_counters *layer);
/* Energy by layer. A chip's events are attributed to the hardware that did them,
 * in CHIP_PARTS(depth) parts: the input cores (part 0), the cores of hidden layer
 * l (part l, 1..L), the output core (L + 1), and the routers with no core on
 * their node (L + 2: their leakage alone). A flit counts for the core that sent
 * it, over its whole route. */
#define CHIP_PARTS(depth) ((depth) + 3)
/* The part a core belongs to. */
int chip_core_part(const struct chip *c, const struct core *q);
/* The counters of each part (training account, or inference when `infer`), so
 * that their sums over the parts are chip_totals' (or c->infer's); cycles, steps
 * and samples are the chip's in every part. cores[p] and routers[p] receive each
 * part's mapped cores and the routers that leak on its account. */
void chip_part_totals(const struct chip *c, int infer, struct chip_totals *part, int *cores, int *routers);

/* The node of the k-th core in placement order: row by row on one chip, and in a
 * system chip after chip (chips row by row), so a network fills a chip before it
 * spills onto the next. */
int chip_place_node(const struct chip *c, int k);
/* The chip (index, row by row over the system) node n is on. */
int chip_of_node(const struct chip *c, int n);
/* Chips of the system that hold at least one core. */
int chip_chips_used(const struct chip *c);

/* Counts a flit a core sent (dispatched by either clock) for the chip and for
 * the sending core. */
void chip_count_flit(struct chip *c, const struct flit *f);

/* Pulse amplitude of every tile's later coincidences (ssnn_set_pulse_steps). */
void chip_set_pulse_steps(struct chip *c, int k);

/* Copies the chip's state (conservation states, device streams, unit streams,
 * counters) into / out of a golden model of the same configuration. */
void chip_gather(const struct chip *c, struct ssnn *g);
void chip_scatter(struct chip *c, const struct ssnn *g);
#endif
