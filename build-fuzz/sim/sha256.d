build-fuzz/sim/sha256.o: sim/sha256.c sim/sha256.h

sim/sha256.h:
