// tests/emitters/test_asm_xtensa.c: the Xtensa table against GNU as, the
// decoder against the encoder, and the instruction selection against
// sequences seen in the official mpy-cross goldens.
//
// GNU as here is xtensa-lx106-elf-as, built for the ESP8266 core, which has
// no windowed register option: it refuses entry, call8, callx8 and retw.n.
// Those four rows are pinned instead by encodings from the Xtensa ISA
// Reference Manual and the xtensawin goldens
// (test_windowed_rows_match_known_encodings).
#include <stdint.h>
#include <stdio.h>

#include "emitters/asm_xtensa.h"
#include "tests/emitters/asm_test.h"
#include "tests/emitters/gas_batch.h"

// The instructions are assembled this far into the section, so that the
// farthest backward call0 (-512 KiB) and l32r (-256 KiB) land inside it.
enum {
    GAS_ORIGIN = 0x80000,
};

// ---------------------------------------------------------------------------
// Boundary operands for each field kind: the first value is the default used
// while another operand is varied.

static asm_values_t field_values(const xtensa_field_t *f, int index) {
    asm_values_t r = {{0}, 0};
    switch ((xtensa_field_kind_t)f->kind) {
        case XF_REG:
            r = (asm_values_t){{2 + 3 * index, 0, 1, 7, 8, 15}, 6};
            break;
        case XF_UIMM: {
            int32_t max = ((INT32_C(1) << f->width) - 1) << f->aux;
            r = (asm_values_t){{(((INT32_C(1) << f->width) / 3) << f->aux), 0, max}, 3};
            break;
        }
        case XF_SIMM: {
            int32_t lim = INT32_C(1) << (f->width - 1);
            int32_t scale = INT32_C(1) << f->aux;
            r = (asm_values_t){{5 * scale, -lim * scale, (lim - 1) * scale, -scale, 0}, 5};
            break;
        }
        case XF_MOVI12:
            r = (asm_values_t){{100, -2048, 2047, -1, 0, 0x5a5}, 6};
            break;
        case XF_MOVIN7:
            r = (asm_values_t){{5, -32, 95, -1, 0, 64}, 6};
            break;
        case XF_ADDIN4:
            r = (asm_values_t){{5, -1, 1, 15}, 4};
            break;
        case XF_SA5:
            r = (asm_values_t){{5, 0, 31, 16, 15}, 5};
            break;
        case XF_SLLI:
            r = (asm_values_t){{5, 1, 31, 16, 17}, 5};
            break;
        case XF_BR: {
            int32_t lim = INT32_C(1) << (f->width - 1);
            r = (asm_values_t){{8, -lim, lim - 1, -4, 0, 1}, 6};
            break;
        }
        case XF_BRN6:
            r = (asm_values_t){{8, 0, 63, 16}, 4};
            break;
        case XF_CALL:
            r = (asm_values_t){{8, -524288, 524284, -4, 0}, 5};
            break;
        case XF_L32R:
            r = (asm_values_t){{-8, -4, -262144, -1000}, 4};
            break;
        case XF_NONE:
            r = (asm_values_t){{0}, 1};
            break;
    }
    return r;
}

// The rows GNU as for the ESP8266 cannot assemble (no windowed option).
static bool is_windowed(xtensa_op_t op) {
    return op == XTENSA_ENTRY || op == XTENSA_CALL8 || op == XTENSA_CALLX8 || op == XTENSA_RETW_N;
}

static asm_values_t operand_values(int op, int i) {
    return field_values(&xtensa_form_fields[xtensa_insn_table[op].form][i], i);
}

static const asm_table_t table = {XTENSA_NUM_OPS, XTENSA_MAX_OPERANDS, operand_values};

// ---------------------------------------------------------------------------
// Table sanity.

static void test_every_row_keeps_its_match_inside_its_mask(void **state) {
    (void)state;
    for (int op = 0; op < XTENSA_NUM_OPS; op++) {
        const xtensa_insn_info_t *info = &xtensa_insn_table[op];
        asm_test_assert_match_in_mask(info->name, info->match, info->mask);
        // op0 is always part of the mask, and says the size.
        assert_int_equal(info->mask & 0xf, 0xf);
        assert_int_equal(info->size, xtensa_is_narrow((uint8_t)info->match) ? 2 : 3);
        if (info->size == 2) {
            assert_int_equal(info->match >> 16, 0);
        }
    }
}

// ---------------------------------------------------------------------------
// Every row against GNU as.

static void add_to_batch(int op, const int32_t *ops, void *ctx) {
    gas_batch_t *b = ctx;
    const xtensa_insn_info_t *info = &xtensa_insn_table[op];
    uint32_t w;
    if (!xtensa_encode((xtensa_op_t)op, ops, &w)) {
        fail_msg("row %s refuses its own boundary operands %d, %d, %d", info->name, ops[0], ops[1], ops[2]);
    }
    char text[96];
    uint32_t addr = GAS_ORIGIN + (uint32_t)b->expect.len;
    xtensa_format_insn((xtensa_op_t)op, ops, addr, true, text, sizeof(text));
    uint8_t bytes[3];
    asm_test_word_bytes(w, info->size, bytes);
    gas_batch_add_row(b, op, bytes, info->size, text);
}

static void test_every_row_encodes_boundary_operands_like_gnu_as(void **state) {
    (void)state;
    gas_batch_t b;
    char header[64];
    snprintf(header, sizeof(header), "\t.text\nbase:\n\t.skip 0x%x\n", GAS_ORIGIN);
    gas_batch_init(&b, header);
    b.skip = GAS_ORIGIN;
    size_t n_windowed = 0;
    for (int op = 0; op < XTENSA_NUM_OPS; op++) {
        if (is_windowed((xtensa_op_t)op)) {
            n_windowed++;
            continue;
        }
        asm_test_for_each_combination(&table, op, add_to_batch, &b);
    }
    // No transformations: every instruction exactly as written.
    gas_batch_check_with(&b, "xtensa-lx106-elf-as --no-transform", "xtensa-lx106-elf-objcopy");
    assert_int_equal(b.n_rows + n_windowed, XTENSA_NUM_OPS);
    gas_batch_deinit(&b);
}

static uint32_t encode3(xtensa_op_t op, int32_t a, int32_t b, int32_t c) {
    const int32_t ops[XTENSA_MAX_OPERANDS] = {a, b, c};
    uint32_t w;
    assert_true(xtensa_encode(op, ops, &w));
    return w;
}

// entry a1, 48 (36 61 00) and retw.n (1d f0) open and close every
// xtensawin asm golden; callx8 a8 (e0 08 00) is its native call. call8
// (op0 5, n 2) and the frame sizes follow the ISA reference's CALL and
// BRI12 layouts.
static void test_windowed_rows_match_known_encodings(void **state) {
    (void)state;
    assert_int_equal(encode3(XTENSA_ENTRY, 1, 48, 0), 0x006136);
    assert_int_equal(encode3(XTENSA_ENTRY, 1, 32760, 0), 0xfff136);
    assert_int_equal(encode3(XTENSA_ENTRY, 1, 32, 0), 0x004136);
    assert_int_equal(encode3(XTENSA_RETW_N, 0, 0, 0), 0xf01d);
    assert_int_equal(encode3(XTENSA_CALLX8, 8, 0, 0), 0x0008e0);
    assert_int_equal(encode3(XTENSA_CALLX8, 15, 0, 0), 0x000fe0);
    assert_int_equal(encode3(XTENSA_CALL8, 0, 0, 0), 0x000025);
    assert_int_equal(encode3(XTENSA_CALL8, -4, 0, 0), 0xffffe5);
    const int32_t bad[XTENSA_MAX_OPERANDS] = {1, 44, 0};
    uint32_t w;
    assert_false(xtensa_encode(XTENSA_ENTRY, bad, &w));
}

// ---------------------------------------------------------------------------
// Decoder round trip.

static void check_round_trip(int op, const int32_t *ops, void *ctx) {
    size_t *count = ctx;
    uint32_t w;
    assert_true(xtensa_encode((xtensa_op_t)op, ops, &w));
    uint8_t bytes[3];
    asm_test_word_bytes(w, xtensa_insn_table[op].size, bytes);
    xtensa_op_t got_op;
    uint32_t got_word;
    int32_t got_ops[XTENSA_MAX_OPERANDS];
    size_t n = dis_xtensa_one(bytes, xtensa_insn_table[op].size, &got_op, &got_word, got_ops);
    assert_int_equal(n, xtensa_insn_table[op].size);
    if ((int)got_op != op) {
        fail_msg("row %s: 0x%06x decodes as %s", xtensa_insn_table[op].name, w,
            got_op == XTENSA_NUM_OPS ? "nothing" : xtensa_insn_table[got_op].name);
    }
    for (int i = 0; i < XTENSA_MAX_OPERANDS; i++) {
        if (xtensa_form_fields[xtensa_insn_table[op].form][i].kind != XF_NONE && got_ops[i] != ops[i]) {
            fail_msg("row %s: operand %d is %d, decodes as %d", xtensa_insn_table[op].name, i, ops[i], got_ops[i]);
        }
    }
    (*count)++;
}

static void test_every_row_decodes_back_to_the_same_operands(void **state) {
    (void)state;
    asm_test_for_every_row(&table, check_round_trip, "round-tripped");
}

static void test_disassembly_reads_like_objdump(void **state) {
    (void)state;
    // The start of viper_int_arith's first function (xtensa): a j over one
    // literal, then the frame and a call through the function table.
    static const uint8_t code[] = {
        0x06, 0x01, 0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x12, 0xc1, 0xc0, 0x09, 0x01, 0x16, 0x23, 0x00,
        0x41, 0xfd, 0xff, 0x02, 0x2f, 0x2c, 0xc0, 0x00, 0x00, 0x0d, 0xf0, 0xff,
    };
    asm_test_assert_listing(dis_xtensa, code, sizeof(code), 0,
        "    0:\t000106    \tj\t0x8\n"
        "    4:\t00040004  \t.word\t0x40004\n"
        "    8:\tc0c112    \taddi\ta1, a1, -64\n"
        "    b:\t0109      \ts32i.n\ta0, a1, 0\n"
        "    d:\t002316    \tbeqz\ta3, 0x13\n"
        "   10:\tfffd41    \tl32r\ta4, 0x4\n"
        "   13:\t2c2f02    \tl32i\ta0, a15, 176\n"
        "   16:\t0000c0    \tcallx0\ta0\n"
        "   19:\tf00d      \tret.n\n"
        "   1b:\tff        \t.byte\t0xff\n");
}

// ---------------------------------------------------------------------------
// Instruction selection, checked against bytes of the official goldens.

typedef void (*emit_fn_t)(asm_xtensa_t *as);

// Runs fn in two compute passes (the second knows the literal pool's size)
// and an emit pass, and returns the code.
static buf_t assemble(emit_fn_t fn) {
    asm_xtensa_t as;
    assert_true(asm_xtensa_init(&as, 4));
    for (int pass = 0; pass < 3; pass++) {
        asm_xtensa_start_pass(&as, pass == 2 ? ASM_PASS_EMIT : ASM_PASS_COMPUTE);
        fn(&as);
        asm_xtensa_end_pass(&as);
    }
    buf_t out = asm_test_code_of(&as.base);
    asm_xtensa_deinit(&as);
    return out;
}

static void assert_code(buf_t code, const char *hex_bytes) {
    asm_test_assert_code(code, hex_bytes, 1, dis_xtensa);
}

static void entry_exit_0(asm_xtensa_t *as) {
    asm_xtensa_entry(as, 0);
    asm_xtensa_exit(as);
}

static void entry_exit_40(asm_xtensa_t *as) {
    asm_xtensa_entry(as, 40);
    asm_xtensa_exit(as);
}

static void entry_exit_win_0(asm_xtensa_t *as) {
    asm_xtensa_entry_win(as, 0);
    asm_xtensa_exit_win(as);
}

static void test_entry_saves_a0_and_a12_to_a15_below_the_locals(void **state) {
    (void)state;
    assert_code(assemble(entry_exit_0),
        "12 c1 e0 09 01 c9 11 d9 21 e9 31 f9 41 f8 41 e8 31 d8 21 c8 11 08 01 12 c1 20 0d f0");
    // 45 words: 192 bytes no longer fit addi, so a9 carries the size.
    assert_code(assemble(entry_exit_40),
        "92 a0 c0 90 11 c0 09 01 c9 11 d9 21 e9 31 f9 41 f8 41 e8 31 d8 21 c8 11 08 01 92 a0 c0 9a 11 0d f0");
    assert_code(assemble(entry_exit_win_0), "36 61 00 09 01 08 01 1d f0");
}

static void literal_function(asm_xtensa_t *as) {
    asm_xtensa_entry(as, 0);
    asm_xtensa_mov_reg_i32_optimised(as, ASM_XTENSA_REG_A2, 0x12345678);
    asm_xtensa_exit(as);
}

static void test_large_constants_come_from_the_literal_pool_before_the_code(void **state) {
    (void)state;
    // xt_mov_imm.xtensa.mpy, function large().
    assert_code(assemble(literal_function),
        "06 01 00 00 78 56 34 12 12 c1 e0 09 01 c9 11 d9 21 e9 31 f9 41 21 fb ff "
        "f8 41 e8 31 d8 21 c8 11 08 01 12 c1 20 0d f0");
}

static void constants(asm_xtensa_t *as) {
    asm_xtensa_mov_reg_i32_optimised(as, ASM_XTENSA_REG_A4, 2);
    asm_xtensa_mov_reg_i32_optimised(as, ASM_XTENSA_REG_A4, (uint32_t)-32);
    asm_xtensa_mov_reg_i32_optimised(as, ASM_XTENSA_REG_A4, 100);
    asm_xtensa_mov_reg_i32_optimised(as, ASM_XTENSA_REG_A4, (uint32_t)-2048);
}

static void test_small_constants_take_movi_n_or_movi(void **state) {
    (void)state;
    assert_code(assemble(constants), "0c 24 6c 04 42 a0 64 42 a8 00");
}

static void calls(asm_xtensa_t *as) {
    asm_xtensa_call_ind(as, 3);
    asm_xtensa_call_ind(as, 44);
    asm_xtensa_call_ind_win(as, 3);
}

static void test_calls_load_from_the_function_table(void **state) {
    (void)state;
    assert_code(assemble(calls), "08 3f c0 00 00 02 2f 2c c0 00 00 88 37 e0 08 00");
}

static void branches(asm_xtensa_t *as) {
    asm_xtensa_label_assign(as, 0);
    asm_xtensa_bccz_reg_label(as, ASM_XTENSA_CCZ_EQ, ASM_XTENSA_REG_A2, 0);   // backward: short
    asm_xtensa_bccz_reg_label(as, ASM_XTENSA_CCZ_NE, ASM_XTENSA_REG_A3, 1);   // forward: over a j
    asm_xtensa_bcc_reg_reg_label(as, ASM_XTENSA_CC_EQ, ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A4, 1);
    asm_xtensa_j_label(as, 0);
    asm_xtensa_label_assign(as, 1);
}

static void test_forward_branches_jump_over_a_j_and_backward_ones_are_short(void **state) {
    (void)state;
    assert_code(assemble(branches), "16 c2 ff 16 23 00 06 02 00 47 92 02 86 00 00 46 fb ff");
}

static void pcrel(asm_xtensa_t *as) {
    asm_xtensa_mov_reg_pcrel(as, ASM_XTENSA_REG_A12, 0);
    asm_xtensa_op16(as, 0xf03d);
    asm_xtensa_label_assign(as, 0);
}

static void test_mov_reg_pcrel_finds_pc_with_call0(void **state) {
    (void)state;
    // movi a12, 6; call0 to offset 8 (which leaves 6, its return address,
    // in a0); two pad bytes; add.n a12, a12, a0: a12 = 12, the label.
    assert_code(assemble(pcrel), "c2 a0 06 45 00 00 00 00 0a cc 3d f0");
}

static void far_loads_and_stores(asm_xtensa_t *as) {
    asm_xtensa_load_reg_reg_offset(as, ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A3, 300, 1);
    asm_xtensa_store_reg_reg_offset(as, ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A3, 300, 2);
    asm_xtensa_l32i_optimised(as, ASM_XTENSA_REG_A2, ASM_XTENSA_REG_A3, 15);
}

static void test_offsets_past_255_units_compute_the_address(void **state) {
    (void)state;
    // movi a2, 600; add.n a2, a3, a2; l16ui a2, a2, 0; the store goes
    // through a6 (movi a6, 1200; add.n a6, a3, a6; s32i.n a2, a6, 0).
    assert_code(assemble(far_loads_and_stores), "22 a2 58 2a 23 22 12 00 62 a4 b0 6a 63 29 06 28 f3");
}

static void inline_faults(asm_xtensa_t *as) {
    asm_xtensa_call0_label(as, 0);
    asm_xtensa_label_assign(as, 0);
}

static void test_a_misplaced_call0_records_the_official_fault(void **state) {
    (void)state;
    asm_xtensa_t as;
    assert_true(asm_xtensa_init(&as, 1));
    for (int pass = 0; pass < 2; pass++) {
        asm_xtensa_start_pass(&as, pass == 1 ? ASM_PASS_EMIT : ASM_PASS_COMPUTE);
        inline_faults(&as);
        assert_int_equal(as.fault, pass == 1 ? ASM_XTENSA_FAULT_TARGET_ALIGN : ASM_XTENSA_FAULT_NONE);
    }
    char text[80];
    asm_xtensa_fault_text(&as, text, sizeof(text));
    assert_string_equal(text, "ERROR: call0 target not word-aligned");
    asm_xtensa_deinit(&as);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_keeps_its_match_inside_its_mask),
        cmocka_unit_test(test_every_row_encodes_boundary_operands_like_gnu_as),
        cmocka_unit_test(test_windowed_rows_match_known_encodings),
        cmocka_unit_test(test_every_row_decodes_back_to_the_same_operands),
        cmocka_unit_test(test_disassembly_reads_like_objdump),
        cmocka_unit_test(test_entry_saves_a0_and_a12_to_a15_below_the_locals),
        cmocka_unit_test(test_large_constants_come_from_the_literal_pool_before_the_code),
        cmocka_unit_test(test_small_constants_take_movi_n_or_movi),
        cmocka_unit_test(test_calls_load_from_the_function_table),
        cmocka_unit_test(test_forward_branches_jump_over_a_j_and_backward_ones_are_short),
        cmocka_unit_test(test_mov_reg_pcrel_finds_pc_with_call0),
        cmocka_unit_test(test_offsets_past_255_units_compute_the_address),
        cmocka_unit_test(test_a_misplaced_call0_records_the_official_fault),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
