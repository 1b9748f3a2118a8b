// emitters/dis_thumb.c: turns Thumb machine code back into text, using
// the rows of thumb_insns.def through asm_thumb's decoder. It formats the
// operand kinds; which row matches is entirely the table's business.
#include "asm_thumb.h"

#include <stdio.h>

#include "dis_common.h"

static const char *const reg_names[16] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
    "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc",
};

static const char *const cond_names[16] = {
    "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
    "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
};

// Special registers of MRS (ARMv7-M ARM B5.1.1).
static const char *sysm_name(int32_t sysm) {
    static const struct {
        int32_t num;
        const char *name;
    } names[] = {
        {0, "APSR"}, {1, "IAPSR"}, {2, "EAPSR"}, {3, "XPSR"}, {5, "IPSR"}, {6, "EPSR"},
        {7, "IEPSR"}, {8, "MSP"}, {9, "PSP"}, {16, "PRIMASK"}, {17, "BASEPRI"},
        {18, "BASEPRI_MAX"}, {19, "FAULTMASK"}, {20, "CONTROL"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].num == sysm) {
            return names[i].name;
        }
    }
    return NULL;
}

static void put_rlist(dis_text_t *t, int32_t mask) {
    const char *sep = "";
    dis_text_put(t, "{");
    for (int r = 0; r < 16; r++) {
        if (mask & (1 << r)) {
            dis_text_put(t, sep);
            dis_text_put(t, reg_names[r]);
            sep = ", ";
        }
    }
    dis_text_put(t, "}");
}

// "t"/"e" letters for the slots after the first of an IT block.
static void put_it_suffix(dis_text_t *t, int32_t cond, int32_t mask) {
    int n = 3 - __builtin_ctz((unsigned)mask);
    for (int i = 0; i < n; i++) {
        int bit = (mask >> (3 - i)) & 1;
        dis_text_put(t, bit == (cond & 1) ? "t" : "e");
    }
}

static void put_branch(dis_text_t *t, int32_t rel, uint32_t addr, bool gas_relative) {
    if (gas_relative) {
        dis_text_put_int(t, ".%+ld", (long)rel + 4);
    } else {
        dis_text_put_int(t, "0x%lx", (long)(uint32_t)(addr + 4 + (uint32_t)rel));
    }
}

static void put_operand(dis_text_t *t, const dis_insn_t *in, int i) {
    const thumb_field_t *f = &thumb_form_fields[thumb_insn_table[in->op].form][i];
    int32_t v = in->operands[i];
    switch ((thumb_field_kind_t)f->kind) {
        case TF_REG:
        case TF_REG_HI:
        case TF_REG_X2:
            dis_text_put(t, reg_names[v & 15]);
            break;
        case TF_REG_NZCV:
            dis_text_put(t, v == 15 ? "APSR_nzcv" : reg_names[v & 15]);
            break;
        case TF_BR:
        case TF_BR_T3:
        case TF_BR_T4:
            put_branch(t, v, in->addr, in->is_for_gas);
            break;
        case TF_RLIST:
        case TF_RLIST_LR:
        case TF_RLIST_PC:
            put_rlist(t, v);
            break;
        case TF_COND:
            dis_text_put(t, cond_names[v & 15]);
            break;
        case TF_ITMASK:
            put_it_suffix(t, in->operands[0], v);
            break;
        case TF_SREG:
            dis_text_put_int(t, "s%ld", (long)v);
            break;
        case TF_SYSM:
            if (sysm_name(v) != NULL) {
                dis_text_put(t, sysm_name(v));
            } else {
                dis_text_put_int(t, "%ld", (long)v);
            }
            break;
        case TF_NONE:
        case TF_IMM:
        case TF_SHIFT32:
        case TF_IMM16:
        case TF_IMM12:
            dis_text_put_int(t, "%ld", (long)v);
            break;
    }
}

size_t thumb_format_insn(thumb_op_t op, const int32_t *operands, uint32_t addr, bool gas_relative, char *out,
    size_t cap) {
    const dis_insn_t in = {(int)op, operands, addr, gas_relative};
    return dis_format(thumb_insn_table[op].text, THUMB_MAX_OPERANDS, put_operand, &in, out, cap);
}

size_t dis_thumb_one(const uint8_t *code, size_t len, thumb_op_t *op, uint32_t *word, int32_t *operands) {
    if (len < 2) {
        return 0;
    }
    uint32_t hw1 = (uint32_t)code[0] | (uint32_t)code[1] << 8;
    bool is_32bit = thumb_is_32bit_prefix((uint16_t)hw1);
    if (is_32bit && len < 4) {
        *op = THUMB_NUM_OPS;
        *word = hw1;
        return 2;
    }
    *word = hw1;
    if (is_32bit) {
        *word = hw1 << 16 | (uint32_t)code[2] | (uint32_t)code[3] << 8;
    }
    *op = thumb_match(*word, is_32bit);
    if (*op != THUMB_NUM_OPS) {
        thumb_decode_operands(*op, *word, operands);
    }
    return is_32bit ? 4 : 2;
}

// An undecodable halfword (the first of a 32-bit one) is listed as
// ".short" and the listing goes on after it.
static size_t describe(const uint8_t *code, size_t len, uint32_t addr, dis_line_t *line) {
    thumb_op_t op;
    uint32_t word;
    int32_t ops[THUMB_MAX_OPERANDS];
    size_t n = dis_thumb_one(code, len, &op, &word, ops);
    if (n == 4) {
        snprintf(line->hex, sizeof(line->hex), "%04x %04x ", word >> 16, word & 0xffff);
    } else if (n == 2) {
        snprintf(line->hex, sizeof(line->hex), "%04x      ", word & 0xffff);
    } else {
        return 0;
    }
    if (op == THUMB_NUM_OPS) {
        snprintf(line->text, sizeof(line->text), ".short 0x%04x", (unsigned)(word >> (n == 4 ? 16 : 0)) & 0xffff);
        return 2;
    }
    thumb_format_insn(op, ops, addr, false, line->text, sizeof(line->text));
    return n;
}

void dis_thumb(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out) {
    dis_listing(code, len, 0, base_addr, describe, out);
}
