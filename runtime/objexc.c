// runtime/objexc.c: exception objects. The builtin hierarchy (ROM types),
// creating and raising exceptions from C, the traceback each exception
// collects as it passes through frames, and printing in MicroPython's
// formats: repr "ValueError('a',)", str "a", and a traceback's last line
// "ValueError: a".
#include <string.h>

#include "obj.h"

static obj_t exc_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args);
static void exc_print(const print_t *p, obj_t o, print_kind_t kind);
static void exc_attr(obj_t self, qstr_t attr, obj_t *dest);

static obj_t exc_with_traceback(obj_t self, obj_t tb) {
    (void)tb;
    return self;
}
static BUILTIN_FUN_2(exc_with_traceback_obj, exc_with_traceback);

static obj_t exc_add_note(obj_t self, obj_t note) {
    (void)note;
    (void)self;
    return OBJ_NONE;
}
static BUILTIN_FUN_2(exc_add_note_obj, exc_add_note);

static const map_elem_t exc_locals_table[] = {
    ROM_ENTRY(Q_with_traceback, &exc_with_traceback_obj),
    ROM_ENTRY(Q_add_note, &exc_add_note_obj),
};
static ROM_DICT(exc_locals, exc_locals_table);

#define EXC_TYPE(name, parent_type)                                                        \
    const type_t type_##name = {                                                            \
        {&type_type}, TYPE_FLAG_EXC, QSTR_##name, exc_print, exc_make_new, NULL, NULL, NULL, \
        exc_attr, NULL, NULL, NULL, NULL, NULL, parent_type, &exc_locals,                   \
    }
#define EXC_TYPE_RT(name, parent_type)                                                  \
    const type_t type_##name = {                                                         \
        {&type_type}, TYPE_FLAG_EXC, Q_##name, exc_print, exc_make_new, NULL, NULL, NULL, \
        exc_attr, NULL, NULL, NULL, NULL, NULL, parent_type, &exc_locals,                \
    }

EXC_TYPE(BaseException, &type_object);
EXC_TYPE(SystemExit, &type_BaseException);
EXC_TYPE(KeyboardInterrupt, &type_BaseException);
EXC_TYPE(GeneratorExit, &type_BaseException);
EXC_TYPE(Exception, &type_BaseException);
EXC_TYPE(StopIteration, &type_Exception);
EXC_TYPE_RT(StopAsyncIteration, &type_Exception);
EXC_TYPE(ArithmeticError, &type_Exception);
EXC_TYPE(OverflowError, &type_ArithmeticError);
EXC_TYPE(ZeroDivisionError, &type_ArithmeticError);
EXC_TYPE(AssertionError, &type_Exception);
EXC_TYPE(AttributeError, &type_Exception);
EXC_TYPE(EOFError, &type_Exception);
EXC_TYPE(ImportError, &type_Exception);
EXC_TYPE(LookupError, &type_Exception);
EXC_TYPE(IndexError, &type_LookupError);
EXC_TYPE(KeyError, &type_LookupError);
EXC_TYPE(MemoryError, &type_Exception);
EXC_TYPE(NameError, &type_Exception);
EXC_TYPE(OSError, &type_Exception);
EXC_TYPE_RT(TimeoutError, &type_OSError);
EXC_TYPE(RuntimeError, &type_Exception);
EXC_TYPE(NotImplementedError, &type_RuntimeError);
EXC_TYPE(SyntaxError, &type_Exception);
EXC_TYPE(IndentationError, &type_SyntaxError);
EXC_TYPE(TypeError, &type_Exception);
EXC_TYPE(ValueError, &type_Exception);
EXC_TYPE_RT(UnicodeError, &type_ValueError);
EXC_TYPE_RT(CancelledError, &type_BaseException);

const obj_exc_t exc_memory_error_obj = {{&type_MemoryError}, OBJ_EMPTY_TUPLE, 0, 0, NULL};

obj_exc_t *exc_native(obj_t o) {
    obj_t n = instance_native(o, &type_BaseException);
    return OBJ_TO_PTR(n);
}

bool obj_is_exception_instance(obj_t o) {
    return obj_is_ptr(o) && o != OBJ_NULL && (obj_type(o)->flags & TYPE_FLAG_EXC) != 0;
}

bool obj_is_exception_type(obj_t o) {
    return obj_is_type(o, &type_type) && (((const type_t *)o)->flags & TYPE_FLAG_EXC) != 0;
}

obj_t exc_new(const type_t *t, size_t n_args, const obj_t *args) {
    obj_exc_t *e = rt_new(obj_exc_t);
    e->base.type = t;
    e->args = n_args ? tuple_new(n_args, args) : OBJ_EMPTY_TUPLE;
    return (obj_t)e;
}

static obj_t exc_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    arg_check_num(n_args, n_kw, 0, (size_t)-1, false);
    if (obj_is_instance_type(t)) {
        t = type_native_base(t);
    }
    return exc_new(t, n_args, args);
}

obj_t exc_new_msg(const type_t *t, const char *msg) {
    obj_t m = str_new_cstr(msg);
    return exc_new(t, 1, &m);
}

static obj_t exc_new_msg_vfmt(const type_t *t, const char *fmt, va_list ap) {
    vstr_t v;
    vstr_init(&v, 64);
    print_t p;
    vstr_print_init(&v, &p);
    print_vprintf(&p, fmt, ap);
    obj_t m = str_from_vstr(&type_str, &v);
    return exc_new(t, 1, &m);
}

obj_t exc_new_msg_fmt(const type_t *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    obj_t exc = exc_new_msg_vfmt(t, fmt, ap);
    va_end(ap);
    return exc;
}

noreturn void rt_raise_obj(obj_t exc) {
    nlr_jump(exc);
}

noreturn void rt_raise(const type_t *t, const char *msg) {
    nlr_jump(msg ? exc_new_msg(t, msg) : exc_new(t, 0, NULL));
}

noreturn void rt_raise_fmt(const type_t *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    obj_t exc = exc_new_msg_vfmt(t, fmt, ap);
    va_end(ap);
    nlr_jump(exc);
}

noreturn void rt_raise_type_error(const char *msg) {
    rt_raise(&type_TypeError, msg);
}

noreturn void rt_raise_value_error(const char *msg) {
    rt_raise(&type_ValueError, msg);
}

noreturn void rt_raise_not_impl(const char *msg) {
    rt_raise(&type_NotImplementedError, msg);
}

noreturn void rt_raise_memory_error(void) {
    nlr_jump((obj_t)&exc_memory_error_obj);
}

noreturn void rt_raise_stop_iteration(obj_t value) {
    if (value == OBJ_NONE) {
        nlr_jump(exc_new(&type_StopIteration, 0, NULL));
    }
    nlr_jump(exc_new(&type_StopIteration, 1, &value));
}

obj_t exc_get_value(obj_t exc) {
    obj_exc_t *e = exc_native(exc);
    obj_tuple_t *args = OBJ_TO_PTR(e->args);
    return args->len > 0 ? args->items[0] : OBJ_NONE;
}

bool exc_match(obj_t exc, obj_t type_or_tuple) {
    if (obj_is_type(type_or_tuple, &type_tuple)) {
        obj_tuple_t *t = OBJ_TO_PTR(type_or_tuple);
        for (size_t i = 0; i < t->len; i++) {
            if (exc_match(exc, t->items[i])) {
                return true;
            }
        }
        return false;
    }
    if (!obj_is_type(type_or_tuple, &type_type)) {
        return false;
    }
    const type_t *t = obj_is_exception_type(exc) ? (const type_t *)exc : obj_type(exc);
    return type_is_subclass(t, (const type_t *)type_or_tuple);
}

// ---------------------------------------------------------------------------
// Printing.
static const char *errno_name(rt_int_t e) {
    switch (e) {
        case 1: return "EPERM";
        case 2: return "ENOENT";
        case 5: return "EIO";
        case 9: return "EBADF";
        case 11: return "EAGAIN";
        case 12: return "ENOMEM";
        case 13: return "EACCES";
        case 17: return "EEXIST";
        case 19: return "ENODEV";
        case 21: return "EISDIR";
        case 22: return "EINVAL";
        case 95: return "EOPNOTSUPP";
        case 98: return "EADDRINUSE";
        case 103: return "ECONNABORTED";
        case 104: return "ECONNRESET";
        case 105: return "ENOBUFS";
        case 107: return "ENOTCONN";
        case 110: return "ETIMEDOUT";
        case 111: return "ECONNREFUSED";
        case 113: return "EHOSTUNREACH";
        case 114: return "EALREADY";
        case 115: return "EINPROGRESS";
        default: return NULL;
    }
}

void exc_print_args(const print_t *p, obj_t exc, print_kind_t kind, qstr_t name);
void exc_print_args(const print_t *p, obj_t exc, print_kind_t kind, qstr_t name) {
    obj_exc_t *e = OBJ_TO_PTR(exc);
    if (kind == PRINT_REPR || kind == PRINT_EXC) {
        print_str(p, rtq_str(name));
    }
    if (kind == PRINT_EXC) {
        print_str(p, ": ");
    }
    obj_tuple_t *args = OBJ_TO_PTR(e->args);
    if (kind == PRINT_STR || kind == PRINT_EXC) {
        if (args->len == 0) {
            return;
        }
        if (type_is_subclass(e->base.type, &type_OSError) && args->len < 3
            && obj_is_small_int(args->items[0])) {
            const char *en = errno_name(small_int_value(args->items[0]));
            if (en != NULL) {
                print_printf(p, "[Errno %ld] %s", (long)small_int_value(args->items[0]), en);
                if (args->len > 1) {
                    print_str(p, ": ");
                    obj_print(p, args->items[1], PRINT_STR);
                }
                return;
            }
        }
        if (args->len == 1) {
            obj_print(p, args->items[0], PRINT_STR);
            return;
        }
    }
    obj_print(p, e->args, PRINT_REPR);
}

static void exc_print(const print_t *p, obj_t o, print_kind_t kind) {
    exc_print_args(p, o, kind, obj_type(o)->name);
}

static void exc_attr(obj_t self, qstr_t attr, obj_t *dest) {
    obj_exc_t *e = OBJ_TO_PTR(self);
    if (dest[0] != OBJ_NULL) {
        if (attr == QSTR_args && dest[1] != OBJ_NULL) {
            e->args = dest[1];
            dest[0] = OBJ_NULL;
        }
        return;
    }
    if (attr == QSTR_args) {
        dest[0] = e->args;
    } else if (attr == QSTR_value && type_is_subclass(e->base.type, &type_StopIteration)) {
        dest[0] = exc_get_value(self);
    } else if (attr == Q_errno && type_is_subclass(e->base.type, &type_OSError)) {
        dest[0] = exc_get_value(self);
    } else if (attr == Q___traceback__) {
        dest[0] = OBJ_NONE;
    } else if (attr == Q_code && e->base.type == &type_SystemExit) {
        dest[0] = exc_get_value(self);
    }
}

// ---------------------------------------------------------------------------
// Tracebacks.
void exc_add_traceback(obj_t exc, qstr_t file, size_t line, qstr_t block) {
    if (!obj_is_exception_instance(exc)) {
        return;
    }
    obj_exc_t *e = exc_native(exc);
    if ((obj_t)e == (obj_t)&exc_memory_error_obj || !obj_is_exception_instance((obj_t)e)) {
        return;
    }
    if (e->tb_len + 3 > e->tb_alloc) {
        size_t n = e->tb_alloc ? e->tb_alloc * 2 : 12;
        uintptr_t *tb = gc_alloc_maybe(n * sizeof(uintptr_t));
        if (tb == NULL) {
            return;
        }
        if (e->tb_len) {
            memcpy(tb, e->tb, e->tb_len * sizeof(uintptr_t));
        }
        e->tb = tb;
        e->tb_alloc = n;
    }
    e->tb[e->tb_len++] = file;
    e->tb[e->tb_len++] = line;
    e->tb[e->tb_len++] = block;
}

void exc_clear_traceback(obj_t exc) {
    if (obj_is_exception_instance(exc)) {
        obj_exc_t *e = exc_native(exc);
        if ((obj_t)e != (obj_t)&exc_memory_error_obj) {
            e->tb_len = 0;
        }
    }
}

void exc_print_traceback(const print_t *p, obj_t exc) {
    if (obj_is_exception_instance(exc)) {
        obj_exc_t *e = exc_native(exc);
        if (e->tb_len > 0) {
            print_str(p, "Traceback (most recent call last):\n");
            for (size_t i = e->tb_len; i >= 3; i -= 3) {
                print_printf(p, "  File \"%s\", line %u", rtq_str((qstr_t)e->tb[i - 3]),
                             (unsigned)e->tb[i - 2]);
                qstr_t block = (qstr_t)e->tb[i - 1];
                if (block == QSTR_NULL) {
                    print_str(p, "\n");
                } else {
                    print_printf(p, ", in %s\n", rtq_str(block));
                }
            }
        }
    }
    obj_print(p, exc, PRINT_EXC);
    print_str(p, "\n");
}
