#include "sweep.h"
#include <stdio.h>
int sweep_command(const char *path, const struct config_override *sets, int n_sets,
                  const char *csv, const struct run_opts *o)
{
    (void)path; (void)sets; (void)n_sets; (void)csv; (void)o;
    fprintf(stderr, "sweep: TODO\n");
    return 2;
}
