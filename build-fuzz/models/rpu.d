build-fuzz/models/rpu.o: models/rpu.c models/rpu.h sim/config.h \
  models/rng.h

models/rpu.h:

sim/config.h:

models/rng.h:
