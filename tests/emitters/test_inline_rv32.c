// tests/emitters/test_inline_rv32.c: the asm_rv32 front end through the
// whole compiler (so line numbers are those of mpy-cross): the machine
// code of snippets, the official error messages with their lines, the
// places where ours refuses what the official tool assembles wrongly,
// then the corpus: every asm_rv32 program must compile to its golden .mpy
// and every program in asm_rv32/errors must fail as its .err says.
#include <string.h>

#include "emitters/asm_rv32.h"
#include "emitters/inline_asm.h"
#include "tests/emitters/inline_test.h"

// ---------------------------------------------------------------------------
// Snippets: one function f(a0, a1) (def on line 2, the body from line 3),
// shown as the bytes before its closing c.jr ra, or as "line N: message".

static void hex_body(const mpy_raw_code_t *rc, char *out, size_t size) {
    assert_true(rc->code_len >= 2);
    assert_int_equal(rc->code[rc->code_len - 2], 0x82);
    assert_int_equal(rc->code[rc->code_len - 1], 0x80);
    inline_test_hex(rc->code, rc->code_len - 2, out, size);
}

static void run_snippet(const inline_snippet_t *s, const char *src, char *got, size_t size) {
    inline_test_compile_function(src, s->target, hex_body, got, size);
}

static void check_snippets(const inline_snippet_t *cases, size_t n) {
    inline_test_check_snippets("@micropython.asm_rv32\ndef f(a0, a1):\n", cases, n, run_snippet);
}

// The targets: rv32imc plain, with Zba and with Zcmp (-march-flags=).
#define RV {MPY_ARCH_RV32IMC, 0}
#define ZBA {MPY_ARCH_RV32IMC, ASM_RV32_FLAG_ZBA}
#define ZCMP {MPY_ARCH_RV32IMC, ASM_RV32_FLAG_ZCMP}

static void test_instructions_assemble_to_their_encodings(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {RV, "add(a0, a0, a1)", "33 05 b5 00"},
        {RV, "addi(a0, a0, -2048)", "13 05 05 80"},
        // li picks the shortest load, as the native emitter's constants.
        {RV, "li(a0, 31); li(a0, 100); li(a0, 0x12345)", "7d 45 13 05 40 06 37 25 01 00 13 05 55 34"},
        // lw with a negative and sw with an explicitly positive offset.
        {RV, "lw(a0, -4(a1)); sw(a0, +8(a1))", "03 a5 c5 ff 23 a4 a5 00"},
        {RV, "lhu(t0, 2047(sp))", "83 52 f1 7f"},
        // lui keeps the low 20 bits of its argument.
        {RV, "lui(a0, 0x123456)", "37 65 45 23"},
        {RV, "c_lui(a0, 31)", "7d 65"},
        {RV, "c_addi4spn(a0, 1020)", "e8 1f"},
        // The official ranges: c_lwsp up to 124 (the hardware has 252).
        {RV, "c_lwsp(ra, 124); c_swsp(zero, 0)", "f6 50 02 c0"},
        {RV, "c_lwsp(ra, 128)", "line 3: opcode 'c_lwsp' argument 2: out of range"},
        {RV, "c_lw(a0, 60(a1)); c_sw(a1, 0(a0))", "c8 5d 0c c1"},
        {RV, "c_slli(a0, 31); c_srai(a1, 1); c_andi(a1, -1)", "7e 05 85 85 fd 99"},
        {RV, "csrrw(a0, a1, 0x300); csrrsi(a0, 0xfff, 31)", "73 95 05 30 73 e5 ff ff"},
        // Labels: a forward c_j, data and alignment, la and a backward beq.
        {RV, "c_j(END); label(TOP); data(2, 0x1234); align(4); label(END); la(a0, TOP); beq(a0, a1, TOP)",
            "11 a0 34 12 17 05 00 00 13 05 e5 ff e3 0b b5 fe"},
        {ZBA, "sh1add(a0, a1, a0)", "33 a5 a5 20"},
        // The adjustment counts the 16-byte chunks beyond the save area.
        {ZCMP, "cm_push({ra, s0-s1}, -16); cm_popret({ra, s0-s1}, 0)", "66 b8 62 be"},
        {ZCMP, "cm_mvsa01(s1, s0)", "a2 ac"},
        {RV, "ecall(); ebreak(); c_ebreak(); c_nop()", "73 00 00 00 73 00 10 00 02 90 01 00"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_wrong_operands_raise_the_official_messages(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {RV, "add(a0, a1)", "line 3: opcode 'add': expecting 3 arguments"},
        {RV, "nop()", "line 3: invalid RV32 instruction 'nop'"},
        {RV, "sh1add(a0, a1, a2)", "line 3: invalid RV32 instruction 'sh1add'"},
        {RV, "mv(a0, x32)", "line 3: opcode 'mv' argument 2: expecting register"},
        {RV, "addi(a0, a0, a1)", "line 3: opcode 'addi' argument 3: expecting integer"},
        {RV, "addi(a0, a0, 2048)", "line 3: opcode 'addi' argument 3: out of range"},
        {RV, "c_and(t0, a0)", "line 3: opcode 'c_and' argument 1: unknown register"},
        {RV, "c_addi(a0, 0)", "line 3: opcode 'c_addi' argument 2: must not be zero"},
        {RV, "c_lui(a0, 0xfffff)", "line 3: opcode 'c_lui' argument 2: out of range"},
        {RV, "c_lw(a0, 64(a0))", "line 3: opcode 'c_lw' argument 2: out of range"},
        {RV, "lw(a0, a0)", "line 3: opcode 'lw' argument 2: expecting offset"},
        {RV, "lw(a0, 4(8))", "line 3: opcode 'lw' argument 3: expecting register"},
        {RV, "beq(a0, a1, 12)", "line 3: opcode 'beq' argument 3: expecting label"},
        {RV, "c_nop(); beq(a0, a1, NOWHERE)", "line 4: opcode 'beq' argument 3: undefined label 'NOWHERE'"},
        {RV, "csrrs(a0, zero, 0x1000)", "line 3: opcode 'csrrs' argument 3: out of range"},
        {RV, "label(L); label(L)", "line 4: label redefined"},
        // Every Zcmp mistake reads as an unknown instruction, as officially.
        {ZCMP, "cm_push({ra, s0-s10}, -16)", "line 3: invalid RV32 instruction 'cm_push'"},
        {ZCMP, "cm_mva01s(s0, s0)", "line 3: invalid RV32 instruction 'cm_mva01s'"},
        {RV, "cm_push({ra}, 0)", "line 3: invalid RV32 instruction 'cm_push'"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_parameters_must_be_a0_to_a3(void **state) {
    (void)state;
    static const struct {
        const char *src;
        const char *want;
    } cases[] = {
        {"@micropython.asm_rv32\ndef f(a1):\n    c_nop()\n",
            "line 2: parameters must be registers in sequence a0 to a3"},
        {"@micropython.asm_rv32\ndef f(a0, a1, a2, a3, a4):\n    c_nop()\n",
            "line 2: can only have up to 4 parameters for RV32 assembly"},
        {"@micropython.asm_rv32\ndef f(x10, x11):\n    c_nop()\n", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        inline_outcome_t o;
        inline_test_compile(cases[i].src, "test.py", (inline_target_t)RV, &o);
        char got[DIAG_MSG_MAX + 32] = "";
        if (!o.ok) {
            snprintf(got, sizeof(got), "line %d: %s", o.d.line, o.d.msg);
        }
        assert_string_equal(got, cases[i].want);
        buf_deinit(&o.mpy);
    }
}

// The official tool assembles these into something else (see
// corpus/official_bugs): negative compressed offsets wrap, CA-format
// registers keep two bits, mv with x0 becomes c.jr. Ours encodes the
// registers correctly and refuses the rest.
static void test_what_the_official_tool_gets_wrong_is_right_or_refused(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {RV, "c_lw(a0, -4(a0))", "line 3: opcode 'c_lw' argument 2: out of range"},
        {RV, "c_sw(a1, -8(a0))", "line 3: opcode 'c_sw' argument 2: out of range"},
        {RV, "c_lwsp(a0, -4)", "line 3: opcode 'c_lwsp' argument 2: out of range"},
        {RV, "c_sub(a4, a5)", "1d 8f"},
        {RV, "c_and(a2, a3)", "75 8e"},
        {RV, "mv(a0, zero)", "line 3: opcode 'mv' argument 2: unknown register"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

// ---------------------------------------------------------------------------
// The corpus.

// The official tool's message for rv_err_spurious_range_listcomp comes
// from reading past the end of a table while sizing (its value depends on
// the heap); see the note in inline_rv32.c's read_label. The program is
// valid (a forward c.j over one c.nop), so ours must compile it, with the
// jump reaching its label: c.j +4 is 0xa011.
static bool compiles_with_the_right_jump(const char *dir, const char *err_file) {
    char name[300];
    size_t len;
    snprintf(name, sizeof(name), "%.*s.py", (int)strlen(err_file) - 4, err_file);
    char *src = inline_test_read_file(dir, name, &len);
    inline_outcome_t o;
    inline_test_compile(src, name, (inline_target_t){MPY_ARCH_RV32IMC, 0}, &o);
    static const uint8_t jump_then_nop[] = {0x11, 0xa0, 0x01, 0x00};
    bool ok = o.ok && memmem(o.mpy.data, o.mpy.len, jump_then_nop, sizeof(jump_then_nop)) != NULL;
    if (!ok) {
        print_error("%s: expected to compile with c.j +4 before c.nop\n", name);
    }
    buf_deinit(&o.mpy);
    free(src);
    return ok;
}

static bool check_error_program(const char *dir, const char *err_file) {
    if (strcmp(err_file, "rv_err_spurious_range_listcomp.err") == 0) {
        return compiles_with_the_right_jump(dir, err_file);
    }
    return inline_test_check_error_program(dir, err_file, MPY_ARCH_RV32IMC);
}

static void test_corpus_programs_compile_to_their_goldens(void **state) {
    (void)state;
    inline_test_check_corpus("asm_rv32", ".rv32imc.mpy", inline_test_check_golden);
}

static void test_corpus_error_programs_fail_with_the_golden_message(void **state) {
    (void)state;
    inline_test_check_corpus("asm_rv32/errors", ".err", check_error_program);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_instructions_assemble_to_their_encodings),
        cmocka_unit_test(test_wrong_operands_raise_the_official_messages),
        cmocka_unit_test(test_parameters_must_be_a0_to_a3),
        cmocka_unit_test(test_what_the_official_tool_gets_wrong_is_right_or_refused),
        cmocka_unit_test(test_corpus_programs_compile_to_their_goldens),
        cmocka_unit_test(test_corpus_error_programs_fail_with_the_golden_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
