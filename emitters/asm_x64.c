// emitters/asm_x64.c: x86-64 encodings with the instruction selection of
// MicroPython's py/asmx64.c. The encoding rules are summarised in
// asm_x64.h; what 32-bit x86 encodes the same way (opcodes, ModRM, jumps)
// comes from asm_x86_family.c, and this file adds the REX prefixes.
#include "asm_x64.h"

#include "asm_x86_family.h"

#include <string.h>

#define WORD_SIZE 8

// REX = 0100WRXB (Intel SDM vol. 2, 2.2.1).
#define REX_PREFIX 0x40
#define REX_W 0x08
#define REX_R_FROM(r) (((r) >> 1) & 0x04)
#define REX_B_FROM(r) (((r) >> 3) & 0x01)

bool asm_x64_init(asm_x64_t *as, size_t max_num_labels) {
    memset(as, 0, sizeof(*as));
    return asm_base_init(&as->base, max_num_labels);
}

void asm_x64_deinit(asm_x64_t *as) {
    asm_base_deinit(&as->base);
}

// REX.W with R from the register in ModRM.reg and B from the one in
// ModRM.rm (or in the opcode).
static unsigned rex_w(int reg_r64, int rm_r64) {
    return REX_PREFIX | REX_W | REX_R_FROM(reg_r64) | REX_B_FROM(rm_r64);
}

// A REX only when a register is r8..r15: byte, word and dword operations.
static unsigned rex_if_needed(int reg_r64, int rm_r64) {
    if (reg_r64 < 8 && rm_r64 < 8) {
        return 0;
    }
    return REX_PREFIX | REX_R_FROM(reg_r64) | REX_B_FROM(rm_r64);
}

// REX.W op /r with ModRM.rm = dest (register) and ModRM.reg = src (or an
// opcode extension).
static void generic_r64_r64(asm_x64_t *as, int dest_r64, int src_r64, unsigned op) {
    asm_x86f_op_reg_rm_r(&as->base, rex_w(src_r64, dest_r64), op, src_r64, dest_r64);
}

void asm_x64_nop(asm_x64_t *as) {
    asm_x86f_opcode(&as->base, 0, ASM_X86F_OP_NOP);
}

void asm_x64_push_r64(asm_x64_t *as, int src_r64) {
    asm_x86f_op_plus_r(&as->base, rex_if_needed(0, src_r64), ASM_X86F_OP_PUSH_R, src_r64);
}

void asm_x64_pop_r64(asm_x64_t *as, int dest_r64) {
    asm_x86f_op_plus_r(&as->base, rex_if_needed(0, dest_r64), ASM_X86F_OP_POP_R, dest_r64);
}

void asm_x64_ret(asm_x64_t *as) {
    asm_x86f_opcode(&as->base, 0, ASM_X86F_OP_RET);
}

void asm_x64_mov_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, ASM_X86F_OP_MOV_R_TO_RM);
}

void asm_x64_mov_r8_to_mem8(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    asm_x86f_op_reg_mem(&as->base, rex_if_needed(src_r64, dest_r64), ASM_X86F_OP_MOV_R8_TO_RM8, src_r64,
        dest_r64, dest_disp);
}

void asm_x64_mov_r16_to_mem16(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    asm_x86f_byte(&as->base, ASM_X86F_OP_SIZE_PREFIX);
    asm_x86f_op_reg_mem(&as->base, rex_if_needed(src_r64, dest_r64), ASM_X86F_OP_MOV_R_TO_RM, src_r64,
        dest_r64, dest_disp);
}

void asm_x64_mov_r32_to_mem32(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    asm_x86f_op_reg_mem(&as->base, rex_if_needed(src_r64, dest_r64), ASM_X86F_OP_MOV_R_TO_RM, src_r64,
        dest_r64, dest_disp);
}

void asm_x64_mov_r64_to_mem64(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    asm_x86f_op_reg_mem(&as->base, rex_w(src_r64, dest_r64), ASM_X86F_OP_MOV_R_TO_RM, src_r64, dest_r64,
        dest_disp);
}

// Zero-extending loads: movzx r32 or mov r32; a 32-bit destination clears
// the upper half, so no REX.W.
void asm_x64_mov_mem8_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    asm_x86f_op_reg_mem(&as->base, rex_if_needed(dest_r64, src_r64), ASM_X86F_OP_MOVZX_RM8, dest_r64, src_r64,
        src_disp);
}

void asm_x64_mov_mem16_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    asm_x86f_op_reg_mem(&as->base, rex_if_needed(dest_r64, src_r64), ASM_X86F_OP_MOVZX_RM16, dest_r64, src_r64,
        src_disp);
}

void asm_x64_mov_mem32_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    asm_x86f_op_reg_mem(&as->base, rex_if_needed(dest_r64, src_r64), ASM_X86F_OP_MOV_RM_TO_R, dest_r64, src_r64,
        src_disp);
}

void asm_x64_mov_mem64_to_r64(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    asm_x86f_op_reg_mem(&as->base, rex_w(dest_r64, src_r64), ASM_X86F_OP_MOV_RM_TO_R, dest_r64, src_r64, src_disp);
}

void asm_x64_lea_disp_to_r64(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    asm_x86f_op_reg_mem(&as->base, rex_w(dest_r64, src_r64), ASM_X86F_OP_LEA, dest_r64, src_r64, src_disp);
}

size_t asm_x64_mov_i32_to_r64(asm_x64_t *as, int32_t src_i32, int dest_r64) {
    return asm_x86f_mov_i32_to_r(&as->base, rex_if_needed(0, dest_r64), src_i32, dest_r64);
}

void asm_x64_mov_i64_to_r64(asm_x64_t *as, int64_t src_i64, int dest_r64) {
    asm_x86f_op_plus_r(&as->base, rex_w(0, dest_r64), ASM_X86F_OP_MOV_I_TO_R, dest_r64);
    asm_x86f_word32(&as->base, (int32_t)(uint32_t)src_i64);
    asm_x86f_word32(&as->base, (int32_t)(uint32_t)((uint64_t)src_i64 >> 32));
}

void asm_x64_mov_i64_to_r64_optimised(asm_x64_t *as, int64_t src_i64, int dest_r64) {
    if (((uint64_t)src_i64 >> 32) == 0) {
        asm_x64_mov_i32_to_r64(as, (int32_t)(uint32_t)src_i64, dest_r64);
    } else {
        asm_x64_mov_i64_to_r64(as, src_i64, dest_r64);
    }
}

void asm_x64_not_r64(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, ASM_X86F_EXT_NOT, ASM_X86F_OP_GROUP3);
}

void asm_x64_neg_r64(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, ASM_X86F_EXT_NEG, ASM_X86F_OP_GROUP3);
}

void asm_x64_and_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, ASM_X86F_OP_AND_R_TO_RM);
}

void asm_x64_or_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, ASM_X86F_OP_OR_R_TO_RM);
}

void asm_x64_xor_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, ASM_X86F_OP_XOR_R_TO_RM);
}

void asm_x64_shl_r64_cl(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, ASM_X86F_EXT_SHL, ASM_X86F_OP_SHIFT_RM_CL);
}

void asm_x64_shr_r64_cl(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, ASM_X86F_EXT_SHR, ASM_X86F_OP_SHIFT_RM_CL);
}

void asm_x64_sar_r64_cl(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, ASM_X86F_EXT_SAR, ASM_X86F_OP_SHIFT_RM_CL);
}

void asm_x64_add_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, ASM_X86F_OP_ADD_R_TO_RM);
}

void asm_x64_sub_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, ASM_X86F_OP_SUB_R_FROM_RM);
}

// imul r64, r/m64 is the "RM" form: ModRM.reg is the destination.
void asm_x64_mul_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    asm_x86f_op_reg_rm_r(&as->base, rex_w(dest_r64, src_r64), ASM_X86F_OP_IMUL, dest_r64, src_r64);
}

// As in the reference, no REX.B: dest must be rax..rdi.
void asm_x64_sub_r64_i32(asm_x64_t *as, int dest_r64, int32_t src_i32) {
    asm_x86f_group1_imm(&as->base, REX_PREFIX | REX_W, ASM_X86F_EXT_SUB, dest_r64, src_i32);
}

void asm_x64_cmp_r64_with_r64(asm_x64_t *as, int src_r64_a, int src_r64_b) {
    generic_r64_r64(as, src_r64_b, src_r64_a, ASM_X86F_OP_CMP_R_WITH_RM);
}

void asm_x64_test_r8_with_r8(asm_x64_t *as, int src_r64_a, int src_r64_b) {
    asm_x86f_test_r8_with_r8(&as->base, src_r64_a, src_r64_b);
}

void asm_x64_test_r64_with_r64(asm_x64_t *as, int src_r64_a, int src_r64_b) {
    generic_r64_r64(as, src_r64_b, src_r64_a, ASM_X86F_OP_TEST_R_WITH_RM);
}

void asm_x64_setcc_r8(asm_x64_t *as, int jcc_type, int dest_r8) {
    asm_x86f_setcc_r8(&as->base, jcc_type, dest_r8);
}

void asm_x64_jmp_reg(asm_x64_t *as, int src_r64) {
    asm_x86f_jmp_reg(&as->base, src_r64);
}

void asm_x64_jmp_label(asm_x64_t *as, size_t label) {
    asm_x86f_jmp_label(&as->base, label);
}

void asm_x64_jcc_label(asm_x64_t *as, int jcc_type, size_t label) {
    asm_x86f_jcc_label(&as->base, jcc_type, label);
}

void asm_x64_entry(asm_x64_t *as, int num_locals) {
    asm_x64_push_r64(as, ASM_X64_REG_RBP);
    asm_x64_push_r64(as, ASM_X64_REG_RBX);
    asm_x64_push_r64(as, ASM_X64_REG_R12);
    asm_x64_push_r64(as, ASM_X64_REG_R13);
    // Four pushes plus the return address leave rsp 8 off 16-byte
    // alignment; an odd number of local words restores it.
    num_locals |= 1;
    asm_x64_sub_r64_i32(as, ASM_X64_REG_RSP, num_locals * WORD_SIZE);
    as->num_locals = num_locals;
}

void asm_x64_exit(asm_x64_t *as) {
    asm_x64_sub_r64_i32(as, ASM_X64_REG_RSP, -as->num_locals * WORD_SIZE);
    asm_x64_pop_r64(as, ASM_X64_REG_R13);
    asm_x64_pop_r64(as, ASM_X64_REG_R12);
    asm_x64_pop_r64(as, ASM_X64_REG_RBX);
    asm_x64_pop_r64(as, ASM_X64_REG_RBP);
    asm_x64_ret(as);
}

// Locals sit in ascending order from rsp.
void asm_x64_mov_local_to_r64(asm_x64_t *as, int src_local_num, int dest_r64) {
    asm_x64_mov_mem64_to_r64(as, ASM_X64_REG_RSP, src_local_num * WORD_SIZE, dest_r64);
}

void asm_x64_mov_r64_to_local(asm_x64_t *as, int src_r64, int dest_local_num) {
    asm_x64_mov_r64_to_mem64(as, src_r64, ASM_X64_REG_RSP, dest_local_num * WORD_SIZE);
}

void asm_x64_mov_local_addr_to_r64(asm_x64_t *as, int local_num, int dest_r64) {
    int offset = local_num * WORD_SIZE;
    if (offset == 0) {
        asm_x64_mov_r64_r64(as, dest_r64, ASM_X64_REG_RSP);
    } else {
        asm_x64_lea_disp_to_r64(as, ASM_X64_REG_RSP, offset, dest_r64);
    }
}

// lea r64, [rip + disp32]: ModRM mod 00 rm 101 is rip-relative in 64-bit
// mode; rip is the end of this 7-byte instruction.
void asm_x64_mov_reg_pcrel(asm_x64_t *as, int dest_r64, size_t label) {
    size_t dest = asm_base_label_offset(&as->base, label);
    int64_t rel = (int64_t)dest - (int64_t)(as->base.code_offset + 7);
    asm_x86f_opcode(&as->base, rex_w(dest_r64, 0), ASM_X86F_OP_LEA);
    asm_x86f_byte(&as->base, ASM_X86F_MODRM_DISP0 | ASM_X86F_MODRM_REG(dest_r64) | ASM_X86F_MODRM_RM(5));
    asm_x86f_word32(&as->base, (int32_t)rel);
}

void asm_x64_call_ind(asm_x64_t *as, size_t fun_id, int temp_r64) {
    asm_x64_mov_mem64_to_r64(as, ASM_X64_REG_FUN_TABLE, (int)(fun_id * WORD_SIZE), temp_r64);
    asm_x86f_call_reg(&as->base, temp_r64);
}
