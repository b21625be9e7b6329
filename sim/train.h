/* The train and infer commands: load data, run SSNN-BP (and the float ANN
 * baseline) epoch by epoch, evaluate, checkpoint, and write the result file. */
#ifndef TRAIN_H
#define TRAIN_H
#include <stddef.h>
#include <stdint.h>

#include "chip_waves.h"

#include "energy.h"

struct config;
struct run_files;

struct run_opts {
    const char *out;        /* result JSON path, or NULL */
    const char *resume;     /* checkpoint to continue from, or NULL */
    const char *checkpoint; /* overrides training.checkpoint when set */
    const char *engine;     /* "golden" */
    int quiet;
    int check;              /* assert flit conservation at every step (chip engine) */
    const char *waves;      /* waveform file (.fst or .vcd), chip engine only */
    struct wave_select wave_sel;
    int partition;          /* cut the chip over the MPI ranks (train, infer with several ranks) */
    int mute;               /* write no file and print nothing (MPI ranks other than 0) */
    struct run_files *files;/* sweep: the outputs its points' files must not be (run_files.h), or NULL */
};

struct run_summary {
    int epochs_done;
    double test_wta, test_rate, ann_test, train_wta;  /* of the last epoch; -1 if absent */
    char weights_sha256[65];
    double train_seconds;       /* wall clock, for progress and benchmarks only */
    uint64_t samples_trained;
    int has_energy;             /* --engine chip: energy below is set */
    struct energy_report energy;/* what training and evaluation cost (models/energy.h) */
};

/* Trains as train_command does and fills `sum` (may be NULL). */
int train_run(const struct config *cfg, const struct run_opts *o, struct run_summary *sum);

/* Both return an exit status: 0 ok, 1 runtime failure, 2 bad input; messages
 * have already been printed to stderr. */
int train_command(const struct config *cfg, const struct run_opts *o);
int infer_command(const struct config *cfg, const struct run_opts *o);
#endif
