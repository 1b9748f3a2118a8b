// runtime/runtime.c: the operations the bytecode needs on any object:
// calling, attribute access, operators, subscripts and iteration. Each one
// dispatches through the object's type slots and raises MicroPython's
// exceptions (with its exact messages) when a type lacks the slot.
#include <string.h>

#include "obj.h"
#include "port.h"

rt_state_t rt;

void rt_check_stack(void) {
    char here;
    if (&here < rt.stack_limit || rt.depth > rt.max_depth) {
        rt_raise(&type_RuntimeError, "maximum recursion depth exceeded");
    }
}

// ---------------------------------------------------------------------------
// Calls.
obj_t rt_call(obj_t fun, size_t n_args, size_t n_kw, const obj_t *args) {
    const type_t *t = obj_type(fun);
    if (t->call != NULL) {
        return t->call(fun, n_args, n_kw, args);
    }
    rt_raise_fmt(&type_TypeError, "'%s' object isn't callable", obj_type_name(fun));
}

obj_t rt_call0(obj_t fun) {
    return rt_call(fun, 0, 0, NULL);
}

obj_t rt_call1(obj_t fun, obj_t a) {
    return rt_call(fun, 1, 0, &a);
}

obj_t rt_call2(obj_t fun, obj_t a, obj_t b) {
    obj_t args[2] = {a, b};
    return rt_call(fun, 2, 0, args);
}

obj_t rt_call_method(size_t n_args, size_t n_kw, const obj_t *dest) {
    if (dest[1] == OBJ_NULL) {
        return rt_call(dest[0], n_args, n_kw, dest + 2);
    }
    return rt_call(dest[0], n_args + 1, n_kw, dest + 1);
}

bool rt_callable(obj_t o) {
    const type_t *t = obj_type(o);
    if (t->call == NULL) {
        return false;
    }
    if (obj_is_instance_type(t)) {
        obj_t v;
        return type_lookup(t, QSTR___call__, &v);
    }
    return true;
}

// A growable array of words for spreading star arguments.
typedef struct words {
    obj_t *items;
    size_t len;
    size_t alloc;
} words_t;

static void words_add(words_t *w, obj_t o) {
    if (w->len == w->alloc) {
        w->alloc = w->alloc ? w->alloc * 2 : 8;
        w->items = gc_realloc(w->items, w->alloc * sizeof(obj_t));
    }
    w->items[w->len++] = o;
}

static void spread_iterable(words_t *w, obj_t seq) {
    if (obj_is_type(seq, &type_tuple) || obj_is_type(seq, &type_list)) {
        size_t n;
        obj_t *items;
        obj_get_array(seq, &n, &items);
        for (size_t i = 0; i < n; i++) {
            words_add(w, items[i]);
        }
        return;
    }
    iter_buf_t buf;
    obj_t it = rt_getiter(seq, &buf);
    obj_t item;
    while ((item = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        words_add(w, item);
    }
}

static void spread_mapping(words_t *kw, obj_t m) {
    if (obj_is_type(m, &type_dict) || obj_isinstance(m, &type_dict)) {
        map_t *map = dict_map(instance_native(m, &type_dict));
        for (size_t i = 0; i < map->alloc; i++) {
            if (map_slot_filled(map, i)) {
                words_add(kw, map->table[i].key);
                words_add(kw, map->table[i].value);
            }
        }
        return;
    }
    obj_t dest[3];
    rt_load_method(m, QSTR_keys, dest);
    obj_t keys = rt_call_method(0, 0, dest);
    iter_buf_t buf;
    obj_t it = rt_getiter(keys, &buf);
    obj_t key;
    rt_load_method(m, QSTR___getitem__, dest);
    while ((key = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        dest[2] = key;
        words_add(kw, key);
        words_add(kw, rt_call_method(1, 0, dest));
    }
}

// Stack layout: fun [self] pos... kwkey kwval ... bitmap. A set bit i in the
// bitmap marks positional argument i as *iterable; a NULL keyword key marks
// its value as a ** mapping.
obj_t rt_call_var_kw(bool have_self, rt_uint_t n_args_kw, const obj_t *args) {
    size_t n_pos = n_args_kw & 0xff;
    size_t n_kw = (n_args_kw >> 8) & 0xff;
    obj_t fun = *args++;
    words_t pos = {NULL, 0, 0};
    words_t kw = {NULL, 0, 0};
    if (have_self) {
        obj_t self = *args++;
        if (self != OBJ_NULL) {
            words_add(&pos, self);
        }
    }
    obj_t bitmap_obj = args[n_pos + 2 * n_kw];
    rt_uint_t bitmap = obj_is_small_int(bitmap_obj) ? (rt_uint_t)small_int_value(bitmap_obj) : 0;
    for (size_t i = 0; i < n_pos; i++) {
        if (i < RT_WORD_BITS - 1 && (bitmap >> i) & 1) {
            spread_iterable(&pos, args[i]);
        } else {
            words_add(&pos, args[i]);
        }
    }
    for (size_t i = 0; i < n_kw; i++) {
        obj_t key = args[n_pos + 2 * i];
        obj_t value = args[n_pos + 2 * i + 1];
        if (key == OBJ_NULL) {
            spread_mapping(&kw, value);
        } else {
            words_add(&kw, key);
            words_add(&kw, value);
        }
    }
    for (size_t i = 0; i < kw.len; i++) {
        words_add(&pos, kw.items[i]);
    }
    size_t n_total = pos.len - kw.len;
    obj_t res = rt_call(fun, n_total, kw.len / 2, pos.items);
    gc_free(pos.items);
    gc_free(kw.items);
    return res;
}

// ---------------------------------------------------------------------------
// Attributes.
obj_t rt_convert_member_lookup(obj_t self, const type_t *type, obj_t member, obj_t *dest) {
    const type_t *mt = obj_type(member);
    if (mt == &type_staticmethod) {
        dest[0] = ((const obj_wrapper_t *)member)->fun;
    } else if (mt == &type_classmethod) {
        dest[0] = ((const obj_wrapper_t *)member)->fun;
        dest[1] = (obj_t)type;
    } else if (mt->flags & TYPE_FLAG_BINDS_SELF) {
        dest[0] = member;
        dest[1] = self;
    } else if (mt == &type_property && self != OBJ_NULL) {
        obj_t fget = ((const obj_property_t *)member)->fget;
        if (fget == OBJ_NULL || fget == OBJ_NONE) {
            rt_raise(&type_AttributeError, "unreadable attribute");
        }
        dest[0] = rt_call1(fget, self);
    } else {
        dest[0] = member;
    }
    return dest[0];
}

void rt_load_method_maybe(obj_t base, qstr_t attr, obj_t *dest) {
    dest[0] = OBJ_NULL;
    dest[1] = OBJ_NULL;
    const type_t *t = obj_type(base);
    if (t->attr != NULL) {
        t->attr(base, attr, dest);
        if (dest[0] != OBJ_NULL) {
            return;
        }
    }
    if (attr == QSTR___class__) {
        dest[0] = (obj_t)t;
        return;
    }
    obj_t member;
    if (!obj_is_instance_type(t) && type_lookup(t, attr, &member)) {
        rt_convert_member_lookup(base, t, member, dest);
    }
}

static noreturn void raise_no_attr(obj_t base, qstr_t attr) {
    if (obj_is_type(base, &type_type)) {
        rt_raise_fmt(&type_AttributeError, "type object '%s' has no attribute '%s'",
                     rtq_str(((const type_t *)base)->name), rtq_str(attr));
    }
    rt_raise_fmt(&type_AttributeError, "'%s' object has no attribute '%s'", obj_type_name(base),
                 rtq_str(attr));
}

void rt_load_method(obj_t base, qstr_t attr, obj_t *dest) {
    rt_load_method_maybe(base, attr, dest);
    if (dest[0] == OBJ_NULL) {
        raise_no_attr(base, attr);
    }
}

void rt_load_attr_maybe(obj_t base, qstr_t attr, obj_t *dest) {
    rt_load_method_maybe(base, attr, dest);
    if (dest[0] != OBJ_NULL && dest[1] != OBJ_NULL) {
        dest[0] = bound_meth_new(dest[0], dest[1]);
        dest[1] = OBJ_NULL;
    }
}

obj_t rt_load_attr(obj_t base, qstr_t attr) {
    obj_t dest[2];
    rt_load_attr_maybe(base, attr, dest);
    if (dest[0] == OBJ_NULL) {
        raise_no_attr(base, attr);
    }
    return dest[0];
}

void rt_load_super_method(qstr_t attr, obj_t *dest) {
    extern void super_load_method(obj_t type, obj_t self, qstr_t attr, obj_t *dest);
    super_load_method(dest[1], dest[2], attr, dest);
}

void rt_store_attr(obj_t base, qstr_t attr, obj_t value) {
    const type_t *t = obj_type(base);
    if (t->attr != NULL) {
        obj_t dest[2] = {OBJ_SENTINEL, value};
        t->attr(base, attr, dest);
        if (dest[0] == OBJ_NULL) {
            return;
        }
    }
    rt_raise_fmt(&type_AttributeError, "'%s' object has no attribute '%s'", obj_type_name(base),
                 rtq_str(attr));
}

void rt_delete_attr(obj_t base, qstr_t attr) {
    const type_t *t = obj_type(base);
    if (t->attr != NULL) {
        obj_t dest[2] = {OBJ_SENTINEL, OBJ_NULL};
        t->attr(base, attr, dest);
        if (dest[0] == OBJ_NULL) {
            return;
        }
    }
    rt_raise_fmt(&type_AttributeError, "'%s' object has no attribute '%s'", obj_type_name(base),
                 rtq_str(attr));
}

// ---------------------------------------------------------------------------
// Operators.
static const qstr_t unary_names[] = {
    Q___pos__, Q___neg__, Q___invert__, Q___bool__, Q___bool__, QSTR___len__, QSTR___hash__,
    Q___abs__, QSTR___int__, Q___float__, Q___complex__, Q___sizeof__,
};

qstr_t rt_unary_op_qstr(int op);
qstr_t rt_unary_op_qstr(int op) {
    return unary_names[op];
}

obj_t rt_unary_op(int op, obj_t o) {
    if (op == OP_NOT) {
        return OBJ_BOOL(!obj_is_true(o));
    }
    if (obj_is_small_int(o)) {
        rt_int_t v = small_int_value(o);
        switch (op) {
            case OP_BOOL:
                return OBJ_BOOL(v != 0);
            case OP_HASH:
                return o;
            case OP_POSITIVE:
            case OP_INT_MAYBE:
                return o;
            case OP_NEGATIVE:
                return int_from_ll(-(long long)v);
            case OP_INVERT:
                return small_int(~v);
            case OP_ABS:
                return int_from_ll(v < 0 ? -(long long)v : v);
            default:
                break;
        }
    }
    const type_t *t = obj_type(o);
    if (t->unary_op != NULL) {
        obj_t r = t->unary_op(op, o);
        if (r != OBJ_NULL) {
            return r;
        }
    }
    switch (op) {
        case OP_BOOL:
            return OBJ_TRUE;
        case OP_HASH:
            // Types without operators hash by identity; those with them
            // (list, dict, set...) and no hash are unhashable.
            if (t->unary_op == NULL || obj_is_instance_type(t)) {
                return small_int((rt_int_t)((rt_uint_t)o >> 1 & (SMALL_INT_MAX >> 1)));
            }
            rt_raise_fmt(&type_TypeError, "unsupported type for %s: '%s'", rtq_str(QSTR___hash__),
                         obj_type_name(o));
        case OP_LEN:
            rt_raise_fmt(&type_TypeError, "object of type '%s' has no len()", obj_type_name(o));
        case OP_INT_MAYBE:
        case OP_FLOAT_MAYBE:
        case OP_COMPLEX_MAYBE:
            return OBJ_NULL;
        default:
            rt_raise_fmt(&type_TypeError, "unsupported type for %s: '%s'",
                         rtq_str(rt_unary_op_qstr(op)), obj_type_name(o));
    }
}

qstr_t rt_binary_op_qstr(int op);
qstr_t rt_binary_op_qstr(int op) {
    static const qstr_t names[] = {
        Q___lt__, Q___gt__, Q___eq__, Q___le__, Q___ge__, Q___ne__, Q___contains__, 0, 0,
        Q___ior__, Q___ixor__, Q___iand__, Q___ilshift__, Q___irshift__, Q___iadd__, Q___isub__,
        Q___imul__, Q___imatmul__, Q___ifloordiv__, Q___itruediv__, Q___imod__, Q___ipow__,
        Q___or__, Q___xor__, Q___and__, Q___lshift__, Q___rshift__, Q___add__, Q___sub__,
        Q___mul__, Q___matmul__, Q___floordiv__, Q___truediv__, Q___mod__, Q___pow__,
        Q___divmod__, Q___contains__, 0, 0,
    };
    if (op >= 0 && (size_t)op < sizeof(names) / sizeof(names[0])) {
        return names[op];
    }
    return QSTR_NULL;
}

static noreturn void unsupported_binary(int op, obj_t lhs, obj_t rhs) {
    qstr_t q = rt_binary_op_qstr(op);
    rt_raise_fmt(&type_TypeError, "unsupported types for %s: '%s', '%s'", rtq_str(q),
                 obj_type_name(lhs), obj_type_name(rhs));
}

static obj_t equal_not_equal(int op, obj_t a, obj_t b) {
    bool want_eq = op == OP_EQUAL;
    if (a == b) {
        // NaN is the one value not equal to itself.
        if (RT_FLOAT && obj_is_type(a, &type_float) && float_value(a) != float_value(a)) {
            return OBJ_BOOL(!want_eq);
        }
        return OBJ_BOOL(want_eq);
    }
    bool eq = obj_equal(a, b);
    return OBJ_BOOL(eq == want_eq);
}

static obj_t contains(obj_t container, obj_t item) {
    const type_t *t = obj_type(container);
    if (t->binary_op != NULL) {
        obj_t r = t->binary_op(OP_CONTAINS, container, item);
        if (r != OBJ_NULL) {
            return r;
        }
    }
    if (t->getiter == NULL && t->subscr == NULL && !obj_is_instance_type(t)) {
        rt_raise_fmt(&type_TypeError, "'%s' object isn't iterable", obj_type_name(container));
    }
    iter_buf_t buf;
    obj_t it = rt_getiter(container, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        if (obj_equal(x, item)) {
            return OBJ_TRUE;
        }
    }
    return OBJ_FALSE;
}

obj_t rt_binary_op(int op, obj_t lhs, obj_t rhs) {
    switch (op) {
        case OP_IS:
            return OBJ_BOOL(lhs == rhs);
        case OP_IS_NOT:
            return OBJ_BOOL(lhs != rhs);
        case OP_IN:
            return contains(rhs, lhs);
        case OP_NOT_IN:
            return OBJ_BOOL(contains(rhs, lhs) == OBJ_FALSE);
        case OP_EXCEPTION_MATCH:
            if (!obj_is_exception_type(rhs) && !obj_is_type(rhs, &type_tuple)) {
                rt_raise_type_error("catching classes that do not inherit from BaseException is not allowed");
            }
            return OBJ_BOOL(exc_match(lhs, rhs));
        default:
            break;
    }
    if (obj_is_small_int(lhs) && obj_is_small_int(rhs)) {
        return int_binary_op(op, lhs, rhs);
    }
    const type_t *lt = obj_type(lhs);
    if (op == OP_EQUAL || op == OP_NOT_EQUAL) {
        if (obj_is_instance_type(lt) || obj_is_instance_type(obj_type(rhs))) {
            const type_t *rt_ = obj_type(rhs);
            if (obj_is_instance_type(lt) && lt->binary_op != NULL) {
                obj_t r = lt->binary_op(op, lhs, rhs);
                if (r != OBJ_NULL && r != OBJ_NOT_IMPLEMENTED) {
                    return r;
                }
            }
            if (obj_is_instance_type(rt_) && rt_->binary_op != NULL) {
                obj_t r = rt_->binary_op(op, rhs, lhs);
                if (r != OBJ_NULL && r != OBJ_NOT_IMPLEMENTED) {
                    return r;
                }
            }
        }
        return equal_not_equal(op, lhs, rhs);
    }
    if (lt->binary_op != NULL) {
        obj_t r = lt->binary_op(op, lhs, rhs);
        if (r != OBJ_NULL && r != OBJ_NOT_IMPLEMENTED) {
            return r;
        }
    }
    int plain_op = rt_op_without_inplace(op);
    if (plain_op != op) {
        return rt_binary_op(plain_op, lhs, rhs);
    }
    const type_t *rtype = obj_type(rhs);
    if (op >= OP_OR && op <= OP_POWER && obj_is_instance_type(rtype)) {
        // Reflected operators: x + obj calls obj.__radd__(x).
        extern obj_t instance_reflected_op(int op, obj_t self, obj_t other);
        obj_t r = instance_reflected_op(op, rhs, lhs);
        if (r != OBJ_NULL && r != OBJ_NOT_IMPLEMENTED) {
            return r;
        }
    }
    unsupported_binary(op, lhs, rhs);
}

// ---------------------------------------------------------------------------
// Subscripts and iteration.
obj_t rt_subscr(obj_t base, obj_t index, obj_t value) {
    const type_t *t = obj_type(base);
    if (t->subscr != NULL) {
        obj_t r = t->subscr(base, index, value);
        if (r != OBJ_NULL) {
            return r;
        }
    }
    if (value == OBJ_SENTINEL) {
        rt_raise_fmt(&type_TypeError, "'%s' object isn't subscriptable", obj_type_name(base));
    } else if (value == OBJ_NULL) {
        rt_raise_fmt(&type_TypeError, "'%s' object doesn't support item deletion", obj_type_name(base));
    }
    rt_raise_fmt(&type_TypeError, "'%s' object doesn't support item assignment", obj_type_name(base));
}

obj_t rt_getiter(obj_t o, iter_buf_t *buf) {
    const type_t *t = obj_type(o);
    if (t->getiter != NULL) {
        obj_t it = t->getiter(o, buf);
        if (it != OBJ_NULL) {
            return it;
        }
    }
    rt_raise_fmt(&type_TypeError, "'%s' object isn't iterable", obj_type_name(o));
}

obj_t rt_iternext_allow_raise(obj_t it) {
    const type_t *t = obj_type(it);
    if (t->iternext != NULL) {
        return t->iternext(it);
    }
    rt_raise_fmt(&type_TypeError, "'%s' object isn't an iterator", obj_type_name(it));
}

obj_t rt_iternext(obj_t it) {
    const type_t *t = obj_type(it);
    if (t->iternext == NULL) {
        rt_raise_fmt(&type_TypeError, "'%s' object isn't an iterator", obj_type_name(it));
    }
    if (!obj_is_instance_type(t) && t != &type_gen) {
        return t->iternext(it);
    }
    iternext_fn_t next = t->iternext;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        obj_t r = next(it);
        nlr_pop();
        return r;
    }
    if (obj_isinstance(nlr.ret_val, &type_StopIteration)) {
        return OBJ_STOP_ITERATION;
    }
    nlr_jump(nlr.ret_val);
}

obj_t rt_make_raise_obj(obj_t o) {
    if (obj_is_exception_type(o)) {
        return rt_call(o, 0, 0, NULL);
    }
    if (obj_is_exception_instance(o)) {
        return o;
    }
    return exc_new_msg(&type_TypeError, "exceptions must derive from BaseException");
}

void rt_unpack_sequence(obj_t seq, size_t n, obj_t *items) {
    size_t len;
    if (obj_is_type(seq, &type_tuple) || obj_is_type(seq, &type_list)) {
        obj_t *src;
        obj_get_array(seq, &len, &src);
        if (len < n) {
            goto too_short;
        }
        if (len > n) {
            goto too_long;
        }
        for (size_t i = 0; i < n; i++) {
            items[i] = src[n - 1 - i];
        }
        return;
    }
    iter_buf_t buf;
    obj_t it = rt_getiter(seq, &buf);
    for (len = 0; len < n; len++) {
        obj_t x = rt_iternext(it);
        if (x == OBJ_STOP_ITERATION) {
            goto too_short;
        }
        items[n - 1 - len] = x;
    }
    if (rt_iternext(it) == OBJ_STOP_ITERATION) {
        return;
    }
too_long:
    rt_raise_fmt(&type_ValueError, "too many values to unpack (expected %u)", (unsigned)n);
too_short:
    rt_raise_fmt(&type_ValueError, "need more than %u values to unpack", (unsigned)len);
}

void rt_unpack_ex(obj_t seq, size_t n_in, obj_t *items) {
    size_t n_left = n_in & 0xff;
    size_t n_right = (n_in >> 8) & 0xff;
    obj_t list = list_from_iter(seq);
    obj_list_t *l = OBJ_TO_PTR(list);
    if (l->len < n_left + n_right) {
        rt_raise_fmt(&type_ValueError, "need more than %u values to unpack", (unsigned)l->len);
    }
    // items[0] ends up on top of the stack: the first left value.
    for (size_t i = 0; i < n_left; i++) {
        items[n_left + n_right - i] = l->items[i];
    }
    size_t mid = l->len - n_left - n_right;
    for (size_t i = 0; i < n_right; i++) {
        items[n_right - 1 - i] = l->items[n_left + mid + i];
    }
    memmove(l->items, l->items + n_left, mid * sizeof(obj_t));
    list_set_len(list, mid);
    items[n_right] = list;
}

// ---------------------------------------------------------------------------
// Names.
obj_t rt_load_global(obj_t globals, qstr_t q) {
    map_elem_t *e = map_lookup_qstr(dict_map(globals), q);
    if (e == NULL) {
        e = map_lookup_qstr(dict_map(rt.builtins), q);
        if (e == NULL) {
            rt_raise_fmt(&type_NameError, "name '%s' isn't defined", rtq_str(q));
        }
    }
    return e->value;
}

obj_t rt_load_name(obj_t locals, obj_t globals, qstr_t q) {
    if (locals != globals) {
        map_elem_t *e = map_lookup_qstr(dict_map(locals), q);
        if (e != NULL) {
            return e->value;
        }
    }
    return rt_load_global(globals, q);
}
