// emitters/dis_x86.c: turns x86 and x86-64 machine code back into text.
// Which instruction the bytes are is the business of x86_insns.def; this
// file reads the parts every instruction shares (prefixes, REX, ModRM, SIB,
// displacement, immediate: Intel SDM vol. 2, chapter 2) and formats the
// operands the way GNU objdump -M intel does.
#include "dis_x86.h"

#include <inttypes.h>
#include <string.h>

const x86_row_t x86_insn_table[X86_NUM_OPS] = {
#define X86(name, mnemonic, opcode, mask, ext, osz, flag, op1, op2, op3) \
    {mnemonic, opcode, mask, ext, X86_OSZ_##osz, X86_F_##flag, {X86_OPND_##op1, X86_OPND_##op2, X86_OPND_##op3}},
#include "x86_insns.def"
#undef X86
};

// The first matching row wins: the specific rows must precede the general
// ones they share an opcode with.
_Static_assert(X86_OP_NOP < X86_OP_XCHG_ZV_RAX, "nop before xchg r, rax");
_Static_assert(X86_OP_MOVABS_ZV_IV < X86_OP_MOV_ZV_IV, "movabs before mov r, imm");
_Static_assert(X86_OP_PUSHW_IZ < X86_OP_PUSH_IZ && X86_OP_PUSHW_IBS < X86_OP_PUSH_IBS, "pushw before push");
_Static_assert(X86_OP_RETW_IW < X86_OP_RET_IW && X86_OP_RETW < X86_OP_RET, "retw before ret");
_Static_assert(X86_OP_LEAVEW < X86_OP_LEAVE, "leavew before leave");

// REX = 0100WRXB (SDM 2.2.1): W 64-bit operand, R extends ModRM.reg, X
// extends SIB.index, B extends ModRM.rm, SIB.base or the opcode register.
#define REX_W(rex) (((rex) >> 3) & 1u)
#define REX_R(rex) (((rex) >> 2) & 1u)
#define REX_X(rex) (((rex) >> 1) & 1u)
#define REX_B(rex) ((rex) & 1u)

enum {
    PREFIX_OPSIZE = 0x66,
    ESCAPE_0F = 0x0f,
    // objdump shows up to 7 bytes on a line; we keep its column.
    BYTES_COLUMN = 7,
};

static const char *const reg64_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const reg32_names[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};

static const char *const reg16_names[16] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};

// Byte registers 4..7 are ah..bh without a REX prefix and spl..dil with
// one (SDM 3.7.2.1).
static const char *const reg8_rex_names[16] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};

static const char *const reg8_legacy_names[8] = {
    "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh",
};

// Condition codes in the low nibble of Jcc, SETcc and CMOVcc (SDM
// appendix B.1.4.7), spelt as objdump spells them.
static const char *const cc_names[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a",
    "s", "ns", "p", "np", "l", "ge", "le", "g",
};

// ---------------------------------------------------------------------------
// Reading bytes.

typedef struct reader {
    const uint8_t *code;
    size_t len;
    size_t pos;
    bool is_short;   // something was read at or beyond len
} reader_t;

static uint8_t next_byte(reader_t *r) {
    if (r->pos >= r->len) {
        r->is_short = true;
        return 0;
    }
    return r->code[r->pos++];
}

static int peek_byte(const reader_t *r) {
    return r->pos < r->len ? r->code[r->pos] : -1;
}

// n (0, 1, 2, 4 or 8) little-endian bytes, sign-extended.
static int64_t next_signed(reader_t *r, unsigned n) {
    if (n == 0) {
        return 0;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)next_byte(r) << (8 * i);
    }
    unsigned unused = 64 - 8 * n;
    return (int64_t)(v << unused) >> unused;
}

// ---------------------------------------------------------------------------
// Matching a row.

static bool is_modrm_operand(uint8_t kind) {
    return kind == X86_OPND_EB || kind == X86_OPND_EW || kind == X86_OPND_ED || kind == X86_OPND_EV
        || kind == X86_OPND_GB || kind == X86_OPND_GV || kind == X86_OPND_M;
}

static bool row_has_modrm(const x86_row_t *row) {
    if (row->ext >= 0) {
        return true;
    }
    for (int i = 0; i < X86_MAX_OPERANDS; i++) {
        if (is_modrm_operand(row->opnd[i])) {
            return true;
        }
    }
    return false;
}

static bool row_has_operand(const x86_row_t *row, x86_opnd_t kind) {
    for (int i = 0; i < X86_MAX_OPERANDS; i++) {
        if (row->opnd[i] == kind) {
            return true;
        }
    }
    return false;
}

// Operand size (SDM 2.2.1.2): REX.W wins over 0x66; some instructions
// default to 64 bits in 64-bit mode.
static unsigned operand_size(const x86_insn_t *in, bool is_d64) {
    if (in->is_64bit && REX_W(in->rex)) {
        return 64;
    }
    if (in->has_opsize) {
        return 16;
    }
    return in->is_64bit && is_d64 ? 64 : 32;
}

// Whether the mode and the prefixes allow the row.
static bool row_allows(const x86_row_t *row, const x86_insn_t *in) {
    static const unsigned osz_bits[] = {
        [X86_OSZ_ANY] = 0, [X86_OSZ_16] = 16, [X86_OSZ_32] = 32, [X86_OSZ_64] = 64,
    };
    if ((row->flag == X86_F_NO64 && in->is_64bit) || (row->flag == X86_F_ONLY64 && !in->is_64bit)) {
        return false;
    }
    if (row->flag == X86_F_BARE && (in->has_opsize || REX_B(in->rex) != 0)) {
        return false;
    }
    // Processors disagree on near branches with 0x66 (x86_insns.def).
    if (in->has_opsize && row_has_operand(row, X86_OPND_JZ)) {
        return false;
    }
    return row->osz == X86_OSZ_ANY || operand_size(in, false) == osz_bits[row->osz];
}

// opcode is 0x00XX or 0x0fXX; modrm the byte after it, -1 past the end.
static bool row_matches(const x86_row_t *row, const x86_insn_t *in, unsigned opcode, int modrm) {
    if (((opcode ^ row->opcode) & (0xff00u | row->mask)) != 0 || !row_allows(row, in)) {
        return false;
    }
    if (row->ext >= 0 && (modrm < 0 || ((modrm >> 3) & 7) != row->ext)) {
        return false;
    }
    return !(row_has_operand(row, X86_OPND_M) && modrm >= 0 && (modrm >> 6) == 3);
}

static x86_op_t find_row(const x86_insn_t *in, unsigned opcode, int modrm) {
    for (int op = 0; op < X86_NUM_OPS; op++) {
        if (row_matches(&x86_insn_table[op], in, opcode, modrm)) {
            return (x86_op_t)op;
        }
    }
    return X86_NUM_OPS;
}

// ---------------------------------------------------------------------------
// Decoding the parts.

// Only the operand-size prefix is supported among the legacy prefixes; REX
// must come last, right before the opcode (SDM 2.2.1).
static void read_prefixes(reader_t *r, x86_insn_t *in) {
    while (peek_byte(r) == PREFIX_OPSIZE) {
        in->has_opsize = true;
        r->pos++;
    }
    if (in->is_64bit && (peek_byte(r) & 0xf0) == 0x40) {
        in->rex = next_byte(r);
    }
}

static unsigned read_opcode(reader_t *r) {
    unsigned b = next_byte(r);
    if (b == ESCAPE_0F) {
        return (unsigned)ESCAPE_0F << 8 | next_byte(r);
    }
    return b;
}

// SIB (SDM table 2-3): index 100 without REX.X means none; base 101 with
// mod 00 means no base and a disp32.
static void read_sib(reader_t *r, x86_insn_t *in) {
    uint8_t sib = next_byte(r);
    in->has_sib = true;
    in->scale = sib >> 6;
    unsigned index = ((sib >> 3) & 7u) | REX_X(in->rex) << 3;
    in->index = index == 4 ? -1 : (int8_t)index;
    if ((sib & 7) == 5 && in->mod == 0) {
        in->base = -1;
    } else {
        in->base = (int8_t)((sib & 7u) | REX_B(in->rex) << 3);
    }
}

// ModRM (SDM tables 2-2 and 2-3, 2.2.1.6): mod 11 is a register; otherwise
// rm 100 brings a SIB, mod 00 rm 101 is rip-relative in 64-bit mode and an
// absolute disp32 in 32-bit mode, mod 01 adds a disp8 and mod 10 a disp32.
static void read_modrm(reader_t *r, x86_insn_t *in) {
    uint8_t modrm = next_byte(r);
    in->mod = modrm >> 6;
    in->reg = (uint8_t)(((modrm >> 3) & 7u) | REX_R(in->rex) << 3);
    unsigned rm = modrm & 7u;
    if (in->mod == 3) {
        in->rm = (uint8_t)(rm | REX_B(in->rex) << 3);
        return;
    }
    unsigned disp_size = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
    if (rm == 4) {
        read_sib(r, in);
        if (in->base < 0) {
            disp_size = 4;
        }
    } else if (in->mod == 0 && rm == 5) {
        in->is_rip = in->is_64bit;
        disp_size = 4;
    } else {
        in->base = (int8_t)(rm | REX_B(in->rex) << 3);
    }
    in->disp = (int32_t)next_signed(r, disp_size);
}

// The immediate or branch offset an operand kind carries, if any.
static void read_operand_bytes(reader_t *r, x86_insn_t *in, uint8_t kind) {
    switch ((x86_opnd_t)kind) {
        case X86_OPND_IB:
            in->imm = next_byte(r);
            break;
        case X86_OPND_IBS:
            in->imm = next_signed(r, 1);
            break;
        case X86_OPND_IW:
            in->imm = (uint16_t)next_signed(r, 2);
            break;
        case X86_OPND_IZ:
            in->imm = next_signed(r, in->osize == 16 ? 2 : 4);
            break;
        case X86_OPND_IV:
            in->imm = next_signed(r, in->osize / 8);
            break;
        case X86_OPND_JB:
            in->rel = next_signed(r, 1);
            break;
        case X86_OPND_JZ:
            in->rel = next_signed(r, 4);   // rows with JZ refuse 0x66
            break;
        default:
            break;
    }
}

size_t dis_x86_decode(const uint8_t *code, size_t len, bool is_64bit, x86_insn_t *out) {
    memset(out, 0, sizeof(*out));
    out->op = X86_NUM_OPS;
    out->is_64bit = is_64bit;
    out->base = -1;
    out->index = -1;
    reader_t r = {code, len, 0, false};
    read_prefixes(&r, out);
    unsigned opcode = read_opcode(&r);
    x86_op_t op = find_row(out, opcode, peek_byte(&r));
    if (r.is_short || op == X86_NUM_OPS) {
        return 0;
    }
    const x86_row_t *row = &x86_insn_table[op];
    out->opcode = (uint8_t)opcode;
    out->osize = operand_size(out, row->flag == X86_F_D64);
    if (row_has_modrm(row)) {
        read_modrm(&r, out);
    }
    for (int i = 0; i < X86_MAX_OPERANDS; i++) {
        read_operand_bytes(&r, out, row->opnd[i]);
    }
    if (r.is_short) {
        return 0;
    }
    out->op = op;
    out->len = r.pos;
    return r.pos;
}

// ---------------------------------------------------------------------------
// Formatting.

static const char *reg_name(const x86_insn_t *in, unsigned bits, unsigned n) {
    switch (bits) {
        case 8:
            return in->rex != 0 ? reg8_rex_names[n & 15] : reg8_legacy_names[n & 7];
        case 16:
            return reg16_names[n & 15];
        case 32:
            return reg32_names[n & 15];
        default:
            return reg64_names[n & 15];
    }
}

// Bits of an operand; 0 for lea's memory, which has no size.
static unsigned operand_bits(const x86_insn_t *in, uint8_t kind) {
    switch ((x86_opnd_t)kind) {
        case X86_OPND_EB:
        case X86_OPND_GB:
        case X86_OPND_ZB:
        case X86_OPND_AL:
            return 8;
        case X86_OPND_EW:
            return 16;
        case X86_OPND_ED:
            return 32;
        case X86_OPND_M:
            return 0;
        default:
            return in->osize;
    }
}

static uint64_t truncate_to(int64_t v, unsigned bits) {
    return bits >= 64 ? (uint64_t)v : (uint64_t)v & ((UINT64_C(1) << bits) - 1);
}

static void put_signed_hex(buf_t *out, int64_t v) {
    uint64_t magnitude = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    buf_printf(out, "%c0x%" PRIx64, v < 0 ? '-' : '+', magnitude);
}

static const char *ptr_name(unsigned bits) {
    switch (bits) {
        case 8: return "byte ptr ";
        case 16: return "word ptr ";
        case 32: return "dword ptr ";
        case 64: return "qword ptr ";
        default: return "";
    }
}

// objdump shows an index of "none" as riz/eiz when the SIB byte says
// something a plain [base] would not: a scale, or a base other than rsp.
static bool shows_zero_index(const x86_insn_t *in) {
    return in->has_sib && in->index < 0 && (in->scale != 0 || (in->base >= 0 && (in->base & 7) != 4));
}

// [base+index*scale+disp], [rip+disp] or ds:disp (no base, no index).
static void put_memory(buf_t *out, const x86_insn_t *in, unsigned bits) {
    buf_str(out, ptr_name(bits));
    bool has_index = in->index >= 0 || shows_zero_index(in);
    if (in->is_rip) {
        buf_str(out, "[rip");
    } else if (in->base < 0 && !has_index) {
        buf_printf(out, "ds:0x%" PRIx64, truncate_to(in->disp, in->is_64bit ? 64 : 32));
        return;
    } else {
        buf_byte(out, '[');
    }
    const char *const *addr_regs = in->is_64bit ? reg64_names : reg32_names;
    if (in->base >= 0) {
        buf_str(out, addr_regs[in->base]);
    }
    if (has_index) {
        const char *zero = in->is_64bit ? "riz" : "eiz";
        buf_printf(out, "%s%s*%u", in->base >= 0 ? "+" : "", in->index >= 0 ? addr_regs[in->index] : zero,
            1u << in->scale);
    }
    if (in->mod != 0 || in->base < 0) {
        put_signed_hex(out, in->disp);
    }
    buf_byte(out, ']');
}

static void put_rm(buf_t *out, const x86_insn_t *in, unsigned bits) {
    if (in->mod == 3) {
        buf_str(out, reg_name(in, bits, in->rm));
    } else {
        put_memory(out, in, bits);
    }
}

static void put_target(buf_t *out, const x86_insn_t *in, uint64_t addr) {
    uint64_t target = addr + in->len + (uint64_t)in->rel;
    buf_printf(out, "0x%" PRIx64, in->is_64bit ? target : (uint32_t)target);
}

static void put_operand(buf_t *out, const x86_insn_t *in, uint8_t kind, uint64_t addr) {
    unsigned bits = operand_bits(in, kind);
    switch ((x86_opnd_t)kind) {
        case X86_OPND_EB:
        case X86_OPND_EW:
        case X86_OPND_ED:
        case X86_OPND_EV:
        case X86_OPND_M:
            put_rm(out, in, bits);
            break;
        case X86_OPND_GB:
        case X86_OPND_GV:
            buf_str(out, reg_name(in, bits, in->reg));
            break;
        case X86_OPND_ZB:
        case X86_OPND_ZV:
            buf_str(out, reg_name(in, bits, (in->opcode & 7u) | REX_B(in->rex) << 3));
            break;
        case X86_OPND_AL:
        case X86_OPND_RAX:
            buf_str(out, reg_name(in, bits, 0));
            break;
        case X86_OPND_CL:
            buf_str(out, "cl");
            break;
        case X86_OPND_ONE:
            buf_str(out, "1");
            break;
        case X86_OPND_IB:
        case X86_OPND_IW:
        case X86_OPND_IBS:
        case X86_OPND_IZ:
        case X86_OPND_IV:
            buf_printf(out, "0x%" PRIx64, truncate_to(in->imm, bits));
            break;
        case X86_OPND_JB:
        case X86_OPND_JZ:
            put_target(out, in, addr);
            break;
        case X86_OPND_NONE:
            break;
    }
}

void dis_x86_format(const x86_insn_t *insn, uint64_t addr, buf_t *out) {
    const x86_row_t *row = &x86_insn_table[insn->op];
    buf_str(out, row->mnemonic);
    if (row->flag == X86_F_CC) {
        buf_str(out, cc_names[insn->opcode & 15]);
    }
    for (int i = 0; i < X86_MAX_OPERANDS && row->opnd[i] != X86_OPND_NONE; i++) {
        buf_str(out, i == 0 ? "\t" : ", ");
        put_operand(out, insn, row->opnd[i], addr);
    }
    if (insn->is_rip) {
        // objdump's comment: the address the rip-relative operand means.
        buf_printf(out, "  # 0x%" PRIx64, addr + insn->len + (uint64_t)(int64_t)insn->disp);
    }
}

static void put_address_and_bytes(buf_t *out, uint64_t addr, const uint8_t *code, size_t n) {
    buf_printf(out, "%5" PRIx64 ":\t", addr);
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%02x ", code[i]);
    }
    for (size_t i = n; i < BYTES_COLUMN; i++) {
        buf_str(out, "   ");
    }
    buf_byte(out, '\t');
}

void dis_x86(const uint8_t *code, size_t len, bool is_64bit, uint64_t base_addr, buf_t *out) {
    size_t pos = 0;
    while (pos < len) {
        x86_insn_t insn;
        size_t n = dis_x86_decode(code + pos, len - pos, is_64bit, &insn);
        uint64_t addr = base_addr + pos;
        put_address_and_bytes(out, addr, code + pos, n == 0 ? 1 : n);
        if (n == 0) {
            buf_printf(out, ".byte\t0x%02x\n", code[pos]);
            pos++;
            continue;
        }
        dis_x86_format(&insn, addr, out);
        buf_byte(out, '\n');
        pos += n;
    }
}
