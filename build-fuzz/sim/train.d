build-fuzz/sim/train.o: sim/train.c sim/train.h sim/chip_waves.h \
  models/energy.h models/ann.h sim/checkpoint.h sim/chip.h \
  models/activation.h models/core.h models/crossbar.h models/rpu.h \
  models/flit.h models/ssnn.h models/mesh.h sim/config.h sim/dataset.h \
  sim/json.h sim/progress.h models/rng.h sim/sha256.h

sim/train.h:

sim/chip_waves.h:

models/energy.h:

models/ann.h:

sim/checkpoint.h:

sim/chip.h:

models/activation.h:

models/core.h:

models/crossbar.h:

models/rpu.h:

models/flit.h:

models/ssnn.h:

models/mesh.h:

sim/config.h:

sim/dataset.h:

sim/json.h:

sim/progress.h:

models/rng.h:

sim/sha256.h:
