/* Energy and latency of the cycle-level chip: the counters the chip keeps
 * (struct chip_totals) priced by a technology (struct tech_cfg, workloads/tech/).
 *
 *   energy  = sum over events of count x energy per event  +  static power x time
 *   time    = cycles / clock
 *
 * Every event lands in one cell of a (component x phase) matrix held in whole
 * femtojoules, so the breakdowns by component and by phase are integer sums
 * and add up to the total exactly. Per-event energies that depend on device
 * parameters (an RRAM write pulse: V^2 G t, half-selected cells, wire charging)
 * are computed here from the parameters, never taken pre-multiplied from a file.
 * The formulas, their sources and what is not modelled: docs/energy.md.
 * Pure functions of their arguments: no state, no output. Gathering a run's
 * counters and writing the reports (JSON, table, CSV) is sim/energy_report.c's. */
#ifndef ENERGY_H
#define ENERGY_H
#include <stddef.h>
#include <stdint.h>

struct tech_cfg;
struct chip_totals;

enum energy_component {
    EC_XBAR_READ,       /* crossbar reads, forward and backward: line drive, cells, conversions */
    EC_XBAR_WRITE,      /* coincidence pulses */
    EC_ENCODER,         /* input encoders */
    EC_NEURON_FWD,      /* hidden forward units */
    EC_NEURON_OUT,      /* output units */
    EC_NEURON_DERIV,    /* hidden derivative units */
    EC_NEURON_GRAD,     /* gradient units */
    EC_BACKWARD_GEN,    /* backward spike generators */
    EC_WTA,             /* WTA races */
    EC_RNG,             /* unit-stream random draws */
    EC_LOCAL,           /* flits a core delivers to itself */
    EC_HOP,             /* lumped per-hop NoC energy (router + link), when only that is known */
    EC_ROUTER_BUFFER,   /* input-buffer writes and reads */
    EC_ROUTER_SWITCH,   /* router crossbar traversals */
    EC_ROUTER_ARB,      /* route computation and allocation */
    EC_LINK,            /* link wires */
    EC_BARRIER,         /* barrier master */
    EC_STATIC_CORE,     /* leakage of the mapped cores */
    EC_STATIC_ROUTER,   /* leakage of the routers */
    EC_INTERCHIP,       /* inter-chip links (a system of chips only: reports list it then) */
    EC_COUNT
};

enum energy_phase {
    EP_FORWARD,         /* encoders, forward reads, forward and output units, WTA, forward spikes */
    EP_BACKWARD,        /* derivative, backward generators, backward read, gradient units, backward spikes */
    EP_UPDATE,          /* coincidence pulses */
    EP_CONTROL,         /* barrier and release messages, the barrier master */
    EP_STATIC,          /* leakage over the whole run time (not split among the others) */
    EP_COUNT
};

extern const char *const energy_component_name[EC_COUNT];
extern const char *const energy_phase_name[EP_COUNT];

/* What the energy model needs to know of the chip beyond its counters
 * (energy_shape_init in sim/energy_shape.h reads it from a configuration). */
struct energy_shape {
    int n_cores;            /* mapped cores: each leaks p_core_mw */
    int n_routers;          /* routers of the mesh: each leaks p_router_mw */
    int xbar_rows, xbar_cols;   /* physical tile size: line lengths, half-selected cells */
    int tiles_w1, tiles_w2; /* tiles per hidden core / on the output core: conversions per unit */
    int depth;              /* hidden layers: above 1, forward conversions are counted per tile */
    int flit_bits;
    double clock_mhz;
    int cycles_per_hop;     /* router pipeline + link latency (zero-load), for the timing check */
    int chips;              /* chips of the system (1: no inter-chip links, EC_INTERCHIP not reported) */
};

/* Per-event energies in pJ, derived from a technology and a shape. */
struct energy_costs {
    double row_drive;       /* forward read: one row line driven */
    double col_drive;       /* backward read: one column line driven */
    double cell_read;       /* one cell integrated (digital part + V_r^2 G t_r) */
    double convert;         /* one column sum converted */
    double pulse;           /* one coincidence pulse, the sum of: */
    double pulse_periph, pulse_selected, pulse_half_selected, pulse_wire;
    int half_selected_cells;/* per pulse */
    double router_buffer;   /* per router traversal: write + read */
    double router_arb;      /* per router traversal: route + VC and switch allocation */
    double link_per_hop;    /* flit_bits x e_link x link_mm */
    double interchip_per_hop;   /* flit_bits x interchip_pj_per_bit */
};

/* The share of an account one part of the chip spent (a layer's cores; see
 * energy_split), in fJ per phase. */
#define ENERGY_MAX_PARTS 65     /* input, 62 hidden layers (network.layers: 64 entries), output, idle routers */
struct energy_part {
    int64_t fj[EP_COUNT];
    int cores, routers;     /* mapped cores; routers whose leakage it pays */
    uint64_t busy_cycles;   /* cycles its cores spent computing, summed over them */
};

/* One account (training, or test-set inference): energy in fJ per component and phase. */
struct energy_account {
    int64_t fj[EC_COUNT][EP_COUNT];
    uint64_t samples, steps, cycles;
    uint64_t syn_ops;       /* cells integrated by forward and backward reads */
    uint64_t flits;         /* flits that crossed the network (not priced here: their hops are) */
    uint64_t hops;          /* their link traversals, on chip and between chips */
    /* a system of chips (docs/system.md): flits leaving their chip, inter-chip hops,
     * the cycles those hops spend on their links at zero load */
    uint64_t interchip_flits, interchip_hops, interchip_flit_cycles;
    int n_components;       /* components reported: EC_COUNT, or EC_INTERCHIP on one chip */
    int n_parts;            /* 0: not split */
    struct energy_part part[ENERGY_MAX_PARTS];
};

struct energy_report {
    char technology[64];    /* its name, for reports (the caller's to fill) */
    double ns_per_cycle;
    struct energy_costs costs;
    struct energy_account train, infer;
    int infer_only;         /* an `infer` run: there is no training account to report */
    /* timing check: the clocked chip against the technology's reference figures (0: none) */
    double chip_ns_per_hop, tech_ns_per_hop_ew, tech_ns_per_hop_ns, tech_barrier_ns;
};

void energy_costs_init(struct energy_costs *c, const struct tech_cfg *t, const struct energy_shape *s);

/* Prices one set of counters. */
void energy_compute(const struct tech_cfg *t, const struct energy_shape *s, const struct chip_totals *tot,
                    struct energy_account *a);

/* Splits `whole` (energy_compute of the sum of the n parts) over the parts:
 * part[k]'s counters priced under s with its own cores[k] and routers[k]
 * leaking, then per phase in whole fJ that add up to whole's exactly. A part is
 * whatever the caller's counters say (sim/chip.c: the input cores, each hidden
 * layer's cores, the output core, the routers with no core). n <= ENERGY_MAX_PARTS. */
void energy_split(const struct tech_cfg *t, const struct energy_shape *s, const struct chip_totals *part,
                  const int *cores, const int *routers, int n, struct energy_account *whole);
int64_t energy_part_fj(const struct energy_part *p);
/* "input", "hidden_1" .. "hidden_L", "output", "idle_routers": part k of n. */
const char *energy_part_name(int k, int n, char *buf, size_t len);

/* Both accounts of a chip, its training counters and its inference counters, under
 * technology t, with the timing check; technology[] is left empty. */
void energy_report_price(struct energy_report *r, const struct tech_cfg *t, const struct energy_shape *s,
                         const struct chip_totals *train, const struct chip_totals *infer);
/* Drops the training account (an `infer` run, whose chip holds a checkpoint's
 * training counts but did no training). */
void energy_report_infer_only(struct energy_report *r);
int64_t energy_total_fj(const struct energy_account *a);
int64_t energy_component_fj(const struct energy_account *a, int component);
int64_t energy_phase_fj(const struct energy_account *a, int phase);

/* Derived figures (0 when the account has no samples / steps / ops). */
double energy_pj_per(int64_t fj, uint64_t n);    /* fJ as pJ per one of n events */
double energy_pj_per_sample(const struct energy_account *a);
double energy_pj_per_syn_op(const struct energy_account *a);
double energy_latency_ns_per_sample(const struct energy_report *r, const struct energy_account *a);
double energy_latency_ns_per_step(const struct energy_report *r, const struct energy_account *a);
double energy_samples_per_s(const struct energy_report *r, const struct energy_account *a);
double energy_edp_js_per_sample(const struct energy_report *r, const struct energy_account *a);
#endif
