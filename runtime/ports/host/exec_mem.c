// runtime/ports/host/exec_mem.c: executable memory for the machine code of
// .mpy files. Code is copied into chunks mapped readable, writable and
// executable and stays there until the program ends (a loaded function
// may be referenced from anywhere, and the collector does not see here).
#include <string.h>
#include <sys/mman.h>

#include "../../nativeglue.h"

#if RT_NATIVE
enum {
    EXEC_CHUNK = 256 * 1024,
    EXEC_ALIGN = 16,
};

static uint8_t *chunk;
static size_t chunk_used;
static size_t chunk_size;

uint8_t *port_exec_alloc(size_t n) {
    n = (n + EXEC_ALIGN - 1) & ~(size_t)(EXEC_ALIGN - 1);
    if (n == 0) {
        n = EXEC_ALIGN;
    }
    if (chunk == NULL || chunk_size - chunk_used < n) {
        size_t size = n > EXEC_CHUNK ? n : EXEC_CHUNK;
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (p == MAP_FAILED) {
            rt_raise_memory_error();
        }
        chunk = p;
        chunk_size = size;
        chunk_used = 0;
    }
    uint8_t *r = chunk + chunk_used;
    chunk_used += n;
    return r;
}

void port_exec_copy(uint8_t *dst, const uint8_t *src, size_t n) {
    memcpy(dst, src, n);
}

void port_exec_flush(void *p, size_t n) {
    __builtin___clear_cache((char *)p, (char *)p + n);
}
#endif
