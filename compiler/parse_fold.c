// compiler/parse_fold.c: the arithmetic behind parse-time constant folding.
// Integers are exact (util/bigint.h, limbs in the compilation's arena);
// floats follow py/objfloat.c operation by operation so the folded value is
// the one MicroPython's compiler stores. The tree surgery is in parser.c.
#include "parse_fold.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../util/bigint.h"
#include "../util/floatdiv.h"

enum {
    // MicroPython's mpy-cross runs in a 2 MB heap: results much bigger than
    // that raise MemoryError, so they are not folded.
    FOLD_MAX_BITS = 8 * 1024 * 1024,
};

// bigint memory comes from the arena, so nothing is ever freed by hand.
static void *arena_realloc(void *ctx, void *p, size_t old_size, size_t new_size) {
    if (new_size == 0) {
        return NULL;
    }
    void *q = arena_alloc(ctx, new_size);
    if (q != NULL && p != NULL) {
        memcpy(q, p, old_size < new_size ? old_size : new_size);
    }
    return q;
}

typedef struct fold_ctx {
    arena_t *arena;
    bigint_alloc_t *alloc;  // in the arena: results keep pointing at it
} fold_ctx_t;

// Returns false when out of memory.
static bool ctx_init(fold_ctx_t *c, arena_t *arena) {
    c->arena = arena;
    c->alloc = arena_alloc(arena, sizeof *c->alloc);
    if (c->alloc == NULL) {
        return false;
    }
    c->alloc->realloc = arena_realloc;
    c->alloc->ctx = arena;
    return true;
}

static cobj_t *new_obj(arena_t *arena, cobj_kind_t kind) {
    cobj_t *o = arena_alloc(arena, sizeof *o);
    if (o != NULL) {
        o->kind = kind;
    }
    return o;
}

const cobj_t *fold_new_int(arena_t *arena, int64_t v) {
    cobj_t *o = new_obj(arena, COBJ_SMALL_INT);
    if (o != NULL) {
        o->u.small_int = v;
    }
    return o;
}

const cobj_t *fold_new_simple(arena_t *arena, cobj_kind_t kind) {
    return new_obj(arena, kind);
}

const cobj_t *fold_new_float(arena_t *arena, double f) {
    cobj_t *o = new_obj(arena, COBJ_FLOAT);
    if (o != NULL) {
        o->u.f = f;
    }
    return o;
}

const cobj_t *fold_new_complex(arena_t *arena, double real, double imag) {
    cobj_t *o = new_obj(arena, COBJ_COMPLEX);
    if (o != NULL) {
        o->u.complex.real = real;
        o->u.complex.imag = imag;
    }
    return o;
}

const cobj_t *fold_new_bytes(arena_t *arena, cobj_kind_t kind, const uint8_t *data, size_t len) {
    cobj_t *o = new_obj(arena, kind);
    char *copy = arena_strndup(arena, (const char *)data, len);
    if (o == NULL || copy == NULL) {
        return NULL;
    }
    o->u.str.data = (const uint8_t *)copy;
    o->u.str.len = len;
    return o;
}

bool fold_is_int(const cobj_t *o) {
    return o != NULL && (o->kind == COBJ_SMALL_INT || o->kind == COBJ_BIG_INT);
}

bool fold_is_number(const cobj_t *o) {
    return fold_is_int(o) || (o != NULL && o->kind == COBJ_FLOAT);
}

// Loads an int constant into r (whose limbs come from the arena).
static bool load_int(fold_ctx_t *c, const cobj_t *o, bigint_t *r) {
    bigint_init(r, c->alloc);
    if (o->kind == COBJ_SMALL_INT) {
        return bigint_set_i64(r, o->u.small_int) == BIGINT_OK;
    }
    return bigint_set(r, o->u.big) == BIGINT_OK;
}

// Stores an int result: int64 when it fits, else a big int.
static const cobj_t *store_int(fold_ctx_t *c, const bigint_t *v) {
    int64_t small;
    if (bigint_to_i64(v, &small)) {
        return fold_new_int(c->arena, small);
    }
    cobj_t *o = new_obj(c->arena, COBJ_BIG_INT);
    bigint_t *big = arena_alloc(c->arena, sizeof *big);
    if (o == NULL || big == NULL) {
        return NULL;
    }
    *big = *v;  // the limbs already live in the arena
    o->u.big = big;
    return o;
}

// mp_obj_get_float of an int: a host small int (63 bits on the 64-bit
// host of mpy-cross) converts directly, a bigger one by mpz_as_float.
static double int_to_double(fold_ctx_t *c, const cobj_t *o) {
    const int64_t small_max = INT64_C(0x3fffffffffffffff);
    if (o->kind == COBJ_SMALL_INT && o->u.small_int <= small_max && o->u.small_int >= -small_max - 1) {
        return (double)o->u.small_int;
    }
    bigint_t v;
    if (!load_int(c, o, &v)) {
        return 0;
    }
    return bigint_to_double_mp(&v, 16);
}

static double number_to_double(fold_ctx_t *c, const cobj_t *o) {
    return o->kind == COBJ_FLOAT ? o->u.f : int_to_double(c, o);
}

// ---------------------------------------------------------------------------
// Floats (py/objfloat.c).

static bool float_binary(fold_op_t op, double l, double r, double *out) {
    switch (op) {
        case FOLD_ADD:
            *out = l + r;
            return true;
        case FOLD_SUBTRACT:
            *out = l - r;
            return true;
        case FOLD_MULTIPLY:
            *out = l * r;
            return true;
        case FOLD_TRUE_DIVIDE:
            if (r == 0) {
                return false;  // ZeroDivisionError
            }
            *out = l / r;
            return true;
        case FOLD_FLOOR_DIVIDE:
            if (r == 0) {
                return false;
            }
            floatdiv_divmod(&l, &r);
            *out = l;
            return true;
        case FOLD_MODULO:
            if (r == 0) {
                return false;
            }
            *out = floatdiv_mod(l, r);
            return true;
        case FOLD_POWER:
            if (l == 0 && r < 0 && !isinf(r)) {
                return false;  // ZeroDivisionError
            }
            if (l < 0 && r != floor(r) && !isnan(r)) {
                return false;  // the result is complex
            }
            *out = pow(l, r);
            return true;
        default:
            return false;  // TypeError: bitwise operators and @ need ints
    }
}

// ---------------------------------------------------------------------------
// Ints (py/runtime.c small-int paths and py/objint_mpz.c).

static bool int_shift(fold_ctx_t *c, fold_op_t op, const bigint_t *a, const bigint_t *b,
    bigint_t *r) {
    int64_t n;
    if (!bigint_to_i64(b, &n) || n < 0) {
        return false;  // OverflowError or "negative shift count"
    }
    if (op == FOLD_RSHIFT) {
        return bigint_shr(r, a, (size_t)n) == BIGINT_OK;
    }
    if (!bigint_is_zero(a) && bigint_bit_length(a) + (uint64_t)n > FOLD_MAX_BITS) {
        return false;  // MemoryError
    }
    (void)c;
    return bigint_shl(r, a, (size_t)n) == BIGINT_OK;
}

static bool int_power(const bigint_t *a, const bigint_t *b, bigint_t *r) {
    uint64_t e;
    if (!bigint_to_u64(b, &e)) {
        return false;
    }
    size_t bits = bigint_bit_length(a);
    if (bits > 1 && e > FOLD_MAX_BITS / (bits - 1)) {
        return false;  // MemoryError
    }
    return bigint_pow(r, a, e) == BIGINT_OK;
}

static bool int_binary(fold_ctx_t *c, fold_op_t op, const cobj_t *ao, const cobj_t *bo,
    const cobj_t **out) {
    bigint_t a;
    bigint_t b;
    bigint_t r;
    if (!load_int(c, ao, &a) || !load_int(c, bo, &b)) {
        return false;
    }
    bigint_init(&r, c->alloc);
    bigint_status_t st = BIGINT_OK;
    switch (op) {
        case FOLD_OR:
            st = bigint_or(&r, &a, &b);
            break;
        case FOLD_XOR:
            st = bigint_xor(&r, &a, &b);
            break;
        case FOLD_AND:
            st = bigint_and(&r, &a, &b);
            break;
        case FOLD_LSHIFT:
        case FOLD_RSHIFT:
            if (!int_shift(c, op, &a, &b, &r)) {
                return false;
            }
            break;
        case FOLD_ADD:
            st = bigint_add(&r, &a, &b);
            break;
        case FOLD_SUBTRACT:
            st = bigint_sub(&r, &a, &b);
            break;
        case FOLD_MULTIPLY:
            if (bigint_bit_length(&a) + bigint_bit_length(&b) > FOLD_MAX_BITS) {
                return false;
            }
            st = bigint_mul(&r, &a, &b);
            break;
        case FOLD_FLOOR_DIVIDE:
            st = bigint_floordiv(&r, &a, &b);
            break;
        case FOLD_MODULO:
            st = bigint_mod(&r, &a, &b);
            break;
        case FOLD_POWER:
            if (!int_power(&a, &b, &r)) {
                return false;
            }
            break;
        default:
            return false;  // @ on ints is a TypeError
    }
    if (st != BIGINT_OK) {
        return false;  // ZeroDivisionError, MemoryError
    }
    *out = store_int(c, &r);
    return *out != NULL;
}

bool fold_binary(arena_t *arena, fold_op_t op, const cobj_t *a, const cobj_t *b,
    const cobj_t **out) {
    if (!fold_is_number(a) || !fold_is_number(b)) {
        return false;
    }
    fold_ctx_t c;
    if (!ctx_init(&c, arena)) {
        return false;
    }
    bool both_int = fold_is_int(a) && fold_is_int(b);
    bool negative_power = both_int && op == FOLD_POWER
        && (b->kind == COBJ_SMALL_INT ? b->u.small_int < 0 : b->u.big->neg);
    if (both_int && op != FOLD_TRUE_DIVIDE && !negative_power) {
        return int_binary(&c, op, a, b, out);
    }
    // An int with a float, int / int and int ** negative int compute in
    // floats, as MicroPython converts the ints first.
    double r;
    if (!float_binary(op, number_to_double(&c, a), number_to_double(&c, b), &r)) {
        return false;
    }
    *out = fold_new_float(arena, r);
    return *out != NULL;
}

bool fold_unary(arena_t *arena, fold_unary_t op, const cobj_t *a, const cobj_t **out) {
    if (!fold_is_number(a)) {
        return false;
    }
    if (a->kind == COBJ_FLOAT) {
        if (op == FOLD_INVERT) {
            return false;
        }
        *out = fold_new_float(arena, op == FOLD_NEGATIVE ? -a->u.f : a->u.f);
        return *out != NULL;
    }
    if (op == FOLD_POSITIVE) {
        *out = a;
        return true;
    }
    fold_ctx_t c;
    if (!ctx_init(&c, arena)) {
        return false;
    }
    bigint_t v;
    bigint_t r;
    if (!load_int(&c, a, &v)) {
        return false;
    }
    bigint_init(&r, c.alloc);
    bigint_status_t st = op == FOLD_NEGATIVE ? bigint_neg(&r, &v) : bigint_invert(&r, &v);
    if (st != BIGINT_OK) {
        return false;
    }
    *out = store_int(&c, &r);
    return *out != NULL;
}

bool fold_is_true(const cobj_t *o) {
    switch (o->kind) {
        case COBJ_NONE:
        case COBJ_FALSE:
            return false;
        case COBJ_TRUE:
        case COBJ_ELLIPSIS:
            return true;
        case COBJ_SMALL_INT:
            return o->u.small_int != 0;
        case COBJ_BIG_INT:
            return true;  // big ints are never zero
        case COBJ_FLOAT:
            return o->u.f != 0;
        case COBJ_COMPLEX:
            return o->u.complex.real != 0 || o->u.complex.imag != 0;
        case COBJ_STR:
        case COBJ_BYTES:
            return o->u.str.len != 0;
        case COBJ_TUPLE:
            return o->u.tuple.n != 0;
        case COBJ_FUN_TABLE:
            return true;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Integer literals.

static int digit_value(char ch) {
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    int lower = ch | 0x20;
    if (lower >= 'a' && lower <= 'z') {
        return lower - 'a' + 10;
    }
    return -1;
}

// Writes repr(text) the way MicroPython quotes a str.
static void quote_text(char *out, size_t size, const char *s, size_t len) {
    bool has_single = memchr(s, '\'', len) != NULL;
    bool has_double = memchr(s, '"', len) != NULL;
    char q = has_single && !has_double ? '"' : '\'';
    size_t o = 0;
    out[o++] = q;
    for (size_t i = 0; i < len && o + 6 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == q || ch == '\\') {
            o += (size_t)snprintf(out + o, size - o, "\\%c", ch);
        } else if (ch == '\n') {
            o += (size_t)snprintf(out + o, size - o, "\\n");
        } else if (ch == '\r') {
            o += (size_t)snprintf(out + o, size - o, "\\r");
        } else if (ch == '\t') {
            o += (size_t)snprintf(out + o, size - o, "\\t");
        } else if (ch < 0x20 || ch == 0x7f) {
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o++] = q;
    out[o] = '\0';
}

// The base prefix, as mp_parse_num_base reads it for base 0. A leading
// zero followed by other digits keeps base 0, so old-style octal such as
// 0777 is rejected ("invalid syntax for integer with base 0").
static size_t read_base_prefix(const char *s, size_t len, int *base) {
    *base = 10;
    if (len <= 1 || s[0] != '0') {
        return 0;
    }
    int c = s[1] | 0x20;
    if (c == 'x') {
        *base = 16;
        return 2;
    }
    if (c == 'o') {
        *base = 8;
        return 2;
    }
    if (c == 'b') {
        *base = 2;
        return 2;
    }
    bool all_zero = true;
    for (size_t i = 1; i < len; i++) {
        all_zero = all_zero && s[i] == '0';
    }
    if (!all_zero) {
        *base = 0;
    }
    return 0;
}

bool fold_parse_int(arena_t *arena, const char *text, size_t len, const cobj_t **out,
    char *msg, size_t msg_size) {
    int base;
    size_t start = read_base_prefix(text, len, &base);
    size_t end = start;
    while (end < len && text[end] != '_') {
        int d = digit_value(text[end]);
        if (d < 0 || d >= base) {
            break;
        }
        end++;
    }
    if (end == start || end != len) {
        char quoted[96];
        quote_text(quoted, sizeof quoted, text + start, len - start);
        snprintf(msg, msg_size, "invalid syntax for integer with base %d: %s", base, quoted);
        return false;
    }
    fold_ctx_t c;
    if (!ctx_init(&c, arena)) {
        return false;
    }
    bigint_t v;
    bigint_init(&v, c.alloc);
    if (bigint_from_str(&v, text + start, end - start, base) != BIGINT_OK) {
        snprintf(msg, msg_size, "memory allocation failed");
        return false;
    }
    *out = store_int(&c, &v);
    return *out != NULL;
}
