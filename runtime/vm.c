// runtime/vm.c: the bytecode interpreter. One call runs (or resumes) one
// frame until it returns, yields or lets an exception escape. Dispatch is a
// computed goto where the compiler supports it, else a switch. Locals sit in
// a C array (local i at fastn[-i]), small-int arithmetic and comparisons are
// done inline, and nothing in the loop allocates except the objects the
// program itself creates. Exceptions arrive through nlr: the handler finds
// the innermost active handler on the frame's exception stack, or returns
// the exception to the caller.
#include <string.h>

#include "../mpyformat/mpyformat.h"
#include "obj.h"

obj_t builtin_build_class_obj(void);

static inline size_t decode_uint(const uint8_t **pip) {
    const uint8_t *ip = *pip;
    size_t v = 0;
    uint8_t b;
    do {
        b = *ip++;
        v = (v << 7) | (b & 0x7f);
    } while (b & 0x80);
    *pip = ip;
    return v;
}

static inline size_t decode_ulabel(const uint8_t **pip) {
    const uint8_t *ip = *pip;
    size_t v = ip[0];
    if (v & 0x80) {
        v = (v & 0x7f) | ((size_t)ip[1] << 7);
        *pip = ip + 2;
    } else {
        *pip = ip + 1;
    }
    return v;
}

static inline rt_int_t decode_slabel(const uint8_t **pip) {
    const uint8_t *ip = *pip;
    if (ip[0] & 0x80) {
        size_t v = (ip[0] & 0x7f) | ((size_t)ip[1] << 7);
        *pip = ip + 2;
        return (rt_int_t)v - 0x4000;
    }
    *pip = ip + 1;
    return (rt_int_t)ip[0] - 0x40;
}

// Leaving an active finally block early (return or a jump out of it) drops
// what it was unwinding from under the value on top of the stack: a small
// int and the object it counts, or a single object. Returns the new top.
static inline obj_t *drop_finally_state(obj_t *sp) {
    size_t n = obj_is_small_int(sp[-1]) ? 2 : 1;
    sp[-(ptrdiff_t)n] = sp[0];
    return sp - n;
}

static noreturn void local_unbound(void) {
    rt_raise(&type_NameError, "local variable referenced before assignment");
}

size_t code_line_of(const code_t *c, const uint8_t *ip) {
    size_t offset = (size_t)(ip - c->bc);
    size_t line = 1;
    const uint8_t *p = c->line_info;
    while (p < c->line_info_end) {
        size_t b, l;
        uint8_t x = *p;
        if ((x & 0x80) == 0) {
            b = x & 0x1f;
            l = x >> 5;
            p += 1;
        } else {
            b = x & 0xf;
            l = ((size_t)(x << 4) & 0x700) | p[1];
            p += 2;
        }
        if (offset >= b) {
            offset -= b;
            line += l;
        } else {
            break;
        }
    }
    return line;
}

#define EXC_WITH_OR_FINALLY ((uintptr_t)2)
#define EXC_SP_PTR(e) ((obj_t *)((uintptr_t)(e)->val_sp & ~(uintptr_t)3))
#define EXC_IS_FINALLY(e) (((uintptr_t)(e)->val_sp & EXC_WITH_OR_FINALLY) != 0)

vm_return_t vm_execute(frame_t *f, obj_t inject_exc_in, obj_t *ret) {
    const obj_fun_bc_t *const fun = f->fun;
    const code_t *const code = fun->code;
    const module_ctx_t *const ctx = code->ctx;
    const qstr_t *const qstrs = ctx->qstrs;
    const obj_t *const consts = ctx->consts;
    const obj_t globals = ctx->globals;
    obj_t *const fastn = &f->state[f->n_state - 1];
    volatile obj_t inject_exc = inject_exc_in;
    nlr_buf_t nlr;

outer:
    if (nlr_push(&nlr) == 0) {
        const uint8_t *ip = f->ip;
        obj_t *sp = f->sp;

#define PUSH(v) (*++sp = (v))
#define POP() (*sp--)
#define TOP() (*sp)
#define SET_TOP(v) (*sp = (v))
#define QSTR_ARG() (qstrs[decode_uint(&ip)])
#define RAISE(o) nlr_jump(o)

#if RT_COMPUTED_GOTO
#define ENTRY(name) op_##name
#define DISPATCH()                     \
    do {                               \
        f->ip = ip;                    \
        goto *dispatch_table[*ip++];   \
    } while (0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
        static const void *const dispatch_table[256] = {
            [0 ... 255] = &&op_invalid,
#define OP(name, byte, fmt, delta) [byte] = &&op_##name,
#define RANGE(name, first, count, delta)
#include "../mpyformat/opcodes.def"
#undef OP
#undef RANGE
            [MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST ... MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST + 63] =
                &&multi_small_int,
            [MPY_OP_LOAD_FAST_MULTI_FIRST ... MPY_OP_LOAD_FAST_MULTI_FIRST + 15] = &&multi_load_fast,
            [MPY_OP_STORE_FAST_MULTI_FIRST ... MPY_OP_STORE_FAST_MULTI_FIRST + 15] = &&multi_store_fast,
            [MPY_OP_UNARY_OP_MULTI_FIRST ... MPY_OP_UNARY_OP_MULTI_FIRST + 3] = &&multi_unary,
            [MPY_OP_BINARY_OP_MULTI_FIRST ... MPY_OP_BINARY_OP_MULTI_FIRST + 34] = &&multi_binary,
            [MPY_OP_BINARY_OP_MULTI_FIRST + OP_ADD] = &&bin_add,
            [MPY_OP_BINARY_OP_MULTI_FIRST + OP_INPLACE_ADD] = &&bin_add,
            [MPY_OP_BINARY_OP_MULTI_FIRST + OP_SUBTRACT] = &&bin_sub,
            [MPY_OP_BINARY_OP_MULTI_FIRST + OP_INPLACE_SUBTRACT] = &&bin_sub,
            [MPY_OP_BINARY_OP_MULTI_FIRST + OP_LESS] = &&bin_less,
            [MPY_OP_BINARY_OP_MULTI_FIRST + OP_EQUAL] = &&bin_equal,
        };
#pragma GCC diagnostic pop
#else
#define ENTRY(name) case MPY_OP_##name
#define DISPATCH() goto dispatch_loop
#endif

        if (inject_exc != OBJ_NULL && *ip != MPY_OP_YIELD_FROM) {
            obj_t exc = inject_exc;
            inject_exc = OBJ_NULL;
            RAISE(rt_make_raise_obj(exc));
        }

#if RT_COMPUTED_GOTO
        DISPATCH();
#else
    dispatch_loop:
        f->ip = ip;
        switch (*ip++) {
#endif
        ENTRY(LOAD_CONST_FALSE):
            PUSH(OBJ_FALSE);
            DISPATCH();
        ENTRY(LOAD_CONST_NONE):
            PUSH(OBJ_NONE);
            DISPATCH();
        ENTRY(LOAD_CONST_TRUE):
            PUSH(OBJ_TRUE);
            DISPATCH();
        ENTRY(LOAD_CONST_SMALL_INT): {
            rt_uint_t num = (ip[0] & 0x40) ? (rt_uint_t)-1 : 0;
            uint8_t b;
            do {
                b = *ip++;
                num = (num << 7) | (b & 0x7f);
            } while (b & 0x80);
            PUSH(int_from_ll((long long)(rt_int_t)num));
            DISPATCH();
        }
        ENTRY(LOAD_CONST_STRING):
            PUSH(obj_qstr(QSTR_ARG()));
            DISPATCH();
        ENTRY(LOAD_CONST_OBJ):
            PUSH(consts[decode_uint(&ip)]);
            DISPATCH();
        ENTRY(LOAD_NULL):
            PUSH(OBJ_NULL);
            DISPATCH();
        ENTRY(LOAD_FAST_N): {
            obj_t v = fastn[-(rt_int_t)decode_uint(&ip)];
            if (v == OBJ_NULL) {
                local_unbound();
            }
            PUSH(v);
            DISPATCH();
        }
        ENTRY(LOAD_DEREF): {
            obj_t v = ((obj_cell_t *)fastn[-(rt_int_t)decode_uint(&ip)])->value;
            if (v == OBJ_NULL) {
                local_unbound();
            }
            PUSH(v);
            DISPATCH();
        }
        ENTRY(LOAD_NAME):
            PUSH(rt_load_name(rt.cur_locals, globals, QSTR_ARG()));
            DISPATCH();
        ENTRY(LOAD_GLOBAL): {
            qstr_t q = QSTR_ARG();
            map_elem_t *e = map_lookup_qstr(dict_map(globals), q);
            PUSH(e != NULL ? e->value : rt_load_global(globals, q));
            DISPATCH();
        }
        ENTRY(LOAD_ATTR): {
            qstr_t q = QSTR_ARG();
            obj_t o = TOP();
            if (obj_is_ptr(o)) {
                const type_t *t = ((obj_base_t *)o)->type;
                if ((t->flags & TYPE_FLAG_USER)) {
                    map_elem_t *e = map_lookup_qstr(&((obj_instance_t *)o)->members, q);
                    if (e != NULL) {
                        SET_TOP(e->value);
                        DISPATCH();
                    }
                }
            }
            SET_TOP(rt_load_attr(o, q));
            DISPATCH();
        }
        ENTRY(LOAD_METHOD): {
            qstr_t q = QSTR_ARG();
            rt_load_method(*sp, q, sp);
            sp += 1;
            DISPATCH();
        }
        ENTRY(LOAD_SUPER_METHOD): {
            qstr_t q = QSTR_ARG();
            sp -= 1;
            rt_load_super_method(q, sp - 1);
            DISPATCH();
        }
        ENTRY(LOAD_BUILD_CLASS):
            PUSH(builtin_build_class_obj());
            DISPATCH();
        ENTRY(LOAD_SUBSCR): {
            obj_t index = POP();
            obj_t base = TOP();
            if (obj_is_small_int(index) && obj_is_type(base, &type_list)) {
                obj_list_t *l = OBJ_TO_PTR(base);
                rt_int_t i = small_int_value(index);
                if (i < 0) {
                    i += (rt_int_t)l->len;
                }
                if (i >= 0 && (size_t)i < l->len) {
                    SET_TOP(l->items[i]);
                    DISPATCH();
                }
            }
            SET_TOP(rt_subscr(base, index, OBJ_SENTINEL));
            DISPATCH();
        }
        ENTRY(STORE_FAST_N):
            fastn[-(rt_int_t)decode_uint(&ip)] = POP();
            DISPATCH();
        ENTRY(STORE_DEREF):
            ((obj_cell_t *)fastn[-(rt_int_t)decode_uint(&ip)])->value = POP();
            DISPATCH();
        ENTRY(STORE_NAME): {
            qstr_t q = QSTR_ARG();
            dict_store(rt.cur_locals, obj_qstr(q), POP());
            DISPATCH();
        }
        ENTRY(STORE_GLOBAL): {
            qstr_t q = QSTR_ARG();
            dict_store(globals, obj_qstr(q), POP());
            DISPATCH();
        }
        ENTRY(STORE_ATTR): {
            qstr_t q = QSTR_ARG();
            obj_t o = sp[0];
            if (obj_is_ptr(o) && sp[-1] != OBJ_NULL) {
                const type_t *t = ((obj_base_t *)o)->type;
                if ((t->flags & (TYPE_FLAG_USER | TYPE_FLAG_HAS_DESCRIPTORS)) == TYPE_FLAG_USER) {
                    map_elem_t *e = map_lookup_qstr(&((obj_instance_t *)o)->members, q);
                    if (e != NULL) {
                        e->value = sp[-1];
                        sp -= 2;
                        DISPATCH();
                    }
                }
            }
            rt_store_attr(o, q, sp[-1]);
            sp -= 2;
            DISPATCH();
        }
        ENTRY(STORE_SUBSCR): {
            obj_t index = sp[0];
            obj_t base = sp[-1];
            if (obj_is_small_int(index) && obj_is_type(base, &type_list) && sp[-2] != OBJ_NULL) {
                obj_list_t *l = OBJ_TO_PTR(base);
                rt_int_t i = small_int_value(index);
                if (i < 0) {
                    i += (rt_int_t)l->len;
                }
                if (i >= 0 && (size_t)i < l->len) {
                    l->items[i] = sp[-2];
                    sp -= 3;
                    DISPATCH();
                }
            }
            rt_subscr(base, index, sp[-2]);
            sp -= 3;
            DISPATCH();
        }
        ENTRY(DELETE_FAST): {
            size_t n = decode_uint(&ip);
            if (fastn[-(rt_int_t)n] == OBJ_NULL) {
                local_unbound();
            }
            fastn[-(rt_int_t)n] = OBJ_NULL;
            DISPATCH();
        }
        ENTRY(DELETE_DEREF): {
            obj_cell_t *cell = OBJ_TO_PTR(fastn[-(rt_int_t)decode_uint(&ip)]);
            if (cell->value == OBJ_NULL) {
                local_unbound();
            }
            cell->value = OBJ_NULL;
            DISPATCH();
        }
        ENTRY(DELETE_NAME): {
            qstr_t q = QSTR_ARG();
            if (map_lookup(dict_map(rt.cur_locals), obj_qstr(q), MAP_LOOKUP_REMOVE_IF_FOUND) == NULL) {
                rt_raise_fmt(&type_NameError, "name '%s' isn't defined", rtq_str(q));
            }
            DISPATCH();
        }
        ENTRY(DELETE_GLOBAL): {
            qstr_t q = QSTR_ARG();
            if (map_lookup(dict_map(globals), obj_qstr(q), MAP_LOOKUP_REMOVE_IF_FOUND) == NULL) {
                rt_raise_fmt(&type_NameError, "name '%s' isn't defined", rtq_str(q));
            }
            DISPATCH();
        }
        ENTRY(DUP_TOP): {
            obj_t v = TOP();
            PUSH(v);
            DISPATCH();
        }
        ENTRY(DUP_TOP_TWO):
            sp += 2;
            sp[0] = sp[-2];
            sp[-1] = sp[-3];
            DISPATCH();
        ENTRY(POP_TOP):
            sp -= 1;
            DISPATCH();
        ENTRY(ROT_TWO): {
            obj_t v = sp[0];
            sp[0] = sp[-1];
            sp[-1] = v;
            DISPATCH();
        }
        ENTRY(ROT_THREE): {
            obj_t v = sp[0];
            sp[0] = sp[-1];
            sp[-1] = sp[-2];
            sp[-2] = v;
            DISPATCH();
        }
        ENTRY(JUMP): {
            rt_int_t d = decode_slabel(&ip);
            ip += d;
            DISPATCH();
        }
        ENTRY(POP_JUMP_IF_TRUE): {
            rt_int_t d = decode_slabel(&ip);
            obj_t v = POP();
            if (v == OBJ_TRUE || (v != OBJ_FALSE && obj_is_true(v))) {
                ip += d;
            }
            DISPATCH();
        }
        ENTRY(POP_JUMP_IF_FALSE): {
            rt_int_t d = decode_slabel(&ip);
            obj_t v = POP();
            if (v == OBJ_FALSE || (v != OBJ_TRUE && !obj_is_true(v))) {
                ip += d;
            }
            DISPATCH();
        }
        ENTRY(JUMP_IF_TRUE_OR_POP): {
            size_t d = decode_ulabel(&ip);
            if (obj_is_true(TOP())) {
                ip += d;
            } else {
                sp--;
            }
            DISPATCH();
        }
        ENTRY(JUMP_IF_FALSE_OR_POP): {
            size_t d = decode_ulabel(&ip);
            if (obj_is_true(TOP())) {
                sp--;
            } else {
                ip += d;
            }
            DISPATCH();
        }
        ENTRY(SETUP_WITH): {
            obj_t mgr = TOP();
            rt_load_method(mgr, QSTR___exit__, sp);
            rt_load_method(mgr, QSTR___enter__, sp + 2);
            obj_t v = rt_call_method(0, 0, sp + 2);
            sp += 1;
            size_t d = decode_ulabel(&ip);
            exc_entry_t *e = ++f->exc_sp;
            e->handler = ip + d;
            e->val_sp = (obj_t *)((uintptr_t)sp | EXC_WITH_OR_FINALLY);
            e->prev_exc = OBJ_NULL;
            PUSH(v);
            DISPATCH();
        }
        ENTRY(WITH_CLEANUP): {
            // Stack: (..., __exit__, self, X) where X is None (normal exit),
            // a small int (unwinding a return or jump, with its data below)
            // or the exception being raised.
            if (TOP() == OBJ_NONE) {
                sp[1] = OBJ_NONE;
                sp[2] = OBJ_NONE;
                sp -= 2;
                rt_call_method(3, 0, sp);
                SET_TOP(OBJ_NONE);
            } else if (obj_is_small_int(TOP())) {
                obj_t data = sp[-1];
                obj_t cause = sp[0];
                sp[-1] = OBJ_NONE;
                sp[0] = OBJ_NONE;
                sp[1] = OBJ_NONE;
                rt_call_method(3, 0, sp - 3);
                sp[-3] = data;
                sp[-2] = cause;
                sp -= 2;
            } else {
                sp[1] = sp[0];
                sp[0] = (obj_t)obj_type(sp[0]);
                sp[2] = OBJ_NONE;
                sp -= 2;
                obj_t r = rt_call_method(3, 0, sp);
                if (obj_is_true(r)) {
                    SET_TOP(OBJ_NONE);
                } else {
                    sp[0] = sp[3];
                }
            }
            DISPATCH();
        }
        ENTRY(UNWIND_JUMP): {
            rt_int_t d = decode_slabel(&ip);
            PUSH((obj_t)(ip + d));
            PUSH((obj_t)(rt_uint_t)*ip);
        unwind_jump:;
            rt_uint_t unum = (rt_uint_t)POP();
            while ((unum & 0x7f) > 0) {
                unum -= 1;
                exc_entry_t *e = f->exc_sp;
                if (EXC_IS_FINALLY(e)) {
                    if (e->handler >= ip) {
                        // Run the finally block; it comes back here through
                        // END_FINALLY or WITH_CLEANUP with this count.
                        PUSH(small_int((rt_int_t)unum));
                        ip = e->handler;
                        DISPATCH();
                    }
                    // An active finally: drop what it was unwinding.
                    sp = drop_finally_state(sp);
                }
                f->exc_sp--;
            }
            ip = (const uint8_t *)POP();
            if (unum != 0) {
                sp -= ITER_BUF_NSLOTS;
            }
            DISPATCH();
        }
        ENTRY(SETUP_EXCEPT):
        ENTRY(SETUP_FINALLY): {
            uintptr_t tag = ip[-1] == MPY_OP_SETUP_FINALLY ? EXC_WITH_OR_FINALLY : 0;
            size_t d = decode_ulabel(&ip);
            exc_entry_t *e = ++f->exc_sp;
            e->handler = ip + d;
            e->val_sp = (obj_t *)((uintptr_t)sp | tag);
            e->prev_exc = OBJ_NULL;
            DISPATCH();
        }
        ENTRY(END_FINALLY): {
            f->exc_sp--;
            obj_t v = TOP();
            if (v == OBJ_NONE) {
                sp--;
            } else if (obj_is_small_int(v)) {
                rt_int_t cause = small_int_value(POP());
                if (cause < 0) {
                    goto unwind_return;
                }
                PUSH((obj_t)cause);
                goto unwind_jump;
            } else {
                RAISE(v);
            }
            DISPATCH();
        }
        ENTRY(POP_EXCEPT_JUMP): {
            f->exc_sp--;
            size_t d = decode_ulabel(&ip);
            ip += d;
            DISPATCH();
        }
        ENTRY(GET_ITER):
            SET_TOP(rt_getiter(TOP(), NULL));
            DISPATCH();
        ENTRY(GET_ITER_STACK): {
            obj_t o = TOP();
            iter_buf_t *buf = (iter_buf_t *)sp;
            sp += ITER_BUF_NSLOTS - 1;
            obj_t it = rt_getiter(o, buf);
            if (it != (obj_t)buf) {
                sp[-ITER_BUF_NSLOTS + 1] = OBJ_NULL;
                sp[-ITER_BUF_NSLOTS + 2] = it;
            }
            DISPATCH();
        }
        ENTRY(FOR_ITER): {
            size_t d = decode_ulabel(&ip);
            f->sp = sp;
            obj_t it;
            if (sp[-ITER_BUF_NSLOTS + 1] == OBJ_NULL) {
                it = sp[-ITER_BUF_NSLOTS + 2];
            } else {
                it = (obj_t)&sp[-ITER_BUF_NSLOTS + 1];
            }
            const type_t *t = ((obj_base_t *)it)->type;
            obj_t v = t->iternext != NULL ? t->iternext(it) : rt_iternext_allow_raise(it);
            if (v == OBJ_STOP_ITERATION) {
                sp -= ITER_BUF_NSLOTS;
                ip += d;
            } else {
                PUSH(v);
            }
            DISPATCH();
        }
        ENTRY(BUILD_TUPLE): {
            size_t n = decode_uint(&ip);
            sp -= (rt_int_t)n - 1;
            SET_TOP(tuple_new(n, sp));
            DISPATCH();
        }
        ENTRY(BUILD_LIST): {
            size_t n = decode_uint(&ip);
            sp -= (rt_int_t)n - 1;
            SET_TOP(list_new(n, sp));
            DISPATCH();
        }
        ENTRY(BUILD_MAP): {
            size_t n = decode_uint(&ip);
            PUSH(dict_new(n));
            DISPATCH();
        }
        ENTRY(STORE_MAP):
            sp -= 2;
            dict_store(sp[0], sp[2], sp[1]);
            DISPATCH();
        ENTRY(BUILD_SET): {
            size_t n = decode_uint(&ip);
            sp -= (rt_int_t)n - 1;
#if RT_SET
            SET_TOP(set_new(&type_set, n, sp));
#else
            rt_raise(&type_NotImplementedError, "set not supported");
#endif
            DISPATCH();
        }
        ENTRY(BUILD_SLICE): {
            size_t n = decode_uint(&ip);
            obj_t step = OBJ_NONE;
            if (n == 3) {
                step = POP();
            }
            obj_t stop = POP();
            SET_TOP(slice_new(TOP(), stop, step));
            DISPATCH();
        }
        ENTRY(STORE_COMP): {
            size_t n = decode_uint(&ip);
            obj_t target = sp[-(rt_int_t)(n >> 2)];
            if ((n & 3) == 0) {
                list_append(target, sp[0]);
                sp--;
            } else if ((n & 3) == 1) {
                dict_store(target, sp[0], sp[-1]);
                sp -= 2;
            } else if (RT_SET) {   // without sets BUILD_SET has raised
                set_store(target, sp[0]);
                sp--;
            }
            DISPATCH();
        }
        ENTRY(UNPACK_SEQUENCE): {
            size_t n = decode_uint(&ip);
            rt_unpack_sequence(sp[0], n, sp);
            sp += n - 1;
            DISPATCH();
        }
        ENTRY(UNPACK_EX): {
            size_t n = decode_uint(&ip);
            rt_unpack_ex(sp[0], n, sp);
            sp += (n & 0xff) + ((n >> 8) & 0xff);
            DISPATCH();
        }
        ENTRY(MAKE_FUNCTION): {
            size_t n = decode_uint(&ip);
            PUSH(fun_bc_new(code->children[n], OBJ_NULL, OBJ_NULL, 0, NULL));
            DISPATCH();
        }
        ENTRY(MAKE_FUNCTION_DEFARGS): {
            size_t n = decode_uint(&ip);
            obj_t def_dict = POP();
            SET_TOP(fun_bc_new(code->children[n], TOP(), def_dict, 0, NULL));
            DISPATCH();
        }
        ENTRY(MAKE_CLOSURE): {
            size_t n = decode_uint(&ip);
            size_t n_closed = *ip++;
            sp -= n_closed - 1;
            SET_TOP(fun_bc_new(code->children[n], OBJ_NULL, OBJ_NULL, n_closed, sp));
            DISPATCH();
        }
        ENTRY(MAKE_CLOSURE_DEFARGS): {
            size_t n = decode_uint(&ip);
            size_t n_closed = *ip++;
            sp -= 2 + n_closed - 1;
            SET_TOP(fun_bc_new(code->children[n], sp[0], sp[1], n_closed, sp + 2));
            DISPATCH();
        }
        ENTRY(CALL_FUNCTION): {
            size_t n = decode_uint(&ip);
            sp -= (n & 0xff) + ((n >> 7) & 0x1fe);
            SET_TOP(rt_call(*sp, n & 0xff, (n >> 8) & 0xff, sp + 1));
            DISPATCH();
        }
        ENTRY(CALL_FUNCTION_VAR_KW): {
            size_t n = decode_uint(&ip);
            sp -= (n & 0xff) + ((n >> 7) & 0x1fe) + 1;
            SET_TOP(rt_call_var_kw(false, n, sp));
            DISPATCH();
        }
        ENTRY(CALL_METHOD): {
            size_t n = decode_uint(&ip);
            sp -= (n & 0xff) + ((n >> 7) & 0x1fe) + 1;
            SET_TOP(rt_call_method(n & 0xff, (n >> 8) & 0xff, sp));
            DISPATCH();
        }
        ENTRY(CALL_METHOD_VAR_KW): {
            size_t n = decode_uint(&ip);
            sp -= (n & 0xff) + ((n >> 7) & 0x1fe) + 2;
            SET_TOP(rt_call_var_kw(true, n, sp));
            DISPATCH();
        }
        ENTRY(RETURN_VALUE):
        unwind_return:
            while (f->exc_sp >= frame_exc_stack(f)) {
                exc_entry_t *e = f->exc_sp;
                if (EXC_IS_FINALLY(e)) {
                    if (e->handler >= ip) {
                        // Run the pending finally first; any for-loop
                        // iterators between it and the value are dropped.
                        obj_t *finally_sp = EXC_SP_PTR(e);
                        finally_sp[1] = sp[0];
                        sp = &finally_sp[1];
                        PUSH(small_int(-1));
                        ip = e->handler;
                        DISPATCH();
                    }
                    sp = drop_finally_state(sp);
                }
                f->exc_sp--;
            }
            nlr_pop();
            f->sp = sp;
            *ret = sp[0];
            return VM_RETURN_NORMAL;
        ENTRY(RAISE_LAST): {
            obj_t o = OBJ_NULL;
            for (exc_entry_t *e = f->exc_sp; e >= frame_exc_stack(f); --e) {
                if (e->prev_exc != OBJ_NULL) {
                    o = e->prev_exc;
                    break;
                }
            }
            if (o == OBJ_NULL) {
                o = exc_new_msg(&type_RuntimeError, "no active exception to reraise");
            }
            RAISE(o);
        }
        ENTRY(RAISE_OBJ):
            RAISE(rt_make_raise_obj(TOP()));
        ENTRY(RAISE_FROM): {
            obj_t cause = POP();
            if (cause != OBJ_NONE) {
                print_str(&print_stderr, "Warning: exception chaining not supported\n");
            }
            RAISE(rt_make_raise_obj(TOP()));
        }
        ENTRY(YIELD_VALUE):
        yield:
            nlr_pop();
            f->ip = ip;
            f->sp = sp;
            *ret = sp[0];
            return VM_RETURN_YIELD;
        ENTRY(YIELD_FROM): {
            obj_t send_value = POP();
            obj_t t_exc = OBJ_NULL;
            obj_t r;
            vm_return_t kind;
            f->sp = sp;
            if (inject_exc != OBJ_NULL) {
                t_exc = inject_exc;
                inject_exc = OBJ_NULL;
                kind = rt_resume(TOP(), OBJ_NULL, t_exc, &r);
            } else {
                kind = rt_resume(TOP(), send_value, OBJ_NULL, &r);
            }
            if (kind == VM_RETURN_YIELD) {
                ip--;
                PUSH(r);
                goto yield;
            }
            if (kind == VM_RETURN_NORMAL) {
                SET_TOP(r);
                if (t_exc != OBJ_NULL && exc_match(t_exc, (obj_t)&type_GeneratorExit)) {
                    RAISE(rt_make_raise_obj(t_exc));
                }
                DISPATCH();
            }
            sp--;
            RAISE(r);
        }
        ENTRY(IMPORT_NAME): {
            qstr_t q = QSTR_ARG();
            obj_t fromlist = POP();
            SET_TOP(rt_import_name(q, fromlist, TOP()));
            DISPATCH();
        }
        ENTRY(IMPORT_FROM): {
            qstr_t q = QSTR_ARG();
            obj_t v = rt_import_from(TOP(), q);
            PUSH(v);
            DISPATCH();
        }
        ENTRY(IMPORT_STAR):
            rt_import_all(POP(), rt.cur_locals);
            DISPATCH();

        multi_small_int:
            PUSH(small_int((rt_int_t)ip[-1] - MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST - 16));
            DISPATCH();
        multi_load_fast: {
            obj_t v = fastn[-(rt_int_t)(ip[-1] - MPY_OP_LOAD_FAST_MULTI_FIRST)];
            if (v == OBJ_NULL) {
                local_unbound();
            }
            PUSH(v);
            DISPATCH();
        }
        multi_store_fast:
            fastn[-(rt_int_t)(ip[-1] - MPY_OP_STORE_FAST_MULTI_FIRST)] = POP();
            DISPATCH();
        multi_unary:
            SET_TOP(rt_unary_op(ip[-1] - MPY_OP_UNARY_OP_MULTI_FIRST, TOP()));
            DISPATCH();
        bin_add: {
            obj_t rhs = POP();
            obj_t lhs = TOP();
            if (obj_is_small_int(lhs) && obj_is_small_int(rhs)) {
                rt_int_t r = small_int_value(lhs) + small_int_value(rhs);
                if (small_int_fits(r)) {
                    SET_TOP(small_int(r));
                    DISPATCH();
                }
            }
            SET_TOP(rt_binary_op(ip[-1] - MPY_OP_BINARY_OP_MULTI_FIRST, lhs, rhs));
            DISPATCH();
        }
        bin_sub: {
            obj_t rhs = POP();
            obj_t lhs = TOP();
            if (obj_is_small_int(lhs) && obj_is_small_int(rhs)) {
                rt_int_t r = small_int_value(lhs) - small_int_value(rhs);
                if (small_int_fits(r)) {
                    SET_TOP(small_int(r));
                    DISPATCH();
                }
            }
            SET_TOP(rt_binary_op(ip[-1] - MPY_OP_BINARY_OP_MULTI_FIRST, lhs, rhs));
            DISPATCH();
        }
        bin_less: {
            obj_t rhs = POP();
            obj_t lhs = TOP();
            if (obj_is_small_int(lhs) && obj_is_small_int(rhs)) {
                SET_TOP(OBJ_BOOL((rt_int_t)lhs < (rt_int_t)rhs));
                DISPATCH();
            }
            SET_TOP(rt_binary_op(OP_LESS, lhs, rhs));
            DISPATCH();
        }
        bin_equal: {
            obj_t rhs = POP();
            obj_t lhs = TOP();
            if (lhs == rhs && obj_is_small_int(lhs)) {
                SET_TOP(OBJ_TRUE);
                DISPATCH();
            }
            if (obj_is_small_int(lhs) && obj_is_small_int(rhs)) {
                SET_TOP(OBJ_FALSE);
                DISPATCH();
            }
            SET_TOP(rt_binary_op(OP_EQUAL, lhs, rhs));
            DISPATCH();
        }
        multi_binary: {
            obj_t rhs = POP();
            obj_t lhs = TOP();
            SET_TOP(rt_binary_op(ip[-1] - MPY_OP_BINARY_OP_MULTI_FIRST, lhs, rhs));
            DISPATCH();
        }
#if !RT_COMPUTED_GOTO
        default: {
            uint8_t op = ip[-1];
            if (op >= MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST && op < MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST + 64) {
                goto multi_small_int;
            }
            if (op >= MPY_OP_LOAD_FAST_MULTI_FIRST && op < MPY_OP_LOAD_FAST_MULTI_FIRST + 16) {
                goto multi_load_fast;
            }
            if (op >= MPY_OP_STORE_FAST_MULTI_FIRST && op < MPY_OP_STORE_FAST_MULTI_FIRST + 16) {
                goto multi_store_fast;
            }
            if (op >= MPY_OP_UNARY_OP_MULTI_FIRST && op < MPY_OP_UNARY_OP_MULTI_FIRST + 4) {
                goto multi_unary;
            }
            if (op >= MPY_OP_BINARY_OP_MULTI_FIRST && op < MPY_OP_BINARY_OP_MULTI_FIRST + 35) {
                goto multi_binary;
            }
            goto op_invalid;
        }
        }
#endif
        op_invalid:
            rt_raise_fmt(&type_NotImplementedError, "opcode 0x%02x", ip[-1]);
    }

    // An exception arrived.
    obj_t exc = nlr.ret_val;
    const uint8_t *ip = f->ip;
    if (*ip == MPY_OP_FOR_ITER && obj_isinstance(exc, &type_StopIteration)) {
        // A for loop's iterator raised StopIteration: the loop ends.
        ip++;
        size_t d = decode_ulabel(&ip);
        f->ip = ip + d;
        f->sp -= ITER_BUF_NSLOTS;
        goto outer;
    }
    if (exc != (obj_t)&exc_memory_error_obj) {
        exc_add_traceback(exc, ctx->source_file, code_line_of(code, ip), code->name);
    }
    exc_entry_t *e = f->exc_sp;
    while (e >= frame_exc_stack(f) && e->handler <= ip) {
        e--;
    }
    f->exc_sp = e;
    if (e >= frame_exc_stack(f)) {
        obj_t *sp = EXC_SP_PTR(e);
        f->ip = e->handler;
        e->prev_exc = exc;
        rt.cur_exc = exc;
        *++sp = exc;
        f->sp = sp;
        goto outer;
    }
    f->ip = NULL;
    *ret = exc;
    return VM_RETURN_EXCEPTION;
}
