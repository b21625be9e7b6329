// RTL simulation speed of one core: rtl/core.sv under Verilator (no coverage, -O3),
// without a trace and with an FST trace of every signal, next to its C model
// (models/core.c through models/core_io.c) in the same run. The RTL runs in the
// traffic of testbenches/core_env.h (the lockstep bench's); the inputs it got,
// cycle by cycle, are recorded and replayed to the C model, so both simulate the
// same cycles of the same core and the C figure is the model's, not the traffic
// generator's. The C model is event-driven: an idle cycle costs it the interface
// check only.
// Usage: bench_rtl_core [--cycles N] [--trace-cycles N] [--seed S] [--fst FILE]
#include "Vcore.h"
#include "Vcore_core.h"
#include "core_env.h"
#include "flit_pack.h"

#include <verilated_fst_c.h>

#include <ctime>
#include <string>
#include <vector>

using K = Vcore_core;

// The inputs of one cycle, as the C model needs them.
struct Rec {
    uint32_t flit;          // index into Tape::flits, or UINT32_MAX
    uint32_t host;          // index into Tape::hosts: the step and sample in presentation
    uint8_t rst, ready, clr;
};
struct Host {
    uint32_t step, gate_q;
    int label;
    std::vector<uint8_t> pixels;
};
struct Tape {
    std::vector<Rec> cycles;
    std::vector<struct flit> flits;
    std::vector<Host> hosts;
};

struct Run {
    uint64_t cycles = 0, flits_out = 0;
    double secs = 0;
    double rate() const { return secs > 0 ? (double)cycles / secs : 0; }
};

// CPU time of this process: the figures do not depend on what else the machine runs
// (on an idle machine it equals the wall-clock time).
static double now_s()
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// The environment of one core for a whole run; the C model it needs for the
// programming plan (the RTL run programs the RTL through its ports).
struct Setup {
    struct core_io_chip *ch;
    lockstep::Rand rnd;
    core_env::Env env;
    struct core_io cio;
    Setup(struct core_io_chip *c, int role, int index, uint64_t seed, uint64_t cycles) : ch(c), env(c, &rnd, (int)K::XbarCols) {
        rnd.s = seed;
        env.force_role = role;
        env.force_index = index;
        env.new_episode(cycles + 100000);
        if (core_io_init(&cio, ch, (enum core_role)role, index)) {
            fprintf(stderr, "bench_rtl_core: core_io_init failed\n");
            exit(1);
        }
        env.program(&cio);
    }
    ~Setup() { core_io_free(&cio); }
};

static Run run_rtl(struct core_io_chip *ch, int role, int index, uint64_t seed, uint64_t cycles, const char *fst,
                   Tape *tape)
{
    Setup s(ch, role, index, seed, cycles);
    VerilatedContext ctx;
    if (fst) ctx.traceEverOn(true);
    Vcore top(&ctx);
    VerilatedFstC *tfp = nullptr;
    if (fst) {
        tfp = new VerilatedFstC;
        top.trace(tfp, 99);
        tfp->open(fst);
    }
    Run r;
    core_env::Drive d;
    uint64_t t = 0, sample = UINT64_MAX;
    double t0 = now_s();
    for (uint64_t c = 0; c < cycles; c++) {
        s.env.drive(d);
        core_env::apply(top, d, s.env, (int)K::CoreNeurons);
        // the flit offered in this cycle is the registered output of the last edge
        bool offered = top.out_valid_o;
        struct flit out = offered ? flit_pack::unpack(top.out_flit_o.data(), 0) : flit{};
        top.clk_i = 0;
        ctx.time(t);
        top.eval();
        if (tfp) tfp->dump(t);
        top.clk_i = 1;
        ctx.time(t + 5);
        top.eval();
        if (tfp) tfp->dump(t + 5);
        t += 10;
        if (!d.rst) s.env.observe(offered, d.ready, out);
        r.flits_out += offered && d.ready && !d.rst;
        if (tape) {
            const struct chip_shared *sh = &ch->sh;
            if (tape->hosts.empty() || tape->hosts.back().step != sh->step || sample != s.env.sample_id()) {
                sample = s.env.sample_id();
                tape->hosts.push_back(Host{ sh->step, sh->gate_q, sh->label,
                                            std::vector<uint8_t>(ch->pixels, ch->pixels + sh->n_in) });
            }
            Rec rec = { UINT32_MAX, (uint32_t)tape->hosts.size() - 1, (uint8_t)d.rst, (uint8_t)d.ready,
                        (uint8_t)d.barrier_clr };
            if (d.in_valid) {
                rec.flit = (uint32_t)tape->flits.size();
                tape->flits.push_back(d.in);
            }
            tape->cycles.push_back(rec);
        }
    }
    r.secs = now_s() - t0;
    r.cycles = cycles;
    if (tfp) {
        tfp->close();
        delete tfp;
    }
    top.final();
    return r;
}

static Run run_c(struct core_io_chip *ch, int role, int index, uint64_t seed, const Tape &tape)
{
    Setup s(ch, role, index, seed, tape.cycles.size());    // the same programming as the RTL got
    Run r;
    struct core_io *c = &s.cio;
    double t0 = now_s();
    uint32_t host = UINT32_MAX;
    for (const Rec &rec : tape.cycles) {
        if (rec.host != host) {     // the host's step and sample, as the RTL had them
            const Host &h = tape.hosts[rec.host];
            host = rec.host;
            ch->sh.step = h.step;
            ch->sh.gate_q = h.gate_q;
            ch->sh.label = h.label;
            memcpy(ch->pixels, h.pixels.data(), h.pixels.size());
        }
        if (rec.rst) continue;
        if (rec.clr) c->k.barrier_count = 0;
        struct flit out;
        int offered = core_io_step(c, rec.flit == UINT32_MAX ? nullptr : &tape.flits[rec.flit], rec.ready, &out);
        r.flits_out += offered && rec.ready;
    }
    r.secs = now_s() - t0;
    r.cycles = tape.cycles.size();
    return r;
}

int main(int argc, char **argv)
{
    uint64_t cycles = 1000000, trace_cycles = 100000, seed = 1;
    std::string fst = "/tmp/ssnnsim-bench-core.fst";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--cycles")) cycles = strtoull(argv[i + 1], nullptr, 0);
        else if (!strcmp(argv[i], "--trace-cycles")) trace_cycles = strtoull(argv[i + 1], nullptr, 0);
        else if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], nullptr, 0);
        else if (!strcmp(argv[i], "--fst")) fst = argv[i + 1];
        else {
            fprintf(stderr, "usage: %s [--cycles N] [--trace-cycles N] [--seed S] [--fst FILE]\n", argv[0]);
            return 2;
        }
    }
    struct core_io_chip ch;
    char err[512];
    if (core_io_chip_init(&ch, (int)K::Input, (int)K::Hidden, (int)K::Output, (int)K::CoreNeurons,
                          (int)K::NeuronLanes, (int)K::XbarRows, (double)K::DwMin, (double)K::WMax, err, sizeof err)) {
        fprintf(stderr, "bench_rtl_core: %s\n", err);
        return 1;
    }
    // the tables the RTL's $readmemh reads, in the working directory
    FILE *f = fopen("sigmoid.mem", "w");
    for (int i = 0; f && i < 2 * ch.act.smax + 1; i++) fprintf(f, "%04x\n", ch.act.sigmoid[i]);
    if (f) fclose(f);
    f = fopen("exp.mem", "w");
    for (int i = 0; f && i <= ch.act.dmax; i++) fprintf(f, "%05x\n", ch.act.exp[i]);
    if (f) fclose(f);

    printf("RTL core speed: rtl/core.sv (Verilator %s, no coverage) vs its C model (models/core.c), one core,\n"
           "cycles per second of CPU time, same traffic (testbenches/core_env.h, seed %llu); chip %d-%d-%d, %d neurons/core, %d lanes, %dx%d tile\n",
           Verilated::productVersion(), (unsigned long long)seed, (int)K::Input, (int)K::Hidden, (int)K::Output,
           (int)K::CoreNeurons, (int)K::NeuronLanes, (int)K::XbarRows, (int)K::XbarCols);
    printf("  %-7s %9s %12s %14s %13s %8s %10s\n", "core", "cycles", "RTL cyc/s", "RTL+FST cyc/s", "C cyc/s", "C/RTL",
           "flits out");
    static const char *names[] = { "input", "hidden", "output" };
    double worst_rtl = 1e300, worst_ratio = 1e300;
    for (int role = 0; role < 3; role++) {
        Tape tape;
        tape.cycles.reserve(cycles);
        Run rtl = run_rtl(&ch, role, 0, seed, cycles, nullptr, &tape);
        Run tr = run_rtl(&ch, role, 0, seed, trace_cycles, fst.c_str(), nullptr);
        Run c = run_c(&ch, role, 0, seed, tape);
        if (c.flits_out != rtl.flits_out)
            printf("  note: %s core: RTL sent %llu flits, C %llu (see make validate)\n", names[role],
                   (unsigned long long)rtl.flits_out, (unsigned long long)c.flits_out);
        double ratio = rtl.rate() > 0 ? c.rate() / rtl.rate() : 0;
        printf("  %-7s %9llu %12.0f %14.0f %13.0f %7.0fx %10llu\n", names[role], (unsigned long long)cycles, rtl.rate(),
               tr.rate(), c.rate(), ratio, (unsigned long long)rtl.flits_out);
        if (rtl.rate() < worst_rtl) worst_rtl = rtl.rate();
        if (ratio < worst_ratio) worst_ratio = ratio;
    }
    remove(fst.c_str());
    printf("  targets: RTL >= 300000 cycles/s without trace (slowest core: %.0f, %s); C model >= 50x the RTL "
           "(smallest ratio: %.0fx, %s)\n",
           worst_rtl, worst_rtl >= 300000 ? "met" : "NOT met", worst_ratio, worst_ratio >= 50 ? "met" : "NOT met");
    core_io_chip_free(&ch);
    return 0;
}
