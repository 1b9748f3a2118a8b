// runtime/runtime.h: the VM as the command line sees it. Start it on a
// heap and a stack, run a .mpy file as the main module, and get the exit
// status back: 0, 1 after an uncaught exception (its traceback already
// printed), or the value given to sys.exit(). Nothing here exits itself.
#ifndef RUNTIME_RUNTIME_H
#define RUNTIME_RUNTIME_H

#include <stddef.h>

typedef struct rt_config {
    void *heap;           // the memory the garbage collector manages
    size_t heap_size;
    void *stack_top;      // an address near the top of the C stack
    size_t stack_size;    // bytes of stack the VM may use below stack_top
    int argc;             // sys.argv: the script, then its arguments
    char **argv;
} rt_config_t;

void rt_init(const rt_config_t *cfg);
// Runs the .mpy file at path as a module named after the file. Returns the
// process exit status.
int rt_run_file(const char *path);
void rt_deinit(void);

#endif // RUNTIME_RUNTIME_H
