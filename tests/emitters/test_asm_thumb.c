// tests/emitters/test_asm_thumb.c: the Thumb table against GNU as, the
// decoder against the encoder, and the instruction selection against
// sequences seen in the official mpy-cross goldens.
#include <stdint.h>
#include <stdio.h>

#include "emitters/asm_thumb.h"
#include "tests/emitters/asm_test.h"
#include "tests/emitters/gas_batch.h"

// ---------------------------------------------------------------------------
// Boundary operands for each field kind: the first value is the default used
// while another operand is varied.

static asm_values_t field_values(const thumb_field_t *f, int index) {
    asm_values_t r = {{0}, 0};
    switch ((thumb_field_kind_t)f->kind) {
        case TF_REG:
            if (f->width == 3) {
                r = (asm_values_t){{index + 1, 0, 7}, 3};
            } else {
                r = (asm_values_t){{2 + 3 * index, 0, 7, 8, 12, 14}, 6};
            }
            break;
        case TF_REG_HI:
            r = (asm_values_t){{8, 0, 7, 12, 14}, 5};
            break;
        case TF_REG_X2:
            r = (asm_values_t){{3, 0, 8, 14}, 4};
            break;
        case TF_REG_NZCV:
            r = (asm_values_t){{0, 7, 14, 15}, 4};
            break;
        case TF_IMM: {
            int32_t max = ((INT32_C(1) << f->width) - 1) << f->aux;
            r = (asm_values_t){{(((INT32_C(1) << f->width) / 3) << f->aux), 0, max}, 3};
            break;
        }
        case TF_SHIFT32:
            r = (asm_values_t){{5, 1, 31, 32}, 4};
            break;
        case TF_BR: {
            int32_t lim = INT32_C(1) << f->width;
            r = (asm_values_t){{8, -lim, lim - 2, -2, 0}, 5};
            break;
        }
        case TF_BR_T3:
            r = (asm_values_t){{0x1234, -1048576, 1048574, -2, 0x54322, -0x2c72}, 6};
            break;
        case TF_BR_T4:
            r = (asm_values_t){{0x1234, -16777216, 16777214, -2, 0x654322, -0x2c72, 0x5432}, 7};
            break;
        case TF_IMM16:
            r = (asm_values_t){{0x1234, 0, 0xffff, 0x0800, 0xf00f}, 5};
            break;
        case TF_IMM12:
            r = (asm_values_t){{0x123, 0, 4095, 0x800}, 4};
            break;
        case TF_RLIST:
            r = (asm_values_t){{0x0101, 0x1f00, 0x4100, 0x1fff}, 4};
            break;
        case TF_RLIST_LR:
            r = (asm_values_t){{0x4003, 0x0001, 0x00ff, 0x4000, 0x40ff}, 5};
            break;
        case TF_RLIST_PC:
            r = (asm_values_t){{0x8003, 0x0001, 0x00ff, 0x8000, 0x80ff}, 5};
            break;
        case TF_COND:
            r = (asm_values_t){{0, 1, 10, 13}, 4};
            break;
        case TF_ITMASK:
            r = (asm_values_t){{8, 4, 12, 2, 1, 15}, 6};
            break;
        case TF_SREG:
            r = (asm_values_t){{3, 0, 1, 30, 31}, 5};
            break;
        case TF_SYSM:
            r = (asm_values_t){{5, 0, 8, 16, 17, 20}, 6};
            break;
        case TF_NONE:
            r = (asm_values_t){{0}, 1};
            break;
    }
    return r;
}

// Operand combinations GNU as would encode differently or refuse.
static bool combination_is_meaningful(thumb_op_t op, const int32_t *ops) {
    switch (op) {
        case THUMB_CMP_HI:
            // Two low registers select the 16-bit ALU compare instead.
            return ops[0] >= 8 || ops[1] >= 8;
        case THUMB_STREX:
            return ops[0] != ops[1] && ops[0] != ops[2];
        default:
            return true;
    }
}

static asm_values_t operand_values(int op, int i) {
    return field_values(&thumb_form_fields[thumb_insn_table[op].form][i], i);
}

static const asm_table_t table = {THUMB_NUM_OPS, THUMB_MAX_OPERANDS, operand_values};

// The bytes of an instruction word: a 32-bit one is two halfwords, the
// first (high) one first.
static void word_bytes(uint32_t w, int size, uint8_t *out) {
    asm_test_word_bytes(size == 4 ? w >> 16 | w << 16 : w, size, out);
}

// ---------------------------------------------------------------------------
// Table sanity.

static void test_every_row_keeps_its_match_inside_its_mask(void **state) {
    (void)state;
    for (int op = 0; op < THUMB_NUM_OPS; op++) {
        const thumb_insn_info_t *info = &thumb_insn_table[op];
        asm_test_assert_match_in_mask(info->name, info->match, info->mask);
        assert_true(info->size == 2 || info->size == 4);
        if (info->size == 4) {
            assert_true(thumb_is_32bit_prefix((uint16_t)(info->match >> 16)));
        } else {
            assert_false(thumb_is_32bit_prefix((uint16_t)info->match));
        }
    }
}

// ---------------------------------------------------------------------------
// Every row against GNU as.

// An IT instruction needs the conditional instructions it announces; each
// slot gets a nop with the slot's condition (same bits whatever the cond).
static void add_it_block_body(gas_batch_t *b, const int32_t *ops) {
    static const char *const conds[] = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge",
        "lt", "gt", "le"};
    int cond = ops[0];
    int mask = ops[1];
    int n_slots = 4 - __builtin_ctz((unsigned)mask);
    for (int i = 0; i < n_slots; i++) {
        int c = cond;
        if (i > 0 && ((mask >> (4 - i)) & 1) != (cond & 1)) {
            c ^= 1;
        }
        char text[16];
        snprintf(text, sizeof(text), "nop%s", conds[c]);
        uint8_t bytes[2];
        word_bytes(thumb_insn_table[THUMB_NOP].match, 2, bytes);
        gas_batch_add(b, bytes, 2, text);
    }
}

static void add_to_batch(int op, const int32_t *ops, void *ctx) {
    gas_batch_t *b = ctx;
    const thumb_insn_info_t *info = &thumb_insn_table[op];
    if (!combination_is_meaningful((thumb_op_t)op, ops)) {
        return;
    }
    uint32_t w;
    if (!thumb_encode((thumb_op_t)op, ops, &w)) {
        fail_msg("row %s refuses its own boundary operands %d, %d, %d, %d", info->name, ops[0], ops[1], ops[2],
            ops[3]);
    }
    char text[96];
    thumb_format_insn((thumb_op_t)op, ops, 0, true, text, sizeof(text));
    uint8_t bytes[4];
    word_bytes(w, info->size, bytes);
    gas_batch_add_row(b, op, bytes, info->size, text);
    if (op == THUMB_IT) {
        add_it_block_body(b, ops);
    }
}

static void test_every_row_encodes_boundary_operands_like_gnu_as(void **state) {
    (void)state;
    gas_batch_t b;
    gas_batch_init(&b, "\t.syntax unified\n\t.thumb\n\t.cpu cortex-m4\n\t.fpu fpv4-sp-d16\n\t.text\n\t.p2align 2\n");
    for (int op = 0; op < THUMB_NUM_OPS; op++) {
        asm_test_for_each_combination(&table, op, add_to_batch, &b);
    }
    gas_batch_check_with(&b, "arm-none-eabi-as", "arm-none-eabi-objcopy");
    assert_int_equal(b.n_rows, THUMB_NUM_OPS);
    gas_batch_deinit(&b);
}

// ---------------------------------------------------------------------------
// Decoder round trip.

static void check_round_trip(int op, const int32_t *ops, void *ctx) {
    size_t *count = ctx;
    if (!combination_is_meaningful((thumb_op_t)op, ops)) {
        return;
    }
    uint32_t w;
    assert_true(thumb_encode((thumb_op_t)op, ops, &w));
    uint8_t bytes[4];
    word_bytes(w, thumb_insn_table[op].size, bytes);
    thumb_op_t got_op;
    uint32_t got_word;
    int32_t got_ops[THUMB_MAX_OPERANDS];
    size_t n = dis_thumb_one(bytes, thumb_insn_table[op].size, &got_op, &got_word, got_ops);
    assert_int_equal(n, thumb_insn_table[op].size);
    if (got_op == THUMB_NUM_OPS) {
        fail_msg("row %s: 0x%08x does not decode", thumb_insn_table[op].name, w);
    }
    uint32_t again;
    assert_true(thumb_encode(got_op, got_ops, &again));
    if (again != w) {
        fail_msg("row %s: 0x%08x decodes as %s and re-encodes as 0x%08x", thumb_insn_table[op].name, w,
            thumb_insn_table[got_op].name, again);
    }
    // Rows that are aliases of an earlier row (lsls #0 is movs) may decode
    // as that row; all others must come back as themselves.
    if ((int)got_op != op && !(op == THUMB_LSL_I && ops[2] == 0)) {
        fail_msg("row %s decodes as %s", thumb_insn_table[op].name, thumb_insn_table[got_op].name);
    }
    (*count)++;
}

static void test_every_row_decodes_back_to_the_same_word(void **state) {
    (void)state;
    asm_test_for_every_row(&table, check_round_trip, "round-tripped");
}

static void test_disassembly_reads_like_objdump(void **state) {
    (void)state;
    static const uint8_t code[] = {0xfe, 0xb5, 0x82, 0xb0, 0x40, 0xf2, 0x02, 0x02, 0xd7, 0xf8, 0xb0, 0x30,
        0x98, 0x47, 0x7d, 0xf4, 0xc7, 0xa9, 0xff, 0xff};
    asm_test_assert_listing(dis_thumb, code, sizeof(code), 0x2ca4,
        " 2ca4:\tb5fe      \tpush\t{r1, r2, r3, r4, r5, r6, r7, lr}\n"
        " 2ca6:\tb082      \tsub\tsp, #8\n"
        " 2ca8:\tf240 0202 \tmovw\tr2, #2\n"
        " 2cac:\tf8d7 30b0 \tldr.w\tr3, [r7, #176]\n"
        " 2cb0:\t4798      \tblx\tr3\n"
        " 2cb2:\tf47d a9c7 \tbne.w\t0x44\n"
        " 2cb6:\tffff      \t.short\t0xffff\n");
}

// ---------------------------------------------------------------------------
// Instruction selection, checked against bytes of the official goldens.

typedef void (*emit_fn_t)(asm_thumb_t *as);

// Runs fn in a compute pass and an emit pass and returns the code.
static buf_t assemble(bool armv7m, emit_fn_t fn) {
    asm_thumb_t as;
    assert_true(asm_thumb_init(&as, 4, armv7m));
    asm_thumb_start_pass(&as, ASM_PASS_COMPUTE);
    fn(&as);
    asm_thumb_start_pass(&as, ASM_PASS_EMIT);
    fn(&as);
    buf_t out = asm_test_code_of(&as.base);
    asm_thumb_deinit(&as);
    return out;
}

static void assert_code(buf_t code, const char *hex_halfwords) {
    asm_test_assert_code(code, hex_halfwords, 2, dis_thumb);
}

static void entry_exit_5(asm_thumb_t *as) {
    asm_thumb_entry(as, 5);
    asm_thumb_exit(as);
}

static void entry_exit_0(asm_thumb_t *as) {
    asm_thumb_entry(as, 0);
    asm_thumb_exit(as);
}

static void entry_exit_300(asm_thumb_t *as) {
    asm_thumb_entry(as, 300);
    asm_thumb_exit(as);
}

static void test_entry_pushes_r1_to_r7_and_reserves_locals(void **state) {
    (void)state;
    assert_code(assemble(true, entry_exit_5), "b5fe b082 b002 bdfe");
    assert_code(assemble(true, entry_exit_0), "b5f2 bdf2");
    // 298 words: one subw on armv7m, 127-word steps on armv6m.
    assert_code(assemble(true, entry_exit_300), "b5fe f2ad 4da8 f20d 4da8 bdfe");
    assert_code(assemble(false, entry_exit_300), "b5fe b0ff b0ff b0ac b07f b07f b02c bdfe");
}

static void consts_v7m(asm_thumb_t *as) {
    asm_thumb_mov_reg_i32_optimised(as, 0, 5);
    asm_thumb_mov_reg_i32_optimised(as, 8, 5);
    asm_thumb_mov_reg_i32_optimised(as, 1, 0x1234);
    asm_thumb_mov_reg_i32_optimised(as, 2, 0x20002);
}

static void consts_v6m(asm_thumb_t *as) {
    asm_thumb_mov_reg_i32_optimised(as, 0, 0x100);
    asm_thumb_mov_reg_i32_optimised(as, 0, -1);
    asm_thumb_mov_reg_i32_optimised(as, 0, 0x1234);
    asm_thumb_mov_reg_i32_optimised(as, 3, 0x12345678);
}

static void test_constants_take_the_shortest_sequence(void **state) {
    (void)state;
    assert_code(assemble(true, consts_v7m), "2005 f240 0805 f241 2134 f240 0202 f2c0 0202");
    // armv6m: shifted byte, negated byte, three-step 16-bit, then a
    // word-aligned literal load jumped over.
    assert_code(assemble(false, consts_v6m), "2001 0200 2001 0000 4240 2012 0200 3034 4b00 e001 5678 1234");
}

static void bl_ind_v7m(asm_thumb_t *as) {
    asm_thumb_bl_ind(as, 44, 3);
}

static void bl_ind_v6m(asm_thumb_t *as) {
    asm_thumb_bl_ind(as, 45, 4);
}

static void test_bl_ind_loads_from_the_function_table(void **state) {
    (void)state;
    assert_code(assemble(true, bl_ind_v7m), "f8d7 30b0 4798");
    assert_code(assemble(false, bl_ind_v6m), "463c 3438 6fe4 47a0");
}

static void branches_v7m(asm_thumb_t *as) {
    asm_thumb_label_assign(as, 0);
    asm_thumb_b_label(as, 0);          // backward, in range: b.n
    asm_thumb_bcc_label(as, ASM_THUMB_CC_NE, 0);
    asm_thumb_b_label(as, 1);          // forward: always b.w
    asm_thumb_bcc_label(as, ASM_THUMB_CC_EQ, 1);
    asm_thumb_label_assign(as, 1);
}

static void test_forward_jumps_are_wide_and_backward_ones_short(void **state) {
    (void)state;
    assert_code(assemble(true, branches_v7m), "e7fe d1fd f000 b802 f000 8000");
}

// Reproduces the armv6m long jump of native_long_branches.armv6m.mpy: a
// forward jump at 0x2a to 0xa78 is a literal added to pc.
static void long_jump_v6m(asm_thumb_t *as) {
    for (int i = 0; i < 0x2a / 2; i++) {
        asm_thumb_op16(as, 0xbf00);
    }
    asm_thumb_b_label(as, 0);
    while (as->base.code_offset < 0xa78) {
        asm_thumb_op16(as, 0xbf00);
    }
    asm_thumb_label_assign(as, 0);
    asm_thumb_bcc_label(as, ASM_THUMB_CC_EQ, 1);
    asm_thumb_label_assign(as, 1);
}

static void test_armv6m_long_jump_adds_a_literal_to_pc(void **state) {
    (void)state;
    buf_t code = assemble(false, long_jump_v6m);
    static const uint8_t at_2a[] = {0x00, 0xbf, 0x00, 0x49, 0x8f, 0x44, 0x46, 0x0a, 0x00, 0x00};
    assert_memory_equal(code.data + 0x2a, at_2a, sizeof(at_2a));
    // The conditional forward branch: inverted condition over b.n + nops.
    static const uint8_t at_a78[] = {0x04, 0xd1, 0x03, 0xe0, 0x00, 0xbf, 0x00, 0xbf, 0x00, 0xbf};
    assert_memory_equal(code.data + 0xa78, at_a78, sizeof(at_a78));
    buf_deinit(&code);
}

static void test_inline_branches_report_out_of_range(void **state) {
    (void)state;
    asm_thumb_t as;
    assert_true(asm_thumb_init(&as, 1, true));
    for (int pass = ASM_PASS_COMPUTE; pass <= ASM_PASS_EMIT; pass++) {
        asm_thumb_start_pass(&as, (asm_pass_t)pass);
        bool ok = asm_thumb_bcc_nw_label(&as, ASM_THUMB_CC_EQ, 0, false);
        assert_true(pass == ASM_PASS_COMPUTE ? ok : !ok);
        for (int i = 0; i < 200; i++) {
            asm_thumb_op16(&as, 0xbf00);
        }
        asm_thumb_label_assign(&as, 0);
    }
    asm_thumb_deinit(&as);
}

static void test_too_many_locals_is_reported_in_the_emit_pass(void **state) {
    (void)state;
    asm_thumb_t as;
    assert_true(asm_thumb_init(&as, 0, true));
    asm_thumb_start_pass(&as, ASM_PASS_COMPUTE);
    asm_thumb_mov_reg_local(&as, 0, 256);
    assert_int_equal(as.base.error, ASM_OK);
    asm_thumb_start_pass(&as, ASM_PASS_EMIT);
    asm_thumb_mov_reg_local(&as, 0, 256);
    assert_int_equal(as.base.error, ASM_ERR_TOO_MANY_LOCALS);
    assert_string_equal(asm_error_text(as.base.error), "too many locals for native method");
    asm_thumb_deinit(&as);
}

static void test_a_label_that_moves_between_passes_is_an_error(void **state) {
    (void)state;
    asm_thumb_t as;
    assert_true(asm_thumb_init(&as, 1, true));
    asm_thumb_start_pass(&as, ASM_PASS_COMPUTE);
    asm_thumb_label_assign(&as, 0);
    asm_thumb_start_pass(&as, ASM_PASS_EMIT);
    asm_thumb_op16(&as, 0xbf00);
    asm_thumb_label_assign(&as, 0);
    assert_int_equal(as.base.error, ASM_ERR_LABEL_MOVED);
    asm_thumb_deinit(&as);
}

static void test_it_mask_follows_the_suffix(void **state) {
    (void)state;
    assert_int_equal(asm_thumb_it_mask(ASM_THUMB_CC_EQ, ""), 8);
    assert_int_equal(asm_thumb_it_mask(ASM_THUMB_CC_GE, "e"), 4 | 8);
    assert_int_equal(asm_thumb_it_mask(ASM_THUMB_CC_GE, "t"), 4);
    assert_int_equal(asm_thumb_it_mask(ASM_THUMB_CC_NE, "te"), 0xa);
    assert_int_equal(asm_thumb_it_mask(ASM_THUMB_CC_EQ, "x"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_keeps_its_match_inside_its_mask),
        cmocka_unit_test(test_every_row_encodes_boundary_operands_like_gnu_as),
        cmocka_unit_test(test_every_row_decodes_back_to_the_same_word),
        cmocka_unit_test(test_disassembly_reads_like_objdump),
        cmocka_unit_test(test_entry_pushes_r1_to_r7_and_reserves_locals),
        cmocka_unit_test(test_constants_take_the_shortest_sequence),
        cmocka_unit_test(test_bl_ind_loads_from_the_function_table),
        cmocka_unit_test(test_forward_jumps_are_wide_and_backward_ones_short),
        cmocka_unit_test(test_armv6m_long_jump_adds_a_literal_to_pc),
        cmocka_unit_test(test_inline_branches_report_out_of_range),
        cmocka_unit_test(test_too_many_locals_is_reported_in_the_emit_pass),
        cmocka_unit_test(test_a_label_that_moves_between_passes_is_an_error),
        cmocka_unit_test(test_it_mask_follows_the_suffix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
