// tests/frozen/test_freeze.c: the freezer's inputs and output: a manifest
// evaluated as Python (include with options, conditionals, loops,
// require from the library path) gives exactly the expected modules; name
// clashes, missing files and manifest errors are reported naming the file;
// the C output does not depend on the order of the inputs.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../../frozen/frozen.h"

static char root[64];

// Writes root/rel, making the folders on the way.
static void put(const char *rel, const char *text) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0755);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *at(const char *rel) {
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof(path[k]), "%s/%s", root, rel);
    return path[k];
}

static int setup(void **state) {
    (void)state;
    strcpy(root, "/tmp/test_freeze.XXXXXX");
    assert_non_null(mkdtemp(root));
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

// The module names, sorted, joined by spaces.
static char *module_set(const freezer_t *f) {
    static char s[1024];
    s[0] = 0;
    for (size_t i = 0; i < f->n_entries; i++) {
        strcat(s, i ? " " : "");
        strcat(s, f->entries[i].name);
    }
    return s;
}

static void make_manifest_tree(void) {
    put("top/manifest.py",
        "include('sub', debug=True, level=2)\n"
        "if options.extra:\n"
        "    module('never.py')\n"
        "module('app.py')\n"
        "include('$(EXTRA)/manifest.py')\n");
    put("top/app.py", "print('app')\n");
    put("top/never.py", "x = 1\n");
    put("top/sub/manifest.py",
        "if options.debug:\n"
        "    module('dbg.py')\n"
        "else:\n"
        "    module('nodbg.py')\n"
        "for name in ('a', 'b'):\n"
        "    if options.level == 2:\n"
        "        package('pkg_' + name)\n"
        "require('mylib')\n"
        "require('single')\n"
        "metadata(version='1.0', description='test')\n"
        "include('../manifest.py')\n");   // already visited: no effect
    put("top/sub/dbg.py", "x = 1\n");
    put("top/sub/nodbg.py", "x = 1\n");
    put("top/sub/pkg_a/__init__.py", "x = 1\n");
    put("top/sub/pkg_a/x.py", "x = 1\n");
    put("top/sub/pkg_b/__init__.py", "x = 1\n");
    put("lib/micropython/mylib/manifest.py",
        "options.defaults(flavour='plain')\n"
        "package('mylib')\n"
        "if options.flavour == 'plain':\n"
        "    module('plain.py')\n");
    put("lib/micropython/mylib/mylib/__init__.py", "x = 1\n");
    put("lib/micropython/mylib/plain.py", "x = 1\n");
    put("lib/single.py", "x = 1\n");
    put("extra/manifest.py", "freeze('.', 'tool.py', opt=3)\n");
    put("extra/tool.py", "x = 1\n");
}

static void test_manifest_with_include_options_and_require_freezes_exact_set(void **state) {
    (void)state;
    make_manifest_tree();
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    char var[600];
    snprintf(var, sizeof(var), "EXTRA=%s", at("extra"));
    assert_true(freezer_set_var(&f, var, &d));
    assert_true(freezer_add_lib_dir(&f, at("lib"), &d));
    bool ok = freezer_add_manifest(&f, at("top/manifest.py"), &d);
    if (!ok) {
        fail_msg("%s:%d: %s", d.file ? d.file : "?", d.line, d.msg);
    }
    assert_true(freezer_compile(&f, &d));
    assert_string_equal(module_set(&f), "app dbg mylib pkg_a pkg_a.x pkg_b plain single tool");
    for (size_t i = 0; i < f.n_entries; i++) {
        const freeze_entry_t *e = &f.entries[i];
        bool is_package = strcmp(e->name, "mylib") == 0 || strcmp(e->name, "pkg_a") == 0 ||
            strcmp(e->name, "pkg_b") == 0;
        assert_int_equal(e->is_package, is_package);
        assert_int_equal(e->opt, strcmp(e->name, "tool") == 0 ? 3 : -1);
    }
    freezer_deinit(&f);
}

static void test_manifest_error_names_file_and_line(void **state) {
    (void)state;
    put("m/manifest.py", "module('ok.py')\n\nundefined_name()\n");
    put("m/ok.py", "x = 1\n");
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    assert_false(freezer_add_manifest(&f, at("m/manifest.py"), &d));
    assert_string_equal(d.file, at("m/manifest.py"));
    assert_int_equal(d.line, 3);
    assert_non_null(strstr(d.msg, "NameError"));
    freezer_deinit(&f);
}

static void test_require_of_unknown_package_fails(void **state) {
    (void)state;
    put("r/manifest.py", "require('nowhere')\n");
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    assert_false(freezer_add_manifest(&f, at("r/manifest.py"), &d));
    assert_int_equal(d.line, 1);
    assert_non_null(strstr(d.msg, "require('nowhere')"));
    freezer_deinit(&f);
}

static void test_two_files_for_one_module_clash(void **state) {
    (void)state;
    put("a/m.py", "x = 1\n");
    put("b/m.py", "x = 2\n");
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    assert_true(freezer_add_input(&f, at("a/m.py"), &d));
    assert_true(freezer_add_input(&f, at("a/m.py"), &d));   // the same file again is fine
    assert_false(freezer_add_input(&f, at("b/m.py"), &d));
    assert_non_null(strstr(d.msg, "name clash: module 'm'"));
    assert_non_null(strstr(d.msg, at("b/m.py")));
    freezer_deinit(&f);
}

static void test_missing_file_is_an_error_naming_it(void **state) {
    (void)state;
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    assert_false(freezer_add_input(&f, at("no/such.py"), &d));
    assert_non_null(strstr(d.msg, at("no/such.py")));
    assert_non_null(strstr(d.msg, "No such file"));
    freezer_deinit(&f);
}

static void test_syntax_error_names_file_and_line(void **state) {
    (void)state;
    put("s/bad.py", "x = 1\nif x\n");
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    assert_true(freezer_add_input(&f, at("s/bad.py"), &d));
    assert_false(freezer_compile(&f, &d));
    assert_int_equal(d.kind, DIAG_SYNTAX_ERROR);
    assert_string_equal(d.file, at("s/bad.py"));
    assert_int_equal(d.line, 2);
    freezer_deinit(&f);
}

static void freeze_to(buf_t *out, const char *const *inputs, size_t n) {
    freezer_t f;
    freezer_init(&f);
    diag_t d;
    diag_init(&d, NULL);
    for (size_t i = 0; i < n; i++) {
        assert_true(freezer_add_input(&f, inputs[i], &d));
    }
    assert_true(freezer_compile(&f, &d));
    assert_true(freezer_write_c(&f, out, NULL, &d));
    freezer_deinit(&f);
}

static void test_output_does_not_depend_on_input_order(void **state) {
    (void)state;
    put("t/one.py", "A = 'shared text'\nB = (1, 2.5, 2**80, b'\\x00')\n");
    put("t/pkg/__init__.py", "A = 'shared text'\ndef f(x, *, y=3):\n    return x + y\n");
    put("t/pkg/two.py", "import one\nC = 'something new'\n");
    const char *forward[] = {at("t/one.py"), at("t/pkg")};
    const char *backward[] = {at("t/pkg"), at("t/one.py")};
    buf_t a, b;
    buf_init(&a);
    buf_init(&b);
    freeze_to(&a, forward, 2);
    freeze_to(&b, backward, 2);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    buf_byte(&a, 0);
    assert_non_null(strstr((const char *)a.data, "{\"pkg.two\", \"pkg/two.py\", false"));
    assert_null(strstr((const char *)a.data, root));   // no host paths in the image
    buf_deinit(&a);
    buf_deinit(&b);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_manifest_with_include_options_and_require_freezes_exact_set, setup,
        teardown),
    cmocka_unit_test_setup_teardown(test_manifest_error_names_file_and_line, setup, teardown),
    cmocka_unit_test_setup_teardown(test_require_of_unknown_package_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(test_two_files_for_one_module_clash, setup, teardown),
    cmocka_unit_test_setup_teardown(test_missing_file_is_an_error_naming_it, setup, teardown),
    cmocka_unit_test_setup_teardown(test_syntax_error_names_file_and_line, setup, teardown),
    cmocka_unit_test_setup_teardown(test_output_does_not_depend_on_input_order, setup, teardown),
};

int main(void) {
    return cmocka_run_group_tests(tests, NULL, NULL);
}
