// emitters/inline_xtensa.c: the front end for @micropython.asm_xtensa
// functions (targets xtensa and xtensawin). For each instruction statement
// the compile walk hands over (a name and the argument parse nodes) it
// reads registers, immediates and labels and asks asm_xtensa for the
// encoding, making the official compiler's choices (movi always loads a
// literal, conditional branches to labels grow into a branch over a j)
// and raising its messages. Walking the body, the syntax of
// label/align/data statements and the line numbers of errors belong to
// compiler/compile_asm.c.
#include "inline_asm.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "asm_xtensa.h"
#include "inline_common.h"

// ---------------------------------------------------------------------------
// Messages, word for word as the official compiler raises them (SyntaxError).
// Those about the parameters are in the inline_arch_t at the end, those
// about labels in inline_common.c.

typedef enum xtensa_msg {
    MSG_NOT_REG,
    MSG_NOT_INT,
    MSG_INT_RANGE,
    MSG_NOT_MULTIPLE,
    MSG_UNSUPPORTED,
    MSG_COUNT,
} xtensa_msg_t;

static const char *const msg_text[MSG_COUNT] = {
    [MSG_NOT_REG] = "'%s' expects a register",
    [MSG_NOT_INT] = "'%s' expects an integer",
    [MSG_INT_RANGE] = "'%s' integer %d isn't within range %d..%d",
    [MSG_NOT_MULTIPLE] = "%d is not a multiple of %d",
    [MSG_UNSUPPORTED] = "unsupported Xtensa instruction '%s' with %d arguments",
};

// ---------------------------------------------------------------------------
// The front end's state.

typedef struct xtensa_inline {
    emit_inline_asm_t c;    // the shared part (first, so the two convert)
    bool windowed;          // xtensawin: entry/retw.n around the body
    asm_xtensa_t as;
} xtensa_inline_t;

static xtensa_inline_t *xtensa_of(emit_inline_asm_t *c) {
    return (xtensa_inline_t *)c;
}

static void fail(xtensa_inline_t *e, xtensa_msg_t m, ...) {
    va_list ap;
    va_start(ap, m);
    inline_common_vfail(&e->c, msg_text[m], ap);
    va_end(ap);
}

bool emit_inline_xtensa_serves(mpy_arch_t arch) {
    return arch == MPY_ARCH_XTENSA || arch == MPY_ARCH_XTENSAWIN;
}

// ---------------------------------------------------------------------------
// Operands. Each reader records a message and returns 0 when the operand is
// wrong, and the caller carries on: a later message may replace this one.

// a0..a15, spelled exactly so.
static unsigned arg_reg(xtensa_inline_t *e, const char *op, const pnode_t *pn) {
    const char *s = inline_common_id_text(&e->c, pn);
    if (s[0] == 'a' && s[1] >= '0' && s[1] <= '9') {
        unsigned n = (unsigned)(s[1] - '0');
        if (s[2] == '\0') {
            return n;
        }
        if (n == 1 && s[2] >= '0' && s[2] <= '5' && s[3] == '\0') {
            return 10 + (unsigned)(s[2] - '0');
        }
    }
    fail(e, MSG_NOT_REG, op);
    return 0;
}

// An integer whose 32-bit value, read as signed, lies in min..max (any
// value when min == max, as the official reader has it).
static uint32_t arg_int(xtensa_inline_t *e, const char *op, const pnode_t *pn, int32_t min, int32_t max) {
    uint64_t v;
    if (!inline_common_node_int(pn, &v)) {
        fail(e, MSG_NOT_INT, op);
        return 0;
    }
    uint32_t i = (uint32_t)v;
    if (min != max && ((int32_t)i < min || (int32_t)i > max)) {
        fail(e, MSG_INT_RANGE, op, (int)(int32_t)i, (int)min, (int)max);
        return 0;
    }
    return i;
}

static size_t arg_label(xtensa_inline_t *e, const char *op, const pnode_t *pn) {
    return inline_common_arg_label(&e->c, op, pn);
}

// ---------------------------------------------------------------------------
// The instructions. A row names an instruction with its number of
// arguments, the shape of its operands and what the shape needs: the table
// row to encode, a condition, an immediate range.

typedef enum form {
    FORM_NONE,        // nop(), ret_n()
    FORM_REGS,        // registers only, in the row's operand order
    FORM_MEM,         // op(rt, rs, offset): offset in bytes, checked first
    FORM_J,           // j(label)
    FORM_CALL0,       // call0(label)
    FORM_SSAI,        // ssai(0..31)
    FORM_BCCZ,        // beqz(rs, label); `cond` is the m field
    FORM_MOVI,        // movi(rt, any 32-bit value): always a literal load
    FORM_MOVI_N,      // movi_n(rs, -32..95)
    FORM_L32R,        // l32r(rt, label)
    FORM_BCC,         // beq(rs, rt, label); `cond` is the r field
    FORM_ADDI_N,      // addi_n(rd, rs, -1..15)
    FORM_ADDMI,       // addmi(rt, rs, multiple of 256)
    FORM_BIT_BRANCH,  // bbci(rs, bit, label); `cond` 6 or 14
    FORM_SHIFT,       // slli/srai/srli(rd, rs, amount)
    FORM_NARROW_MEM,  // l32i_n/s32i_n(rt, rs, multiple of 4 up to 60)
} form_t;

typedef struct insn_row {
    const char *name;
    uint8_t n_args;
    uint8_t form;     // form_t
    uint8_t op;       // xtensa_op_t
    uint8_t cond;
    int32_t min;      // immediate range, by form
    int32_t max;
} insn_row_t;

#define ROW(name, n, form, op, cond, min, max) {name, n, FORM_##form, XTENSA_##op, cond, min, max}

static const insn_row_t insn_rows[] = {
    ROW("nop", 0, NONE, NOP, 0, 0, 0),
    ROW("nop_n", 0, NONE, NOP_N, 0, 0, 0),
    ROW("ret", 0, NONE, RET_N, 0, 0, 0),
    ROW("ret_n", 0, NONE, RET_N, 0, 0, 0),
    // One register.
    ROW("callx0", 1, REGS, CALLX0, 0, 0, 0),
    ROW("jx", 1, REGS, JX, 0, 0, 0),
    ROW("ssa8b", 1, REGS, SSA8B, 0, 0, 0),
    ROW("ssa8l", 1, REGS, SSA8L, 0, 0, 0),
    ROW("ssl", 1, REGS, SSL, 0, 0, 0),
    ROW("ssr", 1, REGS, SSR, 0, 0, 0),
    ROW("j", 1, J, J, 0, 0, 0),
    ROW("call0", 1, CALL0, CALL0, 0, 0, 0),
    ROW("ssai", 1, SSAI, SSAI, 0, 0, 31),
    // Two registers.
    ROW("abs_", 2, REGS, ABS, 0, 0, 0),
    ROW("neg", 2, REGS, NEG, 0, 0, 0),
    ROW("nsa", 2, REGS, NSA, 0, 0, 0),
    ROW("nsau", 2, REGS, NSAU, 0, 0, 0),
    ROW("sll", 2, REGS, SLL, 0, 0, 0),
    ROW("sra", 2, REGS, SRA, 0, 0, 0),
    ROW("srl", 2, REGS, SRL, 0, 0, 0),
    // mov is always the narrow mov.n.
    ROW("mov", 2, REGS, MOV_N, 0, 0, 0),
    ROW("mov_n", 2, REGS, MOV_N, 0, 0, 0),
    // A register and something else. The _n branches are the wide ones.
    ROW("beqz", 2, BCCZ, BEQZ, ASM_XTENSA_CCZ_EQ, 0, 0),
    ROW("bnez", 2, BCCZ, BNEZ, ASM_XTENSA_CCZ_NE, 0, 0),
    ROW("bltz", 2, BCCZ, BLTZ, ASM_XTENSA_CCZ_LT, 0, 0),
    ROW("bgez", 2, BCCZ, BGEZ, ASM_XTENSA_CCZ_GE, 0, 0),
    ROW("beqz_n", 2, BCCZ, BEQZ, ASM_XTENSA_CCZ_EQ, 0, 0),
    ROW("bnez_n", 2, BCCZ, BNEZ, ASM_XTENSA_CCZ_NE, 0, 0),
    ROW("movi", 2, MOVI, L32R, 0, 0, 0),
    ROW("movi_n", 2, MOVI_N, MOVI_N, 0, -32, 95),
    ROW("l32r", 2, L32R, L32R, 0, 0, 0),
    // Three registers.
    ROW("add", 3, REGS, ADD, 0, 0, 0),
    ROW("add_n", 3, REGS, ADD_N, 0, 0, 0),
    ROW("addx2", 3, REGS, ADDX2, 0, 0, 0),
    ROW("addx4", 3, REGS, ADDX4, 0, 0, 0),
    ROW("addx8", 3, REGS, ADDX8, 0, 0, 0),
    ROW("and_", 3, REGS, AND, 0, 0, 0),
    ROW("mull", 3, REGS, MULL, 0, 0, 0),
    ROW("or_", 3, REGS, OR, 0, 0, 0),
    ROW("src", 3, REGS, SRC, 0, 0, 0),
    ROW("sub", 3, REGS, SUB, 0, 0, 0),
    ROW("subx2", 3, REGS, SUBX2, 0, 0, 0),
    ROW("subx4", 3, REGS, SUBX4, 0, 0, 0),
    ROW("subx8", 3, REGS, SUBX8, 0, 0, 0),
    ROW("xor", 3, REGS, XOR, 0, 0, 0),
    // Two registers and a byte offset or an immediate.
    ROW("l8ui", 3, MEM, L8UI, 0, 0, 255),
    ROW("l16ui", 3, MEM, L16UI, 0, 0, 510),
    ROW("l16si", 3, MEM, L16SI, 0, 0, 510),
    ROW("l32i", 3, MEM, L32I, 0, 0, 1020),
    ROW("s8i", 3, MEM, S8I, 0, 0, 255),
    ROW("s16i", 3, MEM, S16I, 0, 0, 510),
    ROW("s32i", 3, MEM, S32I, 0, 0, 1020),
    ROW("addi", 3, MEM, ADDI, 0, -128, 127),
    ROW("addi_n", 3, ADDI_N, ADDI_N, 0, -1, 15),
    ROW("addmi", 3, ADDMI, ADDMI, 0, -128 * 256, 127 * 256),
    ROW("slli", 3, SHIFT, SLLI, 0, 1, 31),
    ROW("srai", 3, SHIFT, SRAI, 0, 0, 31),
    ROW("srli", 3, SHIFT, SRLI, 0, 0, 15),
    ROW("l32i_n", 3, NARROW_MEM, L32I_N, 0, 0, 60),
    ROW("s32i_n", 3, NARROW_MEM, S32I_N, 0, 0, 60),
    // Branches on two registers, by their r-field condition.
    ROW("bnone", 3, BCC, BNONE, ASM_XTENSA_CC_NONE, 0, 0),
    ROW("beq", 3, BCC, BEQ, ASM_XTENSA_CC_EQ, 0, 0),
    ROW("blt", 3, BCC, BLT, ASM_XTENSA_CC_LT, 0, 0),
    ROW("bltu", 3, BCC, BLTU, ASM_XTENSA_CC_LTU, 0, 0),
    ROW("ball", 3, BCC, BALL, ASM_XTENSA_CC_ALL, 0, 0),
    ROW("bbc", 3, BCC, BBC, ASM_XTENSA_CC_BC, 0, 0),
    ROW("bany", 3, BCC, BANY, ASM_XTENSA_CC_ANY, 0, 0),
    ROW("bne", 3, BCC, BNE, ASM_XTENSA_CC_NE, 0, 0),
    ROW("bge", 3, BCC, BGE, ASM_XTENSA_CC_GE, 0, 0),
    ROW("bgeu", 3, BCC, BGEU, ASM_XTENSA_CC_GEU, 0, 0),
    ROW("bnall", 3, BCC, BNALL, ASM_XTENSA_CC_NALL, 0, 0),
    ROW("bbs", 3, BCC, BBS, ASM_XTENSA_CC_BS, 0, 0),
    ROW("bbci", 3, BIT_BRANCH, BBCI, 6, 0, 31),
    ROW("bbsi", 3, BIT_BRANCH, BBSI, 14, 0, 31),
};

#undef ROW

typedef struct insn {
    const char *name;
    size_t n_args;
    pnode_t *const *args;
    const insn_row_t *row;
} insn_t;

static const insn_row_t *find_row(const char *name) {
    for (size_t i = 0; i < sizeof(insn_rows) / sizeof(insn_rows[0]); i++) {
        if (strcmp(insn_rows[i].name, name) == 0) {
            return &insn_rows[i];
        }
    }
    return NULL;
}

static void emit_op(xtensa_inline_t *e, xtensa_op_t op, int32_t a, int32_t b, int32_t c) {
    asm_xtensa_insn(&e->as, op, a, b, c);
}

static void form_regs(xtensa_inline_t *e, const insn_t *in) {
    int32_t r[XTENSA_MAX_OPERANDS] = {0, 0, 0};
    for (size_t i = 0; i < in->n_args; i++) {
        r[i] = (int32_t)arg_reg(e, in->name, in->args[i]);
    }
    emit_op(e, (xtensa_op_t)in->row->op, r[0], r[1], r[2]);
}

// The official reader checks the range, then keeps the offset's bits
// above the access size unaligned or not (l32i 6 is l32i 4).
static void form_mem(xtensa_inline_t *e, const insn_t *in) {
    xtensa_op_t op = (xtensa_op_t)in->row->op;
    uint32_t imm = arg_int(e, in->name, in->args[2], in->row->min, in->row->max);
    unsigned rt = arg_reg(e, in->name, in->args[0]);
    unsigned rs = arg_reg(e, in->name, in->args[1]);
    if (op == XTENSA_ADDI) {
        asm_xtensa_addi_reg_reg_i8(&e->as, rt, rs, (int32_t)imm);
    } else {
        unsigned scale = xtensa_form_fields[xtensa_insn_table[op].form][2].aux;
        asm_xtensa_mem_reg_reg_i8(&e->as, op, rt, rs, imm >> scale);
    }
}

static void form_bccz(xtensa_inline_t *e, const insn_t *in) {
    unsigned rs = arg_reg(e, in->name, in->args[0]);
    size_t label = arg_label(e, in->name, in->args[1]);
    asm_xtensa_bccz_reg_label(&e->as, in->row->cond, rs, label);
}

static void form_movi_n(xtensa_inline_t *e, const insn_t *in) {
    unsigned rs = arg_reg(e, in->name, in->args[0]);
    uint32_t imm = arg_int(e, in->name, in->args[1], in->row->min, in->row->max);
    asm_xtensa_movi_n_reg_i7(&e->as, rs, (int32_t)imm);
}

static void form_bcc(xtensa_inline_t *e, const insn_t *in) {
    unsigned rs = arg_reg(e, in->name, in->args[0]);
    unsigned rt = arg_reg(e, in->name, in->args[1]);
    size_t label = arg_label(e, in->name, in->args[2]);
    asm_xtensa_bcc_reg_reg_label(&e->as, in->row->cond, rs, rt, label);
}

// The official encoder ORs a -1 immediate (0 means -1 too) into the
// instruction unmasked, which sets every field: the result always reads
// "addi.n a15, a15, 15", whatever the registers.
static void form_addi_n(xtensa_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0]);
    unsigned rs = arg_reg(e, in->name, in->args[1]);
    int32_t imm = (int32_t)arg_int(e, in->name, in->args[2], in->row->min, in->row->max);
    if (imm == 0 || imm == -1) {
        emit_op(e, XTENSA_ADDI_N, ASM_XTENSA_REG_A15, ASM_XTENSA_REG_A15, 15);
    } else {
        emit_op(e, XTENSA_ADDI_N, (int32_t)rd, (int32_t)rs, imm);
    }
}

// A value that is not a multiple of 256 is refused and nothing is emitted.
static void form_addmi(xtensa_inline_t *e, const insn_t *in) {
    unsigned rt = arg_reg(e, in->name, in->args[0]);
    unsigned rs = arg_reg(e, in->name, in->args[1]);
    int32_t imm = (int32_t)arg_int(e, in->name, in->args[2], in->row->min, in->row->max);
    if ((imm & 0xff) != 0) {
        fail(e, MSG_NOT_MULTIPLE, (int)imm, 256);
        return;
    }
    emit_op(e, XTENSA_ADDMI, (int32_t)rt, (int32_t)rs, imm);
}

static void form_bit_branch(xtensa_inline_t *e, const insn_t *in) {
    unsigned rs = arg_reg(e, in->name, in->args[0]);
    uint32_t bit = arg_int(e, in->name, in->args[1], in->row->min, in->row->max);
    size_t label = arg_label(e, in->name, in->args[2]);
    asm_xtensa_bit_branch(&e->as, rs, bit, label, in->row->cond);
}

// After a refused amount (read as 0) slli has no encoding; the function
// fails anyway, so a placeholder of the same size is written.
static void form_shift(xtensa_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0]);
    unsigned rs = arg_reg(e, in->name, in->args[1]);
    int32_t amount = (int32_t)arg_int(e, in->name, in->args[2], in->row->min, in->row->max);
    if (in->row->op == XTENSA_SLLI && amount == 0) {
        asm_xtensa_op24(&e->as, 0);
        return;
    }
    emit_op(e, (xtensa_op_t)in->row->op, (int32_t)rd, (int32_t)rs, amount);
}

static void form_narrow_mem(xtensa_inline_t *e, const insn_t *in) {
    unsigned rt = arg_reg(e, in->name, in->args[0]);
    unsigned rs = arg_reg(e, in->name, in->args[1]);
    uint32_t imm = arg_int(e, in->name, in->args[2], in->row->min, in->row->max);
    if ((imm & 3) != 0) {
        fail(e, MSG_NOT_MULTIPLE, (int)imm, 4);
        return;
    }
    emit_op(e, (xtensa_op_t)in->row->op, (int32_t)rt, (int32_t)rs, (int32_t)imm);
}

static void assemble_row(xtensa_inline_t *e, const insn_t *in) {
    switch ((form_t)in->row->form) {
        case FORM_NONE:
            emit_op(e, (xtensa_op_t)in->row->op, 0, 0, 0);
            break;
        case FORM_REGS:
            form_regs(e, in);
            break;
        case FORM_MEM:
            form_mem(e, in);
            break;
        case FORM_J:
            asm_xtensa_j_label(&e->as, arg_label(e, in->name, in->args[0]));
            break;
        case FORM_CALL0:
            asm_xtensa_call0_label(&e->as, arg_label(e, in->name, in->args[0]));
            break;
        case FORM_SSAI:
            emit_op(e, XTENSA_SSAI, (int32_t)arg_int(e, in->name, in->args[0], in->row->min, in->row->max), 0, 0);
            break;
        case FORM_BCCZ:
            form_bccz(e, in);
            break;
        case FORM_MOVI: {
            unsigned rt = arg_reg(e, in->name, in->args[0]);
            asm_xtensa_mov_reg_i32(&e->as, rt, arg_int(e, in->name, in->args[1], 0, 0));
            break;
        }
        case FORM_MOVI_N:
            form_movi_n(e, in);
            break;
        case FORM_L32R: {
            unsigned rt = arg_reg(e, in->name, in->args[0]);
            asm_xtensa_l32r_label(&e->as, rt, arg_label(e, in->name, in->args[1]));
            break;
        }
        case FORM_BCC:
            form_bcc(e, in);
            break;
        case FORM_ADDI_N:
            form_addi_n(e, in);
            break;
        case FORM_ADDMI:
            form_addmi(e, in);
            break;
        case FORM_BIT_BRANCH:
            form_bit_branch(e, in);
            break;
        case FORM_SHIFT:
            form_shift(e, in);
            break;
        case FORM_NARROW_MEM:
            form_narrow_mem(e, in);
            break;
    }
}

// ---------------------------------------------------------------------------
// The architecture as the shared front end sees it (inline_common.h).

// a2, a3, ... in order.
static bool xtensa_is_param(const emit_inline_asm_t *c, const pnode_t *pn, size_t i) {
    const char *name = inline_common_id_text(c, pn);
    return name[0] == 'a' && name[1] == (char)('2' + i) && name[2] == '\0';
}

static bool xtensa_init_asm(emit_inline_asm_t *c, size_t n_labels) {
    return asm_xtensa_init(&xtensa_of(c)->as, n_labels);
}

static void xtensa_deinit_asm(emit_inline_asm_t *c) {
    asm_xtensa_deinit(&xtensa_of(c)->as);
}

static void xtensa_start_pass(emit_inline_asm_t *c, asm_pass_t pass) {
    xtensa_inline_t *e = xtensa_of(c);
    asm_xtensa_start_pass(&e->as, pass);
    if (e->windowed) {
        asm_xtensa_entry_win(&e->as, 0);
    } else {
        asm_xtensa_entry(&e->as, 0);
    }
}

// The number of literals this pass used sizes the next pass's pool.
static void xtensa_finish_pass(emit_inline_asm_t *c) {
    xtensa_inline_t *e = xtensa_of(c);
    if (e->windowed) {
        asm_xtensa_exit_win(&e->as);
    } else {
        asm_xtensa_exit(&e->as);
    }
    asm_xtensa_end_pass(&e->as);
}

static void xtensa_assemble(emit_inline_asm_t *c, const char *name, size_t n_args, pnode_t *const *args) {
    insn_t in = {name, n_args, args, find_row(name)};
    if (in.row == NULL || in.row->n_args != n_args) {
        fail(xtensa_of(c), MSG_UNSUPPORTED, name, (int)n_args);
    } else {
        assemble_row(xtensa_of(c), &in);
    }
}

// An assembler fault is the official tool's RuntimeError.
static bool xtensa_fault_text(const emit_inline_asm_t *c, char *out, size_t cap) {
    const asm_xtensa_t *as = &((const xtensa_inline_t *)c)->as;
    if (as->fault == ASM_XTENSA_FAULT_NONE) {
        return false;
    }
    asm_xtensa_fault_text(as, out, cap);
    return true;
}

static const inline_arch_t xtensa_arch = {
    .name = "Xtensa",
    .too_many_params = "can only have up to 4 parameters to Xtensa assembly",
    .param_names = "parameters must be registers in sequence a2 to a5",
    .sizes_forward_branches = true,
    .is_param = xtensa_is_param,
    .init_asm = xtensa_init_asm,
    .deinit_asm = xtensa_deinit_asm,
    .start_pass = xtensa_start_pass,
    .finish_pass = xtensa_finish_pass,
    .assemble = xtensa_assemble,
    .fault_text = xtensa_fault_text,
};

emit_inline_asm_t *emit_inline_xtensa_new(arena_t *arena, const qstr_pool_t *pool, mpy_arch_t arch) {
    emit_inline_asm_t *c =
        inline_common_new(arena, pool, &xtensa_arch, sizeof(xtensa_inline_t), offsetof(xtensa_inline_t, as.base));
    if (c != NULL) {
        xtensa_of(c)->windowed = arch == MPY_ARCH_XTENSAWIN;
    }
    return c;
}
