// util/floatdiv.h: Python's floor division and modulo of floats (as
// py/objfloat.c computes them), written once for the compiler's constant
// folding, which works on double, and the VM's float type rt_float_t,
// which a port may make float.
//
// Header-only and generic over the float type: a file that wants another
// type than double defines UTIL_FLOATDIV_T before including this header
// (runtime/objfloat.c: rt_float_t). The math functions are the double
// ones whatever the type; their results (fmod, floor, copysign) are exact,
// so a float build gets the float it would get from fmodf and friends.
#ifndef UTIL_FLOATDIV_H
#define UTIL_FLOATDIV_H

#include <math.h>
#include <stdbool.h>

#ifndef UTIL_FLOATDIV_T
#define UTIL_FLOATDIV_T double
#endif

// Moves fmod's remainder *r of x / y to Python's convention: the sign of
// y, and a zero signed like y. Returns whether y was added, in which case
// the floor quotient is one less than the truncated one.
static inline bool floatdiv_fix_remainder(UTIL_FLOATDIV_T *r, UTIL_FLOATDIV_T y) {
    if (*r == 0.0) {
        *r = copysign(0.0, y);
        return false;
    }
    if ((*r < 0.0) != (y < 0.0)) {
        *r += y;
        return true;
    }
    return false;
}

// x % y for y != 0 (the caller raises ZeroDivisionError).
static inline UTIL_FLOATDIV_T floatdiv_mod(UTIL_FLOATDIV_T x, UTIL_FLOATDIV_T y) {
    UTIL_FLOATDIV_T r = fmod(x, y);
    floatdiv_fix_remainder(&r, y);
    return r;
}

// divmod(x, y) for y != 0: *x becomes x // y and *y becomes x % y.
static inline void floatdiv_divmod(UTIL_FLOATDIV_T *x, UTIL_FLOATDIV_T *y) {
    UTIL_FLOATDIV_T mod = fmod(*x, *y);
    UTIL_FLOATDIV_T div = (*x - mod) / *y;
    if (floatdiv_fix_remainder(&mod, *y)) {
        div -= 1.0;
    }
    UTIL_FLOATDIV_T floordiv;
    if (div == 0.0) {
        floordiv = copysign(0.0, *x / *y);
    } else {
        // div is whole up to rounding: the nearest integer (ties down).
        floordiv = floor(div);
        if (div - floordiv > 0.5) {
            floordiv += 1.0;
        }
    }
    *x = floordiv;
    *y = mod;
}

#endif // UTIL_FLOATDIV_H
