/* Waveform dumps read back: the signals are there under their hierarchical
 * names, the number of spikes in the dump equals the simulator's own counters,
 * and an FST dump (read through gtkwave's fst2vcd) and a VCD dump of the same
 * run agree. */
#include "check.h"
#include "chip.h"
#include "chip_waves.h"
#include "config.h"
#include "rng.h"
#include "ssnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int run(const char *path, struct ssnn_counters *out)
{
    static struct config cfg;
    const char *o[] = { "network.input=64", "network.hidden=48", "network.output=4", "dataset.rows=8",
                        "dataset.cols=8", "dataset.classes=4", "training.T=6", "training.beta=8",
                        "chip.mesh_x=3", "chip.mesh_y=3", "chip.core_neurons=16", "chip.xbar_rows=65",
                        "chip.xbar_cols=16", "chip.tiles_per_core=1" };
    struct config_override ov[16];
    for (int i = 0; i < 14; i++) ov[i] = (struct config_override){ o[i], 0, 0, 0, 0 };
    char err[1024];
    if (config_load("workloads/mnist.yaml", ov, 14, &cfg, err, sizeof err)) {
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

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/ssnn-waves-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    make_images();
    RUN(dump_spike_counts_equal_the_counters);
    RUN(fst_and_vcd_dumps_agree);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) return 1;
    CHECK_DONE();
}
