// runtime/objtuple.c: the tuple type. Hashing seeds with the address the
// reference VM's empty tuple has, so tuple keys land in the same dict slots
// (and print in the same order) as there.
#include <string.h>

#include "obj.h"

enum {
    // hash(()) on the reference VM: the address of its empty tuple.
    REF_EMPTY_TUPLE_HASH = 98208,
};

const obj_tuple_t rt_empty_tuple_obj = {{&type_tuple}, 0};

obj_t tuple_new(size_t n, const obj_t *items) {
    if (n == 0) {
        return OBJ_EMPTY_TUPLE;
    }
    obj_tuple_t *t = gc_alloc(sizeof(obj_tuple_t) + n * sizeof(obj_t));
    t->base.type = &type_tuple;
    t->len = n;
    if (items != NULL) {
        memcpy(t->items, items, n * sizeof(obj_t));
    }
    return (obj_t)t;
}

obj_t tuple_from_iter(obj_t iterable) {
    if (obj_is_type(iterable, &type_tuple)) {
        return iterable;
    }
    obj_t l = list_from_iter(iterable);
    obj_list_t *lp = OBJ_TO_PTR(l);
    return tuple_new(lp->len, lp->items);
}

void tuple_print_items(const print_t *p, const obj_t *items, size_t n, print_kind_t kind);
void tuple_print_items(const print_t *p, const obj_t *items, size_t n, print_kind_t kind) {
    (void)kind;
    print_str(p, "(");
    for (size_t i = 0; i < n; i++) {
        if (i) {
            print_str(p, ", ");
        }
        obj_print(p, items[i], PRINT_REPR);
    }
    if (n == 1) {
        print_str(p, ",");
    }
    print_str(p, ")");
}

static void tuple_print(const print_t *p, obj_t o, print_kind_t kind) {
    const obj_tuple_t *t = OBJ_TO_PTR(o);
    tuple_print_items(p, t->items, t->len, kind);
}

static obj_t tuple_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 1, false);
    if (n_args == 0) {
        return OBJ_EMPTY_TUPLE;
    }
    return tuple_from_iter(args[0]);
}

static obj_t tuple_unary_op(int op, obj_t o) {
    const obj_tuple_t *t = OBJ_TO_PTR(o);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(t->len != 0);
        case OP_LEN:
            return small_int((rt_int_t)t->len);
        case OP_HASH: {
            uint32_t h = REF_EMPTY_TUPLE_HASH;
            for (size_t i = 0; i < t->len; i++) {
                h += (uint32_t)obj_hash(t->items[i]);
            }
            return small_int((rt_int_t)((int32_t)(h << 1) >> 1));
        }
        default:
            return OBJ_NULL;
    }
}

static obj_t tuple_binary_op(int op, obj_t lhs, obj_t rhs) {
    const obj_tuple_t *a = OBJ_TO_PTR(lhs);
    switch (op) {
        case OP_ADD:
        case OP_INPLACE_ADD: {
            if (!obj_isinstance(rhs, &type_tuple)) {
                return OBJ_NULL;
            }
            size_t nb;
            obj_t *b;
            obj_get_array(rhs, &nb, &b);
            return seq_concat_objs(a->items, a->len, b, nb, tuple_new);
        }
        case OP_MULTIPLY:
        case OP_INPLACE_MULTIPLY: {
            rt_int_t n;
            if (!obj_get_int_maybe(rhs, &n)) {
                return OBJ_NULL;
            }
            if (n <= 0 || a->len == 0) {
                return OBJ_EMPTY_TUPLE;
            }
            return seq_multiply_objs(a->items, a->len, (size_t)n, tuple_new);
        }
        case OP_CONTAINS:
            return seq_contains_obj(a->items, a->len, rhs);
        case OP_EQUAL:
        case OP_NOT_EQUAL:
        case OP_LESS:
        case OP_LESS_EQUAL:
        case OP_MORE:
        case OP_MORE_EQUAL: {
            if (!obj_isinstance(rhs, &type_tuple)) {
                return seq_cmp_other_type(op);
            }
            size_t nb;
            obj_t *b;
            obj_get_array(rhs, &nb, &b);
            return OBJ_BOOL(seq_cmp_objs(op, a->items, a->len, b, nb));
        }
        default:
            return OBJ_NULL;
    }
}

static obj_t tuple_subscr(obj_t self, obj_t index, obj_t value) {
    if (value != OBJ_SENTINEL) {
        return OBJ_NULL;
    }
    const obj_tuple_t *t = OBJ_TO_PTR(self);
    if (obj_is_type(index, &type_slice)) {
        slice_bounds_t b;
        slice_indices_step1(index, t->len, &b);
        return tuple_new((size_t)(b.stop - b.start), t->items + b.start);
    }
    return t->items[obj_get_index(&type_tuple, t->len, index, false)];
}

typedef struct tuple_iter {
    obj_base_t base;
    const obj_t *items;
    size_t len;
    size_t pos;
} tuple_iter_t;

static obj_t tuple_iternext(obj_t self) {
    tuple_iter_t *it = OBJ_TO_PTR(self);
    if (it->pos < it->len) {
        return it->items[it->pos++];
    }
    return OBJ_STOP_ITERATION;
}

const type_t type_tuple_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, tuple_iternext, NULL, NULL, NULL, NULL,
};

static obj_t tuple_getiter(obj_t self, iter_buf_t *buf) {
    tuple_iter_t *it = buf ? (tuple_iter_t *)buf : rt_new(tuple_iter_t);
    const obj_tuple_t *t = OBJ_TO_PTR(self);
    it->base.type = &type_tuple_iter;
    it->items = t->items;
    it->len = t->len;
    it->pos = 0;
    return (obj_t)it;
}

static obj_t tuple_count(obj_t self, obj_t value) {
    const obj_tuple_t *t = OBJ_TO_PTR(self);
    return seq_count(t->len, t->items, value);
}

static obj_t tuple_index(size_t n, const obj_t *args) {
    size_t len;
    obj_t *items;
    obj_get_array(args[0], &len, &items);
    return seq_index(&type_tuple, len, items, n, args);
}

static BUILTIN_FUN_2(tuple_count_obj, tuple_count);
static BUILTIN_FUN_VAR(tuple_index_obj, 2, 4, tuple_index);

static const map_elem_t tuple_locals_table[] = {
    ROM_ENTRY(QSTR_count, &tuple_count_obj),
    ROM_ENTRY(QSTR_index, &tuple_index_obj),
};
static ROM_DICT(tuple_locals, tuple_locals_table);

const type_t type_tuple = {
    {&type_type}, 0, QSTR_tuple, tuple_print, tuple_make_new, NULL, tuple_unary_op,
    tuple_binary_op, NULL, tuple_subscr, tuple_getiter, NULL, NULL, NULL, NULL, &tuple_locals,
};
