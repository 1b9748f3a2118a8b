// util/bigint_div.c: division of bigint_t (Knuth's algorithm D on 32-bit
// limbs) with Python's floor semantics, and the powers built on
// multiplication and division.
#include <string.h>

#include "util/bigint.h"
#include "util/bigint_mag.h"

static unsigned leading_zeros(bigint_limb_t v) {
    unsigned n = 0;
    while ((v & 0x80000000u) == 0) {
        v <<= 1;
        n++;
    }
    return n;
}

// Shifts n limbs of a left by s bits (0 <= s < 32) into r, which gets n + 1
// limbs (the last one holds the bits shifted out).
static void shift_left_bits(bigint_limb_t *r, const bigint_limb_t *a, size_t n, unsigned s) {
    bigint_limb_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        bigint_limb_t v = a[i];
        r[i] = (v << s) | carry;
        carry = s == 0 ? 0 : v >> (BIGINT_LIMB_BITS - s);
    }
    r[n] = carry;
}

// Knuth's algorithm D. u holds the normalised dividend (un + 1 limbs) and
// ends up holding the normalised remainder in its low vn limbs; v is the
// normalised divisor (top bit set, vn >= 2). q gets un - vn + 1 limbs.
static void knuth_divide(bigint_limb_t *q, bigint_limb_t *u, size_t un,
    const bigint_limb_t *v, size_t vn) {
    const bigint_dlimb_t base = (bigint_dlimb_t)1 << BIGINT_LIMB_BITS;
    bigint_limb_t vtop = v[vn - 1];
    bigint_limb_t vnext = v[vn - 2];
    for (size_t j = un - vn + 1; j-- > 0;) {
        bigint_dlimb_t num = ((bigint_dlimb_t)u[j + vn] << BIGINT_LIMB_BITS) | u[j + vn - 1];
        bigint_dlimb_t qhat = num / vtop;
        bigint_dlimb_t rhat = num % vtop;
        while (qhat >= base ||
            qhat * vnext > ((rhat << BIGINT_LIMB_BITS) | u[j + vn - 2])) {
            qhat--;
            rhat += vtop;
            if (rhat >= base) {
                break;
            }
        }
        // u[j .. j+vn] -= qhat * v
        int64_t borrow = 0;
        bigint_dlimb_t carry = 0;
        for (size_t i = 0; i < vn; i++) {
            bigint_dlimb_t p = qhat * v[i] + carry;
            carry = p >> BIGINT_LIMB_BITS;
            int64_t t = (int64_t)u[i + j] - (int64_t)(bigint_limb_t)p + borrow;
            u[i + j] = (bigint_limb_t)t;
            borrow = t < 0 ? -1 : 0;
        }
        int64_t t = (int64_t)u[j + vn] - (int64_t)carry + borrow;
        u[j + vn] = (bigint_limb_t)t;
        if (t < 0) {
            // qhat was one too big: add v back.
            qhat--;
            bigint_dlimb_t c = 0;
            for (size_t i = 0; i < vn; i++) {
                c += (bigint_dlimb_t)u[i + j] + v[i];
                u[i + j] = (bigint_limb_t)c;
                c >>= BIGINT_LIMB_BITS;
            }
            u[j + vn] += (bigint_limb_t)c;
        }
        q[j] = (bigint_limb_t)qhat;
    }
}

bigint_status_t bigint_divmod_abs(bigint_t *q, bigint_t *m, const bigint_t *a, const bigint_t *b) {
    if (b->len == 0) {
        return BIGINT_DIV_BY_ZERO;
    }
    if (bigmag_cmp(a->limbs, a->len, b->limbs, b->len) < 0) {
        if (m != NULL && bigint_set(m, a) != BIGINT_OK) {
            return BIGINT_NO_MEMORY;
        }
        if (m != NULL) {
            m->neg = false;
        }
        if (q != NULL) {
            q->len = 0;
            q->neg = false;
        }
        return BIGINT_OK;
    }
    size_t an = a->len;
    size_t bn = b->len;
    if (bn == 1) {
        if (q != NULL && bigint_reserve(q, an) != BIGINT_OK) {
            return BIGINT_NO_MEMORY;
        }
        if (m != NULL && bigint_reserve(m, 1) != BIGINT_OK) {
            return BIGINT_NO_MEMORY;
        }
        bigint_limb_t rem;
        if (q != NULL) {
            rem = bigmag_div_1(q->limbs, a->limbs, an, b->limbs[0]);
            q->len = an;
            q->neg = false;
            bigint_trim(q);
        } else {
            bigint_dlimb_t acc = 0;
            for (size_t i = an; i-- > 0;) {
                acc = ((acc << BIGINT_LIMB_BITS) | a->limbs[i]) % b->limbs[0];
            }
            rem = (bigint_limb_t)acc;
        }
        if (m != NULL) {
            m->limbs[0] = rem;
            m->len = 1;
            m->neg = false;
            bigint_trim(m);
        }
        return BIGINT_OK;
    }
    const bigint_alloc_t *al = a->alloc;
    size_t scratch_n = (an + 1) + bn + (an - bn + 1);
    bigint_limb_t *u = bigint_scratch_new(al, scratch_n);
    if (u == NULL) {
        return BIGINT_NO_MEMORY;
    }
    bigint_limb_t *v = u + an + 1;
    bigint_limb_t *qd = v + bn;
    unsigned s = leading_zeros(b->limbs[bn - 1]);
    shift_left_bits(u, a->limbs, an, s);
    shift_left_bits(v, b->limbs, bn, s);
    knuth_divide(qd, u, an, v, bn);

    bigint_status_t st = BIGINT_OK;
    if (q != NULL) {
        st = bigint_reserve(q, an - bn + 1);
        if (st == BIGINT_OK) {
            memcpy(q->limbs, qd, (an - bn + 1) * sizeof(bigint_limb_t));
            q->len = an - bn + 1;
            q->neg = false;
            bigint_trim(q);
        }
    }
    if (m != NULL && st == BIGINT_OK) {
        st = bigint_reserve(m, bn);
        if (st == BIGINT_OK) {
            // Undo the normalising shift.
            for (size_t i = 0; i < bn; i++) {
                bigint_limb_t lo = u[i] >> s;
                bigint_limb_t hi = s == 0 ? 0 : u[i + 1] << (BIGINT_LIMB_BITS - s);
                m->limbs[i] = lo | hi;
            }
            m->len = bn;
            m->neg = false;
            bigint_trim(m);
        }
    }
    bigint_scratch_free(al, u, scratch_n);
    return st;
}

// Divides into fresh temporaries, so results may alias the operands, then
// applies the sign rule: floor when `floor`, else truncation.
static bigint_status_t divide(bigint_t *q, bigint_t *m, const bigint_t *a, const bigint_t *b,
    bool floor) {
    if (b->len == 0) {
        return BIGINT_DIV_BY_ZERO;
    }
    bigint_t tq;
    bigint_t tm;
    bigint_init(&tq, q != NULL ? q->alloc : m->alloc);
    bigint_init(&tm, m != NULL ? m->alloc : q->alloc);
    bigint_status_t st = bigint_divmod_abs(&tq, &tm, a, b);
    bool a_neg = a->neg;
    bool b_neg = b->neg;
    if (st == BIGINT_OK) {
        tq.neg = tq.len > 0 && a_neg != b_neg;
        tm.neg = tm.len > 0 && a_neg;
        if (floor && a_neg != b_neg && tm.len > 0) {
            // q = -(|q| + 1), m = sign(b) * (|b| - |m|)
            tq.neg = false;
            st = bigint_add_i64(&tq, &tq, 1);
            tq.neg = true;
            if (st == BIGINT_OK) {
                tm.neg = false;
                bigint_t b_abs = *b;
                b_abs.neg = false;
                st = bigint_sub(&tm, &b_abs, &tm);
                tm.neg = tm.len > 0 && b_neg;
            }
        }
    }
    if (st == BIGINT_OK) {
        if (q != NULL) {
            bigint_swap(q, &tq);
        }
        if (m != NULL) {
            bigint_swap(m, &tm);
        }
    }
    bigint_deinit(&tq);
    bigint_deinit(&tm);
    return st;
}

bigint_status_t bigint_divmod(bigint_t *q, bigint_t *m, const bigint_t *a, const bigint_t *b) {
    return divide(q, m, a, b, true);
}

bigint_status_t bigint_divmod_trunc(bigint_t *q, bigint_t *m, const bigint_t *a, const bigint_t *b) {
    return divide(q, m, a, b, false);
}

bigint_status_t bigint_floordiv(bigint_t *q, const bigint_t *a, const bigint_t *b) {
    return divide(q, NULL, a, b, true);
}

bigint_status_t bigint_mod(bigint_t *m, const bigint_t *a, const bigint_t *b) {
    return divide(NULL, m, a, b, true);
}

// ---------------------------------------------------------------------------
// Powers.

bigint_status_t bigint_pow(bigint_t *r, const bigint_t *a, uint64_t e) {
    bigint_t acc;
    bigint_t x;
    bigint_init(&acc, r->alloc);
    bigint_init(&x, r->alloc);
    bigint_status_t st = bigint_set_i64(&acc, 1);
    if (st == BIGINT_OK) {
        st = bigint_set(&x, a);
    }
    while (st == BIGINT_OK && e != 0) {
        if (e & 1) {
            st = bigint_mul(&acc, &acc, &x);
        }
        e >>= 1;
        if (st == BIGINT_OK && e != 0) {
            st = bigint_mul(&x, &x, &x);
        }
    }
    if (st == BIGINT_OK) {
        bigint_swap(r, &acc);
    }
    bigint_deinit(&acc);
    bigint_deinit(&x);
    return st;
}

bigint_status_t bigint_pow_mod(bigint_t *r, const bigint_t *a, const bigint_t *e,
    const bigint_t *m) {
    if (m->len == 0) {
        return BIGINT_DIV_BY_ZERO;
    }
    if (e->neg) {
        return BIGINT_NEGATIVE;
    }
    if (a->len == 0 || (m->len == 1 && m->limbs[0] == 1)) {
        return bigint_set_i64(r, 0);
    }
    bigint_t acc;
    bigint_t x;
    bigint_init(&acc, r->alloc);
    bigint_init(&x, r->alloc);
    bigint_status_t st = bigint_set_i64(&acc, 1);
    if (st == BIGINT_OK) {
        st = bigint_set(&x, a);
    }
    size_t bits = bigint_bit_length(e);
    for (size_t i = 0; i < bits && st == BIGINT_OK; i++) {
        if (bigint_test_bit(e, i)) {
            st = bigint_mul(&acc, &acc, &x);
            if (st == BIGINT_OK) {
                st = bigint_mod(&acc, &acc, m);
            }
        }
        if (st == BIGINT_OK && i + 1 < bits) {
            st = bigint_mul(&x, &x, &x);
            if (st == BIGINT_OK) {
                st = bigint_mod(&x, &x, m);
            }
        }
    }
    if (st == BIGINT_OK) {
        bigint_swap(r, &acc);
    }
    bigint_deinit(&acc);
    bigint_deinit(&x);
    return st;
}
