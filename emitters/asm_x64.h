// emitters/asm_x64.h: the x86-64 assembler for native and viper code. It
// offers the instructions MicroPython's py/asmx64.c offers, with the same
// encodings and the same jump sizing over passes, so a native emitter
// calling these where emitnative.c calls asm_x64_* gets identical bytes.
//
// Encoding rules (Intel SDM vol. 2, chapter 2), kept in asm_x64.c and,
// for what 32-bit x86 encodes the same way, asm_x86_family.c:
//   REX = 0100WRXB: W for 64-bit operands, R extends ModRM.reg, B extends
//   ModRM.rm or the register in the opcode. Register-register operations
//   use the "MR" form (opcode /r with ModRM.rm = destination). Memory
//   operands are [base + disp] with mod 00 (no disp, not for rbp/r13), 01
//   (disp8) or 10 (disp32); rsp/r12 as base need the SIB byte 0x24.
//   Byte and word forms get a REX only when a register is r8..r15, so
//   registers 4..7 as byte operands mean ah, ch, dh, bh (as in the
//   reference).
#ifndef EMITTERS_ASM_X64_H
#define EMITTERS_ASM_X64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm_base.h"

enum {
    ASM_X64_REG_RAX = 0,
    ASM_X64_REG_RCX = 1,
    ASM_X64_REG_RDX = 2,
    ASM_X64_REG_RBX = 3,
    ASM_X64_REG_RSP = 4,
    ASM_X64_REG_RBP = 5,
    ASM_X64_REG_RSI = 6,
    ASM_X64_REG_RDI = 7,
    ASM_X64_REG_R08 = 8,
    ASM_X64_REG_R09 = 9,
    ASM_X64_REG_R10 = 10,
    ASM_X64_REG_R11 = 11,
    ASM_X64_REG_R12 = 12,
    ASM_X64_REG_R13 = 13,
    ASM_X64_REG_R14 = 14,
    ASM_X64_REG_R15 = 15,
    // The native emitter keeps the function table pointer here.
    ASM_X64_REG_FUN_TABLE = ASM_X64_REG_RBP,
};

// Condition codes: the low nibble of Jcc (0x70+cc, 0x0f 0x80+cc) and SETcc.
typedef enum asm_x64_cc {
    ASM_X64_CC_JB = 0x2,   // below, unsigned
    ASM_X64_CC_JAE = 0x3,  // above or equal, unsigned
    ASM_X64_CC_JZ = 0x4,
    ASM_X64_CC_JE = 0x4,
    ASM_X64_CC_JNZ = 0x5,
    ASM_X64_CC_JNE = 0x5,
    ASM_X64_CC_JBE = 0x6,  // below or equal, unsigned
    ASM_X64_CC_JA = 0x7,   // above, unsigned
    ASM_X64_CC_JL = 0xc,   // less, signed
    ASM_X64_CC_JGE = 0xd,  // greater or equal, signed
    ASM_X64_CC_JLE = 0xe,  // less or equal, signed
    ASM_X64_CC_JG = 0xf,   // greater, signed
} asm_x64_cc_t;

typedef struct asm_x64 {
    asm_base_t base;
    int num_locals;   // stack words reserved by entry (always odd)
} asm_x64_t;

bool asm_x64_init(asm_x64_t *as, size_t max_num_labels);
void asm_x64_deinit(asm_x64_t *as);
static inline void asm_x64_start_pass(asm_x64_t *as, asm_pass_t pass) {
    asm_base_start_pass(&as->base, pass);
}
static inline void asm_x64_label_assign(asm_x64_t *as, size_t label) {
    asm_base_label_assign(&as->base, label);
}

void asm_x64_nop(asm_x64_t *as);
void asm_x64_push_r64(asm_x64_t *as, int src_r64);
void asm_x64_pop_r64(asm_x64_t *as, int dest_r64);
void asm_x64_ret(asm_x64_t *as);
void asm_x64_mov_r64_r64(asm_x64_t *as, int dest_r64, int src_r64);
// Stores the low 8/16/32/64 bits of src to [dest_base + disp].
void asm_x64_mov_r8_to_mem8(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp);
void asm_x64_mov_r16_to_mem16(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp);
void asm_x64_mov_r32_to_mem32(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp);
void asm_x64_mov_r64_to_mem64(asm_x64_t *as, int src_r64, int dest_r64, int dest_disp);
// Loads [src_base + disp] zero-extended (movzx, or a 32-bit mov).
void asm_x64_mov_mem8_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64);
void asm_x64_mov_mem16_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64);
void asm_x64_mov_mem32_to_r64zx(asm_x64_t *as, int src_r64, int src_disp, int dest_r64);
void asm_x64_mov_mem64_to_r64(asm_x64_t *as, int src_r64, int src_disp, int dest_r64);
// lea dest, [src + disp].
void asm_x64_lea_disp_to_r64(asm_x64_t *as, int src_r64, int src_disp, int dest_r64);
// mov r32, imm32 (zero-extends); returns the offset of the immediate so it
// can be patched.
size_t asm_x64_mov_i32_to_r64(asm_x64_t *as, int32_t src_i32, int dest_r64);
// movabs r64, imm64 (10 bytes).
void asm_x64_mov_i64_to_r64(asm_x64_t *as, int64_t src_i64, int dest_r64);
// The 5-byte form when the value is a zero-extended 32-bit one.
void asm_x64_mov_i64_to_r64_optimised(asm_x64_t *as, int64_t src_i64, int dest_r64);
void asm_x64_not_r64(asm_x64_t *as, int dest_r64);
void asm_x64_neg_r64(asm_x64_t *as, int dest_r64);
void asm_x64_and_r64_r64(asm_x64_t *as, int dest_r64, int src_r64);
void asm_x64_or_r64_r64(asm_x64_t *as, int dest_r64, int src_r64);
void asm_x64_xor_r64_r64(asm_x64_t *as, int dest_r64, int src_r64);
void asm_x64_shl_r64_cl(asm_x64_t *as, int dest_r64);
void asm_x64_shr_r64_cl(asm_x64_t *as, int dest_r64);
void asm_x64_sar_r64_cl(asm_x64_t *as, int dest_r64);
void asm_x64_add_r64_r64(asm_x64_t *as, int dest_r64, int src_r64);
void asm_x64_sub_r64_r64(asm_x64_t *as, int dest_r64, int src_r64);
void asm_x64_mul_r64_r64(asm_x64_t *as, int dest_r64, int src_r64);
// sub dest, imm (imm8 form when it fits); dest must be rax..rdi.
void asm_x64_sub_r64_i32(asm_x64_t *as, int dest_r64, int32_t src_i32);
// Flags from b - a (cmp b, a) and from b & a (test b, a).
void asm_x64_cmp_r64_with_r64(asm_x64_t *as, int src_r64_a, int src_r64_b);
void asm_x64_test_r8_with_r8(asm_x64_t *as, int src_r64_a, int src_r64_b);
void asm_x64_test_r64_with_r64(asm_x64_t *as, int src_r64_a, int src_r64_b);
void asm_x64_setcc_r8(asm_x64_t *as, int jcc_type, int dest_r8);
void asm_x64_jmp_reg(asm_x64_t *as, int src_r64);
// Jumps to labels: rel8 for a backward jump already known to fit, rel32
// otherwise (forward labels are unknown in the compute pass).
void asm_x64_jmp_label(asm_x64_t *as, size_t label);
void asm_x64_jcc_label(asm_x64_t *as, int jcc_type, size_t label);
// Entry saves rbp, rbx, r12, r13 and reserves an odd number of words so
// rsp stays 16-byte aligned; exit undoes it and returns.
void asm_x64_entry(asm_x64_t *as, int num_locals);
void asm_x64_exit(asm_x64_t *as);
void asm_x64_mov_local_to_r64(asm_x64_t *as, int src_local_num, int dest_r64);
void asm_x64_mov_r64_to_local(asm_x64_t *as, int src_r64, int dest_local_num);
void asm_x64_mov_local_addr_to_r64(asm_x64_t *as, int local_num, int dest_r64);
// lea dest, [rip + (label - next instruction)].
void asm_x64_mov_reg_pcrel(asm_x64_t *as, int dest_r64, size_t label);
// Calls entry fun_id of the function table through temp_r64.
void asm_x64_call_ind(asm_x64_t *as, size_t fun_id, int temp_r64);

#endif // EMITTERS_ASM_X64_H
