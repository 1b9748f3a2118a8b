// cli/mpy_tool_input.c: loading inputs for the mpy-tool subcommands,
// printing their diagnostics, the per-file loop they share, and walking
// the function tree.
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "mpy_tool.h"

bool tool_load(tool_input_t *in, const char *path) {
    memset(in, 0, sizeof(*in));
    bool is_stdin = strcmp(path, "-") == 0;
    in->name = is_stdin ? "<stdin>" : path;
    arena_init(&in->arena);
    diag_init(&in->diag, in->name);
    in->data = util_read_file(is_stdin ? "/dev/stdin" : path, &in->len, &in->diag);
    if (in->data == NULL) {
        return false;
    }
    in->is_read = true;
    in->is_valid = mpy_read(in->data, in->len, &in->arena, &in->file, &in->diag);
    return in->is_valid;
}

void tool_unload(tool_input_t *in) {
    arena_deinit(&in->arena);
    free(in->data);
    in->data = NULL;
}

void tool_print_diag(FILE *to, const tool_input_t *in) {
    if (in->diag.offset >= 0) {
        fprintf(to, "%s: offset %ld: %s\n", in->name, in->diag.offset, in->diag.msg);
    } else {
        fprintf(to, "%s: %s\n", in->name, in->diag.msg);
    }
}

bool tool_write_stdout(const buf_t *b) {
    if (b->failed) {
        fprintf(stderr, "mpy-tool: out of memory\n");
        return false;
    }
    if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len) {
        fprintf(stderr, "mpy-tool: can't write to standard output\n");
        return false;
    }
    return fflush(stdout) == 0;
}

enum {
    PATH_MAX_LEN = 1024,
};

static void walk(const mpy_raw_code_t *rc, char *path, size_t path_len, int depth, tool_visit_fn fn, void *ctx) {
    fn(rc, path, depth, ctx);
    for (size_t i = 0; i < rc->n_children; i++) {
        int n = snprintf(path + path_len, PATH_MAX_LEN - path_len, ".%zu", i);
        if (n < 0 || (size_t)n >= PATH_MAX_LEN - path_len) {
            continue;
        }
        walk(&rc->children[i], path, path_len + (size_t)n, depth + 1, fn, ctx);
        path[path_len] = '\0';
    }
}

void tool_walk(const mpy_raw_code_t *root, tool_visit_fn fn, void *ctx) {
    char path[PATH_MAX_LEN] = "0";
    walk(root, path, 1, 0, fn, ctx);
}

const char *tool_kind_name(mpy_code_kind_t kind) {
    static const char *const names[] = {"bytecode", "native", "viper", "asm"};
    return names[kind & 3];
}

const char *tool_function_name(const mpy_file_t *f, const mpy_raw_code_t *rc) {
    if (rc->kind == MPY_CODE_VIPER) {
        return "<viper>";
    }
    if (rc->kind == MPY_CODE_ASM) {
        return "<asm>";
    }
    size_t off = rc->kind == MPY_CODE_NATIVE ? rc->prelude_offset : 0;
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    if (!mpy_prelude_decode(rc->code + off, rc->code_len - off, 0, &p, &d) || p.name >= f->n_qstrs) {
        return "?";
    }
    return f->qstrs[p.name].str;
}

int tool_run_files(int argc, char **argv, void (*usage)(FILE *to), tool_render_fn render) {
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
    size_t n_files = (size_t)(argc - optind);
    for (int i = optind; i < argc; i++) {
        tool_input_t in;
        if (!tool_load(&in, argv[i])) {
            tool_print_diag(stderr, &in);
            status = 1;
        } else {
            buf_t out;
            buf_init(&out);
            render(&in, json, (size_t)(i - optind), n_files, &out);
            if (!tool_write_stdout(&out)) {
                status = 1;
            }
            buf_deinit(&out);
        }
        tool_unload(&in);
    }
    return status;
}
