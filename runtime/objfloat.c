// runtime/objfloat.c: the float type (boxed doubles) and a small complex
// type. Text conversion goes through util/numfmt.h, which reproduces
// MicroPython's own float parsing and printing digit for digit; arithmetic
// follows MicroPython's rules for floor division, modulo and powers.
#include <math.h>
#include <string.h>

#include "../util/numfmt.h"
#include "obj.h"

#define UTIL_FLOATDIV_T rt_float_t
#include "../util/floatdiv.h"

#if RT_FLOAT

// Float text matches the WebAssembly reference VM (binary128 long double),
// which printed the corpus outputs.
#ifndef RT_NUMFMT_WIDE
#define RT_NUMFMT_WIDE NUMFMT_QUAD
#endif

obj_t float_new(rt_float_t v) {
    obj_float_t *o = gc_alloc(sizeof(obj_float_t));
    o->base.type = &type_float;
    o->value = v;
    return (obj_t)o;
}

// MicroPython's float hash on a 32-bit machine: the integer part xor the
// fraction bits for values that may have a fraction, the raw bits otherwise.
rt_int_t float_hash(rt_float_t src) {
    union {
        double f;
        uint64_t i;
    } u = {(double)src};
    int adj_exp = (int)((u.i >> 52) & 0x7ff) - 1023;
    uint32_t val;
    if (adj_exp < 0) {
        val = (uint32_t)u.i;
    } else {
        uint64_t frc = (u.i & ((1ULL << 52) - 1)) | (1ULL << 52);
        if (adj_exp <= 52) {
            val = (uint32_t)((frc >> (52 - adj_exp)) ^ (frc & ((1ULL << (52 - adj_exp)) - 1)));
        } else {
            val = (uint32_t)u.i;
        }
    }
    if (u.i >> 63) {
        val = (uint32_t)(-(uint32_t)val);
    }
    return (rt_int_t)(int32_t)val;
}

void float_repr(vstr_t *v, rt_float_t f) {
    char buf[NUMFMT_REPR_SIZE];
    size_t n = numfmt_repr(RT_NUMFMT_WIDE, (double)f, buf);
    vstr_add_strn(v, buf, n);
}

void float_format(vstr_t *v, rt_float_t f, char fmt, int prec, int sign) {
    char buf[NUMFMT_BUF_SIZE + 64];
    int n = numfmt_format_float(RT_NUMFMT_WIDE, (double)f, buf, sizeof(buf), fmt, prec, (char)sign);
    vstr_add_strn(v, buf, (size_t)n);
}

obj_t float_parse(const char *s, size_t len, bool *ok) {
    numfmt_number_t num;
    *ok = numfmt_parse_number(RT_NUMFMT_WIDE, s, len, true, false, &num);
    if (!*ok) {
        return OBJ_NULL;
    }
    if (num.is_complex) {
        extern obj_t complex_new(rt_float_t re, rt_float_t im);
        return complex_new((rt_float_t)num.real, (rt_float_t)num.imag);
    }
    return float_new((rt_float_t)num.real);
}

static void float_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    char buf[NUMFMT_REPR_SIZE];
    size_t n = numfmt_repr(RT_NUMFMT_WIDE, (double)float_value(o), buf);
    print_strn(p, buf, n);
}

static noreturn void zero_division(void) {
    rt_raise(&type_ZeroDivisionError, "divide by zero");
}

obj_t float_divmod_obj(rt_float_t a, rt_float_t b);
obj_t float_divmod_obj(rt_float_t a, rt_float_t b) {
    if (b == 0) {
        zero_division();
    }
    floatdiv_divmod(&a, &b);
    obj_t items[2] = {float_new(a), float_new(b)};
    return tuple_new(2, items);
}

obj_t float_binary_op_ff(int op, rt_float_t a, rt_float_t b) {
    op = rt_op_without_inplace(op);
    switch (op) {
        case OP_ADD:
            return float_new(a + b);
        case OP_SUBTRACT:
            return float_new(a - b);
        case OP_MULTIPLY:
            return float_new(a * b);
        case OP_TRUE_DIVIDE:
            if (b == 0) {
                zero_division();
            }
            return float_new(a / b);
        case OP_FLOOR_DIVIDE:
            if (b == 0) {
                zero_division();
            }
            floatdiv_divmod(&a, &b);
            return float_new(a);
        case OP_MODULO:
            if (b == 0) {
                zero_division();
            }
            return float_new(floatdiv_mod(a, b));
        case OP_POWER:
            if (a == 0 && b < 0 && !isinf(b)) {
                zero_division();
            }
            if (a < 0 && b != floor(b) && !isnan(b)) {
                extern obj_t complex_pow(rt_float_t ar, rt_float_t ai, rt_float_t br, rt_float_t bi);
                return complex_pow(a, 0, b, 0);
            }
            return float_new(pow(a, b));
        case OP_LESS:
            return OBJ_BOOL(a < b);
        case OP_MORE:
            return OBJ_BOOL(a > b);
        case OP_EQUAL:
            return OBJ_BOOL(a == b);
        case OP_NOT_EQUAL:
            return OBJ_BOOL(a != b);
        case OP_LESS_EQUAL:
            return OBJ_BOOL(a <= b);
        case OP_MORE_EQUAL:
            return OBJ_BOOL(a >= b);
        default:
            return OBJ_NULL;
    }
}

obj_t float_binary_op(int op, rt_float_t a, obj_t rhs) {
    rt_float_t b;
    if (obj_is_type(rhs, &type_complex)) {
        extern obj_t complex_binary_op_reflect(int op, obj_t lhs, obj_t rhs);
        return complex_binary_op_reflect(op, float_new(a), rhs);
    }
    if (!obj_get_float_maybe(rhs, &b)) {
        return OBJ_NULL;
    }
    return float_binary_op_ff(op, a, b);
}

static obj_t float_type_binary_op(int op, obj_t lhs, obj_t rhs) {
    return float_binary_op(op, float_value(lhs), rhs);
}

static obj_t float_unary_op(int op, obj_t o) {
    rt_float_t v = float_value(o);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(v != 0);
        case OP_HASH:
            return small_int(float_hash(v));
        case OP_POSITIVE:
        case OP_FLOAT_MAYBE:
            return o;
        case OP_NEGATIVE:
            return float_new(-v);
        case OP_ABS:
            return float_new(fabs(v));
        default:
            return OBJ_NULL;
    }
}

static obj_t float_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 1, false);
    if (n_args == 0) {
        return float_new(0);
    }
    obj_t x = args[0];
    if (obj_is_type(x, &type_float)) {
        return x;
    }
    if (obj_is_str(x) || obj_is_type(x, &type_bytes)) {
        size_t len;
        const char *s = str_get_data(x, &len);
        numfmt_number_t num;
        if (!numfmt_parse_number(RT_NUMFMT_WIDE, s, len, false, false, &num)) {
            rt_raise_value_error("invalid syntax for number");
        }
        return float_new((rt_float_t)num.real);
    }
    rt_float_t v;
    if (obj_get_float_maybe(x, &v)) {
        return float_new(v);
    }
    obj_t r = rt_unary_op(OP_FLOAT_MAYBE, x);
    if (r != OBJ_NULL) {
        return r;
    }
    rt_raise_fmt(&type_TypeError, "can't convert %s to float", obj_type_name(x));
}

static obj_t float_is_integer(obj_t self) {
    rt_float_t v = float_value(self);
    return OBJ_BOOL(isfinite(v) && v == floor(v));
}
static BUILTIN_FUN_1(float_is_integer_obj, float_is_integer);

static const map_elem_t float_locals_table[] = {
    ROM_ENTRY(Q_is_integer, &float_is_integer_obj),
};
static ROM_DICT(float_locals, float_locals_table);

const type_t type_float = {
    {&type_type}, 0, Q_float, float_print, float_make_new, NULL, float_unary_op,
    float_type_binary_op, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &float_locals,
};

// ---------------------------------------------------------------------------
// complex: enough for literals, arithmetic and printing.
typedef struct obj_complex {
    obj_base_t base;
    rt_float_t re;
    rt_float_t im;
} obj_complex_t;

obj_t complex_new(rt_float_t re, rt_float_t im);
obj_t complex_new(rt_float_t re, rt_float_t im) {
    obj_complex_t *c = rt_new(obj_complex_t);
    c->base.type = &type_complex;
    c->re = re;
    c->im = im;
    return (obj_t)c;
}

static void complex_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_complex_t *c = OBJ_TO_PTR(o);
    vstr_t v;
    vstr_init(&v, 32);
    if (c->re == 0 && !signbit(c->re)) {
        float_format(&v, c->im, 'g', 16, 0);
        vstr_add_byte(&v, 'j');
    } else {
        vstr_add_byte(&v, '(');
        float_format(&v, c->re, 'g', 16, 0);
        float_format(&v, c->im, 'g', 16, '+');
        vstr_add_str(&v, "j)");
    }
    print_strn(p, v.buf, v.len);
}

obj_t complex_pow(rt_float_t ar, rt_float_t ai, rt_float_t br, rt_float_t bi);
obj_t complex_pow(rt_float_t ar, rt_float_t ai, rt_float_t br, rt_float_t bi) {
    if (ar == 0 && ai == 0) {
        if (bi != 0 || br < 0) {
            zero_division();
        }
        return complex_new(br == 0 ? 1 : 0, 0);
    }
    rt_float_t ln_r = log(hypot(ar, ai));
    rt_float_t th = atan2(ai, ar);
    rt_float_t x = exp(br * ln_r - bi * th);
    rt_float_t y = bi * ln_r + br * th;
    return complex_new(x * cos(y), x * sin(y));
}

static void complex_parts(obj_t o, rt_float_t *re, rt_float_t *im) {
    if (obj_is_type(o, &type_complex)) {
        const obj_complex_t *c = OBJ_TO_PTR(o);
        *re = c->re;
        *im = c->im;
    } else {
        *re = obj_get_float(o);
        *im = 0;
    }
}

static obj_t complex_op(int op, rt_float_t ar, rt_float_t ai, rt_float_t br, rt_float_t bi) {
    op = rt_op_without_inplace(op);
    switch (op) {
        case OP_ADD:
            return complex_new(ar + br, ai + bi);
        case OP_SUBTRACT:
            return complex_new(ar - br, ai - bi);
        case OP_MULTIPLY:
            return complex_new(ar * br - ai * bi, ar * bi + ai * br);
        case OP_TRUE_DIVIDE: {
            rt_float_t d = br * br + bi * bi;
            if (d == 0) {
                zero_division();
            }
            return complex_new((ar * br + ai * bi) / d, (ai * br - ar * bi) / d);
        }
        case OP_POWER:
            return complex_pow(ar, ai, br, bi);
        case OP_EQUAL:
            return OBJ_BOOL(ar == br && ai == bi);
        case OP_NOT_EQUAL:
            return OBJ_BOOL(ar != br || ai != bi);
        default:
            return OBJ_NULL;
    }
}

static obj_t complex_binary_op(int op, obj_t lhs, obj_t rhs) {
    rt_float_t ar, ai, br, bi;
    complex_parts(lhs, &ar, &ai);
    if (!obj_is_type(rhs, &type_complex) && !obj_get_float_maybe(rhs, &br)) {
        return OBJ_NULL;
    }
    complex_parts(rhs, &br, &bi);
    return complex_op(op, ar, ai, br, bi);
}

obj_t complex_binary_op_reflect(int op, obj_t lhs, obj_t rhs);
obj_t complex_binary_op_reflect(int op, obj_t lhs, obj_t rhs) {
    rt_float_t ar, ai, br, bi;
    complex_parts(lhs, &ar, &ai);
    complex_parts(rhs, &br, &bi);
    return complex_op(op, ar, ai, br, bi);
}

static obj_t complex_unary_op(int op, obj_t o) {
    const obj_complex_t *c = OBJ_TO_PTR(o);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(c->re != 0 || c->im != 0);
        case OP_NEGATIVE:
            return complex_new(-c->re, -c->im);
        case OP_POSITIVE:
            return o;
        case OP_ABS:
            return float_new(hypot(c->re, c->im));
        case OP_HASH:
            return small_int(float_hash(c->re) ^ float_hash(c->im));
        default:
            return OBJ_NULL;
    }
}

static void complex_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    const obj_complex_t *c = OBJ_TO_PTR(self);
    if (attr == Q_real) {
        dest[0] = float_new(c->re);
    } else if (attr == Q_imag) {
        dest[0] = float_new(c->im);
    }
}

static obj_t complex_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 2, false);
    rt_float_t re = 0, im = 0;
    if (n_args >= 1) {
        if (obj_is_str(args[0])) {
            size_t len;
            const char *s = str_get_data(args[0], &len);
            numfmt_number_t num;
            if (!numfmt_parse_number(RT_NUMFMT_WIDE, s, len, true, true, &num)) {
                rt_raise_value_error("invalid syntax for number");
            }
            return complex_new((rt_float_t)num.real, (rt_float_t)num.imag);
        }
        complex_parts(args[0], &re, &im);
    }
    if (n_args == 2) {
        rt_float_t r2, i2;
        complex_parts(args[1], &r2, &i2);
        re -= i2;
        im += r2;
    }
    return complex_new(re, im);
}

const type_t type_complex = {
    {&type_type}, 0, Q_complex, complex_print, complex_make_new, NULL, complex_unary_op,
    complex_binary_op, complex_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

#endif // RT_FLOAT
