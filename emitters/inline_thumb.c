// emitters/inline_thumb.c: the front end for @micropython.asm_thumb
// functions. For each instruction statement the compile walk hands over (a
// name and the argument parse nodes) it reads registers, immediates,
// labels, register lists and [base, offset] addresses, and asks asm_thumb
// for the encoding, making the official compiler's choices and raising its
// messages. Walking the body, the syntax of label/align/data statements
// and the line numbers of errors belong to compiler/compile_asm.c.
#include "inline_asm.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "asm_thumb.h"
#include "inline_common.h"

// ---------------------------------------------------------------------------
// Messages, word for word as the official compiler raises them (SyntaxError).
// Those about the parameters are in the inline_arch_t at the end, those
// about labels in inline_common.c.

typedef enum thumb_msg {
    MSG_NOT_REG,
    MSG_REG_TOO_HIGH,
    MSG_NOT_SPECIAL_REG,
    MSG_NOT_FPU_REG,
    MSG_NOT_REGLIST,
    MSG_NOT_INT,
    MSG_INT_TOO_WIDE,
    MSG_NOT_ADDR,
    MSG_UNSUPPORTED,
    MSG_BRANCH_RANGE,
    MSG_COUNT,
} thumb_msg_t;

static const char *const msg_text[MSG_COUNT] = {
    [MSG_NOT_REG] = "'%s' expects a register",
    [MSG_REG_TOO_HIGH] = "'%s' expects at most r%u",
    [MSG_NOT_SPECIAL_REG] = "'%s' expects a special register",
    [MSG_NOT_FPU_REG] = "'%s' expects an FPU register",
    [MSG_NOT_REGLIST] = "'%s' expects {r0, r1, ...}",
    [MSG_NOT_INT] = "'%s' expects an integer",
    [MSG_INT_TOO_WIDE] = "'%s' integer 0x%x doesn't fit in mask 0x%x",
    [MSG_NOT_ADDR] = "'%s' expects an address of the form [a, b]",
    [MSG_UNSUPPORTED] = "unsupported Thumb instruction '%s' with %u arguments",
    [MSG_BRANCH_RANGE] = "branch not in range",
};

// ---------------------------------------------------------------------------
// The front end's state.

typedef struct thumb_inline {
    emit_inline_asm_t c;    // the shared part (first, so the two convert)
    thumb_arch_t level;     // which rows of insn_rows the target has
    bool arm_prelude;       // armv6: functions are entered in ARM state
    asm_thumb_t as;
} thumb_inline_t;

static thumb_inline_t *thumb_of(emit_inline_asm_t *c) {
    return (thumb_inline_t *)c;
}

static void fail(thumb_inline_t *e, thumb_msg_t m, ...) {
    va_list ap;
    va_start(ap, m);
    inline_common_vfail(&e->c, msg_text[m], ap);
    va_end(ap);
}

static thumb_arch_t arch_level(mpy_arch_t arch) {
    switch (arch) {
        case MPY_ARCH_ARMV6:
        case MPY_ARCH_ARMV6M:
            return THUMB_ARCH_V6M;
        case MPY_ARCH_ARMV7M:
        case MPY_ARCH_ARMV7EM:
            return THUMB_ARCH_V7M;
        case MPY_ARCH_ARMV7EMSP:
        case MPY_ARCH_ARMV7EMDP:
            return THUMB_ARCH_VFP;
        default:
            return (thumb_arch_t)0;
    }
}

bool emit_inline_thumb_serves(mpy_arch_t arch) {
    return arch_level(arch) != 0;
}

// ---------------------------------------------------------------------------
// Operands. Each reader records a message and returns 0 when the operand is
// wrong, and the caller carries on: the instruction is still emitted (its
// size is what matters) and a later message may replace this one.

// The text of a name node, or "" for anything else.
static const char *id_text(const thumb_inline_t *e, const pnode_t *pn) {
    return inline_common_id_text(&e->c, pn);
}

static const struct {
    char name[4];
    uint8_t reg;
} reg_names[] = {
    {"r0", 0}, {"r1", 1}, {"r2", 2}, {"r3", 3}, {"r4", 4}, {"r5", 5}, {"r6", 6},
    {"r7", 7}, {"r8", 8}, {"r9", 9}, {"r10", 10}, {"r11", 11}, {"r12", 12},
    {"r13", 13}, {"r14", 14}, {"r15", 15}, {"sl", 10}, {"fp", 11}, {"sp", 13},
    {"lr", 14}, {"pc", 15},
};

// A core register no higher than max_reg.
static unsigned arg_reg(thumb_inline_t *e, const char *op, const pnode_t *pn, unsigned max_reg) {
    const char *s = id_text(e, pn);
    for (size_t i = 0; i < sizeof(reg_names) / sizeof(reg_names[0]); i++) {
        if (strcmp(s, reg_names[i].name) != 0) {
            continue;
        }
        if (reg_names[i].reg > max_reg) {
            fail(e, MSG_REG_TOO_HIGH, op, max_reg);
            return 0;
        }
        return reg_names[i].reg;
    }
    fail(e, MSG_NOT_REG, op);
    return 0;
}

// mrs knows only these two (their SYSm numbers).
static unsigned arg_special_reg(thumb_inline_t *e, const char *op, const pnode_t *pn) {
    const char *s = id_text(e, pn);
    if (strcmp(s, "IPSR") == 0) {
        return 5;
    }
    if (strcmp(s, "BASEPRI") == 0) {
        return 17;
    }
    fail(e, MSG_NOT_SPECIAL_REG, op);
    return 0;
}

// s0..s31 (leading zeros allowed). The official message for s32 and up
// names "r31".
static unsigned arg_sreg(thumb_inline_t *e, const char *op, const pnode_t *pn) {
    const char *s = id_text(e, pn);
    if (s[0] != 's' || s[1] == '\0') {
        fail(e, MSG_NOT_FPU_REG, op);
        return 0;
    }
    unsigned n = 0;
    for (const char *p = s + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            fail(e, MSG_NOT_FPU_REG, op);
            return 0;
        }
        n = n > 31 ? 32 : n * 10 + (unsigned)(*p - '0');
    }
    if (n > 31) {
        fail(e, MSG_REG_TOO_HIGH, op, 31u);
        return 0;
    }
    return n;
}

// A register list is written as a set display: {r0}, {r0, r1, lr}.
// Returns the mask (bit n = rn).
static unsigned arg_reglist(thumb_inline_t *e, const char *op, const pnode_t *pn) {
    if (!pn_is_rule(pn, RULE_atom_brace)) {
        fail(e, MSG_NOT_REGLIST, op);
        return 0;
    }
    const pnode_t *items = pn->u.kids[0];
    if (items != NULL && items->kind == PN_ID) {
        return 1u << arg_reg(e, op, items, 15);
    }
    if (!pn_is_rule(items, RULE_dictorsetmaker) || !pn_is_rule(items->u.kids[1], RULE_dictorsetmaker_list)) {
        fail(e, MSG_NOT_REGLIST, op);
        return 0;
    }
    unsigned mask = 1u << arg_reg(e, op, items->u.kids[0], 15);
    const pnode_t *tail = items->u.kids[1]->u.kids[0];
    if (pn_is_rule(tail, RULE_dictorsetmaker_list2)) {
        for (uint32_t i = 0; i < tail->n_kids; i++) {
            mask |= 1u << arg_reg(e, op, tail->u.kids[i], 15);
        }
    } else if (tail != NULL) {
        mask |= 1u << arg_reg(e, op, tail, 15);
    }
    return mask;
}

// An integer whose 32-bit value has no bits outside `mask`.
static uint32_t arg_int(thumb_inline_t *e, const char *op, const pnode_t *pn, uint32_t mask) {
    uint64_t v;
    if (!inline_common_node_int(pn, &v)) {
        fail(e, MSG_NOT_INT, op);
        return 0;
    }
    uint32_t i = (uint32_t)v;
    if ((i & ~mask) != 0) {
        fail(e, MSG_INT_TOO_WIDE, op, (unsigned)i, (unsigned)mask);
        return 0;
    }
    return i;
}

// [base, offset]: a list display of exactly two items, returned unread.
static bool arg_addr(thumb_inline_t *e, const char *op, const pnode_t *pn, const pnode_t **base,
    const pnode_t **offset) {
    const pnode_t *items = pn_is_rule(pn, RULE_atom_bracket) ? pn->u.kids[0] : NULL;
    if (!pn_is_rule(items, RULE_testlist_comp) || items->n_kids != 2) {
        fail(e, MSG_NOT_ADDR, op);
        return false;
    }
    *base = items->u.kids[0];
    *offset = items->u.kids[1];
    return true;
}

static size_t arg_label(thumb_inline_t *e, const char *op, const pnode_t *pn) {
    return inline_common_arg_label(&e->c, op, pn);
}

// Condition codes by their Thumb number.
static const char cond_names[][3] = {
    "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
};

// The condition named by the two characters at s, or -1.
static int cond_code(const char *s) {
    for (size_t i = 0; i < sizeof(cond_names) / sizeof(cond_names[0]); i++) {
        if (s[0] == cond_names[i][0] && s[1] == cond_names[i][1]) {
            return (int)i;
        }
    }
    return -1;
}

// ---------------------------------------------------------------------------
// The instructions. A row names an instruction with its number of
// arguments and the shape of its operands; `arch` is the first target
// level that has it. With two arguments, several names exist twice: which
// row applies depends on whether the second argument is a name (mov r, r)
// or not (mov r, #imm).

typedef enum form {
    FORM_NONE,     // nop()
    FORM_B,        // b(label): 16-bit
    FORM_BL,       // bl(label)
    FORM_BX,       // bx(reg)
    FORM_CPS,      // cpsid(i): the operand is not looked at
    FORM_PUSH,     // push({regs})
    FORM_POP,      // pop({regs})
    FORM_RR,       // op(rd, rm), registers up to `lim`
    FORM_MRS,      // mrs(rd, IPSR)
    FORM_RI,       // op(rlo, imm) with imm within the mask `lim`
    FORM_RI16,     // movw/movt(rd, imm16)
    FORM_MOVWT,    // movwt(rd, imm32): movw then movt
    FORM_LDREX,    // ldrex(rt, [rn, imm8 * 4])
    FORM_MEM,      // op(rlo, [rlo, imm]) with imm within the mask `lim`
    FORM_SHIFT,    // op(rlo, rlo, imm5)
    FORM_ADDSUB,   // op(rlo, rlo, rlo) or op(rlo, rlo, imm3) with `op2`
    FORM_RRR,      // sdiv/udiv(rd, rn, rm)
    FORM_STREX,    // strex(rd, rt, [rn, imm8 * 4])
    FORM_VSS,      // op(sd, sm)
    FORM_VSSS,     // op(sd, sn, sm)
    FORM_VMOV,     // vmov(rt, sn) or vmov(sn, rt)
    FORM_VMRS,     // vmrs(rt or APSR_nzcv, FPSCR)
    FORM_VMEM,     // vldr/vstr(sd, [rlo, imm8 * 4])
} form_t;

typedef enum second_arg {
    ARG2_ANY,
    ARG2_NAME,
    ARG2_NOT_NAME,
} second_arg_t;

typedef struct insn_row {
    const char *name;
    uint8_t n_args;
    uint8_t second;   // second_arg_t
    uint8_t arch;     // thumb_arch_t
    uint8_t form;     // form_t
    uint16_t op;      // thumb_op_t
    uint16_t op2;     // thumb_op_t, FORM_ADDSUB's immediate form
    uint32_t lim;     // highest register or immediate mask, by form
} insn_row_t;

#define ROW(name, n, second, arch, form, op, op2, lim) \
    {name, n, ARG2_##second, THUMB_ARCH_##arch, FORM_##form, THUMB_##op, THUMB_##op2, lim}

static const insn_row_t insn_rows[] = {
    ROW("nop", 0, ANY, V6M, NONE, NOP, NOP, 0),
    ROW("wfi", 0, ANY, V6M, NONE, WFI, NOP, 0),
    ROW("b", 1, ANY, V6M, B, B_N, NOP, 0),
    ROW("bl", 1, ANY, V6M, BL, BL, NOP, 0),
    ROW("bx", 1, ANY, V6M, BX, BX, NOP, 15),
    ROW("cpsid", 1, ANY, V6M, CPS, CPSID_I, NOP, 0),
    ROW("cpsie", 1, ANY, V6M, CPS, CPSIE_I, NOP, 0),
    ROW("push", 1, ANY, V6M, PUSH, PUSH, PUSH_W, 0),
    ROW("pop", 1, ANY, V6M, POP, POP, POP_W, 0),
    // Two registers.
    ROW("mov", 2, NAME, V6M, RR, MOV_HI, NOP, 15),
    ROW("clz", 2, NAME, V7M, RR, CLZ, NOP, 15),
    ROW("rbit", 2, NAME, V7M, RR, RBIT, NOP, 15),
    ROW("mrs", 2, NAME, V7M, MRS, MRS, NOP, 12),
    ROW("and_", 2, NAME, V6M, RR, AND, NOP, 7),
    ROW("eor", 2, NAME, V6M, RR, EOR, NOP, 7),
    ROW("lsl", 2, NAME, V6M, RR, LSL_R, NOP, 7),
    ROW("lsr", 2, NAME, V6M, RR, LSR_R, NOP, 7),
    ROW("asr", 2, NAME, V6M, RR, ASR_R, NOP, 7),
    ROW("adc", 2, NAME, V6M, RR, ADC, NOP, 7),
    ROW("sbc", 2, NAME, V6M, RR, SBC, NOP, 7),
    ROW("ror", 2, NAME, V6M, RR, ROR, NOP, 7),
    ROW("tst", 2, NAME, V6M, RR, TST, NOP, 7),
    ROW("neg", 2, NAME, V6M, RR, NEG, NOP, 7),
    ROW("cmp", 2, NAME, V6M, RR, CMP_RR, NOP, 7),
    ROW("cmn", 2, NAME, V6M, RR, CMN, NOP, 7),
    ROW("orr", 2, NAME, V6M, RR, ORR, NOP, 7),
    ROW("mul", 2, NAME, V6M, RR, MUL, NOP, 7),
    ROW("bic", 2, NAME, V6M, RR, BIC, NOP, 7),
    ROW("mvn", 2, NAME, V6M, RR, MVN, NOP, 7),
    // A register and something else.
    ROW("mov", 2, NOT_NAME, V6M, RI, MOV_I8, NOP, 0xff),
    ROW("cmp", 2, NOT_NAME, V6M, RI, CMP_I8, NOP, 0xff),
    ROW("add", 2, NOT_NAME, V6M, RI, ADD_I8, NOP, 0xff),
    ROW("sub", 2, NOT_NAME, V6M, RI, SUB_I8, NOP, 0xff),
    ROW("movw", 2, NOT_NAME, V7M, RI16, MOVW, NOP, 0xffff),
    ROW("movt", 2, NOT_NAME, V7M, RI16, MOVT, NOP, 0xffff),
    ROW("movwt", 2, NOT_NAME, V7M, MOVWT, MOVW, MOVT, 0xffffffff),
    ROW("ldrex", 2, NOT_NAME, V7M, LDREX, LDREX, NOP, 0xff),
    ROW("ldr", 2, NOT_NAME, V6M, MEM, LDR_I5, NOP, 0x7c),
    ROW("ldrb", 2, NOT_NAME, V6M, MEM, LDRB_I5, NOP, 0x1f),
    ROW("ldrh", 2, NOT_NAME, V6M, MEM, LDRH_I5, NOP, 0x3e),
    ROW("str", 2, NOT_NAME, V6M, MEM, STR_I5, NOP, 0x7c),
    ROW("strb", 2, NOT_NAME, V6M, MEM, STRB_I5, NOP, 0x1f),
    ROW("strh", 2, NOT_NAME, V6M, MEM, STRH_I5, NOP, 0x3e),
    // Three arguments.
    ROW("lsl", 3, ANY, V6M, SHIFT, LSL_I, NOP, 0x1f),
    ROW("lsr", 3, ANY, V6M, SHIFT, LSR_I, NOP, 0x1f),
    ROW("asr", 3, ANY, V6M, SHIFT, ASR_I, NOP, 0x1f),
    ROW("add", 3, ANY, V6M, ADDSUB, ADD_RRR, ADD_RRI3, 0x7),
    ROW("sub", 3, ANY, V6M, ADDSUB, SUB_RRR, SUB_RRI3, 0x7),
    ROW("sdiv", 3, ANY, V7M, RRR, SDIV, NOP, 15),
    ROW("udiv", 3, ANY, V7M, RRR, UDIV, NOP, 15),
    ROW("strex", 3, ANY, V7M, STREX, STREX, NOP, 0xff),
    // Single-precision floating point. The official "vcmp" is vcmpe.
    ROW("vcmp", 2, ANY, VFP, VSS, VCMPE_F32, NOP, 0),
    ROW("vsqrt", 2, ANY, VFP, VSS, VSQRT_F32, NOP, 0),
    ROW("vneg", 2, ANY, VFP, VSS, VNEG_F32, NOP, 0),
    ROW("vcvt_f32_s32", 2, ANY, VFP, VSS, VCVT_F32_S32, NOP, 0),
    ROW("vcvt_s32_f32", 2, ANY, VFP, VSS, VCVT_S32_F32, NOP, 0),
    ROW("vmrs", 2, ANY, VFP, VMRS, VMRS, NOP, 15),
    ROW("vmov", 2, ANY, VFP, VMOV, VMOV_RS, VMOV_SR, 15),
    ROW("vldr", 2, ANY, VFP, VMEM, VLDR, NOP, 0x3fc),
    ROW("vstr", 2, ANY, VFP, VMEM, VSTR, NOP, 0x3fc),
    ROW("vadd", 3, ANY, VFP, VSSS, VADD_F32, NOP, 0),
    ROW("vsub", 3, ANY, VFP, VSSS, VSUB_F32, NOP, 0),
    ROW("vmul", 3, ANY, VFP, VSSS, VMUL_F32, NOP, 0),
    ROW("vdiv", 3, ANY, VFP, VSSS, VDIV_F32, NOP, 0),
};

#undef ROW

// What one instruction statement is being assembled with.
typedef struct insn {
    const char *name;
    size_t n_args;
    pnode_t *const *args;
    const insn_row_t *row;
} insn_t;

static const insn_row_t *find_row(const thumb_inline_t *e, const insn_t *in) {
    bool second_is_name = in->n_args >= 2 && in->args[1] != NULL && in->args[1]->kind == PN_ID;
    for (size_t i = 0; i < sizeof(insn_rows) / sizeof(insn_rows[0]); i++) {
        const insn_row_t *r = &insn_rows[i];
        if (r->n_args != in->n_args || r->arch > e->level || strcmp(r->name, in->name) != 0) {
            continue;
        }
        if (r->second == ARG2_ANY || (r->second == ARG2_NAME) == second_is_name) {
            return r;
        }
    }
    return NULL;
}

static void emit_insn(thumb_inline_t *e, unsigned op, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    asm_thumb_insn(&e->as, (thumb_op_t)op, (int32_t)a, (int32_t)b, (int32_t)c, (int32_t)d);
}

// ---------------------------------------------------------------------------
// One function per operand form. Each returns false when the instruction
// turns out to be unsupported after all (the caller then says so, which
// replaces any message about its operands).

static bool form_label(thumb_inline_t *e, const insn_t *in) {
    size_t label = arg_label(e, in->name, in->args[0]);
    bool in_range = in->row->form == FORM_B ? asm_thumb_b_n_label(&e->as, label) : asm_thumb_bl_label(&e->as, label);
    if (!in_range) {
        fail(e, MSG_BRANCH_RANGE);
    }
    return true;
}

// 16-bit push/pop take r0-r7 plus lr (push) or pc (pop); anything else
// needs the Thumb-2 form.
static bool form_push_pop(thumb_inline_t *e, const insn_t *in) {
    unsigned list = arg_reglist(e, in->name, in->args[0]);
    unsigned extra = in->row->form == FORM_PUSH ? 1u << ASM_THUMB_REG_LR : 1u << ASM_THUMB_REG_PC;
    if ((list & 0xff00 & ~extra) == 0) {
        emit_insn(e, in->row->op, list, 0, 0, 0);
        return true;
    }
    if (e->level < THUMB_ARCH_V7M) {
        return false;
    }
    emit_insn(e, in->row->op2, list, 0, 0, 0);
    return true;
}

static bool form_rr(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], in->row->lim);
    unsigned rm = arg_reg(e, in->name, in->args[1], in->row->lim);
    emit_insn(e, in->row->op, rd, rm, 0, 0);
    return true;
}

static bool form_mrs(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], in->row->lim);
    unsigned sysm = arg_special_reg(e, in->name, in->args[1]);
    emit_insn(e, in->row->op, rd, sysm, 0, 0);
    return true;
}

static bool form_ri(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], 7);
    uint32_t imm = arg_int(e, in->name, in->args[1], in->row->lim);
    emit_insn(e, in->row->op, rd, imm, 0, 0);
    return true;
}

static bool form_ri16(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], 15);
    uint32_t imm = arg_int(e, in->name, in->args[1], in->row->lim);
    asm_thumb_mov_reg_i16(&e->as, (thumb_op_t)in->row->op, rd, (int32_t)imm);
    return true;
}

static bool form_movwt(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], 15);
    uint32_t imm = arg_int(e, in->name, in->args[1], in->row->lim);
    asm_thumb_mov_reg_i16(&e->as, (thumb_op_t)in->row->op, rd, (int32_t)(imm & 0xffff));
    asm_thumb_mov_reg_i16(&e->as, (thumb_op_t)in->row->op2, rd, (int32_t)(imm >> 16));
    return true;
}

// ldrex/strex: the offset is masked to 8 bits, then its low two bits are
// dropped (the official compiler does not insist on alignment).
static uint32_t excl_offset(thumb_inline_t *e, const insn_t *in, const pnode_t *pn) {
    return arg_int(e, in->name, pn, in->row->lim) >> 2 << 2;
}

static bool form_ldrex(thumb_inline_t *e, const insn_t *in) {
    unsigned rt = arg_reg(e, in->name, in->args[0], 15);
    const pnode_t *base;
    const pnode_t *offset;
    if (arg_addr(e, in->name, in->args[1], &base, &offset)) {
        unsigned rn = arg_reg(e, in->name, base, 15);
        emit_insn(e, in->row->op, rt, rn, excl_offset(e, in, offset), 0);
    }
    return true;
}

static bool form_strex(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], 15);
    unsigned rt = arg_reg(e, in->name, in->args[1], 15);
    const pnode_t *base;
    const pnode_t *offset;
    if (arg_addr(e, in->name, in->args[2], &base, &offset)) {
        unsigned rn = arg_reg(e, in->name, base, 15);
        emit_insn(e, in->row->op, rd, rt, rn, excl_offset(e, in, offset));
    }
    return true;
}

// ldr/str and friends with a 5-bit scaled offset; a malformed address
// makes the whole instruction "unsupported".
static bool form_mem(thumb_inline_t *e, const insn_t *in) {
    unsigned rt = arg_reg(e, in->name, in->args[0], 7);
    const pnode_t *base;
    const pnode_t *offset;
    if (!arg_addr(e, in->name, in->args[1], &base, &offset)) {
        return false;
    }
    unsigned rn = arg_reg(e, in->name, base, 7);
    uint32_t imm = arg_int(e, in->name, offset, in->row->lim);
    emit_insn(e, in->row->op, rt, rn, imm, 0);
    return true;
}

// A shift by 0 is written as such; for lsr and asr the field value 0 means
// 32, which is how the encoder takes it.
static bool form_shift(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], 7);
    unsigned rm = arg_reg(e, in->name, in->args[1], 7);
    uint32_t sh = arg_int(e, in->name, in->args[2], in->row->lim);
    if (sh == 0 && in->row->op != THUMB_LSL_I) {
        sh = 32;
    }
    emit_insn(e, in->row->op, rd, rm, sh, 0);
    return true;
}

static bool form_addsub(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], 7);
    unsigned rn = arg_reg(e, in->name, in->args[1], 7);
    if (in->args[2] != NULL && in->args[2]->kind == PN_ID) {
        unsigned rm = arg_reg(e, in->name, in->args[2], 7);
        emit_insn(e, in->row->op, rd, rn, rm, 0);
    } else {
        uint32_t imm = arg_int(e, in->name, in->args[2], in->row->lim);
        emit_insn(e, in->row->op2, rd, rn, imm, 0);
    }
    return true;
}

static bool form_rrr(thumb_inline_t *e, const insn_t *in) {
    unsigned rd = arg_reg(e, in->name, in->args[0], 15);
    unsigned rn = arg_reg(e, in->name, in->args[1], 15);
    unsigned rm = arg_reg(e, in->name, in->args[2], 15);
    emit_insn(e, in->row->op, rd, rn, rm, 0);
    return true;
}

static bool form_vss(thumb_inline_t *e, const insn_t *in) {
    unsigned sd = arg_sreg(e, in->name, in->args[0]);
    unsigned sm = arg_sreg(e, in->name, in->args[1]);
    emit_insn(e, in->row->op, sd, sm, 0, 0);
    return true;
}

static bool form_vsss(thumb_inline_t *e, const insn_t *in) {
    unsigned sd = arg_sreg(e, in->name, in->args[0]);
    unsigned sn = arg_sreg(e, in->name, in->args[1]);
    unsigned sm = arg_sreg(e, in->name, in->args[2]);
    emit_insn(e, in->row->op, sd, sn, sm, 0);
    return true;
}

// The direction is decided by the first operand's spelling: a name
// starting with 'r' is read as the core register.
static bool form_vmov(thumb_inline_t *e, const insn_t *in) {
    if (id_text(e, in->args[0])[0] == 'r') {
        unsigned rt = arg_reg(e, in->name, in->args[0], in->row->lim);
        unsigned sn = arg_sreg(e, in->name, in->args[1]);
        emit_insn(e, in->row->op, rt, sn, 0, 0);
    } else {
        unsigned sn = arg_sreg(e, in->name, in->args[0]);
        unsigned rt = arg_reg(e, in->name, in->args[1], in->row->lim);
        emit_insn(e, in->row->op2, sn, rt, 0, 0);
    }
    return true;
}

static bool form_vmrs(thumb_inline_t *e, const insn_t *in) {
    unsigned rt = ASM_THUMB_REG_PC;  // APSR_nzcv is encoded as register 15
    if (strcmp(id_text(e, in->args[0]), "APSR_nzcv") != 0) {
        rt = arg_reg(e, in->name, in->args[0], in->row->lim);
    }
    if (strcmp(id_text(e, in->args[1]), "FPSCR") != 0) {
        return false;
    }
    emit_insn(e, in->row->op, rt, 0, 0, 0);
    return true;
}

static bool form_vmem(thumb_inline_t *e, const insn_t *in) {
    unsigned sd = arg_sreg(e, in->name, in->args[0]);
    const pnode_t *base;
    const pnode_t *offset;
    if (arg_addr(e, in->name, in->args[1], &base, &offset)) {
        unsigned rn = arg_reg(e, in->name, base, 7);
        uint32_t imm = arg_int(e, in->name, offset, in->row->lim);
        emit_insn(e, in->row->op, sd, rn, imm, 0);
    }
    return true;
}

static bool assemble_row(thumb_inline_t *e, const insn_t *in) {
    switch ((form_t)in->row->form) {
        case FORM_NONE:
        case FORM_CPS:
            emit_insn(e, in->row->op, 0, 0, 0, 0);
            return true;
        case FORM_B:
        case FORM_BL:
            return form_label(e, in);
        case FORM_BX:
            emit_insn(e, in->row->op, arg_reg(e, in->name, in->args[0], in->row->lim), 0, 0, 0);
            return true;
        case FORM_PUSH:
        case FORM_POP:
            return form_push_pop(e, in);
        case FORM_RR:
            return form_rr(e, in);
        case FORM_MRS:
            return form_mrs(e, in);
        case FORM_RI:
            return form_ri(e, in);
        case FORM_RI16:
            return form_ri16(e, in);
        case FORM_MOVWT:
            return form_movwt(e, in);
        case FORM_LDREX:
            return form_ldrex(e, in);
        case FORM_MEM:
            return form_mem(e, in);
        case FORM_SHIFT:
            return form_shift(e, in);
        case FORM_ADDSUB:
            return form_addsub(e, in);
        case FORM_RRR:
            return form_rrr(e, in);
        case FORM_STREX:
            return form_strex(e, in);
        case FORM_VSS:
            return form_vss(e, in);
        case FORM_VSSS:
            return form_vsss(e, in);
        case FORM_VMOV:
            return form_vmov(e, in);
        case FORM_VMRS:
            return form_vmrs(e, in);
        case FORM_VMEM:
            return form_vmem(e, in);
    }
    return false;
}

// b<cc>(label), b<cc>_n(label) and, on Thumb-2, b<cc>_w(label).
static bool is_cond_branch_name(const thumb_inline_t *e, const char *name) {
    size_t len = strlen(name);
    if (name[0] != 'b') {
        return false;
    }
    if (len == 3) {
        return true;
    }
    return len == 5 && name[3] == '_' && (name[4] == 'n' || (e->level >= THUMB_ARCH_V7M && name[4] == 'w'));
}

static bool cond_branch(thumb_inline_t *e, const insn_t *in) {
    int cc = cond_code(in->name + 1);
    if (cc < 0) {
        return false;
    }
    size_t label = arg_label(e, in->name, in->args[0]);
    bool wide = in->name[3] == '_' && in->name[4] == 'w';
    if (!asm_thumb_bcc_nw_label(&e->as, (unsigned)cc, label, wide)) {
        fail(e, MSG_BRANCH_RANGE);
    }
    return true;
}

// it<x><y><z>(cc): up to three more 't'/'e' letters after "it".
static bool if_then(thumb_inline_t *e, const insn_t *in) {
    const char *cond = id_text(e, in->args[0]);
    int cc = strlen(cond) == 2 ? cond_code(cond) : -1;
    if (cc < 0 || strlen(in->name + 2) > 3) {
        return false;
    }
    unsigned mask = asm_thumb_it_mask((unsigned)cc, in->name + 2);
    if (mask == 0) {
        return false;
    }
    asm_thumb_it_cc(&e->as, (unsigned)cc, mask);
    return true;
}

static bool assemble(thumb_inline_t *e, insn_t *in) {
    in->row = find_row(e, in);
    if (in->row != NULL) {
        return assemble_row(e, in);
    }
    if (in->n_args != 1) {
        return false;
    }
    if (is_cond_branch_name(e, in->name)) {
        return cond_branch(e, in);
    }
    if (e->level >= THUMB_ARCH_V7M && in->name[0] == 'i' && in->name[1] == 't') {
        return if_then(e, in);
    }
    return false;
}

// ---------------------------------------------------------------------------
// The architecture as the shared front end sees it (inline_common.h).

// r0, r1, ... in order.
static bool thumb_is_param(const emit_inline_asm_t *c, const pnode_t *pn, size_t i) {
    const char *name = inline_common_id_text(c, pn);
    return name[0] == 'r' && name[1] == (char)('0' + i) && name[2] == '\0';
}

static bool thumb_init_asm(emit_inline_asm_t *c, size_t n_labels) {
    thumb_inline_t *e = thumb_of(c);
    bool ok = asm_thumb_init(&e->as, n_labels, e->level >= THUMB_ARCH_V7M);
    e->as.arm_prelude = e->arm_prelude;
    return ok;
}

static void thumb_deinit_asm(emit_inline_asm_t *c) {
    asm_thumb_deinit(&thumb_of(c)->as);
}

static void thumb_start_pass(emit_inline_asm_t *c, asm_pass_t pass) {
    thumb_inline_t *e = thumb_of(c);
    asm_thumb_start_pass(&e->as, pass);
    asm_thumb_entry(&e->as, 0);
}

static void thumb_finish_pass(emit_inline_asm_t *c) {
    asm_thumb_exit(&thumb_of(c)->as);
}

static void thumb_assemble(emit_inline_asm_t *c, const char *name, size_t n_args, pnode_t *const *args) {
    insn_t in = {name, n_args, args, NULL};
    if (!assemble(thumb_of(c), &in)) {
        fail(thumb_of(c), MSG_UNSUPPORTED, name, (unsigned)n_args);
    }
}

static const inline_arch_t thumb_arch = {
    .name = "Thumb",
    .too_many_params = "can only have up to 4 parameters to Thumb assembly",
    .param_names = "parameters must be registers in sequence r0 to r3",
    .sizes_forward_branches = false,
    .is_param = thumb_is_param,
    .init_asm = thumb_init_asm,
    .deinit_asm = thumb_deinit_asm,
    .start_pass = thumb_start_pass,
    .finish_pass = thumb_finish_pass,
    .assemble = thumb_assemble,
    .fault_text = NULL,
};

emit_inline_asm_t *emit_inline_thumb_new(arena_t *arena, const qstr_pool_t *pool, mpy_arch_t arch) {
    emit_inline_asm_t *c =
        inline_common_new(arena, pool, &thumb_arch, sizeof(thumb_inline_t), offsetof(thumb_inline_t, as.base));
    if (c != NULL) {
        thumb_of(c)->level = arch_level(arch);
        thumb_of(c)->arm_prelude = arch == MPY_ARCH_ARMV6;
    }
    return c;
}
