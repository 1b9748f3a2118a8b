// runtime/objiter.c: the lazy iterator types the builtins return:
// enumerate, zip, map, filter, reversed, and iter(callable, sentinel);
// and obj_iter_self, the getiter of every iterator that is its own iterator.
#include "obj.h"

obj_t obj_iter_self(obj_t self, iter_buf_t *buf) {
    (void)buf;
    return self;
}

// ---------------------------------------------------------------------------
typedef struct enumerate {
    obj_base_t base;
    obj_t iter;
    obj_t index;
} enumerate_t;

static obj_t enumerate_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    static const arg_spec_t spec[] = {
        {QSTR_iter, ARG_REQUIRED, OBJ_NULL},
        {QSTR_start, 0, OBJ_SMALL_INT(0)},
    };
    obj_t vals[2];
    map_t kw;
    map_init_fixed(&kw, n_kw, args + n_args);
    arg_parse(n_args, args, &kw, 2, spec, vals);
    enumerate_t *e = rt_new(enumerate_t);
    e->base.type = &type_enumerate;
    e->iter = rt_getiter(vals[0], NULL);
    e->index = vals[1];
    return (obj_t)e;
}

static obj_t enumerate_iternext(obj_t self) {
    enumerate_t *e = OBJ_TO_PTR(self);
    obj_t x = rt_iternext(e->iter);
    if (x == OBJ_STOP_ITERATION) {
        return x;
    }
    obj_t items[2] = {e->index, x};
    e->index = obj_is_small_int(e->index) ? int_from_ll((long long)small_int_value(e->index) + 1)
                                          : rt_binary_op(OP_ADD, e->index, small_int(1));
    return tuple_new(2, items);
}

const type_t type_enumerate = {
    {&type_type}, TYPE_FLAG_ITER_SELF, Q_enumerate, NULL, enumerate_make_new, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, enumerate_iternext, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
typedef struct multi_iter {
    obj_base_t base;
    obj_t fun;
    size_t n;
    obj_t iters[];
} multi_iter_t;

static multi_iter_t *multi_new(const type_t *t, obj_t fun, size_t n, const obj_t *args) {
    multi_iter_t *m = gc_alloc(sizeof(multi_iter_t) + n * sizeof(obj_t));
    m->base.type = t;
    m->fun = fun;
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        m->iters[i] = rt_getiter(args[i], NULL);
    }
    return m;
}

static obj_t zip_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, (size_t)-1, false);
    return (obj_t)multi_new(&type_zip, OBJ_NULL, n_args, args);
}

static obj_t zip_iternext(obj_t self) {
    multi_iter_t *m = OBJ_TO_PTR(self);
    if (m->n == 0) {
        return OBJ_STOP_ITERATION;
    }
    obj_t t = tuple_new(m->n, NULL);
    obj_tuple_t *tp = OBJ_TO_PTR(t);
    for (size_t i = 0; i < m->n; i++) {
        obj_t x = rt_iternext(m->iters[i]);
        if (x == OBJ_STOP_ITERATION) {
            return x;
        }
        tp->items[i] = x;
    }
    return t;
}

const type_t type_zip = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_zip, NULL, zip_make_new, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, zip_iternext, NULL, NULL, NULL, NULL,
};

static obj_t map_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 2, (size_t)-1, false);
    return (obj_t)multi_new(&type_map, args[0], n_args - 1, args + 1);
}

static obj_t map_iternext(obj_t self) {
    multi_iter_t *m = OBJ_TO_PTR(self);
    obj_t small[4];
    obj_t *vals = m->n <= 4 ? small : gc_alloc(m->n * sizeof(obj_t));
    for (size_t i = 0; i < m->n; i++) {
        vals[i] = rt_iternext(m->iters[i]);
        if (vals[i] == OBJ_STOP_ITERATION) {
            return OBJ_STOP_ITERATION;
        }
    }
    return rt_call(m->fun, m->n, 0, vals);
}

const type_t type_map = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_map, NULL, map_make_new, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, map_iternext, NULL, NULL, NULL, NULL,
};

static obj_t filter_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 2, 2, false);
    return (obj_t)multi_new(&type_filter, args[0], 1, args + 1);
}

static obj_t filter_iternext(obj_t self) {
    multi_iter_t *m = OBJ_TO_PTR(self);
    for (;;) {
        obj_t x = rt_iternext(m->iters[0]);
        if (x == OBJ_STOP_ITERATION) {
            return x;
        }
        obj_t keep = m->fun == OBJ_NONE ? x : rt_call1(m->fun, x);
        if (obj_is_true(keep)) {
            return x;
        }
    }
}

const type_t type_filter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, Q_filter, NULL, filter_make_new, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, filter_iternext, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
typedef struct reversed {
    obj_base_t base;
    obj_t seq;
    size_t pos;   // items left
} reversed_t;

static obj_t reversed_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 1, 1, false);
    obj_t dest[2];
    rt_load_method_maybe(args[0], Q___reversed__, dest);
    if (dest[0] != OBJ_NULL && obj_is_instance_type(obj_type(args[0]))) {
        return rt_call_method(0, 0, dest);
    }
    reversed_t *r = rt_new(reversed_t);
    r->base.type = &type_reversed;
    r->seq = args[0];
    r->pos = (size_t)obj_get_int(obj_len(args[0]));
    return (obj_t)r;
}

static obj_t reversed_iternext(obj_t self) {
    reversed_t *r = OBJ_TO_PTR(self);
    if (r->pos == 0) {
        return OBJ_STOP_ITERATION;
    }
    r->pos--;
    return rt_subscr(r->seq, small_int((rt_int_t)r->pos), OBJ_SENTINEL);
}

const type_t type_reversed = {
    {&type_type}, TYPE_FLAG_ITER_SELF, Q_reversed, NULL, reversed_make_new, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, reversed_iternext, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
// iter(callable, sentinel)
typedef struct callable_iter {
    obj_base_t base;
    obj_t fun;
    obj_t sentinel;
} callable_iter_t;

static obj_t callable_iternext(obj_t self) {
    callable_iter_t *c = OBJ_TO_PTR(self);
    obj_t v = rt_call0(c->fun);
    if (obj_equal(v, c->sentinel)) {
        return OBJ_STOP_ITERATION;
    }
    return v;
}

static const type_t type_callable_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, callable_iternext, NULL, NULL, NULL, NULL,
};

obj_t callable_iter_new(obj_t fun, obj_t sentinel);
obj_t callable_iter_new(obj_t fun, obj_t sentinel) {
    callable_iter_t *c = rt_new(callable_iter_t);
    c->base.type = &type_callable_iter;
    c->fun = fun;
    c->sentinel = sentinel;
    return (obj_t)c;
}
