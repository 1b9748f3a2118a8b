// runtime/obj.c: generic object helpers used everywhere: truth, equality,
// hashing (bit-compatible with the 32-bit reference VM, because hashes
// decide dict order), printing, and conversions to C ints, floats and
// indices with MicroPython's error messages.
#include <string.h>

#include "obj.h"

const char *obj_type_name(obj_t o) {
    return rtq_str(obj_type(o)->name);
}

qstr_t obj_type_qstr(obj_t o) {
    return obj_type(o)->name;
}

bool obj_is_true(obj_t o) {
    if (o == OBJ_FALSE || o == OBJ_NONE) {
        return false;
    }
    if (o == OBJ_TRUE) {
        return true;
    }
    if (obj_is_small_int(o)) {
        return o != small_int(0);
    }
    if (obj_is_qstr(o)) {
        return qstr_value(o) != QSTR_empty;
    }
    const type_t *t = obj_type(o);
    if (t->unary_op != NULL) {
        obj_t r = t->unary_op(OP_BOOL, o);
        if (r != OBJ_NULL) {
            return r == OBJ_TRUE;
        }
        r = t->unary_op(OP_LEN, o);
        if (r != OBJ_NULL) {
            return r != small_int(0);
        }
    }
    return true;
}

static bool is_number(obj_t o) {
    const type_t *t = obj_type(o);
    return t == &type_int || t == &type_bool || (RT_FLOAT && (t == &type_float || t == &type_complex));
}

bool obj_equal(obj_t a, obj_t b) {
    if (a == b) {
        if (RT_FLOAT && obj_is_ptr(a) && obj_is_type(a, &type_float)) {
            return float_value(a) == float_value(a);
        }
        return true;
    }
    if (obj_is_small_int(a) && obj_is_small_int(b)) {
        return false;
    }
    if (obj_is_str(a) && obj_is_str(b)) {
        return str_equal(a, b);
    }
    if (obj_is_qstr(a) || obj_is_qstr(b)) {
        // A str never equals a non-str (except via a user's __eq__).
        obj_t other = obj_is_qstr(a) ? b : a;
        if (!obj_is_instance_type(obj_type(other))) {
            return false;
        }
    }
    if (is_number(a) && is_number(b)) {
        if (a == OBJ_TRUE || a == OBJ_FALSE) {
            a = small_int(a == OBJ_TRUE);
        }
        obj_t r = obj_type(a)->binary_op(OP_EQUAL, a, b);
        return r == OBJ_TRUE;
    }
    for (int pass = 0; pass < 2; pass++) {
        const type_t *t = obj_type(a);
        if (t->binary_op != NULL) {
            obj_t r = t->binary_op(OP_EQUAL, a, b);
            if (r != OBJ_NULL && r != OBJ_NOT_IMPLEMENTED) {
                return obj_is_true(r);
            }
        }
        obj_t tmp = a;
        a = b;
        b = tmp;
    }
    return false;
}

// The reference VM reduces every hash to a 31-bit small int on a 32-bit
// machine; do the same so positions in hash tables agree.
static rt_int_t as_ref_small_int(uint32_t h) {
    return (rt_int_t)((int32_t)(h << 1) >> 1);
}

rt_int_t obj_hash(obj_t o) {
    if (obj_is_small_int(o)) {
        return as_ref_small_int((uint32_t)small_int_value(o));
    }
    if (obj_is_qstr(o)) {
        return rtq_hash(qstr_value(o));
    }
    if (o == OBJ_FALSE) {
        return 0;
    }
    if (o == OBJ_TRUE) {
        return 1;
    }
    if (o == OBJ_NONE) {
        return (rt_int_t)OBJ_NONE;
    }
    const type_t *t = obj_type(o);
    if (t == &type_str || t == &type_bytes) {
        return str_hash(o);
    }
#if RT_FLOAT
    if (t == &type_float) {
        return as_ref_small_int((uint32_t)float_hash(float_value(o)));
    }
#endif
    if (t == &type_int) {
        return as_ref_small_int((uint32_t)int_hash(o));
    }
    obj_t r = rt_unary_op(OP_HASH, o);
    if (obj_is_small_int(r)) {
        return small_int_value(r);
    }
    return int_hash(r);
}

void obj_print(const print_t *p, obj_t o, print_kind_t kind) {
    rt_check_stack();
    const type_t *t = obj_type(o);
    if (t->print != NULL) {
        t->print(p, o, kind);
    } else {
        print_printf(p, "<%s object at %p>", rtq_str(t->name), (void *)o);
    }
}

obj_t obj_repr(obj_t o) {
    vstr_t v;
    vstr_init(&v, 16);
    print_t p;
    vstr_print_init(&v, &p);
    obj_print(&p, o, PRINT_REPR);
    return str_from_vstr(&type_str, &v);
}

obj_t obj_str(obj_t o) {
    if (obj_is_str(o)) {
        return o;
    }
    vstr_t v;
    vstr_init(&v, 16);
    print_t p;
    vstr_print_init(&v, &p);
    obj_print(&p, o, PRINT_STR);
    return str_from_vstr(&type_str, &v);
}

bool obj_get_int_maybe(obj_t o, rt_int_t *v) {
    if (obj_is_small_int(o)) {
        *v = small_int_value(o);
        return true;
    }
    if (o == OBJ_FALSE || o == OBJ_TRUE) {
        *v = o == OBJ_TRUE;
        return true;
    }
    if (obj_is_type(o, &type_int)) {
        long long ll;
        if (!int_to_ll_maybe(o, &ll) || ll > SMALL_INT_MAX * 2LL + 1 || ll < SMALL_INT_MIN * 2LL) {
            rt_raise(&type_OverflowError, "overflow converting long int to machine word");
        }
        *v = (rt_int_t)ll;
        return true;
    }
    return false;
}

rt_int_t obj_get_int(obj_t o) {
    rt_int_t v;
    if (obj_get_int_maybe(o, &v)) {
        return v;
    }
    rt_raise_fmt(&type_TypeError, "can't convert %s to int", obj_type_name(o));
}

rt_int_t obj_get_int_truncated(obj_t o) {
    if (obj_is_type(o, &type_int)) {
        long long ll;
        if (int_to_ll_maybe(o, &ll)) {
            return (rt_int_t)ll;
        }
        return (rt_int_t)int_hash(o);
    }
    return obj_get_int(o);
}

bool obj_get_float_maybe(obj_t o, rt_float_t *v) {
    if (obj_is_small_int(o)) {
        *v = (rt_float_t)small_int_value(o);
    } else if (o == OBJ_FALSE || o == OBJ_TRUE) {
        *v = o == OBJ_TRUE;
    } else if (RT_FLOAT && obj_is_type(o, &type_float)) {
        *v = float_value(o);
    } else if (RT_FLOAT && obj_is_type(o, &type_int)) {
        *v = int_to_float(o);
    } else {
        return false;
    }
    return true;
}

rt_float_t obj_get_float(obj_t o) {
    rt_float_t v;
    if (obj_get_float_maybe(o, &v)) {
        return v;
    }
    rt_raise_fmt(&type_TypeError, "can't convert %s to float", obj_type_name(o));
}

obj_t obj_len_maybe(obj_t o) {
    if (obj_is_qstr(o)) {
        size_t len = rtq_len(qstr_value(o));
        const char *s = rtq_str(qstr_value(o));
        return small_int((rt_int_t)utf8_charlen((const uint8_t *)s, len));
    }
    const type_t *t = obj_type(o);
    if (t->unary_op != NULL) {
        return t->unary_op(OP_LEN, o);
    }
    return OBJ_NULL;
}

obj_t obj_len(obj_t o) {
    obj_t r = obj_len_maybe(o);
    if (r == OBJ_NULL) {
        rt_raise_fmt(&type_TypeError, "object of type '%s' has no len()", obj_type_name(o));
    }
    return r;
}

bool obj_get_index_maybe(size_t len, obj_t index, size_t *out) {
    rt_int_t i = obj_get_int(index);
    if (i < 0) {
        i += (rt_int_t)len;
    }
    if (i < 0 || (size_t)i >= len) {
        return false;
    }
    *out = (size_t)i;
    return true;
}

size_t obj_get_index(const type_t *t, size_t len, obj_t index, bool is_slice_ok) {
    (void)is_slice_ok;
    rt_int_t i;
    if (!obj_get_int_maybe(index, &i)) {
        rt_raise_fmt(&type_TypeError, "%s indices must be integers, not %s", rtq_str(t->name),
                     obj_type_name(index));
    }
    if (i < 0) {
        i += (rt_int_t)len;
    }
    if (i < 0 || (size_t)i >= len) {
        rt_raise_fmt(&type_IndexError, "%s index out of range", rtq_str(t->name));
    }
    return (size_t)i;
}

void obj_get_array(obj_t o, size_t *len, obj_t **items) {
    if (obj_is_type(o, &type_tuple)) {
        obj_tuple_t *t = OBJ_TO_PTR(o);
        *len = t->len;
        *items = t->items;
    } else if (obj_is_type(o, &type_list)) {
        obj_list_t *l = OBJ_TO_PTR(o);
        *len = l->len;
        *items = l->items;
    } else if (obj_is_ptr(o) && obj_type(o)->parent == &type_tuple
               && !(obj_type(o)->flags & TYPE_FLAG_USER)) {
        obj_tuple_t *t = OBJ_TO_PTR(o);
        *len = t->len;
        *items = t->items;
    } else {
        obj_t inner = instance_native(o, &type_tuple);
        if (inner != o) {
            obj_get_array(inner, len, items);
            return;
        }
        inner = instance_native(o, &type_list);
        if (inner != o) {
            obj_get_array(inner, len, items);
            return;
        }
        rt_raise_fmt(&type_TypeError, "object '%s' isn't a tuple or list", obj_type_name(o));
    }
}

void obj_get_array_fixed_n(obj_t o, size_t n, obj_t **items) {
    size_t len;
    obj_get_array(o, &len, items);
    if (len != n) {
        rt_raise_fmt(&type_ValueError, "requested length %u but object has length %u",
                     (unsigned)n, (unsigned)len);
    }
}

bool type_is_subclass(const type_t *t, const type_t *base) {
    for (;;) {
        if (t == base) {
            return true;
        }
        if (t->parent == NULL) {
            return base == &type_object;
        }
        if (t->flags & TYPE_FLAG_MULTI_BASE) {
            const obj_tuple_t *bases = t->parent;
            for (size_t i = 0; i < bases->len; i++) {
                if (type_is_subclass((const type_t *)bases->items[i], base)) {
                    return true;
                }
            }
            return false;
        }
        t = t->parent;
    }
}

bool obj_is_subclass(obj_t t, obj_t base) {
    return type_is_subclass((const type_t *)t, (const type_t *)base);
}

bool obj_isinstance(obj_t o, const type_t *t) {
    return type_is_subclass(obj_type(o), t);
}

// The first builtin type in a class's ancestry (NULL when only object).
const type_t *type_native_base(const type_t *t) {
    while (t != NULL && (t->flags & TYPE_FLAG_USER)) {
        if (t->flags & TYPE_FLAG_MULTI_BASE) {
            const obj_tuple_t *bases = t->parent;
            const type_t *found = NULL;
            for (size_t i = 0; i < bases->len && found == NULL; i++) {
                found = type_native_base((const type_t *)bases->items[i]);
            }
            return found;
        }
        t = t->parent;
    }
    if (t == &type_object) {
        return NULL;
    }
    return t;
}

// For an instance of a class deriving a builtin type, the builtin object
// inside it; otherwise o itself.
obj_t instance_native(obj_t o, const type_t *native) {
    const type_t *t = obj_type(o);
    if (!obj_is_instance_type(t)) {
        return o;
    }
    const type_t *nb = type_native_base(t);
    if (nb == NULL || !type_is_subclass(nb, native)) {
        return o;
    }
    obj_t sub = ((obj_instance_t *)o)->subobj[0];
    return sub == OBJ_NULL ? o : sub;
}

bool obj_get_buffer(obj_t o, buffer_info_t *info, int flags) {
    o = instance_native(o, &type_object);
    const type_t *t = obj_type(o);
    if (t->buffer != NULL) {
        return t->buffer(o, info, flags);
    }
    if (obj_is_qstr(o)) {
        if (flags & BUFFER_WRITE) {
            return false;
        }
        size_t len;
        info->buf = (void *)str_get_data(o, &len);
        info->len = len;
        info->typecode = 'B';
        return true;
    }
    return false;
}
