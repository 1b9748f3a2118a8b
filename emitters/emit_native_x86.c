// emitters/emit_native_x86.c: binds the native emitter to the 32-bit x86
// assembler: cdecl calls (arguments pushed from eax, ecx, edx, ebx, so
// every runtime helper's argument count is needed), ebx/esi/edi for locals,
// ebp for the function table, and each abstract operation as the asm_x86
// call MicroPython's x86 native emitter makes.
#include "emit_native.h"

#define AS(as) ((asm_x86_t *)(as))

// How many arguments each runtime helper takes.
static const uint8_t fun_n_args[NF_NUMBER_OF] = {
    [NF_CONVERT_OBJ_TO_NATIVE] = 2,
    [NF_CONVERT_NATIVE_TO_OBJ] = 2,
    [NF_NATIVE_SWAP_GLOBALS] = 1,
    [NF_LOAD_NAME] = 1,
    [NF_LOAD_GLOBAL] = 1,
    [NF_LOAD_BUILD_CLASS] = 0,
    [NF_LOAD_ATTR] = 2,
    [NF_LOAD_METHOD] = 3,
    [NF_LOAD_SUPER_METHOD] = 2,
    [NF_STORE_NAME] = 2,
    [NF_STORE_GLOBAL] = 2,
    [NF_STORE_ATTR] = 3,
    [NF_OBJ_SUBSCR] = 3,
    [NF_OBJ_IS_TRUE] = 1,
    [NF_UNARY_OP] = 2,
    [NF_BINARY_OP] = 3,
    [NF_BUILD_TUPLE] = 2,
    [NF_BUILD_LIST] = 2,
    [NF_BUILD_MAP] = 1,
    [NF_BUILD_SET] = 2,
    [NF_STORE_SET] = 2,
    [NF_LIST_APPEND] = 2,
    [NF_STORE_MAP] = 3,
    [NF_MAKE_FUNCTION_FROM_PROTO_FUN] = 3,
    [NF_NATIVE_CALL_FUNCTION_N_KW] = 3,
    [NF_CALL_METHOD_N_KW] = 3,
    [NF_CALL_METHOD_N_KW_VAR] = 3,
    [NF_NATIVE_GETITER] = 2,
    [NF_NATIVE_ITERNEXT] = 1,
    [NF_NLR_PUSH] = 1,
    [NF_NLR_POP] = 0,
    [NF_NATIVE_RAISE] = 1,
    [NF_IMPORT_NAME] = 3,
    [NF_IMPORT_FROM] = 2,
    [NF_IMPORT_ALL] = 1,
    [NF_NEW_SLICE] = 3,
    [NF_UNPACK_SEQUENCE] = 3,
    [NF_UNPACK_EX] = 3,
    [NF_DELETE_NAME] = 1,
    [NF_DELETE_GLOBAL] = 1,
    [NF_NEW_CLOSURE] = 3,
    [NF_ARG_CHECK_NUM_SIG] = 3,
    [NF_SETUP_CODE_STATE] = 4,
    [NF_SMALL_INT_FLOOR_DIVIDE] = 2,
    [NF_SMALL_INT_MODULO] = 2,
    [NF_NATIVE_YIELD_FROM] = 3,
    [NF_SETJMP] = 1,
};

static bool x86_init(void *as, size_t max_num_labels, mpy_arch_t arch) {
    (void)arch;
    return asm_x86_init(AS(as), max_num_labels);
}

static void x86_deinit(void *as) {
    asm_x86_deinit(AS(as));
}

static asm_base_t *x86_base(void *as) {
    return &AS(as)->base;
}

static void x86_entry(void *as, int num_locals) {
    asm_x86_entry(AS(as), num_locals);
}

static void x86_exit(void *as) {
    asm_x86_exit(AS(as));
}

static void x86_jump(void *as, size_t label) {
    asm_x86_jmp_label(AS(as), label);
}

static void test_reg(void *as, int reg, bool bool_test) {
    if (bool_test) {
        asm_x86_test_r8_with_r8(AS(as), reg, reg);
    } else {
        asm_x86_test_r32_with_r32(AS(as), reg, reg);
    }
}

static void x86_jump_if_zero(void *as, int reg, size_t label, bool bool_test) {
    test_reg(as, reg, bool_test);
    asm_x86_jcc_label(AS(as), ASM_X86_CC_JZ, label);
}

static void x86_jump_if_nonzero(void *as, int reg, size_t label, bool bool_test) {
    test_reg(as, reg, bool_test);
    asm_x86_jcc_label(AS(as), ASM_X86_CC_JNZ, label);
}

static void x86_jump_if_eq(void *as, int reg1, int reg2, size_t label) {
    asm_x86_cmp_r32_with_r32(AS(as), reg1, reg2);
    asm_x86_jcc_label(AS(as), ASM_X86_CC_JE, label);
}

static void x86_jump_reg(void *as, int reg) {
    asm_x86_jmp_reg(AS(as), reg);
}

static void x86_call_ind(void *as, native_fun_t fun) {
    asm_x86_call_ind(AS(as), fun, fun_n_args[fun], ASM_X86_REG_EAX);
}

static void x86_call_setup_code_state(void *as) {
    x86_call_ind(as, NF_SETUP_CODE_STATE);
}

static void x86_mov_local_reg(void *as, int local_num, int reg) {
    asm_x86_mov_r32_to_local(AS(as), reg, local_num);
}

static void x86_mov_reg_imm(void *as, int reg, int64_t imm) {
    asm_x86_mov_i32_to_r32(AS(as), (int32_t)imm, reg);
}

static void x86_mov_reg_local(void *as, int reg, int local_num) {
    asm_x86_mov_local_to_r32(AS(as), local_num, reg);
}

static void x86_mov_reg_reg(void *as, int dest, int src) {
    asm_x86_mov_r32_r32(AS(as), dest, src);
}

static void x86_mov_reg_local_addr(void *as, int reg, int local_num) {
    asm_x86_mov_local_addr_to_r32(AS(as), local_num, reg);
}

static void x86_mov_arg_to_reg(void *as, int arg_num, int reg) {
    asm_x86_mov_arg_to_r32(AS(as), arg_num, reg);
}

static void x86_mov_reg_pcrel(void *as, int reg, size_t label) {
    asm_x86_mov_reg_pcrel(AS(as), reg, label);
}

static void x86_clr_reg(void *as, int reg) {
    asm_x86_xor_r32_r32(AS(as), reg, reg);
}

static void x86_not_reg(void *as, int reg) {
    asm_x86_not_r32(AS(as), reg);
}

static void x86_neg_reg(void *as, int reg) {
    asm_x86_neg_r32(AS(as), reg);
}

static void x86_shift_reg(void *as, native_alu_t op, int reg) {
    if (op == NATIVE_ALU_LSL) {
        asm_x86_shl_r32_cl(AS(as), reg);
    } else if (op == NATIVE_ALU_LSR) {
        asm_x86_shr_r32_cl(AS(as), reg);
    } else {
        asm_x86_sar_r32_cl(AS(as), reg);
    }
}

static void x86_alu_reg_reg(void *as, native_alu_t op, int dest, int src) {
    switch (op) {
        case NATIVE_ALU_OR:
            asm_x86_or_r32_r32(AS(as), dest, src);
            break;
        case NATIVE_ALU_XOR:
            asm_x86_xor_r32_r32(AS(as), dest, src);
            break;
        case NATIVE_ALU_AND:
            asm_x86_and_r32_r32(AS(as), dest, src);
            break;
        case NATIVE_ALU_ADD:
            asm_x86_add_r32_r32(AS(as), dest, src);
            break;
        case NATIVE_ALU_SUB:
            asm_x86_sub_r32_r32(AS(as), dest, src);
            break;
        case NATIVE_ALU_MUL:
            asm_x86_mul_r32_r32(AS(as), dest, src);
            break;
        default:
            // Shifts go through x86_shift_reg.
            asm_base_fail(&AS(as)->base, ASM_ERR_BAD_OPERAND);
            break;
    }
}

static void x86_load_reg_reg_offset(void *as, int dest, int base, int word_offset) {
    asm_x86_mov_mem32_to_r32(AS(as), base, 4 * word_offset, dest);
}

static void x86_load16_reg_reg_offset(void *as, int dest, int base, int half_offset) {
    asm_x86_mov_mem16_to_r32zx(AS(as), base, 2 * half_offset, dest);
}

static void x86_load_sized(void *as, unsigned size, int dest, int base) {
    if (size == 0) {
        asm_x86_mov_mem8_to_r32zx(AS(as), base, 0, dest);
    } else if (size == 1) {
        asm_x86_mov_mem16_to_r32zx(AS(as), base, 0, dest);
    } else {
        asm_x86_mov_mem32_to_r32(AS(as), base, 0, dest);
    }
}

static void x86_store_reg_reg_offset(void *as, int src, int base, int word_offset) {
    asm_x86_mov_r32_to_mem32(AS(as), src, base, 4 * word_offset);
}

static void x86_store_sized(void *as, unsigned size, int src, int base) {
    if (size == 0) {
        asm_x86_mov_r8_to_mem8(AS(as), src, base, 0);
    } else if (size == 1) {
        asm_x86_mov_r16_to_mem16(AS(as), src, base, 0);
    } else {
        asm_x86_mov_r32_to_mem32(AS(as), src, base, 0);
    }
}

static void x86_load_sized_offset(void *as, unsigned size, int dest, int base, int index) {
    int disp = index * (1 << size);
    if (size == 0) {
        asm_x86_mov_mem8_to_r32zx(AS(as), base, disp, dest);
    } else if (size == 1) {
        asm_x86_mov_mem16_to_r32zx(AS(as), base, disp, dest);
    } else {
        asm_x86_mov_mem32_to_r32(AS(as), base, disp, dest);
    }
}

static void x86_store_sized_offset(void *as, unsigned size, int src, int base, int index) {
    int disp = index * (1 << size);
    if (size == 0) {
        asm_x86_mov_r8_to_mem8(AS(as), src, base, disp);
    } else if (size == 1) {
        asm_x86_mov_r16_to_mem16(AS(as), src, base, disp);
    } else {
        asm_x86_mov_r32_to_mem32(AS(as), src, base, disp);
    }
}

static void x86_compare(void *as, unsigned op_idx, int dest, int lhs, int rhs) {
    static const uint8_t ccs[12] = {
        ASM_X86_CC_JB, ASM_X86_CC_JA, ASM_X86_CC_JE, ASM_X86_CC_JBE, ASM_X86_CC_JAE, ASM_X86_CC_JNE,
        ASM_X86_CC_JL, ASM_X86_CC_JG, ASM_X86_CC_JE, ASM_X86_CC_JLE, ASM_X86_CC_JGE, ASM_X86_CC_JNE,
    };
    asm_x86_xor_r32_r32(AS(as), dest, dest);
    asm_x86_cmp_r32_with_r32(AS(as), rhs, lhs);
    asm_x86_setcc_r8(AS(as), ccs[op_idx % 12], dest);
}

const native_backend_t emit_native_x86_backend = {
    .arch = MPY_ARCH_X86,
    .word_size = 4,
    .r = {
        .ret = ASM_X86_REG_EAX,
        .arg = {ASM_X86_REG_ARG_1, ASM_X86_REG_ARG_2, ASM_X86_REG_ARG_3, ASM_X86_REG_ARG_4},
        .temp = {ASM_X86_REG_EAX, ASM_X86_REG_ECX, ASM_X86_REG_EDX},
        .local = {ASM_X86_REG_EBX, ASM_X86_REG_ESI, ASM_X86_REG_EDI},
        .fun_table = ASM_X86_REG_FUN_TABLE,
        .shift_count = ASM_X86_REG_ECX,
        .parent_ret = ASM_X86_REG_EAX,
        .parent_arg = {ASM_X86_REG_ARG_1, ASM_X86_REG_ARG_2, ASM_X86_REG_ARG_3, ASM_X86_REG_ARG_4},
    },
    .nlr_buf_words = 9,
    .nlr_idx_local_1 = 5,
    .shifts_by_count_reg = true,
    .args_on_stack = true,
    .init = x86_init,
    .deinit = x86_deinit,
    .base = x86_base,
    .entry = x86_entry,
    .exit = x86_exit,
    .jump = x86_jump,
    .jump_if_zero = x86_jump_if_zero,
    .jump_if_nonzero = x86_jump_if_nonzero,
    .jump_if_eq = x86_jump_if_eq,
    .jump_reg = x86_jump_reg,
    .call_ind = x86_call_ind,
    .call_setup_code_state = x86_call_setup_code_state,
    .mov_local_reg = x86_mov_local_reg,
    .mov_reg_imm = x86_mov_reg_imm,
    .mov_reg_local = x86_mov_reg_local,
    .mov_reg_reg = x86_mov_reg_reg,
    .mov_reg_local_addr = x86_mov_reg_local_addr,
    .mov_reg_pcrel = x86_mov_reg_pcrel,
    .mov_arg_to_reg = x86_mov_arg_to_reg,
    .clr_reg = x86_clr_reg,
    .not_reg = x86_not_reg,
    .neg_reg = x86_neg_reg,
    .shift_reg = x86_shift_reg,
    .alu_reg_reg = x86_alu_reg_reg,
    .load_reg_reg_offset = x86_load_reg_reg_offset,
    .load16_reg_reg_offset = x86_load16_reg_reg_offset,
    .load_sized = x86_load_sized,
    .store_reg_reg_offset = x86_store_reg_reg_offset,
    .store_sized = x86_store_sized,
    .load_sized_offset = x86_load_sized_offset,
    .store_sized_offset = x86_store_sized_offset,
    .load_sized_reg_index = NULL,
    .store_sized_reg_index = NULL,
    .compare = x86_compare,
};
