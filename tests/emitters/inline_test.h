// tests/emitters/inline_test.h: what the inline assembler tests
// (test_inline_thumb.c, test_inline_xtensa.c, test_inline_rv32.c) share:
// snippet programs checked against their hex or error, compiling a program
// and showing its asm function, the corpus folders and what their .err
// files expect. Header-only: each test program includes it once.
#ifndef TESTS_EMITTERS_INLINE_TEST_H
#define TESTS_EMITTERS_INLINE_TEST_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compiler/compiler.h"
#include "mpyformat/mpyformat.h"
#include "util/util.h"

// ---------------------------------------------------------------------------
// Snippets.

// What a snippet is compiled for; tests name these with macros such as
// #define V7M {MPY_ARCH_ARMV7M, 0}.
typedef struct inline_target {
    mpy_arch_t arch;
    uint32_t arch_flags;   // -march-flags=
} inline_target_t;

typedef struct inline_snippet {
    inline_target_t target;
    const char *src;       // the body, statements separated by ';', or a whole program
    const char *want;      // the code as hex bytes, or "line N: message"
} inline_snippet_t;

// Bytes as "xx xx xx".
static inline void inline_test_hex(const uint8_t *bytes, size_t n, char *out, size_t size) {
    size_t pos = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && pos + 4 < size; i++) {
        pos += (size_t)snprintf(out + pos, size - pos, "%s%02x", i > 0 ? " " : "", bytes[i]);
    }
}

// `header` (decorator and def lines) followed by the body, one statement
// a line indented by four spaces; a body starting with "@micropython" is
// a whole program already.
static inline void inline_test_source(const char *header, const char *body, char *src, size_t size) {
    if (strncmp(body, "@micropython", 12) == 0) {
        snprintf(src, size, "%s", body);
        return;
    }
    size_t pos = (size_t)snprintf(src, size, "%s    ", header);
    for (const char *s = body; *s != '\0' && pos + 8 < size; s++) {
        if (*s == ';') {
            pos += (size_t)snprintf(src + pos, size - pos, "\n    ");
            s += s[1] == ' ';
        } else {
            src[pos++] = *s;
        }
    }
    snprintf(src + pos, size - pos, "\n");
}

// What a test makes of a snippet's program: its code as hex or its error.
typedef void (*inline_run_fn)(const inline_snippet_t *s, const char *src, char *got, size_t size);

// Runs every snippet as a function under `header` and fails after listing
// those whose result differs from what they want.
static inline void inline_test_check_snippets(const char *header, const inline_snippet_t *cases, size_t n,
    inline_run_fn run) {
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        char src[2048];
        inline_test_source(header, cases[i].src, src, sizeof(src));
        char got[1024];
        run(&cases[i], src, got, sizeof(got));
        if (strcmp(got, cases[i].want) != 0) {
            print_error("%s [%s]\n  want: %s\n  got:  %s\n", cases[i].src, mpy_arch_name(cases[i].target.arch),
                cases[i].want, got);
            failures++;
        }
    }
    if (failures > 0) {
        fail_msg("%d snippet(s) differ", failures);
    }
}

// ---------------------------------------------------------------------------
// Compiling with the whole compiler.

// The outcome of one compile: the .mpy, or the diagnostic.
typedef struct inline_outcome {
    bool ok;
    buf_t mpy;
    diag_t d;
} inline_outcome_t;

static inline void inline_test_compile(const char *src, const char *name, inline_target_t target,
    inline_outcome_t *o) {
    compile_options_t opts;
    compile_options_init(&opts);
    opts.source_name = name;
    opts.arch = target.arch;
    opts.has_arch_flags = target.arch_flags != 0;
    opts.arch_flags = target.arch_flags;
    buf_init(&o->mpy);
    diag_init(&o->d, name);
    o->ok = compile_to_mpy((const uint8_t *)src, strlen(src), &opts, &o->mpy, &o->d);
}

// The diagnostic as mpy-cross would print its last two lines: "line N:
// message" for a SyntaxError, "RuntimeError: message" for an exception the
// assembler raised (those carry no line).
static inline void inline_test_describe_error(const diag_t *d, char *out, size_t size) {
    if (d->kind == DIAG_SYNTAX_ERROR) {
        snprintf(out, size, "line %d: %s", d->line, d->msg);
    } else if (d->kind == DIAG_RUNTIME_ERROR && d->line == 0) {
        snprintf(out, size, "RuntimeError: %s", d->msg);
    } else {
        snprintf(out, size, "kind %d, line %d: %s", (int)d->kind, d->line, d->msg);
    }
}

// The asm functions of a raw code tree, depth first (the order of defs).
static inline void inline_test_collect_asm(const mpy_raw_code_t *rc, const mpy_raw_code_t **out, size_t *n,
    size_t cap) {
    if (rc->kind == MPY_CODE_ASM && *n < cap) {
        out[(*n)++] = rc;
    }
    for (size_t i = 0; i < rc->n_children; i++) {
        inline_test_collect_asm(&rc->children[i], out, n, cap);
    }
}

// Shows a function's code (as a test wants to see it) into out.
typedef void (*inline_show_fn)(const mpy_raw_code_t *rc, char *out, size_t size);

// Compiles src as test.py and writes the error into got, or shows its only
// asm function there.
static inline void inline_test_compile_function(const char *src, inline_target_t target, inline_show_fn show,
    char *got, size_t size) {
    inline_outcome_t o;
    inline_test_compile(src, "test.py", target, &o);
    if (!o.ok) {
        inline_test_describe_error(&o.d, got, size);
        buf_deinit(&o.mpy);
        return;
    }
    arena_t a;
    arena_init(&a);
    mpy_file_t f;
    diag_t d;
    diag_init(&d, "test.mpy");
    assert_true(mpy_read(o.mpy.data, o.mpy.len, &a, &f, &d));
    const mpy_raw_code_t *fns[4];
    size_t n = 0;
    inline_test_collect_asm(&f.root, fns, &n, 4);
    assert_int_equal(n, 1);
    show(fns[0], got, size);
    arena_deinit(&a);
    buf_deinit(&o.mpy);
}

// ---------------------------------------------------------------------------
// The corpus.

// The corpus lives beside the repository unless MPY_CORPUS says otherwise.
static inline const char *inline_test_corpus_dir(void) {
    const char *dir = getenv("MPY_CORPUS");
    return dir != NULL ? dir : "../shared/corpus";
}

// The whole file with a NUL after it (its length in *len), or NULL.
static inline char *inline_test_read_text(const char *path, size_t *len) {
    diag_t d;
    diag_init(&d, path);
    uint8_t *data = util_read_file(path, len, &d);
    if (data == NULL) {
        return NULL;
    }
    char *s = malloc(*len + 1);
    assert_non_null(s);
    memcpy(s, data, *len);
    s[*len] = '\0';
    free(data);
    return s;
}

// dir/file, which must exist, as inline_test_read_text reads it.
static inline char *inline_test_read_file(const char *dir, const char *file, size_t *len) {
    char path[8192];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    char *s = inline_test_read_text(path, len);
    if (s == NULL) {
        fail_msg("cannot read %s", path);
    }
    return s;
}

// Checks one corpus file (dir/file); false when it fails.
typedef bool (*inline_check_fn)(const char *dir, const char *file);

// Runs check on every file of the corpus folder `sub` whose name ends in
// `suffix`; fails when any check fails, when there is no such file or when
// the folder is missing (the corpus is part of what CI checks).
static inline void inline_test_check_corpus(const char *sub, const char *suffix, inline_check_fn check) {
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/%s", inline_test_corpus_dir(), sub);
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        fail_msg("no corpus folder %s", dir);
    }
    size_t n = 0;
    size_t failed = 0;
    size_t suffix_len = strlen(suffix);
    struct dirent *ent;
    while ((ent = readdir(dp)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len <= suffix_len || strcmp(ent->d_name + len - suffix_len, suffix) != 0) {
            continue;
        }
        n++;
        failed += !check(dir, ent->d_name);
    }
    closedir(dp);
    print_message("%s: %zu files, %zu failed\n", sub, n, failed);
    assert_true(n > 0);
    assert_int_equal(failed, 0);
}

// The source (NAME.py, into name[256]) and target of golden NAME.ARCH.mpy.
static inline mpy_arch_t inline_test_golden_source(const char *golden, char *name) {
    const char *dot = strchr(golden, '.');
    char arch_name[32];
    snprintf(name, 256, "%.*s.py", (int)(dot - golden), golden);
    snprintf(arch_name, sizeof(arch_name), "%.*s", (int)(strrchr(golden, '.') - dot - 1), dot + 1);
    mpy_arch_t arch;
    assert_true(mpy_arch_from_name(arch_name, &arch));
    return arch;
}

// NAME.ARCH.mpy: compiles NAME.py for ARCH and compares the whole file.
static inline bool inline_test_check_golden(const char *dir, const char *golden) {
    char name[256];
    mpy_arch_t arch = inline_test_golden_source(golden, name);
    size_t src_len;
    size_t want_len;
    char *src = inline_test_read_file(dir, name, &src_len);
    char *want = inline_test_read_file(dir, golden, &want_len);
    inline_outcome_t o;
    inline_test_compile(src, name, (inline_target_t){arch, 0}, &o);
    bool ok = o.ok && o.mpy.len == want_len && memcmp(o.mpy.data, want, want_len) == 0;
    if (!ok) {
        size_t i = 0;
        while (o.ok && i < o.mpy.len && i < want_len && o.mpy.data[i] == (uint8_t)want[i]) {
            i++;
        }
        print_error("%s: %s (first difference at byte %zu)\n", golden, o.ok ? "differs" : o.d.msg, i);
    }
    buf_deinit(&o.mpy);
    free(src);
    free(want);
    return ok;
}

// What an .err file ("exit 1", the traceback lines if any, then the
// exception line) expects: "line N: message" when the traceback names a
// line, else the whole exception line ("RuntimeError: ...").
static inline void inline_test_expected_error(const char *err, char *want, size_t size) {
    const char *at = strstr(err, "\", line ");
    const char *last = strstr(err, "Error: ");
    assert_non_null(last);
    while (last > err && last[-1] != '\n') {
        last--;
    }
    if (at != NULL) {
        snprintf(want, size, "line %d: %s", atoi(at + 8), strstr(last, ": ") + 2);
    } else {
        snprintf(want, size, "%s", last);
    }
    want[strcspn(want, "\n")] = '\0';
}

// NAME.err: compiles NAME.py for arch and compares the error with it.
static inline bool inline_test_check_error_program(const char *dir, const char *err_file, mpy_arch_t arch) {
    char name[300];
    size_t len;
    snprintf(name, sizeof(name), "%.*s.py", (int)strlen(err_file) - 4, err_file);
    char *src = inline_test_read_file(dir, name, &len);
    char *err = inline_test_read_file(dir, err_file, &len);
    char want[1024];
    inline_test_expected_error(err, want, sizeof(want));
    inline_outcome_t o;
    inline_test_compile(src, name, (inline_target_t){arch, 0}, &o);
    char got[1024] = "compiled";
    if (!o.ok) {
        inline_test_describe_error(&o.d, got, sizeof(got));
    }
    bool ok = strcmp(got, want) == 0;
    if (!ok) {
        print_error("%s: got %s\nwant %s\n", name, got, want);
    }
    buf_deinit(&o.mpy);
    free(src);
    free(err);
    return ok;
}

#endif // TESTS_EMITTERS_INLINE_TEST_H
