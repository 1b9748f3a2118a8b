// emitters/emit_native_x64.c: binds the native emitter to the x86-64
// assembler: System V argument registers, rbx/r12/r13 for locals, rbp for
// the function table, and each abstract operation as the asm_x64 call
// MicroPython's x64 native emitter makes.
#include "emit_native.h"

#define AS(as) ((asm_x64_t *)(as))

static bool x64_init(void *as, size_t max_num_labels, mpy_arch_t arch) {
    (void)arch;
    return asm_x64_init(AS(as), max_num_labels);
}

static void x64_deinit(void *as) {
    asm_x64_deinit(AS(as));
}

static asm_base_t *x64_base(void *as) {
    return &AS(as)->base;
}

static void x64_entry(void *as, int num_locals) {
    asm_x64_entry(AS(as), num_locals);
}

static void x64_exit(void *as) {
    asm_x64_exit(AS(as));
}

static void x64_jump(void *as, size_t label) {
    asm_x64_jmp_label(AS(as), label);
}

static void test_reg(void *as, int reg, bool bool_test) {
    if (bool_test) {
        asm_x64_test_r8_with_r8(AS(as), reg, reg);
    } else {
        asm_x64_test_r64_with_r64(AS(as), reg, reg);
    }
}

static void x64_jump_if_zero(void *as, int reg, size_t label, bool bool_test) {
    test_reg(as, reg, bool_test);
    asm_x64_jcc_label(AS(as), ASM_X64_CC_JZ, label);
}

static void x64_jump_if_nonzero(void *as, int reg, size_t label, bool bool_test) {
    test_reg(as, reg, bool_test);
    asm_x64_jcc_label(AS(as), ASM_X64_CC_JNZ, label);
}

static void x64_jump_if_eq(void *as, int reg1, int reg2, size_t label) {
    asm_x64_cmp_r64_with_r64(AS(as), reg1, reg2);
    asm_x64_jcc_label(AS(as), ASM_X64_CC_JE, label);
}

static void x64_jump_reg(void *as, int reg) {
    asm_x64_jmp_reg(AS(as), reg);
}

static void x64_call_ind(void *as, native_fun_t fun) {
    asm_x64_call_ind(AS(as), fun, ASM_X64_REG_RAX);
}

static void x64_call_setup_code_state(void *as) {
    x64_call_ind(as, NF_SETUP_CODE_STATE);
}

static void x64_mov_local_reg(void *as, int local_num, int reg) {
    asm_x64_mov_r64_to_local(AS(as), reg, local_num);
}

static void x64_mov_reg_imm(void *as, int reg, int64_t imm) {
    asm_x64_mov_i64_to_r64_optimised(AS(as), imm, reg);
}

static void x64_mov_reg_local(void *as, int reg, int local_num) {
    asm_x64_mov_local_to_r64(AS(as), local_num, reg);
}

static void x64_mov_reg_reg(void *as, int dest, int src) {
    asm_x64_mov_r64_r64(AS(as), dest, src);
}

static void x64_mov_reg_local_addr(void *as, int reg, int local_num) {
    asm_x64_mov_local_addr_to_r64(AS(as), local_num, reg);
}

static void x64_mov_reg_pcrel(void *as, int reg, size_t label) {
    asm_x64_mov_reg_pcrel(AS(as), reg, label);
}

static void x64_clr_reg(void *as, int reg) {
    asm_x64_xor_r64_r64(AS(as), reg, reg);
}

static void x64_not_reg(void *as, int reg) {
    asm_x64_not_r64(AS(as), reg);
}

static void x64_neg_reg(void *as, int reg) {
    asm_x64_neg_r64(AS(as), reg);
}

static void x64_shift_reg(void *as, native_alu_t op, int reg) {
    if (op == NATIVE_ALU_LSL) {
        asm_x64_shl_r64_cl(AS(as), reg);
    } else if (op == NATIVE_ALU_LSR) {
        asm_x64_shr_r64_cl(AS(as), reg);
    } else {
        asm_x64_sar_r64_cl(AS(as), reg);
    }
}

static void x64_alu_reg_reg(void *as, native_alu_t op, int dest, int src) {
    switch (op) {
        case NATIVE_ALU_OR:
            asm_x64_or_r64_r64(AS(as), dest, src);
            break;
        case NATIVE_ALU_XOR:
            asm_x64_xor_r64_r64(AS(as), dest, src);
            break;
        case NATIVE_ALU_AND:
            asm_x64_and_r64_r64(AS(as), dest, src);
            break;
        case NATIVE_ALU_ADD:
            asm_x64_add_r64_r64(AS(as), dest, src);
            break;
        case NATIVE_ALU_SUB:
            asm_x64_sub_r64_r64(AS(as), dest, src);
            break;
        case NATIVE_ALU_MUL:
            asm_x64_mul_r64_r64(AS(as), dest, src);
            break;
        default:
            // Shifts go through x64_shift_reg.
            asm_base_fail(&AS(as)->base, ASM_ERR_BAD_OPERAND);
            break;
    }
}

static void x64_load_reg_reg_offset(void *as, int dest, int base, int word_offset) {
    asm_x64_mov_mem64_to_r64(AS(as), base, 8 * word_offset, dest);
}

static void x64_load16_reg_reg_offset(void *as, int dest, int base, int half_offset) {
    asm_x64_mov_mem16_to_r64zx(AS(as), base, 2 * half_offset, dest);
}

static void x64_load_sized(void *as, unsigned size, int dest, int base) {
    if (size == 0) {
        asm_x64_mov_mem8_to_r64zx(AS(as), base, 0, dest);
    } else if (size == 1) {
        asm_x64_mov_mem16_to_r64zx(AS(as), base, 0, dest);
    } else {
        asm_x64_mov_mem32_to_r64zx(AS(as), base, 0, dest);
    }
}

static void x64_store_reg_reg_offset(void *as, int src, int base, int word_offset) {
    asm_x64_mov_r64_to_mem64(AS(as), src, base, 8 * word_offset);
}

static void x64_store_sized(void *as, unsigned size, int src, int base) {
    if (size == 0) {
        asm_x64_mov_r8_to_mem8(AS(as), src, base, 0);
    } else if (size == 1) {
        asm_x64_mov_r16_to_mem16(AS(as), src, base, 0);
    } else {
        asm_x64_mov_r32_to_mem32(AS(as), src, base, 0);
    }
}

static void x64_load_sized_offset(void *as, unsigned size, int dest, int base, int index) {
    int disp = index * (1 << size);
    if (size == 0) {
        asm_x64_mov_mem8_to_r64zx(AS(as), base, disp, dest);
    } else if (size == 1) {
        asm_x64_mov_mem16_to_r64zx(AS(as), base, disp, dest);
    } else {
        asm_x64_mov_mem32_to_r64zx(AS(as), base, disp, dest);
    }
}

static void x64_store_sized_offset(void *as, unsigned size, int src, int base, int index) {
    int disp = index * (1 << size);
    if (size == 0) {
        asm_x64_mov_r8_to_mem8(AS(as), src, base, disp);
    } else if (size == 1) {
        asm_x64_mov_r16_to_mem16(AS(as), src, base, disp);
    } else {
        asm_x64_mov_r32_to_mem32(AS(as), src, base, disp);
    }
}

static void x64_compare(void *as, unsigned op_idx, int dest, int lhs, int rhs) {
    static const uint8_t ccs[12] = {
        ASM_X64_CC_JB, ASM_X64_CC_JA, ASM_X64_CC_JE, ASM_X64_CC_JBE, ASM_X64_CC_JAE, ASM_X64_CC_JNE,
        ASM_X64_CC_JL, ASM_X64_CC_JG, ASM_X64_CC_JE, ASM_X64_CC_JLE, ASM_X64_CC_JGE, ASM_X64_CC_JNE,
    };
    asm_x64_xor_r64_r64(AS(as), dest, dest);
    asm_x64_cmp_r64_with_r64(AS(as), rhs, lhs);
    asm_x64_setcc_r8(AS(as), ccs[op_idx % 12], dest);
}

const native_backend_t emit_native_x64_backend = {
    .arch = MPY_ARCH_X64,
    .word_size = 8,
    .r = {
        .ret = ASM_X64_REG_RAX,
        .arg = {ASM_X64_REG_RDI, ASM_X64_REG_RSI, ASM_X64_REG_RDX, ASM_X64_REG_RCX},
        .temp = {ASM_X64_REG_RAX, ASM_X64_REG_RDI, ASM_X64_REG_RSI},
        .local = {ASM_X64_REG_RBX, ASM_X64_REG_R12, ASM_X64_REG_R13},
        .fun_table = ASM_X64_REG_FUN_TABLE,
        .shift_count = ASM_X64_REG_RCX,
        .parent_ret = ASM_X64_REG_RAX,
        .parent_arg = {ASM_X64_REG_RDI, ASM_X64_REG_RSI, ASM_X64_REG_RDX, ASM_X64_REG_RCX},
    },
    .nlr_buf_words = 13,
    .nlr_idx_local_1 = 5,
    .shifts_by_count_reg = true,
    .args_on_stack = false,
    .init = x64_init,
    .deinit = x64_deinit,
    .base = x64_base,
    .entry = x64_entry,
    .exit = x64_exit,
    .jump = x64_jump,
    .jump_if_zero = x64_jump_if_zero,
    .jump_if_nonzero = x64_jump_if_nonzero,
    .jump_if_eq = x64_jump_if_eq,
    .jump_reg = x64_jump_reg,
    .call_ind = x64_call_ind,
    .call_setup_code_state = x64_call_setup_code_state,
    .mov_local_reg = x64_mov_local_reg,
    .mov_reg_imm = x64_mov_reg_imm,
    .mov_reg_local = x64_mov_reg_local,
    .mov_reg_reg = x64_mov_reg_reg,
    .mov_reg_local_addr = x64_mov_reg_local_addr,
    .mov_reg_pcrel = x64_mov_reg_pcrel,
    .mov_arg_to_reg = NULL,
    .clr_reg = x64_clr_reg,
    .not_reg = x64_not_reg,
    .neg_reg = x64_neg_reg,
    .shift_reg = x64_shift_reg,
    .alu_reg_reg = x64_alu_reg_reg,
    .load_reg_reg_offset = x64_load_reg_reg_offset,
    .load16_reg_reg_offset = x64_load16_reg_reg_offset,
    .load_sized = x64_load_sized,
    .store_reg_reg_offset = x64_store_reg_reg_offset,
    .store_sized = x64_store_sized,
    .load_sized_offset = x64_load_sized_offset,
    .store_sized_offset = x64_store_sized_offset,
    .load_sized_reg_index = NULL,
    .store_sized_reg_index = NULL,
    .compare = x64_compare,
};
