// mpyformat/disasm.c: turns the functions of a file read by mpy_read into
// text or JSON: bytecode instruction by instruction with names, constants,
// labels and source lines; machine code through a per-architecture
// disassembler when the project has one, else as hex. The file must have
// passed mpy_read: decoding here relies on its checks.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpyformat.h"

// ---------------------------------------------------------------------------
// Quoting.

static bool is_utf8(const uint8_t *s, size_t len) {
    for (size_t i = 0; i < len;) {
        uint8_t c = s[i];
        size_t n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
        if (n == 9 || n > len - i - 1) {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return false;
            }
        }
        i += n + 1;
    }
    return true;
}

void mpy_json_string(buf_t *out, const uint8_t *s, size_t len) {
    bool utf8 = is_utf8(s, len);
    buf_byte(out, '"');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            buf_byte(out, '\\');
            buf_byte(out, c);
        } else if (c == '\n') {
            buf_str(out, "\\n");
        } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
            buf_printf(out, "\\u%04x", c);
        } else {
            buf_byte(out, c);
        }
    }
    buf_byte(out, '"');
}

void mpy_quote(buf_t *out, const uint8_t *s, size_t len, char prefix) {
    bool has_single = memchr(s, '\'', len) != NULL;
    bool has_double = memchr(s, '"', len) != NULL;
    char q = (has_single && !has_double) ? '"' : '\'';
    if (prefix != 0) {
        buf_byte(out, (uint8_t)prefix);
    }
    buf_byte(out, (uint8_t)q);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (c == q || c == '\\') {
            buf_byte(out, '\\');
            buf_byte(out, c);
        } else if (c == '\n') {
            buf_str(out, "\\n");
        } else if (c == '\r') {
            buf_str(out, "\\r");
        } else if (c == '\t') {
            buf_str(out, "\\t");
        } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && prefix == 'b')) {
            buf_printf(out, "\\x%02x", c);
        } else {
            buf_byte(out, c);
        }
    }
    buf_byte(out, (uint8_t)q);
}

void mpy_obj_repr(buf_t *out, const mpy_obj_t *o) {
    switch (o->kind) {
        case MPY_OBJ_FUN_TABLE: buf_str(out, "<fun_table>"); break;
        case MPY_OBJ_NONE: buf_str(out, "None"); break;
        case MPY_OBJ_FALSE: buf_str(out, "False"); break;
        case MPY_OBJ_TRUE: buf_str(out, "True"); break;
        case MPY_OBJ_ELLIPSIS: buf_str(out, "Ellipsis"); break;
        case MPY_OBJ_STR: mpy_quote(out, o->data, o->len, 0); break;
        case MPY_OBJ_BYTES: mpy_quote(out, o->data, o->len, 'b'); break;
        case MPY_OBJ_TUPLE:
            buf_byte(out, '(');
            for (size_t i = 0; i < o->n_items; i++) {
                if (i > 0) {
                    buf_str(out, ", ");
                }
                mpy_obj_repr(out, &o->items[i]);
            }
            buf_str(out, o->n_items == 1 ? ",)" : ")");
            break;
        default: buf_append(out, o->data, o->len); break;
    }
}

// ---------------------------------------------------------------------------
// Operands.

static const char *child_name(const mpy_file_t *f, const mpy_raw_code_t *child) {
    if (child->kind == MPY_CODE_VIPER || child->kind == MPY_CODE_ASM) {
        return child->kind == MPY_CODE_VIPER ? "<viper>" : "<asm>";
    }
    size_t off = child->kind == MPY_CODE_NATIVE ? child->prelude_offset : 0;
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    if (!mpy_prelude_decode(child->code + off, child->code_len - off, 0, &p, &d) || p.name >= f->n_qstrs) {
        return "?";
    }
    return f->qstrs[p.name].str;
}

static void call_operand(uint64_t arg, buf_t *out) {
    buf_printf(out, "%llu", (unsigned long long)(arg & 0xff));
    if (arg >> 8) {
        buf_printf(out, " kw=%llu", (unsigned long long)(arg >> 8));
    }
}

static void multi_operand(const mpy_insn_t *in, buf_t *out) {
    if ((unsigned)(in->op - MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST) < MPY_OP_LOAD_CONST_SMALL_INT_MULTI_COUNT) {
        buf_printf(out, "%lld", (long long)in->sarg);
    } else if ((unsigned)(in->op - MPY_OP_UNARY_OP_MULTI_FIRST) < MPY_OP_UNARY_OP_MULTI_COUNT) {
        buf_str(out, mpy_unary_op_name((uint32_t)in->arg));
    } else if ((unsigned)(in->op - MPY_OP_BINARY_OP_MULTI_FIRST) < MPY_OP_BINARY_OP_MULTI_COUNT) {
        buf_str(out, mpy_binary_op_name((uint32_t)in->arg));
    } else {
        buf_printf(out, "%llu", (unsigned long long)in->arg);
    }
}

static void qstr_operand(const mpy_file_t *f, const mpy_insn_t *in, buf_t *out) {
    const mpy_qstr_t *q = &f->qstrs[in->arg];
    if (in->op == MPY_OP_LOAD_CONST_STRING) {
        mpy_quote(out, (const uint8_t *)q->str, q->len, 0);
    } else {
        buf_append(out, q->str, q->len);
    }
}

// Jumps are printed by the caller (as labels or offsets).
static void plain_operand(const mpy_file_t *f, const mpy_raw_code_t *rc, const mpy_insn_t *in, buf_t *out) {
    switch (in->fmt) {
        case MPY_FMT_QSTR: qstr_operand(f, in, out); break;
        case MPY_FMT_CONST: mpy_obj_repr(out, &f->objs[in->arg]); break;
        case MPY_FMT_SINT: buf_printf(out, "%lld", (long long)in->sarg); break;
        case MPY_FMT_CHILD:
        case MPY_FMT_CHILD_X:
            buf_printf(out, "%llu (%s)", (unsigned long long)in->arg, child_name(f, &rc->children[in->arg]));
            if (in->fmt == MPY_FMT_CHILD_X) {
                buf_printf(out, " closed=%u", in->extra);
            }
            break;
        case MPY_FMT_UINT:
            if (in->op >= MPY_OP_CALL_FUNCTION && in->op <= MPY_OP_CALL_METHOD_VAR_KW) {
                call_operand(in->arg, out);
            } else {
                buf_printf(out, "%llu", (unsigned long long)in->arg);
            }
            break;
        case MPY_FMT_NONE:
            if (mpy_op_name(in->op) != mpy_insn_name(in)) {
                multi_operand(in, out);
            }
            break;
        default: break;
    }
}

static void unwind_suffix(const mpy_insn_t *in, buf_t *out) {
    if (in->fmt == MPY_FMT_SJUMP_X) {
        buf_printf(out, " unwind=%u%s", in->extra & 0x7f, (in->extra & 0x80) ? " pop-iter" : "");
    }
}

void mpy_dis_operand(const mpy_file_t *f, const mpy_raw_code_t *rc, size_t opcodes_offset, const mpy_insn_t *insn,
    buf_t *out) {
    if (insn->is_jump) {
        buf_printf(out, "to %lld", (long long)(insn->target - (int64_t)opcodes_offset));
        unwind_suffix(insn, out);
        return;
    }
    plain_operand(f, rc, insn, out);
}

// ---------------------------------------------------------------------------
// One bytecode function.

typedef struct dis_ctx {
    const mpy_file_t *f;
    const mpy_raw_code_t *rc;
    const char *path;
    bool json;
    const mpy_native_dis_fn *native;
    buf_t *out;
    mpy_prelude_t p;
    int *labels;   // per code offset: label number + 1, or 0
} dis_ctx_t;

static void number_labels(dis_ctx_t *c) {
    const mpy_raw_code_t *rc = c->rc;
    for (size_t pos = c->p.opcodes_offset; pos < rc->code_len;) {
        mpy_insn_t in;
        if (mpy_insn_decode(rc->code, rc->code_len, pos, &in) != NULL || in.len == 0) {
            break;
        }
        if (in.is_jump && in.target >= 0 && in.target < (int64_t)rc->code_len) {
            c->labels[in.target] = 1;
        }
        pos += in.len;
    }
    int n = 0;
    for (size_t i = 0; i < rc->code_len; i++) {
        if (c->labels[i]) {
            c->labels[i] = ++n;
        }
    }
}

static void insn_text(dis_ctx_t *c, const mpy_insn_t *in, buf_t *out) {
    buf_str(out, mpy_insn_name(in));
    size_t before = out->len;
    buf_byte(out, ' ');
    if (in->is_jump) {
        int label = (in->target >= 0 && in->target < (int64_t)c->rc->code_len) ? c->labels[in->target] : 0;
        buf_printf(out, "L%d", label - 1);
        unwind_suffix(in, out);
    } else {
        plain_operand(c->f, c->rc, in, out);
    }
    if (out->len == before + 1) {
        out->len = before;
    }
}

static void arg_names_text(dis_ctx_t *c, const uint8_t *code, buf_t *out) {
    uint32_t n = c->p.n_pos_args + c->p.n_kwonly_args;
    uint32_t *names = n ? malloc(n * sizeof(uint32_t)) : NULL;
    if (n && names == NULL) {
        out->failed = true;
        return;
    }
    mpy_prelude_arg_names(code, &c->p, names);
    for (uint32_t i = 0; i < n; i++) {
        const mpy_qstr_t *q = &c->f->qstrs[names[i]];
        if (c->json) {
            buf_str(out, i ? ", " : "");
            mpy_json_string(out, (const uint8_t *)q->str, q->len);
        } else {
            buf_printf(out, "%s%.*s", i ? ", " : "", (int)q->len, q->str);
        }
    }
    free(names);
}

static void prelude_text(dis_ctx_t *c, const uint8_t *code) {
    const mpy_prelude_t *p = &c->p;
    buf_t *out = c->out;
    buf_printf(out, "  n_state %u, n_exc_stack %u, scope_flags 0x%02x, args %u, kwonly %u, defaults %u\n",
        p->n_state, p->n_exc_stack, p->scope_flags, p->n_pos_args, p->n_kwonly_args, p->n_def_pos_args);
    buf_str(out, "  arg names: (");
    arg_names_text(c, code, out);
    buf_str(out, ")\n");
    if (p->n_cell > 0) {
        buf_str(out, "  cells:");
        for (size_t i = p->cell_offset; i < p->opcodes_offset; i++) {
            buf_printf(out, " %u", code[i]);
        }
        buf_byte(out, '\n');
    }
}

static void prelude_json(dis_ctx_t *c, const uint8_t *code) {
    const mpy_prelude_t *p = &c->p;
    buf_t *out = c->out;
    buf_printf(out, ", \"n_state\": %u, \"n_exc_stack\": %u, \"scope_flags\": %u, \"n_pos_args\": %u"
        ", \"n_kwonly_args\": %u, \"n_def_pos_args\": %u, \"arg_names\": [",
        p->n_state, p->n_exc_stack, p->scope_flags, p->n_pos_args, p->n_kwonly_args, p->n_def_pos_args);
    arg_names_text(c, code, out);
    buf_str(out, "], \"cells\": [");
    for (size_t i = p->cell_offset; i < p->opcodes_offset; i++) {
        buf_printf(out, "%s%u", i > p->cell_offset ? ", " : "", code[i]);
    }
    buf_str(out, "]");
}

// The line of each instruction comes from walking the line table in step
// with the opcodes.
typedef struct line_walk {
    mpy_line_iter_t it;
    size_t next_offset;   // bytecode offset where the next entry applies
    size_t next_line;
    size_t line;
    bool more;
} line_walk_t;

static void line_walk_init(line_walk_t *w, const uint8_t *code, const mpy_prelude_t *p) {
    mpy_line_iter_init(&w->it, code, p);
    w->line = 1;
    size_t bytes, lines;
    w->more = mpy_line_next(&w->it, &bytes, &lines);
    w->next_offset = w->it.bc_offset;
    w->next_line = w->it.line;
}

// Mirrors mpy_line_for_offset: an entry's line applies from its end offset.
static size_t line_walk_at(line_walk_t *w, size_t bc_offset) {
    while (w->more && bc_offset >= w->next_offset) {
        w->line = w->next_line;
        size_t bytes, lines;
        w->more = mpy_line_next(&w->it, &bytes, &lines);
        w->next_offset = w->it.bc_offset;
        w->next_line = w->it.line;
    }
    return w->line;
}

static void insn_line(dis_ctx_t *c, const mpy_insn_t *in, size_t pos, size_t line, bool show_line) {
    buf_t *out = c->out;
    size_t rel = pos - c->p.opcodes_offset;
    int label = c->labels[pos];
    if (c->json) {
        buf_printf(out, "%s\n      {\"offset\": %zu, \"line\": %zu, \"op\": \"%s\"", rel == 0 ? "" : ",", rel, line,
            mpy_insn_name(in));
        if (label) {
            buf_printf(out, ", \"label\": \"L%d\"", label - 1);
        }
        if (in->is_jump) {
            buf_printf(out, ", \"target\": %lld", (long long)(in->target - (int64_t)c->p.opcodes_offset));
        }
        buf_str(out, ", \"text\": ");
        buf_t t;
        buf_init(&t);
        insn_text(c, in, &t);
        mpy_json_string(out, t.data, t.len);
        out->failed |= t.failed;
        buf_deinit(&t);
        buf_str(out, "}");
        return;
    }
    char lab[16] = "";
    if (label) {
        snprintf(lab, sizeof(lab), "L%d:", label - 1);
    }
    char ln[24] = "";
    if (show_line) {
        snprintf(ln, sizeof(ln), "%zu", line);
    }
    buf_printf(out, "  %5s %6zu  %-5s ", ln, rel, lab);
    insn_text(c, in, out);
    buf_byte(out, '\n');
}

static void opcodes_out(dis_ctx_t *c) {
    const mpy_raw_code_t *rc = c->rc;
    line_walk_t w;
    line_walk_init(&w, rc->code, &c->p);
    size_t last_line = 0;
    if (c->json) {
        buf_str(c->out, ", \"instructions\": [");
    }
    for (size_t pos = c->p.opcodes_offset; pos < rc->code_len;) {
        mpy_insn_t in;
        if (mpy_insn_decode(rc->code, rc->code_len, pos, &in) != NULL) {
            break;
        }
        size_t line = line_walk_at(&w, pos - c->p.opcodes_offset);
        insn_line(c, &in, pos, line, line != last_line);
        last_line = line;
        pos += in.len;
    }
    if (c->json) {
        buf_str(c->out, "\n    ]");
    }
}

static void function_head(dis_ctx_t *c, const char *name) {
    const mpy_raw_code_t *rc = c->rc;
    static const char *const kinds[] = {"bytecode", "native", "viper", "asm"};
    if (c->json) {
        buf_printf(c->out, "    {\"path\": \"%s\", \"name\": ", c->path);
        mpy_json_string(c->out, (const uint8_t *)name, strlen(name));
        buf_printf(c->out, ", \"kind\": \"%s\", \"file_offset\": %ld, \"code_len\": %zu, \"n_children\": %zu",
            kinds[rc->kind & 3], rc->file_offset, rc->code_len, rc->n_children);
        return;
    }
    buf_printf(c->out, "function %s %s (%s, %zu bytes at file offset %ld)\n", c->path, name, kinds[rc->kind & 3],
        rc->code_len, rc->file_offset);
}

static bool dis_bytecode(dis_ctx_t *c) {
    diag_t d;
    diag_init(&d, NULL);
    if (!mpy_prelude_decode(c->rc->code, c->rc->code_len, 0, &c->p, &d)) {
        return true;
    }
    c->labels = calloc(c->rc->code_len, sizeof(int));
    if (c->labels == NULL) {
        return false;
    }
    number_labels(c);
    function_head(c, child_name(c->f, c->rc));
    if (c->json) {
        prelude_json(c, c->rc->code);
    } else {
        prelude_text(c, c->rc->code);
    }
    opcodes_out(c);
    free(c->labels);
    return true;
}

// ---------------------------------------------------------------------------
// Machine code.

static void hex_lines(const uint8_t *code, size_t len, buf_t *out) {
    for (size_t i = 0; i < len; i += 16) {
        buf_printf(out, "  %06zx:", i);
        for (size_t k = i; k < len && k < i + 16; k++) {
            buf_printf(out, " %02x", code[k]);
        }
        buf_byte(out, '\n');
    }
}

static void native_json(dis_ctx_t *c, size_t machine_len) {
    buf_t *out = c->out;
    const mpy_raw_code_t *rc = c->rc;
    buf_str(out, ", \"machine_code\": \"");
    for (size_t i = 0; i < machine_len; i++) {
        buf_printf(out, "%02x", rc->code[i]);
    }
    buf_printf(out, "\", \"scope_flags\": %u", rc->scope_flags);
    if (rc->kind == MPY_CODE_NATIVE) {
        buf_printf(out, ", \"prelude_offset\": %u", rc->prelude_offset);
        prelude_json(c, rc->code + rc->prelude_offset);
    } else if (rc->kind == MPY_CODE_ASM) {
        buf_printf(out, ", \"n_pos_args\": %u, \"type_sig\": %u", rc->n_pos_args, rc->type_sig);
    }
}

// A native Python function starts with data, not instructions: a word
// holding the prelude's index in the constant table and, for generators, a
// word with the offset where the body starts. Prints them as data and
// returns how many bytes they take, so disassembly starts after them.
static size_t leading_data_words(dis_ctx_t *c, size_t machine_len) {
    size_t word = mpy_arch_word_size(c->f->arch);
    size_t n_words = (c->p.scope_flags & MPY_SCOPE_FLAG_GENERATOR) != 0 ? 2 : 1;
    if (n_words * word > machine_len) {
        return 0;
    }
    for (size_t w = 0; w < n_words; w++) {
        uint64_t v = 0;
        for (size_t k = word; k-- > 0;) {
            v = v << 8 | c->rc->code[w * word + k];  // little-endian
        }
        buf_printf(c->out, "%5zx:\t.word\t0x%llx\n", w * word, (unsigned long long)v);
    }
    return n_words * word;
}

static bool dis_native(dis_ctx_t *c) {
    const mpy_raw_code_t *rc = c->rc;
    size_t machine_len = rc->code_len;
    bool has_prelude = false;
    if (rc->kind == MPY_CODE_NATIVE) {
        diag_t d;
        diag_init(&d, NULL);
        size_t off = rc->prelude_offset;
        has_prelude = mpy_prelude_decode(rc->code + off, rc->code_len - off, 0, &c->p, &d);
        machine_len = off;
    }
    function_head(c, child_name(c->f, rc));
    if (c->json) {
        native_json(c, machine_len);
        return true;
    }
    if (has_prelude) {
        prelude_text(c, rc->code + rc->prelude_offset);
    } else if (rc->kind == MPY_CODE_ASM) {
        buf_printf(c->out, "  scope_flags 0x%02x, args %u, type_sig 0x%x\n", rc->scope_flags, rc->n_pos_args,
            rc->type_sig);
    } else {
        buf_printf(c->out, "  scope_flags 0x%02x\n", rc->scope_flags);
    }
    mpy_native_dis_fn dis = NULL;
    if (c->native != NULL && (unsigned)c->f->arch < MPY_ARCH_COUNT) {
        dis = c->native[c->f->arch];
    }
    size_t lead = has_prelude ? leading_data_words(c, machine_len) : 0;
    size_t mark = c->out->len;
    if (dis == NULL || !dis(rc->code + lead, machine_len - lead, lead, c->out)) {
        c->out->len = mark;
        hex_lines(rc->code, machine_len, c->out);
    }
    return true;
}

bool mpy_dis_function(const mpy_file_t *f, const mpy_raw_code_t *rc, const char *path, const mpy_dis_options_t *o,
    buf_t *out) {
    bool json = o->json;
    dis_ctx_t c;
    memset(&c, 0, sizeof(c));
    c.f = f;
    c.rc = rc;
    c.path = path;
    c.json = json;
    c.native = o->native;
    c.out = out;
    bool ok = rc->kind == MPY_CODE_BYTECODE ? dis_bytecode(&c) : dis_native(&c);
    if (json) {
        buf_str(out, "}");
    }
    return ok && !out->failed;
}

enum {
    DIS_PATH_MAX = 1024,
};

static bool dis_tree(const mpy_file_t *f, const mpy_raw_code_t *rc, char *path, size_t plen,
    const mpy_dis_options_t *o, bool *first, buf_t *out) {
    if (o->json) {
        buf_str(out, *first ? "\n" : ",\n");
    } else if (!*first) {
        buf_byte(out, '\n');
    }
    *first = false;
    if (!mpy_dis_function(f, rc, path, o, out)) {
        return false;
    }
    for (size_t i = 0; i < rc->n_children; i++) {
        int n = snprintf(path + plen, DIS_PATH_MAX - plen, ".%zu", i);
        if (n < 0 || (size_t)n >= DIS_PATH_MAX - plen) {
            continue;
        }
        if (!dis_tree(f, &rc->children[i], path, plen + (size_t)n, o, first, out)) {
            return false;
        }
        path[plen] = '\0';
    }
    return true;
}

bool mpy_dis_file(const mpy_file_t *f, const mpy_dis_options_t *o, buf_t *out) {
    char path[DIS_PATH_MAX] = "0";
    bool first = true;
    if (o->json) {
        buf_str(out, "{\"functions\": [");
    }
    bool ok = dis_tree(f, &f->root, path, 1, o, &first, out);
    if (o->json) {
        buf_str(out, "\n  ]}");
    }
    return ok && !out->failed;
}
