// tests/compiler/test_parser.c: parse trees of small snippets printed as
// S-expressions, constant folding, const(), string interning, and syntax
// errors with their lines.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "compiler/parse.h"

// Parses src as a module and writes the tree (or "error LINE: MESSAGE").
static void parse_to_text(const char *src, char *out, size_t size) {
    qstr_pool_t *pool = qstr_pool_new();
    parse_intern_builtin_qstrs(pool);
    lexer_t lex;
    lex_init(&lex, (const uint8_t *)src, strlen(src), "test.py", 0);
    arena_t arena;
    arena_init(&arena);
    diag_t d;
    diag_init(&d, "test.py");
    parse_tree_t tree;
    if (parse(&lex, PARSE_FILE_INPUT, &arena, pool, 31, &tree, &d)) {
        buf_t b;
        buf_init(&b);
        parse_tree_print(tree.root, pool, &b);
        snprintf(out, size, "%.*s", (int)b.len, (const char *)b.data);
        buf_deinit(&b);
    } else {
        snprintf(out, size, "error %d: %s%s", d.line, d.kind == DIAG_INDENT_ERROR ? "IndentationError: " : "",
            d.msg);
    }
    lex_deinit(&lex);
    arena_deinit(&arena);
    qstr_pool_free(pool);
}

typedef struct parse_case {
    const char *src;
    const char *tree;
} parse_case_t;

static void check_cases(const parse_case_t *cases, size_t n) {
    char got[4096];
    for (size_t i = 0; i < n; i++) {
        parse_to_text(cases[i].src, got, sizeof got);
        if (strcmp(got, cases[i].tree) != 0) {
            print_error("source: %s\nwant: %s\ngot:  %s\n", cases[i].src, cases[i].tree, got);
        }
        assert_string_equal(got, cases[i].tree);
    }
}

static void test_statements_have_micropython_shape(void **state) {
    (void)state;
    static const parse_case_t cases[] = {
        {"x = 1", "(expr_stmt (id x) (small_int 1))"},
        {"x = 1\ny = 2", "(file_input_2 (expr_stmt (id x) (small_int 1)) (expr_stmt (id y) (small_int 2)))"},
        {"", "(tok NEWLINE)"},  // MicroPython's lexer gives an empty file one newline
        {"x += y", "(expr_stmt (id x) (expr_stmt_augassign (tok DEL_PLUS_EQUAL) (id y)))"},
        {"a = b = c", "(expr_stmt (id a) (expr_stmt_assign_list (id b) (id c)))"},
        {"f(a, *b, k=1)", "(expr_stmt (atom_expr_normal (id f) (trailer_paren (arglist (id a) (arglist_star (id b)) "
                          "(argument (id k) (small_int 1))))) null)"},
        {"def f(a, b=1, *c, **d): pass", "(funcdef (id f) (typedargslist (id a) (typedargslist_name (id b) null "
                                        "(small_int 1)) (typedargslist_star (tfpdef (id c) null)) (typedargslist_dbl_star (id d) "
                                        "null)) null (pass_stmt) null)"},
        {"class A(B): pass", "(classdef (id A) (id B) (pass_stmt) null)"},
        {"if a:\n    b\nelif c:\n    d\nelse:\n    e",
            "(if_stmt (id a) (expr_stmt (id b) null) (if_stmt_elif (id c) (expr_stmt (id d) null)) "
            "(expr_stmt (id e) null))"},
        {"for i in x: pass", "(for_stmt (id i) (id x) (pass_stmt) null)"},
        {"try:\n  a\nexcept E as e:\n  b\nfinally:\n  c",
            "(try_stmt (expr_stmt (id a) null) (try_stmt_except_and_more (try_stmt_except (try_stmt_as_name (id E) "
            "(id e)) (expr_stmt (id b) null)) null (try_stmt_finally (expr_stmt (id c) null))))"},
        {"from . import (a, b as c)", "(import_from (tok DEL_PERIOD) (import_as_names (import_as_name (id a) null) "
                                      "(import_as_name (id b) (id c))))"},
        {"import a.b as c", "(import_name (dotted_as_name (dotted_name (id a) (id b)) (id c)))"},
        {"lambda x: x", "(expr_stmt (lambdef (id x) (id x) null) null)"},
        {"async def f():\n    await g()", "(async_stmt (funcdef (id f) null null (expr_stmt (atom_expr_await (id g) "
                                            "(trailer_paren null)) null) null))"},
        {"if (n := 5) > 3: pass", "(if_stmt (comparison (namedexpr_test (id n) (small_int 5)) (tok OP_MORE) "
                                  "(small_int 3)) (pass_stmt) null null)"},
        {"x: int = 5", "(expr_stmt (id x) (annassign (id int) (small_int 5)))"},
        {"a not in b is not c", "(expr_stmt (comparison (id a) (comp_op_not_in) (id b) (comp_op_is "
                                "(comp_op_is_not)) (id c)) null)"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_parentheses_lists_and_comprehensions_keep_their_shape(void **state) {
    (void)state;
    static const parse_case_t cases[] = {
        {"(x)", "(expr_stmt (id x) null)"},
        {"()", "(expr_stmt (atom_paren null) null)"},  // () is not a leaf: not dropped
        {"x = ()", "(expr_stmt (id x) (atom_paren null))"},
        {"x = (a,)", "(expr_stmt (id x) (atom_paren (testlist_comp (id a))))"},
        {"x = (a, b)", "(expr_stmt (id x) (atom_paren (testlist_comp (id a) (id b))))"},
        {"x = [a, b, c]", "(expr_stmt (id x) (atom_bracket (testlist_comp (id a) (id b) (id c))))"},
        {"x = [a]", "(expr_stmt (id x) (atom_bracket (id a)))"},
        {"x = [a for b in c if d]", "(expr_stmt (id x) (atom_bracket (testlist_comp (id a) (comp_for (id b) (id c) "
                                    "(comp_if (id d) null) null))))"},
        {"x = {a: b, c: d}", "(expr_stmt (id x) (atom_brace (dictorsetmaker (dictorsetmaker_item (id a) (id b)) "
                             "(dictorsetmaker_list (dictorsetmaker_item (id c) (id d))))))"},
        {"x = a, b", "(expr_stmt (id x) (testlist_star_expr (id a) (id b)))"},
        {"x[1:2, ::3]", "(expr_stmt (atom_expr_normal (id x) (trailer_bracket (subscriptlist (subscript_2 "
                        "(small_int 1) (subscript_3 (small_int 2))) (subscript_3 (subscript_3c (small_int 3)))))) "
                        "null)"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_constant_expressions_fold(void **state) {
    (void)state;
    static const parse_case_t cases[] = {
        {"x = 1 + 2 * 3 - -4", "(expr_stmt (id x) (small_int 11))"},
        {"x = 2 ** 100", "(expr_stmt (id x) (const 1267650600228229401496703205376))"},
        {"x = 1 << 30", "(expr_stmt (id x) (const 1073741824))"},
        {"x = -(1 << 30)", "(expr_stmt (id x) (small_int -1073741824))"},
        {"x = 7 // -2, 7 % -2, ~5, 6 & 3 | 8 ^ 1",
            "(expr_stmt (id x) (const (tuple -4 -1 -6 11)))"},
        {"x = 7 / 2", "(expr_stmt (id x) (const 3.5))"},
        {"x = 2 ** -1", "(expr_stmt (id x) (const 0.5))"},
        {"x = 1.5 * 2", "(expr_stmt (id x) (const 3.0))"},
        {"x = 1 // 0", "(expr_stmt (id x) (term (small_int 1) (tok OP_DBL_SLASH) (small_int 0)))"},
        {"x = 1 << -1", "(expr_stmt (id x) (shift_expr (small_int 1) (tok OP_DBL_LESS) (small_int -1)))"},
        {"x = 1 + y", "(expr_stmt (id x) (arith_expr (small_int 1) (tok OP_PLUS) (id y)))"},
        {"x = not 0", "(expr_stmt (id x) (tok KW_TRUE))"},
        {"x = 0 or a or b", "(expr_stmt (id x) (or_test (id a) (id b)))"},
        {"x = 1 and a", "(expr_stmt (id x) (id a))"},
        {"x = a and 0 and b", "(expr_stmt (id x) (and_test (id a) (small_int 0)))"},
        {"x = (-1.5) ** 0.5", "(expr_stmt (id x) (power (const -1.5) (const 0.5)))"},
        {"x = math.pi", "(expr_stmt (id x) (const 3.141592653589793))"},
        {"x = (1, 'a', None, ())", "(expr_stmt (id x) (const (tuple 1 \"a\" None (tuple))))"},
        {"x = 'doc'\n'doc'\n1", "(file_input_2 (expr_stmt (id x) (str \"doc\")) (pass_stmt) (pass_stmt))"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_const_names_are_substituted(void **state) {
    (void)state;
    static const parse_case_t cases[] = {
        {"X = const(3)\ny = X + 1", "(file_input_2 (expr_stmt (id X) (small_int 3)) (expr_stmt (id y) "
                                    "(small_int 4)))"},
        {"_X = const(3)\ny = _X", "(file_input_2 (pass_stmt) (expr_stmt (id y) (small_int 3)))"},
        {"X = const(2 ** 40)\ny = X", "(file_input_2 (expr_stmt (id X) (const 1099511627776)) (expr_stmt (id y) "
                                      "(const 1099511627776)))"},
        {"X = const('abc')\ny = X", "(file_input_2 (expr_stmt (id X) (str \"abc\")) (expr_stmt (id y) "
                                    "(const \"abc\")))"},
        {"Y = 5\nX = const(Y + 1)", "error 2: not a constant"},
        {"X = const([1])", "error 1: not a constant"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_literals_become_the_right_leaves(void **state) {
    (void)state;
    static const parse_case_t cases[] = {
        {"x = 'short'", "(expr_stmt (id x) (str \"short\"))"},
        {"x = 'a longer string'", "(expr_stmt (id x) (const \"a longer string\"))"},
        {"longer_name = 1\nx = 'longer_name'", "(file_input_2 (expr_stmt (id longer_name) (small_int 1)) "
                                               "(expr_stmt (id x) (str \"longer_name\")))"},
        {"x = b'ab'", "(expr_stmt (id x) (const b\"ab\"))"},
        {"x = 1073741823, 1073741824", "(expr_stmt (id x) (const (tuple 1073741823 1073741824)))"},
        {"x = 0x10, 0o10, 0b10", "(expr_stmt (id x) (const (tuple 16 8 2)))"},
        {"x = 2j", "(expr_stmt (id x) (const (0.0 2.0j)))"},
        {"x = ...", "(expr_stmt (id x) (tok ELLIPSIS))"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_syntax_errors_report_the_official_message_and_line(void **state) {
    (void)state;
    static const parse_case_t cases[] = {
        {"x = = 1", "error 1: invalid syntax"},
        {"x = 1\n    y = 2", "error 2: IndentationError: unexpected indent"},
        {"def f():\n        x = 1\n    return x", "error 2: IndentationError: unindent doesn't match any outer "
                                                  "indent level"},
        {"x = 0x", "error 1: invalid syntax for integer with base 16: ''"},
        {"1abc = 5", "error 1: invalid syntax for integer with base 10: '1abc'"},
        {"x = 0777", "error 1: invalid syntax for integer with base 0: '0777'"},
        {"x = 1\ns = f'a {} b'", "error 2: malformed f-string"},
        {"s = '\\xZZ'", "error 1: invalid syntax"},
        {"s = 'abc", "error 1: invalid syntax"},
        {"if x:\npass", "error 2: invalid syntax"},
        {"x = (1,\n2", "error 3: invalid syntax"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statements_have_micropython_shape),
        cmocka_unit_test(test_parentheses_lists_and_comprehensions_keep_their_shape),
        cmocka_unit_test(test_constant_expressions_fold),
        cmocka_unit_test(test_const_names_are_substituted),
        cmocka_unit_test(test_literals_become_the_right_leaves),
        cmocka_unit_test(test_syntax_errors_report_the_official_message_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
