build-fuzz/models/mesh.o: models/mesh.c models/mesh.h models/flit.h \
  sim/config.h models/router.h

models/mesh.h:

models/flit.h:

sim/config.h:

models/router.h:
