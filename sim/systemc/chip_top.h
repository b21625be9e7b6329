// The chip as a SystemC module graph: a core_module per core, the mesh network
// (sc_mesh: a router_node per node, C or RTL, links, the network interfaces'
// queues), each core's loop-back queue, and the chip's clock controller.
//
// Clocking keeps the native engine's cycle semantics (sim/chip.c) exactly. One
// cycle n occupies [n, n+1) ns (after inference, which rewinds the cycle count, from
// a later origin): the chip clock rises at n (every core acts), the
// network clock rises at n + 0.5 (every router acts) and falls at n + 0.75 (the
// RTL's registered outputs are collected; with only C routers, a delta later). The network clock is gated off while
// no flit is in the network, as the native engine stops the mesh then, and when
// there is neither traffic nor a loop-back flit the controller advances time to
// the next computation's end instead of ticking idle cycles, as chip.c does. A
// step ends at the rising edge where the barrier master holds every BARRIER; the
// next step's RELEASE goes out in that same cycle, exactly as in chip.c.
#ifndef SC_CHIP_TOP_H
#define SC_CHIP_TOP_H
#include "core_module.h"
#include "sc_mesh.h"

#include <string>
#include <vector>

extern "C" {
#include "mesh.h"
}

struct chip_top : sc_core::sc_module {
    SC_HAS_PROCESS(chip_top);
    // Builds the graph for chip c; `failed` set with a message in err on a bad chip.
    chip_top(sc_core::sc_module_name name, struct chip *c, char *err, size_t errlen, int *failed);

    // One time step (called between sc_start calls): 0 or -1 with a message.
    int step(uint32_t t, char *err, size_t errlen);
    const struct mesh_counters *noc_counters();
    int open_trace(const char *path, char *err, size_t errlen);
    void close_trace();
    int rtl_routers() const;

    struct chip *const c;

private:
    void controller();
    void run_cycles();
    bool check_faults();
    void trace_cycle(bool network_ticked);
    static void observe(void *ctx, const struct core *k, int event, int neuron, int64_t value, uint64_t cycle);

    sc_core::sc_signal<bool> clk_{ "clk" };
    sc_mesh *net_ = nullptr;
    std::vector<flit_queue *> loop_;
    std::vector<core_module *> cores_;
    sc_core::sc_time origin_ = sc_core::SC_ZERO_TIME;   // simulated time of cycle 0
    sc_core::sc_event go_;
    bool pending_ = false;
    std::string error_;

    // Waveforms (names of sim/chip_waves.c).
    sc_core::sc_trace_file *tf_ = nullptr;
    sc_core::sc_signal<uint32_t> sample_{ "sample" }, step_{ "step" };
    std::vector<sc_core::sc_signal<uint8_t, sc_core::SC_MANY_WRITERS> *> winner_;
    std::vector<sc_core::sc_signal<uint16_t, sc_core::SC_MANY_WRITERS> *> pulses_;
    std::vector<sc_core::sc_signal<bool> *> valid_;         // [node * 5 + port]
    std::vector<sc_core::sc_signal<uint8_t> *> occ_;        // [node * 5 + port]
    std::vector<sc_core::sc_signal<uint8_t> *> cred_;       // [node * 4 + port]
    bool pulses_set_ = false, valid_set_ = false;
};
#endif
