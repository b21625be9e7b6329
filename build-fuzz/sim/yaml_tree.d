build-fuzz/sim/yaml_tree.o: sim/yaml_tree.c sim/yaml_tree.h

sim/yaml_tree.h:
