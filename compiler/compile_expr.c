// compiler/compile_expr.c: expressions: the walrus, conditional and
// boolean expressions, comparisons (chained), arithmetic, calls with
// method-call and super() forms, subscripts and slices, attribute loads,
// tuple/list/dict/set displays, yield and await. Constant folding is done
// by the parser; what reaches here is compiled as it stands.
#include "compile_internal.h"

// ---------------------------------------------------------------------------
// Walrus, conditional, boolean.

// In a comprehension, `x := v` binds x in the enclosing function (or
// module), as if declared nonlocal (or global) there.
static void bind_walrus_target_outside(compiler_t *c, const pnode_t *pn_name, qstr_t target) {
    scope_t *cur = c->scope_cur;
    id_info_t *outer = compile_id_for_modification(c, cur->parent, target);
    if (outer == NULL) {
        return;
    }
    if (outer->kind == ID_KIND_GLOBAL_EXPLICIT) {
        if (scope_find_or_add_id(cur, c->arena, target, ID_KIND_GLOBAL_EXPLICIT, NULL) == NULL) {
            compile_error_kind(c, pn_name, DIAG_MEMORY_ERROR, "memory allocation failed");
        }
        return;
    }
    id_info_t *id = scope_find_or_add_id(cur, c->arena, target, ID_KIND_UNDECIDED, NULL);
    if (id == NULL) {
        compile_error_kind(c, pn_name, DIAG_MEMORY_ERROR, "memory allocation failed");
        return;
    }
    bool is_global = cur->parent->parent == NULL;
    if (!is_global && id->kind == ID_KIND_GLOBAL_IMPLICIT) {
        id->kind = ID_KIND_UNDECIDED;  // read before: now known to be nonlocal
    }
    compile_declare_global_or_nonlocal(c, pn_name, id, is_global);
}

void compile_namedexpr_helper(compiler_t *c, const pnode_t *pn_name, const pnode_t *pn_expr) {
    if (!pn_is_id(pn_name)) {
        compile_error(c, pn_name, "can't assign to expression");
        return;
    }
    compile_node(c, pn_expr);
    EMIT(c, dup_top);
    qstr_t target = pn_name->u.qst;
    if (c->pass == EMIT_PASS_SCOPE && scope_kind_is_comp_like(c->scope_cur->kind)) {
        bind_walrus_target_outside(c, pn_name, target);
    }
    compile_store_id(c, target);
}

void compile_namedexpr(compiler_t *c, const pnode_t *pn) {
    compile_namedexpr_helper(c, kid(pn, 0), kid(pn, 1));
}

void compile_test_if_expr(compiler_t *c, const pnode_t *pn) {
    const pnode_t *if_else = kid(pn, 1);
    label_t l_fail = compile_new_label(c);
    label_t l_end = compile_new_label(c);
    compile_if_cond(c, kid(if_else, 0), false, l_fail);
    compile_node(c, kid(pn, 0));
    EMIT(c, jump, l_end);
    EMIT(c, label_assign, l_fail);
    EMIT(c, adjust_stack_size, -1);  // only one of the two values is pushed
    compile_node(c, kid(if_else, 1));
    EMIT(c, label_assign, l_end);
}

void compile_or_and_test(compiler_t *c, const pnode_t *pn) {
    bool jump_on_true = pn->rule == RULE_or_test;
    label_t l_end = compile_new_label(c);
    for (size_t i = 0; i < pn->n_kids; i++) {
        compile_node(c, kid(pn, i));
        if (i + 1 < pn->n_kids) {
            EMIT(c, jump_if_or_pop, jump_on_true, l_end);
        }
    }
    EMIT(c, label_assign, l_end);
}

void compile_not_test_2(compiler_t *c, const pnode_t *pn) {
    compile_node(c, kid(pn, 0));
    EMIT(c, unary_op, MPY_UNARY_OP_NOT);
}

// ---------------------------------------------------------------------------
// Comparisons.

typedef struct token_op {
    token_kind_t tok;
    mpy_binary_op_t op;
} token_op_t;

static const token_op_t compare_ops[] = {
    {TOKEN_OP_LESS, MPY_BINARY_OP_LESS},
    {TOKEN_OP_MORE, MPY_BINARY_OP_MORE},
    {TOKEN_OP_DBL_EQUAL, MPY_BINARY_OP_EQUAL},
    {TOKEN_OP_LESS_EQUAL, MPY_BINARY_OP_LESS_EQUAL},
    {TOKEN_OP_MORE_EQUAL, MPY_BINARY_OP_MORE_EQUAL},
    {TOKEN_OP_NOT_EQUAL, MPY_BINARY_OP_NOT_EQUAL},
    {TOKEN_KW_IN, MPY_BINARY_OP_IN},
};

static const token_op_t arith_ops[] = {
    {TOKEN_OP_DBL_LESS, MPY_BINARY_OP_LSHIFT},
    {TOKEN_OP_DBL_MORE, MPY_BINARY_OP_RSHIFT},
    {TOKEN_OP_PLUS, MPY_BINARY_OP_ADD},
    {TOKEN_OP_MINUS, MPY_BINARY_OP_SUBTRACT},
    {TOKEN_OP_STAR, MPY_BINARY_OP_MULTIPLY},
    {TOKEN_OP_AT, MPY_BINARY_OP_MAT_MULTIPLY},
    {TOKEN_OP_DBL_SLASH, MPY_BINARY_OP_FLOOR_DIVIDE},
    {TOKEN_OP_SLASH, MPY_BINARY_OP_TRUE_DIVIDE},
    {TOKEN_OP_PERCENT, MPY_BINARY_OP_MODULO},
};

static mpy_binary_op_t op_for_token(const token_op_t *table, size_t n, token_kind_t tok) {
    for (size_t i = 0; i < n; i++) {
        if (table[i].tok == tok) {
            return table[i].op;
        }
    }
    return table[0].op;
}

// The operator of a comp_op node: a token, `not in`, `is` or `is not`.
static mpy_binary_op_t compare_op_of(const pnode_t *op) {
    if (op->kind == PN_TOKEN) {
        return op_for_token(compare_ops, sizeof(compare_ops) / sizeof(compare_ops[0]), op->u.tok);
    }
    if (pn_is_rule(op, RULE_comp_op_not_in)) {
        return MPY_BINARY_OP_NOT_IN;
    }
    return kid(op, 0) == NULL ? MPY_BINARY_OP_IS : MPY_BINARY_OP_IS_NOT;
}

// a < b < c: each middle operand is kept for the next comparison; the
// first false result skips the rest and drops the kept operand.
void compile_comparison(compiler_t *c, const pnode_t *pn) {
    size_t n = pn->n_kids;
    bool is_chain = n > 3;
    label_t l_fail = is_chain ? compile_new_label(c) : 0;
    compile_node(c, kid(pn, 0));
    for (size_t i = 1; i + 1 < n; i += 2) {
        bool more = i + 2 < n;
        compile_node(c, kid(pn, i + 1));
        if (more) {
            EMIT(c, dup_top);
            EMIT(c, rot_three);
        }
        EMIT(c, binary_op, compare_op_of(kid(pn, i)));
        if (more) {
            EMIT(c, jump_if_or_pop, false, l_fail);
        }
    }
    if (is_chain) {
        label_t l_end = compile_new_label(c);
        EMIT(c, jump, l_end);
        EMIT(c, label_assign, l_fail);
        EMIT(c, adjust_stack_size, 1);
        EMIT(c, rot_two);
        EMIT(c, pop_top);
        EMIT(c, label_assign, l_end);
    }
}

void compile_star_expr(compiler_t *c, const pnode_t *pn) {
    compile_error(c, pn, "*x must be assignment target");
}

// ---------------------------------------------------------------------------
// Arithmetic.

void compile_binary_op(compiler_t *c, const pnode_t *pn) {
    mpy_binary_op_t op = pn->rule == RULE_expr ? MPY_BINARY_OP_OR
        : pn->rule == RULE_xor_expr            ? MPY_BINARY_OP_XOR
                                               : MPY_BINARY_OP_AND;
    compile_node(c, kid(pn, 0));
    for (size_t i = 1; i < pn->n_kids; i++) {
        compile_node(c, kid(pn, i));
        EMIT(c, binary_op, op);
    }
}

// shift_expr, arith_expr and term: operands alternate with operator tokens.
void compile_term(compiler_t *c, const pnode_t *pn) {
    compile_node(c, kid(pn, 0));
    for (size_t i = 1; i + 1 < pn->n_kids; i += 2) {
        compile_node(c, kid(pn, i + 1));
        token_kind_t tok = kid(pn, i)->u.tok;
        EMIT(c, binary_op, op_for_token(arith_ops, sizeof(arith_ops) / sizeof(arith_ops[0]), tok));
    }
}

void compile_factor_2(compiler_t *c, const pnode_t *pn) {
    compile_node(c, kid(pn, 1));
    token_kind_t tok = kid(pn, 0)->u.tok;
    mpy_unary_op_t op = tok == TOKEN_OP_TILDE ? MPY_UNARY_OP_INVERT
        : tok == TOKEN_OP_MINUS               ? MPY_UNARY_OP_NEGATIVE
                                              : MPY_UNARY_OP_POSITIVE;
    EMIT(c, unary_op, op);
}

void compile_power(compiler_t *c, const pnode_t *pn) {
    compile_generic_all_nodes(c, pn);
    EMIT(c, binary_op, MPY_BINARY_OP_POWER);
}

// ---------------------------------------------------------------------------
// Calls.

static bool is_func_like_for_yield(const scope_t *s) {
    return s->kind == SCOPE_FUNCTION || s->kind == SCOPE_LAMBDA;
}

typedef struct call_counts {
    unsigned n_positional;
    unsigned n_keyword;
    unsigned star_flags;
    uint64_t star_args;  // bit i: argument i is *x
} call_counts_t;

// f(name=value), f(x := v) or f(x for x in y).
static bool compile_argument(compiler_t *c, const pnode_t *arg, call_counts_t *k) {
    const pnode_t *rest = kid(arg, 1);
    if (pn_is_rule(rest, RULE_argument_3)) {
        compile_namedexpr_helper(c, kid(arg, 0), kid(rest, 0));
        k->n_positional++;
    } else if (pn_is_rule(rest, RULE_comp_for)) {
        compile_comprehension(c, arg, SCOPE_GEN_EXPR);
        k->n_positional++;
    } else {
        if (!pn_is_id(kid(arg, 0))) {
            compile_error(c, arg, "LHS of keyword arg must be an id");
            return false;
        }
        EMIT(c, load_const_str, kid(arg, 0)->u.qst);
        compile_node(c, rest);
        k->n_keyword++;
    }
    return true;
}

// Compiles one argument; returns false after an error.
static bool compile_call_arg(compiler_t *c, const pnode_t *arg, size_t i, call_counts_t *k) {
    if (pn_is_rule(arg, RULE_arglist_star)) {
        if (k->star_flags & EMIT_STAR_FLAG_DOUBLE) {
            compile_error(c, arg, "* arg after **");
            return false;
        }
        if (i >= (size_t)c->opts->small_int_bits - 1) {
            compile_error(c, arg, "too many args");  // the bitmap must be a small int
            return false;
        }
        k->star_flags |= EMIT_STAR_FLAG_SINGLE;
        k->star_args |= (uint64_t)1 << i;
        compile_node(c, kid(arg, 0));
        k->n_positional++;
        return true;
    }
    if (pn_is_rule(arg, RULE_arglist_dbl_star)) {
        k->star_flags |= EMIT_STAR_FLAG_DOUBLE;
        EMIT(c, load_null);
        compile_node(c, kid(arg, 0));
        k->n_keyword++;
        return true;
    }
    if (pn_is_rule(arg, RULE_argument)) {
        return compile_argument(c, arg, k);
    }
    if (k->star_flags & EMIT_STAR_FLAG_DOUBLE) {
        compile_error(c, arg, "positional arg after **");
        return false;
    }
    if (k->n_keyword > 0) {
        compile_error(c, arg, "positional arg after keyword arg");
        return false;
    }
    compile_node(c, arg);
    k->n_positional++;
    return true;
}

void compile_call_args(compiler_t *c, pnode_t *arglist, bool is_method_call, unsigned n_positional_extra) {
    pnode_t *const *args;
    size_t n = pn_items(&arglist, RULE_arglist, &args);
    call_counts_t k = {n_positional_extra, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (!compile_call_arg(c, args[i], i, &k)) {
            return;
        }
    }
    if (k.star_flags != 0) {
        EMIT(c, load_const_small_int, (int64_t)k.star_args);
    }
    if (is_method_call) {
        EMIT(c, call_method, k.n_positional, k.n_keyword, k.star_flags);
    } else {
        EMIT(c, call_function, k.n_positional, k.n_keyword, k.star_flags);
    }
}

// ---------------------------------------------------------------------------
// Trailers: x.y, x[i], x(...), and x.y(...) as a method call.

typedef struct trailers {
    pnode_t *const *items;
    size_t n;
} trailers_t;

// super() in a method: super(__class__, first argument). Returns how many
// trailers were used, or 0 after an error.
static size_t compile_super_call(compiler_t *c, const trailers_t *t) {
    compile_load_id(c, QSTR___class__);
    const scope_t *s = c->scope_cur;
    size_t i = 0;
    while (i < s->id_info_len && !(s->id_info[i].flags & ID_FLAG_IS_PARAM)) {
        i++;
    }
    if (i == s->id_info_len) {
        compile_error(c, t->items[0], "super() can't find self");
        return 0;
    }
    compile_load_id(c, s->id_info[i].qst);
    if (t->n >= 3 && pn_is_rule(t->items[1], RULE_trailer_period) && pn_is_rule(t->items[2], RULE_trailer_paren)) {
        EMIT(c, load_method, kid(t->items[1], 0)->u.qst, true);
        compile_call_args(c, kid(t->items[2], 0), true, 0);
        return 3;
    }
    EMIT(c, call_function, 2, 0, 0);
    return 1;
}

static bool is_zero_arg_super(const compiler_t *c, const pnode_t *atom, const trailers_t *t) {
    return c->scope_cur->kind == SCOPE_FUNCTION && pn_is_id(atom) && atom->u.qst == QSTR_super
        && pn_is_rule(t->items[0], RULE_trailer_paren) && kid(t->items[0], 0) == NULL;
}

static void compile_trailers(compiler_t *c, const trailers_t *t, size_t i) {
    for (; i < t->n; i++) {
        const pnode_t *tr = t->items[i];
        if (i + 1 < t->n && pn_is_rule(tr, RULE_trailer_period) && pn_is_rule(t->items[i + 1], RULE_trailer_paren)) {
            EMIT(c, load_method, kid(tr, 0)->u.qst, false);
            compile_call_args(c, kid(t->items[i + 1], 0), true, 0);
            i += 1;
        } else {
            compile_node(c, tr);
        }
    }
}

void compile_atom_expr_normal(compiler_t *c, const pnode_t *pn) {
    const pnode_t *atom = kid(pn, 0);
    compile_node(c, atom);
    if (kid(pn, 1) == NULL) {
        return;
    }
    trailers_t t = {&pn->u.kids[1], 1};
    if (pn_is_rule(kid(pn, 1), RULE_atom_expr_trailers)) {
        t = (trailers_t){kid(pn, 1)->u.kids, kid(pn, 1)->n_kids};
    }
    size_t first = 0;
    if (is_zero_arg_super(c, atom, &t)) {
        first = compile_super_call(c, &t);
        if (first == 0) {
            return;
        }
    }
    compile_trailers(c, &t, first);
}

void compile_atom_expr_await(compiler_t *c, const pnode_t *pn) {
    if (!is_func_like_for_yield(c->scope_cur)) {
        compile_error(c, pn, "'await' outside function");
        return;
    }
    compile_atom_expr_normal(c, pn);
    compile_yield_from(c);
}

void compile_trailer_paren(compiler_t *c, const pnode_t *pn) {
    compile_call_args(c, kid(pn, 0), false, 0);
}

void compile_trailer_bracket(compiler_t *c, const pnode_t *pn) {
    compile_node(c, kid(pn, 0));
    EMIT(c, subscr, EMIT_LOAD);
}

void compile_trailer_period(compiler_t *c, const pnode_t *pn) {
    EMIT(c, attr, kid(pn, 0)->u.qst, EMIT_LOAD);
}

// ---------------------------------------------------------------------------
// Slices: the start (or None) is already on the stack when the part
// after the first colon is compiled.

static void build_slice_from(compiler_t *c, const pnode_t *after_colon) {
    if (after_colon == NULL) {
        EMIT(c, load_const_tok, EMIT_CONST_NONE);  // a[x:]
        EMIT(c, build, 2, EMIT_BUILD_SLICE);
        return;
    }
    if (pn_is_rule(after_colon, RULE_subscript_3c)) {
        // a[x::step]
        EMIT(c, load_const_tok, EMIT_CONST_NONE);
        const pnode_t *step = kid(after_colon, 0);
        if (step != NULL) {
            compile_node(c, step);
        }
        EMIT(c, build, step == NULL ? 2 : 3, EMIT_BUILD_SLICE);
        return;
    }
    if (pn_is_rule(after_colon, RULE_subscript_3d)) {
        // a[x:y:step]
        compile_node(c, kid(after_colon, 0));
        const pnode_t *step = kid(kid(after_colon, 1), 0);
        if (step != NULL) {
            compile_node(c, step);
        }
        EMIT(c, build, step == NULL ? 2 : 3, EMIT_BUILD_SLICE);
        return;
    }
    compile_node(c, after_colon);  // a[x:y]
    EMIT(c, build, 2, EMIT_BUILD_SLICE);
}

void compile_subscript(compiler_t *c, const pnode_t *pn) {
    if (pn->rule == RULE_subscript_2) {
        compile_node(c, kid(pn, 0));
        pn = kid(pn, 1);
    } else {
        EMIT(c, load_const_tok, EMIT_CONST_NONE);
    }
    build_slice_from(c, kid(pn, 0));
}

// ---------------------------------------------------------------------------
// Displays.

static bool testlist_comp_is_comprehension(const pnode_t *pn) {
    return pn->n_kids == 2 && pn_is_rule(kid(pn, 1), RULE_comp_for);
}

void compile_atom_paren(compiler_t *c, const pnode_t *pn) {
    const pnode_t *inner = kid(pn, 0);
    if (inner == NULL) {
        EMIT(c, build, 0, EMIT_BUILD_TUPLE);
    } else if (!pn_is_rule(inner, RULE_testlist_comp)) {
        compile_node(c, inner);
    } else if (testlist_comp_is_comprehension(inner)) {
        compile_comprehension(c, inner, SCOPE_GEN_EXPR);
    } else {
        compile_generic_tuple(c, inner);
    }
}

void compile_atom_bracket(compiler_t *c, const pnode_t *pn) {
    const pnode_t *inner = kid(pn, 0);
    if (inner == NULL) {
        EMIT(c, build, 0, EMIT_BUILD_LIST);
    } else if (!pn_is_rule(inner, RULE_testlist_comp)) {
        compile_node(c, inner);
        EMIT(c, build, 1, EMIT_BUILD_LIST);
    } else if (testlist_comp_is_comprehension(inner)) {
        compile_comprehension(c, inner, SCOPE_LIST_COMP);
    } else {
        compile_generic_all_nodes(c, inner);
        EMIT(c, build, (unsigned)inner->n_kids, EMIT_BUILD_LIST);
    }
}

// {a: b, c: d} or {a, b}: every item after the first must be of the
// same kind as the first.
static void compile_dict_or_set_items(compiler_t *c, const pnode_t *maker, bool create_map) {
    pnode_t *const *items;
    size_t n = pn_items(&kid(maker, 1)->u.kids[0], RULE_dictorsetmaker_list2, &items);
    const pnode_t *first = kid(maker, 0);
    bool is_dict = pn_is_rule(first, RULE_dictorsetmaker_item);
    if (is_dict && create_map) {
        EMIT(c, build, (unsigned)(1 + n), EMIT_BUILD_MAP);
    }
    compile_node(c, first);
    if (is_dict) {
        EMIT(c, store_map);
    }
    for (size_t i = 0; i < n; i++) {
        bool is_key_value = pn_is_rule(items[i], RULE_dictorsetmaker_item);
        compile_node(c, items[i]);
        if (is_dict && !is_key_value) {
            compile_error(c, maker, "expecting key:value for dict");
            return;
        }
        if (!is_dict && is_key_value) {
            compile_error(c, maker, "expecting just a value for set");
            return;
        }
        if (is_dict) {
            EMIT(c, store_map);
        }
    }
    if (!is_dict) {
        EMIT(c, build, (unsigned)(1 + n), EMIT_BUILD_SET);
    }
}

void compile_brace_contents(compiler_t *c, const pnode_t *pn, bool create_map) {
    const pnode_t *inner = kid(pn, 0);
    if (inner == NULL) {
        if (create_map) {
            EMIT(c, build, 0, EMIT_BUILD_MAP);
        }
    } else if (pn_is_rule(inner, RULE_dictorsetmaker_item)) {
        if (create_map) {
            EMIT(c, build, 1, EMIT_BUILD_MAP);
        }
        compile_node(c, inner);
        EMIT(c, store_map);
    } else if (pn_is_rule(inner, RULE_dictorsetmaker)) {
        if (pn_is_rule(kid(inner, 1), RULE_dictorsetmaker_list)) {
            compile_dict_or_set_items(c, inner, create_map);
        } else {
            bool is_dict = pn_is_rule(kid(inner, 0), RULE_dictorsetmaker_item);
            compile_comprehension(c, inner, is_dict ? SCOPE_DICT_COMP : SCOPE_SET_COMP);
        }
    } else {
        compile_node(c, inner);  // {x}: a set of one
        EMIT(c, build, 1, EMIT_BUILD_SET);
    }
}

void compile_atom_brace(compiler_t *c, const pnode_t *pn) {
    compile_brace_contents(c, pn, true);
}

// A dict item: the value is pushed before the key (STORE_MAP's order).
void compile_dictorsetmaker_item(compiler_t *c, const pnode_t *pn) {
    compile_node(c, kid(pn, 1));
    compile_node(c, kid(pn, 0));
}

// ---------------------------------------------------------------------------
// yield.

void compile_yield_expr(compiler_t *c, const pnode_t *pn) {
    if (!is_func_like_for_yield(c->scope_cur)) {
        compile_error(c, pn, "'yield' outside function");
        return;
    }
    const pnode_t *arg = kid(pn, 0);
    if (arg == NULL) {
        EMIT(c, load_const_tok, EMIT_CONST_NONE);
        compile_emit_yield(c, EMIT_YIELD_VALUE);
    } else if (pn_is_rule(arg, RULE_yield_arg_from)) {
        compile_node(c, kid(arg, 0));
        compile_yield_from(c);
    } else {
        compile_node(c, arg);
        compile_emit_yield(c, EMIT_YIELD_VALUE);
    }
}
