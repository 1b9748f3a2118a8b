// emitters/dis_xtensa.c: turns Xtensa machine code back into text, using
// the rows of xtensa_insns.def through asm_xtensa's decoder. It formats the
// operand kinds; which row matches is entirely the table's business.
#include "asm_xtensa.h"

#include <stdio.h>

#include "dis_common.h"

// The address a pc-relative operand names.
static uint32_t target_of(xtensa_field_kind_t kind, int32_t v, uint32_t addr) {
    switch (kind) {
        case XF_CALL:
            return (addr & ~UINT32_C(3)) + 4 + (uint32_t)v;
        case XF_L32R:
            return ((addr + 3) & ~UINT32_C(3)) + (uint32_t)v;
        default:
            return addr + 4 + (uint32_t)v;
    }
}

// For GNU as, targets are written relative to the label `base` at the
// start of the section.
static void put_operand(dis_text_t *t, const dis_insn_t *in, int i) {
    const xtensa_field_t *f = &xtensa_form_fields[xtensa_insn_table[in->op].form][i];
    int32_t v = in->operands[i];
    switch ((xtensa_field_kind_t)f->kind) {
        case XF_REG:
            dis_text_put_int(t, "a%ld", (long)v);
            break;
        case XF_BR:
        case XF_BRN6:
        case XF_CALL:
        case XF_L32R:
            dis_text_put_int(t, in->is_for_gas ? "base+0x%lx" : "0x%lx",
                (long)target_of((xtensa_field_kind_t)f->kind, v, in->addr));
            break;
        case XF_NONE:
        case XF_UIMM:
        case XF_SIMM:
        case XF_MOVI12:
        case XF_MOVIN7:
        case XF_ADDIN4:
        case XF_SA5:
        case XF_SLLI:
            dis_text_put_int(t, "%ld", (long)v);
            break;
    }
}

size_t xtensa_format_insn(xtensa_op_t op, const int32_t *operands, uint32_t addr, bool gas_base, char *out,
    size_t cap) {
    const dis_insn_t in = {(int)op, operands, addr, gas_base};
    return dis_format(xtensa_insn_table[op].text, XTENSA_MAX_OPERANDS, put_operand, &in, out, cap);
}

size_t dis_xtensa_one(const uint8_t *code, size_t len, xtensa_op_t *op, uint32_t *word, int32_t *operands) {
    if (len < 2) {
        return 0;
    }
    bool is_narrow = xtensa_is_narrow(code[0]);
    size_t size = is_narrow ? 2 : 3;
    if (len < size) {
        *op = XTENSA_NUM_OPS;
        *word = (uint32_t)code[0] | (uint32_t)code[1] << 8;
        return 2;
    }
    *word = (uint32_t)code[0] | (uint32_t)code[1] << 8;
    if (!is_narrow) {
        *word |= (uint32_t)code[2] << 16;
    }
    *op = xtensa_match(*word, is_narrow);
    if (*op != XTENSA_NUM_OPS) {
        xtensa_decode_operands(*op, *word, operands);
    }
    return size;
}

// A function that opens with "j" over its literal pool: the offset of the
// first instruction after it (0 when there is none). The pool is one pad
// byte and whole words.
static size_t literal_pool_end(const uint8_t *code, size_t len) {
    xtensa_op_t op;
    uint32_t word;
    int32_t ops[XTENSA_MAX_OPERANDS];
    if (dis_xtensa_one(code, len, &op, &word, ops) != 3 || op != XTENSA_J || ops[0] < 4 || (ops[0] & 3) != 0) {
        return 0;
    }
    size_t end = 4 + (size_t)ops[0];
    return end <= len ? end : 0;
}

static void dis_literal_pool(const uint8_t *code, size_t end, uint32_t base_addr, buf_t *out) {
    dis_line_t line;
    snprintf(line.hex, sizeof(line.hex), "%02x%02x%02x    ", code[2], code[1], code[0]);
    snprintf(line.text, sizeof(line.text), "j 0x%x", (unsigned)(base_addr + end));
    dis_put_line(out, base_addr, &line);
    for (size_t pos = 4; pos + 4 <= end; pos += 4) {
        uint32_t v = (uint32_t)code[pos] | (uint32_t)code[pos + 1] << 8 | (uint32_t)code[pos + 2] << 16
            | (uint32_t)code[pos + 3] << 24;
        snprintf(line.hex, sizeof(line.hex), "%08x  ", v);
        snprintf(line.text, sizeof(line.text), ".word 0x%x", v);
        dis_put_line(out, base_addr + (uint32_t)pos, &line);
    }
}

// A byte that starts no instruction (or is the last one) is listed as
// ".byte" and the listing goes on after it.
static size_t describe(const uint8_t *code, size_t len, uint32_t addr, dis_line_t *line) {
    xtensa_op_t op = XTENSA_NUM_OPS;
    uint32_t word;
    int32_t ops[XTENSA_MAX_OPERANDS];
    size_t n = dis_xtensa_one(code, len, &op, &word, ops);
    if (op == XTENSA_NUM_OPS) {
        snprintf(line->hex, sizeof(line->hex), "%02x        ", code[0]);
        snprintf(line->text, sizeof(line->text), ".byte 0x%02x", code[0]);
        return 1;
    }
    snprintf(line->hex, sizeof(line->hex), n == 3 ? "%06x    " : "%04x      ", word);
    xtensa_format_insn(op, ops, addr, false, line->text, sizeof(line->text));
    return n;
}

void dis_xtensa(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out) {
    size_t pos = literal_pool_end(code, len);
    if (pos > 0) {
        dis_literal_pool(code, pos, base_addr, out);
    }
    dis_listing(code, len, pos, base_addr, describe, out);
}
