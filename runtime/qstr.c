// runtime/qstr.c: the VM's interned strings. Ids below Q_NUM_BUILTIN are
// fixed at build time (the .mpy static qstrs, then runtime/qstrs.def); the
// texts live in ROM. Strings interned while running (names from loaded
// .mpy files, getattr with a new name) live on the GC heap, reachable from
// the runtime state, and are never freed.
#include <string.h>

#include "frozen.h"
#include "obj.h"

static const char *const runtime_texts[] = {
#define Q(id, text) text,
#include "qstrs.def"
#undef Q
};

typedef struct qentry {
    const char *str;
    uint32_t len;
    uint32_t hash;
} qentry_t;

#if RT_QSTR_HASH_TABLE
// Builtin ids have their hashes computed once at start-up, and a lookup
// table in static memory, so the GC heap holds only interned strings.
static uint16_t builtin_hash[Q_NUM_BUILTIN];
enum {
    BUILTIN_TABLE_SIZE = 2048,
};
_Static_assert(Q_NUM_BUILTIN * 2 <= BUILTIN_TABLE_SIZE, "builtin qstr table too small");
static uint16_t builtin_table[BUILTIN_TABLE_SIZE];
#endif

typedef struct qpool {
    size_t n_dyn;        // dynamic entries in use
    size_t cap_dyn;
    qentry_t *dyn;       // GC block: entries for ids dyn_base + i
    size_t table_cap;    // power of two
    uint32_t *table;     // GC block: id + 1 per slot, 0 = empty
} qpool_t;

static qpool_t pool;

// Interned ids start after the frozen image's qstrs (runtime/frozen.h).
static qstr_t dyn_base;

uint32_t rt_str_hash(const uint8_t *data, size_t len) {
    uint32_t h = 5381;
    for (size_t i = 0; i < len; i++) {
        h = (h * 33) ^ data[i];
    }
    // The reference VM keeps two bytes of hash per qstr, and 0 means
    // "not computed".
    h &= 0xffff;
    return h == 0 ? 1 : h;
}

static const char *builtin_text(qstr_t q) {
    if (q < QSTR_NUM_STATIC) {
        return qstr_static_str(q);
    }
    return runtime_texts[q - QSTR_NUM_STATIC];
}

const char *rtq_str(qstr_t q) {
    if (q < Q_NUM_BUILTIN) {
        return builtin_text(q);
    }
    if (q < dyn_base) {
        return rt_frozen_table.qstrs[q - Q_NUM_BUILTIN].str;
    }
    return pool.dyn[q - dyn_base].str;
}

size_t rtq_len(qstr_t q) {
    if (q < Q_NUM_BUILTIN) {
        return strlen(builtin_text(q));
    }
    if (q < dyn_base) {
        return rt_frozen_table.qstrs[q - Q_NUM_BUILTIN].len;
    }
    return pool.dyn[q - dyn_base].len;
}

uint32_t rtq_hash(qstr_t q) {
    if (q < Q_NUM_BUILTIN) {
#if RT_QSTR_HASH_TABLE
        return builtin_hash[q];
#else
        const char *s = builtin_text(q);
        return rt_str_hash((const uint8_t *)s, strlen(s));
#endif
    }
    if (q < dyn_base) {
        return rt_frozen_table.qstrs[q - Q_NUM_BUILTIN].hash;
    }
    return pool.dyn[q - dyn_base].hash;
}

static void table_insert(uint32_t *table, size_t cap, qstr_t q, uint32_t h) {
    size_t i = h & (cap - 1);
    while (table[i] != 0) {
        i = (i + 1) & (cap - 1);
    }
    table[i] = q + 1;
}

// The table of interned (dynamic) qstrs, on the GC heap.
static void grow_table(void) {
    size_t cap = pool.table_cap ? pool.table_cap * 2 : 64;
    uint32_t *t = gc_alloc(cap * sizeof(uint32_t));
    for (size_t i = 0; i < pool.n_dyn; i++) {
        qstr_t q = (qstr_t)(dyn_base + i);
        table_insert(t, cap, q, rtq_hash(q));
    }
    pool.table = t;
    pool.table_cap = cap;
    rt.qstr_table = t;
}

void rtq_init(void) {
    memset(&pool, 0, sizeof(pool));
    dyn_base = rt_frozen_qstr_end();
#if RT_QSTR_HASH_TABLE
    memset(builtin_table, 0, sizeof(builtin_table));
    for (qstr_t q = 1; q < Q_NUM_BUILTIN; q++) {
        const char *s = builtin_text(q);
        builtin_hash[q] = (uint16_t)rt_str_hash((const uint8_t *)s, strlen(s));
        size_t i = builtin_hash[q] & (BUILTIN_TABLE_SIZE - 1);
        while (builtin_table[i] != 0) {
            i = (i + 1) & (BUILTIN_TABLE_SIZE - 1);
        }
        builtin_table[i] = (uint16_t)q;
    }
#endif
}

static bool same(qstr_t q, uint32_t h, const char *s, size_t len) {
    return rtq_hash(q) == h && rtq_len(q) == len && memcmp(rtq_str(q), s, len) == 0;
}

qstr_t rtq_find(const char *s, size_t len) {
    uint32_t h = rt_str_hash((const uint8_t *)s, len);
#if RT_QSTR_HASH_TABLE
    for (size_t i = h & (BUILTIN_TABLE_SIZE - 1); builtin_table[i] != 0; i = (i + 1) & (BUILTIN_TABLE_SIZE - 1)) {
        if (same(builtin_table[i], h, s, len)) {
            return builtin_table[i];
        }
    }
#else
    for (qstr_t q = 1; q < Q_NUM_BUILTIN; q++) {
        const char *t = builtin_text(q);
        if (strlen(t) == len && memcmp(t, s, len) == 0) {
            return q;
        }
    }
#endif
    qstr_t frozen = rt_frozen_qstr_find(s, len, h);
    if (frozen != QSTR_NULL || pool.table_cap == 0) {
        return frozen;
    }
    size_t mask = pool.table_cap - 1;
    for (size_t i = h & mask; pool.table[i] != 0; i = (i + 1) & mask) {
        qstr_t q = pool.table[i] - 1;
        if (same(q, h, s, len)) {
            return q;
        }
    }
    return QSTR_NULL;
}

qstr_t rtq_intern(const char *s, size_t len) {
    qstr_t q = rtq_find(s, len);
    if (q != QSTR_NULL) {
        return q;
    }
    if (len == 0) {
        return QSTR_empty;
    }
    char *copy = gc_alloc(len + 1);
    memcpy(copy, s, len);
    if (pool.n_dyn == pool.cap_dyn) {
        size_t cap = pool.cap_dyn ? pool.cap_dyn * 2 : 64;
        qentry_t *d = gc_alloc(cap * sizeof(qentry_t));
        if (pool.n_dyn) {
            memcpy(d, pool.dyn, pool.n_dyn * sizeof(qentry_t));
        }
        pool.dyn = d;
        pool.cap_dyn = cap;
        rt.qstr_entries = d;
    }
    if ((pool.n_dyn + 1) * 2 > pool.table_cap) {
        grow_table();
    }
    uint32_t h = rt_str_hash((const uint8_t *)copy, len);
    q = (qstr_t)(dyn_base + pool.n_dyn);
    pool.dyn[pool.n_dyn++] = (qentry_t){copy, (uint32_t)len, h};
    table_insert(pool.table, pool.table_cap, q, h);
    return q;
}

qstr_t rtq_intern_cstr(const char *s) {
    return rtq_intern(s, strlen(s));
}
