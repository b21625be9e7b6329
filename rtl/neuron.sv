// Neuron unit: one lane of a hidden core's composite neurons (docs/bit-contract.md
// §4.3, §4.5). A core has NeuronLanes of them; lane l serves its neurons
// l, l + NeuronLanes, ... as slots 0 .. Neurons-1, one evaluation per cycle, and
// holds for each slot the forward and derivative streams (rtl/rng.sv) and the
// forward and derivative spikes. The units of a composite neuron:
//   forward unit     P = sigmoid[S] (the table of models/activation.c, $readmemh),
//                    h = u16(fwd) < P
//   derivative unit  d = h AND NOT (u16(deriv) < P), drawn only when learning
//   gradient unit    g+ = b+ AND d, g- = b- AND d (the d of the last evaluation)
// C cycle model: models/neuron.c (neuron_unit_step), whose evaluation is
// neuron_fire(), the function the chip's hidden cores call (models/core.c).
//
// Cycle contract (one rising edge):
//   seed_fwd_i / seed_deriv_i   load the slot's stream with seed_i (rng.sv rules; a
//                               load wins over the draw of the same stream)
//   fire_i                      evaluate slot fire_idx_i with membrane_i (int32, in
//                               states); learn_i: the derivative unit draws and d is
//                               written, else both stay
//   back_i                      a backward spike (back_neg_i: b-) for slot back_idx_i,
//                               gated by that slot's d as it was before this edge
//   reset                       streams <- 0x6D2B79F5, spikes and outputs <- 0
// Slot numbers >= Neurons make fire_i, back_i and the loads no-ops. Outputs are
// registered: the evaluation (fire_valid_o, fire_idx_o, prob_o, spike_o, deriv_o),
// the gradient unit (grad_*), and the spikes of every slot (h_o, d_o).
module neuron #(
  parameter int    CoreNeurons = 256,          // chip.core_neurons
  parameter int    NeuronLanes = 16,           // chip.neuron_lanes
  parameter real   DwMin       = 0.001,        // device.dw_min: sizes the sigmoid table
  parameter string SigmoidFile = "sigmoid.mem",// the table's words, written by the host
  localparam int   Neurons     = (CoreNeurons + NeuronLanes - 1) / NeuronLanes,
  localparam int   IdxW        = Neurons > 1 ? $clog2(Neurons) : 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // stream seeds (computed by the host with rng_seed)
  input  logic               seed_fwd_i,
  input  logic               seed_deriv_i,
  input  logic [IdxW-1:0]    seed_idx_i,
  input  logic [31:0]        seed_i,
  // forward and derivative units
  input  logic               fire_i,
  input  logic [IdxW-1:0]    fire_idx_i,
  input  logic               learn_i,
  input  logic signed [31:0] membrane_i,
  // gradient units
  input  logic               back_i,
  input  logic [IdxW-1:0]    back_idx_i,
  input  logic               back_neg_i,
  // results
  output logic               fire_valid_o,
  output logic [IdxW-1:0]    fire_idx_o,
  output logic [15:0]        prob_o,
  output logic               spike_o,
  output logic               deriv_o,
  output logic               grad_valid_o,
  output logic [IdxW-1:0]    grad_idx_o,
  output logic               grad_pos_o,
  output logic               grad_neg_o,
  output logic [Neurons-1:0] h_o,
  output logic [Neurons-1:0] d_o
);
  localparam int Smax      = int'($ceil(12.0 / DwMin));   // activation_init's smax
  localparam int TableSize = 2 * Smax + 1;
  localparam int TabW      = $clog2(TableSize);

  // The sigmoid table, q0.16, sigmoid[S + Smax] (bit-contract §3).
  logic [15:0] sigmoid_rom [TableSize];
  initial begin
    $readmemh(SigmoidFile, sigmoid_rom);
  end

  logic fire_ok, back_ok;
  assign fire_ok = fire_i && (32'(fire_idx_i) < Neurons);
  assign back_ok = back_i && (32'(back_idx_i) < Neurons);

  // The streams of every slot; the register is the architectural state.
  logic [31:0] fwd_state [Neurons] /* verilator public_flat_rd */;
  logic [31:0] deriv_state [Neurons] /* verilator public_flat_rd */;
  logic [31:0] fwd_next [Neurons];
  logic [31:0] deriv_next [Neurons];
  for (genvar n = 0; n < Neurons; n++) begin : g_slot
    rng u_fwd (
      .clk_i,
      .rst_ni,
      .load_i  (seed_fwd_i && 32'(seed_idx_i) == n),
      .seed_i,
      .draw_i  (fire_ok && 32'(fire_idx_i) == n),
      .state_o (fwd_state[n]),
      .next_o  (fwd_next[n])
    );
    rng u_deriv (
      .clk_i,
      .rst_ni,
      .load_i  (seed_deriv_i && 32'(seed_idx_i) == n),
      .seed_i,
      .draw_i  (fire_ok && learn_i && 32'(fire_idx_i) == n),
      .state_o (deriv_state[n]),
      .next_o  (deriv_next[n])
    );
  end

  // Forward and derivative units of the slot being evaluated.
  logic signed [31:0] s_clamped;
  logic [TabW-1:0]    tab_idx;
  logic [15:0]        prob;
  logic [15:0]        u_fwd, u_deriv;    // the Bernoulli uniforms: top halves of the draws
  logic               h_new, d_new;
  always_comb begin
    s_clamped = membrane_i;
    if (membrane_i > 32'(Smax)) begin
      s_clamped = 32'(Smax);
    end else if (membrane_i < -32'(Smax)) begin
      s_clamped = -32'(Smax);
    end
    tab_idx = TabW'(s_clamped + 32'(Smax));
    prob    = sigmoid_rom[tab_idx];
    u_fwd   = fwd_next[0][31:16];
    u_deriv = deriv_next[0][31:16];
    for (int n = 0; n < Neurons; n++) begin
      if (32'(fire_idx_i) == n) begin
        u_fwd   = fwd_next[n][31:16];
        u_deriv = deriv_next[n][31:16];
      end
    end
`ifdef PLANT_BUG_NEURON_FWD_LE
    h_new = u_fwd <= prob;
`else
    h_new = u_fwd < prob;
`endif
`ifdef PLANT_BUG_NEURON_DERIV_SAME_STREAM
    d_new = h_new && !(u_fwd < prob);
`else
    d_new = h_new && !(u_deriv < prob);
`endif
  end

  // Spikes of every slot, and the registered outputs.
  logic [Neurons-1:0] h_q, h_d, d_q, d_d;
  logic               fire_valid_q, spike_q, deriv_q, grad_valid_q, grad_pos_q, grad_neg_q;
  logic [IdxW-1:0]    fire_idx_q, grad_idx_q;
  logic [15:0]        prob_q;
  logic               d_gate;
  always_comb begin
    h_d = h_q;
    d_d = d_q;
    d_gate = 1'b0;
    for (int n = 0; n < Neurons; n++) begin
      if (fire_ok && 32'(fire_idx_i) == n) begin
        h_d[n] = h_new;
        if (learn_i) begin
          d_d[n] = d_new;
        end
      end
      if (32'(back_idx_i) == n) begin
        d_gate = d_q[n];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      h_q          <= '0;
      d_q          <= '0;
      fire_valid_q <= 1'b0;
      fire_idx_q   <= '0;
      prob_q       <= '0;
      spike_q      <= 1'b0;
      deriv_q      <= 1'b0;
      grad_valid_q <= 1'b0;
      grad_idx_q   <= '0;
      grad_pos_q   <= 1'b0;
      grad_neg_q   <= 1'b0;
    end else begin
      h_q          <= h_d;
      d_q          <= d_d;
      fire_valid_q <= fire_ok;
      if (fire_ok) begin
        fire_idx_q <= fire_idx_i;
        prob_q     <= prob;
        spike_q    <= h_new;
        deriv_q    <= learn_i ? d_new : d_q[fire_idx_i];
      end
      grad_valid_q <= back_ok;
      if (back_ok) begin
        grad_idx_q <= back_idx_i;
        grad_pos_q <= d_gate && !back_neg_i;
        grad_neg_q <= d_gate && back_neg_i;
      end
    end
  end

  assign fire_valid_o = fire_valid_q;
  assign fire_idx_o   = fire_idx_q;
  assign prob_o       = prob_q;
  assign spike_o      = spike_q;
  assign deriv_o      = deriv_q;
  assign grad_valid_o = grad_valid_q;
  assign grad_idx_o   = grad_idx_q;
  assign grad_pos_o   = grad_pos_q;
  assign grad_neg_o   = grad_neg_q;
  assign h_o          = h_q;
  assign d_o          = d_q;
endmodule
