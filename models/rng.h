/* Random streams: one xorshift32 generator per stochastic unit (docs/bit-contract.md §2).
 * xorshift32 is three shifts and three XORs on a 32-bit register: as cheap as
 * silicon randomness gets, and good enough in its top 16 bits for Bernoulli draws
 * at the resolutions we use. Each unit's stream is seeded from the run seed and
 * the unit's identity, never from a shared generator, so any engine (golden,
 * cycle-level chip, RTL) reproduces every draw whatever order it evaluates units in. */
#ifndef RNG_H
#define RNG_H
#include <stdint.h>

/* Stream kinds: with the unit index they name a stream uniquely. */
enum rng_kind {
    RNG_INPUT = 1,      /* Bernoulli encoder of input pixel i */
    RNG_HID_FWD,        /* forward unit of hidden neuron j */
    RNG_HID_DERIV,      /* derivative unit of hidden neuron j */
    RNG_HID_BACK,       /* backward spike generator of hidden row j */
    RNG_WTA,            /* the WTA block's categorical draw */
    RNG_GATE,           /* the update gate (learning-rate schedule) */
    RNG_NOISE_HID,      /* read noise of hidden column j */
    RNG_NOISE_OUT,      /* read noise of output column k */
    RNG_NOISE_BACK,     /* read noise of the backward read of W2 row j */
    RNG_CELL_W1,        /* cycle-to-cycle draws of W1 cell (i * hidden + j) */
    RNG_CELL_W2,        /* cycle-to-cycle draws of W2 cell (j * output + k) */
    RNG_INIT_W1,        /* initial weights and device-to-device parameters */
    RNG_INIT_W2,
    RNG_SHUFFLE,        /* sample order of each epoch (host side) */
};

/* Domains separate stream families that must never overlap: training streams,
 * and the fresh streams each evaluation of the test set starts from. */
enum rng_domain { RNG_TRAIN = 0, RNG_EVAL = 1 };

/* Hidden layer l >= 2 of a deep network (docs/depth.md) draws from the kinds of
 * hidden layer 1 (forward, derivative, backward, read noise; W1's init and cell
 * kinds for its matrix W^l) in a domain of its own: 2(l-1) for training,
 * 2(l-1) + 1 for evaluation. Layer 1 keeps domains 0 and 1, so a one-hidden-layer
 * network draws exactly what it always did. */
static inline int rng_layer_domain(int domain, int layer) { return domain + 2 * (layer - 1); }

static inline uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* The 16-bit uniform that every Bernoulli draw compares against: the top half. */
static inline uint32_t rng_u16(uint32_t *s) { return xorshift32(s) >> 16; }

/* splitmix64's output function (inline: the NoC's traffic draws one per node per cycle). */
static inline uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
/* Initial state of stream (domain, kind, index) for a run seed; never zero. */
uint32_t rng_seed(uint64_t run_seed, int domain, int kind, uint64_t index);
/* Approximately standard normal integer: the sum of the four bytes of one
 * draw, centred (Irwin-Hall, n = 4): mean 0, std RNG_IH_STD. */
#define RNG_IH_STD 147.8006765
static inline int32_t rng_irwin_hall(uint32_t *s)
{
    uint32_t x = xorshift32(s);
    return (int32_t)((x & 255) + ((x >> 8) & 255) + ((x >> 16) & 255) + (x >> 24)) - 510;
}

/* The random-stream unit as a clocked component, the cycle model of rtl/rng.sv:
 * a load port for the seed the host computes with rng_seed(), and a draw port.
 * rng_unit_step is one rising edge; `state` is the register (the word the last
 * draw returned) and rng_unit_next() the word a draw in this cycle returns. */
#define RNG_ZERO_FIX 0x6D2B79F5u    /* what a zero seed becomes (no zero state) */
struct rng_unit { uint32_t state; };
static inline void rng_unit_reset(struct rng_unit *u) { u->state = RNG_ZERO_FIX; }
static inline uint32_t rng_unit_next(const struct rng_unit *u)
{
    uint32_t x = u->state;
    return xorshift32(&x);
}
static inline void rng_unit_step(struct rng_unit *u, int load, uint32_t seed, int draw)
{
    if (load) u->state = seed ? seed : RNG_ZERO_FIX;
    else if (draw) xorshift32(&u->state);
}

/* The state whose next draw returns w (xorshift32 is a bijection on non-zero words):
 * lets a test steer a draw onto a comparator's edge, e.g. u16 == P exactly. */
static inline uint32_t rng_preimage(uint32_t w)
{
    uint32_t x = w;
    x ^= x << 5; x ^= x << 10; x ^= x << 20;   /* undo x ^= x << 5 */
    x ^= x >> 17;                               /* undo x ^= x >> 17 */
    x ^= x << 13; x ^= x << 26;                 /* undo x ^= x << 13 */
    return x;
}
#endif
