// runtime/print.c: where text goes. A print_t sends bytes to the console
// (through the port) or into a vstr_t, a growable byte string on the GC
// heap that str() and friends turn into objects.
#include <stdio.h>
#include <string.h>

#include "obj.h"
#include "port.h"

static void write_stream(void *data, const char *s, size_t len) {
    port_write((int)(intptr_t)data, s, len);
}

const print_t print_stdout = {(void *)(intptr_t)PORT_STDOUT, write_stream};
const print_t print_stderr = {(void *)(intptr_t)PORT_STDERR, write_stream};

void print_strn(const print_t *p, const char *s, size_t len) {
    p->write(p->data, s, len);
}

void print_str(const print_t *p, const char *s) {
    p->write(p->data, s, strlen(s));
}

#if RT_PRINTF_LIBC
void print_vprintf(const print_t *p, const char *fmt, va_list ap) {
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return;
    }
    if ((size_t)n < sizeof(small)) {
        p->write(p->data, small, (size_t)n);
        return;
    }
    char *big = gc_alloc((size_t)n + 1);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    p->write(p->data, big, (size_t)n);
    gc_free(big);
}
#else
// The conversions the runtime's messages use, without the C library's
// printf family: %d %i %u %x %X %c %s %p %%, the flag 0, a width, a
// precision (. digits or .*) for %s, and the length modifiers l and z
// (no ll: numbers are converted in an unsigned long).
void print_vprintf(const print_t *p, const char *fmt, va_list ap) {
    while (*fmt) {
        const char *run = fmt;
        while (*fmt && *fmt != '%') {
            fmt++;
        }
        if (fmt > run) {
            p->write(p->data, run, (size_t)(fmt - run));
        }
        if (*fmt == '\0') {
            break;
        }
        fmt++;
        char pad = ' ';
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        size_t width = 0;
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (size_t)(*fmt++ - '0');
        }
        size_t prec = (size_t)-1;
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                fmt++;
                prec = (size_t)va_arg(ap, int);
            } else {
                for (prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++) {
                    prec = prec * 10 + (size_t)(*fmt - '0');
                }
            }
        }
        bool is_long = false;
        while (*fmt == 'l' || *fmt == 'z') {
            is_long = *fmt++ == 'l' || sizeof(size_t) > sizeof(int);
        }
        char buf[24];
        const char *end = buf + sizeof(buf);
        const char *s = end;
        char conv = *fmt ? *fmt++ : '%';
        unsigned long u;
        bool neg = false;
        unsigned base = 10;
        switch (conv) {
            case 'd':
            case 'i': {
                long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
                neg = v < 0;
                u = neg ? -(unsigned long)v : (unsigned long)v;
                goto number;
            }
            case 'p':
                u = (uintptr_t)va_arg(ap, void *);
                base = 16;
                goto number;
            case 'u':
            case 'x':
            case 'X':
                u = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
                base = conv == 'u' ? 10 : 16;
            number : {
                char *q = buf + sizeof(buf);
                do {
                    *--q = (conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef")[u % base];
                    u /= base;
                } while (u);
                if (neg) {
                    *--q = '-';
                }
                s = q;
                break;
            }
            case 'c':
                buf[0] = (char)va_arg(ap, int);
                s = buf;
                end = buf + 1;
                break;
            case 's':
                s = va_arg(ap, const char *);
                end = s;
                while (*end && (size_t)(end - s) < prec) {
                    end++;
                }
                break;
            default:
                s = fmt - 1;
                end = fmt;
                break;
        }
        for (size_t n = (size_t)(end - s); n < width; n++) {
            p->write(p->data, &pad, 1);
        }
        p->write(p->data, s, (size_t)(end - s));
    }
}
#endif

void print_printf(const print_t *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    print_vprintf(p, fmt, ap);
    va_end(ap);
}

void vstr_init(vstr_t *v, size_t alloc) {
    if (alloc < 16) {
        alloc = 16;
    }
    v->len = 0;
    v->alloc = alloc;
    v->buf = gc_alloc(alloc);
}

void vstr_clear(vstr_t *v) {
    gc_free(v->buf);
    v->buf = NULL;
    v->len = v->alloc = 0;
}

// Makes room for n more bytes (plus a NUL) and returns where they go.
char *vstr_extend(vstr_t *v, size_t n) {
    if (v->len + n + 1 > v->alloc) {
        size_t want = v->alloc * 2;
        if (want < v->len + n + 1) {
            want = v->len + n + 1;
        }
        v->buf = gc_realloc(v->buf, want);
        v->alloc = want;
    }
    char *p = v->buf + v->len;
    v->len += n;
    return p;
}

void vstr_add_strn(vstr_t *v, const char *s, size_t len) {
    char *p = vstr_extend(v, len);
    memcpy(p, s, len);
}

void vstr_add_str(vstr_t *v, const char *s) {
    vstr_add_strn(v, s, strlen(s));
}

void vstr_add_byte(vstr_t *v, uint8_t b) {
    *vstr_extend(v, 1) = (char)b;
}

void vstr_add_char(vstr_t *v, uint32_t c) {
    if (c < 0x80) {
        vstr_add_byte(v, (uint8_t)c);
    } else if (c < 0x800) {
        char *p = vstr_extend(v, 2);
        p[0] = (char)(0xc0 | (c >> 6));
        p[1] = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        char *p = vstr_extend(v, 3);
        p[0] = (char)(0xe0 | (c >> 12));
        p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        p[2] = (char)(0x80 | (c & 0x3f));
    } else {
        char *p = vstr_extend(v, 4);
        p[0] = (char)(0xf0 | (c >> 18));
        p[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        p[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        p[3] = (char)(0x80 | (c & 0x3f));
    }
}

void vstr_printf(vstr_t *v, const char *fmt, ...) {
    print_t p;
    vstr_print_init(v, &p);
    va_list ap;
    va_start(ap, fmt);
    print_vprintf(&p, fmt, ap);
    va_end(ap);
}

static void write_vstr(void *data, const char *s, size_t len) {
    vstr_add_strn(data, s, len);
}

void vstr_print_init(vstr_t *v, print_t *p) {
    p->data = v;
    p->write = write_vstr;
}
