# ssnnsim: every entry point. `make` builds build/ssnnsim; `make demo` trains on the chip;
# `make test` runs every test (README.md).
#
# This file decides nothing about what is installed, so that it works on a machine that
# has none of the project's packages yet: every entry point first runs tools/install-deps,
# then a sub-make on mk/build.mk, whose probes (SystemC headers, Verilator's include
# directory, the MPI compiler) are read only once the packages are there. Variables
# given on the command line (MPI=1, CFLAGS=..., FUZZ_SECONDS=...) reach the sub-make.
SHELL := /bin/bash
BUILD_MK = $(MAKE) --no-print-directory -f mk/build.mk DEPS_DONE=1

ENTRY_POINTS := all data test san demo bench-mpi noc-booksim waves fuzz validate valgrind mpi \
                lockstep-bins
.PHONY: $(ENTRY_POINTS) deps bench clean
.DEFAULT_GOAL := all

$(ENTRY_POINTS): deps
	@$(BUILD_MK) $@

deps:
	@tools/install-deps

# make bench also needs numpy (tools/bench_numpy.py): the base set plus the bench group.
bench:
	@tools/install-deps bench
	@$(BUILD_MK) $@

clean:
	rm -rf build build-san build-fuzz

# Any other target (a file such as build/ssnnsim or build/tests/test_chip): the same way.
Makefile: ;
%:: deps
	@$(BUILD_MK) $@
