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

chip_top::chip_top(sc_core::sc_module_name name, struct chip *chip, char *err, size_t errlen, int *failed)
    : sc_core::sc_module(name), c(chip)
{
    *failed = 0;
    net_ = new sc_mesh("noc", c->cfg, c->mesh_x, c->mesh_y, err, errlen, failed);
    if (*failed) return;
    char n[64];
    for (int i = 0; i < c->mesh_x * c->mesh_y; i++) {
        snprintf(n, sizeof n, "loop_%d", i);
        loop_.push_back(new flit_queue(n));
    }
    for (int k = 0; k < c->n_cores; k++) {
        struct core *q = &c->cores[k];
        snprintf(n, sizeof n, "core_%d_%d", q->node % c->mesh_x, q->node / c->mesh_x);
        core_module *m = new core_module(n, c, q, &net_->books);
        m->clk(clk_);
        m->to_net(*net_->inject[q->node]);
        m->from_net(*net_->eject[q->node]);
        m->loop(*loop_[q->node]);
        cores_.push_back(m);
    }
    SC_THREAD(controller);
}

int chip_top::rtl_routers() const { return net_->rtl_routers(); }

// Resets the network (in delta cycles at time 0: no chip cycle passes), then
// runs a step each time the host asks.
void chip_top::controller()
{
    net_->reset();
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
    return net_->failed(error_);
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
        bool busy = net_->books.injected != net_->books.popped;
        if (busy) {
            // Network clock: every router steps; RTL outputs are collected at its fall.
            wait(at + ns * 0.5 - sc_core::sc_time_stamp());
            net_->cycle();
            if (check_faults() || net_->stalled(error_)) return;
            for (int i = 0; i < c->mesh_x * c->mesh_y; i++)
                if (!c->at[i] && net_->eject[i]->size()) {
                    char e[300];
                    const struct flit *f = net_->eject[i]->front();
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
        if (net_->books.injected != net_->books.popped || local) {
            snprintf(err, errlen, "conservation violated at the end of step %u (cycle %llu): %llu flits still in flight",
                     c->sh.step, (unsigned long long)c->c.cycles,
                     (unsigned long long)(net_->books.injected - net_->books.popped));
            return -1;
        }
    }
    return 0;
}

const struct mesh_counters *chip_top::noc_counters() { return net_->counters(); }

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
        router_node *r = net_->routers[i];
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
