// util/numfmt.h: decimal text to and from double exactly as MicroPython
// v1.28 does it with double-precision floats (py/parsenum.c and
// py/formatfloat.c, "exact" flavour). Both sides scale by powers of ten in
// long double and repr retries with more digits until the text parses back
// to the same double, so results are not always the shortest round trip;
// they are MicroPython's. Because long double differs between builds, so do
// about one repr in a thousand: callers pick the flavour to match.
// Integer formatting (%d, %x, '{:,}') is left to the VM on top of bigint.
#ifndef UTIL_NUMFMT_H
#define UTIL_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>

// The precision value that selects repr formatting in numfmt_format_float.
// (Asking for '%.99g' therefore gives repr, as it does in MicroPython.)
enum {
    NUMFMT_REPR_PREC = 99,
    // MicroPython formats into a buffer of this size for print, str, repr,
    // '%' and str.format; the size decides when 'f' falls back to 'g'.
    NUMFMT_BUF_SIZE = 32,
    // Room for any numfmt_repr result, NUL included.
    NUMFMT_REPR_SIZE = 40,
};

// The width of long double in the build being imitated.
typedef enum numfmt_wide {
    // x87 80-bit: mpy-cross and the unix port on x86-64. The golden .mpy
    // files store float constants this way.
    NUMFMT_EXTENDED,
    // IEEE binary128: the WebAssembly port (which printed the corpus .exp
    // outputs) and aarch64 builds.
    NUMFMT_QUAD,
    // The same results computed in software (util/f128.c). The two above
    // use the compiler's x87 long double and __float128 on x86 and these
    // everywhere else (32-bit Arm has neither type).
    NUMFMT_EXTENDED_SOFT,
    NUMFMT_QUAD_SOFT,
} numfmt_wide_t;

// A parsed number: a float, or a complex when is_complex.
typedef struct numfmt_number {
    double real;
    double imag;
    bool is_complex;
} numfmt_number_t;

// Parses text as mp_parse_num_decimal does: spaces around, a sign, "inf",
// "infinity" or "nan" (any case), or digits with '.', an exponent and
// underscores anywhere. With allow_imag a trailing 'j' or 'J' makes an
// imaginary number; force_complex (complex("1+2j")) also accepts a real part
// followed by a signed imaginary part and always gives a complex. Returns
// false for text MicroPython rejects ("invalid syntax for number").
bool numfmt_parse_number(numfmt_wide_t w, const char *s, size_t len, bool allow_imag,
    bool force_complex, numfmt_number_t *out);

// Parses an unsigned decimal (digits, '.', exponent, underscores) from the
// start of s as mp_parse_float_internal does and stores it in *out. Returns
// where parsing stopped, or NULL when an exponent has no digits at all.
const char *numfmt_parse_decimal(numfmt_wide_t w, const char *s, size_t len, double *out);

// mp_format_float: writes f into buf (buf_size >= 29) in format 'e', 'f' or
// 'g' (upper case for upper-case output) with `prec` digits (negative means
// 6; NUMFMT_REPR_PREC means repr). `sign` is '+', ' ' or 0 for what to put
// before non-negative numbers. Returns the length written (NUL not counted).
int numfmt_format_float(numfmt_wide_t w, double f, char *buf, size_t buf_size, char fmt, int prec,
    char sign);

// repr(f) and str(f): the text print() shows and .mpy files store, with ".0"
// added when it would otherwise read as an int. buf has NUMFMT_REPR_SIZE
// bytes. Returns the length.
size_t numfmt_repr(numfmt_wide_t w, double f, char *buf);

#endif // UTIL_NUMFMT_H
