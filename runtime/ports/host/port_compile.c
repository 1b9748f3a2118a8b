// runtime/ports/host/port_compile.c: the host port's compiler for eval,
// exec and compile(): our own compiler library (libmpycomp) turns the
// source into .mpy bytes for the runtime's loader. Only the host build
// links it; firmware builds pass no compiler and the core raises
// NotImplementedError instead.
#include "../../../compiler/compiler.h"
#include "../../runtime.h"

bool port_host_compile(const uint8_t *src, size_t len, const char *source_name,
    rt_compile_mode_t mode, unsigned small_int_bits, buf_t *mpy, diag_t *d) {
    compile_options_t opts;
    compile_options_init(&opts);
    opts.source_name = source_name;
    // The .mpy header's small-int bits must not exceed the VM's.
    if (small_int_bits < opts.small_int_bits) {
        opts.small_int_bits = small_int_bits;
    }
    opts.input = mode == RT_COMPILE_EVAL ? COMPILE_INPUT_EVAL
        : mode == RT_COMPILE_SINGLE      ? COMPILE_INPUT_SINGLE
                                         : COMPILE_INPUT_FILE;
    return compile_to_mpy(src, len, &opts, mpy, d);
}
