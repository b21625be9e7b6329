/* Neuromorphic core (see core.h). Timing: a core takes one delivered flit per
 * cycle (its router ejects at most one), integrates a driven crossbar row in that
 * cycle, and evaluates `lanes` neuron units per cycle; its outgoing spikes queue at
 * its network interface, which injects one flit per cycle. Arithmetic: exactly the
 * golden model's (docs/bit-contract.md §1-6), section by section. */
#include "core.h"
#include "hot_clones.h"
#include "neuron.h"
#include "rng.h"
#include "wta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRAD_NEG 0x80000000u

#define OBSERVE(k, ev, j, v, cyc)                                                        \
    do {                                                                                 \
        if ((k)->observe) (k)->observe((k)->observe_ctx, (k), (ev), (j), (v), (cyc));     \
    } while (0)

void outbox_push(struct core_outbox *o, const struct flit *f)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 256;
        o->f = realloc(o->f, (size_t)o->cap * sizeof *o->f);
        if (!o->f) { perror("realloc"); exit(1); }
    }
    o->f[o->n++] = *f;
}

static void send(struct core *k, struct core_outbox *out, int dst, int stream, int tclass, uint32_t neuron,
                 uint64_t cycle)
{
    struct flit f = { .src = (uint16_t)k->node, .dst = (uint16_t)dst, .stream = (uint8_t)stream,
                      .tclass = (uint8_t)tclass, .head = 1, .tail = 1, .neuron = neuron,
                      .step = k->sh->step, .born = cycle };
    outbox_push(out, &f);
    k->c.flits_sent++;
}

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

void core_layer_cores(const struct chip_shared *sh, int l, int *lo, int *hi)
{
    if (!sh->layer_core0) {
        *lo = 0;
        *hi = sh->n_hidden_cores;
        return;
    }
    *lo = sh->layer_core0[l];
    *hi = sh->layer_core0[l + 1];
}

int core_owner(const struct chip_shared *sh, int l, int j)
{
    int lo, hi;
    core_layer_cores(sh, l, &lo, &hi);
    return lo + j / sh->hidden_per_core;
}

static int top_layer(const struct chip_shared *sh) { return sh->depth > 1 ? sh->depth - 1 : 0; }

/* Rows of hidden layer l's matrix without the bias: the width of the layer below. */
static int fan_in(const struct chip_shared *sh, int l) { return sh->width ? sh->width[l] : sh->n_in; }

/* Width of hidden layer l. */
static int layer_width(const struct chip_shared *sh, int l) { return sh->width ? sh->width[l + 1] : sh->n_h; }

/* Sends one flit of a stream to every core of hidden layer l. */
static void send_layer(struct core *k, struct core_outbox *out, int l, int stream, int tclass, uint32_t neuron,
                       uint64_t cycle);

static void *zalloc(size_t n, int *bad)
{
    void *p = calloc(n ? n : 1, 1);
    if (!p) *bad = 1;
    return p;
}

static void send_layer(struct core *k, struct core_outbox *out, int l, int stream, int tclass, uint32_t neuron,
                       uint64_t cycle)
{
    int lo, hi;
    core_layer_cores(k->sh, l, &lo, &hi);
    for (int h = lo; h < hi; h++) send(k, out, k->sh->hidden_nodes[h], stream, tclass, neuron, cycle);
}

int core_init(struct core *k, enum core_role role, int node, int index, int first, int count,
              const struct chip_shared *sh)
{
    memset(k, 0, sizeof *k);
    k->role = role;
    k->pulse_scale = k->mirror_pulse_scale = 1;
    /* the hidden layer of a hidden core, from its place among the hidden cores */
    if (role == CORE_HIDDEN)
        while (k->layer < top_layer(sh) && index >= sh->layer_core0[k->layer + 1]) k->layer++;
    if (role == CORE_OUTPUT) k->layer = top_layer(sh);
    k->node = node;
    k->index = index;
    k->first = first;
    k->count = count;
    k->sh = sh;
    k->state = CS_WAIT_RELEASE;
    k->started = UINT32_MAX;
    int bad = 0;
    const int xr = sh->xbar_rows;
    if (role == CORE_INPUT) {
        k->rng_a = zalloc((size_t)count * 4, &bad);
        k->rows = zalloc((size_t)count * 4, &bad);
        return bad ? -1 : 0;
    }
    /* Tiles: hidden cores hold W^l[all rows][their columns], the output core W2. */
    int rows = role == CORE_HIDDEN ? fan_in(sh, k->layer) + 1 : sh->n_h + 1;
    int cols = role == CORE_HIDDEN ? count : sh->n_out;
    int gcols = role == CORE_HIDDEN ? layer_width(sh, k->layer) : sh->n_out;
    int col0 = role == CORE_HIDDEN ? first : 0;
    const double lim = 0;   /* the states arrive from the golden model (chip_init) */
    k->n_tiles = ceil_div(rows, xr);
    k->tiles = zalloc((size_t)k->n_tiles * sizeof *k->tiles, &bad);
    for (int t = 0; t < k->n_tiles && !bad; t++) {
        int r0 = t * xr, nr = rows - r0 < xr ? rows - r0 : xr;
        if (crossbar_init(&k->tiles[t], sh->rp, sh->dev, r0, col0, nr, cols, gcols, lim, sh->seed,
                          role == CORE_HIDDEN ? RNG_INIT_W1 : RNG_INIT_W2,
                          role == CORE_HIDDEN ? RNG_CELL_W1 : RNG_CELL_W2))
            bad = 1;
    }
    k->rows = zalloc((size_t)rows * 4, &bad);
    if (role == CORE_HIDDEN) {
        k->row_cells = zalloc((size_t)rows * sizeof *k->row_cells, &bad);
        k->tile_rows = zalloc((size_t)k->n_tiles * sizeof *k->tile_rows, &bad);
        k->rng_a = zalloc((size_t)count * 4, &bad);
        k->rng_b = zalloc((size_t)count * 4, &bad);
        k->rng_c = zalloc((size_t)count * 4, &bad);
        k->acc = zalloc((size_t)count * 4, &bad);
        k->h = zalloc((size_t)count, &bad);
        k->d = zalloc((size_t)count, &bad);
        if (k->layer < top_layer(sh)) {
            /* the mirror: the layer above's neurons as rows, in as many tiles as that takes */
            int up = layer_width(sh, k->layer + 1);
            k->n_mirror = ceil_div(up, xr);
            k->mirror = zalloc((size_t)k->n_mirror * sizeof *k->mirror, &bad);
            for (int t = 0; t < k->n_mirror && !bad; t++) {
                int r0 = t * xr, nr = up - r0 < xr ? up - r0 : xr;
                if (crossbar_init(&k->mirror[t], sh->rp, sh->dev, r0, 0, nr, count, count, lim, sh->seed, RNG_INIT_W1,
                                  RNG_CELL_W1))
                    bad = 1;
            }
            k->rng_back = zalloc((size_t)count * 4, &bad);
            k->rng_noise_b = zalloc((size_t)count * 4, &bad);
            k->back = zalloc((size_t)count * 4, &bad);
        }
    } else {
        k->rng_a = zalloc((size_t)sh->n_h * 4, &bad);
        k->rng_c = zalloc((size_t)sh->n_h * 4, &bad);
        k->rng_noise_o = zalloc((size_t)sh->n_out * 4, &bad);
        k->acc = zalloc((size_t)(sh->n_out + sh->n_h + 1) * 4, &bad);
        k->per_dest = zalloc((size_t)sh->n_hidden_cores * 4, &bad);
    }
    return bad ? -1 : 0;
}

/* What core_init allocates, array by array. */
void core_account(const struct core *k, struct mem_account *m)
{
    const struct chip_shared *sh = k->sh;
    const uint64_t count = (uint64_t)k->count;
    m->fixed += (uint64_t)(k->n_tiles + k->n_mirror) * sizeof(struct crossbar);
    for (int t = 0; t < k->n_tiles; t++) rpu_account(&k->tiles[t].cells, m);
    for (int t = 0; t < k->n_mirror; t++) rpu_account(&k->mirror[t].cells, m);
    if (k->role == CORE_INPUT) {
        m->neuron += count * (4 + 4);                               /* rng_a, rows */
        return;
    }
    uint64_t rows = k->role == CORE_HIDDEN ? (uint64_t)fan_in(sh, k->layer) + 1 : (uint64_t)sh->n_h + 1;
    m->neuron += rows * sizeof *k->rows;
    if (k->role == CORE_HIDDEN) {
        m->neuron += rows * sizeof *k->row_cells + count * (3 * 4 + 4 + 2);   /* rng_a..c, acc, h, d */
        m->fixed += (uint64_t)k->n_tiles * sizeof *k->tile_rows;
        if (k->mirror) m->neuron += count * 3 * 4;                 /* rng_back, rng_noise_b, back */
    } else {
        m->neuron += (uint64_t)sh->n_h * 2 * 4 + (uint64_t)sh->n_out * 4 +
                     ((uint64_t)sh->n_out + (uint64_t)sh->n_h + 1) * sizeof *k->acc;
        m->fixed += (uint64_t)sh->n_hidden_cores * sizeof *k->per_dest;
    }
}

void core_free(struct core *k)
{
    for (int t = 0; t < k->n_tiles; t++) crossbar_free(&k->tiles[t]);
    free(k->tiles);
    for (int t = 0; t < k->n_mirror; t++) crossbar_free(&k->mirror[t]);
    free(k->mirror);
    free(k->rng_back);
    free(k->rng_noise_b);
    free(k->back);
    free(k->rng_a);
    free(k->rng_b);
    free(k->rng_c);
    free(k->rng_noise_o);
    free(k->acc);
    free(k->h);
    free(k->d);
    free(k->rows);
    free(k->row_cells);
    free(k->tile_rows);
    free(k->per_dest);
    memset(k, 0, sizeof *k);
}

int core_finish_lag(enum core_role role)
{
    static const int lag[] = { [CORE_INPUT] = 0, [CORE_HIDDEN] = 1, [CORE_OUTPUT] = 3 };
    return lag[role];
}

/* A computation of `cycles` lane groups starts now; core_finish runs when it ends. */
static void compute(struct core *k, uint64_t cycle, int cycles)
{
    cycles += core_finish_lag(k->role);
    k->state = CS_COMPUTE;
    k->busy_until = cycle + (uint64_t)cycles;
    k->c.busy_cycles += (uint64_t)cycles;
}

static void expect_phase(struct core *k, enum core_state st, int markers)
{
    k->state = st;
    k->markers_seen = 0;
    k->markers_needed = markers;
    k->spikes_seen = k->spikes_announced = 0;
}

static void report_barrier(struct core *k, struct core_outbox *out, uint64_t cycle)
{
    send(k, out, k->sh->master_node, SS_BARRIER, TC_CONTROL, (uint32_t)k->node, cycle);
    k->c.barriers++;
    k->state = CS_WAIT_RELEASE;
}

static inline int32_t read_noise(int64_t nk, uint32_t *st)
{
    return (int32_t)((nk * rng_irwin_hall(st)) >> 16);
}

void core_start_step(struct core *k, uint64_t cycle, struct core_outbox *out)
{
    (void)out;
    const struct chip_shared *sh = k->sh;
    k->started = sh->step;
    k->n_rows = 0;
    switch (k->role) {
    case CORE_INPUT: {
        /* §4.1: every encoder draws once per step. */
        const uint8_t *px = sh->pixels + k->first;
        for (int i = 0; i < k->count; i++)
            if (rng_u16(&k->rng_a[i]) < px[i] * 257u) k->rows[k->n_rows++] = i;
        if (k->observe)
            for (int a = 0; a < k->n_rows; a++) OBSERVE(k, EV_INPUT, k->rows[a], 1, cycle);
        k->sc.input_spikes += (uint64_t)k->n_rows;
        k->sc.rng_draws += (uint64_t)k->count;
        k->c.encoder_updates += (uint64_t)k->count;
        k->c.rng_fwd += (uint64_t)k->count;
        compute(k, cycle, ceil_div(k->count, sh->lanes));
        break;
    }
    case CORE_HIDDEN: {
        memset(k->acc, 0, (size_t)k->count * 4);
        int lo = 0, hi = sh->n_input_cores;
        if (k->layer > 0) core_layer_cores(sh, k->layer - 1, &lo, &hi);
        expect_phase(k, CS_FWD_IN, hi - lo);
        break;
    }
    case CORE_OUTPUT: {
        memset(k->acc, 0, (size_t)sh->n_out * 4);
        int lo, hi;
        core_layer_cores(sh, k->layer, &lo, &hi);
        expect_phase(k, CS_FWD_IN, hi - lo);
        break;
    }
    }
}

/* Row `r` of this core's matrix lives in tile r / xbar_rows. */
static inline void read_row(struct core *k, int r, int32_t *acc)
{
    int xr = k->sh->xbar_rows;
    crossbar_read_row(&k->tiles[r / xr], r % xr, acc);
}

/* The forward phase is over (every row of the step is in): where each active row
 * and the bias row sit, so that the gradient pulses need no divide per cell. */
static void map_rows(struct core *k)
{
    const int xr = k->sh->xbar_rows;
    const struct rpu_array *c0 = &k->tiles[0].cells;
    k->fast_pulses = c0->p.ideal;
    memset(k->tile_rows, 0, (size_t)k->n_tiles * sizeof *k->tile_rows);
    for (int t = 0; t < k->n_tiles; t++) k->fast_pulses &= k->tiles[t].cells.pulse_steps == c0->pulse_steps;
    for (int a = 0; a <= k->n_rows; a++) {
        int r = a < k->n_rows ? k->rows[a] : fan_in(k->sh, k->layer);
        struct crossbar *x = &k->tiles[r / xr];
        k->row_cells[a] = x->cells.w + (size_t)(r % xr) * (size_t)x->cols;
        k->tile_rows[r / xr]++;
    }
}

/* §4.6: g+-_j pulses column j against every active input row and the bias.
 * Ideal device: each cell inline, each tile's counters once per spike. */
HOT_CLONES static void gradient_pulses(struct core *k, int j, int up)
{
    const int xr = k->sh->xbar_rows;
    if (k->fast_pulses) {
        const int32_t m = k->tiles[0].cells.p.nmax, s = k->tiles[0].cells.pulse_steps;
        int16_t **rc = k->row_cells;
        if (up)
            for (int a = 0; a <= k->n_rows; a++) rc[a][j] = rpu_ideal_up(rc[a][j], s, m);
        else
            for (int a = 0; a <= k->n_rows; a++) rc[a][j] = rpu_ideal_down(rc[a][j], s, m);
        for (int t = 0; t < k->n_tiles; t++) {
            struct crossbar *x = &k->tiles[t];
            uint64_t n = k->tile_rows[t];
            x->c.update_pulses += n;
            x->c.update_steps += n * (uint64_t)s;
            if (up) x->cells.pulses_up += n;
            else x->cells.pulses_down += n;
        }
    } else {
        for (int a = 0; a < k->n_rows; a++) {
            int r = k->rows[a];
            crossbar_pulse(&k->tiles[r / xr], r % xr, j, up);
        }
        int b = fan_in(k->sh, k->layer);
        crossbar_pulse(&k->tiles[b / xr], b % xr, j, up);
    }
    k->sc.w1_pulses += (uint64_t)k->n_rows + 1;
    k->lc.pulses += (uint64_t)k->n_rows + 1;
}

/* §8: a gradient spike g+-_m of the layer above, read back through row m of the
 * mirror (column m of W^(l+1)) into this core's generators' sums, then the
 * mirror's share of W^(l+1)'s coincidences on that row: every neuron of this
 * core that fired forward. Each row is read once a step (a neuron has at most one
 * gradient spike), before it is pulsed: the read sees the start of the step. */
HOT_CLONES static void mirror_gradient(struct core *k, int m, int neg)
{
    const int xr = k->sh->xbar_rows, n = k->count;
    struct crossbar *x = &k->mirror[m / xr];
    const int16_t *row = x->cells.w + (size_t)(m % xr) * (size_t)n;
    if (neg)
        for (int j = 0; j < n; j++) k->back[j] -= row[j];
    else
        for (int j = 0; j < n; j++) k->back[j] += row[j];
    x->c.back_reads++;
    x->c.back_cells_read += (uint64_t)n;
    k->sc.syn_ops_back += (uint64_t)n;
    k->lc.syn_ops_back += (uint64_t)n;
    k->grads_seen++;
    /* W^(l+1)[j][m] -= on h_j AND g+_m, += on g-: the mirror cell (m, j) likewise.
     * Ideal device: the whole row in one branch-free sweep, a zero step where
     * h_j = 0 (whether a neuron fired is a coin flip: a branch would mispredict). */
    const struct rpu_array *a = &x->cells;
    if (a->p.ideal) {
        int16_t *w = a->w + (size_t)(m % xr) * (size_t)n;
        const int32_t lim = a->p.nmax, s = a->pulse_steps;
        const uint8_t *h = k->h;
        if (neg)
            for (int j = 0; j < n; j++) w[j] = rpu_ideal_up(w[j], s * h[j], lim);
        else
            for (int j = 0; j < n; j++) w[j] = rpu_ideal_down(w[j], s * h[j], lim);
        uint64_t fired = (uint64_t)k->n_fired;
        x->c.update_pulses += fired;
        x->c.update_steps += fired * (uint64_t)s;
        if (neg) x->cells.pulses_up += fired;
        else x->cells.pulses_down += fired;
        return;
    }
    for (int j = 0; j < n; j++)
        if (k->h[j]) crossbar_pulse(x, m % xr, j, neg);
}

static void phase_check(struct core *k, uint64_t cycle, struct core_outbox *out)
{
    if (k->markers_seen == k->markers_needed && k->spikes_seen > k->spikes_announced) {
        snprintf(k->fault, sizeof k->fault, "received %llu spikes in a phase its senders announced %llu for",
                 (unsigned long long)k->spikes_seen, (unsigned long long)k->spikes_announced);
        return;
    }
    if (k->markers_seen < k->markers_needed || k->spikes_seen < k->spikes_announced) return;
    const struct chip_shared *sh = k->sh;
    if (k->role == CORE_HIDDEN && k->state == CS_FWD_IN) {
        k->back_compute = 0;
        compute(k, cycle, ceil_div(k->count, sh->lanes));
    } else if (k->role == CORE_HIDDEN && k->state == CS_BACK_IN && k->layer < top_layer(sh)) {
        k->back_compute = 1;                /* its own backward generators */
        compute(k, cycle, ceil_div(k->count, sh->lanes));
    } else if (k->role == CORE_HIDDEN && k->state == CS_BACK_IN) {
        if (k->layer > 0) send_layer(k, out, k->layer - 1, SS_PHASE_DONE, TC_BACKWARD, (uint32_t)k->grads_seen, cycle);
        report_barrier(k, out, cycle);
    } else if (k->role == CORE_OUTPUT && k->state == CS_FWD_IN) {
        int cycles = ceil_div(sh->n_out, sh->lanes) + 1;    /* membranes, then the WTA race */
        if (sh->label >= 0) cycles += ceil_div(sh->n_h, sh->lanes);  /* backward generators */
        compute(k, cycle, cycles);
    }
}

/* A flit the network may have damaged must never reach an array index: check
 * that this core accepts its stream and that its neuron exists. */
static int acceptable(struct core *k, const struct flit *f)
{
    const struct chip_shared *sh = k->sh;
    const char *why = NULL;
    switch (f->stream) {
    case SS_RELEASE:
    case SS_PHASE_DONE:
        break;
    case SS_BARRIER:
        if (k->node != sh->master_node) why = "a BARRIER, but it is not the barrier master";
        break;
    case SS_INPUT:
        if (k->role != CORE_HIDDEN || k->layer != 0 || f->neuron >= (uint32_t)sh->n_in)
            why = "an input spike, but it is not a core of hidden layer 1";
        break;
    case SS_HIDDEN:
        if (k->role == CORE_HIDDEN && k->layer > 0) {
            if (f->neuron >= (uint32_t)fan_in(sh, k->layer)) why = "a hidden spike for a row its layer does not have";
        } else if (k->role != CORE_OUTPUT || f->neuron >= (uint32_t)sh->n_h) {
            why = "a hidden spike, but it is not the output core";
        }
        break;
    case SS_BACK_POS:
    case SS_BACK_NEG:
        if (k->role != CORE_HIDDEN || k->layer != top_layer(sh) || f->neuron < (uint32_t)k->first ||
            f->neuron >= (uint32_t)(k->first + k->count))
            why = "a backward spike for a neuron it does not hold";
        break;
    case SS_GRAD_POS:
    case SS_GRAD_NEG:
        if (k->role != CORE_HIDDEN || k->layer >= top_layer(sh) || f->neuron >= (uint32_t)layer_width(sh, k->layer + 1))
            why = "a gradient spike, but it is not a core of the layer below its sender";
        break;
    default:
        why = "an unknown stream";
    }
    if (!why) return 1;
    snprintf(k->fault, sizeof k->fault, "cannot take a flit: %s (stream %u, neuron %u, from node %u, step %u)",
             why, f->stream, f->neuron, f->src, f->step);
    return 0;
}

/* Cloned: the row read and the gradient pulses are the chip's share of the
 * golden model's vectorised step loops. */
HOT_CLONES void core_receive(struct core *k, const struct flit *f, uint64_t cycle, struct core_outbox *out)
{
    k->c.flits_received++;
    if (!acceptable(k, f)) return;
    /* Spikes of a step may overtake the RELEASE that starts it here (they come
     * from cores nearer to this one than the master is): the first flit of a
     * step starts it, whichever that is. */
    if (f->stream != SS_BARRIER && f->step != k->started) core_start_step(k, cycle, out);
    switch (f->stream) {
    case SS_RELEASE:
        return;
    case SS_BARRIER:
        k->barrier_count++;
        return;
    case SS_PHASE_DONE:
        k->markers_seen++;
        k->spikes_announced += f->neuron;
        break;
    case SS_INPUT:          /* hidden core: drive W1 row i */
    case SS_HIDDEN:         /* output core: drive W2 row j; hidden core of layer l: W^l row j */
        k->rows[k->n_rows++] = (int32_t)f->neuron;
        read_row(k, (int)f->neuron, k->acc);
        k->spikes_seen++;
        break;
    case SS_BACK_POS:
    case SS_BACK_NEG: {     /* hidden core: the gradient units gate b with d */
        int j = (int)f->neuron - k->first;
        k->spikes_seen++;
        k->c.grad_unit_events++;
        OBSERVE(k, f->stream == SS_BACK_POS ? EV_BACK_POS : EV_BACK_NEG, j, 1, cycle);
        if (neuron_grad(k->d[j])) {     /* the gradient unit (models/neuron.h) */
            int up = f->stream == SS_BACK_NEG;
            OBSERVE(k, up ? EV_GRAD_NEG : EV_GRAD_POS, j, 1, cycle);
            OBSERVE(k, EV_PULSES, 0, (int64_t)k->n_rows + 1, cycle);
            if (up) k->sc.grad_neg++, k->lc.grad_neg++;
            else k->sc.grad_pos++, k->lc.grad_pos++;
            gradient_pulses(k, j, up);
            /* depth: the layer below reads it through its mirror of this W */
            if (k->layer > 0) {
                send_layer(k, out, k->layer - 1, up ? SS_GRAD_NEG : SS_GRAD_POS, TC_BACKWARD, (uint32_t)f->neuron,
                           cycle);
                k->grads_seen++;
            }
        }
        break;
    }
    case SS_GRAD_POS:
    case SS_GRAD_NEG:       /* hidden core below the top: the backward read of W^(l+1) */
        k->spikes_seen++;
        mirror_gradient(k, (int)f->neuron, f->stream == SS_GRAD_NEG);
        break;
    default:
        return;
    }
    phase_check(k, cycle, out);
}

/* §4.2-3 and the forward spikes of a hidden core. */
HOT_CLONES static void finish_hidden(struct core *k, uint64_t cycle, struct core_outbox *out)
{
    const struct chip_shared *sh = k->sh;
    const int learn = sh->label >= 0;
    read_row(k, fan_in(sh, k->layer), k->acc);      /* the always-on bias row */
    for (int t = 0; t < k->n_tiles; t++) k->tiles[t].c.conversions += (uint64_t)k->count;
    k->sc.syn_ops_w1 += (uint64_t)(k->n_rows + 1) * (uint64_t)k->count;
    k->lc.syn_ops_fwd += (uint64_t)(k->n_rows + 1) * (uint64_t)k->count;
    if (sh->noise_k)
        for (int j = 0; j < k->count; j++) k->acc[j] += read_noise(sh->noise_k, &k->rng_c[j]);
    uint32_t nh = 0;
    for (int j = 0; j < k->count; j++) {
        uint32_t p = neuron_fire(sh->act, k->acc[j], learn, &k->rng_a[j], &k->rng_b[j], &k->h[j], &k->d[j]);
        if (k->observe) {
            OBSERVE(k, EV_MEMBRANE, j, k->acc[j], cycle);
            OBSERVE(k, EV_PROB, j, p, cycle);
            if (k->h[j]) OBSERVE(k, EV_FWD, j, 1, cycle);
            if (learn && k->d[j]) OBSERVE(k, EV_DERIV, j, 1, cycle);
        }
        if (k->h[j]) {
            if (k->layer == top_layer(sh))
                send(k, out, sh->output_node, SS_HIDDEN, TC_FORWARD, (uint32_t)(k->first + j), cycle);
            else
                send_layer(k, out, k->layer + 1, SS_HIDDEN, TC_FORWARD, (uint32_t)(k->first + j), cycle);
            nh++;
        }
    }
    k->sc.hidden_spikes += nh;
    k->lc.hidden_spikes += nh;
    k->n_fired = (int)nh;
    if (learn) map_rows(k);     /* only the gradient pulses use the map */
    k->sc.rng_draws += (uint64_t)k->count * (1u + (sh->noise_k != 0) + (unsigned)learn);
    k->c.fwd_unit_updates += (uint64_t)k->count;
    k->c.rng_fwd += (uint64_t)k->count * (1u + (sh->noise_k != 0));
    if (learn) {
        k->c.deriv_unit_updates += (uint64_t)k->count;
        k->c.rng_back += (uint64_t)k->count;
    }
    if (learn)
        for (int j = 0; j < k->count; j++) k->sc.deriv_spikes += k->d[j], k->lc.deriv_spikes += k->d[j];
    if (k->layer == top_layer(sh)) send(k, out, sh->output_node, SS_PHASE_DONE, TC_FORWARD, nh, cycle);
    else send_layer(k, out, k->layer + 1, SS_PHASE_DONE, TC_FORWARD, nh, cycle);
    k->grads_seen = 0;
    if (!learn) {
        report_barrier(k, out, cycle);
    } else if (k->layer == top_layer(sh)) {
        expect_phase(k, CS_BACK_IN, 1);
    } else {
        int lo, hi;
        core_layer_cores(sh, k->layer + 1, &lo, &hi);
        memset(k->back, 0, (size_t)k->count * 4);
        expect_phase(k, CS_BACK_IN, hi - lo);
    }
}

/* §8.5 on a hidden core below the top, once every gradient spike of the layer
 * above is in: every generator draws; if any spike came, r_j = its read + noise
 * fires b+-_j, the gradient unit gates it with d_j, and a gradient spike pulses
 * this core's W^l column and goes on to the layer below. */
HOT_CLONES static void finish_generators(struct core *k, uint64_t cycle, struct core_outbox *out)
{
    const struct chip_shared *sh = k->sh;
    const int n = k->count, driven = k->grads_seen > 0;
    uint64_t beta_q = sh->beta_layer[k->layer];
    uint32_t sent = 0;
    if (driven)
        for (int t = 0; t < k->n_mirror; t++) k->mirror[t].c.conversions += (uint64_t)n;
    for (int j = 0; j < n; j++) {
        uint32_t u = rng_u16(&k->rng_back[j]);
        int32_t z = sh->noise_k ? read_noise(sh->noise_k, &k->rng_noise_b[j]) : 0;
        if (!driven) continue;
        int32_t rj = k->back[j] + z;
        if (!wta_back_spike(rj, beta_q, u)) continue;
        if (rj > 0) k->sc.back_pos++, k->lc.back_pos++;
        else k->sc.back_neg++, k->lc.back_neg++;
        OBSERVE(k, rj > 0 ? EV_BACK_POS : EV_BACK_NEG, j, 1, cycle);
        k->c.grad_unit_events++;
        if (!neuron_grad(k->d[j])) continue;
        int up = rj < 0;
        OBSERVE(k, up ? EV_GRAD_NEG : EV_GRAD_POS, j, 1, cycle);
        OBSERVE(k, EV_PULSES, 0, (int64_t)k->n_rows + 1, cycle);
        if (up) k->sc.grad_neg++, k->lc.grad_neg++;
        else k->sc.grad_pos++, k->lc.grad_pos++;
        gradient_pulses(k, j, up);
        if (k->layer > 0) {
            send_layer(k, out, k->layer - 1, up ? SS_GRAD_NEG : SS_GRAD_POS, TC_BACKWARD, (uint32_t)(k->first + j),
                       cycle);
            sent++;
        }
    }
    uint64_t draws = (uint64_t)n * (1u + (sh->noise_k != 0));
    k->sc.rng_draws += draws;
    k->c.rng_back += draws;
    k->c.back_gen_updates += (uint64_t)n;
    if (driven) k->c.back_gen_driven += (uint64_t)n;
    if (k->layer > 0) send_layer(k, out, k->layer - 1, SS_PHASE_DONE, TC_BACKWARD, sent, cycle);
    report_barrier(k, out, cycle);
}

/* §4.4-4.6 on the output core. */
HOT_CLONES static void finish_output(struct core *k, uint64_t cycle, struct core_outbox *out)
{
    const struct chip_shared *sh = k->sh;
    const int no = sh->n_out, nh = sh->n_h, xr = sh->xbar_rows;
    const int learn = sh->label >= 0;
    int32_t *v = k->acc;
    read_row(k, nh, v);                 /* bias row */
    k->sc.syn_ops_w2 += (uint64_t)(k->n_rows + 1) * (uint64_t)no;
    if (sh->noise_k)
        for (int c = 0; c < no; c++) v[c] += read_noise(sh->noise_k, &k->rng_noise_o[c]);
    int o = wta_race(sh->act, v, no, &k->rng_wta);    /* the WTA block (models/wta.h) */
    k->winner = o;
    if (k->observe) {
        for (int c = 0; c < no; c++) OBSERVE(k, EV_MEMBRANE, c, v[c], cycle);
        OBSERVE(k, EV_WIN, o, 1, cycle);
    }
    k->sc.steps++;
    k->sc.output_spikes++;
    k->sc.rng_draws += 1 + (sh->noise_k ? (uint64_t)no : 0);
    k->c.out_unit_updates += (uint64_t)no;
    k->c.wta_decisions++;
    k->c.rng_fwd += 1 + (sh->noise_k ? (uint64_t)no : 0);
    if (!learn) {
        report_barrier(k, out, cycle);
        return;
    }
    const int y = sh->label;
    int gate_open = rng_u16(&k->rng_gate) < sh->gate_q;
    int err = gate_open && o != y;
    k->err = err;
    k->sc.gate_closed += !gate_open;
    k->sc.rng_draws += (uint64_t)nh + 1 + (sh->noise_k ? (uint64_t)nh : 0);
    k->c.back_gen_updates += (uint64_t)nh;
    if (err) k->c.back_gen_driven += (uint64_t)nh;
    k->c.rng_back += (uint64_t)nh + 1 + (sh->noise_k ? (uint64_t)nh : 0);
    /* Backward read of every tile with e+ on column o and e- on column y. */
    int32_t *r = k->acc + no;
    if (err)
        for (int t = 0; t < k->n_tiles; t++) crossbar_read_back(&k->tiles[t], o, y, r + t * xr);
    uint32_t *sent = k->per_dest;
    int lo, hi;
    core_layer_cores(sh, k->layer, &lo, &hi);
    memset(sent, 0, (size_t)(hi - lo) * sizeof *sent);
    for (int j = 0; j < nh; j++) {
        uint32_t u = rng_u16(&k->rng_a[j]);
        int32_t z = sh->noise_k ? read_noise(sh->noise_k, &k->rng_c[j]) : 0;
        if (!err) continue;
        int32_t rj = r[j] + z;
        if (!wta_back_spike(rj, sh->beta_q, u)) continue;
        if (rj > 0) k->sc.back_pos++, k->lc.back_pos++;
        else k->sc.back_neg++, k->lc.back_neg++;
        int h = core_owner(sh, k->layer, j);
        send(k, out, sh->hidden_nodes[h], rj > 0 ? SS_BACK_POS : SS_BACK_NEG, TC_BACKWARD, (uint32_t)j, cycle);
        sent[h - lo]++;
    }
    if (err) {
        k->sc.syn_ops_back += 2u * (uint64_t)nh;
        k->lc.syn_ops_back += 2u * (uint64_t)nh;
        k->sc.err_pos++;
        k->sc.err_neg++;
        for (int a = 0; a <= k->n_rows; a++) {   /* active hidden rows, then the bias row */
            int row = a < k->n_rows ? k->rows[a] : nh;
            crossbar_pulse(&k->tiles[row / xr], row % xr, o, 0);
            crossbar_pulse(&k->tiles[row / xr], row % xr, y, 1);
        }
        k->sc.w2_pulses += 2u * (uint64_t)(k->n_rows + 1);
        OBSERVE(k, EV_ERR_POS, o, 1, cycle);
        OBSERVE(k, EV_ERR_NEG, y, 1, cycle);
        OBSERVE(k, EV_PULSES, 0, 2 * ((int64_t)k->n_rows + 1), cycle);
    }
    for (int h = lo; h < hi; h++) send(k, out, sh->hidden_nodes[h], SS_PHASE_DONE, TC_BACKWARD, sent[h - lo], cycle);
    report_barrier(k, out, cycle);
}

HOT_CLONES void core_finish(struct core *k, uint64_t cycle, struct core_outbox *out)
{
    const struct chip_shared *sh = k->sh;
    switch (k->role) {
    case CORE_INPUT: {
        int lo, hi;
        core_layer_cores(sh, 0, &lo, &hi);
        for (int h = lo; h < hi; h++) {
            for (int a = 0; a < k->n_rows; a++)
                send(k, out, sh->hidden_nodes[h], SS_INPUT, TC_FORWARD, (uint32_t)(k->first + k->rows[a]), cycle);
            send(k, out, sh->hidden_nodes[h], SS_PHASE_DONE, TC_FORWARD, (uint32_t)k->n_rows, cycle);
        }
        report_barrier(k, out, cycle);
        break;
    }
    case CORE_HIDDEN:
        if (k->back_compute) finish_generators(k, cycle, out);
        else finish_hidden(k, cycle, out);
        break;
    case CORE_OUTPUT:
        finish_output(k, cycle, out);
        break;
    }
}

int core_barrier_complete(const struct core *k)
{
    return k->barrier_count >= k->n_cores;
}
