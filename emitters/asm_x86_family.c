// emitters/asm_x86_family.c: the byte-level encodings 32-bit x86 and
// x86-64 share (see asm_x86_family.h); asm_x86.c and asm_x64.c build their
// instructions from these. Opcode numbers and forms are from the Intel SDM
// vol. 2, chapter 2 and appendix A.
#include "asm_x86_family.h"

#include <stdbool.h>
#include <string.h>

// The escape byte of two-byte opcodes.
#define OP_0F 0x0f
// A SIB byte with no index and base esp/rsp/r12 (scale 0, index 100, base 100).
#define SIB_BASE_SP 0x24

static bool fits_signed8(int32_t v) {
    return v >= -128 && v <= 127;
}

static void write_bytes(asm_base_t *as, const uint8_t *bytes, size_t n) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(as, n);
    if (c != NULL) {
        memcpy(c, bytes, n);
    }
}

void asm_x86f_byte(asm_base_t *as, unsigned b) {
    const uint8_t bytes[1] = {(uint8_t)b};
    write_bytes(as, bytes, 1);
}

void asm_x86f_word32(asm_base_t *as, int32_t w) {
    uint32_t u = (uint32_t)w;
    const uint8_t b[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
    write_bytes(as, b, 4);
}

void asm_x86f_opcode(asm_base_t *as, unsigned rex, unsigned op) {
    if (rex != 0) {
        asm_x86f_byte(as, rex);
    }
    if (op > 0xff) {
        asm_x86f_byte(as, OP_0F);
    }
    asm_x86f_byte(as, op & 0xff);
}

void asm_x86f_op_plus_r(asm_base_t *as, unsigned rex, unsigned op, int r) {
    asm_x86f_opcode(as, rex, op | ((unsigned)r & 7));
}

void asm_x86f_op_reg_rm_r(asm_base_t *as, unsigned rex, unsigned op, int reg, int rm_r) {
    asm_x86f_opcode(as, rex, op);
    asm_x86f_byte(as, ASM_X86F_MODRM_REG(reg) | ASM_X86F_MODRM_RM_REG | ASM_X86F_MODRM_RM(rm_r));
}

void asm_x86f_op_reg_mem(asm_base_t *as, unsigned rex, unsigned op, int reg, int base_r, int32_t disp) {
    asm_x86f_opcode(as, rex, op);
    unsigned mod;
    if (disp == 0 && (base_r & 7) != 5) {
        mod = ASM_X86F_MODRM_DISP0;
    } else if (fits_signed8(disp)) {
        mod = ASM_X86F_MODRM_DISP8;
    } else {
        mod = ASM_X86F_MODRM_DISP32;
    }
    asm_x86f_byte(as, ASM_X86F_MODRM_REG(reg) | mod | ASM_X86F_MODRM_RM(base_r));
    if ((base_r & 7) == 4) {
        asm_x86f_byte(as, SIB_BASE_SP);
    }
    if (mod == ASM_X86F_MODRM_DISP8) {
        asm_x86f_byte(as, (uint8_t)disp);
    } else if (mod == ASM_X86F_MODRM_DISP32) {
        asm_x86f_word32(as, disp);
    }
}

size_t asm_x86f_mov_i32_to_r(asm_base_t *as, unsigned rex, int32_t imm, int r) {
    asm_x86f_op_plus_r(as, rex, ASM_X86F_OP_MOV_I_TO_R, r);
    size_t loc = asm_base_get_code_pos(as);
    asm_x86f_word32(as, imm);
    return loc;
}

void asm_x86f_group1_imm(asm_base_t *as, unsigned rex, unsigned ext, int rm_r, int32_t imm) {
    if (fits_signed8(imm)) {
        asm_x86f_op_reg_rm_r(as, rex, ASM_X86F_OP_GROUP1_I8, (int)ext, rm_r);
        asm_x86f_byte(as, (uint8_t)imm);
    } else {
        asm_x86f_op_reg_rm_r(as, rex, ASM_X86F_OP_GROUP1_I32, (int)ext, rm_r);
        asm_x86f_word32(as, imm);
    }
}

void asm_x86f_test_r8_with_r8(asm_base_t *as, int src_r_a, int src_r_b) {
    asm_x86f_op_reg_rm_r(as, 0, ASM_X86F_OP_TEST_R8_WITH_RM8, src_r_a, src_r_b);
}

void asm_x86f_setcc_r8(asm_base_t *as, int jcc_type, int dest_r8) {
    asm_x86f_op_reg_rm_r(as, 0, ASM_X86F_OP_SETCC | (unsigned)jcc_type, 0, dest_r8);
}

void asm_x86f_jmp_reg(asm_base_t *as, int src_r) {
    asm_x86f_op_reg_rm_r(as, 0, ASM_X86F_OP_GROUP5, ASM_X86F_EXT_JMP, src_r);
}

void asm_x86f_call_reg(asm_base_t *as, int src_r) {
    asm_x86f_op_reg_rm_r(as, 0, ASM_X86F_OP_GROUP5, ASM_X86F_EXT_CALL, src_r);
}

// A jump is short only when its label is already behind us (so its offset
// is the same in every pass) and the rel8 reaches it.
static bool use_rel8(const asm_base_t *as, size_t label, int64_t *rel) {
    size_t dest = asm_base_label_offset(as, label);
    *rel = (int64_t)dest - (int64_t)as->code_offset;
    return dest != ASM_LABEL_UNSET && *rel < 0 && *rel - 2 >= -128;
}

// Offsets are from the end of the instruction: 2 bytes for the rel8 forms,
// 5 for jmp rel32, 6 for jcc rel32 (0x0f, 0x80 | cc, rel32).
void asm_x86f_jmp_label(asm_base_t *as, size_t label) {
    int64_t rel;
    if (use_rel8(as, label, &rel)) {
        asm_x86f_opcode(as, 0, ASM_X86F_OP_JMP_REL8);
        asm_x86f_byte(as, (uint8_t)(rel - 2));
    } else {
        asm_x86f_opcode(as, 0, ASM_X86F_OP_JMP_REL32);
        asm_x86f_word32(as, (int32_t)(rel - 5));
    }
}

void asm_x86f_jcc_label(asm_base_t *as, int jcc_type, size_t label) {
    int64_t rel;
    if (use_rel8(as, label, &rel)) {
        asm_x86f_opcode(as, 0, ASM_X86F_OP_JCC_REL8 | (unsigned)jcc_type);
        asm_x86f_byte(as, (uint8_t)(rel - 2));
    } else {
        asm_x86f_opcode(as, 0, ASM_X86F_OP_JCC_REL32 | (unsigned)jcc_type);
        asm_x86f_word32(as, (int32_t)(rel - 6));
    }
}
