/* kill -9 at any moment leaves the last checkpoint intact, and --resume from it
 * reaches the weights of an uninterrupted run. Runs the built binary (SSNNSIM,
 * set by tools/run-tests) on a small generated dataset with a checkpoint every
 * few samples, and
 *   - kills it with SIGKILL at seeded random moments, resumes, kills again, ...
 *     until it finishes: after every kill the checkpoint on disk must load
 *     (checksum included) and never go back in time, a result file exists only
 *     complete, and a leftover temporary (FILE.PID-N.tmp) is ignored;
 *   - makes it kill itself inside a checkpoint write (SSNNSIM_CRASH_POINT, see
 *     sim/checkpoint.c) with half the bytes written, after the fsync and after
 *     the rename: the same must hold;
 *   - teeth: the same crash inside the write, on a binary built with
 *     PLANT_BUG_CKPT_IN_PLACE (SSNNSIM_PLANT_CKPT, built by `make test`), must
 *     leave a broken checkpoint, i.e. this test would catch that bug. */
#include "bars.h"
#include "check.h"
#include "scratch.h"
#include "checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char exe[1024], plant_exe[1100];
static char tmpdir[256];
static char ref_sha[65];
static double ref_seconds;      /* how long an uninterrupted run takes */

#define EPOCHS "6"
#define EVERY "40"              /* checkpoint every 40 samples: 8 per epoch of 320 */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

/* Starts `exe train bars.yaml ...` in tmpdir; resumes from ckpt when `resume`.
 * crash: SSNNSIM_CRASH_POINT for the child, or NULL. Returns the pid. */
static pid_t start(const char *bin, int resume, const char *crash)
{
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (chdir(tmpdir)) _exit(127);
    if (crash) setenv("SSNNSIM_CRASH_POINT", crash, 1);
    else unsetenv("SSNNSIM_CRASH_POINT");
    if (!freopen("/dev/null", "w", stderr)) _exit(127);
    const char *args[] = { bin, "train", "bars.yaml", "--quiet", "--epochs", EPOCHS,
                           "--set", "training.checkpoint_every=" EVERY, "--checkpoint", "run.ckpt",
                           "--out", "out.json", resume ? "--resume" : NULL, "run.ckpt", NULL };
    execv(bin, (char *const *)args);
    _exit(127);
}

/* Exit status, or 128 + signal. */
static int wait_for(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sha_of_result(char out[65])
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "out.json");
    out[0] = 0;
    FILE *f = fopen(p, "r");
    if (!f) return;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *s = strstr(buf, "\"weights_sha256\": \"");
    if (s) snprintf(out, 65, "%.64s", s + 19);
}

/* The temporaries of `name` a run left (name.PID-N.tmp, unique per writer): how
 * many, and the path of the largest into `path` (when given). With `remove`, they go. */
static int temporaries(const char *name, char *path, size_t n, int remove)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int count = 0;
    long largest = -1;
    size_t k = strlen(name);
    if (path) snprintf(path, n, "%s/%s.(none).tmp", tmpdir, name);
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= k + 5 || strncmp(e->d_name, name, k) || e->d_name[k] != '.' || strcmp(e->d_name + len - 4, ".tmp"))
            continue;
        char p[600];
        path_in(p, sizeof p, tmpdir, e->d_name);
        count++;
        if (path && file_size(p) > largest) {
            largest = file_size(p);
            snprintf(path, n, "%s", p);
        }
        if (remove) unlink(p);
    }
    if (d) closedir(d);
    return count;
}

static void clean_run_files(void)
{
    const char *names[] = { "run.ckpt", "out.json" };
    char p[600];
    for (int i = 0; i < 2; i++) {
        path_in(p, sizeof p, tmpdir, names[i]);
        unlink(p);
        temporaries(names[i], NULL, 0, 1);
    }
}

/* Position of a checkpoint in the run, as one number (epochs x samples). */
static uint64_t progress_of(const struct checkpoint *c) { return (uint64_t)c->epochs_done * 1000000u + c->sample_in_epoch; }

/* After a run was stopped: the checkpoint, if any, must load and must not be
 * older than the last one seen. Returns 0 if intact; fills *progress. */
static int checkpoint_intact(uint64_t *progress, char *why, size_t n)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "run.ckpt");
    if (!exists(p)) {
        if (*progress) {
            snprintf(why, n, "the checkpoint vanished (last seen at epoch %llu, sample %llu)",
                     (unsigned long long)(*progress / 1000000), (unsigned long long)(*progress % 1000000));
            return -1;
        }
        return 0;
    }
    struct checkpoint c;
    char err[1024];
    if (checkpoint_read(p, &c, err, sizeof err)) {
        snprintf(why, n, "%s", err);
        return -1;
    }
    uint64_t pos = progress_of(&c);
    checkpoint_free(&c);
    if (pos < *progress) {
        snprintf(why, n, "the checkpoint went back from %llu to %llu", (unsigned long long)*progress,
                 (unsigned long long)pos);
        return -1;
    }
    *progress = pos;
    return 0;
}

static void reference_run(void)
{
    clean_run_files();
    double t0 = now();
    int rc = wait_for(start(exe, 0, NULL));
    ref_seconds = now() - t0;
    sha_of_result(ref_sha);
    CHECK(rc == 0 && strlen(ref_sha) == 64, "uninterrupted run: exit %d, weights_sha256 '%s'", rc, ref_sha);
    char p[600];
    CHECK(!temporaries("run.ckpt", p, sizeof p, 0), "a completed run left %s behind", p);
}

/* Identity of the checkpoint file (a rename brings a new inode), 0 if absent. */
static uint64_t checkpoint_version(void)
{
    char p[600];
    path_in(p, sizeof p, tmpdir, "run.ckpt");
    struct stat st;
    return stat(p, &st) ? 0 : (uint64_t)st.st_ino ^ ((uint64_t)st.st_mtim.tv_nsec << 20);
}

/* Waits until the run has written `writes` more checkpoints (or has exited),
 * then a further `extra_us`: a kill moment tied to the run's progress, not to
 * the wall clock, so that a loaded machine moves it no more than an idle one. */
static void wait_moment(pid_t pid, int writes, long extra_us)
{
    uint64_t seen = checkpoint_version();
    while (writes > 0) {
        siginfo_t info = { 0 };     /* exited already? (left to be reaped by wait_for) */
        if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid) return;
        struct timespec ts = { 0, 200000 };
        nanosleep(&ts, NULL);
        uint64_t v = checkpoint_version();
        if (v != seen) {
            seen = v;
            writes--;
        }
    }
    struct timespec ts = { extra_us / 1000000, (extra_us % 1000000) * 1000 };
    nanosleep(&ts, NULL);
}

/* Kills a run at seeded random moments until it completes; every restart
 * resumes from whatever checkpoint is on disk. */
static void random_kills_never_break_the_checkpoint(void)
{
    uint32_t seed = 20261129;
    printf("seed %u, uninterrupted run %.3f s\n", seed, ref_seconds);
    int kills = 0, mid_write = 0, runs = 0, left = 0;
    for (int chain = 0; chain < 2; chain++) {
        clean_run_files();
        left = 0;
        uint64_t progress = 0;
        int done = 0;
        while (!done && runs < 200) {
            char p[600];
            path_in(p, sizeof p, tmpdir, "run.ckpt");
            int resume = exists(p);
            runs++;
            pid_t pid = start(exe, resume, NULL);
            /* After 0 to 3 more checkpoints, plus up to 4 ms: anywhere between
             * two checkpoints, the writes included. */
            int writes = (int)(xorshift32(&seed) % 4);
            long extra = (long)(xorshift32(&seed) % 4000);
            wait_moment(pid, writes, extra);
            kill(pid, SIGKILL);
            int rc = wait_for(pid);
            if (rc == 0) {
                done = 1;
                break;
            }
            CHECK(rc == 128 + SIGKILL, "chain %d: run exited %d before the kill", chain, rc);
            if (rc != 128 + SIGKILL) return;
            kills++;
            /* A kill inside a write leaves one more temporary (each has its own name). */
            int now_left = temporaries("run.ckpt", NULL, 0, 0);
            mid_write += now_left > left;
            left = now_left;
            char why[1200];
            CHECK(checkpoint_intact(&progress, why, sizeof why) == 0,
                  "chain %d, kill %d (after %d checkpoints + %ld us): %s", chain, kills, writes, extra, why);
            /* Killed after its result was in place (while it printed or freed):
             * the result must then be complete, and the chain is over. */
            char out[600];
            path_in(out, sizeof out, tmpdir, "out.json");
            if (exists(out)) {
                char sha[65];
                sha_of_result(sha);
                CHECK(!strcmp(sha, ref_sha), "chain %d: a killed run left a result with weights '%s'", chain, sha);
                done = 1;
            }
        }
        char sha[65];
        sha_of_result(sha);
        CHECK(done && !strcmp(sha, ref_sha), "chain %d: killed and resumed %s, uninterrupted %s", chain, sha,
              ref_sha);
    }
    printf("%d runs, %d killed (%d with a checkpoint write under way)\n", runs, kills, mid_write);
    CHECK(kills >= 10, "only %d kills landed before the run finished", kills);
}

/* One crash inside a checkpoint write, then a resume to the end. Returns 0 if all
 * went well, CRASH_MISSED if the run did not die at the crash point, BROKEN if
 * the checkpoint left behind is not intact, DIVERGED if the resume did not reach
 * the uninterrupted weights (why says more). */
enum { CRASH_MISSED = 1, BROKEN, DIVERGED };
static int crash_then_resume(const char *bin, const char *point, char *why, size_t n)
{
    clean_run_files();
    int rc = wait_for(start(bin, 0, point));
    if (rc != 128 + SIGKILL) {
        snprintf(why, n, "SSNNSIM_CRASH_POINT=%s: exit %d, expected SIGKILL", point, rc);
        return CRASH_MISSED;
    }
    uint64_t progress = 0;
    if (checkpoint_intact(&progress, why, n)) return BROKEN;
    char ck[600], tmp[600];
    path_in(ck, sizeof ck, tmpdir, "run.ckpt");
    int left = temporaries("run.ckpt", tmp, sizeof tmp, 0);
    if (strstr(point, ":write") && bin == exe && !(left && (!exists(ck) || file_size(tmp) < file_size(ck)))) {
        snprintf(why, n, "%s: no half-written %s (%ld bytes, checkpoint %ld)", point, tmp, file_size(tmp),
                 file_size(ck));
        return CRASH_MISSED;
    }
    rc = wait_for(start(bin, exists(ck), NULL));
    char sha[65];
    sha_of_result(sha);
    if (rc || strcmp(sha, ref_sha)) {
        snprintf(why, n, "%s: resume exit %d, weights %s, uninterrupted %s", point, rc, sha, ref_sha);
        return DIVERGED;
    }
    return 0;
}

static void a_crash_inside_the_write_leaves_the_last_checkpoint_intact(void)
{
    /* The 1st write (no checkpoint yet), the 3rd (mid-epoch) and the 8th (the end
     * of the first epoch), at each phase. */
    const char *points[] = { "1:write", "3:write", "3:fsync", "3:rename", "8:write", "8:fsync", "8:rename" };
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        char why[1200];
        CHECK(crash_then_resume(exe, points[i], why, sizeof why) == 0, "%s", why);
    }
}

static void an_in_place_write_is_caught(void)
{
    if (access(plant_exe, X_OK)) {
        CHECK(0, "%s (PLANT_BUG_CKPT_IN_PLACE) is not built", plant_exe);
        return;
    }
    char why[1200] = "";
    int rc = crash_then_resume(plant_exe, "3:write", why, sizeof why);
    CHECK(rc == BROKEN, "a checkpoint overwritten in place %s a crash halfway through the write (%s)",
          rc == 0 ? "survived" : "was not tested by", why);
    printf("planted in-place write: %s\n", why);
}

int main(void)
{
    const char *bin = getenv("SSNNSIM") ? getenv("SSNNSIM") : "build/ssnnsim";
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd)) return 2;
    if (bin[0] == '/') snprintf(exe, sizeof exe, "%s", bin);
    else snprintf(exe, sizeof exe, "%s/%s", cwd, bin);
    snprintf(plant_exe, sizeof plant_exe, "%s-plant-ckpt", exe);
    if (access(exe, X_OK)) {
        printf("FAIL test_kill: %s is not an executable (build it first)\n", exe);
        return 1;
    }
    /* Beside the binary (the build tree, on disk rather than a tmpfs). */
    snprintf(tmpdir, sizeof tmpdir, "%.*s/kill-XXXXXX", (int)(strrchr(exe, '/') - exe), exe);
    if (!mkdtemp(tmpdir)) return 2;
    if (bars_write(tmpdir, "train", 320, 1) || bars_write(tmpdir, "test", 40, 2) ||
        bars_workload(tmpdir, cwd, "{ T: 16, T_test: 8 }"))
        return 2;
    RUN(reference_run);
    RUN(random_kills_never_break_the_checkpoint);
    RUN(a_crash_inside_the_write_leaves_the_last_checkpoint_intact);
    RUN(an_in_place_write_is_caught);
    if (scratch_remove_tree(tmpdir)) return 1;
    CHECK_DONE();
}
