# wvm build. `make` builds build/wvm and build/libwvm.a; `make test` runs the unit and spec
# tests; `make sanitize` runs the same tests under ASan + UBSan; `make clang` builds everything
# with clang into build-clang. `make spec SPEC=i32` runs one spec file (see spec-tests/run.sh);
# `make fuel-check` compares native fuel metering with the reference count over the suite.

CC ?= cc
BUILD ?= build
OPT ?= -O2
# DISPATCH=switch builds the interpreter with a portable switch instead of computed goto.
DISPATCH ?= goto

WARN = -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS_ALL = -std=gnu11 $(OPT) -g $(WARN) -fvisibility=hidden -Iinclude $(EXTRA_CFLAGS)
ifeq ($(DISPATCH),switch)
CFLAGS_ALL += -DVM_DISPATCH_SWITCH
endif
LDFLAGS_ALL = $(EXTRA_LDFLAGS)
LIBS = -lm

# Test dependencies (scripts/install-deps.sh installs them); pkg-config when available.
PKG_CONFIG ?= pkg-config
JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
JANSSON_LIBS := $(or $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null),-ljansson)
CRITERION_CFLAGS := $(shell $(PKG_CONFIG) --cflags criterion 2>/dev/null)
CRITERION_LIBS := $(or $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null),-lcriterion)

LIB_SRCS := $(wildcard loader/*.c vm/*.c runtime/*.c)
HOST_LIB_SRCS := $(filter-out host/main.c,$(wildcard host/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
HOST_LIB_OBJS := $(HOST_LIB_SRCS:%.c=$(BUILD)/%.o)
HARNESS_SRCS := $(wildcard spec-tests/*.c)
HARNESS_OBJS := $(HARNESS_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)
# The unit tests drive the harness in-process (tests/test_harness.c): everything but its main.
HARNESS_LIB_OBJS := $(filter-out $(BUILD)/spec-tests/main.o,$(HARNESS_OBJS))

# Include flags of the test libraries, for the objects that use them.
$(HARNESS_OBJS): DEP_CFLAGS = $(JANSSON_CFLAGS)
$(UNIT_OBJS): DEP_CFLAGS = $(JANSSON_CFLAGS) $(CRITERION_CFLAGS)

.PHONY: all clean test unit spec sanitize deps clang everything FORCE
all: $(BUILD)/wvm $(BUILD)/libwvm.a

# The compiler and flags of the last build in $(BUILD): objects are rebuilt when they change
# (e.g. `make sanitize EXTRA_CFLAGS=...`), instead of silently reusing stale ones.
FLAGS_STAMP := $(BUILD)/.build-flags
FLAGS_TEXT = $(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(FLAGS_TEXT)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(DEP_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libwvm.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The host library: CLI helpers and the spectest host module (shared by the CLI, the spec
# harness and the unit tests).
$(BUILD)/libwvmhost.a: $(HOST_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/wvm: $(BUILD)/host/main.o $(BUILD)/libwvmhost.a $(BUILD)/libwvm.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/spectest-run: $(HARNESS_OBJS) $(BUILD)/libwvmhost.a $(BUILD)/libwvm.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ $(JANSSON_LIBS) $(LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJS) $(HARNESS_LIB_OBJS) $(BUILD)/libwvmhost.a $(BUILD)/libwvm.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ $(CRITERION_LIBS) $(JANSSON_LIBS) $(LIBS)

# ---- tests ----
# Every program and library of the build.
everything: all $(BUILD)/libwvmhost.a $(BUILD)/spectest-run $(BUILD)/unit-tests

# Installs wabt, Criterion, jansson and pkg-config when missing (as root on Debian), else
# names the packages to install and fails.
deps:
	@scripts/install-deps.sh

# UNIT_ARGS: Criterion options, e.g. UNIT_ARGS='--filter harness/*'.
unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests $(UNIT_ARGS)

# SPEC: files to run (default: the whole core suite), e.g. SPEC='i32 br_table';
# SPEC_ARGS: harness options, e.g. SPEC_ARGS=-v.
spec: $(BUILD)/spectest-run
	BUILD=$(BUILD) spec-tests/run.sh $(SPEC_ARGS) $(SPEC)

# Fuel exactness (spec-tests/fuel-check.sh), once per cost model of FUEL_MODELS (presets or
# cost files): the suite with --meter native and with --meter reference, both held to the
# expected-failures list, and their fuel logs compared invocation by invocation. SPEC and
# SPEC_ARGS apply as for `make spec`, e.g. `make fuel-check FUEL_MODELS=uniform SPEC=i32`.
FUEL_MODELS ?= default uniform
.PHONY: fuel-check
fuel-check: $(BUILD)/spectest-run
	@rc=0; \
	for model in $(FUEL_MODELS); do \
	    BUILD=$(BUILD) spec-tests/fuel-check.sh "$$model" $(SPEC_ARGS) $(SPEC) || rc=1; \
	done; \
	exit $$rc

# The example host programs (examples/*.c), each linked against the static library.
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS := $(EXAMPLE_SRCS:examples/%.c=$(BUILD)/examples/%)
.PHONY: examples example-check
examples: $(EXAMPLE_BINS)
$(BUILD)/examples/%: examples/%.c $(BUILD)/libwvm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libwvm.a $(LIBS)

# Runs the examples and the CLI end to end, checking their output (tests/examples.sh and the
# fuel options' tests/cli_fuel.sh).
example-check: examples $(BUILD)/wvm
	@rc=0; \
	BUILD=$(BUILD) tests/examples.sh || rc=1; \
	WVM=$(BUILD)/wvm bash tests/cli_fuel.sh || rc=1; \
	exit $$rc

# Unit tests, the spec suite, the spec suite metered (fuel-check), then the examples and the
# CLI end to end; all run even if one fails.
test: deps
	@$(MAKE) --no-print-directory everything examples
	@rc=0; \
	$(MAKE) --no-print-directory unit || rc=1; \
	$(MAKE) --no-print-directory spec || rc=1; \
	$(MAKE) --no-print-directory fuel-check || rc=1; \
	$(MAKE) --no-print-directory example-check || rc=1; \
	exit $$rc

SANITIZE_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize:
	@$(MAKE) --no-print-directory test BUILD=build-asan OPT=-O1 \
	    EXTRA_CFLAGS="$(EXTRA_CFLAGS) $(SANITIZE_FLAGS)" \
	    EXTRA_LDFLAGS="$(EXTRA_LDFLAGS) $(SANITIZE_FLAGS)"

clang:
	@$(MAKE) --no-print-directory everything CC=clang BUILD=build-clang

clean:
	rm -rf build build-*

-include $(LIB_OBJS:.o=.d) $(HOST_LIB_OBJS:.o=.d) $(HARNESS_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
-include $(BUILD)/host/main.d
