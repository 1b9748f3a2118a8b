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

// Opcode table lookups (mpyformat/opcodes.c).
mpy_op_format_t mpy_op_format(uint8_t op);
// Name as the disassembler prints it ("LOAD_NAME"); NULL if not an opcode.
const char *mpy_op_name(uint8_t op);

// Serialises a file model (mpy_write.c). All of `f` is read, nothing kept.
// Fails only on out-of-memory or a model that cannot be encoded.
bool mpy_write(const mpy_file_t *f, buf_t *out, diag_t *d);

// Parses and checks the structure of a file (mpy_read.c). Everything
// allocated for `out` comes from `arena`; `out` points into `data` for the
// bytes of code and strings, so `data` must outlive it. On a malformed file
// records DIAG_FORMAT_ERROR with the byte offset and returns false.
bool mpy_read(const uint8_t *data, size_t len, arena_t *arena, mpy_file_t *out, diag_t *d);

#endif // MPYFORMAT_MPYFORMAT_H
