// emitters/emit_fmt.h: the text a .mpy file stores for float and complex
// constants: what MicroPython's repr() prints for them. Private to
// emitters/.
#ifndef EMITTERS_EMIT_FMT_H
#define EMITTERS_EMIT_FMT_H

#include <stddef.h>

enum {
    EMIT_FMT_NUMBER_MAX = 96,  // room for any float or complex repr and a NUL
};

// Write the repr into out (size at least EMIT_FMT_NUMBER_MAX) and return
// its length.
size_t emit_fmt_float_repr(double f, char *out, size_t size);
size_t emit_fmt_complex_repr(double real, double imag, char *out, size_t size);

#endif // EMITTERS_EMIT_FMT_H
