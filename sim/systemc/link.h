// A link between two routers: the flit going downstream and the credit coming
// back, each a signal written by the router that drives it. A link has no
// registers of its own: its latency is in the sending router's output registers,
// as in rtl/router.sv (and models/router_io.c, which models those registers).
#ifndef SC_LINK_H
#define SC_LINK_H
#include <systemc>
#include <ostream>

extern "C" {
#include "flit.h"
}

// What a link carries downstream in one cycle.
struct link_flit {
    bool valid = false;
    uint8_t vc = 0;
    struct flit f = {};
    // Field by field: struct flit has padding before `born`, which memcmp would read
    // (uninitialised; valgrind reports it, and a differing pad is a spurious event).
    bool operator==(const link_flit &o) const
    {
        const struct flit &a = f, &b = o.f;
        return valid == o.valid && vc == o.vc && a.src == b.src && a.dst == b.dst && a.stream == b.stream &&
               a.tclass == b.tclass && a.head == b.head && a.tail == b.tail && a.neuron == b.neuron &&
               a.step == b.step && a.packet == b.packet && a.born == b.born;
    }
};

// A credit going back upstream: output VC `vc` of the sender gained a slot.
struct link_credit {
    bool valid = false;
    uint8_t vc = 0;
    bool operator==(const link_credit &o) const { return valid == o.valid && vc == o.vc; }
};

inline std::ostream &operator<<(std::ostream &os, const link_flit &l)
{
    if (!l.valid) return os << "-";
    return os << "vc" << int(l.vc) << " " << l.f.src << "->" << l.f.dst << " s" << int(l.f.stream);
}
inline std::ostream &operator<<(std::ostream &os, const link_credit &l)
{
    return l.valid ? os << "credit vc" << int(l.vc) : os << "-";
}
// A traced link shows whether it carries something (the chip's VCD traces the
// routers' ports by name instead: chip.router_X_Y.*).
inline void sc_trace(sc_core::sc_trace_file *tf, const link_flit &l, const std::string &name)
{
    sc_core::sc_trace(tf, l.valid, name + ".valid");
}
inline void sc_trace(sc_core::sc_trace_file *tf, const link_credit &l, const std::string &name)
{
    sc_core::sc_trace(tf, l.valid, name + ".valid");
}

struct link : sc_core::sc_module {
    sc_core::sc_signal<link_flit> flit;         // written by the upstream router
    sc_core::sc_signal<link_credit> credit;     // written by the downstream router
    explicit link(sc_core::sc_module_name name) : sc_core::sc_module(name), flit("flit"), credit("credit") {}
};
#endif
