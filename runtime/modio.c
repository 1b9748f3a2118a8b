// runtime/modio.c: the io module: StringIO and BytesIO, in-memory streams
// with write, read, readline, getvalue, seek and tell.
#include <string.h>

#include "obj.h"

#if RT_MOD_IO

typedef struct obj_stringio {
    obj_base_t base;
    vstr_t buf;
    size_t pos;
    bool closed;
} obj_stringio_t;

static obj_stringio_t *sio(obj_t o) {
    obj_stringio_t *s = OBJ_TO_PTR(o);
    if (s->closed) {
        rt_raise_value_error("I/O operation on closed file");
    }
    return s;
}

static obj_t stringio_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    arg_check_num(n_args, n_kw, 0, 1, false);
    obj_stringio_t *s = rt_new(obj_stringio_t);
    s->base.type = t;
    vstr_init(&s->buf, 16);
    if (n_args == 1 && !obj_is_small_int(args[0])) {
        size_t len;
        const char *d = str_get_data(args[0], &len);
        vstr_add_strn(&s->buf, d, len);
    }
    return (obj_t)s;
}

static obj_t stringio_write(obj_t self, obj_t data) {
    obj_stringio_t *s = sio(self);
    size_t len;
    const char *d = str_get_data(data, &len);
    if (s->pos + len > s->buf.len) {
        vstr_extend(&s->buf, s->pos + len - s->buf.len);
    }
    memcpy(s->buf.buf + s->pos, d, len);
    s->pos += len;
    return small_int((rt_int_t)len);
}
static BUILTIN_FUN_2(stringio_write_obj, stringio_write);

static obj_t make_result(obj_t self, const char *d, size_t len) {
    if (obj_type(self) == &type_bytesio) {
        return bytes_new((const uint8_t *)d, len);
    }
    return str_new(&type_str, d, len);
}

static obj_t stringio_read(size_t n, const obj_t *args) {
    obj_stringio_t *s = sio(args[0]);
    size_t avail = s->buf.len - s->pos;
    size_t want = avail;
    if (n > 1 && args[1] != OBJ_NONE) {
        rt_int_t w = obj_get_int(args[1]);
        if (w >= 0 && (size_t)w < avail) {
            want = (size_t)w;
        }
    }
    obj_t r = make_result(args[0], s->buf.buf + s->pos, want);
    s->pos += want;
    return r;
}
static BUILTIN_FUN_VAR(stringio_read_obj, 1, 2, stringio_read);

static obj_t stringio_readline(size_t n, const obj_t *args) {
    (void)n;
    obj_stringio_t *s = sio(args[0]);
    size_t end = s->pos;
    while (end < s->buf.len && s->buf.buf[end] != '\n') {
        end++;
    }
    if (end < s->buf.len) {
        end++;
    }
    obj_t r = make_result(args[0], s->buf.buf + s->pos, end - s->pos);
    s->pos = end;
    return r;
}
static BUILTIN_FUN_VAR(stringio_readline_obj, 1, 2, stringio_readline);

static obj_t stringio_getvalue(obj_t self) {
    obj_stringio_t *s = sio(self);
    return make_result(self, s->buf.buf, s->buf.len);
}
static BUILTIN_FUN_1(stringio_getvalue_obj, stringio_getvalue);

static obj_t stringio_seek(size_t n, const obj_t *args) {
    obj_stringio_t *s = sio(args[0]);
    rt_int_t off = obj_get_int(args[1]);
    rt_int_t whence = n > 2 ? obj_get_int(args[2]) : 0;
    rt_int_t base = whence == 1 ? (rt_int_t)s->pos : whence == 2 ? (rt_int_t)s->buf.len : 0;
    rt_int_t p = base + off;
    if (p < 0) {
        p = 0;
    }
    if ((size_t)p > s->buf.len) {
        vstr_extend(&s->buf, (size_t)p - s->buf.len);
    }
    s->pos = (size_t)p;
    return small_int(p);
}
static BUILTIN_FUN_VAR(stringio_seek_obj, 2, 3, stringio_seek);

static obj_t stringio_tell(obj_t self) {
    return small_int((rt_int_t)sio(self)->pos);
}
static BUILTIN_FUN_1(stringio_tell_obj, stringio_tell);

static obj_t stringio_close(obj_t self) {
    ((obj_stringio_t *)OBJ_TO_PTR(self))->closed = true;
    return OBJ_NONE;
}
static BUILTIN_FUN_1(stringio_close_obj, stringio_close);

static obj_t stringio_flush(obj_t self) {
    (void)self;
    return OBJ_NONE;
}
static BUILTIN_FUN_1(stringio_flush_obj, stringio_flush);

static obj_t stringio_enter(obj_t self) {
    return self;
}
static BUILTIN_FUN_1(stringio_enter_obj, stringio_enter);

static obj_t stringio_exit(size_t n, const obj_t *args) {
    (void)n;
    return stringio_close(args[0]);
}
static BUILTIN_FUN_VAR(stringio_exit_obj, 1, 4, stringio_exit);

static const map_elem_t stringio_locals_table[] = {
    ROM_ENTRY(QSTR_write, &stringio_write_obj),
    ROM_ENTRY(QSTR_read, &stringio_read_obj),
    ROM_ENTRY(QSTR_readline, &stringio_readline_obj),
    ROM_ENTRY(QSTR_close, &stringio_close_obj),
    ROM_ENTRY(QSTR___enter__, &stringio_enter_obj),
    ROM_ENTRY(QSTR___exit__, &stringio_exit_obj),
    ROM_ENTRY(Q_getvalue, &stringio_getvalue_obj),
    ROM_ENTRY(Q_seek, &stringio_seek_obj),
    ROM_ENTRY(Q_tell, &stringio_tell_obj),
    ROM_ENTRY(Q_flush, &stringio_flush_obj),
};
static ROM_DICT(stringio_locals, stringio_locals_table);

static void stringio_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_printf(p, "<io.%s %lx>", obj_type_name(o), (unsigned long)o);
}

const type_t type_stringio = {
    {&type_type}, 0, Q_StringIO, stringio_print, stringio_make_new, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &stringio_locals,
};

const type_t type_bytesio = {
    {&type_type}, 0, Q_BytesIO, stringio_print, stringio_make_new, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &stringio_locals,
};

static const map_elem_t io_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_io)),
    ROM_ENTRY(Q_StringIO, &type_stringio),
    ROM_ENTRY(Q_BytesIO, &type_bytesio),
};
static ROM_DICT(io_dict, io_table);
const obj_module_t module_io = {{&type_module}, (obj_t)&io_dict};

#endif // RT_MOD_IO
