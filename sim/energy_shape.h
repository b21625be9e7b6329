/* What the energy model needs to know of a chip beyond its counters (struct
 * energy_shape, models/energy.h), read from the configuration: tile sizes, the
 * tiles a hidden or output core's fan-in takes, flit width, clock, hop time. */
#ifndef ENERGY_SHAPE_H
#define ENERGY_SHAPE_H
#include "energy.h"

struct config;

/* The shape of cfg's chip with n_cores mapped cores. */
void energy_shape_init(struct energy_shape *s, const struct config *cfg, int n_cores);
#endif
