// emitters/asm_rv32.h: the RV32IMC assembler (with Zicsr, Zba and Zcmp)
// for rv32imc. Encodings live in rv32_insns.def; this header gives the
// pure encoder over that table, the emitting wrappers named after the
// instructions, and the composite sequences MicroPython's asmrv32 makes
// (entry/exit, constants, jumps sized per pass, loads and stores at any
// offset), so a native emitter calling them where emitnative.c calls
// asm_rv32_* produces the same bytes. The inline assembler front end calls
// asm_rv32_insn().
#ifndef EMITTERS_ASM_RV32_H
#define EMITTERS_ASM_RV32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "asm_base.h"

// ---------------------------------------------------------------------------
// The instruction table.

typedef enum rv32_kind {
    RVK_NONE,
    RVK_REG,
    RVK_REG_NZ,
    RVK_REG_NZSP,
    RVK_CREG,
    RVK_IMM,
    RVK_NZIMM,
    RVK_RLIST,
    RVK_SPIMM,
    RVK_SREG,
} rv32_kind_t;

typedef enum rv32_layout {
#define LAYOUT(name, ...) RV32_LAYOUT_##name,
#define FORM(name, f0, f1, f2)
#define INSN(name, match, mask, form, ext, text)
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
    RV32_NUM_LAYOUTS
} rv32_layout_t;

typedef struct rv32_field {
    uint8_t kind;       // rv32_kind_t
    uint8_t lsb;        // register fields: where the number goes
    uint8_t layout;     // immediates: rv32_layout_t
    uint8_t bits;       // immediates: width of the value
    bool is_signed;     // immediates: two's complement
} rv32_field_t;

enum {
    RV32_MAX_OPERANDS = 3,
};

typedef enum rv32_form {
#define LAYOUT(name, ...)
#define FORM(name, f0, f1, f2) RV32_FORM_##name,
#define INSN(name, match, mask, form, ext, text)
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
    RV32_NUM_FORMS
} rv32_form_t;

typedef enum rv32_op {
#define LAYOUT(name, ...)
#define FORM(name, f0, f1, f2)
#define INSN(name, match, mask, form, ext, text) RV32_##name,
#include "rv32_insns.def"
#undef LAYOUT
#undef FORM
#undef INSN
    RV32_NUM_OPS
} rv32_op_t;

// Which extension a row needs (the "ext" column).
typedef enum rv32_ext {
    RV32_EXT_I,
    RV32_EXT_M,
    RV32_EXT_C,
    RV32_EXT_ZICSR,
    RV32_EXT_ZBA,
    RV32_EXT_ZCMP,
} rv32_ext_t;

typedef struct rv32_insn_info {
    const char *name;   // the row name, e.g. "C_ADDI4SPN"
    uint32_t match;
    uint32_t mask;
    uint8_t form;       // rv32_form_t
    uint8_t ext;        // rv32_ext_t
    uint8_t size;       // 2 or 4 bytes
    const char *text;   // GNU as template, %0..%2 for the operands
} rv32_insn_info_t;

extern const rv32_insn_info_t rv32_insn_table[RV32_NUM_OPS];
extern const rv32_field_t rv32_form_fields[RV32_NUM_FORMS][RV32_MAX_OPERANDS];
// Number of operands `op` takes in assembly text.
int rv32_n_operands(rv32_op_t op);

// Packs operands (in assembly order) into the instruction word. Registers
// are x0..x31 (compressed fields take x8..x15 and s-register fields
// s0..s7 by their x number), immediates and offsets in bytes, branch and
// jump offsets relative to the instruction. Returns false when an operand
// does not fit its field; *word is then 0.
bool rv32_encode(rv32_op_t op, const int32_t *operands, uint32_t *word);
// True when `value` fits operand `index` of `op`.
bool rv32_operand_fits(rv32_op_t op, int index, int32_t value);
// Unpacks the operands of `op` from `word`; false when a field holds a
// value the form does not allow (such as x0 where it means another
// instruction).
bool rv32_decode_operands(rv32_op_t op, uint32_t word, int32_t *operands);
// The first row matching `word` whose operands decode, or RV32_NUM_OPS.
rv32_op_t rv32_match(uint32_t word, bool is_16bit);
// A halfword starts a 16-bit instruction unless its low two bits are 11.
static inline bool rv32_is_16bit(uint16_t halfword) {
    return (halfword & 3) != 3;
}

// ---------------------------------------------------------------------------
// The assembler.

enum {
    ASM_RV32_REG_ZERO = 0,
    ASM_RV32_REG_RA = 1,
    ASM_RV32_REG_SP = 2,
    ASM_RV32_REG_GP = 3,
    ASM_RV32_REG_TP = 4,
    ASM_RV32_REG_T0 = 5,
    ASM_RV32_REG_T1 = 6,
    ASM_RV32_REG_T2 = 7,
    ASM_RV32_REG_S0 = 8,
    ASM_RV32_REG_S1 = 9,
    ASM_RV32_REG_A0 = 10,
    ASM_RV32_REG_A1 = 11,
    ASM_RV32_REG_A2 = 12,
    ASM_RV32_REG_A3 = 13,
    ASM_RV32_REG_A4 = 14,
    ASM_RV32_REG_A5 = 15,
    ASM_RV32_REG_A6 = 16,
    ASM_RV32_REG_A7 = 17,
    ASM_RV32_REG_S2 = 18,
    ASM_RV32_REG_S3 = 19,
    ASM_RV32_REG_S4 = 20,
    ASM_RV32_REG_S5 = 21,
    ASM_RV32_REG_S6 = 22,
    ASM_RV32_REG_S7 = 23,
    ASM_RV32_REG_S8 = 24,
    ASM_RV32_REG_S9 = 25,
    ASM_RV32_REG_S10 = 26,
    ASM_RV32_REG_S11 = 27,
    ASM_RV32_REG_T3 = 28,
    ASM_RV32_REG_T4 = 29,
    ASM_RV32_REG_T5 = 30,
    ASM_RV32_REG_T6 = 31,
    // Roles the composite sequences assume, as in MicroPython's native
    // emitter: the function table, the three callee-save locals, the
    // scratch of stack adjustments (TEMP0), the scratch of long jumps and
    // far offsets (TEMP2), and the register calls through the table go
    // through when both fit the compressed forms.
    ASM_RV32_REG_FUN_TABLE = ASM_RV32_REG_S1,
    ASM_RV32_REG_LOCAL_1 = ASM_RV32_REG_S3,
    ASM_RV32_REG_LOCAL_2 = ASM_RV32_REG_S2,
    ASM_RV32_REG_LOCAL_3 = ASM_RV32_REG_S4,
    ASM_RV32_REG_TEMP0 = ASM_RV32_REG_T1,
    ASM_RV32_REG_TEMP1 = ASM_RV32_REG_T2,
    ASM_RV32_REG_TEMP2 = ASM_RV32_REG_T3,
    ASM_RV32_REG_CALL_TEMP = ASM_RV32_REG_S0,
};

// -march-flags= bits (MicroPython's RV32_EXT_*).
enum {
    ASM_RV32_FLAG_ZBA = 1 << 0,
    ASM_RV32_FLAG_ZCMP = 1 << 1,
};

typedef struct asm_rv32 {
    asm_base_t base;
    uint32_t flags;          // ASM_RV32_FLAG_*: extensions the code may use
    // Registers the entry saves (bit n = xn). Calls add ra (and the call
    // register); like the official assembler, the set only ever grows,
    // across passes and across the functions of one compilation.
    uint32_t saved_regs;
    unsigned locals_count;   // words of locals asked for at entry
    unsigned stack_size;     // bytes the entry took (Zcmp: see asm_rv32.c)
    unsigned locals_offset;  // where local 0 lives, in bytes above sp
} asm_rv32_t;

// Prepares an assembler; see asm_base_init for the failure case.
bool asm_rv32_init(asm_rv32_t *as, size_t max_num_labels, uint32_t flags);
void asm_rv32_deinit(asm_rv32_t *as);
static inline void asm_rv32_start_pass(asm_rv32_t *as, asm_pass_t pass) {
    asm_base_start_pass(&as->base, pass);
}
static inline void asm_rv32_label_assign(asm_rv32_t *as, size_t label) {
    asm_base_label_assign(&as->base, label);
}

// Emits one table instruction. Always advances by the row's size so passes
// agree; when an operand does not fit it writes zeros, records
// ASM_ERR_BAD_OPERAND (only in the emit pass) and returns false.
bool asm_rv32_insn(asm_rv32_t *as, rv32_op_t op, int32_t a, int32_t b, int32_t c);

// Wrappers named after the instructions, operands in assembly order.
static inline void asm_rv32_add(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_ADD, rd, rs1, rs2);
}
static inline void asm_rv32_addi(asm_rv32_t *as, unsigned rd, unsigned rs1, int32_t imm) {
    asm_rv32_insn(as, RV32_ADDI, rd, rs1, imm);
}
static inline void asm_rv32_and(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_AND, rd, rs1, rs2);
}
static inline void asm_rv32_auipc(asm_rv32_t *as, unsigned rd, uint32_t imm20) {
    asm_rv32_insn(as, RV32_AUIPC, rd, (int32_t)imm20, 0);
}
static inline void asm_rv32_beq(asm_rv32_t *as, unsigned rs1, unsigned rs2, int32_t offset) {
    asm_rv32_insn(as, RV32_BEQ, rs1, rs2, offset);
}
static inline void asm_rv32_bne(asm_rv32_t *as, unsigned rs1, unsigned rs2, int32_t offset) {
    asm_rv32_insn(as, RV32_BNE, rs1, rs2, offset);
}
static inline void asm_rv32_jalr(asm_rv32_t *as, unsigned rd, unsigned rs1, int32_t offset) {
    asm_rv32_insn(as, RV32_JALR, rd, rs1, offset);
}
static inline void asm_rv32_lui(asm_rv32_t *as, unsigned rd, uint32_t imm20) {
    asm_rv32_insn(as, RV32_LUI, rd, (int32_t)imm20, 0);
}
static inline void asm_rv32_lw(asm_rv32_t *as, unsigned rd, unsigned rs1, int32_t offset) {
    asm_rv32_insn(as, RV32_LW, rd, rs1, offset);
}
static inline void asm_rv32_sw(asm_rv32_t *as, unsigned rs2, unsigned rs1, int32_t offset) {
    asm_rv32_insn(as, RV32_SW, rs2, rs1, offset);
}
static inline void asm_rv32_mul(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_MUL, rd, rs1, rs2);
}
static inline void asm_rv32_or(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_OR, rd, rs1, rs2);
}
static inline void asm_rv32_sll(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_SLL, rd, rs1, rs2);
}
static inline void asm_rv32_slli(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned shamt) {
    asm_rv32_insn(as, RV32_SLLI, rd, rs1, (int32_t)shamt);
}
static inline void asm_rv32_sra(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_SRA, rd, rs1, rs2);
}
static inline void asm_rv32_srl(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_SRL, rd, rs1, rs2);
}
static inline void asm_rv32_slt(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_SLT, rd, rs1, rs2);
}
static inline void asm_rv32_sltu(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_SLTU, rd, rs1, rs2);
}
static inline void asm_rv32_sltiu(asm_rv32_t *as, unsigned rd, unsigned rs1, int32_t imm) {
    asm_rv32_insn(as, RV32_SLTIU, rd, rs1, imm);
}
static inline void asm_rv32_sub(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_SUB, rd, rs1, rs2);
}
static inline void asm_rv32_xor(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2) {
    asm_rv32_insn(as, RV32_XOR, rd, rs1, rs2);
}
static inline void asm_rv32_xori(asm_rv32_t *as, unsigned rd, unsigned rs1, int32_t imm) {
    asm_rv32_insn(as, RV32_XORI, rd, rs1, imm);
}
static inline void asm_rv32_c_add(asm_rv32_t *as, unsigned rd, unsigned rs2) {
    asm_rv32_insn(as, RV32_C_ADD, rd, rs2, 0);
}
static inline void asm_rv32_c_addi(asm_rv32_t *as, unsigned rd, int32_t imm) {
    asm_rv32_insn(as, RV32_C_ADDI, rd, imm, 0);
}
static inline void asm_rv32_c_addi4spn(asm_rv32_t *as, unsigned rd, unsigned imm) {
    asm_rv32_insn(as, RV32_C_ADDI4SPN, rd, (int32_t)imm, 0);
}
static inline void asm_rv32_c_beqz(asm_rv32_t *as, unsigned rs1, int32_t offset) {
    asm_rv32_insn(as, RV32_C_BEQZ, rs1, offset, 0);
}
static inline void asm_rv32_c_bnez(asm_rv32_t *as, unsigned rs1, int32_t offset) {
    asm_rv32_insn(as, RV32_C_BNEZ, rs1, offset, 0);
}
static inline void asm_rv32_c_j(asm_rv32_t *as, int32_t offset) {
    asm_rv32_insn(as, RV32_C_J, offset, 0, 0);
}
static inline void asm_rv32_c_jalr(asm_rv32_t *as, unsigned rs1) {
    asm_rv32_insn(as, RV32_C_JALR, rs1, 0, 0);
}
static inline void asm_rv32_c_jr(asm_rv32_t *as, unsigned rs1) {
    asm_rv32_insn(as, RV32_C_JR, rs1, 0, 0);
}
static inline void asm_rv32_c_li(asm_rv32_t *as, unsigned rd, int32_t imm) {
    asm_rv32_insn(as, RV32_C_LI, rd, imm, 0);
}
// c.lui rd, imm6: rd = imm6 << 12 (imm6 signed, nonzero).
static inline void asm_rv32_c_lui(asm_rv32_t *as, unsigned rd, int32_t imm6) {
    asm_rv32_insn(as, RV32_C_LUI, rd, imm6, 0);
}
static inline void asm_rv32_c_lw(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned offset) {
    asm_rv32_insn(as, RV32_C_LW, rd, rs1, (int32_t)offset);
}
static inline void asm_rv32_c_sw(asm_rv32_t *as, unsigned rs2, unsigned rs1, unsigned offset) {
    asm_rv32_insn(as, RV32_C_SW, rs2, rs1, (int32_t)offset);
}
static inline void asm_rv32_c_lwsp(asm_rv32_t *as, unsigned rd, unsigned offset) {
    asm_rv32_insn(as, RV32_C_LWSP, rd, (int32_t)offset, 0);
}
static inline void asm_rv32_c_swsp(asm_rv32_t *as, unsigned rs2, unsigned offset) {
    asm_rv32_insn(as, RV32_C_SWSP, rs2, (int32_t)offset, 0);
}
static inline void asm_rv32_c_mv(asm_rv32_t *as, unsigned rd, unsigned rs2) {
    asm_rv32_insn(as, RV32_C_MV, rd, rs2, 0);
}

// True for x8..x15, the registers the 3-bit compressed fields can name.
static inline bool asm_rv32_is_creg(unsigned reg) {
    return reg >= ASM_RV32_REG_S0 && reg <= ASM_RV32_REG_A5;
}

// Function entry and exit: save the registers the code uses (the set
// grows as calls are seen) and reserve num_locals words; exit restores
// them and returns. With Zcmp, cm.push/cm.popret do most of it.
void asm_rv32_entry(asm_rv32_t *as, unsigned num_locals);
void asm_rv32_exit(asm_rv32_t *as);

// rd = imm by the shortest sequence (c.li, addi, or [c.]lui + [c.]addi).
void asm_rv32_mov_reg_imm(asm_rv32_t *as, unsigned rd, int32_t imm);
// rd ^= rs; rd = 0 (c.li) when they are the same register.
void asm_rv32_xor_optimised(asm_rv32_t *as, unsigned rd, unsigned rs);
// Locals live at sp + locals_offset + 4*local_num; far ones go through
// TEMP2 (stores) or rd itself (loads).
void asm_rv32_mov_local_reg(asm_rv32_t *as, unsigned local_num, unsigned rs);
void asm_rv32_mov_reg_local(asm_rv32_t *as, unsigned rd, unsigned local_num);
void asm_rv32_mov_reg_local_addr(asm_rv32_t *as, unsigned rd, unsigned local_num);
// rd = address of label (auipc + addi, the same size in every pass).
void asm_rv32_mov_reg_pcrel(asm_rv32_t *as, unsigned rd, size_t label);
// Load (zero-extended) or store reg at base + (offset << size), size 0
// byte, 1 halfword, 2 word.
void asm_rv32_load_reg_reg_offset(asm_rv32_t *as, unsigned rd, unsigned rbase, int32_t offset, unsigned size);
void asm_rv32_store_reg_reg_offset(asm_rv32_t *as, unsigned rs, unsigned rbase, int32_t offset, unsigned size);
// The same at base + (index << size) for an index in a register; the
// address is formed in TEMP2 (sh1add/sh2add with Zba).
void asm_rv32_load_reg_reg_reg(asm_rv32_t *as, unsigned rd, unsigned rbase, unsigned rindex, unsigned size);
void asm_rv32_store_reg_reg_reg(asm_rv32_t *as, unsigned rs, unsigned rbase, unsigned rindex, unsigned size);

// Jumps for the native emitter: a backward jump already in range is short;
// anything else takes the long form through TEMP2 (auipc + jalr), guarded
// by an inverted branch when conditional.
void asm_rv32_jump(asm_rv32_t *as, size_t label);
void asm_rv32_jump_if_eq(asm_rv32_t *as, unsigned rs1, unsigned rs2, size_t label);
void asm_rv32_jump_if_nonzero(asm_rv32_t *as, unsigned rs, size_t label);
// Calls entry `index` of the function table.
void asm_rv32_call_ind(asm_rv32_t *as, unsigned index);

// rd = (rs1 <op> rs2) as 0 or 1.
void asm_rv32_set_eq(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2);
void asm_rv32_set_ne(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2);
void asm_rv32_set_lt(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2, bool is_unsigned);
void asm_rv32_set_le(asm_rv32_t *as, unsigned rd, unsigned rs1, unsigned rs2, bool is_unsigned);

// ---------------------------------------------------------------------------
// Disassembly (emitters/dis_rv32.c), driven by the same table.

// The ABI name of register n ("zero", "ra", ... "t6").
const char *rv32_reg_name(unsigned n);
// Writes the assembly text of op with its operands into out (always
// NUL-terminated; returns the length it wanted). Branch targets are shown
// as absolute addresses from `addr` (the instruction's address), or as
// ".+N" for GNU as when gas_relative is set.
size_t rv32_format_insn(rv32_op_t op, const int32_t *operands, uint32_t addr, bool gas_relative, char *out,
    size_t cap);
// Decodes the instruction at code[0..len): returns its size (2 or 4, or 0
// when len is too short) and sets *op (RV32_NUM_OPS when no row matches),
// *word and the operands.
size_t dis_rv32_one(const uint8_t *code, size_t len, rv32_op_t *op, uint32_t *word, int32_t *operands);
// Appends one line per instruction, like objdump -M no-aliases:
// "  1a:\t9e02      \tc.jalr\tt3\n"; undecodable halfwords print as
// ".short 0x....".
void dis_rv32(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out);

#endif // EMITTERS_ASM_RV32_H
