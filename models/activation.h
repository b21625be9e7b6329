/* The neuron's nonlinearities as the hardware holds them: two lookup tables
 * filled once from the device step (docs/bit-contract.md §3).
 *   sigmoid: firing probability, q0.16, indexed by the membrane sum in device
 *            states (S * dw_min is the weight-domain membrane), clamped at +-smax;
 *   exp:     WTA race weights, q16.16 (1.0 = 65536), indexed by the distance
 *            below the winning membrane, zero past dmax.
 * Tables are the contract: the RTL loads the same words ($readmemh). */
#ifndef ACTIVATION_H
#define ACTIVATION_H
#include <stddef.h>
#include <stdint.h>

struct activation {
    int32_t smax;           /* sigmoid table covers S in [-smax, smax] */
    uint16_t *sigmoid;      /* 2*smax+1 entries; sigmoid[S + smax] */
    int32_t dmax;           /* exp table covers D in [0, dmax]; exp(D > dmax) = 0 */
    uint32_t *exp;          /* dmax+1 entries */
};

int activation_init(struct activation *a, double dw_min);
void activation_free(struct activation *a);
/* Bytes of the two tables (what activation_init allocates). */
size_t activation_bytes(const struct activation *a);

static inline uint32_t act_sigmoid(const struct activation *a, int32_t s)
{
    if (s > a->smax) s = a->smax;
    if (s < -a->smax) s = -a->smax;
    return a->sigmoid[s + a->smax];
}

static inline uint32_t act_exp(const struct activation *a, int32_t d)
{
    return d > a->dmax ? 0 : a->exp[d];
}
#endif
