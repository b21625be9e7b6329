/* The sweep command. A sweep file names a base workload, overrides shared by
 * every point, and axes; each axis zips several keys over lists of equal length
 * (e.g. T and dw_min moving together to hold T * dw_min fixed), and the axes
 * combine as a Cartesian product. Every point is one training run; the table
 * (CSV, one row per point, no wall-clock columns so it is reproducible) goes to
 * results/, and its figures beside it (sweep_plot.c). Values keep their position
 * in the sweep file, so a bad one is reported there, validated exactly like the
 * workload's keys.
 *
 *   name: accuracy-vs-T
 *   config: ../mnist.yaml
 *   set: { training.epochs: 1 }
 *   axes:
 *     - { training.T: [1, 2, 4], device.dw_min: [0.004, 0.002, 0.001] }
 *   plot: { x: training.T, logx: true }
 */
#include "sweep.h"
#include "energy_report.h"
#include "sweep_deal.h"
#include "sweep_plot.h"
#include "mpi_world.h"
#include "output_path.h"
#include "progress.h"
#include "run_files.h"
#include "yaml_tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_AXES SWEEP_MAX_AXES
#define MAX_KEYS 8
#define MAX_VALUES SWEEP_MAX_VALUES
#define MAX_POINTS 65536    /* each point is a training run; more is a typo, not a plan */

struct axis {
    int n_keys, n_values;
    const struct ynode *keys[MAX_KEYS];   /* each a list node, key in ->key */
};

struct sweep {
    char name[128];
    char config[1024];
    const struct ynode *set;
    struct axis axes[MAX_AXES];
    int n_axes;
    char plot_x[128];
    int logx;
};

/* "key=value" for a scalar node, quoting what the file quoted. */
static void override_text(char *out, size_t n, const char *key, const struct ynode *v)
{
    if (v->plain) {
        snprintf(out, n, "%s=%s", key, v->value);
        return;
    }
    size_t k = (size_t)snprintf(out, n, "%s='", key);
    for (const char *c = v->value; *c && k + 3 < n; c++) {
        if (*c == '\'') out[k++] = '\'';
        out[k++] = *c;
    }
    out[k++] = '\'';
    out[k] = 0;
}

/* A sweep value is a scalar or a list of scalars (network.layers: [784, 250, 250, 10]).
 * A list becomes the text of one value, "[784, 250, 250, 10]", kept on its node, which
 * the overrides, the CSV and the plot then read as they read a scalar's. 0, or -1
 * with "file:line:col: message". */
static int list_value(struct yloader *L, const char *key, const struct ynode *cv)
{
    struct ynode *v = (struct ynode *)cv;   /* the loader's node: its text, set once here */
    if (v->kind == N_SCALAR) return 0;
    if (v->kind != N_SEQ)
        return yt_fail(L, v->file, v->line, v->col, "%s: a sweep value is a scalar or a list of scalars", key);
    if (v->n == 0) return yt_fail(L, v->file, v->line, v->col, "%s: an empty list is not a sweep value", key);
    size_t len = 3;
    for (int i = 0; i < v->n; i++) {
        const struct ynode *e = v->items[i];
        if (e->kind != N_SCALAR)
            return yt_fail(L, e->file, e->line, e->col, "%s: a list value holds scalars only (no nested %s)", key,
                           e->kind == N_SEQ ? "list" : "mapping");
        len += strlen(e->value) + 2;
    }
    free(v->value);
    v->value = malloc(len);
    if (!v->value) return yt_fail(L, v->file, v->line, v->col, "%s: out of memory", key);
    size_t k = 0;
    v->value[k++] = '[';
    for (int i = 0; i < v->n; i++) k += (size_t)sprintf(v->value + k, "%s%s", i ? ", " : "", v->items[i]->value);
    v->value[k++] = ']';
    v->value[k] = 0;
    v->plain = 1;
    return 0;
}

/* A CSV field: quoted when it holds a comma or a quote (a list value). */
static void csv_field(FILE *f, const char *v)
{
    if (!strpbrk(v, ",\"")) {
        fprintf(f, ",%s", v);
        return;
    }
    fputs(",\"", f);
    for (; *v; v++) fprintf(f, *v == '"' ? "\"\"" : "%c", *v);
    fputc('"', f);
}

/* The sweep file's keys one after another; kept whole so that each check sits
 * beside the key it reads. */
static int parse_sweep(struct yloader *L, const char *path, const struct ynode *root, struct sweep *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < root->n; i++) {
        const struct ynode *c = root->items[i];
        if (!strcmp(c->key, "name") || !strcmp(c->key, "config")) {
            if (c->kind != N_SCALAR)
                return yt_fail(L, c->file, c->line, c->col, "%s: expected a string", c->key);
            if (!strcmp(c->key, "name")) snprintf(s->name, sizeof s->name, "%s", c->value);
            else yt_resolve_path(path, c->value, s->config, sizeof s->config);
        } else if (!strcmp(c->key, "set")) {
            if (c->kind != N_MAP)
                return yt_fail(L, c->file, c->line, c->col, "set: expected a mapping of key: value");
            for (int k = 0; k < c->n; k++) {
                if (c->items[k]->kind == N_MAP)
                    return yt_fail(L, c->items[k]->file, c->items[k]->line, c->items[k]->col,
                                   "set: give each key dotted (a.b.c: value)");
                /* a list (system.chips: [2, 1]) is one value, as on an axis */
                if (list_value(L, c->items[k]->key, c->items[k])) return -1;
            }
            s->set = c;
        } else if (!strcmp(c->key, "axes")) {
            if (c->kind != N_SEQ || c->n == 0 || c->n > MAX_AXES)
                return yt_fail(L, c->file, c->line, c->col, "axes: expected a list of 1 to %d mappings", MAX_AXES);
            for (int a = 0; a < c->n; a++) {
                const struct ynode *ax = c->items[a];
                struct axis *A = &s->axes[s->n_axes++];
                if (ax->kind != N_MAP || ax->n == 0 || ax->n > MAX_KEYS)
                    return yt_fail(L, ax->file, ax->line, ax->col,
                                   "axis: expected a mapping of 1 to %d keys, each with a list of values", MAX_KEYS);
                for (int k = 0; k < ax->n; k++) {
                    const struct ynode *v = ax->items[k];
                    if (v->kind != N_SEQ || v->n == 0 || v->n > MAX_VALUES)
                        return yt_fail(L, v->file, v->line, v->col, "%s: expected a list of 1 to %d values",
                                       v->key, MAX_VALUES);
                    for (int e = 0; e < v->n; e++)
                        if (list_value(L, v->key, v->items[e])) return -1;
                    if (k > 0 && v->n != A->n_values)
                        return yt_fail(L, v->file, v->line, v->col,
                                       "%s: %d values, but the keys of one axis move together and %s has %d",
                                       v->key, v->n, A->keys[0]->key, A->n_values);
                    A->keys[A->n_keys++] = v;
                    A->n_values = v->n;
                }
            }
        } else if (!strcmp(c->key, "plot")) {
            if (c->kind != N_MAP) return yt_fail(L, c->file, c->line, c->col, "plot: expected a mapping");
            for (int k = 0; k < c->n; k++) {
                const struct ynode *p = c->items[k];
                if (p->kind != N_SCALAR) return yt_fail(L, p->file, p->line, p->col, "plot.%s: expected a scalar", p->key);
                if (!strcmp(p->key, "x")) snprintf(s->plot_x, sizeof s->plot_x, "%s", p->value);
                else if (!strcmp(p->key, "logx")) s->logx = !strcmp(p->value, "true");
                else return yt_fail(L, p->file, p->kline, p->kcol, "unknown key 'plot.%s' (x, logx)", p->key);
            }
        } else {
            return yt_fail(L, c->file, c->kline, c->kcol,
                           "unknown key '%s' (a sweep file has name, config, set, axes, plot)", c->key);
        }
    }
    if (!s->config[0]) return yt_fail(L, path, 1, 1, "missing required key 'config' (the base workload)");
    if (!s->n_axes) return yt_fail(L, path, 1, 1, "missing required key 'axes'");
    long points = 1;
    for (int a = 0; a < s->n_axes; a++) {
        points *= s->axes[a].n_values;
        if (points > MAX_POINTS) {
            const struct ynode *ax = map_get(root, "axes");
            return yt_fail(L, ax->file, ax->line, ax->col, "axes: more than %d points (the product of the axes' lengths)",
                           MAX_POINTS);
        }
    }
    const struct ynode *px = map_get(root, "plot") ? map_get(map_get(root, "plot"), "x") : NULL;
    if (px) {
        int found = 0;
        for (int a = 0; a < s->n_axes; a++)
            for (int k = 0; k < s->axes[a].n_keys; k++) found |= !strcmp(s->axes[a].keys[k]->key, px->value);
        if (!found) return yt_fail(L, px->file, px->line, px->col, "plot.x: '%s' is not a key of the axes", px->value);
    }
    if (!s->name[0]) {
        const char *b = strrchr(path, '/');
        snprintf(s->name, sizeof s->name, "%s", b ? b + 1 : path);
        char *dot = strrchr(s->name, '.');
        if (dot) *dot = 0;
    }
    if (!s->plot_x[0]) snprintf(s->plot_x, sizeof s->plot_x, "%s", s->axes[0].keys[0]->key);
    return 0;
}

int sweep_check_file(const char *path, int *n_points, char *err, size_t errlen)
{
    struct yloader L = { .err = err, .errlen = errlen };
    struct ynode *root = NULL;
    struct sweep s;
    int r = yt_load_file(&L, path, NULL, 0, 0, &root) || parse_sweep(&L, path, root, &s) ? -1 : 0;
    if (!r && n_points) {
        *n_points = 1;
        for (int a = 0; a < s.n_axes; a++) *n_points *= s.axes[a].n_values;
    }
    node_free(root);
    yt_loader_free(&L);
    return r;
}

/* Where the table goes without --csv. */
static const char *default_table(const struct sweep *s, char *buf, size_t n)
{
    snprintf(buf, n, "results/%s.csv", s->name);
    return buf;
}

int sweep_table_path(const char *path, char *csv, size_t n, char *err, size_t errlen)
{
    struct yloader L = { .err = err, .errlen = errlen };
    struct ynode *root = NULL;
    struct sweep s;
    int r = yt_load_file(&L, path, NULL, 0, 0, &root) || parse_sweep(&L, path, root, &s) ? -1 : 0;
    if (!r) default_table(&s, csv, n);
    node_free(root);
    yt_loader_free(&L);
    return r;
}

/* Accuracy as a fraction of the test set, as the result JSON holds it (absent: empty). */
static void csv_value(FILE *f, double v)
{
    if (v < 0) fprintf(f, ",");
    else fprintf(f, ",%.6f", v);
}

/* <base>.pareto.csv: the design points on the front of low energy per training sample
 * and high test accuracy, by increasing energy; on[] marks them. */
static void write_front(const char *base, const struct sweep_figures *fig, int n, int *on)
{
    char front[1200];
    snprintf(front, sizeof front, "%s.pareto.csv", base);
    double *pe = calloc((size_t)n + 1, sizeof *pe), *pa = calloc((size_t)n + 1, sizeof *pa);
    FILE *f = pe && pa ? fopen(front, "w") : NULL;
    if (!f) {
        fprintf(stderr, "ssnnsim: %s: cannot create\n", front);
        free(pe), free(pa);
        return;
    }
    for (int i = 0; i < n; i++) pe[i] = fig[i].energy_pj, pa[i] = fig[i].test_wta;
    energy_pareto(pe, pa, n, on);
    fprintf(f, "point,energy_pj_per_train_sample,test_wta\n");
    for (;;) {          /* the front's points by increasing energy */
        int best = -1;
        for (int i = 0; i < n; i++)
            if (on[i] == 1 && (best < 0 || pe[i] < pe[best])) best = i;
        if (best < 0) break;
        fprintf(f, "%d,%.6f,%.6f\n", best, pe[best], pa[best]);
        on[best] = 2;
    }
    for (int i = 0; i < n; i++) on[i] = on[i] != 0;
    if (fclose(f)) fprintf(stderr, "ssnnsim: %s: cannot write\n", front);
    free(pe), free(pa);
}

/* The figures: the plot module sees the axes by their first key, and plot.x's values. */
static void draw(const struct sweep *s, const char *base, const struct sweep_figures *fig, int n, const int *front)
{
    static struct sweep_plot p;
    memset(&p, 0, sizeof p);
    p.name = s->name;
    p.x_key = s->plot_x;
    p.logx = s->logx;
    p.n_axes = s->n_axes;
    p.n_points = n;
    p.fig = fig;
    p.front = front;
    for (int a = 0; a < s->n_axes; a++) {
        const struct axis *A = &s->axes[a];
        p.axes[a].key = A->keys[0]->key;
        p.axes[a].n_values = A->n_values;
        for (int v = 0; v < A->n_values; v++) p.axes[a].values[v] = A->keys[0]->items[v]->value;
        for (int k = 0; k < A->n_keys; k++)
            if (!strcmp(A->keys[k]->key, s->plot_x)) {
                p.x_axis = a;
                for (int v = 0; v < A->n_values; v++) p.x_values[v] = A->keys[k]->items[v]->value;
            }
    }
    sweep_plot_draw(&p, base);
}

/* Rank 0 receives every point's row (NULL rows: points run elsewhere; owner[p]
 * ran point p) and every rank the figures of every point. */
static void gather_rows(char **rows, int n, const int *owner, struct sweep_figures *fig)
{
    int rank = world_rank(), size = world_size();
    _Static_assert(sizeof *fig % sizeof(double) == 0, "a point's figures are doubles, summed as 64-bit words");
    size_t n_fig = (size_t)n * (sizeof *fig / sizeof(double));
    int64_t *len = calloc((size_t)n, sizeof *len), *bits = calloc(n_fig, sizeof *bits);
    int *counts = calloc((size_t)size, sizeof *counts), *displs = calloc((size_t)size, sizeof *displs);
    if (!len || !bits || !counts || !displs) {
        fprintf(stderr, "ssnnsim: out of memory gathering the sweep\n");
        world_abort(1);
    }
    /* A point's figures are nonzero on its own rank only: summing the bit
     * patterns moves them. */
    for (int p = 0; p < n; p++) len[p] = rows[p] ? (int64_t)strlen(rows[p]) : 0;
    memcpy(bits, fig, n_fig * sizeof *bits);
    world_sum_i64(len, n);
    world_sum_i64(bits, (int)n_fig);
    memcpy(fig, bits, n_fig * sizeof *bits);
    int total = 0, mine = 0;
    for (int p = 0; p < n; p++) {
        counts[owner[p]] += (int)len[p];
        total += (int)len[p];
    }
    for (int r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
    char *all = malloc((size_t)total + 1), *own = malloc((size_t)counts[rank] + 1);
    if (!all || !own) {
        fprintf(stderr, "ssnnsim: out of memory gathering the sweep\n");
        world_abort(1);
    }
    for (int p = 0; p < n; p++)
        if (owner[p] == rank && rows[p]) {
            memcpy(own + mine, rows[p], (size_t)len[p]);
            mine += (int)len[p];
        }
    world_gather(own, mine, all, counts, displs, 0);
    if (rank == 0) {
        /* Rank r's block holds its points in increasing order. */
        int *at = displs;       /* read cursor in each rank's block */
        for (int p = 0; p < n; p++) {
            if (!len[p] || owner[p] == 0) continue;
            free(rows[p]);
            rows[p] = strndup(all + at[owner[p]], (size_t)len[p]);
            at[owner[p]] += (int)len[p];
        }
    }
    free(all), free(own), free(len), free(bits), free(counts), free(displs);
}

/* Point p's position on each axis: the points count through the axes, last fastest. */
static void point_index(const struct sweep *s, int p, int *idx)
{
    for (int a = s->n_axes - 1; a >= 0; a--) {
        idx[a] = p % s->axes[a].n_values;
        p /= s->axes[a].n_values;
    }
}

/* The overrides of point p after the n fixed ones (the sweep's set, the command
 * line's): one per key of each axis, pointing at the value in the sweep file.
 * Returns the total; label gets "key=value ..." for the progress line. */
static int point_overrides(const struct sweep *s, int p, int n, struct config_override *ov, char (*texts)[600],
                           char *label, size_t label_len)
{
    int idx[MAX_AXES];
    point_index(s, p, idx);
    *label = 0;
    for (int a = 0; a < s->n_axes; a++)
        for (int k = 0; k < s->axes[a].n_keys; k++) {
            const struct ynode *key = s->axes[a].keys[k], *v = key->items[idx[a]];
            override_text(texts[n], sizeof texts[n], key->key, v);
            ov[n] = (struct config_override){ texts[n], v->file, v->line, key->kcol, v->col };
            size_t used = strlen(label);
            snprintf(label + used, label_len - used, "%s%s", used ? " " : "", texts[n]);
            n++;
        }
    return n;
}

/* The row's first columns: the point's number and its value of every axis key. */
static void point_row(const struct sweep *s, int p, FILE *row)
{
    int idx[MAX_AXES];
    point_index(s, p, idx);
    fprintf(row, "%d", p);
    for (int a = 0; a < s->n_axes; a++)
        for (int k = 0; k < s->axes[a].n_keys; k++) csv_field(row, s->axes[a].keys[k]->items[idx[a]]->value);
}

/* One sweep in flight: its points' overrides, figures, rows and owners. */
struct sweep_run {
    struct sweep s;
    const struct run_opts *o;
    int n_points, n_base;       /* n_base: overrides before the point's own (the sweep's set:, the command line's) */
    int energy;                 /* --engine chip: energy columns, an energy figure and the Pareto front */
    struct config_override *ov;
    char (*texts)[600];
    /* Each point's figures are set on the rank that ran it only (zero elsewhere):
     * gather_rows sums them over the ranks. */
    struct sweep_figures *fig;
    char **rows;
    double *cost;
    int *owner, *front;
    char err[1024];
};

/* Overrides per point: the sweep's shared ones, the command line's, the point's. */
static int sweep_run_alloc(struct sweep_run *w, const struct config_override *sets, int n_sets)
{
    int n_fixed = w->s.set ? w->s.set->n : 0;
    int n_axis_keys = 0;
    for (int a = 0; a < w->s.n_axes; a++) n_axis_keys += w->s.axes[a].n_keys;
    int n_ov = n_fixed + n_sets + n_axis_keys;
    w->ov = calloc((size_t)n_ov + 1, sizeof *w->ov);
    w->texts = calloc((size_t)n_ov + 1, sizeof *w->texts);
    w->fig = calloc((size_t)w->n_points, sizeof *w->fig);
    w->rows = calloc((size_t)w->n_points, sizeof *w->rows);
    w->cost = calloc((size_t)w->n_points, sizeof *w->cost);
    w->owner = calloc((size_t)w->n_points, sizeof *w->owner);
    w->front = calloc((size_t)w->n_points, sizeof *w->front);
    if (!w->ov || !w->texts || !w->fig || !w->rows || !w->cost || !w->owner || !w->front) {
        fprintf(stderr, "ssnnsim: out of memory for %d sweep points\n", w->n_points);
        return 1;
    }
    for (int i = 0; i < n_fixed; i++) {
        const struct ynode *v = w->s.set->items[i];
        override_text(w->texts[i], sizeof w->texts[i], v->key, v);
        w->ov[i] = (struct config_override){ w->texts[i], v->file, v->line, v->kcol, v->col };
    }
    for (int i = 0; i < n_sets; i++) w->ov[n_fixed + i] = sets[i];
    w->n_base = n_fixed + n_sets;
    return 0;
}

static void sweep_run_free(struct sweep_run *w)
{
    if (w->rows)
        for (int p = 0; p < w->n_points; p++) free(w->rows[p]);
    free(w->rows), free(w->cost), free(w->owner), free(w->front), free(w->fig), free(w->ov), free(w->texts);
}

static struct config sweep_cfg;     /* one point's config at a time */

/* Every point's config is checked first, so a bad value or key stops the sweep
 * before hours of runs, with its one message and no table file begun; each
 * point's cost is kept for dealing. 0, or the exit code (on every rank). */
static int check_points(struct sweep_run *w)
{
    char label[512];
    int64_t clash = 0;          /* rank 0 found a point reading an output (run_files.h) */
    int rank = world_rank();
    for (int p = 0; p < w->n_points; p++) {
        int n = point_overrides(&w->s, p, w->n_base, w->ov, w->texts, label, sizeof label);
        if (config_load(w->s.config, w->ov, n, &sweep_cfg, w->err, sizeof w->err)) {
            if (rank == 0) fprintf(stderr, "%s\n", w->err);
            return 2;
        }
        if (!clash && rank == 0 && w->o->files && run_files_config(w->o->files, &sweep_cfg, 1, w->err, sizeof w->err)) {
            fprintf(stderr, "%s\n", w->err);
            clash = 1;
        }
        w->cost[p] = sweep_point_cost(&sweep_cfg);
    }
    world_max_i64(&clash, 1);
    return clash ? 2 : 0;
}

static void write_header(const struct sweep_run *w, FILE *csv)
{
    fprintf(csv, "point");
    for (int a = 0; a < w->s.n_axes; a++)
        for (int k = 0; k < w->s.axes[a].n_keys; k++) fprintf(csv, ",%s", w->s.axes[a].keys[k]->key);
    fprintf(csv, ",test_wta,test_rate,ann_test,train_wta");
    if (w->energy) energy_csv_header(csv);
    fprintf(csv, ",weights_sha256\n");
}

/* Trains point p and keeps its row (and figures). 0, or the exit code. */
static int run_point(struct sweep_run *w, int p)
{
    char label[512];
    int n = point_overrides(&w->s, p, w->n_base, w->ov, w->texts, label, sizeof label);
    if (config_load(w->s.config, w->ov, n, &sweep_cfg, w->err, sizeof w->err)) {
        fprintf(stderr, "%s\n", w->err);       /* checked above: the files changed since */
        return 2;
    }
    if (!w->o->quiet) fprintf(stderr, "sweep %s: point %d/%d: %s\n", w->s.name, p + 1, w->n_points, label);
    struct run_opts po = *w->o;
    po.out = NULL;
    po.partition = 0;           /* a point runs on one rank */
    struct run_summary sum;
    int rc = train_run(&sweep_cfg, &po, &sum);
    if (rc) return rc;
    size_t len;
    FILE *row = open_memstream(&w->rows[p], &len);
    if (!row) return 1;
    point_row(&w->s, p, row);
    csv_value(row, sum.test_wta);
    csv_value(row, sum.test_rate);
    csv_value(row, sum.ann_test);
    csv_value(row, sum.train_wta);
    w->fig[p] = (struct sweep_figures){ sum.test_wta, sum.test_rate, sum.ann_test, -1, -1 };
    if (w->energy) {
        energy_csv_row(row, &sum.energy);
        w->fig[p].energy_pj = energy_pj_per_sample(&sum.energy.train);
        w->fig[p].latency_ns = energy_latency_ns_per_sample(&sum.energy, &sum.energy.train);
    }
    fprintf(row, ",%s\n", sum.weights_sha256);
    fclose(row);
    return 0;
}

/* This rank's points, costliest dealt first (sweep_deal.c). In one process each
 * row goes into the table as it is done; under MPI rank 0 writes every row in
 * point order after the gather, so the table is the single-process one byte for
 * byte. Returns the exit code; *written counts the rows in the table file. */
static int run_points(struct sweep_run *w, FILE *csv, int *written)
{
    int rc = 0, rank = world_rank(), size = world_size();
    for (int p = 0; p < w->n_points && !rc; p++) {
        if (w->owner[p] != rank) continue;
        rc = run_point(w, p);
        if (!rc && size == 1) {
            fputs(w->rows[p], csv);
            fflush(csv);
            (*written)++;
            free(w->rows[p]);
            w->rows[p] = NULL;
        }
    }
    if (size > 1) {
        int64_t r64 = rc;
        world_max_i64(&r64, 1);     /* a failed point fails the sweep on every rank */
        rc = (int)r64;
        gather_rows(w->rows, w->n_points, w->owner, w->fig);
    }
    for (int p = 0; p < w->n_points && csv; p++)
        if (w->rows[p]) {
            fputs(w->rows[p], csv);
            (*written)++;
        }
    return rc;
}

/* Rank 0, the table closed: into place when complete (then the figures), kept
 * as .tmp when partial, removed when empty. */
static int finish_table(struct sweep_run *w, int rc, int closed, int written, const char *tmp,
                        const char *csv_path, const char *base)
{
    if (closed && !rc) {
        fprintf(stderr, "ssnnsim: %s: cannot write: %s\n", tmp, strerror(errno));
        remove(tmp);
        return 1;
    }
    if (rc) {
        /* The run that stopped said why. A partial table keeps its .tmp name, never
         * mistaken for a finished one; with no row it is not worth keeping. */
        if (written) fprintf(stderr, "ssnnsim: sweep stopped; partial table (%d of %d points) left in %s\n", written,
                             w->n_points, tmp);
        else remove(tmp);
        return rc;
    }
    if (rename(tmp, csv_path)) {
        fprintf(stderr, "ssnnsim: %s: %s\n", csv_path, strerror(errno));
        return 1;
    }
    fprintf(stderr, "sweep %s: %d points -> %s\n", w->s.name, w->n_points, csv_path);
    if (w->energy) write_front(base, w->fig, w->n_points, w->front);
    draw(&w->s, base, w->fig, w->n_points, w->energy ? w->front : NULL);
    return 0;
}

int sweep_command(const char *path, const struct config_override *sets, int n_sets,
                  const char *csv_path, const struct run_opts *o)
{
    static struct sweep_run w;
    memset(&w, 0, sizeof w);
    w.o = o;
    struct yloader L = { .err = w.err, .errlen = sizeof w.err };
    struct ynode *root = NULL;
    int rc = 2, rank = world_rank();
    if (!strcmp(o->engine, "systemc")) {
        /* SystemC elaborates one chip per process; a sweep trains many. */
        fprintf(stderr, "ssnnsim sweep: --engine systemc runs one chip per process; sweep with --engine chip "
                "(the same results) or run each point with ssnnsim train\n");
        return 2;
    }
    if (yt_load_file(&L, path, NULL, 0, 0, &root) || parse_sweep(&L, path, root, &w.s)) {
        if (rank == 0) fprintf(stderr, "%s\n", w.err);
        goto out;
    }
    w.n_points = 1;
    for (int a = 0; a < w.s.n_axes; a++) w.n_points *= w.s.axes[a].n_values;
    w.energy = !strcmp(o->engine, "chip");
    char csv_buf[1024], base[1100], tmp[1100];
    if (!csv_path) {
        mkdir("results", 0755);
        csv_path = default_table(&w.s, csv_buf, sizeof csv_buf);
    }
    output_path_beside(csv_path, ".csv", "", base, sizeof base);     /* the figures' names start so */
    snprintf(tmp, sizeof tmp, "%s.tmp", csv_path);
    FILE *csv = NULL;
    if ((rc = sweep_run_alloc(&w, sets, n_sets)) || (rc = check_points(&w))) goto out_free;
    sweep_deal(w.cost, w.n_points, world_size(), w.owner);
    if (rank == 0 && !(csv = fopen(tmp, "w")))
        fprintf(stderr, "ssnnsim: %s: cannot create: %s\n", tmp, strerror(errno));
    int64_t failed = rank == 0 && !csv;
    world_max_i64(&failed, 1);      /* ... and the others stop with it when it cannot */
    if (failed) {
        rc = 1;
        goto out_free;
    }
    if (csv) write_header(&w, csv);
    int written = 0;            /* rows in the table file */
    rc = run_points(&w, csv, &written);
    int closed = csv ? fclose(csv) : 0;
    if (rank == 0) rc = finish_table(&w, rc, closed, written, tmp, csv_path, base);
out_free:
    sweep_run_free(&w);
out:
    node_free(root);
    yt_loader_free(&L);
    return rc;
}
