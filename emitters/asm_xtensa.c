// emitters/asm_xtensa.c: Xtensa encoding. The pure encoder and decoder
// work from xtensa_insns.def; the rest reproduces the instruction
// selection of MicroPython's py/asmxtensa.c (entry/exit with the literal
// pool, constants, branches, loads at any offset) for the call0 and the
// windowed ABI.
#include "asm_xtensa.h"

#include <stdio.h>
#include <string.h>

// ---------------------------------------------------------------------------
// Tables expanded from xtensa_insns.def.

#define F(kind, lsb, width, aux) {XF_##kind, lsb, width, aux}
const xtensa_field_t xtensa_form_fields[XTENSA_NUM_FORMS][XTENSA_MAX_OPERANDS] = {
#define FORM(name, f0, f1, f2) [XTENSA_FORM_##name] = {f0, f1, f2},
#define INSN(name, match, mask, form, text)
#include "xtensa_insns.def"
#undef FORM
#undef INSN
};
#undef F

// Operand count of each form, counted from the same rows.
#define F(kind, lsb, width, aux) (XF_##kind != XF_NONE)
static const uint8_t form_n_operands[XTENSA_NUM_FORMS] = {
#define FORM(name, f0, f1, f2) [XTENSA_FORM_##name] = (f0) + (f1) + (f2),
#define INSN(name, match, mask, form, text)
#include "xtensa_insns.def"
#undef FORM
#undef INSN
};
#undef F

const xtensa_insn_info_t xtensa_insn_table[XTENSA_NUM_OPS] = {
#define FORM(name, f0, f1, f2)
#define INSN(name, match, mask, form, text) \
    [XTENSA_##name] = {#name, match, mask, XTENSA_FORM_##form, ((match) & 0x8) != 0 ? 2 : 3, text},
#include "xtensa_insns.def"
#undef FORM
#undef INSN
};

// The condition fields index these rows.
_Static_assert(XTENSA_BNEZ == XTENSA_BEQZ + ASM_XTENSA_CCZ_NE, "bccz rows in m-field order");
_Static_assert(XTENSA_BLTZ == XTENSA_BEQZ + ASM_XTENSA_CCZ_LT, "bccz rows in m-field order");
_Static_assert(XTENSA_BGEZ == XTENSA_BEQZ + ASM_XTENSA_CCZ_GE, "bccz rows in m-field order");

int xtensa_n_operands(xtensa_op_t op) {
    return form_n_operands[xtensa_insn_table[op].form];
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

// The low `bits` bits of v as a signed number.
static int32_t sign_extend(uint32_t v, unsigned bits) {
    uint32_t m = UINT32_C(1) << (bits - 1);
    v &= (m << 1) - 1;
    return (int32_t)((v ^ m) - m);
}

static uint32_t bits_of(uint32_t w, unsigned lsb, unsigned width) {
    return (w >> lsb) & ((UINT32_C(1) << width) - 1);
}

static uint32_t low_bits(int32_t v, unsigned width) {
    return (uint32_t)v & ((UINT32_C(1) << width) - 1);
}

static bool is_aligned(int32_t v, unsigned shift) {
    return (v & ((INT32_C(1) << shift) - 1)) == 0;
}

static bool pack_uimm(const xtensa_field_t *f, int32_t v, uint32_t *w) {
    if (v < 0 || !is_aligned(v, f->aux) || !fits_unsigned(v >> f->aux, f->width)) {
        return false;
    }
    *w |= (uint32_t)(v >> f->aux) << f->lsb;
    return true;
}

static bool pack_simm(const xtensa_field_t *f, int32_t v, uint32_t *w) {
    int32_t scaled = v / (INT32_C(1) << f->aux);
    if (!is_aligned(v, f->aux) || !fits_signed(scaled, f->width)) {
        return false;
    }
    *w |= low_bits(scaled, f->width) << f->lsb;
    return true;
}

// movi: imm[11:8] in the s field, imm[7:0] in the imm8 field (ISA 8, MOVI).
static bool pack_movi12(int32_t v, uint32_t *w) {
    if (!fits_signed(v, 12)) {
        return false;
    }
    uint32_t u = low_bits(v, 12);
    *w |= (u & 0xff) << 16 | (u >> 8) << 8;
    return true;
}

// movi.n: the 7-bit field reads -32..95 (ISA 8, MOVI.N).
static bool pack_movin7(int32_t v, uint32_t *w) {
    if (v < -32 || v > 95) {
        return false;
    }
    uint32_t u = low_bits(v, 7);
    *w |= (u & 0xf) << 12 | (u >> 4) << 4;
    return true;
}

// The 5-bit amounts split as 4 bits plus a fifth bit elsewhere.
static bool pack_sa5(const xtensa_field_t *f, int32_t v, uint32_t *w) {
    if (!fits_unsigned(v, 5)) {
        return false;
    }
    *w |= ((uint32_t)v & 0xf) << f->lsb | ((uint32_t)v >> 4) << f->aux;
    return true;
}

static bool pack_br(const xtensa_field_t *f, int32_t v, uint32_t *w) {
    if (!fits_signed(v, f->width)) {
        return false;
    }
    *w |= low_bits(v, f->width) << f->lsb;
    return true;
}

// beqz.n/bnez.n: imm6[5:4] in bits 5..4, imm6[3:0] in bits 15..12.
static bool pack_brn6(int32_t v, uint32_t *w) {
    if (!fits_unsigned(v, 6)) {
        return false;
    }
    *w |= ((uint32_t)v >> 4) << 4 | ((uint32_t)v & 0xf) << 12;
    return true;
}

static bool pack_call(const xtensa_field_t *f, int32_t v, uint32_t *w) {
    if (!is_aligned(v, 2) || !fits_signed(v / 4, f->width)) {
        return false;
    }
    *w |= low_bits(v / 4, f->width) << f->lsb;
    return true;
}

// l32r reaches back only: the 16-bit field is extended with ones (ISA 8,
// L32R).
static bool pack_l32r(const xtensa_field_t *f, int32_t v, uint32_t *w) {
    if (!is_aligned(v, 2) || v > -4 || v < -262144) {
        return false;
    }
    *w |= low_bits(v / 4, 16) << f->lsb;
    return true;
}

static bool pack_field(const xtensa_field_t *f, int32_t v, uint32_t *w) {
    switch ((xtensa_field_kind_t)f->kind) {
        case XF_NONE:
            return true;
        case XF_REG:
            return fits_unsigned(v, 4) && (*w |= (uint32_t)v << f->lsb, true);
        case XF_UIMM:
            return pack_uimm(f, v, w);
        case XF_SIMM:
            return pack_simm(f, v, w);
        case XF_MOVI12:
            return pack_movi12(v, w);
        case XF_MOVIN7:
            return pack_movin7(v, w);
        case XF_ADDIN4:
            return (v == -1 || (v >= 1 && v <= 15)) && (*w |= low_bits(v == -1 ? 0 : v, 4) << f->lsb, true);
        case XF_SA5:
            return pack_sa5(f, v, w);
        case XF_SLLI:
            return v >= 1 && v <= 31 && pack_sa5(f, 32 - v, w);
        case XF_BR:
            return pack_br(f, v, w);
        case XF_BRN6:
            return pack_brn6(v, w);
        case XF_CALL:
            return pack_call(f, v, w);
        case XF_L32R:
            return pack_l32r(f, v, w);
    }
    return false;
}

bool xtensa_encode(xtensa_op_t op, const int32_t *operands, uint32_t *word) {
    const xtensa_insn_info_t *info = &xtensa_insn_table[op];
    uint32_t w = info->match;
    for (int i = 0; i < XTENSA_MAX_OPERANDS; i++) {
        if (!pack_field(&xtensa_form_fields[info->form][i], operands[i], &w)) {
            *word = 0;
            return false;
        }
    }
    *word = w;
    return true;
}

// ---------------------------------------------------------------------------
// Field unpacking, the inverse of the above.

static int32_t unpack_movin7(uint32_t w) {
    uint32_t raw = bits_of(w, 12, 4) | bits_of(w, 4, 3) << 4;
    return raw >= 96 ? (int32_t)raw - 128 : (int32_t)raw;
}

static int32_t unpack_sa5(const xtensa_field_t *f, uint32_t w) {
    return (int32_t)(bits_of(w, f->lsb, 4) | bits_of(w, f->aux, 1) << 4);
}

// Returns false when the field holds a value the form refuses.
static bool unpack_field(const xtensa_field_t *f, uint32_t w, int32_t *v) {
    uint32_t raw = f->width != 0 ? bits_of(w, f->lsb, f->width) : 0;
    switch ((xtensa_field_kind_t)f->kind) {
        case XF_NONE:
            *v = 0;
            return true;
        case XF_REG:
            *v = (int32_t)raw;
            return true;
        case XF_UIMM:
            *v = (int32_t)(raw << f->aux);
            return true;
        case XF_SIMM:
            *v = sign_extend(raw, f->width) * (INT32_C(1) << f->aux);
            return true;
        case XF_MOVI12:
            *v = sign_extend(bits_of(w, 16, 8) | bits_of(w, 8, 4) << 8, 12);
            return true;
        case XF_MOVIN7:
            *v = unpack_movin7(w);
            return true;
        case XF_ADDIN4:
            *v = raw == 0 ? -1 : (int32_t)raw;
            return true;
        case XF_SA5:
            *v = unpack_sa5(f, w);
            return true;
        case XF_SLLI:
            *v = 32 - unpack_sa5(f, w);
            return *v != 32;
        case XF_BR:
            *v = sign_extend(raw, f->width);
            return true;
        case XF_BRN6:
            *v = (int32_t)(bits_of(w, 4, 2) << 4 | bits_of(w, 12, 4));
            return true;
        case XF_CALL:
            *v = sign_extend(raw, f->width) * 4;
            return true;
        case XF_L32R:
            *v = (int32_t)(UINT32_C(0xfffc0000) | raw << 2);
            return true;
    }
    return false;
}

bool xtensa_decode_operands(xtensa_op_t op, uint32_t word, int32_t *operands) {
    const xtensa_insn_info_t *info = &xtensa_insn_table[op];
    bool ok = (word & info->mask) == info->match;
    for (int i = 0; i < XTENSA_MAX_OPERANDS; i++) {
        ok = unpack_field(&xtensa_form_fields[info->form][i], word, &operands[i]) && ok;
    }
    return ok;
}

xtensa_op_t xtensa_match(uint32_t word, bool is_narrow) {
    int32_t ops[XTENSA_MAX_OPERANDS];
    for (int op = 0; op < XTENSA_NUM_OPS; op++) {
        if ((xtensa_insn_table[op].size == 2) != is_narrow) {
            continue;
        }
        if (xtensa_decode_operands((xtensa_op_t)op, word, ops)) {
            return (xtensa_op_t)op;
        }
    }
    return XTENSA_NUM_OPS;
}

// ---------------------------------------------------------------------------
// Emitting.

bool asm_xtensa_init(asm_xtensa_t *as, size_t max_num_labels) {
    memset(as, 0, sizeof(*as));
    return asm_base_init(&as->base, max_num_labels);
}

void asm_xtensa_deinit(asm_xtensa_t *as) {
    asm_base_deinit(&as->base);
}

void asm_xtensa_end_pass(asm_xtensa_t *as) {
    as->num_const = as->cur_const;
    as->cur_const = 0;
}

// The first fault wins; the native emitter sees it as a too-big function.
static void record_fault(asm_xtensa_t *as, asm_xtensa_fault_t fault, const char *insn) {
    if (as->fault == ASM_XTENSA_FAULT_NONE) {
        as->fault = fault;
        as->fault_insn = insn;
    }
    asm_base_fail(&as->base, ASM_ERR_TOO_BIG);
}

void asm_xtensa_fault_text(const asm_xtensa_t *as, char *out, size_t cap) {
    switch (as->fault) {
        case ASM_XTENSA_FAULT_NONE:
            snprintf(out, cap, "%s", "");
            break;
        case ASM_XTENSA_FAULT_RANGE:
            snprintf(out, cap, "ERROR: xtensa %s out of range", as->fault_insn);
            break;
        case ASM_XTENSA_FAULT_TARGET_ALIGN:
            snprintf(out, cap, "ERROR: %s target not word-aligned", as->fault_insn);
            break;
        case ASM_XTENSA_FAULT_LOCATION_ALIGN:
            snprintf(out, cap, "ERROR: %s location not word-aligned", as->fault_insn);
            break;
    }
}

void asm_xtensa_op16(asm_xtensa_t *as, uint32_t op) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(&as->base, 2);
    if (c != NULL) {
        c[0] = (uint8_t)op;
        c[1] = (uint8_t)(op >> 8);
    }
}

void asm_xtensa_op24(asm_xtensa_t *as, uint32_t op) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(&as->base, 3);
    if (c != NULL) {
        c[0] = (uint8_t)op;
        c[1] = (uint8_t)(op >> 8);
        c[2] = (uint8_t)(op >> 16);
    }
}

bool asm_xtensa_insn(asm_xtensa_t *as, xtensa_op_t op, int32_t a, int32_t b, int32_t c) {
    const int32_t operands[XTENSA_MAX_OPERANDS] = {a, b, c};
    uint32_t w;
    bool ok = xtensa_encode(op, operands, &w);
    asm_base_insn(&as->base, ok, xtensa_insn_table[op].size, w);
    return ok;
}

void asm_xtensa_addi_reg_reg_i8(asm_xtensa_t *as, unsigned rd, unsigned rs, int32_t imm) {
    asm_xtensa_insn(as, XTENSA_ADDI, (int32_t)rd, (int32_t)rs, sign_extend((uint32_t)imm, 8));
}

void asm_xtensa_movi_reg_i12(asm_xtensa_t *as, unsigned rd, int32_t imm) {
    asm_xtensa_insn(as, XTENSA_MOVI, (int32_t)rd, sign_extend((uint32_t)imm, 12), 0);
}

void asm_xtensa_l32i_n_reg_reg_i4(asm_xtensa_t *as, unsigned rd, unsigned rbase, unsigned word_offset) {
    asm_xtensa_insn(as, XTENSA_L32I_N, (int32_t)rd, (int32_t)rbase, (int32_t)(word_offset & 0xf) * 4);
}

void asm_xtensa_s32i_n_reg_reg_i4(asm_xtensa_t *as, unsigned rs, unsigned rbase, unsigned word_offset) {
    asm_xtensa_insn(as, XTENSA_S32I_N, (int32_t)rs, (int32_t)rbase, (int32_t)(word_offset & 0xf) * 4);
}

void asm_xtensa_mem_reg_reg_i8(asm_xtensa_t *as, xtensa_op_t op, unsigned rt, unsigned rbase, unsigned offset) {
    unsigned scale = xtensa_form_fields[xtensa_insn_table[op].form][2].aux;
    asm_xtensa_insn(as, op, (int32_t)rt, (int32_t)rbase, (int32_t)((offset & 0xff) << scale));
}

void asm_xtensa_entry_reg_i12(asm_xtensa_t *as, unsigned rs, uint32_t frame_bytes) {
    asm_xtensa_insn(as, XTENSA_ENTRY, (int32_t)rs, (int32_t)(((frame_bytes / 8) & 0xfff) * 8), 0);
}

void asm_xtensa_j_rel18(asm_xtensa_t *as, int32_t rel) {
    asm_xtensa_insn(as, XTENSA_J, sign_extend((uint32_t)rel, 18), 0, 0);
}

void asm_xtensa_bccz_reg_rel12(asm_xtensa_t *as, unsigned ccz, unsigned rs, int32_t rel) {
    xtensa_op_t op = (xtensa_op_t)(XTENSA_BEQZ + (ccz & 3));
    asm_xtensa_insn(as, op, (int32_t)rs, sign_extend((uint32_t)rel, 12), 0);
}

// The two-register branches by their r-field condition. bbci/bbsi take
// two condition values each (the fifth bit of the bit number).
static const uint8_t bcc_rows[16] = {
    XTENSA_BNONE, XTENSA_BEQ, XTENSA_BLT, XTENSA_BLTU, XTENSA_BALL, XTENSA_BBC, XTENSA_BBCI, XTENSA_BBCI,
    XTENSA_BANY, XTENSA_BNE, XTENSA_BGE, XTENSA_BGEU, XTENSA_BNALL, XTENSA_BBS, XTENSA_BBSI, XTENSA_BBSI,
};

void asm_xtensa_bcc_reg_reg_rel8(asm_xtensa_t *as, unsigned cc, unsigned rs, unsigned rt, int32_t rel) {
    asm_xtensa_insn(as, (xtensa_op_t)bcc_rows[cc & 15], (int32_t)rs, (int32_t)rt, sign_extend((uint32_t)rel, 8));
}

void asm_xtensa_call0_rel18(asm_xtensa_t *as, int32_t rel18) {
    asm_xtensa_insn(as, XTENSA_CALL0, sign_extend((uint32_t)rel18, 18) * 4, 0, 0);
}

void asm_xtensa_l32r_reg_offsets(asm_xtensa_t *as, unsigned rd, size_t op_off, size_t dest_off) {
    uint32_t base = ((uint32_t)op_off + 3) & ~UINT32_C(3);
    uint32_t field = (((uint32_t)dest_off - base) >> 2) & 0xffff;
    asm_xtensa_insn(as, XTENSA_L32R, (int32_t)rd, (int32_t)(UINT32_C(0xfffc0000) | field << 2), 0);
}

// ---------------------------------------------------------------------------
// Entry and exit.

static bool signed_fit8(int32_t v) {
    return fits_signed(v, 8);
}

static bool signed_fit12(int32_t v) {
    return fits_signed(v, 12);
}

static bool signed_fit18(int32_t v) {
    return fits_signed(v, 18);
}

// j over the pad byte and the literals, then the pool itself (written by
// mov_reg_i32 as it uses the literals).
static void literal_pool(asm_xtensa_t *as) {
    if (as->num_const == 0) {
        return;
    }
    asm_xtensa_j_rel18(as, (int32_t)(as->num_const * 4));
    asm_base_get_cur_to_write_bytes(&as->base, 1);
    as->const_table_offset = as->base.code_offset;
    as->has_const_table = as->base.pass == ASM_PASS_EMIT;
    asm_base_get_cur_to_write_bytes(&as->base, as->num_const * 4);
}

void asm_xtensa_entry(asm_xtensa_t *as, int num_locals) {
    literal_pool(as);
    as->stack_adjust = ((ASM_XTENSA_NUM_REGS_SAVED + (uint32_t)num_locals) * 4 + 15) & ~UINT32_C(15);
    if (signed_fit8(-(int32_t)as->stack_adjust)) {
        asm_xtensa_addi_reg_reg_i8(as, ASM_XTENSA_REG_A1, ASM_XTENSA_REG_A1, -(int32_t)as->stack_adjust);
    } else {
        asm_xtensa_movi_reg_i12(as, ASM_XTENSA_REG_A9, (int32_t)as->stack_adjust);
        asm_xtensa_sub_reg_reg_reg(as, ASM_XTENSA_REG_A1, ASM_XTENSA_REG_A1, ASM_XTENSA_REG_A9);
    }
    asm_xtensa_s32i_n_reg_reg_i4(as, ASM_XTENSA_REG_A0, ASM_XTENSA_REG_A1, 0);
    for (unsigned i = 1; i < ASM_XTENSA_NUM_REGS_SAVED; i++) {
        asm_xtensa_s32i_n_reg_reg_i4(as, ASM_XTENSA_REG_A11 + i, ASM_XTENSA_REG_A1, i);
    }
}

void asm_xtensa_exit(asm_xtensa_t *as) {
    for (unsigned i = ASM_XTENSA_NUM_REGS_SAVED - 1; i >= 1; i--) {
        asm_xtensa_l32i_n_reg_reg_i4(as, ASM_XTENSA_REG_A11 + i, ASM_XTENSA_REG_A1, i);
    }
    asm_xtensa_l32i_n_reg_reg_i4(as, ASM_XTENSA_REG_A0, ASM_XTENSA_REG_A1, 0);
    if (signed_fit8((int32_t)as->stack_adjust)) {
        asm_xtensa_addi_reg_reg_i8(as, ASM_XTENSA_REG_A1, ASM_XTENSA_REG_A1, (int32_t)as->stack_adjust);
    } else {
        asm_xtensa_movi_reg_i12(as, ASM_XTENSA_REG_A9, (int32_t)as->stack_adjust);
        asm_xtensa_add_n_reg_reg_reg(as, ASM_XTENSA_REG_A1, ASM_XTENSA_REG_A1, ASM_XTENSA_REG_A9);
    }
    asm_xtensa_ret_n(as);
}

// The register window's 32-byte spill area sits above the frame.
void asm_xtensa_entry_win(asm_xtensa_t *as, int num_locals) {
    literal_pool(as);
    uint32_t frame = ((ASM_XTENSA_NUM_REGS_SAVED_WIN + (uint32_t)num_locals) * 4 + 15) & ~UINT32_C(15);
    as->stack_adjust = 32 + frame;
    asm_xtensa_entry_reg_i12(as, ASM_XTENSA_REG_A1, as->stack_adjust);
    asm_xtensa_s32i_n_reg_reg_i4(as, ASM_XTENSA_REG_A0, ASM_XTENSA_REG_A1, 0);
}

void asm_xtensa_exit_win(asm_xtensa_t *as) {
    asm_xtensa_l32i_n_reg_reg_i4(as, ASM_XTENSA_REG_A0, ASM_XTENSA_REG_A1, 0);
    asm_xtensa_retw_n(as);
}

// ---------------------------------------------------------------------------
// Label branches. Distances are computed in 32 bits, as the official
// assembler does, so an unset label (all ones) gives a harmless garbage
// distance in the sizing passes.

static uint32_t label_dest(const asm_xtensa_t *as, size_t label) {
    return (uint32_t)asm_base_label_offset(&as->base, label);
}

static int32_t label_rel(const asm_xtensa_t *as, size_t label, uint32_t adjust) {
    return (int32_t)(label_dest(as, label) - (uint32_t)as->base.code_offset - adjust);
}

// A branch is short only when its label is already known and behind it.
static bool is_backward(const asm_xtensa_t *as, size_t label, int32_t rel) {
    return label_dest(as, label) != UINT32_MAX && rel < 0;
}

void asm_xtensa_j_label(asm_xtensa_t *as, size_t label) {
    asm_xtensa_j_rel18(as, label_rel(as, label, 4));
}

// The long form: the opposite branch over a j (the j then starts 3 bytes
// further on, so its distance is 3 less).
void asm_xtensa_bccz_reg_label(asm_xtensa_t *as, unsigned ccz, unsigned rs, size_t label) {
    int32_t rel = label_rel(as, label, 4);
    if (is_backward(as, label, rel) && signed_fit12(rel)) {
        asm_xtensa_bccz_reg_rel12(as, ccz, rs, rel);
        return;
    }
    if (as->base.pass == ASM_PASS_EMIT && !signed_fit18(rel - 6)) {
        record_fault(as, ASM_XTENSA_FAULT_RANGE, "bccz");
    }
    asm_xtensa_bccz_reg_rel12(as, ccz ^ 1, rs, 6 - 4);
    asm_xtensa_j_rel18(as, rel - 3);
}

void asm_xtensa_bcc_reg_reg_label(asm_xtensa_t *as, unsigned cc, unsigned rs, unsigned rt, size_t label) {
    int32_t rel = label_rel(as, label, 4);
    if (is_backward(as, label, rel) && signed_fit8(rel)) {
        asm_xtensa_bcc_reg_reg_rel8(as, cc, rs, rt, rel);
        return;
    }
    if (as->base.pass == ASM_PASS_EMIT && !signed_fit18(rel - 6)) {
        record_fault(as, ASM_XTENSA_FAULT_RANGE, "bcc");
    }
    asm_xtensa_bcc_reg_reg_rel8(as, cc ^ 8, rs, rt, 6 - 4);
    asm_xtensa_j_rel18(as, rel - 3);
}

// movi.n 1; b<cc> over the next movi.n; movi.n 0.
void asm_xtensa_setcc_reg_reg_reg(asm_xtensa_t *as, unsigned cc, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_xtensa_movi_n_reg_i7(as, rd, 1);
    asm_xtensa_bcc_reg_reg_rel8(as, cc, rs1, rs2, 1);
    asm_xtensa_movi_n_reg_i7(as, rd, 0);
}

// ---------------------------------------------------------------------------
// Constants, locals and memory.

size_t asm_xtensa_mov_reg_i32(asm_xtensa_t *as, unsigned rd, uint32_t i32) {
    size_t loc = as->const_table_offset + as->cur_const * 4;
    asm_xtensa_l32r_reg_offsets(as, rd, as->base.code_offset, loc);
    // The literal is stored even in dead code: the pool has its slot.
    if (as->has_const_table && as->cur_const < as->num_const && as->base.code != NULL) {
        uint8_t *c = as->base.code + loc;
        c[0] = (uint8_t)i32;
        c[1] = (uint8_t)(i32 >> 8);
        c[2] = (uint8_t)(i32 >> 16);
        c[3] = (uint8_t)(i32 >> 24);
    }
    as->cur_const++;
    return loc;
}

void asm_xtensa_mov_reg_i32_optimised(asm_xtensa_t *as, unsigned rd, uint32_t i32) {
    int32_t v = (int32_t)i32;
    if (v >= -32 && v <= 95) {
        asm_xtensa_movi_n_reg_i7(as, rd, v);
    } else if (signed_fit12(v)) {
        asm_xtensa_movi_reg_i12(as, rd, v);
    } else {
        asm_xtensa_mov_reg_i32(as, rd, i32);
    }
}

void asm_xtensa_mov_local_reg(asm_xtensa_t *as, int local_num, unsigned rs) {
    asm_xtensa_mem_reg_reg_i8(as, XTENSA_S32I, rs, ASM_XTENSA_REG_A1, (unsigned)local_num);
}

void asm_xtensa_mov_reg_local(asm_xtensa_t *as, unsigned rd, int local_num) {
    asm_xtensa_mem_reg_reg_i8(as, XTENSA_L32I, rd, ASM_XTENSA_REG_A1, (unsigned)local_num);
}

void asm_xtensa_mov_reg_local_addr(asm_xtensa_t *as, unsigned rd, int local_num) {
    int32_t off = local_num * 4;
    if (signed_fit8(off)) {
        asm_xtensa_addi_reg_reg_i8(as, rd, ASM_XTENSA_REG_A1, off);
    } else {
        asm_xtensa_movi_reg_i12(as, rd, off);
        asm_xtensa_add_n_reg_reg_reg(as, rd, rd, ASM_XTENSA_REG_A1);
    }
}

// movi rd, distance; call0 to the next word-aligned address (padding up to
// it), which leaves that address in a0; add.n rd, rd, a0. The distance
// counts from the end of the movi plus the 3 bytes call0 adds.
void asm_xtensa_mov_reg_pcrel(asm_xtensa_t *as, unsigned rd, size_t label) {
    int32_t rel = label_rel(as, label, 0) - (3 + 3);
    asm_xtensa_movi_reg_i12(as, rd, rel);
    size_t off = as->base.code_offset >> 1 & 1;
    size_t pad = (5 - as->base.code_offset) & 3;
    asm_xtensa_call0_rel18(as, (int32_t)off);
    asm_base_get_cur_to_write_bytes(&as->base, pad);
    asm_xtensa_add_n_reg_reg_reg(as, rd, rd, ASM_XTENSA_REG_A0);
}

void asm_xtensa_l32i_optimised(asm_xtensa_t *as, unsigned rd, unsigned rbase, unsigned word_offset) {
    if (word_offset < 16) {
        asm_xtensa_l32i_n_reg_reg_i4(as, rd, rbase, word_offset);
    } else if (word_offset < 256) {
        asm_xtensa_mem_reg_reg_i8(as, XTENSA_L32I, rd, rbase, word_offset);
    } else {
        asm_xtensa_mov_reg_i32_optimised(as, rd, word_offset * 4);
        asm_xtensa_add_n_reg_reg_reg(as, rd, rbase, rd);
        asm_xtensa_l32i_n_reg_reg_i4(as, rd, rd, 0);
    }
}

static const xtensa_op_t load_ops[3] = {XTENSA_L8UI, XTENSA_L16UI, XTENSA_L32I};
static const xtensa_op_t store_ops[3] = {XTENSA_S8I, XTENSA_S16I, XTENSA_S32I};

void asm_xtensa_load_reg_reg_offset(asm_xtensa_t *as, unsigned rd, unsigned rbase, unsigned offset, unsigned size) {
    if (size == 2 && offset < 16) {
        asm_xtensa_l32i_n_reg_reg_i4(as, rd, rbase, offset);
    } else if (offset < 256) {
        asm_xtensa_mem_reg_reg_i8(as, load_ops[size], rd, rbase, offset);
    } else {
        asm_xtensa_mov_reg_i32_optimised(as, rd, offset << size);
        asm_xtensa_add_n_reg_reg_reg(as, rd, rbase, rd);
        if (size == 2) {
            asm_xtensa_l32i_n_reg_reg_i4(as, rd, rd, 0);
        } else {
            asm_xtensa_mem_reg_reg_i8(as, load_ops[size], rd, rd, 0);
        }
    }
}

void asm_xtensa_store_reg_reg_offset(asm_xtensa_t *as, unsigned rs, unsigned rbase, unsigned offset, unsigned size) {
    if (size == 2 && offset < 16) {
        asm_xtensa_s32i_n_reg_reg_i4(as, rs, rbase, offset);
    } else if (offset < 256) {
        asm_xtensa_mem_reg_reg_i8(as, store_ops[size], rs, rbase, offset);
    } else {
        unsigned tmp = ASM_XTENSA_REG_TEMPORARY;
        asm_xtensa_mov_reg_i32_optimised(as, tmp, offset << size);
        asm_xtensa_add_n_reg_reg_reg(as, tmp, rbase, tmp);
        if (size == 2) {
            asm_xtensa_s32i_n_reg_reg_i4(as, rs, tmp, 0);
        } else {
            asm_xtensa_mem_reg_reg_i8(as, store_ops[size], rs, tmp, 0);
        }
    }
}

void asm_xtensa_call_ind(asm_xtensa_t *as, unsigned idx) {
    asm_xtensa_l32i_optimised(as, ASM_XTENSA_REG_A0, ASM_XTENSA_REG_FUN_TABLE, idx);
    asm_xtensa_callx0_reg(as, ASM_XTENSA_REG_A0);
}

void asm_xtensa_call_ind_win(asm_xtensa_t *as, unsigned idx) {
    asm_xtensa_l32i_optimised(as, ASM_XTENSA_REG_A8, ASM_XTENSA_REG_FUN_TABLE_WIN, idx);
    asm_xtensa_callx8_reg(as, ASM_XTENSA_REG_A8);
}

// ---------------------------------------------------------------------------
// Label instructions of the inline assembler.

void asm_xtensa_bit_branch(asm_xtensa_t *as, unsigned rs, unsigned bit, size_t label, unsigned cond) {
    int32_t rel = label_rel(as, label, 4);
    if (as->base.pass == ASM_PASS_EMIT && !signed_fit8(rel)) {
        record_fault(as, ASM_XTENSA_FAULT_RANGE, "bit_branch");
    }
    xtensa_op_t op = (cond & 8) != 0 ? XTENSA_BBSI : XTENSA_BBCI;
    asm_xtensa_insn(as, op, (int32_t)rs, (int32_t)(bit & 31), sign_extend((uint32_t)rel, 8));
}

// The official assembler stores the byte distance (not the word distance)
// in the offset field; kept, since the field is what the goldens hold.
void asm_xtensa_call0_label(asm_xtensa_t *as, size_t label) {
    uint32_t dest = label_dest(as, label);
    int32_t rel = label_rel(as, label, 3);
    if (as->base.pass == ASM_PASS_EMIT) {
        if ((dest & 3) != 0) {
            record_fault(as, ASM_XTENSA_FAULT_TARGET_ALIGN, "call0");
        } else if ((rel & 3) != 0) {
            record_fault(as, ASM_XTENSA_FAULT_LOCATION_ALIGN, "call0");
        } else if (!signed_fit18(rel)) {
            record_fault(as, ASM_XTENSA_FAULT_RANGE, "call0");
        }
    }
    asm_xtensa_call0_rel18(as, rel);
}

void asm_xtensa_l32r_label(asm_xtensa_t *as, unsigned rd, size_t label) {
    uint32_t dest = label_dest(as, label);
    int32_t rel = label_rel(as, label, 0);
    if (as->base.pass == ASM_PASS_EMIT) {
        if ((dest & 3) != 0) {
            record_fault(as, ASM_XTENSA_FAULT_TARGET_ALIGN, "l32r");
        } else if ((rel & 3) != 0) {
            record_fault(as, ASM_XTENSA_FAULT_LOCATION_ALIGN, "l32r");
        } else if (!signed_fit18(rel) || rel >= 0) {
            record_fault(as, ASM_XTENSA_FAULT_RANGE, "l32r");
        }
    }
    asm_xtensa_l32r_reg_offsets(as, rd, as->base.code_offset, dest);
}
