/* train and infer (see train.h). One run: load the two dataset splits, build the
 * golden model and the ANN baseline from the same initial weights, then per epoch
 * shuffle (seeded), present every sample for T steps, evaluate the test set with
 * both read-outs, checkpoint. Wall-clock time goes to stderr only, so the result
 * file is byte-identical for the same config and seed. */
#include "train.h"
#include "ann.h"
#include "checkpoint.h"
#include "chip.h"
#include "chip_partition.h"
#include "config.h"
#include "dataset.h"
#include "energy_report.h"
#include "json.h"
#include "progress.h"
#include "rng.h"
#include "run_memory.h"
#include "settings_diff.h"
#include "sha256.h"
#include "ssnn.h"
#include "ssnn_setup.h"
#ifdef SSNN_SYSTEMC
#include "sc_chip.h"
#endif

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run {
    const struct config *cfg;
    const struct run_opts *o;
    struct dataset train, test;
    struct ssnn net;
    struct ann ann;
    int have_ann;
    int use_chip;               /* --engine chip or systemc: the cycle-level chip trains */
    int use_sc;                 /* --engine systemc: its steps run as SystemC modules */
    struct chip chip;
    struct epoch_record rec[CKPT_MAX_EPOCHS];
    int n_rec;
    uint32_t *perm;
    float *hbuf;
    struct epoch_record eval;   /* what `infer` measured */
    uint8_t config_hash[32];
    char *settings;             /* the hashed settings as lines (config_to_lines), for checkpoints */
    size_t settings_len;
    char err[1024];
};

static int load_split(struct run *r, int test, struct dataset *d)
{
    const struct training_cfg *t = &r->cfg->training;
    struct dataset_spec spec = dataset_spec_of(&r->cfg->dataset, test, (int)(test ? t->test_samples : t->samples));
    if (dataset_load(&spec, d, r->err, sizeof r->err)) {
        char hint[1200];
        fprintf(stderr, "ssnnsim: %s\n", r->err);
        if (dataset_missing_hint(&spec, r->err, hint, sizeof hint)) fprintf(stderr, "ssnnsim: %s\n", hint);
        return 2;
    }
    return 0;
}

/* "sha256:HEX" of n bytes: training data in the settings, by what it holds. */
static void data_identity(char out[80], const uint8_t *data, size_t n)
{
    struct sha256 h;
    uint8_t d[32];
    char hex[65];
    sha256_init(&h);
    sha256_update(&h, data, n);
    sha256_final(&h, d);
    sha256_hex(d, hex);
    snprintf(out, 80, "sha256:%s", hex);
}

/* A settings line that names a dataset file. */
static int names_a_file(const char *line)
{
    static const char *const keys[] = { "dataset.train_images=", "dataset.train_labels=", "dataset.test_images=",
                                        "dataset.test_labels=", NULL };
    for (int i = 0; keys[i]; i++)
        if (!strncmp(line, keys[i], strlen(keys[i]))) return 1;
    return 0;
}

/* The settings a checkpoint must share with the run that resumes it: everything
 * but the run length, the evaluation (its size and its test set) and the checkpoint
 * path. Their hash, and the same settings as lines for the checkpoint (so a refusal
 * can name one). The training data counts by what it holds, not by the names that
 * reached it: a workload's names depend on the directory it is run from (and
 * $SSNNSIM_DATA may move the files), which must not refuse a resume, while one name
 * may hold other data, which must. */
static void hash_config(const struct config *cfg, const struct dataset *train, uint8_t out[32], char **lines,
                        size_t *lines_len)
{
    struct config c = *cfg;
    c.dataset.train_images[0] = c.dataset.train_labels[0] = 0;
    c.dataset.test_images[0] = c.dataset.test_labels[0] = 0;
    c.training.epochs = 0;
    c.training.test_samples = 0;
    c.training.T_test = 0;
    c.training.checkpoint[0] = 0;
    c.training.checkpoint_every = 0;
    c.path[0] = 0;
    /* The chip and the technology change how a run is timed and priced, never
     * what it computes: a checkpoint moves freely between them and the engines. */
    memset(&c.chip, 0, sizeof c.chip);
    memset(&c.system, 0, sizeof c.system);  /* how many chips hold it, likewise */
    memset(&c.tech, 0, sizeof c.tech);
    c.tech_name[0] = 0;
    memset(&c.noc, 0, sizeof c.noc);
    memset(&c.waves, 0, sizeof c.waves);      /* what is dumped, never what is computed */
    memset(c.origin, 0, sizeof c.origin);
    char images[80], labels[80];
    data_identity(images, train->images, (size_t)train->n * (size_t)train->pixels);
    data_identity(labels, train->labels, (size_t)train->n);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct json j;
    json_init(&j, f);
    config_to_json(&c, &j);
    json_finish(&j);
    fclose(f);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, text, len);
    sha256_update(&h, images, strlen(images));
    sha256_update(&h, labels, strlen(labels));
    sha256_final(&h, out);
    free(text);
    /* The lines without the file names, and the data last: a resume with another
     * training.samples is refused naming that, not the samples it selects. */
    f = open_memstream(&text, &len);
    config_to_lines(&c, f);
    fclose(f);
    f = open_memstream(lines, lines_len);
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) + 1 : strlen(l);
        if (!names_a_file(l)) fwrite(l, 1, n, f);
        l += n;
    }
    fprintf(f, "dataset.train_images=\"%s\"\ndataset.train_labels=\"%s\"\n", images, labels);
    fclose(f);
    free(text);
}

static uint32_t gate_q(const struct config *cfg, int epoch)
{
    const struct training_cfg *t = &cfg->training;
    double g = t->update_gate[epoch < t->n_gate ? epoch : t->n_gate - 1];
    return (uint32_t)lround(g * 65536.0);
}

/* The network's shape as text: 784-500-500-10. */
static const char *shape_text(const struct config *cfg, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < cfg->network.n_layers && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%d", i ? "-" : "", cfg->network.layers[i]);
    return buf;
}

/* The baseline's rate per matrix (W1..WL, W_out): what one sample's coincidences
 * move in expectation, T * dw_min * k * gate for W_out, times the backward gains
 * of every hidden layer from the matrix's own up to the top (docs/depth.md). */
static void ann_rates(const struct config *cfg, int ks, uint32_t gq, float *lr)
{
    const struct training_cfg *t = &cfg->training;
    const int L = cfg->network.n_layers - 2;
    double gain = 1;
    for (int m = L; m >= 0; m--) {
        int k = ks * (t->n_pulse_layers ? (int)t->pulse_steps_layers[m] : 1);
        float base = (float)(t->T * cfg->device.dw_min * k * gq / 65536.0);
        lr[m] = m == L ? base : (float)(base * gain);
        if (m > 0) gain *= t->n_beta_layers ? t->beta_layers[m - 1] : t->beta;
    }
}

/* Device steps per coincidence in this epoch (the amplitude schedule). */
static int pulse_steps(const struct config *cfg, int epoch)
{
    const struct training_cfg *t = &cfg->training;
    return (int)t->pulse_steps[epoch < t->n_pulse ? epoch : t->n_pulse - 1];
}

/* Epoch order: Fisher-Yates from the shuffle stream of that epoch (host side). */
static void shuffle(struct run *r, int epoch)
{
    int n = r->train.n;
    for (int i = 0; i < n; i++) r->perm[i] = (uint32_t)i;
    if (!r->cfg->training.shuffle) return;
    uint64_t x = splitmix64((uint64_t)r->cfg->training.seed ^ ((uint64_t)RNG_SHUFFLE << 48) ^ (uint64_t)epoch);
    for (int i = n - 1; i > 0; i--) {
        x = splitmix64(x);
        int k = (int)((x >> 11) % (uint64_t)(i + 1));
        uint32_t t = r->perm[i];
        r->perm[i] = r->perm[k];
        r->perm[k] = t;
    }
}

/* SIGINT/SIGTERM: finish the sample in hand, checkpoint, stop. A second one stops
 * at once (a long sample -- T = 65536 under SystemC takes a minute -- cannot hold
 * the run); that loses nothing written, as files are renamed into place. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    if (stop_signal) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, NULL);
        raise(sig);             /* delivered when this handler returns */
        return;
    }
    stop_signal = sig;
    static const char msg[] = "\nssnnsim: stopping after the sample in hand (signal again to stop now)\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
}

static void catch_stop_signals(int on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? on_stop_signal : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    stop_signal = 0;
}

/* Whether a stop signal has arrived; partitioned, every rank agrees on it so that
 * all stop after the same sample. */
static int stop_requested(struct run *r)
{
    return r->use_chip ? chip_agree_status(&r->chip, stop_signal) : stop_signal;
}

/* Test-set accuracy of both read-outs and of the ANN. A stop signal ends the pass
 * after the sample in hand: returns the signal (SIGTERM when another rank saw it)
 * and leaves e's test figures unset (-1); 0 when the pass completed. */
static int evaluate(struct run *r, struct epoch_record *e)
{
    e->test_wta = e->test_rate = e->ann_test = -1;
    const struct dataset *d = &r->test;
    struct ssnn_streams st;
    if (ssnn_streams_alloc(&st, &r->net)) { perror("evaluate"); exit(1); }
    ssnn_streams_seed(&st, &r->net, RNG_EVAL);
    ssnn_rate_prepare(&r->net);
    uint32_t wins[1024];
    uint64_t ok_wta = 0, ok_rate = 0, ok_ann = 0;
    struct progress p;
    progress_start(&p, "  test", (uint64_t)d->n, r->o->quiet);
    for (int i = 0; i < d->n; i++) {
        const uint8_t *px = d->images + (size_t)i * (size_t)d->pixels;
        int y = d->labels[i];
        int pred = r->use_chip
                       ? chip_infer_wta(&r->chip, &st, px, r->cfg->training.T_test, wins, r->err, sizeof r->err)
                       : ssnn_infer_wta(&r->net, &st, px, r->cfg->training.T_test, wins);
        if (pred < 0) {
            fprintf(stderr, "ssnnsim: %s\n", r->err);
            exit(1);
        }
        ok_wta += pred == y;
        ok_rate += ssnn_infer_rate(&r->net, px, r->hbuf) == y;
        if (r->have_ann) ok_ann += ann_predict(&r->ann, px) == y;
        progress_update(&p, (uint64_t)i + 1);
        if (stop_requested(r)) {
            progress_finish(&p, "stopped");
            ssnn_streams_free(&st);
            fprintf(stderr, "ssnnsim: test pass stopped after %d of %d samples: its accuracy is discarded\n",
                    i + 1, d->n);
            return stop_signal ? stop_signal : SIGTERM;
        }
    }
    progress_update(&p, (uint64_t)d->n);
    char sum[200];
    e->test_wta = (double)ok_wta / d->n;
    e->test_rate = (double)ok_rate / d->n;
    e->ann_test = r->have_ann ? (double)ok_ann / d->n : -1;
    if (r->have_ann)
        snprintf(sum, sizeof sum, "wta %.2f%%  rate %.2f%%  ann %.2f%%", 100 * e->test_wta,
                 100 * e->test_rate, 100 * e->ann_test);
    else
        snprintf(sum, sizeof sum, "wta %.2f%%  rate %.2f%%", 100 * e->test_wta, 100 * e->test_rate);
    progress_finish(&p, sum);
    ssnn_streams_free(&st);
    return 0;
}

static int save_checkpoint(struct run *r, const char *path, int epochs_done, uint64_t sample,
                           uint64_t correct, uint64_t ann_correct)
{
    struct checkpoint c = { 0 };
    memcpy(c.config_hash, r->config_hash, 32);
    c.settings = r->settings;
    c.settings_size = r->settings_len;
    c.epochs_done = (uint32_t)epochs_done;
    c.sample_in_epoch = sample;
    c.correct_in_epoch = correct;
    c.ann_correct_in_epoch = ann_correct;
    c.n_records = (uint32_t)r->n_rec;
    c.records = r->rec;
    c.ssnn_size = ssnn_state_size(&r->net);
    c.ssnn_state = malloc(c.ssnn_size);
    ssnn_state_save(&r->net, c.ssnn_state);
    if (r->have_ann) {
        c.ann_size = ann_state_size(&r->ann);
        c.ann_state = malloc(c.ann_size);
        ann_state_save(&r->ann, c.ann_state);
    }
    int rc = checkpoint_write(path, &c, r->err, sizeof r->err);
    free(c.ssnn_state);
    free(c.ann_state);
    if (rc) fprintf(stderr, "ssnnsim: %s\n", r->err);
    return rc ? 1 : 0;
}

/* What inference needs a checkpoint to share: the settings that say what its
 * weights are (the network's shape and the device they live on). Training settings,
 * the sample counts and the seed change how the weights were reached, not them. */
static const char *const weight_settings[] = { "network.", "device.", NULL };

/* Restores a checkpoint into the run; 2 when it does not belong to this config
 * (to resume: every hashed setting; to infer: only those of weight_settings). */
static int restore(struct run *r, const char *path, struct checkpoint *c, int for_infer)
{
    if (checkpoint_read(path, c, r->err, sizeof r->err)) {
        fprintf(stderr, "ssnnsim: %s\n", r->err);
        return 2;
    }
    struct settings_diff d;
    int differs = c->settings ? settings_first_difference(c->settings, r->settings, for_infer ? weight_settings : NULL, &d)
                              : !for_infer && memcmp(c->config_hash, r->config_hash, 32);
    if (differs && c->settings) {
        if (for_infer)
            fprintf(stderr, "ssnnsim: %s: its weights are for %s = %s, this run has %s = %s (%s)\n", path, d.key,
                    d.was, d.key, d.now, r->cfg->path);
        else if (!strncmp(d.key, "dataset.train_", 14))     /* a digest of the data: no --set fixes it */
            fprintf(stderr, "ssnnsim: %s: trained on other training data (%s differs from this run's); resume "
                    "needs the data the checkpoint was trained on\n", path, d.key);
        else
            fprintf(stderr, "ssnnsim: %s: written with %s = %s, this run has %s = %s: resume needs the settings "
                    "the checkpoint was trained with (--set %s=%s)\n", path, d.key, d.was, d.key, d.now, d.key, d.was);
        checkpoint_free(c);
        return 2;
    }
    if (differs) {
        fprintf(stderr, "ssnnsim: %s: checkpoint was written by a run with different settings "
                "(an older checkpoint, which does not say which: network, device, dataset, samples, T, rates or "
                "seed differ from %s)\n", path, r->cfg->path);
        checkpoint_free(c);
        return 2;
    }
    /* Inference evaluates the baseline when the checkpoint has one, whatever this config says. */
    if (for_infer && r->have_ann && !c->ann_size) {
        ann_free(&r->ann);
        r->have_ann = 0;
    }
    if (for_infer && !r->have_ann && c->ann_size) c->ann_size = 0;
    if (c->ssnn_size != ssnn_state_size(&r->net) ||
        c->ann_size != (r->have_ann ? ann_state_size(&r->ann) : 0)) {
        fprintf(stderr, "ssnnsim: %s: checkpoint state size does not match this network\n", path);
        checkpoint_free(c);
        return 2;
    }
    ssnn_state_load(&r->net, c->ssnn_state);
    if (r->have_ann) ann_state_load(&r->ann, c->ann_state);
    r->n_rec = (int)c->n_records;
    memcpy(r->rec, c->records, (size_t)c->n_records * sizeof *r->rec);
    return 0;
}

/* The counters; at depth L > 1 the totals are followed by each hidden layer's
 * share ("layers", layer 1 first: docs/depth.md), so a one-hidden-layer result
 * keeps exactly its keys. */
static void write_counters(struct json *j, const struct ssnn_counters *c, const struct ssnn *net,
                           const struct ssnn_layer_counters *layers)
{
    json_begin_object(j);
#define C(name) json_key(j, #name); json_uint(j, c->name);
    SSNN_COUNTERS(C)
#undef C
    if (net && net->depth > 1) {
        json_key(j, "layers");
        json_begin_array(j);
        for (int l = 0; l < net->depth; l++) {
            const struct ssnn_layer_counters *y = &layers[l];
            json_begin_object(j);
            json_key(j, "width"); json_int(j, net->layer[l].n);
#define C(name) json_key(j, #name); json_uint(j, y->name);
            SSNN_LAYER_COUNTERS(C)
#undef C
            json_end_object(j);
        }
        json_end_array(j);
    }
    json_end_object(j);
}

/* Each hidden layer's counters (allocated): training's, or inference's (`infer`),
 * which on a chip engine are the chip's own account (training gathers into the
 * golden model; inference does not). */
static struct ssnn_layer_counters *layer_accounts(const struct run *r, int infer)
{
    struct ssnn_layer_counters *layers = calloc((size_t)r->net.depth, sizeof *layers);
    if (!layers) { perror("ssnnsim"); exit(1); }
    if (infer && r->use_chip) chip_infer_layers(&r->chip, layers);
    else
        for (int l = 0; l < r->net.depth; l++) layers[l] = infer ? r->net.layer[l].infer : r->net.layer[l].c;
    return layers;
}

/* Timing and traffic of the cycle-level chip: every figure a simulated count. */
/* An infer run (infer_only) reports its own account alone: the chip holds the
 * checkpoint's training counts, but this process trained nothing. */
/* One account's events, every counter of struct chip_totals under its list name
 * (models/core.h, crossbar.h, chip_counters.h): what the energy model prices. */
static void write_events(struct json *j, const struct chip_totals *t, int multichip)
{
    static const char *const cls[TC_COUNT] = { "forward", "backward", "control" };
#define U(name) json_key(j, #name); json_uint(j, s->name);
#define C(name)                                          \
    json_key(j, #name);                                  \
    json_begin_object(j);                                \
    for (int c = 0; c < TC_COUNT; c++) {                 \
        json_key(j, cls[c]);                             \
        json_uint(j, s->name[c]);                        \
    }                                                    \
    json_end_object(j);
    json_begin_object(j);
    json_key(j, "core");
    json_begin_object(j);
    {
        const struct core_counters *s = &t->core;
        CORE_COUNTERS(U) CORE_CLASS_COUNTERS(C)
        if (multichip) { CORE_SYSTEM_CLASS_COUNTERS(C) }
    }
    json_end_object(j);
    const struct crossbar_counters *tiles[3] = { &t->w1, &t->w2, &t->wm };
    static const char *const tile_names[3] = { "w1", "w2", "mirrors" };
    for (int k = 0; k < 3; k++) {
        const struct crossbar_counters *s = tiles[k];
        json_key(j, tile_names[k]);
        json_begin_object(j);
        CROSSBAR_COUNTERS(U)
        json_end_object(j);
    }
    json_key(j, "chip_counters");
    json_begin_object(j);
    {
        const struct chip_counters *s = &t->chip;
        CHIP_COUNTERS(U) CHIP_CLASS_COUNTERS(C)
        if (multichip) { CHIP_SYSTEM_COUNTERS(U) CHIP_SYSTEM_CLASS_COUNTERS(C) }
    }
    json_end_object(j);
    json_end_object(j);
#undef U
#undef C
}

/* A system of chips (docs/system.md): its shape and its traffic split on chip /
 * off chip, per account: hops on chip and over inter-chip links, and the cycles
 * flits spend on those links at zero load. */
static void write_system(struct json *j, const struct run *r, int infer_only)
{
    const struct chip *ch = &r->chip;
    const struct system_cfg *s = &r->cfg->system;
    json_key(j, "system");
    json_begin_object(j);
    json_key(j, "chips"); json_begin_array(j); json_int(j, s->chips_x); json_int(j, s->chips_y); json_end_array(j);
    json_key(j, "chips_used"); json_int(j, chip_chips_used(ch));
    json_key(j, "link_latency_cycles"); json_int(j, s->link_latency);
    json_key(j, "link_cycles_per_flit"); json_int(j, s->link_cycles_per_flit);
    json_key(j, "link_buffer_depth");
    json_int(j, s->link_buffer_depth ? s->link_buffer_depth : r->cfg->chip.router.buffer_depth);
    const struct chip_counters *acc[2] = { &ch->c, &ch->infer.chip };
    static const char *const name[2] = { "train", "infer" };
    for (int a = infer_only ? 1 : 0; a < 2; a++) {
        const struct chip_counters *c = acc[a];
        json_key(j, name[a]);
        json_begin_object(j);
        json_key(j, "flits"); json_uint(j, c->flits);
        json_key(j, "interchip_flits"); json_uint(j, c->interchip_flits);
        json_key(j, "onchip_hops"); json_uint(j, c->hops - c->interchip_hops);
        json_key(j, "interchip_hops"); json_uint(j, c->interchip_hops);
        json_key(j, "interchip_flit_cycles"); json_uint(j, c->interchip_flit_cycles);
        json_end_object(j);
    }
    json_end_object(j);
}

static void write_chip(struct json *j, struct run *r, int infer_only)
{
    const struct chip_counters *c = &r->chip.c, *in = &r->chip.infer.chip;
    const struct mesh_counters *m = chip_noc_counters(&r->chip);
    double ns_per_cycle = 1000.0 / r->cfg->chip.clock_mhz;
    json_key(j, "cycles");
    json_uint(j, infer_only ? in->cycles : c->cycles);
    json_key(j, "latency_ns_per_sample");
    json_begin_object(j);
    if (!infer_only) {
        json_key(j, "train");
        json_double(j, c->samples ? ns_per_cycle * (double)c->cycles / (double)c->samples : 0);
    }
    if (in->samples) {
        json_key(j, "infer");
        json_double(j, ns_per_cycle * (double)in->cycles / (double)in->samples);
    }
    json_end_object(j);
    struct energy_report er;
    energy_report_init(&er, r->cfg, &r->chip);
    if (infer_only) energy_report_infer_only(&er);
    energy_json(j, &er);
    json_key(j, "chip");
    json_begin_object(j);
    json_key(j, "cores"); json_int(j, r->chip.n_cores);
    json_key(j, "input_cores"); json_int(j, r->chip.sh.n_input_cores);
    json_key(j, "hidden_cores"); json_int(j, r->chip.sh.n_hidden_cores);
    if (r->chip.sh.depth > 1) {
        /* depth: each layer's cores, and the traffic by class (gradient spikes travel as backward) */
        json_key(j, "layer_cores");
        json_begin_array(j);
        for (int l = 0; l < r->chip.sh.depth; l++) json_int(j, r->chip.layer_core0[l + 1] - r->chip.layer_core0[l]);
        json_end_array(j);
        static const char *const cls[TC_COUNT] = { "forward", "backward", "control" };
        json_key(j, "class_flits");
        json_begin_object(j);
        for (int t = 0; t < TC_COUNT; t++) {
            json_key(j, cls[t]);
            json_uint(j, infer_only ? r->chip.infer.chip.class_flits[t] : r->chip.c.class_flits[t]);
        }
        json_end_object(j);
    }
#define U(name, v) json_key(j, name); json_uint(j, v);
    if (!infer_only) {
        U("train_samples", c->samples) U("train_steps", c->steps) U("train_cycles", c->cycles)
        U("step_cycles_min", c->step_cycles_min) U("step_cycles_max", c->step_cycles_max)
        U("flits", c->flits) U("local_flits", c->local_flits)
    }
    U("infer_samples", in->samples) U("infer_steps", in->steps) U("infer_cycles", in->cycles)
    U("infer_flits", in->flits)
    if (CFG_MULTICHIP(r->cfg)) write_system(j, r, infer_only);
    json_key(j, "noc");
    json_begin_object(j);
#define M(name) U(#name, m->name)
    MESH_COUNTERS(M)
#undef M
    json_end_object(j);
#undef U
    /* every counter the energy model prices, per account (docs/energy.md) */
    json_key(j, "events");
    json_begin_object(j);
    if (!infer_only) {
        struct chip_totals t;
        chip_totals(&r->chip, &t);
        json_key(j, "train");
        write_events(j, &t, CFG_MULTICHIP(r->cfg));
    }
    if (in->samples) {
        json_key(j, "infer");
        write_events(j, &r->chip.infer, CFG_MULTICHIP(r->cfg));
    }
    json_end_object(j);
    json_end_object(j);
}

static void write_acc(struct json *j, const char *key, double v)
{
    if (v < 0) return;
    json_key(j, key);
    json_double(j, v);
}

/* What the run's models and data hold (docs/scale.md "Memory"). */
static void count_memory(const struct run *r, struct run_memory *m)
{
    uint64_t data = 0;
    const struct dataset *d[2] = { &r->train, &r->test };
    for (int i = 0; i < 2; i++) data += (uint64_t)d[i]->n * ((uint64_t)d[i]->pixels + 1);
    data += (uint64_t)r->train.n * sizeof *r->perm;
    run_memory_count(m, &r->net, r->have_ann ? &r->ann : NULL, r->use_chip ? &r->chip : NULL,
                     ssnn_rate_scratch(&r->net), data);
}

/* The result document (--out); every key comes from a counter or a measurement.
 * An infer result holds only what the evaluation did: its accuracy, counters,
 * cycles and energy, and which checkpoint (after how many epochs) it evaluated. */
static int write_result(struct run *r, const char *command)
{
    if (!r->o->out) return 0;
    const int infer = !strcmp(command, "infer");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct json j;
    json_init(&j, f);
    json_begin_object(&j);
    json_key(&j, "command"); json_string(&j, command);
    json_key(&j, "engine"); json_string(&j, r->o->engine);
    json_key(&j, "config"); config_to_json(r->cfg, &j);
    json_key(&j, "seed"); json_int(&j, r->cfg->training.seed);
    if (infer) {
        json_key(&j, "checkpoint");
        json_begin_object(&j);
        json_key(&j, "path"); json_string(&j, r->o->resume);
        json_key(&j, "epochs_done"); json_int(&j, r->n_rec);
        json_end_object(&j);
        json_key(&j, "test_samples"); json_int(&j, r->test.n);
        json_key(&j, "accuracy");
        json_begin_object(&j);
        write_acc(&j, "test_wta", r->eval.test_wta);
        write_acc(&j, "test_rate", r->eval.test_rate);
        write_acc(&j, "ann_baseline", r->eval.ann_test);
        json_end_object(&j);
        char hex[65];
        ssnn_weights_sha256(&r->net, hex);
        json_key(&j, "weights_sha256"); json_string(&j, hex);
        struct ssnn_layer_counters *layers = layer_accounts(r, 1);
        json_key(&j, "counters"); write_counters(&j, r->use_chip ? &r->chip.infer.sc : &r->net.infer, &r->net, layers);
        free(layers);
        if (r->use_chip) write_chip(&j, r, 1);
    } else {
        json_key(&j, "samples"); json_int(&j, r->train.n);
        json_key(&j, "test_samples"); json_int(&j, r->test.n);
        json_key(&j, "epochs_done"); json_int(&j, r->n_rec);
        json_key(&j, "accuracy");
        json_begin_object(&j);
        if (r->n_rec > 0) {
            const struct epoch_record *e = &r->rec[r->n_rec - 1];
            write_acc(&j, "train_wta", e->train_wta);
            write_acc(&j, "test_wta", e->test_wta);
            write_acc(&j, "test_rate", e->test_rate);
            write_acc(&j, "ann_baseline", e->ann_test);
        }
        json_end_object(&j);
        json_key(&j, "epochs");
        json_begin_array(&j);
        for (int i = 0; i < r->n_rec; i++) {
            const struct epoch_record *e = &r->rec[i];
            json_begin_object(&j);
            json_key(&j, "epoch"); json_int(&j, e->epoch);
            write_acc(&j, "train_wta", e->train_wta);
            write_acc(&j, "test_wta", e->test_wta);
            write_acc(&j, "test_rate", e->test_rate);
            write_acc(&j, "ann_train", e->ann_train);
            write_acc(&j, "ann_test", e->ann_test);
            json_end_object(&j);
        }
        json_end_array(&j);
        char hex[65];
        ssnn_weights_sha256(&r->net, hex);
        json_key(&j, "weights_sha256"); json_string(&j, hex);
        struct ssnn_layer_counters *layers = layer_accounts(r, 0);
        json_key(&j, "counters"); write_counters(&j, &r->net.c, &r->net, layers);
        free(layers);
        if (r->use_chip) write_chip(&j, r, 0);
    }
    struct run_memory mem;
    count_memory(r, &mem);
    run_memory_json(&j, &mem);
    json_end_object(&j);
    json_finish(&j);
    fclose(f);
    int rc = atomic_write(r->o->out, text, len, r->err, sizeof r->err);
    free(text);
    if (rc) {
        fprintf(stderr, "ssnnsim: %s\n", r->err);
        return 1;
    }
    return 0;
}

static void run_free(struct run *r)
{
    dataset_free(&r->train);
    dataset_free(&r->test);
    if (r->use_chip && r->chip.waves) {
        char err[512];
        if (chip_waves_close(r->chip.waves, err, sizeof err)) fprintf(stderr, "ssnnsim: %s\n", err);
        else if (!r->o->quiet)
            fprintf(stderr, "waves: %s (open with: gtkwave %s %.*s.gtkw)\n", r->o->waves, r->o->waves,
                    (int)strlen(r->o->waves) - 4, r->o->waves);
        r->chip.waves = NULL;
    }
    if (r->use_chip) chip_free(&r->chip);
    if (r->use_sc && r->o->waves && !r->o->quiet) fprintf(stderr, "waves: %s (sc_trace VCD)\n", r->o->waves);
    ssnn_free(&r->net);
    if (r->have_ann) ann_free(&r->ann);
    free(r->perm);
    free(r->hbuf);
    free(r->settings);
}

/* A setting the chosen engine cannot run: "file:line:col: key: why", no chip, exit 2. */
static int engine_refused(struct run *r, const struct config *cfg, const char *key, const char *why)
{
    char where[400];
    fprintf(stderr, "%s: %s: %s\n", config_where(cfg, key, where, sizeof where), key, why);
    r->use_chip = 0;
    return 2;
}

/* Loads data and builds the models; 0 or an exit status. */
static int run_setup(struct run *r, const struct config *cfg, const struct run_opts *o)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    r->o = o;
    int rc = load_split(r, 0, &r->train);
    if (!rc) rc = load_split(r, 1, &r->test);
    if (rc) return rc;
    if (ssnn_init(&r->net, cfg, r->err, sizeof r->err)) {
        fprintf(stderr, "ssnnsim: %s\n", r->err);
        return 1;
    }
    r->have_ann = cfg->training.ann_baseline;
    if (r->have_ann && ann_init_from(&r->ann, &r->net)) {
        fprintf(stderr, "ssnnsim: out of memory for the ANN baseline\n");
        return 1;
    }
    r->perm = malloc((size_t)r->train.n * sizeof *r->perm + 1);
    r->hbuf = malloc(ssnn_rate_scratch(&r->net) * sizeof *r->hbuf);
    hash_config(cfg, &r->train, r->config_hash, &r->settings, &r->settings_len);
    r->use_sc = !strcmp(o->engine, "systemc");
    r->use_chip = r->use_sc || !strcmp(o->engine, "chip");
    if (cfg->chip.n_rtl && !r->use_sc)
        return engine_refused(r, cfg, "chip.rtl", "RTL components run under --engine systemc only");
    if (r->use_sc && CFG_MULTICHIP(cfg))
        return engine_refused(r, cfg, "system.chips", "--engine systemc has no inter-chip links; a system of chips "
                              "runs under --engine chip (docs/system.md)");
    if (r->use_sc && cfg->chip.barrier_cycles)
        return engine_refused(r, cfg, "chip.barrier_cycles", "--engine systemc ends a step in the cycle its barrier "
                              "completes; a barrier delay runs under --engine chip (docs/scale.md)");
    if (r->use_chip && !strcmp(cfg->training.membrane, "rate"))
        return engine_refused(r, cfg, "training.membrane", "'rate' is a golden-model variant; the chip engines read "
                              "input spikes (use --engine golden, --set training.membrane=spikes, or "
                              "workloads/fashion-mnist-chip.yaml)");
    if (r->use_chip && chip_init(&r->chip, cfg, &r->net, r->err, sizeof r->err)) {
        fprintf(stderr, "%s\n", r->err);
        r->use_chip = 0;
        return 2;
    }
    if (r->use_chip) r->chip.check = o->check;
    if (o->waves && o->partition) {     /* before the file is created: no partial output */
        fprintf(stderr, "ssnnsim: --waves needs a single rank (each rank holds part of the chip)\n");
        return 2;
    }
#ifdef SSNN_SYSTEMC
    if (r->use_sc && sc_chip_attach(&r->chip, r->err, sizeof r->err)) {
        fprintf(stderr, "ssnnsim: %s\n", r->err);
        return 2;
    }
#else
    if (r->use_sc) {
        fprintf(stderr, "ssnnsim: this build has no SystemC engine (built with SYSTEMC=0)\n");
        return 2;
    }
#endif
    if (o->waves && !r->use_chip) {
        fprintf(stderr, "ssnnsim: --waves needs --engine chip or systemc (waveforms are in clock cycles)\n");
        return 2;
    }
#ifdef SSNN_SYSTEMC
    if (o->waves && r->use_sc) {
        if (sc_chip_trace(&r->chip, o->waves, r->err, sizeof r->err)) {
            fprintf(stderr, "ssnnsim: %s\n", r->err);
            return 2;
        }
        return 0;
    }
#endif
    if (o->waves && !(r->chip.waves = chip_waves_open(&r->chip, o->waves, &o->wave_sel, r->err, sizeof r->err))) {
        fprintf(stderr, "%s\n", r->err);
        return 2;
    }
    if (r->use_chip && o->partition && chip_partition(&r->chip, r->err, sizeof r->err)) {
        fprintf(stderr, "%s\n", r->err);
        return 2;
    }
    return 0;
}

int train_command(const struct config *cfg, const struct run_opts *o)
{
    return train_run(cfg, o, NULL);
}

/* Where training starts: an epoch, a sample in it, and the online counts so far. */
struct start_point {
    int epoch;
    uint64_t sample, correct, ann_correct;
};

/* Partitioned, every rank shares its cores' state; then the golden model holds the
 * chip's weights and counters (for a checkpoint, an evaluation, the result). */
static void sync_chip(struct run *r)
{
    if (!r->use_chip) return;
    chip_share(&r->chip);
    chip_gather(&r->chip, &r->net);
}

/* --resume: loads the checkpoint and says where training goes on. 0, or the exit code. */
static int resume_from(struct run *r, const char *path, struct start_point *at)
{
    const struct training_cfg *t = &r->cfg->training;
    struct checkpoint c;
    int rc = restore(r, path, &c, 0);
    if (rc) return rc;
    at->epoch = (int)c.epochs_done;
    if (r->use_chip) chip_scatter(&r->chip, &r->net);
    at->sample = c.sample_in_epoch;
    at->correct = c.correct_in_epoch;
    at->ann_correct = c.ann_correct_in_epoch;
    checkpoint_free(&c);
    if (at->epoch > t->epochs) {
        fprintf(stderr, "ssnnsim: --resume %s: the checkpoint has %d epochs done and training.epochs is %d: "
                "it would train nothing (ask for more with --epochs N > %d, or evaluate it with `ssnnsim infer "
                "--checkpoint %s`)\n", path, at->epoch, t->epochs, at->epoch, path);
        return 2;
    }
    /* A run stopped after its last checkpoint: finish it (the result file), train nothing. */
    if (at->epoch == t->epochs && !r->o->quiet)
        fprintf(stderr, "ssnnsim: %s has all %d epochs done: nothing left to train, writing its result\n",
                path, at->epoch);
    if (!r->o->quiet)
        fprintf(stderr, "resumed %s at epoch %d, sample %llu\n", path, at->epoch + 1, (unsigned long long)at->sample);
    return 0;
}

/* The checkpoint settings of a run: where it writes (NULL: nowhere, or not this
 * rank) and every how many samples (0: at epoch ends only). */
struct ckpt_plan {
    const char *path;
    int every;
};

/* The samples of epoch e from `at`, with mid-epoch checkpoints and the stop
 * signal; `at` ends holding the epoch's online counts. 0, or the exit code. */
static int train_epoch(struct run *r, int e, const struct ckpt_plan *ck, struct start_point *at)
{
    const struct config *cfg = r->cfg;
    const struct training_cfg *t = &cfg->training;
    const struct run_opts *o = r->o;
    uint32_t gq = gate_q(cfg, e);
    int ks = pulse_steps(cfg, e);
    ssnn_set_pulse_steps(&r->net, ks);
    if (r->use_chip) chip_set_pulse_steps(&r->chip, ks);
    /* The baseline follows the same schedule. */
    float lr[CFG_LIST];
    ann_rates(cfg, ks, gq, lr);
    shuffle(r, e);
    char label[64];
    snprintf(label, sizeof label, "epoch %d/%d", e + 1, t->epochs);
    struct progress p;
    progress_start(&p, label, (uint64_t)r->train.n, o->quiet);
    for (uint64_t n = at->sample; n < (uint64_t)r->train.n; n++) {
        uint32_t i = r->perm[n];
        const uint8_t *px = r->train.images + (size_t)i * (size_t)r->train.pixels;
        int y = r->train.labels[i];
        /* Online accuracy: the WTA read-out while the sample trains. */
        int pred = r->use_chip ? chip_train_sample(&r->chip, px, y, t->T, gq, r->err, sizeof r->err)
                               : ssnn_train_sample(&r->net, px, y, t->T, gq);
        if (pred < 0) {
            fprintf(stderr, "\nssnnsim: %s\n", r->err);
            return 1;
        }
        at->correct += pred == y;
        if (r->have_ann) {
            at->ann_correct += ann_predict(&r->ann, px) == y;
            ann_train_sample(&r->ann, px, y, lr);
        }
        progress_update(&p, n + 1);     /* cheap: draws only every 0.1 s / 10 s */
        /* Mid-epoch checkpoints: a crash loses at most checkpoint_every samples.
         * Every rank takes part; rank 0 writes. */
        if (ck->every && (n + 1) % (uint64_t)ck->every == 0 && n + 1 < (uint64_t)r->train.n) {
            sync_chip(r);
            int rc = ck->path ? save_checkpoint(r, ck->path, e, n + 1, at->correct, at->ann_correct) : 0;
            if (r->use_chip) rc = chip_agree_status(&r->chip, rc);    /* a failed write stops every rank */
            if (rc) return rc;
        }
        if (stop_requested(r)) {
            int sig = stop_signal ? stop_signal : SIGTERM;
            const char *path = ck->path ? ck->path : "ssnnsim-interrupted.ckpt";
            fprintf(stderr, "\nssnnsim: %s at epoch %d, sample %llu: writing %s\n",
                    sig == SIGINT ? "interrupted" : "terminated", e + 1, (unsigned long long)n + 1, path);
            sync_chip(r);
            int rc = o->mute ? 0 : save_checkpoint(r, path, e, n + 1, at->correct, at->ann_correct);
            if (!rc) fprintf(stderr, "ssnnsim: continue with --resume %s\n", path);
            return 128 + sig;
        }
    }
    progress_update(&p, (uint64_t)r->train.n);
    progress_finish(&p, NULL);
    return 0;
}

/* After epoch e's samples: its record, the test pass and the epoch's checkpoint
 * (a stop signal in the test pass still checkpoints the trained epoch). */
static int end_epoch(struct run *r, int e, const struct ckpt_plan *ck, const struct start_point *at)
{
    struct epoch_record *rec = &r->rec[r->n_rec++];
    rec->epoch = e + 1;
    rec->train_wta = (double)at->correct / r->train.n;
    rec->ann_train = r->have_ann ? (double)at->ann_correct / r->train.n : -1;
    sync_chip(r);
    int sig = evaluate(r, rec);
    const char *path = ck->path ? ck->path : sig ? "ssnnsim-interrupted.ckpt" : NULL;
    if (sig) fprintf(stderr, "ssnnsim: %s in the test pass of epoch %d (trained): writing %s\n",
                     sig == SIGINT ? "interrupted" : "terminated", e + 1, path);
    int rc = 0;
    if (path && !r->o->mute) rc = save_checkpoint(r, path, e + 1, 0, 0, 0);
    if (r->use_chip) rc = chip_agree_status(&r->chip, rc);
    if (sig) {
        if (!rc) fprintf(stderr, "ssnnsim: continue with --resume %s\n", path);
        rc = 128 + sig;
    }
    return rc;
}

static void fill_summary(struct run *r, struct run_summary *sum, double seconds, uint64_t samples0)
{
    memset(sum, 0, sizeof *sum);
    sum->epochs_done = r->n_rec;
    sum->test_wta = sum->test_rate = sum->ann_test = sum->train_wta = -1;
    if (r->n_rec) {
        const struct epoch_record *e = &r->rec[r->n_rec - 1];
        sum->test_wta = e->test_wta;
        sum->test_rate = e->test_rate;
        sum->ann_test = e->ann_test;
        sum->train_wta = e->train_wta;
    }
    ssnn_weights_sha256(&r->net, sum->weights_sha256);
    sum->train_seconds = seconds;
    sum->samples_trained = r->net.c.samples - samples0;
}

int train_run(const struct config *cfg, const struct run_opts *o, struct run_summary *sum)
{
    static struct run r;   /* large (epoch records); one run at a time per process */
    int rc = run_setup(&r, cfg, o);
    if (rc) { run_free(&r); return rc; }
    const struct training_cfg *t = &cfg->training;
    struct ckpt_plan ck = { o->checkpoint ? o->checkpoint : (t->checkpoint[0] ? t->checkpoint : NULL), 0 };
    /* Every rank takes the (collective) mid-epoch checkpoint steps; rank 0 writes. */
    ck.every = ck.path && t->checkpoint_every ? t->checkpoint_every : 0;
    if (o->mute) ck.path = NULL;
    struct start_point at = { 0 };
    if (o->resume && (rc = resume_from(&r, o->resume, &at))) { run_free(&r); return rc; }
    char shape[400];
    if (!o->quiet)
        fprintf(stderr, "ssnnsim: %s  %s  T=%d  %d train / %d test samples  engine %s\n",
                cfg->dataset.name, shape_text(cfg, shape, sizeof shape), t->T, r.train.n, r.test.n, o->engine);
    double t0 = progress_now();
    uint64_t samples0 = r.net.c.samples;
    catch_stop_signals(1);
    for (int e = at.epoch; e < t->epochs && !rc; e++) {
        if (e > at.epoch) at = (struct start_point){ e, 0, 0, 0 };
        rc = train_epoch(&r, e, &ck, &at);
        if (!rc) rc = end_epoch(&r, e, &ck, &at);
    }
    catch_stop_signals(0);
    if (r.use_chip && !rc) chip_share(&r.chip);     /* what inference counted, on every rank */
    double train_seconds = progress_now() - t0;
    if (!rc) rc = write_result(&r, "train");
    if (sum) fill_summary(&r, sum, train_seconds, samples0);
    if (!rc && r.use_chip) {
        struct energy_report er;
        rc = energy_finish_run(&er, cfg, &r.chip, o->out, o->quiet);
        if (sum) sum->energy = er, sum->has_energy = 1;
    }
    if (!rc && !o->quiet) {
        char hex[65];
        ssnn_weights_sha256(&r.net, hex);
        fprintf(stderr, "weights_sha256 %s\n", hex);
        struct run_memory mem;
        count_memory(&r, &mem);
        run_memory_print(stderr, &mem);
    }
    run_free(&r);
    return rc;
}

int infer_command(const struct config *cfg, const struct run_opts *o)
{
    static struct run r;
    if (!o->resume) {
        fprintf(stderr, "ssnnsim infer: --checkpoint FILE is required (the weights to evaluate)\n");
        return 2;
    }
    int rc = run_setup(&r, cfg, o);
    struct checkpoint c;
    if (!rc) rc = restore(&r, o->resume, &c, 1);
    if (rc) { run_free(&r); return rc; }
    checkpoint_free(&c);
    /* The chip evaluates the checkpoint's conductances, not its initial ones. */
    if (r.use_chip) chip_scatter(&r.chip, &r.net);
    char shape[400];
    if (!o->quiet)
        fprintf(stderr, "ssnnsim: infer %s (%d epoch%s trained)  %s  %s  T_test=%d  %d test samples  engine %s\n",
                o->resume, r.n_rec, r.n_rec == 1 ? "" : "s", cfg->dataset.name, shape_text(cfg, shape, sizeof shape),
                cfg->training.T_test, r.test.n, o->engine);
    r.eval = (struct epoch_record){ .epoch = r.n_rec, .train_wta = -1, .ann_train = -1 };
    catch_stop_signals(1);
    int sig = evaluate(&r, &r.eval);
    catch_stop_signals(0);
    if (sig) {
        fprintf(stderr, "ssnnsim: %s: no result written\n", sig == SIGINT ? "interrupted" : "terminated");
        run_free(&r);
        return 128 + sig;
    }
    if (r.use_chip) chip_share(&r.chip);
    if (!o->quiet)
        printf("test accuracy: wta %.2f%%  rate %.2f%%\n", 100 * r.eval.test_wta, 100 * r.eval.test_rate);
    rc = write_result(&r, "infer");
    struct energy_report er;
    if (!rc && r.use_chip) rc = energy_finish_infer(&er, cfg, &r.chip, o->out, o->quiet);
    if (!rc && !o->quiet) {
        struct run_memory mem;
        count_memory(&r, &mem);
        run_memory_print(stderr, &mem);
    }
    run_free(&r);
    return rc;
}
