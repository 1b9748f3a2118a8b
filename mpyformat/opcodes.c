// mpyformat/opcodes.c: lookups in the opcode table (opcodes.def) and the
// decoding of one instruction with its operands. Knows nothing about files:
// checking that an index or a jump target makes sense is the reader's job.
#include <string.h>

#include "mpyformat.h"

typedef struct op_row {
    const char *name;
    mpy_op_format_t fmt;
} op_row_t;

// Indexed by opcode byte; rows left empty (name NULL) are not opcodes.
static const op_row_t op_rows[256] = {
#define OP(name, byte, fmt, delta) [byte] = {#name, MPY_FMT_##fmt},
#define RANGE(name, first, count, delta)
#include "opcodes.def"
#undef OP
#undef RANGE
};

typedef struct op_range {
    uint8_t first;
    uint8_t count;
    const char *name;
} op_range_t;

static const op_range_t op_ranges[] = {
#define OP(name, byte, fmt, delta)
#define RANGE(name, first, count, delta) {first, count, #name},
#include "opcodes.def"
#undef OP
#undef RANGE
};

enum {
    N_RANGES = sizeof(op_ranges) / sizeof(op_ranges[0]),
};

// What the disassembler prints for each range, in opcodes.def order: the
// row's name without "_MULTI" (tests/mpyformat/test_opcodes.c checks this).
static const char *const range_display_names[] = {
    "LOAD_CONST_SMALL_INT", "LOAD_FAST", "STORE_FAST", "UNARY_OP", "BINARY_OP",
};
_Static_assert(sizeof(range_display_names) / sizeof(range_display_names[0]) == N_RANGES,
    "one display name per RANGE row of opcodes.def");

static const char *const unary_names[] = {
#define UNARY(name, n, meth) [n] = #name,
#define BINARY(name, n, meth, sym)
#include "ops.def"
#undef UNARY
#undef BINARY
};

static const char *const binary_names[] = {
#define UNARY(name, n, meth)
#define BINARY(name, n, meth, sym) [n] = #name,
#include "ops.def"
#undef UNARY
#undef BINARY
};

static const op_range_t *find_range(uint8_t op) {
    for (size_t i = 0; i < N_RANGES; i++) {
        if (op >= op_ranges[i].first && op - op_ranges[i].first < op_ranges[i].count) {
            return &op_ranges[i];
        }
    }
    return NULL;
}

mpy_op_format_t mpy_op_format(uint8_t op) {
    if (op_rows[op].name != NULL) {
        return op_rows[op].fmt;
    }
    return find_range(op) != NULL ? MPY_FMT_NONE : MPY_FMT_INVALID;
}

const char *mpy_op_name(uint8_t op) {
    if (op_rows[op].name != NULL) {
        return op_rows[op].name;
    }
    const op_range_t *r = find_range(op);
    return r != NULL ? r->name : NULL;
}

const char *mpy_unary_op_name(uint32_t n) {
    return n < MPY_UNARY_OP_NUM_BYTECODE ? unary_names[n] : NULL;
}

const char *mpy_binary_op_name(uint32_t n) {
    return n < MPY_BINARY_OP_NUM_BYTECODE ? binary_names[n] : NULL;
}

const char *mpy_insn_name(const mpy_insn_t *insn) {
    const op_range_t *r = op_rows[insn->op].name == NULL ? find_range(insn->op) : NULL;
    if (r != NULL) {
        return range_display_names[r - op_ranges];
    }
    return mpy_op_name(insn->op);
}

const char *mpy_read_vuint(const uint8_t *data, size_t len, size_t *pos, uint64_t *out) {
    size_t p = *pos;
    uint64_t v = 0;
    if (p < len && data[p] == 0x80) {
        return "varint has a leading zero group";
    }
    for (;;) {
        if (p >= len) {
            return "truncated varint";
        }
        if (v >> 56 != 0) {
            return "varint too large";
        }
        uint8_t b = data[p++];
        v = (v << 7) | (b & 0x7f);
        if ((b & 0x80) == 0) {
            break;
        }
    }
    *pos = p;
    *out = v;
    return NULL;
}

// A signed varint: as unsigned, but bit 6 of the first group is the sign.
// Leading groups may repeat the sign, so no canonical form is enforced.
static const char *read_svint(const uint8_t *data, size_t len, size_t *pos, int64_t *out) {
    size_t p = *pos;
    if (p >= len) {
        return "truncated varint";
    }
    int64_t v = (data[p] & 0x40) ? -1 : 0;
    for (int n = 0;; n++) {
        if (p >= len) {
            return "truncated varint";
        }
        if (n == 9) {
            return "varint too large";
        }
        uint8_t b = data[p++];
        v = (int64_t)((uint64_t)v << 7) | (b & 0x7f);
        if ((b & 0x80) == 0) {
            break;
        }
    }
    *pos = p;
    *out = v;
    return NULL;
}

// Jump offsets: one byte with bit 7 clear, or two bytes (low 7 bits first).
// Signed jumps are biased by 0x40 / 0x4000.
static const char *read_jump(const uint8_t *code, size_t len, size_t *pos, bool is_signed, int64_t *out) {
    size_t p = *pos;
    if (p >= len) {
        return "truncated jump offset";
    }
    if ((code[p] & 0x80) == 0) {
        *out = (int64_t)code[p] - (is_signed ? 0x40 : 0);
        *pos = p + 1;
        return NULL;
    }
    if (p + 1 >= len) {
        return "truncated jump offset";
    }
    *out = (int64_t)((code[p] & 0x7f) | ((uint32_t)code[p + 1] << 7)) - (is_signed ? 0x4000 : 0);
    *pos = p + 2;
    return NULL;
}

static void decode_multi(uint8_t op, mpy_insn_t *out) {
    if ((unsigned)(op - MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST) < MPY_OP_LOAD_CONST_SMALL_INT_MULTI_COUNT) {
        out->sarg = (int64_t)op - MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST - 16;
        out->arg = 0;
    } else if ((unsigned)(op - MPY_OP_LOAD_FAST_MULTI_FIRST) < MPY_OP_LOAD_FAST_MULTI_COUNT) {
        out->arg = (uint64_t)(op - MPY_OP_LOAD_FAST_MULTI_FIRST);
    } else if ((unsigned)(op - MPY_OP_STORE_FAST_MULTI_FIRST) < MPY_OP_STORE_FAST_MULTI_COUNT) {
        out->arg = (uint64_t)(op - MPY_OP_STORE_FAST_MULTI_FIRST);
    } else if ((unsigned)(op - MPY_OP_UNARY_OP_MULTI_FIRST) < MPY_OP_UNARY_OP_MULTI_COUNT) {
        out->arg = (uint64_t)(op - MPY_OP_UNARY_OP_MULTI_FIRST);
    } else {
        out->arg = (uint64_t)(op - MPY_OP_BINARY_OP_MULTI_FIRST);
    }
}

static const char *decode_operand(const uint8_t *code, size_t len, size_t *p, mpy_insn_t *out) {
    const char *why = NULL;
    switch (out->fmt) {
        case MPY_FMT_QSTR:
        case MPY_FMT_UINT:
        case MPY_FMT_CONST:
        case MPY_FMT_CHILD:
        case MPY_FMT_CHILD_X:
            why = mpy_read_vuint(code, len, p, &out->arg);
            break;
        case MPY_FMT_SINT:
            why = read_svint(code, len, p, &out->sarg);
            break;
        case MPY_FMT_JUMP:
        case MPY_FMT_SJUMP:
        case MPY_FMT_SJUMP_X:
            why = read_jump(code, len, p, out->fmt != MPY_FMT_JUMP, &out->sarg);
            out->is_jump = true;
            // Relative to the end of the offset, before UNWIND_JUMP's count
            // byte (the VM adds it to ip right after decoding the label).
            out->target = (int64_t)*p + out->sarg;
            break;
        default:
            break;
    }
    return why;
}

const char *mpy_insn_decode(const uint8_t *code, size_t len, size_t pos, mpy_insn_t *out) {
    memset(out, 0, sizeof(*out));
    if (pos >= len) {
        return "truncated instruction";
    }
    uint8_t op = code[pos];
    out->op = op;
    out->fmt = mpy_op_format(op);
    if (out->fmt == MPY_FMT_INVALID) {
        return "unknown opcode";
    }
    if (op_rows[op].name == NULL) {
        decode_multi(op, out);
    }
    size_t p = pos + 1;
    const char *why = decode_operand(code, len, &p, out);
    if (why != NULL) {
        return why;
    }
    if (out->fmt == MPY_FMT_CHILD_X || out->fmt == MPY_FMT_SJUMP_X) {
        if (p >= len) {
            return "truncated instruction";
        }
        out->extra = code[p++];
    }
    out->len = p - pos;
    return NULL;
}
