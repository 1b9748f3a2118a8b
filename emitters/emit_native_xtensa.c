// emitters/emit_native_xtensa.c: binds the native emitter to the Xtensa
// assembler, once per ABI. The call0 ABI (xtensa, ESP8266) passes arguments
// in a2..a5 to callees and callers alike and keeps locals in a12..a14 and
// the function table in a15. The windowed ABI (xtensawin, ESP32) sees its
// caller's arguments in a2..a5 but passes its own in a10..a13 (call8 rotates
// the window by 8), keeps locals in a4..a6 and the table in a7. Each
// abstract operation is the asm_xtensa call MicroPython's Xtensa native
// emitters make.
#include "emit_native.h"

#define AS(as) ((asm_xtensa_t *)(as))

static bool xtensa_init(void *as, size_t max_num_labels, mpy_arch_t arch) {
    (void)arch;
    return asm_xtensa_init(AS(as), max_num_labels);
}

static void xtensa_deinit(void *as) {
    asm_xtensa_deinit(AS(as));
}

static asm_base_t *xtensa_base(void *as) {
    return &AS(as)->base;
}

static void xtensa_end_pass(void *as) {
    asm_xtensa_end_pass(AS(as));
}

// ---------------------------------------------------------------------------
// What differs between the ABIs: the frame's saved words, entry and exit,
// and the call sequence.

static void call0_entry(void *as, int num_locals) {
    asm_xtensa_entry(AS(as), num_locals);
}

static void call0_exit(void *as) {
    asm_xtensa_exit(AS(as));
}

static void call0_call_ind(void *as, native_fun_t fun) {
    asm_xtensa_call_ind(AS(as), (unsigned)fun);
}

static void call0_call_setup_code_state(void *as) {
    asm_xtensa_call_ind(AS(as), NF_SETUP_CODE_STATE);
}

static void call0_mov_local_reg(void *as, int local_num, int reg) {
    asm_xtensa_mov_local_reg(AS(as), ASM_XTENSA_NUM_REGS_SAVED + local_num, (unsigned)reg);
}

static void call0_mov_reg_local(void *as, int reg, int local_num) {
    asm_xtensa_mov_reg_local(AS(as), (unsigned)reg, ASM_XTENSA_NUM_REGS_SAVED + local_num);
}

static void call0_mov_reg_local_addr(void *as, int reg, int local_num) {
    asm_xtensa_mov_reg_local_addr(AS(as), (unsigned)reg, ASM_XTENSA_NUM_REGS_SAVED + local_num);
}

static void win_entry(void *as, int num_locals) {
    asm_xtensa_entry_win(AS(as), num_locals);
}

static void win_exit(void *as) {
    asm_xtensa_exit_win(AS(as));
}

static void win_call_ind(void *as, native_fun_t fun) {
    asm_xtensa_call_ind_win(AS(as), (unsigned)fun);
}

static void win_call_setup_code_state(void *as) {
    asm_xtensa_call_ind_win(AS(as), NF_SETUP_CODE_STATE);
}

static void win_mov_local_reg(void *as, int local_num, int reg) {
    asm_xtensa_mov_local_reg(AS(as), ASM_XTENSA_NUM_REGS_SAVED_WIN + local_num, (unsigned)reg);
}

static void win_mov_reg_local(void *as, int reg, int local_num) {
    asm_xtensa_mov_reg_local(AS(as), (unsigned)reg, ASM_XTENSA_NUM_REGS_SAVED_WIN + local_num);
}

static void win_mov_reg_local_addr(void *as, int reg, int local_num) {
    asm_xtensa_mov_reg_local_addr(AS(as), (unsigned)reg, ASM_XTENSA_NUM_REGS_SAVED_WIN + local_num);
}

// ---------------------------------------------------------------------------
// The same for both ABIs.

static void xtensa_jump(void *as, size_t label) {
    asm_xtensa_j_label(AS(as), label);
}

static void xtensa_jump_if_zero(void *as, int reg, size_t label, bool bool_test) {
    (void)bool_test;
    asm_xtensa_bccz_reg_label(AS(as), ASM_XTENSA_CCZ_EQ, (unsigned)reg, label);
}

static void xtensa_jump_if_nonzero(void *as, int reg, size_t label, bool bool_test) {
    (void)bool_test;
    asm_xtensa_bccz_reg_label(AS(as), ASM_XTENSA_CCZ_NE, (unsigned)reg, label);
}

static void xtensa_jump_if_eq(void *as, int reg1, int reg2, size_t label) {
    asm_xtensa_bcc_reg_reg_label(AS(as), ASM_XTENSA_CC_EQ, (unsigned)reg1, (unsigned)reg2, label);
}

static void xtensa_jump_reg(void *as, int reg) {
    asm_xtensa_jx_reg(AS(as), (unsigned)reg);
}

static void xtensa_mov_reg_imm(void *as, int reg, int64_t imm) {
    asm_xtensa_mov_reg_i32_optimised(AS(as), (unsigned)reg, (uint32_t)imm);
}

static void xtensa_mov_reg_reg(void *as, int dest, int src) {
    asm_xtensa_mov_n_reg_reg(AS(as), (unsigned)dest, (unsigned)src);
}

static void xtensa_mov_reg_pcrel(void *as, int reg, size_t label) {
    asm_xtensa_mov_reg_pcrel(AS(as), (unsigned)reg, label);
}

static void xtensa_clr_reg(void *as, int reg) {
    asm_xtensa_movi_n_reg_i7(AS(as), (unsigned)reg, 0);
}

static void xtensa_neg_reg(void *as, int reg) {
    asm_xtensa_neg_reg_reg(AS(as), (unsigned)reg, (unsigned)reg);
}

static void xtensa_shift_reg(void *as, native_alu_t op, int reg) {
    // Xtensa shifts through the SAR register; the emitter never asks this.
    (void)op;
    (void)reg;
    asm_base_fail(&AS(as)->base, ASM_ERR_BAD_OPERAND);
}

// Shifts set SAR from the count register first: ssl for left, ssr for
// right (ISA 4.3.3).
static void xtensa_alu_reg_reg(void *as, native_alu_t op, int dest, int src) {
    static const xtensa_op_t rrr[] = {
        [NATIVE_ALU_OR] = XTENSA_OR,
        [NATIVE_ALU_XOR] = XTENSA_XOR,
        [NATIVE_ALU_AND] = XTENSA_AND,
        [NATIVE_ALU_ADD] = XTENSA_ADD_N,
        [NATIVE_ALU_SUB] = XTENSA_SUB,
        [NATIVE_ALU_MUL] = XTENSA_MULL,
    };
    unsigned d = (unsigned)dest;
    unsigned s = (unsigned)src;
    switch (op) {
        case NATIVE_ALU_LSL:
            asm_xtensa_ssl_reg(AS(as), s);
            asm_xtensa_sll_reg_reg(AS(as), d, d);
            break;
        case NATIVE_ALU_LSR:
            asm_xtensa_ssr_reg(AS(as), s);
            asm_xtensa_srl_reg_reg(AS(as), d, d);
            break;
        case NATIVE_ALU_ASR:
            asm_xtensa_ssr_reg(AS(as), s);
            asm_xtensa_sra_reg_reg(AS(as), d, d);
            break;
        default:
            asm_xtensa_rrr(AS(as), rrr[op], d, d, s);
            break;
    }
}

static void xtensa_load_reg_reg_offset(void *as, int dest, int base, int word_offset) {
    asm_xtensa_l32i_optimised(AS(as), (unsigned)dest, (unsigned)base, (unsigned)word_offset);
}

static void xtensa_load16_reg_reg_offset(void *as, int dest, int base, int half_offset) {
    asm_xtensa_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, (unsigned)half_offset, 1);
}

static void xtensa_load_sized(void *as, unsigned size, int dest, int base) {
    asm_xtensa_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, 0, size);
}

static void xtensa_store_reg_reg_offset(void *as, int src, int base, int word_offset) {
    asm_xtensa_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, (unsigned)word_offset, 2);
}

static void xtensa_store_sized(void *as, unsigned size, int src, int base) {
    asm_xtensa_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, 0, size);
}

static void xtensa_load_sized_offset(void *as, unsigned size, int dest, int base, int index) {
    asm_xtensa_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, (unsigned)index, size);
}

static void xtensa_store_sized_offset(void *as, unsigned size, int src, int base, int index) {
    asm_xtensa_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, (unsigned)index, size);
}

// base += index << size with one add (add.n, addx2, addx4), then the
// access at offset 0; base is a scratch register here.
static void add_scaled_index(void *as, unsigned size, unsigned base, unsigned index) {
    static const xtensa_op_t adds[3] = {XTENSA_ADD_N, XTENSA_ADDX2, XTENSA_ADDX4};
    asm_xtensa_rrr(AS(as), adds[size], base, index, base);
}

static void xtensa_load_sized_reg_index(void *as, unsigned size, int dest, int base, int index) {
    add_scaled_index(as, size, (unsigned)base, (unsigned)index);
    xtensa_load_sized(as, size, dest, base);
}

static void xtensa_store_sized_reg_index(void *as, unsigned size, int src, int base, int index) {
    add_scaled_index(as, size, (unsigned)base, (unsigned)index);
    xtensa_store_sized(as, size, src, base);
}

// setcc has only <, >= and (in)equality: > and <= swap the operands.
static void xtensa_compare(void *as, unsigned op_idx, int dest, int lhs, int rhs) {
    enum { SWAP = 0x80 };
    static const uint8_t ccs[12] = {
        ASM_XTENSA_CC_LTU, SWAP | ASM_XTENSA_CC_LTU, ASM_XTENSA_CC_EQ,
        SWAP | ASM_XTENSA_CC_GEU, ASM_XTENSA_CC_GEU, ASM_XTENSA_CC_NE,
        ASM_XTENSA_CC_LT, SWAP | ASM_XTENSA_CC_LT, ASM_XTENSA_CC_EQ,
        SWAP | ASM_XTENSA_CC_GE, ASM_XTENSA_CC_GE, ASM_XTENSA_CC_NE,
    };
    unsigned cc = ccs[op_idx % 12];
    unsigned a = (unsigned)lhs;
    unsigned b = (unsigned)rhs;
    if (cc & SWAP) {
        a = (unsigned)rhs;
        b = (unsigned)lhs;
    }
    asm_xtensa_setcc_reg_reg_reg(AS(as), cc & ~(unsigned)SWAP, (unsigned)dest, a, b);
}

#define XTENSA_COMMON_OPS \
    .init = xtensa_init, \
    .deinit = xtensa_deinit, \
    .base = xtensa_base, \
    .end_pass = xtensa_end_pass, \
    .jump = xtensa_jump, \
    .jump_if_zero = xtensa_jump_if_zero, \
    .jump_if_nonzero = xtensa_jump_if_nonzero, \
    .jump_if_eq = xtensa_jump_if_eq, \
    .jump_reg = xtensa_jump_reg, \
    .mov_reg_imm = xtensa_mov_reg_imm, \
    .mov_reg_reg = xtensa_mov_reg_reg, \
    .mov_reg_pcrel = xtensa_mov_reg_pcrel, \
    .mov_arg_to_reg = NULL, \
    .clr_reg = xtensa_clr_reg, \
    .not_reg = NULL, \
    .neg_reg = xtensa_neg_reg, \
    .shift_reg = xtensa_shift_reg, \
    .alu_reg_reg = xtensa_alu_reg_reg, \
    .load_reg_reg_offset = xtensa_load_reg_reg_offset, \
    .load16_reg_reg_offset = xtensa_load16_reg_reg_offset, \
    .load_sized = xtensa_load_sized, \
    .store_reg_reg_offset = xtensa_store_reg_reg_offset, \
    .store_sized = xtensa_store_sized, \
    .load_sized_offset = xtensa_load_sized_offset, \
    .store_sized_offset = xtensa_store_sized_offset, \
    .load_sized_reg_index = xtensa_load_sized_reg_index, \
    .store_sized_reg_index = xtensa_store_sized_reg_index, \
    .compare = xtensa_compare

const native_backend_t emit_native_xtensa_backend = {
    .arch = MPY_ARCH_XTENSA,
    .word_size = 4,
    .r = {
        .ret = ASM_XTENSA_REG_A2,
        .arg = {ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A3, ASM_XTENSA_REG_A4, ASM_XTENSA_REG_A5},
        .temp = {ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A3, ASM_XTENSA_REG_A4},
        .local = {ASM_XTENSA_REG_A12, ASM_XTENSA_REG_A13, ASM_XTENSA_REG_A14},
        .fun_table = ASM_XTENSA_REG_FUN_TABLE,
        .shift_count = ASM_XTENSA_REG_A3,
        .parent_ret = ASM_XTENSA_REG_A2,
        .parent_arg = {ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A3, ASM_XTENSA_REG_A4, ASM_XTENSA_REG_A5},
    },
    // nlr_buf_t: prev, ret_val, 10 registers (a0, a1, a12..a15 among them,
    // a12 at word 8), and one more word.
    .nlr_buf_words = 13,
    .nlr_idx_local_1 = 8,
    .shifts_by_count_reg = false,
    .args_on_stack = false,
    .nlr_setjmp = false,
    .entry = call0_entry,
    .exit = call0_exit,
    .call_ind = call0_call_ind,
    .call_setup_code_state = call0_call_setup_code_state,
    .mov_local_reg = call0_mov_local_reg,
    .mov_reg_local = call0_mov_reg_local,
    .mov_reg_local_addr = call0_mov_reg_local_addr,
    XTENSA_COMMON_OPS,
};

const native_backend_t emit_native_xtensawin_backend = {
    .arch = MPY_ARCH_XTENSAWIN,
    .word_size = 4,
    .r = {
        .ret = ASM_XTENSA_REG_A10,
        .arg = {ASM_XTENSA_REG_A10, ASM_XTENSA_REG_A11, ASM_XTENSA_REG_A12, ASM_XTENSA_REG_A13},
        .temp = {ASM_XTENSA_REG_A10, ASM_XTENSA_REG_A11, ASM_XTENSA_REG_A12},
        .local = {ASM_XTENSA_REG_A4, ASM_XTENSA_REG_A5, ASM_XTENSA_REG_A6},
        .fun_table = ASM_XTENSA_REG_FUN_TABLE_WIN,
        .shift_count = ASM_XTENSA_REG_A11,
        .parent_ret = ASM_XTENSA_REG_A2,
        .parent_arg = {ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A3, ASM_XTENSA_REG_A4, ASM_XTENSA_REG_A5},
    },
    // nlr_buf_t with the setjmp buffer of the ESP32's C library: prev,
    // ret_val, 17 words of jmp_buf (a4 at word 6), and one more word.
    .nlr_buf_words = 20,
    .nlr_idx_local_1 = 6,
    .shifts_by_count_reg = false,
    .args_on_stack = false,
    .nlr_setjmp = true,
    .entry = win_entry,
    .exit = win_exit,
    .call_ind = win_call_ind,
    .call_setup_code_state = win_call_setup_code_state,
    .mov_local_reg = win_mov_local_reg,
    .mov_reg_local = win_mov_reg_local,
    .mov_reg_local_addr = win_mov_reg_local_addr,
    XTENSA_COMMON_OPS,
};
