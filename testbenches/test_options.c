/* Which options each command takes, as a user meets them: runs the built binary
 * (SSNNSIM, set by tools/run-tests; default build/ssnnsim) from the repository
 * root. A command refuses, with exit 2 and one line naming it, every option it
 * does not use (one silently ignored made `sweep --out` write nothing), and its
 * --help lists exactly the options it takes. Every file a command writes is
 * made ready before any work: its directory is created when missing, and one
 * that cannot be written is refused at once with exit 2, not after hours of
 * training. */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char bin[1024];
static char repo[1024];
static char tmpdir[256];
static char cfg_path[600];      /* a valid workload on the tiny noise set */
static char noc_path[600];      /* the same with a 3x4 mesh and one short rate point for noc */
static char scratch_csv[600];   /* a table no check reads: noc and sweep never write into results/ */
static char nodata_path[600];   /* tiny.yaml with a training set that does not exist */
static char nodata_sweep[600];  /* a sweep over nodata.yaml */
static char blocker[600];       /* a regular file: nothing can be created below it */
static char missing_images[600];

/* Every option of any command, with an argument that would be valid. */
static const struct { const char *name, *arg; } all_options[] = {
    { "--engine", "chip" }, { "--check", NULL }, { "--resume", "x.ckpt" }, { "--checkpoint", "x.ckpt" },
    { "--out", "x.json" }, { "--csv", "x.csv" }, { "--set", "training.T=2" }, { "--seed", "2" },
    { "--epochs", "1" }, { "--samples", "4" }, { "--test-samples", "4" }, { "--waves", "x.vcd" },
    { "--wave-cores", "0" }, { "--wave-neurons", "2" }, { "--wave-samples", "1" }, { "--wave-cycles", "0:9" },
    { "--quiet", NULL }, { "--help", NULL },
};
#define N_OPTIONS (int)(sizeof all_options / sizeof all_options[0])

/* What each command uses (sim/train.c, sim/sweep.c, sim/noc.c). */
static const struct { const char *command; const char *takes[N_OPTIONS + 1]; } commands[] = {
    { "train", { "--engine", "--check", "--resume", "--checkpoint", "--out", "--set", "--seed", "--epochs",
                 "--samples", "--test-samples", "--waves", "--wave-cores", "--wave-neurons", "--wave-samples",
                 "--wave-cycles", "--quiet", "--help", NULL } },
    /* --seed draws the evaluation's spikes; --samples chose training samples (no matter to infer). */
    { "infer", { "--engine", "--check", "--checkpoint", "--out", "--set", "--seed", "--test-samples",
                 "--waves", "--wave-cores", "--wave-neurons", "--wave-samples", "--wave-cycles", "--quiet", "--help",
                 NULL } },
    { "sweep", { "--engine", "--check", "--csv", "--set", "--seed", "--epochs", "--samples", "--test-samples",
                 "--quiet", "--help", NULL } },
    { "noc", { "--engine", "--out", "--csv", "--set", "--seed", "--waves", "--wave-cores", "--wave-samples",
               "--wave-cycles", "--quiet", "--help", NULL } },
};
#define N_COMMANDS (int)(sizeof commands / sizeof commands[0])

/* ---- helpers ------------------------------------------------------------- */

/* Runs the binary with the given arguments (NULL-terminated). */
#define run(...) run_in(tmpdir, 1, "", bin, __VA_ARGS__)

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

static int takes(int command, const char *option)
{
    for (const char *const *t = commands[command].takes; *t; t++)
        if (!strcmp(*t, option)) return 1;
    return 0;
}

/* Whether `help` has a line starting "  OPTION" followed by a space or its end. */
static int help_lists(const char *help, const char *option)
{
    size_t n = strlen(option);
    for (const char *l = help; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (starts_with(l, "  ") && !strncmp(l + 2, option, n) && (l[2 + n] == ' ' || l[2 + n] == '\n'))
            return 1;
    return 0;
}

/* ---- which options a command takes --------------------------------------- */

/* Options are judged before the config is read: the config named here does not
 * exist, so an option that got through would end on "cannot open" instead. */
static void every_command_refuses_the_options_it_does_not_take(void)
{
    char nope[600], want[300];
    path_in(nope, sizeof nope, tmpdir, "never-read.yaml");
    int refused = 0;
    for (int c = 0; c < N_COMMANDS; c++)
        for (int o = 0; o < N_OPTIONS; o++) {
            if (takes(c, all_options[o].name)) continue;
            struct result r = all_options[o].arg ? run(commands[c].command, nope, all_options[o].name,
                                                       all_options[o].arg, NULL)
                                                 : run(commands[c].command, nope, all_options[o].name, NULL);
            snprintf(want, sizeof want, "ssnnsim %s: %s does not apply (", commands[c].command, all_options[o].name);
            CHECK(r.code == 2 && starts_with(r.err, want) && lines(r.err) == 1, "%s %s: exit %d, stderr: %.300s",
                  commands[c].command, all_options[o].name, r.code, r.err);
            result_free(&r);
            refused++;
        }
    CHECK(refused == 20, "%d refusals tried, expected 20 (train 1, infer 4, sweep 8, noc 7)", refused);
}

static void help_lists_exactly_the_options_a_command_takes(void)
{
    for (int c = 0; c < N_COMMANDS; c++) {
        struct result r = run(commands[c].command, "--help", NULL);
        CHECK(r.code == 0, "%s --help: exit %d", commands[c].command, r.code);
        for (int o = 0; o < N_OPTIONS; o++) {
            int listed = help_lists(r.out, all_options[o].name), taken = takes(c, all_options[o].name);
            CHECK(listed == taken, "%s --help %s %s", commands[c].command, listed ? "lists" : "does not list",
                  all_options[o].name);
        }
        /* Nothing else: every option line is one of the above. */
        for (const char *l = r.out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
            if (!starts_with(l, "  --")) continue;
            int known = 0;
            for (int o = 0; o < N_OPTIONS; o++) known |= help_lists(l, all_options[o].name);
            CHECK(known, "%s --help lists an option this test does not know: %.40s", commands[c].command, l);
        }
        result_free(&r);
    }
}

/* noc runs the chip engine's network (native or SystemC), which the golden model
 * does not have; nor does --check watch one under golden. */
static void an_engine_a_command_does_not_run_is_refused(void)
{
    const char *engines[] = { "golden" };
    for (int i = 0; i < 1; i++) {
        struct result r = run("noc", noc_path, "--quiet", "--csv", scratch_csv, "--engine", engines[i], NULL);
        char want[200];
        snprintf(want, sizeof want, "ssnnsim noc: --engine %s does not apply (", engines[i]);
        CHECK(r.code == 2 && starts_with(r.err, want) && lines(r.err) == 1, "noc --engine %s: exit %d, stderr: %.300s",
              engines[i], r.code, r.err);
        result_free(&r);
    }
    struct result r = run("train", cfg_path, "--check", "--quiet", NULL);
    CHECK(r.code == 2 && starts_with(r.err, "ssnnsim train: --check does not apply to --engine golden"),
          "train --check (golden): exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

/* noc's random streams come from noc.seed; --seed set training.seed, which noc
 * never reads, so every seed gave the same table. */
static void noc_seed_sets_the_traffic_seed(void)
{
    char csv[3][600];
    const char *how[3][2] = { { "--seed", "1" }, { "--seed", "2" }, { "--set", "noc.seed=2" } };
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "seed%d.csv", i);
        path_in(csv[i], sizeof csv[i], tmpdir, name);
        struct result r = run("noc", noc_path, "--quiet", how[i][0], how[i][1], "--csv", csv[i], NULL);
        CHECK(r.code == 0, "noc %s %s: exit %d, stderr: %.300s", how[i][0], how[i][1], r.code, r.err);
        result_free(&r);
    }
    char *a = file_text_or_empty(csv[0]), *b = file_text_or_empty(csv[1]), *c = file_text_or_empty(csv[2]);
    CHECK(*a && strcmp(a, b), "--seed 1 and --seed 2 gave the same table:\n%s", a);
    CHECK(*b && !strcmp(b, c), "--seed 2 and --set noc.seed=2 differ:\n%s\n%s", b, c);
    free(a), free(b), free(c);
}

/* ---- values of options ---------------------------------------------------- */

static void an_empty_file_name_is_a_usage_error(void)
{
    const char *cases[][3] = { { "train", "--out", "" }, { "train", "--checkpoint", "" }, { "train", "--resume", "" },
                               { "infer", "--checkpoint", "" }, { "train", "--waves", "" }, { "noc", "--csv", "" },
                               { "sweep", "--csv", "" }, { "noc", "--out", "" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int noc = !strcmp(cases[i][0], "noc");
        struct result r = run(cases[i][0], noc ? noc_path : cfg_path, "--quiet", noc ? "--csv" : "--seed",
                              noc ? scratch_csv : "1", cases[i][1], cases[i][2], NULL);
        char want[200];
        snprintf(want, sizeof want, "ssnnsim %s: %s: empty file name\n", cases[i][0], cases[i][1]);
        CHECK(r.code == 2 && !strcmp(r.err, want), "%s %s '': exit %d, stderr: %.300s", cases[i][0], cases[i][1],
              r.code, r.err);
        result_free(&r);
    }
}

/* 256 overrides at most; the message says which option went over and the limit. */
static void too_many_overrides_names_the_option_and_the_limit(void)
{
    char cmd[16384] = "";
    quote(cmd, sizeof cmd, bin);
    size_t k = strlen(cmd);
    k += (size_t)snprintf(cmd + k, sizeof cmd - k, " train '%s'", cfg_path);
    for (int i = 0; i < 257; i++) k += (size_t)snprintf(cmd + k, sizeof cmd - k, " --set training.T=2");
    char out[600], err[600];
    path_in(out, sizeof out, tmpdir, "stdout");
    path_in(err, sizeof err, tmpdir, "stderr");
    struct result r = run_captured(cmd, out, err);
    CHECK(r.code == 2 && starts_with(r.err, "ssnnsim train: --set: more than 256 overrides") && lines(r.err) == 1,
          "exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

/* ---- output files ---------------------------------------------------------- */

static void outputs_in_missing_directories_are_created_and_written(void)
{
    char out[600], ckpt[600], dump[600], gtkw[600], table[600], json[600], sweep_csv[600];
    path_in(out, sizeof out, tmpdir, "made/for/it/run.json");
    path_in(ckpt, sizeof ckpt, tmpdir, "ckpts/run.ckpt");
    path_in(dump, sizeof dump, tmpdir, "dumps/run.vcd");
    path_in(gtkw, sizeof gtkw, tmpdir, "dumps/run.gtkw");
    struct result r = run("train", cfg_path, "--quiet", "--engine", "chip", "--samples", "2", "--test-samples", "2",
                          "--out", out, "--checkpoint", ckpt, "--waves", dump, "--wave-samples", "1", NULL);
    CHECK(r.code == 0, "train: exit %d, stderr: %.300s", r.code, r.err);
    CHECK(exists(out) && exists(ckpt) && exists(dump) && exists(gtkw), "out %d checkpoint %d dump %d save file %d",
          exists(out), exists(ckpt), exists(dump), exists(gtkw));
    result_free(&r);
    path_in(table, sizeof table, tmpdir, "tables/noc.csv");
    path_in(json, sizeof json, tmpdir, "jsons/noc.json");
    r = run("noc", noc_path, "--quiet", "--csv", table, "--out", json, NULL);
    CHECK(r.code == 0, "noc: exit %d, stderr: %.300s", r.code, r.err);
    CHECK(exists(table) && exists(json), "noc: table %d, result %d", exists(table), exists(json));
    result_free(&r);
    char sweep[600];
    path_in(sweep, sizeof sweep, tmpdir, "tiny-sweep.yaml");
    write_file(sweep, "name: tiny\nconfig: '%s'\naxes:\n  - { training.T: [1, 2] }\n", cfg_path);
    path_in(sweep_csv, sizeof sweep_csv, tmpdir, "sweeps/tiny.csv");
    r = run("sweep", sweep, "--quiet", "--samples", "4", "--test-samples", "4", "--csv", sweep_csv, NULL);
    CHECK(r.code == 0 && exists(sweep_csv), "sweep: exit %d, table %d, stderr: %.300s", r.code, exists(sweep_csv),
          r.err);
    result_free(&r);
}

/* Nothing can be created below a regular file, nor in /proc, root or not. The
 * workload's training set does not exist, so a refusal that came after the data
 * were read would name the data instead. */
static void an_output_that_cannot_be_written_is_refused_before_any_work(void)
{
    char below[600], dump[600], table[600], want[1400];
    path_in(below, sizeof below, tmpdir, "blocker/out.json");
    path_in(dump, sizeof dump, tmpdir, "blocker/run.vcd");
    path_in(table, sizeof table, tmpdir, "blocker/t.csv");
    const struct { const char *command, *config, *option, *path, *before[2]; } cases[] = {
        { "train", nodata_path, "--out", below, { NULL, NULL } },
        { "train", nodata_path, "--checkpoint", below, { NULL, NULL } },
        { "train", nodata_path, "--waves", dump, { "--engine", "chip" } },
        { "infer", nodata_path, "--out", below, { "--checkpoint", "absent.ckpt" } },
        { "noc", noc_path, "--out", below, { "--csv", scratch_csv } },
        { "noc", noc_path, "--csv", table, { NULL, NULL } },
        { "sweep", nodata_sweep, "--csv", table, { NULL, NULL } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *b = cases[i].before;
        struct result r = b[0] ? run(cases[i].command, cases[i].config, "--quiet", b[0], b[1], cases[i].option,
                                     cases[i].path, NULL)
                               : run(cases[i].command, cases[i].config, "--quiet", cases[i].option, cases[i].path, NULL);
        snprintf(want, sizeof want, "ssnnsim %s: %s %s: %s is not a directory\n", cases[i].command, cases[i].option,
                 cases[i].path, blocker);
        CHECK(r.code == 2 && !strcmp(r.err, want), "%s %s %s: exit %d, stderr: %.400s", cases[i].command,
              cases[i].option, cases[i].path, r.code, r.err);
        result_free(&r);
    }
    /* Set in the config: named by its key, at the position that set it. */
    char set[700];
    snprintf(set, sizeof set, "training.checkpoint=%s", below);
    struct result r = run("train", nodata_path, "--quiet", "--set", set, NULL);
    snprintf(want, sizeof want, "--set:1:21: training.checkpoint: '%s': %s is not a directory\n", below, blocker);
    CHECK(r.code == 2 && !strcmp(r.err, want), "training.checkpoint: exit %d, stderr: %.400s", r.code, r.err);
    result_free(&r);
    r = run("train", nodata_path, "--quiet", "--out", "/proc/ssnnsim-test.json", NULL);
    CHECK(r.code == 2 && starts_with(r.err, "ssnnsim train: --out /proc/ssnnsim-test.json: cannot create a file in /proc: ")
          && lines(r.err) == 1, "/proc: exit %d, stderr: %.400s", r.code, r.err);
    result_free(&r);
}

/* A directory or a FIFO (any device: /dev/full, /dev/null) is not a place for a
 * result: renaming the result over it replaced the FIFO with a regular file. */
static void a_directory_or_a_fifo_is_not_an_output(void)
{
    char dir[600], fifo[600], energy[600], out[600], want[1400];
    path_in(dir, sizeof dir, tmpdir, "a-directory");
    path_in(fifo, sizeof fifo, tmpdir, "a-fifo");
    if (mkdir(dir, 0755) || mkfifo(fifo, 0644)) {
        printf("fixture: %s\n", strerror(errno));
        exit(2);
    }
    struct result r = run("train", cfg_path, "--quiet", "--out", dir, NULL);
    snprintf(want, sizeof want, "ssnnsim train: --out %s: is a directory\n", dir);
    CHECK(r.code == 2 && !strcmp(r.err, want), "directory: exit %d, stderr: %.400s", r.code, r.err);
    result_free(&r);
    r = run("train", cfg_path, "--quiet", "--out", fifo, NULL);
    snprintf(want, sizeof want, "ssnnsim train: --out %s: is a FIFO, not a regular file", fifo);
    CHECK(r.code == 2 && starts_with(r.err, want) && lines(r.err) == 1, "FIFO: exit %d, stderr: %.400s", r.code, r.err);
    struct stat st;
    CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "%s is no longer a FIFO", fifo);
    result_free(&r);
    /* The energy table the chip engines write beside --out. */
    path_in(energy, sizeof energy, tmpdir, "chip.energy.csv");
    path_in(out, sizeof out, tmpdir, "chip.json");
    if (mkdir(energy, 0755)) {
        printf("fixture: %s\n", strerror(errno));
        exit(2);
    }
    r = run("train", cfg_path, "--quiet", "--engine", "chip", "--out", out, NULL);
    snprintf(want, sizeof want, "ssnnsim train: --out %s: %s (written beside it): is a directory\n", out, energy);
    CHECK(r.code == 2 && !strcmp(r.err, want) && !exists(out), "energy table: exit %d, out %d, stderr: %.400s", r.code,
          exists(out), r.err);
    result_free(&r);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
    if (sim_find("test_options", bin, sizeof bin, repo, sizeof repo)) return 1;
    scratch_make(tmpdir, sizeof tmpdir, "options");
    char img[600], lab[600];
    noise_workload(tmpdir, repo, 20, 12345, 0, "network:\n  layers: [784, 16, 10]\ntraining:\n  epochs: 1\n", img, lab,
                   cfg_path);
    path_in(noc_path, sizeof noc_path, tmpdir, "tiny-noc.yaml");
    write_file(noc_path, "extends: '%s'\nchip:\n  mesh_x: 3\nnoc:\n  rates: [0.3]\n  warmup_cycles: 100\n"
               "  measure_cycles: 300\n", cfg_path);
    path_in(scratch_csv, sizeof scratch_csv, tmpdir, "scratch.csv");
    path_in(missing_images, sizeof missing_images, tmpdir, "missing-images.idx");
    path_in(nodata_path, sizeof nodata_path, tmpdir, "nodata.yaml");
    write_file(nodata_path, "extends: '%s'\ndataset:\n  train_images: '%s'\n", cfg_path, missing_images);
    path_in(nodata_sweep, sizeof nodata_sweep, tmpdir, "nodata-sweep.yaml");
    write_file(nodata_sweep, "config: '%s'\naxes:\n  - { training.T: [1, 2] }\n", nodata_path);
    path_in(blocker, sizeof blocker, tmpdir, "blocker");
    write_file(blocker, "a file, not a directory\n");

    RUN(every_command_refuses_the_options_it_does_not_take);
    RUN(help_lists_exactly_the_options_a_command_takes);
    RUN(an_engine_a_command_does_not_run_is_refused);
    RUN(noc_seed_sets_the_traffic_seed);
    RUN(an_empty_file_name_is_a_usage_error);
    RUN(too_many_overrides_names_the_option_and_the_limit);
    RUN(outputs_in_missing_directories_are_created_and_written);
    RUN(an_output_that_cannot_be_written_is_refused_before_any_work);
    RUN(a_directory_or_a_fifo_is_not_an_output);

    scratch_remove_tree(tmpdir);
    CHECK_DONE();
}
