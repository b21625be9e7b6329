/* The NoC benchmark (sim/noc.c): the curve a BookSim user expects. Below
 * saturation accepted throughput equals offered load, it never exceeds the
 * channel-load (bisection) bound, latency at vanishing load equals the analytic
 * zero-load figure, the traffic patterns send where they say, and the command
 * writes the same table, CSV and JSON byte for byte on every run. Runs the built
 * binary (SSNNSIM, set by tools/run-tests; default build/ssnnsim) from the
 * repository root for the command-line checks. */
#include "check.h"
#include "scratch.h"

#include "config.h"
#include "json.h"
#include "noc.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A config for model-level runs: only what the noc code reads. */
static struct config noc_config(int X, int Y, const char *traffic, double rate)
{
    struct config c;
    memset(&c, 0, sizeof c);
    snprintf(c.path, sizeof c.path, "test.yaml");
    c.chip.mesh_x = X;
    c.chip.mesh_y = Y;
    c.chip.router = (struct router_cfg){ .buffer_depth = 4, .pipeline = 2, .link_latency = 1, .vcs = 1,
                                         .flit_bits = 32, .watchdog_cycles = 100000 };
    snprintf(c.noc.traffic, sizeof c.noc.traffic, "%s", traffic);
    snprintf(c.noc.traffic_class, sizeof c.noc.traffic_class, "forward");
    c.noc.n_rates = 1;
    c.noc.rates[0] = rate;
    c.noc.packet_flits = 1;
    c.noc.warmup_cycles = 1000;
    c.noc.measure_cycles = 3000;
    c.noc.drain_cycles = 3000;
    c.noc.hotspot_node = 0;
    c.noc.hotspot_fraction = 0.2;
    c.noc.seed = 3;
    return c;
}

static int run(const struct config *c, double rate, struct noc_point *p)
{
    char err[2048];
    if (noc_run_point(c, rate, 1, NULL, p, err, sizeof err)) {
        printf("     noc_run_point: %s\n", err);
        return -1;
    }
    return 0;
}

/* Tolerance on accepted vs offered over a window: 5 binomial standard deviations
 * of the flits generated, plus the flits that can sit in the network at either
 * edge of the window (one packet per node per hop of the mean path, generously). */
static double tolerance(const struct config *c, double rate)
{
    double n = (double)c->chip.mesh_x * c->chip.mesh_y, m = (double)c->noc.measure_cycles;
    double F = c->noc.packet_flits, p = rate / F;
    double sd = F * sqrt(n * m * p * (1 - p)) / (n * m);
    double edge = 2 * noc_zero_load_latency(c) * rate / m;
    return 5 * sd + edge;
}

/* ---- throughput ------------------------------------------------------------- */

static void below_saturation_accepted_equals_offered(void)
{
    static const struct { int X, Y; const char *traffic; int flits; double rate; } cases[] = {
        { 8, 8, "uniform", 1, 0.05 }, { 8, 8, "uniform", 1, 0.2 }, { 8, 8, "uniform", 4, 0.2 },
        { 6, 4, "uniform", 2, 0.3 }, { 8, 8, "transpose", 1, 0.1 }, { 8, 8, "bitcomp", 1, 0.1 },
        { 8, 8, "hotspot", 1, 0.05 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c = noc_config(cases[i].X, cases[i].Y, cases[i].traffic, cases[i].rate);
        c.noc.packet_flits = cases[i].flits;
        struct noc_point p;
        if (run(&c, cases[i].rate, &p)) { CHECK(0, "case %zu failed", i); continue; }
        double tol = tolerance(&c, cases[i].rate);
        CHECK(fabs(p.accepted - cases[i].rate) <= tol && p.drained,
              "%dx%d %s, %d-flit packets at %.3f: accepted %.4f (tolerance %.4f), drained %d", cases[i].X, cases[i].Y,
              cases[i].traffic, cases[i].flits, cases[i].rate, p.accepted, tol, p.drained);
        CHECK(fabs(p.generated - cases[i].rate) <= tol, "generated %.4f at offered %.4f", p.generated,
              cases[i].rate);
    }
}

/* Overloaded far past saturation, with deep buffers and VCs that push the real
 * saturation point as high as it goes: accepted never exceeds the bound. With
 * an even side every source sends exactly half its flits across the bisection,
 * so the bound holds for the mean however unfairly sources are served. The
 * slack covers the sampling error of that half over the window. */
static void accepted_never_exceeds_the_bisection_bound(void)
{
    static const struct { int X, Y; double bound; } cases[] = {
        { 8, 8, 0.5 }, { 6, 6, 4.0 / 6 }, { 8, 4, 0.5 }, { 4, 8, 0.5 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c = noc_config(cases[i].X, cases[i].Y, "uniform", 1.0);
        c.chip.router.buffer_depth = 16;
        c.chip.router.vcs = 4;
        c.chip.router.pipeline = 1;
        snprintf(c.noc.traffic_class, sizeof c.noc.traffic_class, "mixed");
        c.noc.warmup_cycles = 500;
        c.noc.measure_cycles = 1500;
        c.noc.drain_cycles = 0;
        double bound = noc_throughput_bound(&c);
        CHECK(fabs(bound - cases[i].bound) < 1e-12, "%dx%d: bound %.6f, expected %.6f", cases[i].X, cases[i].Y,
              bound, cases[i].bound);
        struct noc_point p;
        if (run(&c, 1.0, &p)) { CHECK(0, "case %zu failed", i); continue; }
        double slack = 0.02 * bound;
        CHECK(p.accepted <= bound + slack, "%dx%d: accepted %.4f above the bound %.4f", cases[i].X, cases[i].Y,
              p.accepted, bound);
        CHECK(p.accepted >= 0.5 * bound, "%dx%d: accepted %.4f, under half the bound %.4f: network too slow?",
              cases[i].X, cases[i].Y, p.accepted, bound);
    }
    /* Odd sides: the busiest links are those next to the middle column or row. */
    struct config c = noc_config(5, 7, "uniform", 1.0);
    CHECK(fabs(noc_throughput_bound(&c) - 1.0 / (4.0 * 3 / 7)) < 1e-12, "5x7 bound %.6f, expected 7/12",
          noc_throughput_bound(&c));
}

/* Hotspot traffic is bounded by the hotspot's ejection port. */
static void hotspot_throughput_is_bounded_by_the_hotspot_ejection_port(void)
{
    struct config c = noc_config(8, 8, "hotspot", 0.5);
    c.noc.hotspot_node = 27;
    c.noc.hotspot_fraction = 0.2;
    c.noc.drain_cycles = 0;
    double bound = noc_throughput_bound(&c), want = 1.0 / (64 * 0.2 + 0.8);
    CHECK(fabs(bound - want) < 1e-12, "bound %.6f, expected 1/(N f + 1 - f) = %.6f", bound, want);
    struct noc_point p;
    if (run(&c, 0.5, &p)) { CHECK(0, "run failed"); return; }
    double slack = 50.0 / ((double)c.noc.measure_cycles * 64 * 0.2);
    CHECK(p.accepted <= bound + slack && p.accepted >= 0.9 * bound, "accepted %.4f, bound %.4f", p.accepted, bound);
}

/* ---- latency ------------------------------------------------------------------- */

/* At vanishing load packets never meet: the mean latency is the analytic
 * zero-load latency of the pattern (mean hops), within the sampling error of the
 * hop count. */
static void latency_at_vanishing_load_is_the_analytic_zero_load_latency(void)
{
    static const struct { const char *traffic; int flits, pipe, link; } cases[] = {
        { "uniform", 1, 2, 1 }, { "uniform", 4, 1, 2 }, { "transpose", 2, 3, 1 }, { "bitcomp", 1, 1, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c = noc_config(8, 8, cases[i].traffic, 0.004);
        c.noc.packet_flits = cases[i].flits;
        c.chip.router.pipeline = cases[i].pipe;
        c.chip.router.link_latency = cases[i].link;
        c.chip.router.buffer_depth = cases[i].pipe + 2 * cases[i].link;
        c.noc.measure_cycles = 20000;
        struct noc_point p;
        if (run(&c, 0.004 * cases[i].flits, &p)) { CHECK(0, "case %zu failed", i); continue; }
        double t0 = noc_zero_load_latency(&c);
        /* ~5000 packets: the sampled mean hop count is within ~1 % of the
         * pattern's (its standard deviation is ~0.3 %); contention adds less. */
        double tol = 0.02 * t0;
        CHECK(fabs(p.latency_avg - t0) <= tol, "%s, %d flits, pipeline %d, link %d: %.3f cycles, analytic %.3f",
              cases[i].traffic, cases[i].flits, cases[i].pipe, cases[i].link, p.latency_avg, t0);
    }
    /* Uniform on 8x8, P = 2, L = 1, F = 1: 5.25 mean hops, so 6.25 * 2 + 5.25 + 1. */
    struct config c = noc_config(8, 8, "uniform", 0.1);
    CHECK(fabs(noc_zero_load_latency(&c) - 18.75) < 1e-9, "uniform 8x8 zero-load %.4f, expected 18.75",
          noc_zero_load_latency(&c));
}

static void latency_grows_with_load_and_p99_bounds_the_mean(void)
{
    struct config c = noc_config(8, 8, "uniform", 0.1);
    double prev = 0;
    static const double rates[] = { 0.05, 0.2, 0.3 };
    for (size_t i = 0; i < 3; i++) {
        struct noc_point p;
        if (run(&c, rates[i], &p)) { CHECK(0, "rate %.2f failed", rates[i]); continue; }
        CHECK(p.latency_avg > prev, "latency %.3f at %.2f not above %.3f at the rate before", p.latency_avg, rates[i],
              prev);
        CHECK((double)p.latency_p99 >= p.latency_avg && p.latency_max >= p.latency_p99,
              "p99 %llu, max %llu, mean %.3f", (unsigned long long)p.latency_p99, (unsigned long long)p.latency_max,
              p.latency_avg);
        CHECK(p.delivered == p.packets && p.packets > 0, "%llu of %llu measured packets delivered",
              (unsigned long long)p.delivered, (unsigned long long)p.packets);
        prev = p.latency_avg;
    }
}

/* ---- patterns --------------------------------------------------------------------- */

static void traffic_patterns_send_where_they_say(void)
{
    struct config c = noc_config(8, 8, "transpose", 0.1);
    uint64_t u = 1;
    int ok = 1;
    for (int s = 0; s < 64; s++) ok &= noc_destination(&c, s, &u) == (s % 8) * 8 + s / 8;
    CHECK(ok, "transpose does not send (x,y) to (y,x)");
    c = noc_config(4, 6, "bitcomp", 0.1);
    ok = 1;
    for (int s = 0; s < 24; s++) {
        int d = noc_destination(&c, s, &u);
        ok &= d % 4 == 3 - s % 4 && d / 4 == 5 - s / 4;
    }
    CHECK(ok, "bitcomp does not send (x,y) to (X-1-x, Y-1-y)");
    c = noc_config(8, 8, "hotspot", 0.1);
    c.noc.hotspot_node = 9;
    c.noc.hotspot_fraction = 0.25;
    int hot = 0, hist[64] = { 0 };
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        int d = noc_destination(&c, i % 64, &u);
        hot += d == 9;
        hist[d]++;
    }
    double want = n * (0.25 + 0.75 / 64), sd = sqrt(n * 0.26 * 0.74);
    CHECK(fabs(hot - want) < 5 * sd, "hotspot got %d of %d, expected %.0f", hot, n, want);
    int lo = n, hi = 0;
    for (int d = 0; d < 64; d++)
        if (d != 9) {
            lo = hist[d] < lo ? hist[d] : lo;
            hi = hist[d] > hi ? hist[d] : hi;
        }
    double mean = n * 0.75 / 64;
    CHECK(lo > mean - 5 * sqrt(mean) && hi < mean + 5 * sqrt(mean), "uniform part spans %d..%d, mean %.0f", lo, hi,
          mean);
    c = noc_config(8, 4, "transpose", 0.1);
    char err[512];
    CHECK(noc_check_config(&c, err, sizeof err) == -1 && strstr(err, "square"), "transpose on 8x4 accepted: %s", err);
    c = noc_config(4, 4, "hotspot", 0.1);
    c.noc.hotspot_node = 16;
    CHECK(noc_check_config(&c, err, sizeof err) == -1 && strstr(err, "hotspot_node"), "hotspot node 16 of 16 accepted");
}

/* Same config, same seed: the same point, field by field; another seed differs. */
static void a_point_is_a_function_of_the_config_and_seed(void)
{
    struct config c = noc_config(6, 6, "uniform", 0.25);
    c.noc.packet_flits = 3;
    snprintf(c.noc.traffic_class, sizeof c.noc.traffic_class, "mixed");
    struct noc_point a, b, d;
    if (run(&c, 0.25, &a) || run(&c, 0.25, &b)) { CHECK(0, "run failed"); return; }
    CHECK(a.accepted == b.accepted && a.latency_avg == b.latency_avg && a.latency_p99 == b.latency_p99 &&
          a.cycles == b.cycles && !memcmp(&a.counters, &b.counters, sizeof a.counters),
          "two runs differ: %.6f/%.6f accepted, %.4f/%.4f latency", a.accepted, b.accepted, a.latency_avg,
          b.latency_avg);
    c.noc.seed = 4;
    if (run(&c, 0.25, &d)) return;
    CHECK(d.latency_avg != a.latency_avg, "seed 4 gave the same mean latency %.6f as seed 3", d.latency_avg);
}

/* ---- the command line ------------------------------------------------------------- */

static char bin[2048];
static char tmpdir[256];

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* Two runs of `ssnnsim noc`: exit 0, byte-identical stdout, CSV and JSON, and
 * the JSON carries config, counters and noc.points with the four fields. */
static void noc_command_writes_identical_table_csv_and_json(void)
{
    char cfg[600], cwd[512];
    if (!getcwd(cwd, sizeof cwd)) return;
    snprintf(cfg, sizeof cfg, "%s/tiny.yaml", tmpdir);
    char text[1200];
    snprintf(text, sizeof text,
             "extends: '%s/workloads/noc/uniform.yaml'\n"
             "chip:\n  mesh_x: 4\n  mesh_y: 4\n"
             "noc:\n  rates: [0.05, 0.3, 0.9]\n  warmup_cycles: 200\n  measure_cycles: 800\n  drain_cycles: 400\n",
             cwd);
    write_file(cfg, "%s", text);
    for (int run = 0; run < 2; run++) {
        int rc = sh("'%s' noc '%s' --out '%s/r%d.json' --csv '%s/r%d.csv' --quiet > '%s/r%d.out' 2> '%s/r%d.err'", bin,
                    cfg, tmpdir, run, tmpdir, run, tmpdir, run, tmpdir, run);
        char p[600];
        snprintf(p, sizeof p, "%s/r%d.err", tmpdir, run);
        char *e = file_text(p);
        CHECK(rc == 0, "run %d: exit %d: %s", run, rc, e ? e : "");
        free(e);
    }
    static const char *const ext[] = { "json", "csv", "out" };
    for (int k = 0; k < 3; k++) {
        char p0[600], p1[600];
        snprintf(p0, sizeof p0, "%s/r0.%s", tmpdir, ext[k]);
        snprintf(p1, sizeof p1, "%s/r1.%s", tmpdir, ext[k]);
        char *a = file_text(p0), *b = file_text(p1);
        CHECK(a && b && !strcmp(a, b), "%s differs between two runs of the same config", ext[k]);
        if (k == 0 && a) {
            static const char *const want[] = { "\"command\": \"noc\"", "\"config\": {", "\"noc\": {",
                                                "\"points\": [", "\"offered\": 0.050000000000000003",
                                                "\"accepted\": ", "\"latency_avg\": ", "\"latency_p99\": ",
                                                "\"counters\": {", "\"link_ew\": ", "\"zero_load_latency\": ",
                                                "\"traffic\": \"uniform\"", "\"drained\": false" };
            for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
                CHECK(strstr(a, want[i]), "no %s in the result JSON", want[i]);
        }
        if (k == 1 && a) {
            CHECK(!strncmp(a, "offered,accepted,latency_avg,latency_p99,", 41), "CSV header: %.60s", a);
            int lines = 0;
            for (const char *s = a; *s; s++) lines += *s == '\n';
            CHECK(lines == 4, "CSV has %d lines, expected a header and 3 points", lines);
        }
        if (k == 2 && a)
            CHECK(strstr(a, "latency_avg") && strstr(a, "0.0500") && strstr(a, "not drained"),
                  "table lacks columns or the saturated marker:\n%s", a);
        free(a);
        free(b);
    }
}

static void noc_command_refuses_a_bad_config_with_its_position(void)
{
    char cwd[512], cfg[600], text[1200], err[600];
    if (!getcwd(cwd, sizeof cwd)) return;
    snprintf(cfg, sizeof cfg, "%s/bad.yaml", tmpdir);
    snprintf(text, sizeof text, "extends: '%s/workloads/noc/uniform.yaml'\nchip:\n  mesh_x: 4\nnoc:\n  traffic: transpose\n",
             cwd);
    write_file(cfg, "%s", text);
    snprintf(err, sizeof err, "%s/bad.err", tmpdir);
    int rc = sh("'%s' noc '%s' --quiet --out '%s/bad.json' --csv '%s/bad.csv' > /dev/null 2> '%s'", bin, cfg, tmpdir,
                tmpdir, err);
    char *e = file_text(err);
    char want[700];
    snprintf(want, sizeof want, "%s:5:12: noc.traffic: transpose needs a square mesh", cfg);
    CHECK(rc == 2 && e && strstr(e, want), "exit %d, stderr: %s\nwant: %s", rc, e ? e : "", want);
    free(e);
    char out[600];
    snprintf(out, sizeof out, "%s/bad.json", tmpdir);
    CHECK(access(out, F_OK) != 0, "a refused config left %s behind", out);
    snprintf(text, sizeof text, "extends: '%s/workloads/noc/uniform.yaml'\nnoc:\n  traffic: tornado\n", cwd);
    write_file(cfg, "%s", text);
    rc = sh("'%s' noc '%s' --quiet > /dev/null 2> '%s'", bin, cfg, err);
    e = file_text(err);
    CHECK(rc == 2 && e && strstr(e, ":3:12: noc.traffic: 'tornado' is not one of"), "exit %d: %s", rc, e ? e : "");
    free(e);
}


/* noc.latency_accounting: booksim counts the injection channel's and the ejection
 * channel's cycle, as BookSim2 does: every latency 2 more, nothing else moves. */
static void booksim_accounting_adds_the_injection_and_ejection_channel_cycles(void)
{
    struct config c = noc_config(4, 4, "uniform", 0.2);
    struct noc_point a, b;
    double t0 = noc_zero_load_latency(&c);
    if (run(&c, 0.2, &a)) return;
    c.noc.accounting = NOC_ACCOUNT_BOOKSIM;
    if (run(&c, 0.2, &b)) return;
    CHECK(b.latency_avg == a.latency_avg + 2 && b.latency_p99 == a.latency_p99 + 2 &&
              b.latency_max == a.latency_max + 2 && b.accepted == a.accepted && b.packets == a.packets,
          "network: %.4f/%llu/%llu, booksim: %.4f/%llu/%llu (avg/p99/max), accepted %.4f vs %.4f", a.latency_avg,
          (unsigned long long)a.latency_p99, (unsigned long long)a.latency_max, b.latency_avg,
          (unsigned long long)b.latency_p99, (unsigned long long)b.latency_max, a.accepted, b.accepted);
    CHECK(noc_zero_load_latency(&c) == t0 + 2, "zero-load %.3f vs %.3f", noc_zero_load_latency(&c), t0);
}

/* Column `col` (0: config, 1: offered, 2: latency, ..., 6: machine, 7: runs) of
 * BookSim2's row for `config` at `offered` (NAN: its first row) in docs/noc-booksim2.csv
 * (the figures tools/noc-booksim keeps), into buf; 0 if there is none. */
static int booksim2_field(const char *config, double offered, int col, char *buf, size_t n)
{
    FILE *f = fopen("docs/noc-booksim2.csv", "r");
    if (!f) return 0;
    char line[512], *field[8];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        int k = 0;
        for (char *t = strtok(line, ",\r\n"); t && k < 8; t = strtok(NULL, ",\r\n")) field[k++] = t;
        if (k <= col || k < 2 || strcmp(field[0], config) || (!isnan(offered) && fabs(atof(field[1]) - offered) >= 1e-9))
            continue;
        snprintf(buf, n, "%s", field[col]);
        found = 1;
    }
    fclose(f);
    return found;
}

/* BookSim2's latency for `config` at `offered`, or NAN. */
static double booksim2_latency(const char *config, double offered)
{
    char v[64];
    return booksim2_field(config, offered, 2, v, sizeof v) ? atof(v) : NAN;
}

/* The side by side (docs/noc.md), held in make test on its smallest configuration:
 * a 4x4 mesh, uniform traffic, the 3-cycle router (pipeline 2, lookahead,
 * speculative VA||SA, iSLIP allocators, 2 VCs x 4 flits, booksim accounting), as
 * tools/noc-booksim runs it: zero-load within 1 % of BookSim2's, latency within
 * 5 % at 0.5 flits/node/cycle (below 90 % of its saturation rate). */
static void the_3_cycle_router_matches_booksim2_on_a_4x4_mesh(void)
{
    struct config c = noc_config(4, 4, "uniform", 0.02);
    c.chip.router.vcs = 2;
    c.chip.router.model = ROUTER_PIPELINED;
    c.chip.router.lookahead = c.chip.router.speculative = 1;
    c.chip.router.sw_allocator = SW_ISLIP;
    c.chip.router.vc_allocator = VA_ISLIP;
    c.noc.accounting = NOC_ACCOUNT_BOOKSIM;
    c.noc.warmup_cycles = 10000;
    c.noc.measure_cycles = 30000;
    c.noc.drain_cycles = 20000;
    c.noc.seed = 1;
    static const struct { double rate, tol; } pts[] = { { 0.02, 0.01 }, { 0.5, 0.05 } };
    for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
        struct noc_point p;
        double bs = booksim2_latency("mesh4-uniform-r3-f1", pts[k].rate);
        CHECK(!isnan(bs), "docs/noc-booksim2.csv has no mesh4-uniform-r3-f1 point at %.2f", pts[k].rate);
        if (isnan(bs) || run(&c, pts[k].rate, &p)) return;
        CHECK(fabs(p.latency_avg / bs - 1) <= pts[k].tol, "offered %.2f: latency %.3f, BookSim2 %.3f (%+.2f %%, limit %.0f %%)",
              pts[k].rate, p.latency_avg, bs, 100 * (p.latency_avg / bs - 1), 100 * pts[k].tol);
    }
}

/* Runs tools/noc-booksim with `args` (env: assignments before it, "" for none), its
 * outputs in tmpdir/sub, and splits the first row of its summary.csv into its 18
 * fields (row holds the text); 0, or -1 (a CHECK said why). */
static int noc_booksim_summary(const char *env, const char *args, const char *sub, char *row, size_t n,
                               char *field[20])
{
    char dir[400], cmd[4096], sum[500], builddir[2048];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, sub);
    snprintf(builddir, sizeof builddir, "%s", bin);
    char *slash = strrchr(builddir, '/');
    if (slash) *slash = 0;
    snprintf(cmd, sizeof cmd, "%s NOC_BOOKSIM_OUT='%s' tools/noc-booksim %s '%s' >'%s.out' 2>&1", env, dir, args,
             builddir, dir);
    int st = system(cmd);
    CHECK(st == 0, "tools/noc-booksim %s exited with %d", args, st);
    snprintf(sum, sizeof sum, "%s/summary.csv", dir);
    FILE *f = fopen(sum, "r");
    CHECK(f != NULL, "no %s", sum);
    if (!f) return -1;
    char line[2048] = "";
    if (!fgets(line, sizeof line, f) || !fgets(row, (int)n, f)) row[0] = 0;
    fclose(f);
    int k = 0;
    for (char *t = strtok(row, ",\n"); t && k < 20; t = strtok(NULL, ",\n")) field[k++] = t;
    CHECK(k == 18, "summary.csv row has %d fields, want 18", k);
    return k == 18 ? 0 : -1;
}

/* `make noc-booksim` scaled down to its smallest configuration and two runs: tools/noc-booksim
 * --repeat 2 --only mesh4-uniform-r3-f1 joins our runs (the least CPU time of two a point;
 * both must write the same results) with BookSim2's figures point by point
 * (latency, accepted, cycles per CPU second) and writes the verdicts. */
static void the_booksim_side_by_side_tool_runs_as_written(void)
{
    char cmp[500], line[2048], row[2048];
    char *field[20] = { 0 };
    if (noc_booksim_summary("", "--repeat 2 --only mesh4-uniform-r3-f1", "nb", row, sizeof row, field)) return;
    snprintf(cmp, sizeof cmp, "%s/nb/compare.csv", tmpdir);
    CHECK(!strcmp(field[0], "mesh4-uniform-r3-f1"), "summary.csv row is %s", field[0]);
    CHECK(!strcmp(field[9], "ok"), "verdict %s (zero-load err %s %%, latency err %s %%, saturation err %s %%)", field[9],
          field[3], field[5], field[8]);
    CHECK(atof(field[10]) > 0 && atof(field[11]) > 0 && atof(field[13]) > 0,
          "speed: ours %s, BookSim2 %s cycles per CPU-s, slowest point %sx", field[10], field[11], field[13]);
    /* the processor BookSim2 was timed on, as its rows name it (a speed ratio holds for one) */
    char machine[256];
    CHECK(booksim2_field("mesh4-uniform-r3-f1", NAN, 6, machine, sizeof machine) && !strcmp(field[17], machine),
          "summary.csv names BookSim2's machine \"%s\", docs/noc-booksim2.csv \"%s\"", field[17], machine);
    /* every BookSim2 point joined with ours: latency, accepted and speed present */
    FILE *f = fopen(cmp, "r");
    CHECK(f != NULL, "no %s", cmp);
    if (!f) return;
    int points = 0, joined = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "mesh4-uniform-r3-f1,", 20)) continue;
        points++;
        int empty = strstr(line, ",,") != NULL;
        char *last = strrchr(line, ',');
        joined += !empty && last && atof(last + 1) > 0;
    }
    fclose(f);
    CHECK(points == 10 && joined == points, "compare.csv: %d points, %d joined with ours (want 10)", points, joined);
}

/* A speed ratio holds for one processor: the speed verdict against BookSim2 figures
 * timed on another says "(other machine)", and against the rows' own processor gives
 * the verdict alone. The tool runs as if on each (NOC_BOOKSIM_MACHINE), on the
 * quickest 8 x 8 configuration (4 x 4 gets no speed verdict); whether the verdict is
 * ok depends on the machine running the test and is not checked. */
static void the_speed_verdict_says_when_booksim2_ran_on_another_processor(void)
{
    char machine[256];
    CHECK(booksim2_field("mesh8-transpose-r5-f1", NAN, 6, machine, sizeof machine),
          "docs/noc-booksim2.csv has no mesh8-transpose-r5-f1 row");
    const char *as[2] = { machine, "another processor family 0 model 0" };
    for (int k = 0; k < 2; k++) {
        char env[400], sub[20], row[2048], out[600], *text;
        char *field[20] = { 0 };
        snprintf(env, sizeof env, "NOC_BOOKSIM_MACHINE='%s'", as[k]);
        snprintf(sub, sizeof sub, "nbm%d", k);
        if (noc_booksim_summary(env, "--only mesh8-transpose-r5-f1", sub, row, sizeof row, field)) return;
        int other = strstr(field[16], "(other machine)") != NULL;
        CHECK(other == k && (!strncmp(field[16], "ok", 2) || !strncmp(field[16], "MISSED", 6)),
              "as if on \"%s\", BookSim2 timed on \"%s\": speed verdict \"%s\"", as[k], field[17], field[16]);
        snprintf(out, sizeof out, "%s/%s.out", tmpdir, sub);
        text = file_text(out);
        char want[400];
        snprintf(want, sizeof want, "speed on %s,", as[k]);
        CHECK(text && strstr(text, want), "the tool's last line does not name \"%s\": %.300s", as[k],
              text ? text : "(no output)");
        free(text);
    }
}

/* The router's microarchitecture keys: refused with their position when they do
 * not fit (exit 2), written into the result JSON only when not the default, so a
 * config that does not name them gives the JSON it gave before they existed. */
static void router_options_are_checked_and_shown_only_when_set(void)
{
    char cwd[512], cfg[600], text[1200], err[600];
    if (!getcwd(cwd, sizeof cwd)) return;
    snprintf(cfg, sizeof cfg, "%s/ropt.yaml", tmpdir);
    snprintf(err, sizeof err, "%s/ropt.err", tmpdir);
    static const struct { const char *router, *want; } bad[] = {
        { "    speculative: true\n", ":5:18: chip.router.speculative: needs chip.router.model: pipelined" },
        { "    lookahead: true\n", ":5:16: chip.router.lookahead: needs chip.router.model: pipelined" },
        { "    model: pipelined\n    pipeline: 2\n", ":6:15: chip.router.pipeline: 2 is shorter than this pipelined "
                                                    "router's 3 stages" },
        { "    model: pipelined\n    lookahead: true\n    pipeline: 1\n",
          ":7:15: chip.router.pipeline: 1 is shorter than this pipelined router's 2 stages" },
        { "    sw_allocator: wavefront\n", ":5:19: chip.router.sw_allocator: 'wavefront' is not one of: input_first, "
                                            "islip" },
        { "    vc_allocator: greedy\n", ":5:19: chip.router.vc_allocator: 'greedy' is not one of" },
        { "    model: pipelined\n    speculative: 3\n", ":6:18: chip.router.speculative: expected true or false" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        snprintf(text, sizeof text, "extends: '%s/workloads/noc/uniform.yaml'\nchip:\n  mesh_x: 4\n  router:\n%s", cwd,
                 bad[k].router);
        write_file(cfg, "%s", text);
        int rc = sh("'%s' noc '%s' --quiet --csv '%s/b.csv' --out '%s/b.json' > /dev/null 2> '%s'", bin, cfg, tmpdir,
                    tmpdir, err);
        char *e = file_text(err);
        CHECK(rc == 2 && e && strstr(e, bad[k].want), "case %zu: exit %d, stderr: %s\nwant: %s", k, rc, e ? e : "",
              bad[k].want);
        free(e);
    }
    snprintf(text, sizeof text,
             "extends: '%s/workloads/noc/uniform.yaml'\nchip:\n  mesh_x: 4\n  mesh_y: 4\n"
             "noc:\n  rates: [0.1]\n  warmup_cycles: 100\n  measure_cycles: 300\n", cwd);
    write_file(cfg, "%s", text);
    int rc = sh("'%s' noc '%s' --quiet --out '%s/d.json' --csv '%s/d.csv' > /dev/null 2>&1", bin, cfg, tmpdir, tmpdir);
    char p[700];
    snprintf(p, sizeof p, "%s/d.json", tmpdir);
    char *j = file_text(p);
    CHECK(rc == 0 && j && !strstr(j, "\"model\"") && !strstr(j, "allocator") && !strstr(j, "speculative") &&
              !strstr(j, "lookahead") && !strstr(j, "latency_accounting"),
          "the default router's JSON names an option (exit %d)", rc);
    free(j);
    rc = sh("'%s' noc '%s' --quiet --set chip.router.model=pipelined --set chip.router.pipeline=4 --set "
            "chip.router.sw_allocator=islip --set noc.latency_accounting=booksim --out '%s/d.json' --csv '%s/d.csv' "
            "> /dev/null 2>&1", bin, cfg, tmpdir, tmpdir);
    j = file_text(p);
    CHECK(rc == 0 && j && strstr(j, "\"model\": \"pipelined\"") && strstr(j, "\"sw_allocator\": \"islip\"") &&
              strstr(j, "\"latency_accounting\": \"booksim\"") && !strstr(j, "speculative"),
          "the set options are not in the JSON (exit %d)", rc);
    free(j);
}

static void every_noc_workload_loads_and_passes_its_checks(void)
{
    static const char *const names[] = { "uniform", "transpose", "bitcomp", "hotspot" };
    for (size_t i = 0; i < 4; i++) {
        char path[256], err[1024];
        snprintf(path, sizeof path, "workloads/noc/%s.yaml", names[i]);
        static struct config c;
        int rc = config_load(path, NULL, 0, &c, err, sizeof err);
        CHECK(rc == 0, "%s: %s", path, err);
        if (rc) continue;
        CHECK(!strcmp(c.noc.traffic, names[i]) && noc_check_config(&c, err, sizeof err) == 0, "%s: traffic %s: %s",
              path, c.noc.traffic, err);
        CHECK(c.chip.mesh_x == 8 && c.chip.mesh_y == 8, "%s: %dx%d", path, c.chip.mesh_x, c.chip.mesh_y);
    }
}

int main(void)
{
    const char *b = getenv("SSNNSIM");
    if (!b || !*b) b = "build/ssnnsim";
    char cwd[512] = ".";
    if (b[0] != '/' && !getcwd(cwd, sizeof cwd)) return 1;
    snprintf(bin, sizeof bin, "%s%s%.1000s", b[0] == '/' ? "" : cwd, b[0] == '/' ? "" : "/", b);
    scratch_make(tmpdir, sizeof tmpdir, "noc");
    RUN(below_saturation_accepted_equals_offered);
    RUN(accepted_never_exceeds_the_bisection_bound);
    RUN(hotspot_throughput_is_bounded_by_the_hotspot_ejection_port);
    RUN(latency_at_vanishing_load_is_the_analytic_zero_load_latency);
    RUN(latency_grows_with_load_and_p99_bounds_the_mean);
    RUN(traffic_patterns_send_where_they_say);
    RUN(a_point_is_a_function_of_the_config_and_seed);
    RUN(every_noc_workload_loads_and_passes_its_checks);
    RUN(noc_command_writes_identical_table_csv_and_json);
    RUN(noc_command_refuses_a_bad_config_with_its_position);
    RUN(booksim_accounting_adds_the_injection_and_ejection_channel_cycles);
    RUN(router_options_are_checked_and_shown_only_when_set);
    RUN(the_3_cycle_router_matches_booksim2_on_a_4x4_mesh);
    RUN(the_booksim_side_by_side_tool_runs_as_written);
    RUN(the_speed_verdict_says_when_booksim2_ran_on_another_processor);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
