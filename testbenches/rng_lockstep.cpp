// Lockstep bench of rtl/rng.sv against struct rng_unit (models/rng.h): the same
// seeded load/draw stimulus, seeds from rng_seed() over every domain and kind
// (plus raw and zero words), compared after every rising edge.
#include "Vrng.h"
#include "lockstep.h"
extern "C" {
#include "rng.h"
}

int main(int argc, char **argv)
{
    lockstep::Bench b(argc, argv, "rng");
    return b.main([](lockstep::Bench &b) {
        Vrng top(b.ctx());
        b.attach(&top);
        struct rng_unit m;
        rng_unit_reset(&m);
        while (b.next()) {
            // Constrained-random ports: a rare reset, loads of real unit seeds, mostly draws.
            bool rst = b.cycle < 2 || b.rnd.chance(1, 100000);
            bool load = b.rnd.chance(1, 64);
            uint32_t seed;
            switch (b.rnd.range(0, 7)) {
            case 0: seed = 0; break;
            case 1: seed = b.rnd.u32(); break;
            default:
                seed = rng_seed(b.rnd.u64(), (int)b.rnd.range(0, 1), (int)b.rnd.range(RNG_INPUT, RNG_SHUFFLE),
                                b.rnd.range(0, 1 << 20));
            }
            bool draw = b.rnd.chance(7, 8);
            top.rst_ni = !rst;
            top.load_i = load;
            top.seed_i = seed;
            top.draw_i = draw;
            b.tick(&top);
#ifdef PLANT_C_BUG_RNG_SEED
            if (load && seed == 0) seed = 1;    // the C side forgets the zero-seed rule
#endif
            if (rst) rng_unit_reset(&m);
            else rng_unit_step(&m, load, seed, draw);
            // (name, expected, got): the register and both outputs
            b.cmp("state_o", m.state, top.state_o);
            b.cmp("next_o", rng_unit_next(&m), top.next_o);
        }
    });
}
