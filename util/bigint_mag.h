// util/bigint_mag.h: private to util/bigint*.c. Storage management and the
// magnitude routines (arrays of limbs, least significant first) that the
// signed operations in bigint.c and bigint_div.c are built from.
#ifndef UTIL_BIGINT_MAG_H
#define UTIL_BIGINT_MAG_H

#include "util/bigint.h"

typedef uint64_t bigint_dlimb_t;

enum {
    BIGINT_LIMB_BITS = 32,
};

// Makes room for n limbs, keeping the current ones.
bigint_status_t bigint_reserve(bigint_t *a, size_t n);
// Drops leading zero limbs and clears the sign of zero.
void bigint_trim(bigint_t *a);
// Scratch memory from a hook (NULL when out of memory; n is in limbs).
bigint_limb_t *bigint_scratch_new(const bigint_alloc_t *al, size_t n);
void bigint_scratch_free(const bigint_alloc_t *al, bigint_limb_t *p, size_t n);

int bigmag_cmp(const bigint_limb_t *a, size_t an, const bigint_limb_t *b, size_t bn);
// r = a + b with an >= bn; r has room for an + 1 limbs. Returns the length.
size_t bigmag_add(bigint_limb_t *r, const bigint_limb_t *a, size_t an,
    const bigint_limb_t *b, size_t bn);
// r = a - b with a >= b; r has room for an limbs. Returns the trimmed length.
size_t bigmag_sub(bigint_limb_t *r, const bigint_limb_t *a, size_t an,
    const bigint_limb_t *b, size_t bn);
// r = a * b; r has room for an + bn limbs and must not overlap a or b.
// Needs scratch memory (from al) for Karatsuba on big operands.
bigint_status_t bigmag_mul(const bigint_alloc_t *al, bigint_limb_t *r,
    const bigint_limb_t *a, size_t an, const bigint_limb_t *b, size_t bn);
// a = a * m + add in place over n limbs; returns the carry limb.
bigint_limb_t bigmag_mul_add_1(bigint_limb_t *a, size_t n, bigint_limb_t m, bigint_limb_t add);
// q = a / d over n limbs (q may be a); returns the remainder.
bigint_limb_t bigmag_div_1(bigint_limb_t *q, const bigint_limb_t *a, size_t n, bigint_limb_t d);

// Unsigned truncating division of magnitudes: q = |a| / |b|, m = |a| % |b|
// (signs are cleared). q or m may be NULL; neither may alias a or b.
bigint_status_t bigint_divmod_abs(bigint_t *q, bigint_t *m, const bigint_t *a, const bigint_t *b);

#endif // UTIL_BIGINT_MAG_H
