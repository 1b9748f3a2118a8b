// runtime/ports/bare/main_bare.c: main of the VM-only firmware. Runs every
// frozen module (mpy-freeze's output, linked into the image) in turn, each
// on a fresh VM; an image with no frozen module but linked files (files.h,
// the native-code test) runs each file instead, as mpy-vm runs a .mpy
// file. An image of more than one program brackets each one's output with
// marker lines so a test can split the console stream:
//     "\x1e" "begin NAME\n"  ...output...  "\x1e" "end NAME STATUS\n"
// and "\x1e" "done\n" after the last. A test that saw a program crash the
// board restarts it from the next one by setting fw_first_module (in RAM the
// startup code leaves alone) with qemu's generic loader device.
#include <string.h>

#include "../../frozen.h"
#include "../../runtime.h"
#include "board.h"
#include "exec_mem.h"
#include "files.h"

// Index of the first program to run; zero after reset on the boards we run.
__attribute__((section(".noinit"))) volatile uint32_t fw_first_module;

static void put(const char *s) {
    board_write(s, strlen(s));
}

static void put_status(int status) {
    char digits[12];
    size_t n = sizeof(digits);
    unsigned v = (unsigned)status;
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 && n > 0);
    board_write(digits + n, sizeof(digits) - n);
}

// The image's programs: its frozen modules, else its linked files (which
// only a level with a .mpy loader can run).
static bool runs_files(void) {
    return RT_LOADER && rt_frozen_count() == 0;
}

static size_t program_count(void) {
    return runs_files() ? bare_files.n_files : rt_frozen_count();
}

static const char *program_name(size_t i) {
    return runs_files() ? bare_files.files[i].path : rt_frozen_name(i);
}

static int run_program(size_t i) {
    rt_config_t cfg = {
        .heap = board_heap_start,
        .heap_size = (size_t)(board_heap_end - board_heap_start),
        .stack_top = board_stack_top,
        .stack_size = (size_t)(board_stack_top - board_stack_bottom),
    };
    bare_exec_reset();
    rt_init(&cfg);
    int status = runs_files() ? rt_run_file(program_name(i)) : rt_frozen_run(program_name(i));
    rt_deinit();
    return status;
}

int main(void) {
    board_init();
    size_t n = program_count();
    if (n == 1) {
        board_exit(run_program(0));
    }
    for (size_t i = fw_first_module; i < n; i++) {
        put("\x1e" "begin ");
        put(program_name(i));
        put("\n");
        int status = run_program(i);
        put("\x1e" "end ");
        put(program_name(i));
        put(" ");
        put_status(status);
        put("\n");
    }
    put("\x1e" "done\n");
    board_exit(0);
}
