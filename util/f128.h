// util/f128.h: IEEE binary128 arithmetic in plain C (no __float128, no
// __int128), for targets whose compiler has no quad type. It offers only
// what util/numfmt.c scales with: conversions from uint64_t and double,
// + - * /, and conversions back to double and to an integer. Every result
// is rounded to nearest, ties to even, with gradual underflow, bit for bit
// as GCC's __float128 does. The same operations can round to 64 bits
// instead (F128_EXTENDED): an x87 80-bit long double computed exactly, since
// both formats share the 15-bit exponent.
#ifndef UTIL_F128_H
#define UTIL_F128_H

#include <stdbool.h>
#include <stdint.h>

// The bits of an IEEE binary128 value: sign, 15-bit biased exponent and the
// top 48 fraction bits in hi; the low 64 fraction bits in lo.
typedef struct f128 {
    uint64_t hi;
    uint64_t lo;
} f128_t;

// Significant bits each arithmetic result is rounded to.
typedef enum f128_prec {
    F128_QUAD = 113,     // binary128
    F128_EXTENDED = 64,  // x87 extended precision (same exponent range)
} f128_prec_t;

// Exact conversions.
f128_t f128_from_u64(uint64_t v);
f128_t f128_from_double(double d);

// Rounded to nearest double (ties to even; overflow gives inf, tiny values
// double subnormals or zero).
double f128_to_double(f128_t a);

// Truncated toward zero as a C cast does. Negative values and NaN give 0;
// values of 2^64 and above give UINT64_MAX (a C cast would be undefined).
uint64_t f128_to_u64(f128_t a);

bool f128_is_zero(f128_t a);

// IEEE operations, each rounded once to `prec` significant bits.
f128_t f128_add(f128_t a, f128_t b, f128_prec_t prec);
f128_t f128_sub(f128_t a, f128_t b, f128_prec_t prec);
f128_t f128_mul(f128_t a, f128_t b, f128_prec_t prec);
f128_t f128_div(f128_t a, f128_t b, f128_prec_t prec);

#endif // UTIL_F128_H
