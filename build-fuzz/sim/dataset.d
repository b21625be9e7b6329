build-fuzz/sim/dataset.o: sim/dataset.c sim/dataset.h sim/idx.h

sim/dataset.h:

sim/idx.h:
