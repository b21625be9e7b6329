# ssnnsim: every entry point. `make` builds build/ssnnsim; `make test` runs every test.
SHELL   := /bin/bash
CC      ?= gcc
CFLAGS  ?= -O2 -g
# Flags every build needs, kept apart from CFLAGS so `make san` can swap optimisation
# and sanitizers without losing them.
XCFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Isim -Imodels $(XDEFS)
# The model hot loops (spike-row accumulation) need the vectoriser's full cost model.
MODEL_OPT ?= -O3
LDLIBS  := -lyaml -lz -lm -lpthread
BUILD   ?= build

LIB_SRC  := $(filter-out sim/cli.c,$(wildcard sim/*.c)) $(wildcard models/*.c)
# The FST writer that ships with Verilator (gtkwave's fstapi), compiled as it is.
FST_DIR  ?= /usr/share/verilator/include/gtkwave
FST_OBJ  := $(BUILD)/fst/fstapi.o $(BUILD)/fst/lz4.o $(BUILD)/fst/fastlz.o
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(FST_OBJ)
TEST_SRC := $(wildcard testbenches/test_*.c)
TEST_BIN := $(TEST_SRC:testbenches/%.c=$(BUILD)/tests/%)

.PHONY: all deps data test san demo bench bench-mpi waves fuzz clean validate mpi FORCE
all: deps
	@$(MAKE) --no-print-directory $(BUILD)/ssnnsim $(if $(filter 1,$(MPI)),$(BUILD)/ssnnsim-mpi)

# `make MPI=1` (or `make mpi`) also builds $(BUILD)/ssnnsim-mpi: the same simulator
# compiled by mpicc with -DSSNNSIM_MPI in a tree of its own ($(BUILD)/mpi), for
# `mpirun -np N build/ssnnsim-mpi ...` (docs/scale.md). build/ssnnsim stays MPI-free.
# The planted-bug builds (PARTITION_PLANT, sim/partition.c) are what the MPI tests
# must catch: 1 delivers boundary flits a cycle late, 2 ignores the lookahead.
MPICC ?= mpicc
MPI_BUILD := $(BUILD)/mpi
MPI_BINS := $(BUILD)/ssnnsim-mpi $(BUILD)/ssnnsim-mpi-plant1 $(BUILD)/ssnnsim-mpi-plant2
mpi: deps
	@$(MAKE) --no-print-directory $(MPI_BINS)
$(MPI_BINS): FORCE
	@$(MAKE) --no-print-directory BUILD=$(MPI_BUILD) CC=$(MPICC) XDEFS=-DSSNNSIM_MPI MPI= \
	  $(MPI_BUILD)/ssnnsim $(MPI_BUILD)/ssnnsim-plant1 $(MPI_BUILD)/ssnnsim-plant2
	@for b in "" -plant1 -plant2; do cmp -s $(MPI_BUILD)/ssnnsim$$b $(BUILD)/ssnnsim-mpi$$b || \
	  cp $(MPI_BUILD)/ssnnsim$$b $(BUILD)/ssnnsim-mpi$$b; done
.PRECIOUS: $(BUILD)/plant%/partition.o
$(BUILD)/plant%/partition.o: sim/partition.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -DPARTITION_PLANT=$* -MMD -MP -c $< -o $@
$(BUILD)/ssnnsim-plant%: $(BUILD)/sim/cli.o $(BUILD)/plant%/partition.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)

deps:
	@tools/install-deps

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

$(BUILD)/models/%.o: models/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MODEL_OPT) $(XCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libssnn.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/ssnnsim: $(BUILD)/sim/cli.o $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: testbenches/%.c $(BUILD)/libssnn.a testbenches/check.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

# Tests need the datasets only for the end-to-end checks; they run on a fresh machine.
test: deps
	@$(MAKE) --no-print-directory $(BUILD)/ssnnsim $(TEST_BIN) lockstep-bins $(MPI_BINS)
	@tools/run-tests $(BUILD)

# The same tests under AddressSanitizer + UBSan, in a build tree of their own.
san: deps
	@$(MAKE) --no-print-directory BUILD=build-san MODEL_OPT= \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  build-san/ssnnsim $(patsubst $(BUILD)/%,build-san/%,$(TEST_BIN) $(MPI_BINS)) lockstep-bins
	@ASAN_OPTIONS=detect_leaks=1 tools/run-tests build-san

demo: data
	@$(MAKE) --no-print-directory $(BUILD)/ssnnsim
	@mkdir -p results
	$(BUILD)/ssnnsim train workloads/mnist.yaml --engine chip --epochs 1 --out results/mnist.json

$(BUILD)/bench_golden: tools/bench_golden.c $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

$(BUILD)/bench_chip: tools/bench_chip.c $(BUILD)/libssnn.a
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(BUILD)/libssnn.a -o $@ $(LDLIBS)

# A short chip run with a waveform dump, and the command that opens it.
waves: data
	@$(MAKE) --no-print-directory $(BUILD)/ssnnsim
	$(BUILD)/ssnnsim train workloads/mnist.yaml --engine chip --samples 4 --test-samples 2 --epochs 1 \
	  --set training.T_test=4 --waves waves/demo.fst --wave-samples 4 --quiet
	@echo "open with:  gtkwave waves/demo.fst waves/demo.gtkw"

bench: data all $(BUILD)/bench_golden $(BUILD)/bench_chip
	@tools/bench $(BUILD)

# The MPI-partitioned engine: 32x32 NoC and chip training on 1, 2, 4 ranks (docs/scale.md).
bench-mpi: data all mpi
	@tools/bench-mpi $(BUILD)

# libFuzzer (clang) on the three parsers of untrusted input, each for FUZZ_SECONDS,
# starting from the committed seed corpora; new finds go to build-fuzz/corpus-*.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := config idx checkpoint
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang MODEL_OPT= \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" build-fuzz/libssnn.a
	@set -e; for t in $(FUZZ_TARGETS); do \
	  clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(XCFLAGS) \
	    testbenches/fuzz/fuzz_$$t.c build-fuzz/libssnn.a -o build-fuzz/fuzz_$$t $(LDLIBS); \
	  mkdir -p build-fuzz/corpus-$$t; \
	  echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
	  build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    build-fuzz/corpus-$$t testbenches/fuzz/corpus/$$t 2>&1 | grep -E "^(stat::number_of_executed_units|==|SUMMARY|#[0-9]+ +DONE)" ; \
	  test $${PIPESTATUS[0]} -eq 0; \
	done; echo "fuzz: no crash, leak or undefined behaviour"

clean:
	rm -rf build build-san build-fuzz

# RTL lockstep validation (Verilator): lockstep-bins (built by test), validate
include testbenches/validate.mk

# Flags live here: objects built under other flags are stale.
$(LIB_OBJ) $(BUILD)/sim/cli.o: Makefile

-include $(LIB_OBJ:.o=.d) $(BUILD)/sim/cli.d $(BUILD)/plant1/partition.d $(BUILD)/plant2/partition.d
