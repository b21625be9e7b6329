/* The command line as a user meets it: runs the built binary (SSNNSIM, set by
 * tools/run-tests; default build/ssnnsim) and checks exit codes (0 ok, 2 bad
 * input or usage) and what lands on stderr. Bad configs, datasets and
 * checkpoints must be refused with a message naming the file, and must leave
 * no --out file behind. Datasets are tiny IDX files written into a mkdtemp
 * directory; the config extends the repository's workloads/mnist.yaml (tests
 * run from the repository root; the ones about where files are found also run
 * the binary from another directory, or with $SSNNSIM_DATA set). */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include "idx.h"

#include <string.h>
#include <unistd.h>

static char bin[1024];
static char abs_bin[2100];      /* bin from any directory */
static char repo[1024];
static char tmpdir[256];
static char cfg_path[600];      /* a valid config pointing at the tiny dataset */
static char img[600], lab[600]; /* 20 images of 28x28, labels 0..9 */
static char rel_path[600];      /* cfg_path's twin naming images.idx, labels.idx relative to itself */
static char otherdir[256];      /* another working directory, holding other-*.idx (other pixels) */
static char other_img[600], other_lab[600];

/* ---- helpers ------------------------------------------------------------- */

/* Runs the binary with the given arguments (NULL-terminated). */
#define run(...) run_in(tmpdir, 1, "", bin, __VA_ARGS__)

/* The same after the shell words `pre` ("cd 'DIR' &&", "VAR='value'"). */
#define run_after(pre, ...) run_in(tmpdir, 1, pre, abs_bin, __VA_ARGS__)

/* "WORDS'value'": the shell words that start run_after's command. */
static void shell_words(char *out, size_t n, const char *words, const char *value, const char *after)
{
    snprintf(out, n, "%s", words);
    quote(out, n, value);
    snprintf(out + strlen(out), n - strlen(out), "%s", after);
}

static int starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void write_idx(const char *path, int ndim, const uint32_t *dims, const uint8_t *data)
{
    char err[512];
    if (idx_write(path, 0, ndim, dims, data, err, sizeof err)) {
        printf("fixture: %s\n", err);
        exit(2);
    }
}

/* "--set" "dataset.KEY=path": four of these point every split at our files. */
static void set_arg(char *out, size_t n, const char *key, const char *path)
{
    snprintf(out, n, "dataset.%s=%s", key, path);
}

/* ---- usage --------------------------------------------------------------- */

static void no_arguments_is_usage_error(void)
{
    struct result r = run(NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "usage: ssnnsim"), "stderr: %s", r.err);
    result_free(&r);
}

static void unknown_command_is_usage_error(void)
{
    struct result r = run("bogus", cfg_path, NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(starts_with(r.err, "ssnnsim: unknown command 'bogus'"), "stderr: %s", r.err);
    result_free(&r);
}

static void version_prints_name(void)
{
    struct result r = run("--version", NULL);
    CHECK(r.code == 0, "exit %d", r.code);
    CHECK(starts_with(r.out, "ssnnsim ") && lines(r.out) == 1, "stdout: %s", r.out);
    result_free(&r);
}

static void command_help_exits_0(void)
{
    struct result r = run("train", "--help", NULL);
    CHECK(r.code == 0, "exit %d", r.code);
    CHECK(starts_with(r.out, "usage: ssnnsim train") && strstr(r.out, "--set"), "stdout: %s", r.out);
    result_free(&r);
}

static void unknown_option_is_usage_error(void)
{
    struct result r = run("train", cfg_path, "--bogus", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "bogus") && strstr(r.err, "usage: ssnnsim train"), "stderr: %s", r.err);
    result_free(&r);
}

static void missing_config_argument_is_usage_error(void)
{
    struct result r = run("train", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(starts_with(r.err, "ssnnsim train: missing CONFIG.yaml"), "stderr: %s", r.err);
    result_free(&r);
    r = run("train", cfg_path, cfg_path, NULL);
    CHECK(r.code == 2, "two configs: exit %d", r.code);
    result_free(&r);
}

static void unknown_engine_is_refused(void)
{
    struct result r = run("train", cfg_path, "--engine", "nosuch", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "engine 'nosuch'"), "stderr: %s", r.err);
    result_free(&r);
}

/* ---- configuration errors ------------------------------------------------ */

static void missing_config_file(void)
{
    char p[600], want[1300];
    path_in(p, sizeof p, tmpdir, "no-such.yaml");
    snprintf(want, sizeof want, "%s:1:1: cannot open: No such file or directory\n", p);
    struct result r = run("train", p, NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(!strcmp(r.err, want), "stderr: %s", r.err);
    result_free(&r);
}

static void bad_set_is_refused(void)
{
    struct result r = run("train", cfg_path, "--set", "network.hidden=abc", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(!strcmp(r.err, "--set:1:16: network.hidden: expected an integer, got 'abc'\n"), "stderr: %s", r.err);
    result_free(&r);
    /* Shorthand options are overrides too, named by their option; the --set options
     * are numbered among themselves, wherever the shorthands stand. */
    r = run("train", cfg_path, "--set", "network.layers=[784, 8, 10]", "--seed", "abc", NULL);
    CHECK(r.code == 2, "--seed abc: exit %d", r.code);
    CHECK(!strcmp(r.err, "--seed:1:1: training.seed: expected an integer, got 'abc'\n"), "stderr: %s", r.err);
    result_free(&r);
    r = run("train", cfg_path, "--samples", "2", "--epochs", "1", "--set", "network.hidden=abc", NULL);
    CHECK(r.code == 2, "--samples, --epochs, --set: exit %d", r.code);
    CHECK(!strcmp(r.err, "--set:1:16: network.hidden: expected an integer, got 'abc'\n"), "stderr: %s", r.err);
    result_free(&r);
    r = run("train", cfg_path, "--set", "nokey", NULL);
    CHECK(r.code == 2 && starts_with(r.err, "--set:1:1: expected key=value"), "exit %d stderr: %s", r.code, r.err);
    result_free(&r);
}

/* A config error is found before anything is written. */
static void bad_config_leaves_no_out_file(void)
{
    char bad[600], out[600], tmp[700];
    path_in(bad, sizeof bad, tmpdir, "bad.yaml");
    write_file(bad, "extends: %s\nnetwork:\n  hidden: -1\n", cfg_path);
    path_in(out, sizeof out, tmpdir, "bad-out.json");
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    struct result r = run("train", bad, "--out", out, "--quiet", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(starts_with(r.err, bad) && strstr(r.err, ":3:11: network.hidden: -1 is out of range") &&
          lines(r.err) == 1, "stderr: %s", r.err);
    CHECK(!exists(out) && !exists(tmp), "%s was written", out);
    result_free(&r);
}

/* ---- datasets ------------------------------------------------------------ */

static void missing_dataset_is_named(void)
{
    char nope[600], a[700], b[700], out[600];
    path_in(nope, sizeof nope, tmpdir, "missing-images.idx");
    path_in(out, sizeof out, tmpdir, "missing-out.json");
    set_arg(a, sizeof a, "train_images", nope);
    set_arg(b, sizeof b, "test_images", nope);
    struct result r = run("train", cfg_path, "--set", a, "--set", b, "--out", out, "--quiet", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, nope) && strstr(r.err, "cannot open"), "stderr: %s", r.err);
    /* Not a file tools/get-datasets fetches: its name is all there is to say. */
    CHECK(lines(r.err) == 1, "stderr: %s", r.err);
    CHECK(!exists(out), "%s was written", out);
    result_free(&r);
}

/* A missing file that tools/get-datasets fetches is followed by `make data`, said
 * for where it writes: $SSNNSIM_DATA when set, else the checkout that names it. */
static void missing_mnist_file_hints_make_data(void)
{
    char pre[1200], absent[600], want[1400];
    path_in(absent, sizeof absent, tmpdir, "absent");
    shell_words(pre, sizeof pre, "SSNNSIM_DATA=", absent, "");
    struct result r = run_after(pre, "train", "workloads/mnist.yaml", "--epochs", "0", "--quiet", NULL);
    snprintf(want, sizeof want, "ssnnsim: %s/mnist/train-images-idx3-ubyte: cannot open: No such file or directory\n"
             "ssnnsim: fetch the datasets into $SSNNSIM_DATA with 'make data' (tools/get-datasets)\n", absent);
    CHECK(r.code == 2 && !strcmp(r.err, want), "exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    /* A checkout other than the working directory: its data/ is named from there. */
    char co[256], tools[600], script[700], file[700], a[800];
    scratch_make(co, sizeof co, "cli_checkout");
    path_in(tools, sizeof tools, co, "tools");
    path_in(script, sizeof script, tools, "get-datasets");
    if (mkdir(tools, 0700)) { perror("mkdir"); exit(2); }
    write_file(script, "#!/bin/sh\n");
    snprintf(file, sizeof file, "%s/data/mnist/t10k-labels-idx1-ubyte", co);
    set_arg(a, sizeof a, "test_labels", file);
    r = run("train", cfg_path, "--set", a, "--epochs", "0", "--quiet", NULL);
    snprintf(want, sizeof want, "ssnnsim: %s: cannot open: No such file or directory\n"
             "ssnnsim: fetch the datasets with 'make data' in %s (tools/get-datasets)\n", file, co);
    CHECK(r.code == 2 && !strcmp(r.err, want), "exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    unlink(script);
    rmdir(tools);
    scratch_remove(co);
}

/* EMNIST has no package to fetch it from: the hint says so, and where its files go. */
static void missing_emnist_file_says_it_cannot_be_fetched(void)
{
    char pre[1200], absent[600];
    path_in(absent, sizeof absent, tmpdir, "absent");
    shell_words(pre, sizeof pre, "SSNNSIM_DATA=", absent, "");
    struct result r = run_after(pre, "train", "workloads/emnist.yaml", "--epochs", "0", "--quiet", NULL);
    CHECK(r.code == 2 && lines(r.err) == 2, "exit %d, stderr: %s", r.code, r.err);
    CHECK(strstr(r.err, "/absent/emnist/emnist-letters-train-images-idx3-ubyte.gz: cannot open") &&
          strstr(r.err, "\nssnnsim: EMNIST cannot be fetched here") && strstr(r.err, "/absent/emnist/,") &&
          strstr(r.err, "dataset.train_images") && !strstr(r.err, "make data"), "stderr: %s", r.err);
    result_free(&r);
}

/* ---- where a workload's files are ----------------------------------------- */

/* A workload names its dataset relative to itself: it trains from any directory,
 * and a --set file name there is relative to that directory. */
static void a_workload_finds_its_dataset_from_any_directory(void)
{
    char pre[1200], out[600], a[700], b[700], want[1400];
    shell_words(pre, sizeof pre, "cd ", otherdir, " &&");
    struct result r = run_after(pre, "train", rel_path, "--quiet", NULL);
    CHECK(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    path_in(out, sizeof out, tmpdir, "rel.json");
    set_arg(a, sizeof a, "test_images", "other-images.idx");
    set_arg(b, sizeof b, "test_labels", "other-labels.idx");
    r = run_after(pre, "train", rel_path, "--set", a, "--set", b, "--out", out, "--quiet", NULL);
    CHECK(r.code == 0, "--set: exit %d, stderr: %s", r.code, r.err);
    char *json = file_text_or_empty(out);
    snprintf(want, sizeof want, "\"train_images\": \"%s\"", img);
    CHECK(strstr(json, want) && strstr(json, "\"test_images\": \"other-images.idx\""), "result: %.2000s", json);
    free(json);
    result_free(&r);
    /* The shipped workload, once its data is fetched (the old loader said "make data"). */
    char mnist[1200], yaml[1200];
    snprintf(mnist, sizeof mnist, "%s/data/mnist/train-images-idx3-ubyte", repo);
    snprintf(yaml, sizeof yaml, "%s/workloads/mnist.yaml", repo);
    if (!exists(mnist)) { printf("     skipped the shipped workload: not fetched (make data)\n"); return; }
    r = run_after(pre, "train", yaml, "--epochs", "0", "--samples", "1", "--test-samples", "1", "--quiet", NULL);
    CHECK(r.code == 0, "%s from %s: exit %d, stderr: %s", yaml, otherdir, r.code, r.err);
    result_free(&r);
}

/* A run on the workload with dataset.KEY = path is refused: exit 2, and a
 * message that names `named` (when not NULL) and says `says` (and `and_says`). */
static void dataset_file_refused(const char *key, const char *path, const char *named, const char *says,
                                 const char *and_says)
{
    char a[700];
    set_arg(a, sizeof a, key, path);
    struct result r = run("train", cfg_path, "--set", a, "--quiet", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK((!named || strstr(r.err, named)) && strstr(r.err, says) && (!and_says || strstr(r.err, and_says)),
          "stderr: %s", r.err);
    result_free(&r);
}

static void truncated_idx_is_refused(void)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "truncated.idx");
    uint8_t px[20 * 28 * 28] = { 0 };
    uint32_t dims[3] = { 20, 28, 28 };
    write_idx(p, 3, dims, px);
    if (truncate(p, 500)) { perror("truncate"); exit(2); }
    dataset_file_refused("train_images", p, p, "truncated", NULL);
}

static void corrupt_idx_is_refused(void)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "notidx.idx");
    write_file(p, "this is not an IDX file at all\n");
    dataset_file_refused("test_images", p, p, "bad magic", NULL);
}

static void wrong_image_dimensions_refused(void)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "img27.idx");
    static uint8_t px[20 * 27 * 28];
    uint32_t dims[3] = { 20, 27, 28 };
    write_idx(p, 3, dims, px);
    dataset_file_refused("train_images", p, p, "images are 27x28, expected 28x28", NULL);
}

static void label_out_of_range_refused(void)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "badlabels.idx");
    uint8_t l[20] = { 0 };
    l[3] = 12;
    uint32_t dims[1] = { 20 };
    write_idx(p, 1, dims, l);
    dataset_file_refused("train_labels", p, p, "sample 3 has label 12", "outside [0, 10)");
}

static void image_label_count_mismatch_refused(void)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "fivelabels.idx");
    uint8_t l[5] = { 0 };
    uint32_t dims[1] = { 5 };
    write_idx(p, 1, dims, l);
    dataset_file_refused("test_labels", p, NULL, "holds 20 images but", "holds 5 labels");
}

/* ---- a real run and its checkpoints ------------------------------------- */

static char ckpt[600];

static void train_writes_out_and_checkpoint(void)
{
    char out[600];
    path_in(out, sizeof out, tmpdir, "run.json");
    path_in(ckpt, sizeof ckpt, tmpdir, "run.ckpt");
    struct result r = run("train", cfg_path, "--out", out, "--checkpoint", ckpt, "--quiet", NULL);
    CHECK(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
    CHECK(exists(out) && exists(ckpt), "out %d checkpoint %d", exists(out), exists(ckpt));
    char *json = file_text_or_empty(out);
    CHECK(strstr(json, "\"command\": \"train\"") && strstr(json, "\"hidden\": 16"), "result: %.300s", json);
    free(json);
    result_free(&r);
    r = run("infer", cfg_path, "--checkpoint", ckpt, "--quiet", NULL);
    CHECK(r.code == 0, "infer: exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
}

/* Writes a damaged copy of the checkpoint and runs infer on it. */
static struct result infer_damaged(const char *name, long keep, long flip_at)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, name);
    char *src = NULL;
    FILE *f = fopen(ckpt, "rb");
    long n = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        src = malloc((size_t)n + 1);
        if (fread(src, 1, (size_t)n, f) != (size_t)n) n = 0;
        fclose(f);
    }
    if (keep >= 0 && keep < n) n = keep;
    if (src && flip_at >= 0 && flip_at < n) src[flip_at] ^= 1;
    f = fopen(p, "wb");
    if (f) {
        if (src) fwrite(src, 1, (size_t)n, f);
        fclose(f);
    }
    free(src);
    return run("infer", cfg_path, "--checkpoint", p, "--quiet", NULL);
}

static void infer_rejects_corrupt_checkpoint(void)
{
    struct result r = infer_damaged("flipped.ckpt", -1, 100);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "flipped.ckpt: offset ") && strstr(r.err, "checksum mismatch"), "stderr: %s", r.err);
    result_free(&r);
}

static void infer_rejects_truncated_checkpoint(void)
{
    struct result r = infer_damaged("cut.ckpt", 100, -1);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "cut.ckpt: offset 68: checksum mismatch (corrupt or truncated checkpoint)"),
          "stderr: %s", r.err);
    result_free(&r);
    r = infer_damaged("tiny.ckpt", 4, -1);
    CHECK(r.code == 2, "4 bytes: exit %d", r.code);
    CHECK(strstr(r.err, "tiny.ckpt: offset 0: truncated checkpoint (reading magic)"), "stderr: %s", r.err);
    result_free(&r);
}

static void infer_rejects_foreign_file(void)
{
    struct result r = infer_damaged("magic.ckpt", -1, 0);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "magic.ckpt: offset 0: not an ssnnsim checkpoint (bad magic)"), "stderr: %s", r.err);
    result_free(&r);
}

static void infer_rejects_checkpoint_of_other_settings(void)
{
    /* The seed, the rates or --samples do not change what the weights are; the shape does. */
    struct result r = run("infer", cfg_path, "--checkpoint", ckpt, "--set", "network.layers=[784, 7, 10]", "--quiet", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "its weights are for network.hidden = "), "stderr: %s", r.err);
    result_free(&r);
}

/* A resume needs the data the checkpoint was trained on, not the names that reach
 * it: the same files named from another directory resume it, other training data
 * does not, and another test set only evaluates it (as --test-samples does). */
static void resume_needs_the_training_data_not_its_names(void)
{
    char pre[1200], a[700], b[700], name[600], out[600];
    path_in(out, sizeof out, tmpdir, "resumed.json");
    shell_words(pre, sizeof pre, "cd ", otherdir, " &&");
    /* Trained on absolute names; resumed from a sibling directory as ../DIR/... */
    snprintf(name, sizeof name, "..%s/images.idx", strrchr(tmpdir, '/'));
    set_arg(a, sizeof a, "train_images", name);
    snprintf(name, sizeof name, "..%s/labels.idx", strrchr(tmpdir, '/'));
    set_arg(b, sizeof b, "train_labels", name);
    struct result r = run_after(pre, "train", cfg_path, "--resume", ckpt, "--epochs", "2", "--set", a, "--set", b,
                                "--out", out, "--quiet", NULL);
    CHECK(r.code == 0, "the same files, other names: exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    set_arg(a, sizeof a, "train_images", other_img);
    r = run("train", cfg_path, "--resume", ckpt, "--epochs", "2", "--set", a, "--out", out, "--quiet", NULL);
    CHECK(r.code == 2 && strstr(r.err, "trained on other training data (dataset.train_images differs"),
          "other training images: exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    set_arg(a, sizeof a, "test_images", other_img);
    set_arg(b, sizeof b, "test_labels", other_lab);
    r = run("train", cfg_path, "--resume", ckpt, "--epochs", "2", "--set", a, "--set", b, "--out", out, "--quiet",
            NULL);
    CHECK(r.code == 0, "another test set: exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
}

static void infer_needs_a_checkpoint(void)
{
    struct result r = run("infer", cfg_path, "--quiet", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "--checkpoint FILE is required"), "stderr: %s", r.err);
    result_free(&r);
    char p[600];
    path_in(p, sizeof p, tmpdir, "absent.ckpt");
    r = run("infer", cfg_path, "--checkpoint", p, "--quiet", NULL);
    CHECK(r.code == 2, "absent: exit %d", r.code);
    CHECK(strstr(r.err, "absent.ckpt: cannot open checkpoint"), "stderr: %s", r.err);
    result_free(&r);
}

/* ---- waveform dumps: the waves section and the options over it --------------- */

static void wave_options_override_the_waves_section(void)
{
    char y[600], dump[600], gtkw[600], other[600];
    path_in(dump, sizeof dump, tmpdir, "yaml.vcd");
    path_in(gtkw, sizeof gtkw, tmpdir, "yaml.gtkw");
    path_in(other, sizeof other, tmpdir, "cli.vcd");
    path_in(y, sizeof y, tmpdir, "waves.yaml");
    write_file(y, "extends: '%s'\nwaves:\n  file: '%s'\n  cores: '0'\n  samples: 1\n", cfg_path, dump);
    /* From the YAML alone: core 0 (the input core at (0,0)) only. */
    struct result r = run("train", y, "--engine", "chip", "--quiet", NULL);
    CHECK(r.code == 0, "exit %d, stderr: %.600s", r.code, r.err);
    char *g = file_text_or_empty(gtkw);
    CHECK(exists(dump) && strstr(g, "chip.core_0_0.") && !strstr(g, "chip.core_1_0."), "save file: %.400s", g);
    free(g);
    result_free(&r);
    /* The options win: another file, core 1. */
    r = run("train", y, "--engine", "chip", "--quiet", "--waves", other, "--wave-cores", "1", NULL);
    CHECK(r.code == 0, "exit %d, stderr: %.600s", r.code, r.err);
    path_in(gtkw, sizeof gtkw, tmpdir, "cli.gtkw");
    g = file_text_or_empty(gtkw);
    CHECK(exists(other) && strstr(g, "chip.core_1_0.") && !strstr(g, "chip.core_0_0."), "save file: %.400s", g);
    free(g);
    result_free(&r);
}

static void bad_wave_selection_is_refused_with_its_position(void)
{
    char dump[600], out[600], y[600];
    path_in(dump, sizeof dump, tmpdir, "bad.fst");
    path_in(out, sizeof out, tmpdir, "bad.json");
    /* A core the chip does not have: known only once the network is placed. */
    struct result r = run("train", cfg_path, "--engine", "chip", "--quiet", "--out", out, "--waves", dump,
                          "--wave-cores", "0,42", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(starts_with(r.err, "--wave-cores:1:1: waves.cores: '0,42' is not a list of core indices 0..") &&
              lines(r.err) == 1,
          "stderr: %s", r.err);
    CHECK(!exists(dump) && !exists(out), "left behind: dump %d, out %d", exists(dump), exists(out));
    result_free(&r);
    path_in(y, sizeof y, tmpdir, "badcores.yaml");
    write_file(y, "extends: '%s'\nwaves:\n  cores: 3,99\n", cfg_path);
    char csv[600];
    path_in(csv, sizeof csv, tmpdir, "badcores.csv");
    r = run("noc", y, "--quiet", "--waves", dump, "--csv", csv, NULL);
    CHECK(r.code == 2, "noc: exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "badcores.yaml:3:10: waves.cores: '3,99' is not a list of router ids 0..15"), "stderr: %s",
          r.err);
    CHECK(!exists(dump) && !exists(csv), "noc left a dump %d or a table %d behind", exists(dump), exists(csv));
    result_free(&r);
    /* A part after the colon is pointed at where it starts in the option's value. */
    r = run("train", cfg_path, "--wave-samples", "2:x", NULL);
    CHECK(r.code == 2 && starts_with(r.err, "--wave-samples:1:3: waves.samples: expected an integer, got 'x'"),
          "exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    r = run("train", cfg_path, "--wave-samples", "y:4", NULL);
    CHECK(r.code == 2 && starts_with(r.err, "--wave-samples:1:1: waves.sample_first: expected an integer, got 'y'"),
          "exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    r = run("train", cfg_path, "--wave-cycles", "100:zz", NULL);
    CHECK(r.code == 2 && starts_with(r.err, "--wave-cycles:1:5: waves.cycle_last: expected an integer, got 'zz'"),
          "exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
    r = run("sweep", cfg_path, "--waves", dump, NULL);
    CHECK(r.code == 2 && starts_with(r.err, "ssnnsim sweep: --waves does not apply (one run, one dump"),
          "sweep: exit %d, stderr: %s", r.code, r.err);
    result_free(&r);
}

static void noc_writes_a_waveform(void)
{
    char dump[600], csv[600];
    path_in(dump, sizeof dump, tmpdir, "noc.fst");
    path_in(csv, sizeof csv, tmpdir, "noc.csv");
    struct result r = run("noc", cfg_path, "--set", "chip.mesh_x=3", "--set", "noc.rates=[0.2]", "--set",
                          "noc.warmup_cycles=100", "--set", "noc.measure_cycles=300", "--csv", csv, "--waves", dump, NULL);
    CHECK(r.code == 0, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(strstr(r.err, "waves: ") && strstr(r.err, "flit traversals (open with: gtkwave"), "stderr: %s", r.err);
    char gtkw[600];
    path_in(gtkw, sizeof gtkw, tmpdir, "noc.gtkw");
    char *g = file_text_or_empty(gtkw);
    CHECK(exists(dump) && strstr(g, "chip.router_2_1.L_valid"), "save file: %.300s", g);
    free(g);
    result_free(&r);
}

static void rate_membrane_is_refused_by_the_chip_engine(void)
{
    struct result r = run("train", cfg_path, "--engine", "chip", "--set", "training.membrane=rate", "--quiet", NULL);
    CHECK(r.code == 2, "exit %d, stderr: %.600s", r.code, r.err);
    CHECK(starts_with(r.err, "--set:1:19: training.membrane: 'rate' is a golden-model variant"), "stderr: %s", r.err);
    result_free(&r);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
    if (sim_find("test_cli", bin, sizeof bin, repo, sizeof repo)) return 1;
    scratch_make(tmpdir, sizeof tmpdir, "cli");

    /* 20 noisy 28x28 images, labels 0..9: enough for one tiny epoch. */
    noise_workload(tmpdir, repo, 20, 12345, 0, "network:\n  layers: [784, 16, 10]\ntraining:\n  epochs: 1\n", img, lab,
                   cfg_path);
    char err[512];
    path_in(rel_path, sizeof rel_path, tmpdir, "rel.yaml");
    noise_set_config(rel_path, repo, "images.idx", "labels.idx", "network:\n  layers: [784, 16, 10]\ntraining:\n  epochs: 1\n");
    scratch_make(otherdir, sizeof otherdir, "cli_cwd");
    path_in(other_img, sizeof other_img, otherdir, "other-images.idx");
    path_in(other_lab, sizeof other_lab, otherdir, "other-labels.idx");
    if (noise_set_write(other_img, other_lab, 20, 777, 0, err, sizeof err)) {
        printf("fixture: %s\n", err);
        return 2;
    }
    if (bin[0] == '/') snprintf(abs_bin, sizeof abs_bin, "%s", bin);
    else snprintf(abs_bin, sizeof abs_bin, "%s/%s", repo, bin);
    unsetenv("SSNNSIM_DATA");   /* the tests set it where they mean to */

    RUN(no_arguments_is_usage_error);
    RUN(unknown_command_is_usage_error);
    RUN(version_prints_name);
    RUN(command_help_exits_0);
    RUN(unknown_option_is_usage_error);
    RUN(missing_config_argument_is_usage_error);
    RUN(unknown_engine_is_refused);
    RUN(missing_config_file);
    RUN(bad_set_is_refused);
    RUN(bad_config_leaves_no_out_file);
    RUN(missing_dataset_is_named);
    RUN(missing_mnist_file_hints_make_data);
    RUN(missing_emnist_file_says_it_cannot_be_fetched);
    RUN(a_workload_finds_its_dataset_from_any_directory);
    RUN(truncated_idx_is_refused);
    RUN(corrupt_idx_is_refused);
    RUN(wrong_image_dimensions_refused);
    RUN(label_out_of_range_refused);
    RUN(image_label_count_mismatch_refused);
    RUN(train_writes_out_and_checkpoint);
    RUN(infer_rejects_corrupt_checkpoint);
    RUN(infer_rejects_truncated_checkpoint);
    RUN(infer_rejects_foreign_file);
    RUN(infer_rejects_checkpoint_of_other_settings);
    RUN(resume_needs_the_training_data_not_its_names);
    RUN(infer_needs_a_checkpoint);
    RUN(wave_options_override_the_waves_section);
    RUN(bad_wave_selection_is_refused_with_its_position);
    RUN(noc_writes_a_waveform);
    RUN(rate_membrane_is_refused_by_the_chip_engine);

    scratch_remove(otherdir);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
