# The MicroPython host toolchain: mpy-cross, mpy-tool, mpy-vm, mpy-freeze.
#   make              build everything into build/
#   make check        build and run every test (unit, golden, corpus)
#   make check-san    the same under AddressSanitizer and UBSan (build-san/)
#   make check-32     the VM built for 32-bit x86, run on the corpus (build-32/)
#   make bench        compiler scaling and VM benchmarks (long)
#   make install PREFIX=/usr/local
#
# Sources are found by folder, so adding a file needs no Makefile change:
#   util/ mpyformat/           -> libmpyutil.a   (shared by everything)
#   compiler/ emitters/ frozen/ -> libmpycomp.a  (the compiler)
#   runtime/ runtime/ports/host/ -> libmpyvm.a   (the VM, host port)
#   cli/NAME.c + cli/NAME_*.c + cli/common_*.c -> build/NAME (with _ as -)
#   tests/DIR/test_*.c          -> one CMocka program each

CC ?= cc
BUILD ?= build
OPT ?= -O2
SAN_FLAGS ?=
WERROR ?= $(if $(CI),-Werror,)
CSTD = -std=c11 -D_GNU_SOURCE
WARN = -Wall -Wextra -Wshadow -Wwrite-strings -Wmissing-prototypes $(WERROR)
CFLAGS ?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(SAN_FLAGS) -MMD -MP -I.
LDFLAGS ?=
LDLIBS_VM = -lffi -lz -lm
PREFIX ?= /usr/local

UTIL_SRCS := $(wildcard util/*.c mpyformat/*.c)
COMP_SRCS := $(wildcard compiler/*.c emitters/*.c frozen/*.c)
VM_SRCS := $(wildcard runtime/*.c runtime/ports/host/*.c)
CLI_COMMON := $(wildcard cli/common_*.c)
COMMANDS := mpy-cross mpy-tool mpy-vm mpy-freeze
TEST_SRCS := $(wildcard tests/*/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

UTIL_LIB := $(BUILD)/libmpyutil.a
COMP_LIB := $(BUILD)/libmpycomp.a
VM_LIB := $(BUILD)/libmpyvm.a

# A command is built only when its main file exists.
BUILT_COMMANDS := $(foreach c,$(COMMANDS),$(if $(wildcard cli/$(subst -,_,$(c)).c),$(BUILD)/$(c)))
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.SECONDARY:
.PHONY: all check check-unit check-san check-32 bench install clean deps deps-build demo fuzz arm-vm
all: $(BUILT_COMMANDS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(UTIL_LIB): $(call obj,$(UTIL_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(COMP_LIB): $(call obj,$(COMP_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(VM_LIB): $(call obj,$(VM_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Each command and test folder links only the libraries it needs, so work in
# progress in one stage cannot break another stage's build.
LIBS_cross := $(COMP_LIB) $(UTIL_LIB)
LIBS_freeze := $(COMP_LIB) $(VM_LIB) $(UTIL_LIB)
LIBS_tool := $(COMP_LIB) $(UTIL_LIB)
LIBS_vm := $(VM_LIB) $(COMP_LIB) $(UTIL_LIB)
LIBS_test_util := $(UTIL_LIB)
LIBS_test_mpyformat := $(UTIL_LIB)
LIBS_test_compiler := $(COMP_LIB) $(UTIL_LIB)
LIBS_test_emitters := $(COMP_LIB) $(UTIL_LIB)
LIBS_test_frozen := $(COMP_LIB) $(VM_LIB) $(UTIL_LIB)
LIBS_test_runtime := $(VM_LIB) $(COMP_LIB) $(UTIL_LIB)
LIBS_test_cli := $(COMP_LIB) $(VM_LIB) $(UTIL_LIB)
cmd_libs = $(LIBS_$(subst mpy-,,$(1)))
test_libs = $(LIBS_test_$(firstword $(subst /, ,$(1))))

.SECONDEXPANSION:
$(BUILD)/mpy-%: $$(call obj,cli/mpy_$$(subst -,_,$$*).c $$(wildcard cli/mpy_$$(subst -,_,$$*)_*.c) $(CLI_COMMON)) $$(call cmd_libs,mpy-$$*)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(filter %.a,$^) $(LDLIBS_VM) -lpthread

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $$(call test_libs,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $< $(filter %.a,$^) $(filter %.a,$^) -lcmocka $(LDLIBS_VM) -lpthread

# Frozen modules. mpy-vm carries runtime/lib/ (asyncio) frozen in. The VM
# library holds only an empty default table (runtime/frozen_none.c, weak),
# so mpy-freeze, which links the VM to evaluate manifests, never needs the
# file it generates. A host program with frozen Python links a generated
# file, cli/frozen_main.c and the VM (frozen-demo; tests/frozen/).
GEN := $(BUILD)/gen
FROZEN_MAIN := $(call obj,cli/frozen_main.c)
$(GEN)/frozen_lib.c: $(BUILD)/mpy-freeze $(wildcard runtime/lib/*.py)
	@mkdir -p $(dir $@)
	$(BUILD)/mpy-freeze --no-progress -o $@ runtime/lib
$(BUILD)/mpy-vm: $(call obj,$(GEN)/frozen_lib.c)

$(GEN)/frozen_demo.c: $(BUILD)/mpy-freeze $(shell find examples/frozen-demo -name '*.py' 2>/dev/null)
	@mkdir -p $(dir $@)
	$(BUILD)/mpy-freeze --no-progress -o $@ --header $(GEN)/frozen_demo.h examples/frozen-demo
$(BUILD)/frozen-demo: $(FROZEN_MAIN) $(call obj,$(GEN)/frozen_demo.c) $(VM_LIB) $(UTIL_LIB)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS_VM) -lpthread

# Freezes examples/frozen-demo/ (main.py importing a package), links it
# with the VM into build/frozen-demo and runs it.
frozen-demo: $(BUILD)/frozen-demo
	$(BUILD)/frozen-demo

# Unit tests first (fast, precise), then the end-to-end scripts in tests/.
check: all $(TEST_BINS)
	@BUILD=$(BUILD) SAN_FLAGS="$(SAN_FLAGS)" SANITIZED=$(if $(SAN_FLAGS),1,) tests/run-all.sh $(TEST_BINS)

# The VM built for 32-bit x86 and run on the whole corpus: the 32-bit host
# build the runtime must pass. SSE arithmetic matches the 64-bit build's
# rounding (x87 would not); ffi and deflate are off (no i386 libraries).
# The kernel's x86 asm/ headers serve both word sizes; gcc-multilib, which
# would link them in place, conflicts with Debian's ARM Linux cross compiler.
M32_FLAGS = -m32 -msse2 -mfpmath=sse -idirafter /usr/include/x86_64-linux-gnu -DRT_MOD_FFI=0 -DRT_MOD_DEFLATE=0
check-32:
	$(MAKE) BUILD=build-32 CFLAGS="$(OPT) -g $(M32_FLAGS)" LDFLAGS=-m32 LDLIBS_VM=-lm build-32/mpy-vm
	BUILD=build-32 bash tests/runtime/check-vm-corpus.sh

check-san:
	$(MAKE) BUILD=build-san OPT=-O1 SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" check

# What building needs (deps-build), or what every test needs as well (deps).
deps:
	@BUILD=$(BUILD) .ci/deps
deps-build:
	@BUILD=$(BUILD) .ci/deps build

# Builds everything (after installing what is missing) and runs the example.
demo: deps-build
	$(MAKE) all
	@mkdir -p $(BUILD)/examples
	$(BUILD)/mpy-cross -o $(BUILD)/examples/hello.mpy examples/hello.py
	@echo "--- mpy-tool dis $(BUILD)/examples/hello.mpy (first lines)"
	@$(BUILD)/mpy-tool dis $(BUILD)/examples/hello.mpy | head -n 25
	@echo "--- mpy-vm $(BUILD)/examples/hello.mpy"
	@cd $(BUILD)/examples && ../mpy-vm hello.mpy

# The long mutation run of the .mpy reader under the sanitizers (make check
# runs 2,000 mutants; this runs 12,000 and keeps going on every corpus file).
fuzz:
	$(MAKE) BUILD=build-san OPT=-O1 SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" build-san/tests/mpyformat/test_mutations
	MPY_MUTANTS=12000 build-san/tests/mpyformat/test_mutations

# mpy-vm for ARM Linux in Thumb-2 (ARM_BUILD/mpy-vm), which runs armv7m
# native code and asm_thumb under qemu-arm (tests/runtime/check-vm-arm.sh).
# Needs gcc-arm-linux-gnueabihf; built without ffi and deflate (no armhf
# libffi or zlib). The frozen library is generated by the host's mpy-freeze.
ARM_BUILD ?= build-arm
ARM_CC ?= arm-linux-gnueabihf-gcc
arm-vm:
	$(MAKE) BUILD=$(BUILD) $(BUILD)/mpy-freeze
	@mkdir -p $(ARM_BUILD)/gen
	$(BUILD)/mpy-freeze --no-progress -o $(ARM_BUILD)/gen/frozen_lib.c runtime/lib
	$(MAKE) BUILD=$(ARM_BUILD) CC=$(ARM_CC) SAN_FLAGS= LDLIBS_VM=-lm \
	    CFLAGS="-O2 -g -mthumb -DRT_MOD_FFI=0 -DRT_MOD_DEFLATE=0" \
	    -o $(ARM_BUILD)/gen/frozen_lib.c $(ARM_BUILD)/mpy-vm

# Every script in tests/bench/ (compiler scaling, VM against the official VM).
bench: deps all
	@for s in tests/bench/*.sh; do echo "== $$s"; BUILD=$(BUILD) bash $$s || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILT_COMMANDS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-san build-32 $(ARM_BUILD)

include ports.mk
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
