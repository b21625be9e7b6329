/* The one thing that moves on the network: an address-event packet (a spike or a
 * control message), carried as one or more flits. Spikes are single-flit packets;
 * synthetic NoC traffic may use longer packets (head ... tail). */
#ifndef FLIT_H
#define FLIT_H
#include <stdint.h>

/* What a spike event carries (docs/chip.md "What crosses the network in one
 * training step"). */
enum spike_stream {
    SS_INPUT = 0,       /* x_i: input encoder -> hidden core */
    SS_HIDDEN,          /* h_j: hidden core -> output core */
    SS_BACK_POS,        /* b+_j: output core -> hidden core */
    SS_BACK_NEG,        /* b-_j */
    SS_PHASE_DONE,      /* control: a sender finished a phase towards this core */
    SS_BARRIER,         /* control: a core reached the end of the step */
    SS_RELEASE,         /* control: the barrier master starts the next step */
    SS_SYNTHETIC,       /* NoC benchmark traffic */
    SS_GRAD_POS,        /* g+_m: hidden core of layer l >= 2 -> layer l-1's cores (depth) */
    SS_GRAD_NEG,        /* g-_m */
};

/* Traffic classes own disjoint virtual channels: forward and backward spikes
 * depend on each other and must never wait on one another's buffers. */
enum traffic_class { TC_FORWARD = 0, TC_BACKWARD = 1, TC_CONTROL = 2, TC_COUNT = 3 };

struct flit {
    uint16_t src, dst;      /* node ids: y * mesh_x + x */
    uint8_t stream;         /* enum spike_stream */
    uint8_t tclass;         /* enum traffic_class */
    uint8_t head, tail;     /* packet framing; a single-flit packet has both set */
    uint32_t neuron;        /* source neuron (global index in its layer) */
    uint32_t step;          /* time step the event belongs to */
    uint32_t packet;        /* packet id, for statistics and conservation */
    uint64_t born;          /* cycle the packet was generated (latency includes source queueing) */
};
#endif
