// emitters/dis_thumb.c: turns Thumb machine code back into text, using
// the rows of thumb_insns.def through asm_thumb's decoder. It formats the
// operand kinds; which row matches is entirely the table's business.
#include "asm_thumb.h"

#include <stdio.h>
#include <string.h>

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

// A small bounded string builder: it keeps counting past the end so the
// caller learns the length it needed.
typedef struct text {
    char *out;
    size_t cap;
    size_t len;
} text_t;

static void put(text_t *t, const char *s) {
    for (; *s != '\0'; s++) {
        if (t->len + 1 < t->cap) {
            t->out[t->len] = *s;
        }
        t->len++;
    }
}

static void putf_int(text_t *t, const char *fmt, long v) {
    char tmp[32];
    snprintf(tmp, sizeof(tmp), fmt, v);
    put(t, tmp);
}

static void put_rlist(text_t *t, int32_t mask) {
    const char *sep = "";
    put(t, "{");
    for (int r = 0; r < 16; r++) {
        if (mask & (1 << r)) {
            put(t, sep);
            put(t, reg_names[r]);
            sep = ", ";
        }
    }
    put(t, "}");
}

// "t"/"e" letters for the slots after the first of an IT block.
static void put_it_suffix(text_t *t, int32_t cond, int32_t mask) {
    int n = 3 - __builtin_ctz((unsigned)mask);
    for (int i = 0; i < n; i++) {
        int bit = (mask >> (3 - i)) & 1;
        put(t, bit == (cond & 1) ? "t" : "e");
    }
}

static void put_branch(text_t *t, int32_t rel, uint32_t addr, bool gas_relative) {
    if (gas_relative) {
        putf_int(t, ".%+ld", (long)rel + 4);
    } else {
        putf_int(t, "0x%lx", (long)(uint32_t)(addr + 4 + (uint32_t)rel));
    }
}

static void put_operand(text_t *t, const thumb_field_t *f, const int32_t *ops, int i, uint32_t addr,
    bool gas_relative) {
    int32_t v = ops[i];
    switch ((thumb_field_kind_t)f->kind) {
        case TF_REG:
        case TF_REG_HI:
        case TF_REG_X2:
            put(t, reg_names[v & 15]);
            break;
        case TF_REG_NZCV:
            put(t, v == 15 ? "APSR_nzcv" : reg_names[v & 15]);
            break;
        case TF_BR:
        case TF_BR_T3:
        case TF_BR_T4:
            put_branch(t, v, addr, gas_relative);
            break;
        case TF_RLIST:
        case TF_RLIST_LR:
        case TF_RLIST_PC:
            put_rlist(t, v);
            break;
        case TF_COND:
            put(t, cond_names[v & 15]);
            break;
        case TF_ITMASK:
            put_it_suffix(t, ops[0], v);
            break;
        case TF_SREG:
            putf_int(t, "s%ld", (long)v);
            break;
        case TF_SYSM:
            if (sysm_name(v) != NULL) {
                put(t, sysm_name(v));
            } else {
                putf_int(t, "%ld", (long)v);
            }
            break;
        case TF_NONE:
        case TF_IMM:
        case TF_SHIFT32:
        case TF_IMM16:
        case TF_IMM12:
            putf_int(t, "%ld", (long)v);
            break;
    }
}

size_t thumb_format_insn(thumb_op_t op, const int32_t *operands, uint32_t addr, bool gas_relative, char *out,
    size_t cap) {
    const thumb_insn_info_t *info = &thumb_insn_table[op];
    text_t t = {out, cap, 0};
    char one[2] = {0, 0};
    for (const char *p = info->text; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] >= '0' && p[1] <= '3') {
            int i = p[1] - '0';
            put_operand(&t, &thumb_form_fields[info->form][i], operands, i, addr, gas_relative);
            p++;
        } else {
            one[0] = *p;
            put(&t, one);
        }
    }
    if (cap > 0) {
        out[t.len < cap ? t.len : cap - 1] = '\0';
    }
    return t.len;
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

// objdump separates the mnemonic from the operands with a tab.
static void append_text_tabbed(buf_t *out, const char *text) {
    const char *space = strchr(text, ' ');
    if (space == NULL) {
        buf_str(out, text);
        return;
    }
    buf_append(out, text, (size_t)(space - text));
    buf_byte(out, '\t');
    buf_str(out, space + 1);
}

void dis_thumb(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out) {
    size_t pos = 0;
    while (pos + 2 <= len) {
        thumb_op_t op;
        uint32_t word;
        int32_t ops[THUMB_MAX_OPERANDS];
        size_t n = dis_thumb_one(code + pos, len - pos, &op, &word, ops);
        uint32_t addr = base_addr + (uint32_t)pos;
        if (n == 4) {
            buf_printf(out, "%5x:\t%04x %04x \t", addr, word >> 16, word & 0xffff);
        } else {
            buf_printf(out, "%5x:\t%04x      \t", addr, word & 0xffff);
        }
        if (op == THUMB_NUM_OPS) {
            buf_printf(out, ".short\t0x%04x\n", (unsigned)(word >> (n == 4 ? 16 : 0)) & 0xffff);
            pos += 2;
            continue;
        }
        char text[96];
        thumb_format_insn(op, ops, addr, false, text, sizeof(text));
        append_text_tabbed(out, text);
        buf_byte(out, '\n');
        pos += n;
    }
}
