/* One hidden layer stays what it was. The figures below were written by the
 * binary of the commit before network.layers existed (6998075), on the shipped
 * MNIST workload, and are held here as the reference: the golden engine (300
 * samples, 2 epochs, 200 test samples) and the chip engine (100 samples, 1 epoch,
 * 50 test samples). A deep-capable golden model must reproduce every bit at
 * L = 1: the weights, every counter, the WTA and rate read-outs, the baseline,
 * and the network section of the result as it was spelled. */
#include "check.h"
#include "scratch.h"
#include "config.h"
#include "train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

struct reference {
    const char *engine, *samples, *test_samples, *epochs;
    const char *sha256;
    const char *accuracy;       /* the "accuracy" object's lines */
    const char *counters;       /* the "counters" object's lines */
};

static const struct reference refs[] = {
    { "golden", "300", "200", "2", "88db5fb4b8170c4561ed31b902c36db70c628ae794568b3e570f13e68d42af91",
      "\"train_wta\": 0.85333333333333339,\n    \"test_wta\": 0.60499999999999998,\n    \"test_rate\": 0.63,\n"
      "    \"ann_baseline\": 0.62\n",
      "\"samples\": 600,\n    \"steps\": 9600,\n    \"input_spikes\": 959925,\n    \"hidden_spikes\": 2131598,\n"
      "    \"deriv_spikes\": 1066051,\n    \"output_spikes\": 9600,\n    \"err_pos\": 5132,\n    \"err_neg\": 5132,\n"
      "    \"back_pos\": 400259,\n    \"back_neg\": 395671,\n    \"grad_pos\": 92200,\n    \"grad_neg\": 86790,\n"
      "    \"gate_closed\": 0,\n    \"syn_ops_w1\": 484762500,\n    \"syn_ops_w2\": 21411980,\n"
      "    \"syn_ops_back\": 5132000,\n    \"w1_pulses\": 17436670,\n    \"w2_pulses\": 2316446,\n"
      "    \"rng_draws\": 21945600\n" },
    { "chip", "100", "50", "1", "407e0d1c4c835aea645ec1e2fce0b555b83249d10c2215b7a07f52988b47c51b",
      "\"train_wta\": 0.44,\n    \"test_wta\": 0.20000000000000001,\n    \"test_rate\": 0.17999999999999999,\n"
      "    \"ann_baseline\": 0.22\n",
      "\"samples\": 100,\n    \"steps\": 1600,\n    \"input_spikes\": 158893,\n    \"hidden_spikes\": 389699,\n"
      "    \"deriv_spikes\": 189927,\n    \"output_spikes\": 1600,\n    \"err_pos\": 1144,\n    \"err_neg\": 1144,\n"
      "    \"back_pos\": 84225,\n    \"back_neg\": 82876,\n    \"grad_pos\": 20479,\n    \"grad_neg\": 19273,\n"
      "    \"gate_closed\": 0,\n    \"syn_ops_w1\": 80246500,\n    \"syn_ops_w2\": 3912990,\n"
      "    \"syn_ops_back\": 1144000,\n    \"w1_pulses\": 3872622,\n    \"w2_pulses\": 559760,\n"
      "    \"rng_draws\": 3657600\n" },
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = calloc(1, 1 << 20);
    if (buf && fread(buf, 1, (1 << 20) - 1, f) == 0) buf[0] = 0;
    fclose(f);
    return buf;
}

/* The lines of object `key` (after its opening brace, up to its closing one). */
static int object_is(const char *json, const char *key, const char *want, char *got, size_t n)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\": {\n    ", key);
    const char *a = strstr(json, k);
    const char *b = a ? strstr(a, "  }") : NULL;
    if (!a || !b) { snprintf(got, n, "(no %s object)", key); return 0; }
    a += strlen(k);
    snprintf(got, n, "%.*s", (int)(b - a), a);
    return !strcmp(got, want);
}

static void one_hidden_layer_reproduces_the_held_figures(void)
{
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        const struct reference *r = &refs[i];
        char s[64], t[64], e[64], err[1024], out[400];
        snprintf(s, sizeof s, "training.samples=%s", r->samples);
        snprintf(t, sizeof t, "training.test_samples=%s", r->test_samples);
        snprintf(e, sizeof e, "training.epochs=%s", r->epochs);
        struct config_override ov[3] = { { s, NULL, 0, 0, 0 }, { t, NULL, 0, 0, 0 }, { e, NULL, 0, 0, 0 } };
        static struct config cfg;
        if (config_load("workloads/mnist.yaml", ov, 3, &cfg, err, sizeof err)) { CHECK(0, "%s", err); return; }
        snprintf(out, sizeof out, "%s/%s.json", tmpdir, r->engine);
        struct run_opts o = { .engine = r->engine, .quiet = 1, .out = out };
        struct run_summary sum;
        int rc = train_run(&cfg, &o, &sum);
        char *json = slurp(out);
        CHECK(rc == 0 && json, "%s: train exited %d (the MNIST files under data/: make data)", r->engine, rc);
        if (!json) continue;
        char got[4096];
        CHECK(!strcmp(sum.weights_sha256, r->sha256), "%s: weights_sha256 %s, held %s", r->engine,
              sum.weights_sha256, r->sha256);
        CHECK(object_is(json, "counters", r->counters, got, sizeof got), "%s: counters\n%s\n  held\n%s", r->engine,
              got, r->counters);
        CHECK(object_is(json, "accuracy", r->accuracy, got, sizeof got), "%s: accuracy\n%s\n  held\n%s", r->engine,
              got, r->accuracy);
        CHECK(strstr(json, "\"network\": {\n      \"input\": 784,\n      \"hidden\": 500,\n      \"output\": 10,\n"
                           "      \"init\": \"glorot_uniform\"\n    }") != NULL,
              "%s: the network section is not spelled as before", r->engine);
        free(json);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ssnn-l1ref-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    RUN(one_hidden_layer_reproduces_the_held_figures);
    if (scratch_remove_tree(tmpdir)) return 1;
    CHECK_DONE();
}
