// tests/emitters/test_dis_x86.c: the x86/x64 disassembler. Bytes to text
// for each kind of instruction, every row of x86_insns.def decoding back
// to itself, and agreement with GNU objdump on everything the assemblers
// emit and on the native goldens of the corpus (a sample; all of it when
// MPY_DIS_X86_FULL is set).
#include <glob.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "emitters/asm_x64.h"
#include "emitters/asm_x86.h"
#include "emitters/dis_x86.h"
#include "mpyformat/mpyformat.h"

// ---------------------------------------------------------------------------
// Bytes to text.

typedef struct dis_case {
    bool is_64bit;
    const char *hex;    // the instruction's bytes, "48 89 c7"
    const char *text;   // what dis_x86_format writes at address 0x100
} dis_case_t;

static const dis_case_t cases[] = {
    // Register-register ALU operations (MR form) with and without REX.
    {true, "48 89 c7", "mov\trdi, rax"},
    {true, "4c 89 ef", "mov\trdi, r13"},
    {true, "49 89 fd", "mov\tr13, rdi"},
    {true, "48 01 d8", "add\trax, rbx"},
    {true, "4d 29 c8", "sub\tr8, r9"},
    {true, "48 21 c8", "and\trax, rcx"},
    {true, "48 09 c8", "or\trax, rcx"},
    {true, "48 31 c0", "xor\trax, rax"},
    {false, "31 c0", "xor\teax, eax"},
    {true, "48 39 c3", "cmp\trbx, rax"},
    {true, "48 85 c0", "test\trax, rax"},
    {true, "84 c0", "test\tal, al"},
    {false, "84 e0", "test\tal, ah"},
    {true, "48 f7 d0", "not\trax"},
    {true, "49 f7 dc", "neg\tr12"},
    {true, "48 d3 e0", "shl\trax, cl"},
    {true, "48 d3 e8", "shr\trax, cl"},
    {false, "d3 f8", "sar\teax, cl"},
    {false, "c1 e0 03", "shl\teax, 0x3"},
    {false, "d1 e8", "shr\teax, 1"},
    {true, "48 0f af c3", "imul\trax, rbx"},
    {true, "4c 0f af c7", "imul\tr8, rdi"},
    {false, "6b c0 fd", "imul\teax, eax, 0xfffffffd"},
    {true, "48 87 d8", "xchg\trax, rbx"},
    // Immediates: imm8 sign-extended to the operand size, imm32, imm64.
    {true, "48 83 ec 58", "sub\trsp, 0x58"},
    {true, "48 83 ec a8", "sub\trsp, 0xffffffffffffffa8"},
    {false, "83 ec a8", "sub\tesp, 0xffffffa8"},
    {true, "48 81 ec 00 01 00 00", "sub\trsp, 0x100"},
    {false, "81 c4 00 fe ff ff", "add\tesp, 0xfffffe00"},
    {true, "bf 06 00 00 00", "mov\tedi, 0x6"},
    {true, "41 b8 ff ff ff ff", "mov\tr8d, 0xffffffff"},
    {true, "48 b8 01 02 03 04 05 06 07 08", "movabs\trax, 0x807060504030201"},
    {true, "49 bf 00 00 00 00 01 00 00 00", "movabs\tr15, 0x100000000"},
    {true, "48 c7 c0 ff ff ff ff", "mov\trax, 0xffffffffffffffff"},
    {true, "b0 7f", "mov\tal, 0x7f"},
    {true, "a9 00 01 00 00", "test\teax, 0x100"},
    {true, "3c 01", "cmp\tal, 0x1"},
    {true, "66 83 f8 ff", "cmp\tax, 0xffff"},
    // Memory operands: disp0/8/32, SIB for rsp/r12, rbp/r13 with disp8 0.
    {true, "48 8b 07", "mov\trax, qword ptr [rdi]"},
    {true, "48 8b 6f 08", "mov\trbp, qword ptr [rdi+0x8]"},
    {true, "48 8b 6d 00", "mov\trbp, qword ptr [rbp+0x0]"},
    {true, "4d 8b 6d 00", "mov\tr13, qword ptr [r13+0x0]"},
    {true, "48 8b 85 68 01 00 00", "mov\trax, qword ptr [rbp+0x168]"},
    {true, "48 8b 44 24 f8", "mov\trax, qword ptr [rsp-0x8]"},
    {true, "49 8b 04 24", "mov\trax, qword ptr [r12]"},
    {true, "48 89 3c 24", "mov\tqword ptr [rsp], rdi"},
    {true, "89 44 24 10", "mov\tdword ptr [rsp+0x10], eax"},
    {true, "66 89 44 24 04", "mov\tword ptr [rsp+0x4], ax"},
    {true, "88 24 24", "mov\tbyte ptr [rsp], ah"},
    {true, "40 88 37", "mov\tbyte ptr [rdi], sil"},
    {true, "44 88 07", "mov\tbyte ptr [rdi], r8b"},
    {false, "8b 45 08", "mov\teax, dword ptr [ebp+0x8]"},
    {false, "8b 84 24 00 01 00 00", "mov\teax, dword ptr [esp+0x100]"},
    {true, "8b 04 98", "mov\teax, dword ptr [rax+rbx*4]"},
    {true, "8b 04 85 10 00 00 00", "mov\teax, dword ptr [rax*4+0x10]"},
    {true, "8b 04 25 10 00 00 00", "mov\teax, dword ptr ds:0x10"},
    {false, "a1 10 00 00 00", NULL},
    {false, "8b 05 10 00 00 00", "mov\teax, dword ptr ds:0x10"},
    {true, "8b 04 20", "mov\teax, dword ptr [rax+riz*1]"},
    {true, "c6 07 01", "mov\tbyte ptr [rdi], 0x1"},
    {true, "48 c7 47 08 00 00 00 00", "mov\tqword ptr [rdi+0x8], 0x0"},
    {true, "80 7f 01 ff", "cmp\tbyte ptr [rdi+0x1], 0xff"},
    // movzx / movsx / movsxd, lea, rip-relative.
    {true, "0f b6 47 08", "movzx\teax, byte ptr [rdi+0x8]"},
    {true, "44 0f b7 47 08", "movzx\tr8d, word ptr [rdi+0x8]"},
    {true, "0f b6 c0", "movzx\teax, al"},
    {true, "48 0f be c0", "movsx\trax, al"},
    {true, "48 0f bf 07", "movsx\trax, word ptr [rdi]"},
    {true, "48 63 c1", "movsxd\trax, ecx"},
    {true, "48 8d 74 24 28", "lea\trsi, [rsp+0x28]"},
    {false, "8d 74 24 28", "lea\tesi, [esp+0x28]"},
    {true, "48 8d 05 10 00 00 00", "lea\trax, [rip+0x10]  # 0x117"},
    {true, "4c 8d 2d f9 ff ff ff", "lea\tr13, [rip-0x7]  # 0x100"},
    // Branches: targets from address 0x100.
    {true, "eb fe", "jmp\t0x100"},
    {true, "e9 00 00 00 00", "jmp\t0x105"},
    {false, "e8 00 00 00 00", "call\t0x105"},
    {true, "74 10", "je\t0x112"},
    {true, "7c f0", "jl\t0xf2"},
    {true, "0f 85 00 01 00 00", "jne\t0x206"},
    {false, "0f 8f fa fe ff ff", "jg\t0x0"},
    {false, "0f 8e f9 fe ff ff", "jle\t0xffffffff"},
    {true, "ff d0", "call\trax"},
    {true, "41 ff d3", "call\tr11"},
    {false, "ff d0", "call\teax"},
    {true, "ff 55 08", "call\tqword ptr [rbp+0x8]"},
    {false, "ff 55 08", "call\tdword ptr [ebp+0x8]"},
    {true, "ff e0", "jmp\trax"},
    {false, "ff e2", "jmp\tedx"},
    // setcc and cmov.
    {true, "0f 94 c0", "sete\tal"},
    {true, "0f 9c c4", "setl\tah"},
    {true, "41 0f 92 c0", "setb\tr8b"},
    {false, "0f 97 c3", "seta\tbl"},
    {true, "48 0f 4d c1", "cmovge\trax, rcx"},
    // push/pop, one-byte instructions, size-dependent mnemonics.
    {true, "55", "push\trbp"},
    {true, "41 55", "push\tr13"},
    {true, "41 5c", "pop\tr12"},
    {false, "5d", "pop\tebp"},
    {true, "6a ff", "push\t0xffffffffffffffff"},
    {false, "6a ff", "push\t0xffffffff"},
    {false, "68 00 01 00 00", "push\t0x100"},
    {true, "ff 77 08", "push\tqword ptr [rdi+0x8]"},
    {true, "90", "nop"},
    {true, "48 90", "nop"},
    {true, "41 90", "xchg\tr8d, eax"},
    {true, "66 90", "xchg\tax, ax"},
    {true, "66 c3", "retw"},
    {false, "66 6a ff", "pushw\t0xffff"},
    {true, "66 ff d0", "call\tax"},
    {true, "c3", "ret"},
    {false, "c2 08 00", "ret\t0x8"},
    {true, "cc", "int3"},
    {false, "cd 80", "int\t0x80"},
    {true, "c9", "leave"},
    {true, "0f 1f 44 00 00", "nop\tdword ptr [rax+rax*1+0x0]"},
    {true, "0f 0b", "ud2"},
    {false, "98", "cwde"},
    {true, "48 98", "cdqe"},
    {false, "99", "cdq"},
    {true, "48 99", "cqo"},
    {false, "48", "dec\teax"},
    {false, "41", "inc\tecx"},
    {true, "00 00", "add\tbyte ptr [rax], al"},
    // Not decodable: unknown opcodes, unsupported prefixes, cut off.
    {true, "06", NULL},
    {true, "f3 c3", NULL},
    {true, "48", NULL},
    {true, "48 8b", NULL},
    {true, "48 8b 44 24", NULL},
    {true, "e9 00 00 00", NULL},
    {false, "63 c1", NULL},
    {true, "66 e8 00 00 00 00", NULL},
    {false, "66 0f 84 00 00", NULL},
    {true, "8d c0", NULL},
};

static size_t parse_hex(const char *hex, uint8_t *out, size_t cap) {
    size_t n = 0;
    for (const char *p = hex; *p != '\0';) {
        char *end;
        unsigned long b = strtoul(p, &end, 16);
        if (end == p) {
            break;
        }
        assert_true(n < cap);
        out[n++] = (uint8_t)b;
        p = end;
    }
    return n;
}

static void test_each_case_decodes_to_its_text(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const dis_case_t *c = &cases[i];
        uint8_t bytes[16];
        size_t n = parse_hex(c->hex, bytes, sizeof(bytes));
        x86_insn_t insn;
        size_t got = dis_x86_decode(bytes, n, c->is_64bit, &insn);
        if (c->text == NULL) {
            if (got != 0) {
                fail_msg("%s (%s) decoded as %s", c->hex, c->is_64bit ? "x64" : "x86",
                    x86_insn_table[insn.op].mnemonic);
            }
            assert_int_equal(insn.op, X86_NUM_OPS);
            continue;
        }
        if (got != n) {
            fail_msg("%s (%s): decoded %zu of %zu bytes", c->hex, c->is_64bit ? "x64" : "x86", got, n);
        }
        buf_t text;
        buf_init(&text);
        dis_x86_format(&insn, 0x100, &text);
        buf_byte(&text, 0);
        if (strcmp((const char *)text.data, c->text) != 0) {
            fail_msg("%s (%s): got \"%s\", want \"%s\"", c->hex, c->is_64bit ? "x64" : "x86",
                (const char *)text.data, c->text);
        }
        buf_deinit(&text);
    }
}

static void test_listing_has_address_bytes_and_text_columns(void **state) {
    (void)state;
    static const uint8_t code[] = {0x55, 0x48, 0x89, 0xe5, 0x06, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 0xc3, 0x0f};
    buf_t out;
    buf_init(&out);
    dis_x86(code, sizeof(code), true, 0x1a, &out);
    buf_byte(&out, 0);
    assert_string_equal((const char *)out.data,
        "   1a:\t55                   \tpush\trbp\n"
        "   1b:\t48 89 e5             \tmov\trbp, rsp\n"
        "   1e:\t06                   \t.byte\t0x06\n"
        "   1f:\t48 b8 01 02 03 04 05 06 07 08 \tmovabs\trax, 0x807060504030201\n"
        "   29:\tc3                   \tret\n"
        "   2a:\t0f                   \t.byte\t0x0f\n");
    buf_deinit(&out);
}

// Random bytes in buffers of their exact size (so the sanitizer build sees
// any read past the end): a decoded length never exceeds the buffer, and
// the whole listing is one line per instruction or .byte.
static void test_random_bytes_never_read_past_the_end(void **state) {
    (void)state;
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        size_t len = 1 + round % 16;
        uint8_t *code = malloc(len);
        assert_non_null(code);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            code[i] = (uint8_t)(seed >> 16);
        }
        for (int mode = 0; mode < 2; mode++) {
            x86_insn_t insn;
            size_t n = dis_x86_decode(code, len, mode == 1, &insn);
            assert_true(n <= len);
            assert_int_equal(n == 0, insn.op == X86_NUM_OPS);
            buf_t out;
            buf_init(&out);
            dis_x86(code, len, mode == 1, 0, &out);
            assert_false(out.failed);
            buf_deinit(&out);
        }
        free(code);
    }
}

// ---------------------------------------------------------------------------
// Every row decodes back to itself: encode it (register or condition 1 in
// the opcode, ModRM reg = its extension or 2, rm = 3 or [rbx+0x10] for
// memory-only operands, then its immediates) and decode.

static bool row_has(const x86_row_t *row, x86_opnd_t kind) {
    for (int i = 0; i < X86_MAX_OPERANDS; i++) {
        if (row->opnd[i] == kind) {
            return true;
        }
    }
    return false;
}

static bool row_has_modrm(const x86_row_t *row) {
    return row->ext >= 0 || row_has(row, X86_OPND_EB) || row_has(row, X86_OPND_EW) || row_has(row, X86_OPND_ED)
        || row_has(row, X86_OPND_EV) || row_has(row, X86_OPND_GB) || row_has(row, X86_OPND_GV)
        || row_has(row, X86_OPND_M);
}

static size_t immediate_size(const x86_row_t *row, uint8_t kind) {
    switch ((x86_opnd_t)kind) {
        case X86_OPND_IB:
        case X86_OPND_IBS:
        case X86_OPND_JB:
            return 1;
        case X86_OPND_IW:
            return 2;
        case X86_OPND_IZ:
            return row->osz == X86_OSZ_16 ? 2 : 4;
        case X86_OPND_JZ:
            return 4;
        case X86_OPND_IV:
            return row->osz == X86_OSZ_64 ? 8 : row->osz == X86_OSZ_16 ? 2 : 4;
        default:
            return 0;
    }
}

static size_t encode_row(const x86_row_t *row, uint8_t *out) {
    size_t n = 0;
    if (row->osz == X86_OSZ_16) {
        out[n++] = 0x66;
    } else if (row->osz == X86_OSZ_64) {
        out[n++] = 0x48;
    }
    if (row->opcode >> 8 != 0) {
        out[n++] = (uint8_t)(row->opcode >> 8);
    }
    out[n++] = (uint8_t)((row->opcode & 0xff) | (row->mask != 0xff ? 1 : 0));
    if (row_has_modrm(row)) {
        unsigned reg = row->ext >= 0 ? (unsigned)row->ext : 2;
        bool is_memory = row_has(row, X86_OPND_M);
        out[n++] = (uint8_t)((is_memory ? 0x40 : 0xc0) | reg << 3 | 3);
        if (is_memory) {
            out[n++] = 0x10;
        }
    }
    for (int i = 0; i < X86_MAX_OPERANDS; i++) {
        size_t size = immediate_size(row, row->opnd[i]);
        for (size_t k = 0; k < size; k++) {
            out[n++] = (uint8_t)(0x81 + k);
        }
    }
    return n;
}

static void check_row_in_mode(x86_op_t op, bool is_64bit) {
    const x86_row_t *row = &x86_insn_table[op];
    uint8_t bytes[16];
    size_t n = encode_row(row, bytes);
    x86_insn_t insn;
    size_t got = dis_x86_decode(bytes, n, is_64bit, &insn);
    if (got != n || insn.op != op) {
        fail_msg("row %d (%s, opcode 0x%04x, %s): decoded %zu of %zu bytes as row %d", (int)op, row->mnemonic,
            row->opcode, is_64bit ? "x64" : "x86", got, n, (int)insn.op);
    }
}

static void test_every_row_decodes_back_to_itself(void **state) {
    (void)state;
    for (int op = 0; op < X86_NUM_OPS; op++) {
        const x86_row_t *row = &x86_insn_table[op];
        bool in_32 = row->flag != X86_F_ONLY64 && row->osz != X86_OSZ_64;
        bool in_64 = row->flag != X86_F_NO64;
        if (in_32) {
            check_row_in_mode((x86_op_t)op, false);
        }
        if (in_64) {
            check_row_in_mode((x86_op_t)op, true);
        }
    }
}

// ---------------------------------------------------------------------------
// Comparing with objdump. Blobs of code are written to files, disassembled
// by one shell loop over objdump, and compared instruction by instruction:
// lengths and mnemonics exactly, operands after lower-casing and dropping
// white space and "#" comments. Each blob is compared up to the first byte
// either side cannot decode.

typedef struct blob {
    uint8_t *code;
    size_t len;
    char what[160];   // where the code came from, for messages
} blob_t;

typedef struct blob_set {
    blob_t *items;
    size_t n;
    size_t cap;
} blob_set_t;

typedef struct agreement {
    size_t blobs;
    size_t bytes;
    size_t insns;           // instructions compared
    size_t same_len_mnem;   // same length and mnemonic
    size_t same_operands;   // ... and same normalised operands
    size_t stopped_ours;    // blobs cut short by a byte we do not decode
    size_t stopped_objdump; // blobs cut short by objdump's (bad)
    size_t reported;
} agreement_t;

static void blob_add(blob_set_t *set, const uint8_t *code, size_t len, const char *what) {
    if (set->n == set->cap) {
        set->cap = set->cap * 2 + 64;
        set->items = realloc(set->items, set->cap * sizeof(*set->items));
        assert_non_null(set->items);
    }
    blob_t *b = &set->items[set->n++];
    b->code = malloc(len > 0 ? len : 1);
    assert_non_null(b->code);
    memcpy(b->code, code, len);
    b->len = len;
    snprintf(b->what, sizeof(b->what), "%s", what);
}

static void blob_set_free(blob_set_t *set) {
    for (size_t i = 0; i < set->n; i++) {
        free(set->items[i].code);
    }
    free(set->items);
}

// objdump writes a negative rip displacement as a 64-bit sum
// ("[rip+0xffffffffffffffb1]"); we write "[rip-0x4f]".
static void signed_rip_displacement(char *opnds, size_t cap) {
    char *p = strstr(opnds, "[rip+0x");
    if (p == NULL) {
        return;
    }
    char *end;
    uint64_t v = strtoull(p + 7, &end, 16);
    if (end - (p + 7) != 16 || (int64_t)v >= 0) {
        return;
    }
    char tail[128];
    snprintf(tail, sizeof(tail), "%s", end);
    snprintf(p, cap - (size_t)(p - opnds), "[rip-0x%" PRIx64 "%s", 0 - v, tail);
}

// "mov    rdi,QWORD PTR [rax+0x8]   # x" -> mnemonic "mov", operands
// "rdi,qwordptr[rax+0x8]".
static void normalise(const char *text, char *mnem, size_t mnem_cap, char *opnds, size_t opnds_cap) {
    while (*text == ' ' || *text == '\t') {
        text++;
    }
    size_t m = 0;
    while (*text != '\0' && *text != ' ' && *text != '\t') {
        if (m + 1 < mnem_cap) {
            mnem[m++] = (char)(*text >= 'A' && *text <= 'Z' ? *text + 32 : *text);
        }
        text++;
    }
    mnem[m] = '\0';
    size_t o = 0;
    for (; *text != '\0' && *text != '#' && *text != '\n'; text++) {
        if (*text != ' ' && *text != '\t' && o + 1 < opnds_cap) {
            opnds[o++] = (char)(*text >= 'A' && *text <= 'Z' ? *text + 32 : *text);
        }
    }
    opnds[o] = '\0';
    signed_rip_displacement(opnds, opnds_cap);
}

// One instruction as objdump listed it.
typedef struct od_insn {
    size_t addr;
    size_t len;
    char text[128];
} od_insn_t;

typedef struct od_listing {
    od_insn_t *items;
    size_t n;
    size_t cap;
} od_listing_t;

static void od_add(od_listing_t *l, size_t addr, size_t nbytes, const char *text) {
    if (text == NULL) {
        // A continuation line: more bytes of the previous instruction.
        if (l->n > 0) {
            l->items[l->n - 1].len += nbytes;
        }
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap * 2 + 64;
        l->items = realloc(l->items, l->cap * sizeof(*l->items));
        assert_non_null(l->items);
    }
    od_insn_t *i = &l->items[l->n++];
    i->addr = addr;
    i->len = nbytes;
    snprintf(i->text, sizeof(i->text), "%s", text);
}

// Parses "   1a:\t48 89 c7             \tmov    rdi,rax" (the text part is
// missing on continuation lines). Returns false for other lines.
static bool od_parse_line(char *line, od_listing_t *l) {
    char *colon = strchr(line, ':');
    if (colon == NULL || colon[1] != '\t') {
        return false;
    }
    char *end;
    unsigned long addr = strtoul(line, &end, 16);
    if (end != colon) {
        return false;
    }
    line[strcspn(line, "\n")] = '\0';
    char *bytes = colon + 2;
    char *tab = strchr(bytes, '\t');
    if (tab != NULL) {
        *tab = '\0';
    }
    size_t nbytes = 0;
    for (char *p = bytes; *p != '\0'; p++) {
        if (p[0] != ' ' && (p[1] == ' ' || p[1] == '\0')) {
            nbytes++;
        }
    }
    od_add(l, addr, nbytes, tab != NULL ? tab + 1 : NULL);
    return true;
}

static void report(agreement_t *a, const blob_t *b, size_t pos, const char *ours, const od_insn_t *theirs) {
    a->reported++;
    if (a->reported <= 20) {
        print_error("%s +0x%zx: ours \"%s\", objdump \"%s\" (%zu bytes)\n", b->what, pos, ours, theirs->text,
            theirs->len);
    }
}

static void compare_blob(const blob_t *b, const od_listing_t *l, bool is_64bit, agreement_t *a) {
    a->blobs++;
    a->bytes += b->len;
    size_t pos = 0;
    for (size_t k = 0; k < l->n && pos < b->len; k++) {
        const od_insn_t *theirs = &l->items[k];
        assert_int_equal(theirs->addr, pos);
        x86_insn_t insn;
        size_t n = dis_x86_decode(b->code + pos, b->len - pos, is_64bit, &insn);
        if (n == 0) {
            a->stopped_ours++;
            if (a->stopped_ours <= 5) {
                print_message("%s +0x%zx: stopped at byte 0x%02x, objdump \"%s\"\n", b->what, pos, b->code[pos],
                    theirs->text);
            }
            return;
        }
        if (strstr(theirs->text, "(bad)") != NULL) {
            a->stopped_objdump++;
            return;
        }
        buf_t text;
        buf_init(&text);
        dis_x86_format(&insn, pos, &text);
        buf_byte(&text, 0);
        char m1[32], m2[32], o1[128], o2[128];
        normalise((const char *)text.data, m1, sizeof(m1), o1, sizeof(o1));
        normalise(theirs->text, m2, sizeof(m2), o2, sizeof(o2));
        a->insns++;
        if (n == theirs->len && strcmp(m1, m2) == 0) {
            a->same_len_mnem++;
            a->same_operands += strcmp(o1, o2) == 0;
        }
        if (n != theirs->len || strcmp(m1, m2) != 0 || strcmp(o1, o2) != 0) {
            report(a, b, pos, (const char *)text.data, theirs);
        }
        buf_deinit(&text);
        if (n != theirs->len) {
            return;   // out of step from here on
        }
        pos += n;
    }
    if (pos != b->len) {
        a->reported++;
        print_error("%s: objdump's listing ends at +0x%zx of 0x%zx\n", b->what, pos, b->len);
    }
}

// Reads the listings the shell loop wrote ("@@ NNNNNN.bin" before each
// blob's) and compares each with its blob.
static void compare_listings(FILE *f, const blob_set_t *set, bool is_64bit, agreement_t *a) {
    char line[512];
    od_listing_t listing = {NULL, 0, 0};
    long current = -1;
    size_t n_listings = 0;
    for (;;) {
        bool at_end = fgets(line, sizeof(line), f) == NULL;
        if (at_end || strncmp(line, "@@ ", 3) == 0) {
            if (current >= 0) {
                compare_blob(&set->items[current], &listing, is_64bit, a);
            }
            if (at_end) {
                break;
            }
            current = strtol(line + 3, NULL, 10);
            assert_true(current >= 0 && (size_t)current < set->n);
            listing.n = 0;
            n_listings++;
            continue;
        }
        od_parse_line(line, &listing);
    }
    free(listing.items);
    assert_int_equal(n_listings, set->n);
}

static void write_file(const char *path, const uint8_t *data, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

// Disassembles every blob with objdump and compares it with ours.
static void compare_with_objdump(const blob_set_t *set, bool is_64bit, agreement_t *a) {
    if (system("command -v objdump >/dev/null 2>&1") != 0) {
        fail_msg("GNU objdump not found: install binutils to run this test");
    }
    char dir[] = "/tmp/test_dis_x86_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    for (size_t i = 0; i < set->n; i++) {
        snprintf(path, sizeof(path), "%s/%06zu.bin", dir, i);
        write_file(path, set->items[i].code, set->items[i].len);
    }
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
        "cd %s && for f in *.bin; do echo \"@@ $f\"; objdump -D -z -b binary -m%s -M intel \"$f\"; done > out.txt",
        dir, is_64bit ? "i386:x86-64" : "i386");
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof(path), "%s/out.txt", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    compare_listings(f, set, is_64bit, a);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void print_agreement(const char *what, const agreement_t *a) {
    print_message("%s: %zu blobs, %zu bytes, %zu instructions: %zu same length and mnemonic, %zu same operands; "
                  "stopped early: %zu by our .byte, %zu by objdump (bad)\n",
        what, a->blobs, a->bytes, a->insns, a->same_len_mnem, a->same_operands, a->stopped_ours,
        a->stopped_objdump);
}

// ---------------------------------------------------------------------------
// Everything the assemblers emit: every encoder over every register and
// the displacement and immediate sizes, as one blob per architecture.

static const int32_t disps[] = {0, 8, -8, 127, -128, 128, -129, 0x1000, -0x1000};
static const int ccs[] = {0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0xc, 0xd, 0xe, 0xf};

#define N_DISPS (sizeof(disps) / sizeof(disps[0]))
#define N_CCS (sizeof(ccs) / sizeof(ccs[0]))

static void x64_memory_ops(asm_x64_t *as, int r, int b) {
    for (size_t d = 0; d < N_DISPS; d++) {
        asm_x64_mov_r8_to_mem8(as, r, b, disps[d]);
        asm_x64_mov_r16_to_mem16(as, r, b, disps[d]);
        asm_x64_mov_r32_to_mem32(as, r, b, disps[d]);
        asm_x64_mov_r64_to_mem64(as, r, b, disps[d]);
        asm_x64_mov_mem8_to_r64zx(as, b, disps[d], r);
        asm_x64_mov_mem16_to_r64zx(as, b, disps[d], r);
        asm_x64_mov_mem32_to_r64zx(as, b, disps[d], r);
        asm_x64_mov_mem64_to_r64(as, b, disps[d], r);
        asm_x64_lea_disp_to_r64(as, b, disps[d], r);
    }
}

static void x64_register_ops(asm_x64_t *as, int r, int s) {
    asm_x64_mov_r64_r64(as, r, s);
    asm_x64_and_r64_r64(as, r, s);
    asm_x64_or_r64_r64(as, r, s);
    asm_x64_xor_r64_r64(as, r, s);
    asm_x64_add_r64_r64(as, r, s);
    asm_x64_sub_r64_r64(as, r, s);
    asm_x64_mul_r64_r64(as, r, s);
    asm_x64_cmp_r64_with_r64(as, r, s);
    asm_x64_test_r64_with_r64(as, r, s);
    if (r < 8 && s < 8) {
        asm_x64_test_r8_with_r8(as, r, s);
    }
}

static void x64_single_register_ops(asm_x64_t *as, int r) {
    asm_x64_push_r64(as, r);
    asm_x64_pop_r64(as, r);
    asm_x64_not_r64(as, r);
    asm_x64_neg_r64(as, r);
    asm_x64_shl_r64_cl(as, r);
    asm_x64_shr_r64_cl(as, r);
    asm_x64_sar_r64_cl(as, r);
    asm_x64_mov_i32_to_r64(as, -1, r);
    asm_x64_mov_i64_to_r64(as, INT64_C(0x123456789abcdef0), r);
    asm_x64_mov_i64_to_r64_optimised(as, 0x12345678, r);
    asm_x64_mov_local_to_r64(as, 3, r);
    asm_x64_mov_r64_to_local(as, r, 20);
    asm_x64_mov_local_addr_to_r64(as, 0, r);
    asm_x64_mov_local_addr_to_r64(as, 200, r);
    asm_x64_mov_reg_pcrel(as, r, 0);
    asm_x64_mov_reg_pcrel(as, r, 1);
    asm_x64_call_ind(as, 45, r);
    if (r < 8) {
        asm_x64_sub_r64_i32(as, r, 8);
        asm_x64_sub_r64_i32(as, r, -0x1000);
        asm_x64_jmp_reg(as, r);
        for (size_t c = 0; c < N_CCS; c++) {
            asm_x64_setcc_r8(as, ccs[c], r);
        }
    }
}

static void x64_everything(asm_x64_t *as) {
    asm_x64_label_assign(as, 0);
    asm_x64_entry(as, 6);
    asm_x64_nop(as);
    for (int r = 0; r < 16; r++) {
        x64_single_register_ops(as, r);
        for (int s = 0; s < 16; s++) {
            x64_register_ops(as, r, s);
            x64_memory_ops(as, r, s);
        }
    }
    for (size_t c = 0; c < N_CCS; c++) {
        asm_x64_jcc_label(as, ccs[c], 0);
        asm_x64_jcc_label(as, ccs[c], 1);
        asm_x64_jcc_label(as, ccs[c], 2);
    }
    asm_x64_label_assign(as, 2);
    asm_x64_jmp_label(as, 2);
    asm_x64_jmp_label(as, 0);
    asm_x64_jmp_label(as, 1);
    asm_x64_exit(as);
    asm_x64_label_assign(as, 1);
}

static void x86_register_ops(asm_x86_t *as, int r, int s) {
    asm_x86_mov_r32_r32(as, r, s);
    asm_x86_and_r32_r32(as, r, s);
    asm_x86_or_r32_r32(as, r, s);
    asm_x86_xor_r32_r32(as, r, s);
    asm_x86_add_r32_r32(as, r, s);
    asm_x86_sub_r32_r32(as, r, s);
    asm_x86_mul_r32_r32(as, r, s);
    asm_x86_cmp_r32_with_r32(as, r, s);
    asm_x86_test_r8_with_r8(as, r, s);
    asm_x86_test_r32_with_r32(as, r, s);
    for (size_t d = 0; d < N_DISPS; d++) {
        asm_x86_mov_r8_to_mem8(as, r, s, disps[d]);
        asm_x86_mov_r16_to_mem16(as, r, s, disps[d]);
        asm_x86_mov_r32_to_mem32(as, r, s, disps[d]);
        asm_x86_mov_mem8_to_r32zx(as, s, disps[d], r);
        asm_x86_mov_mem16_to_r32zx(as, s, disps[d], r);
        asm_x86_mov_mem32_to_r32(as, s, disps[d], r);
        asm_x86_lea_disp_to_r32(as, s, disps[d], r);
    }
}

static void x86_single_register_ops(asm_x86_t *as, int r) {
    asm_x86_push_r32(as, r);
    asm_x86_pop_r32(as, r);
    asm_x86_not_r32(as, r);
    asm_x86_neg_r32(as, r);
    asm_x86_shl_r32_cl(as, r);
    asm_x86_shr_r32_cl(as, r);
    asm_x86_sar_r32_cl(as, r);
    asm_x86_mov_i32_to_r32(as, -1, r);
    asm_x86_add_i32_to_r32(as, 8, r);
    asm_x86_add_i32_to_r32(as, 0x1000, r);
    asm_x86_sub_r32_i32(as, r, -8);
    asm_x86_sub_r32_i32(as, r, 0x12345);
    asm_x86_jmp_reg(as, r);
    asm_x86_mov_arg_to_r32(as, 2, r);
    asm_x86_mov_local_to_r32(as, 3, r);
    asm_x86_mov_r32_to_local(as, r, 40);
    asm_x86_mov_local_addr_to_r32(as, 0, r);
    asm_x86_mov_local_addr_to_r32(as, 50, r);
    asm_x86_mov_reg_pcrel(as, r, 0);
    asm_x86_mov_reg_pcrel(as, r, 1);
    for (unsigned n = 0; n <= 4; n++) {
        asm_x86_call_ind(as, 45, n, r);
    }
    for (size_t c = 0; c < N_CCS; c++) {
        asm_x86_setcc_r8(as, ccs[c], r);
    }
}

static void x86_everything(asm_x86_t *as) {
    asm_x86_label_assign(as, 0);
    asm_x86_entry(as, 6);
    asm_x86_nop(as);
    for (int r = 0; r < 8; r++) {
        x86_single_register_ops(as, r);
        for (int s = 0; s < 8; s++) {
            x86_register_ops(as, r, s);
        }
    }
    for (size_t c = 0; c < N_CCS; c++) {
        asm_x86_jcc_label(as, ccs[c], 0);
        asm_x86_jcc_label(as, ccs[c], 1);
        asm_x86_jcc_label(as, ccs[c], 2);
    }
    asm_x86_label_assign(as, 2);
    asm_x86_jmp_label(as, 2);
    asm_x86_jmp_label(as, 0);
    asm_x86_jmp_label(as, 1);
    asm_x86_exit(as);
    asm_x86_label_assign(as, 1);
}

// Every byte of the blob is part of an instruction we decode.
static void assert_decodes_fully(const blob_t *b, bool is_64bit) {
    size_t pos = 0;
    while (pos < b->len) {
        x86_insn_t insn;
        size_t n = dis_x86_decode(b->code + pos, b->len - pos, is_64bit, &insn);
        if (n == 0) {
            fail_msg("%s: no instruction at +0x%zx (byte 0x%02x)", b->what, pos, b->code[pos]);
        }
        pos += n;
    }
}

static void check_assembler_blob(const uint8_t *code, size_t len, bool is_64bit, const char *what) {
    blob_set_t set = {NULL, 0, 0};
    blob_add(&set, code, len, what);
    assert_decodes_fully(&set.items[0], is_64bit);
    agreement_t a;
    memset(&a, 0, sizeof(a));
    compare_with_objdump(&set, is_64bit, &a);
    print_agreement(what, &a);
    assert_int_equal(a.stopped_ours + a.stopped_objdump, 0);
    assert_int_equal(a.reported, 0);
    assert_int_equal(a.same_operands, a.insns);
    blob_set_free(&set);
}

// The row encodings of test_every_row_decodes_back_to_itself, all in one
// blob per mode, read the same by objdump: the table's mnemonics and
// operand forms beyond what the assemblers use.
static void check_rows_with_objdump(bool is_64bit) {
    buf_t code;
    buf_init(&code);
    for (int op = 0; op < X86_NUM_OPS; op++) {
        const x86_row_t *row = &x86_insn_table[op];
        bool allowed = is_64bit ? row->flag != X86_F_NO64 : row->flag != X86_F_ONLY64 && row->osz != X86_OSZ_64;
        if (allowed) {
            uint8_t bytes[16];
            buf_append(&code, bytes, encode_row(row, bytes));
        }
    }
    check_assembler_blob(code.data, code.len, is_64bit, is_64bit ? "x64 rows" : "x86 rows");
    buf_deinit(&code);
}

static void test_every_row_agrees_with_objdump(void **state) {
    (void)state;
    check_rows_with_objdump(false);
    check_rows_with_objdump(true);
}

static void test_everything_asm_x64_emits_agrees_with_objdump(void **state) {
    (void)state;
    asm_x64_t as;
    assert_true(asm_x64_init(&as, 3));
    asm_x64_start_pass(&as, ASM_PASS_COMPUTE);
    x64_everything(&as);
    asm_x64_start_pass(&as, ASM_PASS_EMIT);
    x64_everything(&as);
    assert_int_equal(as.base.error, ASM_OK);
    check_assembler_blob(as.base.code, as.base.code_offset, true, "asm_x64");
    asm_x64_deinit(&as);
}

static void test_everything_asm_x86_emits_agrees_with_objdump(void **state) {
    (void)state;
    asm_x86_t as;
    assert_true(asm_x86_init(&as, 3));
    asm_x86_start_pass(&as, ASM_PASS_COMPUTE);
    x86_everything(&as);
    asm_x86_start_pass(&as, ASM_PASS_EMIT);
    x86_everything(&as);
    assert_int_equal(as.base.error, ASM_OK);
    check_assembler_blob(as.base.code, as.base.code_offset, false, "asm_x86");
    asm_x86_deinit(&as);
}

// ---------------------------------------------------------------------------
// The native goldens: the machine code of each native, viper and asm
// function (for native code, the bytes between the leading data words and
// the prelude).

// The corpus lives beside the repository unless MPY_CORPUS says otherwise.
static const char *corpus_dir(void) {
    const char *dir = getenv("MPY_CORPUS");
    return dir != NULL ? dir : "../shared/corpus";
}

// Native (not viper or asm) code starts with data, as in MicroPython's
// emitnative.c: a word with the prelude's index in the constant table and,
// for generators, a word with the offset where the body starts. Neither
// disassembler can know that, so the comparison starts after them.
static size_t leading_data_size(const mpy_raw_code_t *rc, size_t word_size) {
    if (rc->kind != MPY_CODE_NATIVE) {
        return 0;
    }
    mpy_prelude_t prelude;
    diag_t d;
    diag_init(&d, NULL);
    size_t off = rc->prelude_offset;
    assert_true(mpy_prelude_decode(rc->code + off, rc->code_len - off, 0, &prelude, &d));
    return word_size * ((prelude.scope_flags & MPY_SCOPE_FLAG_GENERATOR) != 0 ? 2 : 1);
}

static void collect_functions(const mpy_raw_code_t *rc, size_t word_size, const char *file, const char *path,
    blob_set_t *set) {
    if (rc->kind != MPY_CODE_BYTECODE) {
        size_t len = rc->kind == MPY_CODE_NATIVE ? rc->prelude_offset : rc->code_len;
        size_t skip = leading_data_size(rc, word_size);
        assert_true(skip <= len);
        char what[160];
        snprintf(what, sizeof(what), "%s function %s (from +0x%zx)", file, path, skip);
        blob_add(set, rc->code + skip, len - skip, what);
    }
    for (size_t i = 0; i < rc->n_children; i++) {
        char child[64];
        snprintf(child, sizeof(child), "%s.%zu", path, i);
        collect_functions(&rc->children[i], word_size, file, child, set);
    }
}

static void collect_file(const char *path, mpy_arch_t want, blob_set_t *set) {
    diag_t d;
    diag_init(&d, path);
    size_t len;
    uint8_t *data = util_read_file(path, &len, &d);
    assert_non_null(data);
    arena_t arena;
    arena_init(&arena);
    mpy_file_t file;
    if (!mpy_read(data, len, &arena, &file, &d)) {
        fail_msg("%s: cannot read", path);
    }
    assert_int_equal(file.arch, want);
    const char *base = strrchr(path, '/');
    size_t word_size = want == MPY_ARCH_X64 ? 8 : 4;
    collect_functions(&file.root, word_size, base != NULL ? base + 1 : path, "0", set);
    arena_deinit(&arena);
    free(data);
}

// Every step-th file matching the patterns (all when step is 1).
static size_t collect_corpus(const char *const *patterns, size_t n_patterns, mpy_arch_t arch, size_t step,
    blob_set_t *set) {
    size_t n_files = 0;
    for (size_t p = 0; p < n_patterns; p++) {
        char pattern[512];
        snprintf(pattern, sizeof(pattern), "%s/%s", corpus_dir(), patterns[p]);
        glob_t g;
        if (glob(pattern, 0, NULL, &g) != 0) {
            fail_msg("no corpus files match %s (set MPY_CORPUS)", pattern);
        }
        for (size_t i = 0; i < g.gl_pathc; i += step) {
            collect_file(g.gl_pathv[i], arch, set);
            n_files++;
        }
        globfree(&g);
    }
    return n_files;
}

// A sample keeps `make check` fast; MPY_DIS_X86_FULL=1 takes every file.
static size_t corpus_step(size_t sample_step) {
    const char *full = getenv("MPY_DIS_X86_FULL");
    return full != NULL && strcmp(full, "0") != 0 ? 1 : sample_step;
}

static void check_corpus(const char *const *patterns, size_t n_patterns, mpy_arch_t arch, size_t step,
    const char *what) {
    blob_set_t set = {NULL, 0, 0};
    size_t n_files = collect_corpus(patterns, n_patterns, arch, step, &set);
    assert_true(set.n > 0);
    agreement_t a;
    memset(&a, 0, sizeof(a));
    compare_with_objdump(&set, arch == MPY_ARCH_X64, &a);
    char title[128];
    snprintf(title, sizeof(title), "%s (%zu files)", what, n_files);
    print_agreement(title, &a);
    assert_int_equal(a.reported, 0);
    assert_int_equal(a.same_operands, a.insns);
    assert_true(a.insns > 0);
    blob_set_free(&set);
}

static void test_x64_goldens_agree_with_objdump(void **state) {
    (void)state;
    static const char *const patterns[] = {"native/*.x64.mpy", "bytecode/*.native-x64.mpy"};
    check_corpus(patterns, 2, MPY_ARCH_X64, corpus_step(8), "x64 goldens");
}

static void test_x86_goldens_agree_with_objdump(void **state) {
    (void)state;
    static const char *const patterns[] = {"native/*.x86.mpy"};
    check_corpus(patterns, 1, MPY_ARCH_X86, corpus_step(4), "x86 goldens");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_case_decodes_to_its_text),
        cmocka_unit_test(test_listing_has_address_bytes_and_text_columns),
        cmocka_unit_test(test_random_bytes_never_read_past_the_end),
        cmocka_unit_test(test_every_row_decodes_back_to_itself),
        cmocka_unit_test(test_every_row_agrees_with_objdump),
        cmocka_unit_test(test_everything_asm_x64_emits_agrees_with_objdump),
        cmocka_unit_test(test_everything_asm_x86_emits_agrees_with_objdump),
        cmocka_unit_test(test_x64_goldens_agree_with_objdump),
        cmocka_unit_test(test_x86_goldens_agree_with_objdump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
