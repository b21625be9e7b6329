build-fuzz/sim/progress.o: sim/progress.c sim/progress.h

sim/progress.h:
