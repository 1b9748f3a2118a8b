// runtime/ports/bare/board.h: what a bare-metal board gives the shared
// VM-only firmware (port_bare.c, main_bare.c): a console, a clock and a way
// to stop. Each target folder (cortex-m/, rv32/, xtensa/) implements these
// in its board file; startup code and linker script stay with the target.
#ifndef RUNTIME_PORTS_BARE_BOARD_H
#define RUNTIME_PORTS_BARE_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

// Sets up the console and the clock. Called once, first thing in main.
void board_init(void);
// Writes bytes to the console, waiting while the transmitter is full.
void board_write(const char *data, size_t len);
// Microseconds since board_init (wraps after 2^64).
uint64_t board_ticks_us(void);
// Stops the machine; under an emulator, ends it with this exit status.
noreturn void board_exit(int status);

// Limits of the C stack the VM runs on and of the GC heap, from the
// linker script: the heap is the RAM nothing else takes.
extern char board_stack_top[];
extern char board_stack_bottom[];
extern char board_heap_start[];
extern char board_heap_end[];
// Executable memory for the machine code of .mpy files (exec_mem.c), from
// the linker script of targets that run native code.
extern char board_exec_start[];
extern char board_exec_end[];

#endif // RUNTIME_PORTS_BARE_BOARD_H
