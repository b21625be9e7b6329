/* Spike waveforms of a chip run: which cores, neurons, samples and cycles to
 * dump, the signal hierarchy (chip.core_X_Y.nNNN.fwd, ...), and the observer
 * that turns core events into value changes (sim/waves.c writes them). */
#ifndef CHIP_WAVES_H
#define CHIP_WAVES_H
#include <stddef.h>
#include <stdint.h>

struct chip;
struct waves;

struct wave_select {
    char cores[512];            /* "all" or comma-separated core indices (placement order) */
    int neurons;                /* first N neurons of each dumped core (output core: all) */
    int64_t sample_first, samples;  /* samples [first, first + samples) of the run */
    uint64_t cycle_first, cycle_last;   /* cycle window; cycle_last 0 = open */
};

struct chip_waves;

/* Declares the signals and attaches the observer; NULL with a message on error
 * (bad file name, bad core list). */
struct chip_waves *chip_waves_open(struct chip *c, const char *path, const struct wave_select *sel,
                                   char *err, size_t errlen);
/* Called by the chip at each step start: sample index, step index. */
void chip_waves_step(struct chip_waves *cw, uint64_t cycle, uint64_t sample, uint32_t step);
/* Called by the chip in every cycle the network is busy: router buffer and credit signals. */
void chip_waves_cycle(struct chip_waves *cw, uint64_t cycle);
int chip_waves_close(struct chip_waves *cw, char *err, size_t errlen);
/* Spikes written, per event kind (enum core_event), for tests. */
uint64_t chip_waves_count(const struct chip_waves *cw, int event);
#endif
