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
#include "chip.h"
#include "config.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <string.h>

const char *const energy_component_name[EC_COUNT] = {
    "crossbar_read", "crossbar_write", "encoder", "neuron_forward", "neuron_output",
    "neuron_derivative", "neuron_gradient", "backward_generator", "wta", "rng", "local_delivery",
    "noc_hop", "router_buffer", "router_switch", "router_arbitration", "link", "barrier",
    "static_core", "static_router",
};

const char *const energy_phase_name[EP_COUNT] = { "forward", "backward", "update", "control", "static" };

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

void energy_shape_init(struct energy_shape *s, const struct config *cfg, int n_cores)
{
    const struct chip_cfg *c = &cfg->chip;
    memset(s, 0, sizeof *s);
    s->n_cores = n_cores;
    s->n_routers = c->mesh_x * c->mesh_y;
    s->xbar_rows = c->xbar_rows;
    s->xbar_cols = c->xbar_cols;
    /* chip.c maps the full fan-in (inputs + bias) of a core's neurons onto its tiles */
    s->tiles_w1 = ceil_div(cfg->network.input + 1, c->xbar_rows);
    s->tiles_w2 = ceil_div(cfg->network.layers[cfg->network.n_layers - 2] + 1, c->xbar_rows);   /* W_out */
    s->depth = cfg->network.n_layers - 2;
    s->flit_bits = c->router.flit_bits;
    s->clock_mhz = c->clock_mhz;
    s->cycles_per_hop = c->router.pipeline + c->router.link_latency;
}

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
}

/* Accumulates count x pJ into a cell, in femtojoules (rounded once per cell). */
struct acc { long double fj[EC_COUNT][EP_COUNT]; };

static void add(struct acc *a, int comp, int phase, uint64_t count, double pj)
{
    a->fj[comp][phase] += (long double)count * (long double)pj * 1000.0L;
}

void energy_compute(const struct tech_cfg *t, const struct energy_shape *s, const struct chip_totals *tot,
                    struct energy_account *out)
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
    /* A coincidence of amplitude k (training.pulse_steps) is k write pulses. */
    add(&a, EC_XBAR_WRITE, EP_UPDATE, w1->update_steps + w2->update_steps, c.pulse);
    /* depth: the mirrors of W2..WL. A gradient spike drives one mirror row (a
     * column of the matrix it mirrors), its cells add into the generators' sums,
     * each converted once per tile; the mirror's share of a coincidence is a
     * pulse like any other (all zero at L = 1). */
    add(&a, EC_XBAR_READ, EP_BACKWARD, wm->back_reads, c.row_drive);
    add(&a, EC_XBAR_READ, EP_BACKWARD, wm->back_cells_read, c.cell_read);
    add(&a, EC_XBAR_READ, EP_BACKWARD, wm->conversions, c.convert);
    add(&a, EC_XBAR_WRITE, EP_UPDATE, wm->update_steps, c.pulse);

    /* neuron units */
    add(&a, EC_ENCODER, EP_FORWARD, k->encoder_updates, u->e_encoder_pj);
    add(&a, EC_NEURON_FWD, EP_FORWARD, k->fwd_unit_updates, u->e_forward_pj);
    add(&a, EC_NEURON_OUT, EP_FORWARD, k->out_unit_updates, u->e_output_pj);
    add(&a, EC_WTA, EP_FORWARD, k->wta_decisions, u->e_wta_pj);
    add(&a, EC_NEURON_DERIV, EP_BACKWARD, k->deriv_unit_updates, u->e_derivative_pj);
    add(&a, EC_NEURON_GRAD, EP_BACKWARD, k->grad_unit_events, u->e_gradient_pj);
    add(&a, EC_BACKWARD_GEN, EP_BACKWARD, k->back_gen_updates, u->e_backward_gen_pj);
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
    }

    /* leakage: P [mW] x t [ns] = pJ, t = cycles x 1000 / clock_mhz */
    double ns = s->clock_mhz > 0 ? 1000.0 / s->clock_mhz : 0;
    add(&a, EC_STATIC_CORE, EP_STATIC, ch->cycles, s->n_cores * t->stat.p_core_mw * ns);
    add(&a, EC_STATIC_ROUTER, EP_STATIC, ch->cycles, s->n_routers * t->stat.p_router_mw * ns);

    memset(out, 0, sizeof *out);
    for (int i = 0; i < EC_COUNT; i++)
        for (int p = 0; p < EP_COUNT; p++) out->fj[i][p] = llroundl(a.fj[i][p]);
    out->samples = ch->samples;
    out->steps = ch->steps;
    out->cycles = ch->cycles;
    out->syn_ops = w1->cells_read + w2->cells_read + w1->back_cells_read + w2->back_cells_read + wm->back_cells_read;
}

/* Loihi's barrier time grows with the tiles it spans: interpolate for this mesh. */
static double barrier_reference_ns(const struct tech_noc_cfg *n, int routers)
{
    if (n->t_barrier_max_ns <= 0) return 0;
    if (n->barrier_max_routers <= 1) return n->t_barrier_max_ns;
    return n->t_barrier_min_ns +
           (n->t_barrier_max_ns - n->t_barrier_min_ns) * (routers - 1) / (n->barrier_max_routers - 1);
}

void energy_report_init(struct energy_report *r, const struct config *cfg, const struct chip *chip)
{
    struct energy_shape s;
    struct chip_totals t;
    memset(r, 0, sizeof *r);
    snprintf(r->technology, sizeof r->technology, "%.63s", cfg->tech.name);
    energy_shape_init(&s, cfg, chip->n_cores);
    energy_costs_init(&r->costs, &cfg->tech, &s);
    chip_totals(chip, &t);
    energy_compute(&cfg->tech, &s, &t, &r->train);
    energy_compute(&cfg->tech, &s, &chip->infer, &r->infer);
    r->ns_per_cycle = 1000.0 / cfg->chip.clock_mhz;
    r->chip_ns_per_hop = s.cycles_per_hop * r->ns_per_cycle;
    r->tech_ns_per_hop_ew = cfg->tech.noc.t_hop_ew_ns;
    r->tech_ns_per_hop_ns = cfg->tech.noc.t_hop_ns_ns;
    r->tech_barrier_ns = barrier_reference_ns(&cfg->tech.noc, s.n_routers);
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

static double per(int64_t fj, uint64_t n) { return n ? (double)fj / 1000.0 / (double)n : 0; }

double energy_pj_per_sample(const struct energy_account *a) { return per(energy_total_fj(a), a->samples); }
double energy_pj_per_syn_op(const struct energy_account *a) { return per(energy_total_fj(a), a->syn_ops); }

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

/* ---- reports ------------------------------------------------------------- */

static void json_pair(struct json *j, const char *key, double train, double infer, int have_train, int have_infer)
{
    json_key(j, key);
    json_begin_object(j);
    if (have_train) {
        json_key(j, "train");
        json_double(j, train);
    }
    if (have_infer) {
        json_key(j, "infer");
        json_double(j, infer);
    }
    json_end_object(j);
}

/* by_component and by_phase of one account, or of both summed (b may be NULL). */
static void json_breakdown(struct json *j, const struct energy_account *a, const struct energy_account *b)
{
    json_key(j, "by_component");
    json_begin_object(j);
    for (int i = 0; i < EC_COUNT; i++) {
        json_key(j, energy_component_name[i]);
        json_double(j, (energy_component_fj(a, i) + (b ? energy_component_fj(b, i) : 0)) / 1000.0);
    }
    json_end_object(j);
    json_key(j, "by_phase");
    json_begin_object(j);
    for (int p = 0; p < EP_COUNT; p++) {
        json_key(j, energy_phase_name[p]);
        json_double(j, (energy_phase_fj(a, p) + (b ? energy_phase_fj(b, p) : 0)) / 1000.0);
    }
    json_end_object(j);
}

static void json_account(struct json *j, const char *key, const struct energy_account *a)
{
    json_key(j, key);
    json_begin_object(j);
    json_key(j, "total"); json_double(j, energy_total_fj(a) / 1000.0);
    json_key(j, "samples"); json_uint(j, a->samples);
    json_key(j, "per_sample"); json_double(j, energy_pj_per_sample(a));
    json_key(j, "per_step"); json_double(j, per(energy_total_fj(a), a->steps));
    json_key(j, "per_syn_op"); json_double(j, energy_pj_per_syn_op(a));
    json_key(j, "syn_ops"); json_uint(j, a->syn_ops);
    json_breakdown(j, a, NULL);
    json_end_object(j);
}

void energy_json(struct json *j, const struct energy_report *r)
{
    const struct energy_account *tr = &r->train, *in = &r->infer;
    int hi = in->samples > 0, ht = !r->infer_only;
    json_pair(j, "latency_ns_per_step", energy_latency_ns_per_step(r, tr), energy_latency_ns_per_step(r, in), ht, hi);
    json_pair(j, "throughput_samples_per_s", energy_samples_per_s(r, tr), energy_samples_per_s(r, in), ht, hi);
    json_pair(j, "edp_js_per_sample", energy_edp_js_per_sample(r, tr), energy_edp_js_per_sample(r, in), ht, hi);
    json_key(j, "energy_pj");
    json_begin_object(j);
    json_key(j, "technology"); json_string(j, r->technology);
    json_key(j, "total"); json_double(j, (energy_total_fj(tr) + energy_total_fj(in)) / 1000.0);
    if (ht) {
        json_key(j, "per_sample_train"); json_double(j, energy_pj_per_sample(tr));
    }
    json_key(j, "per_sample_infer"); json_double(j, energy_pj_per_sample(in));
    if (ht) {
        json_key(j, "per_syn_op_train"); json_double(j, energy_pj_per_syn_op(tr));
    }
    json_key(j, "per_syn_op_infer"); json_double(j, energy_pj_per_syn_op(in));
    json_breakdown(j, tr, in);
    if (ht) json_account(j, "train", tr);
    json_account(j, "infer", in);
    const struct energy_costs *c = &r->costs;
    json_key(j, "per_event");
    json_begin_object(j);
#define D(name) json_key(j, #name); json_double(j, c->name);
    D(row_drive) D(col_drive) D(cell_read) D(convert) D(pulse) D(pulse_periph) D(pulse_selected)
    D(pulse_half_selected) D(pulse_wire) D(router_buffer) D(router_arb) D(link_per_hop)
#undef D
    json_key(j, "half_selected_cells"); json_int(j, c->half_selected_cells);
    json_end_object(j);
    json_end_object(j);
    json_key(j, "timing_check");
    json_begin_object(j);
    json_key(j, "chip_ns_per_hop"); json_double(j, r->chip_ns_per_hop);
    json_key(j, "tech_ns_per_hop_ew"); json_double(j, r->tech_ns_per_hop_ew);
    json_key(j, "tech_ns_per_hop_ns"); json_double(j, r->tech_ns_per_hop_ns);
    json_key(j, "tech_barrier_ns"); json_double(j, r->tech_barrier_ns);
    json_end_object(j);
}

static double share(int64_t part, int64_t whole) { return whole ? 100.0 * (double)part / (double)whole : 0; }

/* "%.4g unit" of v, the unit stepped up by 1000s (pJ -> nJ -> uJ, ns -> us -> ms). */
static const char *scaled(double v, const char *const *unit, char *buf, size_t n)
{
    int u = 0;
    while (fabs(v) >= 1000 && unit[u + 1]) { v /= 1000; u++; }
    snprintf(buf, n, "%.4g %s", v, unit[u]);
    return buf;
}

static const char *const joules[] = { "pJ", "nJ", "uJ", "mJ", "J", NULL };
static const char *const seconds[] = { "ns", "us", "ms", "s", NULL };

/* One table row; an infer-only table leaves the training column (a, sa) out. */
static void row(FILE *f, int one_column, const char *label, const char *a, const char *sa, const char *b, const char *sb)
{
    char line[200];
    int n = one_column ? snprintf(line, sizeof line, "  %-30s %13s %7s", label, b, sb)
                       : snprintf(line, sizeof line, "  %-30s %13s %7s %13s %7s", label, a, sa, b, sb);
    while (n > 0 && line[n - 1] == ' ') line[--n] = 0;
    fprintf(f, "%s\n", line);
}

void energy_print(FILE *f, const struct energy_report *r)
{
    const struct energy_account *tr = &r->train, *in = &r->infer;
    int64_t t0 = energy_total_fj(tr), t1 = energy_total_fj(in);
    char a[40], b[40], sa[16], sb[16], label[64];
    fprintf(f, "\nenergy and latency, technology %s\n", r->technology);
    row(f, r->infer_only, "", "training", "", "inference", "");
    row(f, r->infer_only, "per sample", "energy", "share", "energy", "share");
    for (int pass = 0; pass < 2; pass++) {
        fprintf(f, "  %s\n", pass ? "by phase" : "by component");
        for (int i = 0; i < (pass ? EP_COUNT : EC_COUNT); i++) {
            int64_t e0 = pass ? energy_phase_fj(tr, i) : energy_component_fj(tr, i);
            int64_t e1 = pass ? energy_phase_fj(in, i) : energy_component_fj(in, i);
            if (!pass && !e0 && !e1) continue;
            snprintf(label, sizeof label, "  %s", pass ? energy_phase_name[i] : energy_component_name[i]);
            snprintf(sa, sizeof sa, "%.2f%%", share(e0, t0));
            snprintf(sb, sizeof sb, "%.2f%%", share(e1, t1));
            row(f, r->infer_only, label, scaled(per(e0, tr->samples), joules, a, sizeof a), sa,
                scaled(per(e1, in->samples), joules, b, sizeof b), sb);
        }
    }
    row(f, r->infer_only, "total per sample", scaled(energy_pj_per_sample(tr), joules, a, sizeof a), "",
        scaled(energy_pj_per_sample(in), joules, b, sizeof b), "");
    snprintf(a, sizeof a, "%llu", (unsigned long long)tr->samples);
    snprintf(b, sizeof b, "%llu", (unsigned long long)in->samples);
    row(f, r->infer_only, "samples", a, "", b, "");
    row(f, r->infer_only, "whole run", scaled(t0 / 1000.0, joules, a, sizeof a), "", scaled(t1 / 1000.0, joules, b, sizeof b), "");
    row(f, r->infer_only, "per synaptic op", scaled(energy_pj_per_syn_op(tr), joules, a, sizeof a), "",
        scaled(energy_pj_per_syn_op(in), joules, b, sizeof b), "");
    row(f, r->infer_only, "latency per step", scaled(energy_latency_ns_per_step(r, tr), seconds, a, sizeof a), "",
        scaled(energy_latency_ns_per_step(r, in), seconds, b, sizeof b), "");
    row(f, r->infer_only, "latency per sample", scaled(energy_latency_ns_per_sample(r, tr), seconds, a, sizeof a), "",
        scaled(energy_latency_ns_per_sample(r, in), seconds, b, sizeof b), "");
    snprintf(a, sizeof a, "%.5g", energy_samples_per_s(r, tr));
    snprintf(b, sizeof b, "%.5g", energy_samples_per_s(r, in));
    row(f, r->infer_only, "throughput (samples/s)", a, "", b, "");
    snprintf(a, sizeof a, "%.4g", energy_edp_js_per_sample(r, tr));
    snprintf(b, sizeof b, "%.4g", energy_edp_js_per_sample(r, in));
    row(f, r->infer_only, "energy x delay (J s)", a, "", b, "");
    if (r->tech_ns_per_hop_ew > 0 || r->tech_ns_per_hop_ns > 0) {
        double slow = r->tech_ns_per_hop_ew > r->tech_ns_per_hop_ns ? r->tech_ns_per_hop_ew : r->tech_ns_per_hop_ns;
        fprintf(f, "  timing check: a hop takes %.3g ns on this clock, %.3g (E-W) / %.3g (N-S) ns in the "
                   "technology%s\n", r->chip_ns_per_hop, r->tech_ns_per_hop_ew, r->tech_ns_per_hop_ns,
                r->chip_ns_per_hop < slow ? ": the clock is faster than the technology's slowest hop" : "");
    }
    if (r->tech_barrier_ns > 0)
        fprintf(f, "  timing check: the technology's barrier over %s takes %.4g ns\n", "this mesh", r->tech_barrier_ns);
}

const char *energy_csv_path(const char *out, char *buf, size_t n)
{
    size_t len = strlen(out);
    if (len > 5 && !strcmp(out + len - 5, ".json")) len -= 5;
    snprintf(buf, n, "%.*s.energy.csv", (int)len, out);
    return buf;
}

int energy_write_csv(const char *path, const struct energy_report *r, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "account,phase,samples");
    for (int i = 0; i < EC_COUNT; i++) fprintf(f, ",%s", energy_component_name[i]);
    fprintf(f, ",total\n");
    const struct energy_account *acc[2] = { &r->train, &r->infer };
    static const char *const name[2] = { "train", "infer" };
    for (int a = r->infer_only ? 1 : 0; a < 2; a++)
        for (int p = 0; p < EP_COUNT; p++) {
            fprintf(f, "%s,%s,%llu", name[a], energy_phase_name[p], (unsigned long long)acc[a]->samples);
            for (int i = 0; i < EC_COUNT; i++) fprintf(f, ",%.6f", per(acc[a]->fj[i][p], acc[a]->samples));
            fprintf(f, ",%.6f\n", per(energy_phase_fj(acc[a], p), acc[a]->samples));
        }
    if (fclose(f)) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Prints and writes the CSV of a filled report. */
static int finish(const struct energy_report *r, const char *out, int quiet)
{
    if (!quiet) energy_print(stdout, r);
    if (!out) return 0;
    char path[1100], err[1400];
    if (energy_write_csv(energy_csv_path(out, path, sizeof path), r, err, sizeof err)) {
        fprintf(stderr, "ssnnsim: %s\n", err);
        return 1;
    }
    return 0;
}

int energy_finish_run(struct energy_report *r, const struct config *cfg, const struct chip *chip,
                      const char *out, int quiet)
{
    energy_report_init(r, cfg, chip);
    return finish(r, out, quiet);
}

int energy_finish_infer(struct energy_report *r, const struct config *cfg, const struct chip *chip,
                        const char *out, int quiet)
{
    energy_report_init(r, cfg, chip);
    energy_report_infer_only(r);
    return finish(r, out, quiet);
}

void energy_csv_header(FILE *f)
{
    fprintf(f, ",energy_pj_per_train_sample,energy_pj_per_infer_sample,latency_ns_per_train_sample"
               ",latency_ns_per_infer_sample,train_samples_per_s,pj_per_syn_op_train,edp_js_per_train_sample");
    for (int p = 0; p < EP_COUNT; p++) fprintf(f, ",train_%s_pj", energy_phase_name[p]);
}

void energy_csv_row(FILE *f, const struct energy_report *r)
{
    const struct energy_account *t = &r->train;
    fprintf(f, ",%.6f,%.6f,%.6f,%.6f,%.6g,%.6g,%.6g", energy_pj_per_sample(t), energy_pj_per_sample(&r->infer),
            energy_latency_ns_per_sample(r, t), energy_latency_ns_per_sample(r, &r->infer),
            energy_samples_per_s(r, t), energy_pj_per_syn_op(t), energy_edp_js_per_sample(r, t));
    for (int p = 0; p < EP_COUNT; p++) fprintf(f, ",%.6f", per(energy_phase_fj(t, p), t->samples));
}

void energy_pareto(const double *energy, const double *accuracy, int n, int *on)
{
    for (int i = 0; i < n; i++) {
        on[i] = 1;
        for (int k = 0; k < n && on[i]; k++)
            if (k != i && energy[k] <= energy[i] && accuracy[k] >= accuracy[i] &&
                (energy[k] < energy[i] || accuracy[k] > accuracy[i]))
                on[i] = 0;
    }
}
