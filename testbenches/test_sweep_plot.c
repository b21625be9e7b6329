/* What a sweep leaves and says, run as a user runs it (SSNNSIM, default
 * build/ssnnsim; from the repository root): the table's accuracy is the fraction
 * the result JSON holds, and a sweep refused for a bad value or key says one line
 * and leaves no table, finished or partial. The points are tiny runs of
 * workloads/mnist.yaml on a set of noise (noise_set.h). */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

static char bin[1024], repo[1024], tmpdir[256];
static char cfg_path[600];

/* Runs `[env] bin sweep SWEEP --csv CSV --quiet [more]` (more: shell words, already quoted). */
static struct result sweep(const char *env, const char *sweep_file, const char *csv, const char *more)
{
    char cmd[8192], out[600], err[600];
    snprintf(cmd, sizeof cmd, "%s", env ? env : "");
    quote(cmd, sizeof cmd, bin);
    snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " sweep ");
    quote(cmd, sizeof cmd, sweep_file);
    snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " --quiet --csv ");
    quote(cmd, sizeof cmd, csv);
    snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s", more ? more : "");
    path_in(out, sizeof out, tmpdir, "stdout");
    path_in(err, sizeof err, tmpdir, "stderr");
    return run_captured(cmd, out, err);
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* The named column of a CSV's first data row (or of the row whose first column is
 * `point`, when point >= 0), as a number; NAN if absent or empty. */
static double csv_cell(const char *path, const char *column, int point)
{
    char *text = file_text_or_empty(path), *save = NULL;
    char *header = strtok_r(text, "\n", &save), *row;
    int want = -1, c = 0;
    double v = NAN;
    for (char *h = header, *comma; h; h = comma ? comma + 1 : NULL, c++) {
        comma = strchr(h, ',');
        if ((comma ? (size_t)(comma - h) : strlen(h)) == strlen(column) && !strncmp(h, column, strlen(column))) want = c;
    }
    while (want >= 0 && (row = strtok_r(NULL, "\n", &save))) {
        if (point >= 0 && atoi(row) != point) continue;
        const char *cell = row;
        for (int k = 0; k < want && cell; k++) cell = strchr(cell, ',') ? strchr(cell, ',') + 1 : NULL;
        if (cell && *cell && *cell != ',') v = atof(cell);
        break;
    }
    free(text);
    return v;
}

/* The value of "key" in the result JSON's "accuracy" object. */
static double json_accuracy(const char *path, const char *key)
{
    char *text = file_text_or_empty(path), want[64];
    const char *acc = strstr(text, "\"accuracy\"");
    snprintf(want, sizeof want, "\"%s\":", key);
    const char *at = acc ? strstr(acc, want) : NULL;
    double v = at ? atof(at + strlen(want)) : NAN;
    free(text);
    return v;
}

/* One point on the chip, and the same run by `train --out`: the table's accuracy
 * columns hold what the JSON holds, fractions of the test set (they held percent),
 * and so does the Pareto front's table. */
static void csv_accuracy_is_the_json_fraction(void)
{
    char one[600], csv[600], json[600], front[600], opts[1400];
    path_in(one, sizeof one, tmpdir, "one.yaml");
    write_file(one, "name: one\nconfig: '%s'\nset:\n  training.ann_baseline: true\naxes:\n  - training.T: [2]\n",
               cfg_path);
    path_in(csv, sizeof csv, tmpdir, "one.csv");
    struct result r = sweep(NULL, one, csv, "--engine chip");
    CHECK(r.code == 0, "sweep exited %d: %.800s", r.code, r.err);
    result_free(&r);
    char cmd[4096] = "";
    quote(cmd, sizeof cmd, bin);
    snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " train ");
    quote(cmd, sizeof cmd, cfg_path);
    path_in(json, sizeof json, tmpdir, "one.json");
    snprintf(opts, sizeof opts, " --engine chip --quiet --set training.T=2 --set training.ann_baseline=true --out '%s'",
             json);
    strncat(cmd, opts, sizeof cmd - strlen(cmd) - 1);
    int rc = sh_run(cmd, "/dev/null", "/dev/null");
    CHECK(rc == 0, "train exited %d: %s", rc, cmd);
    const char *column[4] = { "test_wta", "test_rate", "ann_test", "train_wta" };
    const char *key[4] = { "test_wta", "test_rate", "ann_baseline", "train_wta" };
    for (int i = 0; i < 4; i++) {
        double c = csv_cell(csv, column[i], -1), j = json_accuracy(json, key[i]);
        CHECK(fabs(c - j) < 5e-7, "%s: CSV %g, JSON %s %g", column[i], c, key[i], j);
        CHECK(c >= 0 && c <= 1, "%s: %g is not a fraction", column[i], c);
    }
    path_in(front, sizeof front, tmpdir, "one.pareto.csv");
    double f = csv_cell(front, "test_wta", 0), t = csv_cell(csv, "test_wta", 0);
    CHECK(f == t, "test_wta: %g in %s, %g in %s", f, front, t, csv);
}

/* A bad value, then an unknown key: refused with the one message that places it
 * in the sweep file, and no table (NAME.csv or NAME.csv.tmp) left behind. */
static void refused_sweep_says_one_line_and_leaves_no_table(void)
{
    const char *what[2] = { "a bad value", "an unknown key" };
    const char *axes[2] = { "  - training.T: [2, abc]\n", "  - training.nothing: [1]\n" };
    for (int i = 0; i < 2; i++) {
        char path[600], csv[600], tmp[700];
        path_in(path, sizeof path, tmpdir, "bad.yaml");
        write_file(path, "name: bad\nconfig: '%s'\naxes:\n%s", cfg_path, axes[i]);
        path_in(csv, sizeof csv, tmpdir, "bad.csv");
        snprintf(tmp, sizeof tmp, "%s.tmp", csv);
        struct result r = sweep(NULL, path, csv, NULL);
        CHECK(r.code == 2, "%s: exit %d", what[i], r.code);
        CHECK(lines(r.err) == 1 && !strncmp(r.err, path, strlen(path)), "%s: want one line at %s:..., got:\n%s", what[i],
              path, r.err);
        CHECK(!exists(tmp) && !exists(csv), "%s: left %s", what[i], exists(tmp) ? tmp : csv);
        unlink(tmp);
        result_free(&r);
    }
}

int main(void)
{
    const char *env = getenv("SSNNSIM");
    snprintf(bin, sizeof bin, "%s", env && *env ? env : "build/ssnnsim");
    if (access(bin, X_OK)) {
        printf("FAIL test_sweep_plot: %s is not an executable (build it first)\n", bin);
        return 1;
    }
    if (!getcwd(repo, sizeof repo)) return 2;
    scratch_make(tmpdir, sizeof tmpdir, "sweepplot");
    char img[600], lab[600], err[512];
    path_in(img, sizeof img, tmpdir, "images.idx");
    path_in(lab, sizeof lab, tmpdir, "labels.idx");
    if (noise_set_write(img, lab, 16, 12345, 0, err, sizeof err)) {
        printf("fixture: %s\n", err);
        return 2;
    }
    path_in(cfg_path, sizeof cfg_path, tmpdir, "tiny.yaml");
    noise_set_config(cfg_path, repo, img, lab,
                     "network:\n  hidden: 16\n"
                     "training:\n  epochs: 1\n  samples: 8\n  test_samples: 8\n  T_test: 4\n  ann_baseline: false\n");

    RUN(csv_accuracy_is_the_json_fraction);
    RUN(refused_sweep_says_one_line_and_leaves_no_table);

    scratch_remove(tmpdir);
    CHECK_DONE();
}
