/* One core of models/core.c with its network interface, cycle by cycle: what a
 * lockstep bench (testbenches/core_lockstep.cpp) and the RTL speed benchmark
 * (tools/bench_rtl_core.cpp) drive against rtl/core.sv. core.c is used as it is;
 * this file is the clock around it, as sim/chip.c's loop is for a chip:
 *   - a flit delivered in cycle c is taken by core_receive() in cycle c (a core
 *     takes one a cycle and never refuses one);
 *   - a computation is finished (core_finish()) in the cycle its busy time ends
 *     (which includes the RTL's registered finish, core_finish_lag()), before the
 *     flit of that cycle is taken;
 *   - the flits the core queues in cycle c wait in the interface's queue and are
 *     offered from cycle c + 1, one a cycle, in order; the network takes the one
 *     offered when it is ready.
 * core_io_chip holds what the cores of a small chip share (chip_shared, tables,
 * device), mapped as sim/chip.c maps a chip: input cores, hidden cores, the output
 * core; one crossbar tile per core; the barrier master on node 0. */
#ifndef CORE_IO_H
#define CORE_IO_H
#include <stddef.h>
#include <stdint.h>

#include "activation.h"
#include "core.h"
#include "device_cfg.h"
#include "rpu.h"

/* The small chip a core belongs to. */
struct core_io_chip {
    struct chip_shared sh;
    struct activation act;
    struct rpu_params rp;
    struct device_cfg dev;
    int n_cores;
    uint8_t *pixels;                /* [n_in] the sample's pixels */
    /* two hidden layers (core_io_chip_init_deep): what sh's depth fields point to */
    int width[4], layer_core0[3];
    uint64_t beta_layer[2];
};

int core_io_chip_init(struct core_io_chip *ch, int n_in, int n_h, int n_out, int core_neurons, int lanes,
                      int xbar_rows, double dw_min, double w_max, char *err, size_t errlen);
/* The same chip with a second hidden layer of n_h2 above the first
 * (n_in-n_h-n_h2-n_out, docs/chip.md "Depth"), mapped as sim/chip.c maps it: input
 * cores, layer 1's cores, layer 2's cores, the output core. A core of layer 1 holds a
 * mirror of its rows of W2 (one tile: n_h2 <= xbar_rows) and its own backward
 * generators, whose gain is beta_layer[0]; what rtl/core.sv's role 3 is. */
int core_io_chip_init_deep(struct core_io_chip *ch, int n_in, int n_h, int n_h2, int n_out, int core_neurons,
                           int lanes, int xbar_rows, double dw_min, double w_max, char *err, size_t errlen);
void core_io_chip_free(struct core_io_chip *ch);
/* Node, first neuron and neuron count of core `index` of a role on this chip (a
 * hidden core's index runs over every hidden layer's cores, layer by layer). */
void core_io_place(const struct core_io_chip *ch, enum core_role role, int index, int *node, int *first, int *count);

struct core_io {
    struct core k;
    struct core_outbox box;         /* what the core queued this cycle */
    struct flit *q;                 /* the interface's queue */
    uint32_t head, count, cap;
    uint64_t now;                   /* the cycle the next step advances */
};

int core_io_init(struct core_io *c, const struct core_io_chip *ch, enum core_role role, int index);
void core_io_free(struct core_io *c);

/* One cycle. `in` is the flit delivered this cycle (NULL: none); `ready` says the
 * network takes the offered flit. Returns 1 with the offered flit in *out (taken
 * when ready), 0 when the queue was empty. */
int core_io_step(struct core_io *c, const struct flit *in, int ready, struct flit *out);

/* The flit the interface offers in the coming cycle (the RTL's registered output
 * after this cycle's edge); 0 when the queue is empty. */
static inline int core_io_peek(const struct core_io *c, struct flit *out)
{
    if (!c->count) return 0;
    *out = c->q[c->head];
    return 1;
}

/* The cycle a computation in progress finishes (its busy time). */
static inline uint64_t core_io_finish_at(const struct core_io *c)
{
    return c->k.busy_until;
}
#endif
