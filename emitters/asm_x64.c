// emitters/asm_x64.c: x86-64 encodings with the instruction selection of
// MicroPython's py/asmx64.c. The encoding rules are summarised in
// asm_x64.h; opcode numbers are from the Intel SDM vol. 2.
#include "asm_x64.h"

#include <string.h>

#define WORD_SIZE 8

enum {
    OP_NOP = 0x90,
    OP_PUSH_R64 = 0x50,        // +r
    OP_POP_R64 = 0x58,         // +r
    OP_RET = 0xc3,
    OP_MOV_I64_TO_R64 = 0xb8,  // +r
    OP_MOV_R8_TO_RM8 = 0x88,   // /r
    OP_MOV_R64_TO_RM64 = 0x89, // /r
    OP_MOV_RM64_TO_R64 = 0x8b, // /r
    OP_MOVZX_RM8 = 0xb6,       // 0x0f 0xb6 /r
    OP_MOVZX_RM16 = 0xb7,      // 0x0f 0xb7 /r
    OP_LEA = 0x8d,             // /r
    OP_GROUP3_RM64 = 0xf7,     // /2 not, /3 neg
    OP_AND_R64_TO_RM64 = 0x21,
    OP_OR_R64_TO_RM64 = 0x09,
    OP_XOR_R64_TO_RM64 = 0x31,
    OP_ADD_R64_TO_RM64 = 0x01,
    OP_SUB_R64_FROM_RM64 = 0x29,
    OP_GROUP1_I32 = 0x81,      // /5 sub
    OP_GROUP1_I8 = 0x83,       // /5 sub
    OP_SHIFT_RM64_CL = 0xd3,   // /4 shl, /5 shr, /7 sar
    OP_CMP_R64_WITH_RM64 = 0x39,
    OP_TEST_R8_WITH_RM8 = 0x84,
    OP_TEST_R64_WITH_RM64 = 0x85,
    OP_JMP_REL8 = 0xeb,
    OP_JMP_REL32 = 0xe9,
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

#define REX_PREFIX 0x40
#define REX_W 0x08
#define REX_R_FROM(r) (((r) >> 1) & 0x04)
#define REX_B_FROM(r) (((r) >> 3) & 0x01)

static bool fits_signed8(int32_t v) {
    return v >= -128 && v <= 127;
}

bool asm_x64_init(asm_x64_t *as, size_t max_num_labels) {
    memset(as, 0, sizeof(*as));
    return asm_base_init(&as->base, max_num_labels);
}

void asm_x64_deinit(asm_x64_t *as) {
    asm_base_deinit(&as->base);
}

static void write_bytes(asm_x64_t *as, const uint8_t *bytes, size_t n) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(&as->base, n);
    if (c != NULL) {
        memcpy(c, bytes, n);
    }
}

static void byte1(asm_x64_t *as, unsigned b1) {
    const uint8_t b[1] = {(uint8_t)b1};
    write_bytes(as, b, 1);
}

static void byte2(asm_x64_t *as, unsigned b1, unsigned b2) {
    const uint8_t b[2] = {(uint8_t)b1, (uint8_t)b2};
    write_bytes(as, b, 2);
}

static void byte3(asm_x64_t *as, unsigned b1, unsigned b2, unsigned b3) {
    const uint8_t b[3] = {(uint8_t)b1, (uint8_t)b2, (uint8_t)b3};
    write_bytes(as, b, 3);
}

static void word32(asm_x64_t *as, int32_t w) {
    uint32_t u = (uint32_t)w;
    const uint8_t b[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
    write_bytes(as, b, 4);
}

static void word64(asm_x64_t *as, int64_t w) {
    word32(as, (int32_t)(uint32_t)w);
    word32(as, (int32_t)(uint32_t)((uint64_t)w >> 32));
}

// ModRM (plus SIB and displacement) for reg and [base + disp]. rbp/r13 have
// no "no displacement" form and take disp8 0; rsp/r12 need the SIB 0x24.
static void write_r64_disp(asm_x64_t *as, int r64, int base_r64, int32_t disp) {
    unsigned mod;
    if (disp == 0 && (base_r64 & 7) != ASM_X64_REG_RBP) {
        mod = MODRM_DISP0;
    } else if (fits_signed8(disp)) {
        mod = MODRM_DISP8;
    } else {
        mod = MODRM_DISP32;
    }
    byte1(as, MODRM_REG(r64) | mod | MODRM_RM(base_r64));
    if ((base_r64 & 7) == ASM_X64_REG_RSP) {
        byte1(as, 0x24);
    }
    if (mod == MODRM_DISP8) {
        byte1(as, (uint8_t)disp);
    } else if (mod == MODRM_DISP32) {
        word32(as, disp);
    }
}

// REX.W op /r with ModRM.rm = dest (register) and ModRM.reg = src (or an
// opcode extension).
static void generic_r64_r64(asm_x64_t *as, int dest_r64, int src_r64, unsigned op) {
    byte3(as, REX_PREFIX | REX_W | REX_R_FROM(src_r64) | REX_B_FROM(dest_r64), op,
        MODRM_REG(src_r64) | MODRM_RM_REG | MODRM_RM(dest_r64));
}

void asm_x64_nop(asm_x64_t *as) {
    byte1(as, OP_NOP);
}

void asm_x64_push_r64(asm_x64_t *as, int src_r64) {
    if (src_r64 < 8) {
        byte1(as, OP_PUSH_R64 | (unsigned)src_r64);
    } else {
        byte2(as, REX_PREFIX | 1, OP_PUSH_R64 | (src_r64 & 7));
    }
}

void asm_x64_pop_r64(asm_x64_t *as, int dest_r64) {
    if (dest_r64 < 8) {
        byte1(as, OP_POP_R64 | (unsigned)dest_r64);
    } else {
        byte2(as, REX_PREFIX | 1, OP_POP_R64 | (dest_r64 & 7));
    }
}

void asm_x64_ret(asm_x64_t *as) {
    byte1(as, OP_RET);
}

void asm_x64_mov_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, OP_MOV_R64_TO_RM64);
}

// Byte/word/dword stores: a REX only when a register needs its B or R bit.
static void store_narrow(asm_x64_t *as, bool is_word, unsigned op, int src_r64, int dest_r64, int disp) {
    if (is_word) {
        byte1(as, OP_SIZE_PREFIX);
    }
    if (src_r64 < 8 && dest_r64 < 8) {
        byte1(as, op);
    } else {
        byte2(as, REX_PREFIX | REX_R_FROM(src_r64) | REX_B_FROM(dest_r64), op);
    }
    write_r64_disp(as, src_r64, dest_r64, disp);
}

void asm_x64_mov_r8_to_mem8(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    store_narrow(as, false, OP_MOV_R8_TO_RM8, src_r64, dest_r64, dest_disp);
}

void asm_x64_mov_r16_to_mem16(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    store_narrow(as, true, OP_MOV_R64_TO_RM64, src_r64, dest_r64, dest_disp);
}

void asm_x64_mov_r32_to_mem32(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    store_narrow(as, false, OP_MOV_R64_TO_RM64, src_r64, dest_r64, dest_disp);
}

void asm_x64_mov_r64_to_mem64(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp) {
    byte2(as, REX_PREFIX | REX_W | REX_R_FROM(src_r64) | REX_B_FROM(dest_r64), OP_MOV_R64_TO_RM64);
    write_r64_disp(as, src_r64, dest_r64, dest_disp);
}

// Zero-extending loads: movzx r32 (0x0f op) or mov r32 (op alone); a 32-bit
// destination clears the upper half, so no REX.W.
static void load_zx(asm_x64_t *as, bool is_0f, unsigned op, int src_r64, int disp, int dest_r64) {
    bool need_rex = src_r64 >= 8 || dest_r64 >= 8;
    if (need_rex) {
        byte1(as, REX_PREFIX | REX_R_FROM(dest_r64) | REX_B_FROM(src_r64));
    }
    if (is_0f) {
        byte2(as, OP_0F, op);
    } else {
        byte1(as, op);
    }
    write_r64_disp(as, dest_r64, src_r64, disp);
}

void asm_x64_mov_mem8_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    load_zx(as, true, OP_MOVZX_RM8, src_r64, src_disp, dest_r64);
}

void asm_x64_mov_mem16_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    load_zx(as, true, OP_MOVZX_RM16, src_r64, src_disp, dest_r64);
}

void asm_x64_mov_mem32_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    load_zx(as, false, OP_MOV_RM64_TO_R64, src_r64, src_disp, dest_r64);
}

void asm_x64_mov_mem64_to_r64(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    byte2(as, REX_PREFIX | REX_W | REX_R_FROM(dest_r64) | REX_B_FROM(src_r64), OP_MOV_RM64_TO_R64);
    write_r64_disp(as, dest_r64, src_r64, src_disp);
}

void asm_x64_lea_disp_to_r64(asm_x64_t *as, int src_r64, int src_disp, int dest_r64) {
    byte2(as, REX_PREFIX | REX_W | REX_R_FROM(dest_r64) | REX_B_FROM(src_r64), OP_LEA);
    write_r64_disp(as, dest_r64, src_r64, src_disp);
}

size_t asm_x64_mov_i32_to_r64(asm_x64_t *as, int32_t src_i32, int dest_r64) {
    if (dest_r64 < 8) {
        byte1(as, OP_MOV_I64_TO_R64 | (unsigned)dest_r64);
    } else {
        byte2(as, REX_PREFIX | 1, OP_MOV_I64_TO_R64 | (dest_r64 & 7));
    }
    size_t loc = asm_base_get_code_pos(&as->base);
    word32(as, src_i32);
    return loc;
}

void asm_x64_mov_i64_to_r64(asm_x64_t *as, int64_t src_i64, int dest_r64) {
    byte2(as, REX_PREFIX | REX_W | REX_B_FROM(dest_r64), OP_MOV_I64_TO_R64 | (dest_r64 & 7));
    word64(as, src_i64);
}

void asm_x64_mov_i64_to_r64_optimised(asm_x64_t *as, int64_t src_i64, int dest_r64) {
    if (((uint64_t)src_i64 >> 32) == 0) {
        asm_x64_mov_i32_to_r64(as, (int32_t)(uint32_t)src_i64, dest_r64);
    } else {
        asm_x64_mov_i64_to_r64(as, src_i64, dest_r64);
    }
}

void asm_x64_not_r64(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, 2, OP_GROUP3_RM64);
}

void asm_x64_neg_r64(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, 3, OP_GROUP3_RM64);
}

void asm_x64_and_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, OP_AND_R64_TO_RM64);
}

void asm_x64_or_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, OP_OR_R64_TO_RM64);
}

void asm_x64_xor_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, OP_XOR_R64_TO_RM64);
}

void asm_x64_shl_r64_cl(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, 4, OP_SHIFT_RM64_CL);
}

void asm_x64_shr_r64_cl(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, 5, OP_SHIFT_RM64_CL);
}

void asm_x64_sar_r64_cl(asm_x64_t *as, int dest_r64) {
    generic_r64_r64(as, dest_r64, 7, OP_SHIFT_RM64_CL);
}

void asm_x64_add_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, OP_ADD_R64_TO_RM64);
}

void asm_x64_sub_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    generic_r64_r64(as, dest_r64, src_r64, OP_SUB_R64_FROM_RM64);
}

// imul r64, r/m64 is the "RM" form: ModRM.reg is the destination.
void asm_x64_mul_r64_r64(asm_x64_t *as, int dest_r64, int src_r64) {
    byte1(as, REX_PREFIX | REX_W | REX_R_FROM(dest_r64) | REX_B_FROM(src_r64));
    byte3(as, OP_0F, OP_IMUL, MODRM_REG(dest_r64) | MODRM_RM_REG | MODRM_RM(src_r64));
}

void asm_x64_sub_r64_i32(asm_x64_t *as, int dest_r64, int32_t src_i32) {
    if (fits_signed8(src_i32)) {
        byte3(as, REX_PREFIX | REX_W, OP_GROUP1_I8, MODRM_REG(5) | MODRM_RM_REG | MODRM_RM(dest_r64));
        byte1(as, (uint8_t)src_i32);
    } else {
        byte3(as, REX_PREFIX | REX_W, OP_GROUP1_I32, MODRM_REG(5) | MODRM_RM_REG | MODRM_RM(dest_r64));
        word32(as, src_i32);
    }
}

void asm_x64_cmp_r64_with_r64(asm_x64_t *as, int src_r64_a, int src_r64_b) {
    generic_r64_r64(as, src_r64_b, src_r64_a, OP_CMP_R64_WITH_RM64);
}

void asm_x64_test_r8_with_r8(asm_x64_t *as, int src_r64_a, int src_r64_b) {
    byte2(as, OP_TEST_R8_WITH_RM8, MODRM_REG(src_r64_a) | MODRM_RM_REG | MODRM_RM(src_r64_b));
}

void asm_x64_test_r64_with_r64(asm_x64_t *as, int src_r64_a, int src_r64_b) {
    generic_r64_r64(as, src_r64_b, src_r64_a, OP_TEST_R64_WITH_RM64);
}

void asm_x64_setcc_r8(asm_x64_t *as, int jcc_type, int dest_r8) {
    byte3(as, OP_0F, OP_SETCC | (unsigned)jcc_type, MODRM_REG(0) | MODRM_RM_REG | MODRM_RM(dest_r8));
}

void asm_x64_jmp_reg(asm_x64_t *as, int src_r64) {
    byte2(as, OP_GROUP5, MODRM_REG(4) | MODRM_RM_REG | MODRM_RM(src_r64));
}

// A jump is short only when its label is already behind us (so its offset
// is the same in every pass) and the rel8 reaches it.
static bool use_rel8(asm_x64_t *as, size_t label, int64_t *rel) {
    size_t dest = asm_base_label_offset(&as->base, label);
    *rel = (int64_t)dest - (int64_t)as->base.code_offset;
    return dest != ASM_LABEL_UNSET && *rel < 0 && *rel - 2 >= -128;
}

void asm_x64_jmp_label(asm_x64_t *as, size_t label) {
    int64_t rel;
    if (use_rel8(as, label, &rel)) {
        byte2(as, OP_JMP_REL8, (uint8_t)(rel - 2));
    } else {
        byte1(as, OP_JMP_REL32);
        word32(as, (int32_t)(rel - 5));
    }
}

void asm_x64_jcc_label(asm_x64_t *as, int jcc_type, size_t label) {
    int64_t rel;
    if (use_rel8(as, label, &rel)) {
        byte2(as, OP_JCC_REL8 | (unsigned)jcc_type, (uint8_t)(rel - 2));
    } else {
        byte2(as, OP_0F, OP_JCC_REL32 | (unsigned)jcc_type);
        word32(as, (int32_t)(rel - 6));
    }
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
    byte3(as, REX_PREFIX | REX_W | REX_R_FROM(dest_r64), OP_LEA, MODRM_REG(dest_r64) | MODRM_RM(5));
    word32(as, (int32_t)rel);
}

void asm_x64_call_ind(asm_x64_t *as, size_t fun_id, int temp_r64) {
    asm_x64_mov_mem64_to_r64(as, ASM_X64_REG_FUN_TABLE, (int)(fun_id * WORD_SIZE), temp_r64);
    byte2(as, OP_GROUP5, MODRM_REG(2) | MODRM_RM_REG | MODRM_RM(temp_r64));
}
