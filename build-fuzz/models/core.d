build-fuzz/models/core.o: models/core.c models/core.h models/activation.h \
  models/crossbar.h models/rpu.h models/flit.h models/ssnn.h \
  models/rng.h

models/core.h:

models/activation.h:

models/crossbar.h:

models/rpu.h:

models/flit.h:

models/ssnn.h:

models/rng.h:
