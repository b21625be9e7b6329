// The rest of a chip, as one core sees it: a protocol-legal, seeded environment
// for rtl/core.sv and models/core.c (through models/core_io.c). Shared by the
// lockstep bench (testbenches/core_lockstep.cpp) and the speed benchmark
// (tools/bench_rtl_core.cpp), so both drive a core with the same traffic.
//
// An episode is one core of the chip (a role and an index, the master input core
// included), from reset: the host programs the tile's states and the unit streams
// one word a cycle, then time steps follow, grouped in samples (pixels, label,
// learning or inference, update gate). In each step the environment delivers what
// the other cores would send (RELEASE; x_i with PHASE_DONE counts from every input
// core; h_j from every hidden core; b+-_j and the output core's PHASE_DONE after
// this hidden core's own PHASE_DONE has left; BARRIERs of the other cores to the
// master, and the master's own looped back), interleaved at random, markers now
// and then overtaking the spikes they count, with random gaps; it takes the
// core's flits with a network that is sometimes slow; and now and then it slips
// in a flit the core must refuse. Every choice comes from the bench's seed.
//
// Role 3 (rtl/core.sv's deep core) is a core of hidden layer 1 of a deeper chip
// (core_io_chip_init_deep: Input-Hidden-Hidden2-Output): its forward input is the
// input cores' x_i as a hidden core's is, it sends h_j to every core of layer 2, and
// its backward input is layer 2's gradient spikes g+-_m with a PHASE_DONE count from
// each layer-2 core, delivered once its own last PHASE_DONE has left; the host also
// programs its mirror of W2 and its backward generators' streams.
#ifndef CORE_ENV_H
#define CORE_ENV_H
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <vector>

#include "flit_pack.h"
#include "lockstep.h"
extern "C" {
#include "core_io.h"
#include "rng.h"
}

namespace core_env {

// What the environment drives in one cycle (the RTL's inputs, in C types).
struct Drive {
    bool rst = false;
    int role = 0, index = 0;
    bool prog_wr = false, prog_mirror = false;
    int prog_row = 0, prog_col = 0;
    int16_t prog_state = 0;
    bool seed_valid = false;
    int seed_kind = 0, seed_idx = 0;
    uint32_t seed = 0;
    bool barrier_clr = false;
    bool in_valid = false;
    struct flit in = {};
    bool ready = true;
};

// Stream kinds of the RTL's seed port (rtl/core.sv).
enum { SEED_ENC = 0, SEED_FWD, SEED_DERIV, SEED_BACK, SEED_WTA, SEED_GATE, SEED_GEN };

// rtl/core.sv's role strap: enum core_role, and 3 for a deep core (CORE_HIDDEN in C)
enum { ROLE_DEEP = 3 };

struct Stats {
    uint64_t episodes[4], steps, samples_learn, samples_infer, flits_in, flits_out, faults, stalls;
    uint64_t encoder_corners;   // samples that meet an encoder's u16 == p * 257
    uint64_t grads_in;          // gradient spikes delivered to a deep core
};

class Env {
  public:
    struct core_io_chip *ch;        // the chip of this episode's core
    struct core_io_chip *base, *deep;   // Input-Hidden-Output; with Hidden2 (role 3), or null
    lockstep::Rand *rnd;
    int role = 0, index = 0, node = 0, first = 0, count = 0;
    enum core_role crole = CORE_INPUT;  // the C core's role (a deep core is CORE_HIDDEN)
    int xbar_cols;
    Stats st = {};
    int force_role = -1, force_index = 0;   // a benchmark's fixed core

    Env(struct core_io_chip *chip, lockstep::Rand *r, int cols, struct core_io_chip *deep_chip = nullptr)
        : ch(chip), base(chip), deep(deep_chip), rnd(r), xbar_cols(cols) {}

    bool programming() const { return prog_at_ < prog_.size(); }
    bool in_reset() const { return reset_left_ > 0; }
    uint64_t episode_left() const { return episode_left_; }

    // Starts an episode: a core picked at random, reset cycles. The caller then builds
    // that core's C model and calls program().
    void new_episode(uint64_t cycles)
    {
        // a role, then a core of it: the master (input core 0) half of the input episodes
        role = (int)rnd->range(0, deep ? 3 : 2);
        if (force_role >= 0) role = force_role;
        ch = role == ROLE_DEEP ? deep : base;
        crole = role == ROLE_DEEP ? CORE_HIDDEN : (enum core_role)role;
        const struct chip_shared *sh = &ch->sh;
        if (role == CORE_INPUT) index = rnd->chance(1, 2) ? 0 : (int)rnd->range(0, sh->n_input_cores - 1);
        else if (role == CORE_HIDDEN) index = (int)rnd->range(0, sh->n_hidden_cores - 1);
        else if (role == ROLE_DEEP) index = (int)rnd->range(0, sh->layer_core0[1] - 1);   // layer 1's cores
        else index = 0;
        if (force_role >= 0) index = force_index;
        core_io_place(ch, crole, index, &node, &first, &count);
        st.episodes[role]++;
        episode_left_ = cycles;
        reset_left_ = 2;
        phase_ = P_GAP;
        gap_ = 0;
        step_ = (uint32_t)rnd->range(1, 1000) * 1000;
        steps_left_ = 0;
        deliver_.clear();
        master_barriers_ = 0;
        step_age_ = 0;
        markers_out_ = 0;
    }

    // Plans the host's programming of the core and applies it to the C model at once
    // (the RTL takes it a word a cycle).
    void program(struct core_io *c)
    {
        plan_programming(c);
        program_c(c);
        enc_ = role == CORE_INPUT ? c->k.rng_a : nullptr;
    }

    // No step has ended for this long: the core (or the bench) is stuck.
    bool stalled() const { return step_age_ > 50000; }

    // This cycle's inputs. `offered`: the core offers a flit (its registered output).
    void drive(Drive &d)
    {
        d = Drive{};
        d.role = role;
        d.index = index;
        if (reset_left_ > 0) {
            d.rst = true;
            reset_left_--;
            return;
        }
        if (episode_left_) episode_left_--;
        d.ready = rnd->chance(ready_, 1024);
        if (programming()) {
            const Prog &p = prog_[prog_at_++];
            if (p.seed) {
                d.seed_valid = true;
                d.seed_kind = p.kind;
                d.seed_idx = p.idx;
                d.seed = p.value;
            } else {
                d.prog_wr = true;
                d.prog_mirror = p.kind == 1;
                d.prog_row = p.row;
                d.prog_col = p.col;
                d.prog_state = (int16_t)p.value;
            }
            return;
        }
        step_age_++;
        if (phase_ == P_GAP) {
            step_age_ = 0;
            if (gap_ > 0) {
                gap_--;
            } else {
                start_step(d);
            }
        }
        if (!deliver_.empty() && deliver_.front().at <= cycle_ && !rnd->chance(gap_rate_, 1024)) {
            d.in_valid = true;
            d.in = deliver_.front().f;
            deliver_.pop_front();
            st.flits_in++;
            // the master's step ends when it has taken every BARRIER, its own included
            if (d.in.stream == SS_BARRIER && node == ch->sh.master_node && ++master_barriers_ == ch->n_cores) {
                phase_ = P_GAP;
                gap_ = (int)rnd->range(0, 40);
            }
        }
        cycle_++;
    }

    // The core's flit of this cycle, offered and taken or not.
    void observe(bool offered, bool taken, const struct flit &f)
    {
        if (!offered || !taken || reset_left_ > 0) return;
        st.flits_out++;
        if (f.stream == SS_BARRIER) {
            if (node == ch->sh.master_node) {
                push_later(f, (int)rnd->range(1, 4));    // the local queue: back to itself
            } else {
                phase_ = P_GAP;
                gap_ = (int)rnd->range(0, 40);
            }
        } else if (f.stream == SS_PHASE_DONE && role == CORE_HIDDEN && learn_) {
            backward_phase();
        } else if (f.stream == SS_PHASE_DONE && role == ROLE_DEEP && learn_ && ++markers_out_ == layer2_cores()) {
            gradient_phase();
        }
    }

    uint32_t step() const { return step_; }
    uint64_t sample_id() const { return sample_id_; }

    void program_c(struct core_io *c) const
    {
        for (const Prog &p : prog_) {
            if (p.seed) {
                uint32_t s = p.value ? p.value : RNG_ZERO_FIX;
                switch (p.kind) {
                case SEED_ENC: c->k.rng_a[p.idx] = s; break;
                case SEED_FWD: c->k.rng_a[p.idx] = s; break;
                case SEED_DERIV: c->k.rng_b[p.idx] = s; break;
                case SEED_BACK: c->k.rng_a[p.idx] = s; break;
                case SEED_WTA: c->k.rng_wta = s; break;
                case SEED_GEN: c->k.rng_back[p.idx] = s; break;
                default: c->k.rng_gate = s; break;
                }
            } else {
                struct crossbar *x = p.kind == 1 ? &c->k.mirror[0] : &c->k.tiles[0];
                x->cells.w[(size_t)p.row * (size_t)x->cols + (size_t)p.col] = (int16_t)p.value;
            }
        }
    }

    // The sample's host inputs.
    bool learn() const { return learn_; }
    int label() const { return label_ < 0 ? 0 : label_; }
    uint32_t gate_q() const { return gate_q_; }
    uint64_t beta_q() const { return beta_q_; }
    uint8_t pixel(int i) const { return ch->pixels[first + i]; }

  private:
    struct Prog {
        bool seed;
        int kind, idx, row, col;
        uint32_t value;
    };
    struct Timed {
        uint64_t at;
        struct flit f;
    };
    enum { P_GAP, P_STEP };

    std::vector<Prog> prog_;
    size_t prog_at_ = 0;
    std::deque<Timed> deliver_;
    int reset_left_ = 0, phase_ = P_GAP, gap_ = 0, steps_left_ = 0, master_barriers_ = 0, markers_out_ = 0;
    uint64_t episode_left_ = 0, cycle_ = 0, step_age_ = 0, sample_id_ = 0;
    uint32_t step_ = 0;
    bool learn_ = false;
    int label_ = -1;
    uint32_t gate_q_ = 65536;
    uint64_t beta_q_ = 0;
    uint32_t ready_ = 1024, gap_rate_ = 0;
    const uint32_t *enc_ = nullptr;     // the input core's encoder streams (C model)

    void plan_programming(struct core_io *c)
    {
        prog_.clear();
        prog_at_ = 0;
        const struct chip_shared *sh = &ch->sh;
        int nmax = sh->rp->nmax;
        // moderate states: membranes across the sigmoid's slope, races that are not foregone
        int spread = (int)rnd->range(nmax / 8, nmax);
        auto cells = [&](const struct crossbar *x, int kind) {
            for (int r = 0; r < x->rows; r++)
                for (int col = 0; col < x->cols; col++) {
                    int v = (int)rnd->range(-spread, spread);
                    if (rnd->chance(1, 64)) v = rnd->chance(1, 2) ? nmax : -nmax;   // at the bounds
                    prog_.push_back(Prog{ false, kind, 0, r, col, (uint32_t)(int32_t)v });
                }
        };
        if (role != CORE_INPUT) cells(&c->k.tiles[0], 0);
        if (role == ROLE_DEEP) cells(&c->k.mirror[0], 1);     // the mirror: row m of layer 2, column j
        auto seed = [&](int kind, int idx) {
            uint32_t s = rnd->chance(1, 32) ? 0 : rng_seed(rnd->u64(), RNG_TRAIN, kind + 1, (uint64_t)idx);
            prog_.push_back(Prog{ true, kind, idx, 0, 0, s });
        };
        if (role == CORE_INPUT)
            for (int i = 0; i < count; i++) seed(SEED_ENC, i);
        if (role == CORE_HIDDEN || role == ROLE_DEEP)
            for (int j = 0; j < count; j++) seed(SEED_FWD, j), seed(SEED_DERIV, j);
        if (role == ROLE_DEEP)
            for (int j = 0; j < count; j++) seed(SEED_GEN, j);
        if (role == CORE_OUTPUT) {
            for (int j = 0; j < sh->n_h; j++) seed(SEED_BACK, j);
            seed(SEED_WTA, 0);
            seed(SEED_GATE, 0);
        }
        // interleave stream loads with the cell writes, as a host bus would
        for (size_t i = 1; i < prog_.size(); i++) std::swap(prog_[i], prog_[(size_t)rnd->range(0, (int64_t)i)]);
        // beta = 0.5 .. 4 in SSNN-BP units: beta_q = round(beta * dw_min * 2^48)
        double beta = 0.5 + 3.5 * (double)(rnd->u32() % 1000) / 1000.0;
        beta_q_ = (uint64_t)(beta * sh->dev->dw_min * 281474976710656.0);
        ch->sh.beta_q = beta_q_;
        if (role == ROLE_DEEP) ch->beta_layer[0] = beta_q_;    // layer 1's generators
    }

    void new_sample()
    {
        static const uint32_t ready_lv[] = { 1024, 1024, 1024, 900, 512, 64 };
        static const uint32_t gap_lv[] = { 0, 0, 100, 400, 900 };
        steps_left_ = (int)rnd->range(1, 4);
        learn_ = rnd->chance(3, 4);
        label_ = learn_ ? (int)rnd->range(0, ch->sh.n_out - 1) : -1;
        static const uint32_t gates[] = { 65536, 65536, 0, 32768, 60000, 1 };
        gate_q_ = rnd->pick(gates);
        for (int i = 0; i < ch->sh.n_in; i++) {
            uint32_t r = rnd->u32() % 8;
            ch->pixels[i] = (uint8_t)(r == 0 ? 0 : r == 1 ? 255 : rnd->range(0, 255));
        }
        // The encoder's corner, u16 == p * 257 (no spike: the test is u16 < p): when a
        // stream's draw in this sample is a multiple of 257, the pixel that meets it.
        for (int i = 0; enc_ && i < count; i++) {
            uint32_t s = enc_[i];
            for (int k = 0; k < steps_left_; k++) {
                uint32_t u = rng_u16(&s);
                if (u % 257 == 0 && rnd->chance(3, 4)) {
                    ch->pixels[first + i] = (uint8_t)(u / 257);
                    st.encoder_corners++;
                    break;
                }
            }
        }
        ch->sh.label = label_;
        ch->sh.gate_q = gate_q_;
        sample_id_++;
        ready_ = rnd->pick(ready_lv);
        gap_rate_ = rnd->pick(gap_lv);
        if (learn_) st.samples_learn++;
        else st.samples_infer++;
    }

    struct flit make(int src, int stream, int tclass, uint32_t neuron) const
    {
        struct flit f = {};
        f.src = (uint16_t)src;
        f.dst = (uint16_t)node;
        f.stream = (uint8_t)stream;
        f.tclass = (uint8_t)tclass;
        f.head = f.tail = 1;
        f.neuron = neuron;
        f.step = step_;
        return f;
    }

    void push_later(const struct flit &f, int delay)
    {
        uint64_t at = cycle_ + (uint64_t)delay;
        if (!deliver_.empty() && deliver_.back().at > at) at = deliver_.back().at;
        deliver_.push_back(Timed{ at, f });
    }

    // Per-source sequences (spikes, then their marker), merged at random; a marker
    // overtakes some of its spikes now and then (virtual channels may reorder).
    void merge(std::vector<std::vector<struct flit>> &srcs)
    {
        for (auto &s : srcs)
            if (s.size() > 1 && rnd->chance(1, 4)) {
                size_t to = (size_t)rnd->range(0, (int64_t)s.size() - 1);
                std::rotate(s.begin() + (long)to, s.end() - 1, s.end());
            }
        std::vector<size_t> at(srcs.size(), 0);
        size_t left = 0;
        for (auto &s : srcs) left += s.size();
        while (left) {
            size_t k = (size_t)rnd->range(0, (int64_t)srcs.size() - 1);
            if (at[k] == srcs[k].size()) continue;
            push_later(srcs[k][at[k]++], 0);
            left--;
        }
    }

    std::vector<struct flit> spikes_from(int src, int stream, int tclass, int lo, int n, uint32_t p_num)
    {
        std::vector<struct flit> v;
        for (int i = 0; i < n; i++)
            if (rnd->chance(p_num, 1024)) v.push_back(make(src, stream, tclass, (uint32_t)(lo + i)));
        v.push_back(make(src, SS_PHASE_DONE, tclass, (uint32_t)v.size()));
        return v;
    }

    void maybe_fault()
    {
        if (!rnd->chance(1, 200)) return;
        // a flit this core must refuse
        struct flit f;
        switch (rnd->range(0, 4)) {
        case 0: f = make(1, SS_SYNTHETIC, TC_FORWARD, 0); break;
        case 1: f = make(1, SS_BACK_POS, TC_BACKWARD, (uint32_t)(role == CORE_HIDDEN ? first + count : 0)); break;
        case 4:     // a gradient spike: only a deep core takes one, of a neuron layer 2 has
            f = make(1, rnd->chance(1, 2) ? SS_GRAD_POS : SS_GRAD_NEG, TC_BACKWARD,
                     (uint32_t)(role == ROLE_DEEP ? ch->width[2] + (int)rnd->range(0, 3) : 0));
            break;
        case 2: f = make(1, role == CORE_OUTPUT ? SS_INPUT : SS_HIDDEN, TC_FORWARD, 0); break;
        default: f = make(1, node == 0 ? SS_SYNTHETIC : SS_BARRIER, TC_CONTROL, 1); break;
        }
        push_later(f, (int)rnd->range(0, 20));
        st.faults++;
    }

    void start_step(Drive &d)
    {
        const struct chip_shared *sh = &ch->sh;
        if (steps_left_ == 0) new_sample();
        steps_left_--;
        step_++;
        ch->sh.step = step_;
        st.steps++;
        phase_ = P_STEP;
        static const uint32_t p_lv[] = { 0, 100, 512, 900, 1024 };     // share of neurons that spike
        uint32_t p = rnd->pick(p_lv);
        std::vector<std::vector<struct flit>> srcs;
        struct flit rel = make(sh->master_node, SS_RELEASE, TC_CONTROL, 0);
        if (role == CORE_INPUT) {
            push_later(rel, 0);
            if (node == sh->master_node) {
                d.barrier_clr = true;
                master_barriers_ = 0;
                for (int k = 1; k < ch->n_cores; k++)
                    push_later(make(k, SS_BARRIER, TC_CONTROL, (uint32_t)k), (int)rnd->range(0, 30));
            }
        } else {
            markers_out_ = 0;
            int senders = crole == CORE_HIDDEN ? sh->n_input_cores : sh->n_hidden_cores;
            for (int s = 0; s < senders; s++) {
                int src, lo, n;
                core_io_place(ch, crole == CORE_HIDDEN ? CORE_INPUT : CORE_HIDDEN, s, &src, &lo, &n);
                srcs.push_back(spikes_from(src, crole == CORE_HIDDEN ? SS_INPUT : SS_HIDDEN, TC_FORWARD, lo, n, p));
            }
            // the RELEASE anywhere: spikes of nearer cores may overtake it
            auto &s0 = srcs[(size_t)rnd->range(0, (int64_t)srcs.size() - 1)];
            s0.insert(s0.begin() + (long)rnd->range(0, (int64_t)s0.size()), rel);
            merge(srcs);
        }
        maybe_fault();
    }

    void backward_phase()
    {
        const struct chip_shared *sh = &ch->sh;
        uint32_t p = rnd->chance(1, 4) ? 0 : (uint32_t)rnd->range(0, 1024);
        std::vector<struct flit> v;
        for (int j = 0; j < count; j++)
            if (rnd->chance(p, 1024)) {
                int pos = rnd->chance(1, 2);
                v.push_back(make(sh->output_node, pos ? SS_BACK_POS : SS_BACK_NEG, TC_BACKWARD, (uint32_t)(first + j)));
            }
        v.push_back(make(sh->output_node, SS_PHASE_DONE, TC_BACKWARD, (uint32_t)v.size()));
        std::vector<std::vector<struct flit>> srcs{ v };
        merge(srcs);
    }

    int layer2_cores() const { return ch->layer_core0[2] - ch->layer_core0[1]; }

    // A deep core's backward input: every core of layer 2 sends a gradient spike of
    // some of its neurons (each a signed g+-_m) and its PHASE_DONE with their count.
    void gradient_phase()
    {
        uint32_t p = rnd->chance(1, 4) ? 0 : (uint32_t)rnd->range(0, 1024);
        std::vector<std::vector<struct flit>> srcs;
        for (int k = ch->layer_core0[1]; k < ch->layer_core0[2]; k++) {
            int src, lo, n;
            core_io_place(ch, CORE_HIDDEN, k, &src, &lo, &n);
            std::vector<struct flit> v;
            for (int m = lo; m < lo + n; m++)
                if (rnd->chance(p, 1024)) {
                    v.push_back(make(src, rnd->chance(1, 2) ? SS_GRAD_POS : SS_GRAD_NEG, TC_BACKWARD, (uint32_t)m));
                    st.grads_in++;
                }
            v.push_back(make(src, SS_PHASE_DONE, TC_BACKWARD, (uint32_t)v.size()));
            srcs.push_back(v);
        }
        merge(srcs);
    }
};

// Puts one cycle's stimulus on the RTL core's input ports (the lockstep bench and
// the speed benchmark drive it alike).
template <class Top>
void apply(Top &top, const Drive &d, Env &env, int core_neurons)
{
    top.rst_ni = !d.rst;
    top.role_i = (uint8_t)d.role;
    top.index_i = (uint8_t)d.index;
    top.prog_wr_i = d.prog_wr;
    top.prog_mirror_i = d.prog_mirror;
    top.prog_row_i = (uint32_t)d.prog_row;
    top.prog_col_i = (uint32_t)d.prog_col;
    top.prog_state_i = (uint16_t)d.prog_state;
    top.seed_valid_i = d.seed_valid;
    top.seed_kind_i = (uint8_t)d.seed_kind;
    top.seed_idx_i = (uint32_t)d.seed_idx;
    top.seed_i = d.seed;
    for (int i = 0; i < core_neurons; i++)
        top.pixel_i[i] = i < env.count && env.role == CORE_INPUT ? env.pixel(i) : 0;
    top.learn_i = env.learn();
    top.label_i = (uint32_t)env.label();
    top.gate_q_i = env.gate_q();
    top.beta_q_i = env.beta_q();
    top.barrier_clr_i = d.barrier_clr;
    top.in_valid_i = d.in_valid;
    if (d.in_valid) flit_pack::pack(top.in_flit_i.data(), 0, d.in);
    top.out_ready_i = d.ready;
}

}  // namespace core_env
#endif
