// mpyformat/prelude.c: the bytecode prelude (signature, sizes, source info,
// cells) and its line-number table, decoded and encoded. The bit layouts
// are those of MicroPython's py/bc.h; the reader, the disassembler and the
// VM all decode through here.
#include <string.h>

#include "mpyformat.h"

// The signature packs six numbers, low bits first:
//   first byte   x SSSS E AA    (x: another byte follows)
//   later bytes  x F SS K A E D
// n_state is stored minus one. Eleven later bytes give every argument
// count more than 16 bits, so a longer signature cannot be genuine.
enum {
    SIG_MAX_BYTES = 12,
    SIZE_MAX_BYTES = 6,
};

typedef struct sig_fields {
    uint64_t s, e, f, a, k, d;
} sig_fields_t;

static bool decode_sig(const uint8_t *code, size_t len, size_t *pos, sig_fields_t *out, const char **why) {
    size_t p = *pos;
    memset(out, 0, sizeof(*out));
    if (p >= len) {
        *why = "truncated prelude signature";
        return false;
    }
    uint8_t z = code[p++];
    out->s = (z >> 3) & 0xf;
    out->e = (z >> 2) & 1;
    out->a = z & 3;
    for (unsigned n = 0; z & 0x80; n++) {
        if (n + 1 >= SIG_MAX_BYTES) {
            *why = "prelude signature too long";
            return false;
        }
        if (p >= len) {
            *why = "truncated prelude signature";
            return false;
        }
        z = code[p++];
        out->s |= (uint64_t)((z >> 4) & 3) << (4 + 2 * n);
        out->e |= (uint64_t)((z >> 1) & 1) << (1 + n);
        out->f |= (uint64_t)((z >> 6) & 1) << n;
        out->a |= (uint64_t)((z >> 2) & 1) << (2 + n);
        out->k |= (uint64_t)((z >> 3) & 1) << n;
        out->d |= (uint64_t)(z & 1) << n;
    }
    *pos = p;
    return true;
}

// The sizes: bytes of the form x IIIIII C, low bits first.
static bool decode_size(const uint8_t *code, size_t len, size_t *pos, uint64_t *n_info, uint64_t *n_cell,
    const char **why) {
    size_t p = *pos;
    *n_info = 0;
    *n_cell = 0;
    for (unsigned n = 0;; n++) {
        if (n >= SIZE_MAX_BYTES) {
            *why = "prelude size too long";
            return false;
        }
        if (p >= len) {
            *why = "truncated prelude size";
            return false;
        }
        uint8_t z = code[p++];
        *n_cell |= (uint64_t)(z & 1) << n;
        *n_info |= (uint64_t)((z >> 1) & 0x3f) << (6 * n);
        if (!(z & 0x80)) {
            break;
        }
    }
    *pos = p;
    return true;
}

static bool fail(diag_t *d, long base, size_t at, const char *why) {
    return diag_error_at(d, base + (long)at, "%s", why);
}

static bool check_sig(const sig_fields_t *sig, mpy_prelude_t *out, long base, diag_t *d) {
    if (sig->f & ~(uint64_t)MPY_SCOPE_FLAG_ALL_SIG) {
        return fail(d, base, 0, "prelude has unknown scope flags");
    }
    if (sig->s + 1 > UINT32_MAX || sig->e > UINT32_MAX || sig->a > UINT16_MAX || sig->k > UINT16_MAX
        || sig->d > UINT16_MAX) {
        return fail(d, base, 0, "prelude counts out of range");
    }
    out->n_state = (uint32_t)sig->s + 1;
    out->n_exc_stack = (uint32_t)sig->e;
    out->scope_flags = (uint32_t)sig->f;
    out->n_pos_args = (uint32_t)sig->a;
    out->n_kwonly_args = (uint32_t)sig->k;
    out->n_def_pos_args = (uint32_t)sig->d;
    if (out->n_def_pos_args > out->n_pos_args) {
        return fail(d, base, 0, "prelude has more defaults than positional arguments");
    }
    uint64_t n_args = (uint64_t)out->n_pos_args + out->n_kwonly_args
        + ((out->scope_flags & MPY_SCOPE_FLAG_VARARGS) != 0) + ((out->scope_flags & MPY_SCOPE_FLAG_VARKEYWORDS) != 0);
    if (n_args > out->n_state) {
        return fail(d, base, 0, "prelude has more arguments than state slots");
    }
    return true;
}

// Walks the line table [start, end) checking each two-byte entry is whole.
static bool check_lines(const uint8_t *code, size_t start, size_t end, long base, diag_t *d) {
    for (size_t p = start; p < end;) {
        if (code[p] & 0x80) {
            if (p + 1 >= end) {
                return fail(d, base, p, "truncated line-number entry");
            }
            p += 2;
        } else {
            p += 1;
        }
    }
    return true;
}

static bool decode_info(const uint8_t *code, long base, mpy_prelude_t *out, diag_t *d) {
    size_t p = out->info_offset;
    uint64_t v;
    const char *why = mpy_read_vuint(code, out->cell_offset, &p, &v);
    if (why != NULL) {
        return fail(d, base, p, why);
    }
    if (v > UINT32_MAX) {
        return fail(d, base, out->info_offset, "qstr index out of range");
    }
    out->name = (uint32_t)v;
    out->args_offset = p;
    for (uint32_t i = 0; i < out->n_pos_args + out->n_kwonly_args; i++) {
        size_t at = p;
        why = mpy_read_vuint(code, out->cell_offset, &p, &v);
        if (why != NULL) {
            return fail(d, base, at, why);
        }
        if (v > UINT32_MAX) {
            return fail(d, base, at, "qstr index out of range");
        }
    }
    out->line_info_offset = p;
    return check_lines(code, p, out->cell_offset, base, d);
}

bool mpy_prelude_decode(const uint8_t *code, size_t len, long base, mpy_prelude_t *out, diag_t *d) {
    memset(out, 0, sizeof(*out));
    const char *why = NULL;
    sig_fields_t sig;
    size_t p = 0;
    if (!decode_sig(code, len, &p, &sig, &why)) {
        return fail(d, base, p, why);
    }
    if (!check_sig(&sig, out, base, d)) {
        return false;
    }
    out->size_offset = p;
    uint64_t n_info, n_cell;
    if (!decode_size(code, len, &p, &n_info, &n_cell, &why)) {
        return fail(d, base, p, why);
    }
    out->info_offset = p;
    if (n_info > len - p || n_cell > len - p - n_info) {
        return fail(d, base, out->size_offset, "prelude sizes exceed the code");
    }
    out->n_info = (uint32_t)n_info;
    out->n_cell = (uint32_t)n_cell;
    out->cell_offset = p + n_info;
    out->opcodes_offset = out->cell_offset + n_cell;
    if (n_info == 0) {
        return fail(d, base, out->size_offset, "prelude has no function name");
    }
    if (!decode_info(code, base, out, d)) {
        return false;
    }
    for (size_t c = out->cell_offset; c < out->opcodes_offset; c++) {
        if (code[c] >= out->n_state) {
            return fail(d, base, c, "closure cell names a local beyond the state");
        }
    }
    return true;
}

void mpy_prelude_arg_names(const uint8_t *code, const mpy_prelude_t *p, uint32_t *names) {
    size_t at = p->args_offset;
    for (uint32_t i = 0; i < p->n_pos_args + p->n_kwonly_args; i++) {
        uint64_t v = 0;
        mpy_read_vuint(code, p->cell_offset, &at, &v);
        names[i] = (uint32_t)v;
    }
}

void mpy_prelude_encode_sig(buf_t *out, const mpy_prelude_t *p) {
    uint64_t s = p->n_state - 1;
    uint64_t e = p->n_exc_stack;
    uint64_t f = p->scope_flags & MPY_SCOPE_FLAG_ALL_SIG;
    uint64_t a = p->n_pos_args;
    uint64_t k = p->n_kwonly_args;
    uint64_t d = p->n_def_pos_args;
    uint8_t z = (uint8_t)((s & 0xf) << 3 | (e & 1) << 2 | (a & 3));
    s >>= 4;
    e >>= 1;
    a >>= 2;
    while (s | e | f | a | k | d) {
        buf_byte(out, 0x80 | z);
        z = (uint8_t)((f & 1) << 6 | (s & 3) << 4 | (k & 1) << 3 | (a & 1) << 2 | (e & 1) << 1 | (d & 1));
        s >>= 2;
        e >>= 1;
        f >>= 1;
        a >>= 1;
        k >>= 1;
        d >>= 1;
    }
    buf_byte(out, z);
}

void mpy_prelude_encode_size(buf_t *out, uint32_t n_info, uint32_t n_cell) {
    uint64_t i = n_info;
    uint64_t c = n_cell;
    for (;;) {
        uint8_t z = (uint8_t)((i & 0x3f) << 1 | (c & 1));
        c >>= 1;
        i >>= 6;
        if (c | i) {
            z |= 0x80;
        }
        buf_byte(out, z);
        if (!(c | i)) {
            break;
        }
    }
}

void mpy_line_iter_init(mpy_line_iter_t *it, const uint8_t *code, const mpy_prelude_t *p) {
    it->p = code + p->line_info_offset;
    it->end = code + p->cell_offset;
    it->bc_offset = 0;
    it->line = 1;
}

// Entries: 0LLBBBBB (up to 31 bytes, 3 lines) or 1LLLBBBB LLLLLLLL (up to 15
// bytes, 2047 lines; the second byte holds the low bits of the lines).
bool mpy_line_next(mpy_line_iter_t *it, size_t *bytes, size_t *lines) {
    if (it->p >= it->end) {
        return false;
    }
    uint8_t c = it->p[0];
    if ((c & 0x80) == 0) {
        *bytes = c & 0x1f;
        *lines = c >> 5;
        it->p += 1;
    } else {
        if (it->end - it->p < 2) {
            return false;
        }
        *bytes = c & 0xf;
        *lines = ((size_t)(c & 0x70) << 4) | it->p[1];
        it->p += 2;
    }
    it->bc_offset += *bytes;
    it->line += *lines;
    return true;
}

size_t mpy_line_for_offset(const uint8_t *code, const mpy_prelude_t *p, size_t bc_offset) {
    mpy_line_iter_t it;
    mpy_line_iter_init(&it, code, p);
    size_t line = 1;
    size_t bytes, lines;
    while (mpy_line_next(&it, &bytes, &lines)) {
        if (bc_offset < bytes) {
            break;
        }
        bc_offset -= bytes;
        line += lines;
    }
    return line;
}

size_t mpy_line_entry_encode(uint8_t out[2], size_t *bytes, size_t *lines) {
    size_t b;
    size_t l;
    size_t n;
    if (*lines <= 6 || *bytes > 0xf) {
        b = *bytes < 0x1f ? *bytes : 0x1f;
        l = b < *bytes ? 0 : (*lines < 3 ? *lines : 3);
        out[0] = (uint8_t)(b | l << 5);
        n = 1;
    } else {
        b = *bytes < 0xf ? *bytes : 0xf;
        l = *lines < 0x7ff ? *lines : 0x7ff;
        out[0] = (uint8_t)(0x80 | b | ((l >> 4) & 0x70));
        out[1] = (uint8_t)l;
        n = 2;
    }
    *bytes -= b;
    *lines -= l;
    return n;
}
