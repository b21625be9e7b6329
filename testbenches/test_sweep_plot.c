/* What a sweep leaves and says, run as a user runs it (SSNNSIM, default
 * build/ssnnsim; from the repository root): its figures draw one line per series
 * (the combination of the axes other than plot.x's) from data blocks in the
 * script, not the table's rows in order; gnuplot's output stays off the terminal
 * (a failed figure is one line naming it and its log); the table's accuracy is
 * the fraction the result JSON holds; and a sweep refused for a bad value or key
 * says one line and leaves no table, finished or partial. The points are tiny
 * runs of workloads/mnist.yaml on a set of noise (noise_set.h). */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

static char bin[1024], repo[1024], tmpdir[256], fakedir[256];
static char cfg_path[600], two_path[600];

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

/* ---- reading a gnuplot script -------------------------------------------- */

#define MAX_BLOCKS 16

struct script {
    int n_blocks;
    char name[MAX_BLOCKS][40];
    int rows[MAX_BLOCKS];
    double x[MAX_BLOCKS][16];       /* each row's first column */
    char plots[16384];              /* every plot command, continuation lines joined */
};

static void read_script(const char *path, struct script *sc)
{
    memset(sc, 0, sizeof *sc);
    char *text = file_text_or_empty(path), *save = NULL;
    int in_block = -1, in_plot = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (in_block >= 0) {
            if (!strcmp(line, "EOD")) in_block = -1;
            else if (line[0] != '#' && sc->rows[in_block] < 16) sc->x[in_block][sc->rows[in_block]++] = atof(line);
            continue;
        }
        char name[32];
        if (sscanf(line, "$%31[A-Za-z0-9_] << EOD", name) == 1 && strstr(line, "<< EOD") && sc->n_blocks < MAX_BLOCKS) {
            in_block = sc->n_blocks++;
            snprintf(sc->name[in_block], sizeof sc->name[in_block], "$%s", name);
            continue;
        }
        if (!strncmp(line, "plot ", 5)) in_plot = 1;
        if (in_plot) {
            size_t k = strlen(sc->plots);
            snprintf(sc->plots + k, sizeof sc->plots - k, "%s\n", line);
            in_plot = line[strlen(line) - 1] == '\\';
        }
    }
    free(text);
}

/* Plot elements (between commas at the top of a plot command) that draw from `source`. */
static int draws(const struct script *sc, const char *source)
{
    int n = 0;
    char want[40];
    snprintf(want, sizeof want, "%s using", source);
    for (const char *p = sc->plots; (p = strstr(p, want)); p++) n++;
    return n;
}

/* The series blocks ($s0, $s1, ...) of a figure: `want` of them, each with the
 * three values of training.T in increasing order and drawn `times` times; every
 * plot element draws from a block (none from the table, row by row). */
static void one_line_per_series(const char *figure, int want, int times)
{
    struct script sc;
    read_script(figure, &sc);
    int series = 0;
    for (int b = 0; b < sc.n_blocks; b++) {
        if (strncmp(sc.name[b], "$s", 2)) continue;
        series++;
        CHECK(sc.rows[b] == 3 && sc.x[b][0] == 1 && sc.x[b][1] == 2 && sc.x[b][2] == 4,
              "%s: block %s has %d rows, x = %g %g %g; want the 3 values of training.T, 1 2 4", figure, sc.name[b],
              sc.rows[b], sc.x[b][0], sc.x[b][1], sc.x[b][2]);
        CHECK(draws(&sc, sc.name[b]) == times, "%s: block %s drawn %d times, want %d", figure, sc.name[b],
              draws(&sc, sc.name[b]), times);
    }
    CHECK(series == want, "%s: %d series blocks, want %d (one per training.seed)", figure, series, want);
    const char *csv = strstr(sc.plots, ".csv'");
    CHECK(!csv, "%s plots the table row by row: %.200s", figure, sc.plots);
}

/* ---- the checks ---------------------------------------------------------- */

/* T (plot.x) x seed: three lines of three points in every figure, where the rows in
 * order draw one line zig-zagging between the seeds. */
static void two_axis_sweep_draws_one_line_per_series(void)
{
    char csv[600], gp[600];
    path_in(csv, sizeof csv, tmpdir, "two.csv");
    struct result r = sweep(NULL, two_path, csv, "--engine chip");
    CHECK(r.code == 0, "sweep exited %d: %.800s", r.code, r.err);
    path_in(gp, sizeof gp, tmpdir, "two.gp");
    one_line_per_series(gp, 3, 1);
    path_in(gp, sizeof gp, tmpdir, "two.energy.gp");
    one_line_per_series(gp, 3, 2);          /* the energy panel and the latency panel */
    path_in(gp, sizeof gp, tmpdir, "two.pareto.gp");
    one_line_per_series(gp, 3, 1);
    struct script sc;
    read_script(gp, &sc);
    CHECK(strstr(sc.plots, "title '1'") && strstr(sc.plots, "title '2'") && strstr(sc.plots, "title '3'"),
          "the legend does not name each seed: %.600s", sc.plots);
    result_free(&r);
}

/* Every stderr line is the sweep's or a plot's own. */
static int only_sweep_lines(const char *err)
{
    for (const char *l = err; *l; l = strchr(l, '\n') + 1) {
        if (strncmp(l, "sweep ", 6) && strncmp(l, "plot: ", 6)) return 0;
        if (!strchr(l, '\n')) break;
    }
    return 1;
}

/* The real gnuplot on the sweep's scripts: nothing from it on the terminal and no
 * log left (a log is kept only when gnuplot said something). With the ANN
 * baseline off, a line drawn from its empty column made gnuplot warn. */
static void gnuplot_says_nothing_on_the_real_scripts(void)
{
    if (system("command -v gnuplot >/dev/null 2>&1")) {
        printf("     (gnuplot not installed: nothing to check)\n");
        return;
    }
    char csv[600], log[600];
    path_in(csv, sizeof csv, tmpdir, "real.csv");
    struct result r = sweep(NULL, two_path, csv, "--engine chip");
    CHECK(r.code == 0, "sweep exited %d: %.800s", r.code, r.err);
    CHECK(only_sweep_lines(r.err) && !strstr(r.err, "failed"), "stderr:\n%s", r.err);
    CHECK(lines(r.err) == 4, "want 4 lines (the table, 3 figures), got:\n%s", r.err);
    const char *suffix[] = { "", ".energy", ".pareto" };
    for (int i = 0; i < 3; i++) {
        char name[64], png[600];
        snprintf(name, sizeof name, "real%s.log", suffix[i]);
        path_in(log, sizeof log, tmpdir, name);
        char *text = file_text_or_empty(log);
        CHECK(!exists(log), "%s left: %s", log, text);
        free(text);
        snprintf(name, sizeof name, "real%s.png", suffix[i]);
        path_in(png, sizeof png, tmpdir, name);
        CHECK(exists(png), "%s not drawn", png);
    }
    result_free(&r);
}

/* A gnuplot (first on PATH) that prints `say` on stderr and exits with `code`. */
static void fake_gnuplot(const char *say, int code)
{
    char path[600];
    path_in(path, sizeof path, fakedir, "gnuplot");
    write_file(path, "#!/bin/sh\necho '%s' >&2\nexit %d\n", say, code);
    chmod(path, 0755);
}

/* gnuplot warns and draws: the warning goes to the figure's log, not the terminal. */
static void gnuplot_warnings_stay_off_the_terminal(void)
{
    char env[700], csv[600], log[600];
    fake_gnuplot("warning: planted by test_sweep_plot", 0);
    snprintf(env, sizeof env, "PATH='%s':\"$PATH\" ", fakedir);
    path_in(csv, sizeof csv, tmpdir, "warn.csv");
    struct result r = sweep(env, two_path, csv, "--engine chip");
    CHECK(r.code == 0, "sweep exited %d: %.800s", r.code, r.err);
    CHECK(!strstr(r.err, "planted"), "gnuplot's warning reached stderr:\n%s", r.err);
    CHECK(only_sweep_lines(r.err), "stderr:\n%s", r.err);
    path_in(log, sizeof log, tmpdir, "warn.energy.log");
    char *text = file_text_or_empty(log);
    CHECK(strstr(text, "planted"), "%s does not hold gnuplot's warning: \"%s\"", log, text);
    free(text);
    result_free(&r);
}

/* gnuplot fails: one line per figure, naming its PNG and its log, which holds
 * gnuplot's message; the message itself not on the terminal. */
static void gnuplot_failure_is_one_line_naming_the_figure_and_log(void)
{
    char env[700], csv[600];
    fake_gnuplot("line 3: planted error", 1);
    snprintf(env, sizeof env, "PATH='%s':\"$PATH\" ", fakedir);
    path_in(csv, sizeof csv, tmpdir, "fail.csv");
    struct result r = sweep(env, two_path, csv, "--engine chip");
    CHECK(!strstr(r.err, "planted"), "gnuplot's message reached stderr:\n%s", r.err);
    const char *suffix[] = { "", ".energy", ".pareto" };
    for (int i = 0; i < 3; i++) {
        char name[64], png[600], log[600];
        snprintf(name, sizeof name, "fail%s.png", suffix[i]);
        path_in(png, sizeof png, tmpdir, name);
        snprintf(name, sizeof name, "fail%s.log", suffix[i]);
        path_in(log, sizeof log, tmpdir, name);
        int said = 0;
        for (const char *l = r.err; *l; l = strchr(l, '\n') + 1) {
            const char *end = strchr(l, '\n');
            size_t len = end ? (size_t)(end - l) : strlen(l);
            char line[2000];
            snprintf(line, sizeof line, "%.*s", (int)len, l);
            said += strstr(line, png) && strstr(line, log) != NULL;
            if (!end) break;
        }
        CHECK(said == 1, "%d lines name both %s and %s; stderr:\n%s", said, png, log, r.err);
        char *text = file_text_or_empty(log);
        CHECK(strstr(text, "planted error"), "%s: \"%s\"", log, text);
        free(text);
    }
    CHECK(lines(r.err) == 4, "want 4 lines (the table, 3 figures), got:\n%s", r.err);
    result_free(&r);
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
    if (sim_find("test_sweep_plot", bin, sizeof bin, repo, sizeof repo)) return 1;
    scratch_make(tmpdir, sizeof tmpdir, "sweepplot");
    scratch_make(fakedir, sizeof fakedir, "sweepplot_bin");
    /* The ANN baseline off: its column is empty, which gnuplot warned about. */
    char img[600], lab[600];
    noise_workload(tmpdir, repo, 16, 12345, 0,
                   "network:\n  layers: [784, 16, 10]\n"
                   "training:\n  epochs: 1\n  samples: 8\n  test_samples: 8\n  T_test: 4\n  ann_baseline: false\n",
                   img, lab, cfg_path);
    path_in(two_path, sizeof two_path, tmpdir, "two.yaml");
    write_file(two_path,
               "name: two\nconfig: '%s'\naxes:\n  - training.T: [1, 2, 4]\n  - training.seed: [1, 2, 3]\n"
               "plot: { x: training.T, logx: true }\n", cfg_path);

    RUN(two_axis_sweep_draws_one_line_per_series);
    RUN(gnuplot_says_nothing_on_the_real_scripts);
    RUN(gnuplot_warnings_stay_off_the_terminal);
    RUN(gnuplot_failure_is_one_line_naming_the_figure_and_log);
    RUN(csv_accuracy_is_the_json_fraction);
    RUN(refused_sweep_says_one_line_and_leaves_no_table);

    scratch_remove(fakedir);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
