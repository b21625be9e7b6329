/* Energy and latency of the chip (see energy.h, docs/energy.md).
 *
 * Models: dynamic energy as events x energy per event, every event class the chip
 * counts (crossbar lines, cells, conversions, pulses; every neuron unit; random
 * draws; flits, router traversals and link hops per traffic class; barrier
 * messages), and leakage of the mapped cores and of every router over the
 * simulated time. Does not model: clock-tree and idle dynamic power, data-dependent
 * conductances (reads and writes use the mean of the conductance range), the
 * column half-selects and line charging shared by the pulses of one update event,
 * the network interfaces beyond their buffers, leakage of unmapped cores (taken as
 * power-gated), DRAM or host I/O. */
#include "energy.h"
#include "chip_counters.h"
#include "tech_cfg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const energy_component_name[EC_COUNT] = {
    "crossbar_read", "crossbar_write", "encoder", "neuron_forward", "neuron_output",
    "neuron_derivative", "neuron_gradient", "backward_generator", "wta", "rng", "local_delivery",
    "noc_hop", "router_buffer", "router_switch", "router_arbitration", "link", "barrier",
    "static_core", "static_router", "interchip_link",
};

const char *const energy_phase_name[EP_COUNT] = { "forward", "backward", "update", "control", "static" };

/* pJ of v^2 [V^2] x g [uS] x t [ns]: 1e-6 S x 1e-9 s = 1e-15 J = 1e-3 pJ. */
static double joule_vgt(double v, double g_us, double t_ns) { return v * v * g_us * t_ns * 1e-3; }
/* pJ of c [fF] x v^2 [V^2]: 1e-15 J = 1e-3 pJ. */
static double joule_cv2(double c_ff, double v) { return c_ff * v * v * 1e-3; }

void energy_costs_init(struct energy_costs *c, const struct tech_cfg *t, const struct energy_shape *s)
{
    const struct tech_crossbar_cfg *x = &t->crossbar;
    const struct tech_noc_cfg *n = &t->noc;
    const double g = (x->g_min_us + x->g_max_us) / 2;
    const double c_row = s->xbar_cols * x->c_wire_ff_per_cell;  /* a row line spans the columns */
    const double c_col = s->xbar_rows * x->c_wire_ff_per_cell;
    memset(c, 0, sizeof *c);
    c->row_drive = x->e_line_drive_pj + joule_cv2(c_row, x->v_read_v);
    c->col_drive = x->e_line_drive_pj + joule_cv2(c_col, x->v_read_v);
    c->cell_read = x->e_cell_read_pj + joule_vgt(x->v_read_v, g, x->t_read_ns);
    c->convert = x->e_convert_pj;
    /* V/2 scheme: the pulsed row at +V/2, the pulsed column at -V/2. An SSNN update
     * pulses one column against many rows at once (a gradient spike against the
     * active inputs, an error pair against the active hidden rows), so each pulse
     * half-selects the rest of its row; the pulsed column's other cells are shared
     * by all the pulses of the event and neglected (docs/energy.md). */
    c->half_selected_cells = x->half_select ? s->xbar_cols - 1 : 0;
    c->pulse_periph = x->e_pulse_pj;
    c->pulse_selected = joule_vgt(x->v_write_v, g, x->t_write_ns);
    c->pulse_half_selected = c->half_selected_cells * joule_vgt(x->v_write_v / 2, g, x->t_write_ns);
    c->pulse_wire = joule_cv2(c_row + c_col, x->v_write_v / 2);
    c->pulse = c->pulse_periph + c->pulse_selected + c->pulse_half_selected + c->pulse_wire;
    c->router_buffer = n->e_buffer_write_pj + n->e_buffer_read_pj;
    /* single-flit packets: one VC allocation and one switch allocation per router */
    c->router_arb = n->e_route_pj + 2 * n->e_arbitration_pj;
    c->link_per_hop = s->flit_bits * n->e_link_pj_per_bit_mm * n->link_mm;
    c->interchip_per_hop = s->flit_bits * n->interchip_pj_per_bit;
}

/* Accumulates count x pJ into a cell, in femtojoules (rounded once per cell). */
struct acc { long double fj[EC_COUNT][EP_COUNT]; };

static void add(struct acc *a, int comp, int phase, uint64_t count, double pj)
{
    a->fj[comp][phase] += (long double)count * (long double)pj * 1000.0L;
}

/* Every event of tot, priced into a (unrounded). */
static void price(const struct tech_cfg *t, const struct energy_shape *s, const struct chip_totals *tot,
                  struct acc *out)
{
    struct energy_costs c;
    energy_costs_init(&c, t, s);
    const struct core_counters *k = &tot->core;
    const struct crossbar_counters *w1 = &tot->w1, *w2 = &tot->w2, *wm = &tot->wm;
    const struct chip_counters *ch = &tot->chip;
    const struct tech_neuron_cfg *u = &t->neuron;
    const struct tech_noc_cfg *n = &t->noc;
    static const int class_phase[TC_COUNT] = { [TC_FORWARD] = EP_FORWARD, [TC_BACKWARD] = EP_BACKWARD,
                                               [TC_CONTROL] = EP_CONTROL };
    struct acc a;
    memset(&a, 0, sizeof a);

    /* crossbar: forward reads (a row per spike, every column of the tile integrates;
     * each unit converts one column sum per tile), backward reads (two columns
     * driven, one difference converted per row), coincidence pulses */
    add(&a, EC_XBAR_READ, EP_FORWARD, w1->rows_driven + w2->rows_driven, c.row_drive);
    add(&a, EC_XBAR_READ, EP_FORWARD, w1->cells_read + w2->cells_read, c.cell_read);
    /* at depth the layers' cores differ in tiles: each tile counts what it converts */
    add(&a, EC_XBAR_READ, EP_FORWARD, s->depth > 1 ? w1->conversions : k->fwd_unit_updates * (uint64_t)s->tiles_w1,
        c.convert);
    add(&a, EC_XBAR_READ, EP_FORWARD, k->out_unit_updates * (uint64_t)s->tiles_w2, c.convert);
    add(&a, EC_XBAR_READ, EP_BACKWARD, 2 * (w1->back_reads + w2->back_reads), c.col_drive);
    add(&a, EC_XBAR_READ, EP_BACKWARD, w1->back_cells_read + w2->back_cells_read, c.cell_read);
    add(&a, EC_XBAR_READ, EP_BACKWARD, (w1->back_cells_read + w2->back_cells_read) / 2, c.convert);
    /* Rule 1 (docs/energy.md, "Pricing rules"): a coincidence of amplitude k
     * (training.pulse_steps) is k write pulses on an analogue RPU cell, one
     * read-modify-write of the word on a digital synapse. */
    const int analogue = t->crossbar.kind == TECH_ANALOGUE;
    add(&a, EC_XBAR_WRITE, EP_UPDATE,
        analogue ? w1->update_steps + w2->update_steps : w1->update_pulses + w2->update_pulses, c.pulse);
    /* depth: the mirrors of W2..WL. A gradient spike drives one mirror row (a
     * column of the matrix it mirrors), its cells add into the generators' sums,
     * each converted once per tile; the mirror's share of a coincidence is a
     * pulse like any other (all zero at L = 1). */
    add(&a, EC_XBAR_READ, EP_BACKWARD, wm->back_reads, c.row_drive);
    add(&a, EC_XBAR_READ, EP_BACKWARD, wm->back_cells_read, c.cell_read);
    add(&a, EC_XBAR_READ, EP_BACKWARD, wm->conversions, c.convert);
    add(&a, EC_XBAR_WRITE, EP_UPDATE, analogue ? wm->update_steps : wm->update_pulses, c.pulse);

    /* neuron units. Rule 2: a unit is priced once for each step in which it
     * computes, and it computes in the steps its output can be non-zero: the
     * encoders, forward, output and derivative units and the WTA in every step
     * (each draws against a value it holds), a gradient unit in a step a backward
     * spike reaches it, a backward generator in a step an error (output core) or a
     * gradient spike of the layer above reached its core (back_gen_driven; with
     * none its r_j is 0 and it emits nothing). Its random draw is priced apart:
     * the stream advances in every learning step (rng_back). */
    add(&a, EC_ENCODER, EP_FORWARD, k->encoder_updates, u->e_encoder_pj);
    add(&a, EC_NEURON_FWD, EP_FORWARD, k->fwd_unit_updates, u->e_forward_pj);
    add(&a, EC_NEURON_OUT, EP_FORWARD, k->out_unit_updates, u->e_output_pj);
    add(&a, EC_WTA, EP_FORWARD, k->wta_decisions, u->e_wta_pj);
    add(&a, EC_NEURON_DERIV, EP_BACKWARD, k->deriv_unit_updates, u->e_derivative_pj);
    add(&a, EC_NEURON_GRAD, EP_BACKWARD, k->grad_unit_events, u->e_gradient_pj);
    add(&a, EC_BACKWARD_GEN, EP_BACKWARD, k->back_gen_driven, u->e_backward_gen_pj);
    add(&a, EC_RNG, EP_FORWARD, k->rng_fwd, u->e_rng_pj);
    add(&a, EC_RNG, EP_BACKWARD, k->rng_back, u->e_rng_pj);

    /* control: the barrier master, and the messages the master sends itself
     * (the mapping puts every layer on cores of its own, so only RELEASE and
     * BARRIER of the master's own core are local) */
    add(&a, EC_BARRIER, EP_CONTROL, k->barriers, u->e_barrier_pj);
    add(&a, EC_LOCAL, EP_CONTROL, ch->local_flits, n->e_local_pj);

    /* network, per traffic class: a flit crossing h links traverses h + 1 routers */
    for (int tc = 0; tc < TC_COUNT; tc++) {
        int ph = class_phase[tc];
        uint64_t hops = ch->class_hops_ew[tc] + ch->class_hops_ns[tc];
        add(&a, EC_HOP, ph, ch->class_hops_ew[tc], n->e_hop_ew_pj);
        add(&a, EC_HOP, ph, ch->class_hops_ns[tc], n->e_hop_ns_pj);
        add(&a, EC_ROUTER_BUFFER, ph, ch->class_routers[tc], c.router_buffer);
        add(&a, EC_ROUTER_SWITCH, ph, ch->class_routers[tc], n->e_switch_pj);
        add(&a, EC_ROUTER_ARB, ph, ch->class_routers[tc], c.router_arb);
        add(&a, EC_LINK, ph, hops, c.link_per_hop);
        /* an inter-chip hop is also a hop above (the routers at both ends, as on
         * chip); the link between the chips adds its SerDes energy per bit */
        add(&a, EC_INTERCHIP, ph, ch->class_interchip_hops[tc], c.interchip_per_hop);
    }

    /* leakage: P [mW] x t [ns] = pJ, t = cycles x 1000 / clock_mhz */
    double ns = s->clock_mhz > 0 ? 1000.0 / s->clock_mhz : 0;
    add(&a, EC_STATIC_CORE, EP_STATIC, ch->cycles, s->n_cores * t->stat.p_core_mw * ns);
    add(&a, EC_STATIC_ROUTER, EP_STATIC, ch->cycles, s->n_routers * t->stat.p_router_mw * ns);
    *out = a;
}

void energy_compute(const struct tech_cfg *t, const struct energy_shape *s, const struct chip_totals *tot,
                    struct energy_account *out)
{
    const struct crossbar_counters *w1 = &tot->w1, *w2 = &tot->w2, *wm = &tot->wm;
    const struct chip_counters *ch = &tot->chip;
    struct acc a;
    price(t, s, tot, &a);
    memset(out, 0, sizeof *out);
    for (int i = 0; i < EC_COUNT; i++)
        for (int p = 0; p < EP_COUNT; p++) out->fj[i][p] = llroundl(a.fj[i][p]);
    out->samples = ch->samples;
    out->steps = ch->steps;
    out->cycles = ch->cycles;
    out->flits = ch->flits;
    out->hops = ch->hops;
    out->interchip_flits = ch->interchip_flits;
    out->interchip_hops = ch->interchip_hops;
    out->interchip_flit_cycles = ch->interchip_flit_cycles;
    out->n_components = s->chips > 1 ? EC_COUNT : EC_INTERCHIP;
    out->syn_ops = w1->cells_read + w2->cells_read + w1->back_cells_read + w2->back_cells_read + wm->back_cells_read;
}

/* The parts' shares of `whole` fJ: each part's own value v[k] rounded down, and
 * the fJ those roundings leave (at most a few, of the whole's own rounding) go
 * one each to the parts with the largest fractions, never to a part with
 * nothing (largest remainders), so that the shares add up to `whole` exactly. */
static void apportion(int64_t whole, const long double *v, int n, int64_t *share)
{
    int64_t rem = whole;
    int any = 0;
    for (int k = 0; k < n; k++) {
        share[k] = (int64_t)floorl(v[k]);
        rem -= share[k];
        any |= v[k] > 0;
    }
    if (!any) return;   /* whole is 0 too: every count was */
    while (rem != 0) {
        int best = -1;
        long double bf = 0;
        for (int k = 0; k < n; k++) {
            if (v[k] <= 0 || (rem < 0 && share[k] == 0)) continue;
            long double f = v[k] - (long double)share[k];   /* above rounding down when positive */
            if (best < 0 || (rem > 0 ? f > bf : f < bf)) best = k, bf = f;
        }
        if (best < 0) break;
        share[best] += rem > 0 ? 1 : -1;
        rem += rem > 0 ? -1 : 1;
    }
}

void energy_split(const struct tech_cfg *t, const struct energy_shape *s, const struct chip_totals *part,
                  const int *cores, const int *routers, int n, struct energy_account *whole)
{
    long double v[EP_COUNT][ENERGY_MAX_PARTS];
    if (n > ENERGY_MAX_PARTS) n = 0;
    whole->n_parts = n;
    for (int k = 0; k < n; k++) {
        struct energy_shape sk = *s;
        sk.n_cores = cores[k];
        sk.n_routers = routers[k];
        struct acc a;
        price(t, &sk, &part[k], &a);
        struct energy_part *ep = &whole->part[k];
        memset(ep, 0, sizeof *ep);
        ep->cores = cores[k];
        ep->routers = routers[k];
        ep->busy_cycles = part[k].core.busy_cycles;
        for (int p = 0; p < EP_COUNT; p++) {
            v[p][k] = 0;
            for (int i = 0; i < EC_COUNT; i++) v[p][k] += a.fj[i][p];
        }
    }
    for (int p = 0; p < EP_COUNT; p++) {
        int64_t share[ENERGY_MAX_PARTS];
        apportion(energy_phase_fj(whole, p), v[p], n, share);
        for (int k = 0; k < n; k++) whole->part[k].fj[p] = share[k];
    }
}

int64_t energy_part_fj(const struct energy_part *p)
{
    int64_t s = 0;
    for (int i = 0; i < EP_COUNT; i++) s += p->fj[i];
    return s;
}

const char *energy_part_name(int k, int n, char *buf, size_t len)
{
    if (k == 0) snprintf(buf, len, "input");
    else if (k == n - 2) snprintf(buf, len, "output");
    else if (k == n - 1) snprintf(buf, len, "idle_routers");
    else snprintf(buf, len, "hidden_%d", k);
    return buf;
}

/* Rule 3: the reference barrier time grows with the tiles it spans, and a tile of
 * the reference holds barrier_tile_cores cores (Loihi: 4) where this chip has one
 * core per router: the chip's mapped cores fill cores / barrier_tile_cores tiles
 * (at least one), and the time is interpolated linearly over tiles. */
static double barrier_reference_ns(const struct tech_noc_cfg *n, int cores)
{
    if (n->t_barrier_max_ns <= 0) return 0;
    if (n->barrier_max_tiles <= 1) return n->t_barrier_max_ns;
    double tiles = (double)cores / (n->barrier_tile_cores > 0 ? n->barrier_tile_cores : 1);
    if (tiles < 1) tiles = 1;
    return n->t_barrier_min_ns +
           (n->t_barrier_max_ns - n->t_barrier_min_ns) * (tiles - 1) / (n->barrier_max_tiles - 1);
}

void energy_report_price(struct energy_report *r, const struct tech_cfg *t, const struct energy_shape *s,
                         const struct chip_totals *train, const struct chip_totals *infer)
{
    memset(r, 0, sizeof *r);
    energy_costs_init(&r->costs, t, s);
    energy_compute(t, s, train, &r->train);
    energy_compute(t, s, infer, &r->infer);
    r->ns_per_cycle = 1000.0 / s->clock_mhz;
    r->chip_ns_per_hop = s->cycles_per_hop * r->ns_per_cycle;
    r->tech_ns_per_hop_ew = t->noc.t_hop_ew_ns;
    r->tech_ns_per_hop_ns = t->noc.t_hop_ns_ns;
    r->tech_barrier_ns = barrier_reference_ns(&t->noc, s->n_cores);
}

void energy_report_infer_only(struct energy_report *r)
{
    memset(&r->train, 0, sizeof r->train);
    r->infer_only = 1;
}

int64_t energy_component_fj(const struct energy_account *a, int component)
{
    int64_t s = 0;
    for (int p = 0; p < EP_COUNT; p++) s += a->fj[component][p];
    return s;
}

int64_t energy_phase_fj(const struct energy_account *a, int phase)
{
    int64_t s = 0;
    for (int i = 0; i < EC_COUNT; i++) s += a->fj[i][phase];
    return s;
}

int64_t energy_total_fj(const struct energy_account *a)
{
    int64_t s = 0;
    for (int i = 0; i < EC_COUNT; i++) s += energy_component_fj(a, i);
    return s;
}

double energy_pj_per(int64_t fj, uint64_t n) { return n ? (double)fj / 1000.0 / (double)n : 0; }

double energy_pj_per_sample(const struct energy_account *a) { return energy_pj_per(energy_total_fj(a), a->samples); }
double energy_pj_per_syn_op(const struct energy_account *a) { return energy_pj_per(energy_total_fj(a), a->syn_ops); }

double energy_latency_ns_per_sample(const struct energy_report *r, const struct energy_account *a)
{
    return a->samples ? r->ns_per_cycle * (double)a->cycles / (double)a->samples : 0;
}

double energy_latency_ns_per_step(const struct energy_report *r, const struct energy_account *a)
{
    return a->steps ? r->ns_per_cycle * (double)a->cycles / (double)a->steps : 0;
}

double energy_samples_per_s(const struct energy_report *r, const struct energy_account *a)
{
    double ns = energy_latency_ns_per_sample(r, a);
    return ns > 0 ? 1e9 / ns : 0;
}

double energy_edp_js_per_sample(const struct energy_report *r, const struct energy_account *a)
{
    return energy_pj_per_sample(a) * 1e-12 * energy_latency_ns_per_sample(r, a) * 1e-9;
}
