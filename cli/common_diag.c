// cli/common_diag.c: diagnostics as text, for every command. The wording
// of Python-level errors follows MicroPython's mp_obj_print_exception so
// that mpy-cross prints exactly what the official tool prints.
#include <string.h>

#include "common.h"

static const char *const python_kind_names[] = {
    [DIAG_SYNTAX_ERROR] = "SyntaxError",
    [DIAG_INDENT_ERROR] = "IndentationError",
    [DIAG_VALUE_ERROR] = "ValueError",
    [DIAG_NOT_IMPLEMENTED] = "NotImplementedError",
    [DIAG_RUNTIME_ERROR] = "RuntimeError",
    [DIAG_OVERFLOW_ERROR] = "OverflowError",
    [DIAG_VIPER_TYPE_ERROR] = "ViperTypeError",
    [DIAG_MEMORY_ERROR] = "MemoryError",
};

enum {
    N_PYTHON_KINDS = sizeof(python_kind_names) / sizeof(python_kind_names[0]),
};

bool common_diag_is_python(const diag_t *d) {
    return (unsigned)d->kind < N_PYTHON_KINDS && python_kind_names[d->kind] != NULL;
}

const char *common_diag_kind_name(diag_kind_t kind) {
    return (unsigned)kind < N_PYTHON_KINDS ? python_kind_names[kind] : NULL;
}

void common_format_diag(buf_t *out, const char *prog, const diag_t *d, const char *source_name) {
    if (!common_diag_is_python(d)) {
        buf_printf(out, "%s: %s\n", prog, d->msg[0] != '\0' ? d->msg : "error");
        return;
    }
    if (d->line > 0) {
        const char *name = d->file != NULL ? d->file : source_name;
        buf_printf(out, "Traceback (most recent call last):\n  File \"%s\", line %d",
            name != NULL ? name : "", d->line);
        if (d->scope[0] != '\0') {
            buf_printf(out, ", in %s", d->scope);
        }
        buf_str(out, "\n");
    }
    buf_printf(out, "%s: %s\n", python_kind_names[d->kind], d->msg);
}

void common_print_diag(FILE *out, const char *prog, const diag_t *d, const char *source_name) {
    buf_t b;
    buf_init(&b);
    common_format_diag(&b, prog, d, source_name);
    if (!b.failed && b.len > 0) {
        fwrite(b.data, 1, b.len, out);
    }
    fflush(out);
    buf_deinit(&b);
}
