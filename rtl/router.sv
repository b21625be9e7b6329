// One router of the 2-D mesh: the RTL of models/router.c, cycle for cycle.
//
// 5 ports (N, E, S, W, local), input-buffered wormhole switching with NumVcs =
// Vcs x 3 virtual channels per port (Vcs per traffic class), dimension-order XY
// routing, credit-based flow control, round-robin allocators. Timing contract
// (docs/noc.md, docs/rtl.md):
//   - a flit that arrives at an input (in_valid_i, or accepted from the network
//     interface) in cycle a may cross the switch in cycle a + Pipeline at the
//     earliest (RC, VA, SA and ST collapsed into Pipeline cycles);
//   - a flit crossing the switch in cycle c is on out_*_o in cycle c + LinkLatency
//     (the link's registers are this router's), and the credit for the slot it
//     left is on in_credit_o in cycle c + LinkLatency;
//   - a credit on out_credit_i in cycle t is usable in cycle t;
//   - the network interface offers one flit per cycle (inj_valid_i/inj_ready_o);
//     it takes a local input VC of the flit's class that has room after this
//     cycle's switch traversals, and holds it until the packet's tail;
//   - a flit leaving through the local port is on ej_*_o the next cycle.
// A cycle, in the order of models/router.c router_step: credits that arrive are
// applied; VC allocation (each output port hands its free VCs of the right class
// to ready heads, round robin from the input VC it served last); separable input-
// first switch allocation (each input port offers its first eligible VC round robin,
// each output port grants one input port round robin); switch traversal; the
// network interface's injection.
// Readiness is not a timestamp per slot: each input port has a Pipeline-1 deep
// shift register of (arrival, vc), and a VC's front is ready while its count of
// ready flits is non-zero (flits of a VC become ready in arrival order).
// Not modelled, as in the C model: adaptive routing, speedup, link errors.
module router
  import flit_pkg::*;
#(
  // Public (Verilator): the lockstep bench builds its C model from these.
  parameter int unsigned MeshX          /* verilator public */ = 4,       // chip.mesh_x
  parameter int unsigned MeshY          /* verilator public */ = 4,       // chip.mesh_y
  parameter int unsigned NodeX          /* verilator public */ = 1,       // this router's place
  parameter int unsigned NodeY          /* verilator public */ = 1,
  parameter int unsigned BufferDepth    /* verilator public */ = 4,       // chip.router.buffer_depth
  parameter int unsigned Pipeline       /* verilator public */ = 2,       // chip.router.pipeline
  parameter int unsigned LinkLatency    /* verilator public */ = 1,       // chip.router.link_latency
  parameter int unsigned Vcs            /* verilator public */ = 1,       // chip.router.vcs, per class
  parameter int unsigned WatchdogCycles /* verilator public */ = 100000,  // chip.router.watchdog_cycles
  localparam int unsigned NumVcs = Vcs * TcCount,
  localparam int unsigned VcW    = NumVcs > 1 ? $clog2(NumVcs) : 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Incoming links N, E, S, W (index = enum router_port): flits in, credits back.
  input  logic  [3:0]          in_valid_i,
  input  logic  [3:0][VcW-1:0] in_vc_i,
  input  flit_t [3:0]          in_flit_i,
  output logic  [3:0]          in_credit_o,
  output logic  [3:0][VcW-1:0] in_credit_vc_o,
  // Outgoing links N, E, S, W: flits out, credits from downstream.
  output logic  [3:0]          out_valid_o,
  output logic  [3:0][VcW-1:0] out_vc_o,
  output flit_t [3:0]          out_flit_o,
  input  logic  [3:0]          out_credit_i,
  input  logic  [3:0][VcW-1:0] out_credit_vc_i,
  // Network interface: injection and ejection, one flit per cycle each.
  input  logic                 inj_valid_i,
  input  flit_t                inj_flit_i,
  output logic                 inj_ready_o,
  output logic                 ej_valid_o,
  output flit_t                ej_flit_o,
  // Watchdog: the first flit (in port, then VC order) that has been ready at the
  // front of its VC for WatchdogCycles cycles without moving, as of the last cycle.
  output logic                 stuck_o,
  output logic  [2:0]          stuck_port_o,
  output logic  [VcW-1:0]      stuck_vc_o
);

  localparam int unsigned NumPorts = 5;
  localparam int unsigned PortL    = 4;
  localparam int unsigned NumIn    = NumPorts * NumVcs;          // input VCs, port * NumVcs + vc
  localparam int unsigned InW      = $clog2(NumIn);
  localparam int unsigned SlotW    = BufferDepth > 1 ? $clog2(BufferDepth) : 1;
  localparam int unsigned CntW     = $clog2(BufferDepth + 1);
  localparam int unsigned WdW      = $clog2(WatchdogCycles + 1);
  localparam int unsigned ArrDepth = Pipeline > 1 ? Pipeline - 1 : 1;
  localparam int unsigned RrW      = Vcs > 1 ? $clog2(Vcs) : 1;

  localparam logic [2:0] PortN = 3'd0, PortE = 3'd1, PortS = 3'd2, PortW = 3'd3;

  // The limits of models/router.c router_init, and a router inside its mesh.
  if (BufferDepth < 1 || BufferDepth > 1024 || Pipeline < 1 || LinkLatency < 1 || Vcs < 1 ||
      NumVcs > 64 || WatchdogCycles < 1 || NodeX >= MeshX || NodeY >= MeshY ||
      MeshX * MeshY > 65536) begin : gen_bad_params
    $error("router: unsupported parameters");
  end

  // ---- functions ------------------------------------------------------------

  // Output port of XY routing towards node dst (router_route).
  function automatic logic [2:0] xy_route(logic [15:0] dst);
    int unsigned dx, dy;
    dy = 32'(dst) / MeshX;
    dx = 32'(dst) % MeshX;
    if (dx > NodeX) return PortE;
    if (dx < NodeX) return PortW;
    if (dy > NodeY) return PortN;
    if (dy < NodeY) return PortS;
    return 3'(PortL);
  endfunction

  // The VCs of a traffic class, as a mask over a port's NumVcs.
  function automatic logic [NumVcs-1:0] class_vcs(logic [1:0] cls);
    logic [NumVcs-1:0] m;
    for (int v = 0; v < NumVcs; v++) m[v] = (v / Vcs) == int'(cls);
    return m;
  endfunction

  // Round robin over a mask: the first set bit after `last`, wrapping (rr_rotate_next).
  function automatic logic [VcW-1:0] rr_pick(logic [NumVcs-1:0] mask, logic [VcW-1:0] last);
    logic [VcW-1:0] pick;
    logic           found;
    pick  = '0;
    found = 1'b0;
    for (int j = 1; j <= NumVcs; j++) begin
      logic [VcW-1:0] v;
      v = VcW'((int'(last) + j) % NumVcs);
      if (!found && mask[v]) begin
        pick  = v;
        found = 1'b1;
      end
    end
    return pick;
  endfunction

  // ---- state ----------------------------------------------------------------

  // Input buffers: a ring of BufferDepth slots per input VC. `occ` counts every
  // flit that has arrived, `rdy` those past their Pipeline cycles (a prefix of the
  // ring). The packet at the front holds an output port and VC from VC allocation
  // until its tail crosses the switch.
  flit_t             buf_q      [NumPorts][NumVcs][BufferDepth];
  logic [SlotW-1:0]  head_q     [NumPorts][NumVcs];
  logic [CntW-1:0]   occ_q      [NumPorts][NumVcs] /* verilator public_flat_rd */;
  logic [CntW-1:0]   rdy_q      [NumPorts][NumVcs] /* verilator public_flat_rd */;
  logic              routed_q   [NumPorts][NumVcs] /* verilator public_flat_rd */;
  logic [2:0]        oport_q    [NumPorts][NumVcs] /* verilator public_flat_rd */;
  logic [VcW-1:0]    ovc_q      [NumPorts][NumVcs] /* verilator public_flat_rd */;
  logic [WdW-1:0]    wait_q     [NumPorts][NumVcs];
  // Arrivals on their way to ready, per input port.
  logic              arr_valid_q[NumPorts][ArrDepth];
  logic [VcW-1:0]    arr_vc_q   [NumPorts][ArrDepth];
  // Downstream slots free per output VC, and which output VCs no packet holds.
  logic [CntW-1:0]   credit_q   [4][NumVcs] /* verilator public_flat_rd */;
  logic [NumVcs-1:0] ovc_free_q [NumPorts] /* verilator public_flat_rd */;
  // Round-robin pointers: the last winner of each arbiter.
  logic [VcW-1:0]    rr_in_q    [NumPorts] /* verilator public_flat_rd */;  // VC at each input port
  logic [2:0]        rr_out_q   [NumPorts] /* verilator public_flat_rd */;  // input port at each output
  logic [VcW-1:0]    rr_ovc_q   [NumPorts] /* verilator public_flat_rd */;  // output VC handed out
  logic [InW-1:0]    rr_va_q    [NumPorts] /* verilator public_flat_rd */;  // input VC granted a VC
  // Network interface: the local VC of the packet being injected.
  logic              ni_held_q /* verilator public_flat_rd */;
  logic [VcW-1:0]    ni_vc_q   /* verilator public_flat_rd */;
  logic [RrW-1:0]    ni_rr_q   /* verilator public_flat_rd */;
  // The links' registers (stage 0 is the switch output) and the ejection register.
  logic              lnk_valid_q[4][LinkLatency];
  logic [VcW-1:0]    lnk_vc_q   [4][LinkLatency];
  flit_t             lnk_flit_q [4][LinkLatency];
  logic              crd_valid_q[4][LinkLatency] /* verilator public_flat_rd */;
  logic [VcW-1:0]    crd_vc_q   [4][LinkLatency];
  logic              ej_valid_q;
  flit_t             ej_flit_q;
  logic              stuck_q;
  logic [2:0]        stuck_port_q;
  logic [VcW-1:0]    stuck_vc_q;

  // ---- 1. credits that arrive, the fronts of the input VCs ------------------

  logic [CntW-1:0] credit_avail[4][NumVcs];
  flit_t           front      [NumPorts][NumVcs];
  logic            ready      [NumPorts][NumVcs];
  logic [2:0]      route      [NumPorts][NumVcs];
  logic [1:0]      cls        [NumPorts][NumVcs];

  always_comb begin
    for (int o = 0; o < 4; o++) begin
      for (int v = 0; v < NumVcs; v++) begin
        credit_avail[o][v] = credit_q[o][v] +
            CntW'(out_credit_i[o] && out_credit_vc_i[o] == VcW'(v));
      end
    end
    for (int p = 0; p < NumPorts; p++) begin
      for (int v = 0; v < NumVcs; v++) begin
        front[p][v] = buf_q[p][v][head_q[p][v]];
        ready[p][v] = rdy_q[p][v] != '0;
        route[p][v] = xy_route(front[p][v].dst);
        cls[p][v]   = flit_class(front[p][v].tclass);
      end
    end
  end

  // ---- 2. VC allocation -------------------------------------------------------

  // Each output port walks the input VCs round robin from the one it served last;
  // every ready head without a VC that routes here takes the next free VC of its
  // class (round robin from the last VC handed out), while any is left.
  logic              va_gnt     [NumPorts][NumVcs];
  logic [VcW-1:0]    va_ovc     [NumPorts][NumVcs];
  logic [NumVcs-1:0] ovc_left   [NumPorts];       // free after VC allocation
  logic [VcW-1:0]    rr_ovc_d   [NumPorts];
  logic [InW-1:0]    rr_va_d    [NumPorts];

  always_comb begin
    for (int p = 0; p < NumPorts; p++) begin
      for (int v = 0; v < NumVcs; v++) begin
        va_gnt[p][v] = 1'b0;
        va_ovc[p][v] = '0;
      end
    end
    for (int o = 0; o < NumPorts; o++) begin
      logic [NumVcs-1:0] free;
      logic [VcW-1:0]    last;
      free        = ovc_free_q[o];
      last        = rr_ovc_q[o];
      rr_va_d[o]  = rr_va_q[o];
      for (int j = 1; j <= NumIn; j++) begin
        logic [InW-1:0]    idx;
        logic [2:0]        p;
        logic [VcW-1:0]    v;
        logic [NumVcs-1:0] cand;
        idx  = InW'((int'(rr_va_q[o]) + j) % NumIn);
        p    = 3'(int'(idx) / NumVcs);
        v    = VcW'(int'(idx) % NumVcs);
        cand = free & class_vcs(cls[p][v]);
        if (ready[p][v] && !routed_q[p][v] && route[p][v] == 3'(o) && cand != '0) begin
          va_gnt[p][v] = 1'b1;
          va_ovc[p][v] = rr_pick(cand, last);
          last         = va_ovc[p][v];
          free[last]   = 1'b0;
          rr_va_d[o]   = idx;
        end
      end
      ovc_left[o] = free;
      rr_ovc_d[o] = last;
    end
  end

  // ---- 3. switch allocation ---------------------------------------------------

  // Input stage: each port offers its first VC after the last winner whose front is
  // ready, holds an output VC, and has a credit there (the local port needs none).
  logic             want_valid[NumPorts];
  logic [VcW-1:0]   want_vc   [NumPorts];
  logic [2:0]       want_port [NumPorts];
  logic [VcW-1:0]   want_ovc  [NumPorts];

  always_comb begin
    for (int p = 0; p < NumPorts; p++) begin
      want_valid[p] = 1'b0;
      want_vc[p]    = '0;
      want_port[p]  = '0;
      want_ovc[p]   = '0;
      for (int j = 1; j <= NumVcs; j++) begin
        logic [VcW-1:0] v;
        logic [2:0]     o;
        logic [VcW-1:0] ov;
        v  = VcW'((int'(rr_in_q[p]) + j) % NumVcs);
        o  = routed_q[p][v] ? oport_q[p][v] : route[p][v];
        ov = routed_q[p][v] ? ovc_q[p][v] : va_ovc[p][v];
        if (!want_valid[p] && ready[p][v] && (routed_q[p][v] || va_gnt[p][v]) &&
            (o == 3'(PortL) || credit_avail[o[1:0]][ov] != '0)) begin
          want_valid[p] = 1'b1;
          want_vc[p]    = v;
          want_port[p]  = o;
          want_ovc[p]   = ov;
        end
      end
    end
  end

  // Output stage: each output port grants one requesting input port, round robin.
  logic       sw_gnt [NumPorts];    // per output port
  logic [2:0] sw_in  [NumPorts];    // the input port it granted
  logic       pop    [NumPorts][NumVcs];

  always_comb begin
    for (int p = 0; p < NumPorts; p++) begin
      for (int v = 0; v < NumVcs; v++) pop[p][v] = 1'b0;
    end
    for (int o = 0; o < NumPorts; o++) begin
      sw_gnt[o] = 1'b0;
      sw_in[o]  = '0;
      for (int j = 1; j <= NumPorts; j++) begin
        logic [2:0] p;
        p = 3'((int'(rr_out_q[o]) + j) % NumPorts);
        if (!sw_gnt[o] && want_valid[p] && want_port[p] == 3'(o)) begin
          sw_gnt[o] = 1'b1;
          sw_in[o]  = p;
        end
      end
      if (sw_gnt[o]) pop[sw_in[o]][want_vc[sw_in[o]]] = 1'b1;
    end
  end

  // ---- 4. switch traversal ----------------------------------------------------

  logic              xo_valid[NumPorts];     // a flit leaves through output port o
  logic [VcW-1:0]    xo_vc   [NumPorts];
  flit_t             xo_flit [NumPorts];
  logic              xi_valid[4];            // a credit goes upstream of input port p
  logic [VcW-1:0]    xi_vc   [4];
  logic [NumVcs-1:0] ovc_freed[NumPorts];    // output VCs whose packet's tail left

  always_comb begin
    for (int o = 0; o < NumPorts; o++) begin
      logic [2:0] p;
      p            = sw_in[o];
      xo_valid[o]  = sw_gnt[o];
      xo_vc[o]     = want_ovc[p];
      xo_flit[o]   = front[p][want_vc[p]];
      ovc_freed[o] = '0;
      if (sw_gnt[o] && xo_flit[o].tail) ovc_freed[o][xo_vc[o]] = 1'b1;
    end
    for (int p = 0; p < 4; p++) begin
      xi_valid[p] = want_valid[p] && sw_gnt[want_port[p]] && sw_in[want_port[p]] == 3'(p);
      xi_vc[p]    = want_vc[p];
    end
  end

  // ---- 5. the network interface -----------------------------------------------

  logic             ni_ok;
  logic [VcW-1:0]   ni_target;
  logic [RrW-1:0]   ni_rr_d;

  always_comb begin
    logic [1:0]     c;
    logic           found;
    logic [VcW-1:0] pick;
    logic [RrW-1:0] pick_rr;
    c       = flit_class(inj_flit_i.tclass);
    found   = 1'b0;
    pick    = '0;
    pick_rr = ni_rr_q;
    // A new packet takes the first VC of its class with room, round robin.
    for (int n = 1; n <= Vcs; n++) begin
      logic [RrW-1:0] k;
      logic [VcW-1:0] v;
      k = RrW'((int'(ni_rr_q) + n) % Vcs);
      v = VcW'(int'(c) * Vcs + int'(k));
      if (!found && occ_q[PortL][v] - CntW'(pop[PortL][v]) < CntW'(BufferDepth)) begin
        found   = 1'b1;
        pick    = v;
        pick_rr = k;
      end
    end
    if (ni_held_q) begin
      ni_ok     = inj_valid_i && occ_q[PortL][ni_vc_q] - CntW'(pop[PortL][ni_vc_q]) < CntW'(BufferDepth);
      ni_target = ni_vc_q;
      ni_rr_d   = ni_rr_q;
    end else begin
      ni_ok     = inj_valid_i && found;
      ni_target = pick;
      ni_rr_d   = ni_ok ? pick_rr : ni_rr_q;
    end
  end

  assign inj_ready_o = ni_ok;

  // ---- 6. next state ------------------------------------------------------------

  logic push[NumPorts][NumVcs];
  logic rinc[NumPorts][NumVcs];       // a flit of this VC becomes ready

  always_comb begin
    for (int p = 0; p < NumPorts; p++) begin
      for (int v = 0; v < NumVcs; v++) begin
        if (p == PortL) push[p][v] = ni_ok && ni_target == VcW'(v);
        else push[p][v] = in_valid_i[p] && in_vc_i[p] == VcW'(v);
        if (Pipeline == 1) rinc[p][v] = push[p][v];
        else rinc[p][v] = arr_valid_q[p][ArrDepth-1] && arr_vc_q[p][ArrDepth-1] == VcW'(v);
      end
    end
  end

  // Buffer storage: one write per input port per cycle, into the slot after the
  // last occupied one (credits guarantee it is free).
  always_ff @(posedge clk_i) begin
    for (int p = 0; p < NumPorts; p++) begin
      for (int v = 0; v < NumVcs; v++) begin
        if (push[p][v]) begin
          logic [SlotW:0] at;
          at = {1'b0, head_q[p][v]} + (SlotW+1)'(occ_q[p][v]);
          if (at >= (SlotW+1)'(BufferDepth)) at = at - (SlotW+1)'(BufferDepth);
`ifdef PLANT_BUG_ROUTER_STREAM
          begin
            flit_t f;
            f = (p == PortL) ? inj_flit_i : in_flit_i[p];
            f.stream[3] = 1'b0;   // planted: a 3-bit stream field (g+- become input and hidden spikes)
            buf_q[p][v][at[SlotW-1:0]] <= f;
          end
`else
          buf_q[p][v][at[SlotW-1:0]] <= (p == PortL) ? inj_flit_i : in_flit_i[p];
`endif
        end
      end
    end
  end

  // Input VC state.
  logic [SlotW-1:0] head_d  [NumPorts][NumVcs];
  logic [CntW-1:0]  occ_d   [NumPorts][NumVcs];
  logic [CntW-1:0]  rdy_d   [NumPorts][NumVcs];
  logic             routed_d[NumPorts][NumVcs];
  logic [2:0]       oport_d [NumPorts][NumVcs];
  logic [VcW-1:0]   ovc_d   [NumPorts][NumVcs];

  always_comb begin
    for (int p = 0; p < NumPorts; p++) begin
      for (int v = 0; v < NumVcs; v++) begin
        occ_d[p][v]    = occ_q[p][v] + CntW'(push[p][v]) - CntW'(pop[p][v]);
        rdy_d[p][v]    = rdy_q[p][v] + CntW'(rinc[p][v]) - CntW'(pop[p][v]);
        head_d[p][v]   = head_q[p][v];
        if (pop[p][v]) begin
          head_d[p][v] = (32'(head_q[p][v]) + 1 == BufferDepth) ? '0 : head_q[p][v] + 1'b1;
        end
        oport_d[p][v]  = va_gnt[p][v] ? route[p][v] : oport_q[p][v];
        ovc_d[p][v]    = va_gnt[p][v] ? va_ovc[p][v] : ovc_q[p][v];
        routed_d[p][v] = (routed_q[p][v] || va_gnt[p][v]) && !(pop[p][v] && front[p][v].tail);
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      head_q   <= '{default: '{default: '0}};
      occ_q    <= '{default: '{default: '0}};
      rdy_q    <= '{default: '{default: '0}};
      routed_q <= '{default: '{default: '0}};
      oport_q  <= '{default: '{default: '0}};
      ovc_q    <= '{default: '{default: '0}};
    end else begin
      head_q   <= head_d;
      occ_q    <= occ_d;
      rdy_q    <= rdy_d;
      routed_q <= routed_d;
      oport_q  <= oport_d;
      ovc_q    <= ovc_d;
    end
  end

  // Arrivals on their way to ready: a shift register of (valid, vc) per port.
  logic           arr_valid_d[NumPorts][ArrDepth];
  logic [VcW-1:0] arr_vc_d   [NumPorts][ArrDepth];

  always_comb begin
    for (int p = 0; p < NumPorts; p++) begin
      arr_valid_d[p][0] = (p == PortL) ? ni_ok : in_valid_i[p];
      arr_vc_d[p][0]    = (p == PortL) ? ni_target : in_vc_i[p];
      for (int s = 1; s < ArrDepth; s++) begin
        arr_valid_d[p][s] = arr_valid_q[p][s-1];
        arr_vc_d[p][s]    = arr_vc_q[p][s-1];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      arr_valid_q <= '{default: '{default: '0}};
      arr_vc_q    <= '{default: '{default: '0}};
    end else begin
      arr_valid_q <= arr_valid_d;
      arr_vc_q    <= arr_vc_d;
    end
  end

  // Credits, output VCs, arbiters, the network interface.
  logic [CntW-1:0]   credit_d  [4][NumVcs];
  logic [NumVcs-1:0] ovc_free_d[NumPorts];
  logic [VcW-1:0]    rr_in_d   [NumPorts];
  logic [2:0]        rr_out_d  [NumPorts];

  always_comb begin
    for (int o = 0; o < 4; o++) begin
      for (int v = 0; v < NumVcs; v++) begin
        credit_d[o][v] = credit_avail[o][v] - CntW'(xo_valid[o] && xo_vc[o] == VcW'(v));
      end
    end
    rr_in_d  = rr_in_q;
    rr_out_d = rr_out_q;
    for (int o = 0; o < NumPorts; o++) begin
      ovc_free_d[o] = ovc_left[o] | ovc_freed[o];
      if (sw_gnt[o]) begin
        rr_out_d[o]       = sw_in[o];
        rr_in_d[sw_in[o]] = want_vc[sw_in[o]];
      end
    end
  end

`ifdef PLANT_BUG_ROUTER_CREDIT
  localparam logic [CntW-1:0] CreditReset = CntW'(BufferDepth - 1);   // planted: one slot short
`else
  localparam logic [CntW-1:0] CreditReset = CntW'(BufferDepth);
`endif

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      credit_q   <= '{default: '{default: CreditReset}};
      ovc_free_q <= '{default: '1};
      // Start so that every first grant goes to index 0.
      rr_in_q    <= '{default: VcW'(NumVcs - 1)};
      rr_out_q   <= '{default: 3'(NumPorts - 1)};
      rr_ovc_q   <= '{default: VcW'(NumVcs - 1)};
      rr_va_q    <= '{default: InW'(NumIn - 1)};
      ni_held_q  <= 1'b0;
      ni_vc_q    <= '0;
      ni_rr_q    <= RrW'(Vcs - 1);
    end else begin
      credit_q   <= credit_d;
      ovc_free_q <= ovc_free_d;
      rr_in_q    <= rr_in_d;
      rr_out_q   <= rr_out_d;
      rr_ovc_q   <= rr_ovc_d;
      rr_va_q    <= rr_va_d;
      if (ni_ok) begin
        ni_held_q <= !inj_flit_i.tail;
        ni_vc_q   <= ni_target;
      end
      ni_rr_q    <= ni_rr_d;
    end
  end

  // Outgoing links and credits: LinkLatency registers each (stage 0 is the switch
  // output); ejection: one.
  logic           lnk_valid_d[4][LinkLatency];
  logic [VcW-1:0] lnk_vc_d   [4][LinkLatency];
  flit_t          lnk_flit_d [4][LinkLatency];
  logic           crd_valid_d[4][LinkLatency];
  logic [VcW-1:0] crd_vc_d   [4][LinkLatency];

  always_comb begin
    for (int o = 0; o < 4; o++) begin
      lnk_valid_d[o][0] = xo_valid[o];
      lnk_vc_d[o][0]    = xo_vc[o];
      lnk_flit_d[o][0]  = xo_flit[o];
      crd_valid_d[o][0] = xi_valid[o];
      crd_vc_d[o][0]    = xi_vc[o];
      for (int s = 1; s < LinkLatency; s++) begin
        lnk_valid_d[o][s] = lnk_valid_q[o][s-1];
        lnk_vc_d[o][s]    = lnk_vc_q[o][s-1];
        lnk_flit_d[o][s]  = lnk_flit_q[o][s-1];
        crd_valid_d[o][s] = crd_valid_q[o][s-1];
        crd_vc_d[o][s]    = crd_vc_q[o][s-1];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      lnk_valid_q <= '{default: '{default: '0}};
      lnk_vc_q    <= '{default: '{default: '0}};
      crd_valid_q <= '{default: '{default: '0}};
      crd_vc_q    <= '{default: '{default: '0}};
      ej_valid_q  <= 1'b0;
    end else begin
      lnk_valid_q <= lnk_valid_d;
      lnk_vc_q    <= lnk_vc_d;
      crd_valid_q <= crd_valid_d;
      crd_vc_q    <= crd_vc_d;
      ej_valid_q  <= xo_valid[PortL];
    end
  end

  // Flit payloads need no reset: a valid bit qualifies each.
  always_ff @(posedge clk_i) begin
    lnk_flit_q <= lnk_flit_d;
    ej_flit_q  <= xo_flit[PortL];
  end

  for (genvar o = 0; o < 4; o++) begin : gen_links
    assign out_valid_o[o]    = lnk_valid_q[o][LinkLatency-1];
    assign out_vc_o[o]       = lnk_vc_q[o][LinkLatency-1];
    assign out_flit_o[o]     = lnk_flit_q[o][LinkLatency-1];
    assign in_credit_o[o]    = crd_valid_q[o][LinkLatency-1];
    assign in_credit_vc_o[o] = crd_vc_q[o][LinkLatency-1];
  end
  assign ej_valid_o = ej_valid_q;
  assign ej_flit_o  = ej_flit_q;

  // ---- watchdog ------------------------------------------------------------------

  // wait_q: cycles the front of a VC has been ready without moving, saturating.
  logic [WdW-1:0] wait_d [NumPorts][NumVcs];
  logic           stuck_d;
  logic [2:0]     stuck_port_d;
  logic [VcW-1:0] stuck_vc_d;

  always_comb begin
    stuck_d      = 1'b0;
    stuck_port_d = '0;
    stuck_vc_d   = '0;
    for (int p = 0; p < NumPorts; p++) begin
      for (int v = 0; v < NumVcs; v++) begin
        logic [WdW-1:0] cur;
        cur = !ready[p][v] ? '0 :
              (32'(wait_q[p][v]) >= WatchdogCycles) ? wait_q[p][v] : wait_q[p][v] + 1'b1;
        wait_d[p][v] = pop[p][v] ? '0 : cur;
        if (!stuck_d && !pop[p][v] && 32'(cur) >= WatchdogCycles) begin
          stuck_d      = 1'b1;
          stuck_port_d = 3'(p);
          stuck_vc_d   = VcW'(v);
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wait_q       <= '{default: '{default: '0}};
      stuck_q      <= 1'b0;
      stuck_port_q <= '0;
      stuck_vc_q   <= '0;
    end else begin
      wait_q       <= wait_d;
      stuck_q      <= stuck_d;
      stuck_port_q <= stuck_port_d;
      stuck_vc_q   <= stuck_vc_d;
    end
  end

  assign stuck_o      = stuck_q;
  assign stuck_port_o = stuck_port_q;
  assign stuck_vc_o   = stuck_vc_q;

endmodule
