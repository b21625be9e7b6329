// The C API of the NoC benchmark's SystemC network (sc_noc.h): noc_top's
// operations as a struct noc_net. The module lives until the process ends.
#include "sc_noc.h"
#include "noc_top.h"

#include <cstdio>
#include <cstdlib>

extern "C" {
#include "noc_net.h"
}

static bool elaborated;

static noc_top *top(void *ctx) { return static_cast<noc_top *>(ctx); }
static const noc_top *top(const void *ctx) { return static_cast<const noc_top *>(ctx); }

static int op_restart(void *ctx, char *err, size_t errlen) { return top(ctx)->restart(err, errlen); }
static void op_inject(void *ctx, int node, const struct flit *f) { top(ctx)->inject(node, *f); }
static int op_step(void *ctx, char *err, size_t errlen) { return top(ctx)->step(err, errlen); }
static int op_eject(void *ctx, int node, struct flit *out) { return top(ctx)->eject(node, *out); }
static uint64_t op_in_flight(const void *ctx) { return top(ctx)->in_flight(); }
static uint64_t op_cycle(const void *ctx) { return top(ctx)->cycle(); }
static int op_check(const void *ctx, char *err, size_t errlen) { return top(ctx)->check(err, errlen); }
static const struct mesh_counters *op_counters(void *ctx) { return top(ctx)->counters(); }
static uint64_t op_router_steps(const void *ctx) { return top(ctx)->router_steps(); }

extern "C" int sc_noc_open(const struct config *cfg, struct noc_net *net, char *err, size_t errlen)
{
    if (elaborated || sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
        snprintf(err, errlen, "the SystemC engine elaborates one network per process (SystemC cannot elaborate "
                 "again after sc_start)");
        return -1;
    }
    elaborated = true;
    // No banner on stdout (tables and CSVs are compared), nor informational notes on stderr.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    int failed = 0;
    noc_top *t = new noc_top("noc_bench", cfg, err, errlen, &failed);
    if (failed) return -1;
    *net = noc_net{};
    net->ctx = t;
    net->restart = op_restart;
    net->inject = op_inject;
    net->step = op_step;
    net->eject = op_eject;
    net->in_flight = op_in_flight;
    net->cycle = op_cycle;
    net->check = op_check;
    net->counters = op_counters;
    net->router_steps = op_router_steps;
    return 0;
}
