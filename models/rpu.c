/* RPU device model (docs/bit-contract.md §5). Per-cell parameters are drawn on
 * the host at initialisation (double precision, then rounded: they are what gets
 * programmed into the array); everything a pulse does is integer arithmetic. */
#include "rpu.h"
#include "device_cfg.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rpu_params_init(struct rpu_params *p, const struct device_cfg *d)
{
    memset(p, 0, sizeof *p);
    p->nmax = (int16_t)lround(d->w_max / d->dw_min);
    p->per_cell = d->step_dtod > 0 || d->bound_dtod > 0 || d->asymmetry != 0;
    p->ctoc = d->step_ctoc > 0;
    p->ctoc_k = llround(d->step_ctoc * 65536.0 / RNG_IH_STD * 65536.0);
    p->soft_bounds = d->soft_bounds;
    p->ideal = !p->per_cell && !p->ctoc && !p->soft_bounds;
}

/* Standard normal from two uniforms of the cell's init stream (Box-Muller). */
static double init_normal(uint32_t *s)
{
    double u1 = ((double)xorshift32(s) + 1.0) / 4294967297.0;
    double u2 = (double)xorshift32(s) / 4294967296.0;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Bytes per cell of an array with these parameters: what alloc_arrays asks for. */
size_t rpu_cell_bytes(const struct rpu_params *p)
{
    struct rpu_array a;
    size_t b = sizeof *a.w;
    if (p->per_cell) b += sizeof *a.step_up + sizeof *a.step_dn + sizeof *a.b_up + sizeof *a.b_dn;
    if (!p->ideal) b += sizeof *a.cell_rng;
    return b;
}

void rpu_account(const struct rpu_array *a, struct mem_account *m)
{
    m->synapse += (uint64_t)a->rows * (uint64_t)a->cols * rpu_cell_bytes(&a->p);
}

static int alloc_arrays(struct rpu_array *a, size_t n)
{
    a->w = calloc(n, sizeof *a->w);
    if (!a->w) return -1;
    if (a->p.per_cell) {
        a->step_up = malloc(n * sizeof *a->step_up);
        a->step_dn = malloc(n * sizeof *a->step_dn);
        a->b_up = malloc(n * sizeof *a->b_up);
        a->b_dn = malloc(n * sizeof *a->b_dn);
        if (!a->step_up || !a->step_dn || !a->b_up || !a->b_dn) return -1;
    }
    if (!a->p.ideal && !(a->cell_rng = malloc(n * sizeof *a->cell_rng))) return -1;
    return 0;
}

int rpu_init(struct rpu_array *a, const struct rpu_params *p, const struct device_cfg *d,
             int rows, int cols, int row0, int col0, int gcols,
             double init_limit, uint64_t seed, int domain, int init_kind, int cell_kind)
{
    memset(a, 0, sizeof *a);
    a->rows = rows;
    a->cols = cols;
    a->p = *p;
    a->pulse_steps = 1;
    size_t n = (size_t)rows * (size_t)cols;
    if (alloc_arrays(a, n)) { rpu_free(a); return -1; }
    double lim = init_limit / d->dw_min;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            size_t cell = (size_t)r * (size_t)cols + (size_t)c;
            uint64_t gid = (uint64_t)(row0 + r) * (uint64_t)gcols + (uint64_t)(col0 + c);
            uint32_t s = rng_seed(seed, domain, init_kind, gid);
            double u = (double)xorshift32(&s) / 4294967296.0;
            long v = lround((2.0 * u - 1.0) * lim);
            if (v > p->nmax) v = p->nmax;
            if (v < -p->nmax) v = -p->nmax;
            a->w[cell] = (int16_t)v;
            if (p->per_cell) {
                double g = 1.0 + d->step_dtod * init_normal(&s);
                if (g < 0) g = 0;
                double up = 256.0 * g * (1.0 + d->asymmetry / 2);
                double dn = 256.0 * g * (1.0 - d->asymmetry / 2);
                a->step_up[cell] = (uint16_t)fmin(65535.0, lround(up));
                a->step_dn[cell] = (uint16_t)fmin(65535.0, lround(dn));
                double bu = p->nmax * (1.0 + d->bound_dtod * init_normal(&s));
                double bd = -p->nmax * (1.0 + d->bound_dtod * init_normal(&s));
                a->b_up[cell] = (int16_t)fmax(1.0, fmin(32000.0, lround(bu)));
                a->b_dn[cell] = (int16_t)fmin(-1.0, fmax(-32000.0, lround(bd)));
                if (a->w[cell] > a->b_up[cell]) a->w[cell] = a->b_up[cell];
                if (a->w[cell] < a->b_dn[cell]) a->w[cell] = a->b_dn[cell];
            }
            if (!p->ideal) a->cell_rng[cell] = rng_seed(seed, domain, cell_kind, gid);
        }
    return 0;
}

void rpu_free(struct rpu_array *a)
{
    free(a->w);
    free(a->step_up);
    free(a->step_dn);
    free(a->b_up);
    free(a->b_dn);
    free(a->cell_rng);
    memset(a, 0, sizeof *a);
}

/* One device step through the full device model:
 *   step  = cell step (q8.8), or 256 without device-to-device parameters
 *   ctoc:   step *= 1 + ctoc_k * z / 2^32, z Irwin-Hall from the cell stream
 *   soft:   step *= (bound - n) / bound towards the bound it moves to
 *   whole states = step >> 8, plus one with probability (step & 255) / 256. */
static void device_step(struct rpu_array *a, size_t cell, int up)
{
    const struct rpu_params *p = &a->p;
    int32_t n = a->w[cell];
    int32_t bu = p->per_cell ? a->b_up[cell] : p->nmax;
    int32_t bd = p->per_cell ? a->b_dn[cell] : -p->nmax;
    int64_t step = p->per_cell ? (up ? a->step_up[cell] : a->step_dn[cell]) : 256;
    uint32_t *s = &a->cell_rng[cell];
    if (p->ctoc) {
        int64_t rel = 65536 + ((p->ctoc_k * rng_irwin_hall(s)) >> 16);
        if (rel < 0) rel = 0;
        step = (step * rel) >> 16;
    }
    if (p->soft_bounds) {
        if (up) step = n >= bu ? 0 : step * (bu - n) / bu;
        else step = n <= bd ? 0 : step * (n - bd) / -bd;
    }
    int32_t whole = (int32_t)(step >> 8);
    if ((int64_t)(xorshift32(s) >> 24) < (step & 255)) whole++;
    n = up ? n + whole : n - whole;
    if (n > bu) n = bu;
    if (n < bd) n = bd;
    a->w[cell] = (int16_t)n;
}

/* A coincidence of amplitude k is k device steps in a row, each with its own
 * draws (k write pulses: the crossbar counts them for the energy model). */
void rpu_pulse_device(struct rpu_array *a, size_t cell, int up)
{
    if (up) a->pulses_up++;
    else a->pulses_down++;
    for (int32_t i = 0; i < a->pulse_steps; i++) device_step(a, cell, up);
}
