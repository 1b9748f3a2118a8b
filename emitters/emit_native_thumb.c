// emitters/emit_native_thumb.c: binds the native emitter to the Thumb
// assembler for armv6m and the armv7m family: r0..r3 for arguments, r4..r6
// for locals, r7 for the function table, and each abstract operation as
// the asm_thumb call MicroPython's Thumb native emitter makes.
#include "emit_native.h"

#define AS(as) ((asm_thumb_t *)(as))

static bool thumb_init(void *as, size_t max_num_labels, mpy_arch_t arch) {
    return asm_thumb_init(AS(as), max_num_labels, arch != MPY_ARCH_ARMV6M);
}

static void thumb_deinit(void *as) {
    asm_thumb_deinit(AS(as));
}

static asm_base_t *thumb_base(void *as) {
    return &AS(as)->base;
}

static void thumb_entry(void *as, int num_locals) {
    asm_thumb_entry(AS(as), num_locals);
}

static void thumb_exit(void *as) {
    asm_thumb_exit(AS(as));
}

static void thumb_jump(void *as, size_t label) {
    asm_thumb_b_label(AS(as), label);
}

static void thumb_jump_if_zero(void *as, int reg, size_t label, bool bool_test) {
    (void)bool_test;
    asm_thumb_cmp_rlo_i8(AS(as), (unsigned)reg, 0);
    asm_thumb_bcc_label(AS(as), ASM_THUMB_CC_EQ, label);
}

static void thumb_jump_if_nonzero(void *as, int reg, size_t label, bool bool_test) {
    (void)bool_test;
    asm_thumb_cmp_rlo_i8(AS(as), (unsigned)reg, 0);
    asm_thumb_bcc_label(AS(as), ASM_THUMB_CC_NE, label);
}

static void thumb_jump_if_eq(void *as, int reg1, int reg2, size_t label) {
    asm_thumb_cmp_rlo_rlo(AS(as), (unsigned)reg1, (unsigned)reg2);
    asm_thumb_bcc_label(AS(as), ASM_THUMB_CC_EQ, label);
}

static void thumb_jump_reg(void *as, int reg) {
    asm_thumb_bx_reg(AS(as), (unsigned)reg);
}

static void thumb_call_ind(void *as, native_fun_t fun) {
    asm_thumb_bl_ind(AS(as), fun, ASM_THUMB_REG_R3);
}

// r3 carries the fourth argument of setup_code_state, so r4 is the scratch.
static void thumb_call_setup_code_state(void *as) {
    asm_thumb_bl_ind(AS(as), NF_SETUP_CODE_STATE, ASM_THUMB_REG_R4);
}

static void thumb_mov_local_reg(void *as, int local_num, int reg) {
    asm_thumb_mov_local_reg(AS(as), local_num, (unsigned)reg);
}

static void thumb_mov_reg_imm(void *as, int reg, int64_t imm) {
    asm_thumb_mov_reg_i32_optimised(AS(as), (unsigned)reg, (int32_t)imm);
}

static void thumb_mov_reg_local(void *as, int reg, int local_num) {
    asm_thumb_mov_reg_local(AS(as), (unsigned)reg, local_num);
}

static void thumb_mov_reg_reg(void *as, int dest, int src) {
    asm_thumb_mov_reg_reg(AS(as), (unsigned)dest, (unsigned)src);
}

static void thumb_mov_reg_local_addr(void *as, int reg, int local_num) {
    asm_thumb_mov_reg_local_addr(AS(as), (unsigned)reg, local_num);
}

static void thumb_mov_reg_pcrel(void *as, int reg, size_t label) {
    asm_thumb_mov_reg_pcrel(AS(as), (unsigned)reg, label);
}

static void thumb_clr_reg(void *as, int reg) {
    asm_thumb_mov_rlo_i8(AS(as), (unsigned)reg, 0);
}

static void thumb_not_reg(void *as, int reg) {
    asm_thumb_mvn_rlo_rlo(AS(as), (unsigned)reg, (unsigned)reg);
}

static void thumb_neg_reg(void *as, int reg) {
    asm_thumb_neg_rlo_rlo(AS(as), (unsigned)reg, (unsigned)reg);
}

static void thumb_shift_reg(void *as, native_alu_t op, int reg) {
    // Thumb shifts by a register operand; the emitter never asks this.
    (void)op;
    (void)reg;
    asm_base_fail(&AS(as)->base, ASM_ERR_BAD_OPERAND);
}

static void thumb_alu_reg_reg(void *as, native_alu_t op, int dest, int src) {
    static const thumb_op_t format4[] = {
        [NATIVE_ALU_OR] = THUMB_ORR,
        [NATIVE_ALU_XOR] = THUMB_EOR,
        [NATIVE_ALU_AND] = THUMB_AND,
        [NATIVE_ALU_MUL] = THUMB_MUL,
        [NATIVE_ALU_LSL] = THUMB_LSL_R,
        [NATIVE_ALU_LSR] = THUMB_LSR_R,
        [NATIVE_ALU_ASR] = THUMB_ASR_R,
    };
    if (op == NATIVE_ALU_ADD) {
        asm_thumb_add_rlo_rlo_rlo(AS(as), (unsigned)dest, (unsigned)dest, (unsigned)src);
    } else if (op == NATIVE_ALU_SUB) {
        asm_thumb_sub_rlo_rlo_rlo(AS(as), (unsigned)dest, (unsigned)dest, (unsigned)src);
    } else {
        asm_thumb_alu_rlo_rlo(AS(as), format4[op], (unsigned)dest, (unsigned)src);
    }
}

static void thumb_load_reg_reg_offset(void *as, int dest, int base, int word_offset) {
    asm_thumb_ldr_reg_reg_i12_optimised(AS(as), (unsigned)dest, (unsigned)base, (unsigned)word_offset);
}

static void thumb_load16_reg_reg_offset(void *as, int dest, int base, int half_offset) {
    asm_thumb_ldrh_reg_reg_i12_optimised(AS(as), (unsigned)dest, (unsigned)base, (unsigned)half_offset);
}

static void thumb_load_sized(void *as, unsigned size, int dest, int base) {
    if (size == 0) {
        asm_thumb_ldrb_rlo_rlo_i5(AS(as), (unsigned)dest, (unsigned)base, 0);
    } else if (size == 1) {
        asm_thumb_ldrh_rlo_rlo_i5(AS(as), (unsigned)dest, (unsigned)base, 0);
    } else {
        asm_thumb_ldr_rlo_rlo_i5(AS(as), (unsigned)dest, (unsigned)base, 0);
    }
}

static void thumb_store_reg_reg_offset(void *as, int src, int base, int word_offset) {
    asm_thumb_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, (unsigned)word_offset, 2);
}

static void thumb_store_sized(void *as, unsigned size, int src, int base) {
    if (size == 0) {
        asm_thumb_strb_rlo_rlo_i5(AS(as), (unsigned)src, (unsigned)base, 0);
    } else if (size == 1) {
        asm_thumb_strh_rlo_rlo_i5(AS(as), (unsigned)src, (unsigned)base, 0);
    } else {
        asm_thumb_str_rlo_rlo_i5(AS(as), (unsigned)src, (unsigned)base, 0);
    }
}

static void thumb_load_sized_offset(void *as, unsigned size, int dest, int base, int index) {
    asm_thumb_load_reg_reg_offset(AS(as), (unsigned)dest, (unsigned)base, (unsigned)index, size);
}

static void thumb_store_sized_offset(void *as, unsigned size, int src, int base, int index) {
    asm_thumb_store_reg_reg_offset(AS(as), (unsigned)src, (unsigned)base, (unsigned)index, size);
}

static const thumb_op_t load_rrr[3] = {THUMB_LDRB_RRR, THUMB_LDRH_RRR, THUMB_LDR_RRR};
static const thumb_op_t store_rrr[3] = {THUMB_STRB_RRR, THUMB_STRH_RRR, THUMB_STR_RRR};

// Scales the index into r2 (free during a load) when elements are wider
// than a byte.
static void thumb_load_sized_reg_index(void *as, unsigned size, int dest, int base, int index) {
    unsigned idx = (unsigned)index;
    if (size > 0) {
        asm_thumb_lsl_rlo_rlo_i5(AS(as), ASM_THUMB_REG_R2, idx, size);
        idx = ASM_THUMB_REG_R2;
    }
    asm_thumb_mem_rlo_rlo_rlo(AS(as), load_rrr[size], (unsigned)dest, (unsigned)base, idx);
}

// A store has no free register: the index is scaled in place and restored.
static void thumb_store_sized_reg_index(void *as, unsigned size, int src, int base, int index) {
    unsigned idx = (unsigned)index;
    if (size > 0) {
        asm_thumb_push(AS(as), 1u << idx);
        asm_thumb_lsl_rlo_rlo_i5(AS(as), idx, idx, size);
    }
    asm_thumb_mem_rlo_rlo_rlo(AS(as), store_rrr[size], (unsigned)src, (unsigned)base, idx);
    if (size > 0) {
        asm_thumb_pop(AS(as), 1u << idx);
    }
}

// armv7m: cmp; ite <cc>; movs dest, #1; movs dest, #0. armv6m has no IT,
// so it branches around the two moves.
static void thumb_compare(void *as, unsigned op_idx, int dest, int lhs, int rhs) {
    static const uint8_t ccs[12] = {
        ASM_THUMB_CC_CC, ASM_THUMB_CC_HI, ASM_THUMB_CC_EQ, ASM_THUMB_CC_LS, ASM_THUMB_CC_CS, ASM_THUMB_CC_NE,
        ASM_THUMB_CC_LT, ASM_THUMB_CC_GT, ASM_THUMB_CC_EQ, ASM_THUMB_CC_LE, ASM_THUMB_CC_GE, ASM_THUMB_CC_NE,
    };
    unsigned cc = ccs[op_idx % 12];
    unsigned d = (unsigned)dest;
    asm_thumb_cmp_rlo_rlo(AS(as), (unsigned)lhs, (unsigned)rhs);
    if (AS(as)->allow_armv7m) {
        asm_thumb_it_cc(AS(as), cc, asm_thumb_it_mask(cc, "e"));
        asm_thumb_mov_rlo_i8(AS(as), d, 1);
        asm_thumb_mov_rlo_i8(AS(as), d, 0);
    } else {
        asm_thumb_bcc_rel9(AS(as), cc, 6);
        asm_thumb_mov_rlo_i8(AS(as), d, 0);
        asm_thumb_b_rel12(AS(as), 4);
        asm_thumb_mov_rlo_i8(AS(as), d, 1);
    }
}

const native_backend_t emit_native_thumb_backend = {
    .arch = MPY_ARCH_ARMV7M,
    .word_size = 4,
    .r = {
        .ret = ASM_THUMB_REG_R0,
        .arg = {ASM_THUMB_REG_R0, ASM_THUMB_REG_R1, ASM_THUMB_REG_R2, ASM_THUMB_REG_R3},
        .temp = {ASM_THUMB_REG_R0, ASM_THUMB_REG_R1, ASM_THUMB_REG_R2},
        .local = {ASM_THUMB_REG_R4, ASM_THUMB_REG_R5, ASM_THUMB_REG_R6},
        .fun_table = ASM_THUMB_REG_R7,
        .shift_count = ASM_THUMB_REG_R1,
        .parent_ret = ASM_THUMB_REG_R0,
        .parent_arg = {ASM_THUMB_REG_R0, ASM_THUMB_REG_R1, ASM_THUMB_REG_R2, ASM_THUMB_REG_R3},
    },
    .nlr_buf_words = 19,
    .nlr_idx_local_1 = 3,
    .shifts_by_count_reg = false,
    .args_on_stack = false,
    .init = thumb_init,
    .deinit = thumb_deinit,
    .base = thumb_base,
    .entry = thumb_entry,
    .exit = thumb_exit,
    .jump = thumb_jump,
    .jump_if_zero = thumb_jump_if_zero,
    .jump_if_nonzero = thumb_jump_if_nonzero,
    .jump_if_eq = thumb_jump_if_eq,
    .jump_reg = thumb_jump_reg,
    .call_ind = thumb_call_ind,
    .call_setup_code_state = thumb_call_setup_code_state,
    .mov_local_reg = thumb_mov_local_reg,
    .mov_reg_imm = thumb_mov_reg_imm,
    .mov_reg_local = thumb_mov_reg_local,
    .mov_reg_reg = thumb_mov_reg_reg,
    .mov_reg_local_addr = thumb_mov_reg_local_addr,
    .mov_reg_pcrel = thumb_mov_reg_pcrel,
    .mov_arg_to_reg = NULL,
    .clr_reg = thumb_clr_reg,
    .not_reg = thumb_not_reg,
    .neg_reg = thumb_neg_reg,
    .shift_reg = thumb_shift_reg,
    .alu_reg_reg = thumb_alu_reg_reg,
    .load_reg_reg_offset = thumb_load_reg_reg_offset,
    .load16_reg_reg_offset = thumb_load16_reg_reg_offset,
    .load_sized = thumb_load_sized,
    .store_reg_reg_offset = thumb_store_reg_reg_offset,
    .store_sized = thumb_store_sized,
    .load_sized_offset = thumb_load_sized_offset,
    .store_sized_offset = thumb_store_sized_offset,
    .load_sized_reg_index = thumb_load_sized_reg_index,
    .store_sized_reg_index = thumb_store_sized_reg_index,
    .compare = thumb_compare,
};
