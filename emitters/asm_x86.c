// emitters/asm_x86.c: 32-bit x86 instructions with the instruction
// selection of MicroPython's py/asmx86.c (see asm_x86.h for the encoding
// rules). The encodings it shares with x86-64 are in asm_x86_family.c.
#include "asm_x86.h"

#include "asm_x86_family.h"

#include <string.h>

#define WORD_SIZE 4

bool asm_x86_init(asm_x86_t *as, size_t max_num_labels) {
    memset(as, 0, sizeof(*as));
    return asm_base_init(&as->base, max_num_labels);
}

void asm_x86_deinit(asm_x86_t *as) {
    asm_base_deinit(&as->base);
}

// op /r with ModRM.rm = dest (register) and ModRM.reg = src (or an opcode
// extension).
static void generic_r32_r32(asm_x86_t *as, int dest_r32, int src_r32, unsigned op) {
    asm_x86f_op_reg_rm_r(&as->base, 0, op, src_r32, dest_r32);
}

void asm_x86_nop(asm_x86_t *as) {
    asm_x86f_opcode(&as->base, 0, ASM_X86F_OP_NOP);
}

void asm_x86_push_r32(asm_x86_t *as, int src_r32) {
    asm_x86f_op_plus_r(&as->base, 0, ASM_X86F_OP_PUSH_R, src_r32);
}

void asm_x86_pop_r32(asm_x86_t *as, int dest_r32) {
    asm_x86f_op_plus_r(&as->base, 0, ASM_X86F_OP_POP_R, dest_r32);
}

void asm_x86_ret(asm_x86_t *as) {
    asm_x86f_opcode(&as->base, 0, ASM_X86F_OP_RET);
}

void asm_x86_mov_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, ASM_X86F_OP_MOV_R_TO_RM);
}

size_t asm_x86_mov_i32_to_r32(asm_x86_t *as, int32_t src_i32, int dest_r32) {
    return asm_x86f_mov_i32_to_r(&as->base, 0, src_i32, dest_r32);
}

void asm_x86_mov_r8_to_mem8(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp) {
    asm_x86f_op_reg_mem(&as->base, 0, ASM_X86F_OP_MOV_R8_TO_RM8, src_r32, dest_r32, dest_disp);
}

void asm_x86_mov_r16_to_mem16(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp) {
    asm_x86f_byte(&as->base, ASM_X86F_OP_SIZE_PREFIX);
    asm_x86f_op_reg_mem(&as->base, 0, ASM_X86F_OP_MOV_R_TO_RM, src_r32, dest_r32, dest_disp);
}

void asm_x86_mov_r32_to_mem32(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp) {
    asm_x86f_op_reg_mem(&as->base, 0, ASM_X86F_OP_MOV_R_TO_RM, src_r32, dest_r32, dest_disp);
}

void asm_x86_mov_mem8_to_r32zx(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    asm_x86f_op_reg_mem(&as->base, 0, ASM_X86F_OP_MOVZX_RM8, dest_r32, src_r32, src_disp);
}

void asm_x86_mov_mem16_to_r32zx(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    asm_x86f_op_reg_mem(&as->base, 0, ASM_X86F_OP_MOVZX_RM16, dest_r32, src_r32, src_disp);
}

void asm_x86_mov_mem32_to_r32(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    asm_x86f_op_reg_mem(&as->base, 0, ASM_X86F_OP_MOV_RM_TO_R, dest_r32, src_r32, src_disp);
}

void asm_x86_lea_disp_to_r32(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    asm_x86f_op_reg_mem(&as->base, 0, ASM_X86F_OP_LEA, dest_r32, src_r32, src_disp);
}

void asm_x86_not_r32(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, ASM_X86F_EXT_NOT, ASM_X86F_OP_GROUP3);
}

void asm_x86_neg_r32(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, ASM_X86F_EXT_NEG, ASM_X86F_OP_GROUP3);
}

void asm_x86_and_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, ASM_X86F_OP_AND_R_TO_RM);
}

void asm_x86_or_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, ASM_X86F_OP_OR_R_TO_RM);
}

void asm_x86_xor_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, ASM_X86F_OP_XOR_R_TO_RM);
}

void asm_x86_shl_r32_cl(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, ASM_X86F_EXT_SHL, ASM_X86F_OP_SHIFT_RM_CL);
}

void asm_x86_shr_r32_cl(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, ASM_X86F_EXT_SHR, ASM_X86F_OP_SHIFT_RM_CL);
}

void asm_x86_sar_r32_cl(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, ASM_X86F_EXT_SAR, ASM_X86F_OP_SHIFT_RM_CL);
}

void asm_x86_add_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, ASM_X86F_OP_ADD_R_TO_RM);
}

void asm_x86_sub_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, ASM_X86F_OP_SUB_R_FROM_RM);
}

// imul r32, r/m32 is the "RM" form: ModRM.reg is the destination.
void asm_x86_mul_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    asm_x86f_op_reg_rm_r(&as->base, 0, ASM_X86F_OP_IMUL, dest_r32, src_r32);
}

void asm_x86_add_i32_to_r32(asm_x86_t *as, int32_t src_i32, int dest_r32) {
    asm_x86f_group1_imm(&as->base, 0, ASM_X86F_EXT_ADD, dest_r32, src_i32);
}

void asm_x86_sub_r32_i32(asm_x86_t *as, int dest_r32, int32_t src_i32) {
    asm_x86f_group1_imm(&as->base, 0, ASM_X86F_EXT_SUB, dest_r32, src_i32);
}

void asm_x86_cmp_r32_with_r32(asm_x86_t *as, int src_r32_a, int src_r32_b) {
    generic_r32_r32(as, src_r32_b, src_r32_a, ASM_X86F_OP_CMP_R_WITH_RM);
}

void asm_x86_test_r8_with_r8(asm_x86_t *as, int src_r32_a, int src_r32_b) {
    asm_x86f_test_r8_with_r8(&as->base, src_r32_a, src_r32_b);
}

void asm_x86_test_r32_with_r32(asm_x86_t *as, int src_r32_a, int src_r32_b) {
    generic_r32_r32(as, src_r32_b, src_r32_a, ASM_X86F_OP_TEST_R_WITH_RM);
}

void asm_x86_setcc_r8(asm_x86_t *as, int jcc_type, int dest_r8) {
    asm_x86f_setcc_r8(&as->base, jcc_type, dest_r8);
}

void asm_x86_jmp_reg(asm_x86_t *as, int src_r32) {
    asm_x86f_jmp_reg(&as->base, src_r32);
}

void asm_x86_jmp_label(asm_x86_t *as, size_t label) {
    asm_x86f_jmp_label(&as->base, label);
}

void asm_x86_jcc_label(asm_x86_t *as, int jcc_type, size_t label) {
    asm_x86f_jcc_label(&as->base, jcc_type, label);
}

void asm_x86_entry(asm_x86_t *as, int num_locals) {
    asm_x86_push_r32(as, ASM_X86_REG_EBP);
    asm_x86_push_r32(as, ASM_X86_REG_EBX);
    asm_x86_push_r32(as, ASM_X86_REG_ESI);
    asm_x86_push_r32(as, ASM_X86_REG_EDI);
    // Return address plus four pushes is 20 bytes; 3 mod 4 local words
    // bring esp back to a 16-byte boundary.
    num_locals |= 3;
    asm_x86_sub_r32_i32(as, ASM_X86_REG_ESP, num_locals * WORD_SIZE);
    as->num_locals = num_locals;
}

void asm_x86_exit(asm_x86_t *as) {
    asm_x86_sub_r32_i32(as, ASM_X86_REG_ESP, -as->num_locals * WORD_SIZE);
    asm_x86_pop_r32(as, ASM_X86_REG_EDI);
    asm_x86_pop_r32(as, ASM_X86_REG_ESI);
    asm_x86_pop_r32(as, ASM_X86_REG_EBX);
    asm_x86_pop_r32(as, ASM_X86_REG_EBP);
    asm_x86_ret(as);
}

// Above esp: the locals, the four saved registers, the return address,
// then the arguments.
void asm_x86_mov_arg_to_r32(asm_x86_t *as, int src_arg_num, int dest_r32) {
    int offset = (as->num_locals + 4 + 1 + src_arg_num) * WORD_SIZE;
    asm_x86_mov_mem32_to_r32(as, ASM_X86_REG_ESP, offset, dest_r32);
}

void asm_x86_mov_local_to_r32(asm_x86_t *as, int src_local_num, int dest_r32) {
    asm_x86_mov_mem32_to_r32(as, ASM_X86_REG_ESP, src_local_num * WORD_SIZE, dest_r32);
}

void asm_x86_mov_r32_to_local(asm_x86_t *as, int src_r32, int dest_local_num) {
    asm_x86_mov_r32_to_mem32(as, src_r32, ASM_X86_REG_ESP, dest_local_num * WORD_SIZE);
}

void asm_x86_mov_local_addr_to_r32(asm_x86_t *as, int local_num, int dest_r32) {
    int offset = local_num * WORD_SIZE;
    if (offset == 0) {
        asm_x86_mov_r32_r32(as, dest_r32, ASM_X86_REG_ESP);
    } else {
        asm_x86_lea_disp_to_r32(as, ASM_X86_REG_ESP, offset, dest_r32);
    }
}

// There is no eip-relative addressing: call the next instruction, pop the
// return address, add the distance from there (always as an imm32, since
// the label is usually ahead and unknown in the compute pass).
void asm_x86_mov_reg_pcrel(asm_x86_t *as, int dest_r32, size_t label) {
    asm_x86f_opcode(&as->base, 0, ASM_X86F_OP_CALL_REL32);
    asm_x86f_word32(&as->base, 0);
    size_t dest = asm_base_label_offset(&as->base, label);
    int64_t rel = (int64_t)dest - (int64_t)as->base.code_offset;
    asm_x86_pop_r32(as, dest_r32);
    asm_x86f_op_reg_rm_r(&as->base, 0, ASM_X86F_OP_GROUP1_I32, ASM_X86F_EXT_ADD, dest_r32);
    asm_x86f_word32(&as->base, (int32_t)rel);
}

void asm_x86_call_ind(asm_x86_t *as, size_t fun_id, unsigned n_args, int temp_r32) {
    if (n_args > 4) {
        // Only four argument registers exist; the reference asserts this.
        asm_base_fail(&as->base, ASM_ERR_BAD_OPERAND);
        n_args = 4;
    }
    // Pad so that the pushed arguments end on a 16-byte boundary.
    unsigned align = ((n_args + 3) & ~3u) - n_args;
    if (align != 0) {
        asm_x86_sub_r32_i32(as, ASM_X86_REG_ESP, (int32_t)(align * WORD_SIZE));
    }
    static const int arg_regs[4] = {ASM_X86_REG_ARG_1, ASM_X86_REG_ARG_2, ASM_X86_REG_ARG_3, ASM_X86_REG_ARG_4};
    for (unsigned i = n_args; i > 0; i--) {
        asm_x86_push_r32(as, arg_regs[i - 1]);
    }
    asm_x86_mov_mem32_to_r32(as, ASM_X86_REG_FUN_TABLE, (int)(fun_id * WORD_SIZE), temp_r32);
    asm_x86f_call_reg(&as->base, temp_r32);
    // cdecl: the caller removes the arguments.
    if (n_args > 0) {
        asm_x86_add_i32_to_r32(as, (int32_t)((n_args + align) * WORD_SIZE), ASM_X86_REG_ESP);
    }
}
