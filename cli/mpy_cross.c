// cli/mpy_cross.c: the mpy-cross command: Python source in, .mpy out, a
// drop-in for MicroPython v1.28's mpy-cross (same options, same output
// bytes, same error text and exit codes), plus --out-dir and -j for many
// inputs in one run. The work itself is in mpy_cross_jobs.c and
// mpy_cross_outdir.c; this file reads the command line.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mpy_cross.h"

// The official tool prints its build date; ours prints a fixed one so the
// output never depends on when it was built.
#define MPY_CROSS_VERSION_TEXT "MicroPython v1.28.0 on 2026-04-06; mpy-cross emitting mpy v6.3\n"

enum {
    // What -march-flags= names (MicroPython's RV32_EXT_* bits).
    ARCH_FLAG_ZBA = 1 << 0,
    ARCH_FLAG_ZCMP = 1 << 1,
    // Default heap of the official tool on a 64-bit host, shown in the usage.
    OFFICIAL_HEAP_SIZE = 4 * 1024 * 1024,
    MAX_JOBS = 1024,
};

enum {
    OPT_VERSION = 256,
    OPT_OUT_DIR,
};

typedef struct cmdline {
    compile_options_t opts;
    const char *output;
    const char *source_name;
    const char *out_dir;
    unsigned jobs;
    const char **inputs;
    size_t n_inputs;
} cmdline_t;

static const char *prog_name = "mpy-cross";

static void usage(const char *argv0) {
    printf("usage: %s [<opts>] [-X <implopt>] [--] <input filename>\n"
           "       %s [<opts>] --out-dir <dir> [-j <n>] <file or directory>...\n"
           "Options:\n"
           "--version : show version information\n"
           "-o : output file for compiled bytecode (defaults to input with .mpy extension)\n"
           "-s : source filename to embed in the compiled bytecode (defaults to input file)\n"
           "-v : verbose (trace various operations); can be multiple\n"
           "-O[N] : apply bytecode optimizations of level N\n"
           "--out-dir <dir> : compile every input (files, directory trees) into <dir>\n"
           "-j <n> : with --out-dir, compile on <n> threads\n"
           "\n"
           "Target specific options:\n"
           "-msmall-int-bits=number : set the maximum bits used to encode a small-int\n"
           "-march=<arch> : set architecture for native emitter; x86, x64, armv6, armv6m, "
           "armv7m, armv7em, armv7emsp, armv7emdp, xtensa, xtensawin, rv32imc, rv64imc, host, "
           "debug\n"
           "-march-flags=<flags> : set architecture-specific flags (can be either a dec/hex/bin "
           "value or a string - supported flags: zba, zcmp)\n"
           "\n"
           "Implementation specific options:\n"
           "  emit={bytecode,native,viper} -- set the default code emitter\n"
           "  heapsize=<n> -- set the heap size for the GC (default %d)\n",
        argv0, argv0, OFFICIAL_HEAP_SIZE);
}

// A bad command line: one line on stderr saying what is wrong, the usage
// on stdout (as the official tool prints it), exit status 1.
static int bad_usage(const char *argv0, const char *fmt, const char *arg) {
    fprintf(stderr, "%s: ", prog_name);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    usage(argv0);
    return 1;
}

// -O<digit> sets the level; -O, -OO, -OOO count the letters.
static int opt_level(const char *arg) {
    if (arg == NULL) {
        return 1;
    }
    if (arg[0] >= '0' && arg[0] <= '9') {
        return arg[0] & 0xf;
    }
    int level = 1;
    while (*arg == 'O') {
        level++;
        arg++;
    }
    return level;
}

static bool parse_uint(const char *s, unsigned long *out) {
    char *end;
    if (*s == '\0' || *s == '-') {
        return false;
    }
    *out = strtoul(s, &end, 0);
    return *end == '\0';
}

static bool host_arch(mpy_arch_t *out) {
#if defined(__x86_64__)
    *out = MPY_ARCH_X64;
#elif defined(__i386__)
    *out = MPY_ARCH_X86;
#elif defined(__arm__) && !defined(__thumb2__)
    *out = MPY_ARCH_ARMV6;
#else
    return false;
#endif
    return true;
}

// -m options: -msmall-int-bits=N, -march=ARCH, -march-flags=FLAGS.
static int parse_m_option(cmdline_t *c, const char *arg, const char *argv0) {
    unsigned long v;
    if (strncmp(arg, "small-int-bits=", 15) == 0) {
        if (!parse_uint(arg + 15, &v) || v < 2 || v > 63) {
            return bad_usage(argv0, "bad small-int bits '%s' (expected 2 to 63)", arg + 15);
        }
        c->opts.small_int_bits = (unsigned)v;
        return 0;
    }
    if (strncmp(arg, "arch-flags=", 11) == 0) {
        const char *flags = arg + 11;
        if (strcmp(flags, "zba") == 0) {
            v = ARCH_FLAG_ZBA;
        } else if (strcmp(flags, "zcmp") == 0) {
            v = ARCH_FLAG_ZCMP;
        } else if (!parse_uint(flags, &v) || v > UINT32_MAX) {
            return bad_usage(argv0, "unknown architecture flags '%s'", flags);
        }
        c->opts.has_arch_flags = true;
        c->opts.arch_flags = (uint32_t)v;
        return 0;
    }
    if (strncmp(arg, "arch=", 5) == 0) {
        const char *name = arg + 5;
        mpy_arch_t arch;
        if (strcmp(name, "debug") == 0) {
            return bad_usage(argv0, "-march=%s (a text dump of native code) is not supported",
                name);
        }
        if (strcmp(name, "host") == 0 ? !host_arch(&arch)
                                      : strcmp(name, "none") == 0
                || !mpy_arch_from_name(name, &arch)) {
            return bad_usage(argv0, "unknown architecture '%s'", name);
        }
        c->opts.arch = arch;
        return 0;
    }
    return bad_usage(argv0, "unknown option '-m%s'", arg);
}

static int parse_x_option(cmdline_t *c, const char *arg, const char *argv0) {
    if (strcmp(arg, "emit=bytecode") == 0) {
        c->opts.default_emit = COMPILE_EMIT_BYTECODE;
    } else if (strcmp(arg, "emit=native") == 0) {
        c->opts.default_emit = COMPILE_EMIT_NATIVE;
    } else if (strcmp(arg, "emit=viper") == 0) {
        c->opts.default_emit = COMPILE_EMIT_VIPER;
    } else if (strncmp(arg, "heapsize=", 9) != 0) {
        // heapsize is accepted for compatibility: our compiler has no fixed heap.
        return bad_usage(argv0, "unknown implementation option '-X %s'", arg);
    }
    return 0;
}

// Backslashes in -s become '/', as the official tool does. Changes the
// argument in place (argv strings are ours to modify).
static const char *slashed(char *s) {
    for (char *p = s; *p != '\0'; p++) {
        if (*p == '\\') {
            *p = '/';
        }
    }
    return s;
}

// Parses argv into c. Returns -1 to go on, else the exit status.
static int parse_cmdline(int argc, char **argv, cmdline_t *c) {
    static const struct option longs[] = {
        {"version", no_argument, NULL, OPT_VERSION},
        {"out-dir", required_argument, NULL, OPT_OUT_DIR},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:s:vO::m:X:j:", longs, NULL)) != -1) {
        int status = 0;
        unsigned long v;
        switch (ch) {
            case OPT_VERSION:
                fputs(MPY_CROSS_VERSION_TEXT, stdout);
                return 0;
            case OPT_OUT_DIR:
                c->out_dir = optarg;
                break;
            case 'o':
                c->output = optarg;
                break;
            case 's':
                c->source_name = slashed(optarg);
                break;
            case 'v':
                break;
            case 'O':
                c->opts.opt_level = opt_level(optarg);
                break;
            case 'm':
                status = parse_m_option(c, optarg, argv[0]);
                break;
            case 'X':
                status = parse_x_option(c, optarg, argv[0]);
                break;
            case 'j':
                if (!parse_uint(optarg, &v) || v == 0 || v > MAX_JOBS) {
                    return bad_usage(argv[0], "bad job count '%s' (expected 1 to 1024)", optarg);
                }
                c->jobs = (unsigned)v;
                break;
            default:
                if (optopt != 0 && strchr("osmXj", optopt) != NULL) {
                    char opt[3] = {'-', (char)optopt, '\0'};
                    return bad_usage(argv[0], "option '%s' needs an argument", opt);
                }
                return bad_usage(argv[0], "unknown option '%s'", argv[optind - 1]);
        }
        if (status != 0) {
            return status;
        }
    }
    c->inputs = (const char **)argv + optind;
    c->n_inputs = (size_t)(argc - optind);
    return -1;
}

// The official output name: the input with its last two characters
// replaced by "mpy".
static char *default_output(const char *input) {
    size_t n = strlen(input);
    size_t keep = n >= 2 ? n - 2 : 0;
    char *s = malloc(keep + 4);
    if (s != NULL) {
        memcpy(s, input, keep);
        memcpy(s + keep, "mpy", 4);
    }
    return s;
}

static int run_single(const cmdline_t *c) {
    if (c->n_inputs == 0) {
        fputs("no input file\n", stderr);
        return 1;
    }
    if (c->n_inputs > 1) {
        fputs("multiple input files\n", stderr);
        return 1;
    }
    const char *input = c->inputs[0];
    bool is_stdin = strcmp(input, "-") == 0;
    char *derived = NULL;
    const char *output = c->output;
    if (output == NULL) {
        output = is_stdin ? "-" : (derived = default_output(input));
    }
    mpy_cross_job_t job = {
        .input = input,
        .source_name = c->source_name != NULL ? c->source_name : is_stdin ? "<stdin>" : input,
        .output = output != NULL ? output : "-",
    };
    mpy_cross_run_jobs(&job, 1, 1, &c->opts, prog_name);
    int status = job.ok ? 0 : 1;
    if (job.ok && job.stdout_bytes.len > 0) {
        if (fwrite(job.stdout_bytes.data, 1, job.stdout_bytes.len, stdout) != job.stdout_bytes.len
            || fflush(stdout) != 0) {
            fprintf(stderr, "%s: can't write standard output\n", prog_name);
            status = 1;
        }
    }
    if (job.messages.len > 0) {
        fwrite(job.messages.data, 1, job.messages.len, stderr);
    }
    buf_deinit(&job.messages);
    buf_deinit(&job.stdout_bytes);
    free(derived);
    return status;
}

int main(int argc, char **argv) {
    cmdline_t c;
    memset(&c, 0, sizeof(c));
    compile_options_init(&c.opts);
    int status = parse_cmdline(argc, argv, &c);
    if (status >= 0) {
        return status;
    }
    if (c.out_dir == NULL) {
        if (c.jobs > 1) {
            return bad_usage(argv[0], "%s needs --out-dir", "-j");
        }
        return run_single(&c);
    }
    if (c.output != NULL || c.source_name != NULL) {
        return bad_usage(argv[0], "%s cannot be used with --out-dir", c.output ? "-o" : "-s");
    }
    if (c.n_inputs == 0) {
        fputs("no input file\n", stderr);
        return 1;
    }
    return mpy_cross_run_out_dir(c.inputs, c.n_inputs, c.out_dir, c.jobs, &c.opts, prog_name);
}
