// runtime/map.c: the hash tables behind dicts, sets, instance attributes
// and module globals. Open addressing with linear probing, deleted slots
// marked with a sentinel, and growth only when a table is completely full,
// through MicroPython's sequence of sizes; positions are hash % size. Keeping
// all of this identical to the reference VM is what makes iteration order
// (which programs print) identical too.
#include <string.h>

#include "obj.h"

static const uint16_t alloc_sizes[] = {
    0, 2, 4, 6, 8, 10, 12, 17, 23, 29, 37, 47, 59, 73, 97, 127, 167, 223, 293, 389, 521, 691,
    919, 1223, 1627, 2161, 3229, 4831, 7243, 10861, 16273, 24407, 36607, 54907,
};

static size_t alloc_at_least(size_t n) {
    for (size_t i = 0; i < sizeof(alloc_sizes) / sizeof(alloc_sizes[0]); i++) {
        if (alloc_sizes[i] >= n) {
            return alloc_sizes[i];
        }
    }
    return (n + n / 2) | 1;
}

// The hash as an unsigned 32-bit word, as the 32-bit reference VM uses it
// to pick a slot.
static inline uint32_t slot_hash(obj_t key) {
    if (obj_is_qstr(key)) {
        return rtq_hash(qstr_value(key));
    }
    return (uint32_t)obj_hash(key);
}

static inline bool is_str_key(obj_t o) {
    return obj_is_qstr(o) || obj_is_type(o, &type_str);
}

// Equality of two keys known to differ as words; hb is b's slot hash.
// Strings compare hashes first, which keeps long probe chains cheap.
static inline bool key_equal(obj_t a, obj_t b, uint32_t hb) {
    if (obj_is_small_int(a) && obj_is_small_int(b)) {
        return false;
    }
    if (is_str_key(a) && is_str_key(b)) {
        return str_hash(a) == hb && str_equal(a, b);
    }
    return obj_equal(a, b);
}

// The probe dicts and sets share. A table is `alloc` slots of slot_size
// bytes with the key at the start of each (map_elem_t, or a bare obj_t).
// Searches from h % alloc and returns the key's slot, or NULL when the key
// is absent: then *avail is where to add it (the first deleted slot on the
// way, else the empty slot that ended the search), NULL when the table is
// full. ptrs_only: keys are equal only when identical.
static inline obj_t *probe(void *table, size_t slot_size, size_t alloc, obj_t key, uint32_t h, bool ptrs_only,
    obj_t **avail) {
    size_t pos = h % alloc;
    size_t start = pos;
    *avail = NULL;
    for (;;) {
        obj_t *slot = (obj_t *)((char *)table + pos * slot_size);
        if (*slot == OBJ_NULL) {
            if (*avail == NULL) {
                *avail = slot;
            }
            return NULL;
        }
        if (*slot == OBJ_SENTINEL) {
            if (*avail == NULL) {
                *avail = slot;
            }
        } else if (*slot == key || (!ptrs_only && key_equal(*slot, key, h))) {
            return slot;
        }
        pos = pos + 1 == alloc ? 0 : pos + 1;
        if (pos == start) {
            return NULL;
        }
    }
}

// Takes the key out of a slot probe found: the slot becomes empty when the
// next one is (no probe runs on through it), else deleted.
static inline void remove_slot(void *table, size_t slot_size, size_t alloc, obj_t *slot) {
    size_t pos = (size_t)((char *)slot - (char *)table) / slot_size;
    const obj_t *next = (const obj_t *)((char *)table + (pos + 1) % alloc * slot_size);
    *slot = *next == OBJ_NULL ? OBJ_NULL : OBJ_SENTINEL;
}

void map_init(map_t *m, size_t n) {
    m->all_keys_are_qstrs = 1;
    m->is_fixed = 0;
    m->is_ordered = 0;
    m->used = 0;
    m->alloc = n;
    m->table = n ? gc_alloc(n * sizeof(map_elem_t)) : NULL;
}

// A read-only ordered view of keyword arguments (key, value, key, value...).
void map_init_fixed(map_t *m, size_t n, const obj_t *kw_pairs) {
    m->all_keys_are_qstrs = 0;
    m->is_fixed = 1;
    m->is_ordered = 1;
    m->used = n;
    m->alloc = n;
    m->table = (map_elem_t *)kw_pairs;
}

void map_clear(map_t *m) {
    if (!m->is_fixed) {
        gc_free(m->table);
    }
    m->all_keys_are_qstrs = 1;
    m->is_fixed = 0;
    m->is_ordered = 0;
    m->used = 0;
    m->alloc = 0;
    m->table = NULL;
}

static void map_rehash(map_t *m) {
    size_t old_alloc = m->alloc;
    map_elem_t *old = m->table;
    size_t new_alloc = alloc_at_least(old_alloc + 1);
    m->table = gc_alloc(new_alloc * sizeof(map_elem_t));
    m->alloc = new_alloc;
    m->used = 0;
    m->all_keys_are_qstrs = 1;
    for (size_t i = 0; i < old_alloc; i++) {
        if (old[i].key != OBJ_NULL && old[i].key != OBJ_SENTINEL) {
            map_lookup(m, old[i].key, MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = old[i].value;
        }
    }
    gc_free(old);
}

static map_elem_t *ordered_lookup(map_t *m, obj_t key, map_lookup_t kind, bool ptrs_only) {
    map_elem_t *end = m->table + m->used;
    for (map_elem_t *e = m->table; e < end; e++) {
        if (e->key == key || (!ptrs_only && obj_equal(e->key, key))) {
            if (kind == MAP_LOOKUP_REMOVE_IF_FOUND) {
                obj_t value = e->value;
                m->used--;
                memmove(e, e + 1, (size_t)(end - e - 1) * sizeof(map_elem_t));
                end[-1].key = OBJ_NULL;
                end[-1].value = value;
                return end - 1;
            }
            return e;
        }
    }
    if (kind != MAP_LOOKUP_ADD_IF_NOT_FOUND || m->is_fixed) {
        return NULL;
    }
    if (m->used == m->alloc) {
        size_t n = m->alloc + 4;
        m->table = gc_realloc(m->table, n * sizeof(map_elem_t));
        memset(m->table + m->alloc, 0, 4 * sizeof(map_elem_t));
        m->alloc = n;
    }
    map_elem_t *e = m->table + m->used++;
    e->key = key;
    e->value = OBJ_NULL;
    if (!obj_is_qstr(key)) {
        m->all_keys_are_qstrs = 0;
    }
    return e;
}

map_elem_t *map_lookup(map_t *m, obj_t key, map_lookup_t kind) {
    bool ptrs_only = m->all_keys_are_qstrs;
    if (ptrs_only) {
        if (obj_is_qstr(key)) {
            // Both interned: identity is equality.
        } else if (obj_is_type(key, &type_str)) {
            ptrs_only = false;
        } else if (kind != MAP_LOOKUP_ADD_IF_NOT_FOUND) {
            return NULL;
        }
    }
    if (m->is_ordered) {
        return ordered_lookup(m, key, kind, ptrs_only);
    }
    if (m->alloc == 0) {
        if (kind != MAP_LOOKUP_ADD_IF_NOT_FOUND) {
            return NULL;
        }
        map_rehash(m);
    }
    uint32_t h = slot_hash(key);
    obj_t *avail;
    obj_t *found = probe(m->table, sizeof(map_elem_t), m->alloc, key, h, ptrs_only, &avail);
    if (found != NULL) {
        if (kind == MAP_LOOKUP_REMOVE_IF_FOUND) {
            m->used--;
            remove_slot(m->table, sizeof(map_elem_t), m->alloc, found);
        }
        return (map_elem_t *)found;
    }
    if (kind != MAP_LOOKUP_ADD_IF_NOT_FOUND) {
        return NULL;
    }
    if (avail == NULL) {
        // Full: grow, then find the key's empty slot in the new table.
        map_rehash(m);
        probe(m->table, sizeof(map_elem_t), m->alloc, key, h, ptrs_only, &avail);
    }
    map_elem_t *e = (map_elem_t *)avail;
    m->used++;
    e->key = key;
    e->value = OBJ_NULL;
    if (!obj_is_qstr(key)) {
        m->all_keys_are_qstrs = 0;
    }
    return e;
}

map_elem_t *map_lookup_qstr(const map_t *m, qstr_t q) {
    obj_t key = obj_qstr(q);
    if (!m->all_keys_are_qstrs || m->is_ordered) {
        return map_lookup((map_t *)m, key, MAP_LOOKUP);
    }
    if (m->alloc == 0) {
        return NULL;
    }
    obj_t *avail;
    return (map_elem_t *)probe(m->table, sizeof(map_elem_t), m->alloc, key, rtq_hash(q), true, &avail);
}

// ---------------------------------------------------------------------------
// Sets: the same scheme with keys only.
void set_init(set_t *s, size_t n) {
    s->alloc = n;
    s->used = 0;
    s->table = n ? gc_alloc(n * sizeof(obj_t)) : NULL;
}

static void set_rehash(set_t *s) {
    size_t old_alloc = s->alloc;
    obj_t *old = s->table;
    s->alloc = alloc_at_least(old_alloc + 1);
    s->used = 0;
    s->table = gc_alloc(s->alloc * sizeof(obj_t));
    for (size_t i = 0; i < old_alloc; i++) {
        if (old[i] != OBJ_NULL && old[i] != OBJ_SENTINEL) {
            set_lookup(s, old[i], MAP_LOOKUP_ADD_IF_NOT_FOUND);
        }
    }
    gc_free(old);
}

obj_t set_lookup(set_t *s, obj_t key, map_lookup_t kind) {
    if (s->alloc == 0) {
        if (kind != MAP_LOOKUP_ADD_IF_NOT_FOUND) {
            return OBJ_NULL;
        }
        set_rehash(s);
    }
    uint32_t h = slot_hash(key);
    obj_t *avail;
    obj_t *found = probe(s->table, sizeof(obj_t), s->alloc, key, h, false, &avail);
    if (found != NULL) {
        obj_t e = *found;
        if (kind == MAP_LOOKUP_REMOVE_IF_FOUND) {
            s->used--;
            remove_slot(s->table, sizeof(obj_t), s->alloc, found);
        }
        return e;
    }
    if (kind != MAP_LOOKUP_ADD_IF_NOT_FOUND) {
        return OBJ_NULL;
    }
    if (avail == NULL) {
        set_rehash(s);
        probe(s->table, sizeof(obj_t), s->alloc, key, h, false, &avail);
    }
    s->used++;
    *avail = key;
    return key;
}

obj_t set_remove_first(set_t *s) {
    for (size_t i = 0; i < s->alloc; i++) {
        obj_t e = s->table[i];
        if (e != OBJ_NULL && e != OBJ_SENTINEL) {
            s->used--;
            if (s->used == 0) {
                memset(s->table, 0, s->alloc * sizeof(obj_t));
            } else {
                s->table[i] = OBJ_SENTINEL;
            }
            return e;
        }
    }
    return OBJ_NULL;
}

void set_clear(set_t *s) {
    gc_free(s->table);
    s->alloc = 0;
    s->used = 0;
    s->table = NULL;
}
