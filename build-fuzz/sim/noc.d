build-fuzz/sim/noc.o: sim/noc.c sim/noc.h models/mesh.h models/flit.h \
  sim/checkpoint.h sim/config.h sim/json.h sim/progress.h models/rng.h \
  models/router.h sim/train.h sim/chip_waves.h models/energy.h

sim/noc.h:

models/mesh.h:

models/flit.h:

sim/checkpoint.h:

sim/config.h:

sim/json.h:

sim/progress.h:

models/rng.h:

models/router.h:

sim/train.h:

sim/chip_waves.h:

models/energy.h:
