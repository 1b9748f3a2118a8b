// cli/mpy_freeze.c: the mpy-freeze command. Reads the command line, feeds
// the inputs to the freezer (frozen/frozen.h), prints progress, sizes and
// errors, and writes the C file (and header) only when their bytes change,
// so make does not rebuild what depends on them. The freezing itself is in
// frozen/.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../frozen/frozen.h"
#include "common.h"

enum {
    OPT_HEADER = 256,
    OPT_LIB,
    OPT_SIZE,
    OPT_MAX_MODULE_SIZE,
    OPT_NO_PROGRESS,
    OPT_MARCH,
    OPT_SMALL_INT_BITS,
    OPT_RT_LEVEL,
    OPT_MANIFEST,
    OPT_HELP,
};

typedef struct cmdline {
    const char *output;
    const char *header;
    bool show_size;
    int verbose;
    bool progress;
    size_t word_size;
} cmdline_t;

static const char *prog = "mpy-freeze";

static void usage(FILE *out) {
    fprintf(out,
        "usage: mpy-freeze [-o OUT.c] [--header OUT.h] [--lib DIR]... [-D NAME=VALUE]...\n"
        "                  [-O N] [-march=ARCH] [--size] [-v] INPUT...\n"
        "Freezes Python modules into one C file the VM runs from flash.\n"
        "INPUT is a .py file, a .mpy file, a directory (a tree of modules and\n"
        "packages) or a manifest (manifest.py, *_manifest.py, or --manifest FILE).\n"
        "  -o FILE                 the C file to write (default frozen_content.c)\n"
        "  --header FILE           also write a header naming the frozen modules\n"
        "  --lib DIR               where require() looks (repeatable)\n"
        "  -D NAME=VALUE           $(NAME) in manifest paths\n"
        "  -f, --manifest FILE     evaluate FILE as a manifest whatever its name\n"
        "  -O N, -ON               default optimisation level (0-3)\n"
        "  -march=ARCH             the target (word size for --size)\n"
        "  -msmall-int-bits=N      small-int bits of the target (default 31)\n"
        "  --rt-level=N            the VM's feature level, RT_LEVEL (default 2)\n"
        "  --max-module-size=N     refuse a module costing more than N bytes\n"
        "  --size                  print what each module costs in flash\n"
        "  --no-progress           no progress line, even on a terminal\n"
        "  -v                      name each module as it is frozen\n"
        "  -h, --help              show this help\n");
}

static int bad_usage(const char *msg, const char *arg) {
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, msg, arg);
    fputc('\n', stderr);
    usage(stderr);
    return 2;
}

// One line: "file:line: message" when the error has a place.
static void print_error(const diag_t *d) {
    const char *kind = common_diag_is_python(d) ? common_diag_kind_name(d->kind) : NULL;
    if (d->file != NULL && d->line > 0) {
        fprintf(stderr, "%s:%d: %s%s%s\n", d->file, d->line, kind ? kind : "", kind ? ": " : "", d->msg);
    } else if (d->file != NULL && kind != NULL) {
        fprintf(stderr, "%s: %s: %s\n", d->file, kind, d->msg);
    } else {
        fprintf(stderr, "%s: %s\n", prog, d->msg);
    }
}

static void show_progress(void *ctx, size_t done, size_t total, const freeze_entry_t *e) {
    const cmdline_t *c = ctx;
    if (c->verbose) {
        fprintf(stderr, "froze %s from %s\n", e->name, e->path);
    } else if (c->progress) {
        fprintf(stderr, "\r\033[K[%zu/%zu] %s", done, total, e->name);
        if (done == total) {
            fputs("\r\033[K", stderr);
        }
    }
}

static void print_sizes(const freezer_t *f, size_t word_size) {
    printf("%-32s %9s %8s %8s %8s %8s\n", "module", "bytecode", "records", "qstrs", "consts", "total");
    freeze_size_t sum;
    memset(&sum, 0, sizeof(sum));
    for (size_t i = 0; i < f->n_entries; i++) {
        freeze_size_t s;
        freezer_module_size(f, i, word_size, &s);
        size_t q = s.qstr_map + s.qstr_text;
        printf("%-32s %9zu %8zu %8zu %8zu %8zu\n", f->entries[i].name, s.bytecode, s.records, q, s.consts,
            s.bytecode + s.records + q + s.consts);
        sum.bytecode += s.bytecode;
        sum.records += s.records;
        sum.qstr_map += q;
        sum.consts += s.consts;
    }
    printf("%-32s %9zu %8zu %8zu %8zu %8zu\n", "(all modules)", sum.bytecode, sum.records, sum.qstr_map,
        sum.consts, sum.bytecode + sum.records + sum.qstr_map + sum.consts);
}

// Writes path only when its bytes differ from what is there.
static bool write_if_changed(const char *path, const buf_t *b, diag_t *d) {
    diag_t rd;
    diag_init(&rd, NULL);
    size_t len;
    uint8_t *old = util_read_file(path, &len, &rd);
    bool same = old != NULL && len == b->len && memcmp(old, b->data, len) == 0;
    free(old);
    return same || util_write_file_atomic(path, b->data, b->len, d);
}

static bool parse_number(const char *s, long lo, long hi, long *out) {
    char *end;
    long v = strtol(s, &end, 0);
    if (end == s || *end != 0 || v < lo || v > hi) {
        return false;
    }
    *out = v;
    return true;
}

static const struct option long_opts[] = {
    {"header", required_argument, NULL, OPT_HEADER},
    {"lib", required_argument, NULL, OPT_LIB},
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"size", no_argument, NULL, OPT_SIZE},
    {"max-module-size", required_argument, NULL, OPT_MAX_MODULE_SIZE},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"march", required_argument, NULL, OPT_MARCH},
    {"msmall-int-bits", required_argument, NULL, OPT_SMALL_INT_BITS},
    {"rt-level", required_argument, NULL, OPT_RT_LEVEL},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

// Reads the options into c and f; manifests named with -f are queued in
// manifests. Returns 0, or the exit status for a bad command line.
static int parse_options(int argc, char **argv, cmdline_t *c, freezer_t *f, const char **manifests,
    size_t *n_manifests, diag_t *d) {
    int ch;
    long v;
    while ((ch = getopt_long_only(argc, argv, "o:O:D:f:vh", long_opts, NULL)) != -1) {
        switch (ch) {
            case 'o':
                c->output = optarg;
                break;
            case OPT_HEADER:
                c->header = optarg;
                break;
            case OPT_LIB:
                freezer_add_lib_dir(f, optarg, d);
                break;
            case 'D':
                if (!freezer_set_var(f, optarg, d)) {
                    return bad_usage("%s", d->msg);
                }
                break;
            case 'f':
            case OPT_MANIFEST:
                manifests[(*n_manifests)++] = optarg;
                break;
            case 'O':
                if (!parse_number(optarg, 0, 3, &v)) {
                    return bad_usage("bad optimisation level '%s'", optarg);
                }
                f->opt_level = (int)v;
                break;
            case OPT_MARCH: {
                mpy_arch_t arch;
                if (!mpy_arch_from_name(optarg, &arch)) {
                    return bad_usage("unknown architecture '%s'", optarg);
                }
                c->word_size = arch == MPY_ARCH_NONE ? 4 : mpy_arch_word_size(arch);
                break;
            }
            case OPT_SMALL_INT_BITS:
                if (!parse_number(optarg, 8, 63, &v)) {
                    return bad_usage("bad small-int bits '%s'", optarg);
                }
                f->small_int_bits = (unsigned)v;
                break;
            case OPT_RT_LEVEL:
                if (!parse_number(optarg, 0, FREEZE_MAX_RT_LEVEL, &v)) {
                    return bad_usage("bad feature level '%s'", optarg);
                }
                f->rt_level = (int)v;
                break;
            case OPT_MAX_MODULE_SIZE:
                if (!parse_number(optarg, 0, 0x7fffffff, &v)) {
                    return bad_usage("bad size '%s'", optarg);
                }
                f->max_module_size = (size_t)v;
                break;
            case OPT_SIZE:
                c->show_size = true;
                break;
            case OPT_NO_PROGRESS:
                c->progress = false;
                break;
            case 'v':
                c->verbose++;
                break;
            case 'h':
            case OPT_HELP:
                usage(stdout);
                exit(0);
            default:
                usage(stderr);
                return 2;
        }
    }
    return 0;
}

static bool freeze(int argc, char **argv, const cmdline_t *c, freezer_t *f, const char **manifests,
    size_t n_manifests, diag_t *d) {
    for (size_t i = 0; i < n_manifests; i++) {
        if (!freezer_add_manifest(f, manifests[i], d)) {
            return false;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (!freezer_add_input(f, argv[i], d)) {
            return false;
        }
    }
    if (!freezer_compile(f, d)) {
        return false;
    }
    buf_t out, header;
    buf_init(&out);
    buf_init(&header);
    bool ok = freezer_write_c(f, &out, c->header ? &header : NULL, d) &&
        write_if_changed(c->output, &out, d) && (c->header == NULL || write_if_changed(c->header, &header, d));
    buf_deinit(&out);
    buf_deinit(&header);
    return ok;
}

int main(int argc, char **argv) {
    cmdline_t c = {"frozen_content.c", NULL, false, 0, isatty(2) != 0, 4};
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    const char **manifests = calloc((size_t)argc + 1, sizeof(char *));
    size_t n_manifests = 0;
    int status = parse_options(argc, argv, &c, &f, manifests, &n_manifests, &d);
    if (status == 0 && optind >= argc && n_manifests == 0) {
        status = bad_usage("%s", "no input");
    }
    if (status == 0) {
        f.progress = show_progress;
        f.progress_ctx = &c;
        if (freeze(argc, argv, &c, &f, manifests, n_manifests, &d)) {
            if (c.show_size) {
                print_sizes(&f, c.word_size);
            }
        } else {
            if (c.progress && !c.verbose) {
                fputs("\r\033[K", stderr);
            }
            print_error(&d);
            status = 1;
        }
    }
    free(manifests);
    freezer_deinit(&f);
    return status;
}
