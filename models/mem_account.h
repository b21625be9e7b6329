/* What a model holds in memory, by what it grows with (docs/scale.md "Memory"):
 *   synapse  arrays with an entry per weight cell (conductance states, float copies,
 *            the device's per-cell parameters and streams, mirrors);
 *   neuron   arrays with an entry per unit of a layer (membranes, spikes, unit
 *            streams, the row lists a step fills);
 *   fixed    the rest: lookup tables, the structs of cores and routers, NoC buffers.
 * Each model adds the sizes it asks malloc for, next to where it allocates them, so
 * the figures follow the code; they are computed, not measured, and so the same
 * for any allocator, machine or MPI rank count (the result file holds them).
 * Queues that grow with the traffic (flits waiting) are left out: they hold the
 * flits in flight, a few thousand at most. */
#ifndef MEM_ACCOUNT_H
#define MEM_ACCOUNT_H
#include <stdint.h>

struct mem_account {
    uint64_t synapse, neuron, fixed;
};

static inline uint64_t mem_account_total(const struct mem_account *m)
{
    return m->synapse + m->neuron + m->fixed;
}
#endif
