// emitters/asm_rv32.c: RV32IMC encoding. The pure encoder and decoder work
// from rv32_insns.def; the rest reproduces the instruction selection of
// MicroPython's py/asmrv32.c (entry/exit, constants, jumps, calls through
// the function table, loads and stores at any offset) for rv32imc.
#include "asm_rv32.h"

#include <string.h>

// ---------------------------------------------------------------------------
// Tables expanded from rv32_insns.def.

typedef struct rv32_seg {
    uint8_t insn_lsb;
    uint8_t imm_lsb;
    uint8_t width;
} rv32_seg_t;

#define S(insn_lsb, imm_lsb, width) {insn_lsb, imm_lsb, width}
#define LAYOUT(name, ...) static const rv32_seg_t layout_##name[] = {__VA_ARGS__};
#define FORM(name, f0, f1, f2)
#define INSN(name, match, mask, form, ext, text)
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
#undef S

static const struct {
    const rv32_seg_t *segs;
    uint8_t n;
} layouts[RV32_NUM_LAYOUTS] = {
#define LAYOUT(name, ...) \
    [RV32_LAYOUT_##name] = {layout_##name, sizeof(layout_##name) / sizeof(layout_##name[0])},
#define FORM(name, f0, f1, f2)
#define INSN(name, match, mask, form, ext, text)
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
};

#define F(kind, lsb, layout, bits, is_signed) {RVK_##kind, lsb, RV32_LAYOUT_##layout, bits, is_signed}
const rv32_field_t rv32_form_fields[RV32_NUM_FORMS][RV32_MAX_OPERANDS] = {
#define LAYOUT(name, ...)
#define FORM(name, f0, f1, f2) [RV32_FORM_##name] = {f0, f1, f2},
#define INSN(name, match, mask, form, ext, text)
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
};
#undef F

// Operand count of each form, counted from the same rows.
#define F(kind, lsb, layout, bits, is_signed) (RVK_##kind != RVK_NONE)
static const uint8_t form_n_operands[RV32_NUM_FORMS] = {
#define LAYOUT(name, ...)
#define FORM(name, f0, f1, f2) [RV32_FORM_##name] = (f0) + (f1) + (f2),
#define INSN(name, match, mask, form, ext, text)
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
};
#undef F

const rv32_insn_info_t rv32_insn_table[RV32_NUM_OPS] = {
#define LAYOUT(name, ...)
#define FORM(name, f0, f1, f2)
#define INSN(name, match, mask, form, ext, text) \
    [RV32_##name] = {#name, match, mask, RV32_FORM_##form, RV32_EXT_##ext, ((match) & 3) == 3 ? 4 : 2, text},
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
};

int rv32_n_operands(rv32_op_t op) {
    return form_n_operands[rv32_insn_table[op].form];
}

// ---------------------------------------------------------------------------
// Operand packing. Each helper ORs one operand into *w, or returns false.

// Zcmp s-register fields number s0, s1, s2..s7 as 0..7.
static int sreg_code(int32_t reg) {
    if (reg == ASM_RV32_REG_S0 || reg == ASM_RV32_REG_S1) {
        return reg - ASM_RV32_REG_S0;
    }
    if (reg >= ASM_RV32_REG_S2 && reg <= ASM_RV32_REG_S7) {
        return reg - ASM_RV32_REG_S2 + 2;
    }
    return -1;
}

static int32_t sreg_of_code(uint32_t code) {
    return code < 2 ? ASM_RV32_REG_S0 + (int32_t)code : ASM_RV32_REG_S2 + (int32_t)code - 2;
}

static bool imm_fits(const rv32_field_t *f, int32_t v) {
    const rv32_seg_t *segs = layouts[f->layout].segs;
    unsigned low = 31;
    for (unsigned i = 0; i < layouts[f->layout].n; i++) {
        low = segs[i].imm_lsb < low ? segs[i].imm_lsb : low;
    }
    if ((v & ((INT32_C(1) << low) - 1)) != 0) {
        return false;
    }
    if (f->kind == RVK_NZIMM && v == 0) {
        return false;
    }
    if (f->is_signed) {
        int32_t lim = INT32_C(1) << (f->bits - 1);
        return v >= -lim && v < lim;
    }
    return v >= 0 && (f->bits >= 31 || v < (INT32_C(1) << f->bits));
}

static void pack_imm(const rv32_field_t *f, int32_t v, uint32_t *w) {
    const rv32_seg_t *segs = layouts[f->layout].segs;
    for (unsigned i = 0; i < layouts[f->layout].n; i++) {
        uint32_t part = ((uint32_t)v >> segs[i].imm_lsb) & ((UINT32_C(1) << segs[i].width) - 1);
        *w |= part << segs[i].insn_lsb;
    }
}

static int32_t unpack_imm(const rv32_field_t *f, uint32_t w) {
    const rv32_seg_t *segs = layouts[f->layout].segs;
    uint32_t v = 0;
    for (unsigned i = 0; i < layouts[f->layout].n; i++) {
        uint32_t part = (w >> segs[i].insn_lsb) & ((UINT32_C(1) << segs[i].width) - 1);
        v |= part << segs[i].imm_lsb;
    }
    if (f->is_signed && f->bits < 32 && (v >> (f->bits - 1)) & 1) {
        v |= ~UINT32_C(0) << f->bits;
    }
    return (int32_t)v;
}

static bool field_fits(const rv32_field_t *f, int32_t v) {
    switch ((rv32_kind_t)f->kind) {
        case RVK_NONE:
            return true;
        case RVK_REG:
            return v >= 0 && v <= 31;
        case RVK_REG_NZ:
            return v >= 1 && v <= 31;
        case RVK_REG_NZSP:
            return v >= 1 && v <= 31 && v != ASM_RV32_REG_SP;
        case RVK_CREG:
            return asm_rv32_is_creg((unsigned)v);
        case RVK_IMM:
        case RVK_NZIMM:
        case RVK_SPIMM:
            return imm_fits(f, v);
        case RVK_RLIST:
            return v >= 4 && v <= 15;
        case RVK_SREG:
            return sreg_code(v) >= 0;
    }
    return false;
}

static void pack_field(const rv32_field_t *f, int32_t v, uint32_t *w) {
    switch ((rv32_kind_t)f->kind) {
        case RVK_NONE:
            break;
        case RVK_REG:
        case RVK_REG_NZ:
        case RVK_REG_NZSP:
        case RVK_RLIST:
            *w |= (uint32_t)v << f->lsb;
            break;
        case RVK_CREG:
            *w |= (uint32_t)(v - ASM_RV32_REG_S0) << f->lsb;
            break;
        case RVK_SREG:
            *w |= (uint32_t)sreg_code(v) << f->lsb;
            break;
        case RVK_IMM:
        case RVK_NZIMM:
        case RVK_SPIMM:
            pack_imm(f, v, w);
            break;
    }
}

static int32_t unpack_field(const rv32_field_t *f, uint32_t w) {
    switch ((rv32_kind_t)f->kind) {
        case RVK_REG:
        case RVK_REG_NZ:
        case RVK_REG_NZSP:
            return (int32_t)((w >> f->lsb) & 31);
        case RVK_RLIST:
            return (int32_t)((w >> f->lsb) & 15);
        case RVK_CREG:
            return ASM_RV32_REG_S0 + (int32_t)((w >> f->lsb) & 7);
        case RVK_SREG:
            return sreg_of_code((w >> f->lsb) & 7);
        case RVK_IMM:
        case RVK_NZIMM:
        case RVK_SPIMM:
            return unpack_imm(f, w);
        case RVK_NONE:
            break;
    }
    return 0;
}

bool rv32_operand_fits(rv32_op_t op, int index, int32_t value) {
    return field_fits(&rv32_form_fields[rv32_insn_table[op].form][index], value);
}

bool rv32_encode(rv32_op_t op, const int32_t *operands, uint32_t *word) {
    const rv32_insn_info_t *info = &rv32_insn_table[op];
    const rv32_field_t *fields = rv32_form_fields[info->form];
    uint32_t w = info->match;
    *word = 0;
    for (int i = 0; i < RV32_MAX_OPERANDS; i++) {
        if (!field_fits(&fields[i], operands[i])) {
            return false;
        }
        pack_field(&fields[i], operands[i], &w);
    }
    *word = w;
    return true;
}

bool rv32_decode_operands(rv32_op_t op, uint32_t word, int32_t *operands) {
    const rv32_field_t *fields = rv32_form_fields[rv32_insn_table[op].form];
    for (int i = 0; i < RV32_MAX_OPERANDS; i++) {
        operands[i] = unpack_field(&fields[i], word);
        if (!field_fits(&fields[i], operands[i])) {
            return false;
        }
    }
    return true;
}

rv32_op_t rv32_match(uint32_t word, bool is_16bit) {
    int32_t ops[RV32_MAX_OPERANDS];
    for (int op = 0; op < RV32_NUM_OPS; op++) {
        const rv32_insn_info_t *info = &rv32_insn_table[op];
        if ((info->size == 2) != is_16bit || (word & info->mask) != info->match) {
            continue;
        }
        if (rv32_decode_operands((rv32_op_t)op, word, ops)) {
            return (rv32_op_t)op;
        }
    }
    return RV32_NUM_OPS;
}

// ---------------------------------------------------------------------------
// Emitting.

bool asm_rv32_init(asm_rv32_t *as, size_t max_num_labels, uint32_t flags) {
    memset(as, 0, sizeof(*as));
    as->flags = flags;
    return asm_base_init(&as->base, max_num_labels);
}

void asm_rv32_deinit(asm_rv32_t *as) {
    asm_base_deinit(&as->base);
}

bool asm_rv32_insn(asm_rv32_t *as, rv32_op_t op, int32_t a, int32_t b, int32_t c) {
    const int32_t operands[RV32_MAX_OPERANDS] = {a, b, c};
    uint32_t w;
    bool ok = rv32_encode(op, operands, &w);
    asm_base_insn(&as->base, ok, rv32_insn_table[op].size, w);
    return ok;
}

// ---------------------------------------------------------------------------
// Range checks as MicroPython's asmrv32 makes them: on the low 32 bits,
// so that a value and its two's complement agree.

static bool fits_unsigned(uint32_t v, unsigned bits) {
    return (v & ~((UINT32_C(1) << bits) - 1)) == 0;
}

static bool fits_signed(uint32_t v, unsigned bits) {
    uint32_t high = ~((UINT32_C(1) << (bits - 1)) - 1);
    return (v & high) == 0 || (v & high) == high;
}

static int32_t sign_extend(uint32_t v, unsigned bits) {
    uint32_t top = UINT32_C(1) << (bits - 1);
    return (int32_t)((v & ((top << 1) - 1)) ^ top) - (int32_t)top;
}

static unsigned popcount(uint32_t v) {
    unsigned n = 0;
    for (; v != 0; v &= v - 1) {
        n++;
    }
    return n;
}

// A 32-bit value as lui's upper 20 bits and addi's signed low 12 bits
// (the upper part is rounded up when the low part is negative).
static void split_immediate(uint32_t imm, uint32_t *upper, uint32_t *lower) {
    *upper = imm & 0xfffff000u;
    *lower = imm & 0x00000fffu;
    if ((*lower & 0x800) != 0) {
        *upper += 0x1000;
    }
}

// c.lui when the upper part is a small nonzero signed number, else lui.
static void load_upper_immediate(asm_rv32_t *as, unsigned rd, uint32_t upper) {
    if (fits_signed(upper, 17) && (upper >> 12) != 0) {
        asm_rv32_c_lui(as, rd, (int32_t)upper >> 12);
    } else {
        asm_rv32_lui(as, rd, upper >> 12);
    }
}

// Adds the low part to a register just loaded by [c.]lui or auipc.
static void load_lower_immediate(asm_rv32_t *as, unsigned rd, uint32_t lower) {
    if (lower == 0) {
        return;
    }
    if (fits_signed(lower, 6)) {
        asm_rv32_c_addi(as, rd, sign_extend(lower, 6));
    } else {
        asm_rv32_addi(as, rd, rd, sign_extend(lower, 12));
    }
}

static void load_full_immediate(asm_rv32_t *as, unsigned rd, uint32_t imm) {
    uint32_t upper;
    uint32_t lower;
    split_immediate(imm, &upper, &lower);
    load_upper_immediate(as, rd, upper);
    load_lower_immediate(as, rd, lower);
}

void asm_rv32_mov_reg_imm(asm_rv32_t *as, unsigned rd, int32_t imm) {
    uint32_t u = (uint32_t)imm;
    if (fits_signed(u, 6)) {
        asm_rv32_c_li(as, rd, sign_extend(u, 6));
    } else if (fits_signed(u, 12)) {
        asm_rv32_addi(as, rd, ASM_RV32_REG_ZERO, sign_extend(u, 12));
    } else {
        load_full_immediate(as, rd, u);
    }
}

void asm_rv32_xor_optimised(asm_rv32_t *as, unsigned rd, unsigned rs) {
    if (rd == rs) {
        asm_rv32_c_li(as, rd, 0);
    } else {
        asm_rv32_xor(as, rd, rd, rs);
    }
}

// ---------------------------------------------------------------------------
// Entry and exit.

// sp += delta by the shortest sequence (TEMP0 for large frames).
static void adjust_stack(asm_rv32_t *as, int32_t delta) {
    uint32_t u = (uint32_t)delta;
    if (delta == 0) {
        return;
    }
    if (fits_signed(u, 6)) {
        asm_rv32_c_addi(as, ASM_RV32_REG_SP, delta);
    } else if (fits_signed(u, 12)) {
        asm_rv32_addi(as, ASM_RV32_REG_SP, ASM_RV32_REG_SP, delta);
    } else {
        load_full_immediate(as, ASM_RV32_REG_TEMP0, u);
        asm_rv32_c_add(as, ASM_RV32_REG_SP, ASM_RV32_REG_TEMP0);
    }
}

// The saved registers sit at the bottom of the frame, lowest number
// first; the locals follow them.
static void plain_prologue(asm_rv32_t *as) {
    unsigned n_regs = popcount(as->saved_regs);
    as->stack_size = (n_regs + as->locals_count) * 4;
    adjust_stack(as, -(int32_t)as->stack_size);
    unsigned offset = 0;
    for (unsigned r = 0; r < 32; r++) {
        if (as->saved_regs & (UINT32_C(1) << r)) {
            asm_rv32_c_swsp(as, r, offset);
            offset += 4;
        }
    }
    as->locals_offset = n_regs * 4;
}

static void plain_epilogue(asm_rv32_t *as) {
    unsigned offset = 0;
    for (unsigned r = 0; r < 32; r++) {
        if (as->saved_regs & (UINT32_C(1) << r)) {
            asm_rv32_c_lwsp(as, r, offset);
            offset += 4;
        }
    }
    adjust_stack(as, (int32_t)as->stack_size);
    asm_rv32_c_jr(as, ASM_RV32_REG_RA);
}

// Zcmp register lists always start at ra and run through s0, s1, s2...:
// the number of registers the list needs to cover every saved one ({ra,
// s0-s10} does not exist, so s10 takes s11 along).
static unsigned zcmp_list_length(uint32_t regs) {
    uint32_t packed = ((regs >> ASM_RV32_REG_RA) & 1) | ((regs >> ASM_RV32_REG_S0) & 3) << 1
        | ((regs >> ASM_RV32_REG_S2) & 0x3ff) << 3;
    unsigned n = 0;
    while (packed >> n) {
        n++;
    }
    return n == 12 ? 13 : n;
}

// cm.push takes the registers and up to three 16-byte chunks of locals
// beyond the 16-byte aligned save area; sp moves further for the rest.
// Locals start at sp. stack_size keeps the extra bytes with the chunk
// count in its low two bits for the epilogue.
static void zcmp_prologue(asm_rv32_t *as) {
    unsigned n = zcmp_list_length(as->saved_regs);
    unsigned slack = ((n + 3) & ~3u) - n;
    unsigned left = as->locals_count > slack ? as->locals_count - slack : 0;
    unsigned chunks = left / 4 < 3 ? left / 4 : 3;
    left -= chunks * 4;
    unsigned rlist = 3 + n < 15 ? 3 + n : 15;
    asm_rv32_insn(as, RV32_CM_PUSH, (int32_t)rlist, (int32_t)chunks, 0);
    adjust_stack(as, -(int32_t)(left * 4));
    as->stack_size = left * 4 | chunks;
    as->locals_offset = 0;
}

static void zcmp_epilogue(asm_rv32_t *as) {
    unsigned n = zcmp_list_length(as->saved_regs);
    unsigned rlist = 3 + n < 15 ? 3 + n : 15;
    adjust_stack(as, (int32_t)(as->stack_size & ~3u));
    asm_rv32_insn(as, RV32_CM_POPRET, (int32_t)rlist, (int32_t)(as->stack_size & 3), 0);
}

void asm_rv32_entry(asm_rv32_t *as, unsigned num_locals) {
    as->saved_regs |= UINT32_C(1) << ASM_RV32_REG_FUN_TABLE | UINT32_C(1) << ASM_RV32_REG_LOCAL_1
        | UINT32_C(1) << ASM_RV32_REG_LOCAL_2 | UINT32_C(1) << ASM_RV32_REG_LOCAL_3;
    as->locals_count = num_locals;
    if (as->flags & ASM_RV32_FLAG_ZCMP) {
        zcmp_prologue(as);
    } else {
        plain_prologue(as);
    }
}

void asm_rv32_exit(asm_rv32_t *as) {
    if (as->flags & ASM_RV32_FLAG_ZCMP) {
        zcmp_epilogue(as);
    } else {
        plain_epilogue(as);
    }
}

// ---------------------------------------------------------------------------
// Calls and jumps.

void asm_rv32_call_ind(asm_rv32_t *as, unsigned index) {
    uint32_t offset = index * 4;
    unsigned temp = ASM_RV32_REG_TEMP2;
    as->saved_regs |= UINT32_C(1) << ASM_RV32_REG_RA;
    if (asm_rv32_is_creg(ASM_RV32_REG_FUN_TABLE) && asm_rv32_is_creg(ASM_RV32_REG_CALL_TEMP)
        && fits_unsigned(offset, 6)) {
        as->saved_regs |= UINT32_C(1) << ASM_RV32_REG_CALL_TEMP;
        asm_rv32_c_lw(as, ASM_RV32_REG_CALL_TEMP, ASM_RV32_REG_FUN_TABLE, offset);
        asm_rv32_c_jalr(as, ASM_RV32_REG_CALL_TEMP);
        return;
    }
    if (fits_unsigned(offset, 11)) {
        asm_rv32_lw(as, temp, ASM_RV32_REG_FUN_TABLE, (int32_t)offset);
    } else {
        uint32_t upper;
        uint32_t lower;
        split_immediate(offset, &upper, &lower);
        load_upper_immediate(as, temp, upper);
        asm_rv32_c_add(as, temp, ASM_RV32_REG_FUN_TABLE);
        asm_rv32_lw(as, temp, temp, sign_extend(lower, 12));
    }
    asm_rv32_c_jalr(as, temp);
}

// The distance to a label; true when it is already known and behind us,
// the only case short forms are chosen in (they must be the same size in
// every pass).
static bool label_distance(const asm_rv32_t *as, size_t label, int32_t *distance) {
    size_t target = asm_base_label_offset(&as->base, label);
    *distance = (int32_t)((uint32_t)target - (uint32_t)as->base.code_offset);
    return target != ASM_LABEL_UNSET && *distance < 0;
}

// auipc TEMP2 + jalr zero: a jump anywhere; `distance` is from the auipc.
static void long_jump(asm_rv32_t *as, int32_t distance) {
    uint32_t upper;
    uint32_t lower;
    split_immediate((uint32_t)distance, &upper, &lower);
    asm_rv32_auipc(as, ASM_RV32_REG_TEMP2, upper >> 12);
    asm_rv32_jalr(as, ASM_RV32_REG_ZERO, ASM_RV32_REG_TEMP2, sign_extend(lower, 12));
}

void asm_rv32_jump(asm_rv32_t *as, size_t label) {
    int32_t d;
    if (label_distance(as, label, &d) && fits_signed((uint32_t)d, 12)) {
        asm_rv32_c_j(as, d);
        return;
    }
    long_jump(as, d);
}

void asm_rv32_jump_if_eq(asm_rv32_t *as, unsigned rs1, unsigned rs2, size_t label) {
    int32_t d;
    if (label_distance(as, label, &d) && fits_signed((uint32_t)d, 13)) {
        asm_rv32_beq(as, rs1, rs2, d);
        return;
    }
    asm_rv32_bne(as, rs1, rs2, 12);
    long_jump(as, (int32_t)((uint32_t)d - 4));
}

void asm_rv32_jump_if_nonzero(asm_rv32_t *as, unsigned rs, size_t label) {
    int32_t d;
    bool is_back = label_distance(as, label, &d);
    if (is_back && fits_signed((uint32_t)d, 8) && asm_rv32_is_creg(rs)) {
        asm_rv32_c_bnez(as, rs, d);
        return;
    }
    if (is_back && fits_signed((uint32_t)d, 13)) {
        asm_rv32_bne(as, rs, ASM_RV32_REG_ZERO, d);
        return;
    }
    if (is_back && asm_rv32_is_creg(rs)) {
        asm_rv32_c_beqz(as, rs, 10);
        d -= 2;
    } else {
        asm_rv32_beq(as, rs, ASM_RV32_REG_ZERO, 12);
        d = (int32_t)((uint32_t)d - 4);
    }
    long_jump(as, d);
}

void asm_rv32_mov_reg_pcrel(asm_rv32_t *as, unsigned rd, size_t label) {
    size_t target = asm_base_label_offset(&as->base, label);
    uint32_t upper;
    uint32_t lower;
    split_immediate((uint32_t)target - (uint32_t)as->base.code_offset, &upper, &lower);
    asm_rv32_auipc(as, rd, upper >> 12);
    asm_rv32_addi(as, rd, rd, sign_extend(lower, 12));
}

// ---------------------------------------------------------------------------
// Locals and memory.

// The load or store `op` of reg at rbase + offset, with its 12-bit
// immediate when the offset fits one; otherwise through `via`, which gets
// rbase plus the offset's upper part first.
static void access_far(asm_rv32_t *as, rv32_op_t op, unsigned reg, unsigned rbase, uint32_t offset, unsigned via) {
    if (fits_signed(offset, 12)) {
        asm_rv32_insn(as, op, reg, rbase, (int32_t)offset);
        return;
    }
    uint32_t upper;
    uint32_t lower;
    split_immediate(offset, &upper, &lower);
    load_upper_immediate(as, via, upper);
    asm_rv32_c_add(as, via, rbase);
    asm_rv32_insn(as, op, reg, via, sign_extend(lower, 12));
}

// A local's slot, sp-relative: the compressed c_op (c.lwsp, c.swsp) for
// the first 64 words, else op.
static void access_local(asm_rv32_t *as, rv32_op_t c_op, rv32_op_t op, unsigned reg, unsigned local_num,
    unsigned via) {
    uint32_t offset = as->locals_offset + local_num * 4;
    if (fits_unsigned(offset >> 2, 6)) {
        asm_rv32_insn(as, c_op, reg, (int32_t)offset, 0);
    } else {
        access_far(as, op, reg, ASM_RV32_REG_SP, offset, via);
    }
}

void asm_rv32_mov_local_reg(asm_rv32_t *as, unsigned local_num, unsigned rs) {
    access_local(as, RV32_C_SWSP, RV32_SW, rs, local_num, ASM_RV32_REG_TEMP2);
}

void asm_rv32_mov_reg_local(asm_rv32_t *as, unsigned rd, unsigned local_num) {
    access_local(as, RV32_C_LWSP, RV32_LW, rd, local_num, rd);
}

void asm_rv32_mov_reg_local_addr(asm_rv32_t *as, unsigned rd, unsigned local_num) {
    uint32_t offset = as->locals_offset + local_num * 4;
    if (fits_unsigned(offset, 10) && offset != 0 && asm_rv32_is_creg(rd)) {
        asm_rv32_c_addi4spn(as, rd, offset);
    } else if (fits_unsigned(offset, 11)) {
        asm_rv32_addi(as, rd, ASM_RV32_REG_SP, (int32_t)offset);
    } else {
        load_full_immediate(as, rd, offset);
        asm_rv32_c_add(as, rd, ASM_RV32_REG_SP);
    }
}

static const rv32_op_t load_ops[3] = {RV32_LBU, RV32_LHU, RV32_LW};
static const rv32_op_t store_ops[3] = {RV32_SB, RV32_SH, RV32_SW};

// reg at rbase + (offset << size): words between compressed registers
// take the compressed c_op (c.lw, c.sw) for the first 32 words.
static void access_offset(asm_rv32_t *as, rv32_op_t c_op, rv32_op_t op, unsigned reg, unsigned rbase,
    int32_t offset, unsigned size, unsigned via) {
    uint32_t scaled = (uint32_t)offset << size;
    if (size == 2 && (int32_t)scaled >= 0 && asm_rv32_is_creg(reg) && asm_rv32_is_creg(rbase)
        && fits_unsigned(scaled, 6)) {
        asm_rv32_insn(as, c_op, reg, rbase, (int32_t)scaled);
    } else {
        access_far(as, op, reg, rbase, scaled, via);
    }
}

void asm_rv32_load_reg_reg_offset(asm_rv32_t *as, unsigned rd, unsigned rbase, int32_t offset, unsigned size) {
    access_offset(as, RV32_C_LW, load_ops[size], rd, rbase, offset, size, rd);
}

void asm_rv32_store_reg_reg_offset(asm_rv32_t *as, unsigned rs, unsigned rbase, int32_t offset, unsigned size) {
    access_offset(as, RV32_C_SW, store_ops[size], rs, rbase, offset, size, ASM_RV32_REG_TEMP2);
}

// TEMP2 = rbase + (rindex << size).
static void scaled_address(asm_rv32_t *as, unsigned rbase, unsigned rindex, unsigned size) {
    static const rv32_op_t shadd[3] = {RV32_ADD, RV32_SH1ADD, RV32_SH2ADD};
    unsigned t = ASM_RV32_REG_TEMP2;
    if (size > 0 && (as->flags & ASM_RV32_FLAG_ZBA)) {
        asm_rv32_insn(as, shadd[size], t, rindex, rbase);
    } else if (size > 0) {
        asm_rv32_slli(as, t, rindex, size);
        asm_rv32_c_add(as, t, rbase);
    } else {
        asm_rv32_add(as, t, rbase, rindex);
    }
}

void asm_rv32_load_reg_reg_reg(asm_rv32_t *as, unsigned rd, unsigned rbase, unsigned rindex, unsigned size) {
    scaled_address(as, rbase, rindex, size);
    asm_rv32_load_reg_reg_offset(as, rd, ASM_RV32_REG_TEMP2, 0, size);
}

void asm_rv32_store_reg_reg_reg(asm_rv32_t *as, unsigned rs, unsigned rbase, unsigned rindex, unsigned size) {
    scaled_address(as, rbase, rindex, size);
    asm_rv32_store_reg_reg_offset(as, rs, ASM_RV32_REG_TEMP2, 0, size);
}

// ---------------------------------------------------------------------------
// Comparisons producing 0 or 1.

void asm_rv32_set_eq(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_sub(as, rd, rs1, rs2);
    asm_rv32_sltiu(as, rd, rd, 1);
}

void asm_rv32_set_ne(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_sub(as, rd, rs1, rs2);
    asm_rv32_sltu(as, rd, ASM_RV32_REG_ZERO, rd);
}

void asm_rv32_set_lt(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2, bool is_unsigned) {
    if (is_unsigned) {
        asm_rv32_sltu(as, rd, rs1, rs2);
    } else {
        asm_rv32_slt(as, rd, rs1, rs2);
    }
}

// rs1 <= rs2 is !(rs2 < rs1).
void asm_rv32_set_le(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2, bool is_unsigned) {
    asm_rv32_set_lt(as, rd, rs2, rs1, is_unsigned);
    asm_rv32_xori(as, rd, rd, 1);
}
