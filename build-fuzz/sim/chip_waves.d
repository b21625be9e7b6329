build-fuzz/sim/chip_waves.o: sim/chip_waves.c sim/chip_waves.h sim/chip.h \
  models/activation.h models/core.h models/crossbar.h models/rpu.h \
  models/flit.h models/ssnn.h models/mesh.h sim/waves.h

sim/chip_waves.h:

sim/chip.h:

models/activation.h:

models/core.h:

models/crossbar.h:

models/rpu.h:

models/flit.h:

models/ssnn.h:

models/mesh.h:

sim/waves.h:
