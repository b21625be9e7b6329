/* Crossbar tile (see crossbar.h). */
#include "crossbar.h"

#include <stdlib.h>
#include <string.h>

#include "device_cfg.h"
#include "rng.h"

int crossbar_init(struct crossbar *x, const struct rpu_params *p, const struct device_cfg *d,
                  int row0, int col0, int rows, int cols, int gcols, double init_limit,
                  uint64_t seed, int init_kind, int cell_kind)
{
    memset(x, 0, sizeof *x);
    x->row0 = row0;
    x->col0 = col0;
    x->rows = rows;
    x->cols = cols;
    return rpu_init(&x->cells, p, d, rows, cols, row0, col0, gcols, init_limit, seed, RNG_TRAIN, init_kind, cell_kind);
}

void crossbar_free(struct crossbar *x)
{
    rpu_free(&x->cells);
    memset(x, 0, sizeof *x);
}

void crossbar_read_back(struct crossbar *x, int co, int cy, int32_t *out)
{
    const int16_t *w = x->cells.w;
    for (int r = 0; r < x->rows; r++)
        out[r] = (int32_t)w[(size_t)r * x->cols + co] - w[(size_t)r * x->cols + cy];
    x->c.back_reads++;
    x->c.back_cells_read += 2u * (uint64_t)x->rows;
}

/* ---- Cycle model of rtl/crossbar.sv (see crossbar.h); arithmetic by the functions above. */

int crossbar_cycle_init(struct crossbar_cycle *t, int rows, int cols, double dw_min, double w_max)
{
    memset(t, 0, sizeof *t);
    struct device_cfg d;
    memset(&d, 0, sizeof d);
    d.dw_min = dw_min;
    d.w_max = w_max;
    struct rpu_params p;
    rpu_params_init(&p, &d);        /* every option off: the ideal device */
    t->acc = calloc((size_t)cols, sizeof *t->acc);
    t->back = calloc((size_t)rows, sizeof *t->back);
    if (!t->acc || !t->back || crossbar_init(&t->x, &p, &d, 0, 0, rows, cols, cols, 0, 0, RNG_INIT_W1, RNG_CELL_W1)) {
        crossbar_cycle_free(t);
        return -1;
    }
    return 0;
}

void crossbar_cycle_free(struct crossbar_cycle *t)
{
    crossbar_free(&t->x);
    free(t->acc);
    free(t->back);
    memset(t, 0, sizeof *t);
}

void crossbar_cycle_reset(struct crossbar_cycle *t)
{
    struct crossbar *x = &t->x;
    memset(x->cells.w, 0, (size_t)x->rows * (size_t)x->cols * sizeof *x->cells.w);
    memset(&x->c, 0, sizeof x->c);
    x->cells.pulses_up = x->cells.pulses_down = 0;
    memset(t->acc, 0, (size_t)x->cols * sizeof *t->acc);
    memset(t->back, 0, (size_t)x->rows * sizeof *t->back);
}

static int in_range(int v, int n) { return v >= 0 && v < n; }

void crossbar_cycle_step(struct crossbar_cycle *t, const struct crossbar_in *in)
{
    struct crossbar *x = &t->x;
    if (in->acc_clr) memset(t->acc, 0, (size_t)x->cols * sizeof *t->acc);
    if (in->fwd && in_range(in->fwd_row, x->rows)) crossbar_read_row(x, in->fwd_row, t->acc);
    if (in->back && in_range(in->back_pos_col, x->cols) && in_range(in->back_neg_col, x->cols))
        crossbar_read_back(x, in->back_pos_col, in->back_neg_col, t->back);
    if (in->upd)
        for (int r = 0; r < x->rows; r++) {
            if (!in->upd_rows[r]) continue;
            for (int c = 0; c < x->cols; c++) {
                if (in->upd_dn[c]) crossbar_pulse(x, r, c, 0);
                if (in->upd_up[c]) crossbar_pulse(x, r, c, 1);
            }
        }
    if (in->wr && in_range(in->wr_row, x->rows) && in_range(in->wr_col, x->cols))
        x->cells.w[(size_t)in->wr_row * (size_t)x->cols + (size_t)in->wr_col] = in->wr_state;
}

void crossbar_cycle_eval(struct crossbar_cycle *t, const struct crossbar_in *in)
{
    struct crossbar *x = &t->x;
    if (in_range(in->back_pos_col, x->cols) && in_range(in->back_neg_col, x->cols)) {
        struct crossbar_counters keep = x->c;   /* a combinational read counts nothing */
        crossbar_read_back(x, in->back_pos_col, in->back_neg_col, t->back);
        x->c = keep;
    } else {
        memset(t->back, 0, (size_t)x->rows * sizeof *t->back);
    }
}
