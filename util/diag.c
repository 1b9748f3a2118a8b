// util/diag.c: recording the first error of an operation as a value.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void diag_init(diag_t *d, const char *file) {
    memset(d, 0, sizeof(*d));
    d->file = file;
    d->offset = -1;
}

bool diag_failed(const diag_t *d) {
    return d->kind != DIAG_NONE;
}

static void vrecord(diag_t *d, diag_kind_t kind, int line, long offset, const char *fmt, va_list ap) {
    if (d->kind != DIAG_NONE) {
        return;
    }
    d->kind = kind;
    d->line = line;
    d->offset = offset;
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
}

bool diag_error(diag_t *d, diag_kind_t kind, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vrecord(d, kind, line, -1, fmt, ap);
    va_end(ap);
    return false;
}

bool diag_error_at(diag_t *d, long offset, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vrecord(d, DIAG_FORMAT_ERROR, 0, offset, fmt, ap);
    va_end(ap);
    return false;
}
