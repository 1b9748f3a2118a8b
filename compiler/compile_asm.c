// compiler/compile_asm.c: the walk over an inline assembler function
// (@micropython.asm_thumb, asm_xtensa, asm_rv32): checks that the body is
// a list of `name(args)` statements, handles the directives every
// assembler shares (label, align, data) and the return type, and hands
// the other instructions to the front end for the target
// (emit_inline_asm_ops_t). Errors carry the line of the statement.
#include "../util/bigint.h"
#include "compile_internal.h"

#include <stdio.h>
#include <string.h>

static const char msg_not_instruction[] = "expecting an assembler instruction";

// The return annotation names MicroPython's native type (int by default).
static bool asm_return_type(compiler_t *c, const pnode_t *ann, uint32_t *type_sig) {
    static const char *const names[] = {"object", "bool", "int", "uint"};
    *type_sig = 2;
    if (ann == NULL) {
        return true;
    }
    if (!pn_is_id(ann)) {
        compile_error(c, ann, "return annotation must be an identifier");
        return true;  // the official compiler carries on
    }
    const char *name = qstr_str(c->pool, ann->u.qst);
    for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *type_sig = i;
            return true;
        }
    }
    compile_error(c, ann, "unknown type");
    return false;
}

// The integer value of a data() argument, if it is one.
static bool asm_int_arg(const pnode_t *pn, uint64_t *v) {
    if (pn_is_small_int(pn)) {
        *v = (uint64_t)pn->u.small_int;
        return true;
    }
    if (pn != NULL && pn->kind == PN_CONST && pn->u.obj->kind == COBJ_SMALL_INT) {
        *v = (uint64_t)pn->u.obj->u.small_int;
        return true;
    }
    // Like MicroPython, a big int is taken truncated to a machine word (its
    // low 64 bits, as the official tool's mpz hash computes them).
    if (pn != NULL && pn->kind == PN_CONST && pn->u.obj->kind == COBJ_BIG_INT) {
        *v = (uint64_t)bigint_hash(pn->u.obj->u.big, 64);
        return true;
    }
    return false;
}

static bool asm_failed(const compiler_t *c) {
    return c->has_error || diag_failed(c->diag);
}

// label(name), align(n), data(size, v...): returns false after an error.
static bool asm_directive(compiler_t *c, const pnode_t *stmt, qstr_t op, size_t n, pnode_t *const *args) {
    const char *text = qstr_str(c->pool, op);
    bool active = c->pass > EMIT_PASS_SCOPE;
    if (strcmp(text, "label") == 0) {
        if (n != 1 || !pn_is_id(args[0])) {
            compile_error(c, stmt, "'label' requires 1 argument");
            return false;
        }
        label_t l = compile_new_label(c);
        if (active && !c->asm_ops->label(c->asm_emit, l, args[0]->u.qst)) {
            compile_error(c, stmt, "label redefined");
            return false;
        }
    } else if (strcmp(text, "align") == 0) {
        if (n != 1 || !pn_is_small_int(args[0])) {
            compile_error(c, stmt, "'align' requires 1 argument");
            return false;
        }
        if (active) {
            c->asm_ops->align(c->asm_emit, (unsigned)args[0]->u.small_int);
        }
    } else if (strcmp(text, "data") == 0) {
        if (n < 2 || !pn_is_small_int(args[0])) {
            compile_error(c, stmt, "'data' requires at least 2 arguments");
            return false;
        }
        for (size_t j = 1; active && j < n; j++) {
            uint64_t v;
            if (!asm_int_arg(args[j], &v)) {
                compile_error(c, stmt, "'data' requires integer arguments");
                return false;
            }
            c->asm_ops->data(c->asm_emit, (unsigned)args[0]->u.small_int, v);
        }
    } else if (active) {
        c->asm_ops->op(c->asm_emit, op, n, args);
    }
    return true;
}

// An instruction is an expression statement `name(args)`. Returns its
// call node (NULL, with an error, when the statement is something else).
static const pnode_t *asm_instruction_call(compiler_t *c, const pnode_t *stmt) {
    if (!pn_is_rule(stmt, RULE_expr_stmt) || kid(stmt, 1) != NULL) {
        compile_error(c, stmt, msg_not_instruction);
        return NULL;
    }
    const pnode_t *call = kid(stmt, 0);
    if (!pn_is_rule(call, RULE_atom_expr_normal) || !pn_is_id(kid(call, 0))
        || !pn_is_rule(kid(call, 1), RULE_trailer_paren)) {
        compile_error(c, stmt, msg_not_instruction);
        return NULL;
    }
    return call;
}

// Errors from the front end have no line: give them the statement's. An
// exception the assembler raises (a RuntimeError) escapes the official
// compile without one.
static void asm_error_at(compiler_t *c, const pnode_t *pn) {
    if (c->has_error) {
        c->error_line = pn->line;
    } else if (diag_failed(c->diag) && c->diag->kind == DIAG_SYNTAX_ERROR) {
        c->diag->line = (int)pn->line;
        snprintf(c->diag->scope, sizeof(c->diag->scope), "%s", qstr_str(c->pool, c->scope_cur->simple_name));
    }
}

// Returns false when it stopped at an error.
static bool asm_body(compiler_t *c, pnode_t *const *body) {
    pnode_t *const *stmts;
    size_t n = pn_items(body, RULE_suite_block_stmts, &stmts);
    for (size_t i = 0; i < n; i++) {
        if (pn_is_rule(stmts[i], RULE_pass_stmt)) {
            continue;
        }
        const pnode_t *call = asm_instruction_call(c, stmts[i]);
        if (call == NULL) {
            return false;
        }
        const pnode_t *paren = kid(call, 1);
        pnode_t *const *args;
        size_t n_args = pn_items(&paren->u.kids[0], RULE_arglist, &args);
        if (!asm_directive(c, stmts[i], kid(call, 0)->u.qst, n_args, args)) {
            return false;
        }
        // Any error so far (an earlier bad return annotation too) is
        // reported at this instruction, as the official compiler does.
        if (asm_failed(c)) {
            asm_error_at(c, paren);
            return false;
        }
    }
    return true;
}

void compile_asm_scope_pass(compiler_t *c, scope_t *s, emit_pass_t pass) {
    c->pass = pass;
    c->scope_cur = s;
    c->next_label = 0;
    if (s->kind != SCOPE_FUNCTION) {
        compile_error(c, NULL, "inline assembler must be a function");
        return;
    }
    bool active = pass > EMIT_PASS_SCOPE;
    if (active) {
        c->asm_ops->start_pass(c->asm_emit, pass, s, c->diag);
    }
    const pnode_t *pn = s->pn;
    if (pass == EMIT_PASS_CODE_SIZE) {
        pnode_t *const *params;
        size_t n = pn_items(&pn->u.kids[1], RULE_typedargslist, &params);
        s->num_pos_args = (uint16_t)c->asm_ops->count_params(c->asm_emit, n, params);
        if (asm_failed(c)) {
            asm_error_at(c, pn);
            return;
        }
    }
    uint32_t type_sig;
    if (!asm_return_type(c, kid(pn, 2), &type_sig)) {
        return;
    }
    if (!asm_body(c, &pn->u.kids[3])) {
        return;
    }
    if (active) {
        c->asm_ops->end_pass(c->asm_emit, type_sig);
    }
    if (asm_failed(c)) {
        asm_error_at(c, pn);
    }
}
