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
