// compiler/parse.h: the parse tree, shared by the parser (which builds it)
// and the compile walk (which reads it). The tree has MicroPython's shape:
// interior nodes are instances of the rules of compiler/grammar.def (which
// follows MicroPython's py/grammar.h rule for rule, in the same order), and
// leaves are names, literals and kept tokens. Matching that shape is what
// lets the compile walk reproduce the official compiler's output exactly.
// All nodes live in the compilation's arena.
#ifndef COMPILER_PARSE_H
#define COMPILER_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "cobj.h"
#include "lexer.h"

// Rule ids: RULE_file_input, RULE_funcdef, ... in grammar.def order.
typedef enum rule_id {
#define DEF_RULE(name, comp, kind, ...) RULE_##name,
#define DEF_RULE_NC(name, kind, ...)
#include "grammar.def"
#undef DEF_RULE
#undef DEF_RULE_NC
    RULE_const_object,  // not a grammar rule: a node holding a cobj_t
    RULE_first_nc,
#define DEF_RULE(name, comp, kind, ...)
#define DEF_RULE_NC(name, kind, ...) RULE_##name,
#include "grammar.def"
#undef DEF_RULE
#undef DEF_RULE_NC
    RULE_count,
} rule_id_t;

typedef enum pn_kind {
    PN_RULE,       // interior node: `rule` and `kids`
    PN_ID,         // a name: `qst`
    PN_STRING,     // a str literal short enough to intern: `qst`
    PN_BYTES,      // a bytes literal short enough to intern: `qst`
    PN_TOKEN,      // a kept token (None, True, False, '...', operators): `tok`
    PN_SMALL_INT,  // an int that fits the target's small int: `small_int`
    PN_CONST,      // any other constant (big int, float, complex, long str or
                   // bytes, folded tuple): `obj`
} pn_kind_t;

typedef struct pnode pnode_t;
struct pnode {
    uint8_t kind;      // pn_kind_t
    uint16_t rule;     // PN_RULE: rule_id_t
    uint32_t line;     // source line (PN_RULE and PN_CONST; 0 for leaves)
    uint32_t n_kids;   // PN_RULE: number of children
    union {
        qstr_t qst;
        token_kind_t tok;
        int64_t small_int;
        const cobj_t *obj;
        pnode_t **kids;  // PN_RULE: n_kids entries; an entry may be NULL
    } u;
};

// A NULL pnode_t * is MicroPython's "null" parse node (an absent optional).

static inline bool pn_is_rule(const pnode_t *pn, rule_id_t r) {
    return pn != NULL && pn->kind == PN_RULE && pn->rule == r;
}

static inline bool pn_is_token(const pnode_t *pn, token_kind_t t) {
    return pn != NULL && pn->kind == PN_TOKEN && pn->u.tok == t;
}

typedef enum parse_input_kind {
    PARSE_FILE_INPUT,    // a module
    PARSE_SINGLE_INPUT,  // one interactive statement
    PARSE_EVAL_INPUT,    // an expression
} parse_input_kind_t;

typedef struct parse_tree {
    pnode_t *root;
    // Names bound with `X = const(...)` at module level and their values,
    // as the parser recorded them (the parser substitutes them itself).
} parse_tree_t;

// Parses a whole source. Tokens come from `lex`. Nodes come from `arena`;
// names and short literals are interned in `pool`. small_int_bits is the
// target's small-int width (what decides PN_SMALL_INT versus PN_CONST).
// Records SyntaxError / IndentationError with the line in `d` (scope left
// empty) and returns false on bad input.
bool parse(lexer_t *lex, parse_input_kind_t kind, arena_t *arena, qstr_pool_t *pool,
    unsigned small_int_bits, parse_tree_t *out, diag_t *d);

// Name of a rule for debugging and tests ("funcdef").
const char *parse_rule_name(rule_id_t r);

// Appends the tree as an S-expression: rules as "(name kid...)", leaves as
// (id x), (str "s"), (tok KW_NONE), (small_int 1), (const 1.5), absent
// children as null. For tests and debugging.
void parse_tree_print(const pnode_t *pn, const qstr_pool_t *pool, buf_t *out);

// Interns the qstrs built into the official mpy-cross, which decide whether
// a long string literal is a qstr. Call once on a new pool before parse().
// The driver also interns the input path and the -s name before parsing,
// as mpy-cross does.
void parse_intern_builtin_qstrs(qstr_pool_t *pool);

#endif // COMPILER_PARSE_H
