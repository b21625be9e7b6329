/* Spike waveforms of a chip run (see chip_waves.h). Signal hierarchy:
 *   chip.sample, chip.step                        sample and step index
 *   chip.core_X_Y.update_pulses                   coincidence pulses the core applied
 *   chip.core_X_Y.nNNN.x                          input core: encoder spikes
 *   chip.core_X_Y.nNNN.{fwd,deriv,back_pos,back_neg,grad_pos,grad_neg,membrane,prob}
 *   chip.core_X_Y.nNNN.{membrane,win,err_pos,err_neg}   output core
 *   chip.core_X_Y.winner                          output core: WTA winner
 *   chip.core_X_Y.energy_fj                       dynamic energy the core has spent (technology of the run)
 * At depth L > 1 a core's scope names its layer (core_X_Y_in, core_X_Y_h<l>,
 * core_X_Y_out) and the save file groups the cores of each layer.
 *   chip.router_X_Y.*                             router ports (sim/mesh_waves.h)
 * Membranes are the integer sums in device states, probabilities q0.16. */
#include "chip_waves.h"
#include "chip.h"
#include "config.h"
#include "energy_shape.h"
#include "mesh_waves.h"
#include "waves.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_EVENTS (EV_PULSES + 1)

struct core_sigs {
    int dumped;
    int n;                  /* neurons with signals */
    int *id;                /* [N_EVENTS * n], -1 where the neuron has no such signal */
    int pulses, winner, energy;
};

struct chip_waves {
    struct waves *w;
    struct chip *chip;
    struct wave_select sel;
    struct core_sigs *cs;
    int sig_sample, sig_step;
    struct mesh_waves *routers; /* of the dumped cores */
    struct energy_shape shape;
    int active;
    uint64_t count[N_EVENTS];
};

static const char *const event_name[N_EVENTS] = {
    [EV_INPUT] = "x", [EV_FWD] = "fwd", [EV_DERIV] = "deriv", [EV_MEMBRANE] = "membrane",
    [EV_PROB] = "prob", [EV_BACK_POS] = "back_pos", [EV_BACK_NEG] = "back_neg", [EV_GRAD_POS] = "grad_pos",
    [EV_GRAD_NEG] = "grad_neg", [EV_WIN] = "win", [EV_ERR_POS] = "err_pos", [EV_ERR_NEG] = "err_neg",
};

/* The signals each role's neurons carry, in the order they appear. */
static const int input_events[] = { EV_INPUT, -1 };
static const int hidden_events[] = { EV_FWD, EV_DERIV, EV_BACK_POS, EV_BACK_NEG, EV_GRAD_POS, EV_GRAD_NEG,
                                     EV_MEMBRANE, EV_PROB, -1 };
static const int output_events[] = { EV_WIN, EV_ERR_POS, EV_ERR_NEG, EV_MEMBRANE, -1 };

static void observe(void *ctx, const struct core *k, int event, int neuron, int64_t value, uint64_t cycle)
{
    struct chip_waves *cw = ctx;
    if (!cw->active) return;
    if (cw->sel.cycle_last && (cycle < cw->sel.cycle_first || cycle > cw->sel.cycle_last)) return;
    if (cycle < cw->sel.cycle_first) return;
    struct core_sigs *s = &cw->cs[k - cw->chip->cores];
    if (event == EV_PULSES) {
        waves_pulse_value(cw->w, s->pulses, cycle, (uint64_t)value);
        return;
    }
    if (event == EV_WIN) waves_set(cw->w, s->winner, cycle, (uint64_t)neuron);
    if (neuron >= s->n) return;
    int id = s->id[event * s->n + neuron];
    if (id < 0) return;
    cw->count[event]++;
    if (event == EV_MEMBRANE) waves_set(cw->w, id, cycle, (uint64_t)(uint32_t)(int32_t)value);
    else if (event == EV_PROB) waves_set(cw->w, id, cycle, (uint64_t)value);
    else waves_pulse(cw->w, id, cycle);
}

static void on_switch(void *ctx, uint64_t mesh_cycle, int node, int in_port, int out_port, int out_vc,
                      const struct flit *f)
{
    /* The mesh keeps its own clock (it does not tick while empty); the chip's is
     * the one every other signal uses, and the mesh steps within its cycle. */
    struct chip_waves *cw = ctx;
    uint64_t cycle = cw->chip->c.cycles;
    (void)mesh_cycle;
    (void)in_port;
    (void)out_vc;
    (void)f;
    if (!cw->active || cycle < cw->sel.cycle_first || (cw->sel.cycle_last && cycle > cw->sel.cycle_last)) return;
    mesh_waves_switch(cw->routers, cycle, node, out_port);
}

/* The layer a core's scope names at depth: "_in", "_h<l>", "_out". */
static const char *suffix(const struct core *q, char *buf, size_t n)
{
    if (q->role == CORE_HIDDEN) snprintf(buf, n, "_h%d", q->layer + 1);
    else snprintf(buf, n, "%s", q->role == CORE_INPUT ? "_in" : "_out");
    return buf;
}

/* Parses "all" or "0,3,6" into the dumped flags. */
static int parse_cores(struct chip_waves *cw, char *err, size_t errlen)
{
    const char *s = cw->sel.cores;
    int n = cw->chip->n_cores;
    if (!*s || !strcmp(s, "all")) {
        for (int k = 0; k < n; k++) cw->cs[k].dumped = 1;
        return 0;
    }
    while (*s) {
        char *end;
        long k = strtol(s, &end, 10);
        if (end == s || k < 0 || k >= n || (*end && *end != ',')) {
            char at[600];
            snprintf(err, errlen, "%s: waves.cores: '%s' is not a list of core indices 0..%d (placement order)",
                     config_where(cw->chip->cfg, "waves.cores", at, sizeof at), cw->sel.cores, n - 1);
            return -1;
        }
        cw->cs[k].dumped = 1;
        s = *end ? end + 1 : end;
    }
    return 0;
}

/* Declares every scope and signal in the order the waveform viewer lists them;
 * long because the declaration order is the output's, read top to bottom. */
struct chip_waves *chip_waves_open(struct chip *c, const char *path, const struct wave_select *sel,
                                   char *err, size_t errlen)
{
    struct chip_waves *cw = calloc(1, sizeof *cw);
    cw->chip = c;
    cw->sel = *sel;
    cw->cs = calloc((size_t)c->n_cores, sizeof *cw->cs);
    if (parse_cores(cw, err, errlen)) {
        free(cw->cs);
        free(cw);
        return NULL;
    }
    cw->w = waves_open(path, err, errlen);
    if (!cw->w) {
        free(cw->cs);
        free(cw);
        return NULL;
    }
    struct waves *w = cw->w;
    waves_zoom(w, -8);      /* about two time steps of the default chip across the window */
    waves_timestart(w, sel->cycle_first);
    waves_scope(w, "chip");
    cw->sig_sample = waves_var(w, "sample", 32, 0);
    cw->sig_step = waves_var(w, "step", 32, 0);
    char name[64];
    int group_part = -1;
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        struct core_sigs *s = &cw->cs[k];
        if (!s->dumped) continue;
        const int *evs = q->role == CORE_INPUT ? input_events : q->role == CORE_HIDDEN ? hidden_events : output_events;
        s->n = q->role == CORE_OUTPUT ? q->count : (sel->neurons < q->count ? sel->neurons : q->count);
        s->id = malloc((size_t)N_EVENTS * (size_t)(s->n ? s->n : 1) * sizeof *s->id);
        for (int i = 0; i < N_EVENTS * s->n; i++) s->id[i] = -1;
        /* Open on what tells the story: the output core, and the first hidden core
         * with its first two neurons. */
        int show = q->role == CORE_OUTPUT || (q->role == CORE_HIDDEN && q->index == 0);
        int x = q->node % c->mesh_x, y = q->node / c->mesh_x;
        if (c->chips_x * c->chips_y > 1)    /* a system: the chip, then the core's place on it */
            snprintf(name, sizeof name, "chip_%d_%d_core_%d_%d", x / c->chip_w, y / c->chip_h, x % c->chip_w,
                     y % c->chip_h);
        else
            snprintf(name, sizeof name, "core_%d_%d", x, y);
        if (c->sh.depth > 1) {
            /* depth: a core's scope names its layer (core_X_Y_in, core_X_Y_h2 for
             * hidden layer 2, core_X_Y_out), and the save file groups the cores of
             * a layer under its name, in the order of the energy report's by_layer */
            int part = chip_core_part(c, q);
            char group[32];
            snprintf(name + strlen(name), sizeof name - strlen(name), "%s", suffix(q, group, sizeof group));
            if (part != group_part) {
                energy_part_name(part, CHIP_PARTS(c->sh.depth), group, sizeof group);
                waves_group(w, group, show);
                group_part = part;
            }
        }
        waves_scope_view(w, name, show);
        s->pulses = waves_var(w, "update_pulses", 16, 0);
        s->energy = waves_var(w, "energy_fj", 64, 0);
        s->winner = q->role == CORE_OUTPUT ? waves_var(w, "winner", 8, 0) : -1;
        for (int j = 0; j < s->n; j++) {
            snprintf(name, sizeof name, "n%03d", q->first + j);
            waves_scope_view(w, name, show && (q->role == CORE_OUTPUT || j < 2));
            for (int e = 0; evs[e] >= 0; e++) {
                int ev = evs[e];
                int width = ev == EV_MEMBRANE ? 32 : ev == EV_PROB ? 17 : 1;
                s->id[ev * s->n + j] = waves_var(w, event_name[ev], width, ev == EV_MEMBRANE);
            }
            waves_upscope(w);
        }
        waves_upscope(w);
        q->observe = observe;
        q->observe_ctx = cw;
    }
    waves_group_end(w);
    /* Routers of the dumped cores. Their buffers and credits are sampled for a
     * while after each traversal nearby: until the credit is back upstream. */
    energy_shape_init(&cw->shape, c->cfg, c->n_cores);
    int nodes = c->mesh_x * c->mesh_y;
    unsigned char *routers = calloc((size_t)nodes, 1);
    for (int k = 0; k < c->n_cores; k++)
        if (cw->cs[k].dumped) routers[c->cores[k].node] = 1;
    const struct router_cfg *rc = &c->cfg->chip.router;
    /* a credit comes back over the longest link there is */
    uint64_t link = (uint64_t)(c->xlink_cycles > rc->link_latency ? c->xlink_cycles : rc->link_latency);
    cw->routers = mesh_waves_declare_chips(w, c->mesh_x, c->mesh_y, c->chip_w, c->chip_h, routers,
                                           2 + link + (uint64_t)rc->pipeline);
    free(routers);
    waves_upscope(w);
    mesh_set_trace(c->mesh, on_switch, cw);
    return cw;
}

void chip_waves_cycle(struct chip_waves *cw, uint64_t cycle)
{
    if (!cw->active || cycle < cw->sel.cycle_first || (cw->sel.cycle_last && cycle > cw->sel.cycle_last)) return;
    mesh_waves_sample(cw->routers, cw->chip->mesh, cycle);
}

/* Dynamic energy of one core's own events (crossbar, units, draws, flits it sent),
 * priced by the run's technology. */
static uint64_t core_energy_fj(struct chip_waves *cw, const struct core *q)
{
    struct chip_totals t;
    memset(&t, 0, sizeof t);
    t.core = q->c;
    struct crossbar_counters *w = q->role == CORE_HIDDEN ? &t.w1 : &t.w2;
    for (int i = 0; i < q->n_tiles; i++) crossbar_counters_add(w, &q->tiles[i].c, NULL);
    /* a mirror is only read backward: its forward counters stay 0 */
    for (int i = 0; i < q->n_mirror; i++) crossbar_counters_add(&t.wm, &q->mirror[i].c, NULL);
    struct energy_account a;
    energy_compute(&cw->chip->cfg->tech, &cw->shape, &t, &a);
    int64_t fj = energy_total_fj(&a);
    return fj > 0 ? (uint64_t)fj : 0;
}

void chip_waves_step(struct chip_waves *cw, uint64_t cycle, uint64_t sample, uint32_t step)
{
    cw->active = (int64_t)sample >= cw->sel.sample_first &&
                 (cw->sel.samples <= 0 || (int64_t)sample < cw->sel.sample_first + cw->sel.samples);
    if (!cw->active || cycle < cw->sel.cycle_first || (cw->sel.cycle_last && cycle > cw->sel.cycle_last)) return;
    waves_set(cw->w, cw->sig_sample, cycle, sample);
    waves_set(cw->w, cw->sig_step, cycle, step);
    for (int k = 0; k < cw->chip->n_cores; k++)
        if (cw->cs[k].dumped) waves_set(cw->w, cw->cs[k].energy, cycle, core_energy_fj(cw, &cw->chip->cores[k]));
}

uint64_t chip_waves_count(const struct chip_waves *cw, int event) { return cw->count[event]; }

int chip_waves_close(struct chip_waves *cw, char *err, size_t errlen)
{
    for (int k = 0; k < cw->chip->n_cores; k++) {
        cw->chip->cores[k].observe = NULL;
        free(cw->cs[k].id);
    }
    mesh_set_trace(cw->chip->mesh, NULL, NULL);
    int rc = waves_close(cw->w, err, errlen);
    free(cw->cs);
    mesh_waves_free(cw->routers);
    free(cw);
    return rc;
}
