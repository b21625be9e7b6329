build-fuzz/models/energy.o: models/energy.c models/energy.h sim/chip.h \
  models/activation.h models/core.h models/crossbar.h models/rpu.h \
  models/flit.h models/ssnn.h models/mesh.h sim/config.h sim/json.h

models/energy.h:

sim/chip.h:

models/activation.h:

models/core.h:

models/crossbar.h:

models/rpu.h:

models/flit.h:

models/ssnn.h:

models/mesh.h:

sim/config.h:

sim/json.h:
