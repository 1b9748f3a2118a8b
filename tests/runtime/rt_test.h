// tests/runtime/rt_test.h: starting the VM inside a CMocka test program.
// The GC scans the C stack conservatively, so the runtime is told where the
// stack starts (main's frame) before any test runs.
#ifndef TESTS_RUNTIME_RT_TEST_H
#define TESTS_RUNTIME_RT_TEST_H

#include <stdlib.h>

#include "runtime/obj.h"
#include "runtime/runtime.h"

static char *rt_test_stack_top;
static void *rt_test_heap;
// The compiler eval/exec get (NULL: none, as on boards); set before starting.
static rt_compile_fn_t rt_test_compiler;

// Starts a fresh VM on a heap of heap_size bytes (freed by rt_test_stop).
static inline void rt_test_start(size_t heap_size) {
    rt_test_heap = malloc(heap_size);
    static char *argv[] = {(char *)"test", NULL};
    rt_config_t cfg = {rt_test_heap, heap_size, rt_test_stack_top, 1024 * 1024, 1, argv, rt_test_compiler, 0};
    rt_init(&cfg);
}

static inline void rt_test_stop(void) {
    rt_deinit();
    free(rt_test_heap);
    rt_test_heap = NULL;
}

static inline int rt_test_setup(void **state) {
    (void)state;
    rt_test_start(512 * 1024);
    return 0;
}

static inline int rt_test_teardown(void **state) {
    (void)state;
    rt_test_stop();
    return 0;
}

// Runs fn() and returns the exception it raised, or OBJ_NULL.
static inline obj_t rt_test_catch(void (*fn)(void *), void *arg) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        fn(arg);
        nlr_pop();
        return OBJ_NULL;
    }
    return nlr.ret_val;
}

// The text str(exc) would give.
static inline const char *rt_test_exc_text(obj_t exc) {
    return str_get_cstr(obj_str(exc));
}

#define RT_TEST_MAIN(tests)                                                  \
    int main(void) {                                                         \
        char top;                                                            \
        rt_test_stack_top = &top;                                            \
        return cmocka_run_group_tests(tests, NULL, NULL);                    \
    }

#endif // TESTS_RUNTIME_RT_TEST_H
