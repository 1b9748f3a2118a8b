// runtime/ports/bare/sbrk.c: the C library's heap for the firmware, between
// __malloc_start and __malloc_end from the linker script. Only the .mpy
// loader's parse arena (util/arena.c) uses it; the VM's objects live on
// the GC heap. Newlib calls _sbrk, picolibc calls sbrk.
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern char __malloc_start[];
extern char __malloc_end[];

void *_sbrk(ptrdiff_t incr);
void *sbrk(ptrdiff_t incr);

void *sbrk(ptrdiff_t incr) {
    static char *brk = __malloc_start;
    if (incr > __malloc_end - brk || incr < __malloc_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk;
    brk += incr;
    return old;
}

void *_sbrk(ptrdiff_t incr) {
    return sbrk(incr);
}
