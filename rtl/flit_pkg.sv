// The flit: an address-event packet as the RTL carries it (models/flit.h).
//
// Every field of struct flit that the hardware needs travels bit for bit, so a
// lockstep bench compares the C model's flits field by field. Two fields of the C
// struct are simulator bookkeeping and are not carried: `packet` (a statistics id)
// and `born` (the generation cycle). chip.router.flit_bits (32) is the width the
// energy model prices per flit; this struct is the lockstep view of the same event.
package flit_pkg;

  // enum spike_stream: 4 bits, so that the gradient spikes of a deep network
  // (SS_GRAD_POS/NEG, layer l's cores to layer l-1's) travel as what they are.
  typedef enum logic [3:0] {
    SsInput     = 4'd0,
    SsHidden    = 4'd1,
    SsBackPos   = 4'd2,
    SsBackNeg   = 4'd3,
    SsPhaseDone = 4'd4,
    SsBarrier   = 4'd5,
    SsRelease   = 4'd6,
    SsSynthetic = 4'd7,
    SsGradPos   = 4'd8,
    SsGradNeg   = 4'd9
  } spike_stream_e;

  // enum traffic_class; the value 3 is no class and is treated as control, as
  // models/router.c does.
  localparam int unsigned TcCount = 3;
  typedef enum logic [1:0] {
    TcForward  = 2'd0,
    TcBackward = 2'd1,
    TcControl  = 2'd2
  } traffic_class_e;

  // The first field is the most significant: a bench packs the same order.
  typedef struct packed {
    logic [15:0] src;      // node ids: y * mesh_x + x
    logic [15:0] dst;
    logic [3:0]  stream;   // spike_stream_e
    logic [1:0]  tclass;   // traffic_class_e
    logic        head;
    logic        tail;
    logic [31:0] neuron;   // source neuron, or a PHASE_DONE count
    logic [31:0] step;     // time step id
  } flit_t;

  // The class whose VCs a flit uses.
  function automatic logic [1:0] flit_class(logic [1:0] tclass);
    return (tclass < 2'(TcCount)) ? tclass : TcControl;
  endfunction

endpackage
