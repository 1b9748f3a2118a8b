// runtime/objtype.c: type objects and user classes. `type` itself, `object`,
// classes made by class statements (their instances, attribute lookup with
// properties and descriptors, special methods mapped onto type slots),
// super(), and the singletons None, bool, Ellipsis and NotImplemented.
// Lookup through bases is depth-first, left to right, as MicroPython does.
#include <string.h>

#include "obj.h"

qstr_t rt_binary_op_qstr(int op);
qstr_t rt_unary_op_qstr(int op);

// ---------------------------------------------------------------------------
// Lookup along a class's bases.
static bool lookup_chain(const type_t *t, qstr_t attr, obj_t *dest_value, bool user_only) {
    while (t != NULL && t != &type_object) {
        if (user_only && !(t->flags & TYPE_FLAG_USER)) {
            return false;
        }
        if (t->locals != NULL) {
            map_elem_t *e = map_lookup_qstr(&t->locals->map, attr);
            if (e != NULL) {
                *dest_value = e->value;
                return true;
            }
        }
        if (t->flags & TYPE_FLAG_MULTI_BASE) {
            const obj_tuple_t *bases = t->parent;
            for (size_t i = 0; i < bases->len; i++) {
                if (lookup_chain((const type_t *)bases->items[i], attr, dest_value, user_only)) {
                    return true;
                }
            }
            return false;
        }
        t = t->parent;
    }
    return false;
}

static bool lookup_in(const type_t *t, qstr_t attr, obj_t *dest_value) {
    return lookup_chain(t, attr, dest_value, true);
}

static bool object_lookup(qstr_t attr, obj_t *dest_value) {
    map_elem_t *e = map_lookup_qstr(&type_object.locals->map, attr);
    if (e != NULL) {
        *dest_value = e->value;
        return true;
    }
    return false;
}

bool type_lookup(const type_t *t, qstr_t attr, obj_t *dest_value) {
    return lookup_chain(t, attr, dest_value, false) || object_lookup(attr, dest_value);
}

// Looks a special method up on a user class, skipping the ones every class
// inherits from object and those of a builtin base (reached through the
// builtin object inside the instance instead).
static bool user_method(const type_t *t, qstr_t attr, obj_t *dest_value) {
    return lookup_in(t, attr, dest_value);
}

// ---------------------------------------------------------------------------
// type
static void type_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_printf(p, "<class '%s'>", rtq_str(((const type_t *)o)->name));
}

static obj_t type_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 1, 3, false);
    if (n_args == 1) {
        return (obj_t)obj_type(args[0]);
    }
    if (n_args != 3) {
        rt_raise_type_error("type takes 1 or 3 arguments");
    }
    return type_new(str_get_qstr(args[0]), args[1], args[2]);
}

static obj_t type_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    const type_t *t = OBJ_TO_PTR(self);
    if (t->make_new == NULL) {
        rt_raise_fmt(&type_TypeError, "cannot create '%s' instances", rtq_str(t->name));
    }
    return t->make_new(t, n_args, n_kw, args);
}

static void type_attr(obj_t self, qstr_t attr, obj_t *dest) {
    type_t *t = OBJ_TO_PTR(self);
    if (dest[0] == OBJ_NULL) {
        if (attr == QSTR___name__) {
            dest[0] = obj_qstr(t->name);
            return;
        }
        if (attr == Q___bases__) {
            if (t->parent == NULL) {
                dest[0] = tuple_new(0, NULL);
            } else if (t->flags & TYPE_FLAG_MULTI_BASE) {
                dest[0] = (obj_t)t->parent;
            } else {
                obj_t b = (obj_t)t->parent;
                dest[0] = tuple_new(1, &b);
            }
            return;
        }
        if (attr == Q___dict__ && t->locals != NULL) {
            dest[0] = (obj_t)t->locals;
            return;
        }
        obj_t member;
        if (type_lookup(t, attr, &member)) {
            const type_t *mt = obj_type(member);
            obj_t get;
            if (obj_is_instance_type(mt) && lookup_in(mt, Q___get__, &get)) {
                obj_t args[3] = {member, OBJ_NONE, self};
                dest[0] = rt_call(get, 3, 0, args);
                return;
            }
            if (mt == &type_staticmethod) {
                dest[0] = ((const obj_wrapper_t *)member)->fun;
            } else if (mt == &type_classmethod) {
                dest[0] = ((const obj_wrapper_t *)member)->fun;
                dest[1] = self;
            } else {
                dest[0] = member;
            }
        }
        return;
    }
    if (!(t->flags & TYPE_FLAG_USER) || t->locals == NULL) {
        return;
    }
    if (dest[1] == OBJ_NULL) {
        map_elem_t *e = map_lookup(&t->locals->map, obj_qstr(attr), MAP_LOOKUP_REMOVE_IF_FOUND);
        if (e != NULL) {
            dest[0] = OBJ_NULL;
        }
        return;
    }
    if (obj_is_type(dest[1], &type_property)) {
        t->flags |= TYPE_FLAG_HAS_DESCRIPTORS;
    }
    map_lookup(&t->locals->map, obj_qstr(attr), MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = dest[1];
    dest[0] = OBJ_NULL;
}

static obj_t type_binary_op(int op, obj_t lhs, obj_t rhs) {
    if (op == OP_EQUAL) {
        return OBJ_BOOL(lhs == rhs);
    }
    if (op == OP_OR) {
        // int | None style unions are not supported; keep the error generic.
        return OBJ_NULL;
    }
    return OBJ_NULL;
}

const type_t type_type = {
    {&type_type}, 0, QSTR_type, type_print, type_make_new, type_call, NULL, type_binary_op,
    type_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
// object
static obj_t object_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    (void)args;
    arg_check_num(n_args, n_kw, 0, 0, false);
    obj_base_t *o = rt_new(obj_base_t);
    o->type = &type_object;
    return (obj_t)o;
}

static obj_t object_init(obj_t self) {
    (void)self;
    return OBJ_NONE;
}
static BUILTIN_FUN_1(object_init_obj, object_init);

static obj_t object_new(obj_t cls) {
    if (!obj_is_type(cls, &type_type)) {
        rt_raise_type_error("arg must be user-type");
    }
    return instance_new((const type_t *)cls);
}
static BUILTIN_FUN_1(object_new_fun_obj, object_new);
static ROM_STATICMETHOD(object_new_obj, &object_new_fun_obj);

static obj_t object_eq(obj_t a, obj_t b) {
    return a == b ? OBJ_TRUE : OBJ_NOT_IMPLEMENTED;
}
static BUILTIN_FUN_2(object_eq_obj, object_eq);

static obj_t object_ne(obj_t a, obj_t b) {
    obj_t r = rt_binary_op(OP_EQUAL, a, b);
    return OBJ_BOOL(!obj_is_true(r));
}
static BUILTIN_FUN_2(object_ne_obj, object_ne);

static obj_t object_setattr(obj_t self, obj_t name, obj_t value) {
    if (!obj_is_instance_type(obj_type(self))) {
        rt_raise_type_error("arg must be user-type");
    }
    obj_instance_t *o = OBJ_TO_PTR(self);
    map_lookup(&o->members, obj_qstr(str_get_qstr(name)), MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = value;
    return OBJ_NONE;
}
static BUILTIN_FUN_3(object_setattr_obj, object_setattr);

static obj_t object_delattr(obj_t self, obj_t name) {
    if (!obj_is_instance_type(obj_type(self))) {
        rt_raise_type_error("arg must be user-type");
    }
    obj_instance_t *o = OBJ_TO_PTR(self);
    if (map_lookup(&o->members, obj_qstr(str_get_qstr(name)), MAP_LOOKUP_REMOVE_IF_FOUND) == NULL) {
        rt_raise(&type_AttributeError, "no such attribute");
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_2(object_delattr_obj, object_delattr);

static const map_elem_t object_locals_table[] = {
    ROM_ENTRY(Q___setattr__, &object_setattr_obj),
    ROM_ENTRY(Q___delattr__, &object_delattr_obj),
    ROM_ENTRY(QSTR___init__, &object_init_obj),
    ROM_ENTRY(QSTR___new__, &object_new_obj),
    ROM_ENTRY(Q___eq__, &object_eq_obj),
    ROM_ENTRY(Q___ne__, &object_ne_obj),
};
static ROM_DICT(object_locals, object_locals_table);

static void object_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_printf(p, "<object object at %lx>", (unsigned long)o);
}

const type_t type_object = {
    {&type_type}, 0, QSTR_object, object_print, object_make_new, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &object_locals,
};

// ---------------------------------------------------------------------------
// Instances of user classes.
static size_t instance_words(const type_t *t) {
    return type_native_base(t) != NULL ? 1 : 0;
}

obj_t instance_new(const type_t *t) {
    size_t n = instance_words(t);
    obj_instance_t *o = gc_alloc(sizeof(obj_instance_t) + n * sizeof(obj_t));
    o->base.type = t;
    map_init(&o->members, 0);
    return (obj_t)o;
}

static bool is_object_method(obj_t m, obj_t rom) {
    return m == rom;
}

static obj_t instance_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    obj_t fn;
    obj_t self;
    if (lookup_in(t, QSTR___new__, &fn) && !is_object_method(fn, (obj_t)&object_new_obj)) {
        if (obj_is_type(fn, &type_staticmethod)) {
            fn = ((const obj_wrapper_t *)fn)->fun;
        }
        obj_t *args2 = gc_alloc((1 + n_args + 2 * n_kw) * sizeof(obj_t));
        args2[0] = (obj_t)t;
        memcpy(args2 + 1, args, (n_args + 2 * n_kw) * sizeof(obj_t));
        self = rt_call(fn, n_args + 1, n_kw, args2);
        if (!obj_isinstance(self, t)) {
            return self;
        }
    } else {
        self = instance_new(t);
    }
    const type_t *native = type_native_base(t);
    obj_instance_t *o = OBJ_TO_PTR(self);
    if (native != NULL && obj_is_instance_type(obj_type(self)) && o->subobj[0] == OBJ_NULL) {
        o->subobj[0] = native->make_new(native, n_args, n_kw, args);
    }
    if (lookup_in(t, QSTR___init__, &fn)) {
        obj_t *args2 = gc_alloc((1 + n_args + 2 * n_kw) * sizeof(obj_t));
        args2[0] = self;
        memcpy(args2 + 1, args, (n_args + 2 * n_kw) * sizeof(obj_t));
        obj_t r = rt_call(fn, n_args + 1, n_kw, args2);
        gc_free(args2);
        if (r != OBJ_NONE) {
            rt_raise_fmt(&type_TypeError, "__init__() should return None, not '%s'", obj_type_name(r));
        }
    }
    return self;
}

static obj_t call_special(obj_t self, obj_t fn, size_t n, const obj_t *args) {
    obj_t dest[5];
    rt_convert_member_lookup(self, obj_type(self), fn, dest);
    if (dest[1] == OBJ_NULL && !(obj_type(fn)->flags & TYPE_FLAG_BINDS_SELF)) {
        return rt_call(dest[0], n, 0, args);
    }
    obj_t all[4];
    all[0] = self;
    for (size_t i = 0; i < n; i++) {
        all[i + 1] = args[i];
    }
    if (dest[1] == OBJ_NULL) {
        return rt_call(dest[0], n, 0, args);
    }
    return rt_call(dest[0], n + 1, 0, all);
}

static obj_t native_sub(obj_t self) {
    if (!obj_is_instance_type(obj_type(self))) {
        return OBJ_NULL;
    }
    const type_t *nb = type_native_base(obj_type(self));
    if (nb == NULL) {
        return OBJ_NULL;
    }
    return ((obj_instance_t *)self)->subobj[0];
}

static void instance_print(const print_t *p, obj_t self, print_kind_t kind) {
    const type_t *t = obj_type(self);
    obj_t fn;
    bool found = false;
    if (kind == PRINT_STR || kind == PRINT_EXC) {
        found = user_method(t, QSTR___str__, &fn);
    }
    if (!found) {
        found = user_method(t, QSTR___repr__, &fn);
    }
    if (found) {
        obj_t r = call_special(self, fn, 0, NULL);
        if (!obj_is_str(r)) {
            rt_raise_type_error("__str__ returned non-string");
        }
        obj_print(p, r, PRINT_STR);
        return;
    }
    obj_t sub = native_sub(self);
    if (sub != OBJ_NULL) {
        if (obj_is_exception_instance(sub)) {
            extern void exc_print_args(const print_t *p, obj_t exc, print_kind_t kind, qstr_t name);
            exc_print_args(p, sub, kind, t->name);
            return;
        }
        obj_print(p, sub, kind);
        return;
    }
    print_printf(p, "<%s object at %lx>", rtq_str(t->name), (unsigned long)self);
}

static obj_t instance_unary_op(int op, obj_t self) {
    const type_t *t = obj_type(self);
    obj_t fn;
    qstr_t q = rt_unary_op_qstr(op);
    if (op == OP_INT_MAYBE || op == OP_FLOAT_MAYBE) {
        q = op == OP_INT_MAYBE ? QSTR___int__ : Q___float__;
    }
    if (user_method(t, q, &fn)) {
        obj_t r = call_special(self, fn, 0, NULL);
        if (op == OP_HASH && !obj_is_int(r)) {
            rt_raise_type_error("__hash__ should return an int");
        }
        if (op == OP_BOOL) {
            return OBJ_BOOL(obj_is_true(r));
        }
        return r;
    }
    obj_t sub = native_sub(self);
    if (sub != OBJ_NULL) {
        if (op == OP_HASH) {
            return OBJ_NULL;
        }
        return rt_unary_op(op, sub);
    }
    if (op == OP_BOOL) {
        if (user_method(t, QSTR___len__, &fn)) {
            return OBJ_BOOL(obj_is_true(call_special(self, fn, 0, NULL)));
        }
    }
    return OBJ_NULL;
}

static obj_t instance_binary_op(int op, obj_t lhs, obj_t rhs) {
    const type_t *t = obj_type(lhs);
    obj_t fn;
    qstr_t q = rt_binary_op_qstr(op);
    if (q != QSTR_NULL && user_method(t, q, &fn)) {
        obj_t r = call_special(lhs, fn, 1, &rhs);
        if (op == OP_CONTAINS) {
            return OBJ_BOOL(obj_is_true(r));
        }
        return r;
    }
    if (op == OP_NOT_EQUAL && user_method(t, Q___eq__, &fn)) {
        obj_t r = call_special(lhs, fn, 1, &rhs);
        if (r == OBJ_NOT_IMPLEMENTED) {
            return r;
        }
        return OBJ_BOOL(!obj_is_true(r));
    }
    obj_t sub = native_sub(lhs);
    if (sub != OBJ_NULL) {
        obj_t r = obj_type(sub)->binary_op ? obj_type(sub)->binary_op(op, sub, rhs) : OBJ_NULL;
        return r;
    }
    return OBJ_NULL;
}

// x + obj falls back to obj.__radd__(x).
obj_t instance_reflected_op(int op, obj_t self, obj_t other);
obj_t instance_reflected_op(int op, obj_t self, obj_t other) {
    static const qstr_t names[] = {
        Q___ror__, Q___rxor__, Q___rand__, Q___rlshift__, Q___rrshift__, Q___radd__,
        Q___rsub__, Q___rmul__, Q___rmatmul__, Q___rfloordiv__, Q___rtruediv__, Q___rmod__,
        Q___rpow__,
    };
    obj_t fn;
    if (user_method(obj_type(self), names[op - OP_OR], &fn)) {
        return call_special(self, fn, 1, &other);
    }
    return OBJ_NULL;
}

static void instance_load(obj_t self, const type_t *t, qstr_t attr, obj_t *dest) {
    obj_instance_t *o = OBJ_TO_PTR(self);
    map_elem_t *e = map_lookup_qstr(&o->members, attr);
    if (e != NULL) {
        dest[0] = e->value;
        return;
    }
    obj_t member;
    if (lookup_in(t, attr, &member)) {
        const type_t *mt = obj_type(member);
        if (obj_is_instance_type(mt)) {
            obj_t get;
            if (user_method(mt, Q___get__, &get)) {
                obj_t args[2] = {self, (obj_t)t};
                dest[0] = call_special(member, get, 2, args);
                return;
            }
        }
        rt_convert_member_lookup(self, t, member, dest);
        return;
    }
    obj_t sub = native_sub(self);
    if (sub != OBJ_NULL) {
        rt_load_method_maybe(sub, attr, dest);
        if (dest[0] != OBJ_NULL) {
            return;
        }
    }
    if (attr == Q___dict__) {
        obj_dict_t *d = rt_new(obj_dict_t);
        d->base.type = &type_dict;
        d->map = o->members;
        dest[0] = (obj_t)d;
        return;
    }
    if (type_lookup(t, attr, &member)) {
        rt_convert_member_lookup(self, t, member, dest);
        return;
    }
    if (attr != QSTR___getattr__ && lookup_in(t, QSTR___getattr__, &member)) {
        obj_t a = obj_qstr(attr);
        dest[0] = call_special(self, member, 1, &a);
    }
}

static void instance_attr(obj_t self, qstr_t attr, obj_t *dest) {
    const type_t *t = obj_type(self);
    if (dest[0] == OBJ_NULL) {
        instance_load(self, t, attr, dest);
        return;
    }
    obj_instance_t *o = OBJ_TO_PTR(self);
    obj_t member;
    if (lookup_in(t, attr, &member)) {
        const type_t *mt = obj_type(member);
        if (mt == &type_property) {
            const obj_property_t *prop = OBJ_TO_PTR(member);
            obj_t fn = dest[1] == OBJ_NULL ? prop->fdel : prop->fset;
            if (fn == OBJ_NULL || fn == OBJ_NONE) {
                rt_raise(&type_AttributeError, "can't set attribute");
            }
            if (dest[1] == OBJ_NULL) {
                rt_call1(fn, self);
            } else {
                rt_call2(fn, self, dest[1]);
            }
            dest[0] = OBJ_NULL;
            return;
        }
        if (obj_is_instance_type(mt)) {
            obj_t set;
            if (user_method(mt, dest[1] == OBJ_NULL ? Q___delete__ : Q___set__, &set)) {
                obj_t args[2] = {self, dest[1]};
                call_special(member, set, dest[1] == OBJ_NULL ? 1 : 2, args);
                dest[0] = OBJ_NULL;
                return;
            }
        }
    }
    if (dest[1] == OBJ_NULL) {
        if (lookup_in(t, Q___delattr__, &member)) {
            obj_t a = obj_qstr(attr);
            call_special(self, member, 1, &a);
            dest[0] = OBJ_NULL;
            return;
        }
        if (map_lookup(&o->members, obj_qstr(attr), MAP_LOOKUP_REMOVE_IF_FOUND) != NULL) {
            dest[0] = OBJ_NULL;
        }
        return;
    }
    if (lookup_in(t, Q___setattr__, &member)) {
        obj_t args[2] = {obj_qstr(attr), dest[1]};
        call_special(self, member, 2, args);
        dest[0] = OBJ_NULL;
        return;
    }
    map_lookup(&o->members, obj_qstr(attr), MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = dest[1];
    dest[0] = OBJ_NULL;
}

static obj_t instance_subscr(obj_t self, obj_t index, obj_t value) {
    const type_t *t = obj_type(self);
    obj_t fn;
    if (value == OBJ_SENTINEL) {
        if (user_method(t, QSTR___getitem__, &fn)) {
            return call_special(self, fn, 1, &index);
        }
    } else if (value == OBJ_NULL) {
        if (user_method(t, QSTR___delitem__, &fn)) {
            call_special(self, fn, 1, &index);
            return OBJ_NONE;
        }
    } else if (user_method(t, QSTR___setitem__, &fn)) {
        obj_t args[2] = {index, value};
        call_special(self, fn, 2, args);
        return OBJ_NONE;
    }
    obj_t sub = native_sub(self);
    if (sub != OBJ_NULL) {
        return rt_subscr(sub, index, value);
    }
    return OBJ_NULL;
}

// Iterating an object that only has __getitem__: index 0, 1, ... until
// IndexError or StopIteration.
typedef struct getitem_iter {
    obj_base_t base;
    obj_t obj;
    obj_t index;
} getitem_iter_t;

static obj_t getitem_iternext(obj_t self_in) {
    getitem_iter_t *it = OBJ_TO_PTR(self_in);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        obj_t v = rt_subscr(it->obj, it->index, OBJ_SENTINEL);
        nlr_pop();
        it->index = small_int(small_int_value(it->index) + 1);
        return v;
    }
    if (obj_isinstance(nlr.ret_val, &type_IndexError)
        || obj_isinstance(nlr.ret_val, &type_StopIteration)) {
        return OBJ_STOP_ITERATION;
    }
    nlr_jump(nlr.ret_val);
}

static const type_t type_getitem_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, getitem_iternext, NULL, NULL, NULL, NULL,
};

static obj_t instance_getiter(obj_t self, iter_buf_t *buf) {
    const type_t *t = obj_type(self);
    obj_t fn;
    if (user_method(t, QSTR___iter__, &fn)) {
        return call_special(self, fn, 0, NULL);
    }
    if (user_method(t, QSTR___getitem__, &fn)) {
        getitem_iter_t *it = rt_new(getitem_iter_t);
        it->base.type = &type_getitem_iter;
        it->obj = self;
        it->index = small_int(0);
        return (obj_t)it;
    }
    obj_t sub = native_sub(self);
    if (sub != OBJ_NULL) {
        return rt_getiter(sub, buf);
    }
    return OBJ_NULL;
}

static obj_t instance_iternext(obj_t self) {
    obj_t fn;
    if (user_method(obj_type(self), QSTR___next__, &fn)) {
        return call_special(self, fn, 0, NULL);
    }
    obj_t sub = native_sub(self);
    if (sub != OBJ_NULL && obj_type(sub)->iternext != NULL) {
        return obj_type(sub)->iternext(sub);
    }
    rt_raise_fmt(&type_TypeError, "'%s' object isn't an iterator", obj_type_name(self));
}

static obj_t instance_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    obj_t fn;
    if (!user_method(obj_type(self), QSTR___call__, &fn)) {
        rt_raise_fmt(&type_TypeError, "'%s' object isn't callable", obj_type_name(self));
    }
    obj_t dest[2];
    rt_convert_member_lookup(self, obj_type(self), fn, dest);
    if (dest[1] == OBJ_NULL) {
        return rt_call(dest[0], n_args, n_kw, args);
    }
    obj_t *args2 = gc_alloc((1 + n_args + 2 * n_kw) * sizeof(obj_t));
    args2[0] = self;
    if (n_args + n_kw != 0) {   // native code passes NULL args for none
        memcpy(args2 + 1, args, (n_args + 2 * n_kw) * sizeof(obj_t));
    }
    obj_t r = rt_call(dest[0], n_args + 1, n_kw, args2);
    gc_free(args2);
    return r;
}

static bool instance_buffer(obj_t self, buffer_info_t *info, int flags) {
    obj_t sub = native_sub(self);
    return sub != OBJ_NULL && obj_get_buffer(sub, info, flags);
}

// Counts the builtin types reached through the bases, as the reference VM
// does: more than one means the instance layouts conflict.
static size_t count_native_bases(const type_t *t) {
    if (t == &type_object) {
        return 0;
    }
    if (!(t->flags & TYPE_FLAG_USER)) {
        return 1;
    }
    if (t->flags & TYPE_FLAG_MULTI_BASE) {
        const obj_tuple_t *bases = t->parent;
        size_t n = 0;
        for (size_t i = 0; i < bases->len; i++) {
            n += count_native_bases((const type_t *)bases->items[i]);
        }
        return n;
    }
    return t->parent ? count_native_bases(t->parent) : 0;
}

static bool is_valid_base(obj_t b) {
    if (!obj_is_type(b, &type_type)) {
        return false;
    }
    const type_t *t = OBJ_TO_PTR(b);
    return t->make_new != NULL || t == &type_object || (t->flags & TYPE_FLAG_USER);
}

obj_t type_new(qstr_t name, obj_t bases, obj_t locals) {
    if (!obj_is_type(bases, &type_tuple)) {
        rt_raise_type_error("type() argument 2 must be tuple");
    }
    if (!obj_is_type(locals, &type_dict)) {
        rt_raise_type_error("type() argument 3 must be dict");
    }
    obj_tuple_t *b = OBJ_TO_PTR(bases);
    uint16_t flags = TYPE_FLAG_USER;
    const type_t *native = NULL;
    size_t n_native = 0;
    for (size_t i = 0; i < b->len; i++) {
        if (!is_valid_base(b->items[i])) {
            rt_raise_fmt(&type_TypeError, "type '%s' isn't an acceptable base type",
                         obj_is_type(b->items[i], &type_type)
                             ? rtq_str(((const type_t *)b->items[i])->name)
                             : obj_type_name(b->items[i]));
        }
        const type_t *bt = OBJ_TO_PTR(b->items[i]);
        const type_t *nb = type_native_base(bt);
        n_native += count_native_bases(bt);
        if (n_native > 1) {
            rt_raise_type_error("multiple bases have instance lay-out conflict");
        }
        if (nb != NULL) {
            native = nb;
        }
        flags |= bt->flags & (TYPE_FLAG_HAS_DESCRIPTORS | TYPE_FLAG_EXC);
    }
    type_t *t = rt_new(type_t);
    t->base.type = &type_type;
    t->name = name;
    t->print = instance_print;
    t->make_new = instance_make_new;
    t->call = instance_call;
    t->unary_op = instance_unary_op;
    t->binary_op = instance_binary_op;
    t->attr = instance_attr;
    t->subscr = instance_subscr;
    t->getiter = instance_getiter;
    t->iternext = instance_iternext;
    t->buffer = instance_buffer;
    if (b->len == 0) {
        t->parent = &type_object;
    } else if (b->len == 1) {
        t->parent = OBJ_TO_PTR(b->items[0]);
    } else {
        t->parent = b;
        flags |= TYPE_FLAG_MULTI_BASE;
    }
    t->locals = OBJ_TO_PTR(locals);
    map_t *m = dict_map(locals);
    for (size_t i = 0; i < m->alloc; i++) {
        if (map_slot_filled(m, i)) {
            obj_t v = m->table[i].value;
            obj_t k = m->table[i].key;
            if (obj_is_type(v, &type_property) || k == obj_qstr(Q___setattr__)
                || k == obj_qstr(Q___delattr__) || k == obj_qstr(Q___getattribute__)) {
                flags |= TYPE_FLAG_HAS_DESCRIPTORS;
            }
            // __new__ is implicitly a static method.
            if (m->table[i].key == obj_qstr(QSTR___new__) && obj_is_type(v, &type_fun_bc)) {
                obj_wrapper_t *w = rt_new(obj_wrapper_t);
                w->base.type = &type_staticmethod;
                w->fun = v;
                m->table[i].value = (obj_t)w;
            }
        }
    }
    if (native != NULL && type_is_subclass(native, &type_BaseException)) {
        flags |= TYPE_FLAG_EXC;
    }
    t->flags = flags;
    for (size_t i = 0; i < m->alloc; i++) {
        if (map_slot_filled(m, i)) {
            obj_t v = m->table[i].value;
            obj_t set_name;
            if (obj_is_instance_type(obj_type(v)) && lookup_in(obj_type(v), Q___set_name__, &set_name)) {
                obj_t args[3] = {v, (obj_t)t, m->table[i].key};
                rt_call(set_name, 3, 0, args);
            }
        }
    }
    return (obj_t)t;
}

// ---------------------------------------------------------------------------
// super
typedef struct obj_super {
    obj_base_t base;
    obj_t type;
    obj_t obj;
} obj_super_t;

static obj_t native_init(size_t n, const obj_t *args, map_t *kw);
static BUILTIN_FUN_KW(native_init_obj, 1, native_init);

// super().__init__(...) in a class deriving a builtin type builds the
// builtin part from the arguments.
static obj_t native_init(size_t n, const obj_t *args, map_t *kw) {
    obj_t self = args[0];
    const type_t *native = type_native_base(obj_type(self));
    if (native != NULL && obj_is_instance_type(obj_type(self))) {
        size_t n_kw = kw ? kw->used : 0;
        obj_t *a = gc_alloc((n + 2 * n_kw) * sizeof(obj_t));
        memcpy(a, args + 1, (n - 1) * sizeof(obj_t));
        for (size_t i = 0; i < n_kw; i++) {
            a[n - 1 + 2 * i] = kw->table[i].key;
            a[n + 2 * i] = kw->table[i].value;
        }
        ((obj_instance_t *)self)->subobj[0] = native->make_new(native, n - 1, n_kw, a);
    }
    return OBJ_NONE;
}

static bool super_lookup_base(const type_t *base, obj_t self, qstr_t attr, obj_t *dest) {
    obj_t member;
    if (lookup_chain(base, attr, &member, true)) {
        rt_convert_member_lookup(self, obj_type(self), member, dest);
        if (obj_type(member) == &type_classmethod) {
            dest[1] = obj_is_type(self, &type_type) ? self : (obj_t)obj_type(self);
        }
        return true;
    }
    const type_t *native = (base->flags & TYPE_FLAG_USER) ? type_native_base(base) : base;
    if (native == NULL || native == &type_object) {
        return false;
    }
    if (attr == QSTR___init__) {
        dest[0] = (obj_t)&native_init_obj;
        dest[1] = self;
        return true;
    }
    if (lookup_chain(native, attr, &member, false)) {
        obj_t sub = native_sub(self);
        rt_convert_member_lookup(sub != OBJ_NULL ? sub : self, obj_type(self), member, dest);
        return true;
    }
    return false;
}

void super_load_method(obj_t type_in, obj_t self, qstr_t attr, obj_t *dest);
void super_load_method(obj_t type_in, obj_t self, qstr_t attr, obj_t *dest) {
    if (!obj_is_type(type_in, &type_type)) {
        rt_raise_type_error("super() argument 1 must be type");
    }
    const type_t *t = OBJ_TO_PTR(type_in);
    dest[0] = OBJ_NULL;
    dest[1] = OBJ_NULL;
    if (t->flags & TYPE_FLAG_MULTI_BASE) {
        const obj_tuple_t *bases = t->parent;
        for (size_t i = 0; i < bases->len; i++) {
            if (super_lookup_base((const type_t *)bases->items[i], self, attr, dest)) {
                return;
            }
        }
    } else if (t->parent != NULL) {
        if (super_lookup_base(t->parent, self, attr, dest)) {
            return;
        }
    }
    obj_t member;
    if (object_lookup(attr, &member)) {
        rt_convert_member_lookup(self, obj_type(self), member, dest);
        return;
    }
    rt_raise_fmt(&type_AttributeError, "'super' object has no attribute '%s'", rtq_str(attr));
}

static obj_t super_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 2, 2, false);
    obj_super_t *s = rt_new(obj_super_t);
    s->base.type = &type_super;
    s->type = args[0];
    s->obj = args[1];
    return (obj_t)s;
}

static void super_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    obj_super_t *s = OBJ_TO_PTR(self);
    super_load_method(s->type, s->obj, attr, dest);
}

static void super_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    obj_super_t *s = OBJ_TO_PTR(o);
    print_str(p, "<super: ");
    obj_print(p, s->type, PRINT_STR);
    print_str(p, ", ");
    obj_print(p, s->obj, PRINT_STR);
    print_str(p, ">");
}

const type_t type_super = {
    {&type_type}, 0, QSTR_super, super_print, super_make_new, NULL, NULL, NULL,
    super_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
// property, staticmethod, classmethod
static obj_t property_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    static const arg_spec_t spec[] = {
        {Q_fget, 0, OBJ_NONE}, {Q_fset, 0, OBJ_NONE}, {Q_fdel, 0, OBJ_NONE}, {Q___doc__, 0, OBJ_NONE},
    };
    obj_t vals[4];
    map_t kw;
    map_init_fixed(&kw, n_kw, args + n_args);
    arg_parse(n_args, args, &kw, 4, spec, vals);
    obj_property_t *p = rt_new(obj_property_t);
    p->base.type = &type_property;
    p->fget = vals[0];
    p->fset = vals[1];
    p->fdel = vals[2];
    return (obj_t)p;
}

static obj_t property_copy(obj_t self, int which, obj_t fn) {
    obj_property_t *p = rt_new(obj_property_t);
    *p = *(obj_property_t *)OBJ_TO_PTR(self);
    if (which == 0) {
        p->fget = fn;
    } else if (which == 1) {
        p->fset = fn;
    } else {
        p->fdel = fn;
    }
    return (obj_t)p;
}

static obj_t property_getter(obj_t self, obj_t fn) {
    return property_copy(self, 0, fn);
}
static obj_t property_setter(obj_t self, obj_t fn) {
    return property_copy(self, 1, fn);
}
static obj_t property_deleter(obj_t self, obj_t fn) {
    return property_copy(self, 2, fn);
}
static BUILTIN_FUN_2(property_getter_obj, property_getter);
static BUILTIN_FUN_2(property_setter_obj, property_setter);
static BUILTIN_FUN_2(property_deleter_obj, property_deleter);

static const map_elem_t property_locals_table[] = {
    ROM_ENTRY(Q_getter, &property_getter_obj),
    ROM_ENTRY(Q_setter, &property_setter_obj),
    ROM_ENTRY(Q_deleter, &property_deleter_obj),
};
static ROM_DICT(property_locals, property_locals_table);

const type_t type_property = {
    {&type_type}, 0, Q_property, NULL, property_make_new, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &property_locals,
};

static obj_t wrapper_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    arg_check_num(n_args, n_kw, 1, 1, false);
    obj_wrapper_t *w = rt_new(obj_wrapper_t);
    w->base.type = t;
    w->fun = args[0];
    return (obj_t)w;
}

const type_t type_staticmethod = {
    {&type_type}, 0, QSTR_staticmethod, NULL, wrapper_make_new, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

const type_t type_classmethod = {
    {&type_type}, 0, QSTR_classmethod, NULL, wrapper_make_new, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
// None, bool, Ellipsis, NotImplemented
static void none_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)o;
    (void)kind;
    print_str(p, "None");
}

const type_t type_none = {
    {&type_type}, TYPE_FLAG_EQ_BY_ID, QSTR_NoneType, none_print, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static void bool_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_str(p, o == OBJ_TRUE ? "True" : "False");
}

static obj_t bool_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 1, false);
    return n_args == 0 ? OBJ_FALSE : OBJ_BOOL(obj_is_true(args[0]));
}

static obj_t bool_unary_op(int op, obj_t o) {
    if (op == OP_LEN) {
        return OBJ_NULL;
    }
    if (op == OP_BOOL) {
        return o;
    }
    return rt_unary_op(op, small_int(o == OBJ_TRUE));
}

static obj_t bool_binary_op(int op, obj_t lhs, obj_t rhs) {
    return rt_binary_op(op, small_int(lhs == OBJ_TRUE), rhs);
}

const type_t type_bool = {
    {&type_type}, 0, QSTR_bool, bool_print, bool_make_new, NULL, bool_unary_op, bool_binary_op,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static void singleton_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_str(p, o == OBJ_ELLIPSIS ? "Ellipsis" : "NotImplemented");
}

const type_t type_ellipsis = {
    {&type_type}, 0, QSTR_Ellipsis, singleton_print, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

const type_t type_not_implemented = {
    {&type_type}, 0, Q_NotImplemented, singleton_print, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

const obj_base_t rt_ellipsis_obj = {&type_ellipsis};
const obj_base_t rt_not_implemented_obj = {&type_not_implemented};
