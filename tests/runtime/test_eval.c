// tests/runtime/test_eval.c: eval, exec and compile() in runtime/eval.c.
// Without a compiler (as on boards) they raise NotImplementedError; with
// the host port's they run source in the given name spaces, return the
// value of eval input, and turn compile errors into SyntaxError.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt_test.h"

typedef struct call_job {
    qstr_t builtin;
    size_t n_args;
    obj_t args[3];
    obj_t result;
} call_job_t;

static void call_builtin(void *arg) {
    call_job_t *job = arg;
    obj_t fun = dict_get(rt.builtins, obj_qstr(job->builtin));
    job->result = rt_call(fun, job->n_args, 0, job->args);
}

// Calls builtin(src[, globals]) and returns the exception raised, or
// OBJ_NULL with the result in *result.
static obj_t run(qstr_t builtin, const char *src, obj_t globals, obj_t *result) {
    call_job_t job = {builtin, 1, {str_new_cstr(src), globals, OBJ_NULL}, OBJ_NULL};
    if (globals != OBJ_NULL) {
        job.n_args = 2;
    }
    obj_t e = rt_test_catch(call_builtin, &job);
    *result = job.result;
    return e;
}

static int start_without_compiler(void **state) {
    rt_test_compiler = NULL;
    return rt_test_setup(state);
}

static int start_with_compiler(void **state) {
    rt_test_compiler = port_host_compile;
    int r = rt_test_setup(state);
    rt.cur_globals = dict_new(0);
    rt.cur_locals = rt.cur_globals;
    return r;
}

static void test_eval_without_a_compiler_raises_not_implemented(void **state) {
    (void)state;
    obj_t result;
    obj_t e = run(QSTR_eval, "1 + 1", OBJ_NULL, &result);
    assert_true(e != OBJ_NULL && obj_isinstance(e, &type_NotImplementedError));
    e = run(QSTR_exec, "x = 1", dict_new(0), &result);
    assert_true(e != OBJ_NULL && obj_isinstance(e, &type_NotImplementedError));
}

static void test_eval_returns_the_value_of_the_expression(void **state) {
    (void)state;
    obj_t result;
    assert_true(run(QSTR_eval, "6 * 7", OBJ_NULL, &result) == OBJ_NULL);
    assert_true(result == small_int(42));
}

static void test_eval_reads_names_from_the_given_globals(void **state) {
    (void)state;
    obj_t g = dict_new(0);
    dict_store(g, obj_qstr(rtq_intern_cstr("a")), small_int(5));
    obj_t result;
    assert_true(run(QSTR_eval, "a + 1", g, &result) == OBJ_NULL);
    assert_true(result == small_int(6));
}

static void test_exec_stores_into_the_given_dict_and_returns_none(void **state) {
    (void)state;
    obj_t g = dict_new(0);
    obj_t result;
    assert_true(run(QSTR_exec, "def f(n):\n    return n * k\nk = 3\nr = f(4)", g, &result) == OBJ_NULL);
    assert_true(result == OBJ_NONE);
    assert_true(dict_get(g, obj_qstr(rtq_intern_cstr("r"))) == small_int(12));
    assert_true(dict_get(rt.cur_globals, obj_qstr(rtq_intern_cstr("r"))) == OBJ_NULL);
}

static void test_a_syntax_error_is_raised_as_syntax_error(void **state) {
    (void)state;
    obj_t result;
    obj_t e = run(QSTR_eval, "1 +", OBJ_NULL, &result);
    assert_true(e != OBJ_NULL && obj_isinstance(e, &type_SyntaxError));
    assert_string_equal(rt_test_exc_text(e), "invalid syntax");
    e = run(QSTR_exec, "return 1", OBJ_NULL, &result);
    assert_true(e != OBJ_NULL && obj_isinstance(e, &type_SyntaxError));
    assert_string_equal(rt_test_exc_text(e), "'return' outside function");
}

static void test_errors_restore_the_callers_name_spaces(void **state) {
    (void)state;
    obj_t g = rt.cur_globals;
    obj_t result;
    obj_t e = run(QSTR_exec, "1 / 0", dict_new(0), &result);
    assert_true(e != OBJ_NULL && obj_isinstance(e, &type_ZeroDivisionError));
    assert_true(rt.cur_globals == g && rt.cur_locals == g);
}

int main(void) {
    char top;
    rt_test_stack_top = &top;
    const struct CMUnitTest without[] = {
        cmocka_unit_test_setup_teardown(test_eval_without_a_compiler_raises_not_implemented,
            start_without_compiler, rt_test_teardown),
    };
    const struct CMUnitTest with[] = {
        cmocka_unit_test_setup_teardown(test_eval_returns_the_value_of_the_expression,
            start_with_compiler, rt_test_teardown),
        cmocka_unit_test_setup_teardown(test_eval_reads_names_from_the_given_globals,
            start_with_compiler, rt_test_teardown),
        cmocka_unit_test_setup_teardown(test_exec_stores_into_the_given_dict_and_returns_none,
            start_with_compiler, rt_test_teardown),
        cmocka_unit_test_setup_teardown(test_a_syntax_error_is_raised_as_syntax_error,
            start_with_compiler, rt_test_teardown),
        cmocka_unit_test_setup_teardown(test_errors_restore_the_callers_name_spaces,
            start_with_compiler, rt_test_teardown),
    };
    int failed = cmocka_run_group_tests_name("without a compiler", without, NULL, NULL);
    return failed + cmocka_run_group_tests_name("with the host compiler", with, NULL, NULL);
}
