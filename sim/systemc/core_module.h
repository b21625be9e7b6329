// A neuromorphic core (models/core.c, unchanged) as a SystemC module, with its
// network interface: at each rising edge of the chip clock it finishes a
// computation whose time is up, takes one delivered flit (its own loop-back
// flits first, then the router's), and hands what it sent to the network or
// back to itself, counting flits and hops as chip.c does. Its crossbar tiles
// are child modules (crossbar_tile) that publish what the core does with them.
#ifndef SC_CORE_MODULE_H
#define SC_CORE_MODULE_H
#include "flit_queue.h"
#include "sc_mesh.h"

#include <string>
#include <vector>

extern "C" {
#include "chip.h"
}

// One crossbar tile of a core (models/crossbar.c): the core drives it by function
// call, as core.c does; the module shows its activity as signals for tracing.
struct crossbar_tile : sc_core::sc_module {
    sc_core::sc_signal<uint64_t> rows_driven, update_pulses;
    const struct crossbar *x;
    crossbar_tile(sc_core::sc_module_name name, const struct crossbar *x_)
        : sc_core::sc_module(name), rows_driven("rows_driven"), update_pulses("update_pulses"), x(x_) {}
    void publish()
    {
        if (rows_driven.read() != x->c.rows_driven) rows_driven.write(x->c.rows_driven);
        if (update_pulses.read() != x->c.update_pulses) update_pulses.write(x->c.update_pulses);
    }
};

struct core_module : sc_core::sc_module {
    sc_core::sc_in<bool> clk;
    sc_core::sc_port<flit_queue_if> to_net;     // the router's injection queue
    sc_core::sc_port<flit_queue_if> from_net;   // flits the router delivered
    sc_core::sc_port<flit_queue_if> loop;       // flits this core sent itself

    struct core *const q;
    std::vector<crossbar_tile *> tiles;
    struct core_outbox out = {};
    std::string fault;              // a flit the core refused: the engine stops with it
    uint64_t pending_done = UINT64_MAX; // busy_until of a computation still running at the edge

    SC_HAS_PROCESS(core_module);
    core_module(sc_core::sc_module_name name, struct chip *c, struct core *q, noc_books *books);
    ~core_module() override { free(out.f); }
    // Hands the flits in `out` to the network interface (also used for RELEASE).
    void send_all();
    void trace_tiles(bool on) { tracing_ = on; }

private:
    void tick();
    struct chip *const c_;
    noc_books *const books_;
    bool tracing_ = false;
};
#endif
