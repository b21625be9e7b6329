// The router of one mesh node as a SystemC module, with the ports of
// rtl/router.sv: four incoming and four outgoing links (flits one way, credits
// the other), the network interface's injection and ejection queues, the
// network's clock (gated off while no flit is in the network, as the native
// engine stops the mesh clock; an idle RTL router also gates its own) and reset.
// While rst_n is low, a clock edge returns a router to its state after
// construction (buffers, credits, arbiters and counters).
// Two implementations, swappable node by node (chip.rtl): c_router
// (models/router.c, unchanged, through models/router_io.c) and rtl_router (the
// Verilated rtl/router.sv).
#ifndef SC_ROUTER_NODE_H
#define SC_ROUTER_NODE_H
#include "flit_queue.h"
#include "link.h"

#include <string>

extern "C" {
#include "config.h"
#include "router.h"
#include "router_io.h"
}

struct router_node : sc_core::sc_module {
    sc_core::sc_in<bool> clk, rst_n;
    sc_core::sc_in<link_flit> in[4];            // N, E, S, W: flits arriving
    sc_core::sc_out<link_credit> in_credit[4];  // credits back through those links
    sc_core::sc_out<link_flit> out[4];          // flits leaving
    sc_core::sc_in<link_credit> out_credit[4];  // credits from downstream
    sc_core::sc_port<flit_queue_if> inject;     // the node's source queue (its core's flits)
    sc_core::sc_port<flit_queue_if> eject;      // delivered flits, for the core

    const int x, y;
    unsigned sent = 0;          // bit p: a flit crossed to output p (N, E, S, W, L) in the last cycle
    std::string fault;          // set when the router fails (watchdog): the engine stops with it

    router_node(sc_core::sc_module_name name, int x_, int y_) : sc_core::sc_module(name), x(x_), y(y_) {}
    // Event counters of models/router.h (the RTL's are counted at its ports).
    virtual const struct router_counters &counters() const = 0;
    // Flits buffered per input port and credits held per output link, for waveforms.
    virtual void state(uint32_t occupancy[5], int32_t credits[4]) const = 0;
    virtual bool is_rtl() const = 0;
    // The network clock's next level, from the controller in the delta it drives
    // clk: for a router that gates its own clock (rtl_router); others follow clk.
    virtual void clock(bool) {}
};

// models/router.c's router, its links cut open by models/router_io.c.
struct c_router : router_node {
    SC_HAS_PROCESS(c_router);
    c_router(sc_core::sc_module_name name, int x, int y, int mesh_x, const struct router_cfg *rc, char *err,
             size_t errlen, int *failed);
    ~c_router() override;
    const struct router_counters &counters() const override { return io_.r.c; }
    void state(uint32_t occupancy[5], int32_t credits[4]) const override;
    bool is_rtl() const override { return false; }

private:
    void tick();
    void restart();
    bool links_empty() const;
    struct router_io io_;
    const int mesh_x_;
    const struct router_cfg rc_;
    bool quiet_ = true;     // its outputs show no flit and no credit
};

// Builds the RTL router of node (x, y), or NULL with a message when this build's
// RTL does not fit the configured router (its parameters are fixed at Verilation).
router_node *rtl_router_new(const char *name, int x, int y, int mesh_x, int mesh_y, const struct router_cfg *rc,
                            char *err, size_t errlen);
#endif
