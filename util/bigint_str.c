// util/bigint_str.c: text conversion of bigint_t in bases 2..36. Power-of-two
// bases move bits directly; other bases go through chunks of digits that fit
// a limb; big decimal values are split recursively by powers of ten so that
// printing thousands of digits stays fast.
#include <string.h>

#include "util/bigint.h"
#include "util/bigint_mag.h"

enum {
    // Values up to this many limbs are printed by repeated short division.
    DEC_SPLIT_THRESHOLD = 40,
    DEC_CHUNK_DIGITS = 9,
};

static const bigint_limb_t DEC_CHUNK = 1000000000u;

static int digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 10;
    }
    return 99;
}

// log2(base) when base is a power of two, else 0.
static unsigned pow2_bits(int base) {
    unsigned bits = 0;
    while ((1 << bits) < base) {
        bits++;
    }
    return (1 << bits) == base ? bits : 0;
}

// The most digits of `base` whose value always fits a limb, and base^that.
static unsigned chunk_digits(int base, bigint_limb_t *chunk) {
    bigint_dlimb_t v = (bigint_dlimb_t)base;
    unsigned n = 1;
    while (v * (bigint_dlimb_t)base <= 0xffffffffu) {
        v *= (bigint_dlimb_t)base;
        n++;
    }
    *chunk = (bigint_limb_t)v;
    return n;
}

static bigint_status_t from_str_pow2(bigint_t *r, const char *s, size_t n, unsigned bits) {
    size_t limbs = (n * bits + BIGINT_LIMB_BITS - 1) / BIGINT_LIMB_BITS;
    if (bigint_reserve(r, limbs + 1) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    memset(r->limbs, 0, (limbs + 1) * sizeof(bigint_limb_t));
    size_t pos = 0;
    for (size_t i = n; i-- > 0; pos += bits) {
        bigint_dlimb_t v = (bigint_dlimb_t)digit_value(s[i]) << (pos % BIGINT_LIMB_BITS);
        r->limbs[pos / BIGINT_LIMB_BITS] |= (bigint_limb_t)v;
        r->limbs[pos / BIGINT_LIMB_BITS + 1] |= (bigint_limb_t)(v >> BIGINT_LIMB_BITS);
    }
    r->len = limbs + 1;
    return BIGINT_OK;
}

static bigint_status_t from_str_chunks(bigint_t *r, const char *s, size_t n, int base) {
    bigint_limb_t chunk;
    unsigned per = chunk_digits(base, &chunk);
    // Each chunk of `per` digits adds at most one limb.
    size_t limbs = n / per + 2;
    if (bigint_reserve(r, limbs) != BIGINT_OK) {
        return BIGINT_NO_MEMORY;
    }
    size_t len = 0;
    size_t first = n % per == 0 ? per : n % per;
    for (size_t i = 0; i < n;) {
        size_t take = i == 0 ? first : per;
        bigint_limb_t v = 0;
        bigint_limb_t scale = 1;
        for (size_t k = 0; k < take; k++) {
            v = v * (bigint_limb_t)base + (bigint_limb_t)digit_value(s[i + k]);
            scale *= (bigint_limb_t)base;
        }
        i += take;
        bigint_limb_t carry = bigmag_mul_add_1(r->limbs, len, scale, v);
        if (carry != 0) {
            r->limbs[len++] = carry;
        }
    }
    r->len = len;
    return BIGINT_OK;
}

bigint_status_t bigint_from_str(bigint_t *r, const char *s, size_t len, int base) {
    if (base < 2 || base > 36) {
        return BIGINT_BAD_DIGIT;
    }
    bool neg = false;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    if (len == 0) {
        return BIGINT_BAD_DIGIT;
    }
    for (size_t i = 0; i < len; i++) {
        if (digit_value(s[i]) >= base) {
            return BIGINT_BAD_DIGIT;
        }
    }
    unsigned bits = pow2_bits(base);
    bigint_status_t st = bits != 0 ? from_str_pow2(r, s, len, bits) : from_str_chunks(r, s, len, base);
    if (st != BIGINT_OK) {
        return st;
    }
    r->neg = neg;
    bigint_trim(r);
    return BIGINT_OK;
}

// ---------------------------------------------------------------------------
// To text.

size_t bigint_str_size(const bigint_t *a, int base) {
    unsigned floor_log2 = 1;
    while ((1 << (floor_log2 + 1)) <= base) {
        floor_log2++;
    }
    return bigint_bit_length(a) / floor_log2 + 3;
}

static char digit_char(unsigned d, bool upper) {
    if (d < 10) {
        return (char)('0' + d);
    }
    return (char)((upper ? 'A' : 'a') + (d - 10));
}

static size_t to_str_pow2(const bigint_t *a, unsigned bits, bool upper, char *out) {
    size_t total = bigint_bit_length(a);
    size_t ndig = (total + bits - 1) / bits;
    for (size_t i = 0; i < ndig; i++) {
        size_t pos = (ndig - 1 - i) * bits;
        unsigned d = 0;
        for (unsigned b = bits; b-- > 0;) {
            d = (d << 1) | (bigint_test_bit(a, pos + b) ? 1 : 0);
        }
        out[i] = digit_char(d, upper);
    }
    return ndig;
}

// Writes the value of the n limbs in t (destroyed) as exactly `width`
// digits into out, zero padded on the left; the value must fit.
static void short_division_digits(bigint_limb_t *t, size_t n, int base, bool upper,
    char *out, size_t width) {
    bigint_limb_t chunk;
    unsigned per = chunk_digits(base, &chunk);
    size_t pos = width;
    while (n > 0 && pos > 0) {
        bigint_limb_t rem = bigmag_div_1(t, t, n, chunk);
        while (n > 0 && t[n - 1] == 0) {
            n--;
        }
        for (unsigned k = 0; k < per && pos > 0; k++) {
            out[--pos] = digit_char(rem % (bigint_limb_t)base, upper);
            rem /= (bigint_limb_t)base;
            if (n == 0 && rem == 0) {
                break;
            }
        }
    }
    while (pos > 0) {
        out[--pos] = '0';
    }
}

// Writes x (< 10^width) as exactly `width` decimal digits, zero padded.
// pows[k] is 10^(9 * 2^k) and width is 9 * 2^(k+1).
static bigint_status_t dec_split(const bigint_t *x, const bigint_t *pows, int k, char *out,
    size_t width) {
    if (k < 0 || x->len <= DEC_SPLIT_THRESHOLD) {
        bigint_limb_t *t = bigint_scratch_new(x->alloc, x->len);
        if (t == NULL) {
            return BIGINT_NO_MEMORY;
        }
        if (x->len > 0) {
            memcpy(t, x->limbs, x->len * sizeof(bigint_limb_t));
        }
        short_division_digits(t, x->len, 10, false, out, width);
        bigint_scratch_free(x->alloc, t, x->len);
        return BIGINT_OK;
    }
    bigint_t q;
    bigint_t m;
    bigint_init(&q, x->alloc);
    bigint_init(&m, x->alloc);
    bigint_status_t st = bigint_divmod_abs(&q, &m, x, &pows[k]);
    if (st == BIGINT_OK) {
        st = dec_split(&q, pows, k - 1, out, width / 2);
    }
    if (st == BIGINT_OK) {
        st = dec_split(&m, pows, k - 1, out + width / 2, width / 2);
    }
    bigint_deinit(&q);
    bigint_deinit(&m);
    return st;
}

enum {
    MAX_DEC_POWS = 48,
};

static bigint_status_t to_str_dec_big(const bigint_t *a, char *out, size_t *len_out) {
    bigint_t pows[MAX_DEC_POWS];
    int npows = 0;
    bigint_t x = *a;
    x.neg = false;
    bigint_status_t st = BIGINT_OK;
    // Powers 10^(9*2^k) until one exceeds x.
    bigint_init(&pows[0], a->alloc);
    st = bigint_set_u64(&pows[0], DEC_CHUNK);
    npows = 1;
    while (st == BIGINT_OK && bigint_cmp_abs(&pows[npows - 1], &x) <= 0 && npows < MAX_DEC_POWS) {
        bigint_init(&pows[npows], a->alloc);
        st = bigint_mul(&pows[npows], &pows[npows - 1], &pows[npows - 1]);
        npows++;
    }
    // x < pows[npows-1] = 10^(9 * 2^(npows-1)).
    size_t width = (size_t)DEC_CHUNK_DIGITS << (npows - 1);
    char *buf = NULL;
    size_t buf_limbs = width / sizeof(bigint_limb_t) + 1;
    if (st == BIGINT_OK) {
        buf = (char *)bigint_scratch_new(a->alloc, buf_limbs);
        st = buf == NULL ? BIGINT_NO_MEMORY : BIGINT_OK;
    }
    if (st == BIGINT_OK) {
        st = dec_split(&x, pows, npows - 2, buf, width);
    }
    if (st == BIGINT_OK) {
        size_t skip = 0;
        while (skip + 1 < width && buf[skip] == '0') {
            skip++;
        }
        size_t n = 0;
        if (a->neg) {
            out[n++] = '-';
        }
        memcpy(out + n, buf + skip, width - skip);
        n += width - skip;
        out[n] = '\0';
        *len_out = n;
    }
    bigint_scratch_free(a->alloc, (bigint_limb_t *)buf, buf_limbs);
    for (int i = 0; i < npows; i++) {
        bigint_deinit(&pows[i]);
    }
    return st;
}

bigint_status_t bigint_to_str(const bigint_t *a, int base, bool upper, char *out,
    size_t *len_out) {
    if (base < 2 || base > 36) {
        return BIGINT_BAD_DIGIT;
    }
    if (a->len == 0) {
        out[0] = '0';
        out[1] = '\0';
        *len_out = 1;
        return BIGINT_OK;
    }
    if (base == 10 && a->len > DEC_SPLIT_THRESHOLD) {
        return to_str_dec_big(a, out, len_out);
    }
    size_t n = 0;
    if (a->neg) {
        out[n++] = '-';
    }
    unsigned bits = pow2_bits(base);
    if (bits != 0) {
        n += to_str_pow2(a, bits, upper, out + n);
    } else {
        // Digits fill the buffer from its end, then move to the front.
        size_t cap = bigint_str_size(a, base) - 1 - n;
        bigint_limb_t *t = bigint_scratch_new(a->alloc, a->len);
        if (t == NULL) {
            return BIGINT_NO_MEMORY;
        }
        memcpy(t, a->limbs, a->len * sizeof(bigint_limb_t));
        short_division_digits(t, a->len, base, upper, out + n, cap);
        bigint_scratch_free(a->alloc, t, a->len);
        size_t skip = 0;
        while (skip + 1 < cap && out[n + skip] == '0') {
            skip++;
        }
        memmove(out + n, out + n + skip, cap - skip);
        n += cap - skip;
    }
    out[n] = '\0';
    *len_out = n;
    return BIGINT_OK;
}
