build-fuzz/sim/checkpoint.o: sim/checkpoint.c sim/checkpoint.h \
  sim/sha256.h

sim/checkpoint.h:

sim/sha256.h:
