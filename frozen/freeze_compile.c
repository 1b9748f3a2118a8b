// frozen/freeze_compile.c: turning each entry into a parsed .mpy: .py files
// through the compiler in process, .mpy files read and checked. Also the
// target's limits (the fields of code_t, the module size) and the flash
// cost of each module for --size.
#include <stdlib.h>
#include <string.h>

#include "../compiler/compiler.h"
#include "frozen.h"

static int compare_entries(const void *a, const void *b) {
    return strcmp(((const freeze_entry_t *)a)->name, ((const freeze_entry_t *)b)->name);
}

// Copies a .mpy into the arena and parses it there (the parse points into
// the bytes, so they must live as long as the freezer).
static bool parse(freezer_t *f, freeze_entry_t *e, const uint8_t *data, size_t len, diag_t *d) {
    uint8_t *copy = arena_alloc(&f->arena, len + 1);
    if (copy == NULL) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    memcpy(copy, data, len);
    diag_t inner;
    diag_init(&inner, NULL);
    if (!mpy_read(copy, len, &f->arena, &e->mpy, &inner)) {
        return diag_error(d, DIAG_FORMAT_ERROR, 0, "%s: malformed .mpy file (offset %ld: %s)", e->path,
            inner.offset, inner.msg);
    }
    e->mpy_len = len;
    if (e->mpy.arch != MPY_ARCH_NONE) {
        return diag_error(d, DIAG_USAGE_ERROR, 0, "%s: native code cannot be frozen (bytecode only)",
            e->path);
    }
    if (e->mpy.small_int_bits > f->small_int_bits) {
        return diag_error(d, DIAG_USAGE_ERROR, 0, "%s: made for %u-bit small ints, the target has %u",
            e->path, e->mpy.small_int_bits, f->small_int_bits);
    }
    return true;
}

static bool compile_py(freezer_t *f, freeze_entry_t *e, diag_t *d) {
    size_t len;
    uint8_t *src = util_read_file(e->path, &len, d);
    if (src == NULL) {
        return false;
    }
    compile_options_t o;
    compile_options_init(&o);
    o.source_name = e->target;
    o.opt_level = e->opt >= 0 ? e->opt : f->opt_level;
    o.small_int_bits = f->small_int_bits;
    buf_t out;
    buf_init(&out);
    bool ok = compile_to_mpy(src, len, &o, &out, d);
    free(src);
    if (!ok) {
        d->file = e->path;
    } else if (out.failed) {
        ok = diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    } else {
        ok = parse(f, e, out.data, out.len, d);
    }
    buf_deinit(&out);
    return ok;
}

static bool read_mpy(freezer_t *f, freeze_entry_t *e, diag_t *d) {
    size_t len;
    uint8_t *data = util_read_file(e->path, &len, d);
    if (data == NULL) {
        return false;
    }
    bool ok = parse(f, e, data, len, d);
    free(data);
    return ok;
}

// code_t keeps these in 8 and 16 bits.
static bool check_code(const freeze_entry_t *e, const mpy_raw_code_t *rc, diag_t *d) {
    if (rc->kind != MPY_CODE_BYTECODE) {
        return diag_error(d, DIAG_USAGE_ERROR, 0, "%s: native code cannot be frozen (bytecode only)",
            e->path);
    }
    mpy_prelude_t p;
    if (!mpy_prelude_decode(rc->code, rc->code_len, rc->file_offset, &p, d)) {
        return false;
    }
    if (p.n_state > 0xffff || p.n_exc_stack > 0xffff || p.n_pos_args > 0xff ||
        p.n_kwonly_args > 0xff || p.n_def_pos_args > 0xff || p.n_cell > 0xffff) {
        return diag_error(d, DIAG_USAGE_ERROR, 0,
            "%s: module too large for the target (a function needs %u state slots, limit 65535)",
            e->path, (unsigned)p.n_state);
    }
    for (size_t i = 0; i < rc->n_children; i++) {
        if (!check_code(e, &rc->children[i], d)) {
            return false;
        }
    }
    return true;
}

bool freezer_compile(freezer_t *f, diag_t *d) {
    if (f->n_entries > 1) {
        qsort(f->entries, f->n_entries, sizeof(freeze_entry_t), compare_entries);
    }
    for (size_t i = 0; i < f->n_entries; i++) {
        freeze_entry_t *e = &f->entries[i];
        bool ok = e->kind == FREEZE_PY ? compile_py(f, e, d) : read_mpy(f, e, d);
        if (!ok || !check_code(e, &e->mpy.root, d)) {
            return false;
        }
        if (f->max_module_size != 0) {
            freeze_size_t sz;
            freezer_module_size(f, i, 4, &sz);
            size_t total = sz.bytecode + sz.records + sz.qstr_map + sz.consts;
            if (total > f->max_module_size) {
                return diag_error(d, DIAG_USAGE_ERROR, 0,
                    "%s: module too large for the target (%zu bytes, limit %zu)", e->path, total,
                    f->max_module_size);
            }
        }
        if (f->progress != NULL) {
            f->progress(f->progress_ctx, i + 1, f->n_entries, e);
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// Sizes.
static size_t const_size(const mpy_obj_t *o, size_t w) {
    switch (o->kind) {
        case MPY_OBJ_STR:
        case MPY_OBJ_BYTES:
            return 4 * w + o->len + 1;          // obj_str_t and the bytes
        case MPY_OBJ_TUPLE: {
            size_t n = 2 * w + o->n_items * w;
            for (size_t i = 0; i < o->n_items; i++) {
                n += const_size(&o->items[i], w);
            }
            return n;
        }
        case MPY_OBJ_INT:
        case MPY_OBJ_FLOAT:
        case MPY_OBJ_COMPLEX:
            return o->len + 2;                  // kept as text until import
        default:
            return 0;
    }
}

static void code_size(const mpy_raw_code_t *rc, size_t w, freeze_size_t *out) {
    out->bytecode += rc->code_len;
    // code_t: 4 pointers, 12 bytes of counts, name, arg names, ctx,
    // children, 2 sizes; then the argument names and children tables.
    out->records += 11 * w + 12 + rc->n_children * w;
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    if (mpy_prelude_decode(rc->code, rc->code_len, -1, &p, &d)) {
        out->records += (p.n_pos_args + p.n_kwonly_args) * 4;
    }
    for (size_t i = 0; i < rc->n_children; i++) {
        code_size(&rc->children[i], w, out);
    }
}

void freezer_module_size(const freezer_t *f, size_t i, size_t w, freeze_size_t *out) {
    const freeze_entry_t *e = &f->entries[i];
    memset(out, 0, sizeof(*out));
    code_size(&e->mpy.root, w, out);
    out->qstr_map = e->mpy.n_qstrs * 4;
    for (size_t k = 0; k < e->mpy.n_qstrs; k++) {
        if (!e->mpy.qstrs[k].is_static) {
            out->qstr_text += e->mpy.qstrs[k].len + 1;
        }
    }
    out->consts = e->mpy.n_objs * w;
    for (size_t k = 0; k < e->mpy.n_objs; k++) {
        out->consts += const_size(&e->mpy.objs[k], w);
    }
    // The module record and its RAM context.
    out->records += 7 * w + strlen(e->name) + strlen(e->target) + 2;
}
