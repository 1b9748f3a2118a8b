// cli/mpy_tool.h: what the mpy-tool subcommands share: loading an input
// file (or standard input) into the .mpy model, reporting its diagnostic,
// and the entry point of each subcommand. Private to cli/mpy_tool*.c.
#ifndef CLI_MPY_TOOL_H
#define CLI_MPY_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "mpyformat/mpyformat.h"

// One input: its bytes and, when they parse, the model (which points into
// them). Release with tool_unload.
typedef struct tool_input {
    const char *name;   // for messages: the path, or "<stdin>" for "-"
    uint8_t *data;
    size_t len;
    arena_t arena;
    mpy_file_t file;
    diag_t diag;
    bool is_read;       // the bytes were read (even if they did not parse)
    bool is_valid;      // the model is usable
} tool_input_t;

// Reads path ("-" is standard input) and parses it. Returns is_valid.
bool tool_load(tool_input_t *in, const char *path);
void tool_unload(tool_input_t *in);
// Prints in->diag as "FILE: offset N: message" (or "FILE: message").
void tool_print_diag(FILE *to, const tool_input_t *in);
// Writes a buffer to standard output; false (and a message) on failure.
bool tool_write_stdout(const buf_t *b);

// Tree paths name functions: "0" is the module, "0.2" its third child.
typedef void (*tool_visit_fn)(const mpy_raw_code_t *rc, const char *path, int depth, void *ctx);
void tool_walk(const mpy_raw_code_t *root, tool_visit_fn fn, void *ctx);
// The function's name from its prelude ("<module>", "f"), or the kind in
// angle brackets for viper and asm code, which carries no name.
const char *tool_function_name(const mpy_file_t *f, const mpy_raw_code_t *rc);
const char *tool_kind_name(mpy_code_kind_t kind);

// Subcommands: argc/argv start at the subcommand's name. Return the exit
// status.
// How a per-file subcommand shows one loaded file: appends its output for
// `in` to `out`. `index` counts the files before it and `n_files` is how
// many were named, so a renderer can separate or label them.
typedef void (*tool_render_fn)(const tool_input_t *in, bool json, size_t index, size_t n_files, buf_t *out);

// The shared body of dump, dis and size: parses [--json] [-h] FILE...,
// loads each file, and prints its diagnostic or its rendering. Returns the
// exit status: 0, 1 when a file could not be read or shown, 2 for usage.
int tool_run_files(int argc, char **argv, void (*usage)(FILE *to), tool_render_fn render);

int tool_check_main(int argc, char **argv);
int tool_dump_main(int argc, char **argv);
int tool_dis_main(int argc, char **argv);
int tool_size_main(int argc, char **argv);
int tool_diff_main(int argc, char **argv);
int tool_merge_main(int argc, char **argv);

#endif // CLI_MPY_TOOL_H
