/* Waveform dumps read back: the signals are there under their hierarchical
 * names, the number of spikes in the dump equals the simulator's own counters,
 * and an FST dump (read through gtkwave's fst2vcd) and a VCD dump of the same
 * run agree; the same for the NoC-only dump (`ssnnsim noc --waves`), whose
 * flit count from the valid signals must equal the mesh's own counters. */
#include "check.h"
#include "scratch.h"
#include "chip.h"
#include "chip_waves.h"
#include "config.h"
#include "config_sets.h"
#include "dataset.h"
#include "noc.h"
#include "rng.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS 8
static uint8_t img[NS][64], lab[NS];
static char dir[128];

static void make_images(void)
{
    uint32_t st = 99;
    for (int i = 0; i < NS; i++) {
        lab[i] = (uint8_t)(i % 4);
        for (int p = 0; p < 64; p++) {
            int r = p / 8, c = p % 8, y = i % 4;
            int on = (y == 0 && r < 2) || (y == 1 && r > 5) || (y == 2 && c < 2) || (y == 3 && c > 5);
            img[i][p] = (uint8_t)(on ? 200 : (xorshift32(&st) & 255) < 30 ? 60 : 0);
        }
    }
}

/* Rising edges per leaf name ("fwd", "x", ...) over every 1-bit signal of a VCD. */
struct tally { char name[32]; long edges; };

static int vcd_tally(const char *path, struct tally *t, int nt, int *n_vars)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    static char idname[1 << 14][64];
    static char idval[1 << 14];
    static char ids[1 << 14][16];
    int nid = 0;
    *n_vars = 0;
    while (fgets(line, sizeof line, f)) {
        char id[16], name[64];
        int w;
        if (sscanf(line, "$var wire %d %15s %63s", &w, id, name) == 3) {
            (*n_vars)++;
            if (w == 1 && nid < (1 << 14)) {
                snprintf(ids[nid], sizeof ids[nid], "%s", id);
                snprintf(idname[nid], sizeof idname[nid], "%s", name);
                idval[nid] = '0';
                nid++;
            }
            continue;
        }
        if ((line[0] == '0' || line[0] == '1') && line[1] > ' ') {
            char *id2 = line + 1;
            id2[strcspn(id2, "\n")] = 0;
            for (int i = 0; i < nid; i++)
                if (!strcmp(ids[i], id2)) {
                    if (line[0] == '1' && idval[i] == '0')
                        for (int k = 0; k < nt; k++)
                            if (!strcmp(t[k].name, idname[i])) t[k].edges++;
                    idval[i] = line[0];
                    break;
                }
        }
    }
    fclose(f);
    return 0;
}

/* A bars network of the given layers on a 3x3 mesh (16 neurons a core, 65-row tiles). */
static int run_layers(const char *path, const char *layers, const char *tiles, struct ssnn_counters *out)
{
    static struct config cfg;
    const char *o[] = { layers, "dataset.rows=8",
                        "dataset.cols=8", "dataset.classes=4", "training.T=6", "training.beta=8",
                        "chip.mesh_x=3", "chip.mesh_y=3", "chip.core_neurons=16", "chip.xbar_rows=65",
                        "chip.xbar_cols=16", tiles };
    char err[1024];
    if (config_load_sets("workloads/mnist.yaml", o, sizeof o / sizeof o[0], NULL, 0, &cfg, err, sizeof err)) {
        printf("%s\n", err);
        return -1;
    }
    struct ssnn g;
    struct chip c;
    if (ssnn_init(&g, &cfg, err, sizeof err) || chip_init(&c, &cfg, &g, err, sizeof err)) return -1;
    struct wave_select sel = { "all", 64, 0, 0, 0, 0 };
    c.waves = chip_waves_open(&c, path, &sel, err, sizeof err);
    if (!c.waves) {
        printf("%s\n", err);
        return -1;
    }
    for (int i = 0; i < NS; i++)
        if (chip_train_sample(&c, img[i], lab[i], 6, 65536, err, sizeof err) < 0) return -1;
    if (chip_waves_close(c.waves, err, sizeof err)) return -1;
    c.waves = NULL;
    chip_gather(&c, &g);
    *out = g.c;
    chip_free(&c);
    ssnn_free(&g);
    return 0;
}

static int run(const char *path, struct ssnn_counters *out)
{
    return run_layers(path, "network.layers=[64, 48, 4]", "chip.tiles_per_core=1", out);
}

static char *slurp_text(const char *path);

/* The save file's group `group` (begun and ended by lines "-group") holds the
 * scope group "-scope". */
static int group_holds(const char *buf, const char *group, const char *scope)
{
    char g[64], sc[64];
    snprintf(g, sizeof g, "\n-%s\n", group);
    snprintf(sc, sizeof sc, "\n-%s\n", scope);
    const char *b = strstr(buf, g), *e = b ? strstr(b + 1, g) : NULL, *at = b ? strstr(b, sc) : NULL;
    return b && e && at && at < e;
}

/* Depth 2 (64-24-20-4: 4 input cores, 2 + 2 hidden, the output core at (2, 2)):
 * every core's scope names its layer, the save file groups the cores by layer
 * in the order of energy_pj.by_layer, and the spike streams still count what
 * the simulator counted. */
static void a_deep_dump_names_and_groups_the_cores_by_layer(void)
{
    char vcd[300];
    snprintf(vcd, sizeof vcd, "%s/deep.vcd", dir);
    struct ssnn_counters c;
    CHECK(run_layers(vcd, "network.layers=[64, 24, 20, 4]", "chip.tiles_per_core=2", &c) == 0,
          "depth-2 chip run with a VCD dump failed");
    struct tally t[] = { { "fwd", 0 }, { "grad_pos", 0 }, { "grad_neg", 0 }, { "win", 0 } };
    int nv = 0;
    CHECK(vcd_tally(vcd, t, 4, &nv) == 0, "cannot read %s", vcd);
    const uint64_t want[] = { c.hidden_spikes, c.grad_pos, c.grad_neg, c.steps };
    for (int k = 0; k < 4; k++)
        CHECK((uint64_t)t[k].edges == want[k], "%s: %ld spikes in the dump, %llu counted by the simulator",
              t[k].name, t[k].edges, (unsigned long long)want[k]);
    char gtkw[300];
    snprintf(gtkw, sizeof gtkw, "%s/deep.gtkw", dir);
    const char *buf = slurp_text(gtkw);
    if (!buf) { CHECK(0, "no %s", gtkw); return; }
    static const struct { const char *group, *scope; } in[] = {
        { "input", "core_0_0_in" }, { "input", "core_0_1_in" }, { "hidden_1", "core_1_1_h1" },
        { "hidden_1", "core_2_1_h1" }, { "hidden_2", "core_0_2_h2" }, { "hidden_2", "core_1_2_h2" },
        { "output", "core_2_2_out" },
    };
    for (size_t k = 0; k < sizeof in / sizeof in[0]; k++)
        CHECK(group_holds(buf, in[k].group, in[k].scope), "save file: group %s does not hold %s", in[k].group,
              in[k].scope);
    CHECK(!group_holds(buf, "hidden_1", "core_0_2_h2") && !group_holds(buf, "hidden_2", "core_2_2_out") &&
          strstr(buf, "-hidden_1\n") < strstr(buf, "-hidden_2\n") && strstr(buf, "chip.core_1_1_h1.n000.grad_pos"),
          "save file: a group holds another layer's core, or the layers are out of order");
}

static void dump_spike_counts_equal_the_counters(void)
{
    char vcd[300];
    snprintf(vcd, sizeof vcd, "%s/run.vcd", dir);
    struct ssnn_counters c;
    CHECK(run(vcd, &c) == 0, "chip run with a VCD dump failed");
    struct tally t[] = { { "x", 0 }, { "fwd", 0 }, { "deriv", 0 }, { "grad_pos", 0 }, { "grad_neg", 0 },
                         { "back_pos", 0 }, { "back_neg", 0 }, { "win", 0 }, { "err_pos", 0 }, { "err_neg", 0 } };
    int nv = 0;
    CHECK(vcd_tally(vcd, t, 10, &nv) == 0, "cannot read %s", vcd);
    const uint64_t want[] = { c.input_spikes, c.hidden_spikes, c.deriv_spikes, c.grad_pos, c.grad_neg,
                              c.back_pos, c.back_neg, c.steps, c.err_pos, c.err_neg };
    for (int k = 0; k < 10; k++)
        CHECK((uint64_t)t[k].edges == want[k], "%s: %ld spikes in the dump, %llu counted by the simulator",
              t[k].name, t[k].edges, (unsigned long long)want[k]);
    CHECK(c.hidden_spikes > 0 && c.grad_pos + c.grad_neg > 0, "the run produced no spikes to compare");
    char gtkw[300];
    snprintf(gtkw, sizeof gtkw, "%s/run.gtkw", dir);
    FILE *g = fopen(gtkw, "r");
    static char buf[1 << 20];
    size_t n = g ? fread(buf, 1, sizeof buf - 1, g) : 0;
    buf[n] = 0;
    if (g) fclose(g);
    /* Hidden neuron 32 lives on the third hidden core, node 6 = (0, 2) of the 3x3 mesh. */
    CHECK(strstr(buf, "[dumpfile] \"run.vcd\"") && strstr(buf, "chip.core_0_2.n032.fwd") &&
          strstr(buf, "chip.core_0_2.n032.membrane[31:0]") && strstr(buf, "-core_0_2") &&
          strstr(buf, "chip.router_0_2.L_valid") && strstr(buf, "chip.router_0_2.N_occupancy[7:0]") &&
          strstr(buf, "chip.router_0_2.E_credits[7:0]") && strstr(buf, "chip.core_0_2.energy_fj[63:0]"),
          "save file lacks the dump name, a neuron's streams or its group:\n%.300s", buf);
}

static void fst_and_vcd_dumps_agree(void)
{
    char vcd[300], fst[300], conv[300], cmd[1000];
    snprintf(vcd, sizeof vcd, "%s/a.vcd", dir);
    snprintf(fst, sizeof fst, "%s/a.fst", dir);
    snprintf(conv, sizeof conv, "%s/a-from-fst.vcd", dir);
    struct ssnn_counters c1, c2;
    CHECK(run(vcd, &c1) == 0 && run(fst, &c2) == 0, "runs failed");
    snprintf(cmd, sizeof cmd, "fst2vcd -f '%s' -o '%s' >/dev/null 2>&1", fst, conv);
    if (system(cmd) != 0) {
        CHECK(0, "fst2vcd (package gtkwave) failed or is missing: %s", cmd);
        return;
    }
    struct tally a[] = { { "x", 0 }, { "fwd", 0 }, { "grad_pos", 0 }, { "grad_neg", 0 }, { "win", 0 }, { "N_valid", 0 },
                         { "L_valid", 0 } };
    struct tally b[7];
    memcpy(b, a, sizeof a);
    int na = 0, nb = 0;
    vcd_tally(vcd, a, 7, &na);
    vcd_tally(conv, b, 7, &nb);
    CHECK(na == nb && na > 100, "VCD declares %d signals, FST %d", na, nb);
    for (int k = 0; k < 7; k++)
        CHECK(a[k].edges == b[k].edges && a[k].edges > 0, "%s: VCD %ld, FST %ld", a[k].name, a[k].edges, b[k].edges);
}

/* ---- size of a dump of the real network -------------------------------------- */

/* Ten training samples of 784-500-10 on the default chip, with the selection of
 * workloads/base.yaml widened to those ten samples; returns the dump's bytes. */
static long mnist_dump_bytes(const char *path, const char **data)
{
    static struct config cfg;
    char err[1024];
    if (config_load("workloads/mnist.yaml", NULL, 0, &cfg, err, sizeof err)) {
        printf("%s\n", err);
        return -1;
    }
    static uint8_t px[10][784];
    int lab[10];
    struct dataset d;
    struct dataset_spec spec = dataset_spec_of(&cfg.dataset, 0, 10);
    if (dataset_load(&spec, &d, err, sizeof err) == 0) {
        memcpy(px, d.images, sizeof px);
        for (int i = 0; i < 10; i++) lab[i] = d.labels[i];
        dataset_free(&d);
        *data = "MNIST";
    } else {
        /* No data fetched (make data): strokes of about MNIST's ink, one per class. */
        for (int i = 0; i < 10; i++) {
            lab[i] = i;
            for (int p = 0; p < 784; p++) {
                int r = p / 28, c = p % 28;
                px[i][p] = (uint8_t)((r > 4 && r < 24 && (c + r * i / 9) % 28 > 10 && (c + r * i / 9) % 28 < 16) ? 240 : 0);
            }
        }
        *data = "generated strokes";
    }
    struct ssnn g;
    struct chip c;
    if (ssnn_init(&g, &cfg, err, sizeof err) || chip_init(&c, &cfg, &g, err, sizeof err)) {
        printf("%s\n", err);
        return -1;
    }
    struct wave_select sel = { "", cfg.waves.neurons, 0, 10, 0, 0 };
    snprintf(sel.cores, sizeof sel.cores, "%s", cfg.waves.cores);
    c.waves = chip_waves_open(&c, path, &sel, err, sizeof err);
    long rc = c.waves ? 0 : -1;
    for (int i = 0; i < 10 && !rc; i++)
        if (chip_train_sample(&c, px[i], lab[i], cfg.training.T, 65536, err, sizeof err) < 0) rc = -1;
    if (c.waves && chip_waves_close(c.waves, err, sizeof err)) rc = -1;
    c.waves = NULL;
    chip_free(&c);
    ssnn_free(&g);
    if (rc) {
        printf("%s\n", err);
        return -1;
    }
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

static void ten_samples_of_784_500_10_stay_under_50_mb(void)
{
    char vcd[300], fst[300];
    snprintf(vcd, sizeof vcd, "%s/ten.vcd", dir);
    snprintf(fst, sizeof fst, "%s/ten.fst", dir);
    const char *data = "";
    long v = mnist_dump_bytes(vcd, &data), f = mnist_dump_bytes(fst, &data);
    printf("10 samples of 784-500-10 (%s), default selection: VCD %.2f MB, FST %.2f MB\n", data, v / 1e6, f / 1e6);
    CHECK(v > 0 && f > 0, "dumps failed: VCD %ld bytes, FST %ld bytes", v, f);
    CHECK(v < 50000000 && f < 50000000, "VCD %ld bytes, FST %ld bytes: over 50 MB", v, f);
}

/* ---- the NoC alone --------------------------------------------------------------- */

static char *slurp_text(const char *path)
{
    FILE *g = fopen(path, "r");
    static char buf[1 << 20];
    size_t n = g ? fread(buf, 1, sizeof buf - 1, g) : 0;
    buf[n] = 0;
    if (g) fclose(g);
    return buf;
}

/* A 4x4 mesh, two rates, short windows; sums the counters of the dumped points. */
static int noc_run(const char *path, const struct wave_select *sel, struct mesh_counters *sum, uint64_t *flits)
{
    static struct config cfg;
    const char *o[] = { "chip.mesh_x=4", "chip.mesh_y=4", "noc.rates=[0.1, 0.45]", "noc.warmup_cycles=200",
                        "noc.measure_cycles=600", "noc.drain_cycles=3000" };
    char err[1024];
    if (config_load_sets("workloads/noc/uniform.yaml", o, 6, NULL, 0, &cfg, err, sizeof err)) {
        printf("%s\n", err);
        return -1;
    }
    struct noc_waves *nw = noc_waves_open(&cfg, path, sel, err, sizeof err);
    if (!nw) {
        printf("%s\n", err);
        return -1;
    }
    memset(sum, 0, sizeof *sum);
    for (int i = 0; i < cfg.noc.n_rates; i++) {
        struct noc_point pt;
        if (noc_run_point(&cfg, cfg.noc.rates[i], 1, nw, &pt, err, sizeof err)) {
            printf("%s\n", err);
            return -1;
        }
        if (i < sel->sample_first || (sel->samples > 0 && i >= sel->sample_first + sel->samples)) continue;
        sum->switch_traversals += pt.counters.switch_traversals;
        sum->flits_ejected += pt.counters.flits_ejected;
    }
    *flits = noc_waves_flits(nw);
    return noc_waves_close(nw, err, sizeof err);
}

static struct tally port_tally[] = { { "N_valid", 0 }, { "E_valid", 0 }, { "S_valid", 0 }, { "W_valid", 0 },
                                     { "L_valid", 0 }, { "measuring", 0 } };
#define N_PORT_TALLY 6

static void noc_dump_flits_equal_the_mesh_counters(void)
{
    char vcd[300];
    snprintf(vcd, sizeof vcd, "%s/noc.vcd", dir);
    struct wave_select all = { "all", 0, 0, 0, 0, 0 };
    struct mesh_counters c;
    uint64_t flits = 0;
    CHECK(noc_run(vcd, &all, &c, &flits) == 0, "noc run with a VCD dump failed");
    struct tally t[N_PORT_TALLY];
    memcpy(t, port_tally, sizeof t);
    int nv = 0;
    CHECK(vcd_tally(vcd, t, N_PORT_TALLY, &nv) == 0, "cannot read %s", vcd);
    long valid = t[0].edges + t[1].edges + t[2].edges + t[3].edges + t[4].edges;
    CHECK((uint64_t)valid == c.switch_traversals && flits == c.switch_traversals,
          "%ld valid pulses in the dump, %llu written, %llu switch traversals counted by the mesh", valid,
          (unsigned long long)flits, (unsigned long long)c.switch_traversals);
    CHECK((uint64_t)t[4].edges == c.flits_ejected, "%ld L_valid pulses, %llu flits ejected", t[4].edges,
          (unsigned long long)c.flits_ejected);
    CHECK(t[5].edges == 2, "the measurement window opened %ld times over two points", t[5].edges);
    CHECK(nv == 3 + 16 * 14, "%d signals declared, expected 3 + 16 routers x 14", nv);
    char gtkw[300];
    snprintf(gtkw, sizeof gtkw, "%s/noc.gtkw", dir);
    const char *g = slurp_text(gtkw);
    CHECK(strstr(g, "chip.router_3_2.W_valid") && strstr(g, "chip.router_0_0.L_occupancy[7:0]") &&
              strstr(g, "chip.router_1_1.E_credits[7:0]") && strstr(g, "chip.offered_milli[15:0]"),
          "save file lacks the router signals:\n%.300s", g);
}

static void noc_fst_and_vcd_dumps_agree(void)
{
    char vcd[300], fst[300], conv[300], cmd[1000];
    snprintf(vcd, sizeof vcd, "%s/n.vcd", dir);
    snprintf(fst, sizeof fst, "%s/n.fst", dir);
    snprintf(conv, sizeof conv, "%s/n-from-fst.vcd", dir);
    struct wave_select all = { "all", 0, 0, 0, 0, 0 };
    struct mesh_counters c1, c2;
    uint64_t f1, f2;
    CHECK(noc_run(vcd, &all, &c1, &f1) == 0 && noc_run(fst, &all, &c2, &f2) == 0, "runs failed");
    snprintf(cmd, sizeof cmd, "fst2vcd -f '%s' -o '%s' >/dev/null 2>&1", fst, conv);
    if (system(cmd) != 0) {
        CHECK(0, "fst2vcd (package gtkwave) failed or is missing: %s", cmd);
        return;
    }
    struct tally a[N_PORT_TALLY], b[N_PORT_TALLY];
    memcpy(a, port_tally, sizeof a);
    memcpy(b, port_tally, sizeof b);
    int na = 0, nb = 0;
    vcd_tally(vcd, a, N_PORT_TALLY, &na);
    vcd_tally(conv, b, N_PORT_TALLY, &nb);
    CHECK(na == nb && na > 100, "VCD declares %d signals, FST %d", na, nb);
    for (int k = 0; k < N_PORT_TALLY; k++)
        CHECK(a[k].edges == b[k].edges && a[k].edges > 0, "%s: VCD %ld, FST %ld", a[k].name, a[k].edges, b[k].edges);
}

/* Routers 5 and 6 only, the second point only, a cycle window inside it: the
 * dump holds those routers, and no value change outside the window. */
static void noc_selection_limits_routers_points_and_cycles(void)
{
    char vcd[300];
    snprintf(vcd, sizeof vcd, "%s/sel.vcd", dir);
    struct wave_select all = { "all", 0, 0, 0, 0, 0 };
    struct mesh_counters c;
    uint64_t flits_all = 0, flits = 0;
    CHECK(noc_run(vcd, &all, &c, &flits_all) == 0, "noc run failed");
    /* Point 1 starts after point 0's cycles: find them from a run of point 0 alone. */
    struct wave_select first = { "all", 0, 0, 1, 0, 0 };
    CHECK(noc_run(vcd, &first, &c, &flits) == 0, "noc run failed");
    const char *text = slurp_text(vcd);
    unsigned long long end0 = 0;
    for (const char *p = text; (p = strchr(p, '#')); p++) end0 = strtoull(p + 1, NULL, 10);
    uint64_t a = end0 + 250, b = end0 + 450;
    struct wave_select sel = { "5,6", 0, 1, 1, a, b };
    CHECK(noc_run(vcd, &sel, &c, &flits) == 0, "noc run with a selection failed");
    struct tally t[N_PORT_TALLY];
    memcpy(t, port_tally, sizeof t);
    int nv = 0;
    vcd_tally(vcd, t, N_PORT_TALLY, &nv);
    long valid = t[0].edges + t[1].edges + t[2].edges + t[3].edges + t[4].edges;
    CHECK(nv == 3 + 2 * 14, "%d signals declared, expected 3 + 2 routers x 14", nv);
    CHECK(valid > 0 && (uint64_t)valid == flits && flits < flits_all / 10,
          "%ld valid pulses in the window, %llu written, %llu in the whole dump", valid, (unsigned long long)flits,
          (unsigned long long)flits_all);
    text = slurp_text(vcd);
    unsigned long long lo = ~0ull, hi = 0;
    for (const char *p = text; (p = strchr(p, '#')); p++) {
        unsigned long long x = strtoull(p + 1, NULL, 10);
        if (x == 0) continue;               /* the initial values */
        if (x < lo) lo = x;
        if (x > hi) hi = x;
    }
    CHECK(lo >= a && hi <= b + 2, "value changes from cycle %llu to %llu, window %llu..%llu", lo, hi,
          (unsigned long long)a, (unsigned long long)b);
    char gtkw[300];
    snprintf(gtkw, sizeof gtkw, "%s/sel.gtkw", dir);
    const char *g = slurp_text(gtkw);
    CHECK(strstr(g, "chip.router_1_1.N_valid") && strstr(g, "chip.router_2_1.N_valid") && !strstr(g, "router_0_0"),
          "save file holds other routers:\n%.300s", g);
    char start[64];
    snprintf(start, sizeof start, "[timestart] %llu\n", (unsigned long long)a);
    CHECK(strstr(g, start), "save file does not open at the window (%s):\n%.200s", start, g);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/ssnn-waves-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    make_images();
    RUN(dump_spike_counts_equal_the_counters);
    RUN(fst_and_vcd_dumps_agree);
    RUN(a_deep_dump_names_and_groups_the_cores_by_layer);
    RUN(ten_samples_of_784_500_10_stay_under_50_mb);
    RUN(noc_dump_flits_equal_the_mesh_counters);
    RUN(noc_fst_and_vcd_dumps_agree);
    RUN(noc_selection_limits_routers_points_and_cycles);
    if (scratch_remove_tree(dir)) return 1;
    CHECK_DONE();
}
