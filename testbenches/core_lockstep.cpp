// Lockstep bench of rtl/core.sv against models/core.c (through models/core_io.c:
// the C core with its network interface, on a small chip built from the RTL's own
// parameters). Episodes of random length each take one core of that chip (input,
// the master input core, hidden, output), program its tile and streams through the
// host ports, and run time steps in the traffic of testbenches/core_env.h. After
// every rising edge the bench compares the flit the core offers its network
// interface (valid and every field: so the cycle each flit appears is compared),
// the protocol state (phase, step, markers and spike counts, barrier count, fault),
// and, whenever the core is not in the middle of a computation, its architectural
// state: active rows, membranes, every crossbar cell of its block, every unit
// stream, forward and derivative spikes, the WTA decision, and the tile's event
// counters. Inside a computation the RTL's units work lane group by lane group
// where the C model does it all at its end, so only the protocol is compared
// there; both must agree again on the cycle it ends. Role 3, the deep core (a core of
// hidden layer 1 of the chip Input-Hidden-Hidden2-Output, models/core_io.c's
// core_io_chip_init_deep), adds its mirror of W2 (every cell and its counters), its
// backward generators' streams and sums, and the gradient spikes it has taken.
// CORE_LOCKSTEP_TRACE=1 in the environment prints a line per cycle (the flit in, both
// sides' phase and outbox); CORE_LOCKSTEP_ROLE=R runs every episode in role R (0-3).
#include "Vcore.h"
#include "Vcore_core.h"
#include "core_env.h"
#include "flit_pack.h"
#include "lockstep.h"

#include <verilated_syms.h>

#include <string>

using K = Vcore_core;
constexpr int kIn = (int)K::Input, kHid = (int)K::Hidden, kHid2 = (int)K::Hidden2, kOut = (int)K::Output;
constexpr int kCn = (int)K::CoreNeurons, kLanes = (int)K::NeuronLanes;
constexpr int kRows = (int)K::XbarRows, kCols = (int)K::XbarCols;
constexpr int kSlots = (kCn + kLanes - 1) / kLanes;
constexpr int kLag[3] = { (int)K::FinishLagInput, (int)K::FinishLagHidden, (int)K::FinishLagOutput };
#ifdef P_CoreNeurons
static_assert(P_CoreNeurons == kCn, "PARAMS_core and the RTL disagree");
#endif

// A public signal of the RTL, found by scope and name, read element by element
// (Verilator's scope table holds one-dimensional arrays; the crossbar's cells are
// read from the model's own member).
class Probe {
  public:
    Probe() = default;
    Probe(VerilatedContext *ctx, const std::string &scope, const char *name) {
        const VerilatedScope *s = ctx->scopeFind(("TOP." + scope).c_str());
        const VerilatedVar *v = s ? s->varFind(name) : nullptr;
        if (!v) {
            fprintf(stderr, "core_lockstep: no public signal %s in %s\n", name, scope.c_str());
            exit(2);
        }
        p_ = (const uint8_t *)v->datap();
        size_ = v->entSize();
    }
    uint64_t u(size_t i = 0) const {
        const uint8_t *q = p_ + i * size_;
        switch (size_) {
        case 1: return *q;
        case 2: return *(const uint16_t *)q;
        case 4: return *(const uint32_t *)q;
        default: return *(const uint64_t *)q;
        }
    }
    int64_t s16(size_t i) const { return (int16_t)u(i); }
    int64_t s32(size_t i) const { return (int32_t)u(i); }
    bool bit(int k) const { return u(0) >> k & 1; }

  private:
    const uint8_t *p_ = nullptr;
    uint32_t size_ = 0;
};

struct Probes {
    Probe state, started, m_seen, m_needed, s_seen, s_ann, barriers, rows, x, fault, acc, h, d, winner, err;
    Probe rows_driven, back_reads, pulses_up, pulses_dn, enc, wta, gate, back;
    Probe mir_back_reads, mir_pulses_up, mir_pulses_dn, gen, sums, grads_seen;
    Probe fwd[kLanes], deriv[kLanes];
    explicit Probes(VerilatedContext *c) {
        state = Probe(c, "core", "state_q");
        started = Probe(c, "core", "started_q");
        m_seen = Probe(c, "core", "markers_seen_q");
        m_needed = Probe(c, "core", "markers_needed_q");
        s_seen = Probe(c, "core", "spikes_seen_q");
        s_ann = Probe(c, "core", "spikes_announced_q");
        barriers = Probe(c, "core", "barrier_count_q");
        rows = Probe(c, "core", "rows_q");
        x = Probe(c, "core", "x_q");
        fault = Probe(c, "core", "fault_q");
        acc = Probe(c, "core", "xb_acc");
        h = Probe(c, "core", "h_bits");
        d = Probe(c, "core", "d_bits");
        winner = Probe(c, "core", "wta_winner");
        err = Probe(c, "core", "wta_err");
        rows_driven = Probe(c, "core", "xb_rows_driven");
        back_reads = Probe(c, "core", "xb_back_reads");
        pulses_up = Probe(c, "core", "xb_pulses_up");
        pulses_dn = Probe(c, "core", "xb_pulses_dn");
        enc = Probe(c, "core", "enc_state");
        wta = Probe(c, "core.u_wta", "wta_state");
        gate = Probe(c, "core.u_wta", "gate_state");
        back = Probe(c, "core.u_wta", "back_state");
        mir_back_reads = Probe(c, "core", "mir_back_reads");
        mir_pulses_up = Probe(c, "core", "mir_pulses_up");
        mir_pulses_dn = Probe(c, "core", "mir_pulses_dn");
        gen = Probe(c, "core", "gen_state");
        sums = Probe(c, "core", "back_q");
        grads_seen = Probe(c, "core", "grads_seen_q");
        for (int l = 0; l < kLanes; l++) {
            std::string sc = "core.g_lane[" + std::to_string(l) + "].u_neuron";
            fwd[l] = Probe(c, sc, "fwd_state");
            deriv[l] = Probe(c, sc, "deriv_state");
        }
    }
};

struct Cov {
    uint64_t finishes[4], gen_finishes, driven, fired, derivs, grads, errs, w2_updates, compared_cycles, compute_cycles;
};

int main(int argc, char **argv)
{
    lockstep::Bench b(argc, argv, "core", 20000);
    struct core_io_chip ch, deep;
    char err[512];
    if (core_io_chip_init(&ch, kIn, kHid, kOut, kCn, kLanes, kRows, (double)K::DwMin, (double)K::WMax, err,
                          sizeof err) ||
        core_io_chip_init_deep(&deep, kIn, kHid, kHid2, kOut, kCn, kLanes, kRows, (double)K::DwMin, (double)K::WMax,
                               err, sizeof err)) {
        fprintf(stderr, "core_lockstep: %s\n", err);
        return 2;
    }
    int force_role = -1;
    if (const char *r = getenv("CORE_LOCKSTEP_ROLE")) {
        force_role = atoi(r);
        if (force_role < 0 || force_role > 3) {
            fprintf(stderr, "core_lockstep: CORE_LOCKSTEP_ROLE=%s: a role is 0 (input), 1 (hidden), 2 (output) or 3 (deep)\n", r);
            return 2;
        }
        if (!b.quiet()) printf("  every episode in role %d (CORE_LOCKSTEP_ROLE)\n", force_role);
    }
    // The C core counts the RTL's registered finish (core_finish_lag); if the two
    // disagree, every computation would end in a different cycle: say why first.
    for (int r = 0; r < 3; r++)
        if (core_finish_lag((enum core_role)r) != kLag[r]) {
            fprintf(stderr, "core_lockstep: core_finish_lag(%d) = %d in models/core.c, FinishLag = %d in rtl/core.sv\n",
                    r, core_finish_lag((enum core_role)r), kLag[r]);
            return 1;
        }
    b.mem_file("sigmoid.mem", ch.act.sigmoid, (size_t)(2 * ch.act.smax + 1), 4);
    b.mem_file("exp.mem", ch.act.exp, (size_t)(ch.act.dmax + 1), 5);
    core_env::Stats st = {};
    Cov cov = {};
    int rc = b.main([&](lockstep::Bench &b) {
        Vcore top(b.ctx());
        b.attach(&top);
        Probes p(b.ctx());
        core_env::Env env(&ch, &b.rnd, kCols, &deep);
        const bool pick_index = force_role >= 0;
        struct core_io cio;
        bool have = false, err_valid = false;
        const bool trace = getenv("CORE_LOCKSTEP_TRACE") != nullptr;     // a line per cycle
        cov = Cov{};
        while (b.next()) {
            if (!env.in_reset() && env.episode_left() == 0) {
                if (pick_index) {   // a fixed role, any core of it
                    env.force_role = force_role;
                    env.force_index = force_role == CORE_INPUT    ? (int)b.rnd.range(0, ch.sh.n_input_cores - 1)
                                      : force_role == CORE_HIDDEN ? (int)b.rnd.range(0, ch.sh.n_hidden_cores - 1)
                                      : force_role == core_env::ROLE_DEEP ? (int)b.rnd.range(0, deep.layer_core0[1] - 1)
                                                                          : 0;
                }
                env.new_episode((uint64_t)b.rnd.range(3000, 40000));
                if (have) core_io_free(&cio);
                if (core_io_init(&cio, env.ch, env.crole, env.index)) {
                    fprintf(stderr, "core_lockstep: core_io_init failed\n");
                    exit(2);
                }
                have = true;
                err_valid = false;
                env.program(&cio);
            }
            core_env::Drive d;
            env.drive(d);

            core_env::apply(top, d, env, kCn);     // the RTL's inputs
            b.tick(&top);

            if (d.rst) continue;    // the C core was built fresh for the episode
            // the C core's cycle
            if (d.barrier_clr) cio.k.barrier_count = 0;
            int was_computing = cio.k.state == CS_COMPUTE;
            struct flit outf = {};
            int offered = core_io_step(&cio, d.in_valid ? &d.in : NULL, d.ready, &outf);
            env.observe(offered, d.ready, outf);
            const struct core *k = &cio.k;
            if (was_computing && k->state != CS_COMPUTE) {
                cov.finishes[env.role]++;
                if (env.role == core_env::ROLE_DEEP && k->back_compute) {
                    cov.gen_finishes++;
                    if (k->grads_seen) cov.driven++;
                }
                if (env.role == CORE_OUTPUT) {
                    err_valid = env.learn();
                    if (env.learn() && k->err) cov.errs++;
                }
            }

            if (trace)
                printf("c%" PRIu64 " role %d rst %d prog %d in %d(s%u n%u st%u) rdy %d | C st %d busy %" PRIu64
                       " q %u took %d(s%u n%u d%u) | RTL st %d next %d(s%u n%u d%u)\n",
                       b.cycle, env.role, d.rst, env.programming(), d.in_valid, d.in.stream, d.in.neuron, d.in.step,
                       d.ready, k->state, core_io_finish_at(&cio), cio.count, offered && d.ready, outf.stream, outf.neuron,
                       outf.dst, (int)p.state.u(), top.out_valid_o,
                       (unsigned)flit_pack::unpack(top.out_flit_o.data(), 0).stream,
                       flit_pack::unpack(top.out_flit_o.data(), 0).neuron,
                       (unsigned)flit_pack::unpack(top.out_flit_o.data(), 0).dst);
            // ---- compare: the interface and the protocol, every cycle ----
            // the offer of the coming cycle: the RTL's registered output after this edge
            struct flit next = {};
            int next_valid = core_io_peek(&cio, &next);
            b.cmp("out_valid", next_valid, top.out_valid_o);
            if (next_valid && top.out_valid_o) flit_pack::cmp_flit(b, "out_flit", -1, next, top.out_flit_o.data(), 0);
            b.cmp("state", k->state, (int64_t)p.state.u());
            b.cmp("started", k->started, (int64_t)p.started.u());
            b.cmp("barrier_count", k->barrier_count, (int64_t)p.barriers.u());
            b.cmp("fault", k->fault[0] != 0, top.fault_o);
            if (env.stalled()) {
                printf("bench: no step has ended for 50000 cycles (role %d index %d)\n", env.role, env.index);
                b.cmp("bench_stall", 0, 1);
                break;
            }
            if (env.programming()) continue;
            if (k->state == CS_COMPUTE) {
                cov.compute_cycles++;
                continue;
            }
            cov.compared_cycles++;

            // ---- compare: the architectural state ----
            b.cmp("markers_seen", k->markers_seen, (int64_t)p.m_seen.u());
            b.cmp("markers_needed", k->markers_needed, (int64_t)p.m_needed.u());
            b.cmp("spikes_seen", (int64_t)(uint32_t)k->spikes_seen, (int64_t)p.s_seen.u());
            b.cmp("spikes_announced", (int64_t)(uint32_t)k->spikes_announced, (int64_t)p.s_ann.u());
            if (env.role == CORE_INPUT) {
                uint64_t want = 0;
                for (int a = 0; a < k->n_rows; a++) want |= 1ull << k->rows[a];
                b.cmp("x", (int64_t)want, (int64_t)p.x.u());
                for (int i = 0; i < env.count; i++) b.cmp("enc_stream", i, k->rng_a[i], (int64_t)p.enc.u((size_t)i));
                continue;
            }
            uint64_t want = 0;
            for (int a = 0; a < k->n_rows; a++) want |= 1ull << k->rows[a];
            b.cmp("rows", (int64_t)want, (int64_t)p.rows.u());
            const struct crossbar *x = &k->tiles[0];
            for (int c = 0; c < x->cols; c++) b.cmp("acc", c, k->acc[c], p.acc.s32((size_t)c));
            for (int r = 0; r < x->rows; r++)
                for (int c = 0; c < x->cols; c++)
                    b.cmp("cell", r * kCols + c, x->cells.w[(size_t)r * (size_t)x->cols + (size_t)c],
                          (int16_t)top.core->u_xbar__DOT__cell_q[r][c]);
            b.cmp("rows_driven", (int64_t)x->c.rows_driven, (int64_t)p.rows_driven.u());
            b.cmp("back_reads", (int64_t)x->c.back_reads, (int64_t)p.back_reads.u());
            b.cmp("pulses_up", (int64_t)x->cells.pulses_up, (int64_t)p.pulses_up.u());
            b.cmp("pulses_down", (int64_t)x->cells.pulses_down, (int64_t)p.pulses_dn.u());
            if (env.crole == CORE_HIDDEN) {
                for (int j = 0; j < env.count; j++) {
                    int l = j % kLanes, s = j / kLanes;
                    b.cmp("fwd_stream", j, k->rng_a[j], (int64_t)p.fwd[l].u((size_t)s));
                    b.cmp("deriv_stream", j, k->rng_b[j], (int64_t)p.deriv[l].u((size_t)s));
                    b.cmp("h", j, k->h[j], p.h.bit(j));
                    b.cmp("d", j, k->d[j], p.d.bit(j));
                }
                if (env.role == core_env::ROLE_DEEP) {
                    // the mirror: C row m (layer 2's neuron), column j <-> RTL cell [j][m]
                    const struct crossbar *m = &k->mirror[0];
                    for (int r = 0; r < m->rows; r++)
                        for (int c = 0; c < m->cols; c++)
                            b.cmp("mirror_cell", r * kCn + c, m->cells.w[(size_t)r * (size_t)m->cols + (size_t)c],
                                  (int16_t)top.core->u_mirror__DOT__cell_q[c][r]);
                    b.cmp("mirror_back_reads", (int64_t)m->c.back_reads, (int64_t)p.mir_back_reads.u());
                    b.cmp("mirror_pulses_up", (int64_t)m->cells.pulses_up, (int64_t)p.mir_pulses_up.u());
                    b.cmp("mirror_pulses_down", (int64_t)m->cells.pulses_down, (int64_t)p.mir_pulses_dn.u());
                    b.cmp("grads_seen", k->grads_seen, (int64_t)p.grads_seen.u());
                    for (int j = 0; j < env.count; j++) {
                        b.cmp("gen_stream", j, k->rng_back[j], (int64_t)p.gen.u((size_t)j));
                        b.cmp("back_sum", j, k->back[j], p.sums.s32((size_t)j));
                    }
                }
            } else {
                for (int j = 0; j < kHid; j++) b.cmp("back_stream", j, k->rng_a[j], (int64_t)p.back.u((size_t)j));
                b.cmp("wta_stream", k->rng_wta, (int64_t)p.wta.u());
                b.cmp("gate_stream", k->rng_gate, (int64_t)p.gate.u());
                b.cmp("winner", k->winner, (int64_t)p.winner.u());
                if (err_valid) b.cmp("err", k->err, (int64_t)p.err.u());
            }
        }
        if (have) {
            st = env.st;
            core_io_free(&cio);
        }
    });
    if (!b.quiet())
        printf("  traffic: episodes input %" PRIu64 " hidden %" PRIu64 " output %" PRIu64 " deep %" PRIu64 ", %" PRIu64
               " steps (%" PRIu64 " learning, %" PRIu64 " inference samples), %" PRIu64 " flits in, %" PRIu64
               " flits out,\n           %" PRIu64 " refused flits, %" PRIu64 " encoder corners, finishes input %" PRIu64 " hidden %" PRIu64
               " output %" PRIu64 " (%" PRIu64 " with errors); state compared on %" PRIu64 " cycles, %" PRIu64
               " cycles computing\n"
               "           deep core: %" PRIu64 " gradient spikes in, %" PRIu64 " generator computations (%" PRIu64
               " driven), %" PRIu64 " forward\n",
               st.episodes[0], st.episodes[1], st.episodes[2], st.episodes[3], st.steps, st.samples_learn, st.samples_infer,
               st.flits_in, st.flits_out, st.faults, st.encoder_corners, cov.finishes[0], cov.finishes[1], cov.finishes[2], cov.errs,
               cov.compared_cycles, cov.compute_cycles, st.grads_in, cov.gen_finishes, cov.driven,
               cov.finishes[3] - cov.gen_finishes);
    core_io_chip_free(&ch);
    core_io_chip_free(&deep);
    return rc;
}
