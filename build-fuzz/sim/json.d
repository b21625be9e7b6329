build-fuzz/sim/json.o: sim/json.c sim/json.h

sim/json.h:
