// tests/mpyformat/test_disasm.c: the disassembly of small known programs,
// instruction by instruction, and the prelude and line-table decoders.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mpyformat/mpyformat.h"

// The official mpy-cross output for
//   def f(x):
//       return x * 2
//   for i in range(3):
//       print(i, f(i))
//   if f(2) == 4:
//       print("four")
//   print("no newline at end")
// (corpus/bytecode/lex_no_trailing_newline.mpy; the comment is line 1).
static const uint8_t loop_program[] = {
    0x4d, 0x06, 0x00, 0x1f, 0x07, 0x01, 0x34, 0x6c, 0x65, 0x78, 0x5f, 0x6e,
    0x6f, 0x5f, 0x74, 0x72, 0x61, 0x69, 0x6c, 0x69, 0x6e, 0x67, 0x5f, 0x6e,
    0x65, 0x77, 0x6c, 0x69, 0x6e, 0x65, 0x2e, 0x70, 0x79, 0x00, 0x0f, 0x08,
    0x66, 0x6f, 0x75, 0x72, 0x00, 0x02, 0x66, 0x00, 0x02, 0x69, 0x00, 0x81,
    0x77, 0x02, 0x78, 0x00, 0x05, 0x11, 0x6e, 0x6f, 0x20, 0x6e, 0x65, 0x77,
    0x6c, 0x69, 0x6e, 0x65, 0x20, 0x61, 0x74, 0x20, 0x65, 0x6e, 0x64, 0x00,
    0x84, 0x0c, 0x20, 0x0e, 0x01, 0x20, 0x44, 0x26, 0x35, 0x29, 0x27, 0x32,
    0x00, 0x16, 0x03, 0x80, 0x42, 0x52, 0x57, 0x16, 0x04, 0x11, 0x05, 0x11,
    0x04, 0x11, 0x03, 0x11, 0x04, 0x34, 0x01, 0x34, 0x02, 0x59, 0x81, 0xe5,
    0x57, 0x83, 0xd7, 0x43, 0x29, 0x59, 0x11, 0x03, 0x82, 0x34, 0x01, 0x84,
    0xd9, 0x44, 0x47, 0x11, 0x05, 0x10, 0x02, 0x34, 0x01, 0x59, 0x11, 0x05,
    0x23, 0x00, 0x34, 0x01, 0x59, 0x51, 0x63, 0x01, 0x48, 0x11, 0x06, 0x03,
    0x06, 0x40, 0xb0, 0x82, 0xf4, 0x63,
};

typedef struct expected_insn {
    size_t offset;   // from the first opcode
    size_t line;
    const char *name;
    const char *operand;
} expected_insn_t;

static const expected_insn_t loop_module[] = {
    {0, 2, "MAKE_FUNCTION", "0 (f)"},
    {2, 2, "STORE_NAME", "f"},
    {4, 4, "LOAD_CONST_SMALL_INT", "0"},
    {5, 4, "JUMP", "to 25"},
    {7, 4, "DUP_TOP", ""},
    {8, 4, "STORE_NAME", "i"},
    {10, 5, "LOAD_NAME", "print"},
    {12, 5, "LOAD_NAME", "i"},
    {14, 5, "LOAD_NAME", "f"},
    {16, 5, "LOAD_NAME", "i"},
    {18, 5, "CALL_FUNCTION", "1"},
    {20, 5, "CALL_FUNCTION", "2"},
    {22, 5, "POP_TOP", ""},
    {23, 5, "LOAD_CONST_SMALL_INT", "1"},
    {24, 5, "BINARY_OP", "INPLACE_ADD"},
    {25, 5, "DUP_TOP", ""},
    {26, 5, "LOAD_CONST_SMALL_INT", "3"},
    {27, 5, "BINARY_OP", "LESS"},
    {28, 5, "POP_JUMP_IF_TRUE", "to 7"},
    {30, 5, "POP_TOP", ""},
    {31, 6, "LOAD_NAME", "f"},
    {33, 6, "LOAD_CONST_SMALL_INT", "2"},
    {34, 6, "CALL_FUNCTION", "1"},
    {36, 6, "LOAD_CONST_SMALL_INT", "4"},
    {37, 6, "BINARY_OP", "EQUAL"},
    {38, 6, "POP_JUMP_IF_FALSE", "to 47"},
    {40, 7, "LOAD_NAME", "print"},
    {42, 7, "LOAD_CONST_STRING", "'four'"},
    {44, 7, "CALL_FUNCTION", "1"},
    {46, 7, "POP_TOP", ""},
    {47, 8, "LOAD_NAME", "print"},
    {49, 8, "LOAD_CONST_OBJ", "'no newline at end'"},
    {51, 8, "CALL_FUNCTION", "1"},
    {53, 8, "POP_TOP", ""},
    {54, 8, "LOAD_CONST_NONE", ""},
    {55, 8, "RETURN_VALUE", ""},
};

static const expected_insn_t loop_f[] = {
    {0, 3, "LOAD_FAST", "0"},
    {1, 3, "LOAD_CONST_SMALL_INT", "2"},
    {2, 3, "BINARY_OP", "MULTIPLY"},
    {3, 3, "RETURN_VALUE", ""},
};

static void read_loop_program(arena_t *a, mpy_file_t *f) {
    diag_t d;
    diag_init(&d, NULL);
    arena_init(a);
    assert_true(mpy_read(loop_program, sizeof(loop_program), a, f, &d));
}

static void expect_function(const mpy_file_t *f, const mpy_raw_code_t *rc, const expected_insn_t *want, size_t n) {
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    assert_true(mpy_prelude_decode(rc->code, rc->code_len, 0, &p, &d));
    size_t pos = p.opcodes_offset;
    for (size_t i = 0; i < n; i++) {
        mpy_insn_t in;
        assert_null(mpy_insn_decode(rc->code, rc->code_len, pos, &in));
        assert_int_equal(pos - p.opcodes_offset, want[i].offset);
        assert_string_equal(mpy_insn_name(&in), want[i].name);
        assert_int_equal(mpy_line_for_offset(rc->code, &p, pos - p.opcodes_offset), want[i].line);
        buf_t b;
        buf_init(&b);
        mpy_dis_operand(f, rc, p.opcodes_offset, &in, &b);
        buf_byte(&b, 0);
        assert_string_equal((const char *)b.data, want[i].operand);
        buf_deinit(&b);
        pos += in.len;
    }
    assert_int_equal(pos, rc->code_len);
}

static void test_module_disassembles_instruction_by_instruction(void **state) {
    (void)state;
    arena_t a;
    mpy_file_t f;
    read_loop_program(&a, &f);
    expect_function(&f, &f.root, loop_module, sizeof(loop_module) / sizeof(loop_module[0]));
    arena_deinit(&a);
}

static void test_nested_function_disassembles_with_its_argument(void **state) {
    (void)state;
    arena_t a;
    mpy_file_t f;
    read_loop_program(&a, &f);
    assert_int_equal(f.root.n_children, 1);
    const mpy_raw_code_t *rc = &f.root.children[0];
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    assert_true(mpy_prelude_decode(rc->code, rc->code_len, 0, &p, &d));
    assert_int_equal(p.n_pos_args, 1);
    assert_int_equal(p.n_state, 3);
    assert_string_equal(f.qstrs[p.name].str, "f");
    uint32_t arg;
    mpy_prelude_arg_names(rc->code, &p, &arg);
    assert_string_equal(f.qstrs[arg].str, "x");
    expect_function(&f, rc, loop_f, sizeof(loop_f) / sizeof(loop_f[0]));
    arena_deinit(&a);
}

static void test_text_disassembly_shows_labels_and_lines(void **state) {
    (void)state;
    arena_t a;
    mpy_file_t f;
    read_loop_program(&a, &f);
    buf_t b;
    buf_init(&b);
    assert_true(mpy_dis_file(&f, &(mpy_dis_options_t){.json = false}, &b));
    buf_byte(&b, 0);
    const char *text = (const char *)b.data;
    assert_non_null(strstr(text, "function 0 <module> (bytecode, 65 bytes at file offset 74)\n"));
    assert_non_null(strstr(text, "      4      4        LOAD_CONST_SMALL_INT 0\n             5        JUMP L1\n"));
    assert_non_null(strstr(text, "            25  L1:   DUP_TOP\n"));
    assert_non_null(strstr(text, "function 0.0 f (bytecode, 9 bytes at file offset 141)\n"));
    assert_non_null(strstr(text, "  arg names: (x)\n"));
    buf_deinit(&b);
    arena_deinit(&a);
}

// A stand-in machine-code disassembler that records where it was asked to
// start, so the test sees which leading bytes were shown as data.
static size_t recorded_addrs[64];
static size_t n_recorded;

static bool record_start(const uint8_t *code, size_t len, size_t addr, buf_t *out) {
    (void)code;
    (void)len;
    (void)out;
    if (n_recorded < sizeof(recorded_addrs) / sizeof(recorded_addrs[0])) {
        recorded_addrs[n_recorded++] = addr;
    }
    return true;
}

static void test_native_code_starts_after_its_leading_data_words(void **state) {
    (void)state;
    const char *dir = getenv("MPY_CORPUS") != NULL ? getenv("MPY_CORPUS") : "../shared/corpus";
    char path[512];
    snprintf(path, sizeof path, "%s/native/native_generator.x86.mpy", dir);
    diag_t d;
    diag_init(&d, path);
    size_t len;
    uint8_t *data = util_read_file(path, &len, &d);
    assert_non_null(data);
    arena_t a;
    arena_init(&a);
    mpy_file_t f;
    assert_true(mpy_read(data, len, &a, &f, &d));
    mpy_native_dis_fn table[MPY_ARCH_COUNT] = {[MPY_ARCH_X86] = record_start};
    buf_t b;
    buf_init(&b);
    n_recorded = 0;
    assert_true(mpy_dis_file(&f, &(mpy_dis_options_t){.native = table}, &b));
    // Every x86 native function starts with one 4-byte data word (the
    // prelude's constant index), generators with a second one.
    bool saw_plain = false;
    bool saw_generator = false;
    for (size_t i = 0; i < n_recorded; i++) {
        assert_true(recorded_addrs[i] == 4 || recorded_addrs[i] == 8);
        saw_plain |= recorded_addrs[i] == 4;
        saw_generator |= recorded_addrs[i] == 8;
    }
    assert_true(saw_plain && saw_generator);
    buf_byte(&b, 0);
    assert_non_null(strstr((const char *)b.data, "    0:\t.word\t0x"));
    assert_non_null(strstr((const char *)b.data, "    4:\t.word\t0x"));
    buf_deinit(&b);
    arena_deinit(&a);
    free(data);
}

static void test_prelude_signature_round_trips(void **state) {
    (void)state;
    static const mpy_prelude_t cases[] = {
        {.n_state = 1},
        {.n_state = 17, .n_exc_stack = 3, .scope_flags = 0x0f, .n_pos_args = 5, .n_kwonly_args = 2,
            .n_def_pos_args = 1},
        {.n_state = 300, .n_exc_stack = 9, .scope_flags = 0x01, .n_pos_args = 40, .n_kwonly_args = 70,
            .n_def_pos_args = 33},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_t b;
        buf_init(&b);
        mpy_prelude_encode_sig(&b, &cases[i]);
        mpy_prelude_encode_size(&b, 1, 0);
        buf_byte(&b, 0x00);   // the name: qstr 0
        for (uint32_t k = 0; k < cases[i].n_pos_args + cases[i].n_kwonly_args; k++) {
            buf_byte(&b, 0x00);
        }
        // n_info covers the name and arguments.
        mpy_prelude_t p;
        diag_t d;
        diag_init(&d, NULL);
        size_t sig_len = b.len - 2 - cases[i].n_pos_args - cases[i].n_kwonly_args;
        buf_t c;
        buf_init(&c);
        buf_append(&c, b.data, sig_len);
        mpy_prelude_encode_size(&c, 1 + cases[i].n_pos_args + cases[i].n_kwonly_args, 0);
        buf_append(&c, b.data + sig_len + 1, b.len - sig_len - 1);
        assert_true(mpy_prelude_decode(c.data, c.len, 0, &p, &d));
        assert_int_equal(p.n_state, cases[i].n_state);
        assert_int_equal(p.n_exc_stack, cases[i].n_exc_stack);
        assert_int_equal(p.scope_flags, cases[i].scope_flags);
        assert_int_equal(p.n_pos_args, cases[i].n_pos_args);
        assert_int_equal(p.n_kwonly_args, cases[i].n_kwonly_args);
        assert_int_equal(p.n_def_pos_args, cases[i].n_def_pos_args);
        assert_int_equal(p.opcodes_offset, c.len);
        buf_deinit(&b);
        buf_deinit(&c);
    }
}

static void test_line_table_decodes_both_entry_forms(void **state) {
    (void)state;
    // sig (n_state 1), size (n_info 5), name, then lines: 0x23 = 3 bytes
    // +1 line; 0x82 0x0a = 2 bytes, +10 lines; 0x40 = 0 bytes, +2 lines.
    static const uint8_t code[] = {0x00, 0x0a, 0x00, 0x23, 0x82, 0x0a, 0x40, 0x51, 0x63};
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    assert_true(mpy_prelude_decode(code, sizeof(code), 0, &p, &d));
    assert_int_equal(p.opcodes_offset, 7);
    assert_int_equal(mpy_line_for_offset(code, &p, 0), 1);
    assert_int_equal(mpy_line_for_offset(code, &p, 2), 1);
    assert_int_equal(mpy_line_for_offset(code, &p, 3), 2);
    assert_int_equal(mpy_line_for_offset(code, &p, 4), 2);
    assert_int_equal(mpy_line_for_offset(code, &p, 5), 14);
}

static void test_truncated_line_entry_is_rejected(void **state) {
    (void)state;
    static const uint8_t code[] = {0x00, 0x04, 0x00, 0x82, 0x63};
    mpy_prelude_t p;
    diag_t d;
    diag_init(&d, NULL);
    assert_false(mpy_prelude_decode(code, sizeof(code), 100, &p, &d));
    assert_int_equal(d.offset, 103);
    assert_string_equal(d.msg, "truncated line-number entry");
}

static void test_quote_escapes_like_python_repr(void **state) {
    (void)state;
    static const struct {
        const char *in;
        char prefix;
        const char *out;
    } cases[] = {
        {"abc", 0, "'abc'"},
        {"it's", 0, "\"it's\""},
        {"a\nb\\", 0, "'a\\nb\\\\'"},
        {"\x01\xff", 'b', "b'\\x01\\xff'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_t b;
        buf_init(&b);
        mpy_quote(&b, (const uint8_t *)cases[i].in, strlen(cases[i].in), cases[i].prefix);
        buf_byte(&b, 0);
        assert_string_equal((const char *)b.data, cases[i].out);
        buf_deinit(&b);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_disassembles_instruction_by_instruction),
        cmocka_unit_test(test_nested_function_disassembles_with_its_argument),
        cmocka_unit_test(test_text_disassembly_shows_labels_and_lines),
        cmocka_unit_test(test_native_code_starts_after_its_leading_data_words),
        cmocka_unit_test(test_prelude_signature_round_trips),
        cmocka_unit_test(test_line_table_decodes_both_entry_forms),
        cmocka_unit_test(test_truncated_line_entry_is_rejected),
        cmocka_unit_test(test_quote_escapes_like_python_repr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
