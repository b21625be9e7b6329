/* The parameters of a router (the chip description's chip.router section): what
 * models/router.c, models/mesh.c and models/router_io.c are built from. */
#ifndef ROUTER_CFG_H
#define ROUTER_CFG_H
#include <stdint.h>

struct router_cfg {
    int buffer_depth;       /* flits per input buffer, per virtual channel */
    int pipeline;           /* router pipeline stages (cycles per hop inside a router) */
    int link_latency;       /* cycles on a link between neighbouring routers */
    int vcs;                /* virtual channels per traffic class */
    int flit_bits;          /* bits per flit (address-event packet) */
    int64_t watchdog_cycles;/* a flit that has not moved this long stops the run */
    /* The microarchitecture (docs/noc.md "Router microarchitectures"); all zero is the
     * chip's default router, the one rtl/router.sv implements. */
    int model;              /* enum router_model */
    int speculative;        /* pipelined only: VA and SA in the same cycle (SA speculative) */
    int lookahead;          /* pipelined only: the route was computed upstream (no RC stage) */
    int sw_allocator;       /* enum router_sw_allocator */
    int vc_allocator;       /* enum router_vc_allocator */
    /* Slots allocated per input VC when more than buffer_depth (0: buffer_depth): a
     * system whose inter-chip ports hold deeper buffers (mesh_set_chip_links). */
    int slot_depth;
};

/* collapsed: RC, VA, SA and ST folded into `pipeline` cycles, a pure delay stamped
 * on the buffer write (the default). pipelined: each input VC takes its front
 * packet's head through RC, VA and SA stages, one packet at a time. */
enum router_model { ROUTER_COLLAPSED = 0, ROUTER_PIPELINED = 1 };
/* input_first: separable, input arbiters then output arbiters (the default).
 * islip: one iteration of iSLIP (grant, accept; pointers move on acceptance). */
enum router_sw_allocator { SW_INPUT_FIRST = 0, SW_ISLIP = 1 };
/* round_robin: each output port hands every free VC to the heads asking, round
 * robin over input VCs (the default). islip: one iteration of iSLIP between input
 * VCs and output VCs, as BookSim2's VC allocator: a free VC may stay unassigned
 * while a head asks for it. */
enum router_vc_allocator { VA_ROUND_ROBIN = 0, VA_ISLIP = 1 };

/* The cycles a head spends in RC and in a VA stage of its own, pipelined model:
 * the minimum `pipeline` is their sum + 1. */
static inline int router_cfg_min_pipeline(const struct router_cfg *rc)
{
    return rc->model == ROUTER_PIPELINED ? (rc->lookahead ? 0 : 1) + (rc->speculative ? 0 : 1) + 1 : 1;
}
static inline int router_cfg_is_default(const struct router_cfg *rc)
{
    return rc->model == ROUTER_COLLAPSED && !rc->speculative && !rc->lookahead && rc->sw_allocator == SW_INPUT_FIRST &&
           rc->vc_allocator == VA_ROUND_ROBIN;
}
#endif
