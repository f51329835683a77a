# kmc: KVM mitigation conformance.  `make help` lists the targets.
#
# Build variants share one set of rules and differ in their output
# directory O and flags: plain (build/), sanitizers (build/asan/),
# coverage (build/cov/).

CC       ?= gcc
O        ?= build
SAN      ?=
COV      ?=
PYTHON   ?= python3

CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g
# harness/ by concern (docs/layout.md); each part's headers by their bare name
HARNESS_PARTS := kmv names run sweep ktap tools/qemu tools/source
INC         := -Imodel/include -Iref $(patsubst %,-Iharness/%,$(HARNESS_PARTS)) -Iharness/tools \
	       -Iharness/results -Iharness/report -Iharness/kvm
ifeq ($(SAN),1)
  OPT   := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
else ifeq ($(SAN),fuzz)
  # libFuzzer targets (clang only; make fuzz): the libraries instrumented, the
  # targets linked with libFuzzer's main
  # (clang warns on two idioms of this tree that gcc accepts: partial
  # designated initializers; struct kvm_msrs, a flexible array, followed by
  # its entries in the kvm backend)
  OPT   := -O2 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
           -Wno-missing-field-initializers -Wno-gnu-variable-sized-type-not-at-end
  LDSAN := -fsanitize=fuzzer,address,undefined
else ifeq ($(COV),1)
  OPT   := -O0 --coverage -fprofile-update=atomic
  LDSAN := --coverage
else
  OPT   := -O2
  LDSAN :=
endif
CFLAGS  += $(CFLAGS_BASE) $(OPT) $(INC)
LDFLAGS += $(LDSAN)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)
# results directories, JUnit/KCIDB, the report (harness/results/, harness/report/):
# jansson (run.json, KCIDB), nettle (SHA-256)
RESULTS_PKGS := jansson nettle
RESULTS_LIBS := $(shell pkg-config --libs $(RESULTS_PKGS) 2>/dev/null || echo -ljansson -lnettle)

MODEL_SRC   := $(wildcard model/*.c)
REF_SRC     := $(wildcard ref/*.c)
HARNESS_SRC := $(filter-out harness/run/kmc-run.c harness/run/kmc.c,$(wildcard $(patsubst %,harness/%/*.c,$(HARNESS_PARTS))))
# the kvm backend (harness/kvm/, docs/kvm-backend.md): C and the guest program
KVM_SRC     := $(wildcard harness/kvm/*.c) harness/kvm/guest.S
TEST_SRC    := $(wildcard model/tests/*.c ref/tests/*.c)
# harness/PART/tests/test_NAME.c -> $(O)/test/harness_test_NAME
HARNESS_TEST_SRC := $(wildcard $(patsubst %,harness/%/tests/test_*.c,$(HARNESS_PARTS)))
RESULTS_SRC := $(filter-out harness/results/kmc-results.c,$(wildcard harness/results/*.c harness/report/*.c))
RESULTS_TEST_SRC := $(wildcard harness/results/tests/*.c)

obj = $(patsubst %.c,$(O)/obj/%.o,$(1))
MODEL_OBJ   := $(call obj,$(MODEL_SRC))
REF_OBJ     := $(call obj,$(REF_SRC))
HARNESS_OBJ := $(call obj,$(HARNESS_SRC) $(filter %.c,$(KVM_SRC))) \
	       $(patsubst %.S,$(O)/obj/%.o,$(filter %.S,$(KVM_SRC)))
RESULTS_OBJ := $(call obj,$(RESULTS_SRC))
TEST_BINS   := $(patsubst %.c,$(O)/test/%,$(subst /tests/,_,$(TEST_SRC)))
TEST_BINS   += $(patsubst %.c,$(O)/test/harness_%,$(notdir $(HARNESS_TEST_SRC)))
# harness/results/tests/foo.c -> $(O)/test/results_foo
TEST_BINS   += $(patsubst harness/results/tests/%.c,$(O)/test/results_%,$(RESULTS_TEST_SRC))
BINS        := $(O)/bin/kmc-run $(O)/bin/kmc $(O)/bin/kmc-results

.PHONY: mutants mutants-sample
.PHONY: all help check check-one test-bins coverage vectors lab kernel kmod kmod-check report bench clean deps kvm-static fuzz
all: $(BINS)

help:
	@echo "make            build build/bin/kmc-run and build/bin/kmc"
	@echo "make check      build and run every test, then again under ASan+UBSan"
	@echo "make lab        run the KVM backend here, or the emulated labs (QEMU, Bochs VMX) without kvm_intel/kvm_amd"
	@echo "make lab KERNEL=DIR [KFLAGS=+validate_arch_cap]  both emulated labs on your own kernel build"
	@echo "make lab-smoke  the emulated labs' CI subset (7.2: QEMU L1 + 3 L2 boots, one Bochs VMX host;"
	@echo "                then the QEMU part again on 7.2 given as KERNEL=image: the same verdicts)"
	@echo "make kernel KSRC=DIR  a lab-ready kernel from a source tree (make lab KERNEL=build/kernel/NAME)"
	@echo "make vectors    regenerate vectors/*.kmv from the model (python3)"
	@echo "make qemu-models regenerate data/qemu/ from QEMU 7.2 (the machine's) and sid's over QMP (python3)"
	@echo "make source-check  model and ref tables against Debian's linux-source of each lab line"
	@echo "make source-tables re-extract ref/tables/linux-*.h from those sources (python3)"
	@echo "make mutants    generated mutants of model/ and ref/ against vectors and sweep -> results/mutants/"
	@echo "make mutants-sample  the fixed sample of 20 mutants CI runs"
	@echo "make coverage   lcov line+branch coverage of model/ and ref/ -> results/coverage/"
	@echo "make bench      scenarios per second for model and ref, sweep wall time, kmc-run's records/s and memory"
	@echo "                (BASE=REV: the model, ref and sweep figures of git revision REV too)"
	@echo "make fuzz       libFuzzer on the vector reader and the KTAP reader, FUZZ_SECONDS (default 60) each"
	@echo "make kmod       build kmod/ against the running kernel's and Debian's 6.1/6.12/7.2/7.3 headers"
	@echo "make kmod-check kmod's checks without root or lab (KTAP; builds against unpacked headers)"
	@echo "make deps       install the Debian packages kmc needs (root)"
	@echo "make clean      remove build/"

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/lib/libkmcmodel.a: $(MODEL_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^
$(O)/lib/libkmcref.a: $(REF_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^
$(O)/lib/libkmcharness.a: $(HARNESS_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(O)/lib/libkmcresults.a: $(RESULTS_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

# each archive after the ones that use it (ld resolves only what came before):
# kmc-run's parts in libkmcharness use libkmcresults, which uses none of the others
LIBS := $(O)/lib/libkmcharness.a $(O)/lib/libkmcresults.a $(O)/lib/libkmcmodel.a $(O)/lib/libkmcref.a

$(O)/bin/%: $(O)/obj/harness/run/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(RESULTS_LIBS) -lm -pthread

$(O)/bin/kmc-results: $(O)/obj/harness/results/kmc-results.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(RESULTS_LIBS) -lm

# model/tests/foo.c -> $(O)/test/model_foo
define test_rule
$(O)/test/$(subst /tests/,_,$(basename $(1))): $(call obj,$(1)) $(LIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(LIBS) $(CHECK_LIBS) $(RESULTS_LIBS) -pthread
endef
$(foreach t,$(TEST_SRC),$(eval $(call test_rule,$(t))))
define harness_test_rule
$(O)/test/harness_$(notdir $(basename $(1))): $(call obj,$(1)) $(LIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(LIBS) $(CHECK_LIBS) $(RESULTS_LIBS) -pthread
endef
$(foreach t,$(HARNESS_TEST_SRC),$(eval $(call harness_test_rule,$(t))))

$(O)/test/results_%: $(O)/obj/harness/results/tests/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(CHECK_LIBS) $(RESULTS_LIBS) -pthread

# harness/kvm/tests/foo.c -> $(O)/test/kvm_foo (no /dev/kvm needed), except
# test_guest.c -> $(O)/kvm-test/kvm_guest, which needs one (harness/kvm/run-tests.sh)
KVM_TEST_BINS := $(patsubst harness/kvm/tests/test_%.c,$(O)/test/kvm_%,\
		   $(filter-out harness/kvm/tests/test_guest.c,$(wildcard harness/kvm/tests/*.c)))
$(O)/test/kvm_%: $(O)/obj/harness/kvm/tests/test_%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(CHECK_LIBS) $(RESULTS_LIBS) -pthread
$(O)/kvm-test/kvm_guest: $(O)/obj/harness/kvm/tests/test_guest.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(CHECK_LIBS) $(RESULTS_LIBS) -pthread
TEST_BINS   += $(KVM_TEST_BINS) $(O)/kvm-test/kvm_guest

# Static kmc-run and kvm_guest for the emulated lab's L1 (harness/kvm/lab-l1.sh)
kvm-static:
	$(MAKE) O=build/kvm-static LDFLAGS=-static CHECK_LIBS='$(shell pkg-config --libs --static check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)' \
		build/kvm-static/bin/kmc-run build/kvm-static/kvm-test/kvm_guest

test-bins: $(BINS) $(TEST_BINS)

# One pass of every test in the current variant (O, SAN, COV).
check-one: test-bins
	@O=$(O) sh harness/tools/run-checks.sh
	@O=$(O) sh harness/kvm/run-tests.sh

check:
	@sh harness/tools/deps.sh --if-missing
	$(MAKE) check-one
	$(MAKE) O=build/asan SAN=1 KMC_SWEEP_ARGS="--stride 11" check-one
	@echo "make check: all passes green (plain and ASan+UBSan)"

coverage:
	@sh harness/tools/deps.sh --if-missing
	sh harness/tools/coverage.sh

vectors: $(O)/bin/kmc
	$(PYTHON) vectors/gen.py --kmc $(O)/bin/kmc --out vectors

# QEMU's named CPU models, asked of the machine's QEMU and of sid's (fetched
# into build/qemu/, nothing installed) over QMP -> data/qemu/ (docs/qemu-models.md)
.PHONY: qemu-models
qemu-models: $(O)/bin/kmc
	$(PYTHON) harness/tools/qemu/gen-models.py --kmc $(O)/bin/kmc --out-dir data/qemu -- qemu-system-x86_64
	$(PYTHON) harness/tools/qemu/gen-models.py --kmc $(O)/bin/kmc --out-dir data/qemu -- $$(harness/tools/qemu/fetch.sh sid)

# the tables against Debian's kernel sources (docs/source-check.md): fetch
# (cached), extract afresh, compare; source-tables rewrites ref/tables/
.PHONY: source-check source-tables
source-check: $(O)/bin/kmc
	@sh harness/tools/deps.sh --if-missing
	KMC=$(O)/bin/kmc PYTHON=$(PYTHON) bash harness/tools/source/check.sh
source-tables: $(O)/bin/kmc
	KMC=$(O)/bin/kmc PYTHON=$(PYTHON) bash harness/tools/source/check.sh --update

# generated mutants of model/ and ref/ against the vectors and the sweep,
# report in results/mutants/ (docs/vectors.md "Mutants"); CI runs a fixed 20
mutants:
	$(PYTHON) harness/tools/mutants/mutants.py
mutants-sample:
	$(PYTHON) harness/tools/mutants/mutants.py --sample 20 --out build/mutants-sample

bench: $(BINS)
	sh harness/tools/bench.sh $(if $(BASE),--base $(BASE))

# libFuzzer targets (harness/tools/fuzz/): the vector reader, the KTAP reader
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := kmv ktap
$(O)/fuzz/fuzz_%: $(O)/obj/harness/tools/fuzz/fuzz_%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(RESULTS_LIBS) -lm

fuzz:
	@sh harness/tools/deps.sh --if-missing fuzz
	$(MAKE) O=build/fuzz CC=clang SAN=fuzz $(patsubst %,build/fuzz/fuzz/fuzz_%,$(FUZZ_TARGETS))
	sh harness/tools/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# KERNEL=DIR (a build directory) or KERNEL=IMAGE KMODULES=DIR: boot that
# kernel in both emulated labs; KNAME=NAME, KFLAGS=+VARIANT (docs/lab.md
# "Testing your own kernel")
LAB_ARGS := $(if $(KERNEL),--own-kernel "$(KERNEL)") $(if $(KMODULES),--own-modules "$(KMODULES)") \
	    $(if $(KNAME),--own-name "$(KNAME)") $(if $(KFLAGS),--profile-flags "$(KFLAGS)")
lab:
	@sh harness/tools/deps.sh --if-missing
	$(MAKE) all
	sh harness/lab/run-labs.sh $(LAB_ARGS)

# the emulated labs' CI subset: 7.2 only; QEMU: the L1 KVM run and 3 L2
# configurations; VMX (Bochs): the FB_CLEAR_CTRL host configuration
.PHONY: lab-smoke
lab-smoke: $(BINS)
	sh harness/lab/run-labs.sh --emulated --smoke
	@# make lab KERNEL= on Debian's 7.2 given as image + modules: the same verdicts
	bash harness/lab/same-kernel.sh

# a lab-ready kernel from a source tree (docs/lab.md "Testing your own kernel")
kernel:
	@[ -n "$(KSRC)" ] || { echo "make kernel: give KSRC=DIR, a kernel source tree (KOUT=DIR: build directory)" >&2; exit 2; }
	bash harness/lab/kernel/build.sh --src "$(KSRC)" $(if $(KOUT),--out "$(KOUT)")

kmod:
	$(MAKE) -C kmod

# kmod's checks that need no root, no lab, no network (a few seconds)
kmod-check:
	$(MAKE) -s -C kmod check

report: $(O)/bin/kmc-results
	O=$(O) sh harness/report/report.sh

deps:
	sh harness/tools/deps.sh

clean:
	rm -rf build

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
