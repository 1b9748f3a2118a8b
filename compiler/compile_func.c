// compiler/compile_func.c: everything that makes a new scope: def, async
// def, lambda, class, decorators (including the @micropython ones that pick
// an emitter), comprehensions and generator expressions; then the bodies
// of those scopes: parameters, the implicit class setup, the comprehension
// loop. The function objects are made by MAKE_FUNCTION/MAKE_CLOSURE with
// the defaults and closed-over cells the parent pushes.
#include "compile_internal.h"

#include <string.h>

void compile_emit_yield(compiler_t *c, emit_yield_kind_t kind) {
    c->scope_cur->scope_flags |= MPY_SCOPE_FLAG_GENERATOR;
    EMIT(c, yield, kind);
    compile_reserve_native_labels(c, kind == EMIT_YIELD_FROM ? 3 : 1);
}

// ---------------------------------------------------------------------------
// Making function objects.

// Pushes the cells the new scope closes over and makes the function.
static void make_function(compiler_t *c, scope_t *fs, unsigned n_pos_defaults, unsigned n_kw_defaults) {
    if (n_kw_defaults > 0) {
        fs->scope_flags |= MPY_SCOPE_FLAG_DEFKWARGS;
    }
    fs->num_def_pos_args = (uint16_t)n_pos_defaults;
    // The official compiler (built with native emitters) marks the parent
    // whenever it makes a function.
    c->scope_cur->scope_flags |= MPY_SCOPE_FLAG_REFGLOBALS | MPY_SCOPE_FLAG_HASCONSTS;
    unsigned n_free = 0;
    scope_t *cur = c->scope_cur;
    if (cur->kind != SCOPE_MODULE) {
        for (size_t i = 0; i < cur->id_info_len; i++) {
            const id_info_t *id = &cur->id_info[i];
            if (id->kind != ID_KIND_CELL && id->kind != ID_KIND_FREE) {
                continue;
            }
            for (size_t j = 0; j < fs->id_info_len; j++) {
                const id_info_t *inner = &fs->id_info[j];
                if (inner->kind == ID_KIND_FREE && inner->qst == id->qst) {
                    EMIT(c, load_local, id->qst, id->local_num, EMIT_LOCAL_FAST);
                    n_free += 1;
                }
            }
        }
    }
    if (n_free == 0) {
        EMIT(c, make_function, fs, n_pos_defaults, n_kw_defaults);
    } else {
        EMIT(c, make_closure, fs, n_free, n_pos_defaults, n_kw_defaults);
    }
}

// Where a parameter's name and default value are in its node.
typedef struct param_parts {
    const pnode_t *name;
    const pnode_t *def;
} param_parts_t;

// Evaluates one parameter's default, if any. Positional defaults are left
// on the stack; keyword-only ones go into a dict (made on the first one,
// after the positional defaults are packed into a tuple).
static void compile_param_default(compiler_t *c, const pnode_t *pn) {
    if (pn_is_rule(pn, RULE_typedargslist_star) || pn_is_rule(pn, RULE_varargslist_star)) {
        c->have_star = true;
        return;
    }
    if (pn_is_rule(pn, RULE_typedargslist_dbl_star) || pn_is_rule(pn, RULE_varargslist_dbl_star)) {
        return;
    }
    param_parts_t p = {pn, NULL};
    if (pn_is_rule(pn, RULE_typedargslist_name)) {
        p = (param_parts_t){kid(pn, 0), kid(pn, 2)};
    } else if (pn_is_rule(pn, RULE_varargslist_name)) {
        p = (param_parts_t){kid(pn, 0), kid(pn, 1)};
    }
    if (p.def == NULL) {
        if (!c->have_star && c->num_default_params != 0) {
            compile_error(c, pn, "non-default argument follows default argument");
        }
        return;
    }
    if (!c->have_star) {
        c->num_default_params += 1;
        compile_node(c, p.def);
        return;
    }
    c->num_dict_params += 1;
    if (c->num_dict_params == 1) {
        if (c->num_default_params > 0) {
            EMIT(c, build, c->num_default_params, EMIT_BUILD_TUPLE);
        } else {
            EMIT(c, load_null);
        }
        EMIT(c, build, 0, EMIT_BUILD_MAP);
    }
    compile_node(c, p.def);
    EMIT(c, load_const_str, p.name->u.qst);
    EMIT(c, store_map);
}

// Defaults of a def or lambda, then the function object.
static void compile_function_object(compiler_t *c, scope_t *fs, pnode_t *const *params, rule_id_t list_rule) {
    bool saved_have_star = c->have_star;
    uint16_t saved_dict = c->num_dict_params;
    uint16_t saved_default = c->num_default_params;
    c->have_star = false;
    c->num_dict_params = 0;
    c->num_default_params = 0;

    pnode_t *const *items;
    size_t n = pn_items(params, list_rule, &items);
    for (size_t i = 0; i < n; i++) {
        compile_param_default(c, items[i]);
    }
    if (c->has_error) {
        return;
    }
    if (c->num_default_params > 0 && c->num_dict_params == 0) {
        EMIT(c, build, c->num_default_params, EMIT_BUILD_TUPLE);
        EMIT(c, load_null);
    }
    make_function(c, fs, c->num_default_params, c->num_dict_params);

    c->have_star = saved_have_star;
    c->num_dict_params = saved_dict;
    c->num_default_params = saved_default;
}

// In the scope pass, makes the scope for a def/class/lambda/comprehension
// node; in every pass returns it.
static scope_t *scope_for_node(compiler_t *c, scope_kind_t kind, const pnode_t *pn, emit_option_t opts) {
    if (c->pass == EMIT_PASS_SCOPE) {
        scope_t *s = compile_new_scope(c, kind, pn, opts);
        if (s == NULL || !compile_bind_scope(c, pn, s)) {
            return NULL;
        }
        return s;
    }
    return compile_scope_of(c, pn);
}

scope_t *compile_def(compiler_t *c, const pnode_t *funcdef, emit_option_t emit_options) {
    scope_t *fs = scope_for_node(c, SCOPE_FUNCTION, funcdef, emit_options);
    if (fs == NULL) {
        return NULL;
    }
    compile_function_object(c, fs, &funcdef->u.kids[1], RULE_typedargslist);
    return fs;
}

void compile_funcdef(compiler_t *c, const pnode_t *pn) {
    scope_t *fs = compile_def(c, pn, c->scope_cur->emit_options);
    if (fs != NULL) {
        compile_store_id(c, fs->simple_name);
    }
}

void compile_lambdef(compiler_t *c, const pnode_t *pn) {
    scope_t *ls = scope_for_node(c, SCOPE_LAMBDA, pn, c->scope_cur->emit_options);
    if (ls != NULL) {
        compile_function_object(c, ls, &pn->u.kids[0], RULE_varargslist);
    }
}

// __build_class__(function, name, *bases, **keywords).
static scope_t *compile_class_object(compiler_t *c, const pnode_t *pn, emit_option_t emit_options) {
    scope_t *cs = scope_for_node(c, SCOPE_CLASS, pn, emit_options);
    if (cs == NULL) {
        return NULL;
    }
    EMIT(c, load_build_class);
    make_function(c, cs, 0, 0);
    EMIT(c, load_const_str, cs->simple_name);
    pnode_t *bases = kid(pn, 1);
    if (pn_is_rule(bases, RULE_classdef_2)) {
        bases = NULL;  // class A(): no bases
    }
    compile_call_args(c, bases, false, 2);
    return cs;
}

void compile_classdef(compiler_t *c, const pnode_t *pn) {
    scope_t *cs = compile_class_object(c, pn, c->scope_cur->emit_options);
    if (cs != NULL) {
        compile_store_id(c, cs->simple_name);
    }
}

// ---------------------------------------------------------------------------
// Decorators.

// Checks that the target can emit a @micropython.native/viper/asm
// function; names the decorator node in the error.
static void check_emitter_available(compiler_t *c, const pnode_t *name, emit_option_t opt) {
    if (opt != EMIT_OPT_NATIVE_PYTHON && opt != EMIT_OPT_VIPER && opt != EMIT_OPT_ASM) {
        return;
    }
    if (c->opts->arch == MPY_ARCH_NONE) {
        compile_error(c, name, "invalid arch");
        return;
    }
    bool can_emit = opt == EMIT_OPT_ASM ? c->asm_ops != NULL : c->native_ops != NULL;
    if (can_emit) {
        return;
    }
    // The official tool has an ARM-mode native emitter for armv6, which we
    // lack; for every other gap (no inline assembler for x86/x64, no native
    // emitter for rv64imc) it has none either and says "invalid arch".
    if (opt != EMIT_OPT_ASM && c->opts->arch == MPY_ARCH_ARMV6) {
        compile_error_kind(c, name, DIAG_NOT_IMPLEMENTED, "native code generation for armv6 is not supported");
    } else {
        compile_error(c, name, "invalid arch");
    }
}

static emit_option_t micropython_decorator_option(compiler_t *c, qstr_t attr) {
    if (attr == QSTR_bytecode) {
        return EMIT_OPT_BYTECODE;
    }
    if (attr == c->names.native) {
        return EMIT_OPT_NATIVE_PYTHON;
    }
    if (attr == c->names.viper) {
        return EMIT_OPT_VIPER;
    }
    if (attr == c->names.asm_thumb || attr == c->names.asm_xtensa || attr == c->names.asm_rv32) {
        return EMIT_OPT_ASM;
    }
    return EMIT_OPT_NONE;
}

// @micropython.X picks how the function is emitted instead of calling a
// decorator. Returns false for ordinary decorators.
static bool apply_builtin_decorator(compiler_t *c, size_t n, pnode_t *const *names, emit_option_t *opts) {
    if (names[0]->u.qst != QSTR_micropython) {
        return false;
    }
    if (n != 2) {
        compile_error(c, names[0], "invalid micropython decorator");
        return true;
    }
    emit_option_t opt = micropython_decorator_option(c, names[1]->u.qst);
    if (opt == EMIT_OPT_NONE) {
        compile_error(c, names[1], "invalid micropython decorator");
        return true;
    }
    *opts = opt;
    check_emitter_available(c, names[1], opt);
    return true;
}

// Loads an ordinary decorator: a dotted name, maybe called.
static void compile_decorator_value(compiler_t *c, const pnode_t *dec, size_t n, pnode_t *const *names) {
    compile_node(c, names[0]);
    for (size_t j = 1; j < n; j++) {
        EMIT(c, attr, names[j]->u.qst, EMIT_LOAD);
    }
    if (kid(dec, 1) != NULL) {
        compile_node(c, kid(dec, 1));
    }
}

static scope_t *compile_decorated_body(compiler_t *c, const pnode_t *body, emit_option_t opts) {
    if (pn_is_rule(body, RULE_funcdef)) {
        return compile_def(c, body, opts);
    }
    if (pn_is_rule(body, RULE_async_funcdef)) {
        scope_t *fs = compile_def(c, kid(body, 0), opts);
        if (fs != NULL) {
            fs->scope_flags |= MPY_SCOPE_FLAG_GENERATOR;
        }
        return fs;
    }
    return compile_class_object(c, body, opts);
}

void compile_decorated(compiler_t *c, const pnode_t *pn) {
    pnode_t *const *decs;
    size_t n_dec = pn_items(&pn->u.kids[0], RULE_decorators, &decs);
    emit_option_t opts = c->scope_cur->emit_options;
    size_t n_builtin = 0;
    for (size_t i = 0; i < n_dec; i++) {
        pnode_t *const *names;
        size_t n_names = pn_items(&decs[i]->u.kids[0], RULE_dotted_name, &names);
        if (apply_builtin_decorator(c, n_names, names, &opts)) {
            n_builtin += 1;
        } else {
            compile_decorator_value(c, decs[i], n_names, names);
        }
    }
    scope_t *s = compile_decorated_body(c, kid(pn, 1), opts);
    for (size_t i = 0; i < n_dec - n_builtin; i++) {
        EMIT(c, call_function, 1, 0, 0);
    }
    if (s != NULL) {
        compile_store_id(c, s->simple_name);
    }
}

// ---------------------------------------------------------------------------
// Comprehensions: a function of one argument (the outermost iterator),
// called at once.

void compile_comprehension(compiler_t *c, const pnode_t *pn, scope_kind_t kind) {
    scope_t *cs = scope_for_node(c, kind, pn, c->scope_cur->emit_options);
    if (cs == NULL) {
        return;
    }
    make_function(c, cs, 0, 0);
    compile_node(c, kid(kid(pn, 1), 1));
    if (kind == SCOPE_GEN_EXPR) {
        EMIT(c, get_iter, false);
    }
    EMIT(c, call_function, 1, 0, 0);
}

// ---------------------------------------------------------------------------
// Parameters, recorded in the scope pass of the function itself.

typedef struct param_rules {
    rule_id_t name;
    rule_id_t star;
} param_rules_t;

static void count_named_param(compiler_t *c) {
    if (c->have_star) {
        c->scope_cur->num_kwonly_args += 1;
    } else {
        c->scope_cur->num_pos_args += 1;
    }
}

// *args or a bare *: returns the name (QSTR_NULL for a bare star).
static qstr_t star_param_name(compiler_t *c, const pnode_t *pn) {
    const pnode_t *inner = kid(pn, 0);
    if (inner == NULL) {
        return QSTR_NULL;
    }
    c->scope_cur->scope_flags |= MPY_SCOPE_FLAG_VARARGS;
    return pn_is_id(inner) ? inner->u.qst : kid(inner, 0)->u.qst;  // NAME or tfpdef
}

static void declare_param(compiler_t *c, const pnode_t *pn, qstr_t name, uint8_t flags) {
    id_info_t *id = scope_find_or_add_id(c->scope_cur, c->arena, name, ID_KIND_UNDECIDED, NULL);
    if (id == NULL) {
        compile_error_kind(c, pn, DIAG_MEMORY_ERROR, "memory allocation failed");
        return;
    }
    if (id->kind != ID_KIND_UNDECIDED) {
        compile_error(c, pn, "argument name reused");
        return;
    }
    id->kind = ID_KIND_LOCAL;
    id->flags = flags;
}

// Viper types of annotations, as MicroPython numbers them.
static const char *const viper_type_names[] = {"object", "bool", "int", "uint", "ptr", "ptr8", "ptr16", "ptr32"};

// The viper type an annotation names (object when there is none).
static unsigned viper_type_of(compiler_t *c, const pnode_t *ann) {
    if (ann == NULL) {
        return 0;
    }
    if (!pn_is_id(ann)) {
        compile_error(c, ann, "annotation must be an identifier");
        return 0;
    }
    const char *name = qstr_str(c->pool, ann->u.qst);
    for (unsigned i = 0; i < sizeof(viper_type_names) / sizeof(viper_type_names[0]); i++) {
        if (strcmp(name, viper_type_names[i]) == 0) {
            return i;
        }
    }
    // TODO: the official message is "ViperTypeError: unknown type 'NAME'";
    // diag_kind_t has no ViperTypeError yet.
    compile_error(c, ann, "unknown type");
    return 0;
}

// A parameter: its name, flags and node (NULL for a bare name, else the
// node whose second item is the annotation).
typedef struct param_info {
    qstr_t name;
    uint8_t flags;
    const pnode_t *annotated;
} param_info_t;

// Fills *p for one parameter; returns false after an error.
static bool classify_param(compiler_t *c, const pnode_t *pn, const param_rules_t *rules, param_info_t *p) {
    *p = (param_info_t){QSTR_NULL, ID_FLAG_IS_PARAM, NULL};
    if (pn_is_id(pn)) {
        p->name = pn->u.qst;
        count_named_param(c);
    } else if (pn_is_rule(pn, rules->name)) {
        p->name = kid(pn, 0)->u.qst;
        p->annotated = pn;
        count_named_param(c);
    } else if (pn_is_rule(pn, rules->star)) {
        if (c->have_star) {
            compile_error(c, pn, "invalid syntax");
            return false;
        }
        c->have_star = true;
        p->flags |= ID_FLAG_IS_STAR_PARAM;
        p->name = star_param_name(c, pn);
        const pnode_t *inner = kid(pn, 0);
        p->annotated = inner != NULL && !pn_is_id(inner) ? inner : NULL;  // *args: T
    } else {
        p->name = kid(pn, 0)->u.qst;
        p->flags |= ID_FLAG_IS_DBL_STAR_PARAM;
        p->annotated = pn;
        c->scope_cur->scope_flags |= MPY_SCOPE_FLAG_VARKEYWORDS;
    }
    return true;
}

static void compile_param(compiler_t *c, const pnode_t *pn, const param_rules_t *rules) {
    if (c->scope_cur->scope_flags & MPY_SCOPE_FLAG_VARKEYWORDS) {
        compile_error(c, pn, "invalid syntax");  // anything after **kwargs
        return;
    }
    param_info_t p;
    if (!classify_param(c, pn, rules, &p) || p.name == QSTR_NULL) {
        return;
    }
    declare_param(c, pn, p.name, p.flags);
    bool is_typed = c->scope_cur->emit_options == EMIT_OPT_VIPER && rules->name == RULE_typedargslist_name;
    if (is_typed && p.annotated != NULL && !c->has_error) {
        id_info_t *id = scope_find(c->scope_cur, p.name);
        id->flags |= (uint8_t)(viper_type_of(c, kid(p.annotated, 1)) << ID_FLAG_VIPER_TYPE_POS);
    }
}

static void compile_params(compiler_t *c, pnode_t *const *params, rule_id_t list_rule, const param_rules_t *rules) {
    c->have_star = false;
    pnode_t *const *items;
    size_t n = pn_items(params, list_rule, &items);
    for (size_t i = 0; i < n && !c->has_error; i++) {
        compile_param(c, items[i], rules);
    }
}

// ---------------------------------------------------------------------------
// Scope bodies.

static void compile_function_body(compiler_t *c, scope_t *s) {
    const pnode_t *pn = s->pn;
    if (c->pass == EMIT_PASS_SCOPE) {
        static const param_rules_t rules = {RULE_typedargslist_name, RULE_typedargslist_star};
        compile_params(c, &pn->u.kids[1], RULE_typedargslist, &rules);
        if (s->emit_options == EMIT_OPT_VIPER) {
            s->scope_flags |= (uint16_t)(viper_type_of(c, kid(pn, 2)) << MPY_SCOPE_FLAG_VIPERRET_POS);
        }
    }
    compile_node(c, kid(pn, 3));
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, return_value);
}

static void compile_lambda_body(compiler_t *c, scope_t *s) {
    const pnode_t *pn = s->pn;
    EMIT(c, set_source_line, pn->line);
    if (c->pass == EMIT_PASS_SCOPE) {
        static const param_rules_t rules = {RULE_varargslist_name, RULE_varargslist_star};
        compile_params(c, &pn->u.kids[0], RULE_varargslist, &rules);
    }
    compile_node(c, kid(pn, 1));
    if (s->scope_flags & MPY_SCOPE_FLAG_GENERATOR) {
        // A lambda containing yield is a generator: its value is dropped.
        EMIT(c, pop_top);
        EMIT(c, load_const_tok, EMIT_CONST_NONE);
    }
    EMIT(c, return_value);
}

// One `for` (and the `if`s and `for`s nested after it) of a
// comprehension; the innermost level adds the value to the collection,
// which sits below the iterators (4 stack slots each) on the stack.
static void compile_comp_loop(compiler_t *c, const pnode_t *comp_for, const pnode_t *value, unsigned depth) {
    label_t l_top = compile_new_label(c);
    label_t l_end = compile_new_label(c);
    EMIT(c, label_assign, l_top);
    EMIT(c, for_iter, l_end);
    compile_assign(c, kid(comp_for, 0), ASSIGN_STORE);
    const pnode_t *iter = kid(comp_for, 2);
    while (pn_is_rule(iter, RULE_comp_if)) {
        compile_if_cond(c, kid(iter, 0), false, l_top);
        iter = kid(iter, 1);
    }
    if (iter == NULL) {
        compile_node(c, value);
        if (c->scope_cur->kind == SCOPE_GEN_EXPR) {
            compile_emit_yield(c, EMIT_YIELD_VALUE);
            EMIT(c, pop_top);
        } else {
            EMIT(c, store_comp, c->scope_cur->kind, 4 * depth + 5);
        }
    } else {
        compile_node(c, kid(iter, 1));
        EMIT(c, get_iter, true);
        compile_comp_loop(c, iter, value, depth + 1);
    }
    EMIT(c, jump, l_top);
    EMIT(c, label_assign, l_end);
    EMIT(c, for_iter_end);
}

static void compile_comprehension_body(compiler_t *c, scope_t *s) {
    const pnode_t *pn = s->pn;
    if (c->pass == EMIT_PASS_SCOPE) {
        // The iterator arrives as the one argument, named "".
        if (scope_find_or_add_id(s, c->arena, QSTR_empty, ID_KIND_LOCAL, NULL) == NULL) {
            compile_error_kind(c, pn, DIAG_MEMORY_ERROR, "memory allocation failed");
            return;
        }
        s->num_pos_args = 1;
    }
    EMIT(c, set_source_line, pn->line);
    if (s->kind == SCOPE_LIST_COMP) {
        EMIT(c, build, 0, EMIT_BUILD_LIST);
    } else if (s->kind == SCOPE_DICT_COMP) {
        EMIT(c, build, 0, EMIT_BUILD_MAP);
    } else if (s->kind == SCOPE_SET_COMP) {
        EMIT(c, build, 0, EMIT_BUILD_SET);
    }
    if (s->kind == SCOPE_GEN_EXPR) {
        // A generator keeps its iterator in a 4-slot iterator buffer.
        EMIT(c, load_null);
        compile_load_id(c, QSTR_empty);
        EMIT(c, load_null);
        EMIT(c, load_null);
    } else {
        compile_load_id(c, QSTR_empty);
        EMIT(c, get_iter, true);
    }
    compile_comp_loop(c, kid(pn, 1), kid(pn, 0), 0);
    if (s->kind == SCOPE_GEN_EXPR) {
        EMIT(c, load_const_tok, EMIT_CONST_NONE);
    }
    EMIT(c, return_value);
}

// A class body sets __module__ and __qualname__ first, and returns the
// __class__ cell when a method uses super() (None otherwise).
static void compile_class_body(compiler_t *c, scope_t *s) {
    const pnode_t *pn = s->pn;
    if (c->pass == EMIT_PASS_SCOPE
        && scope_find_or_add_id(s, c->arena, QSTR___class__, ID_KIND_LOCAL, NULL) == NULL) {
        compile_error_kind(c, pn, DIAG_MEMORY_ERROR, "memory allocation failed");
        return;
    }
    compile_load_id(c, QSTR___name__);
    compile_store_id(c, QSTR___module__);
    EMIT(c, load_const_str, kid(pn, 0)->u.qst);
    compile_store_id(c, QSTR___qualname__);
    compile_node(c, kid(pn, 2));
    const id_info_t *id = scope_find(s, QSTR___class__);
    if (id == NULL || id->kind == ID_KIND_LOCAL) {
        EMIT(c, load_const_tok, EMIT_CONST_NONE);
    } else {
        EMIT(c, load_local, QSTR___class__, id->local_num, EMIT_LOCAL_FAST);
    }
    EMIT(c, return_value);
}

// A module returns None; eval input returns the value of its expression
// list (the eval_input node's first child), as MicroPython's compile_scope.
static void compile_module_body(compiler_t *c, scope_t *s) {
    if (c->opts->input == COMPILE_INPUT_EVAL) {
        compile_node(c, pn_is_rule(s->pn, RULE_eval_input) ? kid(s->pn, 0) : s->pn);
        EMIT(c, return_value);
        return;
    }
    compile_node(c, s->pn);
    EMIT(c, load_const_tok, EMIT_CONST_NONE);
    EMIT(c, return_value);
}

void compile_scope_body(compiler_t *c, scope_t *s) {
    switch (s->kind) {
        case SCOPE_MODULE:
            compile_module_body(c, s);
            break;
        case SCOPE_FUNCTION:
            compile_function_body(c, s);
            break;
        case SCOPE_LAMBDA:
            compile_lambda_body(c, s);
            break;
        case SCOPE_CLASS:
            compile_class_body(c, s);
            break;
        default:
            compile_comprehension_body(c, s);
            break;
    }
}
