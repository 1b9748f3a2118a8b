// tests/mpyformat/test_mpy_read.c: the reader over every corpus golden
// (each reads, and writes back byte for byte), and its rejection of
// malformed files with the right offset and message.
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mpyformat/mpyformat.h"

// The corpus lives beside the repository unless MPY_CORPUS says otherwise.
static const char *corpus_dir(void) {
    const char *dir = getenv("MPY_CORPUS");
    return dir != NULL ? dir : "../shared/corpus";
}

typedef void (*file_fn)(const char *path, const uint8_t *data, size_t len, void *ctx);

static size_t for_each_golden(file_fn fn, void *ctx) {
    static const char *const folders[] = {"bytecode", "generated", "native", "asm_thumb", "asm_xtensa", "asm_rv32"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s/%s", corpus_dir(), folders[i]);
        DIR *dp = opendir(dir);
        if (dp == NULL) {
            continue;
        }
        struct dirent *e;
        while ((e = readdir(dp)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".mpy") != 0) {
                continue;
            }
            char path[8192];
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            diag_t d;
            diag_init(&d, path);
            size_t flen;
            uint8_t *data = util_read_file(path, &flen, &d);
            assert_non_null(data);
            fn(path, data, flen, ctx);
            free(data);
            n++;
        }
        closedir(dp);
    }
    return n;
}

static void read_and_rewrite(const char *path, const uint8_t *data, size_t len, void *ctx) {
    (void)ctx;
    arena_t a;
    arena_init(&a);
    mpy_file_t f;
    diag_t d;
    diag_init(&d, path);
    if (!mpy_read(data, len, &a, &f, &d)) {
        fail_msg("%s: offset %ld: %s", path, d.offset, d.msg);
    }
    buf_t out;
    buf_init(&out);
    assert_true(mpy_write(&f, &out, &d));
    if (out.len != len || memcmp(out.data, data, len) != 0) {
        fail_msg("%s: written back differently (%zu bytes, read %zu)", path, out.len, len);
    }
    buf_deinit(&out);
    arena_deinit(&a);
}

static void test_every_corpus_golden_reads_and_writes_back_identically(void **state) {
    (void)state;
    size_t n = for_each_golden(read_and_rewrite, NULL);
    if (n == 0) {
        fail_msg("no corpus .mpy files found (the corpus is part of what this test checks)");
    }
    printf("%zu corpus files read and written back\n", n);
}

// A minimal module: qstr 0 'm.py', qstr 1 static '<module>', constant
// 'x', code: LOAD_CONST_OBJ 0, RETURN_VALUE (n_state 1, name qstr 1).
static const uint8_t tiny[] = {
    'M', 6, 0, 31,
    2, 1,
    8, 'm', '.', 'p', 'y', 0,
    0x0f,
    5, 1, 'x', 0,
    6 << 3, 0x00, 0x02, 0x01, 0x23, 0x00, 0x63,
};

static void expect_rejected(const uint8_t *data, size_t len, long offset, const char *msg) {
    arena_t a;
    arena_init(&a);
    mpy_file_t f;
    diag_t d;
    diag_init(&d, NULL);
    assert_false(mpy_read(data, len, &a, &f, &d));
    assert_int_equal(d.kind, DIAG_FORMAT_ERROR);
    if (offset >= 0) {
        assert_int_equal(d.offset, offset);
    }
    if (strstr(d.msg, msg) == NULL) {
        fail_msg("message '%s' lacks '%s'", d.msg, msg);
    }
    arena_deinit(&a);
}

static void test_tiny_module_reads(void **state) {
    (void)state;
    arena_t a;
    arena_init(&a);
    mpy_file_t f;
    diag_t d;
    diag_init(&d, NULL);
    assert_true(mpy_read(tiny, sizeof(tiny), &a, &f, &d));
    assert_int_equal(f.n_qstrs, 2);
    assert_string_equal(f.qstrs[1].str, "<module>");
    assert_true(f.qstrs[1].is_static);
    assert_int_equal(f.n_objs, 1);
    assert_int_equal(f.objs[0].kind, MPY_OBJ_STR);
    assert_int_equal(f.root.code_len, 6);
    assert_int_equal(f.root.file_offset, sizeof(tiny) - 6);
    arena_deinit(&a);
}

static void test_every_truncation_is_rejected_within_bounds(void **state) {
    (void)state;
    for (size_t n = 0; n < sizeof(tiny); n++) {
        uint8_t *copy = malloc(n + 1);
        memcpy(copy, tiny, n);
        arena_t a;
        arena_init(&a);
        mpy_file_t f;
        diag_t d;
        diag_init(&d, NULL);
        assert_false(mpy_read(copy, n, &a, &f, &d));
        assert_true(d.offset >= 0 && (size_t)d.offset <= n);
        arena_deinit(&a);
        free(copy);
    }
}

static void test_header_errors_name_the_byte(void **state) {
    (void)state;
    uint8_t bad[sizeof(tiny)];
    memcpy(bad, tiny, sizeof(tiny));
    bad[0] = 'C';
    expect_rejected(bad, sizeof(bad), 0, "bad magic");
    memcpy(bad, tiny, sizeof(tiny));
    bad[1] = 5;
    expect_rejected(bad, sizeof(bad), 1, "unsupported .mpy version 5");
    memcpy(bad, tiny, sizeof(tiny));
    bad[2] = 14 << 2 | 3;
    expect_rejected(bad, sizeof(bad), 2, "unknown architecture 14");
    memcpy(bad, tiny, sizeof(tiny));
    bad[2] = 2 << 2 | 2;
    expect_rejected(bad, sizeof(bad), 2, "sub-version 2");
}

static void test_trailing_garbage_is_rejected(void **state) {
    (void)state;
    uint8_t bad[sizeof(tiny) + 1];
    memcpy(bad, tiny, sizeof(tiny));
    bad[sizeof(tiny)] = 0;
    expect_rejected(bad, sizeof(bad), sizeof(tiny), "trailing garbage");
}

static void test_out_of_range_indices_are_rejected(void **state) {
    (void)state;
    uint8_t bad[sizeof(tiny)];
    size_t op = sizeof(tiny) - 3;   // LOAD_CONST_OBJ
    memcpy(bad, tiny, sizeof(tiny));
    bad[op + 1] = 1;
    expect_rejected(bad, sizeof(bad), (long)op, "constant index 1 out of range");
    memcpy(bad, tiny, sizeof(tiny));
    bad[op] = MPY_OP_LOAD_NAME;
    bad[op + 1] = 2;
    expect_rejected(bad, sizeof(bad), (long)op, "qstr index 2 out of range");
    memcpy(bad, tiny, sizeof(tiny));
    bad[op] = MPY_OP_JUMP;
    bad[op + 1] = 0x40 + 5;
    expect_rejected(bad, sizeof(bad), (long)op, "jump outside the code");
    memcpy(bad, tiny, sizeof(tiny));
    bad[sizeof(tiny) - 4] = 0x03;   // the function's name
    expect_rejected(bad, sizeof(bad), (long)sizeof(tiny) - 4, "qstr index 3 out of range");
}

static void test_bad_varints_are_rejected(void **state) {
    (void)state;
    uint8_t bad[sizeof(tiny)];
    memcpy(bad, tiny, sizeof(tiny));
    bad[4] = 0x80;   // qstr count with a leading zero group
    expect_rejected(bad, sizeof(bad), 4, "leading zero");
    static const uint8_t huge[] = {'M', 6, 0, 31, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    expect_rejected(huge, sizeof(huge), 4, "varint too large");
    static const uint8_t many[] = {'M', 6, 0, 31, 0x8f, 0xff, 0x7f, 0};
    expect_rejected(many, sizeof(many), 4, "exceeds the bytes left");
}

static void test_unknown_opcode_is_rejected(void **state) {
    (void)state;
    uint8_t bad[sizeof(tiny)];
    memcpy(bad, tiny, sizeof(tiny));
    bad[sizeof(tiny) - 1] = 0xd5;   // between the unary and binary ops
    expect_rejected(bad, sizeof(bad), (long)sizeof(tiny) - 1, "unknown opcode 0xd5");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_module_reads),
        cmocka_unit_test(test_every_truncation_is_rejected_within_bounds),
        cmocka_unit_test(test_header_errors_name_the_byte),
        cmocka_unit_test(test_trailing_garbage_is_rejected),
        cmocka_unit_test(test_out_of_range_indices_are_rejected),
        cmocka_unit_test(test_bad_varints_are_rejected),
        cmocka_unit_test(test_unknown_opcode_is_rejected),
        cmocka_unit_test(test_every_corpus_golden_reads_and_writes_back_identically),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
