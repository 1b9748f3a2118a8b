// runtime/objrange.c: range objects and their iterator. The iterator fits
// the four stack words a for loop reserves, and the VM calls
// vm_range_iternext directly, so `for i in range(n)` never allocates.
#include "obj.h"

obj_t range_new(rt_int_t start, rt_int_t stop, rt_int_t step) {
    obj_range_t *r = rt_new(obj_range_t);
    r->base.type = &type_range;
    r->start = start;
    r->stop = stop;
    r->step = step;
    return (obj_t)r;
}

static rt_int_t range_len(const obj_range_t *r) {
    rt_int_t n = r->stop - r->start + r->step;
    if (r->step > 0) {
        n -= 1;
    } else {
        n += 1;
    }
    n /= r->step;
    return n < 0 ? 0 : n;
}

static void range_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_range_t *r = OBJ_TO_PTR(o);
    print_printf(p, "range(%ld, %ld", (long)r->start, (long)r->stop);
    if (r->step != 1) {
        print_printf(p, ", %ld", (long)r->step);
    }
    print_str(p, ")");
}

static obj_t range_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 1, 3, false);
    rt_int_t start = 0, stop, step = 1;
    if (n_args == 1) {
        stop = obj_get_int(args[0]);
    } else {
        start = obj_get_int(args[0]);
        stop = obj_get_int(args[1]);
        if (n_args == 3) {
            step = obj_get_int(args[2]);
            if (step == 0) {
                rt_raise_value_error("zero step");
            }
        }
    }
    return range_new(start, stop, step);
}

static obj_t range_unary_op(int op, obj_t o) {
    const obj_range_t *r = OBJ_TO_PTR(o);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(range_len(r) > 0);
        case OP_LEN:
            return small_int(range_len(r));
        default:
            return OBJ_NULL;
    }
}

static obj_t range_binary_op(int op, obj_t lhs, obj_t rhs) {
    const obj_range_t *a = OBJ_TO_PTR(lhs);
    if (op == OP_CONTAINS && obj_is_small_int(rhs)) {
        rt_int_t v = small_int_value(rhs);
        bool in = a->step > 0 ? (v >= a->start && v < a->stop) : (v <= a->start && v > a->stop);
        return OBJ_BOOL(in && (v - a->start) % a->step == 0);
    }
    if (op == OP_EQUAL && obj_is_type(rhs, &type_range)) {
        const obj_range_t *b = OBJ_TO_PTR(rhs);
        rt_int_t la = range_len(a), lb = range_len(b);
        return OBJ_BOOL(la == lb && (la == 0 || (a->start == b->start && (la == 1 || a->step == b->step))));
    }
    return OBJ_NULL;
}

static obj_t range_subscr(obj_t self, obj_t index, obj_t value) {
    if (value != OBJ_SENTINEL) {
        return OBJ_NULL;
    }
    const obj_range_t *r = OBJ_TO_PTR(self);
    rt_int_t len = range_len(r);
    if (obj_is_type(index, &type_slice)) {
        slice_bounds_t b;
        slice_indices_any(index, len, &b);
        return range_new(r->start + b.start * r->step, r->start + b.stop * r->step, r->step * b.step);
    }
    size_t i = obj_get_index(&type_range, (size_t)len, index, false);
    return small_int(r->start + (rt_int_t)i * r->step);
}

static void range_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    const obj_range_t *r = OBJ_TO_PTR(self);
    if (attr == QSTR_start) {
        dest[0] = small_int(r->start);
    } else if (attr == QSTR_stop) {
        dest[0] = small_int(r->stop);
    } else if (attr == QSTR_step) {
        dest[0] = small_int(r->step);
    }
}

typedef struct range_iter {
    obj_base_t base;
    obj_t cur;
    obj_t stop;
    obj_t step;
} range_iter_t;

obj_t vm_range_iternext(obj_t it);
obj_t vm_range_iternext(obj_t it) {
    range_iter_t *r = OBJ_TO_PTR(it);
    rt_int_t cur = small_int_value(r->cur);
    rt_int_t step = small_int_value(r->step);
    rt_int_t stop = small_int_value(r->stop);
    if (step > 0 ? cur < stop : cur > stop) {
        r->cur = small_int(cur + step);
        return small_int(cur);
    }
    return OBJ_STOP_ITERATION;
}

static const type_t type_range_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, vm_range_iternext, NULL, NULL, NULL, NULL,
};

static obj_t range_getiter(obj_t self, iter_buf_t *buf) {
    const obj_range_t *r = OBJ_TO_PTR(self);
    range_iter_t *it = buf ? (range_iter_t *)buf : rt_new(range_iter_t);
    it->base.type = &type_range_iter;
    it->cur = small_int(r->start);
    it->stop = small_int(r->stop);
    it->step = small_int(r->step);
    return (obj_t)it;
}

const type_t type_range = {
    {&type_type}, 0, QSTR_range, range_print, range_make_new, NULL, range_unary_op,
    range_binary_op, range_attr, range_subscr, range_getiter, NULL, NULL, NULL, NULL, NULL,
};
