build-fuzz/models/router.o: models/router.c models/router.h models/flit.h \
  sim/config.h

models/router.h:

models/flit.h:

sim/config.h:
