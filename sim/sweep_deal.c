/* Longest-processing-time-first dealing of sweep points over ranks. Round-robin
 * dealing (point p on rank p mod N) puts T = 2, 8, 32, 128 of an accuracy-vs-T
 * sweep on one of two ranks and T = 1, 4, 16, 64 on the other: twice the work.
 * Dealing the costliest point first to the least-loaded rank is within 4/3 of
 * the best static split (Graham 1969) and needs only the points' configs,
 * which every rank has already loaded to check them. */
#include "sweep_deal.h"

#include <stdlib.h>

double sweep_point_cost(const struct config *cfg)
{
    const struct training_cfg *t = &cfg->training;
    /* 0 = the whole set: the size is not known before loading it; MNIST's. */
    double train = t->samples ? t->samples : 60000, test = t->test_samples ? t->test_samples : 10000;
    double width = (double)cfg->network.hidden + cfg->network.output;
    return ((double)t->epochs * t->T * train + (double)(t->epochs) * t->T_test * test) * width;
}

void sweep_deal(const double *cost, int n, int ranks, int *owner)
{
    int *order = malloc((size_t)n * sizeof *order);
    double *load = calloc((size_t)ranks, sizeof *load);
    if (!order || !load) abort();
    for (int p = 0; p < n; p++) order[p] = p;
    /* Insertion sort, costliest first, stable: sweeps have at most a few hundred points. */
    for (int i = 1; i < n; i++) {
        int p = order[i], j = i;
        for (; j > 0 && cost[order[j - 1]] < cost[p]; j--) order[j] = order[j - 1];
        order[j] = p;
    }
    for (int i = 0; i < n; i++) {
        int best = 0;
        for (int r = 1; r < ranks; r++)
            if (load[r] < load[best]) best = r;
        owner[order[i]] = best;
        load[best] += cost[order[i]];
    }
    free(order);
    free(load);
}
