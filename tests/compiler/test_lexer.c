// tests/compiler/test_lexer.c: token sequences of small snippets, written
// as "KIND:value" words, including indentation, f-string rewriting,
// numbers, strings and error tokens.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "compiler/lexer.h"

// Lexes src and returns its tokens as "NAME:x OP_PLUS INTEGER:1 ..." with
// line numbers when with_lines ("2|NAME:x").
static void lex_to_text(const char *src, int opt_level, bool with_lines, char *out, size_t size) {
    lexer_t lex;
    lex_init(&lex, (const uint8_t *)src, strlen(src), "test.py", opt_level);
    size_t o = 0;
    out[0] = '\0';
    for (int n = 0; n < 200 && o + 1 < size; n++) {
        if (o > 0) {
            out[o++] = ' ';
        }
        if (with_lines) {
            o += (size_t)snprintf(out + o, size - o, "%zu|", lex.tok_line);
        }
        o += (size_t)snprintf(out + o, size - o, "%s", lex_token_name(lex.tok_kind));
        bool has_text = lex.tok_kind == TOKEN_NAME || lex.tok_kind == TOKEN_INTEGER
            || lex.tok_kind == TOKEN_FLOAT_OR_IMAG || lex.tok_kind == TOKEN_STRING || lex.tok_kind == TOKEN_BYTES;
        if (has_text) {
            o += (size_t)snprintf(out + o, size - o, ":%.*s", (int)lex.vstr.len, (const char *)lex.vstr.data);
        }
        if (lex.tok_kind == TOKEN_END || o >= size) {
            break;
        }
        lex_next(&lex);
    }
    lex_deinit(&lex);
}

typedef struct lex_case {
    const char *src;
    const char *tokens;
} lex_case_t;

static void check_cases(const lex_case_t *cases, size_t n, bool with_lines) {
    char got[2048];
    for (size_t i = 0; i < n; i++) {
        lex_to_text(cases[i].src, 0, with_lines, got, sizeof got);
        if (strcmp(got, cases[i].tokens) != 0) {
            print_error("source: %s\nwant: %s\ngot:  %s\n", cases[i].src, cases[i].tokens, got);
        }
        assert_string_equal(got, cases[i].tokens);
    }
}

static void test_simple_statements_lex_into_tokens(void **state) {
    (void)state;
    static const lex_case_t cases[] = {
        {"x = 1\n", "NAME:x DEL_EQUAL INTEGER:1 NEWLINE END"},
        {"x", "NAME:x NEWLINE END"},
        {"a.b(c, *d, **e)", "NAME:a DEL_PERIOD NAME:b DEL_PAREN_OPEN NAME:c DEL_COMMA OP_STAR NAME:d "
                             "DEL_COMMA OP_DBL_STAR NAME:e DEL_PAREN_CLOSE NEWLINE END"},
        {"x <<= y >> 2 != 3 -> ...", "NAME:x DEL_DBL_LESS_EQUAL NAME:y OP_DBL_MORE INTEGER:2 OP_NOT_EQUAL "
                                     "INTEGER:3 DEL_MINUS_MORE ELLIPSIS NEWLINE END"},
        {"(y := 1) @ z //= 2", "DEL_PAREN_OPEN NAME:y OP_ASSIGN INTEGER:1 DEL_PAREN_CLOSE OP_AT NAME:z "
                               "DEL_DBL_SLASH_EQUAL INTEGER:2 NEWLINE END"},
        {"x ! y $", "NAME:x INVALID NAME:y INVALID NEWLINE END"},
        {"async def f(): await g", "KW_ASYNC KW_DEF NAME:f DEL_PAREN_OPEN DEL_PAREN_CLOSE DEL_COLON KW_AWAIT "
                                   "NAME:g NEWLINE END"},
        {"caf\xc3\xa9 = 1", "NAME:caf\xc3\xa9 DEL_EQUAL INTEGER:1 NEWLINE END"},
        {"__debug__", "KW_TRUE NEWLINE END"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0], false);
}

static void test_debug_is_false_when_optimising(void **state) {
    (void)state;
    char got[256];
    lex_to_text("__debug__", 1, false, got, sizeof got);
    assert_string_equal(got, "KW_FALSE NEWLINE END");
}

static void test_indentation_makes_indent_and_dedent(void **state) {
    (void)state;
    static const lex_case_t cases[] = {
        {"if x:\n    y\nz\n", "1|KW_IF 1|NAME:x 1|DEL_COLON 1|NEWLINE 2|INDENT 2|NAME:y 2|NEWLINE 3|DEDENT "
                             "3|NAME:z 3|NEWLINE 4|END"},
        {"if x:\n\ty\n        z\n", "1|KW_IF 1|NAME:x 1|DEL_COLON 1|NEWLINE 2|INDENT 2|NAME:y 2|NEWLINE "
                                    "3|NAME:z 3|NEWLINE 4|DEDENT 4|END"},
        {"if x:\n  if y:\n    z\n\n# c\nw", "1|KW_IF 1|NAME:x 1|DEL_COLON 1|NEWLINE 2|INDENT 2|KW_IF 2|NAME:y "
                                          "2|DEL_COLON 2|NEWLINE 3|INDENT 3|NAME:z 3|NEWLINE 6|DEDENT "
                                          "6|DEDENT 6|NAME:w 6|NEWLINE 7|END"},
        {"if x:\n        y\n    z\n", "1|KW_IF 1|NAME:x 1|DEL_COLON 1|NEWLINE 2|INDENT 2|NAME:y "
                                      "2|DEDENT_MISMATCH 3|DEDENT 3|NAME:z 3|NEWLINE 4|END"},
        {"  x\n", "1|INDENT 1|NEWLINE 2|END"},
        {"x = (1,\n     2)\ny", "1|NAME:x 1|DEL_EQUAL 1|DEL_PAREN_OPEN 1|INTEGER:1 1|DEL_COMMA 2|INTEGER:2 "
                              "2|DEL_PAREN_CLOSE 2|NEWLINE 3|NAME:y 3|NEWLINE 4|END"},
        {"x = 1 + \\\n  2\r\ny", "1|NAME:x 1|DEL_EQUAL 1|INTEGER:1 1|OP_PLUS 2|INTEGER:2 2|NEWLINE 3|NAME:y "
                                 "3|NEWLINE 4|END"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0], true);
}

static void test_numbers_keep_their_text(void **state) {
    (void)state;
    static const lex_case_t cases[] = {
        {"0x1F 0o17 0b1_01 1_000", "INTEGER:0x1F INTEGER:0o17 INTEGER:0b101 INTEGER:1000 NEWLINE END"},
        {"1.5 .5 1e-3 2j 1E+5 3.", "FLOAT_OR_IMAG:1.5 FLOAT_OR_IMAG:.5 FLOAT_OR_IMAG:1e-3 FLOAT_OR_IMAG:2j "
                                   "FLOAT_OR_IMAG:1e+5 FLOAT_OR_IMAG:3. NEWLINE END"},
        {"1abc 0x", "INTEGER:1abc INTEGER:0x NEWLINE END"},
        {"0xe1", "INTEGER:0xe1 NEWLINE END"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0], false);
}

static void test_strings_decode_escapes_and_concatenate(void **state) {
    (void)state;
    static const lex_case_t cases[] = {
        {"'a' \"b\" '''c''' \"\"\"d\"\"\"", "STRING:abcd NEWLINE END"},
        {"'\\x41\\101\\u0041\\q'", "STRING:AAA\\q NEWLINE END"},
        {"r'\\n' u'x'", "STRING:\\nx NEWLINE END"},
        {"b'\\x41\\u0041' rb'\\t' br'x'", "BYTES:A\\u0041\\tx NEWLINE END"},
        {"'a' b'b'", "STRING:a BYTES:b NEWLINE END"},
        {"'a\\\nb'", "STRING:ab NEWLINE END"},
        {"'abc", "LONELY_STRING_OPEN NEWLINE END"},
        {"'\\xZZ'", "INVALID NEWLINE END"},
        {"B'x'", "NAME:B STRING:x NEWLINE END"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0], false);
}

static void test_fstrings_become_format_calls(void **state) {
    (void)state;
    static const lex_case_t cases[] = {
        {"f'a{x}b{y!r:>5}'", "STRING:a{}b{!r:>5} DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN NAME:x "
                             "DEL_PAREN_CLOSE DEL_COMMA DEL_PAREN_OPEN NAME:y DEL_PAREN_CLOSE DEL_COMMA "
                             "DEL_PAREN_CLOSE NEWLINE END"},
        {"f'{{x}}'", "STRING:{{x}} DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_CLOSE NEWLINE END"},
        {"f'{a=}'", "STRING:a={} DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN NAME:a DEL_PAREN_CLOSE "
                    "DEL_COMMA DEL_PAREN_CLOSE NEWLINE END"},
        {"f'{a}' 'b' f'{c}'", "STRING:{}b{} DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN NAME:a "
                              "DEL_PAREN_CLOSE DEL_COMMA DEL_PAREN_OPEN NAME:c DEL_PAREN_CLOSE DEL_COMMA "
                              "DEL_PAREN_CLOSE NEWLINE END"},
        {"f'{x:>{w}}'", "STRING:{:>{}} DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN NAME:x "
                        "DEL_PAREN_CLOSE DEL_COMMA DEL_PAREN_OPEN NAME:w DEL_PAREN_CLOSE DEL_COMMA "
                        "DEL_PAREN_CLOSE NEWLINE END"},
        {"rf'\\n{a}'", "STRING:\\n{} DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN NAME:a DEL_PAREN_CLOSE "
                       "DEL_COMMA DEL_PAREN_CLOSE NEWLINE END"},
        {"f\"{f'{n}'}\"", "STRING:{} DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN STRING:{} DEL_PERIOD "
                          "NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN NAME:n DEL_PAREN_CLOSE DEL_COMMA "
                          "DEL_PAREN_CLOSE DEL_PAREN_CLOSE DEL_COMMA DEL_PAREN_CLOSE NEWLINE END"},
        {"f'a {} b'", "MALFORMED_FSTRING DEL_PERIOD NAME:format DEL_PAREN_OPEN DEL_PAREN_OPEN "
                      "DEL_PAREN_CLOSE DEL_COMMA DEL_PAREN_CLOSE NEWLINE END"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0], false);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_statements_lex_into_tokens),
        cmocka_unit_test(test_debug_is_false_when_optimising),
        cmocka_unit_test(test_indentation_makes_indent_and_dedent),
        cmocka_unit_test(test_numbers_keep_their_text),
        cmocka_unit_test(test_strings_decode_escapes_and_concatenate),
        cmocka_unit_test(test_fstrings_become_format_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
