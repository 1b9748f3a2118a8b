// tests/emitters/test_emit_native.c: the native emitter through the whole
// compiler: small @micropython.native / @micropython.viper programs are
// compiled for x64 and Thumb and the machine code of the function is
// checked (its frame and prelude, viper operations, the official tool's
// known mistakes not repeated) along with the errors it must report
// instead of crashing. The byte-for-byte comparison with the official
// tool is tests/emitters/check-native.sh.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compiler/compiler.h"

typedef struct compiled {
    arena_t arena;
    buf_t out;
    mpy_file_t file;
    diag_t d;
    bool ok;
} compiled_t;

// Compiles src for arch; on success the file is read back into c->file.
static void compile_for(compiled_t *c, const char *src, mpy_arch_t arch) {
    memset(c, 0, sizeof(*c));
    arena_init(&c->arena);
    buf_init(&c->out);
    diag_init(&c->d, "t.py");
    compile_options_t opts;
    compile_options_init(&opts);
    opts.source_name = "t.py";
    opts.arch = arch;
    c->ok = compile_to_mpy((const uint8_t *)src, strlen(src), &opts, &c->out, &c->d);
    if (c->ok) {
        diag_t rd;
        diag_init(&rd, "t.mpy");
        c->ok = mpy_read(c->out.data, c->out.len, &c->arena, &c->file, &rd);
    }
}

static void release(compiled_t *c) {
    buf_deinit(&c->out);
    arena_deinit(&c->arena);
}

static const mpy_raw_code_t *first_function(const compiled_t *c) {
    assert_true(c->ok);
    assert_true(c->file.root.n_children >= 1);
    return &c->file.root.children[0];
}

static bool contains(const uint8_t *code, size_t len, const uint8_t *pat, size_t n) {
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(code + i, pat, n) == 0) {
            return true;
        }
    }
    return false;
}

static void test_native_function_has_prelude_index_entry_and_prelude(void **state) {
    (void)state;
    compiled_t c;
    compile_for(&c, "import micropython\n@micropython.native\ndef f(a):\n    return a\n", MPY_ARCH_X64);
    const mpy_raw_code_t *rc = first_function(&c);
    assert_int_equal(c.file.arch, MPY_ARCH_X64);
    assert_int_equal(rc->kind, MPY_CODE_NATIVE);
    // A word with the child-table index of the prelude (no children: 0),
    // then push rbp.
    static const uint8_t start[] = {0, 0, 0, 0, 0, 0, 0, 0, 0x55};
    assert_memory_equal(rc->code, start, sizeof(start));
    assert_true(rc->prelude_offset < rc->code_len);
    // The function table is the first constant.
    assert_true(c.file.n_objs >= 1);
    assert_int_equal(c.file.objs[0].kind, MPY_OBJ_FUN_TABLE);
    release(&c);
}

static const char unary_src[] = "import micropython\n"
                                "@micropython.viper\n"
                                "def unary(a: int) -> int:\n"
                                "    x = -a\n"
                                "    y = ~a\n"
                                "    z = +a\n"
                                "    return x * 10000 + y * 100 + z\n";

// official_bugs/viper_unary_in_place.py: the official tool negates the
// register holding `a` itself; the result must go elsewhere.
static void test_viper_unary_leaves_argument_register_alone_on_x64(void **state) {
    (void)state;
    compiled_t c;
    compile_for(&c, unary_src, MPY_ARCH_X64);
    const mpy_raw_code_t *rc = first_function(&c);
    assert_int_equal(rc->kind, MPY_CODE_VIPER);
    static const uint8_t neg_rbx[] = {0x48, 0xf7, 0xdb};
    static const uint8_t not_rbx[] = {0x48, 0xf7, 0xd3};
    static const uint8_t mov_neg_rax[] = {0x48, 0x89, 0xd8, 0x48, 0xf7, 0xd8};
    static const uint8_t mov_not_rax[] = {0x48, 0x89, 0xd8, 0x48, 0xf7, 0xd0};
    assert_false(contains(rc->code, rc->code_len, neg_rbx, sizeof(neg_rbx)));
    assert_false(contains(rc->code, rc->code_len, not_rbx, sizeof(not_rbx)));
    assert_true(contains(rc->code, rc->code_len, mov_neg_rax, sizeof(mov_neg_rax)));
    assert_true(contains(rc->code, rc->code_len, mov_not_rax, sizeof(mov_not_rax)));
    release(&c);
}

static void test_viper_unary_leaves_argument_register_alone_on_thumb(void **state) {
    (void)state;
    compiled_t c;
    compile_for(&c, unary_src, MPY_ARCH_ARMV7M);
    const mpy_raw_code_t *rc = first_function(&c);
    // mov r0, r4; negs r0, r0 and mov r0, r4; mvns r0, r0 (never negs r4).
    static const uint8_t neg_r4[] = {0x64, 0x42};
    static const uint8_t mov_neg[] = {0x20, 0x46, 0x40, 0x42};
    static const uint8_t mov_mvn[] = {0x20, 0x46, 0xc0, 0x43};
    assert_false(contains(rc->code, rc->code_len, neg_r4, sizeof(neg_r4)));
    assert_true(contains(rc->code, rc->code_len, mov_neg, sizeof(mov_neg)));
    assert_true(contains(rc->code, rc->code_len, mov_mvn, sizeof(mov_mvn)));
    release(&c);
}

static void test_viper_compare_uses_it_block_on_armv7m_and_branches_on_armv6m(void **state) {
    (void)state;
    const char *src = "import micropython\n@micropython.viper\ndef lt(a: int, b: int) -> bool:\n    return a < b\n";
    compiled_t c;
    compile_for(&c, src, MPY_ARCH_ARMV7M);
    static const uint8_t ite_lt[] = {0xb4, 0xbf, 0x01, 0x20, 0x00, 0x20};
    assert_true(contains(first_function(&c)->code, first_function(&c)->code_len, ite_lt, sizeof(ite_lt)));
    release(&c);
    compile_for(&c, src, MPY_ARCH_ARMV6M);
    // blt +6; movs r0, #0; b +4; movs r0, #1
    static const uint8_t blt[] = {0x01, 0xdb, 0x00, 0x20, 0x00, 0xe0, 0x01, 0x20};
    assert_true(contains(first_function(&c)->code, first_function(&c)->code_len, blt, sizeof(blt)));
    release(&c);
}

static void test_viper_local_type_change_is_a_viper_type_error(void **state) {
    (void)state;
    compiled_t c;
    compile_for(&c, "import micropython\n@micropython.viper\ndef f():\n    x = 1\n    x = 'a'\n", MPY_ARCH_X64);
    assert_false(c.ok);
    assert_int_equal(c.d.kind, DIAG_VIPER_TYPE_ERROR);
    assert_string_equal(c.d.msg, "local 'x' has type 'int' but source is 'object'");
    assert_int_equal(c.d.line, 3);
    release(&c);
}

// The official tool aborts on a bare raise in a native handler; ours keeps
// each handler's exception in a frame slot and compiles it (the programs of
// official_crashes run in tests/emitters/check-native-reraise.sh).
static void test_bare_raise_in_native_handler_compiles_for_every_arch(void **state) {
    (void)state;
    static const mpy_arch_t archs[] = {
        MPY_ARCH_X64, MPY_ARCH_X86, MPY_ARCH_ARMV6M, MPY_ARCH_ARMV7M, MPY_ARCH_ARMV7EMSP, MPY_ARCH_ARMV7EMDP,
    };
    for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
        compiled_t c;
        compile_for(&c,
            "import micropython\n@micropython.native\ndef f():\n    try:\n        g()\n    except ValueError:\n"
            "        raise\n",
            archs[i]);
        assert_true(c.ok);
        release(&c);
    }
}

// Directly inside a finally, whether there is an exception to re-raise is
// only known at run time: that form is still refused, cleanly.
static void test_bare_raise_in_native_finally_is_refused_cleanly(void **state) {
    (void)state;
    compiled_t c;
    compile_for(&c,
        "import micropython\n@micropython.native\ndef f():\n    try:\n        g()\n    finally:\n"
        "        raise\n",
        MPY_ARCH_X64);
    assert_false(c.ok);
    assert_int_equal(c.d.kind, DIAG_NOT_IMPLEMENTED);
    release(&c);
}

static void test_viper_yield_is_refused_cleanly(void **state) {
    (void)state;
    compiled_t c;
    compile_for(&c, "import micropython\n@micropython.viper\ndef f():\n    yield 1\n", MPY_ARCH_ARMV7M);
    assert_false(c.ok);
    assert_int_equal(c.d.kind, DIAG_NOT_IMPLEMENTED);
    assert_string_equal(c.d.msg, "native yield");
    release(&c);
}

// The finally handler of a native `async with` tells an exception from a
// return or unwind jump by the exception slot, as the official tool does,
// not by matching the stack top against BaseException.
static void test_native_async_with_tests_exception_slot_not_base_exception(void **state) {
    (void)state;
    compiled_t c;
    compile_for(&c, "import micropython\n@micropython.native\nasync def f(cm):\n    async with cm:\n        pass\n",
        MPY_ARCH_X64);
    const mpy_raw_code_t *rc = first_function(&c);
    // mov rdi, [rsp+8] (exception slot); test rdi, rdi; je rel32
    static const uint8_t test_exc_slot[] = {0x48, 0x8b, 0x7c, 0x24, 0x08, 0x48, 0x85, 0xff, 0x0f, 0x84};
    // movzwl edi, [r13+10]: qstr 5, BaseException, as load_global's argument
    static const uint8_t load_base_exception[] = {0x41, 0x0f, 0xb7, 0x7d, 0x0a};
    assert_true(contains(rc->code, rc->code_len, test_exc_slot, sizeof(test_exc_slot)));
    assert_false(contains(rc->code, rc->code_len, load_base_exception, sizeof(load_base_exception)));
    release(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native_function_has_prelude_index_entry_and_prelude),
        cmocka_unit_test(test_viper_unary_leaves_argument_register_alone_on_x64),
        cmocka_unit_test(test_viper_unary_leaves_argument_register_alone_on_thumb),
        cmocka_unit_test(test_viper_compare_uses_it_block_on_armv7m_and_branches_on_armv6m),
        cmocka_unit_test(test_viper_local_type_change_is_a_viper_type_error),
        cmocka_unit_test(test_bare_raise_in_native_handler_compiles_for_every_arch),
        cmocka_unit_test(test_bare_raise_in_native_finally_is_refused_cleanly),
        cmocka_unit_test(test_viper_yield_is_refused_cleanly),
        cmocka_unit_test(test_native_async_with_tests_exception_slot_not_base_exception),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
