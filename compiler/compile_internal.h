// compiler/compile_internal.h: what the files of the compile walk share
// (compile.c, compile_stmt.c, compile_flow.c, compile_expr.c,
// compile_func.c): the walk's state, the per-rule compile functions and
// small helpers over parse nodes. Private to compiler/.
#ifndef COMPILER_COMPILE_INTERNAL_H
#define COMPILER_COMPILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../emitters/emit.h"
#include "../util/util.h"
#include "compiler.h"
#include "parse.h"
#include "scope.h"

enum {
    NO_LABEL = 0xffff,  // break/continue target outside any loop
};

// Names the walk needs that are not among the VM's static qstrs; interned
// in the compilation's pool when the walk starts.
typedef struct compile_names {
    qstr_t lambda;
    qstr_t listcomp;
    qstr_t dictcomp;
    qstr_t setcomp;
    qstr_t genexpr;
    qstr_t native;
    qstr_t viper;
    qstr_t asm_thumb;
    qstr_t asm_xtensa;
    qstr_t asm_rv32;
    qstr_t aiter;
    qstr_t anext;
    qstr_t aenter;
    qstr_t aexit;
    qstr_t stop_async_iteration;
    qstr_t ordered_dict;
    qstr_t repl_print;
} compile_names_t;

typedef struct compiler {
    arena_t *arena;
    qstr_pool_t *pool;
    const compile_options_t *opts;
    compile_names_t names;

    const emit_ops_t *ops;
    emitter_t *emit;
    // The emitter for native and viper scopes, when this build has one for
    // the target (NULL: such scopes are refused). Bytecode scopes use
    // bc_ops/bc_emit; `ops`/`emit` is whichever serves the current scope.
    const emit_ops_t *bc_ops;
    emitter_t *bc_emit;
    const emit_ops_t *native_ops;
    emitter_t *native_emit;
    // The inline assembler front end for the target (NULL: refused).
    const emit_inline_asm_ops_t *asm_ops;
    emit_inline_asm_t *asm_emit;
    bool has_native;  // some scope was emitted as machine code
    // Tells the emitter how many labels a scope may use (after the scope
    // pass); NULL when the emitter does not need to know.
    void (*set_max_num_labels)(emitter_t *e, size_t max_num_labels);
    // The same for native_emit (NULL when there is none).
    void (*set_native_max_num_labels)(emitter_t *e, size_t max_num_labels);
    emit_pass_t pass;

    scope_t *scope_head;
    scope_t *scope_tail;
    scope_t *scope_cur;

    label_t next_label;
    // Nesting depth of the walk, bounded so that absurdly deep
    // expressions fail cleanly instead of overflowing the C stack.
    unsigned depth;
    // Function parameters being compiled (defaults, keyword defaults).
    bool have_star;
    uint16_t num_dict_params;
    uint16_t num_default_params;
    // Innermost loop: labels (break may carry EMIT_BREAK_FROM_FOR) and
    // the exception depth at its start, for unwinding.
    label_t break_label;
    label_t continue_label;
    uint16_t cur_except_level;
    uint16_t break_continue_except_level;

    // Scopes by the parse node that made them (open addressing).
    const pnode_t **scope_keys;
    scope_t **scope_vals;
    size_t scope_map_cap;
    size_t scope_map_len;

    // The first error: kind, message and best-known line (0 until known).
    // Errors the emitter records go straight to `diag`.
    diag_t *diag;
    bool has_error;
    diag_kind_t error_kind;
    uint32_t error_line;
    const char *error_msg;
} compiler_t;

// Runs every pass over every scope of the module whose parse tree is
// `root` (compile.c). On success *module is the module scope with every
// scope's raw code emitted; on failure the error is in c->diag (kind,
// line, scope name, message) and false is returned. The caller sets up
// arena, pool, opts, names, ops and emit.
bool compile_run(compiler_t *c, const pnode_t *root, scope_t **module);

// ---------------------------------------------------------------------------
// Parse-node helpers.

// True for nodes that carry a source line (MicroPython's "struct" nodes).
static inline bool pn_has_line(const pnode_t *pn) {
    return pn != NULL && (pn->kind == PN_RULE || pn->kind == PN_CONST);
}

static inline bool pn_is_id(const pnode_t *pn) {
    return pn != NULL && pn->kind == PN_ID;
}

static inline bool pn_is_small_int(const pnode_t *pn) {
    return pn != NULL && pn->kind == PN_SMALL_INT;
}

static inline bool pn_is_any_rule(const pnode_t *pn) {
    return pn != NULL && pn->kind == PN_RULE;
}

static inline pnode_t *kid(const pnode_t *pn, size_t i) {
    return pn->u.kids[i];
}

// The items of a list node of rule `list_rule`, or the node itself as a
// one-item list, or nothing for NULL. *slot must stay alive while the
// items are used (it is where a lone item is read from).
size_t pn_items(pnode_t *const *slot, rule_id_t list_rule, pnode_t *const **items);
// Constant truth of a node as the official compiler folds it: None,
// False, True, numbers, strings, constant objects and ().
bool pn_is_const_false(const pnode_t *pn);
bool pn_is_const_true(const pnode_t *pn);

// ---------------------------------------------------------------------------
// The walk (compile.c).
void compile_node(compiler_t *c, const pnode_t *pn);
label_t compile_new_label(compiler_t *c);
// Native emitters take label numbers from the walk's counter for code
// they generate themselves: skip n of them in native scopes.
void compile_reserve_native_labels(compiler_t *c, unsigned n);
// Records the first error; the line comes from pn when it has one.
void compile_error(compiler_t *c, const pnode_t *pn, const char *msg);
void compile_error_kind(compiler_t *c, const pnode_t *pn, diag_kind_t kind, const char *msg);
void compile_load_id(compiler_t *c, qstr_t qst);
void compile_store_id(compiler_t *c, qstr_t qst);
void compile_delete_id(compiler_t *c, qstr_t qst);
// Marks qst modified in scope s (a local in functions, an assigned global
// elsewhere) during the scope pass; returns its id.
id_info_t *compile_id_for_modification(compiler_t *c, scope_t *s, qstr_t qst);
scope_t *compile_new_scope(compiler_t *c, scope_kind_t kind, const pnode_t *pn, emit_option_t emit_options);
void compile_increase_except_level(compiler_t *c, label_t l, emit_block_kind_t kind);
void compile_decrease_except_level(compiler_t *c);
void compile_generic_all_nodes(compiler_t *c, const pnode_t *pn);
void compile_generic_tuple(compiler_t *c, const pnode_t *pn);
// Jumps to label when the truth of pn equals jump_if, with the official
// compiler's short-circuit and constant optimisations.
void compile_if_cond(compiler_t *c, const pnode_t *pn, bool jump_if, label_t label);

// Assignment targets (compile_stmt.c).
typedef enum assign_kind {
    ASSIGN_STORE,
    ASSIGN_AUG_LOAD,
    ASSIGN_AUG_STORE,
} assign_kind_t;
void compile_assign(compiler_t *c, const pnode_t *pn, assign_kind_t kind);

// Shared by calls, class bases and decorators (compile_expr.c).
void compile_call_args(compiler_t *c, pnode_t *arglist, bool is_method_call, unsigned n_positional_extra);
void compile_comprehension(compiler_t *c, const pnode_t *pn, scope_kind_t kind);
void compile_brace_contents(compiler_t *c, const pnode_t *pn, bool create_map);
void compile_declare_global_or_nonlocal(compiler_t *c, const pnode_t *pn, id_info_t *id, bool is_global);
void compile_namedexpr_helper(compiler_t *c, const pnode_t *pn_name, const pnode_t *pn_expr);
void compile_yield_from(compiler_t *c);

// One pass over an inline assembler function (compile_asm.c).
void compile_asm_scope_pass(compiler_t *c, scope_t *s, emit_pass_t pass);

// Functions, classes and scopes (compile_func.c).
// Makes the function object for a funcdef node (defaults, closure) and
// returns its scope (NULL after an error).
scope_t *compile_def(compiler_t *c, const pnode_t *funcdef, emit_option_t emit_options);
// Walks the body of scope s once for the current pass.
void compile_scope_body(compiler_t *c, scope_t *s);
// Emits a yield and marks the current scope a generator.
void compile_emit_yield(compiler_t *c, emit_yield_kind_t kind);

// The scope made for a def, class, lambda or comprehension node in the
// scope pass, found again in later passes (compile.c).
bool compile_bind_scope(compiler_t *c, const pnode_t *pn, scope_t *s);
scope_t *compile_scope_of(compiler_t *c, const pnode_t *pn);

// ---------------------------------------------------------------------------
// Per-rule compile functions: the table in compile.c maps each rule of
// grammar.def to one of these.
typedef void (*compile_rule_fn_t)(compiler_t *c, const pnode_t *pn);

// compile_stmt.c
void compile_expr_stmt(compiler_t *c, const pnode_t *pn);
void compile_del_stmt(compiler_t *c, const pnode_t *pn);
void compile_break_cont_stmt(compiler_t *c, const pnode_t *pn);
void compile_return_stmt(compiler_t *c, const pnode_t *pn);
void compile_yield_stmt(compiler_t *c, const pnode_t *pn);
void compile_raise_stmt(compiler_t *c, const pnode_t *pn);
void compile_import_name(compiler_t *c, const pnode_t *pn);
void compile_import_from(compiler_t *c, const pnode_t *pn);
void compile_global_nonlocal_stmt(compiler_t *c, const pnode_t *pn);
void compile_assert_stmt(compiler_t *c, const pnode_t *pn);

// compile_flow.c
void compile_if_stmt(compiler_t *c, const pnode_t *pn);
void compile_while_stmt(compiler_t *c, const pnode_t *pn);
void compile_for_stmt(compiler_t *c, const pnode_t *pn);
void compile_try_stmt(compiler_t *c, const pnode_t *pn);
void compile_with_stmt(compiler_t *c, const pnode_t *pn);
void compile_async_stmt(compiler_t *c, const pnode_t *pn);

// compile_func.c
void compile_decorated(compiler_t *c, const pnode_t *pn);
void compile_funcdef(compiler_t *c, const pnode_t *pn);
void compile_lambdef(compiler_t *c, const pnode_t *pn);
void compile_classdef(compiler_t *c, const pnode_t *pn);

// compile_expr.c
void compile_namedexpr(compiler_t *c, const pnode_t *pn);
void compile_test_if_expr(compiler_t *c, const pnode_t *pn);
void compile_or_and_test(compiler_t *c, const pnode_t *pn);
void compile_not_test_2(compiler_t *c, const pnode_t *pn);
void compile_comparison(compiler_t *c, const pnode_t *pn);
void compile_star_expr(compiler_t *c, const pnode_t *pn);
void compile_binary_op(compiler_t *c, const pnode_t *pn);
void compile_term(compiler_t *c, const pnode_t *pn);
void compile_factor_2(compiler_t *c, const pnode_t *pn);
void compile_power(compiler_t *c, const pnode_t *pn);
void compile_atom_expr_await(compiler_t *c, const pnode_t *pn);
void compile_atom_expr_normal(compiler_t *c, const pnode_t *pn);
void compile_atom_paren(compiler_t *c, const pnode_t *pn);
void compile_atom_bracket(compiler_t *c, const pnode_t *pn);
void compile_atom_brace(compiler_t *c, const pnode_t *pn);
void compile_trailer_paren(compiler_t *c, const pnode_t *pn);
void compile_trailer_bracket(compiler_t *c, const pnode_t *pn);
void compile_trailer_period(compiler_t *c, const pnode_t *pn);
void compile_subscript(compiler_t *c, const pnode_t *pn);
void compile_dictorsetmaker_item(compiler_t *c, const pnode_t *pn);
void compile_yield_expr(compiler_t *c, const pnode_t *pn);

// Convenience wrappers for emitter calls.
#define EMIT(c, op, ...) ((c)->ops->op((c)->emit, ##__VA_ARGS__))

#endif // COMPILER_COMPILE_INTERNAL_H
