// mpyformat/mpyformat.h: the .mpy v6.3 file as data. One model serves the
// writer (mpy-cross), the reader and validator (mpy-tool, the VM's loader,
// the freezer) and the disassembler. Reading never trusts the input: every
// length and index is checked, and a malformed file yields a diagnostic
// with its byte offset.
#ifndef MPYFORMAT_MPYFORMAT_H
#define MPYFORMAT_MPYFORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

enum {
    MPY_VERSION = 6,
    MPY_SUB_VERSION = 3,
    MPY_DEFAULT_SMALL_INT_BITS = 31,
};

// Opcode bytes: MPY_OP_LOAD_NAME, ... and MPY_OP_<range>_FIRST / _COUNT.
typedef enum mpy_opcode {
#define OP(name, byte, fmt, delta) MPY_OP_##name = byte,
#define RANGE(name, first, count, delta) MPY_OP_##name##_FIRST = first,
#include "opcodes.def"
#undef OP
#undef RANGE
} mpy_opcode_t;

enum {
#define OP(name, byte, fmt, delta)
#define RANGE(name, first, count, delta) MPY_OP_##name##_COUNT = count,
#include "opcodes.def"
#undef OP
#undef RANGE
};

typedef enum mpy_op_format {
    MPY_FMT_NONE,
    MPY_FMT_QSTR,
    MPY_FMT_UINT,
    MPY_FMT_SINT,
    MPY_FMT_CONST,
    MPY_FMT_CHILD,
    MPY_FMT_CHILD_X,
    MPY_FMT_JUMP,
    MPY_FMT_SJUMP,
    MPY_FMT_SJUMP_X,
    MPY_FMT_INVALID,  // not an opcode
} mpy_op_format_t;

typedef enum mpy_unary_op {
#define UNARY(name, n, meth) MPY_UNARY_OP_##name = n,
#define BINARY(name, n, meth, sym)
#include "ops.def"
#undef UNARY
#undef BINARY
} mpy_unary_op_t;

typedef enum mpy_binary_op {
#define UNARY(name, n, meth)
#define BINARY(name, n, meth, sym) MPY_BINARY_OP_##name = n,
#include "ops.def"
#undef UNARY
#undef BINARY
} mpy_binary_op_t;

enum {
    MPY_UNARY_OP_NUM_BYTECODE = MPY_UNARY_OP_NOT + 1,
    MPY_BINARY_OP_NUM_BYTECODE = MPY_BINARY_OP_POWER + 1,
};

// Architecture numbers as the header's feature byte stores them (bits 5..2).
typedef enum mpy_arch {
    MPY_ARCH_NONE = 0,
    MPY_ARCH_X86,
    MPY_ARCH_X64,
    MPY_ARCH_ARMV6,
    MPY_ARCH_ARMV6M,
    MPY_ARCH_ARMV7M,
    MPY_ARCH_ARMV7EM,
    MPY_ARCH_ARMV7EMSP,
    MPY_ARCH_ARMV7EMDP,
    MPY_ARCH_XTENSA,
    MPY_ARCH_XTENSAWIN,
    MPY_ARCH_RV32IMC,
    MPY_ARCH_RV64IMC,
    MPY_ARCH_COUNT,
} mpy_arch_t;

// Code kinds as a raw code's header varint stores them (bits 1..0).
typedef enum mpy_code_kind {
    MPY_CODE_BYTECODE = 0,
    MPY_CODE_NATIVE = 1,
    MPY_CODE_VIPER = 2,
    MPY_CODE_ASM = 3,
} mpy_code_kind_t;

// Constant object type bytes (the first byte of each constant).
typedef enum mpy_obj_kind {
    MPY_OBJ_FUN_TABLE = 0,
    MPY_OBJ_NONE = 1,
    MPY_OBJ_FALSE = 2,
    MPY_OBJ_TRUE = 3,
    MPY_OBJ_ELLIPSIS = 4,
    MPY_OBJ_STR = 5,
    MPY_OBJ_BYTES = 6,
    MPY_OBJ_INT = 7,
    MPY_OBJ_FLOAT = 8,
    MPY_OBJ_COMPLEX = 9,
    MPY_OBJ_TUPLE = 10,
} mpy_obj_kind_t;

// Scope flags in a bytecode prelude's signature and a raw code's flags.
enum {
    MPY_SCOPE_FLAG_GENERATOR = 0x01,
    MPY_SCOPE_FLAG_VARKEYWORDS = 0x02,
    MPY_SCOPE_FLAG_VARARGS = 0x04,
    MPY_SCOPE_FLAG_DEFKWARGS = 0x08,
    MPY_SCOPE_FLAG_REFGLOBALS = 0x10,
    MPY_SCOPE_FLAG_HASCONSTS = 0x20,
    MPY_SCOPE_FLAG_VIPERRET_POS = 6,
    MPY_SCOPE_FLAG_VIPERRELOC = 0x10,
    MPY_SCOPE_FLAG_VIPERRODATA = 0x20,
    MPY_SCOPE_FLAG_VIPERBSS = 0x40,
};

typedef struct mpy_qstr {
    const char *str;      // not NUL-terminated in the file; the reader adds one
    size_t len;
    bool is_static;
    uint32_t static_id;   // qstr_t of the static qstr when is_static
    long file_offset;     // -1 when not read from a file
} mpy_qstr_t;

typedef struct mpy_obj {
    mpy_obj_kind_t kind;
    // STR, BYTES: the bytes. INT, FLOAT, COMPLEX: the ASCII form as written.
    const uint8_t *data;
    size_t len;
    // TUPLE: the items.
    struct mpy_obj *items;
    size_t n_items;
    long file_offset;
} mpy_obj_t;

// A function's code. For bytecode, `code` holds the prelude, the source
// info and the opcodes exactly as stored. For native kinds it holds the
// machine code; the extra fields follow the code in the file.
typedef struct mpy_raw_code {
    mpy_code_kind_t kind;
    const uint8_t *code;
    size_t code_len;
    long file_offset;        // where `code` starts in the file, -1 if built
    // Native, viper, asm.
    uint32_t prelude_offset; // NATIVE: offset of the prelude inside `code`
    uint32_t scope_flags;    // VIPER/ASM: scope flags
    uint32_t n_pos_args;     // VIPER/ASM
    uint32_t type_sig;       // VIPER/ASM
    // VIPER with relocation, rodata or bss (see MPY_SCOPE_FLAG_VIPER*).
    uint32_t rodata_size;
    const uint8_t *rodata;
    uint32_t bss_size;
    const uint8_t *reloc;    // the relocation stream, as stored
    size_t reloc_len;
    struct mpy_raw_code *children;
    size_t n_children;
} mpy_raw_code_t;

typedef struct mpy_file {
    uint8_t version;
    uint8_t sub_version;
    mpy_arch_t arch;
    bool has_arch_flags;
    uint32_t arch_flags;
    uint8_t small_int_bits;
    mpy_qstr_t *qstrs;       // qstrs[0] is the source file name
    size_t n_qstrs;
    mpy_obj_t *objs;
    size_t n_objs;
    mpy_raw_code_t root;
    size_t file_len;         // total bytes read (reader only)
} mpy_file_t;

// Names of architectures as -march= spells them ("x64"), and back.
const char *mpy_arch_name(mpy_arch_t arch);
bool mpy_arch_from_name(const char *name, mpy_arch_t *out);
// Bytes in a machine word of the architecture (4 or 8).
size_t mpy_arch_word_size(mpy_arch_t arch);

// Opcode table lookups (mpyformat/opcodes.c).
mpy_op_format_t mpy_op_format(uint8_t op);
// Name as the disassembler prints it ("LOAD_NAME"); NULL if not an opcode.
const char *mpy_op_name(uint8_t op);

// Names of the operators UNARY_OP_MULTI / BINARY_OP_MULTI carry ("ADD");
// NULL when n is not an operator that can appear in bytecode.
const char *mpy_unary_op_name(uint32_t n);
const char *mpy_binary_op_name(uint32_t n);

// ---------------------------------------------------------------------------
// One decoded instruction (opcodes.c). Offsets count from the start of the
// code buffer given to the decoder.
typedef struct mpy_insn {
    uint8_t op;            // the opcode byte
    mpy_op_format_t fmt;   // operand format (NONE for the multi opcodes)
    size_t len;            // bytes, opcode and operands together
    // QSTR, UINT, CONST, CHILD, CHILD_X: the varint. Multi opcodes: the
    // local number (LOAD_FAST_MULTI, STORE_FAST_MULTI) or operator number.
    uint64_t arg;
    // SINT and LOAD_CONST_SMALL_INT_MULTI: the value. Jumps: the offset.
    int64_t sarg;
    // Jumps: where control goes (may lie outside the code when corrupt).
    int64_t target;
    bool is_jump;
    uint8_t extra;         // CHILD_X, SJUMP_X: the byte after the operand
} mpy_insn_t;

// Decodes the instruction at code[pos], reading nothing at or beyond
// code[len]. Returns NULL on success, else a static message (truncated
// operand, unknown opcode, varint too long) for the caller to report.
const char *mpy_insn_decode(const uint8_t *code, size_t len, size_t pos, mpy_insn_t *out);
// Name as the disassembler prints it: "LOAD_FAST" for LOAD_FAST_MULTI,
// "LOAD_CONST_SMALL_INT" for its multi form, "BINARY_OP" and so on.
const char *mpy_insn_name(const mpy_insn_t *insn);

// Reads an unsigned varint at data[*pos], not beyond data[len]. Returns NULL
// and advances *pos on success; else a static message. Values that need
// more than 63 bits and groups of leading zeros are rejected.
const char *mpy_read_vuint(const uint8_t *data, size_t len, size_t *pos, uint64_t *out);

// ---------------------------------------------------------------------------
// The bytecode prelude (prelude.c), shared by the reader, the disassembler
// and the VM. Bytecode functions start with it; native functions carry one
// at their prelude_offset (without a line table).
typedef struct mpy_prelude {
    uint32_t n_state;         // local slots plus value stack
    uint32_t n_exc_stack;     // exception handler depth
    uint32_t scope_flags;     // MPY_SCOPE_FLAG_* (generator, varargs...)
    uint32_t n_pos_args;
    uint32_t n_kwonly_args;
    uint32_t n_def_pos_args;
    uint32_t n_info;          // bytes of source info: name, arg names, lines
    uint32_t n_cell;          // bytes of the closure cell list
    uint32_t name;            // qstr index of the function's name
    // Offsets inside the code buffer the prelude was decoded from.
    size_t size_offset;       // the n_info / n_cell bytes
    size_t info_offset;       // the name's varint (start of source info)
    size_t args_offset;       // the first argument name's varint
    size_t line_info_offset;  // the line-number table
    size_t cell_offset;       // the closure cell list (end of the lines)
    size_t opcodes_offset;    // the first opcode (end of the cells)
} mpy_prelude_t;

enum {
    // Scope flags a prelude signature can carry.
    MPY_SCOPE_FLAG_ALL_SIG = 0x0f,
};

// Decodes and checks the prelude at the start of code[0..len): signature,
// sizes, name and argument names (varints), the line table (every entry
// complete) and that every part lies within len. Reads nothing beyond len.
// Errors record DIAG_FORMAT_ERROR at base + the offset inside code.
bool mpy_prelude_decode(const uint8_t *code, size_t len, long base, mpy_prelude_t *out, diag_t *d);
// Fills names[0 .. n_pos_args + n_kwonly_args) with the argument names'
// qstr indices (decoded prelude only).
void mpy_prelude_arg_names(const uint8_t *code, const mpy_prelude_t *p, uint32_t *names);
// Appends the prelude's signature and size bytes as mpy-cross writes them.
void mpy_prelude_encode_sig(buf_t *out, const mpy_prelude_t *p);
void mpy_prelude_encode_size(buf_t *out, uint32_t n_info, uint32_t n_cell);
// Encodes one line-table entry into out[0..2) for as much of (*bytes
// skipped, *lines skipped) as one entry can hold, takes that from both and
// returns the entry's length (1 or 2). Entries are 0LLBBBBB (up to 31
// bytes and 3 lines) or 1LLLBBBB LLLLLLLL (up to 15 bytes and 2047 lines);
// lines advance only once the bytes are covered. Call until both are 0.
size_t mpy_line_entry_encode(uint8_t out[2], size_t *bytes, size_t *lines);

// The line-number table: entries of (bytes, lines) deltas starting at
// bytecode offset 0, line 1. Offsets count from the first opcode.
typedef struct mpy_line_iter {
    const uint8_t *p;
    const uint8_t *end;
    size_t bc_offset;   // offset where the current entry's line starts
    size_t line;        // current line
} mpy_line_iter_t;

void mpy_line_iter_init(mpy_line_iter_t *it, const uint8_t *code, const mpy_prelude_t *p);
// Applies the next entry; false at the end of the table (or at a truncated
// entry, which mpy_prelude_decode has rejected already).
bool mpy_line_next(mpy_line_iter_t *it, size_t *bytes, size_t *lines);
// The source line of the opcode at bc_offset, as the VM reports it.
size_t mpy_line_for_offset(const uint8_t *code, const mpy_prelude_t *p, size_t bc_offset);

// ---------------------------------------------------------------------------
// Disassembly (disasm.c). Output is text, or JSON when `json` is set; the
// formats are documented in man/mpy-tool.1.
//
// Machine code disassemblers plug in per architecture: each appends one line
// per instruction for code[0..len) (addresses count from `addr`) and returns
// false if it cannot decode the code (the caller falls back to hex). They
// live with their assemblers in emitters/, so the caller passes them in.
typedef bool (*mpy_native_dis_fn)(const uint8_t *code, size_t len, size_t addr, buf_t *out);

typedef struct mpy_dis_options {
    bool json;
    // Indexed by mpy_arch_t; NULL (or a NULL entry) shows that code as hex.
    const mpy_native_dis_fn *native;
} mpy_dis_options_t;

// Disassembles every function of a file read by mpy_read, outermost first
// (pre-order). Fails only on out-of-memory.
bool mpy_dis_file(const mpy_file_t *f, const mpy_dis_options_t *o, buf_t *out);
// Disassembles one function; `path` names it ("0.2.1": child indices).
bool mpy_dis_function(const mpy_file_t *f, const mpy_raw_code_t *rc, const char *path, const mpy_dis_options_t *o,
    buf_t *out);
// Appends one instruction's operand as text: the qstr's name, the
// constant's repr, the child's index and name, or the number. A jump shows
// as "to N", N counting from opcodes_offset. Used by dis and diff.
void mpy_dis_operand(const mpy_file_t *f, const mpy_raw_code_t *rc, size_t opcodes_offset, const mpy_insn_t *insn,
    buf_t *out);
// Appends a constant as Python shows its repr ('a\n', b'\x00', (1, 2)).
void mpy_obj_repr(buf_t *out, const mpy_obj_t *o);
// Appends bytes as a JSON string literal with quotes.
void mpy_json_string(buf_t *out, const uint8_t *s, size_t len);
// Appends bytes quoted as Python's repr does; prefix 'b' for bytes (bytes
// above 0x7f escaped), 0 for str (UTF-8 passed through).
void mpy_quote(buf_t *out, const uint8_t *s, size_t len, char prefix);

// Serialises a file model (mpy_write.c). All of `f` is read, nothing kept.
// Fails only on out-of-memory or a model that cannot be encoded.
bool mpy_write(const mpy_file_t *f, buf_t *out, diag_t *d);

// Parses and checks the structure of a file (mpy_read.c). Everything
// allocated for `out` comes from `arena`; `out` points into `data` for the
// bytes of code and strings, so `data` must outlive it. On a malformed file
// records DIAG_FORMAT_ERROR with the byte offset and returns false.
bool mpy_read(const uint8_t *data, size_t len, arena_t *arena, mpy_file_t *out, diag_t *d);

#endif // MPYFORMAT_MPYFORMAT_H
