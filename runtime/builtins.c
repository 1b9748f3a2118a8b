// runtime/builtins.c: the builtin functions (print, len, min, sorted, ...),
// __build_class__, and the builtins name space. The name space is a hash
// table built at start-up in static memory, so it costs no GC heap and a
// builtin is found as fast as a global.
#include <math.h>
#include <string.h>

#include "obj.h"
#include "port.h"

obj_t rt_stop_iteration_value(void);

// ---------------------------------------------------------------------------
// Output.
static void write_to(obj_t file, const char *s, size_t len) {
    if (file == OBJ_NULL || file == OBJ_NONE) {
        port_write(PORT_STDOUT, s, len);
        return;
    }
    if (file == rt.sys_stdout) {
        port_write(PORT_STDOUT, s, len);
        return;
    }
    if (file == rt.sys_stderr) {
        port_write(PORT_STDERR, s, len);
        return;
    }
    obj_t dest[3];
    rt_load_method(file, QSTR_write, dest);
    dest[2] = str_new(&type_str, s, len);
    rt_call_method(1, 0, dest);
}

typedef struct file_print {
    print_t p;
    obj_t file;
} file_print_t;

static void file_print_write(void *data, const char *s, size_t len) {
    write_to(((file_print_t *)data)->file, s, len);
}

obj_t builtin_print(size_t n, const obj_t *args, map_t *kw) {
    obj_t sep = OBJ_NULL, end = OBJ_NULL, file = OBJ_NULL;
    for (size_t i = 0; i < kw->used; i++) {
        qstr_t q = str_get_qstr(kw->table[i].key);
        obj_t v = kw->table[i].value;
        if (q == QSTR_sep) {
            sep = v;
        } else if (q == QSTR_end) {
            end = v;
        } else if (q == Q_file) {
            file = v;
        } else if (q != Q_flush) {
            rt_raise_fmt(&type_TypeError, "unexpected keyword argument '%s'", rtq_str(q));
        }
    }
    file_print_t fp = {{NULL, file_print_write}, file};
    fp.p.data = &fp;
    const print_t *p = (file == OBJ_NULL || file == OBJ_NONE || file == rt.sys_stdout) ? &print_stdout
                       : file == rt.sys_stderr ? &print_stderr : &fp.p;
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            if (sep == OBJ_NULL || sep == OBJ_NONE) {
                print_strn(p, " ", 1);
            } else {
                size_t l;
                const char *s = str_get_data(sep, &l);
                print_strn(p, s, l);
            }
        }
        obj_print(p, args[i], PRINT_STR);
    }
    if (end == OBJ_NULL || end == OBJ_NONE) {
        print_strn(p, "\n", 1);
    } else {
        size_t l;
        const char *s = str_get_data(end, &l);
        print_strn(p, s, l);
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_KW(builtin_print_obj, 0, builtin_print);

// ---------------------------------------------------------------------------
// Classes.
static obj_t builtin_build_class(size_t n, const obj_t *args, map_t *kw) {
    (void)kw;
    if (n < 2) {
        rt_raise_type_error("__build_class__ needs 2 arguments");
    }
    obj_t old_locals = rt.cur_locals;
    obj_t class_locals = dict_new(0);
    rt.cur_locals = class_locals;
    obj_t cell;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        cell = rt_call0(args[0]);
        nlr_pop();
    } else {
        rt.cur_locals = old_locals;
        nlr_jump(nlr.ret_val);
    }
    rt.cur_locals = old_locals;
    obj_t meta = n == 2 ? (obj_t)&type_type : (obj_t)obj_type(args[2]);
    obj_t meta_args[3] = {args[1], tuple_new(n - 2, args + 2), class_locals};
    obj_t cls = rt_call(meta, 3, 0, meta_args);
    if (cell != OBJ_NONE && obj_is_type(cell, &type_cell)) {
        ((obj_cell_t *)cell)->value = cls;
    }
    return cls;
}
static BUILTIN_FUN_KW(builtin_build_class_fn_obj, 2, builtin_build_class);

obj_t builtin_build_class_obj(void);
obj_t builtin_build_class_obj(void) {
    return (obj_t)&builtin_build_class_fn_obj;
}

// ---------------------------------------------------------------------------
// Numbers.
static obj_t builtin_abs(obj_t x) {
    return rt_unary_op(OP_ABS, x);
}
static BUILTIN_FUN_1(builtin_abs_obj, builtin_abs);

static obj_t builtin_divmod(obj_t a, obj_t b) {
#if RT_FLOAT
    if (obj_is_type(a, &type_float) || obj_is_type(b, &type_float)) {
        extern obj_t float_divmod_obj(rt_float_t a, rt_float_t b);
        return float_divmod_obj(obj_get_float(a), obj_get_float(b));
    }
#endif
    obj_t items[2] = {rt_binary_op(OP_FLOOR_DIVIDE, a, b), rt_binary_op(OP_MODULO, a, b)};
    return tuple_new(2, items);
}
static BUILTIN_FUN_2(builtin_divmod_obj, builtin_divmod);

static obj_t builtin_pow(size_t n, const obj_t *args) {
    if (n == 3) {
        return int_pow3(args[0], args[1], args[2]);
    }
    return rt_binary_op(OP_POWER, args[0], args[1]);
}
static BUILTIN_FUN_VAR(builtin_pow_obj, 2, 3, builtin_pow);

static obj_t round_int(obj_t x, rt_int_t digits) {
    if (digits >= 0) {
        return x;
    }
    obj_t mult = rt_binary_op(OP_POWER, small_int(10), small_int(-digits));
    obj_t half = rt_binary_op(OP_FLOOR_DIVIDE, mult, small_int(2));
    obj_t mod = rt_binary_op(OP_MODULO, x, mult);
    obj_t rounded = rt_binary_op(OP_SUBTRACT, x, mod);
    if (obj_is_true(rt_binary_op(OP_MORE, half, mod))) {
        return rounded;
    }
    if (obj_is_true(rt_binary_op(OP_MORE, mod, half))) {
        return rt_binary_op(OP_ADD, rounded, mult);
    }
    obj_t fl = rt_binary_op(OP_FLOOR_DIVIDE, x, mult);
    if (obj_is_true(rt_binary_op(OP_AND, fl, small_int(1)))) {
        return rt_binary_op(OP_ADD, rounded, mult);
    }
    return rounded;
}

static obj_t builtin_round(size_t n, const obj_t *args) {
    obj_t x = args[0];
    if (x == OBJ_TRUE || x == OBJ_FALSE) {
        x = small_int(x == OBJ_TRUE);
    }
    if (obj_is_int(x)) {
        return n > 1 ? round_int(x, obj_get_int(args[1])) : x;
    }
    if (!RT_FLOAT || !obj_is_type(x, &type_float)) {
        obj_t dest[2];
        rt_load_method_maybe(x, Q___round__, dest);
        if (dest[0] != OBJ_NULL) {
            return rt_call_method(0, 0, dest);
        }
    }
#if !RT_FLOAT
    rt_raise_fmt(&type_TypeError, "can't convert %s to float", obj_type_name(x));
#else
    rt_float_t v = obj_get_float(x);
    if (n > 1 && args[1] != OBJ_NONE) {
        rt_int_t digits = obj_get_int(args[1]);
        rt_float_t mult = pow(10, (rt_float_t)digits);
        rt_float_t r = digits >= 0 ? nearbyint(v * mult) / mult : nearbyint(v / pow(10, (rt_float_t)-digits)) * pow(10, (rt_float_t)-digits);
        if (!isfinite(r)) {
            r = v;
        }
        return float_new(r);
    }
    return int_from_float(nearbyint(v));
#endif
}
static BUILTIN_FUN_VAR(builtin_round_obj, 1, 2, builtin_round);

static obj_t builtin_hex(obj_t x) {
    return int_format_radix(x, 16, "0x", false);
}
static obj_t builtin_oct(obj_t x) {
    return int_format_radix(x, 8, "0o", false);
}
static obj_t builtin_bin(obj_t x) {
    return int_format_radix(x, 2, "0b", false);
}
static BUILTIN_FUN_1(builtin_hex_obj, builtin_hex);
static BUILTIN_FUN_1(builtin_oct_obj, builtin_oct);
static BUILTIN_FUN_1(builtin_bin_obj, builtin_bin);

static obj_t builtin_chr(obj_t x) {
    rt_int_t c = obj_get_int(x);
    if (c < 0 || c >= 0x110000) {
        rt_raise_value_error("chr() arg not in range(0x110000)");
    }
    if (c < 0x80) {
        char ch = (char)c;
        return obj_qstr(rtq_intern(&ch, 1));
    }
    vstr_t v;
    vstr_init(&v, 8);
    vstr_add_char(&v, (uint32_t)c);
    return str_from_vstr(&type_str, &v);
}
static BUILTIN_FUN_1(builtin_chr_obj, builtin_chr);

static obj_t builtin_ord(obj_t s) {
    size_t len;
    const char *d = str_get_data(s, &len);
    if (obj_is_str(s)) {
        const uint8_t *p = (const uint8_t *)d;
        if (len > 0) {
            uint32_t c = utf8_decode(&p);
            if (p == (const uint8_t *)d + len) {
                return small_int((rt_int_t)c);
            }
        }
        rt_raise_fmt(&type_TypeError, "ord() expected a character, but string of length %u found",
                     (unsigned)utf8_charlen((const uint8_t *)d, len));
    }
    if (len != 1) {
        rt_raise_fmt(&type_TypeError, "ord() expected a character, but string of length %u found",
                     (unsigned)len);
    }
    return small_int((uint8_t)d[0]);
}
static BUILTIN_FUN_1(builtin_ord_obj, builtin_ord);

static obj_t builtin_hash(obj_t x) {
    return small_int(obj_hash(x));
}
static BUILTIN_FUN_1(builtin_hash_obj, builtin_hash);

static obj_t builtin_id(obj_t x) {
    return int_from_ull((unsigned long long)x);
}
static BUILTIN_FUN_1(builtin_id_obj, builtin_id);

// ---------------------------------------------------------------------------
// Sequences.
static obj_t builtin_len(obj_t x) {
    return obj_len(x);
}
static BUILTIN_FUN_1(builtin_len_obj, builtin_len);

static obj_t builtin_all(obj_t x) {
    iter_buf_t buf;
    obj_t it = rt_getiter(x, &buf);
    obj_t v;
    while ((v = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        if (!obj_is_true(v)) {
            return OBJ_FALSE;
        }
    }
    return OBJ_TRUE;
}
static BUILTIN_FUN_1(builtin_all_obj, builtin_all);

static obj_t builtin_any(obj_t x) {
    iter_buf_t buf;
    obj_t it = rt_getiter(x, &buf);
    obj_t v;
    while ((v = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        if (obj_is_true(v)) {
            return OBJ_TRUE;
        }
    }
    return OBJ_FALSE;
}
static BUILTIN_FUN_1(builtin_any_obj, builtin_any);

static obj_t builtin_sum(size_t n, const obj_t *args) {
    obj_t acc = n > 1 ? args[1] : small_int(0);
    iter_buf_t buf;
    obj_t it = rt_getiter(args[0], &buf);
    obj_t v;
    while ((v = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        if (obj_is_small_int(acc) && obj_is_small_int(v)) {
            acc = int_from_ll((long long)small_int_value(acc) + small_int_value(v));
        } else {
            acc = rt_binary_op(OP_ADD, acc, v);
        }
    }
    return acc;
}
static BUILTIN_FUN_VAR(builtin_sum_obj, 1, 2, builtin_sum);

static obj_t min_max(size_t n, const obj_t *args, map_t *kw, int op) {
    map_elem_t *ke = map_lookup(kw, obj_qstr(QSTR_key), MAP_LOOKUP);
    obj_t key = ke ? ke->value : OBJ_NULL;
    if (key == OBJ_NONE) {
        key = OBJ_NULL;
    }
    obj_t best_key = OBJ_NULL, best = OBJ_NULL;
    if (n == 1) {
        iter_buf_t buf;
        obj_t it = rt_getiter(args[0], &buf);
        obj_t item;
        while ((item = rt_iternext(it)) != OBJ_STOP_ITERATION) {
            obj_t k = key == OBJ_NULL ? item : rt_call1(key, item);
            if (best == OBJ_NULL || rt_binary_op(op, k, best_key) == OBJ_TRUE) {
                best_key = k;
                best = item;
            }
        }
        if (best == OBJ_NULL) {
            map_elem_t *de = map_lookup(kw, obj_qstr(Q_default), MAP_LOOKUP);
            if (de == NULL) {
                rt_raise_value_error("arg is an empty sequence");
            }
            best = de->value;
        }
        return best;
    }
    for (size_t i = 0; i < n; i++) {
        obj_t k = key == OBJ_NULL ? args[i] : rt_call1(key, args[i]);
        if (best == OBJ_NULL || rt_binary_op(op, k, best_key) == OBJ_TRUE) {
            best_key = k;
            best = args[i];
        }
    }
    return best;
}

static obj_t builtin_max(size_t n, const obj_t *args, map_t *kw) {
    return min_max(n, args, kw, OP_MORE);
}
static obj_t builtin_min(size_t n, const obj_t *args, map_t *kw) {
    return min_max(n, args, kw, OP_LESS);
}
static BUILTIN_FUN_KW(builtin_max_obj, 1, builtin_max);
static BUILTIN_FUN_KW(builtin_min_obj, 1, builtin_min);

obj_t builtin_sorted(size_t n, const obj_t *args, map_t *kw) {
    if (n != 1) {
        rt_raise_fmt(&type_TypeError, "function takes 1 positional arguments but %u were given", (unsigned)n);
    }
    static const arg_spec_t spec[] = {
        {QSTR_key, ARG_KW_ONLY, OBJ_NONE},
        {QSTR_reverse, ARG_KW_ONLY, OBJ_FALSE},
    };
    obj_t vals[2];
    arg_parse(0, NULL, kw, 2, spec, vals);
    obj_t l = list_from_iter(args[0]);
    list_sort(l, vals[0], obj_is_true(vals[1]));
    return l;
}
static BUILTIN_FUN_KW(builtin_sorted_obj, 1, builtin_sorted);

static obj_t builtin_iter(size_t n, const obj_t *args) {
    if (n == 2) {
        extern obj_t callable_iter_new(obj_t fun, obj_t sentinel);
        return callable_iter_new(args[0], args[1]);
    }
    return rt_getiter(args[0], NULL);
}
static BUILTIN_FUN_VAR(builtin_iter_obj, 1, 2, builtin_iter);

static obj_t builtin_next_var(size_t n, const obj_t *args) {
    if (n == 1) {
        obj_t r = rt_iternext_allow_raise(args[0]);
        if (r == OBJ_STOP_ITERATION) {
            obj_t v = obj_type(args[0]) == &type_gen ? rt_stop_iteration_value() : OBJ_NONE;
            rt_raise_stop_iteration(v);
        }
        return r;
    }
    obj_t r = rt_iternext(args[0]);
    return r == OBJ_STOP_ITERATION ? args[1] : r;
}
static BUILTIN_FUN_VAR(builtin_next_obj, 1, 2, builtin_next_var);

obj_t builtin_next(obj_t it) {
    return builtin_next_var(1, &it);
}

static obj_t builtin_repr(obj_t x) {
    return obj_repr(x);
}
static BUILTIN_FUN_1(builtin_repr_obj, builtin_repr);

// ---------------------------------------------------------------------------
// Objects and attributes.
static obj_t builtin_callable(obj_t x) {
    return OBJ_BOOL(rt_callable(x));
}
static BUILTIN_FUN_1(builtin_callable_obj, builtin_callable);

static bool isinstance_of(const type_t *t, obj_t cls) {
    if (obj_is_type(cls, &type_tuple)) {
        obj_tuple_t *tp = OBJ_TO_PTR(cls);
        for (size_t i = 0; i < tp->len; i++) {
            if (isinstance_of(t, tp->items[i])) {
                return true;
            }
        }
        return false;
    }
    if (!obj_is_type(cls, &type_type)) {
        rt_raise_type_error("issubclass() arg 2 must be a class or a tuple of classes");
    }
    return type_is_subclass(t, (const type_t *)cls);
}

static obj_t builtin_isinstance(obj_t x, obj_t cls) {
    return OBJ_BOOL(isinstance_of(obj_type(x), cls));
}
static BUILTIN_FUN_2(builtin_isinstance_obj, builtin_isinstance);

static obj_t builtin_issubclass(obj_t x, obj_t cls) {
    if (!obj_is_type(x, &type_type)) {
        rt_raise_type_error("issubclass() arg 1 must be a class");
    }
    return OBJ_BOOL(isinstance_of((const type_t *)x, cls));
}
static BUILTIN_FUN_2(builtin_issubclass_obj, builtin_issubclass);

// Loads an attribute, treating an AttributeError raised on the way (by a
// __getattr__ or a property) as "missing". Returns OBJ_NULL then.
static obj_t load_attr_protected(obj_t o, qstr_t q) {
    obj_t dest[2];
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        rt_load_attr_maybe(o, q, dest);
        nlr_pop();
        return dest[0];
    }
    if (obj_isinstance(nlr.ret_val, &type_AttributeError)) {
        return OBJ_NULL;
    }
    nlr_jump(nlr.ret_val);
}

static obj_t builtin_getattr(size_t n, const obj_t *args) {
    qstr_t q = str_get_qstr(args[1]);
    if (n == 2) {
        return rt_load_attr(args[0], q);
    }
    obj_t v = load_attr_protected(args[0], q);
    return v == OBJ_NULL ? args[2] : v;
}
static BUILTIN_FUN_VAR(builtin_getattr_obj, 2, 3, builtin_getattr);

static obj_t builtin_setattr(obj_t o, obj_t name, obj_t value) {
    rt_store_attr(o, str_get_qstr(name), value);
    return OBJ_NONE;
}
static BUILTIN_FUN_3(builtin_setattr_obj, builtin_setattr);

static obj_t builtin_delattr(obj_t o, obj_t name) {
    rt_delete_attr(o, str_get_qstr(name));
    return OBJ_NONE;
}
static BUILTIN_FUN_2(builtin_delattr_obj, builtin_delattr);

static obj_t builtin_hasattr(obj_t o, obj_t name) {
    return OBJ_BOOL(load_attr_protected(o, str_get_qstr(name)) != OBJ_NULL);
}
static BUILTIN_FUN_2(builtin_hasattr_obj, builtin_hasattr);

static void dir_add_map(obj_t list, const map_t *m) {
    size_t limit = m->is_ordered ? m->used : m->alloc;
    for (size_t i = 0; i < limit; i++) {
        if (map_slot_filled(m, i)) {
            list_append(list, m->table[i].key);
        }
    }
}

static void dir_add_type(obj_t list, const type_t *t) {
    while (t != NULL && t != &type_object) {
        if (t->locals != NULL) {
            dir_add_map(list, &t->locals->map);
        }
        if (t->flags & TYPE_FLAG_MULTI_BASE) {
            const obj_tuple_t *b = t->parent;
            for (size_t i = 0; i < b->len; i++) {
                dir_add_type(list, (const type_t *)b->items[i]);
            }
            return;
        }
        t = t->parent;
    }
}

static obj_t builtin_dir(size_t n, const obj_t *args) {
    obj_t l = list_new(0, NULL);
    if (n == 0) {
        dir_add_map(l, dict_map(rt.cur_locals));
        return l;
    }
    obj_t o = args[0];
    list_append(l, obj_qstr(QSTR___class__));
    if (obj_is_type(o, &type_module)) {
        dir_add_map(l, dict_map(rt_module_get_globals(o)));
    } else if (obj_is_type(o, &type_type)) {
        list_append(l, obj_qstr(QSTR___name__));
        dir_add_type(l, (const type_t *)o);
    } else {
        if (obj_is_instance_type(obj_type(o))) {
            dir_add_map(l, &((obj_instance_t *)o)->members);
        }
        dir_add_type(l, obj_type(o));
    }
    return l;
}
static BUILTIN_FUN_VAR(builtin_dir_obj, 0, 1, builtin_dir);

static obj_t builtin_globals(void) {
    return rt.cur_globals;
}
static BUILTIN_FUN_0(builtin_globals_obj, builtin_globals);

static obj_t builtin_locals(void) {
    return rt.cur_locals;
}
static BUILTIN_FUN_0(builtin_locals_obj, builtin_locals);

static obj_t builtin_import(size_t n, const obj_t *args) {
    obj_t fromlist = n > 3 ? args[3] : OBJ_NONE;
    obj_t level = n > 4 ? args[4] : small_int(0);
    return rt_import_name(str_get_qstr(args[0]), fromlist, level);
}
static BUILTIN_FUN_VAR(builtin_import_obj, 1, 5, builtin_import);

// eval.c: they ask the port's compiler, when the build has one.
extern const obj_fun_builtin_t builtin_eval_obj, builtin_exec_obj, builtin_compile_obj,
    builtin_repl_print_obj;

static obj_t builtin_input(size_t n, const obj_t *args) {
    if (n == 1) {
        obj_print(&print_stdout, args[0], PRINT_STR);
    }
    rt_raise(&type_EOFError, NULL);
}
static BUILTIN_FUN_VAR(builtin_input_obj, 0, 1, builtin_input);

static obj_t builtin_open(size_t n, const obj_t *args, map_t *kw) {
    (void)n;
    (void)args;
    (void)kw;
    obj_t e = small_int(2);
    rt_raise_obj(exc_new(&type_OSError, 1, &e));
}
static BUILTIN_FUN_KW(builtin_open_obj, 1, builtin_open);

// ---------------------------------------------------------------------------
// The builtins name space.
static const map_elem_t builtins_rom[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(QSTR_builtins)),
    ROM_ENTRY(Q___build_class__, &builtin_build_class_fn_obj),
    ROM_ENTRY(Q___import__, &builtin_import_obj),
    ROM_ENTRY(Q___repl_print__, &builtin_repl_print_obj),
    ROM_ENTRY(QSTR_abs, &builtin_abs_obj),
    ROM_ENTRY(QSTR_all, &builtin_all_obj),
    ROM_ENTRY(QSTR_any, &builtin_any_obj),
    ROM_ENTRY(Q_bin, &builtin_bin_obj),
    ROM_ENTRY(QSTR_bool, &type_bool),
#if RT_BYTEARRAY
    ROM_ENTRY(QSTR_bytearray, &type_bytearray),
#endif
    ROM_ENTRY(QSTR_bytes, &type_bytes),
    ROM_ENTRY(QSTR_callable, &builtin_callable_obj),
    ROM_ENTRY(QSTR_chr, &builtin_chr_obj),
    ROM_ENTRY(QSTR_classmethod, &type_classmethod),
#if RT_EVAL
    ROM_ENTRY(Q_compile, &builtin_compile_obj),
#endif
#if RT_FLOAT
    ROM_ENTRY(Q_complex, &type_complex),
#endif
    ROM_ENTRY(Q_delattr, &builtin_delattr_obj),
    ROM_ENTRY(QSTR_dict, &type_dict),
    ROM_ENTRY(QSTR_dir, &builtin_dir_obj),
    ROM_ENTRY(QSTR_divmod, &builtin_divmod_obj),
    ROM_ENTRY(Q_enumerate, &type_enumerate),
#if RT_EVAL
    ROM_ENTRY(QSTR_eval, &builtin_eval_obj),
    ROM_ENTRY(QSTR_exec, &builtin_exec_obj),
#endif
    ROM_ENTRY(Q_filter, &type_filter),
#if RT_FLOAT
    ROM_ENTRY(Q_float, &type_float),
#endif
#if RT_SET
    ROM_ENTRY(Q_frozenset, &type_frozenset),
#endif
    ROM_ENTRY(QSTR_getattr, &builtin_getattr_obj),
    ROM_ENTRY(QSTR_globals, &builtin_globals_obj),
    ROM_ENTRY(QSTR_hasattr, &builtin_hasattr_obj),
    ROM_ENTRY(QSTR_hash, &builtin_hash_obj),
    ROM_ENTRY(Q_hex, &builtin_hex_obj),
    ROM_ENTRY(QSTR_id, &builtin_id_obj),
    ROM_ENTRY(Q_input, &builtin_input_obj),
    ROM_ENTRY(QSTR_int, &type_int),
    ROM_ENTRY(QSTR_isinstance, &builtin_isinstance_obj),
    ROM_ENTRY(QSTR_issubclass, &builtin_issubclass_obj),
    ROM_ENTRY(QSTR_iter, &builtin_iter_obj),
    ROM_ENTRY(QSTR_len, &builtin_len_obj),
    ROM_ENTRY(QSTR_list, &type_list),
    ROM_ENTRY(QSTR_locals, &builtin_locals_obj),
    ROM_ENTRY(QSTR_map, &type_map),
    ROM_ENTRY(Q_max, &builtin_max_obj),
#if RT_MEMORYVIEW
    ROM_ENTRY(Q_memoryview, &type_memoryview),
#endif
    ROM_ENTRY(Q_min, &builtin_min_obj),
    ROM_ENTRY(QSTR_next, &builtin_next_obj),
    ROM_ENTRY(QSTR_object, &type_object),
    ROM_ENTRY(Q_oct, &builtin_oct_obj),
    ROM_ENTRY(QSTR_open, &builtin_open_obj),
    ROM_ENTRY(QSTR_ord, &builtin_ord_obj),
    ROM_ENTRY(QSTR_pow, &builtin_pow_obj),
    ROM_ENTRY(QSTR_print, &builtin_print_obj),
    ROM_ENTRY(Q_property, &type_property),
    ROM_ENTRY(QSTR_range, &type_range),
    ROM_ENTRY(QSTR_repr, &builtin_repr_obj),
    ROM_ENTRY(Q_reversed, &type_reversed),
    ROM_ENTRY(QSTR_round, &builtin_round_obj),
#if RT_SET
    ROM_ENTRY(QSTR_set, &type_set),
#endif
    ROM_ENTRY(QSTR_setattr, &builtin_setattr_obj),
    ROM_ENTRY(Q_slice, &type_slice),
    ROM_ENTRY(QSTR_sorted, &builtin_sorted_obj),
    ROM_ENTRY(QSTR_staticmethod, &type_staticmethod),
    ROM_ENTRY(QSTR_str, &type_str),
    ROM_ENTRY(QSTR_sum, &builtin_sum_obj),
    ROM_ENTRY(QSTR_super, &type_super),
    ROM_ENTRY(QSTR_tuple, &type_tuple),
    ROM_ENTRY(QSTR_type, &type_type),
    ROM_ENTRY(QSTR_zip, &type_zip),
    ROM_ENTRY(QSTR_Ellipsis, &rt_ellipsis_obj),
    ROM_ENTRY(Q_NotImplemented, &rt_not_implemented_obj),
    ROM_ENTRY(QSTR_BaseException, &type_BaseException),
    ROM_ENTRY(QSTR_ArithmeticError, &type_ArithmeticError),
    ROM_ENTRY(QSTR_AssertionError, &type_AssertionError),
    ROM_ENTRY(QSTR_AttributeError, &type_AttributeError),
    ROM_ENTRY(QSTR_EOFError, &type_EOFError),
    ROM_ENTRY(QSTR_Exception, &type_Exception),
    ROM_ENTRY(QSTR_GeneratorExit, &type_GeneratorExit),
    ROM_ENTRY(QSTR_ImportError, &type_ImportError),
    ROM_ENTRY(QSTR_IndentationError, &type_IndentationError),
    ROM_ENTRY(QSTR_IndexError, &type_IndexError),
    ROM_ENTRY(QSTR_KeyError, &type_KeyError),
    ROM_ENTRY(QSTR_KeyboardInterrupt, &type_KeyboardInterrupt),
    ROM_ENTRY(QSTR_LookupError, &type_LookupError),
    ROM_ENTRY(QSTR_MemoryError, &type_MemoryError),
    ROM_ENTRY(QSTR_NameError, &type_NameError),
    ROM_ENTRY(QSTR_NotImplementedError, &type_NotImplementedError),
    ROM_ENTRY(QSTR_OSError, &type_OSError),
    ROM_ENTRY(QSTR_OverflowError, &type_OverflowError),
    ROM_ENTRY(QSTR_RuntimeError, &type_RuntimeError),
    ROM_ENTRY(QSTR_StopIteration, &type_StopIteration),
    ROM_ENTRY(Q_StopAsyncIteration, &type_StopAsyncIteration),
    ROM_ENTRY(QSTR_SyntaxError, &type_SyntaxError),
    ROM_ENTRY(QSTR_SystemExit, &type_SystemExit),
    ROM_ENTRY(QSTR_TypeError, &type_TypeError),
    ROM_ENTRY(Q_UnicodeError, &type_UnicodeError),
    ROM_ENTRY(QSTR_ValueError, &type_ValueError),
    ROM_ENTRY(QSTR_ZeroDivisionError, &type_ZeroDivisionError),
};

#if RT_ROM_BUILTINS
ROM_DICT(builtins_dict, builtins_rom);

void builtins_init(void);
void builtins_init(void) {
    rt.builtins = (obj_t)&builtins_dict;
}
#else
enum {
    BUILTINS_SLOTS = 293,
};

static map_elem_t builtins_table[BUILTINS_SLOTS];
obj_dict_t builtins_dict = {{&type_dict}, {1, 0, 0, 0, BUILTINS_SLOTS, builtins_table}};

void builtins_init(void);
void builtins_init(void) {
    memset(builtins_table, 0, sizeof(builtins_table));
    builtins_dict.map.used = 0;
    builtins_dict.map.all_keys_are_qstrs = 1;
    for (size_t i = 0; i < sizeof(builtins_rom) / sizeof(builtins_rom[0]); i++) {
        map_lookup(&builtins_dict.map, builtins_rom[i].key, MAP_LOOKUP_ADD_IF_NOT_FOUND)->value =
            builtins_rom[i].value;
    }
    rt.builtins = (obj_t)&builtins_dict;
}
#endif
