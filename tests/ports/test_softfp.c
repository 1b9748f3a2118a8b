// tests/ports/test_softfp.c: the qemu lx106 firmware's software binary64
// (runtime/ports/xtensa/sim/softfp.c) against the host's hardware doubles,
// bit for bit: every pair of a table of edge values (zeros, subnormals,
// the largest finite, infinities, NaNs), then pseudo-random operands drawn
// to hit cancellation, ties, overflow and gradual underflow. softfp.c is
// compiled into this program (it belongs to no host library).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "runtime/ports/xtensa/sim/softfp.c"

static uint64_t bits_of(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

static double double_of(uint64_t u) {
    double d;
    memcpy(&d, &u, sizeof(d));
    return d;
}

static uint32_t bits_of_float(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static float float_of(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

static uint64_t rng_state = 0x2545f4914f6cdd1du;

static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const uint64_t edge_values[] = {
    0x0000000000000000u, // +0
    0x0000000000000001u, // least subnormal
    0x0000000000000003u,
    0x000fffffffffffffu, // largest subnormal
    0x0008000000000000u,
    0x0010000000000000u, // least normal
    0x0010000000000001u,
    0x001fffffffffffffu,
    0x3ca0000000000000u, // 2^-53
    0x3fb999999999999au, // 0.1
    0x3fd5555555555555u, // 1/3
    0x3fe0000000000000u, // 0.5
    0x3fefffffffffffffu, // 1 - 2^-53
    0x3ff0000000000000u, // 1
    0x3ff0000000000001u, // 1 + 2^-52
    0x3ff8000000000000u, // 1.5
    0x4000000000000000u, // 2
    0x4008000000000000u, // 3
    0x4340000000000000u, // 2^53
    0x4340000000000001u,
    0x41dfffffffc00000u, // 2^31 - 1
    0x7fe0000000000000u, // 2^1023
    0x7fefffffffffffffu, // largest finite
    0x7ff0000000000000u, // inf
    0x7ff8000000000000u, // quiet NaN
    0x7ff4000000000000u, // signalling NaN
};
#define N_EDGE (sizeof(edge_values) / sizeof(edge_values[0]))

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV } op_t;

static uint64_t soft(op_t op, uint64_t a, uint64_t b) {
    switch (op) {
        case OP_ADD:
            return softfp_add(a, b);
        case OP_SUB:
            return softfp_sub(a, b);
        case OP_MUL:
            return softfp_mul(a, b);
        default:
            return softfp_div(a, b);
    }
}

static uint64_t hard(op_t op, uint64_t a, uint64_t b) {
    volatile double x = double_of(a);
    volatile double y = double_of(b);
    switch (op) {
        case OP_ADD:
            return bits_of(x + y);
        case OP_SUB:
            return bits_of(x - y);
        case OP_MUL:
            return bits_of(x * y);
        default:
            return bits_of(x / y);
    }
}

// Equal bits, or both NaN (the hardware's default NaN is negative on x86).
static void check_op(op_t op, uint64_t a, uint64_t b) {
    uint64_t want = hard(op, a, b);
    uint64_t got = soft(op, a, b);
    if (got == want || (isnan(double_of(got)) && isnan(double_of(want)))) {
        return;
    }
    print_error("op %d: %016llx, %016llx: got %016llx, want %016llx\n", (int)op,
                (unsigned long long)a, (unsigned long long)b, (unsigned long long)got,
                (unsigned long long)want);
    fail();
}

static void check_all_signs(op_t op, uint64_t a, uint64_t b) {
    check_op(op, a, b);
    check_op(op, a ^ SIGN, b);
    check_op(op, a, b ^ SIGN);
    check_op(op, a ^ SIGN, b ^ SIGN);
}

static void check_edges(op_t op) {
    for (size_t i = 0; i < N_EDGE; i++) {
        for (size_t j = 0; j < N_EDGE; j++) {
            check_all_signs(op, edge_values[i], edge_values[j]);
        }
    }
}

// A random finite operand: any bits, or an exponent near `exp` (so that
// sums cancel and products land near the ends of the range).
static uint64_t random_operand(int exp, int spread) {
    uint64_t r = rng();
    if (r % 4 == 0) {
        uint64_t v = rng() & ~INF;   // finite: exponent field not all ones
        return v | ((rng() % 0x7ff) << 52);
    }
    int e = exp + (int)(rng() % (uint64_t)(2 * spread + 1)) - spread;
    if (e < 0) {
        e = 0;
    }
    if (e > 0x7fe) {
        e = 0x7fe;
    }
    uint64_t frac = rng() & FRAC_MASK;
    if (r % 4 == 1) {
        frac &= ~(uint64_t)0 << (rng() % 52);   // short significands: exact ties
    }
    return (r & SIGN) | ((uint64_t)e << 52) | frac;
}

static void check_random(op_t op, int exp_a, int exp_b, int spread) {
    for (int i = 0; i < 100000; i++) {
        check_op(op, random_operand(exp_a, spread), random_operand(exp_b, spread));
    }
}

static void test_add_edge_values_match_hardware(void **state) {
    (void)state;
    check_edges(OP_ADD);
    check_edges(OP_SUB);
}

static void test_mul_div_edge_values_match_hardware(void **state) {
    (void)state;
    check_edges(OP_MUL);
    check_edges(OP_DIV);
}

static void test_add_random_operands_match_hardware(void **state) {
    (void)state;
    check_random(OP_ADD, BIAS, BIAS, 60);
    check_random(OP_SUB, BIAS, BIAS, 3);
    check_random(OP_ADD, 2, 2, 3);   // subnormal sums
    check_random(OP_SUB, 0x7fe, 0x7fe, 2);
}

static void test_mul_random_operands_match_hardware(void **state) {
    (void)state;
    check_random(OP_MUL, BIAS, BIAS, 40);
    check_random(OP_MUL, 0x200, 0x200, 30);   // underflow
    check_random(OP_MUL, 0x5ff, 0x5ff, 30);   // overflow
    check_random(OP_MUL, 1, 0x430, 20);       // subnormal times large
}

static void test_div_random_operands_match_hardware(void **state) {
    (void)state;
    check_random(OP_DIV, BIAS, BIAS, 40);
    check_random(OP_DIV, 0x30, 0x3d0, 30);    // underflow
    check_random(OP_DIV, 0x7c0, 0x30, 30);    // overflow
    check_random(OP_DIV, 1, 1, 3);            // subnormal by subnormal
}

static void test_int_conversions_match_hardware(void **state) {
    (void)state;
    static const int32_t edges[] = {0, 1, -1, 2, 3, 1000, INT32_MAX, INT32_MIN, INT32_MIN + 1};
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        assert_int_equal(softfp_from_i32(edges[i]), bits_of((double)edges[i]));
        assert_int_equal(softfp_from_u32((uint32_t)edges[i]), bits_of((double)(uint32_t)edges[i]));
    }
    for (int i = 0; i < 100000; i++) {
        uint32_t v = (uint32_t)rng() >> (rng() % 32);
        assert_int_equal(softfp_from_u32(v), bits_of((double)v));
        assert_int_equal(softfp_from_i32((int32_t)v), bits_of((double)(int32_t)v));
        double d = double_of(random_operand(BIAS + 15, 16));
        if (fabs(d) < 2147483648.0) {
            assert_int_equal(softfp_to_i32(bits_of(d)), (int32_t)d);
        }
    }
    assert_int_equal(softfp_to_i32(bits_of(-2147483648.0)), INT32_MIN);
    assert_int_equal(softfp_to_i32(bits_of(1e300)), INT32_MAX);
    assert_int_equal(softfp_to_i32(bits_of(-1e300)), INT32_MIN);
    assert_int_equal(softfp_to_i32(bits_of(0.999)), 0);
    assert_int_equal(softfp_to_i32(bits_of(-0.999)), 0);
}

static void check_to_f32(uint64_t a) {
    uint32_t want = bits_of_float((float)double_of(a));
    uint32_t got = softfp_to_f32(a);
    if (got == want || (isnan(float_of(got)) && isnan(float_of(want)))) {
        return;
    }
    print_error("to_f32 %016llx: got %08x, want %08x\n", (unsigned long long)a, got, want);
    fail();
}

static void test_float_conversions_match_hardware(void **state) {
    (void)state;
    for (size_t i = 0; i < N_EDGE; i++) {
        check_to_f32(edge_values[i]);
        check_to_f32(edge_values[i] ^ SIGN);
    }
    for (int i = 0; i < 200000; i++) {
        uint32_t f = (uint32_t)rng();
        uint64_t want = bits_of((double)float_of(f));
        uint64_t got = softfp_from_f32(f);
        assert_true(got == want || (isnan(double_of(got)) && isnan(double_of(want))));
        check_to_f32(random_operand(BIAS, 140));
        check_to_f32(random_operand(BIAS - 126, 30));   // binary32 subnormals
    }
    assert_int_equal(softfp_from_f32(0x00000001u), bits_of((double)float_of(0x00000001u)));
}

static void test_mul_u32_gives_the_full_product(void **state) {
    (void)state;
    assert_int_equal(softfp_mul_u32(0xffffffffu, 0xffffffffu), 0xfffffffe00000001u);
    for (int i = 0; i < 100000; i++) {
        uint32_t a = (uint32_t)rng();
        uint32_t b = (uint32_t)rng();
        assert_int_equal(softfp_mul_u32(a, b), (uint64_t)a * b);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_edge_values_match_hardware),
        cmocka_unit_test(test_mul_div_edge_values_match_hardware),
        cmocka_unit_test(test_add_random_operands_match_hardware),
        cmocka_unit_test(test_mul_random_operands_match_hardware),
        cmocka_unit_test(test_div_random_operands_match_hardware),
        cmocka_unit_test(test_int_conversions_match_hardware),
        cmocka_unit_test(test_float_conversions_match_hardware),
        cmocka_unit_test(test_mul_u32_gives_the_full_product),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
