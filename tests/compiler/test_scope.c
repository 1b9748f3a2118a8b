// tests/compiler/test_scope.c: identifier tables of scopes, small (searched
// linearly) and large (through the hash index).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "compiler/scope.h"

static void add_names(scope_t *s, arena_t *a, qstr_pool_t *pool, int n, qstr_t *out) {
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "name_%d", i);
        out[i] = qstr_intern_cstr(pool, name);
        bool added = false;
        id_info_t *id = scope_find_or_add_id(s, a, out[i], ID_KIND_LOCAL, &added);
        assert_non_null(id);
        assert_true(added);
    }
}

static void test_every_added_name_is_found_at_its_position(void **state) {
    (void)state;
    static const int sizes[] = {1, 7, 8, 31, 32, 33, 100, 5000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        arena_t a;
        arena_init(&a);
        qstr_pool_t *pool = qstr_pool_new();
        scope_t *s = scope_new(&a, SCOPE_MODULE, NULL, QSTR_NULL, QSTR__lt_module_gt_, EMIT_OPT_NONE);
        qstr_t names[5000];
        add_names(s, &a, pool, sizes[k], names);
        assert_int_equal(s->id_info_len, (size_t)sizes[k]);
        for (int i = 0; i < sizes[k]; i++) {
            id_info_t *id = scope_find(s, names[i]);
            assert_non_null(id);
            assert_ptr_equal(id, &s->id_info[i]);
        }
        assert_null(scope_find(s, qstr_intern_cstr(pool, "absent")));
        qstr_pool_free(pool);
        arena_deinit(&a);
    }
}

static void test_adding_a_present_name_returns_the_first_entry(void **state) {
    (void)state;
    arena_t a;
    arena_init(&a);
    qstr_pool_t *pool = qstr_pool_new();
    scope_t *s = scope_new(&a, SCOPE_FUNCTION, NULL, QSTR_NULL, QSTR_main, EMIT_OPT_NONE);
    qstr_t names[100];
    add_names(s, &a, pool, 100, names);
    bool added = true;
    id_info_t *again = scope_find_or_add_id(s, &a, names[57], ID_KIND_GLOBAL_EXPLICIT, &added);
    assert_false(added);
    assert_ptr_equal(again, &s->id_info[57]);
    assert_int_equal(again->kind, ID_KIND_LOCAL);
    assert_int_equal(s->id_info_len, 100);
    qstr_pool_free(pool);
    arena_deinit(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_added_name_is_found_at_its_position),
        cmocka_unit_test(test_adding_a_present_name_returns_the_first_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
