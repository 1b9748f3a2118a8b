// runtime/objset.c: set and frozenset over map.c's set tables, with the
// set algebra methods and operators MicroPython provides.
#include <string.h>

#include "obj.h"

static bool is_set_type(obj_t o) {
    return obj_is_type(o, &type_set) || obj_is_type(o, &type_frozenset);
}

static obj_set_t *as_set(obj_t o) {
    obj_t n = instance_native(o, &type_set);
    if (n == o) {
        n = instance_native(o, &type_frozenset);
    }
    return OBJ_TO_PTR(n);
}

obj_t set_new(const type_t *t, size_t n, const obj_t *items) {
    obj_set_t *s = rt_new(obj_set_t);
    s->base.type = t;
    set_init(&s->set, n);
    for (size_t i = 0; i < n; i++) {
        set_lookup(&s->set, items[i], MAP_LOOKUP_ADD_IF_NOT_FOUND);
    }
    return (obj_t)s;
}

void set_store(obj_t s, obj_t item) {
    set_lookup(&as_set(s)->set, item, MAP_LOOKUP_ADD_IF_NOT_FOUND);
}

static obj_t set_copy_as(obj_t self, const type_t *t) {
    obj_set_t *src = as_set(self);
    obj_set_t *s = rt_new(obj_set_t);
    s->base.type = t;
    s->set.alloc = src->set.alloc;
    s->set.used = src->set.used;
    s->set.table = gc_alloc((src->set.alloc ? src->set.alloc : 1) * sizeof(obj_t));
    if (src->set.alloc) {
        memcpy(s->set.table, src->set.table, src->set.alloc * sizeof(obj_t));
    }
    return (obj_t)s;
}

static void add_all(obj_t self, obj_t iterable) {
    iter_buf_t buf;
    obj_t it = rt_getiter(iterable, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        set_store(self, x);
    }
}

static void set_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    obj_set_t *s = as_set(o);
    bool frozen = s->base.type == &type_frozenset;
    if (s->set.used == 0) {
        print_str(p, frozen ? "frozenset()" : "set()");
        return;
    }
    if (frozen) {
        print_str(p, "frozenset(");
    }
    print_str(p, "{");
    bool first = true;
    for (size_t i = 0; i < s->set.alloc; i++) {
        obj_t x = s->set.table[i];
        if (x != OBJ_NULL && x != OBJ_SENTINEL) {
            if (!first) {
                print_str(p, ", ");
            }
            first = false;
            obj_print(p, x, PRINT_REPR);
        }
    }
    print_str(p, "}");
    if (frozen) {
        print_str(p, ")");
    }
}

static obj_t set_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    arg_check_num(n_args, n_kw, 0, 1, false);
    if (n_args == 0) {
        return set_new(t, 0, NULL);
    }
    if (t == &type_frozenset && obj_is_type(args[0], &type_frozenset)) {
        return args[0];
    }
    obj_t s = set_new(t, 0, NULL);
    add_all(s, args[0]);
    return s;
}

typedef struct set_iter {
    obj_base_t base;
    obj_t set;
    size_t pos;
    obj_t unused;
} set_iter_t;

static obj_t set_iternext(obj_t self) {
    set_iter_t *it = OBJ_TO_PTR(self);
    obj_set_t *s = as_set(it->set);
    while (it->pos < s->set.alloc) {
        obj_t x = s->set.table[it->pos++];
        if (x != OBJ_NULL && x != OBJ_SENTINEL) {
            return x;
        }
    }
    return OBJ_STOP_ITERATION;
}

static const type_t type_set_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, set_iternext, NULL, NULL, NULL, NULL,
};

static obj_t set_getiter(obj_t self, iter_buf_t *buf) {
    set_iter_t *it = buf ? (set_iter_t *)buf : rt_new(set_iter_t);
    it->base.type = &type_set_iter;
    it->set = self;
    it->pos = 0;
    return (obj_t)it;
}

static bool contains(obj_t self, obj_t x) {
    return set_lookup(&as_set(self)->set, x, MAP_LOOKUP) != OBJ_NULL;
}

// Is every element of a in b?
static bool subset(obj_t a, obj_t b) {
    obj_set_t *sa = as_set(a);
    for (size_t i = 0; i < sa->set.alloc; i++) {
        obj_t x = sa->set.table[i];
        if (x != OBJ_NULL && x != OBJ_SENTINEL && !contains(b, x)) {
            return false;
        }
    }
    return true;
}

static obj_t as_set_arg(obj_t o) {
    if (is_set_type(o)) {
        return o;
    }
    obj_t s = set_new(&type_set, 0, NULL);
    add_all(s, o);
    return s;
}

static obj_t set_difference_impl(obj_t self, obj_t other, bool update) {
    obj_t r = update ? self : set_copy_as(self, as_set(self)->base.type);
    if (self == other) {
        set_clear(&as_set(r)->set);
        return r;
    }
    iter_buf_t buf;
    obj_t it = rt_getiter(other, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        set_lookup(&as_set(r)->set, x, MAP_LOOKUP_REMOVE_IF_FOUND);
    }
    return r;
}

static obj_t set_intersect_impl(obj_t self, obj_t other, bool update) {
    obj_t r = set_new(as_set(self)->base.type, 0, NULL);
    iter_buf_t buf;
    obj_t it = rt_getiter(other, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        if (contains(self, x)) {
            set_store(r, x);
        }
    }
    if (update) {
        as_set(self)->set = as_set(r)->set;
        return self;
    }
    return r;
}

static obj_t set_symdiff_impl(obj_t self, obj_t other, bool update) {
    obj_t r = update ? self : set_copy_as(self, as_set(self)->base.type);
    iter_buf_t buf;
    obj_t it = rt_getiter(other, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        if (set_lookup(&as_set(r)->set, x, MAP_LOOKUP_REMOVE_IF_FOUND) == OBJ_NULL) {
            set_store(r, x);
        }
    }
    return r;
}

static obj_t set_union_impl(obj_t self, obj_t other, bool update) {
    obj_t r = update ? self : set_copy_as(self, as_set(self)->base.type);
    add_all(r, other);
    return r;
}

static obj_t set_unary_op(int op, obj_t o) {
    obj_set_t *s = as_set(o);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(s->set.used != 0);
        case OP_LEN:
            return small_int((rt_int_t)s->set.used);
        case OP_HASH:
            if (s->base.type == &type_frozenset) {
                uint32_t h = 0;
                for (size_t i = 0; i < s->set.alloc; i++) {
                    obj_t x = s->set.table[i];
                    if (x != OBJ_NULL && x != OBJ_SENTINEL) {
                        h += (uint32_t)obj_hash(x);
                    }
                }
                return small_int((rt_int_t)((int32_t)(h << 1) >> 1));
            }
            return OBJ_NULL;
        default:
            return OBJ_NULL;
    }
}

static obj_t set_binary_op(int op, obj_t lhs, obj_t rhs) {
    if (op == OP_CONTAINS) {
        return OBJ_BOOL(contains(lhs, rhs));
    }
    if (!is_set_type(rhs) && !obj_isinstance(rhs, &type_set) && !obj_isinstance(rhs, &type_frozenset)) {
        if (op == OP_EQUAL || op == OP_NOT_EQUAL) {
            return OBJ_BOOL(op == OP_NOT_EQUAL);
        }
        return OBJ_NULL;
    }
    int plain_op = rt_op_without_inplace(op);
    bool frozen = as_set(lhs)->base.type == &type_frozenset;
    bool inplace = plain_op != op && !frozen;
    op = plain_op;
    size_t na = as_set(lhs)->set.used, nb = as_set(rhs)->set.used;
    switch (op) {
        case OP_OR:
            return set_union_impl(lhs, rhs, inplace);
        case OP_AND:
            return set_intersect_impl(lhs, rhs, inplace);
        case OP_SUBTRACT:
            return set_difference_impl(lhs, rhs, inplace);
        case OP_XOR:
            return set_symdiff_impl(lhs, rhs, inplace);
        case OP_EQUAL:
            return OBJ_BOOL(na == nb && subset(lhs, rhs));
        case OP_NOT_EQUAL:
            return OBJ_BOOL(!(na == nb && subset(lhs, rhs)));
        case OP_LESS_EQUAL:
            return OBJ_BOOL(subset(lhs, rhs));
        case OP_LESS:
            return OBJ_BOOL(na < nb && subset(lhs, rhs));
        case OP_MORE_EQUAL:
            return OBJ_BOOL(subset(rhs, lhs));
        case OP_MORE:
            return OBJ_BOOL(na > nb && subset(rhs, lhs));
        default:
            return OBJ_NULL;
    }
}

// ---------------------------------------------------------------------------
// Methods.
static obj_t set_add(obj_t self, obj_t x) {
    set_store(self, x);
    return OBJ_NONE;
}

static obj_t set_clear_m(obj_t self) {
    set_clear(&as_set(self)->set);
    return OBJ_NONE;
}

static obj_t set_copy_m(obj_t self) {
    return set_copy_as(self, as_set(self)->base.type);
}

static obj_t set_discard(obj_t self, obj_t x) {
    set_lookup(&as_set(self)->set, x, MAP_LOOKUP_REMOVE_IF_FOUND);
    return OBJ_NONE;
}

static obj_t set_remove(obj_t self, obj_t x) {
    if (set_lookup(&as_set(self)->set, x, MAP_LOOKUP_REMOVE_IF_FOUND) == OBJ_NULL) {
        rt_raise_obj(exc_new(&type_KeyError, 1, &x));
    }
    return OBJ_NONE;
}

static obj_t set_pop(obj_t self) {
    obj_t x = set_remove_first(&as_set(self)->set);
    if (x == OBJ_NULL) {
        rt_raise(&type_KeyError, "pop from an empty set");
    }
    return x;
}

static obj_t multi(size_t n, const obj_t *args, obj_t (*fn)(obj_t, obj_t, bool), bool update) {
    obj_t r = update ? args[0] : set_copy_as(args[0], as_set(args[0])->base.type);
    for (size_t i = 1; i < n; i++) {
        r = fn(r, args[i], true);
    }
    return update ? OBJ_NONE : r;
}

static obj_t set_union(size_t n, const obj_t *args) {
    return multi(n, args, set_union_impl, false);
}
static obj_t set_update(size_t n, const obj_t *args) {
    return multi(n, args, set_union_impl, true);
}
static obj_t set_difference(size_t n, const obj_t *args) {
    return multi(n, args, set_difference_impl, false);
}
static obj_t set_difference_update(size_t n, const obj_t *args) {
    return multi(n, args, set_difference_impl, true);
}
static obj_t set_intersection(size_t n, const obj_t *args) {
    return multi(n, args, set_intersect_impl, false);
}
static obj_t set_intersection_update(size_t n, const obj_t *args) {
    return multi(n, args, set_intersect_impl, true);
}
static obj_t set_symmetric_difference(obj_t self, obj_t other) {
    return set_symdiff_impl(self, other, false);
}
static obj_t set_symmetric_difference_update(obj_t self, obj_t other) {
    set_symdiff_impl(self, other, true);
    return OBJ_NONE;
}
static obj_t set_isdisjoint(obj_t self, obj_t other) {
    iter_buf_t buf;
    obj_t it = rt_getiter(other, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        if (contains(self, x)) {
            return OBJ_FALSE;
        }
    }
    return OBJ_TRUE;
}
static obj_t set_issubset(obj_t self, obj_t other) {
    return OBJ_BOOL(subset(self, as_set_arg(other)));
}
static obj_t set_issuperset(obj_t self, obj_t other) {
    return OBJ_BOOL(subset(as_set_arg(other), self));
}
static obj_t set_contains_m(obj_t self, obj_t x) {
    return OBJ_BOOL(contains(self, x));
}

static BUILTIN_FUN_2(set_add_obj, set_add);
static BUILTIN_FUN_1(set_clear_obj, set_clear_m);
static BUILTIN_FUN_1(set_copy_obj, set_copy_m);
static BUILTIN_FUN_2(set_discard_obj, set_discard);
static BUILTIN_FUN_2(set_remove_obj, set_remove);
static BUILTIN_FUN_1(set_pop_obj, set_pop);
static BUILTIN_FUN_VAR(set_union_obj, 1, 255, set_union);
static BUILTIN_FUN_VAR(set_update_obj, 1, 255, set_update);
static BUILTIN_FUN_VAR(set_difference_obj, 1, 255, set_difference);
static BUILTIN_FUN_VAR(set_difference_update_obj, 1, 255, set_difference_update);
static BUILTIN_FUN_VAR(set_intersection_obj, 1, 255, set_intersection);
static BUILTIN_FUN_VAR(set_intersection_update_obj, 1, 255, set_intersection_update);
static BUILTIN_FUN_2(set_symmetric_difference_obj, set_symmetric_difference);
static BUILTIN_FUN_2(set_symmetric_difference_update_obj, set_symmetric_difference_update);
static BUILTIN_FUN_2(set_isdisjoint_obj, set_isdisjoint);
static BUILTIN_FUN_2(set_issubset_obj, set_issubset);
static BUILTIN_FUN_2(set_issuperset_obj, set_issuperset);
static BUILTIN_FUN_2(set_contains_obj, set_contains_m);

static const map_elem_t set_locals_table[] = {
    ROM_ENTRY(QSTR_clear, &set_clear_obj),
    ROM_ENTRY(QSTR_copy, &set_copy_obj),
    ROM_ENTRY(QSTR_pop, &set_pop_obj),
    ROM_ENTRY(QSTR_remove, &set_remove_obj),
    ROM_ENTRY(QSTR_update, &set_update_obj),
    ROM_ENTRY(Q___contains__, &set_contains_obj),
    ROM_ENTRY(Q_add, &set_add_obj),
    ROM_ENTRY(Q_difference, &set_difference_obj),
    ROM_ENTRY(Q_difference_update, &set_difference_update_obj),
    ROM_ENTRY(Q_discard, &set_discard_obj),
    ROM_ENTRY(Q_intersection, &set_intersection_obj),
    ROM_ENTRY(Q_intersection_update, &set_intersection_update_obj),
    ROM_ENTRY(Q_isdisjoint, &set_isdisjoint_obj),
    ROM_ENTRY(Q_issubset, &set_issubset_obj),
    ROM_ENTRY(Q_issuperset, &set_issuperset_obj),
    ROM_ENTRY(Q_symmetric_difference, &set_symmetric_difference_obj),
    ROM_ENTRY(Q_symmetric_difference_update, &set_symmetric_difference_update_obj),
    ROM_ENTRY(Q_union, &set_union_obj),
};
static ROM_DICT(set_locals, set_locals_table);

static const map_elem_t frozenset_locals_table[] = {
    ROM_ENTRY(QSTR_copy, &set_copy_obj),
    ROM_ENTRY(Q___contains__, &set_contains_obj),
    ROM_ENTRY(Q_difference, &set_difference_obj),
    ROM_ENTRY(Q_intersection, &set_intersection_obj),
    ROM_ENTRY(Q_isdisjoint, &set_isdisjoint_obj),
    ROM_ENTRY(Q_issubset, &set_issubset_obj),
    ROM_ENTRY(Q_issuperset, &set_issuperset_obj),
    ROM_ENTRY(Q_symmetric_difference, &set_symmetric_difference_obj),
    ROM_ENTRY(Q_union, &set_union_obj),
};
static ROM_DICT(frozenset_locals, frozenset_locals_table);

const type_t type_set = {
    {&type_type}, 0, QSTR_set, set_print, set_make_new, NULL, set_unary_op, set_binary_op,
    NULL, NULL, set_getiter, NULL, NULL, NULL, NULL, &set_locals,
};

const type_t type_frozenset = {
    {&type_type}, 0, Q_frozenset, set_print, set_make_new, NULL, set_unary_op, set_binary_op,
    NULL, NULL, set_getiter, NULL, NULL, NULL, NULL, &frozenset_locals,
};
