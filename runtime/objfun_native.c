// runtime/objfun_native.c: functions made of machine code. The loader's
// part (copying code to executable memory, viper relocations, the native
// prelude), the function objects for native, viper and inline-assembler
// code with MicroPython's calling conventions, native generators, closures
// over native functions, and the code-state setup native code calls.
#include "nativeglue.h"

#if RT_NATIVE
#include <string.h>

// Machine code is called as MicroPython's mp_call_fun_t (native, viper) or
// with up to four word arguments (asm).
typedef obj_t (*native_call_t)(obj_t fun, size_t n_args, size_t n_kw, const obj_t *args);
typedef vm_return_t (*native_resume_t)(frame_t *state, obj_t throw_exc);
typedef rt_uint_t (*asm_fun_0_t)(void);
typedef rt_uint_t (*asm_fun_1_t)(rt_uint_t);
typedef rt_uint_t (*asm_fun_2_t)(rt_uint_t, rt_uint_t);
typedef rt_uint_t (*asm_fun_3_t)(rt_uint_t, rt_uint_t, rt_uint_t);
typedef rt_uint_t (*asm_fun_4_t)(rt_uint_t, rt_uint_t, rt_uint_t, rt_uint_t);

// A native function's code starts with a word: the child-table index of
// its prelude. A native generator's has a second word: the offset of its
// first instruction; its resume entry follows.
enum {
    NATIVE_WORD = sizeof(uintptr_t),
};

// ---------------------------------------------------------------------------
// Loading.

// Applies a viper relocation stream (MicroPython's mp_native_relocate):
// entries add the address of the code, rodata, bss, the qstr or constant
// table, the function table or one of its entries to words of the code or
// rodata.
static void relocate(const mpy_raw_code_t *rc, uint8_t *text, uint8_t *rodata, uint8_t *bss,
                     const module_ctx_t *ctx) {
    const uintptr_t *table = (const uintptr_t *)rt_native_fun_table_obj();
    size_t pos = 0;
    uintptr_t *at = NULL;
    while (pos < rc->reloc_len && rc->reloc[pos] != 0xff) {
        uint8_t op = rc->reloc[pos++];
        uint64_t v;
        if (op & 1) {
            if (mpy_read_vuint(rc->reloc, rc->reloc_len, &pos, &v) != NULL) {
                break;
            }
            at = (v & 1) ? (uintptr_t *)rodata + (v >> 1) : (uintptr_t *)text + (v >> 1);
        }
        op >>= 1;
        uintptr_t dest;
        size_t n = 1;
        if (op <= 5) {
            if ((op & 1) && mpy_read_vuint(rc->reloc, rc->reloc_len, &pos, &v) == NULL) {
                n = (size_t)v;
            }
            op >>= 1;
            dest = op == 0 ? (uintptr_t)text : op == 1 ? (uintptr_t)rodata : (uintptr_t)bss;
        } else if (op == 6) {
            dest = (uintptr_t)ctx->qstr_short;
        } else if (op == 7) {
            dest = (uintptr_t)ctx->consts;
        } else if (op == 8) {
            dest = (uintptr_t)table;
        } else {
            dest = op - 9 < 50 ? table[op - 9] : 0;
        }
        if (at == NULL) {
            rt_raise_value_error("malformed .mpy file (bad relocation)");
        }
        while (n--) {
            *at++ += dest;   // a whole aligned word: instruction RAM takes it
        }
    }
}

// Fills the code_t fields a native function's prelude gives.
static void load_prelude(code_t *c, const mpy_raw_code_t *rc, const uint8_t *copy) {
    const module_ctx_t *ctx = c->ctx;
    if (rc->prelude_offset >= rc->code_len) {
        rt_raise_value_error("malformed .mpy file (bad prelude offset)");
    }
    const uint8_t *pre = rc->code + rc->prelude_offset;
    size_t len = rc->code_len - rc->prelude_offset;
    diag_t d;
    diag_init(&d, NULL);
    mpy_prelude_t p;
    if (!mpy_prelude_decode(pre, len, rc->file_offset + (long)rc->prelude_offset, &p, &d)) {
        rt_raise_fmt(&type_ValueError, "malformed .mpy file (%s)", d.msg);
    }
    c->n_state = (uint16_t)p.n_state;
    c->n_exc_stack = 0;
    c->scope_flags = (uint8_t)p.scope_flags;
    c->n_pos_args = (uint8_t)p.n_pos_args;
    c->n_kwonly_args = (uint8_t)p.n_kwonly_args;
    c->n_def_pos_args = (uint8_t)p.n_def_pos_args;
    c->cells = copy + rc->prelude_offset + p.cell_offset;
    c->n_cells = (uint16_t)p.n_cell;
    if (p.name >= ctx->n_qstrs) {
        rt_raise_value_error("malformed .mpy file (bad qstr index)");
    }
    c->name = ctx->qstrs[p.name];
    size_t n_names = p.n_pos_args + p.n_kwonly_args;
    qstr_t *names = gc_alloc((n_names + 1) * sizeof(qstr_t));
    uint32_t *idx = gc_alloc((n_names + 1) * sizeof(uint32_t));
    mpy_prelude_arg_names(pre, &p, idx);
    for (size_t i = 0; i < n_names; i++) {
        if (idx[i] >= ctx->n_qstrs) {
            rt_raise_value_error("malformed .mpy file (bad qstr index)");
        }
        names[i] = ctx->qstrs[idx[i]];
    }
    gc_free(idx);
    c->arg_names = names;
}

void native_code_load(code_t *c, const mpy_raw_code_t *rc) {
    native_code_t *nc = rt_new(native_code_t);
    nc->kind = (uint8_t)rc->kind;
    uint8_t *text = port_exec_alloc(rc->code_len);
    port_exec_copy(text, rc->code, rc->code_len);
    nc->fun_data = text;
    bool is_native = rc->kind == MPY_CODE_NATIVE;
    size_t n_table = c->n_children + (is_native ? 1 : 0);
    const void **table = gc_alloc((n_table + 1) * sizeof(void *));
    for (size_t i = 0; i < c->n_children; i++) {
        table[i] = c->children[i];
    }
    nc->child_table = table;
    c->native = nc;
    c->name = QSTR_NULL;
    if (is_native) {
        if (rc->code_len < 2 * NATIVE_WORD) {
            rt_raise_value_error("malformed .mpy file (native code too short)");
        }
        load_prelude(c, rc, text);
        table[c->n_children] = text + rc->prelude_offset;
    } else {
        c->scope_flags = (uint8_t)rc->scope_flags;
        c->n_pos_args = (uint8_t)rc->n_pos_args;
        nc->n_pos_args = (uint8_t)rc->n_pos_args;
        nc->type_sig = rc->type_sig;
        if (rc->kind == MPY_CODE_ASM && rc->n_pos_args > 4) {
            rt_raise_value_error("malformed .mpy file (asm function with over 4 arguments)");
        }
        uint8_t *rodata = NULL;
        uint8_t *bss = NULL;
        if (rc->rodata_size != 0) {
            rodata = port_exec_alloc(rc->rodata_size);
            if (rc->rodata != NULL) {
                port_exec_copy(rodata, rc->rodata, rc->rodata_size);
            }
        }
        if (rc->bss_size != 0) {
            bss = port_exec_alloc(rc->bss_size);
        }
        if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRELOC) {
            relocate(rc, text, rodata, bss, c->ctx);
        }
    }
    port_exec_flush(text, rc->code_len);
}

// ---------------------------------------------------------------------------
// Function objects.

// Asm functions read no VM structure: they only need their code.
typedef struct obj_fun_asm {
    obj_base_t base;
    const code_t *code;
} obj_fun_asm_t;

// A function with closed-over cells: they become the first arguments.
typedef struct obj_closure_native {
    obj_base_t base;
    obj_t fun;
    size_t n_closed;
    obj_t closed[];
} obj_closure_native_t;

obj_t native_new_closure(obj_t fun, size_t n_closed, const obj_t *closed);
void native_setup_code_state(frame_t *f, size_t n_args, size_t n_kw, const obj_t *args);

obj_t native_new_closure(obj_t fun, size_t n_closed, const obj_t *closed) {
    n_closed &= 0xff;
    obj_closure_native_t *cl = gc_alloc(sizeof(obj_closure_native_t) + n_closed * sizeof(obj_t));
    cl->base.type = &type_closure_native;
    cl->fun = fun;
    cl->n_closed = n_closed;
    memcpy(cl->closed, closed, n_closed * sizeof(obj_t));
    return (obj_t)cl;
}

obj_t fun_native_new(const code_t *c, obj_t defaults, obj_t kwdefaults, size_t n_closed,
                     const obj_t *closed) {
    const native_code_t *nc = c->native;
    obj_t fun;
    if (nc->kind == MPY_CODE_ASM) {
        obj_fun_asm_t *f = rt_new(obj_fun_asm_t);
        f->base.type = &type_fun_asm;
        f->code = c;
        fun = (obj_t)f;
    } else {
        obj_fun_native_t *f = rt_new(obj_fun_native_t);
        if (nc->kind == MPY_CODE_VIPER) {
            f->base.type = &type_fun_viper;
        } else if (c->scope_flags & MPY_SCOPE_FLAG_GENERATOR) {
            f->base.type = &type_fun_native_gen;
        } else {
            f->base.type = &type_fun_native;
        }
        f->context = c->ctx;
        f->child_table = nc->child_table;
        f->fun_data = nc->fun_data;
        f->code = c;
        f->defaults = defaults == OBJ_NONE ? OBJ_NULL : defaults;
        f->kwdefaults = kwdefaults == OBJ_NONE ? OBJ_NULL : kwdefaults;
        fun = (obj_t)f;
    }
    if (n_closed != 0) {
        return native_new_closure(fun, n_closed, closed);
    }
    return fun;
}

// Called by native code with the code state in its frame (fun, n_state
// filled): binds the arguments into the locals exactly as for bytecode.
void native_setup_code_state(frame_t *f, size_t n_args, size_t n_kw, const obj_t *args) {
    const obj_fun_native_t *fun = (const obj_fun_native_t *)f->fun;
    obj_fun_bc_t as_bc = {{&type_fun_bc}, fun->code, fun->defaults, fun->kwdefaults, 0};
    fun_bc_setup_frame(f, &as_bc, n_args, n_kw, args);
    f->fun = (const obj_fun_bc_t *)fun;
    f->ip = fun->child_table[((const uintptr_t *)fun->fun_data)[0]];
}

static obj_t fun_native_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    rt_check_stack();
    const obj_fun_native_t *f = OBJ_TO_PTR(self);
    native_call_t entry = (native_call_t)native_callable(f->fun_data + NATIVE_WORD);
    return entry(self, n_args, n_kw, args);
}

static obj_t fun_viper_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    rt_check_stack();
    const obj_fun_native_t *f = OBJ_TO_PTR(self);
    native_call_t entry = (native_call_t)native_callable(f->fun_data);
    return entry(self, n_args, n_kw, args);
}

// A native generator function makes a generator whose frame is the code
// state the machine code works in.
static obj_t fun_native_gen_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    const obj_fun_native_t *fun = OBJ_TO_PTR(self);
    const code_t *c = fun->code;
    obj_gen_t *g = gc_alloc(sizeof(obj_gen_t) - sizeof(frame_t) + frame_size(c));
    g->base.type = &type_gen;
    g->pend_exc = OBJ_NONE;
    g->frame.fun = (const obj_fun_bc_t *)fun;
    g->frame.n_state = c->n_state;
    native_setup_code_state(&g->frame, n_args, n_kw, args);
    g->frame.ip = native_callable(fun->fun_data + ((const uintptr_t *)fun->fun_data)[1]);
    return (obj_t)g;
}

vm_return_t native_gen_resume(frame_t *f, obj_t throw_exc, obj_t *ret) {
    const obj_fun_native_t *fun = (const obj_fun_native_t *)f->fun;
    native_resume_t resume = (native_resume_t)native_callable(fun->fun_data + 2 * NATIVE_WORD);
    vm_return_t kind = resume(f, throw_exc);
    *ret = kind == VM_RETURN_EXCEPTION ? f->state[0] : *f->sp;
    return kind;
}

// Arguments of asm functions: machine words as MicroPython's
// convert_obj_for_inline_asm makes them.
static rt_uint_t asm_arg(obj_t o) {
    if (obj_is_small_int(o)) {
        return (rt_uint_t)small_int_value(o);
    }
    if (o == OBJ_NONE || o == OBJ_FALSE) {
        return 0;
    }
    if (o == OBJ_TRUE) {
        return 1;
    }
    if (obj_is_type(o, &type_int)) {
        return (rt_uint_t)obj_get_int_truncated(o);
    }
    if (obj_is_str(o)) {
        size_t len;
        return (rt_uint_t)str_get_data(o, &len);
    }
    if (obj_is_type(o, &type_float)) {
        return (rt_uint_t)(rt_int_t)float_value(o);
    }
    if (obj_is_type(o, &type_tuple) || obj_is_type(o, &type_list)) {
        size_t len;
        obj_t *items;
        obj_get_array(o, &len, &items);
        return (rt_uint_t)items;
    }
    buffer_info_t info;
    if (obj_get_buffer(o, &info, BUFFER_READ)) {
        return (rt_uint_t)info.buf;
    }
    return o;
}

static obj_t fun_asm_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    const obj_fun_asm_t *f = OBJ_TO_PTR(self);
    const native_code_t *nc = f->code->native;
    arg_check_num(n_args, n_kw, nc->n_pos_args, nc->n_pos_args, false);
    void *entry = native_callable(nc->fun_data);
    rt_uint_t a[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n_args; i++) {
        a[i] = asm_arg(args[i]);
    }
    rt_uint_t r;
    switch (n_args) {
        case 0:
            r = ((asm_fun_0_t)entry)();
            break;
        case 1:
            r = ((asm_fun_1_t)entry)(a[0]);
            break;
        case 2:
            r = ((asm_fun_2_t)entry)(a[0], a[1]);
            break;
        case 3:
            r = ((asm_fun_3_t)entry)(a[0], a[1], a[2]);
            break;
        default:
            r = ((asm_fun_4_t)entry)(a[0], a[1], a[2], a[3]);
            break;
    }
    switch (nc->type_sig & 0xf) {
        case 0:
            return r;
        case 1:
            return OBJ_BOOL(r != 0);
        case 2:
            return int_from_ll((rt_int_t)r);
        default:
            return int_from_ull(r);
    }
}

static obj_t closure_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args) {
    const obj_closure_native_t *cl = OBJ_TO_PTR(self);
    size_t n = cl->n_closed + n_args + 2 * n_kw;
    obj_t small[8];
    obj_t *all = n <= 8 ? small : gc_alloc(n * sizeof(obj_t));
    memcpy(all, cl->closed, cl->n_closed * sizeof(obj_t));
    if (n_args + n_kw != 0) {
        memcpy(all + cl->n_closed, args, (n_args + 2 * n_kw) * sizeof(obj_t));
    }
    obj_t r = rt_call(cl->fun, cl->n_closed + n_args, n_kw, all);
    if (all != small) {
        gc_free(all);
    }
    return r;
}

static const code_t *fun_code(obj_t o) {
    if (obj_is_type(o, &type_closure_native)) {
        o = ((const obj_closure_native_t *)o)->fun;
    }
    if (obj_is_type(o, &type_fun_asm)) {
        return ((const obj_fun_asm_t *)o)->code;
    }
    return ((const obj_fun_native_t *)o)->code;
}

static void fun_native_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    const code_t *c = fun_code(o);
    if (c->name == QSTR_NULL) {
        print_printf(p, "<function at 0x%lx>", (unsigned long)o);
    } else {
        print_printf(p, "<function %s at 0x%lx>", rtq_str(c->name), (unsigned long)o);
    }
}

static void fun_native_attr(obj_t self, qstr_t attr, obj_t *dest) {
    if (dest[0] != OBJ_NULL) {
        return;
    }
    const code_t *c = fun_code(self);
    if (attr == QSTR___name__ && c->name != QSTR_NULL) {
        dest[0] = obj_qstr(c->name);
    } else if (attr == Q___globals__) {
        dest[0] = c->ctx->globals;
    }
}

#define FUN_TYPE(name, call)                                                                \
    const type_t name = {                                                                   \
        {&type_type}, TYPE_FLAG_BINDS_SELF, Q_function, fun_native_print, NULL, call, NULL, \
        NULL, fun_native_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,                    \
    }
FUN_TYPE(type_fun_native, fun_native_call);
FUN_TYPE(type_fun_native_gen, fun_native_gen_call);
FUN_TYPE(type_fun_viper, fun_viper_call);
FUN_TYPE(type_fun_asm, fun_asm_call);
FUN_TYPE(type_closure_native, closure_call);
#endif
