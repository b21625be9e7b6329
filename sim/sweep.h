/* The sweep command: one training run per design point of a sweep file. */
#ifndef SWEEP_H
#define SWEEP_H
#include "config.h"
#include "train.h"

/* Loads and checks a sweep file without running it: 0 and its number of points, or
 * -1 with one "file:line:col: message" line in err. */
int sweep_check_file(const char *path, int *n_points, char *err, size_t errlen);

/* The table's default path, results/<the sweep's name>.csv: 0, or -1 with the
 * sweep file's first error in err. */
int sweep_table_path(const char *path, char *csv, size_t n, char *err, size_t errlen);

int sweep_command(const char *path, const struct config_override *sets, int n_sets,
                  const char *csv, const struct run_opts *o);
#endif
