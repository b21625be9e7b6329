// See chip_top.h.
#include "chip_top.h"

#include <cstdio>
#include <cstring>

extern "C" {
#include "config.h"
}

using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;
using sc_core::sc_time;

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

chip_top::chip_top(sc_core::sc_module_name name, struct chip *chip, char *err, size_t errlen, int *failed)
    : sc_core::sc_module(name), c(chip)
{
    *failed = 0;
    const int nodes = c->mesh_x * c->mesh_y;
    const struct chip_cfg *ch = &c->cfg->chip;
    char n[64];
    for (int i = 0; i < nodes; i++) {
        snprintf(n, sizeof n, "inject_%d", i);
        inject_.push_back(new flit_queue(n));
        snprintf(n, sizeof n, "eject_%d", i);
        eject_.push_back(new flit_queue(n));
        snprintf(n, sizeof n, "loop_%d", i);
        loop_.push_back(new flit_queue(n));
    }
    for (int i = 0; i < nodes; i++)
        for (int o = 0; o < 4; o++) {
            snprintf(n, sizeof n, "link_%d_%d_%s", i % c->mesh_x, i / c->mesh_x, router_port_name[o]);
            links_.push_back(new link(n));
            snprintf(n, sizeof n, "edge_%d_%d_%s", i % c->mesh_x, i / c->mesh_x, router_port_name[o]);
            edge_.push_back(new link(n));
        }
    for (int i = 0; i < nodes && !*failed; i++) {
        int x = i % c->mesh_x, y = i / c->mesh_x;
        snprintf(n, sizeof n, "router_%d_%d", x, y);
        router_node *r;
        if (router_is_rtl(ch, x, y)) {
            r = rtl_router_new(n, x, y, c->mesh_x, c->mesh_y, &ch->router, err, errlen);
            if (!r) {
                char where[300], msg[600];
                snprintf(msg, sizeof msg, "%s: chip.rtl: %s", config_where(c->cfg, "chip.rtl", where, sizeof where),
                         err);
                snprintf(err, errlen, "%s", msg);
                *failed = 1;
                return;
            }
        } else {
            r = new c_router(n, x, y, c->mesh_x, &ch->router, err, errlen, failed);
        }
        routers_.push_back(r);
    }
    if (*failed) return;
    for (int i = 0; i < nodes; i++) {
        router_node *r = routers_[i];
        int x = i % c->mesh_x, y = i / c->mesh_x;
        int nbr[4] = { y + 1 < c->mesh_y ? i + c->mesh_x : -1, x + 1 < c->mesh_x ? i + 1 : -1,
                       y > 0 ? i - c->mesh_x : -1, x > 0 ? i - 1 : -1 };
        r->clk(noc_clk_);
        r->rst_n(rst_n_);
        for (int p = 0; p < 4; p++) {
            link *up = nbr[p] >= 0 ? links_[nbr[p] * 4 + opposite(p)] : edge_[i * 4 + p];
            r->in[p](up->flit);
            r->in_credit[p](up->credit);
            r->out[p](links_[i * 4 + p]->flit);
            r->out_credit[p](links_[i * 4 + p]->credit);
        }
        r->inject(*inject_[i]);
        r->eject(*eject_[i]);
    }
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        snprintf(n, sizeof n, "core_%d_%d", q->node % c->mesh_x, q->node / c->mesh_x);
        core_module *m = new core_module(n, c, q, &books_);
        m->clk(clk_);
        m->to_net(*inject_[q->node]);
        m->from_net(*eject_[q->node]);
        m->loop(*loop_[q->node]);
        cores_.push_back(m);
    }
    for (router_node *r : routers_)
        if (r->is_rtl()) rtl_.push_back(r);
    n_rtl_ = (int)rtl_.size();
    SC_THREAD(controller);
}

int chip_top::rtl_routers() const
{
    int n = 0;
    for (const router_node *r : routers_) n += r->is_rtl();
    return n;
}

// The network clock, and in the same delta the clocks RTL routers gate themselves.
void chip_top::network_clock(bool level)
{
    noc_clk_.write(level);
    for (router_node *r : rtl_) r->clock(level);
}

// Resets the RTL (two network-clock edges with rst_n low, in delta cycles at
// time 0: no chip cycle passes), then runs a step each time the host asks.
void chip_top::controller()
{
    rst_n_.write(false);
    for (int i = 0; i < 2; i++) {
        network_clock(true);
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
        network_clock(false);
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
    }
    rst_n_.write(true);
    wait(SC_ZERO_TIME);
    for (;;) {
        if (!pending_) wait(go_);
        pending_ = false;
        run_cycles();
        sc_core::sc_pause();
        wait(SC_ZERO_TIME);
    }
}

bool chip_top::check_faults()
{
    for (core_module *m : cores_)
        if (!m->fault.empty()) {
            error_ = m->fault;
            return true;
        }
    for (router_node *r : routers_)
        if (!r->fault.empty()) {
            error_ = r->fault;
            return true;
        }
    return false;
}

void chip_top::run_cycles()
{
    const sc_time ns(1, SC_NS);
    struct core *m = c->master;
    for (;;) {
        uint64_t now = c->c.cycles;
        // Inference rewinds the chip's cycle count (chip_infer_wta keeps its cycles
        // out of the training count); simulated time only moves forward.
        sc_time at = origin_ + ns * (double)now;
        if (at < sc_core::sc_time_stamp()) {
            origin_ = sc_core::sc_time_stamp() + ns - ns * (double)now;
            at = origin_ + ns * (double)now;
        }
        if (at > sc_core::sc_time_stamp()) wait(at - sc_core::sc_time_stamp());
        if (tf_) trace_cycle(false);
        // Chip clock: every core finishes, receives, sends.
        clk_.write(true);
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
        clk_.write(false);
        if (check_faults()) return;
        if (core_barrier_complete(m)) return;
        bool busy = books_.injected != books_.popped;
        if (busy) {
            // Network clock: every router steps; RTL outputs are collected at its fall.
            wait(at + ns * 0.5 - sc_core::sc_time_stamp());
            network_clock(true);
            if (n_rtl_) {
                wait(ns * 0.25);
                network_clock(false);
            } else {
                wait(SC_ZERO_TIME);     // C routers act in the delta after the edge
                network_clock(false);
            }
            wait(SC_ZERO_TIME);
            wait(SC_ZERO_TIME);
            noc_cycles_++;
            if (check_faults() || check_progress()) return;
            for (int i = 0; i < c->mesh_x * c->mesh_y; i++)
                if (!c->at[i] && eject_[i]->size()) {
                    char e[300];
                    const struct flit *f = eject_[i]->front();
                    snprintf(e, sizeof e, "cycle %llu: router (%d,%d) delivered a flit (stream %u, from node %u) to a "
                             "node that hosts no core", (unsigned long long)now, i % c->mesh_x, i / c->mesh_x,
                             f->stream, f->src);
                    error_ = e;
                    return;
                }
            if (tf_) trace_cycle(true);
        }
        c->c.cycles++;
        bool local = false;
        for (core_module *k : cores_) local |= k->loop->size() > 0;
        if (!busy && !local) {
            uint64_t next_done = UINT64_MAX;
            bool computing = false;
            for (core_module *k : cores_) {
                if (k->pending_done < next_done) next_done = k->pending_done;
                if (k->q->state == CS_COMPUTE) {
                    computing = true;
                    if (k->q->busy_until < next_done) next_done = k->q->busy_until;
                }
            }
            if (!computing) {
                char e[700];
                chip_stall_message(c, now, "", e, sizeof e);
                error_ = e;
                return;
            }
            if (next_done > c->c.cycles) c->c.cycles = next_done;
        }
    }
}

// The routers' watchdogs count cycles a ready flit waits; a router that stops
// being clocked (an RTL router's gating gone wrong) counts nothing and would hang
// the step. So the network as a whole must deliver a flit at least once per
// watchdog period while any is in flight (a healthy one delivers far more often:
// a flit blocked that long trips its router's watchdog first).
bool chip_top::check_progress()
{
    if (books_.popped != popped_seen_ || books_.injected == books_.popped) {
        popped_seen_ = books_.popped;
        delivered_at_ = noc_cycles_;
        return false;
    }
    int64_t quiet = (int64_t)(noc_cycles_ - delivered_at_);
    if (quiet < c->cfg->chip.router.watchdog_cycles) return false;
    char e[900];
    int k = snprintf(e, sizeof e, "network cycle %llu: no flit delivered for %lld cycles with %llu in flight; held at",
                     (unsigned long long)noc_cycles_, (long long)quiet,
                     (unsigned long long)(books_.injected - books_.popped));
    int shown = 0;
    for (router_node *r : routers_) {
        uint32_t occ[5];
        int32_t cred[4];
        r->state(occ, cred);
        uint32_t held = occ[0] + occ[1] + occ[2] + occ[3] + occ[4];
        if (!held || k >= (int)sizeof e - 40) continue;
        k += snprintf(e + k, sizeof e - (size_t)k, "%s router (%d,%d)%s: %u", shown++ ? "," : "", r->x, r->y,
                      r->is_rtl() ? " RTL" : "", held);
    }
    if (!shown) snprintf(e + k, sizeof e - (size_t)k, " no router (on a link or in a queue)");
    error_ = e;
    return true;
}

int chip_top::step(uint32_t t, char *err, size_t errlen)
{
    struct core *m = c->master;
    core_module *mm = cores_[m - c->cores];
    uint64_t start = c->c.cycles;
    m->barrier_count = 0;
    for (int k = 0; k < c->n_cores; k++) {
        struct flit f = {};
        f.src = (uint16_t)m->node;
        f.dst = (uint16_t)c->cores[k].node;
        f.stream = SS_RELEASE;
        f.tclass = TC_CONTROL;
        f.head = f.tail = 1;
        f.step = c->sh.step;
        f.born = start;
        outbox_push(&mm->out, &f);
        m->c.releases++;
    }
    mm->send_all();
    if (tf_) {
        sample_.write((uint32_t)c->wave_sample);
        step_.write(t);
    }
    error_.clear();
    pending_ = true;
    go_.notify(SC_ZERO_TIME);
    sc_core::sc_start();
    if (!error_.empty()) {
        snprintf(err, errlen, "%s", error_.c_str());
        return -1;
    }
    if (c->check) {
        bool local = false;
        for (core_module *k : cores_) local |= k->loop->size() > 0;
        if (books_.injected != books_.popped || local) {
            snprintf(err, errlen, "conservation violated at the end of step %u (cycle %llu): %llu flits still in flight",
                     c->sh.step, (unsigned long long)c->c.cycles,
                     (unsigned long long)(books_.injected - books_.popped));
            return -1;
        }
    }
    return 0;
}

const struct mesh_counters *chip_top::noc_counters()
{
    memset(&sum_, 0, sizeof sum_);
    for (const router_node *r : routers_) {
        const struct router_counters &k = r->counters();
        sum_.flits_injected += k.flits_injected;
        sum_.flits_ejected += k.flits_ejected;
        sum_.buffer_writes += k.buffer_writes;
        sum_.buffer_reads += k.buffer_reads;
        sum_.switch_traversals += k.switch_traversals;
        sum_.arbitrations += k.arbitrations;
        sum_.link_ew += k.link_ew;
        sum_.link_ns += k.link_ns;
        sum_.credits += k.credits;
    }
    sum_.cycles = noc_cycles_;
    return &sum_;
}

// ---- waveforms ----------------------------------------------------------------

void chip_top::observe(void *ctx, const struct core *k, int event, int neuron, int64_t value, uint64_t)
{
    chip_top *top = static_cast<chip_top *>(ctx);
    size_t i = (size_t)(k - top->c->cores);
    if (event == EV_WIN && top->winner_[i]) top->winner_[i]->write((uint8_t)neuron);
    if (event == EV_PULSES) {
        top->pulses_[i]->write((uint16_t)(top->pulses_[i]->read() + value));
        top->pulses_set_ = true;
    }
}

int chip_top::open_trace(const char *path, char *err, size_t errlen)
{
    size_t len = strlen(path);
    if (len < 5 || strcmp(path + len - 4, ".vcd")) {
        snprintf(err, errlen, "--waves %s: the SystemC engine writes VCD (sc_trace): name a .vcd file", path);
        return -1;
    }
    FILE *probe = fopen(path, "w");
    if (!probe) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    fclose(probe);
    std::string base(path, len - 4);
    tf_ = sc_core::sc_create_vcd_trace_file(base.c_str());
    tf_->set_time_unit(1, sc_core::SC_PS);
    sc_core::sc_trace(tf_, sample_, "chip.sample");
    sc_core::sc_trace(tf_, step_, "chip.step");
    static const char *const port[5] = { "N", "E", "S", "W", "L" };
    const int nodes = c->mesh_x * c->mesh_y;
    winner_.assign((size_t)c->n_cores, nullptr);
    valid_.assign((size_t)nodes * 5, nullptr);
    occ_.assign((size_t)nodes * 5, nullptr);
    cred_.assign((size_t)nodes * 4, nullptr);
    char n[96];
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        int x = q->node % c->mesh_x, y = q->node / c->mesh_x;
        snprintf(n, sizeof n, "chip.core_%d_%d.update_pulses", x, y);
        pulses_.push_back(new sc_core::sc_signal<uint16_t, sc_core::SC_MANY_WRITERS>(sc_core::sc_gen_unique_name("pulses")));
        sc_core::sc_trace(tf_, *pulses_.back(), n);
        if (q->role == CORE_OUTPUT) {
            winner_[k] = new sc_core::sc_signal<uint8_t, sc_core::SC_MANY_WRITERS>(sc_core::sc_gen_unique_name("winner"));
            snprintf(n, sizeof n, "chip.core_%d_%d.winner", x, y);
            sc_core::sc_trace(tf_, *winner_[k], n);
        }
        q->observe = observe;
        q->observe_ctx = this;
        cores_[k]->trace_tiles(true);
        for (size_t t = 0; t < cores_[k]->tiles.size(); t++) {
            snprintf(n, sizeof n, "chip.core_%d_%d.tile%zu.rows_driven", x, y, t);
            sc_core::sc_trace(tf_, cores_[k]->tiles[t]->rows_driven, n);
            snprintf(n, sizeof n, "chip.core_%d_%d.tile%zu.update_pulses", x, y, t);
            sc_core::sc_trace(tf_, cores_[k]->tiles[t]->update_pulses, n);
        }
        int i = q->node;
        for (int p = 0; p < 5; p++) {
            valid_[i * 5 + p] = new sc_core::sc_signal<bool>(sc_core::sc_gen_unique_name("valid"));
            snprintf(n, sizeof n, "chip.router_%d_%d.%s_valid", x, y, port[p]);
            sc_core::sc_trace(tf_, *valid_[i * 5 + p], n);
            occ_[i * 5 + p] = new sc_core::sc_signal<uint8_t>(sc_core::sc_gen_unique_name("occupancy"));
            snprintf(n, sizeof n, "chip.router_%d_%d.%s_occupancy", x, y, port[p]);
            sc_core::sc_trace(tf_, *occ_[i * 5 + p], n);
            if (p < 4) {
                cred_[i * 4 + p] = new sc_core::sc_signal<uint8_t>(sc_core::sc_gen_unique_name("credits"));
                snprintf(n, sizeof n, "chip.router_%d_%d.%s_credits", x, y, port[p]);
                sc_core::sc_trace(tf_, *cred_[i * 4 + p], n);
            }
        }
    }
    return 0;
}

// At the start of a cycle (network_ticked = 0): one-cycle pulses fall. After the
// network's edge: ports a flit crossed, buffer occupancy, credits.
void chip_top::trace_cycle(bool network_ticked)
{
    if (!network_ticked) {
        if (pulses_set_)
            for (auto *s : pulses_)
                if (s->read()) s->write(0);
        pulses_set_ = false;
        if (valid_set_)
            for (auto *s : valid_)
                if (s && s->read()) s->write(false);
        valid_set_ = false;
        return;
    }
    for (int k = 0; k < c->n_cores; k++) {
        int i = c->cores[k].node, x = i % c->mesh_x, y = i / c->mesh_x;
        router_node *r = routers_[i];
        uint32_t occ[5];
        int32_t cred[4];
        r->state(occ, cred);
        for (int p = 0; p < 5; p++) {
            bool v = r->sent >> p & 1;
            valid_[i * 5 + p]->write(v);
            valid_set_ |= v;
            occ_[i * 5 + p]->write((uint8_t)occ[p]);
        }
        // Credits of links that exist, as the native dump shows them.
        const bool has[4] = { y + 1 < c->mesh_y, x + 1 < c->mesh_x, y > 0, x > 0 };
        for (int p = 0; p < 4; p++) cred_[i * 4 + p]->write((uint8_t)(has[p] ? cred[p] : 0));
    }
}

void chip_top::close_trace()
{
    if (!tf_) return;
    sc_core::sc_close_vcd_trace_file(tf_);
    tf_ = nullptr;
    for (int k = 0; k < c->n_cores; k++) c->cores[k].observe = nullptr;
}
