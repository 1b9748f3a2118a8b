// cli/mpy_tool.c: the mpy-tool command: picks the subcommand (dump, dis,
// check, size, diff, merge) and hands it the arguments. Each subcommand
// lives in its own cli/mpy_tool_NAME.c.
#include <stdio.h>
#include <string.h>

#include "mpy_tool.h"

typedef struct subcommand {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
} subcommand_t;

static const subcommand_t subcommands[] = {
    {"dump", tool_dump_main, "show the header, qstrs, constants and function tree"},
    {"dis", tool_dis_main, "disassemble the bytecode (and native code as hex)"},
    {"check", tool_check_main, "validate files strictly; one line per malformed file"},
    {"size", tool_size_main, "show where the bytes go, per function and per section"},
    {"diff", tool_diff_main, "compare two files function by function"},
    {"merge", tool_merge_main, "join modules into one file that runs them in order"},
};

static void usage(FILE *to) {
    fprintf(to, "usage: mpy-tool COMMAND [OPTIONS] FILE...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
        fprintf(to, "  %-6s %s\n", subcommands[i].name, subcommands[i].summary);
    }
    fprintf(to, "\n'mpy-tool COMMAND --help' describes a command; '-' reads standard input.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0) {
            return subcommands[i].main(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "mpy-tool: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
