// emitters/asm_thumb.h: the Thumb/Thumb-2 assembler for armv6m, armv7m and
// armv7em*. Encodings live in thumb_insns.def; this header gives the pure
// encoder over that table, the emitting wrappers named by operand shape,
// and the composite sequences MicroPython's asmthumb makes (entry/exit,
// constant loads, jumps sized per pass, loads at any offset), so a native
// emitter calling them where emitnative.c calls asm_thumb_* produces the
// same bytes. The inline assembler front end calls asm_thumb_insn().
#ifndef EMITTERS_ASM_THUMB_H
#define EMITTERS_ASM_THUMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "asm_base.h"

// ---------------------------------------------------------------------------
// The instruction table.

typedef enum thumb_field_kind {
    TF_NONE,
    TF_REG,
    TF_REG_HI,
    TF_REG_X2,
    TF_REG_NZCV,
    TF_IMM,
    TF_SHIFT32,
    TF_BR,
    TF_BR_T3,
    TF_BR_T4,
    TF_IMM16,
    TF_IMM12,
    TF_RLIST,
    TF_RLIST_LR,
    TF_RLIST_PC,
    TF_COND,
    TF_ITMASK,
    TF_SREG,
    TF_SYSM,
} thumb_field_kind_t;

typedef struct thumb_field {
    uint8_t kind;   // thumb_field_kind_t
    uint8_t lsb;
    uint8_t width;
    uint8_t aux;    // see thumb_insns.def for what each kind keeps here
} thumb_field_t;

enum {
    THUMB_MAX_OPERANDS = 4,
};

typedef enum thumb_form {
#define FORM(name, f0, f1, f2, f3) THUMB_FORM_##name,
#define INSN(name, match, mask, form, arch, text)
#include "thumb_insns.def"
#undef FORM
#undef INSN
    THUMB_NUM_FORMS
} thumb_form_t;

typedef enum thumb_op {
#define FORM(name, f0, f1, f2, f3)
#define INSN(name, match, mask, form, arch, text) THUMB_##name,
#include "thumb_insns.def"
#undef FORM
#undef INSN
    THUMB_NUM_OPS
} thumb_op_t;

// Which targets have an instruction (the "arch" column).
typedef enum thumb_arch {
    THUMB_ARCH_V6M = 1,   // every Thumb target
    THUMB_ARCH_V7M = 2,   // armv7m, armv7em, armv7emsp, armv7emdp
    THUMB_ARCH_VFP = 3,   // armv7emsp, armv7emdp
} thumb_arch_t;

typedef struct thumb_insn_info {
    const char *name;   // the row name, e.g. "ADD_RRI3"
    uint32_t match;
    uint32_t mask;
    uint8_t form;       // thumb_form_t
    uint8_t arch;       // thumb_arch_t
    uint8_t size;       // 2 or 4 bytes
    const char *text;   // GNU as template, %0..%3 for the operands
} thumb_insn_info_t;

extern const thumb_insn_info_t thumb_insn_table[THUMB_NUM_OPS];
extern const thumb_field_t thumb_form_fields[THUMB_NUM_FORMS][THUMB_MAX_OPERANDS];
// Number of operands `op` takes in assembly text.
int thumb_n_operands(thumb_op_t op);

// Packs operands (in assembly order) into the instruction word. Register
// numbers are 0..15 (13 sp, 14 lr, 15 pc), immediates and offsets are in
// bytes, branch offsets are relative to the instruction's address plus 4.
// Returns false when an operand does not fit the form; *word is then 0.
bool thumb_encode(thumb_op_t op, const int32_t *operands, uint32_t *word);
// Unpacks the operands of `op` from `word`; false when a field holds a value
// the form does not allow (e.g. condition al in a conditional branch).
bool thumb_decode_operands(thumb_op_t op, uint32_t word, int32_t *operands);
// The first row matching `word` whose operands decode, or THUMB_NUM_OPS.
// For a 32-bit instruction word is first_halfword << 16 | second_halfword.
thumb_op_t thumb_match(uint32_t word, bool is_32bit);
// True when a halfword starts a 32-bit instruction (bits 15..11 are 11101,
// 11110 or 11111).
static inline bool thumb_is_32bit_prefix(uint16_t hw) {
    return (hw & 0xf800) >= 0xe800;
}

// ---------------------------------------------------------------------------
// The assembler.

enum {
    ASM_THUMB_REG_R0 = 0,
    ASM_THUMB_REG_R1 = 1,
    ASM_THUMB_REG_R2 = 2,
    ASM_THUMB_REG_R3 = 3,
    ASM_THUMB_REG_R4 = 4,
    ASM_THUMB_REG_R5 = 5,
    ASM_THUMB_REG_R6 = 6,
    ASM_THUMB_REG_R7 = 7,
    ASM_THUMB_REG_R8 = 8,
    ASM_THUMB_REG_R9 = 9,
    ASM_THUMB_REG_R10 = 10,
    ASM_THUMB_REG_R11 = 11,
    ASM_THUMB_REG_R12 = 12,
    ASM_THUMB_REG_SP = 13,
    ASM_THUMB_REG_LR = 14,
    ASM_THUMB_REG_PC = 15,
    // The native emitter keeps the function table pointer here.
    ASM_THUMB_REG_FUN_TABLE = ASM_THUMB_REG_R7,
};

typedef enum asm_thumb_cc {
    ASM_THUMB_CC_EQ = 0x0,
    ASM_THUMB_CC_NE = 0x1,
    ASM_THUMB_CC_CS = 0x2,
    ASM_THUMB_CC_CC = 0x3,
    ASM_THUMB_CC_MI = 0x4,
    ASM_THUMB_CC_PL = 0x5,
    ASM_THUMB_CC_VS = 0x6,
    ASM_THUMB_CC_VC = 0x7,
    ASM_THUMB_CC_HI = 0x8,
    ASM_THUMB_CC_LS = 0x9,
    ASM_THUMB_CC_GE = 0xa,
    ASM_THUMB_CC_LT = 0xb,
    ASM_THUMB_CC_GT = 0xc,
    ASM_THUMB_CC_LE = 0xd,
} asm_thumb_cc_t;

typedef struct asm_thumb {
    asm_base_t base;
    bool allow_armv7m;     // false for armv6m (16-bit set plus BL only)
    bool arm_prelude;      // armv6: enter through an ARM-state stub
    unsigned push_reglist; // low registers saved by entry (besides lr)
    unsigned stack_adjust; // words reserved below them for locals
} asm_thumb_t;

// Prepares an assembler; see asm_base_init for the failure case.
bool asm_thumb_init(asm_thumb_t *as, size_t max_num_labels, bool allow_armv7m);
void asm_thumb_deinit(asm_thumb_t *as);
static inline void asm_thumb_start_pass(asm_thumb_t *as, asm_pass_t pass) {
    asm_base_start_pass(&as->base, pass);
}
static inline void asm_thumb_label_assign(asm_thumb_t *as, size_t label) {
    asm_base_label_assign(&as->base, label);
}

// Raw halfwords, written little-endian (first, then second).
void asm_thumb_op16(asm_thumb_t *as, unsigned op);
void asm_thumb_op32(asm_thumb_t *as, unsigned op1, unsigned op2);

// Emits one table instruction. Always advances by the row's size so passes
// agree; when an operand does not fit it writes zeros, records
// ASM_ERR_BAD_OPERAND (only in the emit pass) and returns false.
bool asm_thumb_insn(asm_thumb_t *as, thumb_op_t op, int32_t a, int32_t b, int32_t c, int32_t d);

// Wrappers named by operand shape. Offsets named *_offset are counted in
// units of the access size, as in MicroPython's asmthumb.
static inline void asm_thumb_lsl_rlo_rlo_i5(asm_thumb_t *as, unsigned rd, unsigned rm, unsigned sh) {
    asm_thumb_insn(as, THUMB_LSL_I, rd, rm, sh, 0);
}
static inline void asm_thumb_add_rlo_rlo_rlo(asm_thumb_t *as, unsigned rd, unsigned rn, unsigned rm) {
    asm_thumb_insn(as, THUMB_ADD_RRR, rd, rn, rm, 0);
}
static inline void asm_thumb_sub_rlo_rlo_rlo(asm_thumb_t *as, unsigned rd, unsigned rn, unsigned rm) {
    asm_thumb_insn(as, THUMB_SUB_RRR, rd, rn, rm, 0);
}
static inline void asm_thumb_add_rlo_rlo_i3(asm_thumb_t *as, unsigned rd, unsigned rn, unsigned i3) {
    asm_thumb_insn(as, THUMB_ADD_RRI3, rd, rn, i3, 0);
}
static inline void asm_thumb_sub_rlo_rlo_i3(asm_thumb_t *as, unsigned rd, unsigned rn, unsigned i3) {
    asm_thumb_insn(as, THUMB_SUB_RRI3, rd, rn, i3, 0);
}
static inline void asm_thumb_mov_rlo_i8(asm_thumb_t *as, unsigned rd, unsigned i8) {
    asm_thumb_insn(as, THUMB_MOV_I8, rd, i8, 0, 0);
}
static inline void asm_thumb_cmp_rlo_i8(asm_thumb_t *as, unsigned rd, unsigned i8) {
    asm_thumb_insn(as, THUMB_CMP_I8, rd, i8, 0, 0);
}
static inline void asm_thumb_add_rlo_i8(asm_thumb_t *as, unsigned rd, unsigned i8) {
    asm_thumb_insn(as, THUMB_ADD_I8, rd, i8, 0, 0);
}
static inline void asm_thumb_sub_rlo_i8(asm_thumb_t *as, unsigned rd, unsigned i8) {
    asm_thumb_insn(as, THUMB_SUB_I8, rd, i8, 0, 0);
}
// ldr rd, [pc, #word_offset*4]
static inline void asm_thumb_ldr_rlo_pcrel_i8(asm_thumb_t *as, unsigned rd, unsigned word_offset) {
    asm_thumb_insn(as, THUMB_LDR_PC, rd, (int32_t)word_offset * 4, 0, 0);
}
// The 16-bit two-register ALU group: op is one of THUMB_AND .. THUMB_MVN.
static inline void asm_thumb_alu_rlo_rlo(asm_thumb_t *as, thumb_op_t op, unsigned rd, unsigned rm) {
    asm_thumb_insn(as, op, rd, rm, 0, 0);
}
static inline void asm_thumb_cmp_rlo_rlo(asm_thumb_t *as, unsigned rn, unsigned rm) {
    asm_thumb_insn(as, THUMB_CMP_RR, rn, rm, 0, 0);
}
static inline void asm_thumb_mvn_rlo_rlo(asm_thumb_t *as, unsigned rd, unsigned rm) {
    asm_thumb_insn(as, THUMB_MVN, rd, rm, 0, 0);
}
static inline void asm_thumb_neg_rlo_rlo(asm_thumb_t *as, unsigned rd, unsigned rm) {
    asm_thumb_insn(as, THUMB_NEG, rd, rm, 0, 0);
}
static inline void asm_thumb_sxth_rlo_rlo(asm_thumb_t *as, unsigned rd, unsigned rm) {
    asm_thumb_insn(as, THUMB_SXTH, rd, rm, 0, 0);
}
// add rd, rm with any registers (no flags).
static inline void asm_thumb_add_reg_reg(asm_thumb_t *as, unsigned rd, unsigned rm) {
    asm_thumb_insn(as, THUMB_ADD_HI, rd, rm, 0, 0);
}
// mov rd, rm with any registers (no flags).
static inline void asm_thumb_mov_reg_reg(asm_thumb_t *as, unsigned rd, unsigned rm) {
    asm_thumb_insn(as, THUMB_MOV_HI, rd, rm, 0, 0);
}
static inline void asm_thumb_bx_reg(asm_thumb_t *as, unsigned rm) {
    asm_thumb_insn(as, THUMB_BX, rm, 0, 0, 0);
}
static inline void asm_thumb_blx_reg(asm_thumb_t *as, unsigned rm) {
    asm_thumb_insn(as, THUMB_BLX, rm, 0, 0, 0);
}
// Register-offset loads and stores: op is one of THUMB_STR_RRR .. LDRSH_RRR.
static inline void asm_thumb_mem_rlo_rlo_rlo(asm_thumb_t *as, thumb_op_t op, unsigned rt, unsigned rn, unsigned rm) {
    asm_thumb_insn(as, op, rt, rn, rm, 0);
}
static inline void asm_thumb_ldr_rlo_rlo_i5(asm_thumb_t *as, unsigned rt, unsigned rn, unsigned word_offset) {
    asm_thumb_insn(as, THUMB_LDR_I5, rt, rn, (int32_t)word_offset * 4, 0);
}
static inline void asm_thumb_ldrh_rlo_rlo_i5(asm_thumb_t *as, unsigned rt, unsigned rn, unsigned half_offset) {
    asm_thumb_insn(as, THUMB_LDRH_I5, rt, rn, (int32_t)half_offset * 2, 0);
}
static inline void asm_thumb_ldrb_rlo_rlo_i5(asm_thumb_t *as, unsigned rt, unsigned rn, unsigned byte_offset) {
    asm_thumb_insn(as, THUMB_LDRB_I5, rt, rn, (int32_t)byte_offset, 0);
}
static inline void asm_thumb_str_rlo_rlo_i5(asm_thumb_t *as, unsigned rt, unsigned rn, unsigned word_offset) {
    asm_thumb_insn(as, THUMB_STR_I5, rt, rn, (int32_t)word_offset * 4, 0);
}
static inline void asm_thumb_strh_rlo_rlo_i5(asm_thumb_t *as, unsigned rt, unsigned rn, unsigned half_offset) {
    asm_thumb_insn(as, THUMB_STRH_I5, rt, rn, (int32_t)half_offset * 2, 0);
}
static inline void asm_thumb_strb_rlo_rlo_i5(asm_thumb_t *as, unsigned rt, unsigned rn, unsigned byte_offset) {
    asm_thumb_insn(as, THUMB_STRB_I5, rt, rn, (int32_t)byte_offset, 0);
}
// push/pop: reglist is a mask of r0..r7 plus lr (push) or pc (pop); the
// 32-bit forms are chosen when it names r8..r12.
void asm_thumb_push(asm_thumb_t *as, unsigned reglist);
void asm_thumb_pop(asm_thumb_t *as, unsigned reglist);
// it<x> cc: mask is the raw 4-bit IT mask (asm_thumb_it_mask computes it).
static inline void asm_thumb_it_cc(asm_thumb_t *as, unsigned cc, unsigned mask) {
    asm_thumb_insn(as, THUMB_IT, cc, mask, 0, 0);
}
// The IT mask for a suffix of up to three 't'/'e' letters after "it";
// returns 0 when the suffix is malformed.
unsigned asm_thumb_it_mask(unsigned cc, const char *suffix);
// movw/movt rd, #i16 (op is THUMB_MOVW or THUMB_MOVT); the value is masked
// to 16 bits as the reference does.
void asm_thumb_mov_reg_i16(asm_thumb_t *as, thumb_op_t op, unsigned rd, int32_t i16);

// Branches to labels for the inline assembler: exactly the requested
// size; false when the offset does not fit (checked in the emit pass only).
bool asm_thumb_b_n_label(asm_thumb_t *as, size_t label);
bool asm_thumb_bcc_nw_label(asm_thumb_t *as, unsigned cc, size_t label, bool wide);
bool asm_thumb_bl_label(asm_thumb_t *as, size_t label);

// Function entry and exit: push r1..r7 (or r1, r4..r7) and lr, reserve
// stack for num_locals words; exit undoes it and pops pc.
void asm_thumb_entry(asm_thumb_t *as, int num_locals);
void asm_thumb_exit(asm_thumb_t *as);

// Constants. mov_reg_i32 always takes the same size (movw+movt, or on
// armv6m an aligned literal load) and returns the offset it starts at so
// the value can be patched; the optimised form picks the shortest.
size_t asm_thumb_mov_reg_i32(asm_thumb_t *as, unsigned rd, uint32_t i32);
void asm_thumb_mov_reg_i32_optimised(asm_thumb_t *as, unsigned rd, int32_t i32);
// Locals live at sp + 4*local_num; offsets past 255 words record
// ASM_ERR_TOO_MANY_LOCALS in the emit pass.
void asm_thumb_mov_local_reg(asm_thumb_t *as, int local_num, unsigned rlo_src);
void asm_thumb_mov_reg_local(asm_thumb_t *as, unsigned rlo_dest, int local_num);
void asm_thumb_mov_reg_local_addr(asm_thumb_t *as, unsigned rlo_dest, int local_num);
// rlo_dest = address of label (with the Thumb bit set).
void asm_thumb_mov_reg_pcrel(asm_thumb_t *as, unsigned rlo_dest, size_t label);
// Load or store reg at base + offset << size (size 0 byte, 1 half, 2 word)
// choosing the 16-bit, 32-bit or armv6m multi-instruction sequence.
void asm_thumb_load_reg_reg_offset(asm_thumb_t *as, unsigned rd, unsigned rbase, unsigned offset, unsigned size);
void asm_thumb_store_reg_reg_offset(asm_thumb_t *as, unsigned rs, unsigned rbase, unsigned offset, unsigned size);
static inline void asm_thumb_ldr_reg_reg_i12_optimised(asm_thumb_t *as, unsigned rd, unsigned rbase, unsigned word_offset) {
    asm_thumb_load_reg_reg_offset(as, rd, rbase, word_offset, 2);
}
static inline void asm_thumb_ldrh_reg_reg_i12_optimised(asm_thumb_t *as, unsigned rd, unsigned rbase, unsigned half_offset) {
    asm_thumb_load_reg_reg_offset(as, rd, rbase, half_offset, 1);
}

// Jumps for the native emitter: a backward jump already in range is short;
// anything else takes the long form (b.w / b<c>.w, or on armv6m a padded
// sequence that is the same size in every pass).
void asm_thumb_b_label(asm_thumb_t *as, size_t label);
void asm_thumb_bcc_label(asm_thumb_t *as, unsigned cc, size_t label);
// Short branches by a byte distance from this instruction (not from pc).
void asm_thumb_bcc_rel9(asm_thumb_t *as, unsigned cc, int rel);
void asm_thumb_b_rel12(asm_thumb_t *as, int rel);
// Calls entry fun_id of the function table through reg_temp.
void asm_thumb_bl_ind(asm_thumb_t *as, unsigned fun_id, unsigned reg_temp);

// ---------------------------------------------------------------------------
// Disassembly (emitters/dis_thumb.c), driven by the same table.

// Writes the assembly text of op with its operands into out (always
// NUL-terminated; returns the length it wanted). Branch targets are shown
// as absolute addresses from `addr` (the instruction's address), or as
// ".+N" for GNU as when gas_relative is set.
size_t thumb_format_insn(thumb_op_t op, const int32_t *operands, uint32_t addr, bool gas_relative, char *out,
    size_t cap);
// Decodes the instruction at code[0..len): returns its size (2 or 4, or 0
// when len is too short) and sets *op (THUMB_NUM_OPS when no row matches),
// *word and the operands.
size_t dis_thumb_one(const uint8_t *code, size_t len, thumb_op_t *op, uint32_t *word, int32_t *operands);
// Appends one line per instruction, like objdump:
// "  1a:\tf240 0202 \tmovw\tr2, #2\n"; undecodable halfwords print as
// ".short 0x....".
void dis_thumb(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out);

#endif // EMITTERS_ASM_THUMB_H
