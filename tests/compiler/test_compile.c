// tests/compiler/test_compile.c: the compile walk. Snippets are compiled
// with a recording emitter that logs each emitter call of the final pass
// as a line of text, so the expected code reads as a list of operations
// and does not depend on the bytecode encoding. Errors are checked with
// their line and scope name; a few corpus programs are compiled end to
// end and compared with the official output when the corpus is present.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile_internal.h"
#include "compiler/compiler.h"
#include "compiler/parse.h"

// ---------------------------------------------------------------------------
// The recording emitter.

struct emitter {
    buf_t log;
    const qstr_pool_t *pool;
    emit_pass_t pass;
    bool dead;
};

__attribute__((format(printf, 2, 3))) static void rec(emitter_t *e, const char *fmt, ...) {
    if (e->pass != EMIT_PASS_EMIT) {
        return;
    }
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    buf_str(&e->log, line);
    buf_byte(&e->log, '\n');
}

static const char *q(emitter_t *e, qstr_t qst) {
    return qst == QSTR_NULL ? "-" : qstr_str(e->pool, qst);
}

static const char *const access_names[] = {"load", "store", "delete"};

static void r_start_pass(emitter_t *e, emit_pass_t pass, scope_t *s) {
    e->pass = pass;
    rec(e, "scope %s", q(e, s->simple_name));
}
static bool r_end_pass(emitter_t *e) {
    (void)e;
    return true;
}
static bool r_is_dead_code(emitter_t *e) {
    return e->dead;
}
static void r_adjust_stack_size(emitter_t *e, int delta) {
    rec(e, "adjust_stack_size %d", delta);
}
static void r_set_source_line(emitter_t *e, uint32_t line) {
    (void)e;
    (void)line;  // too frequent to be worth logging
}
static void r_load_local(emitter_t *e, qstr_t qst, unsigned n, emit_local_kind_t k) {
    rec(e, "load_%s %s %u", k == EMIT_LOCAL_FAST ? "fast" : "deref", q(e, qst), n);
}
static void r_load_global(emitter_t *e, qstr_t qst, emit_global_kind_t k) {
    rec(e, "load_%s %s", k == EMIT_GLOBAL_NAME ? "name" : "global", q(e, qst));
}
static void r_store_local(emitter_t *e, qstr_t qst, unsigned n, emit_local_kind_t k) {
    rec(e, "store_%s %s %u", k == EMIT_LOCAL_FAST ? "fast" : "deref", q(e, qst), n);
}
static void r_store_global(emitter_t *e, qstr_t qst, emit_global_kind_t k) {
    rec(e, "store_%s %s", k == EMIT_GLOBAL_NAME ? "name" : "global", q(e, qst));
}
static void r_delete_local(emitter_t *e, qstr_t qst, unsigned n, emit_local_kind_t k) {
    rec(e, "delete_%s %s %u", k == EMIT_LOCAL_FAST ? "fast" : "deref", q(e, qst), n);
}
static void r_delete_global(emitter_t *e, qstr_t qst, emit_global_kind_t k) {
    rec(e, "delete_%s %s", k == EMIT_GLOBAL_NAME ? "name" : "global", q(e, qst));
}
static void r_label_assign(emitter_t *e, label_t l) {
    e->dead = false;
    rec(e, "L%u:", (unsigned)l);
}
static void r_import(emitter_t *e, qstr_t qst, emit_import_kind_t k) {
    static const char *const names[] = {"import_name", "import_from", "import_star"};
    rec(e, "%s %s", names[k], q(e, qst));
}
static void r_load_const_tok(emitter_t *e, emit_const_tok_t tok) {
    static const char *const names[] = {"None", "False", "True", "Ellipsis"};
    rec(e, "load_const %s", names[tok]);
}
static void r_load_const_small_int(emitter_t *e, int64_t v) {
    rec(e, "load_const %lld", (long long)v);
}
static void r_load_const_str(emitter_t *e, qstr_t qst) {
    rec(e, "load_const '%s'", q(e, qst));
}
static void r_load_const_obj(emitter_t *e, const cobj_t *obj) {
    rec(e, "load_const_obj kind %d", (int)obj->kind);
}
static void r_load_null(emitter_t *e) {
    rec(e, "load_null");
}
static void r_load_method(emitter_t *e, qstr_t qst, bool is_super) {
    rec(e, "load_%smethod %s", is_super ? "super_" : "", q(e, qst));
}
static void r_load_build_class(emitter_t *e) {
    rec(e, "load_build_class");
}
static void r_subscr(emitter_t *e, emit_access_kind_t k) {
    rec(e, "%s_subscr", access_names[k]);
}
static void r_attr(emitter_t *e, qstr_t qst, emit_access_kind_t k) {
    rec(e, "%s_attr %s", access_names[k], q(e, qst));
}
static void r_dup_top(emitter_t *e) {
    rec(e, "dup_top");
}
static void r_dup_top_two(emitter_t *e) {
    rec(e, "dup_top_two");
}
static void r_pop_top(emitter_t *e) {
    rec(e, "pop_top");
}
static void r_rot_two(emitter_t *e) {
    rec(e, "rot_two");
}
static void r_rot_three(emitter_t *e) {
    rec(e, "rot_three");
}
static void r_jump(emitter_t *e, label_t l) {
    rec(e, "jump L%u", (unsigned)l);
    e->dead = true;
}
static void r_pop_jump_if(emitter_t *e, bool cond, label_t l) {
    rec(e, "pop_jump_if_%s L%u", cond ? "true" : "false", (unsigned)l);
}
static void r_jump_if_or_pop(emitter_t *e, bool cond, label_t l) {
    rec(e, "jump_if_%s_or_pop L%u", cond ? "true" : "false", (unsigned)l);
}
static void r_unwind_jump(emitter_t *e, label_t l, unsigned depth) {
    rec(e, "unwind_jump L%u%s %u", (unsigned)(l & ~EMIT_BREAK_FROM_FOR),
        (l & EMIT_BREAK_FROM_FOR) ? " from_for" : "", depth);
}
static void r_setup_block(emitter_t *e, label_t l, emit_block_kind_t k) {
    static const char *const names[] = {"with", "except", "finally"};
    rec(e, "setup_%s L%u", names[k], (unsigned)l);
}
static void r_with_cleanup(emitter_t *e, label_t l) {
    rec(e, "with_cleanup L%u", (unsigned)l);
}
static void r_end_finally(emitter_t *e) {
    rec(e, "end_finally");
}
static void r_get_iter(emitter_t *e, bool use_stack) {
    rec(e, "get_iter%s", use_stack ? "_stack" : "");
}
static void r_for_iter(emitter_t *e, label_t l) {
    rec(e, "for_iter L%u", (unsigned)l);
}
static void r_for_iter_end(emitter_t *e) {
    rec(e, "for_iter_end");
}
static void r_pop_except_jump(emitter_t *e, label_t l, bool within) {
    rec(e, "pop_except_jump L%u%s", (unsigned)l, within ? " in_handler" : "");
}
static void r_unary_op(emitter_t *e, mpy_unary_op_t op) {
    rec(e, "unary_op %s", mpy_unary_op_name(op));
}
static void r_binary_op(emitter_t *e, mpy_binary_op_t op) {
    const char *name = op == MPY_BINARY_OP_NOT_IN ? "NOT_IN"
        : op == MPY_BINARY_OP_IS_NOT              ? "IS_NOT"
                                                  : mpy_binary_op_name(op);
    rec(e, "binary_op %s", name != NULL ? name : "?");
}
static void r_build(emitter_t *e, unsigned n, emit_build_kind_t k) {
    static const char *const names[] = {"tuple", "list", "map", "set", "slice"};
    rec(e, "build_%s %u", names[k], n);
}
static void r_store_map(emitter_t *e) {
    rec(e, "store_map");
}
static void r_store_comp(emitter_t *e, scope_kind_t k, unsigned index) {
    rec(e, "store_comp %d %u", (int)k, index);
}
static void r_unpack_sequence(emitter_t *e, unsigned n) {
    rec(e, "unpack_sequence %u", n);
}
static void r_unpack_ex(emitter_t *e, unsigned n_left, unsigned n_right) {
    rec(e, "unpack_ex %u %u", n_left, n_right);
}
static void r_make_function(emitter_t *e, scope_t *s, unsigned n_pos, unsigned n_kw) {
    rec(e, "make_function %s %u %u", q(e, s->simple_name), n_pos, n_kw);
}
static void r_make_closure(emitter_t *e, scope_t *s, unsigned n_closed, unsigned n_pos, unsigned n_kw) {
    rec(e, "make_closure %s %u %u %u", q(e, s->simple_name), n_closed, n_pos, n_kw);
}
static void r_call_function(emitter_t *e, unsigned n_pos, unsigned n_kw, unsigned flags) {
    rec(e, "call_function %u %u %u", n_pos, n_kw, flags);
}
static void r_call_method(emitter_t *e, unsigned n_pos, unsigned n_kw, unsigned flags) {
    rec(e, "call_method %u %u %u", n_pos, n_kw, flags);
}
static void r_return_value(emitter_t *e) {
    rec(e, "return_value");
    e->dead = true;
}
static void r_raise_varargs(emitter_t *e, unsigned n) {
    rec(e, "raise %u", n);
    e->dead = true;
}
static void r_yield(emitter_t *e, emit_yield_kind_t k) {
    rec(e, "yield%s", k == EMIT_YIELD_FROM ? "_from" : "");
}
static void r_start_except_handler(emitter_t *e) {
    rec(e, "start_except_handler");
}
static void r_end_except_handler(emitter_t *e) {
    rec(e, "end_except_handler");
}

static const emit_ops_t recording_ops = {
    .start_pass = r_start_pass,
    .end_pass = r_end_pass,
    .is_dead_code = r_is_dead_code,
    .adjust_stack_size = r_adjust_stack_size,
    .set_source_line = r_set_source_line,
    .load_local = r_load_local,
    .load_global = r_load_global,
    .store_local = r_store_local,
    .store_global = r_store_global,
    .delete_local = r_delete_local,
    .delete_global = r_delete_global,
    .label_assign = r_label_assign,
    .import = r_import,
    .load_const_tok = r_load_const_tok,
    .load_const_small_int = r_load_const_small_int,
    .load_const_str = r_load_const_str,
    .load_const_obj = r_load_const_obj,
    .load_null = r_load_null,
    .load_method = r_load_method,
    .load_build_class = r_load_build_class,
    .subscr = r_subscr,
    .attr = r_attr,
    .dup_top = r_dup_top,
    .dup_top_two = r_dup_top_two,
    .pop_top = r_pop_top,
    .rot_two = r_rot_two,
    .rot_three = r_rot_three,
    .jump = r_jump,
    .pop_jump_if = r_pop_jump_if,
    .jump_if_or_pop = r_jump_if_or_pop,
    .unwind_jump = r_unwind_jump,
    .setup_block = r_setup_block,
    .with_cleanup = r_with_cleanup,
    .end_finally = r_end_finally,
    .get_iter = r_get_iter,
    .for_iter = r_for_iter,
    .for_iter_end = r_for_iter_end,
    .pop_except_jump = r_pop_except_jump,
    .unary_op = r_unary_op,
    .binary_op = r_binary_op,
    .build = r_build,
    .store_map = r_store_map,
    .store_comp = r_store_comp,
    .unpack_sequence = r_unpack_sequence,
    .unpack_ex = r_unpack_ex,
    .make_function = r_make_function,
    .make_closure = r_make_closure,
    .call_function = r_call_function,
    .call_method = r_call_method,
    .return_value = r_return_value,
    .raise_varargs = r_raise_varargs,
    .yield = r_yield,
    .start_except_handler = r_start_except_handler,
    .end_except_handler = r_end_except_handler,
};

// ---------------------------------------------------------------------------
// A recording inline assembler front end: logs directives and
// instructions; the instruction "bad" reports an error as a front end does.

struct emit_inline_asm {
    struct emitter *log;  // shares the log of the recording emitter
    diag_t *d;
    emit_pass_t pass;
};

static void ra_start_pass(emit_inline_asm_t *e, emit_pass_t pass, scope_t *s, diag_t *d) {
    e->pass = pass;
    e->d = d;
    e->log->pass = pass;
    rec(e->log, "asm scope %s", q(e->log, s->simple_name));
}
static void ra_end_pass(emit_inline_asm_t *e, uint32_t type_sig) {
    rec(e->log, "asm end type %u", (unsigned)type_sig);
}
static unsigned ra_count_params(emit_inline_asm_t *e, size_t n, pnode_t *const *params) {
    (void)e;
    (void)params;
    return (unsigned)n;
}
static bool ra_label(emit_inline_asm_t *e, unsigned n, qstr_t name) {
    rec(e->log, "asm label %u %s", n, q(e->log, name));
    return true;
}
static void ra_align(emit_inline_asm_t *e, unsigned n) {
    rec(e->log, "asm align %u", n);
}
static void ra_data(emit_inline_asm_t *e, unsigned size, uint64_t v) {
    rec(e->log, "asm data %u %llu", size, (unsigned long long)v);
}
static void ra_op(emit_inline_asm_t *e, qstr_t op, size_t n, pnode_t *const *args) {
    (void)args;
    if (strcmp(q(e->log, op), "bad") == 0) {
        diag_error(e->d, DIAG_SYNTAX_ERROR, 0, "unsupported instruction");
        return;
    }
    rec(e->log, "asm op %s %zu", q(e->log, op), n);
}

static const emit_inline_asm_ops_t recording_asm_ops = {
    .start_pass = ra_start_pass,
    .end_pass = ra_end_pass,
    .count_params = ra_count_params,
    .label = ra_label,
    .align = ra_align,
    .data = ra_data,
    .op = ra_op,
};

// ---------------------------------------------------------------------------
// Compiling snippets.

enum {
    OUT_SIZE = 8192,
};

static bool intern_names(qstr_pool_t *pool, compile_names_t *n) {
    const char *texts[] = {"<lambda>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>", "native", "viper",
        "asm_thumb", "asm_xtensa", "asm_rv32", "__aiter__", "__anext__", "__aenter__", "__aexit__",
        "StopAsyncIteration", "OrderedDict"};
    qstr_t *slots[] = {&n->lambda, &n->listcomp, &n->dictcomp, &n->setcomp, &n->genexpr, &n->native, &n->viper,
        &n->asm_thumb, &n->asm_xtensa, &n->asm_rv32, &n->aiter, &n->anext, &n->aenter, &n->aexit,
        &n->stop_async_iteration, &n->ordered_dict};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        *slots[i] = qstr_intern_cstr(pool, texts[i]);
    }
    return true;
}

// Compiles src with the recording emitter at -O opt_level; writes the log
// of the emit pass of every scope, or "error LINE in SCOPE: MESSAGE".
static void compile_to_log_for(const char *src, int opt_level, mpy_arch_t arch, char *out, size_t size) {
    qstr_pool_t *pool = qstr_pool_new();
    parse_intern_builtin_qstrs(pool);
    arena_t arena;
    arena_init(&arena);
    diag_t d;
    diag_init(&d, "test.py");
    compile_options_t opts;
    compile_options_init(&opts);
    opts.opt_level = opt_level;
    opts.arch = arch;
    lexer_t lex;
    lex_init(&lex, (const uint8_t *)src, strlen(src), "test.py", opt_level);
    parse_tree_t tree;
    struct emitter rec_emit = {.pool = pool};
    buf_init(&rec_emit.log);
    struct emit_inline_asm rec_asm = {.log = &rec_emit};
    if (parse(&lex, PARSE_FILE_INPUT, &arena, pool, 31, &tree, &d)) {
        compiler_t c;
        memset(&c, 0, sizeof c);
        c.arena = &arena;
        c.pool = pool;
        c.opts = &opts;
        c.diag = &d;
        c.ops = &recording_ops;
        c.emit = &rec_emit;
        if (arch != MPY_ARCH_NONE) {
            c.asm_ops = &recording_asm_ops;
            c.asm_emit = &rec_asm;
        }
        intern_names(pool, &c.names);
        scope_t *module;
        compile_run(&c, tree.root, &module);
    }
    if (diag_failed(&d)) {
        snprintf(out, size, "error %d in %s: %s", d.line, d.scope, d.msg);
    } else {
        snprintf(out, size, "%.*s", (int)rec_emit.log.len, (const char *)rec_emit.log.data);
    }
    buf_deinit(&rec_emit.log);
    lex_deinit(&lex);
    arena_deinit(&arena);
    qstr_pool_free(pool);
}

static void compile_to_log(const char *src, int opt_level, char *out, size_t size) {
    compile_to_log_for(src, opt_level, MPY_ARCH_NONE, out, size);
}

typedef struct compile_case {
    const char *src;
    const char *log;
} compile_case_t;

static void check_cases_at(const compile_case_t *cases, size_t n, int opt_level) {
    char *got = malloc(OUT_SIZE);
    assert_non_null(got);
    for (size_t i = 0; i < n; i++) {
        compile_to_log(cases[i].src, opt_level, got, OUT_SIZE);
        if (strcmp(got, cases[i].log) != 0) {
            print_error("source:\n%s\nwant:\n%s\ngot:\n%s\n", cases[i].src, cases[i].log, got);
        }
        assert_string_equal(got, cases[i].log);
    }
    free(got);
}

static void check_cases(const compile_case_t *cases, size_t n) {
    check_cases_at(cases, n, 0);
}

#define N_CASES(a) (sizeof(a) / sizeof((a)[0]))

// ---------------------------------------------------------------------------
// Statements.

static void test_module_names_are_stored_by_name(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"x = 1",
            "scope <module>\nload_const 1\nstore_name x\nload_const None\nreturn_value\n"},
        {"x = y = f",
            "scope <module>\nload_name f\ndup_top\nstore_name x\nstore_name y\nload_const None\nreturn_value\n"},
        {"del x",
            "scope <module>\ndelete_name x\nload_const None\nreturn_value\n"},
        {"'docstring'\n1\n",
            "scope <module>\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_augmented_assignment_loads_then_stores(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"a.b += 1",
            "scope <module>\nload_name a\ndup_top\nload_attr b\nload_const 1\nbinary_op INPLACE_ADD\n"
            "rot_two\nstore_attr b\nload_const None\nreturn_value\n"},
        {"a[i] //= 2",
            "scope <module>\nload_name a\nload_name i\ndup_top_two\nload_subscr\nload_const 2\n"
            "binary_op INPLACE_FLOOR_DIVIDE\nrot_three\nstore_subscr\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_tuple_assignment_swaps_on_the_stack(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"a, b = b, a",
            "scope <module>\nload_name b\nload_name a\nrot_two\nstore_name a\nstore_name b\n"
            "load_const None\nreturn_value\n"},
        {"a, b, c = x, y, z",
            "scope <module>\nload_name x\nload_name y\nload_name z\nrot_three\nrot_two\n"
            "store_name a\nstore_name b\nstore_name c\nload_const None\nreturn_value\n"},
        {"a, *b = t",
            "scope <module>\nload_name t\nunpack_ex 1 0\nstore_name a\nstore_name b\n"
            "load_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_if_with_constant_condition_drops_dead_branch(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"if 0:\n    f()\nelse:\n    g()\n",
            "scope <module>\nload_name g\ncall_function 0 0 0\npop_top\nL0:\nload_const None\nreturn_value\n"},
        {"if x:\n    f()\n",
            "scope <module>\nload_name x\npop_jump_if_false L1\nload_name f\ncall_function 0 0 0\npop_top\n"
            "L1:\nL0:\nload_const None\nreturn_value\n"},
        {"if a and b:\n    f()\n",
            "scope <module>\nload_name a\npop_jump_if_false L1\nload_name b\npop_jump_if_false L1\n"
            "load_name f\ncall_function 0 0 0\npop_top\nL1:\nL0:\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_for_range_compiles_to_a_counting_loop(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"for i in range(3):\n    f(i)\n",
            "scope <module>\nload_const 0\njump L3\nL2:\ndup_top\nstore_name i\nload_name f\nload_name i\n"
            "call_function 1 0 0\npop_top\nL1:\nload_const 1\nbinary_op INPLACE_ADD\nL3:\ndup_top\n"
            "load_const 3\nbinary_op LESS\npop_jump_if_true L2\nL0:\npop_top\nload_const None\nreturn_value\n"},
        {"for x in y:\n    break\n",
            "scope <module>\nload_name y\nget_iter_stack\nL1:\nfor_iter L2\nstore_name x\n"
            "unwind_jump L0 from_for 0\njump L1\nL2:\nfor_iter_end\nL0:\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_try_except_as_deletes_the_name(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"try:\n    f()\nexcept E as e:\n    pass\n",
            "scope <module>\nsetup_except L0\nload_name f\ncall_function 0 0 0\npop_top\n"
            "pop_except_jump L1\nL0:\nstart_except_handler\ndup_top\nload_name E\nbinary_op EXCEPTION_MATCH\n"
            "pop_jump_if_false L3\nstore_name e\nsetup_finally L4\nload_const None\nL4:\nadjust_stack_size 1\n"
            "load_const None\nstore_name e\ndelete_name e\nadjust_stack_size -1\nend_finally\n"
            "pop_except_jump L2 in_handler\nL3:\nadjust_stack_size 1\nend_finally\nend_except_handler\nL1:\n"
            "L2:\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_assert_is_dropped_when_optimising(void **state) {
    (void)state;
    static const compile_case_t plain[] = {
        {"assert x",
            "scope <module>\nload_name x\npop_jump_if_true L0\nload_global AssertionError\nraise 1\nL0:\n"
            "load_const None\nreturn_value\n"},
    };
    static const compile_case_t optimised[] = {
        {"assert x", "scope <module>\nload_const None\nreturn_value\n"},
    };
    check_cases_at(plain, N_CASES(plain), 0);
    check_cases_at(optimised, N_CASES(optimised), 1);
}

static void test_imports_bind_the_right_names(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"import a.b.c",
            "scope <module>\nload_const 0\nload_const None\nimport_name a.b.c\nstore_name a\n"
            "load_const None\nreturn_value\n"},
        {"import a.b as c",
            "scope <module>\nload_const 0\nload_const None\nimport_name a.b\nload_attr b\nstore_name c\n"
            "load_const None\nreturn_value\n"},
        {"from .. import x as y",
            "scope <module>\nload_const 2\nload_const 'x'\nbuild_tuple 1\nimport_name \nimport_from x\n"
            "store_name y\npop_top\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

// ---------------------------------------------------------------------------
// Functions and scopes.

static void test_function_locals_use_fast_slots(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"def f(a, b=1):\n    c = a\n    return c\n",
            "scope <module>\nload_const 1\nbuild_tuple 1\nload_null\nmake_function f 1 0\nstore_name f\n"
            "load_const None\nreturn_value\n"
            "scope f\nload_fast a 0\nstore_fast c 2\nload_fast c 2\nreturn_value\nload_const None\n"
            "return_value\n"},
        {"def f(*, k=2):\n    return k\n",
            "scope <module>\nload_null\nbuild_map 0\nload_const 2\nload_const 'k'\nstore_map\n"
            "make_function f 0 1\nstore_name f\nload_const None\nreturn_value\n"
            "scope f\nload_fast k 0\nreturn_value\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

// Cells that are not parameters take the slots after the plain locals.
static void test_closed_over_variables_become_cells(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"def f():\n    x = 1\n    def g():\n        return x\n    return g\n",
            "scope <module>\nmake_function f 0 0\nstore_name f\nload_const None\nreturn_value\n"
            "scope f\nload_const 1\nstore_deref x 1\nload_fast x 1\nmake_closure g 1 0 0\nstore_fast g 0\n"
            "load_fast g 0\nreturn_value\nload_const None\nreturn_value\n"
            "scope g\nload_deref x 0\nreturn_value\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_class_body_sets_module_and_qualname(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"class A(B):\n    x = 1\n",
            "scope <module>\nload_build_class\nmake_function A 0 0\nload_const 'A'\nload_name B\n"
            "call_function 3 0 0\nstore_name A\nload_const None\nreturn_value\n"
            "scope A\nload_name __name__\nstore_name __module__\nload_const 'A'\nstore_name __qualname__\n"
            "load_const 1\nstore_name x\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

// super() is loaded as a global first, then called (or its method
// looked up) with the __class__ cell and the first argument.
static void test_super_uses_the_class_cell(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"class A:\n    def f(self):\n        super().f()\n",
            "scope <module>\nload_build_class\nmake_function A 0 0\nload_const 'A'\ncall_function 2 0 0\n"
            "store_name A\nload_const None\nreturn_value\n"
            "scope A\nload_name __name__\nstore_name __module__\nload_const 'A'\nstore_name __qualname__\n"
            "load_fast __class__ 0\nmake_closure f 1 0 0\nstore_name f\nload_fast __class__ 0\nreturn_value\n"
            "scope f\nload_global super\nload_deref __class__ 0\nload_fast self 1\nload_super_method f\n"
            "call_method 0 0 0\npop_top\nload_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_list_comprehension_is_a_called_function(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"[x for x in y if x]",
            "scope <module>\nmake_function <listcomp> 0 0\nload_name y\ncall_function 1 0 0\npop_top\n"
            "load_const None\nreturn_value\n"
            "scope <listcomp>\nbuild_list 0\nload_fast  0\nget_iter_stack\nL0:\nfor_iter L1\nstore_fast x 1\n"
            "load_fast x 1\npop_jump_if_false L0\nload_fast x 1\nstore_comp 3 5\njump L0\nL1:\nfor_iter_end\n"
            "return_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_chained_comparison_keeps_the_middle_operand(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"a < b < c",
            "scope <module>\nload_name a\nload_name b\ndup_top\nrot_three\nbinary_op LESS\n"
            "jump_if_false_or_pop L0\nload_name c\nbinary_op LESS\njump L1\nL0:\nadjust_stack_size 1\n"
            "rot_two\npop_top\nL1:\npop_top\nload_const None\nreturn_value\n"},
        {"a is not b",
            "scope <module>\nload_name a\nload_name b\nbinary_op IS_NOT\npop_top\nload_const None\n"
            "return_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

static void test_calls_with_star_args_pass_a_bitmap(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"f(a, *b, k=1, **d)",
            "scope <module>\nload_name f\nload_name a\nload_name b\nload_const 'k'\nload_const 1\n"
            "load_null\nload_name d\nload_const 2\ncall_function 2 2 3\npop_top\nload_const None\n"
            "return_value\n"},
        {"o.m(1)",
            "scope <module>\nload_name o\nload_method m\nload_const 1\ncall_method 1 0 0\npop_top\n"
            "load_const None\nreturn_value\n"},
    };
    check_cases(cases, N_CASES(cases));
}

// ---------------------------------------------------------------------------
// Errors: message, line and scope as the official compiler reports them.

static void test_errors_name_line_and_scope(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"x = 1\nreturn x\n", "error 2 in <module>: 'return' outside function"},
        {"def f():\n    x = 1\n    continue\n", "error 3 in f: 'break'/'continue' outside loop"},
        {"nonlocal x\n", "error 1 in <module>: can't declare nonlocal in outer code"},
        {"def f(a, a):\n    pass\n", "error 1 in f: argument name reused"},
        {"f() = 1\n", "error 1 in <module>: can't assign to expression"},
        {"a, *b, *c = x\n", "error 1 in <module>: multiple *x in assignment"},
        {"class A:\n    yield 1\n", "error 2 in A: 'yield' outside function"},
        {"def f():\n    def g():\n        nonlocal y\n", "error 3 in g: no binding for nonlocal found"},
        {"f(a=1, b)\n", "error 1 in <module>: positional arg after keyword arg"},
        {"@micropython.native\ndef f():\n    pass\n", "error 1 in <module>: invalid arch"},
    };
    check_cases(cases, N_CASES(cases));
}

// A native decorator for an arch without a native emitter: "invalid arch"
// as the official tool says, except armv6, whose ARM-mode emitter the
// official tool has and we do not.
static void test_native_decorator_without_an_emitter(void **state) {
    (void)state;
    char *got = malloc(OUT_SIZE);
    assert_non_null(got);
    static const char src[] = "x = 1\n@micropython.viper\ndef f():\n    pass\n";
    compile_to_log_for(src, 0, MPY_ARCH_RV64IMC, got, OUT_SIZE);
    assert_string_equal(got, "error 2 in <module>: invalid arch");
    compile_to_log_for(src, 0, MPY_ARCH_ARMV6, got, OUT_SIZE);
    assert_string_equal(got, "error 2 in <module>: native code generation for armv6 is not supported");
    free(got);
}

// ---------------------------------------------------------------------------
// Inline assembler functions.

static void test_inline_asm_statements_reach_the_front_end(void **state) {
    (void)state;
    char *got = malloc(OUT_SIZE);
    assert_non_null(got);
    static const char src[] = "@micropython.asm_thumb\ndef f(r0) -> uint:\n    label(top)\n    align(2)\n"
                              "    data(1, 2, 3)\n    add(r0, r0, 1)\n    pass\n";
    compile_to_log_for(src, 0, MPY_ARCH_ARMV7M, got, OUT_SIZE);
    assert_string_equal(got,
        "scope <module>\nmake_function f 0 0\nstore_name f\nload_const None\nreturn_value\n"
        "asm scope f\nasm label 0 top\nasm align 2\nasm data 1 2\nasm data 1 3\nasm op add 3\n"
        "asm end type 3\n");
    free(got);
}

static void test_inline_asm_data_truncates_big_ints_to_a_machine_word(void **state) {
    (void)state;
    char *got = malloc(OUT_SIZE);
    assert_non_null(got);
    static const char src[] = "@micropython.asm_thumb\ndef f():\n"
                              "    data(8, 0xffffffffffffffff, 0x1122334455667788aa, -0x10000000000000001)\n";
    compile_to_log_for(src, 0, MPY_ARCH_ARMV7M, got, OUT_SIZE);
    assert_string_equal(got,
        "scope <module>\nmake_function f 0 0\nstore_name f\nload_const None\nreturn_value\n"
        "asm scope f\nasm data 8 18446744073709551615\nasm data 8 2464388554683812010\n"
        "asm data 8 18446744073709551615\nasm end type 2\n");
    free(got);
}

static void test_inline_asm_errors_carry_the_statement_line(void **state) {
    (void)state;
    static const compile_case_t cases[] = {
        {"@micropython.asm_thumb\ndef f():\n    x = 1\n", "error 3 in f: expecting an assembler instruction"},
        {"@micropython.asm_thumb\ndef f():\n    nop()\n    label(1)\n",
            "error 4 in f: 'label' requires 1 argument"},
        {"@micropython.asm_thumb\ndef f():\n    nop()\n    bad(r0)\n", "error 4 in f: unsupported instruction"},
        {"@micropython.asm_thumb\ndef f() -> float:\n    nop()\n", "error 2 in f: unknown type"},
    };
    char *got = malloc(OUT_SIZE);
    assert_non_null(got);
    for (size_t i = 0; i < N_CASES(cases); i++) {
        compile_to_log_for(cases[i].src, 0, MPY_ARCH_ARMV7M, got, OUT_SIZE);
        assert_string_equal(got, cases[i].log);
    }
    free(got);
}

// ---------------------------------------------------------------------------
// End to end: the real emitter and writer against the official output.

static uint8_t *read_all(const char *path, size_t *len) {
    diag_t d;
    diag_init(&d, path);
    return util_read_file(path, len, &d);
}

static void test_corpus_programs_compile_byte_for_byte(void **state) {
    (void)state;
    static const char *const names[] = {"async_basic_send", "class_isinstance_type", "expr_chained_compare",
        "func_defaults", "mod_imports"};
    const char *dir = getenv("CORPUS_DIR");
    if (dir == NULL) {
        dir = "/work/shared/corpus/bytecode";
    }
    for (size_t i = 0; i < N_CASES(names); i++) {
        char py[512];
        char mpy[512];
        snprintf(py, sizeof py, "%s/%s.py", dir, names[i]);
        snprintf(mpy, sizeof mpy, "%s/%s.mpy", dir, names[i]);
        size_t src_len;
        size_t want_len;
        uint8_t *src = read_all(py, &src_len);
        uint8_t *want = read_all(mpy, &want_len);
        if (src == NULL || want == NULL) {
            free(src);
            free(want);
            fail_msg("cannot read %s or %s (the corpus is part of what this test checks)", py, mpy);
        }
        char source_name[128];
        snprintf(source_name, sizeof source_name, "%s.py", names[i]);
        compile_options_t opts;
        compile_options_init(&opts);
        opts.source_name = source_name;
        diag_t d;
        diag_init(&d, source_name);
        buf_t out;
        buf_init(&out);
        bool ok = compile_to_mpy(src, src_len, &opts, &out, &d);
        if (!ok) {
            print_error("%s: %s\n", names[i], d.msg);
        }
        assert_true(ok);
        assert_int_equal(out.len, want_len);
        assert_memory_equal(out.data, want, want_len);
        buf_deinit(&out);
        free(src);
        free(want);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_names_are_stored_by_name),
        cmocka_unit_test(test_augmented_assignment_loads_then_stores),
        cmocka_unit_test(test_tuple_assignment_swaps_on_the_stack),
        cmocka_unit_test(test_if_with_constant_condition_drops_dead_branch),
        cmocka_unit_test(test_for_range_compiles_to_a_counting_loop),
        cmocka_unit_test(test_try_except_as_deletes_the_name),
        cmocka_unit_test(test_assert_is_dropped_when_optimising),
        cmocka_unit_test(test_imports_bind_the_right_names),
        cmocka_unit_test(test_function_locals_use_fast_slots),
        cmocka_unit_test(test_closed_over_variables_become_cells),
        cmocka_unit_test(test_class_body_sets_module_and_qualname),
        cmocka_unit_test(test_super_uses_the_class_cell),
        cmocka_unit_test(test_list_comprehension_is_a_called_function),
        cmocka_unit_test(test_chained_comparison_keeps_the_middle_operand),
        cmocka_unit_test(test_calls_with_star_args_pass_a_bitmap),
        cmocka_unit_test(test_errors_name_line_and_scope),
        cmocka_unit_test(test_native_decorator_without_an_emitter),
        cmocka_unit_test(test_inline_asm_statements_reach_the_front_end),
        cmocka_unit_test(test_inline_asm_data_truncates_big_ints_to_a_machine_word),
        cmocka_unit_test(test_inline_asm_errors_carry_the_statement_line),
        cmocka_unit_test(test_corpus_programs_compile_byte_for_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
