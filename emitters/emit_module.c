// emitters/emit_module.c: the tables one module's functions share: the qstr
// table (qstr 0 is the source file, the rest numbered on first use) and the
// constant table (deduplicated by the official compiler's strict equality),
// and the conversion of both, with the raw-code tree, into an mpy_file_t.
// Lookups are hashed so a module with many names and constants stays linear.
#include <stdio.h>
#include <string.h>

#include "../util/bigint.h"
#include "emit.h"
#include "emit_fmt.h"

struct emit_module {
    arena_t *arena;
    qstr_pool_t *pool;
    bool failed;  // out of memory somewhere; reported by emit_module_finish

    // The qstr table in index order, and for each qstr id its index + 1
    // (0: not in the table). qstr ids are dense, so an array is the hash.
    qstr_t *qstrs;
    size_t n_qstrs;
    size_t cap_qstrs;
    uint32_t *qstr_slot;
    size_t cap_qstr_slot;

    // The constant table in index order, and an open-addressing hash of it
    // (constant index + 1, 0 empty; capacity a power of two).
    const cobj_t **objs;
    uint32_t *obj_hashes;
    size_t n_objs;
    size_t cap_objs;
    uint32_t *obj_slot;
    size_t cap_obj_slot;
};

// Grows an arena array of `elem` byte items to hold at least `need`. The
// old block stays in the arena, so doubling keeps the total linear.
static bool grow_array(emit_module_t *m, void **items, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) {
        return true;
    }
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need) {
        cap2 *= 2;
    }
    void *p = arena_alloc(m->arena, cap2 * elem);
    if (p == NULL) {
        m->failed = true;
        return false;
    }
    if (*items != NULL) {
        memcpy(p, *items, *cap * elem);
    }
    *items = p;
    *cap = cap2;
    return true;
}

emit_module_t *emit_module_new(arena_t *arena, qstr_pool_t *pool, qstr_t source_file) {
    emit_module_t *m = arena_alloc(arena, sizeof(*m));
    if (m == NULL) {
        return NULL;
    }
    m->arena = arena;
    m->pool = pool;
    emit_module_use_qstr(m, source_file);
    return m;
}

uint32_t emit_module_use_qstr(emit_module_t *m, qstr_t qst) {
    if (qst < m->cap_qstr_slot && m->qstr_slot[qst] != 0) {
        return m->qstr_slot[qst] - 1;
    }
    void *slots = m->qstr_slot;
    if (!grow_array(m, &slots, &m->cap_qstr_slot, (size_t)qst + 1, sizeof(uint32_t))) {
        return 0;
    }
    m->qstr_slot = slots;
    void *items = m->qstrs;
    if (!grow_array(m, &items, &m->cap_qstrs, m->n_qstrs + 1, sizeof(qstr_t))) {
        return 0;
    }
    m->qstrs = items;
    uint32_t idx = (uint32_t)m->n_qstrs++;
    m->qstrs[idx] = qst;
    m->qstr_slot[qst] = idx + 1;
    return idx;
}

// ---------------------------------------------------------------------------
// Strict equality of constants, as the official compiler dedups them: same
// type and equal value. Floats are equal when their bits are, so 0.0 and
// -0.0 stay two constants (the v1.28 goldens have both). An object always
// equals itself, so a constant is found again in every pass.

static uint32_t mix(uint32_t h, uint64_t v) {
    h ^= (uint32_t)v ^ (uint32_t)(v >> 32);
    h *= 0x9e3779b1u;
    return h ^ (h >> 15);
}

static uint64_t double_bits(double f) {
    uint64_t bits;
    memcpy(&bits, &f, sizeof(bits));
    return bits;
}

static bool is_int_kind(cobj_kind_t k) {
    return k == COBJ_SMALL_INT || k == COBJ_BIG_INT;
}

// A big int that fits int64_t hashes and compares as the small int it is.
static bool int_as_i64(const cobj_t *o, int64_t *out) {
    if (o->kind == COBJ_SMALL_INT) {
        *out = o->u.small_int;
        return true;
    }
    return bigint_to_i64(o->u.big, out);
}

static uint32_t cobj_hash(const cobj_t *o) {
    uint32_t h = mix(0x811c9dc5u, is_int_kind(o->kind) ? COBJ_SMALL_INT : o->kind);
    int64_t i;
    switch (o->kind) {
        case COBJ_SMALL_INT:
        case COBJ_BIG_INT:
            if (int_as_i64(o, &i)) {
                return mix(h, (uint64_t)i);
            }
            h = mix(h, o->u.big->neg);
            for (size_t k = 0; k < o->u.big->len; k++) {
                h = mix(h, o->u.big->limbs[k]);
            }
            return h;
        case COBJ_FLOAT:
            return mix(h, double_bits(o->u.f));
        case COBJ_COMPLEX:
            return mix(mix(h, double_bits(o->u.complex.real)), double_bits(o->u.complex.imag));
        case COBJ_STR:
        case COBJ_BYTES:
            return mix(h, qstr_compute_hash(o->u.str.data, o->u.str.len));
        case COBJ_TUPLE:
            h = mix(h, o->u.tuple.n);
            for (size_t k = 0; k < o->u.tuple.n; k++) {
                h = mix(h, cobj_hash(o->u.tuple.items[k]));
            }
            return h;
        default:
            return h;
    }
}

static bool cobj_strictly_equal(const cobj_t *a, const cobj_t *b) {
    if (a == b) {
        return true;
    }
    if (is_int_kind(a->kind) && is_int_kind(b->kind)) {
        int64_t x;
        int64_t y;
        bool ax = int_as_i64(a, &x);
        bool by = int_as_i64(b, &y);
        if (ax || by) {
            return ax && by && x == y;
        }
        return bigint_cmp(a->u.big, b->u.big) == 0;
    }
    if (a->kind != b->kind) {
        return false;
    }
    switch (a->kind) {
        case COBJ_FLOAT:
            return double_bits(a->u.f) == double_bits(b->u.f);
        case COBJ_COMPLEX:
            return double_bits(a->u.complex.real) == double_bits(b->u.complex.real)
                && double_bits(a->u.complex.imag) == double_bits(b->u.complex.imag);
        case COBJ_STR:
        case COBJ_BYTES:
            return a->u.str.len == b->u.str.len
                && (a->u.str.len == 0 || memcmp(a->u.str.data, b->u.str.data, a->u.str.len) == 0);
        case COBJ_TUPLE:
            if (a->u.tuple.n != b->u.tuple.n) {
                return false;
            }
            for (size_t k = 0; k < a->u.tuple.n; k++) {
                if (!cobj_strictly_equal(a->u.tuple.items[k], b->u.tuple.items[k])) {
                    return false;
                }
            }
            return true;
        default:
            return true;  // None, False, True, Ellipsis: singletons
    }
}

static bool grow_obj_slots(emit_module_t *m) {
    size_t cap = m->cap_obj_slot ? m->cap_obj_slot * 2 : 64;
    uint32_t *slots = arena_alloc(m->arena, cap * sizeof(uint32_t));
    if (slots == NULL) {
        m->failed = true;
        return false;
    }
    for (size_t i = 0; i < m->n_objs; i++) {
        size_t s = m->obj_hashes[i] & (cap - 1);
        while (slots[s] != 0) {
            s = (s + 1) & (cap - 1);
        }
        slots[s] = (uint32_t)i + 1;
    }
    m->obj_slot = slots;
    m->cap_obj_slot = cap;
    return true;
}

uint32_t emit_module_use_const(emit_module_t *m, const cobj_t *obj) {
    uint32_t h = cobj_hash(obj);
    if (m->cap_obj_slot != 0) {
        size_t s = h & (m->cap_obj_slot - 1);
        while (m->obj_slot[s] != 0) {
            uint32_t i = m->obj_slot[s] - 1;
            if (m->obj_hashes[i] == h && cobj_strictly_equal(m->objs[i], obj)) {
                return i;
            }
            s = (s + 1) & (m->cap_obj_slot - 1);
        }
    }
    if ((m->n_objs + 1) * 2 > m->cap_obj_slot && !grow_obj_slots(m)) {
        return 0;
    }
    void *objs = m->objs;
    size_t cap = m->cap_objs;
    if (!grow_array(m, &objs, &cap, m->n_objs + 1, sizeof(cobj_t *))) {
        return 0;
    }
    void *hashes = m->obj_hashes;
    size_t cap_h = m->cap_objs;
    if (!grow_array(m, &hashes, &cap_h, m->n_objs + 1, sizeof(uint32_t))) {
        return 0;
    }
    m->objs = objs;
    m->obj_hashes = hashes;
    m->cap_objs = cap;
    uint32_t idx = (uint32_t)m->n_objs++;
    m->objs[idx] = obj;
    m->obj_hashes[idx] = h;
    size_t s = h & (m->cap_obj_slot - 1);
    while (m->obj_slot[s] != 0) {
        s = (s + 1) & (m->cap_obj_slot - 1);
    }
    m->obj_slot[s] = idx + 1;
    return idx;
}

// ---------------------------------------------------------------------------
// Building the file model.

static bool fill_qstrs(emit_module_t *m, mpy_file_t *out) {
    out->n_qstrs = m->n_qstrs;
    out->qstrs = arena_alloc(m->arena, (m->n_qstrs ? m->n_qstrs : 1) * sizeof(mpy_qstr_t));
    if (out->qstrs == NULL) {
        return false;
    }
    for (size_t i = 0; i < m->n_qstrs; i++) {
        qstr_t q = m->qstrs[i];
        mpy_qstr_t *e = &out->qstrs[i];
        e->str = qstr_str(m->pool, q);
        e->len = qstr_len(m->pool, q);
        e->is_static = qstr_is_static(q);
        e->static_id = e->is_static ? q : 0;
        e->file_offset = -1;
    }
    return true;
}

static bool set_text(emit_module_t *m, mpy_obj_t *o, const char *text, size_t len) {
    char *copy = arena_strndup(m->arena, text, len);
    o->data = (const uint8_t *)copy;
    o->len = len;
    return copy != NULL;
}

static bool big_int_text(emit_module_t *m, const struct bigint *big, mpy_obj_t *o) {
    size_t cap = bigint_str_size(big, 10);
    char *text = arena_alloc(m->arena, cap);
    size_t len = 0;
    if (text == NULL || bigint_to_str(big, 10, false, text, &len) != BIGINT_OK) {
        return false;
    }
    o->data = (const uint8_t *)text;
    o->len = len;
    return true;
}

// Converts one constant to the file model; tuples recurse over their items
// (constant tuples are only as deep as the parser allowed the source to be).
static bool convert_obj(emit_module_t *m, const cobj_t *c, mpy_obj_t *o) {
    char text[EMIT_FMT_NUMBER_MAX];
    o->file_offset = -1;
    switch (c->kind) {
        case COBJ_NONE:
            o->kind = MPY_OBJ_NONE;
            return true;
        case COBJ_FALSE:
            o->kind = MPY_OBJ_FALSE;
            return true;
        case COBJ_TRUE:
            o->kind = MPY_OBJ_TRUE;
            return true;
        case COBJ_ELLIPSIS:
            o->kind = MPY_OBJ_ELLIPSIS;
            return true;
        case COBJ_SMALL_INT:
            o->kind = MPY_OBJ_INT;
            return set_text(m, o, text, (size_t)snprintf(text, sizeof(text), "%lld",
                (long long)c->u.small_int));
        case COBJ_BIG_INT:
            o->kind = MPY_OBJ_INT;
            return big_int_text(m, c->u.big, o);
        case COBJ_FLOAT:
            o->kind = MPY_OBJ_FLOAT;
            return set_text(m, o, text, emit_fmt_float_repr(c->u.f, text, sizeof(text)));
        case COBJ_COMPLEX:
            o->kind = MPY_OBJ_COMPLEX;
            return set_text(m, o, text,
                emit_fmt_complex_repr(c->u.complex.real, c->u.complex.imag, text, sizeof(text)));
        case COBJ_STR:
        case COBJ_BYTES:
            o->kind = c->kind == COBJ_STR ? MPY_OBJ_STR : MPY_OBJ_BYTES;
            o->data = c->u.str.data;
            o->len = c->u.str.len;
            return true;
        case COBJ_FUN_TABLE:
            o->kind = MPY_OBJ_FUN_TABLE;
            return true;
        case COBJ_TUPLE:
            o->kind = MPY_OBJ_TUPLE;
            o->n_items = c->u.tuple.n;
            o->items = arena_alloc(m->arena, (c->u.tuple.n ? c->u.tuple.n : 1) * sizeof(mpy_obj_t));
            if (o->items == NULL) {
                return false;
            }
            for (size_t i = 0; i < c->u.tuple.n; i++) {
                if (!convert_obj(m, c->u.tuple.items[i], &o->items[i])) {
                    return false;
                }
            }
            return true;
    }
    return false;
}

static bool fill_objs(emit_module_t *m, mpy_file_t *out) {
    out->n_objs = m->n_objs;
    out->objs = arena_alloc(m->arena, (m->n_objs ? m->n_objs : 1) * sizeof(mpy_obj_t));
    if (out->objs == NULL) {
        return false;
    }
    for (size_t i = 0; i < m->n_objs; i++) {
        if (!convert_obj(m, m->objs[i], &out->objs[i])) {
            return false;
        }
    }
    return true;
}

typedef struct rc_work {
    const emit_raw_code_t *src;
    mpy_raw_code_t *dst;
} rc_work_t;

// Copies the raw-code tree breadth first with an explicit work list, so a
// deeply nested module cannot exhaust the C stack here.
static bool fill_raw_codes(emit_module_t *m, const emit_raw_code_t *root, mpy_raw_code_t *out) {
    void *work = NULL;
    size_t cap = 0;
    size_t n = 0;
    if (!grow_array(m, &work, &cap, 1, sizeof(rc_work_t))) {
        return false;
    }
    ((rc_work_t *)work)[n++] = (rc_work_t){root, out};
    for (size_t next = 0; next < n; next++) {
        rc_work_t w = ((rc_work_t *)work)[next];
        *w.dst = w.src->rc;
        w.dst->n_children = w.src->n_children;
        w.dst->children = NULL;
        if (w.src->n_children == 0) {
            continue;
        }
        w.dst->children = arena_alloc(m->arena, w.src->n_children * sizeof(mpy_raw_code_t));
        if (w.dst->children == NULL
            || !grow_array(m, &work, &cap, n + w.src->n_children, sizeof(rc_work_t))) {
            return false;
        }
        for (size_t i = 0; i < w.src->n_children; i++) {
            if (w.src->children[i] == NULL) {
                return false;
            }
            ((rc_work_t *)work)[n++] = (rc_work_t){w.src->children[i], &w.dst->children[i]};
        }
    }
    return true;
}

bool emit_module_finish(emit_module_t *m, const scope_t *root, mpy_file_t *out, diag_t *d) {
    if (root == NULL || root->raw_code == NULL) {
        return diag_error(d, DIAG_RUNTIME_ERROR, 0, "internal error: module has no code");
    }
    out->version = MPY_VERSION;
    out->sub_version = MPY_SUB_VERSION;
    if (m->failed || !fill_qstrs(m, out) || !fill_objs(m, out)
        || !fill_raw_codes(m, root->raw_code, &out->root)) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
    }
    return true;
}

size_t emit_module_num_qstrs(const emit_module_t *m) {
    return m->n_qstrs;
}

size_t emit_module_num_consts(const emit_module_t *m) {
    return m->n_objs;
}
