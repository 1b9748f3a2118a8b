// runtime/objgen.c: generators (and coroutines, which MicroPython runs as
// generators). A generator owns a heap frame that the VM resumes; send,
// throw and close inject values or exceptions at the paused yield. Also
// rt_resume, the protocol `yield from` and `await` use on any iterator.
#include <string.h>

#include "nativeglue.h"
#include "obj.h"

obj_t gen_new(const obj_fun_bc_t *fun, size_t n_args, size_t n_kw, const obj_t *args) {
    const code_t *c = fun->code;
    obj_gen_t *g = gc_alloc(sizeof(obj_gen_t) - sizeof(frame_t) + frame_size(c));
    g->base.type = &type_gen;
    g->pend_exc = OBJ_NONE;
    fun_bc_setup_frame(&g->frame, fun, n_args, n_kw, args);
    return (obj_t)g;
}

// Runs the generator until it yields, returns or raises.
static vm_return_t gen_resume(obj_t self, obj_t send, obj_t throw_exc, obj_t *ret) {
    rt_check_stack();
    obj_gen_t *g = OBJ_TO_PTR(self);
    frame_t *f = &g->frame;
    if (f->ip == NULL) {
        *ret = OBJ_NONE;
        return VM_RETURN_NORMAL;
    }
    if (g->pend_exc == OBJ_NULL) {
        rt_raise_value_error("generator already executing");
    }
    if (f->sp == &f->state[0] - 1) {
        if (send != OBJ_NONE && send != OBJ_NULL) {
            rt_raise_type_error("can't send non-None value to a just-started generator");
        }
    } else {
        *f->sp = send == OBJ_NULL ? OBJ_NONE : send;
    }
    g->pend_exc = OBJ_NULL;
    obj_t saved_locals = rt.cur_locals;
    obj_t saved_globals = rt.cur_globals;
    rt.cur_globals = rt_frame_code(f)->ctx->globals;
    rt.depth++;
    vm_return_t kind = native_frame_is_native(f) ? native_gen_resume(f, throw_exc, ret)
                                                 : vm_execute(f, throw_exc, ret);
    rt.depth--;
    rt.cur_locals = saved_locals;
    rt.cur_globals = saved_globals;
    g->pend_exc = OBJ_NONE;
    switch (kind) {
        case VM_RETURN_NORMAL:
            f->ip = NULL;
            break;
        case VM_RETURN_YIELD:
            break;
        default:
            f->ip = NULL;
            if (obj_isinstance(*ret, &type_StopIteration)) {
                *ret = exc_new_msg(&type_RuntimeError, "generator raised StopIteration");
            }
            break;
    }
    return kind;
}

static obj_t resume_and_raise(obj_t self, obj_t send, obj_t throw_exc, bool raise_stop) {
    obj_t ret;
    switch (gen_resume(self, send, throw_exc, &ret)) {
        case VM_RETURN_YIELD:
            return ret;
        case VM_RETURN_EXCEPTION:
            nlr_jump(ret);
        default:
            if (raise_stop) {
                rt_raise_stop_iteration(ret);
            }
            rt.stop_iter_value = ret;
            return OBJ_STOP_ITERATION;
    }
}

static obj_t gen_iternext(obj_t self) {
    return resume_and_raise(self, OBJ_NONE, OBJ_NULL, false);
}

static obj_t gen_send(obj_t self, obj_t value) {
    return resume_and_raise(self, value, OBJ_NULL, true);
}

static obj_t gen_throw(size_t n, const obj_t *args) {
    obj_t exc = args[1];
    if (n > 2 && args[2] != OBJ_NONE) {
        exc = args[2];
    }
    return resume_and_raise(args[0], OBJ_NONE, exc, true);
}

static obj_t gen_close(obj_t self) {
    obj_t ret;
    switch (gen_resume(self, OBJ_NONE, (obj_t)&type_GeneratorExit, &ret)) {
        case VM_RETURN_YIELD:
            rt_raise(&type_RuntimeError, "generator ignored GeneratorExit");
        case VM_RETURN_EXCEPTION:
            if (obj_isinstance(ret, &type_GeneratorExit)) {
                return OBJ_NONE;
            }
            nlr_jump(ret);
        default:
            return OBJ_NONE;
    }
}

static obj_t gen_pend_throw(obj_t self, obj_t exc) {
    obj_gen_t *g = OBJ_TO_PTR(self);
    if (g->pend_exc == OBJ_NULL) {
        rt_raise_value_error("generator already executing");
    }
    obj_t prev = g->pend_exc;
    g->pend_exc = exc;
    return prev;
}

static obj_t gen_self(obj_t self) {
    return self;
}

static BUILTIN_FUN_2(gen_send_obj, gen_send);
static BUILTIN_FUN_VAR(gen_throw_obj, 2, 4, gen_throw);
static BUILTIN_FUN_1(gen_close_obj, gen_close);
static BUILTIN_FUN_2(gen_pend_throw_obj, gen_pend_throw);
static BUILTIN_FUN_1(gen_self_obj, gen_self);

static const map_elem_t gen_locals_table[] = {
    ROM_ENTRY(QSTR_close, &gen_close_obj),
    ROM_ENTRY(QSTR_send, &gen_send_obj),
    ROM_ENTRY(QSTR_throw, &gen_throw_obj),
    ROM_ENTRY(Q_pend_throw, &gen_pend_throw_obj),
    ROM_ENTRY(Q___await__, &gen_self_obj),
};
static ROM_DICT(gen_locals, gen_locals_table);

static void gen_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const obj_gen_t *g = OBJ_TO_PTR(o);
    print_printf(p, "<generator object '%s' at %lx>", rtq_str(rt_frame_code(&g->frame)->name),
                 (unsigned long)o);
}

const type_t type_gen = {
    {&type_type}, TYPE_FLAG_ITER_SELF, Q_generator, gen_print, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, gen_iternext, NULL, NULL, NULL, &gen_locals,
};

// ---------------------------------------------------------------------------
vm_return_t rt_resume(obj_t self, obj_t send, obj_t throw_exc, obj_t *ret) {
    const type_t *t = obj_type(self);
    if (t == &type_gen) {
        return gen_resume(self, send, throw_exc, ret);
    }
    if (t->iternext != NULL && send == OBJ_NONE) {
        iternext_fn_t next = t->iternext;
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            obj_t r = next(self);
            nlr_pop();
            if (r != OBJ_STOP_ITERATION) {
                *ret = r;
                return VM_RETURN_YIELD;
            }
            *ret = OBJ_NONE;
            return VM_RETURN_NORMAL;
        }
        if (obj_isinstance(nlr.ret_val, &type_StopIteration)) {
            *ret = exc_get_value(nlr.ret_val);
            return VM_RETURN_NORMAL;
        }
        nlr_jump(nlr.ret_val);
    }
    obj_t dest[3];
    if (send != OBJ_NULL) {
        rt_load_method(self, QSTR_send, dest);
        dest[2] = send;
        *ret = rt_call_method(1, 0, dest);
        return VM_RETURN_YIELD;
    }
    if (exc_match(throw_exc, (obj_t)&type_GeneratorExit)) {
        rt_load_method_maybe(self, QSTR_close, dest);
        if (dest[0] != OBJ_NULL) {
            *ret = rt_call_method(0, 0, dest);
            return VM_RETURN_NORMAL;
        }
    }
    rt_load_method_maybe(self, QSTR_throw, dest);
    if (dest[0] != OBJ_NULL) {
        dest[2] = throw_exc;
        *ret = rt_call_method(1, 0, dest);
        return VM_RETURN_YIELD;
    }
    *ret = rt_make_raise_obj(throw_exc);
    return VM_RETURN_EXCEPTION;
}

// The value the last generator exhausted through iteration returned (for
// next(), which raises StopIteration with it).
obj_t rt_stop_iteration_value(void);
obj_t rt_stop_iteration_value(void) {
    obj_t v = rt.stop_iter_value;
    rt.stop_iter_value = OBJ_NONE;
    return v == OBJ_NULL ? OBJ_NONE : v;
}
