// See noc_top.h.
#include "noc_top.h"

#include <cstdio>

extern "C" {
#include "config.h"
}

using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;
using sc_core::sc_time;

noc_top::noc_top(sc_core::sc_module_name name, const struct config *cfg, char *err, size_t errlen, int *failed)
    : sc_core::sc_module(name)
{
    net_ = new sc_mesh("noc", cfg, cfg->chip.mesh_x, cfg->chip.mesh_y, err, errlen, failed);
    if (*failed) return;
    SC_THREAD(controller);
}

// Does what the host asked, then hands control back to it (sc_pause).
void noc_top::controller()
{
    for (;;) {
        if (!pending_) wait(go_);
        pending_ = false;
        if (ask_ == ASK_RESET) {
            net_->reset();
        } else {
            sc_time at = sc_time(1, SC_NS) * ((double)sweep_cycles_ + 0.5);
            wait(at - sc_core::sc_time_stamp());
            net_->cycle();
            sweep_cycles_++;
            if (!net_->failed(error_)) net_->stalled(error_);
        }
        sc_core::sc_pause();
        wait(SC_ZERO_TIME);
    }
}

int noc_top::run(ask a, char *err, size_t errlen)
{
    ask_ = a;
    pending_ = true;
    go_.notify(SC_ZERO_TIME);
    sc_core::sc_start();
    if (error_.empty()) return 0;
    snprintf(err, errlen, "%s", error_.c_str());
    return -1;
}

int noc_top::restart(char *err, size_t errlen)
{
    net_->books = noc_books();
    tags_.clear();
    error_.clear();
    return run(ASK_RESET, err, errlen);
}

void noc_top::inject(int node, const struct flit &f)
{
    struct flit g = f;
    g.step = next_tag_++;
    tags_[g.step] = saved{ f.step, f.packet, f.born };
    net_->inject[node]->push(g);
    net_->books.injected++;
}

int noc_top::step(char *err, size_t errlen) { return run(ASK_CYCLE, err, errlen); }

bool noc_top::eject(int node, struct flit &f)
{
    if (!net_->eject[node]->pop(f)) return false;
    net_->books.popped++;
    auto t = tags_.find(f.step);
    if (t == tags_.end()) {
        if (error_.empty()) {
            char e[300];
            snprintf(e, sizeof e, "network cycle %llu: node %d received a flit from node %u with tag %u, which no "
                     "flit in the network carries", (unsigned long long)net_->cycles(), node, f.src, f.step);
            error_ = e;
        }
        return true;
    }
    f.step = t->second.step;
    f.packet = t->second.packet;
    f.born = t->second.born;
    tags_.erase(t);
    return true;
}

int noc_top::check(char *err, size_t errlen) const
{
    std::string why = error_;
    if (why.empty()) net_->drained(why);
    if (why.empty() && !tags_.empty()) why = "flits were queued that never came out";
    if (why.empty()) return 0;
    snprintf(err, errlen, "%s", why.c_str());
    return -1;
}
