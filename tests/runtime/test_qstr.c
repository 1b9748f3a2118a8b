// tests/runtime/test_qstr.c: the runtime's qstrs: the builtin ids are
// unique texts (a text listed twice would get two ids, and lookups by the
// second id would never match), interning returns stable ids, and hashes
// are MicroPython's.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rt_test.h"

static void test_builtin_texts_are_unique(void **state) {
    (void)state;
    for (qstr_t a = 1; a < Q_NUM_BUILTIN; a++) {
        assert_int_equal(rtq_find(rtq_str(a), rtq_len(a)), a);
    }
}

static void test_interning_is_stable(void **state) {
    (void)state;
    qstr_t a = rtq_intern_cstr("a_name_nobody_uses");
    assert_true(a >= Q_NUM_BUILTIN);
    assert_int_equal(rtq_intern_cstr("a_name_nobody_uses"), a);
    assert_string_equal(rtq_str(a), "a_name_nobody_uses");
    assert_int_equal(rtq_intern_cstr("append"), QSTR_append);
    for (int i = 0; i < 500; i++) {
        char name[32];
        snprintf(name, sizeof(name), "name%d", i);
        rtq_intern_cstr(name);
    }
    gc_collect();
    assert_string_equal(rtq_str(a), "a_name_nobody_uses");
    assert_int_equal(rtq_find("name499", 7), rtq_intern_cstr("name499"));
}

static void test_hash_is_micropythons(void **state) {
    (void)state;
    assert_int_equal(rtq_hash(rtq_intern_cstr("key0")), 4930);
    assert_int_equal(rt_str_hash((const uint8_t *)"", 0), 5381 & 0xffff);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_builtin_texts_are_unique, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_interning_is_stable, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_hash_is_micropythons, rt_test_setup, rt_test_teardown),
};

RT_TEST_MAIN(tests)
