// runtime/objarray.c: bytearray, array.array and memoryview: contiguous
// buffers of fixed-size numbers described by a struct-style type code.
#include <string.h>

#include "obj.h"

size_t array_item_size(char tc) {
    switch (tc) {
        case 'b':
        case 'B':
            return 1;
        case 'h':
        case 'H':
            return 2;
        case 'i':
        case 'I':
        case 'l':
        case 'L':
        case 'f':
            return 4;
        case 'q':
        case 'Q':
        case 'd':
            return 8;
        default:
            return 0;
    }
}

obj_t array_get(char tc, const void *items, size_t i) {
    switch (tc) {
        case 'b':
            return small_int(((const int8_t *)items)[i]);
        case 'B':
            return small_int(((const uint8_t *)items)[i]);
        case 'h':
            return small_int(((const int16_t *)items)[i]);
        case 'H':
            return small_int(((const uint16_t *)items)[i]);
        case 'i':
        case 'l':
            return int_from_ll(((const int32_t *)items)[i]);
        case 'I':
        case 'L':
            return int_from_ull(((const uint32_t *)items)[i]);
        case 'q':
            return int_from_ll(((const int64_t *)items)[i]);
        case 'Q':
            return int_from_ull(((const uint64_t *)items)[i]);
#if RT_FLOAT
        case 'f':
            return float_new(((const float *)items)[i]);
        case 'd':
            return float_new(((const double *)items)[i]);
#endif
        default:
            return OBJ_NONE;
    }
}

void array_set(char tc, void *items, size_t i, obj_t v) {
    if (RT_FLOAT && (tc == 'f' || tc == 'd')) {
        rt_float_t f = obj_get_float(v);
        if (tc == 'f') {
            ((float *)items)[i] = (float)f;
        } else {
            ((double *)items)[i] = (double)f;
        }
        return;
    }
    long long x;
    if (obj_is_small_int(v) || obj_is_type(v, &type_int)) {
        if (!int_to_ll_maybe(v, &x)) {
            uint8_t buf[8];
            int_to_bytes(v, buf, 8, false, true);
            memcpy(&x, buf, 8);
        }
    } else {
        x = obj_get_int(v);
    }
    switch (tc) {
        case 'b':
        case 'B':
            ((uint8_t *)items)[i] = (uint8_t)x;
            break;
        case 'h':
        case 'H':
            ((uint16_t *)items)[i] = (uint16_t)x;
            break;
        case 'i':
        case 'I':
        case 'l':
        case 'L':
            ((uint32_t *)items)[i] = (uint32_t)x;
            break;
        default:
            ((uint64_t *)items)[i] = (uint64_t)x;
            break;
    }
}

static obj_array_t *array_alloc(const type_t *t, char tc, size_t n) {
    obj_array_t *a = rt_new(obj_array_t);
    a->base.type = t;
    a->typecode = (uint8_t)tc;
    a->len = n;
    a->alloc = n;
    a->items = gc_alloc(n * array_item_size(tc) + 1);
    return a;
}

obj_t bytearray_new(size_t n, const uint8_t *data) {
    obj_array_t *a = array_alloc(&type_bytearray, 'B', n);
    if (data) {
        memcpy(a->items, data, n);
    }
    return (obj_t)a;
}

obj_t array_new(char tc, size_t n) {
    return (obj_t)array_alloc(&type_array, tc, n);
}

static void array_append(obj_array_t *a, obj_t v) {
    size_t sz = array_item_size((char)a->typecode);
    if (a->len == a->alloc) {
        a->alloc = a->alloc * 2 + 4;
        a->items = gc_realloc(a->items, a->alloc * sz + 1);
    }
    array_set((char)a->typecode, a->items, a->len++, v);
}

static void array_extend_from(obj_array_t *a, obj_t src) {
    buffer_info_t info;
    if (!obj_is_str(src) && obj_get_buffer(src, &info, BUFFER_READ) && array_item_size((char)a->typecode) == 1) {
        size_t n = info.len;
        if (a->len + n > a->alloc) {
            a->alloc = a->len + n;
            a->items = gc_realloc(a->items, a->alloc + 1);
        }
        memmove(a->items + a->len, info.buf, n);
        a->len += n;
        return;
    }
    iter_buf_t buf;
    obj_t it = rt_getiter(src, &buf);
    obj_t x;
    while ((x = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        array_append(a, x);
    }
}

static void array_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    obj_array_t *a = OBJ_TO_PTR(o);
    if (a->base.type == &type_bytearray) {
        print_str(p, "bytearray(b");
        str_print_quoted(p, a->items, a->len, true);
        print_str(p, ")");
        return;
    }
    if (a->base.type == &type_memoryview) {
        print_printf(p, "<memoryview>");
        return;
    }
    print_printf(p, "array('%c'", a->typecode);
    if (a->len) {
        print_str(p, ", [");
        for (size_t i = 0; i < a->len; i++) {
            if (i) {
                print_str(p, ", ");
            }
            obj_print(p, array_get((char)a->typecode, a->items, i), PRINT_REPR);
        }
        print_str(p, "]");
    }
    print_str(p, ")");
}

static obj_t bytearray_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 3, false);
    if (n_args == 0) {
        return bytearray_new(0, NULL);
    }
    if (obj_is_small_int(args[0])) {
        return bytearray_new((size_t)obj_get_int(args[0]), NULL);
    }
    if (obj_is_str(args[0])) {
        if (n_args < 2) {
            rt_raise_type_error("string argument without an encoding");
        }
        size_t len;
        const char *s = str_get_data(args[0], &len);
        return bytearray_new(len, (const uint8_t *)s);
    }
    obj_array_t *a = array_alloc(&type_bytearray, 'B', 0);
    array_extend_from(a, args[0]);
    return (obj_t)a;
}

static obj_t array_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 1, 2, false);
    size_t l;
    const char *tc = str_get_data(args[0], &l);
    if (l != 1 || array_item_size(tc[0]) == 0) {
        rt_raise_value_error("bad typecode");
    }
    obj_array_t *a = array_alloc(&type_array, tc[0], 0);
    if (n_args == 2) {
        array_extend_from(a, args[1]);
    }
    return (obj_t)a;
}

static obj_t memoryview_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 1, 1, false);
    buffer_info_t info;
    if (!obj_get_buffer(args[0], &info, BUFFER_READ)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    obj_array_t *a = rt_new(obj_array_t);
    a->base.type = &type_memoryview;
    a->typecode = (uint8_t)info.typecode;
    a->len = info.len / array_item_size((char)info.typecode);
    a->alloc = a->len;
    a->items = info.buf;
    a->owner = args[0];
    a->is_readonly = obj_is_type(args[0], &type_bytes) || obj_is_qstr(args[0]) || obj_is_type(args[0], &type_str);
    return (obj_t)a;
}

static obj_t array_unary_op(int op, obj_t o) {
    obj_array_t *a = OBJ_TO_PTR(o);
    if (op == OP_LEN) {
        return small_int((rt_int_t)a->len);
    }
    if (op == OP_BOOL) {
        return OBJ_BOOL(a->len != 0);
    }
    return OBJ_NULL;
}

static obj_t array_binary_op(int op, obj_t lhs, obj_t rhs) {
    obj_array_t *a = OBJ_TO_PTR(lhs);
    size_t sz = array_item_size((char)a->typecode);
    switch (op) {
        case OP_ADD: {
            obj_array_t *r = array_alloc(a->base.type == &type_memoryview ? &type_bytearray : a->base.type,
                                         (char)a->typecode, a->len);
            memcpy(r->items, a->items, a->len * sz);
            array_extend_from(r, rhs);
            return (obj_t)r;
        }
        case OP_INPLACE_ADD:
            if (a->base.type == &type_memoryview) {
                return OBJ_NULL;
            }
            array_extend_from(a, rhs);
            return lhs;
        case OP_CONTAINS: {
            if (sz == 1 && obj_is_bytes_like(rhs)) {
                size_t nl;
                const char *needle = str_get_data(rhs, &nl);
                if (nl == 0) {
                    return OBJ_TRUE;
                }
                for (size_t i = 0; i + nl <= a->len; i++) {
                    if (memcmp(a->items + i, needle, nl) == 0) {
                        return OBJ_TRUE;
                    }
                }
                return OBJ_FALSE;
            }
            for (size_t i = 0; i < a->len; i++) {
                if (obj_equal(array_get((char)a->typecode, a->items, i), rhs)) {
                    return OBJ_TRUE;
                }
            }
            return OBJ_FALSE;
        }
        case OP_EQUAL:
        case OP_NOT_EQUAL:
        case OP_LESS:
        case OP_LESS_EQUAL:
        case OP_MORE:
        case OP_MORE_EQUAL: {
            buffer_info_t info;
            if (!obj_get_buffer(rhs, &info, BUFFER_READ)) {
                return seq_cmp_other_type(op);
            }
            return OBJ_BOOL(seq_cmp_bytes(op, a->items, a->len * sz, info.buf, info.len));
        }
        default:
            return OBJ_NULL;
    }
}

static obj_t array_subscr(obj_t self, obj_t index, obj_t value) {
    obj_array_t *a = OBJ_TO_PTR(self);
    char tc = (char)a->typecode;
    size_t sz = array_item_size(tc);
    if (obj_is_type(index, &type_slice)) {
        slice_bounds_t b;
        slice_indices_step1(index, a->len, &b);
        size_t n = (size_t)(b.stop - b.start);
        if (value == OBJ_SENTINEL) {
            if (a->base.type == &type_memoryview) {
                obj_array_t *v = rt_new(obj_array_t);
                *v = *a;
                v->items = a->items + (size_t)b.start * sz;
                v->len = v->alloc = n;
                return (obj_t)v;
            }
            obj_array_t *r = array_alloc(a->base.type, tc, n);
            memcpy(r->items, a->items + (size_t)b.start * sz, n * sz);
            return (obj_t)r;
        }
        buffer_info_t info;
        size_t src_n = 0;
        if (value != OBJ_NULL) {
            if (!obj_get_buffer(value, &info, BUFFER_READ)) {
                rt_raise_type_error("array/bytes required on right side");
            }
            src_n = info.len / sz;
        }
        if (a->base.type == &type_memoryview) {
            if (src_n != n || a->is_readonly) {
                rt_raise_not_impl(NULL);
            }
            memmove(a->items + (size_t)b.start * sz, info.buf, n * sz);
            return OBJ_NONE;
        }
        uint8_t *copy = src_n ? gc_alloc(src_n * sz) : NULL;
        if (src_n) {
            memcpy(copy, info.buf, src_n * sz);
        }
        size_t new_len = a->len - n + src_n;
        if (new_len > a->alloc) {
            a->alloc = new_len;
            a->items = gc_realloc(a->items, a->alloc * sz + 1);
        }
        memmove(a->items + ((size_t)b.start + src_n) * sz, a->items + (size_t)b.stop * sz,
                (a->len - (size_t)b.stop) * sz);
        if (src_n) {
            memcpy(a->items + (size_t)b.start * sz, copy, src_n * sz);
        }
        a->len = new_len;
        return OBJ_NONE;
    }
    size_t i = obj_get_index(a->base.type, a->len, index, false);
    if (value == OBJ_SENTINEL) {
        return array_get(tc, a->items, i);
    }
    if (value == OBJ_NULL || a->is_readonly) {
        return OBJ_NULL;
    }
    if (sz == 1 && tc == 'B' && a->base.type == &type_bytearray) {
        rt_int_t v = obj_get_int(value);
        if (v < 0 || v > 255) {
            rt_raise_value_error("value out of range");
        }
    }
    array_set(tc, a->items, i, value);
    return OBJ_NONE;
}

typedef struct array_iter {
    obj_base_t base;
    obj_t array;
    size_t pos;
    obj_t unused;
} array_iter_t;

static obj_t array_iternext(obj_t self) {
    array_iter_t *it = OBJ_TO_PTR(self);
    obj_array_t *a = OBJ_TO_PTR(it->array);
    if (it->pos < a->len) {
        return array_get((char)a->typecode, a->items, it->pos++);
    }
    return OBJ_STOP_ITERATION;
}

static const type_t type_array_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, array_iternext, NULL, NULL, NULL, NULL,
};

static obj_t array_getiter(obj_t self, iter_buf_t *buf) {
    array_iter_t *it = buf ? (array_iter_t *)buf : rt_new(array_iter_t);
    it->base.type = &type_array_iter;
    it->array = self;
    it->pos = 0;
    return (obj_t)it;
}

static bool array_buffer(obj_t self, buffer_info_t *info, int flags) {
    obj_array_t *a = OBJ_TO_PTR(self);
    if ((flags & BUFFER_WRITE) && a->is_readonly) {
        return false;
    }
    info->buf = a->items;
    info->len = a->len * array_item_size((char)a->typecode);
    info->typecode = a->typecode;
    return true;
}

static obj_t array_append_m(obj_t self, obj_t x) {
    array_append(OBJ_TO_PTR(self), x);
    return OBJ_NONE;
}

static obj_t array_extend_m(obj_t self, obj_t x) {
    array_extend_from(OBJ_TO_PTR(self), x);
    return OBJ_NONE;
}

static obj_t array_decode(size_t n, const obj_t *args) {
    (void)n;
    obj_array_t *a = OBJ_TO_PTR(args[0]);
    return str_new(&type_str, (const char *)a->items, a->len);
}

static obj_t array_tobytes(obj_t self) {
    obj_array_t *a = OBJ_TO_PTR(self);
    return bytes_new(a->items, a->len * array_item_size((char)a->typecode));
}

static obj_t array_tolist(obj_t self) {
    obj_array_t *a = OBJ_TO_PTR(self);
    obj_t l = list_new(0, NULL);
    for (size_t i = 0; i < a->len; i++) {
        list_append(l, array_get((char)a->typecode, a->items, i));
    }
    return l;
}

static obj_t array_pop(size_t n, const obj_t *args) {
    obj_array_t *a = OBJ_TO_PTR(args[0]);
    if (a->len == 0) {
        rt_raise(&type_IndexError, "pop from empty array");
    }
    size_t i = n > 1 ? obj_get_index(a->base.type, a->len, args[1], false) : a->len - 1;
    size_t sz = array_item_size((char)a->typecode);
    obj_t v = array_get((char)a->typecode, a->items, i);
    memmove(a->items + i * sz, a->items + (i + 1) * sz, (a->len - i - 1) * sz);
    a->len--;
    return v;
}

static BUILTIN_FUN_2(array_append_obj, array_append_m);
static BUILTIN_FUN_2(array_extend_obj, array_extend_m);
static BUILTIN_FUN_VAR(array_decode_obj, 1, 3, array_decode);
static BUILTIN_FUN_1(array_tobytes_obj, array_tobytes);
static BUILTIN_FUN_1(array_tolist_obj, array_tolist);
static BUILTIN_FUN_VAR(array_pop_obj, 1, 2, array_pop);

static const map_elem_t array_locals_table[] = {
    ROM_ENTRY(QSTR_append, &array_append_obj),
    ROM_ENTRY(QSTR_extend, &array_extend_obj),
    ROM_ENTRY(QSTR_pop, &array_pop_obj),
    ROM_ENTRY(Q_tobytes, &array_tobytes_obj),
    ROM_ENTRY(Q_tolist, &array_tolist_obj),
};
static ROM_DICT(array_locals, array_locals_table);

static const map_elem_t memoryview_locals_table[] = {
    ROM_ENTRY(Q_tobytes, &array_tobytes_obj),
    ROM_ENTRY(Q_tolist, &array_tolist_obj),
};
static ROM_DICT(memoryview_locals, memoryview_locals_table);

// bytearray: the array methods plus the text methods bytes has.
static map_elem_t bytearray_table[64];
obj_dict_t bytearray_locals_dict = {{&type_dict}, {1, 1, 1, 0, 0, bytearray_table}};

void objarray_init(void);
void objarray_init(void) {
    const map_elem_t *str_common_methods(size_t * n);
    size_t n;
    const map_elem_t *common = str_common_methods(&n);
    size_t k = 0;
    bytearray_table[k++] = (map_elem_t)ROM_ENTRY(QSTR_append, &array_append_obj);
    bytearray_table[k++] = (map_elem_t)ROM_ENTRY(QSTR_extend, &array_extend_obj);
    bytearray_table[k++] = (map_elem_t)ROM_ENTRY(Q_decode, &array_decode_obj);
    for (size_t i = 0; i < n && k < 64; i++) {
        if (common[i].key != obj_qstr(Q_decode)) {
            bytearray_table[k++] = common[i];
        }
    }
    bytearray_locals_dict.map.used = k;
    bytearray_locals_dict.map.alloc = k;
}

const type_t type_bytearray = {
    {&type_type}, 0, QSTR_bytearray, array_print, bytearray_make_new, NULL, array_unary_op,
    array_binary_op, NULL, array_subscr, array_getiter, NULL, array_buffer, NULL, NULL,
    &bytearray_locals_dict,
};

const type_t type_array = {
    {&type_type}, 0, Q_array, array_print, array_make_new, NULL, array_unary_op, array_binary_op,
    NULL, array_subscr, array_getiter, NULL, array_buffer, NULL, NULL, &array_locals,
};

const type_t type_memoryview = {
    {&type_type}, 0, Q_memoryview, array_print, memoryview_make_new, NULL, array_unary_op,
    array_binary_op, NULL, array_subscr, array_getiter, NULL, array_buffer, NULL, NULL,
    &memoryview_locals,
};
