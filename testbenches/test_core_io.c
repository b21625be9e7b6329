/* One core with its network interface (models/core_io.c), the C side of the core's
 * lockstep bench: a computation takes its lane groups plus the RTL's finish lag, the
 * flits it queues are offered from the next cycle, one a cycle, in core.c's order,
 * and a hidden core's BARRIER follows the flit that ends its backward phase by one
 * cycle. */
#include "check.h"
#include "core_io.h"

#include <string.h>

static struct flit flit_to(int dst, int stream, int tclass, uint32_t neuron, uint32_t step)
{
    struct flit f = { .src = 0, .dst = (uint16_t)dst, .stream = (uint8_t)stream, .tclass = (uint8_t)tclass,
                      .head = 1, .tail = 1, .neuron = neuron, .step = step };
    return f;
}

/* A 20-12-4 chip, 8 neurons and 3 lanes a core: input cores 0-2, hidden 3-4, output 5. */
static int small_chip(struct core_io_chip *ch)
{
    char err[256];
    if (core_io_chip_init(ch, 20, 12, 4, 8, 3, 24, 0.001, 0.6, err, sizeof err)) {
        CHECK(0, "core_io_chip_init: %s", err);
        return -1;
    }
    return 0;
}

static void an_input_core_offers_its_spikes_from_the_cycle_after_its_busy_time(void)
{
    struct core_io_chip ch;
    if (small_chip(&ch)) return;
    struct core_io c;
    CHECK(core_io_init(&c, &ch, CORE_INPUT, 1) == 0, "core_io_init");
    for (int i = 0; i < 20; i++) ch.pixels[i] = 255;     /* every encoder fires (p = 65535) but rarely */
    for (int i = 0; i < 8; i++) c.k.rng_a[i] = 1u + (uint32_t)i;   /* small states: u16 = 0 < p */
    ch.sh.step = 7;
    struct flit rel = flit_to(1, SS_RELEASE, TC_CONTROL, 0, 7), out;
    int first = -1, n = 0;
    for (int cyc = 0; cyc < 60; cyc++) {
        int offered = core_io_step(&c, cyc == 3 ? &rel : NULL, 1, &out);
        if (!offered) continue;
        if (first < 0) first = cyc;
        CHECK(cyc == first + n, "flit %d offered in cycle %d, not %d", n, cyc, first + n);
        n++;
    }
    /* busy ceil(8 / 3) = 3 cycles (+ the input core's finish lag, 0) from the
     * RELEASE in cycle 3; finish at 6, offered from 7 */
    CHECK(core_finish_lag(CORE_INPUT) == 0, "input finish lag %d", core_finish_lag(CORE_INPUT));
    CHECK(first == 7, "first flit in cycle %d, expected 7", first);
    /* every hidden core (2): 8 spikes and a PHASE_DONE; then the BARRIER */
    CHECK(n == 2 * (c.k.n_rows + 1) + 1 && c.k.n_rows == 8, "%d flits, %d rows", n, c.k.n_rows);
    CHECK(out.stream == SS_BARRIER && out.dst == 0, "last flit stream %u dst %u", out.stream, out.dst);
    core_io_free(&c);
    core_io_chip_free(&ch);
}

static void a_hidden_core_reports_its_barrier_the_cycle_after_its_backward_phase_ends(void)
{
    struct core_io_chip ch;
    if (small_chip(&ch)) return;
    struct core_io c;
    CHECK(core_io_init(&c, &ch, CORE_HIDDEN, 0) == 0, "core_io_init");
    ch.sh.step = 3;
    ch.sh.label = 1;    /* learning */
    struct flit out;
    int cyc = 0;
    /* the forward phase: a PHASE_DONE(0) from each of the 3 input cores */
    for (int i = 0; i < 3; i++, cyc++) {
        struct flit f = flit_to(3, SS_PHASE_DONE, TC_FORWARD, 0, 3);
        core_io_step(&c, &f, 1, &out);
    }
    CHECK(c.k.state == CS_COMPUTE, "state %d after the forward markers", c.k.state);
    int busy = 0;
    while (c.k.state == CS_COMPUTE && cyc < 50) core_io_step(&c, NULL, 1, &out), cyc++, busy++;
    /* 8 neurons over 3 lanes, then the bias row's registered cycle */
    CHECK(busy == 3 + 1 && core_finish_lag(CORE_HIDDEN) == 1, "hidden computation took %d cycles", busy);
    while (c.count) core_io_step(&c, NULL, 1, &out), cyc++;    /* h spikes and the PHASE_DONE leave */
    CHECK(c.k.state == CS_BACK_IN, "state %d after the computation", c.k.state);
    struct flit done = flit_to(3, SS_PHASE_DONE, TC_BACKWARD, 0, 3);
    int offered = core_io_step(&c, &done, 1, &out);
    CHECK(!offered && c.count == 1, "in the cycle the phase ends: offered %d, queued %u", offered, c.count);
    offered = core_io_step(&c, NULL, 1, &out);
    CHECK(offered && out.stream == SS_BARRIER && out.step == 3, "next cycle: offered %d stream %u step %u", offered,
          out.stream, out.step);
    core_io_free(&c);
    core_io_chip_free(&ch);
}

int main(void)
{
    RUN(an_input_core_offers_its_spikes_from_the_cycle_after_its_busy_time);
    RUN(a_hidden_core_reports_its_barrier_the_cycle_after_its_backward_phase_ends);
    CHECK_DONE();
}
