build-fuzz/sim/chip.o: sim/chip.c sim/chip.h models/activation.h \
  models/core.h models/crossbar.h models/rpu.h models/flit.h \
  models/ssnn.h models/mesh.h sim/chip_waves.h sim/config.h

sim/chip.h:

models/activation.h:

models/core.h:

models/crossbar.h:

models/rpu.h:

models/flit.h:

models/ssnn.h:

models/mesh.h:

sim/chip_waves.h:

sim/config.h:
