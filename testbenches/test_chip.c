/* Cycle-level chip against the golden model: identical conductance states,
 * spike counts and WTA decisions, bit for bit, over a matrix of mappings
 * (one core per layer, layers split over many cores, meshes 2x2 to 8x8) and NoC
 * settings (buffer depth, pipeline depth, virtual channels), ideal and non-ideal
 * devices, one to four hidden layers (docs/chip.md "Depth"). Plus: unmappable
 * networks are refused, and the comparison catches a planted one-state
 * difference and a backward read through the wrong matrix. */
#include "bars.h"
#include "check.h"
#include "chip.h"
#include "config.h"
#include "config_sets.h"
#include "rng.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIN 64
#define NSAMPLES 24

static uint8_t images[NSAMPLES][NIN];
static uint8_t labels[NSAMPLES];

/* Four classes of 8x8 bars with noise (bars.h). */
static void make_images(void)
{
    bars_make(&images[0][0], labels, NSAMPLES, 12345, 40, 3);
}

/* A config from the MNIST workload, resized to the bars and the given chip. */
static int load(struct config *cfg, const char *const *extra, int n_extra)
{
    static const char *const base[] = {
        "network.layers=[64, 48, 4]", "dataset.rows=8", "dataset.cols=8",
        "dataset.classes=4", "training.T=6", "training.beta=8",
    };
    return config_load_sets("workloads/mnist.yaml", base, sizeof base / sizeof base[0], extra, n_extra, cfg, NULL, 0);
}

/* Planted bug 2: the first core of hidden layer 1 reads layer 2's gradient spikes
 * through its own W1 (the matrix below) instead of its mirror of W2's rows. */
static void plant_wrong_backward_matrix(struct chip *chip)
{
    struct core *q = &chip->cores[chip->sh.n_input_cores];
    for (int t = 0; t < q->n_mirror; t++) {
        struct crossbar *m = &q->mirror[t];
        for (int r = 0; r < m->rows; r++)
            for (int j = 0; j < m->cols; j++) {
                int row = m->row0 + r, xr = chip->sh.xbar_rows;
                const struct crossbar *w = &q->tiles[row / xr];
                m->cells.w[(size_t)r * m->cols + j] =
                    row / xr < q->n_tiles && row % xr < w->rows ? w->cells.w[(size_t)(row % xr) * w->cols + j] : 0;
            }
    }
}

/* Trains golden and chip side by side; returns 0 when states, counters and
 * every WTA decision agree, else 1 (and explains through CHECK). plant_bug 1:
 * one W1 state off by one; 2: plant_wrong_backward_matrix. */
static int compare(const char *what, const char *const *extra, int n_extra, int plant_bug)
{
    static struct config cfg;
    if (load(&cfg, extra, n_extra)) {
        CHECK(0, "%s: config refused", what);
        return 1;
    }
    struct ssnn g, h;
    struct chip chip;
    char err[1024];
    if (ssnn_init(&g, &cfg, err, sizeof err) || ssnn_init(&h, &cfg, err, sizeof err)) return 1;
    if (chip_init(&chip, &cfg, &h, err, sizeof err)) {
        CHECK(0, "%s: chip_init: %s", what, err);
        ssnn_free(&g);
        ssnn_free(&h);
        return 1;
    }
    chip.check = 1;
    if (plant_bug == 1) chip.cores[chip.sh.n_input_cores].tiles[0].cells.w[5] += 1;
    if (plant_bug == 2) plant_wrong_backward_matrix(&chip);
    int diverged = 0;
    for (int i = 0; i < NSAMPLES && !diverged; i++) {
        /* training.pulse_steps: one "epoch" per 8 samples, last entry repeats */
        int e = i / 8 < cfg.training.n_pulse ? i / 8 : cfg.training.n_pulse - 1;
        ssnn_set_pulse_steps(&g, (int)cfg.training.pulse_steps[e]);
        chip_set_pulse_steps(&chip, (int)cfg.training.pulse_steps[e]);
        int a = ssnn_train_sample(&g, images[i], labels[i], cfg.training.T, i < 16 ? 65536 : 40000);
        int b = chip_train_sample(&chip, images[i], labels[i], cfg.training.T, i < 16 ? 65536 : 40000, err,
                                  sizeof err);
        if (b < 0) {
            CHECK(0, "%s: sample %d: %s", what, i, err);
            diverged = 1;
        } else if (a != b) {
            if (!plant_bug) CHECK(0, "%s: sample %d: golden read-out %d, chip %d", what, i, a, b);
            diverged = 1;
        }
    }
    /* Inference on fresh evaluation streams, both engines. */
    struct ssnn_streams sg, sc;
    ssnn_streams_alloc(&sg, &g);
    ssnn_streams_alloc(&sc, &g);
    ssnn_streams_seed(&sg, &g, RNG_EVAL);
    ssnn_streams_seed(&sc, &g, RNG_EVAL);
    for (int i = 0; i < 6 && !diverged; i++) {
        uint32_t wg[4], wc[4];
        ssnn_infer_wta(&g, &sg, images[i], 8, wg);
        if (chip_infer_wta(&chip, &sc, images[i], 8, wc, err, sizeof err) < 0 || memcmp(wg, wc, sizeof wg)) {
            if (!plant_bug) CHECK(0, "%s: inference of sample %d differs", what, i);
            diverged = 1;
        }
    }
    chip_gather(&chip, &h);
    char sa[65], sb[65];
    ssnn_weights_sha256(&g, sa);
    ssnn_weights_sha256(&h, sb);
    int same_counters = !memcmp(&g.c, &h.c, sizeof g.c);
    for (int l = 0; l < g.depth; l++) {
        int same = !memcmp(&g.layer[l].c, &h.layer[l].c, sizeof g.layer[l].c);
        if (!plant_bug)
            CHECK(same, "%s: layer %d's counters differ (golden %llu hidden / %llu grad+ / %llu back reads; chip %llu / "
                  "%llu / %llu)", what, l + 1, (unsigned long long)g.layer[l].c.hidden_spikes,
                  (unsigned long long)g.layer[l].c.grad_pos, (unsigned long long)g.layer[l].c.syn_ops_back,
                  (unsigned long long)h.layer[l].c.hidden_spikes, (unsigned long long)h.layer[l].c.grad_pos,
                  (unsigned long long)h.layer[l].c.syn_ops_back);
        same_counters &= same;
    }
    if (strcmp(sa, sb)) diverged = 1;
    if (!same_counters) diverged = 1;
    if (!plant_bug) {
        CHECK(!strcmp(sa, sb), "%s: weights golden %.16s chip %.16s", what, sa, sb);
        CHECK(same_counters, "%s: spike counts differ (golden %llu hidden / %llu grad+ ; chip %llu / %llu)", what,
              (unsigned long long)g.c.hidden_spikes, (unsigned long long)g.c.grad_pos,
              (unsigned long long)h.c.hidden_spikes, (unsigned long long)h.c.grad_pos);
        CHECK(chip.c.cycles > 0 && chip.c.steps == (uint64_t)NSAMPLES * (uint64_t)cfg.training.T,
              "%s: %llu cycles, %llu steps", what, (unsigned long long)chip.c.cycles,
              (unsigned long long)chip.c.steps);
    }
    ssnn_streams_free(&sg);
    ssnn_streams_free(&sc);
    chip_free(&chip);
    ssnn_free(&g);
    ssnn_free(&h);
    return diverged;
}

static void chip_matches_golden_with_one_core_per_layer(void)
{
    const char *x[] = { "chip.mesh_x=2", "chip.mesh_y=2", "chip.core_neurons=64", "chip.xbar_rows=128",
                        "chip.xbar_cols=64", "chip.tiles_per_core=1" };
    compare("2x2, one core per layer", x, 6, 0);
}

static void chip_matches_golden_with_layers_split_over_many_cores(void)
{
    const char *x[] = { "chip.mesh_x=4", "chip.mesh_y=4", "chip.core_neurons=12", "chip.xbar_rows=16",
                        "chip.xbar_cols=16", "chip.tiles_per_core=5" };
    compare("4x4, 6 input + 4 hidden cores, 5 tiles each", x, 6, 0);
}

static void chip_matches_golden_on_an_8x8_mesh(void)
{
    const char *x[] = { "chip.mesh_x=8", "chip.mesh_y=8", "chip.core_neurons=4", "chip.xbar_rows=32",
                        "chip.xbar_cols=4", "chip.tiles_per_core=3" };
    compare("8x8, 16 input + 12 hidden cores", x, 6, 0);
}

/* One column, one row: a mesh one router wide routes every flit along y (x). The
 * row of a node id came from a 32-bit reciprocal of mesh_x, which is 2^32 at
 * mesh_x = 1 and wrapped to 0: every flit went east, off the mesh (a segfault). */
static void chip_matches_golden_on_a_one_wide_mesh(void)
{
    const char *col[] = { "chip.mesh_x=1", "chip.mesh_y=8", "chip.core_neurons=16", "chip.xbar_rows=65",
                          "chip.xbar_cols=16", "chip.tiles_per_core=1" };
    compare("1x8 mesh", col, 6, 0);
    const char *row[] = { "chip.mesh_x=8", "chip.mesh_y=1", "chip.core_neurons=16", "chip.xbar_rows=65",
                          "chip.xbar_cols=16", "chip.tiles_per_core=1" };
    compare("8x1 mesh", row, 6, 0);
}

static void chip_matches_golden_across_noc_settings(void)
{
    const int depth[] = { 1, 2, 8 }, pipe[] = { 1, 2, 4 }, vcs[] = { 1, 2 };
    char b[64], p[64], v[64], l[64];
    for (int a = 0; a < 3; a++)
        for (int q = 0; q < 3; q++)
            for (int w = 0; w < 2; w++) {
                snprintf(b, sizeof b, "chip.router.buffer_depth=%d", depth[a]);
                snprintf(p, sizeof p, "chip.router.pipeline=%d", pipe[q]);
                snprintf(v, sizeof v, "chip.router.vcs=%d", vcs[w]);
                snprintf(l, sizeof l, "chip.router.link_latency=%d", 1 + (a + q + w) % 3);
                const char *x[] = { "chip.mesh_x=3", "chip.mesh_y=3", "chip.core_neurons=16", "chip.xbar_rows=65",
                                    "chip.xbar_cols=16", "chip.tiles_per_core=1", b, p, v, l };
                char what[160];
                snprintf(what, sizeof what, "3x3, depth %d, pipeline %d, %d VCs", depth[a], pipe[q], vcs[w]);
                compare(what, x, 10, 0);
            }
}

static void chip_matches_golden_with_a_non_ideal_device(void)
{
    const char *x[] = { "device=workloads/devices/gokmen-vlasov.yaml", "device.read_noise=0.02", "chip.mesh_x=3",
                        "chip.mesh_y=3", "chip.core_neurons=20", "chip.xbar_rows=24", "chip.xbar_cols=20",
                        "chip.tiles_per_core=3", "device.soft_bounds=true" };
    compare("non-ideal device, split tiles", x, 9, 0);
}

static void chip_matches_golden_with_a_pulse_amplitude_schedule(void)
{
    const char *x[] = { "chip.mesh_x=4", "chip.mesh_y=4", "chip.core_neurons=12", "chip.xbar_rows=16",
                        "chip.xbar_cols=16", "chip.tiles_per_core=5", "training.pulse_steps=[4, 2, 1]" };
    compare("pulse_steps [4, 2, 1], split tiles", x, 7, 0);
    const char *y[] = { "device=workloads/devices/gokmen-vlasov.yaml", "chip.mesh_x=3", "chip.mesh_y=3",
                        "chip.core_neurons=20", "chip.xbar_rows=24", "chip.xbar_cols=20", "chip.tiles_per_core=3",
                        "device.soft_bounds=true", "training.pulse_steps=[3, 1]" };
    compare("pulse_steps [3, 1], non-ideal device", y, 9, 0);
}

/* Chips drawn at random (fixed seed): mesh shape, core size, lanes, tile shape and
 * count, router depth, pipeline, links and VCs, T, the depth (1..4 hidden layers)
 * and every hidden width. Each one the mapper accepts must train as the golden
 * model does (one-wide meshes among them: the old 32-bit row reciprocal segfaults
 * this test too; the rest are refused, as the last test checks such refusals). */
static void chip_matches_golden_on_random_chips(void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int mapped = 0, tried = 0, deep[5] = { 0 };
    for (int i = 0; i < 1000; i++) {
        int v[13];
        const int lo[13] = { 1, 1, 4, 1, 16, 4, 1, 1, 1, 1, 1, 5, 1 };
        const int hi[13] = { 8, 8, 48, 20, 80, 48, 6, 6, 4, 4, 3, 60, 8 };
        for (int k = 0; k < 13; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* the smallest value one time in six: edges (a one-wide mesh, one lane,
             * one-flit buffers) are where index arithmetic breaks */
            v[k] = x % 6 == 0 ? lo[k] : lo[k] + (int)((x >> 2) % (uint64_t)(hi[k] - lo[k] + 1));
        }
        char o[13][64];
        const char *key[13] = { "chip.mesh_x", "chip.mesh_y", "chip.core_neurons", "chip.neuron_lanes",
                                "chip.xbar_rows", "chip.xbar_cols", "chip.tiles_per_core", "chip.router.buffer_depth",
                                "chip.router.pipeline", "chip.router.link_latency", "chip.router.vcs",
                                "network.layers", "training.T" };
        const char *ov[13];
        /* the depth, then the widths of hidden layers 2..L */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int depth = 1 + (int)((x >> 3) % 4);
        for (int k = 0; k < 13; k++) {
            if (k == 11) {
                int at = snprintf(o[k], sizeof o[k], "%s=[64, %d", key[k], v[k]);
                for (int l = 2; l <= depth; l++) {
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    at += snprintf(o[k] + at, sizeof o[k] - (size_t)at, ", %d", 5 + (int)((x >> 5) % 56));
                }
                snprintf(o[k] + at, sizeof o[k] - (size_t)at, ", 4]");
            } else {
                snprintf(o[k], sizeof o[k], "%s=%d", key[k], v[k]);
            }
            ov[k] = o[k];
        }
        static struct config cfg;
        if (load(&cfg, ov, 13)) continue;
        struct ssnn g;
        struct chip chip;
        char err[1024];
        tried++;
        if (ssnn_init(&g, &cfg, err, sizeof err)) continue;
        int ok = chip_init(&chip, &cfg, &g, err, sizeof err) == 0;
        if (ok) chip_free(&chip);
        ssnn_free(&g);
        if (!ok) continue;      /* unmappable: refused with a position (tested below) */
        mapped++;
        deep[depth]++;
        char what[900];
        snprintf(what, sizeof what, "random chip %d: %s %s %s %s %s %s %s %s %s %s %s %s %s", i, o[0], o[1], o[2],
                 o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12]);
        compare(what, ov, 13, 0);
    }
    CHECK(tried == 1000 && mapped >= 60 && deep[2] >= 10 && deep[3] >= 10 && deep[4] >= 10,
          "%d of 1000 random chips loaded, %d mapped (%d, %d, %d, %d at depth 1..4): the draw tests too little", tried,
          mapped, deep[1], deep[2], deep[3], deep[4]);
    printf("  %d of 1000 random chips mapped and matched the golden model (%d, %d, %d, %d at depth 1, 2, 3, 4)\n",
           mapped, deep[1], deep[2], deep[3], deep[4]);
}

/* Depth 2, 3, 4: layers split over several cores, both ways of a tile split,
 * 2 VCs per class, a non-ideal device, per-layer gains and pulse amplitudes. */
static void chip_matches_golden_at_depth_2_3_and_4(void)
{
    const char *d2[] = { "network.layers=[64, 40, 24, 4]", "chip.mesh_x=4", "chip.mesh_y=4", "chip.core_neurons=16",
                         "chip.xbar_rows=24", "chip.xbar_cols=16", "chip.tiles_per_core=5", "chip.router.vcs=2" };
    compare("depth 2: 64-40-24-4, 4 input + 3 + 2 hidden cores, 2 VCs", d2, 8, 0);
    const char *d3[] = { "network.layers=[64, 30, 20, 12, 4]", "chip.mesh_x=4", "chip.mesh_y=3", "chip.core_neurons=16",
                         "chip.xbar_rows=65", "chip.xbar_cols=16", "chip.tiles_per_core=2",
                         "training.beta_layers=[6, 8, 8]", "training.pulse_steps_layers=[2, 1, 1, 1]" };
    compare("depth 3: 64-30-20-12-4, per-layer beta and pulse amplitude", d3, 9, 0);
    const char *d4[] = { "network.layers=[64, 24, 20, 16, 12, 4]", "chip.mesh_x=3", "chip.mesh_y=3",
                         "chip.core_neurons=32", "chip.xbar_rows=65", "chip.xbar_cols=32", "chip.tiles_per_core=2",
                         "chip.router.pipeline=2", "chip.router.link_latency=2" };
    compare("depth 4: 64-24-20-16-12-4, one core per layer", d4, 9, 0);
    const char *nd[] = { "network.layers=[64, 30, 20, 4]", "device=workloads/devices/gokmen-vlasov.yaml",
                         "device.read_noise=0.02", "device.soft_bounds=true", "chip.mesh_x=3", "chip.mesh_y=3",
                         "chip.core_neurons=20", "chip.xbar_rows=24", "chip.xbar_cols=20", "chip.tiles_per_core=5",
                         "training.pulse_steps=[3, 1]" };
    compare("depth 2, non-ideal device, read noise, pulse_steps [3, 1]", nd, 11, 0);
}

static void comparison_catches_a_backward_read_through_the_wrong_matrix(void)
{
    const char *x[] = { "network.layers=[64, 40, 24, 4]", "chip.mesh_x=4", "chip.mesh_y=4", "chip.core_neurons=16",
                        "chip.xbar_rows=24", "chip.xbar_cols=16", "chip.tiles_per_core=5" };
    CHECK(compare("planted: layer 2's gradient spikes read through W1", x, 7, 2) == 1,
          "a chip reading layer 2's gradient spikes through W1 instead of W2 still matched the golden model");
}

static void comparison_catches_a_planted_one_state_difference(void)
{
    const char *x[] = { "chip.mesh_x=3", "chip.mesh_y=3", "chip.core_neurons=16", "chip.xbar_rows=65",
                        "chip.xbar_cols=16", "chip.tiles_per_core=1" };
    CHECK(compare("planted bug", x, 6, 1) == 1, "a chip with one W1 state off by one still matched the golden model");
}

static void deep_networks_that_do_not_fit_are_refused_with_a_position(void)
{
    static struct config cfg;
    const char *cores[] = { "network.layers=[64, 48, 40, 4]", "chip.mesh_x=3", "chip.mesh_y=3", "chip.core_neurons=16",
                            "chip.xbar_cols=16" };
    const char *mirror[] = { "network.layers=[64, 48, 40, 4]", "chip.xbar_rows=32", "chip.tiles_per_core=3" };
    struct { const char *const *x; int n; const char *want; } cases[] = {
        { cores, 5, ": network 64-48-40-4 needs 11 cores (4 input, 3 + 3 hidden, 1 output at 16 neurons per "
                    "core), the 3x3 mesh has 9" },
        { mirror, 3, ": network 64-48-40-4: a core of hidden layer 1 holds the full fan-in of its neurons, W1's "
                     "65 rows (3 tiles of 32 rows), and the mirror of their rows of W2 for the backward read (40 rows, "
                     "2 tiles): 5 tiles, but a core has 3" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (load(&cfg, cases[i].x, cases[i].n)) {
            CHECK(0, "case %zu: config refused", i);
            continue;
        }
        struct ssnn g;
        struct chip chip;
        char err[1024] = "";
        ssnn_init(&g, &cfg, err, sizeof err);
        int rc = chip_init(&chip, &cfg, &g, err, sizeof err);
        CHECK(rc == -1 && strstr(err, cases[i].want) && !strncmp(err, "--set:", 6), "case %zu: rc %d, message '%s'", i, rc, err);
        if (rc == 0) chip_free(&chip);
        ssnn_free(&g);
    }
}

static void unmappable_networks_are_refused_with_a_position(void)
{
    static struct config cfg;
    const char *small[] = { "chip.mesh_x=2", "chip.mesh_y=1", "chip.core_neurons=16", "chip.xbar_cols=16" };
    const char *tiles[] = { "chip.xbar_rows=8", "chip.tiles_per_core=2" };
    const char *wide[] = { "chip.core_neurons=2", "chip.xbar_cols=2" };
    struct { const char *const *x; int n; const char *want; } cases[] = {
        { small, 4, ": network 64-48-4 needs 8 cores (4 input, 3 hidden, 1 output at 16 neurons per core), the 2x1 mesh has 2" },
        { tiles, 2, ": a core must hold the full fan-in" },
        { wide, 2, "the WTA block needs the whole output layer" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (load(&cfg, cases[i].x, cases[i].n)) continue;
        struct ssnn g;
        struct chip chip;
        char err[1024] = "";
        ssnn_init(&g, &cfg, err, sizeof err);
        int rc = chip_init(&chip, &cfg, &g, err, sizeof err);
        CHECK(rc == -1 && strstr(err, cases[i].want) && !strncmp(err, "--set:", 6), "case %zu: rc %d, message '%s'",
              i, rc, err);
        if (rc == 0) chip_free(&chip);
        ssnn_free(&g);
    }
}

int main(void)
{
    make_images();
    RUN(chip_matches_golden_with_one_core_per_layer);
    RUN(chip_matches_golden_with_layers_split_over_many_cores);
    RUN(chip_matches_golden_on_an_8x8_mesh);
    RUN(chip_matches_golden_on_a_one_wide_mesh);
    RUN(chip_matches_golden_across_noc_settings);
    RUN(chip_matches_golden_with_a_non_ideal_device);
    RUN(chip_matches_golden_with_a_pulse_amplitude_schedule);
    RUN(chip_matches_golden_at_depth_2_3_and_4);
    RUN(chip_matches_golden_on_random_chips);
    RUN(comparison_catches_a_planted_one_state_difference);
    RUN(comparison_catches_a_backward_read_through_the_wrong_matrix);
    RUN(unmappable_networks_are_refused_with_a_position);
    RUN(deep_networks_that_do_not_fit_are_refused_with_a_position);
    CHECK_DONE();
}
