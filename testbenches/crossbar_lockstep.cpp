// Lockstep bench of rtl/crossbar.sv against crossbar_cycle_* (models/crossbar.c): host
// writes biased towards the bounds, forward reads, backward reads and coincidence
// updates of random density (up and down on the same cell included), compared after
// every rising edge: column sums, backward read, counters and every cell state.
#include "Vcrossbar.h"
#include "Vcrossbar___024root.h"
#include "lockstep.h"
#include <vector>
extern "C" {
#include "crossbar.h"
}

static const int Rows = P_XbarRows, Cols = P_XbarCols;
static const int RowW = Rows > 1 ? 32 - __builtin_clz(Rows - 1) : 1;
static const int ColW = Cols > 1 ? 32 - __builtin_clz(Cols - 1) : 1;

// Sets bits [0, n) of a Verilator port from flags (any width).
template <class P> static void set_bits(P &port, const std::vector<uint8_t> &f)
{
    if constexpr (std::is_integral<P>::value) {
        port = 0;
        for (size_t i = 0; i < f.size(); i++)
            if (f[i]) port |= (P)1 << i;
    } else {
        for (auto &w : port.m_storage) w = 0;
        for (size_t i = 0; i < f.size(); i++)
            if (f[i]) port.m_storage[i / 32] |= 1u << (i % 32);
    }
}

// A row mask: empty, full, or each row with a density drawn for this cycle.
static void random_mask(lockstep::Bench &b, std::vector<uint8_t> &f)
{
    int kind = (int)b.rnd.range(0, 9);
    uint32_t dens = (uint32_t)b.rnd.range(1, 7);
    for (auto &x : f) x = kind == 0 ? 0 : kind == 1 ? 1 : b.rnd.chance(dens, 8);
}

int main(int argc, char **argv)
{
    lockstep::Bench b(argc, argv, "crossbar");
    return b.main([](lockstep::Bench &b) {
        Vcrossbar top(b.ctx());
        b.attach(&top);
        struct crossbar_cycle m;
        if (crossbar_cycle_init(&m, Rows, Cols, P_DwMin, P_WMax)) { perror("crossbar_cycle_init"); exit(1); }
        const int nmax = m.x.cells.p.nmax;
        const int16_t corner[] = {0, 1, -1, (int16_t)nmax, (int16_t)-nmax, (int16_t)(nmax - 1),
                                  (int16_t)(1 - nmax), (int16_t)(nmax + 1), (int16_t)(-nmax - 1), 32767, -32768};
        std::vector<uint8_t> rows(Rows), up(Cols), dn(Cols);
        auto &cell = top.rootp->crossbar__DOT__cell_q;
        while (b.next()) {
            bool rst = b.cycle < 2 || b.rnd.chance(1, 200000);
            struct crossbar_in in = {};
            // host programming: mostly legal states, often at or next to a bound
            in.wr = b.rnd.chance(1, 6);
            in.wr_row = (int)b.rnd.range(0, (1 << RowW) - 1);
            in.wr_col = (int)b.rnd.range(0, (1 << ColW) - 1);
            in.wr_state = b.rnd.chance(1, 3) ? b.rnd.pick(corner) : (int16_t)b.rnd.range(-nmax, nmax);
            // reads: any row or column number the port can carry, in range mostly
            in.acc_clr = b.rnd.chance(1, 16);
            in.fwd = b.rnd.chance(1, 2);
            in.fwd_row = (int)(b.rnd.chance(15, 16) ? b.rnd.range(0, Rows - 1) : b.rnd.range(0, (1 << RowW) - 1));
            in.back = b.rnd.chance(1, 2);
            in.back_pos_col = (int)(b.rnd.chance(31, 32) ? b.rnd.range(0, Cols - 1) : b.rnd.range(0, (1 << ColW) - 1));
            in.back_neg_col = (int)(b.rnd.chance(1, 8) ? in.back_pos_col : b.rnd.range(0, Cols - 1));
            // coincidence update
            in.upd = b.rnd.chance(1, 2);
            random_mask(b, rows);
            random_mask(b, up);
            random_mask(b, dn);
            if (b.rnd.chance(3, 4))   // mostly the chip's case: up and down never on one column
                for (int c = 0; c < Cols; c++) dn[c] &= !up[c];
            in.upd_rows = rows.data();
            in.upd_up = up.data();
            in.upd_dn = dn.data();

            top.rst_ni = !rst;
            top.wr_i = in.wr;
            top.wr_row_i = in.wr_row;
            top.wr_col_i = in.wr_col;
            top.wr_state_i = (uint16_t)in.wr_state;
            top.acc_clr_i = in.acc_clr;
            top.fwd_i = in.fwd;
            top.fwd_row_i = in.fwd_row;
            top.back_i = in.back;
            top.back_pos_col_i = in.back_pos_col;
            top.back_neg_col_i = in.back_neg_col;
            top.upd_i = in.upd;
            set_bits(top.upd_rows_i, rows);
            set_bits(top.upd_up_i, up);
            set_bits(top.upd_dn_i, dn);
            b.tick(&top);

#ifdef PLANT_C_BUG_XBAR_BACK
            std::swap(in.back_pos_col, in.back_neg_col);   // the C side reads e+ and e- swapped
#endif
            if (rst) crossbar_cycle_reset(&m);
            else crossbar_cycle_step(&m, &in);
            crossbar_cycle_eval(&m, &in);

            // (name, expected, got)
            for (int c = 0; c < Cols; c++) b.cmp("acc_o", c, m.acc[c], (int32_t)top.acc_o[c]);
            for (int r = 0; r < Rows; r++)
                b.cmp("back_o", r, m.back[r], (int64_t)((int32_t)(top.back_o[r] << 15) >> 15));
            b.cmp("rows_driven_o", (int64_t)m.x.c.rows_driven, (int64_t)top.rows_driven_o);
            b.cmp("back_reads_o", (int64_t)m.x.c.back_reads, (int64_t)top.back_reads_o);
            b.cmp("pulses_up_o", (int64_t)m.x.cells.pulses_up, (int64_t)top.pulses_up_o);
            b.cmp("pulses_dn_o", (int64_t)m.x.cells.pulses_down, (int64_t)top.pulses_dn_o);
            for (int r = 0; r < Rows; r++)
                for (int c = 0; c < Cols; c++)
                    b.cmp("cell_q", (long)r * Cols + c, m.x.cells.w[r * Cols + c], (int16_t)cell[r][c]);
        }
        crossbar_cycle_free(&m);
    });
}
