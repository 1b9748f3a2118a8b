// runtime/objfun.c: callable objects. Bytecode functions (with defaults,
// keyword-only and star parameters, closures), the argument binding that
// fills a frame from a call, built-in C functions with their argument
// checks, bound methods and closure cells.
#include <alloca.h>
#include <string.h>

#include "../mpyformat/mpyformat.h"
#include "nativeglue.h"
#include "obj.h"

// ---------------------------------------------------------------------------
// Bytecode functions.
obj_t fun_bc_new(const code_t *code, obj_t defaults, obj_t kwdefaults, size_t n_closed,
                 const obj_t *closed) {
    if (code->native != NULL) {
        return fun_native_new(code, defaults, kwdefaults, n_closed, closed);
    }
    obj_fun_bc_t *f = gc_alloc(sizeof(obj_fun_bc_t) + n_closed * sizeof(obj_t));
    f->base.type = &type_fun_bc;
    f->code = code;
    f->defaults = defaults == OBJ_NONE ? OBJ_NULL : defaults;
    f->kwdefaults = kwdefaults == OBJ_NONE ? OBJ_NULL : kwdefaults;
    f->n_closed = n_closed;
    if (n_closed) {
        memcpy(f->closed, closed, n_closed * sizeof(obj_t));
    }
    return (obj_t)f;
}

static noreturn void pos_args_mismatch(const code_t *c, size_t expected, size_t given) {
    rt_raise_fmt(&type_TypeError, "%s() takes %u positional arguments but %u were given",
                 rtq_str(c->name), (unsigned)expected, (unsigned)given);
}

// The argument at position i of the call as the function sees it: closed
// cells first, then the caller's positional arguments.
static inline obj_t arg_at(const obj_fun_bc_t *fun, const obj_t *args, size_t i) {
    return i < fun->n_closed ? fun->closed[i] : args[i - fun->n_closed];
}

static void bind_keywords(frame_t *f, const obj_fun_bc_t *fun, size_t n_kw, const obj_t *kwargs,
                          obj_t dict) {
    const code_t *c = fun->code;
    obj_t *fastn = &f->state[f->n_state - 1];
    size_t n_named = c->n_pos_args + c->n_kwonly_args;
    for (size_t i = 0; i < n_kw; i++) {
        obj_t name = kwargs[2 * i];
        if (!obj_is_qstr(name)) {
            name = obj_qstr(str_get_qstr(name));
        }
        size_t j;
        for (j = 0; j < n_named; j++) {
            if (name == obj_qstr(c->arg_names[j])) {
                break;
            }
        }
        if (j < n_named) {
            if (fastn[-(rt_int_t)j] != OBJ_NULL) {
                goto multiple;
            }
            fastn[-(rt_int_t)j] = kwargs[2 * i + 1];
            continue;
        }
        if (dict == OBJ_NULL) {
            rt_raise_fmt(&type_TypeError, "unexpected keyword argument '%s'",
                         rtq_str(qstr_value(name)));
        }
        map_elem_t *e = map_lookup(dict_map(dict), name, MAP_LOOKUP_ADD_IF_NOT_FOUND);
        if (e->value != OBJ_NULL) {
            goto multiple;
        }
        e->value = kwargs[2 * i + 1];
        continue;
    multiple:
        rt_raise_fmt(&type_TypeError, "function got multiple values for argument '%s'",
                     rtq_str(qstr_value(name)));
    }
}

static void fill_defaults(frame_t *f, const obj_fun_bc_t *fun) {
    const code_t *c = fun->code;
    obj_t *state_end = &f->state[f->n_state];
    size_t n_def = c->n_def_pos_args;
    obj_t *d = state_end - c->n_pos_args;
    const obj_tuple_t *defs = OBJ_TO_PTR(fun->defaults);
    for (size_t i = n_def; i > 0; i--, d++) {
        if (*d == OBJ_NULL) {
            *d = defs->items[i - 1];
        }
    }
    while (d < state_end) {
        if (*d++ == OBJ_NULL) {
            rt_raise_fmt(&type_TypeError, "function missing required positional argument #%d",
                         (int)(state_end - d));
        }
    }
    obj_t *fastn = state_end - 1;
    for (size_t i = 0; i < c->n_kwonly_args; i++) {
        obj_t *slot = &fastn[-(rt_int_t)(c->n_pos_args + i)];
        if (*slot != OBJ_NULL) {
            continue;
        }
        map_elem_t *e = NULL;
        if (fun->kwdefaults != OBJ_NULL) {
            e = map_lookup(dict_map(fun->kwdefaults), obj_qstr(c->arg_names[c->n_pos_args + i]),
                           MAP_LOOKUP);
        }
        if (e == NULL) {
            rt_raise_fmt(&type_TypeError, "function missing required keyword argument '%s'",
                         rtq_str(c->arg_names[c->n_pos_args + i]));
        }
        *slot = e->value;
    }
}

void fun_bc_setup_frame(frame_t *f, const obj_fun_bc_t *fun, size_t n_args, size_t n_kw,
                        const obj_t *args) {
    const code_t *c = fun->code;
    size_t n_state = c->n_state;
    f->fun = fun;
    f->ip = c->bc;
    f->n_state = (uint16_t)n_state;
    f->n_exc = c->n_exc_stack;
    f->sp = &f->state[0] - 1;
    f->exc_sp = frame_exc_stack(f) - 1;
    memset(f->state, 0, n_state * sizeof(obj_t));
    obj_t *fastn = &f->state[n_state - 1];
    size_t n_pos = c->n_pos_args;
    size_t n_total = n_args + fun->n_closed;
    unsigned flags = c->scope_flags;
    obj_t *var_slot = &fastn[-(rt_int_t)(n_pos + c->n_kwonly_args)];
    const obj_t *kwargs = args + n_args;

    if (n_total > n_pos) {
        if (!(flags & MPY_SCOPE_FLAG_VARARGS)) {
            pos_args_mismatch(c, n_pos, n_total);
        }
        *var_slot-- = tuple_new(n_total - n_pos, args + (n_pos - fun->n_closed));
        n_total = n_pos;
    } else {
        if (flags & MPY_SCOPE_FLAG_VARARGS) {
            *var_slot-- = OBJ_EMPTY_TUPLE;
        }
        if (n_kw == 0 && !(flags & MPY_SCOPE_FLAG_DEFKWARGS)) {
            size_t n_def = c->n_def_pos_args;
            if (n_total < n_pos - n_def) {
                pos_args_mismatch(c, n_pos - n_def, n_total);
            }
            const obj_tuple_t *defs = OBJ_TO_PTR(fun->defaults);
            for (size_t i = n_total; i < n_pos; i++) {
                fastn[-(rt_int_t)i] = defs->items[i - (n_pos - n_def)];
            }
        }
    }
    for (size_t i = 0; i < n_total; i++) {
        fastn[-(rt_int_t)i] = arg_at(fun, args, i);
    }
    if (n_kw != 0 || (flags & MPY_SCOPE_FLAG_DEFKWARGS)) {
        obj_t dict = OBJ_NULL;
        if (flags & MPY_SCOPE_FLAG_VARKEYWORDS) {
            dict = dict_new(n_kw);
            *var_slot = dict;
        }
        bind_keywords(f, fun, n_kw, kwargs, dict);
        fill_defaults(f, fun);
    } else {
        if (c->n_kwonly_args != 0) {
            rt_raise_type_error("function missing keyword-only argument");
        }
        if (flags & MPY_SCOPE_FLAG_VARKEYWORDS) {
            *var_slot = dict_new(0);
        }
    }
    for (size_t i = 0; i < c->n_cells; i++) {
        size_t local = c->cells[i];
        fastn[-(rt_int_t)local] = cell_new(fastn[-(rt_int_t)local]);
    }
}

static obj_t fun_bc_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    const obj_fun_bc_t *fun = OBJ_TO_PTR(self);
    const code_t *c = fun->code;
    if (c->scope_flags & MPY_SCOPE_FLAG_GENERATOR) {
        return gen_new(fun, n_args, n_kw, args);
    }
    rt_check_stack();
    // Frames live on the C stack, except huge ones (the stack check only
    // looks at where the stack is now).
    size_t fs = frame_size(c);
    frame_t *f = fs <= 16 * 1024 ? alloca(fs) : gc_alloc(fs);
    fun_bc_setup_frame(f, fun, n_args, n_kw, args);
    obj_t ret;
    obj_t saved_globals = rt.cur_globals;
    rt.cur_globals = c->ctx->globals;
    rt.depth++;
    vm_return_t kind = vm_execute(f, OBJ_NULL, &ret);
    rt.depth--;
    rt.cur_globals = saved_globals;
    if (kind != VM_RETURN_NORMAL) {
        nlr_jump(ret);
    }
    return ret;
}

static void fun_bc_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_fun_bc_t *f = OBJ_TO_PTR(o);
    print_printf(p, "<function %s at 0x%lx>", rtq_str(f->code->name), (unsigned long)o);
}

static void fun_bc_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    const obj_fun_bc_t *f = OBJ_TO_PTR(self);
    if (attr == QSTR___name__) {
        dest[0] = obj_qstr(f->code->name);
    } else if (attr == Q___globals__) {
        dest[0] = f->code->ctx->globals;
    }
}

const type_t type_fun_bc = {
    {&type_type}, TYPE_FLAG_BINDS_SELF, Q_function, fun_bc_print, NULL, fun_bc_call, NULL, NULL,
    fun_bc_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

qstr_t fun_name(obj_t fun) {
    if (obj_is_type(fun, &type_fun_bc)) {
        return ((const obj_fun_bc_t *)fun)->code->name;
    }
    return QSTR_NULL;
}

// ---------------------------------------------------------------------------
// Built-in functions.
void arg_check_num(size_t n_args, size_t n_kw, size_t n_min, size_t n_max, bool takes_kw) {
    if (n_kw && !takes_kw) {
        rt_raise_type_error("function doesn't take keyword arguments");
    }
    if (n_min == n_max) {
        if (n_args != n_min) {
            rt_raise_fmt(&type_TypeError, "function takes %u positional arguments but %u were given",
                         (unsigned)n_min, (unsigned)n_args);
        }
    } else if (n_args < n_min) {
        rt_raise_fmt(&type_TypeError, "function missing %u required positional arguments",
                     (unsigned)(n_min - n_args));
    } else if (n_args > n_max) {
        rt_raise_fmt(&type_TypeError, "function expected at most %u arguments, got %u",
                     (unsigned)n_max, (unsigned)n_args);
    }
}

obj_t fun_builtin_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    const obj_fun_builtin_t *f = OBJ_TO_PTR(self);
    switch (f->kind) {
        case FUN_0:
            arg_check_num(n_args, n_kw, 0, 0, false);
            return f->fun.f0();
        case FUN_1:
            arg_check_num(n_args, n_kw, 1, 1, false);
            return f->fun.f1(args[0]);
        case FUN_2:
            arg_check_num(n_args, n_kw, 2, 2, false);
            return f->fun.f2(args[0], args[1]);
        case FUN_3:
            arg_check_num(n_args, n_kw, 3, 3, false);
            return f->fun.f3(args[0], args[1], args[2]);
        case FUN_VAR:
            arg_check_num(n_args, n_kw, f->n_min, f->n_max, false);
            return f->fun.var(n_args, args);
        default: {
            arg_check_num(n_args, 0, f->n_min, (size_t)-1, true);
            map_t kw;
            map_init_fixed(&kw, n_kw, args + n_args);
            return f->fun.kw(n_args, args, &kw);
        }
    }
}

static void fun_builtin_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)o;
    (void)kind;
    print_str(p, "<function>");
}

const type_t type_fun_builtin = {
    {&type_type}, TYPE_FLAG_BINDS_SELF, Q_function, fun_builtin_print, NULL, fun_builtin_call,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

void arg_parse(size_t n_pos, const obj_t *pos, map_t *kw, size_t n_spec, const arg_spec_t *spec,
               obj_t *out) {
    size_t used_kw = 0;
    size_t max_pos = 0;
    for (size_t i = 0; i < n_spec; i++) {
        if (!(spec[i].flags & ARG_KW_ONLY)) {
            max_pos = i + 1;
        }
    }
    if (n_pos > max_pos) {
        rt_raise_fmt(&type_TypeError, "function takes %u positional arguments but %u were given",
                     (unsigned)max_pos, (unsigned)n_pos);
    }
    for (size_t i = 0; i < n_spec; i++) {
        if (i < n_pos) {
            out[i] = pos[i];
            continue;
        }
        map_elem_t *e = kw && kw->used ? map_lookup(kw, obj_qstr(spec[i].name), MAP_LOOKUP) : NULL;
        if (e != NULL) {
            out[i] = e->value;
            used_kw++;
        } else if (spec[i].flags & ARG_REQUIRED) {
            rt_raise_fmt(&type_TypeError, "'%s' argument required", rtq_str(spec[i].name));
        } else {
            out[i] = spec[i].def;
        }
    }
    if (kw && used_kw < kw->used) {
        for (size_t j = 0; j < kw->used; j++) {
            bool known = false;
            for (size_t i = 0; i < n_spec; i++) {
                if (obj_equal(kw->table[j].key, obj_qstr(spec[i].name))) {
                    known = true;
                }
            }
            if (!known) {
                rt_raise_fmt(&type_TypeError, "unexpected keyword argument '%s'",
                             str_get_cstr(kw->table[j].key));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Bound methods and cells.
obj_t bound_meth_new(obj_t meth, obj_t self) {
    obj_bound_meth_t *b = rt_new(obj_bound_meth_t);
    b->base.type = &type_bound_meth;
    b->meth = meth;
    b->self = self;
    return (obj_t)b;
}

static obj_t bound_meth_call(obj_t self_in, size_t n_args, size_t n_kw, const obj_t *args) {
    const obj_bound_meth_t *b = OBJ_TO_PTR(self_in);
    size_t n = n_args + 2 * n_kw;
    obj_t small[8];
    obj_t *all = n + 1 <= 8 ? small : gc_alloc((n + 1) * sizeof(obj_t));
    all[0] = b->self;
    memcpy(all + 1, args, n * sizeof(obj_t));
    obj_t r = rt_call(b->meth, n_args + 1, n_kw, all);
    if (all != small) {
        gc_free(all);
    }
    return r;
}

static void bound_meth_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_bound_meth_t *b = OBJ_TO_PTR(o);
    print_printf(p, "<bound_method %lx ", (unsigned long)o);
    obj_print(p, b->self, PRINT_REPR);
    print_str(p, ".");
    obj_print(p, b->meth, PRINT_REPR);
    print_str(p, ">");
}

static void bound_meth_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    const obj_bound_meth_t *b = OBJ_TO_PTR(self);
    if (attr == Q___self__) {
        dest[0] = b->self;
    } else if (attr == Q___func__) {
        dest[0] = b->meth;
    } else {
        rt_load_method_maybe(b->meth, attr, dest);
    }
}

static obj_t bound_meth_binary_op(int op, obj_t lhs, obj_t rhs) {
    if (op != OP_EQUAL || !obj_is_type(rhs, &type_bound_meth)) {
        return OBJ_NULL;
    }
    const obj_bound_meth_t *a = OBJ_TO_PTR(lhs);
    const obj_bound_meth_t *b = OBJ_TO_PTR(rhs);
    return OBJ_BOOL(a->self == b->self && a->meth == b->meth);
}

const type_t type_bound_meth = {
    {&type_type}, 0, Q_bound_method, bound_meth_print, NULL, bound_meth_call, NULL,
    bound_meth_binary_op, bound_meth_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

obj_t cell_new(obj_t value) {
    obj_cell_t *c = rt_new(obj_cell_t);
    c->base.type = &type_cell;
    c->value = value;
    return (obj_t)c;
}

const type_t type_cell = {
    {&type_type}, 0, Q_cell, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};
