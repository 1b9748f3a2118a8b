// runtime/objint.c: the int type. Values that fit a tagged word are small
// ints; the rest are boxed arbitrary-precision integers (util/bigint.h)
// whose limbs live on the GC heap. Every result is normalised back to a
// small int when it fits, so the two forms are never mixed for one value.
// Without RT_BIGINT (MicroPython's MICROPY_LONGINT_IMPL_NONE) every int is
// a small int and a result that does not fit raises OverflowError.
#include <math.h>
#include <string.h>

#include "obj.h"
#if RT_BIGINT
#include "../util/bigint.h"

typedef struct obj_int {
    obj_base_t base;
    bigint_t big;
} obj_int_t;

// Limbs come from the GC heap; failure is reported, not raised, so the
// bigint code never unwinds halfway through an operation.
static void *gc_hook(void *ctx, void *p, size_t old_size, size_t new_size) {
    (void)ctx;
    if (new_size == 0) {
        gc_free(p);
        return NULL;
    }
    void *q = gc_alloc_maybe(new_size);
    if (q == NULL) {
        return NULL;
    }
    if (p != NULL) {
        memcpy(q, p, old_size < new_size ? old_size : new_size);
        gc_free(p);
    }
    return q;
}

static const bigint_alloc_t gc_alloc_hook = {gc_hook, NULL};

static void check(bigint_status_t st) {
    switch (st) {
        case BIGINT_OK:
            return;
        case BIGINT_NO_MEMORY:
            rt_raise_memory_error();
        case BIGINT_DIV_BY_ZERO:
            rt_raise(&type_ZeroDivisionError, "divide by zero");
        case BIGINT_NEGATIVE:
            rt_raise_value_error("negative shift count");
        case BIGINT_OVERFLOW:
            rt_raise(&type_OverflowError, "overflow converting long int to machine word");
        default:
            rt_raise_value_error("invalid int");
    }
}

static obj_int_t *new_big(void) {
    obj_int_t *o = rt_new(obj_int_t);
    o->base.type = &type_int;
    bigint_init(&o->big, &gc_alloc_hook);
    return o;
}

// Returns a small int when the value fits, else the boxed object.
static obj_t normalise(obj_int_t *o) {
    int64_t v;
    if (bigint_to_i64(&o->big, &v) && v >= SMALL_INT_MIN && v <= SMALL_INT_MAX) {
        return small_int((rt_int_t)v);
    }
    return (obj_t)o;
}

obj_t int_from_ll(long long v) {
    if (v >= SMALL_INT_MIN && v <= SMALL_INT_MAX) {
        return small_int((rt_int_t)v);
    }
    obj_int_t *o = new_big();
    check(bigint_set_i64(&o->big, v));
    return (obj_t)o;
}

obj_t int_from_ull(unsigned long long v) {
    if (v <= (unsigned long long)SMALL_INT_MAX) {
        return small_int((rt_int_t)v);
    }
    obj_int_t *o = new_big();
    check(bigint_set_u64(&o->big, v));
    return (obj_t)o;
}

// A bigint view of any int: big ones directly, small ones in `tmp`.
static const bigint_t *as_big(obj_t o, bigint_t *tmp) {
    if (obj_is_small_int(o)) {
        bigint_init(tmp, &gc_alloc_hook);
        check(bigint_set_i64(tmp, small_int_value(o)));
        return tmp;
    }
    if (o == OBJ_TRUE || o == OBJ_FALSE) {
        bigint_init(tmp, &gc_alloc_hook);
        check(bigint_set_i64(tmp, o == OBJ_TRUE));
        return tmp;
    }
    return &((obj_int_t *)o)->big;
}

bool int_to_ll_maybe(obj_t o, long long *v) {
    if (obj_is_small_int(o)) {
        *v = small_int_value(o);
        return true;
    }
    int64_t x;
    if (bigint_to_i64(&((obj_int_t *)o)->big, &x)) {
        *v = x;
        return true;
    }
    return false;
}

int int_sign(obj_t o) {
    if (obj_is_small_int(o)) {
        rt_int_t v = small_int_value(o);
        return (v > 0) - (v < 0);
    }
    return bigint_sign(&((obj_int_t *)o)->big);
}
#else
static noreturn void overflow(void) {
    rt_raise(&type_OverflowError, "small int overflow");
}

// The value of an int or a bool.
static rt_int_t small_value(obj_t o) {
    return obj_is_small_int(o) ? small_int_value(o) : o == OBJ_TRUE;
}

obj_t int_from_ll(long long v) {
    if (v < SMALL_INT_MIN || v > SMALL_INT_MAX) {
        overflow();
    }
    return small_int((rt_int_t)v);
}

obj_t int_from_ull(unsigned long long v) {
    if (v > (unsigned long long)SMALL_INT_MAX) {
        overflow();
    }
    return small_int((rt_int_t)v);
}

bool int_to_ll_maybe(obj_t o, long long *v) {
    *v = small_value(o);
    return true;
}

int int_sign(obj_t o) {
    rt_int_t v = small_value(o);
    return (v > 0) - (v < 0);
}
#endif

#if RT_FLOAT && !RT_BIGINT
rt_float_t int_to_float(obj_t o) {
    return (rt_float_t)small_value(o);
}
#elif RT_FLOAT
// True when v converts to a double exactly.
static bool exact_in_double(long long v) {
    return v > -(1LL << 53) && v < (1LL << 53);
}

rt_float_t int_to_float(obj_t o) {
    bigint_t tmp;
    if (obj_is_small_int(o) && exact_in_double(small_int_value(o))) {
        return (rt_float_t)small_int_value(o);
    }
    const bigint_t *b = as_big(o, &tmp);
    // The 32-bit reference VM converts through 16-bit digits.
    return (rt_float_t)bigint_to_double_mp(b, 16);
}
#endif

rt_int_t int_hash(obj_t o) {
#if RT_BIGINT
    if (!obj_is_small_int(o)) {
        return (rt_int_t)bigint_hash(&((obj_int_t *)o)->big, 32);
    }
#endif
    return (rt_int_t)(int32_t)(uint32_t)small_int_value(o);
}

#if RT_FLOAT
obj_t int_from_float(rt_float_t f) {
    if (isinf(f)) {
        rt_raise(&type_OverflowError, "can't convert inf to int");
    }
    if (isnan(f)) {
        rt_raise_value_error("can't convert NaN to int");
    }
    rt_float_t t = trunc(f);
    if (t > -4.0e18 && t < 4.0e18) {
        return int_from_ll((long long)t);
    }
#if !RT_BIGINT
    overflow();
#else
    obj_int_t *o = new_big();
    check(bigint_from_double(&o->big, (double)t));
    return normalise(o);
#endif
}
#endif

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'Z') {
        return c - 'A' + 10;
    }
    return 99;
}

static noreturn void bad_int(const char *s, size_t len, int base) {
    vstr_t v;
    vstr_init(&v, len + 2);
    print_t p;
    vstr_print_init(&v, &p);
    str_print_quoted(&p, (const uint8_t *)s, len, false);
    rt_raise_fmt(&type_ValueError, "invalid syntax for integer with base %d: %.*s", base,
                 (int)v.len, v.buf);
}

obj_t int_from_str(const char *s, size_t len, int base, bool exact) {
    (void)exact;
    const char *orig = s;
    size_t orig_len = len;
    int shown_base = base == 0 ? 10 : base;
    while (len > 0 && is_space(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_space(s[len - 1])) {
        len--;
    }
    bool neg = false;
    if (len > 0 && (*s == '+' || *s == '-')) {
        neg = *s == '-';
        s++;
        len--;
    }
    if (len >= 2 && s[0] == '0') {
        char c = (char)(s[1] | 0x20);
        int pb = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
        if (pb != 0 && (base == 0 || base == pb)) {
            base = pb;
            s += 2;
            len -= 2;
            if (len > 0 && *s == '_') {
                s++;
                len--;
            }
        }
    }
    if (base == 0) {
        base = 10;
    }
    // Digits with single underscores between them.
    char small[64];
    char *digits = len < sizeof(small) ? small : gc_alloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_') {
            continue;
        }
        if (digit_value(s[i]) >= base) {
            bad_int(orig, orig_len, shown_base);
        }
        digits[n++] = s[i];
    }
    if (n == 0) {
        bad_int(orig, orig_len, shown_base);
    }
#if !RT_BIGINT
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, digit_value(digits[i]), &v)) {
            overflow();
        }
    }
    return int_from_ll(neg ? -v : v);
#else
    if (n <= 15 || (base == 16 && n <= 14)) {
        long long v = 0;
        for (size_t i = 0; i < n; i++) {
            v = v * base + digit_value(digits[i]);
        }
        return int_from_ll(neg ? -v : v);
    }
    obj_int_t *o = new_big();
    check(bigint_from_str(&o->big, digits, n, base));
    if (neg) {
        check(bigint_neg(&o->big, &o->big));
    }
    return normalise(o);
#endif
}

#if !RT_BIGINT
obj_t int_from_bytes(const uint8_t *buf, size_t len, bool big_endian, bool is_signed) {
    unsigned long long u = 0;
    for (size_t i = 0; i < len; i++) {
        if (u >> 56) {
            overflow();
        }
        u = u << 8 | buf[big_endian ? i : len - 1 - i];
    }
    if (is_signed && len > 0 && len <= 8 && (buf[big_endian ? 0 : len - 1] & 0x80)) {
        if (len < 8) {
            u |= ~0ULL << (8 * len);
        }
        return int_from_ll((long long)u);
    }
    return int_from_ull(u);
}

// Fits when nothing is left over the bytes written and, signed, the top
// bit written is the sign.
bool int_to_bytes(obj_t o, uint8_t *buf, size_t len, bool big_endian, bool is_signed) {
    long long v = small_value(o);
    long long rest = v;
    if (v < 0 && !is_signed) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        buf[big_endian ? len - 1 - i : i] = (uint8_t)rest;
        rest >>= 8;
    }
    if (rest != (v < 0 ? -1 : 0) || (len == 0 && v != 0)) {
        return false;
    }
    return !is_signed || len == 0 || (buf[big_endian ? 0 : len - 1] >> 7) == (v < 0);
}
#else
obj_t int_from_bytes(const uint8_t *buf, size_t len, bool big_endian, bool is_signed) {
    obj_int_t *o = new_big();
    check(bigint_from_bytes(&o->big, buf, len, big_endian, is_signed));
    return normalise(o);
}

bool int_to_bytes(obj_t o, uint8_t *buf, size_t len, bool big_endian, bool is_signed) {
    bigint_t tmp;
    const bigint_t *b = as_big(o, &tmp);
    return bigint_to_bytes(b, buf, len, big_endian, is_signed) == BIGINT_OK;
}
#endif

// ---------------------------------------------------------------------------
// Arithmetic.
#if RT_BIGINT
static obj_t big_result_op(int op, const bigint_t *a, const bigint_t *b) {
    obj_int_t *r = new_big();
    bigint_status_t st;
    switch (op) {
        case OP_ADD:
            st = bigint_add(&r->big, a, b);
            break;
        case OP_SUBTRACT:
            st = bigint_sub(&r->big, a, b);
            break;
        case OP_MULTIPLY:
            st = bigint_mul(&r->big, a, b);
            break;
        case OP_FLOOR_DIVIDE:
            st = bigint_floordiv(&r->big, a, b);
            break;
        case OP_MODULO:
            st = bigint_mod(&r->big, a, b);
            break;
        case OP_AND:
            st = bigint_and(&r->big, a, b);
            break;
        case OP_OR:
            st = bigint_or(&r->big, a, b);
            break;
        case OP_XOR:
            st = bigint_xor(&r->big, a, b);
            break;
        case OP_LSHIFT:
        case OP_RSHIFT: {
            int64_t n;
            if (bigint_is_neg(b)) {
                rt_raise_value_error("negative shift count");
            }
            if (!bigint_to_i64(b, &n)) {
                rt_raise(&type_OverflowError, "overflow converting long int to machine word");
            }
            st = op == OP_LSHIFT ? bigint_shl(&r->big, a, (size_t)n) : bigint_shr(&r->big, a, (size_t)n);
            break;
        }
        case OP_POWER: {
            if (bigint_is_neg(b)) {
                return OBJ_NULL;
            }
            uint64_t e;
            if (!bigint_to_u64(b, &e)) {
                rt_raise(&type_OverflowError, "overflow converting long int to machine word");
            }
            st = bigint_pow(&r->big, a, e);
            break;
        }
        default:
            return OBJ_NULL;
    }
    check(st);
    return normalise(r);
}

#endif

#if RT_FLOAT
static obj_t int_pow_float(obj_t lhs, obj_t rhs) {
    rt_float_t a = int_to_float(lhs);
    rt_float_t b = int_to_float(rhs);
    if (a == 0) {
        rt_raise(&type_ZeroDivisionError, "divide by zero");
    }
    return float_new(pow(a, b));
}
#else
static noreturn obj_t int_pow_float(obj_t lhs, obj_t rhs) {
    (void)lhs;
    (void)rhs;
    rt_raise_value_error("negative power with no float support");
}
#endif

#if RT_BIGINT
static obj_t compare_big(int op, const bigint_t *a, const bigint_t *b) {
    int c = bigint_cmp(a, b);
    switch (op) {
        case OP_LESS:
            return OBJ_BOOL(c < 0);
        case OP_MORE:
            return OBJ_BOOL(c > 0);
        case OP_EQUAL:
            return OBJ_BOOL(c == 0);
        case OP_NOT_EQUAL:
            return OBJ_BOOL(c != 0);
        case OP_LESS_EQUAL:
            return OBJ_BOOL(c <= 0);
        case OP_MORE_EQUAL:
            return OBJ_BOOL(c >= 0);
        default:
            return OBJ_NULL;
    }
}

obj_t int_big_binary_op(int op, obj_t lhs, obj_t rhs) {
    op = rt_op_without_inplace(op);
    if (op == OP_TRUE_DIVIDE) {
#if RT_FLOAT
        rt_float_t b = int_to_float(rhs);
        if (b == 0) {
            rt_raise(&type_ZeroDivisionError, "divide by zero");
        }
        return float_new(int_to_float(lhs) / b);
#else
        return OBJ_NULL;
#endif
    }
    bigint_t ta, tb;
    const bigint_t *a = as_big(lhs, &ta);
    const bigint_t *b = as_big(rhs, &tb);
    if (op <= OP_NOT_EQUAL) {
        return compare_big(op, a, b);
    }
    if ((op == OP_FLOOR_DIVIDE || op == OP_MODULO) && bigint_is_zero(b)) {
        rt_raise(&type_ZeroDivisionError, "divide by zero");
    }
    if (op == OP_POWER && bigint_is_neg(b)) {
        return int_pow_float(lhs, rhs);
    }
    return big_result_op(op, a, b);
}

// A small-int result that does not fit: computed again with big ints.
static obj_t promote(int op, obj_t lhs, obj_t rhs) {
    return int_big_binary_op(op, lhs, rhs);
}
#else
// No int is big: only a bool operand brings a call here.
obj_t int_big_binary_op(int op, obj_t lhs, obj_t rhs) {
    return int_binary_op(op, small_int(small_value(lhs)), small_int(small_value(rhs)));
}

static noreturn obj_t promote(int op, obj_t lhs, obj_t rhs) {
    (void)op;
    (void)lhs;
    (void)rhs;
    overflow();
}
#endif

static rt_int_t floor_div(rt_int_t a, rt_int_t b) {
    rt_int_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }
    return q;
}

static rt_int_t floor_mod(rt_int_t a, rt_int_t b) {
    rt_int_t m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
        m += b;
    }
    return m;
}

static obj_t small_pow(obj_t lhs, obj_t rhs) {
    rt_int_t base = small_int_value(lhs);
    rt_int_t e = small_int_value(rhs);
    if (e < 0) {
        return int_pow_float(lhs, rhs);
    }
    rt_int_t r = 1;
    rt_int_t b = base;
    while (e > 0) {
        if (e & 1) {
            rt_int_t t;
            if (__builtin_mul_overflow(r, b, &t) || !small_int_fits(t)) {
                return promote(OP_POWER, lhs, rhs);
            }
            r = t;
        }
        e >>= 1;
        if (e > 0) {
            rt_int_t t;
            if (__builtin_mul_overflow(b, b, &t) || !small_int_fits(t)) {
                return promote(OP_POWER, lhs, rhs);
            }
            b = t;
        }
    }
    return small_int(r);
}

static obj_t small_shift(int op, rt_int_t a, rt_int_t n, obj_t lhs, obj_t rhs) {
    if (n < 0) {
        rt_raise_value_error("negative shift count");
    }
    if (op == OP_RSHIFT) {
        if (n >= (rt_int_t)RT_WORD_BITS) {
            return small_int(a < 0 ? -1 : 0);
        }
        return small_int(a >> n);
    }
    if (n < (rt_int_t)RT_WORD_BITS - 2) {
        rt_int_t r = (rt_int_t)((rt_uint_t)a << n);
        if ((r >> n) == a && small_int_fits(r)) {
            return small_int(r);
        }
    }
    return promote(OP_LSHIFT, lhs, rhs);
}

// Both operands are small ints.
obj_t int_binary_op(int op, obj_t lhs, obj_t rhs) {
    rt_int_t a = small_int_value(lhs);
    rt_int_t b = small_int_value(rhs);
    op = rt_op_without_inplace(op);
    switch (op) {
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
        case OP_OR:
            return small_int(a | b);
        case OP_XOR:
            return small_int(a ^ b);
        case OP_AND:
            return small_int(a & b);
        case OP_LSHIFT:
        case OP_RSHIFT:
            return small_shift(op, a, b, lhs, rhs);
        case OP_ADD:
            return int_from_ll((long long)a + b);
        case OP_SUBTRACT:
            return int_from_ll((long long)a - b);
        case OP_MULTIPLY: {
            rt_int_t r;
            if (!__builtin_mul_overflow(a, b, &r) && small_int_fits(r)) {
                return small_int(r);
            }
            return promote(op, lhs, rhs);
        }
        case OP_FLOOR_DIVIDE:
            if (b == 0) {
                rt_raise(&type_ZeroDivisionError, "divide by zero");
            }
            if (a == SMALL_INT_MIN && b == -1) {
                return int_from_ll(-(long long)a);
            }
            return small_int(floor_div(a, b));
        case OP_MODULO:
            if (b == 0) {
                rt_raise(&type_ZeroDivisionError, "divide by zero");
            }
            return small_int(floor_mod(a, b));
#if RT_FLOAT
        case OP_TRUE_DIVIDE:
            if (b == 0) {
                rt_raise(&type_ZeroDivisionError, "divide by zero");
            }
            return float_new(int_to_float(lhs) / int_to_float(rhs));
#endif
        case OP_POWER:
            return small_pow(lhs, rhs);
        default:
            return OBJ_NULL;
    }
}

static bool is_sequence(obj_t o) {
    const type_t *t = obj_type(o);
    return t == &type_str || t == &type_bytes || t == &type_list || t == &type_tuple
           || (RT_BYTEARRAY && t == &type_bytearray);
}

// The int type's binary_op slot: lhs is an int (small or big).
static obj_t int_type_binary_op(int op, obj_t lhs, obj_t rhs) {
    if (rhs == OBJ_TRUE || rhs == OBJ_FALSE) {
        rhs = small_int(rhs == OBJ_TRUE);
    }
    if (obj_is_small_int(lhs) && obj_is_small_int(rhs)) {
        return int_binary_op(op, lhs, rhs);
    }
    if (obj_is_int(rhs)) {
        return int_big_binary_op(op, lhs, rhs);
    }
#if RT_FLOAT
    if (obj_is_type(rhs, &type_float)) {
        return float_binary_op(op, int_to_float(lhs), rhs);
    }
    if (obj_is_type(rhs, &type_complex)) {
        extern obj_t complex_binary_op_reflect(int op, obj_t lhs, obj_t rhs);
        return complex_binary_op_reflect(op, lhs, rhs);
    }
#endif
    if ((op == OP_MULTIPLY || op == OP_INPLACE_MULTIPLY) && is_sequence(rhs)) {
        return obj_type(rhs)->binary_op(OP_MULTIPLY, rhs, lhs);
    }
    return OBJ_NULL;
}

static obj_t int_unary_op(int op, obj_t o) {
    // Small ints are handled in rt_unary_op; this is for big ones.
    if (obj_is_small_int(o)) {
        return OBJ_NULL;
    }
#if !RT_BIGINT
    (void)op;
    return OBJ_NULL;
#else
    const bigint_t *a = &((obj_int_t *)o)->big;
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(!bigint_is_zero(a));
        case OP_HASH:
            return small_int((rt_int_t)(int32_t)bigint_hash(a, 32));
        case OP_POSITIVE:
        case OP_INT_MAYBE:
            return o;
        case OP_NEGATIVE: {
            obj_int_t *r = new_big();
            check(bigint_neg(&r->big, a));
            return normalise(r);
        }
        case OP_INVERT: {
            obj_int_t *r = new_big();
            check(bigint_invert(&r->big, a));
            return normalise(r);
        }
        case OP_ABS: {
            obj_int_t *r = new_big();
            check(bigint_abs(&r->big, a));
            return normalise(r);
        }
        default:
            return OBJ_NULL;
    }
#endif
}

obj_t int_pow3(obj_t base, obj_t exp, obj_t mod) {
    if (!obj_is_int(base) || !obj_is_int(exp) || !obj_is_int(mod)) {
        rt_raise_type_error("pow() with 3 arguments requires integers");
    }
    if (int_sign(mod) == 0) {
        rt_raise_value_error("pow() 3rd argument cannot be 0");
    }
    if (int_sign(exp) < 0) {
        return small_int(0);
    }
#if !RT_BIGINT
    rt_raise(&type_NotImplementedError, "3-arg pow() not supported");
#else
    bigint_t ta, tb, tc;
    const bigint_t *a = as_big(base, &ta);
    const bigint_t *e = as_big(exp, &tb);
    const bigint_t *m = as_big(mod, &tc);
    obj_int_t *r = new_big();
    check(bigint_pow_mod(&r->big, a, e, m));
    return normalise(r);
#endif
}

void int_print(const print_t *p, obj_t o, int base, bool upper) {
#if !RT_BIGINT
    o = small_int(small_value(o));
    if (true) {
#else
    if (obj_is_small_int(o) && base == 10) {
#endif
        char buf[72];
        rt_int_t v = small_int_value(o);
        int n = 0;
        rt_uint_t u = v < 0 ? -(rt_uint_t)v : (rt_uint_t)v;
        char *end = buf + sizeof(buf);
        char *q = end;
        do {
            *--q = (upper ? "0123456789ABCDEF" : "0123456789abcdef")[u % (unsigned)base];
            u /= (unsigned)base;
        } while (u);
        if (v < 0) {
            *--q = '-';
        }
        n = (int)(end - q);
        print_strn(p, q, (size_t)n);
        return;
    }
#if RT_BIGINT
    bigint_t tmp;
    const bigint_t *a = as_big(o, &tmp);
    size_t cap = bigint_str_size(a, base);
    char *buf = gc_alloc(cap);
    size_t len;
    check(bigint_to_str(a, base, upper, buf, &len));
    print_strn(p, buf, len);
    gc_free(buf);
#endif
}

static void int_type_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    int_print(p, o, 10, false);
}

// "0x1f" style text of an int in base 2, 8 or 16 (hex(), bin(), oct()).
obj_t int_format_radix(obj_t o, int base, const char *prefix, bool upper) {
    vstr_t v;
    vstr_init(&v, 16);
    print_t p;
    vstr_print_init(&v, &p);
    bool neg = int_sign(o) < 0;
    if (neg) {
        vstr_add_byte(&v, '-');
        o = rt_unary_op(OP_NEGATIVE, o);
    }
    vstr_add_str(&v, prefix);
    int_print(&p, o, base, upper);
    return str_from_vstr(&type_str, &v);
}

static obj_t int_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 2, false);
    if (n_args == 0) {
        return small_int(0);
    }
    obj_t x = args[0];
    if (n_args == 1) {
        if (obj_is_int(x)) {
            return x;
        }
        if (x == OBJ_TRUE || x == OBJ_FALSE) {
            return small_int(x == OBJ_TRUE);
        }
#if RT_FLOAT
        if (obj_is_type(x, &type_float)) {
            return int_from_float(float_value(x));
        }
#endif
        if (obj_is_str(x) || obj_is_bytes_like(x)) {
            size_t len;
            const char *s = str_get_data(x, &len);
            return int_from_str(s, len, 10, false);
        }
        obj_t r = rt_unary_op(OP_INT_MAYBE, x);
        if (r != OBJ_NULL) {
            return r;
        }
        rt_raise_fmt(&type_TypeError, "can't convert %s to int", obj_type_name(x));
    }
    rt_int_t base = obj_get_int(args[1]);
    if (base != 0 && (base < 2 || base > 36)) {
        rt_raise_value_error("int() arg 2 must be >= 2 and <= 36");
    }
    size_t len;
    const char *s = str_get_data(x, &len);
    return int_from_str(s, len, (int)base, false);
}

static obj_t int_from_bytes_fn(size_t n, const obj_t *args) {
    buffer_info_t info;
    if (!obj_get_buffer(args[1], &info, BUFFER_READ)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    bool big = n > 2 && args[2] == obj_qstr(Q_big);
    bool is_signed = n > 3 && obj_is_true(args[3]);
    return int_from_bytes(info.buf, info.len, big, is_signed);
}
static BUILTIN_FUN_VAR(int_from_bytes_fun_obj, 2, 4, int_from_bytes_fn);
static ROM_CLASSMETHOD(int_from_bytes_obj, &int_from_bytes_fun_obj);

static obj_t int_to_bytes_fn(size_t n, const obj_t *args) {
    rt_int_t len = n > 1 ? obj_get_int(args[1]) : 1;
    bool big = n > 2 && args[2] == obj_qstr(Q_big);
    bool is_signed = n > 3 && obj_is_true(args[3]);
    if (len < 0) {
        rt_raise_value_error("negative length");
    }
    uint8_t *buf = gc_alloc((size_t)len + 1);
    if (!int_to_bytes(args[0], buf, (size_t)len, big, is_signed)) {
        rt_raise(&type_OverflowError, "buffer too small");
    }
    return bytes_new(buf, (size_t)len);
}
static BUILTIN_FUN_VAR(int_to_bytes_obj, 1, 4, int_to_bytes_fn);

static const map_elem_t int_locals_table[] = {
    ROM_ENTRY(QSTR_from_bytes, &int_from_bytes_obj),
    ROM_ENTRY(QSTR_to_bytes, &int_to_bytes_obj),
};
static ROM_DICT(int_locals, int_locals_table);

const type_t type_int = {
    {&type_type}, 0, QSTR_int, int_type_print, int_make_new, NULL, int_unary_op,
    int_type_binary_op, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &int_locals,
};
