/* The cycle-level chip over MPI ranks (docs/scale.md). The mesh is cut into row
 * bands (partition.h); a rank clocks the cores and routers of its band and keeps
 * the rest of the chip as ghosts. Per simulated cycle the ranks agree, in one
 * small all-reduce, on what the single-process clock decides from the whole
 * chip: whether the barrier completed (and the step's WTA winner), whether any
 * flit is in flight anywhere (the mesh clock only runs then), whether any core
 * computes, and whether any rank failed; when the whole chip idles they agree
 * on the next event time and jump there together. Boundary flits and credits
 * travel between neighbours once per link-latency window: packed after the
 * window's last mesh step, delivered right after the next agreement (which says
 * which neighbours have something to send, so a quiet boundary costs nothing). At the points where
 * a run reads the whole chip (epoch ends, results), chip_share gives every rank
 * every core's state and every counter.
 *
 * The clock (chip.c) meets the ranks through one seam, struct chip_sync, chosen
 * once: chip_sync_whole when one process owns the whole chip (c->part NULL: one
 * rank, or a build without MPI; no MPI call), chip_sync_bands once chip_partition
 * has cut it. */
#ifndef CHIP_PARTITION_H
#define CHIP_PARTITION_H
#include <stddef.h>
#include <stdint.h>

#include "chip.h"
#include "partition.h"

struct chip_partition {
    struct partition mesh;
    struct chip_counters shared_c;  /* c->c and c->infer as of the last chip_share */
    struct chip_totals shared_infer;
    int64_t *agree;                 /* [6 + 2 * ranks]: the agreement, then who has boundary data for whom */
    int64_t *gather;                /* [R_LEN * ranks]: every rank's record of a system's window */
    int *gather_counts, *gather_displs;
    int pending;                    /* a boundary delivery failed: report it at the next agreement */
    char pending_err[512];
};

/* What the ranks agree on in one cycle (sums over ranks). One process counts
 * `local` only when nothing is in flight and `computing` only when neither is
 * (the clock reads them only then: it costs a pass over the cores). */
struct chip_agreement {
    int64_t done;           /* the barrier master saw every BARRIER */
    int64_t failed;         /* ranks that failed */
    int64_t in_flight;      /* flits injected and not yet taken by a core */
    int64_t local;          /* flits cores sent themselves, not yet taken */
    int64_t computing;      /* cores computing */
    int64_t winner;         /* the output core's WTA winner + 1 */
};

/* What the ranks agree on at the end of a window of a system's clock
 * (docs/system.md "Barrier"): mins and sums over ranks. */
struct chip_window {
    uint64_t done_at;       /* the cycle the master saw every BARRIER; UINT64_MAX: not yet */
    uint64_t next;          /* the first cycle anything can happen anywhere; UINT64_MAX: nothing will */
    int64_t failed;         /* ranks that failed */
    int64_t winner;         /* the output core's WTA winner + 1 */
    int64_t in_flight;      /* flits injected or sent to self and not yet taken by a core */
};

/* What the clock reads off the whole chip, and how the processes clocking it stay
 * in step. A failure one process finds (`failed`, its message in err) stops every
 * process at the next agreement, so that all stop at the same cycle. */
struct chip_sync {
    /* The cycle's agreement, after the cores' half of the cycle; delivers the
     * boundary traffic of the last window. -1 when a process failed, with its
     * message in err. */
    int (*agree)(struct chip *c, int failed, struct chip_agreement *a, char *err, size_t errlen);
    /* After a mesh step: packs what crossed into other processes' routers. */
    void (*mesh_stepped)(struct chip *c);
    /* The earliest of every process's `next` (the next computation to end). */
    uint64_t (*next_event)(struct chip *c, uint64_t next);
    /* -1 on every process when one failed (`failed`: this one), with its message. */
    int (*any_failed)(struct chip *c, int failed, char *err, size_t errlen);
    /* A system's clock, at the end of a window (the mesh's cycle a multiple of
     * c->window): packs what crossed into other processes' routers, agrees on
     * `w` from this process's `done_at` and `next`, delivers the boundary
     * traffic. -1 when a process failed, with its message in err. */
    int (*window)(struct chip *c, int failed, uint64_t done_at, uint64_t next, struct chip_window *w, char *err,
                  size_t errlen);
};
/* One process owns every core and router: the agreement is its own state,
 * nothing crosses, no MPI call. */
extern const struct chip_sync chip_sync_whole;
/* MPI ranks, a band of rows each (chip_partition sets it). */
extern const struct chip_sync chip_sync_bands;

/* Cuts the chip over the world's ranks (nothing with one rank). -1 with
 * "file:line:col: message" when it cannot be cut (more ranks than rows). */
int chip_partition(struct chip *c, char *err, size_t errlen);
void chip_partition_free(struct chip *c);

/* The largest status over ranks (a failure on one rank stops all). */
int chip_agree_status(struct chip *c, int status);
/* Collective: every rank gets every core's state, router counter and traffic
 * counter, so the whole chip reads as the single-process one would. */
void chip_share(struct chip *c);
#endif
