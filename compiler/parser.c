// compiler/parser.c: MicroPython's parser (py/parse.c semantics): a table-
// driven, backtracking walk of the grammar in grammar.def with an explicit
// rule stack and result stack. It builds the tree in MicroPython's exact
// shape: one-child rules collapse, only NAME tokens survive in and-rules,
// parentheses around one expression vanish, and constant expressions,
// const() names and constant tuples are folded as they are built (the
// arithmetic lives in parse_fold.c). Errors become diagnostics with the
// line of the offending token.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/bigint.h"
#include "../util/numfmt.h"
#include "parse.h"
#include "parse_fold.h"

enum {
    // Rule kinds, and the number of arguments in the low four bits.
    ACT_ARG_MASK = 0x0f,
    ACT_KIND_MASK = 0x30,
    ACT_OR = 0x10,
    ACT_AND = 0x20,
    ACT_LIST = 0x30,
    ACT_ALLOW_IDENT = 0x40,  // and_ident: a one-item node becomes the item
    ACT_ADD_BLANK = 0x80,    // and_blank: a NULL item is added at the end
    // Rule arguments: kind in the top bits, token or rule id below.
    ARG_KIND_MASK = 0xf000,
    ARG_ARG_MASK = 0x0fff,
    ARG_TOK = 0x1000,
    ARG_RULE = 0x2000,
    ARG_OPT_RULE = 0x3000,
    // MICROPY_ALLOC_PARSE_INTERN_STRING_LEN: shorter strings are interned.
    INTERN_STRING_MAX = 10,
};

// ---------------------------------------------------------------------------
// The grammar as tables.

#define or(n) (ACT_OR | (n))
#define and(n) (ACT_AND | (n))
#define and_ident(n) (ACT_AND | (n) | ACT_ALLOW_IDENT)
#define and_blank(n) (ACT_AND | (n) | ACT_ADD_BLANK)
#define one_or_more (ACT_LIST | 2)
#define list (ACT_LIST | 1)
#define list_with_end (ACT_LIST | 3)
#define tok(t) (ARG_TOK | TOKEN_##t)
#define rule(r) (ARG_RULE | RULE_##r)
#define opt_rule(r) (ARG_OPT_RULE | RULE_##r)

#define DEF_RULE(name, comp, kind, ...) static const uint16_t args_##name[] = {__VA_ARGS__};
#define DEF_RULE_NC(name, kind, ...) static const uint16_t args_##name[] = {__VA_ARGS__};
#include "grammar.def"
#undef DEF_RULE
#undef DEF_RULE_NC

typedef struct rule_info {
    uint8_t act;
    const uint16_t *args;
    const char *name;
} rule_info_t;

static const rule_info_t rules[RULE_count] = {
#define DEF_RULE(name, comp, kind, ...) [RULE_##name] = {kind, args_##name, #name},
#define DEF_RULE_NC(name, kind, ...) [RULE_##name] = {kind, args_##name, #name},
#include "grammar.def"
#undef DEF_RULE
#undef DEF_RULE_NC
    [RULE_const_object] = {0, NULL, "const_object"},
    [RULE_first_nc] = {0, NULL, ""},
};

#undef or
#undef and
#undef and_ident
#undef and_blank
#undef one_or_more
#undef list
#undef list_with_end
#undef tok
#undef rule
#undef opt_rule

_Static_assert((int)RULE_count <= (int)ARG_ARG_MASK, "rule ids fit a rule argument");
_Static_assert((int)TOKEN_COUNT <= (int)ARG_ARG_MASK, "token kinds fit a rule argument");

const char *parse_rule_name(rule_id_t r) {
    return r < RULE_count && rules[r].name != NULL ? rules[r].name : "?";
}

// ---------------------------------------------------------------------------
// Parser state.

typedef struct rule_frame {
    uint32_t line;   // line of the first token the rule saw
    uint16_t rule;
    uint32_t arg_i;  // how far through its arguments the rule has got
} rule_frame_t;

typedef struct const_name {
    qstr_t name;
    const cobj_t *value;
} const_name_t;

typedef struct parser {
    lexer_t *lex;
    arena_t *arena;
    qstr_pool_t *pool;
    diag_t *d;
    unsigned small_int_bits;
    parse_input_kind_t input_kind;
    bool failed;

    rule_frame_t *rule_stack;
    size_t n_rules;
    size_t cap_rules;

    pnode_t **results;
    size_t n_results;
    size_t cap_results;

    // Names bound by NAME = const(...), substituted wherever the name
    // appears as an atom later in the file.
    const_name_t *consts;
    size_t n_consts;
    size_t cap_consts;
} parser_t;

static bool fail_memory(parser_t *p) {
    p->failed = true;
    return diag_error(p->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
}

static bool fail_syntax(parser_t *p, int line, const char *msg) {
    p->failed = true;
    return diag_error(p->d, DIAG_SYNTAX_ERROR, line, "%s", msg);
}

// Grows a stack array by doubling. Returns false when out of memory.
static bool grow(void **items, size_t *cap, size_t item_size) {
    size_t n = *cap ? *cap * 2 : 64;
    void *q = realloc(*items, n * item_size);
    if (q == NULL) {
        return false;
    }
    *items = q;
    *cap = n;
    return true;
}

static void push_rule(parser_t *p, uint32_t line, unsigned rule_id, uint32_t arg_i) {
    if (p->n_rules == p->cap_rules
        && !grow((void **)&p->rule_stack, &p->cap_rules, sizeof *p->rule_stack)) {
        fail_memory(p);
        return;
    }
    p->rule_stack[p->n_rules++] = (rule_frame_t){line, (uint16_t)rule_id, arg_i};
}

static void push_rule_from_arg(parser_t *p, uint16_t arg) {
    push_rule(p, (uint32_t)p->lex->tok_line, arg & ARG_ARG_MASK, 0);
}

static uint16_t peek_rule(const parser_t *p, size_t n) {
    return p->rule_stack[p->n_rules - 1 - n].rule;
}

static void push_result(parser_t *p, pnode_t *pn) {
    if (p->n_results == p->cap_results
        && !grow((void **)&p->results, &p->cap_results, sizeof *p->results)) {
        fail_memory(p);
        return;
    }
    p->results[p->n_results++] = pn;
}

static pnode_t *pop_result(parser_t *p) {
    return p->results[--p->n_results];
}

static pnode_t *peek_result(const parser_t *p, size_t pos) {
    return p->results[p->n_results - 1 - pos];
}

// Moves to the next token; an error the lexer raises itself stops the
// parse at once, as MicroPython's exception would.
static void next_token(parser_t *p) {
    lex_next(p->lex);
    if (p->lex->fatal == LEX_FATAL_UNICODE_NAME_ESCAPE) {
        p->failed = true;
        diag_error(p->d, DIAG_NOT_IMPLEMENTED, 0, "unicode name escapes");
    } else if (p->lex->fatal == LEX_FATAL_NO_MEMORY) {
        fail_memory(p);
    }
}

// ---------------------------------------------------------------------------
// Nodes.

static pnode_t *new_leaf(parser_t *p, pn_kind_t kind) {
    pnode_t *pn = arena_alloc(p->arena, sizeof *pn);
    if (pn == NULL) {
        fail_memory(p);
        return NULL;
    }
    pn->kind = (uint8_t)kind;
    return pn;
}

static pnode_t *new_token_leaf(parser_t *p, token_kind_t tok) {
    pnode_t *pn = new_leaf(p, PN_TOKEN);
    if (pn != NULL) {
        pn->u.tok = tok;
    }
    return pn;
}

static pnode_t *new_const_node(parser_t *p, uint32_t line, const cobj_t *obj) {
    if (obj == NULL) {
        fail_memory(p);
        return NULL;
    }
    pnode_t *pn = new_leaf(p, PN_CONST);
    if (pn != NULL) {
        pn->line = line;
        pn->u.obj = obj;
    }
    return pn;
}

static bool fits_small_int(const parser_t *p, int64_t v) {
    unsigned bits = p->small_int_bits ? p->small_int_bits : 31;
    if (bits >= 64) {
        return true;
    }
    int64_t limit = INT64_C(1) << (bits - 1);
    return v >= -limit && v < limit;
}

// make_node_const_object_optimised: an int that fits the target's small
// int becomes PN_SMALL_INT, anything else a PN_CONST on `line`.
static pnode_t *new_value_node(parser_t *p, uint32_t line, const cobj_t *obj) {
    if (obj != NULL && obj->kind == COBJ_SMALL_INT && fits_small_int(p, obj->u.small_int)) {
        pnode_t *pn = new_leaf(p, PN_SMALL_INT);
        if (pn != NULL) {
            pn->u.small_int = obj->u.small_int;
        }
        return pn;
    }
    return new_const_node(p, line, obj);
}

static const cobj_t *find_const(const parser_t *p, qstr_t name) {
    for (size_t i = 0; i < p->n_consts; i++) {
        if (p->consts[i].name == name) {
            return p->consts[i].value;
        }
    }
    return NULL;
}

static void add_const(parser_t *p, qstr_t name, const cobj_t *value) {
    if (p->n_consts == p->cap_consts && !grow((void **)&p->consts, &p->cap_consts, sizeof *p->consts)) {
        fail_memory(p);
        return;
    }
    p->consts[p->n_consts++] = (const_name_t){name, value};
}

static pnode_t *make_name(parser_t *p, unsigned rule_id) {
    const lexer_t *lex = p->lex;
    qstr_t q = qstr_intern(p->pool, (const char *)lex->vstr.data, lex->vstr.len);
    if (q == QSTR_NULL) {
        fail_memory(p);
        return NULL;
    }
    const cobj_t *value = rule_id == RULE_atom ? find_const(p, q) : NULL;
    if (value != NULL) {
        return new_value_node(p, (uint32_t)lex->tok_line, value);
    }
    pnode_t *pn = new_leaf(p, PN_ID);
    if (pn != NULL) {
        pn->u.qst = q;
    }
    return pn;
}

static pnode_t *make_integer(parser_t *p) {
    const lexer_t *lex = p->lex;
    const cobj_t *value = NULL;
    char msg[DIAG_MSG_MAX];
    if (!fold_parse_int(p->arena, (const char *)lex->vstr.data, lex->vstr.len, &value, msg,
            sizeof msg)) {
        fail_syntax(p, (int)lex->tok_line, msg);
        return NULL;
    }
    return new_value_node(p, (uint32_t)lex->tok_line, value);
}

static pnode_t *make_float(parser_t *p) {
    const lexer_t *lex = p->lex;
    numfmt_number_t num;
    if (!numfmt_parse_number(NUMFMT_EXTENDED, (const char *)lex->vstr.data, lex->vstr.len, true, false, &num)) {
        fail_syntax(p, (int)lex->tok_line, "invalid syntax for number");
        return NULL;
    }
    const cobj_t *obj = num.is_complex ? fold_new_complex(p->arena, num.real, num.imag)
                                       : fold_new_float(p->arena, num.real);
    return new_const_node(p, (uint32_t)lex->tok_line, obj);
}

// Short strings are interned; a longer one only when the same text is a
// qstr already (a name seen earlier, or one built into mpy-cross). Bytes
// are never interned.
static pnode_t *make_string(parser_t *p) {
    const lexer_t *lex = p->lex;
    const char *s = (const char *)lex->vstr.data;
    size_t len = lex->vstr.len;
    if (lex->tok_kind == TOKEN_STRING) {
        qstr_t q = len <= INTERN_STRING_MAX ? qstr_intern(p->pool, s, len) : qstr_find(p->pool, s, len);
        if (q != QSTR_NULL) {
            pnode_t *pn = new_leaf(p, PN_STRING);
            if (pn != NULL) {
                pn->u.qst = q;
            }
            return pn;
        }
    }
    cobj_kind_t kind = lex->tok_kind == TOKEN_STRING ? COBJ_STR : COBJ_BYTES;
    return new_const_node(p, (uint32_t)lex->tok_line,
        fold_new_bytes(p->arena, kind, lex->vstr.data, len));
}

static void push_result_token(parser_t *p, unsigned rule_id) {
    pnode_t *pn;
    switch (p->lex->tok_kind) {
        case TOKEN_NAME:
            pn = make_name(p, rule_id);
            break;
        case TOKEN_INTEGER:
            pn = make_integer(p);
            break;
        case TOKEN_FLOAT_OR_IMAG:
            pn = make_float(p);
            break;
        case TOKEN_STRING:
        case TOKEN_BYTES:
            pn = make_string(p);
            break;
        default:
            pn = new_token_leaf(p, p->lex->tok_kind);
            break;
    }
    if (!p->failed) {
        push_result(p, pn);
    }
}

// ---------------------------------------------------------------------------
// Constants in the tree.

static bool is_rule(const pnode_t *pn, unsigned r) {
    return pn != NULL && pn->kind == PN_RULE && pn->rule == r;
}

// mp_parse_node_is_const: literals, None/True/False/..., folded constants
// and the empty tuple.
static bool node_is_const(const pnode_t *pn) {
    if (pn == NULL) {
        return false;
    }
    switch (pn->kind) {
        case PN_SMALL_INT:
        case PN_STRING:
        case PN_CONST:
            return true;
        case PN_TOKEN:
            return pn->u.tok == TOKEN_KW_NONE || pn->u.tok == TOKEN_KW_FALSE
                || pn->u.tok == TOKEN_KW_TRUE || pn->u.tok == TOKEN_ELLIPSIS;
        case PN_RULE:
            return pn->rule == RULE_atom_paren && pn->u.kids[0] == NULL;
        default:
            return false;
    }
}

// The value of a node for which node_is_const holds.
static const cobj_t *node_to_obj(parser_t *p, const pnode_t *pn) {
    switch (pn->kind) {
        case PN_SMALL_INT:
            return fold_new_int(p->arena, pn->u.small_int);
        case PN_STRING: {
            const char *s = qstr_str(p->pool, pn->u.qst);
            return fold_new_bytes(p->arena, COBJ_STR, (const uint8_t *)s, qstr_len(p->pool, pn->u.qst));
        }
        case PN_CONST:
            return pn->u.obj;
        case PN_TOKEN:
            switch (pn->u.tok) {
                case TOKEN_KW_NONE:
                    return fold_new_simple(p->arena, COBJ_NONE);
                case TOKEN_KW_FALSE:
                    return fold_new_simple(p->arena, COBJ_FALSE);
                case TOKEN_KW_TRUE:
                    return fold_new_simple(p->arena, COBJ_TRUE);
                default:
                    return fold_new_simple(p->arena, COBJ_ELLIPSIS);
            }
        default: {
            cobj_t *t = arena_alloc(p->arena, sizeof *t);  // the empty tuple
            if (t != NULL) {
                t->kind = COBJ_TUPLE;
            }
            return t;
        }
    }
}

static bool node_is_const_bool(parser_t *p, const pnode_t *pn, bool value) {
    if (!node_is_const(pn)) {
        return false;
    }
    const cobj_t *o = node_to_obj(p, pn);
    return o != NULL && fold_is_true(o) == value;
}

// A number a folding rule can use: an int or a float.
static const cobj_t *node_number(parser_t *p, const pnode_t *pn) {
    if (pn == NULL) {
        return NULL;
    }
    if (pn->kind == PN_SMALL_INT) {
        return fold_new_int(p->arena, pn->u.small_int);
    }
    if (pn->kind == PN_CONST && fold_is_number(pn->u.obj)) {
        return pn->u.obj;
    }
    return NULL;
}

// ---------------------------------------------------------------------------
// Folding while nodes are built.

static void push_result_rule(parser_t *p, uint32_t line, unsigned rule_id, size_t n_args);

// or / and with constant operands, and `not constant`.
static bool fold_logical(parser_t *p, unsigned rule_id, size_t *n_args) {
    if (rule_id == RULE_or_test || rule_id == RULE_and_test) {
        // Keep the operands up to the first one that decides the result;
        // constants that do not decide it are dropped.
        bool is_or = rule_id == RULE_or_test;
        size_t copy_to = *n_args;
        for (size_t i = copy_to; i > 0;) {
            pnode_t *pn = peek_result(p, --i);
            p->results[p->n_results - copy_to] = pn;
            if (i == 0) {
                break;
            }
            if (node_is_const_bool(p, pn, is_or)) {
                break;
            }
            if (!node_is_const_bool(p, pn, !is_or)) {
                copy_to -= 1;
            }
        }
        copy_to -= 1;
        p->n_results -= copy_to;
        *n_args -= copy_to;
        return *n_args == 1;
    }
    if (rule_id == RULE_not_test_2) {
        pnode_t *pn = peek_result(p, 0);
        token_kind_t result;
        if (node_is_const_bool(p, pn, false)) {
            result = TOKEN_KW_TRUE;
        } else if (node_is_const_bool(p, pn, true)) {
            result = TOKEN_KW_FALSE;
        } else {
            return false;
        }
        pop_result(p);
        push_result(p, new_token_leaf(p, result));
        return true;
    }
    return false;
}

// | ^ & ** : every operand a number, one operator for the rule.
static bool fold_same_op(parser_t *p, unsigned rule_id, size_t n_args, const cobj_t **out) {
    fold_op_t op = rule_id == RULE_expr ? FOLD_OR
        : rule_id == RULE_xor_expr      ? FOLD_XOR
        : rule_id == RULE_and_expr      ? FOLD_AND
                                        : FOLD_POWER;
    const cobj_t *acc = node_number(p, peek_result(p, n_args - 1));
    if (acc == NULL) {
        return false;
    }
    for (size_t i = n_args - 1; i-- > 0;) {
        const cobj_t *rhs = node_number(p, peek_result(p, i));
        if (rhs == NULL || !fold_binary(p->arena, op, acc, rhs, &acc)) {
            return false;
        }
    }
    *out = acc;
    return true;
}

// << >> + - * @ / % // : operands and operator tokens alternate.
static bool fold_mixed_ops(parser_t *p, size_t n_args, const cobj_t **out) {
    const cobj_t *acc = node_number(p, peek_result(p, n_args - 1));
    if (acc == NULL) {
        return false;
    }
    for (size_t i = n_args - 2;; i -= 2) {
        const cobj_t *rhs = node_number(p, peek_result(p, i - 1));
        const pnode_t *op_node = peek_result(p, i);
        if (rhs == NULL) {
            return false;
        }
        fold_op_t op = (fold_op_t)(op_node->u.tok - TOKEN_OP_PIPE);
        if (!fold_binary(p->arena, op, acc, rhs, &acc)) {
            return false;
        }
        if (i == 1) {
            break;
        }
    }
    *out = acc;
    return true;
}

static bool fold_factor(parser_t *p, const cobj_t **out) {
    const cobj_t *arg = node_number(p, peek_result(p, 0));
    if (arg == NULL) {
        return false;
    }
    token_kind_t tok = peek_result(p, 1)->u.tok;
    fold_unary_t op = tok == TOKEN_OP_TILDE ? FOLD_INVERT
        : tok == TOKEN_OP_MINUS             ? FOLD_NEGATIVE
                                            : FOLD_POSITIVE;
    if (op == FOLD_INVERT && !fold_is_int(arg)) {
        return false;
    }
    return fold_unary(p->arena, op, arg, out);
}

// NAME = const(value): records the name and replaces the call by the value.
// Returns true when the whole statement was replaced (private names).
static bool fold_const_assign(parser_t *p) {
    pnode_t *rhs = peek_result(p, 0);
    if (rhs == NULL || is_rule(rhs, RULE_expr_stmt_augassign) || is_rule(rhs, RULE_expr_stmt_assign_list)) {
        return false;
    }
    pnode_t *target = peek_result(p, 1);
    if (target == NULL || target->kind != PN_ID || !is_rule(rhs, RULE_atom_expr_normal)) {
        return false;
    }
    pnode_t *callee = rhs->u.kids[0];
    if (callee == NULL || callee->kind != PN_ID || strcmp(qstr_str(p->pool, callee->u.qst), "const") != 0
        || !is_rule(rhs->u.kids[1], RULE_trailer_paren)) {
        return false;
    }
    pnode_t *value = rhs->u.kids[1]->u.kids[0];
    if (!node_is_const(value)) {
        fail_syntax(p, (int)rhs->line, "not a constant");
        return false;
    }
    add_const(p, target->u.qst, node_to_obj(p, value));
    if (qstr_str(p->pool, target->u.qst)[0] == '_') {
        // A private constant is not stored anywhere: the statement goes.
        p->n_results -= 2;
        push_result_rule(p, 0, RULE_pass_stmt, 0);
        return true;
    }
    pop_result(p);
    push_result(p, value);
    return false;
}

// module.NAME for the constants of the modules mpy-cross has built in:
// only math (the corpus shows math.pi, math.e, math.inf and math.nan
// folded; errno and uctypes are not in mpy-cross).
static bool fold_module_const(parser_t *p, const cobj_t **out) {
    static const struct {
        const char *name;
        double value;
    } math_consts[] = {
        {"e", 2.718281828459045},
        {"pi", 3.141592653589793},
        {"tau", 6.283185307179586},
        {"inf", INFINITY},
        {"nan", NAN},
    };
    const pnode_t *base = peek_result(p, 1);
    const pnode_t *attr = peek_result(p, 0);
    if (base == NULL || base->kind != PN_ID || !is_rule(attr, RULE_trailer_period)
        || strcmp(qstr_str(p->pool, base->u.qst), "math") != 0) {
        return false;
    }
    const char *name = qstr_str(p->pool, attr->u.kids[0]->u.qst);
    for (size_t i = 0; i < sizeof math_consts / sizeof math_consts[0]; i++) {
        if (strcmp(name, math_consts[i].name) == 0) {
            *out = fold_new_float(p->arena, math_consts[i].value);
            return *out != NULL;
        }
    }
    return false;
}

static bool fold_constants(parser_t *p, unsigned rule_id, size_t n_args) {
    const cobj_t *result = NULL;
    bool folded;
    switch (rule_id) {
        case RULE_expr:
        case RULE_xor_expr:
        case RULE_and_expr:
        case RULE_power:
            folded = fold_same_op(p, rule_id, n_args, &result);
            break;
        case RULE_shift_expr:
        case RULE_arith_expr:
        case RULE_term:
            folded = fold_mixed_ops(p, n_args, &result);
            break;
        case RULE_factor_2:
            folded = fold_factor(p, &result);
            break;
        case RULE_atom_expr_normal:
            folded = fold_module_const(p, &result);
            break;
        case RULE_expr_stmt:
            return fold_const_assign(p);
        default:
            return false;
    }
    if (!folded) {
        return false;
    }
    p->n_results -= n_args;
    push_result(p, new_value_node(p, 0, result));
    return true;
}

// Replaces the top n_args results by one constant tuple if all are constant.
static bool build_tuple_from_stack(parser_t *p, uint32_t line, size_t n_args) {
    for (size_t i = 0; i < n_args; i++) {
        if (!node_is_const(peek_result(p, i))) {
            return false;
        }
    }
    const cobj_t **items = arena_alloc(p->arena, (n_args ? n_args : 1) * sizeof *items);
    cobj_t *t = arena_alloc(p->arena, sizeof *t);
    if (items == NULL || t == NULL) {
        fail_memory(p);
        return true;
    }
    for (size_t i = n_args; i > 0; i--) {
        items[i - 1] = node_to_obj(p, pop_result(p));
    }
    t->kind = COBJ_TUPLE;
    t->u.tuple.items = items;
    t->u.tuple.n = n_args;
    push_result(p, new_const_node(p, line, t));
    return true;
}

// Tuples of constants become one constant: (a,), (a, b), x = a, b,
// return a, b, for x in a, b, x[a, b].
static bool build_tuple(parser_t *p, uint32_t line, unsigned rule_id, size_t n_args) {
    if (rule_id == RULE_testlist_comp && peek_rule(p, 0) == RULE_atom_paren) {
        return build_tuple_from_stack(p, line, n_args);
    }
    if (rule_id == RULE_testlist_comp_3c && peek_rule(p, 2) == RULE_atom_paren) {
        // The enclosing testlist_comp_3b and testlist_comp are finished
        // here: drop their frames.
        if (build_tuple_from_stack(p, line, n_args)) {
            p->n_rules -= 2;
            return true;
        }
        return false;
    }
    if (rule_id == RULE_testlist_star_expr || rule_id == RULE_testlist || rule_id == RULE_subscriptlist) {
        return build_tuple_from_stack(p, line, n_args);
    }
    return false;
}

// The reshaping MicroPython does before making a node. Returns false when
// the node is not to be made (the stack already holds the result).
static bool simplify_rule(parser_t *p, unsigned rule_id, size_t *n_args) {
    if (rule_id == RULE_atom_paren) {
        // (x) is just x; () and (a, b...) keep their parentheses.
        pnode_t *pn = peek_result(p, 0);
        return pn == NULL || is_rule(pn, RULE_testlist_comp);
    }
    if (rule_id == RULE_testlist_comp) {
        pnode_t *pn = peek_result(p, 0);
        if (is_rule(pn, RULE_testlist_comp_3b)) {
            // (a,): a tuple of one item
            pop_result(p);
            *n_args -= 1;
        } else if (is_rule(pn, RULE_testlist_comp_3c)) {
            // (a, b, ...): the list node already holds every item
            pop_result(p);
            pn->rule = RULE_testlist_comp;
            return false;
        }
        return true;
    }
    if (rule_id == RULE_testlist_comp_3c) {
        *n_args += 1;  // take the first item from the enclosing testlist_comp
    }
    return true;
}

static void push_result_rule(parser_t *p, uint32_t line, unsigned rule_id, size_t n_args) {
    if (!simplify_rule(p, rule_id, &n_args)) {
        return;
    }
    if (fold_logical(p, rule_id, &n_args) || fold_constants(p, rule_id, n_args) || p->failed) {
        return;
    }
    if (build_tuple(p, line, rule_id, n_args)) {
        return;
    }
    pnode_t *pn = arena_alloc(p->arena, sizeof *pn);
    pnode_t **kids = arena_alloc(p->arena, (n_args ? n_args : 1) * sizeof *kids);
    if (pn == NULL || kids == NULL) {
        fail_memory(p);
        return;
    }
    pn->kind = PN_RULE;
    pn->rule = (uint16_t)rule_id;
    pn->line = line;
    pn->n_kids = (uint32_t)n_args;
    pn->u.kids = kids;
    for (size_t i = n_args; i > 0; i--) {
        kids[i - 1] = pop_result(p);
    }
    if (rule_id == RULE_testlist_comp_3c) {
        push_result(p, pn);  // stands in for the item taken from testlist_comp
    }
    push_result(p, pn);
}

// ---------------------------------------------------------------------------
// The rule machine.

typedef enum step {
    STEP_NEXT,   // go on with the rule on top of the stack
    STEP_ERROR,  // syntax error at the current token
} step_t;

// An or-rule: the first alternative that matches. On re-entry after a
// child succeeded (arg_i > 0, no backtrack) the rule is done.
static step_t run_or(parser_t *p, const rule_frame_t *f, bool *backtrack) {
    const rule_info_t *r = &rules[f->rule];
    size_t n = r->act & ACT_ARG_MASK;
    size_t i = f->arg_i;
    if (i > 0 && !*backtrack) {
        return STEP_NEXT;
    }
    *backtrack = false;
    for (; i < n; i++) {
        uint16_t arg = r->args[i];
        if ((arg & ARG_KIND_MASK) == ARG_TOK) {
            if (p->lex->tok_kind == (token_kind_t)(arg & ARG_ARG_MASK)) {
                push_result_token(p, f->rule);
                next_token(p);
                return STEP_NEXT;
            }
        } else {
            if (i + 1 < n) {
                push_rule(p, f->line, f->rule, (uint32_t)(i + 1));
            }
            push_rule_from_arg(p, arg);
            return STEP_NEXT;
        }
    }
    *backtrack = true;
    return STEP_NEXT;
}

// A statement that is only a constant (a docstring, say) becomes `pass`.
static bool drop_lonely_constant(parser_t *p, const rule_frame_t *f) {
    if (p->input_kind == PARSE_SINGLE_INPUT || f->rule != RULE_expr_stmt || peek_result(p, 0) != NULL) {
        return false;
    }
    const pnode_t *e = peek_result(p, 1);
    bool is_leaf = e != NULL && e->kind != PN_RULE && e->kind != PN_CONST;
    if (!((is_leaf && e->kind != PN_ID) || (e != NULL && e->kind == PN_CONST))) {
        return false;
    }
    p->n_results -= 2;
    push_result_rule(p, f->line, RULE_pass_stmt, 0);
    return true;
}

// An and-rule has matched all its items: make its node.
static void finish_and(parser_t *p, const rule_frame_t *f) {
    const rule_info_t *r = &rules[f->rule];
    size_t n = r->act & ACT_ARG_MASK;
    if (drop_lonely_constant(p, f)) {
        return;
    }
    // Items on the stack: every rule argument, and NAME tokens.
    size_t n_items = 0;
    size_t n_not_null = 0;
    for (size_t x = n; x-- > 0;) {
        uint16_t arg = r->args[x];
        if ((arg & ARG_KIND_MASK) == ARG_TOK) {
            if ((arg & ARG_ARG_MASK) == TOKEN_NAME) {
                n_items += 1;
                n_not_null += 1;
            }
        } else {
            if (peek_result(p, n_items) != NULL) {
                n_not_null += 1;
            }
            n_items += 1;
        }
    }
    if (n_not_null == 1 && (r->act & ACT_ALLOW_IDENT)) {
        pnode_t *keep = NULL;
        for (size_t x = 0; x < n_items; x++) {
            pnode_t *pn = pop_result(p);
            if (pn != NULL) {
                keep = pn;
            }
        }
        push_result(p, keep);
        return;
    }
    if (r->act & ACT_ADD_BLANK) {
        push_result(p, NULL);
        n_items += 1;
    }
    push_result_rule(p, f->line, f->rule, n_items);
}

static step_t run_and(parser_t *p, const rule_frame_t *f, bool *backtrack) {
    const rule_info_t *r = &rules[f->rule];
    size_t n = r->act & ACT_ARG_MASK;
    size_t i = f->arg_i;
    if (*backtrack) {
        if ((r->args[i - 1] & ARG_KIND_MASK) == ARG_OPT_RULE) {
            push_result(p, NULL);  // an absent optional item
            *backtrack = false;
        } else if (i > 1) {
            return STEP_ERROR;  // tokens were consumed: no way back
        } else {
            return STEP_NEXT;  // let the parent try something else
        }
    }
    for (; i < n; i++) {
        uint16_t arg = r->args[i];
        if ((arg & ARG_KIND_MASK) != ARG_TOK) {
            push_rule(p, f->line, f->rule, (uint32_t)(i + 1));
            push_rule_from_arg(p, arg);
            return STEP_NEXT;
        }
        token_kind_t want = (token_kind_t)(arg & ARG_ARG_MASK);
        if (p->lex->tok_kind != want) {
            if (i > 0) {
                return STEP_ERROR;
            }
            *backtrack = true;
            return STEP_NEXT;
        }
        if (want == TOKEN_NAME) {
            push_result_token(p, f->rule);
        }
        next_token(p);
        if (p->failed) {
            return STEP_NEXT;
        }
    }
    finish_and(p, f);
    return STEP_NEXT;
}

// A list rule has matched `i` items and separators.
static void finish_list(parser_t *p, const rule_frame_t *f, size_t i, bool had_trailing_sep) {
    const rule_info_t *r = &rules[f->rule];
    size_t n = r->act & ACT_ARG_MASK;
    i -= 1;
    if ((n & 1) && (r->args[1] & ARG_KIND_MASK) == ARG_TOK) {
        i = (i + 1) / 2;  // separators that are tokens are not on the stack
    }
    if (i > 1 || had_trailing_sep) {
        push_result_rule(p, f->line, f->rule, i);
    }
    // one item without a trailing separator stays as it is
}

// list rules: n = 1 item (sep item)*, 2 item item*, 3 item (sep item)* [sep].
// Position i counts items and separators seen; odd i expects an item.
static step_t run_list(parser_t *p, const rule_frame_t *f, bool *backtrack) {
    const rule_info_t *r = &rules[f->rule];
    size_t n = r->act & ACT_ARG_MASK;
    size_t i = f->arg_i;
    for (;;) {
        if (*backtrack) {
            bool had_trailing_sep = false;
            if (i == 1) {
                return STEP_NEXT;  // not even one item: propagate the failure
            }
            if (n != 2 && (i & 1) == 1) {
                // An item is missing after a separator.
                if (n != 3) {
                    return STEP_ERROR;
                }
                had_trailing_sep = true;
            }
            *backtrack = false;
            finish_list(p, f, i, had_trailing_sep);
            return STEP_NEXT;
        }
        uint16_t arg = r->args[i & 1 & n];
        if ((arg & ARG_KIND_MASK) != ARG_TOK) {
            push_rule(p, f->line, f->rule, (uint32_t)(i + 1));
            push_rule_from_arg(p, arg);
            return STEP_NEXT;
        }
        i += 1;
        if (p->lex->tok_kind != (token_kind_t)(arg & ARG_ARG_MASK)) {
            *backtrack = true;
            continue;
        }
        if (!((i - 1) & 1 & n)) {
            push_result_token(p, f->rule);
        }
        next_token(p);
        if (p->failed) {
            return STEP_NEXT;
        }
    }
}

static void report_syntax_error(parser_t *p) {
    const lexer_t *lex = p->lex;
    diag_kind_t kind = DIAG_SYNTAX_ERROR;
    const char *msg = "invalid syntax";
    if (lex->tok_kind == TOKEN_INDENT) {
        kind = DIAG_INDENT_ERROR;
        msg = "unexpected indent";
    } else if (lex->tok_kind == TOKEN_DEDENT_MISMATCH) {
        kind = DIAG_INDENT_ERROR;
        msg = "unindent doesn't match any outer indent level";
    } else if (lex->tok_kind == TOKEN_MALFORMED_FSTRING) {
        msg = "malformed f-string";
    }
    p->failed = true;
    diag_error(p->d, kind, (int)lex->tok_line, "%s", msg);
}

static unsigned top_rule(parse_input_kind_t kind) {
    switch (kind) {
        case PARSE_SINGLE_INPUT:
            return RULE_single_input;
        case PARSE_EVAL_INPUT:
            return RULE_eval_input;
        default:
            return RULE_file_input;
    }
}

static void run(parser_t *p) {
    bool backtrack = false;
    push_rule(p, (uint32_t)p->lex->tok_line, top_rule(p->input_kind), 0);
    while (p->n_rules > 0 && !p->failed) {
        rule_frame_t f = p->rule_stack[--p->n_rules];
        step_t step;
        switch (rules[f.rule].act & ACT_KIND_MASK) {
            case ACT_OR:
                step = run_or(p, &f, &backtrack);
                break;
            case ACT_AND:
                step = run_and(p, &f, &backtrack);
                break;
            default:
                step = run_list(p, &f, &backtrack);
                break;
        }
        if (step == STEP_ERROR) {
            report_syntax_error(p);
        }
    }
    if (!p->failed && (p->lex->tok_kind != TOKEN_END || p->n_results == 0)) {
        report_syntax_error(p);
    }
}

bool parse(lexer_t *lex, parse_input_kind_t kind, arena_t *arena, qstr_pool_t *pool,
    unsigned small_int_bits, parse_tree_t *out, diag_t *d) {
    parser_t p;
    memset(&p, 0, sizeof p);
    p.lex = lex;
    p.arena = arena;
    p.pool = pool;
    p.d = d;
    p.small_int_bits = small_int_bits;
    p.input_kind = kind;
    out->root = NULL;
    // mpy-cross interns the source name before it parses.
    if (lex->source_name != NULL) {
        qstr_intern_cstr(pool, lex->source_name);
    }
    if (lex->fatal == LEX_FATAL_UNICODE_NAME_ESCAPE) {
        p.failed = true;
        diag_error(d, DIAG_NOT_IMPLEMENTED, 0, "unicode name escapes");
    } else {
        run(&p);
    }
    if (!p.failed) {
        out->root = p.results[0];
    }
    free(p.rule_stack);
    free(p.results);
    free(p.consts);
    return !p.failed;
}

// ---------------------------------------------------------------------------
// Printing trees: "(expr_stmt (id x) (small_int 1))".

static void print_bytes(buf_t *out, const uint8_t *s, size_t len) {
    buf_byte(out, '"');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            buf_printf(out, "\\%c", c);
        } else if (c < 0x20 || c >= 0x7f) {
            buf_printf(out, "\\x%02x", c);
        } else {
            buf_byte(out, c);
        }
    }
    buf_byte(out, '"');
}

static void print_obj(const cobj_t *o, buf_t *out) {
    switch (o->kind) {
        case COBJ_NONE:
            buf_str(out, "None");
            break;
        case COBJ_FALSE:
            buf_str(out, "False");
            break;
        case COBJ_TRUE:
            buf_str(out, "True");
            break;
        case COBJ_ELLIPSIS:
            buf_str(out, "...");
            break;
        case COBJ_SMALL_INT:
            buf_printf(out, "%lld", (long long)o->u.small_int);
            break;
        case COBJ_BIG_INT: {
            size_t size = bigint_str_size(o->u.big, 10);
            uint8_t *dst = buf_extend(out, size);
            size_t len = 0;
            if (dst != NULL && bigint_to_str(o->u.big, 10, false, (char *)dst, &len) == BIGINT_OK) {
                out->len -= size - len;
            }
            break;
        }
        case COBJ_FLOAT: {
            char text[NUMFMT_REPR_SIZE];
            buf_append(out, text, numfmt_repr(NUMFMT_EXTENDED, o->u.f, text));
            break;
        }
        case COBJ_COMPLEX: {
            char text[NUMFMT_REPR_SIZE];
            buf_byte(out, '(');
            buf_append(out, text, numfmt_repr(NUMFMT_EXTENDED, o->u.complex.real, text));
            buf_byte(out, ' ');
            buf_append(out, text, numfmt_repr(NUMFMT_EXTENDED, o->u.complex.imag, text));
            buf_str(out, "j)");
            break;
        }
        case COBJ_STR:
            print_bytes(out, o->u.str.data, o->u.str.len);
            break;
        case COBJ_BYTES:
            buf_byte(out, 'b');
            print_bytes(out, o->u.str.data, o->u.str.len);
            break;
        case COBJ_TUPLE:
            buf_str(out, "(tuple");
            for (size_t i = 0; i < o->u.tuple.n; i++) {
                buf_byte(out, ' ');
                print_obj(o->u.tuple.items[i], out);
            }
            buf_byte(out, ')');
            break;
        case COBJ_FUN_TABLE:
            buf_str(out, "<fun_table>");
            break;
    }
}

void parse_tree_print(const pnode_t *pn, const qstr_pool_t *pool, buf_t *out) {
    if (pn == NULL) {
        buf_str(out, "null");
        return;
    }
    switch (pn->kind) {
        case PN_ID:
            buf_printf(out, "(id %s)", qstr_str(pool, pn->u.qst));
            break;
        case PN_STRING:
        case PN_BYTES:
            buf_str(out, pn->kind == PN_STRING ? "(str " : "(bytes ");
            print_bytes(out, (const uint8_t *)qstr_str(pool, pn->u.qst), qstr_len(pool, pn->u.qst));
            buf_byte(out, ')');
            break;
        case PN_TOKEN:
            buf_printf(out, "(tok %s)", lex_token_name(pn->u.tok));
            break;
        case PN_SMALL_INT:
            buf_printf(out, "(small_int %lld)", (long long)pn->u.small_int);
            break;
        case PN_CONST:
            buf_str(out, "(const ");
            print_obj(pn->u.obj, out);
            buf_byte(out, ')');
            break;
        default:
            buf_printf(out, "(%s", parse_rule_name(pn->rule));
            for (uint32_t i = 0; i < pn->n_kids; i++) {
                buf_byte(out, ' ');
                parse_tree_print(pn->u.kids[i], pool, out);
            }
            buf_byte(out, ')');
            break;
    }
}

// ---------------------------------------------------------------------------
// The qstrs built into the official mpy-cross (longer than the intern
// threshold; shorter strings are interned whatever they are).

static const char *const builtin_qstrs[] = {
#define Q(text) text,
#include "mpycross_qstrs.def"
#undef Q
};

void parse_intern_builtin_qstrs(qstr_pool_t *pool) {
    for (size_t i = 0; i < sizeof builtin_qstrs / sizeof builtin_qstrs[0]; i++) {
        qstr_intern_cstr(pool, builtin_qstrs[i]);
    }
}
