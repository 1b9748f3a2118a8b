// runtime/objdict.c: dict (and OrderedDict, which keeps an ordered map) and
// the keys/values/items views. Storage and order come from map.c.
#include <string.h>

#include "obj.h"

enum {
    VIEW_KEYS,
    VIEW_VALUES,
    VIEW_ITEMS,
};

obj_t dict_new(size_t n) {
    obj_dict_t *d = rt_new(obj_dict_t);
    d->base.type = &type_dict;
    map_init(&d->map, n);
    return (obj_t)d;
}

static obj_dict_t *as_dict(obj_t o) {
    return OBJ_TO_PTR(instance_native(o, &type_dict));
}

map_t *dict_map(obj_t d) {
    return &as_dict(d)->map;
}

size_t dict_len(obj_t d) {
    return as_dict(d)->map.used;
}

void dict_store(obj_t d, obj_t key, obj_t value) {
    map_lookup(&as_dict(d)->map, key, MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = value;
}

obj_t dict_get(obj_t d, obj_t key) {
    map_elem_t *e = map_lookup(&as_dict(d)->map, key, MAP_LOOKUP);
    return e ? e->value : OBJ_NULL;
}

void dict_delete(obj_t d, obj_t key) {
    map_lookup(&as_dict(d)->map, key, MAP_LOOKUP_REMOVE_IF_FOUND);
}

obj_t dict_copy(obj_t self) {
    obj_dict_t *src = as_dict(self);
    obj_dict_t *d = rt_new(obj_dict_t);
    d->base.type = src->base.type;
    d->map = src->map;
    d->map.is_fixed = 0;
    d->map.table = gc_alloc((src->map.alloc ? src->map.alloc : 1) * sizeof(map_elem_t));
    if (src->map.alloc) {
        memcpy(d->map.table, src->map.table, src->map.alloc * sizeof(map_elem_t));
    }
    return (obj_t)d;
}

// Finds the next filled slot at or after *pos.
static map_elem_t *next_slot(const map_t *m, size_t *pos) {
    size_t limit = m->is_ordered ? m->used : m->alloc;
    for (size_t i = *pos; i < limit; i++) {
        if (map_slot_filled(m, i)) {
            *pos = i + 1;
            return &m->table[i];
        }
    }
    *pos = limit;
    return NULL;
}

static void dict_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    obj_dict_t *d = as_dict(o);
    bool ordered = d->base.type == &type_ordereddict;
    if (ordered) {
        print_str(p, "OrderedDict(");
    }
    print_str(p, "{");
    size_t pos = 0;
    bool first = true;
    map_elem_t *e;
    while ((e = next_slot(&d->map, &pos)) != NULL) {
        if (!first) {
            print_str(p, ", ");
        }
        first = false;
        obj_print(p, e->key, PRINT_REPR);
        print_str(p, ": ");
        obj_print(p, e->value, PRINT_REPR);
    }
    print_str(p, "}");
    if (ordered) {
        print_str(p, ")");
    }
}

static void dict_update_from(obj_t self, obj_t src) {
    if (obj_isinstance(src, &type_dict)) {
        map_t *m = dict_map(src);
        size_t pos = 0;
        map_elem_t *e;
        while ((e = next_slot(m, &pos)) != NULL) {
            dict_store(self, e->key, e->value);
        }
        return;
    }
    obj_t dest[2];
    rt_load_method_maybe(src, QSTR_keys, dest);
    if (dest[0] != OBJ_NULL && !obj_is_type(src, &type_list) && !obj_is_type(src, &type_tuple)) {
        obj_t keys = rt_call_method(0, 0, dest);
        iter_buf_t buf;
        obj_t it = rt_getiter(keys, &buf);
        obj_t k;
        while ((k = rt_iternext(it)) != OBJ_STOP_ITERATION) {
            dict_store(self, k, rt_subscr(src, k, OBJ_SENTINEL));
        }
        return;
    }
    iter_buf_t buf;
    obj_t it = rt_getiter(src, &buf);
    obj_t item;
    while ((item = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        iter_buf_t buf2;
        obj_t it2 = rt_getiter(item, &buf2);
        obj_t k = rt_iternext(it2);
        obj_t v = k == OBJ_STOP_ITERATION ? OBJ_STOP_ITERATION : rt_iternext(it2);
        if (k == OBJ_STOP_ITERATION || v == OBJ_STOP_ITERATION || rt_iternext(it2) != OBJ_STOP_ITERATION) {
            rt_raise_value_error("dict update sequence has wrong length");
        }
        dict_store(self, k, v);
    }
}

static void update_kw(obj_t self, size_t n_kw, const obj_t *kw) {
    for (size_t i = 0; i < n_kw; i++) {
        dict_store(self, kw[2 * i], kw[2 * i + 1]);
    }
}

static obj_t dict_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    arg_check_num(n_args, n_kw, 0, 1, true);
    obj_t d = dict_new(0);
    ((obj_dict_t *)d)->base.type = t == &type_ordereddict ? t : &type_dict;
    if (t == &type_ordereddict) {
        ((obj_dict_t *)d)->map.is_ordered = 1;
    }
    if (n_args == 1) {
        dict_update_from(d, args[0]);
    }
    update_kw(d, n_kw, args + n_args);
    return d;
}

static obj_t dict_unary_op(int op, obj_t o) {
    obj_dict_t *d = as_dict(o);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(d->map.used != 0);
        case OP_LEN:
            return small_int((rt_int_t)d->map.used);
        default:
            return OBJ_NULL;
    }
}

static obj_t dict_binary_op(int op, obj_t lhs, obj_t rhs) {
    obj_dict_t *a = as_dict(lhs);
    switch (op) {
        case OP_CONTAINS:
            return OBJ_BOOL(map_lookup(&a->map, rhs, MAP_LOOKUP) != NULL);
        case OP_EQUAL:
        case OP_NOT_EQUAL: {
            bool eq = false;
            bool lo = obj_type(lhs) == &type_ordereddict, ro = obj_type(rhs) == &type_ordereddict;
            if (lo != ro) {
                // The reference VM never finds an OrderedDict equal to a dict.
            } else if (lo && ro) {
                obj_dict_t *b = as_dict(rhs);
                eq = a->map.used == b->map.used;
                for (size_t i = 0; eq && i < a->map.used; i++) {
                    eq = obj_equal(a->map.table[i].key, b->map.table[i].key)
                         && obj_equal(a->map.table[i].value, b->map.table[i].value);
                }
            } else if (obj_isinstance(rhs, &type_dict)) {
                obj_dict_t *b = as_dict(rhs);
                eq = a->map.used == b->map.used;
                size_t pos = 0;
                map_elem_t *e;
                while (eq && (e = next_slot(&a->map, &pos)) != NULL) {
                    map_elem_t *f = map_lookup(&b->map, e->key, MAP_LOOKUP);
                    eq = f != NULL && obj_equal(e->value, f->value);
                }
            }
            return OBJ_BOOL(eq == (op == OP_EQUAL));
        }
        case OP_OR:
        case OP_INPLACE_OR: {
            if (!obj_isinstance(rhs, &type_dict)) {
                return OBJ_NULL;
            }
            obj_t r = op == OP_OR ? dict_copy(lhs) : lhs;
            dict_update_from(r, rhs);
            return r;
        }
        default:
            return OBJ_NULL;
    }
}

static noreturn void key_error(obj_t key) {
    rt_raise_obj(exc_new(&type_KeyError, 1, &key));
}

static obj_t dict_subscr(obj_t self, obj_t index, obj_t value) {
    obj_dict_t *d = as_dict(self);
    if (value == OBJ_SENTINEL) {
        map_elem_t *e = map_lookup(&d->map, index, MAP_LOOKUP);
        if (e == NULL) {
#if RT_MOD_COLLECTIONS
            extern obj_t defaultdict_missing(obj_t self, obj_t key);
            obj_t r = defaultdict_missing(self, index);
            if (r != OBJ_NULL) {
                return r;
            }
#endif
            key_error(index);
        }
        return e->value;
    }
    if (value == OBJ_NULL) {
        if (map_lookup(&d->map, index, MAP_LOOKUP_REMOVE_IF_FOUND) == NULL) {
            key_error(index);
        }
        return OBJ_NONE;
    }
    if (d->map.is_fixed) {
        rt_raise_type_error(NULL);
    }
    map_lookup(&d->map, index, MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = value;
    return OBJ_NONE;
}

// Iterates keys, values or items of a dict: 4 words, so it fits a for
// loop's stack slots.
typedef struct dict_iter {
    obj_base_t base;
    obj_t dict;
    size_t pos;
    rt_int_t kind;
} dict_iter_t;

static obj_t dict_iternext(obj_t self) {
    dict_iter_t *it = OBJ_TO_PTR(self);
    map_elem_t *e = next_slot(dict_map(it->dict), &it->pos);
    if (e == NULL) {
        return OBJ_STOP_ITERATION;
    }
    if (it->kind == VIEW_KEYS) {
        return e->key;
    }
    if (it->kind == VIEW_VALUES) {
        return e->value;
    }
    obj_t items[2] = {e->key, e->value};
    return tuple_new(2, items);
}

static const type_t type_dict_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, dict_iternext, NULL, NULL, NULL, NULL,
};

static obj_t dict_iter_new(obj_t dict, int kind, iter_buf_t *buf) {
    dict_iter_t *it = buf ? (dict_iter_t *)buf : rt_new(dict_iter_t);
    it->base.type = &type_dict_iter;
    it->dict = dict;
    it->pos = 0;
    it->kind = kind;
    return (obj_t)it;
}

static obj_t dict_getiter(obj_t self, iter_buf_t *buf) {
    return dict_iter_new(self, VIEW_KEYS, buf);
}

// ---------------------------------------------------------------------------
// Views.
typedef struct dict_view {
    obj_base_t base;
    obj_t dict;
    int kind;
} dict_view_t;

obj_t dict_view_new(obj_t dict, int kind) {
    dict_view_t *v = rt_new(dict_view_t);
    v->base.type = &type_dict_view;
    v->dict = dict;
    v->kind = kind;
    return (obj_t)v;
}

static void dict_view_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    static const char *const names[] = {"dict_keys", "dict_values", "dict_items"};
    dict_view_t *v = OBJ_TO_PTR(o);
    print_str(p, names[v->kind]);
    print_str(p, "([");
    iter_buf_t buf;
    obj_t it = dict_iter_new(v->dict, v->kind, &buf);
    obj_t x;
    bool first = true;
    while ((x = dict_iternext(it)) != OBJ_STOP_ITERATION) {
        if (!first) {
            print_str(p, ", ");
        }
        first = false;
        obj_print(p, x, PRINT_REPR);
    }
    print_str(p, "])");
}

static obj_t dict_view_getiter(obj_t self, iter_buf_t *buf) {
    dict_view_t *v = OBJ_TO_PTR(self);
    return dict_iter_new(v->dict, v->kind, buf);
}

static obj_t dict_view_unary_op(int op, obj_t o) {
    dict_view_t *v = OBJ_TO_PTR(o);
    if (op == OP_LEN) {
        return small_int((rt_int_t)dict_len(v->dict));
    }
    if (op == OP_BOOL) {
        return OBJ_BOOL(dict_len(v->dict) != 0);
    }
    return OBJ_NULL;
}

static obj_t dict_view_binary_op(int op, obj_t lhs, obj_t rhs) {
    dict_view_t *v = OBJ_TO_PTR(lhs);
    if (op != OP_CONTAINS) {
        return OBJ_NULL;
    }
    if (v->kind == VIEW_KEYS) {
        return OBJ_BOOL(dict_get(v->dict, rhs) != OBJ_NULL);
    }
    iter_buf_t buf;
    obj_t it = dict_iter_new(v->dict, v->kind, &buf);
    obj_t x;
    while ((x = dict_iternext(it)) != OBJ_STOP_ITERATION) {
        if (obj_equal(x, rhs)) {
            return OBJ_TRUE;
        }
    }
    return OBJ_FALSE;
}

const type_t type_dict_view = {
    {&type_type}, 0, Q_dict_view, dict_view_print, NULL, NULL, dict_view_unary_op,
    dict_view_binary_op, NULL, NULL, dict_view_getiter, NULL, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
// Methods.
static obj_t dict_keys(obj_t self) {
    return dict_view_new(self, VIEW_KEYS);
}
static obj_t dict_values(obj_t self) {
    return dict_view_new(self, VIEW_VALUES);
}
static obj_t dict_items(obj_t self) {
    return dict_view_new(self, VIEW_ITEMS);
}

static obj_t dict_clear(obj_t self) {
    obj_dict_t *d = as_dict(self);
    bool ordered = d->map.is_ordered;
    map_clear(&d->map);
    d->map.is_ordered = ordered;
    return OBJ_NONE;
}

static obj_t dict_copy_m(obj_t self) {
    return dict_copy(self);
}

static obj_t dict_get_m(size_t n, const obj_t *args) {
    obj_t v = dict_get(args[0], args[1]);
    if (v == OBJ_NULL) {
        return n > 2 ? args[2] : OBJ_NONE;
    }
    return v;
}

static obj_t dict_pop(size_t n, const obj_t *args) {
    map_elem_t *e = map_lookup(dict_map(args[0]), args[1], MAP_LOOKUP_REMOVE_IF_FOUND);
    if (e == NULL) {
        if (n > 2) {
            return args[2];
        }
        key_error(args[1]);
    }
    obj_t v = e->value;
    e->value = OBJ_NULL;
    return v;
}

static obj_t dict_popitem(obj_t self) {
    map_t *m = dict_map(self);
    size_t limit = m->is_ordered ? m->used : m->alloc;
    for (size_t i = limit; i > 0; i--) {
        map_elem_t *e = &m->table[i - 1];
        if (map_slot_filled(m, i - 1)) {
            obj_t items[2] = {e->key, e->value};
            if (m->is_ordered) {
                m->used--;
                e->key = OBJ_NULL;
            } else {
                e->key = OBJ_SENTINEL;
                m->used--;
            }
            e->value = OBJ_NULL;
            return tuple_new(2, items);
        }
    }
    rt_raise(&type_KeyError, "popitem(): dictionary is empty");
}

static obj_t dict_setdefault(size_t n, const obj_t *args) {
    map_elem_t *e = map_lookup(dict_map(args[0]), args[1], MAP_LOOKUP_ADD_IF_NOT_FOUND);
    if (e->value == OBJ_NULL) {
        e->value = n > 2 ? args[2] : OBJ_NONE;
    }
    return e->value;
}

static obj_t dict_update(size_t n, const obj_t *args, map_t *kw) {
    if (n > 2) {
        rt_raise_type_error("function expected at most 2 arguments");
    }
    if (n == 2) {
        dict_update_from(args[0], args[1]);
    }
    for (size_t i = 0; i < kw->used; i++) {
        dict_store(args[0], kw->table[i].key, kw->table[i].value);
    }
    return OBJ_NONE;
}

obj_t dict_fromkeys(obj_t iterable, obj_t value) {
    // Sized from the argument's length, as the reference VM does (this
    // decides the table size and so the iteration order).
    obj_t len = obj_len_maybe(iterable);
    obj_t d = dict_new(len != OBJ_NULL && obj_is_small_int(len) ? (size_t)small_int_value(len) : 0);
    iter_buf_t buf;
    obj_t it = rt_getiter(iterable, &buf);
    obj_t k;
    while ((k = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        dict_store(d, k, value);
    }
    return d;
}

static obj_t dict_fromkeys_fn(size_t n, const obj_t *args) {
    return dict_fromkeys(args[1], n > 2 ? args[2] : OBJ_NONE);
}

static obj_t dict_getitem_m(obj_t self, obj_t key) {
    return dict_subscr(self, key, OBJ_SENTINEL);
}
static obj_t dict_setitem_m(obj_t self, obj_t key, obj_t value) {
    return dict_subscr(self, key, value);
}
static obj_t dict_delitem_m(obj_t self, obj_t key) {
    return dict_subscr(self, key, OBJ_NULL);
}

static BUILTIN_FUN_1(dict_keys_obj, dict_keys);
static BUILTIN_FUN_1(dict_values_obj, dict_values);
static BUILTIN_FUN_1(dict_items_obj, dict_items);
static BUILTIN_FUN_1(dict_clear_obj, dict_clear);
static BUILTIN_FUN_1(dict_copy_obj, dict_copy_m);
static BUILTIN_FUN_VAR(dict_get_obj, 2, 3, dict_get_m);
static BUILTIN_FUN_VAR(dict_pop_obj, 2, 3, dict_pop);
static BUILTIN_FUN_1(dict_popitem_obj, dict_popitem);
static BUILTIN_FUN_VAR(dict_setdefault_obj, 2, 3, dict_setdefault);
static BUILTIN_FUN_KW(dict_update_obj, 1, dict_update);
static BUILTIN_FUN_VAR(dict_fromkeys_fun_obj, 2, 3, dict_fromkeys_fn);
static ROM_CLASSMETHOD(dict_fromkeys_obj, &dict_fromkeys_fun_obj);
static BUILTIN_FUN_2(dict_getitem_obj, dict_getitem_m);
static BUILTIN_FUN_3(dict_setitem_obj, dict_setitem_m);
static BUILTIN_FUN_2(dict_delitem_obj, dict_delitem_m);

static const map_elem_t dict_locals_table[] = {
    ROM_ENTRY(QSTR___delitem__, &dict_delitem_obj),
    ROM_ENTRY(QSTR___getitem__, &dict_getitem_obj),
    ROM_ENTRY(QSTR___setitem__, &dict_setitem_obj),
    ROM_ENTRY(QSTR_clear, &dict_clear_obj),
    ROM_ENTRY(QSTR_copy, &dict_copy_obj),
    ROM_ENTRY(QSTR_get, &dict_get_obj),
    ROM_ENTRY(QSTR_items, &dict_items_obj),
    ROM_ENTRY(QSTR_keys, &dict_keys_obj),
    ROM_ENTRY(QSTR_pop, &dict_pop_obj),
    ROM_ENTRY(QSTR_popitem, &dict_popitem_obj),
    ROM_ENTRY(QSTR_setdefault, &dict_setdefault_obj),
    ROM_ENTRY(QSTR_update, &dict_update_obj),
    ROM_ENTRY(QSTR_values, &dict_values_obj),
    ROM_ENTRY(Q_fromkeys, &dict_fromkeys_obj),
};
static ROM_DICT(dict_locals, dict_locals_table);

const type_t type_dict = {
    {&type_type}, 0, QSTR_dict, dict_print, dict_make_new, NULL, dict_unary_op, dict_binary_op,
    NULL, dict_subscr, dict_getiter, NULL, NULL, NULL, NULL, &dict_locals,
};

const type_t type_ordereddict = {
    {&type_type}, 0, Q_OrderedDict, dict_print, dict_make_new, NULL, dict_unary_op, dict_binary_op,
    NULL, dict_subscr, dict_getiter, NULL, NULL, NULL, &type_dict, &dict_locals,
};
