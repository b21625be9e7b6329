// Lockstep bench of rtl/router.sv against models/router.c (through models/router_io.c,
// the same router with its links cut open). One RTL router and one C router get the
// same seeded traffic on all five inputs: flits on the four incoming links that
// respect the credits the router returns, packets of 1..8 flits at the network
// interface, and credits on the four outgoing links from a downstream that drains
// at its own random pace (stalls included, so the watchdog fires). Load changes in
// phases: idle, light, saturated, one port hot, outputs frozen. After every rising
// edge the bench compares every output (flits field by field, VCs, credits,
// ejection, injection handshake, watchdog) and the architectural state: per input
// VC occupancy, ready flits, route and output VC; per output VC credits and
// ownership; every round-robin pointer; the network interface.
#include "Vrouter.h"
#include "Vrouter_router.h"
#include "flit_pack.h"
#include "lockstep.h"
extern "C" {
#include "config.h"
#include "router_io.h"
}

#include <deque>

// The RTL's parameters (public in rtl/router.sv) configure the C model, so the two
// cannot be built for different routers.
using R = Vrouter_router;
constexpr int kDepth = (int)R::BufferDepth, kPipe = (int)R::Pipeline, kLink = (int)R::LinkLatency;
constexpr int kVcs = (int)R::Vcs, kNvc = kVcs * TC_COUNT;
constexpr int kMeshX = (int)R::MeshX, kMeshY = (int)R::MeshY, kX = (int)R::NodeX, kY = (int)R::NodeY;
constexpr int64_t kWatchdog = (int64_t)R::WatchdogCycles;
using flit_pack::kFlitW;
using flit_pack::pack;
using flit_pack::cmp_flit;
#ifdef P_BufferDepth
static_assert(P_BufferDepth == kDepth, "PARAMS_router and the RTL disagree");
#endif
#ifdef P_Vcs
static_assert(P_Vcs == kVcs, "PARAMS_router and the RTL disagree");
#endif

// ---- the traffic around the router ---------------------------------------------

// Load of one phase: probabilities in 1/1024.
struct Phase {
    uint32_t send[4];       // a flit on input link p
    uint32_t drain[4];      // a credit on output link o
    uint32_t inject;        // a packet queued at the interface
    int max_len;            // flits per packet, 1..max_len
    int single;             // 1/4 of packets single-flit at least: spikes
    int hot;                // -1, or a destination node most packets go to
};

struct Stim {
    // upstream of each input link: credits and the packet in progress per VC
    int up_credit[4][kNvc];
    int left[4][kNvc];
    struct flit pkt[4][kNvc];
    // downstream of each output link: flits held per VC
    int down_occ[4][kNvc];
    std::deque<struct flit> src;    // the RTL's interface queue (the C router keeps its own)
    Phase ph;
    uint64_t phase_end;
    uint32_t packet_id;
    uint64_t phases[10];
};

static int node_of(int x, int y) { return y * kMeshX + x; }

static void new_phase(lockstep::Bench &b, Stim &s)
{
    static const uint32_t send_lv[] = { 0, 32, 64, 128, 256, 512 };
    static const uint32_t drain_lv[] = { 384, 768, 1024, 1024, 1024 };
    static const uint32_t slow_lv[] = { 8, 32, 128 };
    static const uint32_t inj_lv[] = { 0, 32, 64, 128, 256, 512 };     // flits per 1024 cycles
    static const int len_lv[] = { 1, 2, 3, 4, 8 };
    Phase &p = s.ph;
    int kind = (int)b.rnd.range(0, 9);
    for (int k = 0; k < 4; k++) {
        p.send[k] = b.rnd.pick(send_lv);
        p.drain[k] = b.rnd.pick(drain_lv);
    }
    p.max_len = b.rnd.pick(len_lv);
    p.single = (int)b.rnd.range(0, 3);
    p.inject = b.rnd.pick(inj_lv) * 2 / (uint32_t)(p.max_len + 1);    // packets: flits / mean length
    p.hot = -1;
    uint64_t len = (uint64_t)b.rnd.range(50, 3000);
    if (kind == 0) {            // idle: everything drains
        for (int k = 0; k < 4; k++) p.send[k] = 0, p.drain[k] = 1024;
        p.inject = 0;
        len = (uint64_t)b.rnd.range(20, 200);
    } else if (kind == 1) {     // saturated
        for (int k = 0; k < 4; k++) p.send[k] = 1024, p.drain[k] = 1024;
        p.inject = 1024;
    } else if (kind == 2) {     // one output frozen long enough for the watchdog
        p.drain[b.rnd.range(0, 3)] = 0;
        len = (uint64_t)b.rnd.range(kWatchdog, 3 * kWatchdog);
    } else if (kind == 3) {     // slow downstream: credits trickle back
        for (int k = 0; k < 4; k++) p.drain[k] = b.rnd.pick(slow_lv);
    } else if (kind == 4) {     // a hot spot: contention for one output
        p.hot = (int)b.rnd.range(0, kMeshX * kMeshY - 1);
    }
    s.phase_end = b.cycle + len;
    s.phases[kind]++;
}

static struct flit new_packet_flit(lockstep::Bench &b, Stim &s, int cls)
{
    struct flit f = {};
    int n = kMeshX * kMeshY;
    if (s.ph.hot >= 0 && b.rnd.chance(3, 4)) {
        f.dst = (uint16_t)s.ph.hot;
    } else if (b.rnd.chance(1, 4)) {
        f.dst = (uint16_t)b.rnd.range(0, n - 1);
    } else {
        // the output port first, then a node XY routing reaches through it: every
        // output gets its share of the load (uniform nodes would send half of it east)
        int x = kX, y = kY;
        switch (b.rnd.range(0, 4)) {
        case PORT_N: y = kY + 1 < kMeshY ? (int)b.rnd.range(kY + 1, kMeshY - 1) : kY; break;
        case PORT_S: y = kY > 0 ? (int)b.rnd.range(0, kY - 1) : kY; break;
        case PORT_E:
            x = kX + 1 < kMeshX ? (int)b.rnd.range(kX + 1, kMeshX - 1) : kX;
            y = (int)b.rnd.range(0, kMeshY - 1);
            break;
        case PORT_W:
            x = kX > 0 ? (int)b.rnd.range(0, kX - 1) : kX;
            y = (int)b.rnd.range(0, kMeshY - 1);
            break;
        default: break;
        }
        f.dst = (uint16_t)node_of(x, y);
    }
    f.src = (uint16_t)b.rnd.range(0, n - 1);
    f.stream = (uint8_t)b.rnd.range(0, 15);     // all 4 bits: g+- (8, 9) of a deep network too
    // tclass 3 is no class: the router treats it as control
    f.tclass = (uint8_t)(cls == TC_CONTROL && b.rnd.chance(1, 8) ? 3 : cls);
    f.neuron = b.rnd.u32();
    f.step = b.rnd.u32();
    f.packet = s.packet_id++;
    return f;
}

static int packet_len(lockstep::Bench &b, const Stim &s)
{
    return s.ph.single || s.ph.max_len == 1 ? (b.rnd.chance(1, 2) ? 1 : (int)b.rnd.range(1, s.ph.max_len))
                                            : (int)b.rnd.range(1, s.ph.max_len);
}

// Events the traffic produced, so a run says what it exercised.
struct Coverage {
    uint64_t link_flits, link_credits, out_flits, ejected, injected, packets_multi;
    uint64_t inj_blocked, watchdog, resets, full_buffers, zero_credit_cycles;
};

static void reset_stim(Stim &s)
{
    for (int p = 0; p < 4; p++)
        for (int v = 0; v < kNvc; v++) {
            s.up_credit[p][v] = kDepth;
            s.left[p][v] = 0;
            s.down_occ[p][v] = 0;
        }
    s.src.clear();
}

static void c_init(struct router_io *m)
{
    struct router_cfg rc = {};
    rc.buffer_depth = kDepth;
    rc.pipeline = kPipe;
    rc.link_latency = kLink;
    rc.vcs = kVcs;
    rc.flit_bits = 32;
    rc.watchdog_cycles = kWatchdog;
    char err[512];
    if (router_io_init(m, kX, kY, kMeshX, &rc, err, sizeof err)) {
        fprintf(stderr, "router_lockstep: %s\n", err);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    lockstep::Bench b(argc, argv, "router");
    Coverage cov = {};
    int rc = b.main([&cov](lockstep::Bench &b) {
        Vrouter top(b.ctx());
        b.attach(&top);
        R *rt = top.router;
        struct router_io m;
        c_init(&m);
        Stim s;
        s.packet_id = 0;
        memset(s.phases, 0, sizeof s.phases);
        reset_stim(s);
        cov = Coverage{};
        new_phase(b, s);
        while (b.next()) {
            bool rst = b.cycle < 2 || b.rnd.chance(1, 300000);
            if (b.cycle >= s.phase_end) new_phase(b, s);
            struct router_io_in in = {};
            // upstream: at most one flit per link, on a VC with a credit
            for (int p = 0; p < 4 && !rst; p++) {
                // a packet under way keeps moving (its held VCs block others until its tail)
                int cand[kNvc], n = 0, busy = 0;
                for (int v = 0; v < kNvc; v++) {
                    if (s.up_credit[p][v] > 0) cand[n++] = v;
                    busy |= s.left[p][v] > 0;
                }
                if (!b.rnd.chance(busy && s.ph.send[p] < 768 ? 768 : s.ph.send[p], 1024) || !n) continue;
                int v = cand[b.rnd.range(0, n - 1)];
                if (!s.left[p][v]) {
                    s.pkt[p][v] = new_packet_flit(b, s, v / kVcs);
                    s.left[p][v] = packet_len(b, s);
                    s.pkt[p][v].head = 1;
                    if (s.left[p][v] > 1) cov.packets_multi++;
                }
                struct flit f = s.pkt[p][v];
                f.tail = s.left[p][v] == 1;
                f.neuron = s.pkt[p][v].neuron + (uint32_t)b.rnd.range(0, 3);    // body flits differ
                s.pkt[p][v].head = 0;
                s.left[p][v]--;
                s.up_credit[p][v]--;
                in.valid[p] = 1;
                in.vc[p] = (uint8_t)v;
                in.flit[p] = f;
                cov.link_flits++;
            }
            // downstream: at most one credit per link, for a VC holding a flit
            for (int o = 0; o < 4 && !rst; o++) {
                if (!b.rnd.chance(s.ph.drain[o], 1024)) continue;
                int cand[kNvc], n = 0;
                for (int v = 0; v < kNvc; v++)
                    if (s.down_occ[o][v] > 0) cand[n++] = v;
                if (!n) continue;
                int v = cand[b.rnd.range(0, n - 1)];
                s.down_occ[o][v]--;
                in.credit[o] = 1;
                in.credit_vc[o] = (uint8_t)v;
                cov.link_credits++;
            }
            // the network interface: whole packets, as a core's outbox queues them
            if (!rst && s.src.size() < 48 && b.rnd.chance(s.ph.inject, 1024)) {
                int cls = (int)b.rnd.range(0, TC_COUNT - 1);
                struct flit f = new_packet_flit(b, s, cls);
                int len = packet_len(b, s);
                for (int i = 0; i < len; i++) {
                    f.head = i == 0;
                    f.tail = i == len - 1;
                    f.neuron += (uint32_t)i;
                    s.src.push_back(f);
                    router_io_inject(&m, &f);
                }
            }

            // drive the RTL
            top.rst_ni = !rst;
            top.in_valid_i = 0;
            top.in_vc_i = 0;
            top.out_credit_i = 0;
            top.out_credit_vc_i = 0;
            for (int p = 0; p < 4; p++) {
                top.in_valid_i |= in.valid[p] << p;
                top.in_vc_i |= (uint32_t)in.vc[p] << (p * (kNvc > 1 ? 32 - __builtin_clz(kNvc - 1) : 1));
                if (in.valid[p]) pack(top.in_flit_i.data(), p * kFlitW, in.flit[p]);
                top.out_credit_i |= in.credit[p] << p;
                top.out_credit_vc_i |= (uint32_t)in.credit_vc[p] << (p * (kNvc > 1 ? 32 - __builtin_clz(kNvc - 1) : 1));
            }
            top.inj_valid_i = !s.src.empty();
            if (!s.src.empty()) pack(top.inj_flit_i.data(), 0, s.src.front());
            top.clk_i = 0;
            top.eval();
            bool rtl_ready = top.inj_ready_o;      // the handshake is decided before the edge
            b.tick(&top);

            // step the C model
            struct router_io_out out;
            uint32_t queued = m.r.src.count;
            if (rst) {
                router_io_free(&m);
                c_init(&m);
                reset_stim(s);
                cov.resets++;
                memset(&out, 0, sizeof out);
                rtl_ready = false;
            } else {
                char err[512];
                if (router_io_step(&m, &in, &out, err, sizeof err)) {
                    printf("bench error: %s\n", err);
                    b.cmp("bench_protocol", 0, 1);
                    break;
                }
            }
            int c_took = rst ? 0 : (int)(queued - m.r.src.count);
            if (rtl_ready && !s.src.empty()) s.src.pop_front();
            cov.injected += (uint64_t)c_took;
            if (!rst && queued && !c_took) cov.inj_blocked++;

            // ---- compare: outputs ----
            const int vcw = kNvc > 1 ? 32 - __builtin_clz(kNvc - 1) : 1;
            const uint32_t vmask = (1u << vcw) - 1;
            b.cmp("inj_ready", c_took, rtl_ready);
            for (int o = 0; o < 4; o++) {
                int got = top.out_valid_o >> o & 1;
                b.cmp("out_valid", o, out.valid[o], got);
                if (out.valid[o] && got) {
                    b.cmp("out_vc", o, out.vc[o], top.out_vc_o >> (o * vcw) & vmask);
                    cmp_flit(b, "out_flit", o, out.flit[o], top.out_flit_o.data(), o * kFlitW);
                }
                got = top.in_credit_o >> o & 1;
                b.cmp("in_credit", o, out.credit[o], got);
                if (out.credit[o] && got) b.cmp("in_credit_vc", o, out.credit_vc[o], top.in_credit_vc_o >> (o * vcw) & vmask);
            }
            b.cmp("ej_valid", out.ej_valid, top.ej_valid_o);
            if (out.ej_valid && top.ej_valid_o) cmp_flit(b, "ej_flit", -1, out.ej, top.ej_flit_o.data(), 0);
            b.cmp("stuck", out.stuck, top.stuck_o);
            if (out.stuck && top.stuck_o) {
                b.cmp("stuck_port", out.stuck_port, top.stuck_port_o);
                b.cmp("stuck_vc", out.stuck_vc, top.stuck_vc_o);
            }

            // ---- compare: architectural state ----
            const struct router *r = &m.r;
            for (int p = 0; p < PORT_COUNT; p++) {
                for (int v = 0; v < kNvc; v++) {
                    const struct ivc *iv = &r->in[p * kNvc + v];
                    long k = p * kNvc + v;
                    b.cmp("occ", k, iv->count, rt->occ_q[p][v]);
                    b.cmp("ready", k, router_io_ready(&m, p, v, m.now), rt->rdy_q[p][v]);
                    b.cmp("routed", k, iv->out_port >= 0, rt->routed_q[p][v]);
                    if (iv->out_port >= 0 && rt->routed_q[p][v]) {
                        b.cmp("out_port", k, iv->out_port, rt->oport_q[p][v]);
                        b.cmp("out_vc", k, iv->out_vc, rt->ovc_q[p][v]);
                    }
                    if (iv->count == kDepth) cov.full_buffers++;
                }
                b.cmp("ovc_free", p, (int64_t)r->ovc_free[p], rt->ovc_free_q[p]);
                b.cmp("rr_in", p, r->rr_in[p], rt->rr_in_q[p]);
                b.cmp("rr_out", p, r->rr_out[p], rt->rr_out_q[p]);
                b.cmp("rr_ovc", p, r->rr_ovc[p], rt->rr_ovc_q[p]);
                b.cmp("rr_va", p, r->rr_va[p], rt->rr_va_q[p]);
            }
            for (int o = 0; o < 4; o++)
                for (int v = 0; v < kNvc; v++) {
                    b.cmp("credit", o * kNvc + v, r->credits[o * kNvc + v], rt->credit_q[o][v]);
                    if (!r->credits[o * kNvc + v]) cov.zero_credit_cycles++;
                }
            b.cmp("ni_held", r->ni_vc >= 0, rt->ni_held_q);
            if (r->ni_vc >= 0 && rt->ni_held_q) b.cmp("ni_vc", r->ni_vc, rt->ni_vc_q);
            b.cmp("ni_rr", r->ni_rr, rt->ni_rr_q);
            b.cmp("ni_queue", r->src.count, (int64_t)s.src.size());

            // ---- the traffic's view of what left (from the reference) ----
            for (int o = 0; o < 4; o++) {
                if (out.valid[o]) {
                    cov.out_flits++;
                    if (++s.down_occ[o][out.vc[o]] > kDepth) {
                        printf("protocol: output %d vc %d holds %d flits downstream, more than %d slots\n", o,
                               out.vc[o], s.down_occ[o][out.vc[o]], kDepth);
                        b.cmp("downstream_overflow", o, 0, 1);
                    }
                }
                if (out.credit[o] && ++s.up_credit[o][out.credit_vc[o]] > kDepth) {
                    printf("protocol: input %d vc %d got a credit beyond %d\n", o, out.credit_vc[o], kDepth);
                    b.cmp("upstream_credit_overflow", o, 0, 1);
                }
            }
            if (out.ej_valid) cov.ejected++;
            if (out.stuck) cov.watchdog++;
        }
        router_io_free(&m);
    });
    if (!b.quiet())
        printf("  traffic: %" PRIu64 " link flits in, %" PRIu64 " credits in, %" PRIu64 " flits out, %" PRIu64
               " ejected, %" PRIu64 " injected (%" PRIu64 " cycles blocked), %" PRIu64 " multi-flit packets,\n"
               "           %" PRIu64 " VC-cycles full, %" PRIu64 " VC-cycles without credit, %" PRIu64
               " watchdog cycles, %" PRIu64 " resets\n",
               cov.link_flits, cov.link_credits, cov.out_flits, cov.ejected, cov.injected, cov.inj_blocked,
               cov.packets_multi, cov.full_buffers, cov.zero_credit_cycles, cov.watchdog, cov.resets);
    return rc;
}
