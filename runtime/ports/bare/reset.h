// runtime/ports/bare/reset.h: what a target's startup code (its start.S or
// vector table) hands over to: the C start of the firmware and the report
// of a CPU exception that ends it (reset.c).
#ifndef RUNTIME_PORTS_BARE_RESET_H
#define RUNTIME_PORTS_BARE_RESET_H

#include <stdint.h>
#include <stdnoreturn.h>

// Copies .data from flash, zeroes .bss (but not .noinit), runs main (which
// stops the board itself) and stops the board should main return. Call on
// the stack below board_stack_top.
noreturn void bare_reset(void);
// Prints "fatal: cpu WHAT 0xCAUSE at 0xPC" and stops the board with status
// 4, so a test sees a crash instead of a hang. what names the exception
// and its cause register ("exception, exccause").
noreturn void bare_fault(const char *what, uint32_t cause, uint32_t pc);

#endif // RUNTIME_PORTS_BARE_RESET_H
