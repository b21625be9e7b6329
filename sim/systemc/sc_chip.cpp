// The C API of the SystemC engine (sc_chip.h): elaborates the chip_top module
// graph and installs it as the chip's engine (struct chip_engine in sim/chip.h).
// SystemC elaborates once per process: the first chip attached is the only one
// (a second is refused with a message). The modules live until the process
// ends; freeing the chip closes the trace and detaches them.
#include "sc_chip.h"
#include "chip_top.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include "chip.h"
#include "config.h"
}

static chip_top *the_top;       // the one elaborated chip of this process
static bool elaborated;

static int engine_step(void *ctx, uint32_t t, char *err, size_t errlen)
{
    return static_cast<chip_top *>(ctx)->step(t, err, errlen);
}

static const struct mesh_counters *engine_noc(void *ctx) { return static_cast<chip_top *>(ctx)->noc_counters(); }

static void engine_free(void *ctx) { static_cast<chip_top *>(ctx)->close_trace(); }

extern "C" int sc_chip_attach(struct chip *c, char *err, size_t errlen)
{
    if (elaborated) {
        snprintf(err, errlen, "the SystemC engine elaborates one chip per process (SystemC cannot elaborate "
                 "again after sc_start); run each design point in its own process");
        return -1;
    }
    const struct fault_cfg *fc = &c->cfg->chip.fault;
    if (strcmp(fc->kind, "none")) {
        char where[300];
        snprintf(err, errlen, "%s: chip.fault: fault injection runs on the native engine (--engine chip) only",
                 config_where(c->cfg, "chip.fault.kind", where, sizeof where));
        return -1;
    }
    elaborated = true;
    // No banner on stdout: result files and tests read it.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    // Nor SystemC's informational notes (the VCD writer's timescale) on stderr.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    int failed = 0;
    chip_top *top = new chip_top("chip", c, err, errlen, &failed);
    if (failed) return -1;
    the_top = top;
    c->engine.ctx = top;
    c->engine.run_step = engine_step;
    c->engine.noc_counters = engine_noc;
    c->engine.free = engine_free;
    return 0;
}

extern "C" int sc_chip_trace(struct chip *c, const char *path, char *err, size_t errlen)
{
    chip_top *top = static_cast<chip_top *>(c->engine.ctx);
    if (!top || top != the_top) {
        snprintf(err, errlen, "--waves: the chip has no SystemC engine attached");
        return -1;
    }
    return top->open_trace(path, err, errlen);
}
