/* A router with its links cut open (see router_io.h). Arrivals and credits go
 * into the router's buffers and credit ring the way traverse() in router.c puts
 * them there in a mesh; departures are taken back out of the stub neighbours. */
#include "router_io.h"
#include "router_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int opposite(int port) { return (port + 2) & 3; }

int router_io_init(struct router_io *p, int x, int y, int mesh_x, const struct router_cfg *rc, char *err,
                     size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (router_init(&p->r, x, y, mesh_x, rc, err, errlen)) return -1;
    for (int o = 0; o < 4; o++) {
        if (router_init(&p->stub[o], x, y, mesh_x, rc, err, errlen)) {
            router_io_free(p);
            return -1;
        }
        p->r.nbr[o] = &p->stub[o];
        p->stub[o].nbr[opposite(o)] = &p->r;
    }
    p->ring = rc->link_latency + 1;
    p->flits = calloc(4 * (size_t)p->ring, sizeof *p->flits);
    p->credits = calloc(4 * (size_t)p->ring, sizeof *p->credits);
    if (!p->flits || !p->credits) {
        snprintf(err, errlen, "router_io: out of memory");
        router_io_free(p);
        return -1;
    }
    return 0;
}

void router_io_free(struct router_io *p)
{
    router_free(&p->r);
    for (int o = 0; o < 4; o++) router_free(&p->stub[o]);
    free(p->flits);
    free(p->credits);
    memset(p, 0, sizeof *p);
}

int router_io_inject(struct router_io *p, const struct flit *f)
{
    return router_inject(&p->r, f, p->now);
}

/* A flit arriving on input link `port` now: into the buffer, ready `pipeline` later. */
static int arrive(struct router_io *p, int port, int v, const struct flit *f, char *err, size_t errlen)
{
    struct router *r = &p->r;
    struct ivc *iv = &r->in[port * r->nvc + v];
    if (v >= r->nvc || iv->count >= r->depth) {
        snprintf(err, errlen, "router_io: cycle %llu: flit into input %s vc %d holding %u of %d slots",
                 (unsigned long long)p->now, router_port_name[port], v, v < r->nvc ? iv->count : 0, r->depth);
        return -1;
    }
    router_accept(r, port, v, f, p->now + (uint64_t)r->pipeline);
    return 0;
}

/* A credit arriving on output link o now: into the ring, applied by this step. */
static int credit_in(struct router_io *p, int o, int v, char *err, size_t errlen)
{
    struct router *r = &p->r;
    if (v >= r->nvc || router_credits(r, o, v, p->now) >= r->depth ||
        r->cring_count[o] >= r->cring_cap) {
        snprintf(err, errlen, "router_io: cycle %llu: credit for output %s vc %d, which has every slot free",
                 (unsigned long long)p->now, router_port_name[o], v);
        return -1;
    }
    router_credit_push(r, o, v, p->now);
    return 0;
}

/* The flit the router put into stub o's buffer this cycle, if any, onto link o. */
static void take_flit(struct router_io *p, int o)
{
    struct router *d = &p->stub[o];
    int q = opposite(o);
    for (int v = 0; v < d->nvc; v++) {
        struct ivc *dv = &d->in[q * d->nvc + v];
        if (!dv->count) continue;
        struct router_io_wire *w = &p->flits[o * p->ring + (int)((p->now + (uint64_t)(p->ring - 1)) % (uint64_t)p->ring)];
        w->valid = 1;
        w->vc = (uint8_t)v;
        w->f = dv->slot[dv->head].f;
        dv->count = 0;
        dv->head = 0;
    }
    d->nonempty[q] = 0;
    d->nonempty_all = 0;
    d->ports = 0;
    d->buffered = 0;
}

/* The credit the router sent upstream through input link `port` this cycle. */
static void take_credit(struct router_io *p, int port)
{
    struct router *up = &p->stub[port];
    int o = opposite(port);
    while (up->cring_count[o]) {
        const struct credit_ret *c = &up->cring[(size_t)o * up->cring_cap + up->cring_head[o]];
        struct router_io_wire *w = &p->credits[port * p->ring + (int)(c->at % (uint64_t)p->ring)];
        w->valid = 1;
        w->vc = (uint8_t)c->vc;
        if (++up->cring_head[o] == up->cring_cap) up->cring_head[o] = 0;
        up->cring_count[o]--;
    }
    up->cring_mask = 0;
}

int router_io_step(struct router_io *p, const struct router_io_in *in, struct router_io_out *out,
                     char *err, size_t errlen)
{
    struct router *r = &p->r;
    for (int o = 0; o < 4; o++) {
        if (in->valid[o] && arrive(p, o, in->vc[o], &in->flit[o], err, errlen)) return -1;
        if (in->credit[o] && credit_in(p, o, in->credit_vc[o], err, errlen)) return -1;
    }
    memset(out, 0, sizeof *out);
    /* Every cycle, whatever router.wake says: a step before it is a no-op (router.h),
     * and credits are then applied in the cycle they arrive, as the RTL does. */
    int sent = router_step(r, p->now);
    if (sent == -2) {
        snprintf(err, errlen, "router_io: cycle %llu: out of memory growing the ejection queue",
                 (unsigned long long)p->now);
        return -1;
    }
    if (sent == -1) {
        out->stuck = 1;
        out->stuck_port = (uint8_t)r->stuck_port;
        out->stuck_vc = (uint8_t)r->stuck_vc;
    }
    out->ej_valid = (uint8_t)flitq_pop(&r->ej, &out->ej);
    int next = (int)((p->now + 1) % (uint64_t)p->ring);
    for (int o = 0; o < 4; o++) {
        take_flit(p, o);
        take_credit(p, o);
        struct router_io_wire *w = &p->flits[o * p->ring + next];
        if (w->valid) {
            out->valid[o] = 1;
            out->vc[o] = w->vc;
            out->flit[o] = w->f;
            w->valid = 0;
        }
        w = &p->credits[o * p->ring + next];
        if (w->valid) {
            out->credit[o] = 1;
            out->credit_vc[o] = w->vc;
            w->valid = 0;
        }
    }
    p->now++;
    return 0;
}

int router_io_ready(const struct router_io *p, int port, int v, uint64_t by)
{
    const struct router *r = &p->r;
    const struct ivc *iv = &r->in[port * r->nvc + v];
    int n = 0;
    for (int i = 0, h = iv->head; i < iv->count; i++, h = h + 1 == r->depth ? 0 : h + 1)
        if (iv->slot[h].ready <= by) n++;
    return n;
}
