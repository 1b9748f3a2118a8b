// emitters/emit_native_entry.c: the code around a native function's
// body: the entry (argument checks and conversions for viper, the code
// state for native functions and generators), the global exception handler
// that swaps globals and catches exceptions, the exit path, and the
// prelude written after the code. The body comes from emit_native_ops.c;
// the stack model and frame layout live in emit_native.c.
#include "emit_native.h"

#include <string.h>

// ---------------------------------------------------------------------------
// The global exception handler around functions that need one.

static void call_swap_globals_from_fun_obj(native_emitter_t *e) {
    int a1 = e->b->r.arg[0];
    native_mov_reg_state(e, a1, native_local_idx_fun_obj(e));
    e->b->load_reg_reg_offset(e->as, a1, a1, FUN_BC_OFF_CONTEXT);
    e->b->load_reg_reg_offset(e->as, a1, a1, CONTEXT_OFF_GLOBALS);
    native_call(e, NF_NATIVE_SWAP_GLOBALS);
    native_mov_state_reg(e, native_local_idx_old_globals(e), e->b->r.ret);
}

static void call_nlr_push(native_emitter_t *e) {
    e->b->mov_reg_local_addr(e->as, e->b->r.arg[0], 0);
    native_call(e, NF_NLR_PUSH);
    if (e->b->nlr_setjmp) {
        e->b->mov_reg_local_addr(e->as, e->b->r.arg[0], 2);
        native_call(e, NF_SETJMP);
    }
}

static void global_exc_entry(native_emitter_t *e) {
    e->exit_label = *e->label_slot;
    if (!native_need_global_exc_handler(e)) {
        return;
    }
    const native_backend_t *b = e->b;
    label_t nlr_label = *e->label_slot + 1;
    label_t start_label = *e->label_slot + 2;
    label_t global_except_label = *e->label_slot + 3;
    bool is_gen = native_is_generator(e);
    if (!is_gen) {
        call_swap_globals_from_fun_obj(e);
    }
    if (e->scope->exc_stack_size == 0) {
        if (!is_gen) {
            // Already running with these globals: no handler needed.
            b->jump_if_zero(e->as, b->r.ret, start_label, false);
        }
        call_nlr_push(e);
        b->jump_if_zero(e->as, b->r.ret, start_label, true);
    } else {
        native_clear_local(e, native_local_idx_exc_handler_unwind(e), b->r.temp[0]);
        if (b->clear_local != NULL) {
            b->clear_local(e->as, native_local_idx_exc_val(e));
        } else {
            b->mov_local_reg(e->as, native_local_idx_exc_val(e), b->r.temp[0]);
        }
        b->mov_reg_pcrel(e->as, b->r.local[0], start_label);
        native_label_assign(e, nlr_label);
        call_nlr_push(e);
        b->jump_if_nonzero(e->as, b->r.ret, global_except_label, true);
        native_clear_local(e, native_local_idx_exc_handler_pc(e), b->r.temp[0]);
        b->jump_reg(e->as, b->r.local[0]);
        native_label_assign(e, global_except_label);
        b->mov_reg_local(e->as, b->r.local[0], native_local_idx_exc_handler_pc(e));
        b->jump_if_nonzero(e->as, b->r.local[0], nlr_label, false);
    }
    if (!is_gen) {
        native_mov_reg_state(e, b->r.arg[0], native_local_idx_old_globals(e));
        native_call(e, NF_NATIVE_SWAP_GLOBALS);
    }
    if (is_gen) {
        // The exception ends the generator: store it and report it.
        b->mov_reg_local(e->as, b->r.temp[0], native_local_idx_exc_val(e));
        b->store_reg_reg_offset(e->as, b->r.temp[0], native_reg_generator_state(e), CODE_STATE_OFF_STATE);
        b->mov_reg_imm(e->as, b->r.parent_ret, VM_RETURN_EXCEPTION);
        b->exit(e->as);
    } else {
        b->mov_reg_local(e->as, b->r.arg[0], native_local_idx_exc_val(e));
        native_call(e, NF_NATIVE_RAISE);
    }
    native_label_assign(e, start_label);
    if (is_gen) {
        // Resume where the last yield left off; a thrown-in exception is
        // raised at the first entry.
        native_mov_reg_state(e, b->r.temp[0], native_local_idx_gen_pc(e));
        b->jump_reg(e->as, b->r.temp[0]);
        e->start_offset = asm_base_get_code_pos(b->base(e->as));
        native_raise_throw_val(e);
    }
}

void native_emit_exit(native_emitter_t *e) {
    const native_backend_t *b = e->b;
    native_label_assign(e, e->exit_label);
    if (native_need_global_exc_handler(e)) {
        bool is_gen = native_is_generator(e);
        if (!is_gen) {
            native_mov_reg_state(e, b->r.arg[0], native_local_idx_old_globals(e));
            if (e->scope->exc_stack_size == 0) {
                b->jump_if_zero(e->as, b->r.arg[0], e->exit_label + 1, false);
            }
            native_call(e, NF_NATIVE_SWAP_GLOBALS);
        }
        native_call(e, NF_NLR_POP);
        if (!is_gen && e->scope->exc_stack_size == 0) {
            native_label_assign(e, e->exit_label + 1);
        }
        b->mov_reg_local(e->as, b->r.parent_ret, native_local_idx_ret_val(e));
    }
    b->exit(e->as);
}

// ---------------------------------------------------------------------------
// Function entry.

static void load_fun_table(native_emitter_t *e, int fun_obj_reg, size_t fun_table_off) {
    const native_backend_t *b = e->b;
    int ft = b->r.fun_table;
    b->load_reg_reg_offset(e->as, ft, fun_obj_reg, FUN_BC_OFF_CONTEXT);
    b->load_reg_reg_offset(e->as, native_reg_qstr_table(e), ft, CONTEXT_OFF_QSTR_TABLE);
    b->load_reg_reg_offset(e->as, ft, ft, CONTEXT_OFF_OBJ_TABLE);
    b->load_reg_reg_offset(e->as, ft, ft, (int)fun_table_off);
}

// Viper entry: arguments arrive as (fun, n_args, n_kw, args); they are
// checked, converted to their annotated types and stored in registers or
// frame slots.
static void viper_entry(native_emitter_t *e, size_t fun_table_off) {
    const native_backend_t *b = e->b;
    scope_t *s = e->scope;
    e->n_state = s->num_locals + s->stack_size;
    int in_regs = 0;
    if (native_can_use_regs_for_locals(e)) {
        in_regs = s->num_locals < MAX_REGS_FOR_LOCAL_VARS ? s->num_locals : MAX_REGS_FOR_LOCAL_VARS;
        if (s->num_pos_args >= MAX_REGS_FOR_LOCAL_VARS + 1) {
            // The last register holds the argument array until the end.
            in_regs--;
        }
    }
    if (native_need_global_exc_handler(e)) {
        e->stack_start = e->code_state_start + 2;
    } else if (s->scope_flags & MPY_SCOPE_FLAG_HASCONSTS) {
        e->stack_start = e->code_state_start + 1;
    } else {
        e->stack_start = e->code_state_start;
    }
    b->entry(e->as, e->stack_start + e->n_state - in_regs);
    int parent_arg1 = b->r.parent_arg[0];
    if (b->args_on_stack) {
        b->mov_arg_to_reg(e->as, 0, parent_arg1);
    }
    load_fun_table(e, parent_arg1, fun_table_off);
    if (native_need_fun_obj(e)) {
        b->mov_local_reg(e->as, native_local_idx_fun_obj(e), parent_arg1);
    }
    if (b->args_on_stack) {
        b->mov_arg_to_reg(e->as, 1, b->r.arg[0]);
        b->mov_arg_to_reg(e->as, 2, b->r.arg[1]);
        b->mov_arg_to_reg(e->as, 3, native_reg_local_last(e));
    } else {
        b->mov_reg_reg(e->as, b->r.arg[0], b->r.parent_arg[1]);
        b->mov_reg_reg(e->as, b->r.arg[1], b->r.parent_arg[2]);
        b->mov_reg_reg(e->as, native_reg_local_last(e), b->r.parent_arg[3]);
    }
    label_t l_check = *e->label_slot + 4;
    label_t l_ok = *e->label_slot + 5;
    b->jump_if_nonzero(e->as, b->r.arg[1], l_check, true);
    b->mov_reg_imm(e->as, b->r.arg[2], s->num_pos_args);
    b->jump_if_eq(e->as, b->r.arg[0], b->r.arg[2], l_ok);
    native_asm_label(e, l_check);
    int64_t sig = ((int64_t)s->num_pos_args << 17) | ((int64_t)s->num_pos_args << 1);
    b->mov_reg_imm(e->as, b->r.arg[2], sig);
    b->call_ind(e->as, NF_ARG_CHECK_NUM_SIG);
    native_asm_label(e, l_ok);
    for (unsigned i = 0; i < s->num_pos_args; i++) {
        int r = b->r.arg[0];
        b->load_reg_reg_offset(e->as, b->r.arg[0], native_reg_local_last(e), (int)i);
        if (e->local_vtype[i] != VTYPE_PYOBJ) {
            native_call_with_imm_arg(e, NF_CONVERT_OBJ_TO_NATIVE, e->local_vtype[i], b->r.arg[1]);
            r = b->r.ret;
        }
        bool to_reg = i < MAX_REGS_FOR_LOCAL_VARS && native_can_use_regs_for_locals(e)
            && (i != MAX_REGS_FOR_LOCAL_VARS - 1 || s->num_pos_args == MAX_REGS_FOR_LOCAL_VARS);
        if (to_reg) {
            b->mov_reg_reg(e->as, native_reg_local(e, i), r);
        } else {
            native_mov_state_reg(e, native_local_idx_var(e, i), r);
        }
    }
    if (s->num_pos_args >= MAX_REGS_FOR_LOCAL_VARS + 1 && native_can_use_regs_for_locals(e)) {
        b->mov_reg_local(e->as, native_reg_local_last(e), native_local_idx_var(e, MAX_REGS_FOR_LOCAL_VARS - 1));
    }
    global_exc_entry(e);
}

// Generator entry: the caller passes the generator's state and a value
// (or exception) to send; locals live in that state.
static void generator_entry(native_emitter_t *e, size_t fun_table_off) {
    const native_backend_t *b = e->b;
    asm_base_data(b->base(e->as), b->word_size, e->start_offset);
    b->entry(e->as, e->code_state_start);
    e->code_state_start = 0;
    e->stack_start = CODE_STATE_WORDS;
    int parent_arg2 = b->r.parent_arg[1];
    if (b->args_on_stack) {
        b->mov_arg_to_reg(e->as, 0, native_reg_generator_state(e));
        b->mov_arg_to_reg(e->as, 1, parent_arg2);
    } else {
        b->mov_reg_reg(e->as, native_reg_generator_state(e), b->r.parent_arg[0]);
    }
    b->mov_local_reg(e->as, native_local_idx_throw_val(e), parent_arg2);
    int t0 = b->r.temp[0];
    b->load_reg_reg_offset(e->as, t0, native_reg_generator_state(e), native_local_idx_fun_obj(e));
    b->load_reg_reg_offset(e->as, t0, t0, FUN_BC_OFF_CONTEXT);
    b->load_reg_reg_offset(e->as, native_reg_qstr_table(e), t0, CONTEXT_OFF_QSTR_TABLE);
    b->load_reg_reg_offset(e->as, t0, t0, CONTEXT_OFF_OBJ_TABLE);
    b->load_reg_reg_offset(e->as, b->r.fun_table, t0, (int)fun_table_off);
}

static void mov_state_imm_via(native_emitter_t *e, int local_num, int64_t imm, int reg_temp) {
    e->b->mov_reg_imm(e->as, reg_temp, imm);
    native_mov_state_reg(e, local_num, reg_temp);
}

// Plain native entry: the runtime's setup_code_state fills the code state
// (arguments into locals) from (fun, n_args, n_kw, args).
static void function_entry(native_emitter_t *e, size_t fun_table_off) {
    const native_backend_t *b = e->b;
    e->stack_start = e->code_state_start + CODE_STATE_WORDS;
    b->entry(e->as, e->stack_start + e->n_state);
    const uint8_t *parent = b->r.parent_arg;
    if (b->args_on_stack) {
        for (int i = 0; i < 4; i++) {
            b->mov_arg_to_reg(e->as, i, parent[i]);
        }
    }
    load_fun_table(e, parent[0], fun_table_off);
    b->mov_local_reg(e->as, native_local_idx_fun_obj(e), parent[0]);
    mov_state_imm_via(e, e->code_state_start + CODE_STATE_OFF_N_STATE, e->n_state, b->r.arg[0]);
    b->mov_reg_local_addr(e->as, b->r.arg[0], e->code_state_start);
    for (int i = 1; i < 4; i++) {
        if (b->r.arg[i] != parent[i]) {
            b->mov_reg_reg(e->as, b->r.arg[i], parent[i]);
        }
    }
    b->call_setup_code_state(e->as);
}

static void python_entry(native_emitter_t *e, size_t fun_table_off) {
    scope_t *s = e->scope;
    e->n_state = s->num_locals + s->stack_size + native_num_reraise_slots(e);
    // The child table slot that will point at the prelude.
    asm_base_data(e->b->base(e->as), e->b->word_size, e->prelude_ptr_index);
    if (native_is_generator(e)) {
        generator_entry(e, fun_table_off);
    } else {
        function_entry(e, fun_table_off);
    }
    global_exc_entry(e);
    if (native_can_use_regs_for_locals(e)) {
        for (unsigned i = 0; i < MAX_REGS_FOR_LOCAL_VARS && i < s->num_locals; i++) {
            e->b->mov_reg_local(e->as, native_reg_local(e, i), native_local_idx_var(e, i));
        }
    }
    for (size_t i = 0; i < s->id_info_len; i++) {
        const id_info_t *id = &s->id_info[i];
        if (id->kind == ID_KIND_CELL && id->local_num < e->local_vtype_alloc) {
            e->local_vtype[id->local_num] = VTYPE_PYOBJ;
        }
    }
}

void native_emit_entry(native_emitter_t *e, size_t fun_table_off) {
    if (e->do_viper_types) {
        viper_entry(e, fun_table_off);
    } else {
        python_entry(e, fun_table_off);
    }
}

// ---------------------------------------------------------------------------
// Prelude: what the runtime reads for the signature, names and cells.

static void write_prelude_byte(void *ctx, uint8_t b) {
    asm_base_data((asm_base_t *)ctx, 1, b);
}

static void write_prelude_bytes(asm_base_t *base, const buf_t *buf) {
    for (size_t i = 0; i < buf->len; i++) {
        write_prelude_byte(base, buf->data[i]);
    }
}

static void write_prelude_qstr(native_emitter_t *e, asm_base_t *base, qstr_t qst) {
    buf_t buf;
    buf_init(&buf);
    buf_vuint(&buf, emit_module_use_qstr(e->m, qst));
    write_prelude_bytes(base, &buf);
    buf_deinit(&buf);
}

static qstr_t arg_name(const scope_t *s, unsigned i) {
    for (size_t j = 0; j < s->id_info_len; j++) {
        const id_info_t *id = &s->id_info[j];
        if ((id->flags & ID_FLAG_IS_PARAM) && id->local_num == i) {
            return id->qst;
        }
    }
    return QSTR_star;
}

void native_write_prelude(native_emitter_t *e) {
    asm_base_t *base = e->b->base(e->as);
    scope_t *s = e->scope;
    e->prelude_offset = asm_base_get_code_pos(base);
    e->prelude_ptr_index = e->ct_cur_child;
    mpy_prelude_t p;
    memset(&p, 0, sizeof(p));
    p.n_state = (uint32_t)e->n_state;
    p.n_exc_stack = 0;
    p.scope_flags = s->scope_flags;
    p.n_pos_args = s->num_pos_args;
    p.n_kwonly_args = s->num_kwonly_args;
    p.n_def_pos_args = s->num_def_pos_args;
    buf_t buf;
    buf_init(&buf);
    mpy_prelude_encode_sig(&buf, &p);
    mpy_prelude_encode_size(&buf, (uint32_t)e->n_info, (uint32_t)e->n_cell);
    write_prelude_bytes(base, &buf);
    buf_deinit(&buf);
    size_t info_start = asm_base_get_code_pos(base);
    write_prelude_qstr(e, base, s->simple_name);
    for (unsigned i = 0; i < (unsigned)s->num_pos_args + s->num_kwonly_args; i++) {
        write_prelude_qstr(e, base, arg_name(s, i));
    }
    e->n_info = asm_base_get_code_pos(base) - info_start;
    size_t cell_start = asm_base_get_code_pos(base);
    for (size_t i = 0; i < s->id_info_len; i++) {
        if (s->id_info[i].kind == ID_KIND_CELL) {
            asm_base_data(base, 1, s->id_info[i].local_num & 0xff);
        }
    }
    e->n_cell = asm_base_get_code_pos(base) - cell_start;
}
