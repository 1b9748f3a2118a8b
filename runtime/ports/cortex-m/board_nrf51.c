// runtime/ports/cortex-m/board_nrf51.c: console of the nRF51822 as qemu's
// microbit machine models it, the one qemu board with an ARMv6-M core
// (Cortex-M0), where the Cortex-M0+ firmware runs: the UART. Clock and
// exit come from cortex_m.c.
#include "../bare/board.h"
#include "cortex_m.h"

// nRF51 Series Reference Manual v3.0, chapter 29 (UART).
#define UART_REG(off) (*(volatile uint32_t *)(0x40002000u + (off)))
#define UART_STARTTX UART_REG(0x008)
#define UART_TXDRDY UART_REG(0x11c)
#define UART_ENABLE UART_REG(0x500)
#define UART_TXD UART_REG(0x51c)

void board_init(void) {
    UART_ENABLE = 4;
    UART_STARTTX = 1;
    cortex_m_clock_init();
}

void board_write(const char *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        UART_TXDRDY = 0;
        UART_TXD = (uint8_t)data[i];
        while (UART_TXDRDY == 0) {
        }
    }
}
