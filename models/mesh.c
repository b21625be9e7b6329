/* The mesh: mesh_x * mesh_y routers in one flat array, wired to their neighbours,
 * and an active list so that a cycle costs only the routers that hold a flit or
 * have one waiting at their interface (an idle mesh steps in O(1)). Links need no
 * state of their own: a flit on a link already sits in the downstream buffer slot
 * its credit reserved, stamped with its arrival cycle, and credits travel in a
 * ring at the upstream router. So a router with a flit on an incoming link is
 * active, and one that only awaits credits is not (credits are applied lazily).
 * An active router whose flits are all still in its pipeline or on a link is
 * skipped until the first of them is ready (router.wake).
 * mesh_step never allocates, except to grow an ejection queue whose consumer
 * has fallen further behind than ever before. */
#include "mesh.h"
#include "router.h"
#include "router_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mesh {
    int mx, my, n;
    struct router *r;           /* [n], node id = y * mx + x */
    uint32_t *active;           /* [n] ids of routers with work */
    int n_active;
    uint64_t cycle;
    uint64_t injected, popped;
    struct router_cfg rc;
    int step_all;               /* test hook: ignore router.wake */
    char fault[256];            /* a failure seen by a void function, reported by mesh_step */
    int own_lo, own_hi;         /* nodes [own_lo, own_hi) are stepped here; the rest are ghosts */
    uint64_t moved_in, moved_out;   /* flits handed over across a partition boundary */
    struct mesh_counters *sum;  /* filled by mesh_counters */
};

static int owned(const struct mesh *m, int node) { return node >= m->own_lo && node < m->own_hi; }

static void activate(struct mesh *m, struct router *r)
{
    if (r->active) return;
    r->active = 1;
    m->active[m->n_active++] = (uint32_t)r->id;
}

size_t mesh_bytes(const struct mesh *m)
{
    size_t b = sizeof *m + sizeof *m->sum + (size_t)m->n * sizeof *m->active;
    for (int i = 0; i < m->n; i++) b += router_bytes(&m->r[i]);
    return b;
}

struct mesh *mesh_new(int mesh_x, int mesh_y, const struct router_cfg *rc, char *err, size_t errlen)
{
    if (mesh_x < 1 || mesh_y < 1 || (int64_t)mesh_x * mesh_y > 65536) {
        snprintf(err, errlen, "mesh: %dx%d is not a mesh of 1 to 65536 nodes (flit node ids are 16-bit)",
                 mesh_x, mesh_y);
        return NULL;
    }
    struct mesh *m = calloc(1, sizeof *m);
    if (!m) goto oom;
    m->mx = mesh_x;
    m->my = mesh_y;
    m->n = mesh_x * mesh_y;
    m->rc = *rc;
    m->own_hi = m->n;
    m->r = calloc((size_t)m->n, sizeof *m->r);
    m->active = calloc((size_t)m->n, sizeof *m->active);
    m->sum = calloc(1, sizeof *m->sum);
    if (!m->r || !m->active || !m->sum) goto oom;
    for (int i = 0; i < m->n; i++) {
        if (router_init(&m->r[i], i % mesh_x, i / mesh_x, mesh_x, rc, err, errlen)) {
            for (int k = 0; k < i; k++) router_free(&m->r[k]);
            free(m->r);
            m->r = NULL;
            mesh_free(m);
            return NULL;
        }
    }
    for (int i = 0; i < m->n; i++) {
        struct router *r = &m->r[i];
        if (r->y + 1 < mesh_y) r->nbr[PORT_N] = &m->r[i + mesh_x];
        if (r->x + 1 < mesh_x) r->nbr[PORT_E] = &m->r[i + 1];
        if (r->y > 0) r->nbr[PORT_S] = &m->r[i - mesh_x];
        if (r->x > 0) r->nbr[PORT_W] = &m->r[i - 1];
    }
    return m;
oom:
    snprintf(err, errlen, "mesh: out of memory for a %dx%d mesh", mesh_x, mesh_y);
    mesh_free(m);
    return NULL;
}

void mesh_set_chip_links(struct mesh *m, int chip_w, int chip_h, int latency, int cycles_per_flit, int depth)
{
    for (int i = 0; i < m->n; i++) {
        struct router *r = &m->r[i];
        /* each boundary link once, from its west or south end */
        for (int k = 0; k < 2; k++) {
            int o = k ? PORT_N : PORT_E, at = k ? r->y : r->x, side = k ? chip_h : chip_w;
            struct router *d = r->nbr[o];
            if (!d || (at + 1) % side) continue;
            router_set_link(r, o, latency, cycles_per_flit);
            router_set_link(d, (o + 2) & 3, latency, cycles_per_flit);
            if (depth) {
                router_set_input_depth(d, (o + 2) & 3, depth);
                router_set_input_depth(r, o, depth);
            }
        }
    }
}

void mesh_free(struct mesh *m)
{
    if (!m) return;
    if (m->r)
        for (int i = 0; i < m->n; i++) router_free(&m->r[i]);
    free(m->r);
    free(m->active);
    free(m->sum);
    free(m);
}

void mesh_inject(struct mesh *m, int node, const struct flit *f)
{
    if (node < 0 || node >= m->n || f->dst >= m->n || f->src >= m->n) {
        if (!m->fault[0])
            snprintf(m->fault, sizeof m->fault,
                     "mesh_inject: node %d, flit src %u dst %u: the mesh has nodes 0..%d", node,
                     (unsigned)f->src, (unsigned)f->dst, m->n - 1);
        return;
    }
    struct router *r = &m->r[node];
    if (router_inject(r, f, m->cycle)) {
        if (!m->fault[0])
            snprintf(m->fault, sizeof m->fault, "mesh_inject: out of memory queuing %u flits at node %d",
                     r->src.count + 1, node);
        return;
    }
    m->injected++;
    activate(m, r);
}

/* The watchdog's report: the stuck flit, its router and the routers around it. */
static void watchdog_message(const struct mesh *m, const struct router *r, char *err, size_t errlen)
{
    if (!err || !errlen) return;
    const struct ivc *iv = &r->in[r->stuck_port * r->nvc + r->stuck_vc];
    const struct flit *f = &iv->slot[iv->head].f;
    static const char *const cls[] = { "forward", "backward", "control" };
    size_t k = (size_t)snprintf(err, errlen,
        "watchdog: cycle %llu: router (%d,%d): flit of packet %u from (%d,%d) to (%d,%d) (%s class, "
        "input port %s, vc %d) has not moved for %llu cycles; router ",
        (unsigned long long)m->cycle, r->x, r->y, f->packet, f->src % m->mx, f->src / m->mx,
        f->dst % m->mx, f->dst / m->mx, f->tclass < TC_COUNT ? cls[f->tclass] : "?",
        router_port_name[r->stuck_port], r->stuck_vc, (unsigned long long)r->stuck_for);
    if (k < errlen) router_describe(r, m->cycle, err + k, errlen - k);
    for (int o = 0; o < 4; o++) {
        k = strlen(err);
        if (!r->nbr[o] || k + 8 >= errlen) continue;
        k += (size_t)snprintf(err + k, errlen - k, "; %s neighbour ", router_port_name[o]);
        if (k < errlen) router_describe(r->nbr[o], m->cycle, err + k, errlen - k);
    }
}

int mesh_step(struct mesh *m, char *err, size_t errlen)
{
    if (m->fault[0]) {
        snprintf(err, errlen, "%s", m->fault);
        return -1;
    }
    uint64_t now = m->cycle;
    int n0 = m->n_active;       /* routers woken during this cycle start next cycle */
    for (int i = 0; i < n0; i++) {
        struct router *r = &m->r[m->active[i]];
        if (r->wake > now && !m->step_all) continue;    /* its flits are all in the pipeline or on links */
        int sent = router_step(r, now);
        if (sent < 0) {
            if (sent == -1) watchdog_message(m, r, err, errlen);
            else
                snprintf(err, errlen, "mesh: cycle %llu: out of memory growing the ejection queue of (%d,%d)",
                         (unsigned long long)now, r->x, r->y);
            return -1;
        }
        for (; sent; sent &= sent - 1) activate(m, r->nbr[__builtin_ctz((unsigned)sent)]);
    }
    int j = 0;
    for (int i = 0; i < m->n_active; i++) {
        struct router *r = &m->r[m->active[i]];
        if (router_has_work(r)) {
            m->active[j++] = (uint32_t)r->id;
        } else {
            r->active = 0;
            r->wake = UINT64_MAX;   /* the next flit to arrive sets it */
        }
    }
    m->n_active = j;
    m->cycle++;
    if (!j && m->injected + m->moved_in != m->popped + m->moved_out) {
        /* No router holds a flit, yet some are neither delivered nor waiting to
         * be popped: the network lost them. Say where the books do not balance.
         * (A ghost's buffers hold flits on their way to another partition.) */
        uint64_t waiting = 0;
        for (int i = 0; i < m->n; i++)
            waiting += m->r[i].ej.count + m->r[i].src.count + (owned(m, i) ? 0 : m->r[i].buffered);
        if (m->injected + m->moved_in != m->popped + m->moved_out + waiting) {
            char why[600];
            if (!mesh_check(m, why, sizeof why)) snprintf(why, sizeof why, "no invariant names the place");
            snprintf(err, errlen, "mesh: cycle %llu: %llu flits lost in the network (injected %llu, delivered %llu): %s",
                     (unsigned long long)now,
                     (unsigned long long)(m->injected + m->moved_in - m->popped - m->moved_out - waiting),
                     (unsigned long long)(m->injected + m->moved_in),
                     (unsigned long long)(m->popped + m->moved_out + waiting), why);
            return -1;
        }
    }
    return 0;
}

int mesh_eject(struct mesh *m, int node, struct flit *out)
{
    if (!flitq_pop(&m->r[node].ej, out)) return 0;
    m->popped++;
    return 1;
}

const struct flitq *mesh_ejection_queue(const struct mesh *m, int node) { return &m->r[node].ej; }

uint64_t mesh_in_flight(const struct mesh *m) { return m->injected - m->popped; }
int mesh_idle(const struct mesh *m) { return m->injected == m->popped; }
int mesh_active_routers(const struct mesh *m) { return m->n_active; }

int mesh_set_cycle(struct mesh *m, uint64_t cycle)
{
    if (m->n_active || cycle < m->cycle) return -1;
    m->cycle = cycle;
    return 0;
}

void mesh_router_state(const struct mesh *m, int node, uint32_t occupancy[5], int32_t credits[4])
{
    const struct router *r = &m->r[node];
    for (int p = 0; p < PORT_COUNT; p++) {
        occupancy[p] = 0;
        for (int v = 0; v < r->nvc; v++) occupancy[p] += r->in[p * r->nvc + v].count;
    }
    for (int o = 0; o < 4; o++) {
        credits[o] = 0;
        if (r->nbr[o])
            for (int v = 0; v < r->nvc; v++) credits[o] += r->credits[o * r->nvc + v];
    }
}
uint64_t mesh_cycle(const struct mesh *m) { return m->cycle; }

const struct mesh_counters *mesh_counters(const struct mesh *m)
{
    struct mesh_counters *s = m->sum;
    memset(s, 0, sizeof *s);
    for (int i = 0; i < m->n; i++) router_counters_fold(s, &m->r[i].c);
    s->cycles_active = m->cycle;
    return s;
}

uint64_t mesh_router_steps(const struct mesh *m)
{
    uint64_t n = 0;
    for (int i = 0; i < m->n; i++) n += m->r[i].c.steps;
    return n;
}

const struct router_counters *mesh_router_counters(const struct mesh *m, int node)
{
    return &m->r[node].c;
}

void mesh_set_trace(struct mesh *m, mesh_trace_fn fn, void *ctx)
{
    for (int i = 0; i < m->n; i++) {
        m->r[i].trace = fn;
        m->r[i].trace_ctx = ctx;
    }
}

void mesh_debug_stall_link(struct mesh *m, int node, int port, int on)
{
    if (node < 0 || node >= m->n || port < 0 || port >= PORT_COUNT) return;
    struct router *r = &m->r[node];
    if (on) r->stalled |= (uint8_t)(1u << port);
    else r->stalled &= (uint8_t)~(1u << port);
}

void mesh_debug_step_all(struct mesh *m, int on) { m->step_all = on; }

void mesh_debug_general_only(struct mesh *m, int on)
{
    for (int i = 0; i < m->n; i++) m->r[i].general_only = (uint8_t)(on != 0);
}

void mesh_set_fault(struct mesh *m, int kind, int node, uint64_t after)
{
    if (node < 0 || node >= m->n) return;
    struct router *r = &m->r[node];
    r->fault = (uint8_t)kind;
    r->fault_after = after;
    r->fault_nodes = m->n;
}

uint64_t mesh_zero_load_latency(const struct router_cfg *rc, int hops, int flits)
{
    return (uint64_t)(hops + 1) * (uint64_t)rc->pipeline + (uint64_t)hops * (uint64_t)rc->link_latency +
           (uint64_t)flits;
}

int mesh_check(const struct mesh *m, char *err, size_t errlen)
{
    uint64_t queued = 0, buffered = 0, waiting = 0, injected = 0, ejected = 0, ghosts = 0;
    for (int i = 0; i < m->n; i++) {
        const struct router *r = &m->r[i];
        if (!owned(m, i)) {
            ghosts += r->buffered;      /* flits on their way to another partition */
            continue;
        }
        uint32_t occ = 0;
        for (int k = 0; k < PORT_COUNT * r->nvc; k++) {
            occ += r->in[k].count;
            int has = (r->nonempty[k / r->nvc] >> (k % r->nvc)) & 1;
            if ((r->in[k].count > 0) != has || r->in[k].count > r->in[k].cap) {
                snprintf(err, errlen, "router (%d,%d) port %s vc %d: %u flits in a %d-slot buffer, nonempty bit %d",
                         r->x, r->y, router_port_name[k / r->nvc], k % r->nvc, r->in[k].count, r->in[k].cap, has);
                return -1;
            }
            if (r->general && has && r->in[k].elig != router_front_elig(r, k)) {
                snprintf(err, errlen, "router (%d,%d) port %s vc %d: front eligible from cycle %llu, its copy says %llu",
                         r->x, r->y, router_port_name[k / r->nvc], k % r->nvc,
                         (unsigned long long)router_front_elig(r, k), (unsigned long long)r->in[k].elig);
                return -1;
            }
            if (!r->scan_wide && (int)(r->nonempty_all >> k & 1) != has) {
                snprintf(err, errlen, "router (%d,%d) port %s vc %d: nonempty bit %d, its copy in nonempty_all %d",
                         r->x, r->y, router_port_name[k / r->nvc], k % r->nvc, has, (int)(r->nonempty_all >> k & 1));
                return -1;
            }
        }
        if (occ != r->buffered) {
            snprintf(err, errlen, "router (%d,%d): %u flits in its buffers, %u counted", r->x, r->y, occ, r->buffered);
            return -1;
        }
        if (router_has_work(r) && !r->active) {
            snprintf(err, errlen, "router (%d,%d) has work but is not on the active list", r->x, r->y);
            return -1;
        }
        for (int o = 0; o < 4; o++) {
            const struct router *d = r->nbr[o];
            if (!d || !owned(m, d->id)) continue;   /* a boundary link: its far end is another rank's */
            for (int v = 0; v < r->nvc; v++) {
                int held = r->credits[o * r->nvc + v];
                int usable = router_credits(r, o, v, m->cycle);
                int flying = router_credits_in_flight(r, o, v, m->cycle);
                const struct ivc *dv = &d->in[((o + 2) & 3) * d->nvc + v];
                int down = dv->count, depth = dv->cap;
                if (held < 0 || usable > depth || usable + flying + down != depth) {
                    snprintf(err, errlen,
                             "cycle %llu: link (%d,%d) -> %s, vc %d: %d credits (%d usable) + %d in flight + "
                             "%d flits downstream != buffer depth %d",
                             (unsigned long long)m->cycle, r->x, r->y, router_port_name[o], v, held, usable,
                             flying, down, depth);
                    return -1;
                }
            }
        }
        queued += r->src.count;
        waiting += r->ej.count;
        buffered += r->buffered;
        injected += r->c.flits_injected;
        ejected += r->c.flits_ejected;
    }
    if (injected != m->injected || injected + m->moved_in != queued + buffered + ejected + m->moved_out + ghosts ||
        ejected != waiting + m->popped) {
        snprintf(err, errlen,
                 "cycle %llu: conservation: %llu flits injected (%llu counted by the mesh) + %llu received from "
                 "other partitions != %llu queued + %llu buffered + %llu delivered (%llu waiting to be popped + "
                 "%llu popped) + %llu handed to other partitions",
                 (unsigned long long)m->cycle, (unsigned long long)injected, (unsigned long long)m->injected,
                 (unsigned long long)m->moved_in, (unsigned long long)queued, (unsigned long long)buffered,
                 (unsigned long long)ejected, (unsigned long long)waiting, (unsigned long long)m->popped,
                 (unsigned long long)(m->moved_out + ghosts));
        return -1;
    }
    return 0;
}

/* ---- partitions (sim/partition.c) ----------------------------------------- */

void mesh_set_owned(struct mesh *m, int lo, int hi)
{
    m->own_lo = lo;
    m->own_hi = hi;
    /* A ghost is marked active so that activate() never lists it: it is never
     * stepped here, and its buffers only collect what crosses the boundary. */
    for (int i = 0; i < m->n; i++)
        if (!owned(m, i)) m->r[i].active = 1;
}

int mesh_take_boundary(struct mesh *m, int node, int port, struct mesh_xflit *fl, int *n_fl,
                       struct mesh_xcredit *cr, int *n_cr)
{
    struct router *g = &m->r[node];
    int nf = 0, nc = 0;
    for (int v = 0; v < g->nvc && g->buffered; v++) {
        struct ivc *iv = &g->in[port * g->nvc + v];
        for (; iv->count; iv->count--, g->buffered--) {
            fl[*n_fl + nf++] = (struct mesh_xflit){ iv->slot[iv->head].f, iv->slot[iv->head].ready, node, v };
            if (++iv->head == iv->cap) iv->head = 0;
        }
        iv->head = 0;
    }
    g->nonempty[port] = 0;
    if (!g->scan_wide) g->nonempty_all &= ~(((1ull << g->nvc) - 1) << (port * g->nvc));
    g->ports &= ~(1u << port);
    struct credit_ret *ring = g->cring + (size_t)port * g->cring_cap;
    for (uint32_t h = g->cring_head[port]; g->cring_count[port]; g->cring_count[port]--) {
        cr[*n_cr + nc++] = (struct mesh_xcredit){ ring[h].at, node, (int)ring[h].vc };
        if (++h == g->cring_cap) h = 0;
    }
    g->cring_head[port] = 0;
    g->cring_mask &= ~(1u << port);
    m->moved_out += (uint64_t)nf;
    *n_fl += nf;
    *n_cr += nc;
    return nf + nc;
}

void mesh_put_flit(struct mesh *m, int port, const struct mesh_xflit *x)
{
    struct router *d = &m->r[x->node];
    router_accept(d, port, x->vc, &x->f, x->ready);
    activate(m, d);
    m->moved_in++;
}

void mesh_put_credit(struct mesh *m, int port, const struct mesh_xcredit *x)
{
    router_credit_push(&m->r[x->node], port, x->vc, x->at);
}

void mesh_load_router_counters(struct mesh *m, int node, const struct router_counters *c) { m->r[node].c = *c; }
