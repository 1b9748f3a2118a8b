// util/buf.c: growable byte buffers and the .mpy varint encoding.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void buf_init(buf_t *b) {
    memset(b, 0, sizeof(*b));
}

void buf_deinit(buf_t *b) {
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void buf_reset(buf_t *b) {
    b->len = 0;
    b->failed = false;
}

uint8_t *buf_extend(buf_t *b, size_t n) {
    if (b->failed) {
        return NULL;
    }
    if (n > SIZE_MAX - b->len) {
        b->failed = true;
        return NULL;
    }
    size_t need = b->len + n;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need) {
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        }
        uint8_t *p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = true;
            return NULL;
        }
        b->data = p;
        b->cap = cap;
    }
    uint8_t *at = b->data + b->len;
    b->len = need;
    return at;
}

void buf_append(buf_t *b, const void *data, size_t n) {
    uint8_t *at = buf_extend(b, n);
    if (at != NULL && n > 0) {
        memcpy(at, data, n);
    }
}

void buf_byte(buf_t *b, uint8_t v) {
    uint8_t *at = buf_extend(b, 1);
    if (at != NULL) {
        *at = v;
    }
}

void buf_str(buf_t *b, const char *s) {
    buf_append(b, s, strlen(s));
}

void buf_printf(buf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        b->failed = true;
        return;
    }
    // vsnprintf needs room for its NUL; it is dropped again afterwards.
    uint8_t *at = buf_extend(b, (size_t)n + 1);
    if (at != NULL) {
        vsnprintf((char *)at, (size_t)n + 1, fmt, ap2);
        b->len--;
    }
    va_end(ap2);
}

size_t util_vuint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

void buf_vuint(buf_t *b, uint64_t v) {
    uint8_t tmp[10];
    size_t n = util_vuint_size(v);
    for (size_t i = n; i-- > 0;) {
        tmp[i] = (uint8_t)((v & 0x7f) | (i == n - 1 ? 0 : 0x80));
        v >>= 7;
    }
    buf_append(b, tmp, n);
}
