// runtime/seq.c: helpers shared by the sequence types: lexicographic
// comparison, count/index, repetition, and slices (the slice type and the
// clamping of slice bounds to a length).
#include <string.h>

#include "obj.h"

bool seq_cmp_bytes(int op, const uint8_t *a, size_t na, const uint8_t *b, size_t nb) {
    if (op == OP_EQUAL && na != nb) {
        return false;
    }
    if (op == OP_NOT_EQUAL && na != nb) {
        return true;
    }
    size_t n = na < nb ? na : nb;
    int c = memcmp(a, b, n);
    if (c == 0) {
        c = (na > nb) - (na < nb);
    }
    switch (op) {
        case OP_LESS:
            return c < 0;
        case OP_MORE:
            return c > 0;
        case OP_LESS_EQUAL:
            return c <= 0;
        case OP_MORE_EQUAL:
            return c >= 0;
        case OP_EQUAL:
            return c == 0;
        default:
            return c != 0;
    }
}

bool seq_cmp_objs(int op, const obj_t *a, size_t na, const obj_t *b, size_t nb) {
    if (op == OP_EQUAL || op == OP_NOT_EQUAL) {
        bool eq = na == nb;
        for (size_t i = 0; eq && i < na; i++) {
            eq = obj_equal(a[i], b[i]);
        }
        return op == OP_EQUAL ? eq : !eq;
    }
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++) {
        if (!obj_equal(a[i], b[i])) {
            return obj_is_true(rt_binary_op(op, a[i], b[i]));
        }
    }
    switch (op) {
        case OP_LESS:
            return na < nb;
        case OP_MORE:
            return na > nb;
        case OP_LESS_EQUAL:
            return na <= nb;
        default:
            return na >= nb;
    }
}

obj_t seq_contains_obj(const obj_t *items, size_t len, obj_t value) {
    for (size_t i = 0; i < len; i++) {
        if (obj_equal(items[i], value)) {
            return OBJ_TRUE;
        }
    }
    return OBJ_FALSE;
}

obj_t seq_cmp_other_type(int op) {
    if (op == OP_EQUAL || op == OP_NOT_EQUAL) {
        return OBJ_BOOL(op == OP_NOT_EQUAL);
    }
    return OBJ_NULL;
}

obj_t seq_count(size_t len, const obj_t *items, obj_t value) {
    rt_int_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (obj_equal(items[i], value)) {
            n++;
        }
    }
    return small_int(n);
}

obj_t seq_index(const type_t *t, size_t len, const obj_t *items, size_t n_args, const obj_t *args) {
    (void)t;
    size_t start = 0, stop = len;
    if (n_args > 2) {
        slice_bounds_t b;
        obj_t sl = slice_new(args[2], n_args > 3 ? args[3] : OBJ_NONE, OBJ_NONE);
        slice_indices(sl, len, &b);
        start = (size_t)b.start;
        stop = b.stop > b.start ? (size_t)b.stop : start;
    }
    for (size_t i = start; i < stop; i++) {
        if (obj_equal(items[i], args[1])) {
            return small_int((rt_int_t)i);
        }
    }
    rt_raise_value_error("object not in sequence");
}

obj_t seq_concat_objs(const obj_t *a, size_t na, const obj_t *b, size_t nb, obj_t (*make)(size_t, const obj_t *)) {
    obj_t r = make(na + nb, NULL);
    size_t n;
    obj_t *dst;
    obj_get_array(r, &n, &dst);
    memcpy(dst, a, na * sizeof(obj_t));
    memcpy(dst + na, b, nb * sizeof(obj_t));
    return r;
}

obj_t seq_multiply_objs(const obj_t *items, size_t len, size_t times, obj_t (*make)(size_t, const obj_t *)) {
    obj_t r = make(len * times, NULL);
    size_t n;
    obj_t *dst;
    obj_get_array(r, &n, &dst);
    for (size_t i = 0; i < times; i++) {
        memcpy(dst + i * len, items, len * sizeof(obj_t));
    }
    return r;
}

// ---------------------------------------------------------------------------
// Slices.
obj_t slice_new(obj_t start, obj_t stop, obj_t step) {
    obj_slice_t *s = rt_new(obj_slice_t);
    s->base.type = &type_slice;
    s->start = start;
    s->stop = stop;
    s->step = step;
    return (obj_t)s;
}

static rt_int_t clamp(obj_t v, rt_int_t len, rt_int_t dflt, rt_int_t lo, rt_int_t hi) {
    if (v == OBJ_NONE) {
        return dflt;
    }
    rt_int_t i = obj_get_int(v);
    if (i < 0) {
        i += len;
    }
    if (i < lo) {
        i = lo;
    }
    if (i > hi) {
        i = hi;
    }
    return i;
}

void slice_indices_any(obj_t slice, rt_int_t len, slice_bounds_t *out) {
    const obj_slice_t *s = OBJ_TO_PTR(slice);
    rt_int_t step = s->step == OBJ_NONE ? 1 : obj_get_int(s->step);
    if (step == 0) {
        rt_raise_value_error("slice step cannot be zero");
    }
    if (step > 0) {
        out->start = clamp(s->start, len, 0, 0, len);
        out->stop = clamp(s->stop, len, len, 0, len);
    } else {
        out->start = clamp(s->start, len, len - 1, -1, len - 1);
        out->stop = clamp(s->stop, len, -1, -1, len - 1);
    }
    out->step = step;
}

bool slice_indices(obj_t slice, size_t len, slice_bounds_t *out) {
    slice_indices_any(slice, (rt_int_t)len, out);
    return out->step == 1;
}

void slice_indices_step1(obj_t slice, size_t len, slice_bounds_t *out) {
    if (!slice_indices(slice, len, out)) {
        rt_raise_not_impl("only slices with step=1 (aka None) are supported");
    }
    if (out->stop < out->start) {
        out->stop = out->start;
    }
}

static void slice_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_slice_t *s = OBJ_TO_PTR(o);
    print_str(p, "slice(");
    obj_print(p, s->start, PRINT_REPR);
    print_str(p, ", ");
    obj_print(p, s->stop, PRINT_REPR);
    print_str(p, ", ");
    obj_print(p, s->step, PRINT_REPR);
    print_str(p, ")");
}

static void slice_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    const obj_slice_t *s = OBJ_TO_PTR(self);
    if (attr == QSTR_start) {
        dest[0] = s->start;
    } else if (attr == QSTR_stop) {
        dest[0] = s->stop;
    } else if (attr == QSTR_step) {
        dest[0] = s->step;
    }
}

const type_t type_slice = {
    {&type_type}, 0, Q_slice, slice_print, NULL, NULL, NULL, NULL,
    slice_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};
