/* The energy model's view of a configured chip (see energy_shape.h). */
#include "energy_shape.h"
#include "config.h"

#include <string.h>

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

void energy_shape_init(struct energy_shape *s, const struct config *cfg, int n_cores)
{
    const struct chip_cfg *c = &cfg->chip;
    memset(s, 0, sizeof *s);
    s->n_cores = n_cores;
    s->chips = CFG_CHIPS_X(cfg) * CFG_CHIPS_Y(cfg);
    s->n_routers = c->mesh_x * c->mesh_y * s->chips;
    s->xbar_rows = c->xbar_rows;
    s->xbar_cols = c->xbar_cols;
    /* chip.c maps the full fan-in (inputs + bias) of a core's neurons onto its tiles */
    s->tiles_w1 = ceil_div(cfg->network.input + 1, c->xbar_rows);
    s->tiles_w2 = ceil_div(cfg->network.layers[cfg->network.n_layers - 2] + 1, c->xbar_rows);   /* W_out */
    s->depth = cfg->network.n_layers - 2;
    s->flit_bits = c->router.flit_bits;
    s->clock_mhz = c->clock_mhz;
    s->cycles_per_hop = c->router.pipeline + c->router.link_latency;
}
