// emitters/emit_native_ops.c: the native emitter's emit_ops_t: each
// operation of the compile walk as calls into the runtime through the
// function table, on top of the stack model of emit_native.c. Operations
// whose code depends on viper types (subscripts, arithmetic, casts) are in
// emit_native_viper.c.
#include "emit_native.h"

#include <string.h>

static const cobj_t ellipsis_obj = {.kind = COBJ_ELLIPSIS};

#define NE(emitter) ((native_emitter_t *)(emitter))
#define REG_RET(e) ((e)->b->r.ret)
#define REG_ARG(e, n) ((e)->b->r.arg[(n) - 1])
#define REG_TEMP(e, n) ((e)->b->r.temp[n])

// ---------------------------------------------------------------------------
// Names: locals, cells, globals.

static void load_fast(native_emitter_t *e, qstr_t qst, unsigned local_num) {
    vtype_t vtype = local_num < e->local_vtype_alloc ? e->local_vtype[local_num] : VTYPE_PYOBJ;
    if (vtype == VTYPE_UNBOUND) {
        native_viper_error(e, "local '%s' used before type known", native_qstr(e, qst));
    }
    if (local_num < MAX_REGS_FOR_LOCAL_VARS && native_can_use_regs_for_locals(e)) {
        native_push_reg(e, vtype, native_reg_local(e, local_num));
    } else {
        native_need_reg_single(e, REG_TEMP(e, 0), 0);
        native_mov_reg_state(e, REG_TEMP(e, 0), native_local_idx_var(e, local_num));
        native_push_reg(e, vtype, REG_TEMP(e, 0));
    }
}

static void load_deref(native_emitter_t *e, qstr_t qst, unsigned local_num) {
    native_need_reg_single(e, REG_RET(e), 0);
    load_fast(e, qst, local_num);
    vtype_t vtype;
    int reg_base = REG_RET(e);
    native_pop_reg_flexible(e, &vtype, &reg_base, -1, -1);
    e->b->load_reg_reg_offset(e->as, REG_RET(e), reg_base, 1);
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void load_local(emitter_t *emitter, qstr_t qst, unsigned local_num, emit_local_kind_t kind) {
    if (kind == EMIT_LOCAL_FAST) {
        load_fast(NE(emitter), qst, local_num);
    } else {
        load_deref(NE(emitter), qst, local_num);
    }
}

// The native type a viper cast names (int, uint, ptr...), or -1.
static int native_type_of_name(const native_emitter_t *e, qstr_t qst) {
    static const char *const names[] = {"object", "bool", "int", "uint", "ptr", "ptr8", "ptr16", "ptr32"};
    const char *s = native_qstr(e, qst);
    for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
        if (strcmp(s, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static void load_global(emitter_t *emitter, qstr_t qst, emit_global_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    if (kind == EMIT_GLOBAL_GLOBAL && e->do_viper_types) {
        int native_type = native_type_of_name(e, qst);
        if (native_type >= VTYPE_BOOL) {
            native_push_imm(e, VTYPE_BUILTIN_CAST, native_type);
            return;
        }
    }
    native_call_with_qstr_arg(e, (native_fun_t)(NF_LOAD_NAME + kind), qst, REG_ARG(e, 1));
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void store_fast(native_emitter_t *e, qstr_t qst, unsigned local_num) {
    vtype_t vtype;
    if (local_num < MAX_REGS_FOR_LOCAL_VARS && native_can_use_regs_for_locals(e)) {
        native_pop_reg(e, &vtype, native_reg_local(e, local_num));
    } else {
        native_pop_reg(e, &vtype, REG_TEMP(e, 0));
        native_mov_state_reg(e, native_local_idx_var(e, local_num), REG_TEMP(e, 0));
    }
    if (local_num >= e->local_vtype_alloc) {
        return;
    }
    if (e->local_vtype[local_num] == VTYPE_UNBOUND) {
        e->local_vtype[local_num] = vtype;
    } else if (e->local_vtype[local_num] != vtype) {
        native_viper_error(e, "local '%s' has type '%s' but source is '%s'", native_qstr(e, qst),
            native_vtype_name(e->local_vtype[local_num]), native_vtype_name(vtype));
    }
}

static void store_deref(native_emitter_t *e, qstr_t qst, unsigned local_num) {
    native_need_reg_single(e, REG_TEMP(e, 0), 0);
    native_need_reg_single(e, REG_TEMP(e, 1), 0);
    load_fast(e, qst, local_num);
    vtype_t vtype;
    int reg_base = REG_TEMP(e, 0);
    native_pop_reg_flexible(e, &vtype, &reg_base, -1, -1);
    int reg_src = REG_TEMP(e, 1);
    native_pop_reg_flexible(e, &vtype, &reg_src, reg_base, reg_base);
    e->b->store_reg_reg_offset(e->as, reg_src, reg_base, 1);
}

static void store_local(emitter_t *emitter, qstr_t qst, unsigned local_num, emit_local_kind_t kind) {
    if (kind == EMIT_LOCAL_FAST) {
        store_fast(NE(emitter), qst, local_num);
    } else {
        store_deref(NE(emitter), qst, local_num);
    }
}

// Pops a value for a runtime helper that wants an object in ARG_2,
// converting a native value first.
static void pop_obj_to_arg2(native_emitter_t *e) {
    vtype_t vtype = native_peek_vtype(e, 0);
    if (vtype == VTYPE_PYOBJ) {
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
    } else {
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        native_call_with_imm_arg(e, NF_CONVERT_NATIVE_TO_OBJ, vtype, REG_ARG(e, 2));
        e->b->mov_reg_reg(e->as, REG_ARG(e, 2), REG_RET(e));
    }
}

static void store_global(emitter_t *emitter, qstr_t qst, emit_global_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    if (kind == EMIT_GLOBAL_NAME) {
        vtype_t vtype;
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
    } else {
        pop_obj_to_arg2(e);
    }
    native_call_with_qstr_arg(e, (native_fun_t)(NF_STORE_NAME + kind), qst, REG_ARG(e, 1));
}

static void delete_local(emitter_t *emitter, qstr_t qst, unsigned local_num, emit_local_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    if (kind == EMIT_LOCAL_FAST) {
        // Deleting stores None, as the official emitter does.
        native_push_imm(e, VTYPE_PTR_NONE, 0);
        store_fast(e, qst, local_num);
    }
}

static void delete_global(emitter_t *emitter, qstr_t qst, emit_global_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    native_call_with_qstr_arg(e, (native_fun_t)(NF_DELETE_NAME + kind), qst, REG_ARG(e, 1));
}

static void label_assign(emitter_t *emitter, label_t l) {
    native_label_assign(NE(emitter), l);
}

// ---------------------------------------------------------------------------
// Imports and constants.

static void import(emitter_t *emitter, qstr_t qst, emit_import_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    if (kind == EMIT_IMPORT_NAME) {
        // fromlist and level are objects even in viper code.
        bool was_viper = e->do_viper_types;
        e->do_viper_types = false;
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        native_pop_reg(e, &vtype, REG_ARG(e, 3));
        e->do_viper_types = was_viper;
        native_call_with_qstr_arg(e, NF_IMPORT_NAME, qst, REG_ARG(e, 1));
        native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
    } else if (kind == EMIT_IMPORT_FROM) {
        native_access_stack(e, 1, &vtype, REG_ARG(e, 1));
        native_call_with_qstr_arg(e, NF_IMPORT_FROM, qst, REG_ARG(e, 2));
        native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
    } else {
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        native_call(e, NF_IMPORT_ALL);
    }
}

// Through TEMP0, as the official emitter does (the same register as the
// return value everywhere but RV32).
static void load_const_obj(emitter_t *emitter, const cobj_t *obj) {
    native_emitter_t *e = NE(emitter);
    native_need_reg_single(e, REG_TEMP(e, 0), 0);
    native_load_reg_with_object(e, REG_TEMP(e, 0), obj);
    native_push_reg(e, VTYPE_PYOBJ, REG_TEMP(e, 0));
}

static void load_const_tok(emitter_t *emitter, emit_const_tok_t tok) {
    native_emitter_t *e = NE(emitter);
    if (tok == EMIT_CONST_ELLIPSIS) {
        load_const_obj(emitter, &ellipsis_obj);
    } else if (tok == EMIT_CONST_NONE) {
        native_push_imm(e, VTYPE_PTR_NONE, 0);
    } else {
        native_push_imm(e, VTYPE_BOOL, tok == EMIT_CONST_FALSE ? 0 : 1);
    }
}

static void load_const_small_int(emitter_t *emitter, int64_t v) {
    native_push_imm(NE(emitter), VTYPE_INT, v);
}

// A string constant is an object from the module's constant table.
static void load_const_str(emitter_t *emitter, qstr_t qst) {
    native_emitter_t *e = NE(emitter);
    cobj_t *obj = arena_alloc(e->arena, sizeof(cobj_t));
    if (obj == NULL) {
        native_not_implemented(e, "memory allocation failed");
        return;
    }
    obj->kind = COBJ_STR;
    obj->u.str.data = (const uint8_t *)native_qstr(e, qst);
    obj->u.str.len = qstr_len(e->pool, qst);
    native_need_reg_single(e, REG_TEMP(e, 0), 0);
    native_load_reg_with_object(e, REG_TEMP(e, 0), obj);
    native_push_reg(e, VTYPE_PYOBJ, REG_TEMP(e, 0));
}

static void load_null(emitter_t *emitter) {
    native_push_imm(NE(emitter), VTYPE_PYOBJ, 0);
}

static void load_method(emitter_t *emitter, qstr_t qst, bool is_super) {
    native_emitter_t *e = NE(emitter);
    if (is_super) {
        native_stack_pointer_for_pop(e, REG_ARG(e, 2), 3);
        native_stack_pointer_for_push(e, REG_ARG(e, 2), 2);
        native_call_with_qstr_arg(e, NF_LOAD_SUPER_METHOD, qst, REG_ARG(e, 1));
    } else {
        vtype_t vtype;
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        native_stack_pointer_for_push(e, REG_ARG(e, 3), 2);
        native_call_with_qstr_arg(e, NF_LOAD_METHOD, qst, REG_ARG(e, 2));
    }
}

static void load_build_class(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    native_call(e, NF_LOAD_BUILD_CLASS);
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

// ---------------------------------------------------------------------------
// Subscripts and attributes.

static void subscr(emitter_t *emitter, emit_access_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    if (kind == EMIT_LOAD) {
        native_subscr_load(e);
    } else if (kind == EMIT_STORE) {
        native_subscr_store(e);
    } else {
        vtype_t vtype;
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        native_call_with_imm_arg(e, NF_OBJ_SUBSCR, OBJ_NULL, REG_ARG(e, 3));
    }
}

static void store_attr(native_emitter_t *e, qstr_t qst) {
    vtype_t vtype_base;
    vtype_t vtype_val = native_peek_vtype(e, 1);
    if (vtype_val == VTYPE_PYOBJ) {
        native_pop_reg(e, &vtype_base, REG_ARG(e, 1));
        native_pop_reg(e, &vtype_val, REG_ARG(e, 3));
    } else {
        native_access_stack(e, 2, &vtype_val, REG_ARG(e, 1));
        native_call_with_imm_arg(e, NF_CONVERT_NATIVE_TO_OBJ, vtype_val, REG_ARG(e, 2));
        e->b->mov_reg_reg(e->as, REG_ARG(e, 3), REG_RET(e));
        native_pop_reg(e, &vtype_base, REG_ARG(e, 1));
        native_adjust_stack(e, -1);
    }
    native_call_with_qstr_arg(e, NF_STORE_ATTR, qst, REG_ARG(e, 2));
}

static void attr(emitter_t *emitter, qstr_t qst, emit_access_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    if (kind == EMIT_LOAD) {
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        native_call_with_qstr_arg(e, NF_LOAD_ATTR, qst, REG_ARG(e, 2));
        native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
    } else if (kind == EMIT_STORE) {
        store_attr(e, qst);
    } else {
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        e->b->clr_reg(e->as, REG_ARG(e, 3));
        native_call_with_qstr_arg(e, NF_STORE_ATTR, qst, REG_ARG(e, 2));
    }
}

// ---------------------------------------------------------------------------
// Stack shuffles.

static void dup_top(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    int reg = REG_TEMP(e, 0);
    native_pop_reg_flexible(e, &vtype, &reg, -1, -1);
    native_push_reg(e, vtype, reg);
    native_push_reg(e, vtype, reg);
}

static void dup_top_two(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    vtype_t v0;
    vtype_t v1;
    native_pop_reg(e, &v0, REG_TEMP(e, 0));
    native_pop_reg(e, &v1, REG_TEMP(e, 1));
    native_push_reg(e, v1, REG_TEMP(e, 1));
    native_push_reg(e, v0, REG_TEMP(e, 0));
    native_push_reg(e, v1, REG_TEMP(e, 1));
    native_push_reg(e, v0, REG_TEMP(e, 0));
}

static void pop_top(emitter_t *emitter) {
    native_pop_discard(NE(emitter));
}

static void rot_two(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    vtype_t v0;
    vtype_t v1;
    native_pop_reg(e, &v0, REG_TEMP(e, 0));
    native_pop_reg(e, &v1, REG_TEMP(e, 1));
    native_push_reg(e, v0, REG_TEMP(e, 0));
    native_push_reg(e, v1, REG_TEMP(e, 1));
}

static void rot_three(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    vtype_t v0;
    vtype_t v1;
    vtype_t v2;
    native_pop_reg(e, &v0, REG_TEMP(e, 0));
    native_pop_reg(e, &v1, REG_TEMP(e, 1));
    native_pop_reg(e, &v2, REG_TEMP(e, 2));
    native_push_reg(e, v0, REG_TEMP(e, 0));
    native_push_reg(e, v2, REG_TEMP(e, 2));
    native_push_reg(e, v1, REG_TEMP(e, 1));
}

// ---------------------------------------------------------------------------
// Jumps.

static void jump(emitter_t *emitter, label_t l) {
    native_jump(NE(emitter), l);
}

static void jump_helper(native_emitter_t *e, bool cond, label_t l, bool pop) {
    vtype_t vtype = native_peek_vtype(e, 0);
    if (vtype == VTYPE_PYOBJ) {
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        if (!pop) {
            native_adjust_stack(e, 1);
        }
        native_call(e, NF_OBJ_IS_TRUE);
    } else {
        native_pop_reg(e, &vtype, REG_RET(e));
        if (!pop) {
            native_adjust_stack(e, 1);
        }
        if (!(vtype == VTYPE_BOOL || vtype == VTYPE_INT || vtype == VTYPE_UINT)) {
            native_viper_error(e, "can't implicitly convert '%s' to 'bool'", native_vtype_name(vtype));
        }
    }
    if (!pop) {
        e->saved_stack_vtype = vtype;
    }
    native_need_stack_settled(e);
    if (cond) {
        e->b->jump_if_nonzero(e->as, REG_RET(e), l, vtype == VTYPE_PYOBJ);
    } else {
        e->b->jump_if_zero(e->as, REG_RET(e), l, vtype == VTYPE_PYOBJ);
    }
    if (!pop) {
        native_adjust_stack(e, -1);
    }
}

static void pop_jump_if(emitter_t *emitter, bool cond, label_t l) {
    jump_helper(NE(emitter), cond, l, true);
}

static void jump_if_or_pop(emitter_t *emitter, bool cond, label_t l) {
    jump_helper(NE(emitter), cond, l, false);
}

static void unwind_jump(emitter_t *emitter, label_t l, unsigned except_depth) {
    native_unwind_jump(NE(emitter), l, except_depth);
}

// ---------------------------------------------------------------------------
// Exception blocks.

// with: looks up __exit__ and __enter__, calls __enter__ and opens a
// finally handler.
static void setup_with(native_emitter_t *e, label_t l) {
    vtype_t vtype;
    native_access_stack(e, 1, &vtype, REG_ARG(e, 1));
    native_stack_pointer_for_push(e, REG_ARG(e, 3), 2);
    native_call_with_qstr_arg(e, NF_LOAD_METHOD, QSTR___exit__, REG_ARG(e, 2));
    native_pop_reg(e, &vtype, REG_ARG(e, 3));
    native_pop_reg(e, &vtype, REG_ARG(e, 2));
    native_pop_reg(e, &vtype, REG_ARG(e, 1));
    native_push_reg(e, vtype, REG_ARG(e, 2));
    native_push_reg(e, vtype, REG_ARG(e, 3));
    native_stack_pointer_for_push(e, REG_ARG(e, 3), 2);
    native_call_with_qstr_arg(e, NF_LOAD_METHOD, QSTR___enter__, REG_ARG(e, 2));
    native_stack_pointer_for_pop(e, REG_ARG(e, 3), 2);
    native_call_with_2_imm_args(e, NF_CALL_METHOD_N_KW, 0, REG_ARG(e, 1), 0, REG_ARG(e, 2));
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
    native_need_stack_settled(e);
    native_push_exc_stack(e, l, true);
    dup_top((emitter_t *)e);
}

static void setup_block(emitter_t *emitter, label_t l, emit_block_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    if (kind == EMIT_SETUP_BLOCK_WITH) {
        setup_with(e, l);
    } else {
        native_need_stack_settled(e);
        native_push_exc_stack(e, l, kind == EMIT_SETUP_BLOCK_FINALLY);
    }
}

static void with_cleanup(emitter_t *emitter, label_t l) {
    native_emitter_t *e = NE(emitter);
    label_t slot = *e->label_slot;
    // Normal exit: call __exit__(None, None, None).
    native_leave_exc_stack(e, false);
    native_adjust_stack(e, -1);
    native_label_assign(e, slot + 2);
    native_push_imm(e, VTYPE_PTR_NONE, 0);
    native_push_imm(e, VTYPE_PTR_NONE, 0);
    native_push_imm(e, VTYPE_PTR_NONE, 0);
    native_stack_pointer_for_pop(e, REG_ARG(e, 3), 5);
    native_call_with_2_imm_args(e, NF_CALL_METHOD_N_KW, 3, REG_ARG(e, 1), 0, REG_ARG(e, 2));
    native_jump(e, slot);
    // Exceptional exit: call __exit__(type, value, None), which may
    // swallow the exception.
    native_asm_label(e, l);
    native_leave_exc_stack(e, true);
    emit_native_adjust_stack_size((emitter_t *)e, 2);
    e->b->mov_reg_local(e->as, REG_ARG(e, 1), native_local_idx_exc_val(e));
    e->b->jump_if_zero(e->as, REG_ARG(e, 1), slot + 2, false);
    e->b->load_reg_reg_offset(e->as, REG_ARG(e, 2), REG_ARG(e, 1), 0);
    native_push_reg(e, VTYPE_PYOBJ, REG_ARG(e, 2));
    native_push_reg(e, VTYPE_PYOBJ, REG_ARG(e, 1));
    native_push_imm(e, VTYPE_PTR_NONE, 0);
    native_stack_pointer_for_pop(e, REG_ARG(e, 3), 5);
    native_call_with_2_imm_args(e, NF_CALL_METHOD_N_KW, 3, REG_ARG(e, 1), 0, REG_ARG(e, 2));
    if (REG_ARG(e, 1) != REG_RET(e)) {
        e->b->mov_reg_reg(e->as, REG_ARG(e, 1), REG_RET(e));
    }
    native_call(e, NF_OBJ_IS_TRUE);
    e->b->jump_if_zero(e->as, REG_RET(e), slot + 1, true);
    // Swallowed: clear the exception.
    native_label_assign(e, slot);
    native_clear_local(e, native_local_idx_exc_val(e), REG_TEMP(e, 0));
    native_label_assign(e, slot + 1);
    // The entry end_finally drops, as after a finally label.
    native_adjust_stack(e, 1);
}

static void end_finally(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    // Re-raise the pending exception, if any (raise of NULL does nothing).
    // The exception or None the finally label kept on the stack goes.
    native_pop_discard(e);
    e->b->mov_reg_local(e->as, REG_ARG(e, 1), native_local_idx_exc_val(e));
    native_call(e, NF_NATIVE_RAISE);
    exc_entry_t *x = native_pop_exc_stack(e);
    if (x->unwind_label != UNWIND_LABEL_UNUSED) {
        label_t slot = *e->label_slot;
        e->b->mov_reg_local(e->as, REG_RET(e), native_local_idx_exc_handler_unwind(e));
        e->b->jump_if_zero(e->as, REG_RET(e), slot, false);
        if (x->unwind_label == UNWIND_LABEL_DO_FINAL_UNWIND) {
            e->b->jump_reg(e->as, REG_RET(e));
        } else {
            native_jump(e, x->unwind_label);
        }
        native_label_assign(e, slot);
    }
}

// ---------------------------------------------------------------------------
// Iteration.

static void get_iter(emitter_t *emitter, bool use_stack) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    native_pop_reg(e, &vtype, REG_ARG(e, 1));
    if (use_stack) {
        native_stack_pointer_for_push(e, REG_ARG(e, 2), ITER_BUF_SLOTS);
        native_call(e, NF_NATIVE_GETITER);
    } else {
        e->b->mov_reg_imm(e->as, REG_ARG(e, 2), 0);
        native_call(e, NF_NATIVE_GETITER);
        native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
    }
}

static void for_iter(emitter_t *emitter, label_t l) {
    native_emitter_t *e = NE(emitter);
    native_stack_pointer_for_pop(e, REG_ARG(e, 1), ITER_BUF_SLOTS);
    native_adjust_stack(e, ITER_BUF_SLOTS);
    native_call(e, NF_NATIVE_ITERNEXT);
    e->b->jump_if_zero(e->as, REG_RET(e), l, false);
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void for_iter_end(emitter_t *emitter) {
    native_adjust_stack(NE(emitter), -ITER_BUF_SLOTS);
}

static void pop_except_jump(emitter_t *emitter, label_t l, bool within_exc_handler) {
    native_emitter_t *e = NE(emitter);
    if (within_exc_handler) {
        native_clear_local(e, native_local_idx_exc_val(e), REG_TEMP(e, 0));
    } else {
        native_leave_exc_stack(e, false);
    }
    native_jump(e, l);
}

static void unary_op(emitter_t *emitter, mpy_unary_op_t op) {
    native_unary_op(NE(emitter), op);
}

static void binary_op(emitter_t *emitter, mpy_binary_op_t op) {
    native_binary_op(NE(emitter), op);
}

// ---------------------------------------------------------------------------
// Building collections.

static void build_slice(native_emitter_t *e, unsigned n_args) {
    vtype_t vtype;
    if (n_args == 2) {
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
        native_mov_reg_const(e, REG_ARG(e, 3), NF_CONST_NONE_OBJ);
    } else {
        native_pop_reg(e, &vtype, REG_ARG(e, 3));
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        native_pop_reg(e, &vtype, REG_ARG(e, 1));
    }
    native_call(e, NF_NEW_SLICE);
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void build(emitter_t *emitter, unsigned n_args, emit_build_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    if (kind == EMIT_BUILD_SLICE) {
        build_slice(e, n_args);
        return;
    }
    if (kind == EMIT_BUILD_TUPLE || kind == EMIT_BUILD_LIST || kind == EMIT_BUILD_SET) {
        native_stack_pointer_for_pop(e, REG_ARG(e, 2), n_args);
    }
    native_call_with_imm_arg(e, (native_fun_t)(NF_BUILD_TUPLE + kind), n_args, REG_ARG(e, 1));
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void store_map(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    native_pop_reg(e, &vtype, REG_ARG(e, 2));
    native_pop_reg(e, &vtype, REG_ARG(e, 3));
    native_pop_reg(e, &vtype, REG_ARG(e, 1));
    native_call(e, NF_STORE_MAP);
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void store_comp(emitter_t *emitter, scope_kind_t kind, unsigned collection_stack_index) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    native_fun_t f;
    if (kind == SCOPE_LIST_COMP) {
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        f = NF_LIST_APPEND;
    } else if (kind == SCOPE_SET_COMP) {
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        f = NF_STORE_SET;
    } else {
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        native_pop_reg(e, &vtype, REG_ARG(e, 3));
        f = NF_STORE_MAP;
    }
    native_access_stack(e, (int)collection_stack_index, &vtype, REG_ARG(e, 1));
    native_call(e, f);
}

static void unpack_sequence(emitter_t *emitter, unsigned n_args) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    native_pop_reg(e, &vtype, REG_ARG(e, 1));
    native_stack_pointer_for_push(e, REG_ARG(e, 3), n_args);
    native_call_with_imm_arg(e, NF_UNPACK_SEQUENCE, n_args, REG_ARG(e, 2));
}

static void unpack_ex(emitter_t *emitter, unsigned n_left, unsigned n_right) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype;
    native_pop_reg(e, &vtype, REG_ARG(e, 1));
    native_stack_pointer_for_push(e, REG_ARG(e, 3), n_left + n_right + 1);
    native_call_with_imm_arg(e, NF_UNPACK_EX, n_left | (n_right << 8), REG_ARG(e, 2));
}

// ---------------------------------------------------------------------------
// Functions and calls.

static void make_function(emitter_t *emitter, scope_t *scope, unsigned n_pos_defaults, unsigned n_kw_defaults) {
    native_emitter_t *e = NE(emitter);
    native_mov_reg_state(e, REG_ARG(e, 2), native_local_idx_fun_obj(e));
    e->b->load_reg_reg_offset(e->as, REG_ARG(e, 2), REG_ARG(e, 2), FUN_BC_OFF_CONTEXT);
    if (n_pos_defaults == 0 && n_kw_defaults == 0) {
        native_need_reg_all(e);
        e->b->mov_reg_imm(e->as, REG_ARG(e, 3), 0);
    } else {
        native_stack_pointer_for_pop(e, REG_ARG(e, 3), 2);
        native_need_reg_all(e);
    }
    native_load_reg_with_child(e, REG_ARG(e, 1), scope);
    e->b->call_ind(e->as, NF_MAKE_FUNCTION_FROM_PROTO_FUN);
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void make_closure(emitter_t *emitter, scope_t *scope, unsigned n_closed_over, unsigned n_pos_defaults,
    unsigned n_kw_defaults) {
    native_emitter_t *e = NE(emitter);
    bool has_defaults = n_pos_defaults != 0 || n_kw_defaults != 0;
    native_mov_reg_state(e, REG_ARG(e, 2), native_local_idx_fun_obj(e));
    e->b->load_reg_reg_offset(e->as, REG_ARG(e, 2), REG_ARG(e, 2), FUN_BC_OFF_CONTEXT);
    if (!has_defaults) {
        native_need_reg_all(e);
        e->b->mov_reg_imm(e->as, REG_ARG(e, 3), 0);
    } else {
        native_stack_pointer_for_pop(e, REG_ARG(e, 3), 2 + n_closed_over);
        native_adjust_stack(e, 2 + (int)n_closed_over);
        native_need_reg_all(e);
    }
    native_load_reg_with_child(e, REG_ARG(e, 1), scope);
    e->b->call_ind(e->as, NF_MAKE_FUNCTION_FROM_PROTO_FUN);
    if (REG_ARG(e, 1) != REG_RET(e)) {
        e->b->mov_reg_reg(e->as, REG_ARG(e, 1), REG_RET(e));
    }
    e->b->mov_reg_imm(e->as, REG_ARG(e, 2), n_closed_over);
    native_stack_pointer_for_pop(e, REG_ARG(e, 3), n_closed_over);
    if (has_defaults) {
        native_adjust_stack(e, -2);
    }
    e->b->call_ind(e->as, NF_NEW_CLOSURE);
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void call_function(emitter_t *emitter, unsigned n_positional, unsigned n_keyword, unsigned star_flags) {
    native_emitter_t *e = NE(emitter);
    vtype_t vtype_fun = native_peek_vtype(e, n_positional + 2 * n_keyword);
    if (vtype_fun == VTYPE_BUILTIN_CAST) {
        if (n_positional != 1 || n_keyword != 0 || star_flags != 0) {
            native_not_implemented(e, "casting");
            return;
        }
        native_call_cast(e);
        return;
    }
    unsigned n_kw_pos = n_positional | (n_keyword << 8);
    if (star_flags) {
        native_stack_pointer_for_pop(e, REG_ARG(e, 3), n_positional + 2 * n_keyword + 2);
        native_call_with_2_imm_args(e, NF_CALL_METHOD_N_KW_VAR, 0, REG_ARG(e, 1), n_kw_pos, REG_ARG(e, 2));
    } else {
        if (n_positional != 0 || n_keyword != 0) {
            native_stack_pointer_for_pop(e, REG_ARG(e, 3), n_positional + 2 * n_keyword);
        }
        native_pop_reg(e, &vtype_fun, REG_ARG(e, 1));
        native_call_with_imm_arg(e, NF_NATIVE_CALL_FUNCTION_N_KW, n_kw_pos, REG_ARG(e, 2));
    }
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void call_method(emitter_t *emitter, unsigned n_positional, unsigned n_keyword, unsigned star_flags) {
    native_emitter_t *e = NE(emitter);
    if (star_flags) {
        native_stack_pointer_for_pop(e, REG_ARG(e, 3), n_positional + 2 * n_keyword + 3);
        native_call_with_2_imm_args(e, NF_CALL_METHOD_N_KW_VAR, 1, REG_ARG(e, 1), n_positional | (n_keyword << 8),
            REG_ARG(e, 2));
    } else {
        native_stack_pointer_for_pop(e, REG_ARG(e, 3), 2 + n_positional + 2 * n_keyword);
        native_call_with_2_imm_args(e, NF_CALL_METHOD_N_KW, n_positional, REG_ARG(e, 1), n_keyword, REG_ARG(e, 2));
    }
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

static void return_viper(native_emitter_t *e) {
    vtype_t return_vtype = (vtype_t)(e->scope->scope_flags >> MPY_SCOPE_FLAG_VIPERRET_POS);
    int parent_ret = e->b->r.parent_ret;
    if (native_peek_vtype(e, 0) == VTYPE_PTR_NONE) {
        native_pop_discard(e);
        if (return_vtype == VTYPE_PYOBJ) {
            native_mov_reg_const(e, parent_ret, NF_CONST_NONE_OBJ);
        } else {
            e->b->mov_reg_imm(e->as, REG_ARG(e, 1), 0);
        }
    } else {
        vtype_t vtype;
        native_pop_reg(e, &vtype, return_vtype == VTYPE_PYOBJ ? parent_ret : REG_ARG(e, 1));
        if (vtype != return_vtype) {
            native_viper_error(e, "return expected '%s' but got '%s'", native_vtype_name(return_vtype),
                native_vtype_name(vtype));
        }
    }
    if (return_vtype != VTYPE_PYOBJ) {
        native_call_with_imm_arg(e, NF_CONVERT_NATIVE_TO_OBJ, return_vtype, REG_ARG(e, 2));
        if (REG_RET(e) != parent_ret) {
            e->b->mov_reg_reg(e->as, parent_ret, REG_RET(e));
        }
    }
}

static void return_value(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    if (native_is_generator(e)) {
        // The value stays on the generator's stack; sp points at it.
        native_stack_pointer_for_pop(e, REG_TEMP(e, 0), 1);
        native_mov_state_reg(e, CODE_STATE_OFF_SP, REG_TEMP(e, 0));
        e->b->mov_reg_imm(e->as, REG_TEMP(e, 0), VM_RETURN_NORMAL);
        e->b->mov_local_reg(e->as, native_local_idx_ret_val(e), REG_TEMP(e, 0));
        native_unwind_jump(e, e->exit_label, (unsigned)e->exc_stack_size);
        return;
    }
    if (e->do_viper_types) {
        return_viper(e);
    } else {
        vtype_t vtype;
        native_pop_reg(e, &vtype, e->b->r.parent_ret);
    }
    if (native_need_global_exc_handler(e)) {
        e->b->mov_local_reg(e->as, native_local_idx_ret_val(e), e->b->r.parent_ret);
    }
    native_unwind_jump(e, e->exit_label, (unsigned)e->exc_stack_size);
}

static const char no_active_exception_text[] = "no active exception to reraise";
static const cobj_t no_active_exception_obj = {
    .kind = COBJ_STR,
    .u.str = {(const uint8_t *)no_active_exception_text, sizeof(no_active_exception_text) - 1},
};

// A bare `raise` (the official tool aborts here). Inside an except handler
// it re-raises the exception that handler's slot keeps; outside any
// handler it raises RuntimeError as the VM's RAISE_LAST does. Directly in
// a finally block the exception may be None, so that is still refused.
static void raise_last(native_emitter_t *e) {
    if (e->do_viper_types) {
        native_not_implemented(e, "native raise without an exception");
        return;
    }
    e->scope->has_bare_raise = true;
    for (size_t i = e->exc_stack_size; i-- > 0;) {
        const exc_entry_t *x = &e->exc_stack[i];
        if (x->is_active) {
            continue;
        }
        if (x->is_finally) {
            native_not_implemented(e, "native raise without an exception in a finally block");
            return;
        }
        native_need_reg_all(e);
        e->b->mov_reg_local(e->as, REG_ARG(e, 1), native_local_idx_reraise(e, i));
        native_call(e, NF_NATIVE_RAISE);
        asm_base_suppress_code(e->b->base(e->as));
        return;
    }
    qstr_t runtime_error = qstr_find(e->pool, "RuntimeError", strlen("RuntimeError"));
    if (runtime_error == QSTR_NULL) {
        native_not_implemented(e, "native raise without an exception");
        return;
    }
    load_global((emitter_t *)e, runtime_error, EMIT_GLOBAL_GLOBAL);
    load_const_obj((emitter_t *)e, &no_active_exception_obj);
    call_function((emitter_t *)e, 1, 0, 0);
    vtype_t vtype;
    native_pop_reg(e, &vtype, REG_ARG(e, 1));
    native_call(e, NF_NATIVE_RAISE);
    asm_base_suppress_code(e->b->base(e->as));
}

static void raise_varargs(emitter_t *emitter, unsigned n_args) {
    native_emitter_t *e = NE(emitter);
    if (n_args == 0) {
        raise_last(e);
        return;
    }
    if (n_args != 1) {
        // raise X from Y: the cause is dropped, as the runtime does.
        native_pop_discard(e);
    }
    vtype_t vtype;
    native_pop_reg(e, &vtype, REG_ARG(e, 1));
    if (vtype != VTYPE_PYOBJ) {
        native_viper_error(e, "must raise an object");
    }
    native_call(e, NF_NATIVE_RAISE);
    asm_base_suppress_code(e->b->base(e->as));
}

static void yield(emitter_t *emitter, emit_yield_kind_t kind) {
    native_emitter_t *e = NE(emitter);
    if (e->do_viper_types) {
        native_not_implemented(e, "native yield");
        return;
    }
    e->scope->scope_flags |= MPY_SCOPE_FLAG_GENERATOR;
    native_need_stack_settled(e);
    label_t slot = *e->label_slot;
    if (kind == EMIT_YIELD_FROM) {
        native_jump(e, slot + 2);
        native_label_assign(e, slot + 1);
    }
    native_stack_pointer_for_pop(e, REG_TEMP(e, 0), 1);
    native_mov_state_reg(e, CODE_STATE_OFF_SP, REG_TEMP(e, 0));
    e->b->mov_reg_imm(e->as, REG_TEMP(e, 0), VM_RETURN_YIELD);
    e->b->mov_local_reg(e->as, native_local_idx_ret_val(e), REG_TEMP(e, 0));
    e->b->mov_reg_pcrel(e->as, REG_TEMP(e, 0), slot);
    native_mov_state_reg(e, native_local_idx_gen_pc(e), REG_TEMP(e, 0));
    e->b->jump(e->as, e->exit_label);
    // Resumed here: restore the innermost active handler.
    native_asm_label(e, slot);
    for (ptrdiff_t i = (ptrdiff_t)e->exc_stack_size - 1; i >= 0; i--) {
        if (e->exc_stack[i].is_active) {
            e->b->mov_reg_pcrel(e->as, REG_RET(e), e->exc_stack[i].label);
            e->b->mov_local_reg(e->as, native_local_idx_exc_handler_pc(e), REG_RET(e));
            break;
        }
    }
    emit_native_adjust_stack_size((emitter_t *)e, 1);
    if (kind == EMIT_YIELD_VALUE) {
        native_raise_throw_val(e);
    } else {
        native_label_assign(e, slot + 2);
        // Take (and clear) a value thrown in, then send or throw it on.
        e->b->mov_reg_local(e->as, REG_ARG(e, 3), native_local_idx_throw_val(e));
        e->b->mov_reg_imm(e->as, REG_ARG(e, 2), 0);
        e->b->mov_local_reg(e->as, native_local_idx_throw_val(e), REG_ARG(e, 2));
        vtype_t vtype;
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        native_access_stack(e, 1, &vtype, REG_ARG(e, 1));
        native_push_reg(e, VTYPE_PYOBJ, REG_ARG(e, 3));
        native_stack_pointer_for_pop(e, REG_ARG(e, 3), 1);
        native_call(e, NF_NATIVE_YIELD_FROM);
        e->b->jump_if_nonzero(e->as, REG_RET(e), slot + 1, true);
        emit_native_adjust_stack_size((emitter_t *)e, 1);
        native_fold_stack_top(e, REG_ARG(e, 1));
    }
}

static void start_except_handler(emitter_t *emitter) {
    native_emitter_t *e = NE(emitter);
    native_leave_exc_stack(e, true);
    e->b->mov_reg_local(e->as, REG_TEMP(e, 0), native_local_idx_exc_val(e));
    size_t depth = e->exc_stack_size - 1;
    if (e->exc_stack_size > 0 && (int)depth < native_num_reraise_slots(e)) {
        // Kept for a bare `raise` in this handler (see raise_last).
        e->b->mov_local_reg(e->as, native_local_idx_reraise(e, depth), REG_TEMP(e, 0));
    }
    native_push_reg(e, VTYPE_PYOBJ, REG_TEMP(e, 0));
}

static void end_except_handler(emitter_t *emitter) {
    // end_finally already dropped the exception.
    (void)emitter;
}

// The async with body fell through with the manager on top. A dummy entry
// goes under it so the stack at l_aexit_no_exc has the shape the other
// ways in give it: (dummy, None, manager). The finally label keeps its
// entry; an exception replaces it, and a NULL exception slot means return
// or unwind jump, whose (manager, X, INT) stays in place for rot_three.
static void async_with_setup_finally(emitter_t *emitter, label_t l_aexit_no_exc, label_t l_finally,
    label_t l_ret_unwind) {
    native_emitter_t *e = NE(emitter);
    emit_native_adjust_stack_size(emitter, 1);
    rot_two(emitter);
    native_push_imm(e, VTYPE_PTR_NONE, 0);
    rot_two(emitter);
    native_jump(e, l_aexit_no_exc);
    native_adjust_stack(e, -1);
    native_label_assign(e, l_finally);
    native_pop_discard(e);
    e->b->mov_reg_local(e->as, REG_ARG(e, 1), native_local_idx_exc_val(e));
    native_push_reg(e, VTYPE_PYOBJ, REG_ARG(e, 1));
    e->b->jump_if_zero(e->as, REG_ARG(e, 1), l_ret_unwind, false);
}

const emit_ops_t emit_native_ops = {
    .start_pass = emit_native_start_pass,
    .end_pass = emit_native_end_pass,
    .is_dead_code = emit_native_is_dead_code,
    .adjust_stack_size = emit_native_adjust_stack_size,
    .set_source_line = emit_native_set_source_line,
    .load_local = load_local,
    .load_global = load_global,
    .store_local = store_local,
    .store_global = store_global,
    .delete_local = delete_local,
    .delete_global = delete_global,
    .label_assign = label_assign,
    .import = import,
    .load_const_tok = load_const_tok,
    .load_const_small_int = load_const_small_int,
    .load_const_str = load_const_str,
    .load_const_obj = load_const_obj,
    .load_null = load_null,
    .load_method = load_method,
    .load_build_class = load_build_class,
    .subscr = subscr,
    .attr = attr,
    .dup_top = dup_top,
    .dup_top_two = dup_top_two,
    .pop_top = pop_top,
    .rot_two = rot_two,
    .rot_three = rot_three,
    .jump = jump,
    .pop_jump_if = pop_jump_if,
    .jump_if_or_pop = jump_if_or_pop,
    .unwind_jump = unwind_jump,
    .setup_block = setup_block,
    .with_cleanup = with_cleanup,
    .end_finally = end_finally,
    .get_iter = get_iter,
    .for_iter = for_iter,
    .for_iter_end = for_iter_end,
    .pop_except_jump = pop_except_jump,
    .unary_op = unary_op,
    .binary_op = binary_op,
    .build = build,
    .store_map = store_map,
    .store_comp = store_comp,
    .unpack_sequence = unpack_sequence,
    .unpack_ex = unpack_ex,
    .make_function = make_function,
    .make_closure = make_closure,
    .call_function = call_function,
    .call_method = call_method,
    .return_value = return_value,
    .raise_varargs = raise_varargs,
    .yield = yield,
    .start_except_handler = start_except_handler,
    .end_except_handler = end_except_handler,
    .async_with_setup_finally = async_with_setup_finally,
};
