// cli/mpy_tool_diff.c: `mpy-tool diff`: compares two files structurally and
// names the first difference as a reader would look for it: a header
// field, a qstr, a constant, or the first differing function and, inside
// it, the first differing instruction (with its offset and source line).
// Operands compare by what they mean (names, constants), so a reordered
// qstr table does not make every instruction differ.
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mpy_tool.h"

typedef struct diff_ctx {
    const mpy_file_t *a;
    const mpy_file_t *b;
    buf_t *out;
    size_t n_diffs;
} diff_ctx_t;

static void note(diff_ctx_t *c, const char *fmt, const char *x, const char *y) {
    buf_printf(c->out, fmt, x, y);
    buf_byte(c->out, '\n');
    c->n_diffs++;
}

static void diff_header(diff_ctx_t *c) {
    const mpy_file_t *a = c->a, *b = c->b;
    char x[64], y[64];
    if (a->arch != b->arch || a->sub_version != b->sub_version || a->arch_flags != b->arch_flags) {
        snprintf(x, sizeof(x), "%s/%u/0x%x", mpy_arch_name(a->arch), a->sub_version, a->arch_flags);
        snprintf(y, sizeof(y), "%s/%u/0x%x", mpy_arch_name(b->arch), b->sub_version, b->arch_flags);
        note(c, "header: arch/sub-version/flags %s vs %s", x, y);
    }
    if (a->small_int_bits != b->small_int_bits) {
        snprintf(x, sizeof(x), "%u", a->small_int_bits);
        snprintf(y, sizeof(y), "%u", b->small_int_bits);
        note(c, "header: small-int bits %s vs %s", x, y);
    }
}

static bool qstr_equal(const mpy_qstr_t *x, const mpy_qstr_t *y) {
    return x->is_static == y->is_static && x->len == y->len && memcmp(x->str, y->str, x->len) == 0;
}

static void diff_qstrs(diff_ctx_t *c) {
    const mpy_file_t *a = c->a, *b = c->b;
    size_t n = a->n_qstrs < b->n_qstrs ? a->n_qstrs : b->n_qstrs;
    for (size_t i = 0; i < n; i++) {
        if (!qstr_equal(&a->qstrs[i], &b->qstrs[i])) {
            buf_printf(c->out, "qstr %zu: ", i);
            mpy_quote(c->out, (const uint8_t *)a->qstrs[i].str, a->qstrs[i].len, 0);
            buf_str(c->out, " vs ");
            mpy_quote(c->out, (const uint8_t *)b->qstrs[i].str, b->qstrs[i].len, 0);
            buf_byte(c->out, '\n');
            c->n_diffs++;
            break;
        }
    }
    if (a->n_qstrs != b->n_qstrs) {
        buf_printf(c->out, "qstrs: %zu vs %zu entries\n", a->n_qstrs, b->n_qstrs);
        c->n_diffs++;
    }
}

static void diff_objs(diff_ctx_t *c) {
    const mpy_file_t *a = c->a, *b = c->b;
    size_t n = a->n_objs < b->n_objs ? a->n_objs : b->n_objs;
    for (size_t i = 0; i < n; i++) {
        buf_t x, y;
        buf_init(&x);
        buf_init(&y);
        mpy_obj_repr(&x, &a->objs[i]);
        mpy_obj_repr(&y, &b->objs[i]);
        bool same = a->objs[i].kind == b->objs[i].kind && x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
        if (!same) {
            buf_printf(c->out, "constant %zu: %.*s vs %.*s\n", i, (int)x.len, (const char *)x.data, (int)y.len,
                (const char *)y.data);
            c->n_diffs++;
        }
        buf_deinit(&x);
        buf_deinit(&y);
        if (!same) {
            break;
        }
    }
    if (a->n_objs != b->n_objs) {
        buf_printf(c->out, "constants: %zu vs %zu entries\n", a->n_objs, b->n_objs);
        c->n_diffs++;
    }
}

// An instruction as text for comparison: name and operand.
static void insn_text(const mpy_file_t *f, const mpy_raw_code_t *rc, size_t ops, const mpy_insn_t *in, buf_t *t) {
    buf_reset(t);
    buf_str(t, mpy_insn_name(in));
    buf_byte(t, ' ');
    mpy_dis_operand(f, rc, ops, in, t);
    buf_byte(t, 0);
}

static bool prelude_of(const mpy_raw_code_t *rc, mpy_prelude_t *p) {
    diag_t d;
    diag_init(&d, NULL);
    return mpy_prelude_decode(rc->code, rc->code_len, 0, p, &d);
}

// Compares the opcodes of two bytecode functions; reports the first
// instruction that differs. Returns true if they are the same.
static bool diff_opcodes(diff_ctx_t *c, const mpy_raw_code_t *x, const mpy_raw_code_t *y, const char *where) {
    mpy_prelude_t px, py;
    if (!prelude_of(x, &px) || !prelude_of(y, &py)) {
        return false;
    }
    buf_t tx, ty;
    buf_init(&tx);
    buf_init(&ty);
    size_t ax = px.opcodes_offset, ay = py.opcodes_offset;
    bool same = true;
    for (size_t k = 0; same && (ax < x->code_len || ay < y->code_len); k++) {
        mpy_insn_t ix, iy;
        bool okx = ax < x->code_len && mpy_insn_decode(x->code, x->code_len, ax, &ix) == NULL;
        bool oky = ay < y->code_len && mpy_insn_decode(y->code, y->code_len, ay, &iy) == NULL;
        if (okx) {
            insn_text(c->a, x, px.opcodes_offset, &ix, &tx);
        }
        if (oky) {
            insn_text(c->b, y, py.opcodes_offset, &iy, &ty);
        }
        if (okx && oky && strcmp((char *)tx.data, (char *)ty.data) == 0) {
            ax += ix.len;
            ay += iy.len;
            continue;
        }
        size_t rx = ax - px.opcodes_offset, ry = ay - py.opcodes_offset;
        buf_printf(c->out, "%s: instruction %zu differs (offset %zu, line %zu vs offset %zu, line %zu):\n", where, k,
            rx, mpy_line_for_offset(x->code, &px, rx), ry, mpy_line_for_offset(y->code, &py, ry));
        buf_printf(c->out, "  - %s\n  + %s\n", okx ? (char *)tx.data : "(end of code)",
            oky ? (char *)ty.data : "(end of code)");
        c->n_diffs++;
        same = false;
    }
    buf_deinit(&tx);
    buf_deinit(&ty);
    return same;
}

static bool diff_prelude(diff_ctx_t *c, const mpy_raw_code_t *x, const mpy_raw_code_t *y, const char *where) {
    mpy_prelude_t px, py;
    if (!prelude_of(x, &px) || !prelude_of(y, &py)) {
        return false;
    }
    if (px.n_state != py.n_state || px.n_exc_stack != py.n_exc_stack || px.scope_flags != py.scope_flags
        || px.n_pos_args != py.n_pos_args || px.n_kwonly_args != py.n_kwonly_args
        || px.n_def_pos_args != py.n_def_pos_args) {
        buf_printf(c->out, "%s: prelude differs: n_state %u/%u, n_exc_stack %u/%u, flags 0x%x/0x%x, args %u/%u,"
            " kwonly %u/%u, defaults %u/%u\n", where, px.n_state, py.n_state, px.n_exc_stack, py.n_exc_stack,
            px.scope_flags, py.scope_flags, px.n_pos_args, py.n_pos_args, px.n_kwonly_args, py.n_kwonly_args,
            px.n_def_pos_args, py.n_def_pos_args);
        c->n_diffs++;
        return false;
    }
    size_t lx = px.cell_offset - px.line_info_offset, ly = py.cell_offset - py.line_info_offset;
    bool cells_same = px.n_cell == py.n_cell && memcmp(x->code + px.cell_offset, y->code + py.cell_offset, px.n_cell) == 0;
    if (!cells_same) {
        buf_printf(c->out, "%s: closure cells differ\n", where);
        c->n_diffs++;
        return false;
    }
    if (lx != ly || memcmp(x->code + px.line_info_offset, y->code + py.line_info_offset, lx) != 0) {
        buf_printf(c->out, "%s: line table differs (%zu vs %zu bytes)\n", where, lx, ly);
        c->n_diffs++;
        return false;
    }
    return true;
}

static bool diff_machine(diff_ctx_t *c, const mpy_raw_code_t *x, const mpy_raw_code_t *y, const char *where) {
    size_t n = x->code_len < y->code_len ? x->code_len : y->code_len;
    for (size_t i = 0; i < n; i++) {
        if (x->code[i] != y->code[i]) {
            buf_printf(c->out, "%s: machine code differs at code offset %zu (0x%02x vs 0x%02x)\n", where, i,
                x->code[i], y->code[i]);
            c->n_diffs++;
            return false;
        }
    }
    bool same = x->code_len == y->code_len && x->prelude_offset == y->prelude_offset && x->scope_flags == y->scope_flags
        && x->n_pos_args == y->n_pos_args && x->type_sig == y->type_sig && x->rodata_size == y->rodata_size
        && x->bss_size == y->bss_size && x->reloc_len == y->reloc_len
        && (x->rodata_size == 0 || memcmp(x->rodata, y->rodata, x->rodata_size) == 0)
        && (x->reloc_len == 0 || memcmp(x->reloc, y->reloc, x->reloc_len) == 0);
    if (!same) {
        buf_printf(c->out, "%s: machine code length or native extras differ (%zu vs %zu bytes)\n", where, x->code_len,
            y->code_len);
        c->n_diffs++;
    }
    return same;
}

// Walks both trees in step; stops at the first differing function.
static bool diff_function(diff_ctx_t *c, const mpy_raw_code_t *x, const mpy_raw_code_t *y, char *path, size_t plen,
    int depth) {
    char where[1200];
    const char *nx = tool_function_name(c->a, x), *ny = tool_function_name(c->b, y);
    snprintf(where, sizeof(where), "function %s %s", path, nx);
    if (x->kind != y->kind || strcmp(nx, ny) != 0) {
        buf_printf(c->out, "function %s: %s %s vs %s %s\n", path, tool_kind_name(x->kind), nx, tool_kind_name(y->kind),
            ny);
        c->n_diffs++;
        return false;
    }
    bool same = x->kind == MPY_CODE_BYTECODE ? diff_prelude(c, x, y, where) && diff_opcodes(c, x, y, where)
                                             : diff_machine(c, x, y, where);
    if (!same) {
        return false;
    }
    if (x->n_children != y->n_children) {
        buf_printf(c->out, "%s: %zu vs %zu children\n", where, x->n_children, y->n_children);
        c->n_diffs++;
        return false;
    }
    for (size_t i = 0; i < x->n_children && depth < 200; i++) {
        int n = snprintf(path + plen, 1024 - plen, ".%zu", i);
        if (n < 0 || (size_t)n >= 1024 - plen) {
            continue;
        }
        if (!diff_function(c, &x->children[i], &y->children[i], path, plen + (size_t)n, depth + 1)) {
            return false;
        }
        path[plen] = '\0';
    }
    return true;
}

static void usage(FILE *to) {
    fprintf(to,
        "usage: mpy-tool diff A.mpy B.mpy\n"
        "Compares two files structurally: header, qstr and constant tables, then\n"
        "the function trees in order, naming the first differing function and\n"
        "its first differing instruction (offset and source line in each file).\n"
        "Exit status: 0 same, 1 different, 2 usage or unreadable input.\n");
}

int tool_diff_main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return 0;
        }
        usage(stderr);
        return 2;
    }
    if (argc - optind != 2) {
        usage(stderr);
        return 2;
    }
    tool_input_t a, b;
    bool ok_a = tool_load(&a, argv[optind]);
    bool ok_b = tool_load(&b, argv[optind + 1]);
    int status = 2;
    if (!ok_a || !ok_b) {
        if (!ok_a) {
            tool_print_diag(stderr, &a);
        }
        if (!ok_b) {
            tool_print_diag(stderr, &b);
        }
    } else {
        buf_t out;
        buf_init(&out);
        diff_ctx_t c = {&a.file, &b.file, &out, 0};
        diff_header(&c);
        diff_qstrs(&c);
        diff_objs(&c);
        char path[1024] = "0";
        diff_function(&c, &a.file.root, &b.file.root, path, 1, 0);
        if (c.n_diffs == 0 && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)) {
            buf_str(&out, "files differ in encoding only (same structure)\n");
            c.n_diffs++;
        }
        status = c.n_diffs ? 1 : 0;
        if (!tool_write_stdout(&out)) {
            status = 2;
        }
        buf_deinit(&out);
    }
    tool_unload(&a);
    tool_unload(&b);
    return status;
}
