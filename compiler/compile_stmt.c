// compiler/compile_stmt.c: simple statements: expression statements and
// every form of assignment and its targets, del, break/continue, return,
// raise, import, global/nonlocal and assert. Control flow (if, loops, try,
// with) is in compile_flow.c.
#include "compile_internal.h"

// ---------------------------------------------------------------------------
// Assignment targets.

static const char msg_cannot_assign[] = "can't assign to expression";

// Target `x.y` or `x[i]`, possibly after more trailers: x.a.b[i].
static void assign_atom_expr(compiler_t *c, const pnode_t *pn, assign_kind_t kind) {
    if (kind != ASSIGN_AUG_STORE) {
        compile_node(c, kid(pn, 0));
    }
    const pnode_t *last = kid(pn, 1);
    if (pn_is_rule(last, RULE_atom_expr_trailers)) {
        size_t n = last->n_kids;
        if (kind != ASSIGN_AUG_STORE) {
            for (size_t i = 0; i + 1 < n; i++) {
                compile_node(c, kid(last, i));
            }
        }
        last = kid(last, n - 1);
    }
    if (pn_is_rule(last, RULE_trailer_bracket)) {
        if (kind == ASSIGN_AUG_STORE) {
            EMIT(c, rot_three);
            EMIT(c, subscr, EMIT_STORE);
        } else {
            compile_node(c, kid(last, 0));
            if (kind == ASSIGN_AUG_LOAD) {
                EMIT(c, dup_top_two);
                EMIT(c, subscr, EMIT_LOAD);
            } else {
                EMIT(c, subscr, EMIT_STORE);
            }
        }
        return;
    }
    if (pn_is_rule(last, RULE_trailer_period)) {
        qstr_t attr = kid(last, 0)->u.qst;
        if (kind == ASSIGN_AUG_LOAD) {
            EMIT(c, dup_top);
            EMIT(c, attr, attr, EMIT_LOAD);
        } else {
            if (kind == ASSIGN_AUG_STORE) {
                EMIT(c, rot_two);
            }
            EMIT(c, attr, attr, EMIT_STORE);
        }
        return;
    }
    compile_error(c, pn, msg_cannot_assign);
}

// Unpacks the value on the stack into n targets, one of which may be *x.
static void assign_tuple(compiler_t *c, size_t n, pnode_t *const *targets) {
    size_t star = n;
    for (size_t i = 0; i < n; i++) {
        if (!pn_is_rule(targets[i], RULE_star_expr)) {
            continue;
        }
        if (star != n) {
            compile_error(c, targets[i], "multiple *x in assignment");
            return;
        }
        EMIT(c, unpack_ex, (unsigned)i, (unsigned)(n - i - 1));
        star = i;
    }
    if (star == n) {
        EMIT(c, unpack_sequence, (unsigned)n);
    }
    for (size_t i = 0; i < n; i++) {
        const pnode_t *target = i == star ? kid(targets[i], 0) : targets[i];
        compile_assign(c, target, ASSIGN_STORE);
    }
}

static bool testlist_comp_has_comp_for(const pnode_t *pn) {
    return pn->n_kids == 2 && pn_is_rule(kid(pn, 1), RULE_comp_for);
}

// `(a, b) = ...` and `[a, b] = ...`: the parenthesised list of targets.
static void assign_testlist_comp(compiler_t *c, const pnode_t *target, const pnode_t *list) {
    if (!pn_is_rule(list, RULE_testlist_comp) || testlist_comp_has_comp_for(list)) {
        compile_error(c, target, msg_cannot_assign);
        return;
    }
    assign_tuple(c, list->n_kids, list->u.kids);
}

static void assign_bracket(compiler_t *c, const pnode_t *pn) {
    pnode_t *inner = kid(pn, 0);
    if (inner == NULL) {
        assign_tuple(c, 0, NULL);
    } else if (pn_is_rule(inner, RULE_testlist_comp)) {
        assign_testlist_comp(c, pn, inner);
    } else {
        assign_tuple(c, 1, pn->u.kids);
    }
}

static void assign_rule(compiler_t *c, const pnode_t *pn, assign_kind_t kind) {
    switch (pn->rule) {
        case RULE_atom_expr_normal:
            assign_atom_expr(c, pn, kind);
            return;
        case RULE_testlist_star_expr:
        case RULE_exprlist:
            if (kind == ASSIGN_STORE) {
                assign_tuple(c, pn->n_kids, pn->u.kids);
                return;
            }
            break;
        case RULE_atom_paren:
            if (kid(pn, 0) != NULL && kind == ASSIGN_STORE) {
                assign_testlist_comp(c, pn, kid(pn, 0));
                return;
            }
            break;
        case RULE_atom_bracket:
            if (kind == ASSIGN_STORE) {
                assign_bracket(c, pn);
                return;
            }
            break;
        default:
            break;
    }
    compile_error(c, pn, msg_cannot_assign);
}

void compile_assign(compiler_t *c, const pnode_t *pn, assign_kind_t kind) {
    if (pn_is_id(pn)) {
        if (kind == ASSIGN_AUG_LOAD) {
            compile_load_id(c, pn->u.qst);
        } else {
            compile_store_id(c, pn->u.qst);
        }
        return;
    }
    if (pn_is_any_rule(pn)) {
        assign_rule(c, pn, kind);
        return;
    }
    compile_error(c, pn, msg_cannot_assign);
}

// ---------------------------------------------------------------------------
// Expression statements.

typedef struct aug_op {
    token_kind_t tok;
    mpy_binary_op_t op;
} aug_op_t;

static const aug_op_t aug_ops[] = {
    {TOKEN_DEL_PIPE_EQUAL, MPY_BINARY_OP_INPLACE_OR},
    {TOKEN_DEL_CARET_EQUAL, MPY_BINARY_OP_INPLACE_XOR},
    {TOKEN_DEL_AMPERSAND_EQUAL, MPY_BINARY_OP_INPLACE_AND},
    {TOKEN_DEL_DBL_LESS_EQUAL, MPY_BINARY_OP_INPLACE_LSHIFT},
    {TOKEN_DEL_DBL_MORE_EQUAL, MPY_BINARY_OP_INPLACE_RSHIFT},
    {TOKEN_DEL_PLUS_EQUAL, MPY_BINARY_OP_INPLACE_ADD},
    {TOKEN_DEL_MINUS_EQUAL, MPY_BINARY_OP_INPLACE_SUBTRACT},
    {TOKEN_DEL_STAR_EQUAL, MPY_BINARY_OP_INPLACE_MULTIPLY},
    {TOKEN_DEL_AT_EQUAL, MPY_BINARY_OP_INPLACE_MAT_MULTIPLY},
    {TOKEN_DEL_DBL_SLASH_EQUAL, MPY_BINARY_OP_INPLACE_FLOOR_DIVIDE},
    {TOKEN_DEL_SLASH_EQUAL, MPY_BINARY_OP_INPLACE_TRUE_DIVIDE},
    {TOKEN_DEL_PERCENT_EQUAL, MPY_BINARY_OP_INPLACE_MODULO},
    {TOKEN_DEL_DBL_STAR_EQUAL, MPY_BINARY_OP_INPLACE_POWER},
};

static mpy_binary_op_t aug_op_for(token_kind_t tok) {
    for (size_t i = 0; i < sizeof(aug_ops) / sizeof(aug_ops[0]); i++) {
        if (aug_ops[i].tok == tok) {
            return aug_ops[i].op;
        }
    }
    return MPY_BINARY_OP_INPLACE_ADD;
}

static void compile_aug_assign(compiler_t *c, const pnode_t *target, const pnode_t *aug) {
    compile_assign(c, target, ASSIGN_AUG_LOAD);
    compile_node(c, kid(aug, 1));
    EMIT(c, binary_op, aug_op_for(kid(aug, 0)->u.tok));
    compile_assign(c, target, ASSIGN_AUG_STORE);
}

// a = b = c = value: the kids are the later targets, then the value.
static void compile_chained_assign(compiler_t *c, const pnode_t *first, const pnode_t *list) {
    size_t n_more = list->n_kids - 1;
    compile_node(c, kid(list, n_more));
    if (n_more > 0) {
        EMIT(c, dup_top);
    }
    compile_assign(c, first, ASSIGN_STORE);
    for (size_t i = 0; i < n_more; i++) {
        if (i + 1 < n_more) {
            EMIT(c, dup_top);
        }
        compile_assign(c, kid(list, i), ASSIGN_STORE);
    }
}

// a, b = x, y (and a, b, c = x, y, z) swap on the stack instead of
// building and unpacking a tuple, when no target is starred.
static bool try_swap_assign(compiler_t *c, const pnode_t *lhs, const pnode_t *rhs) {
    if (!pn_is_rule(rhs, RULE_testlist_star_expr) || !pn_is_rule(lhs, RULE_testlist_star_expr)) {
        return false;
    }
    size_t n = lhs->n_kids;
    if (n != rhs->n_kids || (n != 2 && n != 3)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (pn_is_rule(kid(lhs, i), RULE_star_expr)) {
            return false;
        }
    }
    for (size_t i = 0; i < n; i++) {
        compile_node(c, kid(rhs, i));
    }
    if (n == 3) {
        EMIT(c, rot_three);
    }
    EMIT(c, rot_two);
    for (size_t i = 0; i < n; i++) {
        compile_assign(c, kid(lhs, i), ASSIGN_STORE);
    }
    return true;
}

static void compile_plain_assign(compiler_t *c, const pnode_t *lhs, const pnode_t *rhs) {
    if (try_swap_assign(c, lhs, rhs)) {
        return;
    }
    compile_node(c, rhs);
    compile_assign(c, lhs, ASSIGN_STORE);
}

// A lone expression: constants (docstrings among them) produce no code.
// At the top level of interactive ('single') input the value goes to
// __repl_print__ instead, constants included.
static void compile_expr_only(compiler_t *c, const pnode_t *expr) {
    if (c->opts->input == COMPILE_INPUT_SINGLE && c->scope_cur->kind == SCOPE_MODULE) {
        compile_load_id(c, c->names.repl_print);
        compile_node(c, expr);
        EMIT(c, call_function, 1, 0, 0);
        EMIT(c, pop_top);
        return;
    }
    bool is_const_leaf = expr != NULL && expr->kind != PN_RULE && expr->kind != PN_ID;
    if (is_const_leaf) {
        return;
    }
    compile_node(c, expr);
    EMIT(c, pop_top);
}

// x: T declares x local in a function; x: T = v assigns.
static void compile_annotated(compiler_t *c, const pnode_t *target, const pnode_t *ann) {
    const pnode_t *value = kid(ann, 1);
    if (value != NULL) {
        compile_plain_assign(c, target, value);
        return;
    }
    if (c->scope_cur->kind == SCOPE_FUNCTION && pn_is_id(target)) {
        if (scope_find_or_add_id(c->scope_cur, c->arena, target->u.qst, ID_KIND_LOCAL, NULL) == NULL) {
            compile_error_kind(c, NULL, DIAG_MEMORY_ERROR, "memory allocation failed");
        }
    }
}

void compile_expr_stmt(compiler_t *c, const pnode_t *pn) {
    const pnode_t *lhs = kid(pn, 0);
    const pnode_t *rhs = kid(pn, 1);
    if (rhs == NULL) {
        compile_expr_only(c, lhs);
    } else if (pn_is_rule(rhs, RULE_annassign)) {
        compile_annotated(c, lhs, rhs);
    } else if (pn_is_rule(rhs, RULE_expr_stmt_augassign)) {
        compile_aug_assign(c, lhs, rhs);
    } else if (pn_is_rule(rhs, RULE_expr_stmt_assign_list)) {
        compile_chained_assign(c, lhs, rhs);
    } else {
        compile_plain_assign(c, lhs, rhs);
    }
}

// ---------------------------------------------------------------------------
// del.

static const char msg_cannot_delete[] = "can't delete expression";

static void delete_target(compiler_t *c, const pnode_t *pn);

static void delete_atom_expr(compiler_t *c, const pnode_t *pn) {
    compile_node(c, kid(pn, 0));
    const pnode_t *last = kid(pn, 1);
    if (pn_is_rule(last, RULE_atom_expr_trailers)) {
        size_t n = last->n_kids;
        for (size_t i = 0; i + 1 < n; i++) {
            compile_node(c, kid(last, i));
        }
        last = kid(last, n - 1);
    }
    if (pn_is_rule(last, RULE_trailer_bracket)) {
        compile_node(c, kid(last, 0));
        EMIT(c, subscr, EMIT_DELETE);
    } else if (pn_is_rule(last, RULE_trailer_period)) {
        EMIT(c, attr, kid(last, 0)->u.qst, EMIT_DELETE);
    } else {
        compile_error(c, pn, msg_cannot_delete);
    }
}

static void delete_paren(compiler_t *c, const pnode_t *pn) {
    const pnode_t *inner = kid(pn, 0);
    if (!pn_is_rule(inner, RULE_testlist_comp) || testlist_comp_has_comp_for(inner)) {
        // `del ()` has no node with a line: the statement's line is used.
        compile_error(c, inner, msg_cannot_delete);
        return;
    }
    for (size_t i = 0; i < inner->n_kids; i++) {
        delete_target(c, kid(inner, i));
    }
}

static void delete_target(compiler_t *c, const pnode_t *pn) {
    if (pn_is_id(pn)) {
        compile_delete_id(c, pn->u.qst);
    } else if (pn_is_rule(pn, RULE_atom_expr_normal)) {
        delete_atom_expr(c, pn);
    } else if (pn_is_rule(pn, RULE_atom_paren)) {
        delete_paren(c, pn);
    } else {
        compile_error(c, pn, msg_cannot_delete);
    }
}

void compile_del_stmt(compiler_t *c, const pnode_t *pn) {
    pnode_t *const *items;
    size_t n = pn_items(&pn->u.kids[0], RULE_exprlist, &items);
    for (size_t i = 0; i < n; i++) {
        delete_target(c, items[i]);
    }
}

// ---------------------------------------------------------------------------
// Flow statements.

void compile_break_cont_stmt(compiler_t *c, const pnode_t *pn) {
    label_t label = pn->rule == RULE_break_stmt ? c->break_label : c->continue_label;
    if (label == NO_LABEL) {
        compile_error(c, pn, "'break'/'continue' outside loop");
    }
    EMIT(c, unwind_jump, label, (unsigned)(c->cur_except_level - c->break_continue_except_level));
}

// return a if cond else b: two returns instead of a jump to one.
static void compile_return_if_expr(compiler_t *c, const pnode_t *expr) {
    const pnode_t *if_else = kid(expr, 1);
    label_t l_fail = compile_new_label(c);
    compile_if_cond(c, kid(if_else, 0), false, l_fail);
    compile_node(c, kid(expr, 0));
    EMIT(c, return_value);
    EMIT(c, label_assign, l_fail);
    compile_node(c, kid(if_else, 1));
}

void compile_return_stmt(compiler_t *c, const pnode_t *pn) {
    if (c->scope_cur->kind != SCOPE_FUNCTION) {
        compile_error(c, pn, "'return' outside function");
        return;
    }
    const pnode_t *value = kid(pn, 0);
    if (value == NULL) {
        EMIT(c, load_const_tok, EMIT_CONST_NONE);
    } else if (pn_is_rule(value, RULE_test_if_expr)) {
        compile_return_if_expr(c, value);
    } else {
        compile_node(c, value);
    }
    EMIT(c, return_value);
}

void compile_yield_stmt(compiler_t *c, const pnode_t *pn) {
    compile_node(c, kid(pn, 0));
    EMIT(c, pop_top);
}

void compile_raise_stmt(compiler_t *c, const pnode_t *pn) {
    const pnode_t *arg = kid(pn, 0);
    if (arg == NULL) {
        EMIT(c, raise_varargs, 0);
    } else if (pn_is_rule(arg, RULE_raise_stmt_arg)) {
        compile_node(c, kid(arg, 0));
        compile_node(c, kid(arg, 1));
        EMIT(c, raise_varargs, 2);
    } else {
        compile_node(c, arg);
        EMIT(c, raise_varargs, 1);
    }
}

// ---------------------------------------------------------------------------
// Imports.

// "a.b.c" from the names of a dotted_name.
static qstr_t join_dotted_name(compiler_t *c, const pnode_t *dotted) {
    buf_t b;
    buf_init(&b);
    for (size_t i = 0; i < dotted->n_kids; i++) {
        if (i > 0) {
            buf_byte(&b, '.');
        }
        qstr_t part = kid(dotted, i)->u.qst;
        buf_append(&b, qstr_str(c->pool, part), qstr_len(c->pool, part));
    }
    qstr_t q = b.failed ? QSTR_NULL : qstr_intern(c->pool, (const char *)b.data, b.len);
    buf_deinit(&b);
    if (q == QSTR_NULL) {
        compile_error_kind(c, dotted, DIAG_MEMORY_ERROR, "memory allocation failed");
    }
    return q;
}

// Emits IMPORT_NAME for a module path; *base is the name to bind: the
// first component, or the `as` name (then the attributes are loaded down
// to the last component).
static void import_module_name(compiler_t *c, const pnode_t *pn, qstr_t *base) {
    bool is_as = false;
    if (pn_is_rule(pn, RULE_dotted_as_name)) {
        *base = kid(pn, 1)->u.qst;
        pn = kid(pn, 0);
        is_as = true;
    }
    if (pn == NULL) {
        *base = QSTR_empty;
        EMIT(c, import, QSTR_empty, EMIT_IMPORT_NAME);
        return;
    }
    if (pn_is_id(pn)) {
        if (!is_as) {
            *base = pn->u.qst;
        }
        EMIT(c, import, pn->u.qst, EMIT_IMPORT_NAME);
        return;
    }
    if (!is_as) {
        *base = kid(pn, 0)->u.qst;
    }
    EMIT(c, import, join_dotted_name(c, pn), EMIT_IMPORT_NAME);
    if (is_as) {
        for (size_t i = 1; i < pn->n_kids; i++) {
            EMIT(c, attr, kid(pn, i)->u.qst, EMIT_LOAD);
        }
    }
}

static void compile_dotted_as_name(compiler_t *c, const pnode_t *pn) {
    EMIT(c, load_const_small_int, 0);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    qstr_t base = QSTR_NULL;
    import_module_name(c, pn, &base);
    compile_store_id(c, base);
}

void compile_import_name(compiler_t *c, const pnode_t *pn) {
    pnode_t *const *items;
    size_t n = pn_items(&pn->u.kids[0], RULE_dotted_as_names, &items);
    for (size_t i = 0; i < n; i++) {
        compile_dotted_as_name(c, items[i]);
    }
}

// The leading dots of a relative import (`...` counts three); *module is
// set to the module path after them (NULL for `from . import x`).
static unsigned import_level(pnode_t *source, const pnode_t **module) {
    pnode_t *dots;
    if (source != NULL && (source->kind == PN_TOKEN || pn_is_rule(source, RULE_one_or_more_period_or_ellipsis))) {
        dots = source;
        *module = NULL;
    } else if (pn_is_rule(source, RULE_import_from_2b)) {
        dots = kid(source, 0);
        *module = kid(source, 1);
    } else {
        *module = source;
        return 0;
    }
    pnode_t *const *items;
    size_t n = pn_items(&dots, RULE_one_or_more_period_or_ellipsis, &items);
    unsigned level = 0;
    for (size_t i = 0; i < n; i++) {
        level += pn_is_token(items[i], TOKEN_DEL_PERIOD) ? 1 : 3;
    }
    return level;
}

static void import_star(compiler_t *c, const pnode_t *pn, unsigned level, const pnode_t *module) {
    if (c->scope_cur->kind != SCOPE_MODULE) {
        compile_error(c, pn, "import * not at module level");
        return;
    }
    EMIT(c, load_const_small_int, level);
    EMIT(c, load_const_str, QSTR_star);
    EMIT(c, build, 1, EMIT_BUILD_TUPLE);
    qstr_t unused;
    import_module_name(c, module, &unused);
    EMIT(c, import, QSTR_NULL, EMIT_IMPORT_STAR);
}

static void import_names(compiler_t *c, const pnode_t *pn, unsigned level, const pnode_t *module) {
    EMIT(c, load_const_small_int, level);
    pnode_t *const *names;
    size_t n = pn_items(&pn->u.kids[1], RULE_import_as_names, &names);
    for (size_t i = 0; i < n; i++) {
        EMIT(c, load_const_str, kid(names[i], 0)->u.qst);
    }
    EMIT(c, build, (unsigned)n, EMIT_BUILD_TUPLE);
    qstr_t unused;
    import_module_name(c, module, &unused);
    for (size_t i = 0; i < n; i++) {
        qstr_t name = kid(names[i], 0)->u.qst;
        const pnode_t *as = kid(names[i], 1);
        EMIT(c, import, name, EMIT_IMPORT_FROM);
        compile_store_id(c, as == NULL ? name : as->u.qst);
    }
    EMIT(c, pop_top);
}

void compile_import_from(compiler_t *c, const pnode_t *pn) {
    const pnode_t *module = NULL;
    unsigned level = import_level(kid(pn, 0), &module);
    if (pn_is_token(kid(pn, 1), TOKEN_OP_STAR)) {
        import_star(c, pn, level, module);
    } else {
        import_names(c, pn, level, module);
    }
}

// ---------------------------------------------------------------------------
// global, nonlocal.

static void declare_global(compiler_t *c, const pnode_t *pn, id_info_t *id) {
    if (id->kind != ID_KIND_UNDECIDED && id->kind != ID_KIND_GLOBAL_EXPLICIT) {
        compile_error(c, pn, "identifier redefined as global");
        return;
    }
    id->kind = ID_KIND_GLOBAL_EXPLICIT;
    id_info_t *module_id = scope_find_global(c->scope_cur, id->qst);
    if (module_id != NULL) {
        module_id->kind = ID_KIND_GLOBAL_EXPLICIT;
    }
}

static void declare_nonlocal(compiler_t *c, const pnode_t *pn, id_info_t *id) {
    if (id->kind == ID_KIND_UNDECIDED) {
        id->kind = ID_KIND_GLOBAL_IMPLICIT;
        scope_check_to_close_over(c->scope_cur, c->arena, id);
        if (id->kind == ID_KIND_GLOBAL_IMPLICIT) {
            compile_error(c, pn, "no binding for nonlocal found");
        }
    } else if (id->kind != ID_KIND_FREE) {
        compile_error(c, pn, "identifier redefined as nonlocal");
    }
}

void compile_declare_global_or_nonlocal(compiler_t *c, const pnode_t *pn, id_info_t *id, bool is_global) {
    if (is_global) {
        declare_global(c, pn, id);
    } else {
        declare_nonlocal(c, pn, id);
    }
}

void compile_global_nonlocal_stmt(compiler_t *c, const pnode_t *pn) {
    if (c->pass != EMIT_PASS_SCOPE) {
        return;
    }
    bool is_global = pn->rule == RULE_global_stmt;
    if (!is_global && c->scope_cur->kind == SCOPE_MODULE) {
        compile_error(c, pn, "can't declare nonlocal in outer code");
        return;
    }
    pnode_t *const *names;
    size_t n = pn_items(&pn->u.kids[0], RULE_name_list, &names);
    for (size_t i = 0; i < n; i++) {
        id_info_t *id = scope_find_or_add_id(c->scope_cur, c->arena, names[i]->u.qst, ID_KIND_UNDECIDED, NULL);
        if (id == NULL) {
            compile_error_kind(c, pn, DIAG_MEMORY_ERROR, "memory allocation failed");
            return;
        }
        compile_declare_global_or_nonlocal(c, pn, id, is_global);
    }
}

// ---------------------------------------------------------------------------
// assert.

void compile_assert_stmt(compiler_t *c, const pnode_t *pn) {
    if (c->opts->opt_level != 0) {
        return;
    }
    label_t l_end = compile_new_label(c);
    compile_if_cond(c, kid(pn, 0), true, l_end);
    EMIT(c, load_global, QSTR_AssertionError, EMIT_GLOBAL_GLOBAL);
    if (kid(pn, 1) != NULL) {
        compile_node(c, kid(pn, 1));
        EMIT(c, call_function, 1, 0, 0);
    }
    EMIT(c, raise_varargs, 1);
    EMIT(c, label_assign, l_end);
}
