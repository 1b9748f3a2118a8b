// util/arena.c: bump allocation for one compilation; freed all at once.
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum {
    ARENA_BLOCK_MIN = 64 * 1024,
    ARENA_ALIGN = 16,
};

struct arena_block {
    arena_block_t *next;
    size_t used;
    size_t cap;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

void arena_init(arena_t *a) {
    memset(a, 0, sizeof(*a));
}

void arena_deinit(arena_t *a) {
    arena_block_t *b = a->head;
    while (b != NULL) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    memset(a, 0, sizeof(*a));
}

static arena_block_t *new_block(arena_t *a, size_t need) {
    size_t cap = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
    if (cap > SIZE_MAX - sizeof(arena_block_t)) {
        return NULL;
    }
    arena_block_t *b = malloc(sizeof(arena_block_t) + cap);
    if (b == NULL) {
        return NULL;
    }
    b->used = 0;
    b->cap = cap;
    b->next = a->head;
    a->head = b;
    return b;
}

void *arena_alloc(arena_t *a, size_t n) {
    if (n > SIZE_MAX - ARENA_ALIGN) {
        a->failed = true;
        return NULL;
    }
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (n == 0) {
        n = ARENA_ALIGN;
    }
    arena_block_t *b = a->head;
    if (b == NULL || b->cap - b->used < n) {
        b = new_block(a, n);
        if (b == NULL) {
            a->failed = true;
            return NULL;
        }
    }
    void *p = b->data + b->used;
    b->used += n;
    a->used_total += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
