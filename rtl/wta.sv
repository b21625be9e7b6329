// WTA block of the output core (docs/bit-contract.md §4.4-4.5): the race that lets
// exactly one output neuron fire, the update gate and error spikes, and the backward
// spike generators of the hidden rows. C cycle model: struct wta in models/wta.c,
// built on wta_weight/wta_threshold/wta_back_spike, the helpers the chip's output
// core calls (models/core.c).
//
// Phases (phase_q):
//   IDLE  start_i: take the membranes v_i, vmax = max v_i, learn_i, label_i, gate_q_i,
//         beta_q_i; clear the backward spikes                            -> EXP
//   EXP   NeuronLanes race weights a cycle, E_k = exp[vmax - v_k] (the table of
//         models/activation.c, $readmemh), into cum[k] = E_0 + ... + E_k
//                                        ceil(Output / NeuronLanes) cycles -> DRAW
//   DRAW  one WTA draw u, thr = (u * cum[Output-1]) >> 32; output k fires when
//         cum[k] > thr and no lower output does (lateral inhibition: the sums only
//         grow, so "no lower" is "not k-1"). One always fires: thr < cum[Output-1]
//         since u < 2^32 and cum[Output-1] >= exp[0] > 0. Learning: the gate draws,
//         open = u16(gate) < gate_q, err = open AND winner != label     -> BACK,
//         else gate_open = err = 0                                       -> IDLE
//   BACK  NeuronLanes backward generators a cycle: row j draws u = u16(back_j) and,
//         on err, fires b+ (r_j > 0) or b- when u < min(65535, (|r_j| * beta_q) >> 32)
//         (64-bit product), r_j = back_r_i[j], the W2 backward read with e+ on
//         winner_o and e- on the label (rtl/crossbar.sv back_o, combinational)
//                                        ceil(Hidden / NeuronLanes) cycles -> IDLE
// Seeds: seed_wta_i, seed_gate_i, seed_back_i (row seed_idx_i) load the streams with
// seed_i (rtl/rng.sv rules); a load wins over a draw of the same stream. start_i is
// ignored unless IDLE. Reset: streams <- 0x6D2B79F5, everything else <- 0.
// Outputs are registered: decided_o pulses after DRAW, done_o when the decision is
// complete (after DRAW, or after BACK when learning); busy_o while not IDLE.
module wta #(
  parameter int    Output      = 10,           // network.output
  parameter int    Hidden      = 500,          // network.hidden: backward generators
  parameter int    NeuronLanes = 16,           // chip.neuron_lanes
  parameter real   DwMin       = 0.001,        // device.dw_min: sizes the exp table
  parameter int    StateBits   = 16,           // conductance state (backward read: +1 bit)
  parameter string ExpFile     = "exp.mem",    // the table's words, written by the host
  localparam int   OutW        = Output > 1 ? $clog2(Output) : 1,
  localparam int   HidW        = Hidden > 1 ? $clog2(Hidden) : 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // stream seeds
  input  logic                      seed_wta_i,
  input  logic                      seed_gate_i,
  input  logic                      seed_back_i,
  input  logic [HidW-1:0]           seed_idx_i,
  input  logic [31:0]               seed_i,
  // a decision
  input  logic                      start_i,
  input  logic                      learn_i,
  input  logic [OutW-1:0]           label_i,
  input  logic [31:0]               gate_q_i,
  input  logic [63:0]               beta_q_i,
  input  logic signed [31:0]        v_i [Output],
  input  logic signed [StateBits:0] back_r_i [Hidden],
  // results
  output logic                      busy_o,
  output logic                      decided_o,
  output logic                      done_o,
  output logic [OutW-1:0]           winner_o,
  output logic                      gate_open_o,
  output logic                      err_o,
  output logic [Output-1:0]         fire_o,
  output logic [Hidden-1:0]         b_pos_o,
  output logic [Hidden-1:0]         b_neg_o
);
  localparam int Dmax    = int'($ceil(11.1 / DwMin));     // activation_init's dmax
  localparam int ExpW    = $clog2(Dmax + 1);
  localparam int TotW    = 17 + $clog2(Output + 1);       // sums of Output q16.16 weights <= 1
  localparam int OutGrps = (Output + NeuronLanes - 1) / NeuronLanes;
  localparam int HidGrps = (Hidden + NeuronLanes - 1) / NeuronLanes;
  localparam int GrpMax  = OutGrps > HidGrps ? OutGrps : HidGrps;
  localparam int GrpW    = GrpMax > 1 ? $clog2(GrpMax) : 1;

  typedef enum logic [1:0] {
    PhIdle = 2'd0,
    PhExp  = 2'd1,
    PhDraw = 2'd2,
    PhBack = 2'd3
  } phase_e;

  // The exp table, q16.16, exp[D] for D in [0, Dmax] (bit-contract §3).
  logic [16:0] exp_rom [Dmax + 1];
  initial begin
    $readmemh(ExpFile, exp_rom);
  end

  // ---- Streams.
  logic [31:0] wta_next, gate_next;
  logic [31:0] wta_state /* verilator public_flat_rd */;
  logic [31:0] gate_state /* verilator public_flat_rd */;
  logic [31:0] back_state [Hidden] /* verilator public_flat_rd */;
  logic [31:0] back_next [Hidden];
  phase_e          phase_q /* verilator public_flat_rd */;
  phase_e          phase_d;
  logic [GrpW-1:0] group_q /* verilator public_flat_rd */;
  logic [GrpW-1:0] group_d;
  logic        learn_q, learn_d;

  rng u_wta (
    .clk_i,
    .rst_ni,
    .load_i  (seed_wta_i),
    .seed_i,
    .draw_i  (phase_q == PhDraw),
    .state_o (wta_state),
    .next_o  (wta_next)
  );
  rng u_gate (
    .clk_i,
    .rst_ni,
    .load_i  (seed_gate_i),
    .seed_i,
    .draw_i  (phase_q == PhDraw && learn_q),
    .state_o (gate_state),
    .next_o  (gate_next)
  );
  for (genvar j = 0; j < Hidden; j++) begin : g_back
    rng u_back (
      .clk_i,
      .rst_ni,
      .load_i  (seed_back_i && 32'(seed_idx_i) == j),
      .seed_i,
      .draw_i  (phase_q == PhBack && 32'(group_q) == j / NeuronLanes),
      .state_o (back_state[j]),
      .next_o  (back_next[j])
    );
  end

  // ---- Race state and results.
  logic signed [31:0] v_q [Output] /* verilator public_flat_rd */;
  logic signed [31:0] v_d [Output];
  logic signed [31:0] vmax_q /* verilator public_flat_rd */;
  logic signed [31:0] vmax_d, vmax_in;
  logic [TotW-1:0]    cum_q [Output] /* verilator public_flat_rd */;
  logic [TotW-1:0]    cum_d [Output];
  logic [OutW-1:0]    label_q, label_d;
  logic [31:0]        gate_q_q, gate_q_d;
  logic [63:0]        beta_q_q, beta_q_d;
  logic [OutW-1:0]    winner_q, winner_d;
  logic               gate_open_q, gate_open_d, err_q, err_d;
  logic               decided_q, decided_d, done_q, done_d;
  logic [Output-1:0]  fire_q, fire_d;
  logic [Hidden-1:0]  b_pos_q, b_pos_d, b_neg_q, b_neg_d;

  // max of the membranes being taken
  always_comb begin
    vmax_in = v_i[0];
    for (int k = 1; k < Output; k++) begin
      vmax_in = (v_i[k] > vmax_in) ? v_i[k] : vmax_in;
    end
  end

  // EXP: the lane group's race weights, added to the running sum
  logic [TotW-1:0] run;
  logic [31:0]     gap;
  int              idx;     // the output (EXP) or hidden row (BACK) of a lane
  // DRAW: threshold, lateral inhibition, gate
  logic [TotW+31:0] prod;
  logic [TotW-1:0]  thr;
  logic [Output-1:0] above;
  // BACK: the lane group's generators
  logic signed [63:0] r_ext;
  logic [63:0]        mag, pb_full;
  logic [15:0]        pb;
  logic               bfire;

  always_comb begin
    phase_d     = phase_q;
    group_d     = group_q;
    v_d         = v_q;
    vmax_d      = vmax_q;
    cum_d       = cum_q;
    learn_d     = learn_q;
    label_d     = label_q;
    gate_q_d    = gate_q_q;
    beta_q_d    = beta_q_q;
    winner_d    = winner_q;
    gate_open_d = gate_open_q;
    err_d       = err_q;
    fire_d      = fire_q;
    b_pos_d     = b_pos_q;
    b_neg_d     = b_neg_q;
    decided_d   = 1'b0;
    done_d      = 1'b0;
    run         = '0;
    gap         = '0;
    idx         = 0;
    prod        = '0;
    thr         = '0;
    above       = '0;
    r_ext       = '0;
    mag         = '0;
    pb_full     = '0;
    pb          = '0;
    bfire       = 1'b0;
    unique case (phase_q)
      PhIdle: begin
        if (start_i) begin
          v_d      = v_i;
          vmax_d   = vmax_in;
          cum_d    = '{default: '0};
          b_pos_d  = '0;
          b_neg_d  = '0;
          learn_d  = learn_i;
          label_d  = label_i;
          gate_q_d = gate_q_i;
          beta_q_d = beta_q_i;
          group_d  = '0;
          phase_d  = PhExp;
        end
      end
      PhExp: begin
        // the sum so far is the last of the previous group
        run = (group_q == '0) ? '0 : cum_q[OutW'(32'(group_q) * NeuronLanes - 1)];
        for (int l = 0; l < NeuronLanes; l++) begin
          idx = 32'(group_q) * NeuronLanes + l;
          if (idx < Output) begin
            gap = 32'(vmax_q - v_q[OutW'(idx)]);
            if (gap <= 32'(Dmax)) begin
              run = run + TotW'(exp_rom[ExpW'(gap)]);
            end
            cum_d[OutW'(idx)] = run;
          end
        end
        group_d = group_q + 1'b1;
        if (32'(group_q) == OutGrps - 1) begin
          phase_d = PhDraw;
        end
      end
      PhDraw: begin
        prod = (TotW+32)'(wta_next) * (TotW+32)'(cum_q[Output-1]);
        thr  = TotW'(prod >> 32);
        for (int k = 0; k < Output; k++) begin
`ifdef PLANT_BUG_WTA_THR_GE
          above[k] = cum_q[k] >= thr;
`else
          above[k] = cum_q[k] > thr;
`endif
        end
        for (int k = 0; k < Output; k++) begin
`ifdef PLANT_BUG_WTA_TWO_WINNERS
          fire_d[k] = above[k] && !(k >= 2 && above[(k >= 2) ? k - 2 : 0]);
`else
          fire_d[k] = above[k] && !(k >= 1 && above[(k >= 1) ? k - 1 : 0]);
`endif
        end
        winner_d = OutW'(Output - 1);
        for (int k = Output - 1; k >= 0; k--) begin
          if (fire_d[k]) begin
            winner_d = OutW'(k);
          end
        end
        decided_d = 1'b1;
        group_d   = '0;
        if (learn_q) begin
          gate_open_d = (gate_next >> 16) < gate_q_q;     // u16 of the draw < gate_q
          err_d       = gate_open_d && winner_d != label_q;
          phase_d     = PhBack;
        end else begin
          gate_open_d = 1'b0;
          err_d       = 1'b0;
          done_d      = 1'b1;
          phase_d     = PhIdle;
        end
      end
      PhBack: begin
        for (int l = 0; l < NeuronLanes; l++) begin
          idx = 32'(group_q) * NeuronLanes + l;
          if (idx < Hidden) begin
            r_ext   = 64'(back_r_i[HidW'(idx)]);
            mag     = r_ext < 0 ? -r_ext : r_ext;
            pb_full = (mag * beta_q_q) >> 32;
            pb      = pb_full > 64'd65535 ? 16'hFFFF : pb_full[15:0];
            bfire   = err_q && back_next[HidW'(idx)][31:16] < pb;
`ifdef PLANT_BUG_WTA_BACK_SIGN
            b_pos_d[HidW'(idx)] = bfire && r_ext < 0;
            b_neg_d[HidW'(idx)] = bfire && r_ext > 0;
`else
            b_pos_d[HidW'(idx)] = bfire && r_ext > 0;
            b_neg_d[HidW'(idx)] = bfire && r_ext < 0;
`endif
          end
        end
        group_d = group_q + 1'b1;
        if (32'(group_q) == HidGrps - 1) begin
          done_d  = 1'b1;
          phase_d = PhIdle;
        end
      end
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      phase_q     <= PhIdle;
      group_q     <= '0;
      v_q         <= '{default: '0};
      vmax_q      <= '0;
      cum_q       <= '{default: '0};
      learn_q     <= 1'b0;
      label_q     <= '0;
      gate_q_q    <= '0;
      beta_q_q    <= '0;
      winner_q    <= '0;
      gate_open_q <= 1'b0;
      err_q       <= 1'b0;
      decided_q   <= 1'b0;
      done_q      <= 1'b0;
      fire_q      <= '0;
      b_pos_q     <= '0;
      b_neg_q     <= '0;
    end else begin
      phase_q     <= phase_d;
      group_q     <= group_d;
      v_q         <= v_d;
      vmax_q      <= vmax_d;
      cum_q       <= cum_d;
      learn_q     <= learn_d;
      label_q     <= label_d;
      gate_q_q    <= gate_q_d;
      beta_q_q    <= beta_q_d;
      winner_q    <= winner_d;
      gate_open_q <= gate_open_d;
      err_q       <= err_d;
      decided_q   <= decided_d;
      done_q      <= done_d;
      fire_q      <= fire_d;
      b_pos_q     <= b_pos_d;
      b_neg_q     <= b_neg_d;
    end
  end

  assign busy_o      = phase_q != PhIdle;
  assign decided_o   = decided_q;
  assign done_o      = done_q;
  assign winner_o    = winner_q;
  assign gate_open_o = gate_open_q;
  assign err_o       = err_q;
  assign fire_o      = fire_q;
  assign b_pos_o     = b_pos_q;
  assign b_neg_o     = b_neg_q;
endmodule
