// cli/mpy_tool_size.c: `mpy-tool size`: where the bytes of a file go, per
// section (header, qstrs, constants, preludes, line tables, bytecode,
// machine code, structure) and per function, largest first, with totals
// that add up to the file's length.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy_tool.h"

typedef enum section {
    SEC_HEADER,
    SEC_QSTRS,
    SEC_CONSTANTS,
    SEC_PRELUDES,
    SEC_LINES,
    SEC_BYTECODE,
    SEC_MACHINE,
    SEC_STRUCTURE,
    SEC_COUNT,
} section_t;

static const char *const section_names[SEC_COUNT] = {
    "header", "qstrs", "constants", "preludes", "line tables", "bytecode", "machine code", "structure",
};

typedef struct fn_size {
    char path[64];
    const char *name;
    mpy_code_kind_t kind;
    size_t total;        // everything this function adds to the file
    size_t sec[SEC_COUNT];
} fn_size_t;

typedef struct size_ctx {
    const mpy_file_t *f;
    fn_size_t *fns;
    size_t n_fns;
    size_t cap;
    size_t sec[SEC_COUNT];
} size_ctx_t;

static size_t obj_size(const mpy_obj_t *o) {
    switch (o->kind) {
        case MPY_OBJ_STR:
        case MPY_OBJ_BYTES: return 1 + util_vuint_size(o->len) + o->len + 1;
        case MPY_OBJ_INT:
        case MPY_OBJ_FLOAT:
        case MPY_OBJ_COMPLEX: return 1 + util_vuint_size(o->len) + o->len;
        case MPY_OBJ_TUPLE: {
            size_t n = 1 + util_vuint_size(o->n_items);
            for (size_t i = 0; i < o->n_items; i++) {
                n += obj_size(&o->items[i]);
            }
            return n;
        }
        default: return 1;
    }
}

// Splits a prelude's bytes: everything but the line table is "preludes".
static void prelude_sizes(const uint8_t *code, size_t len, fn_size_t *fs) {
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    if (!mpy_prelude_decode(code, len, 0, &p, &d)) {
        return;
    }
    size_t lines = p.cell_offset - p.line_info_offset;
    fs->sec[SEC_LINES] += lines;
    fs->sec[SEC_PRELUDES] += p.opcodes_offset - lines;
    fs->sec[SEC_BYTECODE] += len - p.opcodes_offset;
}

static size_t native_extras_size(const mpy_raw_code_t *rc) {
    if (rc->kind == MPY_CODE_NATIVE) {
        return util_vuint_size(rc->prelude_offset & 0xffff);
    }
    size_t n = util_vuint_size(rc->scope_flags);
    if (rc->kind == MPY_CODE_ASM) {
        return n + util_vuint_size(rc->n_pos_args) + util_vuint_size(rc->type_sig);
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRODATA) {
        n += util_vuint_size(rc->rodata_size) + rc->rodata_size;
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERBSS) {
        n += util_vuint_size(rc->bss_size);
    }
    return n + rc->reloc_len;
}

static void visit(const mpy_raw_code_t *rc, const char *path, int depth, void *vctx) {
    (void)depth;
    size_ctx_t *c = vctx;
    if (c->n_fns == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        fn_size_t *grown = realloc(c->fns, c->cap * sizeof(fn_size_t));
        if (grown == NULL) {
            return;
        }
        c->fns = grown;
    }
    fn_size_t *fs = &c->fns[c->n_fns++];
    memset(fs, 0, sizeof(*fs));
    snprintf(fs->path, sizeof(fs->path), "%s", path);
    fs->name = tool_function_name(c->f, rc);
    fs->kind = rc->kind;
    uint64_t kind_len = (uint64_t)rc->code_len << 3;
    fs->sec[SEC_STRUCTURE] = util_vuint_size(kind_len) + (rc->n_children ? util_vuint_size(rc->n_children) : 0);
    if (rc->kind == MPY_CODE_BYTECODE) {
        prelude_sizes(rc->code, rc->code_len, fs);
    } else {
        size_t machine = rc->kind == MPY_CODE_NATIVE ? rc->prelude_offset : rc->code_len;
        fs->sec[SEC_MACHINE] = machine;
        fs->sec[SEC_STRUCTURE] += native_extras_size(rc);
        if (rc->kind == MPY_CODE_NATIVE) {
            prelude_sizes(rc->code + machine, rc->code_len - machine, fs);
            fs->sec[SEC_PRELUDES] += fs->sec[SEC_BYTECODE];
            fs->sec[SEC_BYTECODE] = 0;
        }
    }
    for (int s = 0; s < SEC_COUNT; s++) {
        fs->total += fs->sec[s];
        c->sec[s] += fs->sec[s];
    }
}

static int by_total(const void *a, const void *b) {
    const fn_size_t *x = a, *y = b;
    if (x->total != y->total) {
        return x->total < y->total ? 1 : -1;
    }
    return strcmp(x->path, y->path);
}

static void file_sections(size_ctx_t *c, const tool_input_t *in) {
    const mpy_file_t *f = &in->file;
    c->sec[SEC_HEADER] = 4 + (f->has_arch_flags ? util_vuint_size(f->arch_flags) : 0)
        + util_vuint_size(f->n_qstrs) + util_vuint_size(f->n_objs);
    for (size_t i = 0; i < f->n_qstrs; i++) {
        const mpy_qstr_t *q = &f->qstrs[i];
        c->sec[SEC_QSTRS] += q->is_static ? util_vuint_size((uint64_t)q->static_id << 1 | 1)
                                          : util_vuint_size((uint64_t)q->len << 1) + q->len + 1;
    }
    for (size_t i = 0; i < f->n_objs; i++) {
        c->sec[SEC_CONSTANTS] += obj_size(&f->objs[i]);
    }
}

static void print_text(const size_ctx_t *c, const tool_input_t *in, buf_t *out) {
    size_t total = 0;
    int order[SEC_COUNT];
    for (int s = 0; s < SEC_COUNT; s++) {
        total += c->sec[s];
        order[s] = s;
    }
    for (int i = 1; i < SEC_COUNT; i++) {
        for (int k = i; k > 0 && c->sec[order[k]] > c->sec[order[k - 1]]; k--) {
            int t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    }
    buf_printf(out, "%s: %zu bytes\n\n  %-14s %8s %6s\n", in->name, in->file.file_len, "section", "bytes", "%");
    for (int i = 0; i < SEC_COUNT; i++) {
        int s = order[i];
        buf_printf(out, "  %-14s %8zu %5.1f%%\n", section_names[s], c->sec[s], total ? 100.0 * c->sec[s] / total : 0);
    }
    buf_printf(out, "  %-14s %8zu\n\n  %8s %8s %8s %8s  %-9s %s\n", "total", total, "bytes", "code", "lines",
        "prelude", "kind", "function");
    for (size_t i = 0; i < c->n_fns; i++) {
        const fn_size_t *fs = &c->fns[i];
        buf_printf(out, "  %8zu %8zu %8zu %8zu  %-9s %s %s\n", fs->total, fs->sec[SEC_BYTECODE] + fs->sec[SEC_MACHINE],
            fs->sec[SEC_LINES], fs->sec[SEC_PRELUDES], tool_kind_name(fs->kind), fs->path, fs->name);
    }
}

static void print_json(const size_ctx_t *c, const tool_input_t *in, buf_t *out) {
    size_t total = 0;
    buf_str(out, "{\"file\": ");
    mpy_json_string(out, (const uint8_t *)in->name, strlen(in->name));
    buf_str(out, ", \"sections\": {");
    for (int s = 0; s < SEC_COUNT; s++) {
        buf_printf(out, "%s\"%s\": %zu", s ? ", " : "", section_names[s], c->sec[s]);
        total += c->sec[s];
    }
    buf_printf(out, "}, \"total\": %zu, \"functions\": [", total);
    for (size_t i = 0; i < c->n_fns; i++) {
        const fn_size_t *fs = &c->fns[i];
        buf_printf(out, "%s\n    {\"path\": \"%s\", \"name\": ", i ? "," : "", fs->path);
        mpy_json_string(out, (const uint8_t *)fs->name, strlen(fs->name));
        buf_printf(out, ", \"kind\": \"%s\", \"bytes\": %zu", tool_kind_name(fs->kind), fs->total);
        for (int s = SEC_PRELUDES; s < SEC_COUNT; s++) {
            buf_printf(out, ", \"%s\": %zu", section_names[s], fs->sec[s]);
        }
        buf_str(out, "}");
    }
    buf_str(out, "\n  ]}\n");
}

static void usage(FILE *to) {
    fprintf(to,
        "usage: mpy-tool size [--json] FILE.mpy...\n"
        "Shows where the bytes go: per section (header, qstrs, constants,\n"
        "preludes, line tables, bytecode, machine code, structure), largest\n"
        "first, then per function, largest first. Totals equal the file size.\n"
        "  --json   one JSON object per file on stdout\n");
}

static void render(const tool_input_t *in, bool json, size_t index, size_t n_files, buf_t *out) {
    (void)n_files;
    size_ctx_t c;
    memset(&c, 0, sizeof(c));
    c.f = &in->file;
    file_sections(&c, in);
    tool_walk(&in->file.root, visit, &c);
    qsort(c.fns, c.n_fns, sizeof(fn_size_t), by_total);
    if (!json && index > 0) {
        buf_byte(out, '\n');
    }
    if (json) {
        print_json(&c, in, out);
    } else {
        print_text(&c, in, out);
    }
    free(c.fns);
}

int tool_size_main(int argc, char **argv) {
    return tool_run_files(argc, argv, usage, render);
}
