// emitters/emit_native_viper.c: the operations whose code depends on the
// viper types of their operands: subscripts (object subscripts through the
// runtime, ptr8/16/32 loads and stores as machine accesses), unary and
// binary operators (machine arithmetic on int/uint, runtime calls on
// objects) and casts such as int(x) or ptr8(buf). Plain native code only
// ever sees objects and takes the runtime paths.
#include "emit_native.h"

#define REG_RET(e) ((e)->b->r.ret)
#define REG_ARG(e, n) ((e)->b->r.arg[(n) - 1])

static const char *const binary_op_method[] = {
#define UNARY(name, n, meth)
#define BINARY(name, n, meth, sym) [n] = #meth,
#include "../mpyformat/ops.def"
#undef UNARY
#undef BINARY
};

static const char *binary_op_name(mpy_binary_op_t op) {
    if ((size_t)op < sizeof(binary_op_method) / sizeof(binary_op_method[0]) && binary_op_method[op] != NULL) {
        return binary_op_method[op];
    }
    return "";
}

// log2 of the element size a pointer type addresses, or -1.
static int ptr_size_shift(vtype_t vtype) {
    switch (vtype) {
        case VTYPE_PTR8:
            return 0;
        case VTYPE_PTR16:
            return 1;
        case VTYPE_PTR32:
            return 2;
        default:
            return -1;
    }
}

// reg_base += index << shift by repeated addition (as the official code
// does, so no shift instruction is needed).
static void add_scaled_index(native_emitter_t *e, int reg_base, int reg_index, int shift) {
    for (int i = 0; i < (1 << shift); i++) {
        e->b->alu_reg_reg(e->as, NATIVE_ALU_ADD, reg_base, reg_index);
    }
}

// ---------------------------------------------------------------------------
// Subscripts.

// The three forms of a load or a store: base[index] on an object (through
// the runtime), on a pointer with a constant index, and on a pointer with
// the index in a register.
typedef struct subscr_forms {
    void (*obj)(native_emitter_t *e);
    void (*const_index)(native_emitter_t *e, int64_t index_value);
    void (*reg_index)(native_emitter_t *e);
} subscr_forms_t;

// Picks the form from the base (below the index) and the index on top.
static void subscr(native_emitter_t *e, const subscr_forms_t *forms) {
    if (native_peek_vtype(e, 1) == VTYPE_PYOBJ) {
        forms->obj(e);
        return;
    }
    stack_info_t *top = native_peek_stack(e, 0);
    if (top->vtype == VTYPE_INT && top->kind == STACK_IMM) {
        forms->const_index(e, top->imm);
    } else {
        forms->reg_index(e);
    }
}

static void subscr_load_obj(native_emitter_t *e) {
    vtype_t vtype_index = native_peek_vtype(e, 0);
    vtype_t vtype_base;
    if (vtype_index == VTYPE_PYOBJ) {
        native_pop_reg(e, &vtype_index, REG_ARG(e, 2));
    } else {
        native_pop_reg(e, &vtype_index, REG_ARG(e, 1));
        native_call_with_imm_arg(e, NF_CONVERT_NATIVE_TO_OBJ, vtype_index, REG_ARG(e, 2));
        e->b->mov_reg_reg(e->as, REG_ARG(e, 2), REG_RET(e));
    }
    native_pop_reg(e, &vtype_base, REG_ARG(e, 1));
    native_call_with_imm_arg(e, NF_OBJ_SUBSCR, OBJ_SENTINEL, REG_ARG(e, 3));
    native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
}

// ptr[constant]: an access at a fixed offset.
static void subscr_load_const_index(native_emitter_t *e, int64_t index_value) {
    vtype_t vtype_base;
    native_pop_discard(e);
    int reg_base = REG_ARG(e, 1);
    int reg_index = REG_ARG(e, 2);
    native_pop_reg_flexible(e, &vtype_base, &reg_base, reg_index, reg_index);
    native_need_reg_single(e, REG_RET(e), 0);
    int shift = ptr_size_shift(vtype_base);
    if (shift < 0) {
        native_viper_error(e, "can't load from '%s'", native_vtype_name(vtype_base));
        native_push_reg(e, VTYPE_INT, REG_RET(e));
        return;
    }
    e->b->load_sized_offset(e->as, (unsigned)shift, REG_RET(e), reg_base, (int)index_value);
    native_push_reg(e, VTYPE_INT, REG_RET(e));
}

static void subscr_load_reg_index(native_emitter_t *e) {
    vtype_t vtype_index;
    vtype_t vtype_base;
    int reg_index = REG_ARG(e, 2);
    native_pop_reg_flexible(e, &vtype_index, &reg_index, REG_ARG(e, 1), REG_ARG(e, 1));
    native_pop_reg(e, &vtype_base, REG_ARG(e, 1));
    native_need_reg_single(e, REG_RET(e), 0);
    if (vtype_index != VTYPE_INT && vtype_index != VTYPE_UINT) {
        native_viper_error(e, "can't load with '%s' index", native_vtype_name(vtype_index));
    }
    int shift = ptr_size_shift(vtype_base);
    if (shift < 0) {
        native_viper_error(e, "can't load from '%s'", native_vtype_name(vtype_base));
    } else if (e->b->load_sized_reg_index != NULL) {
        e->b->load_sized_reg_index(e->as, (unsigned)shift, REG_RET(e), REG_ARG(e, 1), reg_index);
    } else {
        add_scaled_index(e, REG_ARG(e, 1), reg_index, shift);
        e->b->load_sized(e->as, (unsigned)shift, REG_RET(e), REG_ARG(e, 1));
    }
    native_push_reg(e, VTYPE_INT, REG_RET(e));
}

void native_subscr_load(native_emitter_t *e) {
    static const subscr_forms_t load = {subscr_load_obj, subscr_load_const_index, subscr_load_reg_index};
    subscr(e, &load);
}

static void subscr_store_obj(native_emitter_t *e) {
    vtype_t vtype_index = native_peek_vtype(e, 0);
    vtype_t vtype_base;
    vtype_t vtype_value = native_peek_vtype(e, 2);
    if (vtype_index != VTYPE_PYOBJ || vtype_value != VTYPE_PYOBJ) {
        // Convert both to objects in their slots.
        native_stack_pointer_for_pop(e, REG_ARG(e, 1), 3);
        native_adjust_stack(e, 3);
    }
    native_pop_reg(e, &vtype_index, REG_ARG(e, 2));
    native_pop_reg(e, &vtype_base, REG_ARG(e, 1));
    native_pop_reg(e, &vtype_value, REG_ARG(e, 3));
    native_call(e, NF_OBJ_SUBSCR);
}

static bool is_storable(vtype_t vtype) {
    return vtype == VTYPE_BOOL || vtype == VTYPE_INT || vtype == VTYPE_UINT;
}

static void pop_store_value(native_emitter_t *e, vtype_t *vtype, int *reg_value, int not_r1, int not_r2) {
    if (e->b->arch == MPY_ARCH_X64 || e->b->arch == MPY_ARCH_X86) {
        // Byte stores need a register with a byte form.
        native_pop_reg(e, vtype, *reg_value);
    } else {
        native_pop_reg_flexible(e, vtype, reg_value, not_r1, not_r2);
    }
}

static void subscr_store_const_index(native_emitter_t *e, int64_t index_value) {
    vtype_t vtype_base;
    vtype_t vtype_value;
    native_pop_discard(e);
    int reg_base = REG_ARG(e, 1);
    int reg_index = REG_ARG(e, 2);
    int reg_value = REG_ARG(e, 3);
    native_pop_reg_flexible(e, &vtype_base, &reg_base, reg_index, reg_value);
    pop_store_value(e, &vtype_value, &reg_value, reg_base, reg_index);
    if (!is_storable(vtype_value)) {
        native_viper_error(e, "can't store '%s'", native_vtype_name(vtype_value));
    }
    int shift = ptr_size_shift(vtype_base);
    if (shift < 0) {
        native_viper_error(e, "can't store to '%s'", native_vtype_name(vtype_base));
        return;
    }
    e->b->store_sized_offset(e->as, (unsigned)shift, reg_value, reg_base, (int)index_value);
}

static void subscr_store_reg_index(native_emitter_t *e) {
    vtype_t vtype_index;
    vtype_t vtype_base;
    vtype_t vtype_value;
    int reg_index = REG_ARG(e, 2);
    int reg_value = REG_ARG(e, 3);
    native_pop_reg_flexible(e, &vtype_index, &reg_index, REG_ARG(e, 1), reg_value);
    native_pop_reg(e, &vtype_base, REG_ARG(e, 1));
    if (vtype_index != VTYPE_INT && vtype_index != VTYPE_UINT) {
        native_viper_error(e, "can't store with '%s' index", native_vtype_name(vtype_index));
    }
    pop_store_value(e, &vtype_value, &reg_value, REG_ARG(e, 1), reg_index);
    if (!is_storable(vtype_value)) {
        native_viper_error(e, "can't store '%s'", native_vtype_name(vtype_value));
    }
    int shift = ptr_size_shift(vtype_base);
    if (shift < 0) {
        native_viper_error(e, "can't store to '%s'", native_vtype_name(vtype_base));
        return;
    }
    if (e->b->store_sized_reg_index != NULL) {
        e->b->store_sized_reg_index(e->as, (unsigned)shift, reg_value, REG_ARG(e, 1), reg_index);
        return;
    }
    add_scaled_index(e, REG_ARG(e, 1), reg_index, shift);
    e->b->store_sized(e->as, (unsigned)shift, reg_value, REG_ARG(e, 1));
}

void native_subscr_store(native_emitter_t *e) {
    static const subscr_forms_t store = {subscr_store_obj, subscr_store_const_index, subscr_store_reg_index};
    subscr(e, &store);
}

// ---------------------------------------------------------------------------
// Operators.

static bool is_local_var_reg(const native_emitter_t *e, int reg) {
    if (!native_can_use_regs_for_locals(e)) {
        return false;
    }
    for (unsigned i = 0; i < MAX_REGS_FOR_LOCAL_VARS && i < e->scope->num_locals; i++) {
        if (native_reg_local(e, i) == reg) {
            return true;
        }
    }
    return false;
}

void native_unary_op(native_emitter_t *e, mpy_unary_op_t op) {
    vtype_t vtype = native_peek_vtype(e, 0);
    if (vtype == VTYPE_INT || vtype == VTYPE_UINT) {
        if (op == MPY_UNARY_OP_POSITIVE) {
            return;
        }
        if (op != MPY_UNARY_OP_NEGATIVE && op != MPY_UNARY_OP_INVERT) {
            native_viper_error(e, "'not' not implemented");
            return;
        }
        int reg = REG_RET(e);
        int not_r1 = e->b->not_reg != NULL || op == MPY_UNARY_OP_NEGATIVE ? reg : REG_ARG(e, 1);
        native_pop_reg_flexible(e, &vtype, &reg, not_r1, REG_RET(e));
        if (is_local_var_reg(e, reg)) {
            // A local's own register must not change in place (the
            // official tool does that, and so corrupts the local).
            e->b->mov_reg_reg(e->as, REG_RET(e), reg);
            reg = REG_RET(e);
        }
        if (op == MPY_UNARY_OP_NEGATIVE) {
            e->b->neg_reg(e->as, reg);
        } else if (e->b->not_reg != NULL) {
            e->b->not_reg(e->as, reg);
        } else {
            e->b->mov_reg_imm(e->as, REG_ARG(e, 1), -1);
            e->b->alu_reg_reg(e->as, NATIVE_ALU_XOR, reg, REG_ARG(e, 1));
        }
        native_push_reg(e, vtype, reg);
    } else if (vtype == VTYPE_PYOBJ) {
        native_pop_reg(e, &vtype, REG_ARG(e, 2));
        native_call_with_imm_arg(e, NF_UNARY_OP, op, REG_ARG(e, 1));
        native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
    } else {
        native_viper_error(e, "can't do unary op of '%s'", native_vtype_name(vtype));
    }
}

static bool is_int_type(vtype_t vtype) {
    return vtype == VTYPE_INT || vtype == VTYPE_UINT;
}

static bool is_comparison(mpy_binary_op_t op) {
    return op >= MPY_BINARY_OP_LESS && op <= MPY_BINARY_OP_NOT_EQUAL;
}

static void binary_op_shift_by_count_reg(native_emitter_t *e, mpy_binary_op_t op) {
    vtype_t vtype_lhs;
    vtype_t vtype_rhs;
    native_pop_reg(e, &vtype_rhs, e->b->r.shift_count);
    native_pop_reg(e, &vtype_lhs, REG_RET(e));
    native_alu_t kind = op == MPY_BINARY_OP_LSHIFT ? NATIVE_ALU_LSL
        : vtype_lhs == VTYPE_UINT                  ? NATIVE_ALU_LSR
                                                   : NATIVE_ALU_ASR;
    e->b->shift_reg(e->as, kind, REG_RET(e));
    native_push_reg(e, vtype_lhs, REG_RET(e));
}

static void binary_op_divmod(native_emitter_t *e, mpy_binary_op_t op) {
    vtype_t vtype_lhs;
    vtype_t vtype_rhs;
    native_pop_reg(e, &vtype_rhs, REG_ARG(e, 2));
    native_pop_reg(e, &vtype_lhs, REG_ARG(e, 1));
    if (vtype_lhs != VTYPE_INT) {
        native_viper_error(e, "div/mod not implemented for uint");
    }
    native_call(e, op == MPY_BINARY_OP_FLOOR_DIVIDE ? NF_SMALL_INT_FLOOR_DIVIDE : NF_SMALL_INT_MODULO);
    native_push_reg(e, VTYPE_INT, REG_RET(e));
}

static void binary_op_int(native_emitter_t *e, mpy_binary_op_t op, vtype_t vtype_lhs, vtype_t vtype_rhs) {
    if (op >= MPY_BINARY_OP_INPLACE_OR && op <= MPY_BINARY_OP_INPLACE_POWER) {
        op = (mpy_binary_op_t)(op + MPY_BINARY_OP_OR - MPY_BINARY_OP_INPLACE_OR);
    }
    if (e->b->shifts_by_count_reg && (op == MPY_BINARY_OP_LSHIFT || op == MPY_BINARY_OP_RSHIFT)) {
        binary_op_shift_by_count_reg(e, op);
        return;
    }
    if (op == MPY_BINARY_OP_FLOOR_DIVIDE || op == MPY_BINARY_OP_MODULO) {
        binary_op_divmod(e, op);
        return;
    }
    int reg_rhs = REG_ARG(e, 3);
    native_pop_reg_flexible(e, &vtype_rhs, &reg_rhs, REG_RET(e), REG_ARG(e, 2));
    native_pop_reg(e, &vtype_lhs, REG_ARG(e, 2));
    int lhs = REG_ARG(e, 2);
    static const struct {
        mpy_binary_op_t op;
        native_alu_t alu;
    } alu_ops[] = {
        {MPY_BINARY_OP_OR, NATIVE_ALU_OR},
        {MPY_BINARY_OP_XOR, NATIVE_ALU_XOR},
        {MPY_BINARY_OP_AND, NATIVE_ALU_AND},
        {MPY_BINARY_OP_ADD, NATIVE_ALU_ADD},
        {MPY_BINARY_OP_SUBTRACT, NATIVE_ALU_SUB},
        {MPY_BINARY_OP_MULTIPLY, NATIVE_ALU_MUL},
        {MPY_BINARY_OP_LSHIFT, NATIVE_ALU_LSL},
    };
    if (op == MPY_BINARY_OP_RSHIFT) {
        e->b->alu_reg_reg(e->as, vtype_lhs == VTYPE_UINT ? NATIVE_ALU_LSR : NATIVE_ALU_ASR, lhs, reg_rhs);
        native_push_reg(e, vtype_lhs, lhs);
        return;
    }
    for (size_t i = 0; i < sizeof(alu_ops) / sizeof(alu_ops[0]); i++) {
        if (alu_ops[i].op == op) {
            e->b->alu_reg_reg(e->as, alu_ops[i].alu, lhs, reg_rhs);
            native_push_reg(e, vtype_lhs, lhs);
            return;
        }
    }
    if (is_comparison(op)) {
        if (vtype_lhs != vtype_rhs) {
            native_viper_error(e, "comparison of int and uint");
        }
        unsigned op_idx = (unsigned)(op - MPY_BINARY_OP_LESS) + (vtype_lhs == VTYPE_UINT ? 0 : 6);
        native_need_reg_single(e, REG_RET(e), 0);
        e->b->compare(e->as, op_idx, REG_RET(e), lhs, reg_rhs);
        native_push_reg(e, VTYPE_BOOL, REG_RET(e));
        return;
    }
    native_adjust_stack(e, 1);
    native_viper_error(e, "binary op %s not implemented", binary_op_name(op));
}

void native_binary_op(native_emitter_t *e, mpy_binary_op_t op) {
    vtype_t vtype_lhs = native_peek_vtype(e, 1);
    vtype_t vtype_rhs = native_peek_vtype(e, 0);
    if (is_int_type(vtype_lhs) && is_int_type(vtype_rhs)) {
        binary_op_int(e, op, vtype_lhs, vtype_rhs);
    } else if (vtype_lhs == VTYPE_PYOBJ && vtype_rhs == VTYPE_PYOBJ) {
        native_pop_reg(e, &vtype_rhs, REG_ARG(e, 3));
        native_pop_reg(e, &vtype_lhs, REG_ARG(e, 2));
        bool invert = false;
        if (op == MPY_BINARY_OP_NOT_IN) {
            invert = true;
            op = MPY_BINARY_OP_IN;
        } else if (op == MPY_BINARY_OP_IS_NOT) {
            invert = true;
            op = MPY_BINARY_OP_IS;
        }
        native_call_with_imm_arg(e, NF_BINARY_OP, op, REG_ARG(e, 1));
        if (invert) {
            e->b->mov_reg_reg(e->as, REG_ARG(e, 2), REG_RET(e));
            native_call_with_imm_arg(e, NF_UNARY_OP, MPY_UNARY_OP_NOT, REG_ARG(e, 1));
        }
        native_push_reg(e, VTYPE_PYOBJ, REG_RET(e));
    } else {
        native_adjust_stack(e, -1);
        native_viper_error(e, "can't do binary op between '%s' and '%s'", native_vtype_name(vtype_lhs),
            native_vtype_name(vtype_rhs));
    }
}

// int(x), ptr8(x) and friends: a conversion from an object, or just a new
// type for a native value.
void native_call_cast(native_emitter_t *e) {
    vtype_t vtype_cast = (vtype_t)native_peek_stack(e, 1)->imm;
    vtype_t vtype;
    switch (native_peek_vtype(e, 0)) {
        case VTYPE_PYOBJ:
            native_pop_reg(e, &vtype, REG_ARG(e, 1));
            native_pop_discard(e);
            native_call_with_imm_arg(e, NF_CONVERT_OBJ_TO_NATIVE, vtype_cast, REG_ARG(e, 2));
            native_push_reg(e, vtype_cast, REG_RET(e));
            break;
        case VTYPE_BOOL:
        case VTYPE_INT:
        case VTYPE_UINT:
        case VTYPE_PTR:
        case VTYPE_PTR8:
        case VTYPE_PTR16:
        case VTYPE_PTR32:
        case VTYPE_PTR_NONE:
            native_fold_stack_top(e, REG_ARG(e, 1));
            native_top_set_vtype(e, vtype_cast);
            break;
        default:
            native_not_implemented(e, "casting");
            break;
    }
}
