/* Crossbar tile (see crossbar.h). */
#include "crossbar.h"

#include <string.h>

int crossbar_init(struct crossbar *x, const struct rpu_params *p, const struct device_cfg *d,
                  int row0, int col0, int rows, int cols, int gcols, double init_limit,
                  uint64_t seed, int init_kind, int cell_kind)
{
    memset(x, 0, sizeof *x);
    x->row0 = row0;
    x->col0 = col0;
    x->rows = rows;
    x->cols = cols;
    return rpu_init(&x->cells, p, d, rows, cols, row0, col0, gcols, init_limit, seed, init_kind, cell_kind);
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
