/* The train and infer commands: load data, run SSNN-BP (and the float ANN
 * baseline) epoch by epoch, evaluate, checkpoint, and write the result file. */
#ifndef TRAIN_H
#define TRAIN_H
#include <stddef.h>

struct config;

struct run_opts {
    const char *out;        /* result JSON path, or NULL */
    const char *resume;     /* checkpoint to continue from, or NULL */
    const char *checkpoint; /* overrides training.checkpoint when set */
    const char *engine;     /* "golden" */
    int quiet;
};

/* Both return an exit status: 0 ok, 1 runtime failure, 2 bad input; messages
 * have already been printed to stderr. */
int train_command(const struct config *cfg, const struct run_opts *o);
int infer_command(const struct config *cfg, const struct run_opts *o);
#endif
