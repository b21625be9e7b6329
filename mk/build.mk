# ssnnsim's build rules, read only by the Makefile's sub-make after tools/install-deps
# has run: the probes here (SystemC headers, gcc -print-multiarch, Verilator's include
# directory) may assume the project's packages. Run targets through `make TARGET`.
SHELL   := /bin/bash
CC      ?= gcc
CFLAGS  ?= -O2 -g
# Flags every build needs, kept apart from CFLAGS so `make san` can swap optimisation
# and sanitizers without losing them.
XCFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Isim -Imodels $(XDEFS)
# The model hot loops (spike-row accumulation) need the vectoriser's full cost model.
MODEL_OPT ?= -O3
# models/ is the layer below sim/: a model compiles against models/ headers alone,
# so one that includes a sim/ header fails to build.
MODEL_XCFLAGS = $(filter-out -Isim,$(XCFLAGS))
LDLIBS  := -lyaml -lz -lm -lpthread
BUILD   ?= build
# Recipes that start make again start this file, not the Makefile (no second deps pass).
SUBMAKE  = $(MAKE) -f mk/build.mk

LIB_SRC  := $(filter-out sim/cli.c,$(wildcard sim/*.c)) $(wildcard models/*.c)
# The SystemC engine (sim/systemc/, docs/systemc.md): C++17 against Debian's SystemC
# 2.3.4 (libsystemc-dev, in tools/install-deps' base set), with rtl/router.sv Verilated
# for SystemC (--sc) for mixed C/RTL chips. SYSTEMC=0 builds without it (the fuzzers
# do: clang's fuzzer flags are C-only here); --engine systemc then says so.
SYSTEMC ?= 1
CXX     ?= g++
SYSTEMC_INCLUDE ?= /usr/include
SYSTEMC_LIBDIR  ?= /usr/lib/$(shell gcc -print-multiarch)
VL_INC  := /usr/share/verilator/include
SC_VL   := $(BUILD)/verilator-sc/router
# The engine's RTL router: built once at the centre of a 31x31 virtual mesh, it
# serves every node of meshes up to 16x16 (sim/systemc/rtl_router.cpp); the other
# parameters are the default chip's router (workloads/chips/mesh4x4.yaml).
SC_RTL_ROUTER_PARAMS ?= MeshX=31 MeshY=31 NodeX=15 NodeY=15 BufferDepth=4 Pipeline=2 LinkLatency=1 Vcs=1 \
                        WatchdogCycles=100000
SC_SRC  := $(filter-out sim/systemc/sc_main.cpp,$(wildcard sim/systemc/*.cpp))
SC_OBJ  := $(SC_SRC:%.cpp=$(BUILD)/%.o)
SC_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror -Isim -Imodels -Isim/systemc -isystem $(SC_VL) \
               -isystem $(VL_INC) -isystem $(VL_INC)/vltstd \
               $(if $(filter /usr/include,$(SYSTEMC_INCLUDE)),,-isystem $(SYSTEMC_INCLUDE))
# The FST writer that ships with Verilator (gtkwave's fstapi), compiled as it is.
FST_DIR  ?= /usr/share/verilator/include/gtkwave
FST_OBJ  := $(BUILD)/fst/fstapi.o $(BUILD)/fst/lz4.o $(BUILD)/fst/fastlz.o
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(FST_OBJ)
ifeq ($(SYSTEMC),1)
ifeq ($(wildcard $(SYSTEMC_INCLUDE)/systemc.h),)
$(error SystemC headers not found in $(SYSTEMC_INCLUDE): run tools/install-deps (libsystemc-dev), set SYSTEMC_INCLUDE/SYSTEMC_LIBDIR, or build without the SystemC engine with SYSTEMC=0)
endif
LIB_OBJ  += $(SC_OBJ)
# The Verilated router and the Verilator runtime it calls, in that order.
SC_VL_LINK := $(BUILD)/sim/systemc/sc_main.o $(SC_VL)/Vrouter__ALL.a $(SC_VL)/verilated.o $(SC_VL)/verilated_threads.o
LDLIBS   += $(SC_VL_LINK) -L$(SYSTEMC_LIBDIR) -lsystemc -lstdc++ -latomic -lm
XCFLAGS_TRAIN := -DSSNN_SYSTEMC
SC_TEST_BINS  := $(BUILD)/ssnnsim-planted-link $(BUILD)/ssnnsim-planted-gate-held $(BUILD)/ssnnsim-planted-gate-early \
                 $(BUILD)/ssnnsim-planted-stream
endif
TEST_SRC := $(wildcard testbenches/test_*.c)
TEST_BIN := $(TEST_SRC:testbenches/%.c=$(BUILD)/tests/%)

.PHONY: all deps data test san demo bench bench-mpi noc-booksim waves fuzz clean validate valgrind mpi FORCE
all: deps
	@$(SUBMAKE) --no-print-directory $(BUILD)/ssnnsim $(if $(filter 1,$(MPI)),$(BUILD)/ssnnsim-mpi)

# `make MPI=1` (or `make mpi`) also builds $(BUILD)/ssnnsim-mpi: the same simulator
# compiled by mpicc with -DSSNNSIM_MPI in a tree of its own ($(BUILD)/mpi), for
# `mpirun -np N build/ssnnsim-mpi ...` (docs/scale.md). build/ssnnsim stays MPI-free.
# The planted-bug builds (PARTITION_PLANT, sim/partition.c) are what the MPI tests
# must catch: 1 delivers boundary flits a cycle late, 2 ignores the lookahead.
MPICC ?= mpicc
MPI_BUILD := $(BUILD)/mpi
MPI_BINS := $(BUILD)/ssnnsim-mpi $(BUILD)/ssnnsim-mpi-plant1 $(BUILD)/ssnnsim-mpi-plant2
mpi: deps
	@$(SUBMAKE) --no-print-directory $(MPI_BINS)
$(MPI_BINS): FORCE
	@$(SUBMAKE) --no-print-directory BUILD=$(MPI_BUILD) CC=$(MPICC) XDEFS=-DSSNNSIM_MPI MPI= SYSTEMC=0 \
	  $(MPI_BUILD)/ssnnsim $(MPI_BUILD)/ssnnsim-plant1 $(MPI_BUILD)/ssnnsim-plant2
	@for b in "" -plant1 -plant2; do cmp -s $(MPI_BUILD)/ssnnsim$$b $(BUILD)/ssnnsim-mpi$$b || \
	  cp $(MPI_BUILD)/ssnnsim$$b $(BUILD)/ssnnsim-mpi$$b; done
.PRECIOUS: $(BUILD)/plant%/partition.o
$(BUILD)/plant%/partition.o: sim/partition.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -DPARTITION_PLANT=$* -MMD -MP -c $< -o $@
$(BUILD)/ssnnsim-plant%: $(BUILD)/sim/cli.o $(BUILD)/plant%/partition.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)

# The Makefile has run tools/install-deps already when it passes DEPS_DONE=1.
deps:
	@$(if $(DEPS_DONE),:,tools/install-deps)

data: deps
	@tools/get-datasets

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -MMD -MP -c $< -o $@

# Third-party code: UBSan reports its (benign) unaligned stores and shifts, so it is
# built without UBSan; AddressSanitizer still covers it.
$(BUILD)/fst/%.o: $(FST_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fno-sanitize=undefined -std=gnu11 -w -DFST_CONFIG_INCLUDE='"fst_config.h"' -I$(FST_DIR) -c $< -o $@

$(BUILD)/sim/waves.o: XCFLAGS += -I$(FST_DIR)
$(BUILD)/sim/train.o $(BUILD)/sim/noc.o: XCFLAGS += $(XCFLAGS_TRAIN) -Isim/systemc

$(BUILD)/sim/systemc/%.o: sim/systemc/%.cpp $(SC_VL)/Vrouter__ALL.a
	@mkdir -p $(dir $@)
	$(CXX) $(CFLAGS) $(SC_CXXFLAGS) -MMD -MP -c $< -o $@

# The teeth of the SystemC equality tests: ssnnsim whose C router links hold each
# flit one cycle too long (PLANT_SC_LINK_DELAY); test_systemc must see it differ.
$(BUILD)/sim/systemc/c_router-planted-link.o: sim/systemc/c_router.cpp $(SC_VL)/Vrouter__ALL.a
	@mkdir -p $(dir $@)
	$(CXX) $(CFLAGS) $(SC_CXXFLAGS) -DPLANT_SC_LINK_DELAY -MMD -MP -c $< -o $@
$(BUILD)/ssnnsim-planted-link: $(BUILD)/sim/cli.o $(BUILD)/sim/systemc/c_router-planted-link.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)
# ... and whose RTL routers lose clock edges they need: gated while holding a flit
# (PLANT_SC_GATE_HELD) or before their shift registers settle (PLANT_SC_GATE_EARLY).
$(BUILD)/sim/systemc/rtl_router-planted-gate-%.o: sim/systemc/rtl_router.cpp $(SC_VL)/Vrouter__ALL.a
	@mkdir -p $(dir $@)
	$(CXX) $(CFLAGS) $(SC_CXXFLAGS) -DPLANT_SC_GATE_$(shell echo $* | tr a-z A-Z) -MMD -MP -c $< -o $@
$(BUILD)/ssnnsim-planted-gate-%: $(BUILD)/sim/cli.o $(BUILD)/sim/systemc/rtl_router-planted-gate-%.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)
# ... and whose RTL routers get only 3 of a flit's 4 stream bits (PLANT_SC_STREAM_3BIT): a
# deep network's gradient spikes (streams 8, 9) arrive as input and hidden spikes;
# test_engines' depth runs must see it, depth 1 (streams 0-6) cannot.
$(BUILD)/sim/systemc/rtl_router-planted-stream.o: sim/systemc/rtl_router.cpp $(SC_VL)/Vrouter__ALL.a
	@mkdir -p $(dir $@)
	$(CXX) $(CFLAGS) $(SC_CXXFLAGS) -DPLANT_SC_STREAM_3BIT -MMD -MP -c $< -o $@
$(BUILD)/ssnnsim-planted-stream: $(BUILD)/sim/cli.o $(BUILD)/sim/systemc/rtl_router-planted-stream.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)

# rtl/router.sv as a SystemC module, and the Verilator runtime it needs.
# $(SC_VL)/flags holds what the build depends on besides the sources, and changes only
# when that does (editing this file does not re-verilate).
.PHONY: sc-flags-force
$(SC_VL)/flags: sc-flags-force
	@mkdir -p $(SC_VL)
	@printf '%s\n' '$(SC_RTL_ROUTER_PARAMS) $(VL_SAN)' | cmp -s - $@ || printf '%s\n' '$(SC_RTL_ROUTER_PARAMS) $(VL_SAN)' > $@
$(SC_VL)/Vrouter__ALL.a: rtl/router.sv rtl/flit_pkg.sv $(SC_VL)/flags
	@mkdir -p $(SC_VL)
	@echo "verilate router for SystemC ($(SC_RTL_ROUTER_PARAMS))"
	@SYSTEMC_INCLUDE=$(SYSTEMC_INCLUDE) SYSTEMC_LIBDIR=$(SYSTEMC_LIBDIR) $(VERILATOR) --sc --build -j 2 -O3 -Wno-fatal \
	  $(addprefix -G,$(SC_RTL_ROUTER_PARAMS)) -CFLAGS "-O2 -std=c++17 $(VL_SAN)" --top-module router -Mdir $(SC_VL) \
	  rtl/flit_pkg.sv rtl/router.sv >$(SC_VL)/build.log 2>&1 || { cat $(SC_VL)/build.log; exit 1; }
	@touch $@      # Verilator's make keeps an unchanged archive's old time
$(SC_VL)/verilated.o $(SC_VL)/verilated_threads.o: $(SC_VL)/Vrouter__ALL.a
	@SYSTEMC_INCLUDE=$(SYSTEMC_INCLUDE) $(MAKE) -s -C $(SC_VL) -f Vrouter.mk $(notdir $@) >>$(SC_VL)/build.log 2>&1 \
	  || { cat $(SC_VL)/build.log; exit 1; }

$(BUILD)/models/%.o: models/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MODEL_OPT) $(MODEL_XCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libssnn.a: $(LIB_OBJ) $(if $(filter 1,$(SYSTEMC)),$(SC_VL_LINK))
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/ssnnsim: $(BUILD)/sim/cli.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: testbenches/%.c $(BUILD)/libssnn.a testbenches/check.h testbenches/bars.h testbenches/scratch.h \
  testbenches/proc.h testbenches/noise_set.h testbenches/config_sets.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

# test_kill's teeth: the simulator with checkpoints overwritten in place.
$(BUILD)/plant/checkpoint.o: sim/checkpoint.c mk/build.mk
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -DPLANT_BUG_CKPT_IN_PLACE -MMD -MP -c $< -o $@

$(BUILD)/ssnnsim-plant-ckpt: $(BUILD)/sim/cli.o $(BUILD)/plant/checkpoint.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)

# The datasets: test_readme runs the README's commands on them (get-datasets is quick
# when they are there).
test: data
	@$(SUBMAKE) --no-print-directory $(BUILD)/ssnnsim $(BUILD)/ssnnsim-plant-ckpt $(TEST_BIN) lockstep-bins $(SC_TEST_BINS) \
	  $(MPI_BINS)
	@tools/run-tests $(BUILD)

# The same tests under AddressSanitizer + UBSan, in a build tree of their own.
san: deps
	@$(SUBMAKE) --no-print-directory BUILD=build-san MODEL_OPT= \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  build-san/ssnnsim build-san/ssnnsim-plant-ckpt \
	  $(patsubst $(BUILD)/%,build-san/%,$(TEST_BIN) $(SC_TEST_BINS) $(MPI_BINS)) lockstep-bins
	@ASAN_OPTIONS=detect_leaks=1 SSNNSIM_SANITIZED=1 tools/run-tests build-san

demo: data
	@$(SUBMAKE) --no-print-directory $(BUILD)/ssnnsim
	@mkdir -p results
	$(BUILD)/ssnnsim train workloads/mnist.yaml --engine chip --epochs 1 --out results/mnist.json

# The demo path under valgrind, on a few samples so that it takes well under a
# minute: chip engine training with mid-epoch checkpoints and a waveform dump, a
# resume, inference from the checkpoint, and the NoC alone with its dump.
VALGRIND := valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --quiet
VG_RUN   := --engine chip --test-samples 10 --set training.T_test=8 --quiet
VG_TRAIN := $(VG_RUN) --samples 20
valgrind: data
	@$(SUBMAKE) --no-print-directory $(BUILD)/ssnnsim
	@rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	$(VALGRIND) $(BUILD)/ssnnsim train workloads/mnist.yaml $(VG_TRAIN) --epochs 1 --set training.checkpoint_every=8 \
	  --checkpoint $(BUILD)/valgrind/demo.ckpt --waves $(BUILD)/valgrind/demo.fst --out $(BUILD)/valgrind/demo.json
	$(VALGRIND) $(BUILD)/ssnnsim train workloads/mnist.yaml $(VG_TRAIN) --epochs 2 --resume $(BUILD)/valgrind/demo.ckpt \
	  --checkpoint $(BUILD)/valgrind/demo.ckpt --out $(BUILD)/valgrind/resumed.json
	$(VALGRIND) $(BUILD)/ssnnsim infer workloads/mnist.yaml $(VG_RUN) --checkpoint $(BUILD)/valgrind/demo.ckpt
	$(VALGRIND) $(BUILD)/ssnnsim noc workloads/noc/uniform.yaml --quiet --set noc.rates=[0.1,0.3] \
	  --set noc.warmup_cycles=200 --set noc.measure_cycles=1000 --csv $(BUILD)/valgrind/noc.csv >/dev/null
	@echo "valgrind: no memory error and no definite leak on the demo path"

$(BUILD)/bench_golden: tools/bench_golden.c tools/bench_load.h $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

$(BUILD)/bench_chip: tools/bench_chip.c tools/bench_load.h tools/bench_pair.h $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

# A short chip run with a waveform dump, and the command that opens it.
waves: data
	@$(SUBMAKE) --no-print-directory $(BUILD)/ssnnsim
	$(BUILD)/ssnnsim train workloads/mnist.yaml --engine chip --samples 4 --test-samples 2 --epochs 1 \
	  --set training.T_test=4 --waves waves/demo.fst --wave-samples 4 --quiet
	@echo "open with:  gtkwave waves/demo.fst waves/demo.gtkw"

$(BUILD)/bench_systemc: tools/bench_systemc.c tools/bench_load.h $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) -Isim/systemc $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

$(BUILD)/bench_deep: tools/bench_deep.c tools/bench_load.h tools/bench_pair.h $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

bench: data all $(BUILD)/bench_golden $(BUILD)/bench_chip $(BUILD)/bench_deep $(BUILD)/bench_systemc
	@tools/bench $(BUILD)

# The NoC benchmark side by side with BookSim2's figures (docs/noc-booksim2.csv; docs/noc.md):
# each point's CPU time the least of three runs, as BookSim2's rows were timed.
noc-booksim: all
	@tools/noc-booksim --repeat 3 $(BUILD)

# The MPI-partitioned engine: 32x32 NoC and chip training on 1, 2, 4 ranks (docs/scale.md).
bench-mpi: data all mpi
	@tools/bench-mpi $(BUILD)

# libFuzzer (clang) on the parsers of untrusted input (config files, --set overrides, sweep
# files, IDX, checkpoints), each for FUZZ_SECONDS,
# starting from the committed seed corpora; new finds go to build-fuzz/corpus-*.
FUZZ_SECONDS ?= 60
# FUZZ_SEED: libFuzzer's seed; empty = a new one each run (exploring). CI fixes it, so a
# CI run replays the inputs that were fuzzed before it landed instead of drawing new ones.
FUZZ_SEED ?=
FUZZ_TARGETS := config set sweep chip idx checkpoint
# The YAML file readers also take inputs up to 1 MiB (libFuzzer's default is 4 KiB),
# from seeds made here: nesting 10^5 deep (open, closed, mappings) and 20 000 keys,
# which once overflowed the stack and took quadratic time (sim/yaml_tree.c).
FUZZ_LONG := config sweep
FUZZ_LONG_LEN := 1048576
fuzz: deps
	@$(SUBMAKE) --no-print-directory BUILD=build-fuzz CC=clang MODEL_OPT= SYSTEMC=0 \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" build-fuzz/libssnn.a
	@mkdir -p build-fuzz/long; cd build-fuzz/long; \
	  { printf 'a: '; head -c 100000 /dev/zero | tr '\0' '['; echo; } > deep-open.yaml; \
	  { printf 'a: '; head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; echo; } \
	    > deep-closed.yaml; \
	  { printf 'a: '; yes '{a: ' | head -n 100000 | tr -d '\n'; head -c 100000 /dev/zero | tr '\0' '}'; echo; } \
	    > deep-map.yaml; \
	  seq -f 'k%g: 1' 20000 > many-keys.yaml
	@set -e; for t in $(FUZZ_TARGETS); do \
	  clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(XCFLAGS) \
	    testbenches/fuzz/fuzz_$$t.c build-fuzz/libssnn.a -o build-fuzz/fuzz_$$t -lyaml -lz -lm -lpthread; \
	  mkdir -p build-fuzz/corpus-$$t; \
	  long=; case " $(FUZZ_LONG) " in *" $$t "*) long="-max_len=$(FUZZ_LONG_LEN) build-fuzz/long";; esac; \
	  echo "fuzz $$t: $(FUZZ_SECONDS) s$(if $(FUZZ_SEED), seed $(FUZZ_SEED))$${long:+, inputs up to $(FUZZ_LONG_LEN) bytes}"; \
	  if ! build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) $(if $(FUZZ_SEED),-seed=$(FUZZ_SEED)) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/ build-fuzz/corpus-$$t testbenches/fuzz/corpus/$$t $$long \
	    > build-fuzz/fuzz_$$t.log 2>&1; then \
	    grep -v -E "^#[0-9]+ " build-fuzz/fuzz_$$t.log | tail -n 40; \
	    for a in build-fuzz/crash-* build-fuzz/leak-* build-fuzz/timeout-* build-fuzz/oom-*; do \
	      [ -f "$$a" ] && { echo "input $$a (base64):"; base64 "$$a" | head -n 40; }; done; \
	    exit 1; fi; \
	  grep -E "^(stat::number_of_executed_units|#[0-9]+ +DONE)" build-fuzz/fuzz_$$t.log; \
	done; echo "fuzz: no crash, leak or undefined behaviour"

clean:
	rm -rf build build-san build-fuzz

# RTL lockstep validation (Verilator): lockstep-bins (built by test), validate
include testbenches/validate.mk

# Flags live here: objects built under other flags are stale.
# The SystemC plants' objects (the ssnnsim-planted-* of SC_TEST_BINS), built outside LIB_OBJ.
SC_PLANT_OBJ := $(BUILD)/sim/systemc/c_router-planted-link.o \
                $(patsubst %,$(BUILD)/sim/systemc/rtl_router-planted-%.o,gate-held gate-early stream)
$(LIB_OBJ) $(BUILD)/sim/cli.o $(SC_PLANT_OBJ): mk/build.mk

# The plants too must follow the headers they include (a struct changed under a stale
# plant gave it another layout than the library's). Only the .d files that exist: make
# tries to remake a missing one, and make's built-in link rule (%: %.o) offers to do so
# through the plant's .o rule, which verilates the router even in a SYSTEMC=0 build.
-include $(wildcard $(filter-out $(SC_VL)/%,$(LIB_OBJ:.o=.d)) $(BUILD)/sim/cli.d $(BUILD)/plant1/partition.d \
  $(BUILD)/plant2/partition.d $(SC_PLANT_OBJ:.o=.d) $(BUILD)/plant/checkpoint.d)
