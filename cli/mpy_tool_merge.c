// cli/mpy_tool_merge.c: `mpy-tool merge`: joins modules into one .mpy whose
// outer function runs each module's top-level code in turn, as the official
// mpy-tool.py --merge does. The qstr and constant tables are concatenated,
// so every module but the first has its bytecode re-encoded with shifted
// indices (jumps and line tables follow the new offsets). At most one input
// may contain machine code; it goes first and is copied unchanged.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy_tool.h"

typedef struct merge_ctx {
    arena_t *arena;
    size_t qstr_base;
    size_t obj_base;
    diag_t *d;
} merge_ctx_t;

// One instruction of the function being re-encoded.
typedef struct op_slot {
    mpy_insn_t in;
    size_t old_pos;      // offset from the first opcode, before
    size_t new_pos;      // and after
    size_t new_len;
    size_t target;       // index of the slot a jump goes to
    bool wide;           // jump written with two bytes
} op_slot_t;

static size_t slot_at(const op_slot_t *slots, size_t n, size_t old_pos) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (slots[mid].old_pos < old_pos) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static uint64_t shifted_arg(const merge_ctx_t *c, const mpy_insn_t *in) {
    if (in->fmt == MPY_FMT_QSTR) {
        return in->arg + c->qstr_base;
    }
    if (in->fmt == MPY_FMT_CONST) {
        return in->arg + c->obj_base;
    }
    return in->arg;
}

static int64_t jump_value(const op_slot_t *slots, const op_slot_t *s) {
    // Offsets count from the end of the jump's offset bytes.
    return (int64_t)slots[s->target].new_pos - (int64_t)(s->new_pos + 1 + (s->wide ? 2 : 1));
}

static bool fits_one_byte(const op_slot_t *s, int64_t v) {
    return s->in.fmt == MPY_FMT_JUMP ? (v >= 0 && v <= 127) : (v >= -64 && v <= 63);
}

// Lays the instructions out until no jump needs to widen (they only grow,
// so this ends).
static bool layout(const merge_ctx_t *c, op_slot_t *slots, size_t n) {
    for (bool changed = true; changed;) {
        changed = false;
        size_t pos = 0;
        for (size_t i = 0; i < n; i++) {
            op_slot_t *s = &slots[i];
            s->new_pos = pos;
            if (s->in.is_jump) {
                s->new_len = 1 + (s->wide ? 2 : 1) + (s->in.fmt == MPY_FMT_SJUMP_X);
            } else if (s->in.fmt == MPY_FMT_SINT || s->in.fmt == MPY_FMT_NONE) {
                s->new_len = s->in.len;
            } else {
                s->new_len = 1 + util_vuint_size(shifted_arg(c, &s->in)) + (s->in.fmt == MPY_FMT_CHILD_X);
            }
            pos += s->new_len;
        }
        for (size_t i = 0; i < n; i++) {
            op_slot_t *s = &slots[i];
            if (s->in.is_jump && !s->wide && !fits_one_byte(s, jump_value(slots, s))) {
                s->wide = true;
                changed = true;
            }
        }
    }
    return true;
}

static bool emit_jump(const op_slot_t *slots, const op_slot_t *s, buf_t *out, diag_t *d) {
    int64_t v = jump_value(slots, s) + (s->in.fmt == MPY_FMT_JUMP ? 0 : (s->wide ? 0x4000 : 0x40));
    if (!s->wide) {
        buf_byte(out, (uint8_t)v);
        return true;
    }
    if (v < 0 || v >= 0x8000) {
        return diag_error(d, DIAG_VALUE_ERROR, 0, "jump too far after merging");
    }
    buf_byte(out, (uint8_t)(0x80 | (v & 0x7f)));
    buf_byte(out, (uint8_t)(v >> 7));
    return true;
}

static bool emit_ops(const merge_ctx_t *c, const uint8_t *code, size_t base, const op_slot_t *slots, size_t n,
    buf_t *out) {
    for (size_t i = 0; i < n; i++) {
        const op_slot_t *s = &slots[i];
        const uint8_t *raw = code + base + s->old_pos;
        buf_byte(out, s->in.op);
        if (s->in.is_jump) {
            if (!emit_jump(slots, s, out, c->d)) {
                return false;
            }
        } else if (s->in.fmt == MPY_FMT_SINT || s->in.fmt == MPY_FMT_NONE) {
            buf_append(out, raw + 1, s->in.len - 1);
            continue;
        } else {
            buf_vuint(out, shifted_arg(c, &s->in));
        }
        if (s->in.fmt == MPY_FMT_CHILD_X || s->in.fmt == MPY_FMT_SJUMP_X) {
            buf_byte(out, s->in.extra);
        }
    }
    return true;
}

// Re-encodes a line table for the new offsets: each entry's end offset
// moves with the instruction that starts there.
static void emit_lines(const uint8_t *code, const mpy_prelude_t *p, const op_slot_t *slots, size_t n, size_t new_end,
    buf_t *out) {
    mpy_line_iter_t it;
    mpy_line_iter_init(&it, code, p);
    size_t bytes, lines, done = 0;
    while (mpy_line_next(&it, &bytes, &lines)) {
        size_t k = slot_at(slots, n, it.bc_offset);
        size_t to = k < n ? slots[k].new_pos : new_end;
        size_t b = to > done ? to - done : 0;
        done += b;
        while (b > 0 || lines > 0) {
            uint8_t entry[2];
            buf_append(out, entry, mpy_line_entry_encode(entry, &b, &lines));
        }
    }
}

static op_slot_t *decode_ops(const mpy_raw_code_t *rc, const mpy_prelude_t *p, size_t *n_out) {
    size_t cap = rc->code_len - p->opcodes_offset;
    op_slot_t *slots = calloc(cap ? cap : 1, sizeof(op_slot_t));
    size_t n = 0;
    for (size_t pos = p->opcodes_offset; slots != NULL && pos < rc->code_len; n++) {
        mpy_insn_decode(rc->code, rc->code_len, pos, &slots[n].in);
        slots[n].old_pos = pos - p->opcodes_offset;
        pos += slots[n].in.len;
    }
    for (size_t i = 0; slots != NULL && i < n; i++) {
        if (slots[i].in.is_jump) {
            slots[i].target = slot_at(slots, n, (size_t)(slots[i].in.target - (int64_t)p->opcodes_offset));
            slots[i].wide = slots[i].in.len - 1 - (slots[i].in.fmt == MPY_FMT_SJUMP_X) == 2;
        }
    }
    *n_out = n;
    return slots;
}

// Builds the new code of one bytecode function in the arena.
static bool rewrite_bytecode(merge_ctx_t *c, const mpy_raw_code_t *rc, mpy_raw_code_t *out) {
    mpy_prelude_t p;
    if (!mpy_prelude_decode(rc->code, rc->code_len, 0, &p, c->d)) {
        return false;
    }
    size_t n;
    op_slot_t *slots = decode_ops(rc, &p, &n);
    if (slots == NULL) {
        return diag_error(c->d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    layout(c, slots, n);
    buf_t info, ops, code;
    buf_init(&info);
    buf_init(&ops);
    buf_init(&code);
    uint32_t n_args = p.n_pos_args + p.n_kwonly_args;
    uint32_t *names = calloc(n_args + 1, sizeof(uint32_t));
    mpy_prelude_arg_names(rc->code, &p, names);
    buf_vuint(&info, p.name + c->qstr_base);
    for (uint32_t i = 0; i < n_args; i++) {
        buf_vuint(&info, names[i] + c->qstr_base);
    }
    free(names);
    bool ok = emit_ops(c, rc->code, p.opcodes_offset, slots, n, &ops);
    emit_lines(rc->code, &p, slots, n, ops.len, &info);
    buf_append(&code, rc->code, p.size_offset);
    mpy_prelude_encode_size(&code, (uint32_t)info.len, p.n_cell);
    buf_append(&code, info.data, info.len);
    buf_append(&code, rc->code + p.cell_offset, p.n_cell);
    buf_append(&code, ops.data, ops.len);
    uint8_t *copy = arena_alloc(c->arena, code.len);
    if (copy == NULL || code.failed) {
        ok = diag_error(c->d, DIAG_MEMORY_ERROR, 0, "out of memory");
    } else {
        memcpy(copy, code.data, code.len);
        out->code = copy;
        out->code_len = code.len;
    }
    buf_deinit(&info);
    buf_deinit(&ops);
    buf_deinit(&code);
    free(slots);
    return ok;
}

static bool rewrite_tree(merge_ctx_t *c, const mpy_raw_code_t *rc, mpy_raw_code_t *out) {
    *out = *rc;
    out->file_offset = -1;
    if (rc->kind != MPY_CODE_BYTECODE) {
        return diag_error(c->d, DIAG_VALUE_ERROR, 0, "can only re-index bytecode");
    }
    if (!rewrite_bytecode(c, rc, out)) {
        return false;
    }
    out->children = rc->n_children ? arena_alloc(c->arena, rc->n_children * sizeof(mpy_raw_code_t)) : NULL;
    for (size_t i = 0; i < rc->n_children; i++) {
        if (out->children == NULL || !rewrite_tree(c, &rc->children[i], &out->children[i])) {
            return out->children != NULL ? false : diag_error(c->d, DIAG_MEMORY_ERROR, 0, "out of memory");
        }
    }
    return true;
}

// The outer function: for each module MAKE_FUNCTION i; CALL_FUNCTION 0;
// POP_TOP; then return None. One state slot; named by qstr 0.
static bool build_outer(arena_t *arena, size_t n_modules, mpy_raw_code_t *outer, diag_t *d) {
    buf_t b;
    buf_init(&b);
    buf_byte(&b, 0x00);                   // signature: n_state 1
    mpy_prelude_encode_size(&b, 1, 0);    // source info: just the name
    buf_byte(&b, 0x00);                   // name: qstr 0
    for (size_t i = 0; i < n_modules; i++) {
        buf_byte(&b, MPY_OP_MAKE_FUNCTION);
        buf_vuint(&b, i);
        buf_byte(&b, MPY_OP_CALL_FUNCTION);
        buf_byte(&b, 0);
        buf_byte(&b, MPY_OP_POP_TOP);
    }
    buf_byte(&b, MPY_OP_LOAD_CONST_NONE);
    buf_byte(&b, MPY_OP_RETURN_VALUE);
    uint8_t *code = arena_alloc(arena, b.len);
    bool ok = code != NULL && !b.failed;
    if (ok) {
        memcpy(code, b.data, b.len);
        memset(outer, 0, sizeof(*outer));
        outer->kind = MPY_CODE_BYTECODE;
        outer->code = code;
        outer->code_len = b.len;
        outer->file_offset = -1;
    }
    buf_deinit(&b);
    return ok ? true : diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
}

static bool concat_tables(arena_t *arena, tool_input_t *ins, size_t n, mpy_file_t *out, diag_t *d) {
    for (size_t i = 0; i < n; i++) {
        out->n_qstrs += ins[i].file.n_qstrs;
        out->n_objs += ins[i].file.n_objs;
    }
    out->qstrs = arena_alloc(arena, out->n_qstrs * sizeof(mpy_qstr_t));
    out->objs = out->n_objs ? arena_alloc(arena, out->n_objs * sizeof(mpy_obj_t)) : NULL;
    if (out->qstrs == NULL || (out->n_objs && out->objs == NULL)) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    size_t nq = 0, no = 0;
    for (size_t i = 0; i < n; i++) {
        const mpy_file_t *f = &ins[i].file;
        memcpy(out->qstrs + nq, f->qstrs, f->n_qstrs * sizeof(mpy_qstr_t));
        if (f->n_objs) {
            memcpy(out->objs + no, f->objs, f->n_objs * sizeof(mpy_obj_t));
        }
        nq += f->n_qstrs;
        no += f->n_objs;
    }
    return true;
}

static void set_header(tool_input_t *ins, size_t n, mpy_file_t *out) {
    out->version = MPY_VERSION;
    out->small_int_bits = ins[0].file.small_int_bits;
    for (size_t i = 0; i < n; i++) {
        if (ins[i].file.small_int_bits > out->small_int_bits) {
            out->small_int_bits = ins[i].file.small_int_bits;
        }
    }
    const mpy_file_t *first = &ins[0].file;
    out->arch = first->arch;
    out->sub_version = first->arch != MPY_ARCH_NONE ? MPY_SUB_VERSION : 0;
    out->has_arch_flags = first->has_arch_flags;
    out->arch_flags = first->arch_flags;
}

// ins[] must hold the native module (if any) first.
static bool merge(tool_input_t *ins, size_t n, arena_t *arena, mpy_file_t *out, diag_t *d) {
    memset(out, 0, sizeof(*out));
    set_header(ins, n, out);
    if (!concat_tables(arena, ins, n, out, d) || !build_outer(arena, n, &out->root, d)) {
        return false;
    }
    out->root.n_children = n;
    out->root.children = arena_alloc(arena, n * sizeof(mpy_raw_code_t));
    if (out->root.children == NULL) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    merge_ctx_t c = {arena, 0, 0, d};
    for (size_t i = 0; i < n; i++) {
        if (i == 0) {
            out->root.children[0] = ins[0].file.root;
        } else if (!rewrite_tree(&c, &ins[i].file.root, &out->root.children[i])) {
            return false;
        }
        c.qstr_base += ins[i].file.n_qstrs;
        c.obj_base += ins[i].file.n_objs;
    }
    return true;
}

// Puts the one native module first; false if there are several.
static bool order_inputs(tool_input_t *ins, size_t n) {
    size_t native = n;
    for (size_t i = 0; i < n; i++) {
        if (ins[i].file.arch != MPY_ARCH_NONE) {
            if (native != n) {
                return false;
            }
            native = i;
        }
    }
    if (native != n && native != 0) {
        tool_input_t t = ins[native];
        memmove(ins + 1, ins, native * sizeof(tool_input_t));
        ins[0] = t;
    }
    return true;
}

static void usage(FILE *to) {
    fprintf(to,
        "usage: mpy-tool merge A.mpy B.mpy... -o OUT.mpy\n"
        "Joins modules into one file that runs their top-level code in order,\n"
        "like the official mpy-tool.py --merge. At most one input may contain\n"
        "machine code (it runs first). '-o -' writes to standard output.\n");
}

static int write_output(const mpy_file_t *f, const char *path) {
    buf_t out;
    buf_init(&out);
    diag_t d;
    diag_init(&d, path);
    int status = 0;
    if (!mpy_write(f, &out, &d)) {
        fprintf(stderr, "mpy-tool: merge: %s\n", d.msg);
        status = 1;
    } else if (strcmp(path, "-") == 0) {
        status = tool_write_stdout(&out) ? 0 : 1;
    } else if (!util_write_file_atomic(path, out.data, out.len, &d)) {
        fprintf(stderr, "mpy-tool: %s\n", d.msg);
        status = 1;
    }
    buf_deinit(&out);
    return status;
}

static int merge_files(char **paths, int n, const char *output) {
    tool_input_t *ins = calloc((size_t)n, sizeof(tool_input_t));
    int status = ins == NULL ? 1 : 0;
    int loaded = 0;
    for (; status == 0 && loaded < n; loaded++) {
        if (!tool_load(&ins[loaded], paths[loaded])) {
            tool_print_diag(stderr, &ins[loaded]);
            status = 1;
        }
    }
    if (status == 0 && !order_inputs(ins, (size_t)n)) {
        fprintf(stderr, "mpy-tool: merge: more than one input contains machine code\n");
        status = 1;
    }
    if (status == 0 && n == 1) {
        // One module needs no wrapper: the official tool copies it.
        diag_t d;
        diag_init(&d, output);
        buf_t copy = {ins[0].data, ins[0].len, ins[0].len, false};
        if (strcmp(output, "-") == 0) {
            status = tool_write_stdout(&copy) ? 0 : 1;
        } else if (!util_write_file_atomic(output, ins[0].data, ins[0].len, &d)) {
            fprintf(stderr, "mpy-tool: %s\n", d.msg);
            status = 1;
        }
    } else if (status == 0) {
        arena_t arena;
        arena_init(&arena);
        mpy_file_t merged;
        diag_t d;
        diag_init(&d, output);
        if (merge(ins, (size_t)n, &arena, &merged, &d)) {
            status = write_output(&merged, output);
        } else {
            fprintf(stderr, "mpy-tool: merge: %s\n", d.msg);
            status = 1;
        }
        arena_deinit(&arena);
    }
    for (int i = 0; ins != NULL && i < loaded; i++) {
        tool_unload(&ins[i]);
    }
    free(ins);
    return status;
}

int tool_merge_main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
            case 'o': output = optarg; break;
            case 'h': usage(stdout); return 0;
            default: usage(stderr); return 2;
        }
    }
    if (output == NULL || optind >= argc) {
        usage(stderr);
        return 2;
    }
    return merge_files(argv + optind, argc - optind, output);
}
