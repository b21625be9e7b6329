/* The sweep command: one training run per design point of a sweep file. */
#ifndef SWEEP_H
#define SWEEP_H
#include "config.h"
#include "train.h"

int sweep_command(const char *path, const struct config_override *sets, int n_sets,
                  const char *csv, const struct run_opts *o);
#endif
