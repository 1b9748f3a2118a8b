// runtime/ports/xtensa/sim/rom_helpers.c: the integer and floating-point
// helpers GCC calls on the lx106 that Debian's lx106 libgcc leaves out
// (the Espressif SDK and the esp8266 target, esp8266/rom.S, take them from
// the ESP8266 boot ROM, which qemu's lx106 does not have): 32-bit
// division, 64-bit multiply and unsigned division, and binary64 arithmetic
// (softfp.c). Each has the C signature GCC expects; doubles are moved to
// and from their bits with memcpy, which compiles to register moves, so
// nothing here calls itself. Each is kept `used`: calls to them appear
// only after link-time optimisation has decided what is referenced.
#include <stdint.h>
#include <string.h>

#include "softfp.h"

int32_t __divsi3(int32_t a, int32_t b);
uint32_t __udivsi3(uint32_t a, uint32_t b);
uint32_t __umodsi3(uint32_t a, uint32_t b);
uint64_t __muldi3(uint64_t a, uint64_t b);
uint64_t __umulsidi3(uint32_t a, uint32_t b);
uint64_t __udivdi3(uint64_t a, uint64_t b);
uint64_t __umoddi3(uint64_t a, uint64_t b);
double __adddf3(double a, double b);
double __subdf3(double a, double b);
double __muldf3(double a, double b);
double __divdf3(double a, double b);
double __floatsidf(int32_t v);
double __floatunsidf(uint32_t v);
int32_t __fixdfsi(double a);
double __extendsfdf2(float a);
float __truncdfsf2(double a);

// In libgcc: 64-bit division with the remainder through *rem.
uint64_t __udivmoddi4(uint64_t a, uint64_t b, uint64_t *rem);

// Restoring division, one quotient bit a step from the divisor's leading
// bit lined up with the dividend's (small quotients take few steps).
// Division by zero gives an all-ones quotient and the dividend as
// remainder (the VM checks first).
static uint32_t udivmod32(uint32_t a, uint32_t b, uint32_t *rem) {
    if (b == 0) {
        *rem = a;
        return 0xffffffffu;
    }
    if (b > a) {
        *rem = a;
        return 0;
    }
    int shift = __builtin_clz(b) - __builtin_clz(a);
    b <<= shift;
    uint32_t q = 0;
    for (int i = shift; i >= 0; i--) {
        q <<= 1;
        if (a >= b) {
            a -= b;
            q |= 1;
        }
        b >>= 1;
    }
    *rem = a;
    return q;
}

__attribute__((used)) uint32_t __udivsi3(uint32_t a, uint32_t b) {
    uint32_t r;
    return udivmod32(a, b, &r);
}

__attribute__((used)) uint32_t __umodsi3(uint32_t a, uint32_t b) {
    uint32_t r;
    udivmod32(a, b, &r);
    return r;
}

// Truncates toward zero, as C's / does.
__attribute__((used)) int32_t __divsi3(int32_t a, int32_t b) {
    uint32_t ua = a < 0 ? 0u - (uint32_t)a : (uint32_t)a;
    uint32_t ub = b < 0 ? 0u - (uint32_t)b : (uint32_t)b;
    uint32_t r;
    uint32_t q = udivmod32(ua, ub, &r);
    return (a < 0) != (b < 0) ? (int32_t)(0u - q) : (int32_t)q;
}

// The full product (libgcc's __udivmoddi4 calls this).
__attribute__((used)) uint64_t __umulsidi3(uint32_t a, uint32_t b) {
    return softfp_mul_u32(a, b);
}

// The low 64 bits of the product.
__attribute__((used)) uint64_t __muldi3(uint64_t a, uint64_t b) {
    uint32_t a0 = (uint32_t)a;
    uint32_t b0 = (uint32_t)b;
    uint32_t cross = a0 * (uint32_t)(b >> 32) + (uint32_t)(a >> 32) * b0;
    return softfp_mul_u32(a0, b0) + ((uint64_t)cross << 32);
}

__attribute__((used)) uint64_t __udivdi3(uint64_t a, uint64_t b) {
    return __udivmoddi4(a, b, NULL);
}

__attribute__((used)) uint64_t __umoddi3(uint64_t a, uint64_t b) {
    uint64_t r;
    __udivmoddi4(a, b, &r);
    return r;
}

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

__attribute__((used)) double __adddf3(double a, double b) {
    return double_of(softfp_add(bits_of(a), bits_of(b)));
}

__attribute__((used)) double __subdf3(double a, double b) {
    return double_of(softfp_sub(bits_of(a), bits_of(b)));
}

__attribute__((used)) double __muldf3(double a, double b) {
    return double_of(softfp_mul(bits_of(a), bits_of(b)));
}

__attribute__((used)) double __divdf3(double a, double b) {
    return double_of(softfp_div(bits_of(a), bits_of(b)));
}

__attribute__((used)) double __floatsidf(int32_t v) {
    return double_of(softfp_from_i32(v));
}

__attribute__((used)) double __floatunsidf(uint32_t v) {
    return double_of(softfp_from_u32(v));
}

__attribute__((used)) int32_t __fixdfsi(double a) {
    return softfp_to_i32(bits_of(a));
}

__attribute__((used)) double __extendsfdf2(float a) {
    uint32_t u;
    memcpy(&u, &a, sizeof(u));
    return double_of(softfp_from_f32(u));
}

__attribute__((used)) float __truncdfsf2(double a) {
    uint32_t u = softfp_to_f32(bits_of(a));
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}
