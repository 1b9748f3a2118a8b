// tests/ports/test_exec_mem.c: the firmware's executable memory
// (runtime/ports/bare/exec_mem.c), on the host: blocks come zeroed and
// aligned until the region is full, and the word-wise copy the loader
// writes machine code with puts exactly the given bytes at every alignment
// of source, destination and length, leaving the rest of the words it
// rewrites alone. exec_mem.c is compiled into this program over a region
// of its own.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/ports/bare/board.h"

// The region exec_mem.c hands out, in place of the linker script's.
static _Alignas(8) char exec_region[64];
#define board_exec_start exec_region
#define board_exec_end (exec_region + sizeof(exec_region))

#include "runtime/ports/bare/exec_mem.c"

static jmp_buf raised;

noreturn void rt_raise_memory_error(void) {
    longjmp(raised, 1);
}

static void test_alloc_gives_zeroed_aligned_blocks(void **state) {
    (void)state;
    memset(exec_region, 0xa5, sizeof(exec_region));
    bare_exec_reset();
    uint8_t *a = port_exec_alloc(5);
    uint8_t *b = port_exec_alloc(8);
    assert_ptr_equal(a, (uint8_t *)exec_region);
    assert_ptr_equal(b, a + 8);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(a[i], 0);
    }
    assert_int_equal((uint8_t)exec_region[16], 0xa5);
}

static void test_alloc_raises_when_the_region_is_full(void **state) {
    (void)state;
    bare_exec_reset();
    port_exec_alloc(sizeof(exec_region) - 8);
    port_exec_alloc(8);
    if (setjmp(raised) == 0) {
        port_exec_alloc(1);
        fail_msg("no MemoryError");
    }
}

static void test_copy_writes_exactly_the_bytes_given(void **state) {
    (void)state;
    uint8_t src[24];
    for (size_t i = 0; i < sizeof(src); i++) {
        src[i] = (uint8_t)(0x11 * (i + 1));
    }
    for (size_t to = 0; to < 8; to++) {
        for (size_t from = 0; from < 4; from++) {
            for (size_t n = 0; n <= 16; n++) {
                memset(exec_region, 0xa5, sizeof(exec_region));
                port_exec_copy((uint8_t *)exec_region + to, src + from, n);
                for (size_t i = 0; i < sizeof(exec_region); i++) {
                    bool inside = i >= to && i < to + n;
                    uint8_t want = inside ? src[from + i - to] : 0xa5;
                    assert_int_equal((uint8_t)exec_region[i], want);
                }
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_gives_zeroed_aligned_blocks),
        cmocka_unit_test(test_alloc_raises_when_the_region_is_full),
        cmocka_unit_test(test_copy_writes_exactly_the_bytes_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
