// See core_module.h. The order inside a cycle is chip.c's: finish, receive one
// flit, then dispatch everything sent; flits a core sends itself this cycle are
// only taken next cycle.
#include "core_module.h"

#include <cstdio>
#include <cstdlib>

core_module::core_module(sc_core::sc_module_name name, struct chip *c, struct core *q_, noc_books *books)
    : sc_core::sc_module(name), q(q_), c_(c), books_(books)
{
    for (int t = 0; t < q->n_tiles; t++) {
        char n[32];
        snprintf(n, sizeof n, "tile%d", t);
        tiles.push_back(new crossbar_tile(n, &q->tiles[t]));
    }
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
}

void core_module::tick()
{
    uint64_t now = c_->c.cycles;
    pending_done = UINT64_MAX;
    if (q->state == CS_COMPUTE) {
        if (q->busy_until <= now) core_finish(q, now, &out);
        else pending_done = q->busy_until;
    }
    struct flit f;
    bool got = loop->pop(f);
    if (!got && from_net->pop(f)) {
        got = true;
        books_->popped++;
    }
    if (got) {
        core_receive(q, &f, now, &out);
        if (q->fault[0]) {
            char err[400];
            snprintf(err, sizeof err, "cycle %llu: core %d at router (%d,%d) %s", (unsigned long long)now,
                     (int)(q - c_->cores), q->node % c_->mesh_x, q->node / c_->mesh_x, q->fault);
            fault = err;
        }
    }
    send_all();
    if (tracing_)
        for (crossbar_tile *t : tiles) t->publish();
}

void core_module::send_all()
{
    for (int i = 0; i < out.n; i++) {
        const struct flit *f = &out.f[i];
        chip_count_flit(c_, f);
        if (f->dst == f->src) {
            loop->push(*f);
            continue;
        }
        to_net->push(*f);
        books_->injected++;
    }
    out.n = 0;
}
