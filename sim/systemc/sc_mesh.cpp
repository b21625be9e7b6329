// See sc_mesh.h.
#include "sc_mesh.h"

#include <cstdio>
#include <cstring>

extern "C" {
#include "config.h"
}

using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

static int opposite(int port) { return (port + 2) & 3; }

// Does chip.rtl ask for the router at node (x, y)?
static bool router_is_rtl(const struct chip_cfg *ch, int x, int y)
{
    char one[32];
    snprintf(one, sizeof one, "router_%d_%d", x, y);
    for (int i = 0; i < ch->n_rtl; i++)
        if (!strcmp(ch->rtl[i], "router") || !strcmp(ch->rtl[i], one)) return true;
    return false;
}

sc_mesh::sc_mesh(sc_core::sc_module_name name, const struct config *cfg, int mx, int my, char *err, size_t errlen,
                 int *failed)
    : sc_core::sc_module(name), mesh_x(mx), mesh_y(my), cfg_(cfg)
{
    *failed = 0;
    const int nodes = mesh_x * mesh_y;
    const struct chip_cfg *ch = &cfg->chip;
    char n[64];
    for (int i = 0; i < nodes; i++) {
        snprintf(n, sizeof n, "inject_%d", i);
        inject.push_back(new flit_queue(n));
        snprintf(n, sizeof n, "eject_%d", i);
        eject.push_back(new flit_queue(n));
    }
    for (int i = 0; i < nodes; i++)
        for (int o = 0; o < 4; o++) {
            snprintf(n, sizeof n, "link_%d_%d_%s", i % mesh_x, i / mesh_x, router_port_name[o]);
            links_.push_back(new link(n));
            snprintf(n, sizeof n, "edge_%d_%d_%s", i % mesh_x, i / mesh_x, router_port_name[o]);
            edge_.push_back(new link(n));
        }
    for (int i = 0; i < nodes && !*failed; i++) {
        int x = i % mesh_x, y = i / mesh_x;
        snprintf(n, sizeof n, "router_%d_%d", x, y);
        router_node *r;
        if (router_is_rtl(ch, x, y)) {
            r = rtl_router_new(n, x, y, mesh_x, mesh_y, &ch->router, err, errlen);
            if (!r) {
                char where[300], msg[600];
                snprintf(msg, sizeof msg, "%s: chip.rtl: %s", config_where(cfg, "chip.rtl", where, sizeof where), err);
                snprintf(err, errlen, "%s", msg);
                *failed = 1;
                return;
            }
            rtl_.push_back(r);
        } else {
            r = new c_router(n, x, y, mesh_x, &ch->router, err, errlen, failed);
        }
        routers.push_back(r);
    }
    if (*failed) return;
    for (int i = 0; i < nodes; i++) {
        router_node *r = routers[i];
        int x = i % mesh_x, y = i / mesh_x;
        int nbr[4] = { y + 1 < mesh_y ? i + mesh_x : -1, x + 1 < mesh_x ? i + 1 : -1, y > 0 ? i - mesh_x : -1,
                       x > 0 ? i - 1 : -1 };
        r->clk(clk_);
        r->rst_n(rst_n_);
        for (int p = 0; p < 4; p++) {
            link *up = nbr[p] >= 0 ? links_[nbr[p] * 4 + opposite(p)] : edge_[i * 4 + p];
            r->in[p](up->flit);
            r->in_credit[p](up->credit);
            r->out[p](links_[i * 4 + p]->flit);
            r->out_credit[p](links_[i * 4 + p]->credit);
        }
        r->inject(*inject[i]);
        r->eject(*eject[i]);
    }
}

// The network clock, and in the same delta the clocks RTL routers gate themselves.
void sc_mesh::clock(bool level)
{
    clk_.write(level);
    for (router_node *r : rtl_) r->clock(level);
}

void sc_mesh::reset()
{
    rst_n_.write(false);
    wait(SC_ZERO_TIME);     // low before the first edge: an RTL router that gated itself takes it
    for (int i = 0; i < 2; i++) {
        clock(true);
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
        clock(false);
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
    }
    rst_n_.write(true);
    wait(SC_ZERO_TIME);
    cycles_ = 0;
    popped_seen_ = books.popped;
    delivered_at_ = 0;
}

void sc_mesh::cycle()
{
    clock(true);
    if (!rtl_.empty()) {
        wait(sc_core::sc_time(0.25, SC_NS));
        clock(false);
    } else {
        wait(SC_ZERO_TIME);     // C routers act in the delta after the edge
        clock(false);
    }
    wait(SC_ZERO_TIME);
    wait(SC_ZERO_TIME);
    cycles_++;
}

bool sc_mesh::failed(std::string &why) const
{
    for (router_node *r : routers)
        if (!r->fault.empty()) {
            why = r->fault;
            return true;
        }
    return false;
}

// The routers' watchdogs count cycles a ready flit waits; a router that stops
// being clocked (an RTL router's gating gone wrong) counts nothing and would hang
// the run. So the network as a whole must deliver a flit at least once per
// watchdog period while any is in flight (a healthy one delivers far more often:
// a flit blocked that long trips its router's watchdog first).
bool sc_mesh::stalled(std::string &why)
{
    if (books.popped != popped_seen_ || books.injected == books.popped) {
        popped_seen_ = books.popped;
        delivered_at_ = cycles_;
        return false;
    }
    int64_t quiet = (int64_t)(cycles_ - delivered_at_);
    if (quiet < cfg_->chip.router.watchdog_cycles) return false;
    char e[900];
    int k = snprintf(e, sizeof e, "network cycle %llu: no flit delivered for %lld cycles with %llu in flight; held at",
                     (unsigned long long)cycles_, (long long)quiet,
                     (unsigned long long)(books.injected - books.popped));
    int shown = 0;
    for (router_node *r : routers) {
        uint32_t occ[5];
        int32_t cred[4];
        r->state(occ, cred);
        uint32_t held = occ[0] + occ[1] + occ[2] + occ[3] + occ[4];
        if (!held || k >= (int)sizeof e - 40) continue;
        k += snprintf(e + k, sizeof e - (size_t)k, "%s router (%d,%d)%s: %u", shown++ ? "," : "", r->x, r->y,
                      r->is_rtl() ? " RTL" : "", held);
    }
    if (!shown) snprintf(e + k, sizeof e - (size_t)k, " no router (on a link or in a queue)");
    why = e;
    return true;
}

bool sc_mesh::drained(std::string &why) const
{
    const struct router_cfg *rc = &cfg_->chip.router;
    const int32_t full = rc->buffer_depth * rc->vcs * TC_COUNT;
    for (router_node *r : routers) {
        uint32_t occ[5];
        int32_t cred[4];
        r->state(occ, cred);
        const bool has[4] = { r->y + 1 < mesh_y, r->x + 1 < mesh_x, r->y > 0, r->x > 0 };
        for (int p = 0; p < 5; p++) {
            // A credit may still be on its way home (a link's last cycle): at most full.
            bool bad = occ[p] != 0 || (p < 4 && has[p] && (cred[p] < 0 || cred[p] > full));
            if (!bad) continue;
            char e[300];
            snprintf(e, sizeof e, "network cycle %llu: router (%d,%d)%s port %s holds %u flits and %d of %d credits "
                     "with the network empty", (unsigned long long)cycles_, r->x, r->y, r->is_rtl() ? " RTL" : "",
                     router_port_name[p], occ[p], p < 4 ? cred[p] : 0, full);
            why = e;
            return false;
        }
    }
    return true;
}

const struct mesh_counters *sc_mesh::counters()
{
    memset(&sum_, 0, sizeof sum_);
    for (const router_node *r : routers) router_counters_fold(&sum_, &r->counters());
    sum_.cycles_active = cycles_;
    return &sum_;
}

uint64_t sc_mesh::router_steps() const
{
    uint64_t n = 0;
    for (const router_node *r : routers) n += r->counters().steps;
    return n;
}
