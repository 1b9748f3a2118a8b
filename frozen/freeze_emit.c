// frozen/freeze_emit.c: writing compiled entries as the C source that
// runtime/frozen.c runs (the representation is described in frozen.h).
// Built-in qstrs are named symbolically (QSTR_x, Q_x), so the file keeps
// compiling when the runtime's tables move; a _Static_assert on their count
// catches a runtime that gained qstrs the image would otherwise duplicate.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frozen.h"

static const char *const static_cnames[] = {
    "NULL",
#define Q(id, text) #id,
#include "../mpyformat/static_qstrs.def"
#undef Q
};

// The runtime's qstrs (runtime/qstrs.def) at each feature level's default
// switches: the rows' #if tests see RT_LEVEL as FZ_LEVEL, set again before
// each expansion (the switches of runtime/config.h expand lazily).
typedef struct runtime_qstr {
    const char *cname;
    const char *text;
} runtime_qstr_t;
#undef RT_LEVEL
#define RT_LEVEL FZ_LEVEL
#include "../runtime/config.h"
#define Q(id, text) {#id, text},
#define FZ_LEVEL RT_LEVEL_MINIMAL
static const runtime_qstr_t runtime_qstrs_minimal[] = {
#include "../runtime/qstrs.def"
};
#undef FZ_LEVEL
#define FZ_LEVEL RT_LEVEL_CORE
static const runtime_qstr_t runtime_qstrs_core[] = {
#include "../runtime/qstrs.def"
};
#undef FZ_LEVEL
#define FZ_LEVEL RT_LEVEL_FULL
static const runtime_qstr_t runtime_qstrs_full[] = {
#include "../runtime/qstrs.def"
};
#undef FZ_LEVEL
#undef Q

#define LEVEL_QSTRS(rows) {rows, sizeof(rows) / sizeof(rows[0])}
static const struct {
    const runtime_qstr_t *rows;
    size_t n;
} level_qstrs[] = {
    [RT_LEVEL_MINIMAL] = LEVEL_QSTRS(runtime_qstrs_minimal),
    [RT_LEVEL_CORE] = LEVEL_QSTRS(runtime_qstrs_core),
    [RT_LEVEL_FULL] = LEVEL_QSTRS(runtime_qstrs_full),
};
_Static_assert(FREEZE_MAX_RT_LEVEL == RT_LEVEL_FULL, "freezer_t.rt_level's range");

enum {
    MAX_FROZEN_QSTRS = 0xfffe,                             // the hash table holds uint16
    SMALL_INT_LIMIT_BITS = 30,
};

typedef struct emitter {
    const freezer_t *f;
    buf_t *out;
    qstr_pool_t *pool;      // statics, then runtime qstrs, then frozen ones: ids match the VM's
    const runtime_qstr_t *runtime_qstrs;    // of the runtime's feature level
    size_t n_builtin;       // the runtime's Q_NUM_BUILTIN
    size_t module;          // index of the module being written
    size_t n_rc;            // raw codes written for it
    char **qref;            // per qstr index of the module: its C expression
    buf_t lazy;             // the module's constants built at import
    size_t *roots;          // per module: the number of its outermost record
    size_t *lazy_len;       // per module: bytes of lazy constants
    size_t n_frozen;        // new qstrs so far
    diag_t *d;
} emitter_t;

// ---------------------------------------------------------------------------
// Literals.
static void emit_cstr(buf_t *out, const uint8_t *s, size_t len) {
    buf_byte(out, '"');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (i > 0 && i % 72 == 0) {
            buf_str(out, "\"\n    \"");
        }
        // '?' escaped against trigraphs; octal always 3 digits so a following
        // digit is never taken into the escape.
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
            buf_byte(out, c);
        } else {
            buf_printf(out, "\\%03o", c);
        }
    }
    buf_byte(out, '"');
}

static uint32_t runtime_hash(const uint8_t *s, size_t len) {
    uint32_t h = qstr_compute_hash(s, len) & 0xffff;
    return h == 0 ? 1 : h;
}

static bool is_ascii(const uint8_t *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (s[i] & 0x80) {
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// Qstrs.
static qstr_pool_t *builtin_pool(const runtime_qstr_t *rows, size_t n) {
    qstr_pool_t *p = qstr_pool_new();
    if (p == NULL) {
        return NULL;
    }
    for (size_t r = 0; r < n; r++) {
        qstr_t q = qstr_intern_cstr(p, rows[r].text);
        if (q != QSTR_NUM_STATIC + r) {
            // A runtime qstr repeating a static one: ids would disagree.
            qstr_pool_free(p);
            return NULL;
        }
    }
    return p;
}

// The C expression for the runtime id of a module's qstr.
static char *qstr_expr(emitter_t *em, const mpy_qstr_t *mq) {
    qstr_t q = mq->is_static ? (qstr_t)mq->static_id : qstr_intern(em->pool, mq->str, mq->len);
    char tmp[96];
    if (q == QSTR_NULL) {
        return NULL;
    }
    if (q < QSTR_NUM_STATIC) {
        snprintf(tmp, sizeof(tmp), "QSTR_%s", static_cnames[q]);
    } else if (q < em->n_builtin) {
        snprintf(tmp, sizeof(tmp), "Q_%s", em->runtime_qstrs[q - QSTR_NUM_STATIC].cname);
    } else {
        snprintf(tmp, sizeof(tmp), "RT_FROZEN_QSTR(%u)", (unsigned)(q - em->n_builtin));
        if (q - em->n_builtin >= em->n_frozen) {
            em->n_frozen = q - em->n_builtin + 1;
        }
    }
    return strdup(tmp);
}

static bool resolve_qstrs(emitter_t *em, const mpy_file_t *mf) {
    em->qref = calloc(mf->n_qstrs + 1, sizeof(char *));
    if (em->qref == NULL) {
        return diag_error(em->d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    for (size_t i = 0; i < mf->n_qstrs; i++) {
        em->qref[i] = qstr_expr(em, &mf->qstrs[i]);
        if (em->qref[i] == NULL) {
            return diag_error(em->d, DIAG_MEMORY_ERROR, 0, "out of memory");
        }
    }
    return true;
}

static void free_qstrs(emitter_t *em, size_t n) {
    if (em->qref != NULL) {
        for (size_t i = 0; i < n; i++) {
            free(em->qref[i]);
        }
    }
    free(em->qref);
    em->qref = NULL;
}

// ---------------------------------------------------------------------------
// Constants.
static bool int_is_small(const mpy_obj_t *o, long long *v) {
    char tmp[32];
    if (o->len == 0 || o->len >= sizeof(tmp)) {
        return false;
    }
    memcpy(tmp, o->data, o->len);
    tmp[o->len] = 0;
    char *end;
    errno = 0;
    *v = strtoll(tmp, &end, 0);
    long long lim = 1LL << SMALL_INT_LIMIT_BITS;
    return errno == 0 && *end == 0 && *v >= -lim && *v < lim;
}

// Big ints, floats and complex numbers depend on the target's word and
// float size: they are built at import (and so are tuples holding them).
static bool needs_lazy(const mpy_obj_t *o) {
    long long v;
    switch (o->kind) {
        case MPY_OBJ_INT:
            return !int_is_small(o, &v);
        case MPY_OBJ_FLOAT:
        case MPY_OBJ_COMPLEX:
            return true;
        case MPY_OBJ_TUPLE:
            for (size_t i = 0; i < o->n_items; i++) {
                if (needs_lazy(&o->items[i])) {
                    return true;
                }
            }
            return false;
        default:
            return false;
    }
}

// The .mpy constant encoding, which runtime/frozen.c reads back.
static void encode_obj(buf_t *b, const mpy_obj_t *o) {
    buf_byte(b, (uint8_t)o->kind);
    if (o->kind == MPY_OBJ_TUPLE) {
        buf_vuint(b, o->n_items);
        for (size_t i = 0; i < o->n_items; i++) {
            encode_obj(b, &o->items[i]);
        }
        return;
    }
    if (o->kind < MPY_OBJ_STR) {
        return;
    }
    buf_vuint(b, o->len);
    buf_append(b, o->data, o->len);
    if (o->kind == MPY_OBJ_STR || o->kind == MPY_OBJ_BYTES) {
        buf_byte(b, 0);
    }
}

// Writes the static objects o needs and appends its obj_t expression to
// expr. `name` is unique in the file.
static void emit_const(emitter_t *em, const mpy_obj_t *o, const char *name, buf_t *expr) {
    buf_t *out = em->out;
    long long v;
    switch (o->kind) {
        case MPY_OBJ_NONE:
            buf_str(expr, "OBJ_NONE");
            return;
        case MPY_OBJ_FALSE:
            buf_str(expr, "OBJ_FALSE");
            return;
        case MPY_OBJ_TRUE:
            buf_str(expr, "OBJ_TRUE");
            return;
        case MPY_OBJ_ELLIPSIS:
            buf_str(expr, "OBJ_ELLIPSIS");
            return;
        case MPY_OBJ_INT:
            int_is_small(o, &v);
            buf_printf(expr, "OBJ_SMALL_INT(%lld)", v);
            return;
        case MPY_OBJ_STR:
        case MPY_OBJ_BYTES:
            buf_printf(out, "static const obj_str_t %s = {{&type_%s}, RT_FROZEN_STR_HASH(%u, %d), %zu,\n    (const uint8_t *)",
                name, o->kind == MPY_OBJ_STR ? "str" : "bytes", (unsigned)runtime_hash(o->data, o->len),
                is_ascii(o->data, o->len), o->len);
            emit_cstr(out, o->data, o->len);
            buf_str(out, "};\n");
            buf_printf(expr, "ROM_PTR(&%s)", name);
            return;
        default:
            break;
    }
    // A tuple of static items: a struct shaped as obj_tuple_t with room.
    buf_t items;
    buf_init(&items);
    for (size_t i = 0; i < o->n_items; i++) {
        char sub[96];
        snprintf(sub, sizeof(sub), "%s_%zu", name, i);
        buf_str(&items, i ? ", " : "");
        emit_const(em, &o->items[i], sub, &items);
    }
    buf_printf(out, "static const struct {\n    obj_base_t base;\n    size_t len;\n    obj_t items[%zu];\n} %s = {{&type_tuple}, %zu, {",
        o->n_items, name, o->n_items);
    buf_append(out, items.data, items.len);
    buf_str(out, "}};\n");
    buf_deinit(&items);
    buf_printf(expr, "ROM_PTR(&%s)", name);
}

static void emit_consts(emitter_t *em, const mpy_file_t *mf) {
    if (mf->n_objs == 0) {
        return;
    }
    buf_t table;
    buf_init(&table);
    for (size_t k = 0; k < mf->n_objs; k++) {
        const mpy_obj_t *o = &mf->objs[k];
        buf_str(&table, "    ");
        if (needs_lazy(o)) {
            buf_vuint(&em->lazy, k);
            encode_obj(&em->lazy, o);
            buf_str(&table, "OBJ_NULL");
        } else {
            char name[64];
            snprintf(name, sizeof(name), "fz%zu_k%zu", em->module, k);
            emit_const(em, o, name, &table);
        }
        buf_str(&table, ",\n");
    }
    buf_printf(em->out, "static const obj_t fz%zu_consts[] = {\n", em->module);
    buf_append(em->out, table.data, table.len);
    buf_str(em->out, "};\n");
    buf_deinit(&table);
}

// ---------------------------------------------------------------------------
// Code.
static void emit_bytes_array(buf_t *out, const char *name, const uint8_t *data, size_t len) {
    buf_printf(out, "static const uint8_t %s[] =\n    ", name);
    emit_cstr(out, data, len);
    buf_str(out, ";\n");
}

// Writes the raw code's children, then its bytes and record; returns its number.
static size_t emit_code(emitter_t *em, const mpy_raw_code_t *rc) {
    size_t m = em->module;
    size_t *child_ids = calloc(rc->n_children + 1, sizeof(size_t));
    for (size_t i = 0; i < rc->n_children; i++) {
        child_ids[i] = emit_code(em, &rc->children[i]);
    }
    size_t j = em->n_rc++;
    buf_t *out = em->out;
    mpy_prelude_t p;
    mpy_prelude_decode(rc->code, rc->code_len, -1, &p, em->d);   // checked when compiling
    char name[64];
    snprintf(name, sizeof(name), "fz%zu_b%zu", m, j);
    emit_bytes_array(out, name, rc->code, rc->code_len);
    size_t n_args = p.n_pos_args + p.n_kwonly_args;
    if (n_args > 0) {
        uint32_t *idx = calloc(n_args, sizeof(uint32_t));
        mpy_prelude_arg_names(rc->code, &p, idx);
        buf_printf(out, "static const qstr_t fz%zu_a%zu[] = {", m, j);
        for (size_t i = 0; i < n_args; i++) {
            buf_printf(out, "%s%s", i ? ", " : "", em->qref[idx[i]]);
        }
        buf_str(out, "};\n");
        free(idx);
    }
    if (rc->n_children > 0) {
        buf_printf(out, "static const code_t *const fz%zu_c%zu[] = {", m, j);
        for (size_t i = 0; i < rc->n_children; i++) {
            buf_printf(out, "%s&fz%zu_r%zu", i ? ", " : "", m, child_ids[i]);
        }
        buf_str(out, "};\n");
    }
    free(child_ids);
    buf_printf(out, "static const code_t fz%zu_r%zu = {\n", m, j);
    buf_printf(out, "    .bc = %s + %zu, .bc_len = %zu,\n", name, p.opcodes_offset, rc->code_len - p.opcodes_offset);
    buf_printf(out, "    .line_info = %s + %zu, .line_info_end = %s + %zu,\n", name, p.line_info_offset, name,
        p.cell_offset);
    buf_printf(out, "    .cells = %s + %zu, .n_cells = %u,\n", name, p.cell_offset, (unsigned)p.n_cell);
    buf_printf(out, "    .n_state = %u, .n_exc_stack = %u, .scope_flags = 0x%02x,\n", (unsigned)p.n_state,
        (unsigned)p.n_exc_stack, (unsigned)p.scope_flags);
    buf_printf(out, "    .n_pos_args = %u, .n_kwonly_args = %u, .n_def_pos_args = %u,\n", (unsigned)p.n_pos_args,
        (unsigned)p.n_kwonly_args, (unsigned)p.n_def_pos_args);
    buf_printf(out, "    .name = %s, .ctx = &fz%zu_ctx,\n", em->qref[p.name], m);
    if (n_args > 0) {
        buf_printf(out, "    .arg_names = fz%zu_a%zu,\n", m, j);
    }
    if (rc->n_children > 0) {
        buf_printf(out, "    .children = fz%zu_c%zu, .n_children = %zu,\n", m, j, rc->n_children);
    }
    buf_str(out, "};\n");
    return j;
}

static bool emit_module(emitter_t *em, const freeze_entry_t *e) {
    const mpy_file_t *mf = &e->mpy;
    buf_t *out = em->out;
    buf_printf(out, "\n// %s (%s)\n", e->name, e->target);
    if (!resolve_qstrs(em, mf)) {
        return false;
    }
    buf_reset(&em->lazy);
    emit_consts(em, mf);
    buf_printf(out, "static const qstr_t fz%zu_qstrs[] = {", em->module);
    for (size_t i = 0; i < mf->n_qstrs; i++) {
        buf_printf(out, "%s%s", i % 4 ? " " : "\n    ", em->qref[i]);
        buf_str(out, ",");
    }
    buf_str(out, "\n};\n");
    buf_printf(out, "static module_ctx_t fz%zu_ctx = {\n    .qstrs = fz%zu_qstrs, .n_qstrs = %zu,\n", em->module,
        em->module, mf->n_qstrs);
    if (mf->n_objs > 0) {
        buf_printf(out, "    .consts = fz%zu_consts, .n_consts = %zu,\n", em->module, mf->n_objs);
    }
    buf_printf(out, "    .source_file = %s,\n};\n", em->qref[0]);
    if (em->lazy.len > 0) {
        char name[64];
        snprintf(name, sizeof(name), "fz%zu_lazy", em->module);
        emit_bytes_array(out, name, em->lazy.data, em->lazy.len);
    }
    em->n_rc = 0;
    em->roots[em->module] = emit_code(em, &mf->root);
    em->lazy_len[em->module] = em->lazy.len;
    free_qstrs(em, mf->n_qstrs);
    return !diag_failed(em->d);
}

// ---------------------------------------------------------------------------
// The image.
static bool emit_tables(emitter_t *em) {
    buf_t *out = em->out;
    size_t n = em->n_frozen;
    if (n > MAX_FROZEN_QSTRS) {
        return diag_error(em->d, DIAG_USAGE_ERROR, 0, "image too large for the target (%zu new qstrs, limit %d)",
            n, MAX_FROZEN_QSTRS);
    }
    size_t size = 0;
    if (n > 0) {
        size = 4;
        while (size < 2 * n) {
            size *= 2;
        }
        buf_str(out, "\n// The new qstrs, ids RT_FROZEN_QSTR(0) on.\nstatic const rt_frozen_qstr_t fz_qstrs[] = {\n");
        uint16_t *table = calloc(size, sizeof(uint16_t));
        for (size_t k = 0; k < n; k++) {
            qstr_t q = (qstr_t)(em->n_builtin + k);
            const uint8_t *s = (const uint8_t *)qstr_str(em->pool, q);
            size_t len = qstr_len(em->pool, q);
            uint32_t h = runtime_hash(s, len);
            buf_str(out, "    {");
            emit_cstr(out, s, len);
            buf_printf(out, ", %zu, %u},\n", len, (unsigned)h);
            size_t i = h & (size - 1);
            while (table[i] != 0) {
                i = (i + 1) & (size - 1);
            }
            table[i] = (uint16_t)(k + 1);
        }
        buf_str(out, "};\nstatic const uint16_t fz_qstr_table[] = {");
        for (size_t i = 0; i < size; i++) {
            buf_printf(out, "%s%u,", i % 16 ? " " : "\n    ", table[i]);
        }
        buf_str(out, "\n};\n");
        free(table);
    }
    buf_str(out, "\n// Sorted by name: runtime/frozen.c searches it by halves.\nstatic const rt_frozen_module_t fz_modules[] = {\n");
    const freezer_t *f = em->f;
    for (size_t i = 0; i < f->n_entries; i++) {
        const freeze_entry_t *e = &f->entries[i];
        buf_printf(out, "    {\"%s\", ", e->name);
        emit_cstr(out, (const uint8_t *)e->target, strlen(e->target));
        buf_printf(out, ", %s, &fz%zu_ctx, &fz%zu_r%zu, ", e->is_package ? "true" : "false", i, i,
            em->roots[i]);
        if (em->lazy_len[i] > 0) {
            buf_printf(out, "fz%zu_lazy, %zu},\n", i, em->lazy_len[i]);
        } else {
            buf_str(out, "NULL, 0},\n");
        }
    }
    buf_str(out, "};\n");
    buf_printf(out, "\nconst rt_frozen_table_t rt_frozen_table = {\n    Q_NUM_BUILTIN, %zu, %s, %zu, %s, %zu, %s,\n};\n",
        f->n_entries, f->n_entries ? "fz_modules" : "NULL", n, n ? "fz_qstrs" : "NULL", size,
        n ? "fz_qstr_table" : "NULL");
    return true;
}

bool freezer_write_c(const freezer_t *f, buf_t *c, buf_t *header, diag_t *d) {
    emitter_t em;
    memset(&em, 0, sizeof(em));
    em.f = f;
    em.out = c;
    em.d = d;
    em.runtime_qstrs = level_qstrs[f->rt_level].rows;
    em.n_builtin = QSTR_NUM_STATIC + level_qstrs[f->rt_level].n;
    em.pool = builtin_pool(em.runtime_qstrs, level_qstrs[f->rt_level].n);
    if (em.pool == NULL) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory (or a runtime qstr repeats a static one)");
    }
    buf_init(&em.lazy);
    buf_printf(c, "// Generated by mpy-freeze: %zu frozen modules. Do not edit.\n", f->n_entries);
    buf_str(c, "// Compile with the repository root on the include path.\n#include \"runtime/frozen.h\"\n\n");
    buf_printf(c, "_Static_assert(Q_NUM_BUILTIN == %d, \"the runtime's qstrs changed: run mpy-freeze again\");\n",
        (int)em.n_builtin);
    bool ok = true;
    em.roots = calloc(f->n_entries + 1, sizeof(size_t));
    em.lazy_len = calloc(f->n_entries + 1, sizeof(size_t));
    for (size_t i = 0; ok && i < f->n_entries; i++) {
        em.module = i;
        ok = emit_module(&em, &f->entries[i]);
    }
    if (ok) {
        ok = emit_tables(&em);
    }
    free(em.roots);
    free(em.lazy_len);
    buf_deinit(&em.lazy);
    qstr_pool_free(em.pool);
    if (ok && header != NULL) {
        buf_printf(header, "// Generated by mpy-freeze. Do not edit.\n#ifndef MPY_FROZEN_CONTENT_H\n#define MPY_FROZEN_CONTENT_H\n\n");
        buf_str(header, "#include \"runtime/frozen.h\"\n\n");
        buf_printf(header, "#define MPY_FROZEN_N_MODULES %zu\n\n// Frozen modules:\n", f->n_entries);
        for (size_t i = 0; i < f->n_entries; i++) {
            buf_printf(header, "//   %s%s\n", f->entries[i].name, f->entries[i].is_package ? " (package)" : "");
        }
        buf_str(header, "\n#endif\n");
    }
    if (ok && (c->failed || (header != NULL && header->failed))) {
        ok = diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    return ok;
}
