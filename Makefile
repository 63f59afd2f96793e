# wvm build. `make` builds build/wvm and build/libwvm.a; `make test` runs the unit and spec
# tests; `make sanitize` runs the same tests under ASan + UBSan; `make CC=clang` builds with clang.

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

LIB_SRCS := $(wildcard loader/*.c vm/*.c runtime/*.c)
HOST_LIB_SRCS := $(filter-out host/main.c,$(wildcard host/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
HOST_LIB_OBJS := $(HOST_LIB_SRCS:%.c=$(BUILD)/%.o)
HARNESS_SRCS := $(wildcard spec-tests/*.c)
HARNESS_OBJS := $(HARNESS_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)

.PHONY: all clean test unit spec sanitize deps
all: $(BUILD)/wvm $(BUILD)/libwvm.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

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
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ -ljansson $(LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJS) $(BUILD)/libwvmhost.a $(BUILD)/libwvm.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ -lcriterion $(LIBS)

clean:
	rm -rf build build-*

-include $(LIB_OBJS:.o=.d) $(HOST_LIB_OBJS:.o=.d) $(HARNESS_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
-include $(BUILD)/host/main.d
