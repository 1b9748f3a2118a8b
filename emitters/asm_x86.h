// emitters/asm_x86.h: the 32-bit x86 assembler for native and viper code,
// offering what MicroPython's py/asmx86.c offers with the same encodings,
// calling convention (arguments on the stack, cdecl) and jump sizing.
//
// Encoding rules (Intel SDM vol. 2, chapter 2): register-register
// operations use the "MR" form (ModRM.rm = destination); memory operands
// are [base + disp] with mod 00 (not for ebp), 01 (disp8) or 10 (disp32);
// esp as base needs the SIB byte 0x24. Registers 4..7 as byte operands are
// ah, ch, dh, bh.
#ifndef EMITTERS_ASM_X86_H
#define EMITTERS_ASM_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm_base.h"

enum {
    ASM_X86_REG_EAX = 0,
    ASM_X86_REG_ECX = 1,
    ASM_X86_REG_EDX = 2,
    ASM_X86_REG_EBX = 3,
    ASM_X86_REG_ESP = 4,
    ASM_X86_REG_EBP = 5,
    ASM_X86_REG_ESI = 6,
    ASM_X86_REG_EDI = 7,
    // Where call_ind passes the (up to four) arguments from.
    ASM_X86_REG_ARG_1 = ASM_X86_REG_EAX,
    ASM_X86_REG_ARG_2 = ASM_X86_REG_ECX,
    ASM_X86_REG_ARG_3 = ASM_X86_REG_EDX,
    ASM_X86_REG_ARG_4 = ASM_X86_REG_EBX,
    // The native emitter keeps the function table pointer here.
    ASM_X86_REG_FUN_TABLE = ASM_X86_REG_EBP,
};

// Condition codes: the low nibble of Jcc and SETcc.
typedef enum asm_x86_cc {
    ASM_X86_CC_JB = 0x2,
    ASM_X86_CC_JAE = 0x3,
    ASM_X86_CC_JZ = 0x4,
    ASM_X86_CC_JE = 0x4,
    ASM_X86_CC_JNZ = 0x5,
    ASM_X86_CC_JNE = 0x5,
    ASM_X86_CC_JBE = 0x6,
    ASM_X86_CC_JA = 0x7,
    ASM_X86_CC_JL = 0xc,
    ASM_X86_CC_JGE = 0xd,
    ASM_X86_CC_JLE = 0xe,
    ASM_X86_CC_JG = 0xf,
} asm_x86_cc_t;

typedef struct asm_x86 {
    asm_base_t base;
    int num_locals;   // stack words reserved by entry (always 3 mod 4)
} asm_x86_t;

bool asm_x86_init(asm_x86_t *as, size_t max_num_labels);
void asm_x86_deinit(asm_x86_t *as);
static inline void asm_x86_start_pass(asm_x86_t *as, asm_pass_t pass) {
    asm_base_start_pass(&as->base, pass);
}
static inline void asm_x86_label_assign(asm_x86_t *as, size_t label) {
    asm_base_label_assign(&as->base, label);
}

void asm_x86_nop(asm_x86_t *as);
void asm_x86_push_r32(asm_x86_t *as, int src_r32);
void asm_x86_pop_r32(asm_x86_t *as, int dest_r32);
void asm_x86_ret(asm_x86_t *as);
void asm_x86_mov_r32_r32(asm_x86_t *as, int dest_r32, int src_r32);
// mov r32, imm32; returns the offset of the immediate (for patching).
size_t asm_x86_mov_i32_to_r32(asm_x86_t *as, int32_t src_i32, int dest_r32);
// Stores the low 8/16/32 bits of src to [dest_base + disp].
void asm_x86_mov_r8_to_mem8(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp);
void asm_x86_mov_r16_to_mem16(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp);
void asm_x86_mov_r32_to_mem32(asm_x86_t *as, int src_r32, int dest_r32, int dest_disp);
// Loads [src_base + disp], zero-extending bytes and halfwords.
void asm_x86_mov_mem8_to_r32zx(asm_x86_t *as, int src_r32, int src_disp, int dest_r32);
void asm_x86_mov_mem16_to_r32zx(asm_x86_t *as, int src_r32, int src_disp, int dest_r32);
void asm_x86_mov_mem32_to_r32(asm_x86_t *as, int src_r32, int src_disp, int dest_r32);
void asm_x86_lea_disp_to_r32(asm_x86_t *as, int src_r32, int src_disp, int dest_r32);
void asm_x86_not_r32(asm_x86_t *as, int dest_r32);
void asm_x86_neg_r32(asm_x86_t *as, int dest_r32);
void asm_x86_and_r32_r32(asm_x86_t *as, int dest_r32, int src_r32);
void asm_x86_or_r32_r32(asm_x86_t *as, int dest_r32, int src_r32);
void asm_x86_xor_r32_r32(asm_x86_t *as, int dest_r32, int src_r32);
void asm_x86_shl_r32_cl(asm_x86_t *as, int dest_r32);
void asm_x86_shr_r32_cl(asm_x86_t *as, int dest_r32);
void asm_x86_sar_r32_cl(asm_x86_t *as, int dest_r32);
void asm_x86_add_r32_r32(asm_x86_t *as, int dest_r32, int src_r32);
void asm_x86_sub_r32_r32(asm_x86_t *as, int dest_r32, int src_r32);
void asm_x86_mul_r32_r32(asm_x86_t *as, int dest_r32, int src_r32);
// add/sub dest, imm (imm8 form when it fits).
void asm_x86_add_i32_to_r32(asm_x86_t *as, int32_t src_i32, int dest_r32);
void asm_x86_sub_r32_i32(asm_x86_t *as, int dest_r32, int32_t src_i32);
// Flags from b - a (cmp b, a) and from b & a (test b, a).
void asm_x86_cmp_r32_with_r32(asm_x86_t *as, int src_r32_a, int src_r32_b);
void asm_x86_test_r8_with_r8(asm_x86_t *as, int src_r32_a, int src_r32_b);
void asm_x86_test_r32_with_r32(asm_x86_t *as, int src_r32_a, int src_r32_b);
void asm_x86_setcc_r8(asm_x86_t *as, int jcc_type, int dest_r8);
void asm_x86_jmp_reg(asm_x86_t *as, int src_r32);
// rel8 for a backward jump already known to fit, rel32 otherwise.
void asm_x86_jmp_label(asm_x86_t *as, size_t label);
void asm_x86_jcc_label(asm_x86_t *as, int jcc_type, size_t label);
// Entry saves ebp, ebx, esi, edi and reserves locals so that esp stays
// 16-byte aligned; exit undoes it and returns.
void asm_x86_entry(asm_x86_t *as, int num_locals);
void asm_x86_exit(asm_x86_t *as);
// Loads the function's argument src_arg_num (cdecl, above the saved state).
void asm_x86_mov_arg_to_r32(asm_x86_t *as, int src_arg_num, int dest_r32);
void asm_x86_mov_local_to_r32(asm_x86_t *as, int src_local_num, int dest_r32);
void asm_x86_mov_r32_to_local(asm_x86_t *as, int src_r32, int dest_local_num);
void asm_x86_mov_local_addr_to_r32(asm_x86_t *as, int local_num, int dest_r32);
// dest = address of label: call next; pop dest; add dest, distance.
void asm_x86_mov_reg_pcrel(asm_x86_t *as, int dest_r32, size_t label);
// Pushes n_args (at most 4) argument registers with 16-byte alignment,
// calls entry fun_id of the function table through temp_r32, then pops.
void asm_x86_call_ind(asm_x86_t *as, size_t fun_id, unsigned n_args, int temp_r32);

#endif // EMITTERS_ASM_X86_H
