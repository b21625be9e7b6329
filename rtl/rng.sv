// Random-stream unit: one xorshift32 register (docs/bit-contract.md §2), the
// generator every stochastic unit of the chip owns. C cycle model: struct rng_unit
// in models/rng.h (rng_unit_step), whose draw is the golden model's xorshift32().
//
// Cycle contract (one rising edge):
//   load_i          state <- seed_i (the host computes it with rng_seed(); a zero
//                   seed becomes 0x6D2B79F5, as rng_seed() does: xorshift32 has no
//                   zero state); load wins over draw
//   draw_i          state <- xorshift32(state): one draw
//   reset           state <- 0x6D2B79F5
// Outputs: state_o is the register (the word the last draw returned), next_o the
// word a draw in this cycle returns, so a unit can use its draw in the cycle it
// makes it; the Bernoulli uniform of bit-contract §1 is next_o[31:16].
// Seeding by splitmix64 stays on the host: two 64-bit multipliers per unit would
// cost more silicon than the generator itself, and a seed is written once per run.
module rng (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        load_i,
  input  logic [31:0] seed_i,
  input  logic        draw_i,
  output logic [31:0] state_o,
  output logic [31:0] next_o
);
  localparam logic [31:0] ZeroFix = 32'h6D2B79F5;

  logic [31:0] state_q, state_d;
  logic [31:0] x1, x2, x3;

  // x ^= x << 13; x ^= x >> 17; x ^= x << 5
  always_comb begin
`ifdef PLANT_BUG_RNG_TAP
    x1 = state_q ^ (state_q << 12);
`else
    x1 = state_q ^ (state_q << 13);
`endif
    x2 = x1 ^ (x1 >> 17);
    x3 = x2 ^ (x2 << 5);
  end

  always_comb begin
    state_d = state_q;
    if (load_i) begin
      state_d = (seed_i == 32'd0) ? ZeroFix : seed_i;
    end else if (draw_i) begin
      state_d = x3;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= ZeroFix;
    end else begin
      state_q <= state_d;
    end
  end

  assign state_o = state_q;
  assign next_o  = x3;
endmodule
