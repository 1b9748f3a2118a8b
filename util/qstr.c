// util/qstr.c: interned strings. A pool starts with the VM's static qstrs so
// their ids match the .mpy static indices; later strings get the next ids.
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct qstr_entry {
    const char *str;
    uint32_t len;
    uint32_t hash;
} qstr_entry_t;

struct qstr_pool {
    qstr_entry_t *entries;  // indexed by id
    size_t n_entries;
    size_t cap_entries;
    uint32_t *table;  // open addressing: id + 1, 0 = empty
    size_t table_cap; // power of two
    arena_t strings;
};

static const char *const static_texts[QSTR_NUM_STATIC] = {
    [QSTR_NULL] = "",
#define Q(id, text) [QSTR_##id] = text,
#include "../mpyformat/static_qstrs.def"
#undef Q
};

uint32_t qstr_compute_hash(const uint8_t *data, size_t len) {
    uint32_t h = 5381;
    for (size_t i = 0; i < len; i++) {
        h = (h * 33) ^ data[i];
    }
    return h;
}

const char *qstr_static_str(qstr_t q) {
    return q < QSTR_NUM_STATIC ? static_texts[q] : NULL;
}

bool qstr_is_static(qstr_t q) {
    return q != QSTR_NULL && q < QSTR_NUM_STATIC;
}

static bool grow_table(qstr_pool_t *p) {
    size_t cap = p->table_cap ? p->table_cap * 2 : 1024;
    uint32_t *t = calloc(cap, sizeof(uint32_t));
    if (t == NULL) {
        return false;
    }
    for (size_t id = 1; id < p->n_entries; id++) {
        size_t i = p->entries[id].hash & (cap - 1);
        while (t[i] != 0) {
            i = (i + 1) & (cap - 1);
        }
        t[i] = (uint32_t)id + 1;
    }
    free(p->table);
    p->table = t;
    p->table_cap = cap;
    return true;
}

static qstr_t add_entry(qstr_pool_t *p, const char *s, size_t len, uint32_t hash) {
    if (p->n_entries == p->cap_entries) {
        size_t cap = p->cap_entries ? p->cap_entries * 2 : 512;
        qstr_entry_t *e = realloc(p->entries, cap * sizeof(*e));
        if (e == NULL) {
            return QSTR_NULL;
        }
        p->entries = e;
        p->cap_entries = cap;
    }
    if ((p->n_entries + 1) * 2 > p->table_cap && !grow_table(p)) {
        return QSTR_NULL;
    }
    qstr_t id = (qstr_t)p->n_entries++;
    p->entries[id] = (qstr_entry_t){s, (uint32_t)len, hash};
    size_t i = hash & (p->table_cap - 1);
    while (p->table[i] != 0) {
        i = (i + 1) & (p->table_cap - 1);
    }
    p->table[i] = id + 1;
    return id;
}

qstr_pool_t *qstr_pool_new(void) {
    qstr_pool_t *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return NULL;
    }
    arena_init(&p->strings);
    // Id 0 is the null qstr: present as an entry but never found by lookup.
    if (add_entry(p, "", 0, 0) != QSTR_NULL || p->n_entries != 1) {
        qstr_pool_free(p);
        return NULL;
    }
    for (qstr_t q = 1; q < QSTR_NUM_STATIC; q++) {
        const char *s = static_texts[q];
        size_t len = strlen(s);
        if (add_entry(p, s, len, qstr_compute_hash((const uint8_t *)s, len)) != q) {
            qstr_pool_free(p);
            return NULL;
        }
    }
    return p;
}

void qstr_pool_free(qstr_pool_t *p) {
    if (p == NULL) {
        return;
    }
    free(p->entries);
    free(p->table);
    arena_deinit(&p->strings);
    free(p);
}

qstr_t qstr_find(const qstr_pool_t *p, const char *s, size_t len) {
    uint32_t h = qstr_compute_hash((const uint8_t *)s, len);
    size_t i = h & (p->table_cap - 1);
    while (p->table[i] != 0) {
        qstr_t id = p->table[i] - 1;
        const qstr_entry_t *e = &p->entries[id];
        if (id != QSTR_NULL && e->hash == h && e->len == len && memcmp(e->str, s, len) == 0) {
            return id;
        }
        i = (i + 1) & (p->table_cap - 1);
    }
    return QSTR_NULL;
}

qstr_t qstr_intern(qstr_pool_t *p, const char *s, size_t len) {
    qstr_t q = qstr_find(p, s, len);
    if (q != QSTR_NULL) {
        return q;
    }
    if (len > UINT32_MAX) {
        return QSTR_NULL;
    }
    char *copy = arena_strndup(&p->strings, s, len);
    if (copy == NULL) {
        return QSTR_NULL;
    }
    return add_entry(p, copy, len, qstr_compute_hash((const uint8_t *)s, len));
}

qstr_t qstr_intern_cstr(qstr_pool_t *p, const char *s) {
    return qstr_intern(p, s, strlen(s));
}

const char *qstr_str(const qstr_pool_t *p, qstr_t q) {
    return q < p->n_entries ? p->entries[q].str : "";
}

size_t qstr_len(const qstr_pool_t *p, qstr_t q) {
    return q < p->n_entries ? p->entries[q].len : 0;
}
