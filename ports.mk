# ports.mk: the VM-only firmware for boards, included from the Makefile.
#   make firmware          the frozen hello world for every target (FW_VARIANT)
#   make size              one line per target: TARGET TEXT DATA BSS (bytes)
#   make check-firmware    the corpus frozen into firmware, run under qemu,
#                          and native-code .mpy files on cortex-m3,
#                          cortex-m0plus, rv32imc and xtensa-lx106
#
# A firmware image is the runtime (runtime/*.c and the parts of util/ and
# mpyformat/ it uses), the bare-metal port (runtime/ports/bare/), one
# target's board layer, and one generated C file with the program. Images
# go to $(FW_DIR)/TARGET/VARIANT/NAME.elf, built from $(FW_DIR)/src/NAME.c.
#   variant min:  minimal feature level (no float, no big ints), small memory
#                 (64 KB flash, 8 KB RAM), link-time optimised, the program
#                 frozen for the level's qstrs (mpy-freeze --rt-level=0)
#   variant full: full feature level, the emulated board's whole memory
#                 (the chip's own on esp8266; the default of make firmware)
# make size lists the full images under their target names, except that
# cortex-m3 is the footprint image (min); its full image is cortex-m3-full.
# Targets: cortex-m3 (qemu mps2-an385), cortex-m0plus (qemu microbit, the
# one qemu board with an ARMv6-M core: a Cortex-M0), rv32imc (qemu virt),
# xtensa-lx106 (qemu's sim machine with the lx106 core; the min variant
# keeps the ESP8266's memory map, which runs there too), esp8266 (the chip
# itself: UART0, the boot ROM's arithmetic helpers, its memory map in both
# variants). esp8266 is linked and measured only, never run: qemu has no
# ESP8266 machine; make firmware and make size build it, check-firmware
# does not run it.

FW_DIR := $(BUILD)/firmware
FW_TARGETS := cortex-m0plus cortex-m3 rv32imc xtensa-lx106 esp8266
FW_VARIANT ?= full
FW_PROGRAM ?= examples/hello.py

FW_LEVEL_min := 0
FW_LEVEL_full := 2
FW_LAYOUT_min := small
FW_LAYOUT_full := big
FW_LTO_min := -flto=auto
FW_LTO_full :=
# Where a variant's programs are frozen to, and how (runtime/qstrs.def
# differs per level).
FW_SRC_min := $(FW_DIR)/src-min
FW_SRC_full := $(FW_DIR)/src
FW_FREEZE_min := --rt-level=$(FW_LEVEL_min)
FW_FREEZE_full :=

FW_CM_SRCS := runtime/ports/cortex-m/startup.c runtime/ports/cortex-m/cortex_m.c

FW_CROSS_cortex-m0plus := arm-none-eabi-
FW_CPU_cortex-m0plus := -mcpu=cortex-m0plus -mthumb -DCORTEX_M_CPU_HZ=16000000
FW_LIBC_cortex-m0plus := --specs=nano.specs
FW_SRCS_cortex-m0plus := $(FW_CM_SRCS) runtime/ports/cortex-m/board_nrf51.c
FW_LD_cortex-m0plus_small := runtime/ports/cortex-m/small.ld
FW_LD_cortex-m0plus_big := runtime/ports/cortex-m/big.ld

FW_CROSS_cortex-m3 := arm-none-eabi-
FW_CPU_cortex-m3 := -mcpu=cortex-m3 -mthumb -DCORTEX_M_CPU_HZ=25000000
FW_LIBC_cortex-m3 := --specs=nano.specs
FW_SRCS_cortex-m3 := $(FW_CM_SRCS) runtime/ports/cortex-m/board_mps2.c
FW_LD_cortex-m3_small := runtime/ports/cortex-m/small.ld
FW_LD_cortex-m3_big := runtime/ports/cortex-m/big.ld

FW_CROSS_rv32imc := riscv64-unknown-elf-
FW_CPU_rv32imc := -march=rv32imc -mabi=ilp32 -mcmodel=medany
FW_LIBC_rv32imc := --specs=picolibc.specs
FW_SRCS_rv32imc := $(wildcard runtime/ports/rv32/*.c runtime/ports/rv32/*.S)
FW_LD_rv32imc_small := runtime/ports/rv32/small.ld
FW_LD_rv32imc_big := runtime/ports/rv32/virt.ld

# The two lx106 targets share the compiler flags, the startup code, the
# vectors and the clock (runtime/ports/xtensa/*) and the linker scripts'
# section placement (xtensa/sections.ld); each adds its board folder:
# xtensa/sim/ (SIMCALL console, arithmetic helpers in C) or
# xtensa/esp8266/ (UART0, the boot ROM's helpers).
FW_XTENSA_SRCS := $(wildcard runtime/ports/xtensa/*.c runtime/ports/xtensa/*.S)
fw_xtensa_board = $(FW_XTENSA_SRCS) $(wildcard runtime/ports/xtensa/$(1)/*.c runtime/ports/xtensa/$(1)/*.S)

FW_CROSS_xtensa-lx106 := xtensa-lx106-elf-
FW_CPU_xtensa-lx106 := -mlongcalls -mtext-section-literals
FW_LIBC_xtensa-lx106 :=
FW_LDLIBS_xtensa-lx106 := -lc -lgcc
FW_SRCS_xtensa-lx106 := $(call fw_xtensa_board,sim)
FW_LD_xtensa-lx106_small := runtime/ports/xtensa/esp8266.ld
FW_LD_xtensa-lx106_big := runtime/ports/xtensa/sim.ld

FW_CROSS_esp8266 := $(FW_CROSS_xtensa-lx106)
FW_CPU_esp8266 := $(FW_CPU_xtensa-lx106)
FW_LIBC_esp8266 := $(FW_LIBC_xtensa-lx106)
FW_LDLIBS_esp8266 := $(FW_LDLIBS_xtensa-lx106)
FW_SRCS_esp8266 := $(call fw_xtensa_board,esp8266)
FW_LD_esp8266_small := runtime/ports/xtensa/esp8266.ld
FW_LD_esp8266_big := runtime/ports/xtensa/esp8266.ld

# The runtime and what it uses of util/ and mpyformat/ (the .mpy reader for
# the loader; no files, no disassembler, no writer). The minimal level has
# no float (util/numfmt.c, util/f128.c) and no big ints (util/bigint*.c).
FW_CORE_SRCS_min := $(wildcard runtime/*.c runtime/ports/bare/*.c) \
    util/arena.c util/buf.c util/diag.c util/qstr.c \
    mpyformat/mpy_read.c mpyformat/opcodes.c mpyformat/prelude.c mpyformat/arch.c
FW_CORE_SRCS_full := $(FW_CORE_SRCS_min) util/numfmt.c $(wildcard util/bigint*.c util/f128*.c)
FW_CFLAGS = $(CSTD) $(WARN) -Os -g -ffunction-sections -fdata-sections -MMD -MP -I.
FW_LDFLAGS = -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments

fw_objs = $(patsubst %,$(FW_DIR)/$(1)/$(2)/obj/%.o,$(basename $(3)))

# Rules for one target ($(1)) and variant ($(2)).
define FW_RULES
$(FW_DIR)/$(1)/$(2)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	$(FW_CROSS_$(1))gcc $$(FW_CFLAGS) $(FW_LTO_$(2)) $(FW_CPU_$(1)) $(FW_LIBC_$(1)) -DRT_LEVEL=$(FW_LEVEL_$(2)) -c $$< -o $$@

$(FW_DIR)/$(1)/$(2)/obj/%.o: %.S
	@mkdir -p $$(dir $$@)
	$(FW_CROSS_$(1))gcc $(FW_CPU_$(1)) -c $$< -o $$@

$(FW_DIR)/$(1)/$(2)/%.elf: $(FW_DIR)/$(1)/$(2)/obj/$(FW_SRC_$(2))/%.o \
        $(call fw_objs,$(1),$(2),$(FW_CORE_SRCS_$(2)) $(FW_SRCS_$(1))) $(FW_LD_$(1)_$(FW_LAYOUT_$(2)))
	$(FW_CROSS_$(1))gcc $(FW_CPU_$(1)) $(FW_LIBC_$(1)) $$(FW_LDFLAGS) $(FW_LTO_$(2)) -Os \
	    -T $(FW_LD_$(1)_$(FW_LAYOUT_$(2))) -L $(dir $(FW_LD_$(1)_$(FW_LAYOUT_$(2)))) \
	    -Wl,-Map=$$(@:.elf=.map) -o $$@ $$(filter %.o,$$^) -lm $(FW_LDLIBS_$(1))
endef
$(foreach t,$(FW_TARGETS),$(foreach v,min full,$(eval $(call FW_RULES,$(t),$(v)))))

# The program of an image: frozen by the host's mpy-freeze into C that the
# cross compiler builds into the image; the VM runs it in place from flash.
# (check-firmware.sh writes $(FW_DIR)/src/corpus*.c the same way.)
$(foreach v,min full,$(eval $(FW_SRC_$(v))/hello.c: $(FW_PROGRAM) $(BUILD)/mpy-freeze ; \
	@mkdir -p $$(dir $$@) && $(BUILD)/mpy-freeze --no-progress $(FW_FREEZE_$(v)) -o $$@ $$<))

FW_HELLO := $(foreach t,$(FW_TARGETS),$(FW_DIR)/$(t)/$(FW_VARIANT)/hello.elf)

.PHONY: firmware size check-firmware
firmware: $(FW_HELLO)

# TARGET TEXT DATA BSS of the host VM and the hello firmware: each target's
# full image, cortex-m3's footprint image (min) and its full image.
FW_SIZE_ROWS := cortex-m0plus:full cortex-m3:min cortex-m3-full:full rv32imc:full xtensa-lx106:full \
    esp8266:full
fw_size_target = $(patsubst %-full,%,$(1))
size: $(foreach r,$(FW_SIZE_ROWS),$(FW_DIR)/$(call fw_size_target,$(word 1,$(subst :, ,$(r))))/$(word 2,$(subst :, ,$(r)))/hello.elf) $(BUILD)/mpy-vm
	@size $(BUILD)/mpy-vm | awk 'NR == 2 { print "host", $$1, $$2, $$3 }'
	@$(foreach r,$(FW_SIZE_ROWS),$(FW_CROSS_$(call fw_size_target,$(word 1,$(subst :, ,$(r)))))size \
	    $(FW_DIR)/$(call fw_size_target,$(word 1,$(subst :, ,$(r))))/$(word 2,$(subst :, ,$(r)))/hello.elf \
	    | awk 'NR == 2 { print "$(word 1,$(subst :, ,$(r)))", $$1, $$2, $$3 }';)

check-firmware: $(BUILD)/mpy-freeze $(BUILD)/mpy-cross $(BUILD)/mpy-vm
	BUILD=$(BUILD) bash tests/ports/check-firmware.sh
	BUILD=$(BUILD) bash tests/ports/check-firmware-native.sh

-include $(shell find $(FW_DIR) -name '*.d' 2>/dev/null)
