// util/bigint.c: storage, conversions to and from machine numbers, addition
// and multiplication (schoolbook and Karatsuba) of bigint_t. Shifts, bitwise
// operators and bytes are in bigint_bits.c, division and powers in
// bigint_div.c, text in bigint_str.c.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/bigint.h"
#include "util/bigint_mag.h"

// Operands at least this many limbs long are multiplied by Karatsuba.
enum {
    KARATSUBA_THRESHOLD = 40,
};

static void *default_realloc(void *ctx, void *p, size_t old_size, size_t new_size) {
    (void)ctx;
    (void)old_size;
    if (new_size == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, new_size);
}

const bigint_alloc_t bigint_default_alloc = {default_realloc, NULL};

// ---------------------------------------------------------------------------
// Storage.

void bigint_init(bigint_t *a, const bigint_alloc_t *alloc) {
    a->limbs = NULL;
    a->len = 0;
    a->cap = 0;
    a->neg = false;
    a->alloc = alloc != NULL ? alloc : &bigint_default_alloc;
}

void bigint_deinit(bigint_t *a) {
    if (a->limbs != NULL) {
        a->alloc->realloc(a->alloc->ctx, a->limbs, a->cap * sizeof(bigint_limb_t), 0);
    }
    a->limbs = NULL;
    a->len = 0;
    a->cap = 0;
    a->neg = false;
}

void bigint_swap(bigint_t *a, bigint_t *b) {
    bigint_t t = *a;
    *a = *b;
    *b = t;
}

bigint_status_t bigint_reserve(bigint_t *a, size_t n) {
    if (n <= a->cap) {
        return BIGINT_OK;
    }
    size_t cap = a->cap + a->cap / 2;
    if (cap < n) {
        cap = n;
    }
    if (cap < 4) {
        cap = 4;
    }
    if (cap > SIZE_MAX / sizeof(bigint_limb_t)) {
        return BIGINT_NO_MEMORY;
    }
    void *p = a->alloc->realloc(a->alloc->ctx, a->limbs, a->cap * sizeof(bigint_limb_t),
        cap * sizeof(bigint_limb_t));
    if (p == NULL) {
        return BIGINT_NO_MEMORY;
    }
    a->limbs = p;
    a->cap = cap;
    return BIGINT_OK;
}

void bigint_trim(bigint_t *a) {
    while (a->len > 0 && a->limbs[a->len - 1] == 0) {
        a->len--;
    }
    if (a->len == 0) {
        a->neg = false;
    }
}

bigint_limb_t *bigint_scratch_new(const bigint_alloc_t *al, size_t n) {
    if (n == 0) {
        n = 1;
    }
    if (n > SIZE_MAX / sizeof(bigint_limb_t)) {
        return NULL;
    }
    return al->realloc(al->ctx, NULL, 0, n * sizeof(bigint_limb_t));
}

void bigint_scratch_free(const bigint_alloc_t *al, bigint_limb_t *p, size_t n) {
    if (p != NULL) {
        al->realloc(al->ctx, p, (n == 0 ? 1 : n) * sizeof(bigint_limb_t), 0);
    }
}

// ---------------------------------------------------------------------------
// Magnitudes.

int bigmag_cmp(const bigint_limb_t *a, size_t an, const bigint_limb_t *b, size_t bn) {
    if (an != bn) {
        return an < bn ? -1 : 1;
    }
    while (an-- > 0) {
        if (a[an] != b[an]) {
            return a[an] < b[an] ? -1 : 1;
        }
    }
    return 0;
}

size_t bigmag_add(bigint_limb_t *r, const bigint_limb_t *a, size_t an,
    const bigint_limb_t *b, size_t bn) {
    bigint_dlimb_t carry = 0;
    size_t i = 0;
    for (; i < bn; i++) {
        carry += (bigint_dlimb_t)a[i] + b[i];
        r[i] = (bigint_limb_t)carry;
        carry >>= BIGINT_LIMB_BITS;
    }
    for (; i < an; i++) {
        carry += a[i];
        r[i] = (bigint_limb_t)carry;
        carry >>= BIGINT_LIMB_BITS;
    }
    if (carry != 0) {
        r[i++] = (bigint_limb_t)carry;
    }
    return i;
}

size_t bigmag_sub(bigint_limb_t *r, const bigint_limb_t *a, size_t an,
    const bigint_limb_t *b, size_t bn) {
    bigint_limb_t borrow = 0;
    size_t i = 0;
    for (; i < bn; i++) {
        bigint_dlimb_t d = (bigint_dlimb_t)a[i] - b[i] - borrow;
        r[i] = (bigint_limb_t)d;
        borrow = (bigint_limb_t)(d >> 63);
    }
    for (; i < an; i++) {
        bigint_dlimb_t d = (bigint_dlimb_t)a[i] - borrow;
        r[i] = (bigint_limb_t)d;
        borrow = (bigint_limb_t)(d >> 63);
    }
    while (an > 0 && r[an - 1] == 0) {
        an--;
    }
    return an;
}

bigint_limb_t bigmag_mul_add_1(bigint_limb_t *a, size_t n, bigint_limb_t m, bigint_limb_t add) {
    bigint_dlimb_t carry = add;
    for (size_t i = 0; i < n; i++) {
        carry += (bigint_dlimb_t)a[i] * m;
        a[i] = (bigint_limb_t)carry;
        carry >>= BIGINT_LIMB_BITS;
    }
    return (bigint_limb_t)carry;
}

bigint_limb_t bigmag_div_1(bigint_limb_t *q, const bigint_limb_t *a, size_t n, bigint_limb_t d) {
    bigint_dlimb_t rem = 0;
    while (n-- > 0) {
        rem = (rem << BIGINT_LIMB_BITS) | a[n];
        q[n] = (bigint_limb_t)(rem / d);
        rem %= d;
    }
    return (bigint_limb_t)rem;
}

// r[0 .. an+bn) = a * b, schoolbook. r must not overlap a or b.
static void mul_school(bigint_limb_t *r, const bigint_limb_t *a, size_t an,
    const bigint_limb_t *b, size_t bn) {
    memset(r, 0, (an + bn) * sizeof(bigint_limb_t));
    for (size_t j = 0; j < bn; j++) {
        bigint_dlimb_t carry = 0;
        bigint_dlimb_t bj = b[j];
        if (bj == 0) {
            continue;
        }
        for (size_t i = 0; i < an; i++) {
            carry += (bigint_dlimb_t)a[i] * bj + r[i + j];
            r[i + j] = (bigint_limb_t)carry;
            carry >>= BIGINT_LIMB_BITS;
        }
        r[an + j] = (bigint_limb_t)carry;
    }
}

// Adds b (bn limbs) into r (rn limbs, rn >= bn) and propagates the carry.
static void add_into(bigint_limb_t *r, size_t rn, const bigint_limb_t *b, size_t bn) {
    bigint_dlimb_t carry = 0;
    size_t i = 0;
    for (; i < bn; i++) {
        carry += (bigint_dlimb_t)r[i] + b[i];
        r[i] = (bigint_limb_t)carry;
        carry >>= BIGINT_LIMB_BITS;
    }
    for (; carry != 0 && i < rn; i++) {
        carry += r[i];
        r[i] = (bigint_limb_t)carry;
        carry >>= BIGINT_LIMB_BITS;
    }
}

// Subtracts b (bn limbs) from r (rn limbs); the result is known non-negative.
static void sub_from(bigint_limb_t *r, size_t rn, const bigint_limb_t *b, size_t bn) {
    bigint_limb_t borrow = 0;
    size_t i = 0;
    for (; i < bn; i++) {
        bigint_dlimb_t d = (bigint_dlimb_t)r[i] - b[i] - borrow;
        r[i] = (bigint_limb_t)d;
        borrow = (bigint_limb_t)(d >> 63);
    }
    for (; borrow != 0 && i < rn; i++) {
        bigint_dlimb_t d = (bigint_dlimb_t)r[i] - borrow;
        r[i] = (bigint_limb_t)d;
        borrow = (bigint_limb_t)(d >> 63);
    }
}

// Scratch limbs that kara() needs for operands of n limbs.
static size_t kara_scratch(size_t n) {
    size_t total = 0;
    while (n >= KARATSUBA_THRESHOLD) {
        size_t h = n - n / 2 + 1;
        total += 4 * h;
        n = h;
    }
    return total;
}

// r[0 .. 2n) = a * b for two n-limb operands. With a = a1*B^lo + a0 (and b
// alike), a*b = z2*B^2lo + (z1 - z2 - z0)*B^lo + z0 where z1 = (a0+a1)(b0+b1).
static void kara(bigint_limb_t *r, const bigint_limb_t *a, const bigint_limb_t *b, size_t n,
    bigint_limb_t *t) {
    if (n < KARATSUBA_THRESHOLD) {
        mul_school(r, a, n, b, n);
        return;
    }
    size_t lo = n / 2;
    size_t hi = n - lo;
    bigint_limb_t *sa = t;
    bigint_limb_t *sb = sa + hi + 1;
    bigint_limb_t *z1 = sb + hi + 1;
    bigint_limb_t *rest = z1 + 2 * (hi + 1);

    memset(sa, 0, 2 * (hi + 1) * sizeof(bigint_limb_t));
    bigmag_add(sa, a + lo, hi, a, lo);
    bigmag_add(sb, b + lo, hi, b, lo);
    kara(z1, sa, sb, hi + 1, rest);
    kara(r, a, b, lo, rest);
    kara(r + 2 * lo, a + lo, b + lo, hi, rest);
    sub_from(z1, 2 * (hi + 1), r, 2 * lo);
    sub_from(z1, 2 * (hi + 1), r + 2 * lo, 2 * hi);
    size_t z1n = 2 * (hi + 1);
    while (z1n > 0 && z1[z1n - 1] == 0) {
        z1n--;
    }
    add_into(r + lo, 2 * n - lo, z1, z1n);
}

bigint_status_t bigmag_mul(const bigint_alloc_t *al, bigint_limb_t *r,
    const bigint_limb_t *a, size_t an, const bigint_limb_t *b, size_t bn) {
    if (an < bn) {
        const bigint_limb_t *t = a;
        a = b;
        b = t;
        size_t tn = an;
        an = bn;
        bn = tn;
    }
    if (bn < KARATSUBA_THRESHOLD) {
        mul_school(r, a, an, b, bn);
        return BIGINT_OK;
    }
    // Balanced pieces of bn limbs; a shorter last piece recurses.
    size_t scratch_n = kara_scratch(bn) + 2 * bn;
    bigint_limb_t *t = bigint_scratch_new(al, scratch_n);
    if (t == NULL) {
        return BIGINT_NO_MEMORY;
    }
    bigint_limb_t *prod = t + kara_scratch(bn);
    memset(r, 0, (an + bn) * sizeof(bigint_limb_t));
    bigint_status_t st = BIGINT_OK;
    for (size_t off = 0; off < an && st == BIGINT_OK; off += bn) {
        size_t piece = an - off < bn ? an - off : bn;
        if (piece == bn) {
            kara(prod, a + off, b, bn, t);
        } else {
            st = bigmag_mul(al, prod, a + off, piece, b, bn);
        }
        add_into(r + off, an + bn - off, prod, piece + bn);
    }
    bigint_scratch_free(al, t, scratch_n);
    return st;
}

// ---------------------------------------------------------------------------
// Setting and queries.

bigint_status_t bigint_set(bigint_t *r, const bigint_t *a) {
    if (r == a) {
        return BIGINT_OK;
    }
    if (bigint_reserve(r, a->len) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    if (a->len > 0) {
        memcpy(r->limbs, a->limbs, a->len * sizeof(bigint_limb_t));
    }
    r->len = a->len;
    r->neg = a->neg;
    return BIGINT_OK;
}

bigint_status_t bigint_set_u64(bigint_t *r, uint64_t v) {
    if (bigint_reserve(r, 2) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    r->limbs[0] = (bigint_limb_t)v;
    r->limbs[1] = (bigint_limb_t)(v >> 32);
    r->len = 2;
    r->neg = false;
    bigint_trim(r);
    return BIGINT_OK;
}

bigint_status_t bigint_set_i64(bigint_t *r, int64_t v) {
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if (bigint_set_u64(r, mag) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    r->neg = v < 0;
    return BIGINT_OK;
}

int bigint_sign(const bigint_t *a) {
    return a->len == 0 ? 0 : (a->neg ? -1 : 1);
}

int bigint_cmp_abs(const bigint_t *a, const bigint_t *b) {
    return bigmag_cmp(a->limbs, a->len, b->limbs, b->len);
}

int bigint_cmp(const bigint_t *a, const bigint_t *b) {
    if (a->neg != b->neg) {
        return a->neg ? -1 : 1;
    }
    int c = bigint_cmp_abs(a, b);
    return a->neg ? -c : c;
}

int bigint_cmp_i64(const bigint_t *a, int64_t v) {
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    bigint_limb_t limbs[2] = {(bigint_limb_t)mag, (bigint_limb_t)(mag >> 32)};
    bigint_t b = {limbs, mag == 0 ? 0 : (mag >> 32 ? 2 : 1), 2, v < 0, a->alloc};
    return bigint_cmp(a, &b);
}

bool bigint_to_u64(const bigint_t *a, uint64_t *out) {
    if (a->neg || a->len > 2) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = a->len; i-- > 0;) {
        v = (v << 32) | a->limbs[i];
    }
    *out = v;
    return true;
}

bool bigint_to_i64(const bigint_t *a, int64_t *out) {
    if (a->len > 2) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = a->len; i-- > 0;) {
        v = (v << 32) | a->limbs[i];
    }
    if (a->neg) {
        if (v > (uint64_t)INT64_MAX + 1) {
            return false;
        }
        *out = (int64_t)(0 - v);
    } else {
        if (v > (uint64_t)INT64_MAX) {
            return false;
        }
        *out = (int64_t)v;
    }
    return true;
}

size_t bigint_bit_length(const bigint_t *a) {
    if (a->len == 0) {
        return 0;
    }
    bigint_limb_t top = a->limbs[a->len - 1];
    size_t bits = (a->len - 1) * BIGINT_LIMB_BITS;
    while (top != 0) {
        bits++;
        top >>= 1;
    }
    return bits;
}

bool bigint_test_bit(const bigint_t *a, size_t n) {
    size_t i = n / BIGINT_LIMB_BITS;
    return i < a->len && ((a->limbs[i] >> (n % BIGINT_LIMB_BITS)) & 1) != 0;
}

int64_t bigint_hash(const bigint_t *a, unsigned word_bits) {
    uint64_t v = 0;
    for (size_t i = a->len; i-- > 0;) {
        v = (v << 32) | a->limbs[i];
    }
    if (a->neg) {
        v = 0 - v;
    }
    if (word_bits < 64) {
        uint64_t sign = (uint64_t)1 << (word_bits - 1);
        v &= (sign << 1) - 1;
        v = (v ^ sign) - sign;
    }
    return (int64_t)v;
}

// ---------------------------------------------------------------------------
// Conversions to and from double.

double bigint_to_double(const bigint_t *a) {
    size_t bits = bigint_bit_length(a);
    double d;
    if (bits <= 64) {
        uint64_t v = 0;
        for (size_t i = a->len; i-- > 0;) {
            v = (v << 32) | a->limbs[i];
        }
        d = (double)v;
    } else if (bits > 1100) {
        d = INFINITY;
    } else {
        // The top 64 bits with a sticky bit for everything below round the
        // same way as the whole value (64 > 53 + 2).
        size_t shift = bits - 64;
        uint64_t top = 0;
        for (int k = 64; k-- > 0;) {
            top = (top << 1) | (bigint_test_bit(a, shift + (size_t)k) ? 1 : 0);
        }
        bool sticky = false;
        for (size_t i = 0; i < shift / 32 && !sticky; i++) {
            sticky = a->limbs[i] != 0;
        }
        if (!sticky && shift % 32 != 0) {
            sticky = (a->limbs[shift / 32] & (((bigint_limb_t)1 << (shift % 32)) - 1)) != 0;
        }
        d = ldexp((double)(top | (sticky ? 1 : 0)), (int)shift);
    }
    return a->neg ? -d : d;
}

double bigint_to_double_mp(const bigint_t *a, unsigned dig_bits) {
    double val = 0;
    if (dig_bits == 16) {
        for (size_t i = a->len; i-- > 0;) {
            val = val * 65536.0 + (double)(a->limbs[i] >> 16);
            val = val * 65536.0 + (double)(a->limbs[i] & 0xffff);
        }
    } else {
        for (size_t i = a->len; i-- > 0;) {
            val = val * 4294967296.0 + (double)a->limbs[i];
        }
    }
    return a->neg ? -val : val;
}

bigint_status_t bigint_from_double(bigint_t *r, double d) {
    if (isnan(d)) {
        return BIGINT_NOT_A_NUMBER;
    }
    if (isinf(d)) {
        return BIGINT_OVERFLOW;
    }
    bool neg = d < 0;
    d = trunc(fabs(d));
    if (d < 18446744073709551616.0) {
        if (bigint_set_u64(r, (uint64_t)d) != BIGINT_OK) {
            return BIGINT_NO_MEMORY;
        }
    } else {
        int exp;
        double m = frexp(d, &exp);  // d = m * 2^exp, 0.5 <= m < 1
        uint64_t mant = (uint64_t)ldexp(m, 53);
        if (bigint_set_u64(r, mant) != BIGINT_OK ||
            bigint_shl(r, r, (size_t)(exp - 53)) != BIGINT_OK) {
            return BIGINT_NO_MEMORY;
        }
    }
    r->neg = neg && r->len > 0;
    return BIGINT_OK;
}

// ---------------------------------------------------------------------------
// Addition and multiplication.

bigint_status_t bigint_neg(bigint_t *r, const bigint_t *a) {
    if (bigint_set(r, a) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    r->neg = r->len > 0 && !a->neg;
    return BIGINT_OK;
}

bigint_status_t bigint_abs(bigint_t *r, const bigint_t *a) {
    if (bigint_set(r, a) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    r->neg = false;
    return BIGINT_OK;
}

// r = a + (b_neg ? -|b| : |b|).
static bigint_status_t add_signed(bigint_t *r, const bigint_t *a, const bigint_t *b, bool b_neg) {
    bool a_neg = a->neg;
    if (bigint_cmp_abs(a, b) < 0) {
        const bigint_t *t = a;
        a = b;
        b = t;
        bool tn = a_neg;
        a_neg = b_neg;
        b_neg = tn;
    }
    // |a| >= |b| now; the result has a's sign.
    if (bigint_reserve(r, a->len + 1) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    if (a_neg == b_neg) {
        r->len = bigmag_add(r->limbs, a->limbs, a->len, b->limbs, b->len);
    } else {
        r->len = bigmag_sub(r->limbs, a->limbs, a->len, b->limbs, b->len);
    }
    r->neg = a_neg;
    bigint_trim(r);
    return BIGINT_OK;
}

bigint_status_t bigint_add(bigint_t *r, const bigint_t *a, const bigint_t *b) {
    return add_signed(r, a, b, b->neg);
}

bigint_status_t bigint_sub(bigint_t *r, const bigint_t *a, const bigint_t *b) {
    return add_signed(r, a, b, !b->neg);
}

bigint_status_t bigint_add_i64(bigint_t *r, const bigint_t *a, int64_t v) {
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    bigint_limb_t limbs[2] = {(bigint_limb_t)mag, (bigint_limb_t)(mag >> 32)};
    bigint_t b = {limbs, mag == 0 ? 0 : (mag >> 32 ? 2 : 1), 2, v < 0, a->alloc};
    return bigint_add(r, a, &b);
}

bigint_status_t bigint_mul(bigint_t *r, const bigint_t *a, const bigint_t *b) {
    if (a->len == 0 || b->len == 0) {
        r->len = 0;
        r->neg = false;
        return BIGINT_OK;
    }
    bool neg = a->neg != b->neg;
    if (b->len == 1 && r == a) {
        // In-place multiply by one limb: the factorial and digit loops.
        bigint_limb_t m = b->limbs[0];
        bigint_limb_t carry = bigmag_mul_add_1(r->limbs, r->len, m, 0);
        if (carry != 0) {
            if (bigint_reserve(r, r->len + 1) != BIGINT_OK) {
                // Undo is impossible cheaply; restore by dividing back.
                bigmag_div_1(r->limbs, r->limbs, r->len, m);
                return BIGINT_NO_MEMORY;
            }
            r->limbs[r->len++] = carry;
        }
        r->neg = neg;
        return BIGINT_OK;
    }
    bigint_t t;
    bigint_init(&t, r->alloc);
    if (bigint_reserve(&t, a->len + b->len) != BIGINT_OK ||
        bigmag_mul(r->alloc, t.limbs, a->limbs, a->len, b->limbs, b->len) != BIGINT_OK) {
        bigint_deinit(&t);
        return BIGINT_NO_MEMORY;
    }
    t.len = a->len + b->len;
    t.neg = neg;
    bigint_trim(&t);
    bigint_swap(r, &t);
    bigint_deinit(&t);
    return BIGINT_OK;
}

bigint_status_t bigint_mul_i64(bigint_t *r, const bigint_t *a, int64_t v) {
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    bigint_limb_t limbs[2] = {(bigint_limb_t)mag, (bigint_limb_t)(mag >> 32)};
    bigint_t b = {limbs, mag == 0 ? 0 : (mag >> 32 ? 2 : 1), 2, v < 0, a->alloc};
    return bigint_mul(r, a, &b);
}
