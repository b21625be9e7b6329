// The mesh network as a SystemC module: a router_node per node (C or RTL, as
// chip.rtl says), a link per router output, the unconnected links at the mesh
// edge, each node's injection and ejection queues, the network clock and reset.
// The chip (chip_top) and the NoC benchmark (noc_top) both clock it: they own
// the time and call cycle() once per network cycle from their thread.
//
// One network cycle: the clock rises (every router steps: C routers in the
// delta after the edge, RTL routers sample their inputs) and falls a quarter
// cycle later, when the RTL's registered outputs are collected (with only C
// routers, a delta later). An RTL router's own clock is driven in the delta
// of the network clock and held low while the router is idle (rtl_router.cpp).
#ifndef SC_MESH_H
#define SC_MESH_H
#include "flit_queue.h"
#include "link.h"
#include "router_node.h"

#include <string>
#include <vector>

extern "C" {
#include "mesh.h"
}

struct config;

// The network's books: flits handed to routers and flits taken out at the
// nodes. The network holds flits (its clock must run) while they differ.
struct noc_books {
    uint64_t injected = 0, popped = 0;
};

struct sc_mesh : sc_core::sc_module {
    // The mesh_x * mesh_y mesh of cfg's chip.router, with the routers chip.rtl
    // names as RTL; `failed` set with "file:line:col: chip.rtl: ..." in err when
    // this build's RTL cannot serve them.
    sc_mesh(sc_core::sc_module_name name, const struct config *cfg, int mesh_x, int mesh_y, char *err, size_t errlen,
            int *failed);

    // Both from the caller's SC_THREAD. reset: rst_n low over two network-clock
    // edges, in delta cycles (no time passes); every router returns to its state
    // after construction, counters included, and cycles() to 0 (the books are the
    // caller's: flits it queued before are still queued). cycle: one network
    // cycle from now.
    void reset();
    void cycle();

    // A router failed (watchdog, a flit breaking flow control): its message.
    bool failed(std::string &why) const;
    // No flit delivered for a watchdog period while some are in flight (a router
    // that stops being clocked counts nothing on its own watchdog): the message
    // names the routers holding flits.
    bool stalled(std::string &why);
    // With no flit in flight: every buffer empty, no link holding more credits
    // than buffer_depth per VC (the last ones may still be on their way home).
    bool drained(std::string &why) const;

    // Sums the routers' counters; cycles = network cycles since the last reset.
    const struct mesh_counters *counters();
    uint64_t router_steps() const;
    uint64_t cycles() const { return cycles_; }

    const int mesh_x, mesh_y;
    noc_books books;
    std::vector<flit_queue *> inject, eject;    // [node]
    std::vector<router_node *> routers;         // [node]
    int rtl_routers() const { return (int)rtl_.size(); }

private:
    void clock(bool level);

    const struct config *const cfg_;
    sc_core::sc_signal<bool> clk_{ "clk" }, rst_n_{ "rst_n" };
    std::vector<router_node *> rtl_;    // the RTL ones, which gate their own clock
    std::vector<link *> links_;         // [node * 4 + o]: leaving the node through port o
    std::vector<link *> edge_;          // [node * 4 + p]: unconnected input p at the mesh edge
    uint64_t cycles_ = 0;
    uint64_t popped_seen_ = 0, delivered_at_ = 0;  // the network's progress: books.popped, its cycle
    struct mesh_counters sum_ = {};
};
#endif
