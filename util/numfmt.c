// util/numfmt.c: MicroPython's decimal <-> double conversions, reproduced
// operation for operation so that every result matches v1.28 bit for bit
// (including where it is not the shortest or the correctly rounded answer).
// The reference builds scale in long double, whose width differs between
// them; both widths are offered (numfmt_wide_t), with the compiler's types
// on x86 and in software (util/f128.c) on every target.
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util/f128.h"
#include "util/numfmt.h"

// Once the decimal mantissa reaches this, more digits cannot be kept
// without overflowing 64 bits, so they only move the exponent.
#define MANTISSA_LIMIT 0x1999999999999998ull

enum {
    MAX_MANTISSA_DIGITS = 19,   // what a uint64_t mantissa can hold
    SAFE_MANTISSA_DIGITS = 16,  // what every double can give exactly
    MIN_EXP_BUF = 7,            // "+9e+199" is the shortest full form
    NO_DOT = 255,               // `dec` value meaning "no decimal point"
};

// The compiler's own wide types where they are cheap: the x87's long double
// for the extended flavour and GCC's __float128 (x86) for the quad flavour.
// Elsewhere util/f128.c computes the same bits; that includes targets whose
// long double is binary128 (RISC-V, aarch64), where it is software anyway
// and libgcc's quad routines would cost far more flash than f128.c.
#if LDBL_MANT_DIG == 64
#define HAVE_NATIVE_EXTENDED 1
typedef long double extended_t;
#else
#define HAVE_NATIVE_EXTENDED 0
#endif
#if defined(__SIZEOF_FLOAT128__) && LDBL_MANT_DIG != 113
#define HAVE_NATIVE_QUAD 1
typedef __float128 quad_t;
#else
#define HAVE_NATIVE_QUAD 0
#endif

// num * 10^dec_exp by binary powering, each step rounded to the wide type.
// The same text is instantiated once per native wide type; scale_soft()
// repeats it with util/f128.c.
#define DEFINE_SCALE_BY_TEN(name, wide_t) \
    static wide_t name(wide_t num, int dec_exp) { \
        if (dec_exp == 0 || num == (wide_t)0) { \
            return num; \
        } \
        bool divide = dec_exp < 0; \
        unsigned n = divide ? 0u - (unsigned)dec_exp : (unsigned)dec_exp; \
        wide_t power = (wide_t)10; \
        while (n != 0) { \
            if (n & 1) { \
                num = divide ? num / power : num * power; \
            } \
            n >>= 1; \
            if (n != 0) { \
                power *= power; \
            } \
        } \
        return num; \
    }

#if HAVE_NATIVE_EXTENDED
DEFINE_SCALE_BY_TEN(scale_extended, extended_t)
#endif
#if HAVE_NATIVE_QUAD
DEFINE_SCALE_BY_TEN(scale_quad, quad_t)
#endif

// 10^(2^k) as the binary powering computes it by squaring 10 again and
// again, rounded to binary128 (quad) and to 64 bits (extended), as IEEE
// binary128 bits {hi, lo}. The next square, 10^8192, overflows to inf.
// Parsing and formatting doubles use the rows up to 10^256; the larger ones
// only meet results that overflow or underflow a double anyway.
static const struct {
    f128_t quad;
    f128_t extended;
} ten_to_two_to[] = {
    {{0x4002400000000000ull, 0x0000000000000000ull}, {0x4002400000000000ull, 0x0000000000000000ull}},  // 10^1
    {{0x4005900000000000ull, 0x0000000000000000ull}, {0x4005900000000000ull, 0x0000000000000000ull}},  // 10^2
    {{0x400c388000000000ull, 0x0000000000000000ull}, {0x400c388000000000ull, 0x0000000000000000ull}},  // 10^4
    {{0x40197d7840000000ull, 0x0000000000000000ull}, {0x40197d7840000000ull, 0x0000000000000000ull}},  // 10^8
    {{0x40341c37937e0800ull, 0x0000000000000000ull}, {0x40341c37937e0800ull, 0x0000000000000000ull}},  // 10^16
    {{0x40693b8b5b5056e1ull, 0x6b3be04000000000ull}, {0x40693b8b5b5056e1ull, 0x6b3c000000000000ull}},  // 10^32
    {{0x40d384f03e93ff9full, 0x4daa797ed6e38ed6ull}, {0x40d384f03e93ff9full, 0x4daa000000000000ull}},  // 10^64
    {{0x41a827748f9301d3ull, 0x19bf8cde66d86d62ull}, {0x41a827748f9301d3ull, 0x19be000000000000ull}},  // 10^128
    {{0x435154fdd7f73bf3ull, 0xbd1bbb77203731feull}, {0x435154fdd7f73bf3ull, 0xbd18000000000000ull}},  // 10^256
    {{0x46a3c633415d4c1dull, 0x238d98cab8a978a1ull}, {0x46a3c633415d4c1dull, 0x2384000000000000ull}},  // 10^512
    {{0x4d4892eceb0d02eaull, 0x182eca1a7a51e317ull}, {0x4d4892eceb0d02eaull, 0x181e000000000000ull}},  // 10^1024
    {{0x5a923d1676bb8a7aull, 0xbbc94e9a519c6536ull}, {0x5a923d1676bb8a7aull, 0xbbae000000000000ull}},  // 10^2048
    {{0x752588c0a4051441ull, 0x2f3592982a7f0096ull}, {0x752588c0a4051441ull, 0x2ef2000000000000ull}},  // 10^4096
};

enum {
    TEN_POWERS = sizeof(ten_to_two_to) / sizeof(ten_to_two_to[0]),
};

// scale_by_ten in software. The squares come from the table, so only the
// steps that change num are computed.
static f128_t scale_soft(f128_t num, int dec_exp, f128_prec_t prec) {
    if (dec_exp == 0 || f128_is_zero(num)) {
        return num;
    }
    bool divide = dec_exp < 0;
    unsigned n = divide ? 0u - (unsigned)dec_exp : (unsigned)dec_exp;
    const f128_t inf = {0x7fff000000000000ull, 0};
    for (unsigned k = 0; n != 0; k++, n >>= 1) {
        if (n & 1) {
            f128_t power = k >= TEN_POWERS ? inf
                : prec == F128_QUAD        ? ten_to_two_to[k].quad
                                           : ten_to_two_to[k].extended;
            num = divide ? f128_div(num, power, prec) : f128_mul(num, power, prec);
        }
    }
    return num;
}

static f128_prec_t soft_prec(numfmt_wide_t w) {
    return w == NUMFMT_QUAD || w == NUMFMT_QUAD_SOFT ? F128_QUAD : F128_EXTENDED;
}

// mantissa * 10^exp rounded to double (the last step of parsing).
static double scale_to_double(numfmt_wide_t w, uint64_t mantissa, int exp) {
#if HAVE_NATIVE_QUAD
    if (w == NUMFMT_QUAD) {
        return (double)scale_quad((quad_t)mantissa, exp);
    }
#endif
#if HAVE_NATIVE_EXTENDED
    if (w == NUMFMT_EXTENDED) {
        return (double)scale_extended((extended_t)mantissa, exp);
    }
#endif
    return f128_to_double(scale_soft(f128_from_u64(mantissa), exp, soft_prec(w)));
}

// f * 10^exp rounded half up to an integer (the digits of formatting).
static uint64_t scale_to_mantissa(numfmt_wide_t w, double f, int exp) {
#if HAVE_NATIVE_QUAD
    if (w == NUMFMT_QUAD) {
        return (uint64_t)(scale_quad((quad_t)f, exp) + (quad_t)0.5);
    }
#endif
#if HAVE_NATIVE_EXTENDED
    if (w == NUMFMT_EXTENDED) {
        return (uint64_t)(scale_extended((extended_t)f, exp) + (extended_t)0.5);
    }
#endif
    f128_prec_t prec = soft_prec(w);
    f128_t scaled = scale_soft(f128_from_double(f), exp, prec);
    return f128_to_u64(f128_add(scaled, f128_from_double(0.5), prec));
}

// ---------------------------------------------------------------------------
// Parsing.

typedef enum part {
    PART_INT,
    PART_FRAC,
    PART_EXP,
} part_t;

// Appends one digit to the mantissa, or counts it in the exponent when the
// mantissa is full (an integer digit scales up, a fraction digit is lost).
static uint64_t take_digit(uint64_t mantissa, unsigned digit, int *exp_extra, part_t part) {
    if (mantissa < MANTISSA_LIMIT) {
        if (part == PART_FRAC) {
            (*exp_extra)--;
        }
        return 10 * mantissa + digit;
    }
    if (part == PART_INT) {
        (*exp_extra)++;
    }
    return mantissa;
}

const char *numfmt_parse_decimal(numfmt_wide_t w, const char *s, size_t len, double *out) {
    const char *end = s + len;
    part_t part = PART_INT;
    bool exp_neg = false;
    uint64_t mantissa = 0;
    int exp_val = 0;
    int exp_extra = 0;
    // Zeros are held back until a non-zero digit shows they matter.
    int pending_int_zeros = 0;
    int pending_frac_zeros = 0;
    while (s < end) {
        unsigned c = (unsigned char)*s++;
        if (c >= '0' && c <= '9') {
            unsigned digit = c - '0';
            if (part == PART_EXP) {
                // Saturate: the value is 0 or inf long before this matters.
                if (exp_val < (INT32_MAX / 2 - 9) / 10) {
                    exp_val = 10 * exp_val + (int)digit;
                }
            } else if (digit == 0 || mantissa >= MANTISSA_LIMIT) {
                if (part == PART_INT) {
                    pending_int_zeros++;
                } else {
                    pending_frac_zeros++;
                }
            } else {
                for (; pending_int_zeros > 0; pending_int_zeros--) {
                    mantissa = take_digit(mantissa, 0, &exp_extra, PART_INT);
                }
                for (; pending_frac_zeros > 0; pending_frac_zeros--) {
                    mantissa = take_digit(mantissa, 0, &exp_extra, PART_FRAC);
                }
                mantissa = take_digit(mantissa, digit, &exp_extra, part);
            }
        } else if (part == PART_INT && c == '.') {
            part = PART_FRAC;
        } else if (part != PART_EXP && (c | 0x20) == 'e') {
            part = PART_EXP;
            if (s < end && (*s == '+' || *s == '-')) {
                exp_neg = *s == '-';
                s++;
            }
            if (s == end) {
                return NULL;
            }
        } else if (c == '_') {
            continue;
        } else {
            s--;
            break;
        }
    }
    if (exp_neg) {
        exp_val = -exp_val;
    }
    exp_val += exp_extra + pending_int_zeros;
    *out = scale_to_double(w, mantissa, exp_val);
    return s;
}

static bool is_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool has_word(const char *s, const char *end, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(end - s) < n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((s[i] | 0x20) != word[i]) {
            return false;
        }
    }
    return true;
}

// Parses one signed real or imaginary component at *ps. Sets *is_imag when
// it ended in 'j'. Returns false on a syntax error.
static bool parse_component(numfmt_wide_t w, const char **ps, const char *end, bool allow_imag,
    double *val, bool *is_imag) {
    const char *s = *ps;
    while (s < end && is_space(*s)) {
        s++;
    }
    bool neg = false;
    if (s < end && (*s == '+' || *s == '-')) {
        neg = *s == '-';
        s++;
    }
    const char *start = s;
    double v = 0;
    // MicroPython looks for "inf" only when at least three characters
    // remain, and for "infinity" only when more than five remain after it.
    if (end - s > 2 && has_word(s, end, "inf")) {
        s += 3;
        v = INFINITY;
        if (end - s > 4 && has_word(s, end, "inity")) {
            s += 5;
        }
    } else if (end - s > 2 && has_word(s, end, "nan")) {
        s += 3;
        v = NAN;
    } else {
        s = numfmt_parse_decimal(w, s, (size_t)(end - s), &v);
        if (s == NULL) {
            return false;
        }
    }
    *is_imag = false;
    if (allow_imag && s < end && (*s | 0x20) == 'j') {
        if (s == start) {
            v = 1;  // a bare "j" means 1j
        }
        s++;
        *is_imag = true;
    }
    if (s == start) {
        return false;
    }
    *val = neg ? -v : v;
    *ps = s;
    return true;
}

bool numfmt_parse_number(numfmt_wide_t w, const char *s, size_t len, bool allow_imag,
    bool force_complex, numfmt_number_t *out) {
    const char *end = s + len;
    double real = 0;
    bool have_real = false;
    for (;;) {
        double v;
        bool is_imag;
        if (!parse_component(w, &s, end, allow_imag, &v, &is_imag)) {
            return false;
        }
        while (s < end && is_space(*s)) {
            s++;
        }
        if (s != end) {
            // complex("1+2j"): a real part, then the imaginary part.
            if (force_complex && !have_real && !is_imag) {
                real = v;
                have_real = true;
                continue;
            }
            return false;
        }
        if (have_real && !is_imag) {
            return false;
        }
        if (have_real || is_imag) {
            out->real = have_real ? real : 0;
            out->imag = v;
            out->is_complex = true;
        } else {
            out->real = v;
            out->imag = 0;
            out->is_complex = force_complex;
        }
        return true;
    }
}

// ---------------------------------------------------------------------------
// Formatting.

enum {
    MODE_E = 0x01,
    MODE_G = 0x02,
    MODE_F = 0x04,
    LOWER_CASE = 0x20,  // set in the mode word for lower-case output (as in ASCII)
};

// Unbiased binary exponent field of f (subnormals give -1023).
static int binary_exponent(double f) {
    uint64_t bits;
    memcpy(&bits, &f, sizeof(bits));
    return (int)((bits >> 52) & 0x7ff) - 1023;
}

static char *put_zero_point(char *s, int zeros) {
    *s++ = '0';
    *s++ = '.';
    for (; zeros > 0; zeros--) {
        *s++ = '0';
    }
    return s;
}

// What to render: an integer mantissa of num_digits digits, the position
// of the decimal point (`dec` digits before it, minus one; NO_DOT for none),
// zeros to add at the end, and the decimal exponent e.
typedef struct layout {
    uint64_t mantissa;
    uint64_t cap;        // 10^num_digits
    int num_digits;
    int max_exp_zeros;   // 'g' writes exponents below this as zeros
    int trailing_zeros;
    int dec;
    int e;
    int mode;
} layout_t;

static char *put_exponent(char *s, int e, int mode) {
    *s++ = (char)('E' | (mode & LOWER_CASE));
    *s++ = e < 0 ? '-' : '+';
    if (e < 0) {
        e = -e;
    }
    if (e >= 100) {
        *s++ = (char)('0' + e / 100);
    }
    *s++ = (char)('0' + (e / 10) % 10);
    *s++ = (char)('0' + e % 10);
    return s;
}

// In 'g' format, exponents near zero are written out as zeros instead.
static char *expand_small_exponent(layout_t *L, char *s) {
    if (L->e > 0) {
        if (L->e < L->max_exp_zeros) {
            L->dec += L->e;
            if (L->dec >= L->num_digits) {
                L->trailing_zeros = L->dec - (L->num_digits - 1);
            }
            L->e = 0;
        }
    } else if (L->e < 0 && L->e >= -4) {
        int dropped = 0;
        while (L->e < 0 && L->mantissa % 10 == 0) {
            L->mantissa /= 10;
            dropped++;
            L->e++;
        }
        L->num_digits -= dropped;
        s = put_zero_point(s, dropped - L->e - 1);
        L->dec = NO_DOT;
        L->e = 0;
    }
    return s;
}

// Renders the layout at s (text starting at `start`); returns the length
// from start. This is mp_format_mantissa.
static int render(layout_t L, char *start, char *s) {
    if (L.mantissa != 0 && L.mantissa >= L.cap) {
        // Rounding produced one digit too many.
        if (L.mode & MODE_F) {
            L.num_digits++;
            L.dec++;
        } else {
            L.mantissa /= 10;
            L.e++;
        }
    }
    if (L.mode & MODE_G) {
        s = expand_small_exponent(&L, s);
    }
    for (int digit = L.num_digits - 1; digit >= 0; digit--) {
        s[digit > L.dec ? digit + 1 : digit] = (char)('0' + L.mantissa % 10);
        L.mantissa /= 10;
    }
    bool has_dot = L.dec >= NO_DOT;
    if (L.dec + 1 < L.num_digits) {
        has_dot = true;
        s[L.dec + 1] = '.';
        s++;
    }
    s += L.num_digits;
    if (L.trailing_zeros > 0) {
        int before_dot = L.dec - (L.num_digits - 1);
        for (int i = 0; i < L.trailing_zeros; i++) {
            if (before_dot-- == 0) {
                *s++ = '.';
                has_dot = true;
            }
            *s++ = '0';
        }
    }
    if ((L.mode & MODE_G) && has_dot) {
        while (s[-1] == '0') {
            s--;
        }
        if (s[-1] == '.') {
            s--;
        }
    }
    if ((L.e != 0 || (L.mode & MODE_E)) && !(L.mode & MODE_F)) {
        s = put_exponent(s, L.e, L.mode);
    }
    *s = '\0';
    return (int)(s - start);
}

// The decimal exponent e with 10^e <= f < 10^(e+1), found the way
// MicroPython finds it (an estimate from the binary exponent, then steps).
static int decimal_exponent(numfmt_wide_t w, double f) {
    if (f == 0) {
        return 0;
    }
    int e = (int)(binary_exponent(f) * 0.3010299956639812);
    int up = !(f < 1.0);
    double bound = scale_to_double(w, 1, e + up);
    while ((f >= bound) == up) {
        e += up ? 1 : -1;
        bound = scale_to_double(w, 1, e + up);
    }
    return e;
}

static int write_special(double f, char *start, char *s, char fmt) {
    const char *word = isinf(f) ? "INF" : "NAN";
    for (int i = 0; i < 3; i++) {
        *s++ = (char)(word[i] ^ (fmt & 0x20));
    }
    *s = '\0';
    return (int)(s - start);
}

// How many significant digits a format wants (at most what a uint64_t
// holds), how many zeros go before them ('f' of a number below 0.001) and
// how many after them (precision beyond 19 digits), within the buffer size.
typedef struct digit_plan {
    int max_digits;
    int lead_zeros;
    int trail_zeros;
} digit_plan_t;

static digit_plan_t plan_digits(int mode, int prec, int e, int size) {
    digit_plan_t p = {prec, 0, 0};
    if (mode & MODE_F) {
        if (p.max_digits > size - 3) {
            p.max_digits = size - 3;
        }
        if (e >= 0) {
            p.max_digits += e + 1;
        } else if (p.max_digits > 2 && e < -2) {
            p.lead_zeros = (-e < p.max_digits ? -e : p.max_digits) - 2;
            p.max_digits -= p.lead_zeros;
        } else {
            p.max_digits++;
        }
    } else if (!(mode & MODE_G) || p.max_digits == 0) {
        p.max_digits++;
    }
    if (p.max_digits > MAX_MANTISSA_DIGITS) {
        p.trail_zeros = p.max_digits - MAX_MANTISSA_DIGITS;
        p.max_digits = MAX_MANTISSA_DIGITS;
    }
    int overhead = (mode & MODE_F) ? 3 : MIN_EXP_BUF + 1;
    if (p.trail_zeros > size - p.max_digits - overhead) {
        p.trail_zeros = size - p.max_digits - overhead;
    }
    return p;
}

int numfmt_format_float(numfmt_wide_t w, double f, char *buf, size_t buf_size, char fmt, int prec,
    char sign) {
    char *const start = buf;
    if (signbit(f) && !isnan(f)) {
        f = -f;
        sign = '-';
    }
    if (sign) {
        *buf++ = sign;
        buf_size--;
    }
    if (isinf(f) || isnan(f)) {
        return write_special(f, start, buf, fmt);
    }
    const int size = (int)buf_size;
    int mode = fmt & LOWER_CASE;
    char lower = (char)(fmt | 0x20);
    mode |= lower == 'f' ? MODE_F : lower == 'g' ? MODE_G : MODE_E;
    if (prec < 0) {
        prec = 6;
    }
    int max_exp_zeros = prec < size - 3 ? prec : size - 3;
    if (prec == NUMFMT_REPR_PREC) {
        prec = MAX_MANTISSA_DIGITS;
        max_exp_zeros = 16;
    }
    int e = decimal_exponent(w, f);
    // 'f' output that cannot fit the buffer becomes 'g'.
    if ((mode & MODE_F) && e > 0 && e + prec + 2 > size) {
        mode = (mode & ~MODE_F) | MODE_G;
        prec++;
    }

    digit_plan_t plan = plan_digits(mode, prec, e, size);
    const int max_digits = plan.max_digits;
    const int lead_zeros = plan.lead_zeros;
    const int trail_zeros = plan.trail_zeros;

    // Try 16 digits first and add one at a time while the text does not
    // parse back to f.
    int num_digits = max_digits < SAFE_MANTISSA_DIGITS ? max_digits : SAFE_MANTISSA_DIGITS;
    for (;;) {
        char *s = buf;
        int decexp;
        int dec = 0;
        if (f == 0) {
            decexp = 0;
        } else if (mode & MODE_F) {
            decexp = num_digits - 1;
            if (e < 0) {
                if (lead_zeros > 0) {
                    s = put_zero_point(s, lead_zeros);
                    decexp += lead_zeros + 1;
                    dec = NO_DOT;
                }
            } else {
                decexp -= e;
                dec = e;
            }
        } else {
            decexp = num_digits - e - 1;
        }
        uint64_t cap = 10;
        for (int i = 1; i < num_digits; i++) {
            cap *= 10;
        }
        layout_t L = {
            .mantissa = scale_to_mantissa(w, f, decexp),
            .cap = cap,
            .num_digits = num_digits,
            .max_exp_zeros = max_exp_zeros,
            .trailing_zeros = trail_zeros + (max_digits - num_digits),
            .dec = dec,
            .e = e,
            .mode = mode,
        };
        int len = render(L, buf, s);
        if (num_digits >= max_digits) {
            return (int)(buf + len - start);
        }
        double back;
        numfmt_parse_decimal(w, buf, (size_t)len, &back);
        if (back == f) {
            return (int)(buf + len - start);
        }
        num_digits++;
    }
}

size_t numfmt_repr(numfmt_wide_t w, double f, char *buf) {
    int len = numfmt_format_float(w, f, buf, NUMFMT_BUF_SIZE, 'g', NUMFMT_REPR_PREC, 0);
    if (memchr(buf, '.', (size_t)len) == NULL && memchr(buf, 'e', (size_t)len) == NULL &&
        memchr(buf, 'n', (size_t)len) == NULL) {
        buf[len++] = '.';
        buf[len++] = '0';
        buf[len] = '\0';
    }
    return (size_t)len;
}
