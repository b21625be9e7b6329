/* What a chip counted: its timing and traffic (struct chip_counters, kept by the
 * clock in sim/chip.c) and every event of its cores and tiles summed (struct
 * chip_totals). These are what the energy model prices (models/energy.h), so they
 * sit in the model layer with it. */
#ifndef CHIP_COUNTERS_H
#define CHIP_COUNTERS_H
#include <stdint.h>

#include "counter_list.h"
#include "core.h"
#include "crossbar.h"
#include "flit.h"
#include "ssnn.h"

/* Timing and traffic of the chip, beyond the golden model's event counts, named
 * once (counter_list.h): the struct, the sums (chip_counters_add) and MPI sharing
 * expand these lists. The clock's, which every MPI rank counts alike:
 *   cycles            clock cycles simulated
 *   steps, samples
 *   step_cycles_min, step_cycles_max
 *   barrier_cycles    cycles from the last BARRIER sent to the release
 * The traffic, which each rank counts for its own cores:
 *   flits             flits that crossed the network
 *   local_flits       flits a core delivered to itself
 *   hops              router-to-router link traversals
 * and per traffic class (CHIP_CLASS_COUNTERS, enum traffic_class): flits,
 * east-west and north-south hops, router traversals (hops + 1 per flit: XY
 * routes are minimal). In a system of chips (docs/system.md), written out only
 * there (CHIP_SYSTEM_COUNTERS, CHIP_SYSTEM_CLASS_COUNTERS):
 *   interchip_flits       flits whose route leaves their chip
 *   interchip_hops        inter-chip link traversals (of the hops above)
 *   interchip_flit_cycles cycles those traversals spend on the links at zero load
 *                         (latency_cycles + cycles_per_flit - 1 each)
 *   class_interchip_hops  interchip_hops per traffic class (what is priced). */
#define CHIP_CLOCK_COUNTERS(X) X(cycles) X(steps) X(samples) X(step_cycles_min) X(step_cycles_max) X(barrier_cycles)
#define CHIP_TRAFFIC_COUNTERS(X) X(flits) X(local_flits) X(hops)
#define CHIP_CLASS_COUNTERS(X) X(class_flits) X(class_hops_ew) X(class_hops_ns) X(class_routers)
#define CHIP_SYSTEM_COUNTERS(X) X(interchip_flits) X(interchip_hops) X(interchip_flit_cycles)
#define CHIP_SYSTEM_CLASS_COUNTERS(X) X(class_interchip_hops)
#define CHIP_COUNTERS(X) CHIP_CLOCK_COUNTERS(X) CHIP_TRAFFIC_COUNTERS(X)
#define CHIP_ALL_COUNTERS(X) CHIP_COUNTERS(X) CHIP_SYSTEM_COUNTERS(X)
#define CHIP_ALL_CLASS_COUNTERS(X) CHIP_CLASS_COUNTERS(X) CHIP_SYSTEM_CLASS_COUNTERS(X)

struct chip_counters {
    CHIP_ALL_COUNTERS(COUNTER_FIELD)
    CHIP_ALL_CLASS_COUNTERS(COUNTER_CLASS_FIELD)
};

COUNTER_ADD_FUNCTION(chip_counters, CHIP_ALL_COUNTERS, CHIP_ALL_CLASS_COUNTERS)

/* Everything a chip counted, summed over its cores and tiles: what the energy
 * model prices. Hidden-core tiles hold W1 (at depth W1..WL), the output core's
 * W2 (W_out); wm is the mirrors of W2..WL (depth > 1 only). */
struct chip_totals {
    struct ssnn_counters sc;        /* the golden model's counters, summed over the cores */
    struct core_counters core;
    struct crossbar_counters w1, w2, wm;
    struct chip_counters chip;
};

/* d += a - b, every counter of every struct (d += a when b is NULL). */
static inline void chip_totals_add(struct chip_totals *d, const struct chip_totals *a, const struct chip_totals *b)
{
    ssnn_counters_add(&d->sc, &a->sc, b ? &b->sc : NULL);
    core_counters_add(&d->core, &a->core, b ? &b->core : NULL);
    crossbar_counters_add(&d->w1, &a->w1, b ? &b->w1 : NULL);
    crossbar_counters_add(&d->w2, &a->w2, b ? &b->w2 : NULL);
    crossbar_counters_add(&d->wm, &a->wm, b ? &b->wm : NULL);
    chip_counters_add(&d->chip, &a->chip, b ? &b->chip : NULL);
}
#endif
