// cli/mpy_tool_check.c: `mpy-tool check`: strict validation of any number
// of files. A malformed file gets one line, "FILE: offset N: what", and
// makes the exit status 1.
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mpy_tool.h"

static void usage(FILE *to) {
    fprintf(to,
        "usage: mpy-tool check [--json] [-v] FILE.mpy...\n"
        "Validates each file strictly (header, qstrs, constants, every function's\n"
        "prelude, line table and opcodes, native extras). Prints one line per\n"
        "malformed file on stderr: FILE: offset N: what is wrong.\n"
        "  --json         print one JSON array of results on stdout instead\n"
        "  -v, --verbose  also print FILE: ok for valid files\n"
        "Exit status: 0 all valid, 1 some file malformed or unreadable, 2 usage.\n");
}

static void json_result(buf_t *out, const tool_input_t *in, bool first) {
    buf_str(out, first ? "\n  " : ",\n  ");
    buf_str(out, "{\"file\": ");
    mpy_json_string(out, (const uint8_t *)in->name, strlen(in->name));
    if (in->is_valid) {
        buf_str(out, ", \"valid\": true}");
        return;
    }
    buf_printf(out, ", \"valid\": false, \"offset\": %ld, \"message\": ", in->diag.offset);
    mpy_json_string(out, (const uint8_t *)in->diag.msg, strlen(in->diag.msg));
    buf_str(out, "}");
}

int tool_check_main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false, verbose = false;
    int c;
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
            case 'j': json = true; break;
            case 'v': verbose = true; break;
            case 'h': usage(stdout); return 0;
            default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    int status = 0;
    buf_t out;
    buf_init(&out);
    buf_str(&out, "[");
    for (int i = optind; i < argc; i++) {
        tool_input_t in;
        bool ok = tool_load(&in, argv[i]);
        if (!ok) {
            status = 1;
        }
        if (json) {
            json_result(&out, &in, i == optind);
        } else if (!ok) {
            tool_print_diag(stderr, &in);
        } else if (verbose) {
            printf("%s: ok\n", in.name);
        }
        tool_unload(&in);
    }
    buf_str(&out, "\n]\n");
    if (json && !tool_write_stdout(&out)) {
        status = 1;
    }
    buf_deinit(&out);
    return status;
}
