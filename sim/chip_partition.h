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
 * every core's state and every counter. No MPI call happens when the chip is not
 * partitioned (c->part == NULL: one rank, or a build without MPI). */
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
    int pending;                    /* a boundary delivery failed: report it at the next agreement */
    char pending_err[512];
};

/* What the ranks agree on in one cycle (sums over ranks). */
struct chip_agreement {
    int64_t done;           /* the barrier master saw every BARRIER */
    int64_t failed;         /* ranks that failed */
    int64_t in_flight;      /* flits injected and not yet taken by a core */
    int64_t local;          /* flits cores sent themselves, not yet taken */
    int64_t computing;      /* cores computing */
    int64_t winner;         /* the output core's WTA winner + 1 */
};

/* Cuts the chip over the world's ranks (nothing with one rank). -1 with
 * "file:line:col: message" when it cannot be cut (more ranks than rows). */
int chip_partition(struct chip *c, char *err, size_t errlen);
void chip_partition_free(struct chip *c);

/* The cycle's agreement; -1 when a rank failed, with that rank's message in err
 * on every rank. `failed`: this rank failed (its message is in err). */
int chip_agree(struct chip *c, int failed, struct chip_agreement *a, char *err, size_t errlen);
/* The earliest of every rank's `next` (the next computation to end). */
uint64_t chip_agree_next(struct chip *c, uint64_t next);
/* The largest status over ranks (a failure on one rank stops all). */
int chip_agree_status(struct chip *c, int status);
/* Collective: every rank gets every core's state, router counter and traffic
 * counter, so the whole chip reads as the single-process one would. */
void chip_share(struct chip *c);
#endif
