// emitters/asm_thumb.c: Thumb/Thumb-2 encoding. The pure encoder and
// decoder work from thumb_insns.def; the rest reproduces the instruction
// selection of MicroPython's py/asmthumb.c (entry/exit, constants, jumps,
// loads at any offset) for armv6m and armv7m-class targets.
#include "asm_thumb.h"

#include <string.h>

// ---------------------------------------------------------------------------
// Tables expanded from thumb_insns.def.

#define F(kind, lsb, width, aux) {TF_##kind, lsb, width, aux}
const thumb_field_t thumb_form_fields[THUMB_NUM_FORMS][THUMB_MAX_OPERANDS] = {
#define FORM(name, f0, f1, f2, f3) [THUMB_FORM_##name] = {f0, f1, f2, f3},
#define INSN(name, match, mask, form, arch, text)
#include "thumb_insns.def"
#undef FORM
#undef INSN
};
#undef F

// Operand count of each form, counted from the same rows.
#define F(kind, lsb, width, aux) (TF_##kind != TF_NONE)
static const uint8_t form_n_operands[THUMB_NUM_FORMS] = {
#define FORM(name, f0, f1, f2, f3) [THUMB_FORM_##name] = (f0) + (f1) + (f2) + (f3),
#define INSN(name, match, mask, form, arch, text)
#include "thumb_insns.def"
#undef FORM
#undef INSN
};
#undef F

const thumb_insn_info_t thumb_insn_table[THUMB_NUM_OPS] = {
#define FORM(name, f0, f1, f2, f3)
#define INSN(name, match, mask, form, arch, text) \
    [THUMB_##name] = {#name, match, mask, THUMB_FORM_##form, THUMB_ARCH_##arch, \
        (match) > 0xffffu ? 4 : 2, text},
#include "thumb_insns.def"
#undef FORM
#undef INSN
};

int thumb_n_operands(thumb_op_t op) {
    return form_n_operands[thumb_insn_table[op].form];
}

// ---------------------------------------------------------------------------
// Field packing. Each helper ORs one operand into *w, or returns false.

static bool fits_unsigned(int32_t v, unsigned bits) {
    return v >= 0 && (bits >= 31 || v < (INT32_C(1) << bits));
}

static bool fits_signed(int32_t v, unsigned bits) {
    int32_t lim = INT32_C(1) << (bits - 1);
    return v >= -lim && v < lim;
}

static bool pack_reg(const thumb_field_t *f, int32_t v, uint32_t *w) {
    if (!fits_unsigned(v, f->width)) {
        return false;
    }
    *w |= (uint32_t)v << f->lsb;
    if (f->kind == TF_REG_X2) {
        *w |= (uint32_t)v << f->aux;
    }
    return true;
}

static bool pack_reg_hi(int32_t v, uint32_t *w) {
    if (!fits_unsigned(v, 4)) {
        return false;
    }
    *w |= ((uint32_t)v & 8) << 4 | ((uint32_t)v & 7);
    return true;
}

static bool pack_imm(const thumb_field_t *f, int32_t v, uint32_t *w) {
    if (v < 0 || (v & ((INT32_C(1) << f->aux) - 1)) != 0 || !fits_unsigned(v >> f->aux, f->width)) {
        return false;
    }
    *w |= (uint32_t)(v >> f->aux) << f->lsb;
    return true;
}

static bool pack_br(const thumb_field_t *f, int32_t v, uint32_t *w) {
    if ((v & 1) != 0 || !fits_signed(v >> 1, f->width)) {
        return false;
    }
    *w |= ((uint32_t)(v >> 1) & ((UINT32_C(1) << f->width) - 1)) << f->lsb;
    return true;
}

// b<c>.w: S:J2:J1:imm6:imm11:'0' (ARMv7-M ARM A7.7.12, encoding T3).
static bool pack_br_t3(int32_t v, uint32_t *w) {
    if ((v & 1) != 0 || !fits_signed(v, 21)) {
        return false;
    }
    uint32_t u = (uint32_t)v;
    *w |= (u >> 20 & 1) << 26 | (u >> 12 & 0x3f) << 16;
    *w |= (u >> 18 & 1) << 13 | (u >> 19 & 1) << 11 | (u >> 1 & 0x7ff);
    return true;
}

// b.w and bl: S:I1:I2:imm10:imm11:'0' with J1 = NOT(I1 XOR S) and
// J2 = NOT(I2 XOR S) (A7.7.12 encoding T4, A7.7.18).
static bool pack_br_t4(int32_t v, uint32_t *w) {
    if ((v & 1) != 0 || !fits_signed(v, 25)) {
        return false;
    }
    uint32_t u = (uint32_t)v;
    uint32_t s = u >> 24 & 1;
    uint32_t j1 = ~((u >> 23 & 1) ^ s) & 1;
    uint32_t j2 = ~((u >> 22 & 1) ^ s) & 1;
    *w |= s << 26 | (u >> 12 & 0x3ff) << 16;
    *w |= j1 << 13 | j2 << 11 | (u >> 1 & 0x7ff);
    return true;
}

// movw/movt: imm4:i:imm3:imm8 (A7.7.76).
static bool pack_imm16(int32_t v, uint32_t *w) {
    if (!fits_unsigned(v, 16)) {
        return false;
    }
    uint32_t u = (uint32_t)v;
    *w |= (u >> 12) << 16 | (u >> 11 & 1) << 26 | (u >> 8 & 7) << 12 | (u & 0xff);
    return true;
}

// addw/subw: i:imm3:imm8 (A7.7.3 encoding T4).
static bool pack_imm12(int32_t v, uint32_t *w) {
    if (!fits_unsigned(v, 12)) {
        return false;
    }
    uint32_t u = (uint32_t)v;
    *w |= (u >> 11 & 1) << 26 | (u >> 8 & 7) << 12 | (u & 0xff);
    return true;
}

// PUSH keeps lr, POP keeps pc in bit 8 beside the low registers.
static bool pack_rlist8(int32_t v, unsigned extra_reg, uint32_t *w) {
    uint32_t allowed = 0xffu | UINT32_C(1) << extra_reg;
    if (v <= 0 || ((uint32_t)v & ~allowed) != 0) {
        return false;
    }
    *w |= ((uint32_t)v & 0xff) | ((uint32_t)v >> extra_reg & 1) << 8;
    return true;
}

static bool pack_sreg(const thumb_field_t *f, int32_t v, uint32_t *w) {
    if (!fits_unsigned(v, 5)) {
        return false;
    }
    *w |= ((uint32_t)v >> 1) << f->lsb | ((uint32_t)v & 1) << f->aux;
    return true;
}

static bool pack_field(const thumb_field_t *f, int32_t v, uint32_t *w) {
    switch ((thumb_field_kind_t)f->kind) {
        case TF_NONE:
            return true;
        case TF_REG:
        case TF_REG_X2:
        case TF_REG_NZCV:
            return pack_reg(f, v, w);
        case TF_REG_HI:
            return pack_reg_hi(v, w);
        case TF_IMM:
            return pack_imm(f, v, w);
        case TF_SHIFT32:
            return v >= 1 && v <= 32 && (*w |= ((uint32_t)v & 31) << f->lsb, true);
        case TF_BR:
            return pack_br(f, v, w);
        case TF_BR_T3:
            return pack_br_t3(v, w);
        case TF_BR_T4:
            return pack_br_t4(v, w);
        case TF_IMM16:
            return pack_imm16(v, w);
        case TF_IMM12:
            return pack_imm12(v, w);
        case TF_RLIST:
            return v > 0 && fits_unsigned(v, f->width) && (*w |= (uint32_t)v << f->lsb, true);
        case TF_RLIST_LR:
            return pack_rlist8(v, ASM_THUMB_REG_LR, w);
        case TF_RLIST_PC:
            return pack_rlist8(v, ASM_THUMB_REG_PC, w);
        case TF_COND:
            return v >= 0 && v <= 13 && (*w |= (uint32_t)v << f->lsb, true);
        case TF_ITMASK:
            return v >= 1 && v <= 15 && (*w |= (uint32_t)v << f->lsb, true);
        case TF_SREG:
            return pack_sreg(f, v, w);
        case TF_SYSM:
            return fits_unsigned(v, 8) && (*w |= (uint32_t)v << f->lsb, true);
    }
    return false;
}

bool thumb_encode(thumb_op_t op, const int32_t *operands, uint32_t *word) {
    const thumb_insn_info_t *info = &thumb_insn_table[op];
    uint32_t w = info->match;
    for (int i = 0; i < THUMB_MAX_OPERANDS; i++) {
        if (!pack_field(&thumb_form_fields[info->form][i], operands[i], &w)) {
            *word = 0;
            return false;
        }
    }
    *word = w;
    return true;
}

// ---------------------------------------------------------------------------
// Field unpacking, the inverse of the above.

// The low `bits` bits of v as a signed number.
static int32_t sign_extend(uint32_t v, unsigned bits) {
    uint32_t m = UINT32_C(1) << (bits - 1);
    v &= (m << 1) - 1;
    return (int32_t)((v ^ m) - m);
}

static uint32_t bits(uint32_t w, unsigned lsb, unsigned width) {
    return (w >> lsb) & ((UINT32_C(1) << width) - 1);
}

static int32_t unpack_br_t3(uint32_t w) {
    uint32_t u = bits(w, 26, 1) << 20 | bits(w, 11, 1) << 19 | bits(w, 13, 1) << 18;
    u |= bits(w, 16, 6) << 12 | bits(w, 0, 11) << 1;
    return sign_extend(u, 21);
}

static int32_t unpack_br_t4(uint32_t w) {
    uint32_t s = bits(w, 26, 1);
    uint32_t i1 = ~(bits(w, 13, 1) ^ s) & 1;
    uint32_t i2 = ~(bits(w, 11, 1) ^ s) & 1;
    uint32_t u = s << 24 | i1 << 23 | i2 << 22 | bits(w, 16, 10) << 12 | bits(w, 0, 11) << 1;
    return sign_extend(u, 25);
}

static int32_t unpack_rlist8(uint32_t w, unsigned extra_reg) {
    return (int32_t)(bits(w, 0, 8) | bits(w, 8, 1) << extra_reg);
}

// Returns false when the field holds a value the form refuses.
static bool unpack_field(const thumb_field_t *f, uint32_t w, int32_t *v) {
    uint32_t raw = f->width != 0 ? bits(w, f->lsb, f->width) : 0;
    switch ((thumb_field_kind_t)f->kind) {
        case TF_NONE:
            *v = 0;
            return true;
        case TF_REG:
        case TF_REG_NZCV:
        case TF_SYSM:
            *v = (int32_t)raw;
            return true;
        case TF_REG_X2:
            *v = (int32_t)raw;
            return bits(w, f->aux, f->width) == raw;
        case TF_REG_HI:
            *v = (int32_t)(bits(w, 7, 1) << 3 | bits(w, 0, 3));
            return true;
        case TF_IMM:
            *v = (int32_t)(raw << f->aux);
            return true;
        case TF_SHIFT32:
            *v = raw == 0 ? 32 : (int32_t)raw;
            return true;
        case TF_BR:
            *v = sign_extend(raw, f->width) * 2;
            return true;
        case TF_BR_T3:
            *v = unpack_br_t3(w);
            return true;
        case TF_BR_T4:
            *v = unpack_br_t4(w);
            return true;
        case TF_IMM16:
            *v = (int32_t)(bits(w, 16, 4) << 12 | bits(w, 26, 1) << 11 | bits(w, 12, 3) << 8 | bits(w, 0, 8));
            return true;
        case TF_IMM12:
            *v = (int32_t)(bits(w, 26, 1) << 11 | bits(w, 12, 3) << 8 | bits(w, 0, 8));
            return true;
        case TF_RLIST:
            *v = (int32_t)raw;
            return raw != 0;
        case TF_RLIST_LR:
            *v = unpack_rlist8(w, ASM_THUMB_REG_LR);
            return *v != 0;
        case TF_RLIST_PC:
            *v = unpack_rlist8(w, ASM_THUMB_REG_PC);
            return *v != 0;
        case TF_COND:
            *v = (int32_t)raw;
            return raw <= 13;
        case TF_ITMASK:
            *v = (int32_t)raw;
            return raw != 0;
        case TF_SREG:
            *v = (int32_t)(raw << 1 | bits(w, f->aux, 1));
            return true;
    }
    return false;
}

bool thumb_decode_operands(thumb_op_t op, uint32_t word, int32_t *operands) {
    const thumb_insn_info_t *info = &thumb_insn_table[op];
    bool ok = (word & info->mask) == info->match;
    for (int i = 0; i < THUMB_MAX_OPERANDS; i++) {
        ok = unpack_field(&thumb_form_fields[info->form][i], word, &operands[i]) && ok;
    }
    return ok;
}

thumb_op_t thumb_match(uint32_t word, bool is_32bit) {
    int32_t ops[THUMB_MAX_OPERANDS];
    for (int op = 0; op < THUMB_NUM_OPS; op++) {
        if ((thumb_insn_table[op].size == 4) != is_32bit) {
            continue;
        }
        if (thumb_decode_operands((thumb_op_t)op, word, ops)) {
            return (thumb_op_t)op;
        }
    }
    return THUMB_NUM_OPS;
}

// ---------------------------------------------------------------------------
// Emitting.

bool asm_thumb_init(asm_thumb_t *as, size_t max_num_labels, bool allow_armv7m) {
    memset(as, 0, sizeof(*as));
    as->allow_armv7m = allow_armv7m;
    return asm_base_init(&as->base, max_num_labels);
}

void asm_thumb_deinit(asm_thumb_t *as) {
    asm_base_deinit(&as->base);
}

void asm_thumb_op16(asm_thumb_t *as, unsigned op) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(&as->base, 2);
    if (c != NULL) {
        c[0] = (uint8_t)op;
        c[1] = (uint8_t)(op >> 8);
    }
}

void asm_thumb_op32(asm_thumb_t *as, unsigned op1, unsigned op2) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(&as->base, 4);
    if (c != NULL) {
        c[0] = (uint8_t)op1;
        c[1] = (uint8_t)(op1 >> 8);
        c[2] = (uint8_t)op2;
        c[3] = (uint8_t)(op2 >> 8);
    }
}

bool asm_thumb_insn(asm_thumb_t *as, thumb_op_t op, int32_t a, int32_t b, int32_t c, int32_t d) {
    const int32_t operands[THUMB_MAX_OPERANDS] = {a, b, c, d};
    uint32_t w;
    bool ok = thumb_encode(op, operands, &w);
    unsigned size = thumb_insn_table[op].size;
    // A 32-bit instruction is two halfwords, the first (high) one first.
    asm_base_insn(&as->base, ok, size, size == 4 ? w >> 16 | w << 16 : w);
    return ok;
}

void asm_thumb_push(asm_thumb_t *as, unsigned reglist) {
    if ((reglist & 0x1f00) == 0) {
        asm_thumb_insn(as, THUMB_PUSH, (int32_t)reglist, 0, 0, 0);
    } else {
        asm_thumb_insn(as, THUMB_PUSH_W, (int32_t)reglist, 0, 0, 0);
    }
}

void asm_thumb_pop(asm_thumb_t *as, unsigned reglist) {
    if ((reglist & 0x1f00) == 0) {
        asm_thumb_insn(as, THUMB_POP, (int32_t)reglist, 0, 0, 0);
    } else {
        asm_thumb_insn(as, THUMB_POP_W, (int32_t)reglist, 0, 0, 0);
    }
}

// Each letter after "it" adds a slot: 't' repeats firstcond[0], 'e' inverts
// it; a final 1 bit marks the end (A7.7.37).
unsigned asm_thumb_it_mask(unsigned cc, const char *suffix) {
    size_t n = strlen(suffix);
    if (n > 3) {
        return 0;
    }
    unsigned mask = 8u >> n;
    for (size_t i = 0; i < n; i++) {
        unsigned bit;
        if (suffix[i] == 't') {
            bit = cc & 1;
        } else if (suffix[i] == 'e') {
            bit = ~cc & 1;
        } else {
            return 0;
        }
        mask |= bit << (3 - i);
    }
    return mask;
}

void asm_thumb_mov_reg_i16(asm_thumb_t *as, thumb_op_t op, unsigned rd, int32_t i16) {
    asm_thumb_insn(as, op, (int32_t)rd, i16 & 0xffff, 0, 0);
}

// ---------------------------------------------------------------------------
// Label branches. Thumb reads pc 4 bytes past the branch instruction.

static int32_t label_rel(asm_thumb_t *as, size_t label) {
    size_t dest = asm_base_label_offset(&as->base, label);
    return (int32_t)((uint32_t)dest - (uint32_t)as->base.code_offset) - 4;
}

static bool label_is_backward(asm_thumb_t *as, size_t label, int32_t rel) {
    return asm_base_label_offset(&as->base, label) != ASM_LABEL_UNSET && rel <= -4;
}

// Writes a branch whose offset may be unknown (compute pass) or out of range:
// the offset is wrapped into the field as the reference does, and only the
// caller decides whether that is an error. cc is ignored by unconditional
// branches.
static void emit_branch_wrapped(asm_thumb_t *as, thumb_op_t op, int32_t cc, int32_t rel) {
    const thumb_insn_info_t *info = &thumb_insn_table[op];
    int32_t operands[THUMB_MAX_OPERANDS] = {cc, 0, 0, 0};
    for (int i = 0; i < THUMB_MAX_OPERANDS; i++) {
        const thumb_field_t *f = &thumb_form_fields[info->form][i];
        if (f->kind == TF_BR) {
            operands[i] = sign_extend((uint32_t)rel >> 1, f->width) * 2;
        } else if (f->kind == TF_BR_T3) {
            operands[i] = sign_extend((uint32_t)rel & ~1u, 21);
        } else if (f->kind == TF_BR_T4) {
            operands[i] = sign_extend((uint32_t)rel & ~1u, 25);
        }
    }
    uint32_t w;
    thumb_encode(op, operands, &w);
    if (info->size == 4) {
        asm_thumb_op32(as, w >> 16, w & 0xffff);
    } else {
        asm_thumb_op16(as, w);
    }
}

static bool in_emit_pass(const asm_thumb_t *as) {
    return as->base.pass == ASM_PASS_EMIT;
}

bool asm_thumb_b_n_label(asm_thumb_t *as, size_t label) {
    int32_t rel = label_rel(as, label);
    emit_branch_wrapped(as, THUMB_B_N, 0, rel);
    return !in_emit_pass(as) || fits_signed(rel, 12);
}

bool asm_thumb_bcc_nw_label(asm_thumb_t *as, unsigned cc, size_t label, bool wide) {
    int32_t rel = label_rel(as, label);
    if (!wide) {
        emit_branch_wrapped(as, THUMB_BCC_N, (int32_t)cc, rel);
        return !in_emit_pass(as) || fits_signed(rel, 9);
    }
    if (!as->allow_armv7m) {
        return false;
    }
    emit_branch_wrapped(as, THUMB_BCC_W, (int32_t)cc, rel);
    return true;
}

bool asm_thumb_bl_label(asm_thumb_t *as, size_t label) {
    int32_t rel = label_rel(as, label);
    emit_branch_wrapped(as, THUMB_BL, 0, rel);
    return !in_emit_pass(as) || fits_signed(rel, 23);
}

// armv6m has no long branch: a short one padded with nops when it reaches,
// otherwise a literal offset added to pc through r1. Both are the same size,
// which depends only on the alignment, so passes agree (the compute pass
// sees forward labels as unset and picks the long form).
static void b_label_armv6m(asm_thumb_t *as, int32_t rel) {
    bool need_align = (as->base.code_offset & 2) != 0;
    if (fits_signed(rel, 12)) {
        emit_branch_wrapped(as, THUMB_B_N, 0, rel);
        asm_thumb_insn(as, THUMB_NOP, 0, 0, 0, 0);
        asm_thumb_insn(as, THUMB_NOP, 0, 0, 0, 0);
        asm_thumb_insn(as, THUMB_NOP, 0, 0, 0, 0);
        if (need_align) {
            asm_thumb_insn(as, THUMB_NOP, 0, 0, 0, 0);
        }
        return;
    }
    // The add reads pc 2 bytes later than the branch would have.
    rel -= 2;
    if (need_align) {
        asm_thumb_insn(as, THUMB_NOP, 0, 0, 0, 0);
        rel -= 2;
    }
    asm_thumb_ldr_rlo_pcrel_i8(as, ASM_THUMB_REG_R1, 0);
    asm_thumb_add_reg_reg(as, ASM_THUMB_REG_PC, ASM_THUMB_REG_R1);
    asm_thumb_op16(as, (uint32_t)rel & 0xffff);
    asm_thumb_op16(as, (uint32_t)rel >> 16);
}

void asm_thumb_b_label(asm_thumb_t *as, size_t label) {
    int32_t rel = label_rel(as, label);
    if (label_is_backward(as, label, rel) && fits_signed(rel, 12)) {
        emit_branch_wrapped(as, THUMB_B_N, 0, rel);
    } else if (as->allow_armv7m) {
        emit_branch_wrapped(as, THUMB_B_W, 0, rel);
    } else {
        b_label_armv6m(as, rel);
    }
}

void asm_thumb_bcc_label(asm_thumb_t *as, unsigned cc, size_t label) {
    int32_t rel = label_rel(as, label);
    if (label_is_backward(as, label, rel) && fits_signed(rel, 9)) {
        emit_branch_wrapped(as, THUMB_BCC_N, (int32_t)cc, rel);
        return;
    }
    if (as->allow_armv7m) {
        emit_branch_wrapped(as, THUMB_BCC_W, (int32_t)cc, rel);
        return;
    }
    // armv6m: the inverted condition skips an unconditional long branch; the
    // skip distance is known only after the branch is written.
    size_t start = as->base.code_offset;
    uint8_t *c = asm_base_get_cur_to_write_bytes(&as->base, 2);
    asm_thumb_b_label(as, label);
    int32_t skip = (int32_t)(as->base.code_offset - start) - 4;
    if (c != NULL) {
        const int32_t operands[THUMB_MAX_OPERANDS] = {(int32_t)(cc ^ 1), skip, 0, 0};
        uint32_t w;
        thumb_encode(THUMB_BCC_N, operands, &w);
        c[0] = (uint8_t)w;
        c[1] = (uint8_t)(w >> 8);
    }
}

void asm_thumb_bcc_rel9(asm_thumb_t *as, unsigned cc, int rel) {
    emit_branch_wrapped(as, THUMB_BCC_N, (int32_t)cc, rel - 4);
}

void asm_thumb_b_rel12(asm_thumb_t *as, int rel) {
    emit_branch_wrapped(as, THUMB_B_N, 0, rel - 4);
}

// ---------------------------------------------------------------------------
// Entry and exit.

// sub/add sp by `words` words. armv7m uses one 16-bit or one addw/subw;
// the reference leaves the immediate's top bit (i) out of the addw/subw
// encoding, and so do we, to produce the same bytes.
static void adjust_sp(asm_thumb_t *as, unsigned words, bool is_sub) {
    thumb_op_t op16 = is_sub ? THUMB_SUB_SP : THUMB_ADD_SP;
    if (as->allow_armv7m) {
        if (words < 128) {
            asm_thumb_insn(as, op16, (int32_t)words * 4, 0, 0, 0);
        } else {
            thumb_op_t op32 = is_sub ? THUMB_SUBW : THUMB_ADDW;
            asm_thumb_insn(as, op32, ASM_THUMB_REG_SP, ASM_THUMB_REG_SP, (int32_t)(words * 4) & 0x7ff, 0);
        }
        return;
    }
    while (words >= 128) {
        asm_thumb_insn(as, op16, 127 * 4, 0, 0, 0);
        words -= 127;
    }
    asm_thumb_insn(as, op16, (int32_t)words * 4, 0, 0, 0);
}

// ARM-state stub for armv6: push {r4, lr}; add lr, pc, #9; blx lr;
// pop {r4, lr}; bx lr (ARM encodings, written as raw words).
static void emit_arm_prelude(asm_thumb_t *as) {
    asm_thumb_op32(as, 0x4010, 0xe92d);
    asm_thumb_op32(as, 0xe009, 0xe28f);
    asm_thumb_op32(as, 0xff3e, 0xe12f);
    asm_thumb_op32(as, 0x4010, 0xe8bd);
    asm_thumb_op32(as, 0xff1e, 0xe12f);
}

// r0 is never saved (it holds the return value); r1..r3 are pushed only to
// make room for locals and keep sp 8-byte aligned.
void asm_thumb_entry(asm_thumb_t *as, int num_locals) {
    if (as->arm_prelude) {
        emit_arm_prelude(as);
    }
    unsigned reglist = num_locals <= 1 ? 0xf2 : 0xfe;
    unsigned stack_adjust = 0;
    if (num_locals > 3) {
        stack_adjust = (unsigned)((num_locals - 3) + 1) & ~1u;
    }
    asm_thumb_insn(as, THUMB_PUSH, (int32_t)(reglist | 1u << ASM_THUMB_REG_LR), 0, 0, 0);
    if (stack_adjust > 0) {
        adjust_sp(as, stack_adjust, true);
    }
    as->push_reglist = reglist;
    as->stack_adjust = stack_adjust;
}

void asm_thumb_exit(asm_thumb_t *as) {
    if (as->stack_adjust > 0) {
        adjust_sp(as, as->stack_adjust, false);
    }
    asm_thumb_insn(as, THUMB_POP, (int32_t)(as->push_reglist | 1u << ASM_THUMB_REG_PC), 0, 0, 0);
}

// ---------------------------------------------------------------------------
// Constants and locals.

// armv6m 16-bit constant: movs rd, #hi; lsls rd, rd, #8; adds rd, #lo.
static void mov_rlo_i16(asm_thumb_t *as, unsigned rd, uint32_t i16) {
    asm_thumb_mov_rlo_i8(as, rd, (i16 >> 8) & 0xff);
    asm_thumb_lsl_rlo_rlo_i5(as, rd, rd, 8);
    asm_thumb_add_rlo_i8(as, rd, i16 & 0xff);
}

size_t asm_thumb_mov_reg_i32(asm_thumb_t *as, unsigned rd, uint32_t i32) {
    size_t loc = asm_base_get_code_pos(&as->base);
    if (as->allow_armv7m) {
        asm_thumb_mov_reg_i16(as, THUMB_MOVW, rd, (int32_t)(i32 & 0xffff));
        asm_thumb_mov_reg_i16(as, THUMB_MOVT, rd, (int32_t)(i32 >> 16));
        return loc;
    }
    // armv6m: ldr from a literal right after a branch over it; the literal
    // must be word aligned, so a nop comes first when needed.
    if (as->base.code_offset & 2) {
        asm_thumb_insn(as, THUMB_NOP, 0, 0, 0, 0);
    }
    asm_thumb_ldr_rlo_pcrel_i8(as, rd, 0);
    asm_thumb_insn(as, THUMB_B_N, 2, 0, 0, 0);
    asm_thumb_op16(as, i32 & 0xffff);
    asm_thumb_op16(as, i32 >> 16);
    return loc;
}

static unsigned count_leading_zeros(uint32_t v) {
    return v == 0 ? 32 : (unsigned)__builtin_clz(v);
}

static unsigned count_trailing_zeros(uint32_t v) {
    return v == 0 ? 0 : (unsigned)__builtin_ctz(v);
}

// armv6m: an 8-bit value shifted left, a 16-bit value in three steps, or
// the literal load; small negative values are built positive then negated.
static void mov_reg_i32_armv6m(asm_thumb_t *as, unsigned rd, int32_t i32) {
    uint32_t u = (uint32_t)i32;
    bool negate = i32 < 0 && (u + u) != 0;
    if (negate) {
        u = 0u - u;
    }
    unsigned clz = count_leading_zeros(u);
    unsigned ctz = count_trailing_zeros(u);
    if (clz + ctz >= 24) {
        asm_thumb_mov_rlo_i8(as, rd, (u >> ctz) & 0xff);
        asm_thumb_lsl_rlo_rlo_i5(as, rd, rd, ctz);
    } else if ((u & 0xffff0000u) == 0) {
        mov_rlo_i16(as, rd, u);
    } else {
        if (negate) {
            negate = false;
            u = 0u - u;
        }
        asm_thumb_mov_reg_i32(as, rd, u);
    }
    if (negate) {
        asm_thumb_neg_rlo_rlo(as, rd, rd);
    }
}

void asm_thumb_mov_reg_i32_optimised(asm_thumb_t *as, unsigned rd, int32_t i32) {
    uint32_t u = (uint32_t)i32;
    if (rd < 8 && (u & 0xffffff00u) == 0) {
        asm_thumb_mov_rlo_i8(as, rd, u);
    } else if (!as->allow_armv7m) {
        mov_reg_i32_armv6m(as, rd, i32);
    } else if ((u & 0xffff0000u) == 0) {
        asm_thumb_mov_reg_i16(as, THUMB_MOVW, rd, (int32_t)u);
    } else {
        asm_thumb_mov_reg_i32(as, rd, u);
    }
}

// sp-relative slots hold 8 bits of word offset; beyond that the reference
// refuses the function ("too many locals for native method").
static void check_local(asm_thumb_t *as, int local_num) {
    if (in_emit_pass(as) && (local_num < 0 || local_num > 255)) {
        asm_base_fail(&as->base, ASM_ERR_TOO_MANY_LOCALS);
    }
}

void asm_thumb_mov_local_reg(asm_thumb_t *as, int local_num, unsigned rlo_src) {
    check_local(as, local_num);
    asm_thumb_op16(as, thumb_insn_table[THUMB_STR_SP].match | rlo_src << 8 | ((unsigned)local_num & 0xff));
}

void asm_thumb_mov_reg_local(asm_thumb_t *as, unsigned rlo_dest, int local_num) {
    check_local(as, local_num);
    asm_thumb_op16(as, thumb_insn_table[THUMB_LDR_SP].match | rlo_dest << 8 | ((unsigned)local_num & 0xff));
}

void asm_thumb_mov_reg_local_addr(asm_thumb_t *as, unsigned rlo_dest, int local_num) {
    asm_thumb_op16(as, thumb_insn_table[THUMB_ADD_RSP].match | rlo_dest << 8 | ((unsigned)local_num & 0xff));
}

// movw (or the armv6m three-step load) of the signed distance, sxth, then
// add pc; the distance is measured from where the add reads pc.
void asm_thumb_mov_reg_pcrel(asm_thumb_t *as, unsigned rlo_dest, size_t label) {
    size_t dest = asm_base_label_offset(&as->base, label);
    uint32_t rel = ((uint32_t)dest - (uint32_t)as->base.code_offset) | 1;
    if (as->allow_armv7m) {
        rel -= 6 + 4;
        asm_thumb_mov_reg_i16(as, THUMB_MOVW, rlo_dest, (int32_t)(rel & 0xffff));
    } else {
        rel -= 8 + 4;
        mov_rlo_i16(as, rlo_dest, rel & 0xffff);
    }
    asm_thumb_sxth_rlo_rlo(as, rlo_dest, rlo_dest);
    asm_thumb_add_reg_reg(as, rlo_dest, ASM_THUMB_REG_PC);
}

// ---------------------------------------------------------------------------
// Loads and stores at any offset.

// armv6m: rd = rbase + (offset << shift) using only 16-bit instructions.
static void add_reg_reg_offset(asm_thumb_t *as, unsigned rd, unsigned rbase, unsigned offset, unsigned shift) {
    uint32_t scaled = offset << shift;
    if (scaled < 256) {
        if (rd != rbase) {
            asm_thumb_mov_reg_reg(as, rd, rbase);
        }
        asm_thumb_add_rlo_i8(as, rd, scaled & 0xff);
    } else if (offset < 256 && rd != rbase) {
        asm_thumb_mov_rlo_i8(as, rd, offset);
        asm_thumb_lsl_rlo_rlo_i5(as, rd, rd, shift);
        asm_thumb_add_rlo_rlo_rlo(as, rd, rd, rbase);
    } else if (rd != rbase) {
        asm_thumb_mov_reg_i32_optimised(as, rd, (int32_t)scaled);
        asm_thumb_add_rlo_rlo_rlo(as, rd, rd, rbase);
    } else {
        // No free register: borrow the one whose number differs in all bits.
        unsigned other = rd ^ 7;
        asm_thumb_insn(as, THUMB_PUSH, (int32_t)(1u << other), 0, 0, 0);
        asm_thumb_mov_reg_i32_optimised(as, other, (int32_t)scaled);
        asm_thumb_add_rlo_rlo_rlo(as, rd, rd, other);
        asm_thumb_insn(as, THUMB_POP, (int32_t)(1u << other), 0, 0, 0);
    }
}

static const thumb_op_t load_ops16[3] = {THUMB_LDRB_I5, THUMB_LDRH_I5, THUMB_LDR_I5};
static const thumb_op_t load_ops32[3] = {THUMB_LDRB_W, THUMB_LDRH_W, THUMB_LDR_W};
static const thumb_op_t store_ops16[3] = {THUMB_STRB_I5, THUMB_STRH_I5, THUMB_STR_I5};
static const thumb_op_t store_ops32[3] = {THUMB_STRB_W, THUMB_STRH_W, THUMB_STR_W};

void asm_thumb_load_reg_reg_offset(asm_thumb_t *as, unsigned rd, unsigned rbase, unsigned offset, unsigned size) {
    if (offset < 32 && rd < 8 && rbase < 8) {
        asm_thumb_insn(as, load_ops16[size], rd, rbase, (int32_t)(offset << size), 0);
    } else if (as->allow_armv7m && (offset << size) < 4096) {
        asm_thumb_insn(as, load_ops32[size], rd, rbase, (int32_t)(offset << size), 0);
    } else {
        add_reg_reg_offset(as, rd, rbase, offset - 31, size);
        asm_thumb_insn(as, load_ops16[size], rd, rd, (int32_t)(31u << size), 0);
    }
}

void asm_thumb_store_reg_reg_offset(asm_thumb_t *as, unsigned rs, unsigned rbase, unsigned offset, unsigned size) {
    if (offset < 32 && rs < 8 && rbase < 8) {
        asm_thumb_insn(as, store_ops16[size], rs, rbase, (int32_t)(offset << size), 0);
    } else if (as->allow_armv7m && (offset << size) < 4096) {
        asm_thumb_insn(as, store_ops32[size], rs, rbase, (int32_t)(offset << size), 0);
    } else {
        // The base is advanced in place and restored afterwards.
        asm_thumb_insn(as, THUMB_PUSH, (int32_t)(1u << rbase), 0, 0, 0);
        add_reg_reg_offset(as, rbase, rbase, offset - 31, size);
        asm_thumb_insn(as, store_ops16[size], rs, rbase, (int32_t)(31u << size), 0);
        asm_thumb_insn(as, THUMB_POP, (int32_t)(1u << rbase), 0, 0, 0);
    }
}

void asm_thumb_bl_ind(asm_thumb_t *as, unsigned fun_id, unsigned reg_temp) {
    asm_thumb_load_reg_reg_offset(as, reg_temp, ASM_THUMB_REG_FUN_TABLE, fun_id, 2);
    asm_thumb_blx_reg(as, reg_temp);
}
