// runtime/ports/host/modffi.c: the ffi module of the host build, as the
// official unix port has it: open a shared library, look up functions and
// variables by name, call them with arguments converted by one-letter type
// codes, and pass Python functions to C as callbacks (libffi closures).
//   lib = ffi.open("libc.so.6"); strlen = lib.func("i", "strlen", "s")
// Type codes: v void, b B h H i I l L q Q integers, f d floats, s char *
// (str in, str out), p P pointers (int, bytes, bytearray, None), O object.
#include "../../config.h"

#if defined(__has_include) && (!defined(RT_MOD_FFI) || RT_MOD_FFI)
#if __has_include(<ffi.h>)
#define HOST_HAVE_FFI 1
#endif
#endif

#ifdef HOST_HAVE_FFI

#include <dlfcn.h>
#include <ffi.h>
#include <stdlib.h>
#include <string.h>

#include "../../obj.h"
#include "../../port.h"

static ffi_type *ffi_type_of(char c) {
    switch (c) {
        case 'v':
            return &ffi_type_void;
        case 'b':
            return &ffi_type_sint8;
        case 'B':
            return &ffi_type_uint8;
        case 'h':
            return &ffi_type_sint16;
        case 'H':
            return &ffi_type_uint16;
        case 'i':
            return &ffi_type_sint;
        case 'I':
            return &ffi_type_uint;
        case 'l':
            return &ffi_type_slong;
        case 'L':
            return &ffi_type_ulong;
        case 'q':
            return &ffi_type_sint64;
        case 'Q':
            return &ffi_type_uint64;
        case 'f':
            return &ffi_type_float;
        case 'd':
            return &ffi_type_double;
        case 's':
        case 'p':
        case 'P':
        case 'O':
        case 'C':
            return &ffi_type_pointer;
        default:
            rt_raise_fmt(&type_ValueError, "unknown ffi type '%c'", c);
    }
}

// A C value big enough for any argument or return.
typedef union cval {
    int64_t i;
    uint64_t u;
    double d;
    float f;
    void *p;
    ffi_arg a;
} cval_t;

static void to_c(char t, obj_t o, cval_t *v) {
    memset(v, 0, sizeof(*v));
    switch (t) {
        case 'f':
            v->f = (float)obj_get_float(o);
            return;
        case 'd':
            v->d = (double)obj_get_float(o);
            return;
        case 'O':
            v->p = (void *)o;
            return;
        default:
            break;
    }
    if (o == OBJ_NONE) {
        v->p = NULL;
    } else if (obj_is_str(o)) {
        v->p = (void *)str_get_cstr(o);
    } else if (obj_is_int(o) || o == OBJ_TRUE || o == OBJ_FALSE) {
        long long x;
        if (!int_to_ll_maybe(o == OBJ_TRUE ? small_int(1) : o == OBJ_FALSE ? small_int(0) : o, &x)) {
            x = (long long)obj_get_int_truncated(o);
        }
        if (ffi_type_of(t)->size < 8 && (t == 'b' || t == 'h' || t == 'i' || (t == 'l' && sizeof(long) == 4))) {
            v->a = (ffi_arg)(ffi_sarg)x;
        } else {
            v->i = x;
        }
    } else {
        buffer_info_t info;
        if (obj_get_buffer(o, &info, BUFFER_READ)) {
            v->p = info.buf;
        } else if (obj_is_type(o, &type_fun_builtin)) {
            rt_raise_type_error("ffi: cannot pass a builtin function");
        } else {
            extern void *ffi_callback_code(obj_t o);
            v->p = ffi_callback_code(o);
        }
    }
}

static obj_t from_c(char t, const cval_t *v) {
    switch (t) {
        case 'v':
            return OBJ_NONE;
        case 'b':
            return small_int((int8_t)v->a);
        case 'B':
            return small_int((uint8_t)v->a);
        case 'h':
            return small_int((int16_t)v->a);
        case 'H':
            return small_int((uint16_t)v->a);
        case 'i':
            return int_from_ll((int)v->a);
        case 'I':
            return int_from_ull((unsigned)v->a);
        case 'l':
            return int_from_ll((long)v->a);
        case 'L':
            return int_from_ull((unsigned long)v->a);
        case 'q':
            return int_from_ll(v->i);
        case 'Q':
            return int_from_ull(v->u);
        case 'f':
            return float_new(v->f);
        case 'd':
            return float_new(v->d);
        case 's':
            return v->p ? str_new_cstr(v->p) : OBJ_NONE;
        case 'O':
            return (obj_t)v->p;
        default:
            return int_from_ull((uintptr_t)v->p);
    }
}

// ---------------------------------------------------------------------------
// Functions.
typedef struct ffi_fun {
    obj_base_t base;
    void *fn;
    char rettype;
    const char *argtypes;   // GC-held copy
    ffi_cif cif;
    ffi_type *params[];
} ffi_fun_t;

static const type_t type_ffi_fun;

static obj_t make_fun(void *fn, obj_t rettype, obj_t argtypes) {
    const char *rt_ = str_get_cstr(rettype);
    size_t n;
    const char *at = str_get_data(argtypes, &n);
    ffi_fun_t *f = gc_alloc(sizeof(ffi_fun_t) + (n + 1) * sizeof(ffi_type *));
    f->base.type = &type_ffi_fun;
    f->fn = fn;
    f->rettype = rt_[0];
    char *copy = gc_alloc(n + 1);
    memcpy(copy, at, n);
    f->argtypes = copy;
    for (size_t i = 0; i < n; i++) {
        f->params[i] = ffi_type_of(at[i]);
    }
    if (ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, (unsigned)n, ffi_type_of(f->rettype), f->params) != FFI_OK) {
        rt_raise(&type_OSError, "ffi_prep_cif failed");
    }
    return (obj_t)f;
}

static obj_t ffi_fun_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    ffi_fun_t *f = OBJ_TO_PTR(self);
    size_t n = strlen(f->argtypes);
    arg_check_num(n_args, n_kw, n, n, false);
    cval_t vals[16];
    void *ptrs[16];
    if (n > 16) {
        rt_raise_value_error("ffi: too many arguments");
    }
    for (size_t i = 0; i < n; i++) {
        to_c(f->argtypes[i], args[i], &vals[i]);
        ptrs[i] = &vals[i];
    }
    cval_t ret;
    memset(&ret, 0, sizeof(ret));
    ffi_call(&f->cif, FFI_FN(f->fn), &ret, ptrs);
    return from_c(f->rettype, &ret);
}

static void ffi_fun_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_printf(p, "<ffifunc %p>", ((ffi_fun_t *)OBJ_TO_PTR(o))->fn);
}

static const type_t type_ffi_fun = {
    {&type_type}, 0, Q_ffifunc, ffi_fun_print, NULL, ffi_fun_call, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

// ---------------------------------------------------------------------------
// Callbacks: a libffi closure calling a Python function. The records live
// outside the GC heap, so their Python functions are marked as roots.
typedef struct callback {
    obj_base_t base;
    obj_t fun;
    char rettype;
    char argtypes[16];
    ffi_closure *closure;
    void *code;
    ffi_cif cif;
    ffi_type *params[16];
    struct callback *next;
} callback_t;

static callback_t *callbacks;
static const type_t type_ffi_callback;

static void callback_trampoline(ffi_cif *cif, void *ret, void **args, void *user) {
    (void)cif;
    callback_t *cb = user;
    size_t n = strlen(cb->argtypes);
    obj_t pyargs[16];
    for (size_t i = 0; i < n; i++) {
        cval_t v;
        memset(&v, 0, sizeof(v));
        memcpy(&v, args[i], cb->params[i]->size);
        if (cb->params[i]->size < sizeof(ffi_arg) && cb->argtypes[i] != 'f') {
            // Small integers arrive unwidened; widen by their signedness.
            int64_t x = 0;
            memcpy(&x, args[i], cb->params[i]->size);
            v.a = (ffi_arg)x;
        }
        pyargs[i] = from_c(cb->argtypes[i], &v);
    }
    obj_t r = rt_call(cb->fun, n, 0, pyargs);
    cval_t out;
    to_c(cb->rettype, r, &out);
    if (cb->rettype != 'v') {
        if (cb->rettype == 'f' || cb->rettype == 'd') {
            memcpy(ret, &out, cb->rettype == 'f' ? sizeof(float) : sizeof(double));
        } else {
            *(ffi_arg *)ret = out.a;
        }
    }
}

void *ffi_callback_code(obj_t o);
void *ffi_callback_code(obj_t o) {
    if (!obj_is_type(o, &type_ffi_callback)) {
        rt_raise_fmt(&type_TypeError, "ffi: can't convert %s to a C value", obj_type_name(o));
    }
    return ((callback_t *)OBJ_TO_PTR(o))->code;
}

static obj_t ffi_callback(obj_t rettype, obj_t fun, obj_t argtypes) {
    size_t n;
    const char *at = str_get_data(argtypes, &n);
    if (n >= 16) {
        rt_raise_value_error("ffi: too many callback arguments");
    }
    callback_t *cb = calloc(1, sizeof(callback_t));
    if (cb == NULL) {
        rt_raise_memory_error();
    }
    cb->base.type = &type_ffi_callback;
    cb->fun = fun;
    cb->rettype = str_get_cstr(rettype)[0];
    memcpy(cb->argtypes, at, n);
    for (size_t i = 0; i < n; i++) {
        cb->params[i] = ffi_type_of(at[i]);
    }
    cb->closure = ffi_closure_alloc(sizeof(ffi_closure), &cb->code);
    if (cb->closure == NULL
        || ffi_prep_cif(&cb->cif, FFI_DEFAULT_ABI, (unsigned)n, ffi_type_of(cb->rettype), cb->params) != FFI_OK
        || ffi_prep_closure_loc(cb->closure, &cb->cif, callback_trampoline, cb, cb->code) != FFI_OK) {
        free(cb);
        rt_raise(&type_OSError, "ffi: cannot make a callback");
    }
    cb->next = callbacks;
    callbacks = cb;
    return (obj_t)cb;
}
static BUILTIN_FUN_3(ffi_callback_obj, ffi_callback);

static obj_t callback_cfun(obj_t self) {
    return int_from_ull((uintptr_t)((callback_t *)OBJ_TO_PTR(self))->code);
}
static BUILTIN_FUN_1(callback_cfun_obj, callback_cfun);

static const map_elem_t callback_locals_table[] = {
    ROM_ENTRY(Q_cfun, &callback_cfun_obj),
};
static ROM_DICT(callback_locals, callback_locals_table);

static const type_t type_ffi_callback = {
    {&type_type}, 0, Q_fficallback, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &callback_locals,
};

void ffi_mark_roots(void);
void ffi_mark_roots(void) {
    for (callback_t *cb = callbacks; cb != NULL; cb = cb->next) {
        gc_mark_words(&cb->fun, 1);
    }
}

// ---------------------------------------------------------------------------
// Libraries and variables.
typedef struct ffi_lib {
    obj_base_t base;
    void *handle;
} ffi_lib_t;

typedef struct ffi_var {
    obj_base_t base;
    void *addr;
    char type;
} ffi_var_t;

static const type_t type_ffi_lib, type_ffi_var;

static void *lookup(obj_t lib, obj_t name) {
    ffi_lib_t *l = OBJ_TO_PTR(lib);
    void *sym = dlsym(l->handle, str_get_cstr(name));
    if (sym == NULL) {
        obj_t e = small_int(2);
        rt_raise_obj(exc_new(&type_OSError, 1, &e));
    }
    return sym;
}

static obj_t lib_func(size_t n, const obj_t *args) {
    (void)n;
    return make_fun(lookup(args[0], args[2]), args[1], args[3]);
}
static BUILTIN_FUN_VAR(lib_func_obj, 4, 4, lib_func);

static obj_t lib_var(obj_t self, obj_t type, obj_t name) {
    ffi_var_t *v = rt_new(ffi_var_t);
    v->base.type = &type_ffi_var;
    v->addr = lookup(self, name);
    v->type = str_get_cstr(type)[0];
    return (obj_t)v;
}
static BUILTIN_FUN_3(lib_var_obj, lib_var);

static obj_t lib_addr(obj_t self, obj_t name) {
    return int_from_ull((uintptr_t)lookup(self, name));
}
static BUILTIN_FUN_2(lib_addr_obj, lib_addr);

static obj_t lib_close(obj_t self) {
    ffi_lib_t *l = OBJ_TO_PTR(self);
    if (l->handle != NULL) {
        dlclose(l->handle);
        l->handle = NULL;
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_1(lib_close_obj, lib_close);

static const map_elem_t lib_locals_table[] = {
    ROM_ENTRY(Q_func, &lib_func_obj),
    ROM_ENTRY(Q_var, &lib_var_obj),
    ROM_ENTRY(Q_addr, &lib_addr_obj),
    ROM_ENTRY(QSTR_close, &lib_close_obj),
};
static ROM_DICT(lib_locals, lib_locals_table);

static void lib_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    print_printf(p, "<ffimod %p>", ((ffi_lib_t *)OBJ_TO_PTR(o))->handle);
}

static const type_t type_ffi_lib = {
    {&type_type}, 0, Q_ffimod, lib_print, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &lib_locals,
};

static obj_t var_get(obj_t self) {
    ffi_var_t *v = OBJ_TO_PTR(self);
    cval_t c;
    memset(&c, 0, sizeof(c));
    memcpy(&c, v->addr, ffi_type_of(v->type)->size);
    if (ffi_type_of(v->type)->size < sizeof(ffi_arg) && v->type != 'f') {
        int64_t x = 0;
        memcpy(&x, v->addr, ffi_type_of(v->type)->size);
        c.a = (ffi_arg)x;
    }
    return from_c(v->type, &c);
}
static BUILTIN_FUN_1(var_get_obj, var_get);

static obj_t var_set(obj_t self, obj_t value) {
    ffi_var_t *v = OBJ_TO_PTR(self);
    cval_t c;
    to_c(v->type, value, &c);
    memcpy(v->addr, &c, ffi_type_of(v->type)->size);
    return OBJ_NONE;
}
static BUILTIN_FUN_2(var_set_obj, var_set);

static const map_elem_t var_locals_table[] = {
    ROM_ENTRY(QSTR_get, &var_get_obj),
    ROM_ENTRY(QSTR_set, &var_set_obj),
};
static ROM_DICT(var_locals, var_locals_table);

static const type_t type_ffi_var = {
    {&type_type}, 0, Q_ffivar, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &var_locals,
};

// ---------------------------------------------------------------------------
static obj_t ffi_open(size_t n, const obj_t *args) {
    const char *name = n > 0 && args[0] != OBJ_NONE ? str_get_cstr(args[0]) : NULL;
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        obj_t e = small_int(2);
        rt_raise_obj(exc_new(&type_OSError, 1, &e));
    }
    ffi_lib_t *l = rt_new(ffi_lib_t);
    l->base.type = &type_ffi_lib;
    l->handle = h;
    return (obj_t)l;
}
static BUILTIN_FUN_VAR(ffi_open_obj, 0, 2, ffi_open);

static obj_t ffi_func(obj_t rettype, obj_t addr, obj_t argtypes) {
    return make_fun((void *)(uintptr_t)obj_get_int_truncated(addr), rettype, argtypes);
}
static BUILTIN_FUN_3(ffi_func_obj, ffi_func);

static obj_t ffi_as_bytearray(obj_t addr, obj_t len) {
    obj_t b = bytearray_new(0, NULL);
    obj_array_t *a = OBJ_TO_PTR(b);
    a->items = (uint8_t *)(uintptr_t)obj_get_int_truncated(addr);
    a->len = a->alloc = (size_t)obj_get_int(len);
    return b;
}
static BUILTIN_FUN_2(ffi_as_bytearray_obj, ffi_as_bytearray);

static const map_elem_t ffi_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_ffi)),
    ROM_ENTRY(QSTR_open, &ffi_open_obj),
    ROM_ENTRY(Q_callback, &ffi_callback_obj),
    ROM_ENTRY(Q_func, &ffi_func_obj),
    ROM_ENTRY(Q_as_bytearray, &ffi_as_bytearray_obj),
};
static ROM_DICT(ffi_dict, ffi_table);
static const obj_module_t module_ffi = {{&type_module}, (obj_t)&ffi_dict};

obj_t host_ffi_module(void);
obj_t host_ffi_module(void) {
    return (obj_t)&module_ffi;
}

#else // no <ffi.h>: the module is left out of this build

#include "../../obj.h"

obj_t host_ffi_module(void);
obj_t host_ffi_module(void) {
    return OBJ_NULL;
}
void ffi_mark_roots(void);
void ffi_mark_roots(void) {
}

#endif
