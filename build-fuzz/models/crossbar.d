build-fuzz/models/crossbar.o: models/crossbar.c models/crossbar.h \
  models/rpu.h

models/crossbar.h:

models/rpu.h:
