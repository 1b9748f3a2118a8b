// emitters/dis_rv32.c: turns RV32IMC machine code back into text, using
// the rows of rv32_insns.def through asm_rv32's decoder. It formats the
// operand kinds the way objdump -M no-aliases does; which row matches is
// entirely the table's business.
#include "asm_rv32.h"

#include <stdio.h>

#include "dis_common.h"

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *rv32_reg_name(unsigned n) {
    return reg_names[n & 31];
}

// Zcmp register lists: 4 {ra}, 5 {ra, s0}, 6 {ra, s0-s1} ... 15 {ra, s0-s11}.
static void put_rlist(dis_text_t *t, int32_t rlist) {
    if (rlist == 4) {
        dis_text_put(t, "{ra}");
    } else if (rlist == 5) {
        dis_text_put(t, "{ra, s0}");
    } else {
        dis_text_put_int(t, "{ra, s0-s%ld}", rlist == 15 ? 11L : (long)rlist - 5);
    }
}

// cm.push/pop show the whole stack adjustment: the 16-byte aligned save
// area of the list plus the extra 16-byte chunks.
static void put_stack_adjustment(dis_text_t *t, rv32_op_t op, const int32_t *ops) {
    long n_regs = ops[0] == 15 ? 13 : ops[0] - 3;
    long bytes = (n_regs * 4 + 15) / 16 * 16 + ops[1] * 16L;
    dis_text_put_int(t, "%ld", op == RV32_CM_PUSH ? -bytes : bytes);
}

static bool is_branch_layout(unsigned layout) {
    return layout == RV32_LAYOUT_B13 || layout == RV32_LAYOUT_J21 || layout == RV32_LAYOUT_CB9
        || layout == RV32_LAYOUT_CJ12;
}

// objdump prints upper immediates, CSR numbers and shift amounts in hex.
static bool is_hex_imm(const rv32_field_t *f, rv32_form_t form) {
    return f->layout == RV32_LAYOUT_U20 || f->layout == RV32_LAYOUT_SH5 || f->layout == RV32_LAYOUT_CSR12
        || form == RV32_FORM_CSH || form == RV32_FORM_CBSH;
}

static void put_imm(dis_text_t *t, const rv32_field_t *f, rv32_form_t form, int32_t v, uint32_t addr,
    bool gas_relative) {
    if (is_branch_layout(f->layout)) {
        if (gas_relative) {
            dis_text_put_int(t, ".%+ld", (long)v);
        } else {
            dis_text_put_int(t, "0x%lx", (long)(uint32_t)(addr + (uint32_t)v));
        }
    } else if (form == RV32_FORM_CLUI) {
        dis_text_put_int(t, "0x%lx", (long)((uint32_t)v & 0xfffff));
    } else if (is_hex_imm(f, form)) {
        dis_text_put_int(t, "0x%lx", (long)(uint32_t)v);
    } else {
        dis_text_put_int(t, "%ld", (long)v);
    }
}

static void put_operand(dis_text_t *t, const dis_insn_t *in, int i) {
    rv32_op_t op = (rv32_op_t)in->op;
    const int32_t *ops = in->operands;
    rv32_form_t form = (rv32_form_t)rv32_insn_table[op].form;
    const rv32_field_t *f = &rv32_form_fields[form][i];
    switch ((rv32_kind_t)f->kind) {
        case RVK_REG:
        case RVK_REG_NZ:
        case RVK_REG_NZSP:
        case RVK_CREG:
        case RVK_SREG:
            dis_text_put(t, reg_names[ops[i] & 31]);
            break;
        case RVK_RLIST:
            put_rlist(t, ops[i]);
            break;
        case RVK_SPIMM:
            put_stack_adjustment(t, op, ops);
            break;
        case RVK_IMM:
        case RVK_NZIMM:
            put_imm(t, f, form, ops[i], in->addr, in->is_for_gas);
            break;
        case RVK_NONE:
            break;
    }
}

size_t rv32_format_insn(rv32_op_t op, const int32_t *operands, uint32_t addr, bool gas_relative, char *out,
    size_t cap) {
    const dis_insn_t in = {(int)op, operands, addr, gas_relative};
    return dis_format(rv32_insn_table[op].text, RV32_MAX_OPERANDS, put_operand, &in, out, cap);
}

size_t dis_rv32_one(const uint8_t *code, size_t len, rv32_op_t *op, uint32_t *word, int32_t *operands) {
    if (len < 2) {
        return 0;
    }
    uint32_t hw = (uint32_t)code[0] | (uint32_t)code[1] << 8;
    bool is_16bit = rv32_is_16bit((uint16_t)hw);
    *word = hw;
    if (!is_16bit && len < 4) {
        *op = RV32_NUM_OPS;
        return 2;
    }
    if (!is_16bit) {
        *word = hw | (uint32_t)code[2] << 16 | (uint32_t)code[3] << 24;
    }
    *op = rv32_match(*word, is_16bit);
    if (*op != RV32_NUM_OPS) {
        rv32_decode_operands(*op, *word, operands);
    }
    return is_16bit ? 2 : 4;
}

// An undecodable halfword is listed as ".short" and the listing goes on
// after it.
static size_t describe(const uint8_t *code, size_t len, uint32_t addr, dis_line_t *line) {
    rv32_op_t op;
    uint32_t word;
    int32_t ops[RV32_MAX_OPERANDS];
    size_t n = dis_rv32_one(code, len, &op, &word, ops);
    if (n == 0) {
        return 0;
    }
    if (op == RV32_NUM_OPS) {
        snprintf(line->hex, sizeof(line->hex), "%04x                ", word & 0xffff);
        snprintf(line->text, sizeof(line->text), ".short 0x%04x", word & 0xffff);
        return 2;
    }
    snprintf(line->hex, sizeof(line->hex), n == 4 ? "%08x          " : "%04x                ", word);
    rv32_format_insn(op, ops, addr, false, line->text, sizeof(line->text));
    return n;
}

void dis_rv32(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out) {
    dis_listing(code, len, 0, base_addr, describe, out);
}
