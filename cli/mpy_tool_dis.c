// cli/mpy_tool_dis.c: `mpy-tool dis`: the disassembly of every function of
// each file (mpyformat/disasm.c does the work).
#include <stdio.h>
#include <string.h>

#include "../emitters/asm_rv32.h"
#include "../emitters/asm_thumb.h"
#include "../emitters/asm_xtensa.h"
#include "../emitters/dis_x86.h"
#include "mpy_tool.h"

static bool dis_thumb_code(const uint8_t *code, size_t len, size_t addr, buf_t *out) {
    dis_thumb(code, len, (uint32_t)addr, out);
    return true;
}

static bool dis_xtensa_code(const uint8_t *code, size_t len, size_t addr, buf_t *out) {
    dis_xtensa(code, len, (uint32_t)addr, out);
    return true;
}

static bool dis_rv32_code(const uint8_t *code, size_t len, size_t addr, buf_t *out) {
    dis_rv32(code, len, (uint32_t)addr, out);
    return true;
}

static bool dis_x86_code(const uint8_t *code, size_t len, size_t addr, buf_t *out) {
    dis_x86(code, len, false, addr, out);
    return true;
}

static bool dis_x64_code(const uint8_t *code, size_t len, size_t addr, buf_t *out) {
    dis_x86(code, len, true, addr, out);
    return true;
}

// The machine-code disassemblers the project has, by architecture; code
// for the others is shown as hex.
static const mpy_native_dis_fn native_disassemblers[MPY_ARCH_COUNT] = {
    [MPY_ARCH_X86] = dis_x86_code,
    [MPY_ARCH_X64] = dis_x64_code,
    [MPY_ARCH_ARMV6M] = dis_thumb_code,
    [MPY_ARCH_ARMV7M] = dis_thumb_code,
    [MPY_ARCH_ARMV7EM] = dis_thumb_code,
    [MPY_ARCH_ARMV7EMSP] = dis_thumb_code,
    [MPY_ARCH_ARMV7EMDP] = dis_thumb_code,
    [MPY_ARCH_XTENSA] = dis_xtensa_code,
    [MPY_ARCH_XTENSAWIN] = dis_xtensa_code,
    [MPY_ARCH_RV32IMC] = dis_rv32_code,
};

static void usage(FILE *to) {
    fprintf(to,
        "usage: mpy-tool dis [--json] FILE.mpy...\n"
        "Disassembles every function, outermost first: bytecode with offsets,\n"
        "operands as names and constants, jump targets as labels and source\n"
        "lines; x86, x64, Thumb, Xtensa and RV32 machine code as instructions,\n"
        "other machine code as hex.\n"
        "  --json   one JSON object per file on stdout\n");
}

static void render(const tool_input_t *in, bool json, size_t index, size_t n_files, buf_t *out) {
    if (json) {
        buf_str(out, "{\"file\": ");
        mpy_json_string(out, (const uint8_t *)in->name, strlen(in->name));
        buf_str(out, ", \"disassembly\": ");
    } else if (n_files > 1) {
        buf_printf(out, "%s%s:\n", index > 0 ? "\n" : "", in->name);
    }
    mpy_dis_options_t opts = {.json = json, .native = native_disassemblers};
    mpy_dis_file(&in->file, &opts, out);
    buf_str(out, json ? "}\n" : "");
}

int tool_dis_main(int argc, char **argv) {
    return tool_run_files(argc, argv, usage, render);
}
