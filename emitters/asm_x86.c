// emitters/asm_x86.c: 32-bit x86 encodings with the instruction selection
// of MicroPython's py/asmx86.c (see asm_x86.h for the encoding rules).
#include "asm_x86.h"

#include <string.h>

#define WORD_SIZE 4

enum {
    OP_NOP = 0x90,
    OP_PUSH_R32 = 0x50,        // +r
    OP_POP_R32 = 0x58,         // +r
    OP_RET = 0xc3,
    OP_MOV_I32_TO_R32 = 0xb8,  // +r
    OP_MOV_R8_TO_RM8 = 0x88,   // /r
    OP_MOV_R32_TO_RM32 = 0x89, // /r
    OP_MOV_RM32_TO_R32 = 0x8b, // /r
    OP_MOVZX_RM8 = 0xb6,       // 0x0f 0xb6 /r
    OP_MOVZX_RM16 = 0xb7,      // 0x0f 0xb7 /r
    OP_LEA = 0x8d,
    OP_GROUP3_RM32 = 0xf7,     // /2 not, /3 neg
    OP_AND_R32_TO_RM32 = 0x21,
    OP_OR_R32_TO_RM32 = 0x09,
    OP_XOR_R32_TO_RM32 = 0x31,
    OP_ADD_R32_TO_RM32 = 0x01,
    OP_SUB_R32_FROM_RM32 = 0x29,
    OP_GROUP1_I32 = 0x81,      // /0 add, /5 sub
    OP_GROUP1_I8 = 0x83,       // /0 add, /5 sub
    OP_SHIFT_RM32_CL = 0xd3,   // /4 shl, /5 shr, /7 sar
    OP_CMP_R32_WITH_RM32 = 0x39,
    OP_TEST_R8_WITH_RM8 = 0x84,
    OP_TEST_R32_WITH_RM32 = 0x85,
    OP_JMP_REL8 = 0xeb,
    OP_JMP_REL32 = 0xe9,
    OP_CALL_REL32 = 0xe8,
    OP_GROUP5 = 0xff,          // /2 call rm, /4 jmp rm
    OP_JCC_REL8 = 0x70,        // | cc
    OP_0F = 0x0f,
    OP_JCC_REL32 = 0x80,       // 0x0f, 0x80 | cc
    OP_SETCC = 0x90,           // 0x0f, 0x90 | cc, /0
    OP_IMUL = 0xaf,            // 0x0f 0xaf /r
    OP_SIZE_PREFIX = 0x66,
};

#define MODRM_REG(x) (((x) & 7) << 3)
#define MODRM_RM(x) ((x) & 7)
#define MODRM_DISP0 0x00
#define MODRM_DISP8 0x40
#define MODRM_DISP32 0x80
#define MODRM_RM_REG 0xc0

static bool fits_signed8(int32_t v) {
    return v >= -128 && v <= 127;
}

bool asm_x86_init(asm_x86_t *as, size_t max_num_labels) {
    memset(as, 0, sizeof(*as));
    return asm_base_init(&as->base, max_num_labels);
}

void asm_x86_deinit(asm_x86_t *as) {
    asm_base_deinit(&as->base);
}

static void write_bytes(asm_x86_t *as, const uint8_t *bytes, size_t n) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(&as->base, n);
    if (c != NULL) {
        memcpy(c, bytes, n);
    }
}

static void byte1(asm_x86_t *as, unsigned b1) {
    const uint8_t b[1] = {(uint8_t)b1};
    write_bytes(as, b, 1);
}

static void byte2(asm_x86_t *as, unsigned b1, unsigned b2) {
    const uint8_t b[2] = {(uint8_t)b1, (uint8_t)b2};
    write_bytes(as, b, 2);
}

static void byte3(asm_x86_t *as, unsigned b1, unsigned b2, unsigned b3) {
    const uint8_t b[3] = {(uint8_t)b1, (uint8_t)b2, (uint8_t)b3};
    write_bytes(as, b, 3);
}

static void word32(asm_x86_t *as, int32_t w) {
    uint32_t u = (uint32_t)w;
    const uint8_t b[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
    write_bytes(as, b, 4);
}

// ModRM (plus SIB and displacement) for reg and [base + disp].
static void write_r32_disp(asm_x86_t *as, int r32, int base_r32, int32_t disp) {
    unsigned mod;
    if (disp == 0 && base_r32 != ASM_X86_REG_EBP) {
        mod = MODRM_DISP0;
    } else if (fits_signed8(disp)) {
        mod = MODRM_DISP8;
    } else {
        mod = MODRM_DISP32;
    }
    byte1(as, MODRM_REG(r32) | mod | MODRM_RM(base_r32));
    if (base_r32 == ASM_X86_REG_ESP) {
        byte1(as, 0x24);
    }
    if (mod == MODRM_DISP8) {
        byte1(as, (uint8_t)disp);
    } else if (mod == MODRM_DISP32) {
        word32(as, disp);
    }
}

static void generic_r32_r32(asm_x86_t *as, int dest_r32, int src_r32, unsigned op) {
    byte2(as, op, MODRM_REG(src_r32) | MODRM_RM_REG | MODRM_RM(dest_r32));
}

void asm_x86_nop(asm_x86_t *as) {
    byte1(as, OP_NOP);
}

void asm_x86_push_r32(asm_x86_t *as, int src_r32) {
    byte1(as, OP_PUSH_R32 | (unsigned)src_r32);
}

void asm_x86_pop_r32(asm_x86_t *as, int dest_r32) {
    byte1(as, OP_POP_R32 | (unsigned)dest_r32);
}

void asm_x86_ret(asm_x86_t *as) {
    byte1(as, OP_RET);
}

void asm_x86_mov_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, OP_MOV_R32_TO_RM32);
}

size_t asm_x86_mov_i32_to_r32(asm_x86_t *as, int32_t src_i32, int dest_r32) {
    byte1(as, OP_MOV_I32_TO_R32 | (unsigned)dest_r32);
    size_t loc = asm_base_get_code_pos(&as->base);
    word32(as, src_i32);
    return loc;
}

void asm_x86_mov_r8_to_mem8(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp) {
    byte1(as, OP_MOV_R8_TO_RM8);
    write_r32_disp(as, src_r32, dest_r32, dest_disp);
}

void asm_x86_mov_r16_to_mem16(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp) {
    byte2(as, OP_SIZE_PREFIX, OP_MOV_R32_TO_RM32);
    write_r32_disp(as, src_r32, dest_r32, dest_disp);
}

void asm_x86_mov_r32_to_mem32(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp) {
    byte1(as, OP_MOV_R32_TO_RM32);
    write_r32_disp(as, src_r32, dest_r32, dest_disp);
}

void asm_x86_mov_mem8_to_r32zx(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    byte2(as, OP_0F, OP_MOVZX_RM8);
    write_r32_disp(as, dest_r32, src_r32, src_disp);
}

void asm_x86_mov_mem16_to_r32zx(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    byte2(as, OP_0F, OP_MOVZX_RM16);
    write_r32_disp(as, dest_r32, src_r32, src_disp);
}

void asm_x86_mov_mem32_to_r32(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    byte1(as, OP_MOV_RM32_TO_R32);
    write_r32_disp(as, dest_r32, src_r32, src_disp);
}

void asm_x86_lea_disp_to_r32(asm_x86_t *as, int src_r32, int src_disp, int dest_r32) {
    byte1(as, OP_LEA);
    write_r32_disp(as, dest_r32, src_r32, src_disp);
}

void asm_x86_not_r32(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, 2, OP_GROUP3_RM32);
}

void asm_x86_neg_r32(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, 3, OP_GROUP3_RM32);
}

void asm_x86_and_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, OP_AND_R32_TO_RM32);
}

void asm_x86_or_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, OP_OR_R32_TO_RM32);
}

void asm_x86_xor_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, OP_XOR_R32_TO_RM32);
}

void asm_x86_shl_r32_cl(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, 4, OP_SHIFT_RM32_CL);
}

void asm_x86_shr_r32_cl(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, 5, OP_SHIFT_RM32_CL);
}

void asm_x86_sar_r32_cl(asm_x86_t *as, int dest_r32) {
    generic_r32_r32(as, dest_r32, 7, OP_SHIFT_RM32_CL);
}

void asm_x86_add_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, OP_ADD_R32_TO_RM32);
}

void asm_x86_sub_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    generic_r32_r32(as, dest_r32, src_r32, OP_SUB_R32_FROM_RM32);
}

// imul r32, r/m32 is the "RM" form: ModRM.reg is the destination.
void asm_x86_mul_r32_r32(asm_x86_t *as, int dest_r32, int src_r32) {
    byte3(as, OP_0F, OP_IMUL, MODRM_REG(dest_r32) | MODRM_RM_REG | MODRM_RM(src_r32));
}

// Group 1 with an immediate: /ext selects the operation.
static void group1_i32(asm_x86_t *as, unsigned ext, int dest_r32, int32_t imm) {
    if (fits_signed8(imm)) {
        byte2(as, OP_GROUP1_I8, MODRM_REG(ext) | MODRM_RM_REG | MODRM_RM(dest_r32));
        byte1(as, (uint8_t)imm);
    } else {
        byte2(as, OP_GROUP1_I32, MODRM_REG(ext) | MODRM_RM_REG | MODRM_RM(dest_r32));
        word32(as, imm);
    }
}

void asm_x86_add_i32_to_r32(asm_x86_t *as, int32_t src_i32, int dest_r32) {
    group1_i32(as, 0, dest_r32, src_i32);
}

void asm_x86_sub_r32_i32(asm_x86_t *as, int dest_r32, int32_t src_i32) {
    group1_i32(as, 5, dest_r32, src_i32);
}

void asm_x86_cmp_r32_with_r32(asm_x86_t *as, int src_r32_a, int src_r32_b) {
    generic_r32_r32(as, src_r32_b, src_r32_a, OP_CMP_R32_WITH_RM32);
}

void asm_x86_test_r8_with_r8(asm_x86_t *as, int src_r32_a, int src_r32_b) {
    byte2(as, OP_TEST_R8_WITH_RM8, MODRM_REG(src_r32_a) | MODRM_RM_REG | MODRM_RM(src_r32_b));
}

void asm_x86_test_r32_with_r32(asm_x86_t *as, int src_r32_a, int src_r32_b) {
    generic_r32_r32(as, src_r32_b, src_r32_a, OP_TEST_R32_WITH_RM32);
}

void asm_x86_setcc_r8(asm_x86_t *as, int jcc_type, int dest_r8) {
    byte3(as, OP_0F, OP_SETCC | (unsigned)jcc_type, MODRM_REG(0) | MODRM_RM_REG | MODRM_RM(dest_r8));
}

void asm_x86_jmp_reg(asm_x86_t *as, int src_r32) {
    byte2(as, OP_GROUP5, MODRM_REG(4) | MODRM_RM_REG | MODRM_RM(src_r32));
}

// Short only when the label is already behind us and the rel8 reaches.
static bool use_rel8(asm_x86_t *as, size_t label, int64_t *rel) {
    size_t dest = asm_base_label_offset(&as->base, label);
    *rel = (int64_t)dest - (int64_t)as->base.code_offset;
    return dest != ASM_LABEL_UNSET && *rel < 0 && *rel - 2 >= -128;
}

void asm_x86_jmp_label(asm_x86_t *as, size_t label) {
    int64_t rel;
    if (use_rel8(as, label, &rel)) {
        byte2(as, OP_JMP_REL8, (uint8_t)(rel - 2));
    } else {
        byte1(as, OP_JMP_REL32);
        word32(as, (int32_t)(rel - 5));
    }
}

void asm_x86_jcc_label(asm_x86_t *as, int jcc_type, size_t label) {
    int64_t rel;
    if (use_rel8(as, label, &rel)) {
        byte2(as, OP_JCC_REL8 | (unsigned)jcc_type, (uint8_t)(rel - 2));
    } else {
        byte2(as, OP_0F, OP_JCC_REL32 | (unsigned)jcc_type);
        word32(as, (int32_t)(rel - 6));
    }
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
    byte1(as, OP_CALL_REL32);
    word32(as, 0);
    size_t dest = asm_base_label_offset(&as->base, label);
    int64_t rel = (int64_t)dest - (int64_t)as->base.code_offset;
    asm_x86_pop_r32(as, dest_r32);
    byte2(as, OP_GROUP1_I32, MODRM_REG(0) | MODRM_RM_REG | MODRM_RM(dest_r32));
    word32(as, (int32_t)rel);
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
    byte2(as, OP_GROUP5, MODRM_REG(2) | MODRM_RM_REG | MODRM_RM(temp_r32));
    // cdecl: the caller removes the arguments.
    if (n_args > 0) {
        asm_x86_add_i32_to_r32(as, (int32_t)((n_args + align) * WORD_SIZE), ASM_X86_REG_ESP);
    }
}
