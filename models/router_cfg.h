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
};
#endif
