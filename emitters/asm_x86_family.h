// emitters/asm_x86_family.h: the encodings 32-bit x86 and x86-64 share,
// for asm_x86.c and asm_x64.c. It owns the opcode numbers, ModRM and
// [base + disp] operands, the jumps and their sizing over passes; the two
// assemblers keep what differs (REX prefixes, calling conventions, stack
// frames). Private to emitters/.
//
// Where a function takes `rex`, a nonzero value is written as a prefix
// byte before the opcode; 32-bit x86 always passes 0 (REX bytes are inc/dec
// there). Registers are taken modulo 8 in ModRM fields: the REX bits that
// extend them are the caller's business.
#ifndef EMITTERS_ASM_X86_FAMILY_H
#define EMITTERS_ASM_X86_FAMILY_H

#include <stddef.h>
#include <stdint.h>

#include "asm_base.h"

// Opcodes (Intel SDM vol. 2, appendix A). A value above 0xff is a two-byte
// opcode: the 0x0f escape, then the low byte. "+r": register in bits 2..0;
// "/r": ModRM follows; "| cc": condition code in bits 3..0.
enum {
    ASM_X86F_OP_NOP = 0x90,
    ASM_X86F_OP_PUSH_R = 0x50,          // +r
    ASM_X86F_OP_POP_R = 0x58,           // +r
    ASM_X86F_OP_RET = 0xc3,
    ASM_X86F_OP_MOV_I_TO_R = 0xb8,      // +r
    ASM_X86F_OP_MOV_R8_TO_RM8 = 0x88,   // /r
    ASM_X86F_OP_MOV_R_TO_RM = 0x89,     // /r
    ASM_X86F_OP_MOV_RM_TO_R = 0x8b,     // /r
    ASM_X86F_OP_MOVZX_RM8 = 0x0fb6,     // /r
    ASM_X86F_OP_MOVZX_RM16 = 0x0fb7,    // /r
    ASM_X86F_OP_LEA = 0x8d,             // /r
    ASM_X86F_OP_GROUP3 = 0xf7,          // /2 not, /3 neg
    ASM_X86F_OP_AND_R_TO_RM = 0x21,
    ASM_X86F_OP_OR_R_TO_RM = 0x09,
    ASM_X86F_OP_XOR_R_TO_RM = 0x31,
    ASM_X86F_OP_ADD_R_TO_RM = 0x01,
    ASM_X86F_OP_SUB_R_FROM_RM = 0x29,
    ASM_X86F_OP_GROUP1_I32 = 0x81,      // /0 add, /5 sub
    ASM_X86F_OP_GROUP1_I8 = 0x83,       // /0 add, /5 sub
    ASM_X86F_OP_SHIFT_RM_CL = 0xd3,     // /4 shl, /5 shr, /7 sar
    ASM_X86F_OP_CMP_R_WITH_RM = 0x39,
    ASM_X86F_OP_TEST_R8_WITH_RM8 = 0x84,
    ASM_X86F_OP_TEST_R_WITH_RM = 0x85,
    ASM_X86F_OP_JMP_REL8 = 0xeb,
    ASM_X86F_OP_JMP_REL32 = 0xe9,
    ASM_X86F_OP_CALL_REL32 = 0xe8,
    ASM_X86F_OP_GROUP5 = 0xff,          // /2 call rm, /4 jmp rm
    ASM_X86F_OP_JCC_REL8 = 0x70,        // | cc
    ASM_X86F_OP_JCC_REL32 = 0x0f80,     // | cc
    ASM_X86F_OP_SETCC = 0x0f90,         // | cc, /0
    ASM_X86F_OP_IMUL = 0x0faf,          // /r
    ASM_X86F_OP_SIZE_PREFIX = 0x66,
};

// The ModRM.reg values that select an operation in group opcodes.
enum {
    ASM_X86F_EXT_ADD = 0,
    ASM_X86F_EXT_NOT = 2,
    ASM_X86F_EXT_NEG = 3,
    ASM_X86F_EXT_CALL = 2,
    ASM_X86F_EXT_JMP = 4,
    ASM_X86F_EXT_SHL = 4,
    ASM_X86F_EXT_SHR = 5,
    ASM_X86F_EXT_SUB = 5,
    ASM_X86F_EXT_SAR = 7,
};

// ModRM = mod:2 reg:3 rm:3.
#define ASM_X86F_MODRM_REG(x) (((x) & 7) << 3)
#define ASM_X86F_MODRM_RM(x) ((x) & 7)
#define ASM_X86F_MODRM_DISP0 0x00
#define ASM_X86F_MODRM_DISP8 0x40
#define ASM_X86F_MODRM_DISP32 0x80
#define ASM_X86F_MODRM_RM_REG 0xc0

void asm_x86f_byte(asm_base_t *as, unsigned b);
// Four bytes, least significant first.
void asm_x86f_word32(asm_base_t *as, int32_t w);
// [rex] [0x0f] opcode.
void asm_x86f_opcode(asm_base_t *as, unsigned rex, unsigned op);
// [rex] opcode + (r & 7), for push, pop and mov r, imm.
void asm_x86f_op_plus_r(asm_base_t *as, unsigned rex, unsigned op, int r);
// [rex] opcode, ModRM with mod 11: reg is a register or an opcode
// extension, rm the register operand.
void asm_x86f_op_reg_rm_r(asm_base_t *as, unsigned rex, unsigned op, int reg, int rm_r);
// [rex] opcode, ModRM (and SIB and displacement) for reg and
// [base_r + disp]. The base (modulo 8) 5 (ebp/rbp/r13) has no form without
// a displacement and takes disp8 0; 4 (esp/rsp/r12) needs the SIB 0x24.
void asm_x86f_op_reg_mem(asm_base_t *as, unsigned rex, unsigned op, int reg, int base_r, int32_t disp);
// [rex] mov r, imm32; returns the offset of the immediate (for patching).
size_t asm_x86f_mov_i32_to_r(asm_base_t *as, unsigned rex, int32_t imm, int r);
// [rex] group-1 operation ext on rm_r with an immediate: the sign-extended
// imm8 form when imm fits, else imm32.
void asm_x86f_group1_imm(asm_base_t *as, unsigned rex, unsigned ext, int rm_r, int32_t imm);

// Without REX: registers 4..7 as byte operands are ah, ch, dh, bh.
void asm_x86f_test_r8_with_r8(asm_base_t *as, int src_r_a, int src_r_b);
void asm_x86f_setcc_r8(asm_base_t *as, int jcc_type, int dest_r8);
// Indirect jump and call through a register (rax..rdi on x86-64).
void asm_x86f_jmp_reg(asm_base_t *as, int src_r);
void asm_x86f_call_reg(asm_base_t *as, int src_r);
// Jumps to labels: rel8 for a backward jump already known to fit, rel32
// otherwise (forward labels are unknown in the compute pass).
void asm_x86f_jmp_label(asm_base_t *as, size_t label);
void asm_x86f_jcc_label(asm_base_t *as, int jcc_type, size_t label);

#endif // EMITTERS_ASM_X86_FAMILY_H
