/* The short valgrind pass of `make test` (the long one is `make valgrind`): the
 * built binary (SSNNSIM) under valgrind's memcheck on a generated dataset, along
 * the demo path (chip engine training with mid-epoch checkpoints and a waveform
 * dump, a resume, inference, the NoC alone with its dump) and along error paths
 * that exit 2 (bad value, corrupt checkpoint, missing dataset). Any invalid read
 * or write, use of an uninitialised value or definite leak fails the check.
 * Skipped (no PASS, no FAIL) when SSNNSIM_SANITIZED is set: `make san` builds
 * with AddressSanitizer, which cannot run under valgrind. */
#include "bars.h"
#include "check.h"
#include "scratch.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define VALGRIND_ERROR 99       /* valgrind's exit status when it found an error */

static char exe[1024], tmpdir[1100], log_path[1200];

/* Runs `exe ARGS` in tmpdir under valgrind; returns the exit status (99: memcheck
 * found something, its report is in log_path). */
static int vg(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && valgrind --error-exitcode=%d --leak-check=full --errors-for-leak-kinds=definite "
             "--quiet --log-file='%s' '%s' %s >/dev/null 2>&1",
             tmpdir, VALGRIND_ERROR, log_path, exe, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first lines of valgrind's report, for a failure message. */
static const char *report(void)
{
    static char buf[1500];
    FILE *f = fopen(log_path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = 0;
    if (f) fclose(f);
    return buf;
}

static const char *const chip = "--engine chip --quiet --set chip.mesh_x=3 --set chip.mesh_y=3 "
                                "--set chip.core_neurons=16 --set chip.xbar_cols=16 --set chip.xbar_rows=65";

static void demo_path_is_valgrind_clean(void)
{
    char a[2048];
    snprintf(a, sizeof a, "train bars.yaml %s --epochs 1 --set training.checkpoint_every=16 --checkpoint run.ckpt "
             "--waves run.vcd --out run.json", chip);
    int rc = vg(a);
    CHECK(rc == 0, "train: exit %d\n%s", rc, report());
    snprintf(a, sizeof a, "train bars.yaml %s --epochs 2 --resume run.ckpt --checkpoint run.ckpt --out run2.json", chip);
    rc = vg(a);
    CHECK(rc == 0, "resume: exit %d\n%s", rc, report());
    snprintf(a, sizeof a, "infer bars.yaml %s --checkpoint run.ckpt --waves infer.fst", chip);
    rc = vg(a);
    CHECK(rc == 0, "infer: exit %d\n%s", rc, report());
    rc = vg("noc bars.yaml --quiet --set chip.mesh_x=3 --set chip.mesh_y=3 --set noc.rates=[0.2,0.4] "
            "--set noc.warmup_cycles=100 --set noc.measure_cycles=400 --csv noc.csv --waves noc.vcd --wave-samples 0");
    CHECK(rc == 0, "noc: exit %d\n%s", rc, report());
    char p[1300];
    snprintf(p, sizeof p, "%s/run2.json", tmpdir);
    struct stat st;
    CHECK(stat(p, &st) == 0 && st.st_size > 0, "the resumed run wrote no result");
}

static void error_paths_are_valgrind_clean(void)
{
    int rc = vg("train bars.yaml --quiet --set network.hidden=abc");
    CHECK(rc == 2, "bad value: exit %d\n%s", rc, report());
    char p[1300];
    snprintf(p, sizeof p, "%s/broken.ckpt", tmpdir);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs("SSNNCKP1 and then nothing that adds up", f);
        fclose(f);
    }
    char a[2048];
    snprintf(a, sizeof a, "infer bars.yaml %s --checkpoint broken.ckpt", chip);
    rc = vg(a);
    CHECK(rc == 2, "corrupt checkpoint: exit %d\n%s", rc, report());
    rc = vg("train bars.yaml --quiet --set dataset.train_images=absent.idx");
    CHECK(rc == 2, "missing dataset: exit %d\n%s", rc, report());
    snprintf(a, sizeof a, "train bars.yaml %s --waves w.fst --wave-cores 0,77", chip);
    rc = vg(a);
    CHECK(rc == 2, "bad wave selection: exit %d\n%s", rc, report());
}

int main(void)
{
    if (getenv("SSNNSIM_SANITIZED")) {
        printf("SKIP test_valgrind: the binary is built with sanitizers\n");
        return 0;
    }
    const char *bin = getenv("SSNNSIM") ? getenv("SSNNSIM") : "build/ssnnsim";
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd)) return 2;
    if (bin[0] == '/') snprintf(exe, sizeof exe, "%s", bin);
    else snprintf(exe, sizeof exe, "%s/%s", cwd, bin);
    if (system("valgrind --version >/dev/null 2>&1")) {
        printf("FAIL test_valgrind: valgrind is not installed (tools/install-deps)\n");
        return 1;
    }
    snprintf(tmpdir, sizeof tmpdir, "%.*s/valgrind-XXXXXX", (int)(strrchr(exe, '/') - exe), exe);
    if (!mkdtemp(tmpdir)) return 2;
    snprintf(log_path, sizeof log_path, "%s/valgrind.log", tmpdir);
    if (bars_write(tmpdir, "train", 48, 1) || bars_write(tmpdir, "test", 16, 2) ||
        bars_workload(tmpdir, cwd, "{ T: 8, T_test: 8 }"))
        return 2;
    RUN(demo_path_is_valgrind_clean);
    RUN(error_paths_are_valgrind_clean);
    if (scratch_remove_tree(tmpdir)) return 1;
    CHECK_DONE();
}
