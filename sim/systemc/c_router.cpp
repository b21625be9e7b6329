// models/router.c as a SystemC module (see router_node.h): at each edge of the
// network clock it takes the flits and credits on its input links and the flits
// waiting at the network interface, steps the unchanged C router through
// router_io, and drives its output links and the ejection queue with what the
// RTL's registered outputs would show.
#include "router_node.h"

extern "C" {
#include "router_io.h"
}

#include <cstdio>
#include <utility>

#ifdef PLANT_SC_LINK_DELAY
#include <array>
#include <map>
// The flit each link holds back (kept outside the class: the planted object links
// against modules compiled without the bug, so the class layout must not change).
static std::map<const void *, std::array<link_flit, 4>> held;
#endif

static void on_traverse(void *ctx, uint64_t, int, int, int out_port, int, const struct flit *)
{
    static_cast<router_node *>(ctx)->sent |= 1u << out_port;
}

c_router::c_router(sc_core::sc_module_name name, int x, int y, int mesh_x, const struct router_cfg *rc, char *err,
                   size_t errlen, int *failed)
    : router_node(name, x, y), mesh_x_(mesh_x), rc_(*rc)
{
    *failed = router_io_init(&io_, x, y, mesh_x, rc, err, errlen) != 0;
    io_.r.trace = on_traverse;
    io_.r.trace_ctx = static_cast<router_node *>(this);
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
}

c_router::~c_router() { router_io_free(&io_); }

// A reset edge: the router as router_io_init leaves it (the NoC benchmark resets
// the network between rate points, as the native one builds a new mesh).
void c_router::restart()
{
    char err[256];
    router_io_free(&io_);
    if (router_io_init(&io_, x, y, mesh_x_, &rc_, err, sizeof err)) {
        fault = err;
        return;
    }
    io_.r.trace = on_traverse;
    io_.r.trace_ctx = static_cast<router_node *>(this);
    // Its output registers clear too: a credit still on its way home when the
    // network emptied must not reach the reset neighbour.
    for (int p = 0; p < 4; p++) {
        out[p].write(link_flit());
        in_credit[p].write(link_credit());
    }
    quiet_ = true;
    sent = 0;
    fault.clear();
#ifdef PLANT_SC_LINK_DELAY
    held.erase(this);
#endif
}

void c_router::tick()
{
    if (!rst_n.read()) {
        restart();
        return;
    }
    struct router_io_in in = {};
    for (int p = 0; p < 4; p++) {
        const link_flit &l = this->in[p].read();
        if (l.valid) {
            in.valid[p] = 1;
            in.vc[p] = l.vc;
            in.flit[p] = l.f;
        }
        const link_credit &c = out_credit[p].read();
        if (c.valid) {
            in.credit[p] = 1;
            in.credit_vc[p] = c.vc;
        }
    }
    // Nothing arriving, nothing here, nothing on its links: the step would be a
    // no-op (router.h: as the mesh skips such routers), only the clock moves on.
    bool arriving = inject->size() > 0;
    for (int p = 0; p < 4; p++) arriving |= in.valid[p] || in.credit[p];
    if (!arriving && quiet_ && !router_has_work(&io_.r) && links_empty()) {
        io_.now++;
        sent = 0;
        return;
    }
    char err[512];
    struct flit f;
    while (inject->pop(f))
        if (router_io_inject(&io_, &f)) fault = "out of memory queuing at the network interface";
    sent = 0;
    struct router_io_out o;
    if (router_io_step(&io_, &in, &o, err, sizeof err)) {
        fault = err;
        return;
    }
    if (o.stuck) {
        char d[400];
        router_describe(&io_.r, io_.now, d, sizeof d);
        snprintf(err, sizeof err, "watchdog: network cycle %llu: router (%d,%d): the flit at input %s vc %d has not "
                 "moved for %llu cycles; router %s", (unsigned long long)io_.now - 1, x, y,
                 router_port_name[o.stuck_port], o.stuck_vc, (unsigned long long)io_.r.stuck_for, d);
        fault = err;
    }
    if (o.ej_valid) eject->push(o.ej);
    quiet_ = true;
    for (int p = 0; p < 4; p++) {
        link_flit l;
        l.valid = o.valid[p];
        l.vc = o.vc[p];
        if (l.valid) l.f = o.flit[p];
#ifdef PLANT_SC_LINK_DELAY
        // Planted bug (tests): every link holds its flit one cycle longer than the
        // RTL's registers do; the equality with the native engine must fail.
        std::swap(l, held[this][p]);
        quiet_ = quiet_ && !held[this][p].valid;
#endif
        out[p].write(l);
        link_credit c;
        c.valid = o.credit[p];
        c.vc = o.credit_vc[p];
        in_credit[p].write(c);
        quiet_ = quiet_ && !l.valid && !c.valid;
    }
}

bool c_router::links_empty() const
{
    for (int i = 0; i < 4 * io_.ring; i++)
        if (io_.flits[i].valid || io_.credits[i].valid) return false;
    return true;
}

void c_router::state(uint32_t occupancy[5], int32_t credits[4]) const
{
    const struct router *r = &io_.r;
    for (int p = 0; p < PORT_COUNT; p++) {
        occupancy[p] = 0;
        for (int v = 0; v < r->nvc; v++) occupancy[p] += r->in[p * r->nvc + v].count;
    }
    for (int o = 0; o < 4; o++) {
        credits[o] = 0;
        for (int v = 0; v < r->nvc; v++) credits[o] += r->credits[o * r->nvc + v];
    }
}
