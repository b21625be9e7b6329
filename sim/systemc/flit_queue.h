// A FIFO channel of flits between a core and its router (the network interface's
// source, ejection and loop-back queues). Unbounded, as the queues of the native
// engine are (models/router.h: "an unbounded source queue, as in BookSim"), and
// immediate: a flit pushed is there for the next reader at once, since the chip's
// two phases (cores, then network) are ordered by the clock, not by delta cycles.
// `changed` fires on every push and pop, for a reader that presents the front.
#ifndef SC_FLIT_QUEUE_H
#define SC_FLIT_QUEUE_H
#include <systemc>
#include <deque>

extern "C" {
#include "flit.h"
}

struct flit_queue_if : virtual sc_core::sc_interface {
    virtual void push(const struct flit &f) = 0;
    virtual bool pop(struct flit &f) = 0;
    virtual const struct flit *front() const = 0;   // NULL when empty
    virtual size_t size() const = 0;
    virtual const sc_core::sc_event &changed() const = 0;
};

class flit_queue : public sc_core::sc_prim_channel, public flit_queue_if {
public:
    explicit flit_queue(const char *name) : sc_core::sc_prim_channel(name) {}
    void push(const struct flit &f) override
    {
        q_.push_back(f);
        changed_.notify(sc_core::SC_ZERO_TIME);
    }
    bool pop(struct flit &f) override
    {
        if (q_.empty()) return false;
        f = q_.front();
        q_.pop_front();
        changed_.notify(sc_core::SC_ZERO_TIME);
        return true;
    }
    const struct flit *front() const override { return q_.empty() ? nullptr : &q_.front(); }
    size_t size() const override { return q_.size(); }
    const sc_core::sc_event &changed() const override { return changed_; }
    const sc_core::sc_event &default_event() const override { return changed_; }

private:
    std::deque<struct flit> q_;
    sc_core::sc_event changed_;
};
#endif
