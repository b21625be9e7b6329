/* A sweep's figures: gnuplot scripts with their data inline, and gnuplot run on them. */
#ifndef SWEEP_PLOT_H
#define SWEEP_PLOT_H

#define SWEEP_MAX_AXES 8
#define SWEEP_MAX_VALUES 256

/* What one design point measured; -1 where it was not (no ANN baseline, not the chip). */
struct sweep_figures {
    double test_wta, test_rate, ann_test;   /* fractions of the test set, as in the result JSON */
    double energy_pj, latency_ns;           /* per training sample */
};

/* One axis of the sweep as the legend names it: its first key and that key's values. */
struct sweep_plot_axis {
    const char *key;
    int n_values;
    const char *values[SWEEP_MAX_VALUES];
};

struct sweep_plot {
    const char *name;                   /* the sweep's, in the titles */
    const char *x_key;                  /* plot.x */
    const char *x_values[SWEEP_MAX_VALUES]; /* plot.x's values, one per value of its axis */
    int x_axis;                         /* the axis plot.x belongs to */
    int logx;
    int n_axes;
    struct sweep_plot_axis axes[SWEEP_MAX_AXES];
    int n_points;                       /* the product of the axes' lengths, last axis fastest */
    const struct sweep_figures *fig;    /* per point */
    const int *front;                   /* per point, nonzero on the Pareto front; NULL: no chip,
                                         * and no energy or Pareto figure */
};

/* Writes BASE.gp (test accuracy against plot.x) and, with a front, BASE.energy.gp
 * (energy and latency per training sample against plot.x) and BASE.pareto.gp (test
 * accuracy against energy); each draws one line per combination of the other axes'
 * values. Runs gnuplot on each with its output into BASE[.energy|.pareto].log, kept
 * only when gnuplot said something, and prints one line per figure on stderr: where
 * the PNG went, or that gnuplot failed and where its log is. Returns the number of
 * figures not drawn. */
int sweep_plot_draw(const struct sweep_plot *p, const char *base);
#endif
