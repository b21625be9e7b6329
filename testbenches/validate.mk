# RTL lockstep validation (included by mk/build.mk; docs/rtl.md). Each component COMP has
#   rtl/COMP.sv                     the top module COMP (+ the modules in RTL_COMP)
#   testbenches/COMP_lockstep.cpp   drives the Verilated RTL and its C cycle model with the
#                                   same seeded random stimulus and compares every cycle
#                                   (options: testbenches/lockstep.h)
# and, to add a component, one line in each block below (the rules are generic):
#   LOCKSTEP      its name
#   RTL_COMP      modules it instantiates besides rtl/COMP.sv
#   PARAMS_COMP   Name=value pairs: Verilator gets -GName=value, the bench -DP_Name=value,
#                 so RTL and C model are built for the same chip (names as the YAML keys)
#   BUGS_COMP     planted bugs: a build with -DPLANT_BUG_X (RTL `ifdef, or C-side in the bench
#                 as PLANT_C_BUG_X) that `make validate` must see fail (the teeth)
# Targets: lockstep-bins (lint + every bench; `make test` runs them briefly through
# testbenches/test_lockstep.c), validate (long runs, coverage, teeth: tools/validate),
# lockstep-COMP (one bench: make lockstep-rng CYCLES=1000000 SEED=7).
VERILATOR  ?= verilator
VL_BUILD   := $(BUILD)/verilator
LOCKSTEP   := rng neuron wta crossbar router core
# Components whose bench exists; the others are not built (nor counted) yet.
LOCKSTEP_HAVE := $(foreach c,$(LOCKSTEP),$(if $(wildcard testbenches/$(c)_lockstep.cpp),$(c)))

RTL_rng      :=
RTL_neuron   := rtl/rng.sv
RTL_wta      := rtl/rng.sv
RTL_crossbar :=
RTL_router   := rtl/flit_pkg.sv
RTL_core     := rtl/flit_pkg.sv rtl/rng.sv rtl/neuron.sv rtl/wta.sv rtl/crossbar.sv

# A chip small enough that the benches compare every state bit every cycle; the
# arithmetic (tables from dw_min, bounds from w_max) is the default chip's.
PARAMS_rng      :=
PARAMS_neuron   := CoreNeurons=80 NeuronLanes=16 DwMin=0.001
PARAMS_wta      := Output=10 Hidden=37 NeuronLanes=4 DwMin=0.001
PARAMS_crossbar := XbarRows=24 XbarCols=12 StateBits=16 DwMin=0.001 WMax=0.6
PARAMS_router   := MeshX=4 MeshY=4 NodeX=1 NodeY=2 BufferDepth=3 Pipeline=2 LinkLatency=2 Vcs=2 \
                   WatchdogCycles=200
PARAMS_core     := Input=20 Hidden=12 Hidden2=10 Output=4 CoreNeurons=8 NeuronLanes=3 XbarRows=24 XbarCols=8 \
                   DwMin=0.001 WMax=0.6

BUGS_rng      := RNG_TAP C_BUG_RNG_SEED
BUGS_neuron   := NEURON_DERIV_SAME_STREAM NEURON_FWD_LE C_BUG_NEURON_LEARN
BUGS_wta      := WTA_TWO_WINNERS WTA_BACK_SIGN WTA_THR_GE
BUGS_crossbar := XBAR_SIGN XBAR_NO_CLAMP C_BUG_XBAR_BACK
BUGS_router   := ROUTER_CREDIT ROUTER_STREAM
BUGS_core     := CORE_GRAD_UNGATED CORE_MIRROR_SIGN
# Runs of a bench with every episode in one role (COMP:ROLE: COMP_LOCKSTEP_ROLE=ROLE):
# rtl/core.sv's deep core (role 3) gets its own million cycles in make validate and
# its own short run in make test.
LOCKSTEP_ROLE_RUNS := core:3

VALIDATE_CYCLES ?= 1000000
# System level (tools/validate-systemc): MNIST samples trained and evaluated on chips
# with RTL routers under the SystemC engine, against the native chip engine.
VALIDATE_SC_SAMPLES      ?= 50
VALIDATE_SC_TEST_SAMPLES ?= 10
# ... and on a router other than the default one (the shipped engine's RTL router is
# Verilated for the default chip): slow links, a deeper pipeline, two VCs per class.
VALIDATE_SC_SLOW := chip.router.link_latency=3 chip.router.pipeline=3 chip.router.vcs=2
SC_RTL_ROUTER_PARAMS_SLOW := $(subst LinkLatency=1,LinkLatency=3,$(subst Pipeline=2,Pipeline=3,$(subst \
                             Vcs=1,Vcs=2,$(SC_RTL_ROUTER_PARAMS))))
TEST_CYCLES     ?= 20000
TEETH_CYCLES    ?= 200000
SEED            ?= 1

# Sanitizers of the C build (make san) reach the benches too: they link its libssnn.a.
VL_SAN   := $(filter -fsanitize% -fno-sanitize% -fno-omit-frame-pointer,$(CFLAGS))
VL_FLAGS := --cc --exe --build -j 2 -Wall -Wno-fatal --x-assign unique --x-initial unique \
            --coverage-line --coverage-toggle --trace-fst -O3 \
            -CFLAGS "-O2 -std=c++17 $(VL_SAN) -I$(abspath sim) -I$(abspath models) -I$(abspath testbenches)" \
            -LDFLAGS "$(VL_SAN) $(abspath $(BUILD)/libssnn.a) -lyaml -lz -lm -lpthread"
vl_params = $(addprefix -G,$(PARAMS_$(1))) $(if $(PARAMS_$(1)),-CFLAGS "$(addprefix -DP_,$(PARAMS_$(1)))")
# PLANT_BUG_X for RTL bugs, PLANT_C_BUG_X for bugs of the C side of the bench
vl_bug = $(if $(filter C_BUG_%,$(1)),-CFLAGS -DPLANT_$(1),+define+PLANT_BUG_$(1) -CFLAGS -DPLANT_BUG_$(1))

.PHONY: lockstep-bins lockstep-lint validate teeth-bins lockstep-force $(addprefix lockstep-,$(LOCKSTEP))

# build/verilator/DIR/flags holds the flags a build was made with and changes only when
# they do (a PARAMS_ or RTL_ line edited here rebuilds that component alone).
# New flags drop the old objects: Verilator's own make keys verilated.o on its sources
# only, so a build dir once made without --coverage would link it without coverage.
define vl_flags_rule
$(1)/flags: lockstep-force
	@mkdir -p $(1)
	@printf '%s\n' '$(2)' | cmp -s - $$@ || { rm -f $(1)/*.o $(1)/*.a; printf '%s\n' '$(2)' > $$@; }
endef

# Lint: every module as written (its defaults are the default chip), -Wall, no waiver;
# build/verilator/COMP/VCOMP (the RTL as written) and build/verilator/COMP-BUG/VCOMP.
define lockstep_rule
$(VL_BUILD)/lint/$(1).ok: rtl/$(1).sv $$(RTL_$(1))
	@mkdir -p $$(dir $$@)
	$(VERILATOR) --lint-only -Wall --top-module $(1) $$(RTL_$(1)) rtl/$(1).sv
	@touch $$@
$(call vl_flags_rule,$(VL_BUILD)/$(1),$(VL_FLAGS) $(call vl_params,$(1)) $(RTL_$(1)))
$(VL_BUILD)/$(1)/V$(1): rtl/$(1).sv $$(RTL_$(1)) testbenches/$(1)_lockstep.cpp testbenches/lockstep.h \
                        $(wildcard testbenches/$(1)_env.h) testbenches/flit_pack.h $(VL_BUILD)/$(1)/flags $(BUILD)/libssnn.a $(VL_BUILD)/lint/$(1).ok
	@mkdir -p $$(dir $$@)
	@echo "verilate $(1)"
	@rm -f $$@     # Verilator's own make would not relink a changed libssnn.a
	@$(VERILATOR) $(VL_FLAGS) $$(call vl_params,$(1)) --top-module $(1) -Mdir $$(dir $$@) -o V$(1) \
	  $$(RTL_$(1)) rtl/$(1).sv $(abspath testbenches/$(1)_lockstep.cpp) >$$(dir $$@)build.log 2>&1 || \
	  { cat $$(dir $$@)build.log; exit 1; }
lockstep-$(1): $(VL_BUILD)/$(1)/V$(1)
	$(VL_BUILD)/$(1)/V$(1) --cycles $$(or $$(CYCLES),$(VALIDATE_CYCLES)) --seed $(SEED)
endef
define lockstep_bug_rule
$(call vl_flags_rule,$(VL_BUILD)/$(1)-$(2),$(VL_FLAGS) $(call vl_params,$(1)) $(call vl_bug,$(2)) $(RTL_$(1)))
$(VL_BUILD)/$(1)-$(2)/V$(1): rtl/$(1).sv $$(RTL_$(1)) testbenches/$(1)_lockstep.cpp testbenches/lockstep.h \
                             $(wildcard testbenches/$(1)_env.h) testbenches/flit_pack.h $(VL_BUILD)/$(1)-$(2)/flags $(BUILD)/libssnn.a
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	@echo "verilate $(1) with PLANT_$(if $(filter C_BUG_%,$(2)),,BUG_)$(2)"
	@$(VERILATOR) $(VL_FLAGS) $$(call vl_params,$(1)) $(call vl_bug,$(2)) --top-module $(1) -Mdir $$(dir $$@) \
	  -o V$(1) $$(RTL_$(1)) rtl/$(1).sv $(abspath testbenches/$(1)_lockstep.cpp) >$$(dir $$@)build.log 2>&1 || \
	  { cat $$(dir $$@)build.log; exit 1; }
endef
$(foreach c,$(LOCKSTEP_HAVE),$(eval $(call lockstep_rule,$(c))))
$(foreach c,$(LOCKSTEP_HAVE),$(foreach b,$(BUGS_$(c)),$(eval $(call lockstep_bug_rule,$(c),$(b)))))

LOCKSTEP_BINS := $(foreach c,$(LOCKSTEP_HAVE),$(VL_BUILD)/$(c)/V$(c))
TEETH_BINS    := $(foreach c,$(LOCKSTEP_HAVE),$(foreach b,$(BUGS_$(c)),$(VL_BUILD)/$(c)-$(b)/V$(c)))

lockstep-lint: $(foreach c,$(LOCKSTEP_HAVE),$(VL_BUILD)/lint/$(c).ok)
lockstep-bins: lockstep-lint $(LOCKSTEP_BINS)
teeth-bins: $(TEETH_BINS)

# The make-test hook knows the components, their RTL files (it lints them again) and
# where their benches are.
$(BUILD)/tests/test_lockstep: testbenches/validate.mk
LOCKSTEP_SPEC := $(foreach c,$(LOCKSTEP_HAVE),$(c):$(strip $(RTL_$(c)) rtl/$(c).sv);)
$(BUILD)/tests/test_lockstep: XCFLAGS += -DVL_BUILD='"$(VL_BUILD)"' -DTEST_CYCLES=$(TEST_CYCLES) \
  -DLOCKSTEP_SPEC='"$(LOCKSTEP_SPEC)"' -DLOCKSTEP_ROLE_RUNS='"$(LOCKSTEP_ROLE_RUNS)"'

validate: deps
	@$(SUBMAKE) --no-print-directory $(BUILD)/libssnn.a
	@$(SUBMAKE) --no-print-directory lockstep-bins teeth-bins
	@tools/validate --build $(VL_BUILD) --cycles $(VALIDATE_CYCLES) --teeth-cycles $(TEETH_CYCLES) --seed $(SEED) \
	  --components "$(LOCKSTEP_SPEC)" --role-runs "$(LOCKSTEP_ROLE_RUNS)" \
	  --bugs "$(foreach c,$(LOCKSTEP_HAVE),$(foreach b,$(BUGS_$(c)),$(c):$(b)))"
ifeq ($(SYSTEMC),1)
	@echo
	@$(SUBMAKE) --no-print-directory $(BUILD)/ssnnsim
	@tools/get-datasets >/dev/null
	@echo "build the SystemC engine with an RTL router of 3-cycle links, pipeline 3, 2 VCs ($(VALIDATE_SC_SLOW))"
	@$(SUBMAKE) --no-print-directory -s BUILD=$(BUILD)/slow-router \
	  SC_RTL_ROUTER_PARAMS="$(SC_RTL_ROUTER_PARAMS_SLOW)" $(BUILD)/slow-router/ssnnsim
	@tools/validate-systemc $(BUILD) $(VALIDATE_SC_SAMPLES) $(VALIDATE_SC_TEST_SAMPLES) \
	  $(BUILD)/slow-router "$(VALIDATE_SC_SLOW)"
endif
