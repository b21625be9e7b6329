/* `ssnnsim noc --engine systemc` (docs/noc.md): the NoC benchmark's network as
 * the SystemC engine's mesh (sim/systemc/noc_top.h), callable from C. */
#ifndef SC_NOC_H
#define SC_NOC_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct config;
struct noc_net;

/* Elaborates the mesh of cfg's chip (chip.mesh_x/y, chip.router; the routers
 * chip.rtl names as the Verilated rtl/router.sv) and fills `net` with its
 * operations (sim/noc_net.h). Once per process, as SystemC elaborates once.
 * 0, or -1 with a message ("file:line:col: chip.rtl: ..." when this build's RTL
 * cannot serve the configured router). */
int sc_noc_open(const struct config *cfg, struct noc_net *net, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
