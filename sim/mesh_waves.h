/* Router port signals of a mesh NoC in a waveform dump, the same in the chip's
 * dump (sim/chip_waves.c) and in the NoC-only one (`ssnnsim noc --waves`):
 *   router_X_Y.{N,E,S,W,L}_valid       a flit left through that output port this cycle
 *   router_X_Y.{N,E,S,W,L}_occupancy   flits buffered at that input port (all VCs)
 *   router_X_Y.{N,E,S,W}_credits       credits held for that output link (all VCs)
 * declared in the caller's current scope, for the routers it selects. */
#ifndef MESH_WAVES_H
#define MESH_WAVES_H
#include <stdint.h>

struct mesh;
struct waves;
struct mesh_waves;

/* Declares the signals of the routers whose selected[node] is set (node id
 * y * mesh_x + x), in node order. `hold` > 0: buffers and credits are sampled
 * only for `hold` cycles after a traversal at the router or a neighbour (they
 * change only then; cheaper); 0: every cycle mesh_waves_sample is called. */
struct mesh_waves *mesh_waves_declare(struct waves *w, int mesh_x, int mesh_y, const unsigned char *selected,
                                      uint64_t hold);
/* The same for a system of chips of chip_w x chip_h routers (docs/system.md): a
 * router's scope names its chip and its place on it, chip_I_J_router_X_Y. */
struct mesh_waves *mesh_waves_declare_chips(struct waves *w, int mesh_x, int mesh_y, int chip_w, int chip_h,
                                            const unsigned char *selected, uint64_t hold);
/* A flit left router `node` through output port `out_port` (enum router_port) at time t. */
void mesh_waves_switch(struct mesh_waves *mw, uint64_t t, int node, int out_port);
/* Buffer occupancy and credits of the selected routers at time t. */
void mesh_waves_sample(struct mesh_waves *mw, const struct mesh *m, uint64_t t);
/* Valid pulses written so far (flits that left a selected router), for tests. */
uint64_t mesh_waves_flits(const struct mesh_waves *mw);
void mesh_waves_free(struct mesh_waves *mw);
#endif
