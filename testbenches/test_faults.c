/* NoC faults are always caught: a frozen link by the watchdog, a dropped flit by
 * the conservation check, a corrupted destination by the core that receives it
 * (or by the phase counts) - each with a message naming a router and a cycle,
 * never a silent wrong answer and never a hang. */
#include "check.h"
#include "chip.h"
#include "config.h"
#include "config_sets.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdio.h>
#include <string.h>

static uint8_t img[8][64];

static int run_with_fault(const char *kind, int node, int after, char *err, size_t errlen)
{
    static struct config cfg;
    char k[64], n[64], a[64];
    snprintf(k, sizeof k, "chip.fault.kind=%s", kind);
    snprintf(n, sizeof n, "chip.fault.node=%d", node);
    snprintf(a, sizeof a, "chip.fault.after_flits=%d", after);
    const char *o[] = { "network.layers=[64, 48, 4]", "dataset.rows=8",
                        "dataset.cols=8", "dataset.classes=4", "chip.mesh_x=3", "chip.mesh_y=3",
                        "chip.core_neurons=16", "chip.xbar_rows=65", "chip.xbar_cols=16", "chip.tiles_per_core=1",
                        "chip.router.watchdog_cycles=500", k, n, a };
    if (config_load_sets("workloads/mnist.yaml", o, sizeof o / sizeof o[0], NULL, 0, &cfg, err, errlen)) return 2;
    struct ssnn g;
    struct chip c;
    if (ssnn_init(&g, &cfg, err, errlen) || chip_init(&c, &cfg, &g, err, errlen)) return 2;
    int rc = 0;
    for (int i = 0; i < 8 && !rc; i++)
        if (chip_train_sample(&c, img[i], i % 4, 6, 65536, err, errlen) < 0) rc = 1;
    chip_free(&c);
    ssnn_free(&g);
    return rc;
}

static void check_caught(const char *kind, const char *want)
{
    /* Several places and moments: routers of input, hidden and output cores. */
    const int nodes[] = { 0, 2, 4, 5, 7 }, after[] = { 0, 37, 400 };
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
        for (size_t j = 0; j < sizeof after / sizeof after[0]; j++) {
            char err[1024] = "";
            int rc = run_with_fault(kind, nodes[i], after[j], err, sizeof err);
            if (rc == 0) continue;      /* the fault never struck: no flit crossed that router late enough */
            CHECK(rc == 1 && (strstr(err, "router (") || strstr(err, "link (")) && strstr(err, "cycle") &&
                      (!want || strstr(err, want)),
                  "%s at node %d after %d flits: rc %d, message '%s'", kind, nodes[i], after[j], rc, err);
        }
    char err[1024] = "";
    CHECK(run_with_fault(kind, 4, 0, err, sizeof err) == 1, "%s at a hidden core's router went unnoticed", kind);
}

static void a_stuck_link_is_caught_by_the_watchdog(void) { check_caught("stuck_link", "has not moved"); }
static void a_dropped_flit_is_caught_by_the_conservation_check(void) { check_caught("drop_flit", "lost"); }
static void a_corrupted_destination_is_caught(void) { check_caught("corrupt_dest", NULL); }

static void no_fault_means_no_error(void)
{
    char err[1024] = "";
    CHECK(run_with_fault("none", 4, 0, err, sizeof err) == 0, "a fault-free run failed: %s", err);
}

int main(void)
{
    for (int i = 0; i < 8; i++)
        for (int p = 0; p < 64; p++) img[i][p] = (uint8_t)((p * 37 + i * 11) % 256 < 90 ? 200 : 0);
    RUN(no_fault_means_no_error);
    RUN(a_stuck_link_is_caught_by_the_watchdog);
    RUN(a_dropped_flit_is_caught_by_the_conservation_check);
    RUN(a_corrupted_destination_is_caught);
    CHECK_DONE();
}
