// compiler/compile.c: the core of the compile walk: dispatch from parse
// node to compile function, labels, errors, name resolution through the
// scope tables, and the pass structure over every scope (scope pass,
// stack-size pass, code-size pass, emit passes until the code is stable).
// What each construct compiles to lives in compile_stmt.c, compile_flow.c,
// compile_expr.c and compile_func.c; the bytes come from the emitter.
#include "compile_internal.h"

#include <stdio.h>
#include <string.h>

enum {
    MAX_DEPTH = 10000,  // nested expressions; far beyond real programs
};

static const compile_rule_fn_t rule_compilers[RULE_count] = {
#define c(f) compile_##f
#define DEF_RULE(name, comp, kind, ...) [RULE_##name] = comp,
#define DEF_RULE_NC(name, kind, ...)
#include "grammar.def"
#undef DEF_RULE
#undef DEF_RULE_NC
#undef c
};

// ---------------------------------------------------------------------------
// Parse-node helpers.

size_t pn_items(pnode_t *const *slot, rule_id_t list_rule, pnode_t *const **items) {
    const pnode_t *pn = *slot;
    if (pn == NULL) {
        *items = NULL;
        return 0;
    }
    if (pn_is_rule(pn, list_rule)) {
        *items = pn->u.kids;
        return pn->n_kids;
    }
    *items = slot;
    return 1;
}

static bool cobj_is_true(const cobj_t *o) {
    switch (o->kind) {
        case COBJ_NONE:
        case COBJ_FALSE:
            return false;
        case COBJ_SMALL_INT:
            return o->u.small_int != 0;
        case COBJ_FLOAT:
            return o->u.f != 0.0;
        case COBJ_COMPLEX:
            return o->u.complex.real != 0.0 || o->u.complex.imag != 0.0;
        case COBJ_STR:
        case COBJ_BYTES:
            return o->u.str.len != 0;
        case COBJ_TUPLE:
            return o->u.tuple.n != 0;
        default:
            return true;  // True, Ellipsis, big ints (never zero)
    }
}

// Returns whether pn is a constant the official compiler folds in
// conditions, and its truth in *truth.
static bool pn_const_truth(const pnode_t *pn, bool *truth) {
    if (pn == NULL) {
        return false;
    }
    switch (pn->kind) {
        case PN_SMALL_INT:
            *truth = pn->u.small_int != 0;
            return true;
        case PN_STRING:
        case PN_BYTES:
            *truth = pn->u.qst != QSTR_empty;
            return true;
        case PN_CONST:
            *truth = cobj_is_true(pn->u.obj);
            return true;
        case PN_TOKEN:
            if (pn->u.tok == TOKEN_KW_NONE || pn->u.tok == TOKEN_KW_FALSE) {
                *truth = false;
                return true;
            }
            if (pn->u.tok == TOKEN_KW_TRUE || pn->u.tok == TOKEN_ELLIPSIS) {
                *truth = true;
                return true;
            }
            return false;
        case PN_RULE:
            // () is an empty tuple: constant and false.
            if (pn->rule == RULE_atom_paren && kid(pn, 0) == NULL) {
                *truth = false;
                return true;
            }
            return false;
        default:
            return false;
    }
}

bool pn_is_const_false(const pnode_t *pn) {
    bool truth;
    return pn_const_truth(pn, &truth) && !truth;
}

bool pn_is_const_true(const pnode_t *pn) {
    bool truth;
    return pn_const_truth(pn, &truth) && truth;
}

// ---------------------------------------------------------------------------
// Labels, errors, scopes.

label_t compile_new_label(compiler_t *c) {
    return c->next_label++;
}

void compile_reserve_native_labels(compiler_t *c, unsigned n) {
    if (c->scope_cur->emit_options != EMIT_OPT_BYTECODE) {
        c->next_label += n;
    }
}

static void note_error_line(compiler_t *c, const pnode_t *pn) {
    if (c->error_line == 0 && pn_has_line(pn)) {
        c->error_line = pn->line;
    }
}

void compile_error_kind(compiler_t *c, const pnode_t *pn, diag_kind_t kind, const char *msg) {
    if (c->has_error) {
        return;
    }
    c->has_error = true;
    c->error_kind = kind;
    c->error_msg = msg;
    note_error_line(c, pn);
}

void compile_error(compiler_t *c, const pnode_t *pn, const char *msg) {
    compile_error_kind(c, pn, DIAG_SYNTAX_ERROR, msg);
}

static bool compile_failed(const compiler_t *c) {
    return c->has_error || diag_failed(c->diag);
}

scope_t *compile_new_scope(compiler_t *c, scope_kind_t kind, const pnode_t *pn, emit_option_t emit_options) {
    qstr_t name;
    switch (kind) {
        case SCOPE_MODULE:
            name = QSTR__lt_module_gt_;
            break;
        case SCOPE_LAMBDA:
            name = c->names.lambda;
            break;
        case SCOPE_LIST_COMP:
            name = c->names.listcomp;
            break;
        case SCOPE_DICT_COMP:
            name = c->names.dictcomp;
            break;
        case SCOPE_SET_COMP:
            name = c->names.setcomp;
            break;
        case SCOPE_GEN_EXPR:
            name = c->names.genexpr;
            break;
        default:
            name = kid(pn, 0)->u.qst;  // def/class NAME
            break;
    }
    scope_t *s = scope_new(c->arena, kind, pn, QSTR_NULL, name, emit_options);
    if (s == NULL) {
        compile_error_kind(c, pn, DIAG_MEMORY_ERROR, "memory allocation failed");
        return NULL;
    }
    s->parent = c->scope_cur;
    if (c->scope_tail == NULL) {
        c->scope_head = s;
    } else {
        c->scope_tail->next = s;
    }
    c->scope_tail = s;
    return s;
}

// The scope map: parse node -> scope, filled in the scope pass.
static size_t scope_slot(const compiler_t *c, const pnode_t *pn) {
    uintptr_t h = (uintptr_t)pn;
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15u;
    size_t i = (size_t)(h >> 7) & (c->scope_map_cap - 1);
    while (c->scope_keys[i] != NULL && c->scope_keys[i] != pn) {
        i = (i + 1) & (c->scope_map_cap - 1);
    }
    return i;
}

static bool grow_scope_map(compiler_t *c) {
    size_t old_cap = c->scope_map_cap;
    const pnode_t **old_keys = c->scope_keys;
    scope_t **old_vals = c->scope_vals;
    size_t cap = old_cap == 0 ? 64 : old_cap * 2;
    c->scope_keys = arena_alloc(c->arena, cap * sizeof(*c->scope_keys));
    c->scope_vals = arena_alloc(c->arena, cap * sizeof(*c->scope_vals));
    if (c->scope_keys == NULL || c->scope_vals == NULL) {
        return false;
    }
    c->scope_map_cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old_keys[i] != NULL) {
            size_t j = scope_slot(c, old_keys[i]);
            c->scope_keys[j] = old_keys[i];
            c->scope_vals[j] = old_vals[i];
        }
    }
    return true;
}

bool compile_bind_scope(compiler_t *c, const pnode_t *pn, scope_t *s) {
    if ((c->scope_map_len + 1) * 2 > c->scope_map_cap && !grow_scope_map(c)) {
        compile_error_kind(c, pn, DIAG_MEMORY_ERROR, "memory allocation failed");
        return false;
    }
    size_t i = scope_slot(c, pn);
    if (c->scope_keys[i] == NULL) {
        c->scope_map_len += 1;
    }
    c->scope_keys[i] = pn;
    c->scope_vals[i] = s;
    return true;
}

scope_t *compile_scope_of(compiler_t *c, const pnode_t *pn) {
    if (c->scope_map_cap == 0) {
        return NULL;
    }
    return c->scope_vals[scope_slot(c, pn)];
}

void compile_increase_except_level(compiler_t *c, label_t l, emit_block_kind_t kind) {
    EMIT(c, setup_block, l, kind);
    c->cur_except_level += 1;
    if (c->cur_except_level > c->scope_cur->exc_stack_size) {
        c->scope_cur->exc_stack_size = c->cur_except_level;
    }
}

void compile_decrease_except_level(compiler_t *c) {
    c->cur_except_level -= 1;
    EMIT(c, end_finally);
    compile_reserve_native_labels(c, 1);
}

// ---------------------------------------------------------------------------
// Names. In the scope pass a use or binding records the name in the
// scope's table; in later passes the table says which operation to emit.

id_info_t *compile_id_for_modification(compiler_t *c, scope_t *s, qstr_t qst) {
    id_info_t *id = scope_find_or_add_id(s, c->arena, qst, ID_KIND_GLOBAL_IMPLICIT, NULL);
    if (id == NULL) {
        compile_error_kind(c, NULL, DIAG_MEMORY_ERROR, "memory allocation failed");
        return NULL;
    }
    if (id->kind == ID_KIND_GLOBAL_IMPLICIT) {
        id->kind = scope_kind_is_func_like(s->kind) ? ID_KIND_LOCAL : ID_KIND_GLOBAL_IMPLICIT_ASSIGNED;
    }
    return id;
}

static void emit_id_op(compiler_t *c, qstr_t qst, emit_access_kind_t access) {
    const id_info_t *id = scope_find(c->scope_cur, qst);
    if (id == NULL) {
        return;  // only after an error in the scope pass
    }
    bool is_global = id->kind == ID_KIND_GLOBAL_IMPLICIT || id->kind == ID_KIND_GLOBAL_IMPLICIT_ASSIGNED
        || id->kind == ID_KIND_GLOBAL_EXPLICIT;
    if (is_global) {
        emit_global_kind_t g = id->kind == ID_KIND_GLOBAL_EXPLICIT ? EMIT_GLOBAL_GLOBAL : EMIT_GLOBAL_NAME;
        if (access == EMIT_LOAD) {
            EMIT(c, load_global, qst, g);
        } else if (access == EMIT_STORE) {
            EMIT(c, store_global, qst, g);
        } else {
            EMIT(c, delete_global, qst, g);
        }
        return;
    }
    emit_local_kind_t l = id->kind == ID_KIND_LOCAL ? EMIT_LOCAL_FAST : EMIT_LOCAL_DEREF;
    if (access == EMIT_LOAD) {
        EMIT(c, load_local, qst, id->local_num, l);
    } else if (access == EMIT_STORE) {
        EMIT(c, store_local, qst, id->local_num, l);
    } else {
        EMIT(c, delete_local, qst, id->local_num, l);
    }
}

void compile_load_id(compiler_t *c, qstr_t qst) {
    if (c->pass == EMIT_PASS_SCOPE) {
        if (scope_find_or_add_id(c->scope_cur, c->arena, qst, ID_KIND_GLOBAL_IMPLICIT, NULL) == NULL) {
            compile_error_kind(c, NULL, DIAG_MEMORY_ERROR, "memory allocation failed");
        }
        return;
    }
    emit_id_op(c, qst, EMIT_LOAD);
}

void compile_store_id(compiler_t *c, qstr_t qst) {
    if (c->pass == EMIT_PASS_SCOPE) {
        compile_id_for_modification(c, c->scope_cur, qst);
        return;
    }
    emit_id_op(c, qst, EMIT_STORE);
}

void compile_delete_id(compiler_t *c, qstr_t qst) {
    if (c->pass == EMIT_PASS_SCOPE) {
        compile_id_for_modification(c, c->scope_cur, qst);
        return;
    }
    emit_id_op(c, qst, EMIT_DELETE);
}

// ---------------------------------------------------------------------------
// Dispatch.

void compile_generic_all_nodes(compiler_t *c, const pnode_t *pn) {
    for (size_t i = 0; i < pn->n_kids; i++) {
        compile_node(c, kid(pn, i));
        if (c->has_error) {
            // The innermost statement with a line gives the error its line.
            note_error_line(c, kid(pn, i));
            return;
        }
    }
}

void compile_generic_tuple(compiler_t *c, const pnode_t *pn) {
    for (size_t i = 0; i < pn->n_kids; i++) {
        compile_node(c, kid(pn, i));
    }
    EMIT(c, build, (unsigned)pn->n_kids, EMIT_BUILD_TUPLE);
}

static void compile_token(compiler_t *c, token_kind_t tok) {
    switch (tok) {
        case TOKEN_KW_NONE:
            EMIT(c, load_const_tok, EMIT_CONST_NONE);
            break;
        case TOKEN_KW_FALSE:
            EMIT(c, load_const_tok, EMIT_CONST_FALSE);
            break;
        case TOKEN_KW_TRUE:
            EMIT(c, load_const_tok, EMIT_CONST_TRUE);
            break;
        case TOKEN_ELLIPSIS:
            EMIT(c, load_const_tok, EMIT_CONST_ELLIPSIS);
            break;
        default:
            break;  // NEWLINE: a blank statement
    }
}

static void compile_bytes_leaf(compiler_t *c, qstr_t qst) {
    cobj_t *o = arena_alloc(c->arena, sizeof(*o));
    if (o == NULL) {
        compile_error_kind(c, NULL, DIAG_MEMORY_ERROR, "memory allocation failed");
        return;
    }
    o->kind = COBJ_BYTES;
    o->u.str.data = (const uint8_t *)qstr_str(c->pool, qst);
    o->u.str.len = qstr_len(c->pool, qst);
    EMIT(c, load_const_obj, o);
}

static void compile_rule(compiler_t *c, const pnode_t *pn) {
    EMIT(c, set_source_line, pn->line);
    compile_rule_fn_t f = pn->rule < RULE_count ? rule_compilers[pn->rule] : NULL;
    if (f == NULL) {
        compile_error(c, pn, "invalid syntax");
        return;
    }
    f(c, pn);
}

// Enters one level of nesting; false (with an error) when too deep.
static bool enter_level(compiler_t *c, const pnode_t *pn) {
    if (c->depth >= MAX_DEPTH) {
        compile_error_kind(c, pn, DIAG_RUNTIME_ERROR, "maximum recursion depth exceeded");
        return false;
    }
    c->depth += 1;
    return true;
}

static void compile_node_at_level(compiler_t *c, const pnode_t *pn);

void compile_node(compiler_t *c, const pnode_t *pn) {
    if (pn == NULL || c->has_error || !enter_level(c, pn)) {
        return;
    }
    compile_node_at_level(c, pn);
    c->depth -= 1;
}

static void compile_node_at_level(compiler_t *c, const pnode_t *pn) {
    switch (pn->kind) {
        case PN_SMALL_INT:
            EMIT(c, load_const_small_int, pn->u.small_int);
            break;
        case PN_ID:
            compile_load_id(c, pn->u.qst);
            break;
        case PN_STRING:
            EMIT(c, load_const_str, pn->u.qst);
            break;
        case PN_BYTES:
            compile_bytes_leaf(c, pn->u.qst);
            break;
        case PN_TOKEN:
            compile_token(c, pn->u.tok);
            break;
        case PN_CONST:
            // A constant object is a rule node in the official parse tree,
            // so it sets the source line like any rule.
            EMIT(c, set_source_line, pn->line);
            EMIT(c, load_const_obj, pn->u.obj);
            break;
        default:
            compile_rule(c, pn);
            break;
    }
}

// ---------------------------------------------------------------------------
// Conditions.

static void compile_cond_list(compiler_t *c, const pnode_t *pn, bool jump_if, label_t label, bool is_or) {
    size_t n = pn->n_kids;
    // "a or b" jumps on the first true item; "a and b" on the first false.
    if (jump_if == is_or) {
        for (size_t i = 0; i < n; i++) {
            compile_if_cond(c, kid(pn, i), jump_if, label);
        }
        return;
    }
    label_t skip = compile_new_label(c);
    for (size_t i = 0; i + 1 < n; i++) {
        compile_if_cond(c, kid(pn, i), !jump_if, skip);
    }
    compile_if_cond(c, kid(pn, n - 1), jump_if, label);
    EMIT(c, label_assign, skip);
}

static void compile_if_cond_at_level(compiler_t *c, const pnode_t *pn, bool jump_if, label_t label);

void compile_if_cond(compiler_t *c, const pnode_t *pn, bool jump_if, label_t label) {
    if (!enter_level(c, pn)) {
        return;
    }
    compile_if_cond_at_level(c, pn, jump_if, label);
    c->depth -= 1;
}

static void compile_if_cond_at_level(compiler_t *c, const pnode_t *pn, bool jump_if, label_t label) {
    bool truth;
    if (pn_const_truth(pn, &truth)) {
        if (truth == jump_if) {
            EMIT(c, jump, label);
        }
        return;
    }
    if (pn_is_rule(pn, RULE_or_test) || pn_is_rule(pn, RULE_and_test)) {
        compile_cond_list(c, pn, jump_if, label, pn->rule == RULE_or_test);
        return;
    }
    if (pn_is_rule(pn, RULE_not_test_2)) {
        compile_if_cond(c, kid(pn, 0), !jump_if, label);
        return;
    }
    compile_node(c, pn);
    EMIT(c, pop_jump_if, jump_if, label);
}

// ---------------------------------------------------------------------------
// Passes.

enum {
    MAX_EMIT_PASSES = 64,  // the code only shrinks, so this is never reached
};

// One walk over scope s. Returns what the emitter's end_pass says (false:
// run the emit pass again).
static bool compile_scope_pass(compiler_t *c, scope_t *s, emit_pass_t pass) {
    c->pass = pass;
    c->scope_cur = s;
    c->next_label = 0;
    EMIT(c, start_pass, pass, s);
    compile_reserve_native_labels(c, 6);
    if (pass == EMIT_PASS_SCOPE) {
        s->stack_size = 0;
        s->exc_stack_size = 0;
    }
    compile_scope_body(c, s);
    return EMIT(c, end_pass);
}

// The scope pass over every scope (inner scopes are appended to the list
// as their parents are walked), then the free-variable analysis.
static size_t run_scope_passes(compiler_t *c) {
    size_t max_labels = 0;
    for (scope_t *s = c->scope_head; s != NULL && !compile_failed(c); s = s->next) {
        if (s->emit_options == EMIT_OPT_ASM) {
            compile_asm_scope_pass(c, s, EMIT_PASS_SCOPE);
            max_labels = c->next_label > max_labels ? c->next_label : max_labels;
            continue;
        }
        compile_scope_pass(c, s, EMIT_PASS_SCOPE);
        for (size_t i = 0; i < s->id_info_len; i++) {
            if (s->id_info[i].kind == ID_KIND_GLOBAL_IMPLICIT) {
                scope_check_to_close_over(s, c->arena, &s->id_info[i]);
            }
        }
        if (c->next_label > max_labels) {
            max_labels = c->next_label;
        }
    }
    for (scope_t *s = c->scope_head; s != NULL && !compile_failed(c); s = s->next) {
        scope_compute_things(s, c->pool);
    }
    return max_labels;
}

// Bytecode scopes go to the bytecode emitter, native and viper ones to the
// native emitter.
static void select_emitter(compiler_t *c, const scope_t *s) {
    bool is_native = s->emit_options == EMIT_OPT_NATIVE_PYTHON || s->emit_options == EMIT_OPT_VIPER;
    if (is_native && c->native_ops != NULL) {
        c->ops = c->native_ops;
        c->emit = c->native_emit;
        c->has_native = true;
    } else {
        c->ops = c->bc_ops;
        c->emit = c->bc_emit;
    }
}

// Inline assembler: sizes, then the code. Xtensa sizes twice (the second
// pass knows the size of the literal pool at the start), as the official
// tool does; it runs even after an error, which then gets the line of the
// def, as the official tool reports it.
static void run_asm_passes(compiler_t *c, scope_t *s) {
    c->has_native = true;
    compile_asm_scope_pass(c, s, EMIT_PASS_CODE_SIZE);
    if (c->opts->arch == MPY_ARCH_XTENSA || c->opts->arch == MPY_ARCH_XTENSAWIN) {
        compile_asm_scope_pass(c, s, EMIT_PASS_CODE_SIZE);
    }
    if (!compile_failed(c)) {
        compile_asm_scope_pass(c, s, EMIT_PASS_EMIT);
    }
}

static void run_emit_passes(compiler_t *c) {
    for (scope_t *s = c->scope_head; s != NULL && !compile_failed(c); s = s->next) {
        if (s->emit_options == EMIT_OPT_ASM) {
            run_asm_passes(c, s);
            continue;
        }
        select_emitter(c, s);
        compile_scope_pass(c, s, EMIT_PASS_STACK_SIZE);
        if (compile_failed(c)) {
            break;
        }
        compile_scope_pass(c, s, EMIT_PASS_CODE_SIZE);
        for (int i = 0; i < MAX_EMIT_PASSES && !compile_failed(c); i++) {
            if (compile_scope_pass(c, s, EMIT_PASS_EMIT)) {
                break;
            }
        }
    }
}

// Moves the walk's error into the diagnostic, with the line of the
// enclosing scope when nothing closer was known.
static void report_error(compiler_t *c) {
    if (!c->has_error || diag_failed(c->diag)) {
        return;
    }
    if (c->scope_cur != NULL) {
        note_error_line(c, c->scope_cur->pn);
    }
    diag_error(c->diag, c->error_kind, (int)c->error_line, "%s", c->error_msg);
    if (c->scope_cur != NULL) {
        const char *name = qstr_str(c->pool, c->scope_cur->simple_name);
        snprintf(c->diag->scope, sizeof(c->diag->scope), "%s", name);
    }
}

bool compile_run(compiler_t *c, const pnode_t *root, scope_t **module) {
    if (c->bc_ops == NULL) {
        c->bc_ops = c->ops;
        c->bc_emit = c->emit;
    }
    c->ops = c->bc_ops;
    c->emit = c->bc_emit;
    c->break_label = NO_LABEL;
    c->continue_label = NO_LABEL;
    emit_option_t opts = c->opts->default_emit == COMPILE_EMIT_BYTECODE ? EMIT_OPT_BYTECODE
        : c->opts->default_emit == COMPILE_EMIT_VIPER                    ? EMIT_OPT_VIPER
                                                                         : EMIT_OPT_NATIVE_PYTHON;
    *module = compile_new_scope(c, SCOPE_MODULE, root, opts);
    if (*module != NULL) {
        c->scope_cur = *module;
        if (opts != EMIT_OPT_BYTECODE && c->native_ops == NULL) {
            compile_error_kind(c, root, DIAG_NOT_IMPLEMENTED, "native code generation is not supported yet");
        }
        size_t max_labels = run_scope_passes(c);
        if (c->set_max_num_labels != NULL) {
            c->set_max_num_labels(c->bc_emit, max_labels);
        }
        if (c->set_native_max_num_labels != NULL && c->native_emit != NULL) {
            c->set_native_max_num_labels(c->native_emit, max_labels);
        }
        run_emit_passes(c);
    }
    report_error(c);
    return !compile_failed(c);
}
