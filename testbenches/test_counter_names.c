/* One name per counter: every counter of the golden model (SSNN_COUNTERS), of a
 * hidden layer (SSNN_LAYER_COUNTERS) and of the mesh (MESH_COUNTERS) appears in
 * the result JSON under the name its list gives it, in every object that reports
 * it -- train on the chip at depth 2 (counters, counters.layers, chip.noc), infer
 * on the chip, and the NoC benchmark (counters) -- and no object holds a key its
 * list does not name. Every field of the counters the energy model prices --
 * the cores' (CORE_*_COUNTERS), the tiles' (CROSSBAR_COUNTERS: w1, w2, the
 * mirrors) and the chip's (CHIP_*_COUNTERS) -- is a key of chip.events.ACCOUNT
 * under its list name, and no other key is. A writer that spells a counter by
 * hand, drops one or renames one fails here. */
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
/* a system of chips (docs/system.md) adds its own, and only then */
static const char *const chip_system_names[] = {
    CHIP_CLOCK_COUNTERS(N) CHIP_TRAFFIC_COUNTERS(N) CHIP_CLASS_COUNTERS(N) CHIP_SYSTEM_COUNTERS(N)
    CHIP_SYSTEM_CLASS_COUNTERS(N) NULL
};
static const char *const core_system_names[] = { CORE_COUNTERS(N) CORE_CLASS_COUNTERS(N)
                                                 CORE_SYSTEM_CLASS_COUNTERS(N) NULL };
static const char *const crossbar_names[] = { CROSSBAR_COUNTERS(N) NULL };
#undef N

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
            while (p[1] && !strchr(",\n{[", p[1])) p++;   /* past the value of a scalar */
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
        /* chip.events: every field of every counter struct the energy model prices,
         * per account (an infer result has only the inference account) */
        char *events = object_of(chip, "events");
        for (int a = f; a < 2; a++) {
            char *acc = object_of(events, a ? "infer" : "train");
            char what[64];
            snprintf(what, sizeof what, "%s chip.events.%s", f ? "infer" : "train", a ? "infer" : "train");
            CHECK(acc, "%s: missing", what);
            char *o = object_of(acc, "core");
            keys_are(what, o, core_names, NULL);
            free(o);
            static const char *const tiles[] = { "w1", "w2", "mirrors" };
            for (int t = 0; t < 3; t++) {
                o = object_of(acc, tiles[t]);
                keys_are(what, o, crossbar_names, NULL);
                free(o);
            }
            o = object_of(acc, "chip_counters");
            keys_are(what, o, chip_names, NULL);
            free(o);
            free(acc);
        }
        CHECK(!f || !strstr(events ? events : "", "\"train\":"), "infer: chip.events holds a training account");
        free(events);
        free(noc);
        free(chip);
        free(counters);
        free(j);
    }
}

/* The same network on two 2x2 chips: its events name the system's counters too. */
static void a_system_of_chips_names_its_counters_too(void)
{
    char out[600];
    path_in(out, sizeof out, tmpdir, "system.json");
    struct result r = run("train", cfg_path, "--engine", "chip", "--quiet", "--out", out, "--set", "chip.mesh_x=2",
                          "--set", "chip.mesh_y=2", "--set", "system.chips=[2, 1]", "--set",
                          "system.link={latency_cycles: 20, cycles_per_flit: 4}", NULL);
    CHECK(r.code == 0, "train: exit %d: %.300s", r.code, r.err);
    result_free(&r);
    char *j = file_text_or_empty(out);
    const char *last = NULL;
    for (const char *p = strstr(j, "\"chip\": {"); p; p = strstr(p + 1, "\"chip\": {")) last = p;
    char *chip = object_of(last, "chip"), *events = object_of(chip, "events");
    char *acc = object_of(events, "train"), *core = object_of(acc, "core"), *cc = object_of(acc, "chip_counters");
    keys_are("system chip.events.train", core, core_system_names, NULL);
    keys_are("system chip.events.train", cc, chip_system_names, NULL);
    free(cc);
    free(core);
    free(acc);
    free(events);
    free(chip);
    free(j);
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
    RUN(a_system_of_chips_names_its_counters_too);
    RUN(the_noc_benchmark_names_every_mesh_counter);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
