build-fuzz/sim/config.o: sim/config.c sim/config.h sim/json.h \
  sim/yaml_tree.h

sim/config.h:

sim/json.h:

sim/yaml_tree.h:
