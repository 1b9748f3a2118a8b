// emitters/emit_native_rv32.c: binds the native emitter to the RV32
// assembler for rv32imc: a0..a3 for arguments, t1..t3 as scratch, s3, s2
// and s4 for locals, s1 for the function table, and each abstract
// operation as the asm_rv32 call MicroPython's RV32 native emitter makes.
#include "emit_native.h"

#define AS(as) ((asm_rv32_t *)(as))

static bool rv32_init(void *as, size_t max_num_labels, mpy_arch_t arch) {
    (void)arch;
    return asm_rv32_init(AS(as), max_num_labels, 0);
}

static void rv32_set_arch_flags(void *as, uint32_t flags) {
    AS(as)->flags = flags;
}

static void rv32_deinit(void *as) {
    asm_rv32_deinit(AS(as));
}

static asm_base_t *rv32_base(void *as) {
    return &AS(as)->base;
}

static void rv32_entry(void *as, int num_locals) {
    asm_rv32_entry(AS(as), (unsigned)num_locals);
}

static void rv32_exit(void *as) {
    asm_rv32_exit(AS(as));
}

static void rv32_jump(void *as, size_t label) {
    asm_rv32_jump(AS(as), label);
}

static void rv32_jump_if_zero(void *as, int reg, size_t label, bool bool_test) {
    (void)bool_test;
    asm_rv32_jump_if_eq(AS(as), (unsigned)reg, ASM_RV32_REG_ZERO, label);
}

static void rv32_jump_if_nonzero(void *as, int reg, size_t label, bool bool_test) {
    (void)bool_test;
    asm_rv32_jump_if_nonzero(AS(as), (unsigned)reg, label);
}

static void rv32_jump_if_eq(void *as, int reg1, int reg2, size_t label) {
    asm_rv32_jump_if_eq(AS(as), (unsigned)reg1, (unsigned)reg2, label);
}

static void rv32_jump_reg(void *as, int reg) {
    asm_rv32_c_jr(AS(as), (unsigned)reg);
}

static void rv32_call_ind(void *as, native_fun_t fun) {
    asm_rv32_call_ind(AS(as), fun);
}

static void rv32_call_setup_code_state(void *as) {
    asm_rv32_call_ind(AS(as), NF_SETUP_CODE_STATE);
}

static void rv32_mov_local_reg(void *as, int local_num, int reg) {
    asm_rv32_mov_local_reg(AS(as), (unsigned)local_num, (unsigned)reg);
}

// x0 reads as zero, so a local is cleared without a scratch register.
static void rv32_clear_local(void *as, int local_num) {
    asm_rv32_mov_local_reg(AS(as), (unsigned)local_num, ASM_RV32_REG_ZERO);
}

// The official tool works with the host's 64-bit integers; only the low
// 32 bits reach the code.
static void rv32_mov_reg_imm(void *as, int reg, int64_t imm) {
    asm_rv32_mov_reg_imm(AS(as), (unsigned)reg, (int32_t)(uint32_t)(uint64_t)imm);
}

static void rv32_mov_reg_local(void *as, int reg, int local_num) {
    asm_rv32_mov_reg_local(AS(as), (unsigned)reg, (unsigned)local_num);
}

static void rv32_mov_reg_reg(void *as, int dest, int src) {
    asm_rv32_c_mv(AS(as), (unsigned)dest, (unsigned)src);
}

static void rv32_mov_reg_local_addr(void *as, int reg, int local_num) {
    asm_rv32_mov_reg_local_addr(AS(as), (unsigned)reg, (unsigned)local_num);
}

static void rv32_mov_reg_pcrel(void *as, int reg, size_t label) {
    asm_rv32_mov_reg_pcrel(AS(as), (unsigned)reg, label);
}

static void rv32_clr_reg(void *as, int reg) {
    asm_rv32_xor_optimised(AS(as), (unsigned)reg, (unsigned)reg);
}

static void rv32_not_reg(void *as, int reg) {
    asm_rv32_xori(AS(as), (unsigned)reg, (unsigned)reg, -1);
}

static void rv32_neg_reg(void *as, int reg) {
    asm_rv32_sub(AS(as), (unsigned)reg, ASM_RV32_REG_ZERO, (unsigned)reg);
}

static void rv32_shift_reg(void *as, native_alu_t op, int reg) {
    // RV32 shifts by any register; the emitter never asks this.
    (void)op;
    (void)reg;
    asm_base_fail(&AS(as)->base, ASM_ERR_BAD_OPERAND);
}

static void rv32_alu_reg_reg(void *as, native_alu_t op, int dest, int src) {
    unsigned d = (unsigned)dest;
    unsigned s = (unsigned)src;
    switch (op) {
        case NATIVE_ALU_OR:
            asm_rv32_or(AS(as), d, d, s);
            break;
        case NATIVE_ALU_XOR:
            asm_rv32_xor_optimised(AS(as), d, s);
            break;
        case NATIVE_ALU_AND:
            // The official operand order, src first.
            asm_rv32_and(AS(as), d, s, d);
            break;
        case NATIVE_ALU_ADD:
            asm_rv32_c_add(AS(as), d, s);
            break;
        case NATIVE_ALU_SUB:
            asm_rv32_sub(AS(as), d, d, s);
            break;
        case NATIVE_ALU_MUL:
            asm_rv32_mul(AS(as), d, d, s);
            break;
        case NATIVE_ALU_LSL:
            asm_rv32_sll(AS(as), d, d, s);
            break;
        case NATIVE_ALU_LSR:
            asm_rv32_srl(AS(as), d, d, s);
            break;
        case NATIVE_ALU_ASR:
            asm_rv32_sra(AS(as), d, d, s);
            break;
    }
}

static void rv32_load_reg_reg_offset(void *as, int dest, int base, int word_offset) {
    asm_rv32_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, word_offset, 2);
}

static void rv32_load16_reg_reg_offset(void *as, int dest, int base, int half_offset) {
    asm_rv32_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, half_offset, 1);
}

static void rv32_load_sized(void *as, unsigned size, int dest, int base) {
    asm_rv32_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, 0, size);
}

static void rv32_store_reg_reg_offset(void *as, int src, int base, int word_offset) {
    asm_rv32_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, word_offset, 2);
}

static void rv32_store_sized(void *as, unsigned size, int src, int base) {
    asm_rv32_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, 0, size);
}

static void rv32_load_sized_offset(void *as, unsigned size, int dest, int base, int index) {
    asm_rv32_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, index, size);
}

static void rv32_store_sized_offset(void *as, unsigned size, int src, int base, int index) {
    asm_rv32_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, index, size);
}

static void rv32_load_sized_reg_index(void *as, unsigned size, int dest, int base, int index) {
    asm_rv32_load_reg_reg_reg(AS(as), (unsigned)dest, (unsigned)base, (unsigned)index, size);
}

static void rv32_store_sized_reg_index(void *as, unsigned size, int src, int base, int index) {
    asm_rv32_store_reg_reg_reg(AS(as), (unsigned)src, (unsigned)base, (unsigned)index, size);
}

// The official operand orders: > and >= swap the operands of < and <=,
// and != subtracts lhs from rhs.
static void rv32_compare(void *as, unsigned op_idx, int dest, int lhs, int rhs) {
    unsigned d = (unsigned)dest;
    unsigned l = (unsigned)lhs;
    unsigned r = (unsigned)rhs;
    bool is_unsigned = op_idx < 6;
    switch (op_idx % 6) {
        case 0:
            asm_rv32_set_lt(AS(as), d, l, r, is_unsigned);
            break;
        case 1:
            asm_rv32_set_lt(AS(as), d, r, l, is_unsigned);
            break;
        case 2:
            asm_rv32_set_eq(AS(as), d, l, r);
            break;
        case 3:
            asm_rv32_set_le(AS(as), d, l, r, is_unsigned);
            break;
        case 4:
            asm_rv32_set_le(AS(as), d, r, l, is_unsigned);
            break;
        default:
            asm_rv32_set_ne(AS(as), d, r, l);
            break;
    }
}

const native_backend_t emit_native_rv32_backend = {
    .arch = MPY_ARCH_RV32IMC,
    .word_size = 4,
    .r = {
        .ret = ASM_RV32_REG_A0,
        .arg = {ASM_RV32_REG_A0, ASM_RV32_REG_A1, ASM_RV32_REG_A2, ASM_RV32_REG_A3},
        .temp = {ASM_RV32_REG_TEMP0, ASM_RV32_REG_TEMP1, ASM_RV32_REG_TEMP2},
        .local = {ASM_RV32_REG_LOCAL_1, ASM_RV32_REG_LOCAL_2, ASM_RV32_REG_LOCAL_3},
        .fun_table = ASM_RV32_REG_FUN_TABLE,
        .shift_count = ASM_RV32_REG_A1,
        .parent_ret = ASM_RV32_REG_A0,
        .parent_arg = {ASM_RV32_REG_A0, ASM_RV32_REG_A1, ASM_RV32_REG_A2, ASM_RV32_REG_A3},
    },
    .nlr_buf_words = 17,
    .nlr_idx_local_1 = 6,
    .shifts_by_count_reg = false,
    .args_on_stack = false,
    .init = rv32_init,
    .deinit = rv32_deinit,
    .base = rv32_base,
    .entry = rv32_entry,
    .exit = rv32_exit,
    .jump = rv32_jump,
    .jump_if_zero = rv32_jump_if_zero,
    .jump_if_nonzero = rv32_jump_if_nonzero,
    .jump_if_eq = rv32_jump_if_eq,
    .jump_reg = rv32_jump_reg,
    .call_ind = rv32_call_ind,
    .call_setup_code_state = rv32_call_setup_code_state,
    .mov_local_reg = rv32_mov_local_reg,
    .mov_reg_imm = rv32_mov_reg_imm,
    .mov_reg_local = rv32_mov_reg_local,
    .mov_reg_reg = rv32_mov_reg_reg,
    .mov_reg_local_addr = rv32_mov_reg_local_addr,
    .mov_reg_pcrel = rv32_mov_reg_pcrel,
    .mov_arg_to_reg = NULL,
    .clr_reg = rv32_clr_reg,
    .not_reg = rv32_not_reg,
    .neg_reg = rv32_neg_reg,
    .shift_reg = rv32_shift_reg,
    .alu_reg_reg = rv32_alu_reg_reg,
    .load_reg_reg_offset = rv32_load_reg_reg_offset,
    .load16_reg_reg_offset = rv32_load16_reg_reg_offset,
    .load_sized = rv32_load_sized,
    .store_reg_reg_offset = rv32_store_reg_reg_offset,
    .store_sized = rv32_store_sized,
    .load_sized_offset = rv32_load_sized_offset,
    .store_sized_offset = rv32_store_sized_offset,
    .load_sized_reg_index = rv32_load_sized_reg_index,
    .store_sized_reg_index = rv32_store_sized_reg_index,
    .compare = rv32_compare,
    .set_arch_flags = rv32_set_arch_flags,
    .clear_local = rv32_clear_local,
};
