// emitters/asm_xtensa.h: the Xtensa assembler for the ESP8266 (call0 ABI,
// "xtensa") and the ESP32 (windowed ABI, "xtensawin"). Encodings live in
// xtensa_insns.def; this header gives the pure encoder over that table, the
// emitting wrappers named by operand shape, and the composite sequences
// MicroPython's asmxtensa makes (entry/exit with the literal pool, constant
// loads, branches sized per pass, loads at any offset), so a native emitter
// calling them where emitnative.c calls asm_xtensa_* produces the same
// bytes. The inline assembler front end calls asm_xtensa_insn() and the
// label helpers at the end.
#ifndef EMITTERS_ASM_XTENSA_H
#define EMITTERS_ASM_XTENSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "asm_base.h"

// ---------------------------------------------------------------------------
// The instruction table.

typedef enum xtensa_field_kind {
    XF_NONE,
    XF_REG,
    XF_UIMM,
    XF_SIMM,
    XF_MOVI12,
    XF_MOVIN7,
    XF_ADDIN4,
    XF_SA5,
    XF_SLLI,
    XF_BR,
    XF_BRN6,
    XF_CALL,
    XF_L32R,
} xtensa_field_kind_t;

typedef struct xtensa_field {
    uint8_t kind;   // xtensa_field_kind_t
    uint8_t lsb;
    uint8_t width;
    uint8_t aux;    // see xtensa_insns.def for what each kind keeps here
} xtensa_field_t;

enum {
    XTENSA_MAX_OPERANDS = 3,
};

typedef enum xtensa_form {
#define FORM(name, f0, f1, f2) XTENSA_FORM_##name,
#define INSN(name, match, mask, form, text)
#include "xtensa_insns.def"
#undef FORM
#undef INSN
    XTENSA_NUM_FORMS
} xtensa_form_t;

typedef enum xtensa_op {
#define FORM(name, f0, f1, f2)
#define INSN(name, match, mask, form, text) XTENSA_##name,
#include "xtensa_insns.def"
#undef FORM
#undef INSN
    XTENSA_NUM_OPS
} xtensa_op_t;

typedef struct xtensa_insn_info {
    const char *name;   // the row name, e.g. "ADDI_N"
    uint32_t match;
    uint32_t mask;
    uint8_t form;       // xtensa_form_t
    uint8_t size;       // 2 or 3 bytes
    const char *text;   // GNU as template, %0..%2 for the operands
} xtensa_insn_info_t;

extern const xtensa_insn_info_t xtensa_insn_table[XTENSA_NUM_OPS];
extern const xtensa_field_t xtensa_form_fields[XTENSA_NUM_FORMS][XTENSA_MAX_OPERANDS];
// Number of operands `op` takes in assembly text.
int xtensa_n_operands(xtensa_op_t op);

// Packs operands (in assembly order) into the instruction word. Registers
// are 0..15, immediates and memory offsets are in bytes, pc-relative
// operands are byte offsets from the base their field kind names (see the
// XF_ kinds in xtensa_insns.def). Returns false when an operand does not
// fit the form; *word is then 0.
bool xtensa_encode(xtensa_op_t op, const int32_t *operands, uint32_t *word);
// Unpacks the operands of `op` from `word`; false when `word` is not an
// instance of the row.
bool xtensa_decode_operands(xtensa_op_t op, uint32_t word, int32_t *operands);
// The first row matching `word` whose operands decode, or XTENSA_NUM_OPS.
xtensa_op_t xtensa_match(uint32_t word, bool is_narrow);
// True when the instruction starting with this byte is 2 bytes long (op0,
// the low nibble, is 8 or more).
static inline bool xtensa_is_narrow(uint8_t first_byte) {
    return (first_byte & 0x8) != 0;
}

// ---------------------------------------------------------------------------
// The assembler.

enum {
    ASM_XTENSA_REG_A0 = 0,
    ASM_XTENSA_REG_A1 = 1,
    ASM_XTENSA_REG_A2 = 2,
    ASM_XTENSA_REG_A3 = 3,
    ASM_XTENSA_REG_A4 = 4,
    ASM_XTENSA_REG_A5 = 5,
    ASM_XTENSA_REG_A6 = 6,
    ASM_XTENSA_REG_A7 = 7,
    ASM_XTENSA_REG_A8 = 8,
    ASM_XTENSA_REG_A9 = 9,
    ASM_XTENSA_REG_A10 = 10,
    ASM_XTENSA_REG_A11 = 11,
    ASM_XTENSA_REG_A12 = 12,
    ASM_XTENSA_REG_A13 = 13,
    ASM_XTENSA_REG_A14 = 14,
    ASM_XTENSA_REG_A15 = 15,
    // The native emitter keeps the function table pointer here.
    ASM_XTENSA_REG_FUN_TABLE = ASM_XTENSA_REG_A15,
    ASM_XTENSA_REG_FUN_TABLE_WIN = ASM_XTENSA_REG_A7,
    // Scratch for a store at a far offset. The official assembler picks it
    // at its own compile time, where the windowed choice is never made, so
    // both ABIs use a6.
    ASM_XTENSA_REG_TEMPORARY = ASM_XTENSA_REG_A6,
    // Words saved at the bottom of the frame: a0 and a12..a15, or (windowed)
    // only a0, which mov_reg_pcrel's call0 overwrites.
    ASM_XTENSA_NUM_REGS_SAVED = 5,
    ASM_XTENSA_NUM_REGS_SAVED_WIN = 1,
};

// Conditions of beqz/bnez/bltz/bgez (the m field); x ^ 1 is the opposite.
typedef enum asm_xtensa_ccz {
    ASM_XTENSA_CCZ_EQ = 0,
    ASM_XTENSA_CCZ_NE = 1,
    ASM_XTENSA_CCZ_LT = 2,
    ASM_XTENSA_CCZ_GE = 3,
} asm_xtensa_ccz_t;

// Conditions of the two-register branches (the r field); x ^ 8 is the
// opposite.
typedef enum asm_xtensa_cc {
    ASM_XTENSA_CC_NONE = 0,
    ASM_XTENSA_CC_EQ = 1,
    ASM_XTENSA_CC_LT = 2,
    ASM_XTENSA_CC_LTU = 3,
    ASM_XTENSA_CC_ALL = 4,
    ASM_XTENSA_CC_BC = 5,
    ASM_XTENSA_CC_ANY = 8,
    ASM_XTENSA_CC_NE = 9,
    ASM_XTENSA_CC_GE = 10,
    ASM_XTENSA_CC_GEU = 11,
    ASM_XTENSA_CC_NALL = 12,
    ASM_XTENSA_CC_BS = 13,
} asm_xtensa_cc_t;

// Problems the official assembler raises as RuntimeError while emitting
// (label distances and alignment the encodings cannot express).
typedef enum asm_xtensa_fault {
    ASM_XTENSA_FAULT_NONE,
    ASM_XTENSA_FAULT_RANGE,           // "ERROR: xtensa <insn> out of range"
    ASM_XTENSA_FAULT_TARGET_ALIGN,    // "ERROR: <insn> target not word-aligned"
    ASM_XTENSA_FAULT_LOCATION_ALIGN,  // "ERROR: <insn> location not word-aligned"
} asm_xtensa_fault_t;

typedef struct asm_xtensa {
    asm_base_t base;
    uint32_t cur_const;          // literals used so far in this pass
    uint32_t num_const;          // literals the previous pass used
    size_t const_table_offset;   // where entry placed the literal pool
    bool has_const_table;        // entry placed one in this emit pass
    uint32_t stack_adjust;       // bytes entry reserved on the stack
    asm_xtensa_fault_t fault;    // the first fault (emit pass only)
    const char *fault_insn;      // the instruction it names
} asm_xtensa_t;

// Prepares an assembler; see asm_base_init for the failure case.
bool asm_xtensa_init(asm_xtensa_t *as, size_t max_num_labels);
void asm_xtensa_deinit(asm_xtensa_t *as);
static inline void asm_xtensa_start_pass(asm_xtensa_t *as, asm_pass_t pass) {
    asm_base_start_pass(&as->base, pass);
    as->has_const_table = false;
}
static inline void asm_xtensa_label_assign(asm_xtensa_t *as, size_t label) {
    asm_base_label_assign(&as->base, label);
}
// Ends a pass: the number of literals it used sizes the next pass's pool.
void asm_xtensa_end_pass(asm_xtensa_t *as);
// Writes "ERROR: ..." for the recorded fault into out (as the official
// RuntimeError reads); "" when there is none.
void asm_xtensa_fault_text(const asm_xtensa_t *as, char *out, size_t cap);

// Raw little-endian instruction words.
void asm_xtensa_op16(asm_xtensa_t *as, uint32_t op);
void asm_xtensa_op24(asm_xtensa_t *as, uint32_t op);

// Emits one table instruction. Always advances by the row's size so passes
// agree; when an operand does not fit it writes zeros, records
// ASM_ERR_BAD_OPERAND (only in the emit pass) and returns false.
bool asm_xtensa_insn(asm_xtensa_t *as, xtensa_op_t op, int32_t a, int32_t b, int32_t c);

// Wrappers named by operand shape. Memory offsets named *_offset count
// units of the access size, as in MicroPython's asmxtensa.
static inline void asm_xtensa_rrr(asm_xtensa_t *as, xtensa_op_t op, unsigned r, unsigned s, unsigned t) {
    asm_xtensa_insn(as, op, (int32_t)r, (int32_t)s, (int32_t)t);
}
static inline void asm_xtensa_add_n_reg_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rs, unsigned rt) {
    asm_xtensa_insn(as, XTENSA_ADD_N, (int32_t)rd, (int32_t)rs, (int32_t)rt);
}
static inline void asm_xtensa_sub_reg_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rs, unsigned rt) {
    asm_xtensa_insn(as, XTENSA_SUB, (int32_t)rd, (int32_t)rs, (int32_t)rt);
}
static inline void asm_xtensa_xor_reg_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rs, unsigned rt) {
    asm_xtensa_insn(as, XTENSA_XOR, (int32_t)rd, (int32_t)rs, (int32_t)rt);
}
static inline void asm_xtensa_neg_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rt) {
    asm_xtensa_insn(as, XTENSA_NEG, (int32_t)rd, (int32_t)rt, 0);
}
static inline void asm_xtensa_mov_n_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rs) {
    asm_xtensa_insn(as, XTENSA_MOV_N, (int32_t)rd, (int32_t)rs, 0);
}
// ssl/ssr set the shift amount register for sll/srl/sra.
static inline void asm_xtensa_ssl_reg(asm_xtensa_t *as, unsigned rs) {
    asm_xtensa_insn(as, XTENSA_SSL, (int32_t)rs, 0, 0);
}
static inline void asm_xtensa_ssr_reg(asm_xtensa_t *as, unsigned rs) {
    asm_xtensa_insn(as, XTENSA_SSR, (int32_t)rs, 0, 0);
}
static inline void asm_xtensa_sll_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rs) {
    asm_xtensa_insn(as, XTENSA_SLL, (int32_t)rd, (int32_t)rs, 0);
}
static inline void asm_xtensa_srl_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rt) {
    asm_xtensa_insn(as, XTENSA_SRL, (int32_t)rd, (int32_t)rt, 0);
}
static inline void asm_xtensa_sra_reg_reg(asm_xtensa_t *as, unsigned rd, unsigned rt) {
    asm_xtensa_insn(as, XTENSA_SRA, (int32_t)rd, (int32_t)rt, 0);
}
static inline void asm_xtensa_jx_reg(asm_xtensa_t *as, unsigned rs) {
    asm_xtensa_insn(as, XTENSA_JX, (int32_t)rs, 0, 0);
}
static inline void asm_xtensa_callx0_reg(asm_xtensa_t *as, unsigned rs) {
    asm_xtensa_insn(as, XTENSA_CALLX0, (int32_t)rs, 0, 0);
}
static inline void asm_xtensa_callx8_reg(asm_xtensa_t *as, unsigned rs) {
    asm_xtensa_insn(as, XTENSA_CALLX8, (int32_t)rs, 0, 0);
}
static inline void asm_xtensa_ret_n(asm_xtensa_t *as) {
    asm_xtensa_insn(as, XTENSA_RET_N, 0, 0, 0);
}
static inline void asm_xtensa_retw_n(asm_xtensa_t *as) {
    asm_xtensa_insn(as, XTENSA_RETW_N, 0, 0, 0);
}
// movi.n rd, -32..95
static inline void asm_xtensa_movi_n_reg_i7(asm_xtensa_t *as, unsigned rd, int32_t imm) {
    asm_xtensa_insn(as, XTENSA_MOVI_N, (int32_t)rd, imm, 0);
}
// The following take any value and keep its low bits, as the official
// encoders do (addi: 8 bits, movi: 12, offsets: 8, narrow offsets: 4).
void asm_xtensa_addi_reg_reg_i8(asm_xtensa_t *as, unsigned rd, unsigned rs, int32_t imm);
void asm_xtensa_movi_reg_i12(asm_xtensa_t *as, unsigned rd, int32_t imm);
void asm_xtensa_l32i_n_reg_reg_i4(asm_xtensa_t *as, unsigned rd, unsigned rbase, unsigned word_offset);
void asm_xtensa_s32i_n_reg_reg_i4(asm_xtensa_t *as, unsigned rs, unsigned rbase, unsigned word_offset);
// op is one of L8UI, L16UI, L32I, S8I, S16I, S32I; offset in access units.
void asm_xtensa_mem_reg_reg_i8(asm_xtensa_t *as, xtensa_op_t op, unsigned rt, unsigned rbase, unsigned offset);
// entry rs, frame_bytes (a multiple of 8).
void asm_xtensa_entry_reg_i12(asm_xtensa_t *as, unsigned rs, uint32_t frame_bytes);

// Branches and calls by distance. The distances follow the official
// encoders: rel is from the instruction's address + 4 and only its low
// field bits are kept; call0's rel18 is the raw field.
void asm_xtensa_j_rel18(asm_xtensa_t *as, int32_t rel);
void asm_xtensa_bccz_reg_rel12(asm_xtensa_t *as, unsigned ccz, unsigned rs, int32_t rel);
void asm_xtensa_bcc_reg_reg_rel8(asm_xtensa_t *as, unsigned cc, unsigned rs, unsigned rt, int32_t rel);
void asm_xtensa_call0_rel18(asm_xtensa_t *as, int32_t rel18);
// l32r rd from the literal at code offset dest_off; op_off is where this
// instruction starts.
void asm_xtensa_l32r_reg_offsets(asm_xtensa_t *as, unsigned rd, size_t op_off, size_t dest_off);

// Function entry and exit. The literal pool comes first (a j over it, one
// pad byte, num_const words) when the previous pass used literals; then
// the call0 ABI saves a0 and a12..a15 below num_locals words, the windowed
// ABI rotates with entry and saves a0.
void asm_xtensa_entry(asm_xtensa_t *as, int num_locals);
void asm_xtensa_exit(asm_xtensa_t *as);
void asm_xtensa_entry_win(asm_xtensa_t *as, int num_locals);
void asm_xtensa_exit_win(asm_xtensa_t *as);

// Jumps for the native emitter and the inline assembler: a backward branch
// in range is one instruction; anything else is the inverted branch over a
// j. Distances past 18 bits record ASM_XTENSA_FAULT_RANGE.
void asm_xtensa_j_label(asm_xtensa_t *as, size_t label);
void asm_xtensa_bccz_reg_label(asm_xtensa_t *as, unsigned ccz, unsigned rs, size_t label);
void asm_xtensa_bcc_reg_reg_label(asm_xtensa_t *as, unsigned cc, unsigned rs, unsigned rt, size_t label);
// rd = (rs1 <cc> rs2) as 0 or 1; rd must differ from both.
void asm_xtensa_setcc_reg_reg_reg(asm_xtensa_t *as, unsigned cc, unsigned rd, unsigned rs1, unsigned rs2);

// Constants: mov_reg_i32 always loads from the literal pool (returns the
// literal's code offset); the optimised form uses movi.n or movi when the
// value fits.
size_t asm_xtensa_mov_reg_i32(asm_xtensa_t *as, unsigned rd, uint32_t i32);
void asm_xtensa_mov_reg_i32_optimised(asm_xtensa_t *as, unsigned rd, uint32_t i32);
// Frame words at a1 + 4*local_num (the caller adds the saved registers).
void asm_xtensa_mov_local_reg(asm_xtensa_t *as, int local_num, unsigned rs);
void asm_xtensa_mov_reg_local(asm_xtensa_t *as, unsigned rd, int local_num);
void asm_xtensa_mov_reg_local_addr(asm_xtensa_t *as, unsigned rd, int local_num);
// rd = address of label, found through a call0 (which overwrites a0).
void asm_xtensa_mov_reg_pcrel(asm_xtensa_t *as, unsigned rd, size_t label);
// Load or store at rbase + offset << size (size 0 byte, 1 half, 2 word),
// choosing the narrow, 8-bit-offset or computed-address sequence.
void asm_xtensa_l32i_optimised(asm_xtensa_t *as, unsigned rd, unsigned rbase, unsigned word_offset);
void asm_xtensa_load_reg_reg_offset(asm_xtensa_t *as, unsigned rd, unsigned rbase, unsigned offset, unsigned size);
void asm_xtensa_store_reg_reg_offset(asm_xtensa_t *as, unsigned rs, unsigned rbase, unsigned offset, unsigned size);
// Calls entry idx of the function table: through a0 with callx0, or
// (windowed) through a8 with callx8.
void asm_xtensa_call_ind(asm_xtensa_t *as, unsigned idx);
void asm_xtensa_call_ind_win(asm_xtensa_t *as, unsigned idx);

// Label instructions of the inline assembler, with the official checks
// (made in the emit pass; they record a fault).
// bbci (cond 6) / bbsi (cond 14) rs, bit, label
void asm_xtensa_bit_branch(asm_xtensa_t *as, unsigned rs, unsigned bit, size_t label, unsigned cond);
void asm_xtensa_call0_label(asm_xtensa_t *as, size_t label);
void asm_xtensa_l32r_label(asm_xtensa_t *as, unsigned rd, size_t label);

// ---------------------------------------------------------------------------
// Disassembly (emitters/dis_xtensa.c), driven by the same table.

// Writes the assembly text of op with its operands into out (always
// NUL-terminated; returns the length it wanted). Pc-relative operands are
// shown as absolute addresses computed from `addr` (the instruction's
// address): "0x1c", or "base+0x1c" for GNU as when gas_base is set.
size_t xtensa_format_insn(xtensa_op_t op, const int32_t *operands, uint32_t addr, bool gas_base, char *out,
    size_t cap);
// Decodes the instruction at code[0..len): returns its size (2 or 3, or 0
// when len is too short) and sets *op (XTENSA_NUM_OPS when no row matches),
// *word and the operands.
size_t dis_xtensa_one(const uint8_t *code, size_t len, xtensa_op_t *op, uint32_t *word, int32_t *operands);
// Appends one line per instruction, like objdump:
// "   1d:\t2d03      \tmov.n\ta2, a3\n". A function that starts with a j
// over its literal pool gets the pool printed as ".word" lines.
void dis_xtensa(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out);

#endif // EMITTERS_ASM_XTENSA_H
