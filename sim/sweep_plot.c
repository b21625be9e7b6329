/* A sweep's figures. Every point belongs to one series, the combination of the
 * values of the axes other than plot.x's, and each figure draws one line per
 * series in order of plot.x: the table's rows in their own order would zig-zag
 * back whenever an outer axis moves on. A script holds its data as gnuplot data
 * blocks ($s0, $s1, ... one per series; $front), so `gnuplot BASE.gp` draws it
 * again and a test can read what it draws. gnuplot's output goes to a log beside
 * the script: a warning is no business of the person running the sweep unless
 * the figure failed, and then one line says which and where the log is.
 *
 * Labels on the Pareto figure are placed here, not by gnuplot (which does not
 * avoid collisions): the plot area's margins and ranges are fixed, so a label's
 * place in pixels is known, and one that would cover another or a point moves
 * to another corner of its point or is left out. */
#include "sweep_plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_KEYED 16        /* more series than this: no legend, it would not fit */
#define MICRO "\xc2\xb5"    /* UTF-8 micro sign: the PNG terminal draws it */

/* Colours told apart by colour-blind readers too, then grey; after 8 series the point type changes. */
static const char *const colour[] = { "#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                      "#e69f00", "#56b4e9", "#000000", "#999999" };
static const int point_type[] = { 7, 5, 9, 11, 13 };

struct series {
    int n;                  /* series */
    int *start, *count;     /* each one's points in `order` */
    int *order;             /* point indices, series by series, each by increasing x */
    double *x;              /* per point: plot.x's value, or its position if not a number */
    int numeric;            /* plot.x's values are all numbers */
    char (*label)[200];     /* per series: the other axes' values */
    char title[300];        /* the other axes' keys */
};

/* A value as a legend shows it: a file by its name (../tech/loihi.yaml -> loihi). */
static void short_value(char *out, size_t n, const char *v)
{
    const char *slash = strrchr(v, '/'), *dot = strrchr(v, '.');
    int yaml = dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
    if (!slash && !yaml) {
        snprintf(out, n, "%s", v);
        return;
    }
    const char *b = slash ? slash + 1 : v;
    int len = yaml && dot > b ? (int)(dot - b) : (int)strlen(b);
    snprintf(out, n, "%.*s", len, b);
}

static int is_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && !errno && isfinite(*v);
}

static int series_make(const struct sweep_plot *p, struct series *S)
{
    memset(S, 0, sizeof *S);
    int nx = p->axes[p->x_axis].n_values;
    double xv[SWEEP_MAX_VALUES];
    S->numeric = 1;
    for (int i = 0; i < nx; i++) S->numeric &= is_number(p->x_values[i], &xv[i]) && (!p->logx || xv[i] > 0);
    if (!S->numeric)
        for (int i = 0; i < nx; i++) xv[i] = i;
    S->n = 1;
    for (int a = 0; a < p->n_axes; a++) {
        if (a == p->x_axis) continue;
        S->n *= p->axes[a].n_values;
        size_t k = strlen(S->title);
        snprintf(S->title + k, sizeof S->title - k, "%s%s", k ? ", " : "", p->axes[a].key);
    }
    S->start = calloc((size_t)S->n, sizeof *S->start);
    S->count = calloc((size_t)S->n, sizeof *S->count);
    S->label = calloc((size_t)S->n, sizeof *S->label);
    S->order = calloc((size_t)p->n_points, sizeof *S->order);
    S->x = calloc((size_t)p->n_points, sizeof *S->x);
    int *of = calloc((size_t)p->n_points, sizeof *of);
    if (!S->start || !S->count || !S->label || !S->order || !S->x || !of) {
        free(of);
        return -1;
    }
    for (int q = 0; q < p->n_points; q++) {
        int idx[SWEEP_MAX_AXES], rest = q, s = 0;
        for (int a = p->n_axes - 1; a >= 0; a--) {
            idx[a] = rest % p->axes[a].n_values;
            rest /= p->axes[a].n_values;
        }
        char label[200] = "";
        for (int a = 0; a < p->n_axes; a++) {
            if (a == p->x_axis) continue;
            s = s * p->axes[a].n_values + idx[a];
            char v[120];
            short_value(v, sizeof v, p->axes[a].values[idx[a]]);
            size_t k = strlen(label);
            snprintf(label + k, sizeof label - k, "%s%s", k ? ", " : "", v);
        }
        snprintf(S->label[s], sizeof S->label[s], "%s", label);
        S->x[q] = xv[idx[p->x_axis]];
        of[q] = s;
        S->count[s]++;
    }
    for (int s = 1; s < S->n; s++) S->start[s] = S->start[s - 1] + S->count[s - 1];
    int *fill = calloc((size_t)S->n, sizeof *fill);
    if (!fill) {
        free(of);
        return -1;
    }
    for (int q = 0; q < p->n_points; q++) {
        /* insertion by x: a sweep file may list plot.x's values in any order */
        int *o = S->order + S->start[of[q]], k = fill[of[q]]++;
        while (k > 0 && S->x[o[k - 1]] > S->x[q]) {
            o[k] = o[k - 1];
            k--;
        }
        o[k] = q;
    }
    free(fill);
    free(of);
    return 0;
}

static void series_free(struct series *S)
{
    free(S->start), free(S->count), free(S->order), free(S->x), free(S->label);
}

/* A gnuplot string literal: quotes doubled, control characters (a name from the
 * sweep file is not checked for them) as '?' so the script stays one line each. */
static void gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', f);
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
    }
    fputc('\'', f);
}

/* `set WHAT '...'`, the text printf-formatted and quoted for gnuplot. */
__attribute__((format(printf, 3, 4)))
static void gp_set(FILE *f, const char *what, const char *fmt, ...)
{
    char text[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(f, "set %s ", what);
    gp_string(f, text);
    fprintf(f, "\n");
}

static void put(FILE *f, double v)
{
    if (v < 0) fprintf(f, " NaN");
    else fprintf(f, " %.9g", v);
}

static void block_row(FILE *f, const struct sweep_plot *p, const struct series *S, int q)
{
    const struct sweep_figures *g = &p->fig[q];
    fprintf(f, "%.9g", S->x[q]);
    put(f, g->test_wta), put(f, g->test_rate), put(f, g->ann_test), put(f, g->energy_pj), put(f, g->latency_ns);
    fprintf(f, " %d\n", q);
}

/* The data: one block per series, rows by increasing x; NaN where a figure is absent.
 * Columns: 1 x, 2 test_wta, 3 test_rate, 4 ann_test (fractions), 5 pJ, 6 ns, 7 point. */
static void write_blocks(FILE *f, const struct sweep_plot *p, const struct series *S)
{
    for (int s = 0; s < S->n; s++) {
        fprintf(f, "# series %d: %s\n$s%d << EOD\n", s, S->title[0] ? S->label[s] : "all points", s);
        fprintf(f, "# %s test_wta test_rate ann_test energy_pj_per_train_sample latency_ns_per_train_sample point\n",
                S->numeric ? p->x_key : "position");
        for (int k = 0; k < S->count[s]; k++) block_row(f, p, S, S->order[S->start[s] + k]);
        fprintf(f, "EOD\n");
    }
}

/* Does series s (or any, s < 0) hold a value of this figure? A line with none
 * makes gnuplot warn that it skipped it. */
static int has(const struct sweep_plot *p, const struct series *S, int s, size_t field)
{
    int from = s < 0 ? 0 : s, to = s < 0 ? S->n : s + 1;
    for (int t = from; t < to; t++)
        for (int k = 0; k < S->count[t]; k++) {
            const char *g = (const char *)&p->fig[S->order[S->start[t] + k]];
            if (*(const double *)(g + field) >= 0) return 1;
        }
    return 0;
}

#define HAS(p, S, s, f) has(p, S, s, offsetof(struct sweep_figures, f))

/* Does series s draw the same line as an earlier one (a technology does not change
 * the accuracy, a device preset not the latency)? Then it is drawn dashed over
 * that one, so both colours show, instead of hidden under it. */
static int coincides(const struct sweep_plot *p, const struct series *S, int s, size_t field)
{
    for (int t = 0; t < s; t++) {
        int same = S->count[t] == S->count[s];
        for (int k = 0; k < S->count[s] && same; k++) {
            int a = S->order[S->start[s] + k], b = S->order[S->start[t] + k];
            same = S->x[a] == S->x[b] && *(const double *)((const char *)&p->fig[a] + field) ==
                                             *(const double *)((const char *)&p->fig[b] + field);
        }
        if (same) return 1;
    }
    return 0;
}

#define OVER(p, S, s, f) (coincides(p, S, s, offsetof(struct sweep_figures, f)) ? " dt (6,6) ps 0.8" : "")

static void styles(FILE *f, int n)
{
    int nc = (int)(sizeof colour / sizeof *colour), np = (int)(sizeof point_type / sizeof *point_type);
    for (int s = 0; s < n && s < nc * np; s++)
        fprintf(f, "set style line %d lc rgb '%s' lw 2 pt %d ps 1.2\n", s + 1, colour[s % nc], point_type[s / nc % np]);
}

static FILE *script_open(const char *gp, const char *png, int w, int h)
{
    FILE *f = fopen(gp, "w");
    if (!f) return NULL;
    fprintf(f, "# written by ssnnsim sweep; draw again with: gnuplot ");
    gp_string(f, gp);
    fprintf(f, "\nset terminal pngcairo size %d,%d font 'sans,11' noenhanced\nset output ", w, h);
    gp_string(f, png);
    fprintf(f, "\nset grid\n");
    return f;
}

/* plot.x as the horizontal axis: its values as the tics, a margin so that no point
 * sits on the border; names at positions when the values are not numbers. */
static void x_axis(FILE *f, const struct sweep_plot *p, const struct series *S)
{
    int nx = p->axes[p->x_axis].n_values;
    double lo = INFINITY, hi = -INFINITY;
    for (int q = 0; q < p->n_points; q++) {
        lo = fmin(lo, S->x[q]);
        hi = fmax(hi, S->x[q]);
    }
    gp_set(f, "xlabel", "%s", p->x_key);
    if (p->logx && S->numeric) {
        double pad = pow(hi / lo, 0.04) * 1.05;
        fprintf(f, "set logscale x\nset xrange [%.9g:%.9g]\n", lo / pad, hi * pad);
    } else {
        double pad = !S->numeric ? 0.3 : hi > lo ? 0.04 * (hi - lo) : 0.5;
        fprintf(f, "set xrange [%.9g:%.9g]\n", lo - pad, hi + pad);
    }
    if (nx > 12 && S->numeric) return;      /* let gnuplot choose the tics */
    fprintf(f, "set xtics (");
    for (int i = 0; i < nx; i++) {
        char v[120];
        short_value(v, sizeof v, p->x_values[i]);
        fprintf(f, "%s", i ? ", " : "");
        gp_string(f, v);
        double x;
        fprintf(f, " %.9g", S->numeric && is_number(p->x_values[i], &x) ? x : i);
    }
    fprintf(f, ")\n");
}

/* A log axis over [lo, hi] (both > 0): that range, and tics at 1, 2 and 5 times the
 * powers of ten inside it (finer when fewer than four fit): on less than a decade
 * gnuplot's own log tics are one number or none. */
static void log_axis(FILE *f, const char *axis, double lo, double hi)
{
    static const double fine[] = { 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9 }, coarse[] = { 1, 2, 5 };
    fprintf(f, "set logscale %s\nset %srange [%.9g:%.9g]\n", axis, axis, lo, hi);
    if (hi / lo > 1e3) return;      /* decades are tics enough */
    for (int pass = 0; pass < 2; pass++) {
        const double *m = pass ? fine : coarse;
        int nm = pass ? 10 : 3, count = 0;
        for (int e = (int)floor(log10(lo)); e <= (int)ceil(log10(hi)); e++)
            for (int i = 0; i < nm; i++) count += m[i] * pow(10, e) >= lo && m[i] * pow(10, e) <= hi;
        if (count < 4 && !pass) continue;
        fprintf(f, "set %stics (", axis);
        int first = 1;
        for (int e = (int)floor(log10(lo)); e <= (int)ceil(log10(hi)); e++)
            for (int i = 0; i < nm; i++) {
                double t = m[i] * pow(10, e);
                if (t < lo || t > hi) continue;
                fprintf(f, "%s'%g' %.9g", first ? "" : ", ", t, t);
                first = 0;
            }
        fprintf(f, ")\n");
        return;
    }
}

/* The range of one figure over the points that have it, in its unit (scale). */
static int span(const struct sweep_plot *p, size_t field, double scale, double *lo, double *hi)
{
    *lo = INFINITY, *hi = -INFINITY;
    for (int q = 0; q < p->n_points; q++) {
        double v = *(const double *)((const char *)&p->fig[q] + field);
        if (v <= 0) continue;
        *lo = fmin(*lo, v / scale), *hi = fmax(*hi, v / scale);
    }
    return *lo <= *hi;
}

/* The legend beside the plot, where it covers nothing; titled with the other
 * axes' keys when it names series. */
static void series_key(FILE *f, const struct series *S, const char *title)
{
    if (S->n > MAX_KEYED) {
        fprintf(f, "unset key\n");
        return;
    }
    fprintf(f, "set key outside right top vertical Left reverse title ");
    gp_string(f, title);
    fprintf(f, "\n");
}

static const char *sep(int *first)
{
    int was = *first;
    *first = 0;
    return was ? "plot " : ", \\\n     ";
}

/* Test accuracy against plot.x. One series: the three read-outs; several: the WTA
 * read-out of each (and its ANN baseline dotted), so the lines stay few. Returns 1
 * when there is no accuracy to draw. */
static int accuracy_script(const struct sweep_plot *p, const struct series *S, const char *gp, const char *png)
{
    int multi = S->n > 1, keyed = S->n <= MAX_KEYED;
    FILE *f = script_open(gp, png, 1000, 560);
    if (!f) return -1;
    write_blocks(f, p, S);
    styles(f, S->n > 3 ? S->n : 3);
    gp_set(f, "title", "%s: test accuracy against %s", p->name, p->x_key);
    gp_set(f, "ylabel", "test accuracy%s (%%)", multi ? ", WTA read-out" : "");
    fprintf(f, "set lmargin at screen 0.09\nset rmargin at screen %s\n", keyed ? "0.74" : "0.96");
    x_axis(f, p, S);
    series_key(f, S, multi ? S->title : "");
    int first = 1;
    if (!multi) {
        if (HAS(p, S, 0, test_wta))
            fprintf(f, "%s$s0 using 1:(100*$2) with linespoints ls 1 title 'SSNN-BP, WTA read-out'", sep(&first));
        if (HAS(p, S, 0, test_rate))
            fprintf(f, "%s$s0 using 1:(100*$3) with linespoints ls 2 title 'SSNN-BP, rate read-out'", sep(&first));
        if (HAS(p, S, 0, ann_test))
            fprintf(f, "%s$s0 using 1:(100*$4) with linespoints ls 3 dt 2 title 'float ANN baseline'", sep(&first));
    } else {
        for (int s = 0; s < S->n; s++)
            if (HAS(p, S, s, test_wta)) {
                fprintf(f, "%s$s%d using 1:(100*$2) with linespoints ls %d%s title ", sep(&first), s, s + 1,
                        OVER(p, S, s, test_wta));
                gp_string(f, S->label[s]);
            }
        for (int s = 0; s < S->n; s++)
            if (HAS(p, S, s, ann_test))
                fprintf(f, "%s$s%d using 1:(100*$4) with lines ls %d dt 3 lw 1 notitle", sep(&first), s, s + 1);
        if (!first && HAS(p, S, -1, ann_test))
            fprintf(f, "%skeyentry with lines dt 3 lw 1 lc rgb 'black' title 'dotted: float ANN baseline'", sep(&first));
    }
    fprintf(f, "\n");
    int empty = first;
    if (fclose(f)) return -1;
    return empty ? 1 : 0;
}

/* Energy and latency per training sample against plot.x, side by side on log
 * scales (technologies differ by orders of magnitude), one line per series in
 * each; the legend beside the second. */
static int energy_script(const struct sweep_plot *p, const struct series *S, const char *gp, const char *png)
{
    int keyed = S->n > 1 && S->n <= MAX_KEYED;
    FILE *f = script_open(gp, png, 1100, 500);
    if (!f) return -1;
    write_blocks(f, p, S);
    styles(f, S->n);
    gp_set(f, "multiplot title", "%s: energy and latency per training sample against %s", p->name, p->x_key);
    x_axis(f, p, S);
    fprintf(f, "set bmargin at screen 0.12\nset tmargin at screen 0.88\nunset key\n");
    const char *panel[2][3] = {
        { "energy per training sample (" MICRO "J)", "5", "1e6" },
        { "latency per training sample (" MICRO "s)", "6", "1e3" },
    };
    size_t field[2] = { offsetof(struct sweep_figures, energy_pj), offsetof(struct sweep_figures, latency_ns) };
    double left[2] = { 0.07, keyed ? 0.45 : 0.58 }, right[2] = { keyed ? 0.37 : 0.46, keyed ? 0.75 : 0.96 };
    for (int k = 0; k < 2; k++) {
        fprintf(f, "set lmargin at screen %.2f\nset rmargin at screen %.2f\n", left[k], right[k]);
        gp_set(f, "ylabel", "%s", panel[k][0]);
        fprintf(f, "set autoscale y\nset ytics autofreq\n");     /* not the other panel's */
        double lo, hi;
        if (span(p, field[k], atof(panel[k][2]), &lo, &hi)) {
            double pad = pow(hi / lo, 0.05) * 1.02;     /* 5% of the span in log, at least 2% */
            log_axis(f, "y", lo / pad, hi * pad);
        }
        if (k == 1 && keyed) series_key(f, S, S->title);
        int first = 1;
        for (int s = 0; s < S->n; s++) {
            fprintf(f, "%s$s%d using 1:($%s/%s) with linespoints ls %d%s title ", sep(&first), s, panel[k][1],
                    panel[k][2], s + 1, coincides(p, S, s, field[k]) ? " dt (6,6) ps 0.8" : "");
            gp_string(f, S->n > 1 ? S->label[s] : "");
        }
        fprintf(f, "\n");
    }
    fprintf(f, "unset multiplot\n");
    return fclose(f) ? -1 : 0;
}

/* ---- the Pareto figure's labels ------------------------------------------ */

struct box {
    double x0, y0, x1, y1;      /* pixels from the plot area's lower left corner */
};

static int overlaps(const struct box *a, const struct box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Does the segment (x0,y0)-(x1,y1) pass through the box? (Liang-Barsky clipping.) */
static int crosses(const struct box *b, double x0, double y0, double x1, double y1)
{
    double t0 = 0, t1 = 1, d[2] = { x1 - x0, y1 - y0 };
    double lo[2] = { b->x0 - x0, b->y0 - y0 }, hi[2] = { b->x1 - x0, b->y1 - y0 };
    for (int k = 0; k < 2; k++) {
        if (d[k] == 0) {
            if (lo[k] > 0 || hi[k] < 0) return 0;
            continue;
        }
        double a = lo[k] / d[k], c = hi[k] / d[k];
        if (a > c) {
            double t = a;
            a = c, c = t;
        }
        t0 = fmax(t0, a), t1 = fmin(t1, c);
        if (t0 > t1) return 0;
    }
    return 1;
}

#define PARETO_W 1000
#define PARETO_H 560
#define CHAR_W 6.0          /* 9-point sans, pixels per character: a little over the mean */
#define CHAR_H 12.0
#define MARK 5.0            /* half a point's marker */
#define FRONT_MARK 9.0      /* half the ring around a point of the front */
#define MAX_LABELLED 400    /* more points than this: no labels (placing them is quadratic, reading them hopeless) */

/* Each drawn point labelled with its plot.x value beside it, where that covers no
 * other label and no point, nor a line if a corner can be found that does not; the
 * front's points first. lim: the ranges, log10 of uJ and percent. */
static void pareto_labels(FILE *f, const struct sweep_plot *p, const struct series *S, const int *of,
                          const int *front, int n_front, double L, double R, double B, double T, const double *lim)
{
    double pw = (R - L) * PARETO_W, ph = (T - B) * PARETO_H;
    int n = p->n_points, n_seg = 0;
    if (n > MAX_LABELLED) return;
    struct box *mark = calloc((size_t)n, sizeof *mark), *placed = calloc((size_t)n, sizeof *placed);
    struct box *seg = calloc(2 * (size_t)n, sizeof *seg);      /* (x0, y0)-(x1, y1), not boxes */
    double *px = calloc((size_t)n, sizeof *px), *py = calloc((size_t)n, sizeof *py);
    char *drawn = calloc((size_t)n, 1);
    if (!mark || !placed || !seg || !px || !py || !drawn) goto out;
    for (int q = 0; q < n; q++) {
        const struct sweep_figures *g = &p->fig[q];
        if (g->energy_pj <= 0 || g->test_wta < 0) continue;
        drawn[q] = 1;
        px[q] = (log10(g->energy_pj / 1e6) - lim[0]) / (lim[1] - lim[0]) * pw;
        py[q] = (100 * g->test_wta - lim[2]) / (lim[3] - lim[2]) * ph;
        double m = p->front[q] ? FRONT_MARK : MARK;
        mark[q] = (struct box){ px[q] - m, py[q] - m, px[q] + m, py[q] + m };
    }
    /* the lines: each series in its order, and the front */
    for (int s = 0; s < S->n; s++)
        for (int k = 1; k < S->count[s]; k++) {
            int a = S->order[S->start[s] + k - 1], b = S->order[S->start[s] + k];
            if (drawn[a] && drawn[b]) seg[n_seg++] = (struct box){ px[a], py[a], px[b], py[b] };
        }
    for (int k = 1; k < n_front; k++)
        seg[n_seg++] = (struct box){ px[front[k - 1]], py[front[k - 1]], px[front[k]], py[front[k]] };
    const char *key = strrchr(p->x_key, '.') ? strrchr(p->x_key, '.') + 1 : p->x_key;
    int n_placed = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int q = 0; q < n; q++) {
            if (!drawn[q] || (p->front[q] ? 0 : 1) != pass) continue;   /* the front first */
            int idx[SWEEP_MAX_AXES], rest = q;
            for (int a = p->n_axes - 1; a >= 0; a--) {
                idx[a] = rest % p->axes[a].n_values;
                rest /= p->axes[a].n_values;
            }
            char v[120], text[200];
            short_value(v, sizeof v, p->x_values[idx[p->x_axis]]);
            snprintf(text, sizeof text, "%s=%s", key, v);
            double w = CHAR_W * (double)strlen(text), gap = (p->front[q] ? FRONT_MARK : MARK) + 2;
            int corner = -1;
            struct box b;
            /* right above, right below, left above, left below; clear of lines, then not */
            for (int strict = 1; strict >= 0 && corner < 0; strict--)
                for (int c = 0; c < 4 && corner < 0; c++) {
                    double x0 = c < 2 ? px[q] + gap : px[q] - gap - w, yc = py[q] + (c % 2 ? -1 : 1) * (CHAR_H / 2 + 1);
                    b = (struct box){ x0, yc - CHAR_H / 2, x0 + w, yc + CHAR_H / 2 };
                    int clear = b.x0 >= 0 && b.x1 <= pw && b.y0 >= 0 && b.y1 <= ph;
                    for (int k = 0; k < n_placed && clear; k++) clear = !overlaps(&b, &placed[k]);
                    for (int k = 0; k < n && clear; k++) clear = k == q || !drawn[k] || !overlaps(&b, &mark[k]);
                    for (int k = 0; k < n_seg && clear && strict; k++)
                        clear = !crosses(&b, seg[k].x0, seg[k].y0, seg[k].x1, seg[k].y1);
                    if (clear) corner = c;
                }
            if (corner < 0) continue;
            placed[n_placed++] = b;
            double ex = pow(10, lim[0] + (corner < 2 ? b.x0 : b.x1) / pw * (lim[1] - lim[0]));
            double ay = lim[2] + (b.y0 + b.y1) / 2 / ph * (lim[3] - lim[2]);
            fprintf(f, "set label ");
            gp_string(f, text);
            fprintf(f, " at first %.9g, first %.9g %s font ',9' tc rgb '%s' front\n", ex, ay, corner < 2 ? "left" : "right",
                    colour[of[q] % (int)(sizeof colour / sizeof *colour)]);
        }
out:
    free(mark), free(placed), free(seg), free(px), free(py), free(drawn);
}

/* Test accuracy against energy per training sample: each series a line in order of
 * plot.x, the front drawn over them. */
static int pareto_script(const struct sweep_plot *p, const struct series *S, const char *gp, const char *png)
{
    double emin = INFINITY, emax = -INFINITY, amin = INFINITY, amax = -INFINITY;
    int *of = calloc((size_t)p->n_points, sizeof *of), *front = calloc((size_t)p->n_points, sizeof *front);
    if (!of || !front) {
        free(of), free(front);
        return -1;
    }
    for (int s = 0; s < S->n; s++)
        for (int k = 0; k < S->count[s]; k++) of[S->order[S->start[s] + k]] = s;
    for (int q = 0; q < p->n_points; q++) {
        const struct sweep_figures *g = &p->fig[q];
        if (g->energy_pj <= 0 || g->test_wta < 0) continue;
        emin = fmin(emin, g->energy_pj / 1e6), emax = fmax(emax, g->energy_pj / 1e6);
        amin = fmin(amin, 100 * g->test_wta), amax = fmax(amax, 100 * g->test_wta);
    }
    if (!(emin <= emax)) {
        free(of), free(front);
        return 1;           /* no point has both */
    }
    /* Fixed ranges (log10 of uJ, percent) with room on the right and top for labels. */
    double lim[4] = { log10(emin), log10(emax), amin, amax };
    if (lim[1] - lim[0] < 0.3) lim[0] -= 0.15, lim[1] += 0.15;
    if (lim[3] - lim[2] < 1) lim[2] -= 0.5, lim[3] += 0.5;
    double xs = lim[1] - lim[0], ys = lim[3] - lim[2];
    lim[0] -= 0.06 * xs, lim[1] += 0.12 * xs, lim[2] -= 0.08 * ys, lim[3] += 0.10 * ys;
    int keyed = S->n <= MAX_KEYED;
    double L = 0.08, R = keyed ? 0.74 : 0.96, B = 0.11, T = 0.90;
    FILE *f = script_open(gp, png, PARETO_W, PARETO_H);
    if (!f) {
        free(of), free(front);
        return -1;
    }
    write_blocks(f, p, S);
    fprintf(f, "$front << EOD\n# the Pareto front by increasing energy; columns as above\n");
    int n_front = 0;
    for (int q = 0; q < p->n_points; q++) {
        if (!p->front[q] || p->fig[q].test_wta < 0) continue;
        int k = n_front++;      /* insertion by energy */
        while (k > 0 && p->fig[front[k - 1]].energy_pj > p->fig[q].energy_pj) {
            front[k] = front[k - 1];
            k--;
        }
        front[k] = q;
    }
    for (int k = 0; k < n_front; k++) block_row(f, p, S, front[k]);
    fprintf(f, "EOD\n");
    styles(f, S->n);
    gp_set(f, "title", "%s: test accuracy against energy per training sample", p->name);
    gp_set(f, "xlabel", "energy per training sample (" MICRO "J)");
    gp_set(f, "ylabel", "test accuracy, WTA read-out (%%)");
    log_axis(f, "x", pow(10, lim[0]), pow(10, lim[1]));
    fprintf(f, "set yrange [%.9g:%.9g]\n", lim[2], lim[3]);
    fprintf(f, "set lmargin at screen %.2f\nset rmargin at screen %.2f\nset bmargin at screen %.2f\n"
               "set tmargin at screen %.2f\n", L, R, B, T);
    series_key(f, S, S->n > 1 ? S->title : "");
    pareto_labels(f, p, S, of, front, n_front, L, R, B, T, lim);
    int first = 1;
    for (int s = 0; s < S->n; s++)
        if (HAS(p, S, s, test_wta)) {
            fprintf(f, "%s$s%d using ($5/1e6):(100*$2) with linespoints ls %d title ", sep(&first), s, s + 1);
            gp_string(f, S->n > 1 ? S->label[s] : "design points");
        }
    fprintf(f, "%s$front using ($5/1e6):(100*$2) with linespoints lw 1.5 dt 2 lc rgb 'black' pt 6 ps 2.2 "
               "title 'Pareto front'\n", sep(&first));
    free(of), free(front);
    return fclose(f) ? -1 : 0;
}

/* ---- running gnuplot ----------------------------------------------------- */

/* gnuplot on script, its output into log: 0, -1 if it failed, -2 if there is no gnuplot. */
static int run_gnuplot(const char *script, const char *log)
{
    posix_spawn_file_actions_t fa;
    char prog[] = "gnuplot", *argv[] = { prog, (char *)script, NULL };
    pid_t pid;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    int e = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e) return e == ENOENT ? -2 : -1;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : WIFEXITED(st) && WEXITSTATUS(st) == 127 ? -2 : -1;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

int sweep_plot_draw(const struct sweep_plot *p, const char *base)
{
    static const char *const suffix[3] = { "", ".energy", ".pareto" };
    int (*const script[3])(const struct sweep_plot *, const struct series *, const char *, const char *) = {
        accuracy_script, energy_script, pareto_script
    };
    struct series S;
    int n = p->front ? 3 : 1, failed = 0, no_gnuplot = 0;
    char left[3000] = "";
    if (series_make(p, &S)) {
        series_free(&S);
        fprintf(stderr, "plot: out of memory; no figures for %s\n", base);
        return n;
    }
    for (int i = 0; i < n; i++) {
        char gp[1200], png[1200], log[1200];
        snprintf(gp, sizeof gp, "%s%s.gp", base, suffix[i]);
        snprintf(png, sizeof png, "%s%s.png", base, suffix[i]);
        snprintf(log, sizeof log, "%s%s.log", base, suffix[i]);
        int rc = script[i](p, &S, gp, png);
        if (rc) {
            fprintf(stderr, rc > 0 ? "plot: %s: nothing to draw (no test accuracy)\n" : "plot: %s: cannot write\n",
                    rc > 0 ? png : gp);
            failed++;
            continue;
        }
        rc = no_gnuplot ? -2 : run_gnuplot(gp, log);
        if (rc == -2) {
            remove(log);
            no_gnuplot = 1;
            size_t k = strlen(left);
            snprintf(left + k, sizeof left - k, "%s%s", k ? ", " : "", gp);
            failed++;
        } else if (rc) {
            fprintf(stderr, "plot: gnuplot failed on %s; its messages are in %s\n", png, log);
            failed++;
        } else {
            if (file_size(log) == 0) remove(log);
            fprintf(stderr, "plot: %s\n", png);
        }
    }
    if (no_gnuplot) fprintf(stderr, "plot: gnuplot not found; scripts left in %s\n", left);
    series_free(&S);
    return failed;
}
