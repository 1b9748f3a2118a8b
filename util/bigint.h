// util/bigint.h: arbitrary-precision signed integers (sign and magnitude,
// 32-bit limbs, least significant first) with Python semantics: floor
// division, two's-complement bitwise operators, flooring right shifts.
// Shared by the compiler (constant folding) and the VM (int objects). Memory
// comes through a caller-supplied hook so the VM can use its own heap; every
// operation reports failure as a status and never prints or exits.
#ifndef UTIL_BIGINT_H
#define UTIL_BIGINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t bigint_limb_t;

// The allocation hook: realloc(ctx, p, old_size, new_size) behaves like
// realloc (p NULL allocates, new_size 0 frees and returns NULL). Sizes are in
// bytes; old_size is the size the hook returned for p earlier.
typedef struct bigint_alloc {
    void *(*realloc)(void *ctx, void *p, size_t old_size, size_t new_size);
    void *ctx;
} bigint_alloc_t;

// The default hook (malloc/realloc/free).
extern const bigint_alloc_t bigint_default_alloc;

typedef enum bigint_status {
    BIGINT_OK = 0,
    BIGINT_NO_MEMORY,       // the hook returned NULL; the result is unchanged
    BIGINT_DIV_BY_ZERO,     // the caller raises ZeroDivisionError
    BIGINT_NEGATIVE,        // negative exponent, shift or count
    BIGINT_BAD_DIGIT,       // text with a character that is not a digit of the base
    BIGINT_OVERFLOW,        // does not fit (to_bytes, from infinity)
    BIGINT_NOT_A_NUMBER,    // from NaN
} bigint_status_t;

// A value: `len` limbs in use (no leading zero limbs; zero has len 0 and is
// never negative). The caller owns the struct; the limbs belong to `alloc`.
typedef struct bigint {
    bigint_limb_t *limbs;
    size_t len;
    size_t cap;
    bool neg;
    const bigint_alloc_t *alloc;
} bigint_t;

// Initialises to zero without allocating. alloc NULL means the default hook.
void bigint_init(bigint_t *a, const bigint_alloc_t *alloc);
void bigint_deinit(bigint_t *a);
// Exchanges two values (and their hooks) without copying limbs.
void bigint_swap(bigint_t *a, bigint_t *b);

// Setting. Results may alias arguments in every operation below.
bigint_status_t bigint_set(bigint_t *r, const bigint_t *a);
bigint_status_t bigint_set_i64(bigint_t *r, int64_t v);
bigint_status_t bigint_set_u64(bigint_t *r, uint64_t v);
// Parses digits of `base` (2..36, either case). An optional leading '+' or
// '-' is accepted; prefixes, underscores and spaces are the caller's job.
// Empty text or any other character gives BIGINT_BAD_DIGIT.
bigint_status_t bigint_from_str(bigint_t *r, const char *s, size_t len, int base);
// Truncates toward zero, as int(x) does. Infinity gives BIGINT_OVERFLOW and
// NaN BIGINT_NOT_A_NUMBER.
bigint_status_t bigint_from_double(bigint_t *r, double d);
// Reads `len` bytes as an integer, as int.from_bytes does.
bigint_status_t bigint_from_bytes(bigint_t *r, const uint8_t *buf, size_t len,
    bool big_endian, bool is_signed);

// Queries.
static inline bool bigint_is_zero(const bigint_t *a) {
    return a->len == 0;
}
static inline bool bigint_is_neg(const bigint_t *a) {
    return a->neg;
}
// -1, 0 or 1.
int bigint_sign(const bigint_t *a);
int bigint_cmp(const bigint_t *a, const bigint_t *b);
int bigint_cmp_abs(const bigint_t *a, const bigint_t *b);
int bigint_cmp_i64(const bigint_t *a, int64_t v);
// True and *out set when the value fits.
bool bigint_to_i64(const bigint_t *a, int64_t *out);
bool bigint_to_u64(const bigint_t *a, uint64_t *out);
// Number of bits of |a| (0 for zero), as int.bit_length().
size_t bigint_bit_length(const bigint_t *a);
// Whether bit n of |a| is set.
bool bigint_test_bit(const bigint_t *a, size_t n);
// MicroPython's hash of a big int: the low word_bits (32 or 64) bits of
// |a|, negated when a is negative, read as a signed word. The VM then keeps
// what fits a small int, as MP_OBJ_NEW_SMALL_INT does.
int64_t bigint_hash(const bigint_t *a, unsigned word_bits);
// Correctly rounded (half to even) conversion; too big gives +-infinity.
double bigint_to_double(const bigint_t *a);
// MicroPython's conversion (mpz_as_float): Horner's rule over digits of
// dig_bits bits (16 or 32) in double arithmetic, rounding at every step.
double bigint_to_double_mp(const bigint_t *a, unsigned dig_bits);

// Arithmetic.
bigint_status_t bigint_neg(bigint_t *r, const bigint_t *a);
bigint_status_t bigint_abs(bigint_t *r, const bigint_t *a);
bigint_status_t bigint_add(bigint_t *r, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_sub(bigint_t *r, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_add_i64(bigint_t *r, const bigint_t *a, int64_t v);
bigint_status_t bigint_mul(bigint_t *r, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_mul_i64(bigint_t *r, const bigint_t *a, int64_t v);
// Floor division: q = floor(a / b), m = a - q*b (m has b's sign). Either q
// or m may be NULL; q and m must be different objects.
bigint_status_t bigint_divmod(bigint_t *q, bigint_t *m, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_floordiv(bigint_t *q, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_mod(bigint_t *m, const bigint_t *a, const bigint_t *b);
// Truncating division (C semantics), for callers that want it.
bigint_status_t bigint_divmod_trunc(bigint_t *q, bigint_t *m, const bigint_t *a, const bigint_t *b);
// r = a ** e; 0 ** 0 is 1.
bigint_status_t bigint_pow(bigint_t *r, const bigint_t *a, uint64_t e);
// Three-argument pow as MicroPython computes it (mpz_pow3_inpl): the
// result is reduced by floor modulo, so it takes m's sign; it is 0 when a
// is 0 or |m| is 1 (even for e == 0) and 1 when e is 0 otherwise. A
// negative e gives BIGINT_NEGATIVE, m == 0 BIGINT_DIV_BY_ZERO.
bigint_status_t bigint_pow_mod(bigint_t *r, const bigint_t *a, const bigint_t *e,
    const bigint_t *m);

// Shifts and bitwise operators (negative values act as infinite two's
// complement, so -1 >> n is -1 and ~a is -a - 1).
bigint_status_t bigint_shl(bigint_t *r, const bigint_t *a, size_t n);
bigint_status_t bigint_shr(bigint_t *r, const bigint_t *a, size_t n);
bigint_status_t bigint_and(bigint_t *r, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_or(bigint_t *r, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_xor(bigint_t *r, const bigint_t *a, const bigint_t *b);
bigint_status_t bigint_invert(bigint_t *r, const bigint_t *a);

// Text. bigint_str_size is an upper bound on the characters bigint_to_str
// writes for `base` (2..36), sign and terminating NUL included.
size_t bigint_str_size(const bigint_t *a, int base);
// Writes the digits (with '-' when negative, no prefix) and a NUL into out,
// which has room for bigint_str_size() bytes. Letters are lower case unless
// `upper`. Sets *len_out to the length without the NUL. Decimal conversion of
// big values splits by powers of ten, so it is sub-quadratic in practice.
bigint_status_t bigint_to_str(const bigint_t *a, int base, bool upper, char *out,
    size_t *len_out);
// Writes exactly `len` bytes of a as int.to_bytes does. A value that needs
// more bytes (or a negative value when !is_signed) gives BIGINT_OVERFLOW.
bigint_status_t bigint_to_bytes(const bigint_t *a, uint8_t *buf, size_t len,
    bool big_endian, bool is_signed);

#endif // UTIL_BIGINT_H
