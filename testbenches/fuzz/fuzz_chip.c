/* libFuzzer harness: the cycle-level chip under arbitrary chip, router, device and
 * network settings (--set lines over workloads/mnist.yaml with a small hidden
 * layer). Whatever loads must map or be refused with one positioned line; whatever
 * maps must train a sample without a stall and end on the golden model's weights,
 * bit for bit (docs/chip.md: the chip equals the golden model under any mapping
 * and NoC timing). */
#include "chip.h"
#include "fuzz_overrides.h"
#include "ssnn.h"
#include "ssnn_setup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct config cfg;
    char err[1024];
    if (fuzz_load_overrides(data, size, "network.layers=[784, 12, 10]", &cfg)) return 0;
    /* Small and fast, and a watchdog that cannot fire on a healthy network. */
    if (cfg.network.hidden > 64 || cfg.chip.mesh_x * cfg.chip.mesh_y > 64 || cfg.chip.router.watchdog_cycles < 100000 ||
        strcmp(cfg.chip.fault.kind, "none") || strcmp(cfg.training.membrane, "spikes") || cfg.chip.n_rtl)
        return 0;
    static struct ssnn golden, mapped;
    if (ssnn_init(&golden, &cfg, err, sizeof err)) return 0;
    if (ssnn_init(&mapped, &cfg, err, sizeof err)) {
        ssnn_free(&golden);
        return 0;
    }
    static struct chip c;
    if (chip_init(&c, &cfg, &mapped, err, sizeof err)) {
        if (!strchr(err, ':') || strchr(err, '\n')) abort();   /* unmappable: one positioned line */
    } else {
        uint8_t px[784];
        for (int i = 0; i < 784; i++) px[i] = (uint8_t)(i * 37 + size);
        int k = cfg.training.n_pulse ? (int)cfg.training.pulse_steps[0] : 1;
        ssnn_set_pulse_steps(&golden, k);
        chip_set_pulse_steps(&c, k);
        int want = ssnn_train_sample(&golden, px, 3, 2, 65536);
        int got = chip_train_sample(&c, px, 3, 2, 65536, err, sizeof err);
        if (got < 0) abort();                                    /* a stall or a broken balance */
        chip_gather(&c, &mapped);
        char a[65], b[65];
        ssnn_weights_sha256(&golden, a);
        ssnn_weights_sha256(&mapped, b);
        if (got != want || strcmp(a, b)) abort();               /* the chip left the golden model */
        chip_free(&c);
    }
    ssnn_free(&golden);
    ssnn_free(&mapped);
    return 0;
}
