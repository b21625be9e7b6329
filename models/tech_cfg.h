/* Technology: the energy (and reference timing) of every event the chip counts,
 * priced by models/energy.c. Four sub-sections, each may be given as a file
 * (workloads/tech/). Every constant's unit is in its name; its source is in the
 * YAML (docs/energy.md). The technology's name is the configuration's, not the
 * model's. */
#ifndef TECH_CFG_H
#define TECH_CFG_H

/* What a synapse is, which decides how an update is priced (docs/energy.md,
 * "Pricing rules"): a digital synapse (an SRAM word) is read, changed and written
 * once per coincidence whatever its amplitude; an analogue RPU cell moves one device
 * step per write pulse, so a coincidence of amplitude k is k pulses. */
enum tech_synapse_kind { TECH_DIGITAL, TECH_ANALOGUE };

struct tech_crossbar_cfg {
    int kind;                   /* enum tech_synapse_kind (crossbar.kind: digital | analogue) */
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
    double t_barrier_min_ns, t_barrier_max_ns; /* reference barrier time over 1 and barrier_max_tiles tiles */
    int barrier_max_tiles;      /* the tile count of t_barrier_max_ns */
    int barrier_tile_cores;     /* cores a tile of the reference holds (Loihi: 4); this chip has one per router */
    double interchip_pj_per_bit;/* chip-to-chip link (SerDes, both ends), per bit; a system of chips only */
};

struct tech_static_cfg {
    double p_core_mw;           /* leakage per mapped core (its crossbar tiles, neuron units, tables) */
    double p_router_mw;         /* leakage per router of the mesh */
};

struct tech_cfg {
    struct tech_crossbar_cfg crossbar;
    struct tech_neuron_cfg neuron;
    struct tech_noc_cfg noc;
    struct tech_static_cfg stat;
};
#endif
