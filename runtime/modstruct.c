// runtime/modstruct.c: the struct module. Native mode ('@' or no prefix)
// uses the sizes and alignment of the 32-bit reference VM, so packed data
// is the same on every build of this VM.
#include <string.h>

#include "obj.h"

#if RT_MOD_STRUCT

static char byte_order(const char **fmt) {
    char c = **fmt;
    switch (c) {
        case '!':
            (*fmt)++;
            return '>';
        case '@':
        case '=':
        case '<':
        case '>':
            (*fmt)++;
            return c;
        default:
            return '@';
    }
}

static size_t item_size(char order, char t) {
    switch (t) {
        case 'x':
        case 'b':
        case 'B':
        case '?':
        case 's':
            return 1;
        case 'h':
        case 'H':
            return 2;
        case 'i':
        case 'I':
        case 'l':
        case 'L':
        case 'f':
        case 'P':
            return 4;
        case 'q':
        case 'Q':
        case 'd':
            return 8;
        default:
            (void)order;
            rt_raise_value_error("bad typecode");
    }
}

typedef struct field {
    char type;
    size_t count;   // repeat count, or the length of an 's' field
    size_t offset;
} field_t;

// Walks the format; returns false at its end. Fills f and advances *pos.
static bool next_field(const char *fmt, size_t len, size_t *pos, char order, size_t *offset, field_t *f) {
    while (*pos < len && (fmt[*pos] == ' ')) {
        (*pos)++;
    }
    if (*pos >= len) {
        return false;
    }
    size_t count = 1;
    if (fmt[*pos] >= '0' && fmt[*pos] <= '9') {
        count = 0;
        while (*pos < len && fmt[*pos] >= '0' && fmt[*pos] <= '9') {
            count = count * 10 + (size_t)(fmt[(*pos)++] - '0');
        }
    }
    if (*pos >= len) {
        rt_raise_value_error("bad typecode");
    }
    char t = fmt[(*pos)++];
    size_t sz = item_size(order, t);
    if (order == '@' && sz > 1) {
        *offset = (*offset + sz - 1) & ~(sz - 1);
    }
    f->type = t;
    f->count = count;
    f->offset = *offset;
    *offset += sz * count;
    return true;
}

static size_t calcsize(const char *fmt, size_t len) {
    const char *p = fmt;
    char order = byte_order(&p);
    size_t n = len - (size_t)(p - fmt);
    size_t pos = 0, off = 0;
    field_t f;
    while (next_field(p, n, &pos, order, &off, &f)) {
    }
    return off;
}

static obj_t struct_calcsize(obj_t fmt_in) {
    size_t len;
    const char *fmt = str_get_data(fmt_in, &len);
    return small_int((rt_int_t)calcsize(fmt, len));
}
static BUILTIN_FUN_1(struct_calcsize_obj, struct_calcsize);

static obj_t get_one(char order, char t, const uint8_t *p) {
    bool big = order == '>';
    size_t sz = item_size(order, t);
    if (t == 'f' || t == 'd') {
        uint8_t tmp[8];
        for (size_t i = 0; i < sz; i++) {
            tmp[i] = big ? p[sz - 1 - i] : p[i];
        }
        if (t == 'f') {
            float fv;
            memcpy(&fv, tmp, 4);
            return float_new(fv);
        }
        double dv;
        memcpy(&dv, tmp, 8);
        return float_new(dv);
    }
    bool is_signed = t == 'b' || t == 'h' || t == 'i' || t == 'l' || t == 'q';
    if (t == '?') {
        return OBJ_BOOL(p[0] != 0);
    }
    return int_from_bytes(p, sz, big, is_signed);
}

static void put_one(char order, char t, uint8_t *p, obj_t v) {
    bool big = order == '>';
    size_t sz = item_size(order, t);
    if (t == 'f' || t == 'd') {
        uint8_t tmp[8];
        rt_float_t x = obj_get_float(v);
        if (t == 'f') {
            float fv = (float)x;
            memcpy(tmp, &fv, 4);
        } else {
            double dv = (double)x;
            memcpy(tmp, &dv, 8);
        }
        for (size_t i = 0; i < sz; i++) {
            p[i] = big ? tmp[sz - 1 - i] : tmp[i];
        }
        return;
    }
    if (v == OBJ_TRUE || v == OBJ_FALSE) {
        v = small_int(v == OBJ_TRUE);
    }
    if (!obj_is_int(v)) {
        v = small_int(obj_get_int(v));
    }
    // Values wider than the field keep their low bytes, as MicroPython does.
    uint8_t tmp[16];
    int_to_bytes(rt_binary_op(OP_AND, v, int_from_ull(sz == 8 ? ~0ULL : ((1ULL << (8 * sz)) - 1))),
                 tmp, sz, big, false);
    memcpy(p, tmp, sz);
}

static obj_t unpack_at(obj_t fmt_in, const uint8_t *buf, size_t buf_len) {
    size_t len;
    const char *fmt = str_get_data(fmt_in, &len);
    const char *f0 = fmt;
    char order = byte_order(&fmt);
    len -= (size_t)(fmt - f0);
    size_t total = calcsize(f0, len + (size_t)(fmt - f0));
    if (buf_len < total) {
        rt_raise_value_error("buffer too small");
    }
    obj_t res = list_new(0, NULL);
    size_t pos = 0, off = 0;
    field_t f;
    while (next_field(fmt, len, &pos, order, &off, &f)) {
        if (f.type == 's') {
            list_append(res, bytes_new(buf + f.offset, f.count));
            continue;
        }
        if (f.type == 'x') {
            continue;
        }
        size_t sz = item_size(order, f.type);
        for (size_t i = 0; i < f.count; i++) {
            list_append(res, get_one(order, f.type, buf + f.offset + i * sz));
        }
    }
    obj_list_t *l = OBJ_TO_PTR(res);
    return tuple_new(l->len, l->items);
}

static obj_t struct_unpack(obj_t fmt, obj_t data) {
    buffer_info_t info;
    if (!obj_get_buffer(data, &info, BUFFER_READ)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    size_t len;
    const char *f = str_get_data(fmt, &len);
    if (info.len != calcsize(f, len)) {
        rt_raise_value_error("buffer too small");
    }
    return unpack_at(fmt, info.buf, info.len);
}
static BUILTIN_FUN_2(struct_unpack_obj, struct_unpack);

static obj_t struct_unpack_from(size_t n, const obj_t *args) {
    buffer_info_t info;
    if (!obj_get_buffer(args[1], &info, BUFFER_READ)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    rt_int_t off = n > 2 ? obj_get_int(args[2]) : 0;
    if (off < 0) {
        off += (rt_int_t)info.len;
    }
    if (off < 0 || (size_t)off > info.len) {
        rt_raise_value_error("buffer too small");
    }
    return unpack_at(args[0], (const uint8_t *)info.buf + off, info.len - (size_t)off);
}
static BUILTIN_FUN_VAR(struct_unpack_from_obj, 2, 3, struct_unpack_from);

static void pack_into(obj_t fmt_in, uint8_t *buf, size_t n_args, const obj_t *args) {
    size_t len;
    const char *fmt = str_get_data(fmt_in, &len);
    const char *f0 = fmt;
    char order = byte_order(&fmt);
    len -= (size_t)(fmt - f0);
    size_t pos = 0, off = 0, ai = 0;
    field_t f;
    while (next_field(fmt, len, &pos, order, &off, &f)) {
        if (f.type == 'x') {
            continue;
        }
        size_t count = f.type == 's' ? 1 : f.count;
        for (size_t i = 0; i < count; i++) {
            if (ai >= n_args) {
                rt_raise_value_error("not enough arguments");
            }
            obj_t v = args[ai++];
            if (f.type == 's') {
                size_t l;
                const char *d = str_get_data(v, &l);
                memcpy(buf + f.offset, d, l < f.count ? l : f.count);
            } else {
                put_one(order, f.type, buf + f.offset + i * item_size(order, f.type), v);
            }
        }
    }
    if (ai != n_args) {
        rt_raise_value_error("too many arguments");
    }
}

static obj_t struct_pack(size_t n, const obj_t *args) {
    size_t len;
    const char *fmt = str_get_data(args[0], &len);
    size_t size = calcsize(fmt, len);
    uint8_t *buf = gc_alloc(size + 1);
    pack_into(args[0], buf, n - 1, args + 1);
    obj_t r = bytes_new(buf, size);
    gc_free(buf);
    return r;
}
static BUILTIN_FUN_VAR(struct_pack_obj, 1, 255, struct_pack);

static obj_t struct_pack_into(size_t n, const obj_t *args) {
    buffer_info_t info;
    if (!obj_get_buffer(args[1], &info, BUFFER_WRITE)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    rt_int_t off = obj_get_int(args[2]);
    if (off < 0) {
        off += (rt_int_t)info.len;
    }
    size_t len;
    const char *fmt = str_get_data(args[0], &len);
    if (off < 0 || (size_t)off + calcsize(fmt, len) > info.len) {
        rt_raise_value_error("buffer too small");
    }
    pack_into(args[0], (uint8_t *)info.buf + off, n - 3, args + 3);
    return OBJ_NONE;
}
static BUILTIN_FUN_VAR(struct_pack_into_obj, 3, 255, struct_pack_into);

static const map_elem_t struct_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_struct)),
    ROM_ENTRY(Q_calcsize, &struct_calcsize_obj),
    ROM_ENTRY(Q_pack, &struct_pack_obj),
    ROM_ENTRY(Q_pack_into, &struct_pack_into_obj),
    ROM_ENTRY(Q_unpack, &struct_unpack_obj),
    ROM_ENTRY(Q_unpack_from, &struct_unpack_from_obj),
};
static ROM_DICT(struct_dict, struct_table);
const obj_module_t module_struct = {{&type_module}, (obj_t)&struct_dict};

#endif // RT_MOD_STRUCT
