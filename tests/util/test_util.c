// tests/util/test_util.c: buffers, varints, arenas, diagnostics and qstrs.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/util.h"

static void test_vuint_encodes_most_significant_group_first(void **state) {
    (void)state;
    static const struct {
        uint64_t v;
        size_t n;
        uint8_t bytes[4];
    } cases[] = {
        {0, 1, {0x00}},
        {127, 1, {0x7f}},
        {128, 2, {0x81, 0x00}},
        {300, 2, {0x82, 0x2c}},
        {16384, 3, {0x81, 0x80, 0x00}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_t b;
        buf_init(&b);
        buf_vuint(&b, cases[i].v);
        assert_int_equal(b.len, cases[i].n);
        assert_int_equal(util_vuint_size(cases[i].v), cases[i].n);
        assert_memory_equal(b.data, cases[i].bytes, cases[i].n);
        buf_deinit(&b);
    }
}

static void test_buf_printf_appends_without_nul(void **state) {
    (void)state;
    buf_t b;
    buf_init(&b);
    buf_str(&b, "a=");
    buf_printf(&b, "%d,%s", 42, "x");
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "a=42,x", 6);
    buf_deinit(&b);
}

static void test_arena_returns_zeroed_aligned_memory(void **state) {
    (void)state;
    arena_t a;
    arena_init(&a);
    for (int i = 1; i < 2000; i += 37) {
        unsigned char *p = arena_alloc(&a, (size_t)i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (int j = 0; j < i; j++) {
            assert_int_equal(p[j], 0);
        }
        memset(p, 0xff, (size_t)i);
    }
    void *big = arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    arena_deinit(&a);
}

static void test_first_diagnostic_wins(void **state) {
    (void)state;
    diag_t d;
    diag_init(&d, "x.py");
    assert_false(diag_failed(&d));
    diag_error(&d, DIAG_SYNTAX_ERROR, 3, "invalid syntax");
    diag_error(&d, DIAG_VALUE_ERROR, 9, "later");
    assert_true(diag_failed(&d));
    assert_int_equal(d.kind, DIAG_SYNTAX_ERROR);
    assert_int_equal(d.line, 3);
    assert_string_equal(d.msg, "invalid syntax");
}

static void test_static_qstrs_have_their_mpy_index(void **state) {
    (void)state;
    qstr_pool_t *p = qstr_pool_new();
    assert_non_null(p);
    // The .mpy format numbers "<module>" 7 and "zip" last (165).
    assert_int_equal(qstr_find(p, "<module>", 8), 7);
    assert_int_equal(QSTR__lt_module_gt_, 7);
    assert_int_equal(qstr_find(p, "zip", 3), QSTR_NUM_STATIC - 1);
    assert_int_equal(QSTR_NUM_STATIC - 1, 165);
    assert_true(qstr_is_static(QSTR_zip));
    assert_false(qstr_is_static(QSTR_NULL));
    qstr_pool_free(p);
}

static void test_interning_returns_the_same_id_for_equal_text(void **state) {
    (void)state;
    qstr_pool_t *p = qstr_pool_new();
    qstr_t a = qstr_intern_cstr(p, "hello_world");
    assert_true(a >= QSTR_NUM_STATIC);
    for (int i = 0; i < 5000; i++) {
        char name[32];
        snprintf(name, sizeof name, "name%d", i);
        assert_int_not_equal(qstr_intern_cstr(p, name), QSTR_NULL);
    }
    assert_int_equal(qstr_intern_cstr(p, "hello_world"), a);
    assert_string_equal(qstr_str(p, a), "hello_world");
    assert_int_equal(qstr_len(p, a), 11);
    assert_int_equal(qstr_find(p, "absent", 6), QSTR_NULL);
    qstr_pool_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vuint_encodes_most_significant_group_first),
        cmocka_unit_test(test_buf_printf_appends_without_nul),
        cmocka_unit_test(test_arena_returns_zeroed_aligned_memory),
        cmocka_unit_test(test_first_diagnostic_wins),
        cmocka_unit_test(test_static_qstrs_have_their_mpy_index),
        cmocka_unit_test(test_interning_returns_the_same_id_for_equal_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
