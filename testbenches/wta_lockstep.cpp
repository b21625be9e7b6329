// Lockstep bench of rtl/wta.sv against struct wta (models/wta.c), whose arithmetic is
// the output core's own (wta_weight, wta_threshold, wta_back_spike). The exp table is
// written from activation_init() at start. Stimulus: membranes with ties, a dominant
// output, gaps past the table's end and extreme offsets; labels, gate and beta at
// their corners; backward reads small and full-range; seeds; starts while busy; and
// decisions whose draws are steered onto the edge of every comparator (rng_preimage).
// Compared after every rising edge: outputs, phase, lane group, vmax, the race sums,
// the latched membranes and every stream register.
#include "Vwta.h"
#include "Vwta___024root.h"
#include "lockstep.h"
#include <vector>
extern "C" {
#include "activation.h"
#include "wta.h"
}

static const int Out = P_Output, Hid = P_Hidden, Lanes = P_NeuronLanes;
static const int OutW = Out > 1 ? 32 - __builtin_clz(Out - 1) : 1;
static const int HidW = Hid > 1 ? 32 - __builtin_clz(Hid - 1) : 1;

template <class P> static int bit(const P &port, int i)
{
    if constexpr (std::is_integral<P>::value) return (int)((port >> i) & 1);
    else return (int)((port.m_storage[i / 32] >> (i % 32)) & 1);
}

static void membranes(lockstep::Bench &b, std::vector<int32_t> &v, int32_t dmax)
{
    int64_t base = b.rnd.chance(1, 8) ? b.rnd.range(-(1 << 29), 1 << 29) : b.rnd.range(-20000, 20000);
    int mode = (int)b.rnd.range(0, 5);
    for (int k = 0; k < Out; k++) {
        int64_t x;
        switch (mode) {
        case 0: x = base; break;                                           // all tied
        case 1: x = base - (k == 0 ? 0 : b.rnd.range(dmax - 2, dmax + 2)); break;  // one dominant, at the table's end
        case 2: x = base + b.rnd.range(-4 * dmax, 4 * dmax); break;         // past the end
        case 3: x = base + b.rnd.range(-(1 << 28), 1 << 28); break;        // extreme gaps
        default: x = base + b.rnd.range(-3000, 3000);                      // where the race is a race
        }
        v[k] = (int32_t)x;
    }
}

int main(int argc, char **argv)
{
    lockstep::Bench b(argc, argv, "wta");
    struct activation act;
    if (activation_init(&act, P_DwMin)) { perror("activation_init"); return 1; }
    b.mem_file("exp.mem", act.exp, (size_t)act.dmax + 1, 5);
    int rc = b.main([&](lockstep::Bench &b) {
        Vwta top(b.ctx());
        b.attach(&top);
        struct wta m;
        if (wta_init(&m, Out, Hid, Lanes, &act)) { perror("wta_init"); exit(1); }
        auto *root = top.rootp;
        std::vector<int32_t> v(Out), r(Hid), r_hold(Hid);
        bool steer = false;
        int steer_cycle = 0;
        uint32_t steer_gate = 0;
        uint64_t steer_beta = 0;
        const uint32_t gates[] = {0, 1, 32767, 32768, 65535, 65536, 65537, 0xFFFFFFFFu};
        const uint64_t betas[] = {0, 1, 1ull << 32, 1ull << 40, 1099511627776ull * 4, UINT64_MAX, 0x8000000000000000ull};
        while (b.next()) {
            bool rst = b.cycle < 2 || b.rnd.chance(1, 100000);
            struct wta_in in = {};
            in.seed_wta = b.rnd.chance(1, 64);
            in.seed_gate = b.rnd.chance(1, 64);
            in.seed_back = b.rnd.chance(1, 8);
            in.seed_idx = (int)b.rnd.range(0, (1 << HidW) - 1);
            in.seed = b.rnd.chance(1, 16) ? 0 : b.rnd.u32();
            in.start = b.rnd.chance(1, 2);
            in.learn = b.rnd.chance(3, 4);
            in.label = (int)(b.rnd.chance(15, 16) ? b.rnd.range(0, Out - 1) : b.rnd.range(0, (1 << OutW) - 1));
            in.gate_q = b.rnd.chance(1, 2) ? 65536 : b.rnd.chance(1, 2) ? b.rnd.pick(gates) : (uint32_t)b.rnd.range(0, 65536);
            in.beta_q = b.rnd.chance(1, 4) ? b.rnd.pick(betas)
                                           : (uint64_t)llround(b.rnd.range(1, 2000) / 100.0 * P_DwMin * 281474976710656.0);
            membranes(b, v, act.dmax);
            int rmode = (int)b.rnd.range(0, 3);
            for (int j = 0; j < Hid; j++)
                r[j] = rmode == 0 ? 0 : rmode == 1 ? (int32_t)b.rnd.range(-65536, 65535) : (int32_t)b.rnd.range(-300, 300);
            // Steered decisions: the streams are loaded with the preimages of words that put
            // the race threshold on (or one below) a running sum, the gate's u16 on (or one
            // below) gate_q, and backward generators' u16 on (or one below) their P_b: every
            // comparator is hit at its edge, not once in 2^16 or 2^32 draws.
            if (!steer && m.phase == WTA_IDLE && in.start && b.rnd.chance(1, 2)) {
                steer = true;
                steer_cycle = 0;
                in.learn = b.rnd.chance(7, 8);
                int32_t vmax = wta_vmax(v.data(), Out);
                std::vector<uint64_t> cum(Out);
                uint64_t run = 0;
                for (int k = 0; k < Out; k++) cum[k] = run += wta_weight(&act, vmax, v[k]);
                uint64_t total = cum[Out - 1];
                int64_t t = (int64_t)cum[b.rnd.range(0, Out - 1)] - b.rnd.range(0, 1);
                uint64_t thr = (uint64_t)(t < 0 ? 0 : t >= (int64_t)total ? (int64_t)total - 1 : t);
                uint64_t u = ((thr << 32) + total - 1) / total;     // the least u with (u * total) >> 32 == thr
                in.seed_wta = 1;
                in.seed_gate = in.seed_back = 0;
                in.seed = rng_preimage((uint32_t)u);
                if (b.rnd.chance(1, 2)) in.gate_q = (uint32_t)b.rnd.range(0, 65536);
                int64_t g = (int64_t)in.gate_q - b.rnd.range(0, 1);
                steer_gate = (uint32_t)(g < 0 ? 0 : g > 65535 ? 65535 : g) << 16 | (uint32_t)b.rnd.range(1, 65535);
                r_hold = r;
                steer_beta = in.beta_q;
            } else if (steer) {
                steer_cycle++;
                in.seed_wta = in.seed_gate = in.seed_back = 0;
                if (steer_cycle == 1) {
                    in.seed_gate = 1;
                    in.seed = rng_preimage(steer_gate);
                } else {
                    // a row whose lane group has not drawn yet in this decision
                    int first = m.phase == WTA_BACK ? (m.group + 1) * Lanes : 0;
                    if (first < Hid) {
                        int j = (int)b.rnd.range(first, Hid - 1);
                        uint64_t mag = (uint64_t)(r_hold[j] < 0 ? -(int64_t)r_hold[j] : r_hold[j]);
                        uint64_t pb = (mag * steer_beta) >> 32;
                        int64_t e = (int64_t)(pb > 65535 ? 65535 : pb) - b.rnd.range(0, 1);
                        in.seed_back = 1;
                        in.seed_idx = j;
                        in.seed = rng_preimage((uint32_t)(e < 0 ? 0 : e) << 16 | (uint32_t)b.rnd.range(1, 65535));
                    }
                }
                r = r_hold;
            }
            in.v = v.data();
            in.back_r = r.data();

            top.rst_ni = !rst;
            top.seed_wta_i = in.seed_wta;
            top.seed_gate_i = in.seed_gate;
            top.seed_back_i = in.seed_back;
            top.seed_idx_i = in.seed_idx;
            top.seed_i = in.seed;
            top.start_i = in.start;
            top.learn_i = in.learn;
            top.label_i = in.label;
            top.gate_q_i = in.gate_q;
            top.beta_q_i = in.beta_q;
            for (int k = 0; k < Out; k++) top.v_i[k] = (uint32_t)v[k];
            for (int j = 0; j < Hid; j++) top.back_r_i[j] = (uint32_t)r[j] & 0x1FFFF;
            b.tick(&top);

            if (rst) wta_reset(&m);
            else wta_step(&m, &in);
            if (rst || m.phase == WTA_IDLE) steer = false;

            // (name, expected, got)
            b.cmp("busy_o", m.phase != WTA_IDLE, top.busy_o);
            b.cmp("decided_o", m.decided, top.decided_o);
            b.cmp("done_o", m.done, top.done_o);
            b.cmp("winner_o", m.winner, top.winner_o);
            b.cmp("gate_open_o", m.gate_open, top.gate_open_o);
            b.cmp("err_o", m.err, top.err_o);
            for (int k = 0; k < Out; k++) b.cmp("fire_o", k, m.fire[k], bit(top.fire_o, k));
            for (int j = 0; j < Hid; j++) {
                b.cmp("b_pos_o", j, m.b_pos[j], bit(top.b_pos_o, j));
                b.cmp("b_neg_o", j, m.b_neg[j], bit(top.b_neg_o, j));
            }
            b.cmp("phase_q", m.phase, root->wta__DOT__phase_q);
            b.cmp("group_q", m.group, root->wta__DOT__group_q);
            b.cmp("vmax_q", m.vmax, (int32_t)root->wta__DOT__vmax_q);
            for (int k = 0; k < Out; k++) {
                b.cmp("v_q", k, m.v[k], (int32_t)root->wta__DOT__v_q[k]);
                b.cmp("cum_q", k, (int64_t)m.cum[k], (int64_t)root->wta__DOT__cum_q[k]);
            }
            b.cmp("wta_state", m.rng_wta, root->wta__DOT__wta_state);
            b.cmp("gate_state", m.rng_gate, root->wta__DOT__gate_state);
            for (int j = 0; j < Hid; j++) b.cmp("back_state", j, m.rng_back[j], root->wta__DOT__back_state[j]);
        }
        wta_free(&m);
    });
    activation_free(&act);
    return rc;
}
