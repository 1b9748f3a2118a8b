// runtime/nativeglue.c: the native function table (rows in nativeglue.def)
// and the small wrappers that give VM operations the C signatures
// MicroPython's mp_fun_table entries have, plus the conversions between
// objects and viper's machine words.
#include "nativeglue.h"

#if RT_NATIVE
#include <string.h>

// ---------------------------------------------------------------------------
// Conversions for viper arguments, results and casts. `type` is a native
// type number: 0 object, 1 bool, 2 int, 3 uint, 4.. pointers.
enum {
    NATIVE_TYPE_OBJ = 0,
    NATIVE_TYPE_BOOL = 1,
    NATIVE_TYPE_INT = 2,
    NATIVE_TYPE_UINT = 3,
};

static rt_uint_t native_from_obj(obj_t o, rt_uint_t type) {
    switch (type & 0xf) {
        case NATIVE_TYPE_OBJ:
            return o;
        case NATIVE_TYPE_BOOL:
            return obj_is_true(o);
        case NATIVE_TYPE_INT:
        case NATIVE_TYPE_UINT:
            return (rt_uint_t)obj_get_int_truncated(o);
        default: {
            // A pointer: to the object's buffer, else the integer's value.
            buffer_info_t info;
            if (obj_get_buffer(o, &info, BUFFER_READ)) {
                return (rt_uint_t)info.buf;
            }
            return (rt_uint_t)obj_get_int_truncated(o);
        }
    }
}

static obj_t native_to_obj(rt_uint_t val, rt_uint_t type) {
    switch (type & 0xf) {
        case NATIVE_TYPE_OBJ:
            return val;
        case NATIVE_TYPE_BOOL:
            return OBJ_BOOL(val != 0);
        case NATIVE_TYPE_INT:
            return int_from_ll((rt_int_t)val);
        default:  // uint, or a pointer as its address
            return int_from_ull(val);
    }
}

// ---------------------------------------------------------------------------
// Names, attributes and globals.
static obj_t native_swap_globals(obj_t new_globals) {
    if (new_globals == OBJ_NULL) {
        return OBJ_NULL;
    }
    obj_t old = rt.cur_globals;
    if (new_globals == old) {
        return OBJ_NULL;
    }
    rt.cur_globals = new_globals;
    return old;
}

static obj_t native_load_name(rt_uint_t q) {
    return rt_load_name(rt.cur_locals, rt.cur_globals, (qstr_t)q);
}

static obj_t native_load_global(rt_uint_t q) {
    return rt_load_global(rt.cur_globals, (qstr_t)q);
}

static obj_t native_load_attr(obj_t base, rt_uint_t attr) {
    return rt_load_attr(base, (qstr_t)attr);
}

static void native_load_method(obj_t base, rt_uint_t attr, obj_t *dest) {
    rt_load_method(base, (qstr_t)attr, dest);
}

static void native_load_super_method(rt_uint_t attr, obj_t *dest) {
    rt_load_super_method((qstr_t)attr, dest);
}

static void native_store_name(rt_uint_t q, obj_t value) {
    dict_store(rt.cur_locals, obj_qstr((qstr_t)q), value);
}

static void native_store_global(rt_uint_t q, obj_t value) {
    dict_store(rt.cur_globals, obj_qstr((qstr_t)q), value);
}

static void native_store_attr(obj_t base, rt_uint_t attr, obj_t value) {
    rt_store_attr(base, (qstr_t)attr, value);
}

static void delete_from(obj_t dict, qstr_t q) {
    if (map_lookup(dict_map(dict), obj_qstr(q), MAP_LOOKUP_REMOVE_IF_FOUND) == NULL) {
        rt_raise_fmt(&type_NameError, "name '%s' isn't defined", rtq_str(q));
    }
}

static void native_delete_name(rt_uint_t q) {
    delete_from(rt.cur_locals, (qstr_t)q);
}

static void native_delete_global(rt_uint_t q) {
    delete_from(rt.cur_globals, (qstr_t)q);
}

static obj_t native_import_name(rt_uint_t name, obj_t fromlist, obj_t level) {
    return rt_import_name((qstr_t)name, fromlist, level);
}

static obj_t native_import_from(obj_t module, rt_uint_t name) {
    return rt_import_from(module, (qstr_t)name);
}

static void native_import_all(obj_t module) {
    rt_import_all(module, rt.cur_locals);
}

// ---------------------------------------------------------------------------
// Operators, containers and calls.
static obj_t native_unary_op(rt_uint_t op, obj_t o) {
    return rt_unary_op((int)op, o);
}

static obj_t native_binary_op(rt_uint_t op, obj_t lhs, obj_t rhs) {
    return rt_binary_op((int)op, lhs, rhs);
}

static obj_t native_set_new(size_t n, const obj_t *items) {
    return set_new(&type_set, n, items);
}

static obj_t native_dict_store(obj_t dict, obj_t key, obj_t value) {
    dict_store(dict, key, value);
    return dict;
}

static obj_t native_make_function(const code_t *code, const module_ctx_t *context,
                                  const obj_t *defaults) {
    (void)context;   // the code's own
    if (defaults == NULL) {
        return fun_bc_new(code, OBJ_NULL, OBJ_NULL, 0, NULL);
    }
    return fun_bc_new(code, defaults[0], defaults[1], 0, NULL);
}

static obj_t native_call_function_n_kw(obj_t fun, rt_uint_t n_args_kw, const obj_t *args) {
    return rt_call(fun, n_args_kw & 0xff, (n_args_kw >> 8) & 0xff, args);
}

static void native_arg_check_num_sig(size_t n_args, size_t n_kw, rt_uint_t sig) {
    arg_check_num(n_args, n_kw, (sig >> 17) & 0x7fff, (uint16_t)(sig >> 1), (sig & 1) != 0);
}

// With a buffer, the iterator lives in it; one that did not use the buffer
// is kept in its second word, the first (the type) set to NULL.
static obj_t native_getiter(obj_t o, iter_buf_t *buf) {
    if (buf == NULL) {
        return rt_getiter(o, NULL);
    }
    obj_t it = rt_getiter(o, buf);
    if (it != (obj_t)buf) {
        buf->base.type = NULL;
        buf->words[0] = it;
    }
    return OBJ_NULL;
}

static obj_t native_iternext(iter_buf_t *buf) {
    obj_t it = buf->base.type == NULL ? buf->words[0] : (obj_t)buf;
    return rt_iternext(it);
}

static void native_raise(obj_t o) {
    if (o != OBJ_NULL && o != OBJ_NONE) {
        nlr_jump(rt_make_raise_obj(o));
    }
}

static rt_int_t native_floor_divide(rt_int_t num, rt_int_t denom) {
    if (num >= 0) {
        if (denom < 0) {
            num += -denom - 1;
        }
    } else if (denom >= 0) {
        num += -denom + 1;
    }
    return num / denom;
}

static rt_int_t native_modulo(rt_int_t dividend, rt_int_t divisor) {
    dividend %= divisor;
    if ((dividend < 0 && divisor > 0) || (dividend > 0 && divisor < 0)) {
        dividend += divisor;
    }
    return dividend;
}

// Resumes gen, catching an exception it raises as VM_RETURN_EXCEPTION with
// the exception in *ret. Kept apart so that nothing but `ret` is live across
// the nlr_push (a longjmp back may clobber registers).
static vm_return_t resume_catching(obj_t gen, obj_t send, obj_t throw_exc, obj_t *ret) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        vm_return_t kind = rt_resume(gen, send, throw_exc, ret);
        nlr_pop();
        return kind;
    }
    *ret = nlr.ret_val;
    return VM_RETURN_EXCEPTION;
}

// One step of `yield from`: true when gen yielded (*ret the value), false
// when it finished (*ret its return value). On entry *ret is a value to
// throw in, or OBJ_NULL.
static bool native_yield_from(obj_t gen, obj_t send, obj_t *ret) {
    obj_t throw_exc = *ret;
    vm_return_t kind = resume_catching(gen, throw_exc != OBJ_NULL ? OBJ_NULL : send, throw_exc, ret);
    if (kind == VM_RETURN_YIELD) {
        return true;
    }
    if (kind == VM_RETURN_NORMAL) {
        if (*ret == OBJ_STOP_ITERATION) {
            *ret = OBJ_NONE;
        }
    } else {
        if (!exc_match(*ret, (obj_t)&type_StopIteration)) {
            nlr_jump(*ret);
        }
        *ret = exc_get_value(*ret);
    }
    if (throw_exc != OBJ_NULL && exc_match(throw_exc, (obj_t)&type_GeneratorExit)) {
        nlr_jump(rt_make_raise_obj(throw_exc));
    }
    return false;
}

obj_t builtin_build_class_obj(void);   // builtins.c
// Defined with the function objects (objfun_native.c).
obj_t native_new_closure(obj_t fun, size_t n_closed, const obj_t *closed);
void native_setup_code_state(frame_t *f, size_t n_args, size_t n_kw, const obj_t *args);

// ---------------------------------------------------------------------------
// The table itself.
enum {
#define NF(name, value) NATIVE_FUN_##name,
#include "nativeglue.def"
#undef NF
    NATIVE_FUN_COUNT,
};
_Static_assert(NATIVE_FUN_COUNT == 50, "MicroPython v1.28's table has 50 entries for mpy-cross code");
_Static_assert(NATIVE_FUN_SETUP_CODE_STATE == 45 && NATIVE_FUN_NLR_PUSH == 32,
               "entries at MicroPython's indices");

static const void *const native_fun_table[] = {
#define NF(name, value) [NATIVE_FUN_##name] = (const void *)(value),
#include "nativeglue.def"
#undef NF
};
_Static_assert(sizeof(native_fun_table) == NATIVE_FUN_COUNT * sizeof(void *), "one word per entry");

obj_t rt_native_fun_table_obj(void) {
    return (obj_t)native_fun_table;
}

const uint16_t *native_qstr_table(const qstr_t *qstrs, size_t n) {
    uint16_t *t = gc_alloc((n + 1) * sizeof(uint16_t));
    for (size_t i = 0; i < n; i++) {
        if (qstrs[i] > 0xffff) {
            rt_raise_value_error("too many qstrs for native code");
        }
        t[i] = (uint16_t)qstrs[i];
    }
    return t;
}
#endif
