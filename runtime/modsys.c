// runtime/modsys.c: the sys module. Its name space lives on the heap
// because argv, path and modules are filled in at start-up; stdout and
// stderr are small objects whose write goes to the port's console.
#include <string.h>

#include "obj.h"
#include "port.h"

// sys.stdout / sys.stderr / sys.stdin
typedef struct obj_stream {
    obj_base_t base;
    int fd;
} obj_stream_t;

static obj_t stream_write(obj_t self, obj_t s) {
    obj_stream_t *st = OBJ_TO_PTR(self);
    size_t len;
    const char *d = str_get_data(s, &len);
    port_write(st->fd, d, len);
    return small_int((rt_int_t)len);
}
static BUILTIN_FUN_2(stream_write_obj, stream_write);

static obj_t stream_flush(obj_t self) {
    (void)self;
    return OBJ_NONE;
}
static BUILTIN_FUN_1(stream_flush_obj, stream_flush);

static obj_t stream_read(size_t n, const obj_t *args) {
    (void)n;
    (void)args;
    return obj_qstr(QSTR_empty);
}
static BUILTIN_FUN_VAR(stream_read_obj, 1, 2, stream_read);

static const map_elem_t stream_locals_table[] = {
    ROM_ENTRY(QSTR_write, &stream_write_obj),
    ROM_ENTRY(Q_flush, &stream_flush_obj),
    ROM_ENTRY(QSTR_read, &stream_read_obj),
    ROM_ENTRY(QSTR_readline, &stream_read_obj),
};
static ROM_DICT(stream_locals, stream_locals_table);

static void stream_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_printf(p, "<io.TextIOWrapper %d>", ((obj_stream_t *)o)->fd);
}

static const type_t type_stream = {
    {&type_type}, 0, Q_TextIOWrapper, stream_print, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &stream_locals,
};

static const obj_stream_t sys_stdin_obj = {{&type_stream}, 0};
static const obj_stream_t sys_stdout_obj = {{&type_stream}, PORT_STDOUT};
static const obj_stream_t sys_stderr_obj = {{&type_stream}, PORT_STDERR};

// sys.implementation: a tuple whose items are also attributes.
typedef struct attrtuple {
    obj_tuple_t tuple;
} attrtuple_t;

static const qstr_t impl_fields[] = {Q_name, Q_version, Q__machine, Q__mpy};

static void impl_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    const obj_tuple_t *t = OBJ_TO_PTR(self);
    for (size_t i = 0; i < t->len; i++) {
        if (impl_fields[i] == attr) {
            dest[0] = t->items[i];
        }
    }
}

static void impl_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_tuple_t *t = OBJ_TO_PTR(o);
    print_str(p, "(");
    for (size_t i = 0; i < t->len; i++) {
        if (i) {
            print_str(p, ", ");
        }
        print_printf(p, "%s=", rtq_str(impl_fields[i]));
        obj_print(p, t->items[i], PRINT_REPR);
    }
    print_str(p, ")");
}

static const type_t type_impl = {
    {&type_type}, 0, QSTR_tuple, impl_print, NULL, NULL, NULL, NULL,
    impl_attr, NULL, NULL, NULL, NULL, NULL, &type_tuple, NULL,
};

static obj_t sys_exit(size_t n, const obj_t *args) {
    rt_raise_obj(exc_new(&type_SystemExit, n, args));
}
static BUILTIN_FUN_VAR(sys_exit_obj, 0, 1, sys_exit);

static obj_t sys_print_exception(size_t n, const obj_t *args) {
    const print_t *p = &print_stdout;
    if (n > 1 && args[1] == rt.sys_stderr) {
        p = &print_stderr;
    }
    exc_print_traceback(p, args[0]);
    return OBJ_NONE;
}
static BUILTIN_FUN_VAR(sys_print_exception_obj, 1, 2, sys_print_exception);

static obj_t sys_exc_info(void) {
    obj_t items[3] = {OBJ_NONE, OBJ_NONE, OBJ_NONE};
    if (rt.cur_exc != OBJ_NULL && rt.cur_exc != OBJ_NONE) {
        items[0] = (obj_t)obj_type(rt.cur_exc);
        items[1] = rt.cur_exc;
    }
    return tuple_new(3, items);
}
static BUILTIN_FUN_0(sys_exc_info_obj, sys_exc_info);

static obj_t sys_getsizeof(obj_t o) {
    if (obj_is_ptr(o)) {
        size_t n = gc_nbytes((const void *)o);
        if (n) {
            return small_int((rt_int_t)n);
        }
    }
    return small_int((rt_int_t)sizeof(obj_t));
}
static BUILTIN_FUN_1(sys_getsizeof_obj, sys_getsizeof);

const obj_module_t module_sys = {{&type_module}, OBJ_NULL};

static void store(obj_t globals, qstr_t q, obj_t v) {
    dict_store(globals, obj_qstr(q), v);
}

// Builds the sys module: argv holds the script and its arguments.
void mod_sys_init(int argc, char **argv) {
    obj_t m = module_new(Q_sys);
    obj_t g = rt_module_get_globals(m);
    rt.sys_module = m;
    rt.sys_argv = list_new(0, NULL);
    for (int i = 0; i < argc; i++) {
        list_append(rt.sys_argv, str_new_cstr(argv[i]));
    }
    rt.sys_path = list_new(0, NULL);
    rt.modules = dict_new(0);
    rt.sys_stdout = (obj_t)&sys_stdout_obj;
    rt.sys_stderr = (obj_t)&sys_stderr_obj;
    rt.sys_stdin = (obj_t)&sys_stdin_obj;
    store(g, Q_argv, rt.sys_argv);
    store(g, Q_path, rt.sys_path);
    store(g, Q_modules, rt.modules);
    store(g, Q_stdout, rt.sys_stdout);
    store(g, Q_stderr, rt.sys_stderr);
    store(g, Q_stdin, rt.sys_stdin);
    store(g, Q_byteorder, obj_qstr(QSTR_little));
    // Without big ints the largest int is the largest small int.
    store(g, Q_maxsize, RT_BIGINT ? int_from_ll((long long)INTPTR_MAX) : small_int(SMALL_INT_MAX));
    store(g, Q_platform, str_new_cstr("linux"));
    store(g, Q_version, str_new_cstr("3.4.0; MicroPython v1.28.0 mpy-vm"));
    obj_t vi[3] = {small_int(3), small_int(4), small_int(0)};
    store(g, Q_version_info, tuple_new(3, vi));
    obj_t ver[4] = {small_int(1), small_int(28), small_int(0), obj_qstr(QSTR_empty)};
    obj_t impl[4] = {obj_qstr(QSTR_micropython), tuple_new(4, ver), str_new_cstr("mpy-vm"),
                     small_int(6 | (3 << 8))};
    obj_t it = tuple_new(4, impl);
    ((obj_tuple_t *)it)->base.type = &type_impl;
    store(g, Q_implementation, it);
    store(g, Q_exit, (obj_t)&sys_exit_obj);
    store(g, Q_print_exception, (obj_t)&sys_print_exception_obj);
    store(g, Q_exc_info, (obj_t)&sys_exc_info_obj);
    store(g, Q_getsizeof, (obj_t)&sys_getsizeof_obj);
}
