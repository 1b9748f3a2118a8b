// cli/frozen_main.c: the main of a host program whose Python is frozen into
// it (make frozen-demo, tests/frozen/check-freeze.sh): starts the VM as
// mpy-vm does and runs the frozen module `main`, or the one named by the
// first argument. The firmware ports have their own mains; this is the host
// stand-in, linked with a file mpy-freeze generated.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/frozen.h"
#include "../runtime/runtime.h"

// The host compiler behind eval and exec, when the program is linked with
// it (-Wl,-u,port_host_compile and libmpycomp); a VM-only program has none
// and those builtins raise NotImplementedError.
#pragma weak port_host_compile

enum {
    HEAP_SIZE = 8 * 1024 * 1024,
    STACK_SIZE = 4 * 1024 * 1024,
};

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < rt_frozen_count(); i++) {
            printf("%s\n", rt_frozen_name(i));
        }
        return 0;
    }
    void *heap = malloc(HEAP_SIZE);
    if (heap == NULL) {
        fprintf(stderr, "%s: can't allocate the heap\n", argv[0]);
        return 2;
    }
    char stack_marker;
    rt_config_t cfg = {.heap = heap, .heap_size = HEAP_SIZE, .stack_top = &stack_marker,
        .stack_size = STACK_SIZE, .argc = argc > 1 ? argc - 1 : 0, .argv = argv + 1,
        .compile = port_host_compile};
    rt_init(&cfg);
    int status = argc > 1 ? rt_frozen_run(argv[1]) : rt_frozen_run_main();
    rt_deinit();
    free(heap);
    return status;
}
