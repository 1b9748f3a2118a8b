// cli/mpy_vm.c: the mpy-vm command. Parses `mpy-vm [-X heapsize=N] FILE.mpy
// [ARGS...]`, gives the VM its heap and stack, runs the file and exits with
// the status the VM returns.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../runtime/runtime.h"

enum {
    DEFAULT_HEAP = 8 * 1024 * 1024,
    MIN_HEAP = 4 * 1024,
    // The official unix port stops deep recursion with a C stack check
    // (80 KB on 64-bit hosts): about 190 levels of a simple function. We
    // count levels instead, so every build (and -O level) stops alike.
    UNIX_MAX_DEPTH = 190,
};

static void usage(FILE *f) {
    fputs("usage: mpy-vm [-X heapsize=N[k|m]] FILE.mpy [ARGS...]\n"
          "Runs a MicroPython .mpy v6.3 file.\n"
          "  -X heapsize=N   size of the garbage-collected heap (default 8m)\n"
          "  -h, --help      show this help\n",
          f);
}

// Parses "8192", "64k" or "8m". Returns 0 on a malformed size.
static size_t parse_size(const char *s) {
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s) {
        return 0;
    }
    if (*end == 'k' || *end == 'K') {
        v *= 1024;
        end++;
    } else if (*end == 'm' || *end == 'M') {
        v *= 1024 * 1024;
        end++;
    }
    return *end == 0 ? (size_t)v : 0;
}

static size_t stack_size(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 0) {
        return (size_t)rl.rlim_cur;
    }
    return 8 * 1024 * 1024;
}

int main(int argc, char **argv) {
    size_t heap_size = DEFAULT_HEAP;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != 0; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "-X") == 0 && i + 1 < argc) {
            const char *opt = argv[++i];
            if (strncmp(opt, "heapsize=", 9) == 0) {
                heap_size = parse_size(opt + 9);
                if (heap_size < MIN_HEAP) {
                    fprintf(stderr, "mpy-vm: bad heap size '%s'\n", opt + 9);
                    return 2;
                }
                continue;
            }
            fprintf(stderr, "mpy-vm: unknown -X option '%s'\n", opt);
            return 2;
        }
        fprintf(stderr, "mpy-vm: unknown option '%s'\n", argv[i]);
        usage(stderr);
        return 2;
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    void *heap = malloc(heap_size);
    if (heap == NULL) {
        fprintf(stderr, "mpy-vm: can't allocate a heap of %zu bytes\n", heap_size);
        return 2;
    }
    char stack_marker;
    rt_config_t cfg = {heap, heap_size, &stack_marker, stack_size(), argc - i, argv + i, port_host_compile,
        UNIX_MAX_DEPTH};
    rt_init(&cfg);
    int status = rt_run_file(argv[i]);
    rt_deinit();
    free(heap);
    return status;
}
