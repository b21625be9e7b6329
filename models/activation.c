/* Filling the sigmoid and exp tables (docs/bit-contract.md §3). The host computes
 * them once in double precision and rounds to the stated widths; from then on
 * every engine reads the same integers. */
#include "activation.h"

#include <math.h>
#include <stdlib.h>

int activation_init(struct activation *a, double dw_min)
{
    /* sigma(12) rounds to 65536 in q0.16 and exp(-11.1) to 0 in q16.16:
     * past these points the tables would only repeat their end value. */
    a->smax = (int32_t)ceil(12.0 / dw_min);
    a->dmax = (int32_t)ceil(11.1 / dw_min);
    a->sigmoid = malloc((size_t)(2 * a->smax + 1) * sizeof *a->sigmoid);
    a->exp = malloc((size_t)(a->dmax + 1) * sizeof *a->exp);
    if (!a->sigmoid || !a->exp) { activation_free(a); return -1; }
    for (int32_t s = -a->smax; s <= a->smax; s++) {
        double p = 1.0 / (1.0 + exp(-(double)s * dw_min));
        long q = lround(p * 65536.0);
        a->sigmoid[s + a->smax] = (uint16_t)(q > 65535 ? 65535 : q);
    }
    for (int32_t d = 0; d <= a->dmax; d++)
        a->exp[d] = (uint32_t)lround(65536.0 * exp(-(double)d * dw_min));
    return 0;
}

size_t activation_bytes(const struct activation *a)
{
    return (size_t)(2 * a->smax + 1) * sizeof *a->sigmoid + (size_t)(a->dmax + 1) * sizeof *a->exp;
}

void activation_free(struct activation *a)
{
    free(a->sigmoid);
    free(a->exp);
    a->sigmoid = NULL;
    a->exp = NULL;
}
