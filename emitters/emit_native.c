// emitters/emit_native.c: the heart of the native emitter: the frame
// layout, the model of the Python value stack (values in frame slots,
// registers or not yet materialised constants), the exception-handler
// stack, and the start and end of each pass. Function entry, exit and the
// prelude are in emit_native_entry.c, the emit ops in emit_native_ops.c
// and the typed viper operations in emit_native_viper.c; machine
// instructions come from the backend table (emit_native_<arch>.c).
#include "emit_native.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const cobj_t fun_table_obj = {.kind = COBJ_FUN_TABLE};

// ---------------------------------------------------------------------------
// Frame layout.

bool native_is_generator(const native_emitter_t *e) {
    return (e->scope->scope_flags & MPY_SCOPE_FLAG_GENERATOR) != 0;
}

bool native_can_use_regs_for_locals(const native_emitter_t *e) {
    return e->scope->exc_stack_size == 0 && !native_is_generator(e);
}

bool native_need_global_exc_handler(const native_emitter_t *e) {
    return e->scope->exc_stack_size > 0
        || (e->scope->scope_flags & (MPY_SCOPE_FLAG_GENERATOR | MPY_SCOPE_FLAG_REFGLOBALS)) != 0;
}

bool native_need_fun_obj(const native_emitter_t *e) {
    return e->scope->exc_stack_size > 0
        || (e->scope->scope_flags & (MPY_SCOPE_FLAG_REFGLOBALS | MPY_SCOPE_FLAG_HASCONSTS)) != 0;
}

static bool need_exc_handler_unwind(const native_emitter_t *e) {
    return e->scope->exc_stack_size > 0;
}

int native_local_idx_var(const native_emitter_t *e, unsigned local_num) {
    return e->stack_start + e->n_state - 1 - (int)local_num;
}

int native_local_idx_exc_val(const native_emitter_t *e) {
    (void)e;
    return NLR_BUF_IDX_RET_VAL;
}

int native_local_idx_exc_handler_pc(const native_emitter_t *e) {
    return (int)e->b->nlr_idx_local_1;
}

int native_local_idx_exc_handler_unwind(const native_emitter_t *e) {
    return (int)e->b->nlr_buf_words + 1;
}

int native_local_idx_ret_val(const native_emitter_t *e) {
    return (int)e->b->nlr_buf_words;
}

// A generator keeps what the caller throws in (or sends) here until it is
// raised on resumption.
int native_local_idx_throw_val(const native_emitter_t *e) {
    return (int)e->b->nlr_buf_words + 2;
}

// Raises the value thrown into a generator, if any, clearing the slot.
void native_raise_throw_val(native_emitter_t *e) {
    const native_backend_t *b = e->b;
    b->mov_reg_local(e->as, b->r.arg[0], native_local_idx_throw_val(e));
    native_clear_local(e, native_local_idx_throw_val(e), b->r.arg[1]);
    native_call(e, NF_NATIVE_RAISE);
}

int native_local_idx_fun_obj(const native_emitter_t *e) {
    return e->code_state_start + CODE_STATE_OFF_FUN_BC;
}

int native_local_idx_old_globals(const native_emitter_t *e) {
    return e->code_state_start + CODE_STATE_OFF_IP;
}

int native_local_idx_gen_pc(const native_emitter_t *e) {
    return e->code_state_start + CODE_STATE_OFF_IP;
}

// A scope with a bare `raise` keeps the exception each except handler is
// handling in a slot of its own, one per handler depth, just above the
// value stack (the frame grows by that many words); the bare `raise`
// re-raises the slot of its innermost handler, as RAISE_LAST does.
int native_num_reraise_slots(const native_emitter_t *e) {
    return e->scope->has_bare_raise && !e->do_viper_types ? e->scope->exc_stack_size : 0;
}

int native_local_idx_reraise(const native_emitter_t *e, size_t handler_depth) {
    return e->stack_start + e->scope->stack_size + (int)handler_depth;
}

// With a .mpy to write, REG_LOCAL_3 holds the qstr table and REG_LOCAL_2
// the generator state, so only two registers are left for locals.
int native_reg_local(const native_emitter_t *e, unsigned i) {
    return e->b->r.local[i];
}

int native_reg_generator_state(const native_emitter_t *e) {
    return e->b->r.local[1];
}

int native_reg_qstr_table(const native_emitter_t *e) {
    return e->b->r.local[2];
}

int native_reg_local_last(const native_emitter_t *e) {
    return e->b->r.local[MAX_REGS_FOR_LOCAL_VARS - 1];
}

// ---------------------------------------------------------------------------
// Errors.

const char *native_qstr(const native_emitter_t *e, qstr_t q) {
    return qstr_str(e->pool, q);
}

const char *native_vtype_name(vtype_t vtype) {
    switch (vtype) {
        case VTYPE_PYOBJ:
            return "object";
        case VTYPE_BOOL:
            return "bool";
        case VTYPE_INT:
            return "int";
        case VTYPE_UINT:
            return "uint";
        case VTYPE_PTR:
            return "ptr";
        case VTYPE_PTR8:
            return "ptr8";
        case VTYPE_PTR16:
            return "ptr16";
        case VTYPE_PTR32:
            return "ptr32";
        default:
            return "None";
    }
}

static int scope_line(const native_emitter_t *e) {
    const pnode_t *pn = e->scope != NULL ? e->scope->pn : NULL;
    if (pn != NULL && (pn->kind == PN_RULE || pn->kind == PN_CONST)) {
        return (int)pn->line;
    }
    return 0;
}

static void record_error(native_emitter_t *e, diag_kind_t kind, const char *msg) {
    e->failed = true;
    if (diag_failed(e->d)) {
        return;
    }
    diag_error(e->d, kind, scope_line(e), "%s", msg);
    if (e->scope != NULL) {
        snprintf(e->d->scope, sizeof(e->d->scope), "%s", native_qstr(e, e->scope->simple_name));
    }
}

void native_viper_error(native_emitter_t *e, const char *fmt, ...) {
    char msg[DIAG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    record_error(e, DIAG_VIPER_TYPE_ERROR, msg);
}

void native_not_implemented(native_emitter_t *e, const char *msg) {
    record_error(e, DIAG_NOT_IMPLEMENTED, msg);
}

// ---------------------------------------------------------------------------
// Moves between registers, the frame (or the generator's state) and the
// module's tables.

void native_asm_label(native_emitter_t *e, label_t l) {
    asm_base_label_assign(e->b->base(e->as), l);
}

void native_mov_state_reg(native_emitter_t *e, int local_num, int reg) {
    if (native_is_generator(e)) {
        e->b->store_reg_reg_offset(e->as, reg, native_reg_generator_state(e), local_num);
    } else {
        e->b->mov_local_reg(e->as, local_num, reg);
    }
}

// Zeroes a local of the frame: straight from the zero register where the
// backend has one, else through reg_temp (which is then zero).
void native_clear_local(native_emitter_t *e, int local_num, int reg_temp) {
    if (e->b->clear_local != NULL) {
        e->b->clear_local(e->as, local_num);
        return;
    }
    e->b->clr_reg(e->as, reg_temp);
    e->b->mov_local_reg(e->as, local_num, reg_temp);
}

void native_mov_reg_state(native_emitter_t *e, int reg, int local_num) {
    if (native_is_generator(e)) {
        e->b->load_reg_reg_offset(e->as, reg, native_reg_generator_state(e), local_num);
    } else {
        e->b->mov_reg_local(e->as, reg, local_num);
    }
}

void native_mov_reg_state_addr(native_emitter_t *e, int reg, int local_num) {
    if (native_is_generator(e)) {
        e->b->mov_reg_imm(e->as, reg, (int64_t)local_num * e->b->word_size);
        e->b->alu_reg_reg(e->as, NATIVE_ALU_ADD, reg, native_reg_generator_state(e));
    } else {
        e->b->mov_reg_local_addr(e->as, reg, local_num);
    }
}

void native_mov_reg_qstr(native_emitter_t *e, int reg, qstr_t qst) {
    uint32_t idx = emit_module_use_qstr(e->m, qst);
    e->b->load16_reg_reg_offset(e->as, reg, native_reg_qstr_table(e), (int)idx);
}

void native_mov_reg_const(native_emitter_t *e, int reg, native_fun_t which) {
    e->b->load_reg_reg_offset(e->as, reg, e->b->r.fun_table, (int)which);
}

void native_load_reg_with_object(native_emitter_t *e, int reg, const cobj_t *obj) {
    e->scope->scope_flags |= MPY_SCOPE_FLAG_HASCONSTS;
    uint32_t off = emit_module_use_const(e->m, obj);
    int t0 = e->b->r.temp[0];
    native_mov_reg_state(e, t0, native_local_idx_fun_obj(e));
    e->b->load_reg_reg_offset(e->as, t0, t0, FUN_BC_OFF_CONTEXT);
    e->b->load_reg_reg_offset(e->as, t0, t0, CONTEXT_OFF_OBJ_TABLE);
    e->b->load_reg_reg_offset(e->as, reg, t0, (int)off);
}

static emit_raw_code_t *raw_code_of(native_emitter_t *e, scope_t *s) {
    if (s->raw_code == NULL) {
        s->raw_code = arena_alloc(e->arena, sizeof(emit_raw_code_t));
    }
    return s->raw_code;
}

static size_t alloc_child(native_emitter_t *e, scope_t *child) {
    if (e->pass == EMIT_PASS_EMIT && e->ct_cur_child < e->n_children_alloc) {
        e->children[e->ct_cur_child] = raw_code_of(e, child);
    }
    return e->ct_cur_child++;
}

void native_load_reg_with_child(native_emitter_t *e, int reg, scope_t *child) {
    size_t off = alloc_child(e, child);
    int t0 = e->b->r.temp[0];
    native_mov_reg_state(e, t0, native_local_idx_fun_obj(e));
    e->b->load_reg_reg_offset(e->as, t0, t0, FUN_BC_OFF_CHILD_TABLE);
    e->b->load_reg_reg_offset(e->as, reg, t0, (int)off);
}

// ---------------------------------------------------------------------------
// The value stack model.

static bool ensure_extra_stack(native_emitter_t *e, size_t delta) {
    if ((size_t)e->stack_size + delta <= e->stack_info_alloc) {
        return true;
    }
    size_t alloc = ((size_t)e->stack_size + delta + 8) & ~(size_t)3;
    stack_info_t *si = arena_alloc(e->arena, alloc * sizeof(stack_info_t));
    if (si == NULL) {
        record_error(e, DIAG_MEMORY_ERROR, "memory allocation failed");
        return false;
    }
    if (e->stack_info != NULL) {
        memcpy(si, e->stack_info, e->stack_info_alloc * sizeof(stack_info_t));
    }
    e->stack_info = si;
    e->stack_info_alloc = alloc;
    return true;
}

stack_info_t *native_peek_stack(native_emitter_t *e, unsigned depth) {
    static stack_info_t dummy;
    if ((int)depth >= e->stack_size) {
        dummy.kind = STACK_VALUE;
        dummy.vtype = VTYPE_PYOBJ;
        return &dummy;
    }
    return &e->stack_info[e->stack_size - 1 - (int)depth];
}

vtype_t native_peek_vtype(native_emitter_t *e, unsigned depth) {
    if (e->do_viper_types) {
        return native_peek_stack(e, depth)->vtype;
    }
    return VTYPE_PYOBJ;
}

void native_adjust_stack(native_emitter_t *e, int delta) {
    if (e->stack_size + delta < 0) {
        record_error(e, DIAG_RUNTIME_ERROR, "internal error: native stack underflow");
        e->stack_size = 0;
        return;
    }
    if (delta > 0 && !ensure_extra_stack(e, (size_t)delta)) {
        return;
    }
    e->stack_size += delta;
    if (e->pass > EMIT_PASS_SCOPE && e->stack_size > (int)e->scope->stack_size) {
        e->scope->stack_size = (uint16_t)e->stack_size;
    }
}

// Spills every register-held stack entry that lives in `reg`, except the
// one at skip_stack_pos (1 is the top; 0 skips nothing).
void native_need_reg_single(native_emitter_t *e, int reg, int skip_stack_pos) {
    int skip = e->stack_size - skip_stack_pos;
    for (int i = 0; i < e->stack_size; i++) {
        stack_info_t *si = &e->stack_info[i];
        if (i != skip && si->kind == STACK_REG && si->reg == reg) {
            si->kind = STACK_VALUE;
            native_mov_state_reg(e, e->stack_start + i, si->reg);
        }
    }
}

void native_need_reg_all(native_emitter_t *e) {
    for (int i = 0; i < e->stack_size; i++) {
        stack_info_t *si = &e->stack_info[i];
        if (si->kind == STACK_REG) {
            si->kind = STACK_VALUE;
            native_mov_state_reg(e, e->stack_start + i, si->reg);
        }
    }
}

// Materialises a constant stack entry in reg. Returns the type it has
// there: objects for everything when convert_to_pyobj or in plain native
// code, the constant's own type otherwise.
static vtype_t load_reg_stack_imm(native_emitter_t *e, int reg, const stack_info_t *si, bool convert_to_pyobj) {
    if (!convert_to_pyobj && e->do_viper_types) {
        e->b->mov_reg_imm(e->as, reg, si->imm);
        return si->vtype;
    }
    switch (si->vtype) {
        case VTYPE_PYOBJ:
            e->b->mov_reg_imm(e->as, reg, si->imm);
            break;
        case VTYPE_BOOL:
            native_mov_reg_const(e, reg, (native_fun_t)(NF_CONST_FALSE_OBJ + si->imm));
            break;
        case VTYPE_INT:
        case VTYPE_UINT:
            e->b->mov_reg_imm(e->as, reg, OBJ_SMALL_INT(si->imm));
            break;
        case VTYPE_PTR_NONE:
            native_mov_reg_const(e, reg, NF_CONST_NONE_OBJ);
            break;
        default:
            native_not_implemented(e, "conversion to object");
            break;
    }
    return VTYPE_PYOBJ;
}

void native_need_stack_settled(native_emitter_t *e) {
    native_need_reg_all(e);
    for (int i = 0; i < e->stack_size; i++) {
        stack_info_t *si = &e->stack_info[i];
        if (si->kind == STACK_IMM) {
            si->kind = STACK_VALUE;
            si->vtype = load_reg_stack_imm(e, e->b->r.temp[1], si, false);
            native_mov_state_reg(e, e->stack_start + i, e->b->r.temp[1]);
        }
    }
}

// Loads stack entry `pos` (1 is the top) into reg without popping it.
void native_access_stack(native_emitter_t *e, int pos, vtype_t *vtype, int reg) {
    native_need_reg_single(e, reg, pos);
    if (pos > e->stack_size) {
        record_error(e, DIAG_RUNTIME_ERROR, "internal error: native stack underflow");
        *vtype = VTYPE_PYOBJ;
        return;
    }
    stack_info_t *si = &e->stack_info[e->stack_size - pos];
    *vtype = si->vtype;
    switch (si->kind) {
        case STACK_VALUE:
            native_mov_reg_state(e, reg, e->stack_start + e->stack_size - pos);
            break;
        case STACK_REG:
            if (si->reg != reg) {
                e->b->mov_reg_reg(e->as, reg, si->reg);
            }
            break;
        case STACK_IMM:
            *vtype = load_reg_stack_imm(e, reg, si, false);
            break;
    }
}

// Replaces the second entry with the top one (the top being kept in reg
// when it was in the frame) and drops the top.
void native_fold_stack_top(native_emitter_t *e, int reg) {
    if (e->stack_size < 2) {
        record_error(e, DIAG_RUNTIME_ERROR, "internal error: native stack underflow");
        return;
    }
    stack_info_t *si = &e->stack_info[e->stack_size - 2];
    si[0] = si[1];
    if (si->kind == STACK_VALUE) {
        native_mov_reg_state(e, reg, e->stack_start + e->stack_size - 1);
        si->kind = STACK_REG;
        si->reg = reg;
    }
    native_adjust_stack(e, -1);
}

// Pops the top into *reg, or leaves it in the register it is already in
// (and returns that register) when that is neither not_r1 nor not_r2.
void native_pop_reg_flexible(native_emitter_t *e, vtype_t *vtype, int *reg, int not_r1, int not_r2) {
    stack_info_t *si = native_peek_stack(e, 0);
    if (si->kind == STACK_REG && si->reg != not_r1 && si->reg != not_r2) {
        *vtype = si->vtype;
        *reg = si->reg;
        native_need_reg_single(e, *reg, 1);
    } else {
        native_access_stack(e, 1, vtype, *reg);
    }
    native_adjust_stack(e, -1);
}

void native_pop_discard(native_emitter_t *e) {
    native_adjust_stack(e, -1);
}

void native_pop_reg(native_emitter_t *e, vtype_t *vtype, int reg) {
    native_access_stack(e, 1, vtype, reg);
    native_adjust_stack(e, -1);
}

void native_top_set_vtype(native_emitter_t *e, vtype_t vtype) {
    native_peek_stack(e, 0)->vtype = vtype;
}

void native_push_reg(native_emitter_t *e, vtype_t vtype, int reg) {
    if (!ensure_extra_stack(e, 1)) {
        return;
    }
    stack_info_t *si = &e->stack_info[e->stack_size];
    si->vtype = vtype;
    si->kind = STACK_REG;
    si->reg = reg;
    native_adjust_stack(e, 1);
}

void native_push_imm(native_emitter_t *e, vtype_t vtype, int64_t imm) {
    if (!ensure_extra_stack(e, 1)) {
        return;
    }
    stack_info_t *si = &e->stack_info[e->stack_size];
    si->vtype = vtype;
    si->kind = STACK_IMM;
    si->imm = imm;
    native_adjust_stack(e, 1);
}

void native_call(native_emitter_t *e, native_fun_t fun) {
    native_need_reg_all(e);
    e->b->call_ind(e->as, fun);
}

void native_call_with_imm_arg(native_emitter_t *e, native_fun_t fun, int64_t arg, int reg) {
    native_need_reg_all(e);
    e->b->mov_reg_imm(e->as, reg, arg);
    e->b->call_ind(e->as, fun);
}

void native_call_with_2_imm_args(native_emitter_t *e, native_fun_t fun, int64_t a1, int r1, int64_t a2, int r2) {
    native_need_reg_all(e);
    e->b->mov_reg_imm(e->as, r1, a1);
    e->b->mov_reg_imm(e->as, r2, a2);
    e->b->call_ind(e->as, fun);
}

void native_call_with_qstr_arg(native_emitter_t *e, native_fun_t fun, qstr_t qst, int reg) {
    native_need_reg_all(e);
    native_mov_reg_qstr(e, reg, qst);
    e->b->call_ind(e->as, fun);
}

// Pops n_pop entries as objects into their frame slots (converting
// constants and native values) and points reg at the lowest of them.
void native_stack_pointer_for_pop(native_emitter_t *e, int reg, unsigned n_pop) {
    native_need_reg_all(e);
    if ((int)n_pop > e->stack_size) {
        record_error(e, DIAG_RUNTIME_ERROR, "internal error: native stack underflow");
        return;
    }
    for (unsigned i = 0; i < n_pop; i++) {
        stack_info_t *si = &e->stack_info[e->stack_size - 1 - (int)i];
        if (si->kind == STACK_IMM) {
            si->kind = STACK_VALUE;
            si->vtype = load_reg_stack_imm(e, reg, si, true);
            native_mov_state_reg(e, e->stack_start + e->stack_size - 1 - (int)i, reg);
        }
    }
    for (unsigned i = 0; i < n_pop; i++) {
        stack_info_t *si = &e->stack_info[e->stack_size - 1 - (int)i];
        if (si->vtype != VTYPE_PYOBJ) {
            int local_num = e->stack_start + e->stack_size - 1 - (int)i;
            native_mov_reg_state(e, e->b->r.arg[0], local_num);
            native_call_with_imm_arg(e, NF_CONVERT_NATIVE_TO_OBJ, si->vtype, e->b->r.arg[1]);
            native_mov_state_reg(e, local_num, e->b->r.ret);
            si->vtype = VTYPE_PYOBJ;
        }
    }
    native_adjust_stack(e, -(int)n_pop);
    native_mov_reg_state_addr(e, reg, e->stack_start + e->stack_size);
}

// Reserves n_push object slots on the stack and points reg at the lowest.
void native_stack_pointer_for_push(native_emitter_t *e, int reg, unsigned n_push) {
    native_need_reg_all(e);
    if (!ensure_extra_stack(e, n_push)) {
        return;
    }
    for (unsigned i = 0; i < n_push; i++) {
        e->stack_info[e->stack_size + (int)i].kind = STACK_VALUE;
        e->stack_info[e->stack_size + (int)i].vtype = VTYPE_PYOBJ;
    }
    native_mov_reg_state_addr(e, reg, e->stack_start + e->stack_size);
    native_adjust_stack(e, (int)n_push);
}

// ---------------------------------------------------------------------------
// Exception handlers: the frame slot "handler pc" holds the address of the
// innermost active handler (0: none); the global handler jumps there.

void native_push_exc_stack(native_emitter_t *e, label_t label, bool is_finally) {
    if (e->exc_stack_size + 1 > e->exc_stack_alloc) {
        size_t alloc = e->exc_stack_alloc + 8;
        exc_entry_t *s = arena_alloc(e->arena, alloc * sizeof(exc_entry_t));
        if (s == NULL) {
            record_error(e, DIAG_MEMORY_ERROR, "memory allocation failed");
            return;
        }
        if (e->exc_stack != NULL) {
            memcpy(s, e->exc_stack, e->exc_stack_alloc * sizeof(exc_entry_t));
        }
        e->exc_stack = s;
        e->exc_stack_alloc = alloc;
    }
    exc_entry_t *x = &e->exc_stack[e->exc_stack_size++];
    x->label = (uint16_t)label;
    x->is_finally = is_finally;
    x->unwind_label = UNWIND_LABEL_UNUSED;
    x->is_active = true;
    e->b->mov_reg_pcrel(e->as, e->b->r.ret, label);
    e->b->mov_local_reg(e->as, native_local_idx_exc_handler_pc(e), e->b->r.ret);
}

void native_leave_exc_stack(native_emitter_t *e, bool start_of_handler) {
    if (e->exc_stack_size == 0) {
        record_error(e, DIAG_RUNTIME_ERROR, "internal error: native handler stack underflow");
        return;
    }
    exc_entry_t *x = &e->exc_stack[e->exc_stack_size - 1];
    x->is_active = false;
    ptrdiff_t i = (ptrdiff_t)e->exc_stack_size - 2;
    while (i >= 0 && !e->exc_stack[i].is_active) {
        i--;
    }
    if (i < 0) {
        if (start_of_handler) {
            // The global handler already cleared the slot.
            return;
        }
        e->b->clr_reg(e->as, e->b->r.ret);
    } else {
        e->b->mov_reg_pcrel(e->as, e->b->r.ret, e->exc_stack[i].label);
    }
    e->b->mov_local_reg(e->as, native_local_idx_exc_handler_pc(e), e->b->r.ret);
}

exc_entry_t *native_pop_exc_stack(native_emitter_t *e) {
    static exc_entry_t dummy = {.unwind_label = UNWIND_LABEL_UNUSED};
    if (e->exc_stack_size == 0) {
        record_error(e, DIAG_RUNTIME_ERROR, "internal error: native handler stack underflow");
        return &dummy;
    }
    return &e->exc_stack[--e->exc_stack_size];
}

void native_label_assign(native_emitter_t *e, label_t l) {
    bool is_finally = false;
    if (e->exc_stack_size > 0) {
        exc_entry_t *x = &e->exc_stack[e->exc_stack_size - 1];
        is_finally = x->is_finally && x->label == l;
    }
    if (is_finally) {
        // The exception (or None) on the stack becomes the handler's
        // value; it stays in its slot too, for the jump from the handler.
        vtype_t vtype;
        native_access_stack(e, 1, &vtype, e->b->r.temp[0]);
        e->b->mov_local_reg(e->as, native_local_idx_exc_val(e), e->b->r.temp[0]);
    }
    native_need_stack_settled(e);
    native_asm_label(e, l);
    if (is_finally) {
        native_leave_exc_stack(e, false);
    }
}

void native_jump(native_emitter_t *e, label_t l) {
    native_need_stack_settled(e);
    e->b->jump(e->as, l);
    asm_base_suppress_code(e->b->base(e->as));
}

// Jumps out of except_depth handlers: through the finally blocks among
// them (each one then continues the unwind), or straight to the label.
void native_unwind_jump(native_emitter_t *e, label_t label, unsigned except_depth) {
    if (except_depth > 0 && e->exc_stack_size >= except_depth) {
        exc_entry_t *first_finally = NULL;
        exc_entry_t *prev_finally = NULL;
        ptrdiff_t i = (ptrdiff_t)e->exc_stack_size - 1;
        for (; except_depth > 0; --except_depth, --i) {
            exc_entry_t *x = &e->exc_stack[i];
            if (x->is_finally && x->is_active) {
                if (first_finally == NULL) {
                    first_finally = x;
                }
                if (prev_finally != NULL) {
                    prev_finally->unwind_label = x->label;
                }
                prev_finally = x;
            }
        }
        int ret = e->b->r.ret;
        if (prev_finally == NULL) {
            if (i < 0) {
                e->b->clr_reg(e->as, ret);
            } else {
                e->b->mov_reg_pcrel(e->as, ret, e->exc_stack[i].label);
            }
            e->b->mov_local_reg(e->as, native_local_idx_exc_handler_pc(e), ret);
        } else {
            prev_finally->unwind_label = UNWIND_LABEL_DO_FINAL_UNWIND;
            e->b->mov_reg_pcrel(e->as, ret, label & ~(label_t)EMIT_BREAK_FROM_FOR);
            e->b->mov_local_reg(e->as, native_local_idx_exc_handler_unwind(e), ret);
            e->b->mov_reg_imm(e->as, ret, OBJ_NULL);
            e->b->mov_local_reg(e->as, native_local_idx_exc_val(e), ret);
            label = first_finally->label;
        }
    }
    native_jump(e, label & ~(label_t)EMIT_BREAK_FROM_FOR);
}

// ---------------------------------------------------------------------------
// Passes: each one sets up the scope's types and frame, emits the entry,
// and at the end the exit, the prelude and (last pass) the raw code.

static bool ensure_local_vtypes(native_emitter_t *e, size_t n) {
    if (n <= e->local_vtype_alloc) {
        return true;
    }
    vtype_t *v = arena_alloc(e->arena, n * sizeof(vtype_t));
    if (v == NULL) {
        record_error(e, DIAG_MEMORY_ERROR, "memory allocation failed");
        return false;
    }
    e->local_vtype = v;
    e->local_vtype_alloc = n;
    return true;
}

// Types of locals at entry: arguments are objects (or their annotated
// viper type), other locals unbound in viper and objects otherwise.
static void init_local_vtypes(native_emitter_t *e) {
    scope_t *s = e->scope;
    size_t num_args = (size_t)s->num_pos_args + s->num_kwonly_args;
    if (s->scope_flags & MPY_SCOPE_FLAG_VARARGS) {
        num_args++;
    }
    if (s->scope_flags & MPY_SCOPE_FLAG_VARKEYWORDS) {
        num_args++;
    }
    for (size_t i = 0; i < num_args && i < e->local_vtype_alloc; i++) {
        e->local_vtype[i] = VTYPE_PYOBJ;
    }
    if (e->do_viper_types) {
        for (size_t i = 0; i < s->id_info_len; i++) {
            const id_info_t *id = &s->id_info[i];
            if ((id->flags & ID_FLAG_IS_PARAM) && id->local_num < e->local_vtype_alloc) {
                e->local_vtype[id->local_num] = (vtype_t)(id->flags >> ID_FLAG_VIPER_TYPE_POS);
            }
        }
    }
    for (size_t i = num_args; i < e->local_vtype_alloc; i++) {
        e->local_vtype[i] = e->do_viper_types ? VTYPE_UNBOUND : VTYPE_PYOBJ;
    }
    for (size_t i = 0; i < e->stack_info_alloc; i++) {
        e->stack_info[i].kind = STACK_VALUE;
        e->stack_info[i].vtype = VTYPE_UNBOUND;
    }
}

static bool prepare_children(native_emitter_t *e, emit_pass_t pass) {
    if (pass == EMIT_PASS_CODE_SIZE) {
        e->children = NULL;
        e->n_children_alloc = e->ct_cur_child;
        if (e->ct_cur_child > 0) {
            e->children = arena_alloc(e->arena, e->ct_cur_child * sizeof(emit_raw_code_t *));
            if (e->children == NULL) {
                record_error(e, DIAG_MEMORY_ERROR, "memory allocation failed");
                return false;
            }
        }
    }
    e->ct_cur_child = 0;
    return true;
}

static void start_pass(emitter_t *emitter, emit_pass_t pass, scope_t *scope) {
    native_emitter_t *e = (native_emitter_t *)emitter;
    e->pass = pass;
    e->scope = scope;
    e->do_viper_types = scope->emit_options == EMIT_OPT_VIPER;
    e->stack_size = 0;
    e->exc_stack_size = 0;
    e->failed = false;
    if (!e->as_ready) {
        if (!e->b->init(e->as, e->max_num_labels, e->arch)) {
            record_error(e, DIAG_MEMORY_ERROR, "memory allocation failed");
            return;
        }
        e->as_ready = true;
        if (e->b->set_arch_flags != NULL) {
            e->b->set_arch_flags(e->as, e->arch_flags);
        }
    }
    if (!prepare_children(e, pass) || !ensure_local_vtypes(e, scope->num_locals) || !ensure_extra_stack(e, 8)) {
        return;
    }
    init_local_vtypes(e);
    asm_base_t *base = e->b->base(e->as);
    asm_base_start_pass(base, pass == EMIT_PASS_EMIT ? ASM_PASS_EMIT : ASM_PASS_COMPUTE);
    e->code_state_start = 0;
    if (native_is_generator(e)) {
        // The return value, the unwind target and the value thrown in.
        e->code_state_start = native_local_idx_throw_val(e) + 1;
    } else if (native_need_global_exc_handler(e)) {
        e->code_state_start = (int)e->b->nlr_buf_words + 1;
        if (need_exc_handler_unwind(e)) {
            e->code_state_start += 1;
        }
    }
    size_t fun_table_off = emit_module_use_const(e->m, &fun_table_obj);
    native_emit_entry(e, fun_table_off);
}

// Reports an error the assembler recorded (locals out of reach, a jump
// too far, out of memory) against the scope.
static bool check_asm_error(native_emitter_t *e) {
    asm_base_t *base = e->b->base(e->as);
    if (base->error == ASM_OK) {
        return true;
    }
    asm_error_t err = base->error;
    base->error = ASM_OK;
    diag_kind_t kind = err == ASM_ERR_NO_MEMORY ? DIAG_MEMORY_ERROR
        : err == ASM_ERR_TOO_MANY_LOCALS || err == ASM_ERR_TOO_BIG ? DIAG_NOT_IMPLEMENTED
                                                                    : DIAG_RUNTIME_ERROR;
    record_error(e, kind, asm_error_text(err));
    return false;
}

static void assign_raw_code(native_emitter_t *e) {
    asm_base_t *base = e->b->base(e->as);
    emit_raw_code_t *rc = raw_code_of(e, e->scope);
    uint8_t *code = arena_alloc(e->arena, base->code_offset ? base->code_offset : 1);
    if (rc == NULL || code == NULL) {
        record_error(e, DIAG_MEMORY_ERROR, "memory allocation failed");
        return;
    }
    memcpy(code, base->code, base->code_offset);
    memset(&rc->rc, 0, sizeof(rc->rc));
    rc->rc.kind = e->do_viper_types ? MPY_CODE_VIPER : MPY_CODE_NATIVE;
    rc->rc.code = code;
    rc->rc.code_len = base->code_offset;
    rc->rc.file_offset = -1;
    rc->rc.prelude_offset = e->do_viper_types ? 0 : (uint32_t)e->prelude_offset;
    rc->rc.scope_flags = 0;
    rc->children = e->children;
    rc->n_children = e->ct_cur_child;
    rc->cap_children = e->n_children_alloc;
}

static bool end_pass(emitter_t *emitter) {
    native_emitter_t *e = (native_emitter_t *)emitter;
    if (!e->as_ready) {
        return true;
    }
    native_emit_exit(e);
    if (!e->do_viper_types) {
        native_write_prelude(e);
    }
    if (e->b->end_pass != NULL) {
        e->b->end_pass(e->as);
    }
    if (!check_asm_error(e) || e->failed) {
        return true;
    }
    if (e->stack_size != 0 || e->exc_stack_size != 0) {
        record_error(e, DIAG_RUNTIME_ERROR, "internal error: native stack not balanced");
        return true;
    }
    if (e->pass == EMIT_PASS_EMIT) {
        assign_raw_code(e);
    }
    return true;
}

static bool is_dead_code(emitter_t *emitter) {
    (void)emitter;
    return false;
}

static void adjust_stack_size(emitter_t *emitter, int delta) {
    native_emitter_t *e = (native_emitter_t *)emitter;
    if (delta > 0 && !ensure_extra_stack(e, (size_t)delta)) {
        return;
    }
    // Entries the walk adds by hand are objects, except a single one
    // restored after a conditional jump, which keeps its saved type.
    for (int i = 0; i < delta; i++) {
        stack_info_t *si = &e->stack_info[e->stack_size + i];
        si->kind = STACK_VALUE;
        si->vtype = delta == 1 ? e->saved_stack_vtype : VTYPE_PYOBJ;
    }
    native_adjust_stack(e, delta);
}

static void set_source_line(emitter_t *emitter, uint32_t line) {
    (void)emitter;
    (void)line;
}

// ---------------------------------------------------------------------------
// Construction.

static const native_backend_t *backend_for(mpy_arch_t arch) {
    switch (arch) {
        case MPY_ARCH_X64:
            return &emit_native_x64_backend;
        case MPY_ARCH_X86:
            return &emit_native_x86_backend;
        case MPY_ARCH_ARMV6M:
        case MPY_ARCH_ARMV7M:
        case MPY_ARCH_ARMV7EM:
        case MPY_ARCH_ARMV7EMSP:
        case MPY_ARCH_ARMV7EMDP:
            return &emit_native_thumb_backend;
        case MPY_ARCH_RV32IMC:
            return &emit_native_rv32_backend;
        case MPY_ARCH_XTENSA:
            return &emit_native_xtensa_backend;
        case MPY_ARCH_XTENSAWIN:
            return &emit_native_xtensawin_backend;
        default:
            return NULL;
    }
}

bool emit_native_supports(mpy_arch_t arch) {
    return backend_for(arch) != NULL;
}

emitter_t *emit_native_new(arena_t *arena, emit_module_t *m, const qstr_pool_t *pool, mpy_arch_t arch,
    label_t *label_slot, diag_t *d) {
    const native_backend_t *b = backend_for(arch);
    if (b == NULL) {
        return NULL;
    }
    native_emitter_t *e = arena_alloc(arena, sizeof(native_emitter_t));
    if (e == NULL) {
        return NULL;
    }
    e->b = b;
    e->arch = arch;
    e->as = &e->asm_store;
    e->arena = arena;
    e->m = m;
    e->pool = pool;
    e->d = d;
    e->label_slot = label_slot;
    e->max_num_labels = 16;
    return (emitter_t *)e;
}

void emit_native_set_max_num_labels(emitter_t *emitter, size_t max_num_labels) {
    native_emitter_t *e = (native_emitter_t *)emitter;
    e->max_num_labels = max_num_labels > 0 ? max_num_labels : 1;
}

void emit_native_set_arch_flags(emitter_t *emitter, uint32_t flags) {
    ((native_emitter_t *)emitter)->arch_flags = flags;
}

void emit_native_free(emitter_t *emitter) {
    native_emitter_t *e = (native_emitter_t *)emitter;
    if (e != NULL && e->as_ready) {
        e->b->deinit(e->as);
        e->as_ready = false;
    }
}

void emit_native_start_pass(emitter_t *e, emit_pass_t pass, scope_t *scope) {
    start_pass(e, pass, scope);
}

bool emit_native_end_pass(emitter_t *e) {
    return end_pass(e);
}

bool emit_native_is_dead_code(emitter_t *e) {
    return is_dead_code(e);
}

void emit_native_adjust_stack_size(emitter_t *e, int delta) {
    adjust_stack_size(e, delta);
}

void emit_native_set_source_line(emitter_t *e, uint32_t line) {
    set_source_line(e, line);
}
