// util/f128.c: IEEE binary128 operations in integer arithmetic on 32-bit
// limbs (so that 32-bit targets need no 128-bit types). Each operation
// unpacks its operands to an integer significand and a power of two, works
// exactly (or with a sticky bit) and rounds once in round_to(), which knows
// the precision and exponent range of the result format.
#include <string.h>

#include "util/f128.h"

enum {
    QUAD_EMAX = 16383,
    QUAD_EMIN = -16382,
    QUAD_FRAC_BITS = 112,
    QUAD_EXP_ALL_ONES = 0x7fff,
    DOUBLE_EMAX = 1023,
    DOUBLE_EMIN = -1022,
    DOUBLE_FRAC_BITS = 52,
    DOUBLE_PREC = 53,
    LIMBS = 4,       // a significand: up to 113 bits
    WIDE_LIMBS = 8,  // a product or an aligned sum
    // Beyond this exponent gap the smaller addend only acts as a sticky bit.
    ADD_MAX_GAP = 120,
};

#define SIGN_BIT 0x8000000000000000ull

typedef enum kind {
    KIND_ZERO,
    KIND_FINITE,
    KIND_INF,
    KIND_NAN,
} kind_t;

// A value of kind KIND_FINITE is m * 2^exp (m little-endian 32-bit limbs).
typedef struct unpacked {
    kind_t kind;
    bool neg;
    int32_t exp;
    uint32_t m[LIMBS];
} unpacked_t;

// Precision and normal exponent range of a result format.
typedef struct format {
    int prec;
    int32_t emin;
    int32_t emax;
} format_t;

// ---------------------------------------------------------------------------
// Limb arrays.

static int clz32(uint32_t x) {
#if defined(__GNUC__)
    return __builtin_clz(x);
#else
    int n = 0;
    for (uint32_t bit = 0x80000000u; !(x & bit); bit >>= 1) {
        n++;
    }
    return n;
#endif
}

// Index of the highest set bit of m, or -1 when m is zero.
static int32_t top_bit(const uint32_t *m, int n) {
    for (int i = n - 1; i >= 0; i--) {
        if (m[i] != 0) {
            return 32 * i + 31 - clz32(m[i]);
        }
    }
    return -1;
}

// The 32 bits of m from bit index pos up (bits outside m read as zero).
static uint32_t window(const uint32_t *m, int n, int32_t pos) {
    if (pos <= -32 || pos >= 32 * n) {
        return 0;
    }
    if (pos < 0) {
        return m[0] << -pos;
    }
    int i = (int)(pos / 32);
    int b = (int)(pos % 32);
    uint32_t w = m[i] >> b;
    if (b != 0 && i + 1 < n) {
        w |= m[i + 1] << (32 - b);
    }
    return w;
}

// dst = m >> pos (a left shift when pos is negative), truncated to dn limbs.
static void extract(uint32_t *dst, int dn, const uint32_t *m, int n, int32_t pos) {
    for (int i = 0; i < dn; i++) {
        dst[i] = window(m, n, pos + 32 * i);
    }
}

static bool bit_at(const uint32_t *m, int n, int32_t pos) {
    return pos >= 0 && pos < 32 * n && ((m[pos / 32] >> (pos % 32)) & 1);
}

// Whether any bit below index pos is set.
static bool any_below(const uint32_t *m, int n, int32_t pos) {
    if (pos <= 0) {
        return false;
    }
    if (pos >= 32 * n) {
        pos = 32 * n;
    }
    int full = (int)(pos / 32);
    for (int i = 0; i < full; i++) {
        if (m[i] != 0) {
            return true;
        }
    }
    int rest = (int)(pos % 32);
    return rest != 0 && (m[full] & ((1u << rest) - 1)) != 0;
}

static bool is_zero_limbs(const uint32_t *m, int n) {
    return top_bit(m, n) < 0;
}

// Compares a and b (n limbs each): <0, 0 or >0.
static int compare(const uint32_t *a, const uint32_t *b, int n) {
    for (int i = n - 1; i >= 0; i--) {
        if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return 0;
}

// a += b (n limbs).
static void add_limbs(uint32_t *a, const uint32_t *b, int n) {
    uint32_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t s = (uint64_t)a[i] + b[i] + carry;
        a[i] = (uint32_t)s;
        carry = (uint32_t)(s >> 32);
    }
}

// a -= b (n limbs, a >= b).
static void sub_limbs(uint32_t *a, const uint32_t *b, int n) {
    uint32_t borrow = 0;
    for (int i = 0; i < n; i++) {
        uint64_t d = (uint64_t)a[i] - b[i] - borrow;
        a[i] = (uint32_t)d;
        borrow = (uint32_t)(d >> 63);
    }
}

// ---------------------------------------------------------------------------
// Rounding, packing and unpacking.

// Rounds m * 2^e (m: n limbs) to nearest, ties to even, in format f. On
// KIND_FINITE the result is kept * 2^*lsb with kept below 2^prec.
static kind_t round_to(const uint32_t *m, int n, int32_t e, format_t f, uint32_t kept[LIMBS],
    int32_t *lsb) {
    int32_t top = top_bit(m, n);
    if (top < 0) {
        return KIND_ZERO;
    }
    // The lowest kept bit: prec bits below the top, but not below the
    // subnormal quantum.
    int32_t low = top + e - (f.prec - 1);
    if (low < f.emin - (f.prec - 1)) {
        low = f.emin - (f.prec - 1);
    }
    int32_t shift = low - e;
    extract(kept, LIMBS, m, n, shift);
    if (shift > 0 && bit_at(m, n, shift - 1) &&
        ((kept[0] & 1) || any_below(m, n, shift - 1))) {
        uint32_t one[LIMBS] = {1, 0, 0, 0};
        add_limbs(kept, one, LIMBS);
        if (bit_at(kept, LIMBS, f.prec)) {
            extract(kept, LIMBS, kept, LIMBS, 1);  // in place: reads run ahead of writes
            low++;
        }
    }
    top = top_bit(kept, LIMBS);
    if (top < 0) {
        return KIND_ZERO;
    }
    if (top + low > f.emax) {
        return KIND_INF;
    }
    *lsb = low;
    return KIND_FINITE;
}

static format_t quad_format(f128_prec_t prec) {
    format_t f = {(int)prec, QUAD_EMIN, QUAD_EMAX};
    return f;
}

static f128_t pack_quad(bool neg, kind_t kind, const uint32_t kept[LIMBS], int32_t lsb) {
    f128_t r = {neg ? SIGN_BIT : 0, 0};
    if (kind == KIND_NAN) {
        r.hi = (uint64_t)QUAD_EXP_ALL_ONES << 48 | 1ull << 47;
        return r;
    }
    if (kind == KIND_INF) {
        r.hi |= (uint64_t)QUAD_EXP_ALL_ONES << 48;
        return r;
    }
    if (kind == KIND_ZERO) {
        return r;
    }
    int32_t top = top_bit(kept, LIMBS);
    int32_t exp = top + lsb;
    uint32_t frac[LIMBS];
    uint64_t biased = 0;
    if (exp >= QUAD_EMIN) {
        extract(frac, LIMBS, kept, LIMBS, top - QUAD_FRAC_BITS);
        biased = (uint64_t)(exp + QUAD_EMAX);
    } else {
        extract(frac, LIMBS, kept, LIMBS, -(lsb - (QUAD_EMIN - QUAD_FRAC_BITS)));
    }
    r.hi |= biased << 48 | (uint64_t)(frac[3] & 0xffff) << 32 | frac[2];
    r.lo = (uint64_t)frac[1] << 32 | frac[0];
    return r;
}

static f128_t round_pack_quad(bool neg, const uint32_t *m, int n, int32_t e, f128_prec_t prec) {
    uint32_t kept[LIMBS];
    int32_t lsb = 0;
    kind_t kind = round_to(m, n, e, quad_format(prec), kept, &lsb);
    return pack_quad(neg, kind, kept, lsb);
}

static unpacked_t unpack_quad(f128_t a) {
    unpacked_t u;
    u.neg = (a.hi >> 63) != 0;
    u.m[0] = (uint32_t)a.lo;
    u.m[1] = (uint32_t)(a.lo >> 32);
    u.m[2] = (uint32_t)a.hi;
    u.m[3] = (uint32_t)(a.hi >> 32) & 0xffff;
    int32_t biased = (int32_t)((a.hi >> 48) & QUAD_EXP_ALL_ONES);
    bool has_frac = ((a.hi & 0xffffffffffffull) | a.lo) != 0;
    if (biased == QUAD_EXP_ALL_ONES) {
        u.kind = has_frac ? KIND_NAN : KIND_INF;
        u.exp = 0;
    } else if (biased == 0) {
        u.kind = has_frac ? KIND_FINITE : KIND_ZERO;
        u.exp = QUAD_EMIN - QUAD_FRAC_BITS;
    } else {
        u.kind = KIND_FINITE;
        u.m[3] |= 0x10000;
        u.exp = biased - QUAD_EMAX - QUAD_FRAC_BITS;
    }
    return u;
}

static f128_t quad_nan(void) {
    return pack_quad(false, KIND_NAN, NULL, 0);
}

static f128_t quad_special(bool neg, kind_t kind) {
    return pack_quad(neg, kind, NULL, 0);
}

// ---------------------------------------------------------------------------
// Conversions.

f128_t f128_from_u64(uint64_t v) {
    uint32_t m[2] = {(uint32_t)v, (uint32_t)(v >> 32)};
    return round_pack_quad(false, m, 2, 0, F128_QUAD);
}

f128_t f128_from_double(double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    bool neg = (bits >> 63) != 0;
    int32_t biased = (int32_t)((bits >> DOUBLE_FRAC_BITS) & 0x7ff);
    uint64_t frac = bits & ((1ull << DOUBLE_FRAC_BITS) - 1);
    if (biased == 0x7ff) {
        return frac != 0 ? quad_nan() : quad_special(neg, KIND_INF);
    }
    int32_t e = DOUBLE_EMIN - DOUBLE_FRAC_BITS;
    if (biased != 0) {
        frac |= 1ull << DOUBLE_FRAC_BITS;
        e = biased - DOUBLE_EMAX - DOUBLE_FRAC_BITS;
    }
    uint32_t m[2] = {(uint32_t)frac, (uint32_t)(frac >> 32)};
    return round_pack_quad(neg, m, 2, e, F128_QUAD);
}

static double pack_double(bool neg, kind_t kind, const uint32_t kept[LIMBS], int32_t lsb) {
    uint64_t bits = neg ? SIGN_BIT : 0;
    if (kind == KIND_NAN) {
        bits = 0x7ff8000000000000ull;
    } else if (kind == KIND_INF) {
        bits |= 0x7ff0000000000000ull;
    } else if (kind == KIND_FINITE) {
        int32_t top = top_bit(kept, LIMBS);
        int32_t exp = top + lsb;
        uint32_t frac[2];
        uint64_t biased = 0;
        if (exp >= DOUBLE_EMIN) {
            extract(frac, 2, kept, LIMBS, top - DOUBLE_FRAC_BITS);
            biased = (uint64_t)(exp + DOUBLE_EMAX);
        } else {
            extract(frac, 2, kept, LIMBS, -(lsb - (DOUBLE_EMIN - DOUBLE_FRAC_BITS)));
        }
        uint64_t f = ((uint64_t)frac[1] << 32 | frac[0]) & ((1ull << DOUBLE_FRAC_BITS) - 1);
        bits |= biased << DOUBLE_FRAC_BITS | f;
    }
    double d;
    memcpy(&d, &bits, sizeof(d));
    return d;
}

double f128_to_double(f128_t a) {
    unpacked_t u = unpack_quad(a);
    if (u.kind != KIND_FINITE) {
        return pack_double(u.neg, u.kind, NULL, 0);
    }
    const format_t f = {DOUBLE_PREC, DOUBLE_EMIN, DOUBLE_EMAX};
    uint32_t kept[LIMBS];
    int32_t lsb = 0;
    kind_t kind = round_to(u.m, LIMBS, u.exp, f, kept, &lsb);
    return pack_double(u.neg, kind, kept, lsb);
}

uint64_t f128_to_u64(f128_t a) {
    unpacked_t u = unpack_quad(a);
    if (u.kind == KIND_NAN || u.kind == KIND_ZERO || u.neg) {
        return 0;
    }
    if (u.kind == KIND_INF || top_bit(u.m, LIMBS) + u.exp >= 64) {
        return UINT64_MAX;
    }
    uint32_t v[2];
    extract(v, 2, u.m, LIMBS, -u.exp);
    return (uint64_t)v[1] << 32 | v[0];
}

bool f128_is_zero(f128_t a) {
    return (a.hi & ~SIGN_BIT) == 0 && a.lo == 0;
}

// ---------------------------------------------------------------------------
// Arithmetic.

// x + y when either is zero, infinite or NaN.
static f128_t add_special(const unpacked_t *x, const unpacked_t *y, f128_prec_t prec) {
    if (x->kind == KIND_NAN || y->kind == KIND_NAN ||
        (x->kind == KIND_INF && y->kind == KIND_INF && x->neg != y->neg)) {
        return quad_nan();
    }
    if (x->kind == KIND_INF || y->kind == KIND_INF) {
        return quad_special(x->kind == KIND_INF ? x->neg : y->neg, KIND_INF);
    }
    if (x->kind == KIND_ZERO && y->kind == KIND_ZERO) {
        return quad_special(x->neg && y->neg, KIND_ZERO);  // -0 only from -0 + -0
    }
    const unpacked_t *v = x->kind == KIND_ZERO ? y : x;
    return round_pack_quad(v->neg, v->m, LIMBS, v->exp, prec);
}

// x + y for finite non-zero x and y, x.exp >= y.exp.
static f128_t add_finite(const unpacked_t *x, const unpacked_t *y, f128_prec_t prec) {
    // Align x to y's exponent, or when the gap is wide, make y a sticky bit
    // below x's round bit.
    uint32_t big[WIDE_LIMBS];
    uint32_t small[WIDE_LIMBS] = {0};
    int32_t e;
    int32_t gap = x->exp - y->exp;
    if (gap > ADD_MAX_GAP) {
        extract(big, WIDE_LIMBS, x->m, LIMBS, -3);
        small[0] = 1;
        e = x->exp - 3;
    } else {
        extract(big, WIDE_LIMBS, x->m, LIMBS, -gap);
        memcpy(small, y->m, sizeof(y->m));
        e = y->exp;
    }
    if (x->neg == y->neg) {
        add_limbs(big, small, WIDE_LIMBS);
        return round_pack_quad(x->neg, big, WIDE_LIMBS, e, prec);
    }
    int c = compare(big, small, WIDE_LIMBS);
    if (c == 0) {
        return quad_special(false, KIND_ZERO);
    }
    if (c < 0) {
        sub_limbs(small, big, WIDE_LIMBS);
        return round_pack_quad(y->neg, small, WIDE_LIMBS, e, prec);
    }
    sub_limbs(big, small, WIDE_LIMBS);
    return round_pack_quad(x->neg, big, WIDE_LIMBS, e, prec);
}

f128_t f128_add(f128_t a, f128_t b, f128_prec_t prec) {
    unpacked_t x = unpack_quad(a);
    unpacked_t y = unpack_quad(b);
    if (x.kind != KIND_FINITE || y.kind != KIND_FINITE) {
        return add_special(&x, &y, prec);
    }
    return x.exp >= y.exp ? add_finite(&x, &y, prec) : add_finite(&y, &x, prec);
}

f128_t f128_sub(f128_t a, f128_t b, f128_prec_t prec) {
    b.hi ^= SIGN_BIT;
    return f128_add(a, b, prec);
}

f128_t f128_mul(f128_t a, f128_t b, f128_prec_t prec) {
    unpacked_t x = unpack_quad(a);
    unpacked_t y = unpack_quad(b);
    bool neg = x.neg != y.neg;
    if (x.kind == KIND_NAN || y.kind == KIND_NAN ||
        (x.kind == KIND_INF && y.kind == KIND_ZERO) || (x.kind == KIND_ZERO && y.kind == KIND_INF)) {
        return quad_nan();
    }
    if (x.kind == KIND_INF || y.kind == KIND_INF) {
        return quad_special(neg, KIND_INF);
    }
    if (x.kind == KIND_ZERO || y.kind == KIND_ZERO) {
        return quad_special(neg, KIND_ZERO);
    }
    uint32_t p[WIDE_LIMBS] = {0};
    for (int i = 0; i < LIMBS; i++) {
        if (x.m[i] == 0) {
            continue;  // common: integers and short decimal mantissas
        }
        uint32_t carry = 0;
        for (int j = 0; j < LIMBS; j++) {
            uint64_t t = (uint64_t)x.m[i] * y.m[j] + p[i + j] + carry;
            p[i + j] = (uint32_t)t;
            carry = (uint32_t)(t >> 32);
        }
        p[i + LIMBS] = carry;
    }
    return round_pack_quad(neg, p, WIDE_LIMBS, x.exp + y.exp, prec);
}

// Shifts m left until its top bit is bit 112, adjusting *exp.
static void normalize(unpacked_t *u) {
    int32_t shift = QUAD_FRAC_BITS - top_bit(u->m, LIMBS);
    uint32_t m[LIMBS];
    extract(m, LIMBS, u->m, LIMBS, -shift);
    memcpy(u->m, m, sizeof(m));
    u->exp -= shift;
}

// q = floor(x * 2^127 / y) for significands normalized to the same top
// bit (127 or 128 bits), with bit 0 also set when the division was inexact,
// which is far enough below the round bit. Long division in base 2^32
// (Knuth's algorithm D, as in Hacker's Delight divmnu).
static void divide_significands(const uint32_t x[LIMBS], const uint32_t y[LIMBS], uint32_t q[LIMBS]) {
    enum { TOP_SHIFT = 127 - QUAD_FRAC_BITS, N = LIMBS, M = 2 * LIMBS };
    uint32_t v[N];
    uint32_t u[M + 1];
    extract(v, N, y, LIMBS, -TOP_SHIFT);
    extract(u, M + 1, x, LIMBS, -(TOP_SHIFT + 127));
    for (int j = M - N; j >= 0; j--) {
        uint64_t num = (uint64_t)u[j + N] << 32 | u[j + N - 1];
        uint64_t qhat = num / v[N - 1];
        uint64_t rhat = num % v[N - 1];
        while (qhat >> 32 != 0 || qhat * v[N - 2] > (rhat << 32 | u[j + N - 2])) {
            qhat--;
            rhat += v[N - 1];
            if (rhat >> 32 != 0) {
                break;
            }
        }
        uint32_t carry = 0;
        uint32_t borrow = 0;
        for (int i = 0; i < N; i++) {
            uint64_t p = qhat * v[i] + carry;
            carry = (uint32_t)(p >> 32);
            uint64_t d = (uint64_t)u[i + j] - (uint32_t)p - borrow;
            u[i + j] = (uint32_t)d;
            borrow = (uint32_t)(d >> 63);
        }
        uint64_t d = (uint64_t)u[j + N] - carry - borrow;
        u[j + N] = (uint32_t)d;
        if (d >> 63) {
            // qhat was one too large: add the divisor back.
            qhat--;
            carry = 0;
            for (int i = 0; i < N; i++) {
                uint64_t t = (uint64_t)u[i + j] + v[i] + carry;
                u[i + j] = (uint32_t)t;
                carry = (uint32_t)(t >> 32);
            }
            u[j + N] += carry;
        }
        if (j < N) {
            q[j] = (uint32_t)qhat;
        }
    }
    q[0] |= !is_zero_limbs(u, N);
}

f128_t f128_div(f128_t a, f128_t b, f128_prec_t prec) {
    unpacked_t x = unpack_quad(a);
    unpacked_t y = unpack_quad(b);
    bool neg = x.neg != y.neg;
    if (x.kind == KIND_NAN || y.kind == KIND_NAN || (x.kind == y.kind && x.kind != KIND_FINITE)) {
        return quad_nan();
    }
    if (x.kind == KIND_INF || y.kind == KIND_ZERO) {
        return quad_special(neg, KIND_INF);
    }
    if (x.kind == KIND_ZERO || y.kind == KIND_INF) {
        return quad_special(neg, KIND_ZERO);
    }
    normalize(&x);
    normalize(&y);
    uint32_t q[LIMBS];
    divide_significands(x.m, y.m, q);
    return round_pack_quad(neg, q, LIMBS, x.exp - y.exp - 127, prec);
}
