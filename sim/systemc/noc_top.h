// The NoC benchmark's network under SystemC (`ssnnsim noc --engine systemc`,
// docs/noc.md): the chip's mesh (sc_mesh, routers C or RTL as chip.rtl says)
// without cores, clocked one network cycle per host call. The host (sim/noc.c)
// queues flits at the nodes, asks for a cycle, and takes delivered flits out, as
// it does on the native mesh, so a point is the same experiment on either.
//
// Cycle k of the sweep occupies [k, k+1) ns; the network clock rises at k + 0.5.
// A new rate point resets the routers in delta cycles (the native benchmark
// builds a new mesh); time goes on.
//
// The RTL's flit_t has no `packet` or `born` field (rtl/flit_pkg.sv), and the
// latency is measured from `born`. So, as a testbench tags its stimulus, each
// flit carries a tag in its `step` field (a payload no router reads) through the
// network, and the fields it had when queued are restored from the tag when it
// is taken out: the host sees the flit it queued, whatever routers it crossed.
#ifndef SC_NOC_TOP_H
#define SC_NOC_TOP_H
#include "sc_mesh.h"

#include <string>
#include <unordered_map>

struct noc_top : sc_core::sc_module {
    SC_HAS_PROCESS(noc_top);
    // `failed` set with a message in err when the mesh cannot be built.
    noc_top(sc_core::sc_module_name name, const struct config *cfg, char *err, size_t errlen, int *failed);

    // Called between sc_start calls (from C, through sc_noc.cpp).
    int restart(char *err, size_t errlen);
    void inject(int node, const struct flit &f);
    int step(char *err, size_t errlen);
    bool eject(int node, struct flit &f);
    uint64_t in_flight() const { return net_->books.injected - net_->books.popped; }
    uint64_t cycle() const { return net_->cycles(); }
    int check(char *err, size_t errlen) const;
    const struct mesh_counters *counters() { return net_->counters(); }
    uint64_t router_steps() const { return net_->router_steps(); }

private:
    enum ask { ASK_RESET, ASK_CYCLE };
    struct saved {
        uint32_t step, packet;
        uint64_t born;
    };
    void controller();
    int run(ask a, char *err, size_t errlen);

    sc_mesh *net_ = nullptr;
    ask ask_ = ASK_RESET;
    bool pending_ = false;
    sc_core::sc_event go_;
    uint64_t sweep_cycles_ = 0;     // network cycles since elaboration: simulated time
    std::unordered_map<uint32_t, saved> tags_;  // flits in the network, by tag
    uint32_t next_tag_ = 0;
    std::string error_;
};
#endif
