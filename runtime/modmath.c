// runtime/modmath.c: the math module, with MicroPython's domain checks
// ("math domain error") and its special cases for inf and nan.
#include <math.h>

#include "obj.h"

#if RT_MOD_MATH

static noreturn void domain_error(void) {
    rt_raise_value_error("math domain error");
}

static obj_t result(rt_float_t x, rt_float_t r) {
    if ((isnan(r) && !isnan(x)) || (isinf(r) && isfinite(x))) {
        domain_error();
    }
    return float_new(r);
}

#define MATH_FUN_1(name, expr)                          \
    static obj_t math_##name(obj_t a) {                 \
        rt_float_t x = obj_get_float(a);                \
        return result(x, expr);                         \
    }                                                   \
    static BUILTIN_FUN_1(math_##name##_obj, math_##name)

MATH_FUN_1(sqrt, x < 0 ? NAN : sqrt(x));
MATH_FUN_1(exp, exp(x));
MATH_FUN_1(expm1, expm1(x));
MATH_FUN_1(log2, x <= 0 ? NAN : log2(x));
MATH_FUN_1(log10, x <= 0 ? NAN : log10(x));
MATH_FUN_1(log1p, x <= -1 ? NAN : log1p(x));
MATH_FUN_1(cos, cos(x));
MATH_FUN_1(sin, sin(x));
MATH_FUN_1(tan, tan(x));
MATH_FUN_1(acos, acos(x));
MATH_FUN_1(asin, asin(x));
MATH_FUN_1(atan, atan(x));
MATH_FUN_1(cosh, cosh(x));
MATH_FUN_1(sinh, sinh(x));
MATH_FUN_1(tanh, tanh(x));
MATH_FUN_1(acosh, acosh(x));
MATH_FUN_1(asinh, asinh(x));
MATH_FUN_1(atanh, atanh(x));
MATH_FUN_1(fabs, fabs(x));
MATH_FUN_1(erf, erf(x));
MATH_FUN_1(erfc, erfc(x));
MATH_FUN_1(gamma, tgamma(x));
MATH_FUN_1(lgamma, lgamma(x));
MATH_FUN_1(radians, x * (M_PI / 180.0));
MATH_FUN_1(degrees, x * (180.0 / M_PI));

static obj_t math_log(size_t n, const obj_t *args) {
    rt_float_t x = obj_get_float(args[0]);
    if (x <= 0) {
        domain_error();
    }
    rt_float_t r = log(x);
    if (n > 1) {
        rt_float_t b = obj_get_float(args[1]);
        if (b <= 0) {
            domain_error();
        }
        if (b == 1) {
            rt_raise(&type_ZeroDivisionError, "divide by zero");
        }
        r /= log(b);
    }
    return float_new(r);
}
static BUILTIN_FUN_VAR(math_log_obj, 1, 2, math_log);

static obj_t math_pow(obj_t a, obj_t b) {
    rt_float_t x = obj_get_float(a), y = obj_get_float(b);
    return result(x, pow(x, y));
}
static BUILTIN_FUN_2(math_pow_obj, math_pow);

static obj_t math_atan2(obj_t a, obj_t b) {
    return float_new(atan2(obj_get_float(a), obj_get_float(b)));
}
static BUILTIN_FUN_2(math_atan2_obj, math_atan2);

static obj_t math_copysign(obj_t a, obj_t b) {
    return float_new(copysign(obj_get_float(a), obj_get_float(b)));
}
static BUILTIN_FUN_2(math_copysign_obj, math_copysign);

static obj_t math_fmod(obj_t a, obj_t b) {
    rt_float_t x = obj_get_float(a), y = obj_get_float(b);
    if (y == 0 || isinf(x)) {
        domain_error();
    }
    return float_new(fmod(x, y));
}
static BUILTIN_FUN_2(math_fmod_obj, math_fmod);

static obj_t math_ldexp(obj_t a, obj_t b) {
    return float_new(ldexp(obj_get_float(a), (int)obj_get_int(b)));
}
static BUILTIN_FUN_2(math_ldexp_obj, math_ldexp);

static obj_t math_frexp(obj_t a) {
    int e;
    rt_float_t m = frexp(obj_get_float(a), &e);
    obj_t items[2] = {float_new(m), small_int(e)};
    return tuple_new(2, items);
}
static BUILTIN_FUN_1(math_frexp_obj, math_frexp);

static obj_t math_modf(obj_t a) {
    rt_float_t ip;
    rt_float_t fp = modf(obj_get_float(a), &ip);
    obj_t items[2] = {float_new(fp), float_new(ip)};
    return tuple_new(2, items);
}
static BUILTIN_FUN_1(math_modf_obj, math_modf);

static obj_t int_result(obj_t a, rt_float_t (*fn)(rt_float_t)) {
    if (obj_is_int(a)) {
        return a;
    }
    return int_from_float(fn(obj_get_float(a)));
}

static rt_float_t do_ceil(rt_float_t x) {
    return ceil(x);
}
static rt_float_t do_floor(rt_float_t x) {
    return floor(x);
}
static rt_float_t do_trunc(rt_float_t x) {
    return trunc(x);
}

static obj_t math_ceil(obj_t a) {
    return int_result(a, do_ceil);
}
static obj_t math_floor(obj_t a) {
    return int_result(a, do_floor);
}
static obj_t math_trunc(obj_t a) {
    return int_result(a, do_trunc);
}
static BUILTIN_FUN_1(math_ceil_obj, math_ceil);
static BUILTIN_FUN_1(math_floor_obj, math_floor);
static BUILTIN_FUN_1(math_trunc_obj, math_trunc);

static obj_t math_isfinite(obj_t a) {
    return OBJ_BOOL(isfinite(obj_get_float(a)));
}
static obj_t math_isinf(obj_t a) {
    return OBJ_BOOL(isinf(obj_get_float(a)));
}
static obj_t math_isnan(obj_t a) {
    return OBJ_BOOL(isnan(obj_get_float(a)));
}
static BUILTIN_FUN_1(math_isfinite_obj, math_isfinite);
static BUILTIN_FUN_1(math_isinf_obj, math_isinf);
static BUILTIN_FUN_1(math_isnan_obj, math_isnan);

static obj_t math_isclose(size_t n, const obj_t *args, map_t *kw) {
    static const arg_spec_t spec[] = {
        {Q_a, ARG_REQUIRED, OBJ_NULL},
        {Q_b, ARG_REQUIRED, OBJ_NULL},
        {Q_rel_tol, ARG_KW_ONLY, OBJ_NULL},
        {Q_abs_tol, ARG_KW_ONLY, OBJ_NULL},
    };
    obj_t v[4];
    arg_parse(n, args, kw, 4, spec, v);
    rt_float_t a = obj_get_float(v[0]), b = obj_get_float(v[1]);
    rt_float_t rel = v[2] == OBJ_NULL ? 1e-9 : obj_get_float(v[2]);
    rt_float_t abs_tol = v[3] == OBJ_NULL ? 0 : obj_get_float(v[3]);
    if (rel < 0 || abs_tol < 0) {
        rt_raise_value_error("tolerances must be non-negative");
    }
    if (a == b) {
        return OBJ_TRUE;
    }
    if (isinf(a) || isinf(b)) {
        return OBJ_FALSE;
    }
    rt_float_t d = fabs(b - a);
    return OBJ_BOOL(d <= fabs(rel * b) || d <= fabs(rel * a) || d <= abs_tol);
}
static BUILTIN_FUN_KW(math_isclose_obj, 2, math_isclose);

static obj_t math_factorial(obj_t a) {
    rt_int_t n = obj_get_int(a);
    if (n < 0) {
        rt_raise_value_error("negative factorial");
    }
    obj_t r = small_int(1);
    for (rt_int_t i = 2; i <= n; i++) {
        r = rt_binary_op(OP_MULTIPLY, r, small_int(i));
    }
    return r;
}
static BUILTIN_FUN_1(math_factorial_obj, math_factorial);

static const obj_float_t math_pi_obj = {{&type_float}, M_PI};
static const obj_float_t math_e_obj = {{&type_float}, M_E};
static const obj_float_t math_tau_obj = {{&type_float}, 2 * M_PI};
static const obj_float_t math_inf_obj = {{&type_float}, INFINITY};
static const obj_float_t math_nan_obj = {{&type_float}, NAN};

static const map_elem_t math_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_math)),
    ROM_ENTRY(QSTR_pow, &math_pow_obj),
    ROM_ENTRY(Q_acos, &math_acos_obj),
    ROM_ENTRY(Q_acosh, &math_acosh_obj),
    ROM_ENTRY(Q_asin, &math_asin_obj),
    ROM_ENTRY(Q_asinh, &math_asinh_obj),
    ROM_ENTRY(Q_atan, &math_atan_obj),
    ROM_ENTRY(Q_atan2, &math_atan2_obj),
    ROM_ENTRY(Q_atanh, &math_atanh_obj),
    ROM_ENTRY(Q_ceil, &math_ceil_obj),
    ROM_ENTRY(Q_copysign, &math_copysign_obj),
    ROM_ENTRY(Q_cos, &math_cos_obj),
    ROM_ENTRY(Q_cosh, &math_cosh_obj),
    ROM_ENTRY(Q_degrees, &math_degrees_obj),
    ROM_ENTRY(Q_e, &math_e_obj),
    ROM_ENTRY(Q_erf, &math_erf_obj),
    ROM_ENTRY(Q_erfc, &math_erfc_obj),
    ROM_ENTRY(Q_exp, &math_exp_obj),
    ROM_ENTRY(Q_expm1, &math_expm1_obj),
    ROM_ENTRY(Q_fabs, &math_fabs_obj),
    ROM_ENTRY(Q_factorial, &math_factorial_obj),
    ROM_ENTRY(Q_floor, &math_floor_obj),
    ROM_ENTRY(Q_fmod, &math_fmod_obj),
    ROM_ENTRY(Q_frexp, &math_frexp_obj),
    ROM_ENTRY(Q_gamma, &math_gamma_obj),
    ROM_ENTRY(Q_inf, &math_inf_obj),
    ROM_ENTRY(Q_isclose, &math_isclose_obj),
    ROM_ENTRY(Q_isfinite, &math_isfinite_obj),
    ROM_ENTRY(Q_isinf, &math_isinf_obj),
    ROM_ENTRY(Q_isnan, &math_isnan_obj),
    ROM_ENTRY(Q_ldexp, &math_ldexp_obj),
    ROM_ENTRY(Q_lgamma, &math_lgamma_obj),
    ROM_ENTRY(Q_log, &math_log_obj),
    ROM_ENTRY(Q_log10, &math_log10_obj),
    ROM_ENTRY(Q_log2, &math_log2_obj),
    ROM_ENTRY(Q_log1p, &math_log1p_obj),
    ROM_ENTRY(Q_modf, &math_modf_obj),
    ROM_ENTRY(Q_nan, &math_nan_obj),
    ROM_ENTRY(Q_pi, &math_pi_obj),
    ROM_ENTRY(Q_radians, &math_radians_obj),
    ROM_ENTRY(Q_sin, &math_sin_obj),
    ROM_ENTRY(Q_sinh, &math_sinh_obj),
    ROM_ENTRY(Q_sqrt, &math_sqrt_obj),
    ROM_ENTRY(Q_tan, &math_tan_obj),
    ROM_ENTRY(Q_tanh, &math_tanh_obj),
    ROM_ENTRY(Q_tau, &math_tau_obj),
    ROM_ENTRY(Q_trunc, &math_trunc_obj),
};
static ROM_DICT(math_dict, math_table);
const obj_module_t module_math = {{&type_module}, (obj_t)&math_dict};

#endif // RT_MOD_MATH
