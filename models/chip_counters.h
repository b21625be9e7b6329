/* What a chip counted: its timing and traffic (struct chip_counters, kept by the
 * clock in sim/chip.c) and every event of its cores and tiles summed (struct
 * chip_totals). These are what the energy model prices (models/energy.h), so they
 * sit in the model layer with it. */
#ifndef CHIP_COUNTERS_H
#define CHIP_COUNTERS_H
#include <stdint.h>

#include "core.h"
#include "crossbar.h"
#include "flit.h"
#include "ssnn.h"

/* Timing and traffic of the chip, beyond the golden model's event counts. */
struct chip_counters {
    uint64_t cycles;                /* clock cycles simulated */
    uint64_t steps, samples;
    uint64_t step_cycles_min, step_cycles_max;
    uint64_t barrier_cycles;        /* cycles from the last BARRIER sent to the release */
    uint64_t flits;                 /* flits that crossed the network */
    uint64_t local_flits;           /* flits a core delivered to itself */
    uint64_t hops;                  /* router-to-router link traversals */
    /* per traffic class (enum traffic_class): flits, east-west and north-south
     * hops, router traversals (hops + 1 per flit: XY routes are minimal) */
    uint64_t class_flits[TC_COUNT], class_hops_ew[TC_COUNT], class_hops_ns[TC_COUNT];
    uint64_t class_routers[TC_COUNT];
};

/* Everything a chip counted, summed over its cores and tiles: what the energy
 * model prices. Hidden-core tiles hold W1 (at depth W1..WL), the output core's
 * W2 (W_out); wm is the mirrors of W2..WL (depth > 1 only). */
struct chip_totals {
    struct ssnn_counters sc;        /* the golden model's counters, summed over the cores */
    struct core_counters core;
    struct crossbar_counters w1, w2, wm;
    struct chip_counters chip;
};
#endif
