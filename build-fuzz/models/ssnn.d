build-fuzz/models/ssnn.o: models/ssnn.c models/ssnn.h models/activation.h \
  models/rpu.h sim/config.h models/rng.h sim/sha256.h

models/ssnn.h:

models/activation.h:

models/rpu.h:

sim/config.h:

models/rng.h:

sim/sha256.h:
