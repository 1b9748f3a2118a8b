// compiler/compile_flow.c: compound statements that steer control: if,
// while, for (with the official compiler's counting loop for
// `for x in range(...)`), try/except/finally, with, and their async
// forms. Each keeps the break/continue targets and the exception depth
// that break, continue and return unwind through.
#include "compile_internal.h"

// Break/continue targets of the loop being compiled, saved and restored
// around it.
typedef struct loop_labels {
    label_t old_break;
    label_t old_continue;
    uint16_t old_except_level;
    label_t break_label;
    label_t continue_label;
} loop_labels_t;

static void loop_begin(compiler_t *c, loop_labels_t *l) {
    l->old_break = c->break_label;
    l->old_continue = c->continue_label;
    l->old_except_level = c->break_continue_except_level;
    l->break_label = compile_new_label(c);
    l->continue_label = compile_new_label(c);
    c->break_label = l->break_label;
    c->continue_label = l->continue_label;
    c->break_continue_except_level = c->cur_except_level;
}

static void loop_end(compiler_t *c, const loop_labels_t *l) {
    c->break_label = l->old_break;
    c->continue_label = l->old_continue;
    c->break_continue_except_level = l->old_except_level;
}

// ---------------------------------------------------------------------------
// if / elif / else. Constant conditions drop the dead branches.

// Compiles one `if`/`elif` branch; returns true when the condition is
// constant true, so nothing after it can run.
static bool compile_if_branch(compiler_t *c, const pnode_t *cond, const pnode_t *body, bool jump_to_end,
    label_t l_end) {
    if (pn_is_const_false(cond)) {
        return false;
    }
    label_t l_fail = compile_new_label(c);
    compile_if_cond(c, cond, false, l_fail);
    compile_node(c, body);
    if (pn_is_const_true(cond)) {
        return true;
    }
    if (jump_to_end) {
        EMIT(c, jump, l_end);
    }
    EMIT(c, label_assign, l_fail);
    return false;
}

void compile_if_stmt(compiler_t *c, const pnode_t *pn) {
    label_t l_end = compile_new_label(c);
    bool has_more = kid(pn, 2) != NULL || kid(pn, 3) != NULL;
    if (compile_if_branch(c, kid(pn, 0), kid(pn, 1), has_more, l_end)) {
        EMIT(c, label_assign, l_end);
        return;
    }
    pnode_t *const *elifs;
    size_t n = pn_items(&pn->u.kids[2], RULE_if_stmt_elif_list, &elifs);
    for (size_t i = 0; i < n; i++) {
        if (compile_if_branch(c, kid(elifs[i], 0), kid(elifs[i], 1), true, l_end)) {
            EMIT(c, label_assign, l_end);
            return;
        }
    }
    compile_node(c, kid(pn, 3));
    EMIT(c, label_assign, l_end);
}

// ---------------------------------------------------------------------------
// while.

void compile_while_stmt(compiler_t *c, const pnode_t *pn) {
    const pnode_t *cond = kid(pn, 0);
    loop_labels_t loop;
    loop_begin(c, &loop);
    if (!pn_is_const_false(cond)) {
        label_t top = compile_new_label(c);
        if (!pn_is_const_true(cond)) {
            EMIT(c, jump, loop.continue_label);
        }
        EMIT(c, label_assign, top);
        compile_node(c, kid(pn, 1));
        EMIT(c, label_assign, loop.continue_label);
        compile_if_cond(c, cond, true, top);
    }
    loop_end(c, &loop);
    compile_node(c, kid(pn, 2));
    EMIT(c, label_assign, loop.break_label);
}

// ---------------------------------------------------------------------------
// for.

static const pnode_t small_int_zero = {.kind = PN_SMALL_INT, .u.small_int = 0};
static const pnode_t small_int_one = {.kind = PN_SMALL_INT, .u.small_int = 1};

typedef struct range_args {
    const pnode_t *start;
    const pnode_t *end;
    const pnode_t *step;
} range_args_t;

static bool is_special_arg(const pnode_t *pn) {
    return pn_is_rule(pn, RULE_arglist_star) || pn_is_rule(pn, RULE_arglist_dbl_star)
        || pn_is_rule(pn, RULE_argument);
}

// Recognises `range(end)`, `range(start, end)` and `range(start, end,
// step)` with a non-zero small-int step and plain arguments.
static bool match_range_call(const pnode_t *iter, range_args_t *r) {
    if (!pn_is_rule(iter, RULE_atom_expr_normal) || !pn_is_id(kid(iter, 0))
        || kid(iter, 0)->u.qst != QSTR_range || !pn_is_rule(kid(iter, 1), RULE_trailer_paren)) {
        return false;
    }
    pnode_t *const *args;
    size_t n = pn_items(&kid(iter, 1)->u.kids[0], RULE_arglist, &args);
    if (n < 1 || n > 3) {
        return false;
    }
    r->start = n == 1 ? &small_int_zero : args[0];
    r->end = n == 1 ? args[0] : args[1];
    r->step = n == 3 ? args[2] : &small_int_one;
    if (!pn_is_small_int(r->step) || r->step->u.small_int == 0) {
        return false;
    }
    return !is_special_arg(r->start) && !is_special_arg(r->end);
}

// The loop keeps the counter (and the end value unless it is a small
// int) on the stack instead of an iterator.
static void compile_for_range(compiler_t *c, const pnode_t *pn, const range_args_t *r) {
    loop_labels_t loop;
    loop_begin(c, &loop);
    label_t top = compile_new_label(c);
    label_t entry = compile_new_label(c);
    bool end_on_stack = !pn_is_small_int(r->end);
    if (end_on_stack) {
        compile_node(c, r->end);
    }
    compile_node(c, r->start);
    EMIT(c, jump, entry);
    EMIT(c, label_assign, top);
    EMIT(c, dup_top);
    compile_assign(c, kid(pn, 0), ASSIGN_STORE);
    compile_node(c, kid(pn, 2));
    EMIT(c, label_assign, loop.continue_label);
    compile_node(c, r->step);
    EMIT(c, binary_op, MPY_BINARY_OP_INPLACE_ADD);
    EMIT(c, label_assign, entry);
    if (end_on_stack) {
        EMIT(c, dup_top_two);
        EMIT(c, rot_two);
    } else {
        EMIT(c, dup_top);
        compile_node(c, r->end);
    }
    EMIT(c, binary_op, r->step->u.small_int >= 0 ? MPY_BINARY_OP_LESS : MPY_BINARY_OP_MORE);
    EMIT(c, pop_jump_if, true, top);
    loop_end(c, &loop);

    const pnode_t *else_body = kid(pn, 3);
    label_t l_end = 0;
    if (else_body != NULL) {
        EMIT(c, pop_top);
        if (end_on_stack) {
            EMIT(c, pop_top);
        }
        compile_node(c, else_body);
        l_end = compile_new_label(c);
        EMIT(c, jump, l_end);
        EMIT(c, adjust_stack_size, 1 + end_on_stack);
    }
    EMIT(c, label_assign, loop.break_label);
    EMIT(c, pop_top);
    if (end_on_stack) {
        EMIT(c, pop_top);
    }
    if (else_body != NULL) {
        EMIT(c, label_assign, l_end);
    }
}

void compile_for_stmt(compiler_t *c, const pnode_t *pn) {
    range_args_t range;
    if (pn_is_id(kid(pn, 0)) && match_range_call(kid(pn, 1), &range)) {
        compile_for_range(c, pn, &range);
        return;
    }
    loop_labels_t loop;
    loop_begin(c, &loop);
    c->break_label |= EMIT_BREAK_FROM_FOR;
    label_t pop_label = compile_new_label(c);
    compile_node(c, kid(pn, 1));
    EMIT(c, get_iter, true);
    EMIT(c, label_assign, loop.continue_label);
    EMIT(c, for_iter, pop_label);
    compile_assign(c, kid(pn, 0), ASSIGN_STORE);
    compile_node(c, kid(pn, 2));
    EMIT(c, jump, loop.continue_label);
    EMIT(c, label_assign, pop_label);
    EMIT(c, for_iter_end);
    loop_end(c, &loop);
    compile_node(c, kid(pn, 3));
    EMIT(c, label_assign, loop.break_label);
}

// ---------------------------------------------------------------------------
// try.

// `except E as name:` binds name for the handler body only: it is set to
// None and deleted afterwards, even when the body raises.
static void compile_handler_body(compiler_t *c, const pnode_t *body, qstr_t name) {
    if (name == QSTR_NULL) {
        compile_node(c, body);
        return;
    }
    label_t l_cleanup = compile_new_label(c);
    compile_increase_except_level(c, l_cleanup, EMIT_SETUP_BLOCK_FINALLY);
    compile_node(c, body);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, label_assign, l_cleanup);
    EMIT(c, adjust_stack_size, 1);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    compile_store_id(c, name);
    compile_delete_id(c, name);
    EMIT(c, adjust_stack_size, -1);
    compile_decrease_except_level(c);
}

// One `except` clause. Returns false after an error.
static bool compile_except_clause(compiler_t *c, pnode_t *clause, bool is_last, label_t l_done) {
    qstr_t name = QSTR_NULL;
    label_t l_next = compile_new_label(c);
    const pnode_t *match = kid(clause, 0);
    if (match == NULL) {
        if (!is_last) {
            compile_error(c, clause, "default 'except' must be last");
            compile_decrease_except_level(c);
            return false;
        }
    } else {
        if (pn_is_rule(match, RULE_try_stmt_as_name)) {
            name = kid(match, 1)->u.qst;
            match = kid(match, 0);
        }
        EMIT(c, dup_top);
        compile_node(c, match);
        EMIT(c, binary_op, MPY_BINARY_OP_EXCEPTION_MATCH);
        EMIT(c, pop_jump_if, false, l_next);
    }
    if (name == QSTR_NULL) {
        EMIT(c, pop_top);
    } else {
        compile_store_id(c, name);
    }
    compile_handler_body(c, kid(clause, 1), name);
    EMIT(c, pop_except_jump, l_done, true);
    EMIT(c, label_assign, l_next);
    EMIT(c, adjust_stack_size, 1);  // the exception is still there
    return true;
}

static void compile_try_except(compiler_t *c, const pnode_t *body, size_t n_except, pnode_t *const *excepts,
    const pnode_t *else_body) {
    label_t l_handler = compile_new_label(c);
    label_t l_success = compile_new_label(c);
    compile_increase_except_level(c, l_handler, EMIT_SETUP_BLOCK_EXCEPT);
    compile_node(c, body);
    EMIT(c, pop_except_jump, l_success, false);
    EMIT(c, label_assign, l_handler);
    EMIT(c, start_except_handler);
    label_t l_done = compile_new_label(c);
    for (size_t i = 0; i < n_except; i++) {
        if (!compile_except_clause(c, excepts[i], i + 1 == n_except, l_done)) {
            return;
        }
    }
    compile_decrease_except_level(c);
    EMIT(c, end_except_handler);
    EMIT(c, label_assign, l_success);
    compile_node(c, else_body);
    EMIT(c, label_assign, l_done);
}

static void compile_try_finally(compiler_t *c, const pnode_t *body, size_t n_except, pnode_t *const *excepts,
    const pnode_t *else_body, const pnode_t *finally_body) {
    label_t l_finally = compile_new_label(c);
    compile_increase_except_level(c, l_finally, EMIT_SETUP_BLOCK_FINALLY);
    if (n_except == 0) {
        EMIT(c, adjust_stack_size, 3);  // room for an unwinding exception
        compile_node(c, body);
        EMIT(c, adjust_stack_size, -3);
    } else {
        compile_try_except(c, body, n_except, excepts, else_body);
    }
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, label_assign, l_finally);
    EMIT(c, adjust_stack_size, 1);
    compile_node(c, finally_body);
    EMIT(c, adjust_stack_size, -1);
    compile_decrease_except_level(c);
}

void compile_try_stmt(compiler_t *c, const pnode_t *pn) {
    const pnode_t *body = kid(pn, 0);
    const pnode_t *rest = kid(pn, 1);
    pnode_t *const *excepts;
    if (pn_is_rule(rest, RULE_try_stmt_finally)) {
        compile_try_finally(c, body, 0, NULL, NULL, kid(rest, 0));
    } else if (pn_is_rule(rest, RULE_try_stmt_except_and_more)) {
        size_t n = pn_items(&rest->u.kids[0], RULE_try_stmt_except_list, &excepts);
        const pnode_t *finally_clause = kid(rest, 2);
        if (finally_clause == NULL) {
            compile_try_except(c, body, n, excepts, kid(rest, 1));
        } else {
            compile_try_finally(c, body, n, excepts, kid(rest, 1), kid(finally_clause, 0));
        }
    } else {
        size_t n = pn_items(&pn->u.kids[1], RULE_try_stmt_except_list, &excepts);
        compile_try_except(c, body, n, excepts, NULL);
    }
}

// ---------------------------------------------------------------------------
// with.

// Evaluates a with item's context manager and binds or drops its value.
static void compile_with_item(compiler_t *c, const pnode_t *item, label_t l_end) {
    if (pn_is_rule(item, RULE_with_item)) {
        compile_node(c, kid(item, 0));
        compile_increase_except_level(c, l_end, EMIT_SETUP_BLOCK_WITH);
        compile_assign(c, kid(item, 1), ASSIGN_STORE);
    } else {
        compile_node(c, item);
        compile_increase_except_level(c, l_end, EMIT_SETUP_BLOCK_WITH);
        EMIT(c, pop_top);
    }
}

// `with a, b: body` nests as `with a: with b: body`.
static void compile_with_items(compiler_t *c, size_t n, pnode_t *const *items, const pnode_t *body) {
    if (n == 0) {
        compile_node(c, body);
        return;
    }
    label_t l_end = compile_new_label(c);
    compile_with_item(c, items[0], l_end);
    compile_with_items(c, n - 1, items + 1, body);
    EMIT(c, with_cleanup, l_end);
    compile_reserve_native_labels(c, 3);
    compile_decrease_except_level(c);
}

void compile_with_stmt(compiler_t *c, const pnode_t *pn) {
    pnode_t *const *items;
    size_t n = pn_items(&pn->u.kids[0], RULE_with_stmt_list, &items);
    compile_with_items(c, n, items, kid(pn, 1));
}

// ---------------------------------------------------------------------------
// async for, async with, async def.

void compile_yield_from(compiler_t *c) {
    EMIT(c, get_iter, false);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    compile_emit_yield(c, EMIT_YIELD_FROM);
}

// obj.method() awaited: the object is on the stack.
static void await_method(compiler_t *c, qstr_t method) {
    EMIT(c, load_method, method, false);
    EMIT(c, call_method, 0, 0, 0);
    compile_yield_from(c);
}

// Each step awaits __anext__ inside a handler that turns
// StopAsyncIteration into the end of the loop.
static void compile_async_for(compiler_t *c, const pnode_t *pn) {
    label_t l_else = compile_new_label(c);
    label_t l_exception = compile_new_label(c);
    label_t l_got_item = compile_new_label(c);
    label_t l_reraise = compile_new_label(c);
    compile_node(c, kid(pn, 1));
    EMIT(c, load_method, c->names.aiter, false);
    EMIT(c, call_method, 0, 0, 0);

    loop_labels_t loop;
    loop_begin(c, &loop);
    EMIT(c, label_assign, loop.continue_label);
    compile_increase_except_level(c, l_exception, EMIT_SETUP_BLOCK_EXCEPT);
    EMIT(c, dup_top);
    await_method(c, c->names.anext);
    compile_assign(c, kid(pn, 0), ASSIGN_STORE);
    EMIT(c, pop_except_jump, l_got_item, false);

    EMIT(c, label_assign, l_exception);
    EMIT(c, start_except_handler);
    EMIT(c, dup_top);
    EMIT(c, load_global, c->names.stop_async_iteration, EMIT_GLOBAL_GLOBAL);
    EMIT(c, binary_op, MPY_BINARY_OP_EXCEPTION_MATCH);
    EMIT(c, pop_jump_if, false, l_reraise);
    EMIT(c, pop_top);
    EMIT(c, pop_except_jump, l_else, true);
    EMIT(c, label_assign, l_reraise);
    EMIT(c, adjust_stack_size, 1);
    compile_decrease_except_level(c);
    EMIT(c, end_except_handler);

    EMIT(c, label_assign, l_got_item);
    compile_node(c, kid(pn, 2));
    EMIT(c, jump, loop.continue_label);
    loop_end(c, &loop);

    EMIT(c, label_assign, l_else);
    compile_node(c, kid(pn, 3));
    EMIT(c, label_assign, loop.break_label);
    EMIT(c, pop_top);
}

// Enters one async context manager: awaits __aenter__ and binds or drops
// its result; the manager itself stays on the stack for __aexit__.
static void async_with_enter(compiler_t *c, const pnode_t *item) {
    bool has_target = pn_is_rule(item, RULE_with_item);
    compile_node(c, has_target ? kid(item, 0) : item);
    EMIT(c, dup_top);
    await_method(c, c->names.aenter);
    if (has_target) {
        compile_assign(c, kid(item, 1), ASSIGN_STORE);
    } else {
        EMIT(c, pop_top);
    }
}

// The exception path: await __aexit__(type, exc, None) and swallow the
// exception when it returns true.
static void async_with_exit_on_exception(compiler_t *c, label_t l_end) {
    EMIT(c, dup_top);
    EMIT(c, rot_three);
    EMIT(c, rot_two);
    EMIT(c, load_method, c->names.aexit, false);
    EMIT(c, rot_three);
    EMIT(c, rot_three);
    EMIT(c, dup_top);
    EMIT(c, attr, QSTR___class__, EMIT_LOAD);
    EMIT(c, rot_two);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, call_method, 3, 0, 0);
    compile_yield_from(c);
    EMIT(c, pop_jump_if, false, l_end);
    EMIT(c, pop_top);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, jump, l_end);
    EMIT(c, adjust_stack_size, 2);
}

// The body fell through: leave None under the manager for __aexit__; then
// the finally handler, which goes on to l_unwind for return/break/continue
// (no exception pending).
static void async_with_setup_finally(compiler_t *c, label_t l_exit_no_exc, label_t l_finally, label_t l_unwind) {
    if (c->ops->async_with_setup_finally != NULL) {
        EMIT(c, async_with_setup_finally, l_exit_no_exc, l_finally, l_unwind);
        return;
    }
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, rot_two);
    EMIT(c, jump, l_exit_no_exc);
    EMIT(c, label_assign, l_finally);
    EMIT(c, dup_top);
    EMIT(c, load_global, QSTR_BaseException, EMIT_GLOBAL_GLOBAL);
    EMIT(c, binary_op, MPY_BINARY_OP_EXCEPTION_MATCH);
    EMIT(c, pop_jump_if, false, l_unwind);
}

static void compile_async_with_items(compiler_t *c, size_t n, pnode_t *const *items, const pnode_t *body) {
    if (n == 0) {
        compile_node(c, body);
        return;
    }
    label_t l_finally = compile_new_label(c);
    label_t l_exit_no_exc = compile_new_label(c);
    label_t l_unwind = compile_new_label(c);
    label_t l_end = compile_new_label(c);
    async_with_enter(c, items[0]);
    compile_increase_except_level(c, l_finally, EMIT_SETUP_BLOCK_FINALLY);
    EMIT(c, adjust_stack_size, 3);
    compile_async_with_items(c, n - 1, items + 1, body);
    EMIT(c, adjust_stack_size, -3);
    async_with_setup_finally(c, l_exit_no_exc, l_finally, l_unwind);
    async_with_exit_on_exception(c, l_end);

    // Leaving by return/break/continue or normally: __aexit__(None, None, None).
    EMIT(c, label_assign, l_unwind);
    EMIT(c, rot_three);
    EMIT(c, rot_three);
    EMIT(c, label_assign, l_exit_no_exc);
    EMIT(c, load_method, c->names.aexit, false);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, dup_top);
    EMIT(c, dup_top);
    EMIT(c, call_method, 3, 0, 0);
    compile_yield_from(c);
    EMIT(c, pop_top);
    EMIT(c, adjust_stack_size, -1);
    EMIT(c, label_assign, l_end);
    compile_decrease_except_level(c);
}

void compile_async_stmt(compiler_t *c, const pnode_t *pn) {
    const pnode_t *inner = kid(pn, 0);
    if (pn_is_rule(inner, RULE_funcdef)) {
        scope_t *s = compile_def(c, inner, c->scope_cur->emit_options);
        compile_store_id(c, s != NULL ? s->simple_name : QSTR_NULL);
        if (s != NULL) {
            s->scope_flags |= MPY_SCOPE_FLAG_GENERATOR;
        }
        return;
    }
    if (!(c->scope_cur->scope_flags & MPY_SCOPE_FLAG_GENERATOR)) {
        compile_error(c, inner, "async for/with outside async function");
        return;
    }
    if (pn_is_rule(inner, RULE_for_stmt)) {
        compile_async_for(c, inner);
    } else {
        pnode_t *const *items;
        size_t n = pn_items(&inner->u.kids[0], RULE_with_stmt_list, &items);
        compile_async_with_items(c, n, items, kid(inner, 1));
    }
}
