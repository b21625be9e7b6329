/* The run's configuration: one YAML document (plus any files it includes) read
 * with libyaml into typed structs and checked against the schema in config.c.
 * Every default lives in the workload YAML files; C holds only the schema (names,
 * types, ranges). Errors come back as "file:line:col: message". */
#ifndef CONFIG_H
#define CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The parameters a model is built from are the model's (models/ is the layer
 * below): filled here from the YAML, defined there. */
#include "device_cfg.h"
#include "router_cfg.h"
#include "tech_cfg.h"

#define CFG_STR 512
#define CFG_LIST 64

/* A fault injected into the NoC, to show it is caught (models/mesh.h). */
struct fault_cfg {
    char kind[CFG_STR];     /* none, stuck_link, drop_flit, corrupt_dest */
    int node;               /* router it strikes */
    int64_t after_flits;    /* after this many switch traversals there */
};

struct chip_cfg {
    int mesh_x, mesh_y;     /* cores on the mesh, one router each */
    int core_neurons;       /* composite neurons a core hosts */
    int xbar_rows, xbar_cols; /* crossbar tile size (rows = inputs, cols = neurons) */
    int tiles_per_core;
    int neuron_lanes;       /* neuron units a core evaluates per cycle */
    int barrier_cycles;     /* chip.barrier_cycles: 0 (absent), a step ends when the barrier completes;
                             * D > 0, D cycles later, with the system clock (docs/scale.md) */
    double clock_mhz;
    struct router_cfg router;
    struct fault_cfg fault;
    /* Components that run as their RTL (rtl/) under the SystemC engine: "router"
     * (every router) or "router_X_Y" (the router at node (X, Y)); absent = none. */
    int n_rtl;
    char rtl[CFG_LIST][32];
};

/* A system of chips (docs/system.md): chips[0] x chips[1] copies of the chip
 * section's mesh, joined into one mesh whose links across a chip boundary are
 * inter-chip links. Optional: without a system section, one chip. */
struct system_cfg {
    int n_chips;                /* entries given in system.chips: 0 (absent) or 2 */
    double chips[CFG_LIST];     /* as read (whole numbers) */
    int chips_x, chips_y;       /* 1 and 1 when absent */
    int link_latency;           /* system.link.latency_cycles (0: not given) */
    int link_cycles_per_flit;   /* system.link.cycles_per_flit (0: not given) */
    int link_buffer_depth;      /* system.link.buffer_depth: flits per VC at an inter-chip port (0: the chip's) */
    int barrier_cycles;         /* system.barrier_cycles: the barrier's completion to the next step's
                                 * release (default: link_latency; docs/system.md "Barrier") */
    char placement[CFG_STR];    /* system.placement: fill (chip after chip) | spread (each layer over every chip) */
    int spread;                 /* placement is spread */
};
/* More than one chip: what the single-chip outputs never show. */
#define CFG_MULTICHIP(cfg) ((cfg)->system.chips_x * (cfg)->system.chips_y > 1)
/* Chips across and up; 1 in a configuration built by hand (zeroed, not loaded). */
#define CFG_CHIPS_X(cfg) ((cfg)->system.chips_x > 1 ? (cfg)->system.chips_x : 1)
#define CFG_CHIPS_Y(cfg) ((cfg)->system.chips_y > 1 ? (cfg)->system.chips_y : 1)
/* The routers along x and y of the whole system's mesh (one chip's on one chip). */
#define CFG_MESH_W(cfg) ((cfg)->chip.mesh_x * CFG_CHIPS_X(cfg))
#define CFG_MESH_H(cfg) ((cfg)->chip.mesh_y * CFG_CHIPS_Y(cfg))

/* The shape: network.layers [input, hidden 1, ..., hidden L, output], or its L = 1
 * spelling network.input/hidden/output. Both are filled after loading, whichever
 * was written: layers[] always, and input, hidden (layer 1), output from it. */
struct network_cfg {
    int input, hidden, output;
    int n_layers;           /* entries of layers: L + 2 */
    int layers[CFG_LIST];   /* widths, input first, output last */
    char init[CFG_STR];     /* "glorot_uniform" */
};

struct dataset_cfg {
    char name[CFG_STR];
    /* As the run opens them: resolved from where they were named (sim/path.c). */
    char train_images[CFG_STR], train_labels[CFG_STR];
    char test_images[CFG_STR], test_labels[CFG_STR];
    int classes, label_offset, transpose, rows, cols;
};

struct training_cfg {
    int T;                  /* time steps per training sample */
    int T_test;             /* time steps per test sample (WTA read-out) */
    int epochs;
    double beta;            /* backward spike gain */
    int n_gate;             /* entries in update_gate */
    double update_gate[CFG_LIST]; /* per-epoch probability that a step's error spikes fire (rate schedule) */
    char membrane[CFG_STR]; /* hidden membrane: "spikes" (docs/learning-rule.md) or "rate" (analogue input read) */
    int n_pulse;            /* entries in pulse_steps */
    double pulse_steps[CFG_LIST]; /* per-epoch device steps per coincidence (amplitude schedule; integers) */
    /* Per-layer settings, optional (count 0: the shared ones). */
    int n_beta_layers;      /* L when given */
    double beta_layers[CFG_LIST];  /* backward gain of hidden layer l's generators, layer 1 first */
    int n_pulse_layers;     /* L + 1 when given */
    double pulse_steps_layers[CFG_LIST]; /* per matrix W1..WL, W_out: multiplies pulse_steps (integers) */
    int64_t seed;
    int64_t samples;        /* first N training samples; 0 = all */
    int64_t test_samples;   /* first N test samples; 0 = all */
    int shuffle;
    int ann_baseline;       /* also train the float ANN alongside */
    char checkpoint[CFG_STR]; /* checkpoint path ("" = none) */
    int64_t checkpoint_every; /* also checkpoint every N training samples (0: at epoch ends only) */
};

#define CFG_MAX_FIELDS 160

/* Where a key's value was written, so that a later check (a network that does
 * not fit the chip) can still point at the file, line and column. */
struct config_origin {
    const char *key;        /* schema path, NULL when unset */
    char file[256];
    int line, col;
};

/* Synthetic traffic for the NoC on its own (`ssnnsim noc`, docs/noc.md). */
struct noc_cfg {
    char traffic[CFG_STR];  /* uniform | transpose | bitcomp | hotspot */
    char traffic_class[CFG_STR]; /* VCs the packets use: forward | backward | control | mixed */
    int n_rates;
    double rates[CFG_LIST]; /* offered loads swept, flits/node/cycle */
    int packet_flits;       /* flits per packet (head ... tail) */
    int64_t warmup_cycles, measure_cycles;
    int64_t drain_cycles;   /* longest wait for the measured packets after the window */
    int hotspot_node;       /* node id y * mesh_x + x */
    double hotspot_fraction;/* share of packets sent to hotspot_node */
    int64_t seed;
    char latency_accounting[CFG_STR]; /* network | booksim (enum noc_accounting) */
    int accounting;
};

/* How `ssnnsim noc` counts a packet's latency (docs/noc.md): network = from
 * generation to the cycle the tail can be popped; booksim = that plus the
 * injection and the ejection channel's cycle, as BookSim2 counts. */
enum noc_accounting { NOC_ACCOUNT_NETWORK = 0, NOC_ACCOUNT_BOOKSIM = 1 };

/* Waveform dump (`--waves`, docs/chip.md): where, and what, so that a dump of a
 * long run stays small. The --wave-* options override these keys. */
struct waves_cfg {
    char file[CFG_STR];     /* FILE.fst or FILE.vcd; "" = no dump */
    char cores[CFG_STR];    /* "all" or core indices "0,4,6" (noc: router ids y * mesh_x + x) */
    int neurons;            /* first N neurons of each dumped core (the output core: all) */
    int64_t sample_first;   /* first sample dumped (noc: first rate point) */
    int64_t samples;        /* samples dumped from there; 0 = all */
    int64_t cycle_first, cycle_last; /* cycle window; cycle_last 0 = open */
};

/* A YAML file the configuration was read from: the config, what it extends, its
 * section files. A run refuses to write over any of them (sim/run_files.c). */
struct config_file {
    char path[256];
    int included;           /* 0: the config itself; 1: by extends: or as a section */
    uint64_t dev, ino;      /* of the file read */
};
#define CFG_MAX_FILES 64

struct config {
    char path[CFG_STR];     /* the file it came from */
    struct config_origin origin[CFG_MAX_FIELDS];
    struct chip_cfg chip;
    struct system_cfg system;
    struct device_cfg device;
    char device_name[CFG_STR];  /* device.name: the preset's, for reports */
    struct network_cfg network;
    struct dataset_cfg dataset;
    struct training_cfg training;
    struct tech_cfg tech;
    char tech_name[CFG_STR];    /* technology.name, for reports */
    char router_model[CFG_STR];       /* chip.router.model: collapsed | pipelined (chip.router.model) */
    char router_sw_allocator[CFG_STR];/* chip.router.sw_allocator: input_first | islip */
    char router_vc_allocator[CFG_STR];/* chip.router.vc_allocator: round_robin | islip */
    char tech_kind[CFG_STR];    /* technology.crossbar.kind: digital | analogue (tech.crossbar.kind) */
    struct noc_cfg noc;
    struct waves_cfg waves;
    int n_files;
    struct config_file files[CFG_MAX_FILES];
};

/* One "key=value" override: typed on the command line (file NULL), or taken
 * from a sweep file, whose position errors then point at and which the file
 * names in it are relative to. */
struct config_override {
    const char *text;
    const char *file;
    int line, kcol, col;    /* of the key and of the value, when file is set */
};

/* Loads `path`, applies the overrides in order, validates. Returns 0, or -1 with
 * one "file:line:col: message" line in err. */
int config_load(const char *path, const struct config_override *ov, int n_ov,
                struct config *cfg, char *err, size_t errlen);

/* "file:line:col" of the value of `key` (a dotted schema path) into buf. */
const char *config_where(const struct config *cfg, const char *key, char *buf, size_t n);

struct json;
/* Writes the fully resolved configuration as one JSON object. */
void config_to_json(const struct config *cfg, struct json *j);
/* The same settings as "dotted.key=value" lines in schema order, one per setting
 * (values as the JSON writes them): what a checkpoint keeps, so that a refusal can
 * name the setting that differs. */
void config_to_lines(const struct config *cfg, FILE *f);
#endif
