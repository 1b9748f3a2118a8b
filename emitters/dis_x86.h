// emitters/dis_x86.h: the x86 (32-bit) and x86-64 disassembler that
// mpy-tool dis uses for native code. The instructions it knows are the rows
// of x86_insns.def; the assemblers (asm_x86.c and asm_x64.c, on
// asm_x86_family.c) encode on their own, and tests/emitters/test_dis_x86.c
// checks that what they emit decodes back and that the text agrees with
// GNU objdump.
#ifndef EMITTERS_DIS_X86_H
#define EMITTERS_DIS_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

typedef enum x86_op {
#define X86(name, mnemonic, opcode, mask, ext, osz, flag, op1, op2, op3) X86_OP_##name,
#include "x86_insns.def"
#undef X86
    X86_NUM_OPS
} x86_op_t;

// Operand kinds (the op1..op3 columns; x86_insns.def says what each means).
typedef enum x86_opnd {
    X86_OPND_NONE,
    X86_OPND_EB,
    X86_OPND_EW,
    X86_OPND_ED,
    X86_OPND_EV,
    X86_OPND_GB,
    X86_OPND_GV,
    X86_OPND_M,
    X86_OPND_ZB,
    X86_OPND_ZV,
    X86_OPND_AL,
    X86_OPND_RAX,
    X86_OPND_CL,
    X86_OPND_ONE,
    X86_OPND_IB,
    X86_OPND_IBS,
    X86_OPND_IW,
    X86_OPND_IZ,
    X86_OPND_IV,
    X86_OPND_JB,
    X86_OPND_JZ,
} x86_opnd_t;

// The osz column: the operand size a row requires.
typedef enum x86_osz {
    X86_OSZ_ANY,
    X86_OSZ_16,
    X86_OSZ_32,
    X86_OSZ_64,
} x86_osz_t;

// The flag column.
typedef enum x86_flag {
    X86_F_NONE,
    X86_F_D64,     // 64-bit operand by default in 64-bit mode
    X86_F_NO64,    // only in 32-bit mode
    X86_F_ONLY64,  // only in 64-bit mode
    X86_F_CC,      // mnemonic stem + condition from the opcode's low nibble
    X86_F_BARE,    // only without 0x66 and REX.B
} x86_flag_t;

enum {
    X86_MAX_OPERANDS = 3,
};

typedef struct x86_row {
    const char *mnemonic;
    uint16_t opcode;   // 0x00XX one-byte, 0x0fXX after the 0x0f escape
    uint8_t mask;
    int8_t ext;        // required ModRM.reg, or -1
    uint8_t osz;       // x86_osz_t
    uint8_t flag;      // x86_flag_t
    uint8_t opnd[X86_MAX_OPERANDS];  // x86_opnd_t
} x86_row_t;

extern const x86_row_t x86_insn_table[X86_NUM_OPS];

// One decoded instruction. Register numbers include the REX bits (0..15).
typedef struct x86_insn {
    x86_op_t op;
    size_t len;
    bool is_64bit;        // decoded in 64-bit mode
    uint8_t rex;          // the REX byte, 0 if none
    bool has_opsize;      // 0x66 prefix
    uint8_t opcode;       // the last opcode byte (register or cc in its low bits)
    unsigned osize;       // bits of a "v" operand: 16, 32 or 64
    // The ModRM operand.
    uint8_t mod;
    uint8_t reg;
    uint8_t rm;           // the register when mod == 3
    int8_t base;          // memory base register, -1 for none
    int8_t index;         // memory index register, -1 for none
    uint8_t scale;        // index scale as a shift count (0..3)
    bool has_sib;
    bool is_rip;          // rip-relative (64-bit mode, mod 00 rm 101)
    int32_t disp;
    int64_t imm;          // the immediate, sign-extended where the row says
    int64_t rel;          // JB/JZ: the branch offset from the next instruction
} x86_insn_t;

// Decodes the instruction at code[0..len) in 32-bit or 64-bit mode, reading
// nothing beyond len. Returns its length and fills *out; returns 0 (with
// out->op X86_NUM_OPS) when no row matches, a prefix is not supported or
// the instruction is cut off by len.
size_t dis_x86_decode(const uint8_t *code, size_t len, bool is_64bit, x86_insn_t *out);
// Appends the text of a decoded instruction, Intel syntax as GNU objdump
// -M intel writes it but in lower case with ", " between operands:
// "mov\tqword ptr [rsp+0x18], rdi". Branch targets are absolute addresses
// counting from addr, the instruction's address.
void dis_x86_format(const x86_insn_t *insn, uint64_t addr, buf_t *out);
// Appends one line per instruction, like objdump:
// "  1a:\t48 89 c7             \tmov\trdi, rax\n". A byte that starts no
// instruction the table knows prints as ".byte\t0x..".
void dis_x86(const uint8_t *code, size_t len, bool is_64bit, uint64_t base_addr, buf_t *out);

#endif // EMITTERS_DIS_X86_H
