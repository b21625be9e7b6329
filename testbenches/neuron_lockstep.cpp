// Lockstep bench of rtl/neuron.sv against neuron_unit_step (models/neuron.c), whose
// evaluation is neuron_fire(), the hidden cores' own. The sigmoid table is written
// from activation_init() at start, so RTL and C read the same words. Stimulus: seed
// loads, evaluations with membranes across and beyond the table (clamps, extremes),
// learning on and off, backward spikes, and draws steered onto the edge of the units'
// comparators (u16 = P - 1, P, P + 1); compared after every rising edge: outputs,
// every slot's two stream registers and its spikes.
#include "Vneuron.h"
#include "Vneuron___024root.h"
#include "lockstep.h"
extern "C" {
#include "activation.h"
#include "neuron.h"
}

static const int Slots = (P_CoreNeurons + P_NeuronLanes - 1) / P_NeuronLanes;
static const int IdxW = Slots > 1 ? 32 - __builtin_clz(Slots - 1) : 1;

int main(int argc, char **argv)
{
    lockstep::Bench b(argc, argv, "neuron");
    struct activation act;
    if (activation_init(&act, P_DwMin)) { perror("activation_init"); return 1; }
    b.mem_file("sigmoid.mem", act.sigmoid, (size_t)(2 * act.smax + 1), 4);
    int rc = b.main([&](lockstep::Bench &b) {
        Vneuron top(b.ctx());
        b.attach(&top);
        struct neuron_unit m;
        if (neuron_unit_init(&m, Slots, &act)) { perror("neuron_unit_init"); exit(1); }
        const int32_t smax = act.smax;
        const int32_t corner[] = {0, 1, -1, smax, -smax, smax + 1, -smax - 1, smax - 1, 1 - smax,
                                  INT32_MAX, INT32_MIN, INT32_MIN + 1, 4 * smax, -4 * smax};
        int plan = 0, plan_slot = 0;
        int32_t plan_m = 0;
        while (b.next()) {
            bool rst = b.cycle < 2 || b.rnd.chance(1, 100000);
            struct neuron_in in = {};
            in.seed_fwd = b.rnd.chance(1, 24);
            in.seed_deriv = b.rnd.chance(1, 24);
            in.seed_idx = (int)b.rnd.range(0, (1 << IdxW) - 1);
            in.seed = b.rnd.chance(1, 16) ? 0 : b.rnd.u32();
            in.fire = b.rnd.chance(3, 4);
            in.fire_idx = (int)(b.rnd.chance(15, 16) ? b.rnd.range(0, Slots - 1) : b.rnd.range(0, (1 << IdxW) - 1));
            in.learn = b.rnd.chance(3, 4);
            switch (b.rnd.range(0, 7)) {
            case 0: in.membrane = b.rnd.pick(corner); break;
            case 1: in.membrane = (int32_t)b.rnd.u32(); break;
            case 2: case 3: in.membrane = (int32_t)b.rnd.range(-smax - 64, smax + 64); break;
            default: in.membrane = (int32_t)b.rnd.range(-4000, 4000);    // where sigmoid is neither 0 nor 1
            }
            in.back = b.rnd.chance(1, 2);
            in.back_idx = (int)b.rnd.range(0, (1 << IdxW) - 1);
            in.back_neg = b.rnd.chance(1, 2);
            // Steered draws: load a slot's two streams with the preimages of words whose
            // top halves sit on P - 1, P or P + 1, then evaluate it: every comparator of the
            // forward and derivative units is hit at its edge, not once in 65536 draws.
            if (plan == 0 && b.rnd.chance(1, 6)) {
                plan = 1;
                plan_slot = (int)b.rnd.range(0, Slots - 1);
                plan_m = b.rnd.chance(7, 8) ? (int32_t)b.rnd.range(-smax - 2, smax + 2) : b.rnd.pick(corner);
            }
            if (plan == 1 || plan == 2) {       // load fwd, then deriv; the slot does not fire
                uint32_t p = act_sigmoid(&act, plan_m);
                int64_t e = (int64_t)p + b.rnd.range(-1, 1);
                uint32_t w = (uint32_t)(e < 0 ? 0 : e > 65535 ? 65535 : e) << 16 | (uint32_t)b.rnd.range(1, 65535);
                in.seed_fwd = plan == 1;
                in.seed_deriv = plan == 2;
                in.seed_idx = plan_slot;
                in.seed = rng_preimage(w);
                if (in.fire_idx == plan_slot) in.fire = 0;
                plan++;
            } else if (plan == 3) {             // evaluate it on the edge
                in.seed_fwd = in.seed_deriv = 0;
                in.fire = 1;
                in.fire_idx = plan_slot;
                in.membrane = plan_m;
                in.learn = b.rnd.chance(7, 8);
                plan = 0;
            }

            top.rst_ni = !rst;
            top.seed_fwd_i = in.seed_fwd;
            top.seed_deriv_i = in.seed_deriv;
            top.seed_idx_i = in.seed_idx;
            top.seed_i = in.seed;
            top.fire_i = in.fire;
            top.fire_idx_i = in.fire_idx;
            top.learn_i = in.learn;
            top.membrane_i = (uint32_t)in.membrane;
            top.back_i = in.back;
            top.back_idx_i = in.back_idx;
            top.back_neg_i = in.back_neg;
            b.tick(&top);

#ifdef PLANT_C_BUG_NEURON_LEARN
            in.learn = 1;   // the C side draws the derivative unit in inference too
#endif
            if (rst) neuron_unit_reset(&m);
            else neuron_unit_step(&m, &in);

            // (name, expected, got)
            b.cmp("fire_valid_o", m.fire_valid, top.fire_valid_o);
            b.cmp("fire_idx_o", m.fire_idx, top.fire_idx_o);
            b.cmp("prob_o", m.prob, top.prob_o);
            b.cmp("spike_o", m.spike, top.spike_o);
            b.cmp("deriv_o", m.deriv_out, top.deriv_o);
            b.cmp("grad_valid_o", m.grad_valid, top.grad_valid_o);
            b.cmp("grad_idx_o", m.grad_idx, top.grad_idx_o);
            b.cmp("grad_pos_o", m.grad_pos, top.grad_pos_o);
            b.cmp("grad_neg_o", m.grad_neg, top.grad_neg_o);
            for (int n = 0; n < Slots; n++) {
                b.cmp("h_o", n, m.h[n], (top.h_o >> n) & 1);
                b.cmp("d_o", n, m.d[n], (top.d_o >> n) & 1);
                b.cmp("fwd_state", n, m.fwd[n], top.rootp->neuron__DOT__fwd_state[n]);
                b.cmp("deriv_state", n, m.deriv[n], top.rootp->neuron__DOT__deriv_state[n]);
            }
        }
        neuron_unit_free(&m);
    });
    activation_free(&act);
    return rc;
}
