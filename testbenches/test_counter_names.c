/* One name per counter: every counter of the golden model (SSNN_COUNTERS), of a
 * hidden layer (SSNN_LAYER_COUNTERS) and of the mesh (MESH_COUNTERS) appears in
 * the result JSON under the name its list gives it, in every object that reports
 * it -- train on the chip at depth 2 (counters, counters.layers, chip.noc), infer
 * on the chip, and the NoC benchmark (counters) -- and no object holds a key its
 * list does not name. The chip's own counters (CHIP_*_COUNTERS) appear in the
 * result's chip object under their name, or their name after the account
 * ("train_cycles", "infer_flits"). Every field of the core and tile counters
 * (CORE_*, CROSSBAR_COUNTERS) and of the chip's is reported so, or stands in
 * `unreported` below, which none of the result files may name. A writer that
 * spells a counter by hand, drops one or renames one fails here. */
#include "check.h"
#include "chip_counters.h"
#include "mesh.h"
#include "noise_set.h"
#include "proc.h"
#include "ssnn.h"

#include <string.h>
#include <unistd.h>

static char bin[1024], repo[1024], tmpdir[256], cfg_path[600];

static const char *const ssnn_names[] = {
#define N(name) #name,
    SSNN_COUNTERS(N) NULL
};
static const char *const layer_names[] = { SSNN_LAYER_COUNTERS(N) NULL };
static const char *const mesh_names[] = { MESH_COUNTERS(N) NULL };
static const char *const chip_names[] = {
    CHIP_CLOCK_COUNTERS(N) CHIP_TRAFFIC_COUNTERS(N) CHIP_CLASS_COUNTERS(N) NULL
};
static const char *const core_names[] = { CORE_COUNTERS(N) CORE_CLASS_COUNTERS(N) NULL };
static const char *const crossbar_names[] = { CROSSBAR_COUNTERS(N) NULL };
#undef N

/* The counters the result file does not report (the energy model prices them:
 * energy_pj): struct chip_counters' link traversals, the cores' and the tiles'
 * events. A counter leaves this list when a writer reports it. */
static const char *const unreported[] = {
    "barrier_cycles", "hops", "class_hops_ew", "class_hops_ns", "class_routers",
    "flits_sent", "flits_received", "local_deliveries", "encoder_updates", "fwd_unit_updates",
    "deriv_unit_updates", "grad_unit_events", "out_unit_updates", "wta_decisions", "back_gen_updates",
    "rng_fwd", "rng_back", "busy_cycles", "barriers", "releases", "sent_local", "back_gen_driven", "sent_hops_ew",
    "sent_hops_ns", "sent_routers",
    "rows_driven", "cells_read", "back_reads", "back_cells_read", "update_pulses", "update_steps", "conversions",
    NULL
};

static int named_in(const char *name, const char *const *names)
{
    for (const char *const *n = names; *n; n++)
        if (!strcmp(*n, name)) return 1;
    return 0;
}

/* Every counter of `names` is a key of the chip object `chip` under its name or
 * as ACCOUNT_name, or is unreported and then named nowhere in the file `json`. */
static void chip_keys_are(const char *what, const char *json, const char *chip, const char *account,
                          const char *const *names)
{
    for (const char *const *n = names; *n; n++) {
        char k[128], ka[128];
        snprintf(k, sizeof k, "\"%s\":", *n);
        snprintf(ka, sizeof ka, "\"%s_%s\":", account, *n);
        if (named_in(*n, unreported))
            CHECK(!strstr(json, k) && !strstr(json, ka), "%s: counter %s is reported but listed as unreported",
                  what, *n);
        else
            CHECK(chip && (strstr(chip, k) || strstr(chip, ka)), "%s: counter %s is missing", what, *n);
    }
}

/* The text of the object that follows "key": (inside `within`, NULL when absent). Allocated. */
static char *object_of(const char *within, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\": {", key);
    const char *p = within ? strstr(within, k) : NULL;
    if (!p) return NULL;
    p += strlen(k) - 1;
    int depth = 0;
    const char *e = p;
    for (; *e; e++) {
        depth += *e == '{' || *e == '[';
        depth -= *e == '}' || *e == ']';
        if (!depth) break;
    }
    return strndup(p, (size_t)(e - p + 1));
}

/* Every name of `names` is a key of the flat object `obj` (nested objects and
 * arrays skipped), and every key of it is a name of `names` or of `extra`. */
static void keys_are(const char *what, const char *obj, const char *const *names, const char *const *extra)
{
    CHECK(obj, "%s: no such object", what);
    if (!obj) return;
    for (const char *const *n = names; *n; n++) {
        char k[128];
        snprintf(k, sizeof k, "\"%s\":", *n);
        CHECK(strstr(obj, k), "%s: counter %s is missing", what, *n);
    }
    int depth = 0;
    for (const char *p = obj; *p; p++) {
        if (*p == '{' || *p == '[') depth++;
        else if (*p == '}' || *p == ']') depth--;
        else if (*p == '"' && depth == 1) {
            const char *q = strchr(p + 1, '"');
            if (!q) break;
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(q - p - 1), p + 1);
            int known = 0;
            for (const char *const *n = names; *n; n++) known |= !strcmp(*n, key);
            for (const char *const *n = extra; n && *n; n++) known |= !strcmp(*n, key);
            CHECK(known, "%s: key \"%s\" is no counter of its list", what, key);
            p = q;
            while (p[1] && p[1] != ',' && p[1] != '\n') p++;   /* past the value of a scalar */
        }
    }
}

/* Runs the binary with the given arguments (NULL-terminated); stdout discarded. */
#define run(...) run_in(tmpdir, 0, "", bin, __VA_ARGS__)

static const char *const layer_extra[] = { "width", "layers", NULL };

static void train_and_infer_on_the_chip_name_every_counter(void)
{
    char out[600], ckpt[600], inf[600];
    path_in(out, sizeof out, tmpdir, "train.json");
    path_in(ckpt, sizeof ckpt, tmpdir, "run.ckpt");
    path_in(inf, sizeof inf, tmpdir, "infer.json");
    struct result r = run("train", cfg_path, "--engine", "chip", "--quiet", "--checkpoint", ckpt, "--out", out, NULL);
    CHECK(r.code == 0, "train: exit %d: %.300s", r.code, r.err);
    result_free(&r);
    r = run("infer", cfg_path, "--engine", "chip", "--quiet", "--checkpoint", ckpt, "--out", inf, NULL);
    CHECK(r.code == 0, "infer: exit %d: %.300s", r.code, r.err);
    result_free(&r);
    const char *files[] = { out, inf };
    for (int f = 0; f < 2; f++) {
        char *j = file_text_or_empty(files[f]);
        char *counters = object_of(j, "counters");
        keys_are(f ? "infer counters" : "train counters", counters, ssnn_names, layer_extra);
        /* each hidden layer's object */
        const char *l = counters ? strstr(counters, "\"layers\": [") : NULL;
        CHECK(l, "%s: no counters.layers at depth 2", files[f]);
        int n = 0;
        for (const char *p = l ? strchr(l, '{') : NULL; p; p = strchr(p + 1, '{'), n++) {
            const char *e = strchr(p, '}');
            char *obj = e ? strndup(p, (size_t)(e - p + 1)) : NULL;
            keys_are("counters.layers[]", obj, layer_names, layer_extra);
            free(obj);
        }
        CHECK(n == 2, "%s: %d layer objects, 2 expected", files[f], n);
        /* the result's chip object is the last one (the settings echo has its own) */
        const char *last = NULL;
        for (const char *p = strstr(j, "\"chip\": {"); p; p = strstr(p + 1, "\"chip\": {")) last = p;
        char *chip = object_of(last, "chip");
        char *noc = object_of(chip, "noc");
        keys_are(f ? "infer chip.noc" : "train chip.noc", noc, mesh_names, NULL);
        if (!f) {   /* a train result reports both accounts; an infer result only the counters inference moves */
            chip_keys_are("train chip", j, chip, "train", chip_names);
            chip_keys_are("train core", j, chip, "train", core_names);
            chip_keys_are("train tiles", j, chip, "train", crossbar_names);
        }
        free(noc);
        free(chip);
        free(counters);
        free(j);
    }
}

static void the_noc_benchmark_names_every_mesh_counter(void)
{
    char out[600], csv[600], yaml[600];
    path_in(out, sizeof out, tmpdir, "noc.json");
    path_in(csv, sizeof csv, tmpdir, "noc.csv");
    path_in(yaml, sizeof yaml, tmpdir, "noc.yaml");
    write_file(yaml, "extends: '%s/workloads/noc/uniform.yaml'\nnoc:\n  rates: [0.1]\n  warmup_cycles: 100\n"
               "  measure_cycles: 200\n", repo);
    struct result r = run("noc", yaml, "--quiet", "--out", out, "--csv", csv, NULL);
    CHECK(r.code == 0, "noc: exit %d: %.300s", r.code, r.err);
    result_free(&r);
    char *j = file_text_or_empty(out);
    /* the run's total is the last "counters" object; each point has its own */
    const char *last = NULL;
    for (const char *p = strstr(j, "\"counters\": {"); p; p = strstr(p + 1, "\"counters\": {")) last = p;
    char *c = object_of(last, "counters");
    keys_are("noc counters", c, mesh_names, NULL);
    free(c);
    free(j);
}

int main(void)
{
    if (sim_find("test_counter_names", bin, sizeof bin, repo, sizeof repo)) return 1;
    scratch_make(tmpdir, sizeof tmpdir, "counter_names");
    char img[600], lab[600];
    noise_workload(tmpdir, repo, 12, 5, 1,
                   "network:\n  layers: [784, 40, 30, 10]\nchip:\n  tiles_per_core: 6\n"
                   "training:\n  epochs: 1\n  samples: 4\n  test_samples: 3\n  T: 4\n  T_test: 4\n",
                   img, lab, cfg_path);
    RUN(train_and_infer_on_the_chip_name_every_counter);
    RUN(the_noc_benchmark_names_every_mesh_counter);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
