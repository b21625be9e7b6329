/* One router of the 2-D mesh (models/mesh.c wires them): 5 ports (N, E, S, W,
 * local), input-buffered wormhole switching with virtual channels, dimension-order
 * XY routing, credit-based flow control, round-robin allocators, a pipeline of
 * `pipeline` cycles per hop and links of `link_latency` cycles. Timing contract
 * (derived in docs/noc.md):
 *   - a flit written into an input buffer at cycle a may cross the switch at
 *     cycle a + pipeline at the earliest (RC, VA, SA, ST collapsed into `pipeline`);
 *   - a flit crossing the switch at cycle c is written into the next router's
 *     buffer at c + link_latency; the credit for the slot it left reaches the
 *     upstream router at c + link_latency;
 *   - the network interface moves one flit per cycle from the node's source queue
 *     into the local input buffer (a flit queued before cycle g enters at g), and
 *     the local output port delivers one flit per cycle to the ejection queue.
 * Virtual channels are grouped by traffic class (flit.tclass): a packet only ever
 * holds VCs of its own class, so forward, backward and control traffic never wait
 * on each other's buffers. Not modelled: link errors, adaptive routing, speedup.
 * That is the default router (rtl/router.sv implements it). router_cfg.h's options
 * select a pipelined model (RC, VA, SA stages per input VC; lookahead; speculative
 * VA || SA; credits one cycle slower) and iSLIP switch and VC allocators, stepped by
 * a second copy of the cycle (docs/noc.md "Router microarchitectures"). */
#ifndef ROUTER_H
#define ROUTER_H
#include <stddef.h>
#include <stdint.h>

#include "counter_list.h"
#include "flit.h"

struct router_cfg;

/* North is y + 1, east is x + 1 (node id = y * mesh_x + x). */
enum router_port { PORT_N = 0, PORT_E, PORT_S, PORT_W, PORT_LOCAL, PORT_COUNT };
#define ROUTER_MAX_VCS 64           /* vcs per class x TC_COUNT, one bit each in a mask */

/* A fault armed at a router (mesh_set_fault): what happens to the next flit it
 * sends on a link. */
enum mesh_fault { MESH_FAULT_NONE = 0, MESH_FAULT_STUCK, MESH_FAULT_DROP, MESH_FAULT_CORRUPT };

/* The events every router counts and the mesh sums, named once: the structs,
 * the sums over routers (router_counters_fold) and every output that writes them
 * (JSON, CSV, MPI sharing) expand this list, so a counter has one name everywhere.
 *   flits_injected     flits queued at this node's interface
 *   flits_ejected      flits delivered into this node's ejection queue
 *   buffer_writes/reads  input buffer slots written / read
 *   switch_traversals  router crossbar traversals
 *   arbitrations       VC allocation grants + switch allocation grants
 *   link_ew/link_ns    flits sent on this router's outgoing east-west / north-south links
 *   credits            credits this router returned upstream */
#define ROUTER_EVENTS(X)                                                                       \
    X(flits_injected) X(flits_ejected) X(buffer_writes) X(buffer_reads) X(switch_traversals) \
    X(arbitrations) X(link_ew) X(link_ns) X(credits)

/* Events of one router, summed by the mesh (struct mesh_counters). */
struct router_counters {
    ROUTER_EVENTS(COUNTER_FIELD)
    uint64_t steps;                 /* cycles this router was stepped (it had work) */
};

/* A growable FIFO ring of flits: the network interface's source and ejection queues. */
struct flitq {
    struct flit *q;
    uint32_t head, count, cap;
};

/* A buffered flit and the first cycle it may cross the switch (arrival + pipeline). */
struct rslot {
    struct flit f;
    uint64_t ready;
};

/* One input virtual channel: a ring of `depth` slots and the state of the packet
 * at its front (route and output VC from VC allocation until its tail leaves). */
struct ivc {
    struct rslot *slot;
    uint64_t front_ready;           /* slot[head].ready, kept here to spare a load */
    uint16_t head, count;
    int8_t out_port;                /* -1 until the head at the front wins a VC */
    uint8_t out_vc;
    uint16_t cap;                   /* its slots: the router's depth, or an inter-chip port's */
    uint64_t since;                 /* cycle the current front became the front */
    uint64_t va_at;                 /* pipelined model: cycle the front head won its output VC */
    uint64_t elig;                  /* router_step_general's routers: the front's next step is due from this cycle */
};

/* A credit on its way back to this router: output VC `vc` gains a slot at `at`. */
struct credit_ret {
    uint64_t at;
    uint32_t vc;
};

/* Called for every switch traversal when set (tests, waveforms). */
typedef void (*router_trace_fn)(void *ctx, uint64_t cycle, int node, int in_port, int out_port,
                                int out_vc, const struct flit *f);

struct router {
    /* Scheduling state first: the mesh reads it for every active router each cycle. */
    uint64_t wake;                  /* no flit here can move before this cycle */
    uint32_t buffered;              /* flits in input buffers, including those on a link to them */
    int active;                     /* on the mesh's active list */
    struct flitq src, ej;           /* the node's network interface */

    int x, y, id, mesh_x;
    uint64_t row_magic;             /* dst / mesh_x == dst * row_magic >> 32 for 16-bit dst (2^32 at mesh_x 1) */
    int vcs, nvc;                   /* VCs per class; VCs per port = vcs * TC_COUNT */
    int depth, pipeline, link;
    int slot_depth;                 /* slots allocated per input VC (>= depth) */
    /* Per link (N/E/S/W): a flit sent at c lands at c + arrive[o] (+ the pipeline),
     * the credit for a slot freed at input p reaches upstream at c + credit_lat[p].
     * Both are `link` but on an inter-chip link (mesh_set_chip_links), which also
     * serialises: bit o of `serial` set, port o is busy until link_free[o]. */
    int arrive[4], credit_lat[4];
    uint16_t cycles_per_flit[4];
    uint8_t serial;
    uint64_t link_free[4];
    /* The microarchitecture (router_cfg.h; docs/noc.md "Router microarchitectures"). */
    int pipelined;                  /* model == ROUTER_PIPELINED */
    int rc_cycles;                  /* pipelined: 1 = an RC stage, 0 = lookahead routing */
    int va_cycles;                  /* pipelined: 1 = VA a stage before SA, 0 = speculative VA || SA */
    int early;                      /* rc_cycles + va_cycles: a body flit may leave `early` before its stamp */
    int credit_extra;               /* pipelined: a credit takes link + 1 cycles (BookSim2's credit channel) */
    int speculative, islip, va_islip;
    int general;                    /* any of the above: stepped by router_step_general */
    int64_t watchdog;
    struct router *nbr[4];          /* neighbour through port N/E/S/W, NULL at the edge */

    struct ivc *in;                 /* [PORT_COUNT * nvc] input VCs */
    uint64_t nonempty[PORT_COUNT];  /* bit v: input VC v holds a flit */
    uint64_t nonempty_all;          /* the same at bit p * nvc + v, up to 64 input VCs (!scan_wide) */
    unsigned ports;                 /* bit p: nonempty[p] != 0 */
    int16_t *credits;               /* [4 * nvc] free downstream slots, as known here */
    uint64_t ovc_free[PORT_COUNT];  /* bit v: output VC v is held by no packet */
    uint64_t class_vcs[TC_COUNT];   /* the VCs of each traffic class, as a mask */
    struct credit_ret *cring;       /* [4 * cring_cap] credits in flight to port o */
    uint32_t cring_head[4], cring_count[4], cring_cap;
    unsigned cring_mask;            /* bit o: credits in flight to output port o */
    uint64_t cring_due;             /* none of them arrives before this cycle (UINT64_MAX: none) */

    uint8_t rr_in[PORT_COUNT];      /* last VC granted at each input port */
    uint8_t rr_out[PORT_COUNT];     /* last input port granted at each output port */
    uint8_t rr_ovc[PORT_COUNT];     /* last output VC (0..nvc-1) handed out at each output port */
    uint16_t rr_va[PORT_COUNT];     /* last input VC (port * nvc + vc) granted a VC at each output */
    uint8_t rr_acc[PORT_COUNT];     /* iSLIP: last output port each input port accepted */
    uint8_t stalled;                /* test hook: bit o freezes output port o */
    uint8_t general_only;           /* test hook: router_step_general never serves requests alone */
    uint8_t fault;                  /* injected fault (enum mesh_fault), armed */
    uint64_t fault_after;           /* it strikes after this many switch traversals */
    int fault_nodes;                /* nodes on the mesh, for a corrupted destination */
    int ni_vc;                      /* local input VC of the packet being injected, or -1 */
    uint8_t ni_full;                /* it (or every VC of its class) was full: until a flit leaves one */
    uint8_t ni_rr;

    struct router_counters c;

    router_trace_fn trace;
    void *trace_ctx;

    int stuck_port, stuck_vc;       /* set when router_step reports a stall */
    uint64_t stuck_for;

    void *mem;                      /* the one allocation behind the arrays above */

    int scan_wide;                  /* over 64 input VCs: router_step_general scans port by port */
    uint8_t scan_port[64];          /* else bit i of its scan mask is a VC of port scan_port[i] */
    /* router_step_general's parked fronts (docs/noc.md "Parked fronts"), on routers that are
     * not wide: eligible fronts that ask no allocator for anything, left out of its
     * scan (park_block, scan bits) until what they wait for comes. A front holding
     * output VC (o, ov) without a credit, until one comes (park_cr[o]: bit ov;
     * park_cr_in: the front's scan bit); a head whose output o has no free VC of its
     * class, until a VC of o frees (park_vc[o]). Let out early at worst, never late. */
    uint64_t park_block;
    uint64_t park_cr[4], park_vc[PORT_COUNT];
    uint64_t park_deadline;         /* no parked front trips the watchdog before this cycle */
    uint8_t park_cr_in[4 * 12];     /* [o * nvc + ov] */

    /* VC allocation by iSLIP (va_islip): per output VC the last input VC
     * (port * nvc + vc) it granted, per input VC the last output VC it accepted. */
    uint16_t va_gptr[PORT_COUNT][ROUTER_MAX_VCS];
    uint8_t va_aptr[PORT_COUNT * ROUTER_MAX_VCS];
};

/* Prepares router (x, y); -1 with a message on bad parameters or no memory. */
int router_init(struct router *r, int x, int y, int mesh_x, const struct router_cfg *rc,
                char *err, size_t errlen);
void router_free(struct router *r);
/* Bytes the router holds: its struct and its buffers (the queues of its network
 * interface grow with the traffic and are left out). */
size_t router_bytes(const struct router *r);

/* Queues a flit at the node's interface at cycle now; -1 if the queue cannot grow. */
int router_inject(struct router *r, const struct flit *f, uint64_t now);

/* Advances cycle `now`. Call it only when now >= r->wake: before that it would be
 * a no-op, every flit here still being in the pipeline or on a link. Returns the
 * mask of ports N/E/S/W (bit = port) a flit left through (those neighbours now
 * have work), -1 when the watchdog fired (stuck_port, stuck_vc and stuck_for say
 * which flit), -2 when the ejection queue cannot grow. */
/* Its two halves, chosen inline (a call less per router-cycle): the default router
 * (collapsed, input-first: the chip's) and every other (router_cfg.h). */
int router_step_default(struct router *r, uint64_t now);
int router_step_general(struct router *r, uint64_t now);
static inline int router_step(struct router *r, uint64_t now)
{
    return r->general ? router_step_general(r, now) : router_step_default(r, now);
}

/* The two ends of a link, as traverse uses them (and the MPI partition, which
 * carries them across ranks): flit f lands in input port q, VC ov, usable from
 * cycle `ready`; a credit for output port o, VC v, arrives at cycle `at`. */
void router_accept(struct router *d, int q, int ov, const struct flit *f, uint64_t ready);
void router_credit_push(struct router *up, int o, int v, uint64_t at);

/* No flit buffered here and none waiting at the interface: stepping it is a no-op. */
static inline int router_has_work(const struct router *r)
{
    return r->buffered != 0 || r->src.count != 0;
}

/* Makes the link through output port o a link of `latency` cycles that carries
 * one flit every `cycles_per_flit` cycles: a flit sent at c occupies it until
 * c + cycles_per_flit and lands at c + latency + cycles_per_flit - 1 (the last
 * of its bits, as an on-chip link's flit lands after `link`). Sets this end only
 * (mesh_set_chip_links sets both ends). */
void router_set_link(struct router *r, int o, int latency, int cycles_per_flit);
/* Gives each VC of input port p `depth` slots (at most slot_depth), and the
 * upstream router through p as many credits: call before the first flit. */
void router_set_input_depth(struct router *r, int p, int depth);

/* The output port XY routing takes from this router towards node `dst`. */
int router_route(const struct router *r, int dst);

/* The first cycle input VC k's front may take its next step, computed afresh from
 * its state: mesh_check compares it with the copy (ivc.elig) that a router stepped by
 * router_step_general keeps. */
uint64_t router_front_elig(const struct router *r, int k);
/* Credits of output port o (N/E/S/W), VC v, counting those already arrived but not
 * yet applied (the router applies them when it next steps). */
int router_credits(const struct router *r, int o, int v, uint64_t now);
/* Credits still on their way back to output port o for VC v at cycle now. */
int router_credits_in_flight(const struct router *r, int o, int v, uint64_t now);

/* One line: buffer occupancy per input port and credits per output port. */
void router_describe(const struct router *r, uint64_t now, char *buf, size_t n);

int flitq_push(struct flitq *q, const struct flit *f);
/* Inline: the chip's clock polls every core's ejection queue each cycle. */
static inline int flitq_pop(struct flitq *q, struct flit *out)
{
    if (!q->count) return 0;
    *out = q->q[q->head];
    if (++q->head == q->cap) q->head = 0;
    q->count--;
    return 1;
}
void flitq_free(struct flitq *q);

extern const char *const router_port_name[PORT_COUNT];
#endif
