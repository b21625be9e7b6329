/* The energy report of a chip run (see energy_report.h): the chip's shape and
 * counters handed to the energy model (models/energy.c) under the run's
 * technology, and what it priced written out. */
#include "energy_report.h"
#include "chip.h"
#include "config.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void energy_report_init(struct energy_report *r, const struct config *cfg, const struct chip *chip)
{
    struct energy_shape s;
    struct chip_totals t;
    energy_shape_init(&s, cfg, chip->n_cores);
    chip_totals(chip, &t);
    energy_report_price(r, &cfg->tech, &s, &t, &chip->infer);
    snprintf(r->technology, sizeof r->technology, "%.63s", cfg->tech_name);
    /* by layer: each account split over the parts of the chip that spent it */
    int n = CHIP_PARTS(cfg->network.n_layers - 2), cores[ENERGY_MAX_PARTS], routers[ENERGY_MAX_PARTS];
    if (n > ENERGY_MAX_PARTS) return;
    struct chip_totals *part = calloc((size_t)n, sizeof *part);
    if (!part) return;
    for (int infer = 0; infer < 2; infer++) {
        chip_part_totals(chip, infer, part, cores, routers);
        energy_split(&cfg->tech, &s, part, cores, routers, n, infer ? &r->infer : &r->train);
    }
    free(part);
}

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
    int nc = b && b->n_components > a->n_components ? b->n_components : a->n_components;
    for (int i = 0; i < nc; i++) {
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

/* by_layer of one account, or of both summed (b may be NULL; r gives the
 * clock for an account's compute time, NULL leaves it out). */
static void json_layers(struct json *j, const struct energy_account *a, const struct energy_account *b,
                        const struct energy_report *r)
{
    if (!a->n_parts) return;
    char name[32];
    json_key(j, "by_layer");
    json_begin_object(j);
    for (int k = 0; k < a->n_parts; k++) {
        const struct energy_part *p = &a->part[k], *q = b ? &b->part[k] : NULL;
        json_key(j, energy_part_name(k, a->n_parts, name, sizeof name));
        json_begin_object(j);
        json_key(j, "cores"); json_int(j, p->cores);
        json_key(j, "routers"); json_int(j, p->routers);
        json_key(j, "total"); json_double(j, (energy_part_fj(p) + (q ? energy_part_fj(q) : 0)) / 1000.0);
        if (r) {
            json_key(j, "per_sample"); json_double(j, energy_pj_per(energy_part_fj(p), a->samples));
            /* the mean of its cores' compute time; the cores of different layers
             * overlap in time and wait on the network, so these do not add up to
             * the latency (docs/energy.md) */
            json_key(j, "compute_ns_per_sample_per_core");
            json_double(j, p->cores && a->samples ? r->ns_per_cycle * (double)p->busy_cycles / p->cores / (double)a->samples : 0);
        }
        json_key(j, "by_phase");
        json_begin_object(j);
        for (int ph = 0; ph < EP_COUNT; ph++) {
            json_key(j, energy_phase_name[ph]);
            json_double(j, (p->fj[ph] + (q ? q->fj[ph] : 0)) / 1000.0);
        }
        json_end_object(j);
        json_end_object(j);
    }
    json_end_object(j);
}

/* A system of chips: the network's energy on chip (hops, routers, on-chip links,
 * local deliveries) and between chips (the inter-chip links), per account. */
static void json_network_split(struct json *j, const struct energy_account *tr, const struct energy_account *in,
                               int have_train)
{
    static const int onchip[] = { EC_LOCAL, EC_HOP, EC_ROUTER_BUFFER, EC_ROUTER_SWITCH, EC_ROUTER_ARB, EC_LINK };
    const struct energy_account *acc[2] = { tr, in };
    static const char *const name[2] = { "train", "infer" };
    json_key(j, "network");
    json_begin_object(j);
    for (int a = have_train ? 0 : 1; a < 2; a++) {
        int64_t on = 0;
        for (size_t k = 0; k < sizeof onchip / sizeof onchip[0]; k++) on += energy_component_fj(acc[a], onchip[k]);
        json_key(j, name[a]);
        json_begin_object(j);
        json_key(j, "on_chip"); json_double(j, on / 1000.0);
        json_key(j, "inter_chip"); json_double(j, energy_component_fj(acc[a], EC_INTERCHIP) / 1000.0);
        json_end_object(j);
    }
    json_end_object(j);
}

static void json_account(struct json *j, const char *key, const struct energy_account *a, const struct energy_report *r)
{
    json_key(j, key);
    json_begin_object(j);
    json_key(j, "total"); json_double(j, energy_total_fj(a) / 1000.0);
    json_key(j, "samples"); json_uint(j, a->samples);
    json_key(j, "per_sample"); json_double(j, energy_pj_per_sample(a));
    json_key(j, "per_step"); json_double(j, energy_pj_per(energy_total_fj(a), a->steps));
    json_key(j, "per_syn_op"); json_double(j, energy_pj_per_syn_op(a));
    json_key(j, "syn_ops"); json_uint(j, a->syn_ops);
    json_breakdown(j, a, NULL);
    json_layers(j, a, NULL, r);
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
    if (in->n_components > EC_INTERCHIP) json_network_split(j, tr, in, ht);
    json_layers(j, in->n_parts ? in : tr, ht && in->n_parts ? tr : NULL, NULL);
    if (ht) json_account(j, "train", tr, r);
    json_account(j, "infer", in, r);
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
        for (int i = 0; i < (pass ? EP_COUNT : in->n_components); i++) {
            int64_t e0 = pass ? energy_phase_fj(tr, i) : energy_component_fj(tr, i);
            int64_t e1 = pass ? energy_phase_fj(in, i) : energy_component_fj(in, i);
            if (!pass && !e0 && !e1) continue;
            snprintf(label, sizeof label, "  %s", pass ? energy_phase_name[i] : energy_component_name[i]);
            snprintf(sa, sizeof sa, "%.2f%%", share(e0, t0));
            snprintf(sb, sizeof sb, "%.2f%%", share(e1, t1));
            row(f, r->infer_only, label, scaled(energy_pj_per(e0, tr->samples), joules, a, sizeof a), sa,
                scaled(energy_pj_per(e1, in->samples), joules, b, sizeof b), sb);
        }
    }
    if (tr->n_parts || in->n_parts) {
        const struct energy_account *any = in->n_parts ? in : tr;
        fprintf(f, "  by layer\n");
        for (int k = 0; k < any->n_parts; k++) {
            int64_t e0 = tr->n_parts ? energy_part_fj(&tr->part[k]) : 0, e1 = in->n_parts ? energy_part_fj(&in->part[k]) : 0;
            char name[32];
            snprintf(label, sizeof label, "  %s", energy_part_name(k, any->n_parts, name, sizeof name));
            snprintf(sa, sizeof sa, "%.2f%%", share(e0, t0));
            snprintf(sb, sizeof sb, "%.2f%%", share(e1, t1));
            row(f, r->infer_only, label, scaled(energy_pj_per(e0, tr->samples), joules, a, sizeof a), sa,
                scaled(energy_pj_per(e1, in->samples), joules, b, sizeof b), sb);
        }
    }
    if (in->n_components > EC_INTERCHIP) {
        /* a system of chips: how much of the traffic left its chip, and its time on the links */
        fprintf(f, "  between chips (per sample; share of all flits, of all hops)\n");
        const struct { const char *label; uint64_t t, tw, i, iw; } x[] = {
            { "  flits leaving their chip", tr->interchip_flits, tr->flits, in->interchip_flits, in->flits },
            { "  inter-chip hops", tr->interchip_hops, tr->hops, in->interchip_hops, in->hops },
            { "  cycles on inter-chip links", tr->interchip_flit_cycles, 0, in->interchip_flit_cycles, 0 },
        };
        for (int k = 0; k < 3; k++) {
            snprintf(a, sizeof a, "%.4g", tr->samples ? (double)x[k].t / (double)tr->samples : 0);
            snprintf(b, sizeof b, "%.4g", in->samples ? (double)x[k].i / (double)in->samples : 0);
            /* flit-cycles on links that run side by side have no share of the clock's cycles */
            snprintf(sa, sizeof sa, "%.2f%%", share((int64_t)x[k].t, (int64_t)x[k].tw));
            snprintf(sb, sizeof sb, "%.2f%%", share((int64_t)x[k].i, (int64_t)x[k].iw));
            if (!x[k].tw) sa[0] = 0;
            if (!x[k].iw) sb[0] = 0;
            row(f, r->infer_only, x[k].label, a, sa, b, sb);
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
        fprintf(f, "  timing check: the technology's barrier over this chip's mapped cores takes %.4g ns\n",
                r->tech_barrier_ns);
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
    for (int i = 0; i < r->infer.n_components; i++) fprintf(f, ",%s", energy_component_name[i]);
    fprintf(f, ",total\n");
    const struct energy_account *acc[2] = { &r->train, &r->infer };
    static const char *const name[2] = { "train", "infer" };
    for (int a = r->infer_only ? 1 : 0; a < 2; a++)
        for (int p = 0; p < EP_COUNT; p++) {
            fprintf(f, "%s,%s,%llu", name[a], energy_phase_name[p], (unsigned long long)acc[a]->samples);
            for (int i = 0; i < acc[a]->n_components; i++) fprintf(f, ",%.6f", energy_pj_per(acc[a]->fj[i][p], acc[a]->samples));
            fprintf(f, ",%.6f\n", energy_pj_per(energy_phase_fj(acc[a], p), acc[a]->samples));
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
    fprintf(f, ",noc_flits_per_train_sample");
}

void energy_csv_row(FILE *f, const struct energy_report *r)
{
    const struct energy_account *t = &r->train;
    fprintf(f, ",%.6f,%.6f,%.6f,%.6f,%.6g,%.6g,%.6g", energy_pj_per_sample(t), energy_pj_per_sample(&r->infer),
            energy_latency_ns_per_sample(r, t), energy_latency_ns_per_sample(r, &r->infer),
            energy_samples_per_s(r, t), energy_pj_per_syn_op(t), energy_edp_js_per_sample(r, t));
    for (int p = 0; p < EP_COUNT; p++) fprintf(f, ",%.6f", energy_pj_per(energy_phase_fj(t, p), t->samples));
    fprintf(f, ",%.6f", t->samples ? (double)t->flits / (double)t->samples : 0);
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
