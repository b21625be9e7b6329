/* Chip assembly and clock (see chip.h).
 *
 * Mapping: every layer is cut into groups of chip.core_neurons neurons, one group
 * per core: input encoders, hidden neurons, and the whole output layer on one core
 * (its WTA block needs every output membrane). A hidden core holds the full fan-in
 * of its neurons (all W1 rows, in as many crossbar tiles as that takes), so only
 * spikes cross the network: no partial sums. Cores fill the mesh row by row:
 * input cores, then hidden cores, then the output core; the first core is also the
 * barrier master. At depth L > 1 the hidden cores are placed layer by layer, and
 * a core below the top also holds the mirror of its neurons' rows of the matrix
 * above, which its backward read needs (docs/chip.md "Depth"). A system of
 * chips (docs/system.md) is one mesh of all their routers whose links across a
 * chip boundary are inter-chip links (mesh_set_chip_links); its cores fill chip
 * after chip (chip_place_node).
 *
 * Clock: each cycle, computations that end finish (and queue their spikes), every
 * core takes at most one delivered flit, new flits enter the network interfaces,
 * and the mesh advances. When the network is empty and the cores only compute,
 * the clock jumps to the next completion: the same cycle count, no idle work.
 *
 * Over MPI ranks (chip_partition.h, docs/scale.md) a rank clocks the cores
 * own[] and the routers of its band of rows, and what the loop reads off the
 * whole chip (barrier, flits in flight, idle jumps, failures) is agreed by all
 * ranks each cycle (a system of chips: each window, clock_step_system). The loop is one for both: it reads the chip through c->sync,
 * which in one process is that process's own state. */
#include "chip.h"
#include "chip_partition.h"
#include "chip_waves.h"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

static void fifo_push(struct chip_fifo *q, const struct flit *f)
{
    if (q->head + q->n == q->cap) {
        if (q->head > 0) {
            memmove(q->f, q->f + q->head, (size_t)q->n * sizeof *q->f);
            q->head = 0;
        } else {
            q->cap = q->cap ? 2 * q->cap : 64;
            q->f = realloc(q->f, (size_t)q->cap * sizeof *q->f);
            if (!q->f) { perror("realloc"); exit(1); }
        }
    }
    q->f[q->head + q->n++] = *f;
}

static int fifo_pop(struct chip_fifo *q, struct flit *out)
{
    if (!q->n) return 0;
    *out = q->f[q->head++];
    if (--q->n == 0) q->head = 0;
    return 1;
}

static struct chip_fifo *local_q(struct chip *c) { return c->local; }

static int map_error(const struct config *cfg, const char *key, char *err, size_t errlen, const char *msg)
{
    char where[400];
    snprintf(err, errlen, "%s: %s", config_where(cfg, key, where, sizeof where), msg);
    return -1;
}

static void shape_text(const struct network_cfg *n, char *buf, size_t len)
{
    size_t at = 0;
    for (int i = 0; i < n->n_layers && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%d", i ? "-" : "", n->layers[i]);
}

/* The end of a "does not fit" message: the mesh, or the system of chips. */
static void system_size(const struct config *cfg, int have, char *buf, size_t len)
{
    const struct chip_cfg *ch = &cfg->chip;
    if (CFG_MULTICHIP(cfg))
        snprintf(buf, len, "the system of %dx%d chips of %dx%d cores has %d", cfg->system.chips_x, cfg->system.chips_y,
                 ch->mesh_x, ch->mesh_y, have);
    else
        snprintf(buf, len, "the %dx%d mesh has %d", ch->mesh_x, ch->mesh_y, have);
}

/* plan() at depth L > 1: hidden layer l (1..L) on ceil(n_l / core_neurons) cores,
 * each holding W^l's n_{l-1} + 1 rows for its columns and, below the top, the
 * mirror of its rows of W^(l+1) (n_{l+1} rows); errors name network.layers for
 * what the shape asks and the chip key that limits it. */
static int plan_deep(struct chip *c, const struct config *cfg, char *err, size_t errlen)
{
    const struct chip_cfg *ch = &cfg->chip;
    const struct network_cfg *n = &cfg->network;
    const int L = n->n_layers - 2, cn = ch->core_neurons, xr = ch->xbar_rows;
    char msg[1400], shape[400];
    shape_text(n, shape, sizeof shape);
    if (cn > ch->xbar_cols) {
        snprintf(msg, sizeof msg, "core_neurons = %d exceeds the %d crossbar columns a neuron's synapses occupy",
                 cn, ch->xbar_cols);
        return map_error(cfg, "chip.core_neurons", err, errlen, msg);
    }
    for (int l = 1; l <= L; l++) {
        int fwd = ceil_div(n->layers[l - 1] + 1, xr), mir = l < L ? ceil_div(n->layers[l + 1], xr) : 0;
        if (fwd + mir > ch->tiles_per_core) {
            int at = snprintf(msg, sizeof msg, "network %s: a core of hidden layer %d holds the full fan-in of its "
                              "neurons, W%d's %d rows (%d tiles of %d rows)", shape, l, l, n->layers[l - 1] + 1, fwd, xr);
            if (mir)
                snprintf(msg + at, sizeof msg - (size_t)at, ", and the mirror of their rows of W%d for the backward "
                         "read (%d rows, %d tile%s): %d tiles, but a core has %d", l + 1, n->layers[l + 1], mir, mir > 1 ? "s" : "", fwd + mir,
                         ch->tiles_per_core);
            else
                snprintf(msg + at, sizeof msg - (size_t)at, ", but a core has %d", ch->tiles_per_core);
            return map_error(cfg, "chip.tiles_per_core", err, errlen, msg);
        }
    }
    int tout = ceil_div(n->layers[L] + 1, xr);
    if (tout > ch->tiles_per_core) {
        snprintf(msg, sizeof msg, "network %s: the output core holds W_out's %d rows in %d tiles of %d rows, but a core "
                 "has %d", shape, n->layers[L] + 1, tout, xr, ch->tiles_per_core);
        return map_error(cfg, "chip.tiles_per_core", err, errlen, msg);
    }
    if (n->output > cn || n->output > ch->xbar_cols) {
        snprintf(msg, sizeof msg, "the WTA block needs the whole output layer (%d neurons) on one core of %d neurons",
                 n->output, cn < ch->xbar_cols ? cn : ch->xbar_cols);
        return map_error(cfg, "network.layers", err, errlen, msg);
    }
    int ni = ceil_div(n->input, cn), nh = 0, have = CFG_MESH_W(cfg) * CFG_MESH_H(cfg);
    char per[300];
    size_t at = 0;
    for (int l = 1; l <= L; l++) {
        int k = ceil_div(n->layers[l], cn);
        nh += k;
        if (at < sizeof per) at += (size_t)snprintf(per + at, sizeof per - at, "%s%d", l > 1 ? " + " : "", k);
    }
    if (ni + nh + 1 > have) {
        int k = snprintf(msg, sizeof msg, "network %s needs %d cores (%d input, %s hidden, 1 output at %d neurons per core), ",
                         shape, ni + nh + 1, ni, per, cn);
        system_size(cfg, have, msg + k, sizeof msg - (size_t)k);
        return map_error(cfg, CFG_MULTICHIP(cfg) ? "system.chips" : "chip.mesh_x", err, errlen, msg);
    }
    c->sh.n_input_cores = ni;
    c->sh.n_hidden_cores = nh;
    c->sh.hidden_per_core = cn;
    c->n_cores = ni + nh + 1;
    return 0;
}

/* Checks that the network fits and fills the placement in c->sh. */
static int plan(struct chip *c, const struct config *cfg, char *err, size_t errlen)
{
    const struct chip_cfg *ch = &cfg->chip;
    const struct network_cfg *n = &cfg->network;
    char msg[600];
    int cn = ch->core_neurons;
    if (n->n_layers > 3) return plan_deep(c, cfg, err, errlen);
    if (cn > ch->xbar_cols) {
        snprintf(msg, sizeof msg, "core_neurons = %d exceeds the %d crossbar columns a neuron's synapses occupy",
                 cn, ch->xbar_cols);
        return map_error(cfg, "chip.core_neurons", err, errlen, msg);
    }
    int t1 = ceil_div(n->input + 1, ch->xbar_rows), t2 = ceil_div(n->hidden + 1, ch->xbar_rows);
    if (t1 > ch->tiles_per_core || t2 > ch->tiles_per_core) {
        snprintf(msg, sizeof msg,
                 "a core must hold the full fan-in of its neurons: W1 needs %d and W2 %d tiles of %d rows "
                 "(inputs + bias), but a core has %d tiles",
                 t1, t2, ch->xbar_rows, ch->tiles_per_core);
        return map_error(cfg, "chip.tiles_per_core", err, errlen, msg);
    }
    if (n->output > cn || n->output > ch->xbar_cols) {
        snprintf(msg, sizeof msg, "the WTA block needs the whole output layer (%d neurons) on one core of %d neurons",
                 n->output, cn < ch->xbar_cols ? cn : ch->xbar_cols);
        return map_error(cfg, "network.output", err, errlen, msg);
    }
    int ni = ceil_div(n->input, cn), nh = ceil_div(n->hidden, cn);
    int need = ni + nh + 1, have = CFG_MESH_W(cfg) * CFG_MESH_H(cfg);
    if (need > have) {
        int at = snprintf(msg, sizeof msg, "network %d-%d-%d needs %d cores (%d input, %d hidden, 1 output at %d neurons "
                          "per core), ", n->input, n->hidden, n->output, need, ni, nh, cn);
        system_size(cfg, have, msg + at, sizeof msg - (size_t)at);
        return map_error(cfg, CFG_MULTICHIP(cfg) ? "system.chips" : "chip.mesh_x", err, errlen, msg);
    }
    c->sh.n_input_cores = ni;
    c->sh.n_hidden_cores = nh;
    c->sh.hidden_per_core = cn;
    c->n_cores = need;
    return 0;
}

/* The shape of the stack every core reads: widths, each hidden layer's first
 * core, gains, the device and its tables. */
static int stack_shape(struct chip *c, const struct config *cfg, const struct ssnn *g, char *err, size_t errlen)
{
    struct chip_shared *sh = &c->sh;
    sh->n_in = g->n_in;
    sh->n_h = ssnn_top(g)->n;       /* what the output core reads */
    sh->n_out = g->n_out;
    const int L = g->depth;
    c->width = calloc((size_t)L + 2, sizeof *c->width);
    c->layer_core0 = calloc((size_t)L + 1, sizeof *c->layer_core0);
    c->beta_layer = calloc((size_t)L, sizeof *c->beta_layer);
    c->base_layer = calloc((size_t)L, sizeof *c->base_layer);
    c->base_pulses = calloc((size_t)L, sizeof *c->base_pulses);
    if (!c->width || !c->layer_core0 || !c->beta_layer || !c->base_layer || !c->base_pulses) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->width[0] = g->n_in;
    c->width[L + 1] = g->n_out;
    for (int l = 0; l < L; l++) {
        c->width[l + 1] = g->layer[l].n;
        c->beta_layer[l] = g->layer[l].beta_q;
        c->layer_core0[l + 1] = c->layer_core0[l] + ceil_div(g->layer[l].n, sh->hidden_per_core);
    }
    sh->depth = L;
    sh->width = c->width;
    sh->layer_core0 = c->layer_core0;
    sh->beta_layer = c->beta_layer;
    rpu_params_init(&c->rp, &cfg->device);
    sh->rp = &c->rp;
    sh->dev = &cfg->device;
    sh->seed = g->seed;
    sh->lanes = cfg->chip.neuron_lanes;
    sh->xbar_rows = cfg->chip.xbar_rows;
    if (activation_init(&c->act, cfg->device.dw_min)) {
        snprintf(err, errlen, "out of memory for the activation tables");
        return -1;
    }
    sh->act = &c->act;
    sh->beta_q = ssnn_top(g)->beta_q;
    sh->noise_k = g->noise_k;
    return 0;
}

/* The node of slot `local` (row-major) of chip `chip` (row-major over the system). */
static int chip_slot_node(const struct chip *c, int chip, int local)
{
    int x = chip % c->chips_x * c->chip_w + local % c->chip_w, y = chip / c->chips_x * c->chip_h + local / c->chip_w;
    return y * c->mesh_x + x;
}

int chip_place_node(const struct chip *c, int k)
{
    if (c->chips_x * c->chips_y == 1) return k;
    if (c->node_of) return c->node_of[k];
    int per = c->chip_w * c->chip_h;
    return chip_slot_node(c, k / per, k % per);
}

/* system.placement: spread (docs/system.md "Placement"): each layer's cores (the
 * input cores, each hidden layer's, the output core) dealt over the chips in turn,
 * the turn running on from layer to layer, a full chip skipped; each chip fills
 * its slots row by row. So every chip, and every MPI rank's band of chips, holds
 * a share of every layer. */
static int spread_nodes(struct chip *c, const struct ssnn *g)
{
    int n_chips = c->chips_x * c->chips_y, per = c->chip_w * c->chip_h;
    int *used = calloc((size_t)n_chips, sizeof *used);
    c->node_of = malloc((size_t)c->n_cores * sizeof *c->node_of);
    if (!used || !c->node_of) {
        free(used);
        return -1;
    }
    int k = 0, turn = 0, groups = g->depth + 2;
    for (int grp = 0; grp < groups; grp++) {
        int n = grp == 0 ? c->sh.n_input_cores
                : grp <= g->depth ? c->layer_core0[grp] - c->layer_core0[grp - 1]
                                  : 1;
        for (int j = 0; j < n; j++, k++) {
            while (used[turn] == per) turn = (turn + 1) % n_chips;     /* plan() saw room for every core */
            c->node_of[k] = chip_slot_node(c, turn, used[turn]++);
            turn = (turn + 1) % n_chips;
        }
    }
    free(used);
    return 0;
}

int chip_of_node(const struct chip *c, int n)
{
    return n / c->mesh_x / c->chip_h * c->chips_x + n % c->mesh_x / c->chip_w;
}

int chip_chips_used(const struct chip *c)
{
    int used = 0;
    for (int n = 0; n < c->chips_x * c->chips_y; n++) {
        int any = 0;
        for (int k = 0; k < c->n_cores && !any; k++) any = chip_of_node(c, c->cores[k].node) == n;
        used += any;
    }
    return used;
}

/* The cores on the nodes in placement order: input cores, each hidden layer's,
 * the output core (node numbers as plan() counted them). */
static int place_cores(struct chip *c, const struct ssnn *g, char *err, size_t errlen)
{
    struct chip_shared *sh = &c->sh;
    int nodes = c->mesh_x * c->mesh_y, cn = sh->hidden_per_core;
    c->cores = calloc((size_t)c->n_cores, sizeof *c->cores);
    c->at = calloc((size_t)nodes, sizeof *c->at);
    c->local = calloc((size_t)nodes, sizeof(struct chip_fifo));
    c->door = calloc((size_t)c->n_cores, sizeof *c->door);
    c->xy = calloc((size_t)nodes, sizeof *c->xy);
    sh->input_nodes = calloc((size_t)sh->n_input_cores, sizeof(int));
    sh->hidden_nodes = calloc((size_t)sh->n_hidden_cores, sizeof(int));
    sh->hidden_first = calloc((size_t)sh->n_hidden_cores, sizeof(int));
    if (!c->cores || !c->at || !c->local || !c->door || !c->xy || !sh->input_nodes || !sh->hidden_nodes ||
        !sh->hidden_first) {
        snprintf(err, errlen, "out of memory placing %d cores", c->n_cores);
        return -1;
    }
    if (c->cfg->system.spread && c->chips_x * c->chips_y > 1 && spread_nodes(c, g)) {
        snprintf(err, errlen, "out of memory placing %d cores", c->n_cores);
        return -1;
    }
    int k = 0, bad = 0;     /* k: placement order, the index into c->cores */
    for (int i = 0; i < sh->n_input_cores; i++, k++) {
        int first = i * cn, count = sh->n_in - first < cn ? sh->n_in - first : cn;
        sh->input_nodes[i] = chip_place_node(c, k);
        bad |= core_init(&c->cores[k], CORE_INPUT, chip_place_node(c, k), i, first, count, sh);
    }
    for (int l = 0; l < g->depth; l++)
        for (int i = c->layer_core0[l]; i < c->layer_core0[l + 1]; i++, k++) {
            int n_l = g->layer[l].n, first = (i - c->layer_core0[l]) * cn, count = n_l - first < cn ? n_l - first : cn;
            sh->hidden_nodes[i] = chip_place_node(c, k);
            sh->hidden_first[i] = first;
            bad |= core_init(&c->cores[k], CORE_HIDDEN, chip_place_node(c, k), i, first, count, sh);
            c->cores[k].pulse_scale = g->layer[l].pulse_scale;
            if (l + 1 < g->depth) c->cores[k].mirror_pulse_scale = g->layer[l + 1].pulse_scale;
        }
    sh->output_node = chip_place_node(c, k);
    bad |= core_init(&c->cores[k], CORE_OUTPUT, chip_place_node(c, k), 0, 0, sh->n_out, sh);
    c->cores[k].pulse_scale = g->out_pulse_scale;
    if (bad) {
        snprintf(err, errlen, "out of memory building %d cores", c->n_cores);
        return -1;
    }
    for (int i = 0; i < c->n_cores; i++) c->at[c->cores[i].node] = &c->cores[i];
    c->output = &c->cores[k];
    c->master = &c->cores[0];
    sh->master_node = c->master->node;
    c->master->n_cores = c->n_cores;
    return 0;
}

/* chip.fault: the one router that misbehaves, for the watchdog's tests. */
static int arm_fault(struct chip *c, const struct config *cfg, char *err, size_t errlen)
{
    const struct fault_cfg *fc = &cfg->chip.fault;
    if (!strcmp(fc->kind, "none")) return 0;
    if (fc->node >= c->mesh_x * c->mesh_y) {
        char msg[200];
        snprintf(msg, sizeof msg, "node %d is not on the %dx%d mesh", fc->node, c->mesh_x, c->mesh_y);
        return map_error(cfg, "chip.fault.node", err, errlen, msg);
    }
    int kind = !strcmp(fc->kind, "stuck_link") ? MESH_FAULT_STUCK
               : !strcmp(fc->kind, "drop_flit") ? MESH_FAULT_DROP : MESH_FAULT_CORRUPT;
    mesh_set_fault(c->mesh, kind, fc->node, (uint64_t)fc->after_flits);
    return 0;
}

/* What inference parks and counts apart (chip_infer_wta). */
static int alloc_accounts(struct chip *c, char *err, size_t errlen)
{
    for (int k = 0; k < c->n_cores; k++) c->n_tiles_total += c->cores[k].n_tiles + c->cores[k].n_mirror;
    c->save_c = calloc((size_t)c->n_cores, sizeof *c->save_c);
    c->save_sc = calloc((size_t)c->n_cores, sizeof *c->save_sc);
    c->save_x = calloc((size_t)c->n_tiles_total + 1, sizeof *c->save_x);
    c->save_lc = calloc((size_t)c->n_cores, sizeof *c->save_lc);
    c->infer_lc = calloc((size_t)c->n_cores, sizeof *c->infer_lc);
    c->infer_core = calloc((size_t)c->n_cores, sizeof *c->infer_core);
    if (!c->save_c || !c->save_sc || !c->save_x || !c->save_lc || !c->infer_lc || !c->infer_core) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int chip_init(struct chip *c, const struct config *cfg, const struct ssnn *g, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    if (plan(c, cfg, err, errlen)) return -1;
    c->cfg = cfg;
    if (stack_shape(c, cfg, g, err, errlen)) return -1;
    c->chip_w = cfg->chip.mesh_x;
    c->chip_h = cfg->chip.mesh_y;
    c->chips_x = CFG_CHIPS_X(cfg);
    c->chips_y = CFG_CHIPS_Y(cfg);
    c->mesh_x = CFG_MESH_W(cfg);
    c->mesh_y = CFG_MESH_H(cfg);
    struct router_cfg routers = cfg->chip.router;
    if (CFG_MULTICHIP(cfg)) routers.slot_depth = cfg->system.link_buffer_depth;    /* the inter-chip ports' */
    c->mesh = mesh_new(c->mesh_x, c->mesh_y, &routers, err, errlen);
    if (!c->mesh) return -1;
    if (CFG_MULTICHIP(cfg)) {
        const struct system_cfg *s = &cfg->system;
        mesh_set_chip_links(c->mesh, c->chip_w, c->chip_h, s->link_latency, s->link_cycles_per_flit,
                            s->link_buffer_depth);
        c->xlink_cycles = s->link_latency + s->link_cycles_per_flit - 1;
        c->barrier_cycles = (uint64_t)s->barrier_cycles;
        c->window = (uint64_t)(s->barrier_cycles < s->link_latency ? s->barrier_cycles : s->link_latency);
    } else if (cfg->chip.barrier_cycles) {
        /* one chip on the system clock: its window is the on-chip link's latency */
        int d = cfg->chip.barrier_cycles, l = cfg->chip.router.link_latency;
        c->barrier_cycles = (uint64_t)d;
        c->window = (uint64_t)(d < l ? d : l);
    }
    if (place_cores(c, g, err, errlen)) return -1;
    for (int k = 0; k < c->n_cores; k++)
        c->door[k] = (struct chip_door){ &local_q(c)[c->cores[k].node],
                                         mesh_ejection_queue(c->mesh, c->cores[k].node) };
    for (int n = 0; n < c->mesh_x * c->mesh_y; n++) {
        c->xy[n][0] = (uint16_t)(n % c->mesh_x);
        c->xy[n][1] = (uint16_t)(n / c->mesh_x);
    }
    int rc = arm_fault(c, cfg, err, errlen);
    if (rc) return rc;
    if (ssnn_streams_alloc(&c->saved, g)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->own = malloc((size_t)c->n_cores * sizeof *c->own);
    c->mine = malloc((size_t)c->n_cores);
    if (!c->own || !c->mine) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int k = 0; k < c->n_cores; k++) c->own[k] = k, c->mine[k] = 1;
    c->n_own = c->n_cores;
    c->sync = &chip_sync_whole;
    if (alloc_accounts(c, err, errlen)) return -1;
    chip_scatter(c, g);
    return 0;
}

/* What chip_init allocates: the cores (core_account), the mesh, the tables and the
 * per-node and per-core bookkeeping. */
void chip_account(const struct chip *c, const struct ssnn *g, struct mem_account *m)
{
    const uint64_t nodes = (uint64_t)c->mesh_x * (uint64_t)c->mesh_y, cores = (uint64_t)c->n_cores;
    const uint64_t L = (uint64_t)c->sh.depth;
    for (int k = 0; k < c->n_cores; k++) core_account(&c->cores[k], m);
    m->fixed += mesh_bytes(c->mesh) + activation_bytes(&c->act);
    m->fixed += (L + 2) * sizeof *c->width + (L + 1) * sizeof *c->layer_core0 + L * sizeof *c->beta_layer +
                L * sizeof *c->base_layer + L * sizeof *c->base_pulses;
    m->fixed += cores * (sizeof *c->cores + sizeof *c->door + sizeof *c->save_c + sizeof *c->save_sc +
                         sizeof *c->save_lc + sizeof *c->infer_lc + sizeof *c->infer_core + sizeof *c->own +
                         sizeof *c->mine + (c->node_of ? sizeof *c->node_of : 0)) +
                nodes * (sizeof *c->at + sizeof *c->local + sizeof *c->xy) +
                ((uint64_t)c->n_tiles_total + 1) * sizeof *c->save_x +
                ((uint64_t)c->sh.n_input_cores + 2 * (uint64_t)c->sh.n_hidden_cores) * sizeof(int);
    ssnn_streams_account(g, m);     /* the training streams parked during inference */
}

void chip_free(struct chip *c)
{
    if (c->engine.free) c->engine.free(c->engine.ctx);
    chip_partition_free(c);
    for (int k = 0; k < c->n_cores; k++) core_free(&c->cores[k]);
    free(c->cores);
    if (c->local)
        for (int n = 0; n < c->mesh_x * c->mesh_y; n++) free(local_q(c)[n].f);
    free(c->local);
    free(c->door);
    free(c->xy);
    free(c->at);
    free(c->node_of);
    free(c->own);
    free(c->mine);
    free(c->out.f);
    free(c->sh.input_nodes);
    free(c->sh.hidden_nodes);
    free(c->sh.hidden_first);
    if (c->mesh) mesh_free(c->mesh);
    activation_free(&c->act);
    ssnn_streams_free(&c->saved);
    free(c->save_c);
    free(c->save_sc);
    free(c->save_x);
    free(c->save_lc);
    free(c->infer_lc);
    free(c->infer_core);
    free(c->width);
    free(c->layer_core0);
    free(c->beta_layer);
    free(c->base_layer);
    free(c->base_pulses);
    memset(c, 0, sizeof *c);
}

/* ---- state exchange with the golden model ---------------------------------- */

/* Copies a block between a whole matrix (gcols wide) and a tile, both directions. */
static void copy_block(struct rpu_array *whole, struct crossbar *x, int to_tile)
{
    const int gc = whole->cols;
    for (int r = 0; r < x->rows; r++) {
        size_t g0 = (size_t)(x->row0 + r) * gc + (size_t)x->col0, t0 = (size_t)r * x->cols;
        size_t n = (size_t)x->cols;
#define MOVE(field, sz)                                                                  \
        if (whole->field) {                                                              \
            if (to_tile) memcpy(x->cells.field + t0, whole->field + g0, n * (sz));       \
            else memcpy(whole->field + g0, x->cells.field + t0, n * (sz));               \
        }
        MOVE(w, 2)
        MOVE(step_up, 2)
        MOVE(step_dn, 2)
        MOVE(b_up, 2)
        MOVE(b_dn, 2)
        MOVE(cell_rng, 4)
#undef MOVE
    }
}

/* Moves the unit streams of a stream set into the cores (to_cores) or back. */
static void move_streams(struct chip *c, struct ssnn_streams *st, int to_cores)
{
    const struct chip_shared *sh = &c->sh;
#define MV(dst, src, n)                                                                  \
    do {                                                                                 \
        if ((dst) && (src)) {                                                            \
            if (to_cores) memcpy((dst), (src), (size_t)(n) * 4);                         \
            else memcpy((src), (dst), (size_t)(n) * 4);                                  \
        }                                                                                \
    } while (0)
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        switch (q->role) {
        case CORE_INPUT:
            MV(q->rng_a, st->in + q->first, q->count);
            break;
        case CORE_HIDDEN: {
            const struct ssnn_layer_streams *ls = &st->hid[q->layer];
            MV(q->rng_a, ls->fwd + q->first, q->count);
            MV(q->rng_b, ls->deriv + q->first, q->count);
            if (ls->noise_h) MV(q->rng_c, ls->noise_h + q->first, q->count);
            MV(q->rng_back, ls->back + q->first, q->count);     /* below the top only */
            if (ls->noise_b) MV(q->rng_noise_b, ls->noise_b + q->first, q->count);
            break;
        }
        case CORE_OUTPUT:
            MV(q->rng_a, st->hid[q->layer].back, sh->n_h);
            if (st->hid[q->layer].noise_b) MV(q->rng_c, st->hid[q->layer].noise_b, sh->n_h);
            if (st->noise_o) MV(q->rng_noise_o, st->noise_o, sh->n_out);
            MV(&q->rng_wta, &st->wta, 1);
            MV(&q->rng_gate, &st->gate, 1);
            break;
        }
    }
#undef MV
}

/* A mirror tile's block of W^(l+1), transposed: its local row m is column
 * row0 + m of the whole matrix, its column j row col0 + j. Device parameters and
 * cell streams go with the states, so the mirror's cells step exactly as the
 * originals do under the same pulses. */
static void copy_mirror(const struct rpu_array *whole, struct crossbar *x, int col0)
{
    const int gc = whole->cols;
    for (int m = 0; m < x->rows; m++)
        for (int j = 0; j < x->cols; j++) {
            size_t g = (size_t)(col0 + j) * gc + (size_t)(x->row0 + m), t = (size_t)m * x->cols + (size_t)j;
            x->cells.w[t] = whole->w[g];
            if (whole->step_up) {
                x->cells.step_up[t] = whole->step_up[g];
                x->cells.step_dn[t] = whole->step_dn[g];
                x->cells.b_up[t] = whole->b_up[g];
                x->cells.b_dn[t] = whole->b_dn[g];
            }
            if (whole->cell_rng) x->cells.cell_rng[t] = whole->cell_rng[g];
        }
}

static struct rpu_array *matrix_of(struct ssnn *g, const struct core *q)
{
    return q->role == CORE_HIDDEN ? &g->layer[q->layer].w : &g->w_out;
}

void chip_scatter(struct chip *c, const struct ssnn *g)
{
    struct ssnn *gm = (struct ssnn *)g;     /* read only: copy_block(.., 1) reads `whole` */
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        for (int t = 0; t < q->n_tiles; t++) {
            copy_block(matrix_of(gm, q), &q->tiles[t], 1);
            q->tiles[t].cells.pulses_up = q->tiles[t].cells.pulses_down = 0;
        }
        for (int t = 0; t < q->n_mirror; t++) {
            copy_mirror(&gm->layer[q->layer + 1].w, &q->mirror[t], q->first);
            q->mirror[t].cells.pulses_up = q->mirror[t].cells.pulses_down = 0;
        }
        memset(&q->sc, 0, sizeof q->sc);
        memset(&q->lc, 0, sizeof q->lc);
    }
    move_streams(c, &gm->train, 1);
    c->base = g->c;
    c->base_w1[0] = g->layer[0].w.pulses_up;
    c->base_w1[1] = g->layer[0].w.pulses_down;
    c->base_w2[0] = g->w_out.pulses_up;
    c->base_w2[1] = g->w_out.pulses_down;
    for (int l = 0; l < g->depth; l++) {
        c->base_layer[l] = g->layer[l].c;
        c->base_pulses[l][0] = g->layer[l].w.pulses_up;
        c->base_pulses[l][1] = g->layer[l].w.pulses_down;
    }
}

void chip_gather(const struct chip *c, struct ssnn *g)
{
    struct chip *cm = (struct chip *)c;     /* move_streams(.., 0) only reads the cores */
    for (int l = 0; l < g->depth; l++) {
        g->layer[l].w.pulses_up = c->base_pulses[l][0];
        g->layer[l].w.pulses_down = c->base_pulses[l][1];
        g->layer[l].c = c->base_layer[l];
    }
    g->w_out.pulses_up = c->base_w2[0];
    g->w_out.pulses_down = c->base_w2[1];
    g->c = c->base;
    /* the originals only: a mirror holds copies of states the layer above owns */
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        struct rpu_array *whole = matrix_of(g, q);
        for (int t = 0; t < q->n_tiles; t++) {
            copy_block(whole, &q->tiles[t], 0);
            whole->pulses_up += q->tiles[t].cells.pulses_up;
            whole->pulses_down += q->tiles[t].cells.pulses_down;
        }
        ssnn_counters_add(&g->c, &q->sc, NULL);
        if (q->role != CORE_INPUT) ssnn_layer_counters_add(&g->layer[q->layer].c, &q->lc, NULL);
    }
    move_streams(cm, &g->train, 0);
}

/* ---- the clock ----------------------------------------------------------- */

void chip_count_flit(struct chip *c, const struct flit *f)
{
    struct core_counters *q = &c->at[f->src]->c;
    if (f->dst == f->src) {
        c->c.local_flits++;
        q->sent_local++;
        return;
    }
    int dx = abs(c->xy[f->dst][0] - c->xy[f->src][0]), dy = abs(c->xy[f->dst][1] - c->xy[f->src][1]);
    c->c.flits++;
    c->c.hops += (uint64_t)(dx + dy);
    c->c.class_flits[f->tclass]++;
    c->c.class_hops_ew[f->tclass] += (uint64_t)dx;
    c->c.class_hops_ns[f->tclass] += (uint64_t)dy;
    c->c.class_routers[f->tclass] += (uint64_t)(dx + dy + 1);
    q->sent_hops_ew[f->tclass] += (uint64_t)dx;
    q->sent_hops_ns[f->tclass] += (uint64_t)dy;
    q->sent_routers[f->tclass] += (uint64_t)(dx + dy + 1);
    if (c->xlink_cycles) {
        /* XY routes cross every chip boundary between the two columns, then rows */
        int xs = c->xy[f->src][0] / c->chip_w, xd = c->xy[f->dst][0] / c->chip_w;
        int ys = c->xy[f->src][1] / c->chip_h, yd = c->xy[f->dst][1] / c->chip_h;
        int cross = abs(xd - xs) + abs(yd - ys);
        if (!cross) return;
        c->c.interchip_flits++;
        c->c.interchip_hops += (uint64_t)cross;
        c->c.interchip_flit_cycles += (uint64_t)cross * (uint64_t)c->xlink_cycles;
        c->c.class_interchip_hops[f->tclass] += (uint64_t)cross;
        q->sent_interchip[f->tclass] += (uint64_t)cross;
    }
}

/* Hands the flits the cores produced to the network (or to the sender itself). */
static void dispatch(struct chip *c)
{
    for (int i = 0; i < c->out.n; i++) {
        const struct flit *f = &c->out.f[i];
        if (f->dst == f->src) fifo_push(&local_q(c)[f->dst], f);
        else mesh_inject(c->mesh, f->src, f);
        chip_count_flit(c, f);
    }
    c->out.n = 0;
}

void chip_stall_message(const struct chip *c, uint64_t now, const char *why, char *err, size_t errlen)
{
    char waiting[400] = "";
    for (int k = 0; !why[0] && k < c->n_cores; k++) {
        const struct core *q = &c->cores[k];
        if (q->state == CS_FWD_IN || q->state == CS_BACK_IN) {
            snprintf(waiting, sizeof waiting, "core %d at router (%d,%d) waits with %d of %d phase markers "
                     "and %llu of %llu announced spikes", k, q->node % c->mesh_x, q->node / c->mesh_x,
                     q->markers_seen, q->markers_needed, (unsigned long long)q->spikes_seen,
                     (unsigned long long)q->spikes_announced);
            break;
        }
    }
    snprintf(err, errlen, "chip stalled at cycle %llu: no flit in flight, no core computing, %d of %d "
             "cores reported to the barrier; %s", (unsigned long long)now, c->master->barrier_count,
             c->master->n_cores, why[0] ? why : waiting);
}

/* The master's RELEASE to every core starts the step (the master's rank sends it). */
static void release(struct chip *c)
{
    struct core *m = c->master;
    m->barrier_count = 0;
    for (int k = 0; k < c->n_cores && c->mine[0]; k++) {
        struct flit f = { .src = (uint16_t)m->node, .dst = (uint16_t)c->cores[k].node, .stream = SS_RELEASE,
                          .tclass = TC_CONTROL, .head = 1, .tail = 1, .step = c->sh.step, .born = c->c.cycles };
        outbox_push(&c->out, &f);
        m->c.releases++;
    }
    dispatch(c);
}

/* The cores' half of cycle `now`: computations that end finish, and each core
 * takes at most one delivered flit. Lowers *next_done to the later completions
 * it sees. 1 with a message when a core refuses a flit. */
static int cores_cycle(struct chip *c, uint64_t now, uint64_t *next_done, char *err, size_t errlen)
{
    for (int i = 0; i < c->n_own; i++) {
        int k = c->own[i];
        struct core *q = &c->cores[k];
        if (q->state == CS_COMPUTE) {
            if (q->busy_until <= now) core_finish(q, now, &c->out);
            else if (q->busy_until < *next_done) *next_done = q->busy_until;
        }
        struct flit f;
        const struct chip_door *d = &c->door[k];
        if (fifo_pop(d->local, &f) || (d->ej->count && mesh_eject(c->mesh, q->node, &f))) {
            core_receive(q, &f, now, &c->out);
            if (q->fault[0]) {
                snprintf(err, errlen, "cycle %llu: core %d at router (%d,%d) %s", (unsigned long long)now, k,
                         q->node % c->mesh_x, q->node / c->mesh_x, q->fault);
                return 1;
            }
        }
    }
    return 0;
}

/* The network's half of cycle `now`, while flits are in flight. 1 with a message
 * when the mesh fails or delivers a flit where no core takes it. */
static int network_cycle(struct chip *c, uint64_t now, char *err, size_t errlen)
{
    if (mesh_step(c->mesh, err, errlen)) return 1;
    c->sync->mesh_stepped(c);
    if (c->waves) chip_waves_cycle(c->waves, now);
    if (mesh_active_routers(c->mesh)) return 0;
    /* Only ejection queues hold flits: one may sit where no core takes it. */
    for (int n = 0; n < c->mesh_x * c->mesh_y; n++) {
        struct flit f;
        if (!c->at[n] && mesh_eject(c->mesh, n, &f)) {
            snprintf(err, errlen, "cycle %llu: router (%d,%d) delivered a flit (stream %u, from node %u) "
                     "to a node that hosts no core", (unsigned long long)now, n % c->mesh_x, n / c->mesh_x,
                     f.stream, f.src);
            return 1;
        }
    }
    return 0;
}

/* The earliest computation of this process's cores to end, or UINT64_MAX. */
static uint64_t own_next_done(const struct chip *c)
{
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < c->n_own; i++) {
        const struct core *q = &c->cores[c->own[i]];
        if (q->state == CS_COMPUTE && q->busy_until < next) next = q->busy_until;
    }
    return next;
}

/* Nothing in the network and no flit a core sent itself: the clock jumps to the
 * next computation's end (next_done: the earliest the cores' half saw), or, with
 * no core computing, the step is stalled. */
static int idle(struct chip *c, const struct chip_agreement *a, uint64_t now, uint64_t next_done, char *err,
                size_t errlen)
{
    if (!a->computing) {
        /* Something was lost: say where the books do not balance. */
        char why[600] = "";
        mesh_check(c->mesh, why, sizeof why);
        chip_stall_message(c, now, why, err, errlen);
        return -1;
    }
    uint64_t own = own_next_done(c);
    if (own < next_done) next_done = own;
    next_done = c->sync->next_event(c, next_done);
    if (next_done > c->c.cycles) c->c.cycles = next_done;
    return 0;
}

/* --check at the end of a step: no flit left anywhere, every credit home. Each
 * process checks its own routers; the flits in flight are counted over all. */
static int check_conservation(struct chip *c, const struct chip_agreement *a, char *err, size_t errlen)
{
    int failed = mesh_check(c->mesh, err, errlen) != 0;
    if (!failed && (a->in_flight || a->local)) {
        snprintf(err, errlen, "conservation violated at the end of step %u (cycle %llu): %lld flits still in "
                 "flight", c->sh.step, (unsigned long long)c->c.cycles, (long long)(a->in_flight + a->local));
        failed = 1;
    }
    return c->sync->any_failed(c, failed, err, errlen);
}

/* The native clock of one step: RELEASE from the master, cycles until every
 * core has reported. Each cycle the cores act, then every process agrees on what
 * the clock reads off the whole chip (c->sync), then the network steps. */
static int clock_step(struct chip *c, char *err, size_t errlen)
{
    release(c);
    struct chip_agreement a = { 0 };
    int failed = 0;                 /* this process failed: all stop at the next agreement */
    for (;;) {
        uint64_t now = c->c.cycles, next_done = UINT64_MAX;
        if (!failed) failed = cores_cycle(c, now, &next_done, err, errlen);
        dispatch(c);
        if (c->sync->agree(c, failed, &a, err, errlen)) return -1;
        if (a.done) break;
        if (a.in_flight) failed = network_cycle(c, now, err, errlen);
        c->c.cycles++;
        if (!a.in_flight && !a.local && idle(c, &a, now, next_done, err, errlen)) return -1;
    }
    c->output->winner = (int)a.winner - 1;
    return c->check ? check_conservation(c, &a, err, errlen) : 0;
}

/* This process's routers, ejection queues and self-sent queues hold no flit: its
 * part of the system can only compute until the next window's boundary traffic. */
static int own_network_idle(const struct chip *c)
{
    if (mesh_active_routers(c->mesh)) return 0;
    for (int i = 0; i < c->n_own; i++)
        if (c->door[c->own[i]].local->n || c->door[c->own[i]].ej->count) return 0;
    return 1;
}

/* Moves this process's clock (the chip's and its mesh's, which run together on a
 * system, `off` apart: the chip's counters restart for inference, the mesh's
 * clock never does) forward to `t` over cycles in which nothing happens here. */
static void jump_to(struct chip *c, uint64_t t, uint64_t off)
{
    if (t <= c->c.cycles) return;
    c->c.cycles = t;
    if (mesh_set_cycle(c->mesh, t + off)) {
        fprintf(stderr, "ssnnsim: internal error: the mesh clock cannot jump with routers active\n");
        abort();
    }
}

/* --check at the end of a system's step: every process's routers empty and their
 * credits home (the flits in flight were counted when the barrier completed). */
static int check_conservation_system(struct chip *c, char *err, size_t errlen)
{
    return c->sync->any_failed(c, mesh_check(c->mesh, err, errlen) != 0, err, errlen);
}

/* A system's clock (docs/system.md "Barrier"). The step ends barrier_cycles (D)
 * after the cycle the master saw the last report; the mesh's clock runs with the
 * chip's. Each process decides a window of W <= D cycles alone: nothing another
 * process does in it reaches this one before its end (W is at most the inter-chip
 * links' latency, every rank boundary being one), and a barrier completed in it
 * ends the step no earlier than the window's end. At each window's end the
 * processes agree on the barrier, failures, and the next cycle anything happens
 * (to skip idle windows together). One process runs the same windows, so any
 * number of ranks computes the same cycles. */
static int clock_step_system(struct chip *c, char *err, size_t errlen)
{
    const uint64_t W = c->window, D = c->barrier_cycles;
    const uint64_t off = mesh_cycle(c->mesh) - c->c.cycles;    /* windows are the mesh clock's */
    release(c);
    uint64_t seen = UINT64_MAX;         /* the cycle the master (if here) saw the last report */
    uint64_t end = UINT64_MAX;          /* the step's end, once agreed */
    int failed = 0, owns_master = c->mine[0];
    struct chip_window w = { 0 };
    int64_t winner = 0;
    for (;;) {
        uint64_t now = c->c.cycles, next_done = UINT64_MAX;
        if (now >= end) break;
        if (!failed) failed = cores_cycle(c, now, &next_done, err, errlen);
        dispatch(c);
        if (owns_master && seen == UINT64_MAX && core_barrier_complete(c->master)) seen = now;
        if (!failed && mesh_step(c->mesh, err, errlen)) failed = 1;
        if (c->waves) chip_waves_cycle(c->waves, now);
        c->c.cycles = now + 1;
        uint64_t wend = ((now + off) / W + 1) * W - off;
        int quiet = !failed && own_network_idle(c);    /* jumping changes nothing in the network */
        if (quiet) {
            /* only computations end here before the window does */
            uint64_t t = own_next_done(c);
            if (t > wend) t = wend;
            if (t > end) t = end;
            jump_to(c, t, off);
        }
        if (c->c.cycles < wend) continue;
        uint64_t next = quiet ? own_next_done(c) : c->c.cycles;
        if (c->sync->window(c, failed, seen, next, &w, err, errlen)) return -1;
        if (end == UINT64_MAX && w.done_at != UINT64_MAX) {
            end = w.done_at + D;
            winner = w.winner;
            if (c->check && w.in_flight) {
                snprintf(err, errlen, "conservation violated at the end of step %u (cycle %llu): %lld flits still "
                         "in flight", c->sh.step, (unsigned long long)w.done_at, (long long)w.in_flight);
                failed = 1;
            }
            if (c->sync->any_failed(c, failed, err, errlen)) return -1;
        }
        if (w.next == UINT64_MAX && end == UINT64_MAX) {
            /* nothing in flight, nothing computing, the barrier incomplete */
            char why[600] = "";
            mesh_check(c->mesh, why, sizeof why);
            chip_stall_message(c, c->c.cycles, why, err, errlen);
            return -1;
        }
        /* Every process idle until w.next: all skip there together. */
        uint64_t t = w.next < end ? w.next : end;
        if (t > c->c.cycles && own_network_idle(c)) jump_to(c, t, off);
    }
    c->output->winner = (int)winner - 1;
    return c->check ? check_conservation_system(c, err, errlen) : 0;
}

/* One time step on whichever clock the chip has, and its timing statistics. */
static int run_step(struct chip *c, uint32_t t, char *err, size_t errlen)
{
    uint64_t start = c->c.cycles;
    if (c->waves) chip_waves_step(c->waves, start, c->wave_sample, t);
    int rc = c->engine.run_step ? c->engine.run_step(c->engine.ctx, t, err, errlen)
             : c->window          ? clock_step_system(c, err, errlen)
                                  : clock_step(c, err, errlen);
    if (rc) return -1;
    uint64_t len = c->c.cycles - start;
    if (!c->c.steps || len < c->c.step_cycles_min) c->c.step_cycles_min = len;
    if (len > c->c.step_cycles_max) c->c.step_cycles_max = len;
    c->c.steps++;
    return 0;
}

static int run_sample(struct chip *c, const uint8_t *pixels, int label, int T, uint32_t gate_q, uint32_t *wins,
                      char *err, size_t errlen)
{
    c->sh.pixels = pixels;
    c->sh.label = label;
    c->sh.gate_q = gate_q;
    memset(wins, 0, (size_t)c->sh.n_out * sizeof *wins);
    for (int t = 0; t < T; t++) {
        c->sh.step = ++c->step_id;
        if (run_step(c, (uint32_t)t, err, errlen)) return -1;
        wins[c->output->winner]++;
    }
    c->c.samples++;
    c->wave_sample++;
    int best = 0;
    for (int k = 1; k < c->sh.n_out; k++)
        if (wins[k] > wins[best]) best = k;
    return best;
}

int chip_train_sample(struct chip *c, const uint8_t *pixels, int label, int T, uint32_t gate_q,
                      char *err, size_t errlen)
{
    uint32_t wins[1024];
    int r = run_sample(c, pixels, label, T, gate_q, wins, err, errlen);
    if (r >= 0) c->output->sc.samples++;
    return r;
}

static void add_crossbars(struct crossbar_counters *d, const struct crossbar *x, int n)
{
    for (int i = 0; i < n; i++) crossbar_counters_add(d, &x[i].c, NULL);
}

void chip_totals(const struct chip *c, struct chip_totals *t)
{
    memset(t, 0, sizeof *t);
    for (int k = 0; k < c->n_cores; k++) {
        const struct core *q = &c->cores[k];
        ssnn_counters_add(&t->sc, &q->sc, NULL);
        core_counters_add(&t->core, &q->c, NULL);
        add_crossbars(q->role == CORE_HIDDEN ? &t->w1 : &t->w2, q->tiles, q->n_tiles);
        add_crossbars(&t->wm, q->mirror, q->n_mirror);
    }
    t->chip = c->c;
}

int chip_core_part(const struct chip *c, const struct core *q)
{
    int L = c->sh.depth > 1 ? c->sh.depth : 1;
    return q->role == CORE_INPUT ? 0 : q->role == CORE_HIDDEN ? 1 + (c->sh.depth > 1 ? q->layer : 0) : L + 1;
}

void chip_part_totals(const struct chip *c, int infer, struct chip_totals *part, int *cores, int *routers)
{
    int L = c->sh.depth > 1 ? c->sh.depth : 1, n = CHIP_PARTS(L);
    const struct chip_counters *cc = infer ? &c->infer.chip : &c->c;
    for (int p = 0; p < n; p++) {
        memset(&part[p], 0, sizeof part[p]);
        part[p].chip.cycles = cc->cycles;
        part[p].chip.steps = cc->steps;
        part[p].chip.samples = cc->samples;
        cores[p] = routers[p] = 0;
    }
    for (int k = 0; k < c->n_cores; k++) {
        const struct core *q = &c->cores[k];
        int p = chip_core_part(c, q);
        struct chip_totals *t = &part[p];
        struct crossbar_counters *w = q->role == CORE_HIDDEN ? &t->w1 : &t->w2;
        const struct core_counters *qc = infer ? &c->infer_core[k].core : &q->c;
        if (infer) {
            crossbar_counters_add(w, &c->infer_core[k].tiles, NULL);
            crossbar_counters_add(&t->wm, &c->infer_core[k].mirror, NULL);
        } else {
            add_crossbars(w, q->tiles, q->n_tiles);
            add_crossbars(&t->wm, q->mirror, q->n_mirror);
        }
        core_counters_add(&t->core, qc, NULL);
        t->chip.local_flits += qc->sent_local;
        for (int tc = 0; tc < TC_COUNT; tc++) {
            t->chip.class_hops_ew[tc] += qc->sent_hops_ew[tc];
            t->chip.class_hops_ns[tc] += qc->sent_hops_ns[tc];
            t->chip.class_routers[tc] += qc->sent_routers[tc];
            t->chip.class_interchip_hops[tc] += qc->sent_interchip[tc];
        }
        cores[p]++;
        routers[p]++;   /* the router of its node */
    }
    routers[n - 1] = c->mesh_x * c->mesh_y - c->n_cores;
}

const struct mesh_counters *chip_noc_counters(const struct chip *c)
{
    return c->engine.noc_counters ? c->engine.noc_counters(c->engine.ctx) : mesh_counters(c->mesh);
}

/* Parks (save = 1) or restores every core and tile counter. */
static void park_counters(struct chip *c, int save)
{
    int x = 0;
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        if (save) {
            c->save_c[k] = q->c;
            c->save_sc[k] = q->sc;
            c->save_lc[k] = q->lc;
        } else {
            q->c = c->save_c[k];
            q->sc = c->save_sc[k];
            q->lc = c->save_lc[k];
        }
        for (int i = 0; i < q->n_tiles; i++, x++) {
            if (save) c->save_x[x] = q->tiles[i].c;
            else q->tiles[i].c = c->save_x[x];
        }
        for (int i = 0; i < q->n_mirror; i++, x++) {
            if (save) c->save_x[x] = q->mirror[i].c;
            else q->mirror[i].c = c->save_x[x];
        }
    }
}

/* Adds what each core counted since park_counters saved it to its inference account. */
static void infer_core_add(struct chip *c)
{
    int x = 0;
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        struct chip_core_account *a = &c->infer_core[k];
        core_counters_add(&a->core, &q->c, &c->save_c[k]);
        for (int i = 0; i < q->n_tiles; i++, x++) crossbar_counters_add(&a->tiles, &q->tiles[i].c, &c->save_x[x]);
        for (int i = 0; i < q->n_mirror; i++, x++) crossbar_counters_add(&a->mirror, &q->mirror[i].c, &c->save_x[x]);
    }
}

int chip_infer_wta(struct chip *c, struct ssnn_streams *st, const uint8_t *pixels, int T, uint32_t *wins,
                   char *err, size_t errlen)
{
    /* Inference leaves the training streams and counters as they were; what it
     * cost goes to its own account. */
    struct chip_totals before, after;
    chip_totals(c, &before);
    park_counters(c, 1);
    struct chip_counters saved_chip = c->c;
    move_streams(c, &c->saved, 0);
    move_streams(c, st, 1);
    int r = run_sample(c, pixels, -1, T, 0, wins, err, errlen);
    move_streams(c, st, 0);
    move_streams(c, &c->saved, 1);
    chip_totals(c, &after);
    chip_totals_add(&c->infer, &after, &before);
    infer_core_add(c);
    /* ssnn_infer_wta counts its samples too; partitioned, the output core's rank does. */
    int out_k = (int)(c->output - c->cores);
    if (c->mine[out_k]) c->infer.sc.samples++;
    c->infer.chip.step_cycles_min = saved_chip.step_cycles_min;
    c->infer.chip.step_cycles_max = saved_chip.step_cycles_max;
    for (int k = 0; k < c->n_cores; k++)
        ssnn_layer_counters_add(&c->infer_lc[k], &c->cores[k].lc, &c->save_lc[k]);
    park_counters(c, 0);
    c->c = saved_chip;
    return r;
}

void chip_infer_layers(const struct chip *c, struct ssnn_layer_counters *layer)
{
    memset(layer, 0, (size_t)c->sh.depth * sizeof *layer);
    for (int k = 0; k < c->n_cores; k++)
        if (c->cores[k].role != CORE_INPUT)
            ssnn_layer_counters_add(&layer[c->cores[k].layer], &c->infer_lc[k], NULL);
}

void chip_set_pulse_steps(struct chip *c, int k)
{
    for (int i = 0; i < c->n_cores; i++) {
        struct core *q = &c->cores[i];
        for (int t = 0; t < q->n_tiles; t++) rpu_set_pulse_steps(&q->tiles[t].cells, k * q->pulse_scale);
        for (int t = 0; t < q->n_mirror; t++) rpu_set_pulse_steps(&q->mirror[t].cells, k * q->mirror_pulse_scale);
    }
}
