/* One router with its four links cut open: the port-level, cycle-by-cycle view
 * of models/router.c that a lockstep bench (testbenches/router_lockstep.cpp)
 * drives flit by flit and credit by credit, with the port timing of
 * rtl/router.sv:
 *   - a flit given on input link p in cycle a arrives in the input buffer in
 *     cycle a (it crossed the upstream switch in a - link_latency), so it may
 *     cross this switch in a + pipeline;
 *   - a credit given on output link o in cycle t is usable in cycle t;
 *   - flits queued with router_io_inject before the step of cycle g may enter
 *     the local input buffer in g (the network interface of router.c);
 *   - after router_io_step of cycle `now`, struct router_io_out holds what
 *     the RTL's registered outputs show in cycle now + 1: the flits arriving
 *     downstream and the credits arriving upstream in now + 1 (each crossed the
 *     switch link_latency - 1 cycles earlier), the flit ejected in `now`, and
 *     whether the watchdog fired in `now`.
 * The router is router.c's, unchanged: its neighbours are four stub routers that
 * are never stepped. It writes outgoing flits into their input buffers and
 * credits into their credit rings, exactly as in a mesh, and the step takes them
 * out again onto the cut links. */
#ifndef ROUTER_IO_H
#define ROUTER_IO_H
#include <stddef.h>
#include <stdint.h>

#include "flit.h"
#include "router.h"

struct router_cfg;

/* What arrives at the router's links in one cycle (ports N, E, S, W). */
struct router_io_in {
    uint8_t valid[4], vc[4];        /* a flit arrives on input link p, for input VC vc[p] */
    struct flit flit[4];
    uint8_t credit[4], credit_vc[4];/* a credit arrives on output link o, for output VC */
};

/* What the router's registered outputs show in the next cycle. */
struct router_io_out {
    uint8_t valid[4], vc[4];        /* a flit on output link o, for downstream VC vc[o] */
    struct flit flit[4];
    uint8_t credit[4], credit_vc[4];/* a credit on input link p, for upstream VC */
    uint8_t ej_valid;               /* a flit left through the local port */
    struct flit ej;
    uint8_t stuck, stuck_port, stuck_vc;    /* the watchdog (router_step returned -1) */
};

/* A link's contents by arrival cycle: slot (cycle mod link_latency + 1). */
struct router_io_wire {
    uint8_t valid, vc;
    struct flit f;
};

struct router_io {
    struct router r;
    struct router stub[4];          /* the neighbour behind each cut link */
    struct router_io_wire *flits, *credits;   /* [4 * (link_latency + 1)] */
    int ring;                       /* link_latency + 1 */
    uint64_t now;                   /* the cycle the next step advances */
};

/* Router (x, y) of a mesh_x-wide mesh; -1 with a message on bad parameters. */
int router_io_init(struct router_io *p, int x, int y, int mesh_x, const struct router_cfg *rc, char *err,
                     size_t errlen);
void router_io_free(struct router_io *p);

/* Queues a flit at the network interface for the coming step; -1 without memory. */
int router_io_inject(struct router_io *p, const struct flit *f);

/* Advances one cycle with the given link inputs and fills `out`. Returns 0, or -1
 * with a message when the inputs break flow control (a flit into a full buffer, a
 * credit for an output VC with every slot free) or memory runs out. */
int router_io_step(struct router_io *p, const struct router_io_in *in, struct router_io_out *out,
                     char *err, size_t errlen);

/* Flits of input VC v of port p that may cross the switch by cycle `by`. */
int router_io_ready(const struct router_io *p, int port, int v, uint64_t by);
#endif
