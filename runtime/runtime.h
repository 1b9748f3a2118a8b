// runtime/runtime.h: the VM as the command line sees it. Start it on a
// heap and a stack, run a .mpy file as the main module, and get the exit
// status back: 0, 1 after an uncaught exception (its traceback already
// printed), or the value given to sys.exit(). Nothing here exits itself.
#ifndef RUNTIME_RUNTIME_H
#define RUNTIME_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

// What eval, exec and compile() ask the compiler for.
typedef enum rt_compile_mode {
    RT_COMPILE_FILE,    // exec, compile(..., 'exec'): statements
    RT_COMPILE_EVAL,    // eval, compile(..., 'eval'): the code returns the value
    RT_COMPILE_SINGLE,  // compile(..., 'single'): expression values printed
} rt_compile_mode_t;

// The port's compiler behind eval, exec and compile(): compiles source
// text to the bytes of a .mpy file (bytecode only, header small-int bits
// at most small_int_bits) appended to `mpy`. On a Python-level error
// records it in `d` (kind, line, scope and message as the official
// compiler reports them) and returns false. The core stays compiler-free:
// builds without one leave the hook NULL and those builtins raise
// NotImplementedError.
typedef bool (*rt_compile_fn_t)(const uint8_t *src, size_t len, const char *source_name,
    rt_compile_mode_t mode, unsigned small_int_bits, buf_t *mpy, diag_t *d);

// The host port's compiler (runtime/ports/host/port_compile.c), for builds
// that link libmpycomp.
bool port_host_compile(const uint8_t *src, size_t len, const char *source_name,
    rt_compile_mode_t mode, unsigned small_int_bits, buf_t *mpy, diag_t *d);

typedef struct rt_config {
    void *heap;           // the memory the garbage collector manages
    size_t heap_size;
    void *stack_top;      // an address near the top of the C stack
    size_t stack_size;    // bytes of stack the VM may use below stack_top
    int argc;             // sys.argv: the script, then its arguments
    char **argv;
    rt_compile_fn_t compile;  // NULL: no compiler (eval/exec raise NotImplementedError)
    // Python call levels before "maximum recursion depth exceeded" (0:
    // RT_MAX_DEPTH). The C stack check applies whatever the number.
    size_t max_depth;
} rt_config_t;

void rt_init(const rt_config_t *cfg);
// Runs the .mpy file at path as a module named after the file. Returns the
// process exit status.
int rt_run_file(const char *path);
void rt_deinit(void);

#endif // RUNTIME_RUNTIME_H
