// tests/emitters/test_asm_rv32.c: the RV32 table against GNU as (every
// row with boundary operands), the decoder against the encoder, Zcmp rows
// against encodings from the specification, and the instruction selection
// against sequences seen in the official mpy-cross goldens.
#include <stdint.h>
#include <stdio.h>

#include "emitters/asm_rv32.h"
#include "tests/emitters/asm_test.h"
#include "tests/emitters/gas_batch.h"

// ---------------------------------------------------------------------------
// Boundary operands for each operand of a row: the first value is the
// default used while another operand is varied. Immediates are probed for
// their alignment and range through rv32_operand_fits, so the candidates
// follow the table rather than a second copy of it.

static void add_value(asm_values_t *r, rv32_op_t op, int index, int32_t v) {
    for (int i = 0; i < r->n; i++) {
        if (r->v[i] == v) {
            return;
        }
    }
    if (r->n < 8 && rv32_operand_fits(op, index, v)) {
        r->v[r->n++] = v;
    }
}

// The smallest power of two the immediate may be (its alignment).
static int32_t imm_step(rv32_op_t op, int index) {
    for (int k = 0; k < 8; k++) {
        if (rv32_operand_fits(op, index, INT32_C(1) << k)) {
            return INT32_C(1) << k;
        }
    }
    return 1;
}

static asm_values_t imm_values(rv32_op_t op, int index, const rv32_field_t *f) {
    asm_values_t r = {{0}, 0};
    int32_t step = imm_step(op, index);
    int32_t top = f->bits >= 31 ? INT32_MAX : (INT32_C(1) << (f->is_signed ? f->bits - 1 : f->bits)) - 1;
    int32_t max = top & ~(step - 1);
    rv32_form_t form = (rv32_form_t)rv32_insn_table[op].form;
    // Shift amounts of 0 are the c.slli64-style hints GNU as spells apart.
    bool zero_is_hint = form == RV32_FORM_CSH || form == RV32_FORM_CBSH;
    add_value(&r, op, index, (max / 3) & ~(step - 1));
    add_value(&r, op, index, max);
    add_value(&r, op, index, step);
    if (!zero_is_hint) {
        add_value(&r, op, index, 0);
    }
    if (f->is_signed) {
        add_value(&r, op, index, -max - step);
        add_value(&r, op, index, -step);
    }
    if (r.n == 0) {
        add_value(&r, op, index, step);
    }
    return r;
}

static asm_values_t field_values(int op, int index) {
    const rv32_field_t *f = &rv32_form_fields[rv32_insn_table[op].form][index];
    asm_values_t r = {{0}, 0};
    switch ((rv32_kind_t)f->kind) {
        case RVK_REG:
            r = (asm_values_t){{5 + 6 * index, 0, 1, 31}, 4};
            break;
        case RVK_REG_NZ:
            r = (asm_values_t){{10 + index, 1, 8, 31}, 4};
            break;
        case RVK_REG_NZSP:
            r = (asm_values_t){{10, 1, 3, 31}, 4};
            break;
        case RVK_CREG:
            r = (asm_values_t){{9 + index, 8, 15}, 3};
            break;
        case RVK_RLIST:
            r = (asm_values_t){{7, 4, 5, 6, 15}, 5};
            break;
        case RVK_SREG:
            r = (asm_values_t){{8 + index, 9, 18, 23}, 4};
            break;
        case RVK_IMM:
        case RVK_NZIMM:
        case RVK_SPIMM:
            r = imm_values((rv32_op_t)op, index, f);
            break;
        case RVK_NONE:
            r = (asm_values_t){{0}, 1};
            break;
    }
    return r;
}

static const asm_table_t table = {RV32_NUM_OPS, RV32_MAX_OPERANDS, field_values};

// ---------------------------------------------------------------------------
// Table sanity.

static void test_every_row_keeps_its_match_inside_its_mask(void **state) {
    (void)state;
    for (int op = 0; op < RV32_NUM_OPS; op++) {
        const rv32_insn_info_t *info = &rv32_insn_table[op];
        asm_test_assert_match_in_mask(info->name, info->match, info->mask);
        assert_true(info->size == 2 || info->size == 4);
        assert_int_equal(rv32_is_16bit((uint16_t)info->match), info->size == 2);
        if (info->size == 2) {
            assert_true(info->match <= 0xffff && info->mask <= 0xffff);
        }
    }
}

// ---------------------------------------------------------------------------
// Every row against GNU as. Compressed rows are written with their c.
// mnemonics under .option rvc, the others under .option norvc so that as
// does not pick a compressed form itself. GNU binutils 2.40 has no Zcmp.

typedef struct batch_ctx {
    gas_batch_t batch;
    bool last_was_16bit;
} batch_ctx_t;

static void add_to_batch(int op, const int32_t *ops, void *ctx) {
    batch_ctx_t *b = ctx;
    const rv32_insn_info_t *info = &rv32_insn_table[op];
    uint32_t w;
    if (!rv32_encode((rv32_op_t)op, ops, &w)) {
        fail_msg("row %s refuses its own boundary operands %d, %d, %d", info->name, ops[0], ops[1], ops[2]);
    }
    bool is_16bit = info->size == 2;
    if (is_16bit != b->last_was_16bit) {
        buf_printf(&b->batch.src, "\t.option %s\n", is_16bit ? "rvc" : "norvc");
        b->last_was_16bit = is_16bit;
    }
    char text[80];
    rv32_format_insn((rv32_op_t)op, ops, 0, true, text, sizeof(text));
    uint8_t bytes[4];
    asm_test_word_bytes(w, info->size, bytes);
    gas_batch_add_row(&b->batch, op, bytes, info->size, text);
}

static void test_every_row_encodes_boundary_operands_like_gnu_as(void **state) {
    (void)state;
    if (system("command -v riscv64-unknown-elf-as >/dev/null 2>&1") != 0) {
        fail_msg("riscv64-unknown-elf-as not found: install binutils-riscv64-unknown-elf to run this test");
    }
    batch_ctx_t b;
    memset(&b, 0, sizeof(b));
    gas_batch_init(&b.batch, "\t.option norelax\n\t.option norvc\n\t.text\n");
    size_t n_gas_rows = 0;
    for (int op = 0; op < RV32_NUM_OPS; op++) {
        if (rv32_insn_table[op].ext == RV32_EXT_ZCMP) {
            continue;
        }
        n_gas_rows++;
        asm_test_for_each_combination(&table, op, add_to_batch, &b);
    }
    gas_batch_check_with(&b.batch, "riscv64-unknown-elf-as -march=rv32imc_zicsr_zba", "riscv64-unknown-elf-objcopy");
    assert_int_equal(b.batch.n_rows, n_gas_rows);
    gas_batch_deinit(&b.batch);
}

// Zcmp encodings from the specification's examples (as LLVM's tests give
// them): cm.popret {ra}, 16; cm.mvsa01 s1, s0; cm.mva01s s1, s0; and the
// layout for cm.push {ra, s0-s11}, -112 (rlist 15, two extra chunks).
static void test_zcmp_rows_encode_as_the_specification_says(void **state) {
    (void)state;
    static const struct {
        rv32_op_t op;
        int32_t ops[3];
        uint32_t want;
    } cases[] = {
        {RV32_CM_POPRET, {4, 0, 0}, 0xbe42},
        {RV32_CM_MVSA01, {ASM_RV32_REG_S1, ASM_RV32_REG_S0, 0}, 0xaca2},
        {RV32_CM_MVA01S, {ASM_RV32_REG_S1, ASM_RV32_REG_S0, 0}, 0xace2},
        {RV32_CM_PUSH, {15, 2, 0}, 0xb8fa},
        {RV32_CM_POP, {6, 1, 0}, 0xba66},
        {RV32_CM_POPRETZ, {5, 3, 0}, 0xbc5e},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t w;
        assert_true(rv32_encode(cases[i].op, cases[i].ops, &w));
        assert_int_equal(w, cases[i].want);
    }
    char text[80];
    rv32_format_insn(RV32_CM_PUSH, cases[3].ops, 0, false, text, sizeof(text));
    assert_string_equal(text, "cm.push {ra, s0-s11},-96");
    const int32_t bad_sreg[3] = {ASM_RV32_REG_S8, ASM_RV32_REG_S0, 0};
    uint32_t w;
    assert_false(rv32_encode(RV32_CM_MVSA01, bad_sreg, &w));
}

// ---------------------------------------------------------------------------
// Decoder round trip.

static void check_round_trip(int op, const int32_t *ops, void *ctx) {
    size_t *count = ctx;
    const rv32_insn_info_t *info = &rv32_insn_table[op];
    uint32_t w;
    assert_true(rv32_encode((rv32_op_t)op, ops, &w));
    uint8_t bytes[4];
    asm_test_word_bytes(w, info->size, bytes);
    rv32_op_t got_op;
    uint32_t got_word;
    int32_t got_ops[RV32_MAX_OPERANDS];
    size_t n = dis_rv32_one(bytes, info->size, &got_op, &got_word, got_ops);
    assert_int_equal(n, info->size);
    if ((int)got_op != op) {
        fail_msg("row %s: 0x%08x decodes as %s", info->name, w,
            got_op == RV32_NUM_OPS ? "nothing" : rv32_insn_table[got_op].name);
    }
    for (int i = 0; i < RV32_MAX_OPERANDS; i++) {
        if (got_ops[i] != ops[i] && rv32_form_fields[info->form][i].kind != RVK_NONE) {
            fail_msg("row %s: operand %d is %d, decodes as %d", info->name, i, ops[i], got_ops[i]);
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
    // The start of sum_squares in native_arith_loop.rv32imc.mpy.
    static const uint8_t code[] = {0x13, 0x01, 0x81, 0xfb, 0x06, 0xc0, 0x44, 0x41, 0x03, 0xaa, 0x84, 0x00,
        0x63, 0x16, 0x05, 0x00, 0x45, 0xf9, 0x37, 0x06, 0x04, 0x00, 0xff, 0xff};
    asm_test_assert_listing(dis_rv32, code, sizeof(code), 4,
        "    4:\tfb810113          \taddi\tsp,sp,-72\n"
        "    8:\tc006                \tc.swsp\tra,0(sp)\n"
        "    a:\t4144                \tc.lw\ts1,4(a0)\n"
        "    c:\t0084aa03          \tlw\ts4,8(s1)\n"
        "   10:\t00051663          \tbne\ta0,zero,0x1c\n"
        "   14:\tf945                \tc.bnez\ta0,0xffffffc4\n"
        "   16:\t00040637          \tlui\ta2,0x40\n"
        "   1a:\tffff                \t.short\t0xffff\n");
}

// ---------------------------------------------------------------------------
// Instruction selection, checked against bytes of the official goldens.

typedef void (*emit_fn_t)(asm_rv32_t *as);

// Runs fn in a compute pass and an emit pass and returns the code.
static buf_t assemble_with(uint32_t flags, uint32_t saved_regs, emit_fn_t fn) {
    asm_rv32_t as;
    assert_true(asm_rv32_init(&as, 4, flags));
    as.saved_regs = saved_regs;
    asm_rv32_start_pass(&as, ASM_PASS_COMPUTE);
    fn(&as);
    asm_rv32_start_pass(&as, ASM_PASS_EMIT);
    fn(&as);
    buf_t out = asm_test_code_of(&as.base);
    asm_rv32_deinit(&as);
    return out;
}

static buf_t assemble(emit_fn_t fn) {
    return assemble_with(0, 0, fn);
}

// Compares with bytes written as hex pairs, in memory order.
static void assert_code(buf_t code, const char *hex_bytes) {
    asm_test_assert_code(code, hex_bytes, 1, dis_rv32);
}

static void entry_exit_13(asm_rv32_t *as) {
    asm_rv32_entry(as, 13);
    asm_rv32_exit(as);
}

static void test_entry_saves_the_used_registers_below_the_locals(void **state) {
    (void)state;
    // sum_squares: ra (a call was seen) and s1..s4, 13 words of locals.
    assert_code(assemble_with(0, 1u << ASM_RV32_REG_RA, entry_exit_13),
        "13 01 81 fb 06 c0 26 c2 4a c4 4e c6 52 c8 "
        "82 40 92 44 22 49 b2 49 42 4a 13 01 81 04 82 80");
}

// With Zcmp: ra, s0..s4 are six registers (a 32-byte save area with two
// words of slack); 11 more words of locals are two 16-byte chunks of
// cm.push and 12 bytes more.
static void test_zcmp_entry_pushes_and_pops_with_cm_instructions(void **state) {
    (void)state;
    uint32_t w_push;
    uint32_t w_pop;
    const int32_t push_ops[3] = {9, 2, 0};
    assert_true(rv32_encode(RV32_CM_PUSH, push_ops, &w_push));
    assert_true(rv32_encode(RV32_CM_POPRET, push_ops, &w_pop));
    char want[80];
    snprintf(want, sizeof(want), "%02x %02x 51 11 31 01 %02x %02x", w_push & 0xff, w_push >> 8, w_pop & 0xff,
        w_pop >> 8);
    assert_code(assemble_with(ASM_RV32_FLAG_ZCMP, 1u << ASM_RV32_REG_RA, entry_exit_13), want);
}

static void calls(asm_rv32_t *as) {
    asm_rv32_call_ind(as, 45);
    asm_rv32_call_ind(as, 5);
}

static void test_calls_go_through_the_function_table(void **state) {
    (void)state;
    // lw t3,180(s1); c.jalr t3; then c.lw s0,20(s1); c.jalr s0.
    assert_code(assemble(calls), "03 ae 44 0b 02 9e c0 48 02 94");
    asm_rv32_t as;
    assert_true(asm_rv32_init(&as, 0, 0));
    asm_rv32_call_ind(&as, 5);
    assert_int_equal(as.saved_regs, 1u << ASM_RV32_REG_RA | 1u << ASM_RV32_REG_S0);
    asm_rv32_deinit(&as);
}

static void consts(asm_rv32_t *as) {
    asm_rv32_mov_reg_imm(as, ASM_RV32_REG_A0, -32);
    asm_rv32_mov_reg_imm(as, ASM_RV32_REG_A2, 100);
    asm_rv32_mov_reg_imm(as, ASM_RV32_REG_A2, 10000);
    asm_rv32_mov_reg_imm(as, ASM_RV32_REG_A2, 100000);
    asm_rv32_mov_reg_imm(as, ASM_RV32_REG_A2, 0x40004);
}

static void test_constants_take_the_shortest_sequence(void **state) {
    (void)state;
    // c.li; addi; c.lui + addi; lui + addi; lui + c.addi (viper goldens).
    assert_code(assemble(consts),
        "01 55 13 06 40 06 09 66 13 06 06 71 37 86 01 00 13 06 06 6a 37 06 04 00 11 06");
}

static void jumps(asm_rv32_t *as) {
    asm_rv32_label_assign(as, 0);
    asm_rv32_insn(as, RV32_C_NOP, 0, 0, 0);
    asm_rv32_jump(as, 0);                                 // back: c.j
    asm_rv32_jump_if_nonzero(as, ASM_RV32_REG_A0, 0);     // back, C window: c.bnez
    asm_rv32_jump_if_nonzero(as, ASM_RV32_REG_S3, 0);     // back: bne
    asm_rv32_jump_if_eq(as, ASM_RV32_REG_A0, ASM_RV32_REG_ZERO, 1);  // forward: bne + auipc + jalr
    asm_rv32_label_assign(as, 1);
}

static void test_forward_jumps_are_long_and_backward_ones_short(void **state) {
    (void)state;
    assert_code(assemble(jumps), "01 00 fd bf 75 fd e3 9d 09 fe 63 16 05 00 17 0e 00 00 67 00 8e 00");
}

static void far_back(asm_rv32_t *as) {
    asm_rv32_label_assign(as, 0);
    for (int i = 0; i < 2100; i++) {
        asm_rv32_c_li(as, ASM_RV32_REG_A1, 1);
    }
    asm_rv32_jump_if_nonzero(as, ASM_RV32_REG_A0, 0);
}

static void test_far_backward_branch_skips_a_long_jump(void **state) {
    (void)state;
    buf_t code = assemble(far_back);
    // c.beqz a0, +10; auipc t3, -1; jalr zero, -106(t3): back 4202 bytes
    // from the auipc.
    static const uint8_t tail[] = {0x09, 0xc5, 0x17, 0xfe, 0xff, 0xff, 0x67, 0x00, 0x6e, 0xf9};
    assert_int_equal(code.len, 4200 + sizeof(tail));
    assert_memory_equal(code.data + 4200, tail, sizeof(tail));
    buf_deinit(&code);
}

static void indexed(asm_rv32_t *as) {
    asm_rv32_load_reg_reg_reg(as, ASM_RV32_REG_A0, ASM_RV32_REG_A0, ASM_RV32_REG_T1, 1);
}

static void test_indexed_loads_scale_the_index_into_t3(void **state) {
    (void)state;
    // viper_ptr16: slli t3,t1,1; c.add t3,a0; lhu a0,0(t3).
    assert_code(assemble(indexed), "13 1e 13 00 2a 9e 03 55 0e 00");
    // With Zba: sh1add t3, t1, a0 instead of the shift and add.
    assert_code(assemble_with(ASM_RV32_FLAG_ZBA, 0, indexed), "33 2e a3 20 03 55 0e 00");
}

static void compares(asm_rv32_t *as) {
    asm_rv32_set_le(as, ASM_RV32_REG_A0, ASM_RV32_REG_A1, ASM_RV32_REG_S2, false);
    asm_rv32_set_eq(as, ASM_RV32_REG_A0, ASM_RV32_REG_A1, ASM_RV32_REG_S2);
    asm_rv32_set_ne(as, ASM_RV32_REG_A0, ASM_RV32_REG_S2, ASM_RV32_REG_A1);
}

static void test_comparisons_set_zero_or_one(void **state) {
    (void)state;
    // viper_compare: slt + xori; sub + sltiu; sub + sltu.
    assert_code(assemble(compares), "33 25 b9 00 13 45 15 00 33 85 25 41 13 35 15 00 33 05 b9 40 33 35 a0 00");
}

static void far_locals(asm_rv32_t *as) {
    asm_rv32_mov_local_reg(as, 261, ASM_RV32_REG_T1);   // 1044 bytes: sw
    asm_rv32_mov_local_reg(as, 1200, ASM_RV32_REG_T1);  // 4800 bytes: c.lui + c.add + sw
    asm_rv32_mov_reg_local_addr(as, ASM_RV32_REG_A0, 5);
}

static void test_far_locals_go_through_t3(void **state) {
    (void)state;
    assert_code(assemble(far_locals), "23 2a 61 40 05 6e 0a 9e 23 20 6e 2c 48 08");
}

static void test_bad_operands_are_reported_in_the_emit_pass(void **state) {
    (void)state;
    asm_rv32_t as;
    assert_true(asm_rv32_init(&as, 0, 0));
    asm_rv32_start_pass(&as, ASM_PASS_COMPUTE);
    assert_false(asm_rv32_insn(&as, RV32_C_LW, ASM_RV32_REG_A0, ASM_RV32_REG_T0, 0));
    assert_int_equal(as.base.error, ASM_OK);
    asm_rv32_start_pass(&as, ASM_PASS_EMIT);
    assert_false(asm_rv32_insn(&as, RV32_C_LW, ASM_RV32_REG_A0, ASM_RV32_REG_T0, 0));
    assert_int_equal(as.base.error, ASM_ERR_BAD_OPERAND);
    assert_int_equal(as.base.code_offset, 2);
    asm_rv32_deinit(&as);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_keeps_its_match_inside_its_mask),
        cmocka_unit_test(test_every_row_encodes_boundary_operands_like_gnu_as),
        cmocka_unit_test(test_zcmp_rows_encode_as_the_specification_says),
        cmocka_unit_test(test_every_row_decodes_back_to_the_same_operands),
        cmocka_unit_test(test_disassembly_reads_like_objdump),
        cmocka_unit_test(test_entry_saves_the_used_registers_below_the_locals),
        cmocka_unit_test(test_zcmp_entry_pushes_and_pops_with_cm_instructions),
        cmocka_unit_test(test_calls_go_through_the_function_table),
        cmocka_unit_test(test_constants_take_the_shortest_sequence),
        cmocka_unit_test(test_forward_jumps_are_long_and_backward_ones_short),
        cmocka_unit_test(test_far_backward_branch_skips_a_long_jump),
        cmocka_unit_test(test_indexed_loads_scale_the_index_into_t3),
        cmocka_unit_test(test_comparisons_set_zero_or_one),
        cmocka_unit_test(test_far_locals_go_through_t3),
        cmocka_unit_test(test_bad_operands_are_reported_in_the_emit_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
