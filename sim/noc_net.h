/* The network a `ssnnsim noc` rate point runs on (sim/noc.c): the native mesh
 * (models/mesh.c) or the SystemC engine's (sim/systemc/sc_noc.h, routers C or
 * RTL). The point's loop is written once against these operations; the engine is
 * chosen once per run. Each has the meaning of the mesh_* function of its name
 * (models/mesh.h). */
#ifndef NOC_NET_H
#define NOC_NET_H
#include <stddef.h>
#include <stdint.h>

#include "flit.h"
#include "mesh.h"

struct noc_net {
    void *ctx;
    /* A new point: an empty network at cycle 0 with its counters at zero. */
    int (*restart)(void *ctx, char *err, size_t errlen);
    void (*inject)(void *ctx, int node, const struct flit *f);
    int (*step)(void *ctx, char *err, size_t errlen);
    int (*eject)(void *ctx, int node, struct flit *out);
    uint64_t (*in_flight)(const void *ctx);
    uint64_t (*cycle)(const void *ctx);
    /* With nothing in flight: every buffer empty, the credits consistent. */
    int (*check)(const void *ctx, char *err, size_t errlen);
    const struct mesh_counters *(*counters)(void *ctx);
    uint64_t (*router_steps)(const void *ctx);
};
#endif
