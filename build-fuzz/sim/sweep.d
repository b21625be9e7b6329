build-fuzz/sim/sweep.o: sim/sweep.c sim/sweep.h sim/config.h sim/train.h \
  sim/chip_waves.h models/energy.h sim/progress.h sim/yaml_tree.h

sim/sweep.h:

sim/config.h:

sim/train.h:

sim/chip_waves.h:

models/energy.h:

sim/progress.h:

sim/yaml_tree.h:
