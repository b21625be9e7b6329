// Crossbar tile: an XbarRows x XbarCols array of RPU conductance states with the
// three operations of an RPU (docs/chip.md "Crossbar tiles", docs/bit-contract.md §4-5):
// forward read into column sums, backward read of two columns, and the coincidence
// update. Ideal device only: unit steps, hard symmetric bounds +-Nmax, no noise (the
// device options of models/rpu.c are not in RTL; docs/rtl.md). C cycle model:
// crossbar_cycle_* in models/crossbar.c, on the chip's own crossbar_read_row,
// crossbar_read_back and crossbar_pulse.
//
// Cycle contract (one rising edge; every read sees the states before the edge):
//   acc_clr_i       column sums <- 0 (before this cycle's forward read is added)
//   fwd_i           column sums += row fwd_row_i                     (crossbar_read_row)
//   upd_i           cell (r, c) with upd_rows_i[r]: one down step if upd_dn_i[c], then one
//                   up step if upd_up_i[c], each clamped to +-Nmax   (crossbar_pulse)
//   wr_i            cell (wr_row_i, wr_col_i) <- wr_state_i, after any pulse on it (host
//                   programming of the initial states)
//   back_i          counts one backward read (the read itself is combinational)
//   reset           states, column sums and counters <- 0
// Out-of-range row or column numbers make fwd_i, wr_i and back_o no-ops (back_o = 0).
// Outputs: acc_o (registered column sums), back_o[r] = cell[r][back_pos_col_i] -
// cell[r][back_neg_col_i] (combinational: e+ drives column o, e- column y in the cycle
// the WTA block decides), and the event counters the energy model prices.
module crossbar #(
  parameter int  XbarRows  = 256,    // chip.xbar_rows
  parameter int  XbarCols  = 256,    // chip.xbar_cols
  parameter int  StateBits = 16,     // conductance state, two's complement (int16)
  parameter real DwMin     = 0.001,  // device.dw_min
  parameter real WMax      = 0.6,    // device.w_max: bounds +-round(w_max / dw_min) states
  parameter int  AccBits   = 32,     // column sums (int32 membranes)
  localparam int RowW      = XbarRows > 1 ? $clog2(XbarRows) : 1,
  localparam int ColW      = XbarCols > 1 ? $clog2(XbarCols) : 1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // host programming of one cell
  input  logic                        wr_i,
  input  logic [RowW-1:0]             wr_row_i,
  input  logic [ColW-1:0]             wr_col_i,
  input  logic signed [StateBits-1:0] wr_state_i,
  // forward read
  input  logic                        acc_clr_i,
  input  logic                        fwd_i,
  input  logic [RowW-1:0]             fwd_row_i,
  // backward read
  input  logic                        back_i,
  input  logic [ColW-1:0]             back_pos_col_i,
  input  logic [ColW-1:0]             back_neg_col_i,
  // coincidence update
  input  logic                        upd_i,
  input  logic [XbarRows-1:0]         upd_rows_i,
  input  logic [XbarCols-1:0]         upd_up_i,
  input  logic [XbarCols-1:0]         upd_dn_i,
  // results
  output logic signed [AccBits-1:0]   acc_o [XbarCols],
  output logic signed [StateBits:0]   back_o [XbarRows],
  output logic [63:0]                 rows_driven_o,
  output logic [63:0]                 back_reads_o,
  output logic [63:0]                 pulses_up_o,
  output logic [63:0]                 pulses_dn_o
);
  localparam int Nmax = int'(WMax / DwMin);   // lround(w_max / dw_min), as rpu_params_init
  localparam logic signed [StateBits-1:0] Hi = StateBits'(Nmax);
  localparam logic signed [StateBits-1:0] Lo = StateBits'(-Nmax);
  localparam int CntW = $clog2(XbarRows + 1) + $clog2(XbarCols + 1);

  // The architectural state: conductance states, column sums, counters.
  logic signed [StateBits-1:0] cell_q [XbarRows][XbarCols] /* verilator public_flat_rd */;
  logic signed [StateBits-1:0] cell_d [XbarRows][XbarCols];
  logic signed [AccBits-1:0]   acc_q [XbarCols], acc_d [XbarCols];
  logic [63:0] rows_driven_q, back_reads_q, pulses_up_q, pulses_dn_q;
  logic [63:0] rows_driven_d, back_reads_d, pulses_up_d, pulses_dn_d;

  logic fwd_ok, wr_ok, back_ok;
  assign fwd_ok  = fwd_i && (32'(fwd_row_i) < XbarRows);
  assign wr_ok   = wr_i && (32'(wr_row_i) < XbarRows) && (32'(wr_col_i) < XbarCols);
  assign back_ok = (32'(back_pos_col_i) < XbarCols) && (32'(back_neg_col_i) < XbarCols);

  // Coincidence update and programming, cell by cell.
  always_comb begin
    for (int r = 0; r < XbarRows; r++) begin
      for (int c = 0; c < XbarCols; c++) begin
        logic signed [StateBits-1:0] n;
        logic up, dn;
        n  = cell_q[r][c];
`ifdef PLANT_BUG_XBAR_SIGN
        up = upd_i && upd_rows_i[r] && upd_dn_i[c];
        dn = upd_i && upd_rows_i[r] && upd_up_i[c];
`else
        up = upd_i && upd_rows_i[r] && upd_up_i[c];
        dn = upd_i && upd_rows_i[r] && upd_dn_i[c];
`endif
        if (dn && n > Lo) begin
          n = n - 1'b1;
        end
`ifdef PLANT_BUG_XBAR_NO_CLAMP
        if (up && n != {1'b0, {(StateBits-1){1'b1}}}) begin
`else
        if (up && n < Hi) begin
`endif
          n = n + 1'b1;
        end
        if (wr_ok && 32'(wr_row_i) == r && 32'(wr_col_i) == c) begin
          n = wr_state_i;
        end
        cell_d[r][c] = n;
      end
    end
  end

  // Forward read into the column sums.
  always_comb begin
    for (int c = 0; c < XbarCols; c++) begin
      acc_d[c] = acc_clr_i ? '0 : acc_q[c];
      if (fwd_ok) begin
        acc_d[c] = acc_d[c] + AccBits'(cell_q[fwd_row_i][c]);
      end
    end
  end

  // Backward read: e+ on column back_pos_col_i, e- on back_neg_col_i.
  always_comb begin
    for (int r = 0; r < XbarRows; r++) begin
      if (back_ok) begin
        back_o[r] = (StateBits+1)'(cell_q[r][back_pos_col_i]) - (StateBits+1)'(cell_q[r][back_neg_col_i]);
      end else begin
        back_o[r] = '0;
      end
    end
  end

  // Counters: pulses are (rows driven) x (columns driven), saturated or not.
  logic [CntW-1:0] n_rows, n_up, n_dn;
  always_comb begin
    n_rows = '0;
    n_up   = '0;
    n_dn   = '0;
    for (int r = 0; r < XbarRows; r++) begin
      n_rows = n_rows + CntW'(upd_rows_i[r]);
    end
    for (int c = 0; c < XbarCols; c++) begin
      n_up = n_up + CntW'(upd_up_i[c]);
      n_dn = n_dn + CntW'(upd_dn_i[c]);
    end
    rows_driven_d = rows_driven_q + 64'(fwd_ok);
    back_reads_d  = back_reads_q + 64'(back_i && back_ok);
    pulses_up_d   = pulses_up_q;
    pulses_dn_d   = pulses_dn_q;
    if (upd_i) begin
      pulses_up_d = pulses_up_q + 64'(n_rows) * 64'(n_up);
      pulses_dn_d = pulses_dn_q + 64'(n_rows) * 64'(n_dn);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      cell_q        <= '{default: '{default: '0}};
      acc_q         <= '{default: '0};
      rows_driven_q <= '0;
      back_reads_q  <= '0;
      pulses_up_q   <= '0;
      pulses_dn_q   <= '0;
    end else begin
      cell_q        <= cell_d;
      acc_q         <= acc_d;
      rows_driven_q <= rows_driven_d;
      back_reads_q  <= back_reads_d;
      pulses_up_q   <= pulses_up_d;
      pulses_dn_q   <= pulses_dn_d;
    end
  end

  assign acc_o         = acc_q;
  assign rows_driven_o = rows_driven_q;
  assign back_reads_o  = back_reads_q;
  assign pulses_up_o   = pulses_up_q;
  assign pulses_dn_o   = pulses_dn_q;
endmodule
