/* Which MPI rank runs which sweep point: longest-first dealing on an estimated
 * cost, the same on every rank, so no messages are needed to agree on it. */
#ifndef SWEEP_DEAL_H
#define SWEEP_DEAL_H
#include "config.h"

#include <stdint.h>

/* Relative cost of one point's training run and test (spike steps times the
 * hidden neurons they drive): what makes a T = 128 point 128x a T = 1 one. */
double sweep_point_cost(const struct config *cfg);

/* owner[p] = the rank that runs point p of n, for `ranks` ranks: points taken
 * from the most to the least costly (ties: lower index first), each to the rank
 * with the least cost so far (ties: lower rank). Deterministic. */
void sweep_deal(const double *cost, int n, int ranks, int *owner);
#endif
