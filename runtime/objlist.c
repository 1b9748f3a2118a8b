// runtime/objlist.c: the list type, including MicroPython's (unstable)
// quicksort, whose comparison sequence programs can observe through key
// functions and the order of equal items.
#include <string.h>

#include "obj.h"

obj_t list_new(size_t n, const obj_t *items) {
    obj_list_t *l = rt_new(obj_list_t);
    l->base.type = &type_list;
    l->alloc = n < 4 ? 4 : n;
    l->len = n;
    l->items = gc_alloc(l->alloc * sizeof(obj_t));
    if (items != NULL && n) {
        memcpy(l->items, items, n * sizeof(obj_t));
    }
    return (obj_t)l;
}

static obj_list_t *as_list(obj_t o) {
    return OBJ_TO_PTR(instance_native(o, &type_list));
}

static void ensure(obj_list_t *l, size_t n) {
    if (n > l->alloc) {
        size_t a = l->alloc * 2;
        if (a < n) {
            a = n;
        }
        l->items = gc_realloc(l->items, a * sizeof(obj_t));
        l->alloc = a;
    }
}

obj_t list_append(obj_t list, obj_t item) {
    obj_list_t *l = as_list(list);
    if (l->len >= l->alloc) {
        ensure(l, l->len + 1);
    }
    l->items[l->len++] = item;
    return OBJ_NONE;
}

void list_set_len(obj_t list, size_t len) {
    obj_list_t *l = as_list(list);
    ensure(l, len);
    if (len < l->len) {
        memset(l->items + len, 0, (l->len - len) * sizeof(obj_t));
    }
    l->len = len;
}

static void extend_from(obj_t list, obj_t iterable) {
    if (obj_is_type(iterable, &type_list) || obj_is_type(iterable, &type_tuple)) {
        size_t n;
        obj_t *items;
        obj_get_array(iterable, &n, &items);
        obj_list_t *l = as_list(list);
        ensure(l, l->len + n);
        memmove(l->items + l->len, items, n * sizeof(obj_t));
        l->len += n;
        return;
    }
    iter_buf_t buf;
    obj_t it = rt_getiter(iterable, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        list_append(list, x);
    }
}

obj_t list_from_iter(obj_t iterable) {
    obj_t l = list_new(0, NULL);
    extend_from(l, iterable);
    return l;
}

static void list_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_list_t *l = OBJ_TO_PTR(o);
    print_str(p, "[");
    for (size_t i = 0; i < l->len; i++) {
        if (i) {
            print_str(p, ", ");
        }
        obj_print(p, l->items[i], PRINT_REPR);
    }
    print_str(p, "]");
}

static obj_t list_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 1, false);
    if (n_args == 0) {
        return list_new(0, NULL);
    }
    return list_from_iter(args[0]);
}

static obj_t list_unary_op(int op, obj_t o) {
    const obj_list_t *l = OBJ_TO_PTR(o);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(l->len != 0);
        case OP_LEN:
            return small_int((rt_int_t)l->len);
        default:
            return OBJ_NULL;
    }
}

static obj_t list_binary_op(int op, obj_t lhs, obj_t rhs) {
    obj_list_t *a = OBJ_TO_PTR(lhs);
    switch (op) {
        case OP_ADD: {
            if (!obj_isinstance(rhs, &type_list)) {
                return OBJ_NULL;
            }
            obj_list_t *b = as_list(rhs);
            return seq_concat_objs(a->items, a->len, b->items, b->len, list_new);
        }
        case OP_INPLACE_ADD:
            extend_from(lhs, rhs);
            return lhs;
        case OP_MULTIPLY:
        case OP_INPLACE_MULTIPLY: {
            rt_int_t n;
            if (!obj_get_int_maybe(rhs, &n)) {
                return OBJ_NULL;
            }
            if (n <= 0) {
                return list_new(0, NULL);
            }
            return seq_multiply_objs(a->items, a->len, (size_t)n, list_new);
        }
        case OP_CONTAINS:
            return seq_contains_obj(a->items, a->len, rhs);
        case OP_EQUAL:
        case OP_NOT_EQUAL:
        case OP_LESS:
        case OP_LESS_EQUAL:
        case OP_MORE:
        case OP_MORE_EQUAL: {
            if (!obj_isinstance(rhs, &type_list)) {
                return seq_cmp_other_type(op);
            }
            obj_list_t *b = as_list(rhs);
            return OBJ_BOOL(seq_cmp_objs(op, a->items, a->len, b->items, b->len));
        }
        default:
            return OBJ_NULL;
    }
}

static void delete_range(obj_list_t *l, size_t start, size_t stop) {
    if (stop <= start) {
        return;
    }
    memmove(l->items + start, l->items + stop, (l->len - stop) * sizeof(obj_t));
    size_t n = stop - start;
    memset(l->items + l->len - n, 0, n * sizeof(obj_t));
    l->len -= n;
}

static obj_t list_subscr(obj_t self, obj_t index, obj_t value) {
    obj_list_t *l = OBJ_TO_PTR(self);
    if (obj_is_type(index, &type_slice)) {
        slice_bounds_t b;
        bool simple = slice_indices(index, l->len, &b);
        if (value == OBJ_SENTINEL) {
            if (simple) {
                if (b.stop < b.start) {
                    b.stop = b.start;
                }
                return list_new((size_t)(b.stop - b.start), l->items + b.start);
            }
            obj_t r = list_new(0, NULL);
            for (rt_int_t i = b.start; b.step > 0 ? i < b.stop : i > b.stop; i += b.step) {
                list_append(r, l->items[i]);
            }
            return r;
        }
        if (!simple) {
            rt_raise_not_impl(NULL);
        }
        if (b.stop < b.start) {
            b.stop = b.start;
        }
        if (value == OBJ_NULL) {
            delete_range(l, (size_t)b.start, (size_t)b.stop);
            return OBJ_NONE;
        }
        size_t n;
        obj_t *src;
        if (!obj_is_type(value, &type_list) && !obj_is_type(value, &type_tuple)) {
            value = list_from_iter(value);
        }
        obj_get_array(value, &n, &src);
        // Copy the source first: it may be this list.
        obj_t *tmp = n ? gc_alloc(n * sizeof(obj_t)) : NULL;
        if (n) {
            memcpy(tmp, src, n * sizeof(obj_t));
        }
        size_t old = (size_t)(b.stop - b.start);
        size_t new_len = l->len - old + n;
        ensure(l, new_len);
        memmove(l->items + b.start + n, l->items + b.stop, (l->len - (size_t)b.stop) * sizeof(obj_t));
        if (n) {
            memcpy(l->items + b.start, tmp, n * sizeof(obj_t));
        }
        if (new_len < l->len) {
            memset(l->items + new_len, 0, (l->len - new_len) * sizeof(obj_t));
        }
        l->len = new_len;
        return OBJ_NONE;
    }
    size_t i = obj_get_index(&type_list, l->len, index, false);
    if (value == OBJ_SENTINEL) {
        return l->items[i];
    }
    if (value == OBJ_NULL) {
        delete_range(l, i, i + 1);
        return OBJ_NONE;
    }
    l->items[i] = value;
    return OBJ_NONE;
}

typedef struct list_iter {
    obj_base_t base;
    obj_t list;
    size_t pos;
    obj_t unused;
} list_iter_t;

static obj_t list_iternext(obj_t self) {
    list_iter_t *it = OBJ_TO_PTR(self);
    const obj_list_t *l = OBJ_TO_PTR(it->list);
    if (it->pos < l->len) {
        return l->items[it->pos++];
    }
    return OBJ_STOP_ITERATION;
}

const type_t type_list_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, list_iternext, NULL, NULL, NULL, NULL,
};

static obj_t list_getiter(obj_t self, iter_buf_t *buf) {
    list_iter_t *it = buf ? (list_iter_t *)buf : rt_new(list_iter_t);
    it->base.type = &type_list_iter;
    it->list = self;
    it->pos = 0;
    return (obj_t)it;
}

// ---------------------------------------------------------------------------
// Methods.
static obj_t list_append_m(obj_t self, obj_t x) {
    return list_append(self, x);
}

static obj_t list_extend(obj_t self, obj_t iterable) {
    extend_from(self, iterable);
    return OBJ_NONE;
}

static obj_t list_clear(obj_t self) {
    obj_list_t *l = as_list(self);
    l->len = 0;
    l->alloc = 4;
    l->items = gc_alloc(4 * sizeof(obj_t));
    return OBJ_NONE;
}

static obj_t list_copy(obj_t self) {
    obj_list_t *l = as_list(self);
    return list_new(l->len, l->items);
}

static obj_t list_count(obj_t self, obj_t x) {
    obj_list_t *l = as_list(self);
    return seq_count(l->len, l->items, x);
}

static obj_t list_index(size_t n, const obj_t *args) {
    obj_list_t *l = as_list(args[0]);
    return seq_index(&type_list, l->len, l->items, n, args);
}

static obj_t list_insert(obj_t self, obj_t index, obj_t x) {
    obj_list_t *l = as_list(self);
    rt_int_t i = obj_get_int(index);
    if (i < 0) {
        i += (rt_int_t)l->len;
        if (i < 0) {
            i = 0;
        }
    }
    if ((size_t)i > l->len) {
        i = (rt_int_t)l->len;
    }
    ensure(l, l->len + 1);
    memmove(l->items + i + 1, l->items + i, (l->len - (size_t)i) * sizeof(obj_t));
    l->items[i] = x;
    l->len++;
    return OBJ_NONE;
}

static obj_t list_pop(size_t n, const obj_t *args) {
    obj_list_t *l = as_list(args[0]);
    if (l->len == 0) {
        rt_raise(&type_IndexError, "pop from empty list");
    }
    size_t i = n > 1 ? obj_get_index(&type_list, l->len, args[1], false) : l->len - 1;
    obj_t v = l->items[i];
    delete_range(l, i, i + 1);
    if (l->alloc > 16 && l->len < l->alloc / 4) {
        l->items = gc_realloc(l->items, (l->alloc / 2) * sizeof(obj_t));
        l->alloc /= 2;
    }
    return v;
}

static obj_t list_remove(obj_t self, obj_t x) {
    obj_list_t *l = as_list(self);
    for (size_t i = 0; i < l->len; i++) {
        if (obj_equal(l->items[i], x)) {
            delete_range(l, i, i + 1);
            return OBJ_NONE;
        }
    }
    rt_raise_value_error("object not in sequence");
}

static obj_t list_reverse(obj_t self) {
    obj_list_t *l = as_list(self);
    for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
        obj_t t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
    return OBJ_NONE;
}

static inline obj_t sort_key(obj_t key, obj_t x) {
    return key == OBJ_NULL ? x : rt_call1(key, x);
}

static inline obj_t less(obj_t a, obj_t b) {
    if (obj_is_small_int(a) && obj_is_small_int(b)) {
        return OBJ_BOOL((rt_int_t)a < (rt_int_t)b);
    }
    return rt_binary_op(OP_LESS, a, b);
}

// MicroPython's quicksort: last element as pivot, the key function called
// at every comparison, recursion on the smaller part.
static void quicksort(obj_t *head, obj_t *tail, obj_t key, obj_t less_result) {
    rt_check_stack();
    while (head < tail) {
        obj_t *h = head - 1;
        obj_t *t = tail;
        obj_t v = sort_key(key, tail[0]);
        for (;;) {
            do {
                ++h;
            } while (h < t && less(sort_key(key, h[0]), v) == less_result);
            do {
                --t;
            } while (h < t && less(v, sort_key(key, t[0])) == less_result);
            if (h >= t) {
                break;
            }
            obj_t x = h[0];
            h[0] = t[0];
            t[0] = x;
        }
        obj_t x = h[0];
        h[0] = tail[0];
        tail[0] = x;
        if (t - head < tail - h - 1) {
            quicksort(head, t, key, less_result);
            head = h + 1;
        } else {
            quicksort(h + 1, tail, key, less_result);
            tail = t;
        }
    }
}

void list_sort(obj_t list, obj_t key, bool reverse) {
    obj_list_t *l = as_list(list);
    if (l->len > 1) {
        quicksort(l->items, l->items + l->len - 1, key == OBJ_NONE ? OBJ_NULL : key,
                  reverse ? OBJ_FALSE : OBJ_TRUE);
    }
}

static obj_t list_sort_m(size_t n_args, const obj_t *args, map_t *kw) {
    static const arg_spec_t spec[] = {
        {QSTR_key, ARG_KW_ONLY, OBJ_NONE},
        {QSTR_reverse, ARG_KW_ONLY, OBJ_FALSE},
    };
    obj_t vals[2];
    arg_parse(n_args - 1, args + 1, kw, 2, spec, vals);
    list_sort(args[0], vals[0], obj_is_true(vals[1]));
    return OBJ_NONE;
}

static BUILTIN_FUN_2(list_append_obj, list_append_m);
static BUILTIN_FUN_2(list_extend_obj, list_extend);
static BUILTIN_FUN_1(list_clear_obj, list_clear);
static BUILTIN_FUN_1(list_copy_obj, list_copy);
static BUILTIN_FUN_2(list_count_obj, list_count);
static BUILTIN_FUN_VAR(list_index_obj, 2, 4, list_index);
static BUILTIN_FUN_3(list_insert_obj, list_insert);
static BUILTIN_FUN_VAR(list_pop_obj, 1, 2, list_pop);
static BUILTIN_FUN_2(list_remove_obj, list_remove);
static BUILTIN_FUN_1(list_reverse_obj, list_reverse);
static BUILTIN_FUN_KW(list_sort_obj, 1, list_sort_m);

static const map_elem_t list_locals_table[] = {
    ROM_ENTRY(QSTR_append, &list_append_obj),
    ROM_ENTRY(QSTR_clear, &list_clear_obj),
    ROM_ENTRY(QSTR_copy, &list_copy_obj),
    ROM_ENTRY(QSTR_count, &list_count_obj),
    ROM_ENTRY(QSTR_extend, &list_extend_obj),
    ROM_ENTRY(QSTR_index, &list_index_obj),
    ROM_ENTRY(QSTR_insert, &list_insert_obj),
    ROM_ENTRY(QSTR_pop, &list_pop_obj),
    ROM_ENTRY(QSTR_remove, &list_remove_obj),
    ROM_ENTRY(QSTR_reverse, &list_reverse_obj),
    ROM_ENTRY(QSTR_sort, &list_sort_obj),
};
static ROM_DICT(list_locals, list_locals_table);

const type_t type_list = {
    {&type_type}, 0, QSTR_list, list_print, list_make_new, NULL, list_unary_op, list_binary_op,
    NULL, list_subscr, list_getiter, NULL, NULL, NULL, NULL, &list_locals,
};
