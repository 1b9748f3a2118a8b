// tests/mpyformat/test_opcodes.c: the opcode table against MicroPython's
// layout rules, and instruction decoding of each operand form.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mpyformat/mpyformat.h"

// py/bc0.h packs the operand kind in the high nibble: 2 bits per nibble of
// 0x3a4 (0 byte, 1 qstr, 2 varint, 3 jump offset); non-qstr opcodes whose
// bits match mask 0x9e nowhere carry one extra byte.
static int upstream_kind(uint8_t op) {
    return (0x3a4 >> (2 * (op >> 4))) & 3;
}

static void test_every_opcode_format_agrees_with_the_upstream_layout(void **state) {
    (void)state;
    for (int op = 0; op < 256; op++) {
        mpy_op_format_t fmt = mpy_op_format((uint8_t)op);
        if (fmt == MPY_FMT_INVALID) {
            continue;
        }
        int kind = upstream_kind((uint8_t)op);
        bool extra = kind != 1 && (op & 0x9e) == 0;
        switch (fmt) {
            case MPY_FMT_NONE: assert_int_equal(kind, 0); break;
            case MPY_FMT_QSTR: assert_int_equal(kind, 1); break;
            case MPY_FMT_JUMP:
            case MPY_FMT_SJUMP:
            case MPY_FMT_SJUMP_X: assert_int_equal(kind, 3); break;
            default: assert_int_equal(kind, 2); break;
        }
        assert_int_equal(extra, fmt == MPY_FMT_CHILD_X || fmt == MPY_FMT_SJUMP_X);
        assert_non_null(mpy_op_name((uint8_t)op));
    }
}

static void test_unused_opcode_bytes_are_invalid(void **state) {
    (void)state;
    static const uint8_t unused[] = {0x00, 0x0f, 0x1d, 0x38, 0x41, 0x4c, 0x60, 0x61, 0x6a, 0xd4, 0xd6, 0xfa, 0xff};
    for (size_t i = 0; i < sizeof(unused); i++) {
        assert_int_equal(mpy_op_format(unused[i]), MPY_FMT_INVALID);
        assert_null(mpy_op_name(unused[i]));
    }
}

static void test_multi_opcodes_print_without_the_multi_suffix(void **state) {
    (void)state;
    static const uint8_t ops[] = {0x70, 0xb0, 0xc0, 0xd0, 0xd7};
    for (size_t i = 0; i < sizeof(ops); i++) {
        mpy_insn_t in;
        assert_null(mpy_insn_decode(&ops[i], 1, 0, &in));
        const char *full = mpy_op_name(ops[i]);
        const char *shown = mpy_insn_name(&in);
        assert_int_equal(strncmp(full, shown, strlen(shown)), 0);
        assert_string_equal(full + strlen(shown), "_MULTI");
    }
}

static void test_operands_decode(void **state) {
    (void)state;
    mpy_insn_t in;
    static const uint8_t small_int[] = {0x22, 0x7f};          // -1
    assert_null(mpy_insn_decode(small_int, 2, 0, &in));
    assert_int_equal(in.sarg, -1);
    static const uint8_t big_int[] = {0x22, 0x81, 0x00};      // 128
    assert_null(mpy_insn_decode(big_int, 3, 0, &in));
    assert_int_equal(in.sarg, 128);
    static const uint8_t jump_back[] = {0x42, 0x3e};          // -2: itself
    assert_null(mpy_insn_decode(jump_back, 2, 0, &in));
    assert_int_equal(in.target, 0);
    static const uint8_t long_jump[] = {0x4b, 0x81, 0x02};    // 1 + 2 * 128
    assert_null(mpy_insn_decode(long_jump, 3, 0, &in));
    assert_int_equal(in.target, 3 + 257);
    static const uint8_t unwind[] = {0x40, 0x41, 0x82};       // +1 from the count
    assert_null(mpy_insn_decode(unwind, 3, 0, &in));
    assert_int_equal(in.len, 3);
    assert_int_equal(in.target, 3);
    assert_int_equal(in.extra, 0x82);
    static const uint8_t closure[] = {0x20, 0x01, 0x02};
    assert_null(mpy_insn_decode(closure, 3, 0, &in));
    assert_int_equal(in.arg, 1);
    assert_int_equal(in.extra, 2);
    assert_non_null(mpy_insn_decode(closure, 2, 0, &in));
    assert_non_null(mpy_insn_decode(long_jump, 2, 0, &in));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_opcode_format_agrees_with_the_upstream_layout),
        cmocka_unit_test(test_unused_opcode_bytes_are_invalid),
        cmocka_unit_test(test_multi_opcodes_print_without_the_multi_suffix),
        cmocka_unit_test(test_operands_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
