build-fuzz/models/ann.o: models/ann.c models/ann.h models/ssnn.h \
  models/activation.h models/rpu.h

models/ann.h:

models/ssnn.h:

models/activation.h:

models/rpu.h:
