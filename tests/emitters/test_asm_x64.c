// tests/emitters/test_asm_x64.c: every x64 encoder over all registers and
// boundary displacements/immediates against GNU as, plus the composite
// sequences (entry, calls, jumps over passes) against bytes from the
// official x64 goldens.
#include "tests/emitters/gas_batch.h"

#include "emitters/asm_x64.h"

typedef enum kind {
    K_NONE,
    K_R64,    // any register, 64-bit name
    K_R64LO,  // rax..rdi only (the reference asserts this)
    K_R32,
    K_R16,
    K_R8,     // 8-bit name: legacy ah..bh unless the instruction has a REX
    K_R8LO,   // rax..rdi as 8-bit operand without REX
    K_DISP,
    K_I32,
    K_I64,
    K_SUBIMM,
    K_CC,
} kind_t;

typedef void (*emit_fn_t)(asm_x64_t *as, const int64_t *a);

typedef struct row {
    const char *name;
    emit_fn_t emit;
    const char *text;   // Intel syntax, %0..%2 for the operands
    kind_t k[3];
} row_t;

#define A(i) ((int)a[i])
static void e_push(asm_x64_t *as, const int64_t *a) { asm_x64_push_r64(as, A(0)); }
static void e_pop(asm_x64_t *as, const int64_t *a) { asm_x64_pop_r64(as, A(0)); }
static void e_nop(asm_x64_t *as, const int64_t *a) { (void)a; asm_x64_nop(as); }
static void e_ret(asm_x64_t *as, const int64_t *a) { (void)a; asm_x64_ret(as); }
static void e_mov_rr(asm_x64_t *as, const int64_t *a) { asm_x64_mov_r64_r64(as, A(0), A(1)); }
static void e_st8(asm_x64_t *as, const int64_t *a) { asm_x64_mov_r8_to_mem8(as, A(0), A(1), A(2)); }
static void e_st16(asm_x64_t *as, const int64_t *a) { asm_x64_mov_r16_to_mem16(as, A(0), A(1), A(2)); }
static void e_st32(asm_x64_t *as, const int64_t *a) { asm_x64_mov_r32_to_mem32(as, A(0), A(1), A(2)); }
static void e_st64(asm_x64_t *as, const int64_t *a) { asm_x64_mov_r64_to_mem64(as, A(0), A(1), A(2)); }
static void e_ld8(asm_x64_t *as, const int64_t *a) { asm_x64_mov_mem8_to_r64zx(as, A(0), A(1), A(2)); }
static void e_ld16(asm_x64_t *as, const int64_t *a) { asm_x64_mov_mem16_to_r64zx(as, A(0), A(1), A(2)); }
static void e_ld32(asm_x64_t *as, const int64_t *a) { asm_x64_mov_mem32_to_r64zx(as, A(0), A(1), A(2)); }
static void e_ld64(asm_x64_t *as, const int64_t *a) { asm_x64_mov_mem64_to_r64(as, A(0), A(1), A(2)); }
static void e_lea(asm_x64_t *as, const int64_t *a) { asm_x64_lea_disp_to_r64(as, A(0), A(1), A(2)); }
static void e_mov_i32(asm_x64_t *as, const int64_t *a) { asm_x64_mov_i32_to_r64(as, (int32_t)a[0], A(1)); }
static void e_mov_i64(asm_x64_t *as, const int64_t *a) { asm_x64_mov_i64_to_r64(as, a[0], A(1)); }
static void e_not(asm_x64_t *as, const int64_t *a) { asm_x64_not_r64(as, A(0)); }
static void e_neg(asm_x64_t *as, const int64_t *a) { asm_x64_neg_r64(as, A(0)); }
static void e_and(asm_x64_t *as, const int64_t *a) { asm_x64_and_r64_r64(as, A(0), A(1)); }
static void e_or(asm_x64_t *as, const int64_t *a) { asm_x64_or_r64_r64(as, A(0), A(1)); }
static void e_xor(asm_x64_t *as, const int64_t *a) { asm_x64_xor_r64_r64(as, A(0), A(1)); }
static void e_shl(asm_x64_t *as, const int64_t *a) { asm_x64_shl_r64_cl(as, A(0)); }
static void e_shr(asm_x64_t *as, const int64_t *a) { asm_x64_shr_r64_cl(as, A(0)); }
static void e_sar(asm_x64_t *as, const int64_t *a) { asm_x64_sar_r64_cl(as, A(0)); }
static void e_add(asm_x64_t *as, const int64_t *a) { asm_x64_add_r64_r64(as, A(0), A(1)); }
static void e_sub(asm_x64_t *as, const int64_t *a) { asm_x64_sub_r64_r64(as, A(0), A(1)); }
static void e_mul(asm_x64_t *as, const int64_t *a) { asm_x64_mul_r64_r64(as, A(0), A(1)); }
static void e_sub_i(asm_x64_t *as, const int64_t *a) { asm_x64_sub_r64_i32(as, A(0), A(1)); }
static void e_cmp(asm_x64_t *as, const int64_t *a) { asm_x64_cmp_r64_with_r64(as, A(0), A(1)); }
static void e_test8(asm_x64_t *as, const int64_t *a) { asm_x64_test_r8_with_r8(as, A(0), A(1)); }
static void e_test64(asm_x64_t *as, const int64_t *a) { asm_x64_test_r64_with_r64(as, A(0), A(1)); }
static void e_setcc(asm_x64_t *as, const int64_t *a) { asm_x64_setcc_r8(as, A(0), A(1)); }
static void e_jmp_reg(asm_x64_t *as, const int64_t *a) { asm_x64_jmp_reg(as, A(0)); }
#undef A

static const row_t rows[] = {
    {"nop", e_nop, "nop", {K_NONE, K_NONE, K_NONE}},
    {"ret", e_ret, "ret", {K_NONE, K_NONE, K_NONE}},
    {"push_r64", e_push, "push %0", {K_R64, K_NONE, K_NONE}},
    {"pop_r64", e_pop, "pop %0", {K_R64, K_NONE, K_NONE}},
    {"mov_r64_r64", e_mov_rr, "mov %0, %1", {K_R64, K_R64, K_NONE}},
    {"mov_r8_to_mem8", e_st8, "mov byte ptr [%1%2], %0", {K_R8, K_R64, K_DISP}},
    {"mov_r16_to_mem16", e_st16, "mov word ptr [%1%2], %0", {K_R16, K_R64, K_DISP}},
    {"mov_r32_to_mem32", e_st32, "mov dword ptr [%1%2], %0", {K_R32, K_R64, K_DISP}},
    {"mov_r64_to_mem64", e_st64, "mov qword ptr [%1%2], %0", {K_R64, K_R64, K_DISP}},
    {"mov_mem8_to_r64zx", e_ld8, "movzx %2, byte ptr [%0%1]", {K_R64, K_DISP, K_R32}},
    {"mov_mem16_to_r64zx", e_ld16, "movzx %2, word ptr [%0%1]", {K_R64, K_DISP, K_R32}},
    {"mov_mem32_to_r64zx", e_ld32, "mov %2, dword ptr [%0%1]", {K_R64, K_DISP, K_R32}},
    {"mov_mem64_to_r64", e_ld64, "mov %2, qword ptr [%0%1]", {K_R64, K_DISP, K_R64}},
    {"lea_disp_to_r64", e_lea, "lea %2, [%0%1]", {K_R64, K_DISP, K_R64}},
    {"mov_i32_to_r64", e_mov_i32, "mov %1, %0", {K_I32, K_R32, K_NONE}},
    {"mov_i64_to_r64", e_mov_i64, "movabs %1, %0", {K_I64, K_R64, K_NONE}},
    {"not_r64", e_not, "not %0", {K_R64, K_NONE, K_NONE}},
    {"neg_r64", e_neg, "neg %0", {K_R64, K_NONE, K_NONE}},
    {"and_r64_r64", e_and, "and %0, %1", {K_R64, K_R64, K_NONE}},
    {"or_r64_r64", e_or, "or %0, %1", {K_R64, K_R64, K_NONE}},
    {"xor_r64_r64", e_xor, "xor %0, %1", {K_R64, K_R64, K_NONE}},
    {"shl_r64_cl", e_shl, "shl %0, cl", {K_R64, K_NONE, K_NONE}},
    {"shr_r64_cl", e_shr, "shr %0, cl", {K_R64, K_NONE, K_NONE}},
    {"sar_r64_cl", e_sar, "sar %0, cl", {K_R64, K_NONE, K_NONE}},
    {"add_r64_r64", e_add, "add %0, %1", {K_R64, K_R64, K_NONE}},
    {"sub_r64_r64", e_sub, "sub %0, %1", {K_R64, K_R64, K_NONE}},
    {"mul_r64_r64", e_mul, "imul %0, %1", {K_R64, K_R64, K_NONE}},
    {"sub_r64_i32", e_sub_i, "sub %0, %1", {K_R64LO, K_SUBIMM, K_NONE}},
    {"cmp_r64_with_r64", e_cmp, "cmp %1, %0", {K_R64, K_R64, K_NONE}},
    {"test_r8_with_r8", e_test8, "test %1, %0", {K_R8LO, K_R8LO, K_NONE}},
    {"test_r64_with_r64", e_test64, "test %1, %0", {K_R64, K_R64, K_NONE}},
    {"setcc_r8", e_setcc, "set%0 %1", {K_CC, K_R8LO, K_NONE}},
    {"jmp_reg", e_jmp_reg, "jmp %0", {K_R64LO, K_NONE, K_NONE}},
};

static gas_values_t kind_values(kind_t k) {
    switch (k) {
        case K_R64:
        case K_R32:
        case K_R16:
        case K_R8:
            return (gas_values_t){{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 16};
        case K_R64LO:
        case K_R8LO:
            return (gas_values_t){{0, 1, 2, 3, 4, 5, 6, 7}, 8};
        case K_DISP:
            return (gas_values_t){{0, 8, -8, 127, -128, 128, -129, 0x12345678, INT32_MIN}, 9};
        case K_I32:
            return (gas_values_t){{0, 5, -1, 0x7fffffff, INT32_MIN}, 5};
        case K_I64:
            return (gas_values_t){{5, -1, INT64_C(0x100000000), INT64_C(0x123456789abcdef0), INT64_MIN}, 5};
        case K_SUBIMM:
            return (gas_values_t){{8, 127, 128, -128, -129, 0x1000, INT32_MIN}, 7};
        case K_CC:
            return (gas_values_t){{2, 3, 4, 5, 6, 7, 12, 13, 14, 15}, 10};
        case K_NONE:
            break;
    }
    return (gas_values_t){{0}, 1};
}

static const char *const r64_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9",
    "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const r32_names[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d",
    "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *const r16_names[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w",
    "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *const r8_rex_names[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b",
    "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *const r8_legacy_names[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
static const char *const cc_names[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l",
    "ge", "le", "g"};

// The encoders add a REX to byte operations only when a register is
// r8..r15; without one, registers 4..7 are ah, ch, dh, bh.
static bool has_rex_register(const row_t *r, const int64_t *a) {
    for (int i = 0; i < 3; i++) {
        bool is_reg = r->k[i] == K_R64 || r->k[i] == K_R8 || r->k[i] == K_R32 || r->k[i] == K_R16;
        if (is_reg && a[i] >= 8) {
            return true;
        }
    }
    return false;
}

typedef struct operands {
    const row_t *r;
    const int64_t *a;
    bool rex;
} operands_t;

static void put_operand(buf_t *t, int i, const void *ctx) {
    const operands_t *o = ctx;
    int64_t v = o->a[i];
    switch (o->r->k[i]) {
        case K_R64:
        case K_R64LO:
            buf_str(t, r64_names[v]);
            break;
        case K_R32:
            buf_str(t, r32_names[v]);
            break;
        case K_R16:
            buf_str(t, r16_names[v]);
            break;
        case K_R8:
        case K_R8LO:
            buf_str(t, o->rex ? r8_rex_names[v] : r8_legacy_names[v]);
            break;
        case K_DISP:
            buf_printf(t, "%+lld", (long long)v);
            break;
        case K_CC:
            buf_str(t, cc_names[v]);
            break;
        case K_I32:
        case K_I64:
        case K_SUBIMM:
            buf_printf(t, "%lld", (long long)v);
            break;
        case K_NONE:
            break;
    }
}

static void render(size_t row, const int64_t *a, char *out, size_t cap) {
    const operands_t o = {&rows[row], a, has_rex_register(&rows[row], a)};
    gas_expand(rows[row].text, put_operand, &o, out, cap);
}

static gas_values_t row_values(size_t row, int operand) {
    return kind_values(rows[row].k[operand]);
}

// GNU as prefers the accumulator's short "sub rax, imm32" (0x2d); the
// reference only ever subtracts from rsp, so that pairing is not compared.
static bool gas_encodes_the_same_way(size_t row, const int64_t *a) {
    bool is_imm8 = a[1] >= -128 && a[1] <= 127;
    return !(rows[row].emit == e_sub_i && a[0] == ASM_X64_REG_RAX && !is_imm8);
}

// Encodes one instruction on its own and returns its bytes.
static size_t encode_one(size_t row, const int64_t *a, uint8_t *out) {
    asm_x64_t as;
    assert_true(asm_x64_init(&as, 0));
    asm_x64_start_pass(&as, ASM_PASS_COMPUTE);
    rows[row].emit(&as, a);
    asm_x64_start_pass(&as, ASM_PASS_EMIT);
    rows[row].emit(&as, a);
    size_t n = as.base.code_offset;
    assert_true(n <= 16);
    memcpy(out, as.base.code, n);
    asm_x64_deinit(&as);
    return n;
}

static void test_every_encoder_matches_gnu_as_over_all_operands(void **state) {
    (void)state;
    gas_batch_t b;
    gas_batch_init(&b, "\t.intel_syntax noprefix\n\t.text\n");
    const gas_sweep_t sweep = {sizeof(rows) / sizeof(rows[0]), row_values, gas_encodes_the_same_way, encode_one,
        render};
    gas_batch_sweep(&b, &sweep);
    gas_batch_check(&b, "as --64");
    gas_batch_deinit(&b);
}

// ---------------------------------------------------------------------------
// Composite sequences and jumps over passes.

typedef void (*program_fn_t)(asm_x64_t *as);

static buf_t assemble(program_fn_t fn) {
    asm_x64_t as;
    assert_true(asm_x64_init(&as, 4));
    asm_x64_start_pass(&as, ASM_PASS_COMPUTE);
    fn(&as);
    asm_x64_start_pass(&as, ASM_PASS_EMIT);
    fn(&as);
    assert_int_equal(as.base.error, ASM_OK);
    buf_t out;
    buf_init(&out);
    buf_append(&out, as.base.code, as.base.code_offset);
    asm_x64_deinit(&as);
    return out;
}

static void entry_exit(asm_x64_t *as) {
    asm_x64_entry(as, 8);
    asm_x64_exit(as);
}

static void test_entry_saves_four_registers_and_keeps_rsp_aligned(void **state) {
    (void)state;
    static const uint8_t want[] = {0x55, 0x53, 0x41, 0x54, 0x41, 0x55, 0x48, 0x83, 0xec, 0x48, 0x48, 0x83,
        0xec, 0xb8, 0x41, 0x5d, 0x41, 0x5c, 0x5b, 0x5d, 0xc3};
    gas_assert_bytes(assemble(entry_exit), want, sizeof(want));
}

static void call_ind(asm_x64_t *as) {
    asm_x64_call_ind(as, 44, ASM_X64_REG_RAX);
    asm_x64_mov_i64_to_r64_optimised(as, 0x60006, ASM_X64_REG_RDX);
    asm_x64_mov_i64_to_r64_optimised(as, -1, ASM_X64_REG_RDX);
    asm_x64_mov_local_addr_to_r64(as, 0, ASM_X64_REG_RDI);
    asm_x64_mov_local_addr_to_r64(as, 2, ASM_X64_REG_RDI);
}

static void test_calls_go_through_the_function_table(void **state) {
    (void)state;
    static const uint8_t want[] = {0x48, 0x8b, 0x85, 0x60, 0x01, 0x00, 0x00, 0xff, 0xd0, 0xba, 0x06, 0x00, 0x06,
        0x00, 0x48, 0xba, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x48, 0x89, 0xe7, 0x48, 0x8d, 0x7c,
        0x24, 0x10};
    gas_assert_bytes(assemble(call_ind), want, sizeof(want));
}

static void jumps(asm_x64_t *as) {
    asm_x64_label_assign(as, 0);
    asm_x64_jmp_label(as, 0);                  // to itself: not backward, rel32
    asm_x64_jcc_label(as, ASM_X64_CC_JNE, 0);  // backward, short
    asm_x64_jmp_label(as, 1);                  // forward: always rel32
    asm_x64_jcc_label(as, ASM_X64_CC_JE, 1);
    asm_x64_mov_reg_pcrel(as, ASM_X64_REG_RAX, 1);
    asm_x64_label_assign(as, 1);
    for (int i = 0; i < 130; i++) {
        asm_x64_nop(as);
    }
    asm_x64_jmp_label(as, 1);                  // backward, too far for rel8
}

static void test_jumps_are_short_only_backward_and_in_range(void **state) {
    (void)state;
    buf_t code = assemble(jumps);
    static const uint8_t head[] = {0xe9, 0xfb, 0xff, 0xff, 0xff, 0x75, 0xf9, 0xe9, 0x0d, 0x00, 0x00, 0x00, 0x0f, 0x84, 0x07, 0x00,
        0x00, 0x00, 0x48, 0x8d, 0x05, 0x00, 0x00, 0x00, 0x00};
    assert_int_equal(code.len, sizeof(head) + 130 + 5);
    assert_memory_equal(code.data, head, sizeof(head));
    static const uint8_t tail[] = {0xe9, 0x79, 0xff, 0xff, 0xff};
    assert_memory_equal(code.data + sizeof(head) + 130, tail, sizeof(tail));
    buf_deinit(&code);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_encoder_matches_gnu_as_over_all_operands),
        cmocka_unit_test(test_entry_saves_four_registers_and_keeps_rsp_aligned),
        cmocka_unit_test(test_calls_go_through_the_function_table),
        cmocka_unit_test(test_jumps_are_short_only_backward_and_in_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
