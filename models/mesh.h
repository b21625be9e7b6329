/* A 2-D mesh network-on-chip: mesh_x * mesh_y routers (models/router.c), one per
 * core, connected by links, each router's local port attached to its core's
 * network interface. The interface the chip engine and the NoC benchmark use:
 * offer flits at a node, advance the clock, take delivered flits out. */
#ifndef MESH_H
#define MESH_H
#include <stddef.h>
#include <stdint.h>

#include "flit.h"
#include "router.h"  /* enum mesh_fault */

struct router_cfg;
struct mesh;    /* opaque: see mesh.c */

/* Per-mesh event counters (sums over routers and links), for the energy model:
 * the routers' events (ROUTER_EVENTS) and the cycles the mesh was stepped. */
#define MESH_COUNTERS(X) ROUTER_EVENTS(X) X(cycles_active)
struct mesh_counters {
    MESH_COUNTERS(COUNTER_FIELD)
};

COUNTER_ADD_FUNCTION(mesh_counters, MESH_COUNTERS, COUNTER_NO_CLASS)

/* s += one router's events (the mesh's cycles are its own). */
static inline void router_counters_fold(struct mesh_counters *s, const struct router_counters *c)
{
#define FOLD(name) s->name += c->name;
    ROUTER_EVENTS(FOLD)
#undef FOLD
}
/* Builds the mesh; -1 with a message on bad parameters or no memory. */
struct mesh *mesh_new(int mesh_x, int mesh_y, const struct router_cfg *rc, char *err, size_t errlen);
void mesh_free(struct mesh *m);
/* Bytes the mesh holds: its routers and their buffers (router_bytes). */
size_t mesh_bytes(const struct mesh *m);

/* A system of chips (docs/system.md): the mesh is cut into blocks of chip_w x
 * chip_h routers, one per chip, and every link that crosses a block boundary
 * becomes an inter-chip link of `latency` cycles carrying one flit every
 * `cycles_per_flit` cycles, both ways (router_set_link); its credits take
 * `latency` cycles back. `depth` > 0: the input buffers at both ends of such a link
 * hold `depth` flits per VC (the mesh's routers must have been built with
 * router_cfg.slot_depth >= depth), 0: the routers' own. Call before the first flit. */
void mesh_set_chip_links(struct mesh *m, int chip_w, int chip_h, int latency, int cycles_per_flit, int depth);

/* Queues a flit at node's network interface (an unbounded source queue, as in
 * BookSim: latency counts the time spent waiting there). */
void mesh_inject(struct mesh *m, int node, const struct flit *f);
/* Advances one clock cycle: only routers and links with work are stepped.
 * Returns 0, or -1 when the watchdog fired (message in err names the router,
 * the cycle and the state of the routers around it). */
int mesh_step(struct mesh *m, char *err, size_t errlen);
/* Pops one flit delivered to node (ejected from its local port); 1 if one was
 * there, 0 otherwise. Each node ejects at most one flit per cycle. */
int mesh_eject(struct mesh *m, int node, struct flit *out);
/* Node's ejection queue, read-only: a clock that polls every node each cycle tests
 * its count inline and calls mesh_eject only when a flit waits. */
const struct flitq *mesh_ejection_queue(const struct mesh *m, int node);
/* No flit anywhere: source queues, buffers, links and ejection queues empty. */
int mesh_idle(const struct mesh *m);
int mesh_active_routers(const struct mesh *m);   /* routers holding flits */
/* Flits buffered per input port (N, E, S, W, local) and credits held per output
 * link (N, E, S, W; summed over VCs), for waveforms. */
void mesh_router_state(const struct mesh *m, int node, uint32_t occupancy[5], int32_t credits[4]);
uint64_t mesh_in_flight(const struct mesh *m);   /* injected but not yet popped */
uint64_t mesh_cycle(const struct mesh *m);
/* Moves the clock forward to `cycle` over cycles in which nothing can happen:
 * only with no router active (a clock that runs with the chip's, docs/system.md
 * "Barrier"). -1 otherwise, or backwards. */
int mesh_set_cycle(struct mesh *m, uint64_t cycle);
const struct mesh_counters *mesh_counters(const struct mesh *m);

/* ---- extensions: inspection and test hooks -------------------------------- */

/* Router-cycles stepped so far (a router is stepped only in cycles it has work):
 * the denominator of the cost per active router-cycle. */
uint64_t mesh_router_steps(const struct mesh *m);
/* The counters of one router (node id = y * mesh_x + x). */
const struct router_counters *mesh_router_counters(const struct mesh *m, int node);
/* Checks the flow-control and conservation invariants: for every link and VC,
 * 0 <= credits <= buffer_depth and credits + credits in flight + flits buffered
 * downstream == buffer_depth; every flit injected is queued, buffered or
 * delivered (counted once). 0, or -1 with the first violation in err. */
int mesh_check(const struct mesh *m, char *err, size_t errlen);
/* Calls fn for every switch traversal (NULL turns it off); for tests and waveforms. */
typedef void (*mesh_trace_fn)(void *ctx, uint64_t cycle, int node, int in_port, int out_port,
                              int out_vc, const struct flit *f);
void mesh_set_trace(struct mesh *m, mesh_trace_fn fn, void *ctx);
/* Test hook: freezes (on = 1) or releases output port `port` (enum router_port)
 * of router `node`, as a broken link would; the watchdog must then fire. */
void mesh_debug_stall_link(struct mesh *m, int node, int port, int on);
/* Fault injection: after `after` switch traversals at router `node`, the next
 * flit it sends on a link is dropped, gets a corrupted destination, or its link
 * freezes. The chip must catch each (conservation check, watchdog, a core
 * refusing a flit): never a silent wrong answer, never a hang. `kind` is an enum
 * mesh_fault (router.h: the router carries it out). */
void mesh_set_fault(struct mesh *m, int kind, int node, uint64_t after);
/* Test hook: step every router with work each cycle, ignoring router.wake (the
 * results must be identical; only the cost differs). */
void mesh_debug_step_all(struct mesh *m, int on);
/* Test hook: the pipelined and iSLIP routers take their general path every step,
 * building the request lists even for requests that share no port (the reference
 * the served-alone steps must match). */
void mesh_debug_general_only(struct mesh *m, int on);
/* Zero-load latency of a packet of `flits` flits over `hops` links (docs/noc.md):
 * (hops + 1) * pipeline + hops * link_latency + flits, from generation to the
 * cycle its tail can be popped. */
uint64_t mesh_zero_load_latency(const struct router_cfg *rc, int hops, int flits);

/* ---- partitions: a mesh cut into row bands over MPI ranks (sim/partition.c) --
 * Every rank builds the whole mesh but steps only the routers it owns; the
 * others are ghosts whose buffers and credit rings collect what its own routers
 * send them across the boundary. Between windows of link_latency cycles the
 * partition code takes those out (mesh_take_boundary) and the neighbour rank
 * puts them into its real routers (mesh_put_*), stamps unchanged. */
struct mesh_xflit { struct flit f; uint64_t ready; int32_t node, vc; };
struct mesh_xcredit { uint64_t at; int32_t node, vc; };
/* Nodes [lo, hi) are stepped here (default: all). */
void mesh_set_owned(struct mesh *m, int lo, int hi);
/* Empties input port `port` and the credit ring of output port `port` of ghost
 * `node` into fl / cr (appending at *n_fl, *n_cr); returns how many it took. */
int mesh_take_boundary(struct mesh *m, int node, int port, struct mesh_xflit *fl, int *n_fl,
                       struct mesh_xcredit *cr, int *n_cr);
/* Delivers a flit into input port `port` of x->node / a credit to its output port `port`. */
void mesh_put_flit(struct mesh *m, int port, const struct mesh_xflit *x);
void mesh_put_credit(struct mesh *m, int port, const struct mesh_xcredit *x);
/* Overwrites the counters of router `node` (a ghost's, with its owner's). */
void mesh_load_router_counters(struct mesh *m, int node, const struct router_counters *c);
#endif
