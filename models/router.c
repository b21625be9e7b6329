/* The mesh router (see router.h for the timing contract). One router_step is one
 * clock cycle of the whole router:
 *   1. credits that have arrived from downstream are applied;
 *   2. VC allocation: every head flit that is ready at the front of its VC and
 *      has no output VC computes its XY route and asks for a free output VC of
 *      its class; each output port grants in round-robin order over input VCs;
 *   3. switch allocation, separable and input first: each input port offers its
 *      first VC (round-robin from its last winner) that holds an output VC with
 *      a credit, and each output port grants one of the offers (round-robin).
 *      A head can win its VC and the switch in one cycle: the stages are collapsed;
 *   4. winners cross the switch: the slot's credit goes upstream, the flit goes
 *      onto the link (written into the downstream buffer with its arrival time,
 *      which the credit it consumed had reserved) or into the ejection queue;
 *   5. the network interface moves one flit from the source queue into a local
 *      input VC of its class that has room.
 * Routers interact only through links and credits that take at least one cycle,
 * so the order in which the mesh steps them cannot change any result. */
#include "router.h"
#include "router_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const router_port_name[PORT_COUNT] = { "N", "E", "S", "W", "L" };

static int opposite(int port) { return (port + 2) & 3; }

/* ---- queues ---------------------------------------------------------------- */

int flitq_push(struct flitq *q, const struct flit *f)
{
    if (q->count == q->cap) {
        /* Doubling keeps growth off the steady-state path: a queue only grows when
         * its consumer falls further behind than ever before. */
        uint32_t cap = q->cap ? q->cap * 2 : 64;
        struct flit *n = malloc((size_t)cap * sizeof *n);
        if (!n) return -1;
        for (uint32_t i = 0; i < q->count; i++) n[i] = q->q[(q->head + i) % q->cap];
        free(q->q);
        q->q = n;
        q->head = 0;
        q->cap = cap;
    }
    uint32_t at = q->head + q->count;
    if (at >= q->cap) at -= q->cap;
    q->q[at] = *f;
    q->count++;
    return 0;
}

void flitq_free(struct flitq *q)
{
    free(q->q);
    memset(q, 0, sizeof *q);
}

/* ---- construction ---------------------------------------------------------- */

/* The one block of a router's buffers: input VC states, their flit slots, the
 * credit rings of the four links and the credit counts. */
static void buffer_sizes(const struct router *r, size_t *in, size_t *slot, size_t *cring, size_t *cred)
{
    size_t nin = (size_t)PORT_COUNT * (size_t)r->nvc;
    *in = nin * sizeof *r->in;
    *slot = nin * (size_t)r->slot_depth * sizeof(struct rslot);
    *cring = 4 * (size_t)r->cring_cap * sizeof *r->cring;
    *cred = 4 * (size_t)r->nvc * sizeof *r->credits;
}

size_t router_bytes(const struct router *r)
{
    size_t in, slot, cring, cred;
    buffer_sizes(r, &in, &slot, &cring, &cred);
    return sizeof *r + in + slot + cring + cred;
}

int router_init(struct router *r, int x, int y, int mesh_x, const struct router_cfg *rc,
                char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (rc->model != ROUTER_COLLAPSED && rc->model != ROUTER_PIPELINED) {
        snprintf(err, errlen, "router: unknown model %d", rc->model);
        return -1;
    }
    if (rc->sw_allocator != SW_INPUT_FIRST && rc->sw_allocator != SW_ISLIP) {
        snprintf(err, errlen, "router: unknown switch allocator %d", rc->sw_allocator);
        return -1;
    }
    if (rc->vc_allocator != VA_ROUND_ROBIN && rc->vc_allocator != VA_ISLIP) {
        snprintf(err, errlen, "router: unknown VC allocator %d", rc->vc_allocator);
        return -1;
    }
    if (rc->model != ROUTER_PIPELINED && (rc->speculative || rc->lookahead)) {
        snprintf(err, errlen, "router: speculative and lookahead need the pipelined model");
        return -1;
    }
    if (rc->pipeline < router_cfg_min_pipeline(rc)) {
        snprintf(err, errlen, "router: pipeline %d is shorter than the pipelined router's %d stages (RC, VA, SA, ST)",
                 rc->pipeline, router_cfg_min_pipeline(rc));
        return -1;
    }
    if (rc->buffer_depth < 1 || rc->buffer_depth > 1024 || rc->pipeline < 1 || rc->link_latency < 1 ||
        rc->vcs < 1 || rc->vcs * TC_COUNT > ROUTER_MAX_VCS || rc->watchdog_cycles < 1) {
        snprintf(err, errlen,
                 "router: unsupported parameters (buffer_depth %d, pipeline %d, link_latency %d, vcs %d, "
                 "watchdog_cycles %lld); need depth 1..1024, pipeline >= 1, link >= 1, vcs 1..%d, watchdog >= 1",
                 rc->buffer_depth, rc->pipeline, rc->link_latency, rc->vcs, (long long)rc->watchdog_cycles,
                 ROUTER_MAX_VCS / TC_COUNT);
        return -1;
    }
    r->x = x;
    r->y = y;
    r->mesh_x = mesh_x;
    r->id = y * mesh_x + x;
    /* ceil(2^32 / mesh_x): exact for dst * mesh_x < 2^32, which 16-bit ids and
     * meshes up to 65536 wide satisfy; a divide per head flit costs ~30 cycles. */
    r->row_magic = ((1ull << 32) + (uint64_t)mesh_x - 1) / (uint64_t)mesh_x;   /* 33 bits at mesh_x = 1 */
    r->vcs = rc->vcs;
    r->nvc = rc->vcs * TC_COUNT;
    r->depth = rc->buffer_depth;
    r->pipeline = rc->pipeline;
    r->link = rc->link_latency;
    for (int o = 0; o < 4; o++) {
        r->arrive[o] = r->credit_lat[o] = r->link;
        r->cycles_per_flit[o] = 1;
    }
    r->watchdog = rc->watchdog_cycles;
    r->pipelined = rc->model == ROUTER_PIPELINED;
    r->rc_cycles = r->pipelined && !rc->lookahead;
    r->va_cycles = r->pipelined && !rc->speculative;
    r->early = r->rc_cycles + r->va_cycles;
    r->credit_extra = r->pipelined;
    r->speculative = r->pipelined && rc->speculative;
    r->islip = rc->sw_allocator == SW_ISLIP;
    r->va_islip = rc->vc_allocator == VA_ISLIP;
    r->general = r->pipelined || r->islip || r->va_islip;
    for (int p = 0; p < PORT_COUNT; p++)
        for (int v = 0; v < ROUTER_MAX_VCS; v++) r->va_gptr[p][v] = (uint16_t)(PORT_COUNT * r->nvc - 1);
    memset(r->va_aptr, 0xff, sizeof r->va_aptr);
    r->scan_wide = PORT_COUNT * r->nvc > 64;
    for (int i = 0; i < 64; i++) r->scan_port[i] = (uint8_t)(i / r->nvc);
    r->park_deadline = UINT64_MAX;
    r->wake = UINT64_MAX;
    r->cring_due = UINT64_MAX;
    r->ni_vc = -1;
    for (int c = 0; c < TC_COUNT; c++) r->class_vcs[c] = ((1ull << r->vcs) - 1) << (c * r->vcs);
    r->ni_rr = (uint8_t)(rc->vcs - 1);
    r->stuck_port = r->stuck_vc = -1;
    r->slot_depth = rc->slot_depth > r->depth ? rc->slot_depth : r->depth;
    /* A link carries at most one credit per slot downstream. */
    r->cring_cap = (uint32_t)(r->nvc * r->slot_depth);

    size_t nin = (size_t)PORT_COUNT * (size_t)r->nvc;
    size_t sz_in, sz_slot, sz_cring, sz_cred;
    buffer_sizes(r, &sz_in, &sz_slot, &sz_cring, &sz_cred);
    char *mem = calloc(1, sz_in + sz_slot + sz_cring + sz_cred);
    if (!mem) {
        snprintf(err, errlen, "router (%d,%d): out of memory for %zu bytes of buffers", x, y,
                 sz_in + sz_slot + sz_cring + sz_cred);
        return -1;
    }
    r->mem = mem;
    /* Largest alignment first: slots and credit entries hold uint64_t. */
    struct rslot *slots = (struct rslot *)mem;
    r->cring = (struct credit_ret *)(mem + sz_slot);
    r->in = (struct ivc *)(mem + sz_slot + sz_cring);
    r->credits = (int16_t *)(mem + sz_slot + sz_cring + sz_in);
    for (size_t i = 0; i < nin; i++) {
        r->in[i].slot = slots + i * (size_t)r->slot_depth;
        r->in[i].cap = (uint16_t)r->depth;
        r->in[i].out_port = -1;
    }
    for (size_t i = 0; i < 4 * (size_t)r->nvc; i++) r->credits[i] = (int16_t)r->depth;
    for (int p = 0; p < PORT_COUNT; p++) {
        /* Start so that the first grant goes to index 0. */
        r->rr_va[p] = (uint16_t)(PORT_COUNT * r->nvc - 1);
        r->rr_in[p] = (uint8_t)(r->nvc - 1);
        r->rr_out[p] = PORT_COUNT - 1;
        r->rr_acc[p] = PORT_COUNT - 1;
        r->rr_ovc[p] = (uint8_t)(r->nvc - 1);
        r->ovc_free[p] = r->nvc == 64 ? ~0ull : (1ull << r->nvc) - 1;
    }
    return 0;
}

void router_free(struct router *r)
{
    free(r->mem);
    flitq_free(&r->src);
    flitq_free(&r->ej);
    r->mem = NULL;
}

int router_inject(struct router *r, const struct flit *f, uint64_t now)
{
    if (flitq_push(&r->src, f)) return -1;
    if (r->wake > now) r->wake = now;
    r->c.flits_injected++;
    return 0;
}

void router_set_link(struct router *r, int o, int latency, int cycles_per_flit)
{
    r->arrive[o] = latency + cycles_per_flit - 1;
    r->credit_lat[o] = latency;
    r->cycles_per_flit[o] = (uint16_t)cycles_per_flit;
    if (cycles_per_flit > 1) r->serial |= (uint8_t)(1u << o);
    else r->serial &= (uint8_t)~(1u << o);
}

void router_set_input_depth(struct router *r, int p, int depth)
{
    if (depth > r->slot_depth) depth = r->slot_depth;
    struct router *up = r->nbr[p];
    for (int v = 0; v < r->nvc; v++) {
        r->in[p * r->nvc + v].cap = (uint16_t)depth;
        if (up) up->credits[opposite(p) * up->nvc + v] = (int16_t)depth;
    }
}

/* Output port o cannot take a flit this cycle: frozen by a test, or an inter-chip
 * link still serialising the flit before. */
static inline int port_blocked(const struct router *r, int o, uint64_t now)
{
    if (!((r->stalled | r->serial) >> o & 1)) return 0;
    return (r->stalled >> o & 1) || r->link_free[o] > now;
}

static inline uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* The first cycle the front flit of input VC iv may take its next step: ask for an
 * output VC (a head without one) or for the switch. Collapsed model: its stamp.
 * Pipelined model (docs/noc.md): a flit written at cycle a is stamped a + P,
 * P = rc + va + D, where D is the cycles from the switch-allocation stage to the
 * traversal this model counts (ST and the link's first cycle); the router decides
 * at cycle t what the hardware's SA stage decided at t - D. So a head asks for a
 * VC rc cycles after it reached the front (its arrival, or the cycle after the
 * packet before it left), asks for the switch va cycles after it won its VC; a
 * body flit asks for the switch D cycles after its arrival, or the cycle after
 * the flit before it left. */
static inline uint64_t elig_of(const struct router *r, const struct ivc *iv)
{
    if (!r->pipelined) return iv->front_ready;
    if (iv->out_port < 0) return max64(iv->front_ready - (uint64_t)r->va_cycles, iv->since + (uint64_t)r->rc_cycles);
    if (iv->slot[iv->head].f.head) return iv->va_at + (uint64_t)r->va_cycles;
    return max64(iv->front_ready - (uint64_t)r->early, iv->since);
}

/* On a router stepped by router_step_general iv->elig is elig_of(iv), set again on
 * every change of what it reads (a new front, a VC won, a tail gone): the general
 * step reads it for every front each cycle, where the formula's two branches on the
 * front's state were its most mispredicted ones and its read of the front flit a
 * cache miss (+12-16 % on 4-flit packets with the 5-cycle router). */
static inline void refresh_elig(const struct router *r, struct ivc *iv) { iv->elig = elig_of(r, iv); }

static inline uint64_t front_elig(const struct router *r, const struct ivc *iv)
{
    return r->general ? iv->elig : iv->front_ready;
}

/* ---- routing and allocation ---------------------------------------------- */

/* Input VC iv's head wins output VC ov of port o at cycle now. */
static inline void grant_vc(struct router *r, struct ivc *iv, int o, int ov, uint64_t now)
{
    iv->out_port = (int8_t)o;
    iv->out_vc = (uint8_t)ov;
    iv->va_at = now;
    refresh_elig(r, iv);
    r->c.arbitrations++;
}

int router_route(const struct router *r, int dst)
{
    int dy = (int)(((uint64_t)(uint16_t)dst * r->row_magic) >> 32);
    int dx = dst - dy * r->mesh_x;
    if (dx > r->x) return PORT_E;
    if (dx < r->x) return PORT_W;
    if (dy > r->y) return PORT_N;
    if (dy < r->y) return PORT_S;
    return PORT_LOCAL;
}

/* router_route by a table indexed by the signs of the two offsets, for router_step_general:
 * under synthetic traffic every comparison of the chain above is a coin toss that
 * the branch predictor misses (9 % of the general step's mispredictions, uniform
 * traffic), where on the chip, whose spikes follow fixed routes, the chain is
 * predicted and the table's load is the slower (chip engine 3-5 %). */
static inline int route_by_table(const struct router *r, int dst)
{
    static const int8_t xy[3][3] = {
        { PORT_W, PORT_W, PORT_W },         /* dx < x, whatever dy */
        { PORT_S, PORT_LOCAL, PORT_N },     /* dx == x: dy < y, ==, > */
        { PORT_E, PORT_E, PORT_E },         /* dx > x */
    };
    int dy = (int)(((uint64_t)(uint16_t)dst * r->row_magic) >> 32);
    int dx = dst - dy * r->mesh_x;
    return xy[(dx > r->x) - (dx < r->x) + 1][(dy > r->y) - (dy < r->y) + 1];
}

static inline void apply_credits(struct router *r, uint64_t now)
{
    if (now < r->cring_due) return;     /* the step after a traversal, on a 2-cycle credit loop */
    uint64_t due = UINT64_MAX;
    for (unsigned pend = r->cring_mask; pend; pend &= pend - 1) {
        int o = __builtin_ctz(pend);
        uint32_t n = r->cring_count[o];
        struct credit_ret *ring = r->cring + (size_t)o * r->cring_cap;
        uint32_t h = r->cring_head[o];
        while (n && ring[h].at <= now) {
            int v = (int)ring[h].vc;
            r->credits[o * r->nvc + v]++;
            if (r->park_cr[o] >> v & 1) {       /* a front parked on this credit */
                r->park_cr[o] &= ~(1ull << v);
                r->park_block &= ~(1ull << r->park_cr_in[o * r->nvc + v]);
            }
            if (++h == r->cring_cap) h = 0;
            n--;
        }
        r->cring_head[o] = h;
        r->cring_count[o] = n;
        if (!n) r->cring_mask &= ~(1u << o);
        else if (due > ring[h].at) due = ring[h].at;
    }
    r->cring_due = due;
}

/* Round robin over a bit mask: the first bit after `last`, wrapping around, into
 * *v; returns the mask without it. */
static inline uint64_t rr_rotate_next(uint64_t mask, int last, int *v)
{
    uint64_t after = mask & ~((2ull << last) - 1);     /* last = 63: the shift wraps, nothing after */
    uint64_t pick = after ? after : mask;
    *v = __builtin_ctzll(pick);
    return mask & ~(1ull << *v);
}

/* A free output VC of class `cls` at port o, round-robin; -1 if all are held. */
static int grab_output_vc(struct router *r, int o, int cls)
{
    uint64_t free = r->ovc_free[o] & r->class_vcs[cls];
    if (!free) return -1;
    int v;
    rr_rotate_next(free, r->rr_ovc[o], &v);
    r->rr_ovc[o] = (uint8_t)v;
    r->ovc_free[o] &= ~(1ull << v);
    return v;
}

/* iSLIP VC allocation's accept: head `in` takes, of the free VCs of output o granting
 * it (`grants`), the first after the one it accepted last; both pointers move. */
static inline void va_islip_accept(struct router *r, int o, int in, uint64_t grants, uint64_t now)
{
    int ov;
    rr_rotate_next(grants, r->va_aptr[in] == 0xff ? 63 : r->va_aptr[in], &ov);
    grant_vc(r, &r->in[in], o, ov, now);
    r->ovc_free[o] &= ~(1ull << ov);
    r->va_gptr[o][ov] = (uint16_t)in;
    r->va_aptr[in] = (uint8_t)ov;
}

/* A head asking for output o, whose free VCs of its class are `freevc`, may bid for
 * the switch speculatively: one of them has a credit (BookSim2's spec_check_elig,
 * spec_check_cred), or o is the local port. */
static inline int spec_ok(const struct router *r, int o, uint64_t freevc)
{
    if (o == PORT_LOCAL) return 1;
    for (uint64_t fm = freevc; fm; fm &= fm - 1)
        if (r->credits[o * r->nvc + __builtin_ctzll(fm)] > 0) return 1;
    return 0;
}

/* Input VC (p, v) of r holds a flit: its bits in the scan masks. */
static inline void mark_nonempty(struct router *r, int p, int v)
{
    r->nonempty[p] |= 1ull << v;
    r->nonempty_all |= 1ull << ((p * r->nvc + v) & 63);     /* used only when it fits (!scan_wide) */
    r->ports |= 1u << p;
}

/* Inline in traverse: it runs once per flit-hop. */
static inline __attribute__((always_inline)) void accept(struct router *d, int q, int ov, const struct flit *f,
                                                         uint64_t ready, int general)
{
    struct ivc *dv = &d->in[q * d->nvc + ov];
    int at = dv->head + dv->count;
    if (at >= dv->cap) at -= dv->cap;
    dv->slot[at].f = *f;
    dv->slot[at].ready = ready;
    if (dv->count++ == 0) {
        dv->front_ready = ready;
        if (general) refresh_elig(d, dv);
    }
    /* The pipelined model: a body flit may leave `early` cycles before its stamp. */
    if (d->wake > ready - (uint64_t)d->early) d->wake = ready - (uint64_t)d->early;
    mark_nonempty(d, q, ov);
    d->buffered++;
    d->c.buffer_writes++;
}

void router_accept(struct router *d, int q, int ov, const struct flit *f, uint64_t ready)
{
    accept(d, q, ov, f, ready, 1);
}

void router_credit_push(struct router *up, int o, int v, uint64_t at)
{
    uint32_t k = up->cring_head[o] + up->cring_count[o];
    if (k >= up->cring_cap) k -= up->cring_cap;
    up->cring[(size_t)o * up->cring_cap + k] = (struct credit_ret){ at, (uint32_t)v };
    up->cring_count[o]++;
    up->cring_mask |= 1u << o;
    if (up->cring_due > at) up->cring_due = at;
}

/* What input VC iv keeps of a flit gone to output VC ov of port o, sent or dropped by
 * a fault alike: a tail frees the output VC, and heads parked on a VC of o look again
 * (those of another class park again); on a general router the next front's eligibility. */
static inline __attribute__((always_inline)) void departed(struct router *r, struct ivc *iv, int o, int ov, int tail,
                                                           int general)
{
    if (tail) {
        r->ovc_free[o] |= 1ull << ov;
        iv->out_port = -1;
        r->park_block &= ~r->park_vc[o];
        r->park_vc[o] = 0;
    }
    if (general && iv->count) refresh_elig(r, iv);     /* the new front, or the tail's VC released */
}

/* Moves the front flit of input (p, v) across the switch. -2 if the ejection
 * queue cannot grow. A mesh's routers share one configuration: `general` (a
 * constant where this is inlined) is 0 in the default router's step, whose
 * traversals leave ivc.elig alone, here and downstream. */
static inline __attribute__((always_inline)) int traverse(struct router *r, int p, int v, uint64_t now, int general)
{
    struct ivc *iv = &r->in[p * r->nvc + v];
    /* The slot keeps its flit until the next write into this VC: no copy unless a
     * fault changes it. */
    const struct flit *fp = &iv->slot[iv->head].f;
    struct flit hit;
    if (++iv->head == iv->cap) iv->head = 0;
    if (--iv->count == 0) {
        r->nonempty_all &= ~(1ull << ((p * r->nvc + v) & 63));
        if (!(r->nonempty[p] &= ~(1ull << v))) r->ports &= ~(1u << p);
    } else {
        iv->front_ready = iv->slot[iv->head].ready;
    }
    r->ni_full &= p != PORT_LOCAL;      /* a local VC has room again */
    iv->since = now + 1;
    r->buffered--;
    r->c.buffer_reads++;
    r->c.switch_traversals++;
    if (p != PORT_LOCAL) {
        /* The freed slot is a credit for the upstream router's output VC v. */
        router_credit_push(r->nbr[p], opposite(p), v, now + (uint64_t)r->credit_lat[p] + (uint64_t)r->credit_extra);
        r->c.credits++;
    }
    int o = iv->out_port, ov = iv->out_vc;
    if (r->fault && o != PORT_LOCAL && r->c.switch_traversals > r->fault_after) {
        /* Fault injection (mesh_set_fault): the flit leaving now is the victim. */
        int kind = r->fault;
        r->fault = 0;
        if (kind == MESH_FAULT_DROP) {
            r->credits[o * r->nvc + ov]--;  /* sent on the link, never arrives */
            departed(r, iv, o, ov, fp->tail, general);
            return 0;
        }
        hit = *fp;
        if (kind == MESH_FAULT_CORRUPT) hit.dst = (uint16_t)((hit.dst + 1) % r->fault_nodes);
        if (kind == MESH_FAULT_STUCK) r->stalled |= (uint8_t)(1u << o);
        fp = &hit;
    }
    departed(r, iv, o, ov, fp->tail, general);
    if (r->trace) r->trace(r->trace_ctx, now, r->id, p, o, ov, fp);
    if (o == PORT_LOCAL) {
        if (flitq_push(&r->ej, fp)) return -2;
        r->c.flits_ejected++;
        return 0;
    }
    r->credits[o * r->nvc + ov]--;
    struct router *d = r->nbr[o];
    accept(d, opposite(o), ov, fp, now + (uint64_t)r->arrive[o] + (uint64_t)d->pipeline, general);
    if (r->serial >> o & 1) r->link_free[o] = now + r->cycles_per_flit[o];
    r->c.link_ew += (unsigned)o & 1;        /* E and W are the odd ports: no branch on a coin toss */
    r->c.link_ns += ~(unsigned)o & 1;
    return 0;
}

/* The network interface: one flit per cycle into a local input VC of its class. */
static void ni_inject(struct router *r, uint64_t now)
{
    const struct flit *f = &r->src.q[r->src.head];
    struct ivc *loc = r->in + PORT_LOCAL * r->nvc;
    if (r->ni_vc < 0) {
        int cls = f->tclass < TC_COUNT ? f->tclass : TC_CONTROL;
        int k = r->ni_rr;
        for (int n = 0; n < r->vcs; n++) {
            if (++k == r->vcs) k = 0;
            if (loc[cls * r->vcs + k].count < r->depth) {
                r->ni_vc = cls * r->vcs + k;
                r->ni_rr = (uint8_t)k;
                break;
            }
        }
        if (r->ni_vc < 0) {
            r->ni_full = 1;
            return;
        }
    }
    struct ivc *iv = &loc[r->ni_vc];
    if (iv->count >= r->depth) {
        r->ni_full = 1;
        return;
    }
    int at = iv->head + iv->count;
    if (at >= r->depth) at -= r->depth;
    iv->slot[at].f = *f;
    iv->slot[at].ready = now + (uint64_t)r->pipeline;
    if (iv->count++ == 0) {
        iv->front_ready = iv->slot[at].ready;
        refresh_elig(r, iv);
    }
    mark_nonempty(r, PORT_LOCAL, r->ni_vc);
    r->buffered++;
    r->c.buffer_writes++;
    if (f->tail) r->ni_vc = -1;
    struct flit drop;
    flitq_pop(&r->src, &drop);
}

/* The first flit (in port order) that has been ready at the front of its VC for
 * `watchdog` cycles without moving, if any. */
static int find_stuck(struct router *r, uint64_t now)
{
    for (unsigned ports = r->ports; ports; ports &= ports - 1) {
        int p = __builtin_ctz(ports);
        for (uint64_t m = r->nonempty[p]; m; m &= m - 1) {
            int v = __builtin_ctzll(m);
            const struct ivc *iv = &r->in[p * r->nvc + v];
            uint64_t e = front_elig(r, iv);
            uint64_t from = e > iv->since ? e : iv->since;
            if (from <= now && now - from + 1 >= (uint64_t)r->watchdog) {
                r->stuck_port = p;
                r->stuck_vc = v;
                r->stuck_for = now - from + 1;
                return 1;
            }
        }
    }
    return 0;
}

/* The fronts router_step_general scans, in port then VC order: input VC (p, v) at bit
 * p * nvc + v of one mask, when the five ports' VCs fit in 64 bits (up to 12 per
 * port), so that one loop visits them, not one per port (those loops' exits were a
 * third of the step's mispredicted branches); else port by port. */
struct front_iter {
    uint64_t all;
    int p;              /* port by port: the port of `all` */
};

static inline void front_iter_start(const struct router *r, struct front_iter *it)
{
    it->p = 0;
    it->all = r->scan_wide ? r->nonempty[0] : r->nonempty_all & ~r->park_block;
}

static inline int front_iter_next(const struct router *r, struct front_iter *it, int *p, int *v)
{
    if (__builtin_expect(r->scan_wide, 0)) {
        while (!it->all) {
            if (++it->p == PORT_COUNT) return 0;
            it->all = r->nonempty[it->p];
        }
        *p = it->p;
        *v = __builtin_ctzll(it->all);
    } else {
        if (!it->all) return 0;
        int i = __builtin_ctzll(it->all);
        *p = r->scan_port[i];
        *v = i - *p * r->nvc;
    }
    it->all &= it->all - 1;
    return 1;
}

/* ---- parked fronts (struct router) ----------------------------------------- */

/* Front (p, v), eligible since e, asks for nothing until a credit or a VC comes
 * (the two below). */
static inline void park_blocked(struct router *r, int p, int v, uint64_t e)
{
    const struct ivc *iv = &r->in[p * r->nvc + v];
    uint64_t d = max64(e, iv->since) + (uint64_t)r->watchdog - 1;      /* when it would trip the watchdog */
    if (r->park_deadline > d) r->park_deadline = d;
    r->park_block |= 1ull << (p * r->nvc + v);
}

/* ... as it holds output VC (o, ov) and that has no credit. */
static inline void park_on_credit(struct router *r, int p, int v, int o, uint64_t e)
{
    int ov = r->in[p * r->nvc + v].out_vc;
    r->park_cr[o] |= 1ull << ov;
    r->park_cr_in[o * r->nvc + ov] = (uint8_t)(p * r->nvc + v);
    park_blocked(r, p, v, e);
}

/* ... as it is a head and its output o has no free VC of its class. */
static inline void park_on_vc(struct router *r, int p, int v, int o, uint64_t e)
{
    r->park_vc[o] |= 1ull << (p * r->nvc + v);
    park_blocked(r, p, v, e);
}

/* Whether a blocked parked front has been eligible for `watchdog` cycles (find_stuck
 * then says which): park_deadline, which letting fronts out leaves early, made exact. */
static int parked_stuck(struct router *r, uint64_t now)
{
    uint64_t d = UINT64_MAX;
    for (uint64_t m = r->park_block; m; m &= m - 1) {
        const struct ivc *iv = &r->in[__builtin_ctzll(m)];     /* scan bit p * nvc + v: in[] index */
        uint64_t x = max64(front_elig(r, iv), iv->since) + (uint64_t)r->watchdog - 1;
        if (d > x) d = x;
    }
    r->park_deadline = d;
    return now >= d;
}

/* Heads asking for an output VC, per output port, in input-VC order. */
struct va_reqs {
    uint16_t in[PORT_COUNT][PORT_COUNT * ROUTER_MAX_VCS];  /* input VC: port * nvc + vc */
    uint8_t cls[PORT_COUNT][PORT_COUNT * ROUTER_MAX_VCS];
    int n[PORT_COUNT];
    uint64_t asked[PORT_COUNT];     /* per input port: its VCs asking (a grant may let them bid for the switch) */
};

static inline void va_request(struct va_reqs *q, unsigned *outs, int o, int p, int v, int nvc, int cls)
{
    if (!(*outs >> o & 1)) q->n[o] = 0;
    *outs |= 1u << o;
    int k = q->n[o]++;
    q->in[o][k] = (uint16_t)(p * nvc + v);
    q->cls[o][k] = (uint8_t)cls;
    q->asked[p] |= 1ull << v;
}

/* VC allocation: each output port hands its free VCs of the right class to the
 * heads asking for one, in round-robin order from the input VC it served last. */
static void allocate_vcs(struct router *r, struct va_reqs *q, unsigned outs, uint64_t now)
{
    for (; outs; outs &= outs - 1) {
        int o = __builtin_ctz(outs), n = q->n[o], k = 0;
        while (k < n && q->in[o][k] <= r->rr_va[o]) k++;     /* first after the last winner */
        if (k == n) k = 0;
        for (int i = 0; i < n && r->ovc_free[o]; i++, k = k + 1 == n ? 0 : k + 1) {
            int ov = grab_output_vc(r, o, q->cls[o][k]);
            if (ov < 0) continue;
            grant_vc(r, &r->in[q->in[o][k]], o, ov, now);
            r->rr_va[o] = q->in[o][k];
        }
    }
}

/* VC allocation by one iteration of iSLIP (BookSim2's islip VC allocator): each
 * free output VC grants the first head of its class asking for it after the input
 * VC it granted last; each head accepts the first granting VC after the one it
 * accepted last; the two pointers move only on acceptance. A head asks at one
 * output port (XY), so the match is per output port. */
static void allocate_vcs_islip(struct router *r, struct va_reqs *q, unsigned outs, uint64_t now)
{
    for (; outs; outs &= outs - 1) {
        int o = __builtin_ctz(outs), n = q->n[o];
        if (n == 1) {       /* every free VC of its class grants the one head asking */
            va_islip_accept(r, o, q->in[o][0], r->ovc_free[o] & r->class_vcs[q->cls[o][0]], now);
            continue;
        }
        uint64_t g[PORT_COUNT * ROUTER_MAX_VCS], classes = 0;
        for (int k = 0; k < n; k++) {
            g[k] = 0;
            classes |= r->class_vcs[q->cls[o][k]];
        }
        /* A free VC of a class nobody asks for grants nothing: skip it. */
        for (uint64_t fm = r->ovc_free[o] & classes; fm; fm &= fm - 1) {
            int ov = __builtin_ctzll(fm), cls = ov / r->vcs;
            int last = r->va_gptr[o][ov], pick = -1, wrap = -1;
            for (int k = 0; k < n; k++) {
                if (q->cls[o][k] != cls) continue;
                if (q->in[o][k] > last) { pick = k; break; }
                if (wrap < 0) wrap = k;
            }
            if (pick < 0) pick = wrap;
            if (pick >= 0) g[pick] |= 1ull << ov;
        }
        for (int k = 0; k < n; k++) {
            if (!g[k]) continue;
            va_islip_accept(r, o, q->in[o][k], g[k], now);
        }
    }
}

/* The end of every step: the network interface's turn, the router's next wake (a
 * pipelined router's body flit may leave `early` cycles before its stamp; 0 on the
 * default router), and the watchdog. Returns what the step returns. */
static inline int end_step(struct router *r, uint64_t now, uint64_t wake, int maybe_stuck, int sent)
{
    if (r->src.count && !r->ni_full) {
        ni_inject(r, now);
        uint64_t next = r->src.count ? now + 1 : now + (uint64_t)r->pipeline - (uint64_t)r->early;
        if (wake > next) wake = next;
    }
    r->wake = wake;
    if (maybe_stuck && find_stuck(r, now)) return -1;
    return sent;
}

/* router_step of the default router when one input VC, (p, v), holds flits: what
 * the allocators below decide for a single requester, without building their
 * request lists (three steps in four on the chip's mesh). */
static inline int step_one(struct router *r, uint64_t now, int p, int v)
{
    struct ivc *iv = &r->in[p * r->nvc + v];
    uint64_t wake;
    int sent = 0, maybe_stuck = 0;
    if (iv->front_ready > now) {
        wake = iv->front_ready;
    } else {
        wake = now + 1;
        uint64_t from = iv->front_ready > iv->since ? iv->front_ready : iv->since;
        if (now - from + 1 >= (uint64_t)r->watchdog) maybe_stuck = 1;
        if (iv->out_port < 0) {
            const struct flit *f = &iv->slot[iv->head].f;
            int o = router_route(r, f->dst), cls = f->tclass < TC_COUNT ? f->tclass : TC_CONTROL;
            int ov = grab_output_vc(r, o, cls);
            if (ov >= 0) {
                grant_vc(r, iv, o, ov, now);
                r->rr_va[o] = (uint16_t)(p * r->nvc + v);
            }
        }
        int o = iv->out_port;
        if (o >= 0 && !port_blocked(r, o, now) && (o == PORT_LOCAL || r->credits[o * r->nvc + iv->out_vc] > 0)) {
            r->rr_out[o] = (uint8_t)p;
            r->rr_in[p] = (uint8_t)v;
            r->c.arbitrations++;
            if (traverse(r, p, v, now, 0)) return -2;
            if (o != PORT_LOCAL) sent = 1 << o;
        }
    }
    return end_step(r, now, wake, maybe_stuck, sent);
}

static int step_many(struct router *r, uint64_t now);

int router_step_default(struct router *r, uint64_t now)
{
    r->c.steps++;
    apply_credits(r, now);
    unsigned ports = r->ports;
    if (ports && !(ports & (ports - 1))) {
        int p = __builtin_ctz(ports);
        uint64_t m = r->nonempty[p];
        if (!(m & (m - 1))) return step_one(r, now, p, __builtin_ctzll(m));
    }
    return step_many(r, now);
}

/* router_step of the default router when several input VCs hold flits (or none:
 * the interface alone). */
static __attribute__((noinline)) int step_many(struct router *r, uint64_t now)
{
    int maybe_stuck = 0;
    uint64_t wake = UINT64_MAX;     /* when this router next has something to do */

    /* Which fronts are ready, and which of them are heads needing an output VC. */
    struct va_reqs q;
    unsigned va_outs = 0;
    for (unsigned ports = r->ports; ports; ports &= ports - 1) {
        int p = __builtin_ctz(ports);
        for (uint64_t m = r->nonempty[p]; m; m &= m - 1) {
            int v = __builtin_ctzll(m);
            struct ivc *iv = &r->in[p * r->nvc + v];
            if (iv->front_ready > now) {
                if (wake > iv->front_ready) wake = iv->front_ready;
                continue;
            }
            wake = now + 1;     /* moving or blocked: look again next cycle */
            uint64_t from = iv->front_ready > iv->since ? iv->front_ready : iv->since;
            if (now - from + 1 >= (uint64_t)r->watchdog) maybe_stuck = 1;
            if (iv->out_port >= 0) continue;
            const struct flit *f = &iv->slot[iv->head].f;
            int o = router_route(r, f->dst), cls = f->tclass < TC_COUNT ? f->tclass : TC_CONTROL;
            if (!(r->ovc_free[o] & r->class_vcs[cls])) continue;     /* would lose anyway */
            if (!(va_outs >> o & 1)) q.n[o] = 0;
            va_outs |= 1u << o;
            q.in[o][q.n[o]] = (uint16_t)(p * r->nvc + v);
            q.cls[o][q.n[o]++] = (uint8_t)cls;
        }
    }
    if (va_outs) allocate_vcs(r, &q, va_outs, now);

    /* Switch allocation, input first: each input port offers its first VC (round
     * robin from the last winner) that holds an output VC with a credit. */
    int want[PORT_COUNT];
    uint8_t req[PORT_COUNT];        /* per output port: input ports requesting it */
    unsigned outs = 0;              /* output ports with a request */
    for (unsigned ports = r->ports; ports; ports &= ports - 1) {
        int p = __builtin_ctz(ports);
        uint64_t mask = r->nonempty[p];
        int last = r->rr_in[p];
        while (mask) {
            int v;
            mask = rr_rotate_next(mask, last, &v);
            last = v;
            const struct ivc *iv = &r->in[p * r->nvc + v];
            int o = iv->out_port;
            if (iv->front_ready > now || o < 0 || port_blocked(r, o, now)) continue;
            if (o != PORT_LOCAL && r->credits[o * r->nvc + iv->out_vc] <= 0) continue;
            want[p] = v;
            if (!(outs >> o & 1)) req[o] = 0;
            outs |= 1u << o;
            req[o] |= (uint8_t)(1u << p);
            break;
        }
    }

    int sent = 0;
    for (; outs; outs &= outs - 1) {
        int o = __builtin_ctz(outs), in;
        rr_rotate_next(req[o], r->rr_out[o], &in);
        r->rr_out[o] = (uint8_t)in;
        r->rr_in[in] = (uint8_t)want[in];
        r->c.arbitrations++;
        if (traverse(r, in, want[in], now, 0)) return -2;
        if (o != PORT_LOCAL) sent |= 1 << o;
    }
    return end_step(r, now, wake, maybe_stuck, sent);
}

/* What router_step_general's allocators decide for a head at input VC (p, v) asking for
 * a VC at output port o when no other head asks there this cycle: every free VC
 * of its class grants it (iSLIP: it accepts the first after its pointer; round
 * robin: the next free one) and the pointers move as they would. */
static inline void va_alone(struct router *r, uint64_t now, int p, int v, int o)
{
    const int nvc = r->nvc, in = p * nvc + v;
    struct ivc *iv = &r->in[in];
    int cls = iv->slot[iv->head].f.tclass < TC_COUNT ? iv->slot[iv->head].f.tclass : TC_CONTROL;
    if (r->va_islip) {
        va_islip_accept(r, o, in, r->ovc_free[o] & r->class_vcs[cls], now);    /* every free VC of its class grants it */
    } else {
        grant_vc(r, iv, o, grab_output_vc(r, o, cls), now);
        r->rr_va[o] = (uint16_t)in;
    }
}

/* What the switch allocator decides for input VC (p, v) bidding for output port
 * o when no other bid shares its input or its output port: o grants it, it
 * accepts (the pointers move), and it crosses unless it has no credit (a
 * speculative bid without one loses its grant). `spec`: the bid is speculative.
 * Returns -2 (ejection queue full), else 1 if the flit crossed. */
static inline int sa_alone(struct router *r, uint64_t now, int p, int v, int o, int spec, int *sent)
{
    const int nvc = r->nvc;
    struct ivc *iv = &r->in[p * nvc + v];
    if (port_blocked(r, o, now)) return 0;
    if (!spec && (iv->elig > now || (o != PORT_LOCAL && r->credits[o * nvc + iv->out_vc] <= 0))) return 0;
    if (r->islip) r->rr_acc[p] = (uint8_t)o;
    r->rr_out[o] = (uint8_t)p;
    if (o != PORT_LOCAL && r->credits[o * nvc + iv->out_vc] <= 0) return 0;
    r->rr_in[p] = (uint8_t)v;
    r->c.arbitrations++;
    if (traverse(r, p, v, now, 1)) return -2;
    if (o != PORT_LOCAL) *sent |= 1 << o;
    return 1;
}

/* router_step for every router but the default one (collapsed, input first, which
 * router_step runs as it always has): the pipelined model and the iSLIP switch
 * allocator. Same order: credits, VC allocation, switch allocation, traversal,
 * injection. */
int router_step_general(struct router *r, uint64_t now)
{
    r->c.steps++;
    apply_credits(r, now);
    const int nvc = r->nvc;
    const int park = !r->scan_wide && !r->general_only;     /* the test hook's reference parks nothing */
    /* Which fronts may take a step now, when the others may (wake), and which eligible
     * fronts ask an allocator for something: a head for a VC at an output with a free
     * VC of its class (VA: the request lists q), a front holding a VC for the switch
     * when that VC has a credit (SA: held), and with VA || SA a head for both (spec,
     * when a free VC of its class has a credit). Those that ask nothing move no
     * pointer. */
    uint64_t wake = UINT64_MAX;
    unsigned va_out = 0, va_multi = 0, sa_in = 0, sa_out = 0, sa_ports = 0;
    struct va_reqs q;
    uint64_t held[PORT_COUNT], spec[PORT_COUNT];
    int8_t spec_out[PORT_COUNT][ROUTER_MAX_VCS];
    int n_elig = 0, n_req = 0, crossed = r->general_only, maybe_stuck = 0;
    uint64_t oldest = UINT64_MAX;       /* the longest-waiting eligible front's wait starts (watchdog) */
    int8_t va_by[PORT_COUNT][2], sa_by[PORT_COUNT][2];  /* (p, v) asking at output o, when unique */
    for (int p = 0; p < PORT_COUNT; p++) held[p] = spec[p] = q.asked[p] = 0;
    struct front_iter it;
    front_iter_start(r, &it);
    for (int p, v; front_iter_next(r, &it, &p, &v);) {
        {
            const struct ivc *iv = &r->in[p * nvc + v];
            uint64_t e = iv->elig;
            if (e > now) {
                if (wake > e) wake = e;
                continue;
            }
            uint64_t from = max64(e, iv->since);   /* eligible and unmoved since */
            if (oldest > from) oldest = from;
            n_elig++;
            int o = iv->out_port;
            if (o < 0) {
                const struct flit *f = &iv->slot[iv->head].f;
                int cls = f->tclass < TC_COUNT ? f->tclass : TC_CONTROL;
                o = route_by_table(r, f->dst);
                uint64_t freevc = r->ovc_free[o] & r->class_vcs[cls];
                if (!freevc) {
                    if (park) park_on_vc(r, p, v, o, e);
                    continue;
                }
                /* Heads asking at one output share its VCs: the VC allocator decides
                 * between them, in input VC order. */
                va_multi |= va_out & (1u << o);
                va_request(&q, &va_out, o, p, v, nvc, cls);
                va_by[o][0] = (int8_t)p;
                va_by[o][1] = (int8_t)v;
                n_req++;
                sa_ports |= 1u << p;
                if (r->speculative && spec_ok(r, o, freevc)) {
                    spec[p] |= 1ull << v;
                    spec_out[p][v] = (int8_t)o;
                }
                if (r->va_cycles) continue;     /* its switch bid comes a cycle after its VC */
                crossed |= (int)(va_multi >> o) & 1;    /* VA || SA: its bid depends on the VA */
            } else if (port_blocked(r, o, now)) {
                continue;
            } else if (o != PORT_LOCAL && r->credits[o * nvc + iv->out_vc] <= 0) {
                if (park) park_on_credit(r, p, v, o, e);
                continue;
            } else {
                n_req++;
                held[p] |= 1ull << v;
                sa_ports |= 1u << p;
            }
            crossed |= (int)((sa_in >> p) | (sa_out >> o)) & 1;
            sa_in |= 1u << p;
            sa_out |= 1u << o;
            sa_by[o][0] = (int8_t)p;
            sa_by[o][1] = (int8_t)v;
        }
    }
    if (n_elig && now - oldest + 1 >= (uint64_t)r->watchdog) maybe_stuck = 1;
    if (n_elig > n_req) wake = now + 1;     /* eligible but blocked (or not sorted): look again next cycle */
    if (r->park_block) {
        wake = now + 1;                     /* eligible, as when they were scanned */
        if (now >= r->park_deadline && parked_stuck(r, now)) maybe_stuck = 1;
    }
    if (!crossed) {
        /* No two bids for the switch share an input or an output port (nor, with
         * VA || SA, two heads an output): VC allocation first (a head alone at its
         * output is granted directly), then each bid is served alone, in output port
         * order as the traversals below. Outputs own disjoint allocator state, so
         * their order does not matter. */
        int sent = 0, spec_at = 0;      /* bit o: the bid at output o is speculative */
        for (unsigned outs = va_out & ~va_multi; outs; outs &= outs - 1) {
            int o = __builtin_ctz(outs), p = va_by[o][0], v = va_by[o][1];
            va_alone(r, now, p, v, o);
            spec_at |= (int)(spec[p] >> v & 1) << o;
        }
        if (va_multi) {
            if (r->va_islip) allocate_vcs_islip(r, &q, va_multi, now);
            else allocate_vcs(r, &q, va_multi, now);
        }
        if (va_out && r->va_cycles) wake = now + 1;     /* the heads' switch bids, next cycle */
        for (unsigned outs = sa_out; outs; outs &= outs - 1) {
            int o = __builtin_ctz(outs), p = sa_by[o][0], v = sa_by[o][1];
            int moved = sa_alone(r, now, p, v, o, spec_at >> o & 1, &sent);
            if (moved < 0) return moved;
            const struct ivc *iv = &r->in[p * nvc + v];
            /* Moved: the next front is at least a cycle away (it became the front after now). */
            uint64_t e = !moved ? now + 1 : iv->count ? iv->elig : UINT64_MAX;
            if (wake > e) wake = e;
        }
        return end_step(r, now, wake, maybe_stuck, sent);
    }
    wake = now + 1;

    if (va_out) {
        if (r->va_islip) allocate_vcs_islip(r, &q, va_out, now);
        else allocate_vcs(r, &q, va_out, now);
    }

    /* Switch requests: per input port and output port, the first VC in round-robin
     * order from the input's last winner; a VC that holds its output VC (non-
     * speculative) before a speculative one, as BookSim2's "prio" speculation. */
    int8_t cand[PORT_COUNT][PORT_COUNT];
    uint8_t cspec[PORT_COUNT][PORT_COUNT];
    uint8_t req[PORT_COUNT] = { 0 };        /* per output: input ports requesting it */
    uint8_t inreq[PORT_COUNT] = { 0 };      /* per input: output ports it requests */
    unsigned req_outs = 0;                  /* bit o: req[o] != 0 (the loops below visit only those) */
    for (; sa_ports; sa_ports &= sa_ports - 1) {
        int p = __builtin_ctz(sa_ports);
        /* The VCs the round robin would not skip: speculative bids, eligible fronts
         * holding an output VC, and heads that asked for one now when a grant may be
         * used this cycle (speculative VA || SA; otherwise SA comes a cycle after VA). */
        uint64_t mask = spec[p] | held[p] | (r->va_cycles ? 0 : q.asked[p]);
        int last = r->rr_in[p], best = -1, best_spec = 1;
        while (mask) {
            int v;
            mask = rr_rotate_next(mask, last, &v);
            last = v;
            const struct ivc *iv = &r->in[p * nvc + v];
            int o, is_spec = 0;
            if (spec[p] >> v & 1) {
                o = spec_out[p][v];
                is_spec = 1;
            } else {
                o = iv->out_port;
                if (o < 0 || iv->elig > now) continue;
                if (o != PORT_LOCAL && r->credits[o * nvc + iv->out_vc] <= 0) continue;
            }
            if (port_blocked(r, o, now)) continue;
            if (!(inreq[p] >> o & 1) || (cspec[p][o] && !is_spec)) {
                cand[p][o] = (int8_t)v;
                cspec[p][o] = (uint8_t)is_spec;
            }
            inreq[p] |= (uint8_t)(1u << o);
            if (best < 0 || (best_spec && !is_spec)) {
                best = o;
                best_spec = is_spec;
            }
        }
        if (best < 0) continue;
        if (r->islip) {
            for (unsigned os = inreq[p]; os; os &= os - 1) req[__builtin_ctz(os)] |= (uint8_t)(1u << p);
            req_outs |= inreq[p];
        } else {
            req[best] |= (uint8_t)(1u << p);
            req_outs |= 1u << best;
        }
    }

    int grant_in[PORT_COUNT];               /* per output: the input port it serves */
    unsigned granted = 0;                   /* bit o: output o serves grant_in[o] */
    if (r->islip) {
        /* One iteration of iSLIP: each output grants the first requesting input
         * after its pointer, each input accepts the first granting output after
         * its pointer; both pointers move past the pair only when it is accepted. */
        uint8_t grants[PORT_COUNT] = { 0 };
        unsigned granted_ins = 0;
        for (unsigned os = req_outs; os; os &= os - 1) {
            int o = __builtin_ctz(os), g;
            rr_rotate_next(req[o], r->rr_out[o], &g);
            grants[g] |= (uint8_t)(1u << o);
            granted_ins |= 1u << g;
        }
        for (; granted_ins; granted_ins &= granted_ins - 1) {
            int p = __builtin_ctz(granted_ins), o;
            rr_rotate_next(grants[p], r->rr_acc[p], &o);
            r->rr_acc[p] = (uint8_t)o;
            r->rr_out[o] = (uint8_t)p;
            grant_in[o] = p;
            granted |= 1u << o;
        }
    } else {
        for (unsigned os = req_outs; os; os &= os - 1) {
            int o = __builtin_ctz(os), in;
            rr_rotate_next(req[o], r->rr_out[o], &in);
            r->rr_out[o] = (uint8_t)in;
            grant_in[o] = in;
        }
        granted = req_outs;
    }

    int sent = 0;
    for (; granted; granted &= granted - 1) {
        int o = __builtin_ctz(granted), in = grant_in[o];
        int v = cand[in][o];
        const struct ivc *iv = &r->in[in * nvc + v];
        /* A speculative grant is lost when the VC allocation failed, or gave a VC
         * without a credit. */
        if (iv->out_port != o || (o != PORT_LOCAL && r->credits[o * nvc + iv->out_vc] <= 0)) continue;
        r->rr_in[in] = (uint8_t)v;
        r->c.arbitrations++;
        if (traverse(r, in, v, now, 1)) return -2;
        if (o != PORT_LOCAL) sent |= 1 << o;
    }
    return end_step(r, now, wake, maybe_stuck, sent);
}

/* ---- inspection ------------------------------------------------------------ */

uint64_t router_front_elig(const struct router *r, int k) { return elig_of(r, &r->in[k]); }

int router_credits_in_flight(const struct router *r, int o, int v, uint64_t now)
{
    int n = 0;
    const struct credit_ret *ring = r->cring + (size_t)o * r->cring_cap;
    for (uint32_t i = 0, h = r->cring_head[o]; i < r->cring_count[o]; i++) {
        if (ring[h].vc == (uint32_t)v && ring[h].at > now) n++;
        if (++h == r->cring_cap) h = 0;
    }
    return n;
}

int router_credits(const struct router *r, int o, int v, uint64_t now)
{
    int n = r->credits[o * r->nvc + v];
    const struct credit_ret *ring = r->cring + (size_t)o * r->cring_cap;
    for (uint32_t i = 0, h = r->cring_head[o]; i < r->cring_count[o]; i++) {
        if (ring[h].vc == (uint32_t)v && ring[h].at <= now) n++;
        if (++h == r->cring_cap) h = 0;
    }
    return n;
}

void router_describe(const struct router *r, uint64_t now, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "(%d,%d) flits buffered (of %d per port)", r->x, r->y, r->nvc * r->depth);
    for (int p = 0; p < PORT_COUNT && k < n; p++) {
        int occ = 0;
        for (int v = 0; v < r->nvc; v++) occ += r->in[p * r->nvc + v].count;
        k += (size_t)snprintf(buf + k, n - k, " %s:%d", router_port_name[p], occ);
    }
    if (k < n) k += (size_t)snprintf(buf + k, n - k, ", credits");
    for (int o = 0; o < 4 && k < n; o++) {
        if (!r->nbr[o]) continue;
        int c = 0;
        for (int v = 0; v < r->nvc; v++) c += router_credits(r, o, v, now);
        k += (size_t)snprintf(buf + k, n - k, " %s:%d", router_port_name[o], c);
    }
    if (k < n && r->src.count) snprintf(buf + k, n - k, ", %u queued at the interface", r->src.count);
}
