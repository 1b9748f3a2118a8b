// cli/mpy_tool_dump.c: `mpy-tool dump`: the header, the qstr table, the
// constant table and the raw-code tree with each function's prelude and
// line table, as text or JSON.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy_tool.h"

static void usage(FILE *to) {
    fprintf(to,
        "usage: mpy-tool dump [--json] FILE.mpy...\n"
        "Shows the header (version, sub-version, architecture and flags, small-int\n"
        "bits), the qstr table, the constant table and the function tree: each\n"
        "function's name, kind, arguments, flags, stack size, exception depth,\n"
        "children and line table.\n"
        "  --json   one JSON object per file on stdout\n");
}

static const char *const obj_kinds[] = {
    "fun_table", "none", "false", "true", "ellipsis", "str", "bytes", "int", "float", "complex", "tuple",
};

typedef struct dump_ctx {
    const mpy_file_t *f;
    bool json;
    bool first;
    buf_t *out;
} dump_ctx_t;

static void header_out(dump_ctx_t *c) {
    const mpy_file_t *f = c->f;
    if (c->json) {
        buf_printf(c->out, ", \"version\": %u, \"sub_version\": %u, \"arch\": \"%s\", \"arch_flags\": %u"
            ", \"small_int_bits\": %u, \"file_len\": %zu", f->version, f->sub_version, mpy_arch_name(f->arch),
            f->arch_flags, f->small_int_bits, f->file_len);
        return;
    }
    buf_printf(c->out, "header: version %u, sub-version %u, arch %s", f->version, f->sub_version,
        mpy_arch_name(f->arch));
    if (f->has_arch_flags) {
        buf_printf(c->out, " (flags 0x%x)", f->arch_flags);
    }
    buf_printf(c->out, ", small-int bits %u, %zu bytes\n", f->small_int_bits, f->file_len);
}

static void qstrs_out(dump_ctx_t *c) {
    const mpy_file_t *f = c->f;
    buf_str(c->out, c->json ? ", \"qstrs\": [" : "");
    if (!c->json) {
        buf_printf(c->out, "qstrs (%zu):\n", f->n_qstrs);
    }
    for (size_t i = 0; i < f->n_qstrs; i++) {
        const mpy_qstr_t *q = &f->qstrs[i];
        if (c->json) {
            buf_printf(c->out, "%s\n    {\"index\": %zu, \"str\": ", i ? "," : "", i);
            mpy_json_string(c->out, (const uint8_t *)q->str, q->len);
            buf_printf(c->out, ", \"static\": %s}", q->is_static ? "true" : "false");
            continue;
        }
        buf_printf(c->out, "  %5zu  ", i);
        mpy_quote(c->out, (const uint8_t *)q->str, q->len, 0);
        if (q->is_static) {
            buf_printf(c->out, "  (static %u)", q->static_id);
        }
        buf_byte(c->out, '\n');
    }
    buf_str(c->out, c->json ? "\n  ]" : "");
}

static void objs_out(dump_ctx_t *c) {
    const mpy_file_t *f = c->f;
    if (c->json) {
        buf_str(c->out, ", \"constants\": [");
    } else {
        buf_printf(c->out, "constants (%zu):\n", f->n_objs);
    }
    for (size_t i = 0; i < f->n_objs; i++) {
        const mpy_obj_t *o = &f->objs[i];
        buf_t r;
        buf_init(&r);
        mpy_obj_repr(&r, o);
        if (c->json) {
            buf_printf(c->out, "%s\n    {\"index\": %zu, \"kind\": \"%s\", \"repr\": ", i ? "," : "", i,
                obj_kinds[o->kind]);
            mpy_json_string(c->out, r.data, r.len);
            buf_str(c->out, "}");
        } else {
            buf_printf(c->out, "  %5zu  %-8s %.*s\n", i, obj_kinds[o->kind], (int)r.len, (const char *)r.data);
        }
        c->out->failed |= r.failed;
        buf_deinit(&r);
    }
    buf_str(c->out, c->json ? "\n  ]" : "");
}

static void names_out(dump_ctx_t *c, const uint8_t *code, const mpy_prelude_t *p) {
    uint32_t n = p->n_pos_args + p->n_kwonly_args;
    uint32_t *names = n ? malloc(n * sizeof(uint32_t)) : NULL;
    if (n && names == NULL) {
        c->out->failed = true;
        return;
    }
    mpy_prelude_arg_names(code, p, names);
    for (uint32_t i = 0; i < n; i++) {
        const mpy_qstr_t *q = &c->f->qstrs[names[i]];
        buf_str(c->out, i ? ", " : "");
        if (c->json) {
            mpy_json_string(c->out, (const uint8_t *)q->str, q->len);
        } else {
            buf_append(c->out, q->str, q->len);
        }
    }
    free(names);
}

static void lines_out(dump_ctx_t *c, const uint8_t *code, const mpy_prelude_t *p) {
    mpy_line_iter_t it;
    mpy_line_iter_init(&it, code, p);
    size_t bytes, lines;
    bool first = true;
    buf_str(c->out, c->json ? ", \"lines\": [" : "    lines (offset:line):");
    while (mpy_line_next(&it, &bytes, &lines)) {
        if (c->json) {
            buf_printf(c->out, "%s[%zu, %zu]", first ? "" : ", ", it.bc_offset, it.line);
        } else {
            buf_printf(c->out, " %zu:%zu", it.bc_offset, it.line);
        }
        first = false;
    }
    buf_str(c->out, c->json ? "]" : "\n");
}

static void prelude_out(dump_ctx_t *c, const uint8_t *code, const mpy_prelude_t *p, bool has_lines) {
    if (c->json) {
        buf_printf(c->out, ", \"n_state\": %u, \"n_exc_stack\": %u, \"scope_flags\": %u, \"n_pos_args\": %u"
            ", \"n_kwonly_args\": %u, \"n_def_pos_args\": %u, \"n_info\": %u, \"n_cell\": %u, \"arg_names\": [",
            p->n_state, p->n_exc_stack, p->scope_flags, p->n_pos_args, p->n_kwonly_args, p->n_def_pos_args,
            p->n_info, p->n_cell);
        names_out(c, code, p);
        buf_str(c->out, "], \"cells\": [");
        for (size_t i = p->cell_offset; i < p->opcodes_offset; i++) {
            buf_printf(c->out, "%s%u", i > p->cell_offset ? ", " : "", code[i]);
        }
        buf_str(c->out, "]");
    } else {
        buf_printf(c->out, "    n_state %u (stack and locals), n_exc_stack %u, scope_flags 0x%02x\n", p->n_state,
            p->n_exc_stack, p->scope_flags);
        buf_printf(c->out, "    args %u, kwonly %u, defaults %u: (", p->n_pos_args, p->n_kwonly_args,
            p->n_def_pos_args);
        names_out(c, code, p);
        buf_printf(c->out, ")\n    source info %u bytes, cells %u:", p->n_info, p->n_cell);
        for (size_t i = p->cell_offset; i < p->opcodes_offset; i++) {
            buf_printf(c->out, " %u", code[i]);
        }
        buf_byte(c->out, '\n');
    }
    if (has_lines) {
        lines_out(c, code, p);
    }
}

static void native_out(dump_ctx_t *c, const mpy_raw_code_t *rc) {
    if (c->json) {
        buf_printf(c->out, ", \"scope_flags\": %u, \"prelude_offset\": %u, \"n_pos_args\": %u, \"type_sig\": %u"
            ", \"rodata_size\": %u, \"bss_size\": %u, \"reloc_len\": %zu", rc->scope_flags, rc->prelude_offset,
            rc->n_pos_args, rc->type_sig, rc->rodata_size, rc->bss_size, rc->reloc_len);
        return;
    }
    if (rc->kind == MPY_CODE_NATIVE) {
        buf_printf(c->out, "    prelude at code offset %u%s\n", rc->prelude_offset,
            rc->prelude_offset > 0xffff ? " (stored modulo 65536, as the official tool does)" : "");
    } else if (rc->kind == MPY_CODE_ASM) {
        buf_printf(c->out, "    scope_flags 0x%02x, args %u, type_sig 0x%x\n", rc->scope_flags, rc->n_pos_args,
            rc->type_sig);
    } else {
        buf_printf(c->out, "    scope_flags 0x%02x, rodata %u bytes, bss %u bytes, relocations %zu bytes\n",
            rc->scope_flags, rc->rodata_size, rc->bss_size, rc->reloc_len);
    }
}

// Text output indents each function's lines by its depth in the tree.
static void indent_into(buf_t *to, const buf_t *from, int depth) {
    for (size_t i = 0; i < from->len; i++) {
        if (i == 0 || from->data[i - 1] == '\n') {
            buf_printf(to, "%*s", depth * 2, "");
        }
        buf_byte(to, from->data[i]);
    }
    to->failed |= from->failed;
}

static void function_out(const mpy_raw_code_t *rc, const char *path, int depth, void *ctx) {
    dump_ctx_t *c = ctx;
    buf_t text;
    buf_init(&text);
    buf_t *dest = c->out;
    if (!c->json) {
        c->out = &text;
    }
    const char *name = tool_function_name(c->f, rc);
    if (c->json) {
        buf_printf(c->out, "%s\n    {\"path\": \"%s\", \"depth\": %d, \"name\": ", c->first ? "" : ",", path, depth);
        mpy_json_string(c->out, (const uint8_t *)name, strlen(name));
        buf_printf(c->out, ", \"kind\": \"%s\", \"file_offset\": %ld, \"code_len\": %zu, \"n_children\": %zu",
            tool_kind_name(rc->kind), rc->file_offset, rc->code_len, rc->n_children);
    } else {
        buf_printf(c->out, "  %s %s: %s, %zu bytes at file offset %ld, %zu children\n", path, name,
            tool_kind_name(rc->kind), rc->code_len, rc->file_offset, rc->n_children);
    }
    c->first = false;
    if (rc->kind != MPY_CODE_BYTECODE) {
        native_out(c, rc);
    }
    if (rc->kind == MPY_CODE_BYTECODE || rc->kind == MPY_CODE_NATIVE) {
        size_t off = rc->kind == MPY_CODE_NATIVE ? rc->prelude_offset : 0;
        mpy_prelude_t p;
        diag_t d;
        diag_init(&d, NULL);
        if (mpy_prelude_decode(rc->code + off, rc->code_len - off, 0, &p, &d)) {
            prelude_out(c, rc->code + off, &p, rc->kind == MPY_CODE_BYTECODE);
        }
    }
    buf_str(c->out, c->json ? "}" : "");
    c->out = dest;
    if (!c->json) {
        indent_into(dest, &text, depth);
    }
    buf_deinit(&text);
}

static void dump_file(const tool_input_t *in, bool json, buf_t *out) {
    dump_ctx_t c = {&in->file, json, true, out};
    if (json) {
        buf_str(out, "{\"file\": ");
        mpy_json_string(out, (const uint8_t *)in->name, strlen(in->name));
    } else {
        buf_printf(out, "file: %s\n", in->name);
    }
    header_out(&c);
    qstrs_out(&c);
    objs_out(&c);
    buf_str(out, json ? ", \"functions\": [" : "functions:\n");
    tool_walk(&in->file.root, function_out, &c);
    buf_str(out, json ? "\n  ]}\n" : "");
}

static void render(const tool_input_t *in, bool json, size_t index, size_t n_files, buf_t *out) {
    (void)n_files;
    if (!json && index > 0) {
        buf_byte(out, '\n');
    }
    dump_file(in, json, out);
}

int tool_dump_main(int argc, char **argv) {
    return tool_run_files(argc, argv, usage, render);
}
