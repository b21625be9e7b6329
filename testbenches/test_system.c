/* Systems of chips (docs/system.md): the inter-chip link's timing on a bare mesh
 * (its latency, its serialisation, its credits), then whole systems of 2x1 and
 * 2x2 chips trained beside the golden model at depth 1 and 2 on 300 samples
 * (weights, counters and WTA decisions equal), the traffic split on / off chip,
 * that serialisation and latency cost cycles (a system whose serialisation is
 * planted away fails that check), and the refusals at file:line:col. */
#include "bars.h"
#include "check.h"
#include "chip.h"
#include "chip_waves.h"
#include "config.h"
#include "config_sets.h"
#include "energy_report.h"
#include "mesh.h"
#include "noc.h"
#include "proc.h"
#include "rng.h"
#include "scratch.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSAMPLES 300
static uint8_t images[NSAMPLES][64];
static uint8_t labels[NSAMPLES];
static char dir[256];   /* scratch files: the dump, a technology file */

/* ---- the link on a bare mesh ---------------------------------------------- */

/* pipelined 0: the chip's default router; 1: the pipelined, speculative router
 * with iSLIP allocators (its single-requester path and its general one). */
static struct mesh *line_of_two_chips_edge(int depth, int latency, int cpf, int pipelined, int edge)
{
    struct router_cfg rc = { .buffer_depth = depth, .pipeline = pipelined ? 3 : 2, .link_latency = 1, .vcs = 1,
                             .flit_bits = 32, .watchdog_cycles = 100000, .model = pipelined ? ROUTER_PIPELINED : 0,
                             .speculative = pipelined, .sw_allocator = pipelined ? SW_ISLIP : 0,
                             .vc_allocator = pipelined ? VA_ISLIP : 0, .slot_depth = edge };
    char err[512];
    struct mesh *m = mesh_new(4, 1, &rc, err, sizeof err);
    if (!m) {
        printf("mesh_new: %s\n", err);
        exit(1);
    }
    /* two chips of 2x1 routers: the link between x = 1 and x = 2 is inter-chip */
    if (latency) mesh_set_chip_links(m, 2, 1, latency, cpf, edge);
    return m;
}

static struct mesh *line_of_two_chips_of(int depth, int latency, int cpf, int pipelined)
{
    return line_of_two_chips_edge(depth, latency, cpf, pipelined, 0);
}

static struct mesh *line_of_two_chips(int depth, int latency, int cpf)
{
    return line_of_two_chips_of(depth, latency, cpf, 0);
}

/* n single-flit packets 0 -> 3 queued at cycle 0; the cycle (after the step) each
 * was popped, into at[]. */
static void stream(struct mesh *m, int n, uint64_t *at)
{
    for (int i = 0; i < n; i++) {
        struct flit f = { .src = 0, .dst = 3, .stream = SS_SYNTHETIC, .tclass = TC_FORWARD, .head = 1, .tail = 1,
                          .packet = (uint32_t)i };
        mesh_inject(m, 0, &f);
    }
    char err[1024];
    int got = 0;
    for (int t = 0; t < 100000 && got < n; t++) {
        if (mesh_step(m, err, sizeof err)) {
            CHECK(0, "%s", err);
            return;
        }
        struct flit f;
        while (mesh_eject(m, 3, &f)) at[got++] = mesh_cycle(m);
    }
    CHECK(got == n, "%d of %d flits delivered", got, n);
    CHECK(mesh_check(m, err, sizeof err) == 0, "%s", err);
}

/* One flit over 3 links, one of them inter-chip: the zero-load time of three
 * on-chip links plus what the inter-chip link adds, latency + cycles_per_flit - 1
 * in place of the on-chip link's 1 cycle. */
static void interchip_link_adds_its_latency_and_serialisation_to_a_flit(void)
{
    uint64_t on[1], off[1];
    struct mesh *m = line_of_two_chips(4, 0, 1);
    stream(m, 1, on);
    mesh_free(m);
    m = line_of_two_chips(4, 20, 4);
    stream(m, 1, off);
    mesh_free(m);
    CHECK(off[0] == on[0] + (20 + 4 - 1) - 1, "one chip: %llu cycles, across the link (20, 4): %llu, expected %llu",
          (unsigned long long)on[0], (unsigned long long)off[0], (unsigned long long)(on[0] + 22));
}

/* A train of flits with buffers deep enough that credits never run out leaves
 * the link one every cycles_per_flit cycles (or at the router's own pace, when
 * that is slower), on the default router and on the pipelined one. */
static void interchip_link_carries_one_flit_per_cycles_per_flit(void)
{
    enum { N = 12 };
    for (int pipelined = 0; pipelined < 2; pipelined++) {
        /* the router's own pace on one chip: a single-flit packet a cycle on the
         * default router, one every 2 on the pipelined one (each is a head) */
        uint64_t at[N];
        struct mesh *m = line_of_two_chips_of(64, 0, 1, pipelined);
        stream(m, N, at);
        mesh_free(m);
        uint64_t pace = at[N - 1] - at[N - 2];
        for (int cpf = 1; cpf <= 8; cpf *= 2) {
            m = line_of_two_chips_of(64, 20, cpf, pipelined);
            stream(m, N, at);
            mesh_free(m);
            uint64_t want = (uint64_t)cpf > pace ? (uint64_t)cpf : pace;
            for (int i = 1; i < N; i++)
                CHECK(at[i] - at[i - 1] == want, "%s router, cycles_per_flit %d: flit %d popped %llu cycles after the "
                      "one before, %llu expected", pipelined ? "pipelined" : "default", cpf, i,
                      (unsigned long long)(at[i] - at[i - 1]), (unsigned long long)want);
        }
    }
}

/* With 4-slot buffers the link waits on its credits, which take latency_cycles
 * back: 4 flits per round trip (the flit's latency + serialisation, the
 * downstream pipeline, the credit's latency), whatever cycles_per_flit below it. */
static void interchip_credits_come_back_over_the_same_latency(void)
{
    enum { N = 13 };
    uint64_t at[N];
    struct mesh *m = line_of_two_chips(4, 20, 2);
    stream(m, N, at);
    mesh_free(m);
    uint64_t rtt = (20 + 2 - 1) + 2 + 20;     /* flit lands, waits its pipeline, credit returns */
    CHECK(at[12] - at[8] == rtt && at[8] - at[4] == rtt, "4 flits every %llu cycles expected, got %llu and %llu",
          (unsigned long long)rtt, (unsigned long long)(at[8] - at[4]), (unsigned long long)(at[12] - at[8]));
}

/* Deeper buffers at the two ends of the link (system.link.buffer_depth) hold its
 * round trip: the 4-slot chip streams across it at the serialisation's pace. */
static void edge_buffers_lift_the_credit_bound(void)
{
    enum { N = 13 };
    uint64_t at[N];
    struct mesh *m = line_of_two_chips_edge(4, 20, 2, 0, 48);
    stream(m, N, at);
    mesh_free(m);
    for (int i = 1; i < N; i++)
        CHECK(at[i] - at[i - 1] == 2, "flit %d popped %llu cycles after the one before, 2 expected", i,
              (unsigned long long)(at[i] - at[i - 1]));
}

/* ---- ssnnsim noc on a system ------------------------------------------------ */

/* uniform.yaml's 8x8 mesh as 2x2 chips of 4x4 with the given link. */
static int noc_system(struct config *cfg, int latency, int cpf, int flits, const char *traffic)
{
    char l[64], c[64], f[64], t[64], err[1024];
    snprintf(l, sizeof l, "system.link.latency_cycles=%d", latency);
    snprintf(c, sizeof c, "system.link.cycles_per_flit=%d", cpf);
    snprintf(f, sizeof f, "noc.packet_flits=%d", flits);
    snprintf(t, sizeof t, "noc.traffic=%s", traffic);
    const char *sets[] = { "chip.mesh_x=4", "chip.mesh_y=4", "system.chips=[2, 2]", l, c, f, t,
                           "chip.router.buffer_depth=8", "noc.warmup_cycles=1000", "noc.measure_cycles=20000",
                           "noc.drain_cycles=5000", "noc.seed=5" };
    if (config_load_sets("workloads/noc/uniform.yaml", sets, 12, NULL, 0, cfg, err, sizeof err)) {
        CHECK(0, "config refused: %s", err);
        return -1;
    }
    return 0;
}

/* At vanishing load a packet's latency is the analytic zero-load latency, inter-
 * chip hops and the serialisation of its tail included; a link as fast as an
 * on-chip one gives the one-chip figures; the busiest inter-chip link bounds the
 * throughput at 1 / cycles_per_flit, and the run stays under it. */
static void noc_on_a_system_meets_its_zero_load_latency_and_bound(void)
{
    static struct config cfg;
    static const struct { const char *traffic; int flits; } cases[] = {
        { "uniform", 1 }, { "uniform", 4 }, { "transpose", 2 }, { "bitcomp", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (noc_system(&cfg, 20, 4, cases[i].flits, cases[i].traffic)) return;
        struct noc_point p;
        char err[2048];
        /* 0.004 flits/node/cycle whatever the packet (an inter-chip link runs at a
         * quarter of an on-chip one: more would queue), ~5000 packets */
        double rate = 0.004;
        cfg.noc.measure_cycles = 20000 * cases[i].flits;
        if (noc_run_point(&cfg, rate, 1, NULL, &p, err, sizeof err)) {
            CHECK(0, "%s: %s", cases[i].traffic, err);
            continue;
        }
        double t0 = noc_zero_load_latency(&cfg);
        printf("  %s, %d-flit packets: %.3f cycles, analytic %.3f\n", cases[i].traffic, cases[i].flits, p.latency_avg,
               t0);
        CHECK(fabs(p.latency_avg - t0) <= 0.02 * t0, "%s, %d flits: %.3f cycles, analytic %.3f", cases[i].traffic,
              cases[i].flits, p.latency_avg, t0);
    }
    if (noc_system(&cfg, 1, 1, 1, "uniform")) return;
    CHECK(fabs(noc_zero_load_latency(&cfg) - 18.75) < 1e-9 && fabs(noc_throughput_bound(&cfg) - 0.5) < 1e-12,
          "a link like an on-chip one: zero-load %.4f (18.75 on one 8x8 chip), bound %.4f (0.5)",
          noc_zero_load_latency(&cfg), noc_throughput_bound(&cfg));
    /* The middle links of each row and column are inter-chip and carry 2 flits
     * per unit injection rate under uniform traffic. Buffers of 48 flits cover
     * the credit round trip (20 + 3 + 2 + 20 = 45 cycles): the serialisation
     * bounds, 1 / (2 x 4); buffers of 4 do not: 4 flits per 45 cycles, 2 / 45. */
    static const struct { int depth, edge; double bound; } b[] = {
        { 48, 0, 0.125 }, { 4, 0, 4.0 / 45 / 2 }, { 4, 48, 0.125 },   /* the last: 48 at the chips' edges only */
    };
    for (int k = 0; k < 3; k++) {
        if (noc_system(&cfg, 20, 4, 1, "uniform")) return;
        cfg.chip.router.buffer_depth = b[k].depth;
        cfg.system.link_buffer_depth = b[k].edge;
        double bound = noc_throughput_bound(&cfg);
        CHECK(fabs(bound - b[k].bound) < 1e-12, "buffers of %d: bound %.6f, expected %.6f", b[k].depth, bound,
              b[k].bound);
        struct noc_point p;
        char err[2048];
        cfg.noc.measure_cycles = 5000;
        if (noc_run_point(&cfg, 0.3, 1, NULL, &p, err, sizeof err)) {
            CHECK(0, "%s", err);
            return;
        }
        printf("  buffers of %d (%d at the edges), offered 0.3: accepted %.4f, bound %.4f\n", b[k].depth,
               b[k].edge ? b[k].edge : b[k].depth, p.accepted, bound);
        CHECK(p.accepted <= bound * 1.02 && p.accepted >= 0.8 * bound, "buffers of %d: accepted %.4f, bound %.4f",
              b[k].depth, p.accepted, bound);
    }
}

/* ---- systems beside the golden model --------------------------------------- */

/* The bars on small chips; `link` adds the inter-chip link (20 cycles, 4 a flit)
 * before the extra settings (so that these can change it). */
static int load(struct config *cfg, const char *const *extra, int n_extra, int link, char *err, size_t errlen)
{
    const char *sets[64] = {
        "network.layers=[64, 48, 4]", "dataset.rows=8", "dataset.cols=8", "dataset.classes=4", "training.T=6",
        "training.beta=8", "chip.core_neurons=16", "chip.xbar_cols=16", "chip.xbar_rows=65",
        "system.link.latency_cycles=20", "system.link.cycles_per_flit=4",
    };
    int n = link ? 11 : 9;
    for (int i = 0; i < n_extra && n < 64; i++) sets[n++] = extra[i];
    return config_load_sets("workloads/mnist.yaml", sets, n, NULL, 0, cfg, err, errlen);
}

struct outcome {
    uint64_t cycles, flits, hops, xflits, xhops, xcycles, steps;
    int chips_used;
};

/* Trains a chip of cfg (after `tweak`, when given) and the golden model side by
 * side; 0 when weights, counters and every WTA decision agree. */
static int run(const char *what, const char *const *x, int n, void (*tweak)(struct chip *), struct outcome *o)
{
    static struct config cfg;
    char err[1024];
    memset(o, 0, sizeof *o);
    if (load(&cfg, x, n, 1, err, sizeof err)) {
        CHECK(0, "%s: config refused: %s", what, err);
        return 1;
    }
    struct ssnn g, h;
    struct chip chip;
    if (ssnn_init(&g, &cfg, err, sizeof err) || ssnn_init(&h, &cfg, err, sizeof err)) return 1;
    if (chip_init(&chip, &cfg, &h, err, sizeof err)) {
        CHECK(0, "%s: chip_init: %s", what, err);
        return 1;
    }
    if (tweak) tweak(&chip);
    chip.check = 1;
    int bad = 0;
    for (int i = 0; i < NSAMPLES && !bad; i++) {
        int a = ssnn_train_sample(&g, images[i], labels[i], cfg.training.T, 65536);
        int b = chip_train_sample(&chip, images[i], labels[i], cfg.training.T, 65536, err, sizeof err);
        if (b < 0) CHECK(0, "%s: sample %d: %s", what, i, err);
        else CHECK(a == b, "%s: sample %d: golden read-out %d, chip %d", what, i, a, b);
        bad = a != b;
    }
    struct ssnn_streams sg, sc;
    ssnn_streams_alloc(&sg, &g);
    ssnn_streams_alloc(&sc, &g);
    ssnn_streams_seed(&sg, &g, RNG_EVAL);
    ssnn_streams_seed(&sc, &g, RNG_EVAL);
    for (int i = 0; i < 8 && !bad; i++) {
        uint32_t wg[4], wc[4];
        ssnn_infer_wta(&g, &sg, images[i], 8, wg);
        bad = chip_infer_wta(&chip, &sc, images[i], 8, wc, err, sizeof err) < 0 || memcmp(wg, wc, sizeof wg);
        CHECK(!bad, "%s: inference of sample %d differs", what, i);
    }
    chip_gather(&chip, &h);
    char sa[65], sb[65];
    ssnn_weights_sha256(&g, sa);
    ssnn_weights_sha256(&h, sb);
    CHECK(!strcmp(sa, sb), "%s: weights golden %.16s chip %.16s", what, sa, sb);
    CHECK(!memcmp(&g.c, &h.c, sizeof g.c), "%s: spike counts differ", what);
    bad |= strcmp(sa, sb) != 0;
    const struct chip_counters *c = &chip.c;
    *o = (struct outcome){ c->cycles, c->flits, c->hops, c->interchip_flits, c->interchip_hops,
                           c->interchip_flit_cycles, c->steps, chip_chips_used(&chip) };
    ssnn_streams_free(&sg);
    ssnn_streams_free(&sc);
    chip_free(&chip);
    ssnn_free(&g);
    ssnn_free(&h);
    return bad;
}

/* 64-48-4 at 16 neurons a core: 4 input + 3 hidden + 1 output cores; at depth 2
 * (64-48-40-4) 4 + 3 + 3 + 1. Each system has too few cores on one chip. */
static void system_matches_golden_on_2x1_and_2x2_chips_at_depth_1_and_2(void)
{
    const char *d1x2[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1" };
    const char *d1x4[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=1", "chip.tiles_per_core=1" };
    const char *d2x2[] = { "system.chips=[2, 1]", "chip.mesh_x=3", "chip.mesh_y=2", "chip.tiles_per_core=2",
                           "network.layers=[64, 48, 40, 4]" };
    const char *d2x4[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=2",
                           "network.layers=[64, 48, 40, 4]" };
    const char *pipe[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=1", "chip.tiles_per_core=1",
                           "chip.router.model=pipelined", "chip.router.pipeline=3", "chip.router.speculative=true",
                           "chip.router.sw_allocator=islip", "chip.router.vc_allocator=islip", "chip.router.vcs=2" };
    struct { const char *what; const char *const *x; int n, chips; } cases[] = {
        { "2x1 chips of 2x2, depth 1", d1x2, 4, 2 }, { "2x2 chips of 2x1, depth 1", d1x4, 4, 4 },
        { "2x2 chips of 2x1, pipelined speculative iSLIP routers, 2 VCs", pipe, 10, 4 },
        { "2x1 chips of 3x2, depth 2", d2x2, 5, 2 }, { "2x2 chips of 2x2, depth 2", d2x4, 5, 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct outcome o;
        if (run(cases[i].what, cases[i].x, cases[i].n, NULL, &o)) continue;
        printf("  %s: %llu cycles, %llu flits, %llu of them leave their chip (%llu inter-chip hops of %llu)\n",
               cases[i].what, (unsigned long long)o.cycles, (unsigned long long)o.flits, (unsigned long long)o.xflits,
               (unsigned long long)o.xhops, (unsigned long long)o.hops);
        CHECK(o.chips_used == cases[i].chips, "%s: cores on %d chips, expected %d", cases[i].what, o.chips_used,
              cases[i].chips);
        CHECK(o.xflits > 0 && o.xhops >= o.xflits && o.xhops < o.hops, "%s: %llu inter-chip flits, %llu inter-chip "
              "hops of %llu", cases[i].what, (unsigned long long)o.xflits, (unsigned long long)o.xhops,
              (unsigned long long)o.hops);
        CHECK(o.xcycles == o.xhops * (20 + 4 - 1), "%s: %llu flit-cycles on the links for %llu hops", cases[i].what,
              (unsigned long long)o.xcycles, (unsigned long long)o.xhops);
    }
}

/* The chips each layer's cores sit on (bit l: chip l), read by the tweak below. */
static unsigned layer_chips[3];
static void note_layer_chips(struct chip *c)
{
    memset(layer_chips, 0, sizeof layer_chips);
    for (int k = 0; k < c->n_cores; k++) {
        int part = c->cores[k].role == CORE_INPUT ? 0 : c->cores[k].role == CORE_HIDDEN ? 1 : 2;
        layer_chips[part] |= 1u << chip_of_node(c, c->cores[k].node);
    }
}

/* The one-chip clock on a system: the step ends when the master sees the last report. */
static void one_chip_clock(struct chip *c) { c->window = c->barrier_cycles = 0; }

/* docs/system.md "Barrier": a step ends system.barrier_cycles after the master saw
 * the last report, so a longer barrier adds exactly its difference to every step
 * (each step starts from an empty network, every credit home) and changes no bit;
 * a barrier of 1 cycle (windows of 1) computes the same bits. "Placement": spread
 * deals each layer over the chips, fill puts the input layer on chip 0 alone. */
static void the_barrier_delays_every_step_and_spread_deals_layers_over_chips(void)
{
    const char *d20[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=1", "chip.tiles_per_core=1" };
    const char *d45[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=1", "chip.tiles_per_core=1",
                          "system.barrier_cycles=45" };
    const char *d1[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=1", "chip.tiles_per_core=1",
                         "system.barrier_cycles=1" };
    const char *sp[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=1", "chip.tiles_per_core=1",
                         "system.placement=spread" };
    struct outcome a, b, one, fill, spread, zero;
    int bad = run("barrier 20 (the link's latency)", d20, 4, note_layer_chips, &fill);
    a = fill;
    CHECK(layer_chips[0] == 0x3, "fill: the 4 input cores on chips %#x, expected chips 0 and 1", layer_chips[0]);
    bad |= run("barrier 45", d45, 5, NULL, &b);
    bad |= run("barrier 1", d1, 5, NULL, &one);
    bad |= run("the one-chip clock", d20, 4, one_chip_clock, &zero);
    printf("  cycles: one-chip clock %llu, barrier 1 %llu, 20 %llu, 45 %llu over %llu steps\n",
           (unsigned long long)zero.cycles, (unsigned long long)one.cycles, (unsigned long long)a.cycles,
           (unsigned long long)b.cycles, (unsigned long long)a.steps);
    CHECK(!bad && one.cycles - zero.cycles == one.steps && a.cycles - zero.cycles == 20 * a.steps,
          "barrier 1: %llu cycles, 20: %llu, the one-chip clock %llu: expected 1 and 20 more a step",
          (unsigned long long)one.cycles, (unsigned long long)a.cycles, (unsigned long long)zero.cycles);
    CHECK(!bad && b.steps == a.steps && b.cycles - a.cycles == 25 * a.steps,
          "barrier 45 took %llu cycles, barrier 20 %llu: expected 25 more a step (%llu steps)",
          (unsigned long long)b.cycles, (unsigned long long)a.cycles, (unsigned long long)a.steps);
    CHECK(b.flits == a.flits && one.flits == a.flits, "the barrier changed the traffic");
    bad = run("spread", sp, 5, note_layer_chips, &spread);
    CHECK(!bad && layer_chips[0] == 0xf && layer_chips[1] == 0x7 && spread.chips_used == 4,
          "spread: input cores on chips %#x (expected all four), hidden on %#x (expected three)", layer_chips[0],
          layer_chips[1]);
    CHECK(spread.xflits > fill.xflits, "spread: %llu flits leave their chip, fill %llu",
          (unsigned long long)spread.xflits, (unsigned long long)fill.xflits);
}

/* The planted fault: serialisation switched off after the system is built. */
static void serialisation_off(struct chip *c) { mesh_set_chip_links(c->mesh, c->chip_w, c->chip_h, 20, 1, 0); }

/* Slower links cost cycles and nothing else; a system that ignores the
 * serialisation it was given (planted) fails the check. */
static void interchip_serialisation_and_latency_cost_cycles(void)
{
    const char *base[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1",
                           "system.link.cycles_per_flit=1", "system.link.latency_cycles=1" };
    const char *ser[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1",
                          "system.link.cycles_per_flit=8", "system.link.latency_cycles=1" };
    const char *lat[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1",
                          "system.link.cycles_per_flit=1", "system.link.latency_cycles=40" };
    const char *ser20[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1",
                            "system.link.cycles_per_flit=8" };
    const char *one20[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1",
                            "system.link.cycles_per_flit=1" };
    struct outcome b, s, l, honest, planted, one;
    run("fast link", base, 6, NULL, &b);
    run("serialising link", ser, 6, NULL, &s);
    run("long link", lat, 6, NULL, &l);
    printf("  cycles: link (1, 1) %llu, (1, 8) %llu, (40, 1) %llu\n", (unsigned long long)b.cycles,
           (unsigned long long)s.cycles, (unsigned long long)l.cycles);
    CHECK(s.cycles > b.cycles && l.cycles > b.cycles, "cycles: fast %llu, 8 cycles a flit %llu, 40-cycle latency %llu",
          (unsigned long long)b.cycles, (unsigned long long)s.cycles, (unsigned long long)l.cycles);
    CHECK(s.flits == b.flits && l.flits == b.flits && s.xhops == b.xhops, "the traffic changed with the link");
    const char *edge[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1",
                           "system.link.buffer_depth=48" };
    struct outcome deep, shallow;
    run("(20, 4), 4-slot buffers", edge, 4, NULL, &shallow);
    run("(20, 4), 48 slots at the chips' edges", edge, 5, NULL, &deep);
    printf("  cycles: link (20, 4) with the chip's 4-slot buffers %llu, with 48 at the edges %llu\n",
           (unsigned long long)shallow.cycles, (unsigned long long)deep.cycles);
    CHECK(deep.cycles < shallow.cycles && deep.flits == shallow.flits, "edge buffers: %llu cycles, %llu without",
          (unsigned long long)deep.cycles, (unsigned long long)shallow.cycles);
    run("(20, 8)", ser20, 5, NULL, &honest);
    int diverged = run("(20, 8) with serialisation planted away", ser20, 5, serialisation_off, &planted);
    run("(20, 1)", one20, 5, NULL, &one);
    CHECK(!diverged && planted.cycles == one.cycles && planted.cycles < honest.cycles,
          "planted: %llu cycles (the link at 1 cycle a flit: %llu, at 8: %llu)", (unsigned long long)planted.cycles,
          (unsigned long long)one.cycles, (unsigned long long)honest.cycles);
}

/* The 2x1 system of 2x2 chips: input cores on chip 0, hidden and output cores on
 * chip 1 (the output core at its (1, 1)); a dump names each core's and router's
 * chip and its place there, and its forward spikes are the simulator's. */
static void waves_name_the_chip_of_every_core_and_router(void)
{
    static struct config cfg;
    const char *x[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=1" };
    char err[1024];
    if (load(&cfg, x, 4, 1, err, sizeof err)) {
        CHECK(0, "config refused: %s", err);
        return;
    }
    char vcd[300];
    snprintf(vcd, sizeof vcd, "%s/waves.vcd", dir);
    struct ssnn g;
    struct chip c;
    if (ssnn_init(&g, &cfg, err, sizeof err) || chip_init(&c, &cfg, &g, err, sizeof err)) {
        CHECK(0, "%s", err);
        return;
    }
    struct wave_select sel = { "all", 64, 0, 0, 0, 0 };
    c.waves = chip_waves_open(&c, vcd, &sel, err, sizeof err);
    CHECK(c.waves != NULL, "%s", err);
    for (int i = 0; i < 4 && c.waves; i++)
        CHECK(chip_train_sample(&c, images[i], labels[i], 6, 65536, err, sizeof err) >= 0, "%s", err);
    uint64_t fwd = c.waves ? chip_waves_count(c.waves, EV_FWD) : 0;
    if (c.waves) chip_waves_close(c.waves, err, sizeof err);
    c.waves = NULL;
    chip_gather(&c, &g);
    CHECK(fwd == g.c.hidden_spikes && fwd > 0, "%llu forward spikes dumped, %llu counted", (unsigned long long)fwd,
          (unsigned long long)g.c.hidden_spikes);
    chip_free(&c);
    ssnn_free(&g);
    FILE *f = fopen(vcd, "r");
    static char buf[1 << 22];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = 0;
    if (f) fclose(f);
    static const char *const want[] = { "$scope module chip_0_0_core_0_0 $end", "$scope module chip_0_0_core_1_1 $end",
                                        "$scope module chip_1_0_core_0_0 $end", "$scope module chip_1_0_core_1_1 $end",
                                        "$scope module chip_1_0_router_1_1 $end", "$scope module chip_0_0_router_1_0 $end" };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        CHECK(strstr(buf, want[k]), "%s: no '%s'", vcd, want[k]);
    CHECK(!strstr(buf, "module core_") && !strstr(buf, "module router_"), "%s: a scope without its chip", vcd);
}

/* A trained 2x2 system priced by loihi.yaml: interchip_link is, phase by phase,
 * the inter-chip hops of the phase's traffic class x 32 bits x 1.4 pJ; by layer,
 * the parts still add up to every phase to the femtojoule; doubling the link's
 * pJ/bit doubles that component and moves no other. */
static void interchip_energy_is_hops_times_flit_bits_times_pj_per_bit(void)
{
    static struct config cfg;
    const char *x[] = { "system.chips=[2, 2]", "chip.mesh_x=2", "chip.mesh_y=2", "chip.tiles_per_core=2",
                        "network.layers=[64, 48, 40, 4]" };
    char err[1024];
    if (load(&cfg, x, 5, 1, err, sizeof err)) {
        CHECK(0, "config refused: %s", err);
        return;
    }
    struct ssnn g;
    struct chip c;
    if (ssnn_init(&g, &cfg, err, sizeof err) || chip_init(&c, &cfg, &g, err, sizeof err)) {
        CHECK(0, "%s", err);
        return;
    }
    for (int i = 0; i < 30; i++)
        if (chip_train_sample(&c, images[i], labels[i], 6, 65536, err, sizeof err) < 0) CHECK(0, "%s", err);
    static struct energy_report r, r2;
    energy_report_init(&r, &cfg, &c);
    static const int phase[TC_COUNT] = { EP_FORWARD, EP_BACKWARD, EP_CONTROL };
    CHECK(r.train.n_components == EC_COUNT, "%d components reported, %d expected", r.train.n_components, EC_COUNT);
    for (int tc = 0; tc < TC_COUNT; tc++) {
        double want = (double)c.c.class_interchip_hops[tc] * 32 * 1.4 * 1000;
        CHECK(c.c.class_interchip_hops[tc] > 0 && fabs((double)r.train.fj[EC_INTERCHIP][phase[tc]] - want) <= 1,
              "class %d: %llu inter-chip hops, %lld fJ, %.0f by hand", tc,
              (unsigned long long)c.c.class_interchip_hops[tc], (long long)r.train.fj[EC_INTERCHIP][phase[tc]], want);
    }
    for (int p = 0; p < EP_COUNT; p++) {
        int64_t parts = 0;
        for (int k = 0; k < r.train.n_parts; k++) parts += r.train.part[k].fj[p];
        CHECK(parts == energy_phase_fj(&r.train, p), "phase %d: the layers add up to %lld fJ of %lld", p,
              (long long)parts, (long long)energy_phase_fj(&r.train, p));
    }
    /* each core's flits priced for its own layer: the parts' inter-chip hops are the chip's */
    static struct chip_totals part[CHIP_PARTS(2)];
    int cores[CHIP_PARTS(2)], routers[CHIP_PARTS(2)];
    chip_part_totals(&c, 0, part, cores, routers);
    for (int tc = 0; tc < TC_COUNT; tc++) {
        uint64_t sum = 0;
        for (int k = 0; k < CHIP_PARTS(2); k++) sum += part[k].chip.class_interchip_hops[tc];
        CHECK(sum == c.c.class_interchip_hops[tc], "class %d: the layers sent %llu inter-chip hops, the chip counted %llu",
              tc, (unsigned long long)sum, (unsigned long long)c.c.class_interchip_hops[tc]);
    }
    cfg.tech.noc.interchip_pj_per_bit *= 2;
    energy_report_init(&r2, &cfg, &c);
    for (int i = 0; i < EC_COUNT; i++) {
        int64_t a = energy_component_fj(&r.train, i), b = energy_component_fj(&r2.train, i);
        CHECK(i == EC_INTERCHIP ? llabs(b - 2 * a) <= 3 : a == b, "%s: %lld fJ, then %lld with twice the pJ/bit",
              energy_component_name[i], (long long)a, (long long)b);
    }
    chip_free(&c);
    ssnn_free(&g);
}

/* ---- as a user runs it ------------------------------------------------------ */

/* The bars on a 2x1 system of 2x2 chips through build/ssnnsim: the result JSON
 * holds the system and the off-chip split, its energy the inter-chip links; the
 * same run on one chip of 2x4 writes none of them; the SystemC engine, which has
 * no inter-chip links, refuses a system at system.chips (train and noc). */
static void a_run_reports_the_system_and_the_engines_without_links_refuse_it(void)
{
    char bin[1024], repo[1024], cfg[1200], out[1200], csv[1300];
    if (sim_find("a_run_reports_the_system_and_the_engines_without_links_refuse_it", bin, sizeof bin, repo,
                 sizeof repo))
        return;
    if (bars_write(dir, "train", 40, 7) || bars_write(dir, "test", 8, 8) ||
        bars_workload_layers(dir, repo, "[64, 48, 4]", "{ T: 6, beta: 8 }")) {
        CHECK(0, "cannot write the bars fixture in %s", dir);
        return;
    }
    path_in(cfg, sizeof cfg, dir, "bars.yaml");
    path_in(out, sizeof out, dir, "sys.json");
    path_in(csv, sizeof csv, dir, "sys.energy.csv");
    const char *chip[] = { "--set", "chip.core_neurons=16", "--set", "chip.xbar_cols=16", "--set", "chip.xbar_rows=65",
                           "--set", "chip.tiles_per_core=1", "--set", "chip.mesh_x=2", "--set", "chip.mesh_y=2" };
    char ckpt[1200], one[1200];
    path_in(ckpt, sizeof ckpt, dir, "sys.ckpt");
    struct result r = run_in(dir, 0, "", bin, "train", cfg, "--engine", "chip", "--quiet", "--epochs", "1", "--out",
                             out, "--checkpoint", ckpt, chip[0], chip[1], chip[2], chip[3], chip[4], chip[5], chip[6], chip[7], chip[8],
                             chip[9], chip[10], chip[11], "--set", "system.chips=[2, 1]", "--set",
                             "system.link={latency_cycles: 20, cycles_per_flit: 4}", NULL);
    CHECK(r.code == 0, "system run: exit %d: %s", r.code, r.err);
    result_free(&r);
    char *json = file_text_or_empty(out), *energy = file_text_or_empty(csv);
    static const char *const keys[] = { "\"system\": {", "\"chips_used\": 2", "\"interchip_flits\":",
                                        "\"onchip_hops\":", "\"interchip_flit_cycles\":", "\"interchip_link\":",
                                        "\"class_interchip_hops\":", "\"sent_interchip\":",
                                        "\"interchip_pj_per_bit\":", "\"latency_cycles\": 20" };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        CHECK(strstr(json, keys[k]), "%s: no %s", out, keys[k]);
    CHECK(strstr(energy, ",interchip_link,total"), "%s: no interchip_link column", csv);
    free(json);
    free(energy);
    path_in(out, sizeof out, dir, "one.json");
    path_in(csv, sizeof csv, dir, "one.energy.csv");
    r = run_in(dir, 0, "", bin, "train", cfg, "--engine", "chip", "--quiet", "--epochs", "1", "--out", out, chip[0],
               chip[1], chip[2], chip[3], chip[4], chip[5], chip[6], chip[7], "--set", "chip.mesh_x=2", "--set",
               "chip.mesh_y=4", NULL);
    CHECK(r.code == 0, "one-chip run: exit %d: %s", r.code, r.err);
    result_free(&r);
    json = file_text_or_empty(out);
    energy = file_text_or_empty(csv);
    CHECK(!strstr(json, "interchip") && !strstr(json, "\"system\"") && !strstr(energy, "interchip"),
          "a one-chip result mentions a system");
    free(json);
    free(energy);
    /* the system is not part of what a checkpoint is tied to: one chip evaluates
     * what two trained, and what the two-chip run's test found */
    path_in(one, sizeof one, dir, "infer.json");
    r = run_in(dir, 0, "", bin, "infer", cfg, "--engine", "chip", "--quiet", "--checkpoint", ckpt, "--out", one,
               chip[0], chip[1], chip[2], chip[3], chip[4], chip[5], chip[6], chip[7], "--set", "chip.mesh_x=2", "--set",
               "chip.mesh_y=4", NULL);
    CHECK(r.code == 0, "one chip evaluating the system's checkpoint: exit %d: %s", r.code, r.err);
    result_free(&r);
    path_in(out, sizeof out, dir, "sys.json");
    char *a = file_text_or_empty(out), *b = file_text_or_empty(one);
    const char *ta = strstr(a, "\"test_wta\""), *tb = strstr(b, "\"test_wta\"");
    CHECK(ta && tb && !strncmp(ta, tb, strcspn(ta, ",")), "test accuracy on two chips %.30s, on one %.30s", ta ? ta : "?",
          tb ? tb : "?");
    free(a);
    free(b);
    /* a sweep over the link, the system given in its set: (a list there is one value) */
    char sweep[1200], swcsv[1200];
    path_in(sweep, sizeof sweep, dir, "link.yaml");
    path_in(swcsv, sizeof swcsv, dir, "link.csv");
    write_file(sweep, "name: link\nconfig: %s\nset:\n  training.epochs: 1\n  chip.core_neurons: 16\n"
               "  chip.xbar_cols: 16\n  chip.xbar_rows: 65\n  chip.tiles_per_core: 1\n  chip.mesh_x: 2\n"
               "  chip.mesh_y: 2\n  system.chips: [2, 1]\n  system.link.latency_cycles: 20\n"
               "axes:\n  - system.link.cycles_per_flit: [1, 4, 16]\nplot:\n  x: system.link.cycles_per_flit\n", cfg);
    r = run_in(dir, 0, "", bin, "sweep", sweep, "--engine", "chip", "--quiet", "--csv", swcsv, NULL);
    CHECK(r.code == 0, "sweep: exit %d: %s", r.code, r.err);
    result_free(&r);
    char *rows = file_text_or_empty(swcsv);
    double lat[3] = { 0 };
    char sha[3][65] = { "", "", "" };
    const char *line = strchr(rows, '\n');
    for (int i = 0; i < 3 && line && line[1]; i++, line = strchr(line + 1, '\n')) {
        /* point,cycles_per_flit,test_wta,test_rate,ann_test,train_wta,e_train,e_infer,latency_train,... */
        const char *c = line + 1;
        for (int col = 0; col < 8 && c; col++) c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL;
        lat[i] = c ? atof(c) : 0;
        const char *last = strrchr(line + 1, ',');
        if (last) snprintf(sha[i], sizeof sha[i], "%.64s", last + 1);
    }
    CHECK(lat[0] > 0 && lat[1] > lat[0] && lat[2] > lat[1] && !strcmp(sha[0], sha[1]) && !strcmp(sha[1], sha[2]),
          "sweep over cycles_per_flit 1, 4, 16: latency per training sample %.0f, %.0f, %.0f ns; weights %.8s %.8s %.8s",
          lat[0], lat[1], lat[2], sha[0], sha[1], sha[2]);
    free(rows);
    r = run_in(dir, 0, "", bin, "train", "workloads/mnist-2chip.yaml", "--engine", "systemc", "--quiet", NULL);
    CHECK(r.code == 2 && strstr(r.err, "workloads/mnist-2chip.yaml:15:10: system.chips: --engine systemc has no "
                                       "inter-chip links"), "systemc: exit %d: %s", r.code, r.err);
    result_free(&r);
    r = run_in(dir, 0, "", bin, "noc", "workloads/noc/uniform.yaml", "--engine", "systemc", "--quiet", "--set",
               "system.chips=[2, 1]", "--set", "system.link={latency_cycles: 20, cycles_per_flit: 4}", NULL);
    CHECK(r.code == 2 && strstr(r.err, "--set:1:14: system.chips: a system of chips runs on the native mesh "
                                       "(--engine systemc has no inter-chip links"),
          "noc --engine systemc: exit %d: %s", r.code, r.err);
    result_free(&r);
    /* one chip on the system clock: the SystemC engine ends a step as the barrier completes */
    r = run_in(dir, 0, "", bin, "train", "workloads/mnist.yaml", "--engine", "systemc", "--quiet", "--set",
               "chip.barrier_cycles=3", NULL);
    CHECK(r.code == 2 && strstr(r.err, "--set:1:21: chip.barrier_cycles: --engine systemc ends a step in the cycle "
                                       "its barrier completes"), "systemc, chip.barrier_cycles: exit %d: %s", r.code,
          r.err);
    result_free(&r);
}

/* The "weights_sha256" value of a result file, or "" (into out[65]). */
static void weights_of(const char *path, char out[65])
{
    char *t = file_text_or_empty(path);
    const char *k = strstr(t, "\"weights_sha256\": \"");
    snprintf(out, 65, "%.64s", k ? k + 19 : "");
    free(t);
}

/* workloads/mnist-4chip.yaml as shipped, a few short samples: its layers spread over
 * all four chips, the same weights as the golden model. */
static void the_shipped_four_chip_workload_spreads_and_matches_golden(void)
{
    char bin[1024], repo[1024], c[1200], g[1200], wc[65], wg[65];
    if (sim_find("the_shipped_four_chip_workload_spreads_and_matches_golden", bin, sizeof bin, repo, sizeof repo))
        return;
    path_in(c, sizeof c, dir, "4chip.json");
    path_in(g, sizeof g, dir, "4chip-golden.json");
    const char *engine[] = { "chip", "golden" };
    const char *outs[] = { c, g };
    for (int i = 0; i < 2; i++) {
        struct result r = run_in(dir, 0, "", bin, "train", "workloads/mnist-4chip.yaml", "--engine", engine[i],
                                 "--quiet", "--samples", "2", "--test-samples", "1", "--set", "training.T=4", "--set",
                                 "training.T_test=4", "--set", "training.ann_baseline=false", "--out", outs[i], NULL);
        CHECK(r.code == 0, "%s: exit %d: %s", engine[i], r.code, r.err);
        result_free(&r);
    }
    weights_of(c, wc);
    weights_of(g, wg);
    CHECK(strlen(wc) == 64 && !strcmp(wc, wg), "weights: chip %s, golden %s", wc, wg);
    char *json = file_text_or_empty(c);
    CHECK(strstr(json, "\"chips_used\": 4") && strstr(json, "\"placement\": \"spread\""),
          "%s: not spread over 4 chips", c);
    free(json);
}

/* ---- refusals --------------------------------------------------------------- */

static void bad_systems_are_refused_with_a_position(void)
{
    static struct config cfg;
    /* a technology without the inter-chip link's energy: Noxim's NoC file without it */
    char tech[300];
    snprintf(tech, sizeof tech, "%s/noc.yaml", dir);
    FILE *in = fopen("workloads/tech/noc-noxim-45nm.yaml", "r"), *out = fopen(tech, "w");
    char line[4096];
    while (in && out && fgets(line, sizeof line, in))
        if (strncmp(line, "interchip_pj_per_bit", 20)) fputs(line, out);
    if (in) fclose(in);
    if (out) fclose(out);
    char notech_set[400];
    snprintf(notech_set, sizeof notech_set, "technology.noc=%s", tech);
    const char *three[] = { "system.chips=[2, 1, 1]" };
    const char *nolink[] = { "system.chips=[2, 1]", "system.link.latency_cycles=20" };
    const char *rtl[] = { "system.chips=[2, 1]", "system.link={latency_cycles: 20, cycles_per_flit: 2}",
                          "chip.rtl=[router]" };
    const char *big[] = { "system.chips=[256, 256]" };
    const char *zero[] = { "system.chips=[0, 1]" };
    const char *notech[] = { "system.chips=[2, 1]", "system.link={latency_cycles: 20, cycles_per_flit: 2}", notech_set };
    const char *place[] = { "system.chips=[2, 1]", "system.link={latency_cycles: 20, cycles_per_flit: 2}",
                            "system.placement=x" };
    const char *barrier[] = { "system.chips=[2, 1]", "system.link={latency_cycles: 20, cycles_per_flit: 2}",
                              "system.barrier_cycles=0" };
    const char *chipbar[] = { "system.chips=[2, 1]", "system.link={latency_cycles: 20, cycles_per_flit: 2}",
                              "chip.barrier_cycles=5" };
    struct { const char *const *x; int n; const char *want; } cases[] = {
        { chipbar, 3, "--set:12:21: chip.barrier_cycles: a system of 2x1 chips takes its barrier delay from "
                      "system.barrier_cycles" },
        { place, 3, "--set:12:18: system.placement: 'x' is not one of: fill, spread" },
        { barrier, 3, "--set:12:23: system.barrier_cycles: 0 is out of range [1, 1048576]" },
        { three, 1, "--set:10:14: system.chips: expected [x, y] (chips across, chips up), got 3 entries" },
        { nolink, 2, "--set:10:14: system.link.cycles_per_flit: required for a system of 2x1 chips" },
        { rtl, 3, "--set:12:10: chip.rtl: RTL routers are not supported in a system of 2x1 chips" },
        { big, 1, "--set:10:14: system.chips: 256x256 chips of 4x4 routers make a 1024x1024 mesh of 1048576 nodes; "
                  "flit node ids are 16-bit" },
        { zero, 1, "--set:10:15: system.chips: 0 is out of range [1, 256]" },
        { notech, 3, "--set:10:14: system.chips: a system of 2x1 chips needs technology.noc.interchip_pj_per_bit" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[1024] = "";
        int rc = load(&cfg, cases[i].x, cases[i].n, 0, err, sizeof err);
        CHECK(rc == -1 && strstr(err, cases[i].want), "case %zu: rc %d, message '%s'", i, rc, err);
    }
    /* a network larger than the whole system: named at system.chips */
    const char *small[] = { "system.chips=[2, 1]", "chip.mesh_x=2", "chip.mesh_y=1", "chip.tiles_per_core=1" };
    char err[1024] = "";
    if (load(&cfg, small, 4, 1, err, sizeof err)) {
        CHECK(0, "config refused: %s", err);
        return;
    }
    struct ssnn g;
    struct chip chip;
    ssnn_init(&g, &cfg, err, sizeof err);
    int rc = chip_init(&chip, &cfg, &g, err, sizeof err);
    CHECK(rc == -1 && strstr(err, "--set:12:14: network 64-48-4 needs 8 cores (4 input, 3 hidden, 1 output at 16 "
                                   "neurons per core), the system of 2x1 chips of 2x1 cores has 4"),
          "rc %d, message '%s'", rc, err);
    if (rc == 0) chip_free(&chip);
    ssnn_free(&g);
}

int main(void)
{
    bars_make(&images[0][0], labels, NSAMPLES, 12345, 40, 3);
    scratch_make(dir, sizeof dir, "system");
    RUN(interchip_link_adds_its_latency_and_serialisation_to_a_flit);
    RUN(interchip_link_carries_one_flit_per_cycles_per_flit);
    RUN(interchip_credits_come_back_over_the_same_latency);
    RUN(edge_buffers_lift_the_credit_bound);
    RUN(noc_on_a_system_meets_its_zero_load_latency_and_bound);
    RUN(system_matches_golden_on_2x1_and_2x2_chips_at_depth_1_and_2);
    RUN(interchip_serialisation_and_latency_cost_cycles);
    RUN(the_barrier_delays_every_step_and_spread_deals_layers_over_chips);
    RUN(the_shipped_four_chip_workload_spreads_and_matches_golden);
    RUN(interchip_energy_is_hops_times_flit_bits_times_pj_per_bit);
    RUN(waves_name_the_chip_of_every_core_and_router);
    RUN(bad_systems_are_refused_with_a_position);
    RUN(a_run_reports_the_system_and_the_engines_without_links_refuse_it);
    scratch_remove(dir);
    CHECK_DONE();
}
