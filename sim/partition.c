/* The mesh cut into row bands over MPI ranks (see partition.h).
 *
 * Exchange at the end of a window: the flits this rank's routers sent into the
 * ghost row above (input port S of those ghosts) and the credits its routers
 * returned to that row (the ghosts' credit rings of output port S) go to the rank
 * above, where they land in input port S / the port-S credit ring of its lowest
 * row; symmetrically for the row below with port N. One link carries at most one
 * flit per cycle and keeps its order, so FIFO order per link and VC is the
 * single-process order.
 *
 * PARTITION_PLANT (compile-time, off unless asked for) plants a bug for the
 * tests to catch: 1 delivers every boundary flit one cycle late; 2 exchanges
 * every 2L cycles, ignoring the lookahead. */
#include "partition.h"
#include "mesh.h"
#include "mpi_world.h"
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PARTITION_PLANT
#define PARTITION_PLANT 0
#endif

/* Rank `rank`'s rows: whole units of `unit` rows (a system's chip rows, or single
 * rows), balanced to within one unit. */
static void band(int rank, int size, int rows, int unit, int *r0, int *r1)
{
    int units = rows / unit;
    *r0 = (int)((int64_t)rank * units / size) * unit;
    *r1 = (int)((int64_t)(rank + 1) * units / size) * unit;
}

int partition_init(struct partition *p, int rank, int size, int mesh_x, int mesh_y, int unit, int link_latency,
                   int vcs_per_port, int buffer_depth, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (size > mesh_y / unit) {     /* callers cut chip rows only when there are enough */
        snprintf(err, errlen, "%d ranks cannot split a mesh of %d rows: each rank owns whole rows", size, mesh_y);
        return -1;
    }
    p->rank = rank;
    p->size = size;
    p->mesh_x = mesh_x;
    p->mesh_y = mesh_y;
    p->unit = unit;
    band(rank, size, mesh_y, unit, &p->row0, &p->row1);
    p->node0 = p->row0 * mesh_x;
    p->node1 = p->row1 * mesh_x;
    p->window = PARTITION_PLANT == 2 ? 2 * link_latency : link_latency;
    /* Per boundary link and window: a link carries at most one flit a cycle and
     * a ghost input port holds at most vcs * depth (the credits allow no more);
     * an input port frees at most one slot a cycle, and as many in all. */
    int per_link = vcs_per_port * buffer_depth;
    if (per_link > p->window) per_link = p->window;
    p->cap = 2 * (int)sizeof(int32_t) +
             mesh_x * per_link * (int)(sizeof(struct mesh_xflit) + sizeof(struct mesh_xcredit));
    /* Each buffer has PARTITION_RECORD bytes of headroom before it, for a caller's
     * record sent in the same message (partition_exchange_record). */
    char *b[4];
    for (int i = 0; i < 4; i++) b[i] = malloc((size_t)p->cap + PARTITION_RECORD);
    p->send_up = b[0] ? b[0] + PARTITION_RECORD : NULL;
    p->send_down = b[1] ? b[1] + PARTITION_RECORD : NULL;
    p->recv_below = b[2] ? b[2] + PARTITION_RECORD : NULL;
    p->recv_above = b[3] ? b[3] + PARTITION_RECORD : NULL;
    if (!p->send_up || !p->send_down || !p->recv_below || !p->recv_above) {
        snprintf(err, errlen, "partition: out of memory for %d-byte exchange buffers", p->cap);
        partition_free(p);
        return -1;
    }
    return 0;
}

void partition_whole(struct partition *p, int mesh_x, int mesh_y)
{
    memset(p, 0, sizeof *p);
    p->size = 1;
    p->mesh_x = mesh_x;
    p->mesh_y = mesh_y;
    p->row1 = mesh_y;
    p->node1 = mesh_x * mesh_y;
    p->unit = 1;
    p->window = 1;
}

void partition_free(struct partition *p)
{
    char *b[4] = { p->send_up, p->send_down, p->recv_below, p->recv_above };
    for (int i = 0; i < 4; i++) free(b[i] ? b[i] - PARTITION_RECORD : NULL);
    p->send_up = p->send_down = p->recv_below = p->recv_above = NULL;
}

int partition_owner(const struct partition *p, int node)
{
    int y = node / p->mesh_x;
    /* The inverse of band(): the first rank whose band ends above row y. */
    int r = (int)(((int64_t)y * p->size) / p->mesh_y);
    for (;;) {
        int r0, r1;
        band(r, p->size, p->mesh_y, p->unit, &r0, &r1);
        if (y < r0) r--;
        else if (y >= r1) r++;
        else return r;
    }
}

void partition_attach(struct partition *p, struct mesh *m) { mesh_set_owned(m, p->node0, p->node1); }

/* Packs what this rank's routers sent into ghost row `row` (through its port
 * `port`): [n_flits, n_credits], the flits, the credits. Returns the bytes. */
static int pack(struct partition *p, struct mesh *m, int row, int port, char *buf)
{
    int32_t *hdr = (int32_t *)buf;
    int per = (p->cap - 2 * (int)sizeof(int32_t)) / (int)(sizeof(struct mesh_xflit) + sizeof(struct mesh_xcredit));
    struct mesh_xflit *fl = (struct mesh_xflit *)(hdr + 2);
    struct mesh_xcredit *cr = (struct mesh_xcredit *)(fl + per);
    int nf = 0, nc = 0;
    for (int x = 0; x < p->mesh_x; x++) mesh_take_boundary(m, row * p->mesh_x + x, port, fl, &nf, cr, &nc);
    memmove(fl + nf, cr, (size_t)nc * sizeof *cr);
    hdr[0] = nf;
    hdr[1] = nc;
    return nf + nc ? 2 * (int)sizeof(int32_t) + nf * (int)sizeof *fl + nc * (int)sizeof *cr : 0;
}

/* Puts what a neighbour sent into this rank's routers, through their port `port`. */
static int unpack(struct partition *p, struct mesh *m, const char *buf, int bytes, int port, char *err, size_t errlen)
{
    if (bytes == 0) return 0;
    const int32_t *hdr = (const int32_t *)buf;
    const struct mesh_xflit *fl = (const struct mesh_xflit *)(hdr + 2);
    const struct mesh_xcredit *cr = (const struct mesh_xcredit *)(fl + hdr[0]);
    uint64_t now = mesh_cycle(m);
    for (int i = 0; i < hdr[0]; i++) {
        struct mesh_xflit x = fl[i];
        if (PARTITION_PLANT == 1) x.ready++;
        if (x.ready <= now) {
            snprintf(err, errlen, "partition: cycle %llu: a flit for node %d was due at cycle %llu; the window "
                     "of %d cycles exceeds the lookahead", (unsigned long long)now, x.node,
                     (unsigned long long)x.ready, p->window);
            return -1;
        }
        mesh_put_flit(m, port, &x);
    }
    for (int i = 0; i < hdr[1]; i++) {
        if (cr[i].at < now) {
            snprintf(err, errlen, "partition: cycle %llu: a credit for node %d was due at cycle %llu; the window "
                     "of %d cycles exceeds the lookahead", (unsigned long long)now, cr[i].node,
                     (unsigned long long)cr[i].at, p->window);
            return -1;
        }
        mesh_put_credit(m, port, &cr[i]);
    }
    return 0;
}

void partition_close(struct partition *p, struct mesh *m)
{
    if (p->size == 1 || mesh_cycle(m) % (uint64_t)p->window) return;
    /* What the last window packed was delivered before this window's steps. */
    if (p->row1 < p->mesh_y) p->up_bytes = pack(p, m, p->row1, PORT_S, p->send_up);
    if (p->row0 > 0) p->down_bytes = pack(p, m, p->row0 - 1, PORT_N, p->send_down);
}

int partition_deliver(struct partition *p, struct mesh *m, int from_below, int from_above, char *err, size_t errlen)
{
    int up = p->row1 < p->mesh_y ? p->rank + 1 : -1, down = p->row0 > 0 ? p->rank - 1 : -1;
    /* Northward (my top boundary to the rank above; the rank below's to me: flits
     * for my input ports S, credits for my output ports S) and southward, at once. */
    const void *sbuf[2] = { p->send_up, p->send_down };
    int sbytes[2] = { p->up_bytes, p->down_bytes }, got[2];
    int to[2] = { p->up_bytes ? up : -1, p->down_bytes ? down : -1 };
    int from[2] = { from_below ? down : -1, from_above ? up : -1 };
    void *rbuf[2] = { p->recv_below, p->recv_above };
    if (to[0] >= 0 || to[1] >= 0 || from[0] >= 0 || from[1] >= 0) {
        p->exchanges++;
        world_sendrecv2(sbuf, sbytes, to, rbuf, p->cap, from, got);
    } else {
        got[0] = got[1] = 0;
    }
    int rc = unpack(p, m, p->recv_below, got[0], PORT_S, err, errlen);
    if (!rc) rc = unpack(p, m, p->recv_above, got[1], PORT_N, err, errlen);
    p->up_bytes = p->down_bytes = 0;
    return rc;
}

int partition_exchange_record(struct partition *p, struct mesh *m, const void *rec, int rec_bytes, void *rec_below,
                              void *rec_above, char *err, size_t errlen)
{
    int up = p->row1 < p->mesh_y ? p->rank + 1 : -1, down = p->row0 > 0 ? p->rank - 1 : -1;
    char *sb[2] = { p->send_up, p->send_down }, *rb[2] = { p->recv_below, p->recv_above };
    int bytes[2] = { p->up_bytes, p->down_bytes };
    const void *sbuf[2];
    void *rbuf[2];
    int sbytes[2], got[2], to[2] = { up, down }, from[2] = { down, up };
    for (int k = 0; k < 2; k++) {
        if (!bytes[k]) {    /* nothing packed: an empty header */
            ((int32_t *)sb[k])[0] = ((int32_t *)sb[k])[1] = 0;
            bytes[k] = 2 * (int)sizeof(int32_t);
        }
        memcpy(sb[k] - rec_bytes, rec, (size_t)rec_bytes);
        sbuf[k] = sb[k] - rec_bytes;
        sbytes[k] = rec_bytes + bytes[k];
        rbuf[k] = rb[k] - rec_bytes;
    }
    p->exchanges++;
    world_sendrecv2(sbuf, sbytes, to, rbuf, p->cap + rec_bytes, from, got);
    void *out[2] = { rec_below, rec_above };
    int rc = 0;
    for (int k = 0; k < 2; k++) {
        if (from[k] < 0) continue;
        memcpy(out[k], rbuf[k], (size_t)rec_bytes);
        if (!rc) rc = unpack(p, m, rb[k], got[k] - rec_bytes, k == 0 ? PORT_S : PORT_N, err, errlen);
    }
    p->up_bytes = p->down_bytes = 0;
    return rc;
}

int partition_window(struct partition *p, struct mesh *m, char *err, size_t errlen)
{
    if (p->size == 1 || mesh_cycle(m) % (uint64_t)p->window) return 0;
    partition_close(p, m);
    /* Every rank exchanges with both neighbours, data or not. */
    int from_below = p->row0 > 0, from_above = p->row1 < p->mesh_y;
    int sent_up = p->up_bytes, sent_down = p->down_bytes;
    if (from_above && !sent_up) {    /* an empty message still tells the neighbour */
        ((int32_t *)p->send_up)[0] = ((int32_t *)p->send_up)[1] = 0;
        p->up_bytes = 2 * (int)sizeof(int32_t);
    }
    if (from_below && !sent_down) {
        ((int32_t *)p->send_down)[0] = ((int32_t *)p->send_down)[1] = 0;
        p->down_bytes = 2 * (int)sizeof(int32_t);
    }
    return partition_deliver(p, m, from_below, from_above, err, errlen);
}

void partition_share_routers(struct partition *p, struct mesh *m)
{
    if (p->size == 1) return;
    int n = p->mesh_x * p->mesh_y;
    struct router_counters *all = calloc((size_t)n, sizeof *all);
    int *counts = calloc((size_t)p->size, sizeof *counts), *displs = calloc((size_t)p->size, sizeof *displs);
    if (!all || !counts || !displs) {
        fprintf(stderr, "ssnnsim: out of memory sharing router counters\n");
        world_abort(1);
    }
    for (int r = 0; r < p->size; r++) {
        int r0, r1;
        band(r, p->size, p->mesh_y, p->unit, &r0, &r1);
        displs[r] = r0 * p->mesh_x * (int)sizeof *all;
        counts[r] = (r1 - r0) * p->mesh_x * (int)sizeof *all;
    }
    for (int i = p->node0; i < p->node1; i++) all[i] = *mesh_router_counters(m, i);
    world_allgather(all, counts, displs);
    for (int i = 0; i < n; i++)
        if (i < p->node0 || i >= p->node1) mesh_load_router_counters(m, i, &all[i]);
    free(all);
    free(counts);
    free(displs);
}

void partition_sum(const struct partition *p, int64_t *v, int n)
{
    if (p->size > 1) world_sum_i64(v, n);
}
