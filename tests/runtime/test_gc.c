// tests/runtime/test_gc.c: the collector: a deep structure survives
// collections made while it is being built (deeper than the mark stack, so
// the overflow rescan runs), garbage is reclaimed, realloc keeps contents,
// and exhausting the heap raises MemoryError instead of crashing.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rt_test.h"

enum {
    DEPTH = 5000,
};

// A linked chain of two-item lists: [value, next].
static obj_t build_chain(size_t n, size_t collect_every) {
    obj_t head = OBJ_NONE;
    for (size_t i = 0; i < n; i++) {
        obj_t items[2] = {small_int((rt_int_t)i), head};
        head = list_new(2, items);
        // Garbage between live nodes, so the sweep has work to do.
        str_new_cstr("some garbage that nobody keeps");
        if (collect_every && i % collect_every == 0) {
            gc_collect();
        }
    }
    return head;
}

static void test_deep_chain_survives_collections_while_built(void **state) {
    (void)state;
    obj_t head = build_chain(DEPTH, 500);
    gc_collect();
    size_t count = 0;
    for (obj_t node = head; node != OBJ_NONE; count++) {
        obj_list_t *l = OBJ_TO_PTR(node);
        assert_int_equal(l->len, 2);
        assert_int_equal(small_int_value(l->items[0]), (rt_int_t)(DEPTH - 1 - count));
        node = l->items[1];
    }
    assert_int_equal(count, DEPTH);
}

static void __attribute__((noinline)) make_garbage(void) {
    for (int i = 0; i < 2000; i++) {
        list_new(8, NULL);
    }
}

static void test_garbage_is_reclaimed(void **state) {
    (void)state;
    gc_collect();
    gc_info_t before;
    gc_get_info(&before);
    make_garbage();
    gc_info_t during;
    gc_get_info(&during);
    assert_true(during.used > before.used);
    char wipe[4096];
    memset(wipe, 0, sizeof(wipe));
    gc_collect();
    gc_info_t after;
    gc_get_info(&after);
    // Conservative scanning may keep a stray block or two alive.
    assert_true(after.used < before.used + 1024);
    assert_true(after.n_collections > before.n_collections);
}

static void test_realloc_keeps_contents(void **state) {
    (void)state;
    char *p = gc_alloc(40);
    memcpy(p, "0123456789", 10);
    p = gc_realloc(p, 4000);
    assert_memory_equal(p, "0123456789", 10);
    p = gc_realloc(p, 20);
    assert_memory_equal(p, "0123456789", 10);
    assert_true(gc_nbytes(p) >= 20);
}

static void fill_heap(void *arg) {
    obj_t *keep = arg;
    *keep = list_new(0, NULL);
    for (;;) {
        list_append(*keep, list_new(16, NULL));
    }
}

static void test_exhausting_the_heap_raises_memory_error(void **state) {
    (void)state;
    rt_test_stop();
    rt_test_start(8 * 1024);
    obj_t keep = OBJ_NULL;
    obj_t e = rt_test_catch(fill_heap, &keep);
    assert_true(obj_isinstance(e, &type_MemoryError));
    // Dropping the structure makes the heap usable again.
    keep = OBJ_NULL;
    gc_collect();
    assert_non_null(gc_alloc_maybe(256));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_deep_chain_survives_collections_while_built, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_garbage_is_reclaimed, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_realloc_keeps_contents, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_exhausting_the_heap_raises_memory_error, rt_test_setup, rt_test_teardown),
};

RT_TEST_MAIN(tests)
