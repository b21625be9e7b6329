/* The run's configuration: one YAML document (plus any files it includes) read
 * with libyaml into typed structs and checked against the schema in config.c.
 * Every default lives in the workload YAML files; C holds only the schema (names,
 * types, ranges). Errors come back as "file:line:col: message". */
#ifndef CONFIG_H
#define CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CFG_STR 512
#define CFG_LIST 64

struct router_cfg {
    int buffer_depth;       /* flits per input buffer, per virtual channel */
    int pipeline;           /* router pipeline stages (cycles per hop inside a router) */
    int link_latency;       /* cycles on a link between neighbouring routers */
    int vcs;                /* virtual channels per traffic class */
    int flit_bits;          /* bits per flit (address-event packet) */
    int64_t watchdog_cycles;/* a flit that has not moved this long stops the run */
};

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
    double clock_mhz;
    struct router_cfg router;
    struct fault_cfg fault;
    /* Components that run as their RTL (rtl/) under the SystemC engine: "router"
     * (every router) or "router_X_Y" (the router at node (X, Y)); absent = none. */
    int n_rtl;
    char rtl[CFG_LIST][32];
};

struct device_cfg {
    char name[CFG_STR];     /* preset name, for reports */
    double dw_min;          /* weight change of one device step */
    double w_max;           /* bounds are +-w_max (states +-round(w_max/dw_min)) */
    double step_dtod;       /* device-to-device relative std of the step */
    double step_ctoc;       /* cycle-to-cycle relative std of each step */
    double bound_dtod;      /* device-to-device relative std of the bounds */
    double asymmetry;       /* up/down imbalance: up = 1+a/2, down = 1-a/2 (relative) */
    int soft_bounds;        /* step shrinks linearly towards the bound it moves to */
    double read_noise;      /* std of the noise on each integrated read, in weight units */
};

struct network_cfg {
    int input, hidden, output;
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
    char membrane[CFG_STR]; /* hidden membrane: "spikes" (SSNN-BP.md) or "rate" (analogue input read) */
    int n_pulse;            /* entries in pulse_steps */
    double pulse_steps[CFG_LIST]; /* per-epoch device steps per coincidence (amplitude schedule; integers) */
    int64_t seed;
    int64_t samples;        /* first N training samples; 0 = all */
    int64_t test_samples;   /* first N test samples; 0 = all */
    int shuffle;
    int ann_baseline;       /* also train the float ANN alongside */
    char checkpoint[CFG_STR]; /* checkpoint path ("" = none) */
    int64_t checkpoint_every; /* also checkpoint every N training samples (0: at epoch ends only) */
};

/* Technology: the energy (and reference timing) of every event the chip counts,
 * priced by models/energy.c. Four sub-sections, each may be given as a file.
 * Every constant's unit is in its name; its source is in the YAML (docs/energy.md). */
struct tech_crossbar_cfg {
    double e_cell_read_pj;      /* digital part per cell integrated in a read (synaptic op) */
    double e_line_drive_pj;     /* per row (forward) or column (backward) line driven: driver/DAC */
    double e_convert_pj;        /* per column sum converted to digital (ADC / sense amplifier) */
    double e_pulse_pj;          /* digital/peripheral part of one coincidence pulse */
    double g_min_us, g_max_us;  /* device conductance range (analog terms; 0 for SRAM synapses) */
    double v_read_v, t_read_ns; /* read voltage and integration time */
    double v_write_v, t_write_ns; /* write pulse amplitude and width */
    double c_wire_ff_per_cell;  /* row/column wire capacitance per cell pitch */
    int half_select;            /* cross-point V/2 scheme: the rest of the pulsed row sees V/2 */
};

struct tech_neuron_cfg {
    double e_encoder_pj;        /* input Bernoulli encoder evaluation */
    double e_forward_pj;        /* hidden forward unit evaluation (sigmoid, fire) */
    double e_output_pj;         /* output unit evaluation (membrane, exp) */
    double e_derivative_pj;     /* hidden derivative unit evaluation */
    double e_gradient_pj;       /* gradient unit: one backward spike gated by d */
    double e_backward_gen_pj;   /* backward spike generator evaluation */
    double e_wta_pj;            /* one WTA race */
    double e_rng_pj;            /* one 32-bit draw of a unit stream */
    double e_barrier_pj;        /* one BARRIER message handled by the barrier master */
};

struct tech_noc_cfg {
    double e_local_pj;          /* flit a core delivers to itself (never enters the network) */
    double e_hop_ew_pj, e_hop_ns_pj;  /* lumped energy per link traversal (router + link), if known only so */
    double e_buffer_write_pj, e_buffer_read_pj; /* per flit per router input buffer */
    double e_switch_pj;         /* per flit router crossbar traversal */
    double e_route_pj;          /* per flit route computation */
    double e_arbitration_pj;    /* per allocator grant (VC allocation, switch allocation) */
    double e_link_pj_per_bit_mm;/* link wire energy */
    double link_mm;             /* link length: the tile pitch */
    double t_hop_ew_ns, t_hop_ns_ns;  /* reference hop latency of the technology (0: none) */
    double t_barrier_min_ns, t_barrier_max_ns; /* reference barrier time for 1 and barrier_max_routers routers */
    int barrier_max_routers;
};

struct tech_static_cfg {
    double p_core_mw;           /* leakage per mapped core (its crossbar tiles, neuron units, tables) */
    double p_router_mw;         /* leakage per router of the mesh */
};

struct tech_cfg {
    char name[CFG_STR];
    struct tech_crossbar_cfg crossbar;
    struct tech_neuron_cfg neuron;
    struct tech_noc_cfg noc;
    struct tech_static_cfg stat;
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
};

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
    struct device_cfg device;
    struct network_cfg network;
    struct dataset_cfg dataset;
    struct training_cfg training;
    struct tech_cfg tech;
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
