// tests/emitters/test_inline_xtensa.c: the asm_xtensa front end through the
// whole compiler (so the extra sizing pass and the line numbers errors get
// are those of mpy-cross): the machine code of snippets, the official
// error messages with their lines, then the corpus: every asm_xtensa
// program must compile to its golden .mpy for xtensa and xtensawin, and
// every program in asm_xtensa/errors must fail as its .err says.
#include <string.h>

#include "emitters/inline_asm.h"
#include "tests/emitters/inline_test.h"

// ---------------------------------------------------------------------------
// Snippets: one function f(a2, a3, a4) (def on line 2, the body from line
// 3), shown as the code between the call0 ABI's entry and exit, as the
// whole code when it has a literal pool or is windowed, or as the error.

static const char call0_entry[] = "\x12\xc1\xe0\x09\x01\xc9\x11\xd9\x21\xe9\x31\xf9\x41";
static const char call0_exit[] = "\xf8\x41\xe8\x31\xd8\x21\xc8\x11\x08\x01\x12\xc1\x20\x0d\xf0";

static void hex_code(const mpy_raw_code_t *rc, char *out, size_t size) {
    size_t start = 0;
    size_t end = rc->code_len;
    size_t n_entry = sizeof(call0_entry) - 1;
    size_t n_exit = sizeof(call0_exit) - 1;
    if (end >= n_entry + n_exit && memcmp(rc->code, call0_entry, n_entry) == 0
        && memcmp(rc->code + end - n_exit, call0_exit, n_exit) == 0) {
        start = n_entry;
        end -= n_exit;
    }
    inline_test_hex(rc->code + start, end - start, out, size);
}

static void run_snippet(const inline_snippet_t *s, const char *src, char *got, size_t size) {
    inline_test_compile_function(src, s->target, hex_code, got, size);
}

static void check_snippets(const inline_snippet_t *cases, size_t n) {
    inline_test_check_snippets("@micropython.asm_xtensa\ndef f(a2, a3, a4):\n", cases, n, run_snippet);
}

#define XT {MPY_ARCH_XTENSA, 0}
#define XW {MPY_ARCH_XTENSAWIN, 0}

static void test_register_and_immediate_forms_encode_as_gas_does(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {XT, "add(a2, a3, a4)", "40 23 80"},
        {XT, "add_n(a2, a3, a4)", "4a 23"},
        {XT, "addi(a2, a3, -128)", "22 c3 80"},
        {XT, "addmi(a2, a2, -32768)", "22 d2 80"},
        {XT, "l32i(a2, a3, 1020)", "22 23 ff"},
        {XT, "l16si(a2, a3, 510)", "22 93 ff"},
        {XT, "s8i(a15, a0, 255)", "f2 40 ff"},
        {XT, "mov(a2, a3); mov_n(a15, a0)", "2d 03 fd 00"},
        {XT, "movi_n(a2, -32); movi_n(a3, 95)", "6c 02 5c f3"},
        {XT, "slli(a2, a3, 1); srai(a2, a3, 31); srli(a2, a3, 15)", "f0 23 11 30 2f 31 30 2f 41"},
        {XT, "nsau(a2, a3); neg(a2, a3); abs_(a2, a3)", "20 f3 40 30 20 60 30 21 60"},
        {XT, "ssai(17); ssl(a2); ssr(a3)", "10 41 40 00 12 40 00 03 40"},
        {XT, "sll(a2, a3); srl(a2, a3); sra(a2, a3); src(a2, a3, a4)", "00 23 a1 30 20 91 30 20 b1 40 23 81"},
        {XT, "l32i_n(a2, a3, 60); s32i_n(a2, a3, 4)", "28 f3 29 13"},
        {XT, "nop(); nop_n(); ret(); ret_n()", "f0 20 00 3d f0 0d f0 0d f0"},
        {XT, "callx0(a6); jx(a6)", "c0 06 00 a0 06 00"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_the_official_encoder_quirks_are_kept(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        // An unaligned offset keeps its upper bits.
        {XT, "l32i(a2, a3, 6)", "22 23 01"},
        // addi_n with -1 (or 0) sets every field: addi.n a15, a15, 15.
        {XT, "addi_n(a2, a3, -1)", "fb ff"},
        {XT, "addi_n(a2, a3, 0)", "fb ff"},
        {XT, "addi_n(a4, a4, 15)", "fb 44"},
        // movi is always a literal load, even for small values.
        {XT, "movi(a2, 100)",
            "06 01 00 00 64 00 00 00 12 c1 e0 09 01 c9 11 d9 21 e9 31 f9 41 21 fb ff "
            "f8 41 e8 31 d8 21 c8 11 08 01 12 c1 20 0d f0"},
        // The narrow-named branches are the wide ones, and forward ones
        // are the opposite branch over a j.
        {XT, "beqz_n(a2, L); label(L)", "56 22 00 c6 ff ff"},
        {XT, "label(L); bnez_n(a2, L)", "56 c2 ff"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

// The official tool aborts on this (official_crashes/
// xtensa_fwd_branch_after_label.py): sizing the forward beqz as a short
// backward one to TOP. Ours sizes it as the forward branch it is.
static void test_a_forward_branch_after_a_label_is_sized_as_forward(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {XT, "label(TOP); beqz(a3, DONE); addi(a3, a3, -1); j(TOP); label(DONE)",
            "56 23 00 46 01 00 32 c3 ff c6 fc ff"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_xtensawin_functions_use_entry_and_retw(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {XW, "nop()", "36 61 00 09 01 f0 20 00 08 01 1d f0"},
        {XW, "movi(a2, -1)", "06 01 00 00 ff ff ff ff 36 61 00 09 01 21 fd ff 08 01 1d f0"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

// Errors found while sizing are reported at the def (line 2): the official
// tool's second sizing pass finds the error already set and moves it
// there. Errors found only when emitting (an undefined label) keep the
// line of their statement, and the assembler's RuntimeErrors have none.
static void test_errors_give_the_official_messages_and_lines(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {XT, "add(a2, a3)", "line 2: unsupported Xtensa instruction 'add' with 2 arguments"},
        {XT, "nop(); mul16s(a2, a2, a2)", "line 2: unsupported Xtensa instruction 'mul16s' with 3 arguments"},
        {XT, "mov(a16, a2)", "line 2: 'mov' expects a register"},
        {XT, "l32i(a99, a2, 2000)", "line 2: 'l32i' expects a register"},
        {XT, "l32i(a2, a2, 1024)", "line 2: 'l32i' integer 1024 isn't within range 0..1020"},
        {XT, "movi(a2, x)", "line 2: 'movi' expects an integer"},
        {XT, "movi_n(a2, 96)", "line 2: 'movi_n' integer 96 isn't within range -32..95"},
        {XT, "addmi(a2, a2, 100)", "line 2: 100 is not a multiple of 256"},
        {XT, "l32i_n(a2, a3, 6)", "line 2: 6 is not a multiple of 4"},
        {XT, "slli(a2, a2, 0)", "line 2: 'slli' integer 0 isn't within range 1..31"},
        {XT, "j(1)", "line 2: 'j' expects a label"},
        {XT, "label(A); nop(); label(A)", "line 2: label redefined"},
        {XT, "nop(); j(NOWHERE)", "line 4: label 'NOWHERE' not defined"},
        {XT, "nop(); return a2", "line 4: expecting an assembler instruction"},
        {XT, "j(L); align(4); label(L); call0(L)", "RuntimeError: ERROR: call0 location not word-aligned"},
        {XT, "bbci(a2, 3, FAR); align(256); label(FAR)", "RuntimeError: ERROR: xtensa bit_branch out of range"},
        {XT, "j(L); align(4); label(D); data(4, 1); label(L); nop_n(); l32r(a2, D)",
            "RuntimeError: ERROR: l32r location not word-aligned"},
        {XT, "@micropython.asm_xtensa\ndef f(a3):\n    nop()\n",
            "line 2: parameters must be registers in sequence a2 to a5"},
        {XT, "@micropython.asm_xtensa\ndef f(a2, a3, a4, a5, a6):\n    nop()\n",
            "line 2: can only have up to 4 parameters to Xtensa assembly"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_only_xtensa_targets_are_served(void **state) {
    (void)state;
    assert_true(emit_inline_xtensa_serves(MPY_ARCH_XTENSA));
    assert_true(emit_inline_xtensa_serves(MPY_ARCH_XTENSAWIN));
    assert_false(emit_inline_xtensa_serves(MPY_ARCH_ARMV7M));
    assert_false(emit_inline_xtensa_serves(MPY_ARCH_RV32IMC));
    assert_false(emit_inline_xtensa_serves(MPY_ARCH_NONE));
}

// ---------------------------------------------------------------------------
// The corpus.

// Errors are compiled for xtensa, as corpus-check does.
static bool check_error_program(const char *dir, const char *err_file) {
    return inline_test_check_error_program(dir, err_file, MPY_ARCH_XTENSA);
}

// Every NAME.ARCH.mpy is what NAME.py compiles to for ARCH.
static void test_corpus_programs_compile_to_their_goldens(void **state) {
    (void)state;
    inline_test_check_corpus("asm_xtensa", ".mpy", inline_test_check_golden);
}

static void test_corpus_error_programs_fail_with_the_golden_message(void **state) {
    (void)state;
    inline_test_check_corpus("asm_xtensa/errors", ".err", check_error_program);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_and_immediate_forms_encode_as_gas_does),
        cmocka_unit_test(test_the_official_encoder_quirks_are_kept),
        cmocka_unit_test(test_a_forward_branch_after_a_label_is_sized_as_forward),
        cmocka_unit_test(test_xtensawin_functions_use_entry_and_retw),
        cmocka_unit_test(test_errors_give_the_official_messages_and_lines),
        cmocka_unit_test(test_only_xtensa_targets_are_served),
        cmocka_unit_test(test_corpus_programs_compile_to_their_goldens),
        cmocka_unit_test(test_corpus_error_programs_fail_with_the_golden_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
