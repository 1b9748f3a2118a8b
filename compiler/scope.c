// compiler/scope.c: the identifier tables of scopes and the analysis that
// runs once every scope has been walked: which names are cells or free
// variables, and which slot each local gets. The slot numbering decides
// the bytes of every LOAD_FAST/LOAD_DEREF, so it follows the official
// compiler's order exactly. The compile walk decides when names are added.
#include "scope.h"

#include <string.h>

#include "../mpyformat/mpyformat.h"

enum {
    ID_TABLE_FIRST_CAP = 8,
    ID_INDEX_MIN_CAP = 32,  // tables this big get a hash index
};

scope_t *scope_new(arena_t *arena, scope_kind_t kind, const pnode_t *pn, qstr_t source_file,
    qstr_t simple_name, emit_option_t emit_options) {
    scope_t *s = arena_alloc(arena, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    s->kind = kind;
    s->pn = pn;
    s->source_file = source_file;
    s->simple_name = simple_name;
    s->emit_options = (uint8_t)emit_options;
    return s;
}

static size_t index_slot(qstr_t qst, size_t cap) {
    return (size_t)(qst * 2654435761u) & (cap - 1);
}

static void index_insert(scope_t *s, size_t pos) {
    size_t i = index_slot(s->id_info[pos].qst, s->id_index_cap);
    while (s->id_index[i] != 0) {
        i = (i + 1) & (s->id_index_cap - 1);
    }
    s->id_index[i] = (uint32_t)pos + 1;
}

// Refills the index from id_info (after growth, or after entries moved).
static void reindex(scope_t *s) {
    memset(s->id_index, 0, s->id_index_cap * sizeof(*s->id_index));
    for (size_t pos = 0; pos < s->id_info_len; pos++) {
        index_insert(s, pos);
    }
}

id_info_t *scope_find(scope_t *s, qstr_t qst) {
    if (s->id_index_cap == 0) {
        for (size_t i = 0; i < s->id_info_len; i++) {
            if (s->id_info[i].qst == qst) {
                return &s->id_info[i];
            }
        }
        return NULL;
    }
    for (size_t i = index_slot(qst, s->id_index_cap); s->id_index[i] != 0; i = (i + 1) & (s->id_index_cap - 1)) {
        id_info_t *id = &s->id_info[s->id_index[i] - 1];
        if (id->qst == qst) {
            return id;
        }
    }
    return NULL;
}

id_info_t *scope_find_global(scope_t *s, qstr_t qst) {
    while (s->parent != NULL) {
        s = s->parent;
    }
    return scope_find(s, qst);
}

static bool grow_id_table(scope_t *s, arena_t *arena) {
    size_t cap = s->id_info_cap == 0 ? ID_TABLE_FIRST_CAP : s->id_info_cap * 2;
    id_info_t *table = arena_alloc(arena, cap * sizeof(*table));
    if (table == NULL) {
        return false;
    }
    if (s->id_info_len > 0) {
        memcpy(table, s->id_info, s->id_info_len * sizeof(*table));
    }
    s->id_info = table;
    s->id_info_cap = cap;
    if (cap >= ID_INDEX_MIN_CAP) {
        // Twice the table's capacity keeps the index at most half full.
        uint32_t *index = arena_alloc(arena, 2 * cap * sizeof(*index));
        if (index == NULL) {
            return false;
        }
        s->id_index = index;
        s->id_index_cap = 2 * cap;
        reindex(s);
    }
    return true;
}

id_info_t *scope_find_or_add_id(scope_t *s, arena_t *arena, qstr_t qst, id_kind_t kind, bool *added) {
    id_info_t *id = scope_find(s, qst);
    if (added != NULL) {
        *added = id == NULL;
    }
    if (id != NULL) {
        return id;
    }
    if (s->id_info_len == s->id_info_cap && !grow_id_table(s, arena)) {
        return NULL;
    }
    id = &s->id_info[s->id_info_len++];
    id->kind = (uint8_t)kind;
    id->flags = 0;
    id->local_num = 0;
    id->qst = qst;
    if (s->id_index_cap != 0) {
        index_insert(s, s->id_info_len - 1);
    }
    return id;
}

// Walks outwards from s's parent: each enclosing function that has not
// seen the name passes it through as free, until the one that owns it
// (which turns its local into a cell).
static void close_over_in_parents(scope_t *s, arena_t *arena, qstr_t qst) {
    for (scope_t *p = s->parent; p != NULL && p->parent != NULL; p = p->parent) {
        id_info_t *id = scope_find_or_add_id(p, arena, qst, ID_KIND_UNDECIDED, NULL);
        if (id == NULL) {
            return;
        }
        if (id->kind == ID_KIND_UNDECIDED) {
            id->kind = ID_KIND_FREE;
            continue;
        }
        if (id->kind == ID_KIND_LOCAL) {
            id->kind = ID_KIND_CELL;
        }
        return;
    }
}

static bool kind_binds_locally(uint8_t kind) {
    return kind == ID_KIND_LOCAL || kind == ID_KIND_CELL || kind == ID_KIND_FREE;
}

void scope_check_to_close_over(scope_t *s, arena_t *arena, id_info_t *id) {
    // The module scope never provides closures: stop below it.
    for (scope_t *p = s->parent; p != NULL && p->parent != NULL; p = p->parent) {
        id_info_t *outer = scope_find(p, id->qst);
        if (outer == NULL) {
            continue;
        }
        if (kind_binds_locally(outer->kind)) {
            id->kind = ID_KIND_FREE;
            close_over_in_parents(s, arena, id->qst);
        }
        return;
    }
}

// *args must take the slot after the keyword-only parameters: swap it
// with the last plain parameter listed after it.
static void move_star_param_last(scope_t *s) {
    id_info_t *last_plain = NULL;
    for (size_t i = s->id_info_len; i-- > 0;) {
        id_info_t *id = &s->id_info[i];
        if (id->flags & ID_FLAG_IS_STAR_PARAM) {
            if (last_plain != NULL) {
                id_info_t tmp = *last_plain;
                *last_plain = *id;
                *id = tmp;
                if (s->id_index_cap != 0) {
                    reindex(s);
                }
            }
            return;
        }
        if (last_plain == NULL && id->flags == ID_FLAG_IS_PARAM) {
            last_plain = id;
        }
    }
}

// True for the viper type names (int, uint, ptr...) that a viper function
// may use without them counting as global references.
static bool is_viper_int_type_name(const qstr_pool_t *pool, qstr_t qst) {
    static const char *const names[] = {"int", "uint", "ptr", "ptr8", "ptr16", "ptr32"};
    const char *text = qstr_str(pool, qst);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(text, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void number_locals(scope_t *s, const qstr_pool_t *pool) {
    s->num_locals = 0;
    for (size_t i = 0; i < s->id_info_len; i++) {
        id_info_t *id = &s->id_info[i];
        if (s->kind == SCOPE_CLASS && id->qst == QSTR___class__) {
            continue;  // the class cell is made by the function-building code
        }
        if (scope_kind_is_func_like(s->kind) && id->kind == ID_KIND_GLOBAL_IMPLICIT) {
            id->kind = ID_KIND_GLOBAL_EXPLICIT;
        }
        if (id->kind == ID_KIND_GLOBAL_EXPLICIT
            && !(s->emit_options == EMIT_OPT_VIPER && is_viper_int_type_name(pool, id->qst))) {
            s->scope_flags |= MPY_SCOPE_FLAG_REFGLOBALS;
        }
        if (id->kind == ID_KIND_LOCAL || (id->flags & ID_FLAG_IS_PARAM)) {
            id->local_num = s->num_locals++;
        }
    }
    // Cells that are not parameters come after all the plain locals.
    for (size_t i = 0; i < s->id_info_len; i++) {
        id_info_t *id = &s->id_info[i];
        if (id->kind == ID_KIND_CELL && !(id->flags & ID_FLAG_IS_PARAM)) {
            id->local_num = s->num_locals++;
        }
    }
}

// Free variables take the first slots, in the order the parent lists the
// cells it passes down (that is the order MAKE_CLOSURE pushes them), and
// are passed like extra leading positional arguments.
static bool has_free_vars(const scope_t *s) {
    for (size_t i = 0; i < s->id_info_len; i++) {
        if (s->id_info[i].kind == ID_KIND_FREE) {
            return true;
        }
    }
    return false;
}

static void number_free_vars(scope_t *s) {
    // Most functions close over nothing; only those need the parent's
    // (possibly huge) table walked.
    if (!has_free_vars(s)) {
        return;
    }
    unsigned num_free = 0;
    scope_t *p = s->parent;
    for (size_t i = 0; i < p->id_info_len; i++) {
        const id_info_t *outer = &p->id_info[i];
        if (outer->kind != ID_KIND_CELL && outer->kind != ID_KIND_FREE) {
            continue;
        }
        for (size_t j = 0; j < s->id_info_len; j++) {
            id_info_t *id = &s->id_info[j];
            if (id->kind == ID_KIND_FREE && id->qst == outer->qst) {
                id->local_num = (uint16_t)num_free++;
            }
        }
    }
    if (num_free == 0) {
        return;
    }
    for (size_t i = 0; i < s->id_info_len; i++) {
        id_info_t *id = &s->id_info[i];
        if (id->kind != ID_KIND_FREE || (id->flags & ID_FLAG_IS_PARAM)) {
            id->local_num += num_free;
        }
    }
    s->num_pos_args += num_free;
    s->num_locals += num_free;
}

void scope_compute_things(scope_t *s, const qstr_pool_t *pool) {
    if (s->scope_flags & MPY_SCOPE_FLAG_VARARGS) {
        move_star_param_last(s);
    }
    number_locals(s, pool);
    if (s->parent != NULL) {
        number_free_vars(s);
    }
}
