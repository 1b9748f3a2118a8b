// tests/runtime/test_obj.c: the object model: tagging, ints growing into
// big ints, strings interned or not, hashes and dict/set order identical to
// the reference VM, sorting, and exception messages.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rt_test.h"

static obj_t str(const char *s) {
    return str_new_cstr(s);
}

static const char *repr(obj_t o) {
    return str_get_cstr(obj_repr(o));
}

static void test_small_ints_are_tagged_words(void **state) {
    (void)state;
    obj_t a = small_int(-5);
    assert_true(obj_is_small_int(a));
    assert_int_equal(small_int_value(a), -5);
    assert_ptr_equal(obj_type(a), &type_int);
    assert_ptr_equal(obj_type(OBJ_NONE), &type_none);
    assert_ptr_equal(obj_type(OBJ_TRUE), &type_bool);
    assert_ptr_equal(obj_type(obj_qstr(QSTR_append)), &type_str);
}

static void test_int_overflow_becomes_big_and_back(void **state) {
    (void)state;
    obj_t big = int_from_ll(SMALL_INT_MAX);
    big = rt_binary_op(OP_ADD, big, small_int(1));
    assert_false(obj_is_small_int(big));
    assert_string_equal(repr(rt_binary_op(OP_POWER, small_int(2), small_int(100))),
                        "1267650600228229401496703205376");
    obj_t back = rt_binary_op(OP_SUBTRACT, big, small_int(1));
    assert_true(obj_is_small_int(back));
    assert_int_equal(small_int_value(back), SMALL_INT_MAX);
}

static void test_floor_division_and_modulo_follow_python(void **state) {
    (void)state;
    assert_int_equal(small_int_value(rt_binary_op(OP_FLOOR_DIVIDE, small_int(-7), small_int(2))), -4);
    assert_int_equal(small_int_value(rt_binary_op(OP_MODULO, small_int(-7), small_int(2))), 1);
    assert_int_equal(small_int_value(rt_binary_op(OP_MODULO, small_int(7), small_int(-2))), -1);
}

static void test_interned_and_heap_strings_are_equal(void **state) {
    (void)state;
    obj_t heap = str("append");
    assert_false(obj_is_qstr(heap));
    assert_true(obj_equal(heap, obj_qstr(QSTR_append)));
    assert_int_equal(obj_hash(heap), obj_hash(obj_qstr(QSTR_append)));
}

static void test_hashes_match_the_reference_vm(void **state) {
    (void)state;
    assert_int_equal(obj_hash(str("key0")), 4930);
    obj_t items[2] = {small_int(1), small_int(2)};
    assert_int_equal(obj_hash(tuple_new(2, items)), 98211);
    assert_int_equal(obj_hash(OBJ_NONE), 6);
    assert_int_equal(obj_hash(float_new(1.5)), 1);
    assert_int_equal(obj_hash(rt_binary_op(OP_POWER, small_int(2), small_int(40))), 0);
}

static void test_dict_iterates_in_reference_order(void **state) {
    (void)state;
    obj_t d = dict_new(0);
    for (int i = 0; i < 12; i++) {
        char key[16];
        snprintf(key, sizeof(key), "key%d", i);
        dict_store(d, str(key), small_int(i));
    }
    // Printed by the official VM for {'key%d' % i: i for i in range(12)}.
    assert_string_equal(repr(d), "{'key6': 6, 'key7': 7, 'key4': 4, 'key5': 5, 'key10': 10, "
                                 "'key11': 11, 'key8': 8, 'key9': 9, 'key2': 2, 'key3': 3, "
                                 "'key0': 0, 'key1': 1}");
}

static void test_set_iterates_in_reference_order(void **state) {
    (void)state;
    obj_t items[8] = {small_int(3), small_int(1), small_int(2), small_int(10), small_int(100),
                      small_int(-1), str("a"), str("b")};
    assert_string_equal(repr(set_new(&type_set, 8, items)), "{'b', 1, 2, 3, 10, 100, 'a', -1}");
}

static void test_sort_orders_and_reverses(void **state) {
    (void)state;
    obj_t items[5] = {small_int(3), small_int(1), small_int(2), small_int(5), small_int(4)};
    obj_t l = list_new(5, items);
    list_sort(l, OBJ_NONE, false);
    assert_string_equal(repr(l), "[1, 2, 3, 4, 5]");
    list_sort(l, OBJ_NONE, true);
    assert_string_equal(repr(l), "[5, 4, 3, 2, 1]");
}

static void test_floats_print_like_micropython(void **state) {
    (void)state;
    assert_string_equal(repr(float_new(1e16)), "1e+16");
    assert_string_equal(repr(float_new(0.1 + 0.2)), "0.30000000000000004");
    assert_string_equal(repr(float_new(100.0)), "100.0");
}

static void index_out_of_range(void *arg) {
    (void)arg;
    rt_subscr(list_new(0, NULL), small_int(3), OBJ_SENTINEL);
}

static void add_int_and_str(void *arg) {
    (void)arg;
    rt_binary_op(OP_ADD, small_int(1), str("a"));
}

static void test_errors_carry_reference_messages(void **state) {
    (void)state;
    obj_t e = rt_test_catch(index_out_of_range, NULL);
    assert_true(obj_isinstance(e, &type_IndexError));
    assert_string_equal(rt_test_exc_text(e), "list index out of range");
    e = rt_test_catch(add_int_and_str, NULL);
    assert_true(obj_isinstance(e, &type_TypeError));
    assert_string_equal(rt_test_exc_text(e), "unsupported types for __add__: 'int', 'str'");
    assert_string_equal(repr(exc_new_msg(&type_ValueError, "a")), "ValueError('a',)");
}

static void test_string_formatting(void **state) {
    (void)state;
    obj_t args[2] = {small_int(255), str("x")};
    assert_string_equal(str_get_cstr(str_modulo_format(str("%04x|%-3s|"), 2, args, OBJ_NULL)),
                        "00ff|x  |");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_small_ints_are_tagged_words, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_int_overflow_becomes_big_and_back, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_floor_division_and_modulo_follow_python, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_interned_and_heap_strings_are_equal, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_hashes_match_the_reference_vm, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_dict_iterates_in_reference_order, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_set_iterates_in_reference_order, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_sort_orders_and_reverses, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_floats_print_like_micropython, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_errors_carry_reference_messages, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_string_formatting, rt_test_setup, rt_test_teardown),
};

RT_TEST_MAIN(tests)
