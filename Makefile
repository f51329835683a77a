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
INC         := -Imodel/include -Iref -Iharness
ifeq ($(SAN),1)
  OPT   := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
else ifeq ($(COV),1)
  OPT   := -O0 --coverage
  LDSAN := --coverage
else
  OPT   := -O2
  LDSAN :=
endif
CFLAGS  += $(CFLAGS_BASE) $(OPT) $(INC)
LDFLAGS += $(LDSAN)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

MODEL_SRC   := $(wildcard model/*.c)
REF_SRC     := $(wildcard ref/*.c)
HARNESS_SRC := $(filter-out harness/kmc-run.c harness/kmc.c,$(wildcard harness/*.c))
TEST_SRC    := $(wildcard model/tests/*.c ref/tests/*.c harness/tests/*.c)

obj = $(patsubst %.c,$(O)/obj/%.o,$(1))
MODEL_OBJ   := $(call obj,$(MODEL_SRC))
REF_OBJ     := $(call obj,$(REF_SRC))
HARNESS_OBJ := $(call obj,$(HARNESS_SRC))
TEST_BINS   := $(patsubst %.c,$(O)/test/%,$(subst /tests/,_,$(TEST_SRC)))
BINS        := $(O)/bin/kmc-run $(O)/bin/kmc

.PHONY: all help check check-one test-bins coverage vectors lab kmod report bench clean deps
all: $(BINS)

help:
	@echo "make            build build/bin/kmc-run and build/bin/kmc"
	@echo "make check      build and run every test, then again under ASan+UBSan"
	@echo "make lab        run the KVM backend here, or the emulated lab without /dev/kvm"
	@echo "make vectors    regenerate vectors/*.kmv from the model (python3)"
	@echo "make coverage   lcov line+branch coverage of model/ and ref/ -> results/coverage/"
	@echo "make bench      scenarios per second for model and ref, sweep wall time"
	@echo "make kmod       build kmod/ against the running kernel's headers"
	@echo "make deps       install the Debian packages kmc needs (root)"
	@echo "make clean      remove build/"

$(O)/obj/%.o: %.c
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

LIBS := $(O)/lib/libkmcharness.a $(O)/lib/libkmcmodel.a $(O)/lib/libkmcref.a

$(O)/bin/%: $(O)/obj/harness/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) -lm -pthread

# model/tests/foo.c -> $(O)/test/model_foo
define test_rule
$(O)/test/$(subst /tests/,_,$(basename $(1))): $(call obj,$(1)) $(LIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(LIBS) $(CHECK_LIBS) -pthread
endef
$(foreach t,$(TEST_SRC),$(eval $(call test_rule,$(t))))

test-bins: $(BINS) $(TEST_BINS)

# One pass of every test in the current variant (O, SAN, COV).
check-one: test-bins
	@O=$(O) sh harness/run-checks.sh

check:
	$(MAKE) check-one
	$(MAKE) O=build/asan SAN=1 check-one
	@echo "make check: all passes green (plain and ASan+UBSan)"

coverage:
	sh harness/coverage.sh

vectors: $(O)/bin/kmc
	$(PYTHON) vectors/gen.py --kmc $(O)/bin/kmc --out vectors

bench: $(BINS)
	sh harness/bench.sh

lab: $(BINS)
	sh harness/lab.sh

kmod:
	$(MAKE) -C kmod

report:
	sh harness/report.sh

deps:
	sh harness/deps.sh

clean:
	rm -rf build

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
