// tests/emitters/test_asm_x86.c: every x86 encoder over all registers and
// boundary displacements/immediates against GNU as (--32), plus the
// composite sequences (entry, calls, jumps over passes) against bytes from
// the official x86 goldens.
#include "tests/emitters/gas_batch.h"

#include "emitters/asm_x86.h"

typedef enum kind {
    K_NONE,
    K_R32,
    K_R16,
    K_R8,     // registers 4..7 are ah, ch, dh, bh
    K_DISP,
    K_I32,
    K_IMM,    // add/sub immediates around the imm8 boundary
    K_CC,
} kind_t;

typedef void (*emit_fn_t)(asm_x86_t *as, const int64_t *a);

typedef struct row {
    const char *name;
    emit_fn_t emit;
    const char *text;   // Intel syntax, %0..%2 for the operands
    kind_t k[3];
} row_t;

#define A(i) ((int)a[i])
static void e_push(asm_x86_t *as, const int64_t *a) { asm_x86_push_r32(as, A(0)); }
static void e_pop(asm_x86_t *as, const int64_t *a) { asm_x86_pop_r32(as, A(0)); }
static void e_nop(asm_x86_t *as, const int64_t *a) { (void)a; asm_x86_nop(as); }
static void e_ret(asm_x86_t *as, const int64_t *a) { (void)a; asm_x86_ret(as); }
static void e_mov_rr(asm_x86_t *as, const int64_t *a) { asm_x86_mov_r32_r32(as, A(0), A(1)); }
static void e_mov_i32(asm_x86_t *as, const int64_t *a) { asm_x86_mov_i32_to_r32(as, (int32_t)a[0], A(1)); }
static void e_st8(asm_x86_t *as, const int64_t *a) { asm_x86_mov_r8_to_mem8(as, A(0), A(1), A(2)); }
static void e_st16(asm_x86_t *as, const int64_t *a) { asm_x86_mov_r16_to_mem16(as, A(0), A(1), A(2)); }
static void e_st32(asm_x86_t *as, const int64_t *a) { asm_x86_mov_r32_to_mem32(as, A(0), A(1), A(2)); }
static void e_ld8(asm_x86_t *as, const int64_t *a) { asm_x86_mov_mem8_to_r32zx(as, A(0), A(1), A(2)); }
static void e_ld16(asm_x86_t *as, const int64_t *a) { asm_x86_mov_mem16_to_r32zx(as, A(0), A(1), A(2)); }
static void e_ld32(asm_x86_t *as, const int64_t *a) { asm_x86_mov_mem32_to_r32(as, A(0), A(1), A(2)); }
static void e_lea(asm_x86_t *as, const int64_t *a) { asm_x86_lea_disp_to_r32(as, A(0), A(1), A(2)); }
static void e_not(asm_x86_t *as, const int64_t *a) { asm_x86_not_r32(as, A(0)); }
static void e_neg(asm_x86_t *as, const int64_t *a) { asm_x86_neg_r32(as, A(0)); }
static void e_and(asm_x86_t *as, const int64_t *a) { asm_x86_and_r32_r32(as, A(0), A(1)); }
static void e_or(asm_x86_t *as, const int64_t *a) { asm_x86_or_r32_r32(as, A(0), A(1)); }
static void e_xor(asm_x86_t *as, const int64_t *a) { asm_x86_xor_r32_r32(as, A(0), A(1)); }
static void e_shl(asm_x86_t *as, const int64_t *a) { asm_x86_shl_r32_cl(as, A(0)); }
static void e_shr(asm_x86_t *as, const int64_t *a) { asm_x86_shr_r32_cl(as, A(0)); }
static void e_sar(asm_x86_t *as, const int64_t *a) { asm_x86_sar_r32_cl(as, A(0)); }
static void e_add(asm_x86_t *as, const int64_t *a) { asm_x86_add_r32_r32(as, A(0), A(1)); }
static void e_sub(asm_x86_t *as, const int64_t *a) { asm_x86_sub_r32_r32(as, A(0), A(1)); }
static void e_mul(asm_x86_t *as, const int64_t *a) { asm_x86_mul_r32_r32(as, A(0), A(1)); }
static void e_add_i(asm_x86_t *as, const int64_t *a) { asm_x86_add_i32_to_r32(as, A(1), A(0)); }
static void e_sub_i(asm_x86_t *as, const int64_t *a) { asm_x86_sub_r32_i32(as, A(0), A(1)); }
static void e_cmp(asm_x86_t *as, const int64_t *a) { asm_x86_cmp_r32_with_r32(as, A(0), A(1)); }
static void e_test8(asm_x86_t *as, const int64_t *a) { asm_x86_test_r8_with_r8(as, A(0), A(1)); }
static void e_test32(asm_x86_t *as, const int64_t *a) { asm_x86_test_r32_with_r32(as, A(0), A(1)); }
static void e_setcc(asm_x86_t *as, const int64_t *a) { asm_x86_setcc_r8(as, A(0), A(1)); }
static void e_jmp_reg(asm_x86_t *as, const int64_t *a) { asm_x86_jmp_reg(as, A(0)); }
#undef A

static const row_t rows[] = {
    {"nop", e_nop, "nop", {K_NONE, K_NONE, K_NONE}},
    {"ret", e_ret, "ret", {K_NONE, K_NONE, K_NONE}},
    {"push_r32", e_push, "push %0", {K_R32, K_NONE, K_NONE}},
    {"pop_r32", e_pop, "pop %0", {K_R32, K_NONE, K_NONE}},
    {"mov_r32_r32", e_mov_rr, "mov %0, %1", {K_R32, K_R32, K_NONE}},
    {"mov_i32_to_r32", e_mov_i32, "mov %1, %0", {K_I32, K_R32, K_NONE}},
    {"mov_r8_to_mem8", e_st8, "mov byte ptr [%1%2], %0", {K_R8, K_R32, K_DISP}},
    {"mov_r16_to_mem16", e_st16, "mov word ptr [%1%2], %0", {K_R16, K_R32, K_DISP}},
    {"mov_r32_to_mem32", e_st32, "mov dword ptr [%1%2], %0", {K_R32, K_R32, K_DISP}},
    {"mov_mem8_to_r32zx", e_ld8, "movzx %2, byte ptr [%0%1]", {K_R32, K_DISP, K_R32}},
    {"mov_mem16_to_r32zx", e_ld16, "movzx %2, word ptr [%0%1]", {K_R32, K_DISP, K_R32}},
    {"mov_mem32_to_r32", e_ld32, "mov %2, dword ptr [%0%1]", {K_R32, K_DISP, K_R32}},
    {"lea_disp_to_r32", e_lea, "lea %2, [%0%1]", {K_R32, K_DISP, K_R32}},
    {"not_r32", e_not, "not %0", {K_R32, K_NONE, K_NONE}},
    {"neg_r32", e_neg, "neg %0", {K_R32, K_NONE, K_NONE}},
    {"and_r32_r32", e_and, "and %0, %1", {K_R32, K_R32, K_NONE}},
    {"or_r32_r32", e_or, "or %0, %1", {K_R32, K_R32, K_NONE}},
    {"xor_r32_r32", e_xor, "xor %0, %1", {K_R32, K_R32, K_NONE}},
    {"shl_r32_cl", e_shl, "shl %0, cl", {K_R32, K_NONE, K_NONE}},
    {"shr_r32_cl", e_shr, "shr %0, cl", {K_R32, K_NONE, K_NONE}},
    {"sar_r32_cl", e_sar, "sar %0, cl", {K_R32, K_NONE, K_NONE}},
    {"add_r32_r32", e_add, "add %0, %1", {K_R32, K_R32, K_NONE}},
    {"sub_r32_r32", e_sub, "sub %0, %1", {K_R32, K_R32, K_NONE}},
    {"mul_r32_r32", e_mul, "imul %0, %1", {K_R32, K_R32, K_NONE}},
    {"add_i32_to_r32", e_add_i, "add %0, %1", {K_R32, K_IMM, K_NONE}},
    {"sub_r32_i32", e_sub_i, "sub %0, %1", {K_R32, K_IMM, K_NONE}},
    {"cmp_r32_with_r32", e_cmp, "cmp %1, %0", {K_R32, K_R32, K_NONE}},
    {"test_r8_with_r8", e_test8, "test %1, %0", {K_R8, K_R8, K_NONE}},
    {"test_r32_with_r32", e_test32, "test %1, %0", {K_R32, K_R32, K_NONE}},
    {"setcc_r8", e_setcc, "set%0 %1", {K_CC, K_R8, K_NONE}},
    {"jmp_reg", e_jmp_reg, "jmp %0", {K_R32, K_NONE, K_NONE}},
};

static gas_values_t kind_values(kind_t k) {
    switch (k) {
        case K_R32:
        case K_R16:
        case K_R8:
            return (gas_values_t){{0, 1, 2, 3, 4, 5, 6, 7}, 8};
        case K_DISP:
            return (gas_values_t){{0, 8, -8, 127, -128, 128, -129, 0x12345678, INT32_MIN}, 9};
        case K_I32:
            return (gas_values_t){{0, 5, -1, 0x7fffffff, INT32_MIN}, 5};
        case K_IMM:
            return (gas_values_t){{8, 127, 128, -128, -129, 0x1000, INT32_MIN}, 7};
        case K_CC:
            return (gas_values_t){{2, 3, 4, 5, 6, 7, 12, 13, 14, 15}, 10};
        case K_NONE:
            break;
    }
    return (gas_values_t){{0}, 1};
}

static const char *const r32_names[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
static const char *const r16_names[8] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
static const char *const r8_names[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
static const char *const cc_names[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l",
    "ge", "le", "g"};

typedef struct operands {
    const row_t *r;
    const int64_t *a;
} operands_t;

static void put_operand(buf_t *t, int i, const void *ctx) {
    const operands_t *o = ctx;
    int64_t v = o->a[i];
    switch (o->r->k[i]) {
        case K_R32:
            buf_str(t, r32_names[v]);
            break;
        case K_R16:
            buf_str(t, r16_names[v]);
            break;
        case K_R8:
            buf_str(t, r8_names[v]);
            break;
        case K_DISP:
            buf_printf(t, "%+lld", (long long)v);
            break;
        case K_CC:
            buf_str(t, cc_names[v]);
            break;
        case K_I32:
        case K_IMM:
            buf_printf(t, "%lld", (long long)v);
            break;
        case K_NONE:
            break;
    }
}

static void render(size_t row, const int64_t *a, char *out, size_t cap) {
    const operands_t o = {&rows[row], a};
    gas_expand(rows[row].text, put_operand, &o, out, cap);
}

static gas_values_t row_values(size_t row, int operand) {
    return kind_values(rows[row].k[operand]);
}

// GNU as prefers the accumulator's short "add/sub eax, imm32" (0x05/0x2d);
// the reference only adds to or subtracts from esp, so that pairing is not
// compared.
static bool gas_encodes_the_same_way(size_t row, const int64_t *a) {
    bool is_imm8 = a[1] >= -128 && a[1] <= 127;
    bool is_group1 = rows[row].emit == e_add_i || rows[row].emit == e_sub_i;
    return !(is_group1 && a[0] == ASM_X86_REG_EAX && !is_imm8);
}

static size_t encode_one(size_t row, const int64_t *a, uint8_t *out) {
    asm_x86_t as;
    assert_true(asm_x86_init(&as, 0));
    asm_x86_start_pass(&as, ASM_PASS_COMPUTE);
    rows[row].emit(&as, a);
    asm_x86_start_pass(&as, ASM_PASS_EMIT);
    rows[row].emit(&as, a);
    size_t n = as.base.code_offset;
    assert_true(n <= 16);
    memcpy(out, as.base.code, n);
    asm_x86_deinit(&as);
    return n;
}

static void test_every_encoder_matches_gnu_as_over_all_operands(void **state) {
    (void)state;
    gas_batch_t b;
    gas_batch_init(&b, "\t.intel_syntax noprefix\n\t.text\n");
    const gas_sweep_t sweep = {sizeof(rows) / sizeof(rows[0]), row_values, gas_encodes_the_same_way, encode_one,
        render};
    gas_batch_sweep(&b, &sweep);
    gas_batch_check(&b, "as --32");
    gas_batch_deinit(&b);
}

// ---------------------------------------------------------------------------
// Composite sequences and jumps over passes.

typedef void (*program_fn_t)(asm_x86_t *as);

static buf_t assemble(program_fn_t fn) {
    asm_x86_t as;
    assert_true(asm_x86_init(&as, 4));
    asm_x86_start_pass(&as, ASM_PASS_COMPUTE);
    fn(&as);
    asm_x86_start_pass(&as, ASM_PASS_EMIT);
    fn(&as);
    assert_int_equal(as.base.error, ASM_OK);
    buf_t out;
    buf_init(&out);
    buf_append(&out, as.base.code, as.base.code_offset);
    asm_x86_deinit(&as);
    return out;
}

// From viper_ptr8.x86.mpy: 11 locals, then the first argument.
static void entry_args_exit(asm_x86_t *as) {
    asm_x86_entry(as, 8);
    asm_x86_mov_arg_to_r32(as, 0, ASM_X86_REG_EAX);
    asm_x86_exit(as);
}

static void test_entry_saves_four_registers_and_finds_the_arguments(void **state) {
    (void)state;
    static const uint8_t want[] = {0x55, 0x53, 0x56, 0x57, 0x83, 0xec, 0x2c, 0x8b, 0x44, 0x24, 0x40, 0x83, 0xec,
        0xd4, 0x5f, 0x5e, 0x5b, 0x5d, 0xc3};
    gas_assert_bytes(assemble(entry_args_exit), want, sizeof(want));
}

static void call_ind(asm_x86_t *as) {
    asm_x86_call_ind(as, 44, 3, ASM_X86_REG_EAX);
    asm_x86_call_ind(as, 1, 0, ASM_X86_REG_EAX);
    asm_x86_mov_local_addr_to_r32(as, 0, ASM_X86_REG_EDI);
    asm_x86_mov_local_addr_to_r32(as, 3, ASM_X86_REG_EDI);
}

static void test_calls_push_arguments_with_the_stack_aligned(void **state) {
    (void)state;
    static const uint8_t want[] = {0x83, 0xec, 0x04, 0x52, 0x51, 0x50, 0x8b, 0x85, 0xb0, 0x00, 0x00, 0x00, 0xff,
        0xd0, 0x83, 0xc4, 0x10, 0x8b, 0x45, 0x04, 0xff, 0xd0, 0x89, 0xe7, 0x8d, 0x7c, 0x24, 0x0c};
    gas_assert_bytes(assemble(call_ind), want, sizeof(want));
}

static void jumps(asm_x86_t *as) {
    asm_x86_label_assign(as, 0);
    asm_x86_nop(as);
    asm_x86_jmp_label(as, 0);                  // backward, short
    asm_x86_jcc_label(as, ASM_X86_CC_JNE, 0);  // backward, short
    asm_x86_jmp_label(as, 1);                  // forward: always rel32
    asm_x86_jcc_label(as, ASM_X86_CC_JE, 1);
    asm_x86_mov_reg_pcrel(as, ASM_X86_REG_EAX, 1);
    asm_x86_label_assign(as, 1);
}

static void test_jumps_are_short_only_backward_and_pcrel_calls_next(void **state) {
    (void)state;
    static const uint8_t want[] = {0x90, 0xeb, 0xfd, 0x75, 0xfb, 0xe9, 0x12, 0x00, 0x00, 0x00, 0x0f, 0x84, 0x0c,
        0x00, 0x00, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x58, 0x81, 0xc0, 0x07, 0x00, 0x00, 0x00};
    gas_assert_bytes(assemble(jumps), want, sizeof(want));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_encoder_matches_gnu_as_over_all_operands),
        cmocka_unit_test(test_entry_saves_four_registers_and_finds_the_arguments),
        cmocka_unit_test(test_calls_push_arguments_with_the_stack_aligned),
        cmocka_unit_test(test_jumps_are_short_only_backward_and_pcrel_calls_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
