/* A crossbar tile: one RPU array of xbar_rows x xbar_cols cells holding a block
 * of a weight matrix, with the three operations of an RPU (docs/chip.md "Crossbar tiles"):
 *   forward read  - a driven row adds its cells into the column sums;
 *   backward read - two driven columns (e+ at o, e- at y) give a difference per row;
 *   coincidence update - a row spike AND a column spike move that cell one step.
 * The tile knows where its block sits in the whole matrix (row0, col0), so its
 * cells draw the same device streams as the golden model's (bit-contract §5-6). */
#ifndef CROSSBAR_H
#define CROSSBAR_H
#include <stdint.h>

#include "counter_list.h"
#include "rpu.h"

/* The events of one tile, named once (counter_list.h): the struct, the chip's
 * sums (crossbar_counters_add) and MPI sharing expand this list.
 *   rows_driven      forward reads: row activations
 *   cells_read       forward: cells integrated into column sums
 *   back_reads       backward reads: column-pair activations
 *   back_cells_read  backward: cells read
 *   update_pulses    coincidence pulses applied
 *   update_steps     device write pulses: k per coincidence of amplitude k (pulse_steps)
 *   conversions      column sums converted (priced per tile at depth > 1) */
#define CROSSBAR_COUNTERS(X) \
    X(rows_driven) X(cells_read) X(back_reads) X(back_cells_read) X(update_pulses) X(update_steps) X(conversions)

struct crossbar_counters {
    CROSSBAR_COUNTERS(COUNTER_FIELD)
};

COUNTER_ADD_FUNCTION(crossbar_counters, CROSSBAR_COUNTERS, COUNTER_NO_CLASS)

struct crossbar {
    int row0, col0;             /* block origin in the whole matrix */
    int rows, cols;             /* block size (<= the tile's physical size) */
    struct rpu_array cells;
    struct crossbar_counters c;
};

int crossbar_init(struct crossbar *x, const struct rpu_params *p, const struct device_cfg *d,
                  int row0, int col0, int rows, int cols, int gcols, double init_limit,
                  uint64_t seed, int init_kind, int cell_kind);
void crossbar_free(struct crossbar *x);

/* Forward read of local row r: acc[c] += w[r][c] for every column of the block. */
static inline void crossbar_read_row(struct crossbar *x, int r, int32_t *acc)
{
    /* cols in a local: a store through acc could alias x->cols, which would
     * force a reload per column and keep the loop from vectorising. */
    const int cols = x->cols;
    const int16_t *row = x->cells.w + (size_t)r * (size_t)cols;
    for (int c = 0; c < cols; c++) acc[c] += row[c];
    x->c.rows_driven++;
    x->c.cells_read += (uint64_t)cols;
}

/* Backward read with e+ on column co and e- on column cy: out[r] = w[r][co] - w[r][cy]. */
void crossbar_read_back(struct crossbar *x, int co, int cy, int32_t *out);

/* Coincidence pulse on local cell (r, c). */
static inline void crossbar_pulse(struct crossbar *x, int r, int c, int up)
{
    rpu_pulse(&x->cells, (size_t)r * (size_t)x->cols + (size_t)c, up);
    x->c.update_pulses++;
    x->c.update_steps += (uint64_t)x->cells.pulse_steps;
}

/* The tile as a clocked component: the cycle model of rtl/crossbar.sv (ideal device).
 * Ports in: */
struct crossbar_in {
    int wr, wr_row, wr_col;         /* host programming of one cell */
    int16_t wr_state;
    int acc_clr, fwd, fwd_row;      /* column sums: clear, then add row fwd_row */
    int back, back_pos_col, back_neg_col;   /* backward read (counted at the edge) */
    int upd;                        /* coincidence update: */
    const uint8_t *upd_rows;        /* rows driven (xbar rows flags) */
    const uint8_t *upd_up, *upd_dn; /* columns driven up / down (xbar cols flags) */
};

/* State and ports out. */
struct crossbar_cycle {
    struct crossbar x;              /* the chip's tile: states and counters */
    int32_t *acc;                   /* column sums (registered) */
    int32_t *back;                  /* backward read (combinational: crossbar_cycle_eval) */
};

int crossbar_cycle_init(struct crossbar_cycle *t, int rows, int cols, double dw_min, double w_max);
void crossbar_cycle_free(struct crossbar_cycle *t);
void crossbar_cycle_reset(struct crossbar_cycle *t);
/* One rising edge: every read sees the states before it; pulses (down, then up), then
 * the programmed cell land at its end. */
void crossbar_cycle_step(struct crossbar_cycle *t, const struct crossbar_in *in);
/* The combinational outputs for the inputs now applied (back). */
void crossbar_cycle_eval(struct crossbar_cycle *t, const struct crossbar_in *in);
#endif
