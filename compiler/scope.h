// compiler/scope.h: scopes (module, class, function, lambda, comprehension)
// and the identifiers each one binds or uses. The compile walk fills them
// in its first pass; the emitters read them (local numbers, cells, argument
// counts and names, stack size) when they write a function's prelude.
#ifndef COMPILER_SCOPE_H
#define COMPILER_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "parse.h"

// The order matters: comprehension kinds are adjacent, as MicroPython's
// scope kinds are (STORE_COMP uses the kind to pick list/dict/set), and
// every kind from SCOPE_LAMBDA on is "function-like" (has fast locals).
typedef enum scope_kind {
    SCOPE_MODULE,
    SCOPE_CLASS,
    SCOPE_LAMBDA,
    SCOPE_LIST_COMP,
    SCOPE_DICT_COMP,
    SCOPE_SET_COMP,
    SCOPE_GEN_EXPR,
    SCOPE_FUNCTION,
} scope_kind_t;

static inline bool scope_kind_is_func_like(scope_kind_t k) {
    return k >= SCOPE_LAMBDA;
}

static inline bool scope_kind_is_comp_like(scope_kind_t k) {
    return k >= SCOPE_LIST_COMP && k <= SCOPE_GEN_EXPR;
}

typedef enum id_kind {
    ID_KIND_UNDECIDED,
    ID_KIND_GLOBAL_IMPLICIT,           // used, not assigned: looked up by name
    ID_KIND_GLOBAL_IMPLICIT_ASSIGNED,  // assigned at module/class level
    ID_KIND_GLOBAL_EXPLICIT,           // declared `global`
    ID_KIND_LOCAL,                     // a fast local
    ID_KIND_CELL,                      // a local that an inner scope closes over
    ID_KIND_FREE,                      // closed over from an outer scope
} id_kind_t;

enum {
    ID_FLAG_IS_PARAM = 0x01,
    ID_FLAG_IS_STAR_PARAM = 0x02,
    ID_FLAG_IS_DBL_STAR_PARAM = 0x04,
    ID_FLAG_VIPER_TYPE_POS = 4,  // viper type of a parameter, in the flags
};

typedef struct id_info {
    uint8_t kind;       // id_kind_t
    uint8_t flags;      // ID_FLAG_*
    uint16_t local_num; // fast-local or cell slot
    qstr_t qst;
} id_info_t;

// How a scope is emitted.
typedef enum emit_option {
    EMIT_OPT_NONE,          // bytecode
    EMIT_OPT_BYTECODE,
    EMIT_OPT_NATIVE_PYTHON,
    EMIT_OPT_VIPER,
    EMIT_OPT_ASM,
} emit_option_t;

struct emit_raw_code;  // emitters/emit.h: what an emitter made of the scope

typedef struct scope scope_t;
struct scope {
    scope_kind_t kind;
    scope_t *parent;
    scope_t *next;            // all scopes of a module, in creation order
    const pnode_t *pn;        // the node that made the scope
    qstr_t source_file;
    qstr_t simple_name;       // "<module>", "f", "<lambda>", "<listcomp>", ...
    struct emit_raw_code *raw_code;  // the emitted function (filled by emitters)
    uint8_t emit_options;     // emit_option_t
    uint16_t scope_flags;     // MPY_SCOPE_FLAG_* (mpyformat/mpyformat.h)
    uint16_t num_pos_args;
    uint16_t num_kwonly_args;
    uint16_t num_def_pos_args;
    uint16_t num_locals;
    uint16_t stack_size;      // computed by the emitter's stack-size pass
    uint16_t exc_stack_size;
    bool has_bare_raise;      // set by the native emitter's first passes: each
                              // except handler keeps its exception in a slot
    id_info_t *id_info;       // in order of first appearance
    size_t id_info_len;
    size_t id_info_cap;
    // Once a scope has many names (a module with thousands of functions),
    // lookups go through this open-addressing index of id_info positions
    // plus one (0 = empty slot); id_index_cap is a power of two, or 0 while
    // the table is small enough to search linearly.
    uint32_t *id_index;
    size_t id_index_cap;
};

// Scope construction and lookup (compiler/scope.c). Scopes and their id
// tables live in the arena; NULL only when the arena is out of memory.
scope_t *scope_new(arena_t *arena, scope_kind_t kind, const pnode_t *pn, qstr_t source_file,
    qstr_t simple_name, emit_option_t emit_options);
// Returns the id for qst, adding one of `kind` at the end if absent (sets
// *added when given). Adding may move the table: earlier id pointers into
// this scope are stale afterwards. NULL only when out of memory.
id_info_t *scope_find_or_add_id(scope_t *s, arena_t *arena, qstr_t qst, id_kind_t kind, bool *added);
id_info_t *scope_find(scope_t *s, qstr_t qst);
// Looks qst up in the outermost (module) scope.
id_info_t *scope_find_global(scope_t *s, qstr_t qst);
// An implicitly global id of `s` may in fact name a variable of an
// enclosing function: if so it becomes free here and a cell (or free) in
// the scopes between.
void scope_check_to_close_over(scope_t *s, arena_t *arena, id_info_t *id);
// Resolves free variables and assigns local and cell numbers once the
// scope pass has seen every scope (MicroPython's scope_compute_things).
// The pool gives the names viper's type names are compared with.
void scope_compute_things(scope_t *s, const qstr_pool_t *pool);

#endif // COMPILER_SCOPE_H
