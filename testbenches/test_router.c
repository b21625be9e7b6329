/* Router and mesh properties (models/router.c, models/mesh.c): exact zero-load
 * timing, XY routes, wormhole VC holding, class separation, flow-control and
 * conservation invariants under stress, the watchdog, deadlock freedom of
 * opposing forward/backward traffic, and that skipping idle routers changes
 * nothing. Traffic comes from fixed seeds; every failure prints the numbers. */
#include "check.h"
#include "config.h"
#include "mesh.h"
#include "rng.h"
#include "router.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct router_cfg rcfg(int depth, int pipeline, int link, int vcs, int64_t watchdog)
{
    struct router_cfg rc = { .buffer_depth = depth, .pipeline = pipeline, .link_latency = link, .vcs = vcs,
                             .flit_bits = 32, .watchdog_cycles = watchdog };
    return rc;
}

static struct mesh *make_mesh(int X, int Y, struct router_cfg rc)
{
    char err[512];
    struct mesh *m = mesh_new(X, Y, &rc, err, sizeof err);
    if (!m) {
        printf("mesh_new: %s\n", err);
        exit(1);
    }
    return m;
}

/* Queues a packet of `flits` flits; flit.neuron carries the flit's index. */
static void send_packet(struct mesh *m, int src, int dst, int cls, int flits, uint32_t packet)
{
    struct flit f = { .src = (uint16_t)src, .dst = (uint16_t)dst, .stream = SS_SYNTHETIC, .tclass = (uint8_t)cls,
                      .packet = packet, .born = mesh_cycle(m) };
    for (int i = 0; i < flits; i++) {
        f.head = i == 0;
        f.tail = i == flits - 1;
        f.neuron = (uint32_t)i;
        mesh_inject(m, src, &f);
    }
}

static uint64_t rnd(uint64_t *s)
{
    uint64_t v = splitmix64(*s);
    *s += 0x9E3779B97F4A7C15ull;
    return v;
}

static int hops(int X, int a, int b) { return abs(a % X - b % X) + abs(a / X - b / X); }

/* One F-flit packet s -> d on an otherwise empty mesh, sent after 3 warm-up cycles (any
 * start cycle): the cycles its head and its tail took (0: not delivered in 200). */
static void one_packet(struct mesh *m, int s, int d, int F, uint64_t *head, uint64_t *tail)
{
    for (int warm = 0; warm < 3; warm++) mesh_step(m, NULL, 0);
    uint64_t born = mesh_cycle(m);
    *head = *tail = 0;
    send_packet(m, s, d, TC_FORWARD, F, 1);
    char err[1024];
    for (int t = 0; t < 200 && !*tail; t++) {
        if (mesh_step(m, err, sizeof err)) { CHECK(0, "%s", err); break; }
        struct flit f;
        while (mesh_eject(m, d, &f)) {
            if (f.head) *head = mesh_cycle(m) - born;
            if (f.tail) *tail = mesh_cycle(m) - born;
        }
    }
}

/* The packet on a fresh X x Y mesh of rc, against the zero-load formula
 * (H + 1) * P + H * L + F for its tail and F - 1 less for its head; returns the formula. */
static uint64_t packet_meets_formula(struct router_cfg rc, int X, int Y, int s, int d, int F, int P, int L,
                                     const char *what)
{
    struct mesh *m = make_mesh(X, Y, rc);
    int H = hops(X, s, d);
    uint64_t head, tail, want = (uint64_t)((H + 1) * P + H * L + F);
    one_packet(m, s, d, F, &head, &tail);
    CHECK(tail == want && head == want - (uint64_t)(F - 1),
          "%s P=%d L=%d F=%d %d->%d (%d hops): head %llu tail %llu cycles, formula %llu / %llu", what, P, L, F, s, d,
          H, (unsigned long long)head, (unsigned long long)tail, (unsigned long long)(want - (uint64_t)(F - 1)),
          (unsigned long long)want);
    CHECK(mesh_idle(m), "mesh not idle after the packet");
    mesh_free(m);
    return want;
}

/* ---- delivery bookkeeping ---------------------------------------------------- */

/* Every flit of packets 0..n-1 (up to `flits` each): how often it arrived, and
 * the index of the next flit each packet expects (in-order delivery). */
struct ledger {
    int n, flits;
    uint8_t *seen;          /* [n * flits] */
    int *next;              /* [n] */
    int *len;               /* [n] flits the packet was sent with */
    int *dst;
    uint64_t delivered, dup, wrong_place, out_of_order;
};

static void ledger_init(struct ledger *l, int n, int flits)
{
    l->n = n;
    l->flits = flits;
    l->seen = calloc((size_t)n * (size_t)flits, 1);
    l->next = calloc((size_t)n, sizeof *l->next);
    l->len = calloc((size_t)n, sizeof *l->len);
    l->dst = calloc((size_t)n, sizeof *l->dst);
    l->delivered = l->dup = l->wrong_place = l->out_of_order = 0;
}

static void ledger_free(struct ledger *l)
{
    free(l->seen);
    free(l->next);
    free(l->len);
    free(l->dst);
}

/* Pops everything delivered this cycle and checks it against the ledger. */
static void collect(struct mesh *m, int nodes, struct ledger *l)
{
    for (int n = 0; n < nodes; n++) {
        struct flit f;
        while (mesh_eject(m, n, &f)) {
            l->delivered++;
            if ((int)f.packet >= l->n || (int)f.neuron >= l->flits) { l->wrong_place++; continue; }
            uint8_t *s = &l->seen[(size_t)f.packet * (size_t)l->flits + f.neuron];
            if (*s) l->dup++;
            *s = 1;
            if (f.dst != n || l->dst[f.packet] != n) l->wrong_place++;
            if ((int)f.neuron != l->next[f.packet]) l->out_of_order++;
            l->next[f.packet] = (int)f.neuron + 1;
            if (f.head != (f.neuron == 0) || f.tail != ((int)f.neuron == l->len[f.packet] - 1)) l->out_of_order++;
        }
    }
}

static uint64_t missing(const struct ledger *l)
{
    uint64_t miss = 0;
    for (int p = 0; p < l->n; p++)
        for (int i = 0; i < l->len[p]; i++) miss += !l->seen[(size_t)p * (size_t)l->flits + i];
    return miss;
}

/* ---- zero-load timing ------------------------------------------------------- */

/* One packet alone in the mesh: the tail is popped (hops+1)*P + hops*L + F cycles
 * after generation (docs/noc.md), the head F - 1 cycles earlier, when buffers
 * cover the credit round trip (depth >= P + 2L). */
static void zero_load_latency_is_hops_times_pipeline_plus_link_plus_serialisation(void)
{
    const int X = 5, Y = 4;
    static const int pairs[][2] = { { 0, 0 }, { 0, 19 }, { 19, 0 }, { 7, 17 }, { 11, 13 }, { 4, 15 }, { 8, 6 } };
    int cases = 0;
    for (int P = 1; P <= 4; P++)
        for (int L = 1; L <= 3; L++)
            for (int F = 1; F <= 5; F += 2)
                for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
                    struct router_cfg rc = rcfg(P + 2 * L, P, L, 1, 100000);
                    int s = pairs[k][0], d = pairs[k][1], H = hops(X, s, d);
                    uint64_t want = packet_meets_formula(rc, X, Y, s, d, F, P, L, "collapsed");
                    CHECK(mesh_zero_load_latency(&rc, H, F) == want, "mesh_zero_load_latency %llu != %llu",
                          (unsigned long long)mesh_zero_load_latency(&rc, H, F), (unsigned long long)want);
                    cases++;
                }
    CHECK(cases == 4 * 3 * 3 * 7, "ran %d cases", cases);
}

/* Shallow buffers: a single-flit packet still meets the formula (one slot
 * suffices), a long packet is throttled by the credit round trip. */
static void shallow_buffers_only_slow_multi_flit_packets(void)
{
    struct router_cfg rc = rcfg(1, 2, 2, 1, 100000);
    for (int F = 1; F <= 4; F += 3) {
        struct mesh *m = make_mesh(4, 4, rc);
        send_packet(m, 0, 15, TC_BACKWARD, F, 0);
        uint64_t tail = 0;
        for (int t = 0; t < 500 && !tail; t++) {
            mesh_step(m, NULL, 0);
            struct flit f;
            while (mesh_eject(m, 15, &f))
                if (f.tail) tail = mesh_cycle(m);
        }
        uint64_t formula = mesh_zero_load_latency(&rc, 6, F);
        if (F == 1) CHECK(tail == formula, "1 flit, depth 1: %llu cycles, formula %llu", (unsigned long long)tail,
                          (unsigned long long)formula);
        /* Each flit follows the one before by a credit round trip, P + 2L = 6
         * cycles instead of 1. */
        else CHECK(tail == formula + (uint64_t)(F - 1) * 5, "4 flits, depth 1: %llu cycles, expected %llu",
                   (unsigned long long)tail, (unsigned long long)(formula + (uint64_t)(F - 1) * 5));
        mesh_free(m);
    }
}

/* ---- routes, VCs, wormhole ------------------------------------------------- */

#define MAXHOP 64
struct hop { int node, in, out, vc; };
struct tracer {
    int X, vcs;
    int npk;
    struct hop (*path)[MAXHOP];     /* head flit's hops per packet */
    int *nh;
    int *cls;
    uint64_t bad_class;
    /* wormhole: last packet seen on each (node, out port, out vc) and whether its tail passed */
    uint32_t *owner;
    uint8_t *open;
    uint64_t interleaved;
};

static void trace_fn(void *ctx, uint64_t cycle, int node, int in_port, int out_port, int out_vc, const struct flit *f)
{
    (void)cycle;
    struct tracer *t = ctx;
    if ((int)f->packet < t->npk && f->head && t->nh[f->packet] < MAXHOP)
        t->path[f->packet][t->nh[f->packet]++] = (struct hop){ node, in_port, out_port, out_vc };
    if (out_vc / t->vcs != f->tclass) t->bad_class++;
    size_t k = ((size_t)node * PORT_COUNT + (size_t)out_port) * (size_t)(t->vcs * TC_COUNT) + (size_t)out_vc;
    if (t->open[k] && t->owner[k] != f->packet) t->interleaved++;
    if (!t->open[k] && !f->head) t->interleaved++;
    t->owner[k] = f->packet;
    t->open[k] = !f->tail;
}

static void tracer_init(struct tracer *t, int X, int Y, int vcs, int npk)
{
    t->X = X;
    t->vcs = vcs;
    t->npk = npk;
    t->path = calloc((size_t)npk, sizeof *t->path);
    t->nh = calloc((size_t)npk, sizeof *t->nh);
    t->cls = calloc((size_t)npk, sizeof *t->cls);
    size_t n = (size_t)X * (size_t)Y * PORT_COUNT * (size_t)(vcs * TC_COUNT);
    t->owner = calloc(n, sizeof *t->owner);
    t->open = calloc(n, 1);
    t->bad_class = t->interleaved = 0;
}

static void tracer_free(struct tracer *t)
{
    free(t->path);
    free(t->nh);
    free(t->cls);
    free(t->owner);
    free(t->open);
}

static int step_of(int X, int node, int port)
{
    switch (port) {
    case PORT_N: return node + X;
    case PORT_S: return node - X;
    case PORT_E: return node + 1;
    case PORT_W: return node - 1;
    }
    return node;
}

/* Random multi-flit traffic of all classes on a non-square mesh: the head of every
 * packet goes X first (one direction), turns to Y at most once (one direction),
 * takes exactly |dx| + |dy| links, and ejects at its destination. */
static void xy_routes_turn_from_x_to_y_once_on_minimal_paths(void)
{
    const int X = 6, Y = 5, N = X * Y, NPK = 3000;
    struct mesh *m = make_mesh(X, Y, rcfg(2, 2, 1, 2, 100000));
    struct tracer tr;
    tracer_init(&tr, X, Y, 2, NPK);
    mesh_set_trace(m, trace_fn, &tr);
    struct ledger l;
    ledger_init(&l, NPK, 4);
    uint64_t s = 42;
    int sent = 0;
    char err[1024];
    int src[NPK];
    while (sent < NPK || !mesh_idle(m)) {
        for (int n = 0; n < N && sent < NPK; n++) {
            if (rnd(&s) % 8) continue;
            int d = (int)(rnd(&s) % (uint64_t)N), F = 1 + (int)(rnd(&s) % 4), c = (int)(rnd(&s) % TC_COUNT);
            l.len[sent] = F;
            l.dst[sent] = d;
            src[sent] = n;
            send_packet(m, n, d, c, F, (uint32_t)sent++);
        }
        if (mesh_step(m, err, sizeof err)) { CHECK(0, "%s", err); break; }
        collect(m, N, &l);
    }
    int bad = 0;
    for (int p = 0; p < NPK && bad < 3; p++) {
        int node = src[p], phase = 0, dirx = -1, diry = -1, ok = 1;
        for (int h = 0; h < tr.nh[p] && ok; h++) {
            const struct hop *o = &tr.path[p][h];
            ok &= o->node == node && (h ? o->in == ((tr.path[p][h - 1].out + 2) & 3) : o->in == PORT_LOCAL);
            if (o->out == PORT_E || o->out == PORT_W) {
                ok &= phase == 0 && (dirx < 0 || dirx == o->out);
                dirx = o->out;
            } else if (o->out == PORT_N || o->out == PORT_S) {
                phase = 1;
                ok &= diry < 0 || diry == o->out;
                diry = o->out;
            } else {
                ok &= h == tr.nh[p] - 1 && node == l.dst[p];
            }
            node = step_of(X, node, o->out);
        }
        ok &= tr.nh[p] == hops(X, src[p], l.dst[p]) + 1;
        if (!ok) {
            bad++;
            CHECK(0, "packet %d %d->%d: %d hops recorded, not an XY route", p, src[p], l.dst[p], tr.nh[p]);
        }
    }
    CHECK(missing(&l) == 0 && l.dup == 0 && l.wrong_place == 0 && l.out_of_order == 0,
          "missing %llu dup %llu misplaced %llu out of order %llu", (unsigned long long)missing(&l),
          (unsigned long long)l.dup, (unsigned long long)l.wrong_place, (unsigned long long)l.out_of_order);
    CHECK(tr.bad_class == 0, "%llu flits took a VC of another class", (unsigned long long)tr.bad_class);
    CHECK(tr.interleaved == 0, "%llu flits entered a VC held by another packet", (unsigned long long)tr.interleaved);
    mesh_free(m);
    tracer_free(&tr);
    ledger_free(&l);
}

/* ---- stress: conservation and flow-control invariants ------------------------ */

/* Saturating hotspot traffic (half of all packets to one node) of 1..3-flit
 * packets of mixed classes, then a drain; mesh_check every cycle. */
static int stress(struct router_cfg rc, int X, int Y, int cycles, uint64_t seed, struct ledger *l, char *why,
                  size_t n)
{
    int N = X * Y, np = 0, hot = N / 2 + X / 2;
    struct mesh *m = make_mesh(X, Y, rc);
    struct tracer tr;
    tracer_init(&tr, X, Y, rc.vcs, 1);
    mesh_set_trace(m, trace_fn, &tr);
    char err[1024];
    int rc_ = 0;
    for (int t = 0; !rc_ && (t < cycles || !mesh_idle(m)); t++) {
        for (int s = 0; s < N && t < cycles; s++) {
            if (rnd(&seed) % 3 || np >= l->n) continue;
            int d = rnd(&seed) % 2 ? hot : (int)(rnd(&seed) % (uint64_t)N);
            int F = 1 + (int)(rnd(&seed) % 3);
            l->len[np] = F;
            l->dst[np] = d;
            send_packet(m, s, d, (int)(rnd(&seed) % TC_COUNT), F, (uint32_t)np++);
        }
        if (mesh_step(m, err, sizeof err)) {
            snprintf(why, n, "step: %s", err);
            rc_ = -1;
        } else if (mesh_check(m, err, sizeof err)) {
            snprintf(why, n, "check: %s", err);
            rc_ = -1;
        }
        collect(m, N, l);
        if (t > cycles + 200000) {
            snprintf(why, n, "did not drain");
            rc_ = -1;
        }
    }
    const struct mesh_counters *c = mesh_counters(m);
    if (!rc_ && (c->flits_injected != c->flits_ejected || c->flits_ejected != l->delivered)) {
        snprintf(why, n, "counters: %llu injected, %llu ejected, %llu popped", (unsigned long long)c->flits_injected,
                 (unsigned long long)c->flits_ejected, (unsigned long long)l->delivered);
        rc_ = -1;
    }
    if (!rc_ && (tr.bad_class || tr.interleaved)) {
        snprintf(why, n, "%llu flits on a VC of another class, %llu interleaved in a held VC",
                 (unsigned long long)tr.bad_class, (unsigned long long)tr.interleaved);
        rc_ = -1;
    }
    mesh_free(m);
    tracer_free(&tr);
    return rc_;
}

static void every_flit_is_delivered_exactly_once_under_saturating_hotspot_traffic(void)
{
    static const int pipe[] = { 1, 2, 4 }, depth[] = { 1, 2, 4 }, vcs[] = { 1, 2 }, link[] = { 1, 3 };
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < 2; c++)
                for (size_t d = 0; d < 2; d++) {
                    struct router_cfg rc = rcfg(depth[b], pipe[a], link[d], vcs[c], 50000);
                    struct ledger l;
                    ledger_init(&l, 4000, 3);
                    char why[1200] = "";
                    int r = stress(rc, 4, 3, 500, 1000 + a * 100 + b * 10 + c * 2 + d, &l, why, sizeof why);
                    CHECK(r == 0, "pipeline %d depth %d vcs %d link %d: %s", pipe[a], depth[b], vcs[c], link[d], why);
                    CHECK(missing(&l) == 0 && l.dup == 0 && l.wrong_place == 0 && l.out_of_order == 0,
                          "pipeline %d depth %d vcs %d link %d: %llu missing, %llu duplicated, %llu misplaced, "
                          "%llu out of order of %llu delivered",
                          pipe[a], depth[b], vcs[c], link[d], (unsigned long long)missing(&l), (unsigned long long)l.dup,
                          (unsigned long long)l.wrong_place, (unsigned long long)l.out_of_order,
                          (unsigned long long)l.delivered);
                    ledger_free(&l);
                }
}

/* Credits seen from the sending side stay in [0, depth] and always add up with
 * the credits in flight and the flits downstream to the buffer depth: mesh_check
 * asserts it every cycle; here a longer run on a bigger mesh with deep links. */
static void credits_stay_within_zero_and_buffer_depth(void)
{
    struct router_cfg rc = rcfg(3, 3, 4, 2, 100000);
    struct ledger l;
    ledger_init(&l, 12000, 3);
    char why[1200] = "";
    int r = stress(rc, 6, 6, 1200, 77, &l, why, sizeof why);
    CHECK(r == 0, "%s", why);
    CHECK(missing(&l) == 0 && l.dup == 0, "%llu missing %llu duplicated", (unsigned long long)missing(&l),
          (unsigned long long)l.dup);
    ledger_free(&l);
}

/* ---- counters ------------------------------------------------------------------ */

/* A packet of F flits from (1,0) to (3,3) and one back (dx 2, dy 3 each way):
 * every counter the energy model reads equals its count of events exactly. */
static void counters_count_each_event_of_a_packet_once(void)
{
    struct router_cfg rc = rcfg(4, 2, 1, 1, 100000);
    const int X = 5, Y = 4, F = 3, s = 1, d = 18;
    struct mesh *m = make_mesh(X, Y, rc);
    send_packet(m, s, d, TC_FORWARD, F, 0);
    send_packet(m, d, s, TC_BACKWARD, F, 1);
    for (int t = 0; t < 100; t++) {
        mesh_step(m, NULL, 0);
        struct flit f;
        while (mesh_eject(m, d, &f) || mesh_eject(m, s, &f)) {}
    }
    const struct mesh_counters *c = mesh_counters(m);
    uint64_t routers = 2 * 6, links = 2 * 5;
    CHECK(c->flits_injected == 2 * F && c->flits_ejected == 2 * F, "injected %llu ejected %llu",
          (unsigned long long)c->flits_injected, (unsigned long long)c->flits_ejected);
    CHECK(c->buffer_writes == F * routers && c->buffer_reads == F * routers, "buffer writes %llu reads %llu, want %llu",
          (unsigned long long)c->buffer_writes, (unsigned long long)c->buffer_reads, (unsigned long long)(F * routers));
    CHECK(c->switch_traversals == F * routers, "switch traversals %llu", (unsigned long long)c->switch_traversals);
    CHECK(c->link_ew == 2 * 2 * F && c->link_ns == 2 * 3 * F, "links ew %llu ns %llu",
          (unsigned long long)c->link_ew, (unsigned long long)c->link_ns);
    const struct router_counters *rs = mesh_router_counters(m, s), *rd = mesh_router_counters(m, d);
    CHECK(rs->flits_injected == F && rs->flits_ejected == F && rd->flits_injected == F && rd->flits_ejected == F,
          "per-router: (1,0) injected %llu ejected %llu, (3,3) injected %llu ejected %llu",
          (unsigned long long)rs->flits_injected, (unsigned long long)rs->flits_ejected,
          (unsigned long long)rd->flits_injected, (unsigned long long)rd->flits_ejected);
    CHECK(c->credits == F * links, "credits %llu, want %llu", (unsigned long long)c->credits,
          (unsigned long long)(F * links));
    CHECK(c->arbitrations == routers + F * routers, "arbitrations %llu, want %llu VC + %llu switch grants",
          (unsigned long long)c->arbitrations, (unsigned long long)routers, (unsigned long long)(F * routers));
    CHECK(c->cycles_active == 100, "cycles_active %llu", (unsigned long long)c->cycles_active);
    mesh_free(m);
}

/* ---- the watchdog ---------------------------------------------------------------- */

/* A frozen east link at (1,1): the flit from (0,1) to (3,1) reaches (1,1) ready at
 * cycle 2P + L and must fire the watchdog exactly W - 1 cycles later, naming the
 * router, the cycle, the flit and the state around it. */
static void watchdog_fires_on_a_stalled_link_naming_router_and_cycle(void)
{
    const int P = 2, L = 1, W = 50;
    struct mesh *m = make_mesh(4, 4, rcfg(4, P, L, 1, W));
    mesh_debug_stall_link(m, 1 * 4 + 1, PORT_E, 1);
    send_packet(m, 4, 7, TC_FORWARD, 1, 99);
    char err[2048] = "";
    int fired = -1;
    for (int t = 0; t < 500 && fired < 0; t++)
        if (mesh_step(m, err, sizeof err)) fired = t;
    int want = 2 * P + L + W - 1;
    CHECK(fired == want, "fired at cycle %d, expected %d: %s", fired, want, err);
    char cyc[64];
    snprintf(cyc, sizeof cyc, "cycle %d", want);
    static const char *const parts[] = { "watchdog", "router (1,1)", "packet 99", "from (0,1) to (3,1)",
                                         "input port W", "50 cycles", "neighbour", "(2,1)", "(1,2)", "credits" };
    CHECK(strstr(err, cyc), "no '%s' in: %s", cyc, err);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        CHECK(strstr(err, parts[i]), "no '%s' in: %s", parts[i], err);
    mesh_free(m);

    /* Released before the limit, the same flit arrives and nothing fires. */
    m = make_mesh(4, 4, rcfg(4, P, L, 1, W));
    mesh_debug_stall_link(m, 5, PORT_E, 1);
    send_packet(m, 4, 7, TC_FORWARD, 1, 99);
    int ok = 1;
    for (int t = 0; t < 200; t++) {
        if (t == want - 1) mesh_debug_stall_link(m, 5, PORT_E, 0);
        ok &= mesh_step(m, err, sizeof err) == 0;
    }
    struct flit f;
    CHECK(ok && mesh_eject(m, 7, &f), "released link: watchdog fired or flit lost: %s", err);
    mesh_free(m);
}

/* Heavy legal traffic (saturating hotspot, 1-slot buffers) with a watchdog of
 * 4000 cycles never fires: flits wait, but not that long. (Round-robin at each
 * router serves a far corner of a saturated tree rarely: here the longest wait is
 * 700 to 1000 cycles, which is why watchdog_cycles defaults to 100000.) */
static void watchdog_never_fires_under_legal_heavy_traffic(void)
{
    struct ledger l;
    ledger_init(&l, 20000, 3);
    char why[1200] = "";
    int r = stress(rcfg(1, 1, 1, 1, 4000), 5, 5, 3000, 5, &l, why, sizeof why);
    CHECK(r == 0, "%s", why);
    CHECK(missing(&l) == 0, "%llu flits missing", (unsigned long long)missing(&l));
    ledger_free(&l);
}

/* ---- deadlock freedom ------------------------------------------------------------ */

/* Forward packets flow west to east and backward packets east to west across the
 * whole mesh, with control packets criss-crossing, all at saturation, 1-slot
 * buffers, 1 VC per class: the run always drains, and the watchdog never fires. */
static void opposing_forward_and_backward_traffic_at_saturation_drains(void)
{
    const int X = 6, Y = 4, N = X * Y;
    static const int depth[] = { 1, 2 }, flits[] = { 1, 4 };
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 2; b++) {
            struct mesh *m = make_mesh(X, Y, rcfg(depth[a], 2, 1, 1, 5000));
            struct ledger l;
            ledger_init(&l, 30000, 4);
            uint64_t s = 9 + a * 2 + b;
            int np = 0, ok = 1;
            char err[2048] = "";
            uint64_t t = 0;
            for (; ok && (t < 2000 || !mesh_idle(m)) && t < 400000; t++) {
                for (int y = 0; y < Y && t < 2000; y++) {
                    /* Every cycle each edge node offers a packet: the sources saturate. */
                    int w = y * X, e = y * X + X - 1;
                    int jobs[3][3] = { { w, y * X + X - 1 - (int)(rnd(&s) % 2), TC_FORWARD },
                                       { e, y * X + (int)(rnd(&s) % 2), TC_BACKWARD },
                                       { (int)(rnd(&s) % (uint64_t)N), (int)(rnd(&s) % (uint64_t)N), TC_CONTROL } };
                    for (int j = 0; j < 3 && np < l.n; j++) {
                        l.len[np] = flits[b];
                        l.dst[np] = jobs[j][1];
                        send_packet(m, jobs[j][0], jobs[j][1], jobs[j][2], flits[b], (uint32_t)np++);
                    }
                }
                if (mesh_step(m, err, sizeof err)) ok = 0;
                collect(m, N, &l);
            }
            CHECK(ok && mesh_idle(m), "depth %d, %d-flit packets: %s after %llu cycles, %llu flits in flight",
                  depth[a], flits[b], ok ? "not drained" : err, (unsigned long long)t,
                  (unsigned long long)mesh_in_flight(m));
            CHECK(missing(&l) == 0 && l.dup == 0, "depth %d, %d-flit packets: %llu missing %llu duplicated", depth[a],
                  flits[b], (unsigned long long)missing(&l), (unsigned long long)l.dup);
            mesh_free(m);
            ledger_free(&l);
        }
}

/* ---- arbitration ------------------------------------------------------------------- */

/* (0,0) and (1,1) both flood (1,0) with a flit every cycle: its local output
 * serves the W and N inputs in turn, so each gets half the ejection bandwidth.
 * With 1 VC per class the VC allocator decides who goes; with 2, both hold an
 * ejection VC and the switch allocator decides. */
static void round_robin_splits_a_contended_output_evenly(void)
{
    for (int vcs = 1; vcs <= 2; vcs++) {
        struct mesh *m = make_mesh(2, 2, rcfg(4, 1, 1, vcs, 100000));
        uint64_t from[4] = { 0 };
        for (int t = 0; t < 4000; t++) {
            send_packet(m, 0, 1, TC_FORWARD, 1, 0);
            send_packet(m, 3, 1, TC_FORWARD, 1, 0);
            mesh_step(m, NULL, 0);
            struct flit f;
            while (mesh_eject(m, 1, &f))
                if (t >= 1000) from[f.src]++;
        }
        uint64_t total = from[0] + from[3];
        CHECK(total >= 2990 && total <= 3000, "%d VCs: ejected %llu flits in 3000 cycles", vcs,
              (unsigned long long)total);
        CHECK(from[0] + 1 >= from[3] && from[3] + 1 >= from[0], "%d VCs: (0,0) got %llu, (1,1) got %llu", vcs,
              (unsigned long long)from[0], (unsigned long long)from[3]);
        mesh_free(m);
    }
}

/* A 4x1 row, every source flooding node 3: (2,0) sends control packets, (1,0)
 * backward ones and (0,0) forward ones. Router (2,0)'s east output alternates
 * between its local and west inputs, and its west input alternates between the
 * forward and backward VCs: node 3 receives 1/2, 1/4 and 1/4 of the link. */
static void round_robin_shares_a_link_among_inputs_and_vcs(void)
{
    struct mesh *m = make_mesh(4, 1, rcfg(4, 1, 1, 1, 100000));
    uint64_t from[4] = { 0 };
    for (int t = 0; t < 5000; t++) {
        send_packet(m, 0, 3, TC_FORWARD, 1, 0);
        send_packet(m, 1, 3, TC_BACKWARD, 1, 0);
        send_packet(m, 2, 3, TC_CONTROL, 1, 0);
        mesh_step(m, NULL, 0);
        struct flit f;
        while (mesh_eject(m, 3, &f))
            if (t >= 1000) from[f.src]++;
    }
    CHECK(from[2] >= 1998 && from[2] <= 2002 && from[0] >= 998 && from[0] <= 1002 && from[1] >= 998 &&
          from[1] <= 1002, "of 4000 flits: %llu from (2,0) (want 2000), %llu from (1,0) and %llu from (0,0) (want 1000)",
          (unsigned long long)from[2], (unsigned long long)from[1], (unsigned long long)from[0]);
    mesh_free(m);
}

/* ---- the active list ------------------------------------------------------------------ */

/* Random traffic on mesh m of N nodes, `load` packets of 1-3 flits of any class per
 * node per 100 cycles for 2000 cycles, run until the mesh drains: a digest of every
 * delivery (cycle, node, packet, flit), 0 if a step failed. Frees m; the
 * router-cycles it stepped go into *steps. */
static uint64_t delivery_digest(struct mesh *m, int N, int load, uint64_t seed, uint64_t *steps)
{
    uint64_t s = seed, h = 1469598103934665603ull;
    uint32_t np = 0;
    for (int t = 0; t < 2000 || !mesh_idle(m); t++) {
        for (int n = 0; n < N && t < 2000; n++)
            if (rnd(&s) % 100 < (uint64_t)load)
                send_packet(m, n, (int)(rnd(&s) % N), (int)(rnd(&s) % 3), 1 + (int)(rnd(&s) % 3), np++);
        if (mesh_step(m, NULL, 0)) {
            h = 0;
            break;
        }
        for (int n = 0; n < N; n++) {
            struct flit f;
            while (mesh_eject(m, n, &f)) {
                uint64_t v[4] = { mesh_cycle(m), (uint64_t)n, f.packet, f.neuron };
                for (int i = 0; i < 4; i++) h = (h ^ v[i]) * 1099511628211ull;
            }
        }
    }
    if (steps) *steps = mesh_router_steps(m);
    mesh_free(m);
    return h;
}

/* The default router on a 5 x 5 mesh, stepping every router each cycle or not. */
static uint64_t run_digest(int step_all, uint64_t *router_steps)
{
    struct mesh *m = make_mesh(5, 5, rcfg(2, 3, 2, 2, 100000));
    mesh_debug_step_all(m, step_all);
    return delivery_digest(m, 25, 11, 5, router_steps);
}

static void skipping_routers_whose_flits_are_not_ready_changes_nothing(void)
{
    uint64_t steps_all, steps_skip;
    uint64_t a = run_digest(1, &steps_all), b = run_digest(0, &steps_skip);
    CHECK(a == b, "deliveries differ: digest %016llx stepping all, %016llx skipping", (unsigned long long)a,
          (unsigned long long)b);
    CHECK(steps_skip < steps_all, "skipping stepped %llu routers, stepping all %llu", (unsigned long long)steps_skip,
          (unsigned long long)steps_all);
}

/* The pipelined and iSLIP routers serve the requests of a step that share no port
 * alone, and a router whose front just left sleeps until its next front is
 * eligible (models/router.c, router_step_general): every delivery (cycle, node, packet,
 * flit) must be what the general path, stepping every router every cycle, gives.
 * Random traffic of 1-3-flit packets of all classes at three loads, on every
 * option set of the microarchitecture. */
static uint64_t general_digest(struct router_cfg rc, int reference, int load, uint64_t seed)
{
    struct mesh *m = make_mesh(5, 4, rc);
    mesh_debug_step_all(m, reference);
    mesh_debug_general_only(m, reference);
    return delivery_digest(m, 20, load, seed, NULL);
}

static void general_router_shortcuts_decide_what_the_general_path_decides(void)
{
    static const struct { int la, sp, sw, va, P, link, vcs, depth; } opt[] = {
        { 1, 1, SW_ISLIP, VA_ISLIP, 2, 1, 2, 4 },           /* BookSim2's 3-cycle router */
        { 0, 0, SW_ISLIP, VA_ISLIP, 4, 1, 2, 4 },           /* its 5-cycle router */
        { 0, 1, SW_INPUT_FIRST, VA_ROUND_ROBIN, 3, 2, 1, 2 },
        { 1, 0, SW_ISLIP, VA_ROUND_ROBIN, 2, 1, 3, 2 },
        { 0, 0, SW_INPUT_FIRST, VA_ISLIP, 3, 3, 2, 1 },
        { 1, 1, SW_INPUT_FIRST, VA_ISLIP, 2, 1, 1, 4 },
    };
    static const int loads[] = { 3, 12, 40 };   /* packets per node per 100 cycles */
    for (size_t k = 0; k < sizeof opt / sizeof opt[0]; k++)
        for (size_t l = 0; l < sizeof loads / sizeof loads[0]; l++) {
            struct router_cfg rc = rcfg(opt[k].depth, opt[k].P, opt[k].link, opt[k].vcs, 100000);
            rc.model = ROUTER_PIPELINED;
            rc.lookahead = opt[k].la;
            rc.speculative = opt[k].sp;
            rc.sw_allocator = opt[k].sw;
            rc.vc_allocator = opt[k].va;
            uint64_t seed = 11 + 7 * k + l;
            uint64_t fast = general_digest(rc, 0, loads[l], seed), ref = general_digest(rc, 1, loads[l], seed);
            CHECK(fast && fast == ref, "option set %zu, load %d: deliveries digest %016llx, general path stepping "
                  "every cycle %016llx", k, loads[l], (unsigned long long)fast, (unsigned long long)ref);
        }
    /* The iSLIP switch allocator on the collapsed router goes through router_step_general too. */
    struct router_cfg rc = rcfg(2, 2, 1, 2, 100000);
    rc.sw_allocator = SW_ISLIP;
    uint64_t fast = general_digest(rc, 0, 40, 5), ref = general_digest(rc, 1, 40, 5);
    CHECK(fast && fast == ref, "collapsed iSLIP: digest %016llx, reference %016llx", (unsigned long long)fast,
          (unsigned long long)ref);
}

/* A front that waits for a credit that never comes is parked (left out of
 * router_step_general's scan until a credit for its VC arrives); the watchdog must still
 * name it on the cycle the general path, scanning it every cycle, does. A dropped
 * flit takes its credit with it: with one slot per VC, the next packet given that
 * VC waits for ever, and the packets behind it for a VC or a credit (all parked). */
static int parked_watchdog(int reference, char *msg, size_t n)
{
    struct router_cfg rc = rcfg(1, 4, 1, 1, 300);
    rc.model = ROUTER_PIPELINED;
    rc.sw_allocator = SW_ISLIP;
    rc.vc_allocator = VA_ISLIP;
    struct mesh *m = make_mesh(4, 4, rc);
    mesh_debug_step_all(m, reference);
    mesh_debug_general_only(m, reference);
    mesh_set_fault(m, MESH_FAULT_DROP, 5, 3);
    uint32_t np = 0;
    int t, failed = 0;
    for (t = 0; t < 5000 && !failed; t++) {
        if (t < 100 && t % 2 == 0) send_packet(m, 4, 7, TC_FORWARD, 1, np++);   /* one stream: nothing contends */
        failed = mesh_step(m, msg, n) != 0;
        struct flit f;
        for (int d = 0; d < 16; d++)
            while (mesh_eject(m, d, &f)) {}
    }
    mesh_free(m);
    return failed;
}

static void a_front_parked_on_a_lost_credit_trips_the_watchdog_when_scanned_ones_do(void)
{
    char fast[2048] = "", ref[2048] = "";
    int a = parked_watchdog(0, fast, sizeof fast), b = parked_watchdog(1, ref, sizeof ref);
    CHECK(a && b && strstr(fast, "watchdog:"), "no watchdog: parked path %d (%s), general path %d (%s)", a, fast, b,
          ref);
    CHECK(!strcmp(fast, ref), "parked path: %s\ngeneral path: %s", fast, ref);
}

/* An idle mesh costs nothing: no router is stepped, however many cycles pass. */
static void an_idle_mesh_steps_no_router(void)
{
    struct mesh *m = make_mesh(8, 8, rcfg(4, 2, 1, 1, 1000));
    send_packet(m, 0, 63, TC_FORWARD, 2, 0);
    for (int t = 0; t < 100; t++) {
        mesh_step(m, NULL, 0);
        struct flit f;
        while (mesh_eject(m, 63, &f)) {}
    }
    uint64_t before = mesh_router_steps(m);
    for (int t = 0; t < 100000; t++) mesh_step(m, NULL, 0);
    CHECK(mesh_idle(m) && mesh_router_steps(m) == before, "idle mesh stepped %llu routers",
          (unsigned long long)(mesh_router_steps(m) - before));
    /* A single flit crossing the mesh steps only the routers on its way, and
     * each only in the cycles it can act: 15 routers once, the source twice
     * (taking the flit from the interface, then sending it). */
    send_packet(m, 0, 63, TC_FORWARD, 1, 1);
    for (int t = 0; t < 100; t++) mesh_step(m, NULL, 0);
    CHECK(mesh_router_steps(m) - before == 16, "one flit over 14 links stepped %llu router-cycles",
          (unsigned long long)(mesh_router_steps(m) - before));
    mesh_free(m);
}


/* ---- router microarchitectures (docs/noc.md "Router microarchitectures") ------- */

static struct router_cfg pcfg(int depth, int pipeline, int link, int vcs, int lookahead, int speculative)
{
    struct router_cfg rc = rcfg(depth, pipeline, link, vcs, 100000);
    rc.model = ROUTER_PIPELINED;
    rc.lookahead = lookahead;
    rc.speculative = speculative;
    return rc;
}

/* The pipelined router alone in the mesh: the same formula as the collapsed one,
 * (hops+1)*P + hops*L + F, for every mix of stages (P from its minimum up).
 * Hand-checked case: P = 4 (RC, VA, SA, ST), L = 1, 3 hops, 1 flit: the head is
 * written at g, wins its VC at g+1, the switch at g+2 and leaves at g+4 = g+P;
 * 4 routers and 3 links: 4*4 + 3 + 1 = 20. */
static void pipelined_zero_load_latency_is_the_collapsed_formula(void)
{
    const int X = 5, Y = 4;
    static const int pairs[][2] = { { 0, 0 }, { 0, 19 }, { 19, 0 }, { 7, 17 }, { 0, 3 } };
    int cases = 0;
    for (int la = 0; la <= 1; la++)
        for (int sp = 0; sp <= 1; sp++)
            for (int extra = 0; extra <= 2; extra++)
                for (int L = 1; L <= 2; L++)
                    for (int F = 1; F <= 3; F += 2)
                        for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
                            int P = (la ? 0 : 1) + (sp ? 0 : 1) + 1 + extra;
                            struct router_cfg rc = pcfg(16, P, L, 1, la, sp);
                            char what[64];
                            snprintf(what, sizeof what, "lookahead %d speculative %d", la, sp);
                            packet_meets_formula(rc, X, Y, pairs[k][0], pairs[k][1], F, P, L, what);
                            cases++;
                        }
    CHECK(cases == 2 * 2 * 3 * 2 * 2 * 5, "ran %d cases", cases);
    /* the hand-checked case */
    struct mesh *m = make_mesh(X, Y, pcfg(8, 4, 1, 1, 0, 0));
    send_packet(m, 0, 3, TC_FORWARD, 1, 1);
    uint64_t got = 0;
    for (int t = 0; t < 100 && !got; t++) {
        mesh_step(m, NULL, 0);
        struct flit f;
        if (mesh_eject(m, 3, &f)) got = mesh_cycle(m);
    }
    CHECK(got == 20, "P=4 L=1, 3 hops: %llu cycles, want 20", (unsigned long long)got);
    mesh_free(m);
}

/* Back-to-back single-flit packets in one input VC (1 VC per class), one hop east.
 * Collapsed: the second head is a pure delay behind the first and follows it by
 * one cycle. Pipelined: it starts RC only the cycle after the first packet's tail
 * left, so heads leave a VC every 1 + RC + VA cycles (BookSim2's input-queued
 * router: one packet per input VC per 3 cycles). Hand-checked, P = 4 (RC, VA, SA):
 * packet 1 is written at g, leaves at g+4; packet 2, written at g+1, does RC at
 * g+5-2... i.e. (in SA time, 2 cycles before its traversal) RC g+3, VA g+4, SA g+5,
 * leaves at g+7: 3 cycles after packet 1, and the destination keeps that spacing. */
static void pipelined_heads_in_one_vc_wait_for_rc_va_sa(void)
{
    static const struct { int pipelined, la, sp, P, gap; } cases[] = {
        { 0, 0, 0, 4, 1 },      /* collapsed: a pure delay */
        { 1, 0, 0, 4, 3 },      /* RC, VA, SA */
        { 1, 1, 0, 3, 2 },      /* lookahead: VA, SA */
        { 1, 0, 1, 3, 2 },      /* RC, VA || SA */
        { 1, 1, 1, 2, 1 },      /* lookahead and VA || SA: one stage */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct router_cfg rc = cases[c].pipelined ? pcfg(8, cases[c].P, 1, 1, cases[c].la, cases[c].sp)
                                                  : rcfg(8, cases[c].P, 1, 1, 100000);
        struct mesh *m = make_mesh(3, 1, rc);
        for (uint32_t k = 0; k < 4; k++) send_packet(m, 0, 1, TC_FORWARD, 1, k);
        uint64_t at[4] = { 0 };
        int n = 0;
        for (int t = 0; t < 100 && n < 4; t++) {
            mesh_step(m, NULL, 0);
            struct flit f;
            while (mesh_eject(m, 1, &f) && n < 4) at[n++] = mesh_cycle(m);
        }
        uint64_t t0 = (uint64_t)(2 * cases[c].P + 1 + 1);
        int ok = n == 4;
        for (int k = 0; k < n; k++) ok &= at[k] == t0 + (uint64_t)(k * cases[c].gap);
        CHECK(ok, "pipelined %d lookahead %d speculative %d P=%d: tails at %llu %llu %llu %llu, want %llu + %d k",
              cases[c].pipelined, cases[c].la, cases[c].sp, cases[c].P, (unsigned long long)at[0],
              (unsigned long long)at[1], (unsigned long long)at[2], (unsigned long long)at[3], (unsigned long long)t0,
              cases[c].gap);
        mesh_free(m);
    }
}

/* Switch allocation at router 1 of a 3x1 mesh, its E and W outputs frozen until
 * every request is in: the local input holds a packet east (VC 0) and one west
 * (VC 1), the W input one east. Input first: the local port offers only VC 0
 * (east), so both offers go east and one flit crosses. iSLIP: the local port asks
 * for east and west, east grants the W input (first after its pointer), west grants
 * the local port, both accept: two flits cross in the same cycle. */
static void islip_matches_what_input_first_cannot(void)
{
    for (int alloc = 0; alloc <= 1; alloc++)
        for (int pipelined = 0; pipelined <= 1; pipelined++) {
            struct router_cfg rc = pipelined ? pcfg(4, 3, 1, 2, 0, 0) : rcfg(4, 1, 1, 2, 100000);
            rc.sw_allocator = alloc ? SW_ISLIP : SW_INPUT_FIRST;
            struct mesh *m = make_mesh(3, 1, rc);
            mesh_debug_stall_link(m, 1, PORT_E, 1);
            mesh_debug_stall_link(m, 1, PORT_W, 1);
            send_packet(m, 1, 2, TC_FORWARD, 1, 0);
            send_packet(m, 1, 0, TC_FORWARD, 1, 1);
            send_packet(m, 0, 2, TC_FORWARD, 1, 2);
            for (int t = 0; t < 12; t++) mesh_step(m, NULL, 0);
            uint64_t before = mesh_router_counters(m, 1)->switch_traversals;
            mesh_debug_stall_link(m, 1, PORT_E, 0);
            mesh_debug_stall_link(m, 1, PORT_W, 0);
            mesh_step(m, NULL, 0);
            uint64_t crossed = mesh_router_counters(m, 1)->switch_traversals - before;
            CHECK(crossed == (uint64_t)(alloc ? 2 : 1), "%s, %s: %llu flits crossed, want %d",
                  alloc ? "islip" : "input_first", pipelined ? "pipelined" : "collapsed", (unsigned long long)crossed,
                  alloc ? 2 : 1);
            struct flit f;
            int got = 0;
            for (int t = 0; t < 40; t++) {
                mesh_step(m, NULL, 0);
                for (int n = 0; n < 3; n++)
                    while (mesh_eject(m, n, &f)) got++;
            }
            CHECK(mesh_idle(m) && got == 3, "the mesh did not drain (%d of 3 delivered)", got);
            mesh_free(m);
        }
}

/* VC allocation with two free VCs at one output port and two heads asking in the
 * same cycle (router 1 of a 3x1 mesh, 2 VCs per class: one head from the W input,
 * one from the local port, both to node 2). round_robin: the port hands out both
 * VCs. islip: both free VCs grant the same head (their pointers agree), it accepts
 * one, the other head waits a cycle. Collapsed router, so the VA grants and the one
 * switch grant of that cycle are the router's arbitrations: 3 against 2. */
static void islip_vc_allocation_can_leave_a_free_vc_unassigned(void)
{
    for (int alloc = 0; alloc <= 1; alloc++) {
        struct router_cfg rc = rcfg(4, 1, 1, 2, 100000);
        rc.vc_allocator = alloc ? VA_ISLIP : VA_ROUND_ROBIN;
        struct mesh *m = make_mesh(3, 1, rc);
        send_packet(m, 0, 2, TC_FORWARD, 1, 0);         /* written at router 1 (W input) at cycle 2 */
        mesh_step(m, NULL, 0);
        mesh_step(m, NULL, 0);
        send_packet(m, 1, 2, TC_FORWARD, 1, 1);         /* written at router 1 (local input) at cycle 2 */
        mesh_step(m, NULL, 0);                          /* cycle 2 */
        uint64_t before = mesh_router_counters(m, 1)->arbitrations;
        mesh_step(m, NULL, 0);                          /* cycle 3: both heads ready */
        uint64_t arb = mesh_router_counters(m, 1)->arbitrations - before;
        CHECK(arb == (uint64_t)(alloc ? 2 : 3), "%s: %llu arbitrations in the cycle both heads asked, want %d",
              alloc ? "islip" : "round_robin", (unsigned long long)arb, alloc ? 2 : 3);
        struct flit f;
        int got = 0;
        for (int t = 0; t < 30; t++) {
            mesh_step(m, NULL, 0);
            while (mesh_eject(m, 2, &f)) got++;
        }
        CHECK(mesh_idle(m) && got == 2, "the mesh did not drain (%d of 2 delivered)", got);
        mesh_free(m);
    }
}

/* Every option under saturating hotspot traffic of all classes: each flit
 * delivered once, in order, mesh_check clean every cycle (stress does both). */
static void every_router_option_conserves_flits_under_saturation(void)
{
    static const struct { int model, la, sp, sw, va, P; } opt[] = {
        { 1, 0, 0, 0, 0, 3 }, { 1, 1, 0, 0, 0, 2 }, { 1, 0, 1, 0, 0, 2 }, { 1, 1, 1, 1, 1, 2 },
        { 1, 0, 0, 1, 1, 4 }, { 0, 0, 0, 1, 0, 2 }, { 0, 0, 0, 0, 1, 1 }, { 1, 1, 1, 0, 1, 5 },
    };
    for (size_t k = 0; k < sizeof opt / sizeof opt[0]; k++)
        for (int depth = 1; depth <= 4; depth *= 2)
            for (int vcs = 1; vcs <= 2; vcs++) {
                struct router_cfg rc = rcfg(depth, opt[k].P, 1 + (int)(k % 2), vcs, 100000);
                rc.model = opt[k].model;
                rc.lookahead = opt[k].la;
                rc.speculative = opt[k].sp;
                rc.sw_allocator = opt[k].sw;
                rc.vc_allocator = opt[k].va;
                struct ledger l;
                ledger_init(&l, 6000, 3);
                char why[2048] = "";
                int r = stress(rc, 4, 4, 600, 77 + k, &l, why, sizeof why);
                CHECK(r == 0, "option set %zu depth %d vcs %d: %s", k, depth, vcs, why);
                CHECK(missing(&l) == 0 && l.dup == 0 && l.wrong_place == 0 && l.out_of_order == 0,
                      "option set %zu depth %d vcs %d: %llu missing, %llu duplicated, %llu misplaced, %llu out of "
                      "order", k, depth, vcs, (unsigned long long)missing(&l), (unsigned long long)l.dup,
                      (unsigned long long)l.wrong_place, (unsigned long long)l.out_of_order);
                ledger_free(&l);
            }
}

static void bad_parameters_and_node_ids_are_refused_with_a_message(void)
{
    char err[512] = "";
    struct router_cfg rc = rcfg(4, 2, 1, 40, 100);
    struct mesh *m = mesh_new(4, 4, &rc, err, sizeof err);
    CHECK(!m && strstr(err, "vcs 40"), "40 VCs per class accepted: %s", err);
    rc = rcfg(4, 2, 1, 1, 100);
    m = mesh_new(300, 300, &rc, err, sizeof err);
    CHECK(!m && strstr(err, "300x300"), "a 300x300 mesh accepted: %s", err);
    m = make_mesh(2, 2, rc);
    struct flit f = { .src = 0, .dst = 9, .head = 1, .tail = 1 };
    mesh_inject(m, 0, &f);
    CHECK(mesh_step(m, err, sizeof err) == -1 && strstr(err, "dst 9"), "flit to node 9 of 4 accepted: %s", err);
    mesh_free(m);
}

int main(void)
{
    RUN(zero_load_latency_is_hops_times_pipeline_plus_link_plus_serialisation);
    RUN(shallow_buffers_only_slow_multi_flit_packets);
    RUN(xy_routes_turn_from_x_to_y_once_on_minimal_paths);
    RUN(every_flit_is_delivered_exactly_once_under_saturating_hotspot_traffic);
    RUN(credits_stay_within_zero_and_buffer_depth);
    RUN(counters_count_each_event_of_a_packet_once);
    RUN(watchdog_fires_on_a_stalled_link_naming_router_and_cycle);
    RUN(watchdog_never_fires_under_legal_heavy_traffic);
    RUN(opposing_forward_and_backward_traffic_at_saturation_drains);
    RUN(round_robin_splits_a_contended_output_evenly);
    RUN(round_robin_shares_a_link_among_inputs_and_vcs);
    RUN(skipping_routers_whose_flits_are_not_ready_changes_nothing);
    RUN(general_router_shortcuts_decide_what_the_general_path_decides);
    RUN(a_front_parked_on_a_lost_credit_trips_the_watchdog_when_scanned_ones_do);
    RUN(an_idle_mesh_steps_no_router);
    RUN(bad_parameters_and_node_ids_are_refused_with_a_message);
    RUN(pipelined_zero_load_latency_is_the_collapsed_formula);
    RUN(pipelined_heads_in_one_vc_wait_for_rc_va_sa);
    RUN(islip_matches_what_input_first_cannot);
    RUN(islip_vc_allocation_can_leave_a_free_vc_unassigned);
    RUN(every_router_option_conserves_flits_under_saturation);
    CHECK_DONE();
}
