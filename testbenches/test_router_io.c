/* The router with its links cut open (models/router_io.c), the C side of the
 * router's lockstep bench: it must show router.c's timing at rtl/router.sv's ports
 * (a flit arriving in cycle a leaves on the next link in a + pipeline + link, with
 * the credit for its slot on the input link in the same cycle), and refuse inputs
 * that break flow control rather than corrupt the router. */
#include "check.h"
#include "config.h"
#include "router_io.h"

#include <string.h>

static struct router_cfg rcfg(int depth, int pipeline, int link, int vcs)
{
    struct router_cfg rc = { .buffer_depth = depth, .pipeline = pipeline, .link_latency = link, .vcs = vcs,
                             .flit_bits = 32, .watchdog_cycles = 100000 };
    return rc;
}

/* Router (1,1) of a 3-wide mesh; a flit from the west for (2,1) arrives in cycle 2. */
static void a_flit_leaves_pipeline_plus_link_cycles_after_it_arrives_and_so_does_its_credit(void)
{
    for (int p = 1; p <= 3; p++)
        for (int l = 1; l <= 3; l++) {
            struct router_cfg rc = rcfg(4, p, l, 1);
            struct router_io io;
            char err[256];
            if (router_io_init(&io, 1, 1, 3, &rc, err, sizeof err)) {
                CHECK(0, "router_io_init: %s", err);
                return;
            }
            struct flit f = { .src = 3, .dst = 5, .stream = SS_HIDDEN, .tclass = TC_FORWARD, .head = 1, .tail = 1,
                              .neuron = 77, .step = 9 };
            int flit_seen = -1, credit_seen = -1;
            for (int c = 0; c < 20; c++) {
                struct router_io_in in;
                memset(&in, 0, sizeof in);
                if (c == 2) {
                    in.valid[PORT_W] = 1;
                    in.flit[PORT_W] = f;
                }
                struct router_io_out out;
                if (router_io_step(&io, &in, &out, err, sizeof err)) {
                    CHECK(0, "router_io_step: %s", err);
                    break;
                }
                /* what the outputs show in cycle c + 1 */
                if (out.valid[PORT_E]) {
                    CHECK(flit_seen < 0, "P=%d L=%d: a second flit on E in cycle %d", p, l, c + 1);
                    CHECK(out.flit[PORT_E].neuron == 77 && out.flit[PORT_E].dst == 5 && out.vc[PORT_E] == 0,
                          "P=%d L=%d: flit on E is neuron %u dst %u vc %u", p, l, out.flit[PORT_E].neuron,
                          out.flit[PORT_E].dst, out.vc[PORT_E]);
                    flit_seen = c + 1;
                }
                if (out.credit[PORT_W]) credit_seen = c + 1;
                for (int o = 0; o < 4; o++)
                    CHECK(o == PORT_E || !out.valid[o], "P=%d L=%d: flit on port %d", p, l, o);
            }
            CHECK(flit_seen == 2 + p + l, "P=%d L=%d: flit on E in cycle %d, expected %d", p, l, flit_seen, 2 + p + l);
            CHECK(credit_seen == 2 + p + l, "P=%d L=%d: credit on W in cycle %d, expected %d", p, l, credit_seen,
                  2 + p + l);
            CHECK(io.r.credits[PORT_E * io.r.nvc + 0] == 3, "P=%d L=%d: %d credits left on E vc 0, expected 3", p, l,
                  io.r.credits[PORT_E * io.r.nvc + 0]);
            router_io_free(&io);
        }
}

/* Depth 1: the first flit east takes output E's one credit; the second waits for
 * the credit the test hands in at cycle 10 and leaves in that cycle's step (as the
 * RTL applies a credit in the cycle it arrives), on E at 10 + link. */
static void a_flit_held_for_a_credit_leaves_in_the_cycle_the_credit_arrives(void)
{
    struct router_cfg rc = rcfg(1, 1, 1, 1);
    struct router_io io;
    char err[256];
    if (router_io_init(&io, 1, 1, 3, &rc, err, sizeof err)) {
        CHECK(0, "router_io_init: %s", err);
        return;
    }
    struct flit f = { .src = 3, .dst = 5, .stream = SS_HIDDEN, .tclass = TC_FORWARD, .head = 1, .tail = 1 };
    int seen[2] = { -1, -1 }, n = 0;
    for (int c = 0; c < 20; c++) {
        struct router_io_in in;
        memset(&in, 0, sizeof in);
        if (c == 2 || c == 4) {
            in.valid[PORT_W] = 1;
            in.flit[PORT_W] = f;
            in.flit[PORT_W].neuron = (uint32_t)c;
        }
        if (c == 10) in.credit[PORT_E] = 1;
        struct router_io_out out;
        if (router_io_step(&io, &in, &out, err, sizeof err)) {
            CHECK(0, "router_io_step: %s", err);
            break;
        }
        if (out.valid[PORT_E] && n < 2) seen[n++] = c + 1;
    }
    CHECK(n == 2 && seen[0] == 4 && seen[1] == 11, "flits on E in cycles %d and %d (of %d), expected 4 and 11",
          seen[0], seen[1], n);
    router_io_free(&io);
}

static void a_flit_into_a_full_buffer_and_a_credit_beyond_depth_are_refused(void)
{
    struct router_cfg rc = rcfg(2, 2, 1, 1);
    struct router_io io;
    char err[256];
    if (router_io_init(&io, 1, 1, 3, &rc, err, sizeof err)) {
        CHECK(0, "router_io_init: %s", err);
        return;
    }
    struct flit f = { .src = 3, .dst = 5, .tclass = TC_FORWARD, .head = 1, .tail = 0 };
    struct router_io_in in;
    struct router_io_out out;
    memset(&in, 0, sizeof in);
    in.valid[PORT_N] = 1;
    in.flit[PORT_N] = f;    /* the head of a packet that goes east; its body never comes */
    int rc1 = router_io_step(&io, &in, &out, err, sizeof err);
    int rc2 = router_io_step(&io, &in, &out, err, sizeof err);
    int rc3 = router_io_step(&io, &in, &out, err, sizeof err);
    CHECK(rc1 == 0 && rc2 == 0, "two flits into a 2-slot buffer: %d %d", rc1, rc2);
    CHECK(rc3 == -1 && strstr(err, "flit into input N"), "a third: %d (%s)", rc3, err);
    router_io_free(&io);

    if (router_io_init(&io, 1, 1, 3, &rc, err, sizeof err)) return;
    memset(&in, 0, sizeof in);
    in.credit[PORT_S] = 1;
    int rc4 = router_io_step(&io, &in, &out, err, sizeof err);
    CHECK(rc4 == -1 && strstr(err, "credit for output S"), "a credit with every slot free: %d (%s)", rc4, err);
    router_io_free(&io);
}

int main(void)
{
    RUN(a_flit_leaves_pipeline_plus_link_cycles_after_it_arrives_and_so_does_its_credit);
    RUN(a_flit_held_for_a_credit_leaves_in_the_cycle_the_credit_arrives);
    RUN(a_flit_into_a_full_buffer_and_a_credit_beyond_depth_are_refused);
    CHECK_DONE();
}
