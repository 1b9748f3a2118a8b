// compiler/compiler.h: the public face of the compiler: Python source in,
// .mpy bytes out. Used by mpy-cross and mpy-freeze. Reentrant: every
// compilation has its own arena and qstr pool, so files can be compiled on
// several threads at once.
#ifndef COMPILER_COMPILER_H
#define COMPILER_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../mpyformat/mpyformat.h"
#include "../util/util.h"

typedef enum compile_emit {
    COMPILE_EMIT_BYTECODE,
    COMPILE_EMIT_NATIVE,
    COMPILE_EMIT_VIPER,
} compile_emit_t;

// What the source is, as MicroPython's parse input kinds. mpy-cross always
// compiles files; eval, exec and compile() in a VM with a compiler ask for
// the other two.
typedef enum compile_input {
    COMPILE_INPUT_FILE,    // a module: statements; the code returns None
    COMPILE_INPUT_EVAL,    // one expression list; the code returns its value
    COMPILE_INPUT_SINGLE,  // one interactive statement; expression values
                           // are passed to __repl_print__
} compile_input_t;

typedef struct compile_options {
    const char *source_name;   // stored as qstr 0; shown in tracebacks
    int opt_level;             // -O: 1+ drops asserts, __debug__ False; 3+ drops line numbers
    unsigned small_int_bits;   // header byte 3; decides what is a small int
    mpy_arch_t arch;           // MPY_ARCH_NONE unless -march= was given
    bool has_arch_flags;       // -march-flags= given
    uint32_t arch_flags;
    compile_emit_t default_emit;  // -X emit=
    compile_input_t input;     // COMPILE_INPUT_FILE unless set
} compile_options_t;

void compile_options_init(compile_options_t *o);

// Compiles one module from source bytes to the bytes of a .mpy file,
// appended to `out`. On a Python-level error records it in `d` (kind,
// line, scope name and message exactly as the official compiler reports
// them) and returns false; `out` is then to be discarded.
bool compile_to_mpy(const uint8_t *src, size_t len, const compile_options_t *opts, buf_t *out,
    diag_t *d);

#endif // COMPILER_COMPILER_H
