// tests/runtime/test_loader.c: the loader's checks. Files the official VM
// refuses get its messages (incompatible version, sub-version, small-int
// bits, native code), malformed files a ValueError and never a crash, and
// a good file runs.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../runtime/nativeglue.h"
#include "rt_test.h"

// x = [i * i for i in range(5)]; y = sum(x); d = {'k%d' % i: i for i in range(3)}
// as compiled by mpy-cross.
static const uint8_t good_mpy[] = {
    0x4d, 0x06, 0x00, 0x1f, 0x0b, 0x00, 0x0e, 0x74, 0x69, 0x6e, 0x79, 0x2e, 0x70, 0x79, 0x00, 0x0f,
    0x14, 0x3c, 0x6c, 0x69, 0x73, 0x74, 0x63, 0x6f, 0x6d, 0x70, 0x3e, 0x00, 0x14, 0x3c, 0x64, 0x69,
    0x63, 0x74, 0x63, 0x6f, 0x6d, 0x70, 0x3e, 0x00, 0x06, 0x6b, 0x25, 0x64, 0x00, 0x81, 0x79, 0x02,
    0x78, 0x00, 0x82, 0x33, 0x02, 0x79, 0x00, 0x02, 0x64, 0x00, 0x0b, 0x82, 0x2c, 0x10, 0x06, 0x01,
    0x2b, 0x28, 0x32, 0x00, 0x11, 0x05, 0x85, 0x34, 0x01, 0x34, 0x01, 0x16, 0x06, 0x11, 0x07, 0x11,
    0x06, 0x34, 0x01, 0x16, 0x08, 0x32, 0x01, 0x11, 0x05, 0x83, 0x34, 0x01, 0x34, 0x01, 0x16, 0x09,
    0x51, 0x63, 0x02, 0x81, 0x18, 0x41, 0x04, 0x02, 0x0a, 0x2b, 0x00, 0xb0, 0x5f, 0x4b, 0x08, 0xc1,
    0xb1, 0xb1, 0xf4, 0x2f, 0x14, 0x42, 0x36, 0x63, 0x81, 0x30, 0x49, 0x06, 0x03, 0x0a, 0x40, 0x2c,
    0x00, 0xb0, 0x5f, 0x4b, 0x0a, 0xc1, 0xb1, 0x10, 0x04, 0xb1, 0xf8, 0x2f, 0x19, 0x42, 0x34, 0x63,
};

typedef struct load_job {
    const uint8_t *data;
    size_t len;
    obj_t globals;
} load_job_t;

static void load(void *arg) {
    load_job_t *job = arg;
    rt_import_mpy_data(QSTR_main, job->data, job->len, job->globals);
}

// Loads `data` with byte `at` replaced by `value` (at < 0: unchanged) and
// returns the exception raised, or OBJ_NULL.
static obj_t try_load(const uint8_t *data, size_t len, int at, uint8_t value, obj_t *globals) {
    uint8_t *copy = malloc(len);
    memcpy(copy, data, len);
    if (at >= 0) {
        copy[at] = value;
    }
    load_job_t job = {copy, len, module_new(QSTR_main)};
    job.globals = rt_module_get_globals(job.globals);
    obj_t e = rt_test_catch(load, &job);
    free(copy);
    if (globals) {
        *globals = job.globals;
    }
    return e;
}

static void assert_value_error(obj_t e, const char *msg) {
    assert_true(e != OBJ_NULL);
    assert_true(obj_isinstance(e, &type_ValueError));
    if (msg) {
        assert_string_equal(rt_test_exc_text(e), msg);
    }
}

static void test_good_file_runs(void **state) {
    (void)state;
    obj_t g;
    obj_t e = try_load(good_mpy, sizeof(good_mpy), -1, 0, &g);
    assert_true(e == OBJ_NULL);
    assert_int_equal(small_int_value(dict_get(g, obj_qstr(rtq_intern_cstr("y")))), 30);
    assert_string_equal(str_get_cstr(obj_repr(dict_get(g, obj_qstr(rtq_intern_cstr("x"))))),
                        "[0, 1, 4, 9, 16]");
}

static void test_wrong_magic_or_version_is_incompatible(void **state) {
    (void)state;
    assert_value_error(try_load(good_mpy, sizeof(good_mpy), 0, 'C', NULL), "incompatible .mpy file");
    assert_value_error(try_load(good_mpy, sizeof(good_mpy), 1, 5, NULL), "incompatible .mpy file");
    assert_value_error(try_load(good_mpy, 3, -1, 0, NULL), "incompatible .mpy file");
}

static void test_too_many_small_int_bits_is_incompatible(void **state) {
    (void)state;
    assert_value_error(try_load(good_mpy, sizeof(good_mpy), 3, (uint8_t)(SMALL_INT_BITS + 1), NULL),
                       "incompatible .mpy file");
}

static void test_native_architecture_is_refused(void **state) {
    (void)state;
    // Feature byte: architecture xtensa (9) in bits 5..2, sub-version 3: a
    // VM that runs native code refuses another architecture's, one that
    // runs none refuses all (runtime/nativeglue.h).
    assert_value_error(try_load(good_mpy, sizeof(good_mpy), 2, (9 << 2) | 3, NULL),
                       RT_NATIVE_ARCH != MPY_ARCH_NONE ? "incompatible .mpy arch"
                                                       : "native code in .mpy unsupported");
    // A wrong sub-version with a native architecture is incompatible.
    assert_value_error(try_load(good_mpy, sizeof(good_mpy), 2, (2 << 2) | 1, NULL),
                       "incompatible .mpy file");
}

static void test_truncated_and_corrupt_files_raise_value_error(void **state) {
    (void)state;
    for (size_t len = 4; len < sizeof(good_mpy); len += 7) {
        assert_value_error(try_load(good_mpy, len, -1, 0, NULL), NULL);
    }
    // Every single-byte corruption either loads or raises; it never crashes.
    for (size_t at = 4; at < sizeof(good_mpy); at++) {
        try_load(good_mpy, sizeof(good_mpy), (int)at, 0xff, NULL);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_good_file_runs, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_wrong_magic_or_version_is_incompatible, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_too_many_small_int_bits_is_incompatible, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_native_architecture_is_refused, rt_test_setup, rt_test_teardown),
    cmocka_unit_test_setup_teardown(test_truncated_and_corrupt_files_raise_value_error, rt_test_setup, rt_test_teardown),
};

RT_TEST_MAIN(tests)
