/* Every command of the README's "Running it" block, run as written from a fresh
 * checkout of the committed tree, scaled down (fewer samples, a short NoC
 * window) by options appended after the user's own, which they override. Each
 * must exit 0 and leave the files it names (--out, --checkpoint, --csv, --waves
 * and the .gtkw beside a dump; a table for sweeps and noc). The checkout shares
 * this tree's build/ and data/ (symlinks), so nothing is rebuilt; `make` lines
 * are checked with `make -n` (the build itself is what `make test` just did).
 * Runs from the repository root; needs git, the datasets (`make test` fetches
 * them) and, for the mpirun lines, build/ssnnsim-mpi. */
#include "check.h"
#include "proc.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char repo[1024];
static char tmpdir[256];
static char checkout[600];

/* The scale-down options for a command (appended after the user's options). */
static const char *scale_for(const char *line)
{
    if (strstr(line, " --help")) return "";
    if (strstr(line, " train ")) {
        if (strstr(line, "--resume")) return " --samples 40 --test-samples 20 --set training.T_test=8 --epochs 2";
        return " --samples 40 --test-samples 20 --set training.T_test=8 --epochs 1";
    }
    if (strstr(line, " infer ")) return " --test-samples 20 --set training.T_test=8";
    if (strstr(line, " sweep ")) return " --samples 40 --test-samples 20 --set training.T_test=8 --epochs 1";
    if (strstr(line, " noc "))
        return " --set noc.warmup_cycles=200 --set noc.measure_cycles=1000 --set 'noc.rates=[0.02,0.05,0.1,0.2,0.3]'";
    return "";
}

/* The word after `option` in line (a path), or "" when absent. */
static void option_value(const char *line, const char *option, char *out, size_t n)
{
    out[0] = 0;
    const char *p = strstr(line, option);
    if (!p) return;
    p += strlen(option);
    while (*p == ' ') p++;
    snprintf(out, n, "%.*s", (int)strcspn(p, " \n"), p);
}

/* Seconds since the epoch of the newest .csv in checkout/results, or 0. */
static time_t newest_table(void)
{
    char dir[700];
    snprintf(dir, sizeof dir, "%s/results", checkout);
    DIR *d = opendir(dir);
    time_t best = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".csv")) continue;
        char p[1000];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (!stat(p, &st) && st.st_mtime > best) best = st.st_mtime;
    }
    if (d) closedir(d);
    return best;
}

/* Runs one README line in the checkout; checks its exit and its outputs. */
static void run_line(const char *line)
{
    char cmd[4096], out[700], err[700];
    const int is_make = !strncmp(line, "make", 4);
    if (is_make)
        snprintf(cmd, sizeof cmd, "cd '%s' && make -n %s", checkout, line + 4);
    else
        snprintf(cmd, sizeof cmd, "cd '%s' && %s%s", checkout, line, scale_for(line));
    path_in(out, sizeof out, tmpdir, "line.out");
    path_in(err, sizeof err, tmpdir, "line.err");
    time_t before = time(NULL);
    sleep(1);       /* a table written now is newer than `before` */
    struct result r = run_captured(cmd, out, err);
    CHECK(r.code == 0, "`%s` exited %d:\n%.600s", line, r.code, r.err);
    if (is_make) CHECK(strstr(r.out, "tools/install-deps"), "`make -n%s` does not install first", line + 4);
    static const char *const opts[] = { "--out ", "--csv ", "--waves ", "--checkpoint " };
    for (size_t i = 0; i < sizeof opts / sizeof *opts && !r.code; i++) {
        char path[600], full[1400];
        option_value(line, opts[i], path, sizeof path);
        if (!path[0] || (i == 3 && strstr(line, " infer "))) continue;   /* infer reads its checkpoint */
        snprintf(full, sizeof full, "%s/%s", checkout, path);
        CHECK(exists(full), "`%s` left no %s", line, path);
        if (i == 2) {
            snprintf(full + strlen(full) - 4, 8, ".gtkw");
            CHECK(!strstr(line, "systemc") ? exists(full) : 1, "`%s` left no .gtkw beside %s", line, path);
        }
    }
    if (!r.code && (strstr(line, " sweep ") || (strstr(line, " noc ") && !strstr(line, "--csv"))))
        CHECK(newest_table() >= before, "`%s` wrote no table in results/", line);
    result_free(&r);
}

static void every_readme_command_runs_from_a_fresh_checkout(void)
{
    char *readme = file_text("README.md");
    CHECK(readme != NULL, "no README.md (tests run from the repository root)");
    if (!readme) return;
    char *sec = strstr(readme, "\n## Running it");
    char *block = sec ? strstr(sec, "```sh\n") : NULL;
    char *end = block ? strstr(block + 6, "\n```") : NULL;
    CHECK(block && end, "README.md has no ```sh block under \"## Running it\"");
    if (!block || !end) { free(readme); return; }
    *end = 0;
    int lines = 0;
    for (char *l = block + 6; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(l, "\n"), l);
        char *hash = strstr(line, " #");   /* a comment after the command */
        if (hash) *hash = 0;
        for (size_t k = strlen(line); k > 0 && line[k - 1] == ' '; k--) line[k - 1] = 0;
        if (!line[0]) continue;
        lines++;
        run_line(line);
    }
    printf("     %d README commands run in %s\n", lines, checkout);
    CHECK(lines >= 10, "only %d commands found in the README's block", lines);
    free(readme);
}

int main(void)
{
    /* `make san` runs the tests again on its own build; the README names build/. */
    if (getenv("SSNNSIM_SANITIZED")) {
        printf("     skipped under the sanitizers (the README's commands run build/, checked by make test)\n");
        return 0;
    }
    if (!getcwd(repo, sizeof repo)) return 2;
    scratch_make(tmpdir, sizeof tmpdir, "readme");
    snprintf(checkout, sizeof checkout, "%s/checkout", tmpdir);
    char cmd[6000];
    snprintf(cmd, sizeof cmd,
             "git clone -q '%s' '%s' && ln -s '%s/build' '%s/build' && ln -s '%s/data' '%s/data'", repo, checkout,
             repo, checkout, repo, checkout);
    int rc = sh_run(cmd, "/dev/null", "/dev/null");
    if (rc) {
        printf("FAIL test_readme: cannot make a fresh checkout (git clone of %s): exit %d\n", repo, rc);
        return 1;
    }
    /* mpirun refuses root unless told; the README's reader is not root. */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    RUN(every_readme_command_runs_from_a_fresh_checkout);
    if (scratch_remove_tree(tmpdir)) printf("     (could not remove %s)\n", tmpdir);
    CHECK_DONE();
}
