// Shared helpers of the Verilator lockstep benches (testbenches/*_lockstep.cpp).
//
// A bench drives one Verilated RTL component and its C cycle model with the same
// seeded constrained-random stimulus, clocks both, and compares every output and
// the architectural state after every rising edge. This header gives it:
//
//   lockstep::Bench b(argc, argv, "rng");   parses the common options (below)
//   return b.main([](lockstep::Bench &b) {  the body runs once; on a mismatch it runs
//     Vrng top(b.ctx());                    again with the FST window around it
//     b.attach(&top);                       (the body is a pure function of the seed)
//     while (b.next()) {                    one iteration per clock cycle
//       top.load_i = ... ; in.load = ...;   drive RTL and C model with b.rnd.* draws
//       b.tick(&top);                       falling edge (inputs settle), rising edge
//       model_step(&m, &in);                the C model's rising edge
//       b.cmp("word_o", m.word, top.word_o);   (name, expected, got): one line a signal
//     }
//   });
//
// Options every bench takes:
//   --cycles N      cycles to run (default: the bench's own, for `make test`)
//   --seed S        stimulus seed (printed; replays a run exactly)
//   --window W      FST cycles dumped on each side of the first mismatch (default 50; 0: none)
//   --waves DIR     where the FST goes (default waves/)
//   --coverage F    write Verilator coverage (line, toggle) to F at the end
//   --quiet         only the result lines
// A bench runs in its build directory (build/verilator/COMP/): the tables it writes
// there with mem_file() are the files its RTL's $readmemh reads. Paths given on the
// command line are taken relative to where the bench was started.
// Time: cycle c has its falling edge at 10c (inputs change) and rising edge at 10c+5.
// Output: on the first mismatch, "MISMATCH <bench> cycle C signal S expected E got G seed S"
// with the replay command and the FST path; always a last line
//   RESULT bench=rng cycles=N mismatches=M seed=S cycles_per_s=R [cycle=C signal=S]
// that tools/validate parses. Exit status 0 when every compare matched, 1 otherwise.
#ifndef LOCKSTEP_H
#define LOCKSTEP_H
#include <verilated.h>
#include <verilated_cov.h>
#include <verilated_fst_c.h>
// A bench also builds without --trace-fst or --coverage-* (for speed): those parts go.
#if VM_TRACE_FST
#define LOCKSTEP_FST 1
#else
#define LOCKSTEP_FST 0
#endif

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include <unistd.h>

namespace lockstep {

// Stimulus stream (splitmix64): independent of the chip's own random streams, so a
// bench never exercises the model with the very numbers the model draws.
struct Rand {
    uint64_t s = 0;
    uint64_t u64() {
        uint64_t x = (s += 0x9E3779B97F4A7C15ull);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    }
    uint32_t u32() { return (uint32_t)(u64() >> 32); }
    // uniform integer in [lo, hi]
    int64_t range(int64_t lo, int64_t hi) { return lo + (int64_t)(u64() % (uint64_t)(hi - lo + 1)); }
    // true with probability num / den
    bool chance(uint32_t num, uint32_t den) { return u64() % den < num; }
    // one of the values, uniformly (for corner cases: bounds, zero, extremes)
    template <class T, size_t N> T pick(const T (&v)[N]) { return v[u64() % N]; }
};

class Bench {
  public:
    Rand rnd;               // the stimulus of this run (reset to the seed for each run)
    uint64_t cycle = 0;     // cycle being compared (its rising edge was the last tick)

    Bench(int argc, char **argv, const char *name, uint64_t default_cycles = 20000)
        : name_(name), cycles_(default_cycles) {
        argv0_ = argv[0];
        for (int i = 1; i < argc; i++) {
            auto val = [&](const char *opt) -> const char * {
                if (strcmp(argv[i], opt)) return nullptr;
                if (i + 1 >= argc) usage("missing value");
                return argv[++i];
            };
            const char *v;
            if ((v = val("--cycles"))) cycles_ = strtoull(v, nullptr, 0);
            else if ((v = val("--seed"))) seed_ = strtoull(v, nullptr, 0);
            else if ((v = val("--window"))) window_ = strtoull(v, nullptr, 0);
            else if ((v = val("--waves"))) waves_ = v;
            else if ((v = val("--coverage"))) coverage_ = v;
            else if (!strcmp(argv[i], "--quiet")) quiet_ = true;
            else usage(argv[i]);
        }
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd)) usage("cannot read the working directory");
        waves_abs_ = waves_[0] == '/' ? waves_ : std::string(cwd) + "/" + waves_;
        if (!coverage_.empty() && coverage_[0] != '/') coverage_ = std::string(cwd) + "/" + coverage_;
        std::string a0 = argv0_;
        size_t slash = a0.rfind('/');
        if (slash != std::string::npos && chdir(a0.substr(0, slash).c_str()) != 0) usage("cannot enter the bench's directory");
    }

    // Writes `words` as a $readmemh file (one hex word of `digits` digits a line) into
    // the bench's directory, where the RTL reads it; returns its name.
    template <class W> std::string mem_file(const char *file, const W *words, size_t n, int digits) {
        FILE *f = fopen(file, "w");
        if (!f) usage("cannot write a table file");
        fprintf(f, "// %zu words, written by the lockstep bench from the C model's table\n", n);
        for (size_t i = 0; i < n; i++) fprintf(f, "%0*" PRIx64 "\n", digits, (uint64_t)words[i]);
        if (fclose(f) != 0) usage("cannot write a table file");
        return file;
    }

    // Runs the body; on a mismatch, runs it again to dump the window around it.
    int main(const std::function<void(Bench &)> &body) {
        if (!quiet_) printf("lockstep %s: seed %" PRIu64 ", %" PRIu64 " cycles\n", name_, seed_, cycles_);
        auto t0 = std::chrono::steady_clock::now();
        start_run(false);
        body(*this);
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        uint64_t done = mismatches_ ? fail_cycle_ + 1 : cycle_count_;
        double rate = secs > 0 ? (double)done / secs : 0;
        std::string wave;
        if (mismatches_ && window_ && LOCKSTEP_FST) wave = replay(body);
        if (mismatches_) {
            printf("  replay: %s --seed %" PRIu64 " --cycles %" PRIu64 "\n", argv0_, seed_, cycles_);
            if (!wave.empty())
                printf("  waves:  %s (cycles %" PRIu64 "..%" PRIu64 ")  gtkwave %s\n", wave.c_str(),
                       win_lo_, win_hi_, wave.c_str());
            printf("FAIL lockstep %s: first mismatch at cycle %" PRIu64 " (%s), seed %" PRIu64 "\n", name_,
                   fail_cycle_, fail_signal_.c_str(), seed_);
        } else {
            printf("PASS lockstep %s: %" PRIu64 " cycles, 0 mismatches, seed %" PRIu64 ", %.0f cycles/s\n", name_,
                   done, seed_, rate);
        }
        printf("RESULT bench=%s cycles=%" PRIu64 " mismatches=%" PRIu64 " seed=%" PRIu64 " cycles_per_s=%.0f", name_,
               done, mismatches_, seed_, rate);
        if (mismatches_) printf(" cycle=%" PRIu64 " signal=%s", fail_cycle_, fail_signal_.c_str());
        printf("\n");
        fflush(stdout);
        ctx_.reset();
        return mismatches_ ? 1 : 0;
    }

    // The context the body builds its model in (fresh for each run).
    VerilatedContext *ctx() { return ctx_.get(); }

    // Binds the model: its clock is held low; in a replay run, opens the FST.
    template <class T> void attach(T *top) {
        top->clk_i = 0;
        top->rst_ni = 1;
#if LOCKSTEP_FST
        if (tracing_) {
            fst_.reset(new VerilatedFstC);
            top->trace(fst_.get(), 99);
        }
#endif
    }

    // Loop condition: one more cycle to drive? Advances `cycle`.
    bool next() {
        if (started_) cycle++;
        started_ = true;
        bool more = tracing_ ? cycle <= win_hi_ : !mismatches_ && cycle < cycles_;
        if (more && !tracing_) cycle_count_ = cycle + 1;
        if (more) return true;
        // The run ends while the model still lives: its trace and coverage point into it.
        done();
#if VM_COVERAGE
        if (!tracing_ && !coverage_.empty()) ctx_->coveragep()->write(coverage_.c_str());
#endif
        return false;
    }

    // One clock cycle: inputs (already set) settle with clk low, then the rising edge.
    template <class T> void tick(T *top) {
        uint64_t t = cycle * 10;
        bool dump = tracing_ && cycle >= win_lo_ && cycle <= win_hi_;
#if LOCKSTEP_FST
        if (dump && !fst_->isOpen()) fst_->open(wave_path_.c_str());
#endif
        top->clk_i = 0;
        ctx_->time(t);
        top->eval();
#if LOCKSTEP_FST
        if (dump) fst_->dump(t);
#endif
        top->clk_i = 1;
        ctx_->time(t + 5);
        top->eval();
#if LOCKSTEP_FST
        if (dump) fst_->dump(t + 5);
        if (tracing_ && cycle == win_hi_ && fst_->isOpen()) fst_->close();
#else
        (void)dump;
#endif
    }

    // Closes the trace (next() calls it when the loop ends).
    void done() {
#if LOCKSTEP_FST
        if (fst_ && fst_->isOpen()) fst_->close();
        fst_.reset();
#endif
    }

    // (name, expected, got): true when equal; the first mismatching cycle is reported.
    bool cmp(const char *signal, int64_t expected, int64_t got) { return cmp(signal, -1, expected, got); }
    bool cmp(const char *signal, long index, int64_t expected, int64_t got) {
        if (expected == got) return true;
        if (tracing_) {         // the replay: check it reproduces the first run
            if (!replay_hit_ && cycle == fail_cycle_) replay_hit_ = true;
            return false;
        }
        if (mismatches_ && cycle != fail_cycle_) return false;
        std::string sig = index < 0 ? signal : std::string(signal) + "[" + std::to_string(index) + "]";
        if (!mismatches_) {
            fail_cycle_ = cycle;
            fail_signal_ = sig;
        }
        mismatches_++;
        if (mismatches_ <= 8)
            printf("MISMATCH %s cycle %" PRIu64 " signal %s expected %" PRId64 " (0x%" PRIx64 ") got %" PRId64
                   " (0x%" PRIx64 ") seed %" PRIu64 "\n",
                   name_, cycle, sig.c_str(), expected, (uint64_t)expected, got, (uint64_t)got, seed_);
        else if (mismatches_ == 9)
            printf("MISMATCH %s cycle %" PRIu64 ": more signals differ\n", name_, cycle);
        return false;
    }

    bool failed() const { return mismatches_ != 0; }
    uint64_t seed() const { return seed_; }
    uint64_t cycles() const { return cycles_; }
    bool quiet() const { return quiet_; }

  private:
    const char *name_;
    const char *argv0_ = "";
    uint64_t cycles_, seed_ = 1, window_ = 50;
    std::string waves_ = "waves", waves_abs_, coverage_, wave_path_, wave_name_;
    bool quiet_ = false, tracing_ = false, started_ = false, replay_hit_ = false;
    std::unique_ptr<VerilatedContext> ctx_;
#if LOCKSTEP_FST
    std::unique_ptr<VerilatedFstC> fst_;
#endif
    uint64_t cycle_count_ = 0, mismatches_ = 0, fail_cycle_ = 0, win_lo_ = 0, win_hi_ = 0;
    std::string fail_signal_;

    [[noreturn]] void usage(const char *why) {
        fprintf(stderr,
                "%s: %s\nusage: %s [--cycles N] [--seed S] [--window W] [--waves DIR] [--coverage FILE] [--quiet]\n",
                name_, why, argv0_);
        exit(2);
    }

    void start_run(bool tracing) {
        ctx_.reset(new VerilatedContext);
        ctx_->randReset(2);                     // --x-initial unique: random power-up state
        ctx_->randSeed((int)(seed_ % 2147483647u) + 1);
        if (tracing) ctx_->traceEverOn(true);
        tracing_ = tracing;
        started_ = false;
        cycle = 0;
        rnd.s = seed_;
    }

    std::string replay(const std::function<void(Bench &)> &body) {
        win_lo_ = fail_cycle_ > window_ ? fail_cycle_ - window_ : 0;
        win_hi_ = fail_cycle_ + window_;
        if (win_hi_ >= cycles_) win_hi_ = cycles_ - 1;
        std::string cmd = "mkdir -p '" + waves_abs_ + "'";
        if (system(cmd.c_str()) != 0) return "";
        // the build's directory names a planted-bug variant: build/verilator/rng-RNG_TAP/Vrng
        std::string label = name_, a0 = argv0_;
        size_t slash = a0.rfind('/');
        if (slash != std::string::npos) {
            std::string d = a0.substr(0, slash);
            d = d.substr(d.rfind('/') == std::string::npos ? 0 : d.rfind('/') + 1);
            if (d.compare(0, label.size(), label) == 0) label = d;
        }
        wave_name_ = waves_ + "/" + label + "-seed" + std::to_string(seed_) + "-cycle" + std::to_string(fail_cycle_) +
                     ".fst";
        wave_path_ = waves_abs_ + wave_name_.substr(waves_.size());
        start_run(true);
        body(*this);
        done();
        if (!replay_hit_) printf("  note: the replay did not reproduce the mismatch (nondeterministic bench?)\n");
        return wave_name_;
    }
};

}  // namespace lockstep
#endif
