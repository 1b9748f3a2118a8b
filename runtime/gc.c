// runtime/gc.c: a mark-and-sweep collector over one fixed heap. The heap is
// split into an allocation table (2 bits per block: free, head, tail, marked
// head) and the blocks themselves. Marking is conservative: any word in a
// root or a live block that points into a block keeps that block alive, so
// C code may hold objects in plain local variables. Nothing here calls the C
// library's allocator.
#include <string.h>

#include "obj.h"
#include "port.h"

// Under Valgrind, stack words the scan reads may be uninitialised; that is
// expected for a conservative scan, so each copy is marked as defined.
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define MARK_DEFINED(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)
#endif
#endif
#ifndef MARK_DEFINED
#define MARK_DEFINED(p, n) ((void)(p), (void)(n))
#endif

enum {
    BLOCK = RT_GC_BLOCK_BYTES,
    AT_FREE = 0,
    AT_HEAD = 1,
    AT_TAIL = 2,
    AT_MARK = 3,
};

typedef struct gc_heap {
    uint8_t *atb;
    size_t atb_len;
    uint8_t *pool;
    uint8_t *pool_end;
    size_t n_blocks;
    size_t hint;          // block where the next search starts (next fit)
    int lock_depth;
    size_t n_collections;
    size_t mark_sp;
    bool mark_overflow;
    size_t mark_stack[RT_GC_MARK_STACK];
} gc_heap_t;

static gc_heap_t gc;

static inline int block_state(size_t b) {
    return (gc.atb[b >> 2] >> ((b & 3) * 2)) & 3;
}

static inline void set_state(size_t b, int s) {
    uint8_t *p = &gc.atb[b >> 2];
    int sh = (int)((b & 3) * 2);
    *p = (uint8_t)((*p & ~(3 << sh)) | (s << sh));
}

static inline uint8_t *block_ptr(size_t b) {
    return gc.pool + b * BLOCK;
}

void gc_init(void *start, size_t size) {
    memset(&gc, 0, sizeof(gc));
    uintptr_t s = ((uintptr_t)start + BLOCK - 1) & ~(uintptr_t)(BLOCK - 1);
    uintptr_t e = ((uintptr_t)start + size) & ~(uintptr_t)(BLOCK - 1);
    size_t total = e > s ? e - s : 0;
    // Each block costs BLOCK bytes plus a quarter byte of table.
    size_t n = (total * 4) / (4 * BLOCK + 1);
    size_t atb_len = (n + 3) / 4;
    atb_len = (atb_len + BLOCK - 1) & ~(size_t)(BLOCK - 1);
    n = (total - atb_len) / BLOCK;
    gc.atb = (uint8_t *)s;
    gc.atb_len = atb_len;
    gc.pool = (uint8_t *)s + atb_len;
    gc.n_blocks = n < atb_len * 4 ? n : atb_len * 4;
    gc.pool_end = gc.pool + gc.n_blocks * BLOCK;
    memset(gc.atb, 0, atb_len);
}

void gc_lock(void) {
    gc.lock_depth++;
}

void gc_unlock(void) {
    gc.lock_depth--;
}

bool gc_is_locked(void) {
    return gc.lock_depth > 0;
}

// Returns the head block of a pointer into the heap, or SIZE_MAX.
static size_t find_head(uintptr_t w) {
    if (w < (uintptr_t)gc.pool || w >= (uintptr_t)gc.pool_end) {
        return SIZE_MAX;
    }
    size_t b = (w - (uintptr_t)gc.pool) / BLOCK;
    int st = block_state(b);
    while (st == AT_TAIL && b > 0) {
        b--;
        st = block_state(b);
    }
    if (st == AT_FREE || st == AT_TAIL) {
        return SIZE_MAX;
    }
    return b;
}

static void mark_head(size_t b) {
    if (block_state(b) != AT_HEAD) {
        return;
    }
    set_state(b, AT_MARK);
    if (gc.mark_sp < RT_GC_MARK_STACK) {
        gc.mark_stack[gc.mark_sp++] = b;
    } else {
        gc.mark_overflow = true;
    }
}

#if defined(__GNUC__)
__attribute__((no_sanitize_address))
#endif
static void scan_words(const void *start, size_t n_words) {
    const uintptr_t *p = start;
    for (size_t i = 0; i < n_words; i++) {
        uintptr_t w = p[i];
        if (w >= (uintptr_t)gc.pool && w < (uintptr_t)gc.pool_end) {
            size_t b = find_head(w);
            if (b != SIZE_MAX) {
                mark_head(b);
            }
        }
    }
}

static size_t block_count(size_t b) {
    size_t n = 1;
    while (b + n < gc.n_blocks && block_state(b + n) == AT_TAIL) {
        n++;
    }
    return n;
}

static void drain(void) {
    while (gc.mark_sp > 0) {
        size_t b = gc.mark_stack[--gc.mark_sp];
        scan_words(block_ptr(b), block_count(b) * BLOCK / sizeof(uintptr_t));
    }
}

void gc_mark_block(const void *ptr) {
    size_t b = find_head((uintptr_t)ptr);
    if (b != SIZE_MAX) {
        mark_head(b);
        drain();
    }
}

void gc_mark_words(const void *start, size_t n_words) {
    scan_words(start, n_words);
    drain();
}

static void finish_marking(void) {
    drain();
    while (gc.mark_overflow) {
        gc.mark_overflow = false;
        for (size_t b = 0; b < gc.n_blocks; b++) {
            if (block_state(b) == AT_MARK) {
                scan_words(block_ptr(b), block_count(b) * BLOCK / sizeof(uintptr_t));
                drain();
            }
        }
    }
}

static void sweep(void) {
    bool freeing = false;
    for (size_t b = 0; b < gc.n_blocks; b++) {
        switch (block_state(b)) {
            case AT_HEAD:
                set_state(b, AT_FREE);
                freeing = true;
                break;
            case AT_TAIL:
                if (freeing) {
                    set_state(b, AT_FREE);
                }
                break;
            case AT_MARK:
                set_state(b, AT_HEAD);
                freeing = false;
                break;
            default:
                break;
        }
    }
    gc.hint = 0;
}

#if defined(__GNUC__)
__attribute__((no_sanitize_address))
#endif
static void scan_stack_words(const uintptr_t *p, size_t n_words) {
    for (size_t i = 0; i < n_words; i++) {
        uintptr_t w = p[i];
        MARK_DEFINED(&w, sizeof(w));
        if (w >= (uintptr_t)gc.pool && w < (uintptr_t)gc.pool_end) {
            size_t b = find_head(w);
            if (b != SIZE_MAX) {
                mark_head(b);
            }
        }
    }
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void scan_stack(void) {
    // Spill callee-saved registers onto the stack so the scan sees them.
    jmp_buf regs;
    setjmp(regs);
    volatile char here = 0;
    uintptr_t lo = (uintptr_t)&here & ~(uintptr_t)(sizeof(uintptr_t) - 1);
    uintptr_t hi = (uintptr_t)rt.stack_top;
    if (hi > lo) {
        scan_stack_words((const uintptr_t *)lo, (hi - lo) / sizeof(uintptr_t));
    }
    scan_stack_words((const uintptr_t *)(void *)&regs, sizeof(regs) / (sizeof(uintptr_t)));
    drain();
}

void gc_collect(void) {
    if (gc.n_blocks == 0) {
        return;
    }
    gc.lock_depth++;
    gc_mark_words(&rt, sizeof(rt) / sizeof(uintptr_t));
    port_gc_roots();
    scan_stack();
    finish_marking();
    sweep();
    gc.n_collections++;
    gc.lock_depth--;
}

// Finds n free blocks in [from, to); returns the first or SIZE_MAX.
static size_t find_run(size_t from, size_t to, size_t n) {
    size_t run = 0;
    size_t b = from;
    while (b < to) {
        // Skip whole table bytes of used blocks quickly.
        if ((b & 3) == 0 && b + 4 <= to) {
            uint8_t a = gc.atb[b >> 2];
            if (((a | (a >> 1)) & 0x55) == 0x55) {
                run = 0;
                b += 4;
                continue;
            }
            if (a == 0) {
                run += 4;
                b += 4;
                if (run >= n) {
                    return b - run;
                }
                continue;
            }
        }
        if (block_state(b) == AT_FREE) {
            if (++run == n) {
                return b + 1 - n;
            }
        } else {
            run = 0;
        }
        b++;
    }
    return SIZE_MAX;
}

// Next fit: search on from where the last allocation ended, then wrap.
static size_t find_free(size_t n) {
    size_t start = find_run(gc.hint, gc.n_blocks, n);
    if (start == SIZE_MAX && gc.hint > 0) {
        size_t to = gc.hint + n - 1 < gc.n_blocks ? gc.hint + n - 1 : gc.n_blocks;
        start = find_run(0, to, n);
    }
    return start;
}

void *gc_alloc_maybe(size_t nbytes) {
    if (gc.lock_depth > 0 || gc.n_blocks == 0) {
        return NULL;
    }
    size_t n = (nbytes + BLOCK - 1) / BLOCK;
    if (n == 0) {
        n = 1;
    }
    size_t start = find_free(n);
    if (start == SIZE_MAX) {
        gc_collect();
        start = find_free(n);
        if (start == SIZE_MAX) {
            return NULL;
        }
    }
    gc.hint = start + n;
    set_state(start, AT_HEAD);
    for (size_t b = start + 1; b < start + n; b++) {
        set_state(b, AT_TAIL);
    }
    uint8_t *p = block_ptr(start);
    memset(p, 0, n * BLOCK);
    return p;
}

void *gc_alloc(size_t n) {
    void *p = gc_alloc_maybe(n);
    if (p == NULL) {
        rt_raise_memory_error();
    }
    return p;
}

static size_t head_of(const void *ptr) {
    uintptr_t w = (uintptr_t)ptr;
    if (w < (uintptr_t)gc.pool || w >= (uintptr_t)gc.pool_end || (w - (uintptr_t)gc.pool) % BLOCK) {
        return SIZE_MAX;
    }
    size_t b = (w - (uintptr_t)gc.pool) / BLOCK;
    return block_state(b) == AT_HEAD ? b : SIZE_MAX;
}

size_t gc_nbytes(const void *ptr) {
    size_t b = head_of(ptr);
    return b == SIZE_MAX ? 0 : block_count(b) * BLOCK;
}

void gc_free(void *ptr) {
    if (gc.lock_depth > 0) {
        return;
    }
    size_t b = head_of(ptr);
    if (b == SIZE_MAX) {
        return;
    }
    size_t n = block_count(b);
    for (size_t i = 0; i < n; i++) {
        set_state(b + i, AT_FREE);
    }
}

void *gc_realloc(void *ptr, size_t nbytes) {
    if (ptr == NULL) {
        return gc_alloc(nbytes);
    }
    size_t b = head_of(ptr);
    if (b == SIZE_MAX) {
        // Not a heap block (ROM data): copy what the caller asks for.
        return gc_alloc(nbytes);
    }
    size_t have = block_count(b);
    size_t want = (nbytes + BLOCK - 1) / BLOCK;
    if (want == 0) {
        want = 1;
    }
    if (want <= have) {
        for (size_t i = want; i < have; i++) {
            set_state(b + i, AT_FREE);
        }
        return ptr;
    }
    if (gc.lock_depth == 0) {
        size_t extra = 0;
        while (have + extra < want && b + have + extra < gc.n_blocks
               && block_state(b + have + extra) == AT_FREE) {
            extra++;
        }
        if (have + extra == want) {
            for (size_t i = have; i < want; i++) {
                set_state(b + i, AT_TAIL);
            }
            memset(block_ptr(b + have), 0, (want - have) * BLOCK);
            return ptr;
        }
    }
    void *q = gc_alloc(nbytes);
    memcpy(q, ptr, have * BLOCK);
    gc_free(ptr);
    return q;
}

void gc_get_info(gc_info_t *info) {
    memset(info, 0, sizeof(*info));
    info->total = gc.n_blocks * BLOCK;
    size_t run = 0;
    for (size_t b = 0; b < gc.n_blocks; b++) {
        if (block_state(b) == AT_FREE) {
            info->free += BLOCK;
            run++;
            if (run * BLOCK > info->max_free) {
                info->max_free = run * BLOCK;
            }
        } else {
            info->used += BLOCK;
            run = 0;
        }
    }
    info->n_collections = gc.n_collections;
}
