/* The SystemC engine (docs/systemc.md): the chip's cores and routers as SystemC
 * modules around the unchanged C models, callable from C. The module graph is
 * elaborated once per process; each time step is then one sc_start. */
#ifndef SC_CHIP_H
#define SC_CHIP_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct chip;

/* Builds the modules around a chip made by chip_init and hands its time steps
 * to them (chip.engine); the routers chip.rtl names run as the Verilated
 * rtl/router.sv. 0, or -1 with a message in err ("file:line:col: ..." when the
 * configuration asks for what this build cannot do). */
int sc_chip_attach(struct chip *c, char *err, size_t errlen);

/* sc_trace VCD of the chip run (call before its first step): PATH must end in
 * .vcd; signal names are those of the native dump (sim/chip_waves.c). */
int sc_chip_trace(struct chip *c, const char *path, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
