// runtime/ports/rv32/board_virt.c: the board layer (bare/board.h) for
// qemu's RISC-V virt machine (qemu-system-riscv32 -M virt -bios none):
// console on the NS16550A UART at 0x10000000, clock from the CLINT's mtime
// (10 MHz), exit through the SiFive test device at 0x100000, and the
// report of a trap (start.S).
#include "../bare/board.h"
#include "../bare/reset.h"

noreturn void rv32_trap(uint32_t cause, uint32_t pc);

#define UART_THR (*(volatile uint8_t *)0x10000000u)
#define UART_LSR (*(volatile uint8_t *)0x10000005u)
#define UART_LSR_THRE 0x20
#define MTIME_LO (*(volatile uint32_t *)0x0200bff8u)
#define MTIME_HI (*(volatile uint32_t *)0x0200bffcu)
#define TEST_DEV (*(volatile uint32_t *)0x00100000u)
#define MTIME_HZ 10000000u

// Called by the trap entry (start.S) with mcause and mepc.
noreturn void rv32_trap(uint32_t cause, uint32_t pc) {
    bare_fault("trap, mcause", cause, pc);
}

void board_init(void) {
}

void board_write(const char *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (!(UART_LSR & UART_LSR_THRE)) {
        }
        UART_THR = (uint8_t)data[i];
    }
}

uint64_t board_ticks_us(void) {
    uint32_t hi;
    uint32_t lo;
    do {
        hi = MTIME_HI;
        lo = MTIME_LO;
    } while (hi != MTIME_HI);
    return (((uint64_t)hi << 32) | lo) / (MTIME_HZ / 1000000u);
}

// The test device ends qemu: 0x5555 passes, (status << 16) | 0x3333 fails
// with that exit status.
noreturn void board_exit(int status) {
    TEST_DEV = status == 0 ? 0x5555u : ((uint32_t)status << 16) | 0x3333u;
    for (;;) {
    }
}
