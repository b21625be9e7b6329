/* `ssnnsim noc` (see noc.h): synthetic traffic on the mesh of models/mesh.c.
 * Per rate r (flits/node/cycle), every node starts a packet of F flits with
 * probability r / F each cycle (Bernoulli, one splitmix64 stream per node, so a
 * point is the same whatever else runs); packets wait in the node's unbounded
 * source queue, and their latency counts that wait. Packets generated in the
 * measurement window [warmup, warmup + measure) are measured from generation to
 * the delivery of their tail; generation goes on after the window (BookSim's
 * drain) until all of them have arrived or drain_cycles have passed. Then
 * generation stops and the mesh is run empty, so that every point also checks
 * that each injected flit was delivered exactly once.
 * Over MPI ranks (noc_run_point_on, docs/scale.md) each rank generates, steps
 * and ejects at the nodes of its band of rows; the boundary traffic moves once per
 * link-latency window, and the drain's end is agreed cycle by cycle. A single
 * process runs the same loop on a partition of one band (partition_whole). */
#include "noc.h"
#include "checkpoint.h"
#include "chip_waves.h"
#include "config.h"
#include "json.h"
#include "mesh_waves.h"
#include "mpi_world.h"
#include "noc_net.h"
#ifdef SSNN_SYSTEMC
#include "sc_noc.h"
#endif
#include "partition.h"
#include "progress.h"
#include "rng.h"
#include "train.h"
#include "waves.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum pattern { PAT_UNIFORM, PAT_TRANSPOSE, PAT_BITCOMP, PAT_HOTSPOT };

static enum pattern pattern_of(const struct config *cfg)
{
    const char *t = cfg->noc.traffic;
    if (!strcmp(t, "transpose")) return PAT_TRANSPOSE;
    if (!strcmp(t, "bitcomp")) return PAT_BITCOMP;
    if (!strcmp(t, "hotspot")) return PAT_HOTSPOT;
    return PAT_UNIFORM;
}

/* The mesh the traffic runs on: the chip's, or a system's of several chips
 * (docs/system.md), whose links across a chip boundary are inter-chip links. */
static int mesh_w(const struct config *cfg) { return CFG_MESH_W(cfg); }
static int mesh_h(const struct config *cfg) { return CFG_MESH_H(cfg); }

/* The next word of a splitmix64 stream. */
static uint64_t next64(uint64_t *s)
{
    uint64_t v = splitmix64(*s);
    *s += 0x9E3779B97F4A7C15ull;
    return v;
}

/* Uniform in [0, n): the top 32 bits scaled (Lemire), bias below 2^-32 * n. */
static int below(uint64_t *s, int n)
{
    return (int)(((next64(s) >> 32) * (uint64_t)n) >> 32);
}

/* noc_destination with the pattern already known (the generator asks per packet). */
static int destination(enum pattern pat, const struct config *cfg, int src, uint64_t *u)
{
    int X = mesh_w(cfg), Y = mesh_h(cfg), N = X * Y;
    switch (pat) {
    case PAT_TRANSPOSE: return (src % X) * X + src / X;
    case PAT_BITCOMP: return N - 1 - src;
    case PAT_HOTSPOT:
        /* 53-bit uniform against the fraction: exact for any double. */
        if ((double)(next64(u) >> 11) * 0x1p-53 < cfg->noc.hotspot_fraction) return cfg->noc.hotspot_node;
        return below(u, N);
    case PAT_UNIFORM: break;
    }
    return below(u, N);
}

int noc_destination(const struct config *cfg, int src, uint64_t *u)
{
    return destination(pattern_of(cfg), cfg, src, u);
}

int noc_check_config(const struct config *cfg, char *err, size_t errlen)
{
    char at[600];
    int X = mesh_w(cfg), Y = mesh_h(cfg);
    if (pattern_of(cfg) == PAT_TRANSPOSE && X != Y) {
        snprintf(err, errlen, "%s: noc.traffic: transpose needs a square mesh, the chip is %dx%d",
                 config_where(cfg, "noc.traffic", at, sizeof at), X, Y);
        return -1;
    }
    if (pattern_of(cfg) == PAT_HOTSPOT && cfg->noc.hotspot_node >= X * Y) {
        snprintf(err, errlen, "%s: noc.hotspot_node: %d is not a node of the %dx%d mesh (0..%d)",
                 config_where(cfg, "noc.hotspot_node", at, sizeof at), cfg->noc.hotspot_node, X, Y,
                 X * Y - 1);
        return -1;
    }
    if (X * Y > 65536) {
        snprintf(err, errlen, "%s: chip.mesh_x: a %dx%d mesh has more than 65536 nodes",
                 config_where(cfg, "chip.mesh_x", at, sizeof at), X, Y);
        return -1;
    }
    return 0;
}

/* ---- analytic figures ------------------------------------------------------ */

/* Channel loads per unit injection rate under XY routing, accumulated flow by
 * flow; the uniform part in closed form (a source sends 1/N to every node). */
struct loads {
    int X, Y;
    double *east, *west;    /* [Y][X-1]: link (c,y) <-> (c+1,y) */
    double *north, *south;  /* [X][Y-1]: link (x,d) <-> (x,d+1) */
    double *eject;          /* [N] */
    double hops;            /* mean hops, weighted like the loads */
    double crossing;        /* a system: the share of packets whose route leaves their chip */
    int chip_w, chip_h;     /* routers per chip: a system's blocks (X, Y on one chip) */
};

/* Link (c, c+1) along a row of chips chip_w wide is an inter-chip link. */
static int boundary(int c, int chip_w) { return (c + 1) % chip_w == 0; }

static void add_flow(struct loads *l, int s, int t, double w)
{
    int X = l->X, Y = l->Y;
    int sx = s % X, sy = s / X, tx = t % X, ty = t / X;
    for (int c = sx; c < tx; c++) l->east[sy * (X - 1) + c] += w;
    for (int c = tx; c < sx; c++) l->west[sy * (X - 1) + c] += w;
    for (int d = sy; d < ty; d++) l->north[tx * (Y - 1) + d] += w;
    for (int d = ty; d < sy; d++) l->south[tx * (Y - 1) + d] += w;
    l->eject[t] += w;
    l->hops += w * (abs(tx - sx) + abs(ty - sy));
    if (sx / l->chip_w != tx / l->chip_w || sy / l->chip_h != ty / l->chip_h) l->crossing += w;
}

static void add_uniform(struct loads *l, double w)
{
    int X = l->X, Y = l->Y, N = X * Y;
    for (int y = 0; y < Y; y++)
        for (int c = 0; c + 1 < X; c++) {
            double v = w * (c + 1) * (X - 1 - c) / X;
            l->east[y * (X - 1) + c] += v;
            l->west[y * (X - 1) + c] += v;
        }
    for (int x = 0; x < X; x++)
        for (int d = 0; d + 1 < Y; d++) {
            double v = w * (d + 1) * (Y - 1 - d) / Y;
            l->north[x * (Y - 1) + d] += v;
            l->south[x * (Y - 1) + d] += v;
        }
    for (int n = 0; n < N; n++) l->eject[n] += w;
    /* Mean |a - b| over independent uniform a, b in 0..k-1 is (k^2 - 1) / 3k. */
    l->hops += w * N * ((X * X - 1.0) / (3.0 * X) + (Y * Y - 1.0) / (3.0 * Y));
    /* a destination on another chip: all but 1 in (X / chip_w) (Y / chip_h) */
    l->crossing += w * N * (1.0 - (double)l->chip_w * l->chip_h / ((double)X * Y));
}

/* Cycles the latency accounting adds to every packet: booksim counts the injection
 * and the ejection channel's cycle (docs/noc.md), network counts neither. */
static uint64_t accounting_extra(const struct config *cfg)
{
    return cfg->noc.accounting == NOC_ACCOUNT_BOOKSIM ? 2 : 0;
}

/* Fills l for the configured pattern; -1 without memory. */
static int pattern_loads(const struct config *cfg, struct loads *l)
{
    int X = mesh_w(cfg), Y = mesh_h(cfg), N = X * Y;
    size_t ne = (size_t)Y * (size_t)(X > 1 ? X - 1 : 0), nn = (size_t)X * (size_t)(Y > 1 ? Y - 1 : 0);
    l->X = X;
    l->Y = Y;
    l->hops = 0;
    l->crossing = 0;
    l->chip_w = cfg->chip.mesh_x;
    l->chip_h = cfg->chip.mesh_y;
    double *mem = calloc(2 * ne + 2 * nn + (size_t)N + 1, sizeof *mem);
    if (!mem) return -1;
    l->east = mem;
    l->west = mem + ne;
    l->north = mem + 2 * ne;
    l->south = mem + 2 * ne + nn;
    l->eject = mem + 2 * ne + 2 * nn;
    enum pattern p = pattern_of(cfg);
    if (p == PAT_UNIFORM) add_uniform(l, 1.0);
    if (p == PAT_HOTSPOT) {
        double f = cfg->noc.hotspot_fraction;
        add_uniform(l, 1.0 - f);
        for (int s = 0; s < N; s++) add_flow(l, s, cfg->noc.hotspot_node, f);
    }
    if (p == PAT_TRANSPOSE || p == PAT_BITCOMP)
        for (int s = 0; s < N; s++) {
            uint64_t unused = 0;
            add_flow(l, s, noc_destination(cfg, s, &unused), 1.0);
        }
    l->hops /= N;
    l->crossing /= N;
    return 0;
}

/* A system: the mean inter-chip hops of a packet (the loads of the inter-chip
 * links, which carry N x hops in all) and the load of the busiest one. */
static double interchip_loads(const struct loads *l, double *busiest)
{
    int X = l->X, Y = l->Y;
    double sum = 0;
    *busiest = 0;
    for (int y = 0; y < Y; y++)
        for (int c = 0; c + 1 < X; c++) {
            if (!boundary(c, l->chip_w)) continue;
            sum += l->east[y * (X - 1) + c] + l->west[y * (X - 1) + c];
            *busiest = fmax(*busiest, fmax(l->east[y * (X - 1) + c], l->west[y * (X - 1) + c]));
        }
    for (int x = 0; x < X; x++)
        for (int d = 0; d + 1 < Y; d++) {
            if (!boundary(d, l->chip_h)) continue;
            sum += l->north[x * (Y - 1) + d] + l->south[x * (Y - 1) + d];
            *busiest = fmax(*busiest, fmax(l->north[x * (Y - 1) + d], l->south[x * (Y - 1) + d]));
        }
    return sum / (X * Y);
}

double noc_zero_load_latency(const struct config *cfg)
{
    struct loads l;
    if (pattern_loads(cfg, &l)) return NAN;
    const struct router_cfg *rc = &cfg->chip.router;
    double t0 = (l.hops + 1) * rc->pipeline + l.hops * rc->link_latency + cfg->noc.packet_flits + accounting_extra(cfg);
    if (CFG_MULTICHIP(cfg)) {
        /* each inter-chip hop takes latency + cycles_per_flit - 1 in place of the
         * on-chip link, and a packet that crosses one has its tail serialised
         * behind its head (credit stalls left out: exact while packet_flits <=
         * buffer_depth or the buffers hold the link's round trip) */
        const struct system_cfg *s = &cfg->system;
        double busiest, xhops = interchip_loads(&l, &busiest);
        t0 += xhops * (s->link_latency + s->link_cycles_per_flit - 1 - rc->link_latency) +
              l.crossing * (cfg->noc.packet_flits - 1) * (s->link_cycles_per_flit - 1);
    }
    free(l.east);
    return t0;
}

/* ", pipelined router (lookahead, speculative VA||SA), islip switch allocator, booksim
 * latency accounting" for the settings that are not the default; "" for the default. */
static const char *router_note(const struct config *cfg, char *buf, size_t n)
{
    const struct router_cfg *rc = &cfg->chip.router;
    size_t k = 0;
    buf[0] = 0;
    if (rc->model == ROUTER_PIPELINED)
        k += (size_t)snprintf(buf + k, n - k, ", pipelined router%s%s%s%s", rc->lookahead || rc->speculative ? " (" : "",
                              rc->lookahead ? "lookahead" : "", rc->lookahead && rc->speculative ? ", " : "",
                              rc->speculative ? "speculative VA||SA)" : rc->lookahead ? ")" : "");
    if (k < n && rc->sw_allocator == SW_ISLIP) k += (size_t)snprintf(buf + k, n - k, ", islip switch allocator");
    if (k < n && rc->vc_allocator == VA_ISLIP) k += (size_t)snprintf(buf + k, n - k, ", islip VC allocator");
    if (k < n && cfg->noc.accounting == NOC_ACCOUNT_BOOKSIM) k += (size_t)snprintf(buf + k, n - k, ", booksim latency accounting");
    if (k < n && CFG_MULTICHIP(cfg))
        snprintf(buf + k, n - k, "; %dx%d chips of %dx%d, inter-chip links of %d cycles, %d a flit, buffers %d at their ends",
                 cfg->system.chips_x, cfg->system.chips_y, cfg->chip.mesh_x, cfg->chip.mesh_y, cfg->system.link_latency,
                 cfg->system.link_cycles_per_flit,
                 cfg->system.link_buffer_depth ? cfg->system.link_buffer_depth : cfg->chip.router.buffer_depth);
    return buf;
}

double noc_throughput_bound(const struct config *cfg)
{
    struct loads l;
    if (pattern_loads(cfg, &l)) return NAN;
    int X = l.X, Y = l.Y, N = X * Y;
    double gamma = 1.0;     /* each node's injection channel carries its own rate */
    size_t ne = (size_t)Y * (size_t)(X > 1 ? X - 1 : 0), nn = (size_t)X * (size_t)(Y > 1 ? Y - 1 : 0);
    for (size_t i = 0; i < 2 * ne + 2 * nn + (size_t)N; i++) gamma = fmax(gamma, l.east[i]);
    if (CFG_MULTICHIP(cfg)) {
        /* An inter-chip link carries 1 / cycles_per_flit flits a cycle, and at most
         * buffer_depth flits per VC per credit round trip (the flit's latency and
         * serialisation, the downstream pipeline, the credit's way back, a cycle
         * more on the pipelined router): on chip the buffers cover the round trip,
         * across a long link they may not (docs/system.md). */
        const struct router_cfg *rc = &cfg->chip.router;
        const struct system_cfg *sy = &cfg->system;
        double rtt = 2.0 * sy->link_latency + sy->link_cycles_per_flit - 1 + rc->pipeline +
                     (rc->model == ROUTER_PIPELINED ? 1 : 0);
        int vcs = rc->vcs * (strcmp(cfg->noc.traffic_class, "mixed") ? 1 : TC_COUNT);
        int depth = sy->link_buffer_depth ? sy->link_buffer_depth : rc->buffer_depth;
        double busiest, cap = fmin(1.0 / sy->link_cycles_per_flit, vcs * depth / rtt);
        interchip_loads(&l, &busiest);
        gamma = fmax(gamma, busiest / cap);
    }
    free(l.east);
    return 1.0 / gamma;
}

/* ---- waveform dump ----------------------------------------------------------- */

struct noc_waves {
    struct waves *w;
    struct mesh_waves *routers;
    struct wave_select sel;
    int sig_point, sig_offered, sig_measuring;
    uint64_t offset;        /* sweep cycles before the current point */
    int point;              /* index of the current point */
    int active;             /* the current point is dumped */
};

/* "all" or router ids "0,5,6" into selected[]; -1 with a message naming the key. */
static int select_routers(const struct config *cfg, const char *list, unsigned char *selected, int nodes,
                          char *err, size_t errlen)
{
    if (!*list || !strcmp(list, "all")) {
        memset(selected, 1, (size_t)nodes);
        return 0;
    }
    for (const char *s = list; *s;) {
        char *end;
        long k = strtol(s, &end, 10);
        if (end == s || k < 0 || k >= nodes || (*end && *end != ',')) {
            char at[600];
            snprintf(err, errlen, "%s: waves.cores: '%s' is not a list of router ids 0..%d (y * mesh_x + x)",
                     config_where(cfg, "waves.cores", at, sizeof at), list, nodes - 1);
            return -1;
        }
        selected[k] = 1;
        s = *end ? end + 1 : end;
    }
    return 0;
}

struct noc_waves *noc_waves_open(const struct config *cfg, const char *path, const struct wave_select *sel,
                                 char *err, size_t errlen)
{
    int nodes = mesh_w(cfg) * mesh_h(cfg);
    unsigned char *selected = calloc((size_t)nodes, 1);
    if (!selected || select_routers(cfg, sel->cores, selected, nodes, err, errlen)) {
        free(selected);
        return NULL;
    }
    struct noc_waves *nw = calloc(1, sizeof *nw);
    nw->sel = *sel;
    nw->w = waves_open(path, err, errlen);
    if (!nw->w) {
        free(selected);
        free(nw);
        return NULL;
    }
    waves_zoom(nw->w, -6);
    waves_timestart(nw->w, sel->cycle_first);
    waves_scope(nw->w, "chip");
    nw->sig_point = waves_var(nw->w, "point", 16, 0);
    nw->sig_offered = waves_var(nw->w, "offered_milli", 16, 0);    /* flits/node per 1000 cycles */
    nw->sig_measuring = waves_var(nw->w, "measuring", 1, 0);
    nw->routers = mesh_waves_declare_chips(nw->w, mesh_w(cfg), mesh_h(cfg), cfg->chip.mesh_x, cfg->chip.mesh_y,
                                           selected, 0);
    waves_upscope(nw->w);
    free(selected);
    return nw;
}

int noc_waves_close(struct noc_waves *nw, char *err, size_t errlen)
{
    int rc = waves_close(nw->w, err, errlen);
    mesh_waves_free(nw->routers);
    free(nw);
    return rc;
}

uint64_t noc_waves_flits(const struct noc_waves *nw) { return mesh_waves_flits(nw->routers); }

/* Sweep time of mesh cycle c of the current point, and whether it is dumped. */
static int wave_time(const struct noc_waves *nw, uint64_t c, uint64_t *t)
{
    *t = nw->offset + c;
    return nw->active && *t >= nw->sel.cycle_first && (!nw->sel.cycle_last || *t <= nw->sel.cycle_last);
}

static void wave_switch(void *ctx, uint64_t cycle, int node, int in_port, int out_port, int out_vc,
                        const struct flit *f)
{
    struct noc_waves *nw = ctx;
    uint64_t t;
    (void)in_port;
    (void)out_vc;
    (void)f;
    if (wave_time(nw, cycle, &t)) mesh_waves_switch(nw->routers, t, node, out_port);
}

/* Starts point `rate` of the sweep on mesh m. */
static void wave_point_start(struct noc_waves *nw, struct mesh *m, double rate)
{
    nw->active = nw->point >= nw->sel.sample_first &&
                 (nw->sel.samples <= 0 || nw->point < nw->sel.sample_first + nw->sel.samples);
    if (!nw->active) return;
    mesh_set_trace(m, wave_switch, nw);
    /* The point's labels at its start, or where the window opens. */
    uint64_t t = nw->offset > nw->sel.cycle_first ? nw->offset : nw->sel.cycle_first;
    if (nw->sel.cycle_last && t > nw->sel.cycle_last) return;
    waves_set(nw->w, nw->sig_point, t, (uint64_t)nw->point);
    waves_set(nw->w, nw->sig_offered, t, (uint64_t)lround(rate * 1000));
}

/* After mesh cycle c: buffers, credits and the measurement window. */
static void wave_cycle(struct noc_waves *nw, const struct mesh *m, uint64_t c, int measuring)
{
    uint64_t t;
    if (!wave_time(nw, c, &t)) return;
    waves_set(nw->w, nw->sig_measuring, t, (uint64_t)measuring);
    mesh_waves_sample(nw->routers, m, t);
}

static void wave_point_end(struct noc_waves *nw, const struct mesh *m)
{
    nw->offset += mesh_cycle(m);
    nw->point++;
    nw->active = 0;
}

/* ---- one point --------------------------------------------------------------- */

/* The k-th smallest (from 0) of v[0..n), n > k, reordering v (Hoare's selection,
 * median-of-three pivots): a percentile without sorting every latency, which
 * cost a loaded point 7 % of its time. */
static uint64_t kth_smallest(uint64_t *v, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;
    while (lo < hi) {
        uint64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
        uint64_t pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                uint64_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (want <= j) hi = j;
        else if (want >= i) lo = i;
        else return v[want];
    }
    return v[want];
}

struct sampler {
    uint64_t *v;
    size_t n, cap;
};

static int sample_add(struct sampler *s, uint64_t x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        uint64_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

/* Rank 0 receives every rank's latency samples (total `all`); the others keep
 * theirs (they print nothing). One rank has them all. -1 without memory. */
static int gather_samples(const struct partition *part, struct sampler *s, size_t all)
{
    if (part->size == 1) return 0;
    int *counts = calloc((size_t)part->size, sizeof *counts), *displs = calloc((size_t)part->size, sizeof *displs);
    int64_t *n = calloc((size_t)part->size, sizeof *n);
    uint64_t *v = part->rank == 0 ? malloc((all ? all : 1) * sizeof *v) : NULL;
    int bad = !counts || !displs || !n || (part->rank == 0 && !v);
    int64_t b = bad;
    world_sum_i64(&b, 1);
    if (b) {
        free(counts), free(displs), free(n), free(v);
        return -1;
    }
    n[part->rank] = (int64_t)s->n;
    world_sum_i64(n, part->size);
    for (int r = 0, off = 0; r < part->size; r++) {
        counts[r] = (int)n[r] * (int)sizeof *v;
        displs[r] = off;
        off += counts[r];
    }
    world_gather(s->v, (int)(s->n * sizeof *v), v, counts, displs, 0);
    if (part->rank == 0) {
        free(s->v);
        s->v = v;
        s->n = s->cap = all;
    }
    free(counts), free(displs), free(n);
    return 0;
}

/* One cycle of the network, timed for the cost figure on stderr. */
static int step_timed(const struct noc_net *net, struct noc_point *pt, char *err, size_t errlen)
{
    double t0 = progress_now();
    int rc = net->step(net->ctx, err, errlen);
    pt->step_seconds += progress_now() - t0;
    return rc;
}

/* A failure one rank of a partitioned run sees and the others cannot: end them all. */
static int fail_all(const struct partition *part, int rc, const char *err)
{
    if (part->size > 1) world_fail(1, "ssnnsim: rank %d: %s\n", part->rank, err);
    return rc;
}

/* The flits in flight over the whole mesh (injected and not yet popped). */
static int64_t in_flight(const struct partition *part, const struct noc_net *net)
{
    int64_t n = (int64_t)net->in_flight(net->ctx);
    partition_sum(part, &n, 1);
    return n;
}

/* ---- the native mesh as a struct noc_net ------------------------------------ */

static int native_restart(void *m, char *err, size_t errlen)
{
    (void)m, (void)err, (void)errlen;   /* each point builds its own mesh */
    return 0;
}
static void native_inject(void *m, int node, const struct flit *f) { mesh_inject(m, node, f); }
static int native_step(void *m, char *err, size_t errlen) { return mesh_step(m, err, errlen); }
static int native_eject(void *m, int node, struct flit *out) { return mesh_eject(m, node, out); }
static uint64_t native_in_flight(const void *m) { return mesh_in_flight(m); }
static uint64_t native_cycle(const void *m) { return mesh_cycle(m); }
static int native_check(const void *m, char *err, size_t errlen) { return mesh_check(m, err, errlen); }
static const struct mesh_counters *native_counters(void *m) { return mesh_counters(m); }
static uint64_t native_router_steps(const void *m) { return mesh_router_steps(m); }

static struct noc_net native_net(struct mesh *m)
{
    return (struct noc_net){ .ctx = m, .restart = native_restart, .inject = native_inject, .step = native_step,
                             .eject = native_eject, .in_flight = native_in_flight, .cycle = native_cycle,
                             .check = native_check, .counters = native_counters,
                             .router_steps = native_router_steps };
}

static int run_point(const struct config *cfg, double rate, int quiet, struct partition *part, struct noc_waves *nw,
                     struct mesh *m, const struct noc_net *net, struct noc_point *pt, char *err, size_t errlen);

int noc_run_point(const struct config *cfg, double rate, int quiet, struct noc_waves *nw, struct noc_point *pt,
                  char *err, size_t errlen)
{
    struct partition whole;
    partition_whole(&whole, mesh_w(cfg), mesh_h(cfg));
    return noc_run_point_on(cfg, rate, quiet, &whole, nw, pt, err, errlen);
}

int noc_run_point_on(const struct config *cfg, double rate, int quiet, struct partition *part,
                     struct noc_waves *nw, struct noc_point *pt, char *err, size_t errlen)
{
    memset(pt, 0, sizeof *pt);
    pt->offered = rate;
    if (noc_check_config(cfg, err, errlen)) return -1;
    struct router_cfg routers = cfg->chip.router;
    if (CFG_MULTICHIP(cfg)) routers.slot_depth = cfg->system.link_buffer_depth;    /* the inter-chip ports' */
    struct mesh *m = mesh_new(mesh_w(cfg), mesh_h(cfg), &routers, err, errlen);
    if (!m) return -1;
    if (CFG_MULTICHIP(cfg))
        mesh_set_chip_links(m, cfg->chip.mesh_x, cfg->chip.mesh_y, cfg->system.link_latency,
                            cfg->system.link_cycles_per_flit, cfg->system.link_buffer_depth);
    partition_attach(part, m);
    struct noc_net net = native_net(m);
    int rc = run_point(cfg, rate, quiet, part, nw, m, &net, pt, err, errlen);
    mesh_free(m);
    return rc;
}

/* A point as it runs: where, on what, and what this rank has counted so far. It
 * generates, steps and ejects at this rank's nodes only (part: all of them in a
 * single process). */
struct point_run {
    const struct config *cfg;
    struct partition *part;
    struct noc_waves *nw;       /* NULL: no dump */
    struct mesh *m;             /* the native mesh (NULL on another network) */
    const struct noc_net *net;
    struct noc_point *pt;
    uint64_t W, M, D;           /* warm-up, measurement and drain cycles */
    int F;                      /* flits per packet */
    uint64_t extra;             /* cycles added to each latency: 2 under booksim accounting */
    /* the traffic: one splitmix64 stream per node; P(start a packet) = rate / F on 53 bits */
    uint64_t *rng;
    uint64_t thresh;
    /* the native mesh's ejection queues, whose counts are read inline: in a cycle most
     * nodes receive nothing, and asking each through net->eject cost 3 % of a point */
    const struct flitq **ejq;
    int mixed, tclass;
    enum pattern pattern;
    /* the counts */
    uint64_t packet;            /* packets generated (the next packet's id) */
    uint64_t gen_flits, acc_flits;  /* flits generated / delivered in the window */
    uint64_t sum;               /* latencies of the measured packets delivered, and each one */
    struct sampler lat;
    struct progress prog;
};

/* The packets that start at this rank's nodes in cycle t, queued at their sources. */
static void generate(struct point_run *r, uint64_t t, int window)
{
    for (int n = r->part->node0, hi = r->part->node1; n < hi; n++) {
        if ((next64(&r->rng[n]) >> 11) >= r->thresh) continue;
        struct flit f = { .src = (uint16_t)n, .dst = (uint16_t)destination(r->pattern, r->cfg, n, &r->rng[n]),
                          .stream = SS_SYNTHETIC, .packet = (uint32_t)r->packet++, .born = t };
        f.tclass = (uint8_t)(r->mixed ? below(&r->rng[n], TC_COUNT) : r->tclass);
        for (int i = 0; i < r->F; i++) {
            f.head = i == 0;
            f.tail = i == r->F - 1;
            f.neuron = (uint32_t)i;     /* flit index within the packet */
            r->net->inject(r->net->ctx, n, &f);
        }
        if (window) {
            r->pt->packets++;
            r->gen_flits += (uint64_t)r->F;
        }
    }
}

/* One network cycle, then the boundary exchange at the end of a window. */
static int network_cycle(struct point_run *r, char *err, size_t errlen)
{
    if (step_timed(r->net, r->pt, err, errlen) || partition_window(r->part, r->m, err, errlen))
        return fail_all(r->part, -1, err);
    return 0;
}

/* Takes what reached this rank's nodes in cycle t; the tail of a packet born in
 * the measurement window gives its latency. */
static int deliver(struct point_run *r, uint64_t t, int window, char *err, size_t errlen)
{
    for (int n = r->part->node0, hi = r->part->node1; n < hi; n++) {
        struct flit f;
        if (r->ejq && !r->ejq[n]->count) continue;
        while (r->net->eject(r->net->ctx, n, &f)) {
            r->acc_flits += (uint64_t)window;
            if (!f.tail || f.born < r->W || f.born >= r->W + r->M) continue;
            uint64_t l = t + 1 - f.born + r->extra;
            r->sum += l;
            if (sample_add(&r->lat, l)) {
                snprintf(err, errlen, "noc: out of memory for latency samples");
                return -1;
            }
        }
    }
    return 0;
}

/* Warm-up, measurement window, and the drain: generation goes on until every
 * packet measured has arrived on every rank, or drain_cycles have passed. */
static int measure(struct point_run *r, char *err, size_t errlen)
{
    uint64_t W = r->W, M = r->M;
    r->pt->drained = 1;
    for (uint64_t t = 0;;) {
        int window = t >= W && t < W + M;
        generate(r, t, window);
        if (network_cycle(r, err, errlen)) return -1;
        if (r->nw) wave_cycle(r->nw, r->m, t, window);
        if (deliver(r, t, window, err, errlen)) return -1;
        t++;
        if ((t & 1023) == 0) progress_update(&r->prog, t < W + M ? t : W + M);
        if (t >= W + M) {
            int64_t left = (int64_t)r->pt->packets - (int64_t)r->lat.n;   /* measured packets not yet delivered */
            partition_sum(r->part, &left, 1);
            if (left == 0) return 0;
            if (t >= W + M + r->D) {
                r->pt->drained = 0;
                return 0;
            }
        }
    }
}

/* Runs the network empty: conservation is checked on every point. */
static int run_empty(struct point_run *r, char *err, size_t errlen)
{
    while (in_flight(r->part, r->net)) {
        if (network_cycle(r, err, errlen)) return -1;
        if (r->nw) wave_cycle(r->nw, r->m, r->net->cycle(r->net->ctx) - 1, 0);
        for (int n = r->part->node0; n < r->part->node1; n++) {
            struct flit f;
            if (r->ejq && !r->ejq[n]->count) continue;
            while (r->net->eject(r->net->ctx, n, &f)) {}
        }
    }
    if (r->net->check(r->net->ctx, err, errlen)) return fail_all(r->part, -1, err);
    return 0;
}

/* Every rank's share of the counts, summed; the latency samples go to rank 0. */
static int share_counts(struct point_run *r, char *err, size_t errlen)
{
    partition_share_routers(r->part, r->m);
    int64_t v[6] = { (int64_t)r->pt->packets, (int64_t)r->lat.n, (int64_t)r->gen_flits, (int64_t)r->acc_flits,
                     (int64_t)r->sum, (int64_t)r->packet };
    partition_sum(r->part, v, 6);
    r->pt->packets = (uint64_t)v[0];
    r->gen_flits = (uint64_t)v[2];
    r->acc_flits = (uint64_t)v[3];
    r->sum = (uint64_t)v[4];
    r->packet = (uint64_t)v[5];
    if (gather_samples(r->part, &r->lat, (size_t)v[1])) {
        snprintf(err, errlen, "noc: out of memory for latency samples");
        return fail_all(r->part, -1, err);
    }
    return 0;
}

/* The point's figures from the whole network's counts; -1 when the flits
 * generated, injected and delivered do not balance. */
static int figures(struct point_run *r, char *err, size_t errlen)
{
    struct noc_point *pt = r->pt;
    uint64_t N = (uint64_t)r->part->mesh_x * (uint64_t)r->part->mesh_y;
    pt->delivered = r->lat.n;
    pt->counters = *r->net->counters(r->net->ctx);
    if (pt->counters.flits_ejected != pt->counters.flits_injected ||
        pt->counters.flits_injected != r->packet * (uint64_t)r->F) {
        snprintf(err, errlen, "noc: conservation: %llu packets of %d flits generated, %llu flits injected, %llu delivered",
                 (unsigned long long)r->packet, r->F, (unsigned long long)pt->counters.flits_injected,
                 (unsigned long long)pt->counters.flits_ejected);
        return -1;
    }
    pt->cycles = r->net->cycle(r->net->ctx);
    pt->router_steps = r->net->router_steps(r->net->ctx);
    pt->generated = (double)r->gen_flits / ((double)N * (double)r->M);
    pt->accepted = (double)r->acc_flits / ((double)N * (double)r->M);
    if (r->lat.n) {
        pt->latency_avg = (double)r->sum / (double)r->lat.n;
        uint64_t max = 0;
        for (size_t i = 0; i < r->lat.n; i++)
            if (r->lat.v[i] > max) max = r->lat.v[i];
        pt->latency_max = max;
        size_t k = (size_t)ceil(0.99 * (double)r->lat.n);
        pt->latency_p99 = kth_smallest(r->lat.v, r->lat.n, k ? k - 1 : 0);
    }
    return 0;
}

/* The point's traffic streams and parameters; -1 without memory. */
static int start_traffic(struct point_run *r, double rate)
{
    const struct noc_cfg *nc = &r->cfg->noc;
    int N = r->part->mesh_x * r->part->mesh_y;
    r->rng = malloc((size_t)N * sizeof *r->rng);
    if (!r->rng) return -1;
    if (r->m) {
        r->ejq = malloc((size_t)N * sizeof *r->ejq);
        if (!r->ejq) return -1;
        for (int n = 0; n < N; n++) r->ejq[n] = mesh_ejection_queue(r->m, n);
    }
    for (int n = 0; n < N; n++) r->rng[n] = splitmix64((uint64_t)nc->seed ^ splitmix64((uint64_t)n + 1));
    r->thresh = (uint64_t)ldexp(rate / r->F, 53);
    r->mixed = !strcmp(nc->traffic_class, "mixed");
    r->pattern = pattern_of(r->cfg);
    r->tclass = !strcmp(nc->traffic_class, "backward") ? TC_BACKWARD
              : !strcmp(nc->traffic_class, "control") ? TC_CONTROL : TC_FORWARD;
    return 0;
}

/* One point on `net`. The native mesh `m` is what partitions and waveform dumps
 * reach into (NULL on another network: neither is offered there). */
/* CPU seconds of this process: the speed figure (simulated cycles per CPU second) is
 * what the BookSim2 side by side compares, and a loaded machine stretches wall time. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run_point(const struct config *cfg, double rate, int quiet, struct partition *part, struct noc_waves *nw,
                     struct mesh *m, const struct noc_net *net, struct noc_point *pt, char *err, size_t errlen)
{
    const struct noc_cfg *nc = &cfg->noc;
    struct point_run r = { .cfg = cfg, .part = part, .nw = nw, .m = m, .net = net, .pt = pt,
                           .extra = accounting_extra(cfg),
                           .W = (uint64_t)nc->warmup_cycles, .M = (uint64_t)nc->measure_cycles,
                           .D = (uint64_t)nc->drain_cycles, .F = nc->packet_flits };
    memset(pt, 0, sizeof *pt);
    pt->offered = rate;
    double cpu0 = cpu_now();
    if (net->restart(net->ctx, err, errlen)) return -1;
    int rc = -1;
    if (start_traffic(&r, rate)) {
        snprintf(err, errlen, "noc: out of memory");
        goto out;
    }
    char label[64];
    snprintf(label, sizeof label, "noc %.4g", rate);
    if (nw) wave_point_start(nw, m, rate);
    progress_start(&r.prog, label, r.W + r.M, quiet);
    if (measure(&r, err, errlen) || run_empty(&r, err, errlen) || share_counts(&r, err, errlen) ||
        figures(&r, err, errlen))
        goto out;
    char summary[160];
    snprintf(summary, sizeof summary, "accepted %.4f, latency %.2f avg %llu p99%s", pt->accepted, pt->latency_avg,
             (unsigned long long)pt->latency_p99, pt->drained ? "" : " (not drained within drain_cycles)");
    pt->cpu_seconds = cpu_now() - cpu0;
    progress_update(&r.prog, r.W + r.M);
    progress_finish(&r.prog, summary);
    rc = 0;
out:
    if (nw) wave_point_end(nw, m);
    free(r.lat.v);
    free(r.rng);
    free(r.ejq);
    return rc;
}

/* ---- the command ------------------------------------------------------------- */

static void write_counters(struct json *j, const struct mesh_counters *c)
{
    json_begin_object(j);
#define C(name) json_key(j, #name); json_uint(j, c->name);
    MESH_COUNTERS(C)
#undef C
    json_end_object(j);
}

static int write_json(const struct config *cfg, const struct run_opts *o, const struct noc_point *pts, int n,
                      double t0, double bound)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return -1;
    struct json j;
    json_init(&j, f);
    json_begin_object(&j);
    json_key(&j, "command"); json_string(&j, "noc");
    json_key(&j, "config"); config_to_json(cfg, &j);
    json_key(&j, "noc");
    json_begin_object(&j);
    json_key(&j, "traffic"); json_string(&j, cfg->noc.traffic);
    json_key(&j, "nodes"); json_int(&j, mesh_w(cfg) * mesh_h(cfg));
    json_key(&j, "packet_flits"); json_int(&j, cfg->noc.packet_flits);
    json_key(&j, "zero_load_latency"); json_double(&j, t0);
    json_key(&j, "throughput_bound"); json_double(&j, bound);
    json_key(&j, "points");
    json_begin_array(&j);
    struct mesh_counters total = { 0 };
    for (int i = 0; i < n; i++) {
        const struct noc_point *p = &pts[i];
        json_begin_object(&j);
        json_key(&j, "offered"); json_double(&j, p->offered);
        json_key(&j, "accepted"); json_double(&j, p->accepted);
        json_key(&j, "latency_avg"); json_double(&j, p->latency_avg);
        json_key(&j, "latency_p99"); json_uint(&j, p->latency_p99);
        json_key(&j, "latency_max"); json_uint(&j, p->latency_max);
        json_key(&j, "generated"); json_double(&j, p->generated);
        json_key(&j, "packets"); json_uint(&j, p->packets);
        json_key(&j, "delivered"); json_uint(&j, p->delivered);
        json_key(&j, "drained"); json_bool(&j, p->drained);
        json_key(&j, "counters"); write_counters(&j, &p->counters);
        json_end_object(&j);
        mesh_counters_add(&total, &p->counters, NULL);
    }
    json_end_array(&j);
    json_end_object(&j);
    json_key(&j, "counters"); write_counters(&j, &total);
    json_end_object(&j);
    json_finish(&j);
    fclose(f);
    char err[1024];
    int rc = atomic_write(o->out, text, len, err, sizeof err);
    free(text);
    if (rc) fprintf(stderr, "ssnnsim: %s\n", err);
    return rc;
}

static int write_csv(const char *path, const struct noc_point *pts, int n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return -1;
    fprintf(f, "offered,accepted,latency_avg,latency_p99,latency_max,generated,packets,drained\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "%.6f,%.6f,%.4f,%llu,%llu,%.6f,%llu,%d\n", pts[i].offered, pts[i].accepted,
                pts[i].latency_avg, (unsigned long long)pts[i].latency_p99,
                (unsigned long long)pts[i].latency_max, pts[i].generated,
                (unsigned long long)pts[i].packets, pts[i].drained);
    fclose(f);
    char err[1024];
    int rc = atomic_write(path, text, len, err, sizeof err);
    free(text);
    if (rc) fprintf(stderr, "ssnnsim: %s\n", err);
    return rc;
}

/* Two panels: latency (log scale) and accepted throughput against offered load. */
static void write_plot(const struct config *cfg, const char *csv, const char *png, double t0, double bound)
{
    char gp[1200];
    snprintf(gp, sizeof gp, "%.*s.gp", (int)(strlen(png) - 4), png);
    FILE *f = fopen(gp, "w");
    if (!f) return;
    const struct router_cfg *rc = &cfg->chip.router;
    fprintf(f, "set terminal pngcairo size 1200,520 font 'sans,11'\nset output '%s'\n", png);
    fprintf(f, "set datafile separator ','\nset grid\nset key top left\n");
    char note[400];
    fprintf(f, "set multiplot layout 1,2 title '%dx%d mesh, %s traffic, %d-flit packets; pipeline %d, link %d, "
               "buffers %d, %d VC per class%s'\n",
            mesh_w(cfg), mesh_h(cfg), cfg->noc.traffic, cfg->noc.packet_flits, rc->pipeline,
            rc->link_latency, rc->buffer_depth, rc->vcs, router_note(cfg, note, sizeof note));
    fprintf(f, "set xlabel 'offered load (flits/node/cycle)'\nset ylabel 'latency (cycles)'\nset logscale y\n");
    fprintf(f, "plot '%s' skip 1 using 1:3 with linespoints lw 2 title 'average', \\\n"
               "     '' skip 1 using 1:4 with linespoints lw 2 dt 2 title '99th percentile', \\\n"
               "     %.6f with lines lc rgb 'black' dt 3 lw 1.5 title 'zero-load (analytic)'\n",
            csv, t0);
    fprintf(f, "unset logscale y\nset key bottom right\nset ylabel 'accepted (flits/node/cycle)'\nset yrange [0:%.6f]\n", 1.15 * bound);
    fprintf(f, "plot '%s' skip 1 using 1:2 with linespoints lw 2 title 'accepted', \\\n"
               "     x with lines lc rgb 'black' dt 3 lw 1.5 title 'offered', \\\n"
               "     %.6f with lines lc rgb 'red' dt 2 lw 1.5 title 'saturation bound (channel load)'\n",
            csv, bound);
    fprintf(f, "unset multiplot\n");
    fclose(f);
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "command -v gnuplot >/dev/null 2>&1 && gnuplot '%s' 2>/dev/null", gp);
    if (system(cmd) == 0) fprintf(stderr, "plot: %s\n", png);
    else fprintf(stderr, "plot: gnuplot not found or failed; script left in %s\n", gp);
}

const char *noc_table_path(const struct config *cfg, char *buf, size_t n)
{
    const char *b = strrchr(cfg->path, '/');
    char name[CFG_STR];
    snprintf(name, sizeof name, "%s", b ? b + 1 : cfg->path);
    char *dot = strrchr(name, '.');
    if (dot) *dot = 0;
    snprintf(buf, n, "results/noc-%s.csv", name);
    return buf;
}

/* The network the command runs on (docs/noc.md): the native mesh of --engine chip,
 * built anew by each point (net->ctx NULL), or the SystemC engine's, elaborated
 * once and reset by each point. (There is no golden model of the network: the CLI
 * refuses --engine golden for noc.) Returns 0, or the exit status with the message
 * printed. */
static int open_net(const struct config *cfg, const struct run_opts *o, struct noc_net *net)
{
    memset(net, 0, sizeof *net);
    int sc = !strcmp(o->engine, "systemc");
    char where[300];
    if (CFG_MULTICHIP(cfg) && sc) {
        fprintf(stderr, "%s: system.chips: a system of chips runs on the native mesh (--engine systemc has no "
                "inter-chip links; docs/system.md)\n", config_where(cfg, "system.chips", where, sizeof where));
        return 2;
    }
    if (cfg->chip.n_rtl && !sc) {
        fprintf(stderr, "%s: chip.rtl: RTL components run under --engine systemc only\n",
                config_where(cfg, "chip.rtl", where, sizeof where));
        return 2;
    }
    if (!sc) return 0;
    if (o->partition || o->waves) {
        fprintf(stderr, "ssnnsim: noc --engine systemc runs in one process and writes no waveforms (%s); "
                "use --engine chip, which gives the same table, CSV and JSON\n",
                o->waves ? "--waves" : "several MPI ranks");
        return 2;
    }
#ifdef SSNN_SYSTEMC
    char err[1024];
    if (sc_noc_open(cfg, net, err, sizeof err)) {
        fprintf(stderr, "ssnnsim: %s\n", err);
        return 2;
    }
    return 0;
#else
    fprintf(stderr, "ssnnsim: this build has no SystemC engine (built with SYSTEMC=0)\n");
    return 2;
#endif
}

/* The sweep's partition (this rank's band of rows; one process: the whole mesh)
 * and its waveform dump, before any point runs. 0, or the exit status with the
 * message printed. */
static int open_sweep(const struct config *cfg, const struct run_opts *o, struct partition *part,
                      struct noc_waves **nw)
{
    char err[2048];
    const struct router_cfg *rc = &cfg->chip.router;
    *nw = NULL;
    partition_whole(part, mesh_w(cfg), mesh_h(cfg));
    if (o->waves && o->partition) {     /* before the file is created: no partial output */
        if (!o->mute) fprintf(stderr, "ssnnsim: --waves needs a single rank (each rank holds part of the mesh)\n");
        return 2;
    }
    /* A system: bands of whole chip rows exchanging once per inter-chip latency, or
     * router rows and a window no longer than any link's (partition_unit). */
    const struct system_cfg *sy = &cfg->system;
    int depth = rc->buffer_depth > sy->link_buffer_depth ? rc->buffer_depth : sy->link_buffer_depth;
    uint64_t window = (uint64_t)rc->link_latency;
    int unit = 1;
    if (CFG_MULTICHIP(cfg)) {
        window = (uint64_t)sy->link_latency;
        unit = partition_unit(world_size(), CFG_CHIPS_Y(cfg), cfg->chip.mesh_y, rc->link_latency, &window);
    }
    if (o->partition && partition_init(part, world_rank(), world_size(), mesh_w(cfg), mesh_h(cfg), unit,
                                       (int)window, rc->vcs * TC_COUNT, depth, err, sizeof err)) {
        char where[400];
        fprintf(stderr, "%s: %s\n", config_where(cfg, "chip.mesh_y", where, sizeof where), err);
        return 2;
    }
    if (o->waves && !(*nw = noc_waves_open(cfg, o->waves, &o->wave_sel, err, sizeof err))) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    return 0;
}

/* Every rate point, on the SystemC network when the command has one (sc->ctx),
 * else on the native mesh. 0, or 1 with the message printed. */
static int run_points(const struct config *cfg, const struct run_opts *o, const struct noc_net *sc,
                      struct partition *part, struct noc_waves *nw, struct noc_point *pts)
{
    char err[2048];
    const struct noc_cfg *nc = &cfg->noc;
    for (int i = 0; i < nc->n_rates; i++) {
        int failed = sc->ctx ? run_point(cfg, nc->rates[i], o->quiet, part, NULL, NULL, sc, &pts[i], err, sizeof err)
                             : noc_run_point_on(cfg, nc->rates[i], o->quiet, part, nw, &pts[i], err, sizeof err);
        if (failed) {
            fprintf(stderr, "ssnnsim: %s\n", err);
            return 1;
        }
    }
    return 0;
}

/* Closes the dump and, after a sweep that ran (rc 0), says where it is. Returns
 * the sweep's status. */
static int close_waves(const struct run_opts *o, struct noc_waves *nw, int rc)
{
    char err[2048];
    uint64_t flits = noc_waves_flits(nw);
    int bad = noc_waves_close(nw, err, sizeof err);
    if (rc) return rc;
    if (bad) {
        fprintf(stderr, "ssnnsim: %s\n", err);
        return 1;
    }
    if (!o->quiet)
        fprintf(stderr, "waves: %s, %llu flit traversals (open with: gtkwave %s %.*s.gtkw)\n", o->waves,
                (unsigned long long)flits, o->waves, (int)strlen(o->waves) - 4, o->waves);
    return 0;
}

/* The table on stdout; on stderr (not a result) the cost of a router-cycle and
 * how the mesh was cut. */
static void report(const struct run_opts *o, const struct partition *part, const struct noc_point *pts, int n)
{
    printf("%9s %9s %12s %12s %10s\n", "offered", "accepted", "latency_avg", "latency_p99", "packets");
    for (int i = 0; i < n; i++)
        printf("%9.4f %9.4f %12.3f %12llu %10llu%s\n", pts[i].offered, pts[i].accepted, pts[i].latency_avg,
               (unsigned long long)pts[i].latency_p99, (unsigned long long)pts[i].packets,
               pts[i].drained ? "" : "  not drained");
    double steps = 0, secs = 0, cycles = 0, cpu = 0;
    for (int i = 0; i < n; i++) {
        steps += (double)pts[i].router_steps;
        secs += pts[i].step_seconds;
        cycles += (double)pts[i].cycles;
        cpu += pts[i].cpu_seconds;
    }
    if (o->quiet) return;
    if (steps > 0)
        fprintf(stderr, "noc: mesh_step %.1f ns per active router-cycle (%.0f router-cycles in %.2f s)\n",
                1e9 * secs / steps, steps, secs);
    /* Per point, so a sweep's cost can be read load by load (tools/noc-booksim does). */
    for (int i = 0; i < n; i++)
        fprintf(stderr, "noc: offered %.4g: %llu cycles in %.4f CPU-s, %.0f cycles per CPU-s\n", pts[i].offered,
                (unsigned long long)pts[i].cycles, pts[i].cpu_seconds,
                pts[i].cpu_seconds > 0 ? (double)pts[i].cycles / pts[i].cpu_seconds : 0.0);
    if (cpu > 0)
        fprintf(stderr, "noc: %.0f cycles in %.3f CPU-s, %.0f cycles per CPU-s\n", cycles, cpu, cycles / cpu);
    if (part->size > 1)
        fprintf(stderr, "noc: %d ranks, rows %d..%d on rank 0, %llu boundary exchanges\n", part->size, part->row0,
                part->row1 - 1, (unsigned long long)part->exchanges);
}

/* The CSV (default results/noc-<config>.csv), its plot and the JSON (--out); 0 or 1. */
static int write_outputs(const struct config *cfg, const struct run_opts *o, const char *csv,
                         const struct noc_point *pts, int n, double t0, double bound)
{
    char csv_buf[1024], png[1200];
    if (!csv) {
        mkdir("results", 0755);
        csv = noc_table_path(cfg, csv_buf, sizeof csv_buf);
    }
    size_t cl = strlen(csv);
    snprintf(png, sizeof png, "%.*s.png", (int)(cl > 4 && !strcmp(csv + cl - 4, ".csv") ? cl - 4 : cl), csv);
    int bad = write_csv(csv, pts, n);
    if (!bad) {
        fprintf(stderr, "csv: %s\n", csv);
        write_plot(cfg, csv, png, t0, bound);
    }
    if (!bad && o->out) bad = write_json(cfg, o, pts, n, t0, bound);
    return bad ? 1 : 0;
}

int noc_command(const struct config *cfg, const struct run_opts *o, const char *csv)
{
    char err[2048];
    if (noc_check_config(cfg, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct noc_net sc;
    int bad_net = open_net(cfg, o, &sc);
    if (bad_net) return bad_net;
    const struct noc_cfg *nc = &cfg->noc;
    const struct router_cfg *rc = &cfg->chip.router;
    int n = nc->n_rates;
    struct noc_point *pts = calloc((size_t)n, sizeof *pts);
    if (!pts) {
        fprintf(stderr, "ssnnsim: out of memory\n");
        return 1;
    }
    double t0 = noc_zero_load_latency(cfg), bound = noc_throughput_bound(cfg);
    char note[400];
    printf("noc: %dx%d mesh, %s traffic (%s class), %d-flit packets; router: pipeline %d, link %d, "
           "buffers %d, %d VC per class%s\n",
           mesh_w(cfg), mesh_h(cfg), nc->traffic, nc->traffic_class, nc->packet_flits, rc->pipeline,
           rc->link_latency, rc->buffer_depth, rc->vcs, router_note(cfg, note, sizeof note));
    printf("zero-load latency %.3f cycles, throughput bound %.4f flits/node/cycle (analytic)\n", t0, bound);
    fflush(stdout);
    struct partition part;
    struct noc_waves *nw;
    int status = open_sweep(cfg, o, &part, &nw);
    if (!status) status = run_points(cfg, o, &sc, &part, nw, pts);
    if (nw) status = close_waves(o, nw, status);
    if (!status) report(o, &part, pts, n);
    partition_free(&part);
    if (!status && !o->mute) status = write_outputs(cfg, o, csv, pts, n, t0, bound);
    free(pts);
    return status;
}
