/* The energy model (models/energy.c): its breakdowns add up exactly, every
 * constant moves only its own share, energy is linear in the event counts, an
 * idle chip or router costs only its leakage, and the simulator's figure for a
 * tiny chip matches a hand computation to the femtojoule, both from counters set
 * by hand and from a real one-sample inference whose counts follow from the
 * mapping. Plus: router events priced per traffic class match the router's own
 * counts, the RRAM pulse is derived from V, G, t and C, the Pareto front, and
 * every constant in workloads/tech/ carries a unit and a source. */
#include "bars.h"
#include "check.h"
#include "chip.h"
#include "config.h"
#include "config_sets.h"
#include "energy_report.h"
#include "rng.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <dirent.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

static int load(struct config *cfg, const char *const *extra, int n_extra)
{
    return config_load_sets("workloads/mnist.yaml", extra, n_extra, NULL, 0, cfg, NULL, 0);
}

/* A technology with every constant non-zero and every per-event energy a whole
 * number of femtojoules (so that sums are exact), analog terms included. */
static void full_tech(struct tech_cfg *t)
{
    memset(t, 0, sizeof *t);
    struct tech_crossbar_cfg *x = &t->crossbar;
    x->kind = TECH_ANALOGUE;                    /* k write pulses per coincidence of amplitude k */
    x->e_cell_read_pj = 0.5; x->e_line_drive_pj = 0.25; x->e_convert_pj = 1.5; x->e_pulse_pj = 2.0;
    x->g_min_us = 1; x->g_max_us = 3;           /* G = 2 uS */
    x->v_read_v = 0.5; x->t_read_ns = 4;        /* 0.25 * 2 * 4 = 2 fJ per cell */
    x->v_write_v = 2; x->t_write_ns = 10;       /* 4 * 2 * 10 = 80 fJ selected, 20 fJ per half-selected */
    x->c_wire_ff_per_cell = 1;                  /* C_row = 4 fF, C_col = 8 fF */
    x->half_select = 1;
    struct tech_neuron_cfg *u = &t->neuron;
    u->e_encoder_pj = 0.125; u->e_forward_pj = 3; u->e_output_pj = 4; u->e_derivative_pj = 0.75;
    u->e_gradient_pj = 0.5; u->e_backward_gen_pj = 2.5; u->e_wta_pj = 6; u->e_rng_pj = 0.1; u->e_barrier_pj = 1.7;
    struct tech_noc_cfg *n = &t->noc;
    n->e_local_pj = 1.25; n->e_hop_ew_pj = 3; n->e_hop_ns_pj = 4; n->e_buffer_write_pj = 0.75;
    n->e_buffer_read_pj = 0.5; n->e_switch_pj = 0.25; n->e_route_pj = 0.064; n->e_arbitration_pj = 0.048;
    n->e_link_pj_per_bit_mm = 0.05; n->link_mm = 1.5;
    t->stat.p_core_mw = 0.5; t->stat.p_router_mw = 0.125;
}

static void small_shape(struct energy_shape *s)
{
    memset(s, 0, sizeof *s);
    s->n_cores = 3; s->n_routers = 4; s->xbar_rows = 8; s->xbar_cols = 4;
    s->tiles_w1 = 2; s->tiles_w2 = 1; s->flit_bits = 32; s->clock_mhz = 500; s->cycles_per_hop = 3;
}

/* Every counter the energy model reads, set to a distinct value scaled by k. */
static void set_counts(struct chip_totals *t, uint64_t k)
{
    memset(t, 0, sizeof *t);
    struct core_counters *c = &t->core;
    c->encoder_updates = 11 * k; c->fwd_unit_updates = 13 * k; c->out_unit_updates = 17 * k;
    c->deriv_unit_updates = 19 * k; c->grad_unit_events = 23 * k; c->wta_decisions = 29 * k;
    c->back_gen_updates = 31 * k; c->back_gen_driven = 5 * k; c->rng_fwd = 37 * k; c->rng_back = 41 * k; c->barriers = 43 * k;
    t->w1.rows_driven = 47 * k; t->w1.cells_read = 53 * k; t->w1.update_pulses = 7 * k; t->w1.update_steps = 59 * k;
    t->w2.rows_driven = 61 * k; t->w2.cells_read = 67 * k; t->w2.back_reads = 71 * k;
    t->w2.back_cells_read = 146 * k; t->w2.update_pulses = 9 * k; t->w2.update_steps = 79 * k;
    struct chip_counters *h = &t->chip;
    h->cycles = 1009 * k; h->steps = 7 * k; h->samples = k; h->local_flits = 83 * k;
    for (int tc = 0; tc < TC_COUNT; tc++) {
        h->class_hops_ew[tc] = (89 + tc) * k;
        h->class_hops_ns[tc] = (97 + tc) * k;
        h->class_flits[tc] = (101 + tc) * k;
        h->class_routers[tc] = h->class_hops_ew[tc] + h->class_hops_ns[tc] + h->class_flits[tc];
    }
}

static int64_t sum_components(const struct energy_account *a)
{
    int64_t s = 0;
    for (int i = 0; i < EC_COUNT; i++) s += energy_component_fj(a, i);
    return s;
}

static int64_t sum_phases(const struct energy_account *a)
{
    int64_t s = 0;
    for (int p = 0; p < EP_COUNT; p++) s += energy_phase_fj(a, p);
    return s;
}

/* Four classes of 8x8 bars (as test_chip.c). */
#define NIN 64
static uint8_t bars[12][NIN], bar_labels[12];

static void make_bars(void)
{
    bars_make(&bars[0][0], bar_labels, 12, 12345, 40, 3);
}

/* A bars network (64-48-4, T = 6, beta = 8) on a chip configured by `extra`; 0 on success. */
static int bars_chip(struct config *cfg, const char *const *extra, int n_extra, struct chip *chip, struct ssnn *g)
{
    const char *base[32] = { "network.layers=[64, 48, 4]", "dataset.rows=8",
                             "dataset.cols=8", "dataset.classes=4", "training.T=6", "training.beta=8" };
    int n = 6;
    for (int i = 0; i < n_extra; i++) base[n++] = extra[i];
    if (load(cfg, base, n)) return -1;
    char err[1024];
    if (ssnn_init(g, cfg, err, sizeof err) || chip_init(chip, cfg, g, err, sizeof err)) {
        printf("init: %s\n", err);
        return -1;
    }
    return 0;
}

/* Trains a chip on the bars (and evaluates it on two of them); 0 on success. */
static int run_bars(struct config *cfg, const char *const *extra, int n_extra, struct chip *chip, struct ssnn *g)
{
    if (bars_chip(cfg, extra, n_extra, chip, g)) return -1;
    char err[1024];
    chip->check = 1;
    for (int i = 0; i < 12; i++)
        if (chip_train_sample(chip, bars[i], bar_labels[i], cfg->training.T, 65536, err, sizeof err) < 0) {
            printf("train: %s\n", err);
            return -1;
        }
    struct ssnn_streams st;
    ssnn_streams_alloc(&st, g);
    ssnn_streams_seed(&st, g, RNG_EVAL);
    uint32_t wins[4];
    for (int i = 0; i < 2; i++) chip_infer_wta(chip, &st, bars[i], 8, wins, err, sizeof err);
    ssnn_streams_free(&st);
    return 0;
}

/* ---- checks ------------------------------------------------------------- */

static void breakdowns_sum_to_the_total_exactly(void)
{
    struct tech_cfg t;
    struct energy_shape s;
    struct chip_totals c;
    struct energy_account a;
    full_tech(&t);
    small_shape(&s);
    set_counts(&c, 12345);
    energy_compute(&t, &s, &c, &a);
    CHECK(sum_components(&a) == energy_total_fj(&a) && sum_phases(&a) == energy_total_fj(&a),
          "synthetic: components %lld, phases %lld, total %lld fJ", (long long)sum_components(&a),
          (long long)sum_phases(&a), (long long)energy_total_fj(&a));
    /* the same on a real run, both technologies, both accounts */
    static struct config cfg;
    struct chip chip;
    struct ssnn g;
    const char *const techs[] = { "technology=workloads/tech/loihi.yaml", "technology=workloads/tech/rram-rpu.yaml" };
    for (int k = 0; k < 2; k++) {
        const char *x[] = { "chip.mesh_x=3", "chip.mesh_y=3", "chip.core_neurons=16", "chip.xbar_rows=65",
                            "chip.xbar_cols=16", "chip.tiles_per_core=1", techs[k] };
        if (run_bars(&cfg, x, 7, &chip, &g)) { CHECK(0, "run failed"); return; }
        struct energy_report r;
        energy_report_init(&r, &cfg, &chip);
        const struct energy_account *acc[2] = { &r.train, &r.infer };
        for (int i = 0; i < 2; i++) {
            int64_t tot = energy_total_fj(acc[i]);
            CHECK(tot > 0 && sum_components(acc[i]) == tot && sum_phases(acc[i]) == tot,
                  "%s account %d: components %lld, phases %lld, total %lld fJ", techs[k], i,
                  (long long)sum_components(acc[i]), (long long)sum_phases(acc[i]), (long long)tot);
        }
        CHECK(r.train.samples == 12 && r.infer.samples == 2, "samples %llu / %llu",
              (unsigned long long)r.train.samples, (unsigned long long)r.infer.samples);
        chip_free(&chip);
        ssnn_free(&g);
    }
}

/* Which components each constant feeds, and whether it is the only term there. */
struct knob { const char *name; size_t off; unsigned mask; int alone; };
#define B(c) (1u << (c))
#define K(field, mask, alone) { #field, offsetof(struct tech_cfg, field), mask, alone }
static const struct knob knobs[] = {
    K(crossbar.e_cell_read_pj, B(EC_XBAR_READ), 0),
    K(crossbar.e_line_drive_pj, B(EC_XBAR_READ), 0),
    K(crossbar.e_convert_pj, B(EC_XBAR_READ), 0),
    K(crossbar.e_pulse_pj, B(EC_XBAR_WRITE), 0),
    K(crossbar.g_min_us, B(EC_XBAR_READ) | B(EC_XBAR_WRITE), 0),
    K(crossbar.g_max_us, B(EC_XBAR_READ) | B(EC_XBAR_WRITE), 0),
    K(crossbar.v_read_v, B(EC_XBAR_READ), 0),
    K(crossbar.t_read_ns, B(EC_XBAR_READ), 0),
    K(crossbar.v_write_v, B(EC_XBAR_WRITE), 0),
    K(crossbar.t_write_ns, B(EC_XBAR_WRITE), 0),
    K(crossbar.c_wire_ff_per_cell, B(EC_XBAR_READ) | B(EC_XBAR_WRITE), 0),
    K(neuron.e_encoder_pj, B(EC_ENCODER), 1),
    K(neuron.e_forward_pj, B(EC_NEURON_FWD), 1),
    K(neuron.e_output_pj, B(EC_NEURON_OUT), 1),
    K(neuron.e_derivative_pj, B(EC_NEURON_DERIV), 1),
    K(neuron.e_gradient_pj, B(EC_NEURON_GRAD), 1),
    K(neuron.e_backward_gen_pj, B(EC_BACKWARD_GEN), 1),
    K(neuron.e_wta_pj, B(EC_WTA), 1),
    K(neuron.e_rng_pj, B(EC_RNG), 1),
    K(neuron.e_barrier_pj, B(EC_BARRIER), 1),
    K(noc.e_local_pj, B(EC_LOCAL), 1),
    K(noc.e_hop_ew_pj, B(EC_HOP), 0),
    K(noc.e_hop_ns_pj, B(EC_HOP), 0),
    K(noc.e_buffer_write_pj, B(EC_ROUTER_BUFFER), 0),
    K(noc.e_buffer_read_pj, B(EC_ROUTER_BUFFER), 0),
    K(noc.e_switch_pj, B(EC_ROUTER_SWITCH), 1),
    K(noc.e_route_pj, B(EC_ROUTER_ARB), 0),
    K(noc.e_arbitration_pj, B(EC_ROUTER_ARB), 0),
    K(noc.e_link_pj_per_bit_mm, B(EC_LINK), 1),
    K(noc.link_mm, B(EC_LINK), 1),
    K(stat.p_core_mw, B(EC_STATIC_CORE), 1),
    K(stat.p_router_mw, B(EC_STATIC_ROUTER), 1),
};

static void doubling_one_constant_changes_exactly_its_own_share(void)
{
    struct tech_cfg t, t2;
    struct energy_shape s;
    struct chip_totals c;
    struct energy_account a, b;
    full_tech(&t);
    small_shape(&s);
    set_counts(&c, 1000);
    energy_compute(&t, &s, &c, &a);
    for (size_t k = 0; k < sizeof knobs / sizeof knobs[0]; k++) {
        t2 = t;
        double *v = (double *)((char *)&t2 + knobs[k].off);
        *v *= 2;
        energy_compute(&t2, &s, &c, &b);
        for (int i = 0; i < EC_COUNT; i++) {
            int64_t e0 = energy_component_fj(&a, i), e1 = energy_component_fj(&b, i);
            if (knobs[k].mask & B(i)) {
                CHECK(e1 > e0, "%s: its component %s did not grow (%lld -> %lld fJ)", knobs[k].name,
                      energy_component_name[i], (long long)e0, (long long)e1);
                if (knobs[k].alone)
                    CHECK(e1 == 2 * e0, "%s: component %s is %lld fJ, twice %lld expected", knobs[k].name,
                          energy_component_name[i], (long long)e1, (long long)e0);
            } else {
                CHECK(e1 == e0, "%s moved component %s: %lld -> %lld fJ", knobs[k].name, energy_component_name[i],
                      (long long)e0, (long long)e1);
            }
        }
    }
    /* with the analog terms off, each crossbar constant is alone in its part */
    struct tech_cfg d = t;
    memset(&d.crossbar, 0, sizeof d.crossbar);
    d.crossbar.e_pulse_pj = 120;
    energy_compute(&d, &s, &c, &a);
    d.crossbar.e_pulse_pj = 240;
    energy_compute(&d, &s, &c, &b);
    CHECK(energy_component_fj(&b, EC_XBAR_WRITE) == 2 * energy_component_fj(&a, EC_XBAR_WRITE),
          "digital synaptic update: %lld vs %lld fJ", (long long)energy_component_fj(&b, EC_XBAR_WRITE),
          (long long)energy_component_fj(&a, EC_XBAR_WRITE));
}

static void energy_is_linear_in_event_counts(void)
{
    struct tech_cfg t;
    struct energy_shape s;
    struct chip_totals c1, c3;
    struct energy_account a1, a3;
    full_tech(&t);
    small_shape(&s);
    set_counts(&c1, 777);
    set_counts(&c3, 3 * 777);
    energy_compute(&t, &s, &c1, &a1);
    energy_compute(&t, &s, &c3, &a3);
    for (int i = 0; i < EC_COUNT; i++)
        for (int p = 0; p < EP_COUNT; p++)
            CHECK(a3.fj[i][p] == 3 * a1.fj[i][p], "%s/%s: %lld fJ for 3x the events, %lld for 1x",
                  energy_component_name[i], energy_phase_name[p], (long long)a3.fj[i][p], (long long)a1.fj[i][p]);
    /* one more event of a kind adds exactly that event's energy */
    struct energy_account b;
    c1.w1.update_steps++;
    energy_compute(&t, &s, &c1, &b);
    struct energy_costs k;
    energy_costs_init(&k, &t, &s);
    CHECK(energy_total_fj(&b) - energy_total_fj(&a1) == llround(k.pulse * 1000),
          "one pulse added %lld fJ, a pulse costs %.3f pJ", (long long)(energy_total_fj(&b) - energy_total_fj(&a1)),
          k.pulse);
}

static void an_idle_chip_costs_only_static_power(void)
{
    struct tech_cfg t;
    struct energy_shape s;
    struct chip_totals c;
    struct energy_account a;
    full_tech(&t);
    small_shape(&s);
    memset(&c, 0, sizeof c);
    c.chip.cycles = 1000;   /* 2000 ns at 500 MHz */
    energy_compute(&t, &s, &c, &a);
    /* 3 cores x 0.5 mW x 2000 ns = 3000 pJ; 4 routers x 0.125 mW x 2000 ns = 1000 pJ */
    CHECK(energy_component_fj(&a, EC_STATIC_CORE) == 3000000 && energy_component_fj(&a, EC_STATIC_ROUTER) == 1000000 &&
          energy_total_fj(&a) == 4000000 && energy_phase_fj(&a, EP_STATIC) == 4000000,
          "idle: core %lld, router %lld, total %lld fJ (4000000 expected)",
          (long long)energy_component_fj(&a, EC_STATIC_CORE), (long long)energy_component_fj(&a, EC_STATIC_ROUTER),
          (long long)energy_total_fj(&a));
}

/* An extra mesh row past the last core carries no traffic (cores fill the mesh
 * row by row, XY routes stay between them): the same run costs exactly that
 * row's router leakage more. */
static void an_unused_mesh_row_costs_only_its_routers_leakage(void)
{
    static struct config cfg;
    struct chip chip;
    struct ssnn g;
    struct energy_report r[2];
    for (int k = 0; k < 2; k++) {
        const char *x[] = { "chip.mesh_x=3", k ? "chip.mesh_y=4" : "chip.mesh_y=3", "chip.core_neurons=16",
                            "chip.xbar_rows=65", "chip.xbar_cols=16", "chip.tiles_per_core=1",
                            "technology=workloads/tech/rram-rpu.yaml" };
        if (run_bars(&cfg, x, 7, &chip, &g)) { CHECK(0, "run failed"); return; }
        energy_report_init(&r[k], &cfg, &chip);
        chip_free(&chip);
        ssnn_free(&g);
    }
    CHECK(r[0].train.cycles == r[1].train.cycles, "cycles differ: %llu vs %llu",
          (unsigned long long)r[0].train.cycles, (unsigned long long)r[1].train.cycles);
    for (int i = 0; i < EC_COUNT; i++) {
        int64_t d = energy_component_fj(&r[1].train, i) - energy_component_fj(&r[0].train, i);
        if (i == EC_STATIC_ROUTER) {
            /* 3 routers x 0.01 mW x cycles x 2 ns = 0.06 pJ = 60 fJ per cycle */
            CHECK(d == (int64_t)(60 * r[0].train.cycles), "router leakage grew by %lld fJ, %llu expected",
                  (long long)d, (unsigned long long)(60 * r[0].train.cycles));
        } else {
            CHECK(d == 0, "component %s changed by %lld fJ", energy_component_name[i], (long long)d);
        }
    }
}

static void hand_computed_counters_match_to_the_femtojoule(void)
{
    struct tech_cfg t;
    struct energy_shape s;
    struct chip_totals c;
    struct energy_account a;
    full_tech(&t);
    small_shape(&s);
    set_counts(&c, 1);
    energy_compute(&t, &s, &c, &a);
    /* per event, in fJ (G = 2 uS, 8 x 4 tiles, 32-bit flits):
     *   row drive   250 + C_row 4 fF x 0.25 V^2 = 251         col drive 250 + 8 fF x 0.25 = 252
     *   cell read   500 + 0.25 V^2 x 2 uS x 4 ns = 502         conversion 1500
     *   pulse       2000 + 4 x 2 x 10 (80) + 3 half-selected x 1 x 2 x 10 (60) + (4 + 8) fF x 1 V^2 (12) = 2152
     *   router      buffer 1250, switch 250, route + 2 grants 64 + 96 = 160;  link 32 x 0.05 x 1.5 pJ = 2400 */
    int64_t xr = 0, hand = 0;
    xr += (47 + 61) * 251;                         /* rows driven */
    xr += (53 + 67) * 502;                         /* cells read */
    xr += (13 * 2 + 17 * 1) * 1500;                /* conversions: units x tiles */
    xr += 2 * 71 * 252;                            /* backward: two columns per read */
    xr += 146 * 502 + 73 * 1500;                   /* backward cells, one conversion per row */
    int64_t xw = (59 + 79) * 2152;                 /* analogue: every write pulse (update_steps) */
    hand += xr + xw;
    /* units; the backward generators priced in the 5 steps an error reached them (back_gen_driven) */
    hand += 11 * 125 + 13 * 3000 + 17 * 4000 + 19 * 750 + 23 * 500 + 29 * 6000 + 5 * 2500;
    hand += (37 + 41) * 100 + 43 * 1700 + 83 * 1250;    /* draws, barrier, local */
    for (int tc = 0; tc < TC_COUNT; tc++) {
        int64_t ew = 89 + tc, ns = 97 + tc, routers = ew + ns + 101 + tc;
        hand += ew * 3000 + ns * 4000 + routers * (1250 + 250 + 160) + (ew + ns) * 2400;
    }
    /* 1009 cycles x 2 ns: 3 x 0.5 mW -> 3027 pJ, 4 x 0.125 mW -> 1009 pJ */
    hand += 3027000 + 1009000;
    CHECK(energy_component_fj(&a, EC_XBAR_READ) == xr, "crossbar read %lld fJ, by hand %lld",
          (long long)energy_component_fj(&a, EC_XBAR_READ), (long long)xr);
    CHECK(energy_component_fj(&a, EC_XBAR_WRITE) == xw, "crossbar write %lld fJ, by hand %lld",
          (long long)energy_component_fj(&a, EC_XBAR_WRITE), (long long)xw);
    CHECK(energy_total_fj(&a) == hand, "total %lld fJ, by hand %lld", (long long)energy_total_fj(&a),
          (long long)hand);
    /* the same synapses digital: one update per coincidence (update_pulses), whatever its amplitude */
    t.crossbar.kind = TECH_DIGITAL;
    energy_compute(&t, &s, &c, &a);
    CHECK(energy_component_fj(&a, EC_XBAR_WRITE) == (7 + 9) * 2152, "digital crossbar write %lld fJ, by hand %lld",
          (long long)energy_component_fj(&a, EC_XBAR_WRITE), (long long)((7 + 9) * 2152));
    CHECK(energy_total_fj(&a) == hand - xw + (7 + 9) * 2152, "digital total %lld fJ, by hand %lld",
          (long long)energy_total_fj(&a), (long long)(hand - xw + (7 + 9) * 2152));
}

/* A 4-2-2 network on a 2x2 mesh (input core at (0,0) - also the barrier master -,
 * hidden at (1,0), output at (0,1)) infers one black image with the hidden bias at
 * -N: no input fires (p = 0) and no hidden unit fires (sigmoid clamps to 0), so
 * every count of the T steps follows from the mapping alone. */
static void one_sample_inference_matches_a_hand_computation(void)
{
    static struct config cfg;
    const char *x[] = { "network.layers=[4, 2, 2]", "dataset.rows=2",
                        "dataset.cols=2", "dataset.classes=2", "device.dw_min=0.1", "device.w_max=100",
                        "chip.mesh_x=2", "chip.mesh_y=2", "chip.core_neurons=4", "chip.xbar_rows=8",
                        "chip.xbar_cols=4", "chip.tiles_per_core=1", "technology=workloads/tech/loihi.yaml" };
    if (load(&cfg, x, 13)) { CHECK(0, "config"); return; }
    struct ssnn g;
    struct chip chip;
    char err[1024];
    if (ssnn_init(&g, &cfg, err, sizeof err)) { CHECK(0, "%s", err); return; }
    for (int j = 0; j < 2; j++) g.layer[0].w.w[4 * 2 + j] = -1000;      /* bias row of W1 at -N */
    if (chip_init(&chip, &cfg, &g, err, sizeof err)) { CHECK(0, "%s", err); ssnn_free(&g); return; }
    chip.check = 1;
    struct ssnn_streams st;
    ssnn_streams_alloc(&st, &g);
    ssnn_streams_seed(&st, &g, RNG_EVAL);
    const int T = 10;
    uint8_t black[4] = { 0 };
    uint32_t wins[2];
    CHECK(chip_infer_wta(&chip, &st, black, T, wins, err, sizeof err) >= 0, "%s", err);
    const struct chip_totals *in = &chip.infer;
    /* per step: RELEASE 0->0 (local), 0->1 (1 E-W), 0->2 (1 N-S); PHASE_DONE 0->1 (1 E-W),
     * 1->2 (1 E-W + 1 N-S); BARRIER 0->0 (local), 1->0 (1 E-W), 2->0 (1 N-S) */
    struct { const char *what; uint64_t got, want; } counts[] = {
        { "encoder updates", in->core.encoder_updates, 4 * T }, { "forward units", in->core.fwd_unit_updates, 2 * T },
        { "output units", in->core.out_unit_updates, 2 * T }, { "WTA races", in->core.wta_decisions, T },
        { "forward draws", in->core.rng_fwd, (4 + 2 + 1) * T }, { "backward draws", in->core.rng_back, 0 },
        { "W1 rows (bias)", in->w1.rows_driven, T }, { "W1 cells", in->w1.cells_read, 2 * T },
        { "W2 rows (bias)", in->w2.rows_driven, T }, { "W2 cells", in->w2.cells_read, 2 * T },
        { "pulses", in->w1.update_pulses + in->w2.update_pulses, 0 }, { "barriers", in->core.barriers, 3 * T },
        { "local flits", in->chip.local_flits, 2 * T },
        { "forward E-W hops", in->chip.class_hops_ew[TC_FORWARD], 2 * T },
        { "forward N-S hops", in->chip.class_hops_ns[TC_FORWARD], 1 * T },
        { "forward routers", in->chip.class_routers[TC_FORWARD], 5 * T },
        { "control E-W hops", in->chip.class_hops_ew[TC_CONTROL], 2 * T },
        { "control N-S hops", in->chip.class_hops_ns[TC_CONTROL], 2 * T },
        { "control routers", in->chip.class_routers[TC_CONTROL], 8 * T },
        { "backward flits", in->chip.class_flits[TC_BACKWARD], 0 },
    };
    int counts_ok = 1;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        CHECK(counts[i].got == counts[i].want, "%s: %llu counted, %llu by the mapping", counts[i].what,
              (unsigned long long)counts[i].got, (unsigned long long)counts[i].want);
        counts_ok &= counts[i].got == counts[i].want;
    }
    struct energy_report r;
    energy_report_init(&r, &cfg, &chip);
    /* Loihi figures, per step, in fJ: encoders 4 x 52000, forward 2 x 81000, output 2 x 81000,
     * WTA 81000, draws 7 x 6000, synaptic ops 4 x 23600, barrier 3 x 1700, local 2 x 1700,
     * hops (2 + 2) x 3000 E-W + (1 + 2) x 4000 N-S;  static: 3 cores x 0.815 mW x 2 ns = 4890 fJ per cycle */
    int64_t per_step = 4 * 52000 + 2 * 81000 + 2 * 81000 + 81000 + 7 * 6000 + 4 * 23600 + 3 * 1700 + 2 * 1700 +
                       4 * 3000 + 3 * 4000;
    int64_t hand = T * per_step + 4890 * (int64_t)in->chip.cycles;
    if (counts_ok)
        CHECK(energy_total_fj(&r.infer) == hand, "simulator %lld fJ, by hand %lld fJ (%llu cycles)",
              (long long)energy_total_fj(&r.infer), (long long)hand, (unsigned long long)in->chip.cycles);
    CHECK(energy_total_fj(&r.train) == 0 && r.infer.samples == 1, "training account %lld fJ, %llu samples",
          (long long)energy_total_fj(&r.train), (unsigned long long)r.infer.samples);
    ssnn_streams_free(&st);
    chip_free(&chip);
    ssnn_free(&g);
}

/* The parts' fJ of one account, per phase, against the account's own. */
static void check_parts_add_up(const char *what, const struct energy_account *a)
{
    CHECK(a->n_parts >= 4, "%s: %d parts", what, a->n_parts);
    int64_t all = 0;
    for (int p = 0; p < EP_COUNT; p++) {
        int64_t sum = 0;
        for (int k = 0; k < a->n_parts; k++) {
            CHECK(a->part[k].fj[p] >= 0, "%s: part %d, %s: %lld fJ", what, k, energy_phase_name[p],
                  (long long)a->part[k].fj[p]);
            sum += a->part[k].fj[p];
        }
        CHECK(sum == energy_phase_fj(a, p), "%s, %s: the layers add up to %lld fJ, the phase is %lld", what,
              energy_phase_name[p], (long long)sum, (long long)energy_phase_fj(a, p));
        all += sum;
    }
    CHECK(all == energy_total_fj(a), "%s: the layers add up to %lld fJ, the total is %lld", what, (long long)all,
          (long long)energy_total_fj(a));
}

/* Trained chips at depth 1 and 2, both technologies: the layers' shares add up to
 * every phase and to the total, to the femtojoule, and the parts' counters (a
 * flit counted for its sender) add up to the chip's. */
static void energy_by_layer_adds_up_to_the_total_exactly(void)
{
    static const char *const depth[] = { "network.layers=[64, 48, 4]", "network.layers=[64, 24, 20, 4]" };
    for (int d = 0; d < 2; d++)
        for (int tech = 0; tech < 2; tech++) {
            static struct config cfg;
            struct ssnn g;
            struct chip chip;
            const char *x[] = { depth[d], "chip.mesh_x=4", "chip.mesh_y=3", "chip.core_neurons=16", "chip.xbar_rows=16",
                                "chip.xbar_cols=16", "chip.tiles_per_core=8",
                                tech ? "technology=workloads/tech/rram-rpu.yaml" : "technology=workloads/tech/loihi.yaml" };
            if (run_bars(&cfg, x, 8, &chip, &g)) { CHECK(0, "run failed"); return; }
            struct energy_report r;
            energy_report_init(&r, &cfg, &chip);
            char what[64];
            snprintf(what, sizeof what, "depth %d, %s, training", d + 1, tech ? "rram" : "loihi");
            check_parts_add_up(what, &r.train);
            CHECK(r.train.n_parts == d + 4, "%s: %d parts, %d expected", what, r.train.n_parts, d + 4);
            snprintf(what, sizeof what, "depth %d, %s, inference", d + 1, tech ? "rram" : "loihi");
            check_parts_add_up(what, &r.infer);
            struct chip_totals whole, part[8];
            int cores[8], routers[8], n = CHIP_PARTS(d + 1);
            chip_totals(&chip, &whole);
            chip_part_totals(&chip, 0, part, cores, routers);
            uint64_t hops = 0, local = 0, pulses = 0;
            int nc = 0, nr = 0;
            for (int k = 0; k < n; k++) {
                for (int tc = 0; tc < TC_COUNT; tc++) hops += part[k].chip.class_hops_ew[tc] + part[k].chip.class_hops_ns[tc];
                local += part[k].chip.local_flits;
                pulses += part[k].w1.update_steps + part[k].w2.update_steps + part[k].wm.update_steps;
                nc += cores[k];
                nr += routers[k];
            }
            CHECK(hops == whole.chip.hops && local == whole.chip.local_flits, "%s: parts sent %llu hops, %llu local; "
                  "the chip counted %llu, %llu", what, (unsigned long long)hops, (unsigned long long)local,
                  (unsigned long long)whole.chip.hops, (unsigned long long)whole.chip.local_flits);
            CHECK(pulses == whole.w1.update_steps + whole.w2.update_steps + whole.wm.update_steps && pulses > 0,
                  "%s: parts pulsed %llu, the chip %llu", what, (unsigned long long)pulses,
                  (unsigned long long)(whole.w1.update_steps + whole.w2.update_steps + whole.wm.update_steps));
            CHECK(nc == chip.n_cores && nr == 12, "%s: %d cores and %d routers in the parts", what, nc, nr);
            chip_free(&chip);
            ssnn_free(&g);
        }
}

/* Depth 2 by hand: a 4-2-2-2 network on a 2x2 mesh, one core per part (input at
 * node 0, also the master; hidden 1 at 1; hidden 2 at 2; output at 3), infers a
 * black image with both hidden layers' biases at -N, so no input and no hidden
 * neuron fires and every event of every part follows from the mapping. Each part
 * pays for its own units, its own tiles and the flits it sends, over their whole
 * route: a flit charged to its receiver, or a layer's reads to another, moves
 * fJ between the parts and fails here. */
static void energy_by_layer_matches_a_hand_computation_at_depth_2(void)
{
    static struct config cfg;
    const char *x[] = { "network.layers=[4, 2, 2, 2]", "dataset.rows=2",
                        "dataset.cols=2", "dataset.classes=2", "device.dw_min=0.1", "device.w_max=100",
                        "chip.mesh_x=2", "chip.mesh_y=2", "chip.core_neurons=4", "chip.xbar_rows=8",
                        "chip.xbar_cols=4", "chip.tiles_per_core=2", "technology=workloads/tech/loihi.yaml" };
    if (load(&cfg, x, 13)) { CHECK(0, "config"); return; }
    struct ssnn g;
    struct chip chip;
    char err[1024];
    if (ssnn_init(&g, &cfg, err, sizeof err)) { CHECK(0, "%s", err); return; }
    for (int j = 0; j < 2; j++) g.layer[0].w.w[4 * 2 + j] = -1000;      /* bias row of W1 at -N */
    for (int j = 0; j < 2; j++) g.layer[1].w.w[2 * 2 + j] = -1000;      /* bias row of W2 at -N */
    if (chip_init(&chip, &cfg, &g, err, sizeof err)) { CHECK(0, "%s", err); ssnn_free(&g); return; }
    chip.check = 1;
    struct ssnn_streams st;
    ssnn_streams_alloc(&st, &g);
    ssnn_streams_seed(&st, &g, RNG_EVAL);
    const int T = 10;
    uint8_t black[4] = { 0 };
    uint32_t wins[2];
    CHECK(chip_infer_wta(&chip, &st, black, T, wins, err, sizeof err) >= 0, "%s", err);
    struct energy_report r;
    energy_report_init(&r, &cfg, &chip);
    /* Loihi, fJ per step. Hops: node 0 (0,0), 1 (1,0), 2 (0,1), 3 (1,1); E-W 3000, N-S 4000.
     *   input:    4 encoders x 52000, 4 draws x 6000, its BARRIER 1700, RELEASE and BARRIER to
     *             itself 2 x 1700 local; RELEASE to 1 (3000), 2 (4000), 3 (7000); PHASE_DONE to 1 (3000)
     *   hidden 1: 2 forward units x 81000, 2 draws x 6000, W1's bias row 2 cells x 23600, BARRIER 1700;
     *             PHASE_DONE to 2 (7000), BARRIER to 0 (3000)
     *   hidden 2: the same units, draws and bias row of W2; PHASE_DONE to 3 (3000), BARRIER to 0 (4000)
     *   output:   2 output units x 81000, the WTA race 81000 and its draw 6000, W_out's bias row
     *             2 x 23600, BARRIER 1700; BARRIER to 0 (7000)
     * static: 0.815 mW x 2 ns = 1630 fJ per cycle for each part's one core; routers leak nothing. */
    const int64_t step[4] = {
        4 * 52000 + 4 * 6000 + 1700 + 2 * 1700 + 3000 + 4000 + 7000 + 3000,
        2 * 81000 + 2 * 6000 + 2 * 23600 + 1700 + 7000 + 3000,
        2 * 81000 + 2 * 6000 + 2 * 23600 + 1700 + 3000 + 4000,
        2 * 81000 + 81000 + 6000 + 2 * 23600 + 1700 + 7000,
    };
    const struct energy_account *in = &r.infer;
    CHECK(in->n_parts == 5, "%d parts, 5 expected", in->n_parts);
    if (in->n_parts != 5) goto out;
    char name[32];
    for (int k = 0; k < 4; k++) {
        int64_t hand = T * step[k] + 1630 * (int64_t)in->cycles, got = energy_part_fj(&in->part[k]);
        CHECK(got == hand, "%s: simulator %lld fJ, by hand %lld fJ (%llu cycles)",
              energy_part_name(k, 5, name, sizeof name), (long long)got, (long long)hand,
              (unsigned long long)in->cycles);
        CHECK(in->part[k].fj[EP_STATIC] == 1630 * (int64_t)in->cycles && in->part[k].cores == 1,
              "%s: static %lld fJ, %d cores", name, (long long)in->part[k].fj[EP_STATIC], in->part[k].cores);
    }
    CHECK(energy_part_fj(&in->part[4]) == 0 && in->part[4].routers == 0, "idle routers: %lld fJ, %d routers",
          (long long)energy_part_fj(&in->part[4]), in->part[4].routers);
    check_parts_add_up("depth 2 by hand", in);
out:
    ssnn_streams_free(&st);
    chip_free(&chip);
    ssnn_free(&g);
}

/* Router energy is priced per traffic class from the chip's own counts (hops + 1
 * routers per flit, one VC and one switch grant per router): they must be what
 * the routers themselves counted. Training only, so the mesh counts nothing else. */
static void router_events_priced_per_class_match_the_routers_counts(void)
{
    static struct config cfg;
    const char *x[] = { "chip.mesh_x=4", "chip.mesh_y=4", "chip.core_neurons=12", "chip.xbar_rows=16",
                        "chip.xbar_cols=16", "chip.tiles_per_core=5", "chip.router.vcs=2" };
    struct ssnn g;
    struct chip chip;
    char err[1024];
    if (bars_chip(&cfg, x, 7, &chip, &g)) { CHECK(0, "init failed"); return; }
    for (int i = 0; i < 8; i++) chip_train_sample(&chip, bars[i], bar_labels[i], 6, 65536, err, sizeof err);
    const struct mesh_counters *m = mesh_counters(chip.mesh);
    uint64_t routers = 0, ew = 0, ns = 0;
    for (int tc = 0; tc < TC_COUNT; tc++) {
        routers += chip.c.class_routers[tc];
        ew += chip.c.class_hops_ew[tc];
        ns += chip.c.class_hops_ns[tc];
    }
    CHECK(m->buffer_writes == routers && m->buffer_reads == routers && m->switch_traversals == routers &&
          m->arbitrations == 2 * routers && m->link_ew == ew && m->link_ns == ns,
          "routers counted writes %llu reads %llu switch %llu grants %llu links %llu/%llu; priced %llu routers, "
          "%llu/%llu hops",
          (unsigned long long)m->buffer_writes, (unsigned long long)m->buffer_reads,
          (unsigned long long)m->switch_traversals, (unsigned long long)m->arbitrations,
          (unsigned long long)m->link_ew, (unsigned long long)m->link_ns, (unsigned long long)routers,
          (unsigned long long)ew, (unsigned long long)ns);
    chip_free(&chip);
    ssnn_free(&g);
}

/* Rule 1, training.pulse_steps: a coincidence of amplitude k is k device steps. The
 * crossbar counts the coincidences (update_pulses) and the device steps
 * (update_steps = k per coincidence); an analogue RPU cell is written by k pulses, a
 * digital synapse word once (read, add k steps, write), so the same run costs
 * update_steps pulses on rram-rpu and update_pulses synaptic updates on Loihi.
 * Pricing a digital synapse per device step (the old rule) fails the Loihi half. */
static void a_coincidence_of_amplitude_k_costs_k_pulses_on_an_rpu_and_one_update_on_a_digital_synapse(void)
{
    static const char *const tech[2] = { "technology=workloads/tech/rram-rpu.yaml",
                                         "technology=workloads/tech/loihi.yaml" };
    for (int d = 0; d < 2; d++) {
        static struct config cfg;
        const char *x[] = { "device.dw_min=0.0005", tech[d] };
        struct ssnn g;
        struct chip chip;
        char err[1024];
        if (bars_chip(&cfg, x, 2, &chip, &g)) { CHECK(0, "init failed"); return; }
        CHECK(cfg.tech.crossbar.kind == (d ? TECH_DIGITAL : TECH_ANALOGUE), "%s: crossbar.kind %d", tech[d],
              cfg.tech.crossbar.kind);
        chip_set_pulse_steps(&chip, 3);
        for (int i = 0; i < 8; i++) chip_train_sample(&chip, bars[i], bar_labels[i], 6, 65536, err, sizeof err);
        struct chip_totals t;
        chip_totals(&chip, &t);
        CHECK(t.w1.update_pulses > 0 && t.w2.update_pulses > 0, "no coincidences: W1 %llu W2 %llu",
              (unsigned long long)t.w1.update_pulses, (unsigned long long)t.w2.update_pulses);
        CHECK(t.w1.update_steps == 3 * t.w1.update_pulses && t.w2.update_steps == 3 * t.w2.update_pulses,
              "k = 3: W1 %llu steps for %llu coincidences, W2 %llu for %llu", (unsigned long long)t.w1.update_steps,
              (unsigned long long)t.w1.update_pulses, (unsigned long long)t.w2.update_steps,
              (unsigned long long)t.w2.update_pulses);
        struct energy_report r;
        energy_report_init(&r, &cfg, &chip);
        uint64_t events = d ? t.w1.update_pulses + t.w2.update_pulses : t.w1.update_steps + t.w2.update_steps;
        long double want = (long double)events * r.costs.pulse * 1000.0L;
        CHECK(energy_component_fj(&r.train, EC_XBAR_WRITE) == llroundl(want),
              "%s: crossbar write %lld fJ, %llu %s x %.3f pJ = %.0Lf", tech[d],
              (long long)energy_component_fj(&r.train, EC_XBAR_WRITE), (unsigned long long)events,
              d ? "coincidences" : "pulses", r.costs.pulse, want);
        chip_free(&chip);
        ssnn_free(&g);
    }
}

/* Rule 2: a backward generator computes only in a step in which an error (the
 * output core's) or a gradient spike of the layer above (depth) reached its core;
 * it is priced in those steps only, not in every learning step. At depth 1 the
 * output core's n_h generators are driven in the steps the output core fired an
 * error pair (err_pos counts them). Pricing every learning step's evaluations
 * (back_gen_updates, the old rule) fails. */
static void backward_generators_are_priced_only_in_steps_an_error_reaches_them(void)
{
    static const char *const depth[] = { "network.layers=[64, 48, 4]", "network.layers=[64, 24, 20, 4]" };
    for (int d = 0; d < 2; d++) {
        static struct config cfg;
        struct ssnn g;
        struct chip chip;
        const char *x[] = { depth[d], "chip.mesh_x=4", "chip.mesh_y=3", "chip.core_neurons=16", "chip.xbar_rows=16",
                            "chip.xbar_cols=16", "chip.tiles_per_core=8", "technology=workloads/tech/loihi.yaml" };
        if (run_bars(&cfg, x, 8, &chip, &g)) { CHECK(0, "run failed"); return; }
        struct chip_totals t;
        chip_totals(&chip, &t);
        CHECK(t.core.back_gen_driven > 0 && t.core.back_gen_driven < t.core.back_gen_updates,
              "depth %d: %llu driven generator evaluations of %llu", d + 1, (unsigned long long)t.core.back_gen_driven,
              (unsigned long long)t.core.back_gen_updates);
        if (d == 0) {
            int nh = cfg.network.layers[1];
            CHECK(t.core.back_gen_driven == (uint64_t)nh * t.sc.err_pos && t.core.back_gen_updates ==
                  (uint64_t)nh * t.sc.steps, "depth 1: %llu driven / %llu evaluations; %d generators x %llu error "
                  "steps / %llu steps", (unsigned long long)t.core.back_gen_driven,
                  (unsigned long long)t.core.back_gen_updates, nh, (unsigned long long)t.sc.err_pos,
                  (unsigned long long)t.sc.steps);
        }
        struct energy_report r;
        energy_report_init(&r, &cfg, &chip);
        int64_t want = (int64_t)t.core.back_gen_driven * llround(cfg.tech.neuron.e_backward_gen_pj * 1000);
        CHECK(energy_component_fj(&r.train, EC_BACKWARD_GEN) == want, "depth %d: backward generators %lld fJ, "
              "%llu driven x %.1f pJ = %lld", d + 1, (long long)energy_component_fj(&r.train, EC_BACKWARD_GEN),
              (unsigned long long)t.core.back_gen_driven, cfg.tech.neuron.e_backward_gen_pj, (long long)want);
        chip_free(&chip);
        ssnn_free(&g);
    }
}

/* Rule 3: Loihi's barrier time (113 ns over 1 tile, 465 ns over 32) is per tile of
 * 4 cores; this chip has a core per router, so its reference is read at
 * cores / 4 tiles (at least one). 7 mapped cores on a 4x4 mesh: 1.75 tiles,
 * 113 + 352 x 0.75 / 31 = 121.516 ns (reading the 16 routers as 16 tiles, the old
 * rule, gives 283.3 ns). */
static void the_barrier_reference_counts_loihi_tiles_of_four_cores(void)
{
    static struct config cfg;
    if (load(&cfg, NULL, 0)) { CHECK(0, "config"); return; }
    CHECK(cfg.tech.noc.barrier_tile_cores == 4 && cfg.tech.noc.barrier_max_tiles == 32, "loihi.yaml: %d cores a "
          "tile, %d tiles", cfg.tech.noc.barrier_tile_cores, cfg.tech.noc.barrier_max_tiles);
    struct energy_shape s;
    energy_shape_init(&s, &cfg, 7);
    struct chip_totals z;
    memset(&z, 0, sizeof z);
    const struct { int cores; double ns; } at[] = { { 7, 113 + 352 * 0.75 / 31 }, { 1, 113 }, { 4, 113 },
                                                    { 8, 113 + 352.0 / 31 }, { 128, 465 } };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        s.n_cores = at[i].cores;
        struct energy_report r;
        energy_report_price(&r, &cfg.tech, &s, &z, &z);
        CHECK(fabs(r.tech_barrier_ns - at[i].ns) < 1e-9, "%d cores on %d routers: barrier %.4f ns, %.4f by hand",
              at[i].cores, s.n_routers, r.tech_barrier_ns, at[i].ns);
    }
}

static void rram_pulse_is_derived_from_v_g_t_and_c(void)
{
    static struct config cfg;
    const char *x[] = { "technology=workloads/tech/rram-rpu.yaml" };
    if (load(&cfg, x, 1)) { CHECK(0, "config"); return; }
    struct energy_shape s;
    struct energy_costs c;
    energy_shape_init(&s, &cfg, 7);
    energy_costs_init(&c, &cfg.tech, &s);
    /* G = (0.1 + 5) / 2 = 2.55 uS; selected 2^2 x 2.55 uS x 10 ns = 0.102 pJ; 255 half-selected
     * x 1^2 x 2.55 uS x 10 ns = 6.5025 pJ; wires (256 + 256) x 0.04 fF x 1^2 = 0.02048 pJ;
     * driver 0.39 pJ. Read: 0.5^2 x 2.55 uS x 5 ns = 3.1875 fJ per cell; a 256-cell line
     * 10.24 fF x 0.25 = 2.56 fJ on top of 0.39 pJ. */
    double want[] = { 0.102, 6.5025, 0.02048, 7.01498, 0.0031875, 0.39256 };
    double got[] = { c.pulse_selected, c.pulse_half_selected, c.pulse_wire, c.pulse, c.cell_read, c.row_drive };
    for (int i = 0; i < 6; i++)
        CHECK(fabs(got[i] - want[i]) < 1e-12, "term %d: %.9f pJ, %.9f by hand", i, got[i], want[i]);
    CHECK(c.half_selected_cells == 255 && s.tiles_w1 == 4 && s.tiles_w2 == 2 && s.n_routers == 16,
          "shape: %d half-selected, %d/%d tiles, %d routers", c.half_selected_cells, s.tiles_w1, s.tiles_w2,
          s.n_routers);
}

static void pareto_front_keeps_the_undominated_points(void)
{
    double e[] = { 10, 5, 7, 5, 20, 3 }, acc[] = { 0.9, 0.8, 0.8, 0.85, 0.95, 0.5 };
    int on[6], want[] = { 1, 0, 0, 1, 1, 1 };
    energy_pareto(e, acc, 6, on);
    for (int i = 0; i < 6; i++) CHECK(on[i] == want[i], "point %d: %d, expected %d", i, on[i], want[i]);
}

/* Every constant of every technology file: a unit in its name and a comment on its line. */
static void tech_files_give_every_constant_a_unit_and_a_source(void)
{
    static const char *const units[] = { "_pj", "_mw", "_ns", "_us", "_v", "_ff_per_cell", "_pj_per_bit_mm", "_pj_per_bit",
                                         "_mm", NULL };
    static const char *const unitless[] = { "half_select", "kind", "barrier_max_tiles", "barrier_tile_cores", "name",
                                            NULL };
    DIR *d = opendir("workloads/tech");
    if (!d) { CHECK(0, "workloads/tech: cannot open"); return; }
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml")) continue;
        char path[600], line[1024];
        snprintf(path, sizeof path, "workloads/tech/%s", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        files++;
        for (int no = 1; fgets(line, sizeof line, f); no++) {
            char *p = line;
            while (*p == ' ') p++;
            char *colon = strchr(p, ':');
            if (*p == '#' || !colon) continue;
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(colon - p), p);
            char *v = colon + 1;
            while (*v == ' ') v++;
            if (!*v || *v == '\n' || *v == '#') continue;     /* a section */
            if (strstr(v, ".yaml")) continue;                 /* a section given as a file */
            int ok_unit = 0;
            for (int u = 0; units[u]; u++) {
                size_t kl = strlen(key), ul = strlen(units[u]);
                ok_unit |= kl > ul && !strcmp(key + kl - ul, units[u]);
            }
            for (int u = 0; unitless[u]; u++) ok_unit |= !strcmp(key, unitless[u]);
            CHECK(ok_unit, "%s:%d: '%s' names no unit", path, no, key);
            CHECK(!strcmp(key, "name") || strchr(v, '#'), "%s:%d: '%s' has no comment giving its source", path, no,
                  key);
        }
        fclose(f);
    }
    closedir(d);
    CHECK(files >= 3, "only %d technology files", files);
}

int main(void)
{
    make_bars();
    RUN(breakdowns_sum_to_the_total_exactly);
    RUN(doubling_one_constant_changes_exactly_its_own_share);
    RUN(energy_is_linear_in_event_counts);
    RUN(an_idle_chip_costs_only_static_power);
    RUN(an_unused_mesh_row_costs_only_its_routers_leakage);
    RUN(hand_computed_counters_match_to_the_femtojoule);
    RUN(one_sample_inference_matches_a_hand_computation);
    RUN(energy_by_layer_adds_up_to_the_total_exactly);
    RUN(energy_by_layer_matches_a_hand_computation_at_depth_2);
    RUN(router_events_priced_per_class_match_the_routers_counts);
    RUN(a_coincidence_of_amplitude_k_costs_k_pulses_on_an_rpu_and_one_update_on_a_digital_synapse);
    RUN(backward_generators_are_priced_only_in_steps_an_error_reaches_them);
    RUN(the_barrier_reference_counts_loihi_tiles_of_four_cores);
    RUN(rram_pulse_is_derived_from_v_g_t_and_c);
    RUN(pareto_front_keeps_the_undominated_points);
    RUN(tech_files_give_every_constant_a_unit_and_a_source);
    CHECK_DONE();
}
