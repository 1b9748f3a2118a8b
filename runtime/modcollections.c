// runtime/modcollections.c: the collections module: namedtuple (a factory
// of tuple types with named fields), deque (a ring buffer with an optional
// maximum length), OrderedDict (objdict.c) and defaultdict.
#include <string.h>

#include "obj.h"

#if RT_MOD_COLLECTIONS

// ---------------------------------------------------------------------------
// namedtuple
typedef struct namedtuple_type {
    type_t type;
    size_t n_fields;
    qstr_t fields[];
} namedtuple_type_t;

static const namedtuple_type_t *nt_type(obj_t o) {
    return (const namedtuple_type_t *)obj_type(o);
}

static void namedtuple_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const namedtuple_type_t *t = nt_type(o);
    const obj_tuple_t *tp = OBJ_TO_PTR(o);
    print_str(p, rtq_str(t->type.name));
    print_str(p, "(");
    for (size_t i = 0; i < tp->len; i++) {
        if (i) {
            print_str(p, ", ");
        }
        print_printf(p, "%s=", rtq_str(t->fields[i]));
        obj_print(p, tp->items[i], PRINT_REPR);
    }
    print_str(p, ")");
}

static obj_t namedtuple_make_new(const type_t *type, size_t n_args, size_t n_kw, const obj_t *args) {
    const namedtuple_type_t *t = (const namedtuple_type_t *)type;
    size_t n = t->n_fields;
    if (n_args + n_kw != n) {
        rt_raise_fmt(&type_TypeError, "function takes %u positional arguments but %u were given",
                     (unsigned)n, (unsigned)(n_args + n_kw));
    }
    obj_t r = tuple_new(n, NULL);
    obj_tuple_t *tp = OBJ_TO_PTR(r);
    tp->base.type = type;
    memcpy(tp->items, args, n_args * sizeof(obj_t));
    for (size_t i = 0; i < n_kw; i++) {
        qstr_t q = str_get_qstr(args[n_args + 2 * i]);
        size_t j;
        for (j = 0; j < n && t->fields[j] != q; j++) {
        }
        if (j == n) {
            rt_raise_fmt(&type_TypeError, "unexpected keyword argument '%s'", rtq_str(q));
        }
        if (tp->items[j] != OBJ_NULL) {
            rt_raise_fmt(&type_TypeError, "function got multiple values for argument '%s'", rtq_str(q));
        }
        tp->items[j] = args[n_args + 2 * i + 1];
    }
    return r;
}

static obj_t namedtuple_asdict(obj_t self) {
    const namedtuple_type_t *t = nt_type(self);
    const obj_tuple_t *tp = OBJ_TO_PTR(self);
    obj_t d = dict_new(0);
    ((obj_dict_t *)d)->base.type = &type_ordereddict;
    ((obj_dict_t *)d)->map.is_ordered = 1;
    for (size_t i = 0; i < tp->len; i++) {
        dict_store(d, obj_qstr(t->fields[i]), tp->items[i]);
    }
    return d;
}
static BUILTIN_FUN_1(namedtuple_asdict_obj, namedtuple_asdict);

static obj_t namedtuple_replace(size_t n, const obj_t *args, map_t *kw) {
    (void)n;
    obj_t self = args[0];
    const namedtuple_type_t *t = nt_type(self);
    const obj_tuple_t *src = OBJ_TO_PTR(self);
    obj_t r = tuple_new(src->len, src->items);
    obj_tuple_t *tp = OBJ_TO_PTR(r);
    tp->base.type = &t->type;
    for (size_t i = 0; i < kw->used; i++) {
        qstr_t q = str_get_qstr(kw->table[i].key);
        size_t j;
        for (j = 0; j < t->n_fields && t->fields[j] != q; j++) {
        }
        if (j == t->n_fields) {
            rt_raise_fmt(&type_TypeError, "unexpected keyword argument '%s'", rtq_str(q));
        }
        tp->items[j] = kw->table[i].value;
    }
    return r;
}
static BUILTIN_FUN_KW(namedtuple_replace_obj, 1, namedtuple_replace);

static void namedtuple_attr(obj_t self, qstr_t attr, obj_t *dest) {
    const namedtuple_type_t *t = nt_type(self);
    if (dest[0] != OBJ_NULL) {
        rt_raise(&type_AttributeError, "can't set attribute");
    }
    const obj_tuple_t *tp = OBJ_TO_PTR(self);
    for (size_t i = 0; i < t->n_fields; i++) {
        if (t->fields[i] == attr) {
            dest[0] = tp->items[i];
            return;
        }
    }
    if (attr == Q__asdict) {
        dest[0] = (obj_t)&namedtuple_asdict_obj;
        dest[1] = self;
    } else if (attr == Q__replace) {
        dest[0] = (obj_t)&namedtuple_replace_obj;
        dest[1] = self;
    }
}

static obj_t namedtuple_new_type(obj_t name, obj_t fields_in) {
    obj_t fields = fields_in;
    if (obj_is_str(fields)) {
        size_t len;
        const char *s = str_get_data(fields, &len);
        vstr_t v;
        vstr_init(&v, len + 1);
        for (size_t i = 0; i < len; i++) {
            vstr_add_byte(&v, s[i] == ',' ? ' ' : (uint8_t)s[i]);
        }
        obj_t spaced = str_from_vstr(&type_str, &v);
        obj_t dest[2];
        rt_load_method(spaced, QSTR_split, dest);
        fields = rt_call_method(0, 0, dest);
    } else {
        fields = list_from_iter(fields);
    }
    size_t n;
    obj_t *items;
    obj_get_array(fields, &n, &items);
    namedtuple_type_t *t = gc_alloc(sizeof(namedtuple_type_t) + n * sizeof(qstr_t));
    t->type.base.type = &type_type;
    t->type.name = str_get_qstr(name);
    t->type.print = namedtuple_print;
    t->type.make_new = namedtuple_make_new;
    t->type.unary_op = type_tuple.unary_op;
    t->type.binary_op = type_tuple.binary_op;
    t->type.attr = namedtuple_attr;
    t->type.subscr = type_tuple.subscr;
    t->type.getiter = type_tuple.getiter;
    t->type.parent = &type_tuple;
    t->type.locals = type_tuple.locals;
    t->n_fields = n;
    for (size_t i = 0; i < n; i++) {
        t->fields[i] = str_get_qstr(items[i]);
    }
    return (obj_t)t;
}

static obj_t collections_namedtuple(size_t n, const obj_t *args, map_t *kw) {
    (void)n;
    (void)kw;
    return namedtuple_new_type(args[0], args[1]);
}
static BUILTIN_FUN_KW(collections_namedtuple_obj, 2, collections_namedtuple);

// ---------------------------------------------------------------------------
// deque
typedef struct obj_deque {
    obj_base_t base;
    size_t alloc;     // ring size (maxlen + 1 when bounded)
    size_t head;      // index of the first item
    size_t len;
    size_t maxlen;    // 0 = unbounded
    obj_t *items;
} obj_deque_t;

static void deque_grow(obj_deque_t *d) {
    size_t na = d->alloc * 2 + 4;
    obj_t *items = gc_alloc(na * sizeof(obj_t));
    for (size_t i = 0; i < d->len; i++) {
        items[i] = d->items[(d->head + i) % d->alloc];
    }
    d->items = items;
    d->alloc = na;
    d->head = 0;
}

static obj_t deque_popleft(obj_t self);
static obj_t deque_pop(obj_t self);

static obj_t deque_append(obj_t self, obj_t x) {
    obj_deque_t *d = OBJ_TO_PTR(self);
    if (d->maxlen && d->len == d->maxlen) {
        deque_popleft(self);
    }
    if (d->len == d->alloc) {
        deque_grow(d);
    }
    d->items[(d->head + d->len) % d->alloc] = x;
    d->len++;
    return OBJ_NONE;
}
static BUILTIN_FUN_2(deque_append_obj, deque_append);

static obj_t deque_appendleft(obj_t self, obj_t x) {
    obj_deque_t *d = OBJ_TO_PTR(self);
    if (d->maxlen && d->len == d->maxlen) {
        deque_pop(self);
    }
    if (d->len == d->alloc) {
        deque_grow(d);
    }
    d->head = (d->head + d->alloc - 1) % d->alloc;
    d->items[d->head] = x;
    d->len++;
    return OBJ_NONE;
}
static BUILTIN_FUN_2(deque_appendleft_obj, deque_appendleft);

static obj_t deque_popleft(obj_t self) {
    obj_deque_t *d = OBJ_TO_PTR(self);
    if (d->len == 0) {
        rt_raise(&type_IndexError, "empty");
    }
    obj_t x = d->items[d->head];
    d->items[d->head] = OBJ_NULL;
    d->head = (d->head + 1) % d->alloc;
    d->len--;
    return x;
}
static BUILTIN_FUN_1(deque_popleft_obj, deque_popleft);

static obj_t deque_pop(obj_t self) {
    obj_deque_t *d = OBJ_TO_PTR(self);
    if (d->len == 0) {
        rt_raise(&type_IndexError, "empty");
    }
    size_t i = (d->head + d->len - 1) % d->alloc;
    obj_t x = d->items[i];
    d->items[i] = OBJ_NULL;
    d->len--;
    return x;
}
static BUILTIN_FUN_1(deque_pop_obj, deque_pop);

static obj_t deque_extend(obj_t self, obj_t iterable) {
    iter_buf_t buf;
    obj_t it = rt_getiter(iterable, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        deque_append(self, x);
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_2(deque_extend_obj, deque_extend);

static obj_t deque_extendleft(obj_t self, obj_t iterable) {
    iter_buf_t buf;
    obj_t it = rt_getiter(iterable, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        deque_appendleft(self, x);
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_2(deque_extendleft_obj, deque_extendleft);

static obj_t deque_clear(obj_t self) {
    obj_deque_t *d = OBJ_TO_PTR(self);
    memset(d->items, 0, d->alloc * sizeof(obj_t));
    d->len = 0;
    d->head = 0;
    return OBJ_NONE;
}
static BUILTIN_FUN_1(deque_clear_obj, deque_clear);

static obj_t deque_rotate(size_t n, const obj_t *args) {
    obj_deque_t *d = OBJ_TO_PTR(args[0]);
    rt_int_t k = n > 1 ? obj_get_int(args[1]) : 1;
    if (d->len == 0) {
        return OBJ_NONE;
    }
    k %= (rt_int_t)d->len;
    for (; k > 0; k--) {
        deque_appendleft(args[0], deque_pop(args[0]));
    }
    for (; k < 0; k++) {
        deque_append(args[0], deque_popleft(args[0]));
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_VAR(deque_rotate_obj, 1, 2, deque_rotate);

static obj_t deque_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    static const arg_spec_t spec[] = {
        {QSTR_iter, 0, OBJ_EMPTY_TUPLE},
        {Q_maxlen, 0, OBJ_NONE},
        {Q_flags, 0, OBJ_SMALL_INT(0)},
    };
    obj_t v[3];
    map_t kw;
    map_init_fixed(&kw, n_kw, args + n_args);
    arg_parse(n_args, args, &kw, 3, spec, v);
    obj_deque_t *d = rt_new(obj_deque_t);
    d->base.type = &type_deque;
    d->maxlen = v[1] == OBJ_NONE ? 0 : (size_t)obj_get_int(v[1]);
    d->alloc = d->maxlen ? d->maxlen : 8;
    d->items = gc_alloc(d->alloc * sizeof(obj_t));
    deque_extend((obj_t)d, v[0]);
    return (obj_t)d;
}

static obj_t deque_unary_op(int op, obj_t o) {
    obj_deque_t *d = OBJ_TO_PTR(o);
    if (op == OP_LEN) {
        return small_int((rt_int_t)d->len);
    }
    if (op == OP_BOOL) {
        return OBJ_BOOL(d->len != 0);
    }
    return OBJ_NULL;
}

static obj_t deque_subscr(obj_t self, obj_t index, obj_t value) {
    obj_deque_t *d = OBJ_TO_PTR(self);
    if (value == OBJ_NULL) {
        return OBJ_NULL;
    }
    size_t i = obj_get_index(&type_deque, d->len, index, false);
    size_t k = (d->head + i) % d->alloc;
    if (value == OBJ_SENTINEL) {
        return d->items[k];
    }
    d->items[k] = value;
    return OBJ_NONE;
}

typedef struct deque_iter {
    obj_base_t base;
    obj_t deque;
    size_t pos;
    obj_t unused;
} deque_iter_t;

static obj_t deque_iternext(obj_t self) {
    deque_iter_t *it = OBJ_TO_PTR(self);
    obj_deque_t *d = OBJ_TO_PTR(it->deque);
    if (it->pos >= d->len) {
        return OBJ_STOP_ITERATION;
    }
    return d->items[(d->head + it->pos++) % d->alloc];
}

static const type_t type_deque_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, deque_iternext, NULL, NULL, NULL, NULL,
};

static obj_t deque_getiter(obj_t self, iter_buf_t *buf) {
    deque_iter_t *it = buf ? (deque_iter_t *)buf : rt_new(deque_iter_t);
    it->base.type = &type_deque_iter;
    it->deque = self;
    it->pos = 0;
    return (obj_t)it;
}

static void deque_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    obj_deque_t *d = OBJ_TO_PTR(o);
    print_str(p, "deque([");
    for (size_t i = 0; i < d->len; i++) {
        if (i) {
            print_str(p, ", ");
        }
        obj_print(p, d->items[(d->head + i) % d->alloc], PRINT_REPR);
    }
    print_str(p, "])");
}

static const map_elem_t deque_locals_table[] = {
    ROM_ENTRY(QSTR_append, &deque_append_obj),
    ROM_ENTRY(QSTR_clear, &deque_clear_obj),
    ROM_ENTRY(QSTR_extend, &deque_extend_obj),
    ROM_ENTRY(QSTR_pop, &deque_pop_obj),
    ROM_ENTRY(Q_appendleft, &deque_appendleft_obj),
    ROM_ENTRY(Q_extendleft, &deque_extendleft_obj),
    ROM_ENTRY(Q_popleft, &deque_popleft_obj),
    ROM_ENTRY(Q_rotate, &deque_rotate_obj),
};
static ROM_DICT(deque_locals, deque_locals_table);

const type_t type_deque = {
    {&type_type}, 0, Q_deque, deque_print, deque_make_new, NULL, deque_unary_op, NULL,
    NULL, deque_subscr, deque_getiter, NULL, NULL, NULL, NULL, &deque_locals,
};

// ---------------------------------------------------------------------------
// defaultdict: a dict that calls its factory for missing keys.
typedef struct obj_defaultdict {
    obj_dict_t dict;
    obj_t factory;
} obj_defaultdict_t;

static type_t type_defaultdict;

obj_t defaultdict_missing(obj_t self, obj_t key);
obj_t defaultdict_missing(obj_t self, obj_t key) {
    obj_t d = instance_native(self, &type_dict);
    if (!obj_is_type(d, &type_defaultdict)) {
        return OBJ_NULL;
    }
    obj_defaultdict_t *dd = OBJ_TO_PTR(d);
    if (dd->factory == OBJ_NONE) {
        return OBJ_NULL;
    }
    obj_t v = rt_call0(dd->factory);
    dict_store(d, key, v);
    return v;
}

static obj_t defaultdict_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    obj_defaultdict_t *dd = rt_new(obj_defaultdict_t);
    dd->dict.base.type = &type_defaultdict;
    map_init(&dd->dict.map, 0);
    dd->factory = n_args > 0 ? args[0] : OBJ_NONE;
    if (n_args > 1 || n_kw > 0) {
        obj_t tmp = type_dict.make_new(&type_dict, n_args > 1 ? 1 : 0, n_kw, args + 1);
        dd->dict.map = dict_map(tmp)[0];
    }
    return (obj_t)dd;
}

static void defaultdict_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] == OBJ_NULL && attr == Q_default_factory) {
        dest[0] = ((obj_defaultdict_t *)OBJ_TO_PTR(self))->factory;
    }
}

static type_t type_defaultdict = {
    {&type_type}, 0, Q_defaultdict, NULL, defaultdict_make_new, NULL, NULL, NULL,
    defaultdict_attr, NULL, NULL, NULL, NULL, NULL, &type_dict, NULL,
};

void modcollections_init(void);
void modcollections_init(void) {
    // Borrow dict's slots (they are not constant expressions in C).
    type_t *t = &type_defaultdict;
    t->print = type_dict.print;
    t->unary_op = type_dict.unary_op;
    t->binary_op = type_dict.binary_op;
    t->subscr = type_dict.subscr;
    t->getiter = type_dict.getiter;
    t->locals = type_dict.locals;
}

static const map_elem_t collections_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_collections)),
    ROM_ENTRY(Q_namedtuple, &collections_namedtuple_obj),
    ROM_ENTRY(Q_deque, &type_deque),
    ROM_ENTRY(Q_OrderedDict, &type_ordereddict),
    ROM_ENTRY(Q_defaultdict, &type_defaultdict),
};
static ROM_DICT(collections_dict, collections_table);
const obj_module_t module_collections = {{&type_module}, (obj_t)&collections_dict};

#endif // RT_MOD_COLLECTIONS
