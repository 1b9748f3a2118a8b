// tests/util/test_f128.c: the software binary128 of util/f128.c against the
// compiler's own __float128 (and, with F128_EXTENDED, against the x87 long
// double) on edge cases and on many random operands, bit for bit.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <float.h>
#include <math.h>
#include <cmocka.h>

#include "util/f128.h"

#if defined(__SIZEOF_FLOAT128__) && LDBL_MANT_DIG != 113
#define HAVE_QUAD 1
typedef __float128 quad_t;
#elif LDBL_MANT_DIG == 113
#define HAVE_QUAD 1
typedef long double quad_t;
#else
#define HAVE_QUAD 0
#endif

#define HAVE_X87 (LDBL_MANT_DIG == 64)

enum {
    RANDOM_ROUNDS = 300000,
};

typedef enum op {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
} op_t;

static const char *const op_names[] = {"+", "-", "*", "/"};

static f128_t soft_op(op_t op, f128_t a, f128_t b, f128_prec_t prec) {
    switch (op) {
    case OP_ADD:
        return f128_add(a, b, prec);
    case OP_SUB:
        return f128_sub(a, b, prec);
    case OP_MUL:
        return f128_mul(a, b, prec);
    case OP_DIV:
        return f128_div(a, b, prec);
    }
    return a;
}

static bool is_nan_bits(f128_t a) {
    return ((a.hi >> 48) & 0x7fff) == 0x7fff && ((a.hi & 0xffffffffffffull) | a.lo) != 0;
}

static bool same_bits(f128_t a, f128_t b) {
    return (is_nan_bits(a) && is_nan_bits(b)) || (a.hi == b.hi && a.lo == b.lo);
}

static f128_t bits(uint64_t hi, uint64_t lo) {
    f128_t r = {hi, lo};
    return r;
}

// ---------------------------------------------------------------------------
// Known results, checked without any native quad type.

static void test_known_quotients_and_products_have_their_ieee_bits(void **state) {
    (void)state;
    const f128_t one = f128_from_u64(1);
    const f128_t three = f128_from_u64(3);
    const f128_t ten = f128_from_u64(10);
    static const struct {
        op_t op;
        uint64_t a;
        uint64_t b;
        uint64_t hi;
        uint64_t lo;
    } cases[] = {
        {OP_DIV, 1, 10, 0x3ffb999999999999ull, 0x999999999999999aull},
        {OP_DIV, 1, 3, 0x3ffd555555555555ull, 0x5555555555555555ull},
        {OP_DIV, 2, 3, 0x3ffe555555555555ull, 0x5555555555555555ull},
        {OP_MUL, 10, 10, 0x4005900000000000ull, 0},
        {OP_ADD, 1, 3, 0x4001000000000000ull, 0},
        {OP_SUB, 1, 3, 0xc000000000000000ull, 0},
        {OP_SUB, 3, 3, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        f128_t r = soft_op(cases[i].op, f128_from_u64(cases[i].a), f128_from_u64(cases[i].b),
            F128_QUAD);
        assert_int_equal(r.hi, cases[i].hi);
        assert_int_equal(r.lo, cases[i].lo);
    }
    assert_true(f128_to_double(f128_div(one, ten, F128_QUAD)) == 0.1);
    assert_true(f128_to_double(f128_div(one, three, F128_QUAD)) == 1.0 / 3.0);
    assert_int_equal(f128_to_u64(f128_from_double(12345.75)), 12345);
    assert_true(f128_is_zero(f128_from_double(-0.0)));
    assert_false(f128_is_zero(f128_from_double(DBL_TRUE_MIN)));
}

// Ties: the exact result lies halfway between two quads.
static void test_ties_round_to_even(void **state) {
    (void)state;
    const f128_t one = bits(0x3fff000000000000ull, 0);
    const f128_t half_ulp = bits(0x3f8e000000000000ull, 0);  // 2^-113
    const f128_t one_up = bits(0x3fff000000000000ull, 1);    // 1 + 2^-112
    f128_t r = f128_add(one, half_ulp, F128_QUAD);
    assert_true(r.hi == one.hi && r.lo == 0);  // down to the even 1
    r = f128_add(one_up, half_ulp, F128_QUAD);
    assert_true(r.hi == one.hi && r.lo == 2);  // up to the even 1 + 2^-111
    // 2^64 - 1 is 64 ones: rounding to 64 bits keeps it, to 63 would tie.
    f128_t big = f128_from_u64(UINT64_MAX);
    assert_int_equal(f128_to_u64(f128_add(big, f128_from_u64(0), F128_EXTENDED)), UINT64_MAX);
    // (2^64 - 1) + 0.5 at 64 bits: halfway, rounds up to the even 2^64.
    r = f128_add(big, f128_from_double(0.5), F128_EXTENDED);
    assert_true(r.hi == 0x403f000000000000ull && r.lo == 0);
}

#if HAVE_QUAD

static f128_t from_quad(quad_t q) {
    f128_t r;
    uint64_t w[2];
    memcpy(w, &q, sizeof(w));
    // Little-endian hosts store the low half first.
    r.lo = w[0];
    r.hi = w[1];
    return r;
}

static quad_t to_quad(f128_t a) {
    uint64_t w[2] = {a.lo, a.hi};
    quad_t q;
    memcpy(&q, w, sizeof(q));
    return q;
}

static quad_t native_op(op_t op, quad_t a, quad_t b) {
    switch (op) {
    case OP_ADD:
        return a + b;
    case OP_SUB:
        return a - b;
    case OP_MUL:
        return a * b;
    case OP_DIV:
        return a / b;
    }
    return a;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

// A random quad: mostly within the exponents numfmt uses (10^-400 to
// 10^400), sometimes anywhere, with low fraction bits often cleared so that
// exact results and ties are common.
static f128_t random_quad(void) {
    uint64_t r = next_random();
    uint64_t hi = next_random() & 0xffffffffffffull;
    uint64_t lo = next_random();
    unsigned clear = (unsigned)(next_random() % 113);
    if (clear >= 64) {
        lo = 0;
        hi &= ~0ull << (clear - 64);
    } else if (clear > 0) {
        lo &= ~0ull << clear;
    }
    uint64_t exp;
    switch (r % 16) {
    case 0:
        exp = 0;  // zero or subnormal
        break;
    case 1:
        exp = 1 + (next_random() % 0x7ffe);
        break;
    case 2:
        exp = 16383 + 16300 + next_random() % 84;  // near overflow
        break;
    case 3:
        exp = 1 + next_random() % 120;  // near underflow
        break;
    default:
        exp = 16383 - 1400 + next_random() % 2800;
        break;
    }
    if ((r >> 8) % 64 == 0) {
        hi = lo = 0;  // an exact power of two or zero
    }
    return bits((r >> 63) << 63 | exp << 48 | hi, lo);
}

static void check_op(op_t op, f128_t a, f128_t b) {
    f128_t want = from_quad(native_op(op, to_quad(a), to_quad(b)));
    f128_t got = soft_op(op, a, b, F128_QUAD);
    if (!same_bits(got, want)) {
        fail_msg("%016llx%016llx %s %016llx%016llx: got %016llx%016llx, want %016llx%016llx",
            (unsigned long long)a.hi, (unsigned long long)a.lo, op_names[op],
            (unsigned long long)b.hi, (unsigned long long)b.lo, (unsigned long long)got.hi,
            (unsigned long long)got.lo, (unsigned long long)want.hi, (unsigned long long)want.lo);
    }
}

// Operands numfmt meets: small integers, mantissas, 0.5 and the powers of
// ten its scaling squares up to (10^4096, then inf), plus zeros, infinities,
// NaN and the extremes of the range.
static size_t edge_operands(f128_t *out) {
    size_t n = 0;
    quad_t p = 10;
    for (int i = 0; i < 15; i++) {
        out[n++] = from_quad(p);
        out[n++] = from_quad(1 / p);
        p *= p;
    }
    for (int i = 0; i <= 40; i++) {
        quad_t t = 1;
        for (int j = 0; j < i; j++) {
            t *= 10;
        }
        out[n++] = from_quad(t);
    }
    static const uint64_t ints[] = {0, 1, 2, 3, 5, 7, 9, 10, 1000000007, 9007199254740993ull,
        0x1999999999999998ull, 12345678901234567890ull, UINT64_MAX};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        out[n++] = f128_from_u64(ints[i]);
    }
    static const double doubles[] = {0.5, -0.0, 0.1, 1e-300, 1e300, DBL_MAX, DBL_MIN,
        DBL_TRUE_MIN, 4.9406564584124654e-324, 2.2250738585072009e-308, INFINITY, -INFINITY, NAN};
    for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
        out[n++] = f128_from_double(doubles[i]);
    }
    out[n++] = bits(0x7ffeffffffffffffull, ~0ull);  // largest finite
    out[n++] = bits(0x0001000000000000ull, 0);      // smallest normal
    out[n++] = bits(0x0000ffffffffffffull, ~0ull);  // largest subnormal
    out[n++] = bits(0, 1);                          // smallest subnormal
    out[n++] = bits(0x3fff000000000000ull, 1);      // 1 + ulp
    out[n++] = bits(0x3ffeffffffffffffull, ~0ull);  // 1 - ulp/2
    return n;
}

static void test_every_op_matches_float128_on_edge_operands(void **state) {
    (void)state;
    f128_t ops[128];
    size_t n = edge_operands(ops);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            for (int op = OP_ADD; op <= OP_DIV; op++) {
                check_op((op_t)op, ops[i], ops[j]);
            }
        }
    }
}

static void test_every_op_matches_float128_on_random_operands(void **state) {
    (void)state;
    for (int i = 0; i < RANDOM_ROUNDS; i++) {
        f128_t a = random_quad();
        f128_t b = random_quad();
        for (int op = OP_ADD; op <= OP_DIV; op++) {
            check_op((op_t)op, a, b);
        }
    }
}

static void check_conversions(f128_t a) {
    quad_t q = to_quad(a);
    double want = (double)q;
    double got = f128_to_double(a);
    if (memcmp(&got, &want, sizeof(got)) != 0 && !(isnan(got) && isnan(want))) {
        fail_msg("to_double %016llx%016llx: got %a, want %a", (unsigned long long)a.hi,
            (unsigned long long)a.lo, got, want);
    }
    if (q >= 0 && q < (quad_t)18446744073709551616.0) {
        assert_int_equal(f128_to_u64(a), (uint64_t)q);
    }
    if (!isnan(want)) {
        f128_t back = f128_from_double(want);
        f128_t native = from_quad((quad_t)want);
        assert_true(same_bits(back, native));
    }
}

static void test_conversions_match_float128(void **state) {
    (void)state;
    f128_t ops[128];
    size_t n = edge_operands(ops);
    for (size_t i = 0; i < n; i++) {
        check_conversions(ops[i]);
    }
    for (int i = 0; i < RANDOM_ROUNDS; i++) {
        check_conversions(random_quad());
        // Integers below 2^64, and the halfway points (n + 0.5) numfmt
        // truncates after adding 0.5.
        uint64_t v = next_random() >> (next_random() % 64);
        f128_t fv = f128_from_u64(v);
        assert_true(same_bits(fv, from_quad((quad_t)v)));
        check_conversions(f128_add(fv, f128_from_double(0.5), F128_QUAD));
        // Doubles of every kind, subnormals included.
        uint64_t dbits = next_random();
        double d;
        memcpy(&d, &dbits, sizeof(d));
        if (!isnan(d)) {
            assert_true(same_bits(f128_from_double(d), from_quad((quad_t)d)));
        }
    }
}

#if HAVE_X87

// x87 values through binary128 bits (exact both ways: same exponent range).
static long double random_x87(void) {
    f128_t a = random_quad();
    a.lo &= ~0ull << 49;  // 113 - 64 bits cleared: 64 significant bits
    quad_t q = to_quad(a);
    return (long double)q;
}

static void test_extended_precision_matches_the_x87(void **state) {
    (void)state;
    for (int i = 0; i < RANDOM_ROUNDS; i++) {
        long double x = random_x87();
        long double y = random_x87();
        for (int op = OP_ADD; op <= OP_DIV; op++) {
            long double r = op == OP_ADD ? x + y : op == OP_SUB ? x - y : op == OP_MUL ? x * y : x / y;
            f128_t want = from_quad((quad_t)r);
            f128_t got =
                soft_op((op_t)op, from_quad((quad_t)x), from_quad((quad_t)y), F128_EXTENDED);
            if (!same_bits(got, want)) {
                fail_msg("%La %s %La: got %016llx%016llx, want %016llx%016llx", x, op_names[op], y,
                    (unsigned long long)got.hi, (unsigned long long)got.lo,
                    (unsigned long long)want.hi, (unsigned long long)want.lo);
            }
        }
    }
}

#endif // HAVE_X87
#endif // HAVE_QUAD

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_quotients_and_products_have_their_ieee_bits),
        cmocka_unit_test(test_ties_round_to_even),
#if HAVE_QUAD
        cmocka_unit_test(test_every_op_matches_float128_on_edge_operands),
        cmocka_unit_test(test_every_op_matches_float128_on_random_operands),
        cmocka_unit_test(test_conversions_match_float128),
#if HAVE_X87
        cmocka_unit_test(test_extended_precision_matches_the_x87),
#endif
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
