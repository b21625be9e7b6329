/* Seeding of the per-unit xorshift32 streams (docs/bit-contract.md §2). */
#include "rng.h"

uint32_t rng_seed(uint64_t run_seed, int domain, int kind, uint64_t index)
{
    /* Two rounds: the unit identity is mixed first so that neighbouring
     * indices land far apart, then combined with the run seed. */
    uint64_t id = ((uint64_t)(uint32_t)domain << 56) ^ ((uint64_t)(uint32_t)kind << 48) ^ index;
    uint32_t s = (uint32_t)(splitmix64(run_seed ^ splitmix64(id)) >> 32);
    return s ? s : 0x6D2B79F5u;   /* xorshift32 has no zero state */
}
