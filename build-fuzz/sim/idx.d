build-fuzz/sim/idx.o: sim/idx.c sim/idx.h

sim/idx.h:
