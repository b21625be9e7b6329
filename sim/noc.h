/* `ssnnsim noc`: the mesh NoC on its own under synthetic traffic (uniform random,
 * transpose, bit-complement, hotspot), swept over offered load the way BookSim
 * does it: per rate, a warm-up, a measurement window, then a drain until every
 * packet generated in the window has arrived. See docs/noc.md. */
#ifndef NOC_H
#define NOC_H
#include <stddef.h>
#include <stdint.h>

#include "mesh.h"

struct config;
struct run_opts;
struct wave_select;

/* One point of the sweep. */
struct noc_point {
    double offered;             /* configured load, flits/node/cycle */
    double generated;           /* flits generated in the window / (nodes * window) */
    double accepted;            /* flits ejected in the window / (nodes * window) */
    double latency_avg;         /* cycles, generation to tail delivery, measured packets */
    uint64_t latency_p99;       /* nearest-rank 99th percentile of the same */
    uint64_t latency_max;
    uint64_t packets;           /* packets generated in the window */
    uint64_t delivered;         /* of those, delivered before the drain limit */
    int drained;                /* all of them were delivered */
    uint64_t cycles;            /* simulated, up to the last flit delivered */
    uint64_t router_steps;      /* active router-cycles stepped */
    double step_seconds;        /* wall time inside mesh_step (stderr only, never in a result) */
    double cpu_seconds;         /* this process's CPU time over the point (stderr only) */
    struct mesh_counters counters;
};

/* Destination of a packet from `src` under the configured pattern; `u` supplies
 * the random words (uniform and hotspot draw from it). */
int noc_destination(const struct config *cfg, int src, uint64_t *u);

/* Analytic figures of the configured pattern: the zero-load latency averaged over
 * the pattern's (source, destination) pairs, and the throughput bound 1 / (the
 * largest channel load per unit of injection, links, injection and ejection
 * channels included), in flits/node/cycle. For uniform traffic on a k x k mesh
 * with k even the bound is the bisection bound 4/k. */
double noc_zero_load_latency(const struct config *cfg);
double noc_throughput_bound(const struct config *cfg);

/* Checks what the schema cannot: transpose needs a square mesh, the hotspot node
 * must exist. 0, or -1 with "file:line:col: message". */
int noc_check_config(const struct config *cfg, char *err, size_t errlen);

/* A waveform dump of the sweep (--waves, docs/noc.md): the port signals of the
 * selected routers (sim/mesh_waves.h, the chip dump's names), the point index,
 * its offered load and the measurement window, with time in cycles from the
 * start of the sweep (its points run one after another). The selection's
 * cores are router ids (y * mesh_x + x), its samples are rate points, its
 * cycle window counts sweep cycles. NULL with a message on a bad selection. */
struct noc_waves;
struct noc_waves *noc_waves_open(const struct config *cfg, const char *path, const struct wave_select *sel,
                                 char *err, size_t errlen);
int noc_waves_close(struct noc_waves *nw, char *err, size_t errlen);
/* Flits the dump shows leaving a router (valid pulses), for tests. */
uint64_t noc_waves_flits(const struct noc_waves *nw);

/* Simulates one rate, the next point of the dump `nw` (NULL: none); 0, or -1
 * with a message (watchdog, conservation). */
int noc_run_point(const struct config *cfg, double rate, int quiet, struct noc_waves *nw, struct noc_point *pt,
                  char *err, size_t errlen);

/* The same on a mesh cut over MPI ranks (partition.h; partition_whole: not cut):
 * every rank calls it (no dump: nw is NULL when the mesh is cut), and every
 * rank's figures are the single-process ones, except the latency percentiles,
 * which only rank 0 computes. */
struct partition;
int noc_run_point_on(const struct config *cfg, double rate, int quiet, struct partition *part,
                     struct noc_waves *nw, struct noc_point *pt, char *err, size_t errlen);

/* The table's default path, results/noc-<config file name without extension>.csv. */
const char *noc_table_path(const struct config *cfg, char *buf, size_t n);

/* The whole command: table on stdout, CSV (default results/noc-<config>.csv),
 * a gnuplot PNG beside it, the result JSON (--out). Returns the exit status. */
int noc_command(const struct config *cfg, const struct run_opts *o, const char *csv);
#endif
