/* The chip over MPI ranks, and in one process (see chip_partition.h). */
#include "chip_partition.h"
#include "config.h"
#include "mpi_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A rank's record of a system's window (bands_window), R_LEN integers in p->gather. */
enum { R_FAILED, R_WINNER, R_IN_FLIGHT, R_UP, R_DOWN, R_DONE, R_NEXT, R_LEN };

int chip_partition(struct chip *c, char *err, size_t errlen)
{
    int size = world_size();
    if (size == 1) return 0;
    if (c->waves) {
        snprintf(err, errlen, "ssnnsim: --waves needs a single rank (each rank holds part of the chip)");
        return -1;
    }
    struct chip_partition *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "ssnnsim: out of memory");
        return -1;
    }
    /* A system: bands of whole chip rows and the system clock's window (docs/system.md
     * "Barrier"), or router rows and the on-chip link's (partition_unit). */
    const struct router_cfg *rc = &c->cfg->chip.router;
    int system = c->window > 0, depth = rc->buffer_depth, unit = 1;
    if (system && c->cfg->system.link_buffer_depth > depth) depth = c->cfg->system.link_buffer_depth;
    if (system) unit = partition_unit(size, c->chips_y, c->chip_h, rc->link_latency, &c->window);
    char msg[300];
    if (partition_init(&p->mesh, world_rank(), size, c->mesh_x, c->mesh_y, unit,
                       system ? (int)c->window : rc->link_latency, rc->vcs * TC_COUNT, depth, msg, sizeof msg)) {
        char where[400];
        snprintf(err, errlen, "%s: %s", config_where(c->cfg, "chip.mesh_y", where, sizeof where), msg);
        free(p);
        return -1;
    }
    partition_attach(&p->mesh, c->mesh);
    /* The cores on this band's nodes (not a range of indices: system.placement
     * spread puts each layer on every chip). */
    c->n_own = 0;
    for (int k = 0; k < c->n_cores; k++) {
        c->mine[k] = c->cores[k].node >= p->mesh.node0 && c->cores[k].node < p->mesh.node1;
        if (c->mine[k]) c->own[c->n_own++] = k;
    }
    p->shared_c = c->c;
    p->shared_infer = c->infer;
    p->agree = calloc(6 + 2 * (size_t)size, sizeof *p->agree);
    p->gather = calloc(R_LEN * (size_t)size, sizeof *p->gather);
    p->gather_counts = calloc((size_t)size, sizeof *p->gather_counts);
    p->gather_displs = calloc((size_t)size, sizeof *p->gather_displs);
    for (int r = 0; p->gather_counts && p->gather_displs && r < size; r++) {
        p->gather_counts[r] = R_LEN * (int)sizeof *p->gather;
        p->gather_displs[r] = r * R_LEN * (int)sizeof *p->gather;
    }
    if (!p->agree || !p->gather || !p->gather_counts || !p->gather_displs) {
        free(p->agree);
        free(p->gather);
        free(p->gather_counts);
        free(p->gather_displs);
        snprintf(err, errlen, "ssnnsim: out of memory");
        partition_free(&p->mesh);
        free(p);
        return -1;
    }
    c->part = p;
    c->sync = &chip_sync_bands;
    return 0;
}

void chip_partition_free(struct chip *c)
{
    if (!c->part) return;
    partition_free(&c->part->mesh);
    free(c->part->agree);
    free(c->part->gather);
    free(c->part->gather_counts);
    free(c->part->gather_displs);
    free(c->part);
    c->part = NULL;
    c->sync = &chip_sync_whole;
    for (int k = 0; k < c->n_cores && c->own; k++) c->own[k] = k, c->mine[k] = 1;
    c->n_own = c->n_cores;
}

/* ---- one process: the whole chip ------------------------------------------- */

static int whole_agree(struct chip *c, int failed, struct chip_agreement *a, char *err, size_t errlen)
{
    (void)err, (void)errlen;    /* the message is this process's own */
    a->done = core_barrier_complete(c->master);
    a->failed = failed != 0;
    a->in_flight = (int64_t)mesh_in_flight(c->mesh);
    a->winner = c->output->winner + 1;
    a->local = a->computing = 0;
    for (int k = 0; k < c->n_cores && !a->in_flight; k++) a->local += c->local[c->cores[k].node].n;
    for (int k = 0; k < c->n_cores && !a->in_flight && !a->local; k++) a->computing += c->cores[k].state == CS_COMPUTE;
    return failed ? -1 : 0;
}

static void whole_mesh_stepped(struct chip *c) { (void)c; }

static uint64_t whole_next_event(struct chip *c, uint64_t next)
{
    (void)c;
    return next;
}

static int whole_any_failed(struct chip *c, int failed, char *err, size_t errlen)
{
    (void)c, (void)err, (void)errlen;
    return failed ? -1 : 0;
}

/* The flits in this process's routers, ejection queues and self-sent queues (a
 * rank's share may be negative: flits move between ranks). */
static int64_t own_in_flight(const struct chip *c)
{
    int64_t n = (int64_t)mesh_in_flight(c->mesh);
    for (int i = 0; i < c->n_own; i++) n += c->local[c->cores[c->own[i]].node].n;
    return n;
}

static int whole_window(struct chip *c, int failed, uint64_t done_at, uint64_t next, struct chip_window *w,
                        char *err, size_t errlen)
{
    (void)err, (void)errlen;
    *w = (struct chip_window){ .done_at = done_at, .next = next, .failed = failed != 0,
                               .winner = c->output->winner + 1, .in_flight = own_in_flight(c) };
    return failed ? -1 : 0;
}

const struct chip_sync chip_sync_whole = { whole_agree, whole_mesh_stepped, whole_next_event, whole_any_failed,
                                           whole_window };

/* ---- MPI ranks: a band of rows each ---------------------------------------- */

static int owns(const struct chip *c, const struct core *q)
{
    int k = (int)(q - c->cores);
    return c->mine[k];
}

static int deliver(struct chip *c, int failed, int64_t any_failed, char *err, size_t errlen);

static int bands_agree(struct chip *c, int failed, struct chip_agreement *a, char *err, size_t errlen)
{
    struct chip_partition *p = c->part;
    struct partition *pm = &p->mesh;
    int64_t *v = p->agree;
    memset(v, 0, (6 + 2 * (size_t)pm->size) * sizeof *v);
    if (p->pending && !failed) {
        failed = 1;
        snprintf(err, errlen, "%s", p->pending_err);
    }
    if (owns(c, c->master)) v[0] = core_barrier_complete(c->master);
    v[1] = failed != 0;
    v[2] = (int64_t)mesh_in_flight(c->mesh);     /* may be negative here: flits move between ranks */
    for (int i = 0; i < c->n_own; i++) {
        v[3] += c->local[c->cores[c->own[i]].node].n;
        v[4] += c->cores[c->own[i]].state == CS_COMPUTE;
    }
    if (owns(c, c->output)) v[5] = c->output->winner + 1;
    v[6 + 2 * pm->rank] = pm->up_bytes != 0;
    v[6 + 2 * pm->rank + 1] = pm->down_bytes != 0;
    world_sum_i64(v, 6 + 2 * pm->size);
    *a = (struct chip_agreement){ v[0], v[1], v[2], v[3], v[4], v[5] };
    return deliver(c, failed, a->failed, err, errlen);
}

/* After an agreement (v: its sums, with who has boundary data for whom): the
 * boundary traffic of the last window, before the next mesh step; then, when a
 * rank failed (any_failed), the lowest failing rank's message to all. */
static int deliver(struct chip *c, int failed, int64_t any_failed, char *err, size_t errlen)
{
    struct chip_partition *p = c->part;
    struct partition *pm = &p->mesh;
    const int64_t *v = p->agree;
    int from_below = pm->rank > 0 && v[6 + 2 * (pm->rank - 1)];
    int from_above = pm->rank + 1 < pm->size && v[6 + 2 * (pm->rank + 1) + 1];
    if (partition_deliver(pm, c->mesh, from_below, from_above, p->pending_err, sizeof p->pending_err))
        p->pending = 1;
    if (!any_failed) return 0;
    /* The lowest failing rank tells everyone why. */
    uint64_t who = failed ? (uint64_t)world_rank() : (uint64_t)world_size();
    world_min_u64(&who, 1);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", failed ? err : "");
    world_bcast(msg, sizeof msg, (int)who);
    if (who) snprintf(err, errlen, "rank %d: %s", (int)who, msg);
    else snprintf(err, errlen, "%s", msg);
    return -1;
}

static void bands_mesh_stepped(struct chip *c) { partition_close(&c->part->mesh, c->mesh); }

static uint64_t bands_next_event(struct chip *c, uint64_t next)
{
    (void)c;
    world_min_u64(&next, 1);
    return next;
}

static int bands_any_failed(struct chip *c, int failed, char *err, size_t errlen)
{
    int64_t f = failed;
    world_sum_i64(&f, 1);
    struct chip_agreement a;
    return f ? bands_agree(c, failed, &a, err, errlen) : 0;   /* the failing rank's message to all */
}

/* A system's window: every rank's record in one collective, then the boundary
 * traffic to the neighbours that have some. */
static int bands_window(struct chip *c, int failed, uint64_t done_at, uint64_t next, struct chip_window *w,
                        char *err, size_t errlen)
{
    struct chip_partition *p = c->part;
    struct partition *pm = &p->mesh;
    partition_close(pm, c->mesh);       /* the mesh's cycle is the window's end */
    /* What crossed acts in a neighbour from the next window on: not idle. */
    if (pm->up_bytes || pm->down_bytes) next = c->c.cycles;
    if (p->pending && !failed) {
        failed = 1;
        snprintf(err, errlen, "%s", p->pending_err);
    }
    /* One collective: every rank's record to every rank, then sums and minima here. */
    int64_t *rec = p->gather + (size_t)pm->rank * R_LEN;
    rec[R_FAILED] = failed != 0;
    rec[R_WINNER] = owns(c, c->output) ? c->output->winner + 1 : 0;
    rec[R_IN_FLIGHT] = own_in_flight(c);
    rec[R_UP] = pm->up_bytes != 0;
    rec[R_DOWN] = pm->down_bytes != 0;
    rec[R_DONE] = (int64_t)done_at;
    rec[R_NEXT] = (int64_t)next;
    *w = (struct chip_window){ .done_at = UINT64_MAX, .next = UINT64_MAX };
    if (pm->size == 2) {
        /* The neighbour is the world: one message each way holds the record and the
         * boundary traffic. */
        int other = 1 - pm->rank;
        int64_t *theirs = p->gather + (size_t)other * R_LEN;
        if (partition_exchange_record(pm, c->mesh, rec, R_LEN * (int)sizeof *rec, theirs, theirs,
                                      p->pending_err, sizeof p->pending_err))
            p->pending = 1;
    } else {
        world_allgather(p->gather, p->gather_counts, p->gather_displs);
    }
    int64_t *v = p->agree;      /* who has boundary data for whom, as deliver() reads it */
    for (int r = 0; r < pm->size; r++) {
        const int64_t *x = p->gather + (size_t)r * R_LEN;
        w->failed += x[R_FAILED];
        w->winner += x[R_WINNER];
        w->in_flight += x[R_IN_FLIGHT];
        v[6 + 2 * r] = x[R_UP];
        v[6 + 2 * r + 1] = x[R_DOWN];
        if ((uint64_t)x[R_DONE] < w->done_at) w->done_at = (uint64_t)x[R_DONE];
        if ((uint64_t)x[R_NEXT] < w->next) w->next = (uint64_t)x[R_NEXT];
    }
    if (pm->size == 2) {        /* delivered above; a failure's message still comes from its rank */
        v[6] = v[7] = v[8] = v[9] = 0;
    }
    return deliver(c, failed, w->failed, err, errlen);
}

const struct chip_sync chip_sync_bands = { bands_agree, bands_mesh_stepped, bands_next_event, bands_any_failed,
                                           bands_window };

int chip_agree_status(struct chip *c, int status)
{
    if (!c->part) return status;
    int64_t s = status;
    world_max_i64(&s, 1);
    return (int)s;
}

/* ---- sharing the whole chip -------------------------------------------------- */

#define SHARE(ptr, bytes, root)                                                          \
    do {                                                                                 \
        if (ptr) world_bcast((ptr), (bytes), (root));                                    \
    } while (0)

static void share_tile(struct crossbar *x, int root)
{
    size_t cells = (size_t)x->cells.rows * (size_t)x->cells.cols;
    SHARE(x->cells.w, cells * sizeof *x->cells.w, root);
    SHARE(x->cells.step_up, cells * sizeof *x->cells.step_up, root);
    SHARE(x->cells.step_dn, cells * sizeof *x->cells.step_dn, root);
    SHARE(x->cells.b_up, cells * sizeof *x->cells.b_up, root);
    SHARE(x->cells.b_dn, cells * sizeof *x->cells.b_dn, root);
    SHARE(x->cells.cell_rng, cells * sizeof *x->cells.cell_rng, root);
    world_bcast(&x->cells.pulses_up, sizeof x->cells.pulses_up, root);
    world_bcast(&x->cells.pulses_down, sizeof x->cells.pulses_down, root);
    world_bcast(&x->c, sizeof x->c, root);
}

static void share_core(struct core *q, int root, const struct chip_shared *sh)
{
    /* depth: the mirror and the generators of a core below the top */
    for (int t = 0; t < q->n_mirror; t++) share_tile(&q->mirror[t], root);
    SHARE(q->rng_back, (size_t)q->count * 4, root);
    SHARE(q->rng_noise_b, (size_t)q->count * 4, root);
    world_bcast(&q->lc, sizeof q->lc, root);
    for (int t = 0; t < q->n_tiles; t++) share_tile(&q->tiles[t], root);
    /* The unit streams, sized as core_init allocates them. */
    size_t n_a = q->role == CORE_OUTPUT ? (size_t)sh->n_h : (size_t)q->count;
    SHARE(q->rng_a, n_a * 4, root);
    SHARE(q->rng_b, (size_t)q->count * 4, root);
    SHARE(q->rng_c, n_a * 4, root);
    SHARE(q->rng_noise_o, (size_t)sh->n_out * 4, root);
    world_bcast(&q->rng_wta, sizeof q->rng_wta, root);
    world_bcast(&q->rng_gate, sizeof q->rng_gate, root);
    world_bcast(&q->winner, sizeof q->winner, root);
    world_bcast(&q->c, sizeof q->c, root);
    world_bcast(&q->sc, sizeof q->sc, root);
}

/* The traffic counters each rank counts for its own cores only (the clock's,
 * CHIP_CLOCK_COUNTERS, every rank counts alike). */
static int partial_fields(struct chip_counters *x, uint64_t **f)
{
    int n = 0;
#define F(name) f[n++] = &x->name;
    CHIP_TRAFFIC_COUNTERS(F)
    CHIP_SYSTEM_COUNTERS(F)
#undef F
    for (int t = 0; t < TC_COUNT; t++) {
#define F(name) f[n++] = &x->name[t];
        CHIP_ALL_CLASS_COUNTERS(F)
#undef F
    }
    return n;
}

/* Fields every rank counts for its own cores since the last share: the inference
 * account's core and tile counters, and both traffic accounts. */
static int own_fields(struct chip_counters *cc, struct chip_totals *in, uint64_t **f)
{
    int n = partial_fields(cc, f);
    n += partial_fields(&in->chip, f + n);
#define F(name) f[n++] = &in->sc.name;
    SSNN_COUNTERS(F)
#undef F
#define F(name) f[n++] = &in->core.name;
    CORE_COUNTERS(F)
#undef F
    for (int t = 0; t < TC_COUNT; t++) {
#define F(name) f[n++] = &in->core.name[t];
        CORE_ALL_CLASS_COUNTERS(F)
#undef F
    }
    struct crossbar_counters *w[3] = { &in->w1, &in->w2, &in->wm };
    for (int k = 0; k < 3; k++) {
#define F(name) f[n++] = &w[k]->name;
        CROSSBAR_COUNTERS(F)
#undef F
    }
    return n;
}

/* The pointer tables of chip_share hold every field own_fields lists. */
#define LIST_LEN(list) (0 list(COUNTER_ONE))
#define OWN_FIELDS                                                                                 \
    (2 * (LIST_LEN(CHIP_TRAFFIC_COUNTERS) + LIST_LEN(CHIP_SYSTEM_COUNTERS) +                       \
          TC_COUNT * LIST_LEN(CHIP_ALL_CLASS_COUNTERS)) +                                          \
     LIST_LEN(SSNN_COUNTERS) + LIST_LEN(CORE_COUNTERS) + TC_COUNT * LIST_LEN(CORE_ALL_CLASS_COUNTERS) + \
     3 * LIST_LEN(CROSSBAR_COUNTERS))
_Static_assert(OWN_FIELDS <= 256, "chip_share: more counters than its tables hold");

void chip_share(struct chip *c)
{
    struct chip_partition *p = c->part;
    if (!p) return;
    for (int k = 0; k < c->n_cores; k++) {
        int owner = partition_owner(&p->mesh, c->cores[k].node);
        share_core(&c->cores[k], owner, &c->sh);
        world_bcast(&c->infer_lc[k], sizeof c->infer_lc[k], owner);
        world_bcast(&c->infer_core[k], sizeof c->infer_core[k], owner);   /* its rank counted it whole */
    }
    partition_share_routers(&p->mesh, c->mesh);
    /* Each rank adds what it counted since the last share; the sum is the chip's. */
    uint64_t *cur[256], *old[256];
    int n = own_fields(&c->c, &c->infer, cur);
    own_fields(&p->shared_c, &p->shared_infer, old);
    int64_t d[256];
    for (int i = 0; i < n; i++) d[i] = (int64_t)(*cur[i] - *old[i]);
    world_sum_i64(d, n);
    for (int i = 0; i < n; i++) *old[i] = *cur[i] = *old[i] + (uint64_t)d[i];
}
