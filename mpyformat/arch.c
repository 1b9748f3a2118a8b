// mpyformat/arch.c: architecture names as -march= spells them, indexed by
// the number the .mpy header stores, and their machine word sizes.
#include <string.h>

#include "mpyformat.h"

static const char *const arch_names[MPY_ARCH_COUNT] = {
    [MPY_ARCH_NONE] = "none",
    [MPY_ARCH_X86] = "x86",
    [MPY_ARCH_X64] = "x64",
    [MPY_ARCH_ARMV6] = "armv6",
    [MPY_ARCH_ARMV6M] = "armv6m",
    [MPY_ARCH_ARMV7M] = "armv7m",
    [MPY_ARCH_ARMV7EM] = "armv7em",
    [MPY_ARCH_ARMV7EMSP] = "armv7emsp",
    [MPY_ARCH_ARMV7EMDP] = "armv7emdp",
    [MPY_ARCH_XTENSA] = "xtensa",
    [MPY_ARCH_XTENSAWIN] = "xtensawin",
    [MPY_ARCH_RV32IMC] = "rv32imc",
    [MPY_ARCH_RV64IMC] = "rv64imc",
};

const char *mpy_arch_name(mpy_arch_t arch) {
    if ((unsigned)arch >= MPY_ARCH_COUNT) {
        return NULL;
    }
    return arch_names[arch];
}

bool mpy_arch_from_name(const char *name, mpy_arch_t *out) {
    for (int a = 0; a < MPY_ARCH_COUNT; a++) {
        if (strcmp(arch_names[a], name) == 0) {
            *out = (mpy_arch_t)a;
            return true;
        }
    }
    return false;
}

size_t mpy_arch_word_size(mpy_arch_t arch) {
    return arch == MPY_ARCH_X64 || arch == MPY_ARCH_RV64IMC ? 8 : 4;
}
