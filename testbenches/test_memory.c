/* The memory account (docs/scale.md "Memory"): the result file holds the bytes per
 * synapse and per neuron each model allocates, consistent with the network's
 * shape; and the account is what malloc hands out when the models are built
 * (so an array added to a model without its line in the account fails here). */
#include "bars.h"
#include "check.h"
#include "scratch.h"
#include "ann.h"
#include "chip.h"
#include "config.h"
#include "ssnn.h"
#include "ssnn_setup.h"
#include "train.h"

#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

/* The number after "key": in text from `from` on (the first match), or -1. */
static double number_after(const char *text, const char *from, const char *key)
{
    const char *p = strstr(text, from);
    char k[80];
    snprintf(k, sizeof k, "\"%s\": ", key);
    p = p ? strstr(p, k) : NULL;
    return p ? strtod(p + strlen(k), NULL) : -1;
}

/* Trains 64-48-32-4 on the bars for a few samples on `engine`; the result's text. */
static char *train_bars(const char *engine, const char *name)
{
    static struct config cfg;
    char cwd[512], path[600], out[600], err[512];
    if (!getcwd(cwd, sizeof cwd) || bars_workload_layers(tmpdir, cwd, "[64, 48, 32, 4]", "{}")) return NULL;
    snprintf(path, sizeof path, "%s/bars.yaml", tmpdir);
    const struct config_override ov[] = { { "training.epochs=1", NULL, 0, 0, 0 },
                                          { "training.samples=8", NULL, 0, 0, 0 },
                                          { "training.test_samples=4", NULL, 0, 0, 0 },
                                          { "training.T=4", NULL, 0, 0, 0 },
                                          { "training.T_test=4", NULL, 0, 0, 0 } };
    if (config_load(path, ov, 5, &cfg, err, sizeof err)) {
        printf("config: %s\n", err);
        return NULL;
    }
    path_in(out, sizeof out, tmpdir, name);
    struct run_opts o = { .engine = engine, .quiet = 1, .out = out };
    if (chdir(tmpdir)) return NULL;
    int rc = train_run(&cfg, &o, NULL);
    if (chdir(cwd)) exit(1);
    return rc ? NULL : file_text(out);
}

/* 64-48-32-4 holds 65 x 48 + 49 x 32 + 33 x 4 = 4820 cells (bias rows included),
 * 3120 + 1568 of them in the hidden matrices, and 148 units. Per cell: the golden
 * model's int16 state and, for W1..WL, the float copy the rate read-out uses; the
 * baseline's float; the chip's int16 state, plus its mirror of W2 (32 x 48). */
static void result_file_holds_the_memory_account(void)
{
    char *g = train_bars("golden", "g.json"), *c = train_bars("chip", "c.json");
    CHECK(g && c, "a run failed (golden %p, chip %p)", (void *)g, (void *)c);
    if (!g || !c) { free(g); free(c); return; }
    const double S = 4820, hidden = 3120 + 1568, mirror = 32 * 48;
    const char *const docs[2] = { g, c };
    for (int i = 0; i < 2; i++) {
        const char *t = docs[i];
        double syn = number_after(t, "\"memory\"", "synapses"), neu = number_after(t, "\"memory\"", "neurons");
        double sb = number_after(t, "\"memory\"", "synapse_bytes"), bps = number_after(t, "\"memory\"", "bytes_per_synapse");
        double nb = number_after(t, "\"memory\"", "neuron_bytes"), bpn = number_after(t, "\"memory\"", "bytes_per_neuron");
        double fb = number_after(t, "\"memory\"", "fixed_bytes"), db = number_after(t, "\"memory\"", "data_bytes");
        double tot = number_after(t, "\"memory\"", "total_bytes");
        CHECK(syn == S && neu == 148, "%s: synapses %.0f (want 4820), neurons %.0f (want 148)", i ? "chip" : "golden",
              syn, neu);
        CHECK(fabs(bps * syn - sb) < 1e-6 * sb && fabs(bpn * neu - nb) < 1e-6 * nb,
              "%s: %.6f B x %.0f synapses != %.0f B, or %.6f B x %.0f neurons != %.0f B", i ? "chip" : "golden", bps,
              syn, sb, bpn, neu, nb);
        CHECK(tot == sb + nb + fb + db, "%s: total %.0f != %.0f + %.0f + %.0f + %.0f", i ? "chip" : "golden", tot, sb,
              nb, fb, db);
        /* 8 training and 4 test images of 64 pixels and a label, and the order of 8 */
        CHECK(db == 8 * 65 + 4 * 65 + 8 * 4, "%s: data %.0f B", i ? "chip" : "golden", db);
        const char *models = strstr(t, "\"models\"");
        double gold = models ? number_after(models, "\"golden\"", "synapse_bytes") : -1;
        double ann = models ? number_after(models, "\"ann\"", "synapse_bytes") : -1;
        CHECK(gold == 2 * S + 4 * hidden && ann == 4 * S, "%s: golden %.0f B (want %.0f), ann %.0f B (want %.0f)",
              i ? "chip" : "golden", gold, 2 * S + 4 * hidden, ann, 4 * S);
    }
    const char *models = strstr(c, "\"models\""), *gmodels = strstr(g, "\"models\"");
    double cs = models ? number_after(models, "\"chip_engine\"", "synapse_bytes") : -1;
    CHECK(cs == 2 * S + 2 * mirror, "chip: %.0f B of cells (want %.0f)", cs, 2 * S + 2 * mirror);
    CHECK(gmodels && !strstr(gmodels, "\"chip_engine\""), "a golden run accounts a chip");
    /* the chip report stays the last "chip" object (test_counter_names reads it so) */
    const char *last = NULL;
    for (const char *p = strstr(c, "\"chip\": {"); p; p = strstr(p + 1, "\"chip\": {")) last = p;
    CHECK(last && strstr(last, "\"events\""), "the last \"chip\" object of the result is not the chip report");
    /* the models both runs build have the same account */
    const char *mg = gmodels ? strstr(gmodels, "\"golden\"") : NULL, *mc = models ? strstr(models, "\"golden\"") : NULL;
    CHECK(mg && mc && !strncmp(mg, mc, strcspn(mg, "}")), "the golden model's account differs between the engines");
    free(g);
    free(c);
}

/* Bytes malloc has handed out and not taken back (glibc: arena and mmap). */
static uint64_t heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

/* Builds each model of 784-500-300-10 (ideal device, and the Gokmen-Vlasov device
 * whose cells carry their own steps, bounds and streams) and compares the heap it
 * took with the account: within 1 % and 64 KiB (malloc's headers, page rounding). */
static void account_matches_what_malloc_hands_out(void)
{
    /* volatile: a malloc whose block is never used may be left out by the compiler */
    char *volatile probe = malloc(1 << 20);
    uint64_t before = heap_bytes();
    free(probe);
    if (before - heap_bytes() < (1 << 20)) {
        printf("     (malloc is not glibc's here, e.g. under a sanitizer: the heap cannot be read; skipped)\n");
        return;
    }
    const char *const devices[] = { NULL, "device=workloads/devices/gokmen-vlasov.yaml" };
    for (int d = 0; d < 2; d++) {
        static struct config cfg;
        char err[1024];
        const struct config_override ov[] = { { "network.layers=[784, 500, 300, 10]", NULL, 0, 0, 0 },
                                              { "chip.tiles_per_core=6", NULL, 0, 0, 0 },
                                              { devices[d], NULL, 0, 0, 0 } };
        if (config_load("workloads/mnist.yaml", ov, devices[d] ? 3 : 2, &cfg, err, sizeof err)) {
            CHECK(0, "%s", err);
            return;
        }
        struct ssnn g;
        struct ann a;
        struct chip chip;
        uint64_t h0 = heap_bytes();
        if (ssnn_init(&g, &cfg, err, sizeof err)) { CHECK(0, "%s", err); return; }
        uint64_t h1 = heap_bytes();
        if (ann_init_from(&a, &g)) { CHECK(0, "ann_init_from"); ssnn_free(&g); return; }
        uint64_t h2 = heap_bytes();
        if (chip_init(&chip, &cfg, &g, err, sizeof err)) { CHECK(0, "%s", err); ann_free(&a); ssnn_free(&g); return; }
        uint64_t h3 = heap_bytes();
        struct mem_account mg = { 0 }, ma = { 0 }, mc = { 0 };
        ssnn_account(&g, &mg);
        ann_account(&a, &ma);
        chip_account(&chip, &g, &mc);
        const char *const what[3] = { "golden", "ann", "chip" };
        const uint64_t took[3] = { h1 - h0, h2 - h1, h3 - h2 };
        const uint64_t said[3] = { mem_account_total(&mg), mem_account_total(&ma), mem_account_total(&mc) };
        for (int k = 0; k < 3; k++) {
            double diff = fabs((double)took[k] - (double)said[k]);
            CHECK(diff <= 0.01 * (double)said[k] + 65536, "%s, %s device: malloc handed out %llu B, the account says %llu B",
                  what[k], d ? "gokmen-vlasov" : "ideal", (unsigned long long)took[k], (unsigned long long)said[k]);
        }
        chip_free(&chip);
        ann_free(&a);
        ssnn_free(&g);
    }
}

int main(void)
{
    scratch_make(tmpdir, sizeof tmpdir, "memory");
    if (bars_write(tmpdir, "train", 8, 1) || bars_write(tmpdir, "test", 4, 3)) return 1;
    RUN(result_file_holds_the_memory_account);
    RUN(account_matches_what_malloc_hands_out);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
