/* Configuration loading: YAML (libyaml event API) -> a small node tree that keeps
 * the file, line and column of every key and value -> typed structs through one
 * schema table. The schema says what each key is (type, range); the workload
 * files say what it is set to, so nothing here carries a default.
 *
 * Two ways to compose files, both resolved relative to the including file:
 *   extends: base.yaml        at the top of a document: start from base, then overlay
 *   device: devices/gv.yaml   any section may be given as the path of a file holding it
 * The dataset files a workload names resolve the same way; given with --set, they
 * are relative to the working directory (path.c says why, and what else it does).
 * "--set a.b=c" parses c as YAML and overlays it before validation, so an override
 * is checked exactly as the file is. */
#include "config.h"
#include "json.h"
#include "path.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "yaml_tree.h"

/* F_PATH: a string naming a file the run reads, stored resolved (path.h). */
enum ftype { F_INT, F_DOUBLE, F_BOOL, F_STRING, F_PATH, F_DLIST, F_SLIST, F_ILIST };

struct field {
    const char *path;       /* dotted key */
    enum ftype type;
    size_t off;             /* offset in struct config */
    double min, max;        /* inclusive range (ints and doubles, list items, string length) */
    const char *const *choices; /* allowed strings, NULL-terminated, or NULL */
    size_t count_off;       /* F_DLIST, F_SLIST, F_ILIST: offset of the int count */
    int integers;           /* F_DLIST: every item must be a whole number */
    int optional;           /* may be absent (count 0); written out only when given */
};

#define OFF(m) offsetof(struct config, m)
#define INT(p, m, lo, hi) { p, F_INT, OFF(m), lo, hi, NULL, 0, 0, 0 }
#define DBL(p, m, lo, hi) { p, F_DOUBLE, OFF(m), lo, hi, NULL, 0, 0, 0 }
#define BOOL(p, m) { p, F_BOOL, OFF(m), 0, 1, NULL, 0, 0, 0 }
#define STR(p, m, ch) { p, F_STRING, OFF(m), 0, CFG_STR - 1, ch, 0, 0, 0 }
/* Optional settings of a later feature: absent means the default (the first
 * choice, or false), and they are written out only when not the default, so a
 * config that does not name them gives the same results, JSON and checkpoints
 * as before they existed. */
#define OPT_STR(p, m, ch) { p, F_STRING, OFF(m), 0, CFG_STR - 1, ch, 0, 0, 1 }
#define OPT_BOOL(p, m) { p, F_BOOL, OFF(m), 0, 1, NULL, 0, 0, 1 }
/* The system section's numbers (and the inter-chip link's energy): absent is 0,
 * written out only for a system of chips (field_shown). */
#define OPT_INT(p, m, lo, hi) { p, F_INT, OFF(m), lo, hi, NULL, 0, 0, 1 }
#define OPT_DBL(p, m, lo, hi) { p, F_DOUBLE, OFF(m), lo, hi, NULL, 0, 0, 1 }
#define PATH(p, m) { p, F_PATH, OFF(m), 0, CFG_STR - 1, NULL, 0, 0, 0 }
#define DLIST(p, m, n, lo, hi) { p, F_DLIST, OFF(m), lo, hi, NULL, OFF(n), 0, 0 }
/* A list of component names (char[CFG_LIST][32]), optional: absent means empty
 * (and is written as []). Items are checked by check_component below. */
#define SLIST(p, m, n) { p, F_SLIST, OFF(m), 0, 31, NULL, OFF(n), 0, 1 }
#define ILIST(p, m, n, lo, hi) { p, F_DLIST, OFF(m), lo, hi, NULL, OFF(n), 1, 0 }
/* Optional per-layer lists (absent: the shared setting); lengths are checked
 * against the depth in check_layers. */
#define OPT_DLIST(p, m, n, lo, hi) { p, F_DLIST, OFF(m), lo, hi, NULL, OFF(n), 0, 1 }
#define OPT_ILIST(p, m, n, lo, hi) { p, F_DLIST, OFF(m), lo, hi, NULL, OFF(n), 1, 1 }
/* A list of int widths (network.layers), the alternative to input/hidden/output. */
#define WIDTHS(p, m, n, lo, hi) { p, F_ILIST, OFF(m), lo, hi, NULL, OFF(n), 1, 1 }

static const char *const init_choices[] = { "glorot_uniform", NULL };
static const char *const membrane_choices[] = { "spikes", "rate", NULL };
static const char *const fault_choices[] = { "none", "stuck_link", "drop_flit", "corrupt_dest", NULL };
static const char *const traffic_choices[] = { "uniform", "transpose", "bitcomp", "hotspot", NULL };
static const char *const synapse_choices[] = { "digital", "analogue", NULL };   /* enum tech_synapse_kind */
static const char *const router_model_choices[] = { "collapsed", "pipelined", NULL };   /* enum router_model */
static const char *const sw_alloc_choices[] = { "input_first", "islip", NULL };         /* enum router_sw_allocator */
static const char *const vc_alloc_choices[] = { "round_robin", "islip", NULL };         /* enum router_vc_allocator */
static const char *const accounting_choices[] = { "network", "booksim", NULL };          /* enum noc_accounting */
static const char *const placement_choices[] = { "fill", "spread", NULL };
static const char *const tclass_choices[] = { "forward", "backward", "control", "mixed", NULL };

/* The position of v in a NULL-ended choice list: its enum value where the list is
 * written in the enum's order. */
static int choice_index(const char *const *choices, const char *v)
{
    for (int i = 0; choices[i]; i++)
        if (!strcmp(choices[i], v)) return i;
    return 0;
}

/* Sections group fields; a field's section is its path up to the last dot.
 * Fields of one section are contiguous (config_to_json relies on it). */
static const char *const sections[] = {
    "chip", "chip.router", "chip.fault", "system", "system.link", "device", "network", "dataset", "training", "technology", "technology.crossbar",
    "technology.neuron", "technology.noc", "technology.static", "noc", "waves", NULL
};

static const struct field schema[] = {
    INT("chip.mesh_x", chip.mesh_x, 1, 256),
    INT("chip.mesh_y", chip.mesh_y, 1, 256),
    INT("chip.core_neurons", chip.core_neurons, 1, 65536),
    INT("chip.xbar_rows", chip.xbar_rows, 1, 65536),
    INT("chip.xbar_cols", chip.xbar_cols, 1, 65536),
    INT("chip.tiles_per_core", chip.tiles_per_core, 1, 1024),
    INT("chip.neuron_lanes", chip.neuron_lanes, 1, 65536),
    OPT_INT("chip.barrier_cycles", chip.barrier_cycles, 1, 1 << 20),
    DBL("chip.clock_mhz", chip.clock_mhz, 1e-3, 1e5),
    INT("chip.router.buffer_depth", chip.router.buffer_depth, 1, 1024),
    INT("chip.router.pipeline", chip.router.pipeline, 1, 64),
    INT("chip.router.link_latency", chip.router.link_latency, 1, 1024),
    INT("chip.router.vcs", chip.router.vcs, 1, 16),
    INT("chip.router.flit_bits", chip.router.flit_bits, 8, 1024),
    INT("chip.router.watchdog_cycles", chip.router.watchdog_cycles, 1, 1e15),
    OPT_STR("chip.router.model", router_model, router_model_choices),
    OPT_BOOL("chip.router.speculative", chip.router.speculative),
    OPT_BOOL("chip.router.lookahead", chip.router.lookahead),
    OPT_STR("chip.router.sw_allocator", router_sw_allocator, sw_alloc_choices),
    OPT_STR("chip.router.vc_allocator", router_vc_allocator, vc_alloc_choices),
    STR("chip.fault.kind", chip.fault.kind, fault_choices),
    INT("chip.fault.node", chip.fault.node, 0, 65535),
    INT("chip.fault.after_flits", chip.fault.after_flits, 0, 1e15),
    SLIST("chip.rtl", chip.rtl, chip.n_rtl),

    OPT_ILIST("system.chips", system.chips, system.n_chips, 1, 256),
    OPT_INT("system.link.latency_cycles", system.link_latency, 1, 1 << 20),
    OPT_INT("system.link.cycles_per_flit", system.link_cycles_per_flit, 1, 1024),
    OPT_INT("system.link.buffer_depth", system.link_buffer_depth, 1, 1024),
    OPT_INT("system.barrier_cycles", system.barrier_cycles, 1, 1 << 20),
    OPT_STR("system.placement", system.placement, placement_choices),

    STR("device.name", device_name, NULL),
    DBL("device.dw_min", device.dw_min, 1e-6, 1),
    DBL("device.w_max", device.w_max, 1e-6, 100),
    DBL("device.step_dtod", device.step_dtod, 0, 2),
    DBL("device.step_ctoc", device.step_ctoc, 0, 2),
    DBL("device.bound_dtod", device.bound_dtod, 0, 1),
    DBL("device.asymmetry", device.asymmetry, -1.9, 1.9),
    BOOL("device.soft_bounds", device.soft_bounds),
    DBL("device.read_noise", device.read_noise, 0, 10),

    /* any whole number here: check_layers names the width a bad one is (input, hidden, output) */
    WIDTHS("network.layers", network.layers, network.n_layers, -(1 << 20), 1 << 20),
    INT("network.input", network.input, 1, 1 << 20),
    INT("network.hidden", network.hidden, 1, 1 << 16),
    INT("network.output", network.output, 2, 1024),
    STR("network.init", network.init, init_choices),

    STR("dataset.name", dataset.name, NULL),
    PATH("dataset.train_images", dataset.train_images),
    PATH("dataset.train_labels", dataset.train_labels),
    PATH("dataset.test_images", dataset.test_images),
    PATH("dataset.test_labels", dataset.test_labels),
    INT("dataset.classes", dataset.classes, 2, 1024),
    INT("dataset.label_offset", dataset.label_offset, 0, 255),
    BOOL("dataset.transpose", dataset.transpose),
    INT("dataset.rows", dataset.rows, 1, 4096),
    INT("dataset.cols", dataset.cols, 1, 4096),

    INT("training.T", training.T, 1, 65536),
    INT("training.T_test", training.T_test, 1, 65536),
    INT("training.epochs", training.epochs, 0, 10000),
    DBL("training.beta", training.beta, 0, 1e6),
    DLIST("training.update_gate", training.update_gate, training.n_gate, 0, 1),
    ILIST("training.pulse_steps", training.pulse_steps, training.n_pulse, 1, 64),
    OPT_DLIST("training.beta_layers", training.beta_layers, training.n_beta_layers, 0, 1e6),
    OPT_ILIST("training.pulse_steps_layers", training.pulse_steps_layers, training.n_pulse_layers, 1, 64),
    STR("training.membrane", training.membrane, membrane_choices),
    INT("training.seed", training.seed, 0, 9007199254740991.0),
    INT("training.samples", training.samples, 0, 1e12),
    INT("training.test_samples", training.test_samples, 0, 1e12),
    BOOL("training.shuffle", training.shuffle),
    BOOL("training.ann_baseline", training.ann_baseline),
    STR("training.checkpoint", training.checkpoint, NULL),
    INT("training.checkpoint_every", training.checkpoint_every, 0, 1e12),

    STR("technology.name", tech_name, NULL),
    STR("technology.crossbar.kind", tech_kind, synapse_choices),
    DBL("technology.crossbar.e_cell_read_pj", tech.crossbar.e_cell_read_pj, 0, 1e9),
    DBL("technology.crossbar.e_line_drive_pj", tech.crossbar.e_line_drive_pj, 0, 1e9),
    DBL("technology.crossbar.e_convert_pj", tech.crossbar.e_convert_pj, 0, 1e9),
    DBL("technology.crossbar.e_pulse_pj", tech.crossbar.e_pulse_pj, 0, 1e9),
    DBL("technology.crossbar.g_min_us", tech.crossbar.g_min_us, 0, 1e6),
    DBL("technology.crossbar.g_max_us", tech.crossbar.g_max_us, 0, 1e6),
    DBL("technology.crossbar.v_read_v", tech.crossbar.v_read_v, 0, 100),
    DBL("technology.crossbar.t_read_ns", tech.crossbar.t_read_ns, 0, 1e9),
    DBL("technology.crossbar.v_write_v", tech.crossbar.v_write_v, 0, 100),
    DBL("technology.crossbar.t_write_ns", tech.crossbar.t_write_ns, 0, 1e9),
    DBL("technology.crossbar.c_wire_ff_per_cell", tech.crossbar.c_wire_ff_per_cell, 0, 1e6),
    BOOL("technology.crossbar.half_select", tech.crossbar.half_select),
    DBL("technology.neuron.e_encoder_pj", tech.neuron.e_encoder_pj, 0, 1e9),
    DBL("technology.neuron.e_forward_pj", tech.neuron.e_forward_pj, 0, 1e9),
    DBL("technology.neuron.e_output_pj", tech.neuron.e_output_pj, 0, 1e9),
    DBL("technology.neuron.e_derivative_pj", tech.neuron.e_derivative_pj, 0, 1e9),
    DBL("technology.neuron.e_gradient_pj", tech.neuron.e_gradient_pj, 0, 1e9),
    DBL("technology.neuron.e_backward_gen_pj", tech.neuron.e_backward_gen_pj, 0, 1e9),
    DBL("technology.neuron.e_wta_pj", tech.neuron.e_wta_pj, 0, 1e9),
    DBL("technology.neuron.e_rng_pj", tech.neuron.e_rng_pj, 0, 1e9),
    DBL("technology.neuron.e_barrier_pj", tech.neuron.e_barrier_pj, 0, 1e9),
    DBL("technology.noc.e_local_pj", tech.noc.e_local_pj, 0, 1e9),
    DBL("technology.noc.e_hop_ew_pj", tech.noc.e_hop_ew_pj, 0, 1e9),
    DBL("technology.noc.e_hop_ns_pj", tech.noc.e_hop_ns_pj, 0, 1e9),
    DBL("technology.noc.e_buffer_write_pj", tech.noc.e_buffer_write_pj, 0, 1e9),
    DBL("technology.noc.e_buffer_read_pj", tech.noc.e_buffer_read_pj, 0, 1e9),
    DBL("technology.noc.e_switch_pj", tech.noc.e_switch_pj, 0, 1e9),
    DBL("technology.noc.e_route_pj", tech.noc.e_route_pj, 0, 1e9),
    DBL("technology.noc.e_arbitration_pj", tech.noc.e_arbitration_pj, 0, 1e9),
    DBL("technology.noc.e_link_pj_per_bit_mm", tech.noc.e_link_pj_per_bit_mm, 0, 1e9),
    DBL("technology.noc.link_mm", tech.noc.link_mm, 0, 1e3),
    DBL("technology.noc.t_hop_ew_ns", tech.noc.t_hop_ew_ns, 0, 1e9),
    DBL("technology.noc.t_hop_ns_ns", tech.noc.t_hop_ns_ns, 0, 1e9),
    DBL("technology.noc.t_barrier_min_ns", tech.noc.t_barrier_min_ns, 0, 1e12),
    DBL("technology.noc.t_barrier_max_ns", tech.noc.t_barrier_max_ns, 0, 1e12),
    INT("technology.noc.barrier_max_tiles", tech.noc.barrier_max_tiles, 1, 1 << 20),
    INT("technology.noc.barrier_tile_cores", tech.noc.barrier_tile_cores, 1, 1 << 20),
    OPT_DBL("technology.noc.interchip_pj_per_bit", tech.noc.interchip_pj_per_bit, 0, 1e9),
    DBL("technology.static.p_core_mw", tech.stat.p_core_mw, 0, 1e9),
    DBL("technology.static.p_router_mw", tech.stat.p_router_mw, 0, 1e9),

    STR("noc.traffic", noc.traffic, traffic_choices),
    STR("noc.traffic_class", noc.traffic_class, tclass_choices),
    DLIST("noc.rates", noc.rates, noc.n_rates, 1e-6, 1),
    INT("noc.packet_flits", noc.packet_flits, 1, 1024),
    INT("noc.warmup_cycles", noc.warmup_cycles, 0, 1e12),
    INT("noc.measure_cycles", noc.measure_cycles, 1, 1e12),
    INT("noc.drain_cycles", noc.drain_cycles, 0, 1e12),
    INT("noc.hotspot_node", noc.hotspot_node, 0, 65535),
    DBL("noc.hotspot_fraction", noc.hotspot_fraction, 0, 1),
    INT("noc.seed", noc.seed, 0, 9007199254740991.0),
    OPT_STR("noc.latency_accounting", noc.latency_accounting, accounting_choices),

    STR("waves.file", waves.file, NULL),
    STR("waves.cores", waves.cores, NULL),
    INT("waves.neurons", waves.neurons, 0, 65536),
    INT("waves.sample_first", waves.sample_first, 0, 1e12),
    INT("waves.samples", waves.samples, 0, 1e12),
    INT("waves.cycle_first", waves.cycle_first, 0, 1e15),
    INT("waves.cycle_last", waves.cycle_last, 0, 1e15),
};
#define N_FIELDS (sizeof schema / sizeof schema[0])
_Static_assert(N_FIELDS <= CFG_MAX_FIELDS, "raise CFG_MAX_FIELDS");

/* ---- includes ------------------------------------------------------------ */

static int is_section(const char *path)
{
    for (int i = 0; sections[i]; i++)
        if (!strcmp(sections[i], path)) return 1;
    return 0;
}

/* Replaces section values given as file names by the mapping in that file. */
static int expand_includes(struct yloader *L, struct ynode *map, const char *prefix)
{
    for (int i = 0; i < map->n; i++) {
        struct ynode *c = map->items[i];
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", c->key);
        if (!is_section(path)) continue;
        if (c->kind == N_SCALAR && c->value[0]) {
            char file[CFG_STR * 2];
            yt_resolve_path(c->file, c->value, file, sizeof file);
            struct ynode *sub;
            const char *outer = L->prefix;
            L->prefix = path;           /* where the file's mapping lands */
            int r = yt_load_file(L, file, c->file, c->line, c->col, &sub);
            L->prefix = outer;
            if (r) return -1;
            sub->key = c->key;
            c->key = NULL;
            sub->kline = c->kline;
            sub->kcol = c->kcol;
            node_free(c);
            map->items[i] = c = sub;
        }
        if (c->kind == N_MAP && expand_includes(L, c, path)) return -1;
    }
    return 0;
}

/* Runs on every loaded file before extends overlays it (see yaml_tree.h). */
static int expand_file(struct yloader *L, struct ynode *root)
{
    return expand_includes(L, root, L->prefix ? L->prefix : "");
}

/* ---- overrides ---------------------------------------------------------- */

/* The file name of values typed on the command line: messages point at
 * "--set:N:col", and file names given there are relative to the working directory. */
static const char cmdline[] = "--set";
/* A value typed on the command line: by --set or a shorthand option (--samples, --waves, ...). */
static int on_cmdline(const char *file) { return !strncmp(file, "--", 2); }

static const struct field *find_field(const char *path)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (!strcmp(schema[i].path, path)) return &schema[i];
    return NULL;
}

/* Moves a tree parsed from an override's value to where the value stands. */
static void shift_positions(struct ynode *n, int line, int dcol)
{
    n->line = n->kline = line;
    n->col += dcol;
    n->kcol += dcol;
    for (int i = 0; i < n->n; i++) shift_positions(n->items[i], line, dcol);
}

/* Applies "a.b.c=value": the value is parsed as YAML and placed at a.b.c.
 * Messages point at the override's origin when it has one (a sweep file),
 * otherwise at "--set:N:col" where N counts the --set options. */
static int apply_override(struct yloader *L, struct ynode *root, const struct config_override *ov, int index)
{
    const char *text = ov->text;
    const char *fname = yt_intern(L, ov->file ? ov->file : cmdline);
    int line = ov->file ? ov->line : index;
    const char *eq = strchr(text, '=');
    int kcol = ov->file ? ov->kcol : 1;
    if (!eq || eq == text)
        return yt_fail(L, fname, line, kcol, "expected key=value, got '%s'", text);
    int vcol = ov->file ? ov->col : (int)(eq - text) + 2;
    char key[256];
    size_t klen = (size_t)(eq - text);
    if (klen >= sizeof key) return yt_fail(L, fname, line, kcol, "key too long");
    memcpy(key, text, klen);
    key[klen] = 0;
    if (!find_field(key) && !is_section(key))
        return yt_fail(L, fname, line, kcol, "unknown key '%s'", key);
    struct ynode *val;
    if (!eq[1]) {
        /* "key=" is an empty value, as "key:" is in a file (an empty document
         * would otherwise parse as an empty mapping). */
        yaml_mark_t m = { 0, 0, 0 };
        val = node_new(N_SCALAR, fname, &m);
        val->value = strdup("");
        val->plain = 1;
    } else if (yt_parse(L, fname, eq + 1, &val)) {
        /* Keep libyaml's message, re-anchored on the command line. */
        char msg[512];
        const char *m = L->err;
        for (int colons = 0; *m && colons < 3; m++) colons += *m == ':';
        snprintf(msg, sizeof msg, "%s", *m == ' ' ? m + 1 : m);
        return yt_fail(L, fname, line, vcol, "%s", msg);
    }
    shift_positions(val, line, vcol - 1);
    val->kline = line;
    val->kcol = kcol;
    /* Walk/create the mappings down to the parent of the last key. */
    struct ynode *cur = root;
    char *save, *tok = strtok_r(key, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        struct ynode *c = map_get(cur, tok);
        if (!next) {
            if (c && c->kind == N_MAP && val->kind == N_MAP) {
                /* A mapping overlays a section key by key, as extends does. */
                yt_merge(c, val);
                node_free(val);
                return 0;
            }
            val->key = strdup(tok);
            if (c) {
                for (int i = 0; i < cur->n; i++)
                    if (cur->items[i] == c) cur->items[i] = val;
                node_free(c);
            } else {
                node_push(cur, val);
            }
            return 0;
        }
        if (!c) {
            yaml_mark_t m = { 0, (size_t)line - 1, (size_t)kcol - 1 };
            c = node_new(N_MAP, fname, &m);
            c->key = strdup(tok);
            node_push(cur, c);
        } else if (c->kind != N_MAP) {
            node_free(val);
            return yt_fail(L, fname, line, kcol, "'%s' is not a section", tok);
        }
        cur = c;
        tok = next;
    }
    node_free(val);
    return 0;
}

/* ---- validation --------------------------------------------------------- */

static int parse_int(const char *s, int64_t *v)
{
    errno = 0;
    char *end;
    long long x = strtoll(s, &end, 0);
    if (errno || end == s || *end) return -1;
    *v = x;
    return 0;
}

static int parse_double(const char *s, double *v)
{
    errno = 0;
    char *end;
    double x = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(x)) return -1;
    /* strtod accepts hex and "inf"/"nan"; YAML numbers are decimal. */
    for (const char *c = s; *c; c++)
        if ((*c >= 'a' && *c <= 'z' && *c != 'e') || (*c >= 'A' && *c <= 'Z' && *c != 'E')) return -1;
    *v = x;
    return 0;
}

static int parse_bool(const char *s, int *v)
{
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes")) { *v = 1; return 0; }
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no")) { *v = 0; return 0; }
    return -1;
}

static int check_double(struct yloader *L, const struct field *f, const struct ynode *n, double *out)
{
    if (n->kind != N_SCALAR || !n->plain || parse_double(n->value, out))
        return yt_fail(L, n->file, n->line, n->col, "%s: expected a number, got %s%s%s%s", f->path,
                    n->kind == N_SCALAR ? "'" : kind_name(n->kind),
                    n->kind == N_SCALAR ? n->value : "", n->kind == N_SCALAR ? "'" : "", "");
    if (*out < f->min || *out > f->max)
        return yt_fail(L, n->file, n->line, n->col, "%s: %g is out of range [%g, %g]", f->path,
                    *out, f->min, f->max);
    if (f->integers && *out != floor(*out))
        return yt_fail(L, n->file, n->line, n->col, "%s: %g is not a whole number", f->path, *out);
    return 0;
}

/* One case per field type of the schema table (long as a switch is: each case is
 * that type's whole check, read on its own). */
static int set_field(struct yloader *L, const struct field *f, const struct ynode *n, struct config *cfg)
{
    char *dst = (char *)cfg + f->off;
    switch (f->type) {
    case F_INT: {
        int64_t v;
        if (n->kind != N_SCALAR || !n->plain || parse_int(n->value, &v))
            return yt_fail(L, n->file, n->line, n->col, "%s: expected an integer, got %s%s%s", f->path,
                        n->kind == N_SCALAR ? "'" : kind_name(n->kind),
                        n->kind == N_SCALAR ? n->value : "", n->kind == N_SCALAR ? "'" : "");
        if ((double)v < f->min || (double)v > f->max)
            return yt_fail(L, n->file, n->line, n->col, "%s: %lld is out of range [%.0f, %.0f]",
                        f->path, (long long)v, f->min, f->max);
        if (f->max <= 2147483647.0) *(int *)dst = (int)v;
        else *(int64_t *)dst = v;
        return 0;
    }
    case F_DOUBLE:
        return check_double(L, f, n, (double *)dst);
    case F_BOOL:
        if (n->kind != N_SCALAR || !n->plain || parse_bool(n->value, (int *)dst))
            return yt_fail(L, n->file, n->line, n->col, "%s: expected true or false, got %s%s%s", f->path,
                        n->kind == N_SCALAR ? "'" : kind_name(n->kind),
                        n->kind == N_SCALAR ? n->value : "", n->kind == N_SCALAR ? "'" : "");
        return 0;
    case F_STRING:
    case F_PATH:
        if (n->kind != N_SCALAR)
            return yt_fail(L, n->file, n->line, n->col, "%s: expected a string, got %s", f->path,
                        kind_name(n->kind));
        if (strlen(n->value) > (size_t)f->max)
            return yt_fail(L, n->file, n->line, n->col, "%s: string longer than %.0f characters",
                        f->path, f->max);
        /* Names and file names end up in messages, reports and JSON: printable only. */
        for (const unsigned char *c = (const unsigned char *)n->value; *c; c++)
            if (*c < 0x20 || *c == 0x7f)
                return yt_fail(L, n->file, n->line, n->col, "%s: control character \\x%02x in '%s'", f->path, *c,
                               n->value);
        if (f->choices) {
            int ok = 0;
            for (int i = 0; f->choices[i]; i++) ok |= !strcmp(f->choices[i], n->value);
            if (!ok) {
                char list[256] = "";
                for (int i = 0; f->choices[i]; i++)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", f->choices[i]);
                return yt_fail(L, n->file, n->line, n->col, "%s: '%s' is not one of: %s", f->path,
                            n->value, list);
            }
        }
        if (f->type == F_PATH && path_resolve(on_cmdline(n->file) ? NULL : n->file, n->value, dst, CFG_STR))
            return yt_fail(L, n->file, n->line, n->col, "%s: '%s' resolves to a path longer than %.0f characters",
                           f->path, n->value, f->max);
        if (f->type == F_STRING) snprintf(dst, CFG_STR, "%s", n->value);
        return 0;
    case F_DLIST: {
        double *v = (double *)dst;
        int *count = (int *)((char *)cfg + f->count_off);
        if (n->kind == N_SCALAR) {          /* a single number is a one-item list */
            *count = 1;
            return check_double(L, f, n, v);
        }
        if (n->kind != N_SEQ || n->n == 0 || n->n > CFG_LIST)
            return yt_fail(L, n->file, n->line, n->col, "%s: expected a list of 1 to %d numbers",
                        f->path, CFG_LIST);
        for (int i = 0; i < n->n; i++)
            if (check_double(L, f, n->items[i], &v[i])) return -1;
        *count = n->n;
        return 0;
    }
    case F_ILIST: {
        int *v = (int *)dst;
        int *count = (int *)((char *)cfg + f->count_off);
        if (n->kind == N_SEQ && n->n == 0)
            return yt_fail(L, n->file, n->line, n->col, "%s: the list is empty: expected [input, hidden widths..., output], "
                           "e.g. [784, 500, 10]", f->path);
        if (n->kind != N_SEQ || n->n > CFG_LIST)
            return yt_fail(L, n->file, n->line, n->col, "%s: expected a list of 1 to %d whole numbers, e.g. [784, 500, 10]",
                           f->path, CFG_LIST);
        for (int i = 0; i < n->n; i++) {
            const struct ynode *it = n->items[i];
            int64_t x;
            if (it->kind != N_SCALAR || !it->plain || parse_int(it->value, &x))
                return yt_fail(L, it->file, it->line, it->col, "%s: expected a whole number, got %s%s%s", f->path,
                               it->kind == N_SCALAR ? "'" : kind_name(it->kind),
                               it->kind == N_SCALAR ? it->value : "", it->kind == N_SCALAR ? "'" : "");
            if ((double)x < f->min || (double)x > f->max)
                return yt_fail(L, it->file, it->line, it->col, "%s: width %lld is out of range (at most %.0f)", f->path,
                               (long long)x, f->max);
            v[i] = (int)x;
        }
        *count = n->n;
        return 0;
    }
    case F_SLIST: {
        char (*v)[32] = (char (*)[32])dst;
        int *count = (int *)((char *)cfg + f->count_off);
        if (n->kind != N_SEQ || n->n > CFG_LIST)
            return yt_fail(L, n->file, n->line, n->col, "%s: expected a list of up to %d component names, e.g. [router]",
                        f->path, CFG_LIST);
        for (int i = 0; i < n->n; i++) {
            const struct ynode *it = n->items[i];
            if (it->kind != N_SCALAR || strlen(it->value) > (size_t)f->max)
                return yt_fail(L, it->file, it->line, it->col, "%s: expected a component name", f->path);
            snprintf(v[i], 32, "%s", it->value);
        }
        *count = n->n;
        return 0;
    }
    }
    return -1;
}

/* chip.rtl items: "router" (every router) or "router_X_Y" (one, on the mesh).
 * Only the router has an RTL that runs in the chip (docs/systemc.md). */
static int check_component(struct yloader *L, const struct ynode *it, const struct config *c)
{
    const char *s = it->value;
    if (!strcmp(s, "router")) return 0;
    int x, y, end = 0;
    if (sscanf(s, "router_%d_%d%n", &x, &y, &end) == 2 && !s[end]) {
        if (x < 0 || y < 0 || x >= c->chip.mesh_x || y >= c->chip.mesh_y)
            return yt_fail(L, it->file, it->line, it->col, "chip.rtl: '%s' is not on the %dx%d mesh", s,
                           c->chip.mesh_x, c->chip.mesh_y);
        return 0;
    }
    return yt_fail(L, it->file, it->line, it->col,
                   "chip.rtl: unknown component '%s' (known: router, router_X_Y)", s);
}

/* Checks every key against the schema and fills the struct; reports the first
 * unknown key, type error or missing key. */
static int validate(struct yloader *L, const struct ynode *map, const char *prefix,
                    struct config *cfg, unsigned char *seen)
{
    for (int i = 0; i < map->n; i++) {
        const struct ynode *c = map->items[i];
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", c->key);
        if (is_section(path)) {
            if (c->kind != N_MAP)
                return yt_fail(L, c->file, c->line, c->col,
                            "%s: expected a mapping (or the name of a file holding one), got %s",
                            path, kind_name(c->kind));
            if (validate(L, c, path, cfg, seen)) return -1;
            continue;
        }
        const struct field *f = find_field(path);
        if (!f) return yt_fail(L, c->file, c->kline, c->kcol, "unknown key '%s'", path);
        if (set_field(L, f, c, cfg)) return -1;
        seen[f - schema] = 1;
        struct config_origin *o = &cfg->origin[f - schema];
        o->key = f->path;
        snprintf(o->file, sizeof o->file, "%s", c->file);
        o->line = c->line;
        o->col = c->col;
    }
    return 0;
}

/* The waves section: a file name the writer knows, a core list it can read, a
 * window that is not empty. Which cores exist is checked once the chip is
 * placed (sim/chip_waves.c, sim/noc.c), at this key's position too. */
static int check_waves(struct yloader *L, const struct ynode *root, const struct config *c)
{
    const struct ynode *w = map_get(root, "waves");
    if (!w) return 0;
    const struct ynode *n = map_get(w, "file");
    size_t len = strlen(c->waves.file);
    if (n && len && (len < 5 || (strcmp(c->waves.file + len - 4, ".fst") && strcmp(c->waves.file + len - 4, ".vcd"))))
        return yt_fail(L, n->file, n->line, n->col, "waves.file: '%s' must end in .fst or .vcd", c->waves.file);
    n = map_get(w, "cores");
    const char *s = c->waves.cores;
    int ok = !strcmp(s, "all");
    for (const char *p = s; !ok && *p; p++) {
        if (*p == ',' && p > s && p[1] && p[-1] != ',') continue;
        if (*p < '0' || *p > '9') break;
        if (!p[1]) ok = 1;
    }
    if (n && !ok)
        return yt_fail(L, n->file, n->line, n->col,
                       "waves.cores: expected all or a comma-separated list of core indices, got '%s'", s);
    n = map_get(w, "cycle_last");
    if (n && c->waves.cycle_last && c->waves.cycle_last < c->waves.cycle_first)
        return yt_fail(L, n->file, n->line, n->col, "waves.cycle_last: %lld is before waves.cycle_first %lld",
                       (long long)c->waves.cycle_last, (long long)c->waves.cycle_first);
    return 0;
}

/* Cross-field rules the per-key ranges cannot say. */
/* The router's microarchitecture keys (docs/noc.md "Router microarchitectures"). */
static int check_router(struct yloader *L, const struct ynode *root, const struct config *c)
{
    const struct ynode *chip = map_get(root, "chip");
    const struct ynode *rt = chip && chip->kind == N_MAP ? map_get(chip, "router") : NULL;
    if (!rt || rt->kind != N_MAP) return 0;
    const struct router_cfg *rc = &c->chip.router;
    static const char *const pl_only[] = { "speculative", "lookahead" };
    for (int i = 0; i < 2; i++) {
        const struct ynode *n = map_get(rt, pl_only[i]);
        if (n && (i ? rc->lookahead : rc->speculative) && rc->model != ROUTER_PIPELINED)
            return yt_fail(L, n->file, n->line, n->col,
                           "chip.router.%s: needs chip.router.model: pipelined (the collapsed router has no stages)",
                           pl_only[i]);
    }
    if (rc->pipeline < router_cfg_min_pipeline(rc)) {
        const struct ynode *n = map_get(rt, "pipeline");
        if (!n) n = map_get(rt, "model");
        return yt_fail(L, n ? n->file : c->path, n ? n->line : 1, n ? n->col : 1,
                       "chip.router.pipeline: %d is shorter than this pipelined router's %d stages (%sVA, %sST: "
                       "pipeline >= %d)", rc->pipeline, router_cfg_min_pipeline(rc), rc->lookahead ? "" : "RC, ",
                       rc->speculative ? "" : "SA, ", router_cfg_min_pipeline(rc));
    }
    const struct ynode *rtl = map_get(chip, "rtl");
    if (rtl && rtl->kind == N_SEQ && rtl->n > 0 && !router_cfg_is_default(rc))
        return yt_fail(L, rtl->file, rtl->line, rtl->col,
                       "chip.rtl: rtl/router.sv is the default router (collapsed, input_first); this config sets "
                       "chip.router.model/speculative/lookahead/sw_allocator/vc_allocator");
    return 0;
}

/* Where a key was set (NULL: left at its default). */
static const struct config_origin *origin_of(const struct config *cfg, const char *key)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (cfg->origin[i].key && !strcmp(cfg->origin[i].key, key)) return &cfg->origin[i];
    return NULL;
}

/* A digital synapse (an SRAM word) has no device conductance, read or write
 * voltage, wire charge or half-select: energy.c would add those analogue terms to
 * its per-op figures, so a digital technology that gives one is refused at it. */
static int check_synapse_kind(struct yloader *L, const struct config *c)
{
    const struct tech_crossbar_cfg *x = &c->tech.crossbar;
    if (x->kind != TECH_DIGITAL) return 0;
    const struct { const char *key; double v; } analogue[] = {
        { "technology.crossbar.g_min_us", x->g_min_us },   { "technology.crossbar.g_max_us", x->g_max_us },
        { "technology.crossbar.v_read_v", x->v_read_v },   { "technology.crossbar.t_read_ns", x->t_read_ns },
        { "technology.crossbar.v_write_v", x->v_write_v }, { "technology.crossbar.t_write_ns", x->t_write_ns },
        { "technology.crossbar.c_wire_ff_per_cell", x->c_wire_ff_per_cell },
        { "technology.crossbar.half_select", x->half_select },
    };
    for (size_t i = 0; i < sizeof analogue / sizeof analogue[0]; i++) {
        if (analogue[i].v == 0) continue;
        const struct config_origin *at = origin_of(c, analogue[i].key);
        const struct config_origin *kind = origin_of(c, "technology.crossbar.kind");
        if (!at) at = kind;
        return yt_fail(L, at ? yt_intern(L, at->file) : c->path, at ? at->line : 1, at ? at->col : 1,
                       "%s: %g is an analogue device term, but technology.crossbar.kind is digital (an SRAM "
                       "synapse: its energy is in e_cell_read_pj and e_pulse_pj); set it to 0 or kind: analogue",
                       analogue[i].key, analogue[i].v);
    }
    return 0;
}


/* The system section (docs/system.md): two chip counts, and for more than one
 * chip the link it needs, a global mesh of 16-bit node ids, its energy per bit,
 * and none of what a system of chips does not support. Fills chips_x/chips_y. */
static int check_system(struct yloader *L, const struct ynode *root, struct config *c)
{
    struct system_cfg *s = &c->system;
    s->chips_x = s->chips_y = 1;
    const struct ynode *sys = map_get(root, "system");
    if (!sys) return 0;
    const struct ynode *ch = map_get(sys, "chips");
    if (!ch) {
        if (sys->n > 0)
            return yt_fail(L, sys->file, sys->line, sys->col,
                           "system: system.chips is missing: give the chips as [x, y], e.g. [2, 1]");
        return 0;
    }
    if (s->n_chips != 2)
        return yt_fail(L, ch->file, ch->line, ch->col, "system.chips: expected [x, y] (chips across, chips up), got %d entr%s",
                       s->n_chips, s->n_chips == 1 ? "y" : "ies");
    s->chips_x = (int)s->chips[0];
    s->chips_y = (int)s->chips[1];
    if (!CFG_MULTICHIP(c)) return 0;
    long long nodes = (long long)s->chips_x * c->chip.mesh_x * s->chips_y * c->chip.mesh_y;
    if (nodes > 65536)
        return yt_fail(L, ch->file, ch->line, ch->col,
                       "system.chips: %dx%d chips of %dx%d routers make a %dx%d mesh of %lld nodes; flit node ids are "
                       "16-bit (at most 65536)", s->chips_x, s->chips_y, c->chip.mesh_x, c->chip.mesh_y,
                       s->chips_x * c->chip.mesh_x, s->chips_y * c->chip.mesh_y, nodes);
    const struct ynode *lk = map_get(sys, "link");
    static const char *const need[] = { "latency_cycles", "cycles_per_flit" };
    for (int i = 0; i < 2; i++)
        if (!lk || !map_get(lk, need[i]))
            return yt_fail(L, ch->file, ch->line, ch->col,
                           "system.link.%s: required for a system of %dx%d chips (the inter-chip link, docs/system.md)",
                           need[i], s->chips_x, s->chips_y);
    if (!s->barrier_cycles) s->barrier_cycles = s->link_latency;    /* one inter-chip hop */
    const struct ynode *chipn = map_get(root, "chip");
    const struct ynode *cb = chipn && chipn->kind == N_MAP ? map_get(chipn, "barrier_cycles") : NULL;
    if (cb)
        return yt_fail(L, cb->file, cb->line, cb->col,
                       "chip.barrier_cycles: a system of %dx%d chips takes its barrier delay from "
                       "system.barrier_cycles (docs/system.md \"Barrier\")", s->chips_x, s->chips_y);
    const struct ynode *tn = map_get(root, "technology");
    tn = tn ? map_get(tn, "noc") : NULL;
    if (!tn || !map_get(tn, "interchip_pj_per_bit"))
        return yt_fail(L, ch->file, ch->line, ch->col,
                       "system.chips: a system of %dx%d chips needs technology.noc.interchip_pj_per_bit, the energy "
                       "of its inter-chip links (technology '%s' has none)", s->chips_x, s->chips_y, c->tech_name);
    const struct ynode *chip = map_get(root, "chip");
    const struct ynode *rtl = chip && chip->kind == N_MAP ? map_get(chip, "rtl") : NULL;
    if (rtl && rtl->kind == N_SEQ && rtl->n > 0)
        return yt_fail(L, rtl->file, rtl->line, rtl->col,
                       "chip.rtl: RTL routers are not supported in a system of %dx%d chips (rtl/router.sv has no "
                       "inter-chip link; docs/system.md)", s->chips_x, s->chips_y);
    return 0;
}

static int check_consistency(struct yloader *L, const struct ynode *root, struct config *c)
{
    const struct ynode *net = map_get(root, "network");
    const struct ynode *in = net ? map_get(net, "input") : NULL;
    if (in && c->network.input != c->dataset.rows * c->dataset.cols)
        return yt_fail(L, in->file, in->line, in->col,
                    "network.input: %d does not match the dataset's %dx%d = %d pixels",
                    c->network.input, c->dataset.rows, c->dataset.cols, c->dataset.rows * c->dataset.cols);
    const struct ynode *out = net ? map_get(net, "output") : NULL;
    if (out && c->network.output != c->dataset.classes)
        return yt_fail(L, out->file, out->line, out->col,
                    "network.output: %d does not match dataset.classes = %d",
                    c->network.output, c->dataset.classes);
    if (check_waves(L, root, c)) return -1;
    const struct ynode *chip = map_get(root, "chip");
    const struct ynode *rtl = chip && chip->kind == N_MAP ? map_get(chip, "rtl") : NULL;
    for (int i = 0; rtl && i < rtl->n; i++)
        if (check_component(L, rtl->items[i], c)) return -1;
    if (check_router(L, root, c)) return -1;
    if (check_synapse_kind(L, c)) return -1;
    if (check_system(L, root, c)) return -1;
    const struct ynode *dev = map_get(root, "device");
    const struct ynode *wm = dev ? map_get(dev, "w_max") : NULL;
    double states = c->device.w_max / c->device.dw_min;
    if (wm && (states < 1 || states * (1 + 4 * c->device.bound_dtod) > 16000))
        return yt_fail(L, wm->file, wm->line, wm->col,
                    "device: w_max/dw_min = %.0f states (with bound variation) must lie in [1, 16000] to fit a 16-bit conductance state",
                    states);
    return 0;
}

/* ---- depth ----------------------------------------------------------------- */

/* network.input/hidden/output: the L = 1 spelling of network.layers. */
static int is_shape_key(const char *path)
{
    return !strcmp(path, "network.input") || !strcmp(path, "network.hidden") || !strcmp(path, "network.output");
}


/* One spelling of the shape, not both: layers and an old key together would
 * leave it open which one the run has. Refused at network.layers. */
static int check_shape_keys(struct yloader *L, const unsigned char *seen, const struct config *cfg)
{
    if (!cfg->network.n_layers) return 0;
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (!seen[i] || !is_shape_key(schema[i].path)) continue;
        const struct config_origin *at = origin_of(cfg, "network.layers"), *old = &cfg->origin[i];
        return yt_fail(L, yt_intern(L, at->file), at->line, at->col,
                       "network.layers: the shape is given twice: network.layers and %s (at %s:%d:%d); "
                       "network.input/hidden/output is the one-hidden-layer spelling of network.layers, give one of them",
                       schema[i].path, old->file, old->line, old->col);
    }
    return 0;
}

/* A run holds every matrix as int16 states: 2^28 of them is 512 MiB. */
#define MAX_WEIGHTS (1LL << 28)

/* Widths by position, the dataset's size, the total weight count, and the
 * per-layer lists' lengths; fills input/hidden/output from layers or back. */
static int check_layers(struct yloader *L, const struct ynode *root, struct config *c)
{
    struct network_cfg *n = &c->network;
    const struct ynode *net = map_get(root, "network");
    const struct ynode *ln = net ? map_get(net, "layers") : NULL;
    if (n->n_layers) {
        if (n->n_layers < 3)
            return yt_fail(L, ln->file, ln->line, ln->col,
                           "network.layers: expected [input, hidden widths..., output] with at least one hidden layer, got %d width%s",
                           n->n_layers, n->n_layers == 1 ? "" : "s");
        int last = n->n_layers - 1;
        for (int i = 0; i <= last; i++) {
            const struct ynode *it = ln->items[i];
            int lo = i == last ? 2 : 1, hi = i == 0 ? 1 << 20 : i == last ? 1024 : 1 << 16;
            const char *what = i == 0 ? "input" : i == last ? "output" : "hidden";
            if (n->layers[i] < lo || n->layers[i] > hi)
                return yt_fail(L, it->file, it->line, it->col, "network.layers: %s width %d is out of range [%d, %d]",
                               what, n->layers[i], lo, hi);
        }
        if (n->layers[0] != c->dataset.rows * c->dataset.cols)
            return yt_fail(L, ln->items[0]->file, ln->items[0]->line, ln->items[0]->col,
                           "network.layers: input %d does not match the dataset's %dx%d = %d pixels", n->layers[0],
                           c->dataset.rows, c->dataset.cols, c->dataset.rows * c->dataset.cols);
        if (n->layers[last] != c->dataset.classes)
            return yt_fail(L, ln->items[last]->file, ln->items[last]->line, ln->items[last]->col,
                           "network.layers: output %d does not match dataset.classes = %d", n->layers[last],
                           c->dataset.classes);
        n->input = n->layers[0];
        n->hidden = n->layers[1];
        n->output = n->layers[last];
    } else {
        n->n_layers = 3;
        n->layers[0] = n->input;
        n->layers[1] = n->hidden;
        n->layers[2] = n->output;
    }
    long long weights = 0;
    for (int i = 1; i < n->n_layers; i++) weights += (long long)(n->layers[i - 1] + 1) * n->layers[i];
    if (weights > MAX_WEIGHTS) {
        const struct ynode *at = ln ? ln : net;
        return yt_fail(L, at->file, at->line, at->col,
                       "%s: %lld weights (with biases) exceed the %lld a run holds (16-bit states, 512 MiB)",
                       ln ? "network.layers" : "network", weights, MAX_WEIGHTS);
    }
    int depth = n->n_layers - 2;
    const struct ynode *tr = map_get(root, "training");
    const struct ynode *bl = tr ? map_get(tr, "beta_layers") : NULL;
    if (c->training.n_beta_layers && c->training.n_beta_layers != depth)
        return yt_fail(L, bl->file, bl->line, bl->col,
                       "training.beta_layers: %d entries for %d hidden layer%s (one backward gain per hidden layer, layer 1 first)",
                       c->training.n_beta_layers, depth, depth == 1 ? "" : "s");
    const struct ynode *pl = tr ? map_get(tr, "pulse_steps_layers") : NULL;
    if (c->training.n_pulse_layers && c->training.n_pulse_layers != depth + 1)
        return yt_fail(L, pl->file, pl->line, pl->col,
                       "training.pulse_steps_layers: %d entries for %d weight matrices (W1..W%d and W_out, in that order)",
                       c->training.n_pulse_layers, depth + 1, depth);
    double kmax = 0;
    for (int e = 0; e < c->training.n_pulse; e++)
        if (c->training.pulse_steps[e] > kmax) kmax = c->training.pulse_steps[e];
    for (int m = 0; m < c->training.n_pulse_layers; m++)
        if (kmax * c->training.pulse_steps_layers[m] > 64) {
            const struct ynode *it = pl->kind == N_SEQ ? pl->items[m] : pl;
            return yt_fail(L, it->file, it->line, it->col,
                           "training.pulse_steps_layers: %g times the largest training.pulse_steps %g is %g device steps "
                           "per coincidence, more than 64",
                           c->training.pulse_steps_layers[m], kmax, kmax * c->training.pulse_steps_layers[m]);
        }
    return 0;
}

int config_load(const char *path, const struct config_override *ov, int n_ov,
                struct config *cfg, char *err, size_t errlen)
{
    struct yloader L = { .err = err, .errlen = errlen, .expand = expand_file };
    struct ynode *root = NULL;
    int r = -1;
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    if (yt_load_file(&L, path, NULL, 0, 0, &root)) goto done;
    if (expand_includes(&L, root, "")) goto done;
    for (int i = 0, typed = 0; i < n_ov; i++) {
        typed += !ov[i].file;           /* --set:N counts the --set options only */
        if (apply_override(&L, root, &ov[i], typed)) goto done;
        if (expand_includes(&L, root, "")) goto done;
    }
    /* Every file is read by now: the run's outputs must be none of them (run_files.h). */
    for (int i = 0; i < L.n_read && i < CFG_MAX_FILES; i++) {
        struct config_file *f = &cfg->files[cfg->n_files++];
        snprintf(f->path, sizeof f->path, "%s", L.read[i].file);
        f->included = L.read[i].included;
        f->dev = L.read[i].dev;
        f->ino = L.read[i].ino;
    }
    unsigned char seen[N_FIELDS] = { 0 };
    if (validate(&L, root, "", cfg, seen)) goto done;
    if (check_shape_keys(&L, seen, cfg)) goto done;
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (seen[i] || schema[i].optional || (is_shape_key(schema[i].path) && cfg->network.n_layers)) continue;
        /* Name the missing key at the section that should hold it. */
        char sec[256];
        snprintf(sec, sizeof sec, "%s", schema[i].path);
        const struct ynode *at = root;
        char *save, *tok = strtok_r(sec, ".", &save);
        for (; tok; tok = strtok_r(NULL, ".", &save)) {
            const struct ynode *c = at->kind == N_MAP ? map_get(at, tok) : NULL;
            if (!c) break;
            at = c;
        }
        yt_fail(&L, at->file ? at->file : path, at->line ? at->line : 1, at->col ? at->col : 1,
             "missing required key '%s'", schema[i].path);
        goto done;
    }
    for (size_t i = 0; i < N_FIELDS; i++) {     /* absent optional strings: the default */
        char *v = (char *)cfg + schema[i].off;
        if (schema[i].optional && schema[i].type == F_STRING && !v[0]) snprintf(v, CFG_STR, "%s", schema[i].choices[0]);
    }
    /* each choice list is in its enum's order (the schema checked the value is one) */
    cfg->chip.router.model = choice_index(router_model_choices, cfg->router_model);
    cfg->chip.router.sw_allocator = choice_index(sw_alloc_choices, cfg->router_sw_allocator);
    cfg->chip.router.vc_allocator = choice_index(vc_alloc_choices, cfg->router_vc_allocator);
    cfg->noc.accounting = choice_index(accounting_choices, cfg->noc.latency_accounting);
    cfg->system.spread = choice_index(placement_choices, cfg->system.placement);
    cfg->tech.crossbar.kind = choice_index(synapse_choices, cfg->tech_kind);
    if (check_consistency(&L, root, cfg)) goto done;
    if (check_layers(&L, root, cfg)) goto done;
    r = 0;
done:
    node_free(root);
    yt_loader_free(&L);
    return r;
}

const char *config_where(const struct config *cfg, const char *key, char *buf, size_t n)
{
    const struct config_origin *o = origin_of(cfg, key);
    /* A width given in network.layers was written there. */
    if (!o && is_shape_key(key)) o = origin_of(cfg, "network.layers");
    if (o) snprintf(buf, n, "%s:%d:%d", o->file, o->line, o->col);
    else snprintf(buf, n, "%s:1:1", cfg->path);
    return buf;
}

/* One field's value, as the result JSON writes it. */
static void field_to_json(const struct config *cfg, const struct field *f, struct json *j)
{
    const char *src = (const char *)cfg + f->off;
    switch (f->type) {
    case F_INT:
        if (f->max <= 2147483647.0) json_int(j, *(const int *)src);
        else json_int(j, *(const int64_t *)src);
        break;
    case F_DOUBLE: json_double(j, *(const double *)src); break;
    case F_BOOL: json_bool(j, *(const int *)src); break;
    case F_STRING:
    case F_PATH: json_string(j, src); break;
    case F_DLIST: {
        int n = *(const int *)((const char *)cfg + f->count_off);
        json_begin_array(j);
        for (int k = 0; k < n; k++) json_double(j, ((const double *)src)[k]);
        json_end_array(j);
        break;
    }
    case F_SLIST: {
        int n = *(const int *)((const char *)cfg + f->count_off);
        json_begin_array(j);
        for (int k = 0; k < n; k++) json_string(j, ((const char (*)[32])src)[k]);
        json_end_array(j);
        break;
    }
    case F_ILIST: {
        int n = *(const int *)((const char *)cfg + f->count_off);
        json_begin_array(j);
        for (int k = 0; k < n; k++) json_int(j, ((const int *)src)[k]);
        json_end_array(j);
        break;
    }
    }
}

/* Whether a setting is written out. The shape has one spelling per depth, so a
 * one-hidden-layer run writes (and checkpoints) exactly what it did before
 * network.layers existed: input/hidden/output; a deeper one writes layers.
 * Per-layer lists appear only when given. */
static int field_shown(const struct config *cfg, const struct field *f)
{
    if (!strcmp(f->path, "chip.barrier_cycles")) return cfg->chip.barrier_cycles != 0;
    if (f->optional && (f->type == F_INT || f->type == F_DOUBLE)) return CFG_MULTICHIP(cfg);
    if (!strncmp(f->path, "system.", 7)) return CFG_MULTICHIP(cfg);
    if (f->type == F_ILIST) return cfg->network.n_layers > 3;
    if (is_shape_key(f->path)) return cfg->network.n_layers <= 3;
    if (f->optional && f->type == F_DLIST) return *(const int *)((const char *)cfg + f->count_off) > 0;
    if (f->optional && f->type == F_STRING) return strcmp((const char *)cfg + f->off, f->choices[0]) != 0;
    if (f->optional && f->type == F_BOOL) return *(const int *)((const char *)cfg + f->off) != 0;
    return 1;
}

void config_to_lines(const struct config *cfg, FILE *f)
{
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (!field_shown(cfg, &schema[i])) continue;
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        struct json j;
        json_init(&j, m);
        field_to_json(cfg, &schema[i], &j);
        fclose(m);
        /* Arrays come out indented over lines: outside strings, drop the layout. */
        fprintf(f, "%s=", schema[i].path);
        int in_string = 0;
        for (size_t k = 0; k < len; k++) {
            char ch = text[k];
            if (in_string && ch == '\\' && k + 1 < len) { fputc(ch, f); fputc(text[++k], f); continue; }
            if (ch == '"') in_string = !in_string;
            if (in_string || (ch != '\n' && ch != ' ')) fputc(ch, f);
        }
        fputc('\n', f);
        free(text);
    }
}

void config_to_json(const struct config *cfg, struct json *j)
{
    /* Sections open and close as the dotted paths change; fields are grouped. */
    char open[8][64];
    int depth = 0;
    json_begin_object(j);
    for (size_t i = 0; i < N_FIELDS; i++) {
        const struct field *f = &schema[i];
        if (!field_shown(cfg, f)) continue;
        char parts[8][64];
        int np = 0;
        const char *s = f->path;
        while (np < 8) {
            const char *dot = strchr(s, '.');
            size_t len = dot ? (size_t)(dot - s) : strlen(s);
            snprintf(parts[np++], 64, "%.*s", (int)len, s);
            if (!dot) break;
            s = dot + 1;
        }
        int common = 0;
        while (common < depth && common < np - 1 && !strcmp(open[common], parts[common])) common++;
        while (depth > common) { json_end_object(j); depth--; }
        while (depth < np - 1) {
            json_key(j, parts[depth]);
            json_begin_object(j);
            snprintf(open[depth], 64, "%s", parts[depth]);
            depth++;
        }
        json_key(j, parts[np - 1]);
        field_to_json(cfg, f, j);
    }
    while (depth > 0) { json_end_object(j); depth--; }
    json_end_object(j);
}
