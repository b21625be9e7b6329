/* What a run writes never replaces what it reads, nor another of its outputs, and
 * two runs never write one file: runs the built binary (SSNNSIM, set by
 * tools/run-tests; default build/ssnnsim) from the repository root. The checks:
 *   - an output that is an input (the config, a file it extends or includes, a
 *     dataset file, the checkpoint resumed or evaluated, a sweep's files), by any
 *     name (a symlink, a hard link), is refused before any work and the input is
 *     left as it was (`train my.yaml --out my.yaml` replaced the config);
 *   - an output that is another output (--out, --checkpoint, --waves, the files
 *     written beside them) is refused; resuming from the checkpoint written is not;
 *   - a second run on an output a run holds is refused at once, naming the first
 *     run's pid, and a run killed with -9 leaves no lock behind;
 *   - a temporary file of another writer (FILE.tmp, here a symlink) is never
 *     written into: each writer makes its own. */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char bin[1024];
static char repo[1024];
static char tmpdir[256];
static char cfg_path[600];      /* a valid workload on the tiny noise set */
static char img[600], lab[600];

/* Runs the binary with the given arguments (NULL-terminated) under timeout. */
#define run(...) run_in(tmpdir, 1, "timeout 120", bin, __VA_ARGS__)

/* Exit 2 and exactly the line `want`. */
static int refused_with(const struct result *r, const char *want)
{
    size_t n = strlen(want);
    return r->code == 2 && !strncmp(r->err, want, n) && !strcmp(r->err + n, "\n");
}

/* A path in the scratch directory, in one of a few rotating buffers: for the
 * arguments of one call. */
static char *in_tmp(const char *name)
{
    static char p[8][600];
    static int k;
    k = (k + 1) % 8;
    path_in(p[k], sizeof p[k], tmpdir, name);
    return p[k];
}

/* ---- outputs that are inputs --------------------------------------------- */

/* A whole file as bytes (a dataset file holds NULs); n = -1 when it is not there. */
struct blob {
    char *p;
    long n;
};

static struct blob read_blob(const char *path)
{
    struct blob b = { NULL, -1 };
    FILE *f = fopen(path, "rb");
    if (!f) return b;
    fseek(f, 0, SEEK_END);
    b.n = ftell(f);
    rewind(f);
    b.p = malloc((size_t)b.n + 1);
    if (!b.p || fread(b.p, 1, (size_t)b.n, f) != (size_t)b.n) exit(2);
    fclose(f);
    return b;
}

static int same_blob(struct blob a, struct blob b)
{
    return a.n == b.n && (a.n <= 0 || !memcmp(a.p, b.p, (size_t)a.n));
}

/* Runs the command (arguments NULL-ended) and expects the one line `want`, with
 * `input` as it was. An input the run replaced is put back, so that each case
 * stands on its own. */
static void expect_clash(const char *input, const char *want, const char *command, ...)
{
    struct blob before = read_blob(input);
    char cmd[8192] = "timeout 120 ";
    quote(cmd, sizeof cmd, bin);
    va_list ap;
    va_start(ap, command);
    quote_args(cmd, sizeof cmd, command, ap);
    va_end(ap);
    char out[600], err[600];
    path_in(out, sizeof out, tmpdir, "stdout");
    path_in(err, sizeof err, tmpdir, "stderr");
    struct result r = run_captured(cmd, out, err);
    struct blob after = read_blob(input);
    int kept = same_blob(before, after);
    CHECK(refused_with(&r, want) && kept, "%s: exit %d, %s replaced: %s, stderr: %.400s\n  wanted: %s", cmd + 12,
          r.code, input, kept ? "no" : "yes", r.err, want);
    if (!kept && before.n < 0) {
        unlink(input);
    } else if (!kept) {
        FILE *f = fopen(input, "wb");
        if (!f || fwrite(before.p, 1, (size_t)before.n, f) != (size_t)before.n || fclose(f)) exit(2);
    }
    result_free(&r);
    free(before.p);
    free(after.p);
}

static void an_output_that_is_an_input_is_refused(void)
{
    char want[2000], base[600], dev[600], via[600], ckpt[600], sweep[600];
    /* The config, by its name, a symlink and a hard link. */
    snprintf(want, sizeof want, "ssnnsim train: --out %s is the config being read", cfg_path);
    expect_clash(cfg_path, want, "train", cfg_path, "--quiet", "--out", cfg_path, NULL);
    char *sym = in_tmp("link.yaml"), *hard = in_tmp("hard.yaml");
    if (symlink(cfg_path, sym) || link(cfg_path, hard)) exit(2);
    snprintf(want, sizeof want, "ssnnsim train: --checkpoint %s is the config being read", sym);
    expect_clash(cfg_path, want, "train", cfg_path, "--quiet", "--checkpoint", sym, NULL);
    snprintf(want, sizeof want, "ssnnsim noc: --csv %s is the config being read", hard);
    expect_clash(cfg_path, want, "noc", cfg_path, "--quiet", "--csv", hard, NULL);
    /* What it extends, a section file (named as the waves' save file beside a dump would be). */
    snprintf(base, sizeof base, "%s", in_tmp("base.yaml"));
    snprintf(dev, sizeof dev, "%s", in_tmp("dev.gtkw"));
    snprintf(via, sizeof via, "%s", in_tmp("via.yaml"));
    write_file(base, "extends: '%s'\n", cfg_path);
    char ideal[1200];
    snprintf(ideal, sizeof ideal, "%s/workloads/devices/ideal.yaml", repo);
    char *text = file_text(ideal);
    if (!text) exit(2);
    write_file(dev, "%s", text);
    free(text);
    write_file(via, "extends: base.yaml\ndevice: dev.gtkw\n");
    snprintf(want, sizeof want, "ssnnsim train: --out %s is read by the config %s (extends: or a section file)", base,
             via);
    expect_clash(base, want, "train", via, "--quiet", "--out", base, NULL);
    snprintf(want, sizeof want,
             "ssnnsim train: --waves %s: %s (written beside it) is read by the config %s (extends: or a section file)",
             in_tmp("dev.vcd"), dev, via);
    expect_clash(dev, want, "train", via, "--quiet", "--engine", "chip", "--waves", in_tmp("dev.vcd"), NULL);
    /* A dataset file. */
    snprintf(want, sizeof want, "ssnnsim train: --out %s is the dataset file dataset.train_labels", lab);
    expect_clash(lab, want, "train", cfg_path, "--quiet", "--out", lab, NULL);
    /* The checkpoint resumed or evaluated: writing it back is how a run goes on, any other output is not. */
    snprintf(ckpt, sizeof ckpt, "%s", in_tmp("run.ckpt"));
    struct result r = run("train", cfg_path, "--quiet", "--samples", "2", "--test-samples", "2", "--checkpoint", ckpt,
                          NULL);
    CHECK(r.code == 0, "fixture checkpoint: exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
    snprintf(want, sizeof want, "ssnnsim train: --out %s is the checkpoint --resume reads", ckpt);
    expect_clash(ckpt, want, "train", cfg_path, "--quiet", "--samples", "2", "--test-samples", "2", "--epochs", "2",
                 "--resume", ckpt, "--out", ckpt, NULL);
    snprintf(want, sizeof want, "ssnnsim infer: --out %s is the checkpoint --checkpoint evaluates", ckpt);
    expect_clash(ckpt, want, "infer", cfg_path, "--quiet", "--test-samples", "2", "--checkpoint", ckpt, "--out", ckpt,
                 NULL);
    r = run("train", cfg_path, "--quiet", "--samples", "2", "--test-samples", "2", "--epochs", "2", "--resume", ckpt,
            "--checkpoint", ckpt, NULL);
    CHECK(r.code == 0, "--resume X --checkpoint X: exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
    /* A sweep: its file, and the files of its points. */
    snprintf(sweep, sizeof sweep, "%s", in_tmp("s.yaml"));
    write_file(sweep, "config: via.yaml\nset: { training.samples: 2, training.test_samples: 2 }\n"
                      "axes:\n  - { training.T: [1, 2] }\n");
    snprintf(want, sizeof want, "ssnnsim sweep: --csv %s is the sweep file being read", sweep);
    expect_clash(sweep, want, "sweep", sweep, "--quiet", "--csv", sweep, NULL);
    snprintf(want, sizeof want, "ssnnsim sweep: --csv %s is read by the config %s (extends: or a section file)", dev,
             via);
    expect_clash(dev, want, "sweep", sweep, "--quiet", "--csv", dev, NULL);
}

static void an_output_that_is_another_output_is_refused(void)
{
    char want[2000], r[600], e[600], v[600];
    path_in(r, sizeof r, tmpdir, "r.json");
    path_in(e, sizeof e, tmpdir, "r.energy.csv");
    path_in(v, sizeof v, tmpdir, "r.vcd");
    snprintf(want, sizeof want, "ssnnsim train: --checkpoint %s is also --out", r);
    expect_clash(r, want, "train", cfg_path, "--quiet", "--out", r, "--checkpoint", r, NULL);
    snprintf(want, sizeof want, "ssnnsim train: --checkpoint %s is the file written beside --out", e);
    expect_clash(e, want, "train", cfg_path, "--quiet", "--engine", "chip", "--out", r, "--checkpoint", e, NULL);
    snprintf(want, sizeof want, "ssnnsim noc: --out %s is also --csv", v);
    expect_clash(v, want, "noc", cfg_path, "--quiet", "--csv", v, "--out", v, NULL);
    /* Named by a key the workload sets: at its position. */
    char ck[600];
    snprintf(ck, sizeof ck, "%s", in_tmp("ck.yaml"));
    write_file(ck, "extends: '%s'\ntraining:\n  checkpoint: '%s'\n", cfg_path, r);
    snprintf(want, sizeof want, "%s:3:15: training.checkpoint: '%s' is also --out", ck, r);
    expect_clash(r, want, "train", ck, "--quiet", "--out", r, NULL);
    CHECK(!exists(r), "%s was written", r);
}

/* ---- one run per output --------------------------------------------------- */

/* Starts the binary with args (NULL-ended) in the background, output discarded. */
static pid_t start(const char *arg, ...)
{
    const char *argv[32] = { bin };
    int n = 1;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a && n < 31; a = va_arg(ap, const char *)) argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits up to `seconds` for `path` to hold a pid; 1 when it does. */
static int wait_for_pid_in(const char *path, double seconds)
{
    for (int i = 0; i < seconds * 100; i++) {
        char *t = file_text(path);
        int ok = t && t[0] >= '0' && t[0] <= '9';
        free(t);
        if (ok) return 1;
        struct timespec ts = { 0, 10000000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void a_second_run_on_an_output_is_refused_at_once(void)
{
    char ck[600], lock[600];
    path_in(ck, sizeof ck, tmpdir, "held.ckpt");
    path_in(lock, sizeof lock, tmpdir, "held.ckpt.lock");
    /* Ten thousand epochs: it runs until it is killed. */
    pid_t first = start("train", cfg_path, "--quiet", "--epochs", "10000", "--checkpoint", ck, NULL);
    int held = wait_for_pid_in(lock, 30);
    char want[1400];
    snprintf(want, sizeof want, "ssnnsim train: --checkpoint %s: in use by another run (pid %ld, which holds %s)", ck,
             (long)first, lock);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct result r = run("train", cfg_path, "--quiet", "--epochs", "1", "--checkpoint", ck, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    CHECK(held && refused_with(&r, want) && s < 10, "lock taken %d, second run: exit %d after %.1f s, stderr: %.400s\n"
          "  wanted: %s", held, r.code, s, r.err, want);
    result_free(&r);
    kill(first, SIGKILL);
    waitpid(first, NULL, 0);
    /* flock dies with its process: the lock file left behind holds nothing. */
    r = run("train", cfg_path, "--quiet", "--samples", "2", "--test-samples", "2", "--checkpoint", ck, NULL);
    CHECK(r.code == 0 && !exists(lock), "after kill -9: exit %d, lock file left %d, stderr: %.300s", r.code,
          exists(lock), r.err);
    result_free(&r);
}

static void a_foreign_temporary_is_never_written_into(void)
{
    /* FILE.tmp, the name every writer used, here a symlink to a file of someone else's. */
    char out[600], tmp[600], victim[600];
    path_in(out, sizeof out, tmpdir, "res.json");
    path_in(tmp, sizeof tmp, tmpdir, "res.json.tmp");
    path_in(victim, sizeof victim, tmpdir, "victim.txt");
    write_file(victim, "not a result\n");
    if (symlink(victim, tmp)) exit(2);
    struct result r = run("train", cfg_path, "--quiet", "--samples", "2", "--test-samples", "2", "--out", out, NULL);
    char *v = file_text_or_empty(victim), *o = file_text_or_empty(out);
    struct stat st;
    CHECK(r.code == 0 && !strcmp(v, "not a result\n") && !lstat(out, &st) && S_ISREG(st.st_mode) &&
          strstr(o, "\"weights_sha256\""),
          "exit %d, victim now '%.60s', %s a regular file: %d, stderr: %.300s", r.code, v, out,
          !lstat(out, &st) && S_ISREG(st.st_mode), r.err);
    free(v);
    free(o);
    result_free(&r);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
    if (sim_find("test_run_files", bin, sizeof bin, repo, sizeof repo)) return 1;
    scratch_make(tmpdir, sizeof tmpdir, "run_files");
    /* The workload's own network and chip: what these checks refuse comes before any run. */
    noise_workload(tmpdir, repo, 20, 12345, 1, "training:\n  epochs: 1\n  T: 2\n  T_test: 2\n", img, lab, cfg_path);

    RUN(an_output_that_is_an_input_is_refused);
    RUN(an_output_that_is_another_output_is_refused);
    RUN(a_second_run_on_an_output_is_refused_at_once);
    RUN(a_foreign_temporary_is_never_written_into);

    scratch_remove_tree(tmpdir);
    CHECK_DONE();
}
