/* The engines agree on every command: train and infer on golden, chip and
 * SystemC give the same weights, WTA decisions, accuracy and spike counters, and
 * chip and SystemC the same result file to the byte (cycles, flits, energy); a
 * sweep's points are the same on golden and chip (SystemC elaborates one chip per
 * process, so it refuses sweeps, and says so). Each check runs at depth 1 and at
 * depth 3 (784-64-48-32-10). At depth 2 (784-40-30-10) and 3, training under
 * SystemC with one RTL router and with every router RTL gives the chip's result
 * file and the golden weights too: the gradient spikes between hidden layers
 * (streams 8, 9) cross rtl/router.sv; ssnnsim-planted-stream, whose RTL routers
 * get only 3 stream bits, must differ. The NoC alone has no golden model:
 * chip and SystemC agree on its table (test_systemc). A tiny noise set on the real workloads/mnist.yaml
 * network and chip; runs from the repository root. */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <string.h>
#include <unistd.h>

static char bin[1024];
static char repo[1024];
static char tmpdir[256];
static char cfg_path[600], ckpt[600];

static const char *const engines[] = { "golden", "chip", "systemc" };

/* The network under test: its config, checkpoint and the prefix of its files. The
 * same three checks run on the one-hidden-layer shape and on a deep one. */
static const char *shape = "l1";
#define N_ENGINES 3

/* Runs the binary with the given arguments (NULL-terminated); stdout discarded. */
#define run(...) run_in(tmpdir, 0, "", bin, __VA_ARGS__)

/* The text of the value of "key" in a result file: from the key to the end of its
 * object (or line, for a scalar). Allocated; "" when absent. */
static char *value_of(const char *json, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *p = strstr(json, k);
    if (!p) return strdup("");
    const char *e = p + strlen(k);
    while (*e == ' ') e++;
    if (*e == '{') {
        int depth = 0;
        for (; *e; e++) {
            depth += *e == '{';
            depth -= *e == '}';
            if (!depth) { e++; break; }
        }
    } else {
        e = strchr(e, '\n');
        if (!e) e = p + strlen(p);
    }
    return strndup(p, (size_t)(e - p));
}

/* The file without its "engine" line: what must be equal between chip and SystemC. */
static char *body_of(const char *path)
{
    char *s = file_text_or_empty(path);
    char *p = strstr(s, "\"engine\":");
    if (p) {
        char *q = strchr(p, '\n');
        if (q) memmove(p, q + 1, strlen(q + 1) + 1);
    }
    return s;
}

/* Requires the same value of each key in the result files of every engine. */
static void same_values(const char *what, char paths[N_ENGINES][600], const char *const *keys)
{
    char *text[N_ENGINES];
    for (int e = 0; e < N_ENGINES; e++) text[e] = file_text_or_empty(paths[e]);
    for (const char *const *k = keys; *k; k++) {
        char *want = value_of(text[0], *k);
        CHECK(*want, "%s: the golden result has no \"%s\"", what, *k);
        for (int e = 1; e < N_ENGINES; e++) {
            char *got = value_of(text[e], *k);
            CHECK(!strcmp(want, got), "%s: \"%s\" differs: golden %.300s, %s %.300s", what, *k, want, engines[e], got);
            free(got);
        }
        free(want);
    }
    for (int e = 0; e < N_ENGINES; e++) free(text[e]);
    char *chip = body_of(paths[1]), *sc = body_of(paths[2]);
    CHECK(*chip && !strcmp(chip, sc), "%s: the chip and SystemC result files differ", what);
    free(chip);
    free(sc);
}

/* Runs `COMMAND FILE --engine ENGINE --quiet [--checkpoint CKPT] OPTION OUT` (the
 * checkpoint for infer), OUT = SHAPE-COMMAND-ENGINE.EXT in the scratch directory
 * (600 bytes); it must succeed. */
static void run_on_engine(int e, const char *command, const char *file, const char *ext, const char *option, char *out)
{
    char name[64];
    snprintf(name, sizeof name, "%s-%s-%s.%s", shape, command, engines[e], ext);
    path_in(out, 600, tmpdir, name);
    struct result r = strcmp(command, "infer")
                          ? run(command, file, "--engine", engines[e], "--quiet", option, out, NULL)
                          : run(command, file, "--engine", engines[e], "--quiet", "--checkpoint", ckpt, option, out, NULL);
    CHECK(r.code == 0, "%s --engine %s: exit %d: %.300s", command, engines[e], r.code, r.err);
    result_free(&r);
}

static void train_is_the_same_on_every_engine(void)
{
    char out[N_ENGINES][600];
    for (int e = 0; e < N_ENGINES; e++) run_on_engine(e, "train", cfg_path, "json", "--out", out[e]);
    static const char *const keys[] = { "weights_sha256", "accuracy", "counters", "epochs", NULL };
    same_values("train", out, keys);
}

static void infer_evaluates_the_checkpoint_on_every_engine(void)
{
    char trained[600], out[N_ENGINES][600];
    char tname[64];
    snprintf(tname, sizeof tname, "%s-trained.json", shape);
    path_in(trained, sizeof trained, tmpdir, tname);
    struct result r = run("train", cfg_path, "--quiet", "--checkpoint", ckpt, "--out", trained, NULL);
    CHECK(r.code == 0, "train: exit %d: %.300s", r.code, r.err);
    result_free(&r);
    for (int e = 0; e < N_ENGINES; e++) run_on_engine(e, "infer", cfg_path, "json", "--out", out[e]);
    static const char *const keys[] = { "weights_sha256", "accuracy", "counters", NULL };
    same_values("infer", out, keys);
    /* The evaluation that ended training saw the same weights and streams: every
     * engine's inference must reproduce its test accuracy. */
    char *t = file_text_or_empty(trained);
    char *want = value_of(t, "test_wta");
    for (int e = 0; e < N_ENGINES; e++) {
        char *i = file_text_or_empty(out[e]);
        char *got = value_of(i, "test_wta");
        CHECK(*want && !strcmp(want, got), "infer --engine %s: %s, the trained run's evaluation %s", engines[e], got,
              want);
        free(got);
        free(i);
    }
    free(want);
    free(t);
}

static void a_sweep_point_is_the_same_on_golden_and_chip(void)
{
    enum { N_SWEEP = 2 };       /* golden, chip */
    char sweep[600], csv[N_SWEEP][600];
    char sname[64];
    snprintf(sname, sizeof sname, "%s-sweep.yaml", shape);
    path_in(sweep, sizeof sweep, tmpdir, sname);
    write_file(sweep, "name: engines\nconfig: '%s'\naxes:\n  - training.T: [4, 8]\nplot:\n  x: training.T\n", cfg_path);
    char *text[N_SWEEP];
    for (int e = 0; e < N_SWEEP; e++) {
        run_on_engine(e, "sweep", sweep, "csv", "--csv", csv[e]);
        text[e] = file_text_or_empty(csv[e]);
    }
    /* Golden has no energy columns: compare the columns it has, by name. */
    const char *cols[] = { "test_wta", "test_rate", "train_wta", "weights_sha256" };
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
        char want[2][256] = { "", "" };
        for (int e = 0; e < N_SWEEP; e++) {
            /* column index in this file's header, then its value in rows 1 and 2 */
            char *s = text[e], *nl = strchr(s, '\n');
            int idx = -1, i = 0;
            for (char *p = s; nl && p < nl; i++) {
                size_t len = strcspn(p, ",\n");
                if (len == strlen(cols[c]) && !strncmp(p, cols[c], len)) idx = i;
                p += len + (p[len] == ',');
                if (p[-1] != ',') break;
            }
            CHECK(idx >= 0, "sweep --engine %s: no column %s", engines[e], cols[c]);
            char *row = nl ? nl + 1 : s;
            for (int k = 0; k < 2 && idx >= 0 && *row; k++) {
                char *p = row;
                for (int j = 0; j < idx && p; j++) p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
                char v[256] = "";
                if (p) snprintf(v, sizeof v, "%.*s", (int)strcspn(p, ",\n"), p);
                if (e == 0) snprintf(want[k], sizeof want[k], "%s", v);
                else CHECK(!strcmp(want[k], v), "sweep point %d, %s: golden '%s', %s '%s'", k, cols[c], want[k],
                           engines[e], v);
                row = strchr(row, '\n') ? strchr(row, '\n') + 1 : row + strlen(row);
            }
        }
    }
    for (int e = 0; e < N_SWEEP; e++) free(text[e]);
    struct result r = run("sweep", sweep, "--engine", "systemc", "--quiet", NULL);
    CHECK(r.code == 2 && strstr(r.err, "--engine systemc"), "sweep --engine systemc: exit %d: %.300s", r.code, r.err);
    result_free(&r);
}

/* The chip's training result and SystemC's with chip.rtl = RTL run by `exe`
 * (TAG names the file): 1 when the result file is the chip's byte for byte but
 * for its engine and chip.rtl lines, and so the golden model's weights; else 0
 * with the first differing line in why. Needs train_is_the_same_on_every_engine's
 * files of this shape. */
static int rtl_train_equals_chip(const char *exe, const char *rtl, const char *tag, char *why, size_t n)
{
    char chip[600], out[600], name[96], set[100];
    snprintf(name, sizeof name, "%s-train-chip.json", shape);
    path_in(chip, sizeof chip, tmpdir, name);
    snprintf(name, sizeof name, "%s-train-%s.json", shape, tag);
    path_in(out, sizeof out, tmpdir, name);
    snprintf(set, sizeof set, "chip.rtl=%s", rtl);
    unlink(out);
    struct result r = run_in(tmpdir, 0, "", exe, "train", cfg_path, "--engine", "systemc", "--quiet", "--set", set,
                             "--out", out, NULL);
    int same = 0;
    if (r.code) {
        snprintf(why, n, "exit %d: %.300s", r.code, r.err);
    } else {
        char *want = body_of(chip), *got = body_of(out);
        /* SystemC's file lists the RTL routers, the chip's says "rtl": [] */
        for (char *t = got, *p; (p = strstr(t, "\"rtl\": [")); t = p + 1) {
            char *e = strchr(p, ']');
            if (!e) break;
            memmove(p + 8, e, strlen(e) + 1);
        }
        same = *want && !strcmp(want, got);
        /* and the golden model's weights, whatever ran before */
        char golden[600], *g, *gs, *cs;
        snprintf(name, sizeof name, "%s-train-golden.json", shape);
        path_in(golden, sizeof golden, tmpdir, name);
        g = file_text_or_empty(golden);
        gs = value_of(g, "weights_sha256");
        cs = value_of(got, "weights_sha256");
        if (same && (!*gs || strcmp(gs, cs))) {
            same = 0;
            snprintf(why, n, "weights: golden %.100s, systemc %.100s", gs, cs);
        }
        free(g), free(gs), free(cs);
        if (!same && strcmp(want, got)) {
            size_t i = 0, line = 1;
            while (want[i] && want[i] == got[i]) line += want[i++] == '\n';
            snprintf(why, n, "line %zu differs: chip '%.80s', systemc '%.80s'", line, want + i, got + i);
        }
        free(want);
        free(got);
    }
    result_free(&r);
    return same;
}

/* (1,1) holds the core of hidden layer 2 (4 input cores on row 0, then a core per
 * layer): it sends layer 1 (0,1) its gradient spikes and, at depth 3, takes layer
 * 3's from (2,1); at depth 2 it takes the output core's backward spikes. */
static void training_with_rtl_routers_is_the_same_at_depth(void)
{
    char why[800];
    CHECK(rtl_train_equals_chip(bin, "[router_1_1]", "rtl1", why, sizeof why), "%s, chip.rtl=[router_1_1]: %s",
          shape, why);
    CHECK(rtl_train_equals_chip(bin, "[router]", "rtl", why, sizeof why), "%s, chip.rtl=[router]: %s", shape, why);
}

/* The teeth: RTL routers that drop bit 3 of the stream turn g+- into input and
 * hidden spikes; one such router on the gradients' path must change the run. */
static void planted_stream_bits_are_caught_at_depth(void)
{
    char planted[1100], why[800];
    snprintf(planted, sizeof planted, "%s-planted-stream", bin);
    CHECK(access(planted, X_OK) == 0, "%s is not an executable (make test builds it)", planted);
    CHECK(!rtl_train_equals_chip(planted, "[router_1_1]", "planted", why, sizeof why),
          "%s, chip.rtl=[router_1_1]: the planted build's RTL router drops a stream bit, yet the chip's result", shape);
    for (char *c = why; *c; c++)
        if (*c == '\n') *c = ' ';
    printf("  %s, planted 3-bit stream, chip.rtl=[router_1_1]: %s\n", shape, why);
}

static void training_with_rtl_routers_is_the_same_at_depth_2(void)
{
    training_with_rtl_routers_is_the_same_at_depth();
}

static void training_with_rtl_routers_is_the_same_at_depth_3(void)
{
    training_with_rtl_routers_is_the_same_at_depth();
}

static void planted_stream_bits_are_caught_at_depth_2(void)
{
    planted_stream_bits_are_caught_at_depth();
}

static void planted_stream_bits_are_caught_at_depth_3(void)
{
    planted_stream_bits_are_caught_at_depth();
}

/* Two hidden layers: one hidden-to-hidden gradient hop. */
static const char deep2_sections[] = "network:\n  layers: [784, 40, 30, 10]\nchip:\n  tiles_per_core: 6\n"
                                     "training:\n  epochs: 1\n  samples: 6\n  test_samples: 5\n  T: 8\n  T_test: 8\n";

static void train_is_the_same_on_every_engine_at_depth_2(void)
{
    train_is_the_same_on_every_engine();
}

/* Three hidden layers: forward spikes cross three core groups, gradient spikes two
 * hidden-to-hidden hops back (docs/depth.md), on the workload's chip with room for
 * the mirrored rows of W2 beside W1's 785 (a fifth tile per core). */
static const char deep_sections[] = "network:\n  layers: [784, 64, 48, 32, 10]\nchip:\n  tiles_per_core: 6\n"
                                    "training:\n  epochs: 1\n  samples: 6\n  test_samples: 5\n  T: 8\n  T_test: 8\n";

static void use_deep_shape(void)
{
    shape = "l3";
    path_in(cfg_path, sizeof cfg_path, tmpdir, "deep.yaml");
    path_in(ckpt, sizeof ckpt, tmpdir, "deep.ckpt");
}

static void train_is_the_same_on_every_engine_at_depth_3(void)
{
    train_is_the_same_on_every_engine();
}

static void infer_evaluates_the_checkpoint_on_every_engine_at_depth_3(void)
{
    infer_evaluates_the_checkpoint_on_every_engine();
}

static void a_sweep_point_is_the_same_on_golden_and_chip_at_depth_3(void)
{
    a_sweep_point_is_the_same_on_golden_and_chip();
}

int main(void)
{
    if (sim_find("test_engines", bin, sizeof bin, repo, sizeof repo)) return 1;
    scratch_make(tmpdir, sizeof tmpdir, "engines");
    char img[600], lab[600];
    noise_workload(tmpdir, repo, 20, 7, 1, "training:\n  epochs: 1\n  samples: 6\n  test_samples: 5\n  T: 8\n  T_test: 8\n",
                   img, lab, cfg_path);
    path_in(ckpt, sizeof ckpt, tmpdir, "run.ckpt");
    RUN(train_is_the_same_on_every_engine);
    RUN(infer_evaluates_the_checkpoint_on_every_engine);
    RUN(a_sweep_point_is_the_same_on_golden_and_chip);
    shape = "l2";
    path_in(cfg_path, sizeof cfg_path, tmpdir, "deep2.yaml");
    noise_set_config(cfg_path, repo, img, lab, deep2_sections);
    RUN(train_is_the_same_on_every_engine_at_depth_2);
    RUN(training_with_rtl_routers_is_the_same_at_depth_2);
    RUN(planted_stream_bits_are_caught_at_depth_2);
    use_deep_shape();
    noise_set_config(cfg_path, repo, img, lab, deep_sections);
    RUN(train_is_the_same_on_every_engine_at_depth_3);
    RUN(training_with_rtl_routers_is_the_same_at_depth_3);
    RUN(planted_stream_bits_are_caught_at_depth_3);
    RUN(infer_evaluates_the_checkpoint_on_every_engine_at_depth_3);
    RUN(a_sweep_point_is_the_same_on_golden_and_chip_at_depth_3);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
