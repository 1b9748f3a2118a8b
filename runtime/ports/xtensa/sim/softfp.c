// runtime/ports/xtensa/sim/softfp.c: binary64 addition, subtraction,
// multiplication, division and conversions on bit patterns (softfp.h).
// Operands are unpacked into a biased exponent and a significand with its
// leading 1 at bit 62; the bits below the 53 kept ones carry the rounding
// information, the lowest of them "sticky" (set when anything nonzero was
// shifted out), so one rounding step at the end gives the correctly
// rounded result. Nothing here uses a floating-point type or a 64-bit
// multiply or divide: the compiler would turn those into calls back here.
#include "softfp.h"

#include <stdbool.h>

#define SIGN ((uint64_t)1 << 63)
#define INF ((uint64_t)0x7ff << 52)
#define HIDDEN ((uint64_t)1 << 52)
#define FRAC_MASK (HIDDEN - 1)
#define QUIET ((uint64_t)1 << 51)
#define DEFAULT_NAN (INF | QUIET)
#define EXP_MAX 0x7ff
#define BIAS 0x3ff

#define EXP_OF(a) ((int)(((a) >> 52) & EXP_MAX))
#define FRAC_OF(a) ((a) & FRAC_MASK)

static bool is_nan(uint64_t a) {
    return (a & ~SIGN) > INF;
}

static bool is_zero(uint64_t a) {
    return (a & ~SIGN) == 0;
}

// The NaN operand (the first if both are), made quiet.
static uint64_t propagate_nan(uint64_t a, uint64_t b) {
    return (is_nan(a) ? a : b) | QUIET;
}

// a >> dist, with bit 0 set if any 1 was shifted out.
static uint64_t shift_right_jam(uint64_t a, unsigned dist) {
    if (dist == 0) {
        return a;
    }
    if (dist >= 63) {
        return a != 0;
    }
    return (a >> dist) | ((a << (64 - dist)) != 0);
}

static uint32_t shift_right_jam32(uint32_t a, unsigned dist) {
    if (dist == 0) {
        return a;
    }
    if (dist >= 31) {
        return a != 0;
    }
    return (a >> dist) | ((a << (32 - dist)) != 0);
}

// Rounds and packs. sig has its leading 1 at bit 62 and ten bits below the
// last one kept; exp is the biased exponent minus one, so that the leading
// 1, added in at bit 52, brings it up (and a carry out of rounding moves
// to the next binade, or to infinity, by itself). A negative exp is a
// subnormal result: sig moves right first.
static uint64_t round_pack(uint64_t sign, int exp, uint64_t sig) {
    if (exp < 0) {
        sig = shift_right_jam(sig, (unsigned)-exp);
        exp = 0;
    } else if (exp > 0x7fd) {
        return sign | INF;
    }
    unsigned round_bits = (unsigned)(sig & 0x3ff);
    sig = (sig + 0x200) >> 10;
    if (round_bits == 0x200) {
        sig &= ~(uint64_t)1;   // a tie goes to even
    }
    if (sig == 0) {
        exp = 0;
    }
    return sign | (((uint64_t)exp << 52) + sig);
}

// round_pack for a nonzero sig with its leading 1 anywhere.
static uint64_t normalize_round_pack(uint64_t sign, int exp, uint64_t sig) {
    if (sig & SIGN) {
        return round_pack(sign, exp + 1, shift_right_jam(sig, 1));
    }
    int shift = __builtin_clzll(sig) - 1;
    return round_pack(sign, exp - shift, sig << shift);
}

// The significand of a finite operand at bit 62 and its exponent (a
// subnormal counts as exponent 1 without the leading 1).
static uint64_t unpack(uint64_t a, int *exp) {
    *exp = EXP_OF(a);
    uint64_t sig = FRAC_OF(a);
    if (*exp == 0) {
        *exp = 1;
    } else {
        sig |= HIDDEN;
    }
    return sig << 10;
}

// The significand of a finite nonzero operand with its leading 1 at bit
// 52, subnormals normalized (their exponent goes to 0 or below).
static uint64_t unpack_normalized(uint64_t a, int *exp) {
    *exp = EXP_OF(a);
    uint64_t frac = FRAC_OF(a);
    if (*exp != 0) {
        return frac | HIDDEN;
    }
    int shift = __builtin_clzll(frac) - 11;
    *exp = 1 - shift;
    return frac << shift;
}

// |a| + |b| with the given sign; both operands finite.
static uint64_t add_mags(uint64_t a, uint64_t b, uint64_t sign) {
    int ea;
    int eb;
    uint64_t sa = unpack(a, &ea);
    uint64_t sb = unpack(b, &eb);
    if (ea < eb) {
        uint64_t t = sa;
        sa = sb;
        sb = t;
        int te = ea;
        ea = eb;
        eb = te;
    }
    uint64_t sum = sa + shift_right_jam(sb, (unsigned)(ea - eb));
    if (sum == 0) {
        return sign;
    }
    return normalize_round_pack(sign, ea - 1, sum);
}

// |a| - |b|, signed as a; both operands finite. An exact zero is +0.
static uint64_t sub_mags(uint64_t a, uint64_t b, uint64_t sign) {
    int ea;
    int eb;
    uint64_t sa = unpack(a, &ea);
    uint64_t sb = unpack(b, &eb);
    if (ea < eb || (ea == eb && sa < sb)) {
        uint64_t t = sa;
        sa = sb;
        sb = t;
        int te = ea;
        ea = eb;
        eb = te;
        sign ^= SIGN;
    }
    uint64_t diff = sa - shift_right_jam(sb, (unsigned)(ea - eb));
    if (diff == 0) {
        return 0;
    }
    return normalize_round_pack(sign, ea - 1, diff);
}

uint64_t softfp_add(uint64_t a, uint64_t b) {
    if (is_nan(a) || is_nan(b)) {
        return propagate_nan(a, b);
    }
    bool a_inf = (a & ~SIGN) == INF;
    bool b_inf = (b & ~SIGN) == INF;
    if (a_inf || b_inf) {
        if (a_inf && b_inf && ((a ^ b) & SIGN)) {
            return DEFAULT_NAN;   // inf - inf
        }
        return a_inf ? a : b;
    }
    if ((a ^ b) & SIGN) {
        return sub_mags(a, b, a & SIGN);
    }
    return add_mags(a, b, a & SIGN);
}

uint64_t softfp_sub(uint64_t a, uint64_t b) {
    if (is_nan(a) || is_nan(b)) {
        return propagate_nan(a, b);
    }
    return softfp_add(a, b ^ SIGN);
}

uint64_t softfp_mul_u32(uint32_t a, uint32_t b) {
    uint32_t a0 = a & 0xffff;
    uint32_t a1 = a >> 16;
    uint32_t b0 = b & 0xffff;
    uint32_t b1 = b >> 16;
    uint32_t p00 = a0 * b0;
    uint32_t p01 = a0 * b1;
    uint32_t p10 = a1 * b0;
    uint32_t p11 = a1 * b1;
    uint32_t mid = (p00 >> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    uint32_t lo = (mid << 16) | (p00 & 0xffff);
    uint32_t hi = p11 + (p01 >> 16) + (p10 >> 16) + (mid >> 16);
    return ((uint64_t)hi << 32) | lo;
}

// The 128-bit product a * b as two words.
static void mul_u64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
    uint32_t a0 = (uint32_t)a;
    uint32_t a1 = (uint32_t)(a >> 32);
    uint32_t b0 = (uint32_t)b;
    uint32_t b1 = (uint32_t)(b >> 32);
    uint64_t p00 = softfp_mul_u32(a0, b0);
    uint64_t p01 = softfp_mul_u32(a0, b1);
    uint64_t p10 = softfp_mul_u32(a1, b0);
    uint64_t p11 = softfp_mul_u32(a1, b1);
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// Infinity and NaN operands of a product or quotient; *done is false when
// both operands are finite.
static uint64_t mul_special(uint64_t a, uint64_t b, uint64_t sign, bool *done) {
    *done = true;
    if (is_nan(a) || is_nan(b)) {
        return propagate_nan(a, b);
    }
    if ((a & ~SIGN) == INF) {
        return is_zero(b) ? DEFAULT_NAN : sign | INF;
    }
    if ((b & ~SIGN) == INF) {
        return is_zero(a) ? DEFAULT_NAN : sign | INF;
    }
    *done = false;
    return 0;
}

uint64_t softfp_mul(uint64_t a, uint64_t b) {
    uint64_t sign = (a ^ b) & SIGN;
    bool done;
    uint64_t special = mul_special(a, b, sign, &done);
    if (done) {
        return special;
    }
    if (is_zero(a) || is_zero(b)) {
        return sign;
    }
    int ea;
    int eb;
    uint64_t sa = unpack_normalized(a, &ea) << 10;
    uint64_t sb = unpack_normalized(b, &eb) << 11;
    int exp = ea + eb - BIAS;
    uint64_t hi;
    uint64_t lo;
    mul_u64(sa, sb, &hi, &lo);
    uint64_t sig = hi | (lo != 0);
    if (sig < ((uint64_t)1 << 62)) {
        exp--;
        sig <<= 1;
    }
    return round_pack(sign, exp, sig);
}

// Infinity, NaN and zero operands of a quotient; *done is false otherwise.
static uint64_t div_special(uint64_t a, uint64_t b, uint64_t sign, bool *done) {
    *done = true;
    if (is_nan(a) || is_nan(b)) {
        return propagate_nan(a, b);
    }
    bool a_inf = (a & ~SIGN) == INF;
    bool b_inf = (b & ~SIGN) == INF;
    if (a_inf) {
        return b_inf ? DEFAULT_NAN : sign | INF;
    }
    if (b_inf) {
        return sign;
    }
    if (is_zero(b)) {
        return is_zero(a) ? DEFAULT_NAN : sign | INF;
    }
    if (is_zero(a)) {
        return sign;
    }
    *done = false;
    return 0;
}

uint64_t softfp_div(uint64_t a, uint64_t b) {
    uint64_t sign = (a ^ b) & SIGN;
    bool done;
    uint64_t special = div_special(a, b, sign, &done);
    if (done) {
        return special;
    }
    int ea;
    int eb;
    uint64_t rem = unpack_normalized(a, &ea);
    uint64_t sb = unpack_normalized(b, &eb);
    int exp = ea - eb + BIAS - 1;
    if (rem < sb) {
        exp--;
        rem <<= 1;
    }
    // Long division: 63 quotient bits, the first always 1.
    uint64_t q = 0;
    for (int i = 0; i < 63; i++) {
        q <<= 1;
        if (rem >= sb) {
            rem -= sb;
            q |= 1;
        }
        rem <<= 1;
    }
    return round_pack(sign, exp, q | (rem != 0));
}

uint64_t softfp_from_u32(uint32_t v) {
    if (v == 0) {
        return 0;
    }
    int shift = __builtin_clz(v);
    uint64_t sig = (uint64_t)v << (21 + shift);   // leading 1 at bit 52
    return ((uint64_t)(BIAS + 31 - shift - 1) << 52) + sig;
}

uint64_t softfp_from_i32(int32_t v) {
    if (v < 0) {
        return SIGN | softfp_from_u32(0u - (uint32_t)v);
    }
    return softfp_from_u32((uint32_t)v);
}

int32_t softfp_to_i32(uint64_t a) {
    if (is_nan(a)) {
        return 0;
    }
    int exp = EXP_OF(a);
    bool negative = (a & SIGN) != 0;
    if (exp < BIAS) {
        return 0;
    }
    if (exp >= BIAS + 31) {
        return negative ? INT32_MIN : INT32_MAX;
    }
    uint32_t m = (uint32_t)((FRAC_OF(a) | HIDDEN) >> (52 - (exp - BIAS)));
    return negative ? (int32_t)(0u - m) : (int32_t)m;
}

uint64_t softfp_from_f32(uint32_t a) {
    uint64_t sign = (uint64_t)(a >> 31) << 63;
    int exp = (int)((a >> 23) & 0xff);
    uint32_t frac = a & 0x7fffff;
    if (exp == 0xff) {
        return sign | INF | ((uint64_t)frac << 29) | (frac != 0 ? QUIET : 0);
    }
    if (exp == 0) {
        if (frac == 0) {
            return sign;
        }
        int shift = __builtin_clz(frac) - 8;   // leading 1 to bit 23
        frac <<= shift;
        exp = 1 - shift;
    }
    return sign | ((uint64_t)(exp + BIAS - 127) << 52) | ((uint64_t)(frac & 0x7fffff) << 29);
}

// round_pack for binary32: sig's leading 1 at bit 30, seven bits below the
// last one kept, exp the biased exponent minus one.
static uint32_t round_pack_f32(uint32_t sign, int exp, uint32_t sig) {
    if (exp < 0) {
        sig = shift_right_jam32(sig, (unsigned)-exp);
        exp = 0;
    } else if (exp > 0xfd) {
        return sign | 0x7f800000u;
    }
    uint32_t round_bits = sig & 0x7f;
    sig = (sig + 0x40) >> 7;
    if (round_bits == 0x40) {
        sig &= ~1u;
    }
    if (sig == 0) {
        exp = 0;
    }
    return sign | (((uint32_t)exp << 23) + sig);
}

uint32_t softfp_to_f32(uint64_t a) {
    uint32_t sign = (uint32_t)(a >> 32) & 0x80000000u;
    int exp = EXP_OF(a);
    uint64_t frac = FRAC_OF(a);
    if (exp == EXP_MAX) {
        return sign | 0x7f800000u | (frac != 0 ? 0x400000u | (uint32_t)(frac >> 29) : 0);
    }
    if (exp == 0) {
        return sign;   // below 2^-1022: far under half the least binary32 subnormal
    }
    uint32_t sig = (uint32_t)shift_right_jam(frac, 22) | 0x40000000u;
    return round_pack_f32(sign, exp - (BIAS - 127) - 1, sig);
}
