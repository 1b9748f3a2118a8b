// cli/mpy_tool_dis.c: `mpy-tool dis`: the disassembly of every function of
// each file (mpyformat/disasm.c does the work).
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../emitters/asm_thumb.h"
#include "../emitters/dis_x86.h"
#include "mpy_tool.h"

static bool dis_thumb_code(const uint8_t *code, size_t len, size_t addr, buf_t *out) {
    dis_thumb(code, len, (uint32_t)addr, out);
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
};

static void usage(FILE *to) {
    fprintf(to,
        "usage: mpy-tool dis [--json] FILE.mpy...\n"
        "Disassembles every function, outermost first: bytecode with offsets,\n"
        "operands as names and constants, jump targets as labels and source\n"
        "lines; x86, x64 and Thumb machine code as instructions, other machine\n"
        "code as hex.\n"
        "  --json   one JSON object per file on stdout\n");
}

int tool_dis_main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 'j': json = true; break;
            case 'h': usage(stdout); return 0;
            default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        tool_input_t in;
        if (!tool_load(&in, argv[i])) {
            tool_print_diag(stderr, &in);
            tool_unload(&in);
            status = 1;
            continue;
        }
        buf_t out;
        buf_init(&out);
        if (json) {
            buf_str(&out, "{\"file\": ");
            mpy_json_string(&out, (const uint8_t *)in.name, strlen(in.name));
            buf_str(&out, ", \"disassembly\": ");
        } else if (argc - optind > 1) {
            buf_printf(&out, "%s%s:\n", i > optind ? "\n" : "", in.name);
        }
        mpy_dis_options_t opts = {.json = json, .native = native_disassemblers};
        mpy_dis_file(&in.file, &opts, &out);
        buf_str(&out, json ? "}\n" : "");
        if (!tool_write_stdout(&out)) {
            status = 1;
        }
        buf_deinit(&out);
        tool_unload(&in);
    }
    return status;
}
