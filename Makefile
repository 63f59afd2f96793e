# wvm build. `make` builds build/wvm, build/libwvm.a and build/libwvm.so; `make install`
# installs the library, its header, its pkg-config file and the CLI (PREFIX, DESTDIR);
# `make test` runs the unit and spec tests; `make sanitize` runs the same tests under ASan + UBSan; `make clang` builds everything
# with clang into build-clang. `make spec SPEC=i32` runs one spec file (see spec-tests/run.sh);
# `make fuel-check` compares native fuel with the reference count, in-VM instrumentation,
# wvm_instrument's two backends and the pre-metered engine over the suite.

CC ?= cc
BUILD ?= build
OPT ?= -O2
# DISPATCH=switch builds the interpreter with a portable switch instead of computed goto.
DISPATCH ?= goto

WARN = -Wall -Wextra -Werror -Wno-unused-parameter
# -ffp-contract=off: Wasm rounds every float operation on its own, so an expression of two
# (the chained forms of vm/vmops.def) must not become one fused multiply-add where the target
# has one (gcc's default in GNU C mode contracts).
CFLAGS_ALL = -std=gnu11 $(OPT) -g $(WARN) -ffp-contract=off -fvisibility=hidden -Iinclude \
             $(EXTRA_CFLAGS)
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
# (tests/alloc_failures.c is a program of its own, linked with --wrap: alloc-check)
UNIT_SRCS := $(filter-out tests/alloc_failures.c,$(wildcard tests/*.c))
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)
# The unit tests drive the harness in-process (tests/test_harness.c): everything but its main.
HARNESS_LIB_OBJS := $(filter-out $(BUILD)/spec-tests/main.o,$(HARNESS_OBJS))

# The library objects go into the shared library too: position-independent code. (Measured
# on a loop-heavy module and on recursive fib: no measurable slowdown of the interpreter,
# since -fvisibility=hidden keeps the library's internal calls direct.)
$(LIB_OBJS): PIC_CFLAGS = -fPIC
# Extra flags for the interpreter's object alone (the fuzzing build's: see `fuzz`).
$(BUILD)/vm/interp.o: PIC_CFLAGS += $(INTERP_CFLAGS)

# Include flags of the test libraries, for the objects that use them.
$(HARNESS_OBJS): DEP_CFLAGS = $(JANSSON_CFLAGS)
$(UNIT_OBJS): DEP_CFLAGS = $(JANSSON_CFLAGS) $(CRITERION_CFLAGS)

.PHONY: all clean test unit spec sanitize deps clang everything install uninstall FORCE
all: $(BUILD)/wvm $(BUILD)/libwvm.a $(BUILD)/libwvm.so

# The compiler and flags of the last build in $(BUILD): objects are rebuilt when they change
# (e.g. `make sanitize EXTRA_CFLAGS=...`), instead of silently reusing stale ones.
FLAGS_STAMP := $(BUILD)/.build-flags
FLAGS_TEXT = $(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) lib:-fPIC interp:$(INTERP_CFLAGS)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(FLAGS_TEXT)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PIC_CFLAGS) $(DEP_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libwvm.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The version has one source, the header; the soname changes with the major version (and,
# while it is 0, with every incompatible release by convention of the 0 major).
VERSION := $(shell sed -n 's/^\#define WVM_VERSION_STRING "\(.*\)"$$/\1/p' include/wvm.h)
SO_MAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libwvm.so.$(SO_MAJOR)

# The shared library exports only the WVM_API (wvm_*) functions: everything else is compiled
# with -fvisibility=hidden (tests/install.sh checks the dynamic symbol table).
$(BUILD)/libwvm.so: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

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

# ---- install ----
# `make install PREFIX=/opt/wvm DESTDIR=/staging`: the files go under $(DESTDIR)$(PREFIX),
# while the pkg-config file names $(PREFIX) (where they will be used from).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL ?= install

install: $(BUILD)/wvm $(BUILD)/libwvm.a $(BUILD)/libwvm.so wvm.pc.in
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(LIBDIR)' \
	    '$(DESTDIR)$(PKGCONFIGDIR)'
	$(INSTALL) -m 755 $(BUILD)/wvm '$(DESTDIR)$(BINDIR)/wvm'
	$(INSTALL) -m 644 include/wvm.h '$(DESTDIR)$(INCLUDEDIR)/wvm.h'
	$(INSTALL) -m 644 $(BUILD)/libwvm.a '$(DESTDIR)$(LIBDIR)/libwvm.a'
	$(INSTALL) -m 755 $(BUILD)/libwvm.so '$(DESTDIR)$(LIBDIR)/libwvm.so.$(VERSION)'
	ln -sf libwvm.so.$(VERSION) '$(DESTDIR)$(LIBDIR)/$(SONAME)'
	ln -sf $(SONAME) '$(DESTDIR)$(LIBDIR)/libwvm.so'
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	    -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@VERSION@|$(VERSION)|g' wvm.pc.in \
	    > '$(DESTDIR)$(PKGCONFIGDIR)/wvm.pc'
	chmod 644 '$(DESTDIR)$(PKGCONFIGDIR)/wvm.pc'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/wvm' '$(DESTDIR)$(INCLUDEDIR)/wvm.h' \
	    '$(DESTDIR)$(LIBDIR)/libwvm.a' '$(DESTDIR)$(LIBDIR)/libwvm.so.$(VERSION)' \
	    '$(DESTDIR)$(LIBDIR)/$(SONAME)' '$(DESTDIR)$(LIBDIR)/libwvm.so' \
	    '$(DESTDIR)$(PKGCONFIGDIR)/wvm.pc'

# ---- tests ----
# Every program and library of the build.
everything: all $(BUILD)/libwvmhost.a $(BUILD)/spectest-run $(BUILD)/unit-tests

# Installs wabt, Criterion, jansson, pkg-config and Node.js when missing (as root on Debian),
# else names the packages to install and fails.
deps:
	@scripts/install-deps.sh

# UNIT_ARGS: Criterion options, e.g. UNIT_ARGS='--filter harness/*'.
# In a sanitizer build each test's forked Criterion worker runs LeakSanitizer when it exits,
# after the test has been reported as passing, and Criterion ignores the worker's exit status.
# abort_on_error=1 makes a leak report end the worker with SIGABRT instead, which Criterion
# reports as "crashed during its setup or teardown" and counts in its exit status (the
# LeakSanitizer report above it names the test). Ignored by builds without ASan; the
# caller's ASAN_OPTIONS come last and win.
unit: $(BUILD)/unit-tests
	@rc=0; \
	ASAN_OPTIONS="abort_on_error=1:$${ASAN_OPTIONS:-}" $(BUILD)/unit-tests $(UNIT_ARGS) || rc=$$?; \
	if [ $$rc -ne 0 ] && grep -q fsanitize=address $(FLAGS_STAMP) 2>/dev/null; then \
	    echo "unit tests failed; under ASan a test that \"crashed during its setup or teardown\" usually leaked: see the LeakSanitizer report above it"; \
	fi; \
	exit $$rc

# SPEC: files to run (default: the whole core suite), e.g. SPEC='i32 br_table';
# SPEC_ARGS: harness options, e.g. SPEC_ARGS=-v.
spec: $(BUILD)/spectest-run
	BUILD=$(BUILD) spec-tests/run.sh $(SPEC_ARGS) $(SPEC)

# Fuel exactness (spec-tests/fuel-check.sh), once per cost model of FUEL_MODELS (presets or
# cost files): the suite with --meter native and once per other mode of FUEL_AGAINST
# (reference, in-VM instrumentation, wvm_instrument's import and global backends, the
# pre-metered engine), all held to the expected-failures list, and their fuel logs compared
# with native's invocation by invocation. SPEC and SPEC_ARGS apply as for `make spec`, e.g.
# `make fuel-check FUEL_MODELS=uniform FUEL_AGAINST=global SPEC=i32`.
FUEL_MODELS ?= default uniform
FUEL_AGAINST ?= all
.PHONY: fuel-check
fuel-check: $(BUILD)/spectest-run
	@rc=0; \
	for model in $(FUEL_MODELS); do \
	    BUILD=$(BUILD) spec-tests/fuel-check.sh "$$model" --against $(FUEL_AGAINST) \
	        $(SPEC_ARGS) $(SPEC) || rc=1; \
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

# Runs the examples and the CLI end to end, checking their output (tests/examples.sh, the
# fuel options' tests/cli_fuel.sh and `wvm instrument`'s tests/cli_instrument.sh).
example-check: examples $(BUILD)/wvm
	@rc=0; \
	BUILD=$(BUILD) tests/examples.sh || rc=1; \
	WVM=$(BUILD)/wvm bash tests/cli_fuel.sh || rc=1; \
	WVM=$(BUILD)/wvm bash tests/cli_instrument.sh || rc=1; \
	exit $$rc

# Allocation failures (tests/alloc_failures.c): the embedding pipeline (engine, module, store,
# linker, instance, a call) over examples/fib.wasm and every kernel of bench/kernels.txt,
# unmetered, metered and instrumented, with each of its allocations failing in turn: every
# step must succeed or report out of memory, and the results must not change. Linked with
# --wrap so that it sees the library's malloc, calloc and realloc; under the sanitizers a leak
# on an error path fails it.
.PHONY: alloc-check
$(BUILD)/alloc-failures: tests/alloc_failures.c $(BUILD)/libwvm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libwvm.a $(LIBS) \
	    -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
alloc-check: $(BUILD)/alloc-failures
	@$(BUILD)/alloc-failures examples/fib.wasm fib 20 \
	    $$(awk '!/^#/ && NF == 6 { print $$2, $$3, $$6 }' bench/kernels.txt)

# The differential check (tests/fuzz/differential.c): a module's bytes through every metering
# mode (native, reference, in-VM instrumentation, native paid in small slices of fuel, and
# unmetered), which must agree on load errors, results, traps, exported memory and globals,
# and fuel. `make fuzz-check` replays the committed corpus (tests/fuzz/corpus: what fuzzing
# found, kept as regression tests) and the spec suite's modules once `make spec` has made
# them; `make fuzz` runs libFuzzer over the same check (clang, ASan + UBSan, the forwarding
# check) from those for FUZZ_SECONDS on FUZZ_JOBS processes, keeping new inputs in
# build-fuzz/corpus and a failing input as build-fuzz/crash-*. The interpreter's object is
# built without UBSan there: clang takes over half an hour on vm_run with it (40 s without);
# `make sanitize` runs it under UBSan.
FUZZ_SRCS := tests/fuzz/differential.c
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 2
.PHONY: fuzz-check fuzz
$(BUILD)/fuzz-replay: tests/fuzz/replay.c $(FUZZ_SRCS) tests/fuzz/differential.h $(BUILD)/libwvm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/fuzz/replay.c $(FUZZ_SRCS) $(BUILD)/libwvm.a $(LIBS)
fuzz-check: $(BUILD)/fuzz-replay
	@$(BUILD)/fuzz-replay tests/fuzz/corpus $(wildcard build/spec-json/*/)
build-fuzz/fuzz-module: FORCE
	@$(MAKE) --no-print-directory CC=clang BUILD=build-fuzz OPT=-O1 \
	    EXTRA_CFLAGS="$(SANITIZE_FLAGS) -fsanitize=fuzzer-no-link $(SANITIZE_CHECKS)" \
	    INTERP_CFLAGS=-fno-sanitize=undefined \
	    EXTRA_LDFLAGS="$(SANITIZE_FLAGS)" build-fuzz/libwvm.a
	clang -std=gnu11 -O1 -g $(WARN) -Iinclude $(SANITIZE_FLAGS) -fsanitize=fuzzer -o $@ \
	    tests/fuzz/fuzz_target.c $(FUZZ_SRCS) build-fuzz/libwvm.a $(LIBS)
fuzz: build-fuzz/fuzz-module
	@mkdir -p build-fuzz/corpus
	cd build-fuzz && ./fuzz-module -max_total_time=$(FUZZ_SECONDS) -jobs=$(FUZZ_JOBS) \
	    -workers=$(FUZZ_JOBS) -max_len=65536 -timeout=20 -dict=../tests/fuzz/wasm.dict \
	    corpus ../tests/fuzz/corpus \
	    $(addprefix ../,$(wildcard build/spec-json/*/))

# The interpreter's dispatches on every kernel and program, held exactly to
# bench/dispatches.txt (bench/dispatch_check.py): one of the benchmark's two main costs (the
# other is the loads a new pc waits for, docs/DESIGN.md), checked without timing anything.
# The counting wvm (vm/profile.h) is built in build-count with the default flags, whatever
# the caller's (the counts do not depend on them), so that `make sanitize` reuses it.
# `make dispatch-update` rewrites the file.
COUNT_WVM := build-count/wvm
.PHONY: dispatch-check dispatch-update count-wvm
count-wvm:
	@$(MAKE) --no-print-directory BUILD=build-count OPT=-O2 EXTRA_CFLAGS=-DVM_COUNT_DISPATCHES \
	    EXTRA_LDFLAGS= $(COUNT_WVM)
dispatch-check: count-wvm
	@python3 bench/dispatch_check.py $(COUNT_WVM)
dispatch-update: count-wvm
	@python3 bench/dispatch_check.py --update $(COUNT_WVM)

# Instrumented modules under Node's WebAssembly: same results, and gas + host entry = wvm's
# native fuel (tests/node_gas.sh; needs node and wasm-validate, which `make deps` installs).
.PHONY: node-check
node-check: $(BUILD)/wvm
	@WVM=$(BUILD)/wvm bash tests/node_gas.sh

# Installs into a temporary prefix and builds an example against the installed copy, static
# and shared, through pkg-config; checks the shared library's exported symbols
# (tests/install.sh). The compiler and link flags of the build (e.g. the sanitizers) apply.
.PHONY: install-check
install-check: all
	@MAKE='$(MAKE)' BUILD=$(BUILD) CC='$(CC)' EXTRA_FLAGS='$(EXTRA_LDFLAGS)' tests/install.sh

# Unit tests, the spec suite, the spec suite again with every module decoded and re-encoded
# by the loader (--roundtrip, loader/encode.h), the spec suite metered (fuel-check), then the
# examples and the CLI end to end, instrumented modules under Node (node-check), the
# installed library, the benchmarks' checksums (bench-check), allocation failures
# (alloc-check) and the differential check's corpus (fuzz-check); all run even if one fails.
test: deps
	@$(MAKE) --no-print-directory everything examples
	@rc=0; \
	$(MAKE) --no-print-directory unit || rc=1; \
	$(MAKE) --no-print-directory spec || rc=1; \
	$(MAKE) --no-print-directory spec SPEC_ARGS=--roundtrip || rc=1; \
	$(MAKE) --no-print-directory fuel-check || rc=1; \
	$(MAKE) --no-print-directory example-check || rc=1; \
	$(MAKE) --no-print-directory node-check || rc=1; \
	$(MAKE) --no-print-directory install-check || rc=1; \
	$(MAKE) --no-print-directory bench-check || rc=1; \
	$(MAKE) --no-print-directory dispatch-check || rc=1; \
	$(MAKE) --no-print-directory alloc-check || rc=1; \
	$(MAKE) --no-print-directory fuzz-check || rc=1; \
	exit $$rc

# ---- benchmarks (bench/RESULTS.md) ----
# `make bench` runs the suite of bench/kernels.txt natively, on wvm unmetered and metered and
# on wabt's interpreter, interleaved, and prints medians, ratios, load time, memory and code
# size (bench/run.py; BENCH_ARGS, e.g. BENCH_ARGS='--reps 9 --only fib_rec,nbody',
# '--no-interp' or '--callgrind'). `make bench-check` compares every kernel's checksum on wvm
# (unmetered and metered) with its native build at a small size (bench/check.sh).
.PHONY: bench bench-check
bench: $(BUILD)/wvm $(BUILD)/libwvm.a
	@BUILD=$(BUILD) python3 bench/run.py $(BENCH_ARGS)

bench-check: $(BUILD)/wvm
	@BUILD=$(BUILD) bench/check.sh

SANITIZE_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# The sanitizer build also checks every forwarded operand against its slot (vm/interp.c:
# VM_FWD_CHECK), and that each function's source map lists every instruction start (the
# passes over finished code rely on it: vm/translate.c), so that the tests and the spec suite
# find a wrong forwarding.
SANITIZE_CHECKS = -DVM_FWD_CHECK
# Leak detection is on for every program run (unit tests, spec harness, CLI, examples). A
# leak or memory error makes the program exit with status 23 (ASan's default, 1, is also
# the CLI's status for a trap, so tests/examples.sh and tests/cli_fuel.sh would accept it);
# the unit recipe adds abort_on_error for the Criterion workers. UBSan prints a stack.
sanitize:
	@ASAN_OPTIONS="detect_leaks=1:exitcode=23:$${ASAN_OPTIONS:-}" \
	UBSAN_OPTIONS="print_stacktrace=1:$${UBSAN_OPTIONS:-}" \
	$(MAKE) --no-print-directory test BUILD=build-asan OPT=-O1 \
	    EXTRA_CFLAGS="$(EXTRA_CFLAGS) $(SANITIZE_FLAGS) $(SANITIZE_CHECKS)" \
	    EXTRA_LDFLAGS="$(EXTRA_LDFLAGS) $(SANITIZE_FLAGS)"

clang:
	@$(MAKE) --no-print-directory everything CC=clang BUILD=build-clang

clean:
	rm -rf build build-*

-include $(LIB_OBJS:.o=.d) $(HOST_LIB_OBJS:.o=.d) $(HARNESS_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
-include $(BUILD)/host/main.d
