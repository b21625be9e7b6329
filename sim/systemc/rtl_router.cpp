// rtl/router.sv, Verilated with --sc, as a node's router (see router_node.h).
//
// One Verilated model serves every node. rtl/router.sv fixes its place in the
// mesh (NodeX, NodeY) at elaboration, and XY routing only compares a
// destination's coordinates with it; so the model is built once, for the centre
// (C, C) of a virtual (2C+1)x(2C+1) mesh, and this wrapper presents every
// destination relative to its own node: (dx - x + C, dy - y + C), restoring it on
// the way out. The routing decisions are then those of router (x, y) on the real
// mesh; the RTL is unchanged. Everything else the RTL needs (buffer depth,
// pipeline, link latency, VCs, watchdog) must equal the configured router.
//
// Timing is the RTL's: inputs are sampled at the rising edge of the network
// clock, outputs are registered; the injection handshake (inj_ready_o) is decided
// before the edge. The RTL's clock is its own (gclk_), driven by the controller in
// the delta it drives the network clock, and held low over edges that would change
// nothing (clock(), below): evaluating idle routers at every edge cost ~70% of an
// all-RTL chip's time. Counters the C router keeps internally are counted here at
// the ports, when a flit leaves (traversals, links, ejections, arbitration grants:
// one switch grant per flit, one VC grant per head) or arrives (buffer writes).
#include "router_node.h"

#include "Vrouter.h"
#include "Vrouter_router.h"

#include <algorithm>
#include <cstdio>

extern "C" {
#include "config.h"
}

namespace {

constexpr int kFlitW = 104;     // flit_pkg::flit_t
using R = Vrouter_router;
constexpr int kCentre = (int)R::NodeX;
constexpr int kVirtualX = (int)R::MeshX;
constexpr int kNvc = (int)R::Vcs * TC_COUNT;
constexpr int kVcW = kNvc > 1 ? 32 - __builtin_clz(kNvc - 1) : 1;
static_assert(R::MeshX == 2 * R::NodeX + 1 && R::MeshY == 2 * R::NodeY + 1 && R::NodeX == R::NodeY,
              "the SystemC engine's router is built at the centre of a square virtual mesh");

// LSB first: step, neuron, tail, head, tclass, stream, dst, src (flit_pkg.sv;
// testbenches/flit_pack.h), built as 32-bit words: sc_bv's word access is far
// cheaper than its bit ranges.
struct field {
    int lsb, width;
};
constexpr field kStep{ 0, 32 }, kNeuron{ 32, 32 }, kTail{ 64, 1 }, kHead{ 65, 1 }, kClass{ 66, 2 },
    kStream{ 68, 4 }, kDst{ 72, 16 }, kSrc{ 88, 16 };
#ifdef PLANT_SC_STREAM_3BIT     // teeth (test_engines): the stream field before its widening drops g+-'s bit 3
constexpr int kStreamIn = 3;
#else
constexpr int kStreamIn = kStream.width;
#endif

inline void put_bits(uint32_t *w, int lsb, int width, uint64_t v)
{
    for (int i = 0; i < width; i++, v >>= 1)
        if (v & 1) w[(lsb + i) >> 5] |= 1u << ((lsb + i) & 31);
}

inline uint32_t get_bits(const uint32_t *w, int lsb, int width)
{
    uint64_t pair = w[lsb >> 5] | (uint64_t)w[(lsb >> 5) + 1] << 32;  // every field fits in two words
    return (uint32_t)(pair >> (lsb & 31) & ((1ull << width) - 1));
}

// Writes f (with destination dst) at bit `base` of the zeroed words w.
inline void put(uint32_t *w, int base, const struct flit &f, int dst)
{
    put_bits(w, base + kStep.lsb, kStep.width, f.step);
    put_bits(w, base + kNeuron.lsb, kNeuron.width, f.neuron);
    put_bits(w, base + kTail.lsb, kTail.width, f.tail);
    put_bits(w, base + kHead.lsb, kHead.width, f.head);
    put_bits(w, base + kClass.lsb, kClass.width, f.tclass);
    put_bits(w, base + kStream.lsb, kStreamIn, f.stream);
    put_bits(w, base + kDst.lsb, kDst.width, (uint64_t)dst);
    put_bits(w, base + kSrc.lsb, kSrc.width, f.src);
}

inline struct flit get(const uint32_t *w, int base)
{
    struct flit f = {};
    f.step = get_bits(w, base + kStep.lsb, kStep.width);
    f.neuron = get_bits(w, base + kNeuron.lsb, kNeuron.width);
    f.tail = (uint8_t)get_bits(w, base + kTail.lsb, kTail.width);
    f.head = (uint8_t)get_bits(w, base + kHead.lsb, kHead.width);
    f.tclass = (uint8_t)get_bits(w, base + kClass.lsb, kClass.width);
    f.stream = (uint8_t)get_bits(w, base + kStream.lsb, kStream.width);
    f.dst = (uint16_t)get_bits(w, base + kDst.lsb, kDst.width);
    f.src = (uint16_t)get_bits(w, base + kSrc.lsb, kSrc.width);
    return f;
}

template <int W>
void to_bv(sc_dt::sc_bv<W> &bv, const uint32_t *w)
{
    for (int i = 0; i < (W + 31) / 32; i++) bv.set_word(i, w[i]);
}

template <int W>
void from_bv(const sc_dt::sc_bv<W> &bv, uint32_t *w)
{
    for (int i = 0; i < (W + 31) / 32; i++) w[i] = bv.get_word(i);
    w[(W + 31) / 32] = 0;
}

constexpr int kWords4 = (4 * kFlitW + 31) / 32 + 1, kWords1 = (kFlitW + 31) / 32 + 1;

struct rtl_router : router_node {
    SC_HAS_PROCESS(rtl_router);
    rtl_router(sc_core::sc_module_name name, int x, int y, int mesh_x)
        : router_node(name, x, y), mesh_x_(mesh_x), rtl_("rtl")
    {
        rtl_.clk_i(gclk_);
        rtl_.rst_ni(rst_n);
        rtl_.in_valid_i(in_valid_i_);
        rtl_.in_vc_i(in_vc_i_);
        rtl_.in_flit_i(in_flit_i_);
        rtl_.in_credit_o(in_credit_o_);
        rtl_.in_credit_vc_o(in_credit_vc_o_);
        rtl_.out_valid_o(out_valid_o_);
        rtl_.out_vc_o(out_vc_o_);
        rtl_.out_flit_o(out_flit_o_);
        rtl_.out_credit_i(out_credit_i_);
        rtl_.out_credit_vc_i(out_credit_vc_i_);
        rtl_.inj_valid_i(inj_valid_i_);
        rtl_.inj_flit_i(inj_flit_i_);
        rtl_.inj_ready_o(inj_ready_o_);
        rtl_.ej_valid_o(ej_valid_o_);
        rtl_.ej_flit_o(ej_flit_o_);
        rtl_.stuck_o(stuck_o_);
        rtl_.stuck_port_o(stuck_port_o_);
        rtl_.stuck_vc_o(stuck_vc_o_);
        SC_METHOD(drive_inputs);
        for (int p = 0; p < 4; p++) sensitive << in[p] << out_credit[p];
        SC_METHOD(present);
        sensitive << inject;
        SC_METHOD(drive_outputs);
        sensitive << out_valid_o_ << out_vc_o_ << out_flit_o_ << in_credit_o_ << in_credit_vc_o_;
        SC_METHOD(edge);
        sensitive << clk.pos();
        dont_initialize();
        SC_METHOD(collect);
        sensitive << clk.neg();
        dont_initialize();
    }
    const struct router_counters &counters() const override { return c_; }
    bool is_rtl() const override { return true; }
    void state(uint32_t occupancy[5], int32_t credits[4]) const override
    {
        for (int p = 0; p < 5; p++) {
            occupancy[p] = 0;
            for (int v = 0; v < kNvc; v++) occupancy[p] += rtl_.router->occ_q[p][v];
        }
        for (int o = 0; o < 4; o++) {
            credits[o] = 0;
            for (int v = 0; v < kNvc; v++) credits[o] += rtl_.router->credit_q[o][v];
        }
    }

    // Clock gating. At a rising edge with rst_ni high, nothing arriving (in_valid_i,
    // out_credit_i, inj_valid_i all 0) and every input buffer empty (occ_q = 0, so
    // rdy_q = 0 and no arrival is in the Pipeline shift register), rtl/router.sv has
    // no ready front: no VC or switch grant, no pop, no push, so occupancies,
    // buffers, credits, held VCs, round-robin pointers and the network interface keep
    // their values, and the watchdog holds 0 (wait_q > 0 means a ready flit that did
    // not move, so occ_q > 0). The RTL has no free-running counter. What moves: the
    // link, credit, ejection and arrival shift registers shift in invalid entries,
    // their payloads (lnk_flit_q, lnk_vc_q, crd_vc_q, ej_flit_q, arr_vc_q) load what
    // the unchanged buffers and the idle inputs present. Those inputs are the same at
    // every such edge (drive_inputs writes zeros beside invalid flits and credits;
    // inj_flit_i keeps its last flit while inj_valid_i is low), so after
    // max(LinkLatency, Pipeline - 1) consecutive such edges every register holds what
    // the next one would load: further edges, and the evaluation after them, are
    // no-ops, and are skipped. Outputs keep the values of that same state and inputs.
    // (Checked once against every register of the Verilated model and every output,
    // at each skipped edge of MNIST runs, also with 3-cycle links, pipeline 3, 2 VCs.)
    void clock(bool level) override
    {
        if (!level) {
            if (gclk_high_) gclk_.write(false);
            gclk_high_ = false;
            return;
        }
        bool idle = rst_n.read() && !in_valid_i_.read() && !out_credit_i_.read() && !inj_valid_i_.read();
#ifndef PLANT_SC_GATE_HELD   // teeth (test_systemc): gate a router that still holds a flit
        for (int p = 0; p < 5 && idle; p++)
            for (int v = 0; v < kNvc; v++) idle = idle && rtl_.router->occ_q[p][v] == 0;
#endif
#ifdef PLANT_SC_GATE_EARLY   // teeth (test_systemc): gate before the shift registers settle
        if (idle) return;
#endif
        if (idle && idle_edges_ >= kSettle) return;
        idle_edges_ = idle ? idle_edges_ + 1 : 0;
        gclk_.write(true);
        gclk_high_ = true;
    }

private:
    static constexpr int kSettle = std::max<int>((int)R::LinkLatency, (int)R::Pipeline - 1);

    // A real node id as the RTL at the virtual centre sees it, and back.
    int to_virtual(int dst) const
    {
        return (dst / mesh_x_ - y + kCentre) * kVirtualX + (dst % mesh_x_ - x + kCentre);
    }
    int to_real(int v) const { return (v / kVirtualX - kCentre + y) * mesh_x_ + (v % kVirtualX - kCentre + x); }

    void drive_inputs()
    {
        uint32_t valid = 0, vc = 0, credit = 0, credit_vc = 0, w[kWords4] = {};
        for (int p = 0; p < 4; p++) {
            const link_flit &l = in[p].read();
            if (l.valid) {
                valid |= 1u << p;
                vc |= (uint32_t)l.vc << (p * kVcW);
                put(w, p * kFlitW, l.f, to_virtual(l.f.dst));
            }
            const link_credit &c = out_credit[p].read();
            if (c.valid) {
                credit |= 1u << p;
                credit_vc |= (uint32_t)c.vc << (p * kVcW);
            }
        }
        sc_dt::sc_bv<4 * kFlitW> flits;
        to_bv(flits, w);
        in_valid_i_.write(valid);
        in_vc_i_.write(vc);
        in_flit_i_.write(flits);
        out_credit_i_.write(credit);
        out_credit_vc_i_.write(credit_vc);
    }

    void present()
    {
        const struct flit *f = inject->front();
        inj_valid_i_.write(f != nullptr);
        if (f) {
            uint32_t w[kWords1] = {};
            put(w, 0, *f, to_virtual(f->dst));
            sc_dt::sc_bv<kFlitW> b;
            to_bv(b, w);
            inj_flit_i_.write(b);
        }
    }

    void drive_outputs()
    {
        uint32_t valid = out_valid_o_.read(), vc = out_vc_o_.read();
        uint32_t credit = in_credit_o_.read(), credit_vc = in_credit_vc_o_.read(), w[kWords4];
        if (valid) from_bv(out_flit_o_.read(), w);
        for (int p = 0; p < 4; p++) {
            link_flit l;
            l.valid = valid >> p & 1;
            if (l.valid) {
                l.vc = (uint8_t)(vc >> (p * kVcW) & ((1u << kVcW) - 1));
                l.f = get(w, p * kFlitW);
                l.f.dst = (uint16_t)to_real(l.f.dst);
            }
            out[p].write(l);
            link_credit c;
            c.valid = credit >> p & 1;
            if (c.valid) c.vc = (uint8_t)(credit_vc >> (p * kVcW) & ((1u << kVcW) - 1));
            in_credit[p].write(c);
        }
    }

    // The rising edge, as the RTL samples it: arrivals and the injection handshake.
    void edge()
    {
        if (!rst_n.read()) {
            c_ = {};
            sent = 0;
            fault.clear();
            return;
        }
        for (int p = 0; p < 4; p++) c_.buffer_writes += in[p].read().valid;
        if (inj_valid_i_.read() && inj_ready_o_.read()) {
            struct flit f;
            inject->pop(f);
            c_.flits_injected++;
            c_.buffer_writes++;
        }
        c_.steps++;
    }

    // After the edge, the registered outputs: departures, ejection, credits, watchdog.
    void collect()
    {
        if (!rst_n.read()) return;
        sent = 0;
        uint32_t valid = out_valid_o_.read(), w[kWords4];
        if (valid) from_bv(out_flit_o_.read(), w);
        for (int p = 0; p < 4; p++) {
            if (!(valid >> p & 1)) continue;
            sent |= 1u << p;
            (p == PORT_E || p == PORT_W ? c_.link_ew : c_.link_ns)++;
            c_.switch_traversals++;
            c_.buffer_reads++;
            c_.arbitrations += 1 + get_bits(w, p * kFlitW + kHead.lsb, kHead.width);
        }
        // A credit counts when it leaves (link stage 0), as the C router counts it: one
        // still on a slow link when the run ends was sent all the same.
        for (int o = 0; o < 4; o++) c_.credits += rtl_.router->crd_valid_q[o][0];
        if (ej_valid_o_.read()) {
            uint32_t e[kWords1];
            from_bv(ej_flit_o_.read(), e);
            struct flit f = get(e, 0);
            f.dst = (uint16_t)to_real(f.dst);
            eject->push(f);
            sent |= 1u << PORT_LOCAL;
            c_.flits_ejected++;
            c_.switch_traversals++;
            c_.buffer_reads++;
            c_.arbitrations += 1 + f.head;
        }
        if (stuck_o_.read()) {
            char err[300];
            snprintf(err, sizeof err, "watchdog (RTL): router (%d,%d): the flit at input %s vc %u has not moved for "
                     "%d cycles", x, y, router_port_name[stuck_port_o_.read() % 5], stuck_vc_o_.read(),
                     (int)R::WatchdogCycles);
            fault = err;
        }
    }

    int mesh_x_;
    Vrouter rtl_;
    sc_core::sc_signal<bool> gclk_{ "gclk" };   // the RTL's clock (clock())
    bool gclk_high_ = false;
    int idle_edges_ = 0;                        // consecutive idle edges given, up to kSettle
    struct router_counters c_ = {};
    sc_core::sc_signal<uint32_t> in_valid_i_{ "in_valid_i" }, in_vc_i_{ "in_vc_i" }, in_credit_o_{ "in_credit_o" },
        in_credit_vc_o_{ "in_credit_vc_o" }, out_valid_o_{ "out_valid_o" }, out_vc_o_{ "out_vc_o" },
        out_credit_i_{ "out_credit_i" }, out_credit_vc_i_{ "out_credit_vc_i" }, stuck_port_o_{ "stuck_port_o" },
        stuck_vc_o_{ "stuck_vc_o" };
    sc_core::sc_signal<bool> inj_valid_i_{ "inj_valid_i" }, inj_ready_o_{ "inj_ready_o" },
        ej_valid_o_{ "ej_valid_o" }, stuck_o_{ "stuck_o" };
    sc_core::sc_signal<sc_dt::sc_bv<4 * kFlitW>> in_flit_i_{ "in_flit_i" }, out_flit_o_{ "out_flit_o" };
    sc_core::sc_signal<sc_dt::sc_bv<kFlitW>> inj_flit_i_{ "inj_flit_i" }, ej_flit_o_{ "ej_flit_o" };
};

} // namespace

router_node *rtl_router_new(const char *name, int x, int y, int mesh_x, int mesh_y, const struct router_cfg *rc,
                            char *err, size_t errlen)
{
    if (rc->buffer_depth != (int)R::BufferDepth || rc->pipeline != (int)R::Pipeline ||
        rc->link_latency != (int)R::LinkLatency || rc->vcs != (int)R::Vcs ||
        rc->watchdog_cycles != (int64_t)R::WatchdogCycles) {
        snprintf(err, errlen, "the RTL router of this build has buffer_depth %d, pipeline %d, link_latency %d, vcs %d, "
                 "watchdog_cycles %d; the chip's router has %d, %d, %d, %d, %lld (rebuild with make "
                 "SC_RTL_ROUTER_PARAMS=..., docs/systemc.md)", (int)R::BufferDepth, (int)R::Pipeline,
                 (int)R::LinkLatency, (int)R::Vcs, (int)R::WatchdogCycles, rc->buffer_depth, rc->pipeline,
                 rc->link_latency, rc->vcs, (long long)rc->watchdog_cycles);
        return nullptr;
    }
    if (!router_cfg_is_default(rc)) {
        snprintf(err, errlen, "the RTL router is the default router (collapsed model, input_first switch allocator); "
                 "the chip's router sets chip.router.model/speculative/lookahead/sw_allocator/vc_allocator (docs/noc.md)");
        return nullptr;
    }
    if (mesh_x > kCentre + 1 || mesh_y > kCentre + 1) {
        snprintf(err, errlen, "the RTL router of this build serves meshes up to %dx%d, the chip's is %dx%d",
                 kCentre + 1, kCentre + 1, mesh_x, mesh_y);
        return nullptr;
    }
    return new rtl_router(name, x, y, mesh_x);
}
