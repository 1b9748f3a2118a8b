// runtime/ports/bare/exec_mem.c: executable memory for the machine code of
// .mpy files on a bare-metal board (nativeglue.h): a bump allocator over the
// region the linker script sets aside, board_exec_start..board_exec_end
// (instruction RAM on the lx106, plain RAM on RV32 and Cortex-M, none on
// targets without native code). Nothing is freed while a VM runs;
// main_bare.c empties the region before each program. Every store here is
// a whole aligned word: the ESP8266's instruction RAM faults on 8- and
// 16-bit stores (qemu's lx106 takes them, so its tests do not catch a byte
// store), and one code path serves every board.
#include "../../nativeglue.h"
#include "board.h"
#include "exec_mem.h"

#if RT_NATIVE
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "exec_mem.c merges bytes into words little-endian"
#endif

enum {
    EXEC_ALIGN = 8,
    WORD = sizeof(uint32_t),
};

static char *exec_next;

void bare_exec_reset(void) {
    uintptr_t start = (uintptr_t)board_exec_start;
    exec_next = (char *)((start + EXEC_ALIGN - 1) & ~(uintptr_t)(EXEC_ALIGN - 1));
}

uint8_t *port_exec_alloc(size_t n) {
    if (exec_next == NULL) {
        bare_exec_reset();
    }
    n = (n + EXEC_ALIGN - 1) & ~(size_t)(EXEC_ALIGN - 1);
    if (n == 0) {
        n = EXEC_ALIGN;
    }
    if (board_exec_end < exec_next || (size_t)(board_exec_end - exec_next) < n) {
        rt_raise_memory_error();
    }
    uint8_t *p = (uint8_t *)exec_next;
    exec_next += n;
    // volatile: the compiler may not turn the loop into a memset.
    volatile uint32_t *w = (volatile uint32_t *)p;
    for (size_t i = 0; i < n / WORD; i++) {
        w[i] = 0;
    }
    return p;
}

// Each word dst's bytes fall in is read, has those bytes replaced and is
// written back; src may have any alignment.
void port_exec_copy(uint8_t *dst, const uint8_t *src, size_t n) {
    while (n > 0) {
        size_t at = (uintptr_t)dst % WORD;
        size_t take = WORD - at < n ? WORD - at : n;
        volatile uint32_t *word = (volatile uint32_t *)(dst - at);
        uint32_t v = *word;
        for (size_t i = 0; i < take; i++) {
            unsigned shift = 8 * (unsigned)(at + i);
            v = (v & ~((uint32_t)0xff << shift)) | ((uint32_t)src[i] << shift);
        }
        *word = v;
        dst += take;
        src += take;
        n -= take;
    }
}

// RISC-V: instruction fetch sees stores only after FENCE.I (Zifencei).
// Xtensa: ISYNC waits for the stores before fetching on.
// Cortex-M (no caches on M0/M3): DSB completes the stores, ISB drops the
// instructions already fetched (ARMv7-M ARM A3.7.3).
void port_exec_flush(void *p, size_t n) {
    (void)p;
    (void)n;
#if defined(__riscv)
    __asm__ volatile(".option push\n.option arch, +zifencei\nfence.i\n.option pop" ::: "memory");
#elif defined(__XTENSA__)
    __asm__ volatile("isync" ::: "memory");
#elif defined(__arm__)
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}
#else
void bare_exec_reset(void) {
}
#endif
