/* The mesh cut over MPI ranks (docs/scale.md): rank r owns a band of whole
 * rows, [row0, row1), balanced to within one row. XY routing moves a flit along
 * its row first, so east-west traffic never leaves a rank and only the north-south
 * links between two bands cross it: a rank has at most two neighbours, one
 * message to each per window.
 *
 * Conservative synchronisation on the link latency L: a flit that crosses a link
 * at cycle c is usable downstream from c + L + pipeline, the credit it frees
 * upstream from c + L. So every rank steps its routers for a window of L cycles
 * on its own, then hands what crossed its boundary to the neighbour (stamps
 * unchanged), which puts it into its routers before it steps the next window:
 * every flit and credit is where the single-process mesh would have it by the
 * cycle it matters. A flit or credit that would arrive in the past is refused
 * (the lookahead was broken), never silently shifted. */
#ifndef PARTITION_H
#define PARTITION_H
#include <stddef.h>
#include <stdint.h>

struct mesh;
struct mesh_xflit;
struct mesh_xcredit;

struct partition {
    int rank, size;
    int mesh_x, mesh_y;
    int row0, row1;             /* rows owned here */
    int unit;                   /* bands are whole units of this many rows (a system's chip rows) */
    int node0, node1;           /* nodes owned here: [row0 * mesh_x, row1 * mesh_x) */
    int window;                 /* cycles between exchanges: the link latency */
    /* exchange buffers: [n_flits, n_credits] then the flits, then the credits */
    char *send_up, *send_down, *recv_below, *recv_above;
    int cap;                    /* bytes of each */
    int up_bytes, down_bytes;   /* packed and not yet delivered (0: nothing to send) */
    uint64_t exchanges;         /* windows exchanged (docs, benchmarks) */
};

/* The band of rank `rank` of `size`, in whole units of `unit` rows (1; a system
 * of chips: the chip's rows, so that every boundary is an inter-chip link);
 * `link_latency`: the window, at most the boundary links' lookahead. -1 with a
 * message when there are more ranks than units (a rank needs at least one). */
int partition_init(struct partition *p, int rank, int size, int mesh_x, int mesh_y, int unit, int link_latency,
                   int vcs_per_port, int buffer_depth, char *err, size_t errlen);
/* How `size` ranks cut a mesh: in units of `chip_h` rows (a system of chips,
 * chip_h > 0) when there is a chip row per rank, so that every boundary is an
 * inter-chip link and `window` (at most their latency) stands; otherwise in single
 * router rows, whose boundaries include on-chip links of `link_latency` cycles,
 * and the window shrinks to it (the same results, more agreements). */
static inline int partition_unit(int size, int chips_y, int chip_h, int link_latency, uint64_t *window)
{
    if (chip_h > 0 && size <= chips_y) return chip_h;
    if (*window > (uint64_t)link_latency) *window = (uint64_t)link_latency;
    return 1;
}
/* A single process's partition: it owns every node, exchanges and shares
 * nothing, and its sums are its own values (no MPI call). */
void partition_whole(struct partition *p, int mesh_x, int mesh_y);
void partition_free(struct partition *p);
/* The rank that owns node n. */
int partition_owner(const struct partition *p, int node);
/* Tells a fresh mesh which routers are stepped here. */
void partition_attach(struct partition *p, struct mesh *m);
/* Call after every mesh_step: at the end of a window, exchanges the boundary
 * flits and credits with both neighbours. 0, or -1 with a message when one
 * arrived after the cycle it was due (the lookahead was broken). */
int partition_window(struct partition *p, struct mesh *m, char *err, size_t errlen);
/* The same in two halves, for a caller that talks to every rank between mesh
 * steps anyway (the chip): partition_close packs what crossed, after a
 * mesh_step; partition_deliver, before the next one, sends what is packed and
 * receives from the neighbours below / above when they say they have something
 * (so quiet boundaries cost no message). */
void partition_close(struct partition *p, struct mesh *m);
int partition_deliver(struct partition *p, struct mesh *m, int from_below, int from_above, char *err, size_t errlen);
/* partition_deliver with a record of rec_bytes (at most PARTITION_RECORD) in the
 * same message: every rank sends its record and what it packed (or nothing) to
 * each neighbour it has, and gets theirs (rec_below / rec_above, untouched for a
 * neighbour it does not have). One message each way: the system clock's window on
 * two ranks, whose neighbour is the whole world. */
#define PARTITION_RECORD 128
int partition_exchange_record(struct partition *p, struct mesh *m, const void *rec, int rec_bytes, void *rec_below,
                              void *rec_above, char *err, size_t errlen);
/* Collective: every rank gets every router's counters from its owner. */
void partition_share_routers(struct partition *p, struct mesh *m);
/* Collective: v[0..n) summed element-wise over the ranks, in place. */
void partition_sum(const struct partition *p, int64_t *v, int n);
#endif
