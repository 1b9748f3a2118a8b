// emitters/emit_fmt.c: float and complex constants as MicroPython's repr()
// writes them, the form a .mpy file stores. mpy-cross runs on x86-64, so
// its long double is the x87 80-bit one (util/numfmt.h explains why that
// matters for a few values).
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../util/numfmt.h"
#include "emit_fmt.h"

size_t emit_fmt_float_repr(double f, char *out, size_t size) {
    char buf[NUMFMT_REPR_SIZE];
    size_t n = numfmt_repr(NUMFMT_EXTENDED, f, buf);
    return (size_t)snprintf(out, size, "%.*s", (int)n, buf);
}

// repr of a complex: "2j" when the real part is zero, else "(1+2j)" with
// the imaginary part's sign always shown.
size_t emit_fmt_complex_repr(double real, double imag, char *out, size_t size) {
    char re[NUMFMT_REPR_SIZE];
    char im[NUMFMT_REPR_SIZE];
    if (real == 0.0) {
        numfmt_format_float(NUMFMT_EXTENDED, imag, im, sizeof(im), 'g', NUMFMT_REPR_PREC, 0);
        return (size_t)snprintf(out, size, "%sj", im);
    }
    numfmt_format_float(NUMFMT_EXTENDED, real, re, sizeof(re), 'g', NUMFMT_REPR_PREC, 0);
    numfmt_format_float(NUMFMT_EXTENDED, imag, im, sizeof(im), 'g', NUMFMT_REPR_PREC,
        isnan(imag) ? 0 : '+');
    const char *plus = isnan(imag) ? "+" : "";
    return (size_t)snprintf(out, size, "(%s%s%sj)", re, plus, im);
}
