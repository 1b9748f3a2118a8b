// util/bigint_bits.c: the bit-level view of bigint_t: shifts, the bitwise
// operators on Python's infinite two's-complement form, and conversion to
// and from bytes (int.to_bytes / int.from_bytes).
#include <string.h>

#include "util/bigint.h"
#include "util/bigint_mag.h"

// ---------------------------------------------------------------------------
// Shifts.

bigint_status_t bigint_shl(bigint_t *r, const bigint_t *a, size_t n) {
    if (a->len == 0) {
        r->len = 0;
        r->neg = false;
        return BIGINT_OK;
    }
    size_t whole = n / BIGINT_LIMB_BITS;
    unsigned part = n % BIGINT_LIMB_BITS;
    size_t alen = a->len;
    bool neg = a->neg;
    if (whole > SIZE_MAX / 8 || bigint_reserve(r, alen + whole + 1) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    if (r != a && bigint_set(r, a) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    bigint_limb_t *d = r->limbs;
    // From the top down, so working in place is safe.
    d[alen + whole] = 0;
    for (size_t i = alen; i-- > 0;) {
        bigint_limb_t v = d[i];
        if (part != 0) {
            d[i + whole + 1] |= v >> (BIGINT_LIMB_BITS - part);
            d[i + whole] = v << part;
        } else {
            d[i + whole] = v;
        }
    }
    memset(d, 0, whole * sizeof(bigint_limb_t));
    r->len = alen + whole + 1;
    r->neg = neg;
    bigint_trim(r);
    return BIGINT_OK;
}

bigint_status_t bigint_shr(bigint_t *r, const bigint_t *a, size_t n) {
    size_t whole = n / BIGINT_LIMB_BITS;
    unsigned part = n % BIGINT_LIMB_BITS;
    bool neg = a->neg;
    // A negative value floors: if any bit shifted out is set, the magnitude
    // of the result grows by one.
    bool round_up = false;
    if (neg) {
        for (size_t i = 0; i < whole && i < a->len && !round_up; i++) {
            round_up = a->limbs[i] != 0;
        }
        if (!round_up && whole < a->len && part != 0) {
            round_up = (a->limbs[whole] & (((bigint_limb_t)1 << part) - 1)) != 0;
        }
    }
    if (whole >= a->len) {
        if (round_up) {
            return bigint_set_i64(r, -1);
        }
        r->len = 0;
        r->neg = false;
        return BIGINT_OK;
    }
    size_t alen = a->len;
    if (r != a && bigint_reserve(r, alen - whole + 1) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    const bigint_limb_t *s = a->limbs;
    bigint_limb_t *d = r->limbs;
    size_t out = alen - whole;
    for (size_t i = 0; i < out; i++) {
        bigint_limb_t v = s[i + whole] >> part;
        if (part != 0 && i + whole + 1 < alen) {
            v |= s[i + whole + 1] << (BIGINT_LIMB_BITS - part);
        }
        d[i] = v;
    }
    r->len = out;
    r->neg = neg;
    bigint_trim(r);
    if (round_up) {
        r->neg = false;
        bigint_status_t st = bigint_add_i64(r, r, 1);
        r->neg = true;
        return st;
    }
    return BIGINT_OK;
}

// ---------------------------------------------------------------------------
// Bitwise operators on the infinite two's-complement form. Each operand is
// converted limb by limb (~mag + 1 for negatives) and so is the result.

typedef enum bitop {
    BITOP_AND,
    BITOP_OR,
    BITOP_XOR,
} bitop_t;

static bigint_limb_t twos_limb(const bigint_t *a, size_t i, bigint_dlimb_t *carry) {
    bigint_limb_t v = i < a->len ? a->limbs[i] : 0;
    if (!a->neg) {
        return v;
    }
    *carry += (bigint_limb_t)~v;
    bigint_limb_t out = (bigint_limb_t)*carry;
    *carry >>= BIGINT_LIMB_BITS;
    return out;
}

static bigint_status_t bitwise(bigint_t *r, const bigint_t *a, const bigint_t *b, bitop_t op) {
    size_t n = (a->len > b->len ? a->len : b->len) + 1;
    bool an = a->neg;
    bool bn = b->neg;
    bool neg;
    switch (op) {
        case BITOP_AND:
            neg = an && bn;
            break;
        case BITOP_OR:
            neg = an || bn;
            break;
        default:
            neg = an != bn;
            break;
    }
    // Work in a copy when r aliases an operand whose form we still read.
    bigint_t t;
    bigint_init(&t, r->alloc);
    if (bigint_reserve(&t, n) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    bigint_dlimb_t ca = 1;
    bigint_dlimb_t cb = 1;
    bigint_dlimb_t cr = 1;
    for (size_t i = 0; i < n; i++) {
        bigint_limb_t x = twos_limb(a, i, &ca);
        bigint_limb_t y = twos_limb(b, i, &cb);
        bigint_limb_t v = op == BITOP_AND ? (x & y) : op == BITOP_OR ? (x | y) : (x ^ y);
        if (neg) {
            cr += (bigint_limb_t)~v;
            v = (bigint_limb_t)cr;
            cr >>= BIGINT_LIMB_BITS;
        }
        t.limbs[i] = v;
    }
    t.len = n;
    t.neg = neg;
    bigint_trim(&t);
    bigint_swap(r, &t);
    bigint_deinit(&t);
    return BIGINT_OK;
}

bigint_status_t bigint_and(bigint_t *r, const bigint_t *a, const bigint_t *b) {
    return bitwise(r, a, b, BITOP_AND);
}

bigint_status_t bigint_or(bigint_t *r, const bigint_t *a, const bigint_t *b) {
    return bitwise(r, a, b, BITOP_OR);
}

bigint_status_t bigint_xor(bigint_t *r, const bigint_t *a, const bigint_t *b) {
    return bitwise(r, a, b, BITOP_XOR);
}

bigint_status_t bigint_invert(bigint_t *r, const bigint_t *a) {
    // ~a == -a - 1 == -(a + 1)
    if (bigint_add_i64(r, a, 1) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    r->neg = r->len > 0 && !r->neg;
    return BIGINT_OK;
}

// ---------------------------------------------------------------------------
// Bytes.

bigint_status_t bigint_from_bytes(bigint_t *r, const uint8_t *buf, size_t len,
    bool big_endian, bool is_signed) {
    size_t n = (len + 3) / 4;
    if (bigint_reserve(r, n + 1) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    memset(r->limbs, 0, (n + 1) * sizeof(bigint_limb_t));
    for (size_t i = 0; i < len; i++) {
        uint8_t byte = big_endian ? buf[len - 1 - i] : buf[i];
        r->limbs[i / 4] |= (bigint_limb_t)byte << (8 * (i % 4));
    }
    r->len = n;
    r->neg = false;
    bool negative = is_signed && len > 0 && ((big_endian ? buf[0] : buf[len - 1]) & 0x80) != 0;
    if (negative) {
        // value - 2^(8*len)
        bigint_t p;
        bigint_init(&p, r->alloc);
        bigint_trim(r);
        bigint_status_t st = bigint_set_i64(&p, 1);
        if (st == BIGINT_OK) {
            st = bigint_shl(&p, &p, 8 * len);
        }
        if (st == BIGINT_OK) {
            st = bigint_sub(r, r, &p);
        }
        bigint_deinit(&p);
        return st;
    }
    bigint_trim(r);
    return BIGINT_OK;
}

bigint_status_t bigint_to_bytes(const bigint_t *a, uint8_t *buf, size_t len,
    bool big_endian, bool is_signed) {
    if (a->neg && !is_signed) {
        return BIGINT_OVERFLOW;
    }
    size_t bits = bigint_bit_length(a);
    size_t room = (size_t)8 * len;
    if (is_signed && bits > 0) {
        // The range is -2^(room-1) .. 2^(room-1)-1; only -2^(room-1) itself
        // needs all `room` bits.
        bool is_min = a->neg && bits == room;
        for (size_t i = 0; i + 1 < bits && is_min; i++) {
            is_min = !bigint_test_bit(a, i);
        }
        if (bits >= room + (is_min ? 1 : 0)) {
            return BIGINT_OVERFLOW;
        }
    } else if (bits > room) {
        return BIGINT_OVERFLOW;
    }
    bigint_dlimb_t carry = 1;
    for (size_t i = 0; i < len; i++) {
        size_t li = i / 4;
        uint8_t byte = li < a->len ? (uint8_t)(a->limbs[li] >> (8 * (i % 4))) : 0;
        if (a->neg) {
            carry += (uint8_t)~byte;
            byte = (uint8_t)carry;
            carry >>= 8;
        }
        buf[big_endian ? len - 1 - i : i] = byte;
    }
    return BIGINT_OK;
}
