build-fuzz/sim/waves.o: sim/waves.c sim/waves.h \
  /usr/share/verilator/include/gtkwave/fstapi.h

sim/waves.h:

/usr/share/verilator/include/gtkwave/fstapi.h:
